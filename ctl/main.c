/* tandemctl: ipvsadm's commands and listings against tandem-director's
 * control socket, plus "status" and --json. Parse, send, print. */
#include "format.h"
#include "parse.h"
#include "request.h"
#include "vrrp.h"
#include "sync.h"
#include "view.h"
#include "checks.h"
#include "tandemd.h"

#include "ctlmsg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TANDEMCTL_VERSION	"0.1"

/* Exit statuses: 0 done, 1 refused by the director or no director,
 * 2 bad command line (as ipvsadm). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct ctl_ctx {
	const char		*prog;
	int			 fd;		/* director control socket */
	const struct ctl_cmd	*cmd;		/* the command being run */
	int			 pages;		/* reply frames so far */
	int			 failed;	/* the director said no */
	json_object		*conns;		/* --json -c: pages merged */
};

/* -L -t VIP answered with no service: ipvsadm's ESRCH message. */
static int
service_missing(const struct ctl_cmd *cmd, json_object *reply)
{
	json_object *svcs;

	if (!(cmd->opts & OPT_SERVICE))
		return 0;
	return !json_object_object_get_ex(reply, "services", &svcs) ||
	    !json_object_is_type(svcs, json_type_array) ||
	    json_object_array_length(svcs) == 0;
}

/* Print one reply frame of the current command. */
static void
reply_print(struct ctl_ctx *ctx, json_object *reply)
{
	const struct ctl_cmd *cmd = ctx->cmd;

	switch (cmd->kind) {
	case CMD_LIST:
		if (cmd->opts & OPT_CONNECTION) {
			if (ctx->pages == 1)
				fmt_conns_header(stdout);
			fmt_conns(stdout, reply, cmd->fmt);
		} else if (cmd->opts & OPT_TIMEOUT)
			fmt_timeouts(stdout, reply);
		else if (service_missing(cmd, reply)) {
			fprintf(stderr, "No such service\n");
			ctx->failed = 1;
		} else
			fmt_list(stdout, reply, cmd->fmt,
			    (cmd->opts & OPT_SERVICE) != 0);
		break;
	case CMD_SAVE:
		fmt_save(stdout, reply, cmd->fmt);
		break;
	case CMD_STATUS:
		fmt_status(stdout, reply);
		break;
	default:
		break;		/* changes print nothing, as ipvsadm */
	}
}

/* --json -c: gather every page's conns into one array. */
static void
conns_merge(struct ctl_ctx *ctx, json_object *reply)
{
	json_object *arr;

	if (ctx->conns == NULL)
		ctx->conns = json_object_new_array();
	if (!json_object_object_get_ex(reply, "conns", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		json_object_array_add(ctx->conns,
		    json_object_get(json_object_array_get_idx(arr, i)));
}

static int
on_reply(json_object *reply, void *arg)
{
	struct ctl_ctx *ctx = arg;
	json_object *ok, *err;

	ctx->pages++;
	if (!json_object_is_type(reply, json_type_object) ||
	    !json_object_object_get_ex(reply, "ok", &ok) ||
	    !json_object_get_boolean(ok)) {
		if (json_object_object_get_ex(reply, "error", &err))
			fprintf(stderr, "%s\n", json_object_get_string(err));
		else
			fprintf(stderr, "%s: the director refused the "
			    "request\n", ctx->prog);
		ctx->failed = 1;
		return 0;
	}
	if (ctx->cmd->json && ctx->cmd->kind == CMD_LIST &&
	    (ctx->cmd->opts & OPT_CONNECTION))
		conns_merge(ctx, reply);
	else if (ctx->cmd->json)
		fmt_json(stdout, reply);
	else
		reply_print(ctx, reply);
	return 0;
}

/* Send one command and print its replies. 0, or -1 when it failed. */
static int
run_one(struct ctl_ctx *ctx, const struct ctl_cmd *cmd)
{
	json_object *req = req_build(cmd);
	int rc;

	if (req == NULL) {
		fprintf(stderr, "%s: out of memory\n", ctx->prog);
		return -1;
	}
	ctx->cmd = cmd;
	ctx->pages = 0;
	ctx->failed = 0;
	rc = ctl_call(ctx->fd, req, on_reply, ctx);
	json_object_put(req);
	if (rc == -1) {
		fprintf(stderr, "%s: no reply from the director: %s\n",
		    ctx->prog, strerror(errno));
		return -1;
	}
	if (ctx->conns != NULL) {
		json_object *all = json_object_new_object();
		json_object_object_add(all, "ok", json_object_new_boolean(1));
		json_object_object_add(all, "conns", ctx->conns);
		ctx->conns = NULL;
		fmt_json(stdout, all);
		json_object_put(all);
	}
	return ctx->failed ? -1 : 0;
}

static int
director_connect(struct ctl_ctx *ctx, const char *run_dir)
{
	ctx->fd = ctl_connect(run_dir, "director");
	if (ctx->fd == -1) {
		fprintf(stderr, "%s: cannot reach tandem-director at "
		    "%s/director.sock: %s\n", ctx->prog, run_dir,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Parsed -R input, applied only when every line parsed. */
struct restore_set {
	struct ctl_cmd	*cmds;
	int		*lines;
	size_t		 n, cap;
};

static int
restore_add(struct restore_set *rs, const struct ctl_cmd *cmd, int line)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct ctl_cmd *c = realloc(rs->cmds, cap * sizeof(*c));
		if (c == NULL)
			return -1;
		rs->cmds = c;
		int *l = realloc(rs->lines, cap * sizeof(*l));
		if (l == NULL)
			return -1;
		rs->lines = l;
		rs->cap = cap;
	}
	rs->cmds[rs->n] = *cmd;
	rs->lines[rs->n++] = line;
	return 0;
}

/* Read ipvsadm -S lines from stdin. -1 when any line is bad. */
static int
restore_read(struct ctl_ctx *ctx, struct restore_set *rs)
{
	char *line = NULL, err[256];
	size_t cap = 0;
	int lineno = 0, bad = 0;
	struct ctl_cmd cmd = { .kind = CMD_NONE };

	while (getline(&line, &cap, stdin) != -1) {
		int rc = cmd_parse_line(line, &cmd, err, sizeof(err));
		lineno++;
		if (rc == -1) {
			fprintf(stderr, "%s: line %d: %s\n", ctx->prog, lineno,
			    err);
			bad = 1;
		} else if (rc == 0 && restore_add(rs, &cmd, lineno) == -1) {
			fprintf(stderr, "%s: out of memory\n", ctx->prog);
			bad = 1;
			break;
		}
	}
	free(line);
	return bad ? -1 : 0;
}

static int
restore(struct ctl_ctx *ctx, const struct ctl_cmd *top)
{
	struct restore_set rs = { NULL, NULL, 0, 0 };
	int status = EXIT_OK;

	if (restore_read(ctx, &rs) == -1) {
		fprintf(stderr, "%s: nothing restored\n", ctx->prog);
		status = EXIT_USAGE;
	} else if (rs.n > 0 && director_connect(ctx, top->run_dir) == -1) {
		status = EXIT_FAIL;
	} else {
		for (size_t i = 0; i < rs.n; i++) {
			if (run_one(ctx, &rs.cmds[i]) == -1) {
				fprintf(stderr, "%s: line %d failed\n",
				    ctx->prog, rs.lines[i]);
				status = EXIT_FAIL;
			}
		}
	}
	free(rs.cmds);
	free(rs.lines);
	return status;
}

int
main(int argc, char **argv)
{
	struct ctl_ctx ctx = { "tandemctl", -1, NULL, 0, 0, NULL };
	struct ctl_cmd cmd = { .kind = CMD_NONE };
	char err[256];
	int status;

	/* A director that goes away must give an error, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (ctl_view_wanted(argc, argv, "vrrp"))
		return ctl_vrrp_main(argc, argv);
	if (ctl_view_wanted(argc, argv, "sync"))
		return ctl_sync_main(argc, argv);
	if (ctl_view_wanted(argc, argv, "checks"))
		return ctl_checks_main(argc, argv);
	if (ctl_node_wanted(argc, argv) &&
	    (status = ctl_node_main(argc, argv)) >= 0)
		return status;
	if (cmd_parse(argc, argv, &cmd, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: %s\n", ctx.prog, err);
		cmd_usage(stderr, ctx.prog, 0);
		return EXIT_USAGE;
	}
	switch (cmd.kind) {
	case CMD_HELP:
		cmd_usage(stdout, ctx.prog, 1);
		return EXIT_OK;
	case CMD_VERSION:
		printf("tandemctl %s (ipvsadm v1.31 syntax, IPVS %s)\n",
		    TANDEMCTL_VERSION, FMT_IPVS_VERSION);
		return EXIT_OK;
	case CMD_RESTORE:
		status = restore(&ctx, &cmd);
		break;
	default:
		if (director_connect(&ctx, cmd.run_dir) == -1)
			return EXIT_FAIL;
		status = run_one(&ctx, &cmd) == -1 ? EXIT_FAIL : EXIT_OK;
		break;
	}
	if (ctx.fd != -1)
		close(ctx.fd);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "%s: cannot write the output: %s\n", ctx.prog,
		    strerror(errno));
		return EXIT_FAIL;
	}
	return status;
}
