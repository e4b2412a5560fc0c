/* A real server's health check in the config: check = { type = "http"; ... }
 * parsed into struct conf_check for tandem-checkd. */
#include "conf.h"
#include "conf_walk.h"

#include <ctype.h>
#include <regex.h>
#include <string.h>

static const char *const check_names[] = { "tcp", "http", "https", "smtp",
	"dns", "udp", "icmp", "misc", NULL };
static const char *const qtype_names[] = { "A", "NS", "CNAME", "SOA", "PTR",
	"MX", "TXT", "AAAA", "SRV", NULL };

/* Bits of check_names, for the keys only some types use. */
enum { CT_TCP = 1, CT_HTTP = 2, CT_HTTPS = 4, CT_SMTP = 8, CT_DNS = 16,
	CT_UDP = 32, CT_ICMP = 64, CT_MISC = 128 };
#define CT_WEB		(CT_HTTP | CT_HTTPS)
#define CT_PORTED	(CT_TCP | CT_WEB | CT_SMTP | CT_DNS | CT_UDP)

static void
type_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_check *ck = obj;
	int i = cw_enum(p, s, "check type", check_names);

	if (i >= 0)
		snprintf(ck->type, sizeof(ck->type), "%s", check_names[i]);
}

static void
status_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_check *ck = obj;
	long long v;
	int i, n;

	if (!cw_want_strings(p, s))
		return;
	n = config_setting_length(s);
	if (n > CONF_MAX_STATUS) {
		cw_err(p, s, NULL, "more than %d status codes",
		    CONF_MAX_STATUS);
		return;
	}
	for (i = 0; i < n; i++)
		if (cw_int(p, config_setting_get_elem(s, (unsigned)i), 100,
		    599, &v) == 0)
			ck->status[ck->n_status++] = (int)v;
}

static void
digest_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_check *ck = obj;
	const char *v = cw_str(p, s);
	size_t i, n;

	if (v == NULL)
		return;
	n = strlen(v);
	for (i = 0; i < n && isxdigit((unsigned char)v[i]); i++)
		;
	if (i != n || (n != 32 && n != 64)) {
		cw_err(p, s, NULL, "expected 32 (MD5) or 64 (SHA-256) hex "
		    "digits");
		return;
	}
	for (i = 0; i <= n; i++)
		ck->digest[i] = (char)tolower((unsigned char)v[i]);
}

static void
regex_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_check *ck = obj;
	const char *v = cw_str_checked(p, s, sizeof(ck->regex), 0);
	char msg[128];
	regex_t re;
	int rc;

	if (v == NULL)
		return;
	if ((rc = regcomp(&re, v, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &re, msg, sizeof(msg));
		cw_err(p, s, NULL, "bad regular expression: %s", msg);
		return;
	}
	regfree(&re);
	memcpy(ck->regex, v, strlen(v) + 1);
}

static void
qtype_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	struct conf_check *ck = obj;
	int i = cw_enum(p, s, "query type", qtype_names);

	if (i >= 0)
		snprintf(ck->query_type, sizeof(ck->query_type), "%s",
		    qtype_names[i]);
}

#define CK	struct conf_check
/* A key that only some check types use. */
#define KT(n, f, fl, t) { .name = (n), .type = K_STR, .flags = (fl), \
	.off = offsetof(CK, f), .size = sizeof(((CK *)0)->f), .types = (t) }
#define KFT(n, f, t) { .name = (n), .type = K_FN, .fn = (f), .types = (t) }

static const struct cw_key check_keys[] = {
	KF("type", type_fn, KF_REQ),
	KD("interval", CK, interval, 0.01, 86400),
	KD("timeout", CK, timeout, 0.01, 86400),
	KI("rise", K_INT, CK, rise, 1, 1000, 0),
	KI("fall", K_INT, CK, fall, 1, 1000, 0),
	KI("retries", K_INT, CK, retries, 0, 100, 0),
	KD("delay_before_retry", CK, delay_before_retry, 0, 86400),
	KD("warmup", CK, warmup, 0, 86400),
	{ .name = "connect_port", .type = K_U16, .min = 1, .max = 65535,
	  .off = offsetof(CK, connect_port), .types = CT_PORTED },
	KT("path", path, KF_ABS, CT_WEB),
	KFT("status", status_fn, CT_WEB),
	KT("virtualhost", virtualhost, 0, CT_WEB),
	KT("sni", sni, 0, CT_HTTPS),
	KFT("digest", digest_fn, CT_WEB),
	KFT("regex", regex_fn, CT_WEB),
	KT("helo_name", helo_name, 0, CT_SMTP),
	KT("query_name", query_name, 0, CT_DNS),
	KFT("query_type", qtype_fn, CT_DNS),
	KT("payload", payload, KF_EMPTY, CT_UDP),
	KT("expect", expect, KF_EMPTY, CT_UDP | CT_DNS),
	KT("script", script, 0, CT_MISC),
	{ .name = "connect_ip", .type = K_ADDR, .off = offsetof(CK, connect_ip),
	  .types = CT_PORTED | CT_ICMP },
	{ .name = "bindto", .type = K_ADDR, .off = offsetof(CK, bindto),
	  .types = CT_PORTED },
	KT("ca_file", ca_file, KF_ABS, CT_HTTPS),
	{ .name = "tls_verify", .type = K_BOOL, .off = offsetof(CK, tls_verify),
	  .types = CT_HTTPS },
	{ .name = "max_response", .type = K_U32, .min = 1024, .max = 1 << 26,
	  .off = offsetof(CK, max_response), .types = CT_WEB },
	{ .name = "misc_dynamic", .type = K_BOOL,
	  .off = offsetof(CK, misc_dynamic), .types = CT_MISC },
	KT("user", user, 0, CT_MISC),
	KEND
};

static void
check_defaults(struct conf_check *ck, int line)
{
	memset(ck, 0, sizeof(*ck));
	ck->present = 1;
	ck->line = line;
	/* keepalived's: delay_loop 60, connect_timeout 5, retry 1 */
	ck->interval = 60;
	ck->timeout = 5;
	ck->rise = 1;
	ck->fall = 1;
	ck->retries = 1;
	ck->delay_before_retry = 1;
	snprintf(ck->path, sizeof(ck->path), "/");
	snprintf(ck->query_name, sizeof(ck->query_name), ".");
	snprintf(ck->query_type, sizeof(ck->query_type), "SOA");
	ck->max_response = 1u << 20;
	snprintf(ck->user, sizeof(ck->user), "nobody");
}

/* A key the check's type does not use is an error, not silently ignored. */
static void
check_finish(struct cw_parse *p, const config_setting_t *s,
    const struct conf_check *ck)
{
	unsigned bit = 0;
	int i;

	for (i = 0; check_names[i]; i++)
		if (strcmp(ck->type, check_names[i]) == 0)
			bit = 1u << i;
	if (bit == 0)
		return;
	for (i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const struct cw_key *k = cw_find(check_keys,
		    config_setting_name(e));
		if (k && k->types && !(k->types & bit))
			cw_err(p, e, NULL, "not used by %s checks", ck->type);
	}
	if (bit == CT_MISC && ck->script[0] == '\0')
		cw_err(p, s, "script", "missing (required for misc checks)");
	if (ck->ca_file[0] && !ck->tls_verify)
		cw_err(p, s, "ca_file", "only used with tls_verify = true");
}

void
conf_check_parse(struct cw_parse *p, const config_setting_t *s, void *rs)
{
	struct conf_check *ck = &((struct conf_rs *)rs)->check;

	check_defaults(ck, config_setting_source_line(s));
	if (!cw_want_group(p, s))
		return;
	cw_walk(p, s, check_keys, ck, 0);
	check_finish(p, s, ck);
}
