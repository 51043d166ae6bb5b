/* SPDX-License-Identifier: MIT */
/*
 * Reading the kernel's flat-keyed cgroup files ("populated 1\nfrozen 0\n").
 * A missing file is a controller that is not enabled for the cgroup: its
 * counters stay 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"

int cx_flat_keyed(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');

		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			const char *v = line + klen + 1;
			char *end;
			unsigned long long n;

			if (*v < '0' || *v > '9')
				return -EINVAL;
			errno = 0;
			n = strtoull(v, &end, 10);
			if (errno || (*end && *end != '\n'))
				return -EINVAL;
			*ret = n;
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

int cx_flat_keyed_file(int dirfd, const char *file, const char *key, uint64_t *ret)
{
	char buf[4096];
	ssize_t n, used = 0;
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* These files are a few short lines: one buffer holds them. */
	while ((n = read(fd, buf + used, sizeof(buf) - 1 - (size_t)used)) > 0)
		used += n;
	close(fd);
	if (n < 0)
		return -EIO;
	buf[used] = '\0';
	return cx_flat_keyed(buf, key, ret);
}

static uint32_t counter(int dirfd, const char *file, const char *key)
{
	uint64_t v = 0;

	if (cx_flat_keyed_file(dirfd, file, key, &v) < 0)
		return 0;
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void cx_cgroup_events(int dirfd, struct cx_status *st)
{
	st->cgroup_oom_kill = counter(dirfd, "memory.events", "oom_kill");
	st->cgroup_oom = counter(dirfd, "memory.events", "oom");
	st->cgroup_memory_max = counter(dirfd, "memory.events", "max");
	st->cgroup_pids_max = counter(dirfd, "pids.events", "max");
}
