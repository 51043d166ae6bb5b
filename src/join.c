/* SPDX-License-Identifier: MIT */
/*
 * Joining namespaces that exist (nsenter), and the offsets of a new time
 * namespace (issue 10).
 *
 * Joined first, created after: the joins run right after the clone (which
 * must therefore make none of the joined types), before the session steps
 * and the unshare. A pidfd joins all its types in one atomic
 * setns(pidfd, types), where the kernel settles the order itself. Namespace
 * fds are joined one by one, the user namespace first when the caller is
 * unprivileged (its other joins need the capabilities it gets there) and
 * last when it holds CAP_SYS_ADMIN (entering it first would drop the
 * privilege the others need): the outcome of nsenter's two passes, decided
 * here so that --explain shows it.
 *
 * A joined PID namespace applies to children only: the child then makes
 * the program with clone(CLONE_PARENT|CLONE_VM|CLONE_VFORK), so that it is
 * the caller's child, the handle refers to it, and no memory is copied;
 * every later step runs in the program.
 *
 * A joined mount namespace changes the root and the cwd to that
 * namespace's (as nsenter without --root/--wd keeps neither): dir and
 * chroot are resolved in the joined tree.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

#define CX_NS_GET_NSTYPE _IO(0xb7, 0x3)
#define CX_CAP_SYS_ADMIN 21

static int one_type(uint64_t t)
{
	return t && !(t & (t - 1)) && !(t & ~(uint64_t)CX_NAMESPACE_FLAGS);
}

static int fd_ns_type(int fd, uint64_t *ret)
{
	int t = ioctl(fd, CX_NS_GET_NSTYPE);

	if (t < 0)
		return -errno;
	*ret = (uint64_t)(unsigned int)t;
	return 0;
}

static int check_fds(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t seen = 0;

	if (a->njoin_fds && !a->join_fds)
		return cx_check_fail(err, EINVAL, "join_fds: NULL with %u fds", a->njoin_fds);
	for (unsigned int i = 0; i < a->njoin_fds; i++) {
		const struct cx_ns_fd *j = &a->join_fds[i];
		uint64_t t = 0;

		if (j->type && !one_type(j->type))
			return cx_check_fail(err, EINVAL, "join_fds[%u]: type is not one namespace "
					     "flag", i);
		if (!cx_fd_is_open(j->fd))
			return cx_check_fail(err, EBADF, "join_fds[%u]: fd %d is not open", i, j->fd);
		if (fd_ns_type(j->fd, &t) < 0 || !one_type(t))
			return cx_check_fail(err, EINVAL, "join_fds[%u]: fd %d is not a namespace",
					     i, j->fd);
		if (j->type && j->type != t)
			return cx_check_fail(err, EINVAL, "join_fds[%u]: fd %d is another type of "
					     "namespace", i, j->fd);
		if ((a->flags & CX_ATTR_JOIN_PIDFD) && (a->join_ns & t))
			seen |= t;
		if ((seen & t) || (a->cloneflags & t))
			return cx_check_fail(err, EINVAL, "join_fds[%u]: that type is joined twice "
					     "(here or by join_pidfd) or also made by clone", i);
		seen |= t;
	}
	return 0;
}

static int check_time(const struct cx_attr *a, struct cx_error *err)
{
	const char *name = a->monotonic_offset ? "monotonic_offset" : "boottime_offset";

	if (!a->monotonic_offset && !a->boottime_offset)
		return 0;
	if (a->unshareflags & CX_NEWTIME)
		return 0;
	if (a->cloneflags & CX_NEWTIME)
		return cx_check_fail(err, EINVAL, "%s: a time namespace made by clone cannot take "
				     "offsets (its first process is already in it); make it with "
				     "unshareflags", name);
	return cx_check_fail(err, EINVAL, "%s: needs a new time namespace (unshareflags)", name);
}

int cx_check_join(const struct cx_attr *a, struct cx_error *err)
{
	int r;

	if (a->flags & CX_ATTR_JOIN_PIDFD) {
		if (!a->join_ns || (a->join_ns & ~(uint64_t)CX_NAMESPACE_FLAGS))
			return cx_check_fail(err, EINVAL, "join_ns: not namespace flags");
		if (!cx_fd_is_open(a->join_pidfd))
			return cx_check_fail(err, EBADF, "join_pidfd: fd %d is not open",
					     a->join_pidfd);
		if (a->join_ns & a->cloneflags)
			return cx_check_fail(err, EINVAL, "join_ns: a type also made by clone (which "
					     "runs before any join; make it with unshareflags)");
	} else if (a->join_ns) {
		return cx_check_fail(err, EINVAL, "join_ns without CX_ATTR_JOIN_PIDFD");
	}
	r = check_fds(a, err);
	return r ? r : check_time(a, err);
}

/* The ops of issue 10: setns per fd and for the pidfd, make the program,
 * time offsets, securebits, bounding set, capability sets, the ruleset,
 * landlock, seccomp. */
int cx_join_count(const struct cx_attr *a)
{
	return 10 + (int)a->njoin_fds;
}

static int caller_is_admin(void)
{
	struct cx_cap_header hdr = { CX_CAP_V3, 0 };
	struct cx_cap_data data[2];

	if (cx_sys2(SYS_capget, &hdr, data) < 0)
		return 0;
	return !!(data[0].effective & (1U << CX_CAP_SYS_ADMIN));
}

int cx_join_prepare(struct cx_plan *plan, struct cx_error *err)
{
	const struct cx_attr *a = &plan->attr;
	int n;

	plan->program_pid = 0;
	plan->time_len = 0;
	if (!a->monotonic_offset && !a->boottime_offset)
		return 0;
	n = snprintf(plan->time_text, sizeof(plan->time_text), "monotonic %lld 0\nboottime %lld 0\n",
		     (long long)a->monotonic_offset, (long long)a->boottime_offset);
	if (n < 0 || (size_t)n >= sizeof(plan->time_text)) {
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "monotonic_offset: too long");
		return -EINVAL;
	}
	plan->time_len = n;
	return 0;
}

int cx_join_takes_pid(const struct cx_attr *a)
{
	uint64_t t = 0;

	if ((a->flags & CX_ATTR_JOIN_PIDFD) && (a->join_ns & CX_NEWPID))
		return 1;
	for (unsigned int i = 0; i < a->njoin_fds; i++)
		if (fd_ns_type(a->join_fds[i].fd, &t) == 0 && t == CX_NEWPID)
			return 1;
	return 0;
}

static void add_fd(struct cx_plan *plan, const struct cx_ns_fd *j)
{
	struct cx_op *op = cx_plan_child(plan, CX_STEP_SETNS);
	uint64_t t = 0;

	fd_ns_type(j->fd, &t);
	op->setns.fd = j->fd;
	op->setns.ns = t;
}

/* Right after the clone and its id maps. */
void cx_join_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	int admin = a->njoin_fds ? caller_is_admin() : 0;
	struct cx_op *op;
	uint64_t t = 0;

	if (a->flags & CX_ATTR_JOIN_PIDFD) {
		op = cx_plan_child(plan, CX_STEP_SETNS);
		op->setns.fd = a->join_pidfd;
		op->setns.is_pidfd = 1;
		op->setns.ns = a->join_ns;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < a->njoin_fds; i++) {
			int user = fd_ns_type(a->join_fds[i].fd, &t) == 0 && t == CX_NEWUSER;

			/* Unprivileged: the user namespace in pass 0; else in pass 1. */
			if (user == (pass == (admin ? 1 : 0)))
				add_fd(plan, &a->join_fds[i]);
		}
	}
	if (cx_join_takes_pid(a))
		cx_plan_child(plan, CX_STEP_FORK_PROGRAM);
}

/* After the unshare: the new time namespace's offsets, before any process
 * is in it (the program enters it at execve). */
void cx_join_add_time(struct cx_plan *plan)
{
	struct cx_op *op;

	if (!plan->time_len)
		return;
	op = cx_plan_child(plan, CX_STEP_TIME_OFFSETS);
	op->write.path = "/proc/self/timens_offsets";
	op->write.text = plan->time_text;
	op->write.len = plan->time_len;
}

void cx_describe_setns(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		       int verbose)
{
	(void)plan;
	cx_put_namespaces(b, op->setns.ns);
	cx_put(b, " of %s %d", op->setns.is_pidfd ? "pidfd" : "fd", op->setns.fd);
	if (verbose && op->setns.is_pidfd)
		cx_put(b, ", in one call");
}

void cx_describe_fork_program(struct cx_buf *b, const struct cx_plan *plan,
			      const struct cx_op *op, int verbose)
{
	(void)plan;
	(void)op;
	if (verbose)
		cx_put(b, "in the joined PID namespace, CLONE_PARENT|CLONE_VM|CLONE_VFORK: the "
		       "steps below run in it");
}
