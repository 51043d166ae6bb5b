/* SPDX-License-Identifier: MIT */
/*
 * Credentials and capabilities: groups, gid, uid, then the ambient raise
 * (capset into permitted+inheritable, one prctl per capability). The ids
 * are set with setresgid/setresuid: real, effective and saved all change
 * (or the step fails), whatever the caller's privilege.
 */
#include <errno.h>

#include "internal.h"

#define CX_NGROUPS_MAX 65536 /* the kernel's NGROUPS_MAX */

/* CREDENTIAL is the three at once (groups unless NO_SETGROUPS). */
static uint64_t cred_flags(const struct cx_attr *a)
{
	uint64_t f = a->flags & (CX_ATTR_SET_UID | CX_ATTR_SET_GID | CX_ATTR_SET_GROUPS);

	if (a->flags & CX_ATTR_CREDENTIAL) {
		f |= CX_ATTR_SET_UID | CX_ATTR_SET_GID;
		if (!(a->flags & CX_ATTR_NO_SETGROUPS))
			f |= CX_ATTR_SET_GROUPS;
	}
	return f;
}

int cx_cred_changes(const struct cx_attr *a)
{
	return cred_flags(a) != 0;
}

int cx_check_credential(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t f = cred_flags(a);

	if (a->ambient_caps && a->ambient_caps >> 1 >> cx_cap_last())
		return cx_check_fail(err, EINVAL,
				     "ambient_caps: a capability above the kernel's last");
	if ((a->flags & CX_ATTR_NO_SETGROUPS) && !(a->flags & CX_ATTR_CREDENTIAL))
		return cx_check_fail(err, EINVAL, "no_setgroups without a credential");
	if ((a->flags & CX_ATTR_NO_SETGROUPS) && (a->flags & CX_ATTR_SET_GROUPS))
		return cx_check_fail(err, EINVAL, "no_setgroups with set_groups");
	if (!f)
		return 0;
	if ((f & CX_ATTR_SET_UID) && a->uid == (uid_t)-1)
		return cx_check_fail(err, EINVAL, "uid: -1 is not a user");
	if ((f & CX_ATTR_SET_GID) && a->gid == (gid_t)-1)
		return cx_check_fail(err, EINVAL, "gid: -1 is not a group");
	if (!(f & CX_ATTR_SET_GROUPS))
		return 0;
	if (a->ngroups > CX_NGROUPS_MAX)
		return cx_check_fail(err, EINVAL, "groups: more than NGROUPS_MAX");
	if (a->ngroups && !a->groups)
		return cx_check_fail(err, EINVAL, "groups: NULL with a non-zero count");
	for (unsigned int i = 0; i < a->ngroups; i++)
		if (a->groups[i] == (gid_t)-1)
			return cx_check_fail(err, EINVAL, "groups: -1 is not a group");
	return 0;
}

int cx_cred_count(const struct cx_attr *a)
{
	/* keepcaps, setgroups, setgid, setuid, capset, one raise per cap */
	return 5 + 64 * !!a->ambient_caps;
}

/* Without KEEPCAPS, setuid away from root empties the permitted set and
 * the ambient caps could not be raised from it. */
void cx_cred_add_keepcaps(struct cx_plan *plan)
{
	if (plan->attr.ambient_caps && (cred_flags(&plan->attr) & CX_ATTR_SET_UID))
		cx_plan_child(plan, CX_STEP_KEEPCAPS);
}

void cx_cred_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	uint64_t f = cred_flags(a);
	struct cx_op *op;
	int deny = a->ngid_map && !(a->flags & CX_ATTR_SETGROUPS_ALLOW);

	/* In a user namespace with setgroups denied, setgroups would fail:
	 * CREDENTIAL skips it unless groups were given; SET_GROUPS asks. */
	if ((f & CX_ATTR_SET_GROUPS) &&
	    !(deny && a->ngroups == 0 && !(a->flags & CX_ATTR_SET_GROUPS))) {
		op = cx_plan_child(plan, CX_STEP_SETGROUPS);
		op->groups.count = a->ngroups;
		op->groups.list = a->groups;
	}
	if (f & CX_ATTR_SET_GID)
		cx_plan_child(plan, CX_STEP_SETGID)->id.id = a->gid;
	if (f & CX_ATTR_SET_UID)
		cx_plan_child(plan, CX_STEP_SETUID)->id.id = a->uid;
}

void cx_cred_add_caps(struct cx_plan *plan)
{
	uint64_t caps = plan->attr.ambient_caps;

	if (!caps)
		return;
	cx_plan_child(plan, CX_STEP_CAPSET)->capset.add = caps;
	for (int cap = 0; cap < 64; cap++)
		if (caps & (1ULL << cap))
			cx_plan_child(plan, CX_STEP_AMBIENT)->cap.cap = cap;
}

void cx_describe_groups(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			int verbose)
{
	(void)plan;
	(void)verbose;
	if (op->groups.count == 0)
		cx_put(b, "none");
	for (unsigned int i = 0; i < op->groups.count; i++)
		cx_put(b, "%s%u", i ? "," : "", (unsigned int)op->groups.list[i]);
}

void cx_describe_id(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		    int verbose)
{
	(void)plan;
	cx_put(b, "%u", op->id.id);
	if (verbose)
		cx_put(b, " (real, effective and saved)");
}

void cx_describe_capset(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "permitted and inheritable += 0x%llx", (unsigned long long)op->capset.add);
}

void cx_describe_cap(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		     int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "%d", op->cap.cap);
}
