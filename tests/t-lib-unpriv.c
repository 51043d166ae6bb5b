/* SPDX-License-Identifier: MIT */
/*
 * The unprivileged path. The test starts itself again through the library
 * as nobody (65534); that half creates user namespaces as any user would:
 * maps of its own id only, setgroups denied. Go's tests: root inside,
 * setgroups allowed fails at the gid_map write, an empty credential works,
 * unshare user+mount with 1:1 maps then chroot works, ambient caps in a
 * user namespace; plus the failures and that they leave nothing behind.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define NOBODY 65534
#define CLONE_NEWUSER_ 0x10000000ULL
#define CLONE_NEWNS_ 0x00020000ULL
#define CLONE_NEWPID_ 0x20000000ULL

static char out[LT_OUT];

static void root_inside(const char *what, uint64_t cloneflags, uint64_t unshareflags)
{
	static const struct cx_id_map map = { 0, NOBODY, 1 };
	CX_ATTR(a, .cloneflags = cloneflags, .unshareflags = unshareflags, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", "uid_map", "cat", "/proc/self/gid_map",
			 "cat", "/proc/self/setgroups", NULL),
		  &st, &err, what);
	ok(strncmp(lt_get(out, "Uid"), "0\t0\t0\t0", 7) == 0, "%s: uid 0 inside (%s)", what,
	   lt_get(out, "Uid"));
	ok(strncmp(lt_get(out, "Gid"), "0\t0\t0\t0", 7) == 0, "%s: gid 0 inside", what);
	ok(strstr(out, "         0      65534          1") != NULL,
	   "%s: uid_map and gid_map are 0 65534 1", what);
	ok(strstr(out, "deny") != NULL, "%s: setgroups is deny", what);
}

static void unpriv(const char *root)
{
	static const struct cx_id_map map = { 0, NOBODY, 1 }, same = { NOBODY, NOBODY, 1 };
	static const struct cx_id_map wide = { 0, 100000, 65536 };
	char *argv[] = { (char *)lt_probe(), NULL };
	char *chargv[] = { "/probe", "cat", "/marker", "status", NULL };
	CX_ATTR(allow_clone, .flags = CX_ATTR_SETGROUPS_ALLOW, .cloneflags = CLONE_NEWUSER_,
		.uid_map = &map, .nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	CX_ATTR(allow_unshare, .flags = CX_ATTR_SETGROUPS_ALLOW, .unshareflags = CLONE_NEWUSER_,
		.uid_map = &map, .nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	CX_ATTR(empty, .flags = CX_ATTR_CREDENTIAL, .cloneflags = CLONE_NEWUSER_, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	CX_ATTR(chr, .unshareflags = CLONE_NEWUSER_ | CLONE_NEWNS_, .uid_map = &same,
		.nuid_map = 1, .gid_map = &same, .ngid_map = 1, .chroot = root, .dir = "/");
	CX_ATTR(caps, .flags = CX_ATTR_CREDENTIAL, .cloneflags = CLONE_NEWUSER_, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1,
		.ambient_caps = 1ULL << 25 | 1ULL << 34);
	CX_ATTR(many, .cloneflags = CLONE_NEWUSER_, .uid_map = &wide, .nuid_map = 1);
	CX_ATTR(nouserns, .unshareflags = CLONE_NEWNS_);
	CX_ATTR(pidns, .cloneflags = CLONE_NEWUSER_ | CLONE_NEWPID_, .uid_map = &map, .nuid_map = 1);
	struct cx_process *p = NULL;
	struct cx_status st;
	struct cx_error err;
	uint64_t want = 1ULL << 25 | 1ULL << 34;

	is_int((int)getuid(), NOBODY, "the second half runs as nobody");
	is_str(lt_self_status("CapEff"), "0000000000000000", "with no capability");

	root_inside("clone user, 0 -> own uid", CLONE_NEWUSER_, 0);
	root_inside("unshare user, 0 -> own uid", 0, CLONE_NEWUSER_);

	lt_fails("clone user, setgroups allowed", argv[0], argv, &allow_clone,
		 CX_STEP_WRITE_GID_MAP, EPERM);
	/* The kernel would refuse it at "write gid_map"; the library knows
	 * before anything starts. */
	lt_fails("unshare user, setgroups allowed", argv[0], argv, &allow_unshare,
		 CX_STEP_CHECK, EINVAL);
	lt_fails("a map of ids not ours", argv[0], argv, &many, CX_STEP_WRITE_UID_MAP, EPERM);
	lt_fails("a mount namespace without a user namespace", argv[0], argv, &nouserns,
		 CX_STEP_UNSHARE, EPERM);

	lt_ran_ok(lt_run(&empty, out, &st, &err, "status", NULL), &st, &err,
		  "empty credential in a user namespace");
	ok(strncmp(lt_get(out, "Uid"), "0\t0", 3) == 0, "empty credential: uid 0 inside");

	lt_ran_ok(cxt_run("/probe", chargv, &chr, out, sizeof(out), &st, &err), &st, &err,
		  "unshare user+mount, 1:1 maps, chroot");
	ok(strstr(out, "inside the root") != NULL, "chroot as nobody: / is the new root");
	ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "chroot as nobody: still 65534 inside");

	lt_ran_ok(lt_run(&caps, out, &st, &err, "status", NULL), &st, &err,
		  "ambient caps in a user namespace");
	is_int((long long)lt_hex(lt_get(out, "CapAmb")), (long long)want,
	       "userns: CAP_SYS_TIME and CAP_SYSLOG ambient");
	ok((lt_hex(lt_get(out, "CapEff")) & want) == want, "userns: and effective");

	is_int(cx_spawn(lt_probe(), (char *[]){ (char *)lt_probe(), "sleep", "60", NULL }, NULL,
			&pidns, &p, &err),
	       0, "user+pid namespaces as nobody: a sleeping child");
	if (p) {
		is_int(cx_process_signal(p, SIGKILL), 0, "SIGKILL through the pidfd");
		ok(cx_process_wait(p, 30000, &st) == 0 && st.signal == SIGKILL,
		   "the init of the new pid namespace is killed");
		lt_end(p);
	}
}

int main(int argc, char **argv)
{
	char root[128], self[PATH_MAX];

	if (argc == 3 && !strcmp(argv[1], "--unprivileged-half")) {
		unpriv(argv[2]);
		return tap_done();
	}
	if (geteuid() != 0)
		tap_skip_all("needs root to become nobody");
	/* A copy nobody can reach, wherever the checkout is. */
	snprintf(self, sizeof(self), "%s", cxt_self());
	snprintf(root, sizeof(root), "/tmp/lt-unpriv-%d", (int)getpid());
	if (lt_make_root(root, 1) < 0)
		tap_bail("making %s", root);
	{
		char *args[] = { self, "--unprivileged-half", root, NULL };
		CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_CLOSE_OTHER_FDS, .uid = NOBODY,
			.gid = NOBODY);
		struct cx_status st;
		struct cx_error err;
		int r = cxt_run(self, args, &a, out, sizeof(out), &st, &err);

		lt_relay("nobody", out);
		lt_ran_ok(r, &st, &err, "the test again, as nobody");
		ok(strstr(out, "ok 30 ") != NULL, "the second half ran to its end");
	}
	lt_remove_root(root);
	return tap_done();
}
