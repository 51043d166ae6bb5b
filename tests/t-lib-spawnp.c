/* SPDX-License-Identifier: MIT */
/*
 * The PATH search as the child sees the tree, with execvp's rule:
 *  - cx_spawnp inside a chroot finds a program through an absolute symlink
 *    of the new root (/usr/local/bin/prog -> /probe), which leads nowhere
 *    on the host: the child searches, after its chroot;
 *  - a candidate that is not executable (EACCES) is passed over for a later
 *    one, and is the error when nothing runs; a missing one is passed over;
 *    one that exists but cannot be executed for another reason (ENOEXEC)
 *    ends the search;
 *  - attr.programs: candidates from the caller, with the same rule.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];
static char root[] = "/tmp/cx-spawnp-XXXXXX";

static void put(const char *rel, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || fchmod(fd, mode) < 0)
		tap_bail("%s: %s", path, strerror(errno));
	close(fd);
}

static void dirs(const char *const *list)
{
	char path[256];

	for (; *list; list++) {
		snprintf(path, sizeof(path), "%s%s", root, *list);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			tap_bail("mkdir %s: %s", path, strerror(errno));
	}
}

static void in_root(void *unused)
{
	static const char *const d[] = { "/usr", "/usr/local", "/usr/local/bin", "/a", "/b", "/c",
					 NULL };
	char link[256];
	char *argv[] = { "prog", "exit", "7", NULL };
	CX_ATTR(a, .chroot = root);
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	int r;
	(void)unused;

	dirs(d);
	snprintf(link, sizeof(link), "%s/usr/local/bin/prog", root);
	if (symlink("/probe", link) < 0)
		tap_bail("symlink: %s", strerror(errno));
	setenv("PATH", "/nowhere:/usr/local/bin:/bin", 1);
	r = cx_spawnp("prog", argv, NULL, &a, &p, &err);
	if (!is_int(r, 0, "chroot: prog found through an absolute symlink of the new root"))
		diag("  %s %s", cx_step_name(err.step), err.object);
	if (r == 0) {
		ok(cx_process_wait(p, -1, &st) == 0 && st.exited && st.exit_code == 7,
		   "and it ran (exit 7)");
		cx_process_release(p);
	}

	/* /a/prog not executable, /b/prog the probe, /c missing. */
	put("/a/prog", "#!/bin/sh\n", 0644);
	snprintf(link, sizeof(link), "%s/b/prog", root);
	if (symlink("/probe", link) < 0)
		tap_bail("symlink: %s", strerror(errno));
	setenv("PATH", "/c:/a:/b", 1);
	r = cx_spawnp("prog", argv, NULL, &a, &p, &err);
	is_int(r, 0, "EACCES at /a/prog is passed over for /b/prog");
	if (r == 0) {
		cx_process_wait(p, -1, &st);
		cx_process_release(p);
	}
	setenv("PATH", "/c:/a", 1);
	is_int(cx_spawnp("prog", argv, NULL, &a, &p, &err), -EACCES,
	       "only EACCES and ENOENT: EACCES");
	is_str(err.object, "/a/prog", "naming the candidate that was not permitted");
	is_str(cx_step_name(err.step), "execve", "at execve");
	/* Executable garbage: ENOEXEC ends the search before /b. */
	put("/c/prog", "\x7f" "ELF garbage", 0755);
	setenv("PATH", "/c:/b", 1);
	is_int(cx_spawnp("prog", argv, NULL, &a, &p, &err), -ENOEXEC,
	       "ENOEXEC at /c/prog ends the search");
	is_str(err.object, "/c/prog", "naming it");
	setenv("PATH", "/nowhere:/c2", 1);
	is_int(cx_spawnp("prog", argv, NULL, &a, &p, &err), -ENOENT, "nothing anywhere: ENOENT");
	is_str(err.object, "prog (2 candidates)", "naming the program and the count");
}

static void programs(void *unused)
{
	const char *list[] = { "/nonexistent/x", "/etc/passwd", lt_probe() };
	CX_ATTR(a, .programs = list, .nprograms = 3);
	CX_ATTR(b, .programs = list, .nprograms = 2);
	char *argv[] = { "probe", "exit", "3", NULL };
	struct cx_process *p;
	struct cx_status st;
	struct cx_error err;
	int r;
	(void)unused;

	r = cx_spawn(NULL, argv, NULL, &a, &p, &err);
	is_int(r, 0, "programs: missing, not executable, then the probe");
	if (r == 0) {
		ok(cx_process_wait(p, -1, &st) == 0 && st.exited && st.exit_code == 3,
		   "the probe ran (exit 3)");
		cx_process_release(p);
	}
	is_int(cx_spawn(NULL, argv, NULL, &b, &p, &err), -EACCES,
	       "programs: missing and not executable: EACCES");
	is_str(err.object, "/etc/passwd", "naming /etc/passwd");
	lt_ran_ok(lt_run(&a, out, &st, &err, "exit", "0", NULL), &st, &err, "and through lt_run");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root (a chroot)");
	if (!mkdtemp(root) || lt_make_root(root, 0) < 0)
		tap_bail("root: %s", strerror(errno));
	lt_sub("in a new root", in_root, NULL);
	lt_sub("attr.programs", programs, NULL);
	lt_remove_root(root);
	return tap_done();
}
