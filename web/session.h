/* session.h — the console's sessions, login throttle and CSRF check: pure
 * logic over an injected clock (no sockets, no files), safe to call from
 * the server's threads (one mutex inside). */
#ifndef LD_SESSION_H
#define LD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A person's name, as users.h allows (LD_USER_NAME_MAX; session.c checks
 * they agree). users.h is not included here: its enum ld_action and
 * rollup.h's enum ld_act share constant names (LD_ACT_REPORT ...), and
 * pages that show roll-ups include this header. */
#define LD_SESSION_USER_MAX 64

/* A token or a CSRF token: 32 random bytes in hex. */
#define LD_TOKEN_HEX 65
/* Consecutive failed logins that lock an account, and for how long. */
#define LD_LOGIN_LOCK_AFTER 10
#define LD_LOGIN_LOCK_S (15 * 60)
/* The delay after the n-th consecutive failure: n * 200 ms, at most 2 s. */
#define LD_LOGIN_DELAY_STEP_MS 200
#define LD_LOGIN_DELAY_MAX_MS 2000
/* At most this many live sessions and throttled names; beyond, the
 * oldest session (or the oldest unlocked name) gives way. */
#define LD_SESSIONS_MAX 4096
#define LD_THROTTLE_MAX 4096

/* Milliseconds on some monotonic scale; tests pass their own. */
typedef int64_t (*ld_clock_fn)(void *arg);

struct ld_sessions;

/* A session as a request sees it (a copy). */
struct ld_session {
	char user[LD_SESSION_USER_MAX + 1];
	char csrf[LD_TOKEN_HEX];
};

/* Sessions end after `idle_s` seconds without a request. `clock` NULL
 * is CLOCK_MONOTONIC. Returns NULL if out of memory. */
struct ld_sessions *ld_sessions_new(unsigned idle_s, ld_clock_fn clock,
                                    void *clock_arg);
void ld_sessions_destroy(struct ld_sessions **s);

/* A new session for `user`: its token into token[LD_TOKEN_HEX] (for the
 * cookie) and *out. Returns 0. */
int ld_session_create(struct ld_sessions *s, const char *user,
                      char token[LD_TOKEN_HEX], struct ld_session *out);
/* The session of `token`, if it is live: copies it to *out, counts this
 * as its use and returns 0; an unknown or expired one (removed then)
 * returns -ENOENT. */
int ld_session_find(struct ld_sessions *s, const char *token,
                    struct ld_session *out);
/* End one session (logout), or every session of a user. */
void ld_session_end(struct ld_sessions *s, const char *token);
void ld_session_end_user(struct ld_sessions *s, const char *user);
/* Live sessions (for tests and the node page). */
size_t ld_session_count(struct ld_sessions *s);

/* Before checking a password for `user`: 0 if a try is allowed, or
 * -EACCES if the account is locked, with the seconds left in *left_s. */
int ld_login_allowed(struct ld_sessions *s, const char *user,
                     unsigned *left_s);
/* A wrong password (or an unknown name) for `user`. Returns the delay in
 * ms the caller waits before answering; sets *locked when this failure
 * locked the account (LD_LOGIN_LOCK_AFTER in a row). */
unsigned ld_login_failed(struct ld_sessions *s, const char *user,
                         bool *locked);
/* A good password: the failures of `user` are forgotten. */
void ld_login_ok(struct ld_sessions *s, const char *user);

/* A fresh random token in hex (sessions, CSRF tokens). */
void ld_token_random(char out[LD_TOKEN_HEX]);
/* Do two tokens match? Constant time in their contents; false if either
 * is NULL or not LD_TOKEN_HEX - 1 bytes long. */
bool ld_csrf_equal(const char *a, const char *b);

#endif
