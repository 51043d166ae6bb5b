/* SPDX-License-Identifier: MIT */
/*
 * Capability sets and securebits (issue 10), seen in /proc/self/status and
 * PR_GET_SECUREBITS of the program: root keeping only CAP_NET_BIND_SERVICE
 * (CapEff 0x400, as `bwrap --cap-drop ALL --cap-add cap_net_bind_service`),
 * nobody keeping it as ambient, the bounding and inheritable sets, the
 * securebits, the same unprivileged in a user namespace, and the errors.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "confine-util.h"

#define NBS (1ULL << 10) /* CAP_NET_BIND_SERVICE */
#define KILL_ (1ULL << 5)
#define SETPCAP_ (1ULL << 8)
#define SECBIT_NOROOT_ 0x1U
#define SECBIT_NOROOT_LOCKED_ 0x2U
#define SECBIT_KEEP_CAPS_LOCKED_ 0x20U
#define SECBIT_NO_CAP_AMBIENT_RAISE_ 0x40U
#define NEWUSER_ 0x10000000ULL
#define NOBODY 65534

static uint64_t field(const char *key)
{
	return lt_hex(lt_get(out, key));
}

static void is_set(const char *key, uint64_t want, const char *what)
{
	is_int((long long)field(key), (long long)want, "%s: %s is 0x%llx", what, key,
	       (unsigned long long)want);
}

static void root_keeps_one(void)
{
	CX_ATTR(a, .flags = CX_ATTR_CAP_KEEP | CX_ATTR_CAP_BOUNDING | CX_ATTR_CAP_INHERITABLE,
		.cap_keep = NBS, .cap_bounding = NBS, .cap_inheritable = 0);

	cp_ok(&a, "root, only net_bind_service", "status", "CapEff", "status", "CapPrm",
	      "status", "CapInh", "status", "CapBnd", "status", "CapAmb");
	is_set("CapEff", NBS, "root");
	is_set("CapPrm", NBS, "root");
	is_set("CapBnd", NBS, "root");
	is_set("CapInh", 0, "root");
	is_set("CapAmb", 0, "root");
}

static void nobody_keeps_one(void)
{
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_CAP_KEEP | CX_ATTR_CAP_BOUNDING |
			    CX_ATTR_CAP_INHERITABLE,
		.uid = NOBODY, .gid = NOBODY, .cap_keep = NBS, .cap_bounding = NBS | KILL_,
		.cap_inheritable = NBS | KILL_, .ambient_caps = NBS);

	cp_ok(&a, "nobody, net_bind_service ambient", "status", "CapEff", "status", "CapPrm",
	      "status", "CapInh", "status", "CapBnd", "status", "CapAmb", "status", "Uid");
	is_set("CapEff", NBS, "nobody");
	is_set("CapPrm", NBS, "nobody");
	is_set("CapAmb", NBS, "nobody");
	is_set("CapInh", NBS | KILL_, "nobody");
	is_set("CapBnd", NBS | KILL_, "nobody");
	ok(!strncmp(lt_get(out, "Uid"), "65534", 5), "nobody: uid 65534");
}

static void securebits(void)
{
	CX_ATTR(a, .flags = CX_ATTR_SECUREBITS,
		.securebits = SECBIT_NOROOT_ | SECBIT_NOROOT_LOCKED_ | SECBIT_KEEP_CAPS_LOCKED_);
	CX_ATTR(b, .flags = CX_ATTR_SECUREBITS | CX_ATTR_CREDENTIAL, .uid = NOBODY, .gid = NOBODY,
		.securebits = SECBIT_NOROOT_, .ambient_caps = NBS);

	cp_ok(&a, "securebits noroot,noroot_locked,keep_caps_locked", "securebits", "status",
	      "CapEff");
	is_str(lt_get(out, "securebits"), "23", "securebits: 0x23 in the program");
	/* noroot: a uid 0 program gets nothing from execve. */
	is_set("CapEff", 0, "noroot root");
	cp_ok(&b, "securebits noroot with ambient as nobody", "securebits", "status", "CapAmb");
	/* keep_caps was added for the ambient raise and execve cleared it. */
	is_str(lt_get(out, "securebits"), "1", "securebits: noroot kept, keep_caps gone at exec");
	is_set("CapAmb", NBS, "noroot nobody");
}

static char order[64];

static int note_step(int index, int step, const char *who, const char *text, void *u)
{
	static const struct {
		int step;
		char c;
	} watch[] = { { CX_STEP_SECUREBITS, 's' }, { CX_STEP_BOUNDING, 'b' }, { CX_STEP_SETUID, 'u' },
		      { CX_STEP_CAP_SETS, 'c' }, { CX_STEP_AMBIENT, 'a' } };
	size_t n = strlen(order);

	(void)index, (void)who, (void)text, (void)u;
	for (size_t i = 0; i < sizeof(watch) / sizeof(watch[0]) && n < sizeof(order) - 1; i++)
		if (watch[i].step == step)
			order[n] = watch[i].c;
	return 0;
}

static void explained(void)
{
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_CAP_KEEP | CX_ATTR_CAP_BOUNDING |
			    CX_ATTR_SECUREBITS,
		.uid = NOBODY, .gid = NOBODY, .cap_keep = NBS, .cap_bounding = NBS,
		.securebits = SECBIT_NOROOT_, .ambient_caps = NBS);
	char *argv[] = { "true", NULL };
	struct cx_error err;

	is_int(cx_explain("/bin/true", argv, NULL, &a, 0, note_step, NULL, &err), 0, "explain");
	is_str(order, "sbuca", "securebits, bounding set, setuid, capability sets, ambient: in "
	       "that order");
}

static void bad(void)
{
	char *argv[] = { (char *)cp_path(), NULL };
	CX_ATTR(high, .flags = CX_ATTR_CAP_BOUNDING, .cap_bounding = 1ULL << 63);
	CX_ATTR(amb, .flags = CX_ATTR_CAP_KEEP, .cap_keep = KILL_, .ambient_caps = NBS);
	CX_ATTR(amb_inh, .flags = CX_ATTR_CAP_INHERITABLE, .cap_inheritable = 0,
		.ambient_caps = NBS);
	CX_ATTR(bits, .flags = CX_ATTR_SECUREBITS, .securebits = 1U << 20);
	CX_ATTR(noraise, .flags = CX_ATTR_SECUREBITS, .securebits = SECBIT_NO_CAP_AMBIENT_RAISE_,
		.ambient_caps = NBS);
	CX_ATTR(locked, .flags = CX_ATTR_SECUREBITS | CX_ATTR_CREDENTIAL, .uid = NOBODY,
		.gid = NOBODY, .securebits = SECBIT_KEEP_CAPS_LOCKED_, .ambient_caps = NBS);
	CX_ATTR(unknown_flag, .flags = 1ULL << 39);

	lt_fails("a capability above the last", argv[0], argv, &high, CX_STEP_CHECK, EINVAL);
	lt_fails("ambient not in cap_keep", argv[0], argv, &amb, CX_STEP_CHECK, EINVAL);
	lt_fails("ambient not in cap_inheritable", argv[0], argv, &amb_inh, CX_STEP_CHECK, EINVAL);
	lt_fails("unknown securebits", argv[0], argv, &bits, CX_STEP_CHECK, EINVAL);
	lt_fails("no_cap_ambient_raise with ambient", argv[0], argv, &noraise, CX_STEP_CHECK,
		 EINVAL);
	lt_fails("keep_caps locked off with ambient and setuid", argv[0], argv, &locked,
		 CX_STEP_CHECK, EINVAL);
	lt_fails("an unassigned flag bit", argv[0], argv, &unknown_flag, CX_STEP_CHECK, EINVAL);
}

/* As nobody: no CAP_SETPCAP here, all of it in a new user namespace. */
static void unprivileged(void *arg)
{
	static const struct cx_id_map map = { 0, NOBODY, 1 };
	char *argv[] = { (char *)cp_path(), NULL };
	CX_ATTR(a, .flags = CX_ATTR_CAP_KEEP | CX_ATTR_CAP_BOUNDING | CX_ATTR_SECUREBITS,
		.cloneflags = NEWUSER_, .uid_map = &map, .nuid_map = 1, .gid_map = &map,
		.ngid_map = 1, .cap_keep = NBS, .cap_bounding = NBS, .securebits = SECBIT_NOROOT_);
	CX_ATTR(u, .unshareflags = NEWUSER_, .uid_map = &(struct cx_id_map){ NOBODY, NOBODY, 1 },
		.nuid_map = 1, .gid_map = &(struct cx_id_map){ NOBODY, NOBODY, 1 }, .ngid_map = 1,
		.flags = CX_ATTR_CAP_BOUNDING | CX_ATTR_CAP_INHERITABLE, .cap_bounding = NBS,
		.cap_inheritable = NBS);
	CX_ATTR(host, .flags = CX_ATTR_CAP_BOUNDING, .cap_bounding = NBS);
	CX_ATTR(sb, .flags = CX_ATTR_SECUREBITS, .securebits = SECBIT_NOROOT_);

	(void)arg;
	cp_become_nobody();
	cp_ok(&a, "nobody: user ns by clone, keep net_bind_service, noroot", "status", "CapBnd",
	      "status", "CapPrm", "securebits");
	is_set("CapBnd", NBS, "userns clone");
	/* noroot: uid 0 inside gets nothing at execve, not even NBS. */
	is_set("CapPrm", 0, "userns clone noroot");
	is_str(lt_get(out, "securebits"), "1", "userns clone: securebits noroot");
	cp_ok(&u, "nobody: user ns by unshare, bounding and inheritable", "status", "CapBnd",
	      "status", "CapInh");
	is_set("CapBnd", NBS, "userns unshare");
	is_set("CapInh", NBS, "userns unshare");
	lt_fails("nobody: bounding set without CAP_SETPCAP", argv[0], argv, &host,
		 CX_STEP_BOUNDING, EPERM);
	lt_fails("nobody: securebits without CAP_SETPCAP", argv[0], argv, &sb, CX_STEP_SECUREBITS,
		 EPERM);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	root_keeps_one();
	nobody_keeps_one();
	securebits();
	explained();
	bad();
	lt_sub("unprivileged", unprivileged, NULL);
	return tap_done();
}
