/* SPDX-License-Identifier: MIT */
/*
 * The fd plan: make child fd i a copy of the caller's fd files[i] for every
 * i at once, whatever the permutation. Two passes, as dup2-based spawners
 * do, but a source that pass 2 would overwrite before reading is parked
 * with F_DUPFD_CLOEXEC on the lowest *free* fd above the targets: it can
 * clobber neither another source nor an fd the child inherits, and stays
 * far below any fd limit (parking above the highest source, or at a fixed
 * number, can do neither). The child notes where each parked copy landed
 * in the plan's scratch array (its own memory for this spawn only).
 */
#include <errno.h>
#include <fcntl.h>

#include "internal.h"

#define CX_NFILES_MAX (1u << 20)

int cx_check_files(const struct cx_attr *a, struct cx_error *err)
{
	if (a->nfiles == 0)
		return 0;
	if (!a->files)
		return cx_check_fail(err, EINVAL, "files: NULL with a non-zero count");
	if (a->nfiles > CX_NFILES_MAX)
		return cx_check_fail(err, EINVAL, "files: too many");
	for (unsigned int i = 0; i < a->nfiles; i++) {
		int fd = a->files[i];

		if (fd == CX_FD_KEEP)
			continue;
		if (fd < -1)
			return cx_check_fail(err, EBADF, "files[%u]: %d is not an fd", i, fd);
		if (fd >= 0 && !cx_fd_is_open(fd))
			return cx_check_fail(err, EBADF, "files[%u]: fd %d is not open", i, fd);
	}
	return 0;
}

int cx_fdplan_count(const struct cx_attr *attr)
{
	/* park, place, the closes of 0-2, close-others, unshare */
	return 2 * (int)attr->nfiles + 3 + 2;
}

static void add_fd(struct cx_plan *plan, int step, int fd)
{
	cx_plan_child(plan, step)->fd.fd = fd;
}

static struct cx_op *add_dup(struct cx_plan *plan, int from, int to)
{
	struct cx_op *op = cx_plan_child(plan, CX_STEP_DUP);

	op->dup.from = from;
	op->dup.to = to;
	return op;
}

static void add_close_others(struct cx_plan *plan, int from)
{
	cx_plan_child(plan, CX_STEP_CLOSE_OTHERS)->close_others.from = from;
}

void cx_fdplan_compile(struct cx_plan *plan, int *parked)
{
	const struct cx_attr *attr = &plan->attr;
	int n = (int)attr->nfiles, top = n > 3 ? n : 3;
	struct cx_op *op;

	plan->fd_free = 3;
	if (!attr->files) {
		if (attr->flags & CX_ATTR_CLOSE_OTHER_FDS)
			add_close_others(plan, 3);
		return;
	}
	plan->fd_free = top;
	/* Pass 1: a source below its own target (files[i] == j, j < i) would
	 * be overwritten at j before i reads it. */
	for (int i = 0; i < n; i++) {
		int fd = attr->files[i];

		if (fd >= 0 && fd < i) {
			op = add_dup(plan, fd, -1);
			op->dup.above = top;
			op->dup.parked_at = &parked[i];
		}
	}
	/* Pass 2: every target in order; a source equal to its target only
	 * loses close-on-exec (dup3 refuses oldfd == newfd). */
	for (int i = 0; i < top; i++) {
		int fd = i < n ? attr->files[i] : -1;

		if (fd == CX_FD_KEEP)
			continue; /* as it is: the caller's fd i or nothing */
		if (fd < 0) {
			add_fd(plan, CX_STEP_CLOSE_FD, i);
		} else if (fd == i) {
			add_fd(plan, CX_STEP_KEEP_FD, i);
		} else {
			op = add_dup(plan, fd, i);
			if (fd < i)
				op->dup.parked = &parked[i];
		}
	}
	if (attr->flags & CX_ATTR_CLOSE_OTHER_FDS)
		add_close_others(plan, top);
}

/* Issue 14: a child that closes the other fds anyway need not copy them.
 * Without CLONE_FILES the clone copies the caller's whole table (a
 * reference on every open file, an 80 KiB table at 10,000 fds), only for
 * the exec to drop the close-on-exec part: a supervisor holding a pidfd per
 * child pays O(children) per spawn. With CLONE_FILES the child starts in
 * the caller's table and its first step copies the fds below the highest
 * one a later step reads (close_range's CLOSE_RANGE_UNSHARE); the caller is
 * frozen meanwhile, but not its other threads, so no step may open an fd
 * before that. Not in the copy mode (the child is a fork, its report pipe
 * high in the table) nor in place. */
void cx_fdplan_add_unshare(struct cx_plan *plan)
{
	if (!(plan->attr.flags & CX_ATTR_CLOSE_OTHER_FDS) || plan->mode == CX_MODE_COPY ||
	    plan->mode == CX_MODE_IN_PLACE || !cx_feature(CX_FEAT_CLOSE_RANGE))
		return;
	plan->files_op = plan->nops;
	cx_plan_child(plan, CX_STEP_UNSHARE_FILES)->unshare_files.below = 3;
}

/* The caller's fds the child's steps read. */
static int op_fd(const struct cx_op *op)
{
	switch (op->step) {
	case CX_STEP_DUP:
		return op->dup.from > op->dup.to ? op->dup.from : op->dup.to;
	case CX_STEP_KEEP_FD:
	case CX_STEP_CLOSE_FD:
	case CX_STEP_NOCTTY:
	case CX_STEP_SETCTTY:
	case CX_STEP_LANDLOCK:
		return op->fd.fd;
	case CX_STEP_FOREGROUND:
		return op->foreground.fd;
	case CX_STEP_SETNS:
		return op->setns.fd;
	default:
		return -1;
	}
}

void cx_fdplan_finish_unshare(struct cx_plan *plan)
{
	struct cx_op *un;

	if (plan->files_op < 0)
		return;
	un = &plan->ops[plan->files_op];
	for (int i = plan->files_op + 1; i < plan->nops; i++) {
		int fd = op_fd(&plan->ops[i]);

		if (fd >= un->unshare_files.below)
			un->unshare_files.below = fd + 1;
	}
}

void cx_describe_unshare_files(struct cx_buf *b, const struct cx_plan *plan,
			       const struct cx_op *op, int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "a copy of fds 0-%d only", op->unshare_files.below - 1);
}

void cx_describe_dup(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		     int verbose)
{
	(void)plan;
	(void)verbose;
	if (op->dup.to < 0)
		cx_put(b, "%d to the lowest free fd from %d", op->dup.from, op->dup.above);
	else if (op->dup.parked)
		cx_put(b, "%d (parked) to %d", op->dup.from, op->dup.to);
	else
		cx_put(b, "%d to %d", op->dup.from, op->dup.to);
}

void cx_describe_close_others(struct cx_buf *b, const struct cx_plan *plan,
			      const struct cx_op *op, int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "%d and up", op->close_others.from);
}
