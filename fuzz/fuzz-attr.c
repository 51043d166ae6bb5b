/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes -> path, argv, envp and a struct cx_attr with its
 * arrays -> cx_explain(), which validates and compiles the step list and
 * starts nothing; then cx_error_format() on the result. Besides the
 * sanitizers, it checks what must hold for any input:
 *  - a failure names a known step and the errno it returns, and formats;
 *  - a success lists steps 1..n in order, each known, run by "parent" or
 *    "child", ending with execve;
 *  - no process was started (this process has no child afterwards).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clonexec.h"
#include "fuzz-input.h"

#define MAX_TAIL 64

struct walk {
	int count;
	int last_step;
	int stop_at;       /* return non-zero from this step on: 0 never */
	int bad;
};

static int walk_cb(int index, int step, const char *who, const char *text, void *data)
{
	struct walk *w = data;

	if (index != w->count + 1 || !cx_step_name(step) || !who || !text)
		w->bad = 1;
	else if (strcmp(who, "parent") != 0 && strcmp(who, "child") != 0 && strcmp(who, "self") != 0)
		w->bad = 1;
	else if (strlen(text) > 1 << 20)
		w->bad = 1;
	w->count = index;
	w->last_step = step;
	if (w->stop_at && index >= w->stop_at)
		return 42;
	return 0;
}

static uint64_t biased(struct fz *z, uint64_t mask)
{
	uint8_t sel = fz_u8(z);
	uint64_t v = fz_u64(z);

	if (sel < 160)
		return v & mask;
	if (sel < 200)
		return 0;
	return v;
}

static void decode_maps(struct fz *z, const struct cx_id_map **map, unsigned int *n)
{
	uint16_t sel = fz_u16(z);

	*n = sel < 60000 ? sel % 6 : sel % 400;
	*map = fz_array(z, *n, sizeof(**map));
	if (!*map)
		*n = 0;
}

static void decode_attr(struct fz *z, struct cx_attr *a)
{
	uint8_t n;

	a->flags = biased(z, (1ULL << 17) - 1);
	a->dir = fz_string(z, 16);
	a->chroot = fz_u8(z) < 200 ? NULL : fz_string(z, 16);

	n = fz_u8(z);
	a->nfiles = n < 250 ? n % 12 : fz_u16(z) % 2000;
	if (fz_u8(z) < 64) {
		a->files = NULL;
	} else {
		int *files = fz_keep(z, malloc((a->nfiles ? a->nfiles : 1) * sizeof(int)));

		for (unsigned int i = 0; files && i < a->nfiles; i++)
			files[i] = fz_small_int(z);
		a->files = files;
	}
	a->ctty_fd = fz_small_int(z);

	a->uid = (uid_t)fz_small_int(z);
	a->gid = (gid_t)fz_small_int(z);
	n = fz_u8(z);
	a->ngroups = n < 250 ? n % 8 : (n == 255 ? 65537 : 65536);
	a->groups = fz_array(z, a->ngroups, sizeof(gid_t));
	if (!a->groups && fz_u8(z) < 200)
		a->ngroups = 0;

	a->cloneflags = biased(z, CX_NAMESPACE_FLAGS);
	a->unshareflags = biased(z, CX_NAMESPACE_FLAGS);
	decode_maps(z, &a->uid_map, &a->nuid_map);
	decode_maps(z, &a->gid_map, &a->ngid_map);

	a->ambient_caps = biased(z, (1ULL << 41) - 1);
	a->cgroup_fd = fz_small_int(z);
	a->pgid = fz_small_int(z);
	a->pdeathsig = (fz_u8(z) & 3) ? fz_small_int(z) : 0;
	a->umask = fz_u16(z);
	fz_take(z, &a->sigmask, 8);
	fz_take(z, &a->sigdefault, 8);

	n = fz_u8(z);
	a->nrlimits = n % 20;
	struct cx_rlimit *rl = fz_keep(z, malloc((a->nrlimits ? a->nrlimits : 1) * sizeof(*rl)));

	for (unsigned int i = 0; rl && i < a->nrlimits; i++) {
		rl[i].resource = fz_small_int(z);
		rl[i].soft = biased(z, 0xffff);
		rl[i].hard = biased(z, 0xffff);
	}
	a->rlimits = rl;
	if (!rl)
		a->nrlimits = 0;
}

static char **decode_strv(struct fz *z, unsigned int max, int allow_null)
{
	uint8_t n = fz_u8(z);
	char **v;

	if (allow_null && n == 0xff)
		return NULL;
	n %= max + 1;
	v = fz_keep(z, calloc((size_t)n + 1, sizeof(char *)));
	for (unsigned int i = 0; v && i < n; i++) {
		v[i] = fz_string(z, 24);
		if (!v[i])
			v[i] = "";
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz z;
	uint8_t mode, tail;
	size_t asize;
	unsigned char *abuf;
	struct cx_attr *a;
	struct cx_error err;
	struct walk w = { 0, 0, 0, 0 };
	char line[CX_ERROR_OBJECT_MAX + 256], small[64];
	const char *path;
	char **argv, **envp;
	unsigned int flags;
	int r;

	fz_init(&z, data, size);
	mode = fz_u8(&z);
	tail = fz_u8(&z) % MAX_TAIL;
	flags = (mode & 1) ? CX_EXPLAIN_SEARCH_PATH : 0;
	if ((mode & 0xc0) == 0xc0)
		flags |= fz_u8(&z) << 1; /* unknown explain flags */
	path = (mode & 2) ? fz_string(&z, 32) : ((mode & 1) ? "true" : "/bin/true");
	argv = decode_strv(&z, 4, 1);
	envp = (mode & 4) ? decode_strv(&z, 3, 0) : NULL;
	w.stop_at = (mode & 8) ? fz_u8(&z) % 8 : 0;

	/* The struct at its exact size, with the tail (if any) from the input. */
	asize = sizeof(struct cx_attr) + ((mode & 0x30) == 0x30 ? tail : 0);
	abuf = calloc(1, asize);
	a = (struct cx_attr *)abuf;
	decode_attr(&z, a);
	a->size = asize;
	if ((mode & 0x30) == 0x30 && (mode & 0x40))
		fz_take(&z, abuf + sizeof(struct cx_attr), tail);
	else if ((mode & 0x30) == 0x10)
		a->size = fz_u8(&z) % sizeof(struct cx_attr);

	memset(&err, 0xa5, sizeof(err));
	r = cx_explain(path, argv, envp, (mode & 0x30) == 0x20 ? NULL : a, flags, walk_cb, &w,
		       &err);

	if (r == 0 || r == 42) {
		if (w.bad)
			abort();
		if (r == 0 && (w.count < 2 || w.last_step != CX_STEP_EXECVE))
			abort();
		if (r == 42 && (!w.stop_at || w.count != w.stop_at))
			abort();
	} else {
		if (r > 0 || !cx_step_name(err.step) || err.error != -r ||
		    !memchr(err.object, '\0', sizeof(err.object)))
			abort();
		if (cx_error_format(&err, line, sizeof(line)) != 0 || !line[0])
			abort();
		if (cx_error_format(&err, small, 1 + mode % sizeof(small)) != 0)
			abort();
	}
	/* FUZZ_ATTR_DEBUG=1 tells what an input decoded to (seed checking). */
	if (getenv("FUZZ_ATTR_DEBUG")) {
		if (r < 0)
			cx_error_format(&err, line, sizeof(line));
		fprintf(stderr, "fuzz-attr: r=%d steps=%d %s\n", r, w.count, r < 0 ? line : "");
	}
	/* cx_explain must never start anything. */
	if (fz_has_child())
		abort();
	(void)cx_step_name(fz_small_int(&z));
	(void)cx_rlimit_name(fz_small_int(&z));
	free(abuf);
	fz_free(&z);
	return 0;
}
