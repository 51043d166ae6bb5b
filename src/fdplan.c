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
#include <fcntl.h>

#include "internal.h"

int cx_fdplan_count(const struct cx_attr *attr)
{
	/* park, place, the closes of 0-2, close-others */
	return 2 * (int)attr->nfiles + 3 + 1;
}

static struct cx_op *add_op(struct cx_plan *plan, int step, int a, int b)
{
	struct cx_op *op = cx_plan_add(plan, step, CX_CHILD);

	op->a = a;
	op->b = b;
	return op;
}

void cx_fdplan_compile(struct cx_plan *plan, int *parked)
{
	const struct cx_attr *attr = &plan->attr;
	int n = (int)attr->nfiles, top = n > 3 ? n : 3;
	struct cx_op *op;

	plan->fd_free = 3;
	if (!attr->files) {
		if (attr->flags & CX_ATTR_CLOSE_OTHER_FDS)
			add_op(plan, CX_STEP_CLOSE_OTHERS, 3, 0);
		return;
	}
	plan->fd_free = top;
	/* Pass 1: a source below its own target (files[i] == j, j < i) would
	 * be overwritten at j before i reads it. */
	for (int i = 0; i < n; i++) {
		int fd = attr->files[i];

		if (fd >= 0 && fd < i) {
			op = add_op(plan, CX_STEP_DUP, fd, -1);
			op->c = top;
			op->q = &parked[i];
		}
	}
	/* Pass 2: every target in order; a source equal to its target only
	 * loses close-on-exec (dup3 refuses oldfd == newfd). */
	for (int i = 0; i < top; i++) {
		int fd = i < n ? attr->files[i] : -1;

		if (fd < 0) {
			add_op(plan, CX_STEP_CLOSE_FD, i, 0);
		} else if (fd == i) {
			add_op(plan, CX_STEP_KEEP_FD, i, 0);
		} else {
			op = add_op(plan, CX_STEP_DUP, fd, i);
			if (fd < i)
				op->p = &parked[i];
		}
	}
	if (attr->flags & CX_ATTR_CLOSE_OTHER_FDS)
		add_op(plan, CX_STEP_CLOSE_OTHERS, top, 0);
}
