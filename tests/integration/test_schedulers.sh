#!/bin/bash
# Schedulers and thresholds with real traffic (DR lab): sh keeps a source
# on one real server and spreads ports with sh-port; a real server's upper
# threshold stops new connections and they resume below the lower one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_dr_topology
td_start 'director = { interfaces = [ "eth0" ]; workers = 2; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "sh";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); } );' || exit 1

got=$(curl_seq 8 http://10.0.0.100/ | tr ' ' '\n' | sort -u | wc -l)
tap_is "$got" 1 "sh keeps the client on one real server across 8 connections"
td_ctl -E -t 10.0.0.100:80 -s sh -b sh-port
got=$(curl_seq 12 http://10.0.0.100/ | tr ' ' '\n' | sort -u | wc -l)
if [ "$got" -ge 2 ]; then
	tap_ok "sh-port spreads one client's connections by source port ($got servers)"
else
	tap_fail "sh-port spreads one client's connections by source port"
fi

# Thresholds: one real server with -x 2 -y 1.
td_ctl -C
td_ctl -A -t 10.0.0.100:80 -s rr
td_ctl -a -t 10.0.0.100:80 -r 10.0.0.11 -g -x 2 -y 1
td_ctl --set 0 1 0	# closed DR connections (FIN_WAIT) go after 1 s
for i in 1 2; do
	lab_exec client python3 "$LAB_ROOT/tests/tools/keepalive.py" 10.0.0.100 80 5 \
		>"$LAB_TMP/ka$i.out" 2>&1 &
	eval "ka$i=\$!"
done
wait_for "test -s $LAB_TMP/ka1.out && test -s $LAB_TMP/ka2.out" 5
tap_like "$(td_ctl -L -n --thresholds)" "10.0.0.11:80 +2 +1 +2" \
	"--thresholds shows the limits and the two connections"
if lab_exec client curl -s -m 2 http://10.0.0.100/ >/dev/null; then
	tap_fail "at the upper threshold a new connection is refused"
else
	tap_ok "at the upper threshold a new connection is refused"
fi
wait "$ka1" "$ka2"
if wait_for "lab_exec client curl -sf -m 1 http://10.0.0.100/ >/dev/null" 8; then
	tap_ok "below the lower threshold new connections are taken again"
else
	tap_fail "below the lower threshold new connections are taken again" "$(td_ctl -L -n)"
fi
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
