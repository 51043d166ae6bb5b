/* SPDX-License-Identifier: MIT */
/*
 * Why a user namespace was refused (issue 10): the error's object says
 * why when it can be known. Every case runs in a forked test process:
 *  - user.max_user_namespaces set to 0, in a user namespace of that
 *    process (the sysctl is per user namespace, so the machine's own value
 *    and the other tests running at the same time are not touched);
 *  - 33 nested user namespaces (ENOSPC, the depth limit);
 *  - nobody asking for a map of ids that are not its own (newuidmap(1));
 *  - nobody with setgroups allow;
 *  - seccomp-injected EPERM at clone3 and ENOSPC at unshare: no false
 *    reason for the first, the limit named for the second.
 * This machine has no kernel.unprivileged_userns_clone nor AppArmor's
 * kernel.apparmor_restrict_unprivileged_userns; the cases skip where a
 * sysctl is absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine-util.h"

#if defined(__x86_64__)
#define ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_SELF AUDIT_ARCH_AARCH64
#endif

#define NEWUSER_ 0x10000000ULL
#define NOBODY 65534

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		tap_bail("writing %s", path);
	close(fd);
}

/* unshare(CLONE_NEWUSER) and map our own ids (as unshare -r does). */
static void own_userns(void)
{
	char map[32];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER) < 0)
		tap_bail("unshare(CLONE_NEWUSER): %s", strerror(errno));
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	put("/proc/self/uid_map", map);
	put("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	put("/proc/self/gid_map", map);
}

/* Spawn with attr, expect step and errno, and a reason containing want
 * (NULL: no reason at all). */
static void refused(const char *what, const struct cx_attr *a, int step, int error,
		    const char *want)
{
	char *argv[] = { "true", NULL };
	struct cx_process *p = NULL;
	struct cx_error err;
	char line[CX_ERROR_OBJECT_MAX + 64];
	int r;

	memset(&err, 0, sizeof(err));
	r = cx_spawn("/bin/true", argv, NULL, a, &p, &err);
	is_int(r, -error, "%s: -%s", what, cxt_errname(error));
	is_str(cx_step_name(err.step), cx_step_name(step), "%s: step", what);
	cx_error_format(&err, line, sizeof(line));
	if (want)
		ok(strstr(err.object, want) != NULL, "%s: says why (%s)", what, line);
	else
		ok(strchr(err.object, '(') == NULL, "%s: gives no reason it cannot know (%s)",
		   what, line);
}

/* valgrind 3.19 blocks every signal around the clone it makes for a fork;
 * when that clone fails (ENOSPC here) its error path may grow the stack by
 * a page before it restores the mask, and a SIGSEGV (valgrind's stack
 * extension) that arrives blocked kills the process outright. Touching the
 * stack beforehand leaves nothing to extend there. */
static __attribute__((noinline)) void grow_stack(void)
{
	volatile char buf[256 * 1024];

	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = 0;
}

static void max_zero(void *arg)
{
	CX_ATTR(a, .cloneflags = NEWUSER_);

	(void)arg;
	if (lt_on_valgrind())
		grow_stack();
	own_userns();
	put("/proc/sys/user/max_user_namespaces", "0");
	refused("max_user_namespaces 0", &a,
		syscall(SYS_clone3, NULL, 0) == -1 && errno == ENOSYS ? CX_STEP_CLONE : CX_STEP_CLONE3,
		ENOSPC, "user.max_user_namespaces is 0");
}

static void depth(void *arg)
{
	CX_ATTR(a, .unshareflags = NEWUSER_);

	(void)arg;
	/* The kernel refuses a new one below level 32 (the initial is 0). */
	for (int i = 0; i < 33; i++)
		own_userns();
	refused("33 nested user namespaces", &a, CX_STEP_UNSHARE, ENOSPC,
		"32 nested user namespaces");
}

static void nobody(void *arg)
{
	static const struct cx_id_map wide = { 0, 100000, 65536 }, self = { 0, NOBODY, 1 };
	CX_ATTR(a, .cloneflags = NEWUSER_, .uid_map = &wide, .nuid_map = 1, .gid_map = &self,
		.ngid_map = 1);
	CX_ATTR(b, .cloneflags = NEWUSER_, .uid_map = &self, .nuid_map = 1, .gid_map = &wide,
		.ngid_map = 1);
	CX_ATTR(c, .flags = CX_ATTR_SETGROUPS_ALLOW, .cloneflags = NEWUSER_, .uid_map = &self,
		.nuid_map = 1, .gid_map = &self, .ngid_map = 1);

	(void)arg;
	cp_become_nobody();
	refused("nobody, a uid map of other ids", &a, CX_STEP_WRITE_UID_MAP, EPERM, "newuidmap");
	refused("nobody, a gid map of other ids", &b, CX_STEP_WRITE_GID_MAP, EPERM, "newgidmap");
	refused("nobody, setgroups allow", &c, CX_STEP_WRITE_GID_MAP, EPERM,
		"setgroups is not denied");
}

static void inject(int nr, int error)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SELF, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned int)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned int)error),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		tap_bail("seccomp");
}

static void injected_eperm(void *arg)
{
	CX_ATTR(a, .cloneflags = NEWUSER_);

	(void)arg;
	inject(SYS_clone3, EPERM);
	refused("EPERM injected at clone3", &a, CX_STEP_CLONE3, EPERM, NULL);
}

static void injected_enospc(void *arg)
{
	CX_ATTR(a, .unshareflags = NEWUSER_);

	(void)arg;
	inject(SYS_unshare, ENOSPC);
	refused("ENOSPC injected at unshare", &a, CX_STEP_UNSHARE, ENOSPC,
		"user.max_user_namespaces (");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	lt_sub("max_user_namespaces", max_zero, NULL);
	lt_sub("depth", depth, NULL);
	lt_sub("nobody", nobody, NULL);
	if (lt_on_valgrind())
		lt_skip("injected faults", "valgrind has no clone3 and runs its own seccomp checks");
	else {
		lt_sub("injected EPERM", injected_eperm, NULL);
		lt_sub("injected ENOSPC", injected_enospc, NULL);
	}
	if (access("/proc/sys/kernel/unprivileged_userns_clone", F_OK) < 0)
		lt_skip("kernel.unprivileged_userns_clone", "this kernel has no such sysctl");
	if (access("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", F_OK) < 0)
		lt_skip("kernel.apparmor_restrict_unprivileged_userns", "this kernel has no such "
			"sysctl");
	return tap_done();
}
