/* SPDX-License-Identifier: MIT */
/* A minimal TAP producer for test programs: exit 0 pass, 1 fail, 77 skip. */
#ifndef CX_TAP_H
#define CX_TAP_H

#include <stdarg.h>
#include <stdio.h>

void tap_plan(int n);
/* Write the TAP lines to f from now on (a test that needs fd 1 free). */
void tap_output(FILE *f);
/* Print "1..0 # SKIP reason" and exit 77. */
__attribute__((noreturn, format(printf, 1, 2))) void tap_skip_all(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...);
__attribute__((format(printf, 3, 4))) int is_int(long long got, long long want, const char *fmt, ...);
__attribute__((format(printf, 3, 4))) int is_str(const char *got, const char *want, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...);
/* Print the plan if none was given; the exit code for main. */
int tap_done(void);
/* Abort the whole test with a failure (setup could not be done). */
__attribute__((noreturn, format(printf, 1, 2))) void tap_bail(const char *fmt, ...);

#endif
