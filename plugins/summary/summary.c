/* summary.c — the "summary" report plugin: 年度履职统计. For the office
 * reported on and every office below it that has records: surveys and
 * inspections (调研, 视察), consultations held (协商: plan items held,
 * outcome submitted or adopted), 跟踪问效 tasks, units appraised (民主评议:
 * the units a task of that form covers), and proposals: total, the share
 * solved or being solved (A+B of those answered), 面商率 and 满意率. One
 * row per office, then the total; the total's figures are the report's.
 * Uses only the SDK (liandong/plugin.h). */
#include <liandong/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFICES_MAX 4096

struct tally {
	char path[200];
	double survey, inspect, held, follow, appraised;
	double proposals, answered, ab, f2f, rated, satisfied;
};

struct state {
	const struct ld_host *h;
	struct tally *t; /* [0] is the total */
	size_t n;
};

static struct tally *
office(struct state *s, const char *path)
{
	for (size_t i = s->n; i-- > 1;) /* records come in id order */
		if (strcmp(s->t[i].path, path) == 0)
			return &s->t[i];
	if (s->n == OFFICES_MAX)
		return NULL;
	struct tally *t = &s->t[s->n++];
	memset(t, 0, sizeof(*t));
	snprintf(t->path, sizeof(t->path), "%s", path);
	return t;
}

static void
add(struct tally *a, const struct tally *b)
{
	a->survey += b->survey;
	a->inspect += b->inspect;
	a->held += b->held;
	a->follow += b->follow;
	a->appraised += b->appraised;
	a->proposals += b->proposals;
	a->answered += b->answered;
	a->ab += b->ab;
	a->f2f += b->f2f;
	a->rated += b->rated;
	a->satisfied += b->satisfied;
}

static int
visit(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;
	struct tally *t = office(s, h->owner(r));
	if (t == NULL)
		return 0;
	switch (h->kind(r)) {
	case LD_PK_SURVEY: {
		const char *form = h->str(r, "form");
		if (strcmp(form, "视察") == 0)
			t->inspect++;
		else
			t->survey++; /* 调研, 联合调研 */
		break;
	}
	case LD_PK_PLAN:
		for (size_t i = 0; i < h->count(r, "items"); i++) {
			const char *st =
			    h->str(h->msg_at(r, "items", i), "status");
			if (strcmp(st, "held") == 0 ||
			    strcmp(st, "outcome_submitted") == 0 ||
			    strcmp(st, "adopted") == 0)
				t->held++;
		}
		break;
	case LD_PK_TASK: {
		const char *form = h->str(r, "form");
		if (strcmp(form, "跟踪问效") == 0)
			t->follow++;
		else if (strcmp(form, "民主评议") == 0)
			t->appraised += (double)h->count(r, "targets");
		break;
	}
	case LD_PK_PROPOSAL: {
		t->proposals++;
		const char *out = h->str(r, "outcome");
		if (out[0] != '\0') {
			t->answered++;
			t->ab += out[0] == 'A' || out[0] == 'B';
			t->f2f += h->num(r, "face_to_face") != 0;
		}
		const char *sat = h->str(r, "satisfaction");
		if (sat[0] != '\0') {
			t->rated++;
			t->satisfied += strcmp(sat, "不满意") != 0;
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

static void
count(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.0f", v);
}

static void
pct(char *buf, size_t len, double part, double whole)
{
	if (whole > 0)
		snprintf(buf, len, "%.1f%%", 100.0 * part / whole);
	else
		snprintf(buf, len, "—");
}

static void
row(struct ld_ctx *c, const struct ld_host *h, const struct tally *t,
    const char *label)
{
	char b[11][64];
	count(b[0], 64, t->survey);
	count(b[1], 64, t->inspect);
	count(b[2], 64, t->held);
	count(b[3], 64, t->follow);
	count(b[4], 64, t->appraised);
	count(b[5], 64, t->proposals);
	pct(b[6], 64, t->ab, t->answered);
	pct(b[7], 64, t->f2f, t->answered);
	pct(b[8], 64, t->satisfied, t->rated);
	const char *cells[] = {label, b[0], b[1], b[2], b[3], b[4],
	                       b[5],  b[6], b[7], b[8]};
	h->row(c, cells);
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	struct state s = {h, calloc(OFFICES_MAX, sizeof(struct tally)), 1};
	if (s.t == NULL)
		return 1;
	snprintf(s.t[0].path, sizeof(s.t[0].path), "%s", h->scope(c));
	struct ld_query q = {.size = sizeof(q), .live_only = 1};
	if (h->each(c, &q, visit, &s) != 0) {
		free(s.t);
		return 2;
	}
	for (size_t i = 1; i < s.n; i++)
		add(&s.t[0], &s.t[i]);

	char title[300];
	uint32_t y = h->year(c);
	const char *name = h->office_name(c, h->scope(c));
	if (y != 0)
		snprintf(title, sizeof(title), "%s %u年度履职统计",
		         name[0] ? name : h->scope(c), y);
	else
		snprintf(title, sizeof(title), "%s 履职统计",
		         name[0] ? name : h->scope(c));
	h->title(c, title);

	const struct tally *t = &s.t[0];
	h->figure(c, "调研", t->survey);
	h->figure(c, "视察", t->inspect);
	h->figure(c, "协商", t->held);
	h->figure(c, "跟踪问效", t->follow);
	h->figure(c, "民主评议", t->appraised);
	h->figure(c, "提案", t->proposals);
	if (t->answered > 0) {
		h->figure(c, "解决率", t->ab / t->answered);
		h->figure(c, "面商率", t->f2f / t->answered);
	}
	if (t->rated > 0)
		h->figure(c, "满意率", t->satisfied / t->rated);

	static const char *const cols[] = {
	    "单位",     "调研",     "视察", "协商",  "跟踪问效",
	    "民主评议", "提案",     "解决率", "面商率", "满意率"};
	h->table(c, "各单位履职情况", 10, cols);
	for (size_t i = 1; i < s.n; i++) {
		const char *on = h->office_name(c, s.t[i].path);
		char label[400];
		snprintf(label, sizeof(label), "%s%s%s", on,
		         on[0] ? " " : "", s.t[i].path);
		row(c, h, &s.t[i], label);
	}
	row(c, h, t, "合计");

	const char *labels[] = {"调研", "视察", "协商", "跟踪问效", "民主评议"};
	double values[] = {t->survey, t->inspect, t->held, t->follow,
	                   t->appraised};
	h->chart(c, "履职活动", 5, labels, values);
	free(s.t);
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "summary",
    .version = "1.0.0",
    .description = "年度履职统计: surveys, inspections, consultations, "
                   "supervision and proposals, per office and in total",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
