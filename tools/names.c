/* SPDX-License-Identifier: MIT */
/*
 * Names to numbers. Numbers are tried first so that libcap and NSS are
 * only touched when a name needs them (they cost start-up time).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include <clonexec.h>

#include "names.h"

int cli_number(const char *s, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned long long d = (unsigned long long)(*s - '0');

		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > max / 10 || d > max - v * 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*ret = v;
	return 0;
}

static const struct {
	const char *name;
	uint64_t flag;
} namespaces[] = {
	{ "user", 0x10000000ULL },  { "pid", 0x20000000ULL }, { "mount", 0x00020000ULL },
	{ "mnt", 0x00020000ULL },   { "net", 0x40000000ULL }, { "uts", 0x04000000ULL },
	{ "ipc", 0x08000000ULL },   { "cgroup", 0x02000000ULL }, { "time", 0x00000080ULL },
};

int cli_namespace(const char *name, size_t len, uint64_t *ret_flag)
{
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
		if (strlen(namespaces[i].name) == len && !strncmp(namespaces[i].name, name, len)) {
			*ret_flag = namespaces[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

int cli_namespace_list(const char *list, uint64_t *flags, const char **ret_bad, size_t *ret_len)
{
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		uint64_t f;

		if (cli_namespace(p, len, &f) < 0) {
			*ret_bad = p;
			*ret_len = len;
			return -EINVAL;
		}
		*flags |= f;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int by_user_name(const char *s, unsigned int *ret_id)
{
	struct passwd *pw = getpwnam(s);

	if (pw)
		*ret_id = pw->pw_uid;
	return pw != NULL;
}

static int by_group_name(const char *s, unsigned int *ret_id)
{
	struct group *gr = getgrnam(s);

	if (gr)
		*ret_id = gr->gr_gid;
	return gr != NULL;
}

/* A number, or a name looked up in NSS by byname. */
static int cli_id(const char *s, int (*byname)(const char *, unsigned int *),
		  unsigned int *ret_id)
{
	unsigned long long v;
	int r = cli_number(s, CLI_ID_MAX, &v);

	if (r == 0) {
		*ret_id = (unsigned int)v;
		return 0;
	}
	if (r == -ERANGE)
		return r;
	if (!*s)
		return -EINVAL;
	errno = 0;
	if (!byname(s, ret_id))
		return errno && errno != ENOENT && errno != ESRCH ? -errno : -ENOENT;
	return 0;
}

int cli_user(const char *s, uid_t *ret_uid)
{
	return cli_id(s, by_user_name, ret_uid);
}

int cli_group(const char *s, gid_t *ret_gid)
{
	return cli_id(s, by_group_name, ret_gid);
}

int cli_capability(const char *s, size_t len, int *ret_cap)
{
	char name[64], digits[16];
	unsigned long long v;
	cap_value_t cap;
	int last;

	if (len == 0)
		return -EINVAL;
	if (len < sizeof(digits)) {
		memcpy(digits, s, len);
		digits[len] = '\0';
		if (cli_number(digits, 63, &v) == 0)
			goto range;
	}
	if (len > 4 && !strncasecmp(s, "cap_", 4)) {
		s += 4;
		len -= 4;
	}
	/* cap_from_name stops at the first character that cannot be in a
	 * name ("chown,kill" parses as chown): hand it only clean names. */
	if (len == 0 || len + 4 >= sizeof(name) || strspn(s, "abcdefghijklmnopqrstuvwxyz"
					"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") < len)
		return -EINVAL;
	snprintf(name, sizeof(name), "cap_%.*s", (int)len, s);
	if (cap_from_name(name, &cap) < 0 || cap < 0)
		return -EINVAL;
	v = (unsigned long long)cap;
range:
	last = cap_max_bits() - 1;
	if (last < 0 || last > 63)
		last = 63;
	if (v > (unsigned long long)last)
		return -ERANGE;
	*ret_cap = (int)v;
	return 0;
}

int cli_signal(const char *s, int *ret_sig)
{
	unsigned long long v;
	const char *p = s;

	if (cli_number(s, _NSIG - 1, &v) == 0) {
		if (v == 0)
			return -EINVAL;
		*ret_sig = (int)v;
		return 0;
	}
	if (!strncasecmp(p, "SIG", 3))
		p += 3;
	for (int sig = 1; sig < _NSIG; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && !strcasecmp(name, p)) {
			*ret_sig = sig;
			return 0;
		}
	}
	if (!strncasecmp(p, "RTMIN+", 6) && cli_number(p + 6, 64, &v) == 0 &&
	    SIGRTMIN + (int)v <= SIGRTMAX) {
		*ret_sig = SIGRTMIN + (int)v;
		return 0;
	}
	if (!strncasecmp(p, "RTMAX-", 6) && cli_number(p + 6, 64, &v) == 0 &&
	    SIGRTMAX - (int)v >= SIGRTMIN) {
		*ret_sig = SIGRTMAX - (int)v;
		return 0;
	}
	return -EINVAL;
}

const char *cli_signal_name(int sig, char *buf, size_t len)
{
	const char *name = sigabbrev_np(sig);

	if (name)
		snprintf(buf, len, "SIG%s", name);
	else if (sig > SIGRTMIN && sig < SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

int cli_rlimit_resource(const char *s, size_t len, int *ret_resource)
{
	for (int r = 0; r < RLIM_NLIMITS; r++) {
		const char *name = cx_rlimit_name(r);

		if (name && strlen(name) == len && !strncasecmp(name, s, len)) {
			*ret_resource = r;
			return 0;
		}
	}
	return -EINVAL;
}

const char *cli_errno_name(int error, char *buf, size_t len)
{
	const char *name = strerrorname_np(error);

	if (name)
		return name;
	snprintf(buf, len, "E%d", error);
	return buf;
}
