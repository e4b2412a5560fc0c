/* The config's sync section for tandem-syncd (libconfig): interface,
 * multicast group, port, TTL, syncid, datagram length and the HMAC key
 * file. lib/conf.c checks the section's types for every daemon. */
#include "syncd.h"

#include <arpa/inet.h>
#include <string.h>

#include <libconfig.h>

void
sync_conf_defaults(struct sync_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	inet_pton(AF_INET, SYNC_GROUP, &sc->group);
	sc->port = SYNC_PORT;
	sc->ttl = 1;
	sc->max_datagram = SYNC_MAXLEN_V4;
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
parse(config_t *cfg, struct sync_conf *sc, FILE *err)
{
	const config_setting_t *sec = config_lookup(cfg, "sync");
	char group[64] = "";
	int v, rc = 0;

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
	else if (group[0] != '\0' && (inet_pton(AF_INET, group,
	    &sc->group) != 1 || !IN_MULTICAST(ntohl(sc->group.s_addr))))
		rc = bad(err, config_setting_get_member(sec, "group"), "group",
		    "must be an IPv4 multicast address");
	if ((v = sc->port, get_int(sec, "port", 1, 65535, &v, err)) == -1)
		rc = -1;
	sc->port = (uint16_t)v;
	if ((v = 0, get_int(sec, "syncid", 0, 255, &v, err)) == -1)
		rc = -1;
	sc->syncid = (uint8_t)v;
	if (get_int(sec, "ttl", 1, 255, &sc->ttl, err) == -1)
		rc = -1;
	v = (int)sc->max_datagram;
	if (get_int(sec, "max_datagram", SYNC_MAXLEN_MIN, SYNC_MAXLEN_MAX, &v,
	    err) == -1)
		rc = -1;
	sc->max_datagram = (size_t)v;
	if (get_str(sec, "auth_key_file", sc->auth_key_file,
	    sizeof(sc->auth_key_file), err) == -1)
		rc = -1;
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
