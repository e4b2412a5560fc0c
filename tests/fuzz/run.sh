#!/bin/bash
# Run each fuzz target for a bounded time from its seed corpus; TAP output.
# FUZZ_SECONDS (default 10) per target.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=build/fuzz
secs=${FUZZ_SECONDS:-10}
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
n=0
failed=0
tests/fuzz/build.sh "$out" >&2 || { echo "not ok 1 - fuzz targets build"; exit 1; }
for bin in "$out"/fuzz_*; do
	name=$(basename "$bin")
	corpus="tests/fuzz/corpus/${name#fuzz_}"
	work=$(mktemp -d)
	n=$((n + 1))
	if "$bin" -seed=1 -max_total_time="$secs" -max_len=4096 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=0 "$work" "$corpus" \
	    >"$work.log" 2>&1; then
		echo "ok $n - $name: ${secs}s without a crash ($(grep -o 'cov: [0-9]*' "$work.log" | tail -1))"
	else
		echo "not ok $n - $name crashed"
		failed=1
		grep -E "ERROR|SUMMARY|Test unit" "$work.log" | head -5 | sed 's/^/#   /'
		cp -f crash-* "$work" 2>/dev/null
	fi
	rm -rf "$work" "$work.log"
done
exit $failed
