/* SPDX-License-Identifier: MIT */
/*
 * Joining namespaces (issue 10): a target made here (new uts, net, ipc,
 * pid, mount namespaces, hostname set inside) is joined by pidfd and by
 * namespace fds; the program's /proc/self/ns entries are the target's, its PID
 * namespace included, its hostname the target's, and the handle is the
 * program's own (its exit code). Unprivileged: a target in its own user
 * namespace, joined user namespace first. Hostile: a process gone, fds
 * that are no namespace, a pidfd given as a namespace fd, types made by
 * clone too.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine-util.h"

#define NEWUTS_ 0x04000000ULL
#define NEWIPC_ 0x08000000ULL
#define NEWUSER_ 0x10000000ULL
#define NEWPID_ 0x20000000ULL
#define NEWNET_ 0x40000000ULL
#define NEWNS_ 0x00020000ULL
#define NOBODY 65534

struct target {
	struct cx_process *p;
	pid_t pid;   /* the sleeping shell, pid 1 of its namespace */
};

/* A shell that sets its hostname in its new namespaces, says so, sleeps. */
static void start(struct target *t, uint64_t ns, const struct cx_id_map *map)
{
	char *argv[] = { "sh", "-c", "hostname cx-joined && echo ready && exec sleep 60", NULL };
	int pipefd[2], files[3];
	struct cx_error err;
	char buf[16] = "";

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		tap_bail("pipe");
	files[0] = 0, files[1] = pipefd[1], files[2] = 2;
	{
		CX_ATTR(a, .cloneflags = ns, .files = files, .nfiles = 3, .uid_map = map,
			.nuid_map = map ? 1 : 0, .gid_map = map, .ngid_map = map ? 1 : 0);

		if (cx_spawn("/bin/sh", argv, NULL, &a, &t->p, &err) < 0)
			tap_bail("target: %s", err.object);
	}
	close(pipefd[1]);
	if (read(pipefd[0], buf, sizeof(buf) - 1) <= 0 || strncmp(buf, "ready", 5))
		tap_bail("target did not start");
	close(pipefd[0]);
	t->pid = cx_process_pid(t->p);
}

static void stop(struct target *t)
{
	struct cx_status st;

	cx_process_signal(t->p, SIGKILL);
	cx_process_wait(t->p, -1, &st);
	cx_process_release(t->p);
}

static const char *target_ns(const struct target *t, const char *name)
{
	static char bufs[8][128];
	static int i;
	char path[64];
	char *b = bufs[i++ % 8];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)t->pid, name);
	n = readlink(path, b, 127);
	b[n > 0 ? n : 0] = '\0';
	return b;
}

static void same_ns(const struct target *t, const char *what, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		char key[32];

		snprintf(key, sizeof(key), "ns_%s", names[i]);
		is_str(lt_get(out, key), target_ns(t, names[i]), "%s: %s namespace is the target's",
		       what, names[i]);
	}
}

static void by_pidfd(const struct target *t)
{
	static const char *const names[] = { "uts", "net", "ipc", "pid", "mnt", NULL };
	CX_ATTR(a, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = cx_process_pidfd(t->p),
		.join_ns = NEWUTS_ | NEWNET_ | NEWIPC_ | NEWPID_ | NEWNS_);
	char *argv[] = { (char *)cp_path(), "no-such-verb", NULL };
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;

	cp_ok(&a, "pidfd join", "ns", "uts", "ns", "net", "ns", "ipc", "ns", "pid", "ns", "mnt",
	      "hostname", "getpid", "ppid");
	same_ns(t, "pidfd join", names);
	is_str(lt_get(out, "hostname"), "cx-joined", "pidfd join: the target's hostname");
	ok(atoi(lt_get(out, "getpid")) > 1 && atoi(lt_get(out, "getpid")) < 100,
	   "pidfd join: the program has a pid of the joined namespace (%s)",
	   lt_get(out, "getpid"));
	is_str(lt_get(out, "ppid"), "0", "pidfd join: its parent (us) is outside it");
	if (cx_spawn(argv[0], argv, NULL, &a, &p, &err) < 0) {
		ok(0, "pidfd join: spawn for the exit code");
		return;
	}
	is_int(cx_process_wait(p, -1, &st), 0, "pidfd join: the handle waits");
	is_int(st.exit_code, 2, "pidfd join: the handle's exit code is the program's own");
	cx_process_release(p);
	ok(!cxt_has_zombie(), "pidfd join: no zombie (the intermediate child was reaped)");
}

static void by_fds(const struct target *t)
{
	static const char *const names[] = { "uts", "net", "pid", NULL };
	char path[64];
	struct cx_ns_fd fds[3];
	const char *files[] = { "uts", "net", "pid" };

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)t->pid, files[i]);
		fds[i].fd = open(path, O_RDONLY | O_CLOEXEC);
		fds[i].type = i == 0 ? NEWUTS_ : 0;
		fds[i].reserved = 0;
	}
	{
		CX_ATTR(a, .join_fds = fds, .njoin_fds = 3);

		cp_ok(&a, "fd join", "ns", "uts", "ns", "net", "ns", "pid", "hostname");
		same_ns(t, "fd join", names);
		is_str(lt_get(out, "hostname"), "cx-joined", "fd join: the target's hostname");
	}
	for (int i = 0; i < 3; i++)
		close(fds[i].fd);
}

static void hostile(const struct target *t)
{
	char *argv[] = { (char *)cp_path(), "getpid", NULL };
	char *targv[] = { "true", NULL };
	struct cx_process *gone;
	struct cx_status st;
	struct cx_error err;
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct cx_ns_fd notns = { devnull, 0, 0 }, pidfd = { cx_process_pidfd(t->p), 0, 0 };
	struct cx_ns_fd closed = { 999, 0, 0 }, wrong = { -1, 0, NEWNET_ };
	struct cx_ns_fd twice[2];
	char path[64];

	if (cx_spawn("/bin/true", targv, NULL, NULL, &gone, &err) < 0)
		tap_bail("spawn true");
	cx_process_wait(gone, -1, &st);
	{
		CX_ATTR(a, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = cx_process_pidfd(gone),
			.join_ns = NEWUTS_);

		lt_fails("a process that is gone", argv[0], argv, &a, CX_STEP_SETNS, ESRCH);
	}
	cx_process_release(gone);
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)t->pid);
	wrong.fd = open(path, O_RDONLY | O_CLOEXEC);
	twice[0] = twice[1] = (struct cx_ns_fd){ wrong.fd, 0, 0 };
	{
		CX_ATTR(a, .join_fds = &notns, .njoin_fds = 1);
		CX_ATTR(b, .join_fds = &pidfd, .njoin_fds = 1);
		CX_ATTR(c, .join_fds = &closed, .njoin_fds = 1);
		CX_ATTR(d, .join_fds = &wrong, .njoin_fds = 1);
		CX_ATTR(e, .join_fds = twice, .njoin_fds = 2);
		CX_ATTR(f, .join_fds = &twice[0], .njoin_fds = 1, .cloneflags = NEWUTS_);
		CX_ATTR(g, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = cx_process_pidfd(t->p),
			.join_ns = NEWPID_, .cloneflags = NEWPID_);
		CX_ATTR(h, .join_ns = NEWNET_);
		CX_ATTR(i, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = 999, .join_ns = NEWNET_);
		CX_ATTR(j, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = cx_process_pidfd(t->p),
			.join_ns = 1);
		CX_ATTR(k, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = cx_process_pidfd(t->p),
			.join_ns = NEWUTS_, .join_fds = &twice[0], .njoin_fds = 1);

		lt_fails("/dev/null as a namespace", argv[0], argv, &a, CX_STEP_CHECK, EINVAL);
		lt_fails("a pidfd as a namespace fd", argv[0], argv, &b, CX_STEP_CHECK, EINVAL);
		lt_fails("a closed fd", argv[0], argv, &c, CX_STEP_CHECK, EBADF);
		lt_fails("a uts namespace given as net", argv[0], argv, &d, CX_STEP_CHECK, EINVAL);
		lt_fails("one type twice", argv[0], argv, &e, CX_STEP_CHECK, EINVAL);
		lt_fails("a type also made by clone (fd)", argv[0], argv, &f, CX_STEP_CHECK, EINVAL);
		lt_fails("a type also made by clone (pidfd)", argv[0], argv, &g, CX_STEP_CHECK,
			 EINVAL);
		lt_fails("join_ns without the flag", argv[0], argv, &h, CX_STEP_CHECK, EINVAL);
		lt_fails("a closed pidfd", argv[0], argv, &i, CX_STEP_CHECK, EBADF);
		lt_fails("join_ns that are no namespace flags", argv[0], argv, &j, CX_STEP_CHECK,
			 EINVAL);
		lt_fails("one type by pidfd and by fd", argv[0], argv, &k, CX_STEP_CHECK, EINVAL);
	}
	close(wrong.fd);
	close(devnull);
}

static char order[16];

static int note(int index, int step, const char *who, const char *text, void *u)
{
	(void)index, (void)who, (void)u;
	if (step == CX_STEP_SETNS && strlen(order) < sizeof(order) - 1)
		order[strlen(order)] = text[6] == 'u' && text[7] == 's' ? 'U' : 'o';
	return 0;
}

static void unprivileged(void *arg)
{
	static const struct cx_id_map map = { 0, NOBODY, 1 };
	static const char *const names[] = { "user", "uts", NULL };
	char *argv[] = { "true", NULL };
	struct cx_ns_fd fds[2];
	struct cx_error err;
	struct target t;
	char path[64];

	(void)arg;
	cp_become_nobody();
	start(&t, NEWUSER_ | NEWUTS_, &map);
	{
		CX_ATTR(a, .flags = CX_ATTR_JOIN_PIDFD, .join_pidfd = cx_process_pidfd(t.p),
			.join_ns = NEWUSER_ | NEWUTS_);

		cp_ok(&a, "nobody: pidfd join of user and uts", "ns", "user", "ns", "uts",
		      "hostname", "status", "Uid");
		same_ns(&t, "nobody pidfd", names);
		is_str(lt_get(out, "hostname"), "cx-joined", "nobody pidfd: the target's hostname");
	}
	/* The uts fd first in the list: the user namespace still goes first. */
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)t.pid, i ? "user" : "uts");
		fds[i] = (struct cx_ns_fd){ open(path, O_RDONLY | O_CLOEXEC), 0, 0 };
	}
	{
		CX_ATTR(a, .join_fds = fds, .njoin_fds = 2);

		cp_ok(&a, "nobody: fd join of uts and user", "ns", "user", "ns", "uts", "hostname");
		same_ns(&t, "nobody fds", names);
		is_str(lt_get(out, "hostname"), "cx-joined", "nobody fds: the target's hostname");
		memset(order, 0, sizeof(order));
		cx_explain("/bin/true", argv, NULL, &a, 0, note, NULL, &err);
		is_str(order, "Uo", "nobody fds: the user namespace is joined first");
	}
	for (int i = 0; i < 2; i++)
		close(fds[i].fd);
	stop(&t);
}

static void privileged_order(const struct target *t)
{
	char *argv[] = { "true", NULL };
	struct cx_ns_fd fds[2];
	struct cx_error err;
	char path[64];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)t->pid, i ? "uts" : "user");
		fds[i] = (struct cx_ns_fd){ open(path, O_RDONLY | O_CLOEXEC), 0, 0 };
	}
	{
		CX_ATTR(a, .join_fds = fds, .njoin_fds = 2);

		memset(order, 0, sizeof(order));
		cx_explain("/bin/true", argv, NULL, &a, 0, note, NULL, &err);
		is_str(order, "oU", "root: the user namespace is joined last");
	}
	for (int i = 0; i < 2; i++)
		close(fds[i].fd);
}

int main(void)
{
	struct target t;

	if (geteuid() != 0)
		tap_skip_all("needs root");
	start(&t, NEWUTS_ | NEWNET_ | NEWIPC_ | NEWPID_ | NEWNS_, NULL);
	by_pidfd(&t);
	by_fds(&t);
	privileged_order(&t);
	hostile(&t);
	stop(&t);
	lt_sub("unprivileged", unprivileged, NULL);
	return tap_done();
}
