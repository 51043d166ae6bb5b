/* SPDX-License-Identifier: MIT */
/*
 * The sandbox of issue 9 as struct cx_attr, for spawnbench's cx-sandbox row
 * and for sandboxcmp (the library beside bwrap). The same as
 *   bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-uts
 *     --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib
 *     --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp
 *     --ro-bind DIR DIR
 * with DIR the directory of the program (so the exec in the new root finds
 * it) and root mapped to the caller's ids, as bwrap maps them.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spawnbench.h"

static char prog_dir[4096];
static struct cx_id_map uid_map, gid_map;

static const struct cx_mount plan[] = {
	{ .kind = CX_MOUNT_RO_BIND, .source = "/usr", .target = "/usr" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/bin", .target = "/bin" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/lib", .target = "/lib" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/lib64", .target = "/lib64" },
	{ .kind = CX_MOUNT_PROC, .target = "/proc" },
	{ .kind = CX_MOUNT_DEV, .target = "/dev" },
	{ .kind = CX_MOUNT_TMPFS, .target = "/tmp" },
	{ .kind = CX_MOUNT_RO_BIND, .source = prog_dir, .target = prog_dir },
};

/* The directory of path: a static buffer, also the last bind's source. */
const char *sb_dir_of(const char *path)
{
	char *slash;

	snprintf(prog_dir, sizeof(prog_dir), "%s", path);
	slash = strrchr(prog_dir, '/');
	if (slash && slash != prog_dir)
		*slash = 0;
	return prog_dir;
}

void sb_sandbox_attr(struct cx_attr *a, const char *prog)
{
	sb_dir_of(prog);
	uid_map = (struct cx_id_map){ 0, (uint32_t)getuid(), 1 };
	gid_map = (struct cx_id_map){ 0, (uint32_t)getgid(), 1 };
	*a = (struct cx_attr){ .size = sizeof(struct cx_attr) };
	a->flags = CX_ATTR_NEW_ROOT;
	a->cloneflags = CX_NEWUSER | CX_NEWPID | CX_NEWIPC | CX_NEWUTS | CX_NEWNS;
	a->uid_map = &uid_map;
	a->nuid_map = 1;
	a->gid_map = &gid_map;
	a->ngid_map = 1;
	a->mounts = plan;
	a->nmounts = sizeof(plan) / sizeof(plan[0]);
}
