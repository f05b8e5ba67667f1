/* attach.c — attachment chunking rules and checks (attach.h). */
#include "attach.h"
#include "err.h"
#include "text.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

const char *
ld_attach_content_type(const char *name)
{
	static const char *const types[][2] = {
	    {".pdf", "application/pdf"},
	    {".doc", "application/msword"},
	    {".docx", "application/vnd.openxmlformats-officedocument."
	              "wordprocessingml.document"},
	    {".xls", "application/vnd.ms-excel"},
	    {".xlsx", "application/vnd.openxmlformats-officedocument."
	              "spreadsheetml.sheet"},
	    {".jpg", "image/jpeg"},  {".jpeg", "image/jpeg"},
	    {".png", "image/png"},   {".txt", "text/plain; charset=utf-8"},
	    {".csv", "text/csv; charset=utf-8"},
	    {".zip", "application/zip"},
	};
	const char *dot = strrchr(name, '.');
	if (dot == NULL)
		return "";
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "";
}

void
ld_attach_free(Ld__Attachment **ap)
{
	if (ap == NULL || *ap == NULL)
		return;
	Ld__Attachment *a = *ap;
	free(a->name);
	free(a->content_type);
	free(a->sha256.data);
	for (size_t k = 0; k < a->n_chunks; k++)
		free(a->chunks[k].data);
	free(a->chunks);
	free(a);
	*ap = NULL;
}

int
ld_attach_build(const char *name, const void *data, size_t len,
                Ld__Attachment **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	if (len > LD_ATTACH_MAX) {
		snprintf(err, errlen, "%.200s: %.1f MiB, more than the 16 MiB "
		         "an attachment may have", base,
		         (double)len / (1 << 20));
		return LD_ELIMIT;
	}
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return -ENOMEM;
	}
	Ld__Attachment *a = malloc(sizeof(*a));
	if (a == NULL)
		goto oom;
	ld__attachment__init(a);
	a->name = strdup(base);
	a->content_type = strdup(ld_attach_content_type(base));
	a->size = len;
	a->chunk_size = LD_CHUNK_SIZE;
	uint32_t n = ld_attach_nchunks(len);
	a->chunks = calloc(n ? n : 1, sizeof(*a->chunks));
	a->sha256.data = malloc(LD_HASH_LEN);
	if (a->name == NULL || a->content_type == NULL || a->chunks == NULL ||
	    a->sha256.data == NULL)
		goto oom;
	a->sha256.len = LD_HASH_LEN;
	crypto_hash_sha256(a->sha256.data, data, len);
	for (uint32_t k = 0; k < n; k++) {
		if ((a->chunks[k].data = malloc(LD_HASH_LEN)) == NULL)
			goto oom;
		a->n_chunks = k + 1;
		a->chunks[k].len = LD_HASH_LEN;
		crypto_hash_sha256(a->chunks[k].data,
		                   (const uint8_t *)data +
		                       (size_t)k * LD_CHUNK_SIZE,
		                   ld_attach_chunk_len(len, k));
	}
	int rc = ld_attach_check(a, 0, err, errlen);
	if (rc != 0) {
		ld_attach_free(&a);
		return rc;
	}
	*out = a;
	return 0;
oom:
	ld_attach_free(&a);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}
