/* log.h — timestamped, levelled log lines on stderr. */
#ifndef LD_LOG_H
#define LD_LOG_H

enum ld_log_level { LD_LOG_ERROR, LD_LOG_WARN, LD_LOG_INFO, LD_LOG_DEBUG };

/* Lines above `level` are dropped. `name` prefixes every line. */
void ld_log_init(const char *name, enum ld_log_level level);
/* Parse "error", "warn", "info", "debug"; -1 if none of these. */
int ld_log_level_parse(const char *s);

void ld_log(enum ld_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define ld_err(...) ld_log(LD_LOG_ERROR, __VA_ARGS__)
#define ld_warn(...) ld_log(LD_LOG_WARN, __VA_ARGS__)
#define ld_info(...) ld_log(LD_LOG_INFO, __VA_ARGS__)
#define ld_debug(...) ld_log(LD_LOG_DEBUG, __VA_ARGS__)

#endif
