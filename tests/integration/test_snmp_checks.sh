#!/bin/bash
# tandem-snmpd beside tandem-checkd (DR lab, Debian's snmpd as master
# agent, snmptrapd as receiver): the check and quorum tables and the real
# servers' check states follow tandemctl checks; a real server going down
# and up sends tandemRealServerDown/Up, its service's quorum
# tandemQuorumLost/Regained, with the rows they name; the metrics agree.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"
. "$(dirname "$0")/lib_checkd.sh"
. "$(dirname "$0")/lib_snmp.sh"

lab_dr_topology
CK='check = { type = "tcp"; interval = 0.2; timeout = 0.3; rise = 1; fall = 1; retries = 0; };'
td_start "$(cat <<-EOF
	node = { name = "lb"; };
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = ( { address = "$LAB_VIP"; port = 80; protocol = "tcp";
	    scheduler = "rr"; method = "dr"; name = "web"; quorum = 3;
	    real_servers = ( { address = "10.0.0.11"; $CK },
	                     { address = "10.0.0.12"; $CK },
	                     { address = "10.0.0.13"; inhibit_on_failure = true; $CK } ); } );
	snmp = { agentx_socket = "$LAB_TMP/agentx-director"; traps = true;
	         metrics_listen = "127.0.0.1:9469"; poll_interval = 0.2; };
	EOF
)" || exit 1
snmp_master director
snmp_trapd director
hc_start || exit 1
lab_bg director tandem-snmpd "$TD_BIN/tandem-snmpd" -f "$LAB_TMP/director.conf" \
	--run-dir "$TD_RUN"
TRAPS="$LAB_TMP/traps-director.log"

col() { snmp_walk director "$TANDEM.1.7.1.$1" | awk '{print $2}' | tr -d '"' | tr '\n' ' '; }
wait_for '[ "$(col 7)" = "2 2 2 " ]' 10
tap_is "$(col 7)" "2 2 2 " "tandemCheckState: the three checks up(2)"
vs=$(snmp_get director "$TANDEM.1.7.1.2.1")
tap_is "$vs" '"TCP 10.0.0.100:80"' "tandemCheckVirtualServer names the service as tandemctl checks does"
tap_is "$(col 6)" "tcp tcp tcp " "tandemCheckType"
tap_is "$(snmp_get director "$TANDEM.1.8.1.6.1")/$(snmp_get director "$TANDEM.1.8.1.4.1")" \
	"2/3" "tandemQuorumState met(2), tandemQuorumRequired 3"
tap_is "$(snmp_get director "$TANDEM.1.3.1.19.1")" 2 "tandemVsQuorumState met(2)"

# The third real server goes down.
lab_stop "$(cat "$LAB_TMP/nginx-rs3-80/nginx.pid")"
wait_for '[ "$(hc_field 10.0.0.13:80 state)" = down ]' 5
wait_for "grep -q '1701\\.0\\.3' $TRAPS" 5
row=$(snmp_walk director "$TANDEM.1.7.1.4" | awk '$2 " " $3 " " $4 " " $5 ~ /0A 00 00 0D/ {print $1}')
row=${row##*.}
tap_like "$row" '^[123]$' "10.0.0.13's check row ($row)"
tap_is "$(snmp_get director "$TANDEM.1.7.1.7.$row")" 3 "tandemCheckState of 10.0.0.13: down(3)"
rsrow=$(snmp_walk director "$TANDEM.1.4.1.3" | awk '/0A 00 00 0D/ {print $1}')
rsrow=${rsrow##*.1.4.1.3.}
tap_is "$(snmp_get director "$TANDEM.1.4.1.20.$rsrow")/$(snmp_get director "$TANDEM.1.4.1.6.$rsrow")" \
	"3/0" "tandemRsCheckState down(3) and tandemRsWeight 0 (inhibited) in the real server table"
tap_is "$(snmp_get director "$TANDEM.1.8.1.6.1")/$(snmp_get director "$TANDEM.1.3.1.19.1")" \
	"3/3" "tandemQuorumState and tandemVsQuorumState: lost(3)"
traps=$(tr '\n\t' '  ' <"$TRAPS")
tap_like "$traps" "\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.1701\.0\.2 .*1701\.1\.7\.1\.4\.$row = Hex-STRING: 0A 00 00 0D .*1701\.1\.7\.1\.7\.$row = INTEGER: 3" \
	"snmptrapd: tandemRealServerDown with 10.0.0.13 and its state down"
tap_like "$traps" "OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.1701\.0\.3 .*1701\.1\.8\.1\.3\.1 = STRING: \"web\"" \
	"snmptrapd: tandemQuorumLost for the service named web"

# Metrics agree with tandemctl checks.
agree() {
	lab_exec director curl -s -m 2 http://127.0.0.1:9469/metrics >"$LAB_TMP/m"
	hc_ctl checks --json >"$LAB_TMP/checks.json"
	python3 "$LAB_ROOT/tests/tools/promcheck.py" --json "$LAB_TMP/m" | python3 -c '
import json, sys
samples = json.load(sys.stdin)
ck = json.load(open(sys.argv[1]))
bad = []
for c in ck["checks"]:
    lab = dict(virtual_server=c["vs"], server=c["rs"], server_port=str(c["rs_port"]), type=c["type"])
    got = [s["value"] for s in samples if s["name"] == "tandem_check_up" and s["labels"] == lab]
    if got != [1.0 if c["state"] == "up" else 0.0]:
        bad.append("%s: %s vs %s" % (c["rs"], c["state"], got))
for v in ck["virtual_servers"]:
    got = [s["value"] for s in samples if s["name"] == "tandem_quorum_up" and s["labels"]["virtual_server"] == v["vs"]]
    if got != [1.0 if v["quorum_up"] else 0.0]:
        bad.append("quorum %s: %s vs %s" % (v["vs"], v["quorum_up"], got))
print("\n".join(bad))
sys.exit(1 if bad else 0)' "$LAB_TMP/checks.json"
}
if wait_for agree 3; then
	tap_ok "tandem_check_up and tandem_quorum_up = tandemctl checks --json"
else
	tap_fail "metrics agree with tandemctl checks" "$(agree)"
fi

# Back up.
size=$(stat -c %s "$TRAPS")
lab_nginx rs3 "10.0.0.13,$LAB_VIP" 80 rs3
wait_for "tail -c +$((size + 1)) $TRAPS | grep -q '1701\\.0\\.4'" 5
traps=$(tail -c +$((size + 1)) "$TRAPS" | tr '\n\t' '  ')
tap_like "$traps" "OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.1701\.0\.1 .*1701\.1\.7\.1\.4\.$row = Hex-STRING: 0A 00 00 0D .*1701\.1\.7\.1\.7\.$row = INTEGER: 2" \
	"snmptrapd: tandemRealServerUp with 10.0.0.13 up"
tap_like "$traps" "OID: \.1\.3\.6\.1\.4\.1\.8072\.9999\.9999\.1701\.0\.4 " \
	"snmptrapd: tandemQuorumRegained"
tap_is "$(col 7)" "2 2 2 " "every check up(2) again"
tap_is "$(echo "$traps" | grep -o '1701\.0\.[12] ' | wc -l)" 1 \
	"one real-server notification for one change"
tap_done
