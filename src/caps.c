/* SPDX-License-Identifier: MIT */
/*
 * Capability sets and securebits (issue 10), in setpriv's order: the
 * securebits and the bounding set while the child still has CAP_SETPCAP
 * (before the credential change), the inheritable and effective/permitted
 * sets after it, then cred.c's ambient raise. All of it after the user
 * namespace is made or joined: entering one resets securebits and every
 * set (the kernel's set_cred_user_ns).
 */
#include <errno.h>

#include "internal.h"

#define CX_SECBIT_KEEP_CAPS (1U << 4)
#define CX_SECBIT_KEEP_CAPS_LOCKED (1U << 5)
#define CX_SECBIT_NO_CAP_AMBIENT_RAISE (1U << 6)
/* Up to SECBIT_EXEC_DENY_INTERACTIVE_LOCKED (Linux 6.14); the kernel
 * judges the rest. */
#define CX_SECBITS_KNOWN 0xfffU

static int above_last(uint64_t set)
{
	return set && set >> 1 >> cx_cap_last();
}

static int check_set(const struct cx_attr *a, uint64_t flag, uint64_t set, const char *name,
		     struct cx_error *err)
{
	if (!(a->flags & flag))
		return 0;
	if (above_last(set))
		return cx_check_fail(err, EINVAL, "%s: a capability above the kernel's last (%d)",
				     name, cx_cap_last());
	if (a->ambient_caps & ~set)
		return cx_check_fail(err, EINVAL, "%s: lacks ambient capabilities 0x%llx", name,
				     (unsigned long long)(a->ambient_caps & ~set));
	return 0;
}

int cx_check_caps(const struct cx_attr *a, struct cx_error *err)
{
	int r = check_set(a, CX_ATTR_CAP_BOUNDING, a->cap_bounding, "cap_bounding", err);

	if (r == 0)
		r = check_set(a, CX_ATTR_CAP_INHERITABLE, a->cap_inheritable, "cap_inheritable", err);
	if (r == 0)
		r = check_set(a, CX_ATTR_CAP_KEEP, a->cap_keep, "cap_keep", err);
	if (r < 0 || !(a->flags & CX_ATTR_SECUREBITS))
		return r;
	if (a->securebits & ~CX_SECBITS_KNOWN)
		return cx_check_fail(err, EINVAL, "securebits: unknown bits 0x%x",
				     a->securebits & ~CX_SECBITS_KNOWN);
	if (a->ambient_caps && (a->securebits & CX_SECBIT_NO_CAP_AMBIENT_RAISE))
		return cx_check_fail(err, EINVAL, "securebits: no_cap_ambient_raise with "
				     "ambient_caps");
	if (a->ambient_caps && (a->flags & CX_ATTR_CREDENTIAL) &&
	    (a->securebits & (CX_SECBIT_KEEP_CAPS | CX_SECBIT_KEEP_CAPS_LOCKED)) ==
		    CX_SECBIT_KEEP_CAPS_LOCKED)
		return cx_check_fail(err, EINVAL, "securebits: keep_caps locked off, but the "
				     "ambient raise after the credential change needs it");
	return 0;
}

/* Before setgroups/setgid/setuid. */
void cx_caps_add_early(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	if (a->flags & CX_ATTR_SECUREBITS) {
		uint64_t bits = a->securebits;

		/* cred.c's keep-capabilities step ran earlier and set this bit;
		 * a new value must not take it away. */
		if (a->ambient_caps && (a->flags & CX_ATTR_CREDENTIAL))
			bits |= CX_SECBIT_KEEP_CAPS;
		cx_plan_child(plan, CX_STEP_SECUREBITS)->bits.bits = bits;
	}
	if (a->flags & CX_ATTR_CAP_BOUNDING) {
		struct cx_op *op = cx_plan_child(plan, CX_STEP_BOUNDING);

		op->bits.bits = a->cap_bounding;
		op->bits.last = cx_cap_last();
	}
}

/* After the credential change, before cred.c's capset and ambient raise. */
void cx_caps_add_sets(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;
	struct cx_op *op;

	if (!(a->flags & (CX_ATTR_CAP_KEEP | CX_ATTR_CAP_INHERITABLE)))
		return;
	op = cx_plan_child(plan, CX_STEP_CAP_SETS);
	op->capsets.set_keep = !!(a->flags & CX_ATTR_CAP_KEEP);
	op->capsets.keep = a->cap_keep;
	op->capsets.set_inheritable = !!(a->flags & CX_ATTR_CAP_INHERITABLE);
	op->capsets.inheritable = a->cap_inheritable;
}

void cx_describe_bits(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	if (op->step == CX_STEP_BOUNDING)
		cx_put(b, "%skeep 0x%llx", verbose ? "PR_CAPBSET_DROP all but " : "",
		       (unsigned long long)op->bits.bits);
	else
		cx_put(b, "0x%llx", (unsigned long long)op->bits.bits);
}

void cx_describe_capsets(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			 int verbose)
{
	(void)plan;
	(void)verbose;
	if (op->capsets.set_keep)
		cx_put(b, "effective and permitted &= 0x%llx", (unsigned long long)op->capsets.keep);
	if (op->capsets.set_inheritable)
		cx_put(b, "%sinheritable = 0x%llx", op->capsets.set_keep ? ", " : "",
		       (unsigned long long)op->capsets.inheritable);
}
