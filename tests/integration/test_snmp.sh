#!/bin/bash
# tandem-snmpd as an AgentX subagent of Debian's snmpd, on two Tandem nodes
# (tandem-director + tandem-vrrpd each) in front of two DR real servers:
# snmpwalk of VRRPV3-MIB shows each node's state and the master's address;
# a failover changes them and snmptrapd receives vrrpv3NewMaster; a real
# server's connection counter in TANDEM-MIB equals `tandemctl -L -n
# --stats`; a restarted snmpd gets the subagent back; writes are refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"
. "$(dirname "$0")/lib_snmp.sh"

VIP=10.0.0.100
vr_lab_two_directors dr

declare -A SNMPD_PID
node_conf() {
	cat <<-EOF
	node = { name = "lb$1"; log_level = "info"; };
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = (
	  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "rr";
	    method = "dr";
	    real_servers = ( { address = "10.0.0.21"; }, { address = "10.0.0.22"; } ); } );
	vrrp = { instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = $2; advert_int = 0.1; virtual_ipaddress = [ "$VIP/24" ]; } ); };
	snmp = { agentx_socket = "$LAB_TMP/agentx-lb$1"; traps = true;
	         metrics_listen = "127.0.0.1:9469"; poll_interval = 0.2; };
	EOF
}

node_start() { vr_node_start "lb$1" "lb$1" "$(node_conf "$1" "$2")"; }

snmpd_start() {
	local n=$1
	lab_bg "lb$n" "tandem-snmpd-lb$n" "$TD_BIN/tandem-snmpd" \
		-f "$LAB_TMP/lb$n.conf" --run-dir "$LAB_TMP/run-lb$n"
	SNMPD_PID[$n]=$LAB_PID
}

# hex_ip "0A 00 00 0B": the dotted quad of an InetAddress value.
hex_ip() {
	local h
	h=$(echo "$1" | tr -d '"' | tr -s ' ' | sed 's/^ //;s/ $//')
	[ -z "$h" ] && { echo none; return; }
	# shellcheck disable=SC2086
	printf '%d.%d.%d.%d\n' $(for b in $h; do echo "0x$b"; done)
}

ifx() { ip -n "$LAB-$1" -o link show eth0 | cut -d: -f1; }

# The row of instance ext (VRID 51, IPv4) in node N's VRRPV3 tables.
row() { echo "$(ifx "lb$1").51.1"; }
vr_status() { snmp_get "lb$1" "$VRRPV3.1.1.1.1.6.$(row "$1")"; }
vr_master() { hex_ip "$(snmp_get "lb$1" "$VRRPV3.1.1.1.1.3.$(row "$1")")"; }

# lb1's subagent starts before its master agent: it must connect when
# snmpd comes up.
snmp_master lb2
snmp_trapd lb2
node_start 1 150
node_start 2 100
for i in 1 2; do snmpd_start "$i"; done
wait_for "grep -q 'Failed to connect' $LAB_TMP/tandem-snmpd-lb1.log" 5
snmp_master lb1
if wait_for "grep -q 'agentx: connected' $LAB_TMP/tandem-snmpd-lb1.log" 6; then
	tap_ok "a subagent started before snmpd connects when it comes up"
else
	tap_fail "a subagent started before snmpd connects" "$(cat "$LAB_TMP/tandem-snmpd-lb1.log")"
fi
wait_for '[ "$(vr_state lb1 ext)/$(vr_state lb2 ext)" = MASTER/BACKUP ]' 10
wait_for '[ "$(vr_status 1)/$(vr_status 2)" = 3/2 ]' 10

# 1. The VRRPV3-MIB rows.
tap_is "$(vr_status 1)/$(vr_status 2)" 3/2 \
	"vrrpv3OperationsStatus: lb1 master(3), lb2 backup(2)"
tap_is "$(vr_master 1)/$(vr_master 2)" 10.0.0.11/10.0.0.11 \
	"vrrpv3OperationsMasterIpAddr is lb1's address on both nodes"
walk=$(snmp_walk lb2 "$VRRPV3.1.1")
tap_like "$walk" "\.207\.1\.1\.1\.1\.7\.$(row 2) 100" \
	"snmpwalk: lb2's priority 100 in its row"
tap_like "$walk" "\.207\.1\.1\.1\.1\.5\.$(row 2) \"?00 00 5E 00 01 33" \
	"snmpwalk: the virtual MAC 00:00:5e:00:01:33"
tap_like "$walk" "\.207\.1\.1\.2\.1\.2\.$(row 2)\.4\.10\.0\.0\.100 1" \
	"snmpwalk: the associated address 10.0.0.100 (vrrpv3AssociatedIpAddrTable)"
rcvd=$(snmp_get lb2 "$VRRPV3.1.2.5.1.3.$(row 2)")
tap_like "$rcvd" '^[1-9][0-9]*$' "vrrpv3StatisticsRcvdAdvertisements counts lb1's adverts ($rcvd)"
tap_is "$(snmp_get lb1 "$VRRPV3.1.2.5.1.1.$(row 1)")/$(snmp_get lb2 "$VRRPV3.1.2.5.1.1.$(row 2)")" 1/0 \
	"vrrpv3StatisticsMasterTransitions: lb1 became master once, lb2 never"
# vrrpv3OperationsUpTime is sysUpTime when the instance left initialize:
# sysUpTime minus it is how long vrrpd says it has been up (2 s slack).
ticks() { snmp_cmd lb1 snmpget -Oqvt "$1"; }
since=$(( $(ticks .1.3.6.1.2.1.1.3.0) - $(ticks "$VRRPV3.1.1.1.1.12.$(row 1)") ))
up=$(( $(vr_get lb1 ext up_ms) / 10 ))
if [ "$since" -ge $((up - 200)) ] && [ "$since" -le $((up + 200)) ]; then
	tap_ok "vrrpv3OperationsUpTime: left initialize $since cs before sysUpTime (vrrpd: up $up cs)"
else
	tap_fail "vrrpv3OperationsUpTime" "sysUpTime minus it: $since cs" "vrrpd's up_ms: $up cs"
fi

# 2. A real server's connection counter equals tandemctl's --stats.
vs_stats() { vr_ctl lb1 -L -n --stats | awk -v vs="$VIP:80" '$1 == "TCP" && $2 == vs {print $3}'; }
v0=$(vs_stats)
for i in $(seq 6); do lab_exec client curl -s -m 2 -o /dev/null "http://$VIP/"; done
wait_for "[ \"\$(vs_stats)\" -ge $((${v0:-0} + 6)) ]" 5	# the 6 counted
rs_index() {	# the TANDEM-MIB row of real server $2 on node $1
	snmp_walk "lb$1" "$TANDEM.1.4.1.3" | while read -r oid val; do
		[ "$(hex_ip "${val}")" = "$2" ] && echo "${oid##*.1.4.1.3.}"
	done
}
stats_conns() {	# Conns of real server $2 in `tandemctl -L -n --stats`
	vr_ctl "lb$1" -L -n --stats | awk -v rs="$2:80" '$1 == "->" && $2 == rs {print $3}'
}
idx=$(rs_index 1 10.0.0.21)
tap_like "$idx" '^1\.[0-9]+$' "10.0.0.21 has a row in tandemRsTable ($idx)"
want=$(stats_conns 1 10.0.0.21)
wait_for '[ "$(snmp_get lb1 "$TANDEM.1.4.1.10.$idx")" = "$want" ]' 3
got=$(snmp_get lb1 "$TANDEM.1.4.1.10.$idx")
tap_like "$want" '^[1-9][0-9]*$' "tandemctl --stats: 10.0.0.21 took connections ($want)"
tap_is "$got" "$want" "snmpget tandemRsConns of 10.0.0.21 = tandemctl -L -n --stats"
vs_conns=$(vs_stats)
tap_is "$(snmp_get lb1 "$TANDEM.1.3.1.8.1")" "$vs_conns" \
	"snmpget tandemVsConns = tandemctl -L -n --stats ($vs_conns)"

# 3. Writes are refused: by snmpd's access control (read-only community),
# and by our objects themselves (read-write community).
out=$(snmp_cmd lb1 snmpset "$VRRPV3.1.1.1.1.7.$(row 1)" u 10)
tap_like "$out" "noAccess|notWritable" "snmpset with the read-only community is refused"
out=$(lab_exec lb1 env MIBS= snmpset -v2c -c private -On -t 1 -r 1 127.0.0.1:161 \
	"$VRRPV3.1.1.1.1.7.$(row 1)" u 10 2>&1)
tap_like "$out" "notWritable|noCreation|noAccess" "snmpset of vrrpv3OperationsPriority is refused ($(echo "$out" | grep -o 'Reason: .*'))"
tap_is "$(snmp_get lb1 "$VRRPV3.1.1.1.1.7.$(row 1)")" 150 "the priority is unchanged"
kill -0 "${SNMPD_PID[1]}" && tap_ok "tandem-snmpd still runs" || tap_fail "tandem-snmpd still runs"

# A VRRP advert with TTL 64 (from the client): vrrpv3ProtoError with
# ipTtlError(1), and the counters in the statistics row.
ttl0=$(snmp_get lb2 "$VRRPV3.1.2.5.1.5.$(row 2)")
lab_exec client python3 "$LAB_ROOT/tests/tools/vrrp_craft.py" --iface eth0 \
	--src 10.0.0.2 --vrid 51 --prio 100 --ttl 64 --addrs 10.0.0.100 >/dev/null
wait_for "grep -q '\.1\.3\.6\.1\.2\.1\.207\.0\.2' $LAB_TMP/traps-lb2.log" 5
trap=$(tr '\n\t' '  ' <"$LAB_TMP/traps-lb2.log")
tap_like "$trap" "OID: \.1\.3\.6\.1\.2\.1\.207\.0\.2 .*\.207\.1\.2\.5\.1\.6\.$(row 2) = INTEGER: 1" \
	"snmptrapd received vrrpv3ProtoError with ipTtlError(1)"
tap_is "$(snmp_get lb2 "$VRRPV3.1.2.5.1.5.$(row 2)")" "$((ttl0 + 1))" \
	"vrrpv3StatisticsIpTtlErrors grew by one"

# 4. Failover: lb1 dies; lb2's rows change and a vrrpv3NewMaster trap comes.
kill -KILL "${VR_PID[lb1]}" "${VR_DIR_PID[lb1]}"
wait_for '[ "$(vr_status 2)" = 3 ]' 10
tap_is "$(vr_status 2)/$(vr_master 2)" 3/10.0.0.12 \
	"after the failover: lb2 master(3), master address 10.0.0.12"
tap_is "$(snmp_get lb2 "$VRRPV3.1.2.5.1.2.$(row 2)")" 3 \
	"vrrpv3StatisticsNewMasterReason masterNoResponse(3)"
tap_is "$(snmp_get lb2 "$VRRPV3.1.2.5.1.1.$(row 2)")" 1 \
	"vrrpv3StatisticsMasterTransitions: lb2 became master once"
wait_for "grep -q '\.1\.3\.6\.1\.2\.1\.207\.0\.1' $LAB_TMP/traps-lb2.log" 5
trap=$(tr '\n' ' ' <"$LAB_TMP/traps-lb2.log")
tap_like "$trap" "\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: \.1\.3\.6\.1\.2\.1\.207\.0\.1" \
	"snmptrapd received vrrpv3NewMaster from lb2"
tap_like "$trap" "\.207\.1\.1\.1\.1\.3\.$(row 2) = Hex-STRING: 0A 00 00 0C" \
	"the trap carries vrrpv3OperationsMasterIpAddr 10.0.0.12"
tap_like "$(snmp_get lb1 "$TANDEM.1.1.1.3.1")/$(snmp_get lb1 "$TANDEM.1.1.1.3.2")" \
	'^2/2$' "lb1's tandemDaemonStatus: director and vrrpd down(2)"

# The MIB files describe every object served, with its type: loaded by
# name, no OID stays numeric and no value has the wrong type.
mibwalk() {
	lab_exec "lb$1" env MIBS=VRRPV3-MIB:TANDEM-MIB \
		MIBDIRS="$LAB_ROOT/etc/mibs:$LAB_ROOT/tests/tools/smi:/usr/share/snmp/mibs" \
		snmpwalk -v2c -c public -t 1 -r 1 127.0.0.1:161 "$2" 2>&1
}
walk=$( (mibwalk 2 VRRPV3-MIB::vrrpv3MIB; mibwalk 2 TANDEM-MIB::tandemMIB) )
n=$(echo "$walk" | grep -c '^\(VRRPV3\|TANDEM\)-MIB::')
bad=$(echo "$walk" | grep -v '^\(VRRPV3\|TANDEM\)-MIB::' | grep -v '^ ')
tap_like "$n/${bad:-none}" '^[0-9]{3,}/none$' \
	"snmpwalk with etc/mibs loaded: all $n objects named, none numeric or unknown"
tap_is "$(echo "$walk" | grep -c 'Wrong Type')" 0 "no value has a type its MIB does not declare"
bulk=$( (snmp_cmd lb2 snmpbulkwalk -Cr20 "$VRRPV3"; snmp_cmd lb2 snmpbulkwalk -Cr20 "$TANDEM") | wc -l)
num=$( (snmp_cmd lb2 snmpwalk "$VRRPV3"; snmp_cmd lb2 snmpwalk "$TANDEM") | wc -l)
tap_is "$bulk" "$num" "snmpbulkwalk (GETBULK) gives the same $num objects as snmpwalk"
tap_like "$walk" 'VRRPV3-MIB::vrrpv3OperationsStatus\.[0-9]+\.51\.ipv4 = INTEGER: master\(3\)' \
	"snmpwalk by name: vrrpv3OperationsStatus.IFX.51.ipv4 = master(3)"
tap_like "$walk" 'TANDEM-MIB::tandemRsAddr\.1\.[12] = Hex-STRING: 0A 00 00 1[56]' \
	"snmpwalk by name: tandemRsAddr of the real servers"

# 5. snmpd restarts under the subagent: it comes back by itself.
snmp_master_stop lb2
snmp_master lb2
if wait_for '[ "$(vr_status 2)" = 3 ]' 10; then
	tap_ok "snmpd restarted: the subagent reconnects and lb2's row is back"
else
	tap_fail "snmpd restarted: the subagent reconnects" "$(tail -5 "$LAB_TMP/tandem-snmpd-lb2.log")"
fi
tap_is "$(grep -c 'agentx: connected' "$LAB_TMP/tandem-snmpd-lb2.log")" 2 \
	"tandem-snmpd logged the second connection"

# A frozen director (its socket accepts, nothing answers) never stalls the
# subagent: its row says down(2) while every other object still answers.
kill -STOP "${VR_DIR_PID[lb2]}"
wait_for '[ "$(snmp_get lb2 "$TANDEM.1.1.1.3.1")" = 2 ]' 5
t0=$(now_ms)
got=$(snmp_get lb2 "$TANDEM.1.1.1.3.1")/$(snmp_get lb2 "$TANDEM.1.1.1.3.2")
ms=$(($(now_ms) - t0))
tap_is "$got" 2/1 "director frozen: tandemDaemonStatus director down(2), vrrpd up(1)"
tap_like "$ms" '^[0-9]{1,3}$' "and two snmpgets still answer at once (${ms} ms)"
kill -CONT "${VR_DIR_PID[lb2]}"
wait_for '[ "$(snmp_get lb2 "$TANDEM.1.1.1.3.1")" = 1 ]' 5
tap_is "$(snmp_get lb2 "$TANDEM.1.1.1.3.1")" 1 "director thawed: up(1) again"
tap_done
