#!/bin/bash
# Runs every Tandem test suite (build, unit, ASan/UBSan unit, fuzz smoke,
# integration), counts the TAP lines they print and ends with one line
# "N passed, N failed". Called by `make test` after scripts/deps.sh.
#
# Environment:
#   VERBOSE=1            print every suite's whole output, not only failures
#   TEST_FILTER=REGEX    run only the suites whose name matches
#   TEST_BUDGET=SECONDS  overall time budget (default 1500); suites that would
#                        start after it are counted as failed, not run
#   INTEGRATION_TIMEOUT, UNIT_TIMEOUT, FUZZ_TIMEOUT, BUILD_TIMEOUT: per-suite
#                        limits in seconds

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
LOGDIR="$ROOT/build/test-logs"
mkdir -p "$LOGDIR"

BUDGET=${TEST_BUDGET:-1500}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-120}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-300}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-300}
JOBS=$(nproc 2>/dev/null || echo 2)

PASSED=0
FAILED=0
FAILURES=()
START=$(date +%s)
SUITE_N=0

export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

finish() {
	local rc=$?
	trap - EXIT
	if [ ${#FAILURES[@]} -gt 0 ]; then
		echo
		echo "# failures:"
		printf '#   %s\n' "${FAILURES[@]}"
	fi
	echo "# logs in $LOGDIR; $(($(date +%s) - START)) s in all"
	echo "$PASSED passed, $FAILED failed"
	if [ "$FAILED" -eq 0 ] && [ "$rc" -eq 0 ]; then
		exit 0
	fi
	exit 1
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail_one() {
	FAILED=$((FAILED + 1))
	FAILURES+=("$1")
}

over_budget() {
	[ $(($(date +%s) - START)) -ge "$BUDGET" ]
}

wanted() {
	[ -z "${TEST_FILTER:-}" ] || [[ "$1" =~ $TEST_FILTER ]]
}

# Each suite gets its own lab name prefix (lib.sh names its namespaces
# "$LAB_PREFIX-NAME"), so that what it leaves behind can be told apart from
# anything else on the machine, such as a bench or another test run.
netns_of() {
	ip netns list 2>/dev/null | awk -v p="$1-" 'index($1, p) == 1 {print $1}'
}

# Removes the namespaces a suite left behind, and the processes in them.
reap_netns() {
	local suite=$1 prefix=$2 leaked n pids
	leaked=$(netns_of "$prefix")
	[ -z "$leaked" ] && return 0
	fail_one "$suite: left namespaces behind: $(echo $leaked)"
	echo "#   $suite: left namespaces behind, now removed: $(echo $leaked)"
	for n in $leaked; do
		pids=$(ip netns pids "$n" 2>/dev/null)
		[ -n "$pids" ] && kill -s KILL $pids 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
}

# run_suite NAME TIMEOUT KIND CMD...: runs CMD under timeout(1), output to a
# log. KIND "tap": count its "ok"/"not ok" lines; a non-zero exit with no
# "not ok" line is one more failure, and so is a zero exit with no TAP line
# at all. KIND "tap-or-status": the same, but a zero exit with no TAP line is
# one pass. KIND "step": one test, passed when CMD exits 0 (builds).
run_suite() {
	local name=$1 limit=$2 kind=$3
	shift 3
	wanted "$name" || return 0
	SUITE_N=$((SUITE_N + 1))
	local log="$LOGDIR/$(printf '%03d' $SUITE_N)-${name//[^A-Za-z0-9_.-]/_}.log"
	if over_budget; then
		fail_one "$name: not run, time budget of ${BUDGET}s used up"
		echo "# $name: NOT RUN (time budget used up)"
		return 0
	fi
	local prefix="tdt$$s$SUITE_N" t0 rc ok nok
	t0=$(date +%s)
	LAB_PREFIX=$prefix timeout -k 10 "$limit" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	local dt=$(($(date +%s) - t0))
	local why=""
	case $rc in
	0) ;;
	124 | 137) why="timed out after ${limit}s" ;;
	*) why="exited with status $rc" ;;
	esac
	if [ $rc -gt 128 ] && [ $rc -ne 137 ]; then
		why="killed by signal $((rc - 128))"
	fi
	# Name a sanitizer's finding: the first report line says what broke.
	local san
	san=$(grep -m1 -E 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:' "$log" 2>/dev/null)
	[ -n "$san" ] && [ $rc -ne 0 ] && why="$why: ${san#*==[0-9]*==}"

	if [ "$kind" = step ]; then
		if [ $rc -eq 0 ]; then
			PASSED=$((PASSED + 1))
			echo "# $name: ok (${dt}s)"
			[ -n "${VERBOSE:-}" ] && sed 's/^/    /' "$log"
		else
			fail_one "$name: $why"
			echo "# $name: FAILED, $why (${dt}s); last lines:"
			tail -n 40 "$log" | sed 's/^/    /'
		fi
		return 0
	fi

	ok=$(grep -cE '^ok( |$)' "$log")
	nok=$(grep -cE '^not ok( |$)' "$log")
	PASSED=$((PASSED + ok))
	FAILED=$((FAILED + nok))
	local line
	while IFS= read -r line; do
		FAILURES+=("$name: $line")
	done < <(grep -E '^not ok( |$)' "$log")
	if [ $rc -ne 0 ] && [ "$nok" -eq 0 ]; then
		fail_one "$name: $why"
	elif [ $rc -eq 0 ] && [ "$ok" -eq 0 ] && [ "$nok" -eq 0 ]; then
		if [ "$kind" = tap-or-status ]; then
			# A runner without TAP output: its exit status is the result.
			PASSED=$((PASSED + 1))
			ok=1
		else
			# A test that ran and reported nothing has tested nothing.
			fail_one "$name: printed no TAP result"
			why="printed no TAP result"
		fi
	fi
	if [ $rc -eq 0 ] && [ "$nok" -eq 0 ] && [ -z "$why" ]; then
		echo "# $name: $ok passed (${dt}s)"
		[ -n "${VERBOSE:-}" ] && sed 's/^/    /' "$log"
	else
		echo "# $name: $ok passed, $nok failed${why:+, $why} (${dt}s)"
		if [ -n "${VERBOSE:-}" ]; then
			sed 's/^/    /' "$log"
		else
			grep -E '^not ok( |$)' "$log" | sed 's/^/    /'
			echo "    --- last lines of $log:"
			tail -n 40 "$log" | sed 's/^/    /'
		fi
	fi
	reap_netns "$name" "$prefix"
	return 0
}

echo "# Tandem tests, $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uname -r)"

# --- build ------------------------------------------------------------------
run_suite "build: make all" "$BUILD_TIMEOUT" step make -j"$JOBS" all
run_suite "build: make unit" "$BUILD_TIMEOUT" step make -j"$JOBS" unit
run_suite "build: make asan" "$BUILD_TIMEOUT" step make -j"$JOBS" asan
run_suite "lint: cppcheck and clang-tidy (bugprone)" "$BUILD_TIMEOUT" step make lint
if [ -f tests/fuzz/build.sh ]; then
	run_suite "build: make fuzz" "$BUILD_TIMEOUT" step make fuzz
fi

# --- unit tests, plain and under sanitizers ---------------------------------
shopt -s nullglob
for dir in build/tests build/asan/tests; do
	for t in "$dir"/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		run_suite "unit: ${t#build/}" "$UNIT_TIMEOUT" tap "$t"
	done
done

# --- fuzz smoke runs --------------------------------------------------------
if [ -f tests/fuzz/run.sh ]; then
	# Its argument is the fuzzers' build dir, as `make fuzz` gives build.sh.
	run_suite "fuzz: smoke" "$FUZZ_TIMEOUT" tap-or-status \
		bash tests/fuzz/run.sh build/fuzz
fi

# --- integration ------------------------------------------------------------
for t in tests/integration/test_*.sh; do
	# A suite may ask for more time with a "# suite-timeout: SECONDS" line.
	tmo=$(sed -n 's/^# suite-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -1)
	run_suite "integration: $(basename "$t" .sh)" "${tmo:-$INTEGRATION_TIMEOUT}" tap \
		bash "$t"
done

exit 0
