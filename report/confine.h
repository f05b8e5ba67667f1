/* confine.h — confine liandong-report before a plugin's code runs: no new
 * privileges, resource limits, and a seccomp filter in two stages, so that
 * a plugin can neither read the node's keys, use its API socket, reach the
 * network, start programs, nor use more than its share of memory and CPU.
 * What is confined, and why, is in docs/security.md ("Report plugins"). */
#ifndef LD_CONFINE_H
#define LD_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

struct ld_confine_limits {
	unsigned cpu_s;     /* CPU seconds from now ([report] cpu_s) */
	unsigned memory_mb; /* address space beyond the host's ([report]
	                     * memory_mb); not applied in sanitized builds */
};

/* Defaults for --probe, which runs without a data directory. */
#define LD_CONFINE_CPU_S 60
#define LD_CONFINE_MEMORY_MB 1024

/* Does this build apply the memory limit? (Not under AddressSanitizer,
 * which reserves terabytes of address space.) */
bool ld_confine_memory_limited(void);

/* No new privileges; RLIMIT_CPU, _AS, _FSIZE, _NOFILE and _CORE; a
 * SIGXCPU handler that says in one line that the CPU time ran out. Call
 * once everything the host opens with write access is open (the store,
 * the output files) and before the plugin is loaded: its constructors run
 * at dlopen. 0, or -1 with a reason in err. */
int ld_confine_limits(const struct ld_confine_limits *lim, char *err,
                      size_t errlen);

/* Landlock (Linux 5.13 and later; nothing on a kernel without it): from
 * now on files may be opened only to read, and only the plugin file and
 * the libraries the loader needs (/lib, /usr/lib, LD_LIBRARY_PATH ...,
 * /etc/ld.so.cache, the time zone). Call after ld_confine_limits and
 * before dlopen, so that the plugin's constructors, which run inside
 * dlopen, cannot read the node's files either. Files open before stay
 * usable. 0, or -1 with a reason in err. */
int ld_confine_landlock(const char *plugin, char *err, size_t errlen);

/* The two stages of the seccomp filter (a deny-list: what is not named
 * runs, so libc keeps working). Denied calls fail with EACCES (EPERM for
 * signals, ENOSYS for clone3), they never kill.
 *
 * LD_CONFINE_LOAD, before dlopen: no sockets, no programs or processes
 * (threads are fine), no ptrace, no signals to other processes, no
 * mounts or namespaces, no changes to files or their names, no raising
 * limits, no io_uring, bpf, perf or kernel keyrings; files may still be
 * opened read-only, as the dynamic loader needs to.
 *
 * LD_CONFINE_RUN, after the plugin is loaded and libc primed
 * (ld_confine_prime), before its init and run: no file is opened at all
 * any more, and the SIGXCPU handler stays. Stages only ever add
 * restrictions. */
enum ld_confine_stage { LD_CONFINE_LOAD, LD_CONFINE_RUN };
int ld_confine_seccomp(enum ld_confine_stage stage, char *err,
                       size_t errlen);

/* Load now what libc would otherwise open lazily during the run: the
 * time zone (localtime). */
void ld_confine_prime(void);

/* After a failure: has the plugin used up its memory? True when the
 * address space left is less than a sixteenth of memory_mb (at least
 * 1 MiB). Always false without a memory limit. */
bool ld_confine_out_of_memory(void);

#endif
