/* check_path.c — node path syntax, subtree and parent/child tests (path). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

/* A string of n copies of c (n < 64). */
static const char *
rep(char c, size_t n)
{
	static char buf[64];
	ck_assert_uint_lt(n, sizeof(buf));
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_valid_paths)
{
	static const char *const good[] = {
	    "530000",
	    "530000/530300",
	    "530000/530300/530325",
	    "a",
	    "Z",
	    "0",
	    "_",
	    "-",
	    "a_b-C9/x-y_Z",
	    "CN/530000/530300/530325/t01/g1/x/y", /* depth 8 */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = "untouched";
		ck_assert_msg(ld_path_valid(good[i], &why), "'%s' refused: %s",
		              good[i], why);
	}
	/* why may be NULL. */
	ck_assert(ld_path_valid("530000", NULL));
}
END_TEST

START_TEST(test_empty)
{
	const char *why = NULL;
	ck_assert(!ld_path_valid("", &why));
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "empty"));
	why = NULL;
	ck_assert(!ld_path_valid(NULL, &why));
	ck_assert_ptr_nonnull(why);
	ck_assert(!ld_path_valid(NULL, NULL));
	ck_assert(!ld_path_valid_n("530000", 0, NULL));
}
END_TEST

START_TEST(test_empty_segments)
{
	static const char *const bad[] = {
	    "/",    "//",   "/530000", "530000/", "530000//530300",
	    "a/b/", "/a/b", "a/b//c"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		ck_assert_msg(!ld_path_valid(bad[i], &why), "'%s' accepted",
		              bad[i]);
		ck_assert_msg(why != NULL && strstr(why, "empty") != NULL,
		              "'%s': reason '%s' does not say 'empty'", bad[i],
		              why ? why : "(null)");
	}
}
END_TEST

START_TEST(test_bad_chars)
{
	static const char *const bad[] = {
	    "a b",          "530000/5303 00",
	    " 530000",      "530000 ",
	    "a.b",          "a:b",
	    "a\\b",         "a\tb",
	    "a\nb",         "a*",
	    "a+b",          "530000/富源",
	    "\xe5\xaf\x8c", "caf\xc3\xa9",
	    "a\x7f",        "a\xff",
	    "530000/53~1",  "a@b",
	    "a,b",          "530000/../x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		ck_assert_msg(!ld_path_valid(bad[i], &why), "'%s' accepted",
		              bad[i]);
		ck_assert_msg(why != NULL && strstr(why, "A-Z") != NULL,
		              "'%s': reason '%s' does not name the allowed "
		              "characters",
		              bad[i], why ? why : "(null)");
	}
}
END_TEST

START_TEST(test_segment_length)
{
	char p[128];
	const char *why = NULL;

	ck_assert(ld_path_valid(rep('x', 32), &why));
	ck_assert(!ld_path_valid(rep('x', 33), &why));
	ck_assert_ptr_nonnull(strstr(why, "32"));

	snprintf(p, sizeof(p), "530000/%s/530325", rep('9', 32));
	ck_assert_msg(ld_path_valid(p, &why), "%s: %s", p, why);
	snprintf(p, sizeof(p), "530000/%s/530325", rep('9', 33));
	why = NULL;
	ck_assert(!ld_path_valid(p, &why));
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "32"));
	/* The last segment is checked too. */
	snprintf(p, sizeof(p), "530000/%s", rep('a', 33));
	ck_assert(!ld_path_valid(p, NULL));
}
END_TEST

START_TEST(test_depth_limit)
{
	const char *why = NULL;
	ck_assert(ld_path_valid("1/2/3/4/5/6/7/8", &why));
	ck_assert(!ld_path_valid("1/2/3/4/5/6/7/8/9", &why));
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "8"));

	/* The longest valid path: 8 segments of 32 characters. */
	char p[LD_PATH_MAX + 40] = "";
	for (int i = 0; i < 8; i++) {
		if (i > 0)
			strcat(p, "/");
		strcat(p, rep('a' + i, 32));
	}
	ck_assert_uint_le(strlen(p), LD_PATH_MAX);
	ck_assert_msg(ld_path_valid(p, &why), "%s", why);
	strcat(p, "/z");
	ck_assert(!ld_path_valid(p, NULL));
}
END_TEST

START_TEST(test_valid_n)
{
	/* Only the first n bytes count; the rest may be anything. */
	ck_assert(ld_path_valid_n("530000:17", 6, NULL));
	ck_assert(ld_path_valid_n("530000/530300 junk", 13, NULL));
	ck_assert(!ld_path_valid_n("530000/530300", 7, NULL)); /* "530000/" */
	ck_assert(!ld_path_valid_n("530000:17", 7, NULL));
	ck_assert(!ld_path_valid_n("", 0, NULL));
}
END_TEST

START_TEST(test_in_subtree)
{
	/* Equal, child, grandchild. */
	ck_assert(ld_path_in_subtree("530000", "530000"));
	ck_assert(ld_path_in_subtree("530000/530300", "530000"));
	ck_assert(ld_path_in_subtree("530000/530300/530325", "530000"));
	ck_assert(ld_path_in_subtree("530000/530300/530325", "530000/530300"));
	/* Prefix of the text but not of the tree. */
	ck_assert(!ld_path_in_subtree("530000", "5300"));
	ck_assert(!ld_path_in_subtree("530000/530300", "5300"));
	ck_assert(!ld_path_in_subtree("530000/5303001", "530000/5303"));
	ck_assert(!ld_path_in_subtree("5300", "530000"));
	/* Sibling, and the other way round (ancestor is not below child). */
	ck_assert(!ld_path_in_subtree("530000/530400", "530000/530300"));
	ck_assert(!ld_path_in_subtree("530000", "530000/530300"));
	ck_assert(!ld_path_in_subtree("530000/530300", "530000/530300/530325"));
	/* Different roots. */
	ck_assert(!ld_path_in_subtree("520000/530300", "530000"));

	/* The _n form does not read past the lengths given. */
	const char *x = "530000/530300/530325";
	ck_assert(ld_path_in_subtree_n(x, 13, "530000/530300XYZ", 13));
	ck_assert(ld_path_in_subtree_n(x, 13, "530000", 6));
	ck_assert(!ld_path_in_subtree_n(x, 6, "530000/530300", 13));
	ck_assert(!ld_path_in_subtree_n("530000", 6, "5300", 4));
}
END_TEST

START_TEST(test_is_child)
{
	ck_assert(ld_path_is_child("530000/530300", "530000"));
	ck_assert(ld_path_is_child("530000/530300/530325", "530000/530300"));
	/* Grandchild, self, parent, sibling. */
	ck_assert(!ld_path_is_child("530000/530300/530325", "530000"));
	ck_assert(!ld_path_is_child("530000", "530000"));
	ck_assert(!ld_path_is_child("530000", "530000/530300"));
	ck_assert(!ld_path_is_child("530000/530400", "530000/530300"));
	/* Textual prefix only. */
	ck_assert(!ld_path_is_child("530000/530300", "5300"));
	ck_assert(!ld_path_is_child("53000/1", "53001"));
	ck_assert(!ld_path_is_child("5300001/x", "530000"));
	/* A root has no parent, and "" is nobody's parent. */
	ck_assert(!ld_path_is_child("530000", ""));
	ck_assert(!ld_path_is_child("/530000", ""));
}
END_TEST

START_TEST(test_parent_len)
{
	ck_assert_uint_eq(ld_path_parent_len("530000"), 0);
	ck_assert_uint_eq(ld_path_parent_len("a/b"), 1);
	ck_assert_uint_eq(ld_path_parent_len("530000/530300"), 6);
	ck_assert_uint_eq(ld_path_parent_len("530000/530300/530325"), 13);
	const char *p = "530000/530300/530325";
	ck_assert_int_eq(strncmp(p, "530000/530300", ld_path_parent_len(p)), 0);
}
END_TEST

START_TEST(test_depth)
{
	ck_assert_int_eq(ld_path_depth("530000"), 1);
	ck_assert_int_eq(ld_path_depth("530000/530300"), 2);
	ck_assert_int_eq(ld_path_depth("530000/530300/530325"), 3);
	ck_assert_int_eq(ld_path_depth("1/2/3/4/5/6/7/8"), 8);
}
END_TEST

START_TEST(test_last)
{
	const char *p = "530000/530300/530325";
	ck_assert_str_eq(ld_path_last(p), "530325");
	/* It points into the path, not a copy. */
	ck_assert_ptr_eq(ld_path_last(p), p + 14);
	ck_assert_str_eq(ld_path_last("530000"), "530000");
	ck_assert_str_eq(ld_path_last("a/b"), "b");
}
END_TEST

static Suite *
path_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_valid_paths);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_empty_segments);
	tcase_add_test(tc, test_bad_chars);
	tcase_add_test(tc, test_segment_length);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_valid_n);
	tcase_add_test(tc, test_in_subtree);
	tcase_add_test(tc, test_is_child);
	tcase_add_test(tc, test_parent_len);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_last);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(path_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
