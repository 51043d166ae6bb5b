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
#include <fcntl.h>
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

/* Options that read an fd (--seccomp FD) read this process's: one that is
 * a pipe or a terminal (stdin, or what the caller of make left open) would
 * block the run until libFuzzer's timeout. Every such fd but stdout and
 * stderr reads /dev/null instead; files and directories stay. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct stat st;

	(void)argc, (void)argv;
	for (int fd = 0; null >= 0 && fd < 1024; fd++)
		if (fd != 1 && fd != 2 && fd != null && fstat(fd, &st) == 0 &&
		    !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			dup3(null, fd, O_CLOEXEC);
	if (null >= 0)
		close(null);
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
