/* SPDX-License-Identifier: MIT */
/*
 * The plan: what the parent compiles from the attributes and the child
 * executes. The child only reads it, except for the report, which is how an
 * error travels back when memory is shared.
 */
#ifndef CX_INTERNAL_H
#define CX_INTERNAL_H

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>

#include "clonexec.h"
#include "sys.h"

/* Who runs an op: the parent's ops are listed (cx_explain, errors) but the
 * child skips them. */
enum cx_who {
	CX_CHILD = 0,
	CX_PARENT = 1,
};

struct cx_op {
	uint8_t step;      /* enum cx_step */
	uint8_t who;       /* enum cx_who */
	int a;             /* an fd, id, resource, signal, cap or count */
	int b;
	long c;
	const void *p;     /* a path, a list, a text */
	const void *q;
};

/* How the child comes to exist. */
enum cx_mode {
	/* CLONE_VM|CLONE_VFORK on a stack in the parent's frame: the parent
	 * sleeps until the child has exec'd or exited. */
	CX_MODE_VFORK,
	/* CLONE_VM|CLONE_CHILD_CLEARTID without CLONE_VFORK: the parent writes
	 * the id maps while the child waits on a futex, then sleeps on the tid
	 * word the kernel clears at the child's exec or exit. */
	CX_MODE_VM_WAIT,
	/* A copied address space (fork): only where CLONE_VM cannot be used
	 * (valgrind turns CLONE_VM into a fork); errors travel by pipe. */
	CX_MODE_COPY,
};

#define CX_MAP_TEXT_MAX 4096
#define CX_OPS_INLINE 48

struct cx_report {
	int32_t index;     /* failing op, or -1 */
	int32_t error;     /* positive errno */
};

struct cx_plan {
	const char *path;          /* what execve gets */
	char path_buf[PATH_MAX];   /* the PATH search's result */
	char *const *argv;
	char *const *envp;
	struct cx_attr attr;       /* the caller's, size-normalized */

	uint64_t clone_flags;      /* namespace flags for clone */
	enum cx_mode mode;
	int clone3_only;           /* cgroup or time namespace: no fallback */
	int parent_maps;           /* the parent writes /proc/PID/{uid,gid}_map */
	int child_maps;            /* the child writes its own, right after clone */
	int ctty_parent_fd;        /* ctty_fd before the fd plan runs */
	int nofile_final;          /* RLIMIT_NOFILE is set again after the fd plan */
	int fd_free;               /* fds below are the fd plan's targets */

	char uid_map_text[CX_MAP_TEXT_MAX];
	char gid_map_text[CX_MAP_TEXT_MAX];
	int uid_map_len, gid_map_len;

	struct cx_rlimit64 *rlim;  /* values for the setrlimit ops */
	int *fd_scratch;           /* where the child parked fd plan sources */

	struct cx_op *ops;
	int nops, cap_ops;
	int clone_op;              /* index of the clone op */
	struct cx_op ops_inline[CX_OPS_INLINE];
	void *heap;                /* one allocation for what did not fit inline */

	/* Filled in just before the clone; read by the child. */
	uint64_t child_sigmask;    /* the mask the child ends with */
	uint64_t child_sigdefault; /* signals reset to SIG_DFL even if ignored */
	int sighand_cleared;       /* the kernel reset handlers (CLONE_CLEAR_SIGHAND) */
	int parent_pidfd;          /* for the parent-death check, or -1 */
	int parent_pid;            /* for the getppid() check when no pidfd */
	int report_fd;             /* CX_MODE_COPY: the error pipe */
	int go_fd;                 /* CX_MODE_COPY with parent maps: wait pipe */
	int parent_ends[2];        /* CX_MODE_COPY: the parent's pipe ends, which the
				    * child's copy closes or it never sees EOF */

	/* Shared with the child. */
	volatile uint32_t go;      /* 0 wait, 1 go on, 2 give up */
	volatile int32_t child_tid;
	struct cx_report report;
};

/* check.c: the attributes are valid, or *err says why not. */
int cx_check(const char *path, char *const argv[], const struct cx_attr *attr,
	     struct cx_attr *ret_attr, struct cx_error *err);

enum cx_maps_self {
	CX_MAPS_NOT_OWN_UID = 1,
	CX_MAPS_NOT_OWN_GID,
	CX_MAPS_SETGROUPS_ALLOWED,
};
int cx_maps_self_writable(const struct cx_attr *attr);

/* plan.c */
int cx_plan_compile(struct cx_plan *plan, const char *path, int search, char *const argv[],
		    char *const envp[], const struct cx_attr *attr, struct cx_error *err);
void cx_plan_release(struct cx_plan *plan);
/* Append a zeroed op (the array is sized for the worst case). */
struct cx_op *cx_plan_add(struct cx_plan *plan, int step, int who);

/* fdplan.c: append the ops that turn the caller's fds into files[]. */
int cx_fdplan_count(const struct cx_attr *attr);
void cx_fdplan_compile(struct cx_plan *plan, int *scratch);

/* child.c: runs in the child; returns only on failure (the exit code). */
int cx_child_main(void *plan);

/* describe.c */
void cx_op_object(const struct cx_plan *plan, const struct cx_op *op, char *buf, size_t len);
void cx_error_vset(struct cx_error *err, int step, int error, int index, const char *fmt,
		   va_list ap) __attribute__((format(printf, 5, 0)));
void cx_error_set(struct cx_error *err, int step, int error, int index, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void cx_error_from_op(struct cx_error *err, const struct cx_plan *plan, int index, int error);
const char *cx_signal_name(int sig);
int cx_describe_plan(const struct cx_plan *plan, cx_explain_fn fn, void *userdata);

/* lookup.c */
int cx_lookup(const char *file, const struct cx_attr *attr, char *buf, size_t len,
	      struct cx_error *err);

/* spawn.c */
int cx_clone3_known_missing(void);

/* Set when running under valgrind, which cannot follow CLONE_VM children. */
int cx_on_valgrind(void);

#define CX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
