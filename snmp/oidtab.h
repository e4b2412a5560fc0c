/* A sorted table of (OID, typed value): the whole tree tandem-snmpd
 * serves, rebuilt from the model and answered from by GET and GETNEXT. */
#ifndef TANDEM_OIDTAB_H
#define TANDEM_OIDTAB_H

#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#define OIDTAB_OID_MAX	48
#define OIDTAB_VAL_MAX	64
#define OIDTAB_MAX	200000	/* entries: bounds what a reply can grow */

struct oidtab_ent {
	oid	 name[OIDTAB_OID_MAX];
	size_t	 len;
	u_char	 type;		/* ASN_INTEGER, ASN_COUNTER64, ... */
	size_t	 vlen;
	union {
		long		 i;	/* INTEGER */
		u_long		 u;	/* Gauge32, Counter32, TimeTicks */
		struct counter64 c64;
		u_char		 s[OIDTAB_VAL_MAX];
	} v;
};

struct oidtab {
	struct oidtab_ent *e;
	size_t	 n, cap;
	int	 sorted;
	uint64_t overflow;	/* entries refused past OIDTAB_MAX */
};

void	oidtab_init(struct oidtab *t);
void	oidtab_clear(struct oidtab *t);
void	oidtab_free(struct oidtab *t);

/* Add name (prefix + suffix) with a value; -1 when full or too long. */
int	oidtab_add_int(struct oidtab *t, const oid *pre, size_t plen,
	    const oid *suf, size_t slen, u_char type, long v);
int	oidtab_add_uns(struct oidtab *t, const oid *pre, size_t plen,
	    const oid *suf, size_t slen, u_char type, uint32_t v);
int	oidtab_add_c64(struct oidtab *t, const oid *pre, size_t plen,
	    const oid *suf, size_t slen, uint64_t v);
int	oidtab_add_str(struct oidtab *t, const oid *pre, size_t plen,
	    const oid *suf, size_t slen, u_char type, const void *s,
	    size_t len);
/* Sort; duplicates keep the first added. */
void	oidtab_sort(struct oidtab *t);

const struct oidtab_ent *oidtab_get(const struct oidtab *t, const oid *name,
	    size_t len);
/* The first entry after name, NULL past the end. */
const struct oidtab_ent *oidtab_next(const struct oidtab *t, const oid *name,
	    size_t len);

#endif
