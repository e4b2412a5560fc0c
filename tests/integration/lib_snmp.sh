# SNMP helpers for integration tests, on top of lib.sh: Debian's snmpd as
# the AgentX master agent and snmptrapd as the trap receiver, each inside
# a lab namespace with its own config, sockets and logs in $LAB_TMP.
#
#   snmp_master lb2                 snmpd in lb2: UDP 127.0.0.1:161, AgentX
#                                   socket $LAB_TMP/agentx-lb2, traps to
#                                   127.0.0.1:162
#   snmp_trapd lb2                  snmptrapd in lb2, log $LAB_TMP/traps-lb2.log
#   snmp_get lb2 OID                value of one object (numeric OIDs)

declare -A SNMP_PID TRAPD_PID

# Numeric OIDs: no MIB files are needed on the manager's side.
VRRPV3=1.3.6.1.2.1.207
TANDEM=1.3.6.1.4.1.8072.9999.9999.1701

# snmp_master NS: starts snmpd in NS (read-only community "public", a
# read-write "private" to show that our objects refuse writes themselves).
snmp_master() {
	local ns=$1
	cat >"$LAB_TMP/snmpd-$ns.conf" <<-EOF
		master agentx
		agentXSocket $LAB_TMP/agentx-$ns
		agentXPerms 0600 0700
		agentaddress udp:127.0.0.1:161
		rocommunity public 127.0.0.1
		rwcommunity private 127.0.0.1
		trap2sink 127.0.0.1:162 public
	EOF
	lab_bg "$ns" "snmpd-$ns" env MIBS= \
		SNMP_PERSISTENT_DIR="$LAB_TMP/snmp-persist-$ns" snmpd -f -Lf "$LAB_TMP/snmpd-$ns.out" \
		-C -c "$LAB_TMP/snmpd-$ns.conf" -p "$LAB_TMP/snmpd-$ns.pid"
	SNMP_PID[$ns]=$LAB_PID
	wait_for "test -S $LAB_TMP/agentx-$ns" 10 ||
		lab_die "snmpd in $ns: $(tail -5 "$LAB_TMP/snmpd-$ns.out")"
}

# snmp_master_stop NS: stops that snmpd.
snmp_master_stop() {
	lab_stop "${SNMP_PID[$1]}" "${2:-TERM}"
}

# snmp_trapd NS: snmptrapd on 127.0.0.1:162 in NS, numeric OIDs, one
# line per trap.
snmp_trapd() {
	local ns=$1
	printf 'disableAuthorization yes\n' >"$LAB_TMP/snmptrapd-$ns.conf"
	: >"$LAB_TMP/traps-$ns.log"
	lab_bg "$ns" "snmptrapd-$ns" env MIBS= \
		SNMP_PERSISTENT_DIR="$LAB_TMP/snmp-persist-trap-$ns" snmptrapd \
		-f -On -C -c "$LAB_TMP/snmptrapd-$ns.conf" \
		-Lf "$LAB_TMP/traps-$ns.log" -p "$LAB_TMP/snmptrapd-$ns.pid" 127.0.0.1:162
	TRAPD_PID[$ns]=$LAB_PID
	wait_for "lab_exec $ns ss -lun | grep -q '127.0.0.1:162 '" 10 ||
		lab_die "snmptrapd in $ns: $(cat "$LAB_TMP/snmptrapd-$ns.log")"
}

# snmp_cmd NS TOOL ARGS...: an net-snmp tool against NS's snmpd.
snmp_cmd() {
	local ns=$1 tool=$2
	shift 2
	lab_exec "$ns" env MIBS= MIBDIRS=/nonexistent "$tool" -v2c -c public \
		-On -t 1 -r 1 127.0.0.1:161 "$@" 2>&1
}

# snmp_get NS OID: the value alone ("3", "10.0.0.11"'s hex string...).
snmp_get() {
	snmp_cmd "$1" snmpget -Oqv "$2"
}

# snmp_walk NS OID: "OID value" lines.
snmp_walk() {
	snmp_cmd "$1" snmpwalk -Oq "$2"
}
