/* check_author.c — who wrote each version, with real daemons: a result
 * written at a county with --as arrives at the city naming its author
 * under the county's signature; a review, an edit and a delete each name
 * theirs; 'history' lists the versions with their authors at both nodes;
 * a bad --as is a usage error that writes nothing; without --as the
 * local account's name is recorded. */
#include "cli_assert.h"
#include "harness.h"
#include "record.h"
#include "sign.h"
#include "validate.h"

#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define C_ID "530300"
#define X_ID "530300/530325"

static struct th_node C, X;
static char out[65536], err[8192];

/* Lines of `history` output: version, author and status of each, the
 * time between them left out ("v1 张三 submitted\n..."). */
static void
history_at(struct th_node *n, const char *id, char *buf, size_t len)
{
	OK(AT(n, "history", id));
	buf[0] = '\0';
	for (char *line = strtok(out, "\n"); line != NULL;
	     line = strtok(NULL, "\n")) {
		/* "v1  2026-11-23 10:12  张三  submitted" */
		char v[32], day[32], hm[32], who[128], rest[128] = "";
		int k = sscanf(line, "%31s %31s %31s %127s %127[^\n]", v, day,
		               hm, who, rest);
		ck_assert_msg(k >= 4, "history line: %s", line);
		ck_assert_msg(strlen(day) == 10 && strlen(hm) == 5,
		              "history time: %s", line);
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s %s %s\n", v, who, rest);
	}
}

START_TEST(test_author_travels)
{
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, NULL, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&C);
	th_node_start(&X);

	char t[LD_ID_MAX + 1], res[LD_ID_MAX + 1], rv[LD_ID_MAX + 1];
	OK(AT(&C, "--as", "李四", "task", "add", "--topic", "优化营商环境",
	      "--form", "inspection", "--scope", X_ID));
	take_id(t);
	Ld__Record *r = th_record_at(&X, t, 1);
	ck_assert_str_eq(r->author, "李四");
	ld__record__free_unpacked(r, NULL);

	/* --as may also follow the command, like --data. */
	OK(AT(&X, "result", "add", "--as", "张三", "--ref", t, "--summary",
	      "完成视察"));
	take_id(res);
	r = th_record_at(&C, res, 1);
	ck_assert_str_eq(r->author, "张三");
	/* The county's signature covers the name: it verifies as held, and
	 * not with another name. */
	uint8_t pk[32];
	th_sign_key(&C, X_ID, pk);
	ck_assert(ld_sign_verify(r, pk));
	/* Batch-signed by default: sealed (a tree of one here), no
	 * signature of its own. */
	ck_assert_ptr_nonnull(r->seal);
	ck_assert_uint_eq(r->sig.len, 0);
	ck_assert_uint_eq(r->seal->count, 1);
	char *au = r->author;
	r->author = "李四";
	ck_assert(!ld_sign_verify(r, pk));
	r->author = au;
	ld__record__free_unpacked(r, NULL);

	/* show and --json at the city name the author. */
	OK(AT(&C, "show", res));
	ck_assert_ptr_nonnull(strstr(out, "\nauthor       张三\n"));
	OK(AT(&C, "show", res, "--json"));
	ck_assert_ptr_nonnull(strstr(out, "\"author\": \"张三\""));
	OK(AT(&C, "list", "--kind", "result"));
	ck_assert_ptr_nonnull(strstr(out, "完成视察  by 张三\n"));

	/* The city returns it; the county revises it as someone else. */
	OK(AT(&C, "--as", "李四", "review", "add", "--ref", res, "--verdict",
	      "returned", "--comment", "补充材料"));
	take_id(rv);
	r = th_record_at(&X, rv, 1);
	ck_assert_str_eq(r->author, "李四");
	ld__record__free_unpacked(r, NULL);
	OK(AT(&X, "--as", "王五", "result", "set", res, "--summary",
	      "完成视察，补充材料"));
	r = th_record_at(&C, res, 2);
	ck_assert_str_eq(r->author, "王五");
	ck_assert(ld_sign_verify(r, pk));
	ld__record__free_unpacked(r, NULL);

	/* Bad names: a usage error (exit 2, one line), nothing written. */
	REFUSED(2, AT(&X, "--as", "a b", "result", "set", res, "--summary",
	              "x"),
	        "--as 'a b'", "author: contains a blank");
	REFUSED(2, AT(&X, "result", "set", res, "--as", "a:b", "--summary",
	              "x"),
	        "author: contains ':'");
	REFUSED(2, AT(&X, "--as", "", "delete", res), "author: empty");
	char long_[70];
	memset(long_, 'x', 65);
	long_[65] = '\0';
	REFUSED(2, AT(&X, "--as", long_, "delete", res),
	        "author: longer than 64 bytes");
	r = th_record_at(&X, res, 2);
	ck_assert_uint_eq(r->version, 2);
	ld__record__free_unpacked(r, NULL);

	/* A delete names who deleted. */
	OK(AT(&X, "--as", "赵六", "delete", res));
	r = th_record_at(&C, res, 3);
	ck_assert(r->deleted);
	ck_assert_str_eq(r->author, "赵六");
	ck_assert(ld_sign_verify(r, pk));
	ld__record__free_unpacked(r, NULL);

	/* The same history at both nodes (the city took each version as it
	 * came: each was waited for before the next). */
	const char *want = "v1 张三 submitted\n"
	                   "v2 王五 submitted\n"
	                   "v3 赵六 submitted (deleted)\n";
	char h[4096];
	history_at(&X, res, h, sizeof(h));
	ck_assert_str_eq(h, want);
	th_wait_quiet(&C, th_ms(10000));
	history_at(&C, res, h, sizeof(h));
	ck_assert_str_eq(h, want);
	OK(AT(&C, "history", res, "--json"));
	ck_assert_ptr_nonnull(strstr(out, "\"author\": \"王五\""));
	ck_assert_ptr_nonnull(strstr(out, "\"version\": 2"));
	REFUSED(1, AT(&C, "history", C_ID ":999"), "no record 530300:999");

	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
}
END_TEST

/* Without --as, the local account's name is the author (or none, if it
 * is no valid name); the node's own NODE record has none. */
START_TEST(test_author_default)
{
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, NULL, NULL);
	th_node_start(&C);
	const struct passwd *pw = getpwuid(geteuid());
	char e[128];
	const char *me = pw != NULL && ld_validate_author(pw->pw_name, e,
	                                                  sizeof(e)) == 0
	                     ? pw->pw_name
	                     : "";
	char t[LD_ID_MAX + 1];
	OK(AT(&C, "task", "add", "--topic", "河长制", "--form", "inspection",
	      "--scope", C_ID));
	take_id(t);
	Ld__Record *r = th_record_at(&C, t, 1);
	ck_assert_str_eq(r->author, me);
	ld__record__free_unpacked(r, NULL);
	r = th_record_at(&C, C_ID ":0", 1);
	ck_assert_str_eq(r->author, "");
	ld__record__free_unpacked(r, NULL);
	OK(AT(&C, "history", C_ID ":0"));
	ck_assert_ptr_nonnull(strstr(out, "  -  \n"));
	ck_assert_int_eq(th_node_stop(&C), 0);
}
END_TEST

static Suite *
author_suite(void)
{
	Suite *s = suite_create("author");
	TCase *tc = tcase_create("author");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_author_travels);
	tcase_add_test(tc, test_author_default);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(author_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
