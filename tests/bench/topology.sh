# The bench's namespaces, and the kernel load balancers it compares with.
# Sourced by tests/bench/run.sh after tests/integration/lib.sh.
#
#   client 10.0.0.2 ----- ext ----- 10.0.0.10 lb 192.168.1.10 ----- int ----- rs1 .11 (+ .21)
#   client 192.168.1.2 --------------------------------------------- int ----- rs2 .12, rs3 .13
#
# and the same over IPv6: client fd00::2, lb fd00::10 and fd01::10, rs1..rs3
# fd01::11-13, client fd01::2 on "int". The client's second leg on "int" is
# the straight path to one real server; 192.168.1.21 (a second address of
# rs1) is routed through lb, for plain kernel forwarding. Real servers route
# everything else via 192.168.1.1 and fd01::1. nginx serves HTTP on port 80
# (both families); the UDP rate test's sinks listen on port 9000.

BENCH_VIP=10.0.0.100
BENCH_GW=192.168.1.1
BENCH_VIP6=fd00::100
BENCH_GW6=fd01::1
BENCH_UDP_PORT=9000
BENCH_HAPROXY_PID=""

bench_topology() {
	lab_bridge ext
	lab_bridge int
	lab_ns client
	lab_link client eth0 ext 10.0.0.2/24 fd00::2/64
	lab_link client eth1 int 192.168.1.2/24 fd01::2/64
	ip -n "$LAB-client" route add 192.168.1.21/32 via 10.0.0.10 ||
		lab_die "client route"
	lab_sysctl client net.ipv4.ip_local_port_range="1024 65535" \
		net.ipv4.tcp_tw_reuse=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	lab_ns lb
	lab_link lb eth0 ext 10.0.0.10/24 fd00::10/64
	lab_link lb eth1 int 192.168.1.10/24 fd01::10/64
	lab_sysctl lb net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096 \
		net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
	local i
	for i in 1 2 3; do
		lab_ns "rs$i"
		lab_link "rs$i" eth0 int "192.168.1.1$i/24" "fd01::1$i/64"
		ip -n "$LAB-rs$i" route add default via "$BENCH_GW" ||
			lab_die "default route in rs$i"
		ip -n "$LAB-rs$i" -6 route add default via "$BENCH_GW6" ||
			lab_die "IPv6 default route in rs$i"
		lab_sysctl "rs$i" net.core.somaxconn=4096 \
			net.ipv4.tcp_max_syn_backlog=4096
	done
	ip -n "$LAB-rs1" addr add 192.168.1.21/24 dev eth0
	bench_kernel_lb_on
	for i in 1 2 3; do
		LAB_NGINX_ACCESS_LOG=0 lab_nginx "rs$i" '*,::' 80 "rs$i"
	done
}

# The kernel of lb holds the VIP and the gateway address and forwards; this
# is how the kernel load balancers (nftables, HAProxy) run.
bench_kernel_lb_on() {
	ip -n "$LAB-lb" addr replace "$BENCH_VIP/24" dev eth0
	ip -n "$LAB-lb" addr replace "$BENCH_GW/24" dev eth1
	ip -n "$LAB-lb" addr replace "$BENCH_VIP6/64" dev eth0 nodad
	ip -n "$LAB-lb" addr replace "$BENCH_GW6/64" dev eth1 nodad
	lab_sysctl lb net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	bench_flush_neigh
}

# Tandem's engine answers for those addresses itself, through the virtual
# MAC: the kernel of lb must hold neither, nor forward.
bench_kernel_lb_off() {
	ip -n "$LAB-lb" addr del "$BENCH_VIP/24" dev eth0 2>/dev/null
	ip -n "$LAB-lb" addr del "$BENCH_GW/24" dev eth1 2>/dev/null
	ip -n "$LAB-lb" addr del "$BENCH_VIP6/64" dev eth0 2>/dev/null
	ip -n "$LAB-lb" addr del "$BENCH_GW6/64" dev eth1 2>/dev/null
	lab_sysctl lb net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	bench_flush_neigh
}

# Forget learnt MACs of the VIP and gateway, which move between the kernel
# of lb and the engine.
bench_flush_neigh() {
	local n
	for n in client rs1 rs2 rs3; do
		lab_has_ns "$n" && ip -n "$LAB-$n" neigh flush all 2>/dev/null
	done
	return 0
}

# nftables DNAT load balancing, the kernel's own NAT-mode director: HTTP
# over IPv4 and IPv6, and the UDP rate test's port.
bench_nft_start() {
	lab_exec lb nft -f - <<-EOF || return 1
		table ip tdbench {
		    chain prerouting {
		        type nat hook prerouting priority dstnat; policy accept;
		        ip daddr $BENCH_VIP tcp dport 80 dnat to numgen inc mod 3 map { 0 : 192.168.1.11, 1 : 192.168.1.12, 2 : 192.168.1.13 }
		        ip daddr $BENCH_VIP udp dport $BENCH_UDP_PORT dnat to numgen inc mod 3 map { 0 : 192.168.1.11, 1 : 192.168.1.12, 2 : 192.168.1.13 }
		    }
		}
		table ip6 tdbench6 {
		    chain prerouting {
		        type nat hook prerouting priority dstnat; policy accept;
		        ip6 daddr $BENCH_VIP6 tcp dport 80 dnat to numgen inc mod 3 map { 0 : fd01::11, 1 : fd01::12, 2 : fd01::13 }
		    }
		}
	EOF
}

bench_nft_stop() {
	lab_exec lb nft delete table ip tdbench 2>/dev/null
	lab_exec lb nft delete table ip6 tdbench6 2>/dev/null
	return 0
}

# HAProxy in TCP mode, round robin over the three servers.
bench_haproxy_start() {
	local cfg="$LAB_TMP/haproxy.cfg" maxconn
	# Two descriptors a connection, within this shell's limit.
	maxconn=$((($(ulimit -n) - 200) / 2))
	[ "$maxconn" -gt 40000 ] && maxconn=40000
	cat >"$cfg" <<-EOF
		global
		    maxconn $maxconn
		    nbthread 2
		    pidfile $LAB_TMP/haproxy.pid
		defaults
		    mode tcp
		    timeout connect 5s
		    timeout client 60s
		    timeout server 60s
		    maxconn $maxconn
		frontend vip
		    bind $BENCH_VIP:80 backlog 4096
		    default_backend web
		frontend vip6
		    bind [$BENCH_VIP6]:80 backlog 4096
		    default_backend web6
		backend web
		    balance roundrobin
		    server rs1 192.168.1.11:80
		    server rs2 192.168.1.12:80
		    server rs3 192.168.1.13:80
		backend web6
		    balance roundrobin
		    server rs1 [fd01::11]:80
		    server rs2 [fd01::12]:80
		    server rs3 [fd01::13]:80
	EOF
	lab_bg lb haproxy haproxy -db -f "$cfg"
	BENCH_HAPROXY_PID=$LAB_PID
	wait_for "lab_exec client curl -sf -o /dev/null --max-time 1 http://$BENCH_VIP/ &&
		lab_exec client curl -sf -o /dev/null --max-time 1 'http://[$BENCH_VIP6]/'" 10 || {
		echo "haproxy did not start:"
		sed 's/^/    /' "$LAB_TMP/haproxy.log"
		return 1
	}
}

bench_haproxy_stop() {
	[ -n "$BENCH_HAPROXY_PID" ] && lab_stop "$BENCH_HAPROXY_PID" TERM
	BENCH_HAPROXY_PID=""
	return 0
}
