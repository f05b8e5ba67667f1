/* check_agree.c — one rule, one number: `liandong figures` and the
 * `summary` report agree figure by figure, and the `supervision` report
 * and `liandong progress` agree office by office, on generated data with
 * the edges where the rules used to disagree — a task without a due
 * date, cancelled and deferred plan items, dates either side of New
 * Year (2018-12-31 / 2019-01-01), a returned and resubmitted result, a
 * relayed task, an overdue county. A province, two cities and a county,
 * with real daemons. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PLUGINS LD_BIN_DIR "/plugins/lib"
#define CONF "[report]\nplugin_dir = " PLUGINS "\n"
#define TODAY "2019-01-15"

#define P_ID "530000"
#define C1_ID "530000/530300"
#define C2_ID "530000/530900"
#define X_ID "530000/530300/530325"

static char out[262144], err[8192];
static char figs[262144];

/* The number after `"name":` (spaces allowed) in `s` from `from` on;
 * false if absent. */
static bool
number(const char *s, const char *from, const char *name, double *v)
{
	const char *p = strstr(s, from);
	if (p == NULL)
		return false;
	char key[64];
	snprintf(key, sizeof(key), "\"%s\":", name);
	p = strstr(p, key);
	if (p == NULL)
		return false;
	*v = strtod(p + strlen(key), NULL);
	return true;
}

/* `figures --year Y --owner O` (Y = 0: every year) and `report summary`
 * of the same year and scope: each headline figure the same, or absent
 * from both (a share of nothing). */
static void
figures_agree(struct th_node *n, unsigned year, const char *owner)
{
	char y[16];
	snprintf(y, sizeof(y), "%u", year);
	if (year)
		OK(AT(n, "figures", "--year", y, "--owner", owner, "--json"));
	else
		OK(AT(n, "figures", "--owner", owner, "--json"));
	snprintf(figs, sizeof(figs), "%s", out);
	if (year)
		OK(AT(n, "report", "summary", "--year", y, "--scope", owner,
		      "--format", "json"));
	else
		OK(AT(n, "report", "summary", "--scope", owner, "--format",
		      "json"));
	static const char *const names[] = {
	    "调研", "视察",   "协商",   "跟踪问效", "民主评议",
	    "提案", "解决率", "面商率", "满意率",   "委员参与率"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		double a = 0, b = 0;
		bool ha = number(figs, "\"headline\"", names[i], &a);
		bool hb = number(out, "\"figures\"", names[i], &b);
		ck_assert_msg(ha == hb && fabs(a - b) < 1e-9,
		              "year %u, %s: %s: figures %s%g, summary %s%g\n"
		              "figures: %s\nsummary: %s",
		              year, owner, names[i], ha ? "" : "(none) ", a,
		              hb ? "" : "(none) ", b, figs, out);
	}
}

/* The value of "key": "..." at `p` onwards, into buf. */
static const char *
string_at(const char *p, const char *key, char *buf, size_t len)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\": \"", key);
	const char *q = strstr(p, k);
	if (q == NULL)
		return NULL;
	q += strlen(k);
	size_t n = strcspn(q, "\"");
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), q);
	return q + n;
}

static const char *
label(const char *state)
{
	static const char *const map[][2] = {
	    {"pending", "待报送"},  {"relayed", "已转办"},
	    {"overdue", "逾期"},    {"reported", "已报送"},
	    {"resubmitted", "已重报"}, {"reviewed", "已审核"},
	    {"returned", "已退回"}, {"rectify", "整改中"}};
	for (size_t i = 0; i < 8; i++)
		if (strcmp(map[i][0], state) == 0)
			return map[i][1];
	return "?";
}

/* Every row of `progress TASK` is a row of the supervision report, in
 * the same state with the same due date, and the report has no other
 * office for the task; returns how many offices. */
static size_t
progress_agrees(struct th_node *n, const char *task)
{
	OK(AT(n, "progress", task, "--today", TODAY, "--json"));
	snprintf(figs, sizeof(figs), "%s", out);
	OK(AT(n, "report", "supervision", "--set", "today=" TODAY, "--format",
	      "csv"));
	size_t rows = 0;
	const char *p = strstr(figs, "\"rows\"");
	ck_assert_ptr_nonnull(p);
	char path[256], name[256], state[64], due[16], want[800];
	for (;;) {
		const char *q = string_at(p, "path", path, sizeof(path));
		if (q == NULL)
			break;
		string_at(p, "name", name, sizeof(name));
		string_at(p, "state", state, sizeof(state));
		if (string_at(p, "due", due, sizeof(due)) == NULL)
			due[0] = '\0';
		/* The supervision row: task, office, group, state, due. */
		snprintf(want, sizeof(want), "%s,%s %s,", task, name, path);
		const char *r = strstr(out, want);
		ck_assert_msg(r != NULL, "%s: no row for %s in:\n%s", task,
		              path, out);
		char tail[200];
		snprintf(tail, sizeof(tail), ",%s,%s,", label(state),
		         due[0] ? due : "—");
		const char *eol = strstr(r, "\r\n");
		const char *t = strstr(r, tail);
		ck_assert_msg(t != NULL && (eol == NULL || t < eol),
		              "%s: %s is %s (due %s) in progress, not in:\n%s",
		              task, path, state, due, out);
		rows++;
		p = strchr(q, '}');
		if (p == NULL)
			break;
	}
	/* No office of the task beyond progress's (and the task's own row
	 * in the table of tasks). */
	size_t seen = 0;
	char row[LD_ID_MAX + 4];
	snprintf(row, sizeof(row), "\r\n%s,", task);
	for (const char *r = strstr(out, row); r != NULL;
	     r = strstr(r + 1, row))
		seen++;
	ck_assert_uint_eq(seen, rows + 1);
	return rows;
}

START_TEST(test_agree)
{
	static struct th_node P, C1, C2, X;
	th_set_insecure(true);
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, CONF);
	th_node_init(&C1, "c1", C1_ID, "曲靖市政协", true, &P, NULL);
	th_node_init(&C2, "c2", C2_ID, "临沧市政协", false, &P, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C1, NULL);
	struct th_node *all[] = {&P, &C1, &C2, &X};
	for (size_t i = 0; i < 4; i++)
		th_node_start(all[i]);

	/* Tasks: one due the last day of 2018, one the first of 2019, one
	 * with no due date (it counts for the year it is written, once). */
	char t1[LD_ID_MAX + 1], t2[LD_ID_MAX + 1], t3[LD_ID_MAX + 1],
	    s1[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "营商环境民主评议", "--form",
	      "民主评议", "--scope", C1_ID, "--scope", C2_ID, "--due",
	      "2018-12-31", "--target", "省发改委", "--target", "省商务厅"));
	take_id(t1);
	OK(AT(&P, "task", "add", "--topic", "河长制跟踪问效", "--form",
	      "跟踪问效", "--scope", C1_ID, "--scope", C2_ID, "--due",
	      "2019-01-01"));
	take_id(t2);
	OK(AT(&C1, "task", "add", "--topic", "煤矿安全跟踪问效", "--form",
	      "跟踪问效", "--scope", X_ID));
	take_id(t3);
	/* Surveys either side of New Year; one with only an end date. */
	OK(AT(&C1, "survey", "add", "--topic", "高原特色农业", "--form", "视察",
	      "--scope", X_ID, "--start", "2018-12-31"));
	OK(AT(&C1, "survey", "add", "--topic", "乡村振兴", "--form", "调研",
	      "--scope", X_ID, "--start", "2019-01-01"));
	OK(AT(&X, "survey", "add", "--topic", "边境贸易", "--form", "联合调研",
	      "--scope", X_ID, "--end", "2018-12-30"));
	/* Plans: held, adopted, deferred, cancelled items; two years. */
	char pl[LD_ID_MAX + 1];
	OK(AT(&X, "plan", "add", "--year", "2018", "--title", "2018年协商计划",
	      "--item", "专题协商|3|营商环境", "--item", "对口协商|5|教育",
	      "--item", "界别协商|6|民营经济", "--item", "专题协商|9|农业"));
	take_id(pl);
	OK(AT(&X, "plan", "item", "set", pl, "1", "--status", "held"));
	OK(AT(&X, "plan", "item", "set", pl, "2", "--status", "deferred"));
	OK(AT(&X, "plan", "item", "set", pl, "3", "--status", "cancelled"));
	OK(AT(&C1, "plan", "add", "--year", "2019", "--title", "2019年协商计划",
	      "--item", "双月协商|1|新年", "--item", "专题协商|2|旅游"));
	take_id(pl);
	OK(AT(&C1, "plan", "item", "set", pl, "1", "--status", "held"));
	OK(AT(&C1, "plan", "item", "set", pl, "1", "--status",
	      "outcome_submitted"));
	OK(AT(&C1, "plan", "item", "set", pl, "2", "--status", "cancelled"));
	/* Proposals: A, B, C, unanswered; rated or not; two years. */
	OK(AT(&X, "proposal", "add", "--title", "甲", "--year", "2018",
	      "--status", "evaluated", "--outcome", "A", "--face-to-face",
	      "yes", "--satisfaction", "满意"));
	OK(AT(&X, "proposal", "add", "--title", "乙", "--year", "2018",
	      "--status", "replied", "--outcome", "B", "--face-to-face", "no"));
	OK(AT(&X, "proposal", "add", "--title", "丙", "--year", "2018",
	      "--status", "evaluated", "--outcome", "C", "--face-to-face",
	      "yes", "--satisfaction", "不满意"));
	OK(AT(&X, "proposal", "add", "--title", "丁", "--year", "2018"));
	OK(AT(&C1, "proposal", "add", "--title", "戊", "--year", "2019",
	      "--status", "evaluated", "--outcome", "A", "--face-to-face",
	      "yes", "--satisfaction", "基本满意"));

	/* Progress: 曲靖 relays t1 to 富源, which reports; 临沧 reports,
	 * is returned and resubmits; t2: nobody reports (overdue). */
	char s1r[LD_ID_MAX + 1], r2[LD_ID_MAX + 1], v2[LD_ID_MAX + 1];
	ck_assert(th_wait_record(&C1, t1, th_ms(10000)));
	OK(AT(&C1, "task", "add", "--parent-task", t1, "--topic", "县级评议",
	      "--form", "民主评议", "--scope", X_ID, "--due", "2019-01-20"));
	take_id(s1);
	ck_assert(th_wait_record(&X, s1, th_ms(10000)));
	OK(AT(&X, "result", "add", "--ref", s1, "--summary", "评议完成"));
	take_id(s1r);
	ck_assert(th_wait_record(&C2, t1, th_ms(10000)));
	OK(AT(&C2, "result", "add", "--ref", t1, "--summary", "初稿"));
	take_id(r2);
	ck_assert(th_wait_record(&P, r2, th_ms(10000)));
	OK(AT(&P, "review", "add", "--ref", r2, "--verdict", "returned",
	      "--comment", "请补充"));
	take_id(v2);
	ck_assert(th_wait_record(&C2, v2, th_ms(10000)));
	OK(AT(&C2, "result", "set", r2, "--summary", "补充后"));
	Ld__Record *r = th_record_at(&P, r2, 2);
	ld__record__free_unpacked(r, NULL);
	ck_assert(th_wait_record(&P, s1r, th_ms(10000)));
	ck_assert(th_wait_record(&P, t3, th_ms(10000)));
	ck_assert(th_wait_quiet(&P, th_ms(10000)));

	/* Figure by figure: every year, each side of New Year, this year
	 * (the task without a due date), a year with nothing; at the
	 * province and for a city's subtree. */
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	unsigned years[] = {0, 2018, 2019, (unsigned)tm.tm_year + 1900, 2017};
	for (size_t i = 0; i < 5; i++) {
		figures_agree(&P, years[i], P_ID);
		figures_agree(&P, years[i], C1_ID);
	}
	/* The edges as the rules decide them. */
	OK(AT(&P, "figures", "--year", "2018", "--json"));
	ck_assert_msg(strstr(out, "\"planned\": 3") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\"headline\": {\"调研\": 1, \"视察\": 1, "
	                          "\"协商\": 1, \"跟踪问效\": 0, "
	                          "\"民主评议\": 2, \"提案\": 4") != NULL,
	              "%s", out);
	OK(AT(&P, "figures", "--year", "2019", "--json"));
	ck_assert_msg(strstr(out, "\"planned\": 1") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "\"跟踪问效\": 1") != NULL, "%s", out);

	/* Office by office: supervision and progress. */
	ck_assert_uint_eq(progress_agrees(&P, t1), 3);
	ck_assert_uint_eq(progress_agrees(&P, t2), 3);
	OK(AT(&P, "progress", t1, "--today", TODAY, "--json"));
	ck_assert_msg(strstr(out, "\"resubmitted\": 1") != NULL, "%s", out);

	for (size_t i = 4; i-- > 0;)
		ck_assert_int_eq(th_node_stop(all[i]), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("agree");
	TCase *tc = tcase_create("agree");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_agree);
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
