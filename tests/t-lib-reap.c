/* SPDX-License-Identifier: MIT */
/*
 * How the parent follows its child to the end:
 *  - a child that failed before its exec is reaped through the pidfd when
 *    there is one (a seccomp filter refusing waitid(P_PID) proves which:
 *    the spawn must still leave no zombie);
 *  - the parent-writes-maps wait ends when the child is gone even if the
 *    tid word is never cleared (older kernels do not clear it for a child
 *    killed by a signal): cx_wait_exec on a word nobody clears, for a child
 *    that has exited, must return.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "lib-util.h"
#include "lt-seccomp.h"
#include "tap.h"


/* waitid(P_PID, ...) fails with EPERM; everything else is allowed. */
static void refuse_waitid_by_pid(void)
{
	struct lt_rule r = { .nr = __NR_waitid, .nargs = 1, .arg = { { 0, P_PID } },
			     .action = SECCOMP_RET_ERRNO | EPERM };
	siginfo_t si;

	lt_seccomp_one(&r);
	ok(waitid(P_PID, 1, &si, WEXITED | WNOHANG) < 0 && errno == EPERM,
	   "the filter: waitid(P_PID) is EPERM");
}

static void reap_by_pidfd(void *unused)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	char *argv[] = { (char *)lt_probe(), NULL };
	CX_ATTR(vfork, .dir = "/nonexistent");
	CX_ATTR(maps, .dir = "/nonexistent", .cloneflags = CX_NEWUSER, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	(void)unused;

	refuse_waitid_by_pid();
	lt_fails("failed chdir, vfork", argv[0], argv, &vfork, CX_STEP_CHDIR, ENOENT);
	lt_fails("failed chdir, parent writes maps", argv[0], argv, &maps, CX_STEP_CHDIR, ENOENT);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void wait_uncleared(void *unused)
{
	struct cx_plan plan;
	pid_t pid;
	long pidfd;
	(void)unused;

	memset(&plan, 0, sizeof(plan));
	plan.child_tid = -1; /* as before the clone; here nobody clears it */
	pid = fork();
	if (pid == 0)
		_exit(0);
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	/* A hang here is the defect: the test's time limit would end it. */
	alarm(30);
	cx_wait_exec(&plan, pid, (int)pidfd);
	alarm(0);
	ok(1, "cx_wait_exec returned for a dead child whose tid word stays set (pidfd %ld)",
	   pidfd);
	ok(waitpid(pid, NULL, WNOHANG) == pid, "and left the child to be reaped");
	if (pidfd >= 0)
		close((int)pidfd);

	memset(&plan, 0, sizeof(plan));
	plan.child_tid = -1;
	pid = fork();
	if (pid == 0)
		_exit(0);
	alarm(30);
	cx_wait_exec(&plan, pid, -1);
	alarm(0);
	ok(1, "and without a pidfd, by pid");
	waitpid(pid, NULL, 0);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root (a user namespace with a 65536-id map)");
	lt_sub("reap by pidfd", reap_by_pidfd, NULL);
	lt_sub("wait for exec, tid never cleared", wait_uncleared, NULL);
	return tap_done();
}
