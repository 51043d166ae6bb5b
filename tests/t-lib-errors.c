/* SPDX-License-Identifier: MIT */
/*
 * Each step's failure comes back as that step with the kernel's errno, the
 * error line names step and object, the index points at the same step in
 * cx_explain's list, and after every failure the caller has no zombie, no
 * extra fd and the same signal mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char dir[256];
static char *probe_argv[2];

static void format_is(const char *path, char *const argv[], const struct cx_attr *a,
		      const char *want)
{
	struct cx_process *p = NULL;
	struct cx_error err;
	char line[512];
	int r = cx_spawn(path, argv, NULL, a, &p, &err);

	ok(r < 0, "'%s': fails", want);
	if (r == 0) {
		cx_process_wait(p, -1, NULL);
		cx_process_release(p);
		return;
	}
	cx_error_format(&err, line, sizeof(line));
	is_str(line, want, "cx_error_format");
}

/* The failing op's index is the same step in cx_explain's list. */
struct find {
	int index, step;
};

static int at_index(int index, int step, const char *who, const char *text, void *data)
{
	struct find *f = data;

	(void)who;
	(void)text;
	if (index == f->index)
		f->step = step;
	return 0;
}

static void index_matches(const char *path, char *const argv[], const struct cx_attr *a)
{
	struct cx_process *p = NULL;
	struct cx_error err;
	struct find f = { 0, -1 };
	int r = cx_spawn(path, argv, NULL, a, &p, &err);

	if (r == 0) {
		cx_process_wait(p, -1, NULL);
		cx_process_release(p);
	}
	f.index = err.index;
	cx_explain(path, argv, NULL, a, 0, at_index, &f, NULL);
	ok(r < 0 && err.index > 0 && f.step == err.step,
	   "%s: error index %d is that step in cx_explain's list", cx_step_name(err.step),
	   err.index);
}

/* A file with this text and mode, or bail out. */
static void put_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t len = (ssize_t)strlen(text);

	if (fd < 0 || write(fd, text, (size_t)len) != len)
		tap_bail("%s", path);
	close(fd);
}

static void as_root(void)
{
	char file[300], script[300], big_path[300];
	CX_ATTR(none);
	CX_ATTR(chr, .chroot = "/nonexistent-lt");
	CX_ATTR(cd, .dir = "/nonexistent-lt/dir");
	static const struct cx_id_map map = { 0, 0, 1 };
	CX_ATTR(maps, .uid_map = &map, .nuid_map = 1);
	CX_ATTR(cg, .flags = CX_ATTR_CGROUP);
	CX_ATTR(cg_closed, .flags = CX_ATTR_CGROUP, .cgroup_fd = 999);
	char *argv[] = { "x", NULL };
	char *big = malloc(200001);
	char *bigv[] = { "x", big, NULL };

	lt_fails("missing chroot", lt_probe(), probe_argv, &chr, CX_STEP_CHROOT, ENOENT);
	format_is(lt_probe(), probe_argv, &chr, "chroot /nonexistent-lt: No such file or directory");
	index_matches(lt_probe(), probe_argv, &chr);

	lt_fails("missing dir", lt_probe(), probe_argv, &cd, CX_STEP_CHDIR, ENOENT);
	format_is(lt_probe(), probe_argv, &cd, "chdir /nonexistent-lt/dir: No such file or directory");
	index_matches(lt_probe(), probe_argv, &cd);

	lt_fails("missing program", "/nonexistent-lt/prog", argv, &none, CX_STEP_EXECVE, ENOENT);
	format_is("/nonexistent-lt/prog", argv, &none,
		  "execve /nonexistent-lt/prog: No such file or directory");
	index_matches("/nonexistent-lt/prog", argv, &none);

	snprintf(file, sizeof(file), "%s/plain", dir);
	put_file(file, "#!/bin/sh\n", 0644);
	lt_fails("not executable", file, argv, &none, CX_STEP_EXECVE, EACCES);
	lt_fails("a directory", dir, argv, &none, CX_STEP_EXECVE, EACCES);

	snprintf(script, sizeof(script), "%s/garbage", dir);
	put_file(script, "\x01\x02\x03 not a program\n", 0755);
	lt_fails("garbage with the exec bit", script, argv, &none, CX_STEP_EXECVE, ENOEXEC);

	/* One argument above MAX_ARG_STRLEN (32 pages). */
	memset(big, 'a', 200000);
	big[200000] = '\0';
	if (lt_on_valgrind())
		lt_skip("argv too large", "valgrind cannot survive an execve the kernel refuses "
			"late (E2BIG): the child dies before it can report");
	else
		lt_fails("argv too large", lt_probe(), bigv, &none, CX_STEP_EXECVE, E2BIG);
	free(big);

	/* A cgroup fd that is not a cgroup v2 directory: the kernel would refuse
	 * it at the clone (EBADF); the library says so before. */
	snprintf(big_path, sizeof(big_path), "%s", dir);
	cg.cgroup_fd = open(big_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	lt_fails("cgroup fd of a plain directory", lt_probe(), probe_argv, &cg, CX_STEP_CHECK,
		 EBADF);
	format_is(lt_probe(), probe_argv, &cg,
		  "cgroup_fd: not a cgroup v2 directory: Bad file descriptor");
	close(cg.cgroup_fd);
	cg.cgroup_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	lt_fails("cgroup fd of /dev/null", lt_probe(), probe_argv, &cg, CX_STEP_CHECK, EBADF);
	close(cg.cgroup_fd);
	lt_fails("cgroup fd not open", lt_probe(), probe_argv, &cg_closed, CX_STEP_CHECK, EBADF);

	lt_fails("maps without a user namespace", lt_probe(), probe_argv, &maps, CX_STEP_CHECK,
		 EINVAL);
	lt_fails("ptrace on a missing program", "/nonexistent-lt/prog", argv,
		 &(struct cx_attr){ .size = sizeof(struct cx_attr), .flags = CX_ATTR_PTRACE },
		 CX_STEP_EXECVE, ENOENT);
	lt_fails("unshare with a flag that is not a namespace", lt_probe(),
		 probe_argv,
		 &(struct cx_attr){ .size = sizeof(struct cx_attr), .unshareflags = 0x800 },
		 CX_STEP_CHECK, EINVAL);
}

/* A non-root caller: each credential step refuses with EPERM. */
static void as_user(void *unused)
{
	static const gid_t g[] = { 0 };
	CX_ATTR(groups, .flags = CX_ATTR_CREDENTIAL, .uid = 0, .gid = 0, .groups = g, .ngroups = 1);
	CX_ATTR(nogroups, .flags = CX_ATTR_CREDENTIAL, .uid = 0, .gid = 0);
	CX_ATTR(gid, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_NO_SETGROUPS, .uid = 0, .gid = 0);
	CX_ATTR(uid, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_NO_SETGROUPS, .uid = 0, .gid = 1000);
	struct cx_rlimit raise = { RLIMIT_NOFILE, 0, 0 };
	CX_ATTR(rl, .rlimits = &raise, .nrlimits = 1);
	CX_ATTR(chr, .chroot = "/");
	CX_ATTR(ns, .unshareflags = CLONE_NEWNET);
	struct rlimit now;
	(void)unused;

	if (cxt_drop_to(1000, 1000) < 0)
		tap_bail("drop to 1000");
	lt_fails("non-root setgroups", lt_probe(), probe_argv, &groups, CX_STEP_SETGROUPS, EPERM);
	lt_fails("non-root credential with no groups", lt_probe(), probe_argv, &nogroups,
		 CX_STEP_SETGROUPS, EPERM);
	lt_fails("non-root setgid", lt_probe(), probe_argv, &gid, CX_STEP_SETGID, EPERM);
	lt_fails("non-root setuid", lt_probe(), probe_argv, &uid, CX_STEP_SETUID, EPERM);
	format_is(lt_probe(), probe_argv, &uid, "setuid 0: Operation not permitted");
	getrlimit(RLIMIT_NOFILE, &now);
	raise.soft = raise.hard = now.rlim_max + 1;
	lt_fails("non-root raising a hard limit", lt_probe(), probe_argv, &rl, CX_STEP_SETRLIMIT,
		 EPERM);
	lt_fails("non-root chroot", lt_probe(), probe_argv, &chr, CX_STEP_CHROOT, EPERM);
	lt_fails("non-root unshare net", lt_probe(), probe_argv, &ns, CX_STEP_UNSHARE, EPERM);
}

/* Ten failed execs leave no pidfd (Go's TestPidFDWithFailedExec...). */
static void ten_failures(void)
{
	char *argv[] = { "x", NULL };
	int before = cxt_fd_count(), fails = 0;

	for (int i = 0; i < 10; i++) {
		struct cx_process *p = NULL;

		fails += cx_spawn("/nonexistent-lt/prog", argv, NULL, NULL, &p, NULL) == -ENOENT;
	}
	is_int(fails, 10, "ten failed execs fail");
	is_int(cxt_fd_count(), before, "ten failed execs leave no fd");
	ok(!cxt_has_zombie(), "ten failed execs leave no zombie");
}

static void handler(int sig)
{
	(void)sig;
}

int main(void)
{
	sigset_t set;

	if (geteuid() != 0)
		tap_skip_all("needs root");
	probe_argv[0] = (char *)lt_probe();
	/* A mask and a handler of the caller's own, to see them survive. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 3);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, handler);
	snprintf(dir, sizeof(dir), "/tmp/lt-errors-%d", (int)getpid());
	mkdir(dir, 0755);
	as_root();
	ten_failures();
	lt_sub("user 1000", as_user, NULL);
	lt_remove_root(dir);
	return tap_done();
}
