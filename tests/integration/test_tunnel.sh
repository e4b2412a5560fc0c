#!/bin/bash
# Tunnel forwarding (-i): IPIP and GUE to real servers that decapsulate with
# tests/tools/decap (these kernels have no ipip module) and answer the client
# directly from the VIP; a bulk upload through the tunnel, which needs path
# MTU discovery (ICMP fragmentation needed from the director) and the
# director cutting offloaded super-frames into segments.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_bridge ext
lab_ns client
lab_link client eth0 ext 10.0.0.2/24 fd00::2/64
lab_ns director
lab_link director eth0 ext 10.0.0.10/24 fd00::10/64
for i in 1 2; do
	lab_ns "rs$i"
	lab_link "rs$i" eth0 ext "10.0.0.1$i/24" "fd00::1$i/64"
	lab_sysctl "rs$i" net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	ip -n "$LAB-rs$i" addr add 10.0.0.100/32 dev lo
	ip -n "$LAB-rs$i" addr add fd00::100/128 dev lo
	lab_bg "rs$i" "decap$i" "$TD_TOOLS/decap" -i tnl0 -g 6080 -t 120
	wait_for "ip -n $LAB-rs$i link show tnl0" 5 || lab_die "decap on rs$i"
	ip -n "$LAB-rs$i" link set tnl0 up
	lab_sysctl "rs$i" net.ipv4.conf.tnl0.rp_filter=0
	lab_nginx "rs$i" "*,::" 80 "rs$i"
	lab_bg "rs$i" "sink$i" python3 "$LAB_ROOT/tests/tools/tcpcount.py" serve 9000 120
done

td_start 'director = { interfaces = [ "eth0" ]; workers = 2; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "tun";
    real_servers = ( { address = "10.0.0.11"; },
                     { address = "10.0.0.12"; tun_type = "gue"; tun_port = 6080; } ); },
  { address = "10.0.0.100"; port = 9000; protocol = "tcp"; scheduler = "rr";
    method = "tun";
    real_servers = ( { address = "10.0.0.11"; } ); },
  { address = "fd00::100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "tun";
    real_servers = ( { address = "fd00::11"; },
                     { address = "fd00::12"; tun_type = "gue"; tun_port = 6080; } ); },
  { address = "fd00::100"; port = 9000; protocol = "tcp"; scheduler = "rr";
    method = "tun";
    real_servers = ( { address = "fd00::12"; tun_type = "gue"; tun_port = 6080; } ); } );' || exit 1

tap_is "$(curl_seq 4 http://10.0.0.100/)" "rs2 rs1 rs2 rs1" \
	"curl through IPIP (rs1) and GUE (rs2) tunnels, rr order"
tap_like "$(td_ctl -L -n)" "10.0.0.11:80 +Tunnel +1" "-L -n shows the tunnel method"
got=$(lab_exec client python3 "$LAB_ROOT/tests/tools/tcpcount.py" send 10.0.0.100 9000 2097152 2>&1)
tap_is "$got" 2097152 "a 2 MiB upload crosses the IPIP tunnel whole"
frag=$(td_counter tunnel_frag_needed_sent)
if [ "$frag" -ge 1 ]; then
	tap_ok "the director sent ICMP fragmentation needed for the tunnel's overhead ($frag)"
else
	tap_fail "the director sent ICMP fragmentation needed" "$(td_ctl status)"
fi
tap_like "$(lab_exec client ip route get 10.0.0.100)" "mtu 1480" \
	"the client learned the path MTU 1500 - 20"
tap_is "$(curl_seq 4 'http://[fd00::100]/')" "rs2 rs1 rs2 rs1" \
	"curl -6 through IPv6-in-IPv6 (rs1) and GUE over IPv6 (rs2), rr order"
got=$(lab_exec client python3 "$LAB_ROOT/tests/tools/tcpcount.py" send fd00::100 9000 2097152 2>&1)
tap_is "$got" 2097152 "a 2 MiB upload crosses the IPv6 GUE tunnel whole"
tap_like "$(lab_exec client ip -6 route get fd00::100)" "mtu 1448" \
	"the client learned the IPv6 path MTU 1500 - 52 (packet too big)"
# GRE with a checksum for rs1, GUE with a UDP checksum for rs2, set with
# tandemctl's ipvsadm options.
td_ctl -e -t 10.0.0.100:80 -r 10.0.0.11 -i --tun-type gre --tun-csum
td_ctl -e -t 10.0.0.100:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-csum
tap_like "$(td_ctl -L -n --json)" '"tun_type": "gre"' "--tun-type gre is taken"
tap_like "$(td_ctl -S -n)" "-r 10.0.0.12:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum" \
	"-S saves the tunnel type and options, as ipvsadm 1.31"
tap_is "$(curl_seq 4 http://10.0.0.100/ | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"rs1 rs1 rs2 rs2 " "curl through GRE (with checksum) and GUE (with checksum)"
tap_like "$(td_ctl -e -t 10.0.0.100:80 -r 10.0.0.12 -i --tun-type gue --tun-port 6080 --tun-remcsum 2>&1)" \
	"not supported" "--tun-remcsum is refused with a reason"
out=$(lab_exec client wrk -c 10 -t 2 -d 3s http://10.0.0.100/ 2>&1)
wrk_clean "3-second wrk through the tunnels" "$out"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
