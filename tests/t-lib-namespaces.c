/* SPDX-License-Identifier: MIT */
/*
 * Namespaces by clone and by unshare, seen from inside: the /proc/self/ns links
 * differ from the parent's exactly for those asked; a new net namespace
 * has only lo; a new pid namespace makes the child pid 1; a new time
 * namespace is a different one (Go's tests). Mounts made in a new mount
 * namespace do not appear in the parent, also with chroot, because the
 * library makes / private; with KEEP_PROPAGATION, on a shared mount, they
 * do (the control that shows the check can fail).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static char out[LT_OUT];

static const struct {
	const char *name;
	unsigned long flag;
} all[] = {
	{ "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID },     { "mnt", CLONE_NEWNS },
	{ "net", CLONE_NEWNET },   { "uts", CLONE_NEWUTS },     { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* Namespaces that unshare changes for the caller itself (pid and time
 * apply to its children only). */
static int unshare_moves_self(unsigned long flag)
{
	return flag != CLONE_NEWPID && flag != CLONE_NEWTIME;
}

static void one(unsigned long flag, const char *name, int by_clone)
{
	CX_ATTR(a);
	struct cx_status st;
	struct cx_error err;
	char what[64];
	int same_others = 1;

	if (by_clone)
		a.cloneflags = flag;
	else
		a.unshareflags = flag;
	snprintf(what, sizeof(what), "%s %s", by_clone ? "clone" : "unshare", name);
	if (by_clone && flag == CLONE_NEWTIME && lt_on_valgrind()) {
		/* A time namespace at clone needs clone3, which valgrind lacks:
		 * the documented error for a kernel without it. */
		char *argv[] = { (char *)lt_probe(), "ns", NULL };

		lt_fails(what, argv[0], argv, &a, CX_STEP_CLONE3, ENOSYS);
		lt_skip(what, "valgrind has no clone3: no time namespace at clone");
		return;
	}
	lt_ran_ok(lt_run(&a, out, &st, &err, "ns", NULL), &st, &err, what);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		char key[32];
		int differs;

		snprintf(key, sizeof(key), "ns_%s", all[i].name);
		differs = strcmp(lt_get(out, key), lt_self_ns(all[i].name)) != 0;
		if (all[i].flag == flag) {
			if (by_clone || unshare_moves_self(flag))
				ok(differs, "%s: the child's %s namespace is new", what, name);
		} else if (differs) {
			diag("  %s namespace differs too", all[i].name);
			same_others = 0;
		}
	}
	ok(same_others, "%s: every other namespace is the parent's", what);
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void net_lo_only(void)
{
	CX_ATTR(a, .unshareflags = CLONE_NEWNET);
	struct cx_status st;
	struct cx_error err;
	int host = count_lines(lt_slurp("/proc/net/dev"));

	lt_ran_ok(lt_run(&a, out, &st, &err, "cat", "/proc/net/dev", NULL), &st, &err,
		  "unshare net, /proc/net/dev");
	/* Two header lines, then one per device. */
	is_int(count_lines(out), 3, "new net namespace: exactly one device");
	ok(strstr(out, " lo:") != NULL, "new net namespace: it is lo");
	ok(count_lines(out) < host, "fewer devices than the host (%d lines)", host);
}

static void pid_one(void)
{
	CX_ATTR(a, .cloneflags = CLONE_NEWPID);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "stat", NULL), &st, &err, "clone pid");
	is_str(lt_get(out, "pid"), "1", "new pid namespace: the child is pid 1");
}

static void uts_hostname(void)
{
	CX_ATTR(a, .cloneflags = CLONE_NEWUTS);
	struct cx_status st;
	struct cx_error err;
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	lt_ran_ok(lt_run(&a, out, &st, &err, "hostname", NULL), &st, &err, "clone uts");
	is_str(lt_get(out, "hostname"), host, "new uts namespace starts with the host's name");
}

/* A mount point shared with peers: what a mount namespace keeps shared
 * would propagate back into ours. */
static char base[256], shared[300];

static void make_shared(void)
{
	/* "none": the kernel ignores the type of a propagation change, but
	 * valgrind checks that it is a readable string. */
	snprintf(base, sizeof(base), "/tmp/lt-ns-%d", (int)getpid());
	snprintf(shared, sizeof(shared), "%s/shared", base);
	mkdir(base, 0755);
	mkdir(shared, 0755);
	if (mount("lt-shared", shared, "tmpfs", 0, "mode=0755") < 0 ||
	    mount(NULL, shared, "none", MS_SHARED, NULL) < 0)
		tap_bail("shared tmpfs at %s: %s", shared, strerror(errno));
}

static int mounted_here(const char *path)
{
	char needle[PATH_MAX + 4];

	snprintf(needle, sizeof(needle), " %s ", path);
	return strstr(lt_slurp("/proc/self/mountinfo"), needle) != NULL;
}

static void mount_case(const char *what, struct cx_attr *a, const char *inside,
		       const char *outside, int want_leak)
{
	struct cx_status st;
	struct cx_error err;

	mkdir(outside, 0755);
	lt_ran_ok(lt_run(a, out, &st, &err, "mount-tmpfs", inside, NULL), &st, &err, what);
	is_str(lt_get(out, "mounted"), inside, "%s: the child mounted %s", what, inside);
	if (want_leak)
		ok(mounted_here(outside), "%s: control: the mount propagated to the parent", what);
	else
		ok(!mounted_here(outside), "%s: the mount is not in the parent's mountinfo", what);
	umount2(outside, MNT_DETACH);
}

static void mounts(void)
{
	char dir[512], root[512], rdir[600];
	CX_ATTR(un, .unshareflags = CLONE_NEWNS);
	CX_ATTR(cl, .cloneflags = CLONE_NEWNS);
	CX_ATTR(keep, .unshareflags = CLONE_NEWNS, .flags = CX_ATTR_KEEP_PROPAGATION);
	CX_ATTR(chr, .unshareflags = CLONE_NEWNS);
	CX_ATTR(chr_keep, .unshareflags = CLONE_NEWNS, .flags = CX_ATTR_KEEP_PROPAGATION);
	char *probe[] = { "/probe", "mount-tmpfs", "/mnt", NULL };

	make_shared();
	snprintf(dir, sizeof(dir), "%s/m", shared);
	mount_case("unshare mount", &un, dir, dir, 0);
	mount_case("clone mount", &cl, dir, dir, 0);
	mount_case("unshare mount, keep propagation", &keep, dir, dir, 1);

	snprintf(root, sizeof(root), "%s/root", shared);
	if (lt_make_root(root, 0) < 0)
		tap_bail("making %s", root);
	snprintf(rdir, sizeof(rdir), "%s/mnt", root);
	mkdir(rdir, 0755);
	chr.chroot = root;
	chr_keep.chroot = root;
	{
		struct cx_status st;
		struct cx_error err;
		int r = cxt_run("/probe", probe, &chr, out, sizeof(out), &st, &err);

		lt_ran_ok(r, &st, &err, "unshare mount + chroot");
		ok(!mounted_here(rdir), "chroot: the child's mount is not in the parent");
		umount2(rdir, MNT_DETACH);
		r = cxt_run("/probe", probe, &chr_keep, out, sizeof(out), &st, &err);
		lt_ran_ok(r, &st, &err, "unshare mount + chroot, keep propagation");
		ok(mounted_here(rdir), "chroot, keep propagation: control: the mount propagated");
		umount2(rdir, MNT_DETACH);
	}
	umount2(shared, MNT_DETACH);
	lt_remove_root(base);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		one(all[i].flag, all[i].name, 1);
		one(all[i].flag, all[i].name, 0);
	}
	net_lo_only();
	pid_one();
	uts_hostname();
	mounts();
	return tap_done();
}
