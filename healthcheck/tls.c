/* OpenSSL contexts for the https checks: one shared context that does not
 * verify (keepalived's default), and one per check that verifies the
 * server's certificate against its CA file (or the system's store). */
#include "checkd.h"
#include "log.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

static SSL_CTX *
ctx_new(void)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());

	if (c == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	return c;
}

int
hc_tls_init(struct checkd *d)
{
	if ((d->tls = ctx_new()) == NULL) {
		log_warnx("cannot make a TLS context");
		return -1;
	}
	SSL_CTX_set_verify(d->tls, SSL_VERIFY_NONE, NULL);
	return 0;
}

void
hc_tls_free(struct checkd *d)
{
	SSL_CTX_free(d->tls);
	d->tls = NULL;
}

SSL_CTX *
hc_tls_ctx_verify(const char *ca_file)
{
	SSL_CTX *c = ctx_new();
	char buf[128];

	if (c == NULL)
		return NULL;
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
	if ((ca_file && ca_file[0]) ?
	    SSL_CTX_load_verify_locations(c, ca_file, NULL) != 1 :
	    SSL_CTX_set_default_verify_paths(c) != 1) {
		ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
		log_warnx("CA file %s: %s", ca_file && ca_file[0] ? ca_file :
		    "(system)", buf);
		SSL_CTX_free(c);
		return NULL;
	}
	return c;
}
