/* SPDX-License-Identifier: MIT */
/*
 * hard-fdcheck FDS SIGBLK: exit 0 when this process has exactly the fds
 * FDS ("0,1,2,5", ascending), no caught signal (SigCgt 0) and the blocked
 * set SIGBLK (16 hex digits, as /proc/self/status prints it). Otherwise
 * exit 10 (fds), 11 (SigCgt), 12 (SigBlk) or 13 (could not look), with the
 * reason on stderr. Cheaper than capturing output, for the stress test.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fds_match(const char *want)
{
	char have[1024] = "";
	int seen[1024] = { 0 }, max = -1;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t used = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		if (fd < 0 || fd >= 1024) {
			closedir(d);
			fprintf(stderr, "hard-fdcheck: fd %d\n", fd);
			return 0;
		}
		seen[fd] = 1;
		if (fd > max)
			max = fd;
	}
	closedir(d);
	for (int fd = 0; fd <= max; fd++)
		if (seen[fd])
			used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%d",
						 used ? "," : "", fd);
	if (strcmp(have, want) == 0)
		return 1;
	fprintf(stderr, "hard-fdcheck: fds %s, want %s\n", have, want);
	return 0;
}

static int status_field(const char *key, char *buf, size_t len)
{
	char text[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	p = strstr(text, key);
	if (!p)
		return -1;
	p += strlen(key);
	while (*p == ' ' || *p == '\t' || *p == ':')
		p++;
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	return 0;
}

int main(int argc, char **argv)
{
	char v[64];
	int r;

	if (argc != 3)
		return 13;
	r = fds_match(argv[1]);
	if (r < 0)
		return 13;
	if (!r)
		return 10;
	if (status_field("SigCgt", v, sizeof(v)) < 0)
		return 13;
	if (strcmp(v, "0000000000000000") != 0) {
		fprintf(stderr, "hard-fdcheck: SigCgt %s\n", v);
		return 11;
	}
	if (status_field("SigBlk", v, sizeof(v)) < 0)
		return 13;
	if (strcmp(v, argv[2]) != 0) {
		fprintf(stderr, "hard-fdcheck: SigBlk %s, want %s\n", v, argv[2]);
		return 12;
	}
	return 0;
}
