#!/bin/bash
# Service groups, Tandem's stand-in for IPVS firewall-mark services: one
# service for a block of VIPs and ports (every protocol), listed as
# ipvsadm lists an FWM service, with persistence shared across the ports
# of the group (HTTP on 80 and on 8080 of one client go to one server).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_bridge ext
lab_ns client
lab_link client eth0 ext 10.0.0.2/24
lab_ns director
lab_link director eth0 ext 10.0.0.10/24
for i in 1 2 3; do
	lab_dr_real_server "rs$i" ext "10.0.0.1$i/24" 10.0.0.100
	for v in 101 102; do
		ip -n "$LAB-rs$i" addr add "10.0.0.$v/32" dev lo
	done
	lab_nginx "rs$i" "*" 80 "rs$i"
	lab_nginx "rs$i" "*" 8080 "rs$i:8080"
done

td_start 'director = { interfaces = [ "eth0" ]; workers = 2; };
virtual_servers = (
  { fwmark = 7; scheduler = "rr"; method = "dr";
    members = [ "10.0.0.100-102 80", "10.0.0.100-102 8080" ];
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); } );' || exit 1

got=$(curl_seq 3 http://10.0.0.100/)" "$(curl_seq 3 http://10.0.0.102:8080/)
tap_is "$got" "rs3 rs2 rs1 rs3:8080 rs2:8080 rs1:8080" \
	"one group serves every VIP and port of its members, in rr order"
if lab_exec client curl -s -m 2 http://10.0.0.103/ >/dev/null; then
	tap_fail "an address outside the group is not served"
else
	tap_ok "an address outside the group is not served"
fi
tap_is "$(td_ctl -L -n | sed -n 4,5p)" "FWM  7 rr
  -> 10.0.0.11:0                  Route   1      0          2         " \
	"-L -n shows the group as ipvsadm shows a firewall-mark service"
tap_like "$(td_ctl -S -n)" "^-A -f 7 -s rr" "-S saves it as -f"

# Persistence across the group: a client's HTTP on 80 and 8080 together.
td_ctl -E -f 7 -s rr -p 60
got=$(curl_seq 2 http://10.0.0.101/)" "$(curl_seq 2 http://10.0.0.101:8080/)
first=${got%% *}
tap_like "$got" "^($first) $first $first:8080 $first:8080$" \
	"a persistent group keeps the client on one server across its ports"
td_ctl -a -f 7 -r 10.0.0.11 -g -w 5 2>/dev/null
tap_like "$(td_ctl -a -f 7 -r 10.0.0.11 -g 2>&1)" "Destination already exists" \
	"tandemctl -a/-e/-d take -f like ipvsadm"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
