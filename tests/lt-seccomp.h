/* SPDX-License-Identifier: MIT */
/*
 * One seccomp rule for a test process (and the children it spawns): a
 * system call, optionally only when up to two of its arguments have given
 * (32-bit) values, answers `action` (SECCOMP_RET_ERRNO | e, or
 * SECCOMP_RET_KILL_PROCESS); everything else is allowed. Installed with
 * prctl (valgrind knows no seccomp(2)) after no_new_privs.
 */
#ifndef LT_SECCOMP_H
#define LT_SECCOMP_H

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>

#include "tap.h"

#if defined(__x86_64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

struct lt_rule {
	int nr;
	int nargs;               /* 0 to 2 conditions */
	struct {
		int index;
		uint32_t value;
	} arg[2];
	uint32_t action;
};

static inline void lt_seccomp_one(const struct lt_rule *r)
{
	struct sock_filter f[16];
	struct sock_fprog prog;
	unsigned short n = 0, skip = (unsigned short)(1 + 2 * r->nargs);

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LT_AUDIT_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	/* Not this call: jump over the argument tests and the action. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0,
					      (unsigned char)skip);
	for (int i = 0; i < r->nargs; i++) {
		skip -= 2;
		f[n++] = (struct sock_filter)BPF_STMT(
			BPF_LD | BPF_W | BPF_ABS,
			offsetof(struct seccomp_data, args[0]) + 8 * (unsigned int)r->arg[i].index);
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->arg[i].value, 0,
						      (unsigned char)skip);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, r->action);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		tap_bail("seccomp: %s", strerror(errno));
}

#endif
