/* attach.c — attachment chunking rules and checks (attach.h). */
#include "attach.h"
#include "err.h"
#include "text.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <=
                   sizeof(((struct ld_attach_sum *)0)->state),
               "ld_attach_sum too small");

uint32_t
ld_attach_nchunks(uint64_t size)
{
	return (uint32_t)((size + LD_CHUNK_SIZE - 1) / LD_CHUNK_SIZE);
}

size_t
ld_attach_chunk_len(uint64_t size, uint32_t i)
{
	uint64_t off = (uint64_t)i * LD_CHUNK_SIZE;
	if (off >= size)
		return 0;
	return size - off < LD_CHUNK_SIZE ? (size_t)(size - off)
	                                  : LD_CHUNK_SIZE;
}

int
ld_attach_check(const Ld__Attachment *a, size_t i, char *err, size_t errlen)
{
	char what[LD_ATTACH_NAME_MAX + 40];
	const char *name = a->name ? a->name : "";
	size_t nl = strlen(name);
	if (nl > 0 && nl <= LD_ATTACH_NAME_MAX && ld_text_valid(name, nl))
		snprintf(what, sizeof(what), "attachment %zu (%s)", i + 1,
		         name);
	else
		snprintf(what, sizeof(what), "attachment %zu", i + 1);
	if (nl == 0) {
		snprintf(err, errlen, "%s: name: required", what);
		return LD_ESYNTAX;
	}
	if (nl > LD_ATTACH_NAME_MAX) {
		snprintf(err, errlen, "%s: name: longer than %d bytes", what,
		         LD_ATTACH_NAME_MAX);
		return LD_ELIMIT;
	}
	if (!ld_text_valid(name, nl) || strpbrk(name, "/\t\r\n") != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		snprintf(err, errlen, "%s: name: not a file name (UTF-8 "
		         "text without '/')", what);
		return LD_ESYNTAX;
	}
	const char *ct = a->content_type ? a->content_type : "";
	if (strlen(ct) > 100 || !ld_text_valid(ct, strlen(ct))) {
		snprintf(err, errlen, "%s: content_type: not a media type",
		         what);
		return LD_ESYNTAX;
	}
	if (a->size > LD_ATTACH_MAX) {
		snprintf(err, errlen, "%s: size: %llu bytes, more than 16 MiB",
		         what, (unsigned long long)a->size);
		return LD_ELIMIT;
	}
	if (a->chunk_size != LD_CHUNK_SIZE) {
		snprintf(err, errlen, "%s: chunk_size: %u, not %u", what,
		         a->chunk_size, LD_CHUNK_SIZE);
		return LD_ESYNTAX;
	}
	if (a->n_chunks != ld_attach_nchunks(a->size)) {
		snprintf(err, errlen, "%s: chunks: %zu hashes for %u chunks",
		         what, a->n_chunks, ld_attach_nchunks(a->size));
		return LD_ESYNTAX;
	}
	for (size_t k = 0; k < a->n_chunks; k++)
		if (a->chunks[k].len != LD_HASH_LEN) {
			snprintf(err, errlen, "%s: chunks: hash %zu is not "
			         "SHA-256", what, k + 1);
			return LD_ESYNTAX;
		}
	if (a->sha256.len != LD_HASH_LEN) {
		snprintf(err, errlen, "%s: sha256: not a SHA-256 hash", what);
		return LD_ESYNTAX;
	}
	return 0;
}

bool
ld_attach_chunk_ok(const uint8_t hash[LD_HASH_LEN], const void *data,
                   size_t n)
{
	uint8_t h[LD_HASH_LEN];
	crypto_hash_sha256(h, data, n);
	return sodium_memcmp(h, hash, LD_HASH_LEN) == 0;
}

void
ld_attach_sum_init(struct ld_attach_sum *s)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)s->state);
	s->bytes = 0;
}

void
ld_attach_sum_add(struct ld_attach_sum *s, const void *data, size_t n)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)s->state, data,
	                          n);
	s->bytes += n;
}

bool
ld_attach_sum_ok(struct ld_attach_sum *s, const Ld__Attachment *a)
{
	uint8_t h[LD_HASH_LEN];
	crypto_hash_sha256_final((crypto_hash_sha256_state *)s->state, h);
	return s->bytes == a->size && a->sha256.len == LD_HASH_LEN &&
	       sodium_memcmp(h, a->sha256.data, LD_HASH_LEN) == 0;
}
