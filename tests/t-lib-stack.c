/* SPDX-License-Identifier: MIT */
/*
 * The caller's stack the man page promises is enough: cx_spawnp (a PATH
 * search, the first spawn's check, a user namespace with parent-written
 * maps) from a thread whose whole stack is CALLER_STACK, the figure in
 * cx_spawn(3). 40 KiB, the figure before, is too little: the thread dies
 * of a stack overflow (measured on x86_64 with glibc and -O2: 42 KiB is
 * the least that works).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib-util.h"
#include "tap.h"

#define CALLER_STACK (48 * 1024)

static void *spawner(void *arg)
{
	static const struct cx_id_map map = { 0, 0, 65536 };
	char *argv[] = { "true", NULL };
	CX_ATTR(plain);
	CX_ATTR(maps, .cloneflags = CX_NEWUSER, .uid_map = &map, .nuid_map = 1, .gid_map = &map,
		.ngid_map = 1, .flags = CX_ATTR_CLOSE_OTHER_FDS);
	const struct cx_attr *attrs[] = { &plain, &maps, &plain };
	int *good = arg;

	for (int i = 0; i < 3; i++) {
		struct cx_process *p;
		struct cx_status st;

		if (cx_spawnp("true", argv, NULL, attrs[i], &p, NULL) < 0)
			return NULL;
		if (cx_process_wait(p, -1, &st) < 0 || !st.exited || st.exit_code)
			return NULL;
		cx_process_release(p);
		++*good;
	}
	return NULL;
}

static void small_stack(void *unused)
{
	pthread_attr_t a;
	pthread_t t;
	int good = 0;
	(void)unused;

	pthread_attr_init(&a);
	if (pthread_attr_setstacksize(&a, CALLER_STACK) != 0 ||
	    pthread_create(&t, &a, spawner, &good) != 0)
		tap_bail("pthread_create with a %d KiB stack", CALLER_STACK / 1024);
	pthread_join(t, NULL);
	is_int(good, 3, "3 spawns from a thread with a %d KiB stack", CALLER_STACK / 1024);
}

int main(void)
{
	const char *san = getenv("CX_SANITIZE");

	if (geteuid() != 0)
		tap_skip_all("needs root (a user namespace with a 65536-id map)");
	if (san && !strcmp(san, "1"))
		tap_skip_all("AddressSanitizer's redzones make every frame larger");
	/* A crash of the thread (stack overflow) is a failure of the sub. */
	lt_sub("small stack", small_stack, NULL);
	return tap_done();
}
