/* session.c — session table, login throttle and lockout, CSRF tokens:
 * pure logic over an injected clock; one mutex serialises the threads. */
#include "session.h"
#include "users.h"

#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

_Static_assert(LD_SESSION_USER_MAX == LD_USER_NAME_MAX,
               "a session holds any person's name");

struct sess {
	char token[LD_TOKEN_HEX]; /* "" = free slot */
	struct ld_session s;
	int64_t last_ms;
};

struct throttle {
	char user[LD_SESSION_USER_MAX + 1]; /* "" = free slot */
	unsigned failures;               /* in a row */
	int64_t locked_until_ms;         /* 0 = not locked */
	int64_t last_ms;
};

struct ld_sessions {
	pthread_mutex_t mu;
	ld_clock_fn clock;
	void *clock_arg;
	int64_t idle_ms;
	struct sess *sess;  /* LD_SESSIONS_MAX */
	struct throttle *thr; /* LD_THROTTLE_MAX */
};

static int64_t
mono_ms(void *arg)
{
	(void)arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ld_sessions *
ld_sessions_new(unsigned idle_s, ld_clock_fn clock, void *clock_arg)
{
	if (sodium_init() < 0)
		return NULL;
	struct ld_sessions *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->sess = calloc(LD_SESSIONS_MAX, sizeof(*s->sess));
	s->thr = calloc(LD_THROTTLE_MAX, sizeof(*s->thr));
	if (s->sess == NULL || s->thr == NULL) {
		free(s->sess);
		free(s->thr);
		free(s);
		return NULL;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->clock = clock != NULL ? clock : mono_ms;
	s->clock_arg = clock_arg;
	s->idle_ms = (int64_t)idle_s * 1000;
	return s;
}

void
ld_sessions_destroy(struct ld_sessions **s_p)
{
	if (s_p == NULL || *s_p == NULL)
		return;
	struct ld_sessions *s = *s_p;
	/* Tokens are secrets: leave none behind in freed memory. */
	sodium_memzero(s->sess, LD_SESSIONS_MAX * sizeof(*s->sess));
	free(s->sess);
	free(s->thr);
	pthread_mutex_destroy(&s->mu);
	free(s);
	*s_p = NULL;
}

void
ld_token_random(char out[LD_TOKEN_HEX])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, LD_TOKEN_HEX, b, sizeof(b));
	sodium_memzero(b, sizeof(b));
}

bool
ld_csrf_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return false;
	if (strnlen(a, LD_TOKEN_HEX) != LD_TOKEN_HEX - 1 ||
	    strnlen(b, LD_TOKEN_HEX) != LD_TOKEN_HEX - 1)
		return false;
	return sodium_memcmp(a, b, LD_TOKEN_HEX - 1) == 0;
}

static bool
expired(const struct ld_sessions *s, const struct sess *e, int64_t now)
{
	return now - e->last_ms >= s->idle_ms;
}

int
ld_session_create(struct ld_sessions *s, const char *user,
                  char token[LD_TOKEN_HEX], struct ld_session *out)
{
	pthread_mutex_lock(&s->mu);
	int64_t now = s->clock(s->clock_arg);
	/* A free or expired slot; else the one idle longest gives way. */
	struct sess *slot = NULL, *oldest = &s->sess[0];
	for (size_t i = 0; i < LD_SESSIONS_MAX && slot == NULL; i++) {
		struct sess *e = &s->sess[i];
		if (e->token[0] == '\0' || expired(s, e, now))
			slot = e;
		else if (e->last_ms < oldest->last_ms)
			oldest = e;
	}
	if (slot == NULL)
		slot = oldest;
	memset(slot, 0, sizeof(*slot));
	ld_token_random(slot->token);
	ld_token_random(slot->s.csrf);
	size_t n = strnlen(user, LD_SESSION_USER_MAX);
	memcpy(slot->s.user, user, n);
	slot->s.user[n] = '\0';
	slot->last_ms = now;
	memcpy(token, slot->token, LD_TOKEN_HEX);
	*out = slot->s;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/* The live entry of `token`, or NULL; expired ones met on the way are
 * cleared. Called with the mutex held. */
static struct sess *
find(struct ld_sessions *s, const char *token, int64_t now)
{
	if (token == NULL || strnlen(token, LD_TOKEN_HEX) != LD_TOKEN_HEX - 1)
		return NULL;
	struct sess *hit = NULL;
	for (size_t i = 0; i < LD_SESSIONS_MAX; i++) {
		struct sess *e = &s->sess[i];
		if (e->token[0] == '\0')
			continue;
		if (expired(s, e, now)) {
			sodium_memzero(e, sizeof(*e));
			continue;
		}
		if (hit == NULL && ld_csrf_equal(e->token, token))
			hit = e;
	}
	return hit;
}

int
ld_session_find(struct ld_sessions *s, const char *token,
                struct ld_session *out)
{
	pthread_mutex_lock(&s->mu);
	int64_t now = s->clock(s->clock_arg);
	struct sess *e = find(s, token, now);
	if (e != NULL) {
		e->last_ms = now;
		*out = e->s;
	}
	pthread_mutex_unlock(&s->mu);
	return e != NULL ? 0 : -ENOENT;
}

void
ld_session_end(struct ld_sessions *s, const char *token)
{
	pthread_mutex_lock(&s->mu);
	struct sess *e = find(s, token, s->clock(s->clock_arg));
	if (e != NULL)
		sodium_memzero(e, sizeof(*e));
	pthread_mutex_unlock(&s->mu);
}

void
ld_session_end_user(struct ld_sessions *s, const char *user)
{
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < LD_SESSIONS_MAX; i++)
		if (s->sess[i].token[0] != '\0' &&
		    strcmp(s->sess[i].s.user, user) == 0)
			sodium_memzero(&s->sess[i], sizeof(s->sess[i]));
	pthread_mutex_unlock(&s->mu);
}

size_t
ld_session_count(struct ld_sessions *s)
{
	pthread_mutex_lock(&s->mu);
	int64_t now = s->clock(s->clock_arg);
	size_t n = 0;
	for (size_t i = 0; i < LD_SESSIONS_MAX; i++)
		if (s->sess[i].token[0] != '\0' && !expired(s, &s->sess[i], now))
			n++;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* The throttle entry of `user`; with `make`, a new one if none (taking
 * the least recently used unlocked slot when the table is full). Called
 * with the mutex held; NULL if none and not made. */
static struct throttle *
throttle_of(struct ld_sessions *s, const char *user, int64_t now, bool make)
{
	struct throttle *free_slot = NULL, *lru = NULL;
	for (size_t i = 0; i < LD_THROTTLE_MAX; i++) {
		struct throttle *t = &s->thr[i];
		if (t->user[0] == '\0') {
			if (free_slot == NULL)
				free_slot = t;
			continue;
		}
		if (strcmp(t->user, user) == 0)
			return t;
		bool locked = t->locked_until_ms > now;
		if (!locked && (lru == NULL || t->last_ms < lru->last_ms))
			lru = t;
	}
	if (!make)
		return NULL;
	struct throttle *t = free_slot != NULL ? free_slot : lru;
	if (t == NULL) /* every slot locked: the first gives way */
		t = &s->thr[0];
	memset(t, 0, sizeof(*t));
	size_t n = strnlen(user, LD_SESSION_USER_MAX);
	memcpy(t->user, user, n);
	t->user[n] = '\0';
	return t;
}

int
ld_login_allowed(struct ld_sessions *s, const char *user, unsigned *left_s)
{
	pthread_mutex_lock(&s->mu);
	int64_t now = s->clock(s->clock_arg);
	struct throttle *t = throttle_of(s, user, now, false);
	int rc = 0;
	*left_s = 0;
	if (t != NULL && t->locked_until_ms > now) {
		*left_s = (unsigned)((t->locked_until_ms - now + 999) / 1000);
		rc = -EACCES;
	} else if (t != NULL && t->locked_until_ms != 0) {
		/* The lock ran out: a fresh start. */
		t->locked_until_ms = 0;
		t->failures = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

unsigned
ld_login_failed(struct ld_sessions *s, const char *user, bool *locked)
{
	pthread_mutex_lock(&s->mu);
	int64_t now = s->clock(s->clock_arg);
	struct throttle *t = throttle_of(s, user, now, true);
	t->last_ms = now;
	t->failures++;
	*locked = false;
	if (t->failures >= LD_LOGIN_LOCK_AFTER) {
		t->locked_until_ms = now + (int64_t)LD_LOGIN_LOCK_S * 1000;
		*locked = true;
	}
	unsigned delay = t->failures * LD_LOGIN_DELAY_STEP_MS;
	if (delay > LD_LOGIN_DELAY_MAX_MS)
		delay = LD_LOGIN_DELAY_MAX_MS;
	pthread_mutex_unlock(&s->mu);
	return delay;
}

void
ld_login_ok(struct ld_sessions *s, const char *user)
{
	pthread_mutex_lock(&s->mu);
	struct throttle *t = throttle_of(s, user, s->clock(s->clock_arg), false);
	if (t != NULL)
		memset(t, 0, sizeof(*t));
	pthread_mutex_unlock(&s->mu);
}
