#!/bin/bash
# make demo: a director pair in network namespaces on an embedded config:
# a client, two directors (lb1 and lb2, NAT, each run by tandemd: director,
# VRRP and connection sync) and three real servers. Live TCP streams run
# through the VIP; the master is killed; the account shows the takeover
# and that every stream survived. Everything is removed at the end.
. "$(dirname "$0")/integration/lib.sh"
. "$(dirname "$0")/integration/lib_vrrp.sh"
. "$(dirname "$0")/integration/lib_pair.sh"

STREAMS=200
say() { printf '\n== %s\n' "$*"; }
state() { vr_state "lb$1" ext 2>/dev/null; }
jget() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null; }

say "Building the lab: client 10.0.0.2 -- lb1 (10.0.0.11) / lb2 (10.0.0.12) -- rs1..rs3 (192.168.1.21-23)"
pair_topology nat
declare -A NODE
for n in 1 2; do
	prio=$((n == 1 ? 150 : 100))
	pair_config "$n" "$prio" >"$LAB_TMP/lb$n.conf"
	lab_bg "lb$n" "tandemd-lb$n" "$TD_BIN/tandemd" -f "$LAB_TMP/lb$n.conf" \
		--run-dir "$LAB_TMP/run-lb$n"
	NODE[$n]=$LAB_PID
	wait_for "vr_ctl lb$n vrrp" 15 || lab_die "tandemd lb$n: $(cat "$LAB_TMP/tandemd-lb$n.log")"
	[ "$n" = 1 ] && wait_for '[ "$(state 1)" = MASTER ]' 10
done
wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 15
echo "  lb1: $(state 1) (priority 150)   lb2: $(state 2) (priority 100)"
echo "  VIP 10.0.0.100 (clients) and 192.168.1.1 (the real servers' gateway), one VRRP sync group"

say "tandemctl -L -n on lb1 (the master)"
pair_ctl 1 -L -n | sed 's/^/  /'

say "$STREAMS live TCP streams through 10.0.0.100:7, every echoed byte checked"
ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -c "$PAIR_VIP:$PAIR_PORT" \
	-n "$STREAMS" -r 256 -i 100 -d 12 --ramp 1000 --new-conns 5 --drain 10 \
	--ready-file "$LAB_TMP/ready" --json >"$LAB_TMP/sc.json" 2>"$LAB_TMP/sc.err" </dev/null &
SC=$!
LAB_PIDS+=("$SC")
wait_for "[ -s $LAB_TMP/ready ]" 15 || lab_die "streams: $(cat "$LAB_TMP/sc.err")"
wait_for '[ "$(pair_conns 2 ESTABLISHED | wc -l)" -ge '"$STREAMS"' ]' 10
open1=$(pair_conns 1 ESTABLISHED | wc -l)
open2=$(pair_conns 2 ESTABLISHED | wc -l)
echo "  established on lb1: $open1; synced to lb2: $open2"
sleep 2

say "Killing the master: SIGKILL to every Tandem process on lb1"
t0=$(now_ms)
# tandemd and the daemons it started: every process in lb1's namespace.
kill -KILL $(ip netns pids "$LAB-lb1") 2>/dev/null
wait "${NODE[1]}" 2>/dev/null
wait_for '[ "$(state 2)" = MASTER ] && [ "$(vr_state lb2 int)" = MASTER ]' 10
t1=$(now_ms)
echo "  lb2 is $(state 2) after $((t1 - t0)) ms (as its status shows it)"

say "tandemctl -L -n on lb2 (the new master), streams still running"
pair_ctl 2 -L -n | sed 's/^/  /'

wait "$SC"
rc=$?
j="$LAB_TMP/sc.json"
say "Account"
echo "  master before: lb1; killed at +0 ms; lb2 master at +$((t1 - t0)) ms"
echo "  streams open at the kill:  $(jget "$j" opened)"
echo "  streams that survived:     $(jget "$j" completed) (resets $(jget "$j" resets), timeouts $(jget "$j" timeouts), byte mismatches $(jget "$j" mismatches))"
echo "  bytes sent / verified:     $(jget "$j" bytes_sent) / $(jget "$j" bytes_verified)"
echo "  longest stall of a stream: $(jget "$j" max_stall_ms) ms"
echo "  new connections meanwhile: $(jget "$j" new_ok) ok, $(jget "$j" new_failed) failed"
if [ "$rc" = 0 ]; then
	echo "  RESULT: all $STREAMS connections survived the failover"
else
	echo "  RESULT: connections were lost: $(tail -2 "$LAB_TMP/sc.err")"
fi

say "tandemctl sync on lb2"
pair_ctl 2 sync | sed 's/^/  /'
say "Done; removing the lab."
exit "$rc"
