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
	lt_ran_ok(lt_run(&a, out, &st, &err, "rlimits", NULL), &st, &err, "six limits");
	is_str(lt_get(out, "rlimit_nofile"), "100:200", "nofile 100:200");
	is_str(lt_get(out, "rlimit_core"), "0:0", "core 0:0");
	is_str(lt_get(out, "rlimit_cpu"), "50:100", "cpu 50:100");
	is_str(lt_get(out, "rlimit_as"), "-1:-1", "as unlimited");
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
 * not give even to root: then the step must say so. */
static void raise_hard(void)
{
	struct rlimit mine;
	char want[64];

	getrlimit(RLIMIT_NOFILE, &mine);
	{
		struct cx_rlimit rl = { RLIMIT_NOFILE, mine.rlim_max + 1000, mine.rlim_max + 1000 };
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
		is_str(lt_get(out, "rlimit_nofile"), want, "root raises the hard nofile limit");
		lt_ran_ok(lt_run(&nobody, out, &st, &err, "rlimits", "status", NULL), &st, &err,
			  "raise hard, then become nobody");
		is_str(lt_get(out, "rlimit_nofile"), want, "raised before the change to nobody");
		ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "and the child is nobody");
	}
}

/* Lowering the hard limit needs no privilege, also as nobody. */
static void lower_hard_as_nobody(void)
{
	struct cx_rlimit rl = { RLIMIT_NOFILE, 64, 128 };
	CX_ATTR(a, .rlimits = &rl, .nrlimits = 1, .flags = CX_ATTR_CREDENTIAL, .uid = 65534,
		.gid = 65534);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "rlimits", "status", NULL), &st, &err,
		  "nofile 64:128 as nobody");
	is_str(lt_get(out, "rlimit_nofile"), "64:128", "nobody: nofile 64:128");
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
	lt_ran_ok(lt_run(&a, out, &st, &err, "fds", "rlimits", NULL), &st, &err,
		  "fd 20 with nofile 5:1024");
	is_str(lt_get(out, "fds"), "0,1,2,20", "the plan's fd 20 is there");
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

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	basic();
	raise_hard();
	lower_hard_as_nobody();
	nofile_below_plan();
	return tap_done();
}
