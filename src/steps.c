/* SPDX-License-Identifier: MIT */
/* Every step: its stable name and who puts its object into words. */
#include "internal.h"

const struct cx_step_info cx_steps[CX_STEP_MAX_] = {
	[CX_STEP_NONE] = { "none", NULL },
	[CX_STEP_CHECK] = { "check attributes", NULL },
	[CX_STEP_PREPARE] = { "prepare", NULL },
	[CX_STEP_LOOKUP] = { "look up program", NULL },
	[CX_STEP_OPEN_PARENT_PIDFD] = { "open parent pidfd", NULL },
	[CX_STEP_CLONE3] = { "clone3", cx_describe_clone },
	[CX_STEP_CLONE] = { "clone", cx_describe_clone },
	[CX_STEP_PIDFD_OPEN] = { "pidfd_open", NULL },
	[CX_STEP_WRITE_UID_MAP] = { "write uid_map", cx_describe_write },
	[CX_STEP_WRITE_SETGROUPS] = { "write setgroups", cx_describe_write },
	[CX_STEP_WRITE_GID_MAP] = { "write gid_map", cx_describe_write },
	[CX_STEP_WAIT_MAPS] = { "wait for id maps", NULL },
	[CX_STEP_RESET_SIGNALS] = { "reset signal handlers", cx_describe_signals },
	[CX_STEP_KEEPCAPS] = { "keep capabilities", NULL },
	[CX_STEP_SETSID] = { "setsid", NULL },
	[CX_STEP_SETPGID] = { "setpgid", cx_describe_pgid },
	[CX_STEP_FOREGROUND] = { "set foreground group", cx_describe_foreground },
	[CX_STEP_SIGMASK] = { "set signal mask", cx_describe_sigmask },
	[CX_STEP_UNSHARE] = { "unshare", cx_describe_unshare },
	[CX_STEP_MOUNT_PRIVATE] = { "make mounts private", cx_describe_root },
	[CX_STEP_CHROOT] = { "chroot", cx_describe_path },
	[CX_STEP_SETRLIMIT] = { "setrlimit", cx_describe_rlimit },
	[CX_STEP_SETGROUPS] = { "setgroups", cx_describe_groups },
	[CX_STEP_SETGID] = { "setgid", cx_describe_id },
	[CX_STEP_SETUID] = { "setuid", cx_describe_id },
	[CX_STEP_CAPSET] = { "capset", cx_describe_capset },
	[CX_STEP_AMBIENT] = { "raise ambient capability", cx_describe_cap },
	[CX_STEP_CHDIR] = { "chdir", cx_describe_path },
	[CX_STEP_PDEATHSIG] = { "set parent-death signal", cx_describe_pdeathsig },
	[CX_STEP_NO_NEW_PRIVS] = { "no_new_privs", NULL },
	[CX_STEP_UMASK] = { "umask", cx_describe_umask },
	[CX_STEP_DUP] = { "dup fd", cx_describe_dup },
	[CX_STEP_KEEP_FD] = { "clear close-on-exec", cx_describe_fd },
	[CX_STEP_CLOSE_FD] = { "close fd", cx_describe_fd },
	[CX_STEP_CLOSE_OTHERS] = { "close other fds", cx_describe_close_others },
	[CX_STEP_NOCTTY] = { "detach terminal", cx_describe_fd },
	[CX_STEP_SETCTTY] = { "set controlling terminal", cx_describe_fd },
	[CX_STEP_PTRACE] = { "ptrace traceme", NULL },
	[CX_STEP_EXECVE] = { "execve", cx_describe_exec },
	[CX_STEP_JOIN_CGROUP] = { "join cgroup", cx_describe_cgroup },
	/* 0.2, issue 10: join and confine */
	[CX_STEP_SETNS] = { "setns", cx_describe_setns },
	[CX_STEP_FORK_PROGRAM] = { "make the program", cx_describe_fork_program },
	[CX_STEP_SECUREBITS] = { "set securebits", cx_describe_bits },
	[CX_STEP_BOUNDING] = { "drop bounding set", cx_describe_bits },
	[CX_STEP_CAP_SETS] = { "set capabilities", cx_describe_capsets },
	[CX_STEP_TIME_OFFSETS] = { "write timens_offsets", cx_describe_write },
	[CX_STEP_LANDLOCK_RULESET] = { "make landlock ruleset", cx_describe_ruleset },
	[CX_STEP_LANDLOCK] = { "landlock restrict", cx_describe_fd },
	[CX_STEP_SECCOMP] = { "install seccomp filter", cx_describe_seccomp },
};

const char *cx_step_name(int step)
{
	if (step < 0 || step >= CX_STEP_MAX_)
		return NULL;
	return cx_steps[step].name;
}
