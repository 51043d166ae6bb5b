/* SPDX-License-Identifier: MIT */
/*
 * Waiting with sigwaitinfo: every signal we care about, SIGCHLD included,
 * is blocked before the spawn, so it stays pending until we take it here.
 * No handler, no signalfd, no race.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <time.h>

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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The deadline passed: the library sends the signal, waits the grace
 * period and sends SIGKILL (forwarding pauses meanwhile: the child is being
 * stopped anyway). */
static int expire(struct cx_process *p, const struct cli_deadline *d, struct cx_status *ret_status)
{
	int grace = d->kill_after_ms <= 0 ? -1 : d->kill_after_ms > INT_MAX ? -1
										  : (int)d->kill_after_ms;

	return cx_process_wait_deadline(p, 0, d->sig, grace, d->flags, ret_status);
}

int cli_wait(struct cx_process *p, int same_pgrp, const struct cli_deadline *d,
	     struct cx_status *ret_status)
{
	long long deadline = d && d->timeout_ms > 0 ? now_ms() + d->timeout_ms : -1;
	sigset_t set;
	int r;

	wait_set(&set);
	/* The child may be gone already: its SIGCHLD is pending then. */
	for (;;) {
		siginfo_t si;
		int sig;

		if (deadline >= 0) {
			long long left = deadline - now_ms();
			struct timespec ts;

			if (left <= 0)
				return expire(p, d, ret_status);
			ts.tv_sec = (time_t)(left / 1000);
			ts.tv_nsec = (long)(left % 1000) * 1000000;
			sig = sigtimedwait(&set, &si, &ts);
			if (sig < 0 && errno == EAGAIN)
				continue;
		} else {
			sig = sigwaitinfo(&set, &si);
		}
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
