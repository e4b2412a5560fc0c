#!/bin/bash
# Connection sync between two directors (DR), VRRP deciding who sends:
# a backup started late gets the master's table by bulk sync; its table
# then equals the master's (states, active/inactive counts, timeouts) and
# follows new connections; with nftables dropping sync datagrams at random
# while connections are made, NACKs and resends still give it the full
# table; tshark decodes what travels; forged, unsigned and replayed
# datagrams are refused and leave the table untouched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_vrrp.sh"
. "$(dirname "$0")/lib_pair.sh"

[ -x "$TD_TOOLS/streamcheck" ] || lab_die "build/tools/streamcheck missing"
pair_topology dr
pair_node_start 1 150
wait_for '[ "$(vr_state lb1 ext)" = MASTER ]' 10

# counts N: "ActiveConn InActConn" of each real server, from -L -n.
counts() { pair_ctl "$1" -L -n | awk '$1 == "->" && $2 ~ /:7$/ { print $2, $5, $6 }' | sort; }

pair_streams a 100 40
tap_is "$(pair_est 1)" 100 "lb1 (master) holds 100 streams"

# lb2 starts with 100 established connections on lb1: a bulk sync.
pair_node_start 2 100
wait_for '[ "$(pair_sync 2 in_sync)" = True ]' 15
# (A second one follows when vrrpd's hold began after the first ended.)
tap_like "$(pair_sync 2 role)/$(pair_sync 2 bulk_done)" '^backup/[12]$' "lb2 backup, bulk sync done"
wait_for '[ "$(vr_get lb2 ext hold.held)" = False ]' 5
tap_is "$(vr_get lb2 ext hold.held)" False "lb2's vrrpd released its preemption hold"

wait_for pair_same 5
tap_is "$(pair_est 2)" 100 "lb2 holds the 100 connections after its bulk sync"
pair_same && tap_ok "lb2's established connections are lb1's, to the same real servers" ||
	tap_fail "tables equal" "$(diff <(pair_conns 1 ESTABLISHED) <(pair_conns 2 ESTABLISHED) | head -5)"
tap_is "$(counts 2)" "$(counts 1)" "active/inactive counts per real server equal on both (ipvsadm -L -n)"
# Timeouts: the backup's entries expire by the master's timeout (900 s).
exp2=$(pair_ctl 2 -L -n -c | awk '$3 == "ESTABLISHED" { split($2, t, ":"); print t[1] * 60 + t[2] }' | sort -n | head -1)
tap_like "$exp2" '^(8[5-9][0-9]|900)$' "lb2's synced entries expire in ${exp2}s, the master's 900 s TCP timeout"
tap_is "$(pair_ctl 2 status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["sync"]; print(s["installed"] > 0, s["no_service"], s["no_dest"], s["refused"])')" \
	"True 0 0 0" "lb2's director installed them, none without a service or real server"

# New connections while an nftables rule on lb2 drops 30% of the sync
# datagrams: NACKs and resends fill the gaps.
ip netns exec "$LAB-lb2" nft -f - <<-NFT || lab_die "nft"
	table inet tdsync {
	  chain in { type filter hook input priority 0;
	    udp dport 8848 numgen random mod 100 < 30 counter drop; }
	}
NFT
pair_streams b 200 30
wait_for '[ "$(pair_est 2)" -ge 300 ] && pair_same' 20
dropped=$(ip netns exec "$LAB-lb2" nft list chain inet tdsync in | grep -o 'packets [0-9]*' | awk '{print $2}')
tap_like "${dropped:-0}" '^[1-9][0-9]*$' "nftables dropped $dropped sync datagrams on their way to lb2"
tap_is "$(pair_est 2)" 300 "lb2 still holds all 300 connections"
pair_same && tap_ok "and they equal lb1's" ||
	tap_fail "tables equal under loss" "$(diff <(pair_conns 1 ESTABLISHED) <(pair_conns 2 ESTABLISHED) | head -5)"
tap_like "gaps $(pair_sync 2 gaps) nacks $(pair_sync 2 nacks_sent) resent $(pair_sync 1 resent)" \
	'^gaps [1-9][0-9]* nacks [1-9][0-9]* resent [1-9][0-9]*$' \
	"the gaps were asked for and resent (gaps $(pair_sync 2 gaps), NACKs $(pair_sync 2 nacks_sent), resent $(pair_sync 1 resent))"
ip netns exec "$LAB-lb2" nft delete table inet tdsync

# tshark reads the datagrams as IPVS sync v1 entries of our service.
lab_bg lb2 tcpdump tcpdump -i eth2 -U --immediate-mode -n -w "$LAB_TMP/sync.pcap" 'udp port 8848'
TCPD=$LAB_PID
wait_for "grep -q listening $LAB_TMP/tcpdump.log" 10
pair_streams c 20 5
# Until tcpdump has written a sync datagram with an entry (tshark reads
# what -U has flushed so far).
wait_for "[ -n \"\$(tshark -r $LAB_TMP/sync.pcap -T fields -e ipvs.vaddr 2>/dev/null | grep -m1 .)\" ]" 10
lab_stop "$TCPD" INT
tap_is "$(tshark -r "$LAB_TMP/sync.pcap" -T fields -e ipvs.vaddr -e ipvs.vport -e ipvs.proto -e ipvs.version 2>/dev/null | awk '{print $1, $2, $3, $4}' | sort -u | head -1)" \
	"$PAIR_VIP 7 0x06 1" "tshark decodes the datagrams: version 1, TCP to $PAIR_VIP:7"
tap_is "$(tshark -r "$LAB_TMP/sync.pcap" -Y 'ipvs && _ws.malformed' 2>/dev/null | wc -l)" 0 "none is malformed for tshark"

# Forged traffic from lb1's sync address: unsigned, signed with another
# key, and signed with the right key but with old sequence numbers.
dinst() { pair_ctl 2 status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["sync"]; print(s["installed"], s["no_service"], s["refused"])'; }
refused() { echo "$(pair_sync 2 refused.no_auth) $(pair_sync 2 refused.hmac) $(pair_sync 2 refused.replay)"; }
wait_for '[ "$(pair_sync 2 missing_runs)" = 0 ]' 5
before=$(dinst)
read -r na0 hm0 rp0 <<<"$(refused)"
n_before=$(pair_conns 2 | wc -l)
printf 'another key, not the pair one..\n' >"$LAB_TMP/other.key"
lab_exec lb1 "$TD_TOOLS/syncsend" -i eth2 -n 50 >/dev/null
lab_exec lb1 "$TD_TOOLS/syncsend" -i eth2 -n 50 -k "$LAB_TMP/other.key" >/dev/null
lab_exec lb1 "$TD_TOOLS/syncsend" -i eth2 -n 50 -k "$PAIR_KEY" >/dev/null
wait_for 'read -r na1 hm1 rp1 <<<"$(refused)"; [ "$na1" -ge $((na0 + 2)) ] && [ "$hm1" -ge $((hm0 + 2)) ] && [ "$rp1" -ge $((rp0 + 2)) ]' 5
read -r na1 hm1 rp1 <<<"$(refused)"
tap_is "$((na1 - na0))/$((hm1 - hm0))/$((rp1 - rp0))" "2/2/2" \
	"unsigned, wrongly signed and replayed datagrams refused, each counted"
tap_is "$(dinst)" "$before" "nothing from them reached lb2's director (installed, no_service, refused unchanged)"
tap_is "$(pair_conns 2 | wc -l)" "$n_before" "lb2's table untouched"
out=$(pair_ctl 2 sync)
tap_like "$out" 'Role: backup \(VRRP ext BACKUP\), in sync' "tandemctl sync: role, followed instance, in sync"
tap_like "$out" "Refused: $((na1 + hm1)) authentication, $rp1 replays" "tandemctl sync: authentication failures and replays"
tap_like "$out" 'Lag: held on the master 0\.0 ms median, 0\.0 ms p99 \(0 batches\); backup install [0-9.]+ ms median, [0-9.]+ ms p99 \([1-9][0-9]* datagrams\)' \
	"tandemctl sync on the backup: the install lag over the datagrams it installed"
# The master times how long changes waited in its director (the 5 ms
# batch delay, and more under load); a second would be a stuck feed.
lag=$(python3 -c 'import sys; n, m, p, i = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]); print("ok" if n > 0 and 0 <= m <= p < 1000 and 0 <= i < 1000 else "bad")' \
	"$(pair_sync 1 lag.master.samples)" "$(pair_sync 1 lag.master.median_ms)" \
	"$(pair_sync 1 lag.master.p99_ms)" "$(pair_sync 2 lag.install.median_ms)")
tap_is "$lag" ok "lag: lb1 held changes $(pair_sync 1 lag.master.median_ms) ms median (p99 $(pair_sync 1 lag.master.p99_ms)) over $(pair_sync 1 lag.master.samples) batches; lb2 installed in $(pair_sync 2 lag.install.median_ms) ms"
# SIGHUP: a broken file changes nothing; a good one is applied live.
cp "$LAB_TMP/lb2.conf" "$LAB_TMP/lb2.good"
echo 'sync = { interface = 3; };' >>"$LAB_TMP/lb2.conf"
kill -HUP "${PAIR_SYNC[2]}"
wait_for "grep -q 'has errors; nothing changed' $LAB_TMP/syncd-lb2.log" 5
tap_like "$(grep 'reload' "$LAB_TMP/syncd-lb2.log" | tail -1)" 'has errors; nothing changed' \
	"syncd SIGHUP with a broken file: refused, nothing changed"
sed 's/auth_key_file/nack_delay_ms = 30; auth_key_file/' "$LAB_TMP/lb2.good" >"$LAB_TMP/lb2.conf"
kill -HUP "${PAIR_SYNC[2]}"
wait_for "grep -q 'reload: .* applied' $LAB_TMP/syncd-lb2.log" 5
tap_like "$(grep 'reload' "$LAB_TMP/syncd-lb2.log" | tail -1)" 'applied' "a good file is applied"
tap_is "$(pair_sync 2 role)/$(pair_sync 2 in_sync)/$(pair_sync 2 director_link)" "backup/True/True" \
	"still backup, in sync, linked after the reload"
for t in a b c; do wait "${PAIR_SC[$t]}" 2>/dev/null; done
tap_is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pass"])' "$LAB_TMP/a.json")" True \
	"the streams ran clean throughout"
tap_done
