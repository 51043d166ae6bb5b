/* SPDX-License-Identifier: MIT */
/*
 * fd plans: child fd i must be the caller's fd files[i], for every
 * permutation, with closed entries, with targets that are also sources
 * (cycles included), with high fds, and close-others must leave exactly
 * the planned fds.
 *
 * Every source is the write end of its own pipe (close-on-exec, so a
 * source kept at its own number must lose the flag to survive the exec).
 * The child writes the tag "<i>;" into each of its fds i; each pipe must
 * receive exactly the tags of the child fds that are copies of it. The
 * child then lists /proc/self/fd through an extra fd (probe "out").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define MAXF 32
#define READ_BASE 2000
#define TAP_FD 3000

static const int sources[] = { 0, 1, 2, 3, 4, 5, 200, 1000 };
#define NSRC ((int)(sizeof(sources) / sizeof(sources[0])))
static char out[LT_OUT];

static int read_end(int src)
{
	for (int k = 0; k < NSRC; k++)
		if (sources[k] == src)
			return READ_BASE + k;
	return -1;
}

/* The sub-process's fds 0-5, 200 and 1000 become pipes; TAP moves away. */
static void setup_world(void)
{
	struct rlimit rl;
	FILE *tapf;
	int tap;

	/* Room for fd TAP_FD + 1. Only the soft limit when the hard one
	 * allows: valgrind keeps the top fds for itself and refuses any
	 * change of the hard limit. */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 4096;
	if (rl.rlim_max < rl.rlim_cur)
		rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		tap_bail("setrlimit: %s", strerror(errno));
	/* fds inherited from whoever ran the test must not reach the child:
	 * the "others" case counts what does. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		tap_bail("close_range: %s", strerror(errno));
	tap = fcntl(1, F_DUPFD_CLOEXEC, TAP_FD);
	tapf = fdopen(tap, "w");
	if (!tapf)
		exit(3);
	tap_output(tapf);
	for (int k = 0; k < NSRC; k++) {
		int p[2], w;

		/* pipe2 may hand out a number still to be placed: go via a
		 * spare fd above everything. */
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0 || dup3(p[0], READ_BASE + k, O_CLOEXEC) < 0 ||
		    (w = fcntl(p[1], F_DUPFD_CLOEXEC, TAP_FD + 1)) < 0)
			tap_bail("pipe for fd %d: %s", sources[k], strerror(errno));
		close(p[0]);
		close(p[1]);
		if (dup3(w, sources[k], O_CLOEXEC) < 0)
			tap_bail("dup3 to fd %d: %s", sources[k], strerror(errno));
		close(w);
	}
}

static void drain(int src, char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;

	while (used + 1 < len && (n = read(read_end(src), buf + used, len - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* "0,3,1" -> "0,1,3" */
static void sort_list(const char *in, char *buf, size_t len)
{
	int v[256], n = 0;
	size_t used = 0;
	char *copy = strdup(in), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t && n < 256; t = strtok_r(NULL, ",", &save))
		v[n++] = atoi(t);
	free(copy);
	qsort(v, (size_t)n, sizeof(int), cmp_int);
	buf[0] = '\0';
	for (int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d", i ? "," : "", v[i]);
}

static void describe(const int *files, int n, char *buf, size_t len)
{
	size_t used = 0;

	used += (size_t)snprintf(buf, len, "{");
	for (int i = 0; i < n && used < len; i++) {
		if (files[i] == -1 && n > 8)
			continue;
		if (n > 8)
			used += (size_t)snprintf(buf + used, len - used, "%s[%d]=%d", used > 1 ? "," : "",
						 i, files[i]);
		else
			used += (size_t)snprintf(buf + used, len - used, "%s%d", i ? "," : "", files[i]);
	}
	if (used < len)
		snprintf(buf + used, len - used, "}");
}

/* Spawn the probe with files[0..n) plus the capture at child fd n. */
static void check(const int *files, int n, uint64_t flags, const char *extra_fds)
{
	int plan[MAXF + 1];
	char *verbs[3 * MAXF + 8], tags[MAXF][16], nums[MAXF + 1][12], name[256];
	char want[256], got[256], buf[1024];
	struct cx_status st;
	struct cx_error err;
	int nv = 0, good = 1, r;
	size_t used = 0;
	CX_ATTR(a, .flags = flags);

	describe(files, n, name, sizeof(name));
	for (int i = 0; i <= n; i++)
		snprintf(nums[i], sizeof(nums[i]), "%d", i);
	for (int i = 0; i < n; i++) {
		plan[i] = files[i];
		if (files[i] < 0)
			continue;
		snprintf(tags[i], sizeof(tags[i]), "%d;", i);
		verbs[nv++] = "write-fd";
		verbs[nv++] = nums[i];
		verbs[nv++] = tags[i];
		used += (size_t)snprintf(want + used, sizeof(want) - used, "%s%d", used ? "," : "", i);
	}
	plan[n] = CXT_STDOUT;
	snprintf(want + used, sizeof(want) - used, "%s%d%s", used ? "," : "", n,
		 extra_fds ? extra_fds : "");
	verbs[nv++] = "out";
	verbs[nv++] = nums[n];
	verbs[nv++] = "fds";
	verbs[nv] = NULL;
	a.files = plan;
	a.nfiles = (unsigned int)n + 1;
	r = lt_runv(&a, verbs, out, &st, &err);
	if (!lt_ran_ok(r, &st, &err, name))
		return;
	/* Each source got exactly the tags of its copies, in order. */
	for (int k = 0; k < NSRC; k++) {
		char expect[256] = "";
		size_t e = 0;

		for (int i = 0; i < n; i++)
			if (files[i] == sources[k])
				e += (size_t)snprintf(expect + e, sizeof(expect) - e, "%d;", i);
		drain(sources[k], buf, sizeof(buf));
		if (strcmp(buf, expect)) {
			diag("  caller's fd %d received '%s', want '%s'", sources[k], buf, expect);
			good = 0;
		}
	}
	ok(good, "%s: every child fd is a copy of the right caller fd", name);
	sort_list(lt_get(out, "fds"), got, sizeof(got));
	sort_list(want, buf, sizeof(buf));
	is_str(got, buf, "%s: the child has exactly these fds", name);
}

static void permutations(void *unused)
{
	static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	(void)unused;

	setup_world();
	for (int p = 0; p < 6; p++) {
		int f[3];

		check(perms[p], 3, CX_ATTR_CLOSE_OTHER_FDS, NULL);
		for (int k = 0; k < 3; k++) {
			memcpy(f, perms[p], sizeof(f));
			f[k] = -1;
			check(f, 3, CX_ATTR_CLOSE_OTHER_FDS, NULL);
		}
		memcpy(f, perms[p], sizeof(f));
		f[(p + 1) % 3] = -1;
		f[(p + 2) % 3] = -1;
		check(f, 3, CX_ATTR_CLOSE_OTHER_FDS, NULL);
	}
	check((const int[]){ -1, -1, -1 }, 3, CX_ATTR_CLOSE_OTHER_FDS, NULL);
}

static void collisions(void *unused)
{
	static const struct {
		int n;
		int f[8];
	} cases[] = {
		{ 3, { 2, 0, 3 } },          { 2, { 1, 0 } },
		{ 3, { 1, 2, 0 } },          { 3, { 2, 0, 1 } },
		{ 3, { 0, 0, 0 } },          { 3, { 1, 1, 1 } },
		{ 6, { 5, 4, 3, 2, 1, 0 } }, { 6, { 3, 4, 5, 0, 1, 2 } },
		{ 4, { 3, 3, 0, 0 } },       { 5, { 4, -1, 0, 1, 2 } },
		{ 1, { 1 } },                { 2, { 2, 2 } },
	};
	(void)unused;

	setup_world();
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		check(cases[c].f, cases[c].n, CX_ATTR_CLOSE_OTHER_FDS, NULL);
}

static void high_fds(void *unused)
{
	int f[21];
	(void)unused;

	setup_world();
	check((const int[]){ 200, 1000, 0 }, 3, CX_ATTR_CLOSE_OTHER_FDS, NULL);
	check((const int[]){ 1000, 200, -1, 1, 0 }, 5, CX_ATTR_CLOSE_OTHER_FDS, NULL);
	for (int i = 0; i < 21; i++)
		f[i] = -1;
	f[0] = 2;
	f[1] = 1000;
	f[5] = 0;
	f[19] = 200;
	f[20] = 1000;
	check(f, 21, CX_ATTR_CLOSE_OTHER_FDS, NULL);
	for (int i = 0; i < 21; i++)
		f[i] = i < 6 ? 5 - i : (i % 2 ? 200 : 1000);
	check(f, 21, CX_ATTR_CLOSE_OTHER_FDS, NULL);
}

/* Without close-others an fd the caller left inheritable stays; with it,
 * only the plan's fds. */
static void others(void *unused)
{
	(void)unused;

	setup_world();
	if (dup2(3, 40) < 0)
		tap_bail("dup2");
	check((const int[]){ 0, 1, 2 }, 3, 0, ",40");
	check((const int[]){ 0, 1, 2 }, 3, CX_ATTR_CLOSE_OTHER_FDS, NULL);
	check((const int[]){ 2, 1, 0 }, 3, 0, ",40");
	close(40);
}

/* The caller's fd numbers go up to its soft limit minus one; a plan that
 * must move such an fd aside still works. */
static void at_the_limit(void *unused)
{
	struct rlimit rl;
	(void)unused;

	setup_world();
	if (dup3(1000, 1023, O_CLOEXEC) < 0)
		tap_bail("dup3");
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 1024;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		tap_bail("setrlimit");
	/* 1023 is a copy of the pipe of 1000. */
	{
		int plan[] = { 1023, 0, CXT_STDOUT };
		CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS, .files = plan, .nfiles = 3);
		struct cx_status st;
		struct cx_error err;
		char buf[64] = "";
		ssize_t n;
		int r = lt_run(&a, out, &st, &err, "write-fd", "0", "zero;", "write-fd", "1", "one;",
			       "out", "2", "fds", NULL);

		if (!lt_ran_ok(r, &st, &err, "{1023,0} with the soft limit at 1024"))
			return;
		n = read(read_end(1000), buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		is_str(buf, "zero;", "child fd 0 is the caller's fd 1023");
		drain(0, buf, sizeof(buf));
		is_str(buf, "one;", "child fd 1 is the caller's fd 0");
	}
}

/* A sparse plan: CX_FD_KEEP leaves a child fd as it is (issue 8 §3). */
static void sparse(void *unused)
{
	int fd = open("/dev/null", O_RDONLY), files[8];
	CX_ATTR(a, .files = files, .nfiles = 8, .flags = CX_ATTR_CLOSE_OTHER_FDS);
	struct cx_status st;
	struct cx_error err;
	char want[64];
	(void)unused;

	if (fd < 0 || dup2(fd, 7) < 0 || dup2(fd, 5) < 0)
		tap_bail("dup2: %s", strerror(errno));
	close(fd);
	for (int i = 0; i < 8; i++)
		files[i] = -1;
	files[0] = 0;
	files[1] = CXT_STDOUT;
	files[2] = 2;
	files[5] = CX_FD_KEEP;
	files[7] = CX_FD_KEEP;
	lt_ran_ok(lt_run(&a, out, &st, &err, "fds", "fdlinks", NULL), &st, &err,
		  "fds 5 and 7 kept, the rest closed");
	is_str(lt_get(out, "fds"), "0,1,2,5,7", "the child has 0-2 and the kept 5 and 7");
	snprintf(want, sizeof(want), "%s", "/dev/null");
	is_str(lt_get(out, "fd_7"), want, "fd 7 is still the caller's fd 7");
	files[3] = 7;
	lt_ran_ok(lt_run(&a, out, &st, &err, "fds", NULL), &st, &err,
		  "a kept fd is also the source of another");
	is_str(lt_get(out, "fds"), "0,1,2,3,5,7", "then it is at 3 and at 7");
	files[5] = -3;
	lt_fails("-3 in files", lt_probe(), (char *[]){ (char *)lt_probe(), NULL }, &a,
		 CX_STEP_CHECK, EBADF);
	close(5);
	close(7);
}

int main(void)
{
	lt_sub("sparse", sparse, NULL);
	lt_sub("perm", permutations, NULL);
	lt_sub("collide", collisions, NULL);
	lt_sub("high", high_fds, NULL);
	lt_sub("others", others, NULL);
	lt_sub("limit", at_the_limit, NULL);
	return tap_done();
}
