/* SPDX-License-Identifier: MIT */
/*
 * The parent side of a spawn: block signals, clone, write the id maps if
 * the child waits for them, learn whether the exec happened, and leave
 * nothing behind on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "process.h"

/* The child's stack lives in this frame: the parent cannot return from it
 * before the child has exec'd or exited, and each spawning thread has its
 * own, so spawns need no lock and no allocation. The child's deepest path
 * (close other fds without close_range: its 1 KiB getdents buffer) stays
 * near 1.5 KiB; the Makefile holds every child function to 2 KiB. */
#define CX_CHILD_STACK (16 * 1024)

/* spawn_run: spawn again, by copy. */
#define CX_SPAWN_AGAIN 1

static long clone_legacy(struct cx_plan *plan, uint64_t flags, char *stack, int *pidfd)
{
	void *top = stack ? stack + CX_CHILD_STACK : NULL;
	long pid;

	plan->sighand_cleared = 0;
	plan->ops[plan->clone_op].step = CX_STEP_CLONE;
	pid = cx_arch_clone(flags | CX_CLONE_PIDFD | SIGCHLD, top, pidfd,
			    (int *)&plan->child_tid, cx_child_main, plan);
	if (pid == -EINVAL) /* before Linux 5.2 */
		pid = cx_arch_clone(flags | SIGCHLD, top, NULL, (int *)&plan->child_tid,
				    cx_child_main, plan);
	return pid;
}

static long clone_child(struct cx_plan *plan, char *stack, int *pidfd)
{
	const struct cx_attr *a = &plan->attr;
	uint64_t flags = plan->clone_flags;
	struct cx_clone_args args;
	long pid;

	if (plan->mode == CX_MODE_VFORK)
		flags |= CLONE_VM | CLONE_VFORK;
	else if (plan->mode == CX_MODE_VM_WAIT)
		flags |= CLONE_VM | CLONE_CHILD_CLEARTID;
	else
		stack = NULL;
	plan->child_tid = -1;
	/* Not with pipes: the first spawn may be a fork in disguise. */
	plan->files_shared = plan->files_op >= 0 && !plan->pipes;
	if (plan->files_shared)
		flags |= CLONE_FILES;
	if (!cx_feature(CX_FEAT_CLONE3) && !plan->clone3_only)
		return clone_legacy(plan, flags, stack, pidfd);

	memset(&args, 0, sizeof(args));
	args.flags = flags | CX_CLONE_PIDFD | CX_CLONE_CLEAR_SIGHAND;
	args.pidfd = (uintptr_t)pidfd;
	args.child_tid = (uintptr_t)&plan->child_tid;
	args.exit_signal = SIGCHLD;
	if (stack) {
		args.stack = (uintptr_t)stack;
		args.stack_size = CX_CHILD_STACK;
	}
	if (a->flags & CX_ATTR_CGROUP) {
		args.flags |= CX_CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)a->cgroup_fd;
	}
	plan->sighand_cleared = 1;
	plan->ops[plan->clone_op].step = CX_STEP_CLONE3;
	pid = cx_arch_clone3(&args, sizeof(args), cx_child_main, plan);
	if (pid == -EINVAL) {
		/* Linux 5.3-5.4 have clone3 without CLONE_CLEAR_SIGHAND. */
		args.flags &= ~CX_CLONE_CLEAR_SIGHAND;
		plan->sighand_cleared = 0;
		pid = cx_arch_clone3(&args, sizeof(args), cx_child_main, plan);
	}
	if (pid != -ENOSYS || plan->clone3_only)
		return pid;
	cx_feature_missing(CX_FEAT_CLONE3);
	return clone_legacy(plan, flags, stack, pidfd);
}

static int op_index(const struct cx_plan *plan, int step, int who)
{
	for (int i = 0; i < plan->nops; i++)
		if (plan->ops[i].step == step && plan->ops[i].who == who)
			return i;
	return -1;
}

static int write_proc(pid_t pid, const struct cx_op *op)
{
	const char *name = strrchr(op->write.path, '/') + 1;
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, op->write.text, (size_t)op->write.len);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n >= 0 && n != op->write.len)
		return -EIO;
	return n < 0 ? (int)n : 0;
}

/* The child waits in WAIT_MAPS; write its maps from outside. */
static int write_maps(struct cx_plan *plan, pid_t pid, int *ret_index)
{
	for (int i = plan->clone_op + 1; i < plan->nops && plan->ops[i].who == CX_PARENT; i++) {
		int r = write_proc(pid, &plan->ops[i]);

		if (r < 0) {
			*ret_index = i;
			return r;
		}
	}
	return 0;
}

/* go_fd: our end of the go socket when the byte travels by socket. A child
 * that died first must not earn us a SIGPIPE (pending under the blocked
 * mask, it would kill the caller when the mask is restored): MSG_NOSIGNAL. */
static void let_child_go(struct cx_plan *plan, int *go_fd, int ok)
{
	if (plan->pipes) {
		char go = 1;

		if (ok)
			send(*go_fd, &go, 1, MSG_NOSIGNAL);
		close(*go_fd);
		*go_fd = -1;
		return;
	}
	__atomic_store_n(&plan->go, ok ? 1 : 2, __ATOMIC_RELEASE);
	cx_sys3(SYS_futex, &plan->go, CX_FUTEX_WAKE, 1);
}

/* Has the child ended (exited, killed)? Leaves it for reap() or the caller. */
static int child_ended(pid_t pid, int pidfd)
{
	siginfo_t si;
	long r = -EINVAL;

	memset(&si, 0, sizeof(si));
	if (pidfd >= 0)
		r = cx_sys5(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED | WNOHANG | WNOWAIT | __WALL, 0);
	if (r == -EINVAL)
		r = cx_sys5(SYS_waitid, P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT | __WALL, 0);
	return r < 0 || si.si_pid != 0;
}

/* Sleep until the child has exec'd or exited: the kernel clears child_tid
 * and wakes us at either (CLONE_CHILD_CLEARTID on a shared mm). Older
 * kernels leave it set for a child killed by a signal or dumping core, so
 * wake at every tick and ask whether the child is still there. */
void cx_wait_exec(struct cx_plan *plan, pid_t pid, int pidfd)
{
	struct timespec tick = { 0, CX_WAIT_EXEC_TICK_MS * 1000000L };
	int32_t v;

	while ((v = __atomic_load_n(&plan->child_tid, __ATOMIC_ACQUIRE)) != 0) {
		long r = cx_sys4(SYS_futex, &plan->child_tid, CX_FUTEX_WAIT, v, &tick);

		if (r == -ETIMEDOUT && child_ended(pid, pidfd))
			return;
	}
}

static void read_report(struct cx_plan *plan, int fd)
{
	struct cx_report rep;
	ssize_t n;

	for (;;) {
		do
			n = read(fd, &rep, sizeof(rep));
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(rep))
			return;
		/* Issue 10: FORK_PROGRAM's pid comes first; the program's own
		 * report, if any, after it. */
		if (rep.index != CX_REPORT_PROGRAM) {
			plan->report = rep;
			return;
		}
		plan->program_pid = rep.error;
	}
}

/* By the pidfd when there is one: it names this child and no other, and
 * works where waitid(P_PID) is filtered (Linux 5.2-5.3 know no P_PIDFD). */
static void reap(pid_t pid, int pidfd)
{
	siginfo_t si;
	long r;

	do {
		r = -EINVAL;
		if (pidfd >= 0)
			r = cx_sys5(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED | __WALL, 0);
		if (r == -EINVAL)
			r = cx_sys5(SYS_waitid, P_PID, pid, &si, WEXITED | __WALL, 0);
	} while (r == -EINTR);
}

/* Errors travel by pipe, and the go byte by socket, in the copy mode and
 * at the first spawn of a process that would share memory: CLONE_VM may be
 * emulated by a fork (qemu-user, valgrind without valgrind.h), which this
 * spawn finds out, and its report must arrive all the same. */
static int open_pipes(struct cx_plan *plan, int rep[2], int go[2], struct cx_error *err)
{
	rep[0] = rep[1] = go[0] = go[1] = -1;
	plan->vm_check = plan->mode != CX_MODE_COPY && !cx_feature(CX_FEAT_VM_SHARED_SEEN);
	plan->pipes = plan->mode == CX_MODE_COPY || plan->vm_check;
	plan->child_seen = 0;
	if (!plan->pipes)
		return 0;
	if (pipe2(rep, O_CLOEXEC) < 0 ||
	    (plan->parent_maps && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0)) {
		int e = errno;

		if (rep[0] >= 0) {
			close(rep[0]);
			close(rep[1]);
		}
		cx_error_set(err, CX_STEP_PREPARE, e, 0, "error pipe");
		return -e;
	}
	plan->report_fd = rep[1];
	plan->go_fd = go[0];
	plan->parent_ends[0] = rep[0];
	plan->parent_ends[1] = go[1];
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* After the clone returned pid: maps, then wait for exec or failure.
 * Returns the parent's own failure (op index in *ret_index) or 0. */
static int follow_child(struct cx_plan *plan, pid_t pid, int pidfd, int rep[2], int go[2],
			int *ret_index)
{
	int r = 0;

	if (plan->pipes) {
		close_fd(&rep[1]);
		close_fd(&go[0]);
	}
	if (plan->parent_maps) {
		r = write_maps(plan, pid, ret_index);
		let_child_go(plan, &go[1], r == 0);
	}
	if (plan->pipes)
		read_report(plan, rep[0]);
	if (plan->vm_check) {
		/* The report came by pipe (or EOF at the exec) either way; the
		 * child's first store tells whether it was in our memory. */
		if (__atomic_load_n(&plan->child_seen, __ATOMIC_ACQUIRE))
			cx_feature_found(CX_FEAT_VM_SHARED_SEEN);
		else
			cx_feature_missing(CX_FEAT_VM_SHARED);
	}
	/* EOF on the pipe came at the exec; the tid word at the mm's release. */
	if (plan->mode == CX_MODE_VM_WAIT && (!plan->vm_check || plan->child_seen))
		cx_wait_exec(plan, pid, pidfd);
	return r;
}

static long pidfd_open(pid_t pid)
{
	if (!cx_feature(CX_FEAT_PIDFD_OPEN))
		return -ENOSYS;
	return cx_sys2(SYS_pidfd_open, pid, 0);
}

static int open_parent_pidfd(struct cx_plan *plan, struct cx_error *err)
{
	long fd;

	if (!plan->attr.pdeathsig)
		return 0;
	plan->parent_pid = getpid();
	if (!(plan->attr.cloneflags & CX_NEWPID))
		return 0;
	fd = pidfd_open(plan->parent_pid);
	if (fd >= 0) {
		plan->parent_pidfd = (int)fd;
		return 0;
	}
	if (fd == -ENOSYS) /* before Linux 5.3: getppid() it is */
		return 0;
	cx_error_from_op(err, plan, op_index(plan, CX_STEP_OPEN_PARENT_PIDFD, CX_PARENT), (int)-fd);
	return (int)fd;
}

/* A pidfd the clone did not give: ask for one (the child is ours and not
 * reaped, so the pid cannot have been reused). */
static int ensure_pidfd(struct cx_plan *plan, pid_t pid, int *pidfd)
{
	long fd;

	if (*pidfd >= 0)
		return 0;
	fd = pidfd_open(pid);
	if (fd >= 0) {
		*pidfd = (int)fd;
		return 0;
	}
	if (plan->attr.flags & CX_ATTR_REQUIRE_PIDFD)
		return (int)fd;
	return 0;
}

static int spawn_run(struct cx_plan *plan, struct cx_process *proc, struct cx_error *err)
{
	char stack[CX_CHILD_STACK] __attribute__((aligned(64)));
	uint64_t all = ~0ULL, saved;
	int rep[2], go[2], pidfd = -1, index = -1, r;
	long pid;

	r = open_parent_pidfd(plan, err);
	if (r < 0)
		return r;
	r = open_pipes(plan, rep, go, err);
	if (r < 0) {
		close_fd(&plan->parent_pidfd);
		return r;
	}
	/* Every signal, glibc's internal ones too: no handler may run in the
	 * child before it has reset them. */
	cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &all, &saved, CX_KSIGSET_SIZE);
	if (!(plan->attr.flags & CX_ATTR_SIGMASK))
		plan->child_sigmask = saved;

	/* Issue 10: the program made in a joined PID namespace (FORK_PROGRAM)
	 * runs on the low half of the stack, under the child's frames. */
	plan->join_stack = stack + CX_CHILD_STACK / 2;
	pid = clone_child(plan, stack, &pidfd);
	if (pid == -EINVAL && plan->vm_check && plan->mode == CX_MODE_VM_WAIT) {
		/* qemu-user takes CLONE_VM without CLONE_VFORK only for threads:
		 * try again by copy (a kernel refusing more will refuse again). */
		plan->mode = CX_MODE_COPY;
		plan->vm_retry = 1;
		r = CX_SPAWN_AGAIN;
		goto out;
	}
	if (pid < 0) {
		r = (int)pid;
		cx_error_from_op(err, plan, plan->clone_op, -r);
		goto out;
	}
	r = follow_child(plan, (pid_t)pid, pidfd, rep, go, &index);
	if (plan->program_pid > 0) {
		/* Issue 10: the child made the program, a child of ours too, and
		 * exited: the program is the process from here on. */
		reap((pid_t)pid, pidfd);
		close_fd(&pidfd);
		pid = plan->program_pid;
	}
	if (r < 0) {
		cx_error_from_op(err, plan, index, -r);
	} else if (plan->report.index >= 0) {
		const struct cx_op *op = &plan->ops[plan->report.index];

		r = -plan->report.error;
		cx_error_from_op(err, plan, plan->report.index, plan->report.error);
		if (op->step == CX_STEP_EXECVE && plan->report.detail >= 0 &&
		    (unsigned int)plan->report.detail < op->exec.nlist)
			snprintf(err->object, sizeof(err->object), "%s",
				 op->exec.list[plan->report.detail]);
	} else if ((r = ensure_pidfd(plan, (pid_t)pid, &pidfd)) < 0) {
		cx_error_set(err, CX_STEP_PIDFD_OPEN, -r, 0, "pid %ld", pid);
		cx_sys2(SYS_kill, pid, SIGKILL);
	}
	if (r < 0) {
		reap((pid_t)pid, pidfd);
		close_fd(&pidfd);
	}
out:
	cx_sys4(SYS_rt_sigprocmask, SIG_SETMASK, &saved, NULL, CX_KSIGSET_SIZE);
	close_fd(&rep[0]);
	close_fd(&rep[1]);
	close_fd(&go[0]);
	close_fd(&go[1]);
	close_fd(&plan->parent_pidfd);
	if (r != 0)
		return r;
	if (plan->vm_retry)
		cx_feature_missing(CX_FEAT_VM_SHARED);
	proc->pid = (pid_t)pid;
	proc->pidfd = pidfd;
	return 0;
}

static int spawn_uncancelled(const char *path, int search, char *const argv[],
			     char *const envp[], const struct cx_attr *attr,
			     struct cx_process **ret_process, struct cx_error *err)
{
	struct cx_process *proc;
	struct cx_plan plan;
	int r;

	r = cx_plan_compile(&plan, path, search ? CX_PLAN_SEARCH : 0, argv, envp, attr, err);
	if (r < 0)
		return r;
	if (!ret_process) {
		cx_plan_release(&plan);
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "ret_process is NULL");
		return -EINVAL;
	}
	proc = cx_process_new();
	if (!proc) {
		cx_plan_release(&plan);
		cx_error_set(err, CX_STEP_PREPARE, ENOMEM, 0, "process handle");
		return -ENOMEM;
	}
	r = cx_cgroup_setup(&plan, proc, err);
	if (r == 0) {
		r = spawn_run(&plan, proc, err);
		if (r == CX_SPAWN_AGAIN)
			r = spawn_run(&plan, proc, err);
		if (r < 0)
			cx_userns_why(&plan, err); /* issue 10: why a user namespace was refused */
	}
	cx_plan_release(&plan);
	if (r < 0) {
		cx_cgroup_discard(proc);
		free(proc);
		return r;
	}
	*ret_process = proc;
	return 0;
}

static int spawn(const char *path, int search, char *const argv[], char *const envp[],
		 const struct cx_attr *attr, struct cx_process **ret_process,
		 struct cx_error *ret_error)
{
	struct cx_error scratch;
	int r, state;

	/* No cancellation point may end the call halfway (a child asleep on
	 * this frame, a handle lost after the exec): glibc and musl disable it
	 * in posix_spawn too. A pending request acts at the caller's next
	 * cancellation point. */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &state);
	r = spawn_uncancelled(path, search, argv, envp, attr, ret_process,
			      ret_error ? ret_error : &scratch);
	pthread_setcancelstate(state, NULL);
	return r;
}

int cx_spawn(const char *path, char *const argv[], char *const envp[], const struct cx_attr *attr,
	     struct cx_process **ret_process, struct cx_error *ret_error)
{
	return spawn(path, 0, argv, envp, attr, ret_process, ret_error);
}

int cx_spawnp(const char *file, char *const argv[], char *const envp[],
	      const struct cx_attr *attr, struct cx_process **ret_process,
	      struct cx_error *ret_error)
{
	return spawn(file, 1, argv, envp, attr, ret_process, ret_error);
}

int cx_explain(const char *path, char *const argv[], char *const envp[],
	       const struct cx_attr *attr, unsigned int flags, cx_explain_fn fn, void *userdata,
	       struct cx_error *ret_error)
{
	struct cx_error scratch, *err = ret_error ? ret_error : &scratch;
	struct cx_plan plan;
	int r;

	if (!fn || (flags & ~(unsigned int)(CX_EXPLAIN_SEARCH_PATH | CX_EXPLAIN_IN_PLACE))) {
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, fn ? "unknown flags" : "fn is NULL");
		return -EINVAL;
	}
	r = cx_plan_compile(&plan, path,
			    ((flags & CX_EXPLAIN_SEARCH_PATH) ? CX_PLAN_SEARCH : 0) |
			    ((flags & CX_EXPLAIN_IN_PLACE) ? CX_PLAN_IN_PLACE : 0),
			    argv, envp, attr, err);
	if (r < 0)
		return r;
	r = cx_describe_plan(&plan, fn, userdata);
	cx_plan_release(&plan);
	return r;
}
