# The headline failover test, for test_failover_dr.sh and
# test_failover_nat.sh (which set PAIR_MODE): a director pair with three
# real servers running tcpecho, and a client running streamcheck with
# STREAMS long-lived TCP streams of numbered bytes (every echoed byte
# verified), short new connections at a steady rate and UDP flows. The
# master is (a) killed with SIGKILL, (b) cut off (its links down), (c)
# frozen with SIGSTOP; each time the standby must take over with zero
# streams reset and zero bytes lost or reordered, and when the old master
# returns it resyncs (bulk) before taking the VIPs back (preempt), again
# without breaking a stream. The longest stall of any stream is printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"
. "$(dirname "$0")/lib_pair.sh"

STREAMS=${STREAMS:-500}
[ -x "$TD_TOOLS/streamcheck" ] || lab_die "build/tools/streamcheck missing"

pair_topology "$MODE"
pair_node_start 1 150
wait_for '[ "$(vr_state lb1 ext)" = MASTER ]' 10
pair_node_start 2 100
wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 15
tap_is "$(vr_state lb1 ext)/$(vr_state lb2 ext)/$(pair_sync 1 role)/$(pair_sync 2 role)" \
	MASTER/BACKUP/master/backup "$MODE: lb1 master, lb2 backup; sync roles follow VRRP"

# master_is N: node N holds the VIPs (and, in NAT, the gateway too).
master_is() {
	[ "$(vr_state "lb$1" ext)" = MASTER ] || return 1
	[ "$MODE" != nat ] || [ "$(vr_state "lb$1" int)" = MASTER ]
}

# sc_start TAG SECONDS: streamcheck (TCP, with new connections) and a
# UDP run in the background; returns once every stream is open.
sc_start() {
	local tag=${1// /-} secs=$2
	rm -f "$LAB_TMP/$tag.ready"
	ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -c "$PAIR_VIP:$PAIR_PORT" \
		-n "$STREAMS" -r 256 -i 100 -d "$secs" --ramp 2000 --new-conns 5 \
		--drain 15 --ready-file "$LAB_TMP/$tag.ready" --json \
		>"$LAB_TMP/$tag.json" 2>"$LAB_TMP/$tag.err" </dev/null &
	SC_PID=$!
	LAB_PIDS+=("$SC_PID")
	ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -u -c "$PAIR_VIP:$PAIR_PORT" \
		-n 20 -i 100 -d "$secs" --ramp 500 --json \
		>"$LAB_TMP/$tag-udp.json" 2>"$LAB_TMP/$tag-udp.err" </dev/null &
	SU_PID=$!
	LAB_PIDS+=("$SU_PID")
	wait_for "[ -s $LAB_TMP/$tag.ready ]" 20 ||
		tap_fail "$tag: streams open" "$(cat "$LAB_TMP/$tag.err")"
}

# jget FILE KEY: one number from streamcheck's JSON.
jget() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null
}

# synced N: the standby N holds every stream as ESTABLISHED, as the master.
synced() {
	local m=$1 b=$2
	[ "$(pair_conns "$b" ESTABLISHED | grep -c ":$PAIR_PORT ")" -ge "$STREAMS" ] &&
		[ "$(pair_conns "$m" ESTABLISHED | grep ":$PAIR_PORT " | sort)" = \
		  "$(pair_conns "$b" ESTABLISHED | grep ":$PAIR_PORT " | sort)" ]
}

# sc_check TAG: streamcheck's verdict, as TAP lines.
sc_check() {
	local tag=$1 f=${1// /-} rc
	local j="$LAB_TMP/$f.json"
	wait "$SC_PID"
	rc=$?
	wait "$SU_PID"
	local urc=$?
	tap_is "$rc:$(jget "$j" opened)/$(jget "$j" completed)" "0:$STREAMS/$STREAMS" \
		"$tag: all $STREAMS streams opened and verified to the end"
	tap_is "resets $(jget "$j" resets) timeouts $(jget "$j" timeouts) closed $(jget "$j" peer_closed) mismatches $(jget "$j" mismatches)" \
		"resets 0 timeouts 0 closed 0 mismatches 0" \
		"$tag: no stream reset, timed out or closed; no byte lost or reordered"
	tap_is "$(jget "$j" bytes_verified)" "$(jget "$j" bytes_sent)" \
		"$tag: every byte sent came back ($(jget "$j" bytes_sent) bytes)"
	tap_is "$(jget "$j" new_failed)" 0 \
		"$tag: new connections during the failover: $(jget "$j" new_ok) ok, $(jget "$j" new_failed) failed"
	tap_is "$urc" 0 "$tag: UDP flows continue ($(jget "$LAB_TMP/$f-udp.json" lost) datagrams lost, longest gap $(jget "$LAB_TMP/$f-udp.json" max_gap_ms) ms)"
	echo "# $tag: longest stall of any stream $(jget "$j" max_stall_ms) ms (median of the streams' longest $(jget "$j" median_stall_ms) ms)"
	[ "$rc" = 0 ] || echo "# $(cat "$LAB_TMP/$f.err")"
}

# scenario TAG BREAK RETURN: streams through lb1; BREAK lb1; lb2 takes
# over; RETURN lb1; it resyncs and preempts; streams checked at the end.
scenario() {
	local tag=$1 brk=$2 ret=$3 t0
	sc_start "$tag" 22
	# New short connections come and go all along (--new-conns), so two
	# listings taken a moment apart may differ: the tables must match at
	# some instant, the one wait_for finds.
	if wait_for "synced 1 2" 15; then
		tap_ok "$tag: lb2 holds the same $STREAMS established connections as lb1"
	else
		tap_fail "$tag: lb2's table matches lb1's" \
			"lb1 $(pair_conns 1 ESTABLISHED | wc -l) lb2 $(pair_conns 2 ESTABLISHED | wc -l)" \
			"$(diff <(pair_conns 1 ESTABLISHED) <(pair_conns 2 ESTABLISHED) | head -6)"
	fi
	t0=$(now_ms)
	$brk
	wait_for "master_is 2" 10
	master_is 2 && tap_ok "$tag: lb2 took over after $(($(now_ms) - t0)) ms" ||
		tap_fail "$tag: lb2 takes over"
	sleep 4
	$ret
	wait_for "master_is 1" 20
	master_is 1 && tap_ok "$tag: lb1 back, resynced ($(pair_sync 1 bulk_entries) entries in its bulk sync), master again" ||
		tap_fail "$tag: lb1 preempts after its resync" "$(tail -5 "$LAB_TMP/syncd-lb1.log")"
	wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 10
	sc_check "$tag"
}

kill_master() { pair_kill 1 KILL; wait "${PAIR_DIR[1]}" "${PAIR_SYNC[1]}" "${VR_PID[lb1]}" 2>/dev/null; }
restart_master() { pair_node_start 1 150; }
links() {
	local i
	for i in eth0 eth1 eth2; do
		ip -n "$LAB-switch" link set "lb1-$i" "$1" 2>/dev/null
	done
}
cut_master() { links down; }
uncut_master() { links up; }
freeze_master() { pair_kill 1 STOP; }
thaw_master() { pair_kill 1 CONT; }

# FAILOVER_CASES (kill cut stop) picks some, for debugging.
for c in ${FAILOVER_CASES:-kill cut stop}; do
	case $c in
	kill)	scenario "$MODE SIGKILL" kill_master restart_master ;;
	cut)	scenario "$MODE link cut" cut_master uncut_master ;;
	stop)	scenario "$MODE SIGSTOP" freeze_master thaw_master ;;
	esac
done
tap_is "$(pair_sync 2 auth_failures)/$(pair_sync 1 auth_failures)" 0/0 "no datagram failed authentication"
tap_done
