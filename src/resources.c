/* SPDX-License-Identifier: MIT */
/*
 * Nice value, scheduling policy, CPU affinity, I/O priority and OOM score
 * (issue 11). The child sets them on itself right after the signal mask,
 * before any unshare, chroot, rlimit or credential change:
 *  - raising a priority (a lower nice, FIFO/RR, the realtime I/O class, a
 *    lower oom_score_adj) needs CAP_SYS_NICE or CAP_SYS_RESOURCE in the
 *    initial user namespace, which the child has only before setuid drops
 *    it and before an unshared user namespace leaves it behind (a user
 *    namespace made by clone never had it: only lowering works there);
 *  - /proc/self/oom_score_adj must be opened before a chroot hides /proc;
 *  - an RLIMIT_NICE or RLIMIT_RTPRIO given with them is set after, so it
 *    limits the program, not this setup.
 * Nice comes before the policy: sched_setattr also sets the nice value of
 * the fair policies, so it is given the one already in place.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>

#include "internal.h"

#define NICE_MIN (-20)
#define NICE_MAX 19
#define RT_PRIO_MAX 99
#define IOPRIO_LEVELS 8
#define OOM_ADJ_MAX 1000

#define BITS_PER_WORD (8 * sizeof(unsigned long))

static int is_policy(int p)
{
	return p == CX_SCHED_OTHER || p == CX_SCHED_FIFO || p == CX_SCHED_RR ||
	       p == CX_SCHED_BATCH || p == CX_SCHED_IDLE;
}

static int check_sched(const struct cx_attr *a, struct cx_error *err)
{
	int rt = a->sched_policy == CX_SCHED_FIFO || a->sched_policy == CX_SCHED_RR;

	if ((a->flags & CX_ATTR_SCHED_RESET_ON_FORK) && !(a->flags & CX_ATTR_SCHED))
		return cx_check_fail(err, EINVAL, "sched_reset_on_fork without a policy");
	if (!(a->flags & CX_ATTR_SCHED))
		return 0;
	if (!is_policy(a->sched_policy))
		return cx_check_fail(err, EINVAL,
				     "sched_policy: %d is not other, batch, idle, fifo or rr",
				     a->sched_policy);
	if (rt && (a->sched_priority < 1 || a->sched_priority > RT_PRIO_MAX))
		return cx_check_fail(err, EINVAL, "sched_priority: %d is not in 1..%d",
				     a->sched_priority, RT_PRIO_MAX);
	if (!rt && a->sched_priority != 0)
		return cx_check_fail(err, EINVAL,
				     "sched_priority: must be 0 for other, batch and idle");
	return 0;
}

/* A set bit beyond the machine's possible CPUs is a mistake the kernel
 * would ignore silently. */
static int check_cpus(const struct cx_attr *a, struct cx_error *err)
{
	size_t words = a->cpus_size / sizeof(unsigned long);
	int any = 0, last;

	if (!(a->flags & CX_ATTR_CPUS))
		return 0;
	last = cx_cpu_last();
	if (!a->cpus || !a->cpus_size || a->cpus_size % sizeof(unsigned long))
		return cx_check_fail(err, EINVAL,
				     "cpus: NULL, empty or not a multiple of sizeof(long)");
	for (size_t w = 0; w < words; w++) {
		for (size_t bit = 0; a->cpus[w] && bit < BITS_PER_WORD; bit++) {
			size_t cpu = w * BITS_PER_WORD + bit;

			if (!(a->cpus[w] >> bit & 1))
				continue;
			if (cpu > (size_t)last)
				return cx_check_fail(err, EINVAL,
						     "cpus: CPU %zu is beyond this machine's (0-%d)",
						     cpu, last);
			any = 1;
		}
	}
	if (!any)
		return cx_check_fail(err, EINVAL, "cpus: no CPU in the set");
	return 0;
}

int cx_check_resources(const struct cx_attr *a, struct cx_error *err)
{
	int r;

	if ((a->flags & CX_ATTR_NICE) && (a->nice < NICE_MIN || a->nice > NICE_MAX))
		return cx_check_fail(err, EINVAL, "nice: %d is not in %d..%d", a->nice, NICE_MIN,
				     NICE_MAX);
	r = check_sched(a, err);
	if (r < 0)
		return r;
	r = check_cpus(a, err);
	if (r < 0)
		return r;
	if (a->flags & CX_ATTR_IOPRIO) {
		int c = a->ioprio_class;

		if (c < CX_IOPRIO_CLASS_NONE || c > CX_IOPRIO_CLASS_IDLE)
			return cx_check_fail(err, EINVAL,
					     "ioprio_class: %d is not none, realtime, best-effort or idle",
					     c);
		if (a->ioprio_level < 0 || a->ioprio_level >= IOPRIO_LEVELS)
			return cx_check_fail(err, EINVAL, "ioprio_level: %d is not in 0..7",
					     a->ioprio_level);
		if ((c == CX_IOPRIO_CLASS_NONE || c == CX_IOPRIO_CLASS_IDLE) && a->ioprio_level)
			return cx_check_fail(err, EINVAL,
					     "ioprio_level: the none and idle classes have no level");
	}
	if ((a->flags & CX_ATTR_OOM_SCORE_ADJ) &&
	    (a->oom_score_adj < -OOM_ADJ_MAX || a->oom_score_adj > OOM_ADJ_MAX))
		return cx_check_fail(err, EINVAL, "oom_score_adj: %d is not in -1000..1000",
				     a->oom_score_adj);
	return 0;
}

int cx_resources_count(const struct cx_attr *a)
{
	return __builtin_popcountll(a->flags & (CX_ATTR_NICE | CX_ATTR_SCHED | CX_ATTR_CPUS |
						CX_ATTR_IOPRIO | CX_ATTR_OOM_SCORE_ADJ));
}

void cx_resources_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (a->flags & CX_ATTR_NICE)
		cx_plan_child(plan, CX_STEP_NICE)->nice.nice = a->nice;
	if (a->flags & CX_ATTR_SCHED) {
		op = cx_plan_child(plan, CX_STEP_SCHED);
		op->sched.policy = a->sched_policy;
		op->sched.priority = a->sched_priority;
		/* The child inherits the spawning thread's nice value. */
		op->sched.nice = (a->flags & CX_ATTR_NICE)
					 ? a->nice
					 : 20 - (int)cx_sys2(SYS_getpriority, PRIO_PROCESS, 0);
		if (a->flags & CX_ATTR_SCHED_RESET_ON_FORK)
			op->sched.flags = CX_SCHED_FLAG_RESET_ON_FORK;
	}
	if (a->flags & CX_ATTR_CPUS) {
		op = cx_plan_child(plan, CX_STEP_CPUS);
		op->cpus.mask = a->cpus;
		op->cpus.size = a->cpus_size;
	}
	if (a->flags & CX_ATTR_IOPRIO)
		cx_plan_child(plan, CX_STEP_IOPRIO)->ioprio.value =
			a->ioprio_class << CX_IOPRIO_CLASS_SHIFT | a->ioprio_level;
	if (a->flags & CX_ATTR_OOM_SCORE_ADJ) {
		op = cx_plan_child(plan, CX_STEP_OOM_SCORE_ADJ);
		op->oom.value = a->oom_score_adj;
		op->oom.len = snprintf(op->oom.text, sizeof(op->oom.text), "%d", a->oom_score_adj);
	}
}

/* Explanations say why these come before setuid. */
#define BEFORE_SETUID "before setuid, unshare and chroot"

void cx_describe_nice(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	cx_put(b, "%d", op->nice.nice);
	if (verbose)
		cx_put(b, " (a raise needs CAP_SYS_NICE: " BEFORE_SETUID ")");
}

static const char *policy_name(int policy)
{
	switch (policy) {
	case CX_SCHED_FIFO:
		return "fifo";
	case CX_SCHED_RR:
		return "rr";
	case CX_SCHED_BATCH:
		return "batch";
	case CX_SCHED_IDLE:
		return "idle";
	default:
		return "other";
	}
}

void cx_describe_sched(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		       int verbose)
{
	(void)plan;
	cx_put(b, "%s", policy_name(op->sched.policy));
	if (op->sched.priority)
		cx_put(b, " priority %d", op->sched.priority);
	if (op->sched.flags & CX_SCHED_FLAG_RESET_ON_FORK)
		cx_put(b, " reset-on-fork");
	if (verbose)
		cx_put(b, " (nice %d kept; fifo and rr need CAP_SYS_NICE: " BEFORE_SETUID ")",
		       op->sched.nice);
}

/* taskset -c's list: "0,2-3". */
void cx_describe_cpus(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	size_t n = op->cpus.size * 8, start = 0;
	const char *sep = "";
	int in = 0;

	(void)plan;
	(void)verbose;
	for (size_t cpu = 0; cpu <= n; cpu++) {
		int set = cpu < n && (op->cpus.mask[cpu / BITS_PER_WORD] >> (cpu % BITS_PER_WORD) & 1);

		if (set && !in) {
			start = cpu;
			in = 1;
		} else if (!set && in) {
			if (cpu - 1 == start)
				cx_put(b, "%s%zu", sep, start);
			else
				cx_put(b, "%s%zu-%zu", sep, start, cpu - 1);
			sep = ",";
			in = 0;
		}
	}
}

void cx_describe_ioprio(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			int verbose)
{
	static const char *const classes[] = { "none", "realtime", "best-effort", "idle" };
	int c = op->ioprio.value >> CX_IOPRIO_CLASS_SHIFT;

	(void)plan;
	cx_put(b, "%s", classes[c & 3]);
	if (c == CX_IOPRIO_CLASS_RT || c == CX_IOPRIO_CLASS_BE)
		cx_put(b, " level %d", op->ioprio.value & ((1 << CX_IOPRIO_CLASS_SHIFT) - 1));
	if (verbose && c == CX_IOPRIO_CLASS_RT)
		cx_put(b, " (needs CAP_SYS_NICE: " BEFORE_SETUID ")");
}

void cx_describe_oom(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		     int verbose)
{
	(void)plan;
	cx_put(b, "%d", op->oom.value);
	if (verbose)
		cx_put(b, " (lowering needs CAP_SYS_RESOURCE, and /proc: " BEFORE_SETUID ")");
}
