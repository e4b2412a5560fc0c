#!/bin/bash
# Every check type of tandem-checkd against real peers in a namespace:
# nginx (HTTP status and body digest that change, HTTPS with a self-signed
# certificate made here, verified or not), SMTP, DNS and UDP peers, ICMP,
# MISC scripts (run as nobody, a hanging one killed with its process group
# at its timeout, a dynamic weight); and servers that accept but never
# answer, send an endless body, or reset: each down with its reason,
# without stalling the other checks or growing the checker.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"
. "$(dirname "$0")/lib_checkd.sh"

lab_ns director
TD_RUN="$LAB_TMP/run"
W="$LAB_TMP/work"
mkdir -p "$W" && chmod 0777 "$W"

# A self-signed certificate for www.test, made now.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=www.test \
	-addext subjectAltName=DNS:www.test -keyout "$W/key.pem" \
	-out "$W/cert.pem" >/dev/null 2>&1 || lab_die "openssl cannot make a certificate"
LAB_NGINX_EXTRA="listen 8443 ssl; ssl_certificate $W/cert.pem;
    ssl_certificate_key $W/key.pem;
    location = /health { if (-f \$document_root/fail) { return 500 \"fail\\n\"; } return 200 \"ok\\n\"; }"
lab_nginx director "*,::1" 80 web
unset LAB_NGINX_EXTRA
WWW="$LAB_TMP/nginx-web-80/www"
echo v1 >"$WWW/page.html"
md5=$(md5sum "$WWW/page.html" | cut -d' ' -f1)

lab_bg director peer python3 "$LAB_ROOT/tests/tools/hc_peer.py" 127.0.0.1 \
	hang:9001 endless:9002 reset:9003 smtp:2525 dns:5353 udp:9999
wait_for "grep -q ready $LAB_TMP/peer.log" 5 || lab_die "hc_peer did not start"

printf '#!/bin/sh\nsleep 31 & exec sleep 32\n' >"$W/hang.sh"
# The script runs every 0.3 s: it writes aside and renames, so that a
# reader never sees the file truncated and not yet written.
printf '#!/bin/sh\nid -u >%s/uid.$$ && mv %s/uid.$$ %s/uid\n' "$W" "$W" "$W" >"$W/whoami.sh"
chmod 0755 "$W/hang.sh" "$W/whoami.sh"

F="interval = 0.3; timeout = 0.5; rise = 1; fall = 1; retries = 0;"
rs() { echo "{ address = \"$1\"; port = $2; check = { $3 $F }; },"; }
cat >"$LAB_TMP/checkd.conf" <<EOF
director = { interfaces = [ "lo" ]; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; method = "nat"; quorum = 1;
    real_servers = (
      $(rs 127.0.0.11 80 'type = "http"; path = "/health"; status = [ 200 ];')
      $(rs 127.0.0.12 80 "type = \"http\"; path = \"/page.html\"; digest = \"$md5\"; regex = \"^v[0-9]\";")
      $(rs 127.0.0.13 8443 'type = "https"; path = "/";')
      $(rs 127.0.0.14 8443 "type = \"https\"; sni = \"www.test\"; tls_verify = true; ca_file = \"$W/cert.pem\";")
      $(rs 127.0.0.15 8443 "type = \"https\"; sni = \"other.test\"; tls_verify = true; ca_file = \"$W/cert.pem\";")
      $(rs 127.0.0.1 9001 'type = "http";')
      $(rs 127.0.0.1 9002 'type = "http"; max_response = 65536;')
      $(rs 127.0.0.1 9003 'type = "http";')
      $(rs 127.0.0.1 2525 'type = "smtp"; helo_name = "checker.test";')
      $(rs 127.0.0.1 5353 'type = "dns"; query_name = "www.test"; query_type = "A"; expect = "10.0.0.5";')
      $(rs 127.0.0.2 5353 'type = "dns"; connect_ip = "127.0.0.1"; query_name = "www.test"; query_type = "A"; expect = "10.0.0.6";')
      $(rs 127.0.0.1 9999 'type = "udp"; payload = "ping"; expect = "^pong:ping$";')
      $(rs 127.0.0.1 9998 'type = "udp"; payload = "ping";')
      { address = "127.0.0.21"; port = 80; check = { type = "misc"; script = "$W/hang.sh";
        interval = 60; timeout = 0.5; retries = 0; }; },
      $(rs 127.0.0.22 80 'type = "misc"; script = "exit 7"; misc_dynamic = true;')
      $(rs 127.0.0.23 80 "type = \"misc\"; script = \"$W/whoami.sh\";")
      $(rs 127.0.0.24 80 'type = "tcp";')
      $(rs 127.0.0.26 80 'type = "http"; bindto = "127.0.0.9";')
      $(rs 127.0.0.27 80 'type = "tcp"; bindto = "10.99.99.99";')
      { address = "127.0.0.25"; port = 80; check = { type = "icmp"; $F }; } ); },
  { address = "fd00::100"; port = 80; method = "nat";
    real_servers = (
      $(rs ::1 80 'type = "http"; path = "/";')
      { address = "::1"; port = 81; check = { type = "icmp"; $F }; } ); } );
EOF
hc_start "$LAB_TMP/checkd.conf" || exit 1
sleep 2.5

hc_expect 127.0.0.11:80 up "^status 200$" "http: a 200 page is up"
hc_expect 127.0.0.12:80 up "^status 200$" "http: the body digest and regex match"
hc_expect 127.0.0.13:8443 up "^status 200$" "https: self-signed, not verified, is up"
hc_expect 127.0.0.14:8443 up "^status 200$" "https: verified against its CA file with SNI www.test"
hc_expect 127.0.0.15:8443 down "^TLS: .*certificate verify failed" "https: a name the certificate does not hold is down"
hc_expect 127.0.0.1:9001 down "^timeout after 0.5s waiting for the response$" \
	"a server that accepts and never answers is down at the timeout"
hc_expect 127.0.0.1:9002 down "^response larger than 65536 bytes$" \
	"a server that sends an endless body is down at max_response"
hc_expect 127.0.0.1:9003 down "^read: Connection reset by peer$" "a server that resets is down"
hc_expect 127.0.0.1:2525 up "^greeting 220, HELO 250$" "smtp: a multi-line greeting and HELO"
hc_expect 127.0.0.1:5353 up "^1 answer" "dns: the A answer holds the expected address"
hc_expect 127.0.0.2:5353 down "^the expected address is not answered$" \
	"dns (connect_ip): an answer without the expected address is down"
hc_expect 127.0.0.1:9999 up "^reply of 9 bytes$" "udp: the reply matches the expect pattern"
hc_expect 127.0.0.1:9998 down "^port unreachable$" "udp: a closed port is down at once"
hc_expect 127.0.0.21:80 down "^timeout after 0.5s: process group killed$" "misc: a hanging script is down at its timeout"
left=$(for p in $(ip netns pids "$LAB-director"); do tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null; echo; done | grep -c "^sleep 3[12]")
tap_is "$left" 0 "misc: the script's whole process group is gone (its background child too)"
hc_expect 127.0.0.22:80 up "^exit 7: weight 5$" "misc_dynamic: exit 7 is up with weight 5"
tap_is "$(hc_field 127.0.0.22:80 weight)" 5 "misc_dynamic: the weight is 5"
tap_is "$(cat "$W/uid" 2>/dev/null)" "$(id -u nobody)" "misc scripts run as nobody"
hc_expect 127.0.0.25:80 up "^echo reply$" "icmp: echo reply"
hc_expect 127.0.0.26:80 up "^status 200$" "http from a chosen source address (bindto)"
tap_like "$(cat "$LAB_TMP"/nginx-web-80/access.log)" "127\.0\.0\.9:[0-9]+ 127\.0\.0\.26:80 \"GET / " \
	"nginx saw that check come from 127.0.0.9"
hc_expect 127.0.0.27:80 down "^bind to the source address: Cannot assign requested address$" \
	"a source address the host does not have: down with the reason"
hc_expect ::1:80 up "^status 200$" "http over IPv6"
hc_expect ::1:81 up "^echo reply$" "icmpv6: echo reply"

# Status and body that change under the check.
touch "$WWW/fail"
hc_expect 127.0.0.11:80 down "^status 500 not accepted$" "http: the page now returns 500: down"
rm -f "$WWW/fail"
hc_expect 127.0.0.11:80 up "^status 200$" "http: 200 again: up"
# The checker fetches the page every 0.3 s: each version is written aside
# and renamed, so that nginx never serves it truncated and not yet written.
page() { echo "$1" >"$WWW/page.new" && mv "$WWW/page.new" "$WWW/page.html"; }
page v2
hc_expect 127.0.0.12:80 down "^body digest [0-9a-f]{32}, expected $md5$" "http: the page's content changed: down with both digests"
page v1
hc_expect 127.0.0.12:80 up "^status 200$" "http: the old content back: up"

# Nothing stalls, nothing grows, with bad servers checked every 0.3 s.
rss() { awk '/^VmRSS/ {print $2}' "/proc/$HC_PID/status"; }
fds() { ls "/proc/$HC_PID/fd" | wc -l; }
r0=$(rss) f0=$(fds) n0=$(hc_field 127.0.0.24:80 checks) t0=$EPOCHREALTIME
sleep 6
r1=$(rss) f1=$(fds) n1=$(hc_field 127.0.0.24:80 checks)
secs=$(elapsed_since "$t0")
want=$(python3 -c "print(int($secs / 0.3 * 0.9))")
# A check stalled by the bad ones would run far less often. How late each
# start is (checkd's "missed", later than 50 ms) is speed, and a busy
# machine moves it: reported, not asserted.
if [ $((n1 - n0)) -ge "$want" ]; then
	tap_ok "a healthy check beside them ran $((n1 - n0)) times in ${secs}s ($(hc_field 127.0.0.24:80 missed) started late)"
else
	tap_fail "a healthy check keeps its interval" "$((n1 - n0)) checks in ${secs}s (want >= $want)," \
		"missed $(hc_field 127.0.0.24:80 missed)"
fi
if [ $((r1 - r0)) -lt 2048 ] && [ $((f1 - f0)) -le 4 ]; then
	tap_ok "memory and descriptors stay flat (RSS ${r0} -> ${r1} kB, fds $f0 -> $f1)"
else
	tap_fail "memory and descriptors stay flat" "RSS ${r0} -> ${r1} kB, fds $f0 -> $f1"
fi
kill -0 "$HC_PID" 2>/dev/null && tap_ok "tandem-checkd still runs" ||
	tap_fail "tandem-checkd still runs" "$(tail -20 "$LAB_TMP/checkd.log")"
tap_done
