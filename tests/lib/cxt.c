/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cxt.h"

const char *cxt_build(void)
{
	const char *b = getenv("CX_BUILD");

	return b && *b ? b : "build";
}

/*
 * What a child running as nobody executes cannot stay in the build
 * directory: a checkout under /root (mode 0700 on Debian) is out of its
 * reach. The helpers, and the test program itself when it runs again as
 * nobody, are copied into a private directory under /tmp that anyone may
 * traverse (0755, owned by root, so nobody can change what it runs). The
 * directory is CX_STAGE: made by tests/run-one (which removes it, whatever
 * the end of the test), or else here when the test starts (before any
 * fork, so that forks share it), removed at exit by the process that made
 * it.
 */
static char stage_dir[PATH_MAX];
static pid_t stage_owner;

static void stage_remove(void)
{
	char path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	if (getpid() != stage_owner)
		return;
	d = opendir(stage_dir);
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", stage_dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(stage_dir);
}

__attribute__((constructor)) static void stage_init(void)
{
	const char *env = getenv("CX_STAGE");

	if (env && *env) {
		snprintf(stage_dir, sizeof(stage_dir), "%s", env);
	} else {
		snprintf(stage_dir, sizeof(stage_dir), "/tmp/cx-stage.XXXXXX");
		if (!mkdtemp(stage_dir) || chmod(stage_dir, 0755) < 0) {
			fprintf(stderr, "cxt: cannot make %s: %s\n", stage_dir, strerror(errno));
			exit(1);
		}
		stage_owner = getpid();
		atexit(stage_remove);
		setenv("CX_STAGE", stage_dir, 1);
	}
}

/* Copy from to dir/name (0755) unless it is there; through a temporary
 * name, so a reader never sees half a program. */
static const char *stage_copy(const char *from, const char *name, char *buf, size_t len)
{
	char tmp[PATH_MAX], data[65536];
	int in, out = -1;
	ssize_t n = 0;

	if ((size_t)snprintf(buf, len, "%s/%s", stage_dir, name) >= len ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.%d", buf, (int)getpid()) >= sizeof(tmp)) {
		fprintf(stderr, "cxt: %s/%s: name too long\n", stage_dir, name);
		exit(1);
	}
	if (access(buf, X_OK) == 0)
		return buf;
	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in >= 0)
		out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	while (out >= 0 && (n = read(in, data, sizeof(data))) > 0)
		if (write(out, data, (size_t)n) != n)
			n = -1;
	if (in < 0 || out < 0 || n < 0 || fchmod(out, 0755) < 0 || close(out) < 0 ||
	    rename(tmp, buf) < 0) {
		fprintf(stderr, "cxt: cannot copy %s to %s: %s\n", from, buf, strerror(errno));
		unlink(tmp);
		exit(1);
	}
	close(in);
	return buf;
}

const char *cxt_helper(const char *name, char *buf, size_t len)
{
	char from[PATH_MAX];

	snprintf(from, sizeof(from), "%s/tests/helpers/%s", cxt_build(), name);
	return stage_copy(from, name, buf, len);
}

const char *cxt_self(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX], name[NAME_MAX];
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fprintf(stderr, "cxt: /proc/self/exe: %s\n", strerror(errno));
		exit(1);
	}
	exe[n] = '\0';
	snprintf(name, sizeof(name), "self-%s", strrchr(exe, '/') + 1);
	return stage_copy(exe, name, path, sizeof(path));
}

int cxt_run(const char *path, char *const argv[], const struct cx_attr *attr, char *out,
	    size_t outlen, struct cx_status *st, struct cx_error *err)
{
	struct cx_attr a = { .size = sizeof(a) };
	struct cx_process *p = NULL;
	int pfd[2], *files = NULL, r;
	size_t used = 0;

	if (attr)
		a = *attr;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	if (!a.files) {
		static int none;

		(void)none;
		files = calloc(3, sizeof(int));
		files[0] = 0;
		files[1] = pfd[1];
		files[2] = 2;
		a.files = files;
		a.nfiles = 3;
	} else {
		files = calloc(a.nfiles, sizeof(int));
		for (unsigned int i = 0; i < a.nfiles; i++)
			files[i] = a.files[i] == CXT_STDOUT ? pfd[1] : a.files[i];
		a.files = files;
	}
	r = cx_spawn(path, argv, NULL, &a, &p, err);
	close(pfd[1]);
	free(files);
	if (r < 0) {
		close(pfd[0]);
		if (out && outlen)
			out[0] = '\0';
		return r;
	}
	for (;;) {
		char sink[4096];
		ssize_t n;

		if (out && used + 1 < outlen)
			n = read(pfd[0], out + used, outlen - 1 - used);
		else
			n = read(pfd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out && used + 1 < outlen)
			used += (size_t)n;
	}
	if (out && outlen)
		out[used] = '\0';
	close(pfd[0]);
	r = cx_process_wait(p, -1, st);
	cx_process_release(p);
	return r;
}

const char *cxt_field(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, klen) == 0 && (line[klen] == ':' || line[klen] == '=')) {
			const char *v = line + klen + 1, *end = strchr(v, '\n');
			size_t n;

			while (*v == ' ' || *v == '\t')
				v++;
			n = end ? (size_t)(end - v) : strlen(v);
			while (n && isspace((unsigned char)v[n - 1]))
				n--;
			if (n >= len)
				n = len - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return NULL;
}

int cxt_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

int cxt_has_zombie(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return 0;
	return si.si_pid != 0;
}

uint64_t cxt_sigmask(void)
{
	sigset_t set;
	uint64_t bits;

	sigprocmask(SIG_BLOCK, NULL, &set);
	memcpy(&bits, &set, sizeof(bits));
	return bits;
}

int cxt_drop_to(unsigned int uid, unsigned int gid)
{
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
		return -errno;
	return 0;
}

const char *cxt_errname(int e)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
	const char *name = strerrorname_np(e);

	if (name)
		return name;
#endif
	static char bufs[4][16];
	static int i;

	i = (i + 1) % 4;
	snprintf(bufs[i], sizeof(bufs[i]), "errno %d", e);
	return bufs[i];
}
