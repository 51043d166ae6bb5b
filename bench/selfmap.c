/* SPDX-License-Identifier: MIT */
/*
 * What the raw floors' child does in a new user namespace: write its own
 * one-line maps (allowed for its own euid/egid, after setgroups "deny")
 * through /proc/self. Raw system calls only: the child shares the parent's
 * memory and TLS (CLONE_VM), so it must not touch errno.
 */
#include <fcntl.h>

#include "spawnbench.h"
#include "sys.h"

static long child_write(const char *path, const char *text, long len)
{
	long fd = cx_sys4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC, 0);
	long n;

	if (fd < 0)
		return fd;
	n = cx_sys3(SYS_write, fd, text, len);
	cx_sys1(SYS_close, fd);
	return n == len ? 0 : -1;
}

long sb_child_self_maps(const char *uid_map, long uid_len, const char *gid_map, long gid_len)
{
	if (child_write("/proc/self/uid_map", uid_map, uid_len) ||
	    child_write("/proc/self/setgroups", "deny", 4) ||
	    child_write("/proc/self/gid_map", gid_map, gid_len))
		return -1;
	return 0;
}
