/* check_opinions.c — 社情民意 up a province, city and county on real
 * daemons (written at the county, forwarded by the city, adopted at the
 * province, each level's counts, the writer's trail), a 联名 重点
 * proposal that goes overdue in the inbox, and `liandong verify` on the
 * city's published opinions report before and after its opinion changed
 * at the county. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"
#define PLUGINS LD_BIN_DIR "/plugins/lib"

static struct th_node P, C, X;
static char out[262144], err[8192];

#define HAS(text)                                                              \
	ck_assert_msg(strstr(out, (text)) != NULL,                             \
	              "line %d: no '%s' in:\n%s", __LINE__, (text), out)

static void
tree(void)
{
	const char *conf = "[report]\nplugin_dir = " PLUGINS "\n";
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, conf);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, conf);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
}

/* County writes, city forwards, province adopts; each level sees it. */
static void
opinion_flow(char *o)
{
	OK(AT(&X, "opinion", "add", "--title", "关于加强农村饮用水源地保护的建议",
	      "--content", "部分乡镇水源地周边养殖污染,建议划定保护范围。",
	      "--member", "李明", "--year", "2026"));
	take_id(o);
	ck_assert(th_wait_record(&P, o, th_ms(10000)));
	/* Not at the province before the city forwards it. */
	REFUSED(1, AT(&P, "opinion", "adopt", o),
	        "ref: opinion " X_ID ":", "has not reached this node: " C_ID
	        " has not forwarded it (报送)");
	REFUSED(1, AT(&X, "opinion", "adopt", o), "which is not below this node");
	REFUSED(1, AT(&C, "opinion", "instruct", o),
	        "leader: required for a 批示 (instructed)");
	char a1[LD_ID_MAX + 1], a2[LD_ID_MAX + 1], a3[LD_ID_MAX + 1];
	OK(AT(&C, "opinion", "forward", o, "--comment", "报送省政协"));
	take_id(a1);
	ck_assert(th_wait_record(&P, a1, th_ms(10000)));
	OK(AT(&P, "opinion", "adopt", o, "--comment", "省政协社情民意信息采用"));
	take_id(a2);
	OK(AT(&P, "opinion", "instruct", o, "--leader", "省政协主席",
	      "--comment", "请省水利厅研究"));
	take_id(a3);
	/* The province's actions come down the chain to the writer. */
	ck_assert(th_wait_record(&X, a2, th_ms(10000)));
	ck_assert(th_wait_record(&X, a3, th_ms(10000)));
	ck_assert(th_wait_record(&X, a1, th_ms(10000)));
	OK(AT(&X, "opinion", "trail", o));
	HAS("社情民意  关于加强农村饮用水源地保护的建议  (李明, written at " X_ID
	    ")");
	const char *fw = strstr(out, C_ID "  报送 forwarded");
	const char *ad = strstr(out, P_ID "  采用 adopted");
	ck_assert_msg(fw != NULL && ad != NULL && fw < ad, "trail:\n%s", out);
	HAS("批示 instructed");
	HAS("省政协主席  请省水利厅研究");
	/* Each level's counts, at the city (its subtree's opinions). */
	OK(AT(&C, "report", "opinions", "--year", "2026"));
	HAS("| 省级 | 0 | 0 | 1 | 1 |");
	HAS("| 市级 | 0 | 1 | 0 | 0 |");
	HAS("| 县级 | 1 | 0 | 0 | 0 |");
	HAS("| 合计 | 1 | 1 | 1 | 1 |");
	/* Bad input, one line each. */
	REFUSED(2, AT(&X, "opinion", "add", "--title", "t", "--content", "c"),
	        "--member");
	REFUSED(1, AT(&C, "opinion", "adopt", P_ID ":0"),
	        "ref: " P_ID ":0 is a node, not an opinion");
	REFUSED(1, AT(&C, "opinion", "forward", "530000/530300/530325:999"),
	        "ref: no record 530000/530300/530325:999 at this node");
}

START_TEST(test_opinion_levels)
{
	tree();
	char o[LD_ID_MAX + 1];
	opinion_flow(o);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* A 联名 重点 proposal past its reply deadline is overdue in the inbox;
 * extended once, it is not. */
START_TEST(test_proposal_overdue)
{
	th_node_init(&X, "x", P_ID, "云南省政协", false, NULL, NULL);
	th_node_start(&X);
	REFUSED(1, AT(&X, "proposal", "add", "--title", "t", "--key", "yes"),
	        "supervisor: required for a 重点 (key) proposal");
	REFUSED(1, AT(&X, "proposal", "add", "--title", "t", "--submitter",
	              "张华", "--cosigner", "张华"),
	        "cosigner: '张华' is the submitter");
	REFUSED(1, AT(&X, "proposal", "add", "--title", "t", "--extend"),
	        "extended: the proposal has no reply deadline to extend");
	char id[LD_ID_MAX + 1];
	OK(AT(&X, "proposal", "add", "--title", "关于加快城乡供水一体化的建议",
	      "--submitter", "张华", "--cosigner", "李明", "--cosigner", "王芳",
	      "--handler", "县水务局", "--assist", "县财政局", "--key", "yes",
	      "--supervisor", "县政协主席", "--status", "assigned",
	      "--filed-on", "2026-01-10", "--year", "2026"));
	take_id(id);
	OK(AT(&X, "show", id, "--json"));
	HAS("\"deadline\": \"2026-03-10\"");
	HAS("\"cosigners\": [\"李明\", \"王芳\"]");
	OK(AT(&X, "inbox", "--today", "2026-03-20", "--json"));
	HAS("\"action\": \"reply\"");
	HAS("\"overdue\": true");
	HAS("关于加快城乡供水一体化的建议");
	OK(AT(&X, "proposal", "set", id, "--extend"));
	OK(AT(&X, "show", id, "--json"));
	HAS("\"deadline\": \"2026-04-10\"");
	OK(AT(&X, "inbox", "--today", "2026-03-20", "--json"));
	HAS("\"action\": \"reply\"");
	ck_assert_msg(strstr(out, "\"overdue\": true") == NULL, "%s", out);
	REFUSED(1, AT(&X, "proposal", "set", id, "--key", "no"),
	        "supervisor: only a 重点 (key) proposal");
	ck_assert_int_eq(th_node_stop(&X), 0);
}
END_TEST

/* `progress --proposals`: the proposals awaiting a reply of the office
 * and the offices below, overdue first (the inbox's rule), with 主办,
 * 协办, 督办 and 延期; a replied one is not listed; bad input. */
START_TEST(test_proposal_progress)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", false, &P, NULL);
	th_node_start(&P);
	th_node_start(&C);
	char late[LD_ID_MAX + 1], ext[LD_ID_MAX + 1], own[LD_ID_MAX + 1],
	    done[LD_ID_MAX + 1];
	OK(AT(&C, "proposal", "add", "--title", "关于加快城乡供水一体化的建议",
	      "--number", "市提-12", "--submitter", "张华", "--handler",
	      "市水务局", "--assist", "市财政局", "--assist", "市住建局",
	      "--key", "yes", "--supervisor", "市政协主席", "--status",
	      "assigned", "--filed-on", "2026-01-10", "--year", "2026"));
	take_id(late);
	OK(AT(&C, "proposal", "add", "--title", "关于老旧小区加装电梯的建议",
	      "--submitter", "李明", "--handler", "市住建局", "--status",
	      "filed", "--filed-on", "2026-01-20", "--year", "2026"));
	take_id(ext);
	OK(AT(&C, "proposal", "set", ext, "--extend"));
	OK(AT(&C, "proposal", "add", "--title", "已答复的提案", "--submitter",
	      "王芳", "--handler", "市教育局", "--status", "assigned",
	      "--filed-on", "2026-01-05", "--year", "2026"));
	take_id(done);
	OK(AT(&C, "proposal", "set", done, "--status", "replied", "--outcome",
	      "A"));
	OK(AT(&P, "proposal", "add", "--title", "关于滇中引水配套工程的建议",
	      "--submitter", "赵强", "--handler", "省水利厅", "--status",
	      "assigned", "--filed-on", "2026-02-01", "--year", "2026"));
	take_id(own);
	ck_assert(th_wait_record(&P, done, th_ms(10000)));
	ck_assert(th_wait_record(&P, late, th_ms(10000)));
	ck_assert(th_wait_record(&P, ext, th_ms(10000)));

	/* The province sees its own and the city's; one overdue. */
	OK(AT(&P, "progress", "--proposals", "--today", "2026-03-20"));
	HAS("as of 2026-03-20: 3, 1 overdue (逾期)");
	HAS("市提-12  重点  assigned");
	HAS("主办 市水务局  协办 市财政局、市住建局  督办 市政协主席");
	HAS("due 2026-03-10, 10 days overdue  ! 逾期");
	HAS("due 2026-04-20 (延期), in 31 days");
	HAS("due 2026-04-01, in 12 days");
	ck_assert_msg(strstr(out, "已答复的提案") == NULL, "%s", out);
	const char *a = strstr(out, late), *b = strstr(out, own),
	           *c = strstr(out, ext);
	ck_assert_msg(a != NULL && b != NULL && c != NULL && a < b && b < c,
	              "order:\n%s", out);
	OK(AT(&P, "progress", "--proposals", "--today", "2026-03-20",
	      "--json"));
	HAS("\"proposals_overdue\": 1");
	HAS("\"extended\": true");
	HAS("\"assisting\": [\"市财政局\", \"市住建局\"]");
	/* The city sees only its own subtree's; none overdue yet. */
	OK(AT(&C, "progress", "--proposals", "--today", "2026-03-01"));
	HAS("as of 2026-03-01: 2, 0 overdue (逾期)");
	ck_assert_msg(strstr(out, "滇中引水") == NULL, "%s", out);
	/* The inbox counts the same proposal overdue on the same day. */
	OK(AT(&C, "inbox", "--today", "2026-03-20", "--json"));
	HAS("\"overdue\": true");
	/* Bad input, one line each. */
	REFUSED(2, AT(&P, "progress", late, "--proposals"),
	        "a TASK_ID or --proposals, not both");
	REFUSED(2, AT(&P, "progress", "--proposals", "--today", "2026-13-01"),
	        "today: '2026-13-01' is not a date");
	REFUSED(2, AT(&P, "progress"), "progress");
	REFUSED(1, AT(&P, "progress", late), "is a proposal, not a task");
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* The city's published opinions report verified at the province: all
 * figures match; after the county changed its opinion, the figures it
 * is behind are stale, naming it. */
START_TEST(test_verify)
{
	char conf[2400];
	tree();
	char o[LD_ID_MAX + 1];
	opinion_flow(o);
	/* The city publishes its report once it restarts with it. */
	ck_assert_int_eq(th_node_stop(&C), 0);
	snprintf(conf, sizeof(conf), "%s/liandong.conf", C.dir);
	FILE *f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "[report weekly]\nplugin = opinions\nformat = md\n"
	           "every = 7d\npublish = up\n");
	fclose(f);
	ck_assert_int_eq(th_node_stop(&P), 0);
	th_node_start(&P);
	th_node_start(&C);
	int64_t end = th_now_ms() + th_ms(20000);
	char rid[LD_ID_MAX + 1] = "";
	for (;;) {
		OK(AT(&P, "report", "list"));
		const char *p = strstr(out, C_ID ":");
		if (p != NULL && strstr(out, "opinions") != NULL) {
			snprintf(rid, sizeof(rid), "%.*s",
			         (int)strcspn(p, " "), p);
			break;
		}
		ck_assert_msg(th_now_ms() < end, "no report arrived: %s", out);
		th_sleep_ms(100);
	}
	OK(AT(&P, "verify", rid));
	HAS("figures: ");
	HAS(" 0 stale, 0 differ");
	char line[400];
	snprintf(line, sizeof(line), "records: %s v1", o);
	HAS(line);
	OK(AT(&P, "verify", rid, "--json"));
	HAS("\"match\": true");
	HAS("\"attributed\": true");

	/* Upstream, the county changes the opinion. */
	OK(AT(&X, "opinion", "set", o, "--title", "关于加强饮用水源地保护的建议"));
	ck_assert(th_wait_record(&P, o, th_ms(10000)));
	end = th_now_ms() + th_ms(10000);
	for (;;) {
		int rc = AT(&P, "verify", rid);
		if (rc == 1)
			break;
		ck_assert_msg(th_now_ms() < end, "never stale: %s", out);
		th_sleep_ms(100);
	}
	snprintf(line, sizeof(line), "stale\n      changed: %s v1 -> v2", o);
	HAS(line);
	HAS("8 figures: 6 match, 2 stale, 0 differ");
	/* Not a report; bad input. */
	REFUSED(1, AT(&P, "verify", o), "is a opinion, not a published report");
	REFUSED(2, AT(&P, "verify"), "verify");
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("opinions");
	TCase *tc = tcase_create("opinions");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_opinion_levels);
	tcase_add_test(tc, test_proposal_overdue);
	tcase_add_test(tc, test_proposal_progress);
	tcase_add_test(tc, test_verify);
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
