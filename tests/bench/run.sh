#!/bin/bash
# `make bench`: Tandem side by side with the kernel (plain forwarding and
# nftables DNAT load balancing) and HAProxy in TCP mode, in one run, in
# network namespaces on this machine. Prints a table of medians and ratios
# and writes it into docs/PERFORMANCE.md. About 4 minutes.
#
# Environment: BENCH_RUNS (3), BENCH_SECONDS (5), BENCH_CONNS (50),
# BENCH_THREADS (2), BENCH_MEM_CONNS ("1000 5000"), BENCH_CASES (all:
# "direct forward nft haproxy tandem"), BENCH_DOC (docs/PERFORMANCE.md; empty:
# do not write it).

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
DOC=${BENCH_DOC-$ROOT/docs/PERFORMANCE.md}
RESULTS="$LAB_TMP/results.tsv"
MEMORY="$LAB_TMP/memory.tsv"
ENVF="$LAB_TMP/env.txt"

# Bounds: each wrk run is at most 30 s, at most 10 runs.
[ "$SECS" -ge 1 ] && [ "$SECS" -le 30 ] || { echo "BENCH_SECONDS: 1..30"; exit 2; }
[ "$RUNS" -ge 1 ] && [ "$RUNS" -le 10 ] || { echo "BENCH_RUNS: 1..10"; exit 2; }

# As many descriptors as we may have: wrk, nginx and HAProxy hold thousands.
ulimit -n "$(ulimit -Hn)" 2>/dev/null

want() { [[ " $CASES " == *" $1 "* ]]; }

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
# sanity check that the balancer balances, and a warm-up.
bench_round() {
	local case=$1 url=$2 r=$3
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

bench_env() {
	{
		echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), Linux $(uname -r)."
		echo "Versions: $(nginx -v 2>&1 | sed 's/.*: //'), $(haproxy -v | head -1 | awk '{print "HAProxy " $3}'), $(nft --version | awk '{print $1, $2}'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')."
		echo "wrk: -c $CONNS -t $THREADS -d ${SECS}s, $RUNS rounds, each round running every setup in turn; the new-connection workload adds \`-H 'Connection: close'\`."
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
bench_topology
bench_env

# Rounds: every setup runs once per round, so that whatever else the machine
# does spreads over all of them alike. Each balancer starts afresh in each
# round; its memory is measured in the first, right after it starts.
NFT_OK=1
for r in $(seq "$RUNS"); do
	echo "--- round $r of $RUNS"
	want direct && bench_round direct "http://192.168.1.11/" "$r"
	want forward && bench_round forward "http://192.168.1.21/" "$r"
	if want nft && [ $NFT_OK = 1 ]; then
		if bench_nft_start; then
			[ "$r" = 1 ] && BENCH_CT=1 bench_memory "kernel (nftables)" 0
			bench_round nft "http://$BENCH_VIP/" "$r"
		else
			echo "nft: could not load the ruleset"
			NFT_OK=0
		fi
		bench_nft_stop
	fi
	if want haproxy; then
		if bench_haproxy_start; then
			[ "$r" = 1 ] && bench_memory haproxy "$BENCH_HAPROXY_PID"
			bench_round haproxy "http://$BENCH_VIP/" "$r"
		fi
		bench_haproxy_stop
	fi
	if want tandem && [ "${TANDEM_OK:-1}" = 1 ]; then
		if bench_tandem_start; then
			[ "$r" = 1 ] && bench_memory tandem-director "$(bench_tandem_pid)"
			bench_round tandem "http://$BENCH_VIP/" "$r"
		else
			TANDEM_OK=0
		fi
		bench_tandem_stop
	fi
done
echo "--- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$HERE/report.py" --results "$RESULTS" --memory "$MEMORY" \
	--env "$ENVF" ${DOC:+--doc "$DOC"}
