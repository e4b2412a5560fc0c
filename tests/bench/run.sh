#!/bin/bash
# `make bench`: Tandem side by side with the kernel (plain forwarding and
# nftables DNAT load balancing) and HAProxy in TCP mode, in one run, in
# network namespaces on this machine: HTTP over IPv4 and IPv6, a UDP
# small-packet rate test, memory per connection, and the schedulers' cost
# per pick. Prints tables of medians and ratios and writes them into
# docs/PERFORMANCE.md. About 7 minutes.
#
# Environment: BENCH_RUNS (3), BENCH_SECONDS (5), BENCH_CONNS (50),
# BENCH_THREADS (2), BENCH_MEM_CONNS ("1000 5000"), BENCH_CASES (all:
# "direct forward nft haproxy tandem"), BENCH_PARTS (all: "http http6 udp
# sched"), BENCH_UDP_SECONDS (3), BENCH_UDP_PORTS (256 source ports),
# BENCH_UDP_LEN (64-byte payloads), BENCH_DOC (docs/PERFORMANCE.md; empty: do
# not write it).

HERE=$(cd "$(dirname "$0")" && pwd)
# The whole bench is bounded: after 15 minutes timeout(1) ends it (its TERM
# runs the lab cleanup).
if [ -z "${BENCH_BOUNDED:-}" ]; then
	BENCH_BOUNDED=1 exec timeout -k 20 900 bash "$0" "$@"
fi
ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/tests/integration/lib.sh"
. "$HERE/topology.sh"
. "$HERE/tandem.sh"

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNS:-50}
THREADS=${BENCH_THREADS:-2}
MEM_CONNS=${BENCH_MEM_CONNS:-1000 5000}
CASES=${BENCH_CASES:-direct forward nft haproxy tandem}
PARTS=${BENCH_PARTS:-http http6 udp sched}
USECS=${BENCH_UDP_SECONDS:-3}
UPORTS=${BENCH_UDP_PORTS:-256}
ULEN=${BENCH_UDP_LEN:-64}
DOC=${BENCH_DOC-$ROOT/docs/PERFORMANCE.md}
RESULTS="$LAB_TMP/results.tsv"
MEMORY="$LAB_TMP/memory.tsv"
UDP="$LAB_TMP/udp.tsv"
COUNTERS="$LAB_TMP/tandem-counters.tsv"
SCHED="$LAB_TMP/sched.md"
ENVF="$LAB_TMP/env.txt"
UDPBLAST="$ROOT/build/bench/udpblast"
SCHED_BENCH="$ROOT/build/bench/sched_bench"

# Bounds: each wrk run is at most 30 s, each UDP blast at most 10 s, at most
# 10 runs.
[ "$SECS" -ge 1 ] && [ "$SECS" -le 30 ] || { echo "BENCH_SECONDS: 1..30"; exit 2; }
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 10 ] || { echo "BENCH_RUNS: 1..10"; exit 2; }
[ "$USECS" -ge 1 ] && [ "$USECS" -le 10 ] || { echo "BENCH_UDP_SECONDS: 1..10"; exit 2; }

# As many descriptors as we may have: wrk, nginx and HAProxy hold thousands.
ulimit -n "$(ulimit -Hn)" 2>/dev/null

want() { [[ " $CASES " == *" $1 "* ]]; }
part() { [[ " $PARTS " == *" $1 "* ]]; }

# bench_wrk CASE WORKLOAD URL: one wrk run from the client; appends its
# requests/s, error count and mean latency (ms) to $RESULTS.
bench_wrk() {
	local case=$1 wl=$2 url=$3 run=$4 out hdr=()
	[ "$wl" = close ] && hdr=(-H "Connection: close")
	out=$(lab_exec client timeout $((SECS + 20)) wrk -c "$CONNS" -t "$THREADS" \
		-d "${SECS}s" "${hdr[@]}" "$url" 2>&1)
	local rps errs lat
	rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
	errs=$(awk '/Socket errors:/ {gsub(",", ""); s = $4 + $6 + $8 + $10}
		/Non-2xx or 3xx/ {n = $5} END {print s + n + 0}' <<<"$out")
	lat=$(awk '$1 == "Latency" {v = $2; u = v; sub(/[0-9.]+/, "", u);
		sub(/[a-z]+$/, "", v); f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1;
		printf "%.3f", v * f}' <<<"$out")
	if [ -z "$rps" ]; then
		echo "  $case $wl run $run: wrk failed:"
		sed 's/^/    /' <<<"$out" | tail -n 5
		return 1
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$wl" "$run" "$rps" \
		"${errs:-0}" "${lat:-0}" >>"$RESULTS"
	printf '  %-8s %-9s run %d: %10s req/s  errors %s  latency %s ms\n' \
		"$case" "$wl" "$run" "$rps" "${errs:-0}" "${lat:-?}"
}

# bench_spread URL: which servers six new connections reach (a sanity check
# that the balancer balances).
bench_spread() {
	local i out=""
	for i in 1 2 3 4 5 6; do
		out+="$(lab_exec client curl -s --max-time 2 "$1" || echo '?') "
	done
	echo "$out"
}

# bench_round CASE URL ROUND: one run of each workload; on the first round a
# sanity check that the balancer balances, and a warm-up. The IPv6 cases are
# CASE6, over http://[VIP6]/.
bench_round() {
	local case=$1 url=$2 r=$3
	case $case in
	*6) part http6 || return 0 ;;
	*) part http || return 0 ;;
	esac
	if [ "$r" = 1 ]; then
		echo "$case: $url reaches: $(bench_spread "$url")"
		lab_exec client timeout 10 wrk -c "$CONNS" -t "$THREADS" -d 1s \
			"$url" >/dev/null 2>&1
	fi
	bench_wrk "$case" keepalive "$url" "$r"
	bench_wrk "$case" close "$url" "$r"
}

kb_of() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }

# bench_memory NAME PID: idle RSS, then the peak RSS after holding each count
# of BENCH_MEM_CONNS keep-alive client connections through the balancer.
bench_memory() {
	local name=$1 pid=$2 n idle hwm held ct
	idle=$(kb_of "$pid" VmRSS)
	printf '%s\t0\t%s\t%s\t%s\n' "$name" "$idle" "$(kb_of "$pid" VmHWM)" \
		"$(bench_conntrack)" >>"$MEMORY"
	for n in $MEM_CONNS; do
		lab_exec client timeout 30 wrk -c "$n" -t "$THREADS" -d 4s \
			--timeout 10s "http://$BENCH_VIP/" >/dev/null 2>&1 &
		local wpid=$! k c
		held=0
		ct=""
		# The most connections seen open at once during the run.
		for k in 1 2 3 4 5 6; do
			sleep 0.5
			c=$(lab_exec client ss -Htn state established dst "$BENCH_VIP" | wc -l)
			[ "$c" -gt "$held" ] && held=$c
			[ "$BENCH_CT" = 1 ] && ct=$(bench_conntrack)
		done
		wait "$wpid"
		hwm=$(kb_of "$pid" VmHWM)
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$held" "$idle" "$hwm" "$ct" \
			>>"$MEMORY"
		echo "  $name: $held connections held: VmHWM ${hwm:-?} kB (idle ${idle:-?} kB)${ct:+, conntrack $ct}"
	done
}

# Connection-tracking entries in lb: the kernel balancer's per-connection
# state (only meaningful while nftables NAT is the balancer).
bench_conntrack() {
	[ "$BENCH_CT" = 1 ] || return 0
	lab_exec lb cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null
}
BENCH_CT=0

# --- UDP small-packet rate -------------------------------------------------

# sysfs counter of an interface in a namespace.
ifstat() { lab_exec "$1" cat "/sys/class/net/$2/statistics/$3" 2>/dev/null || echo 0; }

# UDP datagrams the real servers' kernels dropped because a sink's socket
# queue was full (all namespaces summed): the sinks' own losses.
bench_sink_drops() {
	local n t=0 v
	for n in rs1 rs2 rs3; do
		v=$(lab_exec "$n" awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ {print $6}' \
			/proc/net/snmp)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# tandem_count NAME: one engine counter, 0 while Tandem is not running.
tandem_count() {
	[ -n "$BENCH_TANDEM_PID" ] || { echo 0; return; }
	bench_tandem_status | awk -v k="$1" '$1 == k {print $2; f = 1} END {if (!f) print 0}'
}

# bench_udp CASE DST RUN SERVERS...: sinks on SERVERS, then udpblast sends
# BENCH_UDP_LEN-byte datagrams from BENCH_UDP_PORTS source ports to DST for
# BENCH_UDP_SECONDS; the sinks count what arrives. Appends case, run, sent,
# seconds, received, sink drops, frames in on lb's eth0 and out on its eth1
# to $UDP, and prints where packets went.
bench_udp() {
	local case=$1 dst=$2 r=$3
	shift 3
	part udp || return 0
	if [ ! -x "$UDPBLAST" ]; then
		echo "  udp: $UDPBLAST not built (make bench builds it)"
		return 1
	fi
	local n pids=() out sent secs recv=0 per="" d0 d1 e0 e1 x0 x1 t0 t1 f0 f1
	for n in "$@"; do
		lab_bg "$n" "udpsink-$n" "$UDPBLAST" sink -p "$BENCH_UDP_PORT" -T 60
		pids+=("$LAB_PID")
		wait_for "grep -q ready '$LAB_TMP/udpsink-$n.log'" 5 ||
			echo "  udp: the sink on $n did not start"
	done
	d0=$(bench_sink_drops)
	e0=$(ifstat lb eth0 rx_packets)
	x0=$(ifstat lb eth1 tx_packets)
	t0=$(tandem_count rx_frames)
	f0=$(tandem_count tx_frames)
	out=$(lab_exec client timeout $((USECS + 10)) "$UDPBLAST" send -d "$dst" \
		-p "$BENCH_UDP_PORT" -s "$USECS" -P "$UPORTS" -l "$ULEN" 2>&1)
	# Let the queues drain, then stop the sinks (they print their counts).
	sleep 0.5
	for n in "${pids[@]}"; do
		lab_stop "$n" TERM
	done
	d1=$(bench_sink_drops)
	e1=$(ifstat lb eth0 rx_packets)
	x1=$(ifstat lb eth1 tx_packets)
	t1=$(tandem_count rx_frames)
	f1=$(tandem_count tx_frames)
	sent=$(sed -n 's/.*sent=\([0-9]*\).*/\1/p' <<<"$out")
	secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out")
	if [ -z "$sent" ] || [ -z "$secs" ]; then
		echo "  $case udp run $r: udpblast failed: $out"
		return 1
	fi
	for n in "$@"; do
		local c
		c=$(sed -n 's/^received=\([0-9]*\).*/\1/p' "$LAB_TMP/udpsink-$n.log")
		recv=$((recv + ${c:-0}))
		per+=" $n ${c:-?}"
	done
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$r" "$sent" "$secs" \
		"$recv" "$((d1 - d0))" "$((e1 - e0))" "$((x1 - x0))" >>"$UDP"
	awk -v c="$case" -v r="$r" -v s="$sent" -v t="$secs" -v g="$recv" \
		'BEGIN {printf "  %-8s udp       run %d: %10.0f pkt/s forwarded (sent %.0f pkt/s, %.1f%% arrived)\n",
		c, r, g / t, s / t, s ? 100 * g / s : 0}'
	echo "           sinks:$per; sink socket drops $((d1 - d0)); lb eth0 rx $((e1 - e0)), lb eth1 tx $((x1 - x0))${BENCH_TANDEM_PID:+; engine rx_frames $((t1 - t0)), tx_frames $((f1 - f0))}"
}

# bench_tandem_counters ROUND: the engine's non-zero counters after the
# round's workloads, for the report.
bench_tandem_counters() {
	bench_tandem_status | awk -v r="$1" '$2 != 0 {print r "\t" $1 "\t" $2}' \
		>>"$COUNTERS"
}

bench_env() {
	{
		echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)."
		echo "Versions: $(nginx -v 2>&1 | sed 's/.*: //'), $(haproxy -v | head -1 | awk '{print "HAProxy " $3}'), $(nft --version | awk '{print $1, $2}'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')."
		echo "wrk: -c $CONNS -t $THREADS -d ${SECS}s, $RUNS rounds, each round running every setup in turn; the new-connection workload adds \`-H 'Connection: close'\`."
		part udp && echo "UDP: tests/bench/udpblast, one sender thread, $ULEN-byte payloads from $UPORTS source ports (each a flow of its own), ${USECS}s a run at full speed; a sink on each real server counts what arrives."
		echo "Load average when the bench started: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on the machine skews the numbers)."
		if [ -x "$TD_BIN/tandem-director" ]; then
			local rev dirty=""
			rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null) || rev="no commit yet"
			[ -n "$(git -C "$ROOT" status --porcelain -- lib director 2>/dev/null)" ] &&
				dirty=", with uncommitted changes in lib/ or director/"
			echo "Tandem: $rev$dirty."
		else
			echo "Tandem: not measured in this run (build/bin/tandem-director not built)."
		fi
	} >"$ENVF"
}

echo "bench: building the topology ($LAB)"
: >"$RESULTS"
: >"$MEMORY"
: >"$UDP"
: >"$COUNTERS"
: >"$SCHED"
bench_topology
bench_env

# Rounds: every setup runs once per round, so that whatever else the machine
# does spreads over all of them alike. Each balancer starts afresh in each
# round and runs all its workloads (IPv4, IPv6, UDP); its memory is measured
# in the first, right after it starts.
V6URL="http://[$BENCH_VIP6]/"
NFT_OK=1
for r in $(seq "$RUNS"); do
	echo "--- round $r of $RUNS"
	if want direct; then
		bench_round direct "http://192.168.1.11/" "$r"
		bench_round direct6 "http://[fd01::11]/" "$r"
	fi
	if want forward; then
		bench_round forward "http://192.168.1.21/" "$r"
		bench_udp forward 192.168.1.21 "$r" rs1
	fi
	if want nft && [ $NFT_OK = 1 ]; then
		if bench_nft_start; then
			[ "$r" = 1 ] && part http && BENCH_CT=1 bench_memory "kernel (nftables)" 0
			bench_round nft "http://$BENCH_VIP/" "$r"
			bench_round nft6 "$V6URL" "$r"
			bench_udp nft "$BENCH_VIP" "$r" rs1 rs2 rs3
		else
			echo "nft: could not load the ruleset"
			NFT_OK=0
		fi
		bench_nft_stop
	fi
	if want haproxy; then
		if bench_haproxy_start; then
			[ "$r" = 1 ] && part http && bench_memory haproxy "$BENCH_HAPROXY_PID"
			bench_round haproxy "http://$BENCH_VIP/" "$r"
			bench_round haproxy6 "$V6URL" "$r"
		fi
		bench_haproxy_stop
	fi
	if want tandem && [ "${TANDEM_OK:-1}" = 1 ]; then
		if bench_tandem_start; then
			[ "$r" = 1 ] && part http && bench_memory tandem-director "$(bench_tandem_pid)"
			bench_round tandem "http://$BENCH_VIP/" "$r"
			bench_round tandem6 "$V6URL" "$r"
			bench_udp tandem "$BENCH_VIP" "$r" rs1 rs2 rs3
			bench_tandem_counters "$r"
			echo "  tandem: engine counters other than zero after round $r:" \
				"$(awk -v r="$r" '$1 == r {printf " %s=%s", $2, $3}' "$COUNTERS")"
		else
			TANDEM_OK=0
		fi
		bench_tandem_stop
	fi
done
echo "--- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

# The schedulers' cost per pick: CPU only, no namespaces.
if part sched; then
	if [ -x "$SCHED_BENCH" ]; then
		echo "--- scheduler cost per pick ($SCHED_BENCH)"
		timeout 300 "$SCHED_BENCH" >"$SCHED" || echo "sched_bench failed"
		cat "$SCHED"
	else
		echo "--- sched_bench not built (make bench builds it)"
	fi
fi

python3 "$HERE/report.py" --results "$RESULTS" --memory "$MEMORY" \
	--udp "$UDP" --counters "$COUNTERS" --sched "$SCHED" --runs "$RUNS" \
	--env "$ENVF" ${DOC:+--doc "$DOC"}
