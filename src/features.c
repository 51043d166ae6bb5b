/* SPDX-License-Identifier: MIT */
/* Kernel and runtime probes, each made once; see feature.h. */
#include <errno.h>
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
#include "sys.h"

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

static int probe_openat2(void)
{
	struct cx_open_how how = { .flags = O_PATH | O_CLOEXEC };
	long fd = cx_sys4(CX_SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd >= 0)
		close((int)fd);
	return fd >= 0;
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
	case CX_FEAT_OPENAT2:
		return !on_valgrind() && probe_openat2();
	case CX_FEAT_MOUNT_SETATTR:
		/* EBADF from a kernel that has it, ENOSYS from one that has not */
		return !on_valgrind() && cx_sys5(CX_SYS_mount_setattr, -1, "", 0, 0, 0) != -ENOSYS;
	case CX_FEAT_CLOSE_RANGE:
		/* EINVAL (first above last) from a kernel that has it; a
		 * seccomp's EPERM means no as well */
		return !on_valgrind() && cx_sys3(SYS_close_range, 1, 0, 0) == -EINVAL;
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

int cx_landlock_abi(void)
{
	/* -1: not probed yet. */
	static atomic_int cached = -1;
	int abi = atomic_load_explicit(&cached, memory_order_relaxed);
	long r;

	if (abi >= 0)
		return abi;
	/* valgrind warns at every system call it does not know. */
	r = on_valgrind() ? -38 : cx_sys3(SYS_landlock_create_ruleset, 0, 0,
					  1 /* LANDLOCK_CREATE_RULESET_VERSION */);
	abi = r > 0 ? (int)r : 0;
	atomic_store_explicit(&cached, abi, memory_order_relaxed);
	return abi;
}

/* The highest possible CPU: the last number of
 * /sys/devices/system/cpu/possible ("0-1", "0-3,8-11"), read once. */
int cx_cpu_last(void)
{
	static atomic_int cached = -1;
	int last = atomic_load_explicit(&cached, memory_order_relaxed);
	char buf[256] = "";
	ssize_t n = 0;
	int fd;

	if (last >= 0)
		return last;
	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	while (n > 0 && (buf[n - 1] < '0' || buf[n - 1] > '9'))
		buf[--n] = '\0';
	while (n > 0 && buf[n - 1] >= '0' && buf[n - 1] <= '9')
		n--;
	last = buf[n] ? atoi(buf + n) : (int)sysconf(_SC_NPROCESSORS_CONF) - 1;
	if (last < 0)
		last = 0;
	atomic_store_explicit(&cached, last, memory_order_relaxed);
	return last;
}
