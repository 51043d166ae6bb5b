/* SPDX-License-Identifier: MIT */
/*
 * The fd plan as a model, without spawning: compile thousands of random
 * plans (permutations, collisions, closed entries, high sources), run the
 * ops on a simulated fd table and check that child fd i ends up as the
 * caller's fd files[i] and nothing else is left when close-others is on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#define TABLE 2048
#define CLOSED (-1)

static const int pool[] = { 0, 1, 2, 5, 9, 30, 100, 1000 };
/* Open in the caller but in no plan: inherited unless close-others. */
static const int bystanders[] = { 3, 4, 6, 7, 12 };

/* table[fd] = which original fd it is a copy of, or CLOSED. */
static int simulate(const struct cx_plan *plan, int *table)
{
	for (int i = 0; i < plan->nops; i++) {
		const struct cx_op *op = &plan->ops[i];
		int src;

		switch (op->step) {
		case CX_STEP_DUP:
			if (op->dup.to < 0) { /* F_DUPFD_CLOEXEC: the lowest free fd from above */
				int fd = op->dup.above;

				while (table[fd] != CLOSED)
					fd++;
				if (table[op->dup.from] == CLOSED)
					return -EBADF;
				table[fd] = table[op->dup.from];
				*op->dup.parked_at = fd;
				break;
			}
			src = op->dup.parked ? *op->dup.parked : op->dup.from;
			if (table[src] == CLOSED || src == op->dup.to)
				return -EBADF;
			table[op->dup.to] = table[src];
			break;
		case CX_STEP_KEEP_FD:
			if (table[op->fd.fd] == CLOSED)
				return -EBADF;
			break;
		case CX_STEP_CLOSE_FD:
			table[op->fd.fd] = CLOSED;
			break;
		case CX_STEP_CLOSE_OTHERS:
			for (int fd = op->close_others.from; fd < TABLE; fd++)
				table[fd] = CLOSED;
			break;
		default:
			break;
		}
	}
	return 0;
}

static int check_one(const int *files, int n, int close_others, char *why, size_t len)
{
	static int table[TABLE];
	char *argv[] = { "true", NULL };
	CX_ATTR(a, .files = files, .nfiles = (unsigned int)n,
		.flags = close_others ? CX_ATTR_CLOSE_OTHER_FDS : 0);
	struct cx_plan plan;
	struct cx_error err;
	int r, top = n > 3 ? n : 3, bad = 0;

	why[0] = '\0';
	r = cx_plan_compile(&plan, "/bin/true", 0, argv, NULL, &a, &err);
	if (r < 0)
		return snprintf(why, len, "compile: %d", r), 1;
	for (int fd = 0; fd < TABLE; fd++)
		table[fd] = CLOSED;
	for (size_t i = 0; i < CX_ARRAY_SIZE(pool); i++)
		table[pool[i]] = pool[i];
	for (size_t i = 0; i < CX_ARRAY_SIZE(bystanders); i++)
		table[bystanders[i]] = bystanders[i];
	r = simulate(&plan, table);
	cx_plan_release(&plan);
	if (r < 0)
		return snprintf(why, len, "an op read a closed fd"), 1;
	for (int i = 0; i < top && !bad; i++) {
		int want = i < n ? files[i] : CLOSED;

		if (table[i] != want)
			bad = snprintf(why, len, "child fd %d is %d, want %d", i, table[i], want);
	}
	for (int fd = top; fd < TABLE && close_others && !bad; fd++)
		if (table[fd] != CLOSED)
			bad = snprintf(why, len, "fd %d left open", fd);
	/* Parked copies are close-on-exec; what the child inherits beyond the
	 * targets must be untouched. */
	for (size_t i = 0; i < CX_ARRAY_SIZE(bystanders) && !close_others && !bad; i++) {
		int fd = bystanders[i];

		if (fd >= top && table[fd] != fd)
			bad = snprintf(why, len, "inherited fd %d was clobbered", fd);
	}
	return bad != 0;
}

int main(void)
{
	int files[12], failures = 0, runs = 0;
	char why[128] = "";

	/* The pool's high fds must exist: validation checks sources are open. */
	for (size_t i = 3; i < CX_ARRAY_SIZE(pool); i++)
		if (dup2(2, pool[i]) < 0)
			tap_bail("dup2 to %d: %m", pool[i]);
	for (size_t i = 0; i < CX_ARRAY_SIZE(bystanders); i++)
		if (dup2(2, bystanders[i]) < 0)
			tap_bail("dup2 to %d: %m", bystanders[i]);
	srandom(12345);
	for (int iter = 0; iter < 20000; iter++) {
		int n = (int)(random() % 12);

		for (int i = 0; i < n; i++)
			files[i] = random() % 5 == 0 ? -1 : pool[random() % CX_ARRAY_SIZE(pool)];
		runs++;
		if (check_one(files, n, (int)(random() & 1), why, sizeof(why)) && failures++ < 5) {
			diag("plan of %d: %s", n, why);
			for (int i = 0; i < n; i++)
				diag("  files[%d] = %d", i, files[i]);
		}
	}
	is_int(failures, 0, "%d random fd plans land exactly (permutations, collisions, closed, high)",
	       runs);

	/* The trap: parking at len(files) = 5 would clobber source 5 (Go's
	 * way); parking above the highest source could hit the fd limit. */
	int trap[] = { 2, 0, 1, 1, 5 };

	ok(!check_one(trap, 5, 1, why, sizeof(why)), "a source at the first free slot survives parking %s",
	   why);
	int cycle[] = { 1, 2, 0 };

	ok(!check_one(cycle, 3, 1, why, sizeof(why)), "a 3-cycle of 0,1,2");
	int empty[1];

	ok(!check_one(empty, 0, 0, why, sizeof(why)), "an empty plan closes 0, 1 and 2");
	return tap_done();
}
