/* SPDX-License-Identifier: MIT */
/*
 * Credentials as the child sees them in /proc/self/status: uid, gid,
 * supplementary groups, the capability sets a credential change leaves,
 * no_new_privs and umask. Also Go's credential tests: 0/0 as root has no
 * other groups, inside a user namespace too, and an empty credential works
 * in a user namespace with setgroups denied.
 */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static void ids(const char *what, const char *key, const char *want)
{
	char line[64];

	snprintf(line, sizeof(line), "%s\t%s\t%s\t%s", want, want, want, want);
	is_str(lt_get(out, key), line, "%s: %s real, effective, saved, fs", what, key);
}

static void nobody_with_groups(void)
{
	static const gid_t groups[] = { 1000, 2000, 3 };
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534, .groups = groups,
		.ngroups = 3);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "nobody");
	ids("nobody", "Uid", "65534");
	ids("nobody", "Gid", "65534");
	is_str(lt_get(out, "Groups"), "3 1000 2000", "nobody: exactly the groups asked (sorted)");
	is_str(lt_get(out, "CapEff"), "0000000000000000", "nobody: CapEff empty");
	is_str(lt_get(out, "CapPrm"), "0000000000000000", "nobody: CapPrm empty");
	is_str(lt_get(out, "CapAmb"), "0000000000000000", "nobody: CapAmb empty");
}

static void root_no_groups(void)
{
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL, .uid = 0, .gid = 0);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "0/0");
	ids("0/0", "Uid", "0");
	ids("0/0", "Gid", "0");
	is_str(lt_get(out, "Groups"), "", "0/0: no supplementary groups");
	ok(lt_hex(lt_get(out, "CapEff")) == lt_hex(lt_self_status("CapEff")),
	   "0/0: root keeps its effective capabilities");
}

static void no_setgroups(void)
{
	static const gid_t mine[] = { 4, 24, 27 };
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_NO_SETGROUPS, .uid = 1000, .gid = 1000);
	struct cx_status st;
	struct cx_error err;
	gid_t saved[64];
	int n = getgroups(64, saved);

	/* Give this process groups of its own, so "kept" is observable. */
	if (n < 0 || setgroups(3, mine) < 0)
		tap_bail("setgroups in the test");
	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "no_setgroups");
	ids("no_setgroups", "Uid", "1000");
	ids("no_setgroups", "Gid", "1000");
	is_str(lt_get(out, "Groups"), "4 24 27", "no_setgroups: the caller's groups kept");
	if (setgroups((size_t)n, saved) < 0)
		tap_bail("restoring groups");
}

static void userns_root(void)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_SETGROUPS_ALLOW, .uid = 0, .gid = 0,
		.cloneflags = CLONE_NEWUSER, .uid_map = &map, .nuid_map = 1, .gid_map = &map,
		.ngid_map = 1);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", "ns", NULL), &st, &err, "userns 0/0");
	ids("userns 0/0", "Uid", "0");
	ids("userns 0/0", "Gid", "0");
	is_str(lt_get(out, "Groups"), "", "userns 0/0: no supplementary groups");
	ok(strcmp(lt_get(out, "ns_user"), lt_self_ns("user")) != 0,
	   "userns 0/0: in a new user namespace");
}

/* Go's TestEmptyCredGroupsDisableSetgroups: a zero credential with
 * setgroups denied must not call setgroups (it would fail). */
static void userns_empty_credential(void)
{
	static const struct cx_id_map map = { 0, 100000, 65536 };
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL, .cloneflags = CLONE_NEWUSER, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", "uid_map", NULL), &st, &err,
		  "userns empty credential, setgroups denied");
	ids("empty credential", "Uid", "0");
	ids("empty credential", "Gid", "0");
	ok(strstr(out, "100000") != NULL, "empty credential: uid_map is the one asked");
}

static void nnp_and_umask(void)
{
	CX_ATTR(a, .flags = CX_ATTR_NO_NEW_PRIVS | CX_ATTR_UMASK, .umask = 027);
	CX_ATTR(plain);
	struct cx_status st;
	struct cx_error err;
	mode_t old = umask(022);

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", "umask", NULL), &st, &err, "nnp+umask");
	is_str(lt_get(out, "NoNewPrivs"), "1", "no_new_privs set in the child");
	is_str(lt_get(out, "umask"), "0027", "umask 027 in the child");
	lt_ran_ok(lt_run(&plain, out, &st, &err, "status", "umask", NULL), &st, &err, "plain");
	is_str(lt_get(out, "NoNewPrivs"), "0", "no_new_privs not set by default");
	is_str(lt_get(out, "umask"), "0022", "the caller's umask by default");
	umask(old);
}

/* Only one of uid, gid, groups (issue 8 §3): the others stay the caller's. */
static void one_of_three(void)
{
	static const gid_t groups[] = { 7, 8 };
	CX_ATTR(uid, .flags = CX_ATTR_SET_UID, .uid = 65534, .gid = 12345);
	CX_ATTR(gid, .flags = CX_ATTR_SET_GID, .uid = 12345, .gid = 65534);
	CX_ATTR(grp, .flags = CX_ATTR_SET_GROUPS, .groups = groups, .ngroups = 2);
	CX_ATTR(both, .flags = CX_ATTR_SET_UID | CX_ATTR_NO_SETGROUPS);
	char caller_groups[256];
	struct cx_status st;
	struct cx_error err;

	snprintf(caller_groups, sizeof(caller_groups), "%s", lt_self_status("Groups"));
	lt_ran_ok(lt_run(&uid, out, &st, &err, "status", NULL), &st, &err, "uid only");
	ids("uid only", "Uid", "65534");
	ids("uid only", "Gid", "0");
	is_str(lt_get(out, "Groups"), caller_groups, "uid only: the caller's groups");
	lt_ran_ok(lt_run(&gid, out, &st, &err, "status", NULL), &st, &err, "gid only");
	ids("gid only", "Uid", "0");
	ids("gid only", "Gid", "65534");
	lt_ran_ok(lt_run(&grp, out, &st, &err, "status", NULL), &st, &err, "groups only");
	ids("groups only", "Uid", "0");
	is_str(lt_get(out, "Groups"), "7 8", "groups only: the groups asked");
	is_int(lt_run(&both, out, &st, &err, "status", NULL), -EINVAL,
	       "no_setgroups without CREDENTIAL: EINVAL");
}

/* chdir before the credential change (CPython's order) reaches a directory
 * only the caller may enter; after it (Go's order, the default) it cannot. */
static void chdir_order(void)
{
	char dir[] = "/tmp/cx-chdir-XXXXXX";
	CX_ATTR(first, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_CHDIR_FIRST, .uid = 65534,
		.gid = 65534, .dir = dir);
	CX_ATTR(after, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534, .dir = dir);
	char *argv[] = { (char *)lt_probe(), NULL };
	struct cx_status st;
	struct cx_error err;

	if (!mkdtemp(dir) || chmod(dir, 0700) < 0)
		tap_bail("mkdtemp: %m");
	lt_ran_ok(lt_run(&first, out, &st, &err, "cwd", NULL), &st, &err,
		  "CHDIR_FIRST: chdir as root, then nobody");
	is_str(lt_get(out, "cwd"), dir, "CHDIR_FIRST: the child runs in the 0700 directory");
	lt_fails("default order: chdir as nobody", argv[0], argv, &after, CX_STEP_CHDIR, EACCES);
	rmdir(dir);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	one_of_three();
	chdir_order();
	nobody_with_groups();
	root_no_groups();
	no_setgroups();
	userns_root();
	userns_empty_credential();
	nnp_and_umask();
	return tap_done();
}
