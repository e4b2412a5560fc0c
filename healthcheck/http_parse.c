/* HTTP response parsing and matching for the http and https checks. */
#include "http_parse.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#define HTTP_HDR_MAX	(64u << 10)	/* a header block larger is bad */

/* The end of the header block: the offset after the blank line, or 0. */
static size_t
hdr_end(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The next line of [p, end): its length without CRLF; *next after it. */
static size_t
line_next(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n;

	if (nl == NULL) {
		*next = end;
		return (size_t)(end - p);
	}
	*next = nl + 1;
	n = (size_t)(nl - p);
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

static int
parse_status(const uint8_t *p, size_t n, int *status)
{
	/* "HTTP/1.x SSS reason" */
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || !isdigit(p[7]) ||
	    p[8] != ' ' || !isdigit(p[9]) || !isdigit(p[10]) ||
	    !isdigit(p[11]) || (n > 12 && p[12] != ' '))
		return -1;
	*status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	return *status >= 100 ? 0 : -1;
}

/* Header name match, case-insensitive, then the value trimmed. */
static const uint8_t *
hdr_value(const uint8_t *p, size_t n, const char *name, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || p[k] != ':' || strncasecmp((const char *)p, name, k) != 0)
		return NULL;
	p += k + 1;
	n -= k + 1;
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	*vlen = n;
	return p;
}

static int
parse_clen(const uint8_t *v, size_t n, size_t *out)
{
	size_t x = 0;

	if (n == 0 || n > 15)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit(v[i]))
			return -1;
		x = x * 10 + (size_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* De-chunk [p, end): HTTP_DONE with the body in r->owned, or MORE/BAD. */
static int
dechunk(const uint8_t *p, const uint8_t *end, struct http_resp *r)
{
	uint8_t *out = malloc((size_t)(end - p) + 1);
	size_t olen = 0;

	if (out == NULL)
		return HTTP_BAD;
	for (;;) {
		const uint8_t *next;
		size_t n, sz = 0, digits = 0;
		if (memchr(p, '\n', (size_t)(end - p)) == NULL)
			goto more;
		n = line_next(p, end, &next);
		for (size_t i = 0; i < n && isxdigit(p[i]); i++, digits++) {
			if (sz > ((size_t)1 << 40))
				goto bad;
			sz = sz * 16 + (size_t)(isdigit(p[i]) ? p[i] - '0' :
			    tolower(p[i]) - 'a' + 10);
		}
		if (digits == 0 || (digits < n && p[digits] != ';' &&
		    p[digits] != ' '))
			goto bad;
		p = next;
		if (sz == 0)
			break;		/* trailers are not needed */
		if ((size_t)(end - p) < sz + 1)
			goto more;
		memcpy(out + olen, p, sz);
		olen += sz;
		p += sz;
		if (*p == '\r')
			p++;
		if (p >= end)
			goto more;
		if (*p != '\n')
			goto bad;
		p++;
	}
	r->owned = out;
	r->body = out;
	r->body_len = olen;
	return HTTP_DONE;
more:
	free(out);
	return HTTP_MORE;
bad:
	free(out);
	return HTTP_BAD;
}

int
http_resp_parse(const uint8_t *buf, size_t len, int eof, struct http_resp *r,
    char *err, size_t errlen)
{
	const uint8_t *p, *next, *end, *v;
	size_t he = hdr_end(buf, len), n, vlen, clen = 0;
	int has_clen = 0, chunked = 0, rc;

	memset(r, 0, sizeof(*r));
	if (he == 0) {
		if (len > HTTP_HDR_MAX || eof) {
			snprintf(err, errlen, eof && len == 0 ?
			    "closed without a response" : eof ?
			    "closed inside the response header" :
			    "response header too large");
			return HTTP_BAD;
		}
		return HTTP_MORE;
	}
	end = buf + he;
	n = line_next(buf, end, &next);
	if (parse_status(buf, n, &r->status) == -1) {
		snprintf(err, errlen, "not an HTTP/1 status line");
		return HTTP_BAD;
	}
	for (p = next; p < end; p = next) {
		n = line_next(p, end, &next);
		if ((v = hdr_value(p, n, "content-length", &vlen)) != NULL) {
			if (parse_clen(v, vlen, &clen) == -1) {
				snprintf(err, errlen, "bad Content-Length");
				return HTTP_BAD;
			}
			has_clen = 1;
		} else if ((v = hdr_value(p, n, "transfer-encoding", &vlen)) &&
		    vlen >= 7 && strncasecmp((const char *)v + vlen - 7,
		    "chunked", 7) == 0)
			chunked = 1;
	}
	if (r->status < 200 || r->status == 204 || r->status == 304) {
		r->body = buf + he;	/* no body */
		return HTTP_DONE;
	}
	if (chunked) {
		rc = dechunk(buf + he, buf + len, r);
		if (rc == HTTP_MORE && eof) {
			snprintf(err, errlen, "closed inside a chunked body");
			return HTTP_BAD;
		}
		if (rc == HTTP_BAD)
			snprintf(err, errlen, "bad chunked encoding");
		return rc;
	}
	if (has_clen) {
		if (len - he < clen) {
			if (eof) {
				snprintf(err, errlen, "closed after %zu of %zu "
				    "body bytes", len - he, clen);
				return HTTP_BAD;
			}
			return HTTP_MORE;
		}
		r->body = buf + he;
		r->body_len = clen;
		return HTTP_DONE;
	}
	if (!eof)
		return HTTP_MORE;	/* the body ends at the close */
	r->body = buf + he;
	r->body_len = len - he;
	return HTTP_DONE;
}

void
http_resp_free(struct http_resp *r)
{
	free(r->owned);
	memset(r, 0, sizeof(*r));
}

int
http_request(char *buf, size_t len, const char *path, const char *host)
{
	int n = snprintf(buf, len, "GET %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: tandem-checkd\r\nAccept: */*\r\n"
	    "Connection: close\r\n\r\n", path, host);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int
http_digest(const uint8_t *buf, size_t len, int sha256, char *hex,
    size_t hexlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(buf, len, md, &mdlen, sha256 ? EVP_sha256() :
	    EVP_md5(), NULL) || hexlen < (size_t)mdlen * 2 + 1)
		return -1;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + (size_t)2 * i, 3, "%02x", md[i]);
	return 0;
}

int
http_resp_match(const struct http_resp *r, const int *status, int n,
    const char *digest, const void *re, char *why, size_t whylen)
{
	int ok = n == 0 ? r->status >= 200 && r->status < 300 : 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	for (int i = 0; i < n; i++)
		if (status[i] == r->status)
			ok = 1;
	if (!ok) {
		snprintf(why, whylen, "status %d not accepted", r->status);
		return 0;
	}
	if (digest && digest[0]) {
		if (http_digest(r->body, r->body_len, strlen(digest) == 64,
		    hex, sizeof(hex)) == -1) {
			snprintf(why, whylen, "cannot compute the digest");
			return 0;
		}
		if (strcmp(hex, digest) != 0) {
			snprintf(why, whylen, "body digest %s, expected %s",
			    hex, digest);
			return 0;
		}
	}
	if (re) {
		/* A copy with its NUL: regexec reads up to it (the body is
		 * matched up to its first NUL byte). */
		char *text = malloc(r->body_len + 1);
		int rc;
		if (text == NULL) {
			snprintf(why, whylen, "out of memory");
			return 0;
		}
		if (r->body_len)
			memcpy(text, r->body, r->body_len);
		text[r->body_len] = '\0';
		rc = regexec(re, text, 0, NULL, 0);
		free(text);
		if (rc != 0) {
			snprintf(why, whylen, "body does not match the regex");
			return 0;
		}
	}
	snprintf(why, whylen, "status %d", r->status);
	return 1;
}
