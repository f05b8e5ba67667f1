/* grassroots.c — the "grassroots" report plugin: 协商在基层, an example
 * brand report, written to be copied.
 *
 * WHAT IT REPORTS
 *
 * Lincang's "协商在基层" pilots (临沧市政协, 2020: 10 border townships, 44
 * villages, 241 venues, 30+ sessions) report three things from the
 * villages: venues set up (议事场所), consultation sessions held (协商活动)
 * and problems solved (解决问题). Each outcome is then answered twice and
 * checked once — "双反馈一验证": the handling unit reports back to the
 * village council and to the office that assigned it, and the council
 * verifies. Here a review of the result (any verdict) stands for that
 * feedback.
 *
 * So, per office (the office reported on and every office below it):
 *
 *   成果       the submitted results (成果) carrying at least one of the
 *              metrics below (other results are not about this brand)
 *   议事场所   \
 *   协商活动    > the metric values of those results, added up
 *   解决问题   /
 *   已反馈     how many of those results have a review (any verdict)
 *   双反馈一验证完成率   已反馈 / 成果
 *
 * The metric names it reads (a result's `--metric NAME=NUMBER`) are in
 * the METRICS table below: 议事场所 (or 协商议事场所), 协商活动 (or
 * 协商议事活动), 解决问题 (or 解决民生难题). Each result adds its numbers:
 * report what is new since the last result, not running totals.
 *
 * One setting: min_sessions=N (e.g. --set min_sessions=2, or
 * `min_sessions = 2` in a [report NAME] section): offices that held fewer
 * than N sessions are marked 未达标.
 *
 * HOW TO MAKE YOUR OWN BRAND REPORT FROM THIS FILE
 *
 *   1. Copy it (say to mybrand.c) and change .name, .version and
 *      .description at the bottom.
 *   2. Change the METRICS table: the columns you want and the metric
 *      names your offices type for each.
 *   3. Change the title and the paragraph in run().
 *   4. Build, check, install:
 *        cc -shared -o mybrand.so mybrand.c \
 *            $(pkg-config --cflags liandong-plugin)
 *        liandong-report --probe mybrand.so
 *        cp mybrand.so "$(pkg-config --variable=plugindir liandong-plugin)"/
 *        liandong report mybrand --year 2026
 *
 * It uses nothing but liandong/plugin.h and the C library.
 */
#include <liandong/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ what */

/* The columns (and figures), each with the metric names added into it.
 * Edit this table to make another brand report. */
#define NMETRICS 3
struct metric {
	const char *column;   /* the column's (and the figure's) name */
	const char *names[4]; /* metric names counted into it; NULL ends */
};
static const struct metric METRICS[NMETRICS] = {
    {"议事场所", {"议事场所", "协商议事场所", NULL}},
    {"协商活动", {"协商活动", "协商议事活动", NULL}},
    {"解决问题", {"解决问题", "解决民生难题", NULL}},
};
/* Which column is the sessions one (for min_sessions). */
#define SESSIONS 1

/* ------------------------------------------------------------------ state */

#define OFFICES_MAX 4096

/* What one office did. */
struct office {
	char path[300];       /* up to 8 segments of 32 bytes */
	double results;       /* results carrying one of the METRICS */
	double fed_back;      /* ... of which have a review */
	double sum[NMETRICS]; /* their metrics, added up */
};

/* A result counted, to match reviews against afterwards. */
struct counted {
	char id[300];
	size_t office; /* index into offices */
	int reviewed;
};

struct state {
	const struct ld_host *h;
	struct office *offices;
	size_t noffices;
	struct counted *results;
	size_t nresults, cap;
	int oom;
};

/* The office `path`, added if new (NULL when there are too many). The
 * records come in id order, an office's together: look from the last. */
static struct office *
office(struct state *s, const char *path, size_t *index)
{
	for (size_t i = s->noffices; i-- > 0;) {
		if (strcmp(s->offices[i].path, path) == 0) {
			*index = i;
			return &s->offices[i];
		}
	}
	if (s->noffices == OFFICES_MAX)
		return NULL;
	struct office *o = &s->offices[s->noffices];
	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s", path);
	*index = s->noffices++;
	return o;
}

/* Which METRICS column the metric `name` goes into, or -1. */
static int
column_of(const char *name)
{
	for (int m = 0; m < NMETRICS; m++)
		for (int k = 0; METRICS[m].names[k] != NULL; k++)
			if (strcmp(METRICS[m].names[k], name) == 0)
				return m;
	return -1;
}

/* ------------------------------------------------------------------ read */

/* Called by h->each for every result: add up its metrics. */
static int
on_result(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;

	/* Only results sent up count (a draft is still being written). */
	if (strcmp(h->str(r, "status"), "submitted") != 0)
		return 0;

	/* Its metrics: repeated message Metric { name, value }. */
	double add[NMETRICS] = {0};
	int ours = 0;
	for (size_t i = 0; i < h->count(r, "metrics"); i++) {
		const struct ld_rec *m = h->msg_at(r, "metrics", i);
		int col = column_of(h->str(m, "name"));
		if (col >= 0) {
			add[col] += h->num(m, "value");
			ours = 1;
		}
	}
	if (!ours)
		return 0; /* not a 协商在基层 result */

	size_t index;
	struct office *o = office(s, h->owner(r), &index);
	if (o == NULL)
		return 0; /* more than OFFICES_MAX offices: left out */
	o->results++;
	for (int m = 0; m < NMETRICS; m++)
		o->sum[m] += add[m];

	/* Keep its id: the reviews are matched against it next. */
	if (s->nresults == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct counted *v = realloc(s->results, cap * sizeof(*v));
		if (v == NULL) {
			s->oom = 1;
			return 1; /* stops h->each */
		}
		s->results = v;
		s->cap = cap;
	}
	struct counted *k = &s->results[s->nresults++];
	snprintf(k->id, sizeof(k->id), "%s", h->id(r));
	k->office = index;
	k->reviewed = 0;
	return 0;
}

static int
by_id(const void *x, const void *y)
{
	return strcmp(((const struct counted *)x)->id,
	              ((const struct counted *)y)->id);
}

/* Called by h->each for every review: mark the result it answers. */
static int
on_review(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	if (s->nresults == 0)
		return 0;
	struct counted key;
	snprintf(key.id, sizeof(key.id), "%s", s->h->str(r, "ref"));
	struct counted *k =
	    bsearch(&key, s->results, s->nresults, sizeof(key), by_id);
	if (k != NULL)
		k->reviewed = 1;
	return 0;
}

/* ------------------------------------------------------------------ write */

static void
pct(char *buf, size_t len, double part, double whole)
{
	if (whole > 0)
		snprintf(buf, len, "%.1f%%", 100.0 * part / whole);
	else
		snprintf(buf, len, "—");
}

/* One row of the table: the office, its counts, and whether it held
 * min_sessions sessions (min < 0: no rule). */
static void
row(struct ld_ctx *c, const struct ld_host *h, const char *label,
    const struct office *o, int min)
{
	char b[NMETRICS + 4][64];
	snprintf(b[0], 64, "%.0f", o->results);
	for (int m = 0; m < NMETRICS; m++)
		snprintf(b[1 + m], 64, "%.10g", o->sum[m]);
	snprintf(b[NMETRICS + 1], 64, "%.0f", o->fed_back);
	pct(b[NMETRICS + 2], 64, o->fed_back, o->results);
	snprintf(b[NMETRICS + 3], 64, "%s",
	         min < 0                   ? "—"
	         : o->sum[SESSIONS] >= min ? "达标"
	                                   : "未达标");
	const char *cells[NMETRICS + 5] = {label};
	for (int i = 0; i < NMETRICS + 4; i++)
		cells[1 + i] = b[i];
	h->row(c, cells);
}

/* ------------------------------------------------------------------ run */

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	/* The setting, checked before anything else: a bad one fails the
	 * report with a line saying what is wrong. */
	int min = -1;
	const char *v = h->config(c, "min_sessions");
	if (v != NULL) {
		char *end;
		long n = strtol(v, &end, 10);
		if (v[0] < '0' || v[0] > '9' || *end != '\0' || n > 10000) {
			char msg[200];
			snprintf(msg, sizeof(msg),
			         "min_sessions = '%.40s': not a whole number "
			         "from 0 to 10000",
			         v);
			h->log(c, LD_PL_ERROR, msg);
			return 1;
		}
		min = (int)n;
	}

	struct state s = {.h = h};
	s.offices = calloc(OFFICES_MAX, sizeof(struct office));
	if (s.offices == NULL)
		return 1;

	/* 1. The results of the office reported on and the offices below
	 *    it (owner NULL), of the run's year (year 0), not deleted. */
	struct ld_query q = {
	    .size = sizeof(q), .kind = LD_PK_RESULT, .live_only = 1};
	if (h->each(c, &q, on_result, &s) != 0) {
		if (s.oom)
			h->log(c, LD_PL_ERROR, "out of memory");
		free(s.offices);
		free(s.results);
		return 2;
	}

	/* 2. The reviews of those results. The office above reviews, so
	 *    read the reviews of the whole tree known here (the first
	 *    segment of the path). With --year, a review may be written the
	 *    year after its result: read that year's too. */
	if (s.nresults > 1)
		qsort(s.results, s.nresults, sizeof(s.results[0]), by_id);
	char top[64];
	snprintf(top, sizeof(top), "%.*s", (int)strcspn(h->scope(c), "/"),
	         h->scope(c));
	q.kind = LD_PK_REVIEW;
	q.owner = top;
	int rc = h->each(c, &q, on_review, &s);
	if (rc == 0 && h->year(c) != 0) {
		q.year = h->year(c) + 1;
		rc = h->each(c, &q, on_review, &s);
	}
	if (rc != 0) {
		free(s.offices);
		free(s.results);
		return 2;
	}
	for (size_t i = 0; i < s.nresults; i++)
		s.offices[s.results[i].office].fed_back +=
		    s.results[i].reviewed;

	/* 3. The total: every office added up. */
	struct office total;
	memset(&total, 0, sizeof(total));
	for (size_t i = 0; i < s.noffices; i++) {
		total.results += s.offices[i].results;
		total.fed_back += s.offices[i].fed_back;
		for (int m = 0; m < NMETRICS; m++)
			total.sum[m] += s.offices[i].sum[m];
	}

	/* 4. The report: title, figures, a paragraph, the table, a chart. */
	const char *name = h->office_name(c, h->scope(c));
	char title[300];
	snprintf(title, sizeof(title), "%s 协商在基层",
	         name[0] ? name : h->scope(c));
	if (h->year(c) != 0)
		snprintf(title, sizeof(title), "%s %u年协商在基层",
		         name[0] ? name : h->scope(c), h->year(c));
	h->title(c, title);

	h->figure(c, "成果", total.results);
	for (int m = 0; m < NMETRICS; m++)
		h->figure(c, METRICS[m].column, total.sum[m]);
	if (total.results > 0)
		h->figure(c, "双反馈一验证完成率",
		          total.fed_back / total.results);

	h->para(c, "“协商在基层”：议事场所、协商活动、解决问题取自各单位报送"
	           "成果的指标（议事场所/协商议事场所、协商活动/协商议事活动、"
	           "解决问题/解决民生难题）；双反馈一验证完成率 = 已反馈（成果"
	           "已有审核反馈）÷ 成果。");

	const char *cols[NMETRICS + 5] = {"单位", "成果"};
	for (int m = 0; m < NMETRICS; m++)
		cols[2 + m] = METRICS[m].column;
	cols[NMETRICS + 2] = "已反馈";
	cols[NMETRICS + 3] = "双反馈一验证完成率";
	cols[NMETRICS + 4] = "协商活动达标";
	h->table(c, "各单位协商在基层情况", NMETRICS + 5, cols);
	for (size_t i = 0; i < s.noffices; i++) {
		const char *on = h->office_name(c, s.offices[i].path);
		char label[600];
		snprintf(label, sizeof(label), "%s%s%s", on, on[0] ? " " : "",
		         s.offices[i].path);
		row(c, h, label, &s.offices[i], min);
	}
	row(c, h, "合计", &total, -1);

	const char *labels[NMETRICS];
	double values[NMETRICS];
	for (int m = 0; m < NMETRICS; m++) {
		labels[m] = METRICS[m].column;
		values[m] = total.sum[m];
	}
	h->chart(c, "协商在基层", NMETRICS, labels, values);

	free(s.offices);
	free(s.results);
	return 0;
}

/* ------------------------------------------------------------------ entry */

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "grassroots",
    .version = "1.0.0",
    .description = "协商在基层: venues, sessions, problems solved and "
                   "双反馈一验证 per office, from results' metrics",
    .formats = "md,csv,json,html",
    .run = run,
};

/* The one function a plugin exports. */
LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
