#!/bin/bash
# SYN-flood defence: spoofed SYNs may hold at most half_open_max half-open
# entries per service, age out in seconds once half of that is reached, and
# never touch established connections; new clients get through again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_director.sh"

lab_dr_topology
td_start 'director = { interfaces = [ "eth0" ]; workers = 2; conn_max = 100000;
             half_open_max = 300; };
virtual_servers = (
  { address = "10.0.0.100"; port = 80; protocol = "tcp"; scheduler = "rr";
    method = "dr";
    real_servers = ( { address = "10.0.0.11"; }, { address = "10.0.0.12"; },
                     { address = "10.0.0.13"; } ); } );' || exit 1

keepalive_open 10

before=$(td_counter conns_created)
lab_exec client "$TD_TOOLS/framegen" -i eth0 -D 00:00:5e:00:01:01 -d 10.0.0.100 \
	-p 80 -n 5000 -r 20000 -t 20 syn-flood >/dev/null 2>&1
wait_for "[ \$(( \$(td_counter conns_created) + \$(td_counter drop_syn_flood) )) -ge $((before + 5000)) ]" 5
created=$(( $(td_counter conns_created) - before ))
flooded=$(td_counter drop_syn_flood)
if [ "$created" -le 300 ] && [ "$flooded" -ge 4700 ]; then
	tap_ok "a SYN flood holds at most half_open_max entries ($created made, $flooded dropped as drop_syn_flood)"
else
	tap_fail "a SYN flood holds at most half_open_max entries" "created $created dropped $flooded"
fi
if wait_for "[ \$(td_ctl -L -n -c | grep -c SYN_RECV) -eq 0 ]" 6; then
	tap_ok "under the flood every half-open entry ages out within seconds"
else
	tap_fail "under the flood every half-open entry ages out within seconds" \
		"$(td_ctl -L -n -c | grep -c SYN_RECV) left"
fi
if wait_for "lab_exec client curl -sf -m 1 http://10.0.0.100/ >/dev/null" 12; then
	tap_ok "once they age out new clients get through"
else
	tap_fail "once they age out new clients get through" "$(td_ctl status)"
fi
keepalive_kept "an established connection is untouched by the flood"
td_alive && tap_ok "the director is still running" || tap_fail "the director is still running"
tap_done
