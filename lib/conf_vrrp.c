/* The vrrp section of the config, for tandem-vrrpd: instances, sync
 * groups, track scripts, notify and director tracking, validated with the
 * same key-table walker as the rest of the file (conf_walk.c). */
#include "conf.h"
#include "conf_walk.h"

#include <libconfig.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define VI	struct conf_vrrp_inst

static void
vips_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	VI *in = obj;
	struct conf_vip vip;

	if (!cw_want_strings(p, s))
		return;
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const char *v = cw_str(p, e);
		if (v == NULL)
			continue;
		if (addr_parse_prefix(v, &vip.addr, &vip.prefix) == -1)
			cw_err(p, e, NULL, "\"%s\" is not an address/prefix "
			    "such as \"10.0.0.100/24\"", v);
		else if (cw_dup_str(s, i))
			cw_err(p, e, NULL, "\"%s\" is listed twice", v);
		else if (in->n_vips && vip.addr.af != in->af)
			cw_err(p, e, NULL, "IPv4 and IPv6 addresses in one "
			    "instance (use two instances)");
		else if (in->n_vips >= CONF_MAX_VIPS)
			cw_err(p, e, NULL, "more than %d addresses",
			    CONF_MAX_VIPS);
		else {
			in->af = vip.addr.af;
			in->vips[in->n_vips++] = vip;
		}
	}
}

static void
advert_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	VI *in = obj;
	double v;

	if (in->version == 2) {
		if (cw_num(p, s, 1, 255, &v) == -1)
			return;
		if (v != (double)(long)v)
			cw_err(p, s, NULL, "version 2 counts whole seconds");
		else
			in->advert_cs = (uint32_t)v * 100;
		return;
	}
	if (cw_num(p, s, 0.01, 40.95, &v) == 0)
		in->advert_cs = (uint32_t)(v * 100 + 0.5);
}

static void
peers_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	VI *in = obj;
	struct tnd_addr a;

	if (!cw_want_strings(p, s))
		return;
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const char *v = cw_str(p, e);
		if (v == NULL)
			continue;
		if (addr_parse(v, &a) == -1)
			cw_err(p, e, NULL, "\"%s\" is not an address", v);
		else if (in->n_peers >= CONF_VRRP_MAX_PEERS)
			cw_err(p, e, NULL, "more than %d peers",
			    CONF_VRRP_MAX_PEERS);
		else
			in->peers[in->n_peers++] = a;
	}
}

/* [ "eth1", { name = "eth2"; weight = -20; } ] */
static int
track_list(struct cw_parse *p, const config_setting_t *s,
    struct conf_vrrp_track *t, int *n)
{
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) {
		cw_err(p, s, NULL, "expected a list of names or "
		    "{ name = ...; weight = ...; } groups");
		return -1;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e =
		    config_setting_get_elem(s, (unsigned)i);
		const config_setting_t *nm = e, *w = NULL;
		long long wv = 0;
		if (config_setting_type(e) == CONFIG_TYPE_GROUP) {
			nm = config_setting_get_member(e, "name");
			w = config_setting_get_member(e, "weight");
			if (nm == NULL) {
				cw_err(p, e, "name", "missing (required)");
				continue;
			}
		}
		const char *v = cw_str_checked(p, nm, CONF_NAME_MAX, 0);
		if (v == NULL || (w && cw_int(p, w, -254, 254, &wv) == -1))
			continue;
		if (*n >= CONF_VRRP_MAX_TRACK) {
			cw_err(p, e, NULL, "more than %d entries",
			    CONF_VRRP_MAX_TRACK);
			return -1;
		}
		snprintf(t[*n].name, sizeof(t[*n].name), "%s", v);
		t[*n].weight = (int)wv;
		t[*n].has_weight = w != NULL;
		(*n)++;
	}
	return 0;
}

static void
track_if_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	VI *in = obj;

	track_list(p, s, in->track_if, &in->n_track_if);
}

static void
track_script_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	VI *in = obj;

	track_list(p, s, in->track_scripts, &in->n_track_scripts);
}

static void
track_check_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	VI *in = obj;

	track_list(p, s, in->track_checks, &in->n_track_checks);
}

static void
auth_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	static const char *const names[] = { "none", "pass", "hmac", NULL };
	int i = cw_enum(p, s, "auth_type", names);

	if (i >= 0)
		((VI *)obj)->auth_type = (enum conf_vrrp_auth)i;
}

static const struct cw_key inst_keys[] = {
	KS("name", VI, name, KF_REQ),
	KS("interface", VI, interface, KF_REQ | KF_IFNAME),
	KI("vrid", K_INT, VI, vrid, 1, 255, KF_REQ),
	KI("priority", K_INT, VI, priority, 1, 255, 0),
	KI("version", K_INT, VI, version, 2, 3, 0),
	KF("advert_int", advert_fn, 0),
	KF("virtual_ipaddress", vips_fn, KF_REQ),
	KB("preempt", VI, preempt),
	KD("preempt_delay", VI, preempt_delay, 0, 3600),
	KB("accept", VI, accept),
	{ .name = "unicast_src", .type = K_ADDR, .off = offsetof(VI,
	  unicast_src) },
	KF("unicast_peers", peers_fn, 0),
	KF("track_interfaces", track_if_fn, 0),
	KF("track_scripts", track_script_fn, 0),
	KF("track_checks", track_check_fn, 0),
	KB("track_director", VI, track_director),
	KF("auth_type", auth_fn, 0),
	KS("auth_pass", VI, auth_pass, 0),
	KS("auth_key_file", VI, auth_key_file, KF_ABS),
	KI("garp_master_repeat", K_INT, VI, garp_repeat, 0, 100, 0),
	KD("garp_master_refresh", VI, garp_refresh, 0, 86400),
	KS("notify_master", VI, notify_master, 0),
	KS("notify_backup", VI, notify_backup, 0),
	KS("notify_fault", VI, notify_fault, 0),
	KS("notify_stop", VI, notify_stop, 0),
	KS("notify", VI, notify, 0),
	KEND
};

static void
inst_finish(struct cw_parse *p, const config_setting_t *s, VI *in)
{
	for (int i = 0; i < in->n_peers; i++)
		if (in->af && in->peers[i].af != in->af)
			cw_err(p, s, "unicast_peers", "a peer of another "
			    "address family than the VIPs");
	if (in->unicast_src.af && in->af && in->unicast_src.af != in->af)
		cw_err(p, s, "unicast_src", "not the VIPs' address family");
	if (in->version == 2 && in->af == AF_INET6)
		cw_err(p, s, "version", "VRRP version 2 is IPv4 only");
	if (in->auth_type == CONF_AUTH_PASS && in->version != 2)
		cw_err(p, s, "auth_type", "\"pass\" exists in version 2 only");
	if (in->auth_type == CONF_AUTH_PASS && in->auth_pass[0] == '\0')
		cw_err(p, s, "auth_pass", "missing (required by \"pass\")");
	if (in->auth_type == CONF_AUTH_HMAC && in->version != 3)
		cw_err(p, s, "auth_type", "\"hmac\" needs version 3");
	if (in->auth_type == CONF_AUTH_HMAC && in->auth_key_file[0] == '\0')
		cw_err(p, s, "auth_key_file", "missing (required by \"hmac\")");
}

/* --- groups, scripts, the section -------------------------------------- */

#define VG	struct conf_vrrp_group

/* Lists read by hand after the walk (they need each other). */
static void
later_fn(struct cw_parse *p, const config_setting_t *s, void *obj)
{
	(void)p; (void)s; (void)obj;
}

static const struct cw_key group_keys[] = {
	KS("name", VG, name, KF_REQ),
	KF("instances", later_fn, KF_REQ),
	KS("notify_master", VG, notify_master, 0),
	KS("notify_backup", VG, notify_backup, 0),
	KS("notify_fault", VG, notify_fault, 0),
	KS("notify", VG, notify, 0),
	KEND
};

#define VS	struct conf_vrrp_script

static const struct cw_key script_keys[] = {
	KS("name", VS, name, KF_REQ),
	KS("script", VS, script, KF_REQ),
	KD("interval", VS, interval, 0.01, 86400),
	KD("timeout", VS, timeout, 0.01, 86400),
	KI("rise", K_INT, VS, rise, 1, 1000, 0),
	KI("fall", K_INT, VS, fall, 1, 1000, 0),
	KI("weight", K_INT, VS, weight, -254, 254, 0),
	KEND
};

#define CV	struct conf_vrrp

static const struct cw_key vrrp_keys[] = {
	KF("instances", later_fn, 0),
	KF("sync_groups", later_fn, 0),
	KF("scripts", later_fn, 0),
	KS("notify_fifo", CV, notify_fifo, KF_ABS),
	KS("script_user", CV, script_user, 0),
	KB("track_director", CV, track_director),
	KD("director_interval", CV, director_interval, 0.01, 60),
	KD("director_timeout", CV, director_timeout, 0.01, 60),
	KI("director_fall", K_INT, CV, director_fall, 1, 100, 0),
	KI("director_weight", K_INT, CV, director_weight, -254, 0, 0),
	KEND
};

static int
inst_index(const struct conf_vrrp *v, const char *name)
{
	for (int i = 0; i < v->n_inst; i++)
		if (strcmp(v->inst[i].name, name) == 0)
			return i;
	return -1;
}

static void
inst_parse(struct cw_parse *p, const config_setting_t *s, struct conf_vrrp *v,
    int i)
{
	VI *in = &v->inst[i];

	in->priority = 100;
	in->version = 3;
	in->advert_cs = 100;
	in->preempt = 1;
	in->garp_repeat = 5;
	in->track_director = v->track_director;
	in->line = config_setting_source_line(s);
	if (!cw_want_group(p, s))
		return;
	cw_walk(p, s, inst_keys, in, 0);
	inst_finish(p, s, in);
	for (int j = 0; j < i; j++) {
		if (in->name[0] && strcmp(v->inst[j].name, in->name) == 0)
			cw_err(p, s, "name", "\"%s\" is also at line %d",
			    in->name, v->inst[j].line);
		else if (v->inst[j].vrid == in->vrid && v->inst[j].af ==
		    in->af && strcmp(v->inst[j].interface, in->interface) == 0)
			cw_err(p, s, "vrid", "VRID %d on %s is also at line "
			    "%d", in->vrid, in->interface, v->inst[j].line);
	}
}

static void
group_parse(struct cw_parse *p, const config_setting_t *s, struct conf_vrrp *v,
    int g, int *owner)
{
	VG *gr = &v->groups[g];
	const config_setting_t *m;

	if (!cw_want_group(p, s))
		return;
	cw_walk(p, s, group_keys, gr, 0);
	m = config_setting_get_member(s, "instances");
	if (m == NULL || !cw_want_strings(p, m))
		return;
	for (int i = 0; i < config_setting_length(m); i++) {
		const config_setting_t *e =
		    config_setting_get_elem(m, (unsigned)i);
		const char *nm = cw_str(p, e);
		int k = nm ? inst_index(v, nm) : -1;
		if (nm == NULL)
			continue;
		if (k < 0)
			cw_err(p, e, NULL, "no instance \"%s\"", nm);
		else if (owner[k] >= 0)
			cw_err(p, e, NULL, "\"%s\" is already in group \"%s\"",
			    nm, v->groups[owner[k]].name);
		else {
			owner[k] = g;
			gr->members[gr->n_members++] = k;
		}
	}
}

static void
script_parse(struct cw_parse *p, const config_setting_t *s, VS *sc)
{
	sc->interval = 1;
	sc->rise = sc->fall = 1;
	sc->line = config_setting_source_line(s);
	if (!cw_want_group(p, s))
		return;
	cw_walk(p, s, script_keys, sc, 0);
	if (config_setting_get_member(s, "timeout") == NULL)
		sc->timeout = sc->interval;
}

/* Allocate n elements of size for a list setting; -1 on a bad list. */
static int
list_alloc(struct cw_parse *p, const config_setting_t *s, size_t size,
    int max, void **out)
{
	int n;

	*out = NULL;
	if (s == NULL || !cw_want_list(p, s) ||
	    (n = config_setting_length(s)) == 0)
		return 0;
	if (n > max) {
		cw_err(p, s, NULL, "more than %d entries", max);
		return 0;
	}
	if ((*out = calloc((size_t)n, size)) == NULL) {
		cw_err(p, s, NULL, "out of memory");
		return 0;
	}
	return n;
}

static void
check_refs(struct cw_parse *p, const config_setting_t *sec,
    struct conf_vrrp *v)
{
	for (int i = 0; i < v->n_inst; i++) {
		VI *in = &v->inst[i];
		for (int j = 0; j < in->n_track_scripts; j++) {
			int found = 0;
			for (int k = 0; k < v->n_scripts; k++)
				found |= strcmp(v->scripts[k].name,
				    in->track_scripts[j].name) == 0;
			if (!found)
				cw_err_key(p, sec, "vrrp.instances", "\"%s\" "
				    "tracks script \"%s\", which vrrp.scripts "
				    "does not define", in->name,
				    in->track_scripts[j].name);
		}
	}
}

static void
vrrp_parse(struct cw_parse *p, const config_setting_t *sec,
    struct conf_vrrp *v)
{
	const config_setting_t *s;
	void *mem;
	int *owner;

	cw_walk(p, sec, vrrp_keys, v, 0);
	s = config_setting_get_member(sec, "scripts");
	v->n_scripts = list_alloc(p, s, sizeof(VS), 64, &mem);
	v->scripts = mem;
	for (int i = 0; i < v->n_scripts; i++)
		script_parse(p, config_setting_get_elem(s, (unsigned)i),
		    &v->scripts[i]);
	s = config_setting_get_member(sec, "instances");
	v->n_inst = list_alloc(p, s, sizeof(VI), CONF_VRRP_MAX_INST, &mem);
	v->inst = mem;
	for (int i = 0; i < v->n_inst; i++)
		inst_parse(p, config_setting_get_elem(s, (unsigned)i), v, i);
	s = config_setting_get_member(sec, "sync_groups");
	v->n_groups = list_alloc(p, s, sizeof(VG), CONF_VRRP_MAX_INST, &mem);
	v->groups = mem;
	owner = malloc(sizeof(int) * (size_t)(v->n_inst + 1));
	if (owner == NULL)
		return;
	for (int i = 0; i < v->n_inst; i++)
		owner[i] = -1;
	for (int g = 0; g < v->n_groups; g++)
		group_parse(p, config_setting_get_elem(s, (unsigned)g), v, g,
		    owner);
	free(owner);
	check_refs(p, sec, v);
}

/* sync.follow and sync.preempt_hold: tandem-vrrpd holds preemption of
 * what tandem-syncd follows until its bulk sync is done. The rest of the
 * sync section is tandem-syncd's (lib/conf.c checks its types). */
static const struct cw_key sync_keys[] = {
	KS("follow", CV, sync_follow, 0),
	KD("preempt_hold", CV, preempt_hold, 0, 3600),
	KEND
};

static void
sync_parse(struct cw_parse *p, const config_setting_t *sec,
    struct conf_vrrp *v)
{
	const char *f = v->sync_follow;

	cw_walk(p, sec, sync_keys, v, 1);
	if (f[0] == '\0' || v->n_inst == 0 || inst_index(v, f) >= 0)
		return;
	for (int g = 0; g < v->n_groups; g++)
		if (strcmp(v->groups[g].name, f) == 0)
			return;
	cw_err(p, config_setting_get_member(sec, "follow"), NULL, "\"%s\" is "
	    "neither a vrrp instance nor a sync group", f);
}

static void
vrrp_defaults(struct conf_vrrp *v)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->script_user, sizeof(v->script_user), "nobody");
	v->track_director = 1;
	v->director_interval = 0.5;
	v->director_timeout = 1.0;
	v->director_fall = 2;
	v->preempt_hold = 30;
}

static int
vrrp_build(config_t *cfg, int ok, const char *name, struct conf_vrrp *v,
    FILE *err)
{
	struct cw_parse p = { .name = name ? name : "-", .err = err };
	const config_setting_t *sec;

	vrrp_defaults(v);
	if (!ok) {
		if (err)
			fprintf(err, "%s:%d: %s\n", config_error_file(cfg) ?
			    config_error_file(cfg) : p.name,
			    config_error_line(cfg), config_error_text(cfg));
		return -1;
	}
	sec = config_setting_get_member(config_root_setting(cfg), "vrrp");
	if (sec != NULL && cw_want_group(&p, sec))
		vrrp_parse(&p, sec, v);
	sec = config_setting_get_member(config_root_setting(cfg), "sync");
	if (sec != NULL && cw_want_group(&p, sec))
		sync_parse(&p, sec, v);
	cw_flush(&p);
	if (p.nerr) {
		conf_vrrp_free(v);
		return -1;
	}
	return 0;
}

int
conf_vrrp_load(const char *path, struct conf_vrrp *v, FILE *err)
{
	config_t cfg;
	int rc;

	config_init(&cfg);
	rc = vrrp_build(&cfg, config_read_file(&cfg, path), path, v, err);
	config_destroy(&cfg);
	return rc;
}

int
conf_vrrp_load_string(const char *text, const char *name, struct conf_vrrp *v,
    FILE *err)
{
	config_t cfg;
	int rc;

	config_init(&cfg);
	rc = vrrp_build(&cfg, config_read_string(&cfg, text), name, v, err);
	config_destroy(&cfg);
	return rc;
}

void
conf_vrrp_free(struct conf_vrrp *v)
{
	free(v->inst);
	free(v->groups);
	free(v->scripts);
	v->inst = NULL;
	v->groups = NULL;
	v->scripts = NULL;
	v->n_inst = v->n_groups = v->n_scripts = 0;
}
