/* SPDX-License-Identifier: MIT */
/*
 * Waiting with sigwaitinfo: every signal we care about, SIGCHLD included,
 * is blocked before the spawn, so it stays pending until we take it here.
 * No handler, no signalfd, no race.
 */
#include <errno.h>
#include <stdint.h>
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

/* Where a deadline's signals go: the child, and its group or its cgroup. */
static void send(struct cx_process *p, int sig, unsigned int flags)
{
	if (flags & CX_WAIT_TREE)
		cx_process_kill_tree(p, sig);
	/* The child leads its group and is not reaped: the group is its pid. */
	if (flags & CX_WAIT_PGROUP)
		kill(-cx_process_pid(p), sig);
	cx_process_signal(p, sig);
}

/*
 * The stages of cx_process_wait_deadline(3), in this loop so that signals
 * are still forwarded after the deadline (a ^C then still reaches a child
 * that ignores the timeout's signal): at the deadline the signal, after
 * the grace period SIGKILL.
 */
struct stages {
	long long at;        /* next stage, monotonic ms; -1: none */
	uint32_t done;       /* CX_SUPERVISION_* reached */
};

static void next_stage(struct cx_process *p, const struct cli_deadline *d, struct stages *s)
{
	if (!s->done) {
		s->done = CX_SUPERVISION_TIMED_OUT;
		send(p, d->sig, d->flags);
		s->at = d->kill_after_ms > 0 && d->sig != SIGKILL ? now_ms() + d->kill_after_ms : -1;
	} else {
		s->done |= CX_SUPERVISION_KILLED;
		send(p, SIGKILL, d->flags);
		s->at = -1;
	}
}

int cli_wait(struct cx_process *p, int same_pgrp, const struct cli_deadline *d,
	     struct cx_status *ret_status)
{
	struct stages st = { d && d->timeout_ms > 0 ? now_ms() + d->timeout_ms : -1, 0 };
	sigset_t set;
	int r;

	wait_set(&set);
	/* The child may be gone already: its SIGCHLD is pending then. */
	for (;;) {
		siginfo_t si;
		int sig;

		if (st.at >= 0) {
			long long left = st.at - now_ms();
			struct timespec ts;

			if (left <= 0) {
				next_stage(p, d, &st);
				continue;
			}
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
			r = cx_process_wait(p, -1, ret_status);
			break;
		}
		if (sig == SIGCHLD) {
			/* Any child of ours may have sent it (one we inherited
			 * through exec, too): ask about ours only. */
			r = cx_process_wait(p, 0, ret_status);
			if (r != -ETIMEDOUT)
				break;
			continue;
		}
		if (si.si_code == SI_KERNEL && same_pgrp)
			continue;
		cx_process_signal(p, sig);
	}
	if (r == 0 && st.done && ret_status) {
		ret_status->supervision = st.done;
		ret_status->timeout_signal = d->sig;
	}
	return r;
}
