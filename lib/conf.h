/* The configuration model shared by every daemon, and its loader: one
 * libconfig file (default /etc/tandem/tandem.conf), validated into plain
 * structs. Errors name the file, the line and the key. */
#ifndef TANDEM_CONF_H
#define TANDEM_CONF_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"

#define CONF_DEFAULT_PATH	"/etc/tandem/tandem.conf"
#define CONF_DEFAULT_RUNDIR	"/run/tandem"
#define CONF_NAME_MAX		64
#define CONF_PATH_MAX		256
#define CONF_MAX_IFACES		16
#define CONF_MAX_VIPS		64
#define CONF_MAX_MEMBERS	32
#define CONF_MAX_STATUS		16
#define CONF_STR_MAX		256

/* conf_vs.sched_flags: the IPVS service flag bits (IP_VS_SVC_F_SCHED1/2). */
#define CONF_SF_FALLBACK	0x0008	/* sh/mh: skip unavailable servers */
#define CONF_SF_PORT		0x0010	/* sh/mh: hash the source port too */

enum fwd_method { FWD_DR, FWD_NAT, FWD_TUN };
enum tun_type { TUN_IPIP, TUN_GUE, TUN_GRE };

struct conf_check {			/* parsed now, used by tandem-checkd */
	int		present;
	char		type[16];	/* tcp http https smtp dns udp icmp misc */
	char		path[CONF_PATH_MAX];	/* http/https, default "/" */
	int		status[CONF_MAX_STATUS];	/* none: any 2xx */
	int		n_status;
	double		interval, timeout;	/* seconds: 60, 5 */
	int		rise, fall;		/* default 1, 1 */
	uint16_t	connect_port;		/* 0: the real server's port */
	int		retries;		/* default 1 */
	double		delay_before_retry;	/* default 1 */
	double		warmup;			/* default 0 */
	char		virtualhost[CONF_STR_MAX];
	char		sni[CONF_STR_MAX];
	char		digest[65];		/* hex MD5 or SHA-256, body */
	char		regex[CONF_STR_MAX];	/* POSIX ERE on the body */
	char		script[CONF_PATH_MAX];	/* misc: command line */
	char		payload[CONF_STR_MAX];	/* udp */
	char		expect[CONF_STR_MAX];	/* udp */
	char		query_name[CONF_STR_MAX];	/* dns, default "." */
	char		query_type[16];		/* dns, default "SOA" */
	char		helo_name[CONF_STR_MAX];	/* smtp */
	struct tnd_addr	connect_ip;	/* af 0: the real server's */
	struct tnd_addr	bindto;		/* af 0: the kernel's choice */
	char		ca_file[CONF_PATH_MAX];	/* https: verify with it */
	int		tls_verify;		/* https, default false */
	uint32_t	max_response;		/* http(s) bytes, 1 MiB */
	int		misc_dynamic;		/* exit 2..255: weight-2 */
	char		user[CONF_NAME_MAX];	/* misc, default "nobody" */
	int		line;
};

struct conf_rs {
	struct tnd_addr	addr;
	uint16_t	port;		/* 0 in the file: the virtual port */
	int		weight;		/* default 1 */
	uint32_t	u_threshold, l_threshold;	/* 0: no limit */
	int		inhibit_on_failure;	/* down: weight 0, kept */
	char		notify_up[CONF_PATH_MAX];	/* checkd runs them */
	char		notify_down[CONF_PATH_MAX];
	int		tun_type;		/* TUN_IPIP (default), GUE, GRE */
	uint16_t	tun_port;		/* GUE destination port */
	int		tun_csum;		/* GUE/GRE: send a checksum */
	struct conf_check check;
	int		line;
};

struct conf_vs {
	struct tnd_addr	addr;
	uint16_t	port;
	uint8_t		proto;		/* IPPROTO_TCP / IPPROTO_UDP / IPPROTO_SCTP;
					 * 0 for a group: every protocol */
	uint32_t	fwmark;		/* a service group (firewall-mark
					 * service) when not 0: members
					 * instead of address and port */
	struct addr_range members[CONF_MAX_MEMBERS];
	int		n_members;
	char		scheduler[16];	/* default "wlc" */
	enum fwd_method	method;		/* default DR; real servers inherit */
	uint32_t	persistence_timeout;	/* seconds, 0 = off */
	int		persistence_prefix;	/* template mask, 32/128 */
	uint32_t	sched_flags;		/* CONF_SF_* */
	int		ops;			/* one-packet sched. (udp) */
	int		pe_sip;			/* persistence_engine "sip" */
	int		quorum;			/* default 1 */
	int		hysteresis;		/* default 0 */
	char		name[CONF_NAME_MAX];	/* quorum's name for vrrp */
	int		alpha;			/* checked rs start down */
	char		quorum_up[CONF_PATH_MAX];	/* notify scripts */
	char		quorum_down[CONF_PATH_MAX];
	struct conf_rs	sorry;			/* sorry server, if has_sorry */
	int		has_sorry;
	struct conf_rs	*rs;
	int		n_rs;
	int		line;
};

struct conf_vip {
	struct tnd_addr	addr;
	int		prefix;
};

struct conf_timeouts {
	uint32_t	tcp, tcpfin, udp;	/* seconds; IPVS: 900 120 300 */
};

struct conf_director {
	char		interfaces[CONF_MAX_IFACES][CONF_NAME_MAX];
	int		n_interfaces;
	int		workers;		/* default 1 */
	uint32_t	conn_max;		/* default 1048576 */
	struct conf_timeouts timeouts;
	int		vrid;			/* default 1 */
	struct conf_vip	vips[CONF_MAX_VIPS];	/* director.virtual_ipaddress */
	int		n_vips;
	int		expire_nodest_conn;	/* IPVS sysctls, defaults */
	int		expire_quiescent_template;
	int		conn_reuse_mode;	/* default 1 */
	int		sloppy_tcp;
	int		sloppy_sctp;
	uint32_t	half_open_max;		/* per service; 0: conn_max/4 */
	uint32_t	ring_slots;		/* receive ring frames per worker */
};

struct conf_node {
	char		name[CONF_NAME_MAX];
	char		run_dir[CONF_PATH_MAX];
	int		log_level;		/* enum log_level */
	int		use_syslog;		/* node.syslog, default false */
	int		monitor_socket;		/* NAME.ro.sock, default false */
};

struct tandem_conf {
	char		path[CONF_PATH_MAX];
	struct conf_node node;
	struct conf_director director;
	struct conf_vs	*vs;
	int		n_vs;
	int		has_vrrp, has_sync, has_snmp;
};

/* Fill c with every default (no file read). */
void	conf_defaults(struct tandem_conf *c);
/* Load and validate path into c (which need not be initialised). On error
 * print every problem found, one per line as "FILE:LINE: KEY: message", to
 * err (NULL: print nothing) and return -1; c is then left empty (all zero,
 * conf_free is still safe). On success conf_free(c) releases it. */
int	conf_load(const char *path, struct tandem_conf *c, FILE *err);
/* The same from a string (unit tests, fuzzing); name (NULL: "-") is used
 * in messages and c->path. */
int	conf_load_string(const char *text, const char *name,
	    struct tandem_conf *c, FILE *err);
void	conf_free(struct tandem_conf *c);

const char *conf_method_name(enum fwd_method m);
int	conf_proto_parse(const char *s);	/* -1 on unknown */
/* The same, but NULL or "any" give 0 (a service group's every protocol). */
int	conf_proto_parse_any(const char *s);
const char *conf_proto_name(int proto);	/* "tcp" */

/* --- vrrp: parsed by lib/conf_vrrp.c for tandem-vrrpd ------------------ */

#define CONF_VRRP_MAX_INST	32
#define CONF_VRRP_MAX_PEERS	8
#define CONF_VRRP_MAX_TRACK	8

enum conf_vrrp_auth { CONF_AUTH_NONE, CONF_AUTH_PASS, CONF_AUTH_HMAC };

struct conf_vrrp_track {		/* a tracked interface or script */
	char		name[CONF_NAME_MAX];
	int		weight;		/* 0: failure means FAULT */
	int		has_weight;	/* script: overrides the script's */
};

struct conf_vrrp_script {		/* vrrp.scripts: track scripts */
	char		name[CONF_NAME_MAX];
	char		script[CONF_PATH_MAX];	/* command line */
	double		interval, timeout;	/* seconds: 1, interval */
	int		rise, fall;		/* default 1, 1 */
	int		weight;			/* default 0 */
	int		line;
};

struct conf_vrrp_inst {
	char		name[CONF_NAME_MAX];
	char		interface[CONF_NAME_MAX];
	int		vrid;
	int		priority;		/* default 100; 255 owner */
	int		version;		/* default 3 */
	uint32_t	advert_cs;		/* advert_int in centiseconds */
	struct conf_vip	vips[CONF_MAX_VIPS];
	int		n_vips;
	int		af;			/* of the VIPs */
	int		preempt;		/* default true */
	double		preempt_delay;		/* seconds */
	int		accept;			/* accept mode, default false */
	struct tnd_addr	unicast_src;		/* af 0: the interface's */
	struct tnd_addr	peers[CONF_VRRP_MAX_PEERS];	/* unicast_peers */
	int		n_peers;
	struct conf_vrrp_track track_if[CONF_VRRP_MAX_TRACK];
	int		n_track_if;
	struct conf_vrrp_track track_scripts[CONF_VRRP_MAX_TRACK];
	int		n_track_scripts;
	struct conf_vrrp_track track_checks[CONF_VRRP_MAX_TRACK];
	int		n_track_checks;		/* states sent by checkd */
	int		track_director;		/* default: vrrp.track_director */
	enum conf_vrrp_auth auth_type;
	char		auth_pass[9];		/* v2 PASS: up to 8 bytes */
	char		auth_key_file[CONF_PATH_MAX];	/* HMAC key */
	int		garp_repeat;		/* default 5 */
	double		garp_refresh;		/* seconds, 0 off */
	char		notify_master[CONF_PATH_MAX];
	char		notify_backup[CONF_PATH_MAX];
	char		notify_fault[CONF_PATH_MAX];
	char		notify_stop[CONF_PATH_MAX];
	char		notify[CONF_PATH_MAX];	/* every state, with args */
	int		line;
};

struct conf_vrrp_group {
	char		name[CONF_NAME_MAX];
	int		members[CONF_VRRP_MAX_INST];	/* instance indexes */
	int		n_members;
	char		notify_master[CONF_PATH_MAX];
	char		notify_backup[CONF_PATH_MAX];
	char		notify_fault[CONF_PATH_MAX];
	char		notify[CONF_PATH_MAX];
};

struct conf_vrrp {
	struct conf_vrrp_inst	*inst;
	int			 n_inst;
	struct conf_vrrp_group	*groups;
	int			 n_groups;
	struct conf_vrrp_script	*scripts;
	int			 n_scripts;
	char		notify_fifo[CONF_PATH_MAX];
	char		script_user[CONF_NAME_MAX];	/* default "nobody" */
	int		track_director;		/* default true */
	double		director_interval;	/* seconds, default 0.5 */
	double		director_timeout;	/* seconds, default 1 */
	int		director_fall;		/* default 2 */
	int		director_weight;	/* default 0: FAULT */
	/* from the sync section: the instance or sync group tandem-syncd
	 * follows ("": none), and how long a preemption hold waits for its
	 * bulk sync (seconds, default 30, 0 off) */
	char		sync_follow[CONF_NAME_MAX];
	double		preempt_hold;
};

/* The vrrp section of path (or of text) into v, validated; errors as
 * conf_load prints them. No vrrp section: v empty, 0. */
int	conf_vrrp_load(const char *path, struct conf_vrrp *v, FILE *err);
int	conf_vrrp_load_string(const char *text, const char *name,
	    struct conf_vrrp *v, FILE *err);
void	conf_vrrp_free(struct conf_vrrp *v);

#endif
