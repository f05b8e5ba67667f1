/* figures.h — 年度履职统计: the year's counts an office reports, computed
 * from records (surveys by form, consultations planned and held,
 * supervision tasks and the units they covered, proposals and their
 * shares) by the rules of rules.h. `liandong figures` prints them; the
 * report host hands them to plugins (the SDK's `figures`), so the
 * summary report shows the same numbers. Pure. */
#ifndef LD_FIGURES_H
#define LD_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

#define LD_FIG_FORMS 16
#define LD_FIG_FORM_MAX 96 /* bytes of a form name kept (forms are short
                              vocabulary words) */

/* A count per form, in the order forms were first seen. */
struct ld_fig_forms {
	char form[LD_FIG_FORMS][LD_FIG_FORM_MAX];
	uint64_t count[LD_FIG_FORMS], units[LD_FIG_FORMS];
	size_t n;
	uint64_t total, other; /* other: forms beyond LD_FIG_FORMS */
};

struct ld_figures {
	uint32_t year; /* 0 = every year */
	struct ld_fig_forms surveys;   /* 调研, 视察, 联合调研 */
	struct ld_fig_forms held;      /* plan items held (协商), by form */
	uint64_t planned;              /* plan items planned (not cancelled) */
	struct ld_fig_forms tasks;     /* count = tasks, units = 被监督单位 */
	/* The headline figures of 年度履职统计 (the summary report's): */
	uint64_t research;    /* 调研: surveys of any form but 视察 */
	uint64_t inspections; /* 视察: surveys of form 视察 */
	uint64_t follow_ups;  /* 跟踪问效: tasks of that form */
	uint64_t appraised;   /* 民主评议: units covered by tasks of that
	                         form */
	struct {
		uint64_t total, filed, replied; /* replied: answered, has an
		                                   outcome */
		uint64_t a, b, c;
		uint64_t solved;                /* A or B */
		uint64_t face_to_face;          /* of those replied */
		uint64_t rated, satisfied;      /* 满意 or 基本满意 */
	} proposals;
};

/* Start counting `year` (0 = every year). */
void ld_figures_init(struct ld_figures *g, uint32_t year);

/* Count record `r` if it is live and counts for g->year (ld_rule_year):
 * its surveys, plan items, tasks and proposals. Form names are copied. */
void ld_figures_add(struct ld_figures *g, const Ld__Record *r);

/* Init, then add each of `recs`. */
void ld_figures_compute(Ld__Record *const *recs, size_t n, uint32_t year,
                        struct ld_figures *out);

/* part / whole as a percentage; -1 if whole is 0. */
double ld_figures_pct(uint64_t part, uint64_t whole);

/* How a share is shown to people, everywhere (`figures`, the reports'
 * tables and headline figures): `ratio` (0.9486) as a percentage with one
 * decimal, "94.9%". Not finite: "". */
void ld_figures_pct_text(char *buf, size_t len, double ratio);

/* Is the figure named `name` a share (a 率: 解决率, 面商率, 满意率 ...),
 * carried as a ratio and shown as a percentage? */
bool ld_figures_is_rate(const char *name);

#endif
