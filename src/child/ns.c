/* SPDX-License-Identifier: MIT */
/* Namespaces in the child: unshare, its own id maps, waiting for the
 * parent to write them. */
#include <errno.h>
#include <fcntl.h>

#include "child.h"

/* The kernel takes a map file only in one write. */
long cx_run_write_file(const struct cx_plan *plan, const struct cx_op *op)
{
	long fd = cx_sys4(SYS_openat, AT_FDCWD, op->write.path, O_WRONLY | O_CLOEXEC, 0);
	long r;

	(void)plan;
	if (fd < 0)
		return fd;
	r = cx_sys3(SYS_write, fd, op->write.text, op->write.len);
	cx_sys1(SYS_close, fd);
	if (r >= 0 && r != op->write.len)
		return -EIO;
	return r < 0 ? r : 0;
}

long cx_run_wait_maps(const struct cx_plan *plan, const struct cx_op *op)
{
	char go = 0;

	(void)op;
	if (plan->pipes) {
		if (cx_sys3(SYS_read, plan->go_fd, &go, 1) != 1 || go != 1)
			return -ECANCELED;
		return 0;
	}
	while (plan->go == 0)
		cx_sys4(SYS_futex, &plan->go, CX_FUTEX_WAIT, 0, 0);
	return plan->go == 1 ? 0 : -ECANCELED;
}

long cx_run_unshare(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys1(SYS_unshare, op->unshare.ns);
}
