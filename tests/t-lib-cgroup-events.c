/* SPDX-License-Identifier: MIT */
/*
 * The reader of the kernel's flat-keyed cgroup files (memory.events,
 * pids.events, cgroup.events), on files this test writes into a directory
 * of its own. A fixture directory is not a cgroup: this proves the reading
 * of the format and the mapping into struct cx_status, not that a kernel
 * counts; no memory or pids controller is usable in this machine's v2
 * hierarchy, so the counting itself is not observed here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "tap.h"

static char dir[64];

static void put_file(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		tap_bail("fopen %s", path);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

int main(void)
{
	/* As the kernel writes them (Documentation/admin-guide/cgroup-v2.rst). */
	static const char memory_events[] = "low 0\nhigh 12\nmax 7\noom 2\noom_kill 1\n"
					    "oom_group_kill 0\n";
	struct cx_status st;
	uint64_t v = 99;
	int fd;

	is_int(cx_flat_keyed("populated 1\nfrozen 0\n", "frozen", &v), 0, "frozen found");
	is_int((int)v, 0, "frozen 0");
	is_int(cx_flat_keyed("populated 1\nfrozen 0\n", "populated", &v), 0, "first line");
	is_int((int)v, 1, "populated 1");
	is_int(cx_flat_keyed(memory_events, "oom", &v), 0, "oom, not oom_kill's prefix");
	is_int((int)v, 2, "oom 2");
	is_int(cx_flat_keyed(memory_events, "oom_kill", &v), 0, "oom_kill");
	is_int((int)v, 1, "oom_kill 1");
	is_int(cx_flat_keyed(memory_events, "kill", &v), -ENOENT, "a suffix is not a key");
	is_int(cx_flat_keyed("max 18446744073709551615", "max", &v), 0, "no newline at the end");
	ok(v == UINT64_MAX, "a 64-bit value");
	is_int(cx_flat_keyed("max x\n", "max", &v), -EINVAL, "not a number");
	is_int(cx_flat_keyed("max 1x\n", "max", &v), -EINVAL, "trailing garbage");
	is_int(cx_flat_keyed("max -1\n", "max", &v), -EINVAL, "negative");
	is_int(cx_flat_keyed("", "max", &v), -ENOENT, "empty text");

	snprintf(dir, sizeof(dir), "/tmp/cx-events.%d", (int)getpid());
	if (mkdir(dir, 0700) < 0)
		tap_bail("mkdir %s", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	put_file("memory.events", memory_events);
	put_file("pids.events", "max 5\n");
	memset(&st, 0xff, sizeof(st));
	cx_cgroup_events(fd, &st);
	is_int(st.cgroup_oom_kill, 1, "status: oom_kill from memory.events");
	is_int(st.cgroup_oom, 2, "status: oom");
	is_int(st.cgroup_memory_max, 7, "status: memory.max reached");
	is_int(st.cgroup_pids_max, 5, "status: pids.max refusals from pids.events");
	is_int(cx_flat_keyed_file(fd, "pids.events", "max", &v), 0, "from a file");
	is_int(cx_flat_keyed_file(fd, "nothing.events", "max", &v), -ENOENT, "a missing file");
	remove_file("pids.events");
	put_file("memory.events", "max 18446744073709551615\n");
	cx_cgroup_events(fd, &st);
	is_int(st.cgroup_pids_max, 0, "no pids controller: 0");
	is_int(st.cgroup_memory_max, UINT32_MAX, "a count beyond 32 bits saturates");
	is_int(st.cgroup_oom_kill, 0, "a key missing: 0");
	close(fd);
	remove_file("memory.events");
	is_int(rmdir(dir), 0, "fixture removed");
	return tap_done();
}
