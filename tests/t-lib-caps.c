/* SPDX-License-Identifier: MIT */
/*
 * Ambient capabilities, seen in /proc/self/status (Go's test: a child
 * running as nobody has CAP_SYS_TIME and CAP_SYSLOG effective; the same in
 * a user namespace), and their failures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define CAP_SYS_RESOURCE_ 24
#define CAP_SYS_TIME_ 25
#define CAP_SYSLOG_ 34

static char out[LT_OUT];

static void check_sets(const char *what, uint64_t want)
{
	uint64_t eff = lt_hex(lt_get(out, "CapEff")), prm = lt_hex(lt_get(out, "CapPrm"));
	uint64_t amb = lt_hex(lt_get(out, "CapAmb")), inh = lt_hex(lt_get(out, "CapInh"));

	is_int((long long)amb, (long long)want, "%s: CapAmb is exactly the caps asked", what);
	ok((eff & want) == want, "%s: they are effective (CapEff %016llx)", what,
	   (unsigned long long)eff);
	ok((prm & want) == want && (inh & want) == want, "%s: permitted and inheritable", what);
}

static void nobody(void)
{
	uint64_t want = 1ULL << CAP_SYS_TIME_ | 1ULL << CAP_SYSLOG_;
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534, .ambient_caps = want);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "nobody + ambient");
	ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "nobody + ambient: uid 65534");
	check_sets("nobody", want);
	is_int((long long)lt_hex(lt_get(out, "CapEff")), (long long)want,
	       "nobody: nothing else is effective");
}

static void root_ambient(void)
{
	uint64_t want = 1ULL << 10 /* CAP_NET_BIND_SERVICE */;
	CX_ATTR(a, .ambient_caps = want);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "root + ambient");
	check_sets("root", want);
}

static void userns(void)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	/* A child writing its own maps (after unshare) may map only its own
	 * id: nobody inside is root outside. */
	static const struct cx_id_map own = { 65534, 0, 1 };
	uint64_t want = 1ULL << CAP_SYS_TIME_ | 1ULL << CAP_SYSLOG_;
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534, .ambient_caps = want,
		.cloneflags = 0x10000000, .uid_map = &map, .nuid_map = 1, .gid_map = &map,
		.ngid_map = 1);
	CX_ATTR(b, .flags = CX_ATTR_CREDENTIAL, .uid = 65534, .gid = 65534, .ambient_caps = want,
		.unshareflags = 0x10000000, .uid_map = &own, .nuid_map = 1, .gid_map = &own,
		.ngid_map = 1);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(lt_run(&a, out, &st, &err, "status", "ns", NULL), &st, &err,
		  "user namespace by clone, nobody + ambient");
	ok(strcmp(lt_get(out, "ns_user"), lt_self_ns("user")) != 0, "in a new user namespace");
	check_sets("userns clone", want);
	lt_ran_ok(lt_run(&b, out, &st, &err, "status", "ns", NULL), &st, &err,
		  "user namespace by unshare, nobody + ambient");
	check_sets("userns unshare", want);
	ok(strncmp(lt_get(out, "Uid"), "65534", 5) == 0, "userns unshare: uid 65534 inside");
}

static void failures(void)
{
	char *argv[] = { (char *)lt_probe(), NULL };
	CX_ATTR(missing, .ambient_caps = 1ULL << CAP_SYS_RESOURCE_);
	CX_ATTR(beyond, .ambient_caps = 1ULL << 63);

	/* Only a cap the caller lacks fails; this machine may have them all. */
	if (!((lt_hex(lt_self_status("CapBnd")) >> CAP_SYS_RESOURCE_) & 1))
		lt_fails("a cap outside the bounding set", argv[0], argv, &missing, CX_STEP_CAPSET,
			 EPERM);
	lt_fails("a cap above the last", argv[0], argv, &beyond, CX_STEP_CHECK, EINVAL);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	nobody();
	root_ambient();
	userns();
	failures();
	return tap_done();
}
