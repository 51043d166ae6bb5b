/* SPDX-License-Identifier: MIT */
/* (Not "features.h": that name is libc's own, and -Isrc would shadow it.) */
/*
 * What the kernel and the runtime can do, probed once and cached in one
 * place (as libbpf's features.c): the planner and the spawner ask here,
 * neither asks the other.
 */
#ifndef CX_FEATURES_H
#define CX_FEATURES_H

enum cx_feature {
	/* clone3 exists (learned at the first spawn that tries it). */
	CX_FEAT_CLONE3,
	/* CLONE_VM really shares memory: not so under valgrind or qemu-user,
	 * which turn it into a fork. Assumed (except where valgrind.h says
	 * valgrind) until a spawn finds otherwise. */
	CX_FEAT_VM_SHARED,
	/* A spawn has seen memory shared: later ones need not check. */
	CX_FEAT_VM_SHARED_SEEN,
	/* pidfd_open may be called (valgrind 3.19 warns at every call of a
	 * syscall it does not know; the answer would be ENOSYS anyway). */
	CX_FEAT_PIDFD_OPEN,
	/* 0.2, issue 9: openat2 (Linux 5.6; valgrind 3.19 lacks it) */
	CX_FEAT_OPENAT2,
	/* mount_setattr (Linux 5.12) */
	CX_FEAT_MOUNT_SETATTR,
	/* 0.2, issue 14: close_range with CLOSE_RANGE_UNSHARE (Linux 5.9) */
	CX_FEAT_CLOSE_RANGE,
	CX_FEAT_MAX_
};

/* 1 when present, 0 when absent (probing at the first call). */
int cx_feature(enum cx_feature f);
/* The caller learned the hard way that f is absent (e.g. clone3: ENOSYS). */
void cx_feature_missing(enum cx_feature f);
/* The caller saw that f is present. */
void cx_feature_found(enum cx_feature f);

/* /proc/sys/kernel/cap_last_cap (a later kernel may know more than our
 * headers); 40 when unreadable. */
int cx_cap_last(void);

/* 0.2, issue 10: the kernel's Landlock ABI version, 0 when it has none
 * (or it is disabled, or valgrind does not know the system call). */
int cx_landlock_abi(void);
/* The highest CPU number this machine may have (/sys/devices/system/cpu/
 * possible; the configured count when unreadable). */
int cx_cpu_last(void);

#endif
