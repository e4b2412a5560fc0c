/* ipvsadm's command line parsed into a struct ctl_cmd: getopt_long for the
 * options, then ipvsadm's command/option table, its value ranges and its
 * defaults (wlc, -p 360, DR, weight 1), with its error messages. */
#include "parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Long options without a short letter. */
enum {
	LO_SET = 256, LO_SCTP, LO_TIMEOUT, LO_STATS, LO_RATE, LO_THRESHOLDS,
	LO_PCONN, LO_NOSORT, LO_SORT, LO_RUNDIR, LO_JSON, LO_TUNTYPE, LO_TUNPORT,
	LO_TUNCSUM, LO_TUNNOCSUM, LO_TUNREMCSUM, LO_PE
};

#define SHORTOPTS	":AEDCRSaedLlZt:u:f:6s:p::M:r:gmiw:x:y:ncXob:hv"
#define CMD_MAX_WORDS	64

static const struct option longopts[] = {
	{ "add-service",	no_argument,		NULL, 'A' },
	{ "edit-service",	no_argument,		NULL, 'E' },
	{ "delete-service",	no_argument,		NULL, 'D' },
	{ "clear",		no_argument,		NULL, 'C' },
	{ "restore",		no_argument,		NULL, 'R' },
	{ "save",		no_argument,		NULL, 'S' },
	{ "add-server",		no_argument,		NULL, 'a' },
	{ "edit-server",	no_argument,		NULL, 'e' },
	{ "delete-server",	no_argument,		NULL, 'd' },
	{ "list",		no_argument,		NULL, 'L' },
	{ "zero",		no_argument,		NULL, 'Z' },
	{ "set",		no_argument,		NULL, LO_SET },
	{ "tcp-service",	required_argument,	NULL, 't' },
	{ "udp-service",	required_argument,	NULL, 'u' },
	{ "fwmark-service",	required_argument,	NULL, 'f' },
	{ "sctp-service",	required_argument,	NULL, LO_SCTP },
	{ "scheduler",		required_argument,	NULL, 's' },
	{ "persistent",		optional_argument,	NULL, 'p' },
	{ "netmask",		required_argument,	NULL, 'M' },
	{ "real-server",	required_argument,	NULL, 'r' },
	{ "gatewaying",		no_argument,		NULL, 'g' },
	{ "masquerading",	no_argument,		NULL, 'm' },
	{ "ipip",		no_argument,		NULL, 'i' },
	{ "weight",		required_argument,	NULL, 'w' },
	{ "u-threshold",	required_argument,	NULL, 'x' },
	{ "l-threshold",	required_argument,	NULL, 'y' },
	{ "numeric",		no_argument,		NULL, 'n' },
	{ "connection",		no_argument,		NULL, 'c' },
	{ "timeout",		no_argument,		NULL, LO_TIMEOUT },
	{ "stats",		no_argument,		NULL, LO_STATS },
	{ "rate",		no_argument,		NULL, LO_RATE },
	{ "thresholds",		no_argument,		NULL, LO_THRESHOLDS },
	{ "persistent-conn",	no_argument,		NULL, LO_PCONN },
	{ "nosort",		no_argument,		NULL, LO_NOSORT },
	{ "sort",		no_argument,		NULL, LO_SORT },
	{ "exact",		no_argument,		NULL, 'X' },
	{ "ops",		no_argument,		NULL, 'o' },
	{ "sched-flags",	required_argument,	NULL, 'b' },
	{ "run-dir",		required_argument,	NULL, LO_RUNDIR },
	{ "json",		no_argument,		NULL, LO_JSON },
	{ "tun-type",		required_argument,	NULL, LO_TUNTYPE },
	{ "tun-port",		required_argument,	NULL, LO_TUNPORT },
	{ "tun-csum",		no_argument,		NULL, LO_TUNCSUM },
	{ "pe",			required_argument,	NULL, LO_PE },
	{ "tun-nocsum",		no_argument,		NULL, LO_TUNNOCSUM },
	{ "tun-remcsum",	no_argument,		NULL, LO_TUNREMCSUM },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

static const char *const cmdnames[CMD_KIND_MAX] = {
	"none", "add-service", "edit-service", "delete-service", "flush",
	"list", "add-server", "delete-server", "edit-server", "set",
	"restore", "save", "zero", "status", "help", "version",
};

static const char *const optnames[CMD_N_OPTS] = {
	"numeric", "connection", "service-address", "scheduler",
	"persistent", "netmask", "real-server", "forwarding-method",
	"weight", "u-threshold", "l-threshold", "timeout", "stats", "rate",
	"thresholds", "persistent-conn", "nosort", "exact", "ops",
	"sched-flags", "tun-type", "tun-port", "tun-csum", "pe",
};

/*
 * ipvsadm's commands_v_options, one column per enum cmd_opt bit:
 * '+' required, 'x' illegal, '1' at most one of the '1's, ' ' optional.
 *      n c svc s p M r fwd w x y to st rt thr pc srt ex ops b tt tp tc pe
 */
static const char optcheck[CMD_KIND_MAX][CMD_N_OPTS + 1] = {
	[CMD_ADD] =	"xx+   xxxxxxxxxxxx  xxx ",
	[CMD_EDIT] =	"xx+   xxxxxxxxxxxx  xxx ",
	[CMD_DEL] =	"xx+xxxxxxxxxxxxxxxxxxxxx",
	[CMD_FLUSH] =	"xxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_LIST] =	" 11xxxxxxxx1      xxxxxx",
	[CMD_ADDDEST] =	"xx+xxx+    xxxxxxxxx   x",
	[CMD_DELDEST] =	"xx+xxx+xxxxxxxxxxxxxxxxx",
	[CMD_EDITDEST] = "xx+xxx+    xxxxxxxxx   x",
	[CMD_SET] =	"xxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_RESTORE] =	"xxxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_SAVE] =	" xxxxxxxxxxxxxxxxxxxxxxx",
	[CMD_ZERO] =	"xx xxxxxxxxxxxxxxxxxxxxx",
	[CMD_STATUS] =	"xxxxxxxxxxxxxxxxxxxxxxxx",
};

static const char *const schedflag_names[] = {
	"flag-1", "flag-2", "flag-3", "sh-fallback", "sh-port",
	"mh-fallback", "mh-port",
};

/* Parser state: arguments kept raw until the service is known. */
struct pstate {
	struct ctl_cmd	*cmd;
	const char	*server_arg;	/* -r */
	const char	*mask_arg;	/* -M */
	char		*err;
	size_t		 errlen;
};

static int perr(struct pstate *ps, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
perr(struct pstate *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
cmd_name(enum cmd_kind kind)
{
	return kind < CMD_KIND_MAX ? cmdnames[kind] : "?";
}

static int
all_digits(const char *s)
{
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* ipvsadm's string_to_number: a whole decimal number in [min, max]. */
static int
num_parse(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static const char *
proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	default:
		return "tcp";
	}
}

static int
port_parse(const char *s, int proto, uint16_t *port)
{
	struct servent *se;
	long v;

	if (num_parse(s, 0, 65535, &v) == 0) {
		*port = (uint16_t)v;
		return 0;
	}
	if (*s == '\0' || (se = getservbyname(s, proto_name(proto))) == NULL)
		return -1;
	*port = ntohs((uint16_t)se->s_port);
	return 0;
}

/* IPv4 as inet_aton reads it (as ipvsadm does), else a host name. */
static int
host4_parse(const char *s, struct tnd_addr *a)
{
	struct addrinfo hints, *res;
	struct in_addr in;

	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p))
			return -1;
	if (*s == '\0')
		return -1;
	if (inet_aton(s, &in) == 0) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_INET;
		if (getaddrinfo(s, NULL, &hints, &res) != 0)
			return -1;
		in = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
		freeaddrinfo(res);
	}
	a->af = AF_INET;
	memcpy(a->bytes, &in, 4);
	return 0;
}

/*
 * ipvsadm's parse_service: "host[:port]", "[v6]:port" or a bare IPv6
 * address; a string of digits alone is not an address. *has_port tells
 * whether a port was given.
 */
static int
hostport_parse(const char *arg, int proto, struct tnd_addr *a,
    uint16_t *port, int *has_port)
{
	char buf[256], *host = buf, *portp = NULL;
	size_t n = strlen(arg);

	memset(a, 0, sizeof(*a));
	*port = 0;
	*has_port = 0;
	if (n == 0 || n >= sizeof(buf) || all_digits(arg))
		return -1;
	memcpy(buf, arg, n + 1);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		/* "[v6]:port", and "[v6]" alone (ipvsadm wants the port) */
		if (close == NULL || (close[1] != ':' && close[1] != '\0'))
			return -1;
		if (close[1] == ':')
			portp = close + 2;
		*close = '\0';
		host = buf + 1;
		if (inet_pton(AF_INET6, host, a->bytes) != 1)
			return -1;
		a->af = AF_INET6;
	} else if (inet_pton(AF_INET6, buf, a->bytes) == 1) {
		a->af = AF_INET6;
	} else {
		char *colon = strrchr(buf, ':');
		if (colon != NULL) {
			*colon = '\0';
			portp = colon + 1;
		}
		if (host4_parse(host, a) == -1)
			return -1;
	}
	if (portp == NULL)
		return 0;
	*has_port = 1;
	return port_parse(portp, proto, port);
}

static int
set_command(struct pstate *ps, enum cmd_kind kind)
{
	if (ps->cmd->kind != CMD_NONE)
		return perr(ps, "multiple commands specified");
	ps->cmd->kind = kind;
	return 0;
}

static int
set_option(struct pstate *ps, uint32_t opt)
{
	int i;

	if (ps->cmd->opts & opt) {
		for (i = 0; i < CMD_N_OPTS && !(opt & (1u << i)); i++)
			;
		return perr(ps, "multiple '%s' options specified",
		    i < CMD_N_OPTS ? optnames[i] : "?");
	}
	ps->cmd->opts |= opt;
	return 0;
}

static int
opt_service(struct pstate *ps, int proto, const char *arg)
{
	struct ctl_cmd *cmd = ps->cmd;
	int has_port;

	if (set_option(ps, OPT_SERVICE) == -1)
		return -1;
	cmd->svc.proto = proto;
	if (hostport_parse(arg, proto, &cmd->svc.addr, &cmd->svc.port,
	    &has_port) == -1)
		return perr(ps, "illegal virtual server address[:port] specified");
	return 0;
}

/* -f MARK: Tandem's service groups stand in for firewall-mark services. */
static int
opt_fwmark(struct pstate *ps, const char *arg)
{
	struct ctl_cmd *cmd = ps->cmd;
	char *end;
	long v;

	if (set_option(ps, OPT_SERVICE) == -1)
		return -1;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end != '\0' || v < 1 || v > INT32_MAX)
		return perr(ps, "illegal virtual server address[:port] specified");
	cmd->svc.fwmark = (uint32_t)v;
	cmd->svc.proto = 0;
	return 0;
}

static int
opt_number(struct pstate *ps, uint32_t opt, const char *arg, long max,
    uint32_t *out, const char *what)
{
	long v;

	if (set_option(ps, opt) == -1)
		return -1;
	if (num_parse(arg, 0, max, &v) == -1)
		return perr(ps, "illegal %s specified", what);
	*out = (uint32_t)v;
	return 0;
}

static int
opt_persistent(struct pstate *ps, const char *arg)
{
	long v = CMD_DEF_PERSIST;

	if (set_option(ps, OPT_PERSISTENT) == -1)
		return -1;
	if (arg != NULL && num_parse(arg, 1, CMD_MAX_TIMEOUT, &v) == -1)
		return perr(ps, "invalid timeout value `%s' specified", arg);
	ps->cmd->persistent = (uint32_t)v;
	return 0;
}

static int
opt_string(struct pstate *ps, uint32_t opt, const char *arg, char *dst,
    size_t len, const char *what)
{
	if (set_option(ps, opt) == -1)
		return -1;
	if (strlen(arg) >= len || *arg == '\0')
		return perr(ps, "illegal %s specified", what);
	memcpy(dst, arg, strlen(arg) + 1);
	return 0;
}

static int
opt_forward(struct pstate *ps, enum cmd_fwd fwd)
{
	if (set_option(ps, OPT_FORWARD) == -1)
		return -1;
	ps->cmd->fwd = fwd;
	return 0;
}

static int
opt_format(struct pstate *ps, uint32_t opt, unsigned fmt)
{
	if (set_option(ps, opt) == -1)
		return -1;
	ps->cmd->fmt |= fmt;
	return 0;
}

static int
opt_rundir(struct pstate *ps, const char *arg)
{
	if (*arg == '\0' || strlen(arg) >= sizeof(ps->cmd->run_dir))
		return perr(ps, "illegal run directory `%s' specified", arg);
	memcpy(ps->cmd->run_dir, arg, strlen(arg) + 1);
	return 0;
}

/* One option from getopt_long; the caller has already fetched a detached
 * -p value into arg. */
static int
opt_apply(struct pstate *ps, int c, const char *arg)
{
	struct ctl_cmd *cmd = ps->cmd;

	switch (c) {
	case 'A': return set_command(ps, CMD_ADD);
	case 'E': return set_command(ps, CMD_EDIT);
	case 'D': return set_command(ps, CMD_DEL);
	case 'C': return set_command(ps, CMD_FLUSH);
	case 'R': return set_command(ps, CMD_RESTORE);
	case 'S': return set_command(ps, CMD_SAVE);
	case 'a': return set_command(ps, CMD_ADDDEST);
	case 'e': return set_command(ps, CMD_EDITDEST);
	case 'd': return set_command(ps, CMD_DELDEST);
	case 'L': case 'l': return set_command(ps, CMD_LIST);
	case 'Z': return set_command(ps, CMD_ZERO);
	case LO_SET: return set_command(ps, CMD_SET);
	case 't': return opt_service(ps, IPPROTO_TCP, arg);
	case 'u': return opt_service(ps, IPPROTO_UDP, arg);
	case 'f': return opt_fwmark(ps, arg);
	case LO_SCTP: return opt_service(ps, IPPROTO_SCTP, arg);
	case 's':
		return opt_string(ps, OPT_SCHEDULER, arg, cmd->sched,
		    sizeof(cmd->sched), "scheduler name");
	case 'b':
		return opt_string(ps, OPT_SCHEDFLAGS, arg, cmd->sched_flags,
		    sizeof(cmd->sched_flags), "scheduler flags");
	case 'p': return opt_persistent(ps, arg);
	case 'M':
		ps->mask_arg = arg;
		return set_option(ps, OPT_NETMASK);
	case 'r':
		ps->server_arg = arg;
		return set_option(ps, OPT_SERVER);
	case 'g': return opt_forward(ps, CMD_FWD_DR);
	case 'm': return opt_forward(ps, CMD_FWD_NAT);
	case 'i': return opt_forward(ps, CMD_FWD_TUN);
	case 'w':
		return opt_number(ps, OPT_WEIGHT, arg, 65535, &cmd->weight,
		    "weight");
	case 'x':
		return opt_number(ps, OPT_UTHRESHOLD, arg, INT_MAX,
		    &cmd->u_threshold, "u_threshold");
	case 'y':
		return opt_number(ps, OPT_LTHRESHOLD, arg, INT_MAX,
		    &cmd->l_threshold, "l_threshold");
	case 'n': return opt_format(ps, OPT_NUMERIC, FMT_NUMERIC);
	case 'c': return set_option(ps, OPT_CONNECTION);
	case LO_TIMEOUT: return set_option(ps, OPT_TIMEOUT);
	case LO_STATS: return opt_format(ps, OPT_STATS, FMT_STATS);
	case LO_RATE: return opt_format(ps, OPT_RATE, FMT_RATE);
	case LO_THRESHOLDS:
		return opt_format(ps, OPT_THRESHOLDS, FMT_THRESHOLDS);
	case LO_PCONN:
		return opt_format(ps, OPT_PERSISTENTCONN, FMT_PERSISTENTCONN);
	case LO_NOSORT: return opt_format(ps, OPT_NOSORT, FMT_NOSORT);
	case LO_SORT: return 0;		/* ipvsadm: a no-op, sorting is the default */
	case 'X': return opt_format(ps, OPT_EXACT, FMT_EXACT);
	case 'o':
		cmd->ops = 1;
		return set_option(ps, OPT_OPS);
	case LO_RUNDIR: return opt_rundir(ps, arg);
	case LO_JSON:
		cmd->json = 1;
		return 0;
	case LO_TUNTYPE:
		if (strcmp(arg, "ipip") != 0 && strcmp(arg, "gue") != 0 &&
		    strcmp(arg, "gre") != 0)
			return perr(ps, "unknown tunnel type %s (ipip, gue, gre)", arg);
		snprintf(cmd->tun_type, sizeof(cmd->tun_type), "%s", arg);
		return set_option(ps, OPT_TUNTYPE);
	case LO_PE:
		if (strcmp(arg, "sip") != 0)
			return perr(ps, "unknown persistence engine %s (sip)", arg);
		snprintf(cmd->pe, sizeof(cmd->pe), "%s", arg);
		return set_option(ps, OPT_PE);
	case '6':
		/* -f MARK -6: the family of a group comes from its members. */
		return 0;
	case LO_TUNCSUM:
	case LO_TUNNOCSUM:
		cmd->tun_csum = c == LO_TUNCSUM;
		return set_option(ps, OPT_TUNCSUM);
	case LO_TUNREMCSUM:
		return perr(ps, "--tun-remcsum (remote checksum offload) is not "
		    "supported; use --tun-csum");
	case LO_TUNPORT:
		return opt_number(ps, OPT_TUNPORT, arg, 65535, &cmd->tun_port,
		    "tunnel port");
	default:
		return perr(ps, "invalid option");
	}
}

/* getopt_long's error for the option just read, in words. */
static int
opt_error(struct pstate *ps, int c, char **argv)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	int is_long = strncmp(word, "--", 2) == 0;

	if (c == ':') {
		if (!is_long && optopt > 0 && optopt < 256)
			return perr(ps, "option `-%c' requires an argument",
			    optopt);
		return perr(ps, "option `%s' requires an argument", word);
	}
	if (!is_long && optopt > 0 && optopt < 256)
		return perr(ps, "invalid option `-%c'", optopt);
	return perr(ps, "invalid option `%s'", word);
}

/* Non-option words: the --set values or the "status" command. */
static int
words_apply(struct pstate *ps, int argc, char **argv)
{
	struct ctl_cmd *cmd = ps->cmd;
	int i = optind;

	if (cmd->kind == CMD_SET) {
		if (argc - i < 3)
			return perr(ps, "--set option requires 3 timeout values");
		for (int k = 0; k < 3; k++, i++) {
			long v;
			if (num_parse(argv[i], 0, CMD_MAX_TIMEOUT, &v) == -1)
				return perr(ps, "invalid timeout value `%s' "
				    "specified", argv[i]);
			cmd->timeout[k] = (uint32_t)v;
		}
	} else if (cmd->kind == CMD_NONE && i < argc &&
	    strcmp(argv[i], "status") == 0) {
		cmd->kind = CMD_STATUS;
		i++;
	}
	if (i < argc)
		return perr(ps, "unexpected argument %s", argv[i]);
	return 0;
}

/* ipvsadm's generic_opt_check over the optcheck table. */
static int
table_check(struct pstate *ps)
{
	const struct ctl_cmd *cmd = ps->cmd;
	const char *row = optcheck[cmd->kind];
	const char *name = cmdnames[cmd->kind];
	int last = -1;

	for (int j = 0; j < CMD_N_OPTS; j++) {
		int given = (cmd->opts & (1u << j)) != 0;

		if (!given && row[j] == '+')
			return perr(ps, "You need to supply the '%s' option "
			    "for the '%s' command", optnames[j], name);
		if (!given)
			continue;
		if (row[j] == 'x')
			return perr(ps, "Illegal '%s' option with the '%s' "
			    "command", optnames[j], name);
		if (row[j] == '1') {
			if (last >= 0)
				return perr(ps, "The option '%s' conflicts "
				    "with the '%s' option in the '%s' command",
				    optnames[j], optnames[last], name);
			last = j;
		}
	}
	if (cmd->kind == CMD_LIST &&
	    (cmd->opts & (OPT_CONNECTION | OPT_TIMEOUT)) &&
	    (cmd->opts & (OPT_STATS | OPT_RATE | OPT_THRESHOLDS |
	    OPT_PERSISTENTCONN)))
		return perr(ps, "options conflicts in the list command");
	return 0;
}

static int
netmask_apply(struct pstate *ps)
{
	struct ctl_cmd *cmd = ps->cmd;
	struct in_addr in;
	long v;

	if (cmd->svc.addr.af == AF_INET6) {
		cmd->netmask_len = 128;
		if (ps->mask_arg == NULL)
			return 0;
		if (num_parse(ps->mask_arg, 1, 128, &v) == -1)
			return perr(ps, "illegal ipv6 netmask specified");
		cmd->netmask_len = (int)v;
		return 0;
	}
	cmd->netmask.af = AF_INET;
	memset(cmd->netmask.bytes, 0xff, 4);
	if (ps->mask_arg == NULL)
		return 0;
	if (inet_aton(ps->mask_arg, &in) == 0)
		return perr(ps, "illegal virtual server persistent mask "
		    "specified");
	memcpy(cmd->netmask.bytes, &in, 4);
	return 0;
}

/* ipvsadm's -b: known names only, sh-* with sh and mh-* with mh. */
static int
schedflags_check(struct pstate *ps)
{
	char buf[CMD_SCHED_MAX], *save = NULL;
	const struct ctl_cmd *cmd = ps->cmd;

	memcpy(buf, cmd->sched_flags, sizeof(buf));
	for (char *f = strtok_r(buf, ",", &save); f != NULL;
	    f = strtok_r(NULL, ",", &save)) {
		size_t i, n = sizeof(schedflag_names) / sizeof(schedflag_names[0]);

		for (i = 0; i < n && strcmp(f, schedflag_names[i]) != 0; i++)
			;
		if (i == n)
			return perr(ps, "invalid scheduler flag `%s'", f);
		if ((strncmp(f, "sh-", 3) == 0 && strcmp(cmd->sched, "sh") != 0) ||
		    (strncmp(f, "mh-", 3) == 0 && strcmp(cmd->sched, "mh") != 0))
			return perr(ps, "incompatible scheduler flag `%s'", f);
	}
	return 0;
}

static int
service_finish(struct pstate *ps)
{
	struct ctl_cmd *cmd = ps->cmd;

	if (cmd->svc.port == 0 && !(cmd->opts & OPT_PERSISTENT))
		return perr(ps, "Zero port specified for non-persistent service");
	if (cmd->ops && cmd->svc.proto != IPPROTO_UDP)
		return perr(ps, "One-Packet Scheduling is only for UDP virtual "
		    "services");
	if (cmd->sched[0] == '\0')
		memcpy(cmd->sched, CMD_DEF_SCHED, sizeof(CMD_DEF_SCHED));
	if (schedflags_check(ps) == -1)
		return -1;
	return netmask_apply(ps);
}

static int
server_finish(struct pstate *ps)
{
	struct ctl_cmd *cmd = ps->cmd;
	int has_port;

	if (hostport_parse(ps->server_arg, cmd->svc.proto, &cmd->daddr,
	    &cmd->dport, &has_port) == -1)
		return perr(ps, "illegal real server address[:port] specified");
	if (!has_port)
		cmd->dport = cmd->svc.port;
	if (cmd->kind == CMD_DELDEST)
		return 0;
	if (!cmd->svc.fwmark && cmd->daddr.af != cmd->svc.addr.af &&
	    cmd->fwd != CMD_FWD_TUN)
		return perr(ps, "Different address family is allowed only "
		    "for tunneling servers");
	/* DR and TUN keep the destination port: ipvsadm forces it. */
	if (cmd->fwd == CMD_FWD_DR || cmd->fwd == CMD_FWD_TUN)
		cmd->dport = cmd->svc.port;
	return 0;
}

static void
cmd_defaults(struct ctl_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->kind = CMD_NONE;
	cmd->weight = 1;
	cmd->fwd = CMD_FWD_DR;
	memcpy(cmd->run_dir, CMD_DEF_RUNDIR, sizeof(CMD_DEF_RUNDIR));
}

static int
options_read(struct pstate *ps, int argc, char **argv)
{
	int c;

	optind = 0;	/* GNU: start afresh, also for each -R line */
	opterr = 0;
	while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		const char *arg = optarg;

		if (c == ':' || c == '?')
			return opt_error(ps, c, argv);
		if (c == 'h' || c == 'v') {
			ps->cmd->kind = c == 'h' ? CMD_HELP : CMD_VERSION;
			return 0;
		}
		/* -p takes its optional value as a separate word too, as
		 * ipvsadm's popt does: "-p 600". */
		if (c == 'p' && arg == NULL && optind < argc &&
		    argv[optind][0] != '-')
			arg = argv[optind++];
		if (opt_apply(ps, c, arg) == -1)
			return -1;
	}
	return words_apply(ps, argc, argv);
}

int
cmd_parse(int argc, char **argv, struct ctl_cmd *cmd, char *err,
    size_t errlen)
{
	struct pstate ps = { cmd, NULL, NULL, err, errlen };

	cmd_defaults(cmd);
	if (errlen > 0)
		err[0] = '\0';
	if (options_read(&ps, argc, argv) == -1)
		return -1;
	if (cmd->kind == CMD_HELP || cmd->kind == CMD_VERSION)
		return 0;
	if (cmd->kind == CMD_NONE) {
		if (cmd->opts != 0)
			return perr(&ps, "no command specified");
		cmd->kind = CMD_LIST;	/* plain "tandemctl" lists, as ipvsadm */
	}
	if (table_check(&ps) == -1)
		return -1;
	switch (cmd->kind) {
	case CMD_ADD:
	case CMD_EDIT:
		return service_finish(&ps);
	case CMD_ADDDEST:
	case CMD_EDITDEST:
	case CMD_DELDEST:
		return server_finish(&ps);
	case CMD_SAVE:
		cmd->fmt |= FMT_RULE;
		return 0;
	default:
		return 0;
	}
}

int
cmd_parse_line(char *line, struct ctl_cmd *cmd, char *err, size_t errlen)
{
	char *argv[CMD_MAX_WORDS + 2], *save = NULL;
	int argc = 0;

	argv[argc++] = (char *)"tandemctl";
	for (char *w = strtok_r(line, " \t\r\n\v\f", &save); w != NULL;
	    w = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (argc == 1 && w[0] == '#')
			break;
		if (argc > CMD_MAX_WORDS) {
			snprintf(err, errlen, "too many words in one line");
			return -1;
		}
		argv[argc++] = w;
	}
	if (argc == 1)
		return 1;
	argv[argc] = NULL;
	if (cmd_parse(argc, argv, cmd, err, errlen) == -1)
		return -1;
	switch (cmd->kind) {
	case CMD_RESTORE:
	case CMD_STATUS:
	case CMD_HELP:
	case CMD_VERSION:
		snprintf(err, errlen, "the '%s' command cannot be restored",
		    cmdnames[cmd->kind]);
		return -1;
	default:
		return 0;
	}
}
