/* SPDX-License-Identifier: MIT */
/*
 * seccomp (issue 10): bubblewrap's --seccomp FD (a raw array of struct
 * sock_filter, read to its end: the same file works with both tools), and
 * --seccomp-deny LIST[:ERRNO], compiled by libseccomp for the running
 * architecture (the library itself takes only the compiled program).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"

enum { OPT_SECCOMP, OPT_SECCOMP_DENY };

static const struct cli_opt opts[] = {
	{ "seccomp", 0, CLI_ARG_REQUIRED, OPT_SECCOMP, "FD", "install the compiled seccomp filter read from FD (bwrap)", 0 },
	{ "seccomp-deny", 0, CLI_ARG_REQUIRED, OPT_SECCOMP_DENY, "LIST[:ERRNO]", "system calls fail with ERRNO (default EPERM) (repeatable)", 0 },
};

#define FILTER_BYTES_MAX (1 << 20)

/* Read fd to its end into *ret (what bwrap's --seccomp does). */
static int read_all(int fd, char **ret, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *q;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap >= FILTER_BYTES_MAX) {
				free(buf);
				return -E2BIG;
			}
			q = realloc(buf, cap *= 2);
			if (!q) {
				free(buf);
				return -ENOMEM;
			}
			buf = q;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

static int load_fd(struct cli_state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	char *buf;
	size_t len;
	int fd, r;

	if (s->seccomp.fd_set || s->seccomp.ctx)
		return cli_fail(s, EINVAL, "one filter only (not twice, not with --seccomp-deny)");
	r = cli_parse_int(s, arg, CLI_FD_MAX, "an fd", &fd);
	if (r < 0)
		return r;
	r = read_all(fd, &buf, &len);
	if (r < 0)
		return cli_fail(s, -r, "reading fd %d: %s", fd, strerror(-r));
	if (len % sizeof(struct cx_sock_filter)) {
		free(buf);
		return cli_fail(s, EINVAL, "%zu bytes from fd %d: not a whole number of 8-byte "
				"instructions", len, fd);
	}
	s->seccomp.fd_set = 1;
	o->seccomp = (struct cx_sock_filter *)buf;
	o->attr.seccomp_filter = o->seccomp;
	o->attr.seccomp_len = (unsigned int)(len / sizeof(struct cx_sock_filter));
	return 0;
}

static int parse_errno(struct cli_state *s, const char *p, int *ret)
{
	unsigned long long v;

	if (cli_number(p, 4095, &v) == 0 && v > 0) {
		*ret = (int)v;
		return 0;
	}
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcmp(name, p)) {
			*ret = e;
			return 0;
		}
	}
	return cli_fail(s, EINVAL, "'%s' is not an errno name or number (1-4095)", p);
}

static int add_deny(struct cli_state *s, const char *arg)
{
	const char *colon = strchr(arg, ':'), *p = arg;
	size_t listlen = colon ? (size_t)(colon - arg) : strlen(arg);
	int error = EPERM, r;

	if (s->seccomp.fd_set)
		return cli_fail(s, EINVAL, "not with --seccomp");
	if (colon && (r = parse_errno(s, colon + 1, &error)) < 0)
		return r;
	if (!s->seccomp.ctx && !(s->seccomp.ctx = seccomp_init(SCMP_ACT_ALLOW)))
		return cli_fail(s, ENOMEM, "libseccomp: cannot make a filter");
	for (;;) {
		size_t len = strcspn(p, ",:");
		char name[64];
		int nr;

		if (len == 0 || len >= sizeof(name))
			return cli_fail(s, EINVAL, "bad system call list '%.*s'", (int)listlen, arg);
		memcpy(name, p, len);
		name[len] = '\0';
		nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR || nr < 0)
			return cli_fail(s, EINVAL, "'%s' is not a system call of this architecture",
					name);
		r = seccomp_rule_add(s->seccomp.ctx, SCMP_ACT_ERRNO((unsigned int)error), nr, 0);
		if (r < 0 && r != -EEXIST)
			return cli_fail(s, -r, "libseccomp: %s: %s", name, strerror(-r));
		p += len;
		if (*p != ',')
			return 0;
		p++;
	}
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	(void)arg2;
	if (op->id == OPT_SECCOMP)
		return load_fd(s, arg);
	return add_deny(s, arg);
}

/* libseccomp writes the program to an fd: a memfd, read back. */
static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	size_t len;
	char *buf;
	int fd, r;

	if (!s->seccomp.ctx)
		return 0;
	s->optname = "--seccomp-deny";
	fd = memfd_create("clonexec-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return cli_fail(s, errno, "memfd_create: %s", strerror(errno));
	r = seccomp_export_bpf(s->seccomp.ctx, fd);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r == 0)
		r = read_all(fd, &buf, &len);
	close(fd);
	if (r < 0)
		return cli_fail(s, -r, "libseccomp: cannot compile the filter: %s", strerror(-r));
	o->seccomp = (struct cx_sock_filter *)buf;
	o->attr.seccomp_filter = o->seccomp;
	o->attr.seccomp_len = (unsigned int)(len / sizeof(struct cx_sock_filter));
	return 0;
}

static void cleanup(struct cli_state *s)
{
	if (s->seccomp.ctx)
		seccomp_release(s->seccomp.ctx);
	s->seccomp.ctx = NULL;
}

const struct cli_group cli_group_seccomp = CLI_GROUP("seccomp", opts, apply, finish, cleanup);
