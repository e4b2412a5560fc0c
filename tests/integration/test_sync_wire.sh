#!/bin/bash
# Tandem's sync datagrams on the wire, judged by tshark's ipvs dissector:
# IPv4 and IPv6 entries, split over several datagrams at the kernel's 1472
# bytes, with and without Tandem's sequence/HMAC options, go to
# 224.0.0.81:8848 with TTL 1, and every field tshark decodes equals what
# the encoder put in. tshark's v1 dissector reads only the fixed part of an
# entry and steps by 36/72 bytes, ignoring the entry's size (and so its
# options): options are checked where tshark can follow them, at the end
# of a datagram's last entry (Tandem's trailer, a sequence-data option).
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { tap_skip "tshark decodes sync" "no tshark"; tap_done; exit; }
[ -x "$TD_TOOLS/syncsend" ] || lab_die "build/tools/syncsend missing (make tools)"

lab_bridge lan
lab_ns m
lab_link m eth0 lan 10.0.0.1/24
lab_ns cap
lab_link cap eth0 lan 10.0.0.2/24
PCAP="$LAB_TMP/sync.pcap"
KEY="$LAB_TMP/sync.key"
printf '0123456789abcdef0123456789abcdef\n' >"$KEY"

lab_bg cap tcpdump tcpdump -i eth0 -U --immediate-mode -n -w "$PCAP" 'udp port 8848'
TCPDUMP=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10 ||
	lab_die "tcpdump did not start: $(cat "$LAB_TMP/tcpdump.log")"

# Four runs, each printing the lines tshark should show for its datagrams.
send() { lab_exec m "$TD_TOOLS/syncsend" -i eth0 "$@"; sleep 0.2; }
{
	send -s 7 -n 100
	send -s 8 -n 30 -6
	send -s 9 -n 50 -k "$KEY"
	send -s 10 -n 20 -6 -k "$KEY"
	send -s 11 -n 2 -q
	send -s 12 -n 2 -6 -q -k "$KEY"
} >"$LAB_TMP/sent" || lab_die "syncsend failed"
sleep 0.5
lab_stop "$TCPDUMP" INT

ndg=$(wc -l <"$LAB_TMP/sent")
tap_like "$ndg" '^([5-9]|[1-9][0-9]+)$' "syncsend sent $ndg datagrams (the 100 IPv4 entries split)"
tap_is "$(tshark -r "$PCAP" -Y 'ip.dst == 224.0.0.81 && udp.dstport == 8848 && ip.ttl == 1 && ipvs' 2>/dev/null | wc -l)" "$ndg" \
	"tshark sees all $ndg as ipvs to 224.0.0.81:8848 with TTL 1"
tap_is "$(tshark -r "$PCAP" -Y 'ipvs && _ws.malformed' 2>/dev/null | wc -l)" 0 \
	"none is malformed in tshark's view"
tap_is "$(tshark -r "$PCAP" -T fields -e ipvs.version 2>/dev/null | sort -u)" 1 \
	"every datagram is version 1"

# One line per datagram, fields as syncsend prints them.
got() {
	local f e=()
	for f in ipvs.syncid ipvs.conncount ipvs.size ipvs.proto ipvs.cport ipvs.vport \
		ipvs.dport "$1" "$2" "$3" ipvs.state ipvs.timeout ipvs.fwmark; do e+=(-e "$f"); done
	tshark -r "$PCAP" -Y "$4" -T fields -E separator=/t -E occurrence=a -E aggregator=, "${e[@]}" 2>/dev/null
}
want4=$(awk -F'\t' '$8 !~ /:/' "$LAB_TMP/sent")
want6=$(awk -F'\t' '$8 ~ /:/' "$LAB_TMP/sent")
tap_is "$(got ipvs.caddr ipvs.vaddr ipvs.daddr 'ipvs && ipvs.caddr')" "$want4" \
	"IPv4 entries: syncid, count, size, protocol, ports, addresses, state, timeout, fwmark as sent"
tap_is "$(got ipvs.caddr6 ipvs.vaddr6 ipvs.daddr6 'ipvs && ipvs.caddr6')" "$want6" \
	"IPv6 entries: the same fields as sent"
tap_is "$(tshark -r "$PCAP" -Y 'ipvs.syncid >= 11' -T fields -e ipvs.syncid -e ipvs.flags.v1 -e ipvs.size.v1 \
	-E occurrence=a -E aggregator=, 2>/dev/null | tr '\t' ' ')" "11 0x00000000,0x00000600 36,62
12 0x00000000,0x00000600 72,142" \
	"entry flags and sizes: a last entry with sequence data (+26) and Tandem's trailer (+44)"
tap_done
