/* SPDX-License-Identifier: MIT */
/*
 * Option parsing. A small parser of our own rather than getopt_long: it
 * must stop at the program name (so "clonexec -r id -u" gives -u to id),
 * must not permute argv or keep global state (a fuzzer calls it in a
 * loop), and must not print.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "names.h"
#include "options.h"

#define CLONE_NEWUSER_ 0x10000000ULL
#define CLI_FD_MAX ((1 << 20) - 1) /* the library's limit on the fd plan */
#define CLI_MAP_MAX 340            /* the kernel's limit on map lines */

enum opt_arg { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

enum opt_id {
	OPT_CHDIR, OPT_ROOT, OPT_ARGV0, OPT_SETENV, OPT_UNSETENV, OPT_CLEARENV,
	OPT_FD, OPT_KEEP_FDS,
	OPT_UID, OPT_GID, OPT_GROUPS, OPT_KEEP_GROUPS, OPT_AMBIENT_CAPS, OPT_NO_NEW_PRIVS, OPT_UMASK,
	OPT_CLONE, OPT_UNSHARE, OPT_NS_LETTER, OPT_UID_MAP, OPT_GID_MAP, OPT_MAP_ROOT, OPT_MAP_CURRENT,
	OPT_SETGROUPS, OPT_KEEP_PROPAGATION,
	OPT_SETSID, OPT_SETPGID, OPT_NOCTTY, OPT_FOREGROUND, OPT_SETCTTY, OPT_CTTY, OPT_PDEATHSIG,
	OPT_CGROUP, OPT_RLIMIT,
	OPT_JSON, OPT_JSON_FD, OPT_EXPLAIN, OPT_HELP, OPT_VERSION,
};

struct opt {
	const char *name;   /* long name, or NULL for a letter alone */
	char letter;
	unsigned char arg;  /* enum opt_arg */
	unsigned char id;   /* enum opt_id */
	const char *argname;
	const char *help;
	const char *ns;     /* OPT_NS_LETTER: the namespace it adds to --clone */
};

static const struct opt opts[] = {
	{ "chdir", 'w', ARG_REQUIRED, OPT_CHDIR, "DIR", "change to DIR in the child (after --root)", 0 },
	{ "root", 'R', ARG_REQUIRED, OPT_ROOT, "DIR", "chroot to DIR in the child", 0 },
	{ "argv0", 0, ARG_REQUIRED, OPT_ARGV0, "NAME", "run the program with argv[0] = NAME", 0 },
	{ "setenv", 0, ARG_REQUIRED, OPT_SETENV, "NAME=VALUE", "set NAME in the child's environment", 0 },
	{ "unsetenv", 0, ARG_REQUIRED, OPT_UNSETENV, "NAME", "remove NAME from the child's environment", 0 },
	{ "clearenv", 0, ARG_NONE, OPT_CLEARENV, 0, "start the child's environment empty", 0 },
	{ "fd", 0, ARG_REQUIRED, OPT_FD, "CHILD=PARENT|-", "child fd CHILD is a copy of fd PARENT, or closed", 0 },
	{ "keep-fds", 0, ARG_NONE, OPT_KEEP_FDS, 0, "inherit every open fd (default: only 0, 1, 2)", 0 },
	{ "uid", 0, ARG_REQUIRED, OPT_UID, "UID|NAME", "run as this user", 0 },
	{ "gid", 0, ARG_REQUIRED, OPT_GID, "GID|NAME", "run as this group", 0 },
	{ "groups", 0, ARG_REQUIRED, OPT_GROUPS, "LIST", "supplementary groups, comma separated ('' for none)", 0 },
	{ "keep-groups", 0, ARG_NONE, OPT_KEEP_GROUPS, 0, "keep the supplementary groups (no setgroups)", 0 },
	{ "ambient-caps", 0, ARG_REQUIRED, OPT_AMBIENT_CAPS, "LIST", "raise these capabilities as ambient", 0 },
	{ "no-new-privs", 0, ARG_NONE, OPT_NO_NEW_PRIVS, 0, "set no_new_privs: execve grants no privileges", 0 },
	{ "umask", 0, ARG_REQUIRED, OPT_UMASK, "MODE", "the child's umask (octal)", 0 },
	{ "clone", 0, ARG_REQUIRED, OPT_CLONE, "LIST", "new namespaces created at clone", 0 },
	{ "unshare", 0, ARG_REQUIRED, OPT_UNSHARE, "LIST", "new namespaces created by the child (unshare)", 0 },
	{ 0, 'U', ARG_NONE, OPT_NS_LETTER, 0, "--clone user", "user" },
	{ 0, 'p', ARG_NONE, OPT_NS_LETTER, 0, "--clone pid", "pid" },
	{ 0, 'm', ARG_NONE, OPT_NS_LETTER, 0, "--clone mount", "mount" },
	{ 0, 'n', ARG_NONE, OPT_NS_LETTER, 0, "--clone net", "net" },
	{ 0, 'u', ARG_NONE, OPT_NS_LETTER, 0, "--clone uts", "uts" },
	{ 0, 'i', ARG_NONE, OPT_NS_LETTER, 0, "--clone ipc", "ipc" },
	{ 0, 'C', ARG_NONE, OPT_NS_LETTER, 0, "--clone cgroup", "cgroup" },
	{ 0, 'T', ARG_NONE, OPT_NS_LETTER, 0, "--clone time", "time" },
	{ "uid-map", 0, ARG_REQUIRED, OPT_UID_MAP, "IN:OUT:COUNT", "add a uid map range (repeatable)", 0 },
	{ "gid-map", 0, ARG_REQUIRED, OPT_GID_MAP, "IN:OUT:COUNT", "add a gid map range (repeatable)", 0 },
	{ "map-root-user", 'r', ARG_NONE, OPT_MAP_ROOT, 0, "map your uid and gid to 0 (implies -U)", 0 },
	{ "map-current-user", 'c', ARG_NONE, OPT_MAP_CURRENT, 0, "map your uid and gid to themselves (implies -U)", 0 },
	{ "setgroups", 0, ARG_REQUIRED, OPT_SETGROUPS, "allow|deny", "the new user namespace's setgroups (default deny)", 0 },
	{ "keep-propagation", 0, ARG_NONE, OPT_KEEP_PROPAGATION, 0, "do not make a new mount namespace private", 0 },
	{ "setsid", 0, ARG_NONE, OPT_SETSID, 0, "start a new session (no controlling terminal)", 0 },
	{ "setpgid", 0, ARG_OPTIONAL, OPT_SETPGID, "PGID", "join process group PGID (default: a new one)", 0 },
	{ "noctty", 0, ARG_NONE, OPT_NOCTTY, 0, "detach from the controlling terminal (TIOCNOTTY on --ctty)", 0 },
	{ "foreground", 0, ARG_NONE, OPT_FOREGROUND, 0, "new process group, in the foreground of --ctty", 0 },
	{ "setctty", 0, ARG_NONE, OPT_SETCTTY, 0, "make --ctty the controlling terminal (needs --setsid)", 0 },
	{ "ctty", 0, ARG_REQUIRED, OPT_CTTY, "FD", "the child's terminal fd for the options above (default 0)", 0 },
	{ "pdeathsig", 0, ARG_REQUIRED, OPT_PDEATHSIG, "SIG", "signal the child gets when clonexec dies", 0 },
	{ "cgroup", 0, ARG_REQUIRED, OPT_CGROUP, "DIR", "start the child in cgroup v2 directory DIR", 0 },
	{ "rlimit", 0, ARG_REQUIRED, OPT_RLIMIT, "NAME=SOFT[:HARD]", "set a resource limit (repeatable)", 0 },
	{ "json", 0, ARG_NONE, OPT_JSON, 0, "report the child's status as JSON, last line on stderr", 0 },
	{ "json-fd", 0, ARG_REQUIRED, OPT_JSON_FD, "FD", "write the JSON status to FD instead", 0 },
	{ "explain", 0, ARG_NONE, OPT_EXPLAIN, 0, "print the steps the child would run; start nothing", 0 },
	{ "help", 'h', ARG_NONE, OPT_HELP, 0, "print this help and exit", 0 },
	{ "version", 'V', ARG_NONE, OPT_VERSION, 0, "print the version and exit", 0 },
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* What only parsing needs to remember. */
struct state {
	struct cli_opts *o;
	char *err;
	size_t errlen;
	const char *optname; /* "--uid" for messages; NULL: not about one option */
	int uid_set, gid_set, groups_set, keep_groups, map_root, map_current;
	int setgroups_set, setgroups_allow, ctty_set, keep_fds;
	uint64_t letters;
	unsigned int nuid_map, ngid_map, ngroups, nrlimits;
	/* --fd pairs, in order */
	int (*fdpairs)[2];
	unsigned int nfdpairs;
};

__attribute__((format(printf, 3, 4))) static int fail(struct state *s, int error, const char *fmt,
						       ...)
{
	int w = s->optname ? snprintf(s->err, s->errlen, "%s: ", s->optname) : 0;
	va_list ap;

	if (w >= 0 && (size_t)w < s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->err + w, s->errlen - (size_t)w, fmt, ap);
		va_end(ap);
	}
	return -error;
}

static int grow(void *pp, unsigned int n, size_t size)
{
	void **p = pp;
	void *q;

	/* Grow on powers of two: n is the count before the new element. */
	if (n & (n - 1) && n)
		return 0;
	q = realloc(*p, (n ? 2 * (size_t)n : 1) * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	return 0;
}

static int fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* ---------- environment ---------- */

static int env_init(struct state *s)
{
	extern char **environ;
	struct cli_opts *o = s->o;
	size_t n = 0;

	if (o->envp)
		return 0;
	while (environ && environ[n])
		n++;
	o->envcap = n + 8;
	o->envp = malloc(o->envcap * sizeof(char *));
	if (!o->envp)
		return fail(s, ENOMEM, "out of memory");
	if (n)
		memcpy(o->envp, environ, n * sizeof(char *));
	o->nenv = n;
	o->envp[n] = NULL;
	return 0;
}

static void env_remove(struct cli_opts *o, const char *name, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < o->nenv; i++) {
		const char *e = o->envp[i];

		if (!strncmp(e, name, len) && e[len] == '=')
			continue;
		o->envp[j++] = o->envp[i];
	}
	o->nenv = j;
	o->envp[j] = NULL;
}

static int env_op(struct state *s, int id, char *arg)
{
	struct cli_opts *o = s->o;
	char *eq = strchr(arg, '=');
	int r = env_init(s);

	if (r < 0)
		return r;
	if (id == OPT_CLEARENV) {
		o->nenv = 0;
		o->envp[0] = NULL;
		return 0;
	}
	if (id == OPT_UNSETENV) {
		if (!*arg || eq)
			return fail(s, EINVAL, "'%s' is not a variable name", arg);
		env_remove(o, arg, strlen(arg));
		return 0;
	}
	if (!eq || eq == arg)
		return fail(s, EINVAL, "'%s' is not NAME=VALUE", arg);
	env_remove(o, arg, (size_t)(eq - arg));
	if (o->nenv + 2 > o->envcap) {
		char **p = realloc(o->envp, 2 * o->envcap * sizeof(char *));

		if (!p)
			return fail(s, ENOMEM, "out of memory");
		o->envp = p;
		o->envcap *= 2;
	}
	o->envp[o->nenv++] = arg;
	o->envp[o->nenv] = NULL;
	return 0;
}

/* ---------- values ---------- */

static int parse_int(struct state *s, const char *arg, long long max, const char *what, int *ret)
{
	unsigned long long v;

	if (cli_number(arg, (unsigned long long)max, &v) < 0)
		return fail(s, EINVAL, "'%s' is not %s", arg, what);
	*ret = (int)v;
	return 0;
}

static int parse_fd(struct state *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	int child = -1, parent = -1, r;
	char num[16];

	if (!eq)
		return fail(s, EINVAL, "'%s' is not CHILD=PARENT or CHILD=-", arg);
	snprintf(num, sizeof(num), "%.*s", (int)(eq - arg), arg);
	if ((size_t)(eq - arg) >= sizeof(num))
		return fail(s, EINVAL, "'%s' is not an fd number", arg);
	r = parse_int(s, num, CLI_FD_MAX, "an fd number", &child);
	if (r < 0)
		return r;
	if (strcmp(eq + 1, "-")) {
		r = parse_int(s, eq + 1, INT_MAX, "an fd number", &parent);
		if (r < 0)
			return r;
		if (!fd_is_open(parent))
			return fail(s, EBADF, "fd %d is not open", parent);
	}
	for (unsigned int i = 0; i < s->nfdpairs; i++)
		if (s->fdpairs[i][0] == child)
			return fail(s, EINVAL, "child fd %d given twice", child);
	if (grow(&s->fdpairs, s->nfdpairs, sizeof(*s->fdpairs)) < 0)
		return fail(s, ENOMEM, "out of memory");
	s->fdpairs[s->nfdpairs][0] = child;
	s->fdpairs[s->nfdpairs][1] = parent;
	s->nfdpairs++;
	return 0;
}

static int parse_groups(struct state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	const char *p = arg;

	s->groups_set = 1;
	s->ngroups = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		char name[256];
		gid_t gid;
		int r;

		if (len == 0 || len >= sizeof(name))
			return fail(s, EINVAL, "bad group list '%s'", arg);
		memcpy(name, p, len);
		name[len] = '\0';
		r = cli_group(name, &gid);
		if (r < 0)
			return fail(s, -r, "unknown group '%s'", name);
		if (s->ngroups >= 65536)
			return fail(s, EINVAL, "more than 65536 groups");
		if (grow(&o->groups, s->ngroups, sizeof(gid_t)) < 0)
			return fail(s, ENOMEM, "out of memory");
		o->groups[s->ngroups++] = gid;
		p += len;
		if (*p == ',' && !*++p)
			return fail(s, EINVAL, "bad group list '%s'", arg);
	}
	return 0;
}

static int parse_caps(struct state *s, const char *arg)
{
	const char *p = arg;

	if (!*p)
		return fail(s, EINVAL, "empty capability list");
	for (;;) {
		size_t len = strcspn(p, ",");
		int cap, r = cli_capability(p, len, &cap);

		if (r == -ERANGE)
			return fail(s, EINVAL, "capability '%.*s' is beyond this kernel's last",
				    (int)len, p);
		if (r < 0)
			return fail(s, EINVAL, "unknown capability '%.*s'", (int)len, p);
		s->o->attr.ambient_caps |= 1ULL << cap;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int parse_namespaces(struct state *s, const char *arg, uint64_t *flags)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		uint64_t f;

		if (cli_namespace(p, len, &f) < 0)
			return fail(s, EINVAL, "unknown namespace '%.*s'", (int)len, p);
		*flags |= f;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int overlap(const struct cx_id_map *a, const struct cx_id_map *b)
{
	return ((uint64_t)a->inside < (uint64_t)b->inside + b->count &&
		(uint64_t)b->inside < (uint64_t)a->inside + a->count) ||
	       ((uint64_t)a->outside < (uint64_t)b->outside + b->count &&
		(uint64_t)b->outside < (uint64_t)a->outside + a->count);
}

static int add_range(struct state *s, struct cx_id_map **map, unsigned int *n,
		     struct cx_id_map range)
{
	for (unsigned int i = 0; i < *n; i++)
		if (overlap(&(*map)[i], &range))
			return fail(s, EINVAL, "range %u:%u:%u overlaps %u:%u:%u", range.inside,
				    range.outside, range.count, (*map)[i].inside,
				    (*map)[i].outside, (*map)[i].count);
	if (*n >= CLI_MAP_MAX)
		return fail(s, EINVAL, "more than %d ranges", CLI_MAP_MAX);
	if (grow(map, *n, sizeof(**map)) < 0)
		return fail(s, ENOMEM, "out of memory");
	(*map)[(*n)++] = range;
	return 0;
}

static int parse_map(struct state *s, const char *arg, struct cx_id_map **map, unsigned int *n)
{
	unsigned long long v[3];
	const char *p = arg;

	for (int i = 0; i < 3; i++) {
		size_t len = strcspn(p, ":");
		char num[16];

		if (len == 0 || len >= sizeof(num) || (i < 2) != (p[len] == ':'))
			return fail(s, EINVAL, "'%s' is not INSIDE:OUTSIDE:COUNT", arg);
		memcpy(num, p, len);
		num[len] = '\0';
		if (cli_number(num, 4294967295ULL, &v[i]) < 0)
			return fail(s, EINVAL, "'%s' is not INSIDE:OUTSIDE:COUNT", arg);
		p += len + (i < 2);
	}
	if (v[2] == 0)
		return fail(s, EINVAL, "'%s': COUNT is 0", arg);
	if (v[0] + v[2] > 1ULL << 32 || v[1] + v[2] > 1ULL << 32)
		return fail(s, EINVAL, "'%s' goes beyond id 4294967295", arg);
	return add_range(s, map, n, (struct cx_id_map){ (uint32_t)v[0], (uint32_t)v[1],
							(uint32_t)v[2] });
}

static int parse_rlimit_value(const char *p, size_t len, uint64_t *ret)
{
	unsigned long long v;
	char num[32];

	if (len >= sizeof(num))
		return -EINVAL;
	memcpy(num, p, len);
	num[len] = '\0';
	if (!strcmp(num, "unlimited") || !strcmp(num, "infinity")) {
		*ret = CX_RLIM_INFINITY;
		return 0;
	}
	if (cli_number(num, UINT64_MAX - 1, &v) < 0)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* NAME=SOFT[:HARD], as prlimit(1): SOFT alone sets both, "SOFT:" and
 * ":HARD" keep the other one as clonexec has it. */
static int parse_rlimit(struct state *s, const char *arg)
{
	struct cli_opts *o = s->o;
	const char *eq = strchr(arg, '='), *v, *colon;
	struct cx_rlimit rl;
	struct rlimit cur;
	unsigned int i;

	if (!eq)
		return fail(s, EINVAL, "'%s' is not NAME=SOFT[:HARD]", arg);
	if (cli_rlimit_resource(arg, (size_t)(eq - arg), &rl.resource) < 0)
		return fail(s, EINVAL, "unknown resource '%.*s'", (int)(eq - arg), arg);
	v = eq + 1;
	colon = strchr(v, ':');
	if (getrlimit(rl.resource, &cur) < 0)
		cur.rlim_cur = cur.rlim_max = RLIM_INFINITY;
	rl.soft = cur.rlim_cur == RLIM_INFINITY ? CX_RLIM_INFINITY : cur.rlim_cur;
	rl.hard = cur.rlim_max == RLIM_INFINITY ? CX_RLIM_INFINITY : cur.rlim_max;
	if (!colon) {
		if (parse_rlimit_value(v, strlen(v), &rl.soft) < 0)
			goto bad;
		rl.hard = rl.soft;
	} else {
		if (colon == v && !colon[1])
			goto bad;
		if (colon > v && parse_rlimit_value(v, (size_t)(colon - v), &rl.soft) < 0)
			goto bad;
		if (colon[1] && parse_rlimit_value(colon + 1, strlen(colon + 1), &rl.hard) < 0)
			goto bad;
	}
	if (rl.soft > rl.hard)
		return fail(s, EINVAL, "'%s': soft limit above hard limit", arg);
	for (i = 0; i < s->nrlimits; i++)
		if (o->rlimits[i].resource == rl.resource)
			break;
	if (i == s->nrlimits) {
		if (grow(&o->rlimits, s->nrlimits, sizeof(rl)) < 0)
			return fail(s, ENOMEM, "out of memory");
		s->nrlimits++;
	}
	o->rlimits[i] = rl; /* a later one replaces an earlier one */
	return 0;
bad:
	return fail(s, EINVAL, "'%s' is not NAME=SOFT[:HARD]", arg);
}

static int parse_umask(struct state *s, const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = *arg >= '0' && *arg <= '7' ? strtol(arg, &end, 8) : -1;
	if (v < 0 || v > 0777 || *end || errno)
		return fail(s, EINVAL, "'%s' is not an octal mode up to 0777", arg);
	s->o->attr.umask = (mode_t)v;
	s->o->attr.flags |= CX_ATTR_UMASK;
	return 0;
}

/* ---------- one option ---------- */

static int apply(struct state *s, const struct opt *op, char *arg)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	uint64_t f;
	int r, v = 0;

	switch (op->id) {
	case OPT_CHDIR:
		if (!*arg)
			return fail(s, EINVAL, "empty directory");
		a->dir = arg;
		return 0;
	case OPT_ROOT:
		if (!*arg)
			return fail(s, EINVAL, "empty directory");
		a->chroot = arg;
		return 0;
	case OPT_ARGV0:
		o->argv0 = arg;
		return 0;
	case OPT_SETENV:
	case OPT_UNSETENV:
	case OPT_CLEARENV:
		return env_op(s, op->id, arg ? arg : (char *)"");
	case OPT_FD:
		return parse_fd(s, arg);
	case OPT_KEEP_FDS:
		s->keep_fds = 1;
		return 0;
	case OPT_UID:
		r = cli_user(arg, &a->uid);
		s->uid_set = 1;
		return r < 0 ? fail(s, -r, "unknown user '%s'", arg) : 0;
	case OPT_GID:
		r = cli_group(arg, &a->gid);
		s->gid_set = 1;
		return r < 0 ? fail(s, -r, "unknown group '%s'", arg) : 0;
	case OPT_GROUPS:
		return parse_groups(s, arg);
	case OPT_KEEP_GROUPS:
		s->keep_groups = 1;
		return 0;
	case OPT_AMBIENT_CAPS:
		return parse_caps(s, arg);
	case OPT_NO_NEW_PRIVS:
		a->flags |= CX_ATTR_NO_NEW_PRIVS;
		return 0;
	case OPT_UMASK:
		return parse_umask(s, arg);
	case OPT_CLONE:
		return parse_namespaces(s, arg, &a->cloneflags);
	case OPT_UNSHARE:
		return parse_namespaces(s, arg, &a->unshareflags);
	case OPT_NS_LETTER:
		cli_namespace(op->ns, strlen(op->ns), &f);
		s->letters |= f;
		return 0;
	case OPT_UID_MAP:
		return parse_map(s, arg, &o->uid_map, &s->nuid_map);
	case OPT_GID_MAP:
		return parse_map(s, arg, &o->gid_map, &s->ngid_map);
	case OPT_MAP_ROOT:
		s->map_root = 1;
		return 0;
	case OPT_MAP_CURRENT:
		s->map_current = 1;
		return 0;
	case OPT_SETGROUPS:
		if (strcmp(arg, "allow") && strcmp(arg, "deny"))
			return fail(s, EINVAL, "'%s' is not allow or deny", arg);
		s->setgroups_set = 1;
		s->setgroups_allow = !strcmp(arg, "allow");
		return 0;
	case OPT_KEEP_PROPAGATION:
		a->flags |= CX_ATTR_KEEP_PROPAGATION;
		return 0;
	case OPT_SETSID:
		a->flags |= CX_ATTR_SETSID;
		return 0;
	case OPT_SETPGID:
		a->flags |= CX_ATTR_SETPGID;
		a->pgid = 0;
		if (!arg)
			return 0;
		r = parse_int(s, arg, INT_MAX, "a process group id", &v);
		a->pgid = v;
		return r;
	case OPT_NOCTTY:
		a->flags |= CX_ATTR_NOCTTY;
		return 0;
	case OPT_FOREGROUND:
		a->flags |= CX_ATTR_FOREGROUND;
		return 0;
	case OPT_SETCTTY:
		a->flags |= CX_ATTR_SETCTTY;
		return 0;
	case OPT_CTTY:
		s->ctty_set = 1;
		return parse_int(s, arg, CLI_FD_MAX, "an fd number", &a->ctty_fd);
	case OPT_PDEATHSIG:
		r = cli_signal(arg, &a->pdeathsig);
		return r < 0 ? fail(s, EINVAL, "unknown signal '%s'", arg) : 0;
	case OPT_CGROUP:
		if (!*arg)
			return fail(s, EINVAL, "empty directory");
		o->cgroup = arg;
		return 0;
	case OPT_RLIMIT:
		return parse_rlimit(s, arg);
	case OPT_JSON:
		o->json = 1;
		return 0;
	case OPT_JSON_FD:
		r = parse_int(s, arg, INT_MAX, "an fd number", &v);
		if (r < 0)
			return r;
		if (!fd_is_open(v))
			return fail(s, EBADF, "fd %d is not open", v);
		o->json = 1;
		o->json_fd = v;
		return 0;
	case OPT_EXPLAIN:
		o->explain = 1;
		return 0;
	case OPT_HELP:
		o->help = 1;
		return 0;
	case OPT_VERSION:
		o->version = 1;
		return 0;
	}
	return fail(s, EINVAL, "not implemented");
}

/* ---------- after all options ---------- */

/* The id a map gives inside for an outside id, or the id itself. */
static uint32_t inside_id(const struct cx_id_map *map, unsigned int n, uint32_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (id >= map[i].outside && (uint64_t)id < (uint64_t)map[i].outside + map[i].count)
			return map[i].inside + (id - map[i].outside);
	return id;
}

static int finish_namespaces(struct state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	uid_t uid = getuid();
	gid_t gid = getgid();
	uint64_t ns;
	int r;

	a->cloneflags |= s->letters;
	if (s->map_root && s->map_current) {
		s->optname = "--map-root-user";
		return fail(s, EINVAL, "not with --map-current-user");
	}
	if (s->map_root || s->map_current) {
		s->optname = s->map_root ? "--map-root-user" : "--map-current-user";
		r = add_range(s, &o->uid_map, &s->nuid_map,
			      (struct cx_id_map){ s->map_root ? 0 : uid, uid, 1 });
		if (r == 0)
			r = add_range(s, &o->gid_map, &s->ngid_map,
				      (struct cx_id_map){ s->map_root ? 0 : gid, gid, 1 });
		if (r < 0)
			return r;
		if (!((a->cloneflags | a->unshareflags) & CLONE_NEWUSER_))
			a->cloneflags |= CLONE_NEWUSER_;
	}
	ns = a->cloneflags | a->unshareflags;
	if ((s->nuid_map || s->ngid_map) && !(ns & CLONE_NEWUSER_)) {
		s->optname = s->nuid_map ? "--uid-map" : "--gid-map";
		return fail(s, EINVAL, "needs a new user namespace (-U, --clone user or --unshare user)");
	}
	if ((s->nuid_map || s->ngid_map) && (a->cloneflags & a->unshareflags & CLONE_NEWUSER_)) {
		s->optname = "--unshare";
		return fail(s, EINVAL, "user with --clone user: which one gets the maps?");
	}
	if (s->setgroups_set && !s->ngid_map) {
		s->optname = "--setgroups";
		return fail(s, EINVAL, "needs a gid map (--gid-map, -r or -c)");
	}
	if (s->setgroups_allow)
		a->flags |= CX_ATTR_SETGROUPS_ALLOW;
	a->uid_map = o->uid_map;
	a->nuid_map = s->nuid_map;
	a->gid_map = o->gid_map;
	a->ngid_map = s->ngid_map;
	return 0;
}

static int finish_credentials(struct state *s)
{
	struct cx_attr *a = &s->o->attr;

	if (s->groups_set && s->keep_groups) {
		s->optname = "--keep-groups";
		return fail(s, EINVAL, "not with --groups");
	}
	if (!(s->uid_set || s->gid_set || s->groups_set || s->keep_groups))
		return 0;
	a->flags |= CX_ATTR_CREDENTIAL;
	/* Unspecified ids stay clonexec's own, as the new user namespace (if
	 * any) sees them. */
	if (!s->uid_set)
		a->uid = inside_id(a->uid_map, a->nuid_map, getuid());
	if (!s->gid_set)
		a->gid = inside_id(a->gid_map, a->ngid_map, getgid());
	if (s->keep_groups)
		a->flags |= CX_ATTR_NO_SETGROUPS;
	a->groups = s->o->groups;
	a->ngroups = s->ngroups;
	return 0;
}

/* Is child fd 'fd' open in the child? */
static int child_has_fd(const struct state *s, int fd)
{
	const struct cx_attr *a = &s->o->attr;

	if (a->files)
		return (unsigned int)fd < a->nfiles && a->files[fd] >= 0;
	return (fd <= 2 || s->keep_fds) && fd_is_open(fd);
}

static int finish_fds(struct state *s)
{
	struct cli_opts *o = s->o;
	struct cx_attr *a = &o->attr;
	unsigned int n = 3;

	if (!s->keep_fds)
		a->flags |= CX_ATTR_CLOSE_OTHER_FDS;
	if (s->nfdpairs) {
		for (unsigned int i = 0; i < s->nfdpairs; i++)
			if ((unsigned int)s->fdpairs[i][0] >= n)
				n = (unsigned int)s->fdpairs[i][0] + 1;
		o->files = malloc(n * sizeof(int));
		if (!o->files)
			return fail(s, ENOMEM, "out of memory");
		/* Unnamed child fds: 0-2 (and all with --keep-fds) as they are. */
		for (unsigned int i = 0; i < n; i++)
			o->files[i] = (i <= 2 || s->keep_fds) && fd_is_open((int)i) ? (int)i : -1;
		for (unsigned int i = 0; i < s->nfdpairs; i++)
			o->files[s->fdpairs[i][0]] = s->fdpairs[i][1];
		a->files = o->files;
		a->nfiles = n;
	}
	/* Without --fd the library's default is the same plan: 0-2 as they
	 * are, the rest closed, with three fewer syscalls. */
	if (a->flags & (CX_ATTR_FOREGROUND | CX_ATTR_SETCTTY | CX_ATTR_NOCTTY)) {
		s->optname = "--ctty";
		if (!child_has_fd(s, a->ctty_fd))
			return fail(s, EBADF, "fd %d is not open in the child", a->ctty_fd);
	} else if (s->ctty_set) {
		s->optname = "--ctty";
		return fail(s, EINVAL, "needs --foreground, --setctty or --noctty");
	}
	return 0;
}

static int finish_terminal(struct state *s)
{
	struct cli_opts *o = s->o;
	uint64_t f = o->attr.flags;

	s->optname = "--setctty";
	if ((f & CX_ATTR_SETCTTY) && !(f & CX_ATTR_SETSID))
		return fail(s, EINVAL, "needs --setsid");
	if ((f & CX_ATTR_SETCTTY) && (f & CX_ATTR_FOREGROUND))
		return fail(s, EINVAL, "not with --foreground");
	o->job_control = !!(f & (CX_ATTR_SETSID | CX_ATTR_SETPGID | CX_ATTR_FOREGROUND));
	o->foreground = !!(f & CX_ATTR_FOREGROUND);
	return 0;
}

static int finish_program(struct state *s, int argc, char **argv, int i)
{
	struct cli_opts *o = s->o;

	s->optname = NULL;
	if (i >= argc)
		return fail(s, EINVAL, "no program given");
	if (!*argv[i])
		return fail(s, ENOENT, "empty program name");
	o->program = argv[i];
	o->argv = malloc((size_t)(argc - i + 1) * sizeof(char *));
	if (!o->argv)
		return fail(s, ENOMEM, "out of memory");
	memcpy(o->argv, argv + i, (size_t)(argc - i) * sizeof(char *));
	o->argv[argc - i] = NULL;
	if (o->argv0)
		o->argv[0] = o->argv0;
	return 0;
}

static int finish(struct state *s, int argc, char **argv, int i)
{
	struct cli_opts *o = s->o;
	int r;

	if (o->help || o->version)
		return 0;
	r = finish_program(s, argc, argv, i);
	if (r == 0)
		r = finish_namespaces(s);
	if (r == 0)
		r = finish_credentials(s);
	if (r == 0)
		r = finish_terminal(s);
	if (r == 0)
		r = finish_fds(s);
	if (r == 0 && s->nrlimits) {
		o->attr.rlimits = o->rlimits;
		o->attr.nrlimits = s->nrlimits;
	}
	return r;
}

/* ---------- the walk over argv ---------- */

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].name && strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return &opts[i];
	return NULL;
}

static const struct opt *find_letter(char c)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].letter == c)
			return &opts[i];
	return NULL;
}

/* Option names for messages; long when there is one. */
static const char *opt_name(const struct opt *op, char *buf, size_t len)
{
	if (op->name)
		snprintf(buf, len, "--%s", op->name);
	else
		snprintf(buf, len, "-%c", op->letter);
	return buf;
}

static int parse_long(struct state *s, int argc, char **argv, int *i)
{
	char *arg = argv[*i] + 2, *eq = strchr(arg, '='), name[64];
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct opt *op = find_long(arg, len);

	s->optname = argv[*i];
	if (!op) {
		s->optname = NULL;
		return fail(s, EINVAL, "unknown option '--%.*s'", (int)(len > 64 ? 64 : len), arg);
	}
	s->optname = opt_name(op, name, sizeof(name));
	if (op->arg == ARG_NONE && eq)
		return fail(s, EINVAL, "takes no argument");
	if (op->arg == ARG_REQUIRED && !eq) {
		if (*i + 1 >= argc)
			return fail(s, EINVAL, "needs an argument");
		return apply(s, op, argv[++*i]);
	}
	return apply(s, op, eq ? eq + 1 : NULL);
}

static int parse_letters(struct state *s, int argc, char **argv, int *i)
{
	char *p = argv[*i] + 1, name[64];

	for (; *p; p++) {
		const struct opt *op = find_letter(*p);
		int r;

		if (!op) {
			s->optname = NULL;
			return fail(s, EINVAL, "unknown option '-%c'", *p);
		}
		s->optname = opt_name(op, name, sizeof(name));
		if (op->arg == ARG_REQUIRED) {
			if (p[1])
				return apply(s, op, p + 1);
			if (*i + 1 >= argc)
				return fail(s, EINVAL, "needs an argument");
			return apply(s, op, argv[++*i]);
		}
		r = apply(s, op, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *ret, char *errbuf, size_t errlen)
{
	struct state s = { .o = ret, .err = errbuf, .errlen = errlen, .optname = NULL };
	int i, r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->attr.size = sizeof(ret->attr);
	ret->json_fd = 2;
	if (errlen)
		errbuf[0] = '\0';
	for (i = 1; i < argc && r == 0; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1])
			break;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		r = a[1] == '-' ? parse_long(&s, argc, argv, &i) : parse_letters(&s, argc, argv, &i);
	}
	if (r == 0)
		r = finish(&s, argc, argv, i);
	free(s.fdpairs);
	return r;
}

void cli_opts_free(struct cli_opts *o)
{
	free(o->argv);
	free(o->envp);
	free(o->files);
	free(o->groups);
	free(o->uid_map);
	free(o->gid_map);
	free(o->rlimits);
	memset(o, 0, sizeof(*o));
}

void cli_usage(FILE *f)
{
	fputs("Usage: clonexec [options] [--] program [argument...]\n"
	      "Start a program with the process attributes given, wait for it and exit with\n"
	      "its status (125: clonexec failed, 126: cannot execute, 127: not found).\n\n",
	      f);
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt *op = &opts[i];
		char left[64];
		int w = 0;

		if (op->letter)
			w = snprintf(left, sizeof(left), "-%c%s", op->letter, op->name ? ", " : "");
		else
			w = snprintf(left, sizeof(left), "    ");
		if (op->name)
			w += snprintf(left + w, sizeof(left) - (size_t)w, "--%s", op->name);
		if (op->argname)
			snprintf(left + w, sizeof(left) - (size_t)w, op->arg == ARG_OPTIONAL ?
				 "[=%s]" : " %s", op->argname);
		fprintf(f, "  %-32s %s\n", left, op->help);
	}
	fputs("\nLIST of namespaces: user, pid, mount (or mnt), net, uts, ipc, cgroup, time.\n"
	      "See clonexec(1).\n", f);
}
