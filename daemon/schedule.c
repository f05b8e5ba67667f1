/* schedule.c — scheduled reports ([report NAME] in liandong.conf): when
 * one is due, run liandong-report as a separate process (never the plugin
 * in the daemon) without blocking the loop, and publish what it wrote as
 * a REPORT record of this node, which flows up to every ancestor. When a
 * report last ran is kept in the store, so a restart does not run it
 * again early. */
#include "log.h"
#include "node_int.h"
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What a REPORT record may carry: the record limit less room for the
 * envelope, figures and signature. */
#define CONTENT_MAX (900u << 10)
#define RETRY_MS (10 * 60 * 1000) /* after a failed run */

struct job {
	const struct ld_sched *s;
	struct ld_child ch;
	bool running;
	int64_t due_ms; /* monotonic */
	char out[4200], figs[4200], srcs[4200];
};

struct ld_schedule {
	struct job *j;
	size_t n;
};

static int64_t
flag_name(const struct ld_sched *s, char *buf, size_t len)
{
	return snprintf(buf, len, "report.%s", s->name);
}

struct ld_schedule *
ld_schedule_new(struct ld_node *n)
{
	struct ld_schedule *sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return NULL;
	sc->n = n->cfg.nsched;
	sc->j = calloc(sc->n ? sc->n : 1, sizeof(*sc->j));
	if (sc->j == NULL) {
		free(sc);
		return NULL;
	}
	int64_t now = ld_now_ms(), wall = ld_wall_ms();
	struct ld_txn t;
	bool rd = ld_store_read_begin(n->st, &t) == 0;
	for (size_t i = 0; i < sc->n; i++) {
		struct job *j = &sc->j[i];
		j->s = &n->cfg.sched[i];
		uint64_t last = 0;
		char fl[64];
		flag_name(j->s, fl, sizeof(fl));
		if (rd)
			ld_store_flag_get(&t, fl, &last);
		int64_t next = (int64_t)last + (int64_t)j->s->every_s * 1000;
		/* Never run: soon after start (links get a moment to come up). */
		j->due_ms = last == 0 ? now + 1000
		            : next <= wall ? now : now + (next - wall);
		snprintf(j->out, sizeof(j->out), "%s/reports/%s.out", n->cfg.dir,
		         j->s->name);
		snprintf(j->figs, sizeof(j->figs), "%s/reports/%s.figures",
		         n->cfg.dir, j->s->name);
		snprintf(j->srcs, sizeof(j->srcs), "%s/reports/%s.sources",
		         n->cfg.dir, j->s->name);
	}
	if (rd)
		ld_store_read_end(&t);
	return sc;
}

void
ld_schedule_free(struct ld_schedule **s)
{
	if (*s == NULL)
		return;
	for (size_t i = 0; i < (*s)->n; i++)
		if ((*s)->j[i].running)
			ld_child_kill(&(*s)->j[i].ch);
	free((*s)->j);
	free(*s);
	*s = NULL;
}

static void
start(struct ld_node *n, struct job *j, int64_t now)
{
	char dir[4200], runner[4200], plugin[4200];
	snprintf(dir, sizeof(dir), "%s/reports", n->cfg.dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		ld_err("report %s: %s: %s", j->s->name, dir, strerror(errno));
		j->due_ms = now + RETRY_MS;
		return;
	}
	unlink(j->out);
	unlink(j->figs);
	unlink(j->srcs);
	ld_report_runner(runner, sizeof(runner));
	snprintf(plugin, sizeof(plugin), "%s/%s.so", n->cfg.plugin_dir,
	         j->s->plugin);
	char sets[LD_SCHED_KEYS][260];
	char *argv[16 + 2 * LD_SCHED_KEYS];
	size_t k = 0;
	argv[k++] = runner;
	argv[k++] = "--data";
	argv[k++] = n->cfg.dir;
	argv[k++] = "--plugin";
	argv[k++] = plugin;
	argv[k++] = "--format";
	argv[k++] = (char *)j->s->format;
	argv[k++] = "--out";
	argv[k++] = j->out;
	argv[k++] = "--figures";
	argv[k++] = j->figs;
	argv[k++] = "--sources";
	argv[k++] = j->srcs;
	for (size_t i = 0; i < j->s->nkeys; i++) {
		snprintf(sets[i], sizeof(sets[i]), "%s=%s", j->s->key[i],
		         j->s->val[i]);
		argv[k++] = "--set";
		argv[k++] = sets[i];
	}
	argv[k] = NULL;
	if (ld_child_start(&j->ch, argv, (int)n->cfg.report_timeout_s * 1000) !=
	    0) {
		char how[300];
		ld_err("report %s: %s", j->s->name,
		       ld_spawn_describe(&j->ch.r, 0, how, sizeof(how)));
		j->due_ms = now + RETRY_MS;
		return;
	}
	j->running = true;
	ld_info("report %s: running plugin %s", j->s->name, j->s->plugin);
}

/* The whole of file `path` (at most `max` bytes), malloc'd. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat sb;
	char *b = NULL;
	if (fstat(fd, &sb) == 0 && (size_t)sb.st_size <= max &&
	    (b = malloc((size_t)sb.st_size + 1)) != NULL) {
		size_t got = 0;
		ssize_t r;
		while (got < (size_t)sb.st_size &&
		       (r = read(fd, b + got, (size_t)sb.st_size - got)) > 0)
			got += (size_t)r;
		b[got] = '\0';
		*len = got;
	}
	close(fd);
	return b;
}

/* What `liandong verify` needs to run the report again: its settings,
 * and the records the plugin named behind each figure (the runner's
 * --sources: "#attributed", then FIGURE<TAB>ID<TAB>VERSION lines). The
 * inputs are left out, and the report is compared by its figures only,
 * when they would not fit in the record beside `content_len` bytes.
 * Returns 0 or -ENOMEM. */
static int
inputs(const struct job *j, Ld__Report *rp, size_t content_len)
{
	rp->settings = calloc(j->s->nkeys ? j->s->nkeys : 1, sizeof(char *));
	if (rp->settings == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < j->s->nkeys; i++) {
		size_t n = strlen(j->s->key[i]) + strlen(j->s->val[i]) + 2;
		if ((rp->settings[i] = malloc(n)) == NULL)
			return -ENOMEM;
		snprintf(rp->settings[i], n, "%s=%s", j->s->key[i],
		         j->s->val[i]);
		rp->n_settings++;
	}
	size_t len = 0;
	char *src = slurp(j->srcs, 64u << 20, &len);
	if (src == NULL)
		return 0;
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += src[i] == '\n';
	size_t room = LD_RECORD_MAX - (64u << 10) - content_len;
	bool fits = len + 16 * lines < room;
	rp->inputs = calloc(lines ? lines : 1, sizeof(*rp->inputs));
	if (rp->inputs == NULL) {
		free(src);
		return -ENOMEM;
	}
	for (char *line = src, *next; fits && line != NULL && *line != '\0';
	     line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strcmp(line, "#attributed") == 0) {
			rp->attributed = true;
			continue;
		}
		char *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t2 == NULL || t2 == t1 + 1) /* a declaration, no record */
			continue;
		*t1 = *t2 = '\0';
		Ld__FigureInput *fi = malloc(sizeof(*fi));
		if (fi == NULL) {
			free(src);
			return -ENOMEM;
		}
		ld__figure_input__init(fi);
		fi->figure = strdup(line);
		fi->id = strdup(t1 + 1);
		fi->version = strtoull(t2 + 1, NULL, 10);
		rp->inputs[rp->n_inputs++] = fi;
		if (fi->figure == NULL || fi->id == NULL) {
			free(src);
			return -ENOMEM;
		}
	}
	if (!fits)
		ld_warn("report %s: the records behind its figures do not fit "
		        "in the REPORT record; verify will compare its figures "
		        "only", j->s->name);
	free(src);
	return 0;
}

/* A REPORT record from the runner's files; NULL (logged) if they are not
 * usable. */
static Ld__Record *
build(const struct job *j)
{
	size_t len = 0, flen = 0;
	char *content = slurp(j->out, CONTENT_MAX, &len);
	if (content == NULL) {
		ld_err("report %s: its output is missing or larger than "
		       "%u KiB (a REPORT record carries at most that); not "
		       "published", j->s->name, CONTENT_MAX >> 10);
		return NULL;
	}
	char *figs = slurp(j->figs, 1u << 20, &flen);
	Ld__Record *r = calloc(1, sizeof(*r));
	Ld__Report *rp = calloc(1, sizeof(*rp));
	Ld__Metric **mv = calloc(256, sizeof(*mv));
	if (r == NULL || rp == NULL || mv == NULL) {
		free(content);
		free(figs);
		free(r);
		free(rp);
		free(mv);
		return NULL;
	}
	ld__record__init(r);
	ld__report__init(rp);
	r->kind = LD__KIND__KIND_REPORT;
	r->body_case = LD__RECORD__BODY_REPORT;
	r->report = rp;
	rp->plugin = strdup(j->s->plugin);
	rp->format = strdup(j->s->format);
	char period[32];
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(period, sizeof(period), "%Y-%m-%d", &tm) == 0)
		snprintf(period, sizeof(period), "unknown");
	rp->period = strdup(period);
	rp->content.data = (uint8_t *)content;
	rp->content.len = len;
	rp->figures = mv;
	/* NAME<TAB>VALUE lines. */
	for (char *line = figs, *next; line != NULL && *line != '\0' &&
	                               rp->n_figures < 256;
	     line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		char *tab = strchr(line, '\t');
		if (tab == NULL || tab == line)
			continue;
		*tab = '\0';
		Ld__Metric *m = calloc(1, sizeof(*m));
		if (m == NULL)
			break;
		ld__metric__init(m);
		m->name = strdup(line);
		m->value = strtod(tab + 1, NULL);
		mv[rp->n_figures++] = m;
	}
	free(figs);
	if (inputs(j, rp, len) != 0) {
		ld__record__free_unpacked(r, NULL);
		return NULL;
	}
	return r;
}

int
ld_schedule_reload(struct ld_node *n, const struct ld_config *c)
{
	/* When each job is next due, by name: the store keeps when a
	 * published report last ran, not an unpublished one, and a job
	 * whose section did not change keeps its turn either way. */
	struct ld_schedule *old = n->schedule;
	size_t nold = old != NULL ? old->n : 0;
	struct kept {
		struct ld_sched s;
		int64_t due_ms;
	} *kept = calloc(nold ? nold : 1, sizeof(*kept));
	if (kept == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < nold; i++) {
		kept[i].s = *old->j[i].s;
		kept[i].due_ms = old->j[i].due_ms;
	}
	memcpy(n->cfg.sched, c->sched, sizeof(c->sched));
	n->cfg.nsched = c->nsched;
	ld_schedule_free(&n->schedule);
	int rc = 0;
	if ((n->schedule = ld_schedule_new(n)) == NULL) {
		rc = -ENOMEM;
		goto leave;
	}
	for (size_t i = 0; i < n->schedule->n; i++) {
		struct job *j = &n->schedule->j[i];
		for (size_t k = 0; k < nold; k++)
			if (memcmp(&kept[k].s, j->s, sizeof(*j->s)) == 0)
				j->due_ms = kept[k].due_ms;
	}
leave:
	free(kept);
	return rc;
}

bool
ld_schedule_busy(const struct ld_node *n)
{
	const struct ld_schedule *sc = n->schedule;
	for (size_t i = 0; sc != NULL && i < sc->n; i++)
		if (sc->j[i].running)
			return true;
	return false;
}

void
ld_schedule_tick(struct ld_node *n, int64_t now)
{
	struct ld_schedule *sc = n->schedule;
	for (size_t i = 0; sc != NULL && i < sc->n; i++) {
		struct job *j = &sc->j[i];
		if (!j->running) {
			if (now >= j->due_ms)
				start(n, j, now);
			continue;
		}
		if (!ld_child_poll(&j->ch))
			continue;
		j->running = false;
		const struct ld_spawn_result *r = &j->ch.r;
		if (r->how != LD_SPAWN_EXITED || r->code != 0) {
			char how[300];
			const char *last = strrchr(r->err, '\n');
			ld_err("report %s: %s%s%s; trying again in %d min",
			       j->s->name,
			       ld_spawn_describe(r, (int)n->cfg.report_timeout_s *
			                                1000,
			                         how, sizeof(how)),
			       r->err[0] ? ": " : "", last ? last + 1 : r->err,
			       RETRY_MS / 60000);
			j->due_ms = now + RETRY_MS;
			continue;
		}
		j->due_ms = now + (int64_t)j->s->every_s * 1000;
		if (!j->s->publish_up) {
			ld_info("report %s: written to %s", j->s->name, j->out);
			continue;
		}
		Ld__Record *rec = build(j);
		struct work *w = rec ? ld_commit_queue(n) : NULL;
		if (w == NULL) {
			if (rec != NULL)
				ld__record__free_unpacked(rec, NULL);
			j->due_ms = now + RETRY_MS;
			continue;
		}
		w->type = WORK_REPORT;
		w->code = LD__CODE__CODE_OK;
		w->rec = rec;
		w->sched = i;
	}
}

int
ld_schedule_write(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	w->code = LD__CODE__CODE_OK;
	w->err[0] = '\0';
	int rc = ld_own_create(n, t, w, w->rec);
	if (rc != 0 || w->code != LD__CODE__CODE_OK)
		return rc;
	char fl[64];
	flag_name(&n->cfg.sched[w->sched], fl, sizeof(fl));
	return ld_store_flag_put(t, fl, (uint64_t)ld_wall_ms());
}

void
ld_schedule_done(struct ld_node *n, struct work *w, int rc)
{
	bool ok = rc == 0;
	const struct ld_sched *s = &n->cfg.sched[w->sched];
	if (ok && w->code == LD__CODE__CODE_OK)
		ld_info("report %s: published as %s", s->name, w->id);
	else
		ld_err("report %s: not published: %s", s->name,
		       w->err[0] ? w->err : "the store write failed");
}

void
ld_schedule_drop(struct work *w)
{
	ld__record__free_unpacked(w->rec, NULL);
	w->rec = NULL;
}
