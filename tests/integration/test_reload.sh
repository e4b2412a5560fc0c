#!/bin/bash
# Live reload under traffic, through tandemd and tandemctl reload (NAT lab,
# one director, no VRRP). While wrk runs with keep-alive, a reload adds one
# real server, removes another and changes a weight: zero wrk errors; the
# removed server is drained (weight 0 while its connections are open) and
# deleted once they end. A second wrk opening a new connection per request
# runs across a reload that changes the scheduler, persistence and the
# servers again: zero errors. A bad file is refused with its errors
# printed, and nothing changes. SIGHUP to tandemd does the same reload.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

VIP=10.0.0.100
RUN="$LAB_TMP/run"
TD_RUN=$RUN
CONF="$LAB_TMP/node.conf"

# write_conf SCHED PERSIST "RS_LINE..." : the node's config file.
write_conf() {
	cat >"$CONF.new" <<EOF
director = { interfaces = [ "eth0", "eth1" ]; workers = 2;
             virtual_ipaddress = [ "192.168.1.1/24" ]; };
virtual_servers = (
  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "$1";
    method = "nat"; persistence_timeout = $2;
    real_servers = ( $3 ); } );
EOF
	mv "$CONF.new" "$CONF"
}
rs() { echo "{ address = \"192.168.1.1$1\"; port = 80; weight = $2; }"; }

# table: "addr:port weight" of each real server in -L -n, sorted.
table() {
	td_ctl -L -n | awk '$1 == "->" && $2 ~ /^192/ {print $2, $4}' | sort | tr '\n' ' '
}

lab_nat_topology
write_conf wrr 0 "$(rs 1 1), $(rs 2 1)"
lab_bg director tandemd "$TD_BIN/tandemd" -f "$CONF" --run-dir "$RUN"
TND=$LAB_PID
wait_for 'td_ctl status | grep -q "^director .* ok"' 10 ||
	lab_die "tandemd: $(cat "$LAB_TMP/tandemd.log")"
sleep 0.5
tap_is "$(table)" "192.168.1.11:80 1 192.168.1.12:80 1 " "started with rs1 and rs2"

# --- keep-alive wrk across a reload that adds, removes and reweighs --------
lab_exec client wrk -c 20 -t 2 -d 10s "http://$VIP/" >"$LAB_TMP/wrk1" 2>&1 &
WRK=$!
sleep 3
write_conf wrr 0 "$(rs 2 3), $(rs 3 1)"
out=$(td_ctl reload 2>&1)
tap_like "$out" "director: reloaded: services \+0 -0 ~0, real servers \+1 -0 ~1, 1 draining" \
	"tandemctl reload: rs3 added, rs2 reweighed, rs1 draining"
tap_is "$(table)" "192.168.1.11:80 0 192.168.1.12:80 3 192.168.1.13:80 1 " \
	"rs1 stays at weight 0 while wrk's connections to it are open"
wait "$WRK"
wrk_clean "keep-alive wrk across the reload: zero errors" "$(cat "$LAB_TMP/wrk1")"
if wait_for '[ "$(table)" = "192.168.1.12:80 3 192.168.1.13:80 1 " ]' 10; then
	tap_ok "once wrk closed its connections, the drained rs1 is deleted"
else
	tap_fail "the drained rs1 is deleted" "$(td_ctl -L -n)"
fi
seq=$(curl_seq 8 "http://$VIP/")
if [[ "$seq" =~ ^((rs2|rs3)\ ){7}(rs2|rs3)$ ]] && [[ "$seq" == *rs2* ]] &&
    [[ "$seq" == *rs3* ]]; then
	tap_ok "new connections go to rs2 and the added rs3 only: $seq"
else
	tap_fail "new connections go to rs2 and rs3 only" "$seq" \
		"$(td_ctl status 2>&1 | grep -iE 'drop|conns|err' | head -20)"
fi

# --- a bad file changes nothing ---------------------------------------------
before=$(td_ctl -L -n)
before_t=$(table)
cat >"$CONF" <<EOF
director = { interfaces = [ "eth0", "eth1" ]; workers = 2; };
virtual_servers = (
  { address = "$VIP"; port = 80; protocol = "tcp"; scheduler = "quickest";
    real_servers = ( { address = "192.168.1.11"; weight = 70000; } ); } );
EOF
out=$(td_ctl reload 2>&1)
rc=$?
tap_is "$rc" 1 "tandemctl reload exits 1 on a bad file"
tap_like "$out" "$CONF:3: virtual_servers\[0\].scheduler: unknown scheduler \"quickest\"" \
	"the refusal prints FILE:LINE: KEY for the scheduler"
tap_like "$out" "$CONF:4: virtual_servers\[0\].real_servers\[0\].weight: 70000 is out of range" \
	"and for the weight"
tap_like "$out" "nothing changed" "and says nothing changed"
tap_is "$(td_ctl -L -n)" "$before" "the running table is unchanged"
tap_like "$(cat "$LAB_TMP/tandemd.log")" "reload: .*:3: virtual_servers\[0\].scheduler" \
	"tandemd logs the errors"
tap_like "$(td_ctl status)" "1 reload\(s\), 1 refused" "tandemctl status counts the refused reload"
# The bad file is still saved: a director that dies now comes back on the
# last good copy tandemd keeps, not on the broken file.
dpid=$(td_ctl status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tandemd"]["daemons"][0]["pid"])')
kill -KILL "$dpid"
if wait_for 'td_ctl status | grep -q "^director .* running .* 1 .* ok"' 10 &&
    [ "$(table)" = "$before_t" ] && [ -n "$before_t" ]; then
	tap_ok "a director killed while the file is broken restarts on the last good copy"
else
	tap_fail "restart on the last good copy" "$(td_ctl status 2>&1)" "$(td_ctl -L -n 2>&1)"
fi

# --- new connection per request across a reload (SIGHUP) -------------------
write_conf wrr 0 "$(rs 2 3), $(rs 3 1)"
lab_exec client wrk -c 10 -t 2 -d 8s -H 'Connection: close' "http://$VIP/" \
	>"$LAB_TMP/wrk2" 2>&1 &
WRK=$!
sleep 2
write_conf wlc 30 "$(rs 1 2), $(rs 3 1)"
kill -HUP "$TND"
if wait_for '[ "$(td_ctl -L -n | awk "\$1 == \"TCP\" {print \$3, \$4, \$5}")" = "wlc persistent 30" ]' 5; then
	tap_ok "SIGHUP to tandemd: scheduler wrr -> wlc and persistence 30 s applied live"
else
	tap_fail "SIGHUP reload of scheduler and persistence" "$(td_ctl -L -n)" \
		"$(tail -5 "$LAB_TMP/tandemd.log")"
fi
tap_like "$(table)" "^192.168.1.11:80 2 (192.168.1.12:80 0 )?192.168.1.13:80 1 $" \
	"rs1 back with weight 2, rs2 drained"
wait "$WRK"
wrk_clean "new-connection wrk across the SIGHUP reload: zero errors" "$(cat "$LAB_TMP/wrk2")"
tap_like "$(cat "$LAB_TMP/tandemd.log")" "reload: services \+0 -0 ~1, real servers \+1 -[01] ~0, [01] draining" \
	"the director logs what the SIGHUP reload changed"

# --- health state from tandem-checkd survives a reload ---------------------
CK='interval = 0.3; timeout = 0.3; rise = 1; fall = 1; retries = 0;'
ck() { echo "check = { type = \"http\"; path = \"$1\"; $CK };"; }
rsc() { echo "{ address = \"192.168.1.1$1\"; port = 80; weight = $2; $3 $(ck "$4") }"; }
write_conf wlc 0 "$(rsc 1 2 "" /), $(rsc 2 3 "inhibit_on_failure = true;" /missing), $(rsc 3 1 "" /missing)"
out=$(td_ctl reload 2>&1)
tap_like "$out" "checkd: started with the new file" "a reload that adds checks starts tandem-checkd"
if wait_for '[ "$(table)" = "192.168.1.11:80 2 192.168.1.12:80 0 " ]' 10; then
	tap_ok "checkd: rs2 down (inhibit: weight 0), rs3 down (out of the service)"
else
	tap_fail "checkd takes rs2 and rs3 down" "$(table)" "$(tail -5 "$LAB_TMP/tandemd.log")"
fi
write_conf wlc 0 "$(rsc 1 4 "" /), $(rsc 2 5 "inhibit_on_failure = true;" /missing), $(rsc 3 1 "" /missing)"
out=$(td_ctl reload 2>&1)
tap_like "$out" "checkd: SIGHUP sent" "tandemctl reload: checkd gets SIGHUP"
tap_is "$(table)" "192.168.1.11:80 4 192.168.1.12:80 0 " \
	"a reload changing weights: rs1 gets 4, the down rs2 stays at 0 and rs3 stays out"
write_conf wlc 0 "$(rsc 1 4 "" /), $(rsc 2 5 "inhibit_on_failure = true;" /), $(rsc 3 1 "" /missing)"
td_ctl reload >/dev/null 2>&1
if wait_for '[ "$(table)" = "192.168.1.11:80 4 192.168.1.12:80 5 " ]' 10; then
	tap_ok "rs2's check fixed by a reload: back with the weight the file gave it while down (5)"
else
	tap_fail "rs2 back with weight 5" "$(table)" "$(tail -8 "$LAB_TMP/tandemd.log")"
fi

# --- services added and removed ---------------------------------------------
cat >"$CONF" <<EOF
director = { interfaces = [ "eth0", "eth1" ]; workers = 2;
             virtual_ipaddress = [ "192.168.1.1/24" ]; };
virtual_servers = (
  { address = "$VIP"; port = 8080; protocol = "tcp"; scheduler = "rr";
    method = "nat";
    real_servers = ( { address = "192.168.1.11"; port = 8080; } ); } );
EOF
out=$(td_ctl reload 2>&1)
tap_like "$out" "services \+1 -1 ~0" "a reload replacing VIP:80 by VIP:8080"
st=$(td_ctl status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)["tandemd"]["daemons"]
print([x["state"] for x in d if x["name"] == "checkd"][0])')
if [ "$st" = off ] && grep -q "tandem-checkd is no longer wanted by the config: stopping it" "$LAB_TMP/tandemd.log"; then
	tap_ok "the file has no check any more: tandemd stops tandem-checkd"
else
	tap_fail "tandemd stops tandem-checkd" "state: $st" "$(tail -5 "$LAB_TMP/tandemd.log")"
fi
tap_is "$(lab_exec client curl -s -m 3 "http://$VIP:8080/")" "rs1:8080" \
	"the new service answers"
tap_like "$(lab_exec client curl -s -m 2 "http://$VIP/" 2>&1; echo "rc=$?")" "rc=(7|28)" \
	"the removed service no longer does"
td_alive() { td_ctl status >/dev/null 2>&1; }
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
