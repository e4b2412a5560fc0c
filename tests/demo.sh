#!/bin/bash
# make demo: a one-director NAT lab in network namespaces on an embedded
# config: a client, the director, three nginx real servers. Sends traffic
# through the VIP and prints what happened, then removes everything.
# (The two-director failover demo follows once VRRP and sync exist.)
. "$(dirname "$0")/integration/lib.sh"
. "$(dirname "$0")/integration/lib_director.sh"

say() { printf '\n== %s\n' "$*"; }

say "Building the lab: client 10.0.0.2 -- director -- rs1..rs3 (192.168.1.11-13)"
lab_nat_topology
td_start 'node = { name = "demo"; };
director = { interfaces = [ "eth0", "eth1" ]; workers = 2;
             virtual_ipaddress = [ "192.168.1.1/24" ]; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "wlc";
    method = "nat";
    real_servers = ( { address = "192.168.1.11"; weight = 1; },
                     { address = "192.168.1.12"; weight = 2; },
                     { address = "192.168.1.13"; port = 8080; weight = 1; } ); } );' ||
	exit 1

say "tandemctl -L -n"
td_ctl -L -n

say "Six requests through the VIP 10.0.0.100:80 (curl from the client)"
for i in 1 2 3 4 5 6; do
	printf '  request %d answered by %s\n' "$i" \
		"$(lab_exec client curl -s -m 3 http://10.0.0.100/)"
done

say "Five seconds of wrk, 20 keep-alive connections"
lab_exec client wrk -c 20 -t 2 -d 5s http://10.0.0.100/ | sed 's/^/  /'

say "tandemctl -L -n --stats"
td_ctl -L -n --stats

say "The client's ARP entry for the VIP: the virtual MAC of VRID 1"
lab_exec client ip neigh show 10.0.0.100 | sed 's/^/  /'

say "tandemctl status (counters that moved)"
td_ctl status | awk '$NF != "0"'
say "Done; removing the lab."
