/* tandemctl vrrp [--json]: every VRRP instance of tandem-vrrpd with its
 * state, priorities, master, last transition and advert counters, and the
 * preemption hold of the instances tandem-syncd follows. */
#include "vrrp.h"

#include "ctlmsg.h"
#include "format.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
ctl_vrrp_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--run-dir") == 0) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "vrrp") == 0)
			return 1;
	}
	return 0;
}

static const char *
jstr(json_object *o, const char *key, const char *def)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return def;
	return json_object_get_string(v);
}

static int64_t
jint(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v)
	    : 0;
}

static void
when(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || localtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* "Hold ext: held for 1.2 s, until sync or 28.8 s" and the like. */
static void
print_hold(FILE *out, json_object *o, int64_t now)
{
	json_object *h, *c, *v;
	int64_t freezes = 0;

	if (json_object_object_get_ex(o, "counters", &c))
		freezes = jint(c, "freeze_stepdowns");
	if (!json_object_object_get_ex(o, "hold", &h) ||
	    !json_object_object_get_ex(h, "covered", &v) ||
	    !json_object_get_boolean(v)) {
		if (freezes)
			fprintf(out, "Hold %s: none, %lld freeze step-down(s)\n",
			    jstr(o, "name", "?"), (long long)freezes);
		return;
	}
	fprintf(out, "Hold %s: ", jstr(o, "name", "?"));
	if (json_object_object_get_ex(h, "held", &v) &&
	    json_object_get_boolean(v))
		fprintf(out, "held for %.1f s, until sync or %.1f s more",
		    (double)(now - jint(h, "since_ms")) / 1000,
		    (double)(jint(h, "until_ms") - now) / 1000);
	else if (strcmp(jstr(h, "released", "-"), "-") != 0)
		fprintf(out, "released (%s) %.1f s ago", jstr(h, "released", "-"),
		    (double)(now - jint(h, "released_ms")) / 1000);
	else
		fprintf(out, "not held");
	if (freezes)
		fprintf(out, ", %lld freeze step-down(s)", (long long)freezes);
	fprintf(out, "\n");
}

void
ctl_vrrp_print(FILE *out, json_object *reply)
{
	json_object *arr, *c;
	char t[32];

	fprintf(out, "%-12s %-9s %4s %3s %-6s %4s %4s %-26s %-19s %8s %8s "
	    "%7s\n", "Instance", "Interface", "VRID", "Ver", "State", "Prio",
	    "Eff", "Master", "Last transition", "Sent", "Received", "Invalid");
	if (!json_object_object_get_ex(reply, "instances", &arr))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		if (!json_object_object_get_ex(o, "counters", &c))
			c = NULL;
		when(t, sizeof(t), jint(o, "last_transition_ms"));
		fprintf(out, "%-12s %-9s %4lld %3lld %-6s %4lld %4lld %-26s "
		    "%-19s %8lld %8lld %7lld\n", jstr(o, "name", "?"),
		    jstr(o, "interface", "?"), (long long)jint(o, "vrid"),
		    (long long)jint(o, "version"), jstr(o, "state", "?"),
		    (long long)jint(o, "priority"),
		    (long long)jint(o, "effective_priority"),
		    jstr(o, "master", "-"), t,
		    (long long)(c ? jint(c, "sent") : 0),
		    (long long)(c ? jint(c, "received") : 0),
		    (long long)(c ? jint(c, "invalid") : 0));
	}
	if (json_object_object_get_ex(reply, "sync_groups", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *g = json_object_array_get_idx(arr, i);
			fprintf(out, "Sync group %s: %s\n", jstr(g, "name", "?"),
			    jstr(g, "state", "?"));
		}
	if (json_object_object_get_ex(reply, "director_alive", &c))
		fprintf(out, "Director: %s\n", json_object_get_boolean(c) ?
		    "answering" : "not answering");
	if (json_object_object_get_ex(reply, "sync", &c) &&
	    json_object_object_get_ex(reply, "instances", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			print_hold(out, json_object_array_get_idx(arr, i),
			    jint(c, "now_ms"));
}

static int
on_reply(json_object *reply, void *arg)
{
	int json = *(int *)arg;
	json_object *ok;

	if (!json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_get_boolean(ok)) {
		fprintf(stderr, "tandemctl: %s\n", jstr(reply, "error",
		    "tandem-vrrpd refused the request"));
		return -1;
	}
	if (json)
		fmt_json(stdout, reply);
	else
		ctl_vrrp_print(stdout, reply);
	return 0;
}

int
ctl_vrrp_main(int argc, char **argv)
{
	const char *run_dir = CMD_DEF_RUNDIR;
	json_object *req;
	int json = 0, fd, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--run-dir") == 0 && i + 1 < argc)
			run_dir = argv[++i];
		else if (strncmp(argv[i], "--run-dir=", 10) == 0)
			run_dir = argv[i] + 10;
		else if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "vrrp") != 0) {
			fprintf(stderr, "usage: tandemctl [--run-dir DIR] vrrp "
			    "[--json]\n");
			return 2;
		}
	}
	if ((fd = ctl_connect(run_dir, "vrrpd")) == -1) {
		fprintf(stderr, "tandemctl: cannot reach tandem-vrrpd at "
		    "%s/vrrpd.sock: %s\n", run_dir, strerror(errno));
		return 1;
	}
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("vrrp"));
	rc = ctl_call(fd, req, on_reply, &json);
	json_object_put(req);
	close(fd);
	if (rc == -1) {
		fprintf(stderr, "tandemctl: no reply from tandem-vrrpd\n");
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
