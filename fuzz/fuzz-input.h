/* SPDX-License-Identifier: MIT */
/*
 * Taking typed values from a fuzzer's bytes. Running out of bytes yields
 * zeros, so every input decodes to something. Arrays and strings are
 * allocated at their exact size so that ASan sees any read past them.
 */
#ifndef CX_FUZZ_INPUT_H
#define CX_FUZZ_INPUT_H

#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct fz {
	const uint8_t *p;
	size_t left;
	void *owned[64];   /* freed by fz_free */
	int nowned;
};

static inline void fz_init(struct fz *z, const uint8_t *data, size_t size)
{
	z->p = data;
	z->left = size;
	z->nowned = 0;
}

static inline void fz_take(struct fz *z, void *out, size_t n)
{
	size_t k = n < z->left ? n : z->left;

	memset(out, 0, n);
	memcpy(out, z->p, k);
	z->p += k;
	z->left -= k;
}

static inline uint8_t fz_u8(struct fz *z)
{
	uint8_t v;

	fz_take(z, &v, 1);
	return v;
}

static inline uint16_t fz_u16(struct fz *z)
{
	uint16_t v;

	fz_take(z, &v, 2);
	return v;
}

static inline uint32_t fz_u32(struct fz *z)
{
	uint32_t v;

	fz_take(z, &v, 4);
	return v;
}

static inline uint64_t fz_u64(struct fz *z)
{
	uint64_t v;

	fz_take(z, &v, 8);
	return v;
}

/* Mostly small values near the interesting edges, sometimes anything. */
static inline int fz_small_int(struct fz *z)
{
	uint8_t sel = fz_u8(z);

	if (sel < 200)
		return (int)(sel % 24) - 2;
	return (int)fz_u32(z);
}

static inline void *fz_keep(struct fz *z, void *p)
{
	if (p && z->nowned < (int)(sizeof(z->owned) / sizeof(z->owned[0])))
		z->owned[z->nowned++] = p;
	else if (p) {
		free(p);
		p = NULL;
	}
	return p;
}

/* An exact-size array of n elements of size elem, filled from the input. */
static inline void *fz_array(struct fz *z, size_t n, size_t elem)
{
	void *a;

	if (n == 0)
		return fz_u8(z) & 1 ? fz_keep(z, malloc(1)) : NULL;
	a = malloc(n * elem);
	if (!a)
		return NULL;
	fz_take(z, a, n * elem);
	return fz_keep(z, a);
}

/* A string of up to max bytes (NULL sometimes), exact size. */
static inline char *fz_string(struct fz *z, size_t max)
{
	uint8_t len = fz_u8(z);
	char *s;

	if (len == 0xff)
		return NULL;
	len %= max + 1;
	s = malloc((size_t)len + 1);
	if (!s)
		return NULL;
	fz_take(z, s, len);
	s[len] = '\0';
	return fz_keep(z, s);
}

static inline void fz_free(struct fz *z)
{
	for (int i = 0; i < z->nowned; i++)
		free(z->owned[i]);
	z->nowned = 0;
}

/*
 * 1 if this process has a child the target could have started. The
 * sanitizer runtime itself keeps llvm-symbolizer running as a child once
 * libFuzzer prints a new function's name; that one does not count.
 */
static inline int fz_has_child(void)
{
	char path[64], buf[512], comm[64];
	siginfo_t si;
	ssize_t n;
	int fd;

	memset(&si, 0, sizeof(si));
	if (waitid(P_ALL, 0, &si, WEXITED | WSTOPPED | WNOHANG | WNOWAIT) < 0)
		return 0; /* ECHILD: none at all */
	if (si.si_pid != 0)
		return 1; /* one has ended or stopped */
	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)gettid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
		snprintf(path, sizeof(path), "/proc/%s/comm", tok);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? read(fd, comm, sizeof(comm) - 1) : -1;
		if (fd >= 0)
			close(fd);
		comm[n > 0 ? n : 0] = '\0';
		if (strncmp(comm, "llvm-symbolizer", 15) != 0)
			return 1;
	}
	return 0;
}

#endif
