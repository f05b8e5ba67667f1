/* gather.h — the records a roll-up needs, gathered from one read
 * transaction by the store's indexes (refs, owners): a bag of decoded
 * records that owns them. The daemon's progress and inbox requests and
 * liandong-report's progress call (the SDK's `progress`) gather alike,
 * so they compute from the same records. */
#ifndef LD_GATHER_H
#define LD_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Records gathered for one query, decoded and owned. */
struct ld_bag {
	Ld__Record **v;
	size_t n, cap;
	bool oom; /* something could not be added (or the store not read) */
};

/* Take `r` (may be NULL: nothing happens). */
void ld_bag_put(struct ld_bag *b, Ld__Record *r);
/* Free every record and the array; the bag is empty again. */
void ld_bag_free(struct ld_bag *b);

/* The live records with body `body` whose ref (or parent) is exactly
 * `id`, appended to `b`. */
void ld_bag_put_refs(struct ld_txn *t, struct ld_bag *b, const char *id,
                     Ld__Record__BodyCase body);

/* What the progress of a task needs (rollup.h), given a bag holding the
 * task: every live sub-task below it at any depth, their results, the
 * reviews of those results, and the NODE records of all offices known
 * here. b->oom tells whether anything is missing. */
void ld_store_gather_family(struct ld_txn *t, struct ld_bag *b);

/* ld_store_gather_family for the task `id`, into an empty bag `b`:
 * 0, or -ENOENT if there is no live task `id` here (the bag stays
 * empty). */
int ld_store_gather_task(struct ld_txn *t, const char *id, struct ld_bag *b);

/* The live NODE and HEALTH records of every office in `top`'s subtree
 * (`top` included), appended to `b`, found in the log without decoding
 * the others: 0 or the store's code. */
int ld_store_gather_health(struct ld_txn *t, const char *top,
                           struct ld_bag *b);

#endif
