/* subproc.h — run a helper program (liandong-report) as a new process with a
 * deadline: posix_spawn (never fork-and-continue: LMDB environments and
 * ZeroMQ contexts must not cross a fork), its stderr captured, the whole
 * process group killed when time runs out. */
#ifndef LD_SUBPROC_H
#define LD_SUBPROC_H

#include <stdbool.h>
#include <stddef.h>

enum ld_spawn_how {
	LD_SPAWN_EXITED,   /* code */
	LD_SPAWN_SIGNALED, /* sig: it crashed (or was killed by someone) */
	LD_SPAWN_TIMEOUT,  /* killed at the deadline */
	LD_SPAWN_FAILED,   /* could not be started (errno in code) */
};

struct ld_spawn_result {
	enum ld_spawn_how how;
	int code, sig;
	char err[2048]; /* the end of what it wrote to stderr */
};

/* Run argv[0] (a path) with argv, stdout inherited, for at most
 * `timeout_ms`. Returns 0 when it ran (see r->how), or -errno if it could
 * not be started (r->how LD_SPAWN_FAILED, r->code that errno). */
int ld_spawn(char *const argv[], int timeout_ms, struct ld_spawn_result *r);
/* The same with its standard output on `out_fd` (if >= 0; the caller
 * closes it after), rather than this process's: a program with threads
 * must not move its own fd 1 around to catch a helper's output. */
int ld_spawn_to(char *const argv[], int timeout_ms, int out_fd,
                struct ld_spawn_result *r);

/* The same without waiting: start it, then poll (from an event loop)
 * until it has finished, or kill it (at shutdown). */
struct ld_child {
	int pid, errfd;
	int timeout_ms;
	long long deadline_ms;
	size_t nerr;
	bool done;
	struct ld_spawn_result r; /* once done */
};
int ld_child_start(struct ld_child *ch, char *const argv[], int timeout_ms);
/* The same with `in_fd` (if >= 0; the caller closes it after) as its
 * standard input. */
int ld_child_start_in(struct ld_child *ch, char *const argv[], int timeout_ms,
                      int in_fd);
/* And with `out_fd` (if >= 0) as its standard output. */
int ld_child_start_io(struct ld_child *ch, char *const argv[], int timeout_ms,
                      int in_fd, int out_fd);
/* Reads its stderr, reaps it, kills it at the deadline; true once it has
 * finished (ch->r says how). Never blocks. */
bool ld_child_poll(struct ld_child *ch);
void ld_child_kill(struct ld_child *ch);

/* Where liandong-report is: $LIANDONG_REPORT, else beside this program
 * (or in the build tree's clients/), else on the PATH. */
void ld_report_runner(char *out, size_t len);

/* One line for a user: "exit status 3", "crashed (signal 11, SIGSEGV)",
 * "killed after 30 s (no answer)", "could not start: ...". */
const char *ld_spawn_describe(const struct ld_spawn_result *r,
                              int timeout_ms, char *buf, size_t len);

#endif
