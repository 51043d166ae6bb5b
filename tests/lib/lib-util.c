/* SPDX-License-Identifier: MIT */
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
/* valgrind.h is valgrind's client API; a build that cannot see it (musl-gcc
 * sees only musl's headers) is not run under valgrind by make check-valgrind. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "lib-util.h"
#include "tap.h"

const char *lt_probe(void)
{
	static char path[PATH_MAX];

	if (!path[0])
		cxt_helper("probe", path, sizeof(path));
	return path;
}

int lt_runv(const struct cx_attr *attr, char *const verbs[], char *out, struct cx_status *st,
	    struct cx_error *err)
{
	char *argv[256];
	int n = 0;

	argv[n++] = (char *)lt_probe();
	for (int i = 0; verbs && verbs[i] && n < 255; i++)
		argv[n++] = verbs[i];
	argv[n] = NULL;
	memset(st, 0, sizeof(*st));
	return cxt_run(argv[0], argv, attr, out, LT_OUT, st, err);
}

int lt_run(const struct cx_attr *attr, char *out, struct cx_status *st, struct cx_error *err, ...)
{
	char *verbs[62];
	va_list ap;
	int n = 0;

	va_start(ap, err);
	while (n < 61 && (verbs[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	verbs[n] = NULL;
	return lt_runv(attr, verbs, out, st, err);
}

void lt_end(struct cx_process *p)
{
	struct cx_status st;

	if (!p)
		return;
	/* -ESRCH and -ECHILD when the case already reaped it. */
	cx_process_signal(p, SIGKILL);
	cx_process_wait(p, 30000, &st);
	cx_process_release(p);
}

/* Several results may be used in one expression: rotate buffers. */
static char *next_buf(void)
{
	static char bufs[8][4096];
	static int i;

	i = (i + 1) % 8;
	return bufs[i];
}

const char *lt_get(const char *text, const char *key)
{
	char *b = next_buf();

	if (!text || !cxt_field(text, key, b, 4096))
		b[0] = '\0';
	return b;
}

const char *lt_slurp(const char *path)
{
	static char buf[LT_OUT];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	while (used + 1 < sizeof(buf) && (n = read(fd, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	close(fd);
	return buf;
}

const char *lt_self_status(const char *key)
{
	return lt_get(lt_slurp("/proc/self/status"), key);
}

const char *lt_self_ns(const char *name)
{
	char path[64], *b = next_buf();
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	n = readlink(path, b, 4095);
	b[n > 0 ? n : 0] = '\0';
	return b;
}

int lt_ran_ok(int r, const struct cx_status *st, const struct cx_error *err, const char *what)
{
	if (r < 0) {
		char line[256];

		cx_error_format(err, line, sizeof(line));
		diag("  spawn failed: %s", line);
	}
	if (r == 0 && !(st->exited && st->exit_code == 0))
		diag("  child ended: exited=%d code=%d signal=%d", st->exited, st->exit_code,
		     st->signal);
	return ok(r == 0 && st->exited && st->exit_code == 0, "%s: spawned, exited 0", what);
}

void lt_snap(struct lt_snap *s)
{
	s->fds = cxt_fd_count();
	s->mask = cxt_sigmask();
}

int lt_unchanged(const struct lt_snap *s, const char *what)
{
	int fds = cxt_fd_count(), zombie = cxt_has_zombie();
	uint64_t mask = cxt_sigmask();

	if (fds != s->fds)
		diag("  fds: %d before, %d after", s->fds, fds);
	if (zombie)
		diag("  an unreaped child is left");
	if (mask != s->mask)
		diag("  signal mask: %016llx before, %016llx after", (unsigned long long)s->mask,
		     (unsigned long long)mask);
	return ok(fds == s->fds && !zombie && mask == s->mask,
		  "%s: no fd, no zombie, same signal mask after", what);
}

int lt_fails(const char *what, const char *path, char *const argv[], const struct cx_attr *attr,
	     int step, int error)
{
	struct cx_process *p = NULL;
	struct cx_error err;
	struct lt_snap s;
	int r, good;

	memset(&err, 0, sizeof(err));
	lt_snap(&s);
	r = cx_spawn(path, argv, NULL, attr, &p, &err);
	if (r == 0) {
		struct cx_status st;

		cx_process_wait(p, -1, &st);
		cx_process_release(p);
	}
	is_int(r, -error, "%s: spawn returns -%s", what, cxt_errname(error));
	good = is_str(cx_step_name(err.step), cx_step_name(step), "%s: step", what);
	if (!good || err.error != error) {
		char line[256];

		cx_error_format(&err, line, sizeof(line));
		diag("  error: %s", line);
	}
	lt_unchanged(&s, what);
	return r == -error && good;
}

static void relay_line(const char *name, char *line)
{
	const char *desc;

	if (!strncmp(line, "ok ", 3) || !strncmp(line, "not ok ", 7)) {
		int pass = line[0] == 'o';

		desc = strstr(line, " - ");
		ok(pass, "%s: %s", name, desc ? desc + 3 : line);
	} else if (line[0] == '#') {
		diag("%s", line[1] == ' ' ? line + 2 : line + 1);
	} else if (!strncmp(line, "Bail out!", 9)) {
		ok(0, "%s: %s", name, line);
	} else if (line[0] && strncmp(line, "1..", 3)) {
		diag("%s: %s", name, line);
	}
}

void lt_relay(const char *name, const char *text)
{
	char *copy = strdup(text), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		relay_line(name, l);
	free(copy);
}

int lt_sub(const char *name, void (*fn)(void *), void *arg)
{
	static char out[LT_OUT];
	int pfd[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	fflush(NULL);
	if (pipe2(pfd, O_CLOEXEC) < 0)
		tap_bail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		fn(arg);
		exit(tap_done());
	}
	close(pfd[1]);
	while (used + 1 < sizeof(out) && (n = read(pfd[0], out + used, sizeof(out) - 1 - used)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	lt_relay(name, out);
	if (WIFSIGNALED(status))
		ok(0, "%s: subprocess killed by signal %d", name, WTERMSIG(status));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		close(in);
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	close(out);
	return n < 0 ? -EIO : 0;
}

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

/* The program interpreter (PT_INTERP) of an ELF file, in buf; "" if none. */
static const char *interp_of(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ElfW(Ehdr) eh;
	ElfW(Phdr) ph;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh))
		for (int i = 0; i < eh.e_phnum; i++) {
			off_t at = (off_t)(eh.e_phoff + (size_t)i * eh.e_phentsize);
			ssize_t n;

			if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph) || ph.p_type != PT_INTERP)
				continue;
			n = pread(fd, buf, ph.p_filesz < len ? ph.p_filesz : len - 1, (off_t)ph.p_offset);
			buf[n > 0 ? n : 0] = '\0';
			break;
		}
	close(fd);
	return buf;
}

/* Copy the probe and every library its interpreter names, at the same
 * paths. The interpreter lists them itself (--list, as ldd does with
 * glibc's), so that a probe built with musl-gcc gets musl's. */
int lt_make_root(const char *dir, int with_proc)
{
	char cmd[2 * PATH_MAX + 32], line[PATH_MAX], dst[2 * PATH_MAX], interp[PATH_MAX];
	FILE *f;

	mkdirs(dir);
	chmod(dir, 0755);
	snprintf(dst, sizeof(dst), "%s/probe", dir);
	if (copy_file(lt_probe(), dst, 0755) < 0)
		return -1;
	if (!*interp_of(lt_probe(), interp, sizeof(interp)))
		return -1;
	snprintf(cmd, sizeof(cmd), "'%s' --list '%s'", interp, lt_probe());
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *lib = strchr(line, '/'), *end, *slash;

		if (!lib)
			continue;
		end = strpbrk(lib, " \t\n(");
		if (end)
			*end = '\0';
		snprintf(dst, sizeof(dst), "%s%s", dir, lib);
		slash = strrchr(dst, '/');
		*slash = '\0';
		mkdirs(dst);
		*slash = '/';
		if (copy_file(lib, dst, 0755) < 0) {
			pclose(f);
			return -1;
		}
	}
	pclose(f);
	snprintf(dst, sizeof(dst), "%s/marker", dir);
	f = fopen(dst, "w");
	if (!f)
		return -1;
	fputs("inside the root\n", f);
	fclose(f);
	snprintf(dst, sizeof(dst), "%s/proc", dir);
	mkdir(dst, 0755);
	/* The type of a bind mount is ignored; "none" for valgrind, which
	 * checks it is a readable string. */
	if (with_proc && mount("/proc", dst, "none", MS_BIND | MS_REC, NULL) < 0)
		return -1;
	return 0;
}

void lt_remove_root(const char *dir)
{
	char cmd[PATH_MAX + 32], proc[PATH_MAX + 8];

	snprintf(proc, sizeof(proc), "%s/proc", dir);
	umount2(proc, MNT_DETACH);
	snprintf(cmd, sizeof(cmd), "rm -rf --one-file-system '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
}

int lt_on_valgrind(void)
{
	return RUNNING_ON_VALGRIND != 0;
}

void lt_skip(const char *what, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ok(1, "%s # SKIP %s", what, why);
}

uint64_t lt_hex(const char *s)
{
	return s && *s ? strtoull(s, NULL, 16) : 0;
}

static volatile pid_t stress_main;
static volatile int stress_in_child;
static int stress_pipe = -1;

static void stress_handler(int sig)
{
	(void)sig;
	/* Raw getpid: a child sharing our memory has its own pid. */
	if ((pid_t)syscall(SYS_getpid) != stress_main) {
		stress_in_child++;
		if (write(stress_pipe, "!", 1) < 0)
			stress_in_child++;
	}
}

int lt_handler_stress(int n, const struct cx_attr *attr)
{
	struct sigaction sa, old;
	char *argv[] = { (char *)lt_probe(), "exit", "0", NULL };
	int pfd[2], failed = 0, seen = 0;
	pid_t flood, group;
	char buf[256];
	ssize_t got;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	stress_main = getpid();
	stress_in_child = 0;
	stress_pipe = pfd[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stress_handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, &old);
	/* A group of our own, so the flood reaches only us and our children. */
	group = getpgrp();
	setpgid(0, 0);
	flood = fork();
	if (flood == 0) {
		signal(SIGWINCH, SIG_IGN);
		for (;;)
			kill(0, SIGWINCH);
	}
	for (int i = 0; i < n; i++) {
		struct cx_process *p = NULL;
		struct cx_status st;

		if (cx_spawn(argv[0], argv, NULL, attr, &p, NULL) < 0) {
			failed++;
			continue;
		}
		while (cx_process_wait(p, -1, &st) == -EINTR)
			;
		cx_process_release(p);
	}
	kill(flood, SIGKILL);
	while (waitpid(flood, NULL, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGWINCH, &old, NULL);
	setpgid(0, group);
	while ((got = read(pfd[0], buf, sizeof(buf))) > 0)
		seen += (int)got;
	close(pfd[0]);
	close(pfd[1]);
	if (failed)
		return -1;
	return stress_in_child > seen ? stress_in_child : seen;
}

int lt_gone(int pid)
{
	const struct timespec nap = { 0, 10 * 1000000 };

	for (int i = 0; i < 1000; i++) {
		char path[64];
		const char *st;

		snprintf(path, sizeof(path), "/proc/%d/status", pid);
		if (access(path, F_OK) < 0)
			return 1;
		st = lt_get(lt_slurp(path), "State");
		if (!st[0] || st[0] == 'Z')
			return 1;
		nanosleep(&nap, NULL);
	}
	return 0;
}
