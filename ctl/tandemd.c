/* tandemctl reload: through tandemd when it runs (every daemon reloads),
 * else straight to the director. tandemctl status: tandemd's view of its
 * daemons above the director's counters. */
#include "tandemd.h"

#include "ctlmsg.h"
#include "format.h"
#include "parse.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct node_args {
	const char	*run_dir;
	const char	*cmd;		/* "reload" or "status" */
	int		 json;
};

/* 0 when argv is exactly a reload or a status with --json/--run-dir. */
static int
args_parse(int argc, char **argv, struct node_args *a)
{
	a->run_dir = CMD_DEF_RUNDIR;
	a->cmd = NULL;
	a->json = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--run-dir") == 0 && i + 1 < argc)
			a->run_dir = argv[++i];
		else if (strncmp(argv[i], "--run-dir=", 10) == 0)
			a->run_dir = argv[i] + 10;
		else if (strcmp(argv[i], "--json") == 0)
			a->json = 1;
		else if (a->cmd == NULL && (strcmp(argv[i], "reload") == 0 ||
		    strcmp(argv[i], "status") == 0))
			a->cmd = argv[i];
		else
			return -1;
	}
	return a->cmd ? 0 : -1;
}

int
ctl_node_wanted(int argc, char **argv)
{
	struct node_args a;

	return args_parse(argc, argv, &a) == 0;
}

static json_object *
jget(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *
jstr(json_object *o, const char *key, const char *def)
{
	json_object *v = jget(o, key);
	const char *s = v ? json_object_get_string(v) : NULL;

	return s && *s ? s : def;
}

static int64_t
jint(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v ? json_object_get_int64(v) : 0;
}

static int
keep_reply(json_object *reply, void *arg)
{
	json_object **out = arg;

	if (*out == NULL)
		*out = json_object_get(reply);
	return 0;
}

/* One request to a daemon's socket; its (first) reply or NULL. */
static json_object *
call(const char *run_dir, const char *daemon, const char *cmd)
{
	json_object *req, *reply = NULL;
	int fd;

	if ((fd = ctl_connect(run_dir, daemon)) == -1)
		return NULL;
	req = json_object_new_object();
	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (ctl_call(fd, req, keep_reply, &reply) == -1 && reply != NULL) {
		json_object_put(reply);
		reply = NULL;
	}
	json_object_put(req);
	close(fd);
	return reply;
}

static int
reply_ok(json_object *reply)
{
	json_object *ok = jget(reply, "ok");

	return ok != NULL && json_object_get_boolean(ok);
}

void
ctl_node_print(FILE *out, json_object *reply)
{
	json_object *arr = jget(reply, "daemons");

	fprintf(out, "tandemd pid %lld, up %llds, config %s, %lld reload(s), "
	    "%lld refused\n", (long long)jint(reply, "pid"),
	    (long long)jint(reply, "uptime_s"), jstr(reply, "config", "?"),
	    (long long)jint(reply, "reloads"),
	    (long long)jint(reply, "reload_failures"));
	fprintf(out, "%-10s %-8s %-14s %-8s %-9s %-10s %s\n", "DAEMON", "PID",
	    "STATE", "UPTIME", "RESTARTS", "HEALTH", "LAST EXIT");
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *d = json_object_array_get_idx(arr, i);
		char pid[16], up[24];
		if (strcmp(jstr(d, "state", "off"), "off") == 0)
			continue;
		snprintf(pid, sizeof(pid), "%lld", (long long)jint(d, "pid"));
		snprintf(up, sizeof(up), "%llds", (long long)jint(d, "uptime_s"));
		fprintf(out, "%-10s %-8s %-14s %-8s %-9lld %-10s %s\n",
		    jstr(d, "name", "?"), jint(d, "pid") ? pid : "-",
		    jstr(d, "state", "?"), jint(d, "pid") ? up : "-",
		    (long long)jint(d, "restarts"), jstr(d, "health", "-"),
		    jstr(d, "last_exit", "-"));
	}
}

static int
node_status(const struct node_args *a, json_object *node)
{
	json_object *dir = call(a->run_dir, "director", "status");

	if (a->json) {
		/* The director's reply as before, tandemd's view inside. */
		json_object *all = dir && reply_ok(dir) ? json_object_get(dir) :
		    ctl_reply_ok();
		json_object_object_add(all, "tandemd", json_object_get(node));
		fmt_json(stdout, all);
		json_object_put(all);
	} else {
		ctl_node_print(stdout, node);
		fprintf(stdout, "\n");
		if (dir && reply_ok(dir))
			fmt_status(stdout, dir);
		else
			fprintf(stdout, "tandem-director: not answering\n");
	}
	if (dir)
		json_object_put(dir);
	return fflush(stdout) == 0 ? 0 : 1;
}

static void
print_reload(json_object *reply)
{
	json_object *d = jget(reply, "daemons");

	if (d == NULL) {		/* the director alone */
		printf("director: reloaded: %s\n", jstr(reply, "summary", ""));
		return;
	}
	static const char *const names[] = { "director", "vrrpd", "syncd",
	    "checkd", "snmpd" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (jget(d, names[i]) != NULL)
			printf("%s: %s\n", names[i], jstr(d, names[i], ""));
}

static int
node_reload(const struct node_args *a)
{
	const char *who = "tandemd";
	json_object *r = call(a->run_dir, "tandemd", "reload");

	if (r == NULL) {		/* no tandemd: the director alone */
		who = "tandem-director";
		r = call(a->run_dir, "director", "reload");
	}
	if (r == NULL) {
		fprintf(stderr, "tandemctl: cannot reach tandemd or "
		    "tandem-director in %s: %s\n", a->run_dir, strerror(errno));
		return 1;
	}
	if (!reply_ok(r)) {
		fprintf(stderr, "tandemctl: %s refused the reload: %s\n", who,
		    jstr(r, "error", "no reason given"));
		json_object_put(r);
		return 1;
	}
	if (a->json)
		fmt_json(stdout, r);
	else
		print_reload(r);
	json_object_put(r);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
ctl_node_main(int argc, char **argv)
{
	struct node_args a;
	json_object *node;
	int rc;

	if (args_parse(argc, argv, &a) == -1)
		return -1;
	if (strcmp(a.cmd, "reload") == 0)
		return node_reload(&a);
	if ((node = call(a.run_dir, "tandemd", "status")) == NULL)
		return -1;	/* no tandemd: the director's status alone */
	rc = node_status(&a, node);
	json_object_put(node);
	return rc;
}
