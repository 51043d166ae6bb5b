/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the join-and-confine steps (issue 10): in a forked
 * test process, a seccomp filter fails the one system call of one step
 * (with EPERM, then EINVAL), and the spawn must fail naming that step and
 * errno, leaving nothing behind (fds, signal mask, no child). Calls are
 * singled out by number and, where the step shares it, by an argument:
 * prctl's option, clone's CLONE_PARENT, landlock_create_ruleset's flags
 * (0 creates, 1 is the ABI probe), write's length (the offsets' text; the
 * test process writes nothing during a spawn).
 * Under valgrind (copy mode, no clone3, no Landlock) the cases that need
 * those are skipped by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine-util.h"

#if defined(__x86_64__)
#define ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_SELF AUDIT_ARCH_AARCH64
#endif

#define ANY (-1)
#define TIME_TEXT "monotonic 86400 0\nboottime 0 0\n"

struct fault {
	const char *name;
	int step;
	int nr;
	int arg;          /* ANY, or the argument that must be val */
	uint32_t val;
	int bit;          /* val is a bit to test rather than a value */
	int no_valgrind;
};

static struct cx_sock_filter allow_all[] = { { BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW } };
static struct cx_landlock_rule rule[] = { { "/", 0xffff } };
static int uts_fd, pid_fd;

static void fill(const struct fault *f, struct cx_attr *a, struct cx_ns_fd *fd)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	switch (f->step) {
	case CX_STEP_SETNS:
		*fd = (struct cx_ns_fd){ uts_fd, 0, 0 };
		a->join_fds = fd, a->njoin_fds = 1;
		break;
	case CX_STEP_FORK_PROGRAM:
		*fd = (struct cx_ns_fd){ pid_fd, 0, 0 };
		a->join_fds = fd, a->njoin_fds = 1;
		break;
	case CX_STEP_SECUREBITS:
		a->flags = CX_ATTR_SECUREBITS, a->securebits = 1;
		break;
	case CX_STEP_BOUNDING:
		a->flags = CX_ATTR_CAP_BOUNDING, a->cap_bounding = 1ULL << 10;
		break;
	case CX_STEP_CAP_SETS:
		a->flags = CX_ATTR_CAP_KEEP, a->cap_keep = 1ULL << 10;
		break;
	case CX_STEP_TIME_OFFSETS:
		a->unshareflags = 0x80, a->monotonic_offset = 86400;
		break;
	case CX_STEP_LANDLOCK_RULESET:
	case CX_STEP_LANDLOCK:
		a->landlock_rules = rule, a->nlandlock_rules = 1;
		break;
	case CX_STEP_SECCOMP:
		a->seccomp_filter = allow_all, a->seccomp_len = 1;
		break;
	}
}

static void install(const struct fault *f, int error)
{
	struct sock_filter prog[12];
	struct sock_fprog fp;
	int n = 0;

	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SELF, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						 offsetof(struct seccomp_data, nr));
	/* Not this call: on to the final allow. */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)f->nr, 0,
						 f->arg == ANY ? 1 : 3);
	if (f->arg != ANY) {
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
							 offsetof(struct seccomp_data, args[f->arg]));
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | (f->bit ? BPF_JSET : BPF_JEQ) |
							 BPF_K, f->val, 0, 1);
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						 SECCOMP_RET_ERRNO | (uint32_t)error);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	fp.len = (unsigned short)n;
	fp.filter = prog;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp, 0, 0) < 0)
		tap_bail("seccomp: %s", strerror(errno));
}

struct run {
	const struct fault *f;
	int error;
};

static void one(void *arg)
{
	const struct run *r = arg;
	char *argv[] = { (char *)cp_path(), "getpid", NULL };
	struct cx_ns_fd fd;
	struct cx_attr a;
	char what[128];

	fill(r->f, &a, &fd);
	snprintf(what, sizeof(what), "%s, %s", r->f->name, cxt_errname(r->error));
	install(r->f, r->error);
	lt_fails(what, argv[0], argv, &a, r->f->step, r->error);
}

int main(void)
{
	static const struct fault faults[] = {
		{ "setns", CX_STEP_SETNS, SYS_setns, ANY, 0, 0, 0 },
		{ "make the program", CX_STEP_FORK_PROGRAM, SYS_clone, 0, 0x8000 /* CLONE_PARENT */,
		  1, 1 },
		{ "securebits", CX_STEP_SECUREBITS, SYS_prctl, 0, PR_SET_SECUREBITS, 0, 0 },
		{ "bounding set", CX_STEP_BOUNDING, SYS_prctl, 0, PR_CAPBSET_DROP, 0, 0 },
		{ "capability sets", CX_STEP_CAP_SETS, SYS_capset, ANY, 0, 0, 0 },
		{ "time offsets", CX_STEP_TIME_OFFSETS, SYS_write, 2, sizeof(TIME_TEXT) - 1, 0, 0 },
		{ "landlock ruleset", CX_STEP_LANDLOCK_RULESET, SYS_landlock_create_ruleset, 2, 0, 0,
		  1 },
		{ "landlock restrict", CX_STEP_LANDLOCK, SYS_landlock_restrict_self, ANY, 0, 0, 1 },
		{ "seccomp", CX_STEP_SECCOMP, SYS_prctl, 0, PR_SET_SECCOMP, 0, 0 },
	};
	static const int errors[] = { EPERM, EINVAL };

	if (geteuid() != 0)
		tap_skip_all("needs root");
	uts_fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	pid_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (uts_fd < 0 || pid_fd < 0)
		tap_bail("/proc/self/ns");
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1) < 1)
		rule[0].access = 0; /* no Landlock: those cases are skipped below */
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *f = &faults[i];
		int landlock = f->step == CX_STEP_LANDLOCK || f->step == CX_STEP_LANDLOCK_RULESET;

		if (f->no_valgrind && lt_on_valgrind()) {
			lt_skip(f->name, "valgrind: copy mode, no Landlock system calls");
			continue;
		}
		if (landlock && !rule[0].access) {
			lt_skip(f->name, "the kernel has no Landlock");
			continue;
		}
		for (size_t e = 0; e < 2; e++) {
			struct run r = { f, errors[e] };

			lt_sub(f->name, one, &r);
		}
	}
	close(uts_fd);
	close(pid_fd);
	return tap_done();
}
