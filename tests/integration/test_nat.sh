#!/bin/bash
# One director in NAT mode: real servers behind it use the director's
# gateway VIP; a port mapping VIP:80 -> RS:8080 for one server; rr order,
# wrk with keep-alive and with new connections, replies rewritten back to
# the VIP, a UDP service, and the listings.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_nat_topology
for i in 1 2 3; do
	lab_bg "rs$i" "udpecho$i" "$TD_TOOLS/udpecho" -b "192.168.1.1$i" -p 5300 \
		-n "rs$i" -t 120 -q
done
td_start 'director = { interfaces = [ "eth0", "eth1" ]; workers = 2;
             virtual_ipaddress = [ "192.168.1.1/24" ]; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "nat";
    real_servers = ( { address = "192.168.1.11"; port = 80; },
                     { address = "192.168.1.12"; port = 80; },
                     { address = "192.168.1.13"; port = 8080; } ); },
  { address = "10.0.0.100"; port = 53; protocol = "udp"; scheduler = "wrr";
    method = "nat";
    real_servers = ( { address = "192.168.1.11"; port = 5300; },
                     { address = "192.168.1.12"; port = 5300; } ); } );' || exit 1

tap_is "$(curl_seq 6 http://10.0.0.100/)" "rs3:8080 rs2 rs1 rs3:8080 rs2 rs1" \
	"curl through the VIP follows rr order, with the port mapping to 8080"
tap_like "$(lab_exec rs1 ip neigh show 192.168.1.1)" "00:00:5e:00:01:01" \
	"the real servers reach their gateway VIP at the virtual MAC"

size=$(lab_exec client curl -s -m 20 -o /dev/null -w '%{size_download} %{http_code}' \
	http://10.0.0.100/big)
tap_is "$size" "4194304 200" "a 4 MiB download through NAT arrives whole"

want='IP Virtual Server version 1.2.1 (size=262144)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.100:80 rr
  -> 192.168.1.11:80              Masq    1      0          2         
  -> 192.168.1.12:80              Masq    1      0          2         
  -> 192.168.1.13:8080            Masq    1      0          3         
UDP  10.0.0.100:53 wrr
  -> 192.168.1.11:5300            Masq    1      0          0         
  -> 192.168.1.12:5300            Masq    1      0          0         '
tap_is "$(td_ctl -L -n)" "$want" "tandemctl -L -n prints the NAT table as ipvsadm"

out=$(lab_exec client wrk -c 20 -t 2 -d 10s http://10.0.0.100/ 2>&1)
wrk_clean "10-second wrk with keep-alive through NAT" "$out"
out=$(lab_exec client wrk -c 10 -t 2 -d 5s -H 'Connection: close' http://10.0.0.100/ 2>&1)
wrk_clean "5-second wrk with a new connection per request through NAT" "$out"

stats=$(td_ctl -L -n --stats --exact)
read -r conns inp outp <<<"$(printf '%s\n' "$stats" | awk '$1 == "TCP" {print $3, $4, $5}')"
if [ "${outp:-0}" -gt 0 ] && [ "${inp:-0}" -gt 0 ] && [ "${conns:-0}" -gt 100 ]; then
	tap_ok "--stats counts both directions in NAT ($conns conns, $inp in, $outp out)"
else
	tap_fail "--stats counts both directions in NAT" "$stats"
fi

udp=""
for sp in 41001 41002; do
	udp+=$(lab_exec client "$TD_TOOLS/udpsend" -d 10.0.0.100 -p 53 -s "$sp" \
		-n 1 -m q 2>&1 | grep -o 'rs[12]:q' | tr '\n' ' ')
done
tap_is "$udp" "rs2:q rs1:q " "a UDP service answers through NAT from the VIP"
tap_like "$(lab_exec client "$TD_TOOLS/udpsend" -d 10.0.0.100 -p 53 -s 41003 -n 1 -m q -a 2>&1)" \
	"10.0.0.100:53 rs[12]:q" "UDP replies come from the VIP"

td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
