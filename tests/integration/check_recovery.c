/* check_recovery.c — nothing lost, nothing doubled: a county or a city
 * killed with SIGKILL while 10,000 records stream through it, and a county
 * that was offline while 10,000 records were written above, all end with
 * exactly the province's set (ids and versions). */
#include "harness.h"
#include "record.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"
#define N 10000

static struct th_node P, C, X;

/* Small batches and little credit make the stream long enough to be
 * interrupted in the middle on any machine. */
static const char *slow_link = "batch_records = 20\ncredit = 2\n";

static void
three_levels(const char *extra)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, extra);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, extra);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, extra);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
}

/* Wait until `n` holds at least `min` records; returns the count seen. */
static uint64_t
wait_count(struct th_node *n, uint64_t min, int timeout_ms)
{
	int64_t end = th_now_ms() + timeout_ms;
	uint64_t c = 0;
	while (th_now_ms() < end && (c = th_count(n)) < min)
		th_sleep_ms(2);
	return c;
}

static void
finish(const char *last)
{
	ck_assert_msg(th_wait_record(&X, last, th_ms(120000)),
	              "the county never got the last record %s", last);
	ck_assert(th_wait_quiet(&X, th_ms(30000)));
	ck_assert(th_wait_quiet(&C, th_ms(30000)));
	th_assert_same_set(&P, &C, P_ID);
	th_assert_same_set(&P, &X, P_ID);
	/* 10,000 tasks, the province's node record and the city's. */
	struct th_idv *v;
	ck_assert_uint_eq(th_list(&X, P_ID, LD__KIND__KIND_TASK, &v), N);
	free(v);
	th_assert_log_once(&C);
	th_assert_log_once(&X);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}

/* Kills `victim` while tasks stream from the province to the county, starts
 * it again, and checks that the county ends with every task exactly once. */
static void
killed_midstream(struct th_node *victim, const char *what)
{
	three_levels(slow_link);
	char last[LD_ID_MAX + 1];
	th_add_tasks(&P, X_ID, N, last);
	uint64_t seen = wait_count(&X, 1000, th_ms(60000));
	th_node_kill(victim);
	ck_assert_msg(seen >= 1000 && seen < N,
	              "the county held %llu records when %s was killed: not "
	              "mid-stream",
	              (unsigned long long)seen, what);
	th_node_start(victim);
	finish(last);
}

START_TEST(test_county_killed_midstream)
{
	killed_midstream(&X, "the county");
}
END_TEST

START_TEST(test_city_killed_midstream)
{
	killed_midstream(&C, "the city");
}
END_TEST

START_TEST(test_province_killed_midstream)
{
	killed_midstream(&P, "the province");
}
END_TEST

/* The other direction: the county's results stream up while the city,
 * in the middle, is killed. */
START_TEST(test_city_killed_during_upstream)
{
	three_levels(slow_link);
	char task[LD_ID_MAX + 1], last[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	th_add_results(&X, task, N, last);
	uint64_t seen = wait_count(&P, 1000, th_ms(60000));
	th_node_kill(&C);
	ck_assert_msg(seen >= 1000 && seen < N,
	              "the province held %llu records when the city was "
	              "killed: not mid-stream",
	              (unsigned long long)seen);
	th_node_start(&C);
	ck_assert_msg(th_wait_record(&P, last, th_ms(120000)),
	              "the province never got the last result %s", last);
	ck_assert(th_wait_quiet(&C, th_ms(30000)));
	ck_assert(th_wait_quiet(&P, th_ms(30000)));
	th_assert_same_set(&X, &C, X_ID);
	th_assert_same_set(&X, &P, X_ID);
	struct th_idv *v;
	ck_assert_uint_eq(th_list(&P, X_ID, LD__KIND__KIND_RESULT, &v), N);
	free(v);
	th_assert_log_once(&C);
	th_assert_log_once(&P);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* A county whose data directory is lost and made again with the same id
 * gets everything addressed to it back, and never reuses an id. */
START_TEST(test_county_store_lost)
{
	three_levels(NULL);
	char task[LD_ID_MAX + 1], r1[LD_ID_MAX + 1], r2[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	Ld__Result body = LD__RESULT__INIT;
	body.ref = task;
	body.summary = "第一次上报";
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &body;
	snprintf(r1, sizeof(r1), "%s", th_add(&X, &r));
	ck_assert(th_wait_record(&P, r1, th_ms(10000)));

	ck_assert_int_eq(th_node_stop(&X), 0);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", X.dir);
	ck_assert_int_eq(system(cmd), 0);
	th_node_init(&X, "x", X_ID, "富源县政协（重建）", false, &C, NULL);
	/* Without the root's endorsement of its new key, the city and the
	 * province do not take the new county's records. */
	th_node_start(&X);
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	body.summary = "未经背书";
	char r0[LD_ID_MAX + 1];
	snprintf(r0, sizeof(r0), "%s", th_add(&X, &r));
	ck_assert_msg(!th_wait_record(&C, r0, th_ms(2000)),
	              "a county with a new, unendorsed key was believed");
	ck_assert(th_log_contains(&C, "holding a batch from child " X_ID));
	ck_assert(th_log_contains(&C, "without the root's endorsement"));
	ck_assert_int_eq(th_node_stop(&X), 0);
	/* The procedure: the province endorses the new key. What the county
	 * wrote before is held, not lost: it arrives now. */
	th_endorse(&P, &X);
	th_node_start(&X);
	ck_assert_msg(th_wait_record(&P, r0, th_ms(15000)),
	              "the record written before the endorsement was lost");

	/* The new store has a new epoch: the city sends everything again. */
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
	body.summary = "重建后第二次上报";
	snprintf(r2, sizeof(r2), "%s", th_add(&X, &r));
	ck_assert_msg(strcmp(r1, r2) != 0, "id %s was handed out again", r1);
	ck_assert(th_wait_record(&P, r2, th_ms(10000)));
	size_t len;
	uint8_t *b1 = th_get(&P, r1, &len), *b2 = th_get(&P, r2, &len);
	ck_assert_ptr_nonnull(b1);
	ck_assert_ptr_nonnull(b2);
	free(b1);
	free(b2);
	/* The province learns the new name. */
	int64_t end = th_now_ms() + th_ms(10000);
	bool renamed = false;
	while (!renamed && th_now_ms() < end) {
		uint8_t *nb = th_get(&P, X_ID ":0", &len);
		Ld__Record *nr = ld_record_unpack(nb, len);
		renamed = nr != NULL &&
		          strcmp(nr->node->name, "富源县政协（重建）") == 0;
		if (nr != NULL)
			ld__record__free_unpacked(nr, NULL);
		free(nb);
		if (!renamed)
			th_sleep_ms(20);
	}
	ck_assert_msg(renamed, "the province still has the old node record");
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* A city's store is lost while the province is unreachable; the city is
 * made again and used at once. Its new records must not reuse the ids
 * of its old ones (the province would keep the old record and drop the
 * new one). */
START_TEST(test_store_lost_while_parent_down)
{
	three_levels(NULL);
	char old_id[LD_ID_MAX + 1], new_id[LD_ID_MAX + 1];
	snprintf(old_id, sizeof(old_id), "%s",
	         th_add_task(&C, X_ID, "重建前的任务"));
	ck_assert(th_wait_record(&P, old_id, th_ms(10000)));
	ck_assert(th_wait_record(&X, old_id, th_ms(10000)));
	ck_assert_int_eq(th_node_stop(&P), 0);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", C.dir);
	ck_assert_int_eq(system(cmd), 0);
	int port = C.port;
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	/* Keep the city's old port so the county finds it again. */
	snprintf(cmd, sizeof(cmd),
	         "sed -i 's|^listen = .*|listen = tcp://127.0.0.1:%d|' "
	         "'%s/liandong.conf'",
	         port, C.dir);
	ck_assert_int_eq(system(cmd), 0);
	C.port = port;
	/* The new city has new keys: the county is given them and enrolled
	 * again, as an administrator would. */
	th_reenroll(&X, &C);
	th_node_start(&C);
	snprintf(new_id, sizeof(new_id), "%s",
	         th_add_task(&C, X_ID, "重建后的任务"));
	ck_assert_msg(strcmp(old_id, new_id) != 0, "id %s handed out again",
	              old_id);
	th_node_start(&P);
	th_node_start(&X);
	ck_assert(th_wait_record(&P, new_id, th_ms(10000)));
	ck_assert(th_wait_record(&X, new_id, th_ms(10000)));
	/* Both versions of the city's work are at the province. */
	size_t len;
	uint8_t *b = th_get(&P, old_id, &len);
	ck_assert_ptr_nonnull(b);
	free(b);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_county_offline_catches_up)
{
	three_levels(NULL);
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
	uint64_t before = th_count(&X);
	ck_assert_int_eq(th_node_stop(&X), 0);
	char last[LD_ID_MAX + 1];
	th_add_tasks(&P, X_ID, N, last);
	ck_assert(th_wait_record(&C, last, th_ms(60000)));
	th_node_start(&X);
	finish(last);
	ck_assert_uint_ge(before, 3);
}
END_TEST

START_TEST(test_restart_with_nothing_new)
{
	/* Restarts without new writes neither lose nor resend anything. */
	three_levels(NULL);
	char last[LD_ID_MAX + 1];
	th_add_tasks(&P, X_ID, 100, last);
	ck_assert(th_wait_record(&X, last, th_ms(10000)));
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
	Ld__Response *r = th_status(&X);
	uint64_t head = r->status->head;
	ld__response__free_unpacked(r, NULL);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(th_node_stop(&C), 0);
		ck_assert_int_eq(th_node_stop(&X), 0);
		th_node_start(&C);
		th_node_start(&X);
		ck_assert(th_wait_quiet(&X, th_ms(10000)));
	}
	r = th_status(&X);
	ck_assert_uint_eq(r->status->head, head);
	ld__response__free_unpacked(r, NULL);
	th_assert_same_set(&P, &X, P_ID);
	th_assert_log_once(&C);
	th_assert_log_once(&X);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("recovery");
	TCase *tc = tcase_create("crash and catch-up");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_county_killed_midstream);
	tcase_add_test(tc, test_city_killed_midstream);
	tcase_add_test(tc, test_province_killed_midstream);
	tcase_add_test(tc, test_city_killed_during_upstream);
	tcase_add_test(tc, test_county_store_lost);
	tcase_add_test(tc, test_store_lost_while_parent_down);
	tcase_add_test(tc, test_county_offline_catches_up);
	tcase_add_test(tc, test_restart_with_nothing_new);
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
