/* SPDX-License-Identifier: MIT */
/*
 * Compile the attributes into a flat list of ops, in the order the child
 * runs them. Everything the child needs (map text, rlimit values, the fd
 * plan) is made here, so the child never allocates or formats.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

static struct cx_op *add_child(struct cx_plan *plan, int step)
{
	return cx_plan_add(plan, step, CX_CHILD);
}

static int map_text(char *buf, size_t len, const struct cx_id_map *map, unsigned int n)
{
	size_t used = 0;

	for (unsigned int i = 0; i < n; i++) {
		int w = snprintf(buf + used, len - used, "%u %u %u\n", map[i].inside,
				 map[i].outside, map[i].count);

		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return (int)used;
}

static int prepare_maps(struct cx_plan *plan, struct cx_error *err)
{
	const struct cx_attr *a = &plan->attr;
	/* The kernel takes a map only in a single write shorter than a page. */
	size_t max = (size_t)sysconf(_SC_PAGESIZE);

	if (max > CX_MAP_TEXT_MAX)
		max = CX_MAP_TEXT_MAX;
	plan->uid_map_len = map_text(plan->uid_map_text, max, a->uid_map, a->nuid_map);
	if (plan->uid_map_len < 0) {
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "uid_map: text longer than a page");
		return -EINVAL;
	}
	plan->gid_map_len = map_text(plan->gid_map_text, max, a->gid_map, a->ngid_map);
	if (plan->gid_map_len < 0) {
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "gid_map: text longer than a page");
		return -EINVAL;
	}
	return 0;
}

/* The id map writes, by the parent (/proc/PID/...) or by the child
 * (/proc/self/...). setgroups must be settled before gid_map. */
static void add_map_ops(struct cx_plan *plan, int who)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (a->nuid_map) {
		op = cx_plan_add(plan, CX_STEP_WRITE_UID_MAP, who);
		op->p = "/proc/self/uid_map";
		op->q = plan->uid_map_text;
		op->a = plan->uid_map_len;
	}
	if (a->ngid_map) {
		op = cx_plan_add(plan, CX_STEP_WRITE_SETGROUPS, who);
		op->p = "/proc/self/setgroups";
		op->q = (a->flags & CX_ATTR_SETGROUPS_ALLOW) ? "allow" : "deny";
		op->a = (int)strlen(op->q);
		op = cx_plan_add(plan, CX_STEP_WRITE_GID_MAP, who);
		op->p = "/proc/self/gid_map";
		op->q = plan->gid_map_text;
		op->a = plan->gid_map_len;
	}
}

/* Setrlimit ops, before the credential change: raising a hard limit needs
 * CAP_SYS_RESOURCE, which the change may drop. RLIMIT_NOFILE is special:
 * the fd plan after it needs room, so it is set in full only after the fd
 * plan (lowering needs no privilege); before, only a raised hard limit is
 * applied, with the soft limit raised to it. */
static void add_rlimit_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	for (unsigned int i = 0; i < a->nrlimits; i++) {
		const struct cx_rlimit *r = &a->rlimits[i];
		struct cx_op *op;
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
		op = add_child(plan, CX_STEP_SETRLIMIT);
		op->a = r->resource;
		op->p = &plan->rlim[i];
	}
}

static void add_credential_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;
	int deny = a->ngid_map && !(a->flags & CX_ATTR_SETGROUPS_ALLOW);

	if (!(a->flags & CX_ATTR_CREDENTIAL))
		return;
	/* In a user namespace with setgroups denied, setgroups would fail:
	 * skip it unless groups were asked for explicitly. */
	if (!(a->flags & CX_ATTR_NO_SETGROUPS) && !(deny && a->ngroups == 0)) {
		op = add_child(plan, CX_STEP_SETGROUPS);
		op->a = (int)a->ngroups;
		op->p = a->groups;
	}
	op = add_child(plan, CX_STEP_SETGID);
	op->a = (int)a->gid;
	op = add_child(plan, CX_STEP_SETUID);
	op->a = (int)a->uid;
}

static void add_caps_ops(struct cx_plan *plan)
{
	uint64_t caps = plan->attr.ambient_caps;
	struct cx_op *op;

	if (!caps)
		return;
	op = add_child(plan, CX_STEP_CAPSET);
	op->p = &plan->attr.ambient_caps;
	for (int cap = 0; cap < 64; cap++) {
		if (caps & (1ULL << cap)) {
			op = add_child(plan, CX_STEP_AMBIENT);
			op->a = cap;
		}
	}
}

static void add_terminal_ops(struct cx_plan *plan, int after_fds)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (!after_fds) {
		if (a->flags & CX_ATTR_SETSID)
			add_child(plan, CX_STEP_SETSID);
		if (a->flags & (CX_ATTR_SETPGID | CX_ATTR_FOREGROUND)) {
			op = add_child(plan, CX_STEP_SETPGID);
			op->a = a->pgid;
		}
		if (a->flags & CX_ATTR_FOREGROUND) {
			op = add_child(plan, CX_STEP_FOREGROUND);
			op->a = plan->ctty_parent_fd;
			op->b = a->pgid;
		}
		return;
	}
	if (a->flags & CX_ATTR_NOCTTY) {
		op = add_child(plan, CX_STEP_NOCTTY);
		op->a = a->ctty_fd;
	}
	if (a->flags & CX_ATTR_SETCTTY) {
		op = add_child(plan, CX_STEP_SETCTTY);
		op->a = a->ctty_fd;
	}
}

static void add_clone_op(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	int step = plan->clone3_only || !cx_clone3_known_missing() ? CX_STEP_CLONE3 : CX_STEP_CLONE;
	struct cx_op *op;

	if (a->pdeathsig)
		cx_plan_add(plan, CX_STEP_OPEN_PARENT_PIDFD, CX_PARENT);
	plan->clone_op = plan->nops;
	op = cx_plan_add(plan, step, CX_PARENT);
	op->c = (long)plan->clone_flags;
	op->a = (a->flags & CX_ATTR_CGROUP) ? a->cgroup_fd : -1;
	if (plan->parent_maps) {
		add_map_ops(plan, CX_PARENT);
		add_child(plan, CX_STEP_WAIT_MAPS);
	} else if (plan->child_maps) {
		add_map_ops(plan, CX_CHILD);
	}
}

static void add_namespace_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (a->unshareflags) {
		op = add_child(plan, CX_STEP_UNSHARE);
		op->c = (long)a->unshareflags;
		if ((a->unshareflags & CX_NEWUSER) && !plan->parent_maps)
			add_map_ops(plan, CX_CHILD);
	}
	if (((a->cloneflags | a->unshareflags) & CX_NEWNS) &&
	    !(a->flags & CX_ATTR_KEEP_PROPAGATION))
		add_child(plan, CX_STEP_MOUNT_PRIVATE);
}

static int sig_kills_by_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return 0;
	default:
		return 1;
	}
}

static void add_misc_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (a->dir) {
		op = add_child(plan, CX_STEP_CHDIR);
		op->p = a->dir;
	}
	if (a->pdeathsig) {
		op = add_child(plan, CX_STEP_PDEATHSIG);
		op->a = a->pdeathsig;
		/* Without a pidfd, getppid() tells, except in a new PID namespace
		 * where it is always 0. */
		op->b = !(a->cloneflags & CX_NEWPID);
		op->c = sig_kills_by_default(a->pdeathsig);
	}
	if (a->flags & CX_ATTR_NO_NEW_PRIVS)
		add_child(plan, CX_STEP_NO_NEW_PRIVS);
	if (a->flags & CX_ATTR_UMASK) {
		op = add_child(plan, CX_STEP_UMASK);
		op->a = (int)a->umask;
	}
}

static void add_ops(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	add_clone_op(plan);
	add_child(plan, CX_STEP_RESET_SIGNALS);
	/* Without KEEPCAPS, setuid away from root empties the permitted set
	 * and the ambient caps could not be raised from it. */
	if (a->ambient_caps && (a->flags & CX_ATTR_CREDENTIAL))
		add_child(plan, CX_STEP_KEEPCAPS);
	add_terminal_ops(plan, 0);
	/* After TIOCSPGRP: a background child would get SIGTTOU for it. */
	add_child(plan, CX_STEP_SIGMASK);
	add_namespace_ops(plan);
	if (a->chroot) {
		op = add_child(plan, CX_STEP_CHROOT);
		op->p = a->chroot;
	}
	add_rlimit_ops(plan);
	add_credential_ops(plan);
	add_caps_ops(plan);
	add_misc_ops(plan);
	cx_fdplan_compile(plan, plan->fd_scratch);
	add_terminal_ops(plan, 1);
	if (plan->nofile_final) {
		op = add_child(plan, CX_STEP_SETRLIMIT);
		op->a = RLIMIT_NOFILE;
		op->p = &plan->rlim[a->nrlimits];
	}
	if (a->flags & CX_ATTR_PTRACE)
		add_child(plan, CX_STEP_PTRACE);
	op = add_child(plan, CX_STEP_EXECVE);
	op->p = plan->path;
	op->q = plan->argv;
}

/* Worst case op count: fixed steps, maps, rlimits, caps and the fd plan. */
static int max_ops(const struct cx_attr *a)
{
	return 40 + 2 * (int)a->nrlimits + 64 + cx_fdplan_count(a);
}

static int choose_mode(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	plan->clone_flags = a->cloneflags;
	plan->parent_maps = 0;
	plan->child_maps = 0;
	plan->clone3_only = (a->flags & CX_ATTR_CGROUP) || (a->cloneflags & CX_NEWTIME);
	/* Maps for a user namespace made by clone: the child writes them
	 * itself when the kernel lets it (its own ids, as `unshare -r` maps),
	 * which keeps CLONE_VFORK; anything more needs CAP_SETUID in the
	 * parent namespace, so the parent writes them while the child waits. */
	if ((a->cloneflags & CX_NEWUSER) && (a->nuid_map || a->ngid_map)) {
		plan->child_maps = cx_maps_self_writable(a) == 0;
		plan->parent_maps = !plan->child_maps;
	}
	if (cx_on_valgrind())
		plan->mode = CX_MODE_COPY;
	else if (plan->parent_maps)
		plan->mode = CX_MODE_VM_WAIT;
	else
		plan->mode = CX_MODE_VFORK;
	return 0;
}

int cx_plan_compile(struct cx_plan *plan, const char *path, int search, char *const argv[],
		    char *const envp[], const struct cx_attr *attr, struct cx_error *err)
{
	extern char **environ;
	struct cx_attr *a = &plan->attr;
	size_t extra = 0, nfd;
	int nops, r;

	plan->heap = NULL;
	plan->ops = plan->ops_inline;
	plan->nops = 0;
	plan->nofile_final = 0;
	plan->parent_pidfd = -1;
	plan->report_fd = -1;
	plan->go_fd = -1;
	plan->parent_ends[0] = plan->parent_ends[1] = -1;
	plan->go = 0;
	plan->child_tid = 0;
	plan->report.index = -1;
	plan->report.error = 0;
	r = cx_check(path, argv, attr, a, err);
	if (r < 0)
		return r;
	plan->path = path;
	if (search && !strchr(path, '/')) {
		r = cx_lookup(path, a, plan->path_buf, sizeof(plan->path_buf), err);
		if (r < 0)
			return r;
		plan->path = plan->path_buf;
	}
	memcpy(&plan->child_sigdefault, &a->sigdefault, sizeof(plan->child_sigdefault));
	if (!(a->flags & CX_ATTR_SIGDEFAULT))
		plan->child_sigdefault = 0;
	if (a->flags & CX_ATTR_SIGMASK)
		memcpy(&plan->child_sigmask, &a->sigmask, sizeof(plan->child_sigmask));
	plan->argv = argv;
	plan->envp = envp ? envp : environ;
	choose_mode(plan);
	r = prepare_maps(plan, err);
	if (r < 0)
		return r;
	/* cx_check vouched for ctty_fd only when a terminal flag uses it. */
	plan->ctty_parent_fd = -1;
	if (a->flags & CX_ATTR_FOREGROUND)
		plan->ctty_parent_fd = a->files ? a->files[a->ctty_fd] : a->ctty_fd;

	/* One allocation for the ops that do not fit inline, the rlimit
	 * values and the fd plan's scratch copy. */
	nops = max_ops(a);
	nfd = (size_t)a->nfiles + 3;
	if (nops > CX_OPS_INLINE)
		extra += (size_t)nops * sizeof(struct cx_op);
	extra += (a->nrlimits + 1) * sizeof(struct cx_rlimit64) + nfd * sizeof(int);
	plan->heap = malloc(extra);
	if (!plan->heap) {
		cx_error_set(err, CX_STEP_PREPARE, ENOMEM, 0, "plan");
		return -ENOMEM;
	}
	if (nops > CX_OPS_INLINE) {
		plan->ops = plan->heap;
		plan->rlim = (struct cx_rlimit64 *)(plan->ops + nops);
	} else {
		plan->rlim = plan->heap;
	}
	plan->fd_scratch = (int *)(plan->rlim + a->nrlimits + 1);
	plan->cap_ops = nops;
	add_ops(plan);
	return 0;
}

void cx_plan_release(struct cx_plan *plan)
{
	free(plan->heap);
	plan->heap = NULL;
}
