/* tandemctl sync [--json]: tandem-syncd's role (and the VRRP state it
 * follows), the peer, datagrams and connections sent and received, gaps,
 * resends, bulk syncs, authentication failures, how long ago the
 * master was last heard and the lag (syncd's sync/lag.h). */
#include "sync.h"

#include "ctlmsg.h"
#include "view.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

void
ctl_sync_print(FILE *out, json_object *r)
{
	const char *peer = ctl_jstr(r, "peer", "-");
	json_object *lag = NULL, *lag_m = NULL, *lag_i = NULL;

	if (json_object_object_get_ex(r, "lag", &lag)) {
		json_object_object_get_ex(lag, "master", &lag_m);
		json_object_object_get_ex(lag, "install", &lag_i);
	}

	fprintf(out, "Role: %s (VRRP %s %s)%s\n", ctl_jstr(r, "role", "-"),
	    *ctl_jstr(r, "follow", "-") ? ctl_jstr(r, "follow", "-") : "-",
	    *ctl_jstr(r, "vrrp_state", "-") ? ctl_jstr(r, "vrrp_state", "-") : "-",
	    strcmp(ctl_jstr(r, "in_sync", "-"), "true") == 0 ? ", in sync" :
	    ", NOT in sync");
	fprintf(out, "Group: %s ports %lld/%lld on %s, syncid %lld, %s\n",
	    ctl_jstr(r, "group", "-"), ctl_jint(r, "port"), ctl_jint(r, "control_port"),
	    ctl_jstr(r, "interface", "-"), ctl_jint(r, "syncid"),
	    strcmp(ctl_jstr(r, "auth", "-"), "true") == 0 ? "HMAC-SHA256" :
	    "no authentication");
	fprintf(out, "Peer: %s, last heard %s%lld ms ago; director %s\n",
	    *peer ? peer : "-", ctl_jint(r, "last_received_ms_ago") ? "" : "(never) ",
	    ctl_jint(r, "last_received_ms_ago"),
	    strcmp(ctl_jstr(r, "director_link", "-"), "true") == 0 ? "linked" :
	    "NOT linked");
	fprintf(out, "%-12s %12s %12s\n", "", "datagrams", "connections");
	fprintf(out, "%-12s %12lld %12lld\n", "sent", ctl_jint(r, "datagrams_sent"),
	    ctl_jint(r, "entries_sent"));
	fprintf(out, "%-12s %12lld %12lld\n", "received",
	    ctl_jint(r, "datagrams_received"), ctl_jint(r, "entries_received"));
	fprintf(out, "Gaps %lld, NACKs sent %lld received %lld, resent %lld "
	    "(%lld no longer held), lost %lld\n", ctl_jint(r, "gaps"),
	    ctl_jint(r, "nacks_sent"), ctl_jint(r, "nacks_received"), ctl_jint(r, "resent"),
	    ctl_jint(r, "resend_missing"), ctl_jint(r, "lost"));
	fprintf(out, "Bulk: %lld requested, %lld served, %lld completed (last "
	    "%lld connections)\n", ctl_jint(r, "bulk_requests"),
	    ctl_jint(r, "bulk_served"), ctl_jint(r, "bulk_done"),
	    ctl_jint(r, "bulk_entries"));
	fprintf(out, "Lag: held on the master %.1f ms median, %.1f ms p99 (%lld "
	    "batches); backup install %.1f ms median, %.1f ms p99 (%lld "
	    "datagrams)\n", ctl_jdbl(lag_m, "median_ms"), ctl_jdbl(lag_m, "p99_ms"),
	    ctl_jint(lag_m, "samples"), ctl_jdbl(lag_i, "median_ms"),
	    ctl_jdbl(lag_i, "p99_ms"), ctl_jint(lag_i, "samples"));
	fprintf(out, "Refused: %lld authentication, %lld replays, %lld "
	    "control; install errors %lld, dropped %lld\n",
	    ctl_jint(r, "auth_failures"), ctl_jint(r, "replays"),
	    ctl_jint(r, "control_refused"), ctl_jint(r, "install_errors"),
	    ctl_jint(r, "install_dropped"));
}

static int
on_reply(json_object *r, void *arg)
{
	int json = *(int *)arg;
	json_object *ok;

	if (!json_object_object_get_ex(r, "ok", &ok) ||
	    !json_object_get_boolean(ok)) {
		fprintf(stderr, "tandemctl: tandem-syncd: %s\n",
		    ctl_jstr(r, "error", "-"));
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
	json_object *req;
	int json = 0, fd, rc;

	if ((rc = ctl_view_open(argc, argv, "sync", "syncd", "tandem-syncd", &json,
	    &fd)) != 0)
		return rc;
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
