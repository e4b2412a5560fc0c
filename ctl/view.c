/* What tandemctl's daemon views (vrrp, sync, checks) share: the command
 * line, the connection, and reading reply fields. */
#include "view.h"

#include "ctlmsg.h"
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
ctl_view_wanted(int argc, char **argv, const char *word)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--run-dir") == 0) {
			i++;
			continue;
		}
		if (strcmp(argv[i], word) == 0)
			return 1;
	}
	return 0;
}

int
ctl_view_open(int argc, char **argv, const char *word, const char *daemon,
    const char *longname, int *json, int *fd)
{
	const char *run_dir = CMD_DEF_RUNDIR;

	*json = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--run-dir") == 0 && i + 1 < argc)
			run_dir = argv[++i];
		else if (strncmp(argv[i], "--run-dir=", 10) == 0)
			run_dir = argv[i] + 10;
		else if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (strcmp(argv[i], word) != 0) {
			fprintf(stderr, "usage: tandemctl [--run-dir DIR] %s "
			    "[--json]\n", word);
			return 2;
		}
	}
	if ((*fd = ctl_connect(run_dir, daemon)) == -1) {
		fprintf(stderr, "tandemctl: cannot reach %s at %s/%s.sock: "
		    "%s\n", longname, run_dir, daemon, strerror(errno));
		return 1;
	}
	return 0;
}

const char *
ctl_jstr(json_object *o, const char *key, const char *def)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return def;
	return json_object_get_string(v);
}

long long
ctl_jint(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	    (long long)json_object_get_int64(v) : 0;
}

double
ctl_jdbl(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	    json_object_get_double(v) : 0;
}
