/* SPDX-License-Identifier: MIT */
/*
 * cx_exec: the steps run in the calling process, which becomes the program
 * with the same pid. Each case runs in a forked process of the test (the
 * "caller"), which notes its pid and namespaces, then calls cx_exec on the
 * probe; the probe's report says what the program got. Refusals must come
 * before any change: the caller checks itself after a refused cx_exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define CGROUP_ROOT "/sys/fs/cgroup/unified"

struct result {
	char out[LT_OUT];  /* the probe's report, or the caller's own on failure */
	int status;        /* waitpid status of the caller */
	pid_t pid;         /* the caller's pid */
};

static void on_usr1(int sig)
{
	(void)sig;
}

/* Fork a caller that runs cx_exec(probe, verbs...) with attr. If cx_exec
 * returns, the caller prints "r=...", the error and what it sees of itself
 * (is it unchanged?) and exits 3. */
static void run_exec(const struct cx_attr *attr, struct result *res, char *const verbs[])
{
	char *argv[16] = { (char *)lt_probe() };
	int pfd[2], n = 1;
	size_t used = 0;
	ssize_t got;

	for (; verbs[n - 1] && n < 15; n++)
		argv[n] = verbs[n - 1];
	argv[n] = NULL;
	fflush(stdout);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		tap_bail("pipe: %s", strerror(errno));
	res->pid = fork();
	if (res->pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (res->pid == 0) {
		struct cx_error err;
		char msg[600], uts[128];
		int r;

		dup2(pfd[1], 1);
		signal(SIGUSR1, on_usr1);
		snprintf(uts, sizeof(uts), "%s", lt_self_ns("uts"));
		r = cx_exec(argv[0], argv, NULL, attr, &err);
		cx_error_format(&err, msg, sizeof(msg));
		printf("r=%d\nstep=%d\nindex=%d\nmsg=%s\n", r, err.step, err.index, msg);
		printf("uts_same=%d\n", !strcmp(uts, lt_self_ns("uts")));
		printf("SigCgt=%s\n", lt_self_status("SigCgt"));
		fflush(stdout);
		_exit(3);
	}
	close(pfd[1]);
	while (used + 1 < sizeof(res->out) &&
	       (got = read(pfd[0], res->out + used, sizeof(res->out) - 1 - used)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		used += (size_t)got;
	}
	res->out[used] = '\0';
	close(pfd[0]);
	while (waitpid(res->pid, &res->status, 0) < 0 && errno == EINTR)
		;
}

static int exited(const struct result *res, int code)
{
	return WIFEXITED(res->status) && WEXITSTATUS(res->status) == code;
}

static void same_pid(void)
{
	static struct result res;
	char pid[32];
	CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS);

	run_exec(&a, &res, (char *[]){ "stat", "fds", "status", NULL });
	ok(exited(&res, 0), "plain: the program ran and exited 0");
	snprintf(pid, sizeof(pid), "%d", (int)res.pid);
	is_str(lt_get(res.out, "pid"), pid, "plain: the program has the caller's pid");
	is_str(lt_get(res.out, "fds"), "0,1,2", "plain: close-other-fds leaves 0, 1, 2");
	is_str(lt_get(res.out, "SigCgt"), "0000000000000000",
	       "plain: the caller's SIGUSR1 handler is reset");
}

static void namespaces(void)
{
	static struct result res;
	struct cx_id_map uid = { 0, getuid(), 1 }, gid = { 0, getgid(), 1 };
	CX_ATTR(a, .cloneflags = CX_NEWUSER | CX_NEWUTS | CX_NEWNS | CX_NEWIPC, .uid_map = &uid,
		.nuid_map = 1, .gid_map = &gid, .ngid_map = 1);
	unsigned int in = 1, out = 0, count = 0;
	const char *map;

	run_exec(&a, &res, (char *[]){ "ns", "uid_map", NULL });
	ok(exited(&res, 0), "namespaces: the program ran");
	for (const char *const *n = (const char *const[]){ "user", "uts", "mnt", "ipc", NULL }; *n;
	     n++) {
		char key[16];

		snprintf(key, sizeof(key), "ns_%s", *n);
		ok(*lt_get(res.out, key) && strcmp(lt_get(res.out, key), lt_self_ns(*n)) != 0,
		   "namespaces: a new %s namespace (%s)", *n, lt_get(res.out, key));
	}
	is_str(lt_get(res.out, "ns_pid"), lt_self_ns("pid"), "namespaces: the same pid namespace");
	map = strstr(res.out, "ns_time=");
	map = map ? strchr(map, '\n') : NULL;
	ok(map && sscanf(map, "%u %u %u", &in, &out, &count) == 3 && in == 0 && out == getuid() &&
	   count == 1, "namespaces: the uid map is the caller's own id as 0");
}

/* A mount in place gets a mount namespace of its own (by unshare): the
 * caller's namespace never sees it. */
static void mounts(void)
{
	static struct result res;
	char dir[] = "/tmp/cx-t-exec.XXXXXX", want[64];
	struct cx_mount m = { .kind = CX_MOUNT_TMPFS, .target = dir };

	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	CX_ATTR(a, .mounts = &m, .nmounts = 1);
	run_exec(&a, &res, (char *[]){ "ns", "cat", "/proc/self/mountinfo", NULL });
	snprintf(want, sizeof(want), " %s ", dir);
	ok(exited(&res, 0) && strstr(res.out, want) != NULL, "mounts: the program sees the tmpfs");
	ok(*lt_get(res.out, "ns_mnt") && strcmp(lt_get(res.out, "ns_mnt"), lt_self_ns("mnt")) != 0,
	   "mounts: in a mount namespace of its own");
	ok(strstr(lt_slurp("/proc/self/mountinfo"), want) == NULL,
	   "mounts: nothing mounted in the caller's namespace");
	rmdir(dir);
}

static void credentials(void)
{
	static struct result res;
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534);

	if (getuid() != 0) {
		ok(1, "# SKIP credentials: needs root");
		return;
	}
	run_exec(&a, &res, (char *[]){ "status", NULL });
	ok(exited(&res, 0), "credentials: the program ran");
	ok(!strncmp(lt_get(res.out, "Uid"), "65534", 5), "credentials: uid 65534 (%s)",
	   lt_get(res.out, "Uid"));
	ok(!strncmp(lt_get(res.out, "Groups"), "", 1), "credentials: no supplementary groups");
}

static void cgroup(void)
{
	static struct result res;
	char dir[128], want[160];
	int fd;

	snprintf(dir, sizeof(dir), CGROUP_ROOT "/cx-t-exec.%d", (int)getpid());
	if (mkdir(dir, 0755) < 0) {
		ok(1, "# SKIP cgroup: cannot create a cgroup under " CGROUP_ROOT ": %s",
		   strerror(errno));
		return;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CX_ATTR(a, .flags = CX_ATTR_CGROUP, .cgroup_fd = fd);
	run_exec(&a, &res, (char *[]){ "cgroup", NULL });
	close(fd);
	snprintf(want, sizeof(want), "0::/cx-t-exec.%d", (int)getpid());
	ok(exited(&res, 0) && strstr(res.out, want) != NULL,
	   "cgroup: the caller joined the cgroup before the exec (%s)", want);
	ok(rmdir(dir) == 0, "cgroup: empty again once the program is gone");
}

/* Refused before any change: the caller is as it was. */
static void refused(const char *what, const struct cx_attr *a, const char *msg)
{
	static struct result res;

	run_exec(a, &res, (char *[]){ "exit", "0", NULL });
	ok(exited(&res, 3), "%s: cx_exec returned", what);
	is_str(lt_get(res.out, "r"), "-22", "%s: -EINVAL", what);
	is_int(atoi(lt_get(res.out, "step")), CX_STEP_CHECK, "%s: step 'check attributes'", what);
	ok(strstr(lt_get(res.out, "msg"), msg) != NULL, "%s: says why (%s)", what,
	   lt_get(res.out, "msg"));
	is_str(lt_get(res.out, "uts_same"), "1", "%s: nothing changed", what);
	ok(strcmp(lt_get(res.out, "SigCgt"), "0000000000000000") != 0,
	   "%s: the caller's handler is still there", what);
}

struct explained {
	int step, at, not_self;
};

static int collect(int index, int step, const char *who, const char *text, void *data)
{
	struct explained *e = data;

	(void)text;
	if (strcmp(who, "self"))
		e->not_self = 1;
	if (step == e->step && !e->at)
		e->at = index;
	return 0;
}

/* Where cx_explain(IN_PLACE) puts step; every step is the caller's own. */
static int explain_index(const struct cx_attr *a, int step)
{
	struct explained e = { step, 0, 0 };
	char *argv[] = { (char *)lt_probe(), NULL };
	int r = cx_explain(argv[0], argv, NULL, a, CX_EXPLAIN_IN_PLACE, collect, &e, NULL);

	ok(r == 0 && !e.not_self, "explain in place: every step run by the caller itself");
	return e.at;
}

static void failing_step(void)
{
	static struct result res;
	CX_ATTR(cd, .dir = "/nonexistent-cx-exec");
	char index[16];

	run_exec(&cd, &res, (char *[]){ "exit", "0", NULL });
	ok(exited(&res, 3), "missing dir: cx_exec returned");
	is_str(lt_get(res.out, "msg"), "chdir /nonexistent-cx-exec: No such file or directory",
	       "missing dir: the step and its object");
	snprintf(index, sizeof(index), "%d", explain_index(&cd, CX_STEP_CHDIR));
	is_str(lt_get(res.out, "index"), index, "missing dir: the index of cx_explain's list");

	CX_ATTR(none);
	{
		static struct result r2;
		char *argv[] = { "/nonexistent-cx-exec/prog", NULL };
		struct cx_error err;
		pid_t pid;
		int status;

		fflush(stdout);
		pid = fork();
		if (pid == 0)
			_exit(cx_exec(argv[0], argv, NULL, &none, &err) == -ENOENT &&
			      err.step == CX_STEP_EXECVE ? 7 : 8);
		waitpid(pid, &status, 0);
		r2.status = status;
		ok(exited(&r2, 7), "missing program: -ENOENT at step execve");
	}
}

int main(void)
{
	struct cx_id_map other = { 0, 4242, 1 };
	CX_ATTR(pid_ns, .cloneflags = CX_NEWPID);
	CX_ATTR(other_maps, .cloneflags = CX_NEWUSER, .uid_map = &other, .nuid_map = 1);
	CX_ATTR(pidfd, .flags = CX_ATTR_REQUIRE_PIDFD);
	CX_ATTR(own_cgroup, .cgroup_parent = CGROUP_ROOT);

	same_pid();
	namespaces();
	mounts();
	credentials();
	cgroup();
	refused("a new PID namespace", &pid_ns, "a new PID namespace takes a new process");
	refused("maps of other ids", &other_maps, "can map only the caller's uid");
	refused("a pidfd", &pidfd, "no pidfd without a new process");
	/* No cgroup is made: the check comes first (the directory need not
	 * even be a cgroup for the refusal). */
	refused("a cgroup of its own", &own_cgroup, "cgroup_parent: a cgroup of the program's own");
	failing_step();
	return tap_done();
}
