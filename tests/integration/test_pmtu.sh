#!/bin/bash
# Path MTU through a NAT director: the client sits behind a router whose
# link towards it has an MTU of 1280. The real server's full-size segments
# (their source rewritten to the VIP) make the router send ICMP
# "fragmentation needed" to the VIP; the director must translate it to the
# real server, or the download stalls in a PMTU black hole.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_bridge cli
lab_bridge ext
lab_bridge int
lab_ns client
lab_link client eth0 cli 10.0.1.2/24
ip -n "$LAB-client" route add default via 10.0.1.1
lab_ns router
lab_link router eth0 cli 10.0.1.1/24
lab_link router eth1 ext 10.0.0.1/24
ip -n "$LAB-router" link set eth0 mtu 1280
lab_sysctl router net.ipv4.ip_forward=1
lab_ns director
lab_link director eth0 ext 10.0.0.10/24
lab_link director eth1 int 192.168.1.10/24
ip -n "$LAB-director" route add 10.0.1.0/24 via 10.0.0.1
lab_ns rs1
lab_link rs1 eth0 int 192.168.1.11/24
ip -n "$LAB-rs1" route add default via 192.168.1.1
lab_nginx rs1 192.168.1.11 80 rs1

td_start 'director = { interfaces = [ "eth0", "eth1" ]; workers = 2;
             virtual_ipaddress = [ "192.168.1.1/24" ]; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "nat"; real_servers = ( { address = "192.168.1.11"; } ); } );' || exit 1

tap_is "$(lab_exec client curl -s -m 5 http://10.0.0.100/)" rs1 "a small answer crosses the router"
size=$(lab_exec client curl -s -m 30 -o /dev/null -w '%{size_download} %{http_code}' \
	http://10.0.0.100/big)
tap_is "$size" "4194304 200" "a 4 MiB download completes over the 1280-byte link"
fwd=$(td_counter icmp_errors_forwarded)
if [ "$fwd" -ge 1 ]; then
	tap_ok "the router's fragmentation-needed reached the real server, translated ($fwd)"
else
	tap_fail "the router's fragmentation-needed reached the real server" "$(td_ctl status)"
fi
tap_like "$(lab_exec rs1 ip route get 10.0.1.2)" "mtu 1280" \
	"the real server learned the path MTU from the translated ICMP"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
