/* SPDX-License-Identifier: MIT */
/*
 * Cgroup placement (Go's cgroup fd test): the child's /proc/self/cgroup
 * names the new cgroup from its first instruction, also together with a
 * new cgroup namespace and a user namespace; the directory is removed
 * after. Under valgrind, which has no clone3, each spawn must fail at step
 * clone3 with ENOSYS instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define ROOT "/sys/fs/cgroup/unified"

static char out[LT_OUT];

/* Valgrind has no clone3, the only way into a cgroup at clone: the spawn
 * must fail as the library documents for a kernel without clone3. */
static void no_clone3(const char *what, const struct cx_attr *a)
{
	char *argv[] = { (char *)lt_probe(), "cgroup", NULL };

	lt_fails(what, argv[0], argv, a, CX_STEP_CLONE3, ENOSYS);
	lt_skip(what, "valgrind has no clone3: the child's cgroup cannot be seen");
}

int main(void)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	char dir[128], want[160];
	struct cx_status st;
	struct cx_error err;
	int fd;

	if (geteuid() != 0)
		tap_skip_all("needs root");
	if (access(ROOT "/cgroup.procs", F_OK) < 0)
		tap_skip_all("no cgroup v2 at " ROOT);
	snprintf(dir, sizeof(dir), ROOT "/lt-cgroup-%d", (int)getpid());
	if (mkdir(dir, 0755) < 0)
		tap_bail("mkdir %s: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		tap_bail("open %s", dir);
	snprintf(want, sizeof(want), "0::/lt-cgroup-%d", (int)getpid());
	{
		CX_ATTR(a, .flags = CX_ATTR_CGROUP, .cgroup_fd = fd);
		CX_ATTR(ns, .flags = CX_ATTR_CGROUP, .cgroup_fd = fd, .cloneflags = 0x02000000);
		CX_ATTR(user, .flags = CX_ATTR_CGROUP | CX_ATTR_CREDENTIAL, .cgroup_fd = fd,
			.uid = 65534, .gid = 65534, .cloneflags = 0x10000000, .uid_map = &map,
			.nuid_map = 1, .gid_map = &map, .ngid_map = 1);

		if (lt_on_valgrind()) {
			no_clone3("cgroup fd", &a);
			no_clone3("cgroup fd + new cgroup namespace", &ns);
			no_clone3("cgroup fd + user namespace", &user);
		} else {
			lt_ran_ok(lt_run(&a, out, &st, &err, "cgroup", NULL), &st, &err,
				  "cgroup fd");
			ok(strstr(out, want) != NULL, "the child is in %s", want);
			lt_ran_ok(lt_run(&ns, out, &st, &err, "cgroup", "ns", NULL), &st, &err,
				  "cgroup fd + new cgroup namespace");
			ok(strstr(out, "0::/\n") != NULL,
			   "a new cgroup namespace rooted at the new cgroup");
			lt_ran_ok(lt_run(&user, out, &st, &err, "cgroup", NULL), &st, &err,
				  "cgroup fd + user namespace");
			ok(strstr(out, want) != NULL, "with a user namespace too");
		}
		ok(strstr(lt_slurp("/proc/self/cgroup"), want) == NULL, "the caller is not");
	}
	close(fd);
	is_int(rmdir(dir) < 0 ? -errno : 0, 0, "the cgroup is empty again and removed");
	return tap_done();
}
