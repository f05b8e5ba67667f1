/* log.c — one line per event on stderr: UTC time, level, program, text
 * (or, when stderr is the journal's stream, a <N> priority prefix and the
 * text); and the rate limit for warnings anyone can trigger. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *prog = "liandong";
static enum ld_log_level max_level = LD_LOG_INFO;
static bool journal; /* stderr is connected to the journal */

/* systemd sets JOURNAL_STREAM=DEV:INODE for a service whose stderr goes
 * to the journal; it holds for us only if stderr is still that stream
 * (not redirected by a shell in between). */
static bool
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void
ld_log_init(const char *name, enum ld_log_level level)
{
	prog = name;
	max_level = level;
	journal = stderr_is_journal();
}

void
ld_log_set_level(enum ld_log_level level)
{
	max_level = level;
}

enum ld_log_level
ld_log_get_level(void)
{
	return max_level;
}

const char *
ld_log_level_name(int level)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	return level >= 0 && level <= LD_LOG_DEBUG ? names[level] : "?";
}

int
ld_log_level_parse(const char *s)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void
ld_log(enum ld_log_level level, const char *fmt, ...)
{
	static const char *const tags[] = {"ERROR", "WARN", "INFO", "DEBUG"};
	if (level > max_level)
		return;
	char line[2048];
	int n;
	if (journal) {
		/* sd-daemon(3) priorities: err, warning, info, debug. The
		 * journal stamps the time and the program itself. */
		static const int prio[] = {3, 4, 6, 7};
		n = snprintf(line, sizeof(line), "<%d>%s ", prio[level],
		             tags[level]);
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		struct tm tm;
		gmtime_r(&ts.tv_sec, &tm);
		n = snprintf(line, sizeof(line),
		             "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d] %s ",
		             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		             tm.tm_hour, tm.tm_min, tm.tm_sec,
		             ts.tv_nsec / 1000000, prog, (int)getpid(),
		             tags[level]);
	}
	if (n < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	size_t len = strlen(line);
	line[len++] = '\n';
	/* One write per line, so lines from several processes sharing a
	 * file do not interleave. */
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

bool
ld_ratelimit_take(struct ld_ratelimit *rl, int64_t now_ms, uint64_t *skipped)
{
	if (rl->last_ms != 0 && now_ms - rl->last_ms < 1000 &&
	    now_ms >= rl->last_ms) {
		rl->skipped++;
		return false;
	}
	*skipped = rl->skipped;
	rl->skipped = 0;
	/* 0 means "never": a clock at 0 still starts the second. */
	rl->last_ms = now_ms != 0 ? now_ms : 1;
	return true;
}

void
ld_log_rl(struct ld_ratelimit *rl, enum ld_log_level level, const char *fmt,
          ...)
{
	if (level > max_level)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	uint64_t skipped;
	if (!ld_ratelimit_take(rl, now, &skipped))
		return;
	char text[1800];
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	if (skipped > 0)
		ld_log(level, "%s (and %llu more like it)", text,
		       (unsigned long long)skipped);
	else
		ld_log(level, "%s", text);
}
