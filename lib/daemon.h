/* The command line every Tandem daemon takes: -f FILE, -t (check the
 * config and exit), -d (debug), --run-dir DIR. */
#ifndef TANDEM_DAEMON_H
#define TANDEM_DAEMON_H

struct daemon_opts {
	const char	*file;		/* default CONF_DEFAULT_PATH */
	const char	*run_dir;	/* NULL: node.run_dir from the config */
	int		 check;
	int		 debug;
};

/* Parse argv into o, start logging as prog; on a bad argument print the
 * usage and exit 2. */
void	daemon_opts_parse(int argc, char *argv[], const char *prog,
	    struct daemon_opts *o);

#endif
