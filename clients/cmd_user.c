/* cmd_user.c — 'liandong user add|passwd|remove|list|token': the people of
 * one office, edited in <data>/users (core/users.h) without the daemon.
 * The file is local to the office and never replicated; each change is a
 * load-modify-save under an flock on <data>/users.lock, so two commands
 * run at once do not lose one's change. */
#include "cli.h"
#include "json.h"
#include "keys.h"
#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* Room for a password line read: the limit, its newline, and one byte
 * more to tell a password that is too long. */
#define PW_BUF (LD_PASSWORD_MAX + 3)

/* The lock on <dir>/users.lock (users.h), held until *fd is closed. 0,
 * or the exit code (said). */
static int
lock_users(const char *dir, int *fd)
{
	char err[PATH_MAX + 256];
	if (ld_users_lock(dir, fd, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	return 0;
}

/* Read one line into buf (without its line end) from `f`. True if a
 * line was there. */
static bool
read_line(FILE *f, char *buf, size_t len)
{
	if (fgets(buf, (int)len, f) == NULL) {
		buf[0] = '\0';
		return false;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return true;
}

/* Ask for a line on the terminal `fd` with echo off. */
static void
ask(int fd, const char *prompt, char *buf, size_t len)
{
	buf[0] = '\0';
	if (write(STDERR_FILENO, prompt, strlen(prompt)) < 0)
		return;
	struct termios old, quiet;
	bool echo_off = tcgetattr(fd, &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	ssize_t r = read(fd, buf, len - 1);
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	buf[r > 0 ? r : 0] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
}

/* The new password: the first line of `file` ('-': standard input), or
 * asked twice on the terminal. 0, or the exit code (said). */
static int
get_password(const struct cmd *c, const char *file, char *pw, size_t len)
{
	if (file != NULL) {
		bool std = strcmp(file, "-") == 0;
		FILE *f = std ? stdin : fopen(file, "r");
		if (f == NULL)
			return ld_cli_fail("%s: %s", file, strerror(errno));
		bool got = read_line(f, pw, len);
		if (!std)
			fclose(f);
		if (!got || pw[0] == '\0')
			return ld_cli_usage_error(
			    c, "%s: no password on its first line",
			    std ? "standard input" : file);
		return 0;
	}
	if (!isatty(STDIN_FILENO))
		return ld_cli_usage_error(
		    c, "a password is needed: give --password-file FILE "
		       "('-': standard input), or run it on a terminal");
	char again[PW_BUF];
	ask(STDIN_FILENO, "password: ", pw, len);
	ask(STDIN_FILENO, "again: ", again, sizeof(again));
	int rc = 0;
	if (pw[0] == '\0')
		rc = ld_cli_fail("no password given");
	else if (strcmp(pw, again) != 0)
		rc = ld_cli_fail("the two passwords differ; nothing changed");
	sodium_memzero(again, sizeof(again));
	return rc;
}

/* Read a password and hash it. 0, or the exit code (said). */
static int
new_hash(const struct cmd *c, const char *file,
         char hash[crypto_pwhash_STRBYTES])
{
	char pw[PW_BUF], err[256];
	int rc = get_password(c, file, pw, sizeof(pw));
	if (rc == 0 && ld_keys_init() != 0)
		rc = ld_cli_fail("libsodium cannot start");
	if (rc == 0) {
		int hr = ld_password_hash(pw, hash, err, sizeof(err));
		if (hr == LD_EREFUSED)
			rc = ld_cli_usage_error(c, "%s", err);
		else if (hr != 0)
			rc = ld_cli_fail("hashing the password: %s",
			                 ld_strerror(hr));
	}
	sodium_memzero(pw, sizeof(pw));
	return rc;
}

/* The accounts, for a change under the lock. */
struct users {
	char dir[PATH_MAX];
	int lock;
	struct ld_user *u;
	size_t n;
};

/* Lock and load. 0, or the exit code (said; nothing held). */
static int
users_open(const struct cmd *c, struct users *us, bool lock)
{
	memset(us, 0, sizeof(*us));
	us->lock = -1;
	int rc = ld_cli_office_dir(c,
	                           "works on the office's own data directory, "
	                           "not over --remote",
	                           us->dir, sizeof(us->dir));
	if (rc == 0 && lock)
		rc = lock_users(us->dir, &us->lock);
	if (rc != 0)
		return rc;
	char err[1024];
	if (ld_users_load(us->dir, &us->u, &us->n, err, sizeof(err)) != 0) {
		if (us->lock >= 0)
			close(us->lock);
		return ld_cli_fail("%s", err);
	}
	return 0;
}

static void
users_close(struct users *us)
{
	if (us->u != NULL)
		sodium_memzero(us->u, us->n * sizeof(*us->u));
	free(us->u);
	us->u = NULL;
	if (us->lock >= 0)
		close(us->lock);
	us->lock = -1;
}

/* Save, then unlock. 0, or the exit code (said). */
static int
users_save(struct users *us)
{
	char err[1024];
	int rc = 0;
	if (ld_users_save(us->dir, us->u, us->n, err, sizeof(err)) != 0)
		rc = ld_cli_fail("%s", err);
	users_close(us);
	return rc;
}

/* The command line of a 'user' command: options `ok` and NAME, the one
 * positional argument, checked. 0, or what the command returns. */
static int
parse_named(const struct cmd *c, int argc, char **argv, const int *ok,
            struct args *a, const char **name)
{
	int rc = ld_cli_args(c, argc, argv, ok, 1, a);
	if (rc != 0)
		return rc;
	const char *why = "not a valid name";
	if (!ld_user_name_valid(a->rest[0], &why))
		return ld_cli_usage_error(c, "NAME '%s': %s", a->rest[0], why);
	*name = a->rest[0];
	return 0;
}

/* The account `name`, or NULL after saying so (exit code 1). */
static struct ld_user *
find(struct users *us, const char *name)
{
	long i = ld_users_find(us->u, us->n, name);
	if (i < 0) {
		ld_cli_fail("no user %s in %s/%s", name, us->dir,
		            LD_USERS_FILE);
		return NULL;
	}
	return &us->u[i];
}

int
ld_cli_run_user_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_ROLE, O_PASSWORD_FILE, 0};
	struct args a;
	const char *name;
	int rc = parse_named(c, argc, argv, ok, &a, &name);
	if (rc != 0)
		return rc;
	enum ld_role role;
	if ((rc = ld_cli_need(c, a.role, "--role")) != 0)
		return rc;
	if (ld_role_parse(a.role, &role) != 0)
		return ld_cli_usage_error(
		    c,
		    "--role '%s': one of administrator, clerk, reviewer, "
		    "reader (管理员, 经办, 审核, 查阅)",
		    a.role);
	/* Checked before the password is asked, and again under the lock. */
	struct users us;
	if ((rc = users_open(c, &us, false)) != 0)
		return rc;
	bool dup = ld_users_find(us.u, us.n, name) >= 0;
	users_close(&us);
	if (dup)
		return ld_cli_fail("user %s already exists (change the "
		                   "password with 'liandong user passwd')",
		                   name);
	struct ld_user nu;
	memset(&nu, 0, sizeof(nu));
	snprintf(nu.name, sizeof(nu.name), "%s", name);
	nu.role = role;
	if ((rc = new_hash(c, a.password_file, nu.hash)) != 0)
		return rc;
	if ((rc = users_open(c, &us, true)) != 0)
		goto leave;
	if (ld_users_find(us.u, us.n, name) >= 0) {
		users_close(&us);
		rc = ld_cli_fail("user %s already exists (change the "
		                 "password with 'liandong user passwd')",
		                 name);
		goto leave;
	}
	if (us.n >= LD_USERS_MAX) {
		users_close(&us);
		rc =
		    ld_cli_fail("an office has at most %d users", LD_USERS_MAX);
		goto leave;
	}
	struct ld_user *v = realloc(us.u, (us.n + 1) * sizeof(*v));
	if (v == NULL) {
		users_close(&us);
		rc = ld_cli_fail("out of memory");
		goto leave;
	}
	us.u = v;
	us.u[us.n++] = nu;
	if ((rc = users_save(&us)) == 0)
		printf("added %s (%s, %s)\n", name, ld_role_name(role),
		       ld_role_label(role));
leave:
	sodium_memzero(&nu, sizeof(nu));
	return rc;
}

int
ld_cli_run_user_passwd(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_PASSWORD_FILE, 0};
	struct args a;
	const char *name;
	int rc = parse_named(c, argc, argv, ok, &a, &name);
	if (rc != 0)
		return rc;
	struct users us;
	if ((rc = users_open(c, &us, false)) != 0)
		return rc;
	bool known = find(&us, name) != NULL;
	users_close(&us);
	if (!known)
		return 1;
	char hash[crypto_pwhash_STRBYTES];
	if ((rc = new_hash(c, a.password_file, hash)) != 0)
		return rc;
	if ((rc = users_open(c, &us, true)) == 0) {
		struct ld_user *u = find(&us, name);
		if (u == NULL) {
			users_close(&us);
			rc = 1;
		} else {
			memcpy(u->hash, hash, sizeof(hash));
			if ((rc = users_save(&us)) == 0)
				printf("changed the password of %s\n", name);
		}
	}
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int
ld_cli_run_user_remove(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {0};
	struct args a;
	const char *name;
	int rc = parse_named(c, argc, argv, ok, &a, &name);
	if (rc != 0)
		return rc;
	struct users us;
	if ((rc = users_open(c, &us, true)) != 0)
		return rc;
	struct ld_user *u = find(&us, name);
	if (u == NULL) {
		users_close(&us);
		return 1;
	}
	/* The console refuses this (ld_users_keeps_admin); the shell is
	 * where an administrator is made again, so here it is said, not
	 * refused. */
	bool last = !ld_users_keeps_admin(us.u, us.n, name, true,
	                                  LD_ROLE_READER);
	size_t i = (size_t)(u - us.u);
	memmove(&us.u[i], &us.u[i + 1], (us.n - i - 1) * sizeof(*us.u));
	us.n--;
	if ((rc = users_save(&us)) == 0) {
		printf("removed %s\n", name);
		if (last)
			fprintf(stderr,
			        "liandong: note: no administrator is left to "
			        "manage people in the console; add one with "
			        "'liandong user add NAME --role administrator'\n");
	}
	return rc;
}

/* Print `s` and a blank, padded to `cols` columns (a CJK character
 * takes two). */
static void
pad(const char *s, int cols)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			w += *p >= 0xe0 ? 2 : 1;
	printf("%s%*s", s, w < cols ? cols - w + 1 : 1, "");
}

int
ld_cli_run_user_list(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	struct users us;
	if ((rc = users_open(c, &us, false)) != 0)
		return rc;
	struct ld_buf b = {0};
	if (a.json)
		ld_buf_puts(&b, "[");
	for (size_t i = 0; i < us.n; i++) {
		const struct ld_user *u = &us.u[i];
		if (!a.json) {
			pad(u->name, 20);
			printf("%-14s ", ld_role_name(u->role));
			pad(ld_role_label(u->role), 8);
			printf("%s%s\n",
			       u->hash[0] ? "password" : "no password",
			       u->token[0] ? ", token" : "");
			continue;
		}
		ld_buf_puts(&b, i ? ",\n {\"name\": " : "\n {\"name\": ");
		ld_json_put_string(&b, u->name);
		ld_buf_puts(&b, ", \"role\": ");
		ld_json_put_string(&b, ld_role_name(u->role));
		ld_buf_puts(&b, ", \"label\": ");
		ld_json_put_string(&b, ld_role_label(u->role));
		ld_buf_puts(&b, u->hash[0] ? ", \"password\": true"
		                           : ", \"password\": false");
		ld_buf_puts(&b, u->token[0] ? ", \"token\": true}"
		                            : ", \"token\": false}");
	}
	if (a.json) {
		ld_buf_puts(&b, us.n ? "\n]\n" : "]\n");
		fputs(b.p, stdout);
	}
	ld_buf_free(&b);
	users_close(&us);
	return 0;
}

int
ld_cli_run_user_token(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_REVOKE, 0};
	struct args a;
	const char *name;
	int rc = parse_named(c, argc, argv, ok, &a, &name);
	if (rc != 0)
		return rc;
	struct users us;
	if (ld_keys_init() != 0)
		return ld_cli_fail("libsodium cannot start");
	if ((rc = users_open(c, &us, true)) != 0)
		return rc;
	struct ld_user *u = find(&us, name);
	if (u == NULL) {
		users_close(&us);
		return 1;
	}
	if (a.revoke) {
		if (u->token[0] == '\0') {
			users_close(&us);
			return ld_cli_fail("%s has no API token", name);
		}
		u->token[0] = '\0';
		if ((rc = users_save(&us)) == 0)
			printf("revoked the API token of %s\n", name);
		return rc;
	}
	char token[65];
	ld_token_new(token, u->token);
	if ((rc = users_save(&us)) == 0)
		printf("%s\n", token);
	sodium_memzero(token, sizeof(token));
	return rc;
}
