/* SPDX-License-Identifier: MIT */
/*
 * A memory level: a process forked from spawnbench that holds the parent
 * memory of one level (touched anonymous pages) and spawns on command, so
 * that all levels live at once and their slices can be interleaved with
 * every other method and thread count: noise from the machine then falls on
 * every cell alike, including the 0-vs-4-GiB comparison.
 *
 * Protocol on two pipes: the level writes its RSS once ready; then, per
 * command {method, threads, slice}, it runs the slice on that many threads
 * and writes {n, wall, fails} and n latencies. Method -1 ends it.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawnbench.h"

struct command {
	int method;             /* -1: exit */
	int nthr;
	double slice_us;
};

struct result {
	uint64_t n;
	double wall_us;
	int32_t fails;
};

static struct sb_worker workers[SB_MAX_THREADS];
static char stacks[SB_MAX_THREADS][SB_STACK_SIZE] __attribute__((aligned(64)));

/* The slice the pool runs: a generation count wakes the first nthr threads. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned gen;
	int method, nthr, finished, fails;
	double deadline;
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
	   0, 0, 0, 0, 0, 0 };

/* The first spawn of a slice is not counted: it pays for this process and
 * its threads waking up after the other slots' turns. */
static void run_worker_slice(struct sb_worker *w, const struct sb_method *m, double deadline)
{
	double t0, t1;

	w->nlat = 0;
	w->t_start = w->t_end = sb_now_us();
	if (m->spawn_reap(m, w) < 0)
		goto failed;
	w->t_start = sb_now_us();
	do {
		t0 = sb_now_us();
		if (m->spawn_reap(m, w) < 0)
			goto failed;
		t1 = sb_now_us();
		sb_push(&w->lat, &w->nlat, &w->caplat, t1 - t0);
		w->t_end = t1;
	} while (t1 < deadline);
	return;
failed:
	pthread_mutex_lock(&pool.mu);
	pool.fails++;
	pthread_mutex_unlock(&pool.mu);
}

static void *worker_main(void *arg)
{
	struct sb_worker *w = arg;
	unsigned seen = 0;

	for (;;) {
		pthread_mutex_lock(&pool.mu);
		while (pool.gen == seen)
			pthread_cond_wait(&pool.go, &pool.mu);
		seen = pool.gen;
		if (w->id >= pool.nthr) {
			pthread_mutex_unlock(&pool.mu);
			continue;
		}
		int method = pool.method;
		double deadline = pool.deadline;

		pthread_mutex_unlock(&pool.mu);
		run_worker_slice(w, &sb_methods[method], deadline);
		pthread_mutex_lock(&pool.mu);
		if (++pool.finished == pool.nthr)
			pthread_cond_signal(&pool.done);
		pthread_mutex_unlock(&pool.mu);
	}
	return NULL;
}

static void write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0) {
			perror("spawnbench: level: write");
			_exit(1);
		}
		p += n;
		len -= (size_t)n;
	}
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void serve_slice(const struct command *c, int out)
{
	struct result r = { 0 };
	double t0, first = 0, last = 0;

	pthread_mutex_lock(&pool.mu);
	pool.method = c->method;
	pool.nthr = c->nthr;
	pool.finished = 0;
	pool.fails = 0;
	t0 = sb_now_us();
	pool.deadline = t0 + c->slice_us;
	pool.gen++;
	pthread_cond_broadcast(&pool.go);
	while (pool.finished < pool.nthr)
		pthread_cond_wait(&pool.done, &pool.mu);
	r.fails = pool.fails;
	pthread_mutex_unlock(&pool.mu);
	/* Wall time of the counted spawns: from the first counted start to the
	 * last end over the threads. */
	for (int i = 0; i < c->nthr; i++) {
		if (!workers[i].nlat)
			continue;
		if (!r.n || workers[i].t_start < first)
			first = workers[i].t_start;
		if (!r.n || workers[i].t_end > last)
			last = workers[i].t_end;
		r.n += workers[i].nlat;
	}
	r.wall_us = last - first;
	write_full(out, &r, sizeof(r));
	for (int i = 0; i < c->nthr; i++)
		write_full(out, workers[i].lat, workers[i].nlat * sizeof(double));
}

/* Small pages unless thp: a real heap is rarely all huge pages, and fork's
 * cost is per page table entry. */
static void touch_memory(long mib, int thp)
{
	size_t len = (size_t)mib << 20;
	char *p;

	if (!len)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("spawnbench: level: mmap");
		_exit(1);
	}
	if (!thp)
		madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 0x5a, len);
}

static void level_main(long mib, int thp, int in, int out)
{
	struct command c;
	pthread_t tid;
	long rss;

	touch_memory(mib, thp);
	for (int i = 0; i < SB_MAX_THREADS; i++) {
		workers[i].id = i;
		workers[i].stack = stacks[i];
		if (pthread_create(&tid, NULL, worker_main, &workers[i])) {
			fprintf(stderr, "spawnbench: level: pthread_create failed\n");
			_exit(1);
		}
	}
	rss = sb_rss_kib();
	write_full(out, &rss, sizeof(rss));
	while (read_full(in, &c, sizeof(c)) == 0 && c.method >= 0)
		serve_slice(&c, out);
	_exit(0);
}

int sb_level_start(struct sb_level *l, long mib, int thp)
{
	int cmd[2], res[2];
	long rss;

	if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0) {
		perror("spawnbench: pipe");
		return -1;
	}
	fflush(NULL);
	l->pid = fork();
	if (l->pid < 0) {
		perror("spawnbench: fork");
		return -1;
	}
	if (l->pid == 0) {
		close(cmd[1]);
		close(res[0]);
		level_main(mib, thp, cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	l->cmd_fd = cmd[1];
	l->res_fd = res[0];
	l->mib = mib;
	if (read_full(l->res_fd, &rss, sizeof(rss)) < 0) {
		fprintf(stderr, "spawnbench: the %ld MiB level died while starting\n", mib);
		return -1;
	}
	l->rss_mib = rss / 1024;
	return 0;
}

int sb_level_slice(struct sb_level *l, int method, int nthr, double slice_us, struct sb_cell *c)
{
	struct command cmd = { method, nthr, slice_us };
	struct result r;
	double *lat;

	write_full(l->cmd_fd, &cmd, sizeof(cmd));
	if (read_full(l->res_fd, &r, sizeof(r)) < 0)
		goto died;
	lat = malloc(r.n * sizeof(double) + 1);
	if (!lat || read_full(l->res_fd, lat, r.n * sizeof(double)) < 0)
		goto died;
	if (c) {
		c->wall_us += r.wall_us;
		c->fails += r.fails;
		for (uint64_t i = 0; i < r.n; i++)
			sb_push(&c->lat, &c->n, &c->cap, lat[i]);
	}
	free(lat);
	return 0;
died:
	fprintf(stderr, "spawnbench: the %ld MiB level died\n", l->mib);
	return -1;
}

void sb_level_stop(struct sb_level *l)
{
	struct command cmd = { -1, 0, 0 };
	int status;

	write_full(l->cmd_fd, &cmd, sizeof(cmd));
	close(l->cmd_fd);
	close(l->res_fd);
	waitpid(l->pid, &status, 0);
}
