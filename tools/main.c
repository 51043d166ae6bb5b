/* SPDX-License-Identifier: MIT */
/*
 * clonexec(1): parse, ask libclonexec to start the program, wait for it,
 * and exit with its status (as env(1) and timeout(1): 125 for our own
 * failures, 126 cannot execute, 127 not found, 128+N killed by signal N).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <clonexec.h>

#include "json.h"
#include "options.h"
#include "wait.h"

#define EXIT_FAILED 125
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127

static void say(const char *msg)
{
	/* One write: the line stays whole among the child's output. */
	char line[CX_ERROR_OBJECT_MAX + 512];
	int n = snprintf(line, sizeof(line), "clonexec: %s\n", msg);

	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	if (write(2, line, (size_t)n) < 0)
		return;
}

static int exit_code_for(const struct cx_error *err)
{
	if (err->step != CX_STEP_EXECVE && err->step != CX_STEP_LOOKUP)
		return EXIT_FAILED;
	return err->error == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

static int failed(const struct cli_opts *o, const struct cx_error *err)
{
	char msg[CX_ERROR_OBJECT_MAX + 256], mine[sizeof(msg) + 256];
	const char *line = msg;

	cx_error_format(err, msg, sizeof(msg));
	/* A check failed: name the option the user typed, not the field. */
	if (err->step == CX_STEP_CHECK && cli_check_message(o, msg, mine, sizeof(mine)))
		line = mine;
	say(line);
	if (o->json)
		cli_json_error(o->json_fd, cx_step_name(err->step), err->error, line);
	return exit_code_for(err);
}

static int explain_line(int index, int step, const char *who, const char *text, void *userdata)
{
	(void)step;
	(void)userdata;
	printf("%2d. %-6s %s\n", index, who, text);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With --foreground the child's group took the terminal; give it back to
 * ours if it was ours, as a shell does when a job ends. We are in the
 * background now: SIGTTOU must not stop us. */
static void take_back_terminal(int fd, int was_ours)
{
	sigset_t ttou, old;

	if (!was_ours || tcgetpgrp(fd) == getpgrp())
		return;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(fd, getpgrp());
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int run(struct cli_opts *o)
{
	extern char **environ;
	struct cx_process *proc;
	struct cx_status st;
	struct cx_error err;
	double start = 0;
	int ctty = -1, ours = 0, r;

	/* The new environment is also where the program is looked up, as
	 * with env(1): PATH comes from it. */
	if (o->envp)
		environ = o->envp;
	if (o->explain) {
		r = cx_explain(o->program, o->argv, NULL, &o->attr,
			       CX_EXPLAIN_SEARCH_PATH | (o->exec ? CX_EXPLAIN_IN_PLACE : 0),
			       explain_line, NULL, &err);
		fflush(stdout);
		return r < 0 ? failed(o, &err) : 0;
	}
	if (o->exec) {
		/* Returns only on failure; the steps before it may have changed
		 * this process, so nothing but the message and the exit. */
		fflush(NULL);
		cx_execp(o->program, o->argv, NULL, &o->attr, &err);
		return failed(o, &err);
	}
	if (o->foreground) {
		/* --ctty is a child fd; the terminal it names is this fd of ours. */
		ctty = o->attr.files ? o->attr.files[o->attr.ctty_fd] : o->attr.ctty_fd;
		ours = tcgetpgrp(ctty) == getpgrp();
	}
	cli_signals_block(&o->attr.sigmask);
	o->attr.flags |= CX_ATTR_SIGMASK;
	if (o->json)
		start = now_s();
	r = cx_spawnp(o->program, o->argv, NULL, &o->attr, &proc, &err);
	if (o->attr.flags & CX_ATTR_CGROUP)
		close(o->attr.cgroup_fd);
	if (r < 0)
		return failed(o, &err);
	r = cli_wait(proc, !o->job_control, &st);
	if (r < 0) {
		err = (struct cx_error){ .step = CX_STEP_NONE, .error = -r };
		snprintf(err.object, sizeof(err.object), "wait for pid %d",
			 (int)cx_process_pid(proc));
		cx_process_release(proc);
		return failed(o, &err);
	}
	if (o->foreground)
		take_back_terminal(ctty, ours);
	if (o->json)
		cli_json_status(o->json_fd, cx_process_pid(proc), &st, now_s() - start);
	cx_process_release(proc);
	return st.exited ? st.exit_code : 128 + st.signal;
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	char msg[512];
	int r;

	r = cli_parse(argc, argv, &o, msg, sizeof(msg));
	if (r < 0) {
		say(msg);
		if (o.json)
			cli_json_error(o.json_fd, "options", -r, msg);
		cli_opts_free(&o);
		return EXIT_FAILED;
	}
	if (o.help || o.version) {
		if (o.help)
			cli_usage(stdout);
		else
			printf("clonexec %s\n", cx_version());
		cli_opts_free(&o);
		return fflush(stdout) == 0 ? 0 : EXIT_FAILED;
	}
	if (o.cgroup) {
		o.attr.cgroup_fd = open(o.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (o.attr.cgroup_fd < 0) {
			r = errno;
			snprintf(msg, sizeof(msg), "--cgroup %s: %s", o.cgroup, strerror(r));
			say(msg);
			if (o.json)
				cli_json_error(o.json_fd, "options", r, msg);
			cli_opts_free(&o);
			return EXIT_FAILED;
		}
		o.attr.flags |= CX_ATTR_CGROUP;
	}
	r = run(&o);
	cli_opts_free(&o);
	return r;
}
