/* SPDX-License-Identifier: MIT */
/*
 * The PATH search, in the caller before the clone (the child must not
 * allocate or format). Inside a chroot only the child sees the tree as it
 * will run (absolute symlinks of the new root lead into it, not to the
 * host): there the caller makes the list of candidates and the child tries
 * them (child/run.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define CX_DEFAULT_PATH "/bin:/usr/bin"

/* Can the child run it? With the caller's credentials, ask the kernel;
 * with new ones, only the mode can tell (as Go's LookPath does). */
static int runnable(const char *full, const struct stat *st, int same_creds)
{
	if (!S_ISREG(st->st_mode) || !(st->st_mode & 0111))
		return 0;
	return !same_creds || faccessat(AT_FDCWD, full, X_OK, AT_EACCESS) == 0;
}

/* One PATH entry joined with file, as the child will name it: relative
 * entries become absolute now, since the child may chdir before execve.
 * cwd is read at the first relative entry and kept for the others. */
static int join(char *buf, size_t len, const char *dir, size_t dlen, const char *file,
		char *cwd, size_t cwdlen)
{
	int w;

	if (dir[0] == '/')
		w = snprintf(buf, len, "%.*s/%s", (int)dlen, dir, file);
	else if (cwd[0] || getcwd(cwd, cwdlen))
		w = snprintf(buf, len, "%s/%.*s/%s", cwd, (int)dlen, dir, file);
	else
		return -1;
	return w < 0 || (size_t)w >= len ? -1 : 0;
}

/* The first match that can run wins, as with execvp; a match that cannot
 * run is remembered as EACCES. */
int cx_lookup(const char *file, const struct cx_attr *a, char *buf, size_t len,
	      struct cx_error *err)
{
	const char *path = getenv("PATH"), *root = a->chroot, *dir, *end;
	int same_creds = !cx_cred_changes(a) && !a->cloneflags && !a->unshareflags;
	char cwd[PATH_MAX] = "";
	int seen = ENOENT;
	struct stat st;

	if (!path)
		path = CX_DEFAULT_PATH;
	if (root && stat(root, &st) < 0) {
		/* The chroot step would fail first: say so rather than "not found". */
		int e = errno;

		cx_error_set(err, CX_STEP_CHROOT, e, 0, "%s", root);
		return -e;
	}
	if (strlen(file) > NAME_MAX) {
		cx_error_set(err, CX_STEP_LOOKUP, ENAMETOOLONG, 0, "%.64s...", file);
		return -ENAMETOOLONG;
	}
	for (dir = path;; dir = end + 1) {
		char full[PATH_MAX * 2];
		size_t dlen;
		int w;

		end = strchrnul(dir, ':');
		dlen = (size_t)(end - dir);
		if (dlen == 0) {
			dir = ".";
			dlen = 1;
		}
		/* Relative to what, after the chroot? */
		if ((root && dir[0] != '/') || join(buf, len, dir, dlen, file, cwd, sizeof(cwd)) < 0)
			goto next;
		w = snprintf(full, sizeof(full), "%s%s", root ? root : "", buf);
		if (w < 0 || (size_t)w >= sizeof(full))
			goto next;
		if (stat(full, &st) == 0) {
			if (runnable(full, &st, same_creds && !root))
				return 0;
			seen = EACCES;
		} else if (errno == EACCES) {
			seen = EACCES;
		}
next:
		if (*end == '\0')
			break;
	}
	cx_error_set(err, CX_STEP_LOOKUP, seen, 0, "%s", file);
	return -seen;
}

/* Absolute PATH entries only: a relative one is relative to what, after a
 * chroot and a chdir? (The parent's search skips them in a chroot too.) */
int cx_lookup_candidates(const char *file, char ***ret_list, unsigned int *ret_n,
			 struct cx_error *err)
{
	const char *path = getenv("PATH"), *dir, *end;
	size_t flen = strlen(file), n = 1, bytes = 0;
	char **list, *at;
	unsigned int i = 0;

	if (!path)
		path = CX_DEFAULT_PATH;
	if (flen > NAME_MAX) {
		cx_error_set(err, CX_STEP_LOOKUP, ENAMETOOLONG, 0, "%.64s...", file);
		return -ENAMETOOLONG;
	}
	for (const char *c = path; *c; c++)
		n += *c == ':';
	bytes = n * sizeof(char *) + strlen(path) + n * (flen + 2);
	list = malloc(bytes);
	if (!list) {
		cx_error_set(err, CX_STEP_PREPARE, ENOMEM, 0, "PATH candidates");
		return -ENOMEM;
	}
	at = (char *)(list + n);
	for (dir = path;; dir = end + 1) {
		size_t dlen;

		end = strchrnul(dir, ':');
		dlen = (size_t)(end - dir);
		if (dlen && dir[0] == '/') {
			list[i++] = at;
			memcpy(at, dir, dlen);
			at[dlen] = '/';
			memcpy(at + dlen + 1, file, flen + 1);
			at += dlen + flen + 2;
		}
		if (*end == '\0')
			break;
	}
	if (i == 0) {
		free(list);
		cx_error_set(err, CX_STEP_LOOKUP, ENOENT, 0, "%s (no absolute PATH entry)", file);
		return -ENOENT;
	}
	*ret_list = list;
	*ret_n = i;
	return 0;
}
