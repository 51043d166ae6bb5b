/* SPDX-License-Identifier: MIT */
/* livebench's parts: live.c (the run, memory, the report) and live-ways.c
 * (how each method starts, ends and reaps its children). */
#ifndef CX_BENCH_LIVE_H
#define CX_BENCH_LIVE_H
#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>

#define NCACHES 5      /* live.c's caches[] */

struct mem {
	long rss_kib;
	long slab_kib;          /* /proc/meminfo Slab */
	long cache[NCACHES];    /* bytes: active objects x object size */
};

struct sample {
	double *lat;            /* per-spawn µs */
	size_t n, cap;
	double reap_wall, reap_cpu;   /* summed over reps, µs */
	double kill_wall;
	long reaped;
	int reps;
	struct mem before, alive;     /* of the last rep */
};

extern const char *sleeper;
extern char *child_argv[];

double cpu_us(void);
int fail(const char *what, int e);
void all_ended(idtype_t type, id_t id, int n);
int spawn_all(int n, struct sample *s, int (*one)(int i));
int end_all_children(int n, struct sample *s, int (*one)(int i));

/* The methods: run n children once, adding to s. */
int run_cx(int n, struct sample *s);
int run_cx_inherit(int n, struct sample *s);
int run_posix(int n, struct sample *s);
int run_posix_pidfd(int n, struct sample *s);
int run_floor_unshare(int n, struct sample *s);
#endif
