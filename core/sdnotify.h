/* sdnotify.h — telling systemd how a service is doing (sd_notify): ready,
 * stopping, a status line, and the watchdog's keep-alive. Without
 * NOTIFY_SOCKET (not started by systemd) every call does nothing. */
#ifndef LD_SDNOTIFY_H
#define LD_SDNOTIFY_H

#include <stdint.h>

/* READY=1 with a STATUS= line: the service is up (for a node: the store
 * open and its sockets bound). Also reads WATCHDOG_USEC for the ticks. */
void ld_sd_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* STATUS= line only. */
void ld_sd_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* RELOADING=1 before a reload, READY=1 after it. */
void ld_sd_reloading(void);
void ld_sd_reloaded(void);

/* STOPPING=1: the service has begun to stop. */
void ld_sd_stopping(void);

/* WATCHDOG=1 if the watchdog is on (WatchdogSec=) and half its interval
 * passed since the last one; `now_ms` is any monotonic clock in ms. Cheap
 * enough to call every loop turn. */
void ld_sd_watchdog(int64_t now_ms);

/* The longest a caller may sleep between ld_sd_watchdog calls, in ms
 * (a quarter of the watchdog interval), or -1 if the watchdog is off. */
long ld_sd_watchdog_ms(void);

#endif
