/* lib/addr.c's socket addresses: family, port in network order, and the
 * scope given only to IPv6 link-local addresses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"

static void
test_sockaddr(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct tnd_addr a;

	assert_int_equal(addr_parse("10.1.2.3", &a), 0);
	assert_int_equal(addr_sockaddr(&a, 8848, 7, &ss), sizeof(*s4));
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 8848);
	assert_int_equal(ntohl(s4->sin_addr.s_addr), 0x0a010203);

	/* Global: no scope, whatever the caller passes. */
	assert_int_equal(addr_parse("fd00:16::11", &a), 0);
	assert_int_equal(addr_sockaddr(&a, 80, 7, &ss), sizeof(*s6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 80);
	assert_memory_equal(&s6->sin6_addr, a.bytes, 16);
	assert_int_equal(s6->sin6_scope_id, 0);
	/* Link-local unicast and multicast take it. */
	assert_int_equal(addr_parse("fe80::1", &a), 0);
	addr_sockaddr(&a, 0, 7, &ss);
	assert_int_equal(s6->sin6_scope_id, 7);
	assert_int_equal(addr_parse("ff02::8:81", &a), 0);
	addr_sockaddr(&a, 0, 9, &ss);
	assert_int_equal(s6->sin6_scope_id, 9);

	/* Neither family: length 0. */
	memset(&a, 0, sizeof(a));
	assert_int_equal(addr_sockaddr(&a, 80, 0, &ss), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockaddr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
