/* SPDX-License-Identifier: MIT */
/*
 * Sessions, process groups and terminals, seen in the child's
 * /proc/self/stat (pgrp, session, tty_nr, tpgid). Go's tests: the default
 * keeps the parent's group, SETPGID makes pgid == pid, a pgid joins
 * another child's group, FOREGROUND makes the child the terminal's
 * foreground group with no SIGTTOU/SIGTTIN for the parent; invalid
 * combinations are errors. The terminal is a pseudo-terminal that a forked
 * session leader makes its controlling terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

static char out[LT_OUT];

static int num(const char *key)
{
	return atoi(lt_get(out, key));
}

static void groups(void)
{
	CX_ATTR(def);
	CX_ATTR(own, .flags = CX_ATTR_SETPGID);
	CX_ATTR(sid, .flags = CX_ATTR_SETSID);
	struct cx_status st;
	struct cx_error err;
	struct cx_process *leader = NULL;
	int hold[2];

	lt_ran_ok(lt_run(&def, out, &st, &err, "stat", NULL), &st, &err, "default group");
	is_int(num("pgrp"), getpgrp(), "default: the child is in the caller's process group");
	is_int(num("session"), getsid(0), "default: and in its session");

	lt_ran_ok(lt_run(&own, out, &st, &err, "stat", NULL), &st, &err, "setpgid 0");
	is_int(num("pgrp"), num("pid"), "setpgid: pgid == pid");
	is_int(num("session"), getsid(0), "setpgid: same session");

	lt_ran_ok(lt_run(&sid, out, &st, &err, "stat", NULL), &st, &err, "setsid");
	is_int(num("session"), num("pid"), "setsid: session == pid");
	is_int(num("pgrp"), num("pid"), "setsid: pgrp == pid");
	is_int(num("tty_nr"), 0, "setsid: no controlling terminal");

	/* A leader that lives until we close its pipe, then a child joining it. */
	if (pipe2(hold, O_CLOEXEC) < 0)
		tap_bail("pipe");
	{
		int files[] = { hold[0], 1, 2 };
		char *argv[] = { (char *)lt_probe(), "wait-fd", "0", NULL };
		CX_ATTR(lead, .flags = CX_ATTR_SETPGID, .files = files, .nfiles = 3);
		CX_ATTR(join, .flags = CX_ATTR_SETPGID);
		int r = cx_spawn(argv[0], argv, NULL, &lead, &leader, &err);

		is_int(r, 0, "a group leader started");
		join.pgid = cx_process_pid(leader);
		lt_ran_ok(lt_run(&join, out, &st, &err, "stat", NULL), &st, &err, "join a group");
		is_int(num("pgrp"), cx_process_pid(leader), "pgid: the child joined the other's group");
		close(hold[0]);
		close(hold[1]);
		cx_process_wait(leader, -1, &st);
		cx_process_release(leader);
	}
}

static void invalid(void)
{
	char *argv[] = { (char *)lt_probe(), NULL };
	int files[] = { 0, 1, 2 };
	CX_ATTR(both, .flags = CX_ATTR_SETSID | CX_ATTR_SETCTTY | CX_ATTR_FOREGROUND);
	CX_ATTR(range, .flags = CX_ATTR_SETSID | CX_ATTR_SETCTTY, .files = files, .nfiles = 3,
		.ctty_fd = 3);
	CX_ATTR(neg, .flags = CX_ATTR_FOREGROUND, .ctty_fd = -1);
	CX_ATTR(nosid, .flags = CX_ATTR_SETCTTY);

	lt_fails("setctty with foreground", argv[0], argv, &both, CX_STEP_CHECK, EINVAL);
	lt_fails("ctty beyond the fd plan", argv[0], argv, &range, CX_STEP_CHECK, EBADF);
	lt_fails("negative ctty", argv[0], argv, &neg, CX_STEP_CHECK, EBADF);
	lt_fails("setctty without setsid", argv[0], argv, &nosid, CX_STEP_CHECK, EINVAL);
}

static int open_pty(int *ret_master)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		tap_bail("pty: %s", strerror(errno));
	s = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		tap_bail("pty slave: %s", strerror(errno));
	*ret_master = m;
	return s;
}

/* /proc/PID/stat's tty_nr of a terminal device. */
static int tty_nr(int fd)
{
	struct stat sb;

	fstat(fd, &sb);
	return (int)((minor(sb.st_rdev) & 0xff) | (major(sb.st_rdev) << 8) |
		     ((minor(sb.st_rdev) & ~0xffu) << 12));
}

static volatile sig_atomic_t ttou, ttin;

static void on_ttou(int sig)
{
	(void)sig;
	ttou++;
}

static void on_ttin(int sig)
{
	(void)sig;
	ttin++;
}

static void terminal(void *unused)
{
	int master, slave = open_pty(&master), m2, s2 = open_pty(&m2);
	int files[] = { slave, CXT_STDOUT, 2 }, files2[] = { s2, CXT_STDOUT, 2 };
	CX_ATTR(fg, .flags = CX_ATTR_FOREGROUND, .files = files, .nfiles = 3, .ctty_fd = 0);
	CX_ATTR(nocl, .flags = CX_ATTR_NOCTTY, .files = files, .nfiles = 3, .ctty_fd = 0);
	CX_ATTR(plain, .files = files, .nfiles = 3);
	CX_ATTR(ctty, .flags = CX_ATTR_SETSID | CX_ATTR_SETCTTY, .files = files2, .nfiles = 3);
	struct cx_status st;
	struct cx_error err;
	sigset_t ttou_set;
	(void)unused;

	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		tap_bail("controlling terminal: %s", strerror(errno));
	signal(SIGTTOU, on_ttou);
	signal(SIGTTIN, on_ttin);
	is_int(tcgetpgrp(slave), getpgrp(), "the test's group is the terminal's foreground");

	lt_ran_ok(lt_run(&plain, out, &st, &err, "stat", NULL), &st, &err, "plain, on the tty");
	is_int(num("tty_nr"), tty_nr(slave), "plain: the child has the caller's terminal");
	is_int(num("tpgid"), getpgrp(), "plain: the caller's group stays in the foreground");

	lt_ran_ok(lt_run(&fg, out, &st, &err, "stat", "status", NULL), &st, &err, "foreground");
	is_int(num("pgrp"), num("pid"), "foreground: the child leads a new group");
	is_int(num("tpgid"), num("pid"), "foreground: its group is the terminal's foreground");
	is_int(tcgetpgrp(slave), num("pid"), "foreground: as the caller sees it, too");
	is_str(lt_get(out, "SigPnd"), "0000000000000000", "foreground: no signal pending in the child");
	is_str(lt_get(out, "ShdPnd"), "0000000000000000", "foreground: none for its process");
	ok(ttou == 0 && ttin == 0, "foreground: the caller got no SIGTTOU/SIGTTIN (%d, %d)",
	   (int)ttou, (int)ttin);
	/* Take the terminal back, as a shell does: SIGTTOU blocked. */
	sigemptyset(&ttou_set);
	sigaddset(&ttou_set, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou_set, NULL);
	if (tcsetpgrp(slave, getpgrp()) < 0)
		tap_bail("tcsetpgrp back: %s", strerror(errno));
	sigprocmask(SIG_UNBLOCK, &ttou_set, NULL);

	lt_ran_ok(lt_run(&nocl, out, &st, &err, "stat", NULL), &st, &err, "noctty");
	is_int(num("tty_nr"), 0, "noctty: the child has no controlling terminal");
	is_int(num("session"), getsid(0), "noctty: but stays in the session");
	is_int(tcgetpgrp(slave), getpgrp(), "noctty: the caller keeps its terminal");

	lt_ran_ok(lt_run(&ctty, out, &st, &err, "stat", NULL), &st, &err, "setsid+setctty");
	is_int(num("session"), num("pid"), "setctty: a new session");
	is_int(num("tty_nr"), tty_nr(s2), "setctty: the other pty is its controlling terminal");
	is_int(num("tpgid"), num("pid"), "setctty: and its group is that pty's foreground");
	ok(ttou == 0 && ttin == 0, "no SIGTTOU/SIGTTIN reached the caller at all");
	/* Closing the master hangs up our own terminal. */
	signal(SIGHUP, SIG_IGN);
	close(master);
	close(m2);
}

int main(void)
{
	groups();
	invalid();
	lt_sub("pty", terminal, NULL);
	return tap_done();
}
