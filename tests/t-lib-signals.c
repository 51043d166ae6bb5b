/* SPDX-License-Identifier: MIT */
/*
 * Signals as the child sees them (/proc/self/status SigBlk, SigIgn,
 * SigCgt): the caller's mask by default, the attribute's mask when given,
 * ignored signals inherited unless reset by SIGDEFAULT; the caller's mask
 * is the same after a spawn; and no handler of the caller ever runs in the
 * child between clone and exec, even under a flood of signals.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

static void handler(int sig)
{
	(void)sig;
}

static void callers_mask(void)
{
	CX_ATTR(a);
	struct cx_status st;
	struct cx_error err;
	sigset_t set, old;
	uint64_t before;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, &old);
	before = cxt_sigmask();
	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "caller's mask");
	is_int((long long)lt_hex(lt_get(out, "SigBlk")), (long long)before,
	       "the child's SigBlk is the caller's mask (SIGUSR1, SIGRTMIN+2)");
	ok(before == (bit(SIGUSR1) | bit(SIGRTMIN + 2)), "that mask is what the test set");
	is_int((long long)cxt_sigmask(), (long long)before, "the caller's mask after the spawn");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void attr_mask(void)
{
	CX_ATTR(a, .flags = CX_ATTR_SIGMASK);
	CX_ATTR(empty, .flags = CX_ATTR_SIGMASK);
	struct cx_status st;
	struct cx_error err;
	sigset_t set, old;

	sigemptyset(&a.sigmask);
	sigaddset(&a.sigmask, SIGTERM);
	sigaddset(&a.sigmask, SIGHUP);
	sigaddset(&a.sigmask, SIGRTMAX);
	sigemptyset(&empty.sigmask);
	sigfillset(&set);
	sigdelset(&set, SIGSEGV);
	sigprocmask(SIG_BLOCK, &set, &old);
	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "attr mask");
	is_int((long long)lt_hex(lt_get(out, "SigBlk")),
	       (long long)(bit(SIGTERM) | bit(SIGHUP) | bit(SIGRTMAX)),
	       "the child's SigBlk is exactly the attribute's mask");
	lt_ran_ok(lt_run(&empty, out, &st, &err, "status", NULL), &st, &err, "empty attr mask");
	is_str(lt_get(out, "SigBlk"), "0000000000000000",
	       "an empty attribute mask unblocks all though the caller blocks almost all");
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void ignored(void)
{
	CX_ATTR(a);
	CX_ATTR(dfl, .flags = CX_ATTR_SIGDEFAULT);
	struct cx_status st;
	struct cx_error err;
	uint64_t ign;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGTERM, handler);
	signal(SIGRTMIN + 1, handler);
	lt_ran_ok(lt_run(&a, out, &st, &err, "status", NULL), &st, &err, "ignored signals");
	ign = lt_hex(lt_get(out, "SigIgn"));
	ok((ign & (bit(SIGPIPE) | bit(SIGUSR2))) == (bit(SIGPIPE) | bit(SIGUSR2)),
	   "ignored SIGPIPE and SIGUSR2 stay ignored in the child (SigIgn %016llx)",
	   (unsigned long long)ign);
	is_str(lt_get(out, "SigCgt"), "0000000000000000", "no signal is caught in the child");
	ok(!(ign & (bit(SIGTERM) | bit(SIGRTMIN + 1))), "handled signals are not ignored either");

	sigemptyset(&dfl.sigdefault);
	sigaddset(&dfl.sigdefault, SIGUSR2);
	lt_ran_ok(lt_run(&dfl, out, &st, &err, "status", NULL), &st, &err, "SIGDEFAULT");
	ign = lt_hex(lt_get(out, "SigIgn"));
	ok(!(ign & bit(SIGUSR2)), "SIGDEFAULT resets the ignored SIGUSR2");
	ok(ign & bit(SIGPIPE), "SIGPIPE, not in sigdefault, stays ignored");
	signal(SIGPIPE, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGRTMIN + 1, SIG_DFL);
}

static void flood(void)
{
	static const struct cx_id_map map = { 0, 0, 1 };
	CX_ATTR(plain);
	CX_ATTR(userns, .cloneflags = 0x10000000 /* CLONE_NEWUSER */, .uid_map = &map,
		.nuid_map = 1);
	CX_ATTR(mask, .flags = CX_ATTR_SIGMASK);

	sigemptyset(&mask.sigmask);
	is_int(lt_handler_stress(300, &plain), 0, "300 spawns under a signal flood: no handler ran "
	       "in a child");
	is_int(lt_handler_stress(100, &userns), 0, "the same with a user namespace (the child waits "
	       "for its maps)");
	is_int(lt_handler_stress(100, &mask), 0, "the same with an explicit empty mask");
}

int main(void)
{
	callers_mask();
	attr_mask();
	ignored();
	flood();
	return tap_done();
}
