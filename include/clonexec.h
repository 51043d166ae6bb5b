/* SPDX-License-Identifier: MIT */
/*
 * libclonexec: start a program with any mix of what Linux offers a new
 * process (namespaces, id maps, credentials, capabilities, cgroup,
 * fds, terminal, signals, rlimits), at vfork cost, with errors that name
 * the step that failed.
 *
 * Conventions:
 *  - functions return 0 or a negative errno; output parameters come last
 *    (ret_*) and are untouched on failure, except struct cx_error, which is
 *    written exactly when a spawn fails;
 *  - struct cx_attr is size-versioned: set .size = sizeof(struct cx_attr)
 *    (CX_ATTR() or cx_attr_init() does it). A library older than the caller
 *    accepts a larger struct only if the bytes it does not know are zero
 *    (else -E2BIG); a newer one accepts every older size (0.1: 404 bytes
 *    on LP64, the end of nrlimits) and reads the fields it lacks as zero;
 *  - every fd the library opens is O_CLOEXEC.
 */
#ifndef CLONEXEC_H
#define CLONEXEC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CX_VERSION_MAJOR 0
#define CX_VERSION_MINOR 2
#define CX_VERSION_PATCH 0

#ifndef CX_EXPORT
#define CX_EXPORT __attribute__((visibility("default")))
#endif

/* One range of an id map: ids [inside, inside+count) in the new user
 * namespace are ids [outside, outside+count) in the parent's. */
struct cx_id_map {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

#define CX_RLIM_INFINITY UINT64_MAX

/* A resource limit for the child (prlimit semantics). */
struct cx_rlimit {
	int resource;   /* RLIMIT_* */
	uint64_t soft;  /* CX_RLIM_INFINITY: unlimited */
	uint64_t hard;
};

/* 0.2, issue 10: a namespace to join, as an fd (/proc/PID/ns/net,
 * /run/netns/NAME, a pidfd is not one) and its CX_NEW* type (0: any). */
struct cx_ns_fd {
	int fd;
	int reserved;
	uint64_t type;
};

/* One classic-BPF instruction, as the kernel's struct sock_filter. */
struct cx_sock_filter {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

/* A Landlock path rule: access (LANDLOCK_ACCESS_FS_* bits) beneath path;
 * rights that apply only to directories are dropped for a file. */
struct cx_landlock_rule {
	const char *path;
	uint64_t access;
};

/* Flags for cx_attr.flags. */
enum cx_attr_flag {
	/* Start a new session (setsid). */
	CX_ATTR_SETSID = 1ULL << 0,
	/* Put the child in process group pgid (0: a new group led by the child). */
	CX_ATTR_SETPGID = 1ULL << 1,
	/* Make the child's process group the foreground group of the terminal
	 * ctty_fd (implies SETPGID). The signal mask is restored only after it,
	 * so the child never sees SIGTTOU for it. Not with SETCTTY. */
	CX_ATTR_FOREGROUND = 1ULL << 2,
	/* Make ctty_fd the child's controlling terminal (TIOCSCTTY); needs
	 * SETSID. Not with FOREGROUND. */
	CX_ATTR_SETCTTY = 1ULL << 3,
	/* Give up the controlling terminal (TIOCNOTTY on ctty_fd). Not with
	 * SETSID, whose new session has none. */
	CX_ATTR_NOCTTY = 1ULL << 4,
	/* PTRACE_TRACEME just before execve: the caller becomes the tracer and
	 * the child stops with SIGTRAP after the exec. */
	CX_ATTR_PTRACE = 1ULL << 5,
	/* Change credentials to uid, gid and groups (setgroups, setresgid,
	 * setresuid): SET_GROUPS|SET_GID|SET_UID, or without SET_GROUPS with
	 * NO_SETGROUPS. */
	CX_ATTR_CREDENTIAL = 1ULL << 6,
	/* With CREDENTIAL: leave the supplementary groups as they are. */
	CX_ATTR_NO_SETGROUPS = 1ULL << 7,
	/* With a gid map: write "allow" to setgroups instead of "deny". An
	 * unprivileged caller's gid map needs "deny". */
	CX_ATTR_SETGROUPS_ALLOW = 1ULL << 8,
	/* Close every fd of the child except those of the fd plan (files), or
	 * except 0, 1 and 2 when there is no plan. */
	CX_ATTR_CLOSE_OTHER_FDS = 1ULL << 9,
	/* Do not make / MS_REC|MS_PRIVATE in a new mount namespace (by default
	 * it is, so the child's mounts never propagate back). */
	CX_ATTR_KEEP_PROPAGATION = 1ULL << 10,
	/* Start the child in the cgroup v2 directory cgroup_fd, atomically
	 * (clone3 CLONE_INTO_CGROUP). */
	CX_ATTR_CGROUP = 1ULL << 11,
	/* The child's signal mask is sigmask (default: the caller's mask). */
	CX_ATTR_SIGMASK = 1ULL << 12,
	/* Reset the signals in sigdefault to SIG_DFL, ignored ones included.
	 * Handlers are always reset; this also resets ignored signals. */
	CX_ATTR_SIGDEFAULT = 1ULL << 13,
	/* Fail with ENOSYS rather than fall back to a pid-only handle when the
	 * kernel cannot give a pidfd. */
	CX_ATTR_REQUIRE_PIDFD = 1ULL << 14,
	/* Set no_new_privs: execve never grants privileges (setuid bits, file
	 * capabilities). */
	CX_ATTR_NO_NEW_PRIVS = 1ULL << 15,
	/* The child's umask is umask. */
	CX_ATTR_UMASK = 1ULL << 16,

	/* 0.2: issue 8 */
	/* Change only the uid: real, effective and saved all become uid
	 * (setresuid semantics; what setuid does for a privileged caller). */
	CX_ATTR_SET_UID = 1ULL << 17,
	/* Change only the gid: real, effective and saved (setresgid). */
	CX_ATTR_SET_GID = 1ULL << 18,
	/* Set the supplementary groups to groups (ngroups may be 0). */
	CX_ATTR_SET_GROUPS = 1ULL << 19,
	/* chdir to dir before the credential change (CPython's order: a
	 * directory only the caller may enter) instead of after it (Go's
	 * order, the default: a directory the new user may enter). */
	CX_ATTR_CHDIR_FIRST = 1ULL << 20,
	/* 0.2, issue 10: join and confine (bits 30-39) */
	/* Join the namespaces join_ns of the process join_pidfd (a pidfd),
	 * in one setns(pidfd, join_ns) call, before any namespace is made. */
	CX_ATTR_JOIN_PIDFD = 1ULL << 30,
	/* Keep only cap_bounding in the bounding set (PR_CAPBSET_DROP the
	 * others, before the credential change). */
	CX_ATTR_CAP_BOUNDING = 1ULL << 31,
	/* The inheritable set is exactly cap_inheritable (after the
	 * credential change; ambient_caps must be part of it). */
	CX_ATTR_CAP_INHERITABLE = 1ULL << 32,
	/* The effective and permitted sets are cap_keep, from what the child
	 * has after the credential change (ambient_caps must be part of it).
	 * A uid 0 program gets its bounding set back at execve (unless
	 * SECBIT_NOROOT): drop that too (CX_ATTR_CAP_BOUNDING). */
	CX_ATTR_CAP_KEEP = 1ULL << 33,
	/* The securebits are securebits (PR_SET_SECUREBITS, before the
	 * credential change). */
	CX_ATTR_SECUREBITS = 1ULL << 34,
	/* landlock_fd is a Landlock ruleset fd to restrict the child with. */
	CX_ATTR_LANDLOCK_FD = 1ULL << 35,
	/* Landlock rights the kernel's ABI lacks are an error (default: best
	 * effort, they are left out, and no Landlock at all is no error). */
	CX_ATTR_LANDLOCK_STRICT = 1ULL << 36,
	/* 0.2, issue 11: resources (see "Resources and time" in cx_spawn(3)).
	 * These run before the credential change and before any unshare or
	 * chroot: raising a priority needs privilege (CAP_SYS_NICE,
	 * CAP_SYS_RESOURCE) in the initial user namespace, which the child
	 * has only until then. */
	/* The nice value is nice (-20..19; setpriority). */
	CX_ATTR_NICE = 1ULL << 40,
	/* The scheduling policy is sched_policy with sched_priority
	 * (sched_setattr); the nice value stays (or is nice with CX_ATTR_NICE). */
	CX_ATTR_SCHED = 1ULL << 41,
	/* With CX_ATTR_SCHED: SCHED_FLAG_RESET_ON_FORK (the child's children
	 * start with the default policy and a nice value of at least 0). */
	CX_ATTR_SCHED_RESET_ON_FORK = 1ULL << 42,
	/* The CPU affinity is the set cpus (cpus_size bytes). */
	CX_ATTR_CPUS = 1ULL << 43,
	/* The I/O priority is ioprio_class and ioprio_level (ioprio_set). */
	CX_ATTR_IOPRIO = 1ULL << 44,
	/* /proc/self/oom_score_adj is oom_score_adj (-1000..1000). */
	CX_ATTR_OOM_SCORE_ADJ = 1ULL << 45,
	/* 0.2, issue 9: filesystem view (bits 24-29) */
	/* Start from an empty root: a tmpfs that the mounts populate (their
	 * targets are paths inside it), made the child's / by pivot_root, the
	 * old root detached. Implies a new mount namespace. */
	CX_ATTR_NEW_ROOT = 1ULL << 24,
	/* With a new pid namespace made by clone: pid 1 is a minimal init (a
	 * copy of the caller, no exec) that forwards signals to the program,
	 * reaps orphans and exits with the program's status (128+N when a
	 * signal N killed it). The child is then a copy of the caller (fork),
	 * not CLONE_VM. Not with PTRACE. */
	CX_ATTR_INIT = 1ULL << 25,
};

/* In files[]: leave this child fd as it is (the caller's fd of the same
 * number, unless close-on-exec), for a sparse plan. */
#define CX_FD_KEEP (-2)

/* Namespace flags for cloneflags and unshareflags: the kernel's CLONE_NEW*
 * values, named here so callers need not define _GNU_SOURCE for them. */
#define CX_NEWTIME 0x00000080ULL   /* CLONE_NEWTIME */
#define CX_NEWNS 0x00020000ULL     /* CLONE_NEWNS: mount */
#define CX_NEWCGROUP 0x02000000ULL /* CLONE_NEWCGROUP */
#define CX_NEWUTS 0x04000000ULL    /* CLONE_NEWUTS */
#define CX_NEWIPC 0x08000000ULL    /* CLONE_NEWIPC */
#define CX_NEWUSER 0x10000000ULL   /* CLONE_NEWUSER */
#define CX_NEWPID 0x20000000ULL    /* CLONE_NEWPID */
#define CX_NEWNET 0x40000000ULL    /* CLONE_NEWNET */
/* Scheduling policies for sched_policy: the kernel's SCHED_* values (glibc
 * names SCHED_BATCH and SCHED_IDLE only with _GNU_SOURCE). */
#define CX_SCHED_OTHER 0
#define CX_SCHED_FIFO 1
#define CX_SCHED_RR 2
#define CX_SCHED_BATCH 3
#define CX_SCHED_IDLE 5

/* I/O scheduling classes for ioprio_class (the kernel's IOPRIO_CLASS_*). */
#define CX_IOPRIO_CLASS_NONE 0
#define CX_IOPRIO_CLASS_RT 1
#define CX_IOPRIO_CLASS_BE 2
#define CX_IOPRIO_CLASS_IDLE 3

/* One limit of the child's own cgroup: value is written to the control
 * file of that name ("memory.max" = "1073741824", "pids.max" = "64",
 * "cpu.max" = "50000 100000"). */
struct cx_cgroup_limit {
	const char *file;
	const char *value;
};

#define CX_NAMESPACE_FLAGS (CX_NEWTIME | CX_NEWNS | CX_NEWCGROUP | CX_NEWUTS | CX_NEWIPC | \
			    CX_NEWUSER | CX_NEWPID | CX_NEWNET)

/* 0.2, issue 9: one operation of the mount plan (cx_attr.mounts). */
enum cx_mount_kind {
	CX_MOUNT_BIND = 1,     /* source on target, recursive, nosuid, nodev */
	CX_MOUNT_RO_BIND,      /* as BIND, read-only recursively (submounts too) */
	CX_MOUNT_DEV_BIND,     /* as BIND, device nodes allowed */
	CX_MOUNT_TMPFS,        /* a tmpfs (size, mode), nosuid, nodev */
	CX_MOUNT_PROC,         /* a new procfs, nosuid, nodev, noexec */
	CX_MOUNT_DEV,          /* a minimal /dev: tmpfs, null zero full random
				* urandom tty bound, devpts + ptmx, shm, symlinks */
	CX_MOUNT_MQUEUE,       /* an mqueue filesystem */
	CX_MOUNT_DIR,          /* a directory (mode), parents made as needed */
	CX_MOUNT_SYMLINK,      /* a symlink target -> source (the link text) */
	CX_MOUNT_REMOUNT_RO,   /* make the mount at target read-only (not its
				* submounts) */
	CX_MOUNT_CHMOD,        /* chmod target to mode */
};

enum cx_mount_flag {
	CX_MOUNT_TRY = 1 << 0,  /* binds: skip the operation when source is missing */
	CX_MOUNT_MODE = 1 << 1, /* TMPFS, DIR: use mode (default 0755) */
};

struct cx_mount {
	int kind;             /* enum cx_mount_kind */
	unsigned int flags;   /* enum cx_mount_flag */
	const char *source;   /* binds: a path in the caller's tree; SYMLINK: the link text */
	const char *target;   /* absolute; inside the new root with CX_ATTR_NEW_ROOT */
	mode_t mode;          /* CHMOD; TMPFS and DIR with CX_MOUNT_MODE */
	uint64_t size;        /* TMPFS: bytes, 0: the kernel's default */
};

/*
 * What the child gets. Zero means "not asked for" for every field; fields
 * whose zero is meaningful (uid, cgroup_fd, sigmask...) are read only when
 * their flag is set.
 */
struct cx_attr {
	size_t size;          /* sizeof(struct cx_attr) as the caller knows it */
	uint64_t flags;       /* enum cx_attr_flag */

	const char *dir;      /* chdir here (after chroot) */
	const char *chroot;   /* chroot here */

	/* The fd plan: child fd i is a copy of the caller's fd files[i],
	 * closed when files[i] is -1, left as it is when CX_FD_KEEP; fds 0-2
	 * missing from a shorter plan are closed. files == NULL: the child has
	 * the caller's fds as they are (minus close-on-exec ones). */
	const int *files;
	unsigned int nfiles;

	/* The terminal, as a child fd number (after the fd plan), for
	 * FOREGROUND, SETCTTY and NOCTTY. Default 0. */
	int ctty_fd;

	/* CX_ATTR_CREDENTIAL */
	uid_t uid;
	gid_t gid;
	unsigned int ngroups;
	uint32_t reserved0;       /* padding made explicit: must be zero */
	const gid_t *groups;

	uint64_t cloneflags;      /* namespaces created by clone (CX_NAMESPACE_FLAGS) */
	uint64_t unshareflags;    /* namespaces created by the child with unshare */

	/* Id maps for the new user namespace (from cloneflags or unshareflags);
	 * an error without one. For a namespace made by clone the caller
	 * writes them, so any ranges its privileges allow work; for one made
	 * by unshare the child writes its own, and the kernel then takes only
	 * one range of count 1 mapping the caller's own id (and setgroups
	 * deny): anything else is EINVAL before anything starts. */
	const struct cx_id_map *uid_map;
	unsigned int nuid_map;
	unsigned int ngid_map;
	const struct cx_id_map *gid_map;

	uint64_t ambient_caps;    /* bit n: raise capability n as ambient */

	int cgroup_fd;            /* CX_ATTR_CGROUP */
	pid_t pgid;               /* CX_ATTR_SETPGID, CX_ATTR_FOREGROUND */
	int pdeathsig;            /* signal on the death of the calling thread; 0: none */
	mode_t umask;             /* CX_ATTR_UMASK */

	sigset_t sigmask;         /* CX_ATTR_SIGMASK */
	sigset_t sigdefault;      /* CX_ATTR_SIGDEFAULT */

	const struct cx_rlimit *rlimits;
	unsigned int nrlimits;

	/* 0.2: issue 8 */
	/* Candidates tried in the child in order instead of path (which then
	 * only names the program, and may be NULL), with execvp's rule: a
	 * candidate that is missing (ENOENT, ENOTDIR, ESTALE, ENODEV,
	 * ETIMEDOUT) or not permitted (EACCES, remembered) is passed over; any
	 * other error ends the search; EACCES if one was seen, else the last
	 * error. What a PATH search needs, as the child sees the tree. */
	unsigned int nprograms;
	const char *const *programs;

	/* 0.2, issue 10: join and confine */
	int join_pidfd;                /* CX_ATTR_JOIN_PIDFD */
	unsigned int njoin_fds;
	uint64_t join_ns;              /* CX_NEW* types to join from join_pidfd */
	const struct cx_ns_fd *join_fds; /* namespace fds to join (setns each) */
	uint64_t cap_bounding;         /* CX_ATTR_CAP_BOUNDING: bit n keeps capability n */
	uint64_t cap_inheritable;      /* CX_ATTR_CAP_INHERITABLE */
	uint64_t cap_keep;             /* CX_ATTR_CAP_KEEP */
	uint32_t securebits;           /* CX_ATTR_SECUREBITS: SECBIT_* bits */
	unsigned int seccomp_len;      /* instructions in seccomp_filter, at most 4096 */
	const struct cx_sock_filter *seccomp_filter; /* installed just before execve */
	int landlock_fd;               /* CX_ATTR_LANDLOCK_FD */
	unsigned int nlandlock_rules;
	const struct cx_landlock_rule *landlock_rules; /* made into a ruleset by the parent */
	uint64_t landlock_handled;     /* LANDLOCK_ACCESS_FS_* denied unless a rule allows;
					* 0: every right the kernel knows */
	int64_t monotonic_offset;      /* seconds, for a time namespace from unshareflags */
	int64_t boottime_offset;
	/* 0.2, issue 11: resources and time */
	int nice;                 /* CX_ATTR_NICE: -20..19 */
	int sched_policy;         /* CX_ATTR_SCHED: CX_SCHED_* */
	int sched_priority;       /* CX_ATTR_SCHED: 1..99 for FIFO and RR, else 0 */
	int ioprio_class;         /* CX_ATTR_IOPRIO: CX_IOPRIO_CLASS_* */
	int ioprio_level;         /* CX_ATTR_IOPRIO: 0..7 (RT, BE); 0 for NONE, IDLE */
	int oom_score_adj;        /* CX_ATTR_OOM_SCORE_ADJ: -1000..1000 */
	/* CX_ATTR_CPUS: bit n of the set is CPU n, in the layout of
	 * sched_setaffinity's mask (a cpu_set_t, or one from CPU_ALLOC with
	 * cpus_size = CPU_ALLOC_SIZE(n)): any number of CPUs. */
	const unsigned long *cpus;
	size_t cpus_size;         /* bytes, a multiple of sizeof(unsigned long) */
	/* A cgroup v2 of the child's own: when set, the spawn creates a new
	 * uniquely named cgroup in this directory, writes cgroup_limits into
	 * it, starts the child there (CLONE_INTO_CGROUP); the handle can kill
	 * everything in it (cx_process_kill_tree) and removes it at release.
	 * Not with CX_ATTR_CGROUP. */
	const char *cgroup_parent;
	const struct cx_cgroup_limit *cgroup_limits;
	unsigned int ncgroup_limits;
	/* 0.2, issue 9: filesystem view */
	/* The mount plan, run in order in the child's new mount namespace (any
	 * operation implies one), after the namespaces and before chroot. */
	unsigned int nmounts;
	const struct cx_mount *mounts;
	/* For the child's UTS namespace (implied when neither cloneflags nor
	 * unshareflags has one). */
	const char *hostname;
	const char *domainname;

	/* Adding a field (other releases and branches do, in parallel):
	 *  - append it here, never in between, in a block commented with its
	 *    release; leave no implicit padding (pad with a named reserved
	 *    field, which the library requires to be zero);
	 *  - name it in CX_ATTR_LAST_FIELD (src/internal.h), the one place
	 *    that says where the known struct ends;
	 *  - zero must mean "not asked for", so that older callers, whose
	 *    struct ends before it, get the old behaviour;
	 *  - tests/t-lib-abi.c pins every offset: add its line there. */
};

/* Declare a struct cx_attr with its size set: CX_ATTR(a, .dir = "/tmp"); */
#define CX_ATTR(name, ...) struct cx_attr name = { .size = sizeof(struct cx_attr), __VA_ARGS__ }

/* What CX_ATTR() does, for callers that cannot expand a macro (ctypes, cgo,
 * bindgen): zero size bytes of attr and set attr->size = size. -EINVAL
 * when size is below the smallest struct any release knew (0.1's). */
CX_EXPORT int cx_attr_init(struct cx_attr *attr, size_t size);

/* The steps of a spawn; values and names are stable. */
enum cx_step {
	CX_STEP_NONE = 0,          /* "none" */
	CX_STEP_CHECK,             /* "check attributes": invalid input, nothing started */
	CX_STEP_PREPARE,           /* "prepare": parent resources (memory, fds) */
	CX_STEP_LOOKUP,            /* "look up program": PATH search */
	CX_STEP_OPEN_PARENT_PIDFD, /* "open parent pidfd": for a race-free pdeathsig */
	CX_STEP_CLONE3,            /* "clone3" */
	CX_STEP_CLONE,             /* "clone" */
	CX_STEP_PIDFD_OPEN,        /* "pidfd_open" */
	CX_STEP_WRITE_UID_MAP,     /* "write uid_map" */
	CX_STEP_WRITE_SETGROUPS,   /* "write setgroups" */
	CX_STEP_WRITE_GID_MAP,     /* "write gid_map" */
	CX_STEP_WAIT_MAPS,         /* "wait for id maps" */
	CX_STEP_RESET_SIGNALS,     /* "reset signal handlers" */
	CX_STEP_KEEPCAPS,          /* "keep capabilities" */
	CX_STEP_SETSID,            /* "setsid" */
	CX_STEP_SETPGID,           /* "setpgid" */
	CX_STEP_FOREGROUND,        /* "set foreground group" (TIOCSPGRP) */
	CX_STEP_SIGMASK,           /* "set signal mask" */
	CX_STEP_UNSHARE,           /* "unshare" */
	CX_STEP_MOUNT_PRIVATE,     /* "make mounts private" */
	CX_STEP_CHROOT,            /* "chroot" */
	CX_STEP_SETRLIMIT,         /* "setrlimit" */
	CX_STEP_SETGROUPS,         /* "setgroups" */
	CX_STEP_SETGID,            /* "setgid" */
	CX_STEP_SETUID,            /* "setuid" */
	CX_STEP_CAPSET,            /* "capset" */
	CX_STEP_AMBIENT,           /* "raise ambient capability" */
	CX_STEP_CHDIR,             /* "chdir" */
	CX_STEP_PDEATHSIG,         /* "set parent-death signal" */
	CX_STEP_NO_NEW_PRIVS,      /* "no_new_privs" */
	CX_STEP_UMASK,             /* "umask" */
	CX_STEP_DUP,               /* "dup fd" */
	CX_STEP_KEEP_FD,           /* "clear close-on-exec" */
	CX_STEP_CLOSE_FD,          /* "close fd" */
	CX_STEP_CLOSE_OTHERS,      /* "close other fds" */
	CX_STEP_NOCTTY,            /* "detach terminal" (TIOCNOTTY) */
	CX_STEP_SETCTTY,           /* "set controlling terminal" (TIOCSCTTY) */
	CX_STEP_PTRACE,            /* "ptrace traceme" */
	CX_STEP_EXECVE,            /* "execve" */
	/* 0.2, issue 13: exec in place */
	CX_STEP_JOIN_CGROUP,       /* "join cgroup": cx_exec's cgroup.procs write */
	/* 0.2, issue 10: join and confine */
	CX_STEP_SETNS,             /* "setns": join namespaces */
	CX_STEP_FORK_PROGRAM,      /* "make the program": clone into a joined PID namespace */
	CX_STEP_SECUREBITS,        /* "set securebits" */
	CX_STEP_BOUNDING,          /* "drop bounding set" */
	CX_STEP_CAP_SETS,          /* "set capabilities" */
	CX_STEP_TIME_OFFSETS,      /* "write timens_offsets" */
	CX_STEP_LANDLOCK_RULESET,  /* "make landlock ruleset" (parent) */
	CX_STEP_LANDLOCK,          /* "landlock restrict" */
	CX_STEP_SECCOMP,           /* "install seccomp filter" */
	/* 0.2, issue 11: resources and time */
	CX_STEP_CGROUP_CREATE,     /* "create cgroup": mkdir in cgroup_parent */
	CX_STEP_CGROUP_LIMIT,      /* "write cgroup limit" */
	CX_STEP_NICE,              /* "set nice" */
	CX_STEP_SCHED,             /* "set scheduling policy" (sched_setattr) */
	CX_STEP_CPUS,              /* "set CPU affinity" */
	CX_STEP_IOPRIO,            /* "set I/O priority" */
	CX_STEP_OOM_SCORE_ADJ,     /* "write oom_score_adj" */
	/* 0.2, issue 9: filesystem view */
	CX_STEP_OPEN_ROOT,         /* "open root": where the mounts resolve (in place) */
	CX_STEP_NEW_ROOT,          /* "mount new root": the empty tmpfs */
	CX_STEP_BIND,              /* "bind" */
	CX_STEP_RO_BIND,           /* "bind read-only" */
	CX_STEP_DEV_BIND,          /* "bind with devices" */
	CX_STEP_MOUNT_TMPFS,       /* "mount tmpfs" */
	CX_STEP_MOUNT_PROC,        /* "mount proc" */
	CX_STEP_MOUNT_DEVPTS,      /* "mount devpts" */
	CX_STEP_MOUNT_MQUEUE,      /* "mount mqueue" */
	CX_STEP_MKDIR,             /* "make directory" */
	CX_STEP_SYMLINK,           /* "make symlink" */
	CX_STEP_REMOUNT_RO,        /* "remount read-only" */
	CX_STEP_CHMOD,             /* "chmod" */
	CX_STEP_PIVOT_ROOT,        /* "pivot_root" */
	CX_STEP_SETHOSTNAME,       /* "sethostname" */
	CX_STEP_SETDOMAINNAME,     /* "setdomainname" */
	CX_STEP_INIT,              /* "start init": fork the program under pid 1 */
	/* 0.2, issue 14 */
	CX_STEP_UNSHARE_FILES,     /* "unshare fd table": leave the caller's (CLONE_FILES) */
	CX_STEP_MAX_
};

#define CX_ERROR_OBJECT_MAX 4096

/* Where and why a spawn failed. */
struct cx_error {
	int step;          /* enum cx_step */
	int error;         /* positive errno */
	int index;         /* position in cx_explain()'s list from 1; 0: before it */
	int reserved;
	/* What the step worked on ("/srv/x", "uid 1000", "fd 5 to 1"), or a
	 * reason for CX_STEP_CHECK ("uid_map: ranges overlap"); may be empty. */
	char object[CX_ERROR_OBJECT_MAX];
};

/* How a child ended. */
struct cx_status {
	int exited;        /* 1: exited with exit_code; 0: killed by signal */
	int exit_code;
	int signal;        /* the killing signal, or 0 */
	int core_dumped;
	struct rusage rusage; /* of the child (and its reaped descendants) */
	/* 0.2: how a supervised wait ended (cx_process_wait_deadline) and what
	 * the child's own cgroup (attr.cgroup_parent) counted when the child
	 * was reaped; all zero otherwise. */
	uint32_t supervision;       /* enum cx_supervision bits */
	int32_t timeout_signal;     /* the signal sent at the deadline, or 0 */
	uint32_t cgroup_oom_kill;   /* memory.events oom_kill: processes the OOM killer ended */
	uint32_t cgroup_oom;        /* memory.events oom: allocations that hit memory.max */
	uint32_t cgroup_memory_max; /* memory.events max: times usage reached memory.max */
	uint32_t cgroup_pids_max;   /* pids.events max: forks refused at pids.max */
	uint64_t reserved[1];
};

/* cx_status.supervision */
enum cx_supervision {
	/* The deadline passed: timeout_signal was sent. */
	CX_SUPERVISION_TIMED_OUT = 1 << 0,
	/* The grace period passed too: SIGKILL was sent. */
	CX_SUPERVISION_KILLED = 1 << 1,
};

/* Flags for cx_process_wait_deadline(). */
enum cx_wait_flag {
	/* Signal the child's process group (the child must lead it: SETSID,
	 * SETPGID with pgid 0, FOREGROUND), not only the child. */
	CX_WAIT_PGROUP = 1 << 0,
	/* Signal every process in the child's own cgroup
	 * (cx_process_kill_tree); needs attr.cgroup_parent. */
	CX_WAIT_TREE = 1 << 1,
};

struct cx_process;

/*
 * Start path (no PATH search) with argv and envp (NULL: the caller's
 * environ) and attr (NULL: nothing special). On success *ret_process is a
 * handle to release with cx_process_release(). On failure nothing was left
 * behind (no zombie, no fd) and *ret_error (if not NULL) tells the step.
 */
CX_EXPORT int cx_spawn(const char *path, char *const argv[], char *const envp[],
		       const struct cx_attr *attr, struct cx_process **ret_process,
		       struct cx_error *ret_error);

/* As cx_spawn, but a file without a slash is searched in the caller's PATH
 * (default "/bin:/usr/bin", as glibc). The search runs in the caller,
 * before the clone, except with attr->chroot: then the child tries each
 * PATH entry after its chroot and chdir, as it sees the tree (absolute
 * symlinks of the new root resolve in it), with execvp's rule (see
 * attr.programs). */
CX_EXPORT int cx_spawnp(const char *file, char *const argv[], char *const envp[],
			const struct cx_attr *attr, struct cx_process **ret_process,
			struct cx_error *ret_error);

/*
 * Run the same steps in the calling process and execve path: no new
 * process, the program keeps the caller's pid (what unshare(1), nsenter(1)
 * and setpriv(1) do). Returns only on failure, with *ret_error as for
 * cx_spawn. Namespaces in cloneflags are made by unshare (not a new PID
 * namespace, which only a new process can enter: -EINVAL before anything
 * changes); a user namespace's maps can only be the caller's own ids;
 * CX_ATTR_CGROUP writes the caller into cgroup_fd's cgroup.procs;
 * CX_ATTR_REQUIRE_PIDFD is -EINVAL (there is no child). Every input is
 * checked before the first change, but a step that fails after others
 * leaves them done (ids, handlers, namespaces): the caller should report
 * and _exit. The credential steps are raw system calls: in a
 * multi-threaded caller they change the calling thread only, until the
 * execve ends the other threads.
 */
CX_EXPORT int cx_exec(const char *path, char *const argv[], char *const envp[],
		      const struct cx_attr *attr, struct cx_error *ret_error);

/* As cx_exec, with cx_spawnp's PATH search. */
CX_EXPORT int cx_execp(const char *file, char *const argv[], char *const envp[],
		       const struct cx_attr *attr, struct cx_error *ret_error);

/* Flags for cx_explain(). */
enum cx_explain_flag {
	CX_EXPLAIN_SEARCH_PATH = 1 << 0, /* resolve path as cx_spawnp would */
	CX_EXPLAIN_IN_PLACE = 1 << 1,    /* the steps of cx_exec, not cx_spawn */
};

/* Called once per step: index from 1, the step, who runs it ("parent" or
 * "child"; "self" for CX_EXPLAIN_IN_PLACE) and a one-line description. A non-zero return stops the walk and
 * is returned by cx_explain(). */
typedef int (*cx_explain_fn)(int index, int step, const char *who, const char *text,
			     void *userdata);

/* Validate and compile like a spawn, start nothing, and report the steps
 * in the order they would run. */
CX_EXPORT int cx_explain(const char *path, char *const argv[], char *const envp[],
			 const struct cx_attr *attr, unsigned int flags, cx_explain_fn fn,
			 void *userdata, struct cx_error *ret_error);

/* The stable name of a step ("chroot", "write uid_map"), or NULL. */
CX_EXPORT const char *cx_step_name(int step);

/* "chroot /srv/x: No such file or directory" into buf (always terminated). */
CX_EXPORT int cx_error_format(const struct cx_error *err, char *buf, size_t len);

CX_EXPORT pid_t cx_process_pid(const struct cx_process *process);

/* The pidfd, or -1 when the kernel gave none; owned by the handle. */
CX_EXPORT int cx_process_pidfd(const struct cx_process *process);

/* Wait for the child to end: timeout_ms < 0 waits forever, 0 polls.
 * -ETIMEDOUT when it is still running; -ECHILD once reaped. */
CX_EXPORT int cx_process_wait(struct cx_process *process, int timeout_ms,
			      struct cx_status *ret_status);

/* Send sig through the pidfd (no pid-reuse race); -ESRCH once reaped. */
CX_EXPORT int cx_process_signal(struct cx_process *process, int sig);

/*
 * Wait for the child with a deadline, then escalate: after timeout_ms
 * (< 0: never) send sig (to the child, its process group or its cgroup as
 * flags say); if it is still running grace_ms later (< 0: wait forever),
 * SIGKILL. Returns once the child is reaped; the status tells in
 * supervision which happened.
 */
CX_EXPORT int cx_process_wait_deadline(struct cx_process *process, int timeout_ms, int sig,
				       int grace_ms, unsigned int flags,
				       struct cx_status *ret_status);

/* The child's own cgroup (attr.cgroup_parent): its directory, or NULL. */
CX_EXPORT const char *cx_process_cgroup(const struct cx_process *process);

/* Send sig to every process in the child's own cgroup: SIGKILL by
 * cgroup.kill (Linux 5.14), otherwise (or for another signal) freeze the
 * cgroup, signal each pid of cgroup.procs and thaw it. -ENOMEDIUM without a
 * cgroup of its own. */
CX_EXPORT int cx_process_kill_tree(struct cx_process *process, int sig);

/* Close the pidfd and free the handle. A child not yet waited for stays
 * the caller's child (reap it with waitpid on cx_process_pid()). With a
 * cgroup of its own (attr.cgroup_parent) release removes it once it is
 * empty (after cx_process_kill_tree it waits for the killed to be gone);
 * one still in use is left in place. */
CX_EXPORT void cx_process_release(struct cx_process *process);

/* Modes for cx_process_release_mode(). */
enum cx_release_flag {
	CX_RELEASE_KILL = 1 << 0, /* SIGKILL the child first (if not reaped) */
	CX_RELEASE_WAIT = 1 << 1, /* reap it before freeing: no zombie is left */
};

/* cx_process_release with a mode: 0 is cx_process_release; KILL|WAIT ends
 * the child and leaves nothing. The handle is freed whatever the result,
 * except on -EINVAL (unknown mode bits). Returns 0 or a negative errno
 * (the kill's or the wait's; -EINTR is retried). */
CX_EXPORT int cx_process_release_mode(struct cx_process *process, unsigned int mode);

/* Take the pidfd out of the handle: the caller owns it from now on (close
 * it), and the handle goes on by pid alone (still unreaped, so the pid is
 * still the child's). -EBADF when the handle has none. */
CX_EXPORT int cx_process_pidfd_take(struct cx_process *process);

/* prlimit(1)'s name of an RLIMIT_* resource ("nofile"), or NULL. */
CX_EXPORT const char *cx_rlimit_name(int resource);

/* "0.1.0" */
CX_EXPORT const char *cx_version(void);

#ifdef __cplusplus
}
#endif
#endif
