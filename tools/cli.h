/* SPDX-License-Identifier: MIT */
/*
 * The option groups behind cli_parse(). Each concern (process, fds,
 * credentials, namespaces, session, resources, output) is one file
 * (tools/opt-*.c) with its table of options, the function that applies one
 * of them and the one that settles the group after the last option; the
 * walk over argv (options.c) knows only the list of groups.
 *
 * Adding an option: a line in its group's table and a case in its apply.
 * Adding a group: a file, its state below, its line in options.c's list.
 */
#ifndef CLONEXEC_TOOLS_CLI_H
#define CLONEXEC_TOOLS_CLI_H

#include <stdint.h>

#include "options.h"

enum cli_arg {
	CLI_ARG_NONE,
	CLI_ARG_REQUIRED,
	CLI_ARG_OPTIONAL, /* only as --name=VALUE */
	CLI_ARG_TWO,      /* --name A B (bubblewrap's --bind SRC DEST) */
};

struct cli_opt {
	const char *name;    /* long name, or NULL for a letter alone */
	char letter;
	unsigned char arg;   /* enum cli_arg */
	unsigned char id;    /* the group's own enum */
	const char *argname; /* for --help: "DIR", "SRC DEST" */
	const char *help;
	const char *extra;   /* the group's own datum (the namespace of -U...) */
};

/* What only parsing needs to remember, group by group. */
struct cli_state {
	struct cli_opts *o;
	char *err;
	size_t errlen;
	const char *optname; /* "--uid" for messages; NULL: not about one option */
	struct {
		int keep;
		int (*pairs)[2]; /* --fd CHILD=PARENT, in order */
		unsigned int npairs;
	} fd;
	struct {
		int uid_set, gid_set, groups_set, keep_groups;
		unsigned int ngroups;
	} cred;
	struct {
		int map_root, map_current, setgroups_set, setgroups_allow;
		uint64_t letters;
		unsigned int nuid_map, ngid_map;
	} ns;
	struct {
		int ctty_set;
	} session;
	struct {
		unsigned int nrlimits;
	} res;
	/* issue 10: join and confine */
	struct cli_caps_state {
		int keep_set, bounding_set, inh_set, secbits_set;
		uint64_t keep, bounding, inh;
		uint32_t secbits;
	} caps;
	struct {
		int fd_set;
		void *ctx;           /* libseccomp's, while --seccomp-deny rules add up */
	} seccomp;
	struct {
		int access_set;      /* --landlock-access given */
		int simple;          /* --landlock-ro/--landlock-rw given */
		uint64_t access;
		unsigned int nrules;
	} landlock;
	struct {
		const char *pid;     /* --join PID */
		const char *types;   /* --join-ns LIST */
		unsigned int nfds;
		int time_set;
	} join;
};

struct cli_group {
	const char *title;   /* heading in --help */
	const struct cli_opt *opts;
	size_t nopts;
	int (*apply)(struct cli_state *s, const struct cli_opt *op, char *arg, char *arg2);
	/* After the last option, in the order of options.c's list; may be NULL. */
	int (*finish)(struct cli_state *s);
	/* Frees what the group's state owns; may be NULL. */
	void (*cleanup)(struct cli_state *s);
};

extern const struct cli_group cli_group_process, cli_group_fd, cli_group_cred, cli_group_ns,
	cli_group_session, cli_group_resources, cli_group_output;
/* issue 10 */
extern const struct cli_group cli_group_join, cli_group_caps, cli_group_seccomp,
	cli_group_landlock;

#define CLI_GROUP(title_, opts_, apply_, finish_, cleanup_)                              \
	{ .title = title_, .opts = opts_, .nopts = sizeof(opts_) / sizeof(opts_[0]),      \
	  .apply = apply_, .finish = finish_, .cleanup = cleanup_ }

/* options.c: a message naming the option being parsed; returns -error. */
int cli_fail(struct cli_state *s, int error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Room for one more element in an array of n, grown by powers of two. */
int cli_grow(void *pp, unsigned int n, size_t size);
int cli_fd_is_open(int fd);
/* The option being applied (with arg, if any) set field[index] (index -1:
 * the whole field); see struct cli_origin. */
int cli_note(struct cli_state *s, const char *field, int index, const char *arg);
int cli_parse_int(struct cli_state *s, const char *arg, long long max, const char *what,
		  int *ret);

/* The library's limits, for messages before the library is asked. */
#define CLI_FD_MAX ((1 << 20) - 1)
#define CLI_NEWUSER 0x10000000ULL

/* opt-join.c: frees and closes what the issue 10 groups own in cli_opts. */
void cli_confine_free(struct cli_opts *o);

/* opt-fd.c: is child fd 'fd' open in the child (after the fd plan)? */
int cli_child_has_fd(const struct cli_state *s, int fd);

#endif
