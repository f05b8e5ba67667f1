/* check_add_many.c — AddManyRequest (issue 14): many records in one
 * request arrive at a parent; one refused record refuses the whole request,
 * named by its index and reason, with nothing written (neither when the
 * record is refused before the store's turn nor inside it); more than
 * LD_ADD_MANY_MAX records are refused in one line. */
#include "harness.h"
#include "record.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ID "530000"
#define X_ID "530000/530325"

static struct th_node P, X;

/* `n` records for one request: results answering `ref`, or (ref NULL)
 * tasks scoped to X_ID. Each record's author is "tester<i % 3>". */
struct many {
	size_t n;
	Ld__Record *r;
	Ld__Record **rp;
	Ld__Result *res;
	Ld__Task *task;
	char (*text)[128];
	char (*author)[16];
	char *scope[1];
};

static void
many_make(struct many *m, size_t n, const char *ref)
{
	m->n = n;
	m->r = calloc(n, sizeof(*m->r));
	m->rp = calloc(n, sizeof(*m->rp));
	m->res = calloc(n, sizeof(*m->res));
	m->task = calloc(n, sizeof(*m->task));
	m->text = calloc(n, sizeof(*m->text));
	m->author = calloc(n, sizeof(*m->author));
	m->scope[0] = X_ID;
	ck_assert(m->r && m->rp && m->res && m->task && m->text && m->author);
	for (size_t i = 0; i < n; i++) {
		Ld__Record *r = &m->r[i];
		ld__record__init(r);
		snprintf(m->author[i], sizeof(m->author[i]), "tester%zu",
		         i % 3);
		r->author = m->author[i];
		if (ref != NULL) {
			snprintf(m->text[i], sizeof(m->text[i]),
			         "第%zu次上报：走访企业42家", i);
			ld__result__init(&m->res[i]);
			m->res[i].ref = (char *)ref;
			m->res[i].summary = m->text[i];
			r->body_case = LD__RECORD__BODY_RESULT;
			r->result = &m->res[i];
		} else {
			snprintf(m->text[i], sizeof(m->text[i]), "第%zu项", i);
			ld__task__init(&m->task[i]);
			m->task[i].topic = m->text[i];
			m->task[i].form = "监督性视察";
			r->body_case = LD__RECORD__BODY_TASK;
			r->task = &m->task[i];
			r->n_scope = 1;
			r->scope = m->scope;
		}
		m->rp[i] = r;
	}
}

static void
many_free(struct many *m)
{
	free(m->r);
	free(m->rp);
	free(m->res);
	free(m->task);
	free(m->text);
	free(m->author);
}

static Ld__Response *
send_many(struct th_node *n, struct many *m)
{
	Ld__AddManyRequest am = LD__ADD_MANY_REQUEST__INIT;
	am.records = m->rp;
	am.n_records = m->n;
	am.all_or_nothing = true;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD_MANY;
	req.add_many = &am;
	Ld__Response *resp = NULL;
	char err[1024];
	ck_assert_msg(ld_client_call(th_client(n), &req, &resp, th_ms(60000),
	                             err, sizeof(err)) == 0,
	              "add_many at %s: %s", n->id, err);
	return resp;
}

START_TEST(test_500_arrive_at_parent)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &P, NULL);
	th_node_start(&P);
	th_node_start(&X);
	char task[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "营商环境"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	struct many m;
	many_make(&m, 500, task);
	Ld__Response *resp = send_many(&X, &m);
	ck_assert_msg(resp->code == LD__CODE__CODE_OK, "add_many: %s",
	              resp->error);
	ck_assert_int_eq(resp->result_case, LD__RESPONSE__RESULT_ADD_MANY);
	ck_assert_uint_eq(resp->add_many->n_ids, 500);
	/* Ids in the order of the records, each a new one of X's. */
	for (size_t i = 0; i < 500; i++) {
		ck_assert_msg(strncmp(resp->add_many->ids[i], X_ID ":",
		                      strlen(X_ID ":")) == 0,
		              "id %s", resp->add_many->ids[i]);
		if (i > 0)
			ck_assert_str_ne(resp->add_many->ids[i],
			                 resp->add_many->ids[i - 1]);
	}
	char last[LD_ID_MAX + 1];
	snprintf(last, sizeof(last), "%s", resp->add_many->ids[499]);
	ck_assert(th_wait_record(&P, last, th_ms(20000)));
	ck_assert(th_wait_quiet(&X, th_ms(20000)));
	/* Every one at the parent, as sent, with its author as given. */
	for (size_t i = 0; i < 500; i += 7) {
		Ld__Record *r = th_record_at(&P, resp->add_many->ids[i], 1);
		ck_assert_str_eq(r->owner, X_ID);
		ck_assert_str_eq(r->author, m.author[i]);
		ck_assert_str_eq(r->result->summary, m.text[i]);
		ld__record__free_unpacked(r, NULL);
	}
	struct th_idv *l = NULL;
	ck_assert_uint_eq(th_list(&P, X_ID, LD__KIND__KIND_RESULT, &l), 500);
	free(l);
	ld__response__free_unpacked(resp, NULL);
	many_free(&m);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* A bad date in record 37 of 100: refused before the store's turn. */
START_TEST(test_bad_record_refuses_all)
{
	th_node_init(&P, "p", P_ID, "云南省政协", false, NULL, NULL);
	th_node_start(&P);
	uint64_t before = th_count(&P);
	struct many m;
	many_make(&m, 100, NULL);
	m.task[37].due = "2026-02-30";
	Ld__Response *resp = send_many(&P, &m);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_REFUSED);
	ck_assert_str_eq(resp->error, "record 37: due: '2026-02-30' is not a "
	                              "date (YYYY-MM-DD)");
	ck_assert_int_eq(resp->result_case, LD__RESPONSE__RESULT_ADD_MANY);
	ck_assert_uint_eq(resp->add_many->index, 37);
	ck_assert_uint_eq(resp->add_many->n_ids, 0);
	ld__response__free_unpacked(resp, NULL);
	ck_assert_uint_eq(th_count(&P), before);
	/* The same records, the date mended, all go in. */
	m.task[37].due = "2026-02-28";
	resp = send_many(&P, &m);
	ck_assert_msg(resp->code == LD__CODE__CODE_OK, "%s", resp->error);
	ck_assert_uint_eq(resp->add_many->n_ids, 100);
	ld__response__free_unpacked(resp, NULL);
	ck_assert_uint_eq(th_count(&P), before + 100);
	many_free(&m);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* A result answering no record, in the middle: refused inside the turn's
 * transaction, after the records before it were stored in it; they are
 * dropped, and so are the ids they took. */
START_TEST(test_refused_in_store_turn_writes_nothing)
{
	th_node_init(&P, "p", P_ID, "云南省政协", false, NULL, NULL);
	th_node_start(&P);
	char task[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "营商环境"));
	uint64_t before = th_count(&P);
	struct many m;
	many_make(&m, 200, task);
	m.res[120].ref = P_ID ":999999";
	Ld__Response *resp = send_many(&P, &m);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_REFUSED);
	ck_assert_str_eq(resp->error, "record 120: ref: no record "
	                              P_ID ":999999 at this node");
	ck_assert_uint_eq(resp->add_many->index, 120);
	ld__response__free_unpacked(resp, NULL);
	ck_assert_uint_eq(th_count(&P), before);
	/* The next record takes the id after the task's. */
	char next[LD_ID_MAX + 1];
	snprintf(next, sizeof(next), "%s", th_add_task(&P, X_ID, "下一项"));
	unsigned long long a = strtoull(strchr(task, ':') + 1, NULL, 10);
	unsigned long long b = strtoull(strchr(next, ':') + 1, NULL, 10);
	ck_assert_uint_eq(b, a + 1);
	many_free(&m);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_over_the_limit)
{
	th_node_init(&P, "p", P_ID, "云南省政协", false, NULL, NULL);
	th_node_start(&P);
	uint64_t before = th_count(&P);
	struct many m;
	many_make(&m, LD_ADD_MANY_MAX + 1, NULL);
	Ld__Response *resp = send_many(&P, &m);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_BAD_REQUEST);
	ck_assert_str_eq(resp->error, "add_many: 10001 records, more than "
	                              "10000 in one request (send them in "
	                              "several)");
	ck_assert_ptr_null(strchr(resp->error, '\n'));
	ld__response__free_unpacked(resp, NULL);
	/* None is empty too. */
	m.n = 0;
	resp = send_many(&P, &m);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_BAD_REQUEST);
	ck_assert_str_eq(resp->error, "add_many: no records");
	ld__response__free_unpacked(resp, NULL);
	/* Past the API's message limit (2 MiB): the client refuses to send
	 * it (the node's socket would drop it unanswered), in one line. */
	static char big[300];
	memset(big, 'x', sizeof(big) - 1);
	for (size_t i = 0; i < LD_ADD_MANY_MAX; i++)
		m.task[i].topic = big;
	Ld__AddManyRequest am = LD__ADD_MANY_REQUEST__INIT;
	am.records = m.rp;
	am.n_records = LD_ADD_MANY_MAX;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD_MANY;
	req.add_many = &am;
	char err[1024];
	ck_assert_int_ne(ld_client_call(th_client(&P), &req, &resp,
	                                th_ms(10000), err, sizeof(err)),
	                 0);
	ck_assert_msg(strstr(err, "more than the API's limit of 2097152 "
	                          "(2 MiB)") != NULL,
	              "%s", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	for (size_t i = 0; i < LD_ADD_MANY_MAX; i++)
		m.task[i].topic = m.text[i];
	/* Exactly the limit goes in. */
	m.n = LD_ADD_MANY_MAX;
	resp = send_many(&P, &m);
	ck_assert_msg(resp->code == LD__CODE__CODE_OK, "%s", resp->error);
	ck_assert_uint_eq(resp->add_many->n_ids, LD_ADD_MANY_MAX);
	ld__response__free_unpacked(resp, NULL);
	ck_assert_uint_eq(th_count(&P), before + LD_ADD_MANY_MAX);
	many_free(&m);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("add_many");
	TCase *tc = tcase_create("add many");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_500_arrive_at_parent);
	tcase_add_test(tc, test_bad_record_refuses_all);
	tcase_add_test(tc, test_refused_in_store_turn_writes_nothing);
	tcase_add_test(tc, test_over_the_limit);
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
	return failed == 0 ? 0 : 1;
}
