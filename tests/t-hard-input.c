/* SPDX-License-Identifier: MIT */
/*
 * Hostile input, one table: every row is a bad call that must be refused
 * with the right errno and step, before anything starts (no child, no
 * marker file written by the program, no zombie) and without leaving
 * anything behind (fd count, signal mask, *ret_process untouched). Each row
 * goes through cx_spawn, cx_spawnp and cx_explain, which share the checks.
 *
 * The program of every row would create a marker file if it ran; rows
 * expected to succeed (want 0) are the positive controls that prove the
 * marker check can see a start.
 *
 * "A child fd listed twice" cannot be expressed here: in the library's
 * array form the index is the child fd, so each child fd appears once (two
 * children fds may share a source, which is legal). The CLI, whose
 * --fd CHILD=PARENT form can repeat CHILD, rejects it; its tests cover that.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cxt.h"
#include "tap.h"

#define CLONE_NEWUSER_ 0x10000000ULL
#define CLONE_NEWNS_ 0x00020000ULL
#define UNOPENED_FD 987
#define CX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum prog { PROG_MARKER = 0, PROG_NULL_PATH, PROG_EMPTY_PATH, PROG_NULL_ARGV, PROG_EMPTY_ARGV };

struct row {
	const char *name;
	int want;             /* 0 or a negative errno */
	int step;             /* cx_error.step on failure */
	enum prog prog;
	struct cx_attr attr;  /* .size 0 means sizeof(struct cx_attr) */
	size_t size;          /* overrides attr.size when non-zero */
	int tail;             /* with size > sizeof: the value of the tail bytes */
	int explain_only;     /* do not spawn (the row exercises the compiler only) */
};

static struct cx_id_map map_one[] = { { 0, 0, 1 } };
static struct cx_id_map map_zero[] = { { 0, 0, 0 } };
static struct cx_id_map map_in_overlap[] = { { 0, 1000, 10 }, { 5, 5000, 10 } };
static struct cx_id_map map_out_overlap[] = { { 0, 1000, 10 }, { 100, 1005, 10 } };
static struct cx_id_map map_in_wrap[] = { { 0xffffffffu, 0, 2 } };
static struct cx_id_map map_out_wrap[] = { { 0, 0xfffffff0u, 0x20 } };
static struct cx_id_map map_341[341];
static struct cx_id_map map_long[340]; /* 340 lines of ~33 bytes: more than a page */
static gid_t groups_65537[65537];
static gid_t groups_bad[] = { 0, (gid_t)-1 };
static int files_neg[] = { 0, -5, 2 };
static int files_unopened[] = { 0, 1, UNOPENED_FD };
static int files_std[] = { 0, 1, 2 };
static int files_closed[] = { 0, -1, 2 };
static struct cx_rlimit rl_unknown[] = { { RLIM_NLIMITS, 1, 1 } };
static struct cx_rlimit rl_negative[] = { { -1, 1, 1 } };
static struct cx_rlimit rl_soft_hard[] = { { RLIMIT_NOFILE, 100, 50 } };
static struct cx_rlimit rl_dup[] = { { RLIMIT_CORE, 0, 0 }, { RLIMIT_CPU, 10, 10 },
				     { RLIMIT_CORE, 0, 0 } };

#define E(x) (-(x))
#define CHECK CX_STEP_CHECK
#define CRED (CX_ATTR_CREDENTIAL)

static struct row rows[] = {
	/* strings */
	{ "NULL path", E(EINVAL), CHECK, PROG_NULL_PATH, { 0 }, 0, 0, 0 },
	{ "empty path", E(EINVAL), CHECK, PROG_EMPTY_PATH, { 0 }, 0, 0, 0 },
	{ "NULL argv", E(EINVAL), CHECK, PROG_NULL_ARGV, { 0 }, 0, 0, 0 },
	{ "empty argv", E(EINVAL), CHECK, PROG_EMPTY_ARGV, { 0 }, 0, 0, 0 },
	{ "empty dir", E(EINVAL), CHECK, 0, { .dir = "" }, 0, 0, 0 },
	{ "empty chroot", E(EINVAL), CHECK, 0, { .chroot = "" }, 0, 0, 0 },
	/* fds */
	{ "negative fd in files", E(EBADF), CHECK, 0, { .files = files_neg, .nfiles = 3 }, 0, 0, 0 },
	{ "unopened fd in files", E(EBADF), CHECK, 0, { .files = files_unopened, .nfiles = 3 },
	  0, 0, 0 },
	{ "files NULL with a count", E(EINVAL), CHECK, 0, { .nfiles = 3 }, 0, 0, 0 },
	{ "terminal fd beyond the plan", E(EBADF), CHECK, 0,
	  { .flags = CX_ATTR_NOCTTY, .files = files_std, .nfiles = 3, .ctty_fd = 3 }, 0, 0, 0 },
	{ "terminal fd negative", E(EBADF), CHECK, 0,
	  { .flags = CX_ATTR_NOCTTY, .ctty_fd = -1 }, 0, 0, 0 },
	{ "terminal fd not open", E(EBADF), CHECK, 0,
	  { .flags = CX_ATTR_SETSID | CX_ATTR_SETCTTY, .ctty_fd = UNOPENED_FD }, 0, 0, 0 },
	{ "terminal fd closed by the plan", E(EBADF), CHECK, 0,
	  { .flags = CX_ATTR_NOCTTY, .files = files_closed, .nfiles = 3, .ctty_fd = 1 }, 0, 0, 0 },
	{ "setctty with foreground", E(EINVAL), CHECK, 0,
	  { .flags = CX_ATTR_SETSID | CX_ATTR_SETCTTY | CX_ATTR_FOREGROUND }, 0, 0, 0 },
	{ "setctty without setsid", E(EINVAL), CHECK, 0, { .flags = CX_ATTR_SETCTTY }, 0, 0, 0 },
	/* id maps */
	{ "map with count 0", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .uid_map = map_zero, .nuid_map = 1 }, 0, 0, 0 },
	{ "map ranges overlap inside", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .uid_map = map_in_overlap, .nuid_map = 2 }, 0, 0, 0 },
	{ "map ranges overlap outside", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .gid_map = map_out_overlap, .ngid_map = 2 }, 0, 0, 0 },
	{ "map inside+count beyond 2^32", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .uid_map = map_in_wrap, .nuid_map = 1 }, 0, 0, 0 },
	{ "map outside+count beyond 2^32", E(EINVAL), CHECK, 0,
	  { .unshareflags = CLONE_NEWUSER_, .gid_map = map_out_wrap, .ngid_map = 1 }, 0, 0, 0 },
	{ "341 map lines", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .uid_map = map_341, .nuid_map = 341 }, 0, 0, 0 },
	{ "map text longer than a page", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .gid_map = map_long, .ngid_map = 340 }, 0, 0, 0 },
	{ "map NULL with a count", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .nuid_map = 1 }, 0, 0, 0 },
	{ "maps without a new user namespace", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWNS_, .uid_map = map_one, .nuid_map = 1 }, 0, 0, 0 },
	{ "maps with two new user namespaces", E(EINVAL), CHECK, 0,
	  { .cloneflags = CLONE_NEWUSER_, .unshareflags = CLONE_NEWUSER_, .uid_map = map_one,
	    .nuid_map = 1 }, 0, 0, 0 },
	/* credentials */
	{ "uid -1", E(EINVAL), CHECK, 0, { .flags = CRED, .uid = (uid_t)-1 }, 0, 0, 0 },
	{ "gid -1", E(EINVAL), CHECK, 0, { .flags = CRED, .gid = (gid_t)-1 }, 0, 0, 0 },
	{ "group -1", E(EINVAL), CHECK, 0,
	  { .flags = CRED, .groups = groups_bad, .ngroups = 2 }, 0, 0, 0 },
	{ "65537 groups (> NGROUPS_MAX)", E(EINVAL), CHECK, 0,
	  { .flags = CRED, .groups = groups_65537, .ngroups = 65537 }, 0, 0, 0 },
	{ "groups NULL with a count", E(EINVAL), CHECK, 0, { .flags = CRED, .ngroups = 2 }, 0, 0, 0 },
	{ "no_setgroups without a credential", E(EINVAL), CHECK, 0,
	  { .flags = CX_ATTR_NO_SETGROUPS }, 0, 0, 0 },
	{ "ambient capability 63", E(EINVAL), CHECK, 0, { .ambient_caps = 1ULL << 63 }, 0, 0, 0 },
	/* set in main from /proc/sys/kernel/cap_last_cap */
	{ "ambient capability cap_last_cap+1", E(EINVAL), CHECK, 0, { 0 }, 0, 0, 0 },
	/* flags */
	{ "unknown clone flag (CLONE_VM)", E(EINVAL), CHECK, 0, { .cloneflags = 0x100 }, 0, 0, 0 },
	{ "unknown clone flag (bit 40)", E(EINVAL), CHECK, 0, { .cloneflags = 1ULL << 40 }, 0, 0, 0 },
	{ "unknown unshare flag (CLONE_FILES)", E(EINVAL), CHECK, 0, { .unshareflags = 0x400 },
	  0, 0, 0 },
	{ "unknown attr flag (bit 55)", E(EINVAL), CHECK, 0, { .flags = 1ULL << 55 }, 0, 0, 0 },
	{ "unknown attr flag (bit 63)", E(EINVAL), CHECK, 0, { .flags = 1ULL << 63 }, 0, 0, 0 },
	/* signals, cgroup, process group, umask */
	{ "pdeathsig 65", E(EINVAL), CHECK, 0, { .pdeathsig = 65 }, 0, 0, 0 },
	{ "pdeathsig -1", E(EINVAL), CHECK, 0, { .pdeathsig = -1 }, 0, 0, 0 },
	{ "cgroup fd not open", E(EBADF), CHECK, 0,
	  { .flags = CX_ATTR_CGROUP, .cgroup_fd = UNOPENED_FD }, 0, 0, 0 },
	{ "cgroup fd -1", E(EBADF), CHECK, 0, { .flags = CX_ATTR_CGROUP, .cgroup_fd = -1 }, 0, 0, 0 },
	{ "negative pgid", E(EINVAL), CHECK, 0, { .flags = CX_ATTR_SETPGID, .pgid = -2 }, 0, 0, 0 },
	{ "umask 01000", E(EINVAL), CHECK, 0, { .flags = CX_ATTR_UMASK, .umask = 01000 }, 0, 0, 0 },
	/* rlimits */
	{ "rlimit resource RLIM_NLIMITS", E(EINVAL), CHECK, 0,
	  { .rlimits = rl_unknown, .nrlimits = 1 }, 0, 0, 0 },
	{ "rlimit resource -1", E(EINVAL), CHECK, 0, { .rlimits = rl_negative, .nrlimits = 1 },
	  0, 0, 0 },
	{ "rlimit soft above hard", E(EINVAL), CHECK, 0, { .rlimits = rl_soft_hard, .nrlimits = 1 },
	  0, 0, 0 },
	{ "rlimit given twice", E(EINVAL), CHECK, 0, { .rlimits = rl_dup, .nrlimits = 3 }, 0, 0, 0 },
	{ "rlimits NULL with a count", E(EINVAL), CHECK, 0, { .nrlimits = 1 }, 0, 0, 0 },
	/* struct sizes */
	{ "size 0", E(EINVAL), CHECK, 0, { 0 }, (size_t)-1, 0, 0 },
	{ "size smaller than 0.1's", E(EINVAL), CHECK, 0, { 0 }, 400, 0, 0 },
	{ "size larger, non-zero tail", E(E2BIG), CHECK, 0, { 0 }, sizeof(struct cx_attr) + 64, 1,
	  0 },
	{ "size larger, last tail byte non-zero", E(E2BIG), CHECK, 0, { 0 },
	  sizeof(struct cx_attr) + 1, 0x80, 0 },
	/* positive controls: these start the program */
	{ "size larger, zero tail: accepted", 0, 0, 0, { 0 }, sizeof(struct cx_attr) + 64, 0, 0 },
	{ "plain attr: accepted", 0, 0, 0, { .flags = CX_ATTR_CLOSE_OTHER_FDS }, 0, 0, 0 },
	/* ctty_fd is read only with a terminal flag; out of range without one is
	 * not an error and must not be read. */
	{ "ctty_fd beyond the plan, no terminal flag: accepted", 0, 0, 0,
	  { .files = files_std, .nfiles = 3, .ctty_fd = 100 }, 0, 0, 1 },
	{ "ctty_fd -7, plan, no terminal flag: accepted", 0, 0, 0,
	  { .files = files_std, .nfiles = 3, .ctty_fd = -7 }, 0, 0, 1 },
};

static char marker[PATH_MAX], script[PATH_MAX + 64];

static int marker_exists(void)
{
	return access(marker, F_OK) == 0;
}

static int explain_cb(int index, int step, const char *who, const char *text, void *data)
{
	(void)index, (void)step, (void)who, (void)text, (void)data;
	return 0;
}

/* The row's attr in a buffer large enough for an oversized struct; the
 * fd plan copied to the heap so a read beyond nfiles is caught by ASan. */
struct built {
	unsigned char buf[sizeof(struct cx_attr) + 256] __attribute__((aligned(16)));
	int *files;
};

static const struct cx_attr *build(const struct row *row, struct built *b)
{
	struct cx_attr *a = (struct cx_attr *)b->buf;
	size_t size = row->size ? row->size : sizeof(*a);

	memset(b->buf, 0, sizeof(b->buf));
	*a = row->attr;
	a->size = size == (size_t)-1 ? 0 : size;
	b->files = NULL;
	if (row->attr.files) {
		b->files = malloc(row->attr.nfiles * sizeof(int));
		memcpy(b->files, row->attr.files, row->attr.nfiles * sizeof(int));
		a->files = b->files;
	}
	/* The tail is zero but for its first and last bytes when asked. */
	if (size != (size_t)-1 && size > sizeof(*a) && row->tail) {
		b->buf[sizeof(*a)] = (unsigned char)row->tail;
		b->buf[size - 1] = (unsigned char)row->tail;
	}
	return a;
}

static void args_of(const struct row *row, const char **path, char *const **argv)
{
	static char *marker_argv[] = { "sh", "-c", script, NULL };
	static char *empty_argv[] = { NULL };

	*path = "/bin/sh";
	*argv = marker_argv;
	if (row->prog == PROG_NULL_PATH)
		*path = NULL;
	else if (row->prog == PROG_EMPTY_PATH)
		*path = "";
	else if (row->prog == PROG_NULL_ARGV)
		*argv = NULL;
	else if (row->prog == PROG_EMPTY_ARGV)
		*argv = empty_argv;
}

/* One entry point on one row: 0 cx_spawn, 1 cx_spawnp, 2 cx_explain. */
static void try_row(const struct row *row, int how)
{
	static const char *const hows[] = { "cx_spawn", "cx_spawnp", "cx_explain" };
	struct cx_process *sentinel = (struct cx_process *)(uintptr_t)0x5a5a, *p = sentinel;
	int fds = cxt_fd_count(), r, good = 1;
	uint64_t mask = cxt_sigmask();
	const struct cx_attr *a;
	struct cx_error err;
	char *const *argv;
	const char *path;
	struct built b;
	char line[256];

	args_of(row, &path, &argv);
	a = build(row, &b);
	unlink(marker);
	memset(&err, 0x77, sizeof(err));
	if (how == 0)
		r = cx_spawn(path, argv, NULL, a, &p, &err);
	else if (how == 1)
		r = cx_spawnp(path, argv, NULL, a, &p, &err);
	else
		r = cx_explain(path, argv, NULL, a, 0, explain_cb, NULL, &err);
	free(b.files);

	if (row->want == 0) {
		struct cx_status st = { 0 };

		good &= r == 0;
		if (r == 0 && how < 2) {
			good &= cx_process_wait(p, 30000, &st) == 0 && st.exited && !st.exit_code;
			cx_process_release(p);
			good &= marker_exists();
		} else {
			good &= !marker_exists();
		}
		good &= !cxt_has_zombie() && cxt_fd_count() == fds && cxt_sigmask() == mask;
		if (!ok(good, "%s: %s (r=%d)", hows[how], row->name, r) && r < 0) {
			cx_error_format(&err, line, sizeof(line));
			diag("error: %s", line);
		}
		return;
	}
	cx_error_format(&err, line, sizeof(line));
	good &= r == row->want && err.step == row->step && err.error == -row->want;
	good &= err.index == 0 && err.object[0] != '\0';
	good &= p == sentinel && !marker_exists() && !cxt_has_zombie();
	good &= cxt_fd_count() == fds && cxt_sigmask() == mask;
	if (!ok(good, "%s: %s -> %s", hows[how], row->name, line))
		diag("got r=%d step=%d error=%d index=%d, want r=%d step=%d; marker %d zombie %d "
		     "fds %d->%d", r, err.step, err.error, err.index, row->want, row->step,
		     marker_exists(), cxt_has_zombie(), fds, cxt_fd_count());
}

static void fill_tables(void)
{
	for (unsigned int i = 0; i < CX_ARRAY_SIZE(map_341); i++)
		map_341[i] = (struct cx_id_map){ i, 100000 + i, 1 };
	for (unsigned int i = 0; i < CX_ARRAY_SIZE(map_long); i++)
		map_long[i] = (struct cx_id_map){ 4000000000u + i, 4100000000u + i, 1 };
	for (unsigned int i = 0; i < CX_ARRAY_SIZE(groups_65537); i++)
		groups_65537[i] = i;
}

int main(void)
{
	char dir[] = "/tmp/cx-hard-input-XXXXXX";
	unsigned int tried = 0;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %m");
	snprintf(marker, sizeof(marker), "%s/started", dir);
	snprintf(script, sizeof(script), "echo started > %s", marker);
	fill_tables();
	{
		FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
		int last = 0;

		if (!f || fscanf(f, "%d", &last) != 1 || last < 30 || last > 62)
			tap_bail("cap_last_cap: cannot read it");
		fclose(f);
		for (unsigned int i = 0; i < CX_ARRAY_SIZE(rows); i++)
			if (!strcmp(rows[i].name, "ambient capability cap_last_cap+1"))
				rows[i].attr.ambient_caps = 1ULL << (last + 1);
	}
	close(UNOPENED_FD);
	/* A signal blocked by the caller must stay exactly as it was. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);

	for (unsigned int i = 0; i < CX_ARRAY_SIZE(rows); i++) {
		for (int how = 0; how < 3; how++) {
			if (rows[i].explain_only && how < 2)
				continue;
			try_row(&rows[i], how);
		}
		tried += rows[i].want != 0;
	}
	/* Output parameters the library could write on its own. */
	{
		char *argv[] = { "sh", "-c", script, NULL };
		struct cx_error err;
		int r = cx_spawn("/bin/sh", argv, NULL, NULL, NULL, &err);

		ok(r == -EINVAL && err.step == CX_STEP_CHECK && !marker_exists() &&
		   !cxt_has_zombie(), "cx_spawn: ret_process NULL -> -EINVAL, nothing started");
		r = cx_explain("/bin/sh", argv, NULL, NULL, 0, NULL, NULL, &err);
		ok(r == -EINVAL && err.step == CX_STEP_CHECK, "cx_explain: fn NULL -> -EINVAL");
		r = cx_explain("/bin/sh", argv, NULL, NULL, 1u << 7, explain_cb, NULL, &err);
		ok(r == -EINVAL && err.step == CX_STEP_CHECK, "cx_explain: unknown flags -> -EINVAL");
		tried += 3;
	}
	diag("bad inputs tried: %u (each through every entry point that takes it)", tried);
	unlink(marker);
	rmdir(dir);
	return tap_done();
}
