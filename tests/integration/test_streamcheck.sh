#!/bin/bash
# test_streamcheck: the failover test's own tools. tcpecho and streamcheck
# (and udpecho for -u) in a client and a server namespace on one bridge, no
# director: a clean run must verify every byte, and each way a stream can
# break (server killed, path dropped for 1.5 s, a corrupted byte, a UDP
# server gone) must show in the JSON and the exit status.
. "$(dirname "$0")/lib.sh"

SC="$TD_TOOLS/streamcheck"
ECHO="$TD_TOOLS/tcpecho"
UECHO="$TD_TOOLS/udpecho"
SRV=10.9.0.1
SRV6=fd00:9::1
for b in "$SC" "$ECHO" "$UECHO"; do
	[ -x "$b" ] || lab_die "$b missing: run make tools first"
done

lab_lan lan eth0 client=10.9.0.2/24,fd00:9::2/64 server="$SRV/24,$SRV6/64"

# jget FILE KEY: one value from streamcheck's JSON line.
jget() {
	python3 -c 'import json, sys
print(json.loads(open(sys.argv[1]).read())[sys.argv[2]])' "$1" "$2" 2>/dev/null
}

# echo_start PORT LOGNAME [ARGS...]: tcpecho on $SRV:PORT (or with ARGS),
# ECHO_PID set; returns once it listens.
echo_start() {
	local port=$1 log=$2
	shift 2
	lab_bg server "$log" "$ECHO" -p "$port" -t 120 "${@:--l$SRV}"
	ECHO_PID=$LAB_PID
	wait_for "lab_exec server ss -Hltn | grep -q ':$port '" 5 ||
		lab_die "tcpecho on port $port did not start: $(cat "$LAB_TMP/$log.log")"
}

# sc_bg NAME ARGS...: streamcheck in the client namespace, in the
# background: JSON to $LAB_TMP/NAME.json, the human line to NAME.err.
sc_bg() {
	local name=$1
	shift
	ip netns exec "$LAB-client" "$SC" --json "$@" >"$LAB_TMP/$name.json" \
		2>"$LAB_TMP/$name.err" </dev/null &
	SC_PID=$!
	LAB_PIDS+=("$SC_PID")
}

# sc_wait: waits for the last sc_bg; its exit status in SC_RC.
sc_wait() {
	wait "$SC_PID"
	SC_RC=$?
	local keep=() q
	for q in "${LAB_PIDS[@]}"; do
		[ "$q" != "$SC_PID" ] && keep+=("$q")
	done
	LAB_PIDS=("${keep[@]}")
}

# sc_run NAME ARGS...: streamcheck in the foreground.
sc_run() {
	sc_bg "$@"
	sc_wait
}

# diag NAME: what a failing check prints.
diag() { cat "$LAB_TMP/$1.err" "$LAB_TMP/$1.json" 2>/dev/null; }

# --- argument checking ------------------------------------------------------
lab_exec client "$SC" >/dev/null 2>&1
tap_is "$?" 2 "streamcheck without arguments: usage, exit 2"
lab_exec client "$SC" -c "$SRV:7000" -n 10001 >/dev/null 2>&1
tap_is "$?" 2 "streamcheck -n 10001 (over 10000): usage, exit 2"
lab_exec client "$SC" -c "$SRV" -n 1 >/dev/null 2>&1
tap_is "$?" 2 "streamcheck -c without a port: usage, exit 2"
lab_exec server "$ECHO" -p 7000 >/dev/null 2>&1
tap_is "$?" 2 "tcpecho without -l: usage, exit 2"

# --- a clean run: 200 streams, short connections on the side -----------------
echo_start 7000 echo-clean
sc_run clean -c "$SRV:7000" -n 200 -d 3 --ramp 500 --new-conns 20
J="$LAB_TMP/clean.json"
tap_is "$SC_RC" 0 "clean run: exit status 0"
tap_is "$(jget "$J" opened)/$(jget "$J" completed)" 200/200 \
	"clean run: 200 streams opened and completed"
tap_is "$(jget "$J" resets)/$(jget "$J" mismatches)/$(jget "$J" timeouts)/$(jget "$J" peer_closed)" \
	0/0/0/0 "clean run: no reset, mismatch, timeout or early close"
sent=$(jget "$J" bytes_sent)
# 200 streams x ~25 ticks x 1024 bytes: well over 200 x 10 ticks.
if [ -n "$sent" ] && [ "$sent" -ge $((200 * 10 * 1024)) ] &&
	[ "$sent" = "$(jget "$J" bytes_verified)" ]; then
	tap_ok "clean run: bytes_verified == bytes_sent ($sent)"
else
	tap_fail "clean run: bytes_verified == bytes_sent" "$(diag clean)"
fi
new_ok=$(jget "$J" new_ok)
if [ "$(jget "$J" new_failed)" = 0 ] && [ "${new_ok:-0}" -ge 40 ]; then
	tap_ok "clean run: $new_ok short connections, none failed"
else
	tap_fail "clean run: short connections" "$(diag clean)"
fi
# The server's own count: every byte sent came back through it once.
kill -USR1 "$ECHO_PID"
wait_for "grep -q accepted '$LAB_TMP/echo-clean.log'" 3
line=$(grep accepted "$LAB_TMP/echo-clean.log" | tail -1)
want_bytes=$((sent + 16 * new_ok))
tap_like "$line" "accepted $((200 + new_ok)) open 0 closed $((200 + new_ok)) resets 0 bytes $want_bytes\$" \
	"tcpecho's SIGUSR1 summary: every connection and byte, closed cleanly"
lab_stop "$ECHO_PID"

# --- (a) the server killed mid-run ------------------------------------------
echo_start 7001 echo-kill
sc_bg kill -c "$SRV:7001" -n 50 -d 4 --ramp 200 --ready-file "$LAB_TMP/kill.ready"
wait_for "[ -s '$LAB_TMP/kill.ready' ]" 5
tap_is "$(cat "$LAB_TMP/kill.ready" 2>/dev/null)" "opened 50 open_failed 0" \
	"--ready-file: written once the 50 streams are open"
sleep 0.5
# (bash's "Killed" job notice goes to /dev/null, not the TAP output)
lab_stop "$ECHO_PID" KILL 2>/dev/null
sc_wait
J="$LAB_TMP/kill.json"
broken=$(($(jget "$J" resets) + $(jget "$J" peer_closed)))
if [ "$SC_RC" -ne 0 ] && [ "$broken" -gt 0 ] && [ "$(jget "$J" pass)" = False ]; then
	tap_ok "server killed: $broken streams reset or closed, exit $SC_RC"
else
	tap_fail "server killed: resets/peer_closed > 0, non-zero exit" \
		"exit $SC_RC" "$(diag kill)"
fi

# --- (b) the path dropped for 1.5 s: a stall, then TCP recovers --------------
echo_start 7002 echo-drop
sc_bg drop -c "$SRV:7002" -n 50 -d 5 --ramp 200 --ready-file "$LAB_TMP/drop.ready"
wait_for "[ -s '$LAB_TMP/drop.ready' ]" 5
sleep 1
lab_exec server nft -f - <<-EOF || tap_fail "nft rule in server"
	table inet sccut {
		chain in { type filter hook input priority 0; tcp dport 7002 drop; }
		chain out { type filter hook output priority 0; tcp sport 7002 drop; }
	}
EOF
sleep 1.5
lab_exec server nft delete table inet sccut
sc_wait
J="$LAB_TMP/drop.json"
stall=$(jget "$J" max_stall_ms)
if [ -n "$stall" ] && [ "$stall" -ge 1000 ] && [ "$SC_RC" -eq 0 ]; then
	tap_ok "path dropped 1.5 s: longest stall $stall ms, then every stream complete"
else
	tap_fail "path dropped 1.5 s: max_stall_ms >= 1000, exit 0" \
		"exit $SC_RC" "$(diag drop)"
fi
tap_is "$(jget "$J" mismatches)/$(jget "$J" resets)" 0/0 \
	"path dropped 1.5 s: no mismatch, no reset after the retransmits"
tap_is "$(jget "$J" bytes_verified)" "$(jget "$J" bytes_sent)" \
	"path dropped 1.5 s: bytes_verified == bytes_sent"
lab_stop "$ECHO_PID"

# --- (c) a server that flips one byte ------------------------------------------
echo_start 7003 echo-corrupt -l "$SRV" --corrupt-after 5000
sc_run corrupt -c "$SRV:7003" -n 20 -d 2 --ramp 100
J="$LAB_TMP/corrupt.json"
tap_is "$SC_RC" 1 "corrupting server: exit status 1"
# Each stream carries ~20 KiB, so each has its byte 5000 flipped: 20 bytes.
tap_is "$(jget "$J" mismatches)@$(jget "$J" first_mismatch_offset)" 20@5000 \
	"corrupting server: one wrong byte per stream, first at offset 5000"
sent=$(jget "$J" bytes_sent)
tap_is "$(jget "$J" bytes_verified)" "$((${sent:-0} - 20))" \
	"corrupting server: every other byte verified"
lab_stop "$ECHO_PID"

# --- tcpecho's connection cap -----------------------------------------------------
# With -n 5, 5 of 10 streams are served; the rest wait in the listen queue
# (connected, not echoed) until the first 5 close at the end, then drain.
echo_start 7007 echo-cap -l "$SRV" -n 5
sc_bg cap -c "$SRV:7007" -n 10 -d 2 --ramp 100 --ready-file "$LAB_TMP/cap.ready"
wait_for "[ -s '$LAB_TMP/cap.ready' ]" 5	# all 10 connected
sleep 0.5	# and the cap holds
kill -USR1 "$ECHO_PID"
wait_for "grep -q accepted '$LAB_TMP/echo-cap.log'" 3
tap_like "$(grep accepted "$LAB_TMP/echo-cap.log" | head -1)" "^tcpecho: accepted 5 open 5 " \
	"tcpecho -n 5: 5 connections served at once, the others wait"
sc_wait
J="$LAB_TMP/cap.json"
stall=$(jget "$J" max_stall_ms)
if [ "$SC_RC" -eq 0 ] && [ "$(jget "$J" completed)" = 10 ] && [ "${stall:-0}" -ge 1000 ]; then
	tap_ok "tcpecho -n 5: all 10 streams verified, the waiting ones stalled $stall ms"
else
	tap_fail "tcpecho -n 5: waiting streams served after the first close" \
		"exit $SC_RC" "$(diag cap)"
fi
lab_stop "$ECHO_PID"

# --- IPv6 and the stop file ---------------------------------------------------
echo_start 7004 echo-v6 -6 -l ::
rm -f "$LAB_TMP/stop"
sc_bg v6 -c "[$SRV6]:7004" -n 20 -d 60 --ramp 100 --stop-file "$LAB_TMP/stop"
sleep 1.5
touch "$LAB_TMP/stop"
t0=$SECONDS
sc_wait
J="$LAB_TMP/v6.json"
if [ "$SC_RC" -eq 0 ] && [ $((SECONDS - t0)) -le 5 ] &&
	[ "$(jget "$J" completed)" = 20 ]; then
	tap_ok "IPv6 run stopped by the stop file: 20 streams verified"
else
	tap_fail "IPv6 run stopped by the stop file" "exit $SC_RC" "$(diag v6)"
fi
lab_stop "$ECHO_PID"

# --- UDP flows -------------------------------------------------------------------
lab_bg server udpecho "$UECHO" -b "$SRV" -p 7005 -q -t 60
U_PID=$LAB_PID
wait_for "lab_exec server ss -Hlun | grep -q ':7005 '" 5 || lab_die "udpecho did not start"
sc_run udp -u -c "$SRV:7005" -n 50 -d 2 --ramp 100
J="$LAB_TMP/udp.json"
got=$(jget "$J" datagrams_received)
if [ "$SC_RC" -eq 0 ] && [ "$(jget "$J" lost)" = 0 ] && [ "${got:-0}" -ge 500 ] &&
	[ "$got" = "$(jget "$J" datagrams_sent)" ] && [ "$(jget "$J" receiving)" = 50 ]; then
	tap_ok "UDP: 50 flows, $got datagrams, none lost"
else
	tap_fail "UDP clean path: zero loss" "exit $SC_RC" "$(diag udp)"
fi
lab_stop "$U_PID"

# A UDP server that goes away after 1 s: flows stop receiving, exit 1.
lab_bg server udpecho1 "$UECHO" -b "$SRV" -p 7006 -q -t 1
wait_for "lab_exec server ss -Hlun | grep -q ':7006 '" 5 || lab_die "udpecho did not start"
sc_run udpgone -u -c "$SRV:7006" -n 10 -d 3 --ramp 100
J="$LAB_TMP/udpgone.json"
if [ "$SC_RC" -eq 1 ] && [ "$(jget "$J" receiving)" = 0 ] &&
	[ "$(jget "$J" lost)" -gt 0 ] && [ "$(jget "$J" max_gap_ms)" -ge 1500 ]; then
	tap_ok "UDP server gone: loss and a gap reported, no flow receiving, exit 1"
else
	tap_fail "UDP server gone mid-run" "exit $SC_RC" "$(diag udpgone)"
fi

tap_done
