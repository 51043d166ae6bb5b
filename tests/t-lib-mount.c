/* SPDX-License-Identifier: MIT */
/*
 * The mount plan (issue 9), seen from inside the child: each operation's
 * effect (mountinfo, EROFS, files and modes), the new root (only what the
 * plan put there), recursive read-only binds, symlink escapes that must
 * land inside the new root, missing sources plain and -try, the
 * unprivileged path, hostname; and from the host afterwards: nothing left
 * mounted, nothing made outside. Bad input fails before any clone.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feature.h"
#include "lib-util.h"
#include "lt-seccomp.h"
#include "tap.h"

static char out[LT_OUT];
static char tmp[64];

/* bubblewrap's usual recipe: enough for /bin/sh and coreutils. */
static const struct cx_mount base[] = {
	{ .kind = CX_MOUNT_RO_BIND, .source = "/usr", .target = "/usr" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/bin", .target = "/bin" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/sbin", .target = "/sbin" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/lib", .target = "/lib" },
	{ .kind = CX_MOUNT_SYMLINK, .source = "usr/lib64", .target = "/lib64" },
};
#define NBASE (sizeof(base) / sizeof(base[0]))

static struct cx_mount plan[4096];
static unsigned int nplan;

static void plan_base(void)
{
	memcpy(plan, base, sizeof(base));
	nplan = NBASE;
}

static void plan_add(int kind, const char *src, const char *dst)
{
	plan[nplan++] = (struct cx_mount){ .kind = kind, .source = src, .target = dst };
}

static int sh(const struct cx_attr *a, const char *script, struct cx_status *st,
	      struct cx_error *err)
{
	char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };

	memset(st, 0, sizeof(*st));
	return cxt_run(argv[0], argv, a, out, LT_OUT, st, err);
}

/* Run script in a new root made of base + plan; 1 when it exited 0. */
static int in_root(const char *script, uint64_t ns, const char *what)
{
	CX_ATTR(a, .flags = CX_ATTR_NEW_ROOT, .mounts = plan, .nmounts = nplan, .cloneflags = ns);
	struct cx_status st;
	struct cx_error err;
	int r = sh(&a, script, &st, &err);

	if (r < 0) {
		char msg[256];

		cx_error_format(&err, msg, sizeof(msg));
		diag("%s: %s", what, msg);
	}
	return lt_ran_ok(r, &st, &err, what);
}

static void t_new_root(void)
{
	plan_base();
	plan_add(CX_MOUNT_PROC, NULL, "/proc");
	plan_add(CX_MOUNT_DEV, NULL, "/dev");
	plan_add(CX_MOUNT_TMPFS, NULL, "/tmp");
	plan_add(CX_MOUNT_MQUEUE, NULL, "/dev/mqueue");
	in_root("ls -a / | tr '\\n' ' '; echo; ls /dev | tr '\\n' ' '; echo;"
		" touch /usr/cx-x 2>&1; echo w=$?; echo hi > /dev/null && echo null=ok;"
		" echo x > /tmp/f && echo tmp=ok; test -e /work || echo old=gone;"
		" sed -n 's|^[0-9]* [0-9]* [0-9:]* / / .* - \\([a-z]*\\) .*|root=\\1|p' /proc/self/mountinfo;"
		" grep -q ' /proc/sys ro,' /proc/self/mountinfo && echo sys=ro;"
		" grep -c ' /usr .*ro,' /proc/self/mountinfo",
		CX_NEWPID | CX_NEWIPC, "new root with proc, dev, tmpfs, mqueue");
	ok(strstr(out, ". .. bin dev lib lib64 proc sbin tmp usr \n") != NULL,
	   "the new root holds only what the plan put there");
	ok(strstr(out, "core fd full mqueue null ptmx pts random shm stderr stdin stdout tty "
		       "urandom zero") != NULL, "dev: the nodes, devpts, shm and the symlinks");
	ok(strstr(out, "Read-only file system") && strstr(out, "w=1"), "ro-bind: a write is EROFS");
	ok(strstr(out, "null=ok") && strstr(out, "tmp=ok"), "/dev/null and /tmp are writable");
	ok(strstr(out, "old=gone") != NULL, "the old root is not reachable");
	ok(strstr(out, "root=tmpfs") != NULL, "/ is a tmpfs");
	ok(strstr(out, "sys=ro") != NULL, "proc: /proc/sys is bound read-only on itself");
}

static void t_in_place(void)
{
	char d[128], sub[160], link[160], dir[160];
	CX_ATTR(a);
	struct cx_mount m[6];
	struct cx_status st;
	struct cx_error err;
	char script[1024];

	snprintf(d, sizeof(d), "%s/inplace", tmp);
	snprintf(dir, sizeof(dir), "%s/a/b", d);
	snprintf(sub, sizeof(sub), "%s/c", d);
	snprintf(link, sizeof(link), "%s/l", d);
	mkdir(d, 0755);
	m[0] = (struct cx_mount){ .kind = CX_MOUNT_TMPFS, .target = d, .size = 1 << 20,
				  .mode = 0710, .flags = CX_MOUNT_MODE };
	m[1] = (struct cx_mount){ .kind = CX_MOUNT_DIR, .target = dir };
	m[2] = (struct cx_mount){ .kind = CX_MOUNT_DIR, .target = sub, .mode = 0700,
				  .flags = CX_MOUNT_MODE };
	m[3] = (struct cx_mount){ .kind = CX_MOUNT_SYMLINK, .source = "a/b", .target = link };
	m[4] = (struct cx_mount){ .kind = CX_MOUNT_CHMOD, .target = dir, .mode = 0751 };
	m[5] = (struct cx_mount){ .kind = CX_MOUNT_REMOUNT_RO, .target = d };
	a.mounts = m;
	a.nmounts = 6;
	snprintf(script, sizeof(script),
		 "stat -c %%a %s %s %s; readlink %s; grep ' %s ' /proc/self/mountinfo; touch %s/f 2>&1; true",
		 d, sub, dir, link, d, d);
	lt_ran_ok(sh(&a, script, &st, &err), &st, &err, "in place: tmpfs, dir, symlink, chmod");
	ok(strstr(out, "710\n700\n751\na/b\n") != NULL, "modes and the link text as asked");
	ok(strstr(out, "tmpfs") && strstr(out, "size=1024k") && strstr(out, "nosuid,nodev"),
	   "the tmpfs has its size and nosuid,nodev");
	ok(strstr(out, " ro,nosuid,nodev") && strstr(out, "Read-only file system"),
	   "remount-ro: the tmpfs is read-only after its contents were made");
	ok(access(sub, F_OK) < 0, "nothing made in the host's directory under the tmpfs");
	rmdir(d);
}

/* A submount under a read-only bind is read-only too. */
static void t_recursive_ro(void)
{
	char src[128], subm[160], script[256];
	struct cx_mount m[1];

	snprintf(src, sizeof(src), "%s/rsrc", tmp);
	snprintf(subm, sizeof(subm), "%s/rsrc/sub", tmp);
	mkdir(src, 0755);
	mkdir(subm, 0755);
	/* The submount exists only in a mount namespace of this test's own. */
	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", subm, "tmpfs", 0, NULL) < 0)
		tap_bail("submount: %s", strerror(errno));
	m[0] = (struct cx_mount){ .kind = CX_MOUNT_RO_BIND, .source = src, .target = "/ro" };
	plan_base();
	plan[nplan++] = m[0];
	plan_add(CX_MOUNT_PROC, NULL, "/proc");
	snprintf(script, sizeof(script), "touch /ro/sub/f 2>&1; grep ' /ro/sub ' /proc/self/mountinfo");
	in_root(script, 0, "ro-bind with a submount");
	ok(strstr(out, "Read-only file system") != NULL, "a write in the submount is EROFS");
	ok(strstr(out, " /ro/sub ro,") != NULL, "mountinfo: the submount is ro");
}

static void sub_recursive_ro(void *arg)
{
	(void)arg;
	t_recursive_ro();
}

/* The same on a kernel without mount_setattr (before 5.12): the library is
 * told it has none, as its probe would find, and the call fails if it is
 * made anyway; the submounts are then found in mountinfo and remounted.
 * (Under valgrind, which has no mount_setattr, the case above already runs
 * this way.) */
static void sub_recursive_ro_remount(void *arg)
{
	struct lt_rule r = { .nr = __NR_mount_setattr, .action = SECCOMP_RET_ERRNO | ENOSYS };

	(void)arg;
	lt_seccomp_one(&r);
	cx_feature_missing(CX_FEAT_MOUNT_SETATTR);
	t_recursive_ro();
}

/* Earlier symlinks (made or bound) pointing at / or .. must not send a
 * later mount out of the new root. */
static void t_escape(void)
{
	char bdir[128], blink[160];

	snprintf(bdir, sizeof(bdir), "%s/bound", tmp);
	snprintf(blink, sizeof(blink), "%s/bound/up", tmp);
	mkdir(bdir, 0755);
	if (symlink("../../../../../..", blink) < 0)
		tap_bail("symlink: %s", strerror(errno));
	plan_base();
	plan_add(CX_MOUNT_SYMLINK, "/", "/esc");
	plan_add(CX_MOUNT_TMPFS, NULL, "/esc/cx-t1");
	plan_add(CX_MOUNT_BIND, bdir, "/b");
	plan_add(CX_MOUNT_TMPFS, NULL, "/b/up/cx-t2");
	plan_add(CX_MOUNT_DIR, NULL, "/../../cx-t3");
	plan_add(CX_MOUNT_PROC, NULL, "/proc");
	in_root("cut -d' ' -f5 /proc/self/mountinfo | grep cx-t | tr '\\n' ' '; echo; ls -d /cx-t3",
		0, "symlinks to / and .. as later targets");
	ok(strstr(out, "/cx-t1 /cx-t2 \n/cx-t3") != NULL, "the mounts landed inside the new root");
	ok(access("/cx-t1", F_OK) < 0 && access("/cx-t2", F_OK) < 0 && access("/cx-t3", F_OK) < 0,
	   "nothing was made in the host's /");
	unlink(blink);
	rmdir(bdir);
}

static void t_missing(void)
{
	CX_ATTR(a, .flags = CX_ATTR_NEW_ROOT);
	char *argv[] = { "/bin/true", NULL };
	struct cx_process *p = NULL;
	struct cx_error err;
	char msg[512];
	int r;

	plan_base();
	plan_add(CX_MOUNT_BIND, "/nonexistent/src", "/srv/x");
	a.mounts = plan;
	a.nmounts = nplan;
	lt_fails("missing bind source", "/bin/true", argv, &a, CX_STEP_BIND, ENOENT);
	r = cx_spawn("/bin/true", argv, NULL, &a, &p, &err);
	cx_error_format(&err, msg, sizeof(msg));
	ok(r == -ENOENT && !strcmp(msg, "bind /nonexistent/src on /srv/x: No such file or directory"),
	   "the error names the step, source and target: %s", msg);
	plan[nplan - 1].flags = CX_MOUNT_TRY;
	in_root("test -e /srv/x || echo skipped", 0, "bind-try with a missing source");
	ok(strstr(out, "skipped") != NULL, "bind-try: skipped, no target made");
}

static void bad_ns(const char *what, struct cx_mount m, uint64_t flags, uint64_t ns, int error)
{
	CX_ATTR(a, .flags = flags, .mounts = &m, .nmounts = 1, .cloneflags = ns);
	char *argv[] = { "/bin/true", NULL };

	lt_fails(what, "/bin/true", argv, &a, CX_STEP_CHECK, error);
}

static void bad(const char *what, struct cx_mount m, uint64_t flags, int error)
{
	bad_ns(what, m, flags, 0, error);
}

static void t_bad(void)
{
	static char longpath[PATH_MAX + 16];
	CX_ATTR(a);
	char *argv[] = { "/bin/true", NULL };
	struct cx_mount *many;
	char name[80];

	longpath[0] = '/';
	memset(longpath + 1, 'a', PATH_MAX + 2);
	bad("mode beyond 07777", (struct cx_mount){ .kind = CX_MOUNT_DIR, .target = "/x",
		.mode = 010000, .flags = CX_MOUNT_MODE }, 0, EINVAL);
	bad("size on a bind", (struct cx_mount){ .kind = CX_MOUNT_BIND, .source = "/usr",
		.target = "/x", .size = 4096 }, 0, EINVAL);
	bad("relative target in a new root", (struct cx_mount){ .kind = CX_MOUNT_TMPFS,
		.target = "tmp" }, CX_ATTR_NEW_ROOT, EINVAL);
	bad("empty target", (struct cx_mount){ .kind = CX_MOUNT_TMPFS, .target = "" }, 0, EINVAL);
	bad("NULL target", (struct cx_mount){ .kind = CX_MOUNT_TMPFS }, 0, EINVAL);
	bad("empty source", (struct cx_mount){ .kind = CX_MOUNT_BIND, .source = "",
		.target = "/x" }, 0, EINVAL);
	bad("target over PATH_MAX", (struct cx_mount){ .kind = CX_MOUNT_TMPFS,
		.target = longpath }, 0, ENAMETOOLONG);
	bad("source over PATH_MAX", (struct cx_mount){ .kind = CX_MOUNT_BIND, .source = longpath,
		.target = "/x" }, 0, ENAMETOOLONG);
	bad("unknown kind", (struct cx_mount){ .kind = 99, .target = "/x" }, 0, EINVAL);
	bad("try on a tmpfs", (struct cx_mount){ .kind = CX_MOUNT_TMPFS, .target = "/x",
		.flags = CX_MOUNT_TRY }, 0, EINVAL);
	bad("a tmpfs on / in place", (struct cx_mount){ .kind = CX_MOUNT_TMPFS, .target = "/" },
	    0, EINVAL);
	bad_ns("proc in a user namespace without a pid one",
	       (struct cx_mount){ .kind = CX_MOUNT_PROC, .target = "/proc" }, 0, CX_NEWUSER, EPERM);
	a.nmounts = 2;
	lt_fails("mounts NULL with a count", "/bin/true", argv, &a, CX_STEP_CHECK, EINVAL);
	a.nmounts = 0;
	a.flags = CX_ATTR_INIT;
	lt_fails("init without a pid namespace", "/bin/true", argv, &a, CX_STEP_CHECK, EINVAL);
	a.flags = 0;
	memset(name, 'h', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	a.hostname = name;
	lt_fails("hostname over 64 bytes", "/bin/true", argv, &a, CX_STEP_CHECK, EINVAL);
	a.hostname = NULL;
	{
		/* A 0.1 caller's struct ends before the 0.2 fields. */
		struct cx_attr old;
		struct cx_process *p = NULL;
		struct cx_status st;
		struct cx_error err;

		memset(&old, 0, sizeof(old));
		old.size = offsetof(struct cx_attr, nrlimits) + sizeof(old.nrlimits);
		ok(cx_spawn("/bin/true", argv, NULL, &old, &p, &err) == 0 &&
		   cx_process_wait(p, -1, &st) == 0 && st.exited && st.exit_code == 0,
		   "a 0.1 struct cx_attr (size %zu) still works", old.size);
		if (p)
			cx_process_release(p);
	}
	many = calloc(70000, sizeof(*many));
	for (int i = 0; i < 70000; i++)
		many[i] = (struct cx_mount){ .kind = CX_MOUNT_DIR, .target = "/x" };
	a.mounts = many;
	a.nmounts = 70000;
	lt_fails("70000 operations", "/bin/true", argv, &a, CX_STEP_CHECK, E2BIG);
	free(many);
}

static void t_thousands(void)
{
	static char names[3000][16];

	plan_base();
	for (int i = 0; i < 3000; i++) {
		snprintf(names[i], sizeof(names[i]), "/d/%d", i);
		plan_add(CX_MOUNT_DIR, NULL, names[i]);
	}
	in_root("ls /d | wc -l", 0, "3000 operations");
	ok(atoi(out) == 3000, "3000 directories made (%d)", atoi(out));
}

static void sub_unpriv(void *arg)
{
	struct cx_id_map um = { 0, 65534, 1 }, gm = { 0, 65534, 1 };
	CX_ATTR(a, .flags = CX_ATTR_NEW_ROOT | CX_ATTR_INIT, .cloneflags = CX_NEWUSER | CX_NEWPID,
		.uid_map = &um, .nuid_map = 1, .gid_map = &gm, .ngid_map = 1, .hostname = "box");
	struct cx_status st;
	struct cx_error err;

	(void)arg;
	if (cxt_drop_to(65534, 65534) < 0)
		tap_bail("drop to 65534: %s", strerror(errno));
	/* As a process started as 65534 is (setuid made this one non-dumpable,
	 * and /proc/self/uid_map root's). */
	prctl(PR_SET_DUMPABLE, 1);
	plan_base();
	plan_add(CX_MOUNT_PROC, NULL, "/proc");
	plan_add(CX_MOUNT_DEV, NULL, "/dev");
	plan_add(CX_MOUNT_TMPFS, NULL, "/tmp");
	a.mounts = plan;
	a.nmounts = nplan;
	lt_ran_ok(sh(&a, "id -u; hostname; echo /proc/[0-9]*; echo $$; touch /usr/x 2>&1;"
		     " ls /proc/1/fd 2>&1 >/dev/null | grep -c denied", &st, &err),
		  &st, &err, "uid 65534: user namespace, new root, init, hostname");
	ok(!strncmp(out, "0\nbox\n", 6), "root in the namespace, the hostname set");
	ok(strstr(out, "\n/proc/1 /proc/2\n2\n") != NULL, "proc shows the init and the program (pid 2) only");
	ok(strstr(out, "Read-only file system") != NULL, "the ro-bind holds for the namespace's root");
	ok(strstr(out, "system\n1\n") != NULL, "the init is not dumpable: its fds are closed to it");
}

static void t_hostname(void)
{
	CX_ATTR(a, .hostname = "cx-box", .domainname = "cx-dom");
	struct cx_status st;
	struct cx_error err;
	char host[64];

	gethostname(host, sizeof(host));
	if (lt_on_valgrind()) {
		/* valgrind 3.19 has no setdomainname */
		a.domainname = NULL;
		lt_skip("domainname", "valgrind has no setdomainname");
	}
	lt_ran_ok(sh(&a, "hostname; cat /proc/sys/kernel/domainname", &st, &err), &st, &err,
		  "hostname and domainname");
	ok(!strncmp(out, "cx-box\n", 7) && (a.domainname == NULL || !strcmp(out + 7, "cx-dom\n")),
	   "set, in a UTS namespace implied");
	{
		char now[64];

		gethostname(now, sizeof(now));
		is_str(now, host, "the caller's hostname is unchanged");
	}
}

static int explain_cb(int index, int step, const char *who, const char *text, void *ud)
{
	char *buf = ud;

	(void)index;
	(void)step;
	(void)who;
	strcat(buf, text);
	strcat(buf, "\n");
	return 0;
}

static void t_explain(void)
{
	CX_ATTR(a, .flags = CX_ATTR_NEW_ROOT);
	char *argv[] = { "/bin/sh", NULL };
	static char text[65536];
	struct cx_error err;

	plan_base();
	plan_add(CX_MOUNT_DEV, NULL, "/dev");
	a.mounts = plan;
	a.nmounts = nplan;
	is_int(cx_explain("/bin/sh", argv, NULL, &a, 0, explain_cb, text, &err), 0, "explain");
	ok(strstr(text, "new mount namespaces") && strstr(text, "mount new root /") &&
	   strstr(text, "bind read-only /usr on /usr (recursive, nosuid, nodev, read-only)") &&
	   strstr(text, "make symlink /bin -> usr/bin") &&
	   strstr(text, "bind with devices /dev/null on /dev/null") &&
	   strstr(text, "mount devpts /dev/pts") && strstr(text, "pivot_root /"),
	   "every mount is a step with its source and target");
}

/* The mount points of /proc/self/mountinfo at the places this test mounts
 * on (other tests may mount elsewhere meanwhile). */
static const char *ours(void)
{
	static char buf[LT_OUT];
	const char *p = lt_slurp("/proc/self/mountinfo");
	size_t used = 0;

	buf[0] = '\0';
	while (*p) {
		const char *f = p, *nl = strchr(p, '\n');
		size_t len;

		for (int i = 0; i < 4 && f; i++)
			f = strchr(f, ' ') ? strchr(f, ' ') + 1 : NULL;
		len = f ? strcspn(f, " ") : 0;
		if (f && (len == 1 || !strncmp(f, "/tmp", 4) || !strncmp(f, "/cx-", 4)) &&
		    used + len + 2 < sizeof(buf)) {
			memcpy(buf + used, f, len);
			used += len;
			buf[used++] = '\n';
			buf[used] = '\0';
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return buf;
}

int main(void)
{
	const char *before;
	char *saved;

	if (geteuid() != 0)
		tap_skip_all("needs root (mount namespaces as root, then the unprivileged path)");
	snprintf(tmp, sizeof(tmp), "/tmp/cx-mount.XXXXXX");
	if (!mkdtemp(tmp))
		tap_bail("mkdtemp: %s", strerror(errno));
	chmod(tmp, 0755);
	before = ours();
	saved = strdup(before);
	t_explain();
	t_new_root();
	t_in_place();
	lt_sub("recursive ro", sub_recursive_ro, NULL);
	lt_sub("recursive ro without mount_setattr", sub_recursive_ro_remount, NULL);
	t_escape();
	t_missing();
	t_bad();
	t_thousands();
	t_hostname();
	lt_sub("unprivileged", sub_unpriv, NULL);
	is_str(ours(), saved, "nothing left mounted on the host (/, /tmp..., /cx-...)");
	free(saved);
	rmdir(tmp);
	return tap_done();
}
