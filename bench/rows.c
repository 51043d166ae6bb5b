/* SPDX-License-Identifier: MIT */
/*
 * The attribute rows of issues 9-11 (bench/README.md, "The rows"): the
 * sandbox, joining, capabilities, Landlock, seccomp, resources and a
 * cgroup of the child's own. Each is cx_spawn with one attribute mix, so
 * its cost over plain cx is what the feature adds. A row whose setup
 * fails here is left as it is: the trial spawn then fails and spawnbench
 * leaves the row out, saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spawnbench.h"

#define OWN_CGROUP_PARENT "/sys/fs/cgroup/unified/cx-bench-own"

struct cx_attr sb_attr_sandbox, sb_attr_join, sb_attr_caps, sb_attr_landlock, sb_attr_seccomp,
	sb_attr_resources, sb_attr_cgroup_own;

static struct cx_id_map root_uid, root_gid;
static struct cx_process *join_helper;
static int own_parent_made;

#define RIGHTS_RO (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		   LANDLOCK_ACCESS_FS_READ_DIR)
/* Every right of ABI 1-5 (execute ... ioctl-dev) but refer; the library drops
 * those the kernel lacks (best effort). */
#define RIGHTS_RW (0xffffULL & ~(1ULL << 13))

/* As --landlock-ro /usr --landlock-ro DIR --landlock-rw /tmp --landlock-rw /dev:
 * every right the kernel knows is handled, these are allowed. */
static struct cx_landlock_rule landlock_rules[] = {
	{ .path = "/usr", .access = RIGHTS_RO },
	{ .path = NULL, .access = RIGHTS_RO },   /* the noop's directory */
	{ .path = "/tmp", .access = RIGHTS_RW },
	{ .path = "/dev", .access = RIGHTS_RW },
};

#if defined(__x86_64__)
#define SB_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SB_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* Every system call allowed but ptrace (EPERM); another architecture's
 * calls are killed. The layout of struct sock_filter. */
static const struct cx_sock_filter seccomp_prog[] = {
	{ BPF_LD | BPF_W | BPF_ABS, 0, 0, 4 },          /* seccomp_data.arch */
#ifdef SB_AUDIT_ARCH
	{ BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SB_AUDIT_ARCH },
#else
	{ BPF_JMP | BPF_JA, 0, 0, 0 },                  /* the row fails: unknown arch */
#endif
	{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS },
	{ BPF_LD | BPF_W | BPF_ABS, 0, 0, 0 },          /* seccomp_data.nr */
	{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, SYS_ptrace },
	{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | EPERM },
	{ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW },
};

static const struct cx_rlimit rlimits[] = {
	{ RLIMIT_NOFILE, 1024, 4096 },
	{ RLIMIT_CORE, 0, 0 },
	{ RLIMIT_NPROC, 4096, 4096 },
	{ RLIMIT_STACK, 8 << 20, CX_RLIM_INFINITY },
};

static unsigned long cpus[16];

/* A core interface file, present in every cgroup v2: the only controller
 * usable here (hugetlb) is not enabled below the root, and this bench
 * changes nothing outside the cgroups it makes. */
static const struct cx_cgroup_limit own_limits[] = {
	{ "cgroup.max.descendants", "0" },
};

/* A process in its own user, uts, ipc and net namespaces to join: the
 * sleeper, started once by the library; the level processes forked later
 * inherit its pidfd. */
static int start_join_helper(void)
{
	CX_ATTR(a, .cloneflags = CX_NEWUSER | CX_NEWUTS | CX_NEWIPC | CX_NEWNET,
		.uid_map = &root_uid, .nuid_map = 1, .gid_map = &root_gid, .ngid_map = 1);
	char *argv[] = { "sleeper", NULL };
	struct cx_error err;
	char msg[256];

	if (cx_spawn(sb_beside_self("sleeper"), argv, sb_env.envp, &a, &join_helper, &err) < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "spawnbench: cx-join: the process to join: %s\n", msg);
		join_helper = NULL;
		return -1;
	}
	return cx_process_pidfd(join_helper);
}

static void setup_own_cgroup(void)
{
	if (mkdir(OWN_CGROUP_PARENT, 0755) == 0)
		own_parent_made = 1;
	else if (errno != EEXIST)
		perror("spawnbench: mkdir " OWN_CGROUP_PARENT);
}

void sb_rows_setup(void)
{
	struct cx_attr empty = { .size = sizeof(struct cx_attr) };
	cpu_set_t online;

	root_uid = (struct cx_id_map){ 0, (uint32_t)sb_env.uid, 1 };
	root_gid = (struct cx_id_map){ 0, (uint32_t)sb_env.gid, 1 };
	sb_sandbox_attr(&sb_attr_sandbox, sb_env.noop);
	landlock_rules[1].path = sb_dir_of(sb_env.noop);

	sb_attr_join = empty;
	sb_attr_join.flags = CX_ATTR_JOIN_PIDFD;
	sb_attr_join.join_pidfd = start_join_helper();
	sb_attr_join.join_ns = CX_NEWUSER | CX_NEWUTS | CX_NEWIPC | CX_NEWNET;

	/* What clonexec --cap-drop ALL --cap-add net_bind_service sets as root. */
	sb_attr_caps = empty;
	sb_attr_caps.flags = CX_ATTR_CAP_KEEP | CX_ATTR_CAP_BOUNDING | CX_ATTR_CAP_INHERITABLE;
	sb_attr_caps.cap_keep = 1ULL << 10;     /* CAP_NET_BIND_SERVICE */
	sb_attr_caps.cap_bounding = 1ULL << 10;
	sb_attr_caps.cap_inheritable = 0;

	sb_attr_landlock = empty;
	sb_attr_landlock.landlock_rules = landlock_rules;
	sb_attr_landlock.nlandlock_rules = sizeof(landlock_rules) / sizeof(landlock_rules[0]);

	sb_attr_seccomp = empty;
	sb_attr_seccomp.seccomp_filter = seccomp_prog;
	sb_attr_seccomp.seccomp_len = sizeof(seccomp_prog) / sizeof(seccomp_prog[0]);

	/* The CPUs it may run on now: a real mask, a no-op for the bench. */
	CPU_ZERO(&online);
	if (sched_getaffinity(0, sizeof(online), &online) == 0)
		memcpy(cpus, &online, sizeof(cpus) < sizeof(online) ? sizeof(cpus) : sizeof(online));
	sb_attr_resources = empty;
	sb_attr_resources.flags = CX_ATTR_NICE | CX_ATTR_CPUS | CX_ATTR_IOPRIO | CX_ATTR_OOM_SCORE_ADJ;
	sb_attr_resources.nice = 5;
	sb_attr_resources.cpus = cpus;
	sb_attr_resources.cpus_size = sizeof(cpus);
	sb_attr_resources.ioprio_class = CX_IOPRIO_CLASS_BE;
	sb_attr_resources.ioprio_level = 6;
	sb_attr_resources.oom_score_adj = 100;
	sb_attr_resources.rlimits = rlimits;
	sb_attr_resources.nrlimits = sizeof(rlimits) / sizeof(rlimits[0]);

	setup_own_cgroup();
	sb_attr_cgroup_own = empty;
	sb_attr_cgroup_own.cgroup_parent = OWN_CGROUP_PARENT;
	sb_attr_cgroup_own.cgroup_limits = own_limits;
	sb_attr_cgroup_own.ncgroup_limits = sizeof(own_limits) / sizeof(own_limits[0]);
}

void sb_rows_teardown(void)
{
	if (join_helper) {
		struct cx_status st;

		cx_process_signal(join_helper, SIGKILL);
		cx_process_wait(join_helper, -1, &st);
		cx_process_release(join_helper);
		join_helper = NULL;
	}
	/* Each spawn's own cgroup went at its release; the parent goes now. */
	for (int i = 0; own_parent_made && i < 50 && rmdir(OWN_CGROUP_PARENT) < 0 && errno == EBUSY;
	     i++)
		usleep(20000);
	own_parent_made = 0;
}
