/* SPDX-License-Identifier: MIT */
/*
 * A supervisor's loop: start many children, keep them in one epoll set by
 * their pidfds, and reap each one as it ends, with no SIGCHLD handler and
 * no waitpid(-1) that could steal another part of the program's children.
 *
 *   pidfd-epoll [N]    start N children (default 100) that sleep 0 to 0.3 s
 *                      (with /bin/sleep), reap them all, print the tally.
 *
 * Points of the pattern:
 *  - a pidfd becomes readable (EPOLLIN) once its process has ended;
 *  - cx_process_wait(p, 0, ...) then collects the status without blocking;
 *  - cx_process_release closes the pidfd, which also takes it out of the
 *    epoll set (the set holds no reference of its own);
 *  - every pidfd is an fd: raise RLIMIT_NOFILE's soft limit to the hard
 *    one before keeping thousands, and pass CX_ATTR_CLOSE_OTHER_FDS so the
 *    children do not inherit (and pay for) the table of pidfds.
 */
#include <clonexec.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

static int raise_nofile(long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= (rlim_t)need)
		return 0;
	if (rl.rlim_max < (rlim_t)need)
		return -1;
	rl.rlim_cur = (rlim_t)need;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

int main(int argc, char **argv)
{
	struct cx_attr attr = { .size = sizeof(attr), .flags = CX_ATTR_CLOSE_OTHER_FDS };
	long n = argc > 1 ? atol(argv[1]) : 100, running = 0, ok = 0;
	struct epoll_event ev, ready[64];
	int ep;

	if (n < 1 || raise_nofile(n + 16) < 0) {
		fprintf(stderr, "pidfd-epoll: cannot keep %ld pidfds open\n", n);
		return 1;
	}
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		perror("epoll_create1");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		char secs[16];
		char *args[] = { "sleep", secs, NULL };
		struct cx_process *p;
		struct cx_error err;
		char msg[256];

		snprintf(secs, sizeof(secs), "0.%03ld", (i * 37) % 300);
		if (cx_spawn("/bin/sleep", args, NULL, &attr, &p, &err) < 0) {
			cx_error_format(&err, msg, sizeof(msg));
			fprintf(stderr, "pidfd-epoll: %s\n", msg);
			break;
		}
		ev.events = EPOLLIN;
		ev.data.ptr = p;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cx_process_pidfd(p), &ev) < 0) {
			/* No pidfd (Linux < 5.3): a real program would wait for it
			 * some other way; here, wait for it now. */
			struct cx_status st;

			ok += cx_process_wait(p, -1, &st) == 0 && st.exited && !st.exit_code;
			cx_process_release(p);
			continue;
		}
		running++;
	}
	while (running > 0) {
		int k = epoll_wait(ep, ready, 64, -1);

		if (k < 0) {
			perror("epoll_wait");
			return 1;
		}
		for (int i = 0; i < k; i++) {
			struct cx_process *p = ready[i].data.ptr;
			struct cx_status st;

			if (cx_process_wait(p, 0, &st) < 0)
				continue; /* not ended after all: stays in the set */
			ok += st.exited && st.exit_code == 0;
			cx_process_release(p);
			running--;
		}
	}
	close(ep);
	printf("pidfd-epoll: %ld children started, %ld exited with status 0\n", n, ok);
	return ok == n ? 0 : 1;
}
