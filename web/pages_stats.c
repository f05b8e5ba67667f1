/* pages_stats.c — 年度统计 (GET /stats?year=): the figures of `liandong
 * figures` for this office and the offices below it, from the same
 * records in the same order (api/records.h) by the same rules
 * (core/figures.c), as a table and bar charts drawn on the server. Each
 * number carries data-fig="KEY", the key `liandong figures --json` gives
 * it. */
#include "figures.h"
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

/* The forms of one kind: a table of counts and a chart. */
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
	struct ld_bar bars[LD_FIG_FORMS + 1];
	size_t nb = 0;
	ld_html_f(b, "<div class=\"scroll\"><table class=\"kv\">\n<thead><tr>"
	          "<th>形式</th><th>数量</th>%r</tr></thead>\n<tbody>\n",
	          units ? "<th>被监督单位</th>" : "");
	for (size_t i = 0; i < v->n; i++) {
		char k[200];
		snprintf(k, sizeof(k), "%s.by_form.%s%s", key, v->form[i],
		         units ? ".count" : "");
		ld_html_f(b, "<tr><th>%s</th><td data-fig=\"%s\">%U</td>",
		          v->form[i], k, (unsigned long long)v->count[i]);
		if (units) {
			snprintf(k, sizeof(k), "%s.by_form.%s.units", key,
			         v->form[i]);
			ld_html_f(b, "<td data-fig=\"%s\">%U</td>", k,
			          (unsigned long long)v->units[i]);
		}
		ld_buf_puts(b, "</tr>\n");
		bars[nb++] = (struct ld_bar){v->form[i], v->count[i]};
	}
	if (v->other) {
		ld_html_f(b, "<tr><th>其他形式</th><td>%U</td>%r</tr>\n",
		          (unsigned long long)v->other, units ? "<td></td>" : "");
		bars[nb++] = (struct ld_bar){"其他形式", v->other};
	}
	ld_buf_puts(b, "</tbody></table></div>\n");
	ld_present_bars(b, title, bars, nb);
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
	ld_api_free_records(recs, n);

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
	ld_html_f(&b, "<ul class=\"counts\">\n");
	const struct {
		const char *label;
		uint64_t v;
	} head[] = {
	    {"调研", g.research},       {"视察", g.inspections},
	    {"协商", g.held.total},      {"跟踪问效", g.follow_ups},
	    {"民主评议", g.appraised},   {"提案", p->total},
	};
	struct ld_bar bars[6];
	for (size_t i = 0; i < 6; i++) {
		ld_html_f(&b, "<li>%s<b data-fig=\"headline.%s\">%U</b></li>\n",
		          head[i].label, head[i].label,
		          (unsigned long long)head[i].v);
		bars[i] = (struct ld_bar){head[i].label, head[i].v};
	}
	ld_buf_puts(&b, "</ul>\n");
	ld_present_bars(&b, "年度履职概览", bars, 6);

	forms(&b, "调研与视察", "surveys", &g.surveys, false);
	forms(&b, "已举行的协商", "consultations_held", &g.held, false);
	ld_buf_puts(&b, "<table class=\"kv\">\n");
	row(&b, "计划协商事项", "planned", g.planned);
	ld_buf_puts(&b, "</table>\n");
	forms(&b, "民主监督任务", "tasks", &g.tasks, true);

	ld_buf_puts(&b, "<h2>提案</h2>\n<table class=\"kv\">\n");
	row(&b, "提案", "proposals.total", p->total);
	row(&b, "立案", "proposals.filed", p->filed);
	row(&b, "已答复", "proposals.answered", p->replied);
	row(&b, "A 类", "proposals.A", p->a);
	row(&b, "B 类", "proposals.B", p->b);
	row(&b, "C 类", "proposals.C", p->c);
	row(&b, "面商", "proposals.face_to_face", p->face_to_face);
	row(&b, "已测评", "proposals.rated", p->rated);
	row(&b, "满意或基本满意", "proposals.satisfied", p->satisfied);
	share(&b, "解决率（A+B）", "proposals.solved_share", p->solved,
	      p->replied);
	share(&b, "面商率", "proposals.face_to_face_rate", p->face_to_face,
	      p->replied);
	share(&b, "满意率", "proposals.satisfaction_rate", p->satisfied,
	      p->rated);
	ld_buf_puts(&b, "</table>\n");
	const struct ld_bar abc[3] = {
	    {"A 类", p->a}, {"B 类", p->b}, {"C 类", p->c}};
	if (p->replied > 0)
		ld_present_bars(&b, "提案办理结果", abc, 3);
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}
