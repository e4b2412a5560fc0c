#!/bin/bash
# Connection sync to a unicast peer (sync.peers) instead of the multicast
# group, with a persistent service: the persistence template travels with
# the connections, so after the master is killed the standby sends a
# returning client's new connections to the same real server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"
. "$(dirname "$0")/lib_pair.sh"

[ -x "$TD_TOOLS/streamcheck" ] || lab_die "build/tools/streamcheck missing"
PAIR_TCP_EXTRA='persistence_timeout = 300;'
pair_topology dr
pair_node_start 1 150 'peers = [ "172.16.0.12" ];'
wait_for '[ "$(vr_state lb1 ext)" = MASTER ]' 10
pair_node_start 2 100 'peers = [ "172.16.0.11" ];'
wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 15

lab_bg lb2 tcpdump tcpdump -i eth2 -U --immediate-mode -n -w "$LAB_TMP/sync.pcap" 'udp port 8848'
TCPD=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10
# rs_of N: the real server of lb N's template for the client.
rs_of() { pair_conns "$1" NONE | awk '$3 == "10.0.0.2:0" { print $5 }'; }

pair_streams a 30 10 500
wait_for '[ -n "$(rs_of 2)" ] && [ "$(pair_conns 2 ESTABLISHED | wc -l)" -ge 30 ]' 10
rs=$(rs_of 1)
tap_like "$rs" '^10\.0\.0\.2[123]:7$' "lb1 holds the client's persistence template (to $rs)"
tap_is "$(rs_of 2)" "$rs" "lb2 holds the same template, synced"
tap_is "$(pair_conns 1 ESTABLISHED | awk '{ print $5 }' | sort -u)" "$rs" \
	"all 30 streams went to $rs (persistence)"
lab_stop "$TCPD" INT
tap_is "$(tcpdump -r "$LAB_TMP/sync.pcap" -n 2>/dev/null | awk '{ print $5 }' | sed 's/\.8848:$//' | sort -u)" \
	"172.16.0.12" "sync datagrams went to lb2's unicast address, not the group"

pair_kill 1 KILL
wait_for '[ "$(vr_state lb2 ext)" = MASTER ]' 10
tap_is "$(vr_state lb2 ext)" MASTER "lb1 killed: lb2 is master"
wait "${PAIR_SC[a]}"
tap_is "$?" 0 "the first 30 streams survived the failover"
pair_streams b 30 3 500
wait "${PAIR_SC[b]}"
tap_is "$?" 0 "30 new streams through lb2"
tap_is "$(pair_ctl 2 -L -n | awk '$1 == "->" && $2 ~ /:7$/ && ($5 + $6) > 0 { print $2 }' | sort -u)" \
	"${rs%:7}:7" "lb2 sent the returning client to $rs, as the synced template says"
tap_done
