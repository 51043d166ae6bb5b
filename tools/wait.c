/* SPDX-License-Identifier: MIT */
/*
 * Waiting with sigwaitinfo: every signal we care about, SIGCHLD included,
 * is blocked before the spawn, so it stays pending until we take it here.
 * No handler, no signalfd, no race.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "wait.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void wait_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(set, forwarded[i]);
}

void cli_signals_block(sigset_t *ret_old)
{
	struct sigaction dfl;
	sigset_t set;

	wait_set(&set);
	sigprocmask(SIG_BLOCK, &set, ret_old);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &dfl, NULL);
}

int cli_wait(struct cx_process *p, int same_pgrp, struct cx_status *ret_status)
{
	sigset_t set;
	int r;

	wait_set(&set);
	/* The child may be gone already: its SIGCHLD is pending then. */
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			/* Cannot happen with a valid set; wait without forwarding. */
			return cx_process_wait(p, -1, ret_status);
		}
		if (sig == SIGCHLD) {
			/* Any child of ours may have sent it (one we inherited
			 * through exec, too): ask about ours only. */
			r = cx_process_wait(p, 0, ret_status);
			if (r != -ETIMEDOUT)
				return r;
			continue;
		}
		if (si.si_code == SI_KERNEL && same_pgrp)
			continue;
		cx_process_signal(p, sig);
	}
}
