/* SPDX-License-Identifier: MIT */
/*
 * Session, process group and terminal. setsid, setpgid and TIOCSPGRP come
 * early, before the signal mask is restored (a background child would get
 * SIGTTOU for TIOCSPGRP); TIOCNOTTY and TIOCSCTTY after the fd plan, on
 * the child's fd number.
 */
#include <errno.h>

#include "internal.h"

int cx_check_terminal(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t f = a->flags;

	if ((f & CX_ATTR_SETCTTY) && (f & CX_ATTR_FOREGROUND))
		return cx_check_fail(err, EINVAL, "setctty and foreground exclude each other");
	if ((f & CX_ATTR_SETCTTY) && !(f & CX_ATTR_SETSID))
		return cx_check_fail(err, EINVAL, "setctty needs setsid");
	if ((f & CX_ATTR_NOCTTY) && (f & CX_ATTR_SETSID))
		return cx_check_fail(err, EINVAL,
				     "noctty with setsid: a new session has no terminal to leave");
	if ((f & (CX_ATTR_SETPGID | CX_ATTR_FOREGROUND)) && a->pgid < 0)
		return cx_check_fail(err, EINVAL, "pgid is negative");
	if (!(f & (CX_ATTR_SETCTTY | CX_ATTR_FOREGROUND | CX_ATTR_NOCTTY)))
		return 0;
	if (a->ctty_fd < 0)
		return cx_check_fail(err, EBADF, "ctty_fd: %d is not an fd", a->ctty_fd);
	if (a->files && (unsigned int)a->ctty_fd < a->nfiles &&
	    a->files[a->ctty_fd] == CX_FD_KEEP) {
		if (!cx_fd_is_open(a->ctty_fd))
			return cx_check_fail(err, EBADF, "ctty_fd: fd %d is not open", a->ctty_fd);
	} else if (a->files) {
		if ((unsigned int)a->ctty_fd >= a->nfiles || a->files[a->ctty_fd] < 0)
			return cx_check_fail(err, EBADF, "ctty_fd: %d is not a child fd", a->ctty_fd);
	} else if (!cx_fd_is_open(a->ctty_fd)) {
		return cx_check_fail(err, EBADF, "ctty_fd: fd %d is not open", a->ctty_fd);
	}
	return 0;
}

void cx_session_add_early(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (a->flags & CX_ATTR_SETSID)
		cx_plan_child(plan, CX_STEP_SETSID);
	if (a->flags & (CX_ATTR_SETPGID | CX_ATTR_FOREGROUND))
		cx_plan_child(plan, CX_STEP_SETPGID)->pgid.pgid = a->pgid;
	if (a->flags & CX_ATTR_FOREGROUND) {
		op = cx_plan_child(plan, CX_STEP_FOREGROUND);
		op->foreground.fd = plan->ctty_parent_fd;
		op->foreground.pgid = a->pgid;
	}
}

void cx_session_add_late(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	if (a->flags & CX_ATTR_NOCTTY)
		cx_plan_child(plan, CX_STEP_NOCTTY)->fd.fd = a->ctty_fd;
	if (a->flags & CX_ATTR_SETCTTY)
		cx_plan_child(plan, CX_STEP_SETCTTY)->fd.fd = a->ctty_fd;
}

static void put_group(struct cx_buf *b, int pgid)
{
	if (pgid)
		cx_put(b, "group %d", pgid);
	else
		cx_put(b, "own group");
}

void cx_describe_pgid(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	(void)verbose;
	put_group(b, op->pgid.pgid);
}

void cx_describe_foreground(struct cx_buf *b, const struct cx_plan *plan,
			    const struct cx_op *op, int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "fd %d, ", op->foreground.fd);
	put_group(b, op->foreground.pgid);
}
