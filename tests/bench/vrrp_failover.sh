#!/bin/bash
# Failover time of a Tandem pair (tandem-director + tandem-vrrpd, DR to a
# UDP echo real server) beside a keepalived pair (VRRP v3, the VIP on the
# kernel, the echo server on the director nodes), at advert intervals of
# 1 s, 0.1 s and 0.02 s. "Master death" is the master node leaving the
# network (its switch port goes down) while a client probes the VIP every
# millisecond; the failover time is the longest silence between replies.
# Prints a markdown table. RUNS (default 3) runs each, median shown;
# ADVERTS (default "1 0.1 0.02") the intervals.
#   bash tests/bench/vrrp_failover.sh
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/lib_vrrp.sh"

RUNS=${RUNS:-3}
VIP=10.0.0.100
PROBE="$LAB_ROOT/tests/tools/udp_probe.py"

lab_bridge lan
lab_ns client
lab_link client eth0 lan 10.0.0.2/24
for n in 1 2; do
	lab_ns "n$n"
	lab_link "n$n" eth0 lan "10.0.0.1$n/24"
done
lab_ns rs
lab_link rs eth0 lan 10.0.0.21/24
lab_sysctl rs net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
	net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
ip -n "$LAB-rs" addr add "$VIP/32" dev lo
lab_bg rs udpecho-rs "$TD_TOOLS/udpecho" -p 5353 -q -t 3600
for n in 1 2; do
	lab_bg "n$n" "udpecho-n$n" "$TD_TOOLS/udpecho" -p 5353 -q -t 3600
done

tandem_conf() {
	cat <<-EOF
	node = { name = "n"; log_level = "warning"; };
	director = { interfaces = [ "eth0" ]; };
	virtual_servers = ( { address = "$VIP"; port = 5353; protocol = "udp";
	    scheduler = "rr"; method = "dr";
	    real_servers = ( { address = "10.0.0.21"; } ); } );
	vrrp = { instances = ( { name = "ext"; interface = "eth0"; vrid = 51;
	    priority = $1; advert_int = $2; virtual_ipaddress = [ "$VIP/24" ]; } ); };
	EOF
}

# one_run KIND ADVERT: prints the gap in ms.
one_run() {
	local kind=$1 adv=$2 pids=() n out
	for n in 1 2; do
		local prio=$((n == 1 ? 150 : 100))
		if [ "$kind" = tandem ]; then
			tandem_conf $prio "$adv" >"$LAB_TMP/n$n.conf"
			lab_bg "n$n" "dir-n$n" "$TD_BIN/tandem-director" \
				-f "$LAB_TMP/n$n.conf" --run-dir "$LAB_TMP/run-n$n"
			pids+=("$LAB_PID")
			wait_for "vr_ctl n$n status" 10 || return 1
			vr_start "n$n" "n$n" "$(cat "$LAB_TMP/n$n.conf")" || return 1
			pids+=("${VR_PID[n$n]}")
		else
			ka_start "n$n" "ka$n" "$(ka_conf "ka$n" eth0 51 $prio "$adv" 3 "$VIP/24" \
				'garp_master_delay 0')"
			pids+=("${KA_PID[ka$n]}")
		fi
	done
	if [ "$kind" = tandem ]; then
		wait_for '[ "$(vr_state n1 ext)" = MASTER ]' 10
	else
		wait_for "ka_is_master n1 $VIP" 10
	fi
	lab_exec client ip neigh flush all
	sleep 1
	lab_exec client python3 "$PROBE" "$VIP" 5353 6 1 >"$LAB_TMP/probe.out" &
	local probe=$!
	sleep 2
	ip -n "$LAB-switch" link set n1-eth0 down
	wait "$probe"
	out=$(cat "$LAB_TMP/probe.out")
	ip -n "$LAB-switch" link set n1-eth0 up
	for n in "${pids[@]}"; do lab_stop "$n" KILL; done
	[ "$kind" = keepalived ] && { ka_flush_vips n1; ka_flush_vips n2; }
	sleep 0.5
	echo "$out"
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

echo "| advert interval | Master_Down_Interval (backup at 100) | Tandem failover, ms (median; runs) | keepalived failover, ms (median; runs) |"
echo "|---:|---:|---:|---:|"
for adv in ${ADVERTS:-1 0.1 0.02}; do
	mdi=$(python3 -c "a=$adv; print('%.0f' % (1000 * (3 * a + 156 / 256 * a)))")
	row="| $adv s | $mdi ms"
	for kind in tandem keepalived; do
		vals=()
		for ((r = 0; r < RUNS; r++)); do
			g=$(one_run $kind $adv | awk '{print $1}')
			vals+=("${g:-fail}")
		done
		row+=" | $(printf '%s\n' "${vals[@]}" | median) (${vals[*]})"
	done
	echo "$row |"
done
