/* users.h — the people of one office: accounts local to the node (never
 * replicated), kept in <data>/users, their roles and what each role may do,
 * Argon2id password hashes (libsodium crypto_pwhash_str) and API tokens.
 * `liandong user ...` edits the file; liandong-web reads it. */
#ifndef LD_USERS_H
#define LD_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>

#define LD_USERS_FILE "users"
/* Every change to the users file is a load-modify-save under an flock on
 * this file, so two editors at once never lose one's change. */
#define LD_USERS_LOCK "users.lock"
/* A person's name: 1..64 bytes of UTF-8, no blanks, no control
 * characters, no ':' (also the name recorded as a record's author). */
#define LD_USER_NAME_MAX 64
/* At most this many accounts in one office. */
#define LD_USERS_MAX 1000
/* Passwords: 8..256 bytes. */
#define LD_PASSWORD_MIN 8
#define LD_PASSWORD_MAX 256

enum ld_role {
	LD_ROLE_ADMIN = 0,  /* administrator 管理员: users, children, keys */
	LD_ROLE_CLERK,      /* clerk 经办: writes tasks, surveys, plans,
	                       results, proposals */
	LD_ROLE_REVIEWER,   /* reviewer 审核: reviews results */
	LD_ROLE_READER,     /* reader 领导/查阅: reads and runs reports */
	LD_ROLE_COUNT
};

/* What a person may do; ld_role_may is the one table of who may what. */
enum ld_action {
	LD_ACT_READ = 0,    /* read records, progress, inbox, status */
	LD_ACT_REPORT,      /* run reports, read published ones */
	LD_ACT_WRITE,       /* add / edit / delete tasks, surveys, plans,
	                       results, proposals; derive sub-tasks */
	LD_ACT_REVIEW,      /* add reviews */
	LD_ACT_ADMIN,       /* manage users, children, keys */
	LD_ACT_COUNT
};

struct ld_user {
	char name[LD_USER_NAME_MAX + 1];
	enum ld_role role;
	char hash[crypto_pwhash_STRBYTES];  /* Argon2id string, "" = none */
	char token[65];   /* hex SHA-256 of the API token, "" = none */
};

/* "administrator", "clerk", "reviewer", "reader"; also accepts the
 * Chinese names 管理员, 经办, 审核, 查阅. Returns 0, or LD_EREFUSED. */
int ld_role_parse(const char *s, enum ld_role *out);
const char *ld_role_name(enum ld_role r);   /* "clerk" */
const char *ld_role_label(enum ld_role r);  /* "经办" */
bool ld_role_may(enum ld_role r, enum ld_action a);

/* Is `name` a valid person's name? *why says what is wrong. */
bool ld_user_name_valid(const char *name, const char **why);

/* Read <dir>/users into a malloc'ed array (*out, *n; an absent file is
 * an empty list). Returns 0, or with "FILE:LINE: reason" in err
 * LD_ESYNTAX or -errno. */
int ld_users_load(const char *dir, struct ld_user **out, size_t *n,
                  char *err, size_t errlen);
/* Write them to <dir>/users atomically (mode 0600). Returns 0 or -errno
 * with err. */
int ld_users_save(const char *dir, const struct ld_user *u, size_t n,
                  char *err, size_t errlen);
/* Take the exclusive lock on <dir>/users.lock (waits for it), held until
 * ld_users_unlock. Returns 0 with *fd, or -errno with "FILE: reason". */
int ld_users_lock(const char *dir, int *fd, char *err, size_t errlen);
/* Release it (closes *fd, sets it to -1; nothing if it is -1). */
void ld_users_unlock(int *fd);

/* Would u[0..n) still have an administrator if `name` were removed
 * (remove) or given `role`? The office must keep one: nobody else can
 * manage people from the console. */
bool ld_users_keeps_admin(const struct ld_user *u, size_t n, const char *name,
                          bool remove, enum ld_role role);

/* The index of `name` in u[0..n), or -1. */
long ld_users_find(const struct ld_user *u, size_t n, const char *name);

/* Hash a password (Argon2id, interactive limits) into `out`. Returns 0,
 * LD_EREFUSED with err (too short or too long) or -ENOMEM. */
int ld_password_hash(const char *pw, char out[crypto_pwhash_STRBYTES],
                     char *err, size_t errlen);
/* Does `pw` match the stored hash? (constant time in pw) */
bool ld_password_check(const char *hash, const char *pw);

/* A new API token: 32 random bytes, hex, into token_out[65]; its hex
 * SHA-256 into hash_out[65]. */
void ld_token_new(char token_out[65], char hash_out[65]);
/* The hex SHA-256 of a token a client presents, into hash_out[65]. */
void ld_token_hash(const char *token, char hash_out[65]);

#endif
