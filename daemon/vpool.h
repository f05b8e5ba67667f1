/* vpool.h — signature checks on several cores. The event loop hands a
 * batch's checks to a few worker threads, takes part itself, and waits;
 * nothing else crosses threads (the checks are pure). A record signed
 * alone is one Ed25519 check; a sealed one (seal.h) is a few hashes to
 * its root, and each distinct root is checked once, or not at all if the
 * pool's cache has seen it hold. */
#ifndef LD_VPOOL_H
#define LD_VPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

struct ld_vjob {
	const Ld__Record *r; /* read-only while the pool runs */
	/* Its encoding, if canonical (checked): a sealed record's leaf is
	 * hashed from it instead of encoding r again. NULL: encode r. */
	const uint8_t *wire;
	size_t wire_len;
	uint8_t pk[32];      /* the key it must be signed with */
	bool ok;             /* out */
	/* The pool's own, for a sealed record: */
	uint8_t leaf[32];    /* its leaf hash */
	uint8_t root[32];    /* its path folded */
	bool folded;         /* root set with its whole tree */
	size_t root_job;     /* its root's check in the second round */
};

struct ld_vpool;

/* `threads` in all, the caller included: 1 (or 0) runs checks inline.
 * Returns 0 or -ENOMEM. */
int ld_vpool_new(unsigned threads, struct ld_vpool **out);
void ld_vpool_free(struct ld_vpool **p);

/* Check every job; returns when all are done. */
void ld_vpool_run(struct ld_vpool *p, struct ld_vjob *jobs, size_t n);

/* Records checked since start, and how many of them failed (for the
 * metrics; 0 for a NULL pool). Only from the thread that runs the pool. */
void ld_vpool_counts(const struct ld_vpool *p, uint64_t *checked,
                     uint64_t *failed);

/* Ed25519 checks made since start (one per record signed alone, one per
 * distinct root not in the cache), and roots found in the cache. */
void ld_vpool_sig_counts(const struct ld_vpool *p, uint64_t *signatures,
                         uint64_t *cached_roots);

/* The number of CPUs online (at least 1). */
unsigned ld_vpool_cpus(void);

#endif
