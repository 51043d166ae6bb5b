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

#include "clonexec.h"
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

static int cx_run(const char *who, const struct cx_attr *attr)
{
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	char msg[256];
	int r;

	r = cx_spawn(sb_env.noop, sb_env.argv, sb_env.envp, attr, &p, &err);
	if (r < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "spawnbench: %s: %s\n", who, msg);
		return -1;
	}
	r = cx_process_wait(p, -1, &st);
	cx_process_release(p);
	if (r < 0 || !st.exited || st.exit_code != 0) {
		fprintf(stderr, "spawnbench: %s: wait %d, exited %d, code %d, signal %d\n", who, r,
			st.exited, st.exit_code, st.signal);
		return -1;
	}
	return 0;
}

int sb_spawn_cx_plain(struct sb_worker *w)
{
	(void)w;
	return cx_run("cx", NULL);
}

static int cx_cred(struct sb_worker *w)
{
	(void)w;
	return cx_run("cx-cred", &attr_cred);
}

static int cx_closefds(struct sb_worker *w)
{
	(void)w;
	return cx_run("cx-closefds", &attr_closefds);
}

static int cx_cgroup(struct sb_worker *w)
{
	(void)w;
	return cx_run("cx-cgroup", &attr_cgroup);
}

static int cx_userpid(struct sb_worker *w)
{
	(void)w;
	return cx_run("cx-userpid", &attr_userpid);
}

static int cx_allns(struct sb_worker *w)
{
	(void)w;
	return cx_run("cx-6ns", &attr_allns);
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

static int base_posix_spawn(struct sb_worker *w)
{
	pid_t pid;
	int r;

	(void)w;
	r = posix_spawn(&pid, sb_env.noop, NULL, NULL, sb_env.argv, sb_env.envp);
	if (r) {
		errno = r;
		perror("posix_spawn");
		return -1;
	}
	return reap("posix_spawn", pid);
}

static int base_fork(struct sb_worker *w)
{
	pid_t pid;

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

static int base_vfork(struct sb_worker *w)
{
	pid_t pid;

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

static int floor_userpid_parent(struct sb_worker *w)
{
	return sb_floor_ns_parent(w, NS_USERPID);
}

static int floor_userpid_self(struct sb_worker *w)
{
	return sb_floor_ns_self(w, NS_USERPID);
}

static int floor_allns_parent(struct sb_worker *w)
{
	return sb_floor_ns_parent(w, NS_ALL);
}

static int floor_allns_self(struct sb_worker *w)
{
	return sb_floor_ns_self(w, NS_ALL);
}

const struct sb_method sb_methods[] = {
	{ "cx", SB_LIB, SB_FLOOR_PLAIN, "cx_spawn, no attributes", sb_spawn_cx_plain },
	{ "cx-cred", SB_LIB, SB_FLOOR_PLAIN, "cx_spawn, CREDENTIAL uid/gid 65534, no groups",
	  cx_cred },
	{ "cx-closefds", SB_LIB, SB_FLOOR_PLAIN,
	  "cx_spawn, CLOSE_OTHER_FDS (100 inheritable fds open)", cx_closefds },
	{ "cx-cgroup", SB_LIB, SB_FLOOR_PLAIN, "cx_spawn, CGROUP " CGROUP_DIR, cx_cgroup },
	{ "cx-userpid", SB_LIB, SB_FLOOR_USERPID, "cx_spawn, NEWUSER|NEWPID, maps 0->uid/gid",
	  cx_userpid },
	{ "cx-6ns", SB_LIB, SB_FLOOR_ALLNS, "cx_spawn, user+pid+mount+net+uts+ipc, same maps",
	  cx_allns },
	{ "posix_spawn", SB_BASE, SB_FLOOR_PLAIN, "glibc posix_spawn + waitpid", base_posix_spawn },
	{ "fork", SB_BASE, SB_FLOOR_PLAIN, "fork + execve + waitpid", base_fork },
	{ "vfork", SB_BASE, SB_FLOOR_PLAIN, "vfork + execve + waitpid", base_vfork },
	{ "floor", SB_FLOOR, SB_FLOOR_PLAIN, "raw clone(VM|VFORK) + execve, static stack",
	  sb_floor_plain },
	{ "floor-userpid-pm", SB_FLOOR, SB_FLOOR_USERPID,
	  "raw clone(VM|NEWUSER|NEWPID), parent writes maps, futex go", floor_userpid_parent },
	{ "floor-userpid-sm", SB_FLOOR, SB_FLOOR_USERPID,
	  "raw clone(VM|VFORK|NEWUSER|NEWPID), child writes own maps", floor_userpid_self },
	{ "floor-6ns-pm", SB_FLOOR, SB_FLOOR_ALLNS, "as floor-userpid-pm, 6 namespaces",
	  floor_allns_parent },
	{ "floor-6ns-sm", SB_FLOOR, SB_FLOOR_ALLNS, "as floor-userpid-sm, 6 namespaces",
	  floor_allns_self },
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
	return open_extra_fds();
}

void sb_methods_teardown(void)
{
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
