#!/bin/bash
# An SCTP association through a NAT director, driven with crafted packets
# (these kernels have no SCTP): INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK,
# DATA, SHUTDOWN, SHUTDOWN-ACK, SHUTDOWN-COMPLETE; each must reach the other
# side rewritten, with a correct CRC32c, and the connection must walk
# IPVS's SCTP states. Chunks with bad lengths and bad CRCs are dropped and
# counted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

PEER="/usr/bin/python3 $LAB_ROOT/tests/tools/sctp_peer.py"
lab_nat_topology
td_start 'director = { interfaces = [ "eth0", "eth1" ]; workers = 1;
             virtual_ipaddress = [ "192.168.1.1/24" ]; };
virtual_servers = (
  { address = "10.0.0.100"; port = 3868; protocol = "sctp"; scheduler = "rr";
    method = "nat"; real_servers = ( { address = "192.168.1.11"; } ); } );' || exit 1
# The real server's and the client's kernels must know the way back.
lab_exec client ping -c 1 -W 2 10.0.0.100 >/dev/null 2>&1
lab_exec rs1 ping -c 1 -W 2 192.168.1.1 >/dev/null 2>&1

# step FROM_NS SRC DST SPORT DPORT CHUNK TO_NS WANT DESC
step() {
	local from=$1 src=$2 dst=$3 sport=$4 dport=$5 chunk=$6 to=$7 want=$8 desc=$9
	# scapy starts slowly and INIT1 times out in 4 s: the sniffer and the
	# sender start together, and the sender sends once the capture is open.
	rm -f "$LAB_TMP/sniff.ready"
	lab_exec "$to" $PEER sniff eth0 12 "$LAB_TMP/sniff.ready" >"$LAB_TMP/sniff.out" 2>&1 &
	local sn=$!
	SCTP_PEER_AFTER="$LAB_TMP/sniff.ready" lab_exec "$from" $PEER send \
		"$src" "$dst" "$sport" "$dport" "$chunk"
	wait "$sn"
	tap_is "$(cat "$LAB_TMP/sniff.out")" "$want" "$desc"
}
state() { td_ctl -L -n -c | awk '$1 == "SCTP" {print $3}'; }

C=10.0.0.2 V=10.0.0.100 R=192.168.1.11
step client $C $V 5000 3868 init rs1 "$C:5000 > $R:3868 init crc-ok" \
	"INIT reaches the real server, rewritten, CRC32c right"
tap_is "$(state)" "INIT1" "the connection is in INIT1"
step rs1 $R $C 3868 5000 init-ack client "$V:3868 > $C:5000 init-ack crc-ok" \
	"INIT-ACK reaches the client from the VIP"
step client $C $V 5000 3868 cookie-echo rs1 "$C:5000 > $R:3868 cookie-echo crc-ok" \
	"COOKIE-ECHO crosses"
step rs1 $R $C 3868 5000 cookie-ack client "$V:3868 > $C:5000 cookie-ack crc-ok" \
	"COOKIE-ACK crosses"
tap_is "$(state)" "ESTABLISHED" "the association is ESTABLISHED"
tap_like "$(td_ctl -L -n)" "192.168.1.11:3868 +Masq +1 +1 +0" \
	"it counts as an active connection"
step client $C $V 5000 3868 data rs1 "$C:5000 > $R:3868 data crc-ok" "DATA crosses"
step client $C $V 5000 3868 shutdown rs1 "$C:5000 > $R:3868 shutdown crc-ok" \
	"SHUTDOWN crosses"
step rs1 $R $C 3868 5000 shutdown-ack client "$V:3868 > $C:5000 shutdown-ack crc-ok" \
	"SHUTDOWN-ACK crosses"
step client $C $V 5000 3868 shutdown-complete rs1 \
	"$C:5000 > $R:3868 shutdown-complete crc-ok" "SHUTDOWN-COMPLETE crosses"
tap_is "$(state)" "CLOSED" "the association ends CLOSED"

before=$(td_counter drop_no_conn)
lab_exec client $PEER send $C $V 5001 3868 data
wait_for "[ \$(td_counter drop_no_conn) -gt $before ]" 3
tap_is "$(( $(td_counter drop_no_conn) - before ))" 1 "DATA without an association opens nothing"
before=$(td_counter drop_bad_l4_checksum)
lab_exec client $PEER send $C $V 5002 3868 init bad-crc
wait_for "[ \$(td_counter drop_bad_l4_checksum) -gt $before ]" 3
tap_is "$(( $(td_counter drop_bad_l4_checksum) - before ))" 1 "a bad CRC32c is dropped and counted"
before=$(td_counter drop_bad_l4_header)
lab_exec client $PEER send $C $V 5003 3868 init bad-len
wait_for "[ \$(td_counter drop_bad_l4_header) -gt $before ]" 3
tap_is "$(( $(td_counter drop_bad_l4_header) - before ))" 1 "a chunk length past the packet is dropped and counted"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
