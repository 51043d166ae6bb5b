/* SPDX-License-Identifier: MIT */
/*
 * Resource limits (prlimit semantics). Set before the credential change:
 * raising a hard limit needs CAP_SYS_RESOURCE, which the change may drop.
 * RLIMIT_NOFILE is special: the fd plan after it needs room, so it is set
 * in full only after the fd plan (lowering needs no privilege); before,
 * only a raised hard limit is applied, with the soft limit raised to it.
 * An fd plan that reaches above the soft limit in effect (the caller's, or
 * one asked for) gets the soft limit raised to the hard one just before it
 * (no privilege needed), and the pair asked for, or the caller's, after.
 */
#include <errno.h>
#include <sys/resource.h>

#include "internal.h"

/* prlimit(1)'s names. */
static const char *const rlimit_names[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = "cpu",         [RLIMIT_FSIZE] = "fsize",     [RLIMIT_DATA] = "data",
	[RLIMIT_STACK] = "stack",     [RLIMIT_CORE] = "core",       [RLIMIT_RSS] = "rss",
	[RLIMIT_NPROC] = "nproc",     [RLIMIT_NOFILE] = "nofile",   [RLIMIT_MEMLOCK] = "memlock",
	[RLIMIT_AS] = "as",           [RLIMIT_LOCKS] = "locks",     [RLIMIT_SIGPENDING] = "sigpending",
	[RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",     [RLIMIT_RTPRIO] = "rtprio",
	[RLIMIT_RTTIME] = "rttime",
};

const char *cx_rlimit_name(int resource)
{
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return NULL;
	return rlimit_names[resource];
}

int cx_check_rlimits(const struct cx_attr *a, struct cx_error *err)
{
	if (a->nrlimits && !a->rlimits)
		return cx_check_fail(err, EINVAL, "rlimits: NULL with a non-zero count");
	for (unsigned int i = 0; i < a->nrlimits; i++) {
		const struct cx_rlimit *r = &a->rlimits[i];

		if (r->resource < 0 || r->resource >= RLIM_NLIMITS)
			return cx_check_fail(err, EINVAL, "rlimits[%u]: unknown resource %d", i,
					     r->resource);
		if (r->soft > r->hard)
			return cx_check_fail(err, EINVAL, "rlimits[%u]: soft limit above hard limit",
					     i);
		for (unsigned int j = 0; j < i; j++)
			if (a->rlimits[j].resource == r->resource)
				return cx_check_fail(err, EINVAL,
						     "rlimits[%u]: resource %d given twice", i,
						     r->resource);
	}
	return 0;
}

int cx_limits_count(const struct cx_attr *a)
{
	return (int)a->nrlimits + 2;
}

/* The values the ops point at: one per limit, the final NOFILE, and the
 * room for the fd plan. */
size_t cx_limits_storage(const struct cx_attr *a)
{
	return (a->nrlimits + 2) * sizeof(struct cx_rlimit64);
}

static void add_op(struct cx_plan *plan, int resource, const struct cx_rlimit64 *value)
{
	struct cx_op *op = cx_plan_child(plan, CX_STEP_SETRLIMIT);

	op->rlimit.resource = resource;
	op->rlimit.value = value;
}

void cx_limits_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	for (unsigned int i = 0; i < a->nrlimits; i++) {
		const struct cx_rlimit *r = &a->rlimits[i];
		struct rlimit now;

		plan->rlim[i].cur = r->soft;
		plan->rlim[i].max = r->hard;
		if (r->resource == RLIMIT_NOFILE) {
			plan->rlim[a->nrlimits] = plan->rlim[i];
			plan->nofile_final = 1;
			if (getrlimit(RLIMIT_NOFILE, &now) == 0 && r->hard <= (uint64_t)now.rlim_max)
				continue;
			plan->rlim[i].cur = r->hard;
		}
		add_op(plan, r->resource, &plan->rlim[i]);
	}
}

/* Before the fd plan, whose highest fd is below `need`: room for it. */
void cx_limits_add_fd_room(struct cx_plan *plan, uint64_t need)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_rlimit64 *room = &plan->rlim[a->nrlimits + 1];
	struct rlimit now;
	uint64_t soft, hard;

	if (getrlimit(RLIMIT_NOFILE, &now) < 0)
		return;
	soft = now.rlim_cur;
	hard = now.rlim_max;
	for (unsigned int i = 0; i < a->nrlimits; i++) {
		/* The early op (a raised hard limit) is in effect by now. */
		if (a->rlimits[i].resource == RLIMIT_NOFILE && a->rlimits[i].hard > hard)
			soft = hard = a->rlimits[i].hard;
	}
	if (need <= soft || soft >= hard)
		return;
	room->cur = room->max = hard;
	add_op(plan, RLIMIT_NOFILE, room);
	if (!plan->nofile_final) {
		plan->rlim[a->nrlimits].cur = soft;
		plan->rlim[a->nrlimits].max = hard;
		plan->nofile_final = 1;
	}
}

/* After the fd plan: RLIMIT_NOFILE as asked (or as it was). */
void cx_limits_add_final(struct cx_plan *plan)
{
	if (plan->nofile_final)
		add_op(plan, RLIMIT_NOFILE, &plan->rlim[plan->attr.nrlimits]);
}

static void put_value(struct cx_buf *b, uint64_t v)
{
	if (v == CX_RLIM_INFINITY)
		cx_put(b, "unlimited");
	else
		cx_put(b, "%llu", (unsigned long long)v);
}

void cx_describe_rlimit(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "%s ", rlimit_names[op->rlimit.resource]);
	put_value(b, op->rlimit.value->cur);
	cx_put(b, ":");
	put_value(b, op->rlimit.value->max);
}
