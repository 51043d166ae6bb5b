/* SPDX-License-Identifier: MIT */
/*
 * Every step has a name, the names are unique, and man/cx_step_name.3
 * lists each one with its value, in the header's order: the page cannot
 * drift from the enum as steps are added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clonexec.h"
#include "tap.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	static char buf[1 << 18];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	/* roff's \- is a plain hyphen in a name. */
	for (char *r = buf, *w = buf;; r++) {
		if (r[0] == '\\' && r[1] == '-')
			r++;
		if (!(*w++ = *r))
			break;
	}
	return buf;
}

int main(void)
{
	const char *page = getenv("CX_SRC") ? getenv("CX_SRC") : ".";
	char path[4096], want[256];
	const char *text, *at, *prev = NULL;
	int missing = 0, dup = 0, order = 1;

	snprintf(path, sizeof(path), "%s/man/cx_step_name.3", page);
	text = slurp(path);
	if (!text)
		tap_bail("%s: cannot read (run from the top of the tree, or set CX_SRC)", path);
	is_str(cx_step_name(CX_STEP_MAX_), NULL, "no name past the last step");
	for (int s = 0; s < CX_STEP_MAX_; s++) {
		const char *name = cx_step_name(s);

		if (!name || !*name) {
			ok(0, "step %d has a name", s);
			continue;
		}
		for (int t = 0; t < s; t++)
			if (cx_step_name(t) && !strcmp(cx_step_name(t), name)) {
				diag("steps %d and %d are both '%s'", t, s, name);
				dup = 1;
			}
		snprintf(want, sizeof(want), "\" = %d: \\(dq%s\\(dq\"", s, name);
		at = strstr(text, want);
		if (!at) {
			diag("man/cx_step_name.3 lacks: .BR CX_STEP_... %s", want);
			missing = 1;
		} else if (prev && at < prev) {
			order = 0;
		}
		if (at)
			prev = at;
	}
	ok(!dup, "every step name is unique");
	ok(!missing, "man/cx_step_name.3 lists all %d steps with their values", CX_STEP_MAX_);
	ok(order, "in the header's order");
	return tap_done();
}
