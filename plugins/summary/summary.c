/* summary.c — the "summary" report plugin: 年度履职统计. For the office
 * reported on and every office below it that has records: surveys and
 * inspections (调研, 视察), consultations held (协商), 跟踪问效 tasks,
 * units appraised (民主评议), and proposals: total, the share solved or
 * being solved (解决率), 面商率 and 满意率. One row per office, then the
 * total; the total's figures are the report's. The counting is the
 * host's (the SDK's `figures`, ABI 1.1): the same rules and numbers as
 * `liandong figures`, so this plugin only lays them out. On a host of
 * ABI 1.2 it names the records behind each figure (figure_source, with
 * the host's record_figures), for `liandong verify`, and adds
 * 委员参与率: the members in office who took part in something that year,
 * as the host counts them for the members report (the SDK's `members`).
 * Uses only the SDK (liandong/plugin.h). */
#include <liandong/plugin.h>

#include <stdio.h>
#include <string.h>

struct state {
	struct ld_ctx *c;
	const struct ld_host *h;
	int any; /* the table has been started */
	double active, took_part; /* members in office; of them, took part */
};

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
row(struct ld_ctx *c, const struct ld_host *h, const struct ld_figs *f,
    const char *label)
{
	char b[9][64];
	count(b[0], 64, f->surveys);
	count(b[1], 64, f->inspections);
	count(b[2], 64, f->held);
	count(b[3], 64, f->follow_ups);
	count(b[4], 64, f->appraised);
	count(b[5], 64, f->proposals);
	pct(b[6], 64, f->solved, f->answered);
	pct(b[7], 64, f->face_to_face, f->answered);
	pct(b[8], 64, f->satisfied, f->rated);
	const char *cells[] = {label, b[0], b[1], b[2], b[3], b[4],
	                       b[5],  b[6], b[7], b[8]};
	h->row(c, cells);
}

static void
header(struct ld_ctx *c, const struct ld_host *h)
{
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
}

/* The total: the report's figures and chart. */
static void
total(struct ld_ctx *c, const struct ld_host *h, const struct ld_figs *t,
      const struct state *s)
{
	h->figure(c, "调研", t->surveys);
	h->figure(c, "视察", t->inspections);
	h->figure(c, "协商", t->held);
	h->figure(c, "跟踪问效", t->follow_ups);
	h->figure(c, "民主评议", t->appraised);
	h->figure(c, "提案", t->proposals);
	if (t->answered > 0) {
		h->figure(c, "解决率", t->solved / t->answered);
		h->figure(c, "面商率", t->face_to_face / t->answered);
	}
	if (t->rated > 0)
		h->figure(c, "满意率", t->satisfied / t->rated);
	if (s->active > 0)
		h->figure(c, "委员参与率", s->took_part / s->active);
	row(c, h, t, "合计");
	const char *labels[] = {"调研", "视察", "协商", "跟踪问效", "民主评议"};
	double values[] = {t->surveys, t->inspections, t->held, t->follow_ups,
	                   t->appraised};
	h->chart(c, "履职活动", 5, labels, values);
}

/* Each office's row as the host counts it; the total last. */
static int
visit(const char *office, const struct ld_figs *f, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;
	if (!s->any) {
		static const char *const cols[] = {
		    "单位",     "调研", "视察",   "协商",   "跟踪问效",
		    "民主评议", "提案", "解决率", "面商率", "满意率"};
		h->table(s->c, "各单位履职情况", 10, cols);
		s->any = 1;
	}
	if (office == NULL) {
		total(s->c, h, f, s);
		return 0;
	}
	const char *on = h->office_name(s->c, office);
	char label[400];
	snprintf(label, sizeof(label), "%s%s%s", on, on[0] ? " " : "",
	         office);
	row(s->c, h, f, label);
	return 0;
}

/* Each figure of total(), the records behind it (ABI 1.2). */
static int
attribute(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;
	struct ld_figs f;
	if (h->record_figures(r, &f) != 0)
		return 0;
	const struct {
		const char *name;
		double v;
	} by[] = {
	    {"调研", f.surveys},      {"视察", f.inspections},
	    {"协商", f.held},         {"跟踪问效", f.follow_ups},
	    {"民主评议", f.appraised}, {"提案", f.proposals},
	    {"解决率", f.answered},   {"面商率", f.answered},
	    {"满意率", f.rated},
	};
	for (size_t i = 0; i < sizeof(by) / sizeof(by[0]); i++)
		if (by[i].v > 0)
			h->figure_source(s->c, by[i].name, r);
	return 0;
}

/* One member's year, as the host counts it: 参与 of those in office. */
static int
member(const struct ld_member *m, void *arg)
{
	struct state *s = arg;
	s->active += m->active != 0;
	s->took_part += m->took_part != 0;
	return 0;
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	if (h->abi_minor < 1) {
		h->log(c, LD_PL_ERROR, "needs a host of ABI 1.1 or later "
		                       "(figures)");
		return 1;
	}
	struct state s = {c, h, 0, 0, 0};
	header(c, h);
	struct ld_query q = {.size = sizeof(q), .live_only = 1};
	if (h->abi_minor >= 2 && h->members(c, &q, NULL, member, &s) != 0)
		return 2;
	if (h->figures(c, &q, visit, &s) != 0)
		return 2;
	if (h->abi_minor < 2)
		return 0;
	static const char *const names[] = {"调研",     "视察", "协商",
	                                    "跟踪问效", "民主评议", "提案"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		h->figure_source(c, names[i], NULL);
	return h->each(c, &q, attribute, &s) != 0 ? 2 : 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "summary",
    .version = "1.2.0",
    .description = "年度履职统计: surveys, inspections, consultations, "
                   "supervision and proposals, per office and in total; "
                   "委员参与率",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
