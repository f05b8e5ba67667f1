/* sdnotify.c — sd_notify from libsystemd (sdnotify.h). */
#include "sdnotify.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

static uint64_t watchdog_usec; /* 0: off */
static int64_t last_ping_ms = -1;

static void status_v(const char *head, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
status_v(const char *head, const char *fmt, va_list ap)
{
	char text[512];
	vsnprintf(text, sizeof(text), fmt, ap);
	/* One line: a newline would start another assignment. */
	for (char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	sd_notifyf(0, "%sSTATUS=%s", head, text);
}

void
ld_sd_ready(const char *fmt, ...)
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) > 0)
		watchdog_usec = usec;
	va_list ap;
	va_start(ap, fmt);
	status_v("READY=1\n", fmt, ap);
	va_end(ap);
}

void
ld_sd_status(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	status_v("", fmt, ap);
	va_end(ap);
}

void
ld_sd_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
ld_sd_reloaded(void)
{
	sd_notify(0, "READY=1");
}

void
ld_sd_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void
ld_sd_watchdog(int64_t now_ms)
{
	if (watchdog_usec == 0)
		return;
	if (last_ping_ms >= 0 &&
	    now_ms - last_ping_ms < (int64_t)(watchdog_usec / 2000))
		return;
	last_ping_ms = now_ms;
	sd_notify(0, "WATCHDOG=1");
}

long
ld_sd_watchdog_ms(void)
{
	if (watchdog_usec == 0)
		return -1;
	long ms = (long)(watchdog_usec / 4000);
	return ms > 0 ? ms : 1;
}
