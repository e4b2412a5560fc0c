/* lib/script.c with real children: exit statuses, arguments, a signal, the
 * timeout killing the whole process group, cancel, shutdown, and (as root)
 * the drop to another user. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "script.h"

struct fix {
	struct event_base *base;
	struct script_set set;
	int		 done, status, timed_out;
	char		 dir[64];
};

static void
on_done(void *arg, int status, int timed_out)
{
	struct fix *f = arg;

	f->done++;
	f->status = status;
	f->timed_out = timed_out;
	event_base_loopbreak(f->base);
}

/* The loop until a callback ends it, or secs pass. */
static void
loop_for(struct fix *f, double secs)
{
	struct timeval tv = { (time_t)secs,
	    (suseconds_t)((secs - (double)(time_t)secs) * 1e6) };

	event_base_loopexit(f->base, &tv);
	event_base_dispatch(f->base);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL || (f->base = event_base_new()) == NULL ||
	    script_init(&f->set, f->base) == -1)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_script.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	chmod(f->dir, 0777);	/* the nobody test writes there */
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	script_shutdown(&f->set);
	event_base_free(f->base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
test_exit_status(void **state)
{
	struct fix *f = *state;

	assert_non_null(script_run(&f->set, "exit 7", NULL, NULL, 5, on_done,
	    f));
	loop_for(f, 5);
	assert_int_equal(f->done, 1);
	assert_int_equal(f->status, 7);
	assert_int_equal(f->timed_out, 0);
	assert_null(f->set.jobs);
}

static void
test_args_are_positional(void **state)
{
	struct fix *f = *state;
	const char *args[] = { "a b", "c", NULL };

	/* Each argument stays one word: "$@" after the command line. */
	assert_non_null(script_run(&f->set,
	    "f() { [ \"$#\" = 2 ] && [ \"$1\" = 'a b' ] && [ \"$2\" = c ]; }; f",
	    NULL, args, 5, on_done, f));
	loop_for(f, 5);
	assert_int_equal(f->done, 1);
	assert_int_equal(f->status, 0);
}

static void
test_signal_is_minus_one(void **state)
{
	struct fix *f = *state;

	assert_non_null(script_run(&f->set, "kill -TERM $$", NULL, NULL, 5,
	    on_done, f));
	loop_for(f, 5);
	assert_int_equal(f->done, 1);
	assert_int_equal(f->status, -1);
	assert_int_equal(f->timed_out, 0);
}

/* Gone, or a zombie waiting for init: no longer running. */
static int
pid_running(pid_t pid)
{
	char path[64], st = 'Z';
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(fp, "%*d (%*[^)]) %c", &st) != 1)
		st = 'Z';
	fclose(fp);
	return st != 'Z' && st != 'X';
}

static void
test_timeout_kills_the_group(void **state)
{
	struct fix *f = *state;
	char cmd[512], path[128];
	struct timespec t0, t1;
	int pid = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/bg.pid", f->dir);
	/* A grandchild in the background, the shell waiting for it. */
	snprintf(cmd, sizeof(cmd), "sleep 30 & echo $! >%s.tmp && "
	    "mv %s.tmp %s; wait", path, path, path);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_non_null(script_run(&f->set, cmd, NULL, NULL, 0.3, on_done, f));
	loop_for(f, 5);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(f->done, 1);
	assert_int_equal(f->timed_out, 1);
	assert_int_equal(f->status, -1);
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	assert_non_null(fp = fopen(path, "r"));
	assert_int_equal(fscanf(fp, "%d", &pid), 1);
	fclose(fp);
	assert_true(pid > 1);
	for (int i = 0; i < 100 && pid_running(pid); i++)
		usleep(20000);
	assert_false(pid_running(pid));
}

static void
test_cancel_has_no_callback(void **state)
{
	struct fix *f = *state;
	struct script_job *j;

	assert_non_null(j = script_run(&f->set, "sleep 30", NULL, NULL, 0,
	    on_done, f));
	script_cancel(j);
	/* Reaped from the loop: the list empties, nobody is told. */
	for (int i = 0; i < 50 && f->set.jobs != NULL; i++)
		loop_for(f, 0.1);
	assert_null(f->set.jobs);
	assert_int_equal(f->done, 0);
}

static void
test_shutdown_kills_running(void **state)
{
	struct fix *f = *state;
	struct timespec t0, t1;

	assert_non_null(script_run(&f->set, "sleep 30", NULL, NULL, 0,
	    on_done, f));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	script_shutdown(&f->set);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(f->set.jobs);
	assert_int_equal(f->done, 0);
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	/* teardown's shutdown again: nothing left to do */
}

static void
test_runs_as_the_user(void **state)
{
	struct fix *f = *state;
	struct script_cred cred;
	char cmd[256];

	assert_int_equal(script_lookup_user("no-such-user-tandem", &cred), -1);
	if (getuid() != 0)
		skip();
	assert_int_equal(script_lookup_user("nobody", &cred), 0);
	snprintf(cmd, sizeof(cmd), "[ \"$(id -u)\" = %u ] && "
	    "[ \"$(id -g)\" = %u ] && [ \"$(id -G)\" = %u ]",
	    (unsigned)cred.uid, (unsigned)cred.gid, (unsigned)cred.gid);
	assert_non_null(script_run(&f->set, cmd, &cred, NULL, 5, on_done, f));
	loop_for(f, 5);
	assert_int_equal(f->done, 1);
	assert_int_equal(f->status, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exit_status, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_args_are_positional,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_is_minus_one,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_kills_the_group,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_has_no_callback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_kills_running,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs_as_the_user, setup,
		    teardown),
	};
	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
