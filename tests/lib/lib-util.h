/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the library's own tests (t-lib-*.c): run the probe with
 * attributes, read what this process sees of itself, check that a failed
 * spawn left nothing behind, run part of a test in a forked (or
 * re-executed) process and fold its TAP lines into the test's own.
 */
#ifndef CX_LIB_UTIL_H
#define CX_LIB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "cxt.h"

#define LT_OUT 65536

/* The probe's path (in the build directory). */
const char *lt_probe(void);

/* Run the probe with attr and the verbs given (NULL-terminated); its
 * stdout goes to out (LT_OUT bytes). As cxt_run. */
int lt_run(const struct cx_attr *attr, char *out, struct cx_status *st, struct cx_error *err,
	   ...) __attribute__((sentinel));
int lt_runv(const struct cx_attr *attr, char *const verbs[], char *out, struct cx_status *st,
	    struct cx_error *err);

/* End a child the test started, whatever state the test left it in:
 * SIGKILL, wait (bounded), release. For the end of a case and its failure
 * paths (a sleeping child must not outlive a failed assertion). NULL: no-op. */
void lt_end(struct cx_process *p);

/* A key of the probe's output or of /proc status text; "" when missing. */
const char *lt_get(const char *text, const char *key);
/* A key of this process's /proc/self/status. */
const char *lt_self_status(const char *key);
/* readlink /proc/self/ns/<name> of this process. */
const char *lt_self_ns(const char *name);
/* A whole (small) file into a static buffer. */
const char *lt_slurp(const char *path);

/* The probe exited 0 and cx spawn+wait succeeded (one TAP line). */
int lt_ran_ok(int r, const struct cx_status *st, const struct cx_error *err, const char *what);

/* Nothing left behind by a failed spawn: same fd count, no zombie, same
 * signal mask (one TAP line). */
struct lt_snap {
	int fds;
	uint64_t mask;
};
void lt_snap(struct lt_snap *s);
int lt_unchanged(const struct lt_snap *s, const char *what);

/* Spawn path with attr, expect failure with step and error, and that
 * nothing was left behind (three TAP lines). */
int lt_fails(const char *what, const char *path, char *const argv[], const struct cx_attr *attr,
	     int step, int error);

/* Run fn in a forked process whose stdout (its TAP lines) is folded into
 * this test's plan; a crash or a non-zero exit without a failed line is a
 * failure. Returns fn's process exit code. */
int lt_sub(const char *name, void (*fn)(void *), void *arg);
/* 1 once pid is gone: no such process, or a zombie (polls for up to 10 s,
 * a bound only against a hang); 0 if it still runs. */
int lt_gone(int pid);

/* Fold TAP text made by another process into this test's own lines. */
void lt_relay(const char *name, const char *text);

/* A directory usable as a chroot: the probe at /probe with the shared
 * libraries it needs, and /proc mounted when with_proc. Returns 0. */
int lt_make_root(const char *dir, int with_proc);
void lt_remove_root(const char *dir);

/* 1 when running under valgrind, which has no clone3 or pidfd_open,
 * emulates RLIMIT_NOFILE and cannot survive an execve the kernel refuses
 * late: a case that needs one of those is skipped there (lt_skip), and
 * only there. */
int lt_on_valgrind(void);
/* One TAP line "ok N - what # SKIP why", counted like any other. */
__attribute__((format(printf, 2, 3))) void lt_skip(const char *what, const char *fmt, ...);

/* Parse a hex capability or signal mask field. */
uint64_t lt_hex(const char *s);

/* Spawn n children while another process of our group floods the group
 * with SIGWINCH, which this process handles and whose default action is
 * to ignore it. Returns how many times the handler ran in a child before
 * its exec (must be 0), or -1 if the spawns failed. */
int lt_handler_stress(int n, const struct cx_attr *attr);
#endif
