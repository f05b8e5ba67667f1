/* notify.c — the [notify] hook: tell an office's own program (an SMS or
 * WeChat gateway) when something lands in its inbox or becomes overdue.
 *
 * Every [notify] every, and a second after this node's log moved (a record
 * written here or applied from a peer; several in a row make one check),
 * the inbox is computed as 'liandong inbox' computes it (query.c). Each
 * item has a key: action, id, version, the review that caused it, and
 * whether it is overdue. Items whose key was not notified before go to
 * the hook, `/bin/sh -c COMMAND` with a JSON document on its standard
 * input, run without blocking the loop (core/subproc.h), one run at a
 * time, killed after [notify] timeout_s. Only when it exits 0 do the keys
 * count as notified: they are kept in <data>/notify.state (so a restart
 * does not send them again), and a hook that fails gets the same items
 * again at the next check. */
#include "gather.h"
#include "json.h"
#include "log.h"
#include "node_int.h"
#include "rollup.h"
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATE_FILE "notify.state"
#define DOC_FILE "notify.json"
/* A check this long after the log last moved. */
#define DEBOUNCE_MS 1000
/* The most keys kept (an inbox larger than this is notified again in
 * part after a restart, no worse). */
#define KEYS_MAX 100000
#define KEY_MAX (2 * LD_ID_MAX + 64)
/* At shutdown, how long a running hook may take to finish (what it has
 * sent counts as notified only if it exits 0). */
#define STOP_WAIT_MS 2000

struct keys {
	char **v;
	size_t n, cap;
};

struct ld_notify {
	bool on;         /* a command is configured */
	uint64_t head;   /* the log head at the last look */
	int64_t kick_ms; /* a check due after the log moved; 0 = none */
	int64_t due_ms;  /* the next periodic check */
	bool running;
	struct ld_child ch;
	size_t nsent;     /* items the running hook was given */
	struct keys sent; /* what counts as notified once it exits 0 */
	struct keys done; /* notified (notify.state) */
	struct ld_ratelimit rl;
};

static void
keys_free(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int
keys_add(struct keys *k, const char *s)
{
	if (k->n == KEYS_MAX)
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		char **v = realloc(k->v, cap * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	if ((k->v[k->n] = strdup(s)) == NULL)
		return -ENOMEM;
	k->n++;
	return 0;
}

static bool
keys_has(const struct keys *k, const char *s)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i], s) == 0)
			return true;
	return false;
}

static void
state_path(const struct ld_node *n, const char *file, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", n->cfg.dir, file);
}

/* notify.state: one key a line. An absent file is an empty set; a line
 * too long is skipped (it is notified again, no worse). */
static void
state_load(const struct ld_node *n, struct keys *k)
{
	char path[4200], line[KEY_MAX + 2];
	state_path(n, STATE_FILE, path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno != ENOENT)
			ld_warn("notify: %s: %s (items already notified may "
			        "be sent again)",
			        path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t l = strcspn(line, "\n");
		if (line[l] != '\n' || l == 0)
			continue;
		line[l] = '\0';
		if (keys_add(k, line) != 0)
			break;
	}
	fclose(f);
}

/* Write notify.state atomically. Returns 0 or -errno. */
static int
state_save(const struct ld_node *n, const struct keys *k)
{
	char path[4200], tmp[4300];
	state_path(n, STATE_FILE, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		int rc = -errno;
		if (fd >= 0)
			close(fd);
		return rc;
	}
	for (size_t i = 0; i < k->n; i++)
		fprintf(f, "%s\n", k->v[i]);
	bool bad = ferror(f) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0;
	if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
		int rc = errno ? -errno : -EIO;
		unlink(tmp);
		return rc;
	}
	return 0;
}

bool
ld_notify_busy(const struct ld_node *n)
{
	return n->notify != NULL && n->notify->running;
}

struct ld_notify *
ld_notify_new(struct ld_node *n)
{
	struct ld_notify *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->on = n->cfg.notify_command[0] != '\0';
	if (!s->on)
		return s;
	state_load(n, &s->done);
	s->head = ld_store_head(n->st);
	/* The first check soon after start, when links had a moment. */
	s->due_ms = ld_now_ms() + 2000;
	return s;
}

void
ld_notify_free(struct ld_notify **s)
{
	if (*s == NULL)
		return;
	if ((*s)->running)
		ld_child_kill(&(*s)->ch);
	keys_free(&(*s)->sent);
	keys_free(&(*s)->done);
	free(*s);
	*s = NULL;
}

/* The key of an inbox item: what must be done about which version of
 * which record, for which review, overdue or not. */
static void
item_key(const struct ld_inbox_item *it, char *out, size_t len)
{
	snprintf(out, len, "%s %s %llu %s %llu %d", ld_act_name(it->act),
	         it->rec->id, (unsigned long long)it->rec->version,
	         it->cause ? it->cause->id : "-",
	         it->cause ? (unsigned long long)it->cause->version : 0ull,
	         it->overdue ? 1 : 0);
}

static void
put_field(struct ld_buf *b, const char *name, const char *v)
{
	ld_buf_printf(b, ", \"%s\": ", name);
	ld_json_put_string(b, v);
}

/* One item of the document, as 'liandong inbox --json' names its
 * fields, with the event. */
static void
put_item(struct ld_buf *b, const struct ld_inbox_item *it, bool first)
{
	const Ld__Record *r = it->rec;
	ld_buf_puts(b, first ? "{\"event\": " : ", {\"event\": ");
	ld_json_put_string(b, it->overdue ? "overdue" : "new");
	put_field(b, "action", ld_act_name(it->act));
	put_field(b, "id", r->id);
	put_field(b, "kind", ld_kind_name(r->kind));
	put_field(b, "topic", ld_query_item_topic(it));
	put_field(b, "from", it->cause ? it->cause->owner : r->owner);
	put_field(b, "due", it->due);
	if (it->due[0] != '\0')
		ld_buf_printf(b, ", \"days_left\": %ld", it->days_left);
	else
		ld_buf_puts(b, ", \"days_left\": null");
	ld_buf_puts(b, it->overdue ? ", \"overdue\": true}"
	                           : ", \"overdue\": false}");
}

/* Write the document to <data>/notify.json and open it for the hook's
 * standard input. Returns the descriptor, or -errno. */
static int
write_doc(const struct ld_node *n, const struct ld_buf *b)
{
	char path[4200];
	state_path(n, DOC_FILE, path, sizeof(path));
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < b->n) {
		ssize_t w = write(fd, b->p + off, b->n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int rc = w < 0 ? -errno : -EIO;
			close(fd);
			return rc;
		}
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* Compute the inbox; run the hook if something in it is new. */
static void
check(struct ld_node *n, struct ld_notify *s)
{
	char today[11];
	ld_query_today(today);
	struct ld_bag bag = {0};
	struct ld_inbox in = {0};
	int rc = ld_query_inbox_of(n, today, 7, &bag, &in);
	if (rc != 0) {
		ld_warn_rl(&s->rl, "notify: cannot compute the inbox: %s",
		           ld_store_strerror(rc));
		return;
	}
	struct keys now = {0};
	struct ld_buf b = {0};
	size_t fresh = 0;
	char key[KEY_MAX];
	ld_buf_puts(&b, "{\"office\": ");
	ld_json_put_string(&b, n->cfg.id);
	put_field(&b, "name", n->cfg.name);
	put_field(&b, "today", today);
	ld_buf_puts(&b, ", \"items\": [");
	for (size_t i = 0; i < in.n && rc == 0; i++) {
		item_key(&in.items[i], key, sizeof(key));
		rc = keys_add(&now, key);
		if (rc == 0 && !keys_has(&s->done, key))
			put_item(&b, &in.items[i], fresh++ == 0);
	}
	ld_buf_puts(&b, "]}\n");
	ld_inbox_free(&in);
	ld_bag_free(&bag);
	if (rc != 0 || b.oom) {
		ld_warn_rl(&s->rl, "notify: out of memory");
		goto leave;
	}
	if (fresh == 0) {
		/* Forget what left the inbox, so the state stays its size. */
		if (now.n != s->done.n && state_save(n, &now) == 0) {
			keys_free(&s->done);
			s->done = now;
			now = (struct keys){0};
		}
		goto leave;
	}
	int fd = write_doc(n, &b);
	if (fd < 0) {
		ld_warn_rl(&s->rl, "notify: %s/%s: %s; trying again later",
		           n->cfg.dir, DOC_FILE, ld_strerror(fd));
		goto leave;
	}
	char *argv[] = {"/bin/sh", "-c", n->cfg.notify_command, NULL};
	rc = ld_child_start_in(&s->ch, argv,
	                       (int)n->cfg.notify_timeout_s * 1000, fd);
	close(fd);
	if (rc != 0) {
		char how[300];
		ld_warn_rl(&s->rl, "notify: %s: %s; trying again later",
		           n->cfg.notify_command,
		           ld_spawn_describe(&s->ch.r, 0, how, sizeof(how)));
		goto leave;
	}
	s->running = true;
	s->nsent = fresh;
	keys_free(&s->sent);
	s->sent = now;
	now = (struct keys){0};
	ld_debug("notify: %zu item(s) to %s", fresh, n->cfg.notify_command);
leave:
	keys_free(&now);
	ld_buf_free(&b);
}

/* The hook ended: what it was given is notified if it exited 0. */
static void
finished(struct ld_node *n, struct ld_notify *s)
{
	s->running = false;
	const struct ld_spawn_result *r = &s->ch.r;
	if (r->how != LD_SPAWN_EXITED || r->code != 0) {
		char how[300];
		const char *last = strrchr(r->err, '\n');
		ld_warn_rl(
		    &s->rl,
		    "notify: %s: %s%s%s; its %zu item(s) go again at "
		    "the next check",
		    n->cfg.notify_command,
		    ld_spawn_describe(r, (int)n->cfg.notify_timeout_s * 1000,
		                      how, sizeof(how)),
		    r->err[0] ? ": " : "", last ? last + 1 : r->err, s->nsent);
		keys_free(&s->sent);
		return;
	}
	int rc = state_save(n, &s->sent);
	if (rc != 0)
		ld_warn_rl(&s->rl,
		           "notify: %s/%s: %s (they may be sent "
		           "again after a restart)",
		           n->cfg.dir, STATE_FILE, ld_strerror(rc));
	keys_free(&s->done);
	s->done = s->sent;
	s->sent = (struct keys){0};
	ld_info("notify: told %s of %zu item(s)", n->cfg.notify_command,
	        s->nsent);
}

void
ld_notify_stop(struct ld_node *n)
{
	struct ld_notify *s = n->notify;
	if (s == NULL || !s->running)
		return;
	int64_t end = ld_now_ms() + STOP_WAIT_MS;
	while (!ld_child_poll(&s->ch) && ld_now_ms() < end) {
		struct timespec ts = {0, 20 * 1000000};
		nanosleep(&ts, NULL);
	}
	if (s->ch.done)
		finished(n, s);
}

void
ld_notify_tick(struct ld_node *n, int64_t now)
{
	struct ld_notify *s = n->notify;
	if (s == NULL || !s->on)
		return;
	uint64_t head = ld_store_head(n->st);
	if (head != s->head) {
		s->head = head;
		if (s->kick_ms == 0)
			s->kick_ms = now + DEBOUNCE_MS;
	}
	if (s->running) {
		if (ld_child_poll(&s->ch))
			finished(n, s);
		return;
	}
	bool kicked = s->kick_ms != 0 && now >= s->kick_ms;
	if (!kicked && now < s->due_ms)
		return;
	s->kick_ms = 0;
	s->due_ms = now + (int64_t)n->cfg.notify_every_s * 1000;
	check(n, s);
}
