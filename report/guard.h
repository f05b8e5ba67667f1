/* guard.h — liandong-report's two processes: this one, never confined,
 * opens the output files before a child is forked to load and run the
 * plugin confined (confine.h), and afterwards puts the output in place
 * (rename) or removes it, which a confined process may not do. */
#ifndef LD_GUARD_H
#define LD_GUARD_H

#include <stddef.h>

/* An output file: written by the child through `fd` into PATH.part,
 * renamed to PATH if the child succeeds. */
struct ld_guard_file {
	const char *path;
	char part[4200];
	int fd;
};

/* Open PATH.part for writing (a regular file, not followed if a
 * symlink). 0, or -1 with errno. */
int ld_guard_open(struct ld_guard_file *f, const char *path);

/* Write all of p[0..n) to fd and fsync it (not for a pipe or terminal).
 * 0, or -1 with errno. */
int ld_guard_write(int fd, const char *p, size_t n);

/* Fork; the child returns fn(arg) as its exit status (exit, so that exit
 * handlers and a sanitizer's leak check run there). This process waits:
 * if the child exits 0 the files are renamed into place and 0 returned,
 * else they are removed and its exit status returned; if a signal ended
 * the child, this process ends by the same signal, so its own caller
 * sees the crash as before. */
int ld_guard_run(int (*fn)(void *), void *arg, struct ld_guard_file *files,
                 size_t nfiles);

#endif
