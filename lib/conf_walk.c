/* The config key-table walker: typed getters over libconfig settings, and
 * errors named "FILE:LINE: KEY: message", held and printed in line order. */
#include "conf_walk.h"
#include "addr.h"

#include <ctype.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cw_msg {
	const char	*file;
	int		 line, seq;
	char		*text;
};

/* "virtual_servers[0].real_servers[1].weight" for a setting. */
static void
key_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *par = config_setting_parent(s);
	size_t n;

	buf[0] = '\0';
	if (par == NULL)
		return;
	key_path(par, buf, len);
	n = strlen(buf);
	if (config_setting_name(s) != NULL)
		snprintf(buf + n, len - n, "%s%s", n ? "." : "",
		    config_setting_name(s));
	else
		snprintf(buf + n, len - n, "[%d]", config_setting_index(s));
}

static int
hold(struct cw_parse *p, const char *file, int line, char *text)
{
	struct cw_msg *m;

	if (p->n_msgs == p->cap_msgs) {
		int cap = p->cap_msgs ? 2 * p->cap_msgs : 16;
		m = realloc(p->msgs, (size_t)cap * sizeof(*m));
		if (m == NULL)
			return -1;
		p->msgs = m;
		p->cap_msgs = cap;
	}
	p->msgs[p->n_msgs] = (struct cw_msg){ file, line, p->n_msgs, text };
	p->n_msgs++;
	return 0;
}

static void __attribute__((format(printf, 5, 0)))
verr(struct cw_parse *p, const char *file, int line, const char *key,
    const char *fmt, va_list ap)
{
	char *msg, *text;

	p->nerr++;
	if (p->err == NULL)
		return;
	file = file ? file : p->name;
	if (vasprintf(&msg, fmt, ap) == -1)
		return;
	if (asprintf(&text, "%s:%d: %s: %s", file, line, key, msg) == -1)
		text = NULL;
	free(msg);
	if (text && hold(p, file, line, text) == -1) {
		fprintf(p->err, "%s\n", text);	/* no memory to sort */
		free(text);
	}
}

void
cw_err(struct cw_parse *p, const config_setting_t *s, const char *child,
    const char *fmt, ...)
{
	char key[512];
	size_t n;
	va_list ap;

	key_path(s, key, sizeof(key));
	n = strlen(key);
	if (child != NULL)
		snprintf(key + n, sizeof(key) - n, "%s%s", n ? "." : "", child);
	va_start(ap, fmt);
	verr(p, config_setting_source_file(s), config_setting_source_line(s),
	    key, fmt, ap);
	va_end(ap);
}

void
cw_err_key(struct cw_parse *p, const config_setting_t *at, const char *key,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(p, config_setting_source_file(at), config_setting_source_line(at),
	    key, fmt, ap);
	va_end(ap);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct cw_msg *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c == 0)
		c = x->line != y->line ? x->line - y->line : x->seq - y->seq;
	return c;
}

void
cw_flush(struct cw_parse *p)
{
	if (p->n_msgs > 1)
		qsort(p->msgs, (size_t)p->n_msgs, sizeof(*p->msgs), msg_cmp);
	for (int i = 0; i < p->n_msgs; i++) {
		fprintf(p->err, "%s\n", p->msgs[i].text);
		free(p->msgs[i].text);
	}
	free(p->msgs);
	p->msgs = NULL;
	p->n_msgs = p->cap_msgs = 0;
}

static const char *
type_name(int t)
{
	static const char *const names[] = { "nothing", "a group",
	    "an integer", "a 64-bit integer", "a float", "a string",
	    "a boolean", "an array", "a list" };

	return t >= 0 && t <= CONFIG_TYPE_LIST ? names[t] : "?";
}

static void
type_err(struct cw_parse *p, const config_setting_t *s, const char *want)
{
	cw_err(p, s, NULL, "expected %s, got %s", want,
	    type_name(config_setting_type(s)));
}

/* --- typed values ------------------------------------------------------- */

int
cw_int(struct cw_parse *p, const config_setting_t *s, long long lo,
    long long hi, long long *v)
{
	int t = config_setting_type(s);

	if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64) {
		type_err(p, s, "an integer");
		return -1;
	}
	*v = config_setting_get_int64(s);
	if (*v < lo || *v > hi) {
		cw_err(p, s, NULL, "%lld is out of range %lld..%lld", *v, lo,
		    hi);
		return -1;
	}
	return 0;
}

int
cw_num(struct cw_parse *p, const config_setting_t *s, double lo, double hi,
    double *v)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)
		*v = (double)config_setting_get_int64(s);
	else if (t == CONFIG_TYPE_FLOAT)
		*v = config_setting_get_float(s);
	else {
		type_err(p, s, "a number");
		return -1;
	}
	if (!(*v >= lo && *v <= hi)) {
		cw_err(p, s, NULL, "%g is out of range %g..%g", *v, lo, hi);
		return -1;
	}
	return 0;
}

const char *
cw_str(struct cw_parse *p, const config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		type_err(p, s, "a string");
		return NULL;
	}
	return config_setting_get_string(s);
}

static int
ifname_ok(const char *v)
{
	if (strlen(v) >= IFNAMSIZ || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0)
		return 0;
	for (; *v; v++)
		if (*v == '/' || *v == ':' || isspace((unsigned char)*v))
			return 0;
	return 1;
}

const char *
cw_str_checked(struct cw_parse *p, const config_setting_t *s, size_t size,
    int flags)
{
	const char *v = cw_str(p, s);

	if (v == NULL)
		return NULL;
	if (*v == '\0' && !(flags & KF_EMPTY))
		cw_err(p, s, NULL, "must not be empty");
	else if (size && strlen(v) >= size)
		cw_err(p, s, NULL, "longer than %zu characters", size - 1);
	else if ((flags & KF_ABS) && v[0] != '/')
		cw_err(p, s, NULL, "\"%s\" is not an absolute path", v);
	else if ((flags & KF_IFNAME) && !ifname_ok(v))
		cw_err(p, s, NULL, "\"%s\" is not a valid interface name", v);
	else
		return v;
	return NULL;
}

/* Index of the value in names (any case), or -1 and an error naming them. */
int
cw_enum(struct cw_parse *p, const config_setting_t *s, const char *what,
    const char *const *names)
{
	const char *v = cw_str(p, s);
	char list[256] = "";
	size_t n = 0;
	int i;

	if (v == NULL)
		return -1;
	for (i = 0; names[i]; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	for (i = 0; names[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? " " : "", names[i]);
	cw_err(p, s, NULL, "unknown %s \"%s\" (one of: %s)", what, v, list);
	return -1;
}

int
cw_want_group(struct cw_parse *p, const config_setting_t *s)
{
	if (config_setting_type(s) == CONFIG_TYPE_GROUP)
		return 1;
	type_err(p, s, "a group { ... }");
	return 0;
}

/* A list ( {..}, {..} ); an empty [ ] is the same as an empty list. */
int
cw_want_list(struct cw_parse *p, const config_setting_t *s)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_LIST ||
	    (t == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
		return 1;
	type_err(p, s, "a list ( { ... }, ... )");
	return 0;
}

/* An array [ "a", "b" ] or a list ( "a", "b" ). */
int
cw_want_strings(struct cw_parse *p, const config_setting_t *s)
{
	int t = config_setting_type(s);

	if (t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST)
		return 1;
	type_err(p, s, "an array [ ... ]");
	return 0;
}

int
cw_dup_str(const config_setting_t *s, int i)
{
	const char *v = config_setting_get_string_elem(s, i);

	for (int j = 0; j < i && v; j++) {
		const char *w = config_setting_get_string_elem(s, j);
		if (w && strcmp(v, w) == 0)
			return 1;
	}
	return 0;
}

/* --- the walker --------------------------------------------------------- */

const struct cw_key *
cw_find(const struct cw_key *tab, const char *name)
{
	for (; tab->name; tab++)
		if (name && strcmp(tab->name, name) == 0)
			return tab;
	return NULL;
}

static void
set_int(struct cw_parse *p, const config_setting_t *s, const struct cw_key *k,
    char *f)
{
	long long v;

	if (cw_int(p, s, k->min, k->max, &v) == -1 || f == NULL)
		return;
	if (k->type == K_INT)
		*(int *)(void *)f = (int)v;
	else if (k->type == K_U32)
		*(uint32_t *)(void *)f = (uint32_t)v;
	else
		*(uint16_t *)(void *)f = (uint16_t)v;
}

static void
set_scalar(struct cw_parse *p, const config_setting_t *s,
    const struct cw_key *k, char *f)
{
	struct tnd_addr a;
	const char *str;
	double d;

	switch (k->type) {
	case K_DBL:
		if (cw_num(p, s, k->dmin, k->dmax, &d) == 0 && f)
			*(double *)(void *)f = d;
		break;
	case K_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			type_err(p, s, "true or false");
		else if (f)
			*(int *)(void *)f = config_setting_get_bool(s);
		break;
	case K_STR:
		str = cw_str_checked(p, s, k->size, k->flags);
		if (str && f)
			memcpy(f, str, strlen(str) + 1);
		break;
	case K_ADDR:
		if ((str = cw_str(p, s)) == NULL)
			break;
		if (addr_parse(str, &a) == -1)
			cw_err(p, s, NULL, "\"%s\" is not an IPv4 or IPv6 "
			    "address", str);
		else if (f)
			memcpy(f, &a, sizeof(a));
		break;
	default:
		set_int(p, s, k, f);
	}
}

static void
set_key(struct cw_parse *p, const config_setting_t *s, const struct cw_key *k,
    void *obj)
{
	char *f = obj && !(k->flags & KF_NOSTORE) ? (char *)obj + k->off : NULL;
	int i;

	switch (k->type) {
	case K_GROUP:
		if (cw_want_group(p, s))
			cw_walk(p, s, k->sub, f, k->flags & KF_LAX);
		break;
	case K_GLIST:
		if (!cw_want_list(p, s))
			break;
		for (i = 0; i < config_setting_length(s); i++) {
			const config_setting_t *e =
			    config_setting_get_elem(s, (unsigned)i);
			if (cw_want_group(p, e))
				cw_walk(p, e, k->sub, NULL, k->flags & KF_LAX);
		}
		break;
	case K_FN:
		k->fn(p, s, obj);
		break;
	default:
		set_scalar(p, s, k, f);
	}
}

void
cw_walk(struct cw_parse *p, const config_setting_t *grp,
    const struct cw_key *tab, void *obj, int lax)
{
	const struct cw_key *k;
	int i;

	for (k = tab; k->name; k++) {
		const config_setting_t *s =
		    config_setting_get_member(grp, k->name);
		if (s != NULL)
			set_key(p, s, k, obj);
		else if (k->flags & KF_REQ)
			cw_err(p, grp, k->name, "missing (required)");
	}
	if (lax)
		return;
	for (i = 0; i < config_setting_length(grp); i++) {
		const config_setting_t *s =
		    config_setting_get_elem(grp, (unsigned)i);
		if (cw_find(tab, config_setting_name(s)) == NULL)
			cw_err(p, s, NULL, "unknown key");
	}
}
