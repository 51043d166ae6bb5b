/* SPDX-License-Identifier: MIT */
/*
 * The copy mode (a fork-like clone; errors by pipe), forced here as
 * valgrind or qemu-user force it: errors are reported, and a child that dies
 * before the parent sends its go byte (after writing its id maps) must not
 * earn the caller a SIGPIPE, which, pending under the blocked mask, would
 * kill it when the spawn restores the mask. The child is killed by a
 * seccomp filter at its second system call, which moves the error pipe
 * above the fd plan (fcntl F_DUPFD_CLOEXEC from 3; nothing else here makes
 * that call), while the parent writes three map files: it dies first.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "lib-util.h"
#include "lt-seccomp.h"
#include "tap.h"


static char out[LT_OUT];

static void kill_at_report_pipe_move(void)
{
	struct lt_rule r = { .nr = __NR_fcntl, .nargs = 2,
			     .arg = { { 1, F_DUPFD_CLOEXEC }, { 2, 3 } },
			     .action = SECCOMP_RET_KILL_PROCESS };

	lt_seccomp_one(&r);
}

static void dead_before_go(void *unused)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	char *argv[] = { (char *)lt_probe(), NULL };
	CX_ATTR(maps, .cloneflags = CX_NEWUSER, .uid_map = &map, .nuid_map = 1, .gid_map = &map,
		.ngid_map = 1);
	int died = 0;
	(void)unused;

	cx_feature_missing(CX_FEAT_VM_SHARED);
	signal(SIGPIPE, SIG_DFL);
	kill_at_report_pipe_move();
	for (int i = 0; i < 20; i++) {
		struct cx_process *p = NULL;
		struct cx_error err;
		int r = cx_spawn(argv[0], argv, NULL, &maps, &p, &err);

		/* The child never got past its read: no exec, a failure of some
		 * step, or (if it died after the byte) a killed child. */
		if (r == 0) {
			struct cx_status st;

			cx_process_wait(p, -1, &st);
			cx_process_release(p);
			died += !st.exited;
		} else {
			char line[256];

			cx_error_format(&err, line, sizeof(line));
			if (i == 0)
				diag("spawn: %s", line);
			died++;
		}
	}
	is_int(died, 20, "20 children killed before their go byte; the caller is still here");
	ok(!cxt_has_zombie(), "no zombie");
}

static void reports(void *unused)
{
	char *argv[] = { (char *)lt_probe(), NULL };
	CX_ATTR(baddir, .dir = "/nonexistent");
	CX_ATTR(plain);
	struct cx_status st;
	struct cx_error err;
	(void)unused;

	cx_feature_missing(CX_FEAT_VM_SHARED);
	lt_fails("copy mode: failed chdir", argv[0], argv, &baddir, CX_STEP_CHDIR, ENOENT);
	lt_ran_ok(lt_run(&plain, out, &st, &err, "status", NULL), &st, &err, "copy mode: runs");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root (a user namespace with a 65536-id map)");
	lt_sub("copy mode", reports, NULL);
	lt_sub("copy mode, child dead before go", dead_before_go, NULL);
	return tap_done();
}
