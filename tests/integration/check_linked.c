/* check_linked.c — a Shaanxi-style three-level linked supervision with
 * real daemons: a province, two cities and four counties. The province
 * sends a task to both cities; each city derives a sub-task for its two
 * counties (the second city's is past due). Two counties report, one is
 * returned and resubmits, one is overdue; `progress` at the province and
 * at each city shows exactly that, and each county's `inbox` its part. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ID "610000"
#define C1_ID "610000/610100"
#define C2_ID "610000/610300"
#define X11_ID "610000/610100/610115"
#define X12_ID "610000/610100/610122"
#define X21_ID "610000/610300/610323"
#define X22_ID "610000/610300/610330"
#define TODAY "2026-11-23"

static struct th_node P, C1, C2, X11, X12, X21, X22;
static char out[65536], err[8192];

/* The state word progress printed for office `path` ("" if not listed). */
static const char *
state_of(const char *path)
{
	static char st[32];
	char key[128];
	snprintf(key, sizeof(key), "\n  %s ", path);
	const char *p = strstr(out, key);
	st[0] = '\0';
	if (p == NULL)
		return st;
	p += strlen(key);
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, " \n");
	snprintf(st, sizeof(st), "%.*s", (int)(n < sizeof(st) ? n : 0), p);
	return st;
}

#define STATE(path, want)                                                      \
	ck_assert_msg(strcmp(state_of(path), (want)) == 0,                     \
	              "line %d: %s is '%s', not '%s' in:\n%s", __LINE__,       \
	              (path), state_of(path), (want), out)

#define HAS(text)                                                              \
	ck_assert_msg(strstr(out, (text)) != NULL,                             \
	              "line %d: no '%s' in:\n%s", __LINE__, (text), out)

/* Number of lines of `out` starting with `prefix`. */
static int
lines_starting(const char *prefix)
{
	int n = 0;
	size_t pl = strlen(prefix);
	for (const char *p = out; p != NULL && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, prefix, pl) == 0)
			n++;
	}
	return n;
}

START_TEST(test_linked_supervision)
{
	th_node_init(&P, "p", P_ID, "陕西省政协", true, NULL, NULL);
	th_node_init(&C1, "c1", C1_ID, "西安市政协", true, &P, NULL);
	th_node_init(&C2, "c2", C2_ID, "宝鸡市政协", true, &P, NULL);
	th_node_init(&X11, "x11", X11_ID, "临潼区政协", false, &C1, NULL);
	th_node_init(&X12, "x12", X12_ID, "周至县政协", false, &C1, NULL);
	th_node_init(&X21, "x21", X21_ID, "凤翔区政协", false, &C2, NULL);
	th_node_init(&X22, "x22", X22_ID, "太白县政协", false, &C2, NULL);
	struct th_node *all[] = {&P, &C1, &C2, &X11, &X12, &X21, &X22};
	for (size_t i = 0; i < 7; i++)
		th_node_start(all[i]);

	/* The province's linked task to both cities. */
	char t[LD_ID_MAX + 1], s1[LD_ID_MAX + 1], s2[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "秦岭生态环境保护三级联动民主监督",
	      "--form", "监督性视察", "--scope", C1_ID, "--scope", C2_ID,
	      "--due", "2026-12-31"));
	take_id(t);
	ck_assert(th_wait_record(&C1, t, th_ms(10000)));
	ck_assert(th_wait_record(&C2, t, th_ms(10000)));

	/* Each city derives a sub-task for its counties; 宝鸡's is due
	 * before today. A city cannot derive one for the other city. */
	OK(AT(&C1, "task", "add", "--parent-task", t, "--topic",
	      "秦岭北麓违建整治监督", "--form", "监督性视察", "--scope", X11_ID,
	      "--scope", X12_ID, "--due", "2026-12-15"));
	take_id(s1);
	OK(AT(&C2, "task", "add", "--parent-task", t, "--topic",
	      "秦岭西段水源保护监督", "--form", "监督性视察", "--scope", X21_ID,
	      "--scope", X22_ID, "--due", "2026-11-01"));
	take_id(s2);
	REFUSED(1, AT(&C2, "task", "add", "--parent-task", t, "--topic", "越界",
	              "--form", "监督性视察", "--scope", X11_ID),
	        "scope");

	/* Before anyone reports: the counties' inboxes. */
	ck_assert(th_wait_record(&X22, s2, th_ms(10000)));
	OK(AT(&X22, "inbox", "--today", TODAY));
	HAS("report");
	HAS(s2);
	HAS("22 days overdue");
	ck_assert(th_wait_record(&X11, s1, th_ms(10000)));
	OK(AT(&X11, "inbox", "--today", TODAY));
	HAS("inbox of " X11_ID ", as of " TODAY ": 1 item\n");
	HAS(s1);
	HAS("due 2026-12-15, in 22 days");
	/* The city relayed the province's task: nothing to report on it. */
	OK(AT(&C1, "inbox", "--today", TODAY));
	HAS(": 0 items\n");

	/* Three counties report. */
	char r11[LD_ID_MAX + 1], r12[LD_ID_MAX + 1], r21[LD_ID_MAX + 1];
	OK(AT(&X11, "result", "add", "--ref", s1, "--summary",
	      "排查违建12处，已拆除9处", "--metric", "违建=12"));
	take_id(r11);
	ck_assert(th_wait_record(&X12, s1, th_ms(10000)));
	OK(AT(&X12, "result", "add", "--ref", s1, "--summary", "排查完成"));
	take_id(r12);
	ck_assert(th_wait_record(&X21, s2, th_ms(10000)));
	OK(AT(&X21, "result", "add", "--ref", s2, "--summary",
	      "水源地3处全部整改"));
	take_id(r21);

	/* 西安 accepts 临潼's and returns 周至's. */
	ck_assert(th_wait_record(&C1, r11, th_ms(10000)));
	ck_assert(th_wait_record(&C1, r12, th_ms(10000)));
	OK(AT(&C1, "inbox", "--today", TODAY));
	HAS(": 2 items\n");
	ck_assert_int_eq(lines_starting("review "), 2);
	OK(AT(&C1, "review", "add", "--ref", r11, "--verdict", "accepted"));
	OK(AT(&C1, "review", "add", "--ref", r12, "--verdict", "returned",
	      "--comment", "缺少违建清单"));
	char rv12[LD_ID_MAX + 1];
	take_id(rv12);

	/* At the city, before 周至 resubmits. */
	ck_assert(th_wait_record(&X12, rv12, th_ms(10000)));
	OK(AT(&C1, "progress", s1, "--today", TODAY));
	STATE(X11_ID, "reviewed");
	STATE(X12_ID, "returned");
	HAS("2 targets: 2 reported (1 reviewed, 0 resubmitted), 1 returned, "
	    "0 overdue, 0 pending, 0 relayed\n");

	/* 周至's inbox: revise, with the city's comment. */
	OK(AT(&X12, "inbox", "--today", TODAY));
	HAS("revise");
	HAS(r12);
	HAS("缺少违建清单");
	HAS(": 1 item\n");
	OK(AT(&X12, "result", "set", r12, "--summary",
	      "排查完成，附违建清单（7处）"));
	Ld__Record *v2 = th_record_at(&P, r12, 2);
	ld__record__free_unpacked(v2, NULL);
	OK(AT(&X12, "inbox", "--today", TODAY));
	HAS(": 0 items\n");
	/* The city answered this question while 周至 was returned; the
	 * resubmission arriving from the county (a peer's write, not the
	 * city's own) must retire that answer (daemon/answers.c). Asked
	 * twice with nothing written between, the answer is the same. */
	v2 = th_record_at(&C1, r12, 2);
	ld__record__free_unpacked(v2, NULL);
	OK(AT(&C1, "progress", s1, "--today", TODAY, "--json"));
	char first[sizeof(out)];
	snprintf(first, sizeof(first), "%s", out);
	OK(AT(&C1, "progress", s1, "--today", TODAY, "--json"));
	ck_assert_str_eq(out, first);
	OK(AT(&C1, "progress", s1, "--today", TODAY));
	STATE(X12_ID, "resubmitted");

	/* Everything has reached the province. */
	ck_assert(th_wait_record(&P, r21, th_ms(10000)));
	ck_assert(th_wait_record(&P, s1, th_ms(10000)));
	ck_assert(th_wait_record(&P, s2, th_ms(10000)));
	ck_assert(th_wait_record(&P, rv12, th_ms(10000)));

	/* The province: grouped by city, each city relayed. */
	OK(AT(&P, "progress", t, "--today", TODAY));
	STATE(C1_ID, "relayed");
	STATE(C2_ID, "relayed");
	STATE(X11_ID, "reviewed");
	STATE(X12_ID, "resubmitted");
	STATE(X21_ID, "reported");
	STATE(X22_ID, "overdue");
	HAS("\n" C1_ID "  西安市政协\n");
	HAS("\n" C2_ID "  宝鸡市政协\n");
	ck_assert(strstr(out, X12_ID) < strstr(out, "\n" C2_ID "  "));
	HAS("6 targets: 3 reported (1 reviewed, 1 resubmitted), 0 returned, "
	    "1 overdue, 0 pending, 2 relayed\n");
	OK(AT(&P, "progress", t, "--today", TODAY, "--json"));
	HAS("\"targets\": 6");
	HAS("\"overdue\": 1");

	/* Each city: the province's task over its own subtree only. */
	OK(AT(&C1, "progress", t, "--today", TODAY));
	STATE(C1_ID, "relayed");
	STATE(X11_ID, "reviewed");
	STATE(X12_ID, "resubmitted");
	ck_assert_ptr_null(strstr(out, C2_ID));
	HAS("3 targets: 2 reported (1 reviewed, 1 resubmitted), 0 returned, "
	    "0 overdue, 0 pending, 1 relayed\n");
	ck_assert(th_wait_record(&C2, r21, th_ms(10000)));
	OK(AT(&C2, "progress", t, "--today", TODAY));
	STATE(C2_ID, "relayed");
	STATE(X21_ID, "reported");
	STATE(X22_ID, "overdue");
	ck_assert_ptr_null(strstr(out, C1_ID));
	HAS("3 targets: 1 reported (0 reviewed, 0 resubmitted), 0 returned, "
	    "1 overdue, 0 pending, 1 relayed\n");
	/* Before the sub-task's due date, 太白 is only pending. */
	OK(AT(&C2, "progress", s2, "--today", "2026-10-31"));
	STATE(X22_ID, "pending");

	/* Each county's inbox holds its own part only. */
	OK(AT(&X11, "inbox", "--today", TODAY));
	HAS(": 0 items\n");
	OK(AT(&X21, "inbox", "--today", TODAY));
	HAS(": 0 items\n");
	OK(AT(&X22, "inbox", "--today", TODAY, "--json"));
	HAS("\"action\": \"report\"");
	HAS("\"overdue\": true");
	ck_assert_ptr_null(strstr(out, s1));
	/* 宝鸡 must review 凤翔's result; 西安 must review 周至's again. */
	OK(AT(&C2, "inbox", "--today", TODAY));
	ck_assert_int_eq(lines_starting("review "), 1);
	HAS(r21);
	OK(AT(&C1, "inbox", "--today", TODAY));
	ck_assert_int_eq(lines_starting("review "), 1);
	HAS(r12);

	for (size_t i = 7; i-- > 0;)
		ck_assert_int_eq(th_node_stop(all[i]), 0);
}
END_TEST

/* Bad input to the roll-up commands (and wait): one line naming what is
 * wrong. */
START_TEST(test_rollup_bad_input)
{
	th_node_init(&P, "p", P_ID, "陕西省政协", true, NULL, NULL);
	th_node_start(&P);
	char pl[LD_ID_MAX + 1];
	OK(AT(&P, "plan", "add", "--year", "2026", "--title", "协商计划",
	      "--item", "专题协商|10|秦岭保护"));
	take_id(pl);
	REFUSED(2, AT(&P, "progress", "610000:1", "--today", "2026-13-01"),
	        "today: '2026-13-01' is not a date");
	REFUSED(2, AT(&P, "progress"), "progress");
	REFUSED(1, AT(&P, "progress", "610000:1"), "no record 610000:1");
	REFUSED(1, AT(&P, "progress", pl), "is a plan, not a task");
	REFUSED(2, AT(&P, "inbox", "--days", "0"), "--days");
	REFUSED(2, AT(&P, "inbox", "--days", "x7"), "--days");
	REFUSED(2, AT(&P, "inbox", "extra"), "inbox");
	OK(AT(&P, "inbox", "--days", "30"));
	HAS("inbox of " P_ID);

	/* wait: for scripts. */
	OK(AT(&P, "wait", pl));
	char want[LD_ID_MAX + 8];
	snprintf(want, sizeof(want), "%s v1\n", pl);
	ck_assert_str_eq(out, want);
	REFUSED(1, AT(&P, "wait", pl, "--version", "2", "--timeout", "1"),
	        "did not arrive in time");
	REFUSED(2, AT(&P, "wait", pl, "--timeout", "0"), "--timeout");
	REFUSED(2, AT(&P, "wait", pl, "--version", "v2"), "--version");
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("linked");
	TCase *tc = tcase_create("linked");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_linked_supervision);
	tcase_add_test(tc, test_rollup_bad_input);
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
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
