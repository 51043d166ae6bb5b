/* SPDX-License-Identifier: MIT */
/*
 * Where CLONE_VM is emulated by a fork (qemu-user, valgrind), the child's
 * report never reaches the parent's memory: the library must see at run
 * time that memory was not shared and use the copy mode (errors by pipe),
 * so that a failed chdir or exec is still reported as such. This test runs
 * itself again under qemu-user for this machine's architecture (the probe
 * it spawns runs natively), with no build-time help (valgrind.h plays no
 * part there).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static void cases(void)
{
	char *argv[] = { (char *)lt_probe(), NULL };
	char *missing[] = { "/nonexistent/program", NULL };
	CX_ATTR(baddir, .dir = "/nonexistent");
	CX_ATTR(plain);
	/* qemu takes no namespace flags in clone, nor a new user namespace by
	 * unshare (its process has threads): the rest of what runs here is
	 * about memory, not namespaces. */
	CX_ATTR(umask_baddir, .dir = "/nonexistent", .flags = CX_ATTR_UMASK | CX_ATTR_CLOSE_OTHER_FDS,
		.umask = 077);
	struct cx_status st;
	struct cx_error err;

	/* The first spawn is the one that finds out. */
	lt_fails("first spawn: failed chdir", argv[0], argv, &baddir, CX_STEP_CHDIR, ENOENT);
	lt_fails("failed chdir", argv[0], argv, &baddir, CX_STEP_CHDIR, ENOENT);
	lt_fails("failed execve", missing[0], missing, &plain, CX_STEP_EXECVE, ENOENT);
	lt_ran_ok(lt_run(&plain, out, &st, &err, "status", NULL), &st, &err, "a good spawn runs");
	lt_fails("close other fds: failed chdir", argv[0], argv, &umask_baddir, CX_STEP_CHDIR,
		 ENOENT);
}

int main(int argc, char **argv)
{
	char qemu[128], self[PATH_MAX];
	struct utsname u;
	ssize_t n;

	if (argc > 1 && !strcmp(argv[1], "--emulated")) {
		cases();
		return tap_done();
	}
	if (geteuid() != 0)
		tap_skip_all("needs root");
	if (getenv("CX_SANITIZE") && !strcmp(getenv("CX_SANITIZE"), "1"))
		tap_skip_all("qemu-user cannot map AddressSanitizer's shadow memory");
	if (uname(&u) < 0)
		tap_bail("uname");
	snprintf(qemu, sizeof(qemu), "qemu-%s", u.machine);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		tap_bail("readlink /proc/self/exe");
	self[n] = '\0';
	if (system("command -v qemu-$(uname -m) >/dev/null") != 0)
		tap_skip_all("no %s (apt-get install qemu-user)", qemu);
	fflush(stdout);
	execlp(qemu, qemu, self, "--emulated", (char *)NULL);
	tap_bail("execlp %s: %s", qemu, strerror(errno));
}
