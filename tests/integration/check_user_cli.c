/* check_user_cli.c — 'liandong user' as an administrator meets it: add,
 * passwd, remove, list, token, each bad input refused with its one-line
 * error and exit code, the file 0600, two adds at once both kept. No
 * daemon runs: the commands edit <data>/users themselves. */
#include "cli_assert.h"
#include "harness.h"
#include "users.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct th_node P;
static char out[65536], err[8192];
static char pw[600], shortpw[600];

/* An office with no daemon, and two password files. */
static void
office(void)
{
	th_set_insecure(true);
	th_node_init(&P, "p", "530000", "云南省政协", false, NULL, NULL);
	snprintf(pw, sizeof(pw), "%s/pw", th_root());
	snprintf(shortpw, sizeof(shortpw), "%s/short", th_root());
	FILE *f = fopen(pw, "w");
	ck_assert_ptr_nonnull(f);
	fputs("correct horse\n", f);
	fclose(f);
	f = fopen(shortpw, "w");
	ck_assert_ptr_nonnull(f);
	fputs("short\n", f);
	fclose(f);
}

/* The accounts as the library reads them. */
static size_t
load(struct ld_user **u)
{
	size_t n = 0;
	char e[512];
	ck_assert_int_eq(ld_users_load(P.dir, u, &n, e, sizeof(e)), 0);
	return n;
}

START_TEST(test_add_list_passwd_remove)
{
	office();
	OK(AT(&P, "user", "add", "张三", "--role", "经办", "--password-file",
	      pw));
	ck_assert_str_eq(out, "added 张三 (clerk, 经办)\n");
	OK(AT(&P, "user", "add", "li.si", "--role", "reviewer",
	      "--password-file", pw));
	OK(AT(&P, "user", "add", "wang", "--role", "administrator",
	      "--password-file", pw));

	char file[700];
	snprintf(file, sizeof(file), "%s/users", P.dir);
	struct stat sb;
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);

	struct ld_user *u = NULL;
	ck_assert_uint_eq(load(&u), 3);
	long i = ld_users_find(u, 3, "张三");
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(u[i].role, LD_ROLE_CLERK);
	ck_assert(ld_password_check(u[i].hash, "correct horse"));
	ck_assert(!ld_password_check(u[i].hash, "wrong horse"));
	free(u);

	OK(AT(&P, "user", "list"));
	ck_assert_ptr_nonnull(strstr(out, "张三"));
	ck_assert_ptr_nonnull(strstr(out, "reviewer"));
	ck_assert_ptr_nonnull(strstr(out, "管理员"));
	ck_assert_ptr_null(strstr(out, "$argon2id"));
	OK(AT(&P, "user", "list", "--json"));
	ck_assert_ptr_nonnull(strstr(out, "{\"name\": \"张三\", \"role\": "
	                                  "\"clerk\", \"label\": \"经办\", "
	                                  "\"password\": true, \"token\": "
	                                  "false}"));

	/* A new password from standard input. */
	char cmd[2000];
	snprintf(cmd, sizeof(cmd),
	         "echo 'battery staple' | '%s/clients/liandong' --data '%s' "
	         "user passwd 张三 --password-file - >/dev/null",
	         LD_BIN_DIR, P.dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_uint_eq(load(&u), 3);
	i = ld_users_find(u, 3, "张三");
	ck_assert(ld_password_check(u[i].hash, "battery staple"));
	ck_assert(!ld_password_check(u[i].hash, "correct horse"));
	free(u);

	OK(AT(&P, "user", "remove", "li.si"));
	ck_assert_str_eq(out, "removed li.si\n");
	ck_assert_uint_eq(load(&u), 2);
	ck_assert_int_lt(ld_users_find(u, 2, "li.si"), 0);
	free(u);
	/* Removing the last administrator is done, and said. */
	OK(AT(&P, "user", "remove", "wang"));
	ck_assert_str_eq(out, "removed wang\n");
	ck_assert_ptr_nonnull(strstr(err, "no administrator is left"));

	ck_assert_int_eq(AT(&P, "user", "add", "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--password-file FILE"));
	ck_assert_ptr_nonnull(strstr(out, "审核"));
	ck_assert_int_eq(AT(&P, "user", "token", "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--revoke"));
}
END_TEST

START_TEST(test_token)
{
	office();
	OK(AT(&P, "user", "add", "zhao", "--role", "reader", "--password-file",
	      pw));
	OK(AT(&P, "user", "token", "zhao"));
	char token[80];
	ck_assert_uint_eq(strlen(out), 65);
	memcpy(token, out, 64);
	token[64] = '\0';
	struct ld_user *u = NULL;
	ck_assert_uint_eq(load(&u), 1);
	char h[65];
	ld_token_hash(token, h);
	ck_assert_str_eq(u[0].token, h);
	ck_assert_str_ne(u[0].token, token); /* only the hash is kept */
	free(u);
	OK(AT(&P, "user", "list"));
	ck_assert_ptr_nonnull(strstr(out, "token"));
	ck_assert_ptr_null(strstr(out, token));

	/* A second token replaces the first. */
	OK(AT(&P, "user", "token", "zhao"));
	ck_assert(strncmp(out, token, 64) != 0);
	OK(AT(&P, "user", "token", "zhao", "--revoke"));
	ck_assert_str_eq(out, "revoked the API token of zhao\n");
	ck_assert_uint_eq(load(&u), 1);
	ck_assert_str_eq(u[0].token, "");
	free(u);
	REFUSED(1, AT(&P, "user", "token", "zhao", "--revoke"),
	        "liandong: zhao has no API token");
	REFUSED(1, AT(&P, "user", "token", "nobody"),
	        "liandong: no user nobody in ");
}
END_TEST

START_TEST(test_bad_input)
{
	office();
	OK(AT(&P, "user", "add", "zhao", "--role", "clerk", "--password-file",
	      pw));
	REFUSED(2,
	        AT(&P, "user", "add", "qian", "--role", "boss",
	           "--password-file", pw),
	        "liandong user add: --role 'boss': one of administrator, "
	        "clerk, reviewer, reader (管理员, 经办, 审核, 查阅) (see "
	        "'liandong user add --help')");
	REFUSED(2, AT(&P, "user", "add", "qian", "--password-file", pw),
	        "liandong user add: --role is required");
	REFUSED(
	    2,
	    AT(&P, "user", "add", "", "--role", "clerk", "--password-file", pw),
	    "liandong user add: NAME '': empty");
	REFUSED(2,
	        AT(&P, "user", "add", "qian sun", "--role", "clerk",
	           "--password-file", pw),
	        "liandong user add: NAME 'qian sun': contains a blank (a name is "
	        "one word: 张三, zhangsan)");
	REFUSED(2,
	        AT(&P, "user", "add", "qian:sun", "--role", "clerk",
	           "--password-file", pw),
	        "liandong user add: NAME 'qian:sun': contains ':'");
	char longname[80];
	memset(longname, 'x', 65);
	longname[65] = '\0';
	REFUSED(2,
	        AT(&P, "user", "add", longname, "--role", "clerk",
	           "--password-file", pw),
	        "': longer than 64 bytes (see 'liandong user add --help')");
	REFUSED(1,
	        AT(&P, "user", "add", "zhao", "--role", "reader",
	           "--password-file", pw),
	        "liandong: user zhao already exists (change the password "
	        "with 'liandong user passwd')");
	REFUSED(2,
	        AT(&P, "user", "add", "qian", "--role", "clerk",
	           "--password-file", shortpw),
	        "liandong user add: password: too short (8 to 256 bytes)");
	REFUSED(2, AT(&P, "user", "passwd", "zhao", "--password-file", shortpw),
	        "liandong user passwd: password: too short (8 to 256 bytes)");
	/* No terminal to ask on (the harness's stdin is not one). */
	REFUSED(2, AT(&P, "user", "add", "qian", "--role", "clerk"),
	        "liandong user add: a password is needed: give "
	        "--password-file FILE");
	REFUSED(1, AT(&P, "user", "passwd", "nobody", "--password-file", pw),
	        "liandong: no user nobody in ");
	REFUSED(1, AT(&P, "user", "remove", "nobody"),
	        "liandong: no user nobody in ");
	REFUSED(2, AT(&P, "user", "remove"),
	        "liandong user remove: missing argument");
	REFUSED(2, AT(&P, "user", "list", "--revoke"),
	        "liandong user list: option '--revoke' does not apply here");
	/* An option with its value as the next argument is named, not
	 * its value. */
	REFUSED(2, AT(&P, "user", "list", "--role", "clerk"),
	        "liandong user list: option '--role' does not apply here");
	REFUSED(2,
	        th_cli(out, sizeof(out), err, sizeof(err),
	               (const char *const[]){"--remote", "tcp://127.0.0.1:1",
	                                     "--data", P.dir, "user", "list",
	                                     NULL}),
	        "liandong user list: works on the office's own data "
	        "directory, not over --remote");
	/* Nothing of the refused commands was written. */
	struct ld_user *u = NULL;
	ck_assert_uint_eq(load(&u), 1);
	free(u);

	/* A corrupt file is refused with its line, and left as it was. */
	char file[700];
	snprintf(file, sizeof(file), "%s/users", P.dir);
	FILE *f = fopen(file, "a");
	ck_assert_ptr_nonnull(f);
	fputs("qian clerk\n", f);
	fclose(f);
	char where[800];
	snprintf(where, sizeof(where), "liandong: %s:", file);
	REFUSED(1, AT(&P, "user", "list"), where, "expected NAME ROLE HASH");
	ck_assert_msg(strstr(err, "users:4: ") != NULL, "%s", err);
	REFUSED(1,
	        AT(&P, "user", "add", "sun", "--role", "clerk",
	           "--password-file", pw),
	        where);
	REFUSED(1, AT(&P, "user", "remove", "zhao"), where);

	/* Not an office at all. */
	char none[700];
	snprintf(none, sizeof(none), "%s/nowhere", th_root());
	ck_assert_int_eq(mkdir(none, 0700), 0);
	REFUSED(
	    1,
	    th_cli(out, sizeof(out), err, sizeof(err),
	           (const char *const[]){"--data", none, "user", "list", NULL}),
	    "run 'liandong init' first");
}
END_TEST

/* Two adds at once: the lock keeps both. */
START_TEST(test_concurrent_adds)
{
	office();
	char cmd[4000];
	snprintf(cmd, sizeof(cmd),
	         "L='%s/clients/liandong'; D='%s'; for i in 1 2 3 4; do "
	         "\"$L\" --data \"$D\" user add u$i --role clerk "
	         "--password-file '%s' >/dev/null & done; wait",
	         LD_BIN_DIR, P.dir, pw);
	ck_assert_int_eq(system(cmd), 0);
	struct ld_user *u = NULL;
	ck_assert_uint_eq(load(&u), 4);
	for (int i = 1; i <= 4; i++) {
		char name[8];
		snprintf(name, sizeof(name), "u%d", i);
		ck_assert_int_ge(ld_users_find(u, 4, name), 0);
	}
	free(u);
}
END_TEST

/* On a terminal (script(1) makes one): asked twice, echo off, and two
 * different answers change nothing. */
static int
on_tty(const char *first, const char *second, const char *log)
{
	char cmd[3000];
	snprintf(cmd, sizeof(cmd),
	         "(sleep 0.5; printf '%s\\r'; sleep 0.3; printf '%s\\r'; "
	         "sleep 0.5) | script -qfec \"'%s/clients/liandong' --data "
	         "'%s' user passwd zhao\" /dev/null > '%s' 2>&1",
	         first, second, LD_BIN_DIR, P.dir, log);
	return system(cmd);
}

START_TEST(test_terminal)
{
	if (access("/usr/bin/script", X_OK) != 0)
		return; /* no script(1): nothing to test with */
	office();
	OK(AT(&P, "user", "add", "zhao", "--role", "clerk", "--password-file",
	      pw));
	char log[700], text[4096];
	snprintf(log, sizeof(log), "%s/tty.log", th_root());
	ck_assert_int_ne(on_tty("first-secret", "other-secret", log), 0);
	FILE *f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	ck_assert_msg(strstr(text, "password: ") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "again: ") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "the two passwords differ") != NULL, "%s",
	              text);
	ck_assert_msg(strstr(text, "secret") == NULL, "echoed: %s", text);
	struct ld_user *u = NULL;
	ck_assert_uint_eq(load(&u), 1);
	ck_assert(ld_password_check(u[0].hash, "correct horse"));
	free(u);
	ck_assert_int_eq(on_tty("same-secret", "same-secret", log), 0);
	ck_assert_uint_eq(load(&u), 1);
	ck_assert(ld_password_check(u[0].hash, "same-secret"));
	free(u);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("user_cli");
	TCase *tc = tcase_create("user_cli");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_add_list_passwd_remove);
	tcase_add_test(tc, test_token);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_concurrent_adds);
	tcase_add_test(tc, test_terminal);
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
	return failed == 0 ? 0 : 1;
}
