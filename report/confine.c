/* confine.c — confine this process before a plugin runs: no new
 * privileges, rlimits, seccomp (confine.h). */
#include "confine.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* The most a confined run may write to one file (its output): well above
 * what the renderers can produce from a document within render.h's
 * limits, or the 256 MiB of raw output. */
#define FSIZE_MAX ((rlim_t)1 << 30)
/* File descriptors: the host holds fewer than ten. */
#define NOFILE_MAX 64

/* Set by ld_confine_limits, read by the signal handlers. */
static char cpu_msg[200], mem_msg[200];
static size_t cpu_len, mem_len;
static size_t probe_bytes; /* 0: no memory limit */

bool
ld_confine_memory_limited(void)
{
	return !SANITIZED;
}

bool
ld_confine_out_of_memory(void)
{
	if (probe_bytes == 0)
		return false;
	/* A mapping counts against RLIMIT_AS even when nothing is touched:
	 * if this one does not fit, the plugin took (nearly) all. */
	void *p = mmap(NULL, probe_bytes, PROT_NONE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return errno == ENOMEM;
	munmap(p, probe_bytes);
	return false;
}

/* Only async-signal-safe calls below: write, _exit, sigaction, raise. */
static void
on_xcpu(int sig)
{
	(void)sig;
	ssize_t w = write(2, cpu_msg, cpu_len);
	(void)w;
	_exit(1);
}

/* A segfault with the address space used up is the plugin running out of
 * memory (malloc returned NULL and it wrote there anyway): say so. Any
 * other is left to crash as before. */
static void
on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (ld_confine_out_of_memory()) {
		ssize_t w = write(2, mem_msg, mem_len);
		(void)w;
		_exit(1);
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	if (si->si_code <= 0) /* sent, not a fault: send it again */
		raise(sig);
}

/* The address space mapped now, in bytes (the store's map among it). */
static int
mapped_now(rlim_t *out)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long pages = 0;
	int ok = f != NULL && fscanf(f, "%lu", &pages) == 1;
	if (f != NULL)
		fclose(f);
	if (!ok)
		return -EIO;
	*out = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
	return 0;
}

static int
set_limit(int what, rlim_t soft, rlim_t hard, const char *name, char *err,
          size_t errlen)
{
	struct rlimit rl = {soft, hard};
	if (setrlimit(what, &rl) == 0)
		return 0;
	int rc = -errno;
	snprintf(err, errlen, "cannot set %s: %s", name, ld_strerror(rc));
	return rc;
}

int
ld_confine_limits(const struct ld_confine_limits *lim, char *err,
                  size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		int rc = -errno;
		snprintf(err, errlen, "cannot set no_new_privs: %s",
		         ld_strerror(rc));
		return rc;
	}
	cpu_len = (size_t)snprintf(
	    cpu_msg, sizeof(cpu_msg),
	    "liandong-report: the plugin used more than %u s of CPU (cpu_s "
	    "in [report]); nothing was written\n", lim->cpu_s);
	mem_len = (size_t)snprintf(
	    mem_msg, sizeof(mem_msg),
	    "liandong-report: the plugin ran out of memory (more than %u "
	    "MiB; memory_mb in [report]); nothing was written\n",
	    lim->memory_mb);

	/* CPU: cpu_s more than used so far; SIGXCPU at the soft limit (the
	 * handler says so), SIGKILL a second later if it is ignored. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_xcpu;
	sigaction(SIGXCPU, &sa, NULL);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	rlim_t cpu = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec +
	             1 + lim->cpu_s;
	int rc = set_limit(RLIMIT_CPU, cpu, cpu + 1, "RLIMIT_CPU", err, errlen);
	if (rc != 0)
		return rc;

	/* Memory: memory_mb of address space beyond what is mapped now (the
	 * store's map is mapped already, and may be large). */
	if (ld_confine_memory_limited()) {
		rlim_t now;
		if ((rc = mapped_now(&now)) != 0) {
			snprintf(err, errlen, "cannot read /proc/self/statm");
			return rc;
		}
		rlim_t as = now + ((rlim_t)lim->memory_mb << 20);
		if ((rc = set_limit(RLIMIT_AS, as, as, "RLIMIT_AS", err,
		                    errlen)) != 0)
			return rc;
		probe_bytes = ((size_t)lim->memory_mb << 20) / 16;
		if (probe_bytes < ((size_t)1 << 20))
			probe_bytes = (size_t)1 << 20;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_fault;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
	}

	/* Output files: writing past FSIZE_MAX fails with EFBIG instead of
	 * killing (SIGXFSZ ignored). */
	signal(SIGXFSZ, SIG_IGN);
	if ((rc = set_limit(RLIMIT_FSIZE, FSIZE_MAX, FSIZE_MAX, "RLIMIT_FSIZE",
	                    err, errlen)) != 0 ||
	    (rc = set_limit(RLIMIT_NOFILE, NOFILE_MAX, NOFILE_MAX,
	                    "RLIMIT_NOFILE", err, errlen)) != 0 ||
	    (rc = set_limit(RLIMIT_CORE, 0, 0, "RLIMIT_CORE", err, errlen)) != 0)
		return rc;
	/* No RLIMIT_NPROC: it counts every process of the account (the
	 * daemon's too) and does not bind root; seccomp denies new
	 * processes instead. */
	return 0;
}

void
ld_confine_prime(void)
{
	tzset();
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
}

/* ---------------------------------------------------------------- landlock */

/* Where the dynamic loader (and libc, for the time zone) reads while the
 * plugin is loaded; none holds a node's files. */
static const char *const readable[] = {
    "/lib",           "/lib64",        "/lib32",
    "/usr/lib",       "/usr/lib64",    "/usr/lib32",
    "/usr/local/lib", "/usr/share/zoneinfo", "/etc/ld.so.cache",
    "/etc/localtime",
#if SANITIZED
    "/proc", /* LeakSanitizer lists this process's threads at exit */
#endif
};

static int
allow_read(int ruleset, const char *path, __u64 dir_rights)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* not on this machine */
	struct stat sb;
	int rc = fstat(fd, &sb);
	struct landlock_path_beneath_attr pb = {
	    .allowed_access = S_ISDIR(sb.st_mode)
	                          ? dir_rights
	                          : LANDLOCK_ACCESS_FS_READ_FILE |
	                                LANDLOCK_ACCESS_FS_EXECUTE,
	    .parent_fd = fd,
	};
	if (rc == 0)
		rc = (int)syscall(SYS_landlock_add_rule, ruleset,
		                  LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	close(fd);
	return rc;
}

int
ld_confine_landlock(const char *plugin, char *err, size_t errlen)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	                   LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 0; /* no Landlock in this kernel: seccomp only */
	__u64 rights =
	    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM;
#ifdef LANDLOCK_ACCESS_FS_REFER
	if (abi >= 2)
		rights |= LANDLOCK_ACCESS_FS_REFER;
#endif
#ifdef LANDLOCK_ACCESS_FS_TRUNCATE
	if (abi >= 3)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
#endif
	struct landlock_ruleset_attr attr = {.handled_access_fs = rights};
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr),
	                      0);
	if (rs < 0) {
		int e = -errno;
		snprintf(err, errlen, "landlock: %s", ld_strerror(e));
		return e;
	}
	const __u64 dir = LANDLOCK_ACCESS_FS_READ_FILE |
	                  LANDLOCK_ACCESS_FS_READ_DIR |
	                  LANDLOCK_ACCESS_FS_EXECUTE;
	int rc = allow_read(rs, plugin, dir);
	for (size_t i = 0;
	     rc == 0 && i < sizeof(readable) / sizeof(readable[0]); i++)
		rc = allow_read(rs, readable[i], dir);
	/* The administrator's library path, as the loader uses it. */
	const char *lp = getenv("LD_LIBRARY_PATH");
	char one[4096];
	for (const char *p = lp ? lp : ""; rc == 0 && *p != '\0';) {
		size_t n = strcspn(p, ":;");
		if (n > 0 && n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			rc = allow_read(rs, one, dir);
		}
		p += n + (p[n] != '\0');
	}
	if (rc == 0)
		rc = (int)syscall(SYS_landlock_restrict_self, rs, 0);
	int e = errno;
	close(rs);
	if (rc != 0) {
		snprintf(err, errlen, "landlock: %s", strerror(e));
		return -e;
	}
	return 0;
}

/* ---------------------------------------------------------------- seccomp */

/* Calls denied in both stages, with EACCES. */
static const char *const denied[] = {
    /* sockets and the network; the API socket */
    "socket", "socketpair", "connect", "bind", "listen", "accept",
    "accept4",
    /* programs and processes (clone: see below) */
    "execve", "execveat", "fork", "vfork",
    /* other processes' memory, file descriptors and signals */
    "process_vm_readv", "process_vm_writev", "pidfd_open",
    "pidfd_getfd", "pidfd_send_signal", "kcmp",
    /* mounts, namespaces, the root */
    "mount", "umount2", "unshare", "setns", "pivot_root", "chroot",
    "move_mount", "open_tree", "fsopen", "fsmount", "fspick",
    "mount_setattr",
    /* files: creating, removing, renaming, changing (the lock file of
     * the store is open for writing: truncating it would hurt the
     * daemon) */
    "creat", "link", "linkat", "symlink", "symlinkat", "unlink",
    "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat",
    "rmdir", "mknod", "mknodat", "chmod", "fchmod", "fchmodat", "chown",
    "fchown", "lchown", "fchownat", "truncate", "ftruncate", "fallocate",
    "utime", "utimes", "utimensat", "futimesat", "setxattr", "lsetxattr",
    "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
    "name_to_handle_at", "open_by_handle_at", "openat2", "memfd_create",
    "memfd_secret",
    /* limits may not be raised again (root could) */
    "setrlimit", "prlimit64",
    /* kernel interfaces a report has no use for */
    "io_uring_setup", "io_uring_enter", "io_uring_register", "bpf",
    "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "acct", "quotactl",
    "sethostname", "setdomainname", "settimeofday", "clock_settime",
    "adjtimex", "clock_adjtime", "iopl", "ioperm", "fanotify_init",
    "inotify_init", "inotify_init1",
};

/* Add one rule; a call this architecture does not have is skipped. */
static int
rule(scmp_filter_ctx ctx, uint32_t action, const char *name,
     unsigned n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;
	int rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
	return rc == -EDOM ? 0 : rc;
}

#define ARG(i, op, v) SCMP_CMP((i), (op), (scmp_datum_t)(v))
#define ARGM(i, mask, v)                                                       \
	SCMP_CMP((i), SCMP_CMP_MASKED_EQ, (scmp_datum_t)(mask),                \
	         (scmp_datum_t)(v))

static int
load_rules(scmp_filter_ctx ctx)
{
	const uint32_t no = SCMP_ACT_ERRNO(EACCES);
	const uint32_t perm = SCMP_ACT_ERRNO(EPERM);
	const scmp_datum_t self = (scmp_datum_t)getpid();
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(denied) / sizeof(denied[0]);
	     i++)
		rc = rule(ctx, no, denied[i], 0, NULL);
	/* clone3 passes its flags in memory, out of a filter's reach: say
	 * it does not exist, and glibc falls back to clone. clone makes a
	 * thread (CLONE_THREAD) and nothing else. In a sanitized build,
	 * LeakSanitizer's tracer at exit is a CLONE_VM process (not a
	 * thread), so there a CLONE_VM clone that is not a vfork may run. */
	struct scmp_arg_cmp c[2];
	if (rc == 0)
		rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	if (!SANITIZED) {
		c[0] = ARGM(0, CLONE_THREAD, 0);
		if (rc == 0)
			rc = rule(ctx, no, "clone", 1, c);
	} else {
		c[0] = ARGM(0, CLONE_VM, 0);
		if (rc == 0)
			rc = rule(ctx, no, "clone", 1, c);
		c[0] = ARGM(0, CLONE_VFORK, CLONE_VFORK);
		if (rc == 0)
			rc = rule(ctx, no, "clone", 1, c);
	}
	/* ptrace: none; in a sanitized build LeakSanitizer's tracer
	 * attaches to this process's main thread, and only that. */
	c[0] = ARG(1, SCMP_CMP_NE, self);
	if (rc == 0)
		rc = rule(ctx, no, "ptrace", SANITIZED ? 1 : 0, c);
	/* Signals to this process only (raise and abort use tgkill). */
	c[0] = ARG(0, SCMP_CMP_NE, self);
	if (rc == 0)
		rc = rule(ctx, perm, "kill", 1, c);
	if (rc == 0)
		rc = rule(ctx, perm, "tgkill", 1, c);
	if (rc == 0)
		rc = rule(ctx, perm, "tkill", 1, c);
	if (rc == 0)
		rc = rule(ctx, perm, "rt_sigqueueinfo", 1, c);
	if (rc == 0)
		rc = rule(ctx, perm, "rt_tgsigqueueinfo", 1, c);
	/* Files only read: the loader opens the plugin and its libraries. */
	const struct {
		unsigned arg;
		scmp_datum_t mask, val;
	} wr[] = {
	    {0, O_ACCMODE, O_WRONLY}, {0, O_ACCMODE, O_RDWR},
	    {0, O_CREAT, O_CREAT},    {0, O_TRUNC, O_TRUNC},
	};
	for (size_t i = 0; rc == 0 && i < sizeof(wr) / sizeof(wr[0]); i++) {
		c[0] = ARGM(1, wr[i].mask, wr[i].val);
		rc = rule(ctx, no, "open", 1, c);
		c[0] = ARGM(2, wr[i].mask, wr[i].val);
		if (rc == 0)
			rc = rule(ctx, no, "openat", 1, c);
	}
	return rc;
}

/* The run stage: no file opened at all. In a sanitized build,
 * LeakSanitizer opens /proc/PID/task at exit to find the threads it
 * suspends (ptrace): there a directory may still be opened (listing
 * names, never reading a file) and this process's own threads traced. */
static int
run_rules(scmp_filter_ctx ctx)
{
	const uint32_t no = SCMP_ACT_ERRNO(EACCES);
	const uint32_t perm = SCMP_ACT_ERRNO(EPERM);
	/* Our SIGXCPU handler stays: the message is how a user learns that
	 * cpu_s ran out. */
	struct scmp_arg_cmp c[1] = {ARG(0, SCMP_CMP_EQ, SIGXCPU)};
	int rc = rule(ctx, perm, "rt_sigaction", 1, c);
	if (!SANITIZED) {
		if (rc == 0)
			rc = rule(ctx, no, "open", 0, NULL);
		if (rc == 0)
			rc = rule(ctx, no, "openat", 0, NULL);
	} else {
		c[0] = ARGM(1, O_DIRECTORY, 0);
		if (rc == 0)
			rc = rule(ctx, no, "open", 1, c);
		c[0] = ARGM(2, O_DIRECTORY, 0);
		if (rc == 0)
			rc = rule(ctx, no, "openat", 1, c);
	}
	return rc;
}

int
ld_confine_seccomp(enum ld_confine_stage stage, char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp: out of memory");
		return -ENOMEM;
	}
	/* Every thread, should a library have started one. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0)
		rc = stage == LD_CONFINE_LOAD ? load_rules(ctx) : run_rules(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "cannot load the seccomp filter: %s",
		         strerror(-rc));
		return rc < 0 ? rc : -EIO;
	}
	return 0;
}
