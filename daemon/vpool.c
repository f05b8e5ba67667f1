/* vpool.c — a fixed set of threads that check signatures in parallel. */
#include "vpool.h"
#include "sign.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct ld_vpool {
	pthread_t *threads;
	unsigned nthreads; /* workers, the caller not counted */
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	struct ld_vjob *jobs;
	size_t njobs;
	atomic_size_t next;
	unsigned busy;       /* workers still in the current round */
	unsigned long round; /* bumped per ld_vpool_run */
	bool stop;
	uint64_t checked, failed; /* since start (the caller's thread only) */
};

unsigned
ld_vpool_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (unsigned)n;
}

/* Take jobs until none are left. */
static void
drain(struct ld_vpool *p)
{
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->njobs)
			return;
		struct ld_vjob *j = &p->jobs[i];
		j->ok = ld_sign_verify(j->r, j->pk);
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
	free(p);
	*p_p = NULL;
}

static void
run(struct ld_vpool *p, struct ld_vjob *jobs, size_t n)
{
	/* Small rounds are not worth waking anyone for. */
	if (p->nthreads == 0 || n < 16) {
		for (size_t i = 0; i < n; i++)
			jobs[i].ok = ld_sign_verify(jobs[i].r, jobs[i].pk);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->jobs = jobs;
	p->njobs = n;
	atomic_store(&p->next, 0);
	p->busy = p->nthreads;
	p->round++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	drain(p);
	pthread_mutex_lock(&p->mu);
	while (p->busy > 0)
		pthread_cond_wait(&p->done, &p->mu);
	p->jobs = NULL;
	p->njobs = 0;
	pthread_mutex_unlock(&p->mu);
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
