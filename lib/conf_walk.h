/* Internal to lib/conf*.c: a walker that checks a libconfig group against
 * a table of keys, typed getters, and errors as "FILE:LINE: KEY: message". */
#ifndef TANDEM_CONF_WALK_H
#define TANDEM_CONF_WALK_H

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>

struct cw_msg;

struct cw_parse {
	const char	*name;		/* file name when libconfig has none */
	FILE		*err;		/* NULL: count errors silently */
	int		 nerr;
	struct cw_msg	*msgs;		/* held until cw_flush, to sort */
	int		 n_msgs, cap_msgs;
};

enum cw_type {
	K_INT, K_U32, K_U16,		/* integer (int or int64 setting) */
	K_DBL,				/* number (int, int64 or float) */
	K_BOOL,				/* true/false into an int */
	K_STR,				/* string into char[size] */
	K_ADDR,				/* IPv4/IPv6 address into tnd_addr */
	K_GROUP,			/* nested group, its own table */
	K_GLIST,			/* list of groups (validated only) */
	K_FN,				/* anything else: fn(obj) */
};

#define KF_REQ		0x01		/* must be present */
#define KF_NOSTORE	0x02		/* validate only */
#define KF_LAX		0x04		/* sub-table: unknown keys allowed */
#define KF_EMPTY	0x08		/* K_STR: "" allowed */
#define KF_ABS		0x10		/* K_STR: absolute path */
#define KF_IFNAME	0x20		/* K_STR: interface name */

/* A custom key: obj is the table's struct, NULL when only validating. */
typedef void cw_fn(struct cw_parse *, const config_setting_t *, void *obj);

struct cw_key {
	const char	*name;
	enum cw_type	 type;
	int		 flags;
	size_t		 off;		/* field offset in the table's struct */
	size_t		 size;		/* K_STR buffer size */
	long long	 min, max;	/* integer range */
	double		 dmin, dmax;	/* number range */
	cw_fn		*fn;
	const struct cw_key *sub;	/* K_GROUP, K_GLIST */
	unsigned	 types;		/* checks: types it applies to, 0 all */
};

/* Table rows: integer, number, boolean, string, custom (s is the struct). */
#define KI(n, t, s, f, lo, hi, fl) { .name = (n), .type = (t), \
	.flags = (fl), .off = offsetof(s, f), .min = (lo), .max = (hi) }
#define KD(n, s, f, lo, hi) { .name = (n), .type = K_DBL, \
	.off = offsetof(s, f), .dmin = (lo), .dmax = (hi) }
#define KB(n, s, f) { .name = (n), .type = K_BOOL, .off = offsetof(s, f) }
#define KS(n, s, f, fl) { .name = (n), .type = K_STR, .flags = (fl), \
	.off = offsetof(s, f), .size = sizeof(((s *)0)->f) }
#define KF(n, f, fl) { .name = (n), .type = K_FN, .flags = (fl), .fn = (f) }
#define KEND { .name = NULL }

/* Each key of tab in table order (a key's fn may use the values of keys
 * before it), then, unless lax, every member the table does not know. */
void	cw_walk(struct cw_parse *, const config_setting_t *grp,
	    const struct cw_key *tab, void *obj, int lax);
const struct cw_key *cw_find(const struct cw_key *tab, const char *name);
/* Print the errors held, by file and line; free them. */
void	cw_flush(struct cw_parse *);

/* An error at s, or at its member child (missing) when child is set. */
void	cw_err(struct cw_parse *, const config_setting_t *s,
	    const char *child, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* An error under any key name, placed at the line of setting at. */
void	cw_err_key(struct cw_parse *, const config_setting_t *at,
	    const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));

/* Typed getters: a value, or an error reported and -1 / NULL. */
int	cw_int(struct cw_parse *, const config_setting_t *, long long lo,
	    long long hi, long long *v);
int	cw_num(struct cw_parse *, const config_setting_t *, double lo,
	    double hi, double *v);
const char *cw_str(struct cw_parse *, const config_setting_t *);
const char *cw_str_checked(struct cw_parse *, const config_setting_t *,
	    size_t size, int flags);
int	cw_enum(struct cw_parse *, const config_setting_t *, const char *what,
	    const char *const *names);
int	cw_want_group(struct cw_parse *, const config_setting_t *);
int	cw_want_list(struct cw_parse *, const config_setting_t *);
int	cw_want_strings(struct cw_parse *, const config_setting_t *);
/* Element i of a string list repeats an earlier one. */
int	cw_dup_str(const config_setting_t *s, int i);

/* conf_check.c: a real server's check = { ... } into conf_rs.check. */
void	conf_check_parse(struct cw_parse *, const config_setting_t *,
	    void *rs);

#endif
