/* tandemctl vrrp [--json]: every VRRP instance of tandem-vrrpd with its
 * state, priorities, master, last transition and advert counters, and the
 * preemption hold of the instances tandem-syncd follows. */
#include "vrrp.h"

#include "ctlmsg.h"
#include "view.h"
#include "format.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
		freezes = ctl_jint(c, "freeze_stepdowns");
	if (!json_object_object_get_ex(o, "hold", &h) ||
	    !json_object_object_get_ex(h, "covered", &v) ||
	    !json_object_get_boolean(v)) {
		if (freezes)
			fprintf(out, "Hold %s: none, %lld freeze step-down(s)\n",
			    ctl_jstr(o, "name", "?"), (long long)freezes);
		return;
	}
	fprintf(out, "Hold %s: ", ctl_jstr(o, "name", "?"));
	if (json_object_object_get_ex(h, "held", &v) &&
	    json_object_get_boolean(v))
		fprintf(out, "held for %.1f s, until sync or %.1f s more",
		    (double)(now - ctl_jint(h, "since_ms")) / 1000,
		    (double)(ctl_jint(h, "until_ms") - now) / 1000);
	else if (strcmp(ctl_jstr(h, "released", "-"), "-") != 0)
		fprintf(out, "released (%s) %.1f s ago", ctl_jstr(h, "released", "-"),
		    (double)(now - ctl_jint(h, "released_ms")) / 1000);
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
		when(t, sizeof(t), ctl_jint(o, "last_transition_ms"));
		fprintf(out, "%-12s %-9s %4lld %3lld %-6s %4lld %4lld %-26s "
		    "%-19s %8lld %8lld %7lld\n", ctl_jstr(o, "name", "?"),
		    ctl_jstr(o, "interface", "?"), (long long)ctl_jint(o, "vrid"),
		    (long long)ctl_jint(o, "version"), ctl_jstr(o, "state", "?"),
		    (long long)ctl_jint(o, "priority"),
		    (long long)ctl_jint(o, "effective_priority"),
		    ctl_jstr(o, "master", "-"), t,
		    (long long)(c ? ctl_jint(c, "sent") : 0),
		    (long long)(c ? ctl_jint(c, "received") : 0),
		    (long long)(c ? ctl_jint(c, "invalid") : 0));
	}
	if (json_object_object_get_ex(reply, "sync_groups", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *g = json_object_array_get_idx(arr, i);
			fprintf(out, "Sync group %s: %s\n", ctl_jstr(g, "name", "?"),
			    ctl_jstr(g, "state", "?"));
		}
	if (json_object_object_get_ex(reply, "director_alive", &c))
		fprintf(out, "Director: %s\n", json_object_get_boolean(c) ?
		    "answering" : "not answering");
	if (json_object_object_get_ex(reply, "sync", &c) &&
	    json_object_object_get_ex(reply, "instances", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			print_hold(out, json_object_array_get_idx(arr, i),
			    ctl_jint(c, "now_ms"));
}

static int
on_reply(json_object *reply, void *arg)
{
	int json = *(int *)arg;
	json_object *ok;

	if (!json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_get_boolean(ok)) {
		fprintf(stderr, "tandemctl: %s\n", ctl_jstr(reply, "error",
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
	json_object *req;
	int json = 0, fd, rc;

	if ((rc = ctl_view_open(argc, argv, "vrrp", "vrrpd", "tandem-vrrpd", &json,
	    &fd)) != 0)
		return rc;
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
