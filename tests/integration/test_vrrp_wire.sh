#!/bin/bash
# tandem-vrrpd on the wire, judged by tshark: every advert we send (v3
# IPv4, v2 with a password, v3 IPv6) decodes as valid VRRP with a good
# checksum and TTL 255, from the virtual router MAC; the takeover sends
# gratuitous ARPs / unsolicited NAs from that MAC; a clean stop sends
# priority 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"

lab_lan lan eth0 t1=10.0.0.1/24,fd00::1/64 cap=10.0.0.2/24
PCAP="$LAB_TMP/vrrp.pcap"

lab_bg cap tcpdump tcpdump -i eth0 -U --immediate-mode -n -w "$PCAP" 'ip proto 112 or ip6 proto 112 or arp or icmp6'
TCPDUMP=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10 ||
	lab_die "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.log")"

vr_start t1 a 'node = { name = "t1"; };
vrrp = { track_director = false;
  instances = (
    { name = "v3"; interface = "eth0"; vrid = 51; priority = 100;
      advert_int = 0.1; virtual_ipaddress = [ "10.0.0.100/24", "10.0.0.101/24" ]; },
    { name = "v2"; interface = "eth0"; vrid = 52; priority = 100;
      version = 2; advert_int = 1; auth_type = "pass"; auth_pass = "secret";
      virtual_ipaddress = [ "10.0.0.102/24" ]; },
    { name = "v6"; interface = "eth0"; vrid = 53; priority = 100;
      advert_int = 0.1; virtual_ipaddress = [ "fd00::100/64" ]; } ); };' || exit 1
wait_for '[ "$(vr_state a v3)/$(vr_state a v2)/$(vr_state a v6)" = MASTER/MASTER/MASTER ]' 10
sleep 2.5
vr_stop a TERM
# Until tcpdump has written the three priority-0 adverts (or 5 s).
wait_for "[ \$(tcpdump -r $PCAP -n '(ip proto 112 and ip[22] = 0) or (ip6 and ip6[6] = 112 and ip6[42] = 0)' 2>/dev/null | wc -l) -ge 3 ]" 5
lab_stop "$TCPDUMP" INT

# fields FILTER FIELD...: distinct "f1,f2,..." lines, each with x1 (seen
# once) or xn (more often).
fields() {
	local f e=()
	for f in "${@:2}"; do e+=(-e "$f"); done
	tshark -r "$PCAP" -Y "$1" -T fields -E separator=, "${e[@]}" 2>/dev/null | sort | uniq -c |
		awk '{print $2 " x" ($1 > 1 ? "n" : "1")}'
}

n=$(tshark -r "$PCAP" -Y vrrp 2>/dev/null | wc -l)
tap_like "$n" '^[1-9][0-9]+$' "tshark decodes $n VRRP packets"
tap_is "$(tshark -r "$PCAP" -Y 'vrrp && !(vrrp.checksum.status == 1)' 2>/dev/null | wc -l)" 0 \
	"every advert's checksum is good in tshark's view"
tap_is "$(tshark -r "$PCAP" -Y '_ws.expert && vrrp' 2>/dev/null | wc -l)" 0 \
	"tshark has no expert warning on any advert"
tap_is "$(fields 'vrrp && ip' eth.src ip.ttl vrrp.version vrrp.virt_rtr_id vrrp.adver_int vrrp.addr_count vrrp.auth_type vrrp.prio | grep -v ',0 x')" \
"00:00:5e:00:01:33,255,3,51,,2,,100 xn
00:00:5e:00:01:34,255,2,52,1,1,1,100 xn" "IPv4 adverts: virtual MAC, TTL 255, version, VRID, interval, count, auth"
tap_is "$(fields 'vrrp && ip && vrrp.version == 3' vrrp.short_adver_int | sort -u)" "10 xn" \
	"v3 interval 0.1 s is 10 centiseconds"
tap_is "$(fields 'vrrp && ip && vrrp.version == 2' vrrp.auth_string)" "secret xn" \
	"v2 carries the password"
tap_is "$(fields 'vrrp && ipv6' eth.src ipv6.hlim vrrp.version vrrp.virt_rtr_id vrrp.ipv6_addr | grep -v ',0 x')" \
"00:00:5e:00:02:35,255,3,53,fd00::100 xn" "IPv6 adverts: virtual MAC, hop limit 255, VIP"
tap_is "$(fields 'vrrp && vrrp.prio == 0' vrrp.virt_rtr_id)" "51 x1
52 x1
53 x1" "a clean stop sends one priority-0 advert per instance"
garp=$(fields 'arp && arp.src.hw_mac == 00:00:5e:00:01:33' arp.src.proto_ipv4 arp.dst.proto_ipv4)
tap_is "$garp" "10.0.0.100,10.0.0.100 xn
10.0.0.101,10.0.0.101 xn" "gratuitous ARPs for both VIPs from the virtual MAC"
tap_is "$(fields 'icmpv6.type == 136' eth.src icmpv6.nd.na.target_address icmpv6.nd.na.flag.o icmpv6.opt.target_linkaddr | sed 's/,True,/,1,/')" \
	"00:00:5e:00:02:35,fd00::100,1,00:00:5e:00:02:35 xn" "unsolicited NAs for the IPv6 VIP with the virtual MAC"
tap_is "$(tshark -r "$PCAP" -Y 'icmpv6.type == 136 && !(icmpv6.checksum.status == 1)' 2>/dev/null | wc -l)" 0 \
	"the NAs' checksums are good"
tap_done
