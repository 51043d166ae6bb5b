/* SPDX-License-Identifier: MIT */
/* The child's view of the filesystem: propagation, root, cwd, umask. */
#include <sys/mount.h>

#include "child.h"

long cx_run_mount_private(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	(void)op;
	/* Source and type are ignored for a propagation change; valgrind
	 * wants them readable all the same. */
	return cx_sys5(SYS_mount, "none", "/", "none", MS_REC | MS_PRIVATE, 0);
}

long cx_run_chroot(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys1(SYS_chroot, op->path.path);
}

long cx_run_chdir(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys1(SYS_chdir, op->path.path);
}

long cx_run_umask(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	cx_sys1(SYS_umask, op->umask.mask);
	return 0;
}
