/* check_chaos.c — fault injection: a province, a city and a county with
 * writers at both ends (tasks written at the province for the county,
 * results written at the county going up), and a node chosen at random
 * SIGKILLed while records stream, round after round. At the end every
 * node holds exactly the same records of each writer, and nothing was
 * received or applied twice.
 *
 * LD_CHAOS_SEED fixes the random choices (the seed in use is printed, so
 * a failure can be replayed); LD_CHAOS_ROUNDS sets the number of kills. */
#include "harness.h"
#include "record.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"

static struct th_node P, C, X;

static unsigned
env_uint(const char *name, unsigned dflt)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? (unsigned)strtoul(v, NULL, 10) : dflt;
}

START_TEST(test_random_kills)
{
	unsigned seed = env_uint("LD_CHAOS_SEED", (unsigned)time(NULL));
	unsigned rounds = env_uint("LD_CHAOS_ROUNDS", 40);
	printf("check_chaos: seed %u, %u rounds (LD_CHAOS_SEED=%u replays "
	       "it)\n",
	       seed, rounds, seed);
	fflush(stdout);
	srand(seed);

	/* Small batches and little credit keep records in flight on both
	 * links whenever a node is killed. */
	const char *slow = "batch_records = 25\ncredit = 2\n";
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, slow);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, slow);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, slow);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);

	char task[LD_ID_MAX + 1], last_task[LD_ID_MAX + 1],
	    last_result[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "联动任务"));
	ck_assert(th_wait_record(&X, task, th_ms(20000)));
	snprintf(last_task, sizeof(last_task), "%s", task);
	last_result[0] = '\0';

	struct th_node *nodes[] = {&P, &C, &X};
	unsigned kills[3] = {0, 0, 0};
	for (unsigned i = 0; i < rounds; i++) {
		/* Writers at both ends; both are up here, so every write is
		 * acknowledged and must survive whatever follows. */
		th_add_tasks(&P, X_ID, 100 + rand() % 300, last_task);
		th_add_results(&X, task, 100 + rand() % 300, last_result);
		th_sleep_ms(rand() % 40);
		unsigned v = (unsigned)rand() % 3;
		th_node_kill(nodes[v]);
		kills[v]++;
		th_sleep_ms(rand() % 300);
		th_node_start(nodes[v]);
	}
	printf("check_chaos: killed the province %u, the city %u and the "
	       "county %u times\n",
	       kills[0], kills[1], kills[2]);

	ck_assert_msg(th_wait_record(&X, last_task, th_ms(120000)),
	              "the county never got the last task %s (seed %u)",
	              last_task, seed);
	ck_assert_msg(th_wait_record(&P, last_result, th_ms(120000)),
	              "the province never got the last result %s (seed %u)",
	              last_result, seed);
	ck_assert(th_wait_quiet(&P, th_ms(30000)));
	ck_assert(th_wait_quiet(&C, th_ms(30000)));
	ck_assert(th_wait_quiet(&X, th_ms(30000)));
	/* The province's records down, the county's up: the same set, at the
	 * same versions, at every node. */
	th_assert_same_set(&P, &C, P_ID);
	th_assert_same_set(&P, &X, P_ID);
	th_assert_same_set(&X, &C, X_ID);
	th_assert_same_set(&X, &P, X_ID);
	th_assert_log_once(&P);
	th_assert_log_once(&C);
	th_assert_log_once(&X);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("chaos");
	TCase *tc = tcase_create("random kills");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, th_ms(600000) / 1000.0);
	tcase_add_test(tc, test_random_kills);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
