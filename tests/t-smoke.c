/* SPDX-License-Identifier: MIT */
/* The library starts a program and the program sees itself as asked. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cxt.h"
#include "tap.h"

int main(void)
{
	char probe[256], out[16384], val[256];
	struct cx_status st;
	struct cx_error err;
	int r;

	cxt_helper("probe", probe, sizeof(probe));
	char *argv[] = { probe, "fds", "status", NULL };
	CX_ATTR(a, .flags = CX_ATTR_CLOSE_OTHER_FDS);

	r = cxt_run(probe, argv, &a, out, sizeof(out), &st, &err);
	is_int(r, 0, "spawn and wait");
	is_int(st.exited && st.exit_code == 0, 1, "probe exited 0");
	is_str(cxt_field(out, "fds", val, sizeof(val)), "0,1,2", "close-others leaves exactly 0,1,2");
	is_str(cxt_field(out, "SigBlk", val, sizeof(val)), "0000000000000000", "no signal blocked");
	return tap_done();
}
