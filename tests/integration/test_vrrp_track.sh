#!/bin/bash
# Tracked check states sent over vrrpd.sock (as tandem-checkd's quorum
# will): weights and FAULT as keepalived's tracking; the gratuitous ARP
# refresh of a master.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

vr_lab_two_nodes

# conf PRIO [KEYS]: instance ext, refreshing its gratuitous ARP as master.
conf() {
	vr_conf_ext "$1" '"10.0.0.100/24"' \
		"garp_master_repeat = 2; garp_master_refresh = 0.5; ${2:-}"
}

# check NAME UP: {"cmd": "check_state"} to a's vrrpd.sock.
check() {
	python3 - "$LAB_TMP/run-a/vrrpd.sock" "$1" "$2" <<'EOF2'
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
b = json.dumps({"cmd": "check_state", "name": sys.argv[2],
                "up": sys.argv[3] == "true"}).encode()
s.sendall(struct.pack(">HHI", 1, 0, len(b)) + b)
h = s.recv(8)
n = struct.unpack(">HHI", h)[2]
d = b""
while len(d) < n:
    d += s.recv(n - len(d))
print(json.loads(d)["ok"])
EOF2
}

vr_start b b "$(conf 100 '')" || exit 1
vr_start a a "$(conf 150 'track_checks = ( { name = "web"; weight = -60; }, "quorum" );')" || exit 1
wait_for '[ "$(vr_state a ext)" = FAULT ]' 5
tap_is "$(vr_state a ext)" FAULT "checks not reported yet count as down: weight 0 means FAULT"
tap_is "$(check quorum true)" True "check_state accepted"
wait_for '[ "$(vr_state a ext)" = BACKUP ]' 5
tap_is "$(vr_state a ext)/$(vr_get a ext effective_priority)/$(vr_state b ext)" \
	"BACKUP/90/MASTER" "quorum up, web down: priority 150 - 60 = 90, b stays master"
check web true >/dev/null
wait_for '[ "$(vr_state a ext)" = MASTER ]' 5
tap_is "$(vr_state a ext)/$(vr_get a ext effective_priority)/$(vr_state b ext)" \
	"MASTER/150/BACKUP" "web up: priority 150, a preempts"
# The counter is read at some moment within each vr_get: the window between
# the two reads lies between the end of the first and the start of the
# second (shortest) and the start of the first and the end of the second
# (longest). Every 0.5 s, each refresh allowed up to 50 ms late.
t0=${EPOCHREALTIME/[.,]/}
g0=$(vr_get a ext counters.garp_sent)
t1=${EPOCHREALTIME/[.,]/}
sleep 2
t2=${EPOCHREALTIME/[.,]/}
g1=$(vr_get a ext counters.garp_sent)
t3=${EPOCHREALTIME/[.,]/}
lo=$(((t2 - t1) / 550000)) hi=$(((t3 - t0 + 499999) / 500000))
if [ $((g1 - g0)) -ge "$lo" ] && [ $((g1 - g0)) -le "$hi" ]; then
	tap_ok "a master refreshes its gratuitous ARP every 0.5 s ($((g1 - g0)) in $(((t3 - t0) / 1000)) ms)"
else
	tap_fail "a master refreshes its gratuitous ARP every 0.5 s" \
		"got $((g1 - g0)) in $(((t2 - t1) / 1000)) to $(((t3 - t0) / 1000)) ms, want $lo to $hi"
fi
check quorum false >/dev/null
wait_for '[ "$(vr_state a ext)" = FAULT ]' 5
tap_is "$(vr_state a ext)/$(vr_state b ext)" "FAULT/MASTER" "quorum down: a FAULT, b master"
tap_like "$(vr_ctl a vrrp --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"])')" \
	"'quorum': False" "the status lists the reported checks"
tap_is "$(check '' true)" False "a check_state without a name is refused"
tap_done
