#!/bin/bash
# The preemption hold for connection sync and the step-down after a freeze,
# with two Tandem nodes (tandem-director + tandem-vrrpd each), a sync group
# "pair" of two instances on two links, and sync.follow = "pair": the
# higher-priority node, started second, stays backup
# until a sync_state report brings a bulk sync newer than its hold (old or
# not-in-sync reports do not release it), then preempts in the usual time;
# frozen with SIGSTOP past its Master_Down_Interval, the master is replaced
# and, on SIGCONT, steps down without sending a single advert (tcpdump),
# releases its director and stays backup until released, the whole group
# with it; with no report at all the hold runs out after sync.preempt_hold.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

# advert_int 0.5 s: Master_Down_Interval about 1.7 s, well above the
# scheduling stalls of a loaded test machine. The director lease (three
# polls and a timeout: 5 s) outlasts the freeze below. The directors own
# and release as usual but are not tracked: a director slow to answer on
# a loaded machine must not move VRRP here.
ADV=0.5
vr_lab_two_nodes lan2
lab_ns cap
lab_link cap eth0 lan 10.0.0.9/24

# node_conf PRIO HOLD: one file for both daemons of a node.
node_conf() {
	cat <<-EOF
	node = { name = "n"; };
	director = { interfaces = [ "eth0", "eth1" ]; };
	vrrp = { instances = (
	    { name = "ext"; interface = "eth0"; vrid = 51; priority = $1;
	      advert_int = $ADV; virtual_ipaddress = [ "10.0.0.100/24" ]; },
	    { name = "int"; interface = "eth1"; vrid = 52; priority = $1;
	      advert_int = $ADV; virtual_ipaddress = [ "192.168.1.254/24" ]; } );
	  sync_groups = ( { name = "pair"; instances = [ "ext", "int" ]; } );
	  track_director = false; director_interval = 1.0; director_timeout = 2.0; };
	sync = { interface = "eth0"; follow = "pair"; preempt_hold = $2; };
	EOF
}

# node_start NODE PRIO HOLD: the director (once), then tandem-vrrpd.
node_start() {
	local n=$1
	node_conf "$2" "$3" >"$LAB_TMP/$n.conf"
	[ -n "${VR_DIR_PID[$n]:-}" ] || vr_director_start "$n" "$n"
	vr_start "$n" "$n" "$(cat "$LAB_TMP/$n.conf")" || exit 1
}

# gst NODE: the state of the group's two instances, "MASTER" when they
# agree, "MASTER,BACKUP" when not.
gst() {
	vr_ctl "$1" vrrp --json 2>/dev/null | python3 -c '
import json, sys
s = [i["state"] for i in json.load(sys.stdin)["instances"]]
print(s[0] if len(set(s)) == 1 else ",".join(s))'
}
both() { echo "$(gst a)/$(gst b)"; }
# gget NODE KEY: one field of both instances, "ext,int".
gget() { echo "$(vr_get "$1" ext "$2"),$(vr_get "$1" int "$2")"; }
mono_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
# sync_state IN_SYNC BULK_DONE_MS: what tandem-syncd sends to a's vrrpd.
sync_state() {
	python3 "$LAB_ROOT/tests/tools/ctlsend.py" "$LAB_TMP/run-a/vrrpd.sock" \
		"{\"cmd\": \"sync_state\", \"follow\": \"pair\", \"in_sync\": $1, \"bulk_done_ms\": $2, \"lease_ms\": 300}"
}
# group_since: when a's group entered its state (monotonic ms), as the
# reply to a report that releases nothing says.
group_since() {
	sync_state false 0 | python3 -c 'import json,sys; print(json.load(sys.stdin)["since_ms"])'
}
# never_master MS: no instance of a is master while b's transitions stay
# put.
never_master() {
	local end=$((${EPOCHREALTIME/[.,]/} + $1 * 1000)) tr s
	tr=$(gget b transitions)
	while [ "${EPOCHREALTIME/[.,]/}" -lt "$end" ]; do
		s=$(gst a)
		[[ "$s" == *MASTER* ]] && { echo "a $s"; return 1; }
		sleep 0.1
	done
	[ "$(gget b transitions)" = "$tr" ] || { echo "b moved"; return 1; }
	echo ok
}

# --- the hold at start-up ---------------------------------------------------
node_start b 100 30
wait_for '[ "$(gst b)" = MASTER ]' 10
tap_is "$(gst b)/$(gget b hold.released)" MASTER/master,master \
	"b alone: master at once although its own hold was pending (a failover is never held)"
node_start a 150 30
wait_for '[ "$(vr_get a ext master)" = 10.0.0.2 ]' 5
tap_is "$(never_master 3000)" ok "a (priority 150, preempt) started second: backup for 3 s, b stays master"
tap_is "$(gst a)/$(gget a hold.held)/$(gget a master)" "BACKUP/True,True/10.0.0.2,192.168.1.2" \
	"a's status: both instances backup, hold pending, b is their master"
tap_like "$(vr_ctl a vrrp)" "Hold ext: held for [0-9.]+ s, until sync or [0-9.]+ s more.Hold int: held" \
	"tandemctl vrrp shows the hold"

since=$(vr_get a ext hold.since_ms)
reply=$(sync_state true "$since")
tap_like "$reply" '"hold": true.*"master": "10\.0\.0\.2".*"state": "BACKUP"' \
	"sync_state reply: BACKUP, master b, hold (bulk_done_ms = the hold's start: not newer)"
until=$(echo "$reply" | python3 -c 'import json,sys; print(json.load(sys.stdin)["hold_until_ms"])')
tap_like "$((until - since))" '^3000[01]$' "hold_until_ms is sync.preempt_hold after the hold began"
sync_state false "$(mono_ms)" >/dev/null
tap_is "$(never_master 1500)/$(gget a hold.held)" ok/True,True \
	"an older bulk sync, and a newer one not in sync, do not release it"
tap_like "$(sync_state true 1.5; sync_state true -3; sync_state 1 5; sync_state true 99999999999)" \
	'^(\{"error": "sync_state: [^"]+", "ok": false\}.?){4}$' "malformed reports: error replies"
tap_is "$(gget a hold.held)/$(vr_ctl a vrrp --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sync"]["refused"])')" \
	True,True/4 "...counted, and nothing released"

reply=$(sync_state true "$(mono_ms)")
wait_for '[ "$(both)" = MASTER/BACKUP ]' 5
tap_like "$reply" '"hold": false' "a fresh bulk sync releases the hold (the reply says so)"
# In a's own clock: the takeover comes one Master_Down_Interval (1707 ms)
# after b's last advert before the release, plus up to one interval for
# the group's other member (2.2 s), plus slack for a loaded machine.
delay=$(($(group_since) - $(vr_get a ext hold.released_ms)))
tap_like "$(both)/$delay" '^MASTER/BACKUP/([0-9]{1,3}|[1-2][0-9]{3}|3[0-4][0-9]{2})$' \
	"a preempts $delay ms after the release"
tap_is "$(gget a hold.released)/$(vr_owned a)/$(vr_owned b)" "sync,sync/ext int/none" \
	"released by sync (the whole group); a's director owns both, b's released them"
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
ms=$(wait_ms '[ "$(gst b)" = MASTER ]' 5)
tap_like "${ms:-never}" '^[0-9]+$' "a's vrrpd frozen: b master after ${ms:-never} ms"
sleep 0.3	# frozen 2 to 3 s: past 1.7 s, within the director's 5 s lease
tr_b=$(gget b transitions)
tcont=$EPOCHREALTIME
kill -CONT "${VR_PID[a]}"
wait_for '[ "$(gst a)" = BACKUP ]' 2
got="$(both)/$(gget a counters.freeze_stepdowns)/$(gget a hold.held)"
if [ "$got" = "BACKUP/MASTER/1,1/True,True" ]; then
	tap_ok "SIGCONT: a's group steps down at once (a freeze step-down each), hold pending"
else
	tap_fail "SIGCONT: a's group steps down at once (a freeze step-down each), hold pending" \
		"got: $got" "$(grep -E 'stood still|->' "$LAB_TMP/vrrpd-a.log" | tail -6)" \
		"$(grep -E -- '->' "$LAB_TMP/vrrpd-b.log" | tail -4)"
fi
tap_is "$(vr_owned a)/$(vr_owned b)" "none/ext int" "a's vrrpd released its director (before its lease ran out)"
grep -qE "(ext|int): this node stood still [0-9]* ms, longer than the Master_Down_Interval" \
	"$LAB_TMP/vrrpd-a.log" && tap_ok "a logs the stall" ||
	tap_fail "a logs the stall" "$(tail -5 "$LAB_TMP/vrrpd-a.log")"
tap_is "$(never_master 2000)/$(gget b transitions)" "ok/$tr_b" \
	"a stays backup until released; b never left master"
tap_is "$(grep -c 'director: no answer' "$LAB_TMP/vrrpd-a.log")" 0 \
	"a's own freeze is not counted against its director"
trel=$EPOCHREALTIME
sync_state true "$(mono_ms)" >/dev/null
wait_for '[ "$(both)" = MASTER/BACKUP ]' 5
tap_is "$(both)/$(gget a hold.released)" MASTER/BACKUP/sync,sync "released: a preempts"
tap_is "$(gget b master)" 10.0.0.1,192.168.1.1 "b's view: a is the master of both"
sleep 1.5
lab_stop "$TCPDUMP" INT	# read at the end: tshark is heavy on a loaded machine

# --- no report at all: the hold runs out ------------------------------------
vr_stop a
wait_for '[ "$(gst b)" = MASTER ]' 5
cp "$LAB_TMP/vrrpd-a.log" "$LAB_TMP/vrrpd-a.1.log"
node_start a 150 2
wait_for '[ "$(gst a)" = MASTER ]' 8
rel=$(vr_get a ext hold.released_ms)
held=$((rel - $(vr_get a ext hold.since_ms)))
delay=$(($(group_since) - rel))
tap_like "$held/$delay" '^2[0-4][0-9][0-9]/([0-9]{1,3}|[1-2][0-9]{3}|3[0-4][0-9]{2})$' \
	"sync.preempt_hold = 2 and no sync_state: held $held ms, then a preempts $delay ms later"
tap_is "$(both)/$(gget a hold.released)" MASTER/BACKUP/expired,expired "released: expired"
grep -q "int: preemption hold expired without sync" "$LAB_TMP/vrrpd-a.log" &&
	tap_ok "a logs that the hold expired without sync" ||
	tap_fail "a logs that the hold expired without sync" "$(tail -5 "$LAB_TMP/vrrpd-a.log")"

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
end = {s for t, s in ads if t >= ads[-1][0] - 1.2} if ads else set()
print("%d %s %s" % (quiet, "overlap-ok" if both <= adv + 0.001 else "overlap-%.3f" % both,
      ",".join(sorted(end))))
EOF
)
tap_is "$verdict" "0 overlap-ok 10.0.0.1" \
	"tcpdump: no advert from a after SIGCONT until released, no double master, a alone at the end"
tap_done
