/* reload.c — SIGHUP: read liandong.conf, the children and admins lists
 * again and take what can change while the node runs (the allow-lists,
 * the log level, the report settings and schedule, the notify hook); say
 * in one log line what changed and what only a restart takes. A reload
 * never stops the node: a file with a mistake leaves the running
 * configuration as it was. */
#include "log.h"
#include "node_int.h"
#include "sdnotify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ld_node_on_reload(struct ld_node *n, volatile sig_atomic_t *flag)
{
	n->hup = flag;
}

void
ld_reload_free(struct ld_node *n)
{
	free(n->reload_pending);
	n->reload_pending = NULL;
}

/* ", " between the parts of the log line. */
static void
add(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 3 >= len)
		return;
	if (used > 0) {
		memcpy(buf + used, ", ", 3);
		used += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* What only a restart takes: the keys read when the node opens its
 * store and sockets. Adds their names to `buf`. */
static void
needs_restart(const struct ld_config *o, const struct ld_config *c,
              char *buf, size_t len)
{
#define STR(f, name)                                                          \
	if (strcmp(o->f, c->f) != 0)                                          \
	add(buf, len, "%s", name)
#define NUM(f, name)                                                          \
	if (o->f != c->f)                                                     \
	add(buf, len, "%s", name)
	STR(id, "[node] id");
	STR(name, "[node] name");
	STR(level, "[node] level");
	STR(listen, "[node] listen");
	STR(parent, "[node] parent");
	STR(parent_key, "[node] parent_key");
	STR(root_key, "[node] root_key");
	NUM(insecure, "[security] insecure");
	NUM(verify_threads, "[security] verify_threads");
	NUM(sign_each, "[security] signatures");
	STR(api_listen, "[api] listen");
	NUM(batch_records, "[link] batch_records");
	NUM(batch_bytes, "[link] batch_bytes");
	NUM(credit, "[link] credit");
	NUM(ping_ms, "[link] ping_ms");
	NUM(dead_ms, "[link] dead_ms");
	NUM(reconnect_max_ms, "[link] reconnect_max_ms");
	NUM(fetch_kib_s, "[link] fetch_kib_s");
	NUM(recover_wait_s, "[link] recover_wait_s");
	NUM(map_size_mb, "[store] map_size_mb");
#undef STR
#undef NUM
}

static const struct ld_sched *
sched_find(const struct ld_config *c, const char *name)
{
	for (size_t i = 0; i < c->nsched; i++)
		if (strcmp(c->sched[i].name, name) == 0)
			return &c->sched[i];
	return NULL;
}

/* The [report NAME] sections added, removed or changed; false if none. */
static bool
sched_diff(const struct ld_config *o, const struct ld_config *c, char *buf,
           size_t len)
{
	bool any = false;
	for (size_t i = 0; i < c->nsched; i++) {
		const struct ld_sched *was = sched_find(o, c->sched[i].name);
		if (was == NULL)
			add(buf, len, "[report %s] added", c->sched[i].name);
		else if (memcmp(was, &c->sched[i], sizeof(*was)) != 0)
			add(buf, len, "[report %s] changed", c->sched[i].name);
		else
			continue;
		any = true;
	}
	for (size_t i = 0; i < o->nsched; i++) {
		if (sched_find(c, o->sched[i].name) == NULL) {
			add(buf, len, "[report %s] removed", o->sched[i].name);
			any = true;
		}
	}
	/* The same sections in another order: the jobs are made again. */
	if (!any && (o->nsched != c->nsched ||
	             memcmp(o->sched, c->sched, sizeof(o->sched)) != 0))
		any = true;
	return any;
}

static bool
notify_differs(const struct ld_config *o, const struct ld_config *c)
{
	return strcmp(o->notify_command, c->notify_command) != 0 ||
	       o->notify_every_s != c->notify_every_s ||
	       o->notify_timeout_s != c->notify_timeout_s;
}

/* The schedule and the hook of `c`, made again (their children must not
 * be running: the jobs point into n->cfg.sched). */
static void
apply_jobs(struct ld_node *n, const struct ld_config *c)
{
	char scratch[1024] = "";
	if (sched_diff(&n->cfg, c, scratch, sizeof(scratch)) &&
	    ld_schedule_reload(n, c) != 0)
		ld_err("reload: out of memory: no scheduled reports until the "
		       "next reload or restart");
	if (notify_differs(&n->cfg, c)) {
		memcpy(n->cfg.notify_command, c->notify_command,
		       sizeof(c->notify_command));
		n->cfg.notify_every_s = c->notify_every_s;
		n->cfg.notify_timeout_s = c->notify_timeout_s;
		ld_notify_free(&n->notify);
		if ((n->notify = ld_notify_new(n)) == NULL)
			ld_err("reload: out of memory: no [notify] hook until "
			       "the next reload or restart");
	}
}

static void
reload(struct ld_node *n)
{
	char done[2048] = "", restart[1024] = "", failed[1200] = "";
	char err[1024];

	/* The allow-lists: children and administrators. */
	if (n->auth != NULL) {
		size_t c0, a0, c1, a1;
		ld_auth_counts(n->auth, &c0, &a0);
		if (ld_downlink_reload(n, err, sizeof(err)) != 0) {
			add(failed, sizeof(failed), "%s (the old lists stay)",
			    err);
		} else {
			ld_auth_counts(n->auth, &c1, &a1);
			char cw[32] = "", aw[32] = "";
			if (c1 != c0)
				snprintf(cw, sizeof(cw), " (was %zu)", c0);
			if (a1 != a0)
				snprintf(aw, sizeof(aw), " (was %zu)", a0);
			add(done, sizeof(done), "children %zu%s, admins %zu%s",
			    c1, cw, a1, aw);
		}
	}

	struct ld_config *c = malloc(sizeof(*c));
	if (c == NULL) {
		add(failed, sizeof(failed), "out of memory");
		goto leave;
	}
	if (ld_config_load(n->cfg.dir, c, err, sizeof(err)) != 0) {
		add(failed, sizeof(failed), "%s (the running configuration "
		    "stays)", err);
		free(c);
		goto leave;
	}
	needs_restart(&n->cfg, c, restart, sizeof(restart));

	if (c->log_level != n->cfg.log_level) {
		add(done, sizeof(done), "log level %s (was %s)",
		    ld_log_level_name(c->log_level),
		    ld_log_level_name(n->cfg.log_level));
		n->cfg.log_level = c->log_level;
		ld_log_set_level((enum ld_log_level)c->log_level);
	}
	/* Read at each report's start: they apply from the next one. */
	if (strcmp(c->plugin_dir, n->cfg.plugin_dir) != 0) {
		add(done, sizeof(done), "[report] plugin_dir %s", c->plugin_dir);
		memcpy(n->cfg.plugin_dir, c->plugin_dir, sizeof(c->plugin_dir));
	}
	if (c->report_timeout_s != n->cfg.report_timeout_s ||
	    c->report_cpu_s != n->cfg.report_cpu_s ||
	    c->report_memory_mb != n->cfg.report_memory_mb) {
		add(done, sizeof(done), "[report] limits");
		n->cfg.report_timeout_s = c->report_timeout_s;
		n->cfg.report_cpu_s = c->report_cpu_s;
		n->cfg.report_memory_mb = c->report_memory_mb;
	}
	bool jobs = sched_diff(&n->cfg, c, done, sizeof(done));
	if (notify_differs(&n->cfg, c)) {
		add(done, sizeof(done), "[notify]");
		jobs = true;
	}
	if (jobs) {
		free(n->reload_pending);
		n->reload_pending = NULL;
		if (ld_schedule_busy(n) || ld_notify_busy(n)) {
			add(done, sizeof(done), "(the schedule changes when the "
			    "running report or hook ends)");
			n->reload_pending = c;
			c = NULL;
		} else {
			apply_jobs(n, c);
		}
	}
	free(c);
leave:
	if (failed[0] != '\0')
		ld_err("reload: could not reload: %s", failed);
	if (failed[0] != '\0' && done[0] == '\0' && restart[0] == '\0')
		return;
	if (done[0] == '\0')
		snprintf(done, sizeof(done), "nothing changed");
	if (restart[0] != '\0')
		ld_warn("reloaded: %s; not reloaded, restart the node to take: "
		        "%s", done, restart);
	else
		ld_info("reloaded: %s", done);
	ld_sd_status("node %s up; reloaded", n->cfg.id);
}

void
ld_reload_tick(struct ld_node *n)
{
	if (n->hup != NULL && *n->hup) {
		*n->hup = 0;
		ld_sd_reloading();
		reload(n);
		ld_sd_reloaded();
	}
	if (n->reload_pending != NULL && !ld_schedule_busy(n) &&
	    !ld_notify_busy(n)) {
		apply_jobs(n, n->reload_pending);
		ld_reload_free(n);
		ld_info("reloaded: the new report schedule and hook apply now");
	}
}
