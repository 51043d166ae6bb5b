/* SPDX-License-Identifier: MIT */
/*
 * seccomp (issue 10): a filter that fails mkdir/mkdirat with EACCES, seen
 * from the program (mkdir fails with exactly that errno, other calls work),
 * installed after the credential change (the child could still setuid),
 * no_new_privs set when the child lacks CAP_SYS_ADMIN and not when it has
 * it; filters that are too long, empty, NULL or malformed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine-util.h"


#define NOBODY 65534

/* The helper's filter: mkdir and mkdirat fail with EACCES, the rest is
 * allowed (the same file t-cli-confine.sh gives bwrap). */
static struct cx_sock_filter filter[16];
static unsigned int nfilter;

#define FILTER ((const struct cx_sock_filter *)filter)
#define NFILTER nfilter

static void load_filter(const char *file)
{
	char *argv[] = { (char *)cp_path(), "filter", (char *)file, NULL };
	struct cx_status st;
	struct cx_error err;
	ssize_t n;
	int fd;

	if (cxt_run(argv[0], argv, NULL, out, sizeof(out), &st, &err) < 0 || st.exit_code != 0)
		tap_bail("confine-probe filter");
	fd = open(file, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, filter, sizeof(filter)) : -1;
	if (n <= 0 || n % 8)
		tap_bail("reading %s", file);
	close(fd);
	unlink(file);
	nfilter = (unsigned int)(n / 8);
}

static char dir[64];

static void denied(const char *what, const struct cx_attr *a, const char *nnp)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	cp_ok(a, what, "mkdir", path, "getpid", "write", "/dev/null", "status", "NoNewPrivs");
	is_str(lt_get(out, "mkdir"), "13", "%s: mkdir fails with EACCES", what);
	ok(atoi(lt_get(out, "getpid")) > 0, "%s: getpid works", what);
	is_str(lt_get(out, "write"), "0", "%s: open for write works", what);
	is_str(lt_get(out, "NoNewPrivs"), nnp, "%s: NoNewPrivs %s", what, nnp);
}

static void effects(void)
{
	CX_ATTR(root, .seccomp_filter = FILTER, .seccomp_len = NFILTER);
	CX_ATTR(nobody, .flags = CX_ATTR_CREDENTIAL, .uid = NOBODY, .gid = NOBODY,
		.seccomp_filter = FILTER, .seccomp_len = NFILTER);
	CX_ATTR(none);
	char path[128];

	denied("root (CAP_SYS_ADMIN: no no_new_privs)", &root, "0");
	denied("nobody, after setuid", &nobody, "1");
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	cp_ok(&none, "no filter", "mkdir", path);
	is_str(lt_get(out, "mkdir"), "0", "no filter: mkdir works");
	rmdir(path);
}

static void bad(void)
{
	static struct cx_sock_filter big[4097];
	/* A jump beyond the end, and no return. */
	static const struct cx_sock_filter broken[] = { { 0x15, 9, 9, 0 } };
	char *argv[] = { (char *)cp_path(), NULL };
	CX_ATTR(too_long, .seccomp_filter = big, .seccomp_len = 4097);
	CX_ATTR(empty, .seccomp_filter = FILTER, .seccomp_len = 0);
	CX_ATTR(null, .seccomp_filter = NULL, .seccomp_len = 3);
	CX_ATTR(malformed, .seccomp_filter = broken, .seccomp_len = 1);
	struct cx_error err;

	for (size_t i = 0; i < 4097; i++)
		big[i] = (struct cx_sock_filter){ BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW };
	lt_fails("4097 instructions", argv[0], argv, &too_long, CX_STEP_CHECK, EINVAL);
	lt_fails("no instructions", argv[0], argv, &empty, CX_STEP_CHECK, EINVAL);
	lt_fails("NULL filter", argv[0], argv, &null, CX_STEP_CHECK, EINVAL);
	lt_fails("malformed filter", argv[0], argv, &malformed, CX_STEP_SECCOMP, EINVAL);
	too_long.seccomp_len = 4096;
	cp_ok(&too_long, "4096 instructions (BPF_MAXINSNS) are taken", "getpid");
	memset(&err, 0, sizeof(err));
	cx_spawn(argv[0], argv, NULL, &malformed, &(struct cx_process *){ NULL }, &err);
	is_str(err.object, "1 instructions", "the error names the filter's size");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	snprintf(dir, sizeof(dir), "/tmp/cx-seccomp-%d", (int)getpid());
	if (mkdir(dir, 0777) < 0 || chmod(dir, 0777) < 0)
		tap_bail("mkdir %s", dir);
	{
		char file[96];

		snprintf(file, sizeof(file), "%s/filter", dir);
		load_filter(file);
	}
	effects();
	bad();
	rmdir(dir);
	return tap_done();
}
