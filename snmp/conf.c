/* The config's snmp section for tandem-snmpd (libconfig): the AgentX
 * socket, traps, the metrics listen address and the poll interval.
 * lib/conf.c checks the section's types for every daemon. */
#include "snmpd.h"

#include <string.h>

#include <libconfig.h>

void
snmp_conf_defaults(struct snmp_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	snprintf(sc->agentx_socket, sizeof(sc->agentx_socket), "%s",
	    SNMP_AGENTX_DEFAULT);
	sc->traps = 1;
	snprintf(sc->metrics_listen, sizeof(sc->metrics_listen), "%s",
	    SNMP_METRICS_DEFAULT);
	sc->poll_interval = SNMP_POLL_DEFAULT;
}

static int
bad(FILE *err, const config_setting_t *s, const char *key, const char *msg)
{
	if (err != NULL)
		fprintf(err, "%s:%d: snmp.%s: %s\n",
		    config_setting_source_file(s) ? config_setting_source_file(s)
		    : "-", config_setting_source_line(s), key, msg);
	return -1;
}

static int
get_str(const config_setting_t *sec, const char *key, char *out, size_t size,
    FILE *err)
{
	const config_setting_t *s = config_setting_get_member(sec, key);
	const char *v;

	if (s == NULL)
		return 0;
	if ((v = config_setting_get_string(s)) == NULL)
		return bad(err, s, key, "must be a string");
	if (strlen(v) >= size)
		return bad(err, s, key, "too long");
	snprintf(out, size, "%s", v);
	return 0;
}

static int
parse(config_t *cfg, struct snmp_conf *sc, FILE *err)
{
	const config_setting_t *sec = config_lookup(cfg, "snmp"), *s;
	int rc = 0;

	snmp_conf_defaults(sc);
	if (sec == NULL)
		return 0;	/* no section: every default */
	if (!config_setting_is_group(sec))
		return bad(err, sec, "", "must be a group");
	if (get_str(sec, "agentx_socket", sc->agentx_socket,
	    sizeof(sc->agentx_socket), err) == -1)
		rc = -1;
	if (get_str(sec, "metrics_listen", sc->metrics_listen,
	    sizeof(sc->metrics_listen), err) == -1)
		rc = -1;
	if ((s = config_setting_get_member(sec, "traps")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			rc = bad(err, s, "traps", "must be true or false");
		else
			sc->traps = config_setting_get_bool(s);
	}
	if ((s = config_setting_get_member(sec, "poll_interval")) != NULL) {
		int t = config_setting_type(s);
		double v = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) :
		    (double)config_setting_get_int64(s);
		if (t != CONFIG_TYPE_FLOAT && t != CONFIG_TYPE_INT &&
		    t != CONFIG_TYPE_INT64)
			rc = bad(err, s, "poll_interval", "must be a number");
		else if (v < 0.1 || v > 3600)
			rc = bad(err, s, "poll_interval",
			    "must be 0.1 to 3600 seconds");
		else
			sc->poll_interval = v;
	}
	return rc;
}

static int
load(config_t *cfg, int ok, const char *name, struct snmp_conf *sc,
    FILE *err)
{
	int rc;

	if (!ok) {
		if (err != NULL)
			fprintf(err, "%s:%d: %s\n", name,
			    config_error_line(cfg), config_error_text(cfg));
		config_destroy(cfg);
		return -1;
	}
	rc = parse(cfg, sc, err);
	config_destroy(cfg);
	return rc;
}

int
snmp_conf_load(const char *path, struct snmp_conf *sc, FILE *err)
{
	config_t cfg;

	config_init(&cfg);
	return load(&cfg, config_read_file(&cfg, path) == CONFIG_TRUE, path,
	    sc, err);
}

int
snmp_conf_load_string(const char *text, struct snmp_conf *sc, FILE *err)
{
	config_t cfg;

	config_init(&cfg);
	return load(&cfg, config_read_string(&cfg, text) == CONFIG_TRUE, "-",
	    sc, err);
}
