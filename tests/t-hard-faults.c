/* SPDX-License-Identifier: MIT */
/*
 * Fault injection: each case runs in a forked test process (so its uid,
 * rlimits and seccomp filter stay there), makes one spawn fail in one
 * place, and checks that the error names the step that ran the failing
 * system call with the errno injected, and that the test process is as it
 * was: same fd count, same signal mask, no child left (running or zombie).
 *
 *  - RLIMIT_NPROC exhausted as an unprivileged uid: EAGAIN at clone3 (and at
 *    clone, with clone3 made ENOSYS by seccomp so the fallback runs);
 *  - RLIMIT_NOFILE exhausted at each point where the parent needs an fd:
 *    the parent pidfd for pdeathsig, the pidfd from clone3, the COPY mode's
 *    pipes (valgrind only), the parent's /proc/PID/uid_map;
 *  - a cgroup fd that is not a cgroup directory; a cgroup the caller may
 *    not write;
 *  - a seccomp filter that fails the system call of one step, with EPERM and
 *    with EINVAL, for every step that has one it can single out.
 *
 * Steps seccomp cannot fail cleanly, and why:
 *  - "set signal mask": the child's rt_sigprocmask(SIG_SETMASK, set, NULL)
 *    is the same call, arguments included (both sets are pointers into the
 *    spawning thread's stack), as the parent's restore of its own mask after
 *    the spawn; failing one fails both and the parent keeps every signal
 *    blocked;
 *  - "umask" and "close fd" cannot fail (umask has no error; a close of an
 *    fd the plan does not want is best effort by design), nor "close other
 *    fds" (a refused close_range falls back to /proc/self/fd or to every
 *    number: t-lib-closefrom);
 *  - "wait for id maps" waits on a futex in a loop and fails only when the
 *    parent gives up (covered: the parent-side map write failures);
 *  - "prepare" fails on malloc, or on the COPY mode's pipes (covered by
 *    RLIMIT_NOFILE under valgrind); "look up program" is not a step of the
 *    child (t-lib-errors covers it).
 * The writes of id maps are singled out by length (uid map 6 or 9 bytes,
 * "deny" 4, gid map 7 or 10): the test process writes nothing during a spawn (its
 * results go through shared memory), and in VFORK mode the parent is
 * suspended while the child runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cxt.h"
#include "internal.h"
#include "tap.h"

#if defined(__x86_64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_SELF AUDIT_ARCH_AARCH64
#endif

#define NOBODY 65534
#define CGROUP_ROOT "/sys/fs/cgroup/unified"

/* One system call to fail: by number, optionally only when argument arg
 * (low 32 bits) equals val (ARG_EQ) or has a bit of val set (ARG_SET). */
enum { ARG_ANY, ARG_EQ, ARG_SET };
struct rule {
	int nr;
	int how;
	int arg;
	uint32_t val;
	int error;        /* 0: the case's errno */
};

#define MAX_RULES 3

struct fcase {
	const char *name;
	int step;         /* the step the error must name */
	int who;          /* CX_CHILD or CX_PARENT: which op of that step */
	int error;        /* 0: each of EPERM and EINVAL through seccomp */
	struct rule rules[MAX_RULES];
	int (*setup)(struct cx_attr *a, int arg);
	int setup_arg;
	int (*env)(int arg);    /* runs in the test process before the spawn */
	int env_arg;
	const char *match;      /* the op's text in cx_explain contains this */
};

/* What the forked test process saw, in shared memory. */
struct result {
	int setup_error;
	int r;
	struct cx_error err;
	int want_index;
	int fds_before, fds_after;
	uint64_t mask_before, mask_after;
	int zombie, child_seen;
	char note[128];
};

static struct result *res;
static char probe[PATH_MAX];
static char cgroup_dir[PATH_MAX];
static int on_valgrind;
static int clone3_missing; /* valgrind has no clone3: the library falls back to clone */
static int pidfd_open_missing;
static int hung_maps;
#define CASE_TIMEOUT_MS 30000

/* ---- seccomp ---------------------------------------------------------- */

static int install_filter(const struct rule *rules, int error)
{
	struct sock_filter f[2 + 5 * MAX_RULES + 1];
	int n = 0;

	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_SELF, 0,
					      5 * MAX_RULES);
	for (int i = 0; i < MAX_RULES; i++) {
		const struct rule *r = &rules[i];
		uint32_t off = offsetof(struct seccomp_data, nr);
		int e = r->error ? r->error : error;

		if (r->nr == 0) { /* padding: a block that never matches */
			for (int k = 0; k < 5; k++)
				f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0);
			continue;
		}
		if (r->how != ARG_ANY)
			off = offsetof(struct seccomp_data, args[r->arg]);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, nr));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr, 0, 3);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off);
		if (r->how == ARG_SET)
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, r->val, 0, 1);
		else if (r->how == ARG_EQ)
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->val, 0, 1);
		else
			f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)r->nr,
							      0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ERRNO | (uint32_t)(e & 0xffff));
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };

	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0 ? -errno : 0;
}

/* ---- attribute setups --------------------------------------------------- */

/* The child may write maps of the caller's own ids itself; others the
 * parent writes from outside. Each text has its own length. */
static struct cx_id_map uid_map[] = { { 0, 0, 1 } };      /* "0 0 1\n": 6 bytes */
static struct cx_id_map gid_map[] = { { 10, 0, 1 } };     /* "10 0 1\n": 7 bytes */
static struct cx_id_map uid_map_p[] = { { 0, 1000, 1 } }; /* "0 1000 1\n": 9 bytes */
static struct cx_id_map gid_map_p[] = { { 10, 1000, 1 } };/* "10 1000 1\n": 10 bytes */
static gid_t groups[] = { 0 };
static struct cx_rlimit core0[] = { { RLIMIT_CORE, 0, 0 } };
static int files_std[] = { 0, 1, 2 };
static int files_dup[] = { 0, 1, 2, 2 };

enum {
	S_PLAIN, S_CLOSE_OTHERS, S_SIGDEFAULT, S_KEEPCAPS, S_SETSID, S_SETPGID, S_FOREGROUND,
	S_UNSHARE, S_MOUNT, S_CHROOT, S_RLIMIT, S_SETGROUPS, S_CREDENTIAL, S_CAPS, S_CHDIR,
	S_PDEATHSIG, S_NNP, S_DUP, S_KEEP_FD, S_NOCTTY, S_SETCTTY, S_PTRACE, S_CHILD_MAPS,
	S_PARENT_MAPS, S_REQUIRE_PIDFD, S_CGROUP_DENIED,
};

static int set_attr(struct cx_attr *a, int what)
{
	int fd;

	switch (what) {
	case S_PLAIN:
		break;
	case S_CLOSE_OTHERS:
		a->flags |= CX_ATTR_CLOSE_OTHER_FDS;
		break;
	case S_SIGDEFAULT:
		a->flags |= CX_ATTR_SIGDEFAULT;
		sigemptyset(&a->sigdefault);
		sigaddset(&a->sigdefault, SIGUSR1);
		break;
	case S_KEEPCAPS:
		a->flags |= CX_ATTR_CREDENTIAL | CX_ATTR_NO_SETGROUPS;
		a->ambient_caps = 1ULL << 10; /* CAP_NET_BIND_SERVICE */
		break;
	case S_SETSID:
		a->flags |= CX_ATTR_SETSID;
		break;
	case S_SETPGID:
		a->flags |= CX_ATTR_SETPGID;
		break;
	case S_FOREGROUND:
		a->flags |= CX_ATTR_FOREGROUND;
		break;
	case S_UNSHARE:
		a->unshareflags = CLONE_NEWUTS;
		break;
	case S_MOUNT:
		a->cloneflags = CLONE_NEWNS;
		break;
	case S_CHROOT:
		a->chroot = "/";
		break;
	case S_RLIMIT:
		a->rlimits = core0;
		a->nrlimits = 1;
		break;
	case S_SETGROUPS:
		a->flags |= CX_ATTR_CREDENTIAL;
		a->groups = groups;
		a->ngroups = 1;
		break;
	case S_CREDENTIAL:
		a->flags |= CX_ATTR_CREDENTIAL | CX_ATTR_NO_SETGROUPS;
		break;
	case S_CAPS:
		a->ambient_caps = 1ULL << 10;
		break;
	case S_CHDIR:
		a->dir = "/";
		break;
	case S_PDEATHSIG:
		/* In a new PID namespace: only there is a parent pidfd opened. */
		a->pdeathsig = SIGTERM;
		a->cloneflags |= CX_NEWPID;
		break;
	case S_NNP:
		a->flags |= CX_ATTR_NO_NEW_PRIVS;
		break;
	case S_DUP:
		a->files = files_dup;
		a->nfiles = 4;
		break;
	case S_KEEP_FD:
		a->files = files_std;
		a->nfiles = 3;
		break;
	case S_NOCTTY:
		a->flags |= CX_ATTR_NOCTTY;
		break;
	case S_SETCTTY:
		a->flags |= CX_ATTR_SETSID | CX_ATTR_SETCTTY;
		break;
	case S_PTRACE:
		a->flags |= CX_ATTR_PTRACE;
		break;
	case S_CHILD_MAPS:
		a->unshareflags = CLONE_NEWUSER;
		a->uid_map = uid_map;
		a->nuid_map = 1;
		a->gid_map = gid_map;
		a->ngid_map = 1;
		break;
	case S_PARENT_MAPS:
		a->cloneflags = CLONE_NEWUSER;
		a->uid_map = uid_map_p;
		a->nuid_map = 1;
		a->gid_map = gid_map_p;
		a->ngid_map = 1;
		break;
	case S_REQUIRE_PIDFD:
		a->flags |= CX_ATTR_REQUIRE_PIDFD;
		break;
	case S_CGROUP_DENIED:
		fd = open(cgroup_dir, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		a->flags |= CX_ATTR_CGROUP;
		a->cgroup_fd = fd;
		break;
	}
	return 0;
}

/* ---- environments (run in the test process just before the spawn) ----- */

static int env_none(int arg)
{
	(void)arg;
	return 0;
}

static int env_nproc(int arg)
{
	struct rlimit rl = { 0, 0 };

	(void)arg;
	if (cxt_drop_to(NOBODY, NOBODY) < 0)
		return -errno;
	return setrlimit(RLIMIT_NPROC, &rl) < 0 ? -errno : 0;
}

static int env_nobody(int arg)
{
	(void)arg;
	return cxt_drop_to(NOBODY, NOBODY) < 0 ? -errno : 0;
}

/* Fill the fd table up to a low RLIMIT_NOFILE, leaving free fds open. */
static int env_nofile(int free_fds)
{
	struct rlimit rl;
	int last[64], n = 0, fd;

	/* The soft limit only: valgrind refuses to change the hard one. */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = 64;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		if (n < 64)
			last[n++] = fd;
	if (errno != EMFILE || n < free_fds)
		return -EIO;
	while (free_fds-- > 0)
		close(last[--n]);
	return 0;
}

/* ---- one case ----------------------------------------------------------- */

struct want_index {
	int step, who, index;
	const char *match;
};

static int find_index(int index, int step, const char *who, const char *text, void *data)
{
	struct want_index *w = data;

	if (!w->index && step == w->step && !strcmp(who, w->who == CX_PARENT ? "parent" : "child") &&
	    (!w->match || strstr(text, w->match)))
		w->index = index;
	return 0;
}

static void child_case(const struct fcase *c, int error)
{
	char *argv[] = { probe, "exit", "0", NULL };
	/* The list names the clone op "clone3" until clone3 is known missing. */
	int list_step = c->step == CX_STEP_CLONE ? CX_STEP_CLONE3 : c->step;
	struct want_index wi = { list_step, c->who, 0, c->match };
	struct cx_process *p = NULL;
	CX_ATTR(a);
	int r;

	alarm(60);
	r = set_attr(&a, c->setup_arg);
	if (r == 0)
		r = c->env(c->env_arg);
	if (r < 0) {
		res->setup_error = -r;
		return;
	}
	cx_explain(probe, argv, NULL, &a, 0, find_index, &wi, NULL);
	res->want_index = wi.index;
	res->fds_before = cxt_fd_count();
	res->mask_before = cxt_sigmask();
	if (c->rules[0].nr) {
		/* Unprivileged, a filter needs no_new_privs. */
		if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			res->setup_error = errno;
			return;
		}
		r = install_filter(c->rules, error);
		if (r < 0) {
			res->setup_error = -r;
			return;
		}
	}
	memset(&res->err, 0, sizeof(res->err));
	res->r = cx_spawn(probe, argv, NULL, &a, &p, &res->err);
	res->fds_after = cxt_fd_count();
	res->mask_after = cxt_sigmask();
	res->zombie = cxt_has_zombie();
	if (res->r == 0) {
		/* Not the failure expected: reap what was started. */
		cx_process_wait(p, 10000, NULL);
		cx_process_release(p);
	}
	/* Any child at all, running or not, is a leak. */
	res->child_seen = waitid(P_ALL, 0, &(siginfo_t){ 0 }, WEXITED | WNOHANG | WNOWAIT) == 0;
}

static void run_case(const struct fcase *c, int error)
{
	int want_step = c->step == CX_STEP_CLONE3 && clone3_missing ? CX_STEP_CLONE : c->step;
	const char *step = cx_step_name(want_step);
	char line[CX_ERROR_OBJECT_MAX + 128];
	int status, good;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	res->r = 1;
	if (hung_maps && c->setup_arg == S_PARENT_MAPS) {
		ok(0, "%s (%s): not run, it would hang as above", c->name, cxt_errname(error));
		return;
	}
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %m");
	if (pid == 0) {
		setpgid(0, 0);
		child_case(c, error);
		_exit(0);
	}
	/* The spawn blocks every signal while it runs, so the test process's
	 * alarm cannot end a hang: kill its whole group from here. */
	for (int waited = 0;; waited++) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (waited == CASE_TIMEOUT_MS / 10) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			ok(0, "%s (%s): hung, killed after %d s", c->name, cxt_errname(error),
			   CASE_TIMEOUT_MS / 1000);
			if (c->setup_arg == S_PARENT_MAPS)
				hung_maps = 1;
			return;
		}
		usleep(10000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ok(0, "%s (%s): test process died (status 0x%x)", c->name, cxt_errname(error),
		   status);
		return;
	}
	if (res->setup_error) {
		ok(0, "%s: setup failed: %s", c->name, strerror(res->setup_error));
		return;
	}
	cx_error_format(&res->err, line, sizeof(line));
	good = res->r == -error && res->err.step == want_step && res->err.error == error;
	/* "prepare" and "pidfd_open" are not in the step list: index 0. */
	good &= res->err.index == res->want_index &&
		(res->want_index > 0 || c->step == CX_STEP_PREPARE || c->step == CX_STEP_PIDFD_OPEN);
	good &= res->fds_after == res->fds_before && res->mask_after == res->mask_before;
	good &= !res->zombie && !res->child_seen;
	if (!ok(good, "%s: %s -> \"%s\"", c->name, cxt_errname(error), line))
		diag("got r=%d step %s (%d) error %d index %d; want step %s error %d index %d; "
		     "fds %d->%d mask %llx->%llx zombie %d child %d", res->r,
		     cx_step_name(res->err.step), res->err.step, res->err.error, res->err.index,
		     step, error, res->want_index, res->fds_before, res->fds_after,
		     (unsigned long long)res->mask_before, (unsigned long long)res->mask_after,
		     res->zombie, res->child_seen);
}

/* ---- the cases ---------------------------------------------------------- */

#define R(nr_) { .nr = (nr_) }
#define REQ(nr_, a_, v_) { .nr = (nr_), .how = ARG_EQ, .arg = (a_), .val = (uint32_t)(v_) }
#define RSET(nr_, a_, v_, e_) { .nr = (nr_), .how = ARG_SET, .arg = (a_), .val = (v_), .error = (e_) }
#define RENOSYS(nr_) { .nr = (nr_), .error = ENOSYS }

static const struct fcase seccomp_cases[] = {
	{ "clone3 fails", CX_STEP_CLONE3, CX_PARENT, 0, { R(SYS_clone3) }, set_attr, S_PLAIN,
	  env_none, 0, NULL },
	{ "clone fails (clone3 ENOSYS)", CX_STEP_CLONE, CX_PARENT, 0,
	  { RENOSYS(SYS_clone3), R(SYS_clone) }, set_attr, S_PLAIN, env_none, 0, NULL },
	{ "pidfd_open fails (clone gave none)", CX_STEP_PIDFD_OPEN, CX_PARENT, 0,
	  { RENOSYS(SYS_clone3), RSET(SYS_clone, 0, CX_CLONE_PIDFD, EINVAL), R(SYS_pidfd_open) },
	  set_attr, S_REQUIRE_PIDFD, env_none, 0, NULL },
	{ "parent pidfd_open fails", CX_STEP_OPEN_PARENT_PIDFD, CX_PARENT, 0,
	  { R(SYS_pidfd_open) }, set_attr, S_PDEATHSIG, env_none, 0, NULL },
	{ "parent uid_map write fails", CX_STEP_WRITE_UID_MAP, CX_PARENT, 0,
	  { REQ(SYS_write, 2, 9) }, set_attr, S_PARENT_MAPS, env_none, 0, NULL },
	{ "parent setgroups write fails", CX_STEP_WRITE_SETGROUPS, CX_PARENT, 0,
	  { REQ(SYS_write, 2, 4) }, set_attr, S_PARENT_MAPS, env_none, 0, NULL },
	{ "parent gid_map write fails", CX_STEP_WRITE_GID_MAP, CX_PARENT, 0,
	  { REQ(SYS_write, 2, 10) }, set_attr, S_PARENT_MAPS, env_none, 0, NULL },
	{ "child uid_map write fails", CX_STEP_WRITE_UID_MAP, CX_CHILD, 0,
	  { REQ(SYS_write, 2, 6) }, set_attr, S_CHILD_MAPS, env_none, 0, NULL },
	{ "child setgroups write fails", CX_STEP_WRITE_SETGROUPS, CX_CHILD, 0,
	  { REQ(SYS_write, 2, 4) }, set_attr, S_CHILD_MAPS, env_none, 0, NULL },
	{ "child gid_map write fails", CX_STEP_WRITE_GID_MAP, CX_CHILD, 0,
	  { REQ(SYS_write, 2, 7) }, set_attr, S_CHILD_MAPS, env_none, 0, NULL },
	{ "reset of a default signal fails", CX_STEP_RESET_SIGNALS, CX_CHILD, 0,
	  { REQ(SYS_rt_sigaction, 0, SIGUSR1) }, set_attr, S_SIGDEFAULT, env_none, 0, NULL },
	{ "keepcaps fails", CX_STEP_KEEPCAPS, CX_CHILD, 0, { REQ(SYS_prctl, 0, PR_SET_KEEPCAPS) },
	  set_attr, S_KEEPCAPS, env_none, 0, NULL },
	{ "setsid fails", CX_STEP_SETSID, CX_CHILD, 0, { R(SYS_setsid) }, set_attr, S_SETSID,
	  env_none, 0, NULL },
	{ "setpgid fails", CX_STEP_SETPGID, CX_CHILD, 0, { R(SYS_setpgid) }, set_attr, S_SETPGID,
	  env_none, 0, NULL },
	{ "foreground fails", CX_STEP_FOREGROUND, CX_CHILD, 0, { REQ(SYS_ioctl, 1, TIOCSPGRP) },
	  set_attr, S_FOREGROUND, env_none, 0, NULL },
	{ "unshare fails", CX_STEP_UNSHARE, CX_CHILD, 0, { R(SYS_unshare) }, set_attr, S_UNSHARE,
	  env_none, 0, NULL },
	{ "mount private fails", CX_STEP_MOUNT_PRIVATE, CX_CHILD, 0, { R(SYS_mount) }, set_attr,
	  S_MOUNT, env_none, 0, NULL },
	{ "chroot fails", CX_STEP_CHROOT, CX_CHILD, 0, { R(SYS_chroot) }, set_attr, S_CHROOT,
	  env_none, 0, NULL },
	{ "setrlimit fails", CX_STEP_SETRLIMIT, CX_CHILD, 0,
	  { REQ(SYS_prlimit64, 1, RLIMIT_CORE) }, set_attr, S_RLIMIT, env_none, 0, NULL },
	{ "setgroups fails", CX_STEP_SETGROUPS, CX_CHILD, 0, { R(SYS_setgroups) }, set_attr,
	  S_SETGROUPS, env_none, 0, NULL },
	{ "setgid fails", CX_STEP_SETGID, CX_CHILD, 0, { R(SYS_setresgid) }, set_attr, S_CREDENTIAL,
	  env_none, 0, NULL },
	{ "setuid fails", CX_STEP_SETUID, CX_CHILD, 0, { R(SYS_setresuid) }, set_attr, S_CREDENTIAL,
	  env_none, 0, NULL },
	{ "capset fails", CX_STEP_CAPSET, CX_CHILD, 0, { R(SYS_capset) }, set_attr, S_CAPS,
	  env_none, 0, NULL },
	{ "ambient raise fails", CX_STEP_AMBIENT, CX_CHILD, 0, { REQ(SYS_prctl, 0, PR_CAP_AMBIENT) },
	  set_attr, S_CAPS, env_none, 0, NULL },
	{ "chdir fails", CX_STEP_CHDIR, CX_CHILD, 0, { R(SYS_chdir) }, set_attr, S_CHDIR, env_none,
	  0, NULL },
	{ "pdeathsig fails", CX_STEP_PDEATHSIG, CX_CHILD, 0,
	  { REQ(SYS_prctl, 0, PR_SET_PDEATHSIG) }, set_attr, S_PDEATHSIG, env_none, 0, NULL },
	{ "no_new_privs fails", CX_STEP_NO_NEW_PRIVS, CX_CHILD, 0,
	  { REQ(SYS_prctl, 0, PR_SET_NO_NEW_PRIVS) }, set_attr, S_NNP, env_none, 0, NULL },
	{ "dup to park a source fails", CX_STEP_DUP, CX_CHILD, 0,
	  { REQ(SYS_fcntl, 1, F_DUPFD_CLOEXEC) }, set_attr, S_DUP, env_none, 0, "lowest free" },
	{ "dup to the target fails", CX_STEP_DUP, CX_CHILD, 0, { R(SYS_dup3) }, set_attr, S_DUP,
	  env_none, 0, "(parked) to 3" },
	{ "clear close-on-exec fails", CX_STEP_KEEP_FD, CX_CHILD, 0,
	  { REQ(SYS_fcntl, 1, F_SETFD) }, set_attr, S_KEEP_FD, env_none, 0, NULL },
	{ "detach terminal fails", CX_STEP_NOCTTY, CX_CHILD, 0, { REQ(SYS_ioctl, 1, TIOCNOTTY) },
	  set_attr, S_NOCTTY, env_none, 0, NULL },
	{ "set controlling terminal fails", CX_STEP_SETCTTY, CX_CHILD, 0,
	  { REQ(SYS_ioctl, 1, TIOCSCTTY) }, set_attr, S_SETCTTY, env_none, 0, NULL },
	{ "ptrace traceme fails", CX_STEP_PTRACE, CX_CHILD, 0, { R(SYS_ptrace) }, set_attr,
	  S_PTRACE, env_none, 0, NULL },
	{ "execve fails", CX_STEP_EXECVE, CX_CHILD, 0, { R(SYS_execve) }, set_attr, S_PLAIN,
	  env_none, 0, NULL },
};

static const struct fcase resource_cases[] = {
	{ "RLIMIT_NPROC exhausted (uid 65534)", CX_STEP_CLONE3, CX_PARENT, EAGAIN, { { 0 } },
	  set_attr, S_PLAIN, env_nproc, 0, NULL },
	{ "RLIMIT_NPROC exhausted, legacy clone", CX_STEP_CLONE, CX_PARENT, EAGAIN,
	  { RENOSYS(SYS_clone3) }, set_attr, S_PLAIN, env_nproc, 0, NULL },
	{ "cgroup not writable by the caller (uid 65534)", CX_STEP_CLONE3, CX_PARENT, EACCES,
	  { { 0 } }, set_attr, S_CGROUP_DENIED, env_nobody, 0, NULL },
};

/* Why a case cannot run here, or NULL. Under valgrind the library takes
 * the COPY mode and valgrind emulates some of the system calls involved. */
static const char *why_not(const struct fcase *c)
{
	if (c->setup_arg == S_CGROUP_DENIED && clone3_missing)
		return "no clone3 here (valgrind), so no cgroup placement: ENOSYS before the fd is read";
	if (c->env == env_nofile && c->setup_arg == S_PDEATHSIG && pidfd_open_missing)
		return "no pidfd_open here (valgrind): pdeathsig uses getppid(), no parent fd";
	if (c->env == env_nofile && c->step != CX_STEP_PREPARE && on_valgrind)
		return "valgrind limits fds only in its open/pipe wrappers (a pidfd from clone escapes "
		       "the limit) and asserts in its clone wrapper when CLONE_PIDFD hits EMFILE";
	if (c->step == CX_STEP_PREPARE && !on_valgrind)
		return "the COPY mode (and its pipes) is taken only under valgrind";
	for (int i = 0; i < MAX_RULES && on_valgrind; i++)
		if (c->rules[i].nr == SYS_clone3 || c->rules[i].nr == SYS_clone ||
		    c->rules[i].nr == SYS_pidfd_open)
			return "valgrind answers clone3 and pidfd_open itself (ENOSYS) and runs "
			       "clone its own way";
	for (int i = 0; i < MAX_RULES && on_valgrind; i++) {
		if (c->rules[i].nr == SYS_rt_sigaction)
			return "valgrind keeps signal handlers itself: rt_sigaction never reaches the "
			       "kernel's filter";
		if (c->rules[i].nr == SYS_execve)
			return "valgrind cannot return from a failed execve: it ends the child, which "
			       "then reports nothing";
	}
	return NULL;
}

static int run_or_skip(const struct fcase *c, int error)
{
	const char *why = why_not(c);

	if (why) {
		ok(1, "# SKIP %s: %s", c->name, why);
		return 0;
	}
	run_case(c, error);
	return 1;
}

/* The fd the parent needs first: without valgrind the pidfd from clone3,
 * then /proc/PID/uid_map; under valgrind (COPY mode) the error pipe. */
static const struct fcase nofile_cases[] = {
	{ "RLIMIT_NOFILE: parent pidfd for pdeathsig", CX_STEP_OPEN_PARENT_PIDFD, CX_PARENT,
	  EMFILE, { { 0 } }, set_attr, S_PDEATHSIG, env_nofile, 0, NULL },
	{ "RLIMIT_NOFILE: pidfd from clone3", CX_STEP_CLONE3, CX_PARENT, EMFILE, { { 0 } },
	  set_attr, S_PLAIN, env_nofile, 0, NULL },
	{ "RLIMIT_NOFILE: parent's /proc/PID/uid_map", CX_STEP_WRITE_UID_MAP, CX_PARENT, EMFILE,
	  { { 0 } }, set_attr, S_PARENT_MAPS, env_nofile, 1, NULL },
	{ "RLIMIT_NOFILE: the error pipe (COPY mode)", CX_STEP_PREPARE, CX_PARENT, EMFILE,
	  { { 0 } }, set_attr, S_PLAIN, env_nofile, 1, NULL },
};

static int make_cgroup(void)
{
	snprintf(cgroup_dir, sizeof(cgroup_dir), CGROUP_ROOT "/cx-hard-faults-%d", (int)getpid());
	if (mkdir(cgroup_dir, 0755) < 0)
		return -errno;
	return 0;
}

int main(void)
{
	CX_ATTR(warm);
	char *argv[] = { "x", NULL };
	int cases = 0;

	cxt_helper("probe", probe, sizeof(probe));
	on_valgrind = !cx_feature(CX_FEAT_VM_SHARED);
	/* clone3 with a NULL args of size 0: EINVAL if the kernel has it. */
	clone3_missing = syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS;
	{
		long fd = syscall(SYS_pidfd_open, getpid(), 0);

		pidfd_open_missing = fd < 0 && errno == ENOSYS;
		if (fd >= 0)
			close((int)fd);
	}
	if (access(CGROUP_ROOT "/cgroup.procs", F_OK) < 0)
		tap_skip_all("no cgroup v2 at " CGROUP_ROOT);
	if (make_cgroup() < 0)
		tap_bail("mkdir %s: %m", cgroup_dir);
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		tap_bail("mmap: %m");
	/* The library reads cap_last_cap once; do it before any fd limit. */
	warm.ambient_caps = 1;
	cx_explain("/bin/true", argv, NULL, &warm, 0, find_index, &(struct want_index){ 0 }, NULL);
	/* And the first spawn checks (with a pipe) that CLONE_VM shares
	 * memory: do it here, so every case sees the steady state (valgrind
	 * is known from the start: the copy mode, no check). */
	if (!on_valgrind) {
		char *true_argv[] = { "/bin/true", NULL };
		struct cx_process *p;

		if (cx_spawn(true_argv[0], true_argv, NULL, NULL, &p, NULL) == 0) {
			cx_process_wait(p, -1, NULL);
			cx_process_release(p);
		}
	}

	for (size_t i = 0; i < CX_ARRAY_SIZE(resource_cases); i++)
		cases += run_or_skip(&resource_cases[i], resource_cases[i].error);
	for (size_t i = 0; i < CX_ARRAY_SIZE(nofile_cases); i++)
		cases += run_or_skip(&nofile_cases[i], EMFILE);
	for (size_t i = 0; i < CX_ARRAY_SIZE(seccomp_cases); i++) {
		cases += run_or_skip(&seccomp_cases[i], EPERM);
		cases += run_or_skip(&seccomp_cases[i], EINVAL);
	}
	diag("faults injected: %d", cases);
	rmdir(cgroup_dir);
	return tap_done();
}
