/* SPDX-License-Identifier: MIT */
/*
 * The PATH search, in the caller before the clone (the child must not
 * allocate or loop over strings). Inside a chroot the search looks under
 * the new root and returns the path as the child will see it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define CX_DEFAULT_PATH "/bin:/usr/bin"

/* The first regular file with an execute bit wins, as Go's LookPath and
 * execvp do; a match that cannot run is remembered as EACCES. */
int cx_lookup(const char *file, const char *root, char *buf, size_t len, struct cx_error *err)
{
	const char *path = getenv("PATH");
	const char *dir, *end;
	int seen = ENOENT;
	size_t flen = strlen(file);
	struct stat st;

	if (!path)
		path = CX_DEFAULT_PATH;
	if (root && stat(root, &st) < 0) {
		/* The chroot step would fail first: say so rather than "not found". */
		int e = errno;

		cx_error_set(err, CX_STEP_CHROOT, e, 0, "%s", root);
		return -e;
	}
	if (flen > NAME_MAX) {
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
		if (root && dir[0] != '/')
			goto next; /* relative to what, after the chroot? */
		w = snprintf(buf, len, "%.*s/%s", (int)dlen, dir, file);
		if (w < 0 || (size_t)w >= len)
			goto next;
		w = snprintf(full, sizeof(full), "%s%s", root ? root : "", buf);
		if (w < 0 || (size_t)w >= sizeof(full))
			goto next;
		if (stat(full, &st) == 0) {
			if (S_ISREG(st.st_mode) && (st.st_mode & 0111))
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
