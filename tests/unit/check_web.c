/* check_web.c — the console's pure parts: HTML escaping and the page
 * layout (html.c); sessions, their expiry, the login throttle and
 * lockout, and the CSRF check (session.c), on a clock the test moves. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "session.h"
#include "text.h"

/* ---------------------------------------------------------------- html */

static char *
text(const char *s, size_t n)
{
	struct ld_buf b = {0};
	ld_html_textn(&b, s, n);
	ld_buf_putc(&b, '\0');
	return ld_buf_take(&b, NULL);
}
#define TEXT(lit) text((lit), sizeof(lit) - 1)

START_TEST(test_escape_script_and_quotes)
{
	char *s = TEXT("<script>alert(1)</script>\"'&");
	ck_assert_str_eq(s, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"
	                    "&amp;");
	free(s);
	/* Escaped once: an entity in the input is shown as typed. */
	s = TEXT("&lt;");
	ck_assert_str_eq(s, "&amp;lt;");
	free(s);
	s = TEXT("富源县政协 «ok»");
	ck_assert_str_eq(s, "富源县政协 «ok»");
	free(s);
}
END_TEST

START_TEST(test_escape_invalid_utf8)
{
	/* A lone continuation byte, a truncated sequence, an overlong '<'
	 * (C0 BC), a surrogate (ED A0 80), and bytes past U+10FFFF: each
	 * becomes U+FFFD and nothing else gets through. */
	char *s = TEXT("a\x80" "b\xe4\xb8" "c\xc0\xbc" "d\xed\xa0\x80" "e\xf4\x90\x80\x80");
	ck_assert_ptr_null(strchr(s, '<'));
	ck_assert_ptr_nonnull(strstr(s, "a\xef\xbf\xbd" "b"));
	ck_assert_ptr_nonnull(strstr(s, "c\xef\xbf\xbd\xef\xbf\xbd" "d"));
	ck_assert(ld_text_valid(s, strlen(s))); /* well-formed throughout */
	free(s);
	/* Control characters go, tab and newline stay; a NUL ends nothing. */
	s = TEXT("x\x01y\tz\n\x7f" "q\0r");
	ck_assert_int_eq(memcmp(s, "xy\tz\nqr", 8), 0);
	free(s);
}
END_TEST

START_TEST(test_html_f)
{
	struct ld_buf b = {0};
	ld_html_f(&b, "<a href=\"/r/%s?q=%u\" title=\"%s\">%r %d %z %U%%</a>",
	          "x\"><script>", "a b&c/中", "'", "<b>", -3, (size_t)7,
	          18446744073709551615ull);
	ck_assert_str_eq(b.p, "<a href=\"/r/x&quot;&gt;&lt;script&gt;?q=a%20b"
	                      "%26c%2F%E4%B8%AD\" title=\"&#39;\"><b> -3 7 "
	                      "18446744073709551615%</a>");
	ld_buf_free(&b);
	ld_html_f(&b, "%s|%u|%r", (const char *)NULL, (const char *)NULL,
	          (const char *)NULL);
	ck_assert_str_eq(b.p, "||");
	ld_buf_free(&b);
}
END_TEST

START_TEST(test_page_layout)
{
	struct ld_page p = {.title = "督办<任务>", .office = "富源县政协",
	                    .user = "张三\"", .role = "经办",
	                    .csrf = "abc", .nav = LD_NAV_TASKS};
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	ld_page_end(&b);
	ck_assert_ptr_nonnull(strstr(b.p, "<html lang=\"zh-CN\">"));
	ck_assert_ptr_nonnull(strstr(b.p, "name=\"viewport\""));
	ck_assert_ptr_nonnull(strstr(b.p, "href=\"/static/app.css\""));
	ck_assert_ptr_nonnull(strstr(b.p, "<h1>督办&lt;任务&gt;</h1>"));
	ck_assert_ptr_nonnull(strstr(b.p, "张三&quot;"));
	ck_assert_ptr_nonnull(strstr(b.p, "<a href=\"/tasks\" class=\"here\""));
	ck_assert_ptr_nonnull(strstr(b.p, "action=\"/logout\""));
	ck_assert_ptr_nonnull(strstr(b.p, "name=\"csrf\" value=\"abc\""));
	ck_assert_ptr_null(strstr(b.p, "<script"));
	ck_assert_ptr_null(strstr(b.p, "style="));
	const char *nav[] = {"工作台", "督办任务", "调研", "协商计划", "提案",
	                     "委员", "社情民意", "报表", "年度统计", "节点"};
	for (size_t i = 0; i < sizeof(nav) / sizeof(nav[0]); i++)
		ck_assert_ptr_nonnull(strstr(b.p, nav[i]));
	ld_buf_free(&b);
	/* Not logged in: no nav, no logout form. */
	p.user = NULL;
	ld_page_begin(&b, &p);
	ck_assert_ptr_null(strstr(b.p, "<nav>"));
	ck_assert_ptr_null(strstr(b.p, "/logout"));
	ld_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ sessions */

static int64_t now_ms;

static int64_t
fake_clock(void *arg)
{
	(void)arg;
	return now_ms;
}

static struct ld_sessions *
sessions(unsigned idle_s)
{
	now_ms = 1000000;
	struct ld_sessions *s = ld_sessions_new(idle_s, fake_clock, NULL);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(test_session_expiry)
{
	struct ld_sessions *s = sessions(30 * 60);
	char tok[LD_TOKEN_HEX];
	struct ld_session a, got;
	ck_assert_int_eq(ld_session_create(s, "张三", tok, &a), 0);
	ck_assert_uint_eq(strlen(tok), 64);
	ck_assert_uint_eq(strlen(a.csrf), 64);
	ck_assert_str_ne(tok, a.csrf);
	ck_assert_int_eq(ld_session_find(s, tok, &got), 0);
	ck_assert_str_eq(got.user, "张三");
	ck_assert_str_eq(got.csrf, a.csrf);
	/* Each use keeps it alive ... */
	now_ms += 29 * 60 * 1000;
	ck_assert_int_eq(ld_session_find(s, tok, &got), 0);
	now_ms += 29 * 60 * 1000;
	ck_assert_int_eq(ld_session_find(s, tok, &got), 0);
	/* ... and 30 idle minutes end it. */
	now_ms += 30 * 60 * 1000;
	ck_assert_int_eq(ld_session_find(s, tok, &got), -ENOENT);
	ck_assert_uint_eq(ld_session_count(s), 0);
	/* Unknown, truncated, absent tokens. */
	ck_assert_int_eq(ld_session_find(s, "00", &got), -ENOENT);
	ck_assert_int_eq(ld_session_find(s, NULL, &got), -ENOENT);
	ld_sessions_destroy(&s);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_session_end)
{
	struct ld_sessions *s = sessions(600);
	char t1[LD_TOKEN_HEX], t2[LD_TOKEN_HEX], t3[LD_TOKEN_HEX];
	struct ld_session x;
	ld_session_create(s, "a", t1, &x);
	ld_session_create(s, "a", t2, &x);
	ld_session_create(s, "b", t3, &x);
	ck_assert_uint_eq(ld_session_count(s), 3);
	ld_session_end(s, t1);
	ck_assert_int_eq(ld_session_find(s, t1, &x), -ENOENT);
	ck_assert_int_eq(ld_session_find(s, t2, &x), 0);
	/* A person removed: all their sessions go, others stay. */
	ld_session_end_user(s, "a");
	ck_assert_int_eq(ld_session_find(s, t2, &x), -ENOENT);
	ck_assert_int_eq(ld_session_find(s, t3, &x), 0);
	ld_sessions_destroy(&s);
}
END_TEST

START_TEST(test_lockout_after_ten)
{
	struct ld_sessions *s = sessions(600);
	unsigned left;
	bool locked;
	for (int i = 1; i < LD_LOGIN_LOCK_AFTER; i++) {
		ck_assert_int_eq(ld_login_allowed(s, "张三", &left), 0);
		ld_login_failed(s, "张三", &locked);
		ck_assert(!locked);
	}
	ck_assert_int_eq(ld_login_allowed(s, "张三", &left), 0);
	ld_login_failed(s, "张三", &locked);
	ck_assert(locked); /* the tenth */
	ck_assert_int_eq(ld_login_allowed(s, "张三", &left), -EACCES);
	ck_assert_uint_eq(left, 15 * 60);
	/* Another account is not affected. */
	ck_assert_int_eq(ld_login_allowed(s, "李四", &left), 0);
	/* Still locked after 14 minutes; the page says 1 minute. */
	now_ms += 14 * 60 * 1000;
	ck_assert_int_eq(ld_login_allowed(s, "张三", &left), -EACCES);
	ck_assert_uint_eq((left + 59) / 60, 1);
	/* Open after 15, with the count back at zero. */
	now_ms += 60 * 1000;
	ck_assert_int_eq(ld_login_allowed(s, "张三", &left), 0);
	ld_login_failed(s, "张三", &locked);
	ck_assert(!locked);
	ck_assert_int_eq(ld_login_allowed(s, "张三", &left), 0);
	ld_sessions_destroy(&s);
}
END_TEST

START_TEST(test_delay_grows_and_resets)
{
	struct ld_sessions *s = sessions(600);
	bool locked;
	unsigned prev = 0;
	for (int i = 1; i <= 9; i++) {
		unsigned d = ld_login_failed(s, "u", &locked);
		ck_assert_uint_ge(d, prev);
		ck_assert_uint_le(d, LD_LOGIN_DELAY_MAX_MS);
		if (i > 1 && prev < LD_LOGIN_DELAY_MAX_MS)
			ck_assert_uint_gt(d, prev);
		prev = d;
	}
	ck_assert_uint_eq(ld_login_failed(s, "u", &locked),
	                  LD_LOGIN_DELAY_MAX_MS); /* the tenth: capped */
	ck_assert(locked);
	/* A good password forgets the failures: the delay starts small. */
	ld_login_ok(s, "u");
	ck_assert_uint_eq(ld_login_failed(s, "u", &locked),
	                  LD_LOGIN_DELAY_STEP_MS);
	ck_assert(!locked);
	ld_sessions_destroy(&s);
}
END_TEST

START_TEST(test_csrf)
{
	char a[LD_TOKEN_HEX], b[LD_TOKEN_HEX];
	ld_token_random(a);
	ld_token_random(b);
	ck_assert(ld_csrf_equal(a, a));
	ck_assert(!ld_csrf_equal(a, b));
	char c[LD_TOKEN_HEX];
	memcpy(c, a, sizeof(c));
	c[63] = c[63] == '0' ? '1' : '0';
	ck_assert(!ld_csrf_equal(a, c));
	ck_assert(!ld_csrf_equal(a, NULL));
	ck_assert(!ld_csrf_equal(NULL, NULL));
	ck_assert(!ld_csrf_equal("", ""));
	c[10] = '\0';
	ck_assert(!ld_csrf_equal(c, c)); /* too short, even if equal */
}
END_TEST

static Suite *
web_suite(void)
{
	Suite *s = suite_create("web");
	TCase *tc = tcase_create("html");
	tcase_add_test(tc, test_escape_script_and_quotes);
	tcase_add_test(tc, test_escape_invalid_utf8);
	tcase_add_test(tc, test_html_f);
	tcase_add_test(tc, test_page_layout);
	suite_add_tcase(s, tc);
	tc = tcase_create("session");
	tcase_add_test(tc, test_session_expiry);
	tcase_add_test(tc, test_session_end);
	tcase_add_test(tc, test_lockout_after_ten);
	tcase_add_test(tc, test_delay_grows_and_resets);
	tcase_add_test(tc, test_csrf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(web_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
