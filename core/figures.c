/* figures.c — 年度履职统计 from records (figures.h). */
#include "figures.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void
add(struct ld_fig_forms *f, const char *form, uint64_t units)
{
	f->total++;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->form[i], form) == 0) {
			f->count[i]++;
			f->units[i] += units;
			return;
		}
	if (f->n == LD_FIG_FORMS) {
		f->other++;
		return;
	}
	f->form[f->n] = form;
	f->count[f->n] = 1;
	f->units[f->n] = units;
	f->n++;
}

/* The year of a YYYY-MM-DD date, 0 if none. */
static uint32_t
year_of(const char *d)
{
	if (d == NULL || strlen(d) < 4)
		return 0;
	return (uint32_t)strtoul(d, NULL, 10);
}

static bool
held(const char *status)
{
	return strcmp(status, "held") == 0 ||
	       strcmp(status, "outcome_submitted") == 0 ||
	       strcmp(status, "adopted") == 0;
}

void
ld_figures_compute(Ld__Record *const *recs, size_t n, uint32_t year,
                   struct ld_figures *out)
{
	memset(out, 0, sizeof(*out));
	out->year = year;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		if (r->deleted)
			continue;
		switch (r->body_case) {
		case LD__RECORD__BODY_SURVEY: {
			const Ld__Survey *s = r->survey;
			uint32_t y = year_of(s->start);
			if (y == 0)
				y = year_of(s->end);
			if (year == 0 || y == year)
				add(&out->surveys, s->form, 0);
			break;
		}
		case LD__RECORD__BODY_PLAN:
			if (year != 0 && r->plan->year != year)
				break;
			for (size_t k = 0; k < r->plan->n_items; k++) {
				const Ld__PlanItem *it = r->plan->items[k];
				out->planned++;
				if (held(it->status))
					add(&out->held, it->form, 0);
			}
			break;
		case LD__RECORD__BODY_TASK: {
			uint32_t y = year_of(r->task->due);
			if (year == 0 || y == 0 || y == year)
				add(&out->tasks, r->task->form,
				    r->task->n_targets);
			break;
		}
		case LD__RECORD__BODY_PROPOSAL: {
			const Ld__Proposal *p = r->proposal;
			if (year != 0 && p->year != year)
				break;
			out->proposals.total++;
			if (strcmp(p->filing, "filed") == 0)
				out->proposals.filed++;
			if (p->outcome[0] != '\0') {
				out->proposals.replied++;
				out->proposals.a += p->outcome[0] == 'A';
				out->proposals.b += p->outcome[0] == 'B';
				out->proposals.c += p->outcome[0] == 'C';
				out->proposals.face_to_face += p->face_to_face;
			}
			if (p->satisfaction[0] != '\0') {
				out->proposals.rated++;
				out->proposals.satisfied +=
				    strcmp(p->satisfaction, "不满意") != 0;
			}
			break;
		}
		default:
			break;
		}
	}
}

double
ld_figures_pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : -1;
}
