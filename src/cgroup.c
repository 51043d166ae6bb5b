/* SPDX-License-Identifier: MIT */
/*
 * A cgroup v2 of the child's own (issue 11). The caller names a parent
 * directory; at each spawn the parent process creates a uniquely named
 * cgroup in it, writes the limits, and the clone puts the child there
 * (CLONE_INTO_CGROUP), so the child and all it starts are in it from their
 * first instruction. The handle keeps the directory: to kill the whole tree
 * at once, to read what the cgroup counted, to remove it at release.
 *
 * Checked before anything starts: the parent is a cgroup v2 directory, each
 * limit file belongs to a controller enabled in the parent's
 * cgroup.subtree_control (else the file would not exist in the new cgroup),
 * and none is a core file that is not a limit (cgroup.procs, cgroup.kill).
 * A file name the controller does not have is known only once the cgroup
 * exists: its write fails, named, the cgroup is removed and nothing starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "internal.h"
#include "process.h"

#define CGROUP2_MAGIC 0x63677270
#define NAME_TRIES 16
/* How long release waits for a killed tree to be gone, and for one it did
 * not kill (a child just reaped may still be leaving). */
#define KILLED_WAIT_MS 5000
#define LEFT_WAIT_MS 200

static const char *const core_limits[] = { "cgroup.max.depth", "cgroup.max.descendants" };

/* Read a small file of dir into buf; "" when unreadable. */
static void read_small(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n = 0;
	int fd;

	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/* Is word (len bytes) one of the space-separated words of list? */
static int has_word(const char *list, const char *word, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " \n");

		if (n == len && !strncmp(p, word, len))
			return 1;
		p += n;
		p += strspn(p, " \n");
	}
	return 0;
}

static int check_limit(const struct cx_attr *a, unsigned int i, const char *enabled,
		       const char *available, struct cx_error *err)
{
	const struct cx_cgroup_limit *l = &a->cgroup_limits[i];
	const char *dot;
	size_t clen;

	if (!l->file || !*l->file || !l->value)
		return cx_check_fail(err, EINVAL, "cgroup_limits[%u]: file or value missing", i);
	dot = strchr(l->file, '.');
	if (strchr(l->file, '/') || !dot || dot == l->file)
		return cx_check_fail(err, EINVAL,
				     "cgroup_limits[%u]: '%s' is not a controller file name", i,
				     l->file);
	clen = (size_t)(dot - l->file);
	if (clen == 6 && !strncmp(l->file, "cgroup", 6)) {
		for (size_t k = 0; k < CX_ARRAY_SIZE(core_limits); k++)
			if (!strcmp(l->file, core_limits[k]))
				return 0;
		return cx_check_fail(err, EINVAL, "cgroup_limits[%u]: %s is not a limit", i,
				     l->file);
	}
	if (!has_word(available, l->file, clen))
		return cx_check_fail(err, EINVAL,
				     "cgroup_limits[%u]: %s: no controller '%.*s' in %s/cgroup.controllers",
				     i, l->file, (int)clen, l->file, a->cgroup_parent);
	if (!has_word(enabled, l->file, clen))
		return cx_check_fail(err, EOPNOTSUPP,
				     "cgroup_limits[%u]: %s: controller '%.*s' is not enabled in %s/cgroup.subtree_control",
				     i, l->file, (int)clen, l->file, a->cgroup_parent);
	return 0;
}

int cx_check_cgroup(const struct cx_attr *a, struct cx_error *err)
{
	char enabled[1024], available[1024];
	struct statfs sf;

	if (!a->cgroup_parent) {
		if (a->ncgroup_limits)
			return cx_check_fail(err, EINVAL, "cgroup_limits without cgroup_parent");
		return 0;
	}
	if (!*a->cgroup_parent)
		return cx_check_fail(err, EINVAL, "cgroup_parent is empty");
	if (a->flags & CX_ATTR_CGROUP)
		return cx_check_fail(err, EINVAL, "cgroup_parent: not with CX_ATTR_CGROUP");
	if (statfs(a->cgroup_parent, &sf) < 0)
		return cx_check_fail(err, errno, "cgroup_parent %s", a->cgroup_parent);
	if (sf.f_type != CGROUP2_MAGIC)
		return cx_check_fail(err, EINVAL, "cgroup_parent %s: not a cgroup v2 directory",
				     a->cgroup_parent);
	if (a->ncgroup_limits && !a->cgroup_limits)
		return cx_check_fail(err, EINVAL, "cgroup_limits: NULL with a non-zero count");
	read_small(a->cgroup_parent, "cgroup.subtree_control", enabled, sizeof(enabled));
	read_small(a->cgroup_parent, "cgroup.controllers", available, sizeof(available));
	for (unsigned int i = 0; i < a->ncgroup_limits; i++) {
		int r = check_limit(a, i, enabled, available, err);

		if (r < 0)
			return r;
	}
	return 0;
}

int cx_cgroup_count(const struct cx_attr *a)
{
	return a->cgroup_parent ? 1 + (int)a->ncgroup_limits : 0;
}

void cx_cgroup_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	if (!a->cgroup_parent)
		return;
	cx_plan_add(plan, CX_STEP_CGROUP_CREATE, CX_PARENT)->cgroup.parent = a->cgroup_parent;
	for (unsigned int i = 0; i < a->ncgroup_limits; i++) {
		struct cx_op *op = cx_plan_add(plan, CX_STEP_CGROUP_LIMIT, CX_PARENT);

		op->cgroup.file = a->cgroup_limits[i].file;
		op->cgroup.value = a->cgroup_limits[i].value;
	}
}

void cx_describe_cgroup(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			int verbose)
{
	(void)plan;
	if (op->step == CX_STEP_CGROUP_LIMIT) {
		cx_put(b, "%s=%s", op->cgroup.file, op->cgroup.value);
		return;
	}
	cx_put(b, "in %s", op->cgroup.parent);
	if (verbose)
		cx_put(b, " (a new directory; the clone starts the child in it)");
}

static int write_at(int dirfd, const char *file, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	n = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return (int)n;
}

static void cgroup_free(struct cx_cgroup *cg, int remove)
{
	if (cg->dirfd >= 0)
		close(cg->dirfd);
	if (remove)
		rmdir(cg->path);
	free(cg);
}

/* mkdir a name no one has: our pid and a counter, retried on a leftover. */
static struct cx_cgroup *make_dir(const char *parent, int *ret_error)
{
	static atomic_uint seq;
	size_t len = strlen(parent) + 64;
	struct cx_cgroup *cg = malloc(sizeof(*cg) + len);

	*ret_error = ENOMEM;
	if (!cg)
		return NULL;
	cg->dirfd = -1;
	cg->killed = 0;
	for (int i = 0; i < NAME_TRIES; i++) {
		snprintf(cg->path, len, "%s/clonexec-%d-%u", parent, (int)getpid(),
			 atomic_fetch_add(&seq, 1));
		if (mkdir(cg->path, 0755) == 0) {
			cg->dirfd = open(cg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (cg->dirfd >= 0)
				return cg;
			*ret_error = errno;
			cgroup_free(cg, 1);
			return NULL;
		}
		if (errno != EEXIST)
			break;
	}
	*ret_error = errno;
	free(cg);
	return NULL;
}

int cx_cgroup_setup(struct cx_plan *plan, struct cx_process *proc, struct cx_error *err)
{
	struct cx_cgroup *cg;
	int i, e;

	if (!plan->attr.cgroup_parent)
		return 0;
	for (i = 0; plan->ops[i].step != CX_STEP_CGROUP_CREATE; i++)
		;
	cg = make_dir(plan->attr.cgroup_parent, &e);
	if (!cg) {
		cx_error_from_op(err, plan, i, e);
		return -e;
	}
	for (i++; plan->ops[i].step == CX_STEP_CGROUP_LIMIT; i++) {
		e = -write_at(cg->dirfd, plan->ops[i].cgroup.file, plan->ops[i].cgroup.value);
		if (e) {
			cx_error_from_op(err, plan, i, e);
			cgroup_free(cg, 1);
			return -e;
		}
	}
	plan->attr.flags |= CX_ATTR_CGROUP;
	plan->attr.cgroup_fd = cg->dirfd;
	plan->ops[plan->clone_op].clone.cgroup_fd = cg->dirfd;
	proc->cgroup = cg;
	return 0;
}

void cx_cgroup_discard(struct cx_process *proc)
{
	if (proc->cgroup)
		cgroup_free(proc->cgroup, 1);
	proc->cgroup = NULL;
}

void cx_cgroup_status(struct cx_cgroup *cg, struct cx_status *st)
{
	cx_cgroup_events(cg->dirfd, st);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until cgroup.events says key is want; the kernel wakes pollers of
 * the file (POLLPRI) at each change. 0, or -ETIMEDOUT. */
static int wait_event(struct cx_cgroup *cg, const char *key, uint64_t want, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	int fd = openat(cg->dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	int r = -ETIMEDOUT;

	if (fd < 0)
		return -errno;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		uint64_t v;
		int64_t left;

		if (cx_flat_keyed_file(cg->dirfd, "cgroup.events", key, &v) == 0 && v == want) {
			r = 0;
			break;
		}
		left = deadline - now_ms();
		if (left <= 0)
			break;
		/* At most 50 ms: a change between the read and the poll would
		 * otherwise be missed. */
		poll(&pfd, 1, left < 50 ? (int)left : 50);
	}
	close(fd);
	return r;
}

void cx_cgroup_release(struct cx_cgroup *cg)
{
	int ms = cg->killed ? KILLED_WAIT_MS : LEFT_WAIT_MS;
	int64_t deadline = now_ms() + ms;
	struct timespec nap = { 0, 5000000 };

	wait_event(cg, "populated", 0, ms);
	close(cg->dirfd);
	cg->dirfd = -1;
	/* Empty, the kernel may still be letting the last task go. Still in
	 * use at the deadline: left in place (the caller knows its path). */
	while (rmdir(cg->path) < 0 && errno == EBUSY && now_ms() < deadline)
		nanosleep(&nap, NULL);
	cgroup_free(cg, 0);
}

const char *cx_process_cgroup(const struct cx_process *p)
{
	return p && p->cgroup ? p->cgroup->path : NULL;
}

/* Signal each pid of cgroup.procs (read in pieces: it may be long). */
static int signal_procs(struct cx_cgroup *cg, int sig)
{
	char buf[4096];
	size_t have = 0;
	ssize_t n;
	int fd = openat(cg->dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *p = buf, *nl;

		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(p, '\n'))) {
			pid_t pid = (pid_t)atoi(p);

			if (pid > 0)
				kill(pid, sig);
			p = nl + 1;
		}
		have = (size_t)(buf + have - p);
		memmove(buf, p, have);
	}
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* Frozen, no process of the cgroup can fork a new one we would miss. */
static int freeze_and_signal(struct cx_cgroup *cg, int sig)
{
	int frozen = write_at(cg->dirfd, "cgroup.freeze", "1") == 0;
	int r;

	if (frozen)
		wait_event(cg, "frozen", 1, 1000);
	r = signal_procs(cg, sig);
	if (frozen)
		write_at(cg->dirfd, "cgroup.freeze", "0");
	return r;
}

int cx_process_kill_tree(struct cx_process *p, int sig)
{
	struct cx_cgroup *cg;
	int r;

	if (!p || sig <= 0 || sig >= _NSIG)
		return -EINVAL;
	cg = p->cgroup;
	if (!cg)
		return -ENOMEDIUM;
	r = -ENOENT;
	if (sig == SIGKILL)
		r = write_at(cg->dirfd, "cgroup.kill", "1");
	if (r == -ENOENT) /* another signal, or before Linux 5.14 */
		r = freeze_and_signal(cg, sig);
	if (r == 0 && sig == SIGKILL)
		cg->killed = 1;
	return r;
}
