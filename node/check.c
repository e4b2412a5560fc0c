/* tandemd -t and the check before every reload: each section of the config
 * through the parser of the daemon that reads it, every error printed once
 * as "FILE:LINE: KEY: message"; and which daemons the config asks for. */
#include "node.h"
#include "log.h"
#include "../sync/syncd.h"
#include "../snmp/snmpd.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>

void
nd_plan(const struct tandem_conf *c, int want[ND_N])
{
	memset(want, 0, sizeof(int) * ND_N);
	/* The engine owns the VIPs for vrrpd and holds the connections for
	 * syncd: every node runs it. */
	want[ND_DIRECTOR] = 1;
	want[ND_VRRPD] = c->has_vrrp;
	want[ND_SYNCD] = c->has_sync;
	want[ND_SNMPD] = c->has_snmp;
	for (int i = 0; i < c->n_vs; i++)
		for (int j = 0; j < c->vs[i].n_rs; j++)
			if (c->vs[i].rs[j].check.present)
				want[ND_CHECKD] = 1;
}

/* The part of an error line that names the place: "FILE:LINE: KEY: ". */
static size_t
place_len(const char *line)
{
	const char *p = strstr(line, ": ");

	if (p != NULL && (p = strstr(p + 2, ": ")) != NULL)
		return (size_t)(p + 2 - line);
	return strlen(line);
}

/* Print the lines of text to out, one per place: a key that lib/conf.c
 * and a daemon's own parser both check would otherwise be reported twice,
 * in two wordings. */
static void
print_unique(FILE *out, char *text)
{
	char **seen = NULL;
	size_t n = 0, cap = 0;

	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		size_t i, len = place_len(line);
		for (i = 0; i < n && (place_len(seen[i]) != len ||
		    strncmp(seen[i], line, len) != 0); i++)
			;
		if (i < n)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **ns = realloc(seen, ncap * sizeof(*ns));
			if (ns == NULL)
				break;
			seen = ns;
			cap = ncap;
		}
		seen[n++] = line;
		fprintf(out, "%s\n", line);
	}
	free(seen);
}

/* 1 when path parses and has a top-level section name, 0 when it parses
 * without it, -1 when libconfig cannot read it (conf_load says why). */
static int
has_section(const char *path, const char *name)
{
	config_t cfg;
	int rc = -1;

	config_init(&cfg);
	if (config_read_file(&cfg, path) == CONFIG_TRUE)
		rc = config_lookup(&cfg, name) != NULL;
	config_destroy(&cfg);
	return rc;
}

int
nd_check(const char *path, FILE *err, int want[ND_N])
{
	struct tandem_conf c;
	struct conf_vrrp v;
	struct sync_conf sc;
	struct snmp_conf nc;
	char *text = NULL;
	size_t len = 0;
	int rc = 0, sync;
	FILE *m = open_memstream(&text, &len);

	if (m == NULL)
		return -1;
	if (conf_load(path, &c, m) == -1) {
		rc = -1;
	} else {
		if (want != NULL)
			nd_plan(&c, want);
		conf_free(&c);
	}
	if ((sync = has_section(path, "sync")) >= 0) {
		if (conf_vrrp_load(path, &v, m) == -1)
			rc = -1;
		else
			conf_vrrp_free(&v);
		if (sync && sync_conf_load(path, &sc, m) == -1)
			rc = -1;
		if (has_section(path, "snmp") == 1 &&
		    snmp_conf_load(path, &nc, m) == -1)
			rc = -1;
	}
	fclose(m);
	if (err != NULL && text != NULL)
		print_unique(err, text);
	free(text);
	return rc;
}

int
nd_snapshot(const char *src, const char *dst)
{
	char tmp[CONF_PATH_MAX + 48], buf[8192];
	int in, out, rc = -1;
	ssize_t n;

	snprintf(tmp, sizeof(tmp), "%s.new", dst);
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("cannot read %s", src);
		return -1;
	}
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("cannot write %s", tmp);
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (n == 0 && fsync(out) == 0)
		rc = 0;
	close(in);
	if (close(out) == -1)
		rc = -1;
	if (rc == 0 && rename(tmp, dst) == -1)
		rc = -1;
	if (rc == -1) {
		log_warn("cannot copy %s to %s", src, dst);
		unlink(tmp);
	}
	return rc;
}
