/* SPDX-License-Identifier: MIT */
/* The fd plan in the child (see src/fdplan.c for why it is safe). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>

#include "child.h"

/* Park a source on a free fd, or place one on its target, reading a parked
 * source from where pass 1 noted it. */
long cx_run_dup(const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_op_dup *d = &op->dup;
	long fd;

	(void)plan;
	if (d->to < 0) {
		fd = cx_sys3(SYS_fcntl, d->from, F_DUPFD_CLOEXEC, d->above);
		if (fd >= 0)
			*d->parked_at = (int)fd;
		return fd;
	}
	fd = d->parked ? *d->parked : d->from;
	return cx_sys3(SYS_dup3, fd, d->to, 0);
}

long cx_run_keep_fd(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	return cx_sys3(SYS_fcntl, op->fd.fd, F_SETFD, 0);
}

long cx_run_close_fd(const struct cx_plan *plan, const struct cx_op *op)
{
	(void)plan;
	cx_sys1(SYS_close, op->fd.fd);
	return 0;
}

/* The kernel's struct linux_dirent64. */
struct cx_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Close every fd >= from but keep, as listed in /proc/self/fd; -errno if
 * it cannot be read. Closing while listing may skip entries (the listing
 * goes by fd number from the last offset): list again until a pass
 * closes nothing, as glibc's closefrom fallback does. */
static long close_listed(int from, int keep)
{
	char buf[1024] __attribute__((aligned(8)));
	long dfd = cx_sys4(SYS_openat, AT_FDCWD, "/proc/self/fd",
			   O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	int closed;

	if (dfd < 0)
		return dfd;
	do {
		long n;

		closed = 0;
		if (cx_sys3(SYS_lseek, dfd, 0, 0 /* SEEK_SET */) < 0)
			break;
		while ((n = cx_sys3(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
			for (long at = 0; at < n;) {
				const struct cx_dirent64 *d = (const void *)(buf + at);
				long fd = 0;
				const char *c = d->name;

				at += d->reclen;
				if (*c < '0' || *c > '9')
					continue;
				for (; *c >= '0' && *c <= '9'; c++)
					fd = fd * 10 + (*c - '0');
				if (fd >= from && fd != keep && fd != dfd) {
					cx_sys1(SYS_close, fd);
					closed = 1;
				}
			}
		}
	} while (closed);
	cx_sys1(SYS_close, dfd);
	return 0;
}

/* close_range refused (ENOSYS before Linux 5.9, EPERM or anything else from
 * a sandbox's seccomp): the fds /proc lists, or without /proc every number
 * up to the higher of the two NOFILE limits (fds above the soft one stay
 * open when it is lowered). */
static void close_fallback(int from, int keep)
{
	struct cx_rlimit64 lim;
	uint64_t top;

	if (close_listed(from, keep) == 0)
		return;
	if (cx_sys4(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &lim) < 0)
		lim.cur = lim.max = 1u << 20;
	top = lim.max > lim.cur ? lim.max : lim.cur;
	if (top > 1u << 30) /* fs.nr_open's ceiling */
		top = 1u << 30;
	for (uint64_t fd = (uint64_t)from; fd < top; fd++)
		if ((int)fd != keep)
			cx_sys1(SYS_close, fd);
}

/* The first step after a CLONE_FILES clone (fdplan.c). The parent-death
 * pidfd is opened after the plan was made: it is kept too. */
long cx_run_unshare_files(const struct cx_plan *plan, const struct cx_op *op)
{
	unsigned int below = (unsigned int)op->unshare_files.below;

	if (!plan->files_shared)
		return 0;
	if (plan->parent_pidfd >= 0 && (unsigned int)plan->parent_pidfd >= below)
		below = (unsigned int)plan->parent_pidfd + 1;
	if (cx_sys3(SYS_close_range, below, ~0U, CX_CLOSE_RANGE_UNSHARE) == 0)
		return 0;
	/* close_range filtered since the probe: a whole copy, as without. */
	return cx_sys1(SYS_unshare, CLONE_FILES);
}

long cx_run_close_others(const struct cx_plan *plan, const struct cx_op *op)
{
	int keep = plan->pipes ? plan->report_fd : -1;
	int from = op->close_others.from;

	if (keep < from)
		keep = -1;
	if (keep > from && cx_sys3(SYS_close_range, from, keep - 1, 0) < 0)
		close_fallback(from, keep);
	if (cx_sys3(SYS_close_range, keep >= from ? keep + 1 : from, ~0U, 0) < 0)
		close_fallback(from, keep);
	return 0;
}
