/* SPDX-License-Identifier: MIT */
/*
 * The fallback paths, run for real: a forked test process installs a
 * seccomp filter that makes clone3 answer ENOSYS (a kernel before 5.3, or
 * a container runtime that blocks it), and in a second one also
 * pidfd_open ENOSYS and clone with CLONE_PIDFD EINVAL (before 5.2). The
 * library must then spawn by clone, reset the caller's handlers itself
 * (no CLONE_CLEAR_SIGHAND), keep a pid-only handle that still waits and
 * signals, and refuse with a clear step what needs clone3.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#define CLONE_PIDFD_ 0x00001000

#if defined(__x86_64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

static char out[LT_OUT];

#define RET_ERRNO(e) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e))

static void install_filter(int no_pidfd)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LT_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		RET_ERRNO(ENOSYS),
		/* Below: only with no_pidfd (else the jumps end at ALLOW). */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_pidfd_open, 0, 1),
		RET_ERRNO(ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_PIDFD_, 0, 1),
		RET_ERRNO(EINVAL),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (!no_pidfd) {
		/* Cut the program after the clone3 rule. */
		f[6] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		prog.len = 7;
	}
	/* prctl rather than seccomp(2): the same filter without flags, and
	 * valgrind, which knows no seccomp(2), passes it through. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		tap_bail("seccomp: %s", strerror(errno));
	ok(syscall(__NR_clone3, NULL, 0) < 0 && errno == ENOSYS, "the filter: clone3 is ENOSYS");
	if (no_pidfd)
		ok(syscall(__NR_pidfd_open, getpid(), 0) < 0 && errno == ENOSYS,
		   "the filter: pidfd_open is ENOSYS");
}

static void handler(int sig)
{
	(void)sig;
}

static int step_of_clone(int index, int step, const char *who, const char *text, void *data)
{
	(void)index;
	(void)who;
	(void)text;
	if (step == CX_STEP_CLONE || step == CX_STEP_CLONE3)
		*(int *)data = step;
	return 0;
}

static void no_clone3(void *unused)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	char *argv[] = { (char *)lt_probe(), NULL };
	int cg = open("/sys/fs/cgroup/unified", O_RDONLY | O_DIRECTORY | O_CLOEXEC), step = -1;
	CX_ATTR(cgroup, .flags = CX_ATTR_CGROUP, .cgroup_fd = cg);
	CX_ATTR(timens, .cloneflags = 0x80);
	CX_ATTR(plain);
	CX_ATTR(userns, .cloneflags = 0x10000000, .uid_map = &map, .nuid_map = 1, .gid_map = &map,
		.ngid_map = 1, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534);
	struct cx_process *p = NULL;
	struct cx_status st;
	struct cx_error err;
	uint64_t ign;
	(void)unused;

	install_filter(0);
	/* First, before the library has learnt that clone3 is missing. */
	lt_fails("cgroup without clone3", argv[0], argv, &cgroup, CX_STEP_CLONE3, ENOSYS);
	lt_fails("time namespace without clone3", argv[0], argv, &timens, CX_STEP_CLONE3, ENOSYS);

	signal(SIGUSR1, handler);
	signal(SIGTERM, handler);
	signal(SIGUSR2, SIG_IGN);
	lt_ran_ok(lt_run(&plain, out, &st, &err, "status", NULL), &st, &err, "spawn by clone");
	is_str(lt_get(out, "SigCgt"), "0000000000000000", "by clone: nothing caught in the child");
	ign = lt_hex(lt_get(out, "SigIgn"));
	ok(ign & (1ULL << (SIGUSR2 - 1)), "by clone: the ignored SIGUSR2 stays ignored");
	cx_explain(argv[0], argv, NULL, &plain, 0, step_of_clone, &step, NULL);
	is_str(cx_step_name(step), "clone", "cx_explain now lists clone, not clone3");

	is_int(cx_spawn(lt_probe(), (char *[]){ (char *)lt_probe(), "sleep", "60", NULL }, NULL,
			&plain, &p, &err), 0, "by clone: a sleeping child");
	ok(cx_process_pidfd(p) >= 0, "by clone: CLONE_PIDFD still gave a pidfd");
	is_int(cx_process_signal(p, SIGKILL), 0, "by clone: SIGKILL through it");
	ok(cx_process_wait(p, 30000, &st) == 0 && st.signal == SIGKILL, "by clone: killed");
	lt_end(p);

	lt_ran_ok(lt_run(&userns, out, &st, &err, "status", "uid_map", NULL), &st, &err,
		  "by clone: user namespace with maps, nobody");
	ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "by clone: nobody in the user namespace");
	is_int(lt_handler_stress(150, &plain), 0, "by clone: no handler ran in a child under a "
	       "signal flood");
	lt_fails("cgroup without clone3, once known", argv[0], argv, &cgroup, CX_STEP_CLONE3,
		 ENOSYS);
	close(cg);
}

static void no_pidfd(void *unused)
{
	char *argv[] = { (char *)lt_probe(), NULL };
	CX_ATTR(plain);
	CX_ATTR(require, .flags = CX_ATTR_REQUIRE_PIDFD);
	CX_ATTR(death, .pdeathsig = SIGKILL);
	struct cx_process *p = NULL;
	struct cx_status st;
	struct cx_error err;
	(void)unused;

	install_filter(1);
	lt_ran_ok(lt_run(&plain, out, &st, &err, "status", NULL), &st, &err,
		  "no clone3, no pidfd: spawn");
	is_int(cx_spawn(lt_probe(), (char *[]){ (char *)lt_probe(), "sleep", "60", NULL }, NULL,
			&plain, &p, &err), 0, "no pidfd: a sleeping child");
	is_int(cx_process_pidfd(p), -1, "no pidfd: the handle has pidfd -1");
	is_int(cx_process_wait(p, 100, &st), -ETIMEDOUT, "no pidfd: wait(100 ms) times out");
	is_int(cx_process_signal(p, SIGKILL), 0, "no pidfd: SIGKILL by pid");
	ok(cx_process_wait(p, 30000, &st) == 0 && !st.exited && st.signal == SIGKILL,
	   "no pidfd: waited by pid, killed by SIGKILL");
	is_int(cx_process_wait(p, -1, &st), -ECHILD, "no pidfd: -ECHILD after");
	is_int(cx_process_signal(p, SIGKILL), -ESRCH, "no pidfd: -ESRCH after");
	lt_end(p);
	lt_fails("REQUIRE_PIDFD without pidfds", argv[0], argv, &require, CX_STEP_PIDFD_OPEN,
		 ENOSYS);
	lt_ran_ok(lt_run(&death, out, &st, &err, "stat", NULL), &st, &err,
		  "no pidfd: pdeathsig falls back to getppid");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	lt_sub("no clone3", no_clone3, NULL);
	lt_sub("no pidfd", no_pidfd, NULL);
	return tap_done();
}
