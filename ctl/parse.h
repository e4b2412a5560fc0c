/* tandemctl's command line: ipvsadm's syntax (and checks, and messages)
 * parsed into a struct ctl_cmd; the same parser reads each -R line. Pure
 * apart from host and service name look-ups for non-numeric arguments. */
#ifndef TANDEM_CTL_PARSE_H
#define TANDEM_CTL_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "format.h"

/* Commands, in ipvsadm's order (its cmdnames[] index + 1). */
enum cmd_kind {
	CMD_NONE,
	CMD_ADD,	/* -A */
	CMD_EDIT,	/* -E */
	CMD_DEL,	/* -D */
	CMD_FLUSH,	/* -C */
	CMD_LIST,	/* -L, -l, or no arguments */
	CMD_ADDDEST,	/* -a */
	CMD_DELDEST,	/* -d */
	CMD_EDITDEST,	/* -e */
	CMD_SET,	/* --set tcp tcpfin udp */
	CMD_RESTORE,	/* -R */
	CMD_SAVE,	/* -S */
	CMD_ZERO,	/* -Z */
	CMD_STATUS,	/* tandemctl status */
	CMD_HELP,	/* -h */
	CMD_VERSION,	/* -v */
	CMD_KIND_MAX
};

/* Options given (ctl_cmd.opts), for ipvsadm's command/option table. */
enum cmd_opt {
	OPT_NUMERIC = 1 << 0,
	OPT_CONNECTION = 1 << 1,
	OPT_SERVICE = 1 << 2,
	OPT_SCHEDULER = 1 << 3,
	OPT_PERSISTENT = 1 << 4,
	OPT_NETMASK = 1 << 5,
	OPT_SERVER = 1 << 6,
	OPT_FORWARD = 1 << 7,
	OPT_WEIGHT = 1 << 8,
	OPT_UTHRESHOLD = 1 << 9,
	OPT_LTHRESHOLD = 1 << 10,
	OPT_TIMEOUT = 1 << 11,
	OPT_STATS = 1 << 12,
	OPT_RATE = 1 << 13,
	OPT_THRESHOLDS = 1 << 14,
	OPT_PERSISTENTCONN = 1 << 15,
	OPT_NOSORT = 1 << 16,
	OPT_EXACT = 1 << 17,
	OPT_OPS = 1 << 18,
	OPT_SCHEDFLAGS = 1 << 19,
	OPT_TUNTYPE = 1 << 20,
	OPT_TUNPORT = 1 << 21,
	OPT_TUNCSUM = 1 << 22,
	OPT_PE = 1 << 23,
};
#define CMD_N_OPTS	24

enum cmd_fwd { CMD_FWD_DR, CMD_FWD_NAT, CMD_FWD_TUN };

#define CMD_SCHED_MAX	64
#define CMD_RUNDIR_MAX	256
#define CMD_MAX_TIMEOUT	(86400L * 31)	/* ipvsadm's MAX_TIMEOUT */
#define CMD_DEF_PERSIST	360		/* libipvs IPVS_SVC_PERSISTENT_TIMEOUT */
#define CMD_DEF_SCHED	"wlc"
#define CMD_DEF_RUNDIR	"/run/tandem"

struct cmd_svc {
	int		 proto;		/* IPPROTO_TCP / _UDP / _SCTP */
	struct tnd_addr	 addr;
	uint16_t	 port;
	uint32_t	 fwmark;	/* -f: a service group instead */
};

struct ctl_cmd {
	enum cmd_kind	 kind;
	uint32_t	 opts;		/* OPT_* given */
	unsigned	 fmt;		/* FMT_* for listings */
	int		 json;		/* --json */
	char		 run_dir[CMD_RUNDIR_MAX];

	struct cmd_svc	 svc;		/* -t / -u / --sctp-service */
	char		 sched[CMD_SCHED_MAX];
	uint32_t	 persistent;	/* seconds, 0: not persistent */
	struct tnd_addr	 netmask;	/* IPv4 persistence mask */
	int		 netmask_len;	/* IPv6: prefix length 1..128 */
	int		 ops;		/* -o */
	char		 pe[8];		/* --pe NAME */
	char		 sched_flags[CMD_SCHED_MAX];	/* -b, comma list */

	struct tnd_addr	 daddr;		/* -r */
	uint16_t	 dport;
	enum cmd_fwd	 fwd;
	uint32_t	 weight;
	uint32_t	 u_threshold, l_threshold;
	char		 tun_type[8];	/* --tun-type ipip|gue; "" unset */
	uint32_t	 tun_port;	/* --tun-port */
	int		 tun_csum;	/* --tun-csum 1, --tun-nocsum 0 */

	uint32_t	 timeout[3];	/* --set tcp tcpfin udp */
};

/* Parse argv (argv[0] is the program name). Returns 0, or -1 with a
 * message in err (the caller prints it and usage, and exits 2). */
int	cmd_parse(int argc, char **argv, struct ctl_cmd *cmd, char *err,
	    size_t errlen);
/* Parse one -R line (ipvsadm -S syntax). Returns 0, 1 for a blank or
 * comment line, or -1 with a message in err. The line is modified. */
int	cmd_parse_line(char *line, struct ctl_cmd *cmd, char *err,
	    size_t errlen);
/* Usage text; full adds the command and option descriptions. */
void	cmd_usage(FILE *out, const char *prog, int full);
const char *cmd_name(enum cmd_kind kind);

#endif
