/* figures.c — 年度履职统计 from records (figures.h), by the rules of
 * rules.h. */
#include "figures.h"
#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
add(struct ld_fig_forms *f, const char *form, uint64_t units)
{
	f->total++;
	for (size_t i = 0; i < f->n; i++)
		if (strncmp(f->form[i], form, LD_FIG_FORM_MAX - 1) == 0) {
			f->count[i]++;
			f->units[i] += units;
			return;
		}
	if (f->n == LD_FIG_FORMS) {
		f->other++;
		return;
	}
	snprintf(f->form[f->n], LD_FIG_FORM_MAX, "%s", form);
	f->count[f->n] = 1;
	f->units[f->n] = units;
	f->n++;
}

void
ld_figures_init(struct ld_figures *g, uint32_t year)
{
	memset(g, 0, sizeof(*g));
	g->year = year;
}

void
ld_figures_add(struct ld_figures *g, const Ld__Record *r)
{
	if (r->deleted || (g->year != 0 && ld_rule_year(r) != g->year))
		return;
	switch (r->body_case) {
	case LD__RECORD__BODY_SURVEY: {
		const char *form = r->survey->form;
		add(&g->surveys, form, 0);
		if (strcmp(form, "视察") == 0)
			g->inspections++;
		else
			g->research++;
		break;
	}
	case LD__RECORD__BODY_PLAN:
		for (size_t k = 0; k < r->plan->n_items; k++) {
			const Ld__PlanItem *it = r->plan->items[k];
			g->planned += ld_rule_item_planned(it->status);
			if (ld_rule_item_held(it->status))
				add(&g->held, it->form, 0);
		}
		break;
	case LD__RECORD__BODY_TASK: {
		const Ld__Task *t = r->task;
		add(&g->tasks, t->form, t->n_targets);
		if (strcmp(t->form, "跟踪问效") == 0)
			g->follow_ups++;
		else if (strcmp(t->form, "民主评议") == 0)
			g->appraised += t->n_targets;
		break;
	}
	case LD__RECORD__BODY_PROPOSAL: {
		const Ld__Proposal *p = r->proposal;
		__typeof__(g->proposals) *s = &g->proposals;
		s->total++;
		s->filed += strcmp(p->filing, "filed") == 0;
		if (ld_rule_proposal_answered(p)) {
			s->replied++;
			s->a += strcmp(p->outcome, "A") == 0;
			s->b += strcmp(p->outcome, "B") == 0;
			s->c += strcmp(p->outcome, "C") == 0;
			s->solved += ld_rule_proposal_solved(p);
			s->face_to_face += p->face_to_face;
		}
		s->rated += ld_rule_proposal_rated(p);
		s->satisfied += ld_rule_proposal_satisfied(p);
		break;
	}
	default:
		break;
	}
}

void
ld_figures_compute(Ld__Record *const *recs, size_t n, uint32_t year,
                   struct ld_figures *out)
{
	ld_figures_init(out, year);
	for (size_t i = 0; i < n; i++)
		ld_figures_add(out, recs[i]);
}

double
ld_figures_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : -1;
}

void
ld_figures_pct_text(char *buf, size_t len, double ratio)
{
	if (!isfinite(ratio))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%.1f%%", 100.0 * ratio);
}

bool
ld_figures_is_rate(const char *name)
{
	static const char rate[] = "率";
	size_t n = strlen(name), r = sizeof(rate) - 1;
	return n >= r && memcmp(name + n - r, rate, r) == 0;
}
