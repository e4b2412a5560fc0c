# A director pair for sync and failover tests, on top of lib.sh and
# lib_vrrp.sh: two nodes lb1 and lb2, each running tandem-director,
# tandem-vrrpd and tandem-syncd on one config, with three real servers
# and a client, in DR or in NAT mode.
#
#   pair_topology dr|nat
#   pair_node_start 1 150 [SYNC_EXTRA]    # node lb1, priority 150
#   pair_conns 1                          # lb1's table, one line per conn
#   pair_kill 1 KILL|STOP|CONT            # all of lb1's processes

declare -A PAIR_DIR PAIR_SYNC PAIR_SC
PAIR_MODE=""
PAIR_VIP=10.0.0.100
PAIR_PORT=7
PAIR_KEY=""

# pair_topology dr|nat: bridge ext (client 10.0.0.2, lb1 10.0.0.11, lb2
# 10.0.0.12; DR: rs1..rs3 at 10.0.0.21-23 with the VIP on lo), NAT adds
# bridge int (lb1 192.168.1.11, lb2 .12, rs1..rs3 .21-.23, gateway VIP
# 192.168.1.1). Sync runs on bridge sync (172.16.0.11/.12). Each real
# server runs tcpecho on port 7 and udpecho on port 7, and nginx on 80.
pair_topology() {
	PAIR_MODE=$1
	PAIR_KEY="$LAB_TMP/sync.key"
	printf 'pair sync key: 32 bytes of it.\n' >"$PAIR_KEY"
	lab_bridge ext
	lab_bridge sync
	[ "$PAIR_MODE" = nat ] && lab_bridge int
	lab_ns client
	lab_link client eth0 ext 10.0.0.2/24
	local i
	for i in 1 2; do
		lab_ns "lb$i"
		lab_link "lb$i" eth0 ext "10.0.0.1$i/24"
		lab_link "lb$i" eth2 sync "172.16.0.1$i/24"
		[ "$PAIR_MODE" = nat ] &&
			lab_link "lb$i" eth1 int "192.168.1.1$i/24"
	done
	for i in 1 2 3; do
		if [ "$PAIR_MODE" = nat ]; then
			lab_nat_real_server "rs$i" int "192.168.1.2$i/24" 192.168.1.1
		else
			lab_dr_real_server "rs$i" ext "10.0.0.2$i/24" "$PAIR_VIP"
		fi
		lab_bg "rs$i" "tcpecho-rs$i" "$TD_TOOLS/tcpecho" -l 0.0.0.0 \
			-p "$PAIR_PORT" -n 8192 -t 900
		lab_bg "rs$i" "udpecho-rs$i" "$TD_TOOLS/udpecho" -b 0.0.0.0 -t 900 \
			-p "$PAIR_PORT"
		# PAIR_HTTP=1: nginx too, for wrk (the sync bench).
		[ -n "${PAIR_HTTP:-}" ] && lab_nginx "rs$i" '*' 80 "rs$i"
	done
}

pair_rs_addr() {
	[ "$PAIR_MODE" = nat ] && echo "192.168.1.2$1" || echo "10.0.0.2$1"
}

# pair_config N PRIORITY [SYNC_EXTRA]: the node's whole config.
pair_config() {
	local n=$1 prio=$2 extra=${3:-} method=dr ifaces='"eth0"' rs="" i
	local inst vips
	[ "$PAIR_MODE" = nat ] && method=nat ifaces='"eth0", "eth1"'
	for i in 1 2 3; do
		rs="$rs{ address = \"$(pair_rs_addr $i)\"; },"
	done
	rs=${rs%,}
	inst="{ name = \"ext\"; interface = \"eth0\"; vrid = 51;
	      priority = $prio; advert_int = ${PAIR_ADVERT:-0.1};
	      virtual_ipaddress = [ \"$PAIR_VIP/24\" ]; preempt = true; }"
	if [ "$PAIR_MODE" = nat ]; then
		inst="$inst, { name = \"int\"; interface = \"eth1\"; vrid = 52;
	      priority = $prio; advert_int = ${PAIR_ADVERT:-0.1};
	      virtual_ipaddress = [ \"192.168.1.1/24\" ]; preempt = true; }"
		vips="sync_groups = ( { name = \"pair\"; instances = [ \"ext\", \"int\" ]; } );"
		follow=pair
	else
		vips=""
		follow=ext
	fi
	cat <<-CONF
	node = { name = "lb$n"; };
	director = { interfaces = [ $ifaces ]; workers = 1; };
	virtual_servers = (
	  { address = "$PAIR_VIP"; port = $PAIR_PORT; protocol = "tcp";
	    scheduler = "rr"; method = "$method"; ${PAIR_TCP_EXTRA:-}
	    real_servers = ( $rs ); },
	  { address = "$PAIR_VIP"; port = $PAIR_PORT; protocol = "udp";
	    scheduler = "rr"; method = "$method"; real_servers = ( $rs ); }${PAIR_HTTP:+,
	  { address = \"$PAIR_VIP\"; port = 80; protocol = \"tcp\";
	    scheduler = \"rr\"; method = \"$method\"; real_servers = ( $rs ); \}} );
	vrrp = { director_interval = 0.1; director_timeout = 0.3;
	  instances = ( $inst );
	  $vips };
	sync = { interface = "eth2"; follow = "$follow";
	  auth_key_file = "$PAIR_KEY"; $extra };
	CONF
}

# pair_node_start N PRIORITY [SYNC_EXTRA]: the node's three daemons.
pair_node_start() {
	local n=$1
	# vr_node_start writes lb$n.conf (twice, the same text): syncd starts
	# after it, never while the file is being rewritten.
	vr_node_start "lb$n" "lb$n" "$(pair_config "$@")"
	PAIR_DIR[$n]=${VR_DIR_PID[lb$n]}
	lab_bg "lb$n" "syncd-lb$n" "$TD_BIN/tandem-syncd" -d \
		-f "$LAB_TMP/lb$n.conf" --run-dir "$LAB_TMP/run-lb$n"
	PAIR_SYNC[$n]=$LAB_PID
	wait_for "[ -S $LAB_TMP/run-lb$n/syncd.sock ]" 10 ||
		lab_die "syncd lb$n: $(cat "$LAB_TMP/syncd-lb$n.log")"
}

pair_ctl() {
	local n=$1
	shift
	"$TD_BIN/tandemctl" --run-dir "$LAB_TMP/run-lb$n" "$@"
}

# pair_sync N KEY: one field of lb N's syncd status.
pair_sync() {
	python3 "$LAB_ROOT/tests/tools/ctlsend.py" "$LAB_TMP/run-lb$1/syncd.sock" \
		'{"cmd": "status"}' | python3 -c 'import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$2"
}

# pair_streams NAME N SECS [RAMP_MS]: N byte-checked streams (streamcheck)
# from the client through the VIP for SECS, in the background; returns
# once all are connected. The report goes to $LAB_TMP/NAME.json, the pid
# to PAIR_SC[NAME].
pair_streams() {
	ip netns exec "$LAB-client" "$TD_TOOLS/streamcheck" -c "$PAIR_VIP:$PAIR_PORT" \
		-n "$2" -r 128 -i 200 -d "$3" --ramp "${4:-1000}" \
		--ready-file "$LAB_TMP/$1.ready" \
		--json >"$LAB_TMP/$1.json" 2>"$LAB_TMP/$1.err" </dev/null &
	LAB_PIDS+=("$!")
	PAIR_SC[$1]=$!
	wait_for "[ -s $LAB_TMP/$1.ready ]" 15 || lab_die "streamcheck $1: $(cat "$LAB_TMP/$1.err")"
}

# pair_est N: lb N's established connections to the service.
pair_est() { pair_conns "$1" ESTABLISHED | grep -c ":$PAIR_PORT "; }

# pair_same: both nodes hold the same established connections.
pair_same() { [ "$(pair_conns 1 ESTABLISHED)" = "$(pair_conns 2 ESTABLISHED)" ]; }

# pair_conns N [STATE]: lb N's connections (or only those in STATE) as
# "proto state client vip rs", sorted; expiry times left out.
pair_conns() {
	pair_ctl "$1" -L -n -c 2>/dev/null | awk -v st="${2:-}" \
		'NR > 2 && (st == "" || $3 == st) { print $1, $3, $4, $5, $6 }' | sort
}

# pair_kill N SIGNAL: the signal to every Tandem process of node N.
pair_kill() {
	kill -"$2" "${PAIR_DIR[$1]}" "${PAIR_SYNC[$1]}" "${VR_PID[lb$1]}" 2>/dev/null
	# Reaped here, so that the shell says nothing about them.
	[ "$2" = KILL ] && wait "${PAIR_DIR[$1]}" "${PAIR_SYNC[$1]}" \
		"${VR_PID[lb$1]}" 2>/dev/null
	return 0
}
