/* subproc.c — a helper process with a deadline (subproc.h). */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep the last bytes of stderr in r->err. */
static void
keep(struct ld_spawn_result *r, size_t *n, const char *p, size_t len)
{
	size_t cap = sizeof(r->err) - 1;
	if (len >= cap) {
		memcpy(r->err, p + len - cap, cap);
		*n = cap;
	} else {
		if (*n + len > cap) {
			size_t drop = *n + len - cap;
			memmove(r->err, r->err + drop, *n - drop);
			*n -= drop;
		}
		memcpy(r->err + *n, p, len);
		*n += len;
	}
	r->err[*n] = '\0';
}

int
ld_child_start(struct ld_child *ch, char *const argv[], int timeout_ms)
{
	return ld_child_start_in(ch, argv, timeout_ms, -1);
}

int
ld_child_start_in(struct ld_child *ch, char *const argv[], int timeout_ms,
                  int in_fd)
{
	return ld_child_start_io(ch, argv, timeout_ms, in_fd, -1);
}

int
ld_child_start_io(struct ld_child *ch, char *const argv[], int timeout_ms,
                  int in_fd, int out_fd)
{
	memset(ch, 0, sizeof(*ch));
	ch->errfd = -1;
	struct ld_spawn_result *r = &ch->r;
	int fds[2];
	if (pipe(fds) != 0) {
		r->how = LD_SPAWN_FAILED;
		r->code = errno;
		ch->done = true;
		return -r->code;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	/* Its own process group: the deadline kills what it started too. */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	int rc = posix_spawn(&ch->pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		r->how = LD_SPAWN_FAILED;
		r->code = rc;
		ch->done = true;
		return -rc;
	}
	ch->errfd = fds[0];
	ch->timeout_ms = timeout_ms;
	ch->deadline_ms = mono_ms() + timeout_ms;
	return 0;
}

static void
drain(struct ld_child *ch)
{
	char buf[4096];
	ssize_t k;
	while (ch->errfd >= 0 && (k = read(ch->errfd, buf, sizeof(buf))) > 0)
		keep(&ch->r, &ch->nerr, buf, (size_t)k);
}

static void
finish(struct ld_child *ch, int status, bool timed_out)
{
	struct ld_spawn_result *r = &ch->r;
	drain(ch);
	if (ch->errfd >= 0)
		close(ch->errfd);
	ch->errfd = -1;
	while (ch->nerr > 0 && r->err[ch->nerr - 1] == '\n')
		r->err[--ch->nerr] = '\0';
	if (timed_out) {
		r->how = LD_SPAWN_TIMEOUT;
	} else if (WIFSIGNALED(status)) {
		r->how = LD_SPAWN_SIGNALED;
		r->sig = WTERMSIG(status);
	} else {
		r->how = LD_SPAWN_EXITED;
		r->code = WEXITSTATUS(status);
	}
	ch->done = true;
}

bool
ld_child_poll(struct ld_child *ch)
{
	if (ch->done)
		return true;
	drain(ch);
	int status = 0;
	if (waitpid(ch->pid, &status, WNOHANG) == ch->pid) {
		finish(ch, status, false);
		return true;
	}
	if (mono_ms() >= ch->deadline_ms) {
		ld_child_kill(ch);
		return true;
	}
	return false;
}

void
ld_child_kill(struct ld_child *ch)
{
	if (ch->done)
		return;
	kill(-ch->pid, SIGKILL);
	kill(ch->pid, SIGKILL);
	int status = 0;
	waitpid(ch->pid, &status, 0);
	finish(ch, status, true);
}

int
ld_spawn(char *const argv[], int timeout_ms, struct ld_spawn_result *r)
{
	return ld_spawn_to(argv, timeout_ms, -1, r);
}

int
ld_spawn_to(char *const argv[], int timeout_ms, int out_fd,
            struct ld_spawn_result *r)
{
	struct ld_child ch;
	int rc = ld_child_start_io(&ch, argv, timeout_ms, -1, out_fd);
	while (rc == 0 && !ld_child_poll(&ch)) {
		struct pollfd pf = {ch.errfd, POLLIN, 0};
		poll(&pf, ch.errfd >= 0 ? 1 : 0, 20);
	}
	*r = ch.r;
	return rc;
}

const char *
ld_spawn_describe(const struct ld_spawn_result *r, int timeout_ms, char *buf,
                  size_t len)
{
	switch (r->how) {
	case LD_SPAWN_EXITED:
		snprintf(buf, len, "exit status %d", r->code);
		break;
	case LD_SPAWN_SIGNALED:
		snprintf(buf, len, "crashed (signal %d, %s)", r->sig,
		         strsignal(r->sig));
		break;
	case LD_SPAWN_TIMEOUT:
		snprintf(buf, len, "killed after %d s without finishing",
		         (timeout_ms + 999) / 1000);
		break;
	case LD_SPAWN_FAILED:
		snprintf(buf, len, "could not start: %s", strerror(r->code));
		break;
	}
	return buf;
}

void
ld_report_runner(char *out, size_t len)
{
	const char *env = getenv("LIANDONG_REPORT");
	if (env != NULL && env[0] != '\0') {
		snprintf(out, len, "%s", env);
		return;
	}
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(out, len, "%s/liandong-report", self);
			if (access(out, X_OK) == 0)
				return;
			/* liandongd in the build tree: build/daemon. */
			snprintf(out, len, "%s/../clients/liandong-report",
			         self);
			if (access(out, X_OK) == 0)
				return;
		}
	}
	const char *path = getenv("PATH");
	for (const char *p = path ? path : ""; *p != '\0';) {
		const char *e = strchr(p, ':');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		snprintf(out, len, "%.*s/liandong-report", (int)l, p);
		if (l > 0 && access(out, X_OK) == 0)
			return;
		p = e ? e + 1 : p + l;
	}
	snprintf(out, len, "liandong-report");
}
