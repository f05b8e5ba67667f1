/* check_rules.c — the business rules (rules.c) at their edges: the year
 * a record counts for (dates on a year boundary, a task without a due
 * date, kinds without a date of their own), planned and held plan items,
 * and what a proposal's answer counts as. */
#include <check.h>
#include <stdlib.h>

#include "err.h"
#include "rules.h"

/* Unix ms of 2018-12-31 23:59:59 and 2019-01-01 00:00:00, UTC. */
#define MS_2018_END 1546300799000LL
#define MS_2019_START 1546300800000LL

START_TEST(test_date_year)
{
	ck_assert_uint_eq(ld_rule_date_year("2018-12-31"), 2018);
	ck_assert_uint_eq(ld_rule_date_year("2019-01-01"), 2019);
	ck_assert_uint_eq(ld_rule_date_year("2019"), 2019);
	ck_assert_uint_eq(ld_rule_date_year(""), 0);
	ck_assert_uint_eq(ld_rule_date_year(NULL), 0);
	ck_assert_uint_eq(ld_rule_date_year("201"), 0);
	ck_assert_uint_eq(ld_rule_date_year("20189-01-01"), 0);
	ck_assert_uint_eq(ld_rule_date_year("abcd-01-01"), 0);
}
END_TEST

START_TEST(test_record_year)
{
	Ld__Record r = LD__RECORD__INIT;
	Ld__Task t = LD__TASK__INIT;
	r.body_case = LD__RECORD__BODY_TASK;
	r.task = &t;
	/* A task: the year it is due, on either side of New Year. */
	t.due = "2018-12-31";
	r.updated_at = MS_2019_START;
	ck_assert_uint_eq(ld_rule_year(&r), 2018);
	t.due = "2019-01-01";
	r.updated_at = MS_2018_END;
	ck_assert_uint_eq(ld_rule_year(&r), 2019);
	/* Without a due date: the year it was last written (UTC), one year
	 * only — never every year. */
	t.due = "";
	ck_assert_uint_eq(ld_rule_year(&r), 2018);
	r.updated_at = MS_2019_START;
	ck_assert_uint_eq(ld_rule_year(&r), 2019);
	r.updated_at = 0;
	ck_assert_uint_eq(ld_rule_year(&r), 0);

	/* A survey: its start, else its end. */
	Ld__Survey s = LD__SURVEY__INIT;
	r.body_case = LD__RECORD__BODY_SURVEY;
	r.survey = &s;
	r.updated_at = MS_2019_START;
	s.start = "2018-12-31";
	s.end = "2019-01-02";
	ck_assert_uint_eq(ld_rule_year(&r), 2018);
	s.start = "";
	ck_assert_uint_eq(ld_rule_year(&r), 2019);
	s.end = "";
	ck_assert_uint_eq(ld_rule_year(&r), 2019); /* written then */

	/* A plan and a proposal: their own year, whenever written. */
	Ld__Plan p = LD__PLAN__INIT;
	r.body_case = LD__RECORD__BODY_PLAN;
	r.plan = &p;
	p.year = 2018;
	ck_assert_uint_eq(ld_rule_year(&r), 2018);
	p.year = 0;
	ck_assert_uint_eq(ld_rule_year(&r), 2019);
	Ld__Proposal q = LD__PROPOSAL__INIT;
	r.body_case = LD__RECORD__BODY_PROPOSAL;
	r.proposal = &q;
	q.year = 2017;
	ck_assert_uint_eq(ld_rule_year(&r), 2017);

	/* A result: when it was written. */
	Ld__Result res = LD__RESULT__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &res;
	r.updated_at = MS_2018_END;
	ck_assert_uint_eq(ld_rule_year(&r), 2018);
}
END_TEST

START_TEST(test_plan_items)
{
	static const char *const planned[] = {"planned", "held",
	                                      "outcome_submitted", "adopted",
	                                      "deferred"};
	for (size_t i = 0; i < 5; i++)
		ck_assert_msg(ld_rule_item_planned(planned[i]), "%s",
		              planned[i]);
	ck_assert(!ld_rule_item_planned("cancelled"));
	ck_assert(!ld_rule_item_planned(NULL));
	ck_assert(ld_rule_item_held("held"));
	ck_assert(ld_rule_item_held("outcome_submitted"));
	ck_assert(ld_rule_item_held("adopted"));
	ck_assert(!ld_rule_item_held("planned"));
	ck_assert(!ld_rule_item_held("deferred"));
	ck_assert(!ld_rule_item_held("cancelled"));
	ck_assert(!ld_rule_item_held(""));
	/* Whatever is held is planned. */
	for (size_t i = 0; i < 5; i++)
		ck_assert(!ld_rule_item_held(planned[i]) ||
		          ld_rule_item_planned(planned[i]));
}
END_TEST

START_TEST(test_proposals)
{
	Ld__Proposal p = LD__PROPOSAL__INIT;
	ck_assert(!ld_rule_proposal_answered(&p));
	ck_assert(!ld_rule_proposal_solved(&p));
	ck_assert(!ld_rule_proposal_rated(&p));
	ck_assert(!ld_rule_proposal_satisfied(&p));
	p.outcome = "A";
	ck_assert(ld_rule_proposal_answered(&p));
	ck_assert(ld_rule_proposal_solved(&p));
	p.outcome = "B";
	ck_assert(ld_rule_proposal_solved(&p));
	p.outcome = "C";
	ck_assert(ld_rule_proposal_answered(&p));
	ck_assert(!ld_rule_proposal_solved(&p));
	p.satisfaction = "满意";
	ck_assert(ld_rule_proposal_rated(&p));
	ck_assert(ld_rule_proposal_satisfied(&p));
	p.satisfaction = "基本满意";
	ck_assert(ld_rule_proposal_satisfied(&p));
	p.satisfaction = "不满意";
	ck_assert(ld_rule_proposal_rated(&p));
	ck_assert(!ld_rule_proposal_satisfied(&p));
}
END_TEST

/* The reply deadline: calendar months, the day clamped; overdue only
 * while a reply is awaited. */
START_TEST(test_reply_deadline)
{
	char d[11];
	ck_assert_int_eq(ld_rule_add_months("2026-01-10", 2, d), 0);
	ck_assert_str_eq(d, "2026-03-10");
	ck_assert_int_eq(ld_rule_add_months("2026-12-31", 2, d), 0);
	ck_assert_str_eq(d, "2027-02-28");
	ck_assert_int_eq(ld_rule_add_months("2027-12-31", 2, d), 0);
	ck_assert_str_eq(d, "2028-02-29");
	ck_assert_int_eq(ld_rule_add_months("2026-03-10", 1, d), 0);
	ck_assert_str_eq(d, "2026-04-10");
	ck_assert_int_eq(ld_rule_add_months("2026-13-01", 1, d), LD_ESYNTAX);
	ck_assert_int_eq(ld_rule_add_months("", 1, d), LD_ESYNTAX);
	Ld__Proposal p = LD__PROPOSAL__INIT;
	p.status = "assigned";
	p.deadline = "2026-03-10";
	ck_assert(ld_rule_proposal_awaits_reply(&p));
	ck_assert(!ld_rule_proposal_overdue(&p, "2026-03-10"));
	ck_assert(ld_rule_proposal_overdue(&p, "2026-03-11"));
	p.status = "replied";
	ck_assert(!ld_rule_proposal_overdue(&p, "2026-03-11"));
	p.status = "filed";
	p.deadline = "";
	ck_assert(!ld_rule_proposal_overdue(&p, "2030-01-01"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_date_year);
	tcase_add_test(tc, test_record_year);
	tcase_add_test(tc, test_plan_items);
	tcase_add_test(tc, test_proposals);
	tcase_add_test(tc, test_reply_deadline);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
