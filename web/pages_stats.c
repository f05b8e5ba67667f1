/* pages_stats.c — 年度统计 (GET /stats?year=): the figures of `liandong
 * figures` for this office and the offices below it, from the same
 * records in the same order (api/records.h) by the same rules
 * (core/figures.c): each count once, in a table, with its bar drawn
 * on the server beside it. Each number carries data-fig="KEY", the key
 * `liandong figures --json` gives it. */
#include "figures.h"
#include "members.h"
#include "pages.h"
#include "present.h"
#include "records.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
row(struct ld_buf *b, const char *label, const char *key, uint64_t v)
{
	ld_html_f(b, "<tr><th>%s</th><td data-fig=\"%s\">%U</td></tr>\n",
	          label, key, (unsigned long long)v);
}

/* A share as the page shows it: "94.9%（203/214）", or "—" of nothing. */
static void
share(struct ld_buf *b, const char *label, const char *key, uint64_t part,
      uint64_t whole)
{
	ld_html_f(b, "<tr><th>%s</th><td data-fig=\"%s\">", label, key);
	if (whole == 0) {
		ld_buf_puts(b, "—");
	} else {
		char pct[32];
		snprintf(pct, sizeof(pct), "%.1f%%", ld_figures_pct(part, whole));
		ld_html_f(b, "%s（%U/%U）", pct, (unsigned long long)part,
		          (unsigned long long)whole);
	}
	ld_buf_puts(b, "</td></tr>\n");
}

/* A figure with its bar: label, the number (data-fig="KEY"), and for
 * a table with `units` the units supervised, then the bar of the number
 * against `max`. Each figure is on the page once. */
static void
bar_row(struct ld_buf *b, const char *label, const char *key, uint64_t v,
        uint64_t max, bool units, const char *ukey, uint64_t u)
{
	ld_html_f(b, "<tr><th>%s</th><td class=\"num\"", label);
	if (key != NULL)
		ld_html_f(b, " data-fig=\"%s\"", key);
	ld_html_f(b, ">%U</td>", (unsigned long long)v);
	if (units) {
		ld_buf_puts(b, "<td class=\"num\"");
		if (ukey != NULL)
			ld_html_f(b, " data-fig=\"%s\"", ukey);
		ld_html_f(b, ">%U</td>", (unsigned long long)u);
	}
	ld_buf_puts(b, "<td class=\"bar\">");
	ld_present_bar_svg(b, v, max);
	ld_buf_puts(b, "</td></tr>\n");
}

/* The head of a table of figures with bars; `first` names its rows. */
static void
bars_begin(struct ld_buf *b, const char *first, bool units)
{
	ld_html_f(b, "<table class=\"bars\">\n<thead><tr><th>%s</th>"
	          "<th class=\"num\">数量</th>%r<th class=\"bar\">"
	          "<span class=\"muted\">图示</span></th></tr></thead>\n"
	          "<tbody>\n",
	          first, units ? "<th class=\"num\">被监督单位</th>" : "");
}

/* The forms of one kind: each form's count with its bar. */
static void
forms(struct ld_buf *b, const char *title, const char *key,
      const struct ld_fig_forms *v, bool units)
{
	ld_html_f(b, "<h2>%s <span class=\"muted\">共 <b data-fig=\"%s.total\">"
	          "%U</b></span></h2>\n",
	          title, key, (unsigned long long)v->total);
	if (v->n == 0) {
		ld_buf_puts(b, "<p class=\"muted\">本年度没有。</p>\n");
		return;
	}
	uint64_t max = v->other;
	for (size_t i = 0; i < v->n; i++)
		if (v->count[i] > max)
			max = v->count[i];
	bars_begin(b, "形式", units);
	for (size_t i = 0; i < v->n; i++) {
		char k[200], uk[200];
		snprintf(k, sizeof(k), "%s.by_form.%s%s", key, v->form[i],
		         units ? ".count" : "");
		snprintf(uk, sizeof(uk), "%s.by_form.%s.units", key,
		         v->form[i]);
		bar_row(b, v->form[i], k, v->count[i], max, units, uk,
		        units ? v->units[i] : 0);
	}
	if (v->other) {
		ld_html_f(b, "<tr><th>其他形式</th><td class=\"num\">%U</td>%r"
		          "<td class=\"bar\">",
		          (unsigned long long)v->other,
		          units ? "<td class=\"num\"></td>" : "");
		ld_present_bar_svg(b, v->other, max);
		ld_buf_puts(b, "</td></tr>\n");
	}
	ld_buf_puts(b, "</tbody></table>\n");
}

void
ld_page_stats(struct ld_web_req *rq)
{
	const char *y = ld_web_arg(rq, "year");
	unsigned year;
	if (y != NULL && y[0] != '\0') {
		char *end;
		unsigned long v = strtoul(y, &end, 10);
		if (*end != '\0' || y[0] < '0' || y[0] > '9' || v < 1900 ||
		    v > 9999) {
			ld_web_error(rq, 400, "年度应为四位数字，如 2026。");
			return;
		}
		year = (unsigned)v;
	} else {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		year = (unsigned)tm.tm_year + 1900;
	}
	const char *self = ld_web_config(rq)->id;
	Ld__Record **recs;
	size_t n;
	if (ld_web_list_all(rq, LD__KIND__KIND_UNSPECIFIED, self, &recs, &n) !=
	    0)
		return;
	struct ld_figures g;
	ld_figures_compute(recs, n, year, &g);
	/* 委员参与率 as `liandong figures` and the members report count it. */
	struct ld_member_tally mt;
	int mrc = ld_members_tally_of(recs, n, year, &mt);
	ld_api_free_records(recs, n);
	if (mrc != 0) {
		ld_web_error(rq, 500, "内存不足。");
		return;
	}

	char title[64];
	snprintf(title, sizeof(title), "%u 年度履职统计", year);
	struct ld_page pg;
	ld_web_page(rq, &pg, title, LD_NAV_STATS);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	ld_html_f(&b,
	          "<form class=\"filters\" method=\"get\" action=\"/stats\">"
	          "<label>年度<input name=\"year\" inputmode=\"numeric\" "
	          "value=\"%d\"></label><button type=\"submit\">查看</button>"
	          "</form>\n<p class=\"muted\">本单位（%s）及下级，与 "
	          "<code>liandong figures --year %d</code> 相同。</p>\n",
	          (int)year, self, (int)year);

	const __typeof__(g.proposals) *p = &g.proposals;
	const struct {
		const char *label;
		uint64_t v;
	} head[] = {
	    {"调研", g.research},       {"视察", g.inspections},
	    {"协商", g.held.total},      {"跟踪问效", g.follow_ups},
	    {"民主评议", g.appraised},   {"提案", p->total},
	};
	uint64_t max = 0;
	for (size_t i = 0; i < 6; i++)
		if (head[i].v > max)
			max = head[i].v;
	ld_buf_puts(&b, "<h2>年度履职概览</h2>\n");
	bars_begin(&b, "项目", false);
	for (size_t i = 0; i < 6; i++) {
		char k[64];
		snprintf(k, sizeof(k), "headline.%s", head[i].label);
		bar_row(&b, head[i].label, k, head[i].v, max, false, NULL, 0);
	}
	ld_buf_puts(&b, "</tbody></table>\n");

	forms(&b, "调研与视察", "surveys", &g.surveys, false);
	forms(&b, "已举行的协商", "consultations_held", &g.held, false);
	ld_buf_puts(&b, "<table class=\"kv figs\">\n");
	row(&b, "计划协商事项", "planned", g.planned);
	ld_buf_puts(&b, "</table>\n");
	forms(&b, "民主监督任务", "tasks", &g.tasks, true);

	ld_buf_puts(&b, "<h2>提案</h2>\n<table class=\"kv figs\">\n");
	row(&b, "提案", "proposals.total", p->total);
	row(&b, "立案", "proposals.filed", p->filed);
	row(&b, "已答复", "proposals.answered", p->replied);
	row(&b, "面商", "proposals.face_to_face", p->face_to_face);
	row(&b, "已测评", "proposals.rated", p->rated);
	row(&b, "满意或基本满意", "proposals.satisfied", p->satisfied);
	share(&b, "解决率（A+B）", "proposals.solved_share", p->solved,
	      p->replied);
	share(&b, "面商率", "proposals.face_to_face_rate", p->face_to_face,
	      p->replied);
	share(&b, "满意率", "proposals.satisfaction_rate", p->satisfied,
	      p->rated);
	ld_buf_puts(&b, "</table>\n<h3>办理结果</h3>\n");
	uint64_t abc = p->a > p->b ? p->a : p->b;
	abc = abc > p->c ? abc : p->c;
	bars_begin(&b, "类别", false);
	bar_row(&b, "A 类", "proposals.A", p->a, abc, false, NULL, 0);
	bar_row(&b, "B 类", "proposals.B", p->b, abc, false, NULL, 0);
	bar_row(&b, "C 类", "proposals.C", p->c, abc, false, NULL, 0);
	ld_buf_puts(&b, "</tbody></table>\n");
	ld_buf_puts(&b, "<h2>委员</h2>\n<table class=\"kv figs\">\n");
	row(&b, "在任委员", "members.active", mt.active);
	row(&b, "参与履职", "members.took_part", mt.took_part);
	share(&b, "委员参与率", "members.participation_rate", mt.took_part,
	      mt.active);
	ld_buf_puts(&b, "</table>\n");
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}
