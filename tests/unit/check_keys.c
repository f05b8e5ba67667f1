/* check_keys.c — node keys: the key file, the public token, base64url. */
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

#include "keys.h"

/* ---- a fresh directory per test, removed afterwards ---- */

static char tmpdir[300];
static char keyfile[512];
static char err[2048];

/* The scratch root of this test case (see scratch.h). */
static void
root_setup(void)
{
	ut_root_setup("ld-check-keys");
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
	snprintf(keyfile, sizeof(keyfile), "%s/%s", tmpdir, LD_KEY_FILE);
	err[0] = '\0';
}

static void
teardown(void)
{
	if (tmpdir[0] != '\0')
		ut_rm_rf(tmpdir);
	tmpdir[0] = '\0';
}

/* ---- helpers ---- */

static void
create_keys(struct ld_keys *k)
{
	memset(k, 0, sizeof(*k));
	int rc = ld_keys_create(tmpdir, k, err, sizeof(err));
	ck_assert_msg(rc == 0, "create: %s", err);
}

/* The key file's text (malloc'd). */
static char *
read_keyfile(void)
{
	FILE *f = fopen(keyfile, "r");
	ck_assert_ptr_nonnull(f);
	char *buf = calloc(1, 4096);
	ck_assert_ptr_nonnull(buf);
	size_t n = fread(buf, 1, 4095, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Replace the key file with `text`, keeping mode 0600. */
static void
write_keyfile(const char *text)
{
	FILE *f = fopen(keyfile, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(keyfile, 0600), 0);
}

/* Replace the value of `name` in the key file text with `value`. */
static void
set_value(char *text, const char *name, const char *value)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "%s = ", name);
	char *p = strstr(text, pat);
	ck_assert_msg(p != NULL, "no %s in the key file", name);
	p += strlen(pat);
	char *eol = strchr(p, '\n');
	ck_assert_ptr_nonnull(eol);
	char rest[4096];
	snprintf(rest, sizeof(rest), "%s", eol);
	sprintf(p, "%s%s", value, rest);
}

/* The 1-based line of the key file text on which `name = ` stands. */
static int
line_of(const char *text, const char *name)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "%s = ", name);
	const char *p = strstr(text, pat);
	ck_assert_ptr_nonnull(p);
	int line = 1;
	for (const char *q = text; q < p; q++)
		if (*q == '\n')
			line++;
	return line;
}

/* err must start with "<keyfile>:<line>: " (line 0: "<keyfile>: "). */
static void
assert_err_at(int line, const char *needle)
{
	char want[700];
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: ", keyfile, line);
	else
		snprintf(want, sizeof(want), "%s: ", keyfile);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	              "error '%s' does not start with '%s'", err, want);
	if (needle != NULL)
		ck_assert_msg(strstr(err, needle) != NULL,
		              "error '%s' does not say '%s'", err, needle);
}

static bool
keys_equal(const struct ld_keys *a, const struct ld_keys *b)
{
	return memcmp(a->curve_pub, b->curve_pub, 32) == 0 &&
	       memcmp(a->curve_sec, b->curve_sec, 32) == 0 &&
	       memcmp(a->sign_pub, b->sign_pub, 32) == 0 &&
	       memcmp(a->sign_sec, b->sign_sec, 64) == 0;
}

/* A load that must fail, leaving its reason in err. */
static void
load_fails(void)
{
	struct ld_keys k;
	err[0] = '\0';
	ck_assert_int_ne(ld_keys_load(tmpdir, &k, err, sizeof(err)), 0);
	ck_assert_msg(err[0] != '\0', "no reason given");
}

/* ---- the key file ---- */

START_TEST(test_create_load_round_trip)
{
	struct ld_keys k, l;
	create_keys(&k);

	struct stat sb;
	ck_assert_int_eq(stat(keyfile, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ck_assert(S_ISREG(sb.st_mode));

	memset(&l, 0x5a, sizeof(l));
	int rc = ld_keys_load(tmpdir, &l, err, sizeof(err));
	ck_assert_msg(rc == 0, "load: %s", err);
	ck_assert(keys_equal(&k, &l));

	/* The keys work: the signing pair signs, the CURVE pair matches. */
	uint8_t sig[64], chk[32];
	static const uint8_t msg[] = "政协联动";
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), l.sign_sec);
	ck_assert_int_eq(
	    crypto_sign_verify_detached(sig, msg, sizeof(msg), k.sign_pub), 0);
	ck_assert_int_eq(crypto_scalarmult_base(chk, l.curve_sec), 0);
	ck_assert_mem_eq(chk, k.curve_pub, 32);

	/* Two nodes never get the same keys. */
	struct ld_keys m;
	teardown();
	setup();
	create_keys(&m);
	ck_assert_mem_ne(m.sign_pub, k.sign_pub, 32);
	ck_assert_mem_ne(m.curve_pub, k.curve_pub, 32);
}
END_TEST

START_TEST(test_create_refuses_overwrite)
{
	struct ld_keys k, again, l;
	create_keys(&k);
	char *before = read_keyfile();

	err[0] = '\0';
	ck_assert_int_ne(ld_keys_create(tmpdir, &again, err, sizeof(err)), 0);
	assert_err_at(0, NULL);

	/* The file, and so the node's identity, is untouched. */
	char *after = read_keyfile();
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(ld_keys_load(tmpdir, &l, err, sizeof(err)), 0);
	ck_assert(keys_equal(&k, &l));
	free(before);
	free(after);
}
END_TEST

START_TEST(test_create_keys_dir_exists)
{
	/* A keys/ directory without a key file (e.g. made by hand) is fine. */
	char kdir[400];
	snprintf(kdir, sizeof(kdir), "%s/keys", tmpdir);
	ck_assert_int_eq(mkdir(kdir, 0700), 0);
	struct ld_keys k, l;
	create_keys(&k);
	ck_assert_int_eq(ld_keys_load(tmpdir, &l, err, sizeof(err)), 0);
	ck_assert(keys_equal(&k, &l));
}
END_TEST

START_TEST(test_load_missing_file)
{
	load_fails();
	assert_err_at(0, NULL);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

START_TEST(test_load_unknown_name)
{
	struct ld_keys k;
	create_keys(&k);
	char *text = read_keyfile();
	char *more = malloc(strlen(text) + 64);
	ck_assert_ptr_nonnull(more);
	/* Insert an unknown entry, with a well-formed value, as line 3. */
	char b64[LD_B64_32];
	ld_b64_32(k.curve_sec, b64);
	char *l3 = strchr(strchr(text, '\n') + 1, '\n') + 1;
	size_t head = (size_t)(l3 - text);
	memcpy(more, text, head);
	sprintf(more + head, "curve_seed = %s\n%s", b64, l3);
	write_keyfile(more);
	load_fails();
	assert_err_at(3, "curve_seed");
	free(more);
	free(text);
}
END_TEST

START_TEST(test_load_bad_base64)
{
	static const char *bad[] = {
	    /* 43 characters, one outside base64url */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A",
	    /* the standard alphabet's '+' and '/' */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+A",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/A",
	    /* 42 and 44 characters */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    /* padded */
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	    "",
	};
	static const char *names[] = {"curve_public", "curve_secret",
	                              "sign_public", "sign_seed"};
	struct ld_keys k;
	create_keys(&k);
	char *orig = read_keyfile();
	for (size_t n = 0; n < 4; n++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char text[4096];
			snprintf(text, sizeof(text), "%s", orig);
			set_value(text, names[n], bad[i]);
			write_keyfile(text);
			load_fails();
			assert_err_at(line_of(text, names[n]), names[n]);
		}
	}
	free(orig);
}
END_TEST

START_TEST(test_load_not_name_value)
{
	struct ld_keys k;
	create_keys(&k);
	char *text = read_keyfile();
	char more[4096];
	snprintf(more, sizeof(more), "%sthis is not a key line\n", text);
	write_keyfile(more);
	load_fails();
	/* The header comment and four entries come first. */
	assert_err_at(6, NULL);
	free(text);
}
END_TEST

START_TEST(test_load_truncated)
{
	struct ld_keys k;
	create_keys(&k);
	char *text = read_keyfile();
	size_t len = strlen(text);

	/* Cut after every complete line but the last: incomplete. */
	for (const char *nl = strchr(text, '\n'); nl != NULL;
	     nl = strchr(nl + 1, '\n')) {
		size_t cut = (size_t)(nl - text) + 1;
		if (cut == len)
			break;
		char part[4096];
		memcpy(part, text, cut);
		part[cut] = '\0';
		write_keyfile(part);
		load_fails();
		assert_err_at(0, "incomplete");
	}

	/* Cut in the middle of the last value: that value is bad. */
	char part[4096];
	memcpy(part, text, len - 10);
	part[len - 10] = '\0';
	write_keyfile(part);
	load_fails();
	assert_err_at(5, "sign_seed");

	/* An empty file. */
	write_keyfile("");
	load_fails();
	assert_err_at(0, "incomplete");
	free(text);
}
END_TEST

START_TEST(test_load_public_mismatch)
{
	struct ld_keys k, other;
	create_keys(&k);
	char *orig = read_keyfile();
	/* Another node's keys, for their public halves. */
	crypto_box_keypair(other.curve_pub, other.curve_sec);
	crypto_sign_keypair(other.sign_pub, other.sign_sec);
	char b64[LD_B64_32];

	char text[4096];
	snprintf(text, sizeof(text), "%s", orig);
	ld_b64_32(other.sign_pub, b64);
	set_value(text, "sign_public", b64);
	write_keyfile(text);
	load_fails();
	assert_err_at(0, "do not match");

	snprintf(text, sizeof(text), "%s", orig);
	ld_b64_32(other.curve_pub, b64);
	set_value(text, "curve_public", b64);
	write_keyfile(text);
	load_fails();
	assert_err_at(0, "do not match");

	/* The secret halves swapped for another node's. */
	snprintf(text, sizeof(text), "%s", orig);
	ld_b64_32(other.curve_sec, b64);
	set_value(text, "curve_secret", b64);
	write_keyfile(text);
	load_fails();
	assert_err_at(0, "do not match");

	snprintf(text, sizeof(text), "%s", orig);
	ld_b64_32(other.sign_sec, b64); /* the seed */
	set_value(text, "sign_seed", b64);
	write_keyfile(text);
	load_fails();
	assert_err_at(0, "do not match");

	/* The untouched text still loads (the edits above were the cause). */
	write_keyfile(orig);
	ck_assert_int_eq(ld_keys_load(tmpdir, &other, err, sizeof(err)), 0);
	ck_assert(keys_equal(&k, &other));
	free(orig);
}
END_TEST

START_TEST(test_load_refuses_open_mode)
{
	static const mode_t modes[] = {0640, 0604, 0644, 0660, 0620,
	                               0602, 0610, 0601, 0666};
	struct ld_keys k, l;
	create_keys(&k);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		ck_assert_int_eq(chmod(keyfile, modes[i]), 0);
		load_fails();
		assert_err_at(0, "0600");
	}
	/* Owner-only modes are accepted. */
	ck_assert_int_eq(chmod(keyfile, 0400), 0);
	ck_assert_msg(ld_keys_load(tmpdir, &l, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert(keys_equal(&k, &l));
}
END_TEST

START_TEST(test_load_comments_and_crlf)
{
	struct ld_keys k, l;
	create_keys(&k);
	char *text = read_keyfile();
	/* Windows line ends and extra comments/blank lines are tolerated. */
	char more[8192];
	size_t o = 0;
	o += (size_t)snprintf(more + o, sizeof(more) - o, "# copied\r\n\r\n");
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n')
			more[o++] = '\r';
		more[o++] = *p;
	}
	more[o] = '\0';
	write_keyfile(more);
	ck_assert_msg(ld_keys_load(tmpdir, &l, err, sizeof(err)) == 0, "%s",
	              err);
	ck_assert(keys_equal(&k, &l));
	free(text);
}
END_TEST

/* ---- the public token ---- */

START_TEST(test_public_text_format)
{
	struct ld_keys k;
	create_keys(&k);
	char text[LD_KEY_TEXT_MAX];
	memset(text, 'x', sizeof(text));
	ld_keys_public_text(&k, text);
	ck_assert_uint_eq(strlen(text), 5 + 43 + 1 + 43);
	ck_assert(strncmp(text, "ldk1.", 5) == 0);
	ck_assert_int_eq(text[5 + 43], '.');
	/* Shell-safe: base64url characters and the separators only. */
	for (const char *p = text; *p != '\0'; p++)
		ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
		                     "pqrstuvwxyz0123456789-_.",
		                     *p) != NULL,
		              "character '%c' in %s", *p, text);

	char c[LD_B64_32], s[LD_B64_32];
	ld_b64_32(k.curve_pub, c);
	ld_b64_32(k.sign_pub, s);
	char want[LD_KEY_TEXT_MAX];
	snprintf(want, sizeof(want), "ldk1.%s.%s", c, s);
	ck_assert_str_eq(text, want);

	uint8_t curve[32], sign[32];
	const char *why = NULL;
	ck_assert(ld_keys_parse_public(text, curve, sign, false, &why));
	ck_assert_mem_eq(curve, k.curve_pub, 32);
	ck_assert_mem_eq(sign, k.sign_pub, 32);
}
END_TEST

START_TEST(test_public_text_never_starts_with_dash)
{
	/* Keys whose base64url starts with '-' (62 = 0b111110 in the top six
	 * bits) or '_' still give a token that does not. */
	struct ld_keys k;
	memset(&k, 0, sizeof(k));
	static const uint8_t firsts[] = {0xf8, 0xfc, 0x00, 0xff};
	for (size_t i = 0; i < sizeof(firsts); i++) {
		randombytes_buf(k.curve_pub, 32);
		randombytes_buf(k.sign_pub, 32);
		k.curve_pub[0] = firsts[i];
		k.sign_pub[0] = firsts[i];
		char b[LD_B64_32];
		ld_b64_32(k.curve_pub, b);
		if (firsts[i] == 0xf8)
			ck_assert_int_eq(b[0], '-');
		char text[LD_KEY_TEXT_MAX];
		ld_keys_public_text(&k, text);
		ck_assert_int_ne(text[0], '-');
		ck_assert(strncmp(text, "ldk1.", 5) == 0);
		uint8_t curve[32], sign[32];
		ck_assert(ld_keys_parse_public(text, curve, sign, false, NULL));
		ck_assert_mem_eq(curve, k.curve_pub, 32);
		ck_assert_mem_eq(sign, k.sign_pub, 32);
	}
	/* And for many random keys. */
	for (int i = 0; i < 200; i++) {
		randombytes_buf(k.curve_pub, 32);
		randombytes_buf(k.sign_pub, 32);
		char text[LD_KEY_TEXT_MAX];
		ld_keys_public_text(&k, text);
		ck_assert(strncmp(text, "ldk1.", 5) == 0);
		uint8_t curve[32], sign[32];
		ck_assert(ld_keys_parse_public(text, curve, sign, true, NULL));
		ck_assert_mem_eq(curve, k.curve_pub, 32);
		ck_assert_mem_eq(sign, k.sign_pub, 32);
	}
}
END_TEST

/* A valid token of random keys, and its two parts. */
static void
some_token(char *text, char *c, char *s)
{
	struct ld_keys k;
	memset(&k, 0, sizeof(k));
	randombytes_buf(k.curve_pub, 32);
	randombytes_buf(k.sign_pub, 32);
	ld_keys_public_text(&k, text);
	ld_b64_32(k.curve_pub, c);
	ld_b64_32(k.sign_pub, s);
}

static void
parse_refused(const char *text, bool sign_only_ok)
{
	uint8_t curve[32], sign[32];
	const char *why = NULL;
	ck_assert_msg(
	    !ld_keys_parse_public(text, curve, sign, sign_only_ok, &why),
	    "'%s' accepted (sign_only_ok %d)", text, sign_only_ok);
	ck_assert_msg(why != NULL && strstr(why, "ldk1") != NULL,
	              "'%s': reason '%s'", text, why ? why : "(none)");
	/* Refused without a reason pointer too. */
	ck_assert(!ld_keys_parse_public(text, curve, sign, sign_only_ok, NULL));
}

START_TEST(test_parse_refusals)
{
	char tok[LD_KEY_TEXT_MAX], c[LD_B64_32], s[LD_B64_32];
	some_token(tok, c, s);
	char t[512];
	static const char a42[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	static const char a44[] =
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

	for (int so = 0; so <= 1; so++) {
		bool sign_only_ok = so == 1;
		parse_refused("", sign_only_ok);
		/* no prefix, or another one */
		snprintf(t, sizeof(t), "%s.%s", c, s);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "ldk2.%s.%s", c, s);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "LDK1.%s.%s", c, s);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), " %s", tok);
		parse_refused(t, sign_only_ok);
		/* one part */
		snprintf(t, sizeof(t), "ldk1.%s", c);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "ldk1.%s.", c);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "ldk1..%s", s);
		parse_refused(t, sign_only_ok);
		parse_refused("ldk1.", sign_only_ok);
		/* bad base64 in either part */
		snprintf(t, sizeof(t), "%s", tok);
		t[10] = '*';
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "%s", tok);
		t[60] = '+';
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "%s", tok);
		t[60] = '/';
		parse_refused(t, sign_only_ok);
		/* 42 or 44 characters in either part */
		snprintf(t, sizeof(t), "ldk1.%s.%s", a42, s);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "ldk1.%s.%s", a44, s);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "ldk1.%s.%s", c, a42);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "ldk1.%s.%s", c, a44);
		parse_refused(t, sign_only_ok);
		/* trailing junk */
		snprintf(t, sizeof(t), "%s ", tok);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "%s\n", tok);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "%s.", tok);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "%s.%s", tok, s);
		parse_refused(t, sign_only_ok);
		snprintf(t, sizeof(t), "%sA", tok);
		parse_refused(t, sign_only_ok);
		/* bare keys of the wrong length or alphabet */
		parse_refused(a42, sign_only_ok);
		parse_refused(a44, sign_only_ok);
		snprintf(t, sizeof(t), "%s", s);
		t[0] = '+';
		parse_refused(t, sign_only_ok);
	}
	/* The untouched token parses: the edits above were the cause. */
	uint8_t curve[32], sign[32];
	ck_assert(ld_keys_parse_public(tok, curve, sign, false, NULL));
}
END_TEST

START_TEST(test_parse_bare_sign_key)
{
	struct ld_keys k;
	memset(&k, 0, sizeof(k));
	randombytes_buf(k.curve_pub, 32);
	randombytes_buf(k.sign_pub, 32);
	char s[LD_B64_32];
	ld_b64_32(k.sign_pub, s);

	uint8_t curve[32], sign[32];
	const char *why = NULL;
	/* Only with sign_only_ok. */
	ck_assert(!ld_keys_parse_public(s, curve, sign, false, &why));
	ck_assert_ptr_nonnull(why);

	memset(curve, 0xaa, sizeof(curve));
	memset(sign, 0, sizeof(sign));
	ck_assert(ld_keys_parse_public(s, curve, sign, true, &why));
	ck_assert_mem_eq(sign, k.sign_pub, 32);
	static const uint8_t zero[32];
	ck_assert_mem_eq(curve, zero, 32);

	/* With sign_only_ok a full token still gives both keys. */
	char tok[LD_KEY_TEXT_MAX];
	ld_keys_public_text(&k, tok);
	memset(curve, 0, sizeof(curve));
	ck_assert(ld_keys_parse_public(tok, curve, sign, true, &why));
	ck_assert_mem_eq(curve, k.curve_pub, 32);
	ck_assert_mem_eq(sign, k.sign_pub, 32);

	/* A bare key that starts with '-' is still a key. */
	k.sign_pub[0] = 0xf8;
	ld_b64_32(k.sign_pub, s);
	ck_assert_int_eq(s[0], '-');
	ck_assert(ld_keys_parse_public(s, curve, sign, true, &why));
	ck_assert_mem_eq(sign, k.sign_pub, 32);
}
END_TEST

/* ---- base64url ---- */

START_TEST(test_b64_round_trip)
{
	uint8_t in[32], out[32];
	char b[LD_B64_32];
	for (int i = 0; i < 100; i++) {
		randombytes_buf(in, sizeof(in));
		memset(b, 'x', sizeof(b));
		ld_b64_32(in, b);
		ck_assert_uint_eq(strlen(b), 43);
		ck_assert_ptr_null(strchr(b, '='));
		ck_assert_ptr_null(strchr(b, '+'));
		ck_assert_ptr_null(strchr(b, '/'));
		memset(out, 0, sizeof(out));
		ck_assert(ld_unb64_32(b, strlen(b), out));
		ck_assert_mem_eq(in, out, 32);
	}
	/* Known values: all zero bytes, all 0xff. */
	memset(in, 0, sizeof(in));
	ld_b64_32(in, b);
	ck_assert_str_eq(b, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	memset(in, 0xff, sizeof(in));
	ld_b64_32(in, b);
	ck_assert_str_eq(b, "__________________________________________8");
}
END_TEST

START_TEST(test_unb64_refusals)
{
	uint8_t in[32], out[32];
	char b[LD_B64_32 + 8];
	randombytes_buf(in, sizeof(in));
	ld_b64_32(in, b);
	/* The length given is what counts. */
	ck_assert(!ld_unb64_32(b, 42, out));
	ck_assert(!ld_unb64_32(b, 0, out));
	strcat(b, "A");
	ck_assert(!ld_unb64_32(b, 44, out));
	ck_assert(ld_unb64_32(b, 43, out));
	ck_assert_mem_eq(in, out, 32);
	/* A character outside the alphabet. */
	b[43] = '\0';
	b[20] = '=';
	ck_assert(!ld_unb64_32(b, 43, out));
	b[20] = '+';
	ck_assert(!ld_unb64_32(b, 43, out));
	b[20] = ' ';
	ck_assert(!ld_unb64_32(b, 43, out));
	/* Non-zero unused low bits of the last character: not canonical. */
	ck_assert(!ld_unb64_32("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
	                       43, out));
}
END_TEST

static Suite *
keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create_load_round_trip);
	tcase_add_test(tc, test_create_refuses_overwrite);
	tcase_add_test(tc, test_create_keys_dir_exists);
	tcase_add_test(tc, test_load_missing_file);
	tcase_add_test(tc, test_load_unknown_name);
	tcase_add_test(tc, test_load_bad_base64);
	tcase_add_test(tc, test_load_not_name_value);
	tcase_add_test(tc, test_load_truncated);
	tcase_add_test(tc, test_load_public_mismatch);
	tcase_add_test(tc, test_load_refuses_open_mode);
	tcase_add_test(tc, test_load_comments_and_crlf);
	tcase_add_test(tc, test_public_text_format);
	tcase_add_test(tc, test_public_text_never_starts_with_dash);
	tcase_add_test(tc, test_parse_refusals);
	tcase_add_test(tc, test_parse_bare_sign_key);
	tcase_add_test(tc, test_b64_round_trip);
	tcase_add_test(tc, test_unb64_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(keys_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
