#!/bin/bash
# IPv6 through the director: neighbour discovery answered with the IPv6
# virtual MAC, DR (real servers hold the VIP on lo) and NAT (real servers
# behind the director's IPv6 gateway VIP), curl -6 in rr order, a large
# download, ping6 of the VIP and the listings.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_bridge ext
lab_bridge int
lab_ns client
lab_link client eth0 ext fd00::2/64
lab_ns director
lab_link director eth0 ext fd00::10/64
lab_link director eth1 int fd01::10/64
for i in 1 2; do
	lab_dr_real_server "dr$i" ext "fd00::1$i/64" fd00::100
	lab_nginx "dr$i" "fd00::1$i,fd00::100" 80 "dr$i"
	lab_nat_real_server "nat$i" int "fd01::1$i/64" fd01::1
	lab_nginx "nat$i" "fd01::1$i" 8080 "nat$i"
done

td_start 'director = { interfaces = [ "eth0", "eth1" ]; workers = 2;
             virtual_ipaddress = [ "fd01::1/64" ]; };
virtual_servers = (
  { address = "fd00::100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "fd00::11"; }, { address = "fd00::12"; } ); },
  { address = "fd00::200"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "nat";
    real_servers = ( { address = "fd01::11"; port = 8080; },
                     { address = "fd01::12"; port = 8080; } ); } );' || exit 1

tap_is "$(curl_seq 4 'http://[fd00::100]/')" "dr2 dr1 dr2 dr1" \
	"IPv6 DR: curl -6 through the VIP in rr order"
tap_like "$(lab_exec client ip -6 neigh show fd00::100)" "00:00:5e:00:02:01" \
	"the client resolved the IPv6 VIP to the IPv6 virtual MAC"
tap_is "$(curl_seq 4 'http://[fd00::200]/')" "nat2 nat1 nat2 nat1" \
	"IPv6 NAT: curl -6 through the VIP in rr order, port mapped to 8080"
tap_like "$(lab_exec nat1 ip -6 neigh show fd01::1)" "00:00:5e:00:02:01" \
	"the real servers reach the IPv6 gateway VIP at the virtual MAC"
size=$(lab_exec client curl -s -m 20 -o /dev/null -w '%{size_download} %{http_code}' \
	'http://[fd00::200]/big')
tap_is "$size" "4194304 200" "a 4 MiB download over IPv6 NAT arrives whole"
out=$(lab_exec client wrk -c 10 -t 2 -d 3s 'http://[fd00::200]/' 2>&1)
wrk_clean "3-second wrk over IPv6 NAT" "$out"
tap_cmd "the IPv6 VIP answers ping" lab_exec client ping -6 -c 2 -W 2 fd00::200
tap_like "$(td_ctl -L -n)" "TCP  \[fd00::200\]:80 rr" "-L -n lists IPv6 services as ipvsadm"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
