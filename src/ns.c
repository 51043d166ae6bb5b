/* SPDX-License-Identifier: MIT */
/*
 * Namespaces and id maps: which of them the caller may write, the map text
 * (formatted here, written by the child or the parent), the ops around the
 * clone and the unshare, and their words.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define CX_MAP_LINES_MAX 340 /* the kernel's UID_GID_MAP_MAX_EXTENTS */

static const struct {
	uint64_t flag;
	const char *name;
} ns_names[] = {
	{ CX_NEWUSER, "user" }, { CX_NEWPID, "pid" }, { CX_NEWNS, "mount" },
	{ CX_NEWNET, "net" },   { CX_NEWUTS, "uts" }, { CX_NEWIPC, "ipc" },
	{ CX_NEWCGROUP, "cgroup" }, { CX_NEWTIME, "time" },
};

/* ---- checks ---- */

static int overlaps(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

/* Messages name the range as field[i] (the CLI says which option that was)
 * and other ranges as INSIDE:OUTSIDE:COUNT. */
static int check_map(const char *name, const struct cx_id_map *map, unsigned int n,
		     struct cx_error *err)
{
	if (n == 0)
		return 0;
	if (!map)
		return cx_check_fail(err, EINVAL, "%s: NULL with %u ranges", name, n);
	if (n > CX_MAP_LINES_MAX)
		return cx_check_fail(err, EINVAL, "%s[%d]: more than %d ranges, the kernel's limit",
				     name, CX_MAP_LINES_MAX, CX_MAP_LINES_MAX);
	for (unsigned int i = 0; i < n; i++) {
		const struct cx_id_map *m = &map[i];

		if (m->count == 0)
			return cx_check_fail(err, EINVAL, "%s[%u]: count is 0", name, i);
		if ((uint64_t)m->inside + m->count > 1ULL << 32 ||
		    (uint64_t)m->outside + m->count > 1ULL << 32)
			return cx_check_fail(err, EINVAL, "%s[%u]: goes beyond id 4294967295", name,
					     i);
		for (unsigned int j = 0; j < i; j++) {
			if (overlaps(m->inside, m->count, map[j].inside, map[j].count) ||
			    overlaps(m->outside, m->count, map[j].outside, map[j].count))
				return cx_check_fail(err, EINVAL, "%s[%u]: overlaps %u:%u:%u", name, i,
						     map[j].inside, map[j].outside, map[j].count);
		}
	}
	return 0;
}

/* A process inside a new user namespace may write that namespace's maps
 * only for its own euid and egid, one id each, with setgroups denied (it
 * holds no capability in the parent namespace, whatever it was before).
 * 0 when the maps qualify, else which part does not. */
int cx_maps_self_writable(const struct cx_attr *a)
{
	if (a->nuid_map > 1 ||
	    (a->nuid_map && (a->uid_map[0].count != 1 || a->uid_map[0].outside != geteuid())))
		return CX_MAPS_NOT_OWN_UID;
	if (a->ngid_map > 1 ||
	    (a->ngid_map && (a->gid_map[0].count != 1 || a->gid_map[0].outside != getegid())))
		return CX_MAPS_NOT_OWN_GID;
	if (a->ngid_map && (a->flags & CX_ATTR_SETGROUPS_ALLOW))
		return CX_MAPS_SETGROUPS_ALLOWED;
	return 0;
}

/* After unshare(CLONE_NEWUSER) only the child can write the maps. */
static int check_child_maps(const struct cx_attr *a, struct cx_error *err)
{
	if (!(a->unshareflags & CX_NEWUSER) || (a->cloneflags & CX_NEWUSER))
		return 0;
	switch (cx_maps_self_writable(a)) {
	case CX_MAPS_NOT_OWN_UID:
		return cx_check_fail(err, EINVAL, "uid_map: a user namespace made by unshare can "
				     "map only the caller's uid %u, once (a namespace made by "
				     "clone can map more)", geteuid());
	case CX_MAPS_NOT_OWN_GID:
		return cx_check_fail(err, EINVAL, "gid_map: a user namespace made by unshare can "
				     "map only the caller's gid %u, once (a namespace made by "
				     "clone can map more)", getegid());
	case CX_MAPS_SETGROUPS_ALLOWED:
		return cx_check_fail(err, EINVAL, "gid_map: a user namespace made by unshare needs "
				     "setgroups deny");
	default:
		return 0;
	}
}

int cx_check_namespaces(const struct cx_attr *a, struct cx_error *err)
{
	uint64_t ns = a->cloneflags | a->unshareflags;
	int r;

	if (a->cloneflags & ~CX_NAMESPACE_FLAGS)
		return cx_check_fail(err, EINVAL, "cloneflags: not namespace flags");
	if (a->unshareflags & ~CX_NAMESPACE_FLAGS)
		return cx_check_fail(err, EINVAL, "unshareflags: not namespace flags");
	if ((a->nuid_map || a->ngid_map) && !(ns & CX_NEWUSER))
		return cx_check_fail(err, EINVAL, "%s: needs a new user namespace",
				     a->nuid_map ? "uid_map" : "gid_map");
	if ((a->cloneflags & CX_NEWUSER) && (a->unshareflags & CX_NEWUSER) &&
	    (a->nuid_map || a->ngid_map))
		return cx_check_fail(err, EINVAL, "%s: two new user namespaces (by clone and by "
				     "unshare): which one gets the maps?",
				     a->nuid_map ? "uid_map" : "gid_map");
	r = check_child_maps(a, err);
	if (r == 0)
		r = check_map("uid_map", a->uid_map, a->nuid_map, err);
	if (r == 0)
		r = check_map("gid_map", a->gid_map, a->ngid_map, err);
	return r;
}

/* ---- compile ---- */

static int map_text(char *buf, size_t len, const struct cx_id_map *map, unsigned int n)
{
	size_t used = 0;

	for (unsigned int i = 0; i < n; i++) {
		int w = snprintf(buf + used, len - used, "%u %u %u\n", map[i].inside,
				 map[i].outside, map[i].count);

		if (w < 0 || (size_t)w >= len - used)
			return -1;
		used += (size_t)w;
	}
	return (int)used;
}

/* Who writes the maps, and their text. Maps for a user namespace made by
 * clone: the child writes them itself when the kernel lets it (its own
 * ids, as `unshare -r` maps), which keeps CLONE_VFORK; anything more needs
 * CAP_SETUID in the parent namespace, so the parent writes them while the
 * child waits. */
int cx_ns_prepare(struct cx_plan *plan, struct cx_error *err)
{
	const struct cx_attr *a = &plan->attr;
	/* The kernel takes a map only in a single write shorter than a page. */
	size_t max = (size_t)sysconf(_SC_PAGESIZE);

	plan->clone_flags = a->cloneflags;
	plan->parent_maps = 0;
	plan->child_maps = 0;
	if ((a->cloneflags & CX_NEWUSER) && (a->nuid_map || a->ngid_map)) {
		plan->child_maps = cx_maps_self_writable(a) == 0;
		plan->parent_maps = !plan->child_maps;
	}
	if (max > CX_MAP_TEXT_MAX)
		max = CX_MAP_TEXT_MAX;
	plan->uid_map_len = map_text(plan->uid_map_text, max, a->uid_map, a->nuid_map);
	if (plan->uid_map_len < 0) {
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "uid_map: text longer than a page");
		return -EINVAL;
	}
	plan->gid_map_len = map_text(plan->gid_map_text, max, a->gid_map, a->ngid_map);
	if (plan->gid_map_len < 0) {
		cx_error_set(err, CX_STEP_CHECK, EINVAL, 0, "gid_map: text longer than a page");
		return -EINVAL;
	}
	return 0;
}

static void add_write(struct cx_plan *plan, int step, int who, const char *path,
		      const char *text, int len)
{
	struct cx_op *op = cx_plan_add(plan, step, who);

	op->write.path = path;
	op->write.text = text;
	op->write.len = len;
}

/* The id map writes, by the parent (/proc/PID/...) or by the child
 * (/proc/self/...). setgroups must be settled before gid_map. */
static void add_map_ops(struct cx_plan *plan, int who)
{
	const struct cx_attr *a = &plan->attr;
	const char *sg = (a->flags & CX_ATTR_SETGROUPS_ALLOW) ? "allow" : "deny";

	if (a->nuid_map)
		add_write(plan, CX_STEP_WRITE_UID_MAP, who, "/proc/self/uid_map",
			  plan->uid_map_text, plan->uid_map_len);
	if (a->ngid_map) {
		add_write(plan, CX_STEP_WRITE_SETGROUPS, who, "/proc/self/setgroups", sg,
			  (int)strlen(sg));
		add_write(plan, CX_STEP_WRITE_GID_MAP, who, "/proc/self/gid_map",
			  plan->gid_map_text, plan->gid_map_len);
	}
}

/* Right after the clone op: the maps of a user namespace made by clone,
 * the parent's writes (which spawn.c finds right after the clone op)... */
void cx_ns_add_clone_parent(struct cx_plan *plan)
{
	if (plan->parent_maps)
		add_map_ops(plan, CX_PARENT);
}

/* ...then the child's wait for them, or its own writes. */
void cx_ns_add_clone_child(struct cx_plan *plan)
{
	if (plan->parent_maps)
		cx_plan_child(plan, CX_STEP_WAIT_MAPS);
	else if (plan->child_maps)
		add_map_ops(plan, CX_CHILD);
}

void cx_ns_add_unshare(struct cx_plan *plan)
{
	const struct cx_attr *a = &plan->attr;

	if (a->unshareflags) {
		cx_plan_child(plan, CX_STEP_UNSHARE)->unshare.ns = a->unshareflags;
		if ((a->unshareflags & CX_NEWUSER) && !plan->parent_maps)
			add_map_ops(plan, CX_CHILD);
	}
	if (((a->cloneflags | a->unshareflags) & CX_NEWNS) &&
	    !(a->flags & CX_ATTR_KEEP_PROPAGATION))
		cx_plan_child(plan, CX_STEP_MOUNT_PRIVATE);
}

/* ---- words ---- */

void cx_put_namespaces(struct cx_buf *b, uint64_t flags)
{
	const char *sep = "";

	for (size_t i = 0; i < CX_ARRAY_SIZE(ns_names); i++) {
		if (flags & ns_names[i].flag) {
			cx_put(b, "%s%s", sep, ns_names[i].name);
			sep = ",";
		}
	}
}

void cx_describe_clone(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		       int verbose)
{
	if (op->clone.ns) {
		cx_put(b, "new ");
		cx_put_namespaces(b, op->clone.ns);
		cx_put(b, " namespaces");
	} else {
		cx_put(b, "no new namespaces");
	}
	if (op->clone.cgroup_fd >= 0)
		cx_put(b, ", into cgroup fd %d", op->clone.cgroup_fd);
	if (!verbose)
		return;
	switch (plan->mode) {
	case CX_MODE_VFORK:
		cx_put(b, ", CLONE_VM|CLONE_VFORK%s on a borrowed stack",
		       plan->files_op >= 0 ? "|CLONE_FILES" : "");
		break;
	case CX_MODE_VM_WAIT:
		cx_put(b, ", CLONE_VM%s, the child waits for its maps",
		       plan->files_op >= 0 ? "|CLONE_FILES" : "");
		break;
	case CX_MODE_COPY:
		cx_put(b, ", copying the address space (%s)",
		       (plan->attr.flags & CX_ATTR_INIT) ? "the init outlives the exec"
							 : "CLONE_VM is emulated here");
		break;
	case CX_MODE_IN_PLACE:
		break;
	}
	if (op->step == CX_STEP_CLONE3)
		cx_put(b, ", CLONE_PIDFD|CLONE_CLEAR_SIGHAND%s",
		       op->clone.cgroup_fd >= 0 ? "|CLONE_INTO_CGROUP" : "");
}

/* Does the map take the caller's own id (outside) into the namespace? */
static int covers(const struct cx_id_map *map, unsigned int n, uint32_t id)
{
	for (unsigned int i = 0; i < n; i++)
		if (id >= map[i].outside && (uint64_t)id < (uint64_t)map[i].outside + map[i].count)
			return 1;
	return 0;
}

/* A map without the caller's id leaves the child (which keeps the caller's
 * ids unless it changes them) unmapped: it runs as the overflow id, nobody,
 * and an exec leaves it without capabilities. Say so. */
static void put_uncovered(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op)
{
	const struct cx_attr *a = &plan->attr;

	if (op->step == CX_STEP_WRITE_UID_MAP && !(a->flags & (CX_ATTR_CREDENTIAL | CX_ATTR_SET_UID)) &&
	    !covers(a->uid_map, a->nuid_map, (uint32_t)geteuid()))
		cx_put(b, " (no range maps the caller's uid %u: the program runs as the overflow "
		       "uid, nobody, with no capability, unless a credential sets a mapped uid)",
		       (unsigned int)geteuid());
	if (op->step == CX_STEP_WRITE_GID_MAP && !(a->flags & (CX_ATTR_CREDENTIAL | CX_ATTR_SET_GID)) &&
	    !covers(a->gid_map, a->ngid_map, (uint32_t)getegid()))
		cx_put(b, " (no range maps the caller's gid %u: the program's group is the "
		       "overflow gid, nogroup)", (unsigned int)getegid());
}

void cx_describe_write(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		       int verbose)
{
	if (!verbose)
		return;
	cx_put(b, "%s%s \"", op->who == CX_PARENT ? "/proc/<child>/" : "/proc/self/",
	       strrchr(op->write.path, '/') + 1);
	for (const char *p = op->write.text; *p; p++) {
		if (*p == '\n')
			cx_put(b, p[1] ? ", " : "");
		else
			cx_put(b, "%c", *p);
	}
	cx_put(b, "\"");
	put_uncovered(b, plan, op);
}

void cx_describe_unshare(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
			 int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put_namespaces(b, op->unshare.ns);
}

void cx_describe_root(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	(void)op;
	(void)verbose;
	cx_put(b, "/");
}
