/* SPDX-License-Identifier: MIT */
/* Kernel and runtime probes, each made once; see feature.h. */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__has_include) && !defined(CX_NO_VALGRIND_H)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CX_HAVE_VALGRIND_H 1
#endif
#endif

#include "feature.h"

/* 0: not probed yet, 1: absent, 2: present. */
static atomic_int known[CX_FEAT_MAX_];

static int on_valgrind(void)
{
#ifdef CX_HAVE_VALGRIND_H
	return RUNNING_ON_VALGRIND ? 1 : 0;
#else
	return 0;
#endif
}

static int probe(enum cx_feature f)
{
	switch (f) {
	case CX_FEAT_CLONE3:
		/* Assumed until a clone3 answers ENOSYS: probing would cost a
		 * process. */
		return 1;
	case CX_FEAT_VM_SHARED_SEEN:
		return 0;
	case CX_FEAT_VM_SHARED:
	case CX_FEAT_PIDFD_OPEN:
		return !on_valgrind();
	case CX_FEAT_MAX_:
		break;
	}
	return 0;
}

int cx_feature(enum cx_feature f)
{
	int v = atomic_load_explicit(&known[f], memory_order_relaxed);

	if (v == 0) {
		v = probe(f) ? 2 : 1;
		atomic_store_explicit(&known[f], v, memory_order_relaxed);
	}
	return v == 2;
}

void cx_feature_missing(enum cx_feature f)
{
	atomic_store_explicit(&known[f], 1, memory_order_relaxed);
}

void cx_feature_found(enum cx_feature f)
{
	atomic_store_explicit(&known[f], 2, memory_order_relaxed);
}

int cx_cap_last(void)
{
	static atomic_int cached = -1;
	int last = atomic_load_explicit(&cached, memory_order_relaxed);
	char buf[16] = "";
	int fd;

	if (last >= 0)
		return last;
	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		close(fd);
		if (n > 0)
			last = atoi(buf);
	}
	if (last <= 0 || last > 63)
		last = 40; /* CAP_CHECKPOINT_RESTORE, the last one in Linux 6.x */
	atomic_store_explicit(&cached, last, memory_order_relaxed);
	return last;
}
