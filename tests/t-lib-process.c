/* SPDX-License-Identifier: MIT */
/*
 * The handle and the simple attributes: dir, chroot, env, PATH search,
 * ptrace; wait with a timeout, rusage, signal and core-dump status,
 * -ECHILD and -ESRCH once reaped, signals through the pidfd (also in a
 * user namespace), and many threads spawning at once with no crossed
 * results.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static void dir_root_env(void)
{
	char root[128], *old_path, *env[] = { "LT_ONLY=1", NULL };
	char *argv[] = { "/probe", "cat", "/marker", "cwd", "root", NULL };
	char *envv[] = { (char *)lt_probe(), "cat", "/proc/self/environ", NULL };
	CX_ATTR(cd, .dir = "/tmp");
	CX_ATTR(chr, .dir = "/proc/..");
	struct cx_process *p = NULL;
	struct cx_status st;
	struct cx_error err;
	int pfd[2], files[3], r;
	ssize_t n;

	lt_ran_ok(lt_run(&cd, out, &st, &err, "cwd", NULL), &st, &err, "dir /tmp");
	is_str(lt_get(out, "cwd"), "/tmp", "dir: cwd is /tmp");

	snprintf(root, sizeof(root), "/tmp/lt-process-%d", (int)getpid());
	if (lt_make_root(root, 1) < 0)
		tap_bail("making %s", root);
	chr.chroot = root;
	lt_ran_ok(cxt_run("/probe", argv, &chr, out, sizeof(out), &st, &err), &st, &err, "chroot");
	ok(strstr(out, "inside the root") != NULL, "chroot: / is the new root (its /marker)");
	is_str(lt_get(out, "cwd"), "/", "chroot: dir resolved inside the root");
	is_str(lt_get(out, "root"), "/", "chroot: /proc/self/root is /");
	/* The search runs in the caller, inside the root. */
	old_path = strdup(getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	setenv("PATH", "/nonexistent-lt:/", 1);
	{
		char *pargv[] = { "probe", "cat", "/marker", NULL };
		int plan[] = { 0, 0, 2 };

		if (pipe2(pfd, O_CLOEXEC) < 0)
			tap_bail("pipe");
		plan[1] = pfd[1];
		chr.files = plan;
		chr.nfiles = 3;
		r = cx_spawnp("probe", pargv, NULL, &chr, &p, &err);
		close(pfd[1]);
		is_int(r, 0, "cx_spawnp finds probe in PATH inside the chroot");
		n = r == 0 ? read(pfd[0], out, sizeof(out) - 1) : 0;
		out[n > 0 ? n : 0] = '\0';
		ok(strstr(out, "inside the root") != NULL, "cx_spawnp: and runs it");
		close(pfd[0]);
		if (r == 0) {
			cx_process_wait(p, -1, &st);
			cx_process_release(p);
		}
	}
	setenv("PATH", old_path, 1);
	free(old_path);
	lt_remove_root(root);

	if (pipe2(pfd, O_CLOEXEC) < 0)
		tap_bail("pipe");
	files[0] = 0;
	files[1] = pfd[1];
	files[2] = 2;
	{
		CX_ATTR(e, .files = files, .nfiles = 3);

		r = cx_spawn(envv[0], envv, env, &e, &p, &err);
		close(pfd[1]);
		n = r == 0 ? read(pfd[0], out, sizeof(out) - 1) : -1;
		close(pfd[0]);
		ok(r == 0 && n == 10 && memcmp(out, "LT_ONLY=1", 10) == 0,
		   "envp: the child's environment is exactly LT_ONLY=1");
		if (r == 0) {
			cx_process_wait(p, -1, &st);
			cx_process_release(p);
		}
	}
}

static struct cx_process *start(char *const verbs[], const struct cx_attr *attr)
{
	char *argv[16] = { (char *)lt_probe() };
	struct cx_process *p = NULL;
	struct cx_error err;

	for (int i = 0; verbs[i] && i < 14; i++)
		argv[i + 1] = verbs[i];
	if (cx_spawn(argv[0], argv, NULL, attr, &p, &err) < 0)
		return NULL;
	return p;
}

static void waiting(void)
{
	struct cx_process *p = start((char *[]){ "sleep", "2", NULL }, NULL);
	struct cx_status st;

	if (!ok(p != NULL, "a sleeping child"))
		return;
	ok(cx_process_pidfd(p) >= 0, "it has a pidfd");
	is_int(cx_process_wait(p, 0, &st), -ETIMEDOUT, "wait(0) polls: -ETIMEDOUT");
	is_int(cx_process_wait(p, 100, &st), -ETIMEDOUT, "wait(100 ms): -ETIMEDOUT");
	is_int(cx_process_wait(p, 30000, &st), 0, "wait(30 s): it ends");
	ok(st.exited && st.exit_code == 0 && st.signal == 0, "exited 0");
	is_int(cx_process_wait(p, -1, &st), -ECHILD, "wait again: -ECHILD");
	is_int(cx_process_signal(p, SIGTERM), -ESRCH, "signal once reaped: -ESRCH");
	cx_process_release(p);

	p = start((char *[]){ "burn", "300", "exit", "7", NULL }, NULL);
	if (p && cx_process_wait(p, -1, &st) == 0) {
		long us = st.rusage.ru_utime.tv_sec * 1000000L + st.rusage.ru_utime.tv_usec +
			  st.rusage.ru_stime.tv_sec * 1000000L + st.rusage.ru_stime.tv_usec;

		ok(st.exited && st.exit_code == 7, "a CPU burner exits 7");
		ok(us >= 100000, "its rusage shows its CPU time (%ld us)", us);
	} else {
		ok(0, "a CPU burner");
		ok(0, "its rusage");
	}
	cx_process_release(p);

	p = start((char *[]){ "kill-self", "15", "sleep", "5", NULL }, NULL);
	if (p && cx_process_wait(p, -1, &st) == 0)
		ok(!st.exited && st.signal == SIGTERM && !st.core_dumped,
		   "killed by SIGTERM: signal 15, no core");
	else
		ok(0, "killed by SIGTERM");
	cx_process_release(p);
}

static void core_dump(void)
{
	char dir[128], cmd[160];
	struct cx_rlimit core = { RLIMIT_CORE, CX_RLIM_INFINITY, CX_RLIM_INFINITY };
	CX_ATTR(a, .rlimits = &core, .nrlimits = 1);
	struct cx_process *p;
	struct cx_status st;

	snprintf(dir, sizeof(dir), "/tmp/lt-core-%d", (int)getpid());
	mkdir(dir, 0777);
	a.dir = dir;
	p = start((char *[]){ "kill-self", "11", "sleep", "5", NULL }, &a);
	if (p && cx_process_wait(p, -1, &st) == 0)
		ok(!st.exited && st.signal == SIGSEGV && st.core_dumped,
		   "SIGSEGV with a core limit: core_dumped (signal %d, core %d)", st.signal,
		   st.core_dumped);
	else
		ok(0, "SIGSEGV with a core limit");
	cx_process_release(p);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
}

static void pidfd_kill(const char *what, const struct cx_attr *attr)
{
	struct cx_process *p = start((char *[]){ "sleep", "60", NULL }, attr);
	struct cx_status st;

	if (!ok(p != NULL, "%s: started", what))
		return;
	ok(cx_process_pidfd(p) >= 0, "%s: has a pidfd", what);
	is_int(cx_process_signal(p, SIGKILL), 0, "%s: SIGKILL through the pidfd", what);
	is_int(cx_process_wait(p, 30000, &st), 0, "%s: waited", what);
	ok(!st.exited && st.signal == SIGKILL, "%s: killed by SIGKILL", what);
	lt_end(p);
}

static void tracing(void)
{
	CX_ATTR(a, .flags = CX_ATTR_PTRACE);
	struct cx_process *p = start((char *[]){ "exit", "3", NULL }, &a);
	struct cx_status st;
	char path[64];
	int status = 0;

	if (!ok(p != NULL, "ptrace: started"))
		return;
	ok(waitpid(cx_process_pid(p), &status, 0) == cx_process_pid(p) && WIFSTOPPED(status) &&
		   WSTOPSIG(status) == SIGTRAP,
	   "ptrace: the child stops with SIGTRAP after exec");
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cx_process_pid(p));
	is_int(atoi(lt_get(lt_slurp(path), "TracerPid")), getpid(), "ptrace: we are the tracer");
	ptrace(PTRACE_DETACH, cx_process_pid(p), 0, 0);
	ok(cx_process_wait(p, 30000, &st) == 0 && st.exited && st.exit_code == 3,
	   "ptrace: detached, it runs to exit 3");
	cx_process_release(p);
}

/* Threads spawning at once: each result belongs to its own spawn. */
#define THREADS 6
#define ROUNDS 40
/* Under valgrind each spawn costs ~50 ms of CPU (a failed one also runs
 * valgrind's leak check in the child): fewer rounds, the same threads. */
static int rounds = ROUNDS;

static void *spawner(void *arg)
{
	long t = (long)arg, bad = 0;

	for (int i = 0; i < rounds; i++) {
		char code[8], missing[64];
		char *argv[] = { (char *)lt_probe(), "exit", code, NULL };
		char *margv[] = { missing, NULL };
		struct cx_process *p = NULL;
		struct cx_status st;
		struct cx_error err;
		int want = (int)(t * rounds + i) % 250;

		snprintf(code, sizeof(code), "%d", want);
		if (cx_spawn(argv[0], argv, NULL, NULL, &p, &err) < 0 ||
		    cx_process_wait(p, -1, &st) < 0 || !st.exited || st.exit_code != want)
			bad++;
		cx_process_release(p);
		snprintf(missing, sizeof(missing), "/nonexistent-lt/%ld-%d", t, i);
		if (cx_spawn(missing, margv, NULL, NULL, &p, &err) != -ENOENT ||
		    err.step != CX_STEP_EXECVE || strcmp(err.object, missing))
			bad++;
	}
	return (void *)bad;
}

static void threads(void)
{
	pthread_t th[THREADS];
	long bad = 0;
	struct lt_snap s;

	if (lt_on_valgrind())
		rounds = ROUNDS / 4;
	lt_snap(&s);
	for (long t = 0; t < THREADS; t++)
		pthread_create(&th[t], NULL, spawner, (void *)t);
	for (int t = 0; t < THREADS; t++) {
		void *r;

		pthread_join(th[t], &r);
		bad += (long)r;
	}
	is_int(bad, 0, "%d threads x %d spawns and failures: every result is its own", THREADS,
	       rounds);
	lt_unchanged(&s, "threads");
}

static struct cx_process *sleeper(void)
{
	char *argv[] = { (char *)lt_probe(), "sleep", "60", NULL };
	struct cx_process *p = NULL;

	if (cx_spawn(argv[0], argv, NULL, NULL, &p, NULL) < 0)
		tap_bail("spawn a sleeping probe");
	return p;
}

/* Release modes and taking the pidfd (issue 8 §2.13). */
static void release_modes(void)
{
	struct cx_process *p = sleeper();
	pid_t pid = cx_process_pid(p);
	int fd, status;

	is_int(cx_process_release_mode(p, 1u << 7), -EINVAL, "release_mode: unknown bit: EINVAL");
	is_int(cx_process_release_mode(p, CX_RELEASE_KILL | CX_RELEASE_WAIT), 0,
	       "release_mode(KILL|WAIT) of a running child");
	ok(waitpid(pid, &status, WNOHANG) < 0 && errno == ECHILD,
	   "it was killed and reaped: no zombie, no child");
	ok(!cxt_has_zombie(), "no zombie");

	p = sleeper();
	pid = cx_process_pid(p);
	is_int(cx_process_release_mode(p, CX_RELEASE_KILL), 0, "release_mode(KILL)");
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	   "the child was killed and left for the caller to reap");

	p = sleeper();
	pid = cx_process_pid(p);
	fd = cx_process_pidfd_take(p);
	ok(fd >= 0, "pidfd_take gives the pidfd (%d)", fd);
	is_int(cx_process_pidfd(p), -1, "the handle has none after");
	is_int(cx_process_pidfd_take(p), -EBADF, "a second take: EBADF");
	is_int(cx_process_signal(p, SIGKILL), 0, "the handle still signals (by pid)");
	is_int(cx_process_release_mode(p, CX_RELEASE_WAIT), 0, "release_mode(WAIT) by pid");
	ok(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "the taken pidfd outlives the handle, "
	   "close-on-exec");
	if (fd >= 0)
		close(fd);
	ok(waitpid(pid, &status, WNOHANG) < 0 && errno == ECHILD, "and the child was reaped");
	is_int(cx_process_release_mode(NULL, CX_RELEASE_WAIT), 0, "release_mode(NULL) does nothing");
}

int main(void)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	CX_ATTR(userns, .cloneflags = 0x10000000, .uid_map = &map, .nuid_map = 1);
	CX_ATTR(userns_pid, .cloneflags = 0x30000000, .uid_map = &map, .nuid_map = 1);

	if (geteuid() != 0)
		tap_skip_all("needs root");
	dir_root_env();
	waiting();
	core_dump();
	pidfd_kill("plain", NULL);
	pidfd_kill("user namespace", &userns);
	pidfd_kill("user+pid namespaces", &userns_pid);
	tracing();
	threads();
	release_modes();
	return tap_done();
}
