/* check_allow.c — the allow-list of children: load, save, put, remove. */
#include <check.h>

#include "scratch.h"
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "allow.h"
#include "keys.h"

#define PROV "530000"
#define CITY "530000/530300"
#define COUNTY "530000/530300/530325"
#define COUNTY2 "530000/530300/530326"
#define COUNTY3 "530000/530300/530381"

/* ---- a fresh directory per test, removed afterwards ---- */

static char tmpdir[300];
static char listfile[512];
static char err[2048];
static struct ld_allow al;

/* The scratch root of this test case (see scratch.h). */
static void
root_setup(void)
{
	ut_root_setup("ld-check-allow");
}

static void
root_teardown(void)
{
	ut_root_teardown();
}

static void
setup(void)
{
	ck_assert_int_eq(ld_keys_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", ut_root());
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(listfile, sizeof(listfile), "%s/%s", tmpdir, LD_ALLOW_FILE);
	err[0] = '\0';
	memset(&al, 0, sizeof(al));
}

static void
teardown(void)
{
	ld_allow_free(&al);
	if (tmpdir[0] != '\0')
		ut_rm_rf(tmpdir);
	tmpdir[0] = '\0';
}

/* ---- helpers ---- */

/* A child's public keys, random. */
struct pk {
	uint8_t curve[32], sign[32];
	char text[LD_KEY_TEXT_MAX];
};

static void
new_pk(struct pk *p)
{
	struct ld_keys k;
	memset(&k, 0, sizeof(k));
	randombytes_buf(k.curve_pub, 32);
	randombytes_buf(k.sign_pub, 32);
	memcpy(p->curve, k.curve_pub, 32);
	memcpy(p->sign, k.sign_pub, 32);
	ld_keys_public_text(&k, p->text);
}

static void
write_list(const char *text)
{
	FILE *f = fopen(listfile, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void
put_ok(const char *path, const struct pk *p)
{
	const char *why = NULL;
	ck_assert_msg(ld_allow_put(&al, path, p->curve, p->sign, &why),
	              "put %s: %s", path, why ? why : "?");
}

/* The entry for `path` holds exactly the keys of `p`. */
static void
assert_entry(const struct ld_allow *a, const char *path, const struct pk *p)
{
	const struct ld_child_key *e = ld_allow_by_path(a, path);
	ck_assert_msg(e != NULL, "no entry for %s", path);
	ck_assert_str_eq(e->path, path);
	ck_assert_mem_eq(e->curve, p->curve, 32);
	ck_assert_mem_eq(e->sign, p->sign, 32);
	ck_assert_ptr_eq(ld_allow_by_curve(a, p->curve), e);
}

/* Loading a list whose line `line` is bad fails there, leaves the list
 * empty, and the reason contains `needle`. */
static void
load_fails_at(int line, const char *needle)
{
	struct ld_allow a;
	memset(&a, 0xff, sizeof(a));
	err[0] = '\0';
	ck_assert_int_ne(ld_allow_load(tmpdir, CITY, &a, err, sizeof(err)), 0);
	char want[700];
	snprintf(want, sizeof(want), "%s:%d: ", listfile, line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	              "error '%s' does not start with '%s'", err, want);
	if (needle != NULL)
		ck_assert_msg(strstr(err, needle) != NULL,
		              "error '%s' does not say '%s'", err, needle);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_ptr_null(a.v);
}

/* ---- load and save ---- */

START_TEST(test_missing_file_is_empty)
{
	memset(&al, 0xff, sizeof(al));
	int rc = ld_allow_load(tmpdir, CITY, &al, err, sizeof(err));
	ck_assert_msg(rc == 0, "load: %s", err);
	ck_assert_uint_eq(al.n, 0);
	ck_assert_ptr_null(al.v);
	struct pk p;
	new_pk(&p);
	ck_assert_ptr_null(ld_allow_by_path(&al, COUNTY));
	ck_assert_ptr_null(ld_allow_by_curve(&al, p.curve));
}
END_TEST

START_TEST(test_unreadable_is_an_error)
{
	/* Only a missing file means "empty": a data directory that is not a
	 * directory is an error, naming the file. */
	char notdir[600], file[700];
	snprintf(notdir, sizeof(notdir), "%s/plain", tmpdir);
	FILE *f = fopen(notdir, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(file, sizeof(file), "%s/%s", notdir, LD_ALLOW_FILE);
	struct ld_allow a;
	ck_assert_int_ne(ld_allow_load(notdir, CITY, &a, err, sizeof(err)), 0);
	ck_assert_msg(strncmp(err, file, strlen(file)) == 0, "%s", err);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_ptr_null(a.v);
}
END_TEST

START_TEST(test_save_load_round_trip)
{
	struct pk p[3];
	static const char *paths[3] = {COUNTY, COUNTY2, COUNTY3};
	for (int i = 0; i < 3; i++) {
		new_pk(&p[i]);
		put_ok(paths[i], &p[i]);
	}
	int rc = ld_allow_save(tmpdir, &al, err, sizeof(err));
	ck_assert_msg(rc == 0, "save: %s", err);

	struct stat sb;
	ck_assert_int_eq(stat(listfile, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.tmp", listfile);
	ck_assert_int_ne(access(tmp, F_OK), 0);
	/* Nothing else left beside it. */
	DIR *d = opendir(tmpdir);
	ck_assert_ptr_nonnull(d);
	int files = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			files++;
	closedir(d);
	ck_assert_int_eq(files, 1);

	struct ld_allow b;
	rc = ld_allow_load(tmpdir, CITY, &b, err, sizeof(err));
	ck_assert_msg(rc == 0, "load: %s", err);
	ck_assert_uint_eq(b.n, 3);
	for (int i = 0; i < 3; i++)
		assert_entry(&b, paths[i], &p[i]);
	ld_allow_free(&b);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_ptr_null(b.v);

	/* The file is what a person would type: PATH KEY. */
	FILE *f = fopen(listfile, "r");
	ck_assert_ptr_nonnull(f);
	char line[512];
	int entries = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (line[0] == '#')
			continue;
		char want[512];
		snprintf(want, sizeof(want), "%s %s\n", paths[entries],
		         p[entries].text);
		ck_assert_str_eq(line, want);
		entries++;
	}
	fclose(f);
	ck_assert_int_eq(entries, 3);
}
END_TEST

START_TEST(test_save_replaces)
{
	struct pk p, q;
	new_pk(&p);
	new_pk(&q);
	put_ok(COUNTY, &p);
	put_ok(COUNTY2, &q);
	ck_assert_int_eq(ld_allow_save(tmpdir, &al, err, sizeof(err)), 0);
	ck_assert(ld_allow_remove(&al, COUNTY));
	ck_assert_int_eq(ld_allow_save(tmpdir, &al, err, sizeof(err)), 0);

	struct ld_allow b;
	ck_assert_int_eq(ld_allow_load(tmpdir, CITY, &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b.n, 1);
	assert_entry(&b, COUNTY2, &q);
	ck_assert_ptr_null(ld_allow_by_path(&b, COUNTY));
	ck_assert_ptr_null(ld_allow_by_curve(&b, p.curve));
	ld_allow_free(&b);

	/* An empty list saves and loads as empty. */
	ck_assert(ld_allow_remove(&al, COUNTY2));
	ck_assert_int_eq(ld_allow_save(tmpdir, &al, err, sizeof(err)), 0);
	ck_assert_int_eq(access(listfile, F_OK), 0);
	ck_assert_int_eq(ld_allow_load(tmpdir, CITY, &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b.n, 0);
	ld_allow_free(&b);
}
END_TEST

START_TEST(test_save_error)
{
	struct pk p;
	new_pk(&p);
	put_ok(COUNTY, &p);
	char missing[600];
	snprintf(missing, sizeof(missing), "%s/nowhere", tmpdir);
	err[0] = '\0';
	ck_assert_int_ne(ld_allow_save(missing, &al, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, missing) != NULL, "%s", err);
}
END_TEST

START_TEST(test_load_comments_blank_crlf)
{
	struct pk p, q;
	new_pk(&p);
	new_pk(&q);
	char text[2048];
	snprintf(text, sizeof(text),
	         "# children of the city\n\n%s %s\r\n# gone: %s\n%s %s", COUNTY,
	         p.text, COUNTY3, COUNTY2, q.text);
	write_list(text);
	int rc = ld_allow_load(tmpdir, CITY, &al, err, sizeof(err));
	ck_assert_msg(rc == 0, "load: %s", err);
	ck_assert_uint_eq(al.n, 2);
	assert_entry(&al, COUNTY, &p);
	assert_entry(&al, COUNTY2, &q);
	ck_assert_ptr_null(ld_allow_by_path(&al, COUNTY3));
}
END_TEST

/* A list of two good lines, then `bad` as line 3 (and a good line after). */
static void
write_with_bad_line(const char *bad)
{
	struct pk p, r;
	new_pk(&p);
	new_pk(&r);
	char text[4096];
	snprintf(text, sizeof(text), "# list\n%s %s\n%s\n%s %s\n", COUNTY,
	         p.text, bad, COUNTY2, r.text);
	write_list(text);
}

START_TEST(test_load_refuses_not_a_child)
{
	struct pk p;
	new_pk(&p);
	static const char *paths[] = {
	    COUNTY "/01",           /* a grandchild */
	    "530000/530400",        /* a sibling of the city */
	    "530000/530400/530402", /* a cousin */
	    CITY,                   /* the node itself */
	    PROV,                   /* its parent */
	    "440000/440300",        /* another tree, same depth */
	    "440000/530300/530325", /* another tree, same last segments */
	    "530000/5303001/1",     /* a textual prefix, not a child */
	    "530000/53030/0325",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char bad[512];
		snprintf(bad, sizeof(bad), "%s %s", paths[i], p.text);
		write_with_bad_line(bad);
		load_fails_at(3, "not a child");
	}
}
END_TEST

START_TEST(test_load_refuses_bad_key)
{
	struct pk p;
	new_pk(&p);
	char s[LD_B64_32];
	ld_b64_32(p.sign, s);
	char bad[512];

	/* missing key */
	write_with_bad_line(COUNTY3);
	load_fails_at(3, "PATH KEY");
	write_with_bad_line(COUNTY3 " ");
	load_fails_at(3, "ldk1");

	/* a bare signing key (no CURVE key) is not enough for a child */
	snprintf(bad, sizeof(bad), "%s %s", COUNTY3, s);
	write_with_bad_line(bad);
	load_fails_at(3, "ldk1");

	/* a mangled key */
	snprintf(bad, sizeof(bad), "%s %s", COUNTY3, p.text);
	bad[strlen(bad) - 3] = '*';
	write_with_bad_line(bad);
	load_fails_at(3, "ldk1");

	/* a cut key */
	snprintf(bad, sizeof(bad), "%s %s", COUNTY3, p.text);
	bad[strlen(bad) - 1] = '\0';
	write_with_bad_line(bad);
	load_fails_at(3, "ldk1");

	/* junk after the key */
	snprintf(bad, sizeof(bad), "%s %s x", COUNTY3, p.text);
	write_with_bad_line(bad);
	load_fails_at(3, "ldk1");

	/* two spaces */
	snprintf(bad, sizeof(bad), "%s  %s", COUNTY3, p.text);
	write_with_bad_line(bad);
	load_fails_at(3, "ldk1");

	/* The same line well formed loads: the damage was the cause. */
	snprintf(bad, sizeof(bad), "%s %s", COUNTY3, p.text);
	write_with_bad_line(bad);
	ck_assert_msg(ld_allow_load(tmpdir, CITY, &al, err, sizeof(err)) == 0,
	              "%s", err);
	ck_assert_uint_eq(al.n, 3);
	assert_entry(&al, COUNTY3, &p);
}
END_TEST

START_TEST(test_load_refuses_key_of_another_child)
{
	struct pk p, q;
	new_pk(&p);
	new_pk(&q);
	char text[4096];
	/* Line 4 gives COUNTY's key to COUNTY3. */
	snprintf(text, sizeof(text), "# list\n%s %s\n%s %s\n%s %s\n", COUNTY,
	         p.text, COUNTY2, q.text, COUNTY3, p.text);
	write_list(text);
	load_fails_at(4, "another child");
}
END_TEST

/* ---- put, remove, lookups ---- */

START_TEST(test_put_replaces_key_of_path)
{
	struct pk p, q, r;
	new_pk(&p);
	new_pk(&q);
	new_pk(&r);
	put_ok(COUNTY, &p);
	put_ok(COUNTY2, &r);
	put_ok(COUNTY, &q);
	ck_assert_uint_eq(al.n, 2);
	assert_entry(&al, COUNTY, &q);
	assert_entry(&al, COUNTY2, &r);
	/* The old key no longer lets anyone in. */
	ck_assert_ptr_null(ld_allow_by_curve(&al, p.curve));
	/* Putting the same key again for the same path is fine. */
	put_ok(COUNTY, &q);
	ck_assert_uint_eq(al.n, 2);
	assert_entry(&al, COUNTY, &q);
}
END_TEST

START_TEST(test_put_refuses_key_of_another_path)
{
	struct pk p, q, mixed;
	new_pk(&p);
	new_pk(&q);
	put_ok(COUNTY, &p);
	put_ok(COUNTY2, &q);

	/* the same CURVE key, another signing key */
	new_pk(&mixed);
	memcpy(mixed.curve, p.curve, 32);
	const char *why = NULL;
	ck_assert(!ld_allow_put(&al, COUNTY3, mixed.curve, mixed.sign, &why));
	ck_assert_ptr_nonnull(why);
	ck_assert_ptr_nonnull(strstr(why, "another child"));

	/* the same signing key, another CURVE key */
	new_pk(&mixed);
	memcpy(mixed.sign, p.sign, 32);
	why = NULL;
	ck_assert(!ld_allow_put(&al, COUNTY3, mixed.curve, mixed.sign, &why));
	ck_assert_ptr_nonnull(why);

	/* replacing COUNTY2's key by COUNTY's is refused as well */
	why = NULL;
	ck_assert(!ld_allow_put(&al, COUNTY2, p.curve, p.sign, &why));
	ck_assert_ptr_nonnull(why);

	/* Nothing changed. */
	ck_assert_uint_eq(al.n, 2);
	assert_entry(&al, COUNTY, &p);
	assert_entry(&al, COUNTY2, &q);
	ck_assert_ptr_null(ld_allow_by_path(&al, COUNTY3));
}
END_TEST

START_TEST(test_remove)
{
	struct pk p[3];
	static const char *paths[3] = {COUNTY, COUNTY2, COUNTY3};
	for (int i = 0; i < 3; i++) {
		new_pk(&p[i]);
		put_ok(paths[i], &p[i]);
	}
	ck_assert(ld_allow_remove(&al, COUNTY));
	ck_assert_uint_eq(al.n, 2);
	ck_assert_ptr_null(ld_allow_by_path(&al, COUNTY));
	ck_assert_ptr_null(ld_allow_by_curve(&al, p[0].curve));
	assert_entry(&al, COUNTY2, &p[1]);
	assert_entry(&al, COUNTY3, &p[2]);
	/* Not there (any more). */
	ck_assert(!ld_allow_remove(&al, COUNTY));
	ck_assert(!ld_allow_remove(&al, CITY));
	ck_assert_uint_eq(al.n, 2);
	/* The removed key may be given again, to another path. */
	put_ok(COUNTY "x", &p[0]);
	ck_assert_uint_eq(al.n, 3);
	/* Down to empty. */
	ck_assert(ld_allow_remove(&al, COUNTY3));
	ck_assert(ld_allow_remove(&al, COUNTY2));
	ck_assert(ld_allow_remove(&al, COUNTY "x"));
	ck_assert_uint_eq(al.n, 0);
	ck_assert(!ld_allow_remove(&al, COUNTY2));
}
END_TEST

START_TEST(test_lookups)
{
	struct pk p, q;
	new_pk(&p);
	new_pk(&q);
	put_ok(COUNTY, &p);
	put_ok(COUNTY2, &q);
	assert_entry(&al, COUNTY, &p);
	assert_entry(&al, COUNTY2, &q);
	/* by_path is exact: no prefixes, no extensions. */
	ck_assert_ptr_null(ld_allow_by_path(&al, "530000/530300/53032"));
	ck_assert_ptr_null(ld_allow_by_path(&al, COUNTY "5"));
	ck_assert_ptr_null(ld_allow_by_path(&al, COUNTY "/1"));
	ck_assert_ptr_null(ld_allow_by_path(&al, ""));
	/* by_curve looks at the CURVE key only. */
	ck_assert_ptr_null(ld_allow_by_curve(&al, p.sign));
	struct pk r;
	new_pk(&r);
	ck_assert_ptr_null(ld_allow_by_curve(&al, r.curve));
	uint8_t near[32];
	memcpy(near, p.curve, 32);
	near[31] ^= 1;
	ck_assert_ptr_null(ld_allow_by_curve(&al, near));
}
END_TEST

/* ---- once bugs, now fixed ---- */

/* ld_allow_load checks that each entry is one segment below `self` with
 * ld_path_is_child, which compares only the text before the last '/', so
 * paths that are not valid node paths at all get in. */
START_TEST(test_load_refuses_malformed_child_path)
{
	struct pk p;
	new_pk(&p);
	static const char *paths[] = {
	    CITY "/",        /* empty segment */
	    CITY "/5303:25", /* breaks "<path>:<n>" ids */
	    CITY "/53*25",   /* outside [A-Za-z0-9_-] */
	    CITY "/0123456789012345678901234567890123", /* 34 characters */
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char bad[512];
		snprintf(bad, sizeof(bad), "%s %s", paths[i], p.text);
		write_with_bad_line(bad);
		struct ld_allow a;
		int rc = ld_allow_load(tmpdir, CITY, &a, err, sizeof(err));
		if (rc == 0)
			ld_allow_free(&a);
		ck_assert_msg(rc != 0, "'%s' accepted as a child of %s",
		              paths[i], CITY);
		load_fails_at(3, NULL);
	}
}
END_TEST

/* ld_allow_save opens "children.tmp" with O_CREAT|O_TRUNC and mode 0600;
 * a temp file left behind with a wider mode keeps it, and the rename makes
 * it the list. */
START_TEST(test_save_ignores_mode_of_stale_temp)
{
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.tmp", listfile);
	FILE *f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_int_eq(chmod(tmp, 0666), 0);

	struct pk p;
	new_pk(&p);
	put_ok(COUNTY, &p);
	ck_assert_int_eq(ld_allow_save(tmpdir, &al, err, sizeof(err)), 0);
	struct stat sb;
	ck_assert_int_eq(stat(listfile, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
}
END_TEST

static Suite *
allow_suite(void)
{
	Suite *s = suite_create("allow");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing_file_is_empty);
	tcase_add_test(tc, test_unreadable_is_an_error);
	tcase_add_test(tc, test_save_load_round_trip);
	tcase_add_test(tc, test_save_replaces);
	tcase_add_test(tc, test_save_error);
	tcase_add_test(tc, test_load_comments_blank_crlf);
	tcase_add_test(tc, test_load_refuses_not_a_child);
	tcase_add_test(tc, test_load_refuses_bad_key);
	tcase_add_test(tc, test_load_refuses_key_of_another_child);
	tcase_add_test(tc, test_put_replaces_key_of_path);
	tcase_add_test(tc, test_put_refuses_key_of_another_path);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_load_refuses_malformed_child_path);
	tcase_add_test(tc, test_save_ignores_mode_of_stale_temp);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(allow_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
