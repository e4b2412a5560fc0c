# Helpers for integration tests: network-namespace labs, nginx real servers,
# bounded waiting and TAP output. Source it from a test script (as root):
#
#   . "$(dirname "$0")/lib.sh"
#   lab_nat_topology
#   lab_bg director director "$TD_BIN/tandem-director" -f "$LAB_TMP/d.conf"
#   wait_for "lab_exec client curl -sf http://10.0.0.100/" 10
#   tap_is "$(lab_exec client curl -s http://10.0.0.100/)" rs1 "first pick"
#   tap_done
#
# Everything a lab makes (namespaces, processes, files) carries this run's
# prefix and is removed by lab_cleanup, which runs on exit.

# --- state ------------------------------------------------------------------

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TD_BIN="$LAB_ROOT/build/bin"     # tandem-director, tandemctl
TD_TOOLS="$LAB_ROOT/build/tools" # udpecho, udpsend, framegen
# Name prefix: namespaces are "$LAB-NAME". tests/run.sh hands each suite its
# own in LAB_PREFIX (to find what a suite leaves behind); alone, "td<pid>".
LAB="${LAB_PREFIX:-td$$}"
unset LAB_PREFIX
LAB_TMP=""                       # this run's temp dir (configs, logs, www)
LAB_NSLIST=()                    # short names of the namespaces we made
LAB_PIDS=()                      # every background process we started
LAB_PID=""                       # pid of the last lab_bg / lab_nginx
LAB_LINKN=0                      # counter for switch-side veth names
LAB_BIG=""                       # path of the /big file every nginx serves
TAP_N=0                          # TAP test counter
TAP_FAILED=0                     # how many "not ok" so far

# --- TAP --------------------------------------------------------------------

# tap_ok DESC: one passing test.
tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

# tap_fail DESC [DIAG...]: one failing test; DIAG lines are printed as "# ..".
tap_fail() {
	local desc=$1
	shift
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $desc"
	local d
	for d in "$@"; do
		printf '%s\n' "$d" | sed 's/^/#   /'
	done
}

# tap_skip DESC REASON: a test that could not run here (counts as passed).
tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

# tap_is GOT WANT DESC: passes when GOT equals WANT exactly.
tap_is() {
	if [ "$1" == "$2" ]; then
		tap_ok "$3"
	else
		tap_fail "$3" "got:  '$1'" "want: '$2'"
	fi
}

# tap_like GOT REGEX DESC: passes when GOT matches the extended REGEX.
tap_like() {
	if [[ "$1" =~ $2 ]]; then
		tap_ok "$3"
	else
		tap_fail "$3" "got:  '$1'" "want match: /$2/"
	fi
}

# tap_cmd DESC CMD...: passes when CMD exits 0; prints its output on failure.
tap_cmd() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "command: $*" "exit status $rc" "$out"
	fi
}

# tap_done: prints the plan; returns (and, at the end of a script, exits
# with) 1 when any test failed.
tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# lab_die MSG: a lab could not be built; reported as a failing test, then exit.
lab_die() {
	tap_fail "lab: $*"
	exit 1
}

lab_log() { echo "# $*" >&2; }

# --- waiting ----------------------------------------------------------------

# wait_for CMD TIMEOUT: runs the shell command string CMD every 0.1 s until it
# succeeds (returns 0) or TIMEOUT seconds (default 5, decimals allowed) pass
# (returns 1). CMD's output is discarded.
wait_for() {
	local cmd=$1 timeout=${2:-5}
	local now deadline whole frac=0
	# Microseconds from bash's own clock: no fork per poll.
	now=${EPOCHREALTIME/[.,]/}
	whole=${timeout%%.*}
	[[ "$timeout" == *.* ]] && frac=${timeout#*.}
	frac="${frac}000000"
	deadline=$((now + ${whole:-0} * 1000000 + 10#${frac:0:6}))
	while :; do
		if eval "$cmd" >/dev/null 2>&1; then
			return 0
		fi
		now=${EPOCHREALTIME/[.,]/}
		[ "$now" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# --- namespaces and links ---------------------------------------------------

# lab_nsname NAME: prints the full namespace name for a lab namespace.
lab_nsname() { echo "$LAB-$1"; }

# lab_exec NAME CMD...: runs CMD inside lab namespace NAME (foreground).
lab_exec() {
	local ns=$1
	shift
	ip netns exec "$LAB-$ns" "$@"
}

# lab_init: makes the temp dir and installs the cleanup trap. Called on
# source; calling it again does nothing.
lab_init() {
	[ -n "$LAB_TMP" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "lib.sh: network labs need root" >&2
		exit 1
	fi
	LAB_TMP=$(mktemp -d "/tmp/$LAB.XXXXXX") || exit 1
	chmod 0755 "$LAB_TMP"
	# With an EXIT trap set, Debian 12's bash 5.2 may print "wait_for: No
	# record of process N" when a background process ends: harmless noise.
	trap lab_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

# lab_ns NAME: creates namespace "$LAB-NAME" with lo up.
lab_ns() {
	local name=$1
	ip netns add "$LAB-$name" || lab_die "cannot create namespace $LAB-$name"
	LAB_NSLIST+=("$name")
	ip -n "$LAB-$name" link set lo up
}

# lab_has_ns NAME: true when this lab made namespace NAME.
lab_has_ns() {
	local n
	for n in "${LAB_NSLIST[@]}"; do
		[ "$n" = "$1" ] && return 0
	done
	return 1
}

# lab_bridge BR: creates bridge BR (up, STP off) in the "switch" namespace,
# which is made on first use (with bridge netfilter off).
lab_bridge() {
	local br=$1
	if ! lab_has_ns switch; then
		lab_ns switch
		# A plain switch: br_netfilter (loaded on many hosts) would
		# otherwise validate, defragment and drop bridged IP frames,
		# hiding exactly the bad input the tests send.
		local k
		for k in arptables iptables ip6tables; do
			[ -e "/proc/sys/net/bridge/bridge-nf-call-$k" ] &&
				lab_sysctl switch "net.bridge.bridge-nf-call-$k=0"
		done
	fi
	ip -n "$LAB-switch" link add "$br" type bridge stp_state 0 ||
		lab_die "cannot create bridge $br"
	ip -n "$LAB-switch" link set "$br" up
}

# lab_link NS IFNAME BR [ADDR/PREFIX...]: a veth pair from namespace NS
# (named IFNAME there) to bridge BR in the switch namespace, up, with the
# given addresses (IPv6 ones without DAD). Offloads are left as they are.
lab_link() {
	local ns=$1 ifname=$2 br=$3
	shift 3
	local peer="$ns-$ifname"
	LAB_LINKN=$((LAB_LINKN + 1))
	[ ${#peer} -gt 15 ] && peer="l$LAB_LINKN-${ifname:0:8}"
	ip -n "$LAB-$ns" link add "$ifname" type veth peer name "$peer" \
		netns "$LAB-switch" ||
		lab_die "cannot create veth $ifname in $ns"
	ip -n "$LAB-switch" link set "$peer" master "$br" up ||
		lab_die "cannot attach $peer to $br"
	ip -n "$LAB-$ns" link set "$ifname" up
	local a
	for a in "$@"; do
		if [[ "$a" == *:* ]]; then
			ip -n "$LAB-$ns" addr add "$a" dev "$ifname" nodad
		else
			ip -n "$LAB-$ns" addr add "$a" dev "$ifname"
		fi || lab_die "cannot add $a to $ns/$ifname"
	done
}

# lab_lan BR IFNAME NS=ADDR[,ADDR...]...: a new bridge BR and, for each
# argument, namespace NS (made unless it exists) linked to BR as IFNAME
# with those addresses, as lab_link does.
#
#   lab_lan lan eth0 a=10.0.0.1/24 b=10.0.0.2/24
lab_lan() {
	local br=$1 ifname=$2 arg ns ips
	shift 2
	lab_bridge "$br"
	for arg in "$@"; do
		ns=${arg%%=*}
		IFS=, read -ra ips <<<"${arg#*=}"
		lab_has_ns "$ns" || lab_ns "$ns"
		lab_link "$ns" "$ifname" "$br" "${ips[@]}"
	done
}

# lab_dr_real_server NS BR ADDR/PREFIX VIP: namespace NS as a real server
# for direct routing: eth0 on bridge BR at ADDR, the VIP on lo; an IPv4
# one neither answers nor announces ARP for the VIP (arp_ignore=1,
# arp_announce=2), so that only the director's virtual MAC does.
lab_dr_real_server() {
	local ns=$1 br=$2 addr=$3 vip=$4
	lab_ns "$ns"
	lab_link "$ns" eth0 "$br" "$addr"
	if [[ "$vip" == *:* ]]; then
		ip -n "$LAB-$ns" addr add "$vip/128" dev lo
	else
		lab_sysctl "$ns" net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2 \
			net.ipv4.conf.eth0.arp_ignore=1 \
			net.ipv4.conf.eth0.arp_announce=2
		ip -n "$LAB-$ns" addr add "$vip/32" dev lo
	fi || lab_die "cannot add the VIP $vip to $ns/lo"
}

# lab_nat_real_server NS BR ADDR/PREFIX GATEWAY: namespace NS as a real
# server behind a NAT director: eth0 on bridge BR at ADDR, the default
# route via GATEWAY (the director's gateway VIP).
lab_nat_real_server() {
	local ns=$1 br=$2 addr=$3 gw=$4
	lab_ns "$ns"
	lab_link "$ns" eth0 "$br" "$addr"
	ip -n "$LAB-$ns" route add default via "$gw" ||
		lab_die "default route in $ns"
}

# lab_mac NS IFNAME: prints the MAC address of IFNAME in namespace NS.
lab_mac() {
	ip -n "$LAB-$1" -br link show dev "$2" | awk '{print $3}'
}

# lab_sysctl NS KEY=VALUE...: sets sysctls inside namespace NS.
lab_sysctl() {
	local ns=$1
	shift
	ip netns exec "$LAB-$ns" sysctl -qw "$@" >/dev/null ||
		lab_die "sysctl $* in $ns"
}

# --- processes --------------------------------------------------------------

# lab_bg NS LOGNAME CMD...: starts CMD in the background inside namespace NS,
# stdout and stderr to $LAB_TMP/LOGNAME.log; its pid is left in LAB_PID and
# remembered for cleanup. Call it directly, not in $(...).
lab_bg() {
	local ns=$1 logname=$2
	shift 2
	ip netns exec "$LAB-$ns" "$@" >"$LAB_TMP/$logname.log" 2>&1 </dev/null &
	LAB_PID=$!
	LAB_PIDS+=("$LAB_PID")
}

# lab_stop PID [SIGNAL]: signals one process we started (default TERM) and
# waits up to 5 s for it to go.
lab_stop() {
	local pid=$1 sig=${2:-TERM}
	kill -s "$sig" "$pid" 2>/dev/null || return 0
	wait_for "! kill -0 $pid" 5 || kill -s KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	# Reaped: cleanup must not signal or wait for that pid again.
	local keep=() q
	for q in "${LAB_PIDS[@]}"; do
		[ "$q" != "$pid" ] && keep+=("$q")
	done
	LAB_PIDS=("${keep[@]}")
	return 0
}

# lab_nginx NS ADDRS PORT NAME: nginx in namespace NS listening on PORT at
# each address of the comma-separated ADDRS ("*" = every address). "/"
# answers "NAME\n"; "/big" serves $LAB_BIG (4 MiB, the same file on every
# server); anything else comes from $LAB_TMP/nginx-TAG/www, where TAG is
# NAME-PORT with characters other than [A-Za-z0-9_-] made "_". Keep-alive on,
# one worker. Logs: $LAB_TMP/nginx-TAG/{access,error}.log
# (LAB_NGINX_ACCESS_LOG=0 turns the access log off, for benchmarks;
# LAB_NGINX_EXTRA adds its text to the server block, e.g. a TLS listener).
# Returns when nginx accepts connections.
lab_nginx() {
	local ns=$1 addrs=$2 port=$3 name=$4
	local tag="${name//[^A-Za-z0-9_-]/_}-$port"
	local dir="$LAB_TMP/nginx-$tag"
	local listen="" a alog="access_log $dir/access.log srv;"
	[ "${LAB_NGINX_ACCESS_LOG:-1}" = 0 ] && alog="access_log off;"
	mkdir -p "$dir/www" "$dir/tmp"
	lab_big_file
	IFS=, read -ra al <<<"$addrs"
	for a in "${al[@]}"; do
		if [ "$a" = "*" ]; then
			listen+="listen $port backlog=4096; "
		elif [[ "$a" == *:* ]]; then
			listen+="listen [$a]:$port backlog=4096; "
		else
			listen+="listen $a:$port backlog=4096; "
		fi
	done
	cat >"$dir/nginx.conf" <<-EOF
		worker_processes 1;
		daemon off;
		user root;
		pid $dir/nginx.pid;
		error_log $dir/error.log warn;
		events { worker_connections 16384; multi_accept on; }
		http {
		    log_format srv '\$remote_addr:\$remote_port \$server_addr:\$server_port "\$request" \$status \$body_bytes_sent';
		    $alog
		    client_body_temp_path $dir/tmp/body;
		    proxy_temp_path $dir/tmp/proxy;
		    fastcgi_temp_path $dir/tmp/fastcgi;
		    uwsgi_temp_path $dir/tmp/uwsgi;
		    scgi_temp_path $dir/tmp/scgi;
		    default_type text/plain;
		    sendfile on;
		    keepalive_timeout 65;
		    keepalive_requests 1000000;
		    server {
		        $listen
		        root $dir/www;
		        location = / { return 200 "$name\n"; }
		        location = /big { alias $LAB_BIG; }
		        ${LAB_NGINX_EXTRA:-}
		    }
		}
	EOF
	lab_bg "$ns" "nginx-$tag" nginx -p "$dir" -e "$dir/error.log" \
		-c "$dir/nginx.conf"
	local pid=$LAB_PID probe=${al[0]}
	[ "$probe" = "*" ] && probe=127.0.0.1
	[[ "$probe" == *:* ]] && probe="[$probe]"
	wait_for "lab_exec $ns curl -sf -o /dev/null --max-time 1 http://$probe:$port/" 10 ||
		lab_die "nginx $name on $ns $addrs:$port did not start: $(cat "$dir/error.log" "$LAB_TMP/nginx-$tag.log" 2>/dev/null)"
	LAB_PID=$pid
}

# lab_big_file: makes $LAB_BIG once (4 MiB of pseudo-random bytes).
lab_big_file() {
	[ -n "$LAB_BIG" ] && return 0
	LAB_BIG="$LAB_TMP/big"
	head -c $((4 * 1024 * 1024)) /dev/urandom >"$LAB_BIG"
}

# --- cleanup ----------------------------------------------------------------

# lab_cleanup: kills every process we started (and anything still running in
# our namespaces), deletes our namespaces and the temp dir (LAB_KEEP=1 keeps
# the temp dir, for a look at logs). Runs on EXIT; safe to call twice.
lab_cleanup() {
	local rc=$?
	trap - EXIT
	# Whatever the test's shell options, cleanup goes to the end; its
	# stderr is dropped, as processes may be gone already.
	set +euo pipefail
	lab_cleanup_quiet 2>/dev/null
	return $rc
}

# lab_signal_all SIGNAL: SIGNAL to every process we started, then to
# anything else still running in our namespaces.
lab_signal_all() {
	local p n pids
	for p in "${LAB_PIDS[@]}"; do
		kill -s "$1" "$p"
	done
	for n in "${LAB_NSLIST[@]}"; do
		pids=$(ip netns pids "$LAB-$n")
		[ -n "$pids" ] && kill -s "$1" $pids
	done
}

lab_cleanup_quiet() {
	local p n i alive
	lab_signal_all TERM
	# Give them two seconds, then force.
	for i in $(seq 20); do
		alive=0
		for p in "${LAB_PIDS[@]}"; do
			kill -0 "$p" && alive=1
		done
		[ $alive -eq 0 ] && break
		sleep 0.1
	done
	lab_signal_all KILL
	for p in "${LAB_PIDS[@]}"; do
		wait "$p"
	done
	for n in "${LAB_NSLIST[@]}"; do
		ip netns del "$LAB-$n"
	done
	LAB_PIDS=()
	LAB_NSLIST=()
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then
		if [ -n "${LAB_KEEP:-}" ]; then
			echo "# lab files kept in $LAB_TMP"
		else
			rm -rf "$LAB_TMP"
		fi
	fi
	LAB_TMP=""
}

# --- standard labs ----------------------------------------------------------

# lab_dr_topology: the direct-routing lab. Bridge "ext"; client 10.0.0.2/24;
# director eth0 10.0.0.10/24 (nothing started on it); rs1..rs3 at
# 10.0.0.11-13/24, each with the VIP 10.0.0.100/32 on lo, arp_ignore=1 and
# arp_announce=2, and nginx on port 80 (RIP and VIP) answering "rsN\n".
LAB_VIP=10.0.0.100
lab_dr_topology() {
	lab_bridge ext
	lab_ns client
	lab_link client eth0 ext 10.0.0.2/24
	lab_ns director
	lab_link director eth0 ext 10.0.0.10/24
	local i
	for i in 1 2 3; do
		lab_dr_real_server "rs$i" ext "10.0.0.1$i/24" "$LAB_VIP"
		lab_nginx "rs$i" "10.0.0.1$i,$LAB_VIP" 80 "rs$i"
	done
}

# lab_nat_topology: the NAT lab. Bridges "ext" and "int"; client 10.0.0.2/24
# (the VIP 10.0.0.100 is on-link); director eth0 10.0.0.10/24 and eth1
# 192.168.1.10/24; rs1..rs3 at 192.168.1.11-13/24 with default route via
# 192.168.1.1 (the engine's gateway VIP: on no kernel interface), nginx on
# port 80 answering "rsN\n" and on 8080 answering "rsN:8080\n".
lab_nat_topology() {
	lab_bridge ext
	lab_bridge int
	lab_ns client
	lab_link client eth0 ext 10.0.0.2/24
	lab_ns director
	lab_link director eth0 ext 10.0.0.10/24
	lab_link director eth1 int 192.168.1.10/24
	local i
	for i in 1 2 3; do
		lab_nat_real_server "rs$i" int "192.168.1.1$i/24" 192.168.1.1
		lab_nginx "rs$i" "192.168.1.1$i" 80 "rs$i"
		lab_nginx "rs$i" "192.168.1.1$i" 8080 "rs$i:8080"
	done
}

lab_init
