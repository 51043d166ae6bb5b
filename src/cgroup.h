/* SPDX-License-Identifier: MIT */
/* The child's own cgroup (issue 11): what the process handle keeps. */
#ifndef CX_CGROUP_H
#define CX_CGROUP_H

#include <stdint.h>

#include "clonexec.h"

struct cx_cgroup {
	int dirfd;          /* the cgroup's directory, O_CLOEXEC */
	int killed;         /* SIGKILL went to it: release waits for it to empty */
	char path[];        /* for cx_process_cgroup() and the rmdir */
};

/* cgroup-events.c: the flat-keyed files ("key value" lines: cgroup.events,
 * memory.events, pids.events). Kept apart from the cgroup itself so it can
 * be tested on files a test writes (which tests the reading of the format,
 * not that a kernel counts). */
/* The value of key in text; -ENOENT when absent, -EINVAL when not a number. */
int cx_flat_keyed(const char *text, const char *key, uint64_t *ret);
/* The same from file in directory dirfd; -errno when unreadable. */
int cx_flat_keyed_file(int dirfd, const char *file, const char *key, uint64_t *ret);
/* The cgroup counters of the status from the files under dirfd (0 for a
 * controller whose file is missing). */
void cx_cgroup_events(int dirfd, struct cx_status *st);

/* cgroup.c, for process.c */
void cx_cgroup_status(struct cx_cgroup *cg, struct cx_status *st);
void cx_cgroup_release(struct cx_cgroup *cg);

#endif
