/* SPDX-License-Identifier: MIT */
/*
 * struct cx_attr's ABI: every field's offset pinned (LP64), no implicit
 * padding (an uninitialised hole could not be told from a newer caller's
 * field), the 0.1 size accepted forever, and the unknown tail checked from
 * the end of the last known field, not from sizeof (libbpf's OPTS_VALID).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

#define F(name, off) { #name, offsetof(struct cx_attr, name), \
		       sizeof(((struct cx_attr *)0)->name), off }

static const struct field {
	const char *name;
	size_t off, size, want;
} fields[] = {
	F(size, 0), F(flags, 8), F(dir, 16), F(chroot, 24), F(files, 32), F(nfiles, 40),
	F(ctty_fd, 44), F(uid, 48), F(gid, 52), F(ngroups, 56), F(reserved0, 60),
	F(groups, 64), F(cloneflags, 72), F(unshareflags, 80), F(uid_map, 88),
	F(nuid_map, 96), F(ngid_map, 100), F(gid_map, 104), F(ambient_caps, 112),
	F(cgroup_fd, 120), F(pgid, 124), F(pdeathsig, 128), F(umask, 132), F(sigmask, 136),
	F(sigdefault, 264), F(rlimits, 392), F(nrlimits, 400),
	/* 0.2, issue 8 */
	F(nprograms, 404), F(programs, 408),
	/* 0.2, issue 10 */
	F(join_pidfd, 416), F(njoin_fds, 420), F(join_ns, 424), F(join_fds, 432),
	F(cap_bounding, 440), F(cap_inheritable, 448), F(cap_keep, 456), F(securebits, 464),
	F(seccomp_len, 468), F(seccomp_filter, 472), F(landlock_fd, 480),
	F(nlandlock_rules, 484), F(landlock_rules, 488), F(landlock_handled, 496),
	F(monotonic_offset, 504), F(boottime_offset, 512),
	/* 0.2, issue 11 */
	F(nice, 520), F(sched_policy, 524), F(sched_priority, 528), F(ioprio_class, 532),
	F(ioprio_level, 536), F(oom_score_adj, 540), F(cpus, 544), F(cpus_size, 552),
	F(cgroup_parent, 560), F(cgroup_limits, 568), F(ncgroup_limits, 576),
	/* 0.2, issue 9 */
	F(nmounts, 580), F(mounts, 584), F(hostname, 592), F(domainname, 600),
};

static int count(int index, int step, const char *who, const char *text, void *data)
{
	(void)index;
	(void)step;
	(void)who;
	(void)text;
	++*(int *)data;
	return 0;
}

/* cx_explain with a struct of this size whose byte at `poke` (if any) is set. */
static int explain_sized(size_t size, size_t poke, unsigned char value, struct cx_error *err)
{
	static unsigned char buf[sizeof(struct cx_attr) + 64] __attribute__((aligned(16)));
	struct cx_attr *a = (struct cx_attr *)buf;
	char *argv[] = { "true", NULL };
	int n = 0;

	memset(buf, 0, sizeof(buf));
	a->size = size;
	if (poke)
		buf[poke] = value;
	return cx_explain("/bin/true", argv, NULL, a, 0, count, &n, err);
}

int main(void)
{
	size_t end = 0, sum = 0, known = CX_ATTR_SIZE_KNOWN;
	struct cx_error err;

	for (size_t i = 0; i < CX_ARRAY_SIZE(fields); i++) {
		const struct field *f = &fields[i];

		if (!is_int((long long)f->off, (long long)f->want, "offsetof(%s)", f->name))
			diag("a field moved: every caller built against an older header breaks");
		sum += f->size;
		if (f->off + f->size > end)
			end = f->off + f->size;
	}
	is_int(CX_ATTR_SIZE_VER0, 404, "the 0.1 size is pinned at 404");
	is_int(CX_ATTR_SIZE_VER0, (long long)cx_offsetofend(struct cx_attr, nrlimits),
	       "and is the end of 0.1's last field, nrlimits");
	is_int((long long)known, (long long)end, "CX_ATTR_LAST_FIELD is the last field listed here");
	is_int((long long)sizeof(struct cx_attr), (long long)known,
	       "no tail padding: sizeof is the end of the last field");
	is_int((long long)sum, (long long)sizeof(struct cx_attr),
	       "no implicit padding: the fields fill the struct");

	is_int(explain_sized(CX_ATTR_SIZE_VER0, 0, 0, &err), 0, "a 0.1 caller's size (404)");
	is_int(explain_sized(408, 0, 0, &err), 0, "0.1's sizeof (408), zero tail");
	is_int(explain_sized(CX_ATTR_SIZE_VER0 - 4, 0, 0, &err), -EINVAL,
	       "smaller than 0.1: EINVAL");
	is_int(explain_sized(sizeof(struct cx_attr), 0, 0, &err), 0, "this header's size");
	is_int(explain_sized(sizeof(struct cx_attr) + 8, 0, 0, &err), 0, "larger, zero tail");
	is_int(explain_sized(sizeof(struct cx_attr) + 8, known, 1, &err), -E2BIG,
	       "a non-zero byte right after the last known field: E2BIG");
	is_int(explain_sized(sizeof(struct cx_attr) + 8, sizeof(struct cx_attr) + 7, 1, &err),
	       -E2BIG, "a non-zero last byte: E2BIG");
	is_int(explain_sized(sizeof(struct cx_attr), offsetof(struct cx_attr, reserved0), 1, &err),
	       -EINVAL, "reserved0 not zero: EINVAL");
	is_int(err.step, CX_STEP_CHECK, "reported at check attributes");

	/* For bindings, which cannot expand CX_ATTR(). */
	{
		unsigned char buf[sizeof(struct cx_attr) + 8];
		struct cx_attr *a = (struct cx_attr *)buf;
		char *argv[] = { "true", NULL };
		int n = 0, zero = 1;

		memset(buf, 0xa5, sizeof(buf));
		is_int(cx_attr_init(a, CX_ATTR_SIZE_VER0 - 1), -EINVAL, "cx_attr_init below 0.1: EINVAL");
		is_int(cx_attr_init(a, sizeof(struct cx_attr)), 0, "cx_attr_init(sizeof)");
		is_int((long long)a->size, (long long)sizeof(struct cx_attr), "it sets size");
		for (size_t i = sizeof(a->size); i < sizeof(struct cx_attr); i++)
			zero &= buf[i] == 0;
		ok(zero && buf[sizeof(struct cx_attr)] == 0xa5, "zeroes the struct, not a byte more");
		is_int(cx_explain("/bin/true", argv, NULL, a, 0, count, &n, NULL), 0,
		       "and the result is a valid attr");
		is_int(cx_attr_init(NULL, sizeof(struct cx_attr)), -EINVAL, "NULL: EINVAL");
	}
	return tap_done();
}
