/* The daemons' shared command line. */
#include "daemon.h"
#include "conf.h"
#include "log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void __attribute__((noreturn))
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-t] [-d] [-f file] [--run-dir dir]\n", prog);
	exit(2);
}

void
daemon_opts_parse(int argc, char *argv[], const char *prog,
    struct daemon_opts *o)
{
	static const struct option longopts[] = {
		{ "run-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	o->file = CONF_DEFAULT_PATH;
	o->run_dir = NULL;
	o->check = o->debug = 0;
	while ((ch = getopt_long(argc, argv, "df:th", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': o->debug = 1; break;
		case 'f': o->file = optarg; break;
		case 't': o->check = 1; break;
		case 'r': o->run_dir = optarg; break;
		default:  usage(prog);
		}
	}
	if (optind != argc)
		usage(prog);
	log_init(prog, LOG_LVL_INFO, 0);
}
