#!/bin/bash
# Two Tandem nodes, each tandem-director plus tandem-vrrpd, in front of two
# DR real servers: the master's director owns the VIP; a client's curl
# works whichever node is master; after the master is killed the client
# reaches the VIP through the other node with its ARP cache untouched (the
# same virtual MAC); a node whose director dies gives up mastership.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

VIP=10.0.0.100
VMAC=00:00:5e:00:01:33
vr_lab_two_directors dr

# node_conf PRIO: one file for both daemons of a node.
node_conf() {
	cat <<-EOF
	node = { name = "lb"; log_level = "info"; };
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = (
	  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "rr";
	    method = "dr";
	    real_servers = ( { address = "10.0.0.21"; }, { address = "10.0.0.22"; } ); } );
	vrrp = { director_interval = 0.1; director_timeout = 0.3; director_fall = 2;
	  instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = $1; advert_int = 0.1; virtual_ipaddress = [ "$VIP/24" ]; } ); };
	EOF
}

# node_start N PRIO: the director, then tandem-vrrpd, on lbN.
node_start() { vr_node_start "lb$1" "lb$1" "$(node_conf "$2")"; }

curl_vip() { lab_exec client curl -s -m 2 "http://$VIP/"; }
client_mac() { lab_exec client ip neigh show "$VIP" | awk '{print $5}'; }

node_start 1 150
node_start 2 100
wait_for '[ "$(vr_state lb1 ext)/$(vr_state lb2 ext)" = MASTER/BACKUP ]' 10
tap_is "$(vr_state lb1 ext)/$(vr_state lb2 ext)" MASTER/BACKUP \
	"lb1 (priority 150) master, lb2 (100) backup"
wait_for '[ "$(vr_owned lb1)" = ext ]' 5
tap_is "$(vr_owned lb1)/$(vr_owned lb2)" "ext/none" "only the master's director owns the instance"
tap_like "$(vr_ctl lb1 vrrp)" "ext +eth0 +51 +3 MASTER +150 +150 +10\.0\.0\.11 " \
	"tandemctl vrrp shows lb1 master"
tap_like "$(curl_vip)" '^rs[12]$' "curl through the VIP via lb1"
tap_is "$(client_mac)" "$VMAC" "the client learnt the virtual MAC"
neigh0=$(lab_exec client ip -s neigh show "$VIP")

# Kill the master node (both daemons, no goodbye).
t0=$(now_ms)
kill -KILL "${VR_PID[lb1]}" "${VR_DIR_PID[lb1]}"
ms=$(wait_ms 'curl_vip | grep -q "^rs"' 15)
tap_like "${ms:-never}" '^[0-9]+$' "lb1 killed: the client reaches the VIP via lb2 after ${ms:-never} ms"
tap_is "$(vr_state lb2 ext)/$(vr_owned lb2)" "MASTER/ext" "lb2 is master and its director owns the instance"
tap_is "$(client_mac)" "$VMAC" "the client's ARP entry still holds the virtual MAC (never flushed)"
got=$(for i in 1 2 3 4; do curl_vip; done | tr '\n' ' ')
tap_like "$got" '^(rs[12] ){4}$' "curl keeps working through lb2 ($got)"
wait "${VR_PID[lb1]}" "${VR_DIR_PID[lb1]}" 2>/dev/null

# lb1 comes back and preempts.
node_start 1 150
wait_for '[ "$(vr_state lb1 ext)/$(vr_state lb2 ext)" = MASTER/BACKUP ]' 10
wait_for '[ "$(vr_owned lb2)" = none ]' 5
tap_is "$(vr_state lb1 ext)/$(vr_state lb2 ext)/$(vr_owned lb1)/$(vr_owned lb2)" \
	"MASTER/BACKUP/ext/none" "lb1 back: it preempts, lb2's director releases"
tap_like "$(curl_vip)" '^rs[12]$' "curl through the VIP via lb1 again"

# The master's director dies: its tandem-vrrpd must not stay master.
kill -KILL "${VR_DIR_PID[lb1]}"
wait_for '[ "$(vr_state lb1 ext)" = FAULT ]' 5
tap_is "$(vr_state lb1 ext)" FAULT "lb1's director killed: lb1 goes to FAULT"
wait_for '[ "$(vr_state lb2 ext)" = MASTER ]' 5
tap_is "$(vr_state lb2 ext)/$(vr_owned lb2)" "MASTER/ext" "lb2 takes over with its director"
ms=$(wait_ms 'curl_vip | grep -q "^rs"' 10)
tap_like "${ms:-never}" '^[0-9]+$' "curl through the VIP via lb2"
# The director returns: lb1 leaves FAULT and preempts again.
lab_bg lb1 director-lb1b "$TD_BIN/tandem-director" -f "$LAB_TMP/lb1.conf" \
	--run-dir "$LAB_TMP/run-lb1"
VR_DIR_PID[lb1]=$LAB_PID
wait_for '[ "$(vr_state lb1 ext)" = MASTER ]' 10
wait_for '[ "$(vr_owned lb1)" = ext ]' 5
tap_is "$(vr_state lb1 ext)/$(vr_owned lb1)/$(vr_state lb2 ext)" "MASTER/ext/BACKUP" \
	"lb1's director restarted: lb1 master again and its new director owns the VIP"
tap_like "$(curl_vip)" '^rs[12]$' "curl through the VIP via lb1"

# A stuck director (SIGSTOP: its socket still accepts, nothing answers)
# counts as gone too; when it runs again, lb1 comes back.
kill -STOP "${VR_DIR_PID[lb1]}"
wait_for '[ "$(vr_state lb1 ext)/$(vr_state lb2 ext)" = FAULT/MASTER ]' 5
tap_is "$(vr_state lb1 ext)/$(vr_state lb2 ext)" FAULT/MASTER \
	"lb1's director frozen: lb1 FAULT, lb2 master"
ms=$(wait_ms 'curl_vip | grep -q "^rs"' 10)
tap_like "${ms:-never}" '^[0-9]+$' "curl through the VIP via lb2 while lb1's director is frozen"
kill -CONT "${VR_DIR_PID[lb1]}"
wait_for '[ "$(vr_state lb1 ext)/$(vr_owned lb1)" = MASTER/ext ]' 10
tap_is "$(vr_state lb1 ext)/$(vr_owned lb1)/$(vr_state lb2 ext)" "MASTER/ext/BACKUP" \
	"lb1's director thawed: lb1 master again"
tap_is "$(grep -c 'no answer' "$LAB_TMP/vrrpd-lb1.log")" 1 \
	"one warning for the whole outage, not one per poll"

# The other way round: a frozen vrrpd on the master stops renewing its
# lease, so its director stops owning the VIP while lb2 takes over; two
# directors never answer for it for long.
kill -STOP "${VR_PID[lb1]}"
wait_for '[ "$(vr_state lb2 ext)" = MASTER ]' 10
if wait_for '[ "$(vr_owned lb1)" = none ]' 6; then
	tap_ok "lb1's vrrpd frozen: its director's lease runs out and it releases the VIP"
else
	tap_fail "lb1's vrrpd frozen: its director's lease runs out" "$(vr_owned lb1)"
fi
tap_is "$(vr_state lb2 ext)/$(vr_owned lb2)" "MASTER/ext" "lb2 is master and owns the VIP"
tap_like "$(curl_vip)" '^rs[12]$' "curl through the VIP via lb2"
kill -CONT "${VR_PID[lb1]}"
tap_done
