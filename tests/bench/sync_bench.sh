#!/bin/bash
# Connection sync of a Tandem pair (DR, lib_pair.sh's lab), measured:
#  - sync lag, the master's director queueing a connection to the backup's
#    director having installed it: median and p99 per datagram, at three
#    loads of new connections (1,000/s from streamcheck; wrk with
#    "Connection: close" at 20 and at 200 concurrent clients, as fast as
#    the pair goes); from the syncds' traces (TANDEM_SYNC_TRACE): the time
#    the update waited in the master's director (its batch) plus master
#    send to backup install (one clock: both nodes are on this machine);
#  - the share of the master's established connections present on the
#    standby at random instants (1,000 streams, while new ones come);
#  - the failover stall (longest gap of any of 200 streams) when the
#    master is SIGKILLed, at advert intervals 1 s, 0.1 s and 0.02 s.
# Prints markdown tables. RUNS (default 3) failovers per interval;
# PARTS ("lag share stall") and ADVERTS ("1 0.1 0.02") pick some.
#   bash tests/bench/sync_bench.sh
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${BENCH_BOUNDED:-}" ]; then
	BENCH_BOUNDED=1 exec timeout -k 20 900 bash "$0" "$@"
fi
. "$HERE/../integration/lib.sh"
. "$HERE/../integration/lib_vrrp.sh"
. "$HERE/../integration/lib_pair.sh"

RUNS=${RUNS:-3}
PARTS=${PARTS:-lag share stall}
ADVERTS=${ADVERTS:-1 0.1 0.02}
part() { [[ " $PARTS " == *" $1 "* ]]; }
export TANDEM_SYNC_TRACE=1
PAIR_HTTP=1
pair_topology dr
# The client opens tens of thousands of connections: every local port,
# and TIME_WAIT ports reused.
lab_sysctl client net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1

start_pair() {
	pair_node_start 1 150
	wait_for '[ "$(vr_state lb1 ext)" = MASTER ]' 10
	pair_node_start 2 100
	wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 15
}
stop_pair() {
	local n
	for n in 1 2; do
		lab_stop "${VR_PID[lb$n]}"
		lab_stop "${PAIR_SYNC[$n]}"
		lab_stop "${PAIR_DIR[$n]}"
	done
}

# lag TAG: median and p99 (ms) of wait + master send -> backup install,
# over the datagrams since the traces were last emptied.
lag() {
	python3 - "$LAB_TMP/run-lb1/sync.trace" "$LAB_TMP/run-lb2/sync.trace" "$1" <<-'PY'
	import sys
	sent, inst = {}, {}
	for line in open(sys.argv[1]):
	    f = line.split()
	    if f[0] == "S": sent[int(f[1])] = (int(f[2]), int(f[3]))
	for line in open(sys.argv[2]):
	    f = line.split()
	    if f[0] == "I": inst[int(f[1])] = int(f[2])
	lags = sorted((inst[s] - t) / 1000.0 + w for s, (t, w) in sent.items() if s in inst)
	if not lags:
	    print("| %s | - | - | 0 |" % sys.argv[3]); sys.exit()
	med = lags[len(lags) // 2]; p99 = lags[min(len(lags) - 1, int(len(lags) * 0.99))]
	print("| %s | %.1f | %.1f | %d |" % (sys.argv[3], med, p99, len(lags)))
	PY
}
trace_reset() { : >"$LAB_TMP/run-lb1/sync.trace"; : >"$LAB_TMP/run-lb2/sync.trace"; }
# conns_rate: new connections/s through lb1 over the last run (its counter).
created() { pair_ctl 1 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["conns_created"])'; }

start_pair
if part lag; then
echo "## Sync lag"
echo
echo "| load | median ms | p99 ms | datagrams |"
echo "|---|---|---|---|"
trace_reset
c0=$(created)
ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -c "$PAIR_VIP:$PAIR_PORT" -n 1 \
	-d 5 --new-conns 1000 --json >/dev/null 2>&1 </dev/null
sleep 1
lag "$(( ($(created) - c0) / 5 )) new conns/s (streamcheck, 1,000/s asked)"
for c in 20 200; do
	trace_reset
	c0=$(created)
	out=$(ip netns exec "$LAB-client" timeout 20 wrk -c "$c" -t 2 -d 5s \
		-H "Connection: close" "http://$PAIR_VIP/" 2>&1)
	sleep 1
	# Every request is a new connection; the director's conns_created
	# misses those that reuse a TIME_WAIT entry's ports (conn_reuse_mode).
	lag "$(echo "$out" | awk '/^Requests\/sec/ { printf "%d", $2 }') new conns/s (wrk -c $c, Connection: close$(echo "$out" | awk '/Socket errors/ { print "; wrk: " $0 }'))"
	sleep 3
done
echo
echo "The syncds' own view after these runs (\`tandemctl sync\`, the last 1,024 samples each):" \
	"changes held in lb1's director $(pair_sync 1 lag.master.median_ms) ms median," \
	"$(pair_sync 1 lag.master.p99_ms) ms p99; install on lb2" \
	"$(pair_sync 2 lag.install.median_ms) ms median, $(pair_sync 2 lag.install.p99_ms) ms p99."
fi

if part share; then
echo
echo "## Share of established connections on the standby"
echo
ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -c "$PAIR_VIP:$PAIR_PORT" -n 1000 \
	-r 64 -i 200 -d 20 --ramp 3000 --new-conns 200 --ready-file "$LAB_TMP/share.ready" \
	--json >/dev/null 2>&1 </dev/null &
SC=$!
LAB_PIDS+=("$SC")
wait_for "[ -s $LAB_TMP/share.ready ]" 20
echo "| instant | established on master | of them on standby | share |"
echo "|---|---|---|---|"
for i in 1 2 3 4 5; do
	sleep "0.$((RANDOM % 9 + 1))"
	pair_conns 1 ESTABLISHED >"$LAB_TMP/m"
	pair_conns 2 >"$LAB_TMP/b"
	# Present: the same connection, to the same real server, any state.
	m=$(wc -l <"$LAB_TMP/m")
	p=$(awk '{ print $1, $3, $4, $5 }' "$LAB_TMP/b" | sort >"$LAB_TMP/b2";
	    awk '{ print $1, $3, $4, $5 }' "$LAB_TMP/m" | sort | comm -12 - "$LAB_TMP/b2" | wc -l)
	echo "| $i | $m | $p | $(python3 -c "print('%.2f%%' % (100.0 * $p / max($m, 1)))") |"
done
wait "$SC"
fi

part stall || exit 0
echo
echo "## Failover stall (SIGKILL of the master, 200 streams)"
echo
echo "| advert interval | runs | longest stall, median ms | all streams survived |"
echo "|---|---|---|---|"
stop_pair
for adv in $ADVERTS; do
	PAIR_ADVERT=$adv
	stalls=() ok=yes
	for r in $(seq 1 "$RUNS"); do
		start_pair
		rm -f "$LAB_TMP/fo.ready"
		ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -c "$PAIR_VIP:$PAIR_PORT" \
			-n 200 -r 256 -i 100 -d 10 --ramp 1000 --drain 15 \
			--ready-file "$LAB_TMP/fo.ready" --json >"$LAB_TMP/fo.json" 2>/dev/null </dev/null &
		SC=$!
		LAB_PIDS+=("$SC")
		wait_for "[ -s $LAB_TMP/fo.ready ]" 15
		sleep 2
		pair_kill 1 KILL
		if ! wait "$SC"; then
			ok=no
			# Kept for a look (LAB_KEEP=1 keeps $LAB_TMP).
			mkdir -p "$LAB_TMP/failed-$adv-$r"
			cp "$LAB_TMP"/*.log "$LAB_TMP/fo.json" "$LAB_TMP/failed-$adv-$r/" 2>/dev/null
		fi
		stalls+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["max_stall_ms"])' "$LAB_TMP/fo.json")")
		stop_pair
	done
	med=$(printf '%s\n' "${stalls[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	echo "| $adv s | $RUNS | $med (runs: ${stalls[*]}) | $ok |"
done
