/* Named counters of the forwarding engine: every drop has a reason and a
 * counter. Workers keep their own arrays (no shared cache lines); the
 * control thread sums them for tandemctl status. */
#ifndef TANDEM_COUNTERS_H
#define TANDEM_COUNTERS_H

#include <stdint.h>

#define COUNTERS(X)							\
	X(RX_FRAMES,		"rx_frames")				\
	X(TX_FRAMES,		"tx_frames")				\
	X(TX_ERRORS,		"tx_errors")				\
	X(DROP_RING_FULL,	"drop_ring_full")			\
	X(ARP_REPLIES,		"arp_replies")				\
	X(CONN_CREATED,		"conns_created")			\
	X(DROP_TRUNC_ETH,	"drop_truncated_ethernet")		\
	X(DROP_ETHERTYPE,	"drop_ethertype")			\
	X(DROP_NOT_OURS,	"drop_not_owned")			\
	X(DROP_TRUNC_IP,	"drop_truncated_ip")			\
	X(DROP_IP_VERSION,	"drop_ip_version")			\
	X(DROP_BAD_IHL,		"drop_bad_ihl")				\
	X(DROP_BAD_IP_LEN,	"drop_bad_ip_length")			\
	X(DROP_IP_OPTIONS,	"drop_ip_options")			\
	X(DROP_FRAGMENT,	"drop_fragment")			\
	X(DROP_BAD_IP_CSUM,	"drop_bad_ip_checksum")			\
	X(DROP_TRUNC_L4,	"drop_truncated_l4")			\
	X(DROP_BAD_L4_HDR,	"drop_bad_l4_header")			\
	X(DROP_BAD_L4_CSUM,	"drop_bad_l4_checksum")			\
	X(DROP_PROTO,		"drop_protocol")			\
	X(DROP_NO_SERVICE,	"drop_no_service")			\
	X(DROP_NO_CONN,		"drop_no_conn")				\
	X(DROP_NO_DEST,		"drop_no_dest")				\
	X(DROP_DEST_DOWN,	"drop_dest_unavailable")		\
	X(DROP_CONN_LIMIT,	"drop_conn_limit")			\
	X(DROP_SYN_FLOOD,	"drop_syn_flood")			\
	X(DROP_NO_ROUTE,	"drop_no_route")			\
	X(DROP_NO_NEIGH,	"drop_no_neighbour")			\
	X(DROP_BAD_ARP,		"drop_bad_arp")				\
	X(DROP_TTL,		"drop_ttl")					\
	X(DROP_ICMP_QUOTE,	"drop_icmp_bad_quote")			\
	X(DROP_ICMP_NO_CONN,	"drop_icmp_no_conn")			\
	X(DROP_ICMP_TYPE,	"drop_icmp_type")				\
	X(ICMP_ECHO_REPLIES,	"icmp_echo_replies")			\
	X(DROP_IPV6_EXT,	"drop_ipv6_ext_header")			\
	X(DROP_BAD_ND,		"drop_bad_nd")				\
	X(DROP_TUN_GSO,		"drop_tunnel_gso")			\
	X(DROP_TUN_MTU,		"drop_tunnel_mtu")			\
	X(TUN_FRAG_NEEDED,	"tunnel_frag_needed_sent")		\
	X(ND_ADVERTS,		"nd_advertisements")			\
	X(ICMP_ERRORS_FWD,	"icmp_errors_forwarded")

enum counter {
#define X(id, name) CNT_##id,
	COUNTERS(X)
#undef X
	CNT_MAX
};

extern const char *const counter_names[CNT_MAX];

struct counters {
	uint64_t	v[CNT_MAX];
};

#endif
