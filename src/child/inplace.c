/* SPDX-License-Identifier: MIT */
/* Steps only cx_exec runs: what the clone would have done. */
#include <fcntl.h>

#include "child.h"

/* "0" moves the writer itself (cgroup v2's cgroup.procs). */
long cx_run_join_cgroup(const struct cx_plan *plan, const struct cx_op *op)
{
	long fd = cx_sys4(SYS_openat, op->cgroup.fd, "cgroup.procs", O_WRONLY | O_CLOEXEC, 0);
	long r;

	(void)plan;
	if (fd < 0)
		return fd;
	r = cx_sys3(SYS_write, fd, "0", 1);
	cx_sys1(SYS_close, fd);
	return r < 0 ? r : 0;
}
