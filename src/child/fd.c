/* SPDX-License-Identifier: MIT */
/* The fd plan in the child (see src/fdplan.c for why it is safe). */
#include <errno.h>
#include <fcntl.h>
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

long cx_run_close_others(const struct cx_plan *plan, const struct cx_op *op)
{
	int keep = plan->pipes ? plan->report_fd : -1;
	int from = op->close_others.from;
	struct cx_rlimit64 lim;
	long r;

	if (keep >= from) {
		if (keep > from) {
			r = cx_sys3(SYS_close_range, from, keep - 1, 0);
			if (r < 0 && r != -ENOSYS)
				return r;
		}
		from = keep + 1;
	}
	r = cx_sys3(SYS_close_range, from, ~0U, 0);
	if (r != -ENOSYS)
		return r;
	/* Before Linux 5.9: close one by one up to the fd limit. */
	if (cx_sys4(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, &lim) < 0)
		lim.cur = 1024;
	for (uint64_t fd = (uint64_t)from; fd < lim.cur && fd < (1u << 20); fd++)
		if ((int)fd != keep)
			cx_sys1(SYS_close, fd);
	return 0;
}
