/* SPDX-License-Identifier: MIT */
/*
 * seccomp (issue 10): the caller's classic-BPF program, installed as the
 * child's last step before execve, so it need not allow what the steps
 * before it do (setuid, capset, landlock...). The child sets no_new_privs
 * first unless it holds CAP_SYS_ADMIN then, as the kernel requires.
 */
#include <errno.h>

#include "internal.h"

#define CX_BPF_MAXINSNS 4096 /* the kernel's BPF_MAXINSNS */

int cx_check_seccomp(const struct cx_attr *a, struct cx_error *err)
{
	if (!a->seccomp_len && !a->seccomp_filter)
		return 0;
	if (!a->seccomp_filter)
		return cx_check_fail(err, EINVAL, "seccomp_filter: NULL with %u instructions",
				     a->seccomp_len);
	if (a->seccomp_len == 0)
		return cx_check_fail(err, EINVAL, "seccomp_filter: no instructions");
	if (a->seccomp_len > CX_BPF_MAXINSNS)
		return cx_check_fail(err, EINVAL, "seccomp_filter: %u instructions, the kernel "
				     "takes at most %d (BPF_MAXINSNS)", a->seccomp_len,
				     CX_BPF_MAXINSNS);
	return 0;
}

void cx_seccomp_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (!a->seccomp_len)
		return;
	op = cx_plan_child(plan, CX_STEP_SECCOMP);
	op->seccomp.len = (unsigned short)a->seccomp_len;
	op->seccomp.filter = a->seccomp_filter;
}

void cx_describe_seccomp(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			 int verbose)
{
	(void)plan;
	cx_put(b, "%u instructions", op->seccomp.len);
	if (verbose)
		cx_put(b, ", no_new_privs first unless CAP_SYS_ADMIN");
}
