/* check_text.c — UTF-8 text, date and number checks on user input (text). */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* ld_text_valid on a string literal, NULs included. */
#define VALID(lit) ld_text_valid((lit), sizeof(lit) - 1)

/* Characters that make text lie: C1 controls (U+0080-009F, e.g. a CSI
 * that drives a terminal) and bidirectional overrides and isolates
 * (U+202A-202E, U+2066-2069, "Trojan Source"). */
START_TEST(test_utf8_deceptive)
{
	ck_assert(!VALID("\xc2\x80"));         /* U+0080 */
	ck_assert(!VALID("a\xc2\x9b[31m"));    /* U+009B CSI */
	ck_assert(!VALID("\xe2\x80\xae"));     /* U+202E RLO */
	ck_assert(!VALID("\xe2\x80\xaa"));     /* U+202A LRE */
	ck_assert(!VALID("\xe2\x81\xa6x"));    /* U+2066 LRI */
	ck_assert(!VALID("\xe2\x81\xa9"));     /* U+2069 PDI */
	ck_assert(VALID("\xe2\x80\xa9"));      /* U+2029, allowed */
	ck_assert(VALID("\xe2\x81\xaa"));      /* U+206A, allowed */
}
END_TEST

START_TEST(test_utf8_good)
{
	ck_assert(VALID(""));
	ck_assert(VALID("plain ASCII, with punctuation!?~"));
	ck_assert(VALID("富源县政协"));
	ck_assert(VALID("省市县三级联动民主监督"));
	ck_assert(VALID("caf\xc3\xa9"));      /* 2 bytes: é */
	ck_assert(VALID("\xc2\xa0"));         /* smallest 2-byte after the C1 block */
	ck_assert(VALID("\xdf\xbf"));         /* largest 2-byte */
	ck_assert(VALID("\xe0\xa0\x80"));     /* smallest 3-byte */
	ck_assert(VALID("\xed\x9f\xbf"));     /* just below surrogates */
	ck_assert(VALID("\xee\x80\x80"));     /* just above them */
	ck_assert(VALID("\xef\xbf\xbd"));     /* U+FFFD */
	ck_assert(VALID("\xf0\x9f\x98\x80")); /* 😀, 4 bytes */
	ck_assert(VALID("满意率 \xf0\x9f\x91\x8d 100%"));
	ck_assert(VALID("\xf4\x8f\xbf\xbf"));       /* U+10FFFF */
	ck_assert(VALID("tab\there\nnewline\r\n")); /* allowed controls */
	ck_assert(VALID("~"));                      /* 0x7e */
}
END_TEST

START_TEST(test_utf8_bad)
{
	static const struct {
		const char *s;
		size_t n;
		const char *what;
	} bad[] = {
#define B(lit, what) {lit, sizeof(lit) - 1, what}
	    B("\xc0\x80", "overlong NUL (C0 80)"),
	    B("\xc1\xbf", "overlong 2-byte (C1 BF)"),
	    B("\xe0\x80\x80", "overlong 3-byte (E0 80 80)"),
	    B("\xe0\x9f\xbf", "overlong 3-byte (E0 9F BF)"),
	    B("\xf0\x80\x80\x80", "overlong 4-byte"),
	    B("\xf0\x8f\xbf\xbf", "overlong 4-byte (U+FFFF)"),
	    B("\xed\xa0\x80", "surrogate D800"),
	    B("\xed\xbf\xbf", "surrogate DFFF"),
	    B("\xf4\x90\x80\x80", "above U+10FFFF"),
	    B("\xf7\xbf\xbf\xbf", "F7 lead"),
	    B("\xf8\x88\x80\x80\x80", "5-byte form"),
	    B("\xfc\x84\x80\x80\x80\x80", "6-byte form"),
	    B("\xfe", "FE"),
	    B("\xff", "FF"),
	    B("\xe5\xaf", "truncated 3-byte at end"),
	    B("\xe5", "lone lead byte"),
	    B("\xf0\x9f\x98", "truncated 4-byte at end"),
	    B("\xe5\xaf"
	      "a",
	      "truncated 3-byte before ASCII"),
	    B("\xc3"
	      "A",
	      "2-byte lead then ASCII"),
	    B("\x80", "stray continuation"),
	    B("abc\xbf", "stray continuation at end"),
	    B("富\x80源", "stray continuation between characters"),
	    B("\xf0\x9f\x98\x80\x80", "extra continuation after emoji"),
	    B("a\0b", "NUL inside"),
	    B("\0", "NUL alone"),
	    B("a\x01", "SOH"),
	    B("bell\a", "BEL"),
	    B("\x1b[31mred", "ESC"),
	    B("form\ffeed", "form feed"),
	    B("\x1f", "unit separator"),
	    B("del\x7f", "DEL"),
#undef B
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!ld_text_valid(bad[i].s, bad[i].n), "%s accepted",
		              bad[i].what);
}
END_TEST

START_TEST(test_utf8_length_respected)
{
	/* Only n bytes are looked at: a valid prefix of a longer buffer is
	 * valid, and a character cut by n is not. */
	const char *s = "富源县\xff";
	ck_assert(ld_text_valid(s, 9));
	ck_assert(!ld_text_valid(s, 10));
	ck_assert(!ld_text_valid(s, 8)); /* cuts 县 */
	ck_assert(ld_text_valid(s, 0));
}
END_TEST

START_TEST(test_dates_good)
{
	static const char *const good[] = {
	    "2024-02-29", "2000-02-29", "2023-02-28", "1900-01-01",
	    "9999-12-31", "2025-12-31", "2025-01-31", "2025-04-30",
	    "1970-01-01", "2024-06-15",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(ld_text_date_valid(good[i]), "%s refused",
		              good[i]);
}
END_TEST

START_TEST(test_dates_bad)
{
	static const char *const bad[] = {
	    "2023-02-29", /* not a leap year */
	    "1900-02-29", /* divisible by 100, not by 400 */
	    "2100-02-29",     "2024-02-30",
	    "2025-04-31",     "2025-13-01",
	    "2025-00-10",     "2025-01-00",
	    "2025-01-32",     "1899-12-31", /* before 1900 */
	    "0000-01-01",     "",
	    "2025-1-01",      "2025-01-1",
	    "25-01-01",       "2025/01/01",
	    "20250101",       "2025-01-01 ",
	    " 2025-01-01",    "2025-01-01T00:00",
	    "2025-0a-01",     "abcd-ef-gh",
	    "2025--1-01",     "2025-+1-01",
	    "２０２５-01-01", /* full-width digits */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!ld_text_date_valid(bad[i]), "'%s' accepted",
		              bad[i]);
		long days = 7;
		ck_assert_msg(ld_text_date_days(bad[i], &days) == -EINVAL,
		              "days of '%s' is not refused", bad[i]);
		ck_assert_int_eq(days, 7);
	}
	ck_assert(!ld_text_date_valid(NULL));
}
END_TEST

/* Days of a date the test knows to be valid. */
static long
days(const char *s)
{
	long d = 0;
	ck_assert_msg(ld_text_date_days(s, &d) == 0, "'%s' refused", s);
	return d;
}

START_TEST(test_date_days)
{
	ck_assert_int_eq(days("1970-01-01"), 0);
	ck_assert_int_eq(days("1970-01-02"), 1);
	ck_assert_int_eq(days("1969-12-31"), -1);
	ck_assert_int_eq(days("2000-03-01"), 11017);
	ck_assert_int_eq(days("2000-02-29"), 11016);
	ck_assert_int_eq(days("2000-01-01"), 10957);
	ck_assert_int_eq(days("1900-01-01"), -25567);
	ck_assert_int_eq(days("2024-02-29"), 19782);
	ck_assert_int_eq(days("2024-03-01"), 19783);
	ck_assert_int_eq(days("2025-01-01"), 20089);
	/* Leap year 2024: 366 days; 2023: 365. */
	ck_assert_int_eq(days("2025-01-01") -
	                     days("2024-01-01"),
	                 366);
	ck_assert_int_eq(days("2024-01-01") -
	                     days("2023-01-01"),
	                 365);
	ck_assert_int_eq(days("9999-12-31"), 2932896);

	/* Consecutive days are one apart, across a century of month ends. */
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	long prev = days("1999-12-31");
	for (int y = 2000; y <= 2101; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (int m = 1; m <= 12; m++) {
			int dm = mdays[m - 1] + (m == 2 && leap);
			for (int d = 1; d <= dm; d++) {
				char s[16];
				snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m,
				         d);
				long now = days(s);
				ck_assert_msg(now == prev + 1,
				              "%s: %ld after %ld", s, now,
				              prev);
				prev = now;
			}
			char s[16];
			snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, dm + 1);
			ck_assert_msg(!ld_text_date_valid(s), "%s accepted", s);
		}
	}
}
END_TEST

START_TEST(test_numbers_good)
{
	static const struct {
		const char *s;
		double v;
	} good[] = {
	    {"0", 0},          {"1", 1},       {"42", 42},
	    {"-7", -7},        {"+3", 3},      {"3.25", 3.25},
	    {"-0.5", -0.5},    {".5", 0.5},    {"5.", 5},
	    {"1e3", 1000},     {"1E3", 1000},  {"2.5e-2", 0.025},
	    {"-1.5E+2", -150}, {"0.98", 0.98}, {"1e308", 1e308},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		double v = -12345;
		ck_assert_msg(ld_text_parse_number(good[i].s, &v),
		              "'%s' refused", good[i].s);
		ck_assert_msg(v == good[i].v, "'%s' parsed as %g", good[i].s,
		              v);
	}
}
END_TEST

START_TEST(test_numbers_bad)
{
	static const char *const bad[] = {
	    "",    " 1",    "1 ",  "1x",   "x1",       "0x10",  "0X1A",
	    "nan", "NaN",   "inf", "-inf", "Infinity", "1e999", "-1e999",
	    "1,5", "1.2.3", "--1", "-",    "+",        ".",     "e5",
	    "1e",  "1e+",   "１",  "1\n",  "\t1",      "1_000",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v = 777;
		ck_assert_msg(!ld_text_parse_number(bad[i], &v),
		              "'%s' accepted", bad[i]);
		/* A refused number leaves the output alone. */
		ck_assert_msg(v == 777, "'%s' wrote %g", bad[i], v);
	}
	double v = 1;
	ck_assert(!ld_text_parse_number(NULL, &v));
}
END_TEST

static const char *
strerror_other(int rc)
{
	(void)rc;
	return "other";
}

/* ld_text_check says which rule a text breaks, and where: a C1 control
 * or a bidi override is well-formed UTF-8 and must be reported as what it
 * is, not as "not valid UTF-8". */
#define CHECK(lit, at) ld_text_check((lit), sizeof(lit) - 1, (at))

START_TEST(test_check_reasons)
{
	size_t at = 99;
	ck_assert_int_eq(CHECK("富源县 ok\t\r\n", &at), 0);
	ck_assert_uint_eq(at, sizeof("富源县 ok\t\r\n") - 1);
	ck_assert_int_eq(CHECK("ab\xc2\x85", &at), LD_ECONTROL); /* NEL */
	ck_assert_uint_eq(at, 2);
	ck_assert_int_eq(CHECK("a\xc2\x9b[31m", &at), LD_ECONTROL); /* CSI */
	ck_assert_uint_eq(at, 1);
	ck_assert_int_eq(CHECK("x\x1b[2J", &at), LD_ECONTROL);
	ck_assert_uint_eq(at, 1);
	ck_assert_int_eq(CHECK("\x7f", &at), LD_ECONTROL);
	ck_assert_int_eq(CHECK("a\0b", &at), LD_ECONTROL);
	ck_assert_uint_eq(at, 1);
	ck_assert_int_eq(CHECK("县\xe2\x80\xae", &at), LD_EBIDI); /* RLO */
	ck_assert_uint_eq(at, 3);
	ck_assert_int_eq(CHECK("\xe2\x81\xa6", &at), LD_EBIDI); /* LRI */
	ck_assert_int_eq(CHECK("ok\xff", &at), LD_EUTF8);
	ck_assert_uint_eq(at, 2);
	ck_assert_int_eq(CHECK("\xc0\x80", &at), LD_EUTF8); /* overlong NUL */
	ck_assert_int_eq(CHECK("\xed\xa0\x80", &at), LD_EUTF8); /* surrogate */
	/* The first problem wins. */
	ck_assert_int_eq(CHECK("\x01\xff", NULL), LD_ECONTROL);
	ck_assert_int_eq(CHECK("\xff\x01", NULL), LD_EUTF8);

	/* The words the user sees. */
	ck_assert_str_eq(ld_strerror(LD_ECONTROL),
	                 "contains a control character");
	ck_assert_str_eq(ld_strerror(LD_EBIDI), "contains a bidi override");
	ck_assert_str_eq(ld_strerror(LD_EUTF8), "not valid UTF-8 text");
}
END_TEST

/* ld_text_check's inline cases agree with the rules it stands for
 * (ld_utf8_next, then ld_text_char), for every 3-byte sequence between
 * two ASCII letters, every byte alone, and random strings. */
static int
reference_check(const char *s, size_t n, size_t *at)
{
	size_t i = 0;
	int rc = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = ld_utf8_next(s + i, n - i, &cp);
		if (len == 0) {
			rc = LD_EUTF8;
			break;
		}
		if ((rc = ld_text_char(cp)) != 0)
			break;
		i += len;
	}
	*at = i;
	return rc;
}

static void
agree(const char *s, size_t n)
{
	size_t a = 0, b = 0;
	int x = ld_text_check(s, n, &a), y = reference_check(s, n, &b);
	ck_assert_msg(x == y && a == b, "%d@%zu != %d@%zu", x, a, y, b);
}

START_TEST(test_text_check_fast_paths)
{
	char buf[5] = {'a', 0, 0, 0, 'b'};
	for (unsigned c0 = 0xe0; c0 <= 0xef; c0++)
		for (unsigned c1 = 0x70; c1 <= 0xc0; c1++)
			for (unsigned c2 = 0x70; c2 <= 0xc0; c2++) {
				buf[1] = (char)c0;
				buf[2] = (char)c1;
				buf[3] = (char)c2;
				agree(buf, 5);
				agree(buf, 3); /* cut short */
			}
	for (unsigned c = 0; c < 256; c++) {
		buf[1] = (char)c;
		agree(buf, 3);
	}
	unsigned seed = 7;
	for (int k = 0; k < 20000; k++) {
		char r[16];
		for (size_t i = 0; i < sizeof(r); i++) {
			seed = seed * 1103515245u + 12345u;
			r[i] = (char)(seed >> 16);
		}
		agree(r, sizeof(r));
	}
}
END_TEST

START_TEST(test_utf8_next)
{
	uint32_t cp = 0;
	ck_assert_uint_eq(ld_utf8_next("a", 1, &cp), 1);
	ck_assert_uint_eq(cp, 'a');
	ck_assert_uint_eq(ld_utf8_next("\xc2\xa9", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0xa9);
	ck_assert_uint_eq(ld_utf8_next("县", 3, &cp), 3);
	ck_assert_uint_eq(cp, 0x53bf);
	ck_assert_uint_eq(ld_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x1f600);
	ck_assert_uint_eq(ld_utf8_next("县", 2, &cp), 0);   /* cut by n */
	ck_assert_uint_eq(ld_utf8_next("\x80", 1, &cp), 0); /* continuation */
	ck_assert_uint_eq(ld_utf8_next("\xf4\x90\x80\x80", 4, &cp), 0);
	ck_assert_uint_eq(ld_utf8_next("", 0, &cp), 0);
	ck_assert_uint_eq(ld_utf8_next("x", 1, NULL), 1);
}
END_TEST

START_TEST(test_strerror)
{
	ck_assert_str_eq(ld_strerror(0), "");
	ck_assert_str_eq(ld_strerror(-ENOENT), strerror(ENOENT));
	ck_assert_str_eq(ld_strerror(-123456), "error -123456");
	/* Every LD_E* code in use has words of its own. */
	for (int rc = LD_EUTF8; rc >= LD_EPLUGIN; rc--)
		ck_assert_msg(strncmp(ld_strerror(rc), "error ", 6) != 0,
		              "%d has no words", rc);
	ck_assert_int_eq(ld_err_register(-1, -2, NULL), -EINVAL);
	ck_assert_int_eq(ld_err_register(-5, -3, strerror_other), -EINVAL);
	ck_assert_int_eq(ld_err_register(-40010, -40000, strerror_other), 0);
	ck_assert_int_eq(ld_err_register(-40010, -40000, strerror_other), 0);
	ck_assert_str_eq(ld_strerror(-40005), "other");
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("utf8");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_utf8_good);
	tcase_add_test(tc, test_utf8_deceptive);
	tcase_add_test(tc, test_utf8_bad);
	tcase_add_test(tc, test_utf8_length_respected);
	tcase_add_test(tc, test_check_reasons);
	tcase_add_test(tc, test_utf8_next);
	tcase_add_test(tc, test_text_check_fast_paths);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("dates");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_dates_good);
	tcase_add_test(tc, test_dates_bad);
	tcase_add_test(tc, test_date_days);
	suite_add_tcase(s, tc);

	tc = tcase_create("numbers");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_numbers_good);
	tcase_add_test(tc, test_numbers_bad);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(text_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
