/* tandemctl checks [--json]: every health check of tandem-checkd with its
 * state, last result and reason, latency and counters, then each virtual
 * server's quorum. */
#include "checks.h"

#include "ctlmsg.h"
#include "view.h"
#include "format.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static double
jdbl(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	    json_object_get_double(v) : 0;
}

static void
print_header(FILE *out)
{
	fprintf(out, "%-22s %-24s %-5s %-5s %-6s %9s %7s %7s %7s %6s  %s\n",
	    "VirtualServer", "RealServer", "Type", "State", "Last",
	    "Latency", "Checks", "Failed", "Changes", "Missed", "Reason");
}

/* The rows of one reply page. */
static void
print_rows(FILE *out, json_object *reply)
{
	json_object *arr;
	char rs[64];

	if (json_object_object_get_ex(reply, "checks", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *o = json_object_array_get_idx(arr, i);
			const char *a = ctl_jstr(o, "rs", "?");
			snprintf(rs, sizeof(rs), strchr(a, ':') ? "[%s]:%lld" :
			    "%s:%lld", a, ctl_jint(o, "rs_port"));
			fprintf(out, "%-22s %-24s %-5s %-5s %-6s %7.1fms %7lld "
			    "%7lld %7lld %6lld  %s\n", ctl_jstr(o, "vs", "?"), rs,
			    ctl_jstr(o, "type", "?"), ctl_jstr(o, "state", "?"),
			    ctl_jstr(o, "last", "?"), jdbl(o, "latency_ms"),
			    ctl_jint(o, "checks"), ctl_jint(o, "failed"),
			    ctl_jint(o, "changes"), ctl_jint(o, "missed"),
			    ctl_jstr(o, "reason", ""));
		}
	if (json_object_object_get_ex(reply, "virtual_servers", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *o = json_object_array_get_idx(arr, i), *q;
			int up = json_object_object_get_ex(o, "quorum_up", &q) &&
			    json_object_get_boolean(q);
			int sorry = json_object_object_get_ex(o, "sorry_in", &q) &&
			    json_object_get_boolean(q);
			fprintf(out, "Quorum %s%s%s: %s (weight %lld of %lld, "
			    "hysteresis %lld)%s\n", ctl_jstr(o, "vs", "?"),
			    json_object_object_get_ex(o, "name", &q) ? " " : "",
			    json_object_object_get_ex(o, "name", &q) ?
			    json_object_get_string(q) : "", up ? "up" : "lost",
			    ctl_jint(o, "alive_weight"), ctl_jint(o, "quorum"),
			    ctl_jint(o, "hysteresis"), sorry ? ", sorry server in" : "");
		}
}

void
ctl_checks_print(FILE *out, json_object *reply)
{
	print_header(out);
	print_rows(out, reply);
}

struct checks_ctx {
	int		 json;
	int		 pages;
	json_object	*all;		/* --json: every page merged */
};

/* --json: append a page's arrays to the merged reply. */
static void
merge(json_object *all, json_object *page)
{
	static const char *const keys[] = { "checks", "virtual_servers" };
	json_object *arr, *into;

	for (size_t k = 0; k < 2; k++) {
		if (!json_object_object_get_ex(page, keys[k], &arr) ||
		    !json_object_is_type(arr, json_type_array))
			continue;
		if (!json_object_object_get_ex(all, keys[k], &into)) {
			into = json_object_new_array();
			json_object_object_add(all, keys[k], into);
		}
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			json_object_array_add(into, json_object_get(
			    json_object_array_get_idx(arr, i)));
	}
	json_object_object_foreach(page, key, val)
		if (strcmp(key, "checks") != 0 &&
		    strcmp(key, "virtual_servers") != 0)
			json_object_object_add(all, key, json_object_get(val));
}

static int
on_reply(json_object *reply, void *arg)
{
	struct checks_ctx *c = arg;
	json_object *ok;

	if (!json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_get_boolean(ok)) {
		fprintf(stderr, "tandemctl: %s\n", ctl_jstr(reply, "error",
		    "tandem-checkd refused the request"));
		return -1;
	}
	if (c->json) {
		merge(c->all, reply);
	} else {
		if (c->pages == 0)
			print_header(stdout);
		print_rows(stdout, reply);
	}
	c->pages++;
	return 0;
}

int
ctl_checks_main(int argc, char **argv)
{
	json_object *req;
	struct checks_ctx c = { 0, 0, NULL };
	int fd, rc;

	if ((rc = ctl_view_open(argc, argv, "checks", "checkd",
	    "tandem-checkd", &c.json, &fd)) != 0)
		return rc;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("checks"));
	c.all = json_object_new_object();
	rc = ctl_call(fd, req, on_reply, &c);
	json_object_put(req);
	close(fd);
	if (rc == 0 && c.json)
		fmt_json(stdout, c.all);
	json_object_put(c.all);
	if (rc == -1) {
		fprintf(stderr, "tandemctl: no reply from tandem-checkd\n");
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
