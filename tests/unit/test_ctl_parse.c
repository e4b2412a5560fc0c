/* tandemctl's ipvsadm-syntax parser: defaults, values, ipvsadm's checks
 * and their exact messages, and -R lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define ERRLEN	256

/* Split a command line on spaces and parse it. */
static int
parse(const char *line, struct ctl_cmd *cmd, char *err)
{
	char buf[1024], *argv[64], *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = (char *)"tandemctl";
	for (char *w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return cmd_parse(argc, argv, cmd, err, ERRLEN);
}

static void
ok(const char *line, struct ctl_cmd *cmd)
{
	char err[ERRLEN];

	if (parse(line, cmd, err) != 0)
		fail_msg("\"%s\" failed: %s", line, err);
}

static void
bad(const char *line, const char *msg)
{
	struct ctl_cmd cmd;
	char err[ERRLEN];

	if (parse(line, &cmd, err) != -1)
		fail_msg("\"%s\" was accepted", line);
	assert_string_equal(err, msg);
}

static void
assert_addr(const struct tnd_addr *a, const char *want)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_str(a, buf, sizeof(buf)), want);
}

static void
test_add_service_defaults(void **state)
{
	struct ctl_cmd c;

	ok("-A -t 10.0.0.100:80", &c);
	assert_int_equal(c.kind, CMD_ADD);
	assert_int_equal(c.svc.proto, IPPROTO_TCP);
	assert_addr(&c.svc.addr, "10.0.0.100");
	assert_int_equal(c.svc.port, 80);
	assert_string_equal(c.sched, "wlc");
	assert_int_equal(c.persistent, 0);
	assert_addr(&c.netmask, "255.255.255.255");
	assert_string_equal(c.run_dir, "/run/tandem");
	assert_int_equal(c.json, 0);
}

static void
test_add_service_options(void **state)
{
	struct ctl_cmd c;

	ok("-A -u 10.0.0.100:53 -s rr -p", &c);
	assert_int_equal(c.svc.proto, IPPROTO_UDP);
	assert_string_equal(c.sched, "rr");
	assert_int_equal(c.persistent, 360);

	/* -p takes a detached value, as ipvsadm's popt does */
	ok("-A -t 10.0.0.100:80 -p 600 -s sh", &c);
	assert_int_equal(c.persistent, 600);
	assert_string_equal(c.sched, "sh");
	ok("-A -t 10.0.0.100:80 --persistent=120", &c);
	assert_int_equal(c.persistent, 120);
	ok("-A -t 10.0.0.100:80 -p -s rr", &c);
	assert_int_equal(c.persistent, 360);

	ok("--add-service --sctp-service 10.0.0.100:0 -p 60 -M 255.255.255.0", &c);
	assert_int_equal(c.svc.proto, IPPROTO_SCTP);
	assert_int_equal(c.svc.port, 0);
	assert_addr(&c.netmask, "255.255.255.0");

	/* combined short options */
	ok("-At 10.0.0.1:80", &c);
	assert_int_equal(c.kind, CMD_ADD);
	assert_int_equal(c.svc.port, 80);
}

/* An unknown scheduler is the director's to refuse, not ours. */
static void
test_scheduler_passed_through(void **state)
{
	struct ctl_cmd c;

	ok("-A -t 10.0.0.100:80 -s nosuchsched", &c);
	assert_string_equal(c.sched, "nosuchsched");
}

/* -E replaces every attribute, as ipvsadm: absent ones are defaults. */
static void
test_edit_service_resets(void **state)
{
	struct ctl_cmd c;

	ok("-E -t 10.0.0.100:80", &c);
	assert_int_equal(c.kind, CMD_EDIT);
	assert_string_equal(c.sched, "wlc");
	assert_int_equal(c.persistent, 0);
}

static void
test_ipv6_service(void **state)
{
	struct ctl_cmd c;

	ok("-A -t [2001:db8::1]:443 -p -M 64", &c);
	assert_int_equal(c.svc.addr.af, AF_INET6);
	assert_addr(&c.svc.addr, "2001:db8::1");
	assert_int_equal(c.svc.port, 443);
	assert_int_equal(c.netmask_len, 64);
	ok("-A -t [2001:db8::1]:443", &c);
	assert_int_equal(c.netmask_len, 128);
	/* a bare IPv6 address has no port */
	ok("-A -t 2001:db8::1 -p", &c);
	assert_int_equal(c.svc.port, 0);
	ok("-D -t [2001:db8::1]", &c);
	assert_int_equal(c.svc.port, 0);
	bad("-A -t [2001:db8::1]:443 -p -M 200", "illegal ipv6 netmask specified");
	bad("-A -t [10.0.0.1]:443", "illegal virtual server address[:port] specified");
}

static void
test_bad_service(void **state)
{
	const char *msg = "illegal virtual server address[:port] specified";

	bad("-A -t 10.0.0.1:99999", msg);
	bad("-A -t 10.0.0.1:-1", msg);
	bad("-A -t 10.0.0.1:nosuchport", msg);
	bad("-A -t 80", msg);
	bad("-A -t 10.0.0.1:", msg);
	bad("-A -t [2001:db8::1", msg);
	bad("-A -t 10.0.0.1", "Zero port specified for non-persistent service");
	bad("-A -t 10.0.0.1:80 -p -M foo",
	    "illegal virtual server persistent mask specified");
}

static void
test_service_port_name(void **state)
{
	struct ctl_cmd c;
	struct servent *se = getservbyname("http", "tcp");

	if (se == NULL)
		skip();
	ok("-A -t 10.0.0.1:http", &c);
	assert_int_equal(c.svc.port, ntohs((uint16_t)se->s_port));
}

static void
test_persistent_range(void **state)
{
	struct ctl_cmd c;

	bad("-A -t 10.0.0.1:80 -p 0", "invalid timeout value `0' specified");
	bad("-A -t 10.0.0.1:80 -p 2678401",
	    "invalid timeout value `2678401' specified");
	bad("-A -t 10.0.0.1:80 -p 1x", "invalid timeout value `1x' specified");
	ok("-A -t 10.0.0.1:80 -p 2678400", &c);
	assert_int_equal(c.persistent, 2678400);
}

static void
test_add_server(void **state)
{
	struct ctl_cmd c;

	ok("-a -t 10.0.0.100:80 -r 192.168.1.11 -m -w 5 -x 100 -y 50", &c);
	assert_int_equal(c.kind, CMD_ADDDEST);
	assert_addr(&c.daddr, "192.168.1.11");
	assert_int_equal(c.dport, 80);		/* the service's port */
	assert_int_equal(c.fwd, CMD_FWD_NAT);
	assert_int_equal(c.weight, 5);
	assert_int_equal(c.u_threshold, 100);
	assert_int_equal(c.l_threshold, 50);

	ok("-a -t 10.0.0.100:80 -r 192.168.1.11:8080 -m", &c);
	assert_int_equal(c.dport, 8080);
	assert_int_equal(c.weight, 1);

	/* DR and TUN: ipvsadm forces the service's port */
	ok("-a -t 10.0.0.100:80 -r 192.168.1.11:8080", &c);
	assert_int_equal(c.fwd, CMD_FWD_DR);
	assert_int_equal(c.dport, 80);
	ok("-a -t 10.0.0.100:80 -r 192.168.1.11:8080 -i", &c);
	assert_int_equal(c.fwd, CMD_FWD_TUN);
	assert_int_equal(c.dport, 80);

	/* -r before -t still takes the service's port */
	ok("-a -r 192.168.1.11 -t 10.0.0.100:443 -m", &c);
	assert_int_equal(c.dport, 443);

	ok("--add-server --tcp-service 10.0.0.100:80 --real-server "
	    "192.168.1.11:81 --masquerading --weight 0", &c);
	assert_int_equal(c.dport, 81);
	assert_int_equal(c.weight, 0);

	ok("-a -t [2001:db8::1]:80 -r [2001:db8::10]:8080 -m", &c);
	assert_addr(&c.daddr, "2001:db8::10");
	assert_int_equal(c.dport, 8080);
}

static void
test_edit_delete_server(void **state)
{
	struct ctl_cmd c;

	ok("-e -t 10.0.0.100:80 -r 192.168.1.11 -w 3", &c);
	assert_int_equal(c.kind, CMD_EDITDEST);
	assert_int_equal(c.fwd, CMD_FWD_DR);
	assert_int_equal(c.weight, 3);
	ok("-d -t 10.0.0.100:80 -r 192.168.1.11:8080", &c);
	assert_int_equal(c.kind, CMD_DELDEST);
	assert_int_equal(c.dport, 8080);	/* no forcing on delete */
	ok("-d -t 10.0.0.100:80 -r 192.168.1.11", &c);
	assert_int_equal(c.dport, 80);
	bad("-d -t 10.0.0.100:80 -r 192.168.1.11 -w 2",
	    "Illegal 'weight' option with the 'delete-server' command");
}

static void
test_server_errors(void **state)
{
	bad("-a -t 10.0.0.100:80 -r 192.168.1.11:70000",
	    "illegal real server address[:port] specified");
	bad("-a -t 10.0.0.100:80 -r 1234",
	    "illegal real server address[:port] specified");
	bad("-a -t 10.0.0.100:80 -r 192.168.1.11 -w 65536",
	    "illegal weight specified");
	bad("-a -t 10.0.0.100:80 -r 192.168.1.11 -w -1",
	    "illegal weight specified");
	bad("-a -t 10.0.0.100:80 -r 192.168.1.11 -x abc",
	    "illegal u_threshold specified");
	bad("-a -t 10.0.0.100:80 -r 192.168.1.11 -y 1.5",
	    "illegal l_threshold specified");
	bad("-a -t 10.0.0.100:80 -r 2001:db8::1 -m",
	    "Different address family is allowed only for tunneling servers");
	bad("-a -t 10.0.0.100:80 -r 192.168.1.11 -m -g",
	    "multiple 'forwarding-method' options specified");
}

static void
test_missing_options(void **state)
{
	bad("-A", "You need to supply the 'service-address' option for the "
	    "'add-service' command");
	bad("-D", "You need to supply the 'service-address' option for the "
	    "'delete-service' command");
	bad("-a -t 10.0.0.100:80", "You need to supply the 'real-server' "
	    "option for the 'add-server' command");
	bad("-d -r 192.168.1.1", "You need to supply the 'service-address' "
	    "option for the 'delete-server' command");
}

static void
test_conflicts(void **state)
{
	bad("-A -D -t 10.0.0.1:80", "multiple commands specified");
	bad("-L -S", "multiple commands specified");
	bad("-A -t 10.0.0.1:80 -u 10.0.0.1:80",
	    "multiple 'service-address' options specified");
	bad("-A -t 10.0.0.1:80 -s rr -s wlc",
	    "multiple 'scheduler' options specified");
	bad("-D -t 10.0.0.1:80 -s rr",
	    "Illegal 'scheduler' option with the 'delete-service' command");
	bad("-A -t 10.0.0.1:80 -n",
	    "Illegal 'numeric' option with the 'add-service' command");
	bad("-C -t 10.0.0.1:80",
	    "Illegal 'service-address' option with the 'flush' command");
	bad("-L -c -t 10.0.0.1:80", "The option 'service-address' conflicts "
	    "with the 'connection' option in the 'list' command");
	bad("-L -c --timeout", "The option 'timeout' conflicts with the "
	    "'connection' option in the 'list' command");
	bad("-L -c --stats", "options conflicts in the list command");
	bad("-L --timeout --rate", "options conflicts in the list command");
	bad("-S --stats", "Illegal 'stats' option with the 'save' command");
	bad("-S --nosort", "Illegal 'nosort' option with the 'save' command");
	bad("-Z -r 10.0.0.1", "Illegal 'real-server' option with the 'zero' "
	    "command");
	bad("-n", "no command specified");
}

static void
test_list(void **state)
{
	struct ctl_cmd c;

	ok("", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.fmt, 0);
	ok("-L -n", &c);
	assert_int_equal(c.kind, CMD_LIST);
	assert_int_equal(c.fmt, FMT_NUMERIC);
	ok("-Ln --stats --exact", &c);
	assert_int_equal(c.fmt, FMT_NUMERIC | FMT_STATS | FMT_EXACT);
	ok("-l --rate --nosort --sort", &c);
	assert_int_equal(c.fmt, FMT_RATE | FMT_NOSORT);
	ok("-L -n -c", &c);
	assert_true(c.opts & OPT_CONNECTION);
	ok("--list --timeout", &c);
	assert_true(c.opts & OPT_TIMEOUT);
	ok("-L -n -t 10.0.0.1:80", &c);
	assert_true(c.opts & OPT_SERVICE);
	ok("-L --thresholds --persistent-conn", &c);
	assert_int_equal(c.fmt, FMT_THRESHOLDS | FMT_PERSISTENTCONN);
	ok("-S -n", &c);
	assert_int_equal(c.kind, CMD_SAVE);
	assert_int_equal(c.fmt, FMT_RULE | FMT_NUMERIC);
}

static void
test_set_timeouts(void **state)
{
	struct ctl_cmd c;

	ok("--set 900 120 300", &c);
	assert_int_equal(c.kind, CMD_SET);
	assert_int_equal(c.timeout[0], 900);
	assert_int_equal(c.timeout[1], 120);
	assert_int_equal(c.timeout[2], 300);
	ok("--set 0 0 60", &c);
	assert_int_equal(c.timeout[2], 60);
	bad("--set 900 120", "--set option requires 3 timeout values");
	bad("--set 900 120 abc", "invalid timeout value `abc' specified");
	bad("--set 900 120 300 4", "unexpected argument 4");
	bad("--set 900 120 2678401", "invalid timeout value `2678401' specified");
}

static void
test_status_and_globals(void **state)
{
	struct ctl_cmd c;

	ok("status", &c);
	assert_int_equal(c.kind, CMD_STATUS);
	ok("--run-dir /tmp/lb1 status --json", &c);
	assert_int_equal(c.kind, CMD_STATUS);
	assert_string_equal(c.run_dir, "/tmp/lb1");
	assert_int_equal(c.json, 1);
	ok("-L -n --json --run-dir=/tmp/x", &c);
	assert_int_equal(c.json, 1);
	assert_string_equal(c.run_dir, "/tmp/x");
	bad("status extra", "unexpected argument extra");
	bad("status -n", "Illegal 'numeric' option with the 'status' command");
	bad("-L foo", "unexpected argument foo");
}

static void
test_help_version_unknown(void **state)
{
	struct ctl_cmd c;

	ok("-h", &c);
	assert_int_equal(c.kind, CMD_HELP);
	ok("-A --help", &c);
	assert_int_equal(c.kind, CMD_HELP);
	ok("--version", &c);
	assert_int_equal(c.kind, CMD_VERSION);
	bad("--bogus", "invalid option `--bogus'");
	bad("-q", "invalid option `-q'");
	bad("-Lq", "invalid option `-q'");
	bad("-A -t", "option `-t' requires an argument");
	bad("-A --tcp-service", "option `--tcp-service' requires an argument");
	bad("-L --stats=1", "invalid option `--stats=1'");
}

static void
test_ops_and_sched_flags(void **state)
{
	struct ctl_cmd c;

	ok("-A -u 10.0.0.1:53 -o", &c);
	assert_int_equal(c.ops, 1);
	bad("-A -t 10.0.0.1:80 -o",
	    "One-Packet Scheduling is only for UDP virtual services");
	ok("-A -t 10.0.0.1:80 -s sh -b sh-fallback,sh-port", &c);
	assert_string_equal(c.sched_flags, "sh-fallback,sh-port");
	ok("-A -t 10.0.0.1:80 -b flag-1", &c);
	bad("-A -t 10.0.0.1:80 -b sh-port", "incompatible scheduler flag `sh-port'");
	bad("-A -t 10.0.0.1:80 -s sh -b mh-port",
	    "incompatible scheduler flag `mh-port'");
	bad("-A -t 10.0.0.1:80 -b foo", "invalid scheduler flag `foo'");
}

static void
test_zero_and_clear(void **state)
{
	struct ctl_cmd c;

	ok("-Z", &c);
	assert_int_equal(c.kind, CMD_ZERO);
	assert_false(c.opts & OPT_SERVICE);
	ok("-Z -u 10.0.0.1:53", &c);
	assert_true(c.opts & OPT_SERVICE);
	ok("-C", &c);
	assert_int_equal(c.kind, CMD_FLUSH);
	ok("-R", &c);
	assert_int_equal(c.kind, CMD_RESTORE);
}

static void
test_restore_lines(void **state)
{
	struct ctl_cmd c;
	char err[ERRLEN];
	char l1[] = "-A -t 10.0.0.100:80 -s wlc\n";
	char l2[] = "   # a comment\n";
	char l3[] = "\n";
	char l4[] = "-a -t 10.0.0.100:80 -r 192.168.1.11:80 -m -w 1\r\n";
	char l5[] = "-R\n";
	char l6[] = "-a -t 10.0.0.100:80 -r 192.168.1.11:80 -w x\n";
	char l7[] = "status\n";
	char l8[] = "-A\t-u 10.0.0.100:53 -s rr -p 360 -M 255.255.255.0\n";

	assert_int_equal(cmd_parse_line(l1, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, CMD_ADD);
	assert_int_equal(cmd_parse_line(l2, &c, err, sizeof(err)), 1);
	assert_int_equal(cmd_parse_line(l3, &c, err, sizeof(err)), 1);
	assert_int_equal(cmd_parse_line(l4, &c, err, sizeof(err)), 0);
	assert_int_equal(c.kind, CMD_ADDDEST);
	assert_int_equal(c.fwd, CMD_FWD_NAT);
	assert_int_equal(cmd_parse_line(l5, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "the 'restore' command cannot be restored");
	assert_int_equal(cmd_parse_line(l6, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "illegal weight specified");
	assert_int_equal(cmd_parse_line(l7, &c, err, sizeof(err)), -1);
	assert_int_equal(cmd_parse_line(l8, &c, err, sizeof(err)), 0);
	assert_int_equal(c.persistent, 360);
	assert_addr(&c.netmask, "255.255.255.0");
}

static void
test_usage(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cmd_usage(f, "tandemctl", 0);
	fclose(f);
	assert_non_null(strstr(buf, "Usage:\n  tandemctl -A|E virtual-service"));
	assert_non_null(strstr(buf, "  tandemctl status\n"));
	free(buf);
	assert_string_equal(cmd_name(CMD_ADDDEST), "add-server");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_service_defaults),
		cmocka_unit_test(test_add_service_options),
		cmocka_unit_test(test_scheduler_passed_through),
		cmocka_unit_test(test_edit_service_resets),
		cmocka_unit_test(test_ipv6_service),
		cmocka_unit_test(test_bad_service),
		cmocka_unit_test(test_service_port_name),
		cmocka_unit_test(test_persistent_range),
		cmocka_unit_test(test_add_server),
		cmocka_unit_test(test_edit_delete_server),
		cmocka_unit_test(test_server_errors),
		cmocka_unit_test(test_missing_options),
		cmocka_unit_test(test_conflicts),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_set_timeouts),
		cmocka_unit_test(test_status_and_globals),
		cmocka_unit_test(test_help_version_unknown),
		cmocka_unit_test(test_ops_and_sched_flags),
		cmocka_unit_test(test_zero_and_clear),
		cmocka_unit_test(test_restore_lines),
		cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
