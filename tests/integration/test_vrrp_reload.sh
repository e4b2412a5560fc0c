#!/bin/bash
# SIGHUP: a new priority applies in place (and preempts), a new VIP list
# is taken without a state change, and a reload that would change the set
# of instances, or a file with errors, is refused with the old config kept.
# Start-up errors (-t, an interface that does not exist) end cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

vr_lab_two_nodes

# conf PRIO VIPS [INSTANCES]: instance ext, and more instances after it.
conf() { vr_conf_ext "$1" "$2" "" "${3:-}"; }
# hup NAME CONFIG_TEXT: SIGHUP with that config; waits until the daemon
# logs the reload's outcome (every one logs "reload: ..."), then 0.5 s
# more, in which nothing must move that the reload should not move.
hup() {
	local log="$LAB_TMP/vrrpd-$1.log" n
	n=$(grep -c 'reload: ' "$log")
	printf '%s\n' "$2" >"$LAB_TMP/$1.conf"
	kill -HUP "${VR_PID[$1]}"
	wait_for "[ \$(grep -c 'reload: ' $log) -gt $n ]" 5
	sleep 0.5
}

vr_start a a "$(conf 150 '"10.0.0.100/24"')" || exit 1
vr_start b b "$(conf 100 '"10.0.0.100/24"')" || exit 1
wait_for '[ "$(vr_state a ext)/$(vr_state b ext)" = MASTER/BACKUP ]' 10
tap_is "$(vr_state a ext)/$(vr_state b ext)" MASTER/BACKUP "a master at 150, b backup at 100"

hup b "$(conf 200 '"10.0.0.100/24"')"
wait_for '[ "$(vr_state b ext)" = MASTER ]' 5
tap_is "$(vr_get b ext priority)/$(vr_state b ext)/$(vr_state a ext)" "200/MASTER/BACKUP" \
	"SIGHUP with priority 200: b preempts without a restart"
pid=$(pgrep -f "tandem-vrrpd -f $LAB_TMP/b.conf" | head -1)
trans=$(vr_get b ext transitions)

hup b "$(conf 200 '"10.0.0.100/24", "10.0.0.101/24"')"
tap_is "$(vr_get b ext vips)/$(vr_state b ext)/$(vr_get b ext transitions)" \
	"['10.0.0.100/24', '10.0.0.101/24']/MASTER/$trans" \
	"SIGHUP with a second VIP: taken, no transition"

hup b "$(conf 200 '"10.0.0.100/24"' ', { name = "new"; interface = "eth0"; vrid = 52; virtual_ipaddress = [ "10.0.0.102/24" ]; }')"
tap_like "$(cat "$LAB_TMP/vrrpd-b.log")" "restart tandem-vrrpd to apply" \
	"SIGHUP adding an instance: refused, with the reason"
tap_is "$(vr_get b new state)/$(vr_get b ext vips)" "missing/['10.0.0.100/24', '10.0.0.101/24']" \
	"... the old configuration stays"

hup b 'vrrp = { instances = ( { name = "ext"; vrid = 999; } ); };'
tap_like "$(cat "$LAB_TMP/vrrpd-b.log")" "has errors; the old configuration stays" \
	"SIGHUP with a broken file: refused"
tap_is "$(vr_state b ext)/$(vr_get b ext transitions)" "MASTER/$trans" "... and nothing moved"
tap_is "$(pgrep -f "tandem-vrrpd -f $LAB_TMP/b.conf" | head -1)" "$pid" "the same process all along"

out=$("$TD_BIN/tandem-vrrpd" -t -f "$LAB_TMP/b.conf" 2>&1)
tap_is "$?/$out" "1/$LAB_TMP/b.conf:1: vrrp.instances[0].vrid: 999 is out of range 1..255" \
	"-t prints the error with file, line and key, and fails"
printf '%s\n' 'vrrp = { instances = ( { name = "ext"; } ); };' >"$LAB_TMP/d.conf"
out=$("$TD_BIN/tandem-vrrpd" -t -f "$LAB_TMP/d.conf" 2>&1)
tap_is "$?/$out" "1/$LAB_TMP/d.conf:1: vrrp.instances[0].interface: missing (required)
$LAB_TMP/d.conf:1: vrrp.instances[0].vrid: missing (required)
$LAB_TMP/d.conf:1: vrrp.instances[0].virtual_ipaddress: missing (required)" \
	"-t: what only tandem-vrrpd requires is checked too"
conf 100 '"10.0.0.100/24"' | sed 's/"eth0"/"nope0"/' >"$LAB_TMP/c.conf"
out=$(lab_exec a "$TD_BIN/tandem-vrrpd" -f "$LAB_TMP/c.conf" --run-dir "$LAB_TMP/run-c" 2>&1)
tap_like "$?/$out" "^1/.*interface nope0: not found" "an unknown interface: a message and exit status 1"
tap_done
