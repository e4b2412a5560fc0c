#!/bin/bash
# One director in direct-routing mode: three nginx real servers holding the
# VIP on lo, a client; rr order, a wrk run, UDP, quiescing with weight 0,
# deleting and re-adding a real server, and the ipvsadm-style listings.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_dr_topology
rs_udpecho 5353 10.0.0.100
td_start 'director = { interfaces = [ "eth0" ]; workers = 2; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); },
  { address = "10.0.0.100"; port = 5353; protocol = "udp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); } );' || exit 1

# IPVS lists new real servers first, so rr starts with the last added.
tap_is "$(curl_seq 6 http://10.0.0.100/)" "rs3 rs2 rs1 rs3 rs2 rs1" \
	"curl through the VIP follows rr order (newest first, as IPVS)"
tap_like "$(lab_exec client ip neigh show 10.0.0.100)" "00:00:5e:00:01:01" \
	"the client resolved the VIP to the virtual MAC"

want='IP Virtual Server version 1.2.1 (size=262144)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.100:80 rr
  -> 10.0.0.11:80                 Route   1      0          2         
  -> 10.0.0.12:80                 Route   1      0          2         
  -> 10.0.0.13:80                 Route   1      0          2         
UDP  10.0.0.100:5353 rr
  -> 10.0.0.11:5353               Route   1      0          0         
  -> 10.0.0.12:5353               Route   1      0          0         
  -> 10.0.0.13:5353               Route   1      0          0         '
tap_is "$(td_ctl -L -n)" "$want" "tandemctl -L -n prints the table as ipvsadm"

conns=$(td_ctl -L -n -c)
tap_is "$(printf '%s\n' "$conns" | head -2)" "IPVS connection entries
pro expire state       source             virtual            destination" \
	"tandemctl -c prints ipvsadm's header"
tap_is "$(printf '%s\n' "$conns" | grep -c '^TCP .* 10.0.0.2:[0-9]* *10.0.0.100:80 *10.0.0.1[123]:80$')" 6 \
	"tandemctl -c lists the six connections"

out=$(lab_exec client wrk -c 20 -t 2 -d 10s http://10.0.0.100/ 2>&1)
wrk_clean "10-second wrk through the VIP (DR)" "$out"

stats=$(td_ctl -L -n --stats --exact)
svc_conns=$(printf '%s\n' "$stats" | awk '$1 == "TCP" {print $3}')
rs_sum=$(printf '%s\n' "$stats" | awk '/-> 10.0.0.1/ && /:80 / {s += $3} END {print s}')
tap_is "$rs_sum" "$svc_conns" "--stats: the real servers' Conns add up to the service's"
outpkts=$(printf '%s\n' "$stats" | awk '$1 == "TCP" {print $5}')
tap_is "$outpkts" 0 "--stats: DR sees no replies (OutPkts 0)"

# UDP: datagrams of one flow stay on one server; new flows follow rr.
udp=""
for sp in 40001 40002 40003; do
	udp+=$(lab_exec client "$TD_TOOLS/udpsend" -d 10.0.0.100 -p 5353 -s "$sp" \
		-n 2 -m hi 2>&1 | grep -o 'rs[123]:hi' | tr '\n' ' ')
done
tap_is "$udp" "rs3:hi rs3:hi rs2:hi rs2:hi rs1:hi rs1:hi " \
	"a UDP service answers through the VIP (one server per flow, rr)"
tap_is "$(td_ctl -L -n -c | grep -c '^UDP .* UDP ')" 3 "tandemctl -c shows the three UDP flows"

# Weight 0: an open keep-alive connection goes on while new connections
# avoid its server.
keepalive_open 3
first=$(head -1 "$LAB_TMP/ka.out")
rs="10.0.0.1${first#rs}"
if [[ "$first" =~ ^rs[123]$ ]]; then
	td_ctl -e -t 10.0.0.100:80 -r "$rs" -g -w 0
	got=$(curl_seq 6 http://10.0.0.100/)
	if [[ " $got " == *" $first "* ]]; then
		tap_fail "weight 0 stops new connections to $first" "got: $got"
	else
		tap_ok "weight 0 stops new connections to $first ($got)"
	fi
else
	tap_fail "weight 0 stops new connections" "keep-alive client said: $first"
fi
keepalive_kept "the open connection to the quiesced server keeps working"
td_ctl -e -t 10.0.0.100:80 -r "$rs" -g -w 1

# Delete a real server and add it back.
td_ctl -d -t 10.0.0.100:80 -r 10.0.0.12
tap_is "$(td_ctl -L -n | grep -c '10.0.0.12:80')" 0 "a deleted real server leaves the listing"
got=$(curl_seq 6 http://10.0.0.100/)
if [[ "$got" == *rs2* ]]; then
	tap_fail "no new connection reaches a deleted real server" "got: $got"
else
	tap_ok "no new connection reaches a deleted real server"
fi
td_ctl -a -t 10.0.0.100:80 -r 10.0.0.12 -g -w 1
got=$(curl_seq 6 http://10.0.0.100/)
tap_like "$got" "rs2" "a re-added real server takes connections again"

tap_ok_alive() { td_alive && tap_ok "$1" || tap_fail "$1"; }
tap_ok_alive "the director is still running"
tap_done
