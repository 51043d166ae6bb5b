/* SPDX-License-Identifier: MIT */
/*
 * Exec in place (cx_exec): the plan a spawn would run, run by the caller
 * itself, ending in its own execve. What needs a new process is mapped to
 * what the kernel offers the caller (namespaces by unshare, the cgroup by
 * a cgroup.procs write) or refused before anything changes.
 */
#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "internal.h"

int cx_check_in_place(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t ns = a->cloneflags | a->unshareflags;

	if (ns & CX_NEWPID)
		return cx_check_fail(err, EINVAL, "cloneflags: a new PID namespace takes a new "
				     "process (the kernel puts only children in it)");
	if (cx_join_takes_pid(a))
		return cx_check_fail(err, EINVAL, "join_ns: joining a PID namespace takes a new "
				     "process (the kernel puts only children in it)");
	if (a->cloneflags & a->unshareflags & CX_NEWUSER)
		return cx_check_fail(err, EINVAL, "unshareflags: two new user namespaces need a "
				     "new process");
	if ((a->cloneflags & CX_NEWUSER) && (a->nuid_map || a->ngid_map)) {
		switch (cx_maps_self_writable(a)) {
		case CX_MAPS_NOT_OWN_UID:
			return cx_check_fail(err, EINVAL, "uid_map: in place, a new user namespace "
					     "can map only the caller's uid %u, once", geteuid());
		case CX_MAPS_NOT_OWN_GID:
			return cx_check_fail(err, EINVAL, "gid_map: in place, a new user namespace "
					     "can map only the caller's gid %u, once", getegid());
		case CX_MAPS_SETGROUPS_ALLOWED:
			return cx_check_fail(err, EINVAL, "gid_map: in place, a new user namespace "
					     "needs setgroups deny");
		}
	}
	/* The spawner removes that cgroup after the child's end; in place the
	 * spawner becomes the program and nobody is left to. */
	if (a->cgroup_parent)
		return cx_check_fail(err, EINVAL, "cgroup_parent: a cgroup of the program's own is removed "
				     "by its spawner after the end, and in place there is none; "
				     "place it in an existing cgroup instead");
	if (a->flags & CX_ATTR_REQUIRE_PIDFD)
		return cx_check_fail(err, EINVAL, "flags: no pidfd without a new process");
	return 0;
}

static int exec_in_place(const char *path, unsigned int how, char *const argv[],
			 char *const envp[], const struct cx_attr *attr, struct cx_error *ret_error)
{
	struct cx_error scratch, *err = ret_error ? ret_error : &scratch;
	uint64_t all = ~0ULL, saved;
	struct cx_plan plan;
	int r;

	r = cx_plan_compile(&plan, path, how | CX_PLAN_IN_PLACE, argv, envp, attr, err);
	if (r < 0)
		return r;
	/* Namespaces would come from the clone there is none of: the plan
	 * must make them all by unshare, or mounts land in the caller's. */
	if (plan.clone_flags) {
		cx_plan_release(&plan);
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "cloneflags: left for a clone in place");
		return -EINVAL;
	}
	/* As around a clone: no handler may run while the process changes
	 * under it; the program gets the caller's mask (or the one asked for)
	 * from the plan's last steps. */
	cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &all, &saved, CX_KSIGSET_SIZE);
	if (!(plan.attr.flags & CX_ATTR_SIGMASK))
		plan.child_sigmask = saved;
	plan.sighand_cleared = 0;
	plan.parent_pid = (int)getppid();
	cx_child_main(&plan);
	cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL, CX_KSIGSET_SIZE);
	r = -plan.report.error;
	cx_error_from_op(err, &plan, plan.report.index, plan.report.error);
	cx_userns_why(&plan, err);
	cx_plan_release(&plan);
	return r;
}

int cx_exec(const char *path, char *const argv[], char *const envp[], const struct cx_attr *attr,
	    struct cx_error *ret_error)
{
	return exec_in_place(path, 0, argv, envp, attr, ret_error);
}

int cx_execp(const char *file, char *const argv[], char *const envp[],
	     const struct cx_attr *attr, struct cx_error *ret_error)
{
	return exec_in_place(file, CX_PLAN_SEARCH, argv, envp, attr, ret_error);
}

void cx_describe_join_cgroup(struct cx_buf *b, const struct cx_plan *plan,
			     const struct cx_op *op, int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "fd %d", op->join_cgroup.fd);
}
