/* SPDX-License-Identifier: MIT */
/*
 * Landlock (issue 10): with read-only / and read-write beneath one
 * directory, the program writes there and is refused elsewhere; a ruleset
 * fd made by the caller works the same; the parent's ruleset fd does not
 * outlive the spawn; a missing path fails before anything starts, naming
 * it; rights the kernel does not know, rules beyond the handled rights.
 * valgrind does not know the Landlock system calls: skipped there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine-util.h"

#define RO 0xdULL        /* execute, read-file, read-dir */
#define ALL 0xffffULL
#define NOBODY 65534

static char in[64], outside[64];

static void effect(const char *what, const struct cx_attr *a)
{
	char fin[128], fout[128];

	snprintf(fin, sizeof(fin), "%s/f", in);
	snprintf(fout, sizeof(fout), "%s/f", outside);
	unlink(fin);
	cp_ok(a, what, "write", fin, "write", fout, "read", "/etc/passwd", "mkdir", fout);
	ok(strstr(out, "write=0\nwrite=13\n") != NULL,
	   "%s: a file beneath the read-write path is written, one outside refused (EACCES)",
	   what);
	is_str(lt_get(out, "read"), "0", "%s: reading elsewhere is allowed", what);
	is_str(lt_get(out, "mkdir"), "13", "%s: mkdir outside is refused", what);
}

static void rules(void)
{
	struct cx_landlock_rule r[] = { { "/", RO }, { in, ALL } };
	CX_ATTR(a, .landlock_rules = r, .nlandlock_rules = 2);
	CX_ATTR(n, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_LANDLOCK_STRICT, .uid = NOBODY,
		.gid = NOBODY, .landlock_rules = r, .nlandlock_rules = 2);
	struct lt_snap s;

	lt_snap(&s);
	effect("root, path rules", &a);
	lt_unchanged(&s, "root, path rules: the ruleset fd is closed after the spawn");
	effect("nobody, strict", &n);
}

static void caller_fd(void)
{
	struct { uint64_t fs; } attr = { ALL };
	struct { uint64_t access; int32_t fd; } __attribute__((packed)) pb;
	long fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	const char *paths[] = { "/", in };
	uint64_t acc[] = { RO, ALL };

	for (int i = 0; i < 2 && fd >= 0; i++) {
		pb.access = acc[i];
		pb.fd = open(paths[i], O_PATH | O_CLOEXEC);
		if (syscall(SYS_landlock_add_rule, fd, 1, &pb, 0) < 0)
			tap_bail("landlock_add_rule");
		close(pb.fd);
	}
	if (fd < 0)
		tap_bail("landlock_create_ruleset");
	{
		CX_ATTR(a, .flags = CX_ATTR_LANDLOCK_FD, .landlock_fd = (int)fd);

		effect("the caller's ruleset fd", &a);
	}
	close((int)fd);
}

static void bad(void)
{
	char *argv[] = { (char *)cp_path(), NULL };
	struct cx_landlock_rule missing[] = { { "/", RO }, { "/nonexistent/x", ALL } };
	struct cx_landlock_rule unknown[] = { { "/", 1ULL << 16 } };
	struct cx_landlock_rule beyond[] = { { "/", ALL } };
	struct cx_landlock_rule none[] = { { "/", 0 } };
	CX_ATTR(m, .landlock_rules = missing, .nlandlock_rules = 2);
	CX_ATTR(u, .landlock_rules = unknown, .nlandlock_rules = 1);
	CX_ATTR(h, .landlock_handled = 1ULL << 20);
	CX_ATTR(b, .landlock_rules = beyond, .nlandlock_rules = 1, .landlock_handled = RO);
	CX_ATTR(z, .landlock_rules = none, .nlandlock_rules = 1);
	CX_ATTR(both, .flags = CX_ATTR_LANDLOCK_FD, .landlock_fd = 0, .landlock_rules = beyond,
		.nlandlock_rules = 1);
	CX_ATTR(closed, .flags = CX_ATTR_LANDLOCK_FD, .landlock_fd = 999);
	CX_ATTR(notruleset, .flags = CX_ATTR_LANDLOCK_FD, .landlock_fd = 2);
	struct cx_process *p = NULL;
	struct cx_error err;

	lt_fails("a missing path", argv[0], argv, &m, CX_STEP_LANDLOCK_RULESET, ENOENT);
	memset(&err, 0, sizeof(err));
	cx_spawn(argv[0], argv, NULL, &m, &p, &err);
	is_str(err.object, "/nonexistent/x", "the error names the path");
	lt_fails("a right the kernel lacks (bit 16)", argv[0], argv, &u, CX_STEP_CHECK, EINVAL);
	lt_fails("unknown handled rights", argv[0], argv, &h, CX_STEP_CHECK, EINVAL);
	lt_fails("a rule beyond the handled rights", argv[0], argv, &b, CX_STEP_CHECK, EINVAL);
	lt_fails("a rule with no access", argv[0], argv, &z, CX_STEP_CHECK, EINVAL);
	lt_fails("an fd and rules", argv[0], argv, &both, CX_STEP_CHECK, EINVAL);
	lt_fails("a closed ruleset fd", argv[0], argv, &closed, CX_STEP_CHECK, EBADF);
	lt_fails("an fd that is no ruleset", argv[0], argv, &notruleset, CX_STEP_LANDLOCK, EBADFD);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	if (lt_on_valgrind())
		tap_skip_all("valgrind does not know the Landlock system calls");
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1) < 1)
		tap_skip_all("the kernel has no Landlock (or it is disabled)");
	snprintf(in, sizeof(in), "/tmp/cx-ll-in-%d", (int)getpid());
	snprintf(outside, sizeof(outside), "/tmp/cx-ll-out-%d", (int)getpid());
	if (mkdir(in, 0777) < 0 || mkdir(outside, 0777) < 0 || chmod(in, 0777) < 0 ||
	    chmod(outside, 0777) < 0)
		tap_bail("mkdir");
	rules();
	caller_fd();
	bad();
	{
		char f[128];

		snprintf(f, sizeof(f), "%s/f", in);
		unlink(f);
		rmdir(in);
		rmdir(outside);
	}
	return tap_done();
}
