/* check_render.c — a report's document model and its rendering as
 * Markdown, CSV, JSON and HTML (render). */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "render.h"

/* Render `d` as `fmt`; the caller frees the result. */
static char *
render(const struct ld_doc *d, const char *fmt, bool bom)
{
	char *out = NULL;
	size_t len = 0;
	ck_assert_int_eq(ld_doc_render(d, fmt, bom, &out, &len), 0);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

#define ASSERT_RENDERS(d, fmt, bom, want)                                      \
	do {                                                                   \
		char *got_ = render((d), (fmt), (bom));                        \
		ck_assert_str_eq(got_, (want));                                \
		free(got_);                                                    \
	} while (0)

/* What a count-and-rate plugin would produce. */
static struct ld_doc *
sample(void)
{
	static const char *const cols[] = {"单位", "调研", "满意率"};
	static const char *const r1[] = {"富源县政协", "6", "0.95"};
	static const char *const r2[] = {"曲靖市政协", "4", "-"};
	static const char *const labels[] = {"调研", "视察"};
	static const double values[] = {10, 4};
	struct ld_doc *d = ld_doc_new();
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(ld_doc_title(d, "2024年度民主监督报表"), 0);
	ck_assert_int_eq(ld_doc_heading(d, "一、总体情况"), 0);
	ck_assert_int_eq(ld_doc_para(d, "全年开展调研10次。\n视察4次。"), 0);
	ck_assert_int_eq(ld_doc_table(d, "表1 调研情况", 3, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, r1), 0);
	ck_assert_int_eq(ld_doc_row(d, r2), 0);
	ck_assert_int_eq(ld_doc_chart(d, "各类活动", 2, labels, values), 0);
	ck_assert_int_eq(ld_doc_figure(d, "调研", 10), 0);
	ck_assert_int_eq(ld_doc_figure(d, "视察", 4), 0);
	ck_assert_int_eq(ld_doc_figure(d, "满意率", 0.949), 0);
	return d;
}

static const char sample_md[] = "# 2024年度民主监督报表\n"
                                "\n"
                                "## 主要数据\n"
                                "\n"
                                "- 调研: 10\n"
                                "- 视察: 4\n"
                                "- 满意率: 94.9%\n"
                                "\n"
                                "## 一、总体情况\n"
                                "\n"
                                "全年开展调研10次。\n"
                                "视察4次。\n"
                                "\n"
                                "**表1 调研情况**\n"
                                "\n"
                                "| 单位 | 调研 | 满意率 |\n"
                                "| --- | --- | --- |\n"
                                "| 富源县政协 | 6 | 0.95 |\n"
                                "| 曲靖市政协 | 4 | - |\n"
                                "\n"
                                "**各类活动**\n"
                                "\n"
                                "| 项目 | 数值 |\n"
                                "| --- | ---: |\n"
                                "| 调研 | 10 |\n"
                                "| 视察 | 4 |\n";

/* A lone "-" is not a number: a spreadsheet would read it as the start
 * of a formula, so it gets the apostrophe. */
static const char sample_csv[] = "表1 调研情况\r\n"
                                 "单位,调研,满意率\r\n"
                                 "富源县政协,6,0.95\r\n"
                                 "曲靖市政协,4,'-\r\n"
                                 "\r\n"
                                 "各类活动\r\n"
                                 "项目,数值\r\n"
                                 "调研,10\r\n"
                                 "视察,4\r\n"
                                 "\r\n"
                                 "主要数据\r\n"
                                 "名称,数值\r\n"
                                 "调研,10\r\n"
                                 "视察,4\r\n"
                                 "满意率,94.9%\r\n";

static const char sample_json[] =
    "{\"title\":\"2024年度民主监督报表\",\"blocks\":["
    "{\"type\":\"heading\",\"text\":\"一、总体情况\"},"
    "{\"type\":\"para\",\"text\":\"全年开展调研10次。\\n视察4次。\"},"
    "{\"type\":\"table\",\"caption\":\"表1 调研情况\","
    "\"columns\":[\"单位\",\"调研\",\"满意率\"],"
    "\"rows\":[[\"富源县政协\",\"6\",\"0.95\"],[\"曲靖市政协\",\"4\",\"-\"]]},"
    "{\"type\":\"chart\",\"caption\":\"各类活动\",\"bars\":["
    "{\"label\":\"调研\",\"value\":10},{\"label\":\"视察\",\"value\":4}]}],"
    "\"figures\":{\"调研\":10,\"视察\":4,\"满意率\":0.949}}\n";

/* The page after its <head>. The chart: labels end at x=34 (two CJK
 * characters, at least 24 wide), the plot runs from 42 to 600 (value
 * column 24 wide), so 10 fills 558 and 4 fills 223.2. */
static const char sample_html_body[] =
    "<body>\n"
    "<h1>2024年度民主监督报表</h1>\n"
    "<h2>主要数据</h2>\n"
    "<dl class=\"figures\">\n"
    "<div class=\"figure\"><dt>调研</dt><dd data-figure=\"调研\">10</dd>"
    "</div>\n"
    "<div class=\"figure\"><dt>视察</dt><dd data-figure=\"视察\">4</dd>"
    "</div>\n"
    "<div class=\"figure\"><dt>满意率</dt>"
    "<dd data-figure=\"满意率\">94.9%</dd></div>\n"
    "</dl>\n"
    "<h2>一、总体情况</h2>\n"
    "<p>全年开展调研10次。\n视察4次。</p>\n"
    "<table class=\"data\" data-table=\"1\">\n"
    "<caption>表1 调研情况</caption>\n"
    "<thead><tr><th scope=\"col\" class=\"w\">单位</th>"
    "<th scope=\"col\" class=\"w\">调研</th>"
    "<th scope=\"col\" class=\"w\">满意率</th></tr></thead>\n"
    "<tbody>\n"
    "<tr><td class=\"w\">富源县政协</td><td class=\"num\">6</td>"
    "<td class=\"num\">0.95</td></tr>\n"
    "<tr><td class=\"w\">曲靖市政协</td><td class=\"num\">4</td>"
    "<td class=\"w\">-</td></tr>\n"
    "</tbody>\n"
    "</table>\n"
    "<figure class=\"chart\" data-chart=\"1\">\n"
    "<figcaption>各类活动</figcaption>\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 64\" "
    "width=\"640\" height=\"64\" role=\"img\" aria-label=\"各类活动\">\n"
    "<line x1=\"42.0\" y1=\"4.0\" x2=\"42.0\" y2=\"60.0\" stroke=\"#888\" "
    "stroke-width=\"1\"/>\n"
    "<g class=\"bar\" data-label=\"调研\" data-value=\"10\">"
    "<title>调研: 10</title>"
    "<text x=\"34.0\" y=\"24.5\" text-anchor=\"end\">调研</text>"
    "<rect x=\"42.0\" y=\"12.0\" width=\"558.0\" height=\"16\" "
    "fill=\"#4472c4\"/>"
    "<text x=\"632.0\" y=\"24.5\" text-anchor=\"end\">10</text></g>\n"
    "<g class=\"bar\" data-label=\"视察\" data-value=\"4\">"
    "<title>视察: 4</title>"
    "<text x=\"34.0\" y=\"48.5\" text-anchor=\"end\">视察</text>"
    "<rect x=\"42.0\" y=\"36.0\" width=\"223.2\" height=\"16\" "
    "fill=\"#4472c4\"/>"
    "<text x=\"632.0\" y=\"48.5\" text-anchor=\"end\">4</text></g>\n"
    "</svg>\n"
    "</figure>\n"
    "</body>\n"
    "</html>\n";

START_TEST(test_markdown)
{
	struct ld_doc *d = sample();
	ASSERT_RENDERS(d, "md", false, sample_md);
	ASSERT_RENDERS(d, "md", true, sample_md); /* bom is CSV's only */
	ld_doc_free(&d);
	ck_assert_ptr_null(d);
	ld_doc_free(&d); /* harmless twice */
}
END_TEST

START_TEST(test_csv)
{
	struct ld_doc *d = sample();
	ASSERT_RENDERS(d, "csv", false, sample_csv);
	char *bom = render(d, "csv", true);
	ck_assert_mem_eq(bom, "\xef\xbb\xbf", 3);
	ck_assert_str_eq(bom + 3, sample_csv);
	free(bom);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_json)
{
	struct ld_doc *d = sample();
	ASSERT_RENDERS(d, "json", false, sample_json);
	ASSERT_RENDERS(d, "json", true, sample_json);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_html)
{
	struct ld_doc *d = sample();
	char *html = render(d, "html", false);
	/* One self-contained page for Chinese readers, printable. */
	static const char head[] = "<!DOCTYPE html>\n"
	                           "<html lang=\"zh-CN\">\n"
	                           "<head>\n"
	                           "<meta charset=\"utf-8\">\n";
	ck_assert_mem_eq(html, head, sizeof(head) - 1);
	ck_assert_ptr_nonnull(
	    strstr(html, "<title>2024年度民主监督报表</title>\n<style>\n"));
	ck_assert_ptr_nonnull(strstr(html, "\"Noto Sans CJK SC\""));
	ck_assert_ptr_nonnull(strstr(html, "\"Microsoft YaHei\""));
	ck_assert_ptr_nonnull(strstr(html, "@media print{"));
	ck_assert_ptr_nonnull(strstr(html, "</style>\n</head>\n"));
	/* No scripts, nothing fetched: the only URL is the SVG namespace. */
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "src="));
	ck_assert_ptr_null(strstr(html, "href"));
	ck_assert_ptr_null(strstr(html, "url("));
	ck_assert_ptr_null(strstr(html, "@import"));
	const char *body = strstr(html, "<body>\n");
	ck_assert_ptr_nonnull(body);
	ck_assert_str_eq(body, sample_html_body);
	free(html);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_empty)
{
	struct ld_doc *d = ld_doc_new();
	ASSERT_RENDERS(d, "md", false, "");
	ASSERT_RENDERS(d, "csv", false, "");
	ASSERT_RENDERS(d, "csv", true, "\xef\xbb\xbf");
	ASSERT_RENDERS(d, "json", false,
	               "{\"title\":\"\",\"blocks\":[],\"figures\":{}}\n");
	char *html = render(d, "html", false);
	ck_assert_ptr_nonnull(strstr(html, "<title>报表</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<body>\n</body>\n</html>\n"));
	free(html);
	ck_assert_uint_eq(ld_doc_nfigures(d), 0);
	ck_assert_str_eq(ld_doc_error(d), "");
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_formats)
{
	struct ld_doc *d = ld_doc_new();
	ck_assert(ld_doc_format_known("md"));
	ck_assert(ld_doc_format_known("csv"));
	ck_assert(ld_doc_format_known("json"));
	ck_assert(ld_doc_format_known("html"));
	ck_assert(!ld_doc_format_known("pdf"));
	ck_assert(!ld_doc_format_known("HTML"));
	ck_assert(!ld_doc_format_known(""));
	ck_assert(!ld_doc_format_known(NULL));
	char *out = (char *)"x";
	size_t len = 7;
	ck_assert_int_eq(ld_doc_render(d, "xlsx", false, &out, &len), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	ld_doc_free(&d);
}
END_TEST

/* A name given twice keeps its first place and takes the last value. */
START_TEST(test_figures_last_value)
{
	struct ld_doc *d = ld_doc_new();
	ck_assert_int_eq(ld_doc_figure(d, "调研", 1), 0);
	ck_assert_int_eq(ld_doc_figure(d, "视察", 2), 0);
	ck_assert_int_eq(ld_doc_figure(d, "调研", 3), 0);
	ck_assert_uint_eq(ld_doc_nfigures(d), 2);
	ck_assert_str_eq(ld_doc_figure_name(d, 0), "调研");
	ck_assert(ld_doc_figure_value(d, 0) == 3);
	ck_assert_str_eq(ld_doc_figure_name(d, 1), "视察");
	ck_assert(ld_doc_figure_value(d, 1) == 2);
	ck_assert_ptr_null(ld_doc_figure_name(d, 2));
	ASSERT_RENDERS(d, "json", false,
	               "{\"title\":\"\",\"blocks\":[],"
	               "\"figures\":{\"调研\":3,\"视察\":2}}\n");
	ASSERT_RENDERS(d, "md", false, "## 主要数据\n\n- 调研: 3\n- 视察: 2\n");
	ASSERT_RENDERS(d, "csv", false,
	               "主要数据\r\n名称,数值\r\n调研,3\r\n视察,2\r\n");
	ld_doc_free(&d);
}
END_TEST

/* Numbers read the same in md, CSV and HTML; JSON carries them exactly. */
START_TEST(test_numbers)
{
	static const struct {
		double v;
		const char *shown, *json;
	} cases[] = {
	    {10, "10", "10"},
	    {0.949, "0.949", "0.949"},
	    {1.0 / 3, "0.3333", "0.3333333333333333"},
	    {2.0 / 3, "0.6667", "0.6666666666666666"},
	    {-2.5, "-2.5", "-2.5"},
	    {0.1, "0.1", "0.1"},
	    {0.99999, "1", "0.99999"},
	    {1.5e-5, "1.5e-05", "1.5e-05"},
	    {-0.0, "0", "-0"},
	    {1234567, "1234567", "1234567"},
	    {1e20, "1e+20", "1e+20"},
	    {-7, "-7", "-7"},
	    {NAN, "", "null"},
	    {INFINITY, "", "null"},
	    {-INFINITY, "", "null"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ld_doc *d = ld_doc_new();
		ck_assert_int_eq(ld_doc_figure(d, "x", cases[i].v), 0);
		char want[128];
		snprintf(want, sizeof(want), "## 主要数据\n\n- x: %s\n",
		         cases[i].shown);
		ASSERT_RENDERS(d, "md", false, want);
		snprintf(
		    want, sizeof(want),
		    "{\"title\":\"\",\"blocks\":[],\"figures\":{\"x\":%s}}\n",
		    cases[i].json);
		ASSERT_RENDERS(d, "json", false, want);
		char *html = render(d, "html", false);
		snprintf(want, sizeof(want), "<dd data-figure=\"x\">%s</dd>",
		         cases[i].shown);
		ck_assert_msg(strstr(html, want) != NULL, "%s", want);
		free(html);
		ld_doc_free(&d);
	}
}
END_TEST

START_TEST(test_html_escaping)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"<b>&\"'"};
	static const char *const row[] = {"a<script>alert('x')</script>"};
	static const char *const labels[] = {"\"><svg onload=x>"};
	static const double values[] = {1};
	ck_assert_int_eq(ld_doc_title(d, "A&B <i>"), 0);
	ck_assert_int_eq(ld_doc_para(d, "x\x01y\x7fz\xc2\x9b"), 0);
	ck_assert_int_eq(ld_doc_table(d, "'cap'", 1, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, row), 0);
	ck_assert_int_eq(ld_doc_chart(d, "\"q\"", 1, labels, values), 0);
	ck_assert_int_eq(ld_doc_figure(d, "\"><b>", 1), 0);
	char *html = render(d, "html", false);
	ck_assert_ptr_nonnull(strstr(html, "<title>A&amp;B &lt;i&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(html, "<h1>A&amp;B &lt;i&gt;</h1>"));
	/* Controls HTML calls parse errors show as U+FFFD. */
	ck_assert_ptr_nonnull(strstr(html, "<p>x\xef\xbf\xbdy\xef\xbf\xbdz"
	                                   "\xef\xbf\xbd</p>"));
	ck_assert_ptr_nonnull(strstr(html, "<caption>&#39;cap&#39;</caption>"));
	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"col\" class=\"w\">"
	                                   "&lt;b&gt;&amp;&quot;&#39;</th>"));
	ck_assert_ptr_nonnull(strstr(html, ">a&lt;script&gt;alert(&#39;x"
	                                   "&#39;)&lt;/script&gt;</td>"));
	ck_assert_ptr_nonnull(strstr(html, "aria-label=\"&quot;q&quot;\""));
	ck_assert_ptr_nonnull(strstr(html, "data-label=\"&quot;&gt;&lt;svg "
	                                   "onload=x&gt;\""));
	ck_assert_ptr_nonnull(strstr(html, "<dt>&quot;&gt;&lt;b&gt;</dt>"
	                                   "<dd data-figure=\"&quot;&gt;&lt;"
	                                   "b&gt;\">1</dd>"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<svg onload"));
	free(html);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_csv_escaping)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"名称", "值"};
	static const char *const rows[][2] = {
	    {"a,b", "say \"hi\""},
	    {"line1\nline2", "cr\rlf\r\n"},
	    {"=SUM(A1:A9)", "=HYPERLINK(\"http://x\",\"y\")"},
	    {"+1", "+cmd"},
	    {"-3", "-2+3"},
	    {"@SUM(1)", "-5%"},
	    {"+1.5e3", "-.5"},
	    {"\tx", "-"},
	    {"a=b", "普通"},
	};
	ck_assert_int_eq(ld_doc_table(d, "说明,注意", 2, cols), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_int_eq(ld_doc_row(d, rows[i]), 0);
	static const char *const labels[] = {"-负"};
	static const double values[] = {-3};
	ck_assert_int_eq(ld_doc_chart(d, NULL, 1, labels, values), 0);
	ASSERT_RENDERS(d, "csv", false,
	               "\"说明,注意\"\r\n"
	               "名称,值\r\n"
	               "\"a,b\",\"say \"\"hi\"\"\"\r\n"
	               "\"line1\nline2\",\"cr\rlf\r\n\"\r\n"
	               "'=SUM(A1:A9),"
	               "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"
	               "+1,'+cmd\r\n"
	               "-3,'-2+3\r\n"
	               "'@SUM(1),-5%\r\n"
	               "+1.5e3,-.5\r\n"
	               "'\tx,'-\r\n"
	               "a=b,普通\r\n"
	               "\r\n"
	               "项目,数值\r\n"
	               "'-负,-3\r\n");
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_csv_bom_with_tables)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"a"};
	ck_assert_int_eq(ld_doc_title(d, "不进 CSV"), 0);
	ck_assert_int_eq(ld_doc_heading(d, "也不进"), 0);
	ck_assert_int_eq(ld_doc_para(d, "段落"), 0);
	ck_assert_int_eq(ld_doc_table(d, "", 1, cols), 0);
	ck_assert_int_eq(ld_doc_table(d, NULL, 1, cols), 0);
	ASSERT_RENDERS(d, "csv", true,
	               "\xef\xbb\xbf"
	               "a\r\n\r\na\r\n");
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_json_escaping)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"\"q\"\\"};
	static const char *const row[] = {"\x01\x1f\x7f"};
	ck_assert_int_eq(ld_doc_title(d, "t\tb\bf\fn\nr\r"), 0);
	ck_assert_int_eq(ld_doc_para(d, "ls\xe2\x80\xa8ps\xe2\x80\xa9/<"), 0);
	ck_assert_int_eq(ld_doc_table(d, NULL, 1, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, row), 0);
	ASSERT_RENDERS(d, "json", false,
	               "{\"title\":\"t\\tb\\bf\\fn\\nr\\r\",\"blocks\":["
	               "{\"type\":\"para\",\"text\":\"ls\\u2028ps\\u2029/<\"},"
	               "{\"type\":\"table\",\"caption\":\"\","
	               "\"columns\":[\"\\\"q\\\"\\\\\"],"
	               "\"rows\":[[\"\\u0001\\u001f\\u007f\"]]}],"
	               "\"figures\":{}}\n");
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_markdown_escaping)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"a|b", "c"};
	static const char *const row[] = {"x\ny\r\nz", "-3 *not* \\|"};
	static const char *const labels[] = {"l|1"};
	static const double values[] = {2};
	ck_assert_int_eq(ld_doc_title(d, " #标题 # "), 0);
	ck_assert_int_eq(ld_doc_heading(d, "- 不是列表\n第二行"), 0);
	ck_assert_int_eq(ld_doc_para(d, "1. 不是列表\n    不是代码\n"
	                                "*不是强调* _也不是_ [链接](x) "
	                                "<b>&amp; `码` ~删~ !"),
	                 0);
	ck_assert_int_eq(ld_doc_para(d, "+ a\n= b\n2024) 年"), 0);
	ck_assert_int_eq(ld_doc_table(d, " 表*1* ", 2, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, row), 0);
	ck_assert_int_eq(ld_doc_chart(d, "图", 1, labels, values), 0);
	ck_assert_int_eq(ld_doc_figure(d, "- 名", 1), 0);
	ASSERT_RENDERS(d, "md", false,
	               "# \\#标题 \\#\n"
	               "\n"
	               "## 主要数据\n"
	               "\n"
	               "- \\- 名: 1\n"
	               "\n"
	               "## \\- 不是列表 第二行\n"
	               "\n"
	               "1\\. 不是列表\n"
	               "不是代码\n"
	               "\\*不是强调\\* \\_也不是\\_ \\[链接\\](x) "
	               "\\<b\\>\\&amp; \\`码\\` \\~删\\~ \\!\n"
	               "\n"
	               "\\+ a\n"
	               "\\= b\n"
	               "2024\\) 年\n"
	               "\n"
	               "**表\\*1\\***\n"
	               "\n"
	               "| a\\|b | c |\n"
	               "| --- | --- |\n"
	               "| x<br>y<br>z | -3 \\*not\\* \\\\\\| |\n"
	               "\n"
	               "**图**\n"
	               "\n"
	               "| 项目 | 数值 |\n"
	               "| --- | ---: |\n"
	               "| l\\|1 | 2 |\n");
	ld_doc_free(&d);
}
END_TEST

/* Each byte that is not part of well-formed UTF-8 becomes U+FFFD. */
START_TEST(test_invalid_utf8)
{
	struct ld_doc *d = ld_doc_new();
	ck_assert_int_eq(ld_doc_title(d, "\xe5\xaf"
	                                 "a\xff"
	                                 "b\xc0\x80"),
	                 0);
	ck_assert_int_eq(ld_doc_para(d, "\xed\xa0\x80"
	                                "富\xf4\x90\x80\x80"),
	                 0);
	ck_assert_int_eq(ld_doc_figure(d, "调\xe7", 1), 0);
	ck_assert_int_eq(ld_doc_figure(d, "调\xe8", 2), 0); /* same name */
#define R "\xef\xbf\xbd"
	ck_assert_uint_eq(ld_doc_nfigures(d), 1);
	ck_assert_str_eq(ld_doc_figure_name(d, 0), "调" R);
	ASSERT_RENDERS(d, "json", false,
	               "{\"title\":\"" R R "a" R "b" R R "\",\"blocks\":["
	               "{\"type\":\"para\",\"text\":\"" R R R "富" R R R R
	               "\"}],\"figures\":{\"调" R "\":2}}\n");
#undef R
	ck_assert_str_eq(ld_doc_error(d), "");
	ld_doc_free(&d);
}
END_TEST

/* A refused call says why and leaves the document as it was. */
START_TEST(test_refused)
{
	struct ld_doc *d = sample();
	static const char *const cols[LD_DOC_MAX_COLS + 1] = {"a"};
	static const char *const labels[LD_DOC_MAX_BARS + 1] = {"a"};
	static const double values[LD_DOC_MAX_BARS + 1] = {1};
	char *big = malloc(LD_DOC_MAX_TEXT + 2);
	memset(big, 'x', LD_DOC_MAX_TEXT + 1);
	big[LD_DOC_MAX_TEXT + 1] = '\0';
	const char *bigrow[3] = {"a", big, "c"};

	ck_assert_int_eq(ld_doc_table(d, "t", LD_DOC_MAX_COLS + 1, cols), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "a table of 65 columns (at most 64)");
	ck_assert_int_eq(ld_doc_table(d, "t", 0, cols), -EINVAL);
	ck_assert_str_eq(ld_doc_error(d), "a table of no columns");
	ck_assert_int_eq(
	    ld_doc_chart(d, "c", LD_DOC_MAX_BARS + 1, labels, values), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "a chart of 257 bars (at most 256)");
	ck_assert_int_eq(ld_doc_para(d, big), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "a text longer than 65536 bytes");
	ck_assert_int_eq(ld_doc_title(d, big), LD_ELIMIT);
	ck_assert_int_eq(ld_doc_figure(d, big, 1), LD_ELIMIT);
	ck_assert_int_eq(ld_doc_figure(d, "", 1), -EINVAL);
	ck_assert_str_eq(ld_doc_error(d), "a figure without a name");
	ck_assert_int_eq(ld_doc_figure(d, NULL, 1), -EINVAL);
	/* A row must follow its table or its table's rows. */
	ck_assert_int_eq(ld_doc_row(d, cols), -EINVAL);
	ck_assert_str_eq(ld_doc_error(d), "a row not right after its table");
	struct ld_doc *e = ld_doc_new();
	ck_assert_int_eq(ld_doc_row(e, cols), -EINVAL);
	ck_assert_str_eq(ld_doc_error(e), "a row not right after its table");
	ck_assert_int_eq(ld_doc_para(e, "p"), 0);
	ck_assert_int_eq(ld_doc_table(e, "t", 3, bigrow), LD_ELIMIT); /* big head */
	ck_assert_int_eq(ld_doc_row(e, cols), -EINVAL);             /* so no table */
	static const char *const abc[] = {"a", "b", "c"};
	ck_assert_int_eq(ld_doc_table(e, "t", 3, abc), 0);
	ck_assert_int_eq(ld_doc_row(e, abc), 0);
	/* Half a row is not kept: the big cell comes second. */
	ck_assert_int_eq(ld_doc_row(e, bigrow), LD_ELIMIT);
	ck_assert_int_eq(ld_doc_para(e, "q"), 0);
	ck_assert_int_eq(ld_doc_row(e, abc), -EINVAL);
	ASSERT_RENDERS(e, "json", false,
	               "{\"title\":\"\",\"blocks\":["
	               "{\"type\":\"para\",\"text\":\"p\"},"
	               "{\"type\":\"table\",\"caption\":\"t\","
	               "\"columns\":[\"a\",\"b\",\"c\"],"
	               "\"rows\":[[\"a\",\"b\",\"c\"]]},"
	               "{\"type\":\"para\",\"text\":\"q\"}],"
	               "\"figures\":{}}\n");
	ld_doc_free(&e);

	/* The most of everything is taken. */
	big[LD_DOC_MAX_TEXT] = '\0';
	ck_assert_int_eq(ld_doc_para(d, big), 0);
	ck_assert_int_eq(ld_doc_chart(d, "", LD_DOC_MAX_BARS, labels, values),
	                 0);

	char *json = render(d, "json", false);
	struct ld_doc *want = sample();
	ck_assert_int_eq(ld_doc_para(want, big), 0);
	ck_assert_int_eq(
	    ld_doc_chart(want, "", LD_DOC_MAX_BARS, labels, values), 0);
	ASSERT_RENDERS(want, "json", false, json);
	free(json);
	ld_doc_free(&want);
	free(big);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_limit_blocks)
{
	struct ld_doc *d = ld_doc_new();
	for (int i = 0; i < LD_DOC_MAX_BLOCKS; i++)
		ck_assert_int_eq(ld_doc_heading(d, "h"), 0);
	ck_assert_int_eq(ld_doc_para(d, "p"), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "more than 10000 blocks");
	static const char *const cols[] = {"a"};
	ck_assert_int_eq(ld_doc_table(d, "t", 1, cols), LD_ELIMIT);
	ck_assert_int_eq(ld_doc_chart(d, "c", 0, NULL, NULL), LD_ELIMIT);
	/* Figures and the title are not blocks. */
	ck_assert_int_eq(ld_doc_figure(d, "f", 1), 0);
	ck_assert_int_eq(ld_doc_title(d, "t"), 0);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_limit_rows_and_cells)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const one[] = {"1"};
	ck_assert_int_eq(ld_doc_table(d, "t", 1, one), 0);
	for (int i = 0; i < LD_DOC_MAX_ROWS; i++)
		ck_assert_int_eq(ld_doc_row(d, one), 0);
	ck_assert_int_eq(ld_doc_row(d, one), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "more than 1000000 rows in all");
	ck_assert_int_eq(ld_doc_table(d, "u", 1, one), 0);
	ck_assert_int_eq(ld_doc_row(d, one), LD_ELIMIT);
	ld_doc_free(&d);

	/* 4,000,000 cells: 62,500 rows of 64, less the header. */
	d = ld_doc_new();
	static const char *const wide[LD_DOC_MAX_COLS] = {"c"};
	ck_assert_int_eq(ld_doc_table(d, NULL, LD_DOC_MAX_COLS, wide), 0);
	int rows = LD_DOC_MAX_CELLS / LD_DOC_MAX_COLS - 1;
	for (int i = 0; i < rows; i++)
		ck_assert_int_eq(ld_doc_row(d, wide), 0);
	ck_assert_int_eq(ld_doc_row(d, wide), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "more than 4000000 cells in all");
	static const char *const lab[] = {"x"};
	static const double val[] = {1};
	ck_assert_int_eq(ld_doc_chart(d, NULL, 1, lab, val), LD_ELIMIT);
	ld_doc_free(&d);
}
END_TEST

START_TEST(test_limit_text_and_figures)
{
	struct ld_doc *d = ld_doc_new();
	char *big = malloc(LD_DOC_MAX_TEXT + 1);
	memset(big, 'x', LD_DOC_MAX_TEXT);
	big[LD_DOC_MAX_TEXT] = '\0';
	/* Each takes 64 KiB and a NUL: 511 fit in 32 MiB, the 512th not. */
	for (int i = 0; i < 511; i++)
		ck_assert_int_eq(ld_doc_para(d, big), 0);
	ck_assert_int_eq(ld_doc_para(d, big), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "more than 32 MiB of text in all");
	ck_assert_int_eq(ld_doc_figure(d, big, 1), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "more than 32 MiB of text in all");
	ck_assert_int_eq(ld_doc_para(d, "still fits"), 0);
	free(big);
	ld_doc_free(&d);

	d = ld_doc_new();
	char name[16];
	for (int i = 0; i < LD_DOC_MAX_FIGURES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		ck_assert_int_eq(ld_doc_figure(d, name, i), 0);
	}
	ck_assert_int_eq(ld_doc_figure(d, "one more", 1), LD_ELIMIT);
	ck_assert_str_eq(ld_doc_error(d), "more than 1000 figures");
	ck_assert_int_eq(ld_doc_figure(d, "f7", 70), 0); /* known: updated */
	ck_assert(ld_doc_figure_value(d, 7) == 70);
	ck_assert_uint_eq(ld_doc_nfigures(d), LD_DOC_MAX_FIGURES);
	ld_doc_free(&d);
}
END_TEST

/* The width of the bar for `label` in the page, or -1 if it has none. */
static double
bar_width(const char *html, const char *label)
{
	char key[256];
	snprintf(key, sizeof(key), "data-label=\"%s\"", label);
	const char *g = strstr(html, key);
	ck_assert_msg(g != NULL, "no bar %s", label);
	const char *end = strstr(g, "</g>");
	const char *w = strstr(g, " width=\"");
	if (w == NULL || w > end)
		return -1;
	return strtod(w + 8, NULL);
}

static double
bar_x(const char *html, const char *label)
{
	char key[256];
	snprintf(key, sizeof(key), "data-label=\"%s\"", label);
	const char *g = strstr(html, key);
	const char *x = strstr(strstr(g, "<rect"), " x=\"");
	return strtod(x + 4, NULL);
}

START_TEST(test_chart_scaling)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const labels[] = {"a", "b", "c", "d"};
	static const double mixed[] = {30, -10, 0, NAN};
	static const double zeros[] = {0, 0};
	static const double negs[] = {-1, -4};
	static const double huge[] = {1.7e308, -1.7e308};
	ck_assert_int_eq(ld_doc_chart(d, "mixed", 4, labels, mixed), 0);
	char *html = render(d, "html", false);
	/* Plot 40..600 (labels and values in their narrowest columns):
	 * zero at 1/4, 30 to the right edge, -10 to the left one. */
	ck_assert_double_eq_tol(bar_x(html, "a"), 180, 0.01);
	ck_assert_double_eq_tol(bar_width(html, "a"), 420, 0.01);
	ck_assert_double_eq_tol(bar_x(html, "b"), 40, 0.01);
	ck_assert_double_eq_tol(bar_width(html, "b"), 140, 0.01);
	ck_assert_double_eq_tol(bar_width(html, "c"), 0, 0.01);
	ck_assert_double_eq(bar_width(html, "d"), -1); /* NaN: no bar */
	ck_assert_ptr_nonnull(strstr(html,
	                             "<g class=\"bar neg\" "
	                             "data-label=\"b\" data-value=\"-10\">"));
	ck_assert_ptr_nonnull(strstr(html, "data-label=\"d\" data-value=\"\">"
	                                   "<title>d</title>"));
	free(html);
	ld_doc_free(&d);

	d = ld_doc_new();
	ck_assert_int_eq(ld_doc_chart(d, "zeros", 2, labels, zeros), 0);
	ck_assert_int_eq(ld_doc_chart(d, "negs", 2, labels + 2, negs), 0);
	ck_assert_int_eq(ld_doc_chart(d, "huge", 2, labels, huge), 0);
	ck_assert_int_eq(ld_doc_chart(d, "none", 0, NULL, NULL), 0);
	html = render(d, "html", false);
	const char *zero = strstr(html, "data-chart=\"1\"");
	const char *neg = strstr(html, "data-chart=\"2\"");
	const char *hug = strstr(html, "data-chart=\"3\"");
	const char *none = strstr(html, "data-chart=\"4\"");
	ck_assert_double_eq_tol(bar_width(zero, "a"), 0, 0.01);
	ck_assert_double_eq_tol(bar_width(zero, "b"), 0, 0.01);
	/* All negative: zero at the right edge, -4 spans the plot. */
	ck_assert_double_eq_tol(bar_x(neg, "d"), 40, 0.01);
	ck_assert_double_eq_tol(bar_width(neg, "d"), 560, 0.01);
	ck_assert_double_eq_tol(bar_width(neg, "c"), 140, 0.01);
	/* Values near the largest double are scaled without overflow: the
	 * value column is 67.5 wide for "-1.7e+308", the plot 516.5. */
	ck_assert_double_eq_tol(bar_width(hug, "a"), 258.25, 0.06);
	ck_assert_double_eq_tol(bar_width(hug, "b"), 258.25, 0.06);
	ck_assert_ptr_nonnull(strstr(none, "（无数据）</text>\n</svg>"));
	ck_assert_ptr_null(strstr(html, "nan"));
	ck_assert_ptr_null(strstr(html, "inf"));
	free(html);
	ld_doc_free(&d);
}
END_TEST

/* A label too long for its column is cut with an ellipsis; the whole
 * label stays in the bar's attributes and tooltip. */
START_TEST(test_chart_long_label)
{
	struct ld_doc *d = ld_doc_new();
	static const char *const labels[] = {
	    "富源县政协关于加强农村饮水安全工程建设与管护的调研报告"};
	static const double values[] = {5};
	ck_assert_int_eq(ld_doc_chart(d, "长", 1, labels, values), 0);
	char *html = render(d, "html", false);
	ck_assert_ptr_nonnull(strstr(html, "<title>富源县政协关于加强农村饮水安"
	                                   "全工程建设与管护的调研报告: 5"));
	/* 200 wide: 14 characters of 13, then the ellipsis. */
	ck_assert_ptr_nonnull(strstr(html, "text-anchor=\"end\">富源县政协关于"
	                                   "加强农村饮水安…</text>"));
	free(html);
	ld_doc_free(&d);
}
END_TEST

static Suite *
render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("formats");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_markdown);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_html);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_figures_last_value);
	tcase_add_test(tc, test_numbers);
	suite_add_tcase(s, tc);

	tc = tcase_create("escaping");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_html_escaping);
	tcase_add_test(tc, test_csv_escaping);
	tcase_add_test(tc, test_csv_bom_with_tables);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_markdown_escaping);
	tcase_add_test(tc, test_invalid_utf8);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_limit_blocks);
	tcase_add_test(tc, test_limit_rows_and_cells);
	tcase_add_test(tc, test_limit_text_and_figures);
	suite_add_tcase(s, tc);

	tc = tcase_create("charts");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_chart_scaling);
	tcase_add_test(tc, test_chart_long_label);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(render_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
