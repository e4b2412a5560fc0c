/* The sorted OID table tandem-snmpd answers from: entries are appended
 * while the tree is built, sorted once, then found by binary search. */
#include "oidtab.h"

#include <stdlib.h>
#include <string.h>

void
oidtab_init(struct oidtab *t)
{
	memset(t, 0, sizeof(*t));
}

void
oidtab_clear(struct oidtab *t)
{
	t->n = 0;
	t->sorted = 0;
}

void
oidtab_free(struct oidtab *t)
{
	free(t->e);
	oidtab_init(t);
}

static struct oidtab_ent *
add(struct oidtab *t, const oid *pre, size_t plen, const oid *suf,
    size_t slen, u_char type)
{
	struct oidtab_ent *e;

	if (plen + slen > OIDTAB_OID_MAX || t->n >= OIDTAB_MAX) {
		t->overflow++;
		return NULL;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct oidtab_ent *ne = realloc(t->e, cap * sizeof(*ne));
		if (ne == NULL) {
			t->overflow++;
			return NULL;
		}
		t->e = ne;
		t->cap = cap;
	}
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, pre, plen * sizeof(oid));
	if (slen)
		memcpy(e->name + plen, suf, slen * sizeof(oid));
	e->len = plen + slen;
	e->type = type;
	t->sorted = 0;
	return e;
}

int
oidtab_add_int(struct oidtab *t, const oid *pre, size_t plen, const oid *suf,
    size_t slen, u_char type, long v)
{
	struct oidtab_ent *e = add(t, pre, plen, suf, slen, type);

	if (e == NULL)
		return -1;
	e->v.i = v;
	e->vlen = sizeof(e->v.i);
	return 0;
}

int
oidtab_add_uns(struct oidtab *t, const oid *pre, size_t plen, const oid *suf,
    size_t slen, u_char type, uint32_t v)
{
	struct oidtab_ent *e = add(t, pre, plen, suf, slen, type);

	if (e == NULL)
		return -1;
	e->v.u = v;
	e->vlen = sizeof(e->v.u);
	return 0;
}

int
oidtab_add_c64(struct oidtab *t, const oid *pre, size_t plen, const oid *suf,
    size_t slen, uint64_t v)
{
	struct oidtab_ent *e = add(t, pre, plen, suf, slen, ASN_COUNTER64);

	if (e == NULL)
		return -1;
	e->v.c64.high = (u_long)(v >> 32);
	e->v.c64.low = (u_long)(v & 0xffffffffu);
	e->vlen = sizeof(e->v.c64);
	return 0;
}

int
oidtab_add_str(struct oidtab *t, const oid *pre, size_t plen, const oid *suf,
    size_t slen, u_char type, const void *s, size_t len)
{
	struct oidtab_ent *e;

	if (len > OIDTAB_VAL_MAX)
		len = OIDTAB_VAL_MAX;	/* names are cut, never overrun */
	if ((e = add(t, pre, plen, suf, slen, type)) == NULL)
		return -1;
	if (len)
		memcpy(e->v.s, s, len);
	e->vlen = len;
	return 0;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct oidtab_ent *x = a, *y = b;

	return snmp_oid_compare(x->name, x->len, y->name, y->len);
}

void
oidtab_sort(struct oidtab *t)
{
	size_t w = 0;

	if (t->n > 1)
		qsort(t->e, t->n, sizeof(*t->e), ent_cmp);
	/* Two rows with one index (duplicate names from a daemon) would
	 * make GETNEXT loop; keep one. */
	for (size_t r = 0; r < t->n; r++) {
		if (w > 0 && ent_cmp(&t->e[w - 1], &t->e[r]) == 0)
			continue;
		if (w != r)
			t->e[w] = t->e[r];
		w++;
	}
	t->n = w;
	t->sorted = 1;
}

/* The index of the first entry >= name (n when none). */
static size_t
lower_bound(const struct oidtab *t, const oid *name, size_t len)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (snmp_oid_compare(t->e[mid].name, t->e[mid].len, name,
		    len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct oidtab_ent *
oidtab_get(const struct oidtab *t, const oid *name, size_t len)
{
	size_t i;

	if (!t->sorted)
		return NULL;
	i = lower_bound(t, name, len);
	if (i < t->n && snmp_oid_compare(t->e[i].name, t->e[i].len, name,
	    len) == 0)
		return &t->e[i];
	return NULL;
}

const struct oidtab_ent *
oidtab_next(const struct oidtab *t, const oid *name, size_t len)
{
	size_t i;

	if (!t->sorted)
		return NULL;
	i = lower_bound(t, name, len);
	if (i < t->n && snmp_oid_compare(t->e[i].name, t->e[i].len, name,
	    len) == 0)
		i++;
	return i < t->n ? &t->e[i] : NULL;
}
