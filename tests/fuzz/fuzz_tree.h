/* fuzz_tree.h — a fixed three-node tree for the fuzzers and their seed
 * generator: province 530000, city 530000/530300 (the node under test),
 * county 530000/530300/530325, each with keys from a fixed seed so that
 * seed inputs carry valid signatures and certificates. */
#ifndef LD_FUZZ_TREE_H
#define LD_FUZZ_TREE_H

#include <stdint.h>

#include "keys.h"
#include "liandong.pb-c.h"
#include "store.h"

#define FZ_ROOT "530000"
#define FZ_SELF "530000/530300"
#define FZ_CHILD "530000/530300/530325"

struct fz_tree {
	struct ld_keys root, self, child;
	uint8_t self_cert[64], child_cert[64];
};

/* Derive every key from fixed seeds. */
void fz_tree_keys(struct fz_tree *t);

/* The NODE record of one of the three, signed, certified (malloc'd). */
uint8_t *fz_node_record(const struct fz_tree *t, const char *path,
                        size_t *len);

/* A record of `owner`: a task (scope `scope`) or, with `result`, a
 * result; signed by `signer` (NULL: the owner, as it should be). */
uint8_t *fz_record(const struct fz_tree *t, const char *owner,
                   uint64_t counter, uint64_t version, const char *scope,
                   int result, const struct ld_keys *signer, size_t *len);

/* Seal the records recs[0..n) (each from fz_record, all of `owner`) in
 * one batch tree with the owner's key, in place: each recs[i] is freed
 * and replaced, lens[i] updated. */
void fz_seal(const struct fz_tree *t, const char *owner, uint8_t **recs,
             size_t *lens, size_t n);

/* Make a store in `dir` holding the three NODE records. */
int fz_store(const struct fz_tree *t, const char *dir, struct ld_store **st);

#endif
