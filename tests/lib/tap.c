/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static int planned = -1, count, failed;
/* NULL: stdout (not assignable in every C library, hence this). */
static FILE *tap_out;

void tap_output(FILE *f)
{
	fflush(stdout);
	tap_out = f;
}

#define OUT (tap_out ? tap_out : stdout)

void tap_plan(int n)
{
	planned = n;
	fprintf(OUT, "1..%d\n", n);
	fflush(OUT);
}

void tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	fprintf(OUT, "1..0 # SKIP ");
	va_start(ap, fmt);
	vfprintf(OUT, fmt, ap);
	va_end(ap);
	fprintf(OUT, "\n");
	fflush(OUT);
	exit(77);
}

static int vreport(int cond, const char *fmt, va_list ap)
{
	count++;
	if (!cond)
		failed++;
	fprintf(OUT, "%sok %d - ", cond ? "" : "not ", count);
	vfprintf(OUT, fmt, ap);
	fprintf(OUT, "\n");
	fflush(OUT);
	return cond;
}

int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		diag("  got %lld, want %lld", got, want);
	return got == want;
}

int is_str(const char *got, const char *want, const char *fmt, ...)
{
	int same = got && want && strcmp(got, want) == 0;
	va_list ap;

	va_start(ap, fmt);
	vreport(same, fmt, ap);
	va_end(ap);
	if (!same)
		diag("  got '%s', want '%s'", got ? got : "(null)", want ? want : "(null)");
	return same;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	fprintf(OUT, "# ");
	va_start(ap, fmt);
	vfprintf(OUT, fmt, ap);
	va_end(ap);
	fprintf(OUT, "\n");
	fflush(OUT);
}

int tap_done(void)
{
	if (planned < 0)
		fprintf(OUT, "1..%d\n", count);
	else if (planned != count)
		diag("planned %d tests, ran %d", planned, count), failed++;
	fflush(OUT);
	return failed ? 1 : 0;
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;

	fprintf(OUT, "Bail out! ");
	va_start(ap, fmt);
	vfprintf(OUT, fmt, ap);
	va_end(ap);
	fprintf(OUT, "\n");
	fflush(OUT);
	exit(1);
}
