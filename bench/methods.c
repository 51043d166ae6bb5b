/* SPDX-License-Identifier: MIT */
/*
 * The rows: one spawn-and-reap function per method. Every method runs the
 * same no-op with the same argv and environment; the attributes are built
 * once and shared read-only by all spawning threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawnbench.h"

#define CGROUP_DIR "/sys/fs/cgroup/unified/cx-bench"
#define EXTRA_FDS 100

#define NS_USERPID ((unsigned long)(CLONE_NEWUSER | CLONE_NEWPID))
#define NS_ALL (NS_USERPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC)

struct sb_env sb_env = { .cgroup_fd = -1 };

static struct cx_attr attr_cred, attr_closefds, attr_cgroup, attr_userpid, attr_allns;
static struct cx_id_map uid_map, gid_map;
static int extra_fds[EXTRA_FDS];
static int nextra;

static int cx_row(const struct sb_method *m, struct sb_worker *w)
{
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	char msg[256];
	int r;

	(void)w;
	r = cx_spawn(sb_env.noop, sb_env.argv, sb_env.envp, m->attr, &p, &err);
	if (r < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "spawnbench: %s: %s\n", m->name, msg);
		return -1;
	}
	r = cx_process_wait(p, -1, &st);
	cx_process_release(p);
	if (r < 0 || !st.exited || st.exit_code != 0) {
		fprintf(stderr, "spawnbench: %s: wait %d, exited %d, code %d, signal %d\n", m->name,
			r, st.exited, st.exit_code, st.signal);
		return -1;
	}
	return 0;
}

static int reap(const char *who, pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0) {
		perror(who);
		return -1;
	}
	return sb_check_status(who, status);
}

static int base_posix_spawn(const struct sb_method *m, struct sb_worker *w)
{
	pid_t pid;
	int r;

	(void)m;
	(void)w;
	r = posix_spawn(&pid, sb_env.noop, NULL, NULL, sb_env.argv, sb_env.envp);
	if (r) {
		errno = r;
		perror("posix_spawn");
		return -1;
	}
	return reap("posix_spawn", pid);
}

static int base_fork(const struct sb_method *m, struct sb_worker *w)
{
	pid_t pid;

	(void)m;
	(void)w;
	pid = fork();
	if (pid == 0) {
		execve(sb_env.noop, sb_env.argv, sb_env.envp);
		_exit(127);
	}
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	return reap("fork", pid);
}

static int base_vfork(const struct sb_method *m, struct sb_worker *w)
{
	pid_t pid;

	(void)m;
	(void)w;
	pid = vfork();
	if (pid == 0) {
		execve(sb_env.noop, sb_env.argv, sb_env.envp);
		_exit(127);
	}
	if (pid < 0) {
		perror("vfork");
		return -1;
	}
	return reap("vfork", pid);
}

/* In table order. The attributes are filled in by sb_methods_setup. */
const struct sb_method sb_methods[] = {
	{ "cx", SB_LIB, SB_FLOOR_PLAIN, cx_row, NULL, 0, 0 },
	{ "cx-cred", SB_LIB, SB_FLOOR_PLAIN, cx_row, &attr_cred, 0, 0 },
	{ "cx-closefds", SB_LIB, SB_FLOOR_PLAIN, cx_row, &attr_closefds, 0, 0 },
	{ "cx-cgroup", SB_LIB, SB_FLOOR_PLAIN, cx_row, &attr_cgroup, 0, 0 },
	{ "cx-userpid", SB_LIB, SB_FLOOR_USERPID, cx_row, &attr_userpid, 0, 0 },
	{ "cx-6ns", SB_LIB, SB_FLOOR_ALLNS, cx_row, &attr_allns, 0, 0 },
	{ "cx-sandbox", SB_LIB, SB_FLOOR_NONE, cx_row, &sb_attr_sandbox, 0, 1 },
	{ "cx-join", SB_LIB, SB_FLOOR_PLAIN, cx_row, &sb_attr_join, 0, 1 },
	{ "cx-caps", SB_LIB, SB_FLOOR_PLAIN, cx_row, &sb_attr_caps, 0, 1 },
	{ "cx-landlock", SB_LIB, SB_FLOOR_PLAIN, cx_row, &sb_attr_landlock, 0, 1 },
	{ "cx-seccomp", SB_LIB, SB_FLOOR_PLAIN, cx_row, &sb_attr_seccomp, 0, 1 },
	{ "cx-resources", SB_LIB, SB_FLOOR_PLAIN, cx_row, &sb_attr_resources, 0, 1 },
	{ "cx-cgroup-own", SB_LIB, SB_FLOOR_PLAIN, cx_row, &sb_attr_cgroup_own, 0, 1 },
	{ "posix_spawn", SB_BASE, SB_FLOOR_PLAIN, base_posix_spawn, NULL, 0, 0 },
	{ "fork", SB_BASE, SB_FLOOR_PLAIN, base_fork, NULL, 0, 0 },
	{ "vfork", SB_BASE, SB_FLOOR_PLAIN, base_vfork, NULL, 0, 0 },
	{ "floor", SB_FLOOR, SB_FLOOR_PLAIN, sb_floor_plain, NULL, 0, 0 },
	{ "floor-userpid-pm", SB_FLOOR, SB_FLOOR_USERPID, sb_floor_ns_parent, NULL, NS_USERPID, 0 },
	{ "floor-userpid-sm", SB_FLOOR, SB_FLOOR_USERPID, sb_floor_ns_self, NULL, NS_USERPID, 0 },
	{ "floor-6ns-pm", SB_FLOOR, SB_FLOOR_ALLNS, sb_floor_ns_parent, NULL, NS_ALL, 0 },
	{ "floor-6ns-sm", SB_FLOOR, SB_FLOOR_ALLNS, sb_floor_ns_self, NULL, NS_ALL, 0 },
};

const int sb_nmethods = (int)(sizeof(sb_methods) / sizeof(sb_methods[0]));

static void setup_cgroup(void)
{
	if (mkdir(CGROUP_DIR, 0755) < 0 && errno != EEXIST) {
		perror("spawnbench: mkdir " CGROUP_DIR);
		return;
	}
	sb_env.cgroup_fd = open(CGROUP_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sb_env.cgroup_fd < 0)
		perror("spawnbench: open " CGROUP_DIR);
}

/* Inheritable on purpose: the fds close-other-fds exists for. Every row
 * sees the same fd table, so the other rows pay for it too. */
static int open_extra_fds(void)
{
	for (nextra = 0; nextra < EXTRA_FDS; nextra++) {
		extra_fds[nextra] = open("/dev/null", O_RDONLY);
		if (extra_fds[nextra] < 0) {
			perror("spawnbench: open /dev/null");
			return -1;
		}
	}
	return 0;
}

int sb_methods_setup(void)
{
	struct cx_attr empty = { .size = sizeof(struct cx_attr) };

	uid_map = (struct cx_id_map){ 0, (uint32_t)sb_env.uid, 1 };
	gid_map = (struct cx_id_map){ 0, (uint32_t)sb_env.gid, 1 };
	attr_cred = empty;
	attr_cred.flags = CX_ATTR_CREDENTIAL;
	attr_cred.uid = 65534;
	attr_cred.gid = 65534;
	attr_closefds = empty;
	attr_closefds.flags = CX_ATTR_CLOSE_OTHER_FDS;
	setup_cgroup();
	attr_cgroup = empty;
	attr_cgroup.flags = CX_ATTR_CGROUP;
	attr_cgroup.cgroup_fd = sb_env.cgroup_fd;
	attr_userpid = empty;
	attr_userpid.cloneflags = NS_USERPID;
	attr_userpid.uid_map = &uid_map;
	attr_userpid.nuid_map = 1;
	attr_userpid.gid_map = &gid_map;
	attr_userpid.ngid_map = 1;
	attr_allns = attr_userpid;
	attr_allns.cloneflags = NS_ALL;
	sb_rows_setup();
	return open_extra_fds();
}

void sb_methods_teardown(void)
{
	sb_rows_teardown();
	while (nextra > 0)
		close(extra_fds[--nextra]);
	if (sb_env.cgroup_fd >= 0) {
		close(sb_env.cgroup_fd);
		sb_env.cgroup_fd = -1;
		/* Reaped children have left; the kernel may lag a moment. */
		for (int i = 0; i < 50 && rmdir(CGROUP_DIR) < 0 && errno == EBUSY; i++)
			usleep(20000);
	}
}
