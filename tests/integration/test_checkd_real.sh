#!/bin/bash
# The smtp and dns checks of tandem-checkd against real Debian servers in
# their own namespaces: dnsmasq (its own config only, no system files) and
# OpenSMTPD (in a private mount namespace whose /run and /var/spool are
# tmpfs, so its control socket and queue never touch the host). Each check
# is up on a healthy server, down with the reason a user would read when
# the answer differs or the server is stopped, and up again on restart.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"
. "$(dirname "$0")/lib_checkd.sh"

command -v dnsmasq >/dev/null || lab_die "dnsmasq is not installed (scripts/deps.sh)"
command -v smtpd >/dev/null || lab_die "smtpd (opensmtpd) is not installed (scripts/deps.sh)"

lab_bridge ext
lab_ns director
lab_link director eth0 ext 10.0.0.10/24
lab_ns dns
lab_link dns eth0 ext 10.0.0.53/24
lab_ns mx
lab_link mx eth0 ext 10.0.0.25/24
# Every closed-port probe gets its ICMP port unreachable, however often the
# checks ask (the kernel's default limits them to about one a second).
lab_sysctl dns net.ipv4.icmp_ratelimit=0
TD_RUN="$LAB_TMP/run"

# dnsmasq answers www.lab.test and mail.lab.test (A only) from its command
# line; lab.test is local to it (other names NXDOMAIN, never forwarded).
DNS_PIDFILE="$LAB_TMP/dnsmasq.pid"
dns_start() {
	lab_bg dns dnsmasq dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
		--address=/www.lab.test/10.0.0.99 --host-record=mail.lab.test,10.0.0.97 --local=/lab.test/ \
		--listen-address=10.0.0.53 \
		--bind-interfaces --port=53 --pid-file="$DNS_PIDFILE" --log-queries \
		--log-facility=-
	DNS_PID=$LAB_PID
	wait_for "lab_exec dns ss -Hlun 'sport = :53' | grep -q 10.0.0.53" 5 ||
		lab_die "dnsmasq did not start: $(cat "$LAB_TMP/dnsmasq.log")"
}

# smtpd -d stays in the foreground; its /run (control socket) and
# /var/spool (queue) are private tmpfs mounts that go with it.
cat >"$LAB_TMP/smtpd.conf" <<EOF
listen on 10.0.0.25 port 25 hostname mx.lab.test
match from any for any reject
EOF
smtpd -n -f "$LAB_TMP/smtpd.conf" >/dev/null 2>&1 ||
	lab_die "smtpd refuses its config: $(smtpd -n -f "$LAB_TMP/smtpd.conf" 2>&1)"
smtp_start() {
	lab_bg mx smtpd unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0755 tmpfs /run &&
		 mount -t tmpfs -o mode=0755 tmpfs /var/spool &&
		 exec smtpd -d -f "$1"' smtpd "$LAB_TMP/smtpd.conf"
	SMTP_PID=$LAB_PID
	wait_for "lab_exec mx ss -Hltn 'sport = :25' | grep -q 10.0.0.25" 10 ||
		lab_die "smtpd did not start: $(cat "$LAB_TMP/smtpd.log")"
}
dns_start
smtp_start

F="interval = 0.3; timeout = 0.5; rise = 1; fall = 1; retries = 0;"
rs() { echo "{ address = \"$1\"; port = $2; check = { $3 $F }; },"; }
cat >"$LAB_TMP/checkd.conf" <<EOF
director = { interfaces = [ "lo" ]; };
virtual_servers = (
  { address = "10.0.0.100"; port = 25; method = "dr";
    real_servers = (
      { address = "10.0.0.25"; port = 25; check = { type = "smtp";
        helo_name = "checker.lab.test"; $F }; } ); },
  { address = "10.0.0.100"; port = 53; protocol = "udp"; method = "dr";
    real_servers = (
      $(rs 10.0.0.53 53 'type = "dns"; query_name = "www.lab.test"; query_type = "A"; expect = "10.0.0.99";')
      $(rs 10.0.0.54 53 'type = "dns"; connect_ip = "10.0.0.53"; query_name = "www.lab.test"; query_type = "A"; expect = "10.0.0.98";')
      $(rs 10.0.0.55 53 'type = "dns"; connect_ip = "10.0.0.53"; query_name = "mail.lab.test"; query_type = "AAAA";')
      { address = "10.0.0.56"; port = 53; check = { type = "dns"; connect_ip = "10.0.0.53";
        query_name = "other.lab.test"; query_type = "A"; $F }; } ); } );
EOF
hc_start "$LAB_TMP/checkd.conf" || exit 1

# --- DNS: dnsmasq --------------------------------------------------------
hc_expect 10.0.0.53:53 up "^1 answer" "dns: dnsmasq answers www.lab.test A with 10.0.0.99: up"
hc_expect 10.0.0.54:53 down "^the expected address is not answered$" \
	"dns: an expected address dnsmasq does not answer (10.0.0.98): down"
hc_expect 10.0.0.55:53 down "^no answer of the asked type$" \
	"dns: AAAA for mail.lab.test, which dnsmasq holds only an A for: down"
hc_expect 10.0.0.56:53 down "^rcode NXDOMAIN$" \
	"dns: a lab.test name dnsmasq does not hold: down with its rcode"
tap_like "$(cat "$LAB_TMP/dnsmasq.log")" "query\[A\] www\.lab\.test from 10\.0\.0\.10" \
	"dnsmasq logged the checker's query for www.lab.test from 10.0.0.10"
lab_stop "$DNS_PID"
hc_expect 10.0.0.53:53 down "^port unreachable$" "dns: dnsmasq stopped: down, port unreachable"
dns_start
hc_expect 10.0.0.53:53 up "^1 answer" "dns: dnsmasq started again: up"

# --- SMTP: OpenSMTPD -----------------------------------------------------
hc_expect 10.0.0.25:25 up "^greeting 220, HELO 250$" "smtp: OpenSMTPD greets with 220 and answers HELO with 250: up"
tap_like "$(cat "$LAB_TMP/smtpd.log")" "smtp connected address=10\.0\.0\.10 " \
	"OpenSMTPD logged the checker's connection from 10.0.0.10"
lab_stop "$SMTP_PID"
hc_expect 10.0.0.25:25 down "^connect: Connection refused$" "smtp: OpenSMTPD stopped: down, connection refused"
smtp_start
hc_expect 10.0.0.25:25 up "^greeting 220, HELO 250$" "smtp: OpenSMTPD started again: up"

kill -0 "$HC_PID" 2>/dev/null && tap_ok "tandem-checkd still runs" ||
	tap_fail "tandem-checkd still runs" "$(tail -20 "$LAB_TMP/checkd.log")"
tap_done
