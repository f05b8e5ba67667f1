/* supervision.c — the "supervision" report plugin: 督办进度 / 三级联动汇总.
 * For each root task (no parent) owned by the office reported on, with the
 * sub-tasks derived from it at any depth: the target offices, and how many
 * reported, were reviewed, returned, or are overdue — the host computes
 * each office's state by the rules of `liandong progress` (the SDK's
 * `progress`, ABI 1.1: core/rollup.c), so the two always agree; then each
 * city (the office one level below the task's owner) and each county
 * ranked by completeness (the reported share of those that must report),
 * fewest overdue first among equals. Settings: today=YYYY-MM-DD (default:
 * the local date), year=YYYY (only root tasks due that year; --year says
 * the same). Uses only the SDK. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* localtime_r */
#endif
#include <liandong/plugin.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- copies
 * What the host hands over is borrowed, valid only in the callback: keep
 * copies. */

/* A root task. */
struct task {
	char *id, *owner, *topic, *due;
};

/* One target office of one root task, as progress has it. */
struct row {
	const struct task *root;
	char *path, *due, *result; /* due, result: "" if none */
	unsigned long long version; /* of the result */
	size_t glen, clen; /* its city's and county's length in path; clen
	                      is 0 if it is a city (or above) */
	uint32_t st;       /* enum ld_plugin_state */
};

/* Counts over target offices (of a city, a county, or all): the
 * office is the first `len` bytes of `path`. */
struct tally {
	const char *path;
	size_t len;
	double targets, n[LD_ST_COUNT];
};

/* The counts of one root task. */
struct task_tally {
	const struct task *t;
	struct tally n;
};

struct data {
	struct ld_ctx *c;
	const struct ld_host *h;
	const char *scope;
	struct task *t; /* the root tasks, in id order */
	size_t nt, ct;
	struct row *rows;
	size_t n, cr;
	size_t root; /* the root task whose rows come now */
	int oom;
};

static char *
dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

/* The array `p` of `n` elements of `size`, with room for one more:
 * itself, a larger copy (and *cap updated), or NULL (p unchanged). */
static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t c = *cap ? *cap * 2 : 64;
	void *q = realloc(p, c * size);
	if (q != NULL)
		*cap = c;
	return q;
}

/* The length of the first `segs` segments of `path` (all of it if it has
 * no more). */
static size_t
prefix_len(const char *path, int segs)
{
	size_t len = 0;
	for (int seg = 0; path[len] != '\0'; len++)
		if (path[len] == '/' && ++seg == segs)
			break;
	return len;
}

static int
depth_of(const char *path)
{
	int d = path[0] != '\0';
	for (; *path; path++)
		d += *path == '/';
	return d;
}

/* qsort, but not of an empty (maybe NULL) array. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* ---------------------------------------------------------------- reading */

/* The root tasks: this office's own, with no parent, not cancelled. */
static int
add_root(const struct ld_rec *r, void *arg)
{
	struct data *d = arg;
	const struct ld_host *h = d->h;
	if (strcmp(h->owner(r), d->scope) != 0 ||
	    h->str(r, "parent")[0] != '\0' ||
	    strcmp(h->str(r, "status"), "cancelled") == 0)
		return 0;
	struct task *v = grow(d->t, &d->ct, d->nt, sizeof(*v));
	if (v == NULL)
		return 1;
	d->t = v;
	struct task *t = &d->t[d->nt++];
	t->id = dup(h->id(r));
	t->owner = dup(h->owner(r));
	t->topic = dup(h->str(r, "topic"));
	t->due = dup(h->str(r, "due"));
	return t->id == NULL || t->owner == NULL || t->topic == NULL ||
	       t->due == NULL;
}

/* A target office of root task d->root, where progress puts it. */
static int
add_row(const struct ld_target *x, void *arg)
{
	struct data *d = arg;
	struct row *v = grow(d->rows, &d->cr, d->n, sizeof(*v));
	if (v == NULL)
		return d->oom = 1;
	d->rows = v;
	const struct task *root = &d->t[d->root];
	struct row *w = &d->rows[d->n++];
	memset(w, 0, sizeof(*w));
	w->root = root;
	w->st = x->state < LD_ST_COUNT ? x->state : LD_ST_PENDING;
	w->path = dup(x->path);
	w->due = dup(x->due);
	w->result = dup(x->result);
	w->version = (unsigned long long)x->result_version;
	if (w->path == NULL || w->due == NULL || w->result == NULL)
		return d->oom = 1;
	int gd = depth_of(root->owner) + 1;
	w->glen = prefix_len(w->path, gd);
	w->clen = w->path[w->glen] == '/' ? prefix_len(w->path, gd + 1) : 0;
	/* A submitted result or nothing: a draft does not report. */
	if (w->st < LD_ST_REPORTED)
		w->result[0] = '\0';
	return 0;
}

static void
data_free(struct data *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		free(d->t[i].id);
		free(d->t[i].owner);
		free(d->t[i].topic);
		free(d->t[i].due);
	}
	for (size_t i = 0; i < d->n; i++) {
		free(d->rows[i].path);
		free(d->rows[i].due);
		free(d->rows[i].result);
	}
	free(d->t);
	free(d->rows);
}

/* ---------------------------------------------------------------- output */

static void
count_row(struct tally *t, const struct row *w)
{
	t->targets++;
	t->n[w->st]++;
}

static double
reported(const struct tally *t)
{
	double n = 0;
	for (int s = LD_ST_REPORTED; s < LD_ST_COUNT; s++)
		n += t->n[s];
	return n;
}

/* Completeness: the reported share of the offices that must report (all
 * targets but those that relayed the task); -1 if none must. */
static double
completeness(const struct tally *t)
{
	double due = t->targets - t->n[LD_ST_RELAYED];
	return due > 0 ? reported(t) / due : -1;
}

static void
pct(char *buf, size_t len, double share)
{
	if (share >= 0)
		snprintf(buf, len, "%.1f%%", 100.0 * share);
	else
		snprintf(buf, len, "—");
}

/* "西安市政协 610000/610100", or the path alone if its name is unknown. */
static void
label(struct ld_ctx *c, const struct ld_host *h, const char *path, size_t len,
      char *buf, size_t size)
{
	char p[512];
	snprintf(p, sizeof(p), "%.*s", (int)len, path);
	const char *name = h->office_name(c, p);
	snprintf(buf, size, "%s%s%s", name, name[0] ? " " : "", p);
}

static int
cmp_prefix(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c != 0 ? c : (al > bl) - (al < bl);
}

/* Rows by task, then city, then office: as progress lists them. */
static int
by_task_path(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = strcmp(a->root->id, b->root->id);
	if (c == 0)
		c = cmp_prefix(a->path, a->glen, b->path, b->glen);
	return c != 0 ? c : strcmp(a->path, b->path);
}

/* Rows by city, then county. */
static int
by_city_county(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	int c = cmp_prefix(a->path, a->glen, b->path, b->glen);
	return c != 0 ? c : cmp_prefix(a->path, a->clen, b->path, b->clen);
}

/* Most complete first; among equals, fewest overdue; then by path. */
static int
by_rank(const void *x, const void *y)
{
	const struct tally *a = x, *b = y;
	double ca = completeness(a), cb = completeness(b);
	if (ca != cb)
		return ca > cb ? -1 : 1;
	if (a->n[LD_ST_OVERDUE] != b->n[LD_ST_OVERDUE])
		return a->n[LD_ST_OVERDUE] < b->n[LD_ST_OVERDUE] ? -1 : 1;
	return cmp_prefix(a->path, a->len, b->path, b->len);
}

/* 市 for the offices at depth 2, 县 at 3 ... */
static const char *
level_word(int depth)
{
	switch (depth) {
	case 1:
		return "省";
	case 2:
		return "市";
	case 3:
		return "县";
	case 4:
		return "乡镇";
	default:
		return "下级单位";
	}
}

static void
tally_cells(const struct tally *t, char b[][32])
{
	snprintf(b[0], 32, "%.0f", t->targets);
	snprintf(b[1], 32, "%.0f", t->n[LD_ST_RELAYED]);
	snprintf(b[2], 32, "%.0f", reported(t));
	snprintf(b[3], 32, "%.0f", t->n[LD_ST_REVIEWED]);
	snprintf(b[4], 32, "%.0f", t->n[LD_ST_RETURNED] + t->n[LD_ST_RECTIFY]);
	snprintf(b[5], 32, "%.0f", t->n[LD_ST_OVERDUE]);
	snprintf(b[6], 32, "%.0f", t->n[LD_ST_PENDING]);
	pct(b[7], 32, completeness(t));
}

/* A ranked table of the tallies t[0..n). */
static void
rank_table(struct ld_ctx *c, const struct ld_host *h, const char *caption,
           struct tally *t, size_t n)
{
	static const char *const cols[] = {
	    "名次",   "单位",   "目标单位", "已转办", "已报送",
	    "已审核", "已退回", "逾期",     "待报送", "完成率"};
	sort(t, n, sizeof(*t), by_rank);
	h->table(c, caption, 10, cols);
	for (size_t i = 0; i < n; i++) {
		char rank[24], name[600], b[8][32];
		snprintf(rank, sizeof(rank), "%zu", i + 1);
		label(c, h, t[i].path, t[i].len, name, sizeof(name));
		tally_cells(&t[i], b);
		const char *cells[] = {rank, name, b[0], b[1], b[2],
		                       b[3], b[4], b[5], b[6], b[7]};
		h->row(c, cells);
	}
}

/* Tallies of rows[0..n) (sorted by city, county) by city (county = 0) or
 * by county (county = 1; rows of a city itself are left out), into
 * out[0..); returns how many. */
static size_t
tally_by(const struct row *rows, size_t n, int county, struct tally *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		size_t len = county ? w->clen : w->glen;
		if (len == 0)
			continue;
		if (m == 0 || cmp_prefix(out[m - 1].path, out[m - 1].len,
		                         w->path, len) != 0) {
			memset(&out[m], 0, sizeof(out[m]));
			out[m].path = w->path;
			out[m++].len = len;
		}
		count_row(&out[m - 1], w);
	}
	return m;
}

static void
output(struct ld_ctx *c, const struct ld_host *h, struct row *rows, size_t n,
       const struct task_tally *roots, size_t nroots, const char *today,
       struct tally *scratch)
{
	const char *scope = h->scope(c);
	const char *name = h->office_name(c, scope);
	char title[400];
	snprintf(title, sizeof(title), "%s 督办进度（三级联动汇总）",
	         name[0] ? name : scope);
	h->title(c, title);

	struct tally all = {0};
	for (size_t i = 0; i < n; i++)
		count_row(&all, &rows[i]);
	h->figure(c, "任务", (double)nroots);
	h->figure(c, "目标单位", all.targets);
	h->figure(c, "已报送", reported(&all));
	h->figure(c, "已审核", all.n[LD_ST_REVIEWED]);
	h->figure(c, "已退回", all.n[LD_ST_RETURNED] + all.n[LD_ST_RECTIFY]);
	h->figure(c, "逾期", all.n[LD_ST_OVERDUE]);

	char text[600];
	snprintf(text, sizeof(text),
	         "截至 %s。目标单位按任务计（一个单位受两项任务督办计两次）；"
	         "完成率 = 已报送 ÷（目标单位 − 已转办）：转办给下级的单位"
	         "由下级报送。",
	         today);
	h->para(c, text);
	if (nroots == 0) {
		h->para(c, "没有督办任务。");
		return;
	}

	/* The tasks. */
	static const char *const tcols[] = {
	    "任务",   "议题",   "截止", "目标单位", "已转办", "已报送",
	    "已审核", "已退回", "逾期", "待报送",   "完成率"};
	h->table(c, "督办任务", 11, tcols);
	for (size_t i = 0; i < nroots; i++) {
		const struct task *t = roots[i].t;
		char b[8][32];
		tally_cells(&roots[i].n, b);
		const char *cells[] = {
		    t->id, t->topic, t->due[0] ? t->due : "—",
		    b[0],  b[1],     b[2],
		    b[3],  b[4],     b[5],
		    b[6],  b[7]};
		h->row(c, cells);
	}

	/* Cities and counties, ranked. */
	int gd = depth_of(roots[0].t->owner) + 1;
	sort(rows, n, sizeof(*rows), by_city_county);
	char cap[200];
	size_t m = tally_by(rows, n, 0, scratch);
	snprintf(cap, sizeof(cap), "各%s完成情况（按完成率排名）",
	         level_word(gd));
	rank_table(c, h, cap, scratch, m);
	const char **labels = malloc((m ? m : 1) * sizeof(*labels));
	double *values = malloc((m ? m : 1) * sizeof(*values));
	char(*names)[600] = malloc((m ? m : 1) * sizeof(*names));
	if (labels != NULL && values != NULL && names != NULL) {
		size_t k = 0;
		for (size_t i = 0; i < m && k < 256; i++, k++) {
			label(c, h, scratch[i].path, scratch[i].len, names[k],
			      sizeof(names[k]));
			labels[k] = names[k];
			double s = completeness(&scratch[i]);
			values[k] = s >= 0 ? 100.0 * s : 0;
		}
		snprintf(cap, sizeof(cap), "各%s完成率（%%）", level_word(gd));
		h->chart(c, cap, k, labels, values);
	}
	free(labels);
	free(values);
	free(names);
	m = tally_by(rows, n, 1, scratch);
	if (m > 0) {
		snprintf(cap, sizeof(cap), "各%s完成情况（按完成率排名）",
		         level_word(gd + 1));
		rank_table(c, h, cap, scratch, m);
	}

	/* Every office of every task. */
	sort(rows, n, sizeof(*rows), by_task_path);
	static const char *const dcols[] = {"任务", "单位", "所属",
	                                    "状态", "截止", "成果"};
	h->table(c, "各单位督办进度", 6, dcols);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		char office[600], group[600], res[300];
		label(c, h, w->path, strlen(w->path), office, sizeof(office));
		label(c, h, w->path, w->glen, group, sizeof(group));
		if (w->result[0] != '\0')
			snprintf(res, sizeof(res), "%s v%llu", w->result,
			         w->version);
		else
			snprintf(res, sizeof(res), "—");
		const char *cells[] = {w->root->id,
		                       office,
		                       group,
		                       h->state_label(w->st),
		                       w->due[0] ? w->due : "—",
		                       res};
		h->row(c, cells);
	}
}

/* ---------------------------------------------------------------- settings */

static int
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Is `s` a date YYYY-MM-DD? */
static int
date_ok(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) ||
	    !digits(s + 5, 2) || !digits(s + 8, 2))
		return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return m != 2 || d < 29 ||
	       (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* The settings: today (default: the local date) and year (year=, else
 * --year; 0: all). */
static int
settings(struct ld_ctx *c, const struct ld_host *h, char today[11],
         unsigned *year)
{
	char msg[400];
	const char *s = h->config(c, "today");
	if (s != NULL) {
		if (!date_ok(s)) {
			snprintf(msg, sizeof(msg),
			         "today = '%.40s': not a date (YYYY-MM-DD)", s);
			h->log(c, LD_PL_ERROR, msg);
			return -1;
		}
		memcpy(today, s, 11);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		if (localtime_r(&now, &tm) == NULL ||
		    strftime(today, 11, "%Y-%m-%d", &tm) != 10)
			snprintf(today, 11, "1970-01-01");
	}
	*year = h->year(c); /* --year: the root tasks due that year */
	s = h->config(c, "year");
	if (s != NULL) {
		if (strlen(s) != 4 || !digits(s, 4) || s[0] == '0') {
			snprintf(msg, sizeof(msg),
			         "year = '%.40s': not a year (YYYY)", s);
			h->log(c, LD_PL_ERROR, msg);
			return -1;
		}
		*year = (unsigned)atoi(s);
	}
	return 0;
}

/* ---------------------------------------------------------------- run */

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	if (h->abi_minor < 1) {
		h->log(c, LD_PL_ERROR, "needs a host of ABI 1.1 or later "
		                       "(progress)");
		return 1;
	}
	char today[11];
	unsigned year;
	if (settings(c, h, today, &year) != 0)
		return 1;
	struct data d = {.c = c, .h = h, .scope = h->scope(c)};
	/* The root tasks due in `year`, or in any year: whatever the run's
	 * year, progress reads every record of a family. */
	struct ld_query q = {.size = sizeof(q),
	                     .kind = LD_PK_TASK,
	                     .owner = d.scope,
	                     .year = year ? year : LD_YEAR_ALL,
	                     .live_only = 1};
	int rc = h->each(c, &q, add_root, &d);
	struct task_tally *roots = calloc(d.nt ? d.nt : 1, sizeof(*roots));
	struct tally *scratch = NULL;
	if (rc != 0 || roots == NULL) {
		if (rc >= 0)
			h->log(c, LD_PL_ERROR, "out of memory");
		rc = 2;
		goto done;
	}
	for (d.root = 0; d.root < d.nt; d.root++) {
		size_t from = d.n;
		if (h->progress(c, d.t[d.root].id, today, add_row, &d) != 0) {
			h->log(c, LD_PL_ERROR, d.oom ? "out of memory"
			                             : "progress failed");
			rc = 2;
			goto done;
		}
		roots[d.root].t = &d.t[d.root];
		for (size_t j = from; j < d.n; j++)
			count_row(&roots[d.root].n, &d.rows[j]);
	}
	/* A city or county is a prefix of a target office's path: there are
	 * no more of them than rows. */
	scratch = malloc((d.n ? d.n : 1) * sizeof(*scratch));
	if (scratch == NULL) {
		h->log(c, LD_PL_ERROR, "out of memory");
		rc = 2;
		goto done;
	}
	output(c, h, d.rows, d.n, roots, d.nt, today, scratch);
done:
	free(roots);
	free(scratch);
	data_free(&d);
	return rc;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "supervision",
    .version = "1.1.0",
    .description = "督办进度: each supervision task's target offices "
                   "reported, reviewed, returned, overdue; cities and "
                   "counties ranked by completeness",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
