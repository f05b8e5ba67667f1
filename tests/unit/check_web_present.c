/* check_web_present.c — the console's pure presentation helpers
 * (web/present.c): "N 分钟前", bar widths, a bar as SVG (no style
 * attributes), download names, report settings typed in a form,
 * the Chinese labels of a link, and the 下级节点 section of /node
 * (web/nodetree.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nodetree.h"
#include "present.h"

static const long long MIN = 60000;

START_TEST(test_ago)
{
	char s[64];
	long long now = 1780000000000LL;
	ld_present_ago(s, sizeof(s), 0, now);
	ck_assert_str_eq(s, "从未");
	ld_present_ago(s, sizeof(s), now - 59999, now);
	ck_assert_str_eq(s, "刚刚");
	ld_present_ago(s, sizeof(s), now + 5 * MIN, now); /* clocks apart */
	ck_assert_str_eq(s, "刚刚");
	ld_present_ago(s, sizeof(s), now - MIN, now);
	ck_assert_str_eq(s, "1 分钟前");
	ld_present_ago(s, sizeof(s), now - 59 * MIN - 59999, now);
	ck_assert_str_eq(s, "59 分钟前");
	ld_present_ago(s, sizeof(s), now - 60 * MIN, now);
	ck_assert_str_eq(s, "1 小时前");
	ld_present_ago(s, sizeof(s), now - 26 * 60 * MIN, now);
	ck_assert_str_eq(s, "1 天前");
	ld_present_ago(s, sizeof(s), now - 3 * 24 * 60 * MIN, now);
	ck_assert_str_eq(s, "3 天前");
}
END_TEST

START_TEST(test_bar)
{
	ck_assert_uint_eq(ld_present_bar(0, 10, 200), 0);
	ck_assert_uint_eq(ld_present_bar(5, 0, 200), 0);
	ck_assert_uint_eq(ld_present_bar(10, 10, 200), 200);
	ck_assert_uint_eq(ld_present_bar(11, 10, 200), 200); /* never over */
	ck_assert_uint_eq(ld_present_bar(5, 10, 200), 100);
	ck_assert_uint_eq(ld_present_bar(1, 3, 200), 67);    /* rounded */
	ck_assert_uint_eq(ld_present_bar(1, 1000000, 200), 1); /* seen */
}
END_TEST

START_TEST(test_bar_svg)
{
	struct ld_buf b = {0};
	ld_present_bar_svg(&b, 4, 10);
	ld_buf_putc(&b, '\0');
	ck_assert_ptr_nonnull(strstr(b.p, "<svg class=\"bar\" "
	                                  "aria-hidden=\"true\""));
	ck_assert_ptr_null(strstr(b.p, "style="));
	/* The track takes the whole width, the bar its share of it. */
	ck_assert_ptr_nonnull(strstr(b.p, "<rect width=\"200\""));
	ck_assert_ptr_nonnull(strstr(b.p, "<rect width=\"80\""));
	ck_assert_ptr_nonnull(strstr(b.p, "</svg>"));
	ld_buf_free(&b);
	ld_present_bar_svg(&b, 0, 0);
	ld_buf_putc(&b, '\0');
	ck_assert_ptr_nonnull(strstr(b.p, "<rect width=\"0\""));
	ld_buf_free(&b);
}
END_TEST

START_TEST(test_disposition)
{
	struct ld_buf b = {0};
	ld_present_disposition(&b, "summary-2018.md");
	ld_buf_putc(&b, '\0');
	ck_assert_str_eq(b.p, "attachment; filename=\"summary-2018.md\"; "
	                      "filename*=UTF-8''summary-2018.md");
	ld_buf_free(&b);
	ld_present_disposition(&b, "年报 \"a\".csv");
	ld_buf_putc(&b, '\0');
	ck_assert_ptr_nonnull(strstr(b.p, "filename*=UTF-8''%E5%B9%B4%E6%8A%A5"
	                                  "%20%22a%22.csv"));
	/* The fallback holds no quote, no byte over 0x7e. */
	const char *q = strstr(b.p, "filename=\"") + 10;
	const char *end = strchr(q, '"');
	for (const char *p = q; p < end; p++)
		ck_assert((unsigned char)*p < 0x7f);
	ck_assert_ptr_nonnull(strstr(b.p, "_a_.csv\";"));
	ld_buf_free(&b);
}
END_TEST

START_TEST(test_sets)
{
	const char *set[LD_PRESENT_SETS_MAX];
	size_t n;
	char t1[] = "today=2026-11-23\r\n\n  min.专题协商=4  \n";
	ck_assert_ptr_null(ld_present_sets(t1, set, &n));
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(set[0], "today=2026-11-23");
	ck_assert_str_eq(set[1], "min.专题协商=4");
	char t2[] = "today=1\nnot a setting\n";
	ck_assert_ptr_nonnull(ld_present_sets(t2, set, &n));
	char t3[] = "=4";
	ck_assert_ptr_nonnull(ld_present_sets(t3, set, &n));
	char t4[] = "";
	ck_assert_ptr_null(ld_present_sets(t4, set, &n));
	ck_assert_uint_eq(n, 0);
	char many[40 * 4 + 1] = "";
	for (int i = 0; i < 40; i++)
		strcat(many, "a=1\n");
	ck_assert_ptr_nonnull(ld_present_sets(many, set, &n));
}
END_TEST

START_TEST(test_link_labels)
{
	ck_assert_str_eq(ld_present_link_state("up"), "已连接");
	ck_assert_str_eq(ld_present_link_state("hello_sent"), "连接中");
	ck_assert_str_eq(ld_present_link_state("down"), "断开");
	ck_assert_str_eq(ld_present_link_state("rejected"), "被拒绝");
	ck_assert_str_eq(ld_present_link_state("connecting"), "连接中");
	ck_assert_str_eq(ld_present_link_state("odd"), "odd");
	ck_assert_str_eq(ld_present_link_role("parent"), "上级");
	ck_assert_str_eq(ld_present_link_role("child"), "下级");
}
END_TEST

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

START_TEST(test_node_tree)
{
	long long now = 1780000000000LL;
	Ld__StatusResponse s = LD__STATUS_RESPONSE__INIT;
	s.path = "/yn/qj";
	s.silent_after_s = 7200;
	/* Only this office: nothing below. */
	Ld__TreeOffice self = LD__TREE_OFFICE__INIT;
	self.path = "/yn/qj";
	self.name = "曲靖市政协";
	self.reported_ms = now;
	Ld__TreeOffice *one[] = {&self};
	s.tree = one;
	s.n_tree = 1;
	struct ld_buf b = {0};
	ld_node_tree(&b, &s, now);
	ck_assert_ptr_nonnull(strstr(b.p, "<h2>下级节点</h2>"));
	ck_assert_ptr_nonnull(strstr(b.p, "无下级节点。"));
	ck_assert_ptr_null(strstr(b.p, "<table"));
	ld_buf_free(&b);

	/* A county reporting 5 minutes ago with its links, a town below it
	 * never heard of (失联), a name that is not markup. */
	Ld__LinkHealth up = LD__LINK_HEALTH__INIT;
	up.path = "/yn/qj";
	up.role = "parent";
	up.state = "up";
	up.lag_in = 2;
	up.lag_out = 7;
	Ld__LinkHealth down = LD__LINK_HEALTH__INIT;
	down.path = "/yn/qj/fy/zz";
	down.role = "child";
	down.state = "connecting";
	down.conflicts = 1;
	Ld__LinkHealth *ls[] = {&up, &down};
	Ld__Health h = LD__HEALTH__INIT;
	h.links = ls;
	h.n_links = 2;
	h.version = "1.4.0";
	h.records = 120;
	Ld__TreeOffice fy = LD__TREE_OFFICE__INIT;
	fy.path = "/yn/qj/fy";
	fy.name = "富源县<政协>";
	fy.reported_ms = now - 5 * MIN;
	fy.health = &h;
	Ld__TreeOffice zz = LD__TREE_OFFICE__INIT;
	zz.path = "/yn/qj/fy/zz";
	zz.name = "";
	zz.silent = true;
	Ld__TreeOffice *three[] = {&self, &fy, &zz};
	s.tree = three;
	s.n_tree = 3;
	ld_node_tree(&b, &s, now);
	ck_assert_ptr_null(strstr(b.p, "无下级节点"));
	ck_assert_msg(strstr(b.p, "共 2 个下级节点，<span class=\"overdue\">"
	                          "1 个失联</span>（超过 2 小时没有运行报告）") !=
	                  NULL,
	              "%s", b.p);
	ck_assert_ptr_nonnull(strstr(b.p, "<table class=\"cards tree\">"));
	ck_assert_uint_eq(count(b.p, "<tr data-office="), 2);
	ck_assert_ptr_null(strstr(b.p, "data-office=\"/yn/qj\""));
	/* Escaped, indented by depth, every cell labelled for a phone. */
	ck_assert_ptr_nonnull(strstr(b.p, "<tr data-office=\"/yn/qj/fy\" "
	                                  "data-depth=\"1\"><td class=\"office\" "
	                                  "data-label=\"单位\">富源县&lt;政协&gt; "));
	ck_assert_ptr_null(strstr(b.p, "<政协>"));
	ck_assert_ptr_nonnull(strstr(b.p, "<tr data-office=\"/yn/qj/fy/zz\" "
	                                  "data-depth=\"2\" data-silent=\"1\">"
	                                  "<td class=\"office\" data-label=\"单位\">"
	                                  "　└ /yn/qj/fy/zz "));
	ck_assert_ptr_nonnull(strstr(b.p, "<td data-label=\"最后报告\">5 分钟前"));
	ck_assert_ptr_nonnull(strstr(b.p, "<td data-label=\"最后报告\">从未</td>"));
	ck_assert_uint_eq(count(b.p, "data-label=\"状态\">失联"), 1);
	ck_assert_uint_eq(count(b.p, "data-label=\"状态\">正常"), 1);
	ck_assert_ptr_nonnull(strstr(b.p, "上级 /yn/qj：已连接，待收 2，待发 7"));
	ck_assert_ptr_nonnull(strstr(b.p, "下级 /yn/qj/fy/zz：连接中，待收 0，"
	                                  "待发 0，<span class=\"overdue\">冲突 1"));
	ck_assert_ptr_nonnull(strstr(b.p, "liandongd 1.4.0 · 120 条记录"));
	ck_assert_ptr_nonnull(strstr(b.p, "<td data-label=\"连接\"><span "
	                                  "class=\"muted\">未报告</span>"));
	ck_assert_ptr_null(strstr(b.p, "style="));
	ld_buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("web_present");
	TCase *tc = tcase_create("present");
	tcase_add_test(tc, test_ago);
	tcase_add_test(tc, test_bar);
	tcase_add_test(tc, test_bar_svg);
	tcase_add_test(tc, test_disposition);
	tcase_add_test(tc, test_sets);
	tcase_add_test(tc, test_link_labels);
	tcase_add_test(tc, test_node_tree);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
