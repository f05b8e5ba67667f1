/* check_csv.c — the CSV reader and writer (csv.c) and the plan and
 * proposal tables read and written through it (sheet.c, batch.c). */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "err.h"
#include "csv.h"
#include "sheet.h"

#define SELF "350000/350400/350403"

static struct ld_csv csv;
static struct ld_csv_error ce;

/* Parse a string literal, NULs included. */
#define PARSE(lit) ld_csv_parse((lit), sizeof(lit) - 1, &csv, &ce)

static void
teardown(void)
{
	ld_csv_free(&csv);
}

static void
row_is(size_t i, size_t line, size_t n, ...)
{
	ck_assert_uint_lt(i, csv.n);
	ck_assert_uint_eq(csv.rows[i].line, line);
	ck_assert_uint_eq(csv.rows[i].n, n);
	va_list ap;
	va_start(ap, n);
	for (size_t k = 0; k < n; k++)
		ck_assert_str_eq(csv.rows[i].f[k], va_arg(ap, const char *));
	va_end(ap);
}

/* Refused at line:col with a message containing `word`. */
static void
refused(int rc, size_t line, size_t col, const char *word)
{
	ck_assert_int_eq(rc, LD_ESYNTAX);
	ck_assert_uint_eq(csv.n, 0);
	ck_assert_msg(ce.line == line && ce.col == col,
	              "at %zu:%zu, not %zu:%zu: %s", ce.line, ce.col, line, col,
	              ce.msg);
	ck_assert_msg(strstr(ce.msg, word) != NULL, "'%s' lacks '%s'", ce.msg,
	              word);
}

START_TEST(test_plain_rows)
{
	ck_assert_int_eq(PARSE("年度,议题\n2017,林业改革\n"), 0);
	ck_assert_uint_eq(csv.n, 2);
	row_is(0, 1, 2, "年度", "议题");
	row_is(1, 2, 2, "2017", "林业改革");
	ld_csv_free(&csv);
	/* CRLF, a lone CR, no final line break, empty lines skipped. */
	ck_assert_int_eq(PARSE("a,b\r\n\r\nc,d\re,f\n\n\ng,h"), 0);
	ck_assert_uint_eq(csv.n, 4);
	row_is(0, 1, 2, "a", "b");
	row_is(1, 3, 2, "c", "d");
	row_is(2, 4, 2, "e", "f");
	row_is(3, 7, 2, "g", "h");
	ld_csv_free(&csv);
	/* Empty fields, spaces kept (RFC 4180). */
	ck_assert_int_eq(PARSE(",x, y ,\n"), 0);
	row_is(0, 1, 4, "", "x", " y ", "");
	ld_csv_free(&csv);
	ck_assert_int_eq(PARSE(""), 0);
	ck_assert_uint_eq(csv.n, 0);
	ck_assert_int_eq(PARSE("\n\r\n"), 0);
	ck_assert_uint_eq(csv.n, 0);
}
END_TEST

START_TEST(test_quoted)
{
	ck_assert_int_eq(PARSE("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"
	                       "\"two\r\nlines\",x\n"
	                       "next,\"\"\"\"\n"),
	                 0);
	ck_assert_uint_eq(csv.n, 3);
	row_is(0, 1, 3, "a,b", "say \"hi\"", "");
	row_is(1, 2, 2, "two\nlines", "x");
	row_is(2, 4, 2, "next", "\"");
	ld_csv_free(&csv);
	/* A row of one quoted empty field is a row, not an empty line. */
	ck_assert_int_eq(PARSE("\"\"\nz"), 0);
	ck_assert_uint_eq(csv.n, 2);
	row_is(0, 1, 1, "");
}
END_TEST

START_TEST(test_bom)
{
	ck_assert_int_eq(PARSE("\xef\xbb\xbf年度,议题\n2017,x\n"), 0);
	row_is(0, 1, 2, "年度", "议题");
	ld_csv_free(&csv);
	refused(PARSE("\xff\xfey\0e\0a\0r\0"), 1, 1, "UTF-16");
	refused(PARSE("\xfe\xff\0y"), 1, 1, "UTF-16");
}
END_TEST

START_TEST(test_bad_utf8)
{
	/* GBK, as a spreadsheet saves it by default in China: 议题. */
	refused(PARSE("year,topic\n2017,\xd2\xe9\xcc\xe2\n"), 2, 6, "UTF-8");
	/* The column counts characters, not bytes. */
	refused(PARSE("议题,\xff"), 1, 4, "0xff");
	refused(PARSE("a,\xc0\x80"), 1, 3, "UTF-8");         /* overlong NUL */
	refused(PARSE("a,\xe0\x80\xaf"), 1, 3, "UTF-8");     /* overlong */
	refused(PARSE("a,\xed\xa0\x80"), 1, 3, "UTF-8");     /* surrogate */
	refused(PARSE("a,\xf4\x90\x80\x80"), 1, 3, "UTF-8"); /* > U+10FFFF */
	refused(PARSE("a,\xe6\xb0"), 1, 3, "UTF-8");         /* cut short */
	refused(PARSE("a\n\"b\n\xe6\"\n"), 3, 1, "UTF-8");   /* in quotes */
	refused(PARSE("a,b\0c"), 1, 4, "NUL");
	refused(PARSE("a,\x1b[31m"), 1, 3, "control");
	/* Well-formed UTF-8 that the policy on user text refuses is named
	 * for what it is. */
	refused(PARSE("a,\xc2\x9b[31m"), 1, 3, "control character (U+009B)");
	refused(PARSE("a,\"x\xe2\x80\xae\""), 1, 5, "bidi override (U+202E)");
	ck_assert_int_eq(PARSE("a\tb,c"), 0); /* a tab is text */
}
END_TEST

START_TEST(test_bad_quotes)
{
	refused(PARSE("year,topic\n2017,\"林业改革\n2018,x\n"), 2, 6,
	        "never ends");
	refused(PARSE("a,\"b\"c,d"), 1, 6, "after the closing quote");
	refused(PARSE("a,b\"c\""), 1, 4, "quote inside an unquoted field");
}
END_TEST

START_TEST(test_limits)
{
	char big[LD_CSV_MAX_FIELDS * 2 + 8];
	size_t n = 0;
	for (int i = 0; i <= LD_CSV_MAX_FIELDS; i++) {
		big[n++] = 'x';
		big[n++] = ',';
	}
	big[n - 1] = '\n';
	ck_assert_int_eq(ld_csv_parse(big, n, &csv, &ce), LD_ELIMIT);
	ck_assert(strstr(ce.msg, "fields") != NULL);
	size_t flen = LD_CSV_MAX_FIELD + 2;
	char *huge = malloc(flen);
	memset(huge, 'y', flen);
	ck_assert_int_eq(ld_csv_parse(huge, flen, &csv, &ce), LD_ELIMIT);
	ck_assert(strstr(ce.msg, "longer") != NULL);
	free(huge);
}
END_TEST

/* What the writer writes, the reader reads back unchanged. */
START_TEST(test_write_read)
{
	const char *rows[][3] = {
	    {"plain", "with,comma", "with \"quotes\""},
	    {"two\nlines", "", " spaced "},
	    {"议题", "\"", ","},
	};
	struct ld_buf b = {0};
	for (size_t i = 0; i < 3; i++)
		ld_csv_put_row(&b, rows[i], 3);
	const char *lone[] = {""};
	ld_csv_put_row(&b, lone, 1);
	ck_assert_int_eq(ld_csv_parse(b.p, b.n, &csv, &ce), 0);
	ck_assert_uint_eq(csv.n, 4);
	for (size_t i = 0; i < 3; i++)
		row_is(i, csv.rows[i].line, 3, rows[i][0], rows[i][1],
		       rows[i][2]);
	row_is(3, csv.rows[3].line, 1, "");
	ck_assert(strstr(b.p, "\r\n") != NULL);
	ld_buf_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- sheet */

static struct ld_batch batch;
static char err[2048];

static int
read_sheet(const char *text, Ld__Kind kind)
{
	ld_csv_free(&csv);
	ld_batch_free(&batch);
	memset(&batch, 0, sizeof(batch));
	batch.file = "t.csv";
	err[0] = '\0';
	ck_assert_msg(ld_csv_parse(text, strlen(text), &csv, &ce) == 0, "%s",
	              ce.msg);
	return ld_sheet_read(&csv, kind, &batch, err, sizeof(err));
}

static void
sheet_teardown(void)
{
	ld_csv_free(&csv);
	ld_batch_free(&batch);
}

/* Refused with code `want` and one line that holds every word given. */
static void
refused_as(int want, int rc, ...)
{
	ck_assert_int_eq(rc, want);
	ck_assert(strchr(err, '\n') == NULL);
	va_list ap;
	va_start(ap, rc);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
		ck_assert_msg(strstr(err, w) != NULL, "'%s' lacks '%s'", err,
		              w);
	va_end(ap);
}
/* What ld_sheet_read refuses is malformed; ld_batch_check refuses by the
 * node's rules. */
#define sheet_refused(rc, ...) refused_as(LD_ESYNTAX, (rc), __VA_ARGS__)
#define batch_refused(...)                                                     \
	refused_as(LD_EREFUSED,                                                \
	           ld_batch_check(&batch, SELF, err, sizeof(err)),             \
	           __VA_ARGS__)

START_TEST(test_plan_rows)
{
	ck_assert_int_eq(
	    read_sheet(
	        "年度,计划名称,形式,月份,议题,牵头,负责,协助\n"
	        "2017,三元区计划,专题协商,10月,南部新城,罗裕明,各专委会,\n"
	        "\n"
	        ",,,,,,,\n"
	        "2017年,三元区计划,对口协商和界别协商,3,水源地保护,罗裕明,"
	        "人口资源环境委,社会事业委\n"
	        "2018,三元区计划,其他,,议题三,,,\n",
	        0),
	    0);
	ck_assert_str_eq(err, "");
	/* Same year and title: one plan; another year: another plan. */
	ck_assert_uint_eq(batch.n, 2);
	ck_assert(batch.csv);
	const Ld__Plan *p = batch.v[0].r->plan;
	ck_assert_uint_eq(p->year, 2017);
	ck_assert_str_eq(p->title, "三元区计划");
	ck_assert_uint_eq(p->n_items, 2);
	ck_assert_uint_eq(p->items[0]->month, 10);
	ck_assert_str_eq(p->items[0]->responsible, "各专委会");
	ck_assert_str_eq(p->items[1]->form, "对口协商和界别协商");
	ck_assert_uint_eq(p->items[1]->month, 3);
	ck_assert_str_eq(p->items[1]->assisting, "社会事业委");
	ck_assert_uint_eq(batch.v[0].where, 2);
	ck_assert_uint_eq(batch.v[0].item_lines[0], 2);
	ck_assert_uint_eq(batch.v[0].item_lines[1], 5);
	ck_assert_uint_eq(batch.v[1].r->plan->items[0]->month, 0);

	/* The node's checks: canonical forms, the default scope. A bad
	 * form is named by the line of its item and the file's header. */
	ck_assert_msg(ld_batch_check(&batch, SELF, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert_str_eq(p->items[1]->form, "对口界别协商");
	ck_assert_str_eq(p->items[1]->status, "planned");
	ck_assert_uint_eq(batch.v[0].r->n_scope, 1);
	ck_assert_str_eq(batch.v[0].r->scope[0], SELF);
	ck_assert_int_eq(read_sheet("年度,计划名称,形式,议题\n"
	                            "2017,x,专题协商,a\n"
	                            "2017,x,座谈会,b\n",
	                            0),
	                 0);
	batch_refused("t.csv:3: ", "形式 (form)", "座谈会", NULL);
}
END_TEST

START_TEST(test_plan_without_items_and_scope)
{
	ck_assert_int_eq(read_sheet("year,title,form,topic,scope\n"
	                            "2017,x,,,350000/350400/350403\n",
	                            0),
	                 0);
	ck_assert_uint_eq(batch.n, 1);
	ck_assert_uint_eq(batch.v[0].r->plan->n_items, 0);
	ck_assert_uint_eq(batch.v[0].r->n_scope, 1);
	sheet_refused(read_sheet("year,title,form,topic,scope\n"
	                         "2017,x,专题,a,350000\n"
	                         "2017,x,专题,b,350000 350000/350400\n",
	                         0),
	              "t.csv:3: scope", "line 2", NULL);
}
END_TEST

START_TEST(test_proposal_rows)
{
	ck_assert_int_eq(
	    read_sheet("编号,案由,提案人,承办单位,年度,状态,办理结果,"
	               "面商,满意度\n"
	               "1,关于魔芋产业发展的建议,农业界别委员,县农业局,"
	               "2018年,已办结,A,是,满意\n"
	               "2,\"关于“三送三帮”,的建议\",x,y,,submitted,,否,"
	               "\n",
	               0),
	    0);
	ck_assert_uint_eq(batch.n, 2);
	const Ld__Proposal *p = batch.v[0].r->proposal;
	ck_assert_str_eq(p->number, "1");
	ck_assert_uint_eq(p->year, 2018);
	ck_assert(p->face_to_face);
	ck_assert_str_eq(p->status, "已办结");
	ck_assert_str_eq(batch.v[1].r->proposal->title,
	                 "关于“三送三帮”,的建议");
	ck_assert(!batch.v[1].r->proposal->face_to_face);
	ck_assert_uint_eq(batch.v[1].where, 3);
	ck_assert_msg(ld_batch_check(&batch, SELF, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert_str_eq(p->status, "closed");
	ck_assert_str_eq(p->filing, "filed");
	/* A closed proposal needs its satisfaction. */
	ck_assert_int_eq(read_sheet("title,status,outcome,face-to-face\n"
	                            "a,closed,B,yes\n",
	                            0),
	                 0);
	batch_refused("t.csv:2: satisfaction", NULL);
}
END_TEST

START_TEST(test_sheet_bad)
{
	sheet_refused(
	    read_sheet("年度,计划名称,形式,议题,备注\n2017,x,专题,a,b\n", 0),
	    "t.csv:1: ", "unknown column '备注'", "plan columns", NULL);
	sheet_refused(read_sheet("title,handler,topic\na,b,c\n", 0),
	              "t.csv:1: ", "'topic' is for plans", "'handler'", NULL);
	sheet_refused(read_sheet("title,year\na,2017\n", 0),
	              "t.csv:1: ", "--kind", NULL);
	ck_assert_int_eq(
	    read_sheet("title,year\na,2017\n", LD__KIND__KIND_PROPOSAL), 0);
	sheet_refused(read_sheet("title,handler\na,b\n", LD__KIND__KIND_PLAN),
	              "t.csv:1: ", "'handler' for plans", NULL);
	sheet_refused(read_sheet("year,title,form\n2017,a,专题\n", 0),
	              "t.csv:1: ", "no 'topic' (议题) column", NULL);
	sheet_refused(
	    read_sheet("year,title,form,topic,议题\n2017,a,b,c,d\n", 0),
	    "t.csv:1: ", "'topic' twice", NULL);
	sheet_refused(read_sheet("year,title,form,topic\n2017,a,b,c,d\n", 0),
	              "t.csv:2: ", "5 fields", "has 4", NULL);
	sheet_refused(read_sheet("year,title,form,topic,\n2017,a,b,c,d\n", 0),
	              "t.csv:2: ", "column 5", "no name", NULL);
	ck_assert_int_eq(read_sheet("year,title,form,topic,\n2017,a,b,c,\n", 0),
	                 0);
	sheet_refused(read_sheet("年度,计划名称,形式,月份,议题\n"
	                         "2017,a,专题,13月,c\n",
	                         0),
	              "t.csv:2: ", "月份 (month)", "'13月'", NULL);
	sheet_refused(read_sheet("year,title,form,month,topic\n"
	                         "2017,a,专题,三月,c\n",
	                         0),
	              "t.csv:2: month", NULL);
	sheet_refused(read_sheet("year,title,form,topic\n17x,a,专题,c\n", 0),
	              "t.csv:2: year", "'17x'", NULL);
	sheet_refused(read_sheet("year,title,form,topic\n,a,专题,c\n", 0),
	              "t.csv:2: year: required", NULL);
	sheet_refused(read_sheet("案由,面商\na,maybe\n", 0),
	              "t.csv:2: 面商 (face_to_face)", "'maybe'", NULL);
	sheet_refused(read_sheet("案由,面商\n", 0), "no proposals", NULL);
	ld_csv_free(&csv);
	memset(&csv, 0, sizeof(csv));
	ck_assert_int_eq(ld_sheet_read(&csv, 0, &batch, err, sizeof(err)), LD_ESYNTAX);
	ck_assert(strstr(err, "empty") != NULL);
}
END_TEST

/* Export's table reads back as the same records. */
START_TEST(test_sheet_round_trip)
{
	const char *plan =
	    "年度,计划名称,形式,月份,议题,牵头,负责,协助,状态,范围\n"
	    "2017,\"计划, 甲\",专题协商,10,\"南部\n新城\",罗裕明,"
	    "各专委会,,held," SELF "\n"
	    "2017,\"计划, 甲\",其他,,议题,,,,计划中," SELF "\n"
	    "2018,空计划,,,,,,,," SELF "\n";
	for (int round = 0; round < 2; round++) {
		const char *text[2] = {
		    plan, "编号,案由,提案人,承办单位,年度,状态,"
		          "办理结果,面商,满意度\n"
		          "7,\"关于\"\"停车\"\"的建议\",甲,乙,2018,"
		          "已测评,A,是,基本满意\n"};
		ck_assert_int_eq(read_sheet(text[round], 0), 0);
		ck_assert_int_eq(ld_batch_check(&batch, SELF, err, sizeof(err)), 0);
		Ld__Kind k =
		    round == 0 ? LD__KIND__KIND_PLAN : LD__KIND__KIND_PROPOSAL;
		Ld__Record *recs[4];
		for (size_t i = 0; i < batch.n; i++)
			recs[i] = batch.v[i].r;
		struct ld_buf out = {0};
		ld_sheet_write(&out, k, recs, batch.n);
		struct ld_buf again = {0};
		ck_assert_int_eq(read_sheet(out.p, 0), 0);
		ck_assert_int_eq(ld_batch_check(&batch, SELF, err, sizeof(err)), 0);
		for (size_t i = 0; i < batch.n; i++)
			recs[i] = batch.v[i].r;
		ld_sheet_write(&again, k, recs, batch.n);
		ck_assert_str_eq(out.p, again.p);
		if (round == 0) {
			ck_assert_uint_eq(batch.n, 2);
			ck_assert_uint_eq(batch.v[0].r->plan->n_items, 2);
			ck_assert_str_eq(batch.v[0].r->plan->items[0]->topic,
			                 "南部\n新城");
			ck_assert_str_eq(batch.v[0].r->plan->items[0]->status,
			                 "held");
			ck_assert_uint_eq(batch.v[1].r->plan->n_items, 0);
		} else {
			ck_assert_str_eq(batch.v[0].r->proposal->title,
			                 "关于\"停车\"的建议");
			ck_assert_str_eq(batch.v[0].r->proposal->status,
			                 "evaluated");
		}
		ld_buf_free(&out);
		ld_buf_free(&again);
	}
}
END_TEST

static Suite *
csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("reader");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_plain_rows);
	tcase_add_test(tc, test_quoted);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_bad_utf8);
	tcase_add_test(tc, test_bad_quotes);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_write_read);
	suite_add_tcase(s, tc);

	tc = tcase_create("sheet");
	tcase_add_checked_fixture(tc, NULL, sheet_teardown);
	tcase_add_test(tc, test_plan_rows);
	tcase_add_test(tc, test_plan_without_items_and_scope);
	tcase_add_test(tc, test_proposal_rows);
	tcase_add_test(tc, test_sheet_bad);
	tcase_add_test(tc, test_sheet_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(csv_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
