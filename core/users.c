/* users.c — the office's accounts file (<data>/users), roles and the one
 * table of what each role may do, password hashes and API tokens.
 *
 * The file is text, one account per line, fields separated by one space:
 *
 *     NAME ROLE ARGON2ID-STRING TOKEN-SHA256-HEX|-
 *
 * with '#' comment lines. It holds no secret that can be used as it is:
 * passwords are Argon2id strings and tokens their SHA-256. */
#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "err.h"
#include "text.h"

static const struct {
	const char *name, *label;
} roles[LD_ROLE_COUNT] = {
	[LD_ROLE_ADMIN] = {"administrator", "管理员"},
	[LD_ROLE_CLERK] = {"clerk", "经办"},
	[LD_ROLE_REVIEWER] = {"reviewer", "审核"},
	[LD_ROLE_READER] = {"reader", "查阅"},
};

/* Who may do what: the one place this is decided. Everybody reads and runs
 * reports; only clerks write records, only reviewers review, only
 * administrators manage people, children and keys. */
static const bool may[LD_ROLE_COUNT][LD_ACT_COUNT] = {
	[LD_ROLE_ADMIN] = {[LD_ACT_READ] = true, [LD_ACT_REPORT] = true,
	                   [LD_ACT_ADMIN] = true},
	[LD_ROLE_CLERK] = {[LD_ACT_READ] = true, [LD_ACT_REPORT] = true,
	                   [LD_ACT_WRITE] = true},
	[LD_ROLE_REVIEWER] = {[LD_ACT_READ] = true, [LD_ACT_REPORT] = true,
	                      [LD_ACT_REVIEW] = true},
	[LD_ROLE_READER] = {[LD_ACT_READ] = true, [LD_ACT_REPORT] = true},
};

int
ld_role_parse(const char *s, enum ld_role *out)
{
	for (int r = 0; r < LD_ROLE_COUNT; r++)
		if (strcmp(s, roles[r].name) == 0 ||
		    strcmp(s, roles[r].label) == 0) {
			*out = (enum ld_role)r;
			return 0;
		}
	return LD_EREFUSED;
}

const char *
ld_role_name(enum ld_role r)
{
	return (unsigned)r < LD_ROLE_COUNT ? roles[r].name : "?";
}

const char *
ld_role_label(enum ld_role r)
{
	return (unsigned)r < LD_ROLE_COUNT ? roles[r].label : "?";
}

bool
ld_role_may(enum ld_role r, enum ld_action a)
{
	return (unsigned)r < LD_ROLE_COUNT && (unsigned)a < LD_ACT_COUNT &&
	       may[r][a];
}

#define NUM_TEXT_(n) #n
#define NUM_TEXT(n) NUM_TEXT_(n)

/* Blanks a name may not hold: ASCII space and the white space a Chinese
 * input method or a copy from a document brings (no-break, ideographic,
 * the typographic spaces, line and paragraph separators). Tab, newline
 * and carriage return pass ld_text_char, so they are blanks here too. */
static bool
blank(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	       cp == 0x00a0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	       cp == 0x3000 || cp == 0xfeff;
}

/* What is wrong with `name` as a person's name, or NULL. The one home of
 * this rule: record authors are checked with it too (validate.c). */
static const char *
name_problem(const char *name)
{
	size_t n = strlen(name);
	if (n == 0)
		return "empty";
	if (n > LD_USER_NAME_MAX)
		return "longer than " NUM_TEXT(LD_USER_NAME_MAX) " bytes";
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = ld_utf8_next(name + i, n - i, &cp);
		if (k == 0)
			return ld_strerror(LD_EUTF8);
		int bad = ld_text_char(cp);
		if (bad != 0)
			return ld_strerror(bad);
		if (blank(cp))
			return "contains a blank (a name is one word: "
			       "张三, zhangsan)";
		if (cp == ':')
			return "contains ':'";
		i += k;
	}
	return NULL;
}

bool
ld_user_name_valid(const char *name, const char **why)
{
	const char *w = name_problem(name);
	if (why != NULL)
		*why = w;
	return w == NULL;
}

static bool
hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static int
path_of(const char *dir, const char *file, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", dir, file);
	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

/* One line, split in place into its four fields; 0 or a reason. */
static const char *
parse_line(char *line, struct ld_user *u)
{
	char *f[5] = {0};
	size_t nf = 0;
	for (char *p = line; nf < 5;) {
		f[nf++] = p;
		char *sp = strchr(p, ' ');
		if (sp == NULL)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	if (nf != 4)
		return "expected NAME ROLE HASH TOKEN";
	memset(u, 0, sizeof *u);
	if (!ld_user_name_valid(f[0], NULL))
		return "not a valid name";
	if (ld_role_parse(f[1], &u->role) != 0)
		return "unknown role";
	if (strncmp(f[2], "$argon2id$", 10) != 0 &&
	    strcmp(f[2], "-") != 0)
		return "not an Argon2id hash";
	if (strlen(f[2]) >= sizeof u->hash)
		return "hash too long";
	if (!hex64(f[3]) && strcmp(f[3], "-") != 0)
		return "not a token hash";
	strcpy(u->name, f[0]);
	strcpy(u->hash, strcmp(f[2], "-") == 0 ? "" : f[2]);
	strcpy(u->token, strcmp(f[3], "-") == 0 ? "" : f[3]);
	return NULL;
}

int
ld_users_load(const char *dir, struct ld_user **out, size_t *n, char *err,
              size_t errlen)
{
	char file[4096];
	*out = NULL;
	*n = 0;
	int rc = path_of(dir, LD_USERS_FILE, file, sizeof file);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", dir, ld_strerror(rc));
		return rc;
	}
	FILE *f = fopen(file, "re");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		return rc;
	}
	struct ld_user *u = NULL;
	size_t cnt = 0, cap = 0, lineno = 0;
	char line[512];
	rc = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {
			snprintf(err, errlen, "%s:%zu: line too long", file,
			         lineno);
			rc = LD_ESYNTAX;
			break;
		}
		if (len == 0 || line[0] == '#')
			continue;
		if (cnt == LD_USERS_MAX) {
			snprintf(err, errlen, "%s:%zu: more than %d accounts",
			         file, lineno, LD_USERS_MAX);
			rc = LD_ELIMIT;
			break;
		}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct ld_user *nu = realloc(u, nc * sizeof *u);
			if (nu == NULL) {
				rc = -ENOMEM;
				snprintf(err, errlen, "out of memory");
				break;
			}
			u = nu;
			cap = nc;
		}
		const char *why = parse_line(line, &u[cnt]);
		if (why != NULL) {
			snprintf(err, errlen, "%s:%zu: %s", file, lineno, why);
			rc = LD_ESYNTAX;
			break;
		}
		if (ld_users_find(u, cnt, u[cnt].name) >= 0) {
			snprintf(err, errlen, "%s:%zu: '%s' twice", file,
			         lineno, u[cnt].name);
			rc = LD_ESYNTAX;
			break;
		}
		cnt++;
	}
	if (rc == 0 && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
	}
	fclose(f);
	if (rc != 0) {
		sodium_memzero(u, cap * sizeof *u);
		free(u);
		return rc;
	}
	*out = u;
	*n = cnt;
	return 0;
}

int
ld_users_save(const char *dir, const struct ld_user *u, size_t n, char *err,
              size_t errlen)
{
	char file[4096], tmp[4096 + 8];
	int rc = path_of(dir, LD_USERS_FILE, file, sizeof file);
	if (rc == 0)
		rc = path_of(dir, LD_USERS_FILE ".tmp", tmp, sizeof tmp);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", dir, ld_strerror(rc));
		return rc;
	}
	unlink(tmp); /* a stale one must not lend the file its mode */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	              0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", tmp, ld_strerror(rc));
		return rc;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", tmp, ld_strerror(rc));
		return rc;
	}
	fprintf(f, "# liandong: this office's accounts, written by "
	           "'liandong user' (docs/users.md).\n"
	           "# NAME ROLE ARGON2ID-HASH TOKEN-SHA256\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s %s %s\n", u[i].name, ld_role_name(u[i].role),
		        u[i].hash[0] ? u[i].hash : "-",
		        u[i].token[0] ? u[i].token : "-");
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "%s: write failed", tmp);
		unlink(tmp);
		return -EIO;
	}
	if (rename(tmp, file) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		unlink(tmp);
		return rc;
	}
	return 0;
}

long
ld_users_find(const struct ld_user *u, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(u[i].name, name) == 0)
			return (long)i;
	return -1;
}

int
ld_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES], char *err,
                 size_t errlen)
{
	size_t n = strlen(pw);
	if (n < LD_PASSWORD_MIN || n > LD_PASSWORD_MAX) {
		snprintf(err, errlen, "password: %s (%d to %d bytes)",
		         n < LD_PASSWORD_MIN ? "too short" : "too long",
		         LD_PASSWORD_MIN, LD_PASSWORD_MAX);
		return LD_EREFUSED;
	}
	if (sodium_init() < 0 ||
	    crypto_pwhash_str_alg(out, pw, n,
	                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0) {
		snprintf(err, errlen, "password: out of memory hashing it");
		return -ENOMEM;
	}
	return 0;
}

bool
ld_password_check(const char *hash, const char *pw)
{
	if (hash[0] == '\0' || sodium_init() < 0)
		return false;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static void
to_hex(const uint8_t *b, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, b, n);
}

void
ld_token_new(char token_out[65], char hash_out[65])
{
	uint8_t raw[32];
	if (sodium_init() < 0)
		abort(); /* no randomness: nothing safe to hand out */
	randombytes_buf(raw, sizeof raw);
	to_hex(raw, sizeof raw, token_out);
	sodium_memzero(raw, sizeof raw);
	ld_token_hash(token_out, hash_out);
}

void
ld_token_hash(const char *token, char hash_out[65])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const uint8_t *)token, strlen(token));
	to_hex(h, sizeof h, hash_out);
}

int
ld_users_lock(const char *dir, int *fd, char *err, size_t errlen)
{
	char path[4096];
	*fd = -1;
	int rc = path_of(dir, LD_USERS_LOCK, path, sizeof path);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", dir, ld_strerror(rc));
		return rc;
	}
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, ld_strerror(rc));
		return rc;
	}
	while ((rc = flock(f, LOCK_EX)) != 0 && errno == EINTR)
		;
	if (rc != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, ld_strerror(rc));
		close(f);
		return rc;
	}
	*fd = f;
	return 0;
}

void
ld_users_unlock(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

bool
ld_users_keeps_admin(const struct ld_user *u, size_t n, const char *name,
                     bool remove, enum ld_role role)
{
	for (size_t i = 0; i < n; i++) {
		bool him = strcmp(u[i].name, name) == 0;
		enum ld_role r = him ? role : u[i].role;
		if (!(him && remove) && r == LD_ROLE_ADMIN)
			return true;
	}
	return false;
}
