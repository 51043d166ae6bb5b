/* SPDX-License-Identifier: MIT */
/*
 * The memory target: the library keeps nothing per spawn. Parent RSS and fd
 * count are read after a warm-up and again after n spawns (cycling through
 * the libclonexec rows except the six-namespace one, whose network namespace
 * costs milliseconds); the fd count must not move and RSS may move by at most
 * SB_RSS_BOUND_KIB (malloc's arenas breathe a little; a leak of even a few
 * bytes per spawn over 100,000 spawns does not fit).
 */
#include <stdio.h>
#include <unistd.h>

#include "cxt.h"
#include "spawnbench.h"

#define SB_RSS_BOUND_KIB 256
#define SB_WARMUP 1000

static int spawn_loop(struct sb_worker *w, long n)
{
	int rows[16], nrows = 0;

	for (int i = 0; i < sb_nmethods && nrows < 16; i++)
		if (sb_methods[i].kind == SB_LIB && sb_methods[i].floor != SB_FLOOR_ALLNS)
			rows[nrows++] = i;
	for (long i = 0; i < n; i++) {
		const struct sb_method *m = &sb_methods[rows[i % nrows]];

		if (m->spawn_reap(m, w) < 0)
			return -1;
	}
	return 0;
}

int sb_memcheck(long n, const char *csv_path)
{
	struct sb_worker w = { 0 };
	long rss0, rss1;
	int fd0, fd1, pass;
	double t0, t1;
	FILE *csv;

	if (spawn_loop(&w, SB_WARMUP) < 0)
		return -1;
	rss0 = sb_rss_kib();
	fd0 = cxt_fd_count();
	t0 = sb_now_us();
	if (spawn_loop(&w, n) < 0)
		return -1;
	t1 = sb_now_us();
	rss1 = sb_rss_kib();
	fd1 = cxt_fd_count();
	pass = fd0 == fd1 && rss1 - rss0 <= SB_RSS_BOUND_KIB && rss0 - rss1 <= SB_RSS_BOUND_KIB;
	sb_out("memory: %ld libclonexec spawns (cx, cx-cred, cx-closefds, cx-cgroup, cx-userpid "
	       "in turn) in %.1f s\n", n, (t1 - t0) / 1e6);
	sb_out("memory: parent RSS %ld KiB -> %ld KiB (%+ld KiB), fds %d -> %d\n", rss0, rss1,
	       rss1 - rss0, fd0, fd1);
	sb_out("TARGET RSS and fds unchanged after %ld spawns (|dRSS| <= %d KiB, dfd = 0): "
	       "%+ld KiB, %+d fds  %s\n", n, SB_RSS_BOUND_KIB, rss1 - rss0, fd1 - fd0,
	       pass ? "PASS" : "MISS");
	sb_tally(pass);
	csv = fopen(csv_path, "we");
	if (csv) {
		fprintf(csv, "spawns,rss_before_kib,rss_after_kib,fds_before,fds_after,pass\n");
		fprintf(csv, "%ld,%ld,%ld,%d,%d,%d\n", n, rss0, rss1, fd0, fd1, pass);
		fclose(csv);
	}
	return pass;
}
