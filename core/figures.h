/* figures.h — 年度履职统计: the year's counts an office reports, computed
 * from records (surveys by form, consultations held, supervision tasks
 * and the units they covered, proposals and their shares). Pure. */
#ifndef LD_FIGURES_H
#define LD_FIGURES_H

#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

#define LD_FIG_FORMS 16

/* A count per form, in the order forms were first seen. */
struct ld_fig_forms {
	const char *form[LD_FIG_FORMS];
	uint64_t count[LD_FIG_FORMS], units[LD_FIG_FORMS];
	size_t n;
	uint64_t total, other; /* other: forms beyond LD_FIG_FORMS */
};

struct ld_figures {
	uint32_t year; /* 0 = every year */
	struct ld_fig_forms surveys;   /* 调研, 视察, 联合调研 */
	struct ld_fig_forms held;      /* plan items held (协商), by form */
	uint64_t planned;              /* plan items in all */
	struct ld_fig_forms tasks;     /* count = tasks, units = 被监督单位 */
	struct {
		uint64_t total, filed, replied; /* replied: has an outcome */
		uint64_t a, b, c;
		uint64_t face_to_face;          /* of those replied */
		uint64_t rated, satisfied;      /* 满意 or 基本满意 */
	} proposals;
};

/* Count the live records of `recs` of `year` (0 = all): a plan by its
 * year, a proposal by its year, a survey by the year it started (or
 * ended), a task by the year it was due (a task without a due date
 * counts in every year). Borrows form names from the records. */
void ld_figures_compute(Ld__Record *const *recs, size_t n, uint32_t year,
                        struct ld_figures *out);

/* part / whole as a percentage; -1 if whole is 0. */
double ld_figures_pct(uint64_t part, uint64_t whole);

#endif
