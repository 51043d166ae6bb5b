/* SPDX-License-Identifier: MIT */
/*
 * The parent-death signal reaches the child when the process that spawned
 * it dies: plainly, after a change to nobody (the kernel clears it on a
 * credential change, so it must be set after), as the init of a new pid
 * namespace, in a user namespace, and when the spawner is killed rather
 * than exiting. This test is a subreaper, so the orphaned grandchild comes
 * back to it and its end can be seen.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

enum how { EXIT, KILLED };

/* Wait up to 30 s for pid; 1 and its status when it ended. */
static int wait_bounded(pid_t pid, int *status)
{
	for (int i = 0; i < 3000; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);
		struct timespec ten = { 0, 10000000 };

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 0;
		nanosleep(&ten, NULL);
	}
	return 0;
}

static void one(const char *what, const struct cx_attr *attr, enum how how, int sig)
{
	int pfd[2], status = 0;
	pid_t mid, child = 0;

	if (pipe(pfd) < 0)
		tap_bail("pipe");
	mid = fork();
	if (mid == 0) {
		char *argv[] = { (char *)lt_probe(), "sleep", "60", NULL };
		struct cx_process *p = NULL;
		struct cx_error err;
		pid_t pid = -1;

		close(pfd[0]);
		if (cx_spawn(argv[0], argv, NULL, attr, &p, &err) == 0) {
			pid = cx_process_pid(p);
		} else {
			char line[256];

			cx_error_format(&err, line, sizeof(line));
			diag("  spawn failed: %s", line);
		}
		if (write(pfd[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(2);
		/* Waits to be killed only if there is a child to orphan. */
		if (how == KILLED && pid > 0)
			pause();
		_exit(0);
	}
	if (mid < 0)
		tap_bail("fork: %s", strerror(errno));
	close(pfd[1]);
	if (read(pfd[0], &child, sizeof(child)) != sizeof(child))
		child = -1;
	close(pfd[0]);
	if (sig == 0) {
		/* A spawn that fails on purpose: the intermediate process has
		 * nothing to orphan and must end by itself (it once paused
		 * forever, and the test with it). */
		int ended;

		ok(child <= 0, "%s: the spawn fails", what);
		ended = wait_bounded(mid, &status);
		ok(ended && WIFEXITED(status), "%s: the intermediate process ends by itself", what);
		if (!ended) {
			kill(mid, SIGKILL);
			waitpid(mid, NULL, 0);
		}
		return;
	}
	if (!ok(child > 0, "%s: spawned by an intermediate process", what)) {
		/* Whatever state it is in: no test may wait on it forever. */
		kill(mid, SIGKILL);
		waitpid(mid, NULL, 0);
		return;
	}
	if (how == KILLED)
		kill(mid, SIGKILL);
	waitpid(mid, NULL, 0);
	if (!ok(wait_bounded(child, &status), "%s: the child ended after its parent", what)) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return;
	}
	ok(WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s: killed by signal %d (status %#x)",
	   what, sig, status);
}

int main(void)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	CX_ATTR(plain, .pdeathsig = SIGKILL);
	CX_ATTR(term, .pdeathsig = SIGTERM);
	CX_ATTR(nobody, .pdeathsig = SIGKILL, .flags = CX_ATTR_CREDENTIAL, .uid = 65534,
		.gid = 65534);
	CX_ATTR(nobody_usr1, .pdeathsig = SIGUSR1, .flags = CX_ATTR_CREDENTIAL, .uid = 65534,
		.gid = 65534);
	CX_ATTR(pidns, .pdeathsig = SIGKILL, .cloneflags = 0x20000000 /* CLONE_NEWPID */);
	CX_ATTR(userns, .pdeathsig = SIGKILL, .flags = CX_ATTR_CREDENTIAL, .uid = 65534,
		.gid = 65534, .cloneflags = 0x10000000 /* CLONE_NEWUSER */, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	CX_ATTR(bad_dir, .pdeathsig = SIGKILL, .dir = "/nonexistent-pdeathsig");
	CX_ATTR(unshare_pid, .pdeathsig = SIGKILL, .flags = CX_ATTR_CREDENTIAL, .uid = 65534,
		.gid = 65534, .unshareflags = 0x20000000);

	if (geteuid() != 0)
		tap_skip_all("needs root");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		tap_bail("subreaper: %s", strerror(errno));
	one("plain, parent exits", &plain, EXIT, SIGKILL);
	one("plain, parent killed", &plain, KILLED, SIGKILL);
	one("SIGTERM", &term, EXIT, SIGTERM);
	one("after setuid to nobody", &nobody, EXIT, SIGKILL);
	one("after setuid to nobody, SIGUSR1", &nobody_usr1, KILLED, SIGUSR1);
	one("init of a new pid namespace", &pidns, KILLED, SIGKILL);
	one("nobody in a user namespace", &userns, EXIT, SIGKILL);
	one("nobody, pid namespace unshared", &unshare_pid, EXIT, SIGKILL);
	one("a spawn that fails, parent to be killed", &bad_dir, KILLED, 0);
	return tap_done();
}
