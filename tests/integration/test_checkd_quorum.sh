#!/bin/bash
# Quorum with tandem-checkd, the director and tandem-vrrpd (DR lab): losing
# the quorum puts the sorry server in (and the remaining real servers out,
# as keepalived does), lowers the VRRP priority through track_checks and
# runs the notify scripts; regaining it undoes all of that. Then SIGHUP:
# an unchanged check keeps its state and counters, a changed one follows
# its new definition.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"
. "$(dirname "$0")/lib_checkd.sh"

lab_dr_topology
N="$LAB_TMP/notify"
mkdir -p "$N"
printf '#!/bin/sh\necho "$0 $*" >>%s/log\n' "$N" >"$N/note.sh"
chmod 0755 "$N/note.sh"
CK='interval = 0.3; timeout = 0.3; rise = 2; fall = 2; retries = 0;'
conf() {	# PATH_OF_RS1
	cat <<-EOF
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = (
	  { address = "$LAB_VIP"; port = 80; protocol = "tcp"; scheduler = "rr";
	    method = "dr"; name = "web"; quorum = 2; hysteresis = 0;
	    quorum_up = "$N/note.sh quorum"; quorum_down = "$N/note.sh quorum";
	    sorry_server = { address = "10.0.0.13"; };
	    real_servers = (
	      { address = "10.0.0.11"; notify_down = "$N/note.sh rs";
	        check = { type = "http"; path = "$1"; $CK }; },
	      { address = "10.0.0.12";
	        check = { type = "tcp"; $CK }; } ); } );
	vrrp = { instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = 150; advert_int = 0.1; virtual_ipaddress = [ "$LAB_VIP/24" ];
	    track_checks = ( { name = "web"; weight = -60; } ); } ); };
	EOF
}
td_start "$(conf /)" || exit 1
lab_bg director vrrpd "$TD_BIN/tandem-vrrpd" -f "$LAB_TMP/director.conf" --run-dir "$TD_RUN"
hc_start || exit 1

vrrp() {	# KEY of instance ext in tandemctl vrrp --json
	td_ctl vrrp --json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["instances"][0][sys.argv[1]] if d["instances"] else "missing")' "$1"
}
wait_for '[ "$(vrrp state)" = MASTER ]' 5
wait_for 'lab_exec client curl -sf -m 1 http://10.0.0.100/' 5
wait_for '[ "$(vrrp effective_priority)" = 150 ]' 3
tap_is "$(vrrp state) $(vrrp effective_priority)" "MASTER 150" \
	"vrrpd tracks the quorum as up: full priority"
tap_is "$(curl_seq 4 http://10.0.0.100/ | tr ' ' '\n' | sort -u | tr '\n' ' ')" "rs1 rs2 " \
	"with the quorum the service uses its real servers"
tap_is "$(rs_weight 10.0.0.13:80)" absent "the sorry server is out"

lab_stop "$(cat "$LAB_TMP/nginx-rs1-80/nginx.pid")"
wait_for '[ "$(rs_weight 10.0.0.13:80)" = 1 ]' 5
tap_is "$(rs_weight 10.0.0.13:80) $(rs_weight 10.0.0.11:80) $(rs_weight 10.0.0.12:80)" \
	"1 absent absent" "quorum lost: the sorry server in, the real servers out"
tap_is "$(curl_seq 4 http://10.0.0.100/)" "rs3 rs3 rs3 rs3" "clients get the sorry server"
wait_for '[ "$(vrrp effective_priority)" = 90 ]' 3
tap_is "$(vrrp effective_priority)" 90 "vrrpd lowers the priority by the tracked weight"
tap_like "$(hc_ctl checks)" "Quorum TCP 10.0.0.100:80 web: lost \(weight 1 of 2, hysteresis 0\), sorry server in" \
	"tandemctl checks shows the lost quorum"
wait_for "grep -q 'quorum DOWN' $N/log && grep -q 'rs DOWN' $N/log" 3
# Both scripts run at once: their lines may come in either order.
tap_is "$(sed 's|.*/note.sh ||' "$N/log" 2>/dev/null | sort | tr '\n' ';')" \
	"quorum DOWN TCP 10.0.0.100:80;rs DOWN 10.0.0.11:80;" \
	"notify_down and quorum_down ran with what and who"

lab_nginx rs1 "10.0.0.11,$LAB_VIP" 80 rs1
wait_for '[ "$(rs_weight 10.0.0.13:80)" = absent ]' 5
tap_is "$(rs_weight 10.0.0.13:80) $(rs_weight 10.0.0.11:80) $(rs_weight 10.0.0.12:80)" \
	"absent 1 1" "quorum regained: the real servers back, the sorry server out"
tap_is "$(curl_seq 4 http://10.0.0.100/ | tr ' ' '\n' | sort -u | tr '\n' ' ')" "rs1 rs2 " \
	"clients get the real servers again"
wait_for '[ "$(vrrp effective_priority)" = 150 ]' 3
tap_is "$(vrrp effective_priority)" 150 "vrrpd's priority is back"
wait_for "grep -q 'quorum UP' $N/log" 3
tap_like "$(cat "$N/log")" "note.sh quorum UP TCP 10.0.0.100:80" "quorum_up ran"

# SIGHUP with the same config: nothing flaps, counters go on.
n0=$(hc_field 10.0.0.12:80 checks) c0=$(hc_field 10.0.0.12:80 changes)
kill -HUP "$HC_PID"
sleep 1	# no flap meanwhile
wait_for "[ \"\$(hc_field 10.0.0.12:80 checks)\" -gt $n0 ]" 5
tap_is "$(hc_field 10.0.0.12:80 state) $(hc_field 10.0.0.12:80 changes)" "up $c0" \
	"reload: an unchanged check keeps its state"
n1=$(hc_field 10.0.0.12:80 checks)
[ "$n1" -gt "$n0" ] && tap_ok "reload: its counters go on ($n0 -> $n1)" ||
	tap_fail "reload: its counters go on" "$n0 -> $n1"
# SIGHUP with rs1's check changed to a missing page: it goes down alone.
conf /missing >"$LAB_TMP/director.conf"
kill -HUP "$HC_PID"
wait_for '[ "$(hc_field 10.0.0.11:80 state)" = down ]' 3
tap_is "$(hc_field 10.0.0.11:80 state) $(hc_field 10.0.0.11:80 reason) / $(hc_field 10.0.0.12:80 state)" \
	"down status 404 not accepted / up" "reload: the changed check follows its new path"
tap_like "$(cat "$LAB_TMP/checkd.log")" "reloaded: 2 check\(s\) on 1 virtual server" "checkd logs the reload"
kill -0 "$HC_PID" 2>/dev/null && tap_ok "tandem-checkd still runs" ||
	tap_fail "tandem-checkd still runs" "$(tail -20 "$LAB_TMP/checkd.log")"
tap_done
