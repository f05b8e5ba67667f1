/* keys.h — a node's long-term keys: CURVE (X25519) for its links and
 * Ed25519 for signing its records. Kept in <data>/keys/node.key, mode 0600.
 *
 * A node's public key, as people copy it between offices, is one
 * shell-safe token "ldk1.<curve>.<sign>", both base64url without padding
 * (the prefix names the format and keeps the token from starting with
 * '-', which a command line would take for an option). */
#ifndef LD_KEYS_H
#define LD_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LD_KEY_FILE "keys/node.key"
/* "ldk1." and two 43-character base64url keys joined by '.'. */
#define LD_KEY_TEXT_MAX 96
#define LD_B64_32 44 /* 43 characters and a NUL */

struct ld_keys {
	uint8_t curve_pub[32], curve_sec[32];
	uint8_t sign_pub[32], sign_sec[64];
};

/* libsodium must be initialised once per process before any of these.
 * Returns 0 or -EIO. */
int ld_keys_init(void);

/* Make new keys and write them to <dir>/keys/node.key (refuses to
 * overwrite). On failure writes a one-line reason to err and returns
 * -errno. */
int ld_keys_create(const char *dir, struct ld_keys *k, char *err,
                   size_t errlen);

/* Read <dir>/keys/node.key. On failure writes "FILE: reason" or
 * "FILE:LINE: reason" to err and returns -errno (cannot open it),
 * LD_ESYNTAX (not a key file) or LD_EREFUSED (readable by others, or the
 * public keys do not match the secret ones). */
int ld_keys_load(const char *dir, struct ld_keys *k, char *err,
                 size_t errlen);

/* The same for a key file anywhere (an administrator's, for the remote
 * API). */
int ld_keys_create_file(const char *file, struct ld_keys *k, char *err,
                        size_t errlen);
int ld_keys_load_file(const char *file, struct ld_keys *k, char *err,
                      size_t errlen);

/* The public token "ldk1.<curve>.<sign>" (LD_KEY_TEXT_MAX bytes). */
void ld_keys_public_text(const struct ld_keys *k, char *out);

/* Parse a public token. With `sign_only_ok`, a bare signing key (no
 * '.') is accepted too and *curve is left zero. */
bool ld_keys_parse_public(const char *text, uint8_t curve[32],
                          uint8_t sign[32], bool sign_only_ok,
                          const char **why);

/* The root's endorsement of this node's keys, kept beside them. */
#define LD_ENDORSEMENT_FILE "keys/endorsement"
/* base64url of 64 bytes, and a NUL. */
#define LD_B64_64 87

/* base64url (no padding) of a 64-byte signature, and back. */
void ld_b64_64(const uint8_t in[64], char *out);
bool ld_unb64_64(const char *in, size_t len, uint8_t out[64]);

/* base64url (no padding) of 32 bytes into out (LD_B64_32 bytes). */
void ld_b64_32(const uint8_t in[32], char *out);
/* Decode exactly 32 bytes of base64url; false if it is not that. */
bool ld_unb64_32(const char *in, size_t len, uint8_t out[32]);

#endif
