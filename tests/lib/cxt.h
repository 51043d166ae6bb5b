/* SPDX-License-Identifier: MIT */
/* Shared helpers for the library's test programs. */
#ifndef CX_CXT_H
#define CX_CXT_H

#include <stddef.h>
#include <stdint.h>

#include "clonexec.h"

/* The build directory (CX_BUILD, set by make check) and files in it. */
const char *cxt_build(void);
/* The helper <build>/tests/helpers/NAME, as a copy that any uid may run
 * (see cxt.c), in buf. Exits on failure. */
const char *cxt_helper(const char *name, char *buf, size_t len);
/* This test program, copied the same way (to run it again as nobody). */
const char *cxt_self(void);

/*
 * Spawn path/argv with attr and capture the child's stdout (fd 1): when
 * attr has no fd plan, the child gets {0, pipe, 2}; when it has one, every
 * entry equal to CXT_STDOUT is replaced by the pipe. Waits for the child.
 * Returns cx_spawn's result; out is NUL-terminated.
 */
#define CXT_STDOUT (-100)
int cxt_run(const char *path, char *const argv[], const struct cx_attr *attr, char *out,
	    size_t outlen, struct cx_status *st, struct cx_error *err);

/* The value after "Key:" (/proc status) or "key=" (probe) in text, trimmed, in buf. */
const char *cxt_field(const char *text, const char *key, char *buf, size_t len);

/* Open fds of this process. */
int cxt_fd_count(void);
/* 1 if this process has an unreaped child. */
int cxt_has_zombie(void);
/* This thread's blocked signals, as the kernel's 64-bit set. */
uint64_t cxt_sigmask(void);
/* "ENOENT" (glibc's strerrorname_np), or "errno 2" where the C library
 * has no names (musl); for test descriptions. */
const char *cxt_errname(int e);
/* Drop to uid/gid (all threads, via libc). */
int cxt_drop_to(unsigned int uid, unsigned int gid);

#endif
