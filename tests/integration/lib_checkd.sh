# Health-check helpers for integration tests, on top of lib.sh and
# lib_director.sh: start tandem-checkd beside the lab's director (same
# config file, same run directory) and read its view and the director's.

HC_PID=""	# tandem-checkd's pid

# hc_start [CONFIG_FILE]: tandem-checkd in the director namespace on the
# director's config (default), waiting until checkd.sock answers.
hc_start() {
	local conf=${1:-$LAB_TMP/director.conf}
	lab_bg director checkd "$TD_BIN/tandem-checkd" -d -f "$conf" \
		--run-dir "$TD_RUN"
	HC_PID=$LAB_PID
	if ! wait_for "hc_ctl checks" 10; then
		tap_fail "tandem-checkd starts" "$(cat "$LAB_TMP/checkd.log")"
		return 1
	fi
}

# hc_ctl ARGS...: tandemctl against the lab's run directory.
hc_ctl() {
	lab_exec director "$TD_BIN/tandemctl" --run-dir "$TD_RUN" "$@"
}

# hc_field RS:PORT KEY: one field of the check of that real server in
# `tandemctl checks --json` ("missing" when there is no such check).
hc_field() {
	hc_ctl checks --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for c in d["checks"]:
    if "%s:%d" % (c["rs"], c["rs_port"]) == sys.argv[1]:
        print(c[sys.argv[2]])
        break
else:
    print("missing")' "$1" "$2"
}

# hc_expect RS:PORT STATE REASON_REGEX DESC: waits up to 3 s for that
# check to be in STATE with a reason matching REASON_REGEX; passes when it
# is, and prints both either way.
hc_expect() {
	local st re want=$3	# wait_for's eval sees want
	wait_for "[ \"\$(hc_field $1 state)\" = $2 ] && [[ \"\$(hc_field $1 reason)\" =~ \$want ]]" 3
	st=$(hc_field "$1" state)
	re=$(hc_field "$1" reason)
	if [ "$st" = "$2" ] && [[ "$re" =~ $3 ]]; then
		tap_ok "$4 ($2: $re)"
	else
		tap_fail "$4" "state '$st', reason '$re'" "want $2, /$3/"
	fi
}

# hc_quorum VS_LABEL KEY: a field of a virtual server's quorum entry.
hc_quorum() {
	hc_ctl checks --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
for v in d["virtual_servers"]:
    if v["vs"] == sys.argv[1]:
        print(v[sys.argv[2]])
        break
else:
    print("missing")' "$1" "$2"
}

# rs_weight RS:PORT: the weight `tandemctl -L -n` lists for a real server
# (of any service), or "absent".
rs_weight() {
	local w
	w=$(td_ctl -L -n | awk -v rs="$1" '$1 == "->" && $2 == rs {print $4; exit}')
	echo "${w:-absent}"
}

# elapsed_since T0: seconds (3 decimals) since T0 from $EPOCHREALTIME.
elapsed_since() {
	python3 -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' \
		"$1" "$EPOCHREALTIME"
}

# le A B: true when the decimal A <= B.
le() {
	python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$1" "$2"
}
