/* accounts.c — <data>/users for liandong-web, read again on change. */
#include "accounts.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ld_accounts {
	pthread_mutex_t mu;
	char dir[PATH_MAX];
	char file[PATH_MAX + 16];
	struct ld_user *u;
	size_t n;
	bool loaded;
	struct stat st; /* of the file last read (st_ino 0: absent) */
	/* A hash of a password nobody has: checked when the name is
	 * unknown, so both cost the same. */
	char dummy[crypto_pwhash_STRBYTES];
};

int
ld_accounts_new(const char *dir, struct ld_accounts **out)
{
	struct ld_accounts *a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	pthread_mutex_init(&a->mu, NULL);
	snprintf(a->dir, sizeof(a->dir), "%s", dir);
	snprintf(a->file, sizeof(a->file), "%s/%s", dir, LD_USERS_FILE);
	char pw[65], unused[65], err[128];
	ld_token_new(pw, unused); /* random: nobody knows it */
	int rc = ld_password_hash(pw, a->dummy, err, sizeof(err));
	sodium_memzero(pw, sizeof(pw));
	if (rc != 0) {
		free(a);
		return -ENOMEM;
	}
	*out = a;
	return 0;
}

void
ld_accounts_destroy(struct ld_accounts **a_p)
{
	if (a_p == NULL || *a_p == NULL)
		return;
	struct ld_accounts *a = *a_p;
	if (a->u != NULL)
		sodium_memzero(a->u, a->n * sizeof(*a->u));
	free(a->u);
	pthread_mutex_destroy(&a->mu);
	free(a);
	*a_p = NULL;
}

static bool
same_file(const struct stat *x, const struct stat *y)
{
	return x->st_ino == y->st_ino && x->st_dev == y->st_dev &&
	       x->st_size == y->st_size &&
	       x->st_mtim.tv_sec == y->st_mtim.tv_sec &&
	       x->st_mtim.tv_nsec == y->st_mtim.tv_nsec;
}

/* Read the file again if it changed. Called with the mutex held. */
static void
refresh(struct ld_accounts *a)
{
	struct stat st;
	if (stat(a->file, &st) != 0)
		memset(&st, 0, sizeof(st));
	if (a->loaded && same_file(&st, &a->st))
		return;
	struct ld_user *u = NULL;
	size_t n = 0;
	char err[512];
	int rc = ld_users_load(a->dir, &u, &n, err, sizeof(err));
	if (a->u != NULL)
		sodium_memzero(a->u, a->n * sizeof(*a->u));
	free(a->u);
	a->u = NULL;
	a->n = 0;
	if (rc != 0) {
		ld_log(LD_LOG_ERROR, "%s (nobody can log in until it is "
		       "fixed)", err);
		free(u);
	} else {
		a->u = u;
		a->n = n;
	}
	a->st = st;
	a->loaded = true;
}

int
ld_accounts_get(struct ld_accounts *a, const char *name, struct ld_user *out)
{
	pthread_mutex_lock(&a->mu);
	refresh(a);
	long i = ld_users_find(a->u, a->n, name);
	if (i >= 0)
		*out = a->u[i];
	pthread_mutex_unlock(&a->mu);
	return i >= 0 ? 0 : -ENOENT;
}

bool
ld_accounts_check(struct ld_accounts *a, const char *name, const char *pw,
                  struct ld_user *out)
{
	struct ld_user u;
	bool known = ld_accounts_get(a, name, &u) == 0 && u.hash[0] != '\0';
	/* The hash check runs outside the mutex: it takes a while. */
	bool ok = ld_password_check(known ? u.hash : a->dummy, pw) && known;
	if (ok && out != NULL)
		*out = u;
	sodium_memzero(&u, sizeof(u));
	return ok;
}

int
ld_accounts_by_token(struct ld_accounts *a, const char *hash,
                     struct ld_user *out)
{
	if (strlen(hash) != 64)
		return -ENOENT;
	pthread_mutex_lock(&a->mu);
	refresh(a);
	long found = -1;
	for (size_t i = 0; i < a->n; i++) {
		/* "" (no token) is 0 bytes long and never equals 64 bytes. */
		bool same = strlen(a->u[i].token) == 64 &&
		            sodium_memcmp(a->u[i].token, hash, 64) == 0;
		if (same && found < 0)
			found = (long)i;
	}
	if (found >= 0)
		*out = a->u[found];
	pthread_mutex_unlock(&a->mu);
	return found >= 0 ? 0 : -ENOENT;
}
