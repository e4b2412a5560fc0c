#!/bin/bash
# tandem-syncd receiving: it joins 224.0.0.81:8848 on its interface,
# counts the datagrams and entries syncsend multicasts, and with an HMAC
# key refuses (and counts under their reasons) unsigned datagrams, another
# key's, another syncid's and replays; syncd.sock answers `status`.
. "$(dirname "$0")/lib.sh"

[ -x "$TD_TOOLS/syncsend" ] || lab_die "build/tools/syncsend missing (make tools)"
lab_lan lan eth0 m=10.0.0.1/24 b=10.0.0.2/24
KEY="$LAB_TMP/sync.key"
OTHER="$LAB_TMP/other.key"
printf '0123456789abcdef0123456789abcdef\n' >"$KEY"
printf 'another key, also 32 bytes long.\n' >"$OTHER"

# sd_start NAME CONFIG: tandem-syncd in namespace b.
sd_start() {
	printf '%s\n' "$2" >"$LAB_TMP/$1.conf"
	lab_bg b "syncd-$1" "$TD_BIN/tandem-syncd" -d -f "$LAB_TMP/$1.conf" \
		--run-dir "$LAB_TMP/run-$1"
	SD_PID=$LAB_PID
	wait_for "[ -S $LAB_TMP/run-$1/syncd.sock ]" 10 ||
		lab_die "tandem-syncd $1 did not start: $(cat "$LAB_TMP/syncd-$1.log")"
}
# st NAME KEY: one field of the status reply (a.b for nested).
st() {
	python3 "$LAB_ROOT/tests/tools/ctlsend.py" "$LAB_TMP/run-$1/syncd.sock" '{"cmd": "status"}' |
		python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$2"
}
send() { lab_exec m "$TD_TOOLS/syncsend" -i eth0 "$@" >/dev/null; }

# Without a key: every IPv4 and IPv6 entry counted; syncid 0 takes any.
sd_start open 'sync = { interface = "eth0"; };'
send -s 3 -n 100
send -s 4 -n 30 -6 -q
wait_for '[ "$(st open entries_received)" = 130 ]' 5
tap_is "$(st open entries_received)" 130 "all 130 entries counted (no key, any syncid)"
tap_is "$(st open datagrams_received)" 5 "5 datagrams accepted (40 plain IPv4 entries in 1472 bytes: 3; IPv6: 2)"
tap_is "$(st open group):$(st open port):$(st open auth)" "224.0.0.81:8848:False" "status shows the defaults"
lab_stop "$SD_PID"

# With a key and syncid 9.
sd_start auth "sync = { interface = \"eth0\"; syncid = 9; auth_key_file = \"$KEY\"; };"
send -s 9 -n 50 -k "$KEY"
wait_for '[ "$(st auth entries_received)" = 50 ]' 5
tap_is "$(st auth entries_received)/$(st auth datagrams_received)" "50/2" "signed datagrams accepted"
send -s 9 -n 50
send -s 9 -n 50 -k "$OTHER"
send -s 8 -n 50 -k "$KEY"
wait_for '[ "$(st auth refused.syncid)" = 2 ]' 5
tap_is "$(st auth refused.no_auth)" 2 "unsigned datagrams refused (no_auth)"
tap_is "$(st auth refused.hmac)" 2 "another key's datagrams refused (hmac)"
tap_is "$(st auth refused.syncid)" 2 "another syncid's datagrams refused"
# syncsend starts its sequence at 1 each run: the same sender again is a replay.
send -s 9 -n 50 -k "$KEY"
wait_for '[ "$(st auth refused.replay)" = 2 ]' 5
tap_is "$(st auth refused.replay)" 2 "the same sequence numbers again refused (replay)"
tap_is "$(st auth entries_received)" 50 "no refused datagram's entry counted"
lab_stop "$SD_PID"
tap_is "$(grep -c 'refused: replay' "$LAB_TMP/syncd-auth.log")" 2 "each refusal logged (debug)"
tap_done
