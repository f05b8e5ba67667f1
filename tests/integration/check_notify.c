/* check_notify.c — the [notify] hook with real daemons: a county whose
 * hook writes its standard input to a file is told of a task the city
 * sends within seconds, once (not again at the next checks, nor after a
 * restart); a task past its due date comes as "overdue"; a hook that
 * fails is logged and given the same items again until it succeeds. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define C_ID "530300"
#define X_ID "530300/530325"

static struct th_node C, X;
static char out[65536], err[8192];
static char sent[600], failflag[600];

/* The city, and the county with a hook that appends what it is given to
 * `sent` (one JSON document a line), or fails while `failflag` exists. */
static void
nodes(void)
{
	char hook[600], extra[1200];
	snprintf(hook, sizeof(hook), "%s/hook.sh", th_root());
	snprintf(sent, sizeof(sent), "%s/sent", th_root());
	snprintf(failflag, sizeof(failflag), "%s/fail", th_root());
	FILE *f = fopen(hook, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\n"
	      "if [ -e \"$2\" ]; then cat >/dev/null; "
	      "echo 'gateway down' >&2; exit 3; fi\n"
	      "cat >> \"$1\"\n",
	      f);
	fclose(f);
	snprintf(extra, sizeof(extra),
	         "\n[notify]\ncommand = /bin/sh '%s' '%s' '%s'\n"
	         "every = 1s\ntimeout_s = 5\n",
	         hook, sent, failflag);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, NULL, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, extra);
	th_node_start(&C);
	th_node_start(&X);
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
}

/* The documents the hook got, one a line; returns how many. */
static size_t
docs(char lines[][8192], size_t max)
{
	FILE *f = fopen(sent, "r");
	if (f == NULL)
		return 0;
	size_t n = 0;
	static char line[65536];
	while (n < max && fgets(line, sizeof(line), f) != NULL)
		snprintf(lines[n++], 8192, "%s", line);
	fclose(f);
	return n;
}

/* Wait until the hook has got `want` documents; false after 10 s. */
static bool
wait_docs(size_t want)
{
	static char lines[16][8192];
	int64_t end = th_now_ms() + th_ms(10000);
	while (th_now_ms() < end) {
		if (docs(lines, 16) >= want)
			return true;
		th_sleep_ms(50);
	}
	return false;
}

/* Document `doc` parsed; its items must be exactly one, about `id`, with
 * `event`. */
static void
assert_doc(const char *doc, const char *id, const char *event,
           const char *topic)
{
	json_object *o = json_tokener_parse(doc);
	ck_assert_msg(o != NULL, "not JSON: %s", doc);
	json_object *v, *items, *it;
	ck_assert(json_object_object_get_ex(o, "office", &v));
	ck_assert_str_eq(json_object_get_string(v), X_ID);
	ck_assert(json_object_object_get_ex(o, "name", &v));
	ck_assert_str_eq(json_object_get_string(v), "富源县政协");
	ck_assert(json_object_object_get_ex(o, "today", &v));
	ck_assert_uint_eq(strlen(json_object_get_string(v)), 10);
	ck_assert(json_object_object_get_ex(o, "items", &items));
	ck_assert_msg(json_object_array_length(items) == 1, "%s", doc);
	it = json_object_array_get_idx(items, 0);
	const char *want[][2] = {{"event", event}, {"action", "report"},
	                         {"id", id},       {"kind", "task"},
	                         {"topic", topic}, {"from", C_ID}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_msg(json_object_object_get_ex(it, want[i][0], &v),
		              "no %s: %s", want[i][0], doc);
		ck_assert_str_eq(json_object_get_string(v), want[i][1]);
	}
	ck_assert(json_object_object_get_ex(it, "overdue", &v));
	ck_assert(json_object_get_boolean(v) ==
	          (strcmp(event, "overdue") == 0));
	ck_assert(json_object_object_get_ex(it, "due", &v));
	ck_assert(json_object_object_get_ex(it, "days_left", &v));
	json_object_put(o);
}

START_TEST(test_notify)
{
	nodes();
	static char lines[16][8192];
	/* Nothing in the inbox: the hook is not run. */
	th_sleep_ms(th_ms(2500));
	ck_assert_uint_eq(docs(lines, 16), 0);

	/* A task from the city reaches the county: the hook is told. */
	char t1[LD_ID_MAX + 1], t2[LD_ID_MAX + 1], t3[LD_ID_MAX + 1];
	int64_t t0 = th_now_ms();
	snprintf(t1, sizeof(t1), "%s", th_add_task(&C, X_ID, "优化营商环境"));
	ck_assert_msg(wait_docs(1), "the hook was not run");
	ck_assert_msg(th_now_ms() - t0 < th_ms(8000), "took %lld ms",
	              (long long)(th_now_ms() - t0));
	ck_assert_uint_eq(docs(lines, 16), 1);
	assert_doc(lines[0], t1, "new", "优化营商环境");

	/* Later checks (every second) do not send it again. */
	th_sleep_ms(th_ms(3000));
	ck_assert_uint_eq(docs(lines, 16), 1);

	/* A task past its due date comes as overdue, alone. */
	OK(AT(&C, "task", "add", "--topic", "逾期任务", "--form", "监督性视察",
	      "--scope", X_ID, "--due", "2020-01-01"));
	take_id(t2);
	ck_assert(wait_docs(2));
	ck_assert_uint_eq(docs(lines, 16), 2);
	assert_doc(lines[1], t2, "overdue", "逾期任务");

	/* The hook fails: logged, and the item comes again once it
	 * works. */
	FILE *f = fopen(failflag, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(t3, sizeof(t3), "%s", th_add_task(&C, X_ID, "第三个任务"));
	int64_t end = th_now_ms() + th_ms(10000);
	while (!th_log_contains(&X, "gateway down") && th_now_ms() < end)
		th_sleep_ms(50);
	ck_assert_msg(th_log_contains(&X, "gateway down"),
	              "the failing hook is not in the log");
	ck_assert(th_log_contains(&X, "exit status 3"));
	th_sleep_ms(th_ms(1500)); /* at least one more failed check */
	ck_assert_uint_eq(docs(lines, 16), 2);
	ck_assert_int_eq(unlink(failflag), 0);
	ck_assert_msg(wait_docs(3), "the item was not sent again");
	ck_assert_uint_eq(docs(lines, 16), 3);
	assert_doc(lines[2], t3, "new", "第三个任务");

	/* A restart does not send anything again. */
	ck_assert_int_eq(th_node_stop(&X), 0);
	th_node_start(&X);
	th_sleep_ms(th_ms(4000));
	ck_assert_uint_eq(docs(lines, 16), 3);
}
END_TEST

/* A hook that hangs is killed at timeout_s, with what it started, logged,
 * and run again for the same items. */
START_TEST(test_notify_timeout)
{
	char hook[600], runs[600], extra[1200];
	snprintf(hook, sizeof(hook), "%s/hang.sh", th_root());
	snprintf(runs, sizeof(runs), "%s/runs", th_root());
	FILE *f = fopen(hook, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\necho run >> \"$1\"\nsleep 60\n", f);
	fclose(f);
	snprintf(extra, sizeof(extra),
	         "\n[notify]\ncommand = /bin/sh '%s' '%s'\nevery = 1s\n"
	         "timeout_s = 1\n",
	         hook, runs);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, NULL, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, extra);
	th_node_start(&C);
	th_node_start(&X);
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
	th_add_task(&C, X_ID, "挂起的网关");
	int64_t end = th_now_ms() + th_ms(15000);
	int n = 0;
	while (n < 2 && th_now_ms() < end) {
		th_sleep_ms(100);
		n = 0;
		FILE *r = fopen(runs, "r");
		char line[64];
		while (r != NULL && fgets(line, sizeof(line), r) != NULL)
			n++;
		if (r != NULL)
			fclose(r);
	}
	ck_assert_msg(n >= 2, "the hook ran %d time(s), not again", n);
	ck_assert(th_log_contains(&X, "killed after 1 s"));
	/* The daemon was not held up meanwhile. */
	OK(AT(&X, "inbox"));
	ck_assert_int_eq(th_node_stop(&X), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_notify);
	tcase_add_test(tc, test_notify_timeout);
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
