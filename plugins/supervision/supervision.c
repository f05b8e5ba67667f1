/* supervision.c — the "supervision" report plugin: 督办进度 / 三级联动汇总.
 * For each root task (no parent) owned by the office reported on, with the
 * sub-tasks derived from it at any depth: the target offices, and how many
 * reported, were reviewed, returned, or are overdue — by the rules of
 * `liandong progress` (core/rollup.c); then each city (the office one
 * level below the task's owner) and each county ranked by completeness
 * (the reported share of those that must report), fewest overdue first
 * among equals. Settings: today=YYYY-MM-DD (default: the local date),
 * year=YYYY (only root tasks due that year). Uses only the SDK. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* localtime_r */
#endif
#include <liandong/plugin.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NONE ((size_t)-1)
#define HOPS_MAX 64 /* parent links followed at most, as rollup.c */

/* Where one office stands on a task: rollup.h's enum ld_ps. */
enum state {
	ST_PENDING,     /* nothing submitted yet, not overdue */
	ST_RELAYED,     /* it derived a sub-task (转办) */
	ST_OVERDUE,     /* due date passed, nothing submitted */
	ST_REPORTED,    /* submitted, not reviewed yet */
	ST_RESUBMITTED, /* revised after a return */
	ST_REVIEWED,    /* accepted */
	ST_RETURNED,    /* returned for revision */
	ST_RECTIFY,     /* to rectify */
	ST_COUNT
};

static const char *const state_label[ST_COUNT] = {"待报送", "已转办", "逾期",
                                                  "已报送", "已重报", "已审核",
                                                  "已退回", "整改中"};

/* ---------------------------------------------------------------- copies
 * Records are borrowed views, valid only in the callback: keep copies. */

struct task {
	char *id, *owner, *parent, *due, *topic, *status;
	char **scope;
	size_t nscope;
	unsigned year; /* the year it belongs to (its due date's) */
	size_t up;     /* its parent among the tasks, or NONE */
	size_t root;   /* the root task of its family, or NONE */
	int depth;     /* parent links up to the root */
};

struct result {
	char *id, *owner, *ref;
	unsigned long long ctr, version;
	int submitted;
};

struct review {
	char *ref, *verdict;
	unsigned long long ctr, ref_version;
};

struct office {
	char *path;
};

struct data {
	const struct ld_host *h;
	struct task *t;
	size_t nt, ct;
	struct result *r; /* sorted by ref */
	size_t nr, cr;
	struct review *v; /* sorted by ref */
	size_t nv, cv;
	struct office *o;
	size_t no, co;
};

/* One target office of one root task. */
struct row {
	const struct task *root, *gov; /* the root; the task reaching it */
	const char *path;
	size_t glen, clen; /* its city's and county's length in path; clen
	                      is 0 if it is a city (or above) */
	const char *due;
	const struct result *res; /* its latest submitted result, or NULL */
	enum state st;
};

/* Counts over target offices (of a city, a county, or all): the
 * office is the first `len` bytes of `path`. */
struct tally {
	const char *path;
	size_t len;
	double targets, n[ST_COUNT];
};

/* The counts of one root task. */
struct task_tally {
	const struct task *t;
	struct tally n;
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

/* The counter of an id "OWNER:N". */
static unsigned long long
counter(const char *id)
{
	const char *colon = strrchr(id, ':');
	return colon ? strtoull(colon + 1, NULL, 10) : 0;
}

/* Is path `x` the office `top` or below it? */
static int
in_subtree(const char *x, const char *top)
{
	size_t n = strlen(top);
	return strncmp(x, top, n) == 0 && (x[n] == '\0' || x[n] == '/');
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

/* ---------------------------------------------------------------- reading */

static int
add_task(struct data *d, const struct ld_rec *r)
{
	const struct ld_host *h = d->h;
	struct task *v = grow(d->t, &d->ct, d->nt, sizeof(*v));
	if (v == NULL)
		return 1;
	d->t = v;
	struct task *t = &d->t[d->nt];
	memset(t, 0, sizeof(*t));
	size_t ns = h->count(r, "scope");
	t->scope = calloc(ns ? ns : 1, sizeof(char *));
	t->id = dup(h->id(r));
	t->owner = dup(h->owner(r));
	t->parent = dup(h->str(r, "parent"));
	t->due = dup(h->str(r, "due"));
	t->topic = dup(h->str(r, "topic"));
	t->status = dup(h->str(r, "status"));
	t->year = h->year_of(r);
	d->nt++; /* freed with the rest, even if incomplete */
	if (t->scope == NULL || t->id == NULL || t->owner == NULL ||
	    t->parent == NULL || t->due == NULL || t->topic == NULL ||
	    t->status == NULL)
		return 1;
	for (; t->nscope < ns; t->nscope++)
		if ((t->scope[t->nscope] =
		         dup(h->str_at(r, "scope", t->nscope))) == NULL)
			return 1;
	return 0;
}

static int
add_result(struct data *d, const struct ld_rec *r)
{
	const struct ld_host *h = d->h;
	struct result *v = grow(d->r, &d->cr, d->nr, sizeof(*v));
	if (v == NULL)
		return 1;
	d->r = v;
	struct result *s = &d->r[d->nr++];
	s->id = dup(h->id(r));
	s->owner = dup(h->owner(r));
	s->ref = dup(h->str(r, "ref"));
	s->ctr = counter(h->id(r));
	s->version = h->version(r);
	s->submitted = strcmp(h->str(r, "status"), "submitted") == 0;
	return s->id == NULL || s->owner == NULL || s->ref == NULL;
}

static int
add_review(struct data *d, const struct ld_rec *r)
{
	const struct ld_host *h = d->h;
	struct review *v = grow(d->v, &d->cv, d->nv, sizeof(*v));
	if (v == NULL)
		return 1;
	d->v = v;
	struct review *w = &d->v[d->nv++];
	w->ref = dup(h->str(r, "ref"));
	w->verdict = dup(h->str(r, "verdict"));
	w->ctr = counter(h->id(r));
	w->ref_version = (unsigned long long)h->num(r, "ref_version");
	return w->ref == NULL || w->verdict == NULL;
}

static int
add_office(struct data *d, const struct ld_rec *r)
{
	struct office *v = grow(d->o, &d->co, d->no, sizeof(*v));
	if (v == NULL)
		return 1;
	d->o = v;
	struct office *o = &d->o[d->no++];
	o->path = dup(d->h->str(r, "path"));
	return o->path == NULL;
}

/* Keep what progress reads: tasks, results, reviews and offices. */
static int
collect(const struct ld_rec *r, void *arg)
{
	struct data *d = arg;
	switch (d->h->kind(r)) {
	case LD_PK_TASK:
		return add_task(d, r);
	case LD_PK_RESULT:
		return add_result(d, r);
	case LD_PK_REVIEW:
		return add_review(d, r);
	case LD_PK_NODE:
		return add_office(d, r);
	default:
		return 0;
	}
}

static void
data_free(struct data *d)
{
	for (size_t i = 0; i < d->nt; i++) {
		struct task *t = &d->t[i];
		for (size_t k = 0; k < t->nscope; k++)
			free(t->scope[k]);
		free(t->scope);
		free(t->id);
		free(t->owner);
		free(t->parent);
		free(t->due);
		free(t->topic);
		free(t->status);
	}
	for (size_t i = 0; i < d->nr; i++) {
		free(d->r[i].id);
		free(d->r[i].owner);
		free(d->r[i].ref);
	}
	for (size_t i = 0; i < d->nv; i++) {
		free(d->v[i].ref);
		free(d->v[i].verdict);
	}
	for (size_t i = 0; i < d->no; i++)
		free(d->o[i].path);
	free(d->t);
	free(d->r);
	free(d->v);
	free(d->o);
}

/* ---------------------------------------------------------------- families */

/* qsort, but not of an empty (maybe NULL) array. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int
by_task_id(const void *x, const void *y)
{
	return strcmp(((const struct task *)x)->id,
	              ((const struct task *)y)->id);
}

static int
by_result_ref(const void *x, const void *y)
{
	const struct result *a = x, *b = y;
	int c = strcmp(a->ref, b->ref);
	return c != 0 ? c : strcmp(a->id, b->id);
}

static int
by_review_ref(const void *x, const void *y)
{
	const struct review *a = x, *b = y;
	int c = strcmp(a->ref, b->ref);
	return c != 0 ? c : (a->ctr > b->ctr) - (a->ctr < b->ctr);
}

static size_t
find_task(const struct data *d, const char *id)
{
	size_t lo = 0, hi = d->nt;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->t[mid].id, id);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* The first element of sorted `base` whose ref is `ref` (the element size
 * and the offset of its `ref` given), or `n`. */
static size_t
first_ref(const void *base, size_t n, size_t size, size_t off, const char *ref)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *r =
		    *(char *const *)((const char *)base + mid * size + off);
		if (strcmp(r, ref) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Each task's parent, root and depth: a task belongs to the family of the
 * root its parent links reach (a parent missing here: to none). */
static void
link_tasks(struct data *d)
{
	sort(d->t, d->nt, sizeof(*d->t), by_task_id);
	for (size_t i = 0; i < d->nt; i++)
		d->t[i].up =
		    d->t[i].parent[0] ? find_task(d, d->t[i].parent) : NONE;
	for (size_t i = 0; i < d->nt; i++) {
		size_t k = i;
		int hops = 0;
		while (d->t[k].up != NONE && hops < HOPS_MAX) {
			k = d->t[k].up;
			hops++;
		}
		int ok = d->t[k].up == NONE && d->t[k].parent[0] == '\0';
		d->t[i].root = ok ? k : NONE;
		d->t[i].depth = hops;
	}
}

/* Its own due date, else the nearest ancestor's. */
static const char *
due_of(const struct data *d, const struct task *t)
{
	for (int hops = 0; hops < HOPS_MAX; hops++) {
		if (t->due[0] != '\0' || t->up == NONE)
			return t->due;
		t = &d->t[t->up];
	}
	return "";
}

static int
covers(const struct task *t, const char *path)
{
	for (size_t i = 0; i < t->nscope; i++)
		if (in_subtree(path, t->scope[i]))
			return 1;
	return 0;
}

/* The state of submitted result `res` from its reviews: a return or
 * rectification of this version wins over an acceptance (the latest of
 * each by id counter); with no review of this version, RESUBMITTED if an
 * earlier version was sent back, else REPORTED. */
static enum state
review_state(const struct data *d, const struct result *res)
{
	const struct review *accepted = NULL, *back = NULL;
	int earlier_back = 0;
	for (size_t i = first_ref(d->v, d->nv, sizeof(*d->v),
	                          offsetof(struct review, ref), res->id);
	     i < d->nv && strcmp(d->v[i].ref, res->id) == 0; i++) {
		const struct review *w = &d->v[i];
		int sent_back = strcmp(w->verdict, "accepted") != 0;
		if (w->ref_version != res->version) {
			earlier_back |=
			    sent_back && w->ref_version < res->version;
			continue;
		}
		if (sent_back && (back == NULL || w->ctr > back->ctr))
			back = w;
		else if (!sent_back &&
		         (accepted == NULL || w->ctr > accepted->ctr))
			accepted = w;
	}
	if (back != NULL)
		return strcmp(back->verdict, "rectify") == 0 ? ST_RECTIFY
		                                             : ST_RETURNED;
	if (accepted != NULL)
		return ST_REVIEWED;
	return earlier_back ? ST_RESUBMITTED : ST_REPORTED;
}

static int
by_owner(const void *x, const void *y)
{
	const struct result *a = *(const struct result *const *)x;
	const struct result *b = *(const struct result *const *)y;
	return strcmp(a->owner, b->owner);
}

/* The first of res[0..n) (sorted by owner) owned by `path`, or n. */
static size_t
first_owned(const struct result *const *res, size_t n, const char *path)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(res[mid]->owner, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The rows (growing) of root task `root`: its family's tasks are
 * fam[0..nf), their results res[0..nres), sorted by owner. Returns 0, or
 * -1 if out of memory. */
static int
family_rows(const struct data *d, const struct task *root, const size_t *fam,
            size_t nf, const struct result *const *res, size_t nres,
            const char *today, struct row **rows, size_t *n, size_t *cap)
{
	int gd = depth_of(root->owner) + 1;
	for (size_t k = 0; k < d->no; k++) {
		const char *path = d->o[k].path;
		/* The most specific task of the family reaching it; not one
		 * it owns, or that an office below it owns. */
		const struct task *gov = NULL;
		for (size_t i = 0; i < nf; i++) {
			const struct task *t = &d->t[fam[i]];
			if (covers(t, path) && !in_subtree(t->owner, path) &&
			    (gov == NULL || t->depth > gov->depth))
				gov = t;
		}
		if (gov == NULL)
			continue;
		struct row *v = grow(*rows, cap, *n, sizeof(*v));
		if (v == NULL)
			return -1;
		*rows = v;
		struct row *w = &v[(*n)++];
		memset(w, 0, sizeof(*w));
		w->root = root;
		w->gov = gov;
		w->path = path;
		w->glen = prefix_len(path, gd);
		w->clen = path[w->glen] == '/' ? prefix_len(path, gd + 1) : 0;
		w->due = due_of(d, gov);
		/* Its latest submitted result for any task of the family. */
		for (size_t i = first_owned(res, nres, path);
		     i < nres && strcmp(res[i]->owner, path) == 0; i++)
			if (res[i]->submitted &&
			    (w->res == NULL || res[i]->ctr > w->res->ctr))
				w->res = res[i];
		/* Did it pass the task on (derive a sub-task)? */
		int relayed = 0;
		for (size_t i = 0; i < nf && !relayed; i++)
			relayed = &d->t[fam[i]] != root &&
			          strcmp(d->t[fam[i]].owner, path) == 0;
		if (w->res != NULL)
			w->st = review_state(d, w->res);
		else if (relayed)
			w->st = ST_RELAYED;
		else if (w->due[0] != '\0' && strcmp(w->due, today) < 0)
			w->st = ST_OVERDUE;
		else
			w->st = ST_PENDING;
	}
	return 0;
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
	for (int s = ST_REPORTED; s < ST_COUNT; s++)
		n += t->n[s];
	return n;
}

/* Completeness: the reported share of the offices that must report (all
 * targets but those that relayed the task); -1 if none must. */
static double
completeness(const struct tally *t)
{
	double due = t->targets - t->n[ST_RELAYED];
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
	if (a->n[ST_OVERDUE] != b->n[ST_OVERDUE])
		return a->n[ST_OVERDUE] < b->n[ST_OVERDUE] ? -1 : 1;
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
	snprintf(b[1], 32, "%.0f", t->n[ST_RELAYED]);
	snprintf(b[2], 32, "%.0f", reported(t));
	snprintf(b[3], 32, "%.0f", t->n[ST_REVIEWED]);
	snprintf(b[4], 32, "%.0f", t->n[ST_RETURNED] + t->n[ST_RECTIFY]);
	snprintf(b[5], 32, "%.0f", t->n[ST_OVERDUE]);
	snprintf(b[6], 32, "%.0f", t->n[ST_PENDING]);
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
	h->figure(c, "已审核", all.n[ST_REVIEWED]);
	h->figure(c, "已退回", all.n[ST_RETURNED] + all.n[ST_RECTIFY]);
	h->figure(c, "逾期", all.n[ST_OVERDUE]);

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
		if (w->res != NULL)
			snprintf(res, sizeof(res), "%s v%llu", w->res->id,
			         w->res->version);
		else
			snprintf(res, sizeof(res), "—");
		const char *cells[] = {w->root->id,
		                       office,
		                       group,
		                       state_label[w->st],
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

/* The settings: today (default: the local date) and year (0: all). */
static int
settings(struct ld_ctx *c, const struct ld_host *h, char today[11],
         unsigned *year)
{
	char msg[400];
	if (h->year(c) != 0) {
		snprintf(msg, sizeof(msg),
		         "--year %u: the host would show only records written "
		         "that year, splitting a task from its offices and "
		         "results; run without --year, and --set year=%u for "
		         "the root tasks due in %u",
		         h->year(c), h->year(c), h->year(c));
		h->log(c, LD_PL_ERROR, msg);
		return -1;
	}
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
	*year = 0;
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
	char today[11];
	unsigned year;
	if (settings(c, h, today, &year) != 0)
		return 1;
	struct data d = {.h = h};
	struct ld_query q = {
	    .size = sizeof(q), .kind = LD_PK_ANY, .live_only = 1};
	int rc = h->each(c, &q, collect, &d);
	if (rc != 0) {
		if (rc > 0)
			h->log(c, LD_PL_ERROR, "out of memory");
		data_free(&d);
		return 2;
	}
	link_tasks(&d);
	sort(d.r, d.nr, sizeof(*d.r), by_result_ref);
	sort(d.v, d.nv, sizeof(*d.v), by_review_ref);

	/* The root tasks: this office's own, with no parent. */
	const char *scope = h->scope(c);
	size_t nroots = 0;
	for (size_t i = 0; i < d.nt; i++) {
		const struct task *t = &d.t[i];
		nroots += t->parent[0] == '\0' &&
		          strcmp(t->owner, scope) == 0 &&
		          strcmp(t->status, "cancelled") != 0 &&
		          (year == 0 || t->year == year);
	}
	size_t *fam = malloc((d.nt ? d.nt : 1) * sizeof(*fam));
	const struct result **res = malloc((d.nr ? d.nr : 1) * sizeof(*res));
	struct task_tally *roots = calloc(nroots ? nroots : 1, sizeof(*roots));
	/* A city or county is a prefix of a target office's path: there are
	 * no more of them than offices. */
	struct tally *scratch = malloc((d.no ? d.no : 1) * sizeof(*scratch));
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	rc = 0;
	if (fam == NULL || res == NULL || roots == NULL || scratch == NULL) {
		h->log(c, LD_PL_ERROR, "out of memory");
		rc = 2;
		goto done;
	}
	size_t k = 0;
	for (size_t i = 0; i < d.nt; i++) {
		const struct task *root = &d.t[i];
		if (root->parent[0] != '\0' ||
		    strcmp(root->owner, scope) != 0 ||
		    strcmp(root->status, "cancelled") == 0 ||
		    (year != 0 && root->year != year))
			continue;
		size_t nf = 0, nres = 0;
		for (size_t j = 0; j < d.nt; j++)
			if (d.t[j].root == i)
				fam[nf++] = j;
		for (size_t j = 0; j < nf; j++) {
			const char *id = d.t[fam[j]].id;
			for (size_t r =
			         first_ref(d.r, d.nr, sizeof(*d.r),
			                   offsetof(struct result, ref), id);
			     r < d.nr && strcmp(d.r[r].ref, id) == 0; r++)
				res[nres++] = &d.r[r];
		}
		sort(res, nres, sizeof(*res), by_owner);
		size_t from = n;
		if (family_rows(&d, root, fam, nf, res, nres, today, &rows, &n,
		                &cap) != 0) {
			h->log(c, LD_PL_ERROR, "out of memory");
			rc = 2;
			goto done;
		}
		roots[k].t = root;
		for (size_t j = from; j < n; j++)
			count_row(&roots[k].n, &rows[j]);
		k++;
	}
	output(c, h, rows, n, roots, nroots, today, scratch);
done:
	free(fam);
	free(res);
	free(roots);
	free(rows);
	free(scratch);
	data_free(&d);
	return rc;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "supervision",
    .version = "1.0.0",
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
