/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cxt.h"

const char *cxt_build(void)
{
	const char *b = getenv("CX_BUILD");

	return b && *b ? b : "build";
}

const char *cxt_helper(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/tests/helpers/%s", cxt_build(), name);
	return buf;
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
