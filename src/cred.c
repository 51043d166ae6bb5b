/* SPDX-License-Identifier: MIT */
/*
 * Credentials and capabilities: groups, gid, uid, then the ambient raise
 * (capset into permitted+inheritable, one prctl per capability).
 */
#include <errno.h>

#include "internal.h"

#define CX_NGROUPS_MAX 65536 /* the kernel's NGROUPS_MAX */

int cx_check_credential(const struct cx_attr *a, struct cx_error *err)
{
	if (a->ambient_caps && a->ambient_caps >> 1 >> cx_cap_last())
		return cx_check_fail(err, EINVAL,
				     "ambient_caps: a capability above the kernel's last");
	if (!(a->flags & CX_ATTR_CREDENTIAL)) {
		if (a->flags & CX_ATTR_NO_SETGROUPS)
			return cx_check_fail(err, EINVAL, "no_setgroups without a credential");
		return 0;
	}
	if (a->uid == (uid_t)-1)
		return cx_check_fail(err, EINVAL, "uid: -1 is not a user");
	if (a->gid == (gid_t)-1)
		return cx_check_fail(err, EINVAL, "gid: -1 is not a group");
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
	if (plan->attr.ambient_caps && (plan->attr.flags & CX_ATTR_CREDENTIAL))
		cx_plan_child(plan, CX_STEP_KEEPCAPS);
}

void cx_cred_add(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;
	int deny = a->ngid_map && !(a->flags & CX_ATTR_SETGROUPS_ALLOW);

	if (!(a->flags & CX_ATTR_CREDENTIAL))
		return;
	/* In a user namespace with setgroups denied, setgroups would fail:
	 * skip it unless groups were asked for explicitly. */
	if (!(a->flags & CX_ATTR_NO_SETGROUPS) && !(deny && a->ngroups == 0)) {
		op = cx_plan_child(plan, CX_STEP_SETGROUPS);
		op->groups.count = a->ngroups;
		op->groups.list = a->groups;
	}
	cx_plan_child(plan, CX_STEP_SETGID)->id.id = a->gid;
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
	(void)verbose;
	cx_put(b, "%u", op->id.id);
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
