/* SPDX-License-Identifier: MIT */
/*
 * The spine: compile the attributes into a flat list of ops, in the order
 * the child runs them. Each concern appends its own ops (ns.c, cred.c,
 * limits.c, session.c, signals.c, fdplan.c); this file fixes the order and
 * owns the memory. Everything the child needs (map text, rlimit values, the
 * fd plan) is made here, so the child never allocates or formats.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct cx_op *cx_plan_add(struct cx_plan *plan, int step, int who)
{
	struct cx_op *op = &plan->ops[plan->nops++];

	/* cx_plan_compile sized the array for the worst case. */
	memset(op, 0, sizeof(*op));
	op->step = (uint8_t)step;
	op->who = (uint8_t)who;
	return op;
}

struct cx_op *cx_plan_child(struct cx_plan *plan, int step)
{
	return cx_plan_add(plan, step, CX_CHILD);
}

static void add_clone_op(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	int step = plan->clone3_only || cx_feature(CX_FEAT_CLONE3) ? CX_STEP_CLONE3 : CX_STEP_CLONE;
	struct cx_op *op;

	if (plan->mode == CX_MODE_IN_PLACE) {
		/* What the clone would have done, the caller does itself. */
		plan->clone_op = -1;
		if (a->flags & CX_ATTR_CGROUP)
			cx_plan_child(plan, CX_STEP_JOIN_CGROUP)->join_cgroup.fd = a->cgroup_fd;
		return;
	}
	/* In a new PID namespace getppid() is 0: only a pidfd can tell that
	 * the caller is gone. */
	if (a->pdeathsig && (a->cloneflags & CX_NEWPID))
		cx_plan_add(plan, CX_STEP_OPEN_PARENT_PIDFD, CX_PARENT);
	plan->clone_op = plan->nops;
	op = cx_plan_add(plan, step, CX_PARENT);
	op->clone.ns = plan->clone_flags;
	op->clone.cgroup_fd = (a->flags & CX_ATTR_CGROUP) ? a->cgroup_fd : -1;
	cx_ns_add_clone_parent(plan);
	/* The child's first step: it opens nothing in the caller's table. */
	cx_fdplan_add_unshare(plan);
	cx_ns_add_clone_child(plan);
}

/* After chroot: the directory and what only the process itself can set. */
static void add_misc_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	if (a->dir && !(a->flags & CX_ATTR_CHDIR_FIRST))
		cx_plan_child(plan, CX_STEP_CHDIR)->path.path = a->dir;
	cx_signals_add_pdeathsig(plan);
	if (a->flags & CX_ATTR_NO_NEW_PRIVS)
		cx_plan_child(plan, CX_STEP_NO_NEW_PRIVS);
	if (a->flags & CX_ATTR_UMASK)
		cx_plan_child(plan, CX_STEP_UMASK)->umask.mask = (unsigned int)a->umask;
}

static void add_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	cx_landlock_add_parent(plan);
	cx_cgroup_add(plan);
	add_clone_op(plan);
	cx_plan_child(plan, CX_STEP_RESET_SIGNALS);
	/* Joined first (entering a user namespace resets the securebits that
	 * keep capabilities), and before the session steps, which belong to
	 * the program when a PID namespace join makes it anew. */
	cx_join_add(plan);
	cx_cred_add_keepcaps(plan);
	/* Under the blocked mask: a background child would get SIGTTOU for
	 * TIOCSPGRP. */
	cx_session_add_early(plan);
	/* Before unshare, chroot and setuid: see resources.c. */
	cx_resources_add(plan);
	cx_ns_add_unshare(plan);
	cx_join_add_time(plan);
	cx_mount_add(plan);
	if (a->chroot)
		cx_plan_child(plan, CX_STEP_CHROOT)->path.path = a->chroot;
	/* CPython's order: a directory only the caller may enter. */
	if (a->dir && (a->flags & CX_ATTR_CHDIR_FIRST))
		cx_plan_child(plan, CX_STEP_CHDIR)->path.path = a->dir;
	cx_limits_add(plan);
	cx_caps_add_early(plan);
	cx_cred_add(plan);
	cx_caps_add_sets(plan);
	cx_cred_add_caps(plan);
	add_misc_ops(plan);
	cx_landlock_add(plan);
	/* Targets below nfiles, parked copies at most nfiles more above. */
	if (a->files)
		cx_limits_add_fd_room(plan, 2 * (uint64_t)(a->nfiles > 3 ? a->nfiles : 3));
	cx_fdplan_compile(plan, plan->fd_scratch);
	cx_session_add_late(plan);
	cx_limits_add_final(plan);
	cx_mount_add_init(plan);
	if (a->flags & CX_ATTR_PTRACE)
		cx_plan_child(plan, CX_STEP_PTRACE);
	/* Late, as glibc does: no signal is taken between two steps. */
	cx_plan_child(plan, CX_STEP_SIGMASK);
	/* Last: the filter need not allow what the steps before use. */
	cx_seccomp_add(plan);
	op = cx_plan_child(plan, CX_STEP_EXECVE);
	op->exec.path = plan->path;
	op->exec.argv = plan->argv;
	if (a->nprograms) {
		op->exec.list = a->programs;
		op->exec.nlist = a->nprograms;
	} else if (plan->ncandidates) {
		op->exec.list = (const char *const *)plan->candidates;
		op->exec.nlist = plan->ncandidates;
	}
	cx_fdplan_finish_unshare(plan);
}

/* Worst case op count: fixed steps and what each concern may add. */
static int max_ops(const struct cx_attr *a)
{
	return 32 + cx_limits_count(a) + cx_cred_count(a) + cx_fdplan_count(a) +
	       cx_join_count(a) + cx_resources_count(a) + cx_cgroup_count(a) + cx_mount_count(a);
}

static void choose_mode(struct cx_plan *plan, unsigned int how)
{
	const struct cx_attr *a = &plan->attr;

	plan->clone3_only = (a->flags & CX_ATTR_CGROUP) || a->cgroup_parent ||
			    (a->cloneflags & CX_NEWTIME);
	if (how & CX_PLAN_IN_PLACE)
		plan->mode = CX_MODE_IN_PLACE;
	/* The init outlives the exec: the parent cannot wait for its exec. */
	else if (!cx_feature(CX_FEAT_VM_SHARED) || (a->flags & CX_ATTR_INIT))
		plan->mode = CX_MODE_COPY;
	else if (plan->parent_maps)
		plan->mode = CX_MODE_VM_WAIT;
	else
		plan->mode = CX_MODE_VFORK;
}

static void plan_init(struct cx_plan *plan)
{
	plan->heap = NULL;
	plan->ops = plan->ops_inline;
	plan->nops = 0;
	plan->nofile_final = 0;
	plan->files_op = -1;
	plan->files_shared = 0;
	plan->parent_pidfd = -1;
	plan->report_fd = -1;
	plan->go_fd = -1;
	plan->pipes = plan->vm_check = plan->vm_retry = 0;
	plan->child_seen = 0;
	plan->parent_ends[0] = plan->parent_ends[1] = -1;
	plan->go = 0;
	plan->child_tid = 0;
	plan->report.index = -1;
	plan->report.error = 0;
	plan->landlock_fd = -1;
	plan->landlock_owned = 0;
	plan->program_pid = 0;
	plan->time_len = 0;
	plan->report.detail = -1;
	plan->candidates = NULL;
	plan->ncandidates = 0;
}

/* One allocation for the ops that do not fit inline, the rlimit values and
 * the fd plan's scratch copy. */
static int plan_alloc(struct cx_plan *plan, struct cx_error *err)
{
	const struct cx_attr *a = &plan->attr;
	int nops = max_ops(a);
	size_t ops = nops > CX_OPS_INLINE ? (size_t)nops * sizeof(struct cx_op) : 0;
	size_t lim = cx_limits_storage(a);
	size_t nfd = (size_t)a->nfiles + 3;
	size_t mnt = a->nmounts || (a->flags & CX_ATTR_NEW_ROOT) ? sizeof(struct cx_mnt_state) : 0;
	/* rounded up: the mount state after it holds ints */
	size_t fds = (nfd * sizeof(int) + 7) & ~(size_t)7;
	char *heap = malloc(ops + lim + fds + mnt + cx_mount_storage(a));

	if (!heap) {
		cx_error_set(err, CX_STEP_PREPARE, ENOMEM, 0, "plan");
		return -ENOMEM;
	}
	plan->heap = heap;
	if (ops)
		plan->ops = (struct cx_op *)heap;
	plan->rlim = (struct cx_rlimit64 *)(heap + ops);
	plan->fd_scratch = (int *)(heap + ops + lim);
	plan->mnt = (struct cx_mnt_state *)(heap + ops + lim + fds);
	plan->mnt_strings = (char *)plan->mnt + mnt;
	plan->cap_ops = nops;
	return 0;
}

static int compile(struct cx_plan *plan, const char *path, unsigned int how,
		   char *const argv[], char *const envp[], const struct cx_attr *attr,
		   struct cx_error *err);

int cx_plan_compile(struct cx_plan *plan, const char *path, unsigned int how,
		    char *const argv[], char *const envp[], const struct cx_attr *attr,
		    struct cx_error *err)
{
	int r = compile(plan, path, how, argv, envp, attr, err);

	if (r < 0)
		cx_plan_release(plan);
	return r;
}

static int compile(struct cx_plan *plan, const char *path, unsigned int how,
		   char *const argv[], char *const envp[], const struct cx_attr *attr,
		   struct cx_error *err)
{
	extern char **environ;
	struct cx_attr *a = &plan->attr;
	int r;

	plan_init(plan);
	r = cx_check(path, argv, attr, a, err);
	if (r == 0 && (how & CX_PLAN_IN_PLACE))
		r = cx_check_in_place(a, err);
	if (r < 0)
		return r;
	plan->path = path ? path : a->programs[0];
	if ((how & CX_PLAN_SEARCH) && !a->nprograms && !strchr(path, '/')) {
		if (a->chroot) {
			/* Only the child sees the new root as it will run. */
			r = cx_lookup_candidates(path, &plan->candidates, &plan->ncandidates, err);
		} else {
			r = cx_lookup(path, a, plan->path_buf, sizeof(plan->path_buf), err);
			plan->path = plan->path_buf;
		}
		if (r < 0)
			return r;
	}
	memcpy(&plan->child_sigdefault, &a->sigdefault, sizeof(plan->child_sigdefault));
	if (!(a->flags & CX_ATTR_SIGDEFAULT))
		plan->child_sigdefault = 0;
	if (a->flags & CX_ATTR_SIGMASK)
		memcpy(&plan->child_sigmask, &a->sigmask, sizeof(plan->child_sigmask));
	plan->argv = argv;
	plan->envp = envp ? envp : environ;
	cx_mount_imply(plan);
	if (how & CX_PLAN_IN_PLACE) {
		/* No clone: every new namespace, implied ones included, comes
		 * from unshare. */
		a->unshareflags |= a->cloneflags;
		a->cloneflags = 0;
	}
	r = cx_ns_prepare(plan, err);
	if (r < 0)
		return r;
	choose_mode(plan, how);
	/* cx_check vouched for ctty_fd only when a terminal flag uses it. */
	plan->ctty_parent_fd = -1;
	if (a->flags & CX_ATTR_FOREGROUND)
		plan->ctty_parent_fd = a->files && a->files[a->ctty_fd] != CX_FD_KEEP ?
					       a->files[a->ctty_fd] : a->ctty_fd;
	r = cx_join_prepare(plan, err);
	if (r < 0)
		return r;
	r = plan_alloc(plan, err);
	if (r < 0)
		return r;
	/* Last: it opens what cx_plan_release closes. */
	r = cx_landlock_prepare(plan, err);
	if (r < 0)
		return r;
	add_ops(plan);
	return 0;
}

void cx_plan_release(struct cx_plan *plan)
{
	free(plan->heap);
	plan->heap = NULL;
	cx_landlock_release(plan);
	free(plan->candidates);
	plan->candidates = NULL;
}
