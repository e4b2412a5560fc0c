#!/bin/bash
# tandem-snmpd on the backup of a director pair with connection sync
# (lib_pair.sh, DR): TANDEM-MIB's sync objects and the sync metrics follow
# tandem-syncd's status (role backup, the master as peer, datagrams
# received); when the master dies and this node takes over, snmptrapd
# receives tandemSyncPeerLost with the lost peer's address and the role
# reads master.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"
. "$(dirname "$0")/lib_pair.sh"
. "$(dirname "$0")/lib_snmp.sh"

pair_topology dr
pair_node_start 1 150
pair_node_start 2 100
snmp_master lb2
snmp_trapd lb2
{ cat "$LAB_TMP/lb2.conf"; cat <<-EOF
	snmp = { agentx_socket = "$LAB_TMP/agentx-lb2"; traps = true;
	         metrics_listen = "127.0.0.1:9469"; poll_interval = 0.2; };
	EOF
} >"$LAB_TMP/snmp-lb2.conf"
lab_bg lb2 tandem-snmpd "$TD_BIN/tandem-snmpd" -f "$LAB_TMP/snmp-lb2.conf" \
	--run-dir "$LAB_TMP/run-lb2"
TRAPS="$LAB_TMP/traps-lb2.log"
S="$TANDEM.1.5"

wait_for '[ "$(vr_state lb1 ext)/$(vr_state lb2 ext)" = MASTER/BACKUP ]' 10
wait_for '[ "$(pair_sync 2 role)/$(pair_sync 2 peer)" = backup/172.16.0.11 ]' 10
# One connection through the pair, so that the master sends datagrams.
lab_exec client python3 -c '
import socket
s = socket.create_connection(("10.0.0.100", 7), timeout=2)
s.sendall(b"hello\n"); s.recv(100)'
wait_for '[ "$(pair_sync 2 datagrams_received)" -gt 0 ]' 5
wait_for '[ "$(snmp_get lb2 "$S.6.0")" = 3 ]' 5
tap_is "$(snmp_get lb2 "$S.6.0")/$(snmp_get lb2 "$S.9.0")" 3/2 \
	"tandemSyncRole backup(3), tandemSyncPeerState up(2)"
tap_like "$(snmp_get lb2 "$S.8.0")" '^"?AC 10 00 0B' "tandemSyncPeerAddr 172.16.0.11"
want=$(pair_sync 2 datagrams_received)
wait_for '[ "$(snmp_get lb2 "$S.1.0")" = "$(pair_sync 2 datagrams_received)" ]' 3
tap_is "$(snmp_get lb2 "$S.1.0")" "$(pair_sync 2 datagrams_received)" \
	"tandemSyncDatagramsReceived = syncd's datagrams_received ($want)"
m=$(lab_exec lb2 curl -s -m 2 http://127.0.0.1:9469/metrics)
tap_like "$m" $'tandem_sync_role\\{role="backup"\\} 1\n' "tandem_sync_role{role=backup} 1"
tap_like "$m" $'tandem_sync_peer_up 1\n' "tandem_sync_peer_up 1"
tap_like "$m" "tandem_sync_datagrams_received_total $want"$'\n' \
	"tandem_sync_datagrams_received_total = syncd's ($want)"
tap_like "$m" $'tandem_sync_lag_microseconds\\{side="install",quantile="0\\.5"\\} [1-9][0-9]*\n' \
	"tandem_sync_lag_microseconds: lb2's install lag (median)"

# The master dies: lb2 takes over and the peer it followed is lost.
pair_kill 1 KILL
wait_for '[ "$(vr_state lb2 ext)" = MASTER ]' 10
wait_for "grep -q '1701\\.0\\.5' $TRAPS" 5
traps=$(tr '\n\t' '  ' <"$TRAPS")
tap_like "$traps" "OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.1701\.0\.5 .*1701\.1\.5\.8\.0 = Hex-STRING: AC 10 00 0B .*1701\.1\.5\.9\.0 = INTEGER: 3" \
	"snmptrapd: tandemSyncPeerLost with 172.16.0.11, state lost(3)"
wait_for '[ "$(snmp_get lb2 "$S.6.0")" = 2 ]' 5
tap_is "$(snmp_get lb2 "$S.6.0")/$(snmp_get lb2 "$S.9.0")" 2/1 \
	"after the takeover: tandemSyncRole master(2), tandemSyncPeerState unknown(1)"
tap_is "$(grep -o '1701\.0\.5' "$TRAPS" | wc -l)" 1 "one tandemSyncPeerLost"
tap_done
