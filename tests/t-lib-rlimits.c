/* SPDX-License-Identifier: MIT */
/*
 * Resource limits as the child sees them (getrlimit in the probe): soft
 * and hard values, unlimited, a hard limit raised above the caller's (root:
 * it must happen before a credential change drops CAP_SYS_RESOURCE), and
 * RLIMIT_NOFILE below what the fd plan needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

/* Valgrind keeps RLIMIT_NOFILE to itself: it refuses any change of the
 * hard limit and keeps a new soft one in its own books, never in the
 * kernel's, so the program after the exec does not see it. Under valgrind
 * the cases below that are about a hard limit use another resource, and
 * only the probe's view of nofile is skipped. */
#define NOFILE_SKIP "valgrind keeps RLIMIT_NOFILE from the kernel"

static uint64_t hard_of(int resource)
{
	struct rlimit rl;

	getrlimit(resource, &rl);
	return rl.rlim_max == RLIM_INFINITY ? CX_RLIM_INFINITY : rl.rlim_max;
}

static void basic(void)
{
	struct cx_rlimit rl[] = {
		{ RLIMIT_NOFILE, 100, 200 },
		{ RLIMIT_CORE, 0, 0 },
		{ RLIMIT_CPU, 50, 100 },
		{ RLIMIT_AS, CX_RLIM_INFINITY, CX_RLIM_INFINITY },
		{ RLIMIT_STACK, 4 << 20, 16 << 20 },
		{ RLIMIT_NPROC, 1000, 0 },
	};
	CX_ATTR(a, .rlimits = rl, .nrlimits = 6);
	struct cx_status st;
	struct cx_error err;
	struct rlimit before, after;
	char nproc[64];

	getrlimit(RLIMIT_NPROC, &before);
	rl[5].hard = before.rlim_max == RLIM_INFINITY ? CX_RLIM_INFINITY : before.rlim_max;
	snprintf(nproc, sizeof(nproc), "1000:%lld",
		 before.rlim_max == RLIM_INFINITY ? -1LL : (long long)before.rlim_max);
	getrlimit(RLIMIT_NOFILE, &before);
	if (lt_on_valgrind())
		rl[0].hard = hard_of(RLIMIT_NOFILE);
	lt_ran_ok(lt_run(&a, out, &st, &err, "rlimits", NULL), &st, &err, "six limits");
	if (lt_on_valgrind())
		lt_skip("nofile 100:the caller's hard limit", NOFILE_SKIP);
	else
		is_str(lt_get(out, "rlimit_nofile"), "100:200", "nofile 100:200");
	is_str(lt_get(out, "rlimit_core"), "0:0", "core 0:0");
	is_str(lt_get(out, "rlimit_cpu"), "50:100", "cpu 50:100");
	is_str(lt_get(out, "rlimit_as"), "-1:-1", "as unlimited");
	if (lt_on_valgrind())
		lt_skip("stack 4M:16M", "valgrind keeps RLIMIT_STACK from the kernel too");
	else
		is_str(lt_get(out, "rlimit_stack"), "4194304:16777216", "stack 4M:16M");
	is_str(lt_get(out, "rlimit_nproc"), nproc, "nproc 1000:the caller's hard limit");
	getrlimit(RLIMIT_NOFILE, &after);
	ok(before.rlim_cur == after.rlim_cur && before.rlim_max == after.rlim_max,
	   "the caller's own limits are untouched");
}

static int has_cap(int cap)
{
	return (lt_hex(lt_self_status("CapEff")) >> cap) & 1;
}

/* Raising a hard limit needs CAP_SYS_RESOURCE, which some containers do
 * not give even to root: then the step must say so. Under valgrind the
 * limit raised is nproc's (valgrind does not emulate it). */
static void raise_hard(void)
{
	int res = lt_on_valgrind() ? RLIMIT_NPROC : RLIMIT_NOFILE;
	uint64_t mine = hard_of(res);
	char want[64], key[32];

	if (mine >= CX_RLIM_INFINITY - 1000) {
		lt_skip("raise hard", "the hard %s limit is already unlimited",
			cx_rlimit_name(res));
		return;
	}
	snprintf(key, sizeof(key), "rlimit_%s", cx_rlimit_name(res));
	{
		struct cx_rlimit rl = { res, mine + 1000, mine + 1000 };
		char *argv[] = { (char *)lt_probe(), NULL };
		CX_ATTR(root, .rlimits = &rl, .nrlimits = 1);
		CX_ATTR(nobody, .rlimits = &rl, .nrlimits = 1, .flags = CX_ATTR_CREDENTIAL,
			.uid = 65534, .gid = 65534);
		struct cx_status st;
		struct cx_error err;

		if (!has_cap(24 /* CAP_SYS_RESOURCE */)) {
			diag("no CAP_SYS_RESOURCE here: raising the hard limit must fail");
			lt_fails("raise hard without CAP_SYS_RESOURCE", argv[0], argv, &root,
				 CX_STEP_SETRLIMIT, EPERM);
			return;
		}
		snprintf(want, sizeof(want), "%llu:%llu", (unsigned long long)rl.soft,
			 (unsigned long long)rl.hard);
		lt_ran_ok(lt_run(&root, out, &st, &err, "rlimits", NULL), &st, &err, "raise hard");
		is_str(lt_get(out, key), want, "root raises the hard %s limit", cx_rlimit_name(res));
		lt_ran_ok(lt_run(&nobody, out, &st, &err, "rlimits", "status", NULL), &st, &err,
			  "raise hard, then become nobody");
		is_str(lt_get(out, key), want, "raised before the change to nobody");
		ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "and the child is nobody");
	}
}

/* Lowering the hard limit needs no privilege, also as nobody (under
 * valgrind: core's, which valgrind does not emulate). */
static void lower_hard_as_nobody(void)
{
	int res = lt_on_valgrind() ? RLIMIT_CORE : RLIMIT_NOFILE;
	struct cx_rlimit rl = { res, 64, 128 };
	CX_ATTR(a, .rlimits = &rl, .nrlimits = 1, .flags = CX_ATTR_CREDENTIAL, .uid = 65534,
		.gid = 65534);
	struct cx_status st;
	struct cx_error err;
	char what[64], key[32];

	snprintf(what, sizeof(what), "%s 64:128 as nobody", cx_rlimit_name(res));
	snprintf(key, sizeof(key), "rlimit_%s", cx_rlimit_name(res));
	lt_ran_ok(lt_run(&a, out, &st, &err, "rlimits", "status", NULL), &st, &err, what);
	is_str(lt_get(out, key), "64:128", "nobody: %s 64:128", cx_rlimit_name(res));
	ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "%s: the child is nobody", what);
}

/* The plan needs fd 20; nofile's soft limit is 5. */
static void nofile_below_plan(void)
{
	int files[21], fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct cx_rlimit soft = { RLIMIT_NOFILE, 5, 1024 };
	struct cx_rlimit hard = { RLIMIT_NOFILE, 10, 10 };
	CX_ATTR(a, .files = files, .nfiles = 21, .rlimits = &soft, .nrlimits = 1,
		.flags = CX_ATTR_CLOSE_OTHER_FDS);
	CX_ATTR(b, .files = files, .nfiles = 21, .rlimits = &hard, .nrlimits = 1,
		.flags = CX_ATTR_CLOSE_OTHER_FDS);
	struct cx_status st;
	struct cx_error err;
	struct lt_snap s;
	int r;

	for (int i = 0; i < 21; i++)
		files[i] = -1;
	files[0] = 0;
	files[1] = CXT_STDOUT;
	files[2] = 2;
	files[20] = fd;
	if (lt_on_valgrind())
		soft.hard = hard_of(RLIMIT_NOFILE);
	lt_ran_ok(lt_run(&a, out, &st, &err, "fds", "rlimits", NULL), &st, &err,
		  lt_on_valgrind() ? "fd 20 with nofile 5:the caller's hard limit" :
				     "fd 20 with nofile 5:1024");
	is_str(lt_get(out, "fds"), "0,1,2,20", "the plan's fd 20 is there");
	if (lt_on_valgrind()) {
		lt_skip("and the soft limit is 5", NOFILE_SKIP);
		lt_skip("nofile 10:10 with fd 20", NOFILE_SKIP);
		close(fd);
		return;
	}
	is_str(lt_get(out, "rlimit_nofile"), "5:1024", "and the soft limit is 5");

	/* A hard limit below the plan: either the library makes room and
	 * ends with the limit asked, or it says which fd did not fit. */
	lt_snap(&s);
	r = lt_run(&b, out, &st, &err, "fds", "rlimits", NULL);
	if (r == 0) {
		is_str(lt_get(out, "fds"), "0,1,2,20", "nofile 10:10: fd 20 is there");
		is_str(lt_get(out, "rlimit_nofile"), "10:10", "nofile 10:10: the limit asked");
	} else {
		char line[256];

		cx_error_format(&err, line, sizeof(line));
		diag("nofile 10:10 with fd 20: %s", line);
		/* dup3 says EBADF, F_DUPFD (parking) EINVAL, for an fd
		 * beyond the limit. */
		ok(err.step == CX_STEP_DUP && (err.error == EBADF || err.error == EINVAL),
		   "nofile 10:10: fails at dup fd with EBADF or EINVAL");
	}
	lt_unchanged(&s, "nofile below the plan");
	close(fd);
}

/* The caller's soft NOFILE limit (64) is below the fd plan's fd 100; the
 * hard one (4096) is not: the plan needs no privilege to make room, and
 * the child ends with the limit asked for, or the caller's. */
static void plan_above_soft(void *unused)
{
	int files[101], fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct rlimit rl = { 64, 4096 };
	struct cx_rlimit asked = { RLIMIT_NOFILE, 128, 4096 };
	CX_ATTR(a, .files = files, .nfiles = 101, .flags = CX_ATTR_CLOSE_OTHER_FDS);
	CX_ATTR(b, .files = files, .nfiles = 101, .flags = CX_ATTR_CLOSE_OTHER_FDS,
		.rlimits = &asked, .nrlimits = 1);
	struct cx_status st;
	struct cx_error err;
	(void)unused;

	for (int i = 0; i < 101; i++)
		files[i] = -1;
	files[0] = 0;
	files[1] = CXT_STDOUT;
	files[2] = 2;
	files[100] = fd;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		tap_bail("setrlimit: %s", strerror(errno));
	lt_ran_ok(lt_run(&a, out, &st, &err, "fds", "rlimits", NULL), &st, &err,
		  "fd 100 with the caller's nofile 64:4096");
	is_str(lt_get(out, "fds"), "0,1,2,100", "the plan's fd 100 is there");
	is_str(lt_get(out, "rlimit_nofile"), "64:4096", "and the caller's limit after it");
	lt_ran_ok(lt_run(&b, out, &st, &err, "fds", "rlimits", NULL), &st, &err,
		  "fd 100 with nofile 128:4096 asked for");
	is_str(lt_get(out, "fds"), "0,1,2,100", "the plan's fd 100 is there");
	is_str(lt_get(out, "rlimit_nofile"), "128:4096", "and the limit asked after it");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	basic();
	raise_hard();
	lower_hard_as_nobody();
	nofile_below_plan();
	if (lt_on_valgrind())
		lt_skip("fd plan above the caller's soft limit", NOFILE_SKIP);
	else
		lt_sub("fd plan above the caller's soft limit", plan_above_soft, NULL);
	return tap_done();
}
