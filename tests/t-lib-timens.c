/* SPDX-License-Identifier: MIT */
/*
 * Time namespace offsets (issue 10): CLOCK_MONOTONIC, CLOCK_BOOTTIME and
 * /proc/uptime of the program are ours shifted by the offsets (bounded by
 * our clock read before and after, no timing assumption); root and, in its
 * own user namespace, nobody; a namespace made by clone cannot take them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "confine-util.h"

#define NEWTIME_ 0x80ULL
#define NEWUSER_ 0x10000000ULL
#define DAY 86400LL

static long long now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec;
}

static void shifted(const char *what, const struct cx_attr *a)
{
	long long m0 = now(CLOCK_MONOTONIC), b0 = now(CLOCK_BOOTTIME), m1, b1, m, b, up;

	cp_ok(a, what, "monotonic", "boottime", "uptime", "ns", "time");
	m1 = now(CLOCK_MONOTONIC);
	b1 = now(CLOCK_BOOTTIME);
	m = atoll(lt_get(out, "monotonic"));
	b = atoll(lt_get(out, "boottime"));
	up = atoll(lt_get(out, "uptime"));
	ok(m >= m0 + DAY && m <= m1 + DAY, "%s: CLOCK_MONOTONIC is ours + 1 day (%lld)", what, m);
	ok(b >= b0 + 2 * DAY && b <= b1 + 2 * DAY, "%s: CLOCK_BOOTTIME is ours + 2 days (%lld)",
	   what, b);
	ok(up >= b0 + 2 * DAY - 1 && up <= b1 + 2 * DAY, "%s: /proc/uptime too (%lld)", what, up);
	ok(strcmp(lt_get(out, "ns_time"), lt_self_ns("time")) != 0, "%s: a new time namespace",
	   what);
}

static void unprivileged(void *arg)
{
	static const struct cx_id_map map = { 0, 65534, 1 };
	CX_ATTR(a, .unshareflags = NEWUSER_ | NEWTIME_, .uid_map = &(struct cx_id_map){ 65534, 65534, 1 },
		.nuid_map = 1, .gid_map = &(struct cx_id_map){ 65534, 65534, 1 }, .ngid_map = 1,
		.monotonic_offset = DAY, .boottime_offset = 2 * DAY);
	CX_ATTR(c, .cloneflags = NEWUSER_, .unshareflags = NEWTIME_, .uid_map = &map,
		.nuid_map = 1, .gid_map = &map, .ngid_map = 1, .monotonic_offset = DAY,
		.boottime_offset = 2 * DAY);

	(void)arg;
	cp_become_nobody();
	shifted("nobody, user and time namespaces by unshare", &a);
	shifted("nobody, user namespace by clone, time by unshare", &c);
}

int main(void)
{
	char *argv[] = { "true", NULL };
	CX_ATTR(a, .unshareflags = NEWTIME_, .monotonic_offset = DAY, .boottime_offset = 2 * DAY);
	CX_ATTR(clone, .cloneflags = NEWTIME_, .monotonic_offset = DAY);
	CX_ATTR(none, .boottime_offset = DAY);
	CX_ATTR(neg, .unshareflags = NEWTIME_, .monotonic_offset = -(1LL << 62));
	struct cx_process *p = NULL;
	struct cx_error err;

	if (geteuid() != 0)
		tap_skip_all("needs root");
	if (access("/proc/self/ns/time", F_OK) < 0)
		tap_skip_all("the kernel has no time namespaces");
	shifted("root, time namespace by unshare", &a);
	lt_fails("offsets for a time namespace made by clone", "/bin/true", argv, &clone,
		 CX_STEP_CHECK, EINVAL);
	memset(&err, 0, sizeof(err));
	cx_spawn("/bin/true", argv, NULL, &clone, &p, &err);
	ok(strstr(err.object, "made by clone cannot take offsets") != NULL,
	   "the error says why (%s)", err.object);
	lt_fails("offsets without a time namespace", "/bin/true", argv, &none, CX_STEP_CHECK,
		 EINVAL);
	lt_fails("an offset the kernel refuses", "/bin/true", argv, &neg, CX_STEP_TIME_OFFSETS,
		 ERANGE);
	lt_sub("unprivileged", unprivileged, NULL);
	return tap_done();
}
