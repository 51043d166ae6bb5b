/* SPDX-License-Identifier: MIT */
/*
 * A thread cancelled while it spawns (a cancellation request pending when it
 * calls cx_spawn, acted upon at the first cancellation point inside): the
 * spawn must run to its end as posix_spawn does in glibc and musl (which
 * disable cancellation for the call), return its handle, and leave the
 * request pending for the caller's next cancellation point. Before, the
 * thread unwound at the open() of the parent's map writes, leaving a child
 * asleep on a futex in the dead frame, or at a close() after a vfork with
 * pdeathsig, losing the handle (a zombie, two pidfds leaked).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

struct job {
	const struct cx_attr *attr;
	volatile int returned;  /* cx_spawn came back */
	int r, waited;
	struct cx_status st;
	struct cx_process *p;
	struct cx_error err;
};

/* Static: no local of this frame, which the cancellation unwinds, may
 * carry AddressSanitizer redzones (it does not unpoison unwound frames). */
static char *argv[] = { NULL, "exit", "0", NULL };

static void *spawner(void *arg)
{
	struct job *j = arg;

	pthread_cancel(pthread_self());
	j->r = cx_spawn(argv[0], argv, NULL, j->attr, &j->p, &j->err);
	j->returned = 1;
	/* Wait here: a parent-death signal follows the spawning thread. The
	 * wait is a cancellation point, which must not act before it. */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	if (j->r == 0)
		j->waited = cx_process_wait(j->p, -1, &j->st);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel();
	return NULL;
}

/* A child the library lost would sleep forever holding our stdout. */
static int kill_children(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[300], buf[4096];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children", e->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fscanf(f, "%4095s", buf) == 1) {
			kill(atoi(buf), SIGKILL);
			waitpid(atoi(buf), NULL, __WALL);
			n++;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

static void one(const char *what, const struct cx_attr *attr)
{
	struct job j = { .attr = attr, .r = -1 };
	struct lt_snap snap;
	pthread_t t;
	void *res = NULL;

	lt_snap(&snap);
	if (pthread_create(&t, NULL, spawner, &j) != 0)
		tap_bail("pthread_create");
	pthread_join(t, &res);
	ok(res == PTHREAD_CANCELED, "%s: the thread was cancelled", what);
	if (!ok(j.returned, "%s: cx_spawn returned before the cancellation acted", what)) {
		is_int(kill_children(), 0, "%s: no child left behind by the unwound spawn", what);
		return;
	}
	is_int(j.r, 0, "%s: and succeeded", what);
	if (j.r == 0) {
		ok(j.waited == 0 && j.st.exited && j.st.exit_code == 0,
		   "%s: the child ran and exited 0", what);
		cx_process_release(j.p);
	}
	lt_unchanged(&snap, what);
}

int main(void)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	/* The parent writes the maps: the child waits on a futex for them. */
	CX_ATTR(vm_wait, .cloneflags = CX_NEWUSER, .uid_map = &map, .nuid_map = 1,
		.gid_map = &map, .ngid_map = 1);
	CX_ATTR(pdeath, .pdeathsig = SIGKILL);
	CX_ATTR(plain);

	if (geteuid() != 0)
		tap_skip_all("needs root (a user namespace with a 65536-id map)");
	argv[0] = (char *)lt_probe();
	one("parent writes the maps", &vm_wait);
	one("vfork with pdeathsig", &pdeath);
	one("plain vfork", &plain);
	return tap_done();
}
