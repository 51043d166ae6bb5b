/* SPDX-License-Identifier: MIT */
/*
 * Join and confine in the child (issue 10): setns, making the program in a
 * joined PID namespace, securebits, bounding set, capability sets,
 * Landlock and seccomp. Raw system calls only (see child.h).
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>

#include "child.h"

#define CX_CAP_SYS_ADMIN 21
#define CX_SECCOMP_MODE_FILTER 2

long cx_run_setns(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys2(SYS_setns, op->setns.fd, op->setns.is_pidfd ? op->setns.ns : 0);
}

/* The program: the rest of the plan, after the FORK_PROGRAM op. */
static int program_main(void *arg)
{
	struct cx_plan *plan = arg;
	int i = 0;

	while (plan->ops[i].step != CX_STEP_FORK_PROGRAM)
		i++;
	return cx_child_run_from(plan, i + 1);
}

/* The program becomes the caller's child (CLONE_PARENT), in the PID
 * namespace joined for children. In the shared-memory modes we stay
 * suspended until it has exec'd or failed (CLONE_VFORK), note its pid for
 * the parent and exit; it runs on the low half of the borrowed stack,
 * under our frames at the top (spawn.c sets join_stack). In the copy mode (valgrind) it is a copy,
 * and its pid goes to the parent by the error pipe. */
long cx_run_fork_program(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_plan *p = (struct cx_plan *)plan;
	unsigned long flags = CLONE_PARENT | SIGCHLD;
	void *top = 0;
	long pid;

	(void)op;
	if (plan->mode != CX_MODE_COPY) {
		flags |= CLONE_VM | CLONE_VFORK;
		top = plan->join_stack;
	}
	pid = cx_arch_clone(flags, top, 0, 0, program_main, p);
	if (pid < 0)
		return pid;
	if (plan->mode == CX_MODE_COPY) {
		struct cx_report rep = { CX_REPORT_PROGRAM, (int32_t)pid, -1 };

		cx_sys3(SYS_write, plan->report_fd, &rep, sizeof(rep));
	} else {
		p->program_pid = (int32_t)pid;
	}
	cx_sys1(SYS_exit, 0);
	return -EINVAL; /* not reached */
}

long cx_run_securebits(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys5(SYS_prctl, PR_SET_SECUREBITS, op->bits.bits, 0, 0, 0);
}

long cx_run_bounding(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	for (int cap = 0; cap <= op->bits.last; cap++) {
		long r;

		if (op->bits.bits & (1ULL << cap))
			continue;
		r = cx_sys5(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

long cx_run_cap_sets(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_cap_header hdr = { CX_CAP_V3, 0 };
	struct cx_cap_data data[2];
	long r;

	(void)plan;
	r = cx_sys2(SYS_capget, &hdr, data);
	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		uint32_t keep = (uint32_t)(op->capsets.keep >> (32 * i));

		if (op->capsets.set_keep) {
			data[i].permitted &= keep;
			data[i].effective = data[i].permitted;
		}
		if (op->capsets.set_inheritable)
			data[i].inheritable = (uint32_t)(op->capsets.inheritable >> (32 * i));
	}
	return cx_sys2(SYS_capset, &hdr, data);
}

/* Landlock and seccomp need no_new_privs unless we hold CAP_SYS_ADMIN
 * (in our user namespace) at that point. */
static long nnp_unless_admin(void)
{
	struct cx_cap_header hdr = { CX_CAP_V3, 0 };
	struct cx_cap_data data[2];

	if (cx_sys2(SYS_capget, &hdr, data) == 0 &&
	    (data[0].effective & (1U << CX_CAP_SYS_ADMIN)))
		return 0;
	return cx_sys5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

long cx_run_landlock(const struct cx_plan *plan, const struct cx_op *op)
{
	long r = nnp_unless_admin();

	(void)plan;
	return r < 0 ? r : cx_sys2(SYS_landlock_restrict_self, op->fd.fd, 0);
}

/* By prctl rather than seccomp(2): valgrind knows the former. */
long cx_run_seccomp(const struct cx_plan *plan, const struct cx_op *op)
{
	long r = nnp_unless_admin();

	(void)plan;
	return r < 0 ? r : cx_sys5(SYS_prctl, PR_SET_SECCOMP, CX_SECCOMP_MODE_FILTER,
				   &op->seccomp, 0, 0);
}
