/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: bytes -> argv (split at NUL bytes) -> cli_parse(), the
 * CLI's whole option parser; on success the parsed attributes go through
 * cx_explain() too, the path `clonexec --explain` takes. Nothing is ever
 * started. Checks beyond the sanitizers: a failure is a negative errno with
 * a message; a success has a program and argv (unless --help/--version);
 * cli_opts_free() leaves nothing behind (LeakSanitizer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-input.h"
#include "options.h"

#define MAX_ARGS 64

static int quiet_cb(int index, int step, const char *who, const char *text, void *data)
{
	(void)index, (void)step, (void)who, (void)text, (void)data;
	return 0;
}

/* --seccomp FD reads this process's fd FD. In a fuzzer that may be a pipe
 * or a terminal: stdin, what the caller of make left open, or the pipes of
 * the sanitizers' symbolizer (opened when libFuzzer prints NEW_FUNC, so
 * after any start-up check). Reading one blocks until libFuzzer's timeout
 * (or steals the symbolizer's answer): such an input is not run. A file, a
 * directory, /dev/null or a closed fd is read as the CLI would. */
static int reads_blocking_fd(int argc, char **argv)
{
	static const char opt[] = "--seccomp";
	struct stat st, null;

	for (int i = 1; i < argc; i++) {
		const char *v = NULL;
		unsigned long fd = 0;

		if (!strcmp(argv[i], opt) && i + 1 < argc)
			v = argv[i + 1];
		else if (!strncmp(argv[i], opt, sizeof(opt) - 1) && argv[i][sizeof(opt) - 1] == '=')
			v = argv[i] + sizeof(opt);
		if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)
			continue;
		fd = strtoul(v, NULL, 10);
		if (fstat((int)fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
			continue;
		if (S_ISCHR(st.st_mode) && stat("/dev/null", &null) == 0 && st.st_rdev == null.st_rdev)
			continue;
		return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[MAX_ARGS + 2], errbuf[512];
	struct cli_opts opts;
	struct cx_error err;
	int argc = 1, r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "clonexec";
	for (size_t i = 0; i < size && argc <= MAX_ARGS; i++) {
		argv[argc++] = copy + i;
		i += strlen(copy + i);
	}
	argv[argc] = NULL;
	if (reads_blocking_fd(argc, argv)) {
		free(copy);
		return 0;
	}

	memset(errbuf, 0x5a, sizeof(errbuf));
	r = cli_parse(argc, argv, &opts, errbuf, sizeof(errbuf));
	if (r > 0)
		abort();
	if (r < 0 && (!memchr(errbuf, '\0', sizeof(errbuf)) || !errbuf[0]))
		abort();
	if (r == 0 && !opts.help && !opts.version) {
		if (!opts.program || !opts.argv || !opts.argv[0])
			abort();
		r = cx_explain(opts.program, opts.argv, opts.envp, &opts.attr,
			       CX_EXPLAIN_SEARCH_PATH, quiet_cb, NULL, &err);
		if (r < 0 && err.error != -r)
			abort();
	}
	cli_opts_free(&opts);
	free(copy);
	if (fz_has_child())
		abort(); /* something was started */
	return 0;
}
