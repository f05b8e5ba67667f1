/* guard.c — the unconfined half of liandong-report (guard.h). */
#include "guard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int
ld_guard_open(struct ld_guard_file *f, const char *path)
{
	f->path = path;
	snprintf(f->part, sizeof(f->part), "%s.part", path);
	f->fd = open(f->part,
	             O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	             0644);
	return f->fd < 0 ? -errno : 0;
}

int
ld_guard_write(int fd, const char *p, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		done += (size_t)w;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && fsync(fd) != 0)
		return -errno;
	return 0;
}

static void
remove_all(struct ld_guard_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		unlink(files[i].part);
}

int
ld_guard_run(int (*fn)(void *), void *arg, struct ld_guard_file *files,
             size_t nfiles)
{
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "liandong-report: cannot fork: %s\n",
		        strerror(errno));
		remove_all(files, nfiles);
		return 1;
	}
	if (pid == 0) {
		/* Gone with this process, should it be killed alone. */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(1);
		exit(fn(arg));
	}
	for (size_t i = 0; i < nfiles; i++)
		close(files[i].fd);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			remove_all(files, nfiles);
			return 1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		for (size_t i = 0; i < nfiles; i++) {
			if (rename(files[i].part, files[i].path) != 0) {
				int e = errno;
				fprintf(stderr, "liandong-report: %s: %s\n",
				        files[i].path, strerror(e));
				remove_all(files, nfiles);
				return 4;
			}
		}
		return 0;
	}
	remove_all(files, nfiles);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* The same death as the child's, without a core of this one. */
	int sig = WTERMSIG(status);
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return 128 + sig;
}
