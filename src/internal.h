/* SPDX-License-Identifier: MIT */
/*
 * The plan: what the parent compiles from the attributes and the child
 * executes. The child only reads it, except for the report, which is how an
 * error travels back when memory is shared.
 *
 * Adding a step: a value at the end of enum cx_step (include/clonexec.h),
 * its payload below (a small struct, a member of the union in struct
 * cx_op), its line in src/steps.c (name and describer), its runner in
 * src/child/ (listed in src/child/run.c), and the ops that use it in the
 * concern's compile file, called in order from src/plan.c.
 */
#ifndef CX_INTERNAL_H
#define CX_INTERNAL_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "clonexec.h"
#include "feature.h"
#include "sys.h"

/* ---- struct cx_attr's size (see check.c) ---- */
#define cx_offsetofend(type, member) (offsetof(type, member) + sizeof(((type *)0)->member))
/* What 0.1 callers pass: the end of its last field, nrlimits (sizeof was 408
 * on LP64 with its tail padding, which a later field may take). */
#define CX_ATTR_SIZE_VER0 404
/* The last field of struct cx_attr this library knows; a field appended to
 * the struct is named here, and nowhere else. */
#define CX_ATTR_LAST_FIELD domainname
#define CX_ATTR_SIZE_KNOWN cx_offsetofend(struct cx_attr, CX_ATTR_LAST_FIELD)

/* Who runs an op: the parent's ops are listed (cx_explain, errors) but the
 * child skips them. */
enum cx_who {
	CX_CHILD = 0,
	CX_PARENT = 1,
};

/* ---- Payloads: one per kind of step (the step names the member). ---- */

/* CLONE3, CLONE */
struct cx_op_clone {
	uint64_t ns;        /* CLONE_NEW* flags */
	int cgroup_fd;      /* CLONE_INTO_CGROUP target, or -1 */
};

/* WRITE_UID_MAP, WRITE_SETGROUPS, WRITE_GID_MAP: a whole file in one write */
struct cx_op_write {
	const char *path;   /* /proc/self/...; the parent writes /proc/PID/<basename> */
	const char *text;
	int len;
};

/* UNSHARE */
struct cx_op_unshare {
	uint64_t ns;
};

/* CHROOT, CHDIR */
struct cx_op_path {
	const char *path;
};

/* SETRLIMIT */
struct cx_op_rlimit {
	int resource;
	const struct cx_rlimit64 *value;
};

/* SETGROUPS */
struct cx_op_groups {
	unsigned int count;
	const gid_t *list;
};

/* SETUID, SETGID */
struct cx_op_id {
	unsigned int id;
};

/* CAPSET: permitted and inheritable gain these (for the ambient raise) */
struct cx_op_capset {
	uint64_t add;
};

/* AMBIENT */
struct cx_op_cap {
	int cap;
};

/* PDEATHSIG */
struct cx_op_pdeathsig {
	int sig;
	int check_ppid;       /* without a parent pidfd, getppid() tells */
	int kills_by_default; /* else exit_group(128+sig) ourselves */
};

/* UMASK */
struct cx_op_umask {
	unsigned int mask;
};

/* SETPGID */
struct cx_op_pgid {
	int pgid;           /* 0: a new group led by the child */
};

/* FOREGROUND */
struct cx_op_foreground {
	int fd;             /* the terminal, before the fd plan */
	int pgid;           /* 0: the child's own */
};

/* KEEP_FD, CLOSE_FD, NOCTTY, SETCTTY */
struct cx_op_fd {
	int fd;
};

/* UNSHARE_FILES (issue 14): the child's own table, of the fds below this
 * (fdplan.c finds the highest fd a later step reads; a step that reads a
 * caller's fd must be known there). */
struct cx_op_unshare_files {
	int below;
};

/* CLOSE_OTHERS */
struct cx_op_close_others {
	int from;           /* close from here up, except the copy mode's report pipe */
};

/* DUP: park a source on the lowest free fd from `above` (to < 0), or place
 * one on its target, reading a parked source from where it was parked. */
struct cx_op_dup {
	int from;
	int to;             /* -1: park */
	int above;          /* park: lowest fd to use */
	int *parked_at;     /* park: where the child notes the fd it got */
	const int *parked;  /* place: the parked copy to read, or NULL: from */
};

/* JOIN_CGROUP (cx_exec) */
struct cx_op_join_cgroup {
	int fd;             /* the cgroup v2 directory */
};

/* EXECVE: path, or the candidates in order (execvp's rule) */
struct cx_op_exec {
	const char *path;
	char *const *argv;
	const char *const *list;
	unsigned int nlist;
};

/* 0.2, issue 10: join and confine */
/* SETNS: setns(fd, ns); fd is a pidfd (ns: the types) or a namespace fd */
struct cx_op_setns {
	int fd;
	int is_pidfd;
	uint64_t ns;
};

/* SECUREBITS, BOUNDING (the set to keep) */
struct cx_op_bits {
	uint64_t bits;
	int last;            /* BOUNDING: the kernel's last capability */
};

/* CAP_SETS */
struct cx_op_capsets {
	uint64_t keep;       /* effective and permitted: what is left of them */
	uint64_t inheritable;
	uint8_t set_keep, set_inheritable;
};

/* SECCOMP: laid out as the kernel's struct sock_fprog */
struct cx_op_seccomp {
	unsigned short len;
	const struct cx_sock_filter *filter;
};

/* LANDLOCK_RULESET (parent) */
struct cx_op_ruleset {
	unsigned int nrules;
	uint64_t handled;
	int abi;
};

/* 0.2, issue 11: resources and time (resources.c, cgroup.c) */
/* NICE */
struct cx_op_nice {
	int nice;
};

/* SCHED: what goes into the kernel's struct sched_attr */
struct cx_op_sched {
	int policy;
	int priority;
	int nice;           /* kept: the child's nice value, CX_ATTR_NICE or the caller's */
	uint64_t flags;     /* SCHED_FLAG_RESET_ON_FORK */
};

/* CPUS */
struct cx_op_cpus {
	const unsigned long *mask;
	size_t size;        /* bytes */
};

/* IOPRIO */
struct cx_op_ioprio {
	int value;          /* class << 13 | level */
};

/* OOM_SCORE_ADJ: the text the child writes */
struct cx_op_oom {
	int value;
	int len;
	char text[12];
};

/* CGROUP_CREATE, CGROUP_LIMIT (the parent's, before the clone) */
struct cx_op_cgroup {
	const char *parent;     /* CREATE */
	const char *file;       /* LIMIT */
	const char *value;
};

/* 0.2, issue 9: the mount plan's ops (src/mount.c, src/child/mount.c). */
enum cx_mnt_flag {
	CX_MNT_TRY = 1 << 0,      /* skip when the source is missing */
	CX_MNT_MODE = 1 << 2,     /* chmod the target to mode */
	CX_MNT_LAST = 1 << 3,     /* in place: the last op, which closes the root fd */
	CX_MNT_IN_DEV = 1 << 4,   /* a piece of a DEV mount: its source is a device */
	CX_MNT_IN_ROOT = 1 << 5,  /* the source is the target itself (a proc's sys) */
};

/* OPEN_ROOT, NEW_ROOT, the binds and mounts, MKDIR, SYMLINK, REMOUNT_RO,
 * CHMOD, PIVOT_ROOT */
struct cx_op_mount {
	const char *source;   /* binds: host path; SYMLINK: the link text; mounts: fs type */
	const char *target;   /* relative to the root fd, normalized ("usr/lib"), "" for / */
	const char *shown;    /* the target as the caller wrote it, for messages */
	const char *data;     /* mount(2) data ("mode=0755,size=65536"), or NULL */
	unsigned int mode;
	unsigned int flags;   /* enum cx_mnt_flag */
	unsigned int index;   /* position in attr.mounts */
};

/* What the mount ops share in the child (the one child-written part of
 * the plan besides the report and the fd plan's scratch). */
#define CX_MNT_SUBMOUNTS 1024
struct cx_mnt_state {
	int root;             /* fd of the tree targets resolve in */
	int host;             /* fd of the caller's / (without openat2: chroot back) */
	int dev[6];           /* a DEV's host nodes, opened before its tmpfs */
	char path[PATH_MAX + 2]; /* a target's prefix while making its parents */
	/* Without mount_setattr: the submounts of a read-only bind, by id,
	 * and lines of /proc/self/mountinfo (child/remount.c). */
	int sub[CX_MNT_SUBMOUNTS];
	int nsub;
	char info[3 * PATH_MAX];
};

/* SETHOSTNAME, SETDOMAINNAME, and INIT (name unused) */
struct cx_op_name {
	const char *name;
	int len;
};

struct cx_op {
	uint8_t step;      /* enum cx_step: names the payload */
	uint8_t who;       /* enum cx_who */
	union {
		struct cx_op_clone clone;
		struct cx_op_write write;
		struct cx_op_unshare unshare;
		struct cx_op_path path;
		struct cx_op_rlimit rlimit;
		struct cx_op_groups groups;
		struct cx_op_id id;
		struct cx_op_capset capset;
		struct cx_op_cap cap;
		struct cx_op_pdeathsig pdeathsig;
		struct cx_op_umask umask;
		struct cx_op_pgid pgid;
		struct cx_op_foreground foreground;
		struct cx_op_fd fd;
		struct cx_op_close_others close_others;
		struct cx_op_unshare_files unshare_files;
		struct cx_op_dup dup;
		struct cx_op_exec exec;
		struct cx_op_join_cgroup join_cgroup;
		struct cx_op_setns setns;
		struct cx_op_bits bits;
		struct cx_op_capsets capsets;
		struct cx_op_seccomp seccomp;
		struct cx_op_ruleset ruleset;
		struct cx_op_nice nice;
		struct cx_op_sched sched;
		struct cx_op_cpus cpus;
		struct cx_op_ioprio ioprio;
		struct cx_op_oom oom;
		struct cx_op_cgroup cgroup;
		struct cx_op_mount mount;
		struct cx_op_name name;
	};
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
	/* No new process: cx_exec runs the child's ops itself. */
	CX_MODE_IN_PLACE,
};

#define CX_MAP_TEXT_MAX 4096
#define CX_REPORT_PROGRAM (-2) /* issue 10: a report that carries FORK_PROGRAM's pid */
#define CX_OPS_INLINE 48

struct cx_report {
	/* failing op, or -1; CX_REPORT_PROGRAM: error is the program's pid */
	int32_t index;
	int32_t error;     /* positive errno */
	int32_t detail;    /* EXECVE with candidates: the one that decided, or -1 */
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
	int files_op;              /* UNSHARE_FILES's index, or -1: the clone copies the table */

	char uid_map_text[CX_MAP_TEXT_MAX];
	char gid_map_text[CX_MAP_TEXT_MAX];
	int uid_map_len, gid_map_len;

	struct cx_rlimit64 *rlim;  /* values for the setrlimit ops */
	char **candidates;         /* cx_spawnp in a chroot: PATH entries + file */
	unsigned int ncandidates;
	int *fd_scratch;           /* where the child parked fd plan sources */
	char *mnt_strings;         /* the mount plan's normalized paths and data */
	struct cx_mnt_state *mnt;  /* written by the child's mount ops */
	int mnt_openat2;           /* targets resolve by openat2 (else in a chroot) */
	int mnt_setattr;           /* mount_setattr exists (recursive read-only) */

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
	int pipes;                 /* errors by pipe, go by socket (see spawn.c) */
	int vm_check;              /* this spawn checks that CLONE_VM shares memory */
	int vm_retry;              /* made again by copy: CLONE_VM was refused */
	int files_shared;          /* this clone has CLONE_FILES (not with pipes) */
	int report_fd;             /* pipes: the error pipe */
	int go_fd;                 /* pipes with parent maps: the go socket */
	int parent_ends[2];        /* CX_MODE_COPY: the parent's pipe ends, which the
				    * child's copy closes or it never sees EOF */

	/* 0.2, issue 10: join and confine */
	int landlock_fd;           /* the ruleset the child restricts itself with, or -1 */
	int landlock_owned;        /* made by cx_landlock_prepare: closed at release */
	char time_text[96];        /* /proc/self/timens_offsets */
	int time_len;
	char *join_stack;          /* FORK_PROGRAM: the program's stack top (mid borrowed stack) */
	volatile int32_t program_pid; /* FORK_PROGRAM: the program, a child of the caller */

	/* Shared with the child. */
	volatile uint32_t go;      /* 0 wait, 1 go on, 2 give up */
	volatile int32_t child_tid;
	volatile uint32_t child_seen; /* vm_check: set by the child first thing */
	struct cx_report report;
};

/* ---- check.c and the concerns' checks: the attributes are valid, or
 * *err says why not. ---- */
int cx_check(const char *path, char *const argv[], const struct cx_attr *attr,
	     struct cx_attr *ret_attr, struct cx_error *err);
int cx_check_fail(struct cx_error *err, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cx_fd_is_open(int fd);

enum cx_maps_self {
	CX_MAPS_NOT_OWN_UID = 1,
	CX_MAPS_NOT_OWN_GID,
	CX_MAPS_SETGROUPS_ALLOWED,
};
int cx_maps_self_writable(const struct cx_attr *attr);
int cx_check_namespaces(const struct cx_attr *a, struct cx_error *err);
int cx_check_credential(const struct cx_attr *a, struct cx_error *err);
int cx_check_rlimits(const struct cx_attr *a, struct cx_error *err);
int cx_check_files(const struct cx_attr *a, struct cx_error *err);
int cx_check_terminal(const struct cx_attr *a, struct cx_error *err);

/* mount.c: the filesystem view (issue 9) */
int cx_check_mounts(const struct cx_attr *a, struct cx_error *err);
void cx_mount_imply(struct cx_plan *plan);
int cx_mount_count(const struct cx_attr *a);
size_t cx_mount_storage(const struct cx_attr *a);
void cx_mount_add(struct cx_plan *plan);
void cx_mount_add_init(struct cx_plan *plan);

/* ---- plan.c: the spine ---- */
enum cx_plan_how {
	CX_PLAN_SEARCH = 1 << 0,   /* PATH search, as cx_spawnp */
	CX_PLAN_IN_PLACE = 1 << 1, /* for cx_exec */
};
int cx_plan_compile(struct cx_plan *plan, const char *path, unsigned int how,
		    char *const argv[], char *const envp[], const struct cx_attr *attr,
		    struct cx_error *err);
void cx_plan_release(struct cx_plan *plan);
/* Append a zeroed op (the array is sized for the worst case). */
struct cx_op *cx_plan_add(struct cx_plan *plan, int step, int who);
struct cx_op *cx_plan_child(struct cx_plan *plan, int step);

/* ---- The concerns: each appends its ops where plan.c calls it. ---- */
/* ns.c: namespaces and id maps */
int cx_ns_prepare(struct cx_plan *plan, struct cx_error *err);
void cx_ns_add_clone_parent(struct cx_plan *plan);
void cx_ns_add_clone_child(struct cx_plan *plan);
void cx_ns_add_unshare(struct cx_plan *plan);
/* cred.c: credentials and capabilities */
int cx_cred_count(const struct cx_attr *a);
/* Some id changes (CREDENTIAL, SET_UID, SET_GID, SET_GROUPS). */
int cx_cred_changes(const struct cx_attr *a);
void cx_cred_add_keepcaps(struct cx_plan *plan);
void cx_cred_add(struct cx_plan *plan);
void cx_cred_add_caps(struct cx_plan *plan);
/* limits.c: resource limits */
int cx_limits_count(const struct cx_attr *a);
size_t cx_limits_storage(const struct cx_attr *a);
void cx_limits_add(struct cx_plan *plan);
void cx_limits_add_fd_room(struct cx_plan *plan, uint64_t need);
void cx_limits_add_final(struct cx_plan *plan);
/* signals.c */
void cx_signals_add_pdeathsig(struct cx_plan *plan);
/* session.c: session, process group, terminal */
void cx_session_add_early(struct cx_plan *plan);
void cx_session_add_late(struct cx_plan *plan);
/* fdplan.c: the ops that turn the caller's fds into files[] */
int cx_fdplan_count(const struct cx_attr *attr);
void cx_fdplan_compile(struct cx_plan *plan, int *scratch);
void cx_fdplan_add_unshare(struct cx_plan *plan);
void cx_fdplan_finish_unshare(struct cx_plan *plan);

/* 0.2, issue 10: join and confine */
/* caps.c: bounding set, securebits, capability sets */
int cx_check_caps(const struct cx_attr *a, struct cx_error *err);
void cx_caps_add_early(struct cx_plan *plan);
void cx_caps_add_sets(struct cx_plan *plan);
/* seccomp.c */
int cx_check_seccomp(const struct cx_attr *a, struct cx_error *err);
void cx_seccomp_add(struct cx_plan *plan);
/* landlock.c */
int cx_check_landlock(const struct cx_attr *a, struct cx_error *err);
int cx_landlock_prepare(struct cx_plan *plan, struct cx_error *err);
void cx_landlock_add_parent(struct cx_plan *plan);
void cx_landlock_add(struct cx_plan *plan);
void cx_landlock_release(struct cx_plan *plan);
/* join.c: joining namespaces, time offsets */
int cx_check_join(const struct cx_attr *a, struct cx_error *err);
int cx_join_count(const struct cx_attr *a);
int cx_join_prepare(struct cx_plan *plan, struct cx_error *err);
void cx_join_add(struct cx_plan *plan);
/* The joins include a PID namespace (the program must be made in it). */
int cx_join_takes_pid(const struct cx_attr *a);
void cx_join_add_time(struct cx_plan *plan);
/* userns-why.c: after a failure, why the kernel refused a user namespace */
void cx_userns_why(const struct cx_plan *plan, struct cx_error *err);
/* 0.2, issue 11. resources.c: nice, scheduling, CPUs, I/O priority, OOM
 * score (child ops before the credential change); cgroup.c: the child's
 * own cgroup (parent ops before the clone). */
int cx_check_resources(const struct cx_attr *a, struct cx_error *err);
int cx_resources_count(const struct cx_attr *a);
void cx_resources_add(struct cx_plan *plan);
int cx_check_cgroup(const struct cx_attr *a, struct cx_error *err);
int cx_cgroup_count(const struct cx_attr *a);
void cx_cgroup_add(struct cx_plan *plan);
struct cx_process;
/* Create the cgroup and write its limits (the plan's parent ops); the
 * plan's clone then goes into it and the handle owns it. */
int cx_cgroup_setup(struct cx_plan *plan, struct cx_process *proc, struct cx_error *err);
/* A spawn that failed: remove the cgroup setup made. */
void cx_cgroup_discard(struct cx_process *proc);
/* ---- spawn.c ---- */
/* How often the parent-writes-maps wait checks that the child still lives. */
#define CX_WAIT_EXEC_TICK_MS 20
/* Until the child sharing our memory has exec'd or ended. */
void cx_wait_exec(struct cx_plan *plan, pid_t pid, int pidfd);

/* child/run.c: runs in the child; returns only on failure (the exit code). */
int cx_child_main(void *plan);
/* Run the child ops from index from on (FORK_PROGRAM's program). */
int cx_child_run_from(struct cx_plan *plan, int from);

/* ---- steps.c and describe.c: names and words ---- */
struct cx_buf {
	char *s;
	size_t len, used;
};
void cx_put(struct cx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cx_put_sigset(struct cx_buf *b, uint64_t set);
void cx_put_namespaces(struct cx_buf *b, uint64_t flags);

/* Describe an op's object; verbose adds what only an explanation needs. */
typedef void (*cx_describe_fn)(struct cx_buf *b, const struct cx_plan *plan,
			       const struct cx_op *op, int verbose);
struct cx_step_info {
	const char *name;          /* stable: cx_step_name() */
	cx_describe_fn describe;   /* NULL: the name says it all */
};
extern const struct cx_step_info cx_steps[CX_STEP_MAX_];

void cx_op_object(const struct cx_plan *plan, const struct cx_op *op, char *buf, size_t len);
void cx_error_vset(struct cx_error *err, int step, int error, int index, const char *fmt,
		   va_list ap) __attribute__((format(printf, 5, 0)));
void cx_error_set(struct cx_error *err, int step, int error, int index, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void cx_error_from_op(struct cx_error *err, const struct cx_plan *plan, int index, int error);
const char *cx_signal_name(int sig);
int cx_describe_plan(const struct cx_plan *plan, cx_explain_fn fn, void *userdata);

/* The concerns' describers (listed in steps.c). */
void cx_describe_clone(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_write(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_unshare(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_path(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_rlimit(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_groups(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_id(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_capset(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_cap(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_signals(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_sigmask(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_pdeathsig(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_umask(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_pgid(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_foreground(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_fd(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_close_others(struct cx_buf *, const struct cx_plan *, const struct cx_op *,
			      int);
void cx_describe_unshare_files(struct cx_buf *, const struct cx_plan *, const struct cx_op *,
			       int);
void cx_describe_dup(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_exec(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_root(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_setns(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_fork_program(struct cx_buf *, const struct cx_plan *, const struct cx_op *,
			      int);
void cx_describe_bits(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_capsets(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_seccomp(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_ruleset(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);

/* 0.2, issue 11: resources.c, cgroup.c */
void cx_describe_nice(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_cgroup(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_sched(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_cpus(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_ioprio(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_oom(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);

/* exec.c: what cannot be done without a new process */
int cx_check_in_place(const struct cx_attr *a, struct cx_error *err);
void cx_describe_join_cgroup(struct cx_buf *, const struct cx_plan *, const struct cx_op *,
			     int);
void cx_describe_mount(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);
void cx_describe_name(struct cx_buf *, const struct cx_plan *, const struct cx_op *, int);

/* lookup.c */
int cx_lookup(const char *file, const struct cx_attr *attr, char *buf, size_t len,
	      struct cx_error *err);
/* For the child's search: every PATH entry joined with file, in one
 * allocation (*ret_list, free() it). */
int cx_lookup_candidates(const char *file, char ***ret_list, unsigned int *ret_n,
			 struct cx_error *err);

#define CX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
