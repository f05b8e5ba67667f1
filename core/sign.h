/* sign.h — Ed25519 signatures on records and on the certificates by which
 * a parent vouches for its children's keys. Pure (libsodium only).
 *
 * A record is signed by its owner in one of two ways. Alone: `sig` is the
 * signature over "ldsig1\0" and the record encoded with an empty `sig`;
 * protobuf-c writes fields in number order, so the encoding is canonical
 * for a given record. Or in a batch (seal.h): `seal` holds the signature
 * of a Merkle root over the records encoded without sig and seal, and this
 * record's path to it. Either verifies on its own. A certificate is the parent's
 * signature over "ldcert1\0", the child's path, '\0', and the child's
 * signing and CURVE public keys. */
#ifndef LD_SIGN_H
#define LD_SIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "liandong.pb-c.h"

/* Sign `r` with `sk`, setting r->sig. If `own` is true the signature
 * buffer is malloc'd (for an unpacked record, freed with it); otherwise
 * it is written to `buf` (64 bytes), which must outlive r. Returns 0 or
 * -ENOMEM. */
int ld_sign_record(Ld__Record *r, const uint8_t sk[64], bool own,
                   uint8_t *buf);

/* Does the record's signature (`sig`, or `seal` and its path) verify with
 * `pk`? A record with both, or neither, does not. */
bool ld_sign_verify(const Ld__Record *r, const uint8_t pk[32]);

/* The leaf hash of a sealed record (seal.h): its encoding without sig and
 * seal. 0 or -ENOMEM. */
int ld_sign_leaf(const Ld__Record *r, uint8_t leaf[32]);

void ld_cert_make(const uint8_t parent_sk[64], const char *path,
                  const uint8_t sign_pub[32], const uint8_t curve_pub[32],
                  uint8_t cert[64]);
bool ld_cert_verify(const uint8_t parent_pk[32], const char *path,
                    const uint8_t sign_pub[32], const uint8_t curve_pub[32],
                    const uint8_t cert[64]);

#endif
