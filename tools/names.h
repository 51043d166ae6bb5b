/* SPDX-License-Identifier: MIT */
/* Names users type for ids, capabilities, signals, rlimits and namespaces. */
#ifndef CLONEXEC_TOOLS_NAMES_H
#define CLONEXEC_TOOLS_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* All return 0 or a negative errno; ret_* is written only on success. */

/* A decimal number in [0, max], nothing else around it. */
int cli_number(const char *s, unsigned long long max, unsigned long long *ret);

/* One namespace name (user, pid, mount or mnt, net, uts, ipc, cgroup,
 * time) to its CLONE_NEW* flag. */
int cli_namespace(const char *name, size_t len, uint64_t *ret_flag);

/* A comma-separated list of them, ORed into *flags; on an unknown name,
 * where it starts and its length. */
int cli_namespace_list(const char *list, uint64_t *flags, const char **ret_bad, size_t *ret_len);

/* A user or group as a number (up to CLI_ID_MAX: (uid_t)-1 means "no
 * change" to the kernel, never an id; -ERANGE beyond) or a name
 * (getpwnam/getgrnam; -ENOENT when unknown). */
#define CLI_ID_MAX 4294967294U
int cli_user(const char *s, uid_t *ret_uid);
int cli_group(const char *s, gid_t *ret_gid);

/* A capability: name with or without "cap_", any case (libcap), or a
 * number up to the running kernel's last capability. */
int cli_capability(const char *s, size_t len, int *ret_cap);

/* A signal: "KILL", "SIGKILL", "sigkill", "RTMIN+2" or "9". */
int cli_signal(const char *s, int *ret_sig);

/* "SIGKILL", "SIGRTMIN+2" into buf. */
const char *cli_signal_name(int sig, char *buf, size_t len);

/* A resource limit by prlimit(1)'s name (nofile, nproc, core, ...). */
int cli_rlimit_resource(const char *s, size_t len, int *ret_resource);

/* "ENOENT" for ENOENT, or "E<n>" into buf for an errno without a name. */
const char *cli_errno_name(int error, char *buf, size_t len);

#endif
