#!/bin/bash
# 2,000 checks in one tandem-checkd (1,000 TCP and 1,000 HTTP, every
# second, against four nginx listeners on 2,000 loopback addresses): no
# missed interval, every check up, and the checker's CPU and memory, which
# docs/PERFORMANCE.md quotes. SCALE_SECS (default 20) is the measured run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"
. "$(dirname "$0")/lib_checkd.sh"

SECS=${SCALE_SECS:-20}
lab_ns director
TD_RUN="$LAB_TMP/run"
LAB_NGINX_ACCESS_LOG=0
for p in 8001 8002 8003 8004; do
	lab_nginx director "*" "$p" "web$p"
done

# 10 virtual servers x 200 real servers 127.0.V.R, ports 8001-8004.
{
	echo 'director = { interfaces = [ "lo" ]; };'
	echo 'virtual_servers = ('
	for v in $(seq 1 10); do
		[ "$v" -gt 1 ] && echo ','
		echo "{ address = \"10.0.0.$v\"; port = 80; method = \"nat\"; real_servers = ("
		for r in $(seq 1 200); do
			[ "$r" -gt 1 ] && echo ','
			if [ $((r % 2)) -eq 0 ]; then t='type = "http"; path = "/";'; else t='type = "tcp";'; fi
			echo "{ address = \"127.0.$v.$r\"; port = $((8001 + r % 4)); check = { $t interval = 1.0; timeout = 1.0; warmup = 1.0; retries = 0; }; }"
		done
		echo '); }'
	done
	echo ');'
} >"$LAB_TMP/scale.conf"

hc_start "$LAB_TMP/scale.conf" || exit 1
summary() {	# "checks up missed min_checks max_late_ms"
	hc_ctl checks --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["checks"]
print(len(c), sum(x["state"] == "up" for x in c), sum(x["missed"] for x in c),
      min(x["checks"] for x in c), max(x["max_late_ms"] for x in c))'
}
cpu() {	# utime + stime, in clock ticks
	awk '{print $14 + $15}' "/proc/$HC_PID/stat"
}
wait_for '[ "$(summary | cut -d" " -f2)" = 2000 ]' 15	# every check up
read -r _ _ _ m0 _ <<<"$(summary)"
c0=$(cpu) t0=$EPOCHREALTIME
sleep "$SECS"
# The window ends before the second read (slow with 2,000 checks), so
# that the checks it counts had at least that long.
c1=$(cpu) wall=$(elapsed_since "$t0")
read -r n up missed m1 late <<<"$(summary)"
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$HC_PID/status")
hz=$(getconf CLK_TCK)
pct=$(python3 -c "print('%.1f' % (100.0 * ($c1 - $c0) / $hz / $wall))")

tap_is "$n $up" "2000 2000" "2,000 checks, every one up"
# How late a check starts is speed, which docs/PERFORMANCE.md reports (the
# "missed" count: later than 100 ms); a check a whole interval late means
# the scheduler fell behind, on any machine.
if [ "$late" -lt 1000 ]; then
	tap_ok "no check started a whole interval late (latest ${late} ms; ${missed} later than 100 ms)"
else
	tap_fail "no check started a whole interval late" "latest start ${late} ms after due, ${missed} later than 100 ms"
fi
want=$(python3 -c "print(int($wall) - 1)")
if [ $((m1 - m0)) -ge "$want" ]; then
	tap_ok "each check ran at least $((m1 - m0)) times in ${wall}s"
else
	tap_fail "each check ran about once a second" "the slowest ran $((m1 - m0)) times in ${wall}s"
fi
echo "# scale: $n checks (1000 tcp, 1000 http) every 1 s for ${wall}s: CPU ${pct}% of one core, RSS ${rss} kB, latest start ${late} ms"
if [ "$rss" -lt 65536 ]; then
	tap_ok "RSS ${rss} kB for 2,000 checks (CPU ${pct}% of one core)"
else
	tap_fail "RSS under 64 MiB for 2,000 checks" "RSS ${rss} kB"
fi
tap_is "$(hc_ctl checks | wc -l)" 2011 \
	"tandemctl checks prints all 2,000 checks and 10 quorums (the reply comes in pages)"
kill -0 "$HC_PID" 2>/dev/null && tap_ok "tandem-checkd still runs" ||
	tap_fail "tandem-checkd still runs" "$(tail -20 "$LAB_TMP/checkd.log")"
tap_done
