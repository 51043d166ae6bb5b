/* SPDX-License-Identifier: MIT */
/*
 * What a spawned child sees of itself, printed as key=value lines, for the
 * tests: probe [fds|status|stat|ns|cwd|root|rlimits|sigs|all]...
 * Extra verbs: "exit N", "sleep SECONDS", "write-fd FD TEXT", "cat PATH",
 * "fdlinks" (fd_N=what fd N is), "mount-tmpfs DIR", "burn MS" (CPU time),
 * "kill-self SIG", "hostname", "umask", "wait-fd FD" (read until EOF),
 * "out FD" (print to FD from here on, for tests that move fd 1).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Where the output goes: stdout until "out FD" (a stream of our own, as
 * stdout may not be assigned in every C library). */
static FILE *out;

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int own = d ? dirfd(d) : -1, first = 1;

	fprintf(out, "fds=");
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == own)
			continue;
		fprintf(out, "%s%s", first ? "" : ",", e->d_name);
		first = 0;
	}
	fprintf(out, "\n");
	if (d)
		closedir(d);
}

static void cat(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	close(fd);
}

static void link_of(const char *key, const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	fprintf(out, "%s=%s\n", key, buf);
}

static void fdlinks(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int own = d ? dirfd(d) : -1;
	char path[300], key[300];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == own)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		snprintf(key, sizeof(key), "fd_%s", e->d_name);
		link_of(key, path);
	}
	if (d)
		closedir(d);
}

/* Global: the compiler may not drop the work. */
static volatile unsigned long burnt;

static void burn(long ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			burnt += (unsigned long)i;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
}

static void stat_line(void)
{
	char buf[1024], *p;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	int ppid = 0, pgrp = 0, session = 0, tty = 0, tpgid = 0;
	char state;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p && sscanf(p + 2, "%c %d %d %d %d %d", &state, &ppid, &pgrp, &session, &tty, &tpgid) == 6)
		fprintf(out, "pid=%d\nppid=%d\npgrp=%d\nsession=%d\ntty_nr=%d\ntpgid=%d\n", getpid(), ppid,
		       pgrp, session, tty, tpgid);
}

static void ns(void)
{
	static const char *const names[] = { "user", "pid", "mnt", "net", "uts", "ipc", "cgroup", "time" };
	char path[64], key[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		snprintf(key, sizeof(key), "ns_%s", names[i]);
		link_of(key, path);
	}
}

static void rlimits(void)
{
	static const struct { int r; const char *name; } all[] = {
		{ RLIMIT_NOFILE, "nofile" }, { RLIMIT_NPROC, "nproc" }, { RLIMIT_CORE, "core" },
		{ RLIMIT_STACK, "stack" },   { RLIMIT_AS, "as" },       { RLIMIT_CPU, "cpu" },
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		struct rlimit rl;

		getrlimit(all[i].r, &rl);
		fprintf(out, "rlimit_%s=%lld:%lld\n", all[i].name,
		       rl.rlim_cur == RLIM_INFINITY ? -1LL : (long long)rl.rlim_cur,
		       rl.rlim_max == RLIM_INFINITY ? -1LL : (long long)rl.rlim_max);
	}
}

int main(int argc, char **argv)
{
	out = stdout;
	for (int i = 1; i < argc; i++) {
		const char *v = argv[i];
		int all = !strcmp(v, "all");

		if (all || !strcmp(v, "fds"))
			fds();
		if (all || !strcmp(v, "status"))
			cat("/proc/self/status");
		if (all || !strcmp(v, "stat"))
			stat_line();
		if (all || !strcmp(v, "ns"))
			ns();
		if (all || !strcmp(v, "cwd"))
			link_of("cwd", "/proc/self/cwd");
		if (all || !strcmp(v, "root"))
			link_of("root", "/proc/self/root");
		if (all || !strcmp(v, "rlimits"))
			rlimits();
		if (all || !strcmp(v, "cgroup"))
			cat("/proc/self/cgroup");
		if (all || !strcmp(v, "uid_map"))
			cat("/proc/self/uid_map");
		if (!strcmp(v, "out") && i + 1 < argc) {
			FILE *f;

			fflush(out);
			f = fdopen(atoi(argv[++i]), "w");
			if (!f)
				return 5;
			out = f;
		}
		if (!strcmp(v, "fdlinks"))
			fdlinks();
		if (!strcmp(v, "cat") && i + 1 < argc)
			cat(argv[++i]);
		if (!strcmp(v, "hostname")) {
			char h[256] = "";

			gethostname(h, sizeof(h) - 1);
			fprintf(out, "hostname=%s\n", h);
		}
		if (!strcmp(v, "umask")) {
			mode_t m = umask(0);

			fprintf(out, "umask=%04o\n", (unsigned int)m);
		}
		if (!strcmp(v, "mount-tmpfs") && i + 1 < argc) {
			const char *dir = argv[++i];

			if (mount("probe-tmpfs", dir, "tmpfs", 0, NULL) < 0)
				return perror("probe: mount"), 4;
			fprintf(out, "mounted=%s\n", dir);
		}
		if (!strcmp(v, "burn") && i + 1 < argc)
			burn(atol(argv[++i]));
		if (!strcmp(v, "kill-self") && i + 1 < argc) {
			fflush(out);
			kill(getpid(), atoi(argv[++i]));
		}
		if (!strcmp(v, "wait-fd") && i + 1 < argc) {
			char b[64];
			int fd = atoi(argv[++i]);

			fflush(out);
			while (read(fd, b, sizeof(b)) > 0)
				;
		}
		if (!strcmp(v, "exit") && i + 1 < argc)
			return fflush(out), atoi(argv[++i]);
		if (!strcmp(v, "sleep") && i + 1 < argc)
			fflush(out), sleep((unsigned int)atoi(argv[++i]));
		if (!strcmp(v, "write-fd") && i + 2 < argc) {
			int fd = atoi(argv[++i]);
			const char *text = argv[++i];

			if (write(fd, text, strlen(text)) < 0)
				return 3;
		}
	}
	return 0;
}
