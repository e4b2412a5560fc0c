#!/bin/bash
# A NAT director pair as etc/nat-lb*.conf describe it: the external VIP and
# the real servers' gateway VIP in one sync group. curl through the VIP
# works on either node; killing the master moves both VIPs; losing the
# internal link on the master moves the whole group, so that the external
# VIP does not stay on a node that can no longer reach the real servers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

VIP=10.0.0.100
vr_lab_two_directors nat

# node_conf N PRIO: one file for both daemons of node lbN.
node_conf() {
	cat <<-EOF
	node = { name = "lb$1"; };
	director = { interfaces = [ "eth0", "eth1" ]; };
	virtual_servers = (
	  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "rr";
	    method = "nat";
	    real_servers = ( { address = "192.168.1.21"; }, { address = "192.168.1.22"; } ); } );
	vrrp = { director_interval = 0.1; director_timeout = 0.3;
	  instances = (
	    { name = "ext"; interface = "eth0"; vrid = 51; priority = $2;
	      advert_int = 0.1; virtual_ipaddress = [ "$VIP/24" ];
	      track_interfaces = [ "eth1" ]; },
	    { name = "int"; interface = "eth1"; vrid = 52; priority = $2;
	      advert_int = 0.1; virtual_ipaddress = [ "192.168.1.1/24" ];
	      track_interfaces = [ "eth0" ]; } );
	  sync_groups = ( { name = "pair"; instances = [ "ext", "int" ]; } ); };
	EOF
}
node_start() { vr_node_start "lb$1" "lb$1" "$(node_conf "$1" "$2")"; }
both() { echo "$(vr_state "$1" ext)/$(vr_state "$1" int)"; }
curl_ok() { lab_exec client curl -s -m 2 "http://$VIP/" | grep -q '^rs[12]$'; }

node_start 1 150
node_start 2 100
wait_for '[ "$(both lb1)/$(both lb2)" = MASTER/MASTER/BACKUP/BACKUP ]' 10
tap_is "$(both lb1)/$(both lb2)" MASTER/MASTER/BACKUP/BACKUP "lb1 master of both VIPs, lb2 backup"
wait_for curl_ok 10
curl_ok && tap_ok "curl through the VIP, NAT via lb1" || tap_fail "curl through the VIP, NAT via lb1"
out=$(vr_ctl lb1 vrrp)
tap_like "$out" $'ext +eth0 +51 +3 MASTER .*\nint +eth1 +52 +3 MASTER .*\nSync group pair: MASTER\nDirector: answering$' \
	"tandemctl vrrp: both instances, the group and the director"

kill -KILL "${VR_PID[lb1]}" "${VR_DIR_PID[lb1]}"
ms=$(wait_ms curl_ok 15)
tap_like "${ms:-never}" '^[0-9]+$' "lb1 killed: curl works again via lb2 after ${ms:-never} ms"
tap_is "$(both lb2)" MASTER/MASTER "lb2 master of both VIPs"
wait "${VR_PID[lb1]}" "${VR_DIR_PID[lb1]}" 2>/dev/null

node_start 1 150
wait_for '[ "$(both lb1)/$(both lb2)" = MASTER/MASTER/BACKUP/BACKUP ]' 10
tap_is "$(both lb1)/$(both lb2)" MASTER/MASTER/BACKUP/BACKUP "lb1 back: it preempts both"
wait_for curl_ok 10
curl_ok && tap_ok "curl via lb1 again" || tap_fail "curl via lb1 again"

# lb1 loses its internal link: int FAULT, and the group takes ext along.
ip -n "$LAB-switch" link set lb1-eth1 down
wait_for '[ "$(both lb2)" = MASTER/MASTER ]' 5
tap_is "$(both lb1)/$(both lb2)" FAULT/FAULT/MASTER/MASTER \
	"lb1's eth1 down: the whole group fails over to lb2"
ms=$(wait_ms curl_ok 15)
tap_like "${ms:-never}" '^[0-9]+$' "curl works via lb2 (${ms:-never} ms)"
ip -n "$LAB-switch" link set lb1-eth1 up
wait_for '[ "$(both lb1)" = MASTER/MASTER ]' 10
tap_is "$(both lb1)/$(both lb2)" MASTER/MASTER/BACKUP/BACKUP "eth1 back: lb1 master of both again"
wait_for curl_ok 10
curl_ok && tap_ok "curl via lb1" || tap_fail "curl via lb1"
tap_done
