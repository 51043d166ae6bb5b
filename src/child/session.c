/* SPDX-License-Identifier: MIT */
/* Session, process group and terminal in the child. */
#include <sys/ioctl.h>

#include "child.h"

long cx_run_setsid(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	(void)op;
	return cx_sys0(SYS_setsid);
}

long cx_run_setpgid(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys2(SYS_setpgid, 0, op->pgid.pgid);
}

long cx_run_foreground(const struct cx_plan *plan, const struct cx_op *op)
{
	int pgrp = op->foreground.pgid ? op->foreground.pgid : (int)cx_sys0(SYS_getpid);

	(void)plan;
	return cx_sys3(SYS_ioctl, op->foreground.fd, TIOCSPGRP, &pgrp);
}

long cx_run_noctty(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys2(SYS_ioctl, op->fd.fd, TIOCNOTTY);
}

long cx_run_setctty(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_ioctl, op->fd.fd, TIOCSCTTY, 1);
}
