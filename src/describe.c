/* SPDX-License-Identifier: MIT */
/* Words for steps: error records, error lines, explanations. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

void cx_error_vset(struct cx_error *err, int step, int error, int index, const char *fmt,
		   va_list ap)
{
	err->step = step;
	err->error = error;
	err->index = index;
	err->reserved = 0;
	vsnprintf(err->object, sizeof(err->object), fmt, ap);
}

void cx_error_set(struct cx_error *err, int step, int error, int index, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cx_error_vset(err, step, error, index, fmt, ap);
	va_end(ap);
}

void cx_put(struct cx_buf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->used >= b->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->s + b->used, b->len - b->used, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->used += (size_t)w < b->len - b->used ? (size_t)w : b->len - b->used - 1;
}

/* Describers shared by several concerns. */
void cx_describe_path(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "%s", op->path.path);
}

void cx_describe_exec(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		      int verbose)
{
	(void)plan;
	if (!op->exec.nlist) {
		cx_put(b, "%s", op->exec.path);
		return;
	}
	if (!verbose) {
		/* An error that no one candidate decided: all were missing. */
		cx_put(b, "%s (%u candidates)", op->exec.path, op->exec.nlist);
		return;
	}
	cx_put(b, "the first of");
	for (unsigned int i = 0; i < op->exec.nlist; i++)
		cx_put(b, "%s %s", i ? "," : "", op->exec.list[i]);
	cx_put(b, " that runs (execvp's rule)");
}

void cx_describe_fd(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		    int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "%d", op->fd.fd);
}

void cx_describe_umask(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		       int verbose)
{
	(void)plan;
	(void)verbose;
	cx_put(b, "%04o", op->umask.mask);
}

static void describe(struct cx_buf *b, const struct cx_plan *plan, const struct cx_op *op,
		     int verbose)
{
	cx_describe_fn fn = cx_steps[op->step].describe;

	if (fn)
		fn(b, plan, op, verbose);
}

void cx_op_object(const struct cx_plan *plan, const struct cx_op *op, char *s, size_t len)
{
	struct cx_buf b = { s, len, 0 };

	s[0] = '\0';
	describe(&b, plan, op, 0);
}

void cx_error_from_op(struct cx_error *err, const struct cx_plan *plan, int index, int error)
{
	err->step = plan->ops[index].step;
	err->error = error;
	err->index = index + 1;
	err->reserved = 0;
	cx_op_object(plan, &plan->ops[index], err->object, sizeof(err->object));
}

int cx_error_format(const struct cx_error *err, char *s, size_t len)
{
	struct cx_buf b = { s, len, 0 };
	const char *name;

	if (!err || !s || !len)
		return -EINVAL;
	s[0] = '\0';
	name = cx_step_name(err->step);
	if (err->step == CX_STEP_CHECK && err->object[0])
		cx_put(&b, "%s", err->object);
	else if (err->object[0])
		cx_put(&b, "%s %s", name ? name : "unknown step", err->object);
	else
		cx_put(&b, "%s", name ? name : "unknown step");
	cx_put(&b, ": %s", strerror(err->error));
	return 0;
}

int cx_describe_plan(const struct cx_plan *plan, cx_explain_fn fn, void *userdata)
{
	for (int i = 0; i < plan->nops; i++) {
		const struct cx_op *op = &plan->ops[i];
		char object[2 * CX_MAP_TEXT_MAX], text[2 * CX_MAP_TEXT_MAX + 64];
		struct cx_buf b = { object, sizeof(object), 0 };
		int r;

		object[0] = '\0';
		describe(&b, plan, op, 1);
		snprintf(text, sizeof(text), "%s%s%s", cx_steps[op->step].name,
			 object[0] ? " " : "", object);
		r = fn(i + 1, op->step,
		       plan->mode == CX_MODE_IN_PLACE ? "self"
		       : op->who == CX_PARENT	      ? "parent"
						      : "child",
		       text, userdata);
		if (r)
			return r;
	}
	return 0;
}
