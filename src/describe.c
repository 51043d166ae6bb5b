/* SPDX-License-Identifier: MIT */
/* Words for steps: stable names, error records, error lines, explanations. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "internal.h"

static const char *const step_names[CX_STEP_MAX_] = {
	[CX_STEP_NONE] = "none",
	[CX_STEP_CHECK] = "check attributes",
	[CX_STEP_PREPARE] = "prepare",
	[CX_STEP_LOOKUP] = "look up program",
	[CX_STEP_OPEN_PARENT_PIDFD] = "open parent pidfd",
	[CX_STEP_CLONE3] = "clone3",
	[CX_STEP_CLONE] = "clone",
	[CX_STEP_PIDFD_OPEN] = "pidfd_open",
	[CX_STEP_WRITE_UID_MAP] = "write uid_map",
	[CX_STEP_WRITE_SETGROUPS] = "write setgroups",
	[CX_STEP_WRITE_GID_MAP] = "write gid_map",
	[CX_STEP_WAIT_MAPS] = "wait for id maps",
	[CX_STEP_RESET_SIGNALS] = "reset signal handlers",
	[CX_STEP_KEEPCAPS] = "keep capabilities",
	[CX_STEP_SETSID] = "setsid",
	[CX_STEP_SETPGID] = "setpgid",
	[CX_STEP_FOREGROUND] = "set foreground group",
	[CX_STEP_SIGMASK] = "set signal mask",
	[CX_STEP_UNSHARE] = "unshare",
	[CX_STEP_MOUNT_PRIVATE] = "make mounts private",
	[CX_STEP_CHROOT] = "chroot",
	[CX_STEP_SETRLIMIT] = "setrlimit",
	[CX_STEP_SETGROUPS] = "setgroups",
	[CX_STEP_SETGID] = "setgid",
	[CX_STEP_SETUID] = "setuid",
	[CX_STEP_CAPSET] = "capset",
	[CX_STEP_AMBIENT] = "raise ambient capability",
	[CX_STEP_CHDIR] = "chdir",
	[CX_STEP_PDEATHSIG] = "set parent-death signal",
	[CX_STEP_NO_NEW_PRIVS] = "no_new_privs",
	[CX_STEP_UMASK] = "umask",
	[CX_STEP_DUP] = "dup fd",
	[CX_STEP_KEEP_FD] = "clear close-on-exec",
	[CX_STEP_CLOSE_FD] = "close fd",
	[CX_STEP_CLOSE_OTHERS] = "close other fds",
	[CX_STEP_NOCTTY] = "detach terminal",
	[CX_STEP_SETCTTY] = "set controlling terminal",
	[CX_STEP_PTRACE] = "ptrace traceme",
	[CX_STEP_EXECVE] = "execve",
};

/* prlimit(1)'s names. */
static const char *const rlimit_names[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = "cpu",         [RLIMIT_FSIZE] = "fsize",     [RLIMIT_DATA] = "data",
	[RLIMIT_STACK] = "stack",     [RLIMIT_CORE] = "core",       [RLIMIT_RSS] = "rss",
	[RLIMIT_NPROC] = "nproc",     [RLIMIT_NOFILE] = "nofile",   [RLIMIT_MEMLOCK] = "memlock",
	[RLIMIT_AS] = "as",           [RLIMIT_LOCKS] = "locks",     [RLIMIT_SIGPENDING] = "sigpending",
	[RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",     [RLIMIT_RTPRIO] = "rtprio",
	[RLIMIT_RTTIME] = "rttime",
};

static const struct {
	uint64_t flag;
	const char *name;
} ns_names[] = {
	{ CX_NEWUSER, "user" }, { CX_NEWPID, "pid" }, { CX_NEWNS, "mount" },
	{ CX_NEWNET, "net" },   { CX_NEWUTS, "uts" }, { CX_NEWIPC, "ipc" },
	{ CX_NEWCGROUP, "cgroup" }, { CX_NEWTIME, "time" },
};

const char *cx_step_name(int step)
{
	if (step < 0 || step >= CX_STEP_MAX_)
		return NULL;
	return step_names[step];
}

const char *cx_rlimit_name(int resource)
{
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return NULL;
	return rlimit_names[resource];
}

const char *cx_signal_name(int sig)
{
	static const char *const rt = "RT";
	const char *abbrev = sigabbrev_np(sig);

	return abbrev ? abbrev : rt;
}

void cx_error_vset(struct cx_error *err, int step, int error, int index, const char *fmt,
		   va_list ap)
{
	err->step = step;
	err->error = error;
	err->index = index;
	err->reserved = 0;
	vsnprintf(err->object, sizeof(err->object), fmt, ap);
}

void cx_error_set(struct cx_error *err, int step, int error, int index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cx_error_vset(err, step, error, index, fmt, ap);
	va_end(ap);
}

struct buf {
	char *s;
	size_t len, used;
};

__attribute__((format(printf, 2, 3))) static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->used >= b->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->s + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->used += (size_t)w < b->len - b->used ? (size_t)w : b->len - b->used - 1;
}

static void put_namespaces(struct buf *b, uint64_t flags)
{
	const char *sep = "";

	for (size_t i = 0; i < CX_ARRAY_SIZE(ns_names); i++) {
		if (flags & ns_names[i].flag) {
			put(b, "%s%s", sep, ns_names[i].name);
			sep = ",";
		}
	}
}

static void put_sigset(struct buf *b, uint64_t set)
{
	const char *sep = "";

	if (!set)
		put(b, "none");
	for (int sig = 1; sig <= 64; sig++) {
		if (set & (1ULL << (sig - 1))) {
			if (sigabbrev_np(sig))
				put(b, "%sSIG%s", sep, sigabbrev_np(sig));
			else
				put(b, "%s%d", sep, sig);
			sep = ",";
		}
	}
}

static void put_clone(struct buf *b, const struct cx_plan *plan, const struct cx_op *op, int verbose)
{
	if (op->c) {
		put(b, "new ");
		put_namespaces(b, (uint64_t)op->c);
		put(b, " namespaces");
	} else {
		put(b, "no new namespaces");
	}
	if (op->a >= 0)
		put(b, ", into cgroup fd %d", op->a);
	if (!verbose)
		return;
	switch (plan->mode) {
	case CX_MODE_VFORK:
		put(b, ", CLONE_VM|CLONE_VFORK on a borrowed stack");
		break;
	case CX_MODE_VM_WAIT:
		put(b, ", CLONE_VM, the child waits for its maps");
		break;
	case CX_MODE_COPY:
		put(b, ", copying the address space (valgrind)");
		break;
	}
	if (op->step == CX_STEP_CLONE3)
		put(b, ", CLONE_PIDFD|CLONE_CLEAR_SIGHAND%s",
		    op->a >= 0 ? "|CLONE_INTO_CGROUP" : "");
}

static void put_map(struct buf *b, const char *text)
{
	put(b, "\"");
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			put(b, p[1] ? ", " : "");
		else
			put(b, "%c", *p);
	}
	put(b, "\"");
}

static void put_rlimit_value(struct buf *b, uint64_t v)
{
	if (v == CX_RLIM_INFINITY)
		put(b, "unlimited");
	else
		put(b, "%llu", (unsigned long long)v);
}

static void put_list(struct buf *b, const gid_t *ids, int n)
{
	if (n == 0)
		put(b, "none");
	for (int i = 0; i < n; i++)
		put(b, "%s%u", i ? "," : "", (unsigned int)ids[i]);
}

/* The object of an op; verbose adds what only an explanation needs. */
static void describe_op(struct buf *b, const struct cx_plan *plan, const struct cx_op *op,
			int verbose)
{
	const struct cx_rlimit64 *rl;

	switch (op->step) {
	case CX_STEP_CLONE3:
	case CX_STEP_CLONE:
		put_clone(b, plan, op, verbose);
		break;
	case CX_STEP_WRITE_UID_MAP:
	case CX_STEP_WRITE_SETGROUPS:
	case CX_STEP_WRITE_GID_MAP:
		if (!verbose)
			break;
		put(b, "%s%s ", op->who == CX_PARENT ? "/proc/<child>/" : "/proc/self/",
		    strrchr(op->p, '/') + 1);
		put_map(b, op->q);
		break;
	case CX_STEP_SETPGID:
	case CX_STEP_FOREGROUND:
		if (op->step == CX_STEP_FOREGROUND)
			put(b, "fd %d, ", op->a);
		if (op->step == CX_STEP_SETPGID ? op->a : op->b)
			put(b, "group %d", op->step == CX_STEP_SETPGID ? op->a : op->b);
		else
			put(b, "own group");
		break;
	case CX_STEP_SIGMASK:
		if (plan->attr.flags & CX_ATTR_SIGMASK)
			put_sigset(b, plan->child_sigmask);
		else if (verbose)
			put(b, "to the caller's");
		break;
	case CX_STEP_RESET_SIGNALS:
		if (verbose)
			put(b, "of every handled signal%s", plan->child_sigdefault ? " and of " : "");
		if (plan->child_sigdefault)
			put_sigset(b, plan->child_sigdefault);
		break;
	case CX_STEP_UNSHARE:
		put_namespaces(b, (uint64_t)op->c);
		break;
	case CX_STEP_MOUNT_PRIVATE:
		put(b, "/");
		break;
	case CX_STEP_CHROOT:
	case CX_STEP_CHDIR:
	case CX_STEP_EXECVE:
		put(b, "%s", (const char *)op->p);
		break;
	case CX_STEP_SETRLIMIT:
		rl = op->p;
		put(b, "%s ", rlimit_names[op->a]);
		put_rlimit_value(b, rl->cur);
		put(b, ":");
		put_rlimit_value(b, rl->max);
		break;
	case CX_STEP_SETGROUPS:
		put_list(b, op->p, op->a);
		break;
	case CX_STEP_SETGID:
	case CX_STEP_SETUID:
		put(b, "%u", (unsigned int)op->a);
		break;
	case CX_STEP_CAPSET:
		put(b, "permitted and inheritable += 0x%llx",
		    (unsigned long long)*(const uint64_t *)op->p);
		break;
	case CX_STEP_AMBIENT:
		put(b, "%d", op->a);
		break;
	case CX_STEP_PDEATHSIG:
		put(b, "SIG%s", cx_signal_name(op->a));
		break;
	case CX_STEP_UMASK:
		put(b, "%04o", (unsigned int)op->a);
		break;
	case CX_STEP_DUP:
		if (op->b < 0)
			put(b, "%d to the lowest free fd from %ld", op->a, op->c);
		else if (op->p)
			put(b, "%d (parked) to %d", op->a, op->b);
		else
			put(b, "%d to %d", op->a, op->b);
		break;
	case CX_STEP_KEEP_FD:
	case CX_STEP_CLOSE_FD:
	case CX_STEP_NOCTTY:
	case CX_STEP_SETCTTY:
		put(b, "%d", op->a);
		break;
	case CX_STEP_CLOSE_OTHERS:
		put(b, "%d and up", op->a);
		break;
	default:
		break;
	}
}

void cx_op_object(const struct cx_plan *plan, const struct cx_op *op, char *s, size_t len)
{
	struct buf b = { s, len, 0 };

	s[0] = '\0';
	describe_op(&b, plan, op, 0);
}

void cx_error_from_op(struct cx_error *err, const struct cx_plan *plan, int index, int error)
{
	err->step = plan->ops[index].step;
	err->error = error;
	err->index = index + 1;
	err->reserved = 0;
	cx_op_object(plan, &plan->ops[index], err->object, sizeof(err->object));
}

int cx_error_format(const struct cx_error *err, char *s, size_t len)
{
	struct buf b = { s, len, 0 };
	const char *name;

	if (!err || !s || !len)
		return -EINVAL;
	s[0] = '\0';
	name = cx_step_name(err->step);
	if (err->step == CX_STEP_CHECK && err->object[0])
		put(&b, "%s", err->object);
	else if (err->object[0])
		put(&b, "%s %s", name ? name : "unknown step", err->object);
	else
		put(&b, "%s", name ? name : "unknown step");
	put(&b, ": %s", strerror(err->error));
	return 0;
}

int cx_describe_plan(const struct cx_plan *plan, cx_explain_fn fn, void *userdata)
{
	for (int i = 0; i < plan->nops; i++) {
		const struct cx_op *op = &plan->ops[i];
		char object[2 * CX_MAP_TEXT_MAX], text[2 * CX_MAP_TEXT_MAX + 64];
		struct buf b = { object, sizeof(object), 0 };
		int r;

		object[0] = '\0';
		describe_op(&b, plan, op, 1);
		snprintf(text, sizeof(text), "%s%s%s", step_names[op->step], object[0] ? " " : "",
			 object);
		r = fn(i + 1, op->step, op->who == CX_PARENT ? "parent" : "child", text, userdata);
		if (r)
			return r;
	}
	return 0;
}
