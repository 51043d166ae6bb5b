/* SPDX-License-Identifier: MIT */
/*
 * System calls as the child may make them: raw, returning a negative errno,
 * touching neither errno nor TLS. The parent uses them too where libc has
 * no wrapper or where a wrapper would filter what we ask for.
 */
#ifndef CX_SYS_H
#define CX_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#include "arch/x86_64/syscall.h"
#elif defined(__aarch64__)
#include "arch/aarch64/syscall.h"
#else
#error "libclonexec: no raw system calls for this architecture (add src/arch/<arch>/)"
#endif

#define cx_sys0(n) cx_syscall6(n, 0, 0, 0, 0, 0, 0)
#define cx_sys1(n, a) cx_syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define cx_sys2(n, a, b) cx_syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define cx_sys3(n, a, b, c) cx_syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define cx_sys4(n, a, b, c, d) cx_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define cx_sys5(n, a, b, c, d, e) \
	cx_syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* Kernel ABI pieces libc headers may lack. */
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#define CX_CLOSE_RANGE_UNSHARE (1U << 1)
/* 0.2, issue 10 (the same numbers on x86_64 and arm64) */
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
/* 0.2, issue 9: the same numbers on x86_64 and arm64 (the unified table) */
#define CX_SYS_openat2 437
#define CX_SYS_mount_setattr 442
#define CX_SYS_open_tree 428
#define CX_SYS_move_mount 429
#define CX_OPEN_TREE_CLONE 1
#define CX_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define CX_MOVE_MOUNT_T_EMPTY_PATH 0x40
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* <linux/futex.h>'s, which not every libc's headers carry (musl). */
#define CX_FUTEX_WAIT 0
#define CX_FUTEX_WAKE 1

#define CX_CLONE_PIDFD 0x00001000ULL
#define CX_CLONE_CLEAR_SIGHAND 0x100000000ULL
#define CX_CLONE_INTO_CGROUP 0x200000000ULL

struct cx_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

/* The kernel's struct sigaction for rt_sigaction (x86_64 and arm64 both
 * carry sa_restorer). */
struct cx_ksigaction {
	unsigned long handler; /* SIG_DFL 0, SIG_IGN 1, or a function */
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

/* The kernel's sigset is 64 bits on every architecture we build for. */
#define CX_KSIGSET_SIZE 8

struct cx_rlimit64 {
	uint64_t cur;
	uint64_t max;
};

struct cx_cap_header {
	uint32_t version;
	int pid;
};

struct cx_cap_data {
	uint32_t effective;
	uint32_t permitted;
	uint32_t inheritable;
};

#define CX_CAP_V3 0x20080522

/* sched_setattr's struct sched_attr (SCHED_ATTR_SIZE_VER0: 48 bytes) and
 * ioprio_set's "who" (neither in every libc's headers). */
struct cx_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};
#define CX_SCHED_FLAG_RESET_ON_FORK 0x01ULL
#define CX_IOPRIO_WHO_PROCESS 1
#define CX_IOPRIO_CLASS_SHIFT 13
/* <linux/openat2.h> and <linux/mount.h>'s, for libcs without them */
struct cx_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define CX_RESOLVE_NO_MAGICLINKS 0x02
#define CX_RESOLVE_IN_ROOT 0x10

struct cx_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};
#define CX_MOUNT_ATTR_RDONLY 0x1
#define CX_MOUNT_ATTR_NOSUID 0x2
#define CX_MOUNT_ATTR_NODEV 0x4
#define CX_AT_RECURSIVE 0x8000

/* In clone.S: the child runs fn(arg) and exits with its result. */
long cx_arch_clone(unsigned long flags, void *stack, int *ptid, int *ctid, int (*fn)(void *),
		   void *arg);
long cx_arch_clone3(struct cx_clone_args *args, size_t size, int (*fn)(void *), void *arg);

#endif
