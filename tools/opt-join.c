/* SPDX-License-Identifier: MIT */
/*
 * Joining namespaces (nsenter) and time namespace offsets (unshare)
 * (issue 10): --join PID (the namespaces of PID that differ from ours, as
 * nsenter -a), --join-ns LIST, --join-file TYPE=PATH, --monotonic and
 * --boottime SECONDS (a new time namespace, made by unshare).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"

enum { OPT_JOIN, OPT_JOIN_NS, OPT_JOIN_FILE, OPT_MONOTONIC, OPT_BOOTTIME };

static const struct cli_opt opts[] = {
	{ "join", 0, CLI_ARG_REQUIRED, OPT_JOIN, "PID", "join the namespaces of PID that differ from ours (nsenter -a)", 0 },
	{ "join-ns", 0, CLI_ARG_REQUIRED, OPT_JOIN_NS, "LIST", "with --join: only these namespaces", 0 },
	{ "join-file", 0, CLI_ARG_REQUIRED, OPT_JOIN_FILE, "TYPE=PATH", "join the namespace file PATH (/proc/PID/ns/net, /run/netns/NAME; repeatable)", 0 },
	{ "monotonic", 0, CLI_ARG_REQUIRED, OPT_MONOTONIC, "SECONDS", "CLOCK_MONOTONIC offset in a new time namespace (unshare)", 0 },
	{ "boottime", 0, CLI_ARG_REQUIRED, OPT_BOOTTIME, "SECONDS", "CLOCK_BOOTTIME offset in a new time namespace (unshare)", 0 },
};

/* The files of /proc/PID/ns (names.c knows their flags). */
static const char *const ns_files[] = { "user", "pid", "mnt", "net", "uts", "ipc", "cgroup",
					"time" };

static int parse_list(struct cli_state *s, const char *arg, uint64_t *ret)
{
	const char *bad;
	size_t len;

	*ret = 0;
	if (cli_namespace_list(arg, ret, &bad, &len) < 0)
		return cli_fail(s, EINVAL, "unknown namespace '%.*s'", (int)len, bad);
	return 0;
}

static int add_file(struct cli_state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	const char *eq = strchr(arg, '=');
	uint64_t type;
	int fd;

	if (!eq || cli_namespace(arg, (size_t)(eq - arg), &type) < 0 || !eq[1])
		return cli_fail(s, EINVAL, "'%s' is not TYPE=PATH", arg);
	if (cli_grow(&o->join_fds, s->join.nfds, sizeof(*o->join_fds)) < 0)
		return cli_fail(s, ENOMEM, "out of memory");
	/* A namespace file never blocks; a FIFO or a terminal given by mistake
	 * must not hang the parse or become the controlling terminal. */
	fd = open(eq + 1, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return cli_fail(s, errno, "%s: %s", eq + 1, strerror(errno));
	o->join_fds[s->join.nfds] = (struct cx_ns_fd){ .fd = fd, .type = type };
	o->njoin_open = ++s->join.nfds;
	return cli_note(s, "join_fds", (int)s->join.nfds - 1, arg);
}

static int parse_seconds(struct cli_state *s, const char *arg, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (!*arg || *end || errno)
		return cli_fail(s, EINVAL, "'%s' is not a number of seconds", arg);
	*ret = v;
	s->join.time_set = 1;
	return 0;
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cx_attr *a = &s->o->attr;

	(void)arg2;
	switch (op->id) {
	case OPT_JOIN:
		s->join.pid = arg;
		return 0;
	case OPT_JOIN_NS:
		s->join.types = arg;
		return parse_list(s, arg, &a->join_ns);
	case OPT_JOIN_FILE:
		return add_file(s, arg);
	case OPT_MONOTONIC:
		return parse_seconds(s, arg, &a->monotonic_offset);
	default:
		return parse_seconds(s, arg, &a->boottime_offset);
	}
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The types of pid's namespaces that are not ours, within want. */
static uint64_t differing(const char *pid, uint64_t want)
{
	uint64_t set = 0;

	for (size_t i = 0; i < sizeof(ns_files) / sizeof(ns_files[0]); i++) {
		char theirs[64], ours[64];
		uint64_t flag = 0;

		cli_namespace(ns_files[i], strlen(ns_files[i]), &flag);
		if (!(want & flag))
			continue;
		snprintf(theirs, sizeof(theirs), "/proc/%s/ns/%s", pid, ns_files[i]);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", ns_files[i]);
		if (access(theirs, F_OK) == 0 && !same_file(theirs, ours))
			set |= flag;
	}
	return set;
}

static int finish_pid(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	unsigned long long pid;
	char digits[24];
	long fd;

	s->optname = "--join";
	if (cli_number(s->join.pid, 0x3fffffff, &pid) < 0 || pid == 0)
		return cli_fail(s, EINVAL, "'%s' is not a process id", s->join.pid);
	fd = syscall(SYS_pidfd_open, (int)pid, 0);
	if (fd < 0)
		return cli_fail(s, errno, "process %llu: %s", pid, strerror(errno));
	o->join_pidfd = (int)fd;
	snprintf(digits, sizeof(digits), "%llu", pid);
	/* nsenter -a: every namespace of the target but those we share (the
	 * kernel refuses to enter our own user namespace again). */
	a->join_ns = differing(digits, a->join_ns ? a->join_ns : ~0ULL);
	if (!a->join_ns)
		return cli_fail(s, EINVAL, "process %llu shares all %s namespaces with us", pid,
				s->join.types ? "those" : "its");
	a->join_pidfd = o->join_pidfd;
	a->flags |= CX_ATTR_JOIN_PIDFD;
	return 0;
}

static int finish(struct cli_state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;

	if (s->join.types && !s->join.pid) {
		s->optname = "--join-ns";
		return cli_fail(s, EINVAL, "needs --join PID");
	}
	if (s->join.pid) {
		int r = finish_pid(s);

		if (r < 0)
			return r;
	}
	a->join_fds = o->join_fds;
	a->njoin_fds = s->join.nfds;
	/* util-linux unshare: an offset implies a new time namespace. */
	if (s->join.time_set && !(a->cloneflags & 0x80ULL))
		a->unshareflags |= 0x80ULL;
	return 0;
}

void cli_confine_free(struct cli_opts *o)
{
	free(o->seccomp);
	free(o->landlock_rules);
	for (unsigned int i = 0; o->join_fds && i < o->njoin_open; i++)
		close(o->join_fds[i].fd);
	free(o->join_fds);
	if (o->join_pidfd >= 0)
		close(o->join_pidfd);
	o->join_pidfd = -1;
}

const struct cli_group cli_group_join = CLI_GROUP("Joining namespaces, time offsets", opts,
						  apply, finish, NULL);
