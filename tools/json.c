/* SPDX-License-Identifier: MIT */
/*
 * The JSON report. Written by hand (two fixed shapes do not need a
 * library); strings are escaped so that any byte sequence, invalid UTF-8
 * included, gives valid JSON.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "names.h"

struct out {
	char buf[CX_ERROR_OBJECT_MAX * 7 + 512]; /* room for every byte escaped as six */
	size_t used;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (o->used >= sizeof(o->buf))
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->used, sizeof(o->buf) - o->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		o->used += (size_t)w < sizeof(o->buf) - o->used ? (size_t)w : sizeof(o->buf) - o->used;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned int cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogate or beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void put_string(struct out *o, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	put(o, "\"");
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t len;

		if (c == '"' || c == '\\') {
			put(o, "\\%c", c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			put(o, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			put(o, "%c", c);
			i++;
		} else if ((len = utf8_len(s + i, n - i))) {
			put(o, "%.*s", (int)len, (const char *)s + i);
			i += len;
		} else {
			put(o, "\\ufffd");
			i++;
		}
	}
	put(o, "\"");
}

static void emit(int fd, struct out *o)
{
	size_t off = 0;

	put(o, "\n");
	while (off < o->used) {
		ssize_t w = write(fd, o->buf + off, o->used - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void put_signal(struct out *o, const char *key, int sig)
{
	char name[32];

	put(o, "\"%s\":{\"name\":\"%s\",\"number\":%d},", key,
	    cli_signal_name(sig, name, sizeof(name)), sig);
}

/* issue 11: how the deadline went, what the child's own cgroup counted. */
static void put_supervision(struct out *o, const struct cx_status *st,
			    const struct cli_json_extra *x)
{
	if (x->timeout) {
		put(o, "\"timeout\":{\"timed_out\":%s,",
		    st->supervision & CX_SUPERVISION_TIMED_OUT ? "true" : "false");
		if (st->supervision & CX_SUPERVISION_TIMED_OUT)
			put_signal(o, "signal", st->timeout_signal);
		put(o, "\"killed\":%s},", st->supervision & CX_SUPERVISION_KILLED ? "true" : "false");
	}
	if (x->cgroup) {
		put(o, "\"cgroup\":{\"path\":");
		put_string(o, x->cgroup);
		put(o, ",\"oom_kill\":%u,\"oom\":%u,\"memory_max\":%u,\"pids_max\":%u,"
		    "\"tree_killed\":%s},", st->cgroup_oom_kill, st->cgroup_oom,
		    st->cgroup_memory_max, st->cgroup_pids_max, x->tree_killed ? "true" : "false");
	}
}

void cli_json_status(int fd, pid_t pid, const struct cx_status *st, double wall_s,
		     const struct cli_json_extra *x)
{
	struct out o = { .used = 0 };

	put(&o, "{\"pid\":%d,", (int)pid);
	if (st->exited)
		put(&o, "\"exit_code\":%d,", st->exit_code);
	else
		put_signal(&o, "signal", st->signal);
	if (x)
		put_supervision(&o, st, x);
	put(&o, "\"core_dumped\":%s,\"wall_s\":%.6f,\"user_s\":%.6f,\"system_s\":%.6f,"
	    "\"max_rss_kb\":%ld}", st->core_dumped ? "true" : "false", wall_s,
	    seconds(st->rusage.ru_utime), seconds(st->rusage.ru_stime), st->rusage.ru_maxrss);
	emit(fd, &o);
}

void cli_json_error(int fd, const char *step, int error, const char *message)
{
	struct out o = { .used = 0 };
	char name[16];

	put(&o, "{\"error\":{\"step\":");
	put_string(&o, step);
	put(&o, ",\"errno\":%d,\"errno_name\":\"%s\",\"message\":", error,
	    cli_errno_name(error, name, sizeof(name)));
	put_string(&o, message);
	put(&o, "}}");
	emit(fd, &o);
}
