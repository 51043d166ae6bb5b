/* SPDX-License-Identifier: MIT */
/*
 * Landlock on a kernel older than this one (issue 10: "best-effort vs
 * strict when the kernel's ABI lacks a right"). The library asks the
 * kernel's ABI once, with landlock_create_ruleset(NULL, 0, VERSION); a
 * seccomp filter in a sub-process answers that one question for it:
 *  - ENOSYS (no Landlock): strict fails before anything starts and says
 *    so; best effort starts the program unconfined;
 *  - ABI 2, by a user notification a thread of ours answers: strict with
 *    the truncate right (ABI 3) fails naming the right and both ABIs; best
 *    effort confines with the rights ABI 2 has (the write outside is still
 *    refused).
 * Every other system call, the real ruleset's creation included, goes to
 * the kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "confine-util.h"
#include "lt-seccomp.h"

#define RO 0xdULL        /* execute, read-file, read-dir */
#define ALL 0xffffULL
#define VERSION_FLAG 1   /* LANDLOCK_CREATE_RULESET_VERSION */

static char in[64], outside[64];

static struct cx_landlock_rule rule[2] = { { "/", RO }, { in, ALL } };

/* Write beneath `in`, then outside: "write=A\nwrite=B\n". */
static const char *writes(const struct cx_attr *a, const char *what)
{
	char fin[128], fout[128];

	snprintf(fin, sizeof(fin), "%s/f", in);
	snprintf(fout, sizeof(fout), "%s/f", outside);
	unlink(fin);
	unlink(fout);
	cp_ok(a, what, "write", fin, "write", fout);
	return out;
}

static void strict_fails(const char *what, uint64_t handled, const char *want)
{
	char *argv[] = { (char *)cp_path(), NULL };
	CX_ATTR(a, .flags = CX_ATTR_LANDLOCK_STRICT, .landlock_rules = rule, .nlandlock_rules = 2,
		.landlock_handled = handled);
	struct cx_process *p = NULL;
	struct cx_error err;

	lt_fails(what, argv[0], argv, &a, CX_STEP_CHECK, EOPNOTSUPP);
	memset(&err, 0, sizeof(err));
	cx_spawn(argv[0], argv, NULL, &a, &p, &err);
	ok(strstr(err.object, want) != NULL, "%s: says '%s' (%s)", what, want, err.object);
}

static void no_landlock(void *arg)
{
	struct lt_rule r = { .nr = SYS_landlock_create_ruleset, .nargs = 1,
			     .arg = { { 2, VERSION_FLAG } },
			     .action = SECCOMP_RET_ERRNO | ENOSYS };
	CX_ATTR(a, .landlock_rules = rule, .nlandlock_rules = 2);

	(void)arg;
	lt_seccomp_one(&r);
	strict_fails("no Landlock, strict", 0, "the kernel has no Landlock");
	ok(strstr(writes(&a, "no Landlock, best effort"), "write=0\nwrite=0\n") != NULL,
	   "no Landlock, best effort: started unconfined, both writes done");
}

/* The user notification's answer: ABI 2, for as long as we live. */
static void *answer(void *arg)
{
	int fd;

	while ((fd = __atomic_load_n((int *)arg, __ATOMIC_ACQUIRE)) < 0)
		usleep(1000);
	for (;;) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = 2;
		ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

static int notify_version(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_landlock_create_ruleset, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, VERSION_FLAG, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		tap_bail("no_new_privs: %s", strerror(errno));
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static void abi_2(void *arg)
{
	static int fd;
	pthread_t t;
	CX_ATTR(a, .landlock_rules = rule, .nlandlock_rules = 2, .landlock_handled = ALL);

	(void)arg;
	/* The answering thread first: the filter is this thread's alone. */
	fd = -1;
	if (pthread_create(&t, NULL, answer, &fd) != 0)
		tap_bail("pthread_create");
	__atomic_store_n(&fd, notify_version(), __ATOMIC_RELEASE);
	if (fd < 0) {
		lt_skip("ABI 2", "no seccomp user notification here: %s", strerror(errno));
		return;
	}
	is_int(syscall(SYS_landlock_create_ruleset, NULL, 0, VERSION_FLAG), 2,
	       "the filter: this thread sees ABI 2");
	strict_fails("ABI 2, strict, truncate handled", ALL,
		     "Landlock right truncate needs ABI 3, the kernel has 2");
	ok(strstr(writes(&a, "ABI 2, best effort"), "write=0\nwrite=13\n") != NULL,
	   "ABI 2, best effort: confined with the rights ABI 2 has (write outside: EACCES)");
}

int main(void)
{
	if (geteuid() != 0)
		tap_skip_all("needs root");
	if (lt_on_valgrind())
		tap_skip_all("valgrind does not know the Landlock system calls");
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, VERSION_FLAG) < 1)
		tap_skip_all("the kernel has no Landlock (or it is disabled)");
	snprintf(in, sizeof(in), "/tmp/cx-lla-in-%d", (int)getpid());
	snprintf(outside, sizeof(outside), "/tmp/cx-lla-out-%d", (int)getpid());
	if (mkdir(in, 0777) < 0 || mkdir(outside, 0777) < 0)
		tap_bail("mkdir: %s", strerror(errno));
	/* Each in a fresh process: the library keeps the ABI it learned. */
	lt_sub("no Landlock", no_landlock, NULL);
	lt_sub("ABI 2", abi_2, NULL);
	{
		char f[128];

		snprintf(f, sizeof(f), "%s/f", in);
		unlink(f);
		snprintf(f, sizeof(f), "%s/f", outside);
		unlink(f);
		rmdir(in);
		rmdir(outside);
	}
	return tap_done();
}
