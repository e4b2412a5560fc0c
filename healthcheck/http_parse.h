/* HTTP/1.x responses as a health check reads them: the status line, the
 * framing headers and the body (Content-Length, chunked, or up to the
 * close), and the checks on them: status codes, body digest and regex.
 * Pure functions over a buffer (fuzzed by fuzz_check_http.c). */
#ifndef TANDEM_HC_HTTP_PARSE_H
#define TANDEM_HC_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

enum { HTTP_DONE, HTTP_MORE, HTTP_BAD };

struct http_resp {
	int		 status;
	const uint8_t	*body;		/* into the buffer, or owned */
	size_t		 body_len;
	uint8_t		*owned;		/* the de-chunked body */
};

/* Parse buf[0..len) (eof: the peer closed). HTTP_DONE fills r (release
 * with http_resp_free), HTTP_MORE needs more bytes, HTTP_BAD writes why
 * into err. */
int	http_resp_parse(const uint8_t *buf, size_t len, int eof,
	    struct http_resp *r, char *err, size_t errlen);
void	http_resp_free(struct http_resp *r);

/* The request a check sends. Returns its length, or -1 if it does not fit. */
int	http_request(char *buf, size_t len, const char *path, const char *host);

/* Does the response pass? status: n allowed codes (0: any 2xx); digest:
 * 32 (MD5) or 64 (SHA-256) lowercase hex or ""; re: a compiled regex_t
 * or NULL. 1 yes, 0 no with the reason in why. */
int	http_resp_match(const struct http_resp *r, const int *status, int n,
	    const char *digest, const void *re, char *why, size_t whylen);

/* Hex digest of the body: MD5 (32) or SHA-256 (64 digits). */
int	http_digest(const uint8_t *buf, size_t len, int sha256, char *hex,
	    size_t hexlen);

#endif
