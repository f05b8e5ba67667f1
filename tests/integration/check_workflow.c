/* check_workflow.c — the lifecycle of records through the CLI with real
 * daemons: status machines enforced by the owner with the allowed moves
 * named, edits and deletes of another node's record refused, a result
 * returned by a review and resubmitted across two links, sub-tasks, plan
 * items and proposals, and an edit made from a stale read refused. */
#include "cli_assert.h"
#include "harness.h"
#include "record.h"
#include "validate.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"

static struct th_node P, C, X;
static char out[65536], err[8192];

static void
three_levels(void)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
}

static void
stop_all(void)
{
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}

START_TEST(test_task_lifecycle)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	char t[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "优化营商环境", "--form",
	      "inspection", "--scope", P_ID, "--due", "2026-06-30"));
	take_id(t);

	OK(AT(&P, "task", "set", t, "--status", "in_progress"));
	ck_assert_int_eq(strncmp(out, t, strlen(t)), 0);
	ck_assert_str_eq(out + strlen(t), "\n"); /* prints the id */
	REFUSED(1, AT(&P, "task", "set", t, "--status", "closed"),
	        "status", "from in_progress to closed",
	        "allowed: reported, cancelled");
	/* Chinese labels are statuses too. */
	OK(AT(&P, "task", "set", t, "--status", "已上报"));
	OK(AT(&P, "task", "set", t, "--status", "reviewed", "--topic",
	      "优化营商环境（复查）", "--json"));
	ck_assert_ptr_nonnull(strstr(out, "{\"id\": \""));
	Ld__Record *r = th_record_at(&P, t, 4);
	ck_assert_str_eq(r->task->status, "reviewed");
	ck_assert_str_eq(r->task->topic, "优化营商环境（复查）");
	ck_assert_str_eq(r->task->due, "2026-06-30"); /* kept */
	ld__record__free_unpacked(r, NULL);

	REFUSED(1, AT(&P, "task", "set", t, "--status", "finished"),
	        "status: unknown 'finished'", "rectifying (整改中)");
	/* A bad date is a usage error, as in every command. */
	REFUSED(2, AT(&P, "task", "set", t, "--due", "2026-02-30"),
	        "due", "2026-02-30");
	REFUSED(1, AT(&P, "task", "set", t, "--scope", "610000"),
	        "scope: 610000 is outside");
	REFUSED(1, AT(&P, "task", "set", t, "--topic", "bad \xe4\xb8 utf8"),
	        "topic", "UTF-8");
	REFUSED(2, AT(&P, "task", "set", t), "nothing to change");
	REFUSED(2, AT(&P, "task", "set"), "missing argument");
	REFUSED(2, AT(&P, "task", "set", t, "--verdict", "accepted"),
	        "does not apply");
	REFUSED(1, AT(&P, "task", "set", P_ID ":999", "--status", "closed"),
	        "no record 530000:999");
	REFUSED(1, AT(&P, "survey", "set", t, "--status", "closed"),
	        "is a task, not a survey");

	OK(AT(&P, "task", "set", t, "--status", "closed"));
	REFUSED(1, AT(&P, "task", "set", t, "--topic", "再改"),
	        "closed and can no longer change");
	REFUSED(1, AT(&P, "task", "set", t, "--status", "cancelled"),
	        "allowed: none (closed is final)");
	/* Nothing refused was written: still version 5. */
	r = th_record_at(&P, t, 5);
	ck_assert_uint_eq(r->version, 5);
	ld__record__free_unpacked(r, NULL);

	/* Delete: a tombstone, the next version; then nothing more. */
	OK(AT(&P, "delete", t));
	r = th_record_at(&P, t, 6);
	ck_assert(r->deleted);
	ld__record__free_unpacked(r, NULL);
	REFUSED(1, AT(&P, "task", "set", t, "--status", "cancelled"),
	        "was deleted");
	REFUSED(1, AT(&P, "delete", t), "was deleted");
	/* The node's own NODE record is the daemon's to keep. */
	REFUSED(1, AT(&P, "delete", P_ID ":0"), "node record");
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* An edit made from a version that has since changed is refused, so two
 * administrators editing at once never silently undo each other. */
START_TEST(test_stale_edit_refused)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	char t[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "河长制落实", "--form",
	      "follow-up", "--scope", P_ID));
	take_id(t);
	Ld__Record *first = th_record_at(&P, t, 1);
	OK(AT(&P, "task", "set", t, "--status", "in_progress"));

	/* A second editor still holds version 1. */
	ck_assert_int_eq(ld_set_str(&first->task->topic, "河长制落实情况"), 0);
	Ld__UpdateRequest u = LD__UPDATE_REQUEST__INIT;
	u.record = first;
	u.base_version = 1;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_UPDATE;
	req.update = &u;
	Ld__Response *resp = NULL;
	char e[256];
	ck_assert_int_eq(ld_client_call(th_client(&P), &req, &resp, 10000, e,
	                                sizeof(e)),
	                 0);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_REFUSED);
	ck_assert_ptr_nonnull(strstr(resp->error, "changed since it was read"));
	ck_assert_ptr_nonnull(strstr(resp->error, "version 2"));
	ld__response__free_unpacked(resp, NULL);
	ld__record__free_unpacked(first, NULL);
	Ld__Record *r = th_record_at(&P, t, 2);
	ck_assert_str_eq(r->task->topic, "河长制落实");
	ck_assert_uint_eq(r->version, 2);
	ld__record__free_unpacked(r, NULL);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* Another node's record, held here by replication, is never written here:
 * the answer is a record of one's own. */
START_TEST(test_other_nodes_record)
{
	three_levels();
	char t[LD_ID_MAX + 1], t2[LD_ID_MAX + 1], sub[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "脱贫攻坚", "--form", "inspection",
	      "--scope", C_ID, "--due", "2026-09-30"));
	take_id(t);
	OK(AT(&P, "task", "add", "--topic", "易地搬迁", "--form",
	      "inspection", "--scope", X_ID));
	take_id(t2);
	ck_assert(th_wait_record(&X, t2, th_ms(10000)));
	ck_assert(th_wait_record(&C, t, th_ms(10000)));

	REFUSED(1, AT(&C, "task", "set", t, "--status", "closed"),
	        "owned by 530000", "only its owner");
	REFUSED(1, AT(&C, "delete", t), "owned by 530000");
	REFUSED(1, AT(&X, "task", "set", t2, "--topic", "x"),
	        "owned by 530000");

	/* The city derives a sub-task for its counties... */
	OK(AT(&C, "task", "add", "--topic", "脱贫攻坚（曲靖）", "--form",
	      "inspection", "--scope", X_ID, "--parent-task", t));
	take_id(sub);
	Ld__Record *r = th_record_at(&X, sub, 1);
	ck_assert_str_eq(r->task->parent, t);
	ld__record__free_unpacked(r, NULL);
	/* ...and it reaches the province too, which keeps the family. */
	r = th_record_at(&P, sub, 1);
	ld__record__free_unpacked(r, NULL);
	/* Not from a task addressed only to one of its counties. */
	REFUSED(1, AT(&C, "task", "add", "--topic", "y", "--form",
	              "inspection", "--scope", X_ID, "--parent-task", t2),
	        "parent", "not addressed to this node");
	/* The county answers the sub-task; the city may not edit that. */
	char res[LD_ID_MAX + 1];
	OK(AT(&X, "result", "add", "--ref", sub, "--summary", "已督查"));
	take_id(res);
	ck_assert(th_wait_record(&C, res, th_ms(10000)));
	REFUSED(1, AT(&C, "delete", res), "owned by " X_ID);
	stop_all();
}
END_TEST

/* A county's result is returned by the province, revised (a new version)
 * and resubmitted; every level sees each version. */
START_TEST(test_result_returned_and_resubmitted)
{
	three_levels();
	char t[LD_ID_MAX + 1], res[LD_ID_MAX + 1], rev[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "营商环境", "--form",
	      "questionnaire", "--scope", X_ID));
	take_id(t);
	ck_assert(th_wait_record(&X, t, th_ms(10000)));
	OK(AT(&X, "result", "add", "--ref", t, "--summary", "问卷调查完成",
	      "--metric", "问卷=120"));
	take_id(res);
	Ld__Record *r = th_record_at(&P, res, 1);
	ld__record__free_unpacked(r, NULL);

	/* Submitted: not revised until a review reopens it. */
	REFUSED(1, AT(&X, "result", "set", res, "--summary", "改"),
	        "was submitted", "returned/退回");
	REFUSED(1, AT(&X, "result", "set", res, "--status", "draft"),
	        "from submitted to draft");
	/* The city only relays it: it is the county's. */
	REFUSED(1, AT(&C, "result", "set", res, "--summary", "改"),
	        "owned by 530000/530300/530325");

	OK(AT(&P, "review", "add", "--ref", res, "--verdict", "退回",
	      "--comment", "样本量不足"));
	take_id(rev);
	r = th_record_at(&X, rev, 1);
	ck_assert_str_eq(r->review->verdict, "returned");
	ck_assert_uint_eq(r->review->ref_version, 1);
	ld__record__free_unpacked(r, NULL);
	/* The reviewer cannot edit the result either. */
	REFUSED(1, AT(&P, "result", "set", res, "--summary", "改"),
	        "owned by 530000/530300/530325");

	OK(AT(&X, "result", "set", res, "--summary", "补充问卷后完成",
	      "--metric", "问卷=300", "--finding", "审批时限偏长"));
	r = th_record_at(&P, res, 2);
	ck_assert_str_eq(r->result->summary, "补充问卷后完成");
	ck_assert_uint_eq(r->result->n_metrics, 1);
	ck_assert_double_eq(r->result->metrics[0]->value, 300);
	ck_assert_uint_eq(r->result->n_findings, 1);
	ck_assert_str_eq(r->result->ref, t);
	ld__record__free_unpacked(r, NULL);
	/* The return was of version 1: version 2 is closed again. */
	REFUSED(1, AT(&X, "result", "set", res, "--summary", "再改"),
	        "was submitted");

	/* The province reviews the resubmission by changing its review. */
	OK(AT(&P, "review", "set", rev, "--verdict", "accepted"));
	r = th_record_at(&X, rev, 2);
	ck_assert_str_eq(r->review->verdict, "accepted");
	ck_assert_uint_eq(r->review->ref_version, 2);
	ck_assert_uint_eq(r->n_scope, 1);
	ck_assert_str_eq(r->scope[0], X_ID);
	ld__record__free_unpacked(r, NULL);
	stop_all();
}
END_TEST

START_TEST(test_plan_items)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	char pl[LD_ID_MAX + 1];
	OK(AT(&P, "plan", "add", "--year", "2017", "--title", "2017年协商计划",
	      "--item", "专题协商|10|三明南部新城核心区建设|罗裕明",
	      "--item", "对口协商|3|城乡饮用水源地保护"));
	take_id(pl);
	OK(AT(&P, "plan", "item", "set", pl, "1", "--status", "held"));
	REFUSED(1, AT(&P, "plan", "item", "set", pl, "1", "--status",
	              "planned"),
	        "item 1 status", "from held to planned",
	        "allowed: outcome_submitted");
	OK(AT(&P, "plan", "item", "set", pl, "2", "--status", "延期",
	      "--month", "5月"));
	REFUSED(1, AT(&P, "plan", "item", "set", pl, "3", "--status", "held"),
	        "has 2 items");
	REFUSED(2, AT(&P, "plan", "item", "set", pl, "0", "--status", "held"),
	        "item number");
	REFUSED(2, AT(&P, "plan", "item", "set", pl, "1", "--month", "13"),
	        "month '13'");
	REFUSED(2, AT(&P, "plan", "item", "set", pl, "1"), "nothing to change");
	REFUSED(2, AT(&P, "plan", "item", "edit", pl, "1"), "'set PLAN_ID N'");
	REFUSED(2, AT(&P, "plan", "set", pl, "--status", "held"),
	        "no status of its own", "plan item set");
	OK(AT(&P, "plan", "set", pl, "--item", "界别协商|6|林业改革|黄忠灶|提案委"));
	Ld__Record *r = th_record_at(&P, pl, 4);
	ck_assert_uint_eq(r->plan->n_items, 3);
	ck_assert_str_eq(r->plan->items[0]->status, "held");
	ck_assert_str_eq(r->plan->items[1]->status, "deferred");
	ck_assert_uint_eq(r->plan->items[1]->month, 5);
	ck_assert_str_eq(r->plan->items[2]->form, "界别协商");
	ck_assert_str_eq(r->plan->items[2]->responsible, "提案委");
	ck_assert_str_eq(r->plan->items[2]->status, "planned");
	ck_assert_str_eq(r->plan->items[0]->lead, "罗裕明");
	ld__record__free_unpacked(r, NULL);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_proposal_lifecycle)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	char p[LD_ID_MAX + 1];
	OK(AT(&P, "proposal", "add", "--title", "关于加快城乡公交发展的提案",
	      "--number", "2018001", "--submitter", "民盟富源支部", "--year",
	      "2018"));
	take_id(p);
	REFUSED(1, AT(&P, "proposal", "set", p, "--status", "assigned"),
	        "from submitted to assigned", "allowed: filed, not_filed");
	OK(AT(&P, "proposal", "set", p, "--status", "已立案"));
	OK(AT(&P, "proposal", "set", p, "--status", "assigned", "--handler",
	      "县交通运输局"));
	REFUSED(1, AT(&P, "proposal", "set", p, "--status", "replied"),
	        "outcome: required", "A (solved)");
	REFUSED(1, AT(&P, "proposal", "set", p, "--status", "replied",
	              "--outcome", "D"),
	        "outcome: unknown 'D'");
	OK(AT(&P, "proposal", "set", p, "--status", "replied", "--outcome",
	      "A", "--face-to-face", "是"));
	REFUSED(1, AT(&P, "proposal", "set", p, "--status", "evaluated"),
	        "satisfaction: required");
	REFUSED(2, AT(&P, "proposal", "set", p, "--face-to-face", "maybe"),
	        "--face-to-face 'maybe' is not yes or no");
	OK(AT(&P, "proposal", "set", p, "--status", "已测评",
	      "--satisfaction", "satisfied"));
	OK(AT(&P, "proposal", "set", p, "--status", "closed"));
	Ld__Record *r = th_record_at(&P, p, 6);
	Ld__Proposal *pr = r->proposal;
	ck_assert_str_eq(pr->status, "closed");
	ck_assert_str_eq(pr->filing, "filed");
	ck_assert_str_eq(pr->outcome, "A");
	ck_assert_str_eq(pr->satisfaction, "满意");
	ck_assert(pr->face_to_face);
	ck_assert_str_eq(pr->handler, "县交通运输局");
	ck_assert_uint_eq(pr->year, 2018);
	ld__record__free_unpacked(r, NULL);

	REFUSED(2, AT(&P, "proposal", "add", "--number", "1"), "--title");
	REFUSED(2, AT(&P, "proposal", "add", "--title", "t", "--year", "今年"),
	        "year");
	REFUSED(2, AT(&P, "proposal", "add", "--title", "t", "--scope", P_ID),
	        "does not apply");
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* Issue 4's validation list, through the CLI and a real node: each bad
 * value gives one line naming the field, and nothing is written. */
START_TEST(test_validation_everywhere)
{
	three_levels();
	char t[LD_ID_MAX + 1];
	OK(AT(&C, "task", "add", "--topic", "营商环境", "--form", "监督性视察",
	      "--scope", X_ID, "--due", "2026-12-31"));
	take_id(t);
	/* Every office's NODE record is here: the count moves only with
	 * what is written below. */
	ck_assert(th_wait_record(&C, X_ID ":0", th_ms(10000)));
	ck_assert(th_wait_record(&C, P_ID ":0", th_ms(10000)));
	uint64_t before = th_count(&C);
	static char longtopic[1200];
	memset(longtopic, 'x', sizeof(longtopic) - 1);
	REFUSED(1, AT(&C, "task", "add", "--topic", "营商环境", "--form",
	              "座谈会", "--scope", X_ID),
	        "form", "unknown '座谈会'", "监督性视察");
	REFUSED(1, AT(&C, "task", "set", t, "--status", "finished"), "status",
	        "unknown 'finished'");
	REFUSED(2, AT(&C, "task", "add", "--topic", "营商环境", "--form",
	              "监督性视察", "--scope", X_ID, "--due", "2026-02-30"),
	        "due", "not a date");
	REFUSED(1, AT(&C, "task", "add", "--topic", "营商环境", "--form",
	              "监督性视察", "--scope", "530000/530100"),
	        "scope", "530000/530100");
	REFUSED(1, AT(&C, "result", "add", "--ref", "530000:12345",
	              "--summary", "s"),
	        "ref", "530000:12345");
	REFUSED(1, AT(&C, "task", "add", "--topic", "\xe8\xb0", "--form",
	              "监督性视察", "--scope", X_ID),
	        "topic", "UTF-8");
	REFUSED(1, AT(&C, "task", "add", "--topic", longtopic, "--form",
	              "监督性视察", "--scope", X_ID),
	        "topic", "longer than 1024 bytes");
	REFUSED(2, AT(&C, "task", "set", t, "--due", "明天"), "due",
	        "not a date");
	REFUSED(2, AT(&C, "survey", "add", "--topic", "河长制", "--form", "调研",
	              "--scope", X_ID, "--start", "2026-13-01"),
	        "start", "not a date");
	ck_assert_uint_eq(th_count(&C), before);
	stop_all();
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_task_lifecycle);
	tcase_add_test(tc, test_stale_edit_refused);
	tcase_add_test(tc, test_other_nodes_record);
	tcase_add_test(tc, test_result_returned_and_resubmitted);
	tcase_add_test(tc, test_plan_items);
	tcase_add_test(tc, test_proposal_lifecycle);
	tcase_add_test(tc, test_validation_everywhere);
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
