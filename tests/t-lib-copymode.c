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
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "lib-util.h"
#include "tap.h"

#if defined(__x86_64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static char out[LT_OUT];

static void kill_at_report_pipe_move(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LT_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fcntl, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_DUPFD_CLOEXEC, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		tap_bail("seccomp: %s", strerror(errno));
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
