/* check_users.c — the office's accounts: names, roles and what they may do,
 * the users file (round trip, every malformed line named), Argon2id
 * passwords and API tokens. */
#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "scratch.h"
#include "users.h"

static char err[1024];

static void
root_setup(void)
{
	ut_root_setup("ld-check-users");
}

static void
root_teardown(void)
{
	ut_root_teardown();
}

static void
write_file(const char *text)
{
	char p[600];
	snprintf(p, sizeof p, "%s/users", ut_root());
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_roles)
{
	enum ld_role r;
	ck_assert_int_eq(ld_role_parse("clerk", &r), 0);
	ck_assert_int_eq(r, LD_ROLE_CLERK);
	ck_assert_int_eq(ld_role_parse("审核", &r), 0);
	ck_assert_int_eq(r, LD_ROLE_REVIEWER);
	ck_assert_int_eq(ld_role_parse("boss", &r), LD_EREFUSED);
	ck_assert_str_eq(ld_role_name(LD_ROLE_ADMIN), "administrator");
	ck_assert_str_eq(ld_role_label(LD_ROLE_READER), "查阅");
	/* The table: a reader cannot write, a clerk cannot add
	 * users, only a reviewer reviews, everybody reads. */
	ck_assert(!ld_role_may(LD_ROLE_READER, LD_ACT_WRITE));
	ck_assert(!ld_role_may(LD_ROLE_CLERK, LD_ACT_ADMIN));
	ck_assert(!ld_role_may(LD_ROLE_CLERK, LD_ACT_REVIEW));
	ck_assert(ld_role_may(LD_ROLE_CLERK, LD_ACT_WRITE));
	ck_assert(ld_role_may(LD_ROLE_REVIEWER, LD_ACT_REVIEW));
	ck_assert(!ld_role_may(LD_ROLE_REVIEWER, LD_ACT_WRITE));
	ck_assert(ld_role_may(LD_ROLE_ADMIN, LD_ACT_ADMIN));
	ck_assert(!ld_role_may(LD_ROLE_ADMIN, LD_ACT_WRITE));
	for (int i = 0; i < LD_ROLE_COUNT; i++) {
		ck_assert(ld_role_may((enum ld_role)i, LD_ACT_READ));
		ck_assert(ld_role_may((enum ld_role)i, LD_ACT_REPORT));
	}
	ck_assert(!ld_role_may(LD_ROLE_COUNT, LD_ACT_READ));
}
END_TEST

START_TEST(test_names)
{
	const char *why;
	ck_assert(ld_user_name_valid("张三", &why));
	ck_assert(ld_user_name_valid("li.si-2", NULL));
	ck_assert(!ld_user_name_valid("", &why));
	ck_assert_str_eq(why, "empty");
	ck_assert(!ld_user_name_valid("a b", &why));
	ck_assert_str_eq(why, "contains a blank (a name is one word: 张三, zhangsan)");
	ck_assert(!ld_user_name_valid("a:b", NULL));
	ck_assert(!ld_user_name_valid("a\x01", &why));
	ck_assert(!ld_user_name_valid("\xff", NULL));
	ck_assert(!ld_user_name_valid("张三\xe3\x80\x80", &why));
	char longname[70];
	memset(longname, 'x', 65);
	longname[65] = '\0';
	ck_assert(!ld_user_name_valid(longname, &why));
	ck_assert_str_eq(why, "longer than 64 bytes");
	longname[64] = '\0';
	ck_assert(ld_user_name_valid(longname, NULL));
}
END_TEST

START_TEST(test_round_trip)
{
	struct ld_user u[2] = {0};
	strcpy(u[0].name, "王芳");
	u[0].role = LD_ROLE_CLERK;
	ck_assert_int_eq(ld_password_hash("秦岭生态保护2026", u[0].hash, err,
	                                  sizeof err), 0);
	strcpy(u[1].name, "admin");
	u[1].role = LD_ROLE_ADMIN;
	char tok[65];
	ld_token_new(tok, u[1].token);
	ck_assert_int_eq(ld_users_save(ut_root(), u, 2, err, sizeof err), 0);

	char p[600];
	struct stat sb;
	snprintf(p, sizeof p, "%s/users", ut_root());
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);

	struct ld_user *got;
	size_t n;
	ck_assert_int_eq(ld_users_load(ut_root(), &got, &n, err, sizeof err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ld_users_find(got, n, "admin"), 1);
	ck_assert_int_eq(ld_users_find(got, n, "nobody"), -1);
	ck_assert_str_eq(got[0].name, "王芳");
	ck_assert_int_eq(got[0].role, LD_ROLE_CLERK);
	ck_assert_str_eq(got[0].token, "");
	ck_assert(ld_password_check(got[0].hash, "秦岭生态保护2026"));
	ck_assert(!ld_password_check(got[0].hash, "秦岭生态保护2025"));
	ck_assert(!ld_password_check(got[1].hash, "")); /* no password */
	char h[65];
	ld_token_hash(tok, h);
	ck_assert_str_eq(got[1].token, h);
	ld_token_hash("not the token", h);
	ck_assert_str_ne(got[1].token, h);
	free(got);
}
END_TEST

START_TEST(test_absent_is_empty)
{
	struct ld_user *got = (struct ld_user *)1;
	size_t n = 9;
	char dir[600];
	snprintf(dir, sizeof dir, "%s/empty", ut_root());
	mkdir(dir, 0700);
	ck_assert_int_eq(ld_users_load(dir, &got, &n, err, sizeof err), 0);
	ck_assert_ptr_null(got);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static void
expect_bad(const char *text, const char *why)
{
	struct ld_user *got;
	size_t n;
	char want[700];
	write_file(text);
	ck_assert_int_eq(ld_users_load(ut_root(), &got, &n, err, sizeof err),
	                 LD_ESYNTAX);
	snprintf(want, sizeof want, "%s/users:%s", ut_root(), why);
	ck_assert_str_eq(err, want);
}

START_TEST(test_bad_lines)
{
	expect_bad("# c\nbob clerk -\n", "2: expected NAME ROLE HASH TOKEN");
	expect_bad("bob boss - -\n", "1: unknown role");
	expect_bad("bob clerk plain -\n", "1: not an Argon2id hash");
	expect_bad("bob clerk - abc\n", "1: not a token hash");
	expect_bad("bob clerk - -\nbob reader - -\n", "2: 'bob' twice");
	expect_bad("\x01x clerk - -\n", "1: not a valid name");
	expect_bad("bob clerk - - extra\n", "1: expected NAME ROLE HASH TOKEN");
}
END_TEST

START_TEST(test_password_limits)
{
	char h[crypto_pwhash_STRBYTES];
	ck_assert_int_eq(ld_password_hash("short", h, err, sizeof err),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "password: too short (8 to 256 bytes)");
	char big[300];
	memset(big, 'a', 257);
	big[257] = '\0';
	ck_assert_int_eq(ld_password_hash(big, h, err, sizeof err),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "password: too long (8 to 256 bytes)");
	ck_assert_int_eq(ld_password_hash("12345678", h, err, sizeof err), 0);
	ck_assert(strncmp(h, "$argon2id$", 10) == 0);
}
END_TEST

/* The office keeps an administrator: the last one is neither removed nor
 * given another role; anyone else may be. */
START_TEST(test_keeps_admin)
{
	struct ld_user u[3];
	memset(u, 0, sizeof u);
	strcpy(u[0].name, "甲");
	u[0].role = LD_ROLE_ADMIN;
	strcpy(u[1].name, "乙");
	u[1].role = LD_ROLE_CLERK;
	strcpy(u[2].name, "丙");
	u[2].role = LD_ROLE_READER;
	ck_assert(!ld_users_keeps_admin(u, 3, "甲", true, LD_ROLE_ADMIN));
	ck_assert(!ld_users_keeps_admin(u, 3, "甲", false, LD_ROLE_CLERK));
	ck_assert(ld_users_keeps_admin(u, 3, "甲", false, LD_ROLE_ADMIN));
	ck_assert(ld_users_keeps_admin(u, 3, "乙", true, LD_ROLE_ADMIN));
	ck_assert(ld_users_keeps_admin(u, 3, "丙", false, LD_ROLE_READER));
	/* Promoting another first makes the first one free to go. */
	u[1].role = LD_ROLE_ADMIN;
	ck_assert(ld_users_keeps_admin(u, 3, "甲", true, LD_ROLE_ADMIN));
	ck_assert(ld_users_keeps_admin(u, 3, "甲", false, LD_ROLE_READER));
	ck_assert(!ld_users_keeps_admin(u, 0, "甲", true, LD_ROLE_ADMIN));
}
END_TEST

/* users.lock is exclusive: a second editor waits for the first. */
START_TEST(test_lock)
{
	int fd;
	ck_assert_int_eq(ld_users_lock(ut_root(), &fd, err, sizeof err), 0);
	ck_assert_int_ge(fd, 0);
	char p[4200];
	snprintf(p, sizeof p, "%s/%s", ut_root(), LD_USERS_LOCK);
	int other = open(p, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(other, 0);
	ck_assert_int_ne(flock(other, LOCK_EX | LOCK_NB), 0);
	ld_users_unlock(&fd);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);
	ld_users_unlock(&fd); /* twice: nothing */
}
END_TEST

static Suite *
users_suite(void)
{
	Suite *s = suite_create("users");
	TCase *tc = tcase_create("users");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_absent_is_empty);
	tcase_add_test(tc, test_bad_lines);
	tcase_add_test(tc, test_password_limits);
	tcase_add_test(tc, test_keeps_admin);
	tcase_add_test(tc, test_lock);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(users_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
