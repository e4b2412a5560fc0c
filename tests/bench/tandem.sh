# Tandem's part of the benchmark: configure, start and stop tandem-director
# in the bench's "lb" namespace. Sourced by tests/bench/run.sh, after
# tests/integration/lib.sh and topology.sh.

BENCH_TANDEM_PID=""

# ---------------------------------------------------------------------------
# It writes the director's config for the bench
# (NAT): the schema of DESIGN.md, no vrrp section, so the single director owns
# the VIPs 10.0.0.100 and fd00::100 and the real servers' gateways
# 192.168.1.1 and fd01::1 itself. Services: HTTP over IPv4 and IPv6, and the
# UDP rate test's port.
# Change keys here as the config grows (workers, conn_max, ...).
# ---------------------------------------------------------------------------
bench_tandem_config() {
	local conf=$1 run_dir=$2
	cat >"$conf" <<-EOF
		# Written by tests/bench/tandem.sh for \`make bench\`.
		node = { name = "bench"; run_dir = "$run_dir"; log_level = "warning"; };
		director = {
		  interfaces = [ "eth0", "eth1" ];
		  workers = 2;
		  conn_max = 1000000;
		  virtual_ipaddress = [ "$BENCH_GW/24", "$BENCH_GW6/64" ];
		};
		virtual_servers = (
		  { address = "$BENCH_VIP"; port = 80; protocol = "tcp";
		    scheduler = "rr"; method = "nat";
		    real_servers = (
		      { address = "192.168.1.11"; port = 80; weight = 1; },
		      { address = "192.168.1.12"; port = 80; weight = 1; },
		      { address = "192.168.1.13"; port = 80; weight = 1; } ); },
		  { address = "$BENCH_VIP6"; port = 80; protocol = "tcp";
		    scheduler = "rr"; method = "nat";
		    real_servers = (
		      { address = "fd01::11"; port = 80; weight = 1; },
		      { address = "fd01::12"; port = 80; weight = 1; },
		      { address = "fd01::13"; port = 80; weight = 1; } ); },
		  { address = "$BENCH_VIP"; port = $BENCH_UDP_PORT; protocol = "udp";
		    scheduler = "rr"; method = "nat";
		    real_servers = (
		      { address = "192.168.1.11"; port = $BENCH_UDP_PORT; weight = 1; },
		      { address = "192.168.1.12"; port = $BENCH_UDP_PORT; weight = 1; },
		      { address = "192.168.1.13"; port = $BENCH_UDP_PORT; weight = 1; } ); } );
	EOF
}

# bench_tandem_start: starts tandem-director in the lb namespace with the
# kernel's load-balancing addresses taken away (the engine answers for the
# VIP and the gateway through the virtual MAC). Returns 1, saying why, when
# the director is not built yet or does not come up.
bench_tandem_start() {
	local bin="$TD_BIN/tandem-director"
	if [ ! -x "$bin" ]; then
		echo "tandem: not yet available ($bin not built)"
		return 1
	fi
	bench_kernel_lb_off
	local run_dir="$LAB_TMP/tandem-run" conf="$LAB_TMP/tandem.conf"
	mkdir -p "$run_dir"
	bench_tandem_config "$conf" "$run_dir"
	lab_bg lb tandem-director "$bin" -f "$conf" --run-dir "$run_dir"
	BENCH_TANDEM_PID=$LAB_PID
	if ! wait_for "lab_exec client curl -sf -o /dev/null --max-time 1 http://$BENCH_VIP/ &&
		lab_exec client curl -sf -o /dev/null --max-time 1 'http://[$BENCH_VIP6]/'" 15; then
		echo "tandem: the director did not answer on $BENCH_VIP:80 and [$BENCH_VIP6]:80; its log:"
		tail -n 20 "$LAB_TMP/tandem-director.log" | sed 's/^/    /'
		bench_tandem_stop
		return 1
	fi
	return 0
}

# bench_tandem_stop: stops the director and gives the kernel its addresses
# back.
bench_tandem_stop() {
	if [ -n "$BENCH_TANDEM_PID" ]; then
		lab_stop "$BENCH_TANDEM_PID" TERM
		BENCH_TANDEM_PID=""
	fi
	bench_kernel_lb_on
}

# bench_tandem_pid: the process whose memory the bench reports.
bench_tandem_pid() { echo "$BENCH_TANDEM_PID"; }

# bench_tandem_status: the engine's counters (`tandemctl status --json`) as
# "name value" lines.
bench_tandem_status() {
	lab_exec lb "$TD_BIN/tandemctl" --run-dir "$LAB_TMP/tandem-run" \
		status --json 2>/dev/null | python3 -c '
import json, sys
for k, v in json.load(sys.stdin)["counters"].items():
    print(k, v)'
}
