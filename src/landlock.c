/* SPDX-License-Identifier: MIT */
/*
 * Landlock (issue 10): the caller's ruleset fd, or path rules the parent
 * makes into a ruleset before the clone (paths opened O_PATH here, so a
 * missing one is an error before anything starts); the child restricts
 * itself late, after chdir and before the fd plan (which may reuse the
 * ruleset's fd number; a restriction does not touch open fds).
 *
 * Rights the kernel's ABI lacks: left out (best effort, and no Landlock at
 * all is no error), or with CX_ATTR_LANDLOCK_STRICT an error naming the
 * first missing right and the ABI that has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* The kernel's LANDLOCK_ACCESS_FS_* bits, by the ABI that brought them. */
static const struct {
	const char *name;
	int abi;
} rights[] = {
	{ "execute", 1 },     { "write-file", 1 }, { "read-file", 1 },  { "read-dir", 1 },
	{ "remove-dir", 1 },  { "remove-file", 1 }, { "make-char", 1 }, { "make-dir", 1 },
	{ "make-reg", 1 },    { "make-sock", 1 },  { "make-fifo", 1 },  { "make-block", 1 },
	{ "make-sym", 1 },    { "refer", 2 },      { "truncate", 3 },   { "ioctl-dev", 5 },
};

#define CX_LL_ALL ((1ULL << CX_ARRAY_SIZE(rights)) - 1)
/* What a rule on a file (not a directory) may allow: execute, write-file,
 * read-file, truncate, ioctl-dev. */
#define CX_LL_FILE (0x7ULL | 1ULL << 14 | 1ULL << 15)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
};

struct ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

static uint64_t known_rights(int abi)
{
	uint64_t set = 0;

	for (size_t i = 0; i < CX_ARRAY_SIZE(rights); i++)
		if (abi >= rights[i].abi)
			set |= 1ULL << i;
	return set;
}

int cx_check_landlock(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t handled = a->landlock_handled ? a->landlock_handled : CX_LL_ALL;

	if ((a->flags & CX_ATTR_LANDLOCK_FD) && (a->nlandlock_rules || a->landlock_handled))
		return cx_check_fail(err, EINVAL, "landlock_fd: not with landlock_rules");
	if ((a->flags & CX_ATTR_LANDLOCK_FD) && !cx_fd_is_open(a->landlock_fd))
		return cx_check_fail(err, EBADF, "landlock_fd: not open");
	if (a->landlock_handled & ~CX_LL_ALL)
		return cx_check_fail(err, EINVAL, "landlock_handled: unknown rights 0x%llx",
				     (unsigned long long)(a->landlock_handled & ~CX_LL_ALL));
	if (a->nlandlock_rules && !a->landlock_rules)
		return cx_check_fail(err, EINVAL, "landlock_rules: NULL with %u rules",
				     a->nlandlock_rules);
	for (unsigned int i = 0; i < a->nlandlock_rules; i++) {
		const struct cx_landlock_rule *r = &a->landlock_rules[i];

		if (!r->path || !*r->path)
			return cx_check_fail(err, EINVAL, "landlock_rules[%u]: path is empty", i);
		if (!r->access)
			return cx_check_fail(err, EINVAL, "landlock_rules[%u]: no access", i);
		if (r->access & ~handled)
			return cx_check_fail(err, EINVAL, "landlock_rules[%u]: access 0x%llx beyond "
					     "landlock_handled", i,
					     (unsigned long long)(r->access & ~handled));
	}
	return 0;
}

static int missing_right(uint64_t set, int abi, struct cx_error *err, const char *what)
{
	for (size_t i = 0; i < CX_ARRAY_SIZE(rights); i++)
		if (set & (1ULL << i))
			return cx_check_fail(err, EOPNOTSUPP, "%s: Landlock right %s needs ABI %d, "
					     "the kernel has %d", what, rights[i].name,
					     rights[i].abi, abi);
	return 0;
}

static int add_rule(struct cx_plan *plan, const struct cx_landlock_rule *rule, uint64_t handled,
		    struct cx_error *err)
{
	struct ll_path_beneath pb;
	struct stat st;
	int fd = open(rule->path, O_PATH | O_CLOEXEC), e = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
	} else {
		pb.allowed_access = rule->access & handled;
		if (!S_ISDIR(st.st_mode))
			pb.allowed_access &= CX_LL_FILE;
		pb.parent_fd = fd;
		if (pb.allowed_access)
			e = (int)-cx_sys4(SYS_landlock_add_rule, plan->landlock_fd,
					  1 /* PATH_BENEATH */, &pb, 0);
	}
	if (fd >= 0)
		close(fd);
	if (e)
		cx_error_set(err, CX_STEP_LANDLOCK_RULESET, e, 0, "%s", rule->path);
	return -e;
}

int cx_landlock_prepare(struct cx_plan *plan, struct cx_error *err)
{
	const struct cx_attr *a = &plan->attr;
	int strict = !!(a->flags & CX_ATTR_LANDLOCK_STRICT), abi, r;
	struct ll_ruleset_attr attr;
	uint64_t known;
	long fd;

	plan->landlock_fd = (a->flags & CX_ATTR_LANDLOCK_FD) ? a->landlock_fd : -1;
	plan->landlock_owned = 0;
	if (!a->nlandlock_rules && !a->landlock_handled)
		return 0;
	abi = cx_landlock_abi();
	known = known_rights(abi);
	if (strict && abi == 0)
		return cx_check_fail(err, EOPNOTSUPP, "landlock_rules: the kernel has no Landlock "
				     "(or it is not enabled)");
	if (abi == 0)
		return 0;
	r = strict ? missing_right(a->landlock_handled & ~known, abi, err, "landlock_handled") : 0;
	for (unsigned int i = 0; r == 0 && strict && i < a->nlandlock_rules; i++)
		r = missing_right(a->landlock_rules[i].access & ~known, abi, err, "landlock_rules");
	if (r < 0)
		return r;
	attr.handled_access_fs = (a->landlock_handled ? a->landlock_handled : CX_LL_ALL) & known;
	fd = cx_sys3(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0) {
		cx_error_set(err, CX_STEP_LANDLOCK_RULESET, (int)-fd, 0, "handling 0x%llx",
			     (unsigned long long)attr.handled_access_fs);
		return (int)fd;
	}
	plan->landlock_fd = (int)fd; /* the kernel makes it close-on-exec */
	plan->landlock_owned = 1;
	for (unsigned int i = 0; r == 0 && i < a->nlandlock_rules; i++)
		r = add_rule(plan, &a->landlock_rules[i], attr.handled_access_fs, err);
	if (r < 0)
		cx_landlock_release(plan);
	return r;
}

void cx_landlock_release(struct cx_plan *plan)
{
	if (plan->landlock_owned && plan->landlock_fd >= 0)
		close(plan->landlock_fd);
	plan->landlock_fd = -1;
	plan->landlock_owned = 0;
}

/* Listed before the clone (the parent made it in cx_landlock_prepare). */
void cx_landlock_add_parent(struct cx_plan *plan)
{
	struct cx_op *op;

	if (!plan->landlock_owned)
		return;
	op = cx_plan_add(plan, CX_STEP_LANDLOCK_RULESET, CX_PARENT);
	op->ruleset.nrules = plan->attr.nlandlock_rules;
	op->ruleset.handled = plan->attr.landlock_handled ? plan->attr.landlock_handled
							  : CX_LL_ALL;
	op->ruleset.handled &= known_rights(cx_landlock_abi());
	op->ruleset.abi = cx_landlock_abi();
}

void cx_landlock_add(struct cx_plan *plan)
{
	if (plan->landlock_fd >= 0)
		cx_plan_child(plan, CX_STEP_LANDLOCK)->fd.fd = plan->landlock_fd;
}

void cx_describe_ruleset(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			 int verbose)
{
	(void)verbose;
	cx_put(b, "%u path rules, handling 0x%llx (ABI %d)", op->ruleset.nrules,
	       (unsigned long long)op->ruleset.handled, op->ruleset.abi);
	for (unsigned int i = 0; verbose && i < plan->attr.nlandlock_rules; i++)
		cx_put(b, "%s%s 0x%llx", i ? ", " : ": ", plan->attr.landlock_rules[i].path,
		       (unsigned long long)plan->attr.landlock_rules[i].access);
}
