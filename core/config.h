/* config.h — the node's INI configuration (<data>/liandong.conf): reading
 * with a file:line reason for every mistake, and writing it at init. */
#ifndef LD_CONFIG_H
#define LD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "path.h"

#define LD_CONFIG_FILE "liandong.conf"
/* Config lines must fit inih's 200-byte line buffer. */
#define LD_ENDPOINT_MAX 160
#define LD_NAME_MAX 150
/* The most records a batch may carry ([link] batch_records at most). */
#define LD_BATCH_MAX 100000
/* The most batches in flight on a link ([link] credit at most). */
#define LD_CREDIT_MAX 64

/* A scheduled report: [report NAME] with plugin, format, every and
 * publish; any other key is a setting of the plugin. */
#define LD_SCHED_MAX 16
#define LD_SCHED_KEYS 16
struct ld_sched {
	char name[33];   /* [a-z0-9_-] */
	char plugin[33]; /* the plugin's name */
	char format[8];  /* md (default), csv, json, html */
	unsigned every_s;
	bool publish_up; /* publish = up: a REPORT record to the ancestors */
	char key[LD_SCHED_KEYS][48], val[LD_SCHED_KEYS][200];
	size_t nkeys;
};

/* "30m", "12h", "7d", "90s": seconds, or 0 if not a duration. */
unsigned ld_config_duration(const char *s);

struct ld_config {
	char dir[4096];                 /* absolute data directory */
	char id[LD_PATH_MAX + 1];       /* [node] id */
	char name[LD_NAME_MAX + 1];     /* [node] name */
	char level[33];                 /* [node] level */
	char listen[LD_ENDPOINT_MAX];   /* [node] listen ("" = none) */
	char parent[LD_ENDPOINT_MAX];   /* [node] parent ("" = root) */
	char parent_key[LD_KEY_TEXT_MAX]; /* [node] parent_key */
	char root_key[LD_KEY_TEXT_MAX];   /* [node] root_key */
	uint8_t parent_curve[32], parent_sign[32], root_sign[32];
	bool insecure;                  /* [security] insecure */
	unsigned verify_threads;        /* [security] (0 = one per CPU) */
	bool sign_each;                 /* [security] signatures = record:
	                                 * each record signed alone, as
	                                 * before batch signatures */
	char api_listen[LD_ENDPOINT_MAX]; /* [api] listen: remote API, CURVE */
	unsigned batch_records;         /* [link] */
	unsigned batch_bytes;
	unsigned credit;
	unsigned ping_ms;
	unsigned dead_ms;
	unsigned reconnect_max_ms;
	unsigned fetch_kib_s;           /* attachment fetch rate, 0 = any */
	unsigned recover_wait_s; /* writes wait this long for a restored
	                            store's chunks with none arriving */
	unsigned map_size_mb;           /* [store] */
	char plugin_dir[4096];          /* [report] plugin_dir */
	unsigned report_timeout_s;      /* [report] timeout_s */
	unsigned report_cpu_s;          /* [report] cpu_s */
	unsigned report_memory_mb;      /* [report] memory_mb */
	int log_level;                  /* [log] level */
	char notify_command[200];       /* [notify] command ("" = none) */
	unsigned notify_every_s;        /* [notify] every: inbox checks */
	unsigned notify_timeout_s;      /* [notify] timeout_s */
	/* [health]: the node's HEALTH record (docs/monitoring.md). */
	unsigned health_every_s;        /* every: look at the links, 5m;
	                                   0 (off): write no HEALTH record */
	unsigned health_refresh_s;      /* refresh: write even if nothing
	                                   changed, 1h */
	unsigned health_silent_after_s; /* silent_after: an office whose
	                                   newest HEALTH is older is SILENT,
	                                   6h */
	/* [metrics]: Prometheus text on HOST:PORT ("" = off). */
	char metrics_listen[LD_ENDPOINT_MAX];
	bool metrics_remote;            /* remote = yes: a non-loopback
	                                   listen address is allowed */
	struct ld_sched sched[LD_SCHED_MAX]; /* [report NAME] sections */
	size_t nsched;
	/* [web]: liandong-web, the office console (docs/console.md). */
	char web_listen[LD_ENDPOINT_MAX]; /* HOST:PORT, 127.0.0.1:8480 */
	char web_cert[4096];            /* PEM certificate ("" = no TLS) */
	char web_key[4096];             /* PEM private key, with web_cert */
	bool web_plain_http;            /* plain_http = yes: serve HTTP on
	                                   a non-loopback address */
	unsigned web_session_idle_s;    /* session_idle, 30m */
	unsigned web_threads;           /* threads, 4 */
};

/* Is `hostport` HOST:PORT ([v6]:PORT for IPv6) with a port from 1 to
 * 65535? *why says what is wrong. */
bool ld_hostport_valid(const char *hostport, const char **why);

/* Is the host of HOST:PORT a loopback address (every address it names
 * resolves to 127.0.0.0/8 or ::1)? */
bool ld_hostport_loopback(const char *hostport);

/* Defaults for everything but [node]. */
void ld_config_defaults(struct ld_config *c);

/* Read <dir>/liandong.conf. On error writes "FILE:LINE: reason" (or
 * "FILE: reason") to err and returns -errno (the directory or the file
 * cannot be opened, -EIO: read), -ENAMETOOLONG, or LD_ESYNTAX (a line or
 * a value that is wrong, a key missing). */
int ld_config_load(const char *dir, struct ld_config *c, char *err,
                   size_t errlen);

/* Check a configuration the way 'liandong config check' does: `path` is
 * a data directory (its liandong.conf, and also its keys, children and
 * admins files) or a configuration file. Every mistake goes to `report`
 * as one line, "FILE:LINE: reason" or "FILE: reason": what load would
 * refuse, and files it names that are missing or unreadable (plugin_dir,
 * each [report NAME] plugin, [web] cert and key, the [notify] command).
 * Returns how many mistakes (0: good). c is what was read. */
typedef void (*ld_config_report_fn)(void *arg, const char *line);
int ld_config_check(const char *path, ld_config_report_fn report, void *arg,
                    struct ld_config *c);

/* Write <dir>/liandong.conf (mode 0600, atomically). Returns 0, or with
 * a reason in err -EINVAL (a name or level that cannot be written) or
 * -errno (-EIO: the write failed). */
int ld_config_write(const struct ld_config *c, char *err, size_t errlen);

/* True if `ep` is tcp://HOST:PORT or ipc://PATH; *why says what is wrong. */
bool ld_endpoint_valid(const char *ep, const char **why);

/* True if `name` can be a node's display name: one line of UTF-8 text of
 * at most LD_NAME_MAX bytes, without ';' (which starts an INI comment) or
 * blanks at either end. */
bool ld_name_valid(const char *name, const char **why);

#endif
