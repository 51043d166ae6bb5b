/* SPDX-License-Identifier: MIT */
#ifndef CX_PROCESS_H
#define CX_PROCESS_H

#include <sys/types.h>

struct cx_process {
	pid_t pid;
	int pidfd;     /* owned; -1 without pidfd support */
	int reaped;
	struct cx_cgroup *cgroup; /* issue 11: its own cgroup (cgroup.c), or NULL */
};

struct cx_process *cx_process_new(void);

#endif
