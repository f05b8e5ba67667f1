/* attach.h — the rules of attachments: how a file is cut into chunks, the
 * checks on the signed metadata (Attachment in liandong.proto), and the
 * whole-file check over chunks. Pure: the bytes come from the caller. */
#ifndef LD_ATTACH_H
#define LD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

#define LD_ATTACH_MAX (16u << 20)   /* bytes in one attached file */
#define LD_CHUNK_SIZE (256u << 10)  /* bytes in a chunk (the last shorter) */
#define LD_ATTACH_PER_RESULT 16     /* attachments on one result */
#define LD_ATTACH_NAME_MAX 255      /* bytes of a file name */
#define LD_HASH_LEN 32              /* SHA-256 */

/* Number of chunks a file of `size` bytes is cut into. */
uint32_t ld_attach_nchunks(uint64_t size);
/* Length of chunk `i` of a file of `size` bytes. */
size_t ld_attach_chunk_len(uint64_t size, uint32_t i);

/* Is `a` well formed: a name (UTF-8, no '/', at most 255 bytes), a size
 * up to 16 MiB, chunk_size 256 KiB, one 32-byte hash per chunk and a
 * 32-byte file hash? On refusal writes a one-line reason naming the field
 * ("attachment 2 (photo.jpg): ...") to `err` and returns LD_ESYNTAX, or
 * LD_ELIMIT for a name or size over its limit; else 0. `i` is its 0-based
 * position. */
int ld_attach_check(const Ld__Attachment *a, size_t i, char *err,
                     size_t errlen);

/* Does chunk `data` (`n` bytes) match `hash`? */
bool ld_attach_chunk_ok(const uint8_t hash[LD_HASH_LEN], const void *data,
                        size_t n);

/* The whole-file check, fed chunk by chunk in order. */
struct ld_attach_sum {
	unsigned char state[512]; /* crypto_hash_sha256_state */
	uint64_t bytes;
};
void ld_attach_sum_init(struct ld_attach_sum *s);
void ld_attach_sum_add(struct ld_attach_sum *s, const void *data, size_t n);
/* True if what was fed is exactly the file `a` describes (size and
 * SHA-256). */
bool ld_attach_sum_ok(struct ld_attach_sum *s, const Ld__Attachment *a);

/* The media type a file name's extension suggests (".pdf" →
 * application/pdf), "" if none. Stored in the signed metadata; the
 * console still serves every download as application/octet-stream. */
const char *ld_attach_content_type(const char *name);

/* The signed metadata of file `data` (`len` bytes) named `name` (its
 * last '/'-separated part): size, chunk size, each chunk's SHA-256 and
 * the whole file's. The one place a file is cut into chunks; the caller
 * stores the chunks (api/attachio.h). Returns 0 with *out (free with
 * ld_attach_free), or with a reason in err LD_ELIMIT (over 16 MiB, name
 * too long), LD_ESYNTAX (a bad name) or -ENOMEM. */
int ld_attach_build(const char *name, const void *data, size_t len,
                    Ld__Attachment **out, char *err, size_t errlen);
/* Free what ld_attach_build made and NULL the pointer. */
void ld_attach_free(Ld__Attachment **a);

#endif
