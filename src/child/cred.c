/* SPDX-License-Identifier: MIT */
/* Credentials and capabilities, by raw syscall: they change this thread
 * only, which in the child is the whole process. */
#include <sys/prctl.h>

#include "child.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif

long cx_run_keepcaps(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	(void)op;
	return cx_sys2(SYS_prctl, PR_SET_KEEPCAPS, 1);
}

long cx_run_setgroups(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys2(SYS_setgroups, op->groups.count, op->groups.list);
}

long cx_run_setgid(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_setresgid, op->id.id, op->id.id, op->id.id);
}

long cx_run_setuid(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_setresuid, op->id.id, op->id.id, op->id.id);
}

/* Permitted and inheritable gain the ambient set: a raise needs both. */
long cx_run_capset(const struct cx_plan *plan, const struct cx_op *op)
{
	struct cx_cap_header hdr;
	struct cx_cap_data data[2];
	long r;

	(void)plan;
	hdr.version = CX_CAP_V3;
	hdr.pid = 0;
	r = cx_sys2(SYS_capget, &hdr, data);
	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		uint32_t word = (uint32_t)(op->capset.add >> (32 * i));

		data[i].permitted |= word;
		data[i].inheritable |= word;
	}
	return cx_sys2(SYS_capset, &hdr, data);
}

long cx_run_ambient(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, op->cap.cap, 0, 0);
}

long cx_run_no_new_privs(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	(void)op;
	return cx_sys5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}
