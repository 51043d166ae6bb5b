/* SPDX-License-Identifier: MIT */
/*
 * Why a user namespace was refused (issue 10). The kernel says only EPERM,
 * ENOSPC or EACCES; after the failure the parent looks at what it can
 * know (the sysctls, its own namespace depth and capabilities, the maps
 * asked for) and adds the reason to the error's object. The child cannot:
 * it runs only raw system calls, and the reason is in files it may no
 * longer see.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define CX_USERNS_DEPTH_MAX 32 /* the kernel's nesting limit */
#define CX_CAP_SETUID 7
#define CX_CAP_SETGID 6
#define CX_CAP_SYS_ADMIN 21

/* A number from a /proc/sys file, or -1 when it has none (absent sysctl). */
static long sysctl_long(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static int has_cap(int cap)
{
	struct cx_cap_header hdr = { CX_CAP_V3, 0 };
	struct cx_cap_data data[2];

	if (cx_sys2(SYS_capget, &hdr, data) < 0)
		return 0;
	return !!(data[cap / 32].effective & (1U << (cap % 32)));
}

static const char *create_reason(int error, char *buf, size_t len)
{
	long max = sysctl_long("/proc/sys/user/max_user_namespaces");
	long clone_ok = sysctl_long("/proc/sys/kernel/unprivileged_userns_clone");
	long apparmor = sysctl_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");

	if (max == 0)
		return "user.max_user_namespaces is 0: user namespaces are disabled";
	if (error == ENOSPC) {
		/* Which of the two cannot be told from here: NS_GET_PARENT does not
		 * reach above our own user namespace. */
		snprintf(buf, len, "user.max_user_namespaces (%ld) reached, for this user here or "
			 "in an ancestor namespace, or already %d nested user namespaces", max,
			 CX_USERNS_DEPTH_MAX);
		return buf;
	}
	if (error != EPERM && error != EACCES)
		return NULL;
	if (clone_ok == 0 && !has_cap(CX_CAP_SYS_ADMIN))
		return "kernel.unprivileged_userns_clone is 0: only a privileged process may "
		       "make a user namespace";
	if (apparmor == 1 && !has_cap(CX_CAP_SYS_ADMIN))
		return "AppArmor restricts unprivileged user namespaces "
		       "(kernel.apparmor_restrict_unprivileged_userns is 1): a profile must allow "
		       "userns for this program";
	return NULL;
}

static int own_setgroups_denied(void)
{
	char buf[16] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	return n > 0 && !strncmp(buf, "deny", 4);
}

static const char *map_reason(const struct cx_plan *plan, int step, char *buf, size_t len)
{
	int self = cx_maps_self_writable(&plan->attr);

	if (step == CX_STEP_WRITE_SETGROUPS) {
		if ((plan->attr.flags & CX_ATTR_SETGROUPS_ALLOW) && own_setgroups_denied())
			return "setgroups allow: refused when this process's own user namespace has "
			       "setgroups denied";
		return NULL;
	}
	if (step == CX_STEP_WRITE_UID_MAP && self == CX_MAPS_NOT_OWN_UID &&
	    !has_cap(CX_CAP_SETUID)) {
		snprintf(buf, len, "the uid map has ids other than your own uid %u: that needs "
			 "CAP_SETUID in the parent namespace (newuidmap(1) grants the ranges of "
			 "/etc/subuid)", (unsigned int)geteuid());
		return buf;
	}
	if (step != CX_STEP_WRITE_GID_MAP || has_cap(CX_CAP_SETGID))
		return NULL;
	if (self == CX_MAPS_NOT_OWN_GID || self == CX_MAPS_NOT_OWN_UID) {
		snprintf(buf, len, "the gid map has ids other than your own gid %u: that needs "
			 "CAP_SETGID in the parent namespace (newgidmap(1) grants the ranges of "
			 "/etc/subgid)", (unsigned int)getegid());
		return buf;
	}
	if (self == CX_MAPS_SETGROUPS_ALLOWED)
		return "setgroups is not denied: without CAP_SETGID a gid map needs setgroups "
		       "deny first";
	return NULL;
}

void cx_userns_why(const struct cx_plan *plan, struct cx_error *err)
{
	const char *why = NULL;
	char buf[256];
	size_t used;
	int creating;

	if (err->error != EPERM && err->error != ENOSPC && err->error != EACCES)
		return;
	creating = ((err->step == CX_STEP_CLONE || err->step == CX_STEP_CLONE3) &&
		    (plan->clone_flags & CX_NEWUSER)) ||
		   (err->step == CX_STEP_UNSHARE && (plan->attr.unshareflags & CX_NEWUSER));
	if (creating)
		why = create_reason(err->error, buf, sizeof(buf));
	else if (err->step == CX_STEP_WRITE_UID_MAP || err->step == CX_STEP_WRITE_GID_MAP ||
		 err->step == CX_STEP_WRITE_SETGROUPS)
		why = map_reason(plan, err->step, buf, sizeof(buf));
	if (!why)
		return;
	used = strlen(err->object);
	snprintf(err->object + used, sizeof(err->object) - used, "%s(%s)", used ? " " : "", why);
}
