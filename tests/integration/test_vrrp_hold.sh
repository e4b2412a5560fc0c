#!/bin/bash
# The preemption hold for connection sync and the step-down after a freeze,
# with two Tandem nodes (tandem-director + tandem-vrrpd each) and
# sync.follow set: the higher-priority node, started second, stays backup
# until a sync_state report brings a bulk sync newer than its hold (old or
# not-in-sync reports do not release it), then preempts in the usual time;
# frozen with SIGSTOP past its Master_Down_Interval, the master is replaced
# and, on SIGCONT, steps down without sending a single advert (tcpdump),
# releases its director and stays backup until released; with no report at
# all the hold runs out after sync.preempt_hold.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

ADV=0.2		# advert_int: Master_Down_Interval about 0.7 s
lab_bridge lan
for n in a b; do
	lab_ns "$n"
	lab_link "$n" eth0 lan "10.0.0.$([ $n = a ] && echo 1 || echo 2)/24"
done
lab_ns cap
lab_link cap eth0 lan 10.0.0.9/24

declare -A DIR_PID
# node_conf PRIO HOLD: one file for both daemons of a node.
node_conf() {
	cat <<-EOF
	node = { name = "n"; };
	director = { interfaces = [ "eth0" ]; };
	vrrp = { instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = $1; advert_int = $ADV; virtual_ipaddress = [ "10.0.0.100/24" ]; } ); };
	sync = { interface = "eth0"; follow = "ext"; preempt_hold = $2; };
	EOF
}

# node_start NODE PRIO HOLD: the director (once), then tandem-vrrpd.
node_start() {
	local n=$1
	node_conf "$2" "$3" >"$LAB_TMP/$n.conf"
	if [ -z "${DIR_PID[$n]:-}" ]; then
		lab_bg "$n" "director-$n" "$TD_BIN/tandem-director" \
			-f "$LAB_TMP/$n.conf" --run-dir "$LAB_TMP/run-$n"
		DIR_PID[$n]=$LAB_PID
		wait_for "vr_ctl $n status" 10 ||
			lab_die "director $n: $(cat "$LAB_TMP/director-$n.log")"
	fi
	vr_start "$n" "$n" "$(cat "$LAB_TMP/$n.conf")" || exit 1
}

owned() {
	vr_ctl "$1" status --json 2>/dev/null | python3 -c '
import json, sys
print(" ".join(o["instance"] for o in json.load(sys.stdin)["owned"]) or "none")'
}
both() { echo "$(vr_state a ext)/$(vr_state b ext)"; }
mono_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
# sync_state IN_SYNC BULK_DONE_MS: what tandem-syncd sends to a's vrrpd.
sync_state() {
	python3 "$LAB_ROOT/tests/tools/ctlsend.py" "$LAB_TMP/run-a/vrrpd.sock" \
		"{\"cmd\": \"sync_state\", \"follow\": \"ext\", \"in_sync\": $1, \"bulk_done_ms\": $2, \"lease_ms\": 300}"
}
# never_master MS: a is never master while b's transitions stay put.
never_master() {
	local end=$((${EPOCHREALTIME/[.,]/} + $1 * 1000)) tr s
	tr=$(vr_get b ext transitions)
	while [ "${EPOCHREALTIME/[.,]/}" -lt "$end" ]; do
		s=$(vr_state a ext)
		[ "$s" = MASTER ] && { echo "a MASTER"; return 1; }
		sleep 0.1
	done
	[ "$(vr_get b ext transitions)" = "$tr" ] || { echo "b moved"; return 1; }
	echo ok
}

# --- the hold at start-up ---------------------------------------------------
node_start b 100 30
wait_for '[ "$(vr_state b ext)" = MASTER ]' 10
tap_is "$(vr_state b ext)/$(vr_get b ext hold.released)" MASTER/master \
	"b alone: master at once although its own hold was pending (a failover is never held)"
node_start a 150 30
wait_for '[ "$(vr_get a ext master)" = 10.0.0.2 ]' 5
tap_is "$(never_master 3000)" ok "a (priority 150, preempt) started second: backup for 3 s, b stays master"
tap_is "$(vr_state a ext)/$(vr_get a ext hold.held)/$(vr_get a ext master)" "BACKUP/True/10.0.0.2" \
	"a's status: backup, hold pending, b is its master"
tap_like "$(vr_ctl a vrrp)" "Hold ext: held for [0-9.]+ s, until sync or 2[0-9]\.[0-9] s more" \
	"tandemctl vrrp shows the hold"

since=$(vr_get a ext hold.since_ms)
reply=$(sync_state true "$since")
tap_like "$reply" '"hold": true.*"master": "10\.0\.0\.2".*"state": "BACKUP"' \
	"sync_state reply: BACKUP, master b, hold (bulk_done_ms = the hold's start: not newer)"
until=$(echo "$reply" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hold_until_ms"])')
tap_is "$((until - since))" 30000 "hold_until_ms is sync.preempt_hold after the hold began"
sync_state false "$(mono_ms)" >/dev/null
tap_is "$(never_master 1500)/$(vr_get a ext hold.held)" ok/True \
	"an older bulk sync, and a newer one not in sync, do not release it"
tap_like "$(sync_state true 1.5; sync_state true -3; sync_state 1 5; sync_state true 99999999999)" \
	'^(\{"error": "sync_state: [^"]+", "ok": false\}.?){4}$' "malformed reports: error replies"
tap_is "$(vr_get a ext hold.held)/$(vr_ctl a vrrp --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sync"]["refused"])')" \
	True/4 "...counted, and nothing released"

t0=$(now_ms)
reply=$(sync_state true "$(mono_ms)")
ms=$(wait_ms '[ "$(both)" = MASTER/BACKUP ]' 5)
tap_like "$reply" '"hold": false' "a fresh bulk sync releases the hold (the reply says so)"
tap_like "${ms:-never}" '^([0-9]|[0-9][0-9]|[0-9][0-9][0-9]|1[0-9][0-9][0-9])$' \
	"a preempts ${ms:-never} ms after the release (Master_Down_Interval is about 700)"
tap_is "$(vr_get a ext hold.released)/$(owned a)/$(owned b)" sync/ext/none \
	"released by sync; a's director owns the VIP, b's released it"
grep -q "preemption hold released after .* (tandem-syncd's bulk sync is done)" \
	"$LAB_TMP/vrrpd-a.log" && tap_ok "a logs the release" ||
	tap_fail "a logs the release" "$(tail -5 "$LAB_TMP/vrrpd-a.log")"

# --- freeze: SIGSTOP past Master_Down_Interval, shorter than the lease ------
PCAP="$LAB_TMP/vrrp.pcap"
lab_bg cap tcpdump tcpdump -i eth0 -U --immediate-mode -n -w "$PCAP" 'ip proto 112'
TCPDUMP=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10 ||
	lab_die "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.log")"
sleep 0.5
kill -STOP "${VR_PID[a]}"
ms=$(wait_ms '[ "$(vr_state b ext)" = MASTER ]' 5)
tap_like "${ms:-never}" '^[0-9]+$' "a's vrrpd frozen: b master after ${ms:-never} ms"
sleep 0.5	# frozen about 1.5 s: past 0.7 s, within the director's 2.5 s lease
tr_b=$(vr_get b ext transitions)
tcont=$EPOCHREALTIME
kill -CONT "${VR_PID[a]}"
wait_for '[ "$(vr_state a ext)" = BACKUP ]' 2
tap_is "$(both)/$(vr_get a ext counters.freeze_stepdowns)/$(vr_get a ext hold.held)" \
	"BACKUP/MASTER/1/True" "SIGCONT: a steps down at once (one freeze step-down), hold pending"
tap_is "$(owned a)/$(owned b)" none/ext "a's vrrpd released its director (before its lease ran out)"
grep -q "ext: this node stood still [0-9]* ms, longer than the Master_Down_Interval" \
	"$LAB_TMP/vrrpd-a.log" && tap_ok "a logs the stall" ||
	tap_fail "a logs the stall" "$(tail -5 "$LAB_TMP/vrrpd-a.log")"
tap_is "$(never_master 2000)/$(vr_get b ext transitions)" "ok/$tr_b" \
	"a stays backup until released; b never left master"
trel=$EPOCHREALTIME
sync_state true "$(mono_ms)" >/dev/null
wait_for '[ "$(both)" = MASTER/BACKUP ]' 5
tap_is "$(both)/$(vr_get a ext hold.released)" MASTER/BACKUP/sync "released: a preempts"
sleep 1
lab_stop "$TCPDUMP" INT

# From the capture: a sent nothing between SIGCONT and the release; both
# nodes never advertised as master within one interval of each other for
# longer than one interval; in the end only a advertises.
tshark -r "$PCAP" -Y 'vrrp && vrrp.prio > 0' -T fields -e frame.time_epoch \
	-e ip.src -e vrrp.prio >"$LAB_TMP/adverts.txt" 2>/dev/null
verdict=$(python3 - "$LAB_TMP/adverts.txt" "$tcont" "$trel" "$ADV" <<'EOF'
import sys
rows = [l.split("\t") for l in open(sys.argv[1]) if l.strip()]
tcont, trel, adv = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ads = [(float(t), s) for t, s, p in rows if float(t) >= tcont]
quiet = sum(1 for t, s in ads if s == "10.0.0.1" and t < trel)
# Time during which both have advertised within the last interval.
ta = [t for t, s in ads if s == "10.0.0.1"]
tb = [t for t, s in ads if s == "10.0.0.2"]
both, step = 0.0, 0.001
t = tcont
while t < (ads[-1][0] if ads else tcont):
    if any(t - adv <= x <= t for x in ta) and any(t - adv <= x <= t for x in tb):
        both += step
    t += step
end = {s for t, s in ads if t >= ads[-1][0] - 0.8} if ads else set()
print("%d %s %s" % (quiet, "overlap-ok" if both <= adv + 0.001 else "overlap-%.3f" % both,
      ",".join(sorted(end))))
EOF
)
tap_is "$verdict" "0 overlap-ok 10.0.0.1" \
	"tcpdump: no advert from a after SIGCONT until released, no double master, a alone at the end"
tap_is "$(vr_get b ext master)" 10.0.0.1 "b's view: a is the master"

# --- no report at all: the hold runs out ------------------------------------
vr_stop a
wait_for '[ "$(vr_state b ext)" = MASTER ]' 5
t0=$(now_ms)
node_start a 150 2
wait_for '[ "$(vr_state a ext)" = MASTER ]' 8
ms=$(($(now_ms) - t0))
# 2 s of hold, then one Master_Down_Interval after b's last advert.
tap_like "$ms" '^(2[0-9][0-9][0-9]|3[0-9][0-9][0-9])$' \
	"sync.preempt_hold = 2 and no sync_state: a preempts $ms ms after it started"
tap_is "$(both)/$(vr_get a ext hold.released)" MASTER/BACKUP/expired "released: expired"
grep -q "ext: preemption hold expired without sync" "$LAB_TMP/vrrpd-a.log" &&
	tap_ok "a logs that the hold expired without sync" ||
	tap_fail "a logs that the hold expired without sync" "$(tail -5 "$LAB_TMP/vrrpd-a.log")"
tap_done
