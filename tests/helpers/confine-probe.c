/* SPDX-License-Identifier: MIT */
/*
 * What the join-and-confine tests (issue 10) look at from inside the
 * program, as key=value lines:
 *   mkdir PATH        mkdir=<errno or 0>
 *   write PATH        write=<errno or 0> (creates or truncates PATH)
 *   read PATH         read=<errno or 0>
 *   getpid            getpid=<pid>
 *   securebits        securebits=<PR_GET_SECUREBITS, hex>
 *   pdeathsig         pdeathsig=<PR_GET_PDEATHSIG: the signal number, 0 for none>
 *   monotonic         monotonic=<CLOCK_MONOTONIC seconds>
 *   boottime          boottime=<CLOCK_BOOTTIME seconds>
 *   uptime            uptime=<first field of /proc/uptime, seconds>
 *   ns NAME           ns_NAME=<readlink /proc/self/ns/NAME>
 *   hostname          hostname=<gethostname>
 *   status KEY        KEY=<the /proc/self/status field>
 *   ppid              ppid=<getppid()>
 *   filter FILE       writes a raw seccomp filter (struct sock_filter[]) to
 *                     FILE that fails mkdir and mkdirat with EACCES
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH_SELF AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_SELF AUDIT_ARCH_AARCH64
#endif

static int write_filter(const char *file)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_SELF, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef SYS_mkdir
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 2, 0),
#else
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdirat, 2, 0),
#endif
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdirat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
	};
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, f, sizeof(f)) != (ssize_t)sizeof(f))
		return 1;
	return close(fd) ? 1 : 0;
}

static void status_field(const char *key)
{
	char line[512];
	size_t len = strlen(key);
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			char *v = line + len + 1;

			v += strspn(v, " \t");
			printf("%s=%s", key, v);
		}
	}
	if (f)
		fclose(f);
}

static long long clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *v = argv[i], *arg = i + 1 < argc ? argv[i + 1] : "";
		char buf[4096];
		ssize_t n;
		int fd;

		if (!strcmp(v, "mkdir")) {
			printf("mkdir=%d\n", mkdir(arg, 0755) < 0 ? errno : 0);
			i++;
		} else if (!strcmp(v, "write")) {
			fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
			printf("write=%d\n", fd < 0 ? errno : 0);
			if (fd >= 0)
				close(fd);
			i++;
		} else if (!strcmp(v, "read")) {
			fd = open(arg, O_RDONLY | O_CLOEXEC);
			printf("read=%d\n", fd < 0 ? errno : 0);
			if (fd >= 0)
				close(fd);
			i++;
		} else if (!strcmp(v, "getpid")) {
			printf("getpid=%d\n", (int)getpid());
		} else if (!strcmp(v, "ppid")) {
			printf("ppid=%d\n", (int)getppid());
		} else if (!strcmp(v, "securebits")) {
			printf("securebits=%x\n", (unsigned int)prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
		} else if (!strcmp(v, "pdeathsig")) {
			int sig = -1;

			prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
			printf("pdeathsig=%d\n", sig);
		} else if (!strcmp(v, "monotonic")) {
			printf("monotonic=%lld\n", clock_s(CLOCK_MONOTONIC));
		} else if (!strcmp(v, "boottime")) {
			printf("boottime=%lld\n", clock_s(CLOCK_BOOTTIME));
		} else if (!strcmp(v, "uptime")) {
			fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC);
			n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
			buf[n > 0 ? n : 0] = '\0';
			printf("uptime=%lld\n", atoll(buf));
			if (fd >= 0)
				close(fd);
		} else if (!strcmp(v, "ns")) {
			char path[64];

			snprintf(path, sizeof(path), "/proc/self/ns/%s", arg);
			n = readlink(path, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			printf("ns_%s=%s\n", arg, buf);
			i++;
		} else if (!strcmp(v, "hostname")) {
			gethostname(buf, sizeof(buf) - 1);
			printf("hostname=%s\n", buf);
		} else if (!strcmp(v, "status")) {
			status_field(arg);
			i++;
		} else if (!strcmp(v, "filter")) {
			return write_filter(arg);
		} else {
			fprintf(stderr, "confine-probe: unknown verb %s\n", v);
			return 2;
		}
	}
	return fflush(stdout) ? 1 : 0;
}
