/* tandemd's pure parts: the restart backoff, how a death is told, which
 * daemons a config needs, and the whole-file check with its error lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "node.h"

static void
test_backoff(void **state)
{
	assert_int_equal(nd_backoff_ms(1), 100);
	assert_int_equal(nd_backoff_ms(2), 200);
	assert_int_equal(nd_backoff_ms(5), 1600);
	assert_int_equal(nd_backoff_ms(9), 25600);
	assert_int_equal(nd_backoff_ms(10), ND_BACKOFF_MAX);
	assert_int_equal(nd_backoff_ms(1000), ND_BACKOFF_MAX);
}

static void
test_exit_reason(void **state)
{
	char buf[64];

	nd_exit_reason(1 << 8, buf, sizeof(buf));		/* exit(1) */
	assert_string_equal(buf, "exited with status 1");
	nd_exit_reason(SIGKILL, buf, sizeof(buf));
	assert_string_equal(buf, "killed by signal 9 (Killed)");
	nd_exit_reason(SIGSEGV | 0x80, buf, sizeof(buf));	/* core */
	assert_string_equal(buf, "killed by signal 11 (Segmentation fault), "
	    "core dumped");
}

static void
test_plan(void **state)
{
	static const char text[] =
	    "director = { interfaces = [ \"eth0\" ]; };\n"
	    "sync = { interface = \"eth1\"; };\n"
	    "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n"
	    "  protocol = \"tcp\"; real_servers = (\n"
	    "    { address = \"10.0.1.1\"; },\n"
	    "    { address = \"10.0.1.2\"; check = { type = \"tcp\"; }; } ); } );\n";
	struct tandem_conf c;
	int want[ND_N];

	assert_int_equal(conf_load_string(text, "t", &c, stderr), 0);
	nd_plan(&c, want);
	assert_int_equal(want[ND_DIRECTOR], 1);
	assert_int_equal(want[ND_VRRPD], 0);
	assert_int_equal(want[ND_SYNCD], 1);
	assert_int_equal(want[ND_CHECKD], 1);
	assert_int_equal(want[ND_SNMPD], 0);
	conf_free(&c);
}

/* nd_check on text written to a temp file; its error output in out. */
static int
check_text(const char *text, char *out, size_t len)
{
	char path[] = "/tmp/test_node_XXXXXX";
	int fd = mkstemp(path), rc, want[ND_N];
	FILE *m = fmemopen(out, len, "w");

	assert_true(fd >= 0 && m != NULL);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = nd_check(path, m, want);
	fclose(m);
	unlink(path);
	return rc;
}

static void
test_check_every_section(void **state)
{
	static const char bad[] =
	    "director = { interfaces = [ \"eth0\" ]; workers = 0; };\n"
	    "vrrp = { instances = ( { name = \"a\"; interface = \"eth0\";\n"
	    "  vrid = 0; virtual_ipaddress = [ \"10.0.0.1/24\" ]; } ); };\n"
	    "sync = { interface = \"eth1\"; group = \"10.0.0.9\"; };\n";
	static const char good[] =
	    "director = { interfaces = [ \"eth0\" ]; };\n"
	    "sync = { interface = \"eth1\"; };\n";
	char out[4096] = "";

	assert_int_equal(check_text(bad, out, sizeof(out)), -1);
	assert_non_null(strstr(out, ":1: director.workers: "));
	assert_non_null(strstr(out, ":3: vrrp.instances[0].vrid: "));
	assert_non_null(strstr(out, ":4: sync.group: must be an IPv4 multicast"));
	/* Seen by lib/conf.c and tandem-vrrpd's parser, printed once. */
	assert_null(strstr(strstr(out, "vrid") + 1, "vrid"));

	memset(out, 0, sizeof(out));
	assert_int_equal(check_text(good, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(check_text("director = { ", out, sizeof(out)), -1);
	assert_non_null(strstr(out, ":1: syntax error"));
}

static void
test_snapshot(void **state)
{
	char src[] = "/tmp/test_node_src_XXXXXX", dst[64], buf[64] = "";
	int fd = mkstemp(src);
	FILE *f;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "node = {};\n", 11), 11);
	close(fd);
	snprintf(dst, sizeof(dst), "%s.copy", src);
	assert_int_equal(nd_snapshot(src, dst), 0);
	f = fopen(dst, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "node = {};\n");
	assert_int_equal(nd_snapshot("/nonexistent/x", dst), -1);
	unlink(src);
	unlink(dst);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_exit_reason),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_check_every_section),
		cmocka_unit_test(test_snapshot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
