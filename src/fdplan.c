/* SPDX-License-Identifier: MIT */
/*
 * The fd plan: make child fd i a copy of the caller's fd files[i] for every
 * i at once, whatever the permutation. Two passes, as dup2-based spawners
 * do, but the parking area starts above every fd the plan mentions (targets
 * and sources alike), so parking never clobbers a source still to be read.
 */
#include <fcntl.h>

#include "internal.h"

int cx_fdplan_count(const struct cx_attr *attr)
{
	/* park, place, the closes of 0-2, close-others */
	return 2 * (int)attr->nfiles + 3 + 1;
}

static void add_op(struct cx_plan *plan, int step, int a, int b, long flags)
{
	struct cx_op *op = &plan->ops[plan->nops++];

	*op = (struct cx_op){ .step = (uint8_t)step, .who = CX_CHILD, .a = a, .b = b, .c = flags };
}

void cx_fdplan_compile(struct cx_plan *plan, int *fd)
{
	const struct cx_attr *attr = &plan->attr;
	int n = (int)attr->nfiles, top = n > 3 ? n : 3;
	int park;

	if (!attr->files) {
		plan->fd_free = 3;
		if (attr->flags & CX_ATTR_CLOSE_OTHER_FDS)
			add_op(plan, CX_STEP_CLOSE_OTHERS, 3, 0, 0);
		return;
	}
	park = top;
	for (int i = 0; i < n; i++) {
		fd[i] = attr->files[i];
		if (fd[i] >= park)
			park = fd[i] + 1;
	}
	/* Pass 1: a source below its own target would be overwritten by an
	 * earlier target in pass 2 (fd[i] == j for some j < i): park it. */
	for (int i = 0; i < n; i++) {
		if (fd[i] >= 0 && fd[i] < i) {
			add_op(plan, CX_STEP_DUP, fd[i], park, O_CLOEXEC);
			fd[i] = park++;
		}
	}
	plan->fd_free = park;
	/* Pass 2: every target in order; a source equal to its target only
	 * loses close-on-exec (dup3 refuses oldfd == newfd). */
	for (int i = 0; i < top; i++) {
		if (i >= n || fd[i] < 0)
			add_op(plan, CX_STEP_CLOSE_FD, i, 0, 0);
		else if (fd[i] == i)
			add_op(plan, CX_STEP_KEEP_FD, i, 0, 0);
		else
			add_op(plan, CX_STEP_DUP, fd[i], i, 0);
	}
	if (attr->flags & CX_ATTR_CLOSE_OTHER_FDS)
		add_op(plan, CX_STEP_CLOSE_OTHERS, top, 0, 0);
}
