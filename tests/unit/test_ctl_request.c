/* tandemctl's requests: each ipvsadm command line as the exact JSON the
 * director receives (docs/control-protocol.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "request.h"

/* Parse a command line (split on spaces) and compare its request. */
static void
check(const char *line, const char *want)
{
	char buf[1024], err[256], *argv[64], *save = NULL;
	struct ctl_cmd cmd;
	json_object *req;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = (char *)"tandemctl";
	for (char *w = strtok_r(buf, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (cmd_parse(argc, argv, &cmd, err, sizeof(err)) != 0)
		fail_msg("\"%s\": %s", line, err);
	req = req_build(&cmd);
	if (want == NULL) {
		assert_null(req);
		return;
	}
	assert_non_null(req);
	assert_string_equal(json_object_to_json_string_ext(req,
	    JSON_C_TO_STRING_PLAIN), want);
	json_object_put(req);
}

static void
test_service_requests(void **state)
{
	check("-A -t 10.0.0.100:80",
	    "{\"cmd\":\"add_service\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80},\"scheduler\":\"wlc\","
	    "\"persistent\":0,\"netmask\":\"255.255.255.255\",\"ops\":false,\"pe\":\"\","
	    "\"sched_flags\":[]}");
	check("-E -u 10.0.0.100:53 -s sh -b sh-port -p 600 -M 255.255.0.0",
	    "{\"cmd\":\"edit_service\",\"service\":{\"proto\":\"udp\","
	    "\"addr\":\"10.0.0.100\",\"port\":53},\"scheduler\":\"sh\","
	    "\"persistent\":600,\"netmask\":\"255.255.0.0\",\"ops\":false,\"pe\":\"\","
	    "\"sched_flags\":[\"sh-port\"]}");
	check("-A --sctp-service [2001:db8::1]:0 -p -M 64 -s nosuch",
	    "{\"cmd\":\"add_service\",\"service\":{\"proto\":\"sctp\","
	    "\"addr\":\"2001:db8::1\",\"port\":0},\"scheduler\":\"nosuch\","
	    "\"persistent\":360,\"netmask\":64,\"ops\":false,\"pe\":\"\","
	    "\"sched_flags\":[]}");
	check("-A -u 10.0.0.1:53 -o",
	    "{\"cmd\":\"add_service\",\"service\":{\"proto\":\"udp\","
	    "\"addr\":\"10.0.0.1\",\"port\":53},\"scheduler\":\"wlc\","
	    "\"persistent\":0,\"netmask\":\"255.255.255.255\",\"ops\":true,\"pe\":\"\","
	    "\"sched_flags\":[]}");
	check("-D -t 10.0.0.100:80",
	    "{\"cmd\":\"del_service\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80}}");
	check("-C", "{\"cmd\":\"clear\"}");
}

static void
test_dest_requests(void **state)
{
	check("-a -t 10.0.0.100:80 -r 192.168.1.11 -m -w 5 -x 100 -y 50",
	    "{\"cmd\":\"add_dest\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80},\"addr\":\"192.168.1.11\","
	    "\"port\":80,\"method\":\"nat\",\"weight\":5,\"u_threshold\":100,"
	    "\"l_threshold\":50}");
	check("-e -t 10.0.0.100:80 -r 192.168.1.11:8080 -i",
	    "{\"cmd\":\"edit_dest\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80},\"addr\":\"192.168.1.11\","
	    "\"port\":80,\"method\":\"tun\",\"weight\":1,\"u_threshold\":0,"
	    "\"l_threshold\":0}");
	check("-a -t 10.0.0.100:80 -r 192.168.1.11",
	    "{\"cmd\":\"add_dest\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80},\"addr\":\"192.168.1.11\","
	    "\"port\":80,\"method\":\"dr\",\"weight\":1,\"u_threshold\":0,"
	    "\"l_threshold\":0}");
	check("-d -t 10.0.0.100:80 -r 192.168.1.11:8080",
	    "{\"cmd\":\"del_dest\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80},\"addr\":\"192.168.1.11\","
	    "\"port\":8080}");
}

static void
test_view_requests(void **state)
{
	check("-L -n", "{\"cmd\":\"get_services\"}");
	check("-S -n", "{\"cmd\":\"get_services\"}");
	check("-L -n -t 10.0.0.100:80",
	    "{\"cmd\":\"get_services\",\"service\":{\"proto\":\"tcp\","
	    "\"addr\":\"10.0.0.100\",\"port\":80}}");
	check("-L -n -c", "{\"cmd\":\"get_conns\"}");
	check("-L --timeout", "{\"cmd\":\"get_timeouts\"}");
	check("status", "{\"cmd\":\"status\"}");
}

static void
test_other_requests(void **state)
{
	check("-Z", "{\"cmd\":\"zero\"}");
	check("-Z -u 10.0.0.1:53",
	    "{\"cmd\":\"zero\",\"service\":{\"proto\":\"udp\","
	    "\"addr\":\"10.0.0.1\",\"port\":53}}");
	check("--set 900 0 300",
	    "{\"cmd\":\"set_timeouts\",\"tcp\":900,\"tcpfin\":0,\"udp\":300}");
	check("-R", NULL);
	check("-h", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_requests),
		cmocka_unit_test(test_dest_requests),
		cmocka_unit_test(test_view_requests),
		cmocka_unit_test(test_other_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
