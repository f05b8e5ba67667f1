/* accounts.h — the office's people as liandong-web sees them: <data>/users
 * read again whenever it changes (so a removed person's sessions stop
 * working at their next request, and a changed role applies at once). */
#ifndef LD_ACCOUNTS_H
#define LD_ACCOUNTS_H

#include "users.h"

struct ld_accounts;

int ld_accounts_new(const char *dir, struct ld_accounts **out);
void ld_accounts_destroy(struct ld_accounts **a);

/* Copy the account `name` into *out. Returns 0, or -ENOENT if there is
 * none (or the file cannot be read: then nobody can log in, and the
 * reason is logged once per change of the file). */
int ld_accounts_get(struct ld_accounts *a, const char *name,
                    struct ld_user *out);

/* Does `pw` match the account `name`? Takes as long when there is no
 * such account, so a wrong name cannot be told from a wrong password. */
bool ld_accounts_check(struct ld_accounts *a, const char *name,
                       const char *pw, struct ld_user *out);

/* The account whose API token has the hex SHA-256 `hash`
 * (ld_token_hash): copies it into *out and returns 0, or -ENOENT. Every
 * account's hash is compared, in constant time, so the time taken does
 * not tell how much of a guess was right. */
int ld_accounts_by_token(struct ld_accounts *a, const char *hash,
                         struct ld_user *out);

#endif
