/* SPDX-License-Identifier: MIT */
/*
 * CX_ATTR_CLOSE_OTHER_FDS when close_range is refused: ENOSYS (a kernel
 * before 5.9) and EPERM (a sandbox's seccomp filter), forced by a filter
 * here. An fd above the soft NOFILE limit (kept open when the limit was
 * lowered) must not reach the child, whether /proc is there to list the
 * fds (plain spawn) or not (in a chroot without /proc, where every number
 * up to the hard limit is closed), and the spawn must not fail.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib-util.h"
#include "lt-seccomp.h"
#include "tap.h"

#ifndef __NR_close_range
#define __NR_close_range 436
#endif

#define HIGH_FD 200

static char out[LT_OUT];

static void refuse_close_range(int error)
{
	struct lt_rule r = { .nr = __NR_close_range, .action = SECCOMP_RET_ERRNO | (uint32_t)error };

	lt_seccomp_one(&r);
	ok(syscall(__NR_close_range, 1000, 1000, 0) < 0 && errno == error,
	   "the filter: close_range is %s", cxt_errname(error));
}

/* A pipe's write end at HIGH_FD (its read end stays open here, so a write
 * to it succeeds wherever it is open), then a soft limit below it. */
static void fd_above_soft_limit(void)
{
	struct rlimit rl = { 64, 4096 };
	int p[2];

	if (pipe(p) < 0 || dup2(p[1], HIGH_FD) < 0 || setrlimit(RLIMIT_NOFILE, &rl) < 0)
		tap_bail("setup: %s", strerror(errno));
	close(p[1]);
}

static void with_proc(void *arg)
{
	int error = *(int *)arg;
	CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS);
	struct cx_status st;
	struct cx_error err;

	fd_above_soft_limit();
	refuse_close_range(error);
	lt_ran_ok(lt_run(&a, out, &st, &err, "fds", NULL), &st, &err, "close others");
	is_str(lt_get(out, "fds"), "0,1,2", "only 0, 1, 2 reach the child (fd %d did not)",
	       HIGH_FD);
}

static void without_proc(void *arg)
{
	int error = *(int *)arg;
	char dir[] = "/tmp/cx-closefrom-XXXXXX", fd[16];
	char *argv[] = { "/probe", "write-fd", fd, "x", NULL };
	CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .chroot = dir);
	struct cx_process *p = NULL;
	struct cx_status st;
	struct cx_error err;
	int r;

	snprintf(fd, sizeof(fd), "%d", HIGH_FD);
	if (!mkdtemp(dir) || lt_make_root(dir, 0) < 0)
		tap_bail("root: %s", strerror(errno));
	fd_above_soft_limit();
	refuse_close_range(error);
	r = cx_spawn(argv[0], argv, NULL, &a, &p, &err);
	is_int(r, 0, "chroot without /proc: close others");
	if (r == 0) {
		cx_process_wait(p, -1, &st);
		cx_process_release(p);
		ok(st.exited && st.exit_code == 3, "fd %d is closed in the child (write-fd exits %d)",
		   HIGH_FD, st.exited ? st.exit_code : -st.signal);
	}
	lt_remove_root(dir);
}

int main(void)
{
	static int enosys = ENOSYS, eperm = EPERM;

	if (geteuid() != 0)
		tap_skip_all("needs root (a chroot)");
	if (lt_on_valgrind())
		tap_skip_all("valgrind emulates RLIMIT_NOFILE (no fd above its own soft limit)");
	lt_sub("close_range ENOSYS", with_proc, &enosys);
	lt_sub("close_range EPERM", with_proc, &eperm);
	lt_sub("close_range ENOSYS, no /proc", without_proc, &enosys);
	lt_sub("close_range EPERM, no /proc", without_proc, &eperm);
	return tap_done();
}
