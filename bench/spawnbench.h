/* SPDX-License-Identifier: MIT */
/*
 * spawnbench: the cost of spawning and reaping a no-op static program, by
 * libclonexec with several attribute mixes, by glibc and by raw clone.
 */
#ifndef SPAWNBENCH_H
#define SPAWNBENCH_H

#include <spawn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "clonexec.h"

#define SB_MAX_THREADS 4
#define SB_STACK_SIZE (64 * 1024)

/* What one spawning thread owns. */
struct sb_worker {
	int id;
	char *stack;            /* for the raw floors: this thread's static stack */
	volatile uint32_t go;   /* floor with parent-written maps: child waits on it */
	double *lat;            /* per-spawn latencies of the current slice (µs) */
	size_t nlat, caplat;
	double t_start, t_end;  /* the counted spawns of the current slice */
};

enum sb_kind {
	SB_LIB,      /* libclonexec */
	SB_BASE,     /* glibc / classic baselines */
	SB_FLOOR,    /* raw clone: the floor */
};

/* Which floor a row is compared with. */
enum sb_floor {
	SB_FLOOR_PLAIN,
	SB_FLOOR_USERPID,
	SB_FLOOR_ALLNS,
	SB_FLOOR_NONE,   /* no raw floor does the same work */
};

struct sb_method {
	const char *name;
	enum sb_kind kind;
	enum sb_floor floor;
	/* Spawn and reap once: 0, or -1 after printing why. */
	int (*spawn_reap)(const struct sb_method *m, struct sb_worker *w);
	const struct cx_attr *attr;        /* libclonexec rows (NULL: none) */
	unsigned long nsflags;             /* namespace floors */
	int attr_row;                      /* issues 9-11's rows: their own plot */
};

/* The shared inputs of every spawn. */
struct sb_env {
	const char *noop;       /* absolute path of the no-op program */
	char *argv[2];
	char **envp;
	uid_t uid;
	gid_t gid;
	int cgroup_fd;          /* /sys/fs/cgroup/unified/cx-bench, or -1 */
};

extern struct sb_env sb_env;

/* methods.c: the rows, in table order. */
extern const struct sb_method sb_methods[];
extern const int sb_nmethods;
int sb_methods_setup(void);     /* attributes, cgroup, the extra fds */
void sb_methods_teardown(void);

/* rows.c: the attribute mixes of issues 9-11, built by sb_rows_setup. */
extern struct cx_attr sb_attr_sandbox, sb_attr_join, sb_attr_caps, sb_attr_landlock,
	sb_attr_seccomp, sb_attr_resources, sb_attr_cgroup_own;
void sb_rows_setup(void);
void sb_rows_teardown(void);

/* sandbox.c: issue 9's sandbox of prog (bench/README.md), and the
 * directory of a path (one static buffer, bound into that sandbox). */
void sb_sandbox_attr(struct cx_attr *a, const char *prog);
const char *sb_dir_of(const char *path);

/* floor.c: raw clone + execve. */
int sb_floor_plain(const struct sb_method *m, struct sb_worker *w);
int sb_floor_ns_parent(const struct sb_method *m, struct sb_worker *w);
int sb_floor_ns_self(const struct sb_method *m, struct sb_worker *w);
int sb_floor_setup(void);
int sb_check_status(const char *who, int status);

/* selfmap.c: the raw child's own id maps (raw system calls only). */
long sb_child_self_maps(const char *uid_map, long uid_len, const char *gid_map, long gid_len);

/* The measurements of one method at one memory level and thread count. */
struct sb_cell {
	double *lat;            /* every measured spawn, µs; sorted by sb_report */
	size_t n, cap;
	double wall_us;         /* wall time of the measured slices */
	long fails;
	double median, p99, mean;
};

#define SB_MAX_LEVELS 4

struct sb_results {
	int nmem, nthr;
	long mem_mib[SB_MAX_LEVELS];
	long rss_mib[SB_MAX_LEVELS];  /* measured parent RSS at each level */
	int threads[SB_MAX_LEVELS];
	int avail[32];                /* per method: it ran once in the trial */
	struct sb_cell *cells;        /* [mem][thr][method] */
};

struct sb_cell *sb_cell(struct sb_results *res, int mi, int ti, int m);

/* report.c: table, CSV, plot data and targets. */
void sb_report_header(const char *mode);
void sb_report(struct sb_results *res, const char *dir);
void sb_tally(int pass);

/* level.c: a process holding one level of parent memory, spawning on command. */
struct sb_level {
	pid_t pid;
	int cmd_fd, res_fd;
	long mib, rss_mib;
};

int sb_level_start(struct sb_level *l, long mib, int thp);
int sb_level_slice(struct sb_level *l, int method, int nthr, double slice_us, struct sb_cell *c);
void sb_level_stop(struct sb_level *l);

/* stats.c, shared by every bench program. sb_out prints to stdout and to
 * the text copy of the report opened by sb_out_open. */
double sb_now_us(void);
void sb_sort(double *v, size_t n);
double sb_quantile(const double *sorted, size_t n, double q);
void sb_push(double **v, size_t *n, size_t *cap, double x);
long sb_rss_kib(void);
void sb_settle(double ms);
const char *sb_beside_self(const char *name);
void sb_out_open(const char *path);
void sb_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cmd.c: a command split at spaces into argv (max entries, then NULL),
 * and one timed run of it (µs; exits unless it exits 0). */
void sb_cmd_split(const char *who, char **argv, int max, char *text);
double sb_cmd_run(const char *who, char *const *argv, const posix_spawn_file_actions_t *fa);
void sb_cmd_quiet(posix_spawn_file_actions_t *fa);   /* stdout, stderr: /dev/null */

/* memcheck.c: parent RSS and fd count around n spawns. */
int sb_memcheck(long n, const char *csv_path);

#endif
