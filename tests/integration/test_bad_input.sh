#!/bin/bash
# Bad input to a director: broken frames of every kind sent to its virtual
# MAC, frames to unknown VIPs and ports, a SYN flood beyond conn_max, and
# garbage on the control socket. Each is dropped and counted under its own
# reason; an open connection and the director itself keep going.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_dr_topology
td_start 'director = { interfaces = [ "eth0" ]; workers = 2; conn_max = 1000;
             half_open_max = 5000; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); },
  { address = "10.0.0.100"; port = 53; protocol = "udp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; } ); } );' || exit 1

VMAC=00:00:5e:00:01:01
# An open connection that must survive everything below.
keepalive_open 12

# send CASE COUNT [framegen options]: inject COUNT frames of CASE.
send() {
	local c=$1 n=$2
	shift 2
	lab_exec client "$TD_TOOLS/framegen" -i eth0 -D "$VMAC" -d 10.0.0.100 \
		-p 80 -n "$n" -t 20 "$@" "$c" >/dev/null 2>&1
}

# expect COUNTER DELTA DESC CMD...: runs CMD and checks the counter grew by
# exactly DELTA.
expect() {
	local counter=$1 delta=$2 desc=$3
	shift 3
	local before after
	before=$(td_counter "$counter")
	"$@"
	wait_for "[ \$(td_counter $counter) -ge $((before + delta)) ]" 3
	after=$(td_counter "$counter")
	tap_is "$((after - before))" "$delta" "$desc: $counter +$delta"
}

expect drop_truncated_ip 5 "Ethernet header only" send trunc-eth 5
expect drop_truncated_ip 5 "truncated IP header" send trunc-ip 5
expect drop_truncated_l4 5 "truncated TCP header" send trunc-tcp 5
expect drop_truncated_l4 5 "truncated UDP header" send trunc-udp 5 -u -p 53
expect drop_ip_version 5 "IP version 6 in an IPv4 frame" send bad-version 5
expect drop_bad_ihl 5 "IHL below 5" send ihl-short 5
expect drop_bad_ihl 5 "IHL past the total length" send ihl-long 5
expect drop_bad_ip_length 5 "total length past the frame" send len-long 5
expect drop_bad_ip_length 5 "total length below the IP header" send len-tiny 5
expect drop_truncated_l4 5 "total length ending inside TCP" send len-short 5
expect drop_ip_options 5 "IP options" send ip-options 5
expect drop_fragment 15 "fragments (first, middle, last)" \
	eval 'send frag-first 5; send frag-middle 5; send frag-last 5'
expect drop_bad_ip_checksum 5 "bad IP checksum" send bad-ipcsum 5
expect drop_bad_l4_checksum 5 "bad TCP checksum" send bad-l4csum 5
expect drop_bad_l4_checksum 5 "bad UDP checksum" send bad-l4csum 5 -u -p 53
expect drop_bad_l4_header 10 "TCP data offset too small or too large" \
	eval 'send tcp-doff-short 5; send tcp-doff-long 5'
expect drop_bad_l4_header 5 "UDP length past the datagram" send udp-len-long 5 -u -p 53
expect drop_no_service 5 "a frame to an unknown VIP" send valid 5 -d 10.0.0.200
expect drop_no_service 5 "a frame to an unknown port" send valid 5 -p 8080
expect drop_no_conn 5 "a non-SYN segment with no connection" send valid 5 -F A
expect drop_not_owned 5 "a frame to a virtual MAC not owned" \
	lab_exec client "$TD_TOOLS/framegen" -i eth0 -D 00:00:5e:00:01:09 \
	-d 10.0.0.100 -p 80 -n 5 valid

# A SYN flood from spoofed sources, three times conn_max (half_open_max
# is set above it here; test_syn_flood.sh covers that defence).
before=$(td_counter conns_created)
send syn-flood 3000 -r 20000
wait_for "[ \$(( \$(td_counter conns_created) + \$(td_counter drop_conn_limit) )) -ge $((before + 3000)) ]" 5
created=$(( $(td_counter conns_created) - before ))
limited=$(td_counter drop_conn_limit)
conns=$(td_ctl status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["conns"])')
if [ "$conns" -le 1000 ] && [ "$limited" -ge 1900 ] && [ $((created + limited)) -ge 3000 ]; then
	tap_ok "a SYN flood stops at conn_max ($conns held, $limited dropped and counted)"
else
	tap_fail "a SYN flood stops at conn_max" "held $conns created $created limited $limited"
fi

# Garbage on the control socket: refused and counted, nothing else changes.
refused=$(td_counter ctl_refused)
python3 - "$TD_RUN/director.sock" <<'PY'
import socket, sys
for payload in (b"\x00\x63\x00\x00\x00\x00\x00\x04junk",      # unknown type
                b"\x00\x01\x00\x00\x7f\xff\xff\xff",          # 2 GiB body
                b"\x00\x01\x00\x00\x00\x00\x00\x05[1,2]",     # not an object
                b"\x00\x01\x00\x00\x00\x00\x00\x03{\"a"):     # broken JSON
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(payload)
    s.settimeout(2)
    try:
        s.recv(100)
    except OSError:
        pass
    s.close()
PY
wait_for "[ \$(td_counter ctl_refused) -ge $((refused + 4)) ]" 3
tap_is "$(( $(td_counter ctl_refused) - refused ))" 4 \
	"malformed control messages are refused and counted"

keepalive_kept "an established connection keeps working through all of it"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
