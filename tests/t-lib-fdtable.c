/* SPDX-License-Identifier: MIT */
/*
 * Issue 14: with CX_ATTR_CLOSE_OTHER_FDS the child starts in the caller's
 * fd table (CLONE_FILES) and takes a copy of only the low fds it needs
 * (UNSHARE_FILES). Seen from the child: the size of its table (FDSize in
 * /proc/self/status, which the exec does not shrink) stays small however
 * high the caller's fds go, where a plain spawn copies the whole table.
 * And every fd a later step reads is still there: a high source of the fd
 * plan, a namespace fd to join, the parent-death pidfd opened at spawn
 * time. From the caller: nothing the child opened (its id map writes) ever
 * shows in our table, and spawning while another thread opens and closes
 * fds works every time.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];
static int high; /* an fd far up the caller's table */

static long fdsize(const char *text)
{
	return atol(lt_get(text, "FDSize"));
}

static void table_size(void)
{
	struct cx_status st;
	struct cx_error err;
	int r;

	{
		CX_ATTR(a, .flags = 0);

		r = lt_run(&a, out, &st, &err, "status", NULL);
		lt_ran_ok(r, &st, &err, "inherit all");
		ok(fdsize(out) > high, "inherit all: the child's table holds fd %d (FDSize %ld)",
		   high, fdsize(out));
	}
	{
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS);

		r = lt_run(&a, out, &st, &err, "fds", "status", NULL);
		lt_ran_ok(r, &st, &err, "close other fds");
		if (lt_on_valgrind())
			lt_skip("close other fds: a table of its own",
				"valgrind makes the child by copy, table and all");
		else
			ok(fdsize(out) > 0 && fdsize(out) <= 64,
		   "close other fds: a table of its own, not a copy of ours (FDSize %ld)",
		   fdsize(out));
		is_str(lt_get(out, "fds"), "0,1,2", "close other fds: fds 0-2 only");
	}
}

/* fd 3 of the child is our pipe's write end at `high`. */
static void high_source(void)
{
	int p[2], files[4] = { 0, 1, 2, -1 };
	struct cx_status st;
	struct cx_error err;
	char buf[16] = "";
	int r;

	if (pipe2(p, O_CLOEXEC) < 0 || dup3(p[1], high - 1, O_CLOEXEC) < 0)
		tap_bail("pipe: %s", strerror(errno));
	close(p[1]);
	files[3] = high - 1;
	{
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .files = files, .nfiles = 4);

		r = lt_run(&a, out, &st, &err, "write-fd", "3", "hi", NULL);
		lt_ran_ok(r, &st, &err, "a source at a high fd");
	}
	close(high - 1);
	r = (int)read(p[0], buf, sizeof(buf) - 1);
	is_str(r > 0 ? buf : "", "hi", "a source at a high fd: the child wrote through it");
	close(p[0]);
}

/* The child writes its own maps (/proc/self/...) after leaving our table. */
static void own_maps(void)
{
	struct cx_id_map um = { 0, getuid(), 1 }, gm = { 0, getgid(), 1 };
	struct cx_status st;
	struct cx_error err;
	struct lt_snap s;
	int r;

	CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .cloneflags = CLONE_NEWUSER, .uid_map = &um,
		.nuid_map = 1, .gid_map = &gm, .ngid_map = 1);
	lt_snap(&s);
	r = lt_run(&a, out, &st, &err, "fds", "status", NULL);
	if (r == -EPERM || r == -ENOSPC || r == -EACCES) {
		lt_skip("user namespace", "no user namespace here: %s", strerror(-r));
		return;
	}
	lt_ran_ok(r, &st, &err, "user namespace, maps by the child");
	is_str(lt_get(out, "fds"), "0,1,2", "user namespace: fds 0-2 only");
	lt_unchanged(&s, "user namespace: our table as before");
}

/* pdeathsig in a new PID namespace polls a pidfd of ours, opened after the
 * plan was made: with fds 3-40 taken it lands above them. */
static void parent_pidfd(void)
{
	struct cx_id_map um = { 0, getuid(), 1 }, gm = { 0, getgid(), 1 };
	struct cx_status st;
	struct cx_error err;
	int r, taken[38];

	for (int i = 0; i < 38; i++)
		taken[i] = dup3(open("/dev/null", O_RDONLY | O_CLOEXEC), 3 + i, O_CLOEXEC);
	{
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .pdeathsig = SIGKILL,
			.cloneflags = CLONE_NEWUSER | CLONE_NEWPID, .uid_map = &um, .nuid_map = 1,
			.gid_map = &gm, .ngid_map = 1);

		r = lt_run(&a, out, &st, &err, "fds", NULL);
	}
	for (int i = 0; i < 38; i++)
		if (taken[i] >= 0)
			close(taken[i]);
	if (r == -EPERM || r == -ENOSPC || r == -EACCES) {
		lt_skip("pdeathsig in a PID namespace", "no user namespace here: %s", strerror(-r));
		return;
	}
	lt_ran_ok(r, &st, &err, "pdeathsig in a PID namespace, its pidfd above fd 40");
	is_str(lt_get(out, "fds"), "0,1,2", "pdeathsig: fds 0-2 only in the program");
}

static void join_high(void)
{
	struct cx_ns_fd j = { .fd = -1, .type = CLONE_NEWUTS };
	struct cx_status st;
	struct cx_error err;
	int r;

	if (geteuid() != 0) {
		lt_skip("join by a high fd", "setns needs CAP_SYS_ADMIN");
		return;
	}
	j.fd = dup3(open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC), high - 2, O_CLOEXEC);
	{
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .join_fds = &j, .njoin_fds = 1);

		r = lt_run(&a, out, &st, &err, "fds", "ns", NULL);
	}
	close(j.fd);
	lt_ran_ok(r, &st, &err, "join a namespace by an fd high in our table");
	is_str(lt_get(out, "ns_uts"), lt_self_ns("uts"), "join: the namespace of that fd");
}

struct explained {
	int seen, after_clone;
	char text[128];
};

static int note(int index, int step, const char *who, const char *text, void *data)
{
	struct explained *e = data;

	(void)who;
	if (step == CX_STEP_CLONE3 || step == CX_STEP_CLONE)
		e->after_clone = index + 1;
	if (step == CX_STEP_UNSHARE_FILES) {
		e->seen = index == e->after_clone ? 2 : 1;
		snprintf(e->text, sizeof(e->text), "%s", text);
	}
	return 0;
}

static void explained(void)
{
	char *argv[] = { "probe", NULL };
	int files[4] = { 0, 1, 2, high - 1 };
	struct explained e = { 0 };
	struct cx_error err;

	{
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS);

		cx_explain(lt_probe(), argv, NULL, &a, 0, note, &e, &err);
	}
	if (lt_on_valgrind()) {
		lt_skip("explain", "valgrind makes the child by copy: no such step");
		return;
	}
	is_int(e.seen, 2, "explain: \"unshare fd table\" right after the clone");
	ok(strstr(e.text, "fds 0-2 only") != NULL, "explain: '%s'", e.text);
	memset(&e, 0, sizeof(e));
	if (dup3(0, high - 1, O_CLOEXEC) < 0)
		tap_bail("dup3: %s", strerror(errno));
	{
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .files = files, .nfiles = 4);
		char want[32];

		cx_explain(lt_probe(), argv, NULL, &a, 0, note, &e, &err);
		snprintf(want, sizeof(want), "fds 0-%d only", high - 1);
		ok(strstr(e.text, want) != NULL, "explain with a source at %d: '%s'", high - 1, e.text);
	}
	close(high - 1);
	memset(&e, 0, sizeof(e));
	{
		CX_ATTR(a, .flags = 0);

		cx_explain(lt_probe(), argv, NULL, &a, 0, note, &e, &err);
	}
	is_int(e.seen, 0, "explain: no such step when the child inherits every fd");
}

static volatile int churning = 1;

static void *churn(void *arg)
{
	(void)arg;
	while (churning) {
		int fd = open("/dev/null", O_RDONLY); /* inheritable, on purpose */

		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

static void threads(void)
{
	char *argv[] = { "probe", NULL };
	struct cx_status st;
	struct cx_process *p;
	struct cx_error err;
	struct lt_snap s;
	pthread_t t;
	int fails = 0, n = lt_on_valgrind() ? 20 : 300;

	lt_snap(&s);
	if (pthread_create(&t, NULL, churn, NULL) != 0)
		tap_bail("pthread_create");
	for (int i = 0; i < n; i++) {
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS);

		if (cx_spawn(lt_probe(), argv, NULL, &a, &p, &err) < 0) {
			fails++;
			continue;
		}
		if (cx_process_wait(p, -1, &st) < 0 || !st.exited || st.exit_code != 0)
			fails++;
		cx_process_release(p);
	}
	churning = 0;
	pthread_join(t, NULL);
	is_int(fails, 0, "%d spawns while another thread opens and closes fds", n);
	lt_unchanged(&s, "after them, our table as before");
}

int main(void)
{
	struct rlimit rl;

	/* As high as the hard limit allows, up to 5000. */
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		tap_bail("getrlimit: %s", strerror(errno));
	high = rl.rlim_max > 5001 ? 5000 : (int)rl.rlim_max - 1;
	if (high < 200)
		tap_skip_all("a hard NOFILE limit of %ld leaves no room", (long)rl.rlim_max);
	rl.rlim_cur = (rlim_t)high + 1;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		tap_bail("setrlimit: %s", strerror(errno));
	if (dup3(open("/dev/null", O_RDONLY | O_CLOEXEC), high, 0) < 0)
		tap_bail("dup3: %s", strerror(errno));
	table_size();
	high_source();
	own_maps();
	parent_pidfd();
	join_high();
	explained();
	threads();
	close(high);
	return tap_done();
}
