#!/bin/bash
# make demo's lab (tests/demo.sh) as CI runs it: it must end with its
# account saying that every connection survived the failover, show the
# takeover, and leave nothing behind (tests/run.sh checks namespaces).
. "$(dirname "$0")/lib.sh"

out=$(LAB_PREFIX="$LAB-demo" timeout 150 bash "$LAB_ROOT/tests/demo.sh" 2>&1)
rc=$?
tap_is "$rc" 0 "make demo's script exits 0"
tap_like "$out" 'RESULT: all 200 connections survived the failover' \
	"its account says all 200 connections survived"
tap_like "$out" 'lb2 master at \+[0-9]+ ms' "it shows the takeover time"
tap_like "$out" 'streams that survived: +200 \(resets 0, timeouts 0, byte mismatches 0\)' \
	"200 streams survived, no reset, timeout or mismatch"
tap_like "$out" 'Role: master \(VRRP pair MASTER\)' "lb2's syncd is master after the takeover"
tap_is "$(ip netns list | grep -c "^$LAB-demo-")" 0 "the demo removed its namespaces"
[ "$rc" = 0 ] || echo "$out" | tail -20 | sed 's/^/# /'
tap_done
