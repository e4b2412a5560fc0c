/* The config's sync section for tandem-syncd (libconfig): interface,
 * multicast group or unicast peers (one family, IPv4 or IPv6), ports, TTL,
 * syncid, datagram length, the HMAC key file, the role (following VRRP),
 * IPVS's threshold and period, batching, resends and bulk requests.
 * lib/conf.c checks the section's types for every daemon. */
#include "syncd.h"

#include <netinet/in.h>
#include <string.h>

#include <libconfig.h>

void
sync_conf_defaults(struct sync_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	addr_parse(SYNC_GROUP, &sc->group);
	sc->port = SYNC_PORT;
	sc->ttl = 1;
	sc->max_datagram = SYNC_MAXLEN_V4;
	sc->threshold = 3;
	sc->period = 50;
	sc->refresh_ms = 30000;
	sc->batch_ms = 5;
	sc->resend_slots = 4096;
	sc->nack_ms = 20;
	sc->bulk_retry_ms = 500;
	sc->bulk_attempts = 4;
}

static int
bad(FILE *err, const config_setting_t *s, const char *key, const char *msg)
{
	if (err != NULL)
		fprintf(err, "%s:%d: sync.%s: %s\n",
		    config_setting_source_file(s) ? config_setting_source_file(s)
		    : "-", config_setting_source_line(s), key, msg);
	return -1;
}

/* An optional integer member in [min, max]; 0 unchanged, 1 set, -1 bad. */
static int
get_int(const config_setting_t *sec, const char *key, int min, int max,
    int *out, FILE *err)
{
	const config_setting_t *s = config_setting_get_member(sec, key);
	int v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return bad(err, s, key, "must be an integer");
	v = config_setting_get_int(s);
	if (v < min || v > max) {
		if (err != NULL)
			fprintf(err, "%s:%d: sync.%s: must be %d to %d\n",
			    config_setting_source_file(s) ?
			    config_setting_source_file(s) : "-",
			    config_setting_source_line(s), key, min, max);
		return -1;
	}
	*out = v;
	return 1;
}

static int
get_str(const config_setting_t *sec, const char *key, char *out, size_t size,
    FILE *err)
{
	const config_setting_t *s = config_setting_get_member(sec, key);
	const char *v;

	if (s == NULL)
		return 0;
	v = config_setting_get_string(s);
	if (v == NULL)
		return bad(err, s, key, "must be a string");
	if (v[0] == '\0' || strlen(v) >= size)
		return bad(err, s, key, "empty or too long");
	snprintf(out, size, "%s", v);
	return 1;
}

static int
get_u32(const config_setting_t *sec, const char *key, int min, int max,
    uint32_t *out, FILE *err)
{
	int v = (int)*out, rc = get_int(sec, key, min, max, &v, err);

	*out = (uint32_t)v;
	return rc;
}

static int
is_multicast(const struct tnd_addr *a)
{
	return a->af == AF_INET ? IN_MULTICAST(addr_v4(a)) : a->bytes[0] == 0xff;
}

/* One family per config: the group's, when it is given. */
static int
parse_peers(const config_setting_t *sec, struct sync_conf *sc, int group_af,
    FILE *err)
{
	const config_setting_t *s = config_setting_get_member(sec, "peers");
	int n;

	if (s == NULL)
		return 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return bad(err, s, "peers", "must be a list of addresses");
	n = config_setting_length(s);
	if (n > SYNC_UNICAST_MAX)
		return bad(err, s, "peers", "at most 8 peers");
	for (int i = 0; i < n; i++) {
		const char *a = config_setting_get_string_elem(s, i);
		if (a == NULL || addr_parse(a, &sc->peers[i]) == -1 ||
		    is_multicast(&sc->peers[i]))
			return bad(err, s, "peers",
			    "must be unicast IPv4 or IPv6 addresses");
		if (sc->peers[i].af != sc->peers[0].af)
			return bad(err, s, "peers",
			    "must be all IPv4 or all IPv6");
	}
	if (n > 0 && group_af != 0 && sc->peers[0].af != group_af)
		return bad(err, s, "peers", group_af == AF_INET ?
		    "IPv6 peers with an IPv4 group: one family only" :
		    "IPv4 peers with an IPv6 group: one family only");
	sc->n_peers = n;
	return 0;
}

/* What the sending side, roles and reliability take. */
static int
parse_more(const config_setting_t *sec, struct sync_conf *sc, int group_af,
    FILE *err)
{
	char role[16] = "";
	int rc = 0, v;

	if (get_str(sec, "follow", sc->follow, sizeof(sc->follow), err) == -1)
		rc = -1;
	if (get_str(sec, "role", role, sizeof(role), err) == -1)
		rc = -1;
	else if (strcmp(role, "master") == 0)
		sc->role = ROLE_MASTER;
	else if (strcmp(role, "backup") == 0)
		sc->role = ROLE_BACKUP;
	else if (role[0] != '\0' && strcmp(role, "follow") != 0)
		rc = bad(err, config_setting_get_member(sec, "role"), "role",
		    "must be \"follow\", \"master\" or \"backup\"");
	v = sc->port + 1 > 65535 ? 1 : sc->port + 1;
	if (get_int(sec, "control_port", 1, 65535, &v, err) == -1)
		rc = -1;
	sc->ctl_port = (uint16_t)v;
	if (sc->ctl_port == sc->port)
		rc = bad(err, sec, "control_port", "must differ from port");
	if (get_u32(sec, "threshold", 0, 1000000, &sc->threshold, err) == -1 ||
	    get_u32(sec, "period", 0, 1000000, &sc->period, err) == -1)
		rc = -1;
	else if (sc->period > 0 && sc->threshold >= sc->period)
		rc = bad(err, sec, "threshold", "must be below period");
	if (get_u32(sec, "refresh_ms", 100, 86400000, &sc->refresh_ms,
	    err) == -1 ||
	    get_u32(sec, "batch_delay_ms", 1, 10000, &sc->batch_ms, err) == -1 ||
	    get_u32(sec, "resend_buffer", 16, SYNC_REPLAY_WINDOW,
	    &sc->resend_slots, err) == -1 ||
	    get_u32(sec, "nack_delay_ms", 1, 10000, &sc->nack_ms, err) == -1 ||
	    get_u32(sec, "bulk_retry_ms", 50, 60000, &sc->bulk_retry_ms,
	    err) == -1 ||
	    get_int(sec, "bulk_attempts", 1, 100, &sc->bulk_attempts,
	    err) == -1)
		rc = -1;
	if (parse_peers(sec, sc, group_af, err) == -1)
		rc = -1;
	return rc;
}

static int
parse(config_t *cfg, struct sync_conf *sc, FILE *err)
{
	const config_setting_t *sec = config_lookup(cfg, "sync");
	char group[64] = "";
	int v, rc = 0, group_af = 0;	/* 0: the group is not given */

	sync_conf_defaults(sc);
	if (sec == NULL || !config_setting_is_group(sec)) {
		if (err != NULL)
			fprintf(err, "no sync section\n");
		return -1;
	}
	if (get_str(sec, "interface", sc->interface, sizeof(sc->interface),
	    err) != 1) {
		if (config_setting_get_member(sec, "interface") == NULL)
			bad(err, sec, "interface", "missing");
		rc = -1;
	}
	if (get_str(sec, "group", group, sizeof(group), err) == -1)
		rc = -1;
	else if (group[0] != '\0' && (addr_parse(group, &sc->group) == -1 ||
	    !is_multicast(&sc->group)))
		rc = bad(err, config_setting_get_member(sec, "group"), "group",
		    sc->group.af == AF_INET6 ?
		    "must be an IPv6 multicast address" :
		    "must be an IPv4 multicast address");
	else if (group[0] != '\0')
		group_af = sc->group.af;
	if ((v = sc->port, get_int(sec, "port", 1, 65535, &v, err)) == -1)
		rc = -1;
	sc->port = (uint16_t)v;
	if ((v = 0, get_int(sec, "syncid", 0, 255, &v, err)) == -1)
		rc = -1;
	sc->syncid = (uint8_t)v;
	if (get_int(sec, "ttl", 1, 255, &sc->ttl, err) == -1)
		rc = -1;
	if (get_str(sec, "auth_key_file", sc->auth_key_file,
	    sizeof(sc->auth_key_file), err) == -1)
		rc = -1;
	if (parse_more(sec, sc, group_af, err) == -1)
		rc = -1;
	/* As the kernel's master: a 1500-byte MTU less the IP and UDP
	 * headers of the family in use. */
	v = sync_conf_af(sc) == AF_INET6 ? SYNC_MAXLEN_V6 : SYNC_MAXLEN_V4;
	if (get_int(sec, "max_datagram", SYNC_MAXLEN_MIN, SYNC_MAXLEN_MAX, &v,
	    err) == -1)
		rc = -1;
	sc->max_datagram = (size_t)v;
	return rc;
}

int
sync_conf_load(const char *path, struct sync_conf *sc, FILE *err)
{
	config_t cfg;
	int rc;

	config_init(&cfg);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (err != NULL)
			fprintf(err, "%s:%d: %s\n", path,
			    config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		return -1;
	}
	rc = parse(&cfg, sc, err);
	config_destroy(&cfg);
	return rc;
}

int
sync_conf_load_string(const char *text, struct sync_conf *sc, FILE *err)
{
	config_t cfg;
	int rc;

	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		if (err != NULL)
			fprintf(err, "-:%d: %s\n", config_error_line(&cfg),
			    config_error_text(&cfg));
		config_destroy(&cfg);
		return -1;
	}
	rc = parse(&cfg, sc, err);
	config_destroy(&cfg);
	return rc;
}
