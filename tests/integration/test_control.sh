#!/bin/bash
# The director's control side: the own/release messages tandem-vrrpd sends
# (ARP answers and forwarding follow them), config checking with -t, and
# tandemctl's ipvsadm behaviour: errors, -S and -R, --set and --timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_dr_topology

# -t: a good file passes, a bad one names the file, line and key.
printf '%s\n' 'director = { interfaces = [ "eth0" ]; };' \
	'virtual_servers = ( { address = "10.0.0.100"; port = 80; protocol = "tcp";' \
	'  real_servers = ( { address = "10.0.0.11"; weight = 70000; } ); } );' \
	>"$LAB_TMP/bad.conf"
out=$("$TD_BIN/tandem-director" -t -f "$LAB_TMP/bad.conf" 2>&1)
rc=$?
tap_is "$rc" 1 "tandem-director -t exits 1 on a bad config"
tap_like "$out" "bad.conf:3: virtual_servers\[0\]\.real_servers\[0\]\.weight: .*70000" \
	"the error names file, line and key"

# With a vrrp section the director owns nothing until told to.
td_start 'director = { interfaces = [ "eth0" ]; workers = 1; };
vrrp = { instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
  priority = 100; virtual_ipaddress = [ "10.0.0.100/24" ]; } ); };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; } ); } );' || exit 1
ctl() { lab_exec director python3 "$LAB_ROOT/tests/tools/ctlsend.py" "$TD_RUN/director.sock" "$1"; }

if lab_exec client curl -s -m 2 http://10.0.0.100/ >/dev/null; then
	tap_fail "a backup director neither answers ARP nor forwards"
else
	tap_ok "a backup director neither answers ARP nor forwards"
fi
tap_like "$(ctl '{"cmd": "own", "instance": "ext", "vrid": 51, "interface": "eth0", "vips": ["10.0.0.100/24"]}')" \
	'"ok": true' "own is accepted"
# (The order may be shifted by the earlier attempt's SYN, which the client
# sends once it learns the MAC.)
tap_is "$(curl_seq 2 http://10.0.0.100/ | tr ' ' '\n' | sort | tr '\n' ' ')" "rs1 rs2 " \
	"after own the VIP answers and forwards to both real servers"
tap_like "$(lab_exec client ip neigh show 10.0.0.100)" "00:00:5e:00:01:33" \
	"the client learned the virtual MAC of VRID 51 (gratuitous ARP or reply)"
tap_like "$(td_ctl status)" "ext vrid=51 interface=eth0 vips=10.0.0.100" \
	"tandemctl status lists the owned instance"
tap_cmd "an owned VIP answers ping (accept mode by default)" \
	lab_exec client ping -c 1 -W 2 10.0.0.100
ctl '{"cmd": "own", "instance": "ext", "vrid": 51, "interface": "eth0", "vips": ["10.0.0.100/24"], "accept": false}' >/dev/null
if lab_exec client ping -c 1 -W 1 10.0.0.100 >/dev/null 2>&1; then
	tap_fail "without accept mode the VIP does not answer ping (RFC 5798)"
else
	tap_ok "without accept mode the VIP does not answer ping (RFC 5798)"
fi
tap_like "$(lab_exec client curl -s -m 2 http://10.0.0.100/)" "^rs[12]$" \
	"without accept mode the services are still forwarded"
tap_like "$(ctl '{"cmd": "release", "instance": "ext"}')" '"ok": true' "release is accepted"
if lab_exec client curl -s -m 2 http://10.0.0.100/ >/dev/null; then
	tap_fail "after release nothing is forwarded"
else
	tap_ok "after release nothing is forwarded"
fi
tap_like "$(ctl '{"cmd": "own", "instance": "x", "vrid": 0, "interface": "eth0", "vips": []}')" \
	'"error": "bad or missing vrid"' "a bad own is refused with a reason"
tap_like "$(ctl '{"cmd": "own", "instance": "x", "vrid": 9, "interface": "nope", "vips": []}')" \
	'"error": "unknown interface"' "own of an unknown interface is refused"

# A lease: what tandem-vrrpd owns lapses when it stops renewing (a dead or
# frozen vrrpd must not leave two directors answering for a VIP).
tap_like "$(ctl '{"cmd": "own", "instance": "ext", "vrid": 51, "interface": "eth0", "vips": ["10.0.0.100/24"], "lease_ms": 2000}')" \
	'"ok": true' "own with a lease is accepted"
for i in 1 2 3 4 5 6; do		# three seconds of renewing polls
	ctl '{"cmd": "status", "renew_ms": 2000}' >/dev/null
	sleep 0.5
done
tap_like "$(td_ctl status)" "ext vrid=51" "renewed, the lease holds past its length"
if wait_for "! td_ctl status | grep -q 'ext vrid=51'" 5; then
	tap_ok "without renewals the lease runs out and the instance is released"
else
	tap_fail "without renewals the lease runs out and the instance is released"
fi
tap_like "$(cat "$LAB_TMP/director.log")" "lease of ext ran out" "the director says why"

# ipvsadm behaviour of tandemctl.
out=$(td_ctl -D -t 10.0.0.200:80 2>&1)
tap_like "$out" "Service not defined" "deleting an unknown service says so, as ipvsadm"
out=$(td_ctl -a -t 10.0.0.100:80 -r 10.0.0.11 2>&1)
tap_like "$out" "Destination already exists" "adding a real server twice says so"
saved=$(td_ctl -S -n)
tap_is "$saved" "-A -t 10.0.0.100:80 -s rr
-a -t 10.0.0.100:80 -r 10.0.0.11:80 -g -w 1
-a -t 10.0.0.100:80 -r 10.0.0.12:80 -g -w 1" "-S -n prints the rules as ipvsadm"
td_ctl -C
tap_is "$(td_ctl -S -n)" "" "-C clears every service"
printf '%s\n' "$saved" | td_ctl -R
tap_is "$(td_ctl -S -n)" "$saved" "-R restores what -S saved"
td_ctl --set 1000 100 200
tap_is "$(td_ctl -L --timeout)" "Timeout (tcp tcpfin udp): 1000 100 200" \
	"--set changes the timeouts --timeout shows"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
