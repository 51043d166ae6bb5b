/* SPDX-License-Identifier: MIT */
/*
 * Capability sets and securebits (issue 10): bubblewrap's and docker's
 * --cap-add/--cap-drop, setpriv's --bounding-set, --inh-caps and
 * --securebits (+name/-name lists, from the current value).
 */
#include <errno.h>
#include <linux/securebits.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "cli.h"
#include "names.h"

enum { OPT_CAP_ADD, OPT_CAP_DROP, OPT_BOUNDING, OPT_INH, OPT_SECUREBITS };

static const struct cli_opt opts[] = {
	{ "cap-add", 0, CLI_ARG_REQUIRED, OPT_CAP_ADD, "LIST", "keep these capabilities (ALL: every one; bwrap, docker)", 0 },
	{ "cap-drop", 0, CLI_ARG_REQUIRED, OPT_CAP_DROP, "LIST", "drop these capabilities (ALL: every one) from all sets", 0 },
	{ "bounding-set", 0, CLI_ARG_REQUIRED, OPT_BOUNDING, "(+|-)CAP,...", "change the bounding set (setpriv)", 0 },
	{ "inh-caps", 0, CLI_ARG_REQUIRED, OPT_INH, "(+|-)CAP,...", "change the inheritable set (setpriv)", 0 },
	{ "securebits", 0, CLI_ARG_REQUIRED, OPT_SECUREBITS, "(+|-)BIT,...", "change the securebits (setpriv)", 0 },
};

/* The kernel's names (<linux/securebits.h>), as setpriv spells them; not
 * keep_caps, which execve clears. */
static const struct {
	const char *name;
	unsigned int bit;
} secbits[] = {
	{ "noroot", SECBIT_NOROOT },
	{ "noroot_locked", SECBIT_NOROOT_LOCKED },
	{ "no_setuid_fixup", SECBIT_NO_SETUID_FIXUP },
	{ "no_setuid_fixup_locked", SECBIT_NO_SETUID_FIXUP_LOCKED },
	{ "keep_caps_locked", SECBIT_KEEP_CAPS_LOCKED },
	{ "no_cap_ambient_raise", SECBIT_NO_CAP_AMBIENT_RAISE },
	{ "no_cap_ambient_raise_locked", SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED },
};

static uint64_t all_caps(void)
{
	int last = cap_max_bits() - 1;

	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

static uint64_t current_set(cap_flag_t which)
{
	cap_t caps = cap_get_proc();
	uint64_t set = 0;

	for (int cap = 0; caps && cap < 64 && (1ULL << cap) & all_caps(); cap++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(caps, (cap_value_t)cap, which, &v) == 0 && v == CAP_SET)
			set |= 1ULL << cap;
	}
	cap_free(caps);
	return set;
}

static uint64_t current_bounding(void)
{
	uint64_t set = 0;

	for (int cap = 0; cap < 64 && (1ULL << cap) & all_caps(); cap++)
		if (cap_get_bound((cap_value_t)cap) == 1)
			set |= 1ULL << cap;
	return set;
}

/* One name of a list: a capability or "all" (any case). */
static int one_cap(struct cli_state *s, const char *p, size_t len, uint64_t *ret)
{
	int cap, r;

	if (len == 3 && !strncasecmp(p, "all", 3)) {
		*ret = all_caps();
		return 0;
	}
	r = cli_capability(p, len, &cap);
	if (r == -ERANGE)
		return cli_fail(s, EINVAL, "capability '%.*s' is beyond this kernel's last", (int)len,
				p);
	if (r < 0)
		return cli_fail(s, EINVAL, "unknown capability '%.*s'", (int)len, p);
	*ret = 1ULL << cap;
	return 0;
}

/* --cap-add/--cap-drop: plain names; --bounding-set/--inh-caps: each one
 * +name or -name (setpriv). */
static int edit_caps(struct cli_state *s, const char *arg, int sign, uint64_t *set)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ",");
		int add = sign > 0;
		uint64_t bits = 0;
		int r;

		if (!sign) {
			if (*p != '+' && *p != '-')
				return cli_fail(s, EINVAL, "'%.*s' does not start with + or -",
						(int)len, p);
			add = *p == '+';
			p++;
			len--;
		}
		r = one_cap(s, p, len, &bits);
		if (r < 0)
			return r;
		*set = add ? *set | bits : *set & ~bits;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int edit_secbits(struct cli_state *s, const char *arg, uint32_t *bits)
{
	const char *p = arg;

	for (;;) {
		size_t len = strcspn(p, ","), i;
		int add = *p == '+';

		if (*p != '+' && *p != '-')
			return cli_fail(s, EINVAL, "'%.*s' does not start with + or -", (int)len, p);
		p++;
		len--;
		if (len == 9 && !strncmp(p, "keep_caps", 9))
			return cli_fail(s, EINVAL, "keep_caps is cleared by execve: not settable");
		for (i = 0; i < sizeof(secbits) / sizeof(secbits[0]); i++)
			if (strlen(secbits[i].name) == len && !strncmp(secbits[i].name, p, len))
				break;
		if (i == sizeof(secbits) / sizeof(secbits[0]))
			return cli_fail(s, EINVAL, "unknown securebit '%.*s'", (int)len, p);
		*bits = add ? *bits | secbits[i].bit : *bits & ~secbits[i].bit;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static int apply(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2)
{
	struct cli_caps_state *c = &s->caps;

	(void)arg2;
	switch (op->id) {
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		if (!c->keep_set)
			c->keep = current_set(CAP_PERMITTED);
		c->keep_set = 1;
		return edit_caps(s, arg, op->id == OPT_CAP_ADD ? 1 : -1, &c->keep);
	case OPT_BOUNDING:
		if (!c->bounding_set)
			c->bounding = current_bounding();
		c->bounding_set = 1;
		return edit_caps(s, arg, 0, &c->bounding);
	case OPT_INH:
		if (!c->inh_set)
			c->inh = current_set(CAP_INHERITABLE);
		c->inh_set = 1;
		return edit_caps(s, arg, 0, &c->inh);
	default:
		if (!c->secbits_set)
			c->secbits = cap_get_secbits();
		c->secbits_set = 1;
		return edit_secbits(s, arg, &c->secbits);
	}
}

/* --cap-add/--cap-drop as bubblewrap means them: the program has exactly
 * that set, bounding set included (else a uid 0 program would get the
 * bounding set back at execve), and as ambient capabilities when it does
 * not run as uid 0. */
static int finish(struct cli_state *s)
{
	struct cli_caps_state *c = &s->caps;
	struct cx_attr *a = &s->o->attr;
	uid_t uid = (a->flags & CX_ATTR_CREDENTIAL) ? a->uid : getuid();

	if (c->keep_set) {
		a->flags |= CX_ATTR_CAP_KEEP;
		a->cap_keep = c->keep;
		if (uid != 0)
			a->ambient_caps |= c->keep;
		if (!c->bounding_set) {
			c->bounding_set = 1;
			c->bounding = c->keep;
		}
		if (!c->inh_set) {
			c->inh_set = 1;
			c->inh = (current_set(CAP_INHERITABLE) & c->keep) | a->ambient_caps;
		}
	}
	if (c->bounding_set) {
		a->flags |= CX_ATTR_CAP_BOUNDING;
		a->cap_bounding = c->bounding;
	}
	if (c->inh_set) {
		a->flags |= CX_ATTR_CAP_INHERITABLE;
		a->cap_inheritable = c->inh;
	}
	if (c->secbits_set) {
		a->flags |= CX_ATTR_SECUREBITS;
		a->securebits = c->secbits;
	}
	return 0;
}

const struct cli_group cli_group_caps = CLI_GROUP("Capability sets and securebits", opts, apply,
						  finish, NULL);
