/* SPDX-License-Identifier: MIT */
/*
 * The child, between clone and execve. It may share memory with the parent
 * (CLONE_VM) and runs on a borrowed stack, so: raw system calls only, no
 * errno, no TLS, no libc function, no allocation, no lock. It reads the plan
 * the parent compiled and writes only the report and, for the fd plan, the
 * plan's scratch array of parked fds. Every file of src/child/ is built
 * without sanitizers or stack protector (see Makefile); `make check-child`
 * verifies that these objects call nothing outside themselves.
 *
 * One runner per step: 0 or more on success, a negative errno on failure.
 */
#ifndef CX_CHILD_H
#define CX_CHILD_H

#include "internal.h"

typedef long (*cx_runner)(const struct cx_plan *plan, const struct cx_op *op);

/* A failure that names one of the op's objects (the candidate of an
 * EXECVE): -(errno | (detail + 1) << 16); errno stays below 4096. */
#define CX_RUN_DETAIL(r, detail) (-((-(r)) | ((long)(detail) + 1) << 16))

/* signals.c */
long cx_run_reset_signals(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_sigmask(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_pdeathsig(const struct cx_plan *plan, const struct cx_op *op);
/* cred.c */
long cx_run_keepcaps(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_setgroups(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_setgid(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_setuid(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_capset(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_ambient(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_no_new_privs(const struct cx_plan *plan, const struct cx_op *op);
/* ns.c */
long cx_run_write_file(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_wait_maps(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_unshare(const struct cx_plan *plan, const struct cx_op *op);
/* fs.c */
long cx_run_mount_private(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_chroot(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_chdir(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_umask(const struct cx_plan *plan, const struct cx_op *op);
/* limits.c */
long cx_run_setrlimit(const struct cx_plan *plan, const struct cx_op *op);
/* session.c */
long cx_run_setsid(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_setpgid(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_foreground(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_noctty(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_setctty(const struct cx_plan *plan, const struct cx_op *op);
/* fd.c */
long cx_run_dup(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_keep_fd(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_close_fd(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_close_others(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_unshare_files(const struct cx_plan *plan, const struct cx_op *op);
/* inplace.c */
long cx_run_join_cgroup(const struct cx_plan *plan, const struct cx_op *op);
/* confine.c (issue 10: join and confine) */
long cx_run_setns(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_fork_program(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_securebits(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_bounding(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_cap_sets(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_landlock(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_seccomp(const struct cx_plan *plan, const struct cx_op *op);
/* resources.c (issue 11) */
long cx_run_nice(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_sched(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_cpus(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_ioprio(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_oom_score_adj(const struct cx_plan *plan, const struct cx_op *op);
/* mount.c: the filesystem view (issue 9) */
long cx_run_open_root(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_new_root(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_mount(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_pivot_root(const struct cx_plan *plan, const struct cx_op *op);
long cx_run_set_name(const struct cx_plan *plan, const struct cx_op *op);
char *cx_child_fd_path(char *buf, const char *prefix, long fd);
/* remount.c: one mount, or a mount and its submounts, without mount_setattr */
long cx_child_remount(long fd, uint64_t set);
long cx_child_remount_tree(const struct cx_plan *plan, long topfd, uint64_t set);
/* init.c */
long cx_run_init(const struct cx_plan *plan, const struct cx_op *op);

#endif
