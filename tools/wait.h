/* SPDX-License-Identifier: MIT */
/* Waiting for the child while forwarding signals to it. */
#ifndef CLONEXEC_TOOLS_WAIT_H
#define CLONEXEC_TOOLS_WAIT_H

#include <signal.h>

#include <clonexec.h>

/*
 * Block the forwarded signals and SIGCHLD, before the spawn, so none is
 * lost between the spawn and the wait; *ret_old is the mask clonexec was
 * started with, for the child. SIGCHLD gets its default action back: an
 * ignored SIGCHLD would let the kernel reap the child before we can.
 */
void cli_signals_block(sigset_t *ret_old);

/* A deadline (--timeout): after timeout_ms (0: none) sig goes to the
 * child (flags: CX_WAIT_PGROUP, CX_WAIT_TREE), and SIGKILL kill_after_ms
 * later (0: never). */
struct cli_deadline {
	long long timeout_ms;
	long long kill_after_ms;
	int sig;
	unsigned int flags;
};

/*
 * Wait for the child to end (or for the deadline d, which may be NULL),
 * forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGUSR1 and SIGUSR2 through its pidfd. A signal the terminal sent is
 * not forwarded when the child shares clonexec's process group: the
 * terminal sent it to the child too (same_pgrp).
 */
int cli_wait(struct cx_process *p, int same_pgrp, const struct cli_deadline *d,
	     struct cx_status *ret_status);

#endif
