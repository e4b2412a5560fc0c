#!/bin/bash
# Connection sync over IPv6 (the connections themselves are IPv4): two
# directors (DR) with IPv6 addresses on the sync link. First on the
# link-local group ff02::8:81: a backup started late gets the master's
# table by bulk sync, new connections follow, and the datagrams (data and
# control) go to the IPv6 group only, as tshark's ipvs dissector reads
# them. Then, reloaded with IPv6 unicast peers (fd00:16::11/12), the sync
# datagrams go to the peer's address and new connections still follow.
# lib_pair.sh's pair_config takes the sync keys as its SYNC_EXTRA: the
# IPv6 settings need nothing more.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"
. "$(dirname "$0")/lib_pair.sh"

[ -x "$TD_TOOLS/streamcheck" ] || lab_die "build/tools/streamcheck missing"
G6=ff02::8:81
pair_topology dr
for i in 1 2; do
	ip -n "$LAB-lb$i" addr add "fd00:16::1$i/64" dev eth2 nodad ||
		lab_die "cannot add fd00:16::1$i to lb$i"
done
pair_node_start 1 150 "group = \"$G6\";"
wait_for '[ "$(vr_state lb1 ext)" = MASTER ]' 10 || lab_die "lb1 is not master"
tap_is "$(pair_sync 1 group)/$(pair_sync 1 max_datagram)" "$G6/1452" \
	"lb1's syncd on group $G6, datagrams of 1452 bytes (IPv6's default)"

lab_bg lb2 tcpdump tcpdump -i eth2 -U --immediate-mode -n -w "$LAB_TMP/mc.pcap" \
	'udp port 8848 or udp port 8849'
TCPD=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10 || lab_die "tcpdump did not start"

pair_streams a 20 40 500
tap_is "$(pair_est 1)" 20 "lb1 (master) holds 20 streams"
pair_node_start 2 100 "group = \"$G6\";"
wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 15
tap_is "$(pair_sync 2 role)/$(pair_sync 2 in_sync)" backup/True \
	"lb2 backup, in sync after a bulk sync over IPv6"
lb1_ll=$(ip -n "$LAB-lb1" -6 -o addr show dev eth2 scope link | awk '{ print $4 }')
tap_is "$(pair_sync 2 peer)" "${lb1_ll%/*}" \
	"lb2 follows lb1 by its link-local address (${lb1_ll%/*})"
wait_for 'pair_same' 10
tap_is "$(pair_conns 2 ESTABLISHED)" "$(pair_conns 1 ESTABLISHED)" \
	"lb2's 20 connections equal lb1's (bulk sync)"
pair_streams b 10 30 500
wait_for '[ "$(pair_est 2)" -ge 30 ] && pair_same' 10
tap_is "$(pair_est 2)" 30 "10 new streams reach lb2 too"
tap_is "$(pair_conns 2 ESTABLISHED)" "$(pair_conns 1 ESTABLISHED)" \
	"lb2's 30 connections equal lb1's (live sync)"
tap_is "$(pair_sync 2 auth_failures)/$(pair_sync 2 replays)/$(pair_sync 2 control_refused)" \
	0/0/0 "lb2 refused nothing"

lab_stop "$TCPD" INT
# Every captured datagram: "IP-version destination port", counted.
wire() {
	tshark -r "$1" -T fields -E separator=' ' -e ip.version -e ip.dst -e ipv6.dst \
		-e udp.dstport 2>/dev/null | awk '{ $1 = $1 } 1' | sort | uniq -c |
		awk '{ print $2, $3, $4 }'
}
tap_is "$(wire "$LAB_TMP/mc.pcap" | awk '{ print $1, $2 }' | sort -u)" "6 $G6" \
	"every sync and control datagram went to $G6 (none over IPv4)"
tap_is "$(wire "$LAB_TMP/mc.pcap" | awk '{ print $3 }' | sort -u | tr '\n' ' ')" "8848 8849 " \
	"both the data port (8848) and the control port (8849) were used"
tap_like "$(tshark -r "$LAB_TMP/mc.pcap" -Y "ipv6.dst == $G6 && ipv6.hlim == 1 && ipvs && ipvs.conncount > 0" \
	2>/dev/null | wc -l)" '^[1-9][0-9]*$' "tshark decodes IPVS sync datagrams to $G6 with hop limit 1"
tap_is "$(tshark -r "$LAB_TMP/mc.pcap" -Y 'ipvs && _ws.malformed' 2>/dev/null | wc -l)" 0 \
	"none is malformed in tshark's view"

# Part 2: IPv6 unicast peers, by reloading each syncd.
pair_config 1 150 'peers = [ "fd00:16::12" ];' >"$LAB_TMP/lb1.conf"
pair_config 2 100 'peers = [ "fd00:16::11" ];' >"$LAB_TMP/lb2.conf"
lab_bg lb2 tcpdump2 tcpdump -i eth2 -U --immediate-mode -n -w "$LAB_TMP/uc.pcap" \
	'udp port 8848'
TCPD=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump2.log" 10 || lab_die "tcpdump did not start"
kill -HUP "${PAIR_SYNC[1]}" "${PAIR_SYNC[2]}"
wait_for "grep -q 'reload: .* applied' $LAB_TMP/syncd-lb1.log && grep -q 'reload: .* applied' $LAB_TMP/syncd-lb2.log" 10
tap_like "$(grep 'reload' "$LAB_TMP/syncd-lb2.log")" 'sockets reopened on eth2' \
	"lb2's syncd reloaded onto unicast sockets"
pair_streams c 10 5 500
wait_for '[ "$(pair_est 2)" -ge 40 ] && pair_same' 10
tap_is "$(pair_est 2)" 40 "10 more streams reach lb2 over unicast"
tap_is "$(pair_conns 2 ESTABLISHED)" "$(pair_conns 1 ESTABLISHED)" \
	"lb2's 40 connections equal lb1's"
tap_is "$(pair_sync 2 peer)" fd00:16::11 "lb2 now follows lb1 at fd00:16::11"
lab_stop "$TCPD" INT
tap_is "$(wire "$LAB_TMP/uc.pcap" | awk '{ print $1, $2 }' | sort -u)" "6 fd00:16::12" \
	"sync datagrams went to lb2's IPv6 address, not the group"
for t in a b c; do
	wait "${PAIR_SC[$t]}"
	tap_is "$?" 0 "streamcheck $t: every stream whole"
done
tap_done
