/* check_lifecycle.c — the status machines (lifecycle): every allowed
 * transition, every refused one, labels and the messages built from them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"

/* The machines as the issue and docs/workflows.md state them, written out
 * independently of the tables in lifecycle.c: "from>to" pairs. */
static const char *const task_states[] = {
    "draft",    "dispatched", "in_progress", "reported",
    "reviewed", "rectifying", "closed",      "cancelled", NULL};
static const char *const task_moves[] = {
    "draft>dispatched",     "dispatched>in_progress", "in_progress>reported",
    "reported>reviewed",    "reviewed>rectifying",    "reviewed>closed",
    "rectifying>closed",    "draft>cancelled",        "dispatched>cancelled",
    "in_progress>cancelled", "reported>cancelled",    "reviewed>cancelled",
    "rectifying>cancelled", NULL};

static const char *const survey_states[] = {
    "planned", "in_field", "reporting", "closed", "cancelled", NULL};
static const char *const survey_moves[] = {
    "planned>in_field",    "in_field>reporting",  "reporting>closed",
    "planned>cancelled",   "in_field>cancelled",  "reporting>cancelled",
    NULL};

static const char *const item_states[] = {
    "planned",  "held",      "outcome_submitted", "adopted",
    "deferred", "cancelled", NULL};
static const char *const item_moves[] = {
    "planned>held",      "held>outcome_submitted", "outcome_submitted>adopted",
    "planned>deferred",  "planned>cancelled",      "deferred>planned",
    "deferred>held",     "deferred>cancelled",     NULL};

static const char *const result_states[] = {"draft", "submitted", NULL};
static const char *const result_moves[] = {"draft>submitted", NULL};

static const char *const proposal_states[] = {
    "submitted", "filed",     "not_filed", "assigned",
    "replied",   "evaluated", "closed",    NULL};
static const char *const proposal_moves[] = {
    "submitted>filed", "submitted>not_filed", "filed>assigned",
    "assigned>replied", "replied>evaluated",  "evaluated>closed",
    "not_filed>closed", NULL};

/* Final statuses: no move out, not even an edit in place. */
static const char *const finals[] = {
    "task:closed",       "task:cancelled",     "survey:closed",
    "survey:cancelled",  "plan item:adopted",  "plan item:cancelled",
    "proposal:closed",   NULL};

static bool
listed(const char *const *moves, const char *from, const char *to)
{
	char want[128];
	snprintf(want, sizeof(want), "%s>%s", from, to);
	for (size_t i = 0; moves[i] != NULL; i++)
		if (strcmp(moves[i], want) == 0)
			return true;
	return false;
}

static bool
final(enum ld_machine m, const char *s)
{
	char want[128];
	snprintf(want, sizeof(want), "%s:%s", ld_machine_name(m), s);
	for (size_t i = 0; finals[i] != NULL; i++)
		if (strcmp(finals[i], want) == 0)
			return true;
	return false;
}

/* Every ordered pair of statuses: allowed iff listed, or the same open
 * status (an edit that keeps the status). */
static void
check_machine(enum ld_machine m, const char *const *states,
              const char *const *moves)
{
	size_t allowed = 0;
	for (size_t i = 0; states[i] != NULL; i++) {
		ck_assert_str_eq(ld_status_lookup(m, states[i]), states[i]);
		ck_assert_int_eq(ld_status_open(m, states[i]),
		                 !final(m, states[i]));
		for (size_t j = 0; states[j] != NULL; j++) {
			bool want = i == j ? !final(m, states[i])
			                   : listed(moves, states[i], states[j]);
			ck_assert_msg(ld_status_can(m, states[i], states[j]) ==
			                  want,
			              "%s: %s -> %s should be %s",
			              ld_machine_name(m), states[i], states[j],
			              want ? "allowed" : "refused");
			if (i != j && want)
				allowed++;
		}
	}
	/* Every listed move is between listed statuses. */
	size_t nmoves = 0;
	while (moves[nmoves] != NULL)
		nmoves++;
	ck_assert_uint_eq(allowed, nmoves);
}

START_TEST(test_task)
{
	check_machine(LD_SM_TASK, task_states, task_moves);
}
END_TEST

START_TEST(test_survey)
{
	check_machine(LD_SM_SURVEY, survey_states, survey_moves);
}
END_TEST

START_TEST(test_plan_item)
{
	check_machine(LD_SM_PLAN_ITEM, item_states, item_moves);
}
END_TEST

START_TEST(test_result)
{
	check_machine(LD_SM_RESULT, result_states, result_moves);
}
END_TEST

START_TEST(test_proposal)
{
	check_machine(LD_SM_PROPOSAL, proposal_states, proposal_moves);
}
END_TEST

START_TEST(test_unknown_statuses)
{
	/* A status of another machine, a misspelling, empty, NULL. */
	ck_assert_ptr_null(ld_status_lookup(LD_SM_TASK, "held"));
	ck_assert_ptr_null(ld_status_lookup(LD_SM_TASK, "Closed"));
	ck_assert_ptr_null(ld_status_lookup(LD_SM_TASK, ""));
	ck_assert_ptr_null(ld_status_lookup(LD_SM_TASK, NULL));
	ck_assert_ptr_null(ld_status_lookup(LD_SM_COUNT, "draft"));
	ck_assert(!ld_status_can(LD_SM_TASK, "draft", "held"));
	ck_assert(!ld_status_can(LD_SM_TASK, "bogus", "draft"));
	ck_assert(!ld_status_can(LD_SM_TASK, "bogus", "bogus"));
	ck_assert(!ld_status_open(LD_SM_SURVEY, "bogus"));
}
END_TEST

START_TEST(test_labels)
{
	/* The Chinese labels are accepted as input and name the canonical
	 * status. */
	ck_assert_str_eq(ld_status_lookup(LD_SM_TASK, "已上报"), "reported");
	ck_assert_str_eq(ld_status_lookup(LD_SM_PROPOSAL, "不予立案"),
	                 "not_filed");
	ck_assert_str_eq(ld_status_lookup(LD_SM_PLAN_ITEM, "已举行"), "held");
	ck_assert_str_eq(ld_status_label(LD_SM_TASK, "rectifying"), "整改中");
	ck_assert_str_eq(ld_status_label(LD_SM_SURVEY, "in_field"),
	                 "实地开展");
	/* A status the machine does not know is shown as it is. */
	ck_assert_str_eq(ld_status_label(LD_SM_TASK, "weird"), "weird");
	ck_assert(ld_status_can(LD_SM_TASK, "已审核", "已办结"));
}
END_TEST

START_TEST(test_defaults)
{
	ck_assert_str_eq(ld_status_default(LD_SM_TASK), "dispatched");
	ck_assert_str_eq(ld_status_default(LD_SM_SURVEY), "planned");
	ck_assert_str_eq(ld_status_default(LD_SM_PLAN_ITEM), "planned");
	ck_assert_str_eq(ld_status_default(LD_SM_RESULT), "submitted");
	ck_assert_str_eq(ld_status_default(LD_SM_PROPOSAL), "submitted");
}
END_TEST

START_TEST(test_next_lists)
{
	char buf[256];
	ld_status_next(LD_SM_TASK, "reviewed", buf, sizeof(buf));
	ck_assert_str_eq(buf, "rectifying, closed, cancelled");
	ld_status_next(LD_SM_PROPOSAL, "submitted", buf, sizeof(buf));
	ck_assert_str_eq(buf, "filed, not_filed");
	ld_status_next(LD_SM_TASK, "closed", buf, sizeof(buf));
	ck_assert_str_eq(buf, "none (closed is final)");
	/* Truncated to the buffer, never overrun. */
	char small[8];
	ld_status_next(LD_SM_TASK, "reviewed", small, sizeof(small));
	ck_assert_uint_lt(strlen(small), sizeof(small));
	const char *d = ld_status_describe(LD_SM_RESULT);
	ck_assert_str_eq(d, "draft (草稿), submitted (已提交)");
	/* Built once, the same text after. */
	ck_assert_ptr_eq(ld_status_describe(LD_SM_RESULT), d);
	ck_assert_str_eq(ld_status_describe(LD_SM_COUNT), "");
	ck_assert_str_eq(ld_machine_name(LD_SM_PLAN_ITEM), "plan item");
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("lifecycle");
	TCase *tc = tcase_create("machines");
	tcase_add_test(tc, test_task);
	tcase_add_test(tc, test_survey);
	tcase_add_test(tc, test_plan_item);
	tcase_add_test(tc, test_result);
	tcase_add_test(tc, test_proposal);
	tcase_add_test(tc, test_unknown_statuses);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_next_lists);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
