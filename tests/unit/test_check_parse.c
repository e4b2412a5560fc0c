/* tandem-checkd's decoders: HTTP responses (framing, chunked bodies,
 * status, MD5/SHA-256 digest and regex), SMTP replies, DNS answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <string.h>

#include "dns_wire.h"
#include "http_parse.h"
#include "smtp_parse.h"

#define S(x) (const uint8_t *)(x), strlen(x)

static void
test_http_content_length(void **state)
{
	struct http_resp r;
	char err[128];
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

	assert_int_equal(http_resp_parse((const uint8_t *)ok, strlen(ok) - 2, 0,
	    &r, err, sizeof(err)), HTTP_MORE);
	assert_int_equal(http_resp_parse(S(ok), 0, &r, err, sizeof(err)),
	    HTTP_DONE);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body_len, 5);
	assert_memory_equal(r.body, "hello", 5);
	http_resp_free(&r);
	assert_int_equal(http_resp_parse((const uint8_t *)ok, strlen(ok) - 2, 1,
	    &r, err, sizeof(err)), HTTP_BAD);
	assert_string_equal(err, "closed after 3 of 5 body bytes");
}

static void
test_http_chunked(void **state)
{
	struct http_resp r;
	char err[128];
	const char *c = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";

	assert_int_equal(http_resp_parse(S(c), 0, &r, err, sizeof(err)),
	    HTTP_DONE);
	assert_int_equal(r.body_len, 9);
	assert_memory_equal(r.body, "Wikipedia", 9);
	http_resp_free(&r);
	const char *bad = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "zz\r\n";
	assert_int_equal(http_resp_parse(S(bad), 0, &r, err, sizeof(err)),
	    HTTP_BAD);
}

static void
test_http_until_close_and_bad(void **state)
{
	struct http_resp r;
	char err[128];

	assert_int_equal(http_resp_parse(S("HTTP/1.0 500 Oops\n\nbody"), 0, &r,
	    err, sizeof(err)), HTTP_MORE);
	assert_int_equal(http_resp_parse(S("HTTP/1.0 500 Oops\n\nbody"), 1, &r,
	    err, sizeof(err)), HTTP_DONE);
	assert_int_equal(r.status, 500);
	assert_int_equal(r.body_len, 4);
	http_resp_free(&r);
	assert_int_equal(http_resp_parse(S("SSH-2.0-OpenSSH\r\n\r\n"), 0, &r,
	    err, sizeof(err)), HTTP_BAD);
	assert_string_equal(err, "not an HTTP/1 status line");
	assert_int_equal(http_resp_parse(S(""), 1, &r, err, sizeof(err)),
	    HTTP_BAD);
	assert_string_equal(err, "closed without a response");
	assert_int_equal(http_resp_parse(S("HTTP/1.1 200 OK\r\n"
	    "Content-Length: x1\r\n\r\n"), 0, &r, err, sizeof(err)), HTTP_BAD);
}

static void
test_http_match(void **state)
{
	struct http_resp r = { .status = 200, .body = (const uint8_t *)"abc",
		.body_len = 3 };
	int codes[] = { 200, 301 };
	char why[160];
	regex_t re;

	assert_int_equal(http_resp_match(&r, NULL, 0, "", NULL, why,
	    sizeof(why)), 1);
	r.status = 302;
	assert_int_equal(http_resp_match(&r, NULL, 0, "", NULL, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "status 302 not accepted");
	assert_int_equal(http_resp_match(&r, codes, 2, "", NULL, why,
	    sizeof(why)), 0);
	r.status = 301;
	/* MD5("abc") and SHA-256("abc"), the RFC 1321 / FIPS 180 vectors */
	assert_int_equal(http_resp_match(&r, codes, 2,
	    "900150983cd24fb0d6963f7d28e17f72", NULL, why, sizeof(why)), 1);
	assert_int_equal(http_resp_match(&r, codes, 2,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    NULL, why, sizeof(why)), 1);
	assert_int_equal(http_resp_match(&r, codes, 2,
	    "900150983cd24fb0d6963f7d28e17f73", NULL, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "body digest 900150983cd24fb0d6963f7d28e17f72"));
	assert_int_equal(regcomp(&re, "^a.c$", REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(http_resp_match(&r, codes, 2, "", &re, why,
	    sizeof(why)), 1);
	r.body = (const uint8_t *)"abd";
	assert_int_equal(http_resp_match(&r, codes, 2, "", &re, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "body does not match the regex");
	regfree(&re);
}

static void
test_http_request(void **state)
{
	char buf[256];
	int n = http_request(buf, sizeof(buf), "/health?x=1", "www.example.com");

	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "GET /health?x=1 HTTP/1.1\r\n"
	    "Host: www.example.com\r\nUser-Agent: tandem-checkd\r\n"
	    "Accept: */*\r\nConnection: close\r\n\r\n");
	assert_int_equal(http_request(buf, 20, "/", "h"), -1);	/* no room */
}

static void
test_smtp(void **state)
{
	int code = 0;
	size_t used = 0;

	assert_int_equal(smtp_reply_parse(S("220 mx ESMTP\r\n"), &code, &used),
	    SMTP_DONE);
	assert_int_equal(code, 220);
	assert_int_equal(used, 14);
	assert_int_equal(smtp_reply_parse(S("250-mx\r\n250-SIZE\r\n250 OK\r\n"),
	    &code, &used), SMTP_DONE);
	assert_int_equal(code, 250);
	assert_int_equal(smtp_reply_parse(S("250-mx\r\n"), &code, &used),
	    SMTP_MORE);
	assert_int_equal(smtp_reply_parse(S("250-mx\r\n220 x\r\n"), &code,
	    &used), SMTP_BAD);
	assert_int_equal(smtp_reply_parse(S("hello\r\n"), &code, &used),
	    SMTP_BAD);
}

static void
test_dns(void **state)
{
	uint8_t q[512], a[512];
	char why[128];
	struct tnd_addr want;
	int n = dns_query_build(q, sizeof(q), 0x1234, "www.example.com", 1);

	/* header, 3www7example3com0, type, class */
	assert_int_equal(n, 12 + 17 + 4);
	assert_memory_equal(q + 12, "\3www\7example\3com\0\0\1\0\1", 21);
	assert_int_equal(dns_query_build(q, sizeof(q), 1, ".", 6), 12 + 1 + 4);
	/* A reply: the question, then one A answer by a pointer to it. */
	n = dns_query_build(a, sizeof(a), 0x1234, "www.example.com", 1);
	a[2] = 0x81; a[3] = 0x80; a[7] = 1;	/* QR RD RA, ANCOUNT 1 */
	memcpy(a + n, "\xc0\x0c\0\1\0\1\0\0\0\x3c\0\4\x0a\0\0\x05", 16);
	n += 16;
	assert_int_equal(dns_reply_check(a, (size_t)n, 0x1234, 1, NULL, why,
	    sizeof(why)), 1);
	addr_parse("10.0.0.5", &want);
	assert_int_equal(dns_reply_check(a, (size_t)n, 0x1234, 1, &want, why,
	    sizeof(why)), 1);
	addr_parse("10.0.0.6", &want);
	assert_int_equal(dns_reply_check(a, (size_t)n, 0x1234, 1, &want, why,
	    sizeof(why)), 0);
	assert_int_equal(dns_reply_check(a, (size_t)n, 0x1235, 1, NULL, why,
	    sizeof(why)), 0);
	assert_int_equal(dns_reply_check(a, (size_t)n - 1, 0x1234, 1, NULL,
	    why, sizeof(why)), 0);
	assert_string_equal(why, "malformed reply");
	a[3] = 0x83;				/* NXDOMAIN */
	assert_int_equal(dns_reply_check(a, (size_t)n, 0x1234, 1, NULL, why,
	    sizeof(why)), 0);
	assert_string_equal(why, "rcode NXDOMAIN");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_content_length),
		cmocka_unit_test(test_http_chunked),
		cmocka_unit_test(test_http_until_close_and_bad),
		cmocka_unit_test(test_http_match),
		cmocka_unit_test(test_http_request),
		cmocka_unit_test(test_smtp),
		cmocka_unit_test(test_dns),
	};
	return cmocka_run_group_tests_name("check_parse", tests, NULL, NULL);
}
