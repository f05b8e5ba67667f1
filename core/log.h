/* log.h — timestamped, levelled log lines on stderr (with sd-daemon
 * priority prefixes when stderr is the journal). */
#ifndef LD_LOG_H
#define LD_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum ld_log_level { LD_LOG_ERROR, LD_LOG_WARN, LD_LOG_INFO, LD_LOG_DEBUG };

/* Lines above `level` are dropped. `name` prefixes every line. */
void ld_log_init(const char *name, enum ld_log_level level);
/* Change the level only (a reload). */
void ld_log_set_level(enum ld_log_level level);
enum ld_log_level ld_log_get_level(void);
/* "error", "warn", "info", "debug". */
const char *ld_log_level_name(int level);
/* Parse "error", "warn", "info", "debug"; -1 if none of these. */
int ld_log_level_parse(const char *s);

void ld_log(enum ld_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One source of warnings that anyone can trigger at will (a peer's junk
 * frames, refused handshakes): at most one line a second; the lines in
 * between are counted and the next line says "and N more". Zero it to
 * start. */
struct ld_ratelimit {
	int64_t last_ms;  /* when the last line was logged, 0 = never */
	uint64_t skipped; /* lines not logged since */
};

/* May a line be logged at `now_ms` (any monotonic clock in ms)? If so,
 * *skipped gets the number of lines held back since the last one and the
 * count starts again; if not, this line is counted. Pure. */
bool ld_ratelimit_take(struct ld_ratelimit *rl, int64_t now_ms,
                       uint64_t *skipped);

/* ld_log through `rl`: the line, with " (and N more like it)" when lines
 * were held back, or nothing if one was logged in the last second. */
void ld_log_rl(struct ld_ratelimit *rl, enum ld_log_level level,
               const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define ld_warn_rl(rl, ...) ld_log_rl((rl), LD_LOG_WARN, __VA_ARGS__)

#define ld_err(...) ld_log(LD_LOG_ERROR, __VA_ARGS__)
#define ld_warn(...) ld_log(LD_LOG_WARN, __VA_ARGS__)
#define ld_info(...) ld_log(LD_LOG_INFO, __VA_ARGS__)
#define ld_debug(...) ld_log(LD_LOG_DEBUG, __VA_ARGS__)

#endif
