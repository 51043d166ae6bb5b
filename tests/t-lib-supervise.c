/* SPDX-License-Identifier: MIT */
/*
 * cx_process_wait_deadline (issue 11): a child that ends in time is waited
 * for as usual; one that does not gets the signal, and one that ignores it
 * gets SIGKILL after the grace period; the status says which. With
 * CX_WAIT_PGROUP the child's whole process group goes, with CX_WAIT_TREE
 * its whole cgroup. No timed assert: the deadlines are short, the bounds
 * on waiting for a process to be gone generous and only against a hang.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define ROOT "/sys/fs/cgroup/unified"

static char tmp[64];

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static struct cx_process *spawn_sh(const struct cx_attr *a, const char *script)
{
	char *argv[] = { "sh", "-c", (char *)script, tmp, NULL };
	struct cx_process *p = NULL;
	struct cx_error err;
	char msg[512];

	if (cx_spawn("/bin/sh", argv, NULL, a, &p, &err) < 0) {
		cx_error_format(&err, msg, sizeof(msg));
		diag("spawn: %s", msg);
		return NULL;
	}
	return p;
}

/* The script writes its background job's pid to $0/bg.pid, then "ready". */
static pid_t wait_ready(void)
{
	char path[128];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/ready", tmp);
	for (int i = 0; i < 2000 && access(path, F_OK) < 0; i++)
		nap_ms(5);
	snprintf(path, sizeof(path), "%s/bg.pid", tmp);
	pid = atoi(lt_slurp(path));
	unlink(path);
	snprintf(path, sizeof(path), "%s/ready", tmp);
	unlink(path);
	return pid;
}

static int running(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return strchr("RSD", lt_get(lt_slurp(path), "State")[0]) != NULL;
}

/* Until its last member is reaped (by whoever inherited it). */
static int group_gone(pid_t pgid)
{
	for (int i = 0; i < 1000; i++) {
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			return 1;
		nap_ms(10);
	}
	return 0;
}

static void in_time(void)
{
	CX_ATTR(a, .flags = 0);
	struct cx_process *p = spawn_sh(&a, "exit 3");
	struct cx_status st;

	if (!ok(p != NULL, "spawn"))
		return;
	is_int(cx_process_wait_deadline(p, 60000, SIGTERM, 1000, 0, &st), 0, "ends in time");
	ok(st.exited && st.exit_code == 3, "exit code 3");
	is_int(st.supervision, 0, "no supervision stage");
	is_int(st.timeout_signal, 0, "no timeout signal");
	is_int(cx_process_wait_deadline(p, 0, SIGTERM, 0, 0, &st), -ECHILD, "then -ECHILD");
	cx_process_release(p);
}

static void terminated(void)
{
	CX_ATTR(a, .flags = 0);
	struct cx_process *p = spawn_sh(&a, "exec sleep 1000");
	struct cx_status st;

	if (!ok(p != NULL, "spawn sleep"))
		return;
	is_int(cx_process_wait_deadline(p, 100, SIGTERM, 30000, 0, &st), 0, "deadline passes");
	ok(!st.exited && st.signal == SIGTERM, "the child died of SIGTERM (%d)", st.signal);
	is_int(st.supervision, CX_SUPERVISION_TIMED_OUT, "status: timed out, no SIGKILL");
	is_int(st.timeout_signal, SIGTERM, "status: the signal was SIGTERM");
	cx_process_release(p);
}

static void killed(unsigned int flags, const char *what)
{
	static const char script[] = "trap '' TERM; sleep 1000 & echo $! > $0/bg.pid; "
				     ": > $0/ready; while :; do wait; done";
	CX_ATTR(group, .flags = CX_ATTR_SETPGID);
	CX_ATTR(tree, .cgroup_parent = NULL);
	char parent[128];
	struct cx_process *p;
	struct cx_status st;
	const char *cg = NULL;
	pid_t bg;

	snprintf(parent, sizeof(parent), ROOT "/lt-supervise-%d", (int)getpid());
	if (flags & CX_WAIT_TREE) {
		if (lt_on_valgrind()) {
			lt_skip(what, "valgrind has no clone3: no cgroup of its own");
			return;
		}
		if (mkdir(parent, 0755) < 0) {
			ok(0, "%s: mkdir %s: %s", what, parent, strerror(errno));
			return;
		}
		tree.cgroup_parent = parent;
	}
	p = spawn_sh(flags & CX_WAIT_TREE ? &tree : &group, script);
	if (!ok(p != NULL, "%s: spawn a shell ignoring SIGTERM", what))
		goto out;
	bg = wait_ready();
	ok(bg > 0, "%s: its background job is %d", what, (int)bg);
	cg = cx_process_cgroup(p);
	is_int(cx_process_wait_deadline(p, 50, SIGTERM, 200, flags, &st), 0, "%s: wait", what);
	ok(!st.exited && st.signal == SIGKILL, "%s: the child died of SIGKILL (%d)", what,
	   st.signal);
	is_int(st.supervision, CX_SUPERVISION_TIMED_OUT | CX_SUPERVISION_KILLED,
	       "%s: status: timed out, then killed", what);
	is_int(st.timeout_signal, SIGTERM, "%s: the first signal was SIGTERM", what);
	if (flags)
		ok(bg > 0 && lt_gone(bg), "%s: the background job is gone too", what);
	else
		ok(bg > 0 && running(bg) && kill(bg, SIGKILL) == 0,
		   "%s: the child alone: its background job was left running", what);
	if (flags & CX_WAIT_PGROUP)
		ok(group_gone(cx_process_pid(p)), "%s: the process group is gone", what);
	cx_process_release(p);
	if (flags & CX_WAIT_TREE)
		ok(cg == NULL || access(cg, F_OK) < 0, "%s: the cgroup is removed", what);
out:
	if (flags & CX_WAIT_TREE)
		is_int(rmdir(parent), 0, "%s: our parent cgroup removed", what);
}

static void sigkill_at_once(void)
{
	CX_ATTR(a, .flags = 0);
	struct cx_process *p = spawn_sh(&a, "trap '' TERM; exec sleep 1000");
	struct cx_status st;

	if (!ok(p != NULL, "spawn"))
		return;
	is_int(cx_process_wait_deadline(p, 50, SIGKILL, -1, 0, &st), 0, "SIGKILL at the deadline");
	is_int(st.signal, SIGKILL, "died of SIGKILL");
	is_int(st.supervision, CX_SUPERVISION_TIMED_OUT, "timed out; no second stage");
	is_int(st.timeout_signal, SIGKILL, "timeout_signal SIGKILL");
	cx_process_release(p);
}

static void bad_args(void)
{
	CX_ATTR(a, .flags = 0);
	struct cx_process *p = spawn_sh(&a, "exit 0");
	struct cx_status st;

	if (!ok(p != NULL, "spawn"))
		return;
	memset(&st, 0x5a, sizeof(st));
	is_int(cx_process_wait_deadline(NULL, 0, SIGTERM, 0, 0, &st), -EINVAL, "NULL handle");
	is_int(cx_process_wait_deadline(p, 0, 0, 0, 0, &st), -EINVAL, "signal 0");
	is_int(cx_process_wait_deadline(p, 0, _NSIG, 0, 0, &st), -EINVAL, "signal _NSIG");
	is_int(cx_process_wait_deadline(p, 0, SIGTERM, 0, 1 << 5, &st), -EINVAL, "unknown flag");
	is_int(cx_process_wait_deadline(p, 0, SIGTERM, 0, CX_WAIT_TREE, &st), -ENOMEDIUM,
	       "CX_WAIT_TREE without a cgroup of its own");
	is_int(cx_process_kill_tree(p, SIGKILL), -ENOMEDIUM, "kill_tree without one");
	ok(cx_process_cgroup(p) == NULL, "cx_process_cgroup: NULL without one");
	is_int(st.exit_code, 0x5a5a5a5a, "the status untouched on failure");
	is_int(cx_process_wait_deadline(p, -1, SIGTERM, -1, 0, &st), 0, "then a plain wait");
	cx_process_release(p);
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/cx-supervise.%d", (int)getpid());
	if (mkdir(tmp, 0700) < 0)
		tap_bail("mkdir %s", tmp);
	in_time();
	terminated();
	killed(0, "child only");
	killed(CX_WAIT_PGROUP, "process group");
	if (geteuid() == 0 && access(ROOT "/cgroup.procs", F_OK) == 0)
		killed(CX_WAIT_TREE, "cgroup");
	else
		lt_skip("cgroup", "needs root and cgroup v2 at " ROOT);
	sigkill_at_once();
	bad_args();
	ok(!cxt_has_zombie(), "no zombie");
	rmdir(tmp);
	return tap_done();
}
