#!/bin/bash
# Persistence and one-packet scheduling in a DR lab: a persistent service
# keeps the client on one real server across connections and lets it go
# after the timeout; a port-0 service takes every port of the VIP; UDP with
# -o schedules every datagram on its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_dr_topology
rs_udpecho 5353 10.0.0.100
td_start 'director = { interfaces = [ "eth0" ]; workers = 2; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "dr"; persistence_timeout = 3;
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); } );' || exit 1
# Connections end in FIN_WAIT in DR; make that short so the template's own
# timeout is what the test sees.
td_ctl --set 0 1 0

got=$(curl_seq 8 http://10.0.0.100/)
first=${got%% *}
tap_is "$got" "$(printf '%s ' $first $first $first $first $first $first $first $first | sed 's/ $//')" \
	"a persistent service keeps the client on one real server ($first)"
tap_like "$(td_ctl -L -n)" "TCP  10.0.0.100:80 rr persistent 3" "-L -n shows the persistence"
tap_like "$(td_ctl -L -n -c)" "NONE +10.0.0.2:0 +10.0.0.100:80 +10.0.0.1[123]:80" \
	"-c lists the persistence template (client port 0)"
tap_like "$(td_ctl -L -n --persistent-conn)" "10.0.0.1[123]:80 .* 1 *$|PersistConn" \
	"--persistent-conn counts the template"

if wait_for "! td_ctl -L -n -c | grep -q ':0 '" 15; then
	tap_ok "the template expires after its timeout once its connections are gone"
else
	tap_fail "the template expires after its timeout" "$(td_ctl -L -n -c)"
fi
next=$(lab_exec client curl -s -m 3 http://10.0.0.100/)
if [ -n "$next" ] && [ "$next" != "$first" ]; then
	tap_ok "after the timeout the client is scheduled afresh ($first -> $next)"
else
	tap_fail "after the timeout the client is scheduled afresh" "first $first next $next"
fi

# A port-0 service: every port of the VIP, persistent.
td_ctl -D -t 10.0.0.100:80
td_ctl -A -t 10.0.0.100:0 -s rr -p 30
for i in 1 2 3; do td_ctl -a -t 10.0.0.100:0 -r "10.0.0.1$i" -g; done
tap_is "$(td_ctl -L -n | grep '^TCP')" "TCP  10.0.0.100:0 rr persistent 30" \
	"a port-0 service replaces the port-80 one"
got=$(curl_seq 3 http://10.0.0.100/)
tap_like "$got" "^(rs[123]) \1 \1$" "a port-0 persistent service serves port 80"
tap_like "$(td_ctl -L -n -c)" "TCP .* 10.0.0.100:80 +10.0.0.1[123]:80" \
	"connections of a port-0 service keep their own port"

# UDP one-packet scheduling: one flow, every datagram scheduled on its own.
td_ctl -A -u 10.0.0.100:5353 -s rr -o
for i in 1 2 3; do td_ctl -a -u 10.0.0.100:5353 -r "10.0.0.1$i" -g; done
tap_like "$(td_ctl -L -n | grep '^UDP')" "^UDP  10.0.0.100:5353 rr ops" \
	"-L -n shows one-packet scheduling"
got=$(lab_exec client "$TD_TOOLS/udpsend" -d 10.0.0.100 -p 5353 -s 42000 -n 6 -m x 2>&1 |
	grep -o 'rs[123]:x' | tr '\n' ' ')
tap_is "$got" "rs3:x rs2:x rs1:x rs3:x rs2:x rs1:x " \
	"UDP one-packet scheduling spreads the datagrams of one flow (rr)"
tap_is "$(td_ctl -L -n -c | grep -c '^UDP')" 0 "one-packet scheduling keeps no connection"
tap_like "$(td_ctl -L -n --stats --exact | awk '$1 == "UDP" {print $3}')" "^6$" \
	"each datagram counts as a connection"
# The SIP persistence engine: one call (Call-ID) stays on one real server
# whatever port it comes from; without a Call-ID nothing is scheduled.
for i in 1 2 3; do
	lab_bg "rs$i" "sip$i" "$TD_TOOLS/udpecho" -b 10.0.0.100 -p 5060 -n "rs$i" -t 60 -q
done
td_ctl -A -u 10.0.0.100:5060 -s rr -p 60 --pe sip
for i in 1 2 3; do td_ctl -a -u 10.0.0.100:5060 -r "10.0.0.1$i" -g; done
tap_like "$(td_ctl -L -n | grep 5060)" "persistent 60 pe sip" "-L -n shows the engine as ipvsadm"
sip() {	# sip CALLID SRCPORT
	lab_exec client "$TD_TOOLS/udpsend" -d 10.0.0.100 -p 5060 -s "$2" -n 1 \
		-m "$(printf 'INVITE sip:bob@x SIP/2.0\r\nCall-ID: %s\r\n\r\n' "$1")" 2>&1 |
		grep -o 'rs[123]:' | tr -d ':'
}
a1=$(sip call-a 43001) a2=$(sip call-a 43002) a3=$(sip call-a 43003)
tap_is "$a2 $a3" "$a1 $a1" "one Call-ID from three ports lands on one server ($a1)"
b1=$(sip call-b 43004)
if [ -n "$b1" ] && [ "$b1" != "$a1" ]; then
	tap_ok "another call is scheduled afresh ($b1)"
else
	tap_fail "another call is scheduled afresh" "a $a1 b $b1"
fi
before=$(td_counter drop_no_dest)
lab_exec client "$TD_TOOLS/udpsend" -d 10.0.0.100 -p 5060 -s 43005 -n 1 -m nosip >/dev/null 2>&1
tap_is "$(( $(td_counter drop_no_dest) - before ))" 1 "a datagram without a Call-ID is not scheduled"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
