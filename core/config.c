/* config.c — parse and write liandong.conf with libinih. */
#include "config.h"
#include "allow.h"
#include "err.h"
#include "install.h"
#include "log.h"
#include "text.h"
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <ini.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

void
ld_config_defaults(struct ld_config *c)
{
	memset(c, 0, sizeof(*c));
	c->batch_records = 1000;
	c->batch_bytes = 512 * 1024;
	c->credit = 8;
	c->ping_ms = 1000;
	c->dead_ms = 10000;
	c->reconnect_max_ms = 5000;
	c->recover_wait_s = 600;
	c->map_size_mb = 1024;
	ld_install_plugin_dir(c->plugin_dir, sizeof(c->plugin_dir));
	c->report_timeout_s = 30;
	c->report_cpu_s = 60;
	c->report_memory_mb = 1024;
	c->log_level = LD_LOG_INFO;
	c->notify_every_s = 60;
	c->notify_timeout_s = 30;
	c->health_every_s = 300;
	c->health_refresh_s = 3600;
	c->health_silent_after_s = 6 * 3600;
	snprintf(c->web_listen, sizeof(c->web_listen), "127.0.0.1:8480");
	c->web_session_idle_s = 30 * 60;
	c->web_threads = 4;
}

/* Is the host of HOST:PORT a loopback address (every address it names)? */
bool
ld_hostport_loopback(const char *hostport)
{
	char host[LD_ENDPOINT_MAX];
	snprintf(host, sizeof(host), "%s", hostport);
	char *colon = strrchr(host, ':');
	if (colon == NULL)
		return false;
	*colon = '\0';
	const char *h = host;
	if (host[0] == '[' && colon > host && colon[-1] == ']') {
		colon[-1] = '\0';
		h = host + 1;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	if (getaddrinfo(h, NULL, &hints, &ai) != 0 || ai == NULL)
		return false;
	bool lo = true;
	for (struct addrinfo *a = ai; a != NULL; a = a->ai_next) {
		if (a->ai_family == AF_INET) {
			const struct sockaddr_in *sa = (void *)a->ai_addr;
			lo &= (ntohl(sa->sin_addr.s_addr) >> 24) == 127;
		} else if (a->ai_family == AF_INET6) {
			const struct sockaddr_in6 *sa = (void *)a->ai_addr;
			lo &= IN6_IS_ADDR_LOOPBACK(&sa->sin6_addr) != 0;
		} else {
			lo = false;
		}
	}
	freeaddrinfo(ai);
	return lo;
}

bool
ld_hostport_valid(const char *hp, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	const char *colon = strrchr(hp, ':');
	if (colon == NULL || colon == hp) {
		*why = "must be HOST:PORT (e.g. 127.0.0.1:8480)";
		return false;
	}
	const char *end = colon;
	if (hp[0] == '[' && (colon[-1] != ']' || colon - hp < 3)) {
		*why = "an IPv6 address goes in brackets: [::1]:8480";
		return false;
	}
	for (const char *p = hp; p < end; p++) {
		if (*p <= ' ' || *p == '/' || (unsigned char)*p >= 0x7f) {
			*why = "bad character in host";
			return false;
		}
	}
	const char *port = colon + 1;
	size_t nd = strspn(port, "0123456789");
	long v = nd >= 1 && nd <= 5 && port[nd] == '\0' ? atol(port) : 0;
	if (v < 1 || v > 65535) {
		*why = "port must be a number from 1 to 65535";
		return false;
	}
	return true;
}

bool
ld_endpoint_valid(const char *ep, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	if (strlen(ep) >= LD_ENDPOINT_MAX) {
		*why = "endpoint too long";
		return false;
	}
	if (strncmp(ep, "ipc://", 6) == 0) {
		if (ep[6] == '\0') {
			*why = "ipc:// needs a socket path";
			return false;
		}
		return true;
	}
	if (strncmp(ep, "tcp://", 6) != 0) {
		*why = "endpoint must be tcp://HOST:PORT or ipc://PATH";
		return false;
	}
	const char *host = ep + 6, *colon = strrchr(host, ':');
	if (colon == NULL || colon == host) {
		*why = "tcp endpoint needs HOST:PORT";
		return false;
	}
	for (const char *p = host; p < colon; p++) {
		if (*p <= ' ' || *p == '/' || (unsigned char)*p >= 0x7f) {
			*why = "bad character in host";
			return false;
		}
	}
	const char *port = colon + 1;
	size_t nd = strspn(port, "0123456789");
	long v = nd >= 1 && nd <= 5 && port[nd] == '\0' ? atol(port) : 0;
	if (v < 1 || v > 65535) {
		*why = "port must be a number from 1 to 65535";
		return false;
	}
	return true;
}

bool
ld_name_valid(const char *name, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	size_t n = strlen(name);
	if (n == 0) {
		*why = "empty";
		return false;
	}
	if (n > LD_NAME_MAX) {
		*why = "longer than 150 bytes";
		return false;
	}
	int bad = ld_text_check(name, n, NULL);
	if (bad == LD_ECONTROL || bad == LD_EBIDI) {
		*why = ld_strerror(bad);
		return false;
	}
	if (bad != 0 || strpbrk(name, "\r\n\t") != NULL) {
		*why = "not one line of UTF-8 text";
		return false;
	}
	if (strchr(name, ';') != NULL) {
		*why = "contains ';'";
		return false;
	}
	if (name[0] == ' ' || name[n - 1] == ' ') {
		*why = "starts or ends with a blank";
		return false;
	}
	return true;
}

/* Keys of the config; each may be given once. */
static const char *const known_keys[] = {
    "node.id",           "node.name",         "node.level",
    "node.listen",       "node.parent",       "link.batch_records",
    "link.batch_bytes",  "link.credit",       "link.ping_ms",
    "link.dead_ms",      "link.reconnect_max_ms", "link.fetch_kib_s",
    "link.recover_wait_s",
    "store.map_size_mb", "report.plugin_dir", "report.timeout_s",
    "report.cpu_s",      "report.memory_mb",
    "log.level",         "node.parent_key",   "node.root_key",
    "security.insecure", "security.verify_threads", "security.signatures",
    "api.listen",
    "web.listen",        "web.cert",          "web.key",
    "web.plain_http",    "web.session_idle",  "web.threads",
    "notify.command",    "notify.every",      "notify.timeout_s",
    "health.every",      "health.refresh",    "health.silent_after",
    "metrics.listen",    "metrics.remote",    NULL,
};

#define NKEYS 64
/* inih's line buffer (INI_MAX_LINE): a longer line is a mistake. */
#define LINE_MAX_BYTES 200

struct load_ctx {
	struct ld_config *c;
	FILE *f;
	const char *file;
	int line;        /* the line inih is handling */
	char reason[512];
	int reason_line; /* the line `reason` is about (0: the file) */
	int nerr;        /* mistakes found */
	uint64_t seen;   /* bit per known_keys entry */
	int key_line[NKEYS];              /* where each known key is */
	int sched_line[LD_SCHED_MAX];     /* where each [report NAME]'s plugin is */
	/* The line read before this one, to tell whether inih took it. */
	char prev[LINE_MAX_BYTES];
	int prev_line, handled;
	bool prev_noted;
	/* ld_config_check: every mistake goes here as it is found. */
	ld_config_report_fn report;
	void *arg;
};

/* A mistake at `line` (0: of the file as a whole). The first is kept
 * for ld_config_load; ld_config_check is told of each. */
static void note(struct load_ctx *x, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
note(struct load_ctx *x, int line, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->nerr++ == 0) {
		snprintf(x->reason, sizeof(x->reason), "%s", msg);
		x->reason_line = line;
	}
	if (x->report == NULL)
		return;
	char full[5200];
	if (line > 0)
		snprintf(full, sizeof(full), "%s:%d: %s", x->file, line, msg);
	else
		snprintf(full, sizeof(full), "%s: %s", x->file, msg);
	x->report(x->arg, full);
}

/* Would inih take this line without calling the handler: blank, a
 * comment, or a [section] header? */
static bool
line_quiet(const char *s)
{
	s += strspn(s, " \t\r\n");
	return *s == '\0' || *s == ';' || *s == '#' ||
	       (*s == '[' && strchr(s, ']') != NULL);
}

static const char *const syntax_reason =
    "not a 'key = value' line or a [section] header";

/* inih reads through this, so the handler knows its line number; and a
 * line it did not hand to the handler, nor skip, was a mistake. */
static char *
read_line(char *str, int num, void *stream)
{
	struct load_ctx *x = stream;
	if (x->prev_line > 0 && x->handled != x->prev_line && !x->prev_noted &&
	    !line_quiet(x->prev))
		note(x, x->prev_line, "%s", syntax_reason);
	x->prev_line = 0;
	char *r = fgets(str, num, x->f);
	if (r == NULL)
		return NULL;
	x->line++;
	x->prev_noted = false;
	size_t len = strlen(str);
	if (len + 1 == (size_t)num && str[len - 1] != '\n') {
		int ch = getc(x->f);
		if (ch != EOF) {
			while (ch != EOF && ch != '\n')
				ch = getc(x->f);
			note(x, x->line, "longer than %d bytes", num - 1);
			x->prev_noted = true;
			/* Something inih refuses, so the parse fails here. */
			snprintf(str, (size_t)num, "\x01\n");
		} else {
			ungetc(ch, x->f);
		}
	}
	snprintf(x->prev, sizeof(x->prev), "%s", str);
	x->prev_line = x->line;
	return r;
}

static int
set_uint(const char *value, unsigned min, unsigned max, unsigned *out,
         char *reason, size_t rlen)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || errno != 0 || v < min ||
	    v > max || value[0] == '-') {
		snprintf(reason, rlen, "must be a whole number from %u to %u",
		         min, max);
		return 0;
	}
	*out = (unsigned)v;
	return 1;
}

static int
copy_str(const char *value, char *dst, size_t cap, char *reason, size_t rlen)
{
	size_t n = strlen(value);
	if (n >= cap) {
		snprintf(reason, rlen, "longer than %zu bytes", cap - 1);
		return 0;
	}
	int bad = ld_text_check(value, n, NULL);
	if (bad != 0) {
		snprintf(reason, rlen, "%s", ld_strerror(bad));
		return 0;
	}
	memcpy(dst, value, n + 1);
	return 1;
}

unsigned
ld_config_duration(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (end == s || s[0] < '0' || s[0] > '9' || v == 0 || end[0] == '\0' ||
	    end[1] != '\0')
		return 0;
	unsigned long mul = end[0] == 's'   ? 1
	                    : end[0] == 'm' ? 60
	                    : end[0] == 'h' ? 3600
	                    : end[0] == 'd' ? 86400
	                                    : 0;
	if (mul == 0 || v > 366ul * 86400 / mul)
		return 0;
	return (unsigned)(v * mul);
}

static bool
sched_name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		      (s[n] >= '0' && s[n] <= '9') || s[n] == '_' ||
		      s[n] == '-'))
			return false;
	return n >= 1 && n <= 32;
}

/* A key of a [report NAME] section. */
static int
on_sched_key(struct ld_config *c, const char *name, const char *key,
             const char *value, char *r, size_t rl)
{
	if (!sched_name_ok(name)) {
		snprintf(r, rl, "[report %.40s]: a name of 1 to 32 of a-z 0-9 _ -",
		         name);
		return 0;
	}
	struct ld_sched *s = NULL;
	for (size_t i = 0; i < c->nsched && s == NULL; i++)
		if (strcmp(c->sched[i].name, name) == 0)
			s = &c->sched[i];
	if (s == NULL) {
		if (c->nsched == LD_SCHED_MAX) {
			snprintf(r, rl, "at most %d [report NAME] sections",
			         LD_SCHED_MAX);
			return 0;
		}
		s = &c->sched[c->nsched++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", name);
		snprintf(s->format, sizeof(s->format), "md");
		s->publish_up = true;
	}
	if (strcmp(key, "plugin") == 0) {
		if (!sched_name_ok(value)) {
			snprintf(r, rl, "a plugin's name (a-z 0-9 _ -)");
			return 0;
		}
		snprintf(s->plugin, sizeof(s->plugin), "%s", value);
	} else if (strcmp(key, "format") == 0) {
		if (strcmp(value, "md") && strcmp(value, "csv") &&
		    strcmp(value, "json") && strcmp(value, "html")) {
			snprintf(r, rl, "one of md, csv, json, html");
			return 0;
		}
		snprintf(s->format, sizeof(s->format), "%s", value);
	} else if (strcmp(key, "every") == 0) {
		if ((s->every_s = ld_config_duration(value)) == 0) {
			snprintf(r, rl, "a duration like 30m, 12h or 7d");
			return 0;
		}
	} else if (strcmp(key, "publish") == 0) {
		if (strcmp(value, "up") && strcmp(value, "none")) {
			snprintf(r, rl, "up or none");
			return 0;
		}
		s->publish_up = value[0] == 'u';
	} else {
		if (s->nkeys == LD_SCHED_KEYS || strlen(key) >= 48 ||
		    strlen(value) >= 200 || !ld_text_valid(value, strlen(value))) {
			snprintf(r, rl, "at most %d settings of up to 47-byte "
			         "keys and 199-byte UTF-8 values", LD_SCHED_KEYS);
			return 0;
		}
		snprintf(s->key[s->nkeys], 48, "%s", key);
		snprintf(s->val[s->nkeys++], 200, "%s", value);
	}
	return 1;
}

/* inih calls this per key; returning 0 records an error at this line. */
static int
on_key(void *user, const char *section, const char *key, const char *value)
{
	struct load_ctx *x = user;
	struct ld_config *c = x->c;
	x->handled = x->line;
	char r[256];
	size_t rl = sizeof(r);
	int ok;
	const char *why;

	char full[64];
	snprintf(full, sizeof(full), "%s.%s", section, key);
	for (int i = 0; known_keys[i] != NULL; i++) {
		if (strcmp(known_keys[i], full) != 0)
			continue;
		if (x->seen & ((uint64_t)1 << i)) {
			note(x, x->line,
			     "%s: given twice (or continued on an indented "
			     "line)",
			     key);
			return 0;
		}
		x->seen |= (uint64_t)1 << i;
		x->key_line[i] = x->line;
	}

#define KEY(s, k) (strcmp(section, s) == 0 && strcmp(key, k) == 0)
	if (KEY("node", "id")) {
		if (!ld_path_valid(value, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->id, sizeof(c->id), r, rl);
		}
	} else if (KEY("node", "name")) {
		if (!ld_name_valid(value, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->name, sizeof(c->name), r, rl);
		}
	} else if (KEY("node", "level")) {
		ok = copy_str(value, c->level, sizeof(c->level), r, rl);
	} else if (KEY("node", "listen") || KEY("node", "parent")) {
		if (value[0] != '\0' && !ld_endpoint_valid(value, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value,
			              key[0] == 'l' ? c->listen : c->parent,
			              LD_ENDPOINT_MAX, r, rl);
		}
	} else if (KEY("node", "parent_key")) {
		if (!ld_keys_parse_public(value, c->parent_curve,
		                          c->parent_sign, false, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->parent_key,
			              sizeof(c->parent_key), r, rl);
		}
	} else if (KEY("node", "root_key")) {
		uint8_t curve[32];
		if (!ld_keys_parse_public(value, curve, c->root_sign, true,
		                          &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->root_key, sizeof(c->root_key),
			              r, rl);
		}
	} else if (KEY("security", "insecure")) {
		ok = strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
		if (ok)
			c->insecure = value[0] == 't';
		else
			snprintf(r, rl, "must be true or false");
	} else if (KEY("api", "listen")) {
		if (value[0] != '\0' && !ld_endpoint_valid(value, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->api_listen, LD_ENDPOINT_MAX, r,
			              rl);
		}
	} else if (KEY("security", "verify_threads")) {
		ok = set_uint(value, 0, 64, &c->verify_threads, r, rl);
	} else if (KEY("security", "signatures")) {
		ok = strcmp(value, "batch") == 0 || strcmp(value, "record") == 0;
		if (ok)
			c->sign_each = value[0] == 'r';
		else
			snprintf(r, rl, "must be batch or record");
	} else if (KEY("link", "batch_records")) {
		ok = set_uint(value, 1, LD_BATCH_MAX, &c->batch_records, r, rl);
	} else if (KEY("link", "batch_bytes")) {
		ok = set_uint(value, 4096, 8u << 20, &c->batch_bytes, r, rl);
	} else if (KEY("link", "credit")) {
		ok = set_uint(value, 1, LD_CREDIT_MAX, &c->credit, r, rl);
	} else if (KEY("link", "ping_ms")) {
		ok = set_uint(value, 50, 600000, &c->ping_ms, r, rl);
	} else if (KEY("link", "dead_ms")) {
		ok = set_uint(value, 200, 3600000, &c->dead_ms, r, rl);
	} else if (KEY("link", "reconnect_max_ms")) {
		ok = set_uint(value, 100, 3600000, &c->reconnect_max_ms, r,
		              rl);
	} else if (KEY("link", "fetch_kib_s")) {
		ok = set_uint(value, 0, 4u << 20, &c->fetch_kib_s, r, rl);
	} else if (KEY("link", "recover_wait_s")) {
		ok = set_uint(value, 1, 7 * 86400, &c->recover_wait_s, r, rl);
	} else if (KEY("report", "plugin_dir")) {
		ok = value[0] == '/';
		if (!ok)
			snprintf(r, rl, "must be an absolute path");
		else
			ok = copy_str(value, c->plugin_dir,
			              sizeof(c->plugin_dir), r, rl);
	} else if (KEY("report", "timeout_s")) {
		ok = set_uint(value, 1, 3600, &c->report_timeout_s, r, rl);
	} else if (KEY("report", "cpu_s")) {
		ok = set_uint(value, 1, 3600, &c->report_cpu_s, r, rl);
	} else if (KEY("report", "memory_mb")) {
		ok = set_uint(value, 16, 1u << 20, &c->report_memory_mb, r,
		              rl);
	} else if (KEY("store", "map_size_mb")) {
		ok = set_uint(value, 1, 1u << 22, &c->map_size_mb, r, rl);
	} else if (strncmp(section, "report ", 7) == 0) {
		ok = on_sched_key(c, section + 7, key, value, r, rl);
		for (size_t i = 0; ok && i < c->nsched; i++)
			if (strcmp(key, "plugin") == 0 &&
			    strcmp(c->sched[i].name, section + 7) == 0)
				x->sched_line[i] = x->line;
	} else if (KEY("notify", "command")) {
		/* Run by /bin/sh -c: a program, its arguments, quoting. */
		ok = value[0] != '\0';
		if (!ok)
			snprintf(r, rl, "a program to run (leave the key out "
			         "for none)");
		else
			ok = copy_str(value, c->notify_command,
			              sizeof(c->notify_command), r, rl);
	} else if (KEY("notify", "every")) {
		c->notify_every_s = ld_config_duration(value);
		ok = c->notify_every_s != 0 && c->notify_every_s <= 86400;
		if (!ok)
			snprintf(r, rl, "a duration from 1s to 1d, like 60s "
			         "or 5m");
	} else if (KEY("health", "every") || KEY("health", "refresh") ||
	           KEY("health", "silent_after")) {
		unsigned *to = key[0] == 'e'   ? &c->health_every_s
		               : key[0] == 'r' ? &c->health_refresh_s
		                               : &c->health_silent_after_s;
		/* every = off: this node writes no HEALTH record. */
		bool off = key[0] == 'e' && strcmp(value, "off") == 0;
		*to = off ? 0 : ld_config_duration(value);
		ok = off || (*to != 0 && *to <= 30 * 86400);
		if (!ok)
			snprintf(r, rl, "a duration from 1s to 30d, like 5m "
			         "or 6h%s", key[0] == 'e' ? ", or off" : "");
	} else if (KEY("metrics", "listen")) {
		if (!ld_hostport_valid(value, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->metrics_listen,
			              sizeof(c->metrics_listen), r, rl);
		}
	} else if (KEY("metrics", "remote")) {
		ok = strcmp(value, "yes") == 0 || strcmp(value, "no") == 0;
		if (ok)
			c->metrics_remote = value[0] == 'y';
		else
			snprintf(r, rl, "yes or no");
	} else if (KEY("notify", "timeout_s")) {
		ok = set_uint(value, 1, 3600, &c->notify_timeout_s, r, rl);
	} else if (KEY("web", "listen")) {
		if (!ld_hostport_valid(value, &why)) {
			snprintf(r, rl, "%s", why);
			ok = 0;
		} else {
			ok = copy_str(value, c->web_listen,
			              sizeof(c->web_listen), r, rl);
		}
	} else if (KEY("web", "cert") || KEY("web", "key")) {
		ok = copy_str(value, key[0] == 'c' ? c->web_cert : c->web_key,
		              sizeof(c->web_cert), r, rl);
	} else if (KEY("web", "plain_http")) {
		ok = strcmp(value, "yes") == 0 || strcmp(value, "no") == 0;
		if (ok)
			c->web_plain_http = value[0] == 'y';
		else
			snprintf(r, rl, "must be yes or no");
	} else if (KEY("web", "session_idle")) {
		c->web_session_idle_s = ld_config_duration(value);
		ok = c->web_session_idle_s >= 60 &&
		     c->web_session_idle_s <= 7 * 86400;
		if (!ok)
			snprintf(r, rl, "a duration from 1m to 7d, like 30m");
	} else if (KEY("web", "threads")) {
		ok = set_uint(value, 1, 64, &c->web_threads, r, rl);
	} else if (KEY("log", "level")) {
		c->log_level = ld_log_level_parse(value);
		ok = c->log_level >= 0;
		if (!ok)
			snprintf(r, rl, "must be error, warn, info or debug");
	} else {
		note(x, x->line, "unknown key '%s' in section [%s]", key,
		     section);
		return 0;
	}
#undef KEY
	if (!ok)
		note(x, x->line, "%s: %s", key, r);
	return ok;
}

static int
key_index(const char *full)
{
	for (int i = 0; known_keys[i] != NULL; i++)
		if (strcmp(known_keys[i], full) == 0)
			return i;
	return -1;
}

static bool
seen(const struct load_ctx *x, const char *full)
{
	int i = key_index(full);
	return i >= 0 && (x->seen & ((uint64_t)1 << i));
}

/* The rules between keys, once the file is read. */
static void
post_checks(struct load_ctx *x)
{
	struct ld_config *c = x->c;
	if (c->id[0] == '\0' && !seen(x, "node.id"))
		note(x, 0, "[node] id is missing");
	if (c->name[0] == '\0' && !seen(x, "node.name"))
		note(x, 0, "[node] name is missing");
	if (c->level[0] == '\0' && c->id[0] != '\0')
		snprintf(c->level, sizeof(c->level), "%s",
		         ld_vocab_level_for_depth(ld_path_depth(c->id)));
	if (c->insecure && c->api_listen[0] != '\0')
		note(x, 0, "[api] listen needs security (CURVE); an insecure "
		     "node has only its local API");
	if (c->health_every_s != 0 && c->health_refresh_s < c->health_every_s)
		note(x, 0, "[health] refresh (%us) must be at least every (%us)",
		     c->health_refresh_s, c->health_every_s);
	/* The metrics say how the office's links fare and answer anyone
	 * who connects: off loopback only when asked for. */
	if (c->metrics_listen[0] != '\0' && !c->metrics_remote &&
	    !ld_hostport_loopback(c->metrics_listen))
		note(x, 0, "[metrics] listen %s is not a loopback address "
		     "(127.0.0.1, [::1]); set [metrics] remote = yes to serve "
		     "it there", c->metrics_listen);
	/* A peer is dropped after dead_ms of silence; pings keep it alive. */
	if (c->ping_ms * 2 > c->dead_ms)
		note(x, 0, "[link] dead_ms (%u) must be at least twice "
		     "ping_ms (%u)", c->dead_ms, c->ping_ms);
	if (!c->insecure && c->parent[0] != '\0' && c->parent_key[0] == '\0' &&
	    !seen(x, "node.parent_key"))
		note(x, 0, "[node] parent is set but parent_key is missing "
		     "(the parent's key, from 'liandong key show' there)");
	if (!c->insecure && c->root_key[0] == '\0' && !seen(x, "node.root_key"))
		note(x, 0, "[node] root_key is missing (the root office's key, "
		     "pinned at init)");
	for (size_t i = 0; i < c->nsched; i++) {
		const struct ld_sched *s = &c->sched[i];
		if (s->plugin[0] == '\0' || s->every_s == 0)
			note(x, 0, "[report %s] needs plugin = NAME and every "
			     "= DURATION (e.g. 7d)", s->name);
	}
	if ((c->web_cert[0] == '\0') != (c->web_key[0] == '\0'))
		note(x, 0, "[web] cert and key go together (both PEM files, "
		     "for HTTPS) or not at all");
	if (c->parent[0] != '\0' && c->id[0] != '\0' &&
	    ld_path_depth(c->id) < 2)
		note(x, 0, "[node] parent is set but id %s is a root path (a "
		     "child's id is its parent's id plus one segment)", c->id);
}

/* Read `file` into c (defaults first) through x. Returns 0, -errno (the
 * file cannot be opened: said in err), -EIO (a read failed) or
 * LD_ESYNTAX (x->nerr mistakes; in load mode the first is in x). */
static int
parse(const char *file, struct ld_config *c, struct load_ctx *x, char *err,
      size_t errlen)
{
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s (run 'liandong init' first)",
		         file, ld_strerror(rc));
		return rc;
	}
	x->c = c;
	x->f = f;
	x->file = file;
	int line = ini_parse_stream(read_line, x, on_key, x);
	fclose(f);
	if (line < 0) {
		snprintf(err, errlen, "%s: cannot read", file);
		return -EIO;
	}
	/* A line inih refused that read_line did not see as one. */
	if (line > 0 && x->nerr == 0)
		note(x, line, "%s", syntax_reason);
	/* The rules between keys: for load, only on a file read cleanly. */
	if (x->nerr == 0 || x->report != NULL)
		post_checks(x);
	return x->nerr > 0 ? LD_ESYNTAX : 0;
}

/* The absolute directory `dir` into c->dir. */
static int
set_dir(struct ld_config *c, const char *dir, char *err, size_t errlen)
{
	char abs[PATH_MAX];
	if (realpath(dir, abs) == NULL) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, ld_strerror(rc));
		return rc;
	}
	if (strlen(abs) >= sizeof(c->dir)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	memcpy(c->dir, abs, strlen(abs) + 1);
	return 0;
}

int
ld_config_load(const char *dir, struct ld_config *c, char *err, size_t errlen)
{
	ld_config_defaults(c);
	int rc = set_dir(c, dir, err, errlen);
	if (rc != 0)
		return rc;
	char file[4200];
	snprintf(file, sizeof(file), "%s/%s", c->dir, LD_CONFIG_FILE);
	struct load_ctx x = {0};
	rc = parse(file, c, &x, err, errlen);
	if (rc == LD_ESYNTAX) {
		if (x.reason_line > 0)
			snprintf(err, errlen, "%s:%d: %s", file, x.reason_line,
			         x.reason);
		else
			snprintf(err, errlen, "%s: %s", file, x.reason);
	}
	return rc;
}

/* ---- ld_config_check: the files a configuration names ---- */

/* `p` relative to the configuration's directory, into buf. */
static const char *
rel(const struct ld_config *c, const char *p, char *buf, size_t len)
{
	if (p[0] == '/')
		return p;
	snprintf(buf, len, "%s/%s", c->dir, p);
	return buf;
}

/* Is the first word of a /bin/sh command an executable program (on the
 * PATH if it has no '/')? A command that starts with shell syntax (an
 * assignment, a quote, a redirection) is not checked. */
static bool
command_found(const char *cmd, char *prog, size_t len)
{
	size_t n = strcspn(cmd, " \t");
	snprintf(prog, len, "%.*s", (int)n, cmd);
	if (strpbrk(prog, "=\"'<>$`|&;(") != NULL)
		return true;
	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	const char *path = getenv("PATH");
	char cand[4300];
	for (const char *p = path ? path : "/usr/bin:/bin"; *p != '\0';) {
		const char *e = strchr(p, ':');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		snprintf(cand, sizeof(cand), "%.*s/%s", (int)l, p, prog);
		if (l > 0 && access(cand, X_OK) == 0)
			return true;
		p = e ? e + 1 : p + l;
	}
	return false;
}

static int
line_of(const struct load_ctx *x, const char *full)
{
	int i = key_index(full);
	return i >= 0 ? x->key_line[i] : 0;
}

static void
check_files(struct load_ctx *x, bool data_dir)
{
	const struct ld_config *c = x->c;
	struct stat st;
	char buf[4300], err[1024];
	if (seen(x, "report.plugin_dir")) {
		int e = stat(c->plugin_dir, &st) != 0 ? errno : 0;
		if (e != 0 || !S_ISDIR(st.st_mode))
			note(x, line_of(x, "report.plugin_dir"),
			     "plugin_dir: %s: %s", c->plugin_dir,
			     e != 0 ? strerror(e) : "not a directory");
	}
	for (size_t i = 0; i < c->nsched; i++) {
		if (c->sched[i].plugin[0] == '\0')
			continue;
		snprintf(buf, sizeof(buf), "%s/%s.so", c->plugin_dir,
		         c->sched[i].plugin);
		if (access(buf, R_OK) != 0)
			note(x, x->sched_line[i], "plugin: %s: %s", buf,
			     strerror(errno));
	}
	const char *web[2][2] = {{"web.cert", c->web_cert},
	                         {"web.key", c->web_key}};
	for (int i = 0; i < 2; i++) {
		if (web[i][1][0] == '\0')
			continue;
		const char *p = rel(c, web[i][1], buf, sizeof(buf));
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			note(x, line_of(x, web[i][0]), "%s: %s: %s",
			     web[i][0] + 4, p, strerror(errno));
		else
			close(fd);
	}
	if (c->notify_command[0] != '\0' &&
	    !command_found(c->notify_command, buf, sizeof(buf)))
		note(x, line_of(x, "notify.command"),
		     "command: %s: not found or not executable", buf);
	if (!data_dir)
		return;
	/* The files of the data directory the daemon reads at start. */
	/* Their loaders say FILE or FILE:LINE themselves. */
	if (!c->insecure) {
		struct ld_keys k;
		if (ld_keys_load(c->dir, &k, err, sizeof(err)) != 0) {
			x->report(x->arg, err);
			x->nerr++;
		}
		sodium_memzero(&k, sizeof(k));
	}
	struct ld_allow al;
	if (c->id[0] != '\0') {
		if (ld_allow_load(c->dir, c->id, &al, err, sizeof(err)) != 0) {
			x->report(x->arg, err);
			x->nerr++;
		} else {
			ld_allow_free(&al);
		}
	}
	if (ld_admins_load(c->dir, &al, err, sizeof(err)) != 0) {
		x->report(x->arg, err);
		x->nerr++;
	} else {
		ld_allow_free(&al);
	}
}

int
ld_config_check(const char *path, ld_config_report_fn report, void *arg,
                struct ld_config *c)
{
	ld_config_defaults(c);
	struct stat st;
	char err[1024], file[4200], dir[4096];
	bool data_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	if (data_dir) {
		snprintf(dir, sizeof(dir), "%s", path);
	} else {
		const char *slash = strrchr(path, '/');
		snprintf(dir, sizeof(dir), "%.*s",
		         slash ? (int)(slash - path) + (slash == path) : 1,
		         slash ? path : ".");
	}
	int rc = set_dir(c, dir, err, sizeof(err));
	if (rc != 0) {
		report(arg, err);
		return 1;
	}
	if (data_dir)
		snprintf(file, sizeof(file), "%s/%s", c->dir, LD_CONFIG_FILE);
	else
		snprintf(file, sizeof(file), "%s", path);
	struct load_ctx x = {.report = report, .arg = arg};
	rc = parse(file, c, &x, err, sizeof(err));
	if (rc != 0 && rc != LD_ESYNTAX) {
		report(arg, err);
		return 1;
	}
	check_files(&x, data_dir);
	return x.nerr;
}

static bool
line_safe(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

int
ld_config_write(const struct ld_config *c, char *err, size_t errlen)
{
	const char *why;
	if (!ld_name_valid(c->name, &why)) {
		snprintf(err, errlen, "name: %s", why);
		return -EINVAL;
	}
	if (!line_safe(c->level) || strchr(c->level, ';') != NULL) {
		snprintf(err, errlen, "level must be one word");
		return -EINVAL;
	}
	char file[4200], tmp[4300];
	snprintf(file, sizeof(file), "%s/%s", c->dir, LD_CONFIG_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	unlink(tmp); /* a stale one must not lend the file its mode */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	              0600);
	if (fd < 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, ld_strerror(rc));
		return rc;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		int rc = -errno;
		close(fd);
		snprintf(err, errlen, "%s: %s", tmp, ld_strerror(rc));
		return rc;
	}
	fprintf(f,
	        "# liandong node configuration (written by 'liandong init').\n"
	        "# Keys and defaults: see docs/configuration.md.\n"
	        "[node]\n"
	        "id = %s\n"
	        "name = %s\n"
	        "level = %s\n",
	        c->id, c->name, c->level);
	if (c->listen[0] != '\0')
		fprintf(f, "listen = %s\n", c->listen);
	if (c->parent[0] != '\0')
		fprintf(f, "parent = %s\n", c->parent);
	if (c->parent_key[0] != '\0')
		fprintf(f, "parent_key = %s\n", c->parent_key);
	if (c->root_key[0] != '\0')
		fprintf(f, "root_key = %s\n", c->root_key);
	if (c->insecure)
		fprintf(f, "\n# No CURVE, no signatures: for local experiments "
		           "only.\n[security]\ninsecure = true\n");
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: write failed", tmp);
		unlink(tmp);
		return -EIO;
	}
	if (rename(tmp, file) != 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		unlink(tmp);
		return rc;
	}
	return 0;
}
