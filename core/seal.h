/* seal.h — batch signatures (docs/protocol.md "Batch signatures"): an
 * owner puts the records it commits together in a Merkle tree, signs the
 * root once with Ed25519, and gives each record its path to the root
 * (Record.seal). A receiver folds a record's path into a root and checks
 * the root's signature once (a cache remembers roots already checked).
 * Pure (libsodium only); the record-level calls are in sign.h.
 *
 * The tree is RFC 9162's (section 2.1.1) with BLAKE2b-256: a leaf is
 * H(0x00 "ldleaf1" 0x00 bytes), an inner node H(0x01 left right), and a
 * tree over n leaves splits at the largest power of two below n. Built
 * bottom up, that is: pair the nodes of a level from the left and carry a
 * lone last node up unchanged. The signed message is "ldroot1\0", the
 * leaf count (4 bytes, little-endian) and the root. */
#ifndef LD_SEAL_H
#define LD_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

#define LD_SEAL_HASH 32
/* Leaves an owner puts in one tree: one signature per 64 records, and a
 * path of 6 hashes (192 bytes) on each. Larger trees save little more
 * signing and cost every record a longer path on every link. */
#define LD_SEAL_LEAVES 64
/* The most leaves a receiver accepts in a tree, and so the longest path. */
#define LD_SEAL_COUNT_MAX 65536u
#define LD_SEAL_PATH_MAX 16

/* The leaf hash of a record's bytes (encoded without sig and seal). */
void ld_seal_leaf(const uint8_t *bytes, size_t len, uint8_t out[LD_SEAL_HASH]);

/* A tree over `count` leaves: every level, leaves first, root last. */
struct ld_seal_tree {
	size_t count;
	size_t nlevels;
	size_t off[LD_SEAL_PATH_MAX + 1]; /* where each level starts in h */
	size_t len[LD_SEAL_PATH_MAX + 1]; /* its nodes */
	uint8_t (*h)[LD_SEAL_HASH];
};

/* Build the tree over `leaves` (1 .. LD_SEAL_COUNT_MAX). 0 or -EINVAL,
 * -ENOMEM. */
int ld_seal_tree_build(struct ld_seal_tree *t,
                       const uint8_t (*leaves)[LD_SEAL_HASH], size_t count);
const uint8_t *ld_seal_tree_root(const struct ld_seal_tree *t);
/* Leaf `index`'s path (sibling hashes, leaf to root) into `path`; returns
 * how many (at most LD_SEAL_PATH_MAX). */
size_t ld_seal_tree_path(const struct ld_seal_tree *t, size_t index,
                         uint8_t path[][LD_SEAL_HASH]);
void ld_seal_tree_free(struct ld_seal_tree *t);

/* Fold `leaf` along s->path into the root of a tree of s->count leaves,
 * where it stands at s->index. False if the path does not fit that shape
 * (too short, too long, a hash not 32 bytes, index out of range). */
bool ld_seal_fold(const uint8_t leaf[LD_SEAL_HASH], const Ld__Seal *s,
                  uint8_t root[LD_SEAL_HASH]);

void ld_seal_sign_root(const uint8_t root[LD_SEAL_HASH], uint32_t count,
                       const uint8_t sk[64], uint8_t sig[64]);
bool ld_seal_verify_root(const uint8_t root[LD_SEAL_HASH], uint32_t count,
                         const uint8_t *sig, size_t siglen,
                         const uint8_t pk[32]);

/* `rec` (a record encoded without sig and seal) with `s` appended as
 * field 40: the record's canonical encoding, since 40 is its highest
 * field. Malloc'd, length in *out_len; NULL if out of memory. */
uint8_t *ld_seal_append(const uint8_t *rec, size_t len, const Ld__Seal *s,
                        size_t *out_len);

/* Seal the encoded records recs[0..n) (each encoded without sig and
 * seal, malloc'd) in one tree whose root is signed with `sk`: each
 * recs[i] is replaced by the record with its seal appended (the old
 * buffer freed) and lens[i] updated. 0, -EINVAL (n is 0 or over
 * LD_SEAL_COUNT_MAX) or -ENOMEM (then every buffer is still valid, some
 * sealed and some not). */
int ld_seal_batch(uint8_t **recs, size_t *lens, size_t n,
                  const uint8_t sk[64]);

/* Where field 40 (the seal) starts in a record's canonical encoding
 * `wire`: the record's bytes without it, the leaf's input. False unless
 * the seal is there once, last, and every field before it parses. */
bool ld_seal_body_len(const uint8_t *wire, size_t len, size_t *body);

/* Roots whose signature held, keyed by (key, root, count, signature):
 * `slots` entries, direct-mapped; a forgotten root is checked again. */
struct ld_seal_cache;
int ld_seal_cache_new(size_t slots, struct ld_seal_cache **out);
void ld_seal_cache_free(struct ld_seal_cache **c);
bool ld_seal_cache_has(struct ld_seal_cache *c, const uint8_t pk[32],
                       const uint8_t root[LD_SEAL_HASH], uint32_t count,
                       const uint8_t sig[64]);
void ld_seal_cache_add(struct ld_seal_cache *c, const uint8_t pk[32],
                       const uint8_t root[LD_SEAL_HASH], uint32_t count,
                       const uint8_t sig[64]);
/* Lookups answered from the cache, and all lookups. */
void ld_seal_cache_counts(const struct ld_seal_cache *c, uint64_t *hits,
                          uint64_t *lookups);

#endif
