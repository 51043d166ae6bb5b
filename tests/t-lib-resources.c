/* SPDX-License-Identifier: MIT */
/*
 * Nice, scheduling policy, CPU affinity, I/O priority and OOM score
 * (issue 11), each read back by the child about itself (/proc/$$/stat,
 * /proc/$$/sched, chrt -p, /proc/$$/status, ionice -p, oom_score_adj),
 * as root, as root changing to nobody in the same spawn (the order: raised
 * before setuid), and as nobody (65534), where each raise fails at its
 * named step and nothing is left behind. Bad input fails the check.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define NOBODY 65534
#define CAP_SYS_RESOURCE_ 24

/* What the shell that was spawned says of itself ($$ is the spawned
 * process: a child of it would not show reset-on-fork). */
static const char report[] =
	"echo nice=$(cut -d' ' -f19 /proc/$$/stat)\n"
	"echo policy=$(sed -n 's/^policy *: *//p' /proc/$$/sched)\n"
	"chrt -p $$ | sed -n 's/.*policy: /chrt=/p; s/.*priority: /rtprio=/p'\n"
	"echo child_policy=$(sed -n 's/^policy *: *//p' /proc/self/sched)\n"
	"sed -n 's/^Cpus_allowed_list:[[:space:]]*/cpus=/p' /proc/$$/status\n"
	"echo ioprio=$(ionice -p $$)\n"
	"echo oom=$(cat /proc/$$/oom_score_adj)\n"
	"echo uid=$(id -u)\n";

static char out[LT_OUT];

static int run_report(const struct cx_attr *a, struct cx_status *st, struct cx_error *err)
{
	char *argv[] = { "sh", "-c", (char *)report, NULL };

	return cxt_run("/bin/sh", argv, a, out, sizeof(out), st, err);
}

static const char *get(const char *key)
{
	return lt_get(out, key);
}

/* Spawn and read back: one line for the run, one for the value. */
static void reads(const char *what, const struct cx_attr *a, const char *key, const char *want)
{
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(run_report(a, &st, &err), &st, &err, what);
	is_str(get(key), want, "%s: %s is %s", what, key, want);
}

static int has_cap(int cap)
{
	return lt_hex(lt_self_status("CapEff")) >> cap & 1;
}

static void values(void)
{
	unsigned long one[1] = { 1UL << 1 }, both[1] = { 3 };
	size_t big = CPU_ALLOC_SIZE(1024);
	cpu_set_t *set = CPU_ALLOC(1024);

	CPU_ZERO_S(big, set);
	CPU_SET_S(0, big, set);
	{
		CX_ATTR(nice7, .flags = CX_ATTR_NICE, .nice = 7);
		CX_ATTR(nice_neg, .flags = CX_ATTR_NICE, .nice = -5);
		CX_ATTR(batch, .flags = CX_ATTR_SCHED | CX_ATTR_NICE, .sched_policy = CX_SCHED_BATCH,
			.nice = 3);
		CX_ATTR(idle, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_IDLE);
		CX_ATTR(fifo, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_FIFO,
			.sched_priority = 10);
		CX_ATTR(rr, .flags = CX_ATTR_SCHED | CX_ATTR_SCHED_RESET_ON_FORK,
			.sched_policy = CX_SCHED_RR, .sched_priority = 5);
		CX_ATTR(cpu1, .flags = CX_ATTR_CPUS, .cpus = one, .cpus_size = sizeof(one));
		CX_ATTR(cpu01, .flags = CX_ATTR_CPUS, .cpus = both, .cpus_size = sizeof(both));
		CX_ATTR(cpubig, .flags = CX_ATTR_CPUS, .cpus = (unsigned long *)set, .cpus_size = big);
		CX_ATTR(io_idle, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_IDLE);
		CX_ATTR(io_rt, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_RT,
			.ioprio_level = 3);
		CX_ATTR(io_be, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_BE,
			.ioprio_level = 6);
		CX_ATTR(oom_up, .flags = CX_ATTR_OOM_SCORE_ADJ, .oom_score_adj = 500);
		CX_ATTR(oom_down, .flags = CX_ATTR_OOM_SCORE_ADJ, .oom_score_adj = -100);

		reads("nice 7", &nice7, "nice", "7");
		reads("nice -5 (root)", &nice_neg, "nice", "-5");
		reads("batch with nice 3", &batch, "policy", "3");
		is_str(get("nice"), "3", "batch: the nice value set first is kept");
		reads("idle", &idle, "policy", "5");
		reads("fifo 10", &fifo, "chrt", "SCHED_FIFO");
		is_str(get("rtprio"), "10", "fifo 10: priority 10");
		reads("rr 5 reset-on-fork", &rr, "chrt", "SCHED_RR|SCHED_RESET_ON_FORK");
		is_str(get("rtprio"), "5", "rr 5: priority 5");
		is_str(get("child_policy"), "0", "reset-on-fork: the child's child is SCHED_OTHER");
		reads("cpus 1", &cpu1, "cpus", "1");
		reads("cpus 0-1", &cpu01, "cpus", "0-1");
		reads("cpus 0 in a 1024-CPU mask", &cpubig, "cpus", "0");
		reads("ioprio idle", &io_idle, "ioprio", "idle");
		reads("ioprio realtime 3", &io_rt, "ioprio", "realtime: prio 3");
		reads("ioprio best-effort 6", &io_be, "ioprio", "best-effort: prio 6");
		reads("oom_score_adj 500", &oom_up, "oom", "500");
		if (has_cap(CAP_SYS_RESOURCE_)) {
			reads("oom_score_adj -100", &oom_down, "oom", "-100");
		} else {
			/* This machine's root has no CAP_SYS_RESOURCE: lowering fails, named. */
			char *argv[] = { "/bin/true", NULL };

			lt_fails("oom_score_adj -100 without CAP_SYS_RESOURCE", argv[0], argv,
				 &oom_down, CX_STEP_OOM_SCORE_ADJ, EACCES);
		}
	}
	CPU_FREE(set);
}

/* Raised by root, then setuid nobody: the order makes it work. */
static void then_setuid(void)
{
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_NICE | CX_ATTR_SCHED | CX_ATTR_IOPRIO |
			    CX_ATTR_OOM_SCORE_ADJ,
		.uid = NOBODY, .gid = NOBODY, .nice = -4, .sched_policy = CX_SCHED_FIFO,
		.sched_priority = 3, .ioprio_class = CX_IOPRIO_CLASS_RT, .ioprio_level = 1,
		.oom_score_adj = 300);
	struct cx_status st;
	struct cx_error err;

	lt_ran_ok(run_report(&a, &st, &err), &st, &err, "raised, then setuid nobody");
	is_str(get("uid"), "65534", "the program runs as nobody");
	is_str(get("nice"), "-4", "with nice -4");
	is_str(get("chrt"), "SCHED_FIFO", "with SCHED_FIFO");
	is_str(get("ioprio"), "realtime: prio 1", "with the realtime I/O class");
	is_str(get("oom"), "300", "with oom_score_adj 300");
}

struct order {
	int nice, sched, cpus, ioprio, oom, unshare, chroot, setrlimit, setuid;
};

static int note(int index, int step, const char *who, const char *text, void *userdata)
{
	struct order *o = userdata;

	(void)who;
	(void)text;
	switch (step) {
	case CX_STEP_NICE: o->nice = index; break;
	case CX_STEP_SCHED: o->sched = index; break;
	case CX_STEP_CPUS: o->cpus = index; break;
	case CX_STEP_IOPRIO: o->ioprio = index; break;
	case CX_STEP_OOM_SCORE_ADJ: o->oom = index; break;
	case CX_STEP_UNSHARE: o->unshare = index; break;
	case CX_STEP_CHROOT: o->chroot = index; break;
	case CX_STEP_SETRLIMIT: o->setrlimit = index; break;
	case CX_STEP_SETUID: o->setuid = index; break;
	}
	return 0;
}

static void order(void)
{
	static const struct cx_rlimit rl = { RLIMIT_NICE, 0, 0 };
	unsigned long cpus[1] = { 1 };
	char *argv[] = { "true", NULL };
	CX_ATTR(a, .flags = CX_ATTR_CREDENTIAL | CX_ATTR_NICE | CX_ATTR_SCHED | CX_ATTR_CPUS |
			    CX_ATTR_IOPRIO | CX_ATTR_OOM_SCORE_ADJ,
		.uid = NOBODY, .gid = NOBODY, .nice = 1, .sched_policy = CX_SCHED_BATCH,
		.cpus = cpus, .cpus_size = sizeof(cpus), .ioprio_class = CX_IOPRIO_CLASS_BE,
		.oom_score_adj = 1, .unshareflags = CX_NEWNS, .chroot = "/", .rlimits = &rl,
		.nrlimits = 1);
	struct order o = { 0 };
	struct cx_error err;

	is_int(cx_explain("/bin/true", argv, NULL, &a, 0, note, &o, &err), 0, "explain");
	ok(o.nice && o.nice < o.sched && o.sched < o.cpus && o.cpus < o.ioprio &&
		   o.ioprio < o.oom,
	   "nice, policy, CPUs, I/O priority, OOM score in that order (%d %d %d %d %d)", o.nice,
	   o.sched, o.cpus, o.ioprio, o.oom);
	ok(o.oom < o.unshare && o.unshare < o.chroot && o.chroot < o.setrlimit &&
		   o.setrlimit < o.setuid,
	   "before unshare, chroot, setrlimit and setuid (%d %d %d %d)", o.unshare, o.chroot,
	   o.setrlimit, o.setuid);
}

static void bad(const char *what, const struct cx_attr *a)
{
	char *argv[] = { "/bin/true", NULL };

	lt_fails(what, argv[0], argv, a, CX_STEP_CHECK, EINVAL);
}

static void bad_input(void)
{
	static unsigned long far[32];
	unsigned long beyond[1] = { 1UL << 63 }, none[1] = { 0 }, cpus[2] = { 1, 0 };
	CX_ATTR(n20, .flags = CX_ATTR_NICE, .nice = 20);
	CX_ATTR(n21, .flags = CX_ATTR_NICE, .nice = -21);
	CX_ATTR(p4, .flags = CX_ATTR_SCHED, .sched_policy = 4);
	CX_ATTR(deadline, .flags = CX_ATTR_SCHED, .sched_policy = 6);
	CX_ATTR(fifo0, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_FIFO);
	CX_ATTR(fifo100, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_FIFO,
		.sched_priority = 100);
	CX_ATTR(batch1, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_BATCH,
		.sched_priority = 1);
	CX_ATTR(reset, .flags = CX_ATTR_SCHED_RESET_ON_FORK);
	CX_ATTR(cpu63, .flags = CX_ATTR_CPUS, .cpus = beyond, .cpus_size = sizeof(beyond));
	CX_ATTR(cpufar, .flags = CX_ATTR_CPUS, .cpus = far, .cpus_size = sizeof(far));
	CX_ATTR(cpunone, .flags = CX_ATTR_CPUS, .cpus = none, .cpus_size = sizeof(none));
	CX_ATTR(cpusize, .flags = CX_ATTR_CPUS, .cpus = cpus, .cpus_size = 3);
	CX_ATTR(cpunull, .flags = CX_ATTR_CPUS, .cpus_size = 8);
	CX_ATTR(io4, .flags = CX_ATTR_IOPRIO, .ioprio_class = 4);
	CX_ATTR(io8, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_BE,
		.ioprio_level = 8);
	CX_ATTR(idle3, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_IDLE,
		.ioprio_level = 3);
	CX_ATTR(oom, .flags = CX_ATTR_OOM_SCORE_ADJ, .oom_score_adj = 1001);
	char *argv[] = { "/bin/true", NULL };
	struct cx_error err;
	char msg[512];

	far[31] = 1UL << 5; /* CPU 1989 */
	bad("nice 20", &n20);
	bad("nice -21", &n21);
	bad("policy 4", &p4);
	bad("SCHED_DEADLINE", &deadline);
	bad("fifo priority 0", &fifo0);
	bad("fifo priority 100", &fifo100);
	bad("batch priority 1", &batch1);
	bad("reset-on-fork without a policy", &reset);
	bad("CPU 63", &cpu63);
	bad("CPU 1989", &cpufar);
	bad("no CPU", &cpunone);
	bad("a mask of 3 bytes", &cpusize);
	bad("a NULL mask", &cpunull);
	bad("I/O class 4", &io4);
	bad("I/O level 8", &io8);
	bad("idle I/O class with a level", &idle3);
	bad("oom_score_adj 1001", &oom);
	cx_explain(argv[0], argv, NULL, &cpufar, 0, note, NULL, &err);
	cx_error_format(&err, msg, sizeof(msg));
	ok(strncmp(msg, "cpus: CPU 1989 is beyond this machine's (0-", 43) == 0,
	   "the message names the CPU: %s", msg);
	cx_explain(argv[0], argv, NULL, &n20, 0, note, NULL, &err);
	cx_error_format(&err, msg, sizeof(msg));
	is_str(msg, "nice: 20 is not in -20..19: Invalid argument", "the message names the value");
}

/* As nobody: lowering works, raising fails at its step. */
static void unprivileged(void *arg)
{
	char *argv[] = { "/bin/true", NULL };
	CX_ATTR(nice5, .flags = CX_ATTR_NICE, .nice = 5);
	CX_ATTR(nice_neg, .flags = CX_ATTR_NICE, .nice = -1);
	CX_ATTR(idle, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_IDLE);
	CX_ATTR(fifo, .flags = CX_ATTR_SCHED, .sched_policy = CX_SCHED_FIFO, .sched_priority = 1);
	CX_ATTR(io_be, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_BE,
		.ioprio_level = 7);
	CX_ATTR(io_rt, .flags = CX_ATTR_IOPRIO, .ioprio_class = CX_IOPRIO_CLASS_RT);
	CX_ATTR(oom_up, .flags = CX_ATTR_OOM_SCORE_ADJ, .oom_score_adj = 200);
	CX_ATTR(oom_down, .flags = CX_ATTR_OOM_SCORE_ADJ, .oom_score_adj = -1);

	(void)arg;
	if (cxt_drop_to(NOBODY, NOBODY) < 0) {
		ok(0, "drop to nobody: %s", strerror(errno));
		return;
	}
	/* The setuid made us non-dumpable, which gives /proc/self to root; a
	 * process started as nobody is dumpable. */
	prctl(PR_SET_DUMPABLE, 1);
	reads("nobody: nice 5", &nice5, "nice", "5");
	reads("nobody: idle", &idle, "policy", "5");
	reads("nobody: best-effort 7", &io_be, "ioprio", "best-effort: prio 7");
	reads("nobody: oom_score_adj 200", &oom_up, "oom", "200");
	lt_fails("nobody: nice -1", argv[0], argv, &nice_neg, CX_STEP_NICE, EACCES);
	lt_fails("nobody: fifo", argv[0], argv, &fifo, CX_STEP_SCHED, EPERM);
	lt_fails("nobody: realtime I/O", argv[0], argv, &io_rt, CX_STEP_IOPRIO, EPERM);
	lt_fails("nobody: oom_score_adj -1", argv[0], argv, &oom_down, CX_STEP_OOM_SCORE_ADJ,
		 EACCES);
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root (the unprivileged half drops to 65534)");
	values();
	then_setuid();
	order();
	bad_input();
	lt_sub("unprivileged", unprivileged, NULL);
	return tap_done();
}
