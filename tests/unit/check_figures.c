/* check_figures.c — 年度履职统计 (figures.c) on hand-built records: counts
 * by form and year (each record in one year only, rules.c), units
 * covered, planned and held plan items, proposal shares and their
 * bases. */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"

static Ld__Record recs[16], *rp[16];
static Ld__Survey sv[4];
static Ld__Task tk[4];
static Ld__Plan pl[2];
static Ld__PlanItem it[5], *itp[5];
static Ld__Proposal pr[6];
static char *targets[] = {"县教育局", "县卫健局", "县水务局"};
static size_t n;

static Ld__Record *
rec(Ld__Record__BodyCase body)
{
	Ld__Record *r = &recs[n];
	ld__record__init(r);
	r->body_case = body;
	rp[n++] = r;
	return r;
}

static void
build(void)
{
	n = 0;
	const char *forms[4] = {"调研", "视察", "调研", "调研"};
	const char *starts[4] = {"2018-03-01", "2018-05-01", "", "2017-09-01"};
	for (int i = 0; i < 4; i++) {
		ld__survey__init(&sv[i]);
		sv[i].form = (char *)forms[i];
		sv[i].start = (char *)starts[i];
		sv[i].end = i == 2 ? "2018-07-01" : "";
		rec(LD__RECORD__BODY_SURVEY)->survey = &sv[i];
	}
	/* A deleted survey counts nowhere. */
	Ld__Record *del = rec(LD__RECORD__BODY_SURVEY);
	del->survey = &sv[0];
	del->deleted = true;

	const char *tforms[3] = {"民主评议", "民主评议", "跟踪问效"};
	const char *dues[3] = {"2018-06-30", "", "2019-01-10"};
	for (int i = 0; i < 3; i++) {
		ld__task__init(&tk[i]);
		tk[i].form = (char *)tforms[i];
		tk[i].due = (char *)dues[i];
		tk[i].n_targets = (size_t)i + 1;
		tk[i].targets = targets;
		Ld__Record *r = rec(LD__RECORD__BODY_TASK);
		r->task = &tk[i];
		/* Written 2018-08-01 (UTC): the task without a due date
		 * counts for 2018. */
		r->updated_at = 1533081600000LL;
	}

	const char *iforms[5] = {"专题协商", "双月协商", "专题协商", "专题协商",
	                         "专题协商"};
	const char *ist[5] = {"held", "adopted", "planned", "deferred",
	                      "cancelled"};
	for (int i = 0; i < 5; i++) {
		ld__plan_item__init(&it[i]);
		it[i].form = (char *)iforms[i];
		it[i].status = (char *)ist[i];
		itp[i] = &it[i];
	}
	ld__plan__init(&pl[0]);
	pl[0].year = 2018;
	pl[0].n_items = 5;
	pl[0].items = itp;
	rec(LD__RECORD__BODY_PLAN)->plan = &pl[0];

	const char *out[6] = {"A", "B", "C", "", "A", "B"};
	const char *sat[6] = {"满意", "基本满意", "不满意", "", "", "满意"};
	for (int i = 0; i < 6; i++) {
		ld__proposal__init(&pr[i]);
		pr[i].year = i == 5 ? 2017 : 2018;
		pr[i].filing = i == 3 ? "not_filed" : "filed";
		pr[i].outcome = (char *)out[i];
		pr[i].satisfaction = (char *)sat[i];
		pr[i].face_to_face = i != 1;
		rec(LD__RECORD__BODY_PROPOSAL)->proposal = &pr[i];
	}
}

START_TEST(test_year)
{
	build();
	struct ld_figures g;
	ld_figures_compute(rp, n, 2018, &g);
	/* Surveys by start year, else end year. */
	ck_assert_uint_eq(g.surveys.total, 3);
	ck_assert_str_eq(g.surveys.form[0], "调研");
	ck_assert_uint_eq(g.surveys.count[0], 2);
	ck_assert_uint_eq(g.surveys.count[1], 1);
	ck_assert_uint_eq(g.research, 2);
	ck_assert_uint_eq(g.inspections, 1);
	/* Tasks due in 2018, or written then without a due date; units are
	 * targets. */
	ck_assert_uint_eq(g.tasks.total, 2);
	ck_assert_uint_eq(g.tasks.n, 1);
	ck_assert_uint_eq(g.tasks.units[0], 3);
	ck_assert_uint_eq(g.appraised, 3);
	ck_assert_uint_eq(g.follow_ups, 0);
	/* Planned: all but the cancelled item; held: held,
	 * outcome_submitted, adopted. */
	ck_assert_uint_eq(g.planned, 4);
	ck_assert_uint_eq(g.held.total, 2);
	ck_assert_uint_eq(g.held.n, 2);
	/* Proposals of 2018: 5, filed 4, answered 4 (A 2, B 1, C 1). */
	ck_assert_uint_eq(g.proposals.total, 5);
	ck_assert_uint_eq(g.proposals.filed, 4);
	ck_assert_uint_eq(g.proposals.replied, 4);
	ck_assert_uint_eq(g.proposals.a, 2);
	ck_assert_uint_eq(g.proposals.b, 1);
	ck_assert_uint_eq(g.proposals.c, 1);
	ck_assert_uint_eq(g.proposals.solved, 3);
	ck_assert_uint_eq(g.proposals.face_to_face, 3);
	ck_assert_uint_eq(g.proposals.rated, 3);
	ck_assert_uint_eq(g.proposals.satisfied, 2);
	ck_assert(ld_figures_pct(g.proposals.a + g.proposals.b,
	                         g.proposals.replied) == 75.0);
	ck_assert(ld_figures_pct(1, 0) < 0);
}
END_TEST

START_TEST(test_all_years)
{
	build();
	struct ld_figures g;
	ld_figures_compute(rp, n, 0, &g);
	ck_assert_uint_eq(g.surveys.total, 4);
	ck_assert_uint_eq(g.tasks.total, 3);
	ck_assert_uint_eq(g.tasks.n, 2);
	ck_assert_str_eq(g.tasks.form[1], "跟踪问效");
	ck_assert_uint_eq(g.tasks.units[1], 3);
	ck_assert_uint_eq(g.proposals.total, 6);
	ck_assert_uint_eq(g.proposals.satisfied, 3);
	ck_assert_uint_eq(g.follow_ups, 1);
	/* A task without a due date counts for one year, not for all. */
	ld_figures_compute(rp, n, 2016, &g);
	ck_assert_uint_eq(g.surveys.total + g.tasks.total + g.planned +
	                      g.proposals.total,
	                  0);
	ld_figures_compute(rp, n, 2019, &g);
	ck_assert_uint_eq(g.tasks.total, 1);
	ck_assert_str_eq(g.tasks.form[0], "跟踪问效");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("figures");
	TCase *tc = tcase_create("figures");
	tcase_add_test(tc, test_year);
	tcase_add_test(tc, test_all_years);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
