#!/bin/bash
# tandem-checkd beside a NAT director with three nginx real servers: a
# server stopped under a running wrk leaves scheduling within fall x
# interval with no client error beyond its own connections, returns after
# rise x interval; inhibit_on_failure (weight 0) against removal; alpha;
# tandemctl changes and a restarted director do not bring a down server
# back; tandemctl checks shows it all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"
. "$(dirname "$0")/lib_checkd.sh"

IV=0.3 TMO=0.3 RISE=2 FALL=2
CK="interval = $IV; timeout = $TMO; rise = $RISE; fall = $FALL; retries = 0;"
lab_nat_topology
td_start "director = { interfaces = [ \"eth0\", \"eth1\" ]; workers = 2;
             virtual_ipaddress = [ \"192.168.1.1/24\" ]; };
virtual_servers = (
  { address = \"10.0.0.100\"; port = 80; protocol = \"tcp\"; scheduler = \"rr\";
    method = \"nat\";
    real_servers = (
      { address = \"192.168.1.11\"; port = 80; inhibit_on_failure = true;
        check = { type = \"http\"; path = \"/\"; status = [ 200 ]; $CK }; },
      { address = \"192.168.1.12\"; port = 80;
        check = { type = \"http\"; path = \"/\"; $CK }; },
      { address = \"192.168.1.13\"; port = 80;
        check = { type = \"tcp\"; $CK }; } ); },
  { address = \"10.0.0.100\"; port = 8080; protocol = \"tcp\"; scheduler = \"rr\";
    method = \"nat\"; alpha = true;
    real_servers = (
      { address = \"192.168.1.11\"; port = 8080;
        check = { type = \"http\"; path = \"/hc.txt\"; $CK }; },
      { address = \"192.168.1.12\"; port = 8080;
        check = { type = \"http\"; path = \"/missing\"; $CK }; } ); } );" || exit 1

# alpha: before any check has run, the director leaves both out.
tap_is "$(rs_weight 192.168.1.11:8080) $(rs_weight 192.168.1.12:8080)" \
	"absent absent" "alpha: checked servers start out of the service"

HC8080="$LAB_TMP/nginx-rs1_8080-8080/www/hc.txt"
echo ok >"$HC8080"
hc_start || exit 1
wait_for '[ "$(hc_field 192.168.1.13:80 checks)" -ge 2 ]' 5
out=$(hc_ctl checks)
tap_like "$out" "TCP 10.0.0.100:80 +192.168.1.11:80 +http +up +ok .*status 200" \
	"tandemctl checks: the http check is up with its reason"
tap_like "$out" "192.168.1.13:80 +tcp +up +ok .*connected" \
	"tandemctl checks: the tcp check is up"
tap_like "$out" "192.168.1.12:8080 +http +down +failed .*status 404 not accepted" \
	"tandemctl checks: a 404 page is down with its status as the reason"
tap_is "$(hc_ctl checks --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["checks"]))')" \
	5 "tandemctl checks --json lists every check"
wait_for '[ "$(rs_weight 192.168.1.11:8080)" = 1 ]' 3
tap_is "$(rs_weight 192.168.1.11:8080) $(rs_weight 192.168.1.12:8080)" "1 absent" \
	"alpha: the passing server comes in after rise checks, the failing one never"

# --- a server stopped under wrk (inhibit_on_failure: weight 0) ---------------
stats() {	# RS:PORT -> "conns active" from the director's listings
	local c a
	c=$(td_ctl -L -n --stats --exact | awk -v rs="$1" '$1 == "->" && $2 == rs {print $3}')
	a=$(td_ctl -L -n | awk -v rs="$1" '$1 == "->" && $2 == rs {print $5}')
	echo "${c:-0} ${a:-0}"
}
nginx_pid() { cat "$LAB_TMP/nginx-$1-$2/nginx.pid"; }

lab_bg client wrk1 wrk -c 12 -t 2 -d 6s http://10.0.0.100/
WRK=$LAB_PID
sleep 1.5
read -r c0 a0 <<<"$(stats 192.168.1.11:80)"
t0=$EPOCHREALTIME
lab_stop "$(nginx_pid rs1 80)"
wait_for '[ "$(rs_weight 192.168.1.11:80)" = 0 ]' 5
took=$(elapsed_since "$t0")
limit=$(python3 -c "print($FALL * $IV + $TMO + 0.5)")
if le "$took" "$limit"; then
	tap_ok "a stopped server gets weight 0 in ${took}s (fall x interval + timeout: ${limit}s)"
else
	tap_fail "a stopped server gets weight 0 within ${limit}s" "took ${took}s" "$(td_ctl -L -n)"
fi
read -r c1 _ <<<"$(stats 192.168.1.11:80)"
sleep 1
read -r c2 _ <<<"$(stats 192.168.1.11:80)"
tap_is "$c2" "$c1" "no new connection goes to it once it is down"
wait "$WRK" 2>/dev/null
out=$(cat "$LAB_TMP/wrk1.log")
errs=$(printf '%s\n' "$out" | python3 -c '
import re, sys
t = sys.stdin.read()
n = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(n + (int(m.group(1)) if m else 0))')
own=$((c1 - c0 + a0))
reqs=$(printf '%s\n' "$out" | awk '/requests in/ {print $1}')
if [ -n "$reqs" ] && [ "$reqs" -gt 1000 ] && [ "$errs" -le "$own" ]; then
	tap_ok "wrk: $reqs requests, $errs errors, all on the stopped server's own $own connections"
else
	tap_fail "wrk errors only on the stopped server's connections" \
		"errors $errs, its connections $own ($a0 open + $((c1 - c0)) new)" "$out"
fi
out=$(lab_exec client wrk -c 12 -t 2 -d 3s http://10.0.0.100/ 2>&1)
wrk_clean "wrk while it is down: no errors" "$out"
tap_unlike() { if [[ "$1" =~ $2 ]]; then tap_fail "$3" "got: '$1'"; else tap_ok "$3"; fi; }
tap_unlike "$(curl_seq 6 http://10.0.0.100/)" "rs1" "curl never reaches the down server"
tap_like "$(hc_ctl checks)" "192.168.1.11:80 +http +down +failed .*connect: Connection refused" \
	"tandemctl checks gives the reason: connection refused"

# tandemctl -e on a down, inhibited server: remembered, not applied.
td_ctl -e -t 10.0.0.100:80 -r 192.168.1.11:80 -m -w 3
tap_is "$(rs_weight 192.168.1.11:80)" 0 "tandemctl -e -w 3 does not bring a down server back"

t0=$EPOCHREALTIME
lab_nginx rs1 192.168.1.11 80 rs1
wait_for '[ "$(rs_weight 192.168.1.11:80)" = 3 ]' 5
took=$(elapsed_since "$t0")
limit=$(python3 -c "print($RISE * $IV + 1.0)")
if [ "$(rs_weight 192.168.1.11:80)" = 3 ] && le "$took" "$limit"; then
	tap_ok "restarted, it returns with the weight tandemctl gave it in ${took}s"
else
	tap_fail "restarted, it returns within ${limit}s with weight 3" \
		"weight $(rs_weight 192.168.1.11:80) after ${took}s"
fi
tap_like "$(curl_seq 8 http://10.0.0.100/)" "rs1" "curl reaches it again"

# --- without inhibit_on_failure: removed, then added back --------------------
lab_stop "$(nginx_pid rs2 80)"
wait_for '[ "$(rs_weight 192.168.1.12:80)" = absent ]' 5
tap_is "$(rs_weight 192.168.1.12:80)" absent \
	"without inhibit_on_failure a down server leaves the listing"
td_ctl -a -t 10.0.0.100:80 -r 192.168.1.12:80 -m -w 1
tap_is "$(rs_weight 192.168.1.12:80)" absent "tandemctl -a does not bring it back while down"

# A director restarted meanwhile learns the truth from checkd.
lab_stop "$TD_PID"
td_start "$(cat "$LAB_TMP/director.conf")" || exit 1
wait_for '[ "$(rs_weight 192.168.1.12:80)" = absent ]' 3
tap_is "$(rs_weight 192.168.1.12:80) $(rs_weight 192.168.1.11:80)" "absent 1" \
	"a restarted director gets every state again from checkd"
wait_for '[ "$(hc_ctl checks --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"director\"])")" = True ]' 3
tap_is "$(hc_ctl checks --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["director"])')" \
	True "checkd is connected to the new director"

lab_nginx rs2 192.168.1.12 80 rs2
wait_for '[ "$(rs_weight 192.168.1.12:80)" = 1 ]' 5
tap_is "$(rs_weight 192.168.1.12:80)" 1 "back up, it is listed again with its weight"
out=$(lab_exec client wrk -c 12 -t 2 -d 2s http://10.0.0.100/ 2>&1)
wrk_clean "wrk with every server back" "$out"

# A server whose check fails while it still serves: removed, its
# established connection goes on to the end (IPVS's deleted destination).
lab_bg client big curl -s -m 20 --limit-rate 1M -o /dev/null -w '%{size_download}' \
	http://10.0.0.100:8080/big
BIG=$LAB_PID
wait_for '[ "$(stats 192.168.1.11:8080 | cut -d" " -f2)" -ge 1 ]' 5	# the download under way
rm -f "$HC8080"
wait_for '[ "$(rs_weight 192.168.1.11:8080)" = absent ]' 5
tap_is "$(rs_weight 192.168.1.11:8080)" absent "its check fails (404): the server leaves the 8080 service"
tap_is "$(lab_exec client curl -s -m 1 -o /dev/null -w '%{http_code}' http://10.0.0.100:8080/)" \
	000 "no new connection reaches it"
wait "$BIG" 2>/dev/null
tap_is "$(cat "$LAB_TMP/big.log")" 4194304 \
	"a download in flight on it finishes whole (4 MiB) after its removal"

kill -0 "$HC_PID" 2>/dev/null && tap_ok "tandem-checkd still runs" ||
	tap_fail "tandem-checkd still runs" "$(tail -20 "$LAB_TMP/checkd.log")"
tap_done
