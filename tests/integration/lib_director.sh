# Director helpers for integration tests, on top of lib.sh: start
# tandem-director on a config in the "director" namespace, run tandemctl
# against it, read its counters, and check wrk's output.

TD_RUN=""	# the director's run directory
TD_PID=""	# its pid

# td_start CONFIG_TEXT: writes the config, starts the director and waits
# until its control socket answers.
td_start() {
	TD_RUN="$LAB_TMP/run"
	printf '%s\n' "$1" >"$LAB_TMP/director.conf"
	lab_bg director director "$TD_BIN/tandem-director" \
		-f "$LAB_TMP/director.conf" --run-dir "$TD_RUN"
	TD_PID=$LAB_PID
	if ! wait_for "td_ctl status" 10; then
		tap_fail "director starts" "$(cat "$LAB_TMP/director.log")"
		return 1
	fi
	# The first frames may race the neighbour resolution of the real
	# servers; give the kernel a moment to learn them.
	sleep 0.5
	return 0
}

# td_ctl ARGS...: tandemctl against the lab's director.
td_ctl() {
	lab_exec director "$TD_BIN/tandemctl" --run-dir "$TD_RUN" "$@"
}

# td_counter NAME: one counter from `tandemctl status --json`.
td_counter() {
	td_ctl status --json | python3 -c '
import json, sys
print(json.load(sys.stdin)["counters"].get(sys.argv[1], "missing"))' "$1"
}

# td_alive: the director process still runs and answers.
td_alive() {
	kill -0 "$TD_PID" 2>/dev/null && td_ctl status >/dev/null 2>&1
}

# rs_udpecho PORT ADDR: udpecho on rs1..rs3 at ADDR:PORT (the VIP, in a DR
# lab), answering as "rsN" for 120 s; logs udpecho1..3.
rs_udpecho() {
	local i
	for i in 1 2 3; do
		lab_bg "rs$i" "udpecho$i" "$TD_TOOLS/udpecho" -b "$2" -p "$1" \
			-n "rs$i" -t 120 -q
	done
}

# keepalive_open SECONDS: from the client, keepalive.py sends two requests
# on one connection to 10.0.0.100:80, SECONDS apart, into $LAB_TMP/ka.out;
# returns once the first answer is in (at most 5 s). Pid in KEEPALIVE_PID.
keepalive_open() {
	lab_exec client python3 "$LAB_ROOT/tests/tools/keepalive.py" 10.0.0.100 80 "$1" \
		>"$LAB_TMP/ka.out" 2>&1 &
	KEEPALIVE_PID=$!
	wait_for "test -s $LAB_TMP/ka.out" 5
}

# keepalive_kept DESC: waits for keepalive_open's connection to end; passes
# when both its requests were answered by the same real server.
keepalive_kept() {
	local first
	wait "$KEEPALIVE_PID"
	first=$(head -1 "$LAB_TMP/ka.out")
	tap_is "$(tail -1 "$LAB_TMP/ka.out")" "$first $first" "$1"
}

# wrk_clean DESC OUTPUT: passes when wrk made requests with no socket
# errors and no non-2xx answers.
wrk_clean() {
	local desc=$1 out=$2
	local reqs
	reqs=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
	if [ -n "$reqs" ] && [ "$reqs" -gt 0 ] &&
	    ! printf '%s\n' "$out" | grep -qE 'Socket errors|Non-2xx'; then
		tap_ok "$desc ($reqs requests)"
	else
		tap_fail "$desc" "$out"
	fi
}

# curl_seq N URL: N sequential curls from the client; prints the bodies
# space-separated.
curl_seq() {
	local i out=()
	for ((i = 0; i < $1; i++)); do
		# A failed request shows as curl's exit code (28: timeout,
		# 7: refused, 56: reset) in place of the page.
		out+=("$(lab_exec client curl -s -m 3 "$2" || echo "curl-rc=$?")")
	done
	echo "${out[*]}"
}
