/* vpool.c — a fixed set of threads that check signatures in parallel, and
 * the cache of batch roots already checked. */
#include "vpool.h"
#include "seal.h"
#include "sign.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Roots remembered: a few minutes of a busy tree's batches. */
#define CACHE_SLOTS 4096

/* One parallel round: fn(arg, i) for every i below n. */
typedef void (*round_fn)(void *arg, size_t i);

struct ld_vpool {
	pthread_t *threads;
	unsigned nthreads; /* workers, the caller not counted */
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	round_fn fn;
	void *arg;
	size_t n;
	atomic_size_t next;
	unsigned busy;       /* workers still in the current round */
	unsigned long round; /* bumped per round */
	bool stop;
	struct ld_seal_cache *cache;
	/* Since start (the caller's thread only). */
	uint64_t checked, failed, signatures;
};

unsigned
ld_vpool_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (unsigned)n;
}

/* Take items until none are left. */
static void
drain(struct ld_vpool *p)
{
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			return;
		p->fn(p->arg, i);
	}
}

static void *
worker(void *arg)
{
	struct ld_vpool *p = arg;
	unsigned long seen = 0;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->round == seen)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->stop)
			break;
		seen = p->round;
		pthread_mutex_unlock(&p->mu);
		drain(p);
		pthread_mutex_lock(&p->mu);
		if (--p->busy == 0)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
ld_vpool_new(unsigned threads, struct ld_vpool **out)
{
	*out = NULL;
	struct ld_vpool *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	if (ld_seal_cache_new(CACHE_SLOTS, &p->cache) != 0) {
		ld_vpool_free(&p);
		return -ENOMEM;
	}
	unsigned want = threads > 1 ? threads - 1 : 0;
	if (want > 0) {
		p->threads = calloc(want, sizeof(*p->threads));
		if (p->threads == NULL) {
			ld_vpool_free(&p);
			return -ENOMEM;
		}
		for (unsigned i = 0; i < want; i++) {
			if (pthread_create(&p->threads[i], NULL, worker, p) != 0)
				break;
			p->nthreads++;
		}
	}
	*out = p;
	return 0;
}

void
ld_vpool_free(struct ld_vpool **p_p)
{
	if (p_p == NULL || *p_p == NULL)
		return;
	struct ld_vpool *p = *p_p;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	ld_seal_cache_free(&p->cache);
	free(p);
	*p_p = NULL;
}

/* Run one round on every thread; `cost` says how many items are worth
 * waking the workers for. */
static void
run_round(struct ld_vpool *p, round_fn fn, void *arg, size_t n, size_t worth)
{
	if (p->nthreads == 0 || n < worth) {
		for (size_t i = 0; i < n; i++)
			fn(arg, i);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	atomic_store(&p->next, 0);
	p->busy = p->nthreads;
	p->round++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	drain(p);
	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	p->fn = NULL;
	p->arg = NULL;
	p->n = 0;
	pthread_mutex_unlock(&p->mu);
}

/* First round: a record signed alone is checked; a sealed one gets its
 * leaf hash (ok: it has one, and no signature of its own). */
static void
check_or_leaf(void *arg, size_t i)
{
	struct ld_vjob *j = &((struct ld_vjob *)arg)[i];
	const Ld__Record *r = j->r;
	j->folded = false;
	if (r->seal == NULL) {
		j->ok = ld_sign_verify(r, j->pk);
		return;
	}
	size_t body;
	if (j->wire != NULL && ld_seal_body_len(j->wire, j->wire_len, &body))
		ld_seal_leaf(j->wire, body, j->leaf);
	else if (ld_sign_leaf(r, j->leaf) != 0) {
		j->ok = false;
		return;
	}
	j->ok = r->sig.len == 0;
}

/* Second round, for the sealed records not settled as a whole tree:
 * fold the path into jobs[i].root (ok: the path fits its tree). */
static void
fold(void *arg, size_t i)
{
	struct ld_vjob *j = &((struct ld_vjob *)arg)[i];
	if (j->r->seal == NULL || !j->ok || j->folded)
		return;
	j->ok = ld_seal_fold(j->leaf, j->r->seal, j->root);
}

static bool
same_tree(const struct ld_vjob *a, const struct ld_vjob *b)
{
	const Ld__Seal *x = a->r->seal, *y = b->r->seal;
	return x->count == y->count && x->sig.len == y->sig.len &&
	       memcmp(x->sig.data, y->sig.data, x->sig.len) == 0 &&
	       memcmp(a->pk, b->pk, sizeof(a->pk)) == 0;
}

/* jobs[0..count) are a whole tree, leaf 0 to the last, in order: hash
 * the tree once and compare each record's path with the tree's (the
 * same as folding each: one hash a record instead of one a level). A
 * record whose path differs is not ok. */
static void
whole_tree(struct ld_vjob *jobs, size_t count)
{
	uint8_t(*leaves)[LD_SEAL_HASH] = malloc(count * LD_SEAL_HASH);
	struct ld_seal_tree t;
	if (leaves == NULL)
		return; /* each is folded instead */
	for (size_t i = 0; i < count; i++)
		memcpy(leaves[i], jobs[i].leaf, LD_SEAL_HASH);
	int rc = ld_seal_tree_build(&t, (const uint8_t(*)[LD_SEAL_HASH])leaves,
	                            count);
	free(leaves);
	if (rc != 0)
		return;
	uint8_t path[LD_SEAL_PATH_MAX][LD_SEAL_HASH];
	for (size_t i = 0; i < count; i++) {
		struct ld_vjob *j = &jobs[i];
		const Ld__Seal *s = j->r->seal;
		size_t np = ld_seal_tree_path(&t, i, path);
		bool same = np == s->n_path;
		for (size_t k = 0; k < np && same; k++)
			same = s->path[k].len == LD_SEAL_HASH &&
			       memcmp(s->path[k].data, path[k], LD_SEAL_HASH) == 0;
		j->ok = same;
		memcpy(j->root, ld_seal_tree_root(&t), LD_SEAL_HASH);
		j->folded = true;
	}
	ld_seal_tree_free(&t);
}

/* Settle the whole trees among the jobs: runs of sealed records of one
 * tree that hold every leaf, in order. */
static void
whole_trees(struct ld_vjob *jobs, size_t n)
{
	for (size_t i = 0; i < n;) {
		const Ld__Seal *s = jobs[i].r->seal;
		if (s == NULL || !jobs[i].ok || s->index != 0 || s->count < 2 ||
		    s->count > n - i) {
			i++;
			continue;
		}
		size_t k = 1;
		while (k < s->count && jobs[i + k].r->seal != NULL &&
		       jobs[i + k].ok && jobs[i + k].r->seal->index == k &&
		       same_tree(&jobs[i], &jobs[i + k]))
			k++;
		if (k == s->count)
			whole_tree(jobs + i, k);
		i += k;
	}
}

/* Second round: the roots not in the cache, one job standing for each. */
struct root_round {
	struct ld_vjob *jobs;
	size_t *which; /* the standing jobs */
	bool *ok;
};

static void
check_root(void *arg, size_t i)
{
	struct root_round *rr = arg;
	const struct ld_vjob *j = &rr->jobs[rr->which[i]];
	const Ld__Seal *s = j->r->seal;
	rr->ok[i] = ld_seal_verify_root(j->root, s->count, s->sig.data,
	                                s->sig.len, j->pk);
}

static bool
same_root(const struct ld_vjob *a, const struct ld_vjob *b)
{
	const Ld__Seal *x = a->r->seal, *y = b->r->seal;
	return x->count == y->count && x->sig.len == y->sig.len &&
	       memcmp(x->sig.data, y->sig.data, x->sig.len) == 0 &&
	       memcmp(a->root, b->root, sizeof(a->root)) == 0 &&
	       memcmp(a->pk, b->pk, sizeof(a->pk)) == 0;
}

/* The sealed jobs' roots: each distinct one checked once, or found in the
 * cache; then each sealed job is ok if its root held. `which` and `rok`
 * have room for n. */
static void
check_roots(struct ld_vpool *p, struct ld_vjob *jobs, size_t n, size_t *which,
            bool *rok)
{
	size_t nw = 0, prev = SIZE_MAX; /* the last sealed job that folded */
	for (size_t i = 0; i < n; i++) {
		struct ld_vjob *j = &jobs[i];
		if (j->r->seal == NULL || !j->ok)
			continue;
		/* The records of a tree come one after another: the same
		 * root as the last is settled as it is. */
		if (prev != SIZE_MAX && same_root(&jobs[prev], j)) {
			j->root_job = jobs[prev].root_job;
			continue;
		}
		prev = i;
		if (j->r->seal->sig.len == 64 &&
		    ld_seal_cache_has(p->cache, j->pk, j->root,
		                      j->r->seal->count,
		                      j->r->seal->sig.data)) {
			j->root_job = SIZE_MAX; /* held before */
			continue;
		}
		size_t k = 0;
		while (k < nw && !same_root(&jobs[which[k]], j))
			k++;
		if (k == nw)
			which[nw++] = i;
		j->root_job = k;
	}
	struct root_round rr = {jobs, which, rok};
	run_round(p, check_root, &rr, nw, 2);
	p->signatures += nw;
	for (size_t k = 0; k < nw; k++) {
		const struct ld_vjob *j = &jobs[which[k]];
		if (rok[k])
			ld_seal_cache_add(p->cache, j->pk, j->root,
			                  j->r->seal->count,
			                  j->r->seal->sig.data);
	}
	for (size_t i = 0; i < n; i++) {
		struct ld_vjob *j = &jobs[i];
		if (j->r->seal != NULL && j->ok)
			j->ok = j->root_job == SIZE_MAX || rok[j->root_job];
	}
}

/* A tree taken whole that did not hold: one bad record spoils the tree's
 * hash and every path beside it, so its records are folded one by one
 * and checked again, and the honest ones hold. */
static void
retry_spoiled(struct ld_vpool *p, struct ld_vjob *jobs, size_t n,
              size_t *which, bool *rok)
{
	size_t *idx = malloc(n * sizeof(*idx)), nr = 0;
	if (idx == NULL)
		return; /* they stay refused */
	for (size_t i = 0; i < n;) {
		if (!jobs[i].folded) {
			i++;
			continue;
		}
		size_t c = jobs[i].r->seal->count; /* a whole tree from i */
		bool bad = false;
		for (size_t k = 0; k < c; k++)
			bad |= !jobs[i + k].ok;
		for (size_t k = 0; k < c && bad; k++) {
			jobs[i + k].folded = false;
			jobs[i + k].ok = true; /* its leaf was computed */
			idx[nr++] = i + k;
		}
		i += c;
	}
	struct ld_vjob *again = nr > 0 ? malloc(nr * sizeof(*again)) : NULL;
	if (again != NULL) {
		for (size_t k = 0; k < nr; k++)
			again[k] = jobs[idx[k]];
		run_round(p, fold, again, nr, 16);
		check_roots(p, again, nr, which, rok);
		for (size_t k = 0; k < nr; k++)
			jobs[idx[k]].ok = again[k].ok;
	} else {
		for (size_t k = 0; k < nr; k++)
			jobs[idx[k]].ok = false;
	}
	free(again);
	free(idx);
}

static void
run(struct ld_vpool *p, struct ld_vjob *jobs, size_t n)
{
	size_t *which = malloc((n ? n : 1) * sizeof(*which));
	bool *rok = malloc((n ? n : 1) * sizeof(*rok));
	if (which == NULL || rok == NULL) {
		/* Out of memory: check each record on its own. */
		free(which);
		free(rok);
		for (size_t i = 0; i < n; i++)
			jobs[i].ok = ld_sign_verify(jobs[i].r, jobs[i].pk);
		p->signatures += n;
		return;
	}
	/* Small rounds are not worth waking anyone for; a signature is. */
	run_round(p, check_or_leaf, jobs, n, 16);
	for (size_t i = 0; i < n; i++)
		p->signatures += jobs[i].r->seal == NULL;
	whole_trees(jobs, n);
	run_round(p, fold, jobs, n, 16);
	check_roots(p, jobs, n, which, rok);
	retry_spoiled(p, jobs, n, which, rok);
	free(which);
	free(rok);
}

void
ld_vpool_run(struct ld_vpool *p, struct ld_vjob *jobs, size_t n)
{
	run(p, jobs, n);
	p->checked += n;
	for (size_t i = 0; i < n; i++)
		p->failed += !jobs[i].ok;
}

void
ld_vpool_counts(const struct ld_vpool *p, uint64_t *checked, uint64_t *failed)
{
	*checked = p != NULL ? p->checked : 0;
	*failed = p != NULL ? p->failed : 0;
}

void
ld_vpool_sig_counts(const struct ld_vpool *p, uint64_t *signatures,
                    uint64_t *cached_roots)
{
	uint64_t lookups = 0, hits = 0;
	if (p != NULL)
		ld_seal_cache_counts(p->cache, &hits, &lookups);
	*signatures = p != NULL ? p->signatures : 0;
	*cached_roots = hits;
}
