/* SPDX-License-Identifier: MIT */
/* Resource limits in the child. */
#include "child.h"

long cx_run_setrlimit(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys4(SYS_prlimit64, 0, op->rlimit.resource, op->rlimit.value, 0);
}
