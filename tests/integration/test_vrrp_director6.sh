#!/bin/bash
# The Tandem pair over IPv6: tandem-vrrpd (v3, IPv6 instance) hands an IPv6
# VIP to tandem-director, which answers neighbour solicitations with the
# IPv6 virtual MAC 00:00:5e:00:02:VRID; curl -6 through the VIP works on
# either node, and after the master is killed the client's neighbour entry
# still holds the same MAC.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

VIP=fd00::100
VMAC=00:00:5e:00:02:3d
vr_lab_two_directors dr6

# node_conf N PRIO: one file for both daemons of node lbN.
node_conf() {
	cat <<-EOF
	node = { name = "lb$1"; };
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = (
	  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "rr"; method = "dr";
	    real_servers = ( { address = "fd00::21"; }, { address = "fd00::22"; } ); } );
	vrrp = { director_interval = 0.1; director_timeout = 0.3;
	  instances = ( { name = "v6"; interface = "eth0"; vrid = 61; priority = $2;
	    advert_int = 0.1; virtual_ipaddress = [ "$VIP/64" ]; } ); };
	EOF
}
node_start() { vr_node_start "lb$1" "lb$1" "$(node_conf "$1" "$2")"; }
curl_ok() { lab_exec client curl -s -m 2 "http://[$VIP]/" | grep -q '^rs[12]$'; }
client_mac() { lab_exec client ip -6 neigh show "$VIP" | awk '{print $5}'; }

node_start 1 150
node_start 2 100
wait_for '[ "$(vr_state lb1 v6)/$(vr_state lb2 v6)" = MASTER/BACKUP ]' 10
tap_is "$(vr_state lb1 v6)/$(vr_state lb2 v6)" MASTER/BACKUP "IPv6: lb1 master, lb2 backup"
wait_for curl_ok 10
curl_ok && tap_ok "curl -6 through the VIP via lb1" || tap_fail "curl -6 through the VIP via lb1"
tap_is "$(client_mac)" "$VMAC" "the client's neighbour entry is the IPv6 virtual MAC"
kill -KILL "${VR_PID[lb1]}" "${VR_DIR_PID[lb1]}"
ms=$(wait_ms curl_ok 15)
tap_like "${ms:-never}" '^[0-9]+$' "lb1 killed: curl -6 works via lb2 after ${ms:-never} ms"
tap_is "$(vr_state lb2 v6)/$(client_mac)" "MASTER/$VMAC" \
	"lb2 master; the client's neighbour entry unchanged"
tap_done
