/* SPDX-License-Identifier: MIT */
/*
 * cx_explain lists the steps in the model's order (setsid, setpgid,
 * foreground, unshare, chroot, rlimits, credential, caps, chdir,
 * pdeathsig, fds, close-others, terminal, ptrace, mask, execve: the
 * caller's mask comes back last, as in glibc), who runs each,
 * with consecutive indexes, and starts nothing.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define MAXSTEPS 256

struct list {
	int n, steps[MAXSTEPS], parent[MAXSTEPS], bad_index;
	char text[MAXSTEPS][160];
};

static int collect(int index, int step, const char *who, const char *text, void *data)
{
	struct list *l = data;

	if (l->n >= MAXSTEPS)
		return -E2BIG;
	if (index != l->n + 1)
		l->bad_index = 1;
	l->steps[l->n] = step;
	l->parent[l->n] = !strcmp(who, "parent");
	snprintf(l->text[l->n], sizeof(l->text[0]), "%s", text);
	l->n++;
	return 0;
}

static int first(const struct list *l, int step)
{
	for (int i = 0; i < l->n; i++)
		if (l->steps[i] == step)
			return i;
	return -1;
}

/* Whether the step at position i (-1: missing) runs in the parent. */
static int by_parent(const struct list *l, int i)
{
	return i >= 0 && l->parent[i];
}

static const char *text_at(const struct list *l, int i)
{
	return i >= 0 ? l->text[i] : "(missing)";
}

static void in_order(const struct list *l, const char *what, const int *order, int n)
{
	int good = 1, prev = -1;

	for (int i = 0; i < n; i++) {
		int at = first(l, order[i]);

		if (at < 0 || at <= prev) {
			diag("  %s: '%s' at %d, after position %d", what, cx_step_name(order[i]), at,
			     prev);
			good = 0;
		}
		if (at > prev)
			prev = at;
	}
	ok(good, "%s: the steps come in the model's order", what);
}

static void dump(const struct list *l)
{
	for (int i = 0; i < l->n; i++)
		diag("  %2d %-6s %s", i + 1, l->parent[i] ? "parent" : "child", l->text[i]);
}

static void rich(void)
{
	/* A user namespace made by unshare: the child maps its own ids. */
	const struct cx_id_map map = { 0, geteuid(), 1 };
	static const gid_t groups[] = { 5, 6 };
	static const int files[] = { 2, 0, 1 };
	static const struct cx_rlimit rl[] = { { RLIMIT_NOFILE, 64, 128 }, { RLIMIT_CORE, 0, 0 } };
	static const int order[] = {
		CX_STEP_RESET_SIGNALS, CX_STEP_SETSID,  CX_STEP_SETPGID,     CX_STEP_FOREGROUND,
		CX_STEP_UNSHARE,       CX_STEP_WRITE_UID_MAP, CX_STEP_MOUNT_PRIVATE,
		CX_STEP_CHROOT,        CX_STEP_SETRLIMIT, CX_STEP_SETGROUPS, CX_STEP_SETGID,
		CX_STEP_SETUID,        CX_STEP_CAPSET,  CX_STEP_AMBIENT,     CX_STEP_CHDIR,
		CX_STEP_PDEATHSIG,     CX_STEP_NO_NEW_PRIVS, CX_STEP_DUP,    CX_STEP_CLOSE_OTHERS,
		CX_STEP_PTRACE,        CX_STEP_SIGMASK, CX_STEP_EXECVE,
	};
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(a, .flags = CX_ATTR_SETSID | CX_ATTR_FOREGROUND | CX_ATTR_SIGMASK |
			    CX_ATTR_CREDENTIAL | CX_ATTR_CLOSE_OTHER_FDS |
			    CX_ATTR_PTRACE | CX_ATTR_NO_NEW_PRIVS | CX_ATTR_UMASK,
		.unshareflags = CLONE_NEWUSER | CLONE_NEWNS, .uid_map = &map, .nuid_map = 1,
		.gid_map = &map, .ngid_map = 1, .chroot = "/", .dir = "/tmp", .uid = 1, .gid = 2,
		.groups = groups, .ngroups = 2, .ambient_caps = 1ULL << 25, .pdeathsig = SIGTERM,
		.files = files, .nfiles = 3, .rlimits = rl, .nrlimits = 2, .umask = 077);
	struct list l;
	struct lt_snap s;
	struct cx_error err;
	int r, ex, keep;

	memset(&l, 0, sizeof(l));
	sigemptyset(&a.sigmask);
	lt_snap(&s);
	r = cx_explain(argv[0], argv, NULL, &a, 0, collect, &l, &err);
	if (!is_int(r, 0, "explain a rich attribute set"))
		diag("  %s", err.object);
	lt_unchanged(&s, "explain");
	ok(!l.bad_index && l.n > 20, "indexes run 1..%d", l.n);
	in_order(&l, "rich", order, (int)(sizeof(order) / sizeof(order[0])));
	ex = first(&l, CX_STEP_EXECVE);
	is_int(ex, l.n - 1, "execve is last");
	is_int(first(&l, CX_STEP_SIGMASK), ex - 1, "the signal mask is restored right before execve");
	is_int(first(&l, CX_STEP_PTRACE), ex - 2, "ptrace traceme comes just before");
	keep = first(&l, CX_STEP_KEEPCAPS);
	ok(keep >= 0 && keep < first(&l, CX_STEP_SETUID),
	   "keep capabilities before setuid (ambient caps with a credential)");
	ok(first(&l, CX_STEP_RESET_SIGNALS) < first(&l, CX_STEP_SIGMASK),
	   "handlers reset before the mask is restored");
	ok(first(&l, CX_STEP_WRITE_SETGROUPS) < first(&l, CX_STEP_WRITE_GID_MAP),
	   "setgroups written before gid_map");
	ok(by_parent(&l, first(&l, CX_STEP_CLONE3)) || by_parent(&l, first(&l, CX_STEP_CLONE)),
	   "the parent clones");
	ok(first(&l, CX_STEP_WRITE_UID_MAP) >= 0 && !by_parent(&l, first(&l, CX_STEP_WRITE_UID_MAP)),
	   "after unshare the child writes its maps");
	is_str(text_at(&l, first(&l, CX_STEP_CHROOT)), "chroot /", "the chroot step names its object");
	is_str(text_at(&l, first(&l, CX_STEP_SETUID)), "setuid 1 (real, effective and saved)",
	       "the setuid step names its uid, and that it sets all three");
	if (!ok(first(&l, CX_STEP_UMASK) > first(&l, CX_STEP_CHDIR), "umask after chdir"))
		dump(&l);
}

static void by_clone(void)
{
	static const struct cx_id_map map = { 0, 100000, 65536 };
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(a, .cloneflags = CLONE_NEWUSER | CLONE_NEWPID, .uid_map = &map, .nuid_map = 1,
		.gid_map = &map, .ngid_map = 1);
	static const int order[] = { CX_STEP_CLONE3, CX_STEP_WRITE_UID_MAP,
				     CX_STEP_WRITE_SETGROUPS, CX_STEP_WRITE_GID_MAP,
				     CX_STEP_WAIT_MAPS, CX_STEP_EXECVE };
	struct list l;

	memset(&l, 0, sizeof(l));
	is_int(cx_explain(argv[0], argv, NULL, &a, 0, collect, &l, NULL), 0, "explain clone user");
	in_order(&l, "clone user", order, (int)(sizeof(order) / sizeof(order[0])));
	ok(by_parent(&l, first(&l, CX_STEP_WRITE_UID_MAP)) &&
		   by_parent(&l, first(&l, CX_STEP_WRITE_GID_MAP)),
	   "the parent writes the maps of a user namespace made by clone");
	ok(first(&l, CX_STEP_WAIT_MAPS) >= 0 && !by_parent(&l, first(&l, CX_STEP_WAIT_MAPS)),
	   "while the child waits");
	ok(strstr(text_at(&l, first(&l, CX_STEP_WRITE_SETGROUPS)), "deny") != NULL,
	   "setgroups deny by default: %s", text_at(&l, first(&l, CX_STEP_WRITE_SETGROUPS)));
}

static void terminal_after_fds(void)
{
	static const int files[] = { 1, 0, 2 };
	static const int order[] = { CX_STEP_SETPGID, CX_STEP_DUP, CX_STEP_NOCTTY, CX_STEP_SIGMASK,
				     CX_STEP_EXECVE };
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(a, .flags = CX_ATTR_SETPGID | CX_ATTR_NOCTTY, .files = files, .nfiles = 3);
	struct list l;

	memset(&l, 0, sizeof(l));
	is_int(cx_explain(argv[0], argv, NULL, &a, 0, collect, &l, NULL), 0, "explain noctty");
	in_order(&l, "noctty", order, (int)(sizeof(order) / sizeof(order[0])));
}

static void bad(void)
{
	static const struct cx_id_map map = { 0, 0, 1 };
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(a, .uid_map = &map, .nuid_map = 1);
	struct list l;
	struct cx_error err;

	memset(&l, 0, sizeof(l));
	is_int(cx_explain(argv[0], argv, NULL, &a, 0, collect, &l, &err), -EINVAL,
	       "explain refuses maps without a user namespace");
	is_int(err.step, CX_STEP_CHECK, "at the check step");
	is_int(l.n, 0, "and lists nothing");
	memset(&l, 0, sizeof(l));
	is_int(cx_explain("true", argv, NULL, NULL, CX_EXPLAIN_SEARCH_PATH, collect, &l, &err), 0,
	       "explain with a PATH search");
	ok(l.n > 0 && strncmp(l.text[l.n - 1], "execve /", 8) == 0,
	   "the execve step names the path found (%s)", l.n ? l.text[l.n - 1] : "");
}

/* Outside a new PID namespace getppid() says at once that the caller is
 * gone (its pidfd turns readable slightly later): no parent pidfd there. */
static void pdeathsig_check(void)
{
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(plain, .pdeathsig = SIGKILL);
	CX_ATTR(newpid, .pdeathsig = SIGKILL, .cloneflags = CLONE_NEWPID);
	struct list l;

	memset(&l, 0, sizeof(l));
	cx_explain(argv[0], argv, NULL, &plain, 0, collect, &l, NULL);
	is_int(first(&l, CX_STEP_OPEN_PARENT_PIDFD), -1,
	       "pdeathsig, no new PID namespace: no parent pidfd opened");
	ok(strstr(text_at(&l, first(&l, CX_STEP_PDEATHSIG)), "getppid()") != NULL,
	   "and getppid() checks the parent: %s", text_at(&l, first(&l, CX_STEP_PDEATHSIG)));
	memset(&l, 0, sizeof(l));
	cx_explain(argv[0], argv, NULL, &newpid, 0, collect, &l, NULL);
	ok(by_parent(&l, first(&l, CX_STEP_OPEN_PARENT_PIDFD)),
	   "pdeathsig in a new PID namespace: the parent opens its pidfd");
	ok(strstr(text_at(&l, first(&l, CX_STEP_PDEATHSIG)), "pidfd") != NULL,
	   "and the pidfd checks the parent: %s", text_at(&l, first(&l, CX_STEP_PDEATHSIG)));
}

/* Maps that leave the caller's own ids out make the program nobody (§2.16). */
static void uncovered_maps(void)
{
	const struct cx_id_map far = { 0, 100000, 65536 }, own = { 0, geteuid(), 1 };
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(a, .cloneflags = CLONE_NEWUSER, .uid_map = &far, .nuid_map = 1, .gid_map = &far,
		.ngid_map = 1);
	CX_ATTR(b, .cloneflags = CLONE_NEWUSER, .uid_map = &own, .nuid_map = 1);
	CX_ATTR(c, .cloneflags = CLONE_NEWUSER, .uid_map = &far, .nuid_map = 1,
		.flags = CX_ATTR_SET_UID, .uid = 0);
	struct list l;

	memset(&l, 0, sizeof(l));
	cx_explain(argv[0], argv, NULL, &a, 0, collect, &l, NULL);
	ok(strstr(text_at(&l, first(&l, CX_STEP_WRITE_UID_MAP)), "overflow uid, nobody") != NULL,
	   "a uid map without the caller's uid says the program is nobody: %s",
	   text_at(&l, first(&l, CX_STEP_WRITE_UID_MAP)));
	ok(strstr(text_at(&l, first(&l, CX_STEP_WRITE_GID_MAP)), "overflow gid") != NULL,
	   "and the gid map likewise");
	memset(&l, 0, sizeof(l));
	cx_explain(argv[0], argv, NULL, &b, 0, collect, &l, NULL);
	ok(strstr(text_at(&l, first(&l, CX_STEP_WRITE_UID_MAP)), "nobody") == NULL,
	   "a map of the caller's own uid says nothing of it");
	memset(&l, 0, sizeof(l));
	cx_explain(argv[0], argv, NULL, &c, 0, collect, &l, NULL);
	ok(strstr(text_at(&l, first(&l, CX_STEP_WRITE_UID_MAP)), "nobody") == NULL,
	   "nor one with a uid set inside");
}

int main(void)
{
	uncovered_maps();
	pdeathsig_check();
	rich();
	by_clone();
	terminal_after_fds();
	bad();
	return tap_done();
}
