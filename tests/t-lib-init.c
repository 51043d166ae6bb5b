/* SPDX-License-Identifier: MIT */
/*
 * CX_ATTR_INIT (issue 9): pid 1 of the new pid namespace is a minimal
 * init. The program is pid 2, its exit status (or 128+signal) is the
 * init's, a SIGTERM to the init reaches it (a pid 1 program ignores one:
 * the control), orphans are reaped, the init holds no fd, and a program
 * that cannot be executed fails the spawn as without an init.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static int sh(const struct cx_attr *a, const char *script, struct cx_status *st,
	      struct cx_error *err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

	memset(st, 0, sizeof(*st));
	return cxt_run(argv[0], argv, a, out, LT_OUT, st, err);
}

static int fd_count(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void t_status(void)
{
	CX_ATTR(a, .flags = CX_ATTR_INIT, .cloneflags = CX_NEWPID);
	struct cx_status st;
	struct cx_error err;
	int r;

	r = sh(&a, "echo $$; exit 7", &st, &err);
	is_int(r, 0, "spawn with an init");
	is_str(out, "2\n", "the program is pid 2");
	ok(st.exited && st.exit_code == 7, "its exit status is the init's (%d)", st.exit_code);
	r = sh(&a, "kill -KILL $$", &st, &err);
	ok(r == 0 && st.exited && st.exit_code == 128 + SIGKILL,
	   "killed by SIGKILL: the init exits 137 (%d)", st.exit_code);
}

static void t_sigterm(void)
{
	CX_ATTR(a, .flags = CX_ATTR_INIT, .cloneflags = CX_NEWPID);
	char *argv[] = { "/bin/sleep", "10", NULL };
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	int r, n = -1;

	r = cx_spawn(argv[0], argv, NULL, &a, &p, &err);
	is_int(r, 0, "spawn sleep 10 under an init");
	if (r < 0)
		return;
	/* The init closes its fds right after forking the program. */
	for (int i = 0; i < 200 && !lt_on_valgrind() && (n = fd_count(cx_process_pid(p))) != 0; i++)
		usleep(10000);
	if (lt_on_valgrind())
		lt_skip("the init holds no fd", "valgrind keeps its own fds in the init");
	else
		is_int(n, 0, "the init holds no fd");
	cx_process_signal(p, SIGTERM);
	r = cx_process_wait(p, 10000, &st);
	ok(r == 0 && st.exited && st.exit_code == 128 + SIGTERM,
	   "SIGTERM to the init reaches the program: exit 143 (%d)", st.exit_code);
	if (r < 0)
		cx_process_signal(p, SIGKILL), cx_process_wait(p, -1, &st);
	cx_process_release(p);

	/* The control: without an init, sleep is pid 1 and ignores SIGTERM. */
	a.flags = 0;
	r = cx_spawn(argv[0], argv, NULL, &a, &p, &err);
	if (r < 0)
		return;
	cx_process_signal(p, SIGTERM);
	is_int(cx_process_wait(p, 300, &st), -ETIMEDOUT, "control: a pid 1 sleep ignores SIGTERM");
	cx_process_signal(p, SIGKILL);
	cx_process_wait(p, -1, &st);
	cx_process_release(p);
}

static void t_orphans(void)
{
	struct cx_mount proc = { .kind = CX_MOUNT_PROC, .target = "/proc" };
	CX_ATTR(a, .flags = CX_ATTR_INIT, .cloneflags = CX_NEWPID, .mounts = &proc, .nmounts = 1);
	struct cx_status st;
	struct cx_error err;

	/* The subshell's sleep is orphaned to pid 1 and ends there. */
	lt_ran_ok(sh(&a, "(sleep 0.1 &); sleep 0.6; cat /proc/[0-9]*/stat | cut -d' ' -f1-3",
		     &st, &err), &st, &err, "an orphan under the init");
	ok(strstr(out, "1 (") && strstr(out, "2 (sh) ") && !strstr(out, " Z"),
	   "no zombie left: the init reaped the orphan");
	if (strstr(out, " Z"))
		diag("%s", out);
}

static void t_exec_fails(void)
{
	CX_ATTR(a, .flags = CX_ATTR_INIT, .cloneflags = CX_NEWPID);
	char *argv[] = { "/nonexistent/program", NULL };

	lt_fails("a program that is not there", argv[0], argv, &a, CX_STEP_EXECVE, ENOENT);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root for a pid namespace");
	t_status();
	t_sigterm();
	t_orphans();
	t_exec_fails();
	return tap_done();
}
