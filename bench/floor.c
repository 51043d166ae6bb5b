/* SPDX-License-Identifier: MIT */
/*
 * The floor: the least a program can do to run the no-op with the same
 * kernel objects, written by hand with no care for anything a library must
 * care about (signal handlers, error reports, other threads' signals).
 *
 *  plain        clone(CLONE_VM|CLONE_VFORK|SIGCHLD) on this thread's static
 *               stack; the child execve()s; the parent waitpid()s.
 *  ns, parent   clone(CLONE_VM|<ns flags>|SIGCHLD): the child sleeps on a
 *               futex while the parent writes /proc/PID/uid_map, setgroups
 *               ("deny") and gid_map, then wakes it; the parent does not wait
 *               for the exec (it has nothing to learn) and goes straight to
 *               waitpid, after which the stack is free again.
 *  ns, self     clone(CLONE_VM|CLONE_VFORK|<ns flags>|SIGCHLD): the child
 *               writes its own one-line maps (allowed for its own ids) through
 *               /proc/self, then execve()s.
 * The child side uses raw system calls only: it shares the parent's memory
 * and TLS, so it must not touch errno.
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawnbench.h"
#include "sys.h"

static char uid_map[32], gid_map[32];
static int uid_map_len, gid_map_len;

int sb_floor_setup(void)
{
	uid_map_len = snprintf(uid_map, sizeof(uid_map), "0 %u 1\n", (unsigned)sb_env.uid);
	gid_map_len = snprintf(gid_map, sizeof(gid_map), "0 %u 1\n", (unsigned)sb_env.gid);
	return 0;
}

int sb_check_status(const char *who, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fprintf(stderr, "spawnbench: %s: child ended with status 0x%x\n", who, status);
	return -1;
}

static int reap(const char *who, pid_t pid)
{
	int status;

	if (pid < 0) {
		perror(who);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return -1;
	}
	return sb_check_status(who, status);
}

static int child_exec(void *arg)
{
	(void)arg;
	cx_sys3(SYS_execve, sb_env.noop, sb_env.argv, sb_env.envp);
	cx_sys1(SYS_exit, 127);
	return 127;
}

int sb_floor_plain(const struct sb_method *m, struct sb_worker *w)
{
	pid_t pid = clone(child_exec, w->stack + SB_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD,
			  w);

	return reap(m->name, pid);
}

static int child_wait_exec(void *arg)
{
	struct sb_worker *w = arg;

	while (w->go == 0)
		cx_sys4(SYS_futex, &w->go, FUTEX_WAIT, 0, 0);
	if (w->go != 1)
		cx_sys1(SYS_exit, 126);
	return child_exec(arg);
}

static int write_proc(pid_t pid, const char *name, const char *text, int len)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return -1;
	}
	ok = write(fd, text, (size_t)len) == len;
	if (!ok)
		perror(path);
	close(fd);
	return ok ? 0 : -1;
}

int sb_floor_ns_parent(const struct sb_method *m, struct sb_worker *w)
{
	pid_t pid;
	int r;

	w->go = 0;
	pid = clone(child_wait_exec, w->stack + SB_STACK_SIZE,
		    (int)(CLONE_VM | m->nsflags | SIGCHLD), w);
	if (pid < 0)
		return reap(m->name, pid);
	r = write_proc(pid, "uid_map", uid_map, uid_map_len);
	if (!r)
		r = write_proc(pid, "setgroups", "deny", 4);
	if (!r)
		r = write_proc(pid, "gid_map", gid_map, gid_map_len);
	__atomic_store_n(&w->go, r ? 2 : 1, __ATOMIC_RELEASE);
	cx_sys3(SYS_futex, &w->go, FUTEX_WAKE, 1);
	return reap(m->name, pid) | r;
}

static int child_selfmap_exec(void *arg)
{
	if (sb_child_self_maps(uid_map, uid_map_len, gid_map, gid_map_len) < 0)
		cx_sys1(SYS_exit, 125);
	return child_exec(arg);
}

int sb_floor_ns_self(const struct sb_method *m, struct sb_worker *w)
{
	pid_t pid = clone(child_selfmap_exec, w->stack + SB_STACK_SIZE,
			  (int)(CLONE_VM | CLONE_VFORK | m->nsflags | SIGCHLD), w);

	return reap(m->name, pid);
}
