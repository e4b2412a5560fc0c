/* tandemctl sync [--json]: tandem-syncd's role (and the VRRP state it
 * follows), the peer, datagrams and connections sent and received, gaps,
 * resends, bulk syncs, authentication failures and how long ago the
 * master was last heard. */
#include "sync.h"

#include "ctlmsg.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

int
ctl_sync_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--run-dir") == 0) {
			i++;
			continue;
		}
		if (strcmp(argv[i], "sync") == 0)
			return 1;
	}
	return 0;
}

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return "-";
	return json_object_get_string(v);
}

static long long
jint(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	    (long long)json_object_get_int64(v) : 0;
}

void
ctl_sync_print(FILE *out, json_object *r)
{
	const char *peer = jstr(r, "peer");

	fprintf(out, "Role: %s (VRRP %s %s)%s\n", jstr(r, "role"),
	    *jstr(r, "follow") ? jstr(r, "follow") : "-",
	    *jstr(r, "vrrp_state") ? jstr(r, "vrrp_state") : "-",
	    strcmp(jstr(r, "in_sync"), "true") == 0 ? ", in sync" :
	    ", NOT in sync");
	fprintf(out, "Group: %s ports %lld/%lld on %s, syncid %lld, %s\n",
	    jstr(r, "group"), jint(r, "port"), jint(r, "control_port"),
	    jstr(r, "interface"), jint(r, "syncid"),
	    strcmp(jstr(r, "auth"), "true") == 0 ? "HMAC-SHA256" :
	    "no authentication");
	fprintf(out, "Peer: %s, last heard %s%lld ms ago; director %s\n",
	    *peer ? peer : "-", jint(r, "last_received_ms_ago") ? "" : "(never) ",
	    jint(r, "last_received_ms_ago"),
	    strcmp(jstr(r, "director_link"), "true") == 0 ? "linked" :
	    "NOT linked");
	fprintf(out, "%-12s %12s %12s\n", "", "datagrams", "connections");
	fprintf(out, "%-12s %12lld %12lld\n", "sent", jint(r, "datagrams_sent"),
	    jint(r, "entries_sent"));
	fprintf(out, "%-12s %12lld %12lld\n", "received",
	    jint(r, "datagrams_received"), jint(r, "entries_received"));
	fprintf(out, "Gaps %lld, NACKs sent %lld received %lld, resent %lld "
	    "(%lld no longer held), lost %lld\n", jint(r, "gaps"),
	    jint(r, "nacks_sent"), jint(r, "nacks_received"), jint(r, "resent"),
	    jint(r, "resend_missing"), jint(r, "lost"));
	fprintf(out, "Bulk: %lld requested, %lld served, %lld completed (last "
	    "%lld connections)\n", jint(r, "bulk_requests"),
	    jint(r, "bulk_served"), jint(r, "bulk_done"),
	    jint(r, "bulk_entries"));
	fprintf(out, "Refused: %lld authentication, %lld replays, %lld "
	    "control; install errors %lld, dropped %lld\n",
	    jint(r, "auth_failures"), jint(r, "replays"),
	    jint(r, "control_refused"), jint(r, "install_errors"),
	    jint(r, "install_dropped"));
}

static int
on_reply(json_object *r, void *arg)
{
	int json = *(int *)arg;
	json_object *ok;

	if (!json_object_object_get_ex(r, "ok", &ok) ||
	    !json_object_get_boolean(ok)) {
		fprintf(stderr, "tandemctl: tandem-syncd: %s\n",
		    jstr(r, "error"));
		return -1;
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(r,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		ctl_sync_print(stdout, r);
	return 0;
}

int
ctl_sync_main(int argc, char **argv)
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
		else if (strcmp(argv[i], "sync") != 0) {
			fprintf(stderr, "usage: tandemctl [--run-dir DIR] sync "
			    "[--json]\n");
			return 2;
		}
	}
	if ((fd = ctl_connect(run_dir, "syncd")) == -1) {
		fprintf(stderr, "tandemctl: cannot reach tandem-syncd at "
		    "%s/syncd.sock: %s\n", run_dir, strerror(errno));
		return 1;
	}
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string("status"));
	rc = ctl_call(fd, req, on_reply, &json);
	json_object_put(req);
	close(fd);
	if (rc == -1) {
		fprintf(stderr, "tandemctl: no reply from tandem-syncd\n");
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
