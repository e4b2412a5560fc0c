/* MISC check: an external script, run as the check's user (default
 * nobody) in its own process group, killed with the group at the
 * timeout. Exit 0 is up, anything else down; with misc_dynamic, exit
 * 2..255 is up with weight status - 2 (keepalived's rule). */
#include "checkd.h"

#include <unistd.h>

static void
misc_done(void *arg, int status, int timed_out)
{
	struct hc *h = arg;

	h->job = NULL;
	if (timed_out) {
		h->n_timeouts++;
		hc_done(h, 0, "timeout after %gs: process group killed",
		    h->ck->timeout);
	} else if (status == 0)
		hc_done(h, 1, "exit 0");
	else if (status >= 2 && h->ck->misc_dynamic) {
		h->weight = status - 2;
		hc_done(h, 1, "exit %d: weight %d", status, h->weight);
	} else if (status < 0)
		hc_done(h, 0, "killed by a signal");
	else
		hc_done(h, 0, "exit %d", status);
}

static int
misc_start(struct hc *h)
{
	struct script_cred cred = { 0, 0 };
	int root = getuid() == 0;

	/* Only root can change user; anyone else runs scripts as itself. */
	h->job = NULL;
	if (!root || script_lookup_user(h->ck->user, &cred) == 0)
		h->job = script_run(&h->d->jobs, h->ck->script,
		    root ? &cred : NULL, NULL, h->ck->timeout, misc_done, h);
	if (h->job == NULL) {
		hc_done(h, 0, "cannot run the script");
		return -1;
	}
	h->phase = "running the script";
	return 0;
}

static void
misc_stop(struct hc *h)
{
	if (h->job)
		script_cancel(h->job);
	h->job = NULL;
}

const struct hc_type_ops hc_misc_ops = { "misc", misc_start, misc_stop, 1 };
