/* What tandemctl's daemon views (vrrp, sync, checks) share: spotting the
 * view's word on the command line, --run-dir and --json, connecting to
 * the daemon's socket, and reading reply fields. */
#ifndef TANDEM_CTL_VIEW_H
#define TANDEM_CTL_VIEW_H

#include <json-c/json.h>

/* Is WORD a word of this command line (an argument of --run-dir aside)? */
int	ctl_view_wanted(int argc, char **argv, const char *word);
/* Parse `tandemctl [--run-dir DIR] WORD [--json]` and connect to DAEMON's
 * socket (named LONGNAME in messages). 0 with *fd open and *json set; 2
 * on a usage error; 1 when the daemon cannot be reached (said on stderr). */
int	ctl_view_open(int argc, char **argv, const char *word,
	    const char *daemon, const char *longname, int *json, int *fd);
const char *ctl_jstr(json_object *o, const char *key, const char *def);
long long ctl_jint(json_object *o, const char *key);
double	ctl_jdbl(json_object *o, const char *key);	/* 0 when absent */

#endif
