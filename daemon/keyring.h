/* keyring.h — whose key signs what. The root's signing key is pinned in
 * every node's config; every other node's key is in its NODE record,
 * certified by its parent. The keyring derives (and caches) the verified
 * key of any owner from the NODE records in the store, and checks the
 * signature of every record a node receives. */
#ifndef LD_KEYRING_H
#define LD_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"
#include "store.h"

struct ld_keyring;

/* Returns 0 or -ENOMEM. */
int ld_keyring_new(const char *self, const uint8_t self_sign[32],
                   const uint8_t root_sign[32], struct ld_keyring **out);
void ld_keyring_free(struct ld_keyring **kr);

/* The verified signing key of `owner` (NODE records read through `t`).
 * Returns 0, or LD_EREFUSED with the reason in `why`. */
int ld_keyring_key(struct ld_keyring *kr, struct ld_txn *t,
                    const char *owner, uint8_t out[32], char *why,
                    size_t whylen);

/* Check a record received from a peer: a NODE record's certificate and
 * signature, any other record's signature by its owner's key. Returns 0,
 * or LD_EREFUSED with the reason in `why`. */
int ld_keyring_verify(struct ld_keyring *kr, struct ld_txn *t,
                       const Ld__Record *r, char *why, size_t whylen);

/* After a failed ld_keyring_key or ld_keyring_verify: was it for want of
 * something that may still come (a node record not here yet, a new key
 * not yet endorsed by the root), rather than a bad signature? */
bool ld_keyring_later(const struct ld_keyring *kr);

/* A transaction failed (or is to be run again): forget every derived key,
 * so that keys are derived again from the store. */
void ld_keyring_forget(struct ld_keyring *kr);
/* The NODE record of `path` was stored: forget the keys derived through
 * it (its own and those of its subtree). */
void ld_keyring_forget_under(struct ld_keyring *kr, const char *path);

#endif
