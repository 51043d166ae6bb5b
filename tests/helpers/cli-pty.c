/* SPDX-License-Identifier: MIT */
/*
 * cli-pty [-w FILE] [-c CHAR] command [argument...]: run a command on a new
 * pseudo-terminal as its controlling terminal (a session of its own),
 * copy what it writes to stdout, and exit with its status (128+N for a
 * signal). With -w FILE, type the byte CHAR (decimal, default 3: ^C) on
 * the terminal once FILE exists. Output processing and echo are off, so
 * lines end in "\n" as they were written. Gives up after 60 seconds.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void child(int master, char **argv)
{
	struct termios tio;
	int slave;

	setsid();
	slave = open(ptsname(master), O_RDWR);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0) {
		perror("cli-pty: slave");
		_exit(125);
	}
	if (tcgetattr(slave, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)OPOST;
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(slave, TCSANOW, &tio);
	}
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	if (slave > 2)
		close(slave);
	execvp(argv[0], argv);
	perror("cli-pty: execvp");
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *trigger = NULL;
	char ch = 3, buf[4096];
	time_t deadline = time(NULL) + 60;
	int master, opt, status = 0, done = 0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+w:c:")) != -1) {
		if (opt == 'w')
			trigger = optarg;
		else if (opt == 'c')
			ch = (char)atoi(optarg);
		else
			return 125;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: cli-pty [-w FILE] [-c CHAR] command [argument...]\n");
		return 125;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		perror("cli-pty: posix_openpt");
		return 125;
	}
	pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0)
		child(master, argv + optind);
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		int r = poll(&pfd, 1, 50);

		if (r > 0) {
			ssize_t n = read(master, buf, sizeof(buf));

			if (n > 0 && write(1, buf, (size_t)n) != n)
				break;
			if (n <= 0 && done)
				break;
			if (n <= 0) /* EIO: nobody holds the slave open */
				usleep(10000);
		} else if (done) {
			break; /* exited and drained */
		}
		if (trigger && access(trigger, F_OK) == 0) {
			if (write(master, &ch, 1) != 1)
				perror("cli-pty: write");
			trigger = NULL;
		}
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = 1;
		if (time(NULL) > deadline) {
			fprintf(stderr, "cli-pty: timed out\n");
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 124;
		}
	}
	if (!done)
		waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
