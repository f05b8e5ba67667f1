/* seal.c — batch signatures: the Merkle tree, paths, the signed root and
 * the cache of roots already checked. */
#include "seal.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define LEAF_PREFIX "\x00ldleaf1" /* with its NUL: 9 bytes */
#define ROOT_PREFIX "ldroot1"

void
ld_seal_leaf(const uint8_t *bytes, size_t len, uint8_t out[LD_SEAL_HASH])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, LD_SEAL_HASH);
	crypto_generichash_update(&st, (const uint8_t *)LEAF_PREFIX,
	                          sizeof(LEAF_PREFIX));
	crypto_generichash_update(&st, bytes, len);
	crypto_generichash_final(&st, out, LD_SEAL_HASH);
}

static void
node_hash(const uint8_t *l, const uint8_t *r, uint8_t out[LD_SEAL_HASH])
{
	uint8_t in[1 + 2 * LD_SEAL_HASH];
	in[0] = 0x01;
	memcpy(in + 1, l, LD_SEAL_HASH);
	memcpy(in + 1 + LD_SEAL_HASH, r, LD_SEAL_HASH);
	crypto_generichash(out, LD_SEAL_HASH, in, sizeof(in), NULL, 0);
}

int
ld_seal_tree_build(struct ld_seal_tree *t,
                   const uint8_t (*leaves)[LD_SEAL_HASH], size_t count)
{
	memset(t, 0, sizeof(*t));
	if (count == 0 || count > LD_SEAL_COUNT_MAX)
		return -EINVAL;
	/* Every level at most halves (rounding up): under 2 * count nodes
	 * plus one per level. */
	size_t total = 0, n = count, lv = 0;
	for (;;) {
		t->off[lv] = total;
		t->len[lv] = n;
		total += n;
		lv++;
		if (n == 1)
			break;
		n = (n + 1) / 2;
	}
	t->nlevels = lv;
	t->h = malloc(total * LD_SEAL_HASH);
	if (t->h == NULL)
		return -ENOMEM;
	t->count = count;
	memcpy(t->h, leaves, count * LD_SEAL_HASH);
	for (size_t l = 1; l < t->nlevels; l++) {
		uint8_t(*below)[LD_SEAL_HASH] = t->h + t->off[l - 1];
		uint8_t(*here)[LD_SEAL_HASH] = t->h + t->off[l];
		size_t nb = t->len[l - 1];
		for (size_t i = 0; i < t->len[l]; i++) {
			if (2 * i + 1 < nb)
				node_hash(below[2 * i], below[2 * i + 1],
				          here[i]);
			else /* a lone last node goes up as it is */
				memcpy(here[i], below[2 * i], LD_SEAL_HASH);
		}
	}
	return 0;
}

const uint8_t *
ld_seal_tree_root(const struct ld_seal_tree *t)
{
	return t->h[t->off[t->nlevels - 1]];
}

size_t
ld_seal_tree_path(const struct ld_seal_tree *t, size_t index,
                  uint8_t path[][LD_SEAL_HASH])
{
	size_t np = 0;
	for (size_t l = 0; l + 1 < t->nlevels; l++) {
		size_t sib = index ^ 1;
		if (sib < t->len[l])
			memcpy(path[np++], t->h[t->off[l] + sib], LD_SEAL_HASH);
		index >>= 1;
	}
	return np;
}

void
ld_seal_tree_free(struct ld_seal_tree *t)
{
	free(t->h);
	memset(t, 0, sizeof(*t));
}

bool
ld_seal_fold(const uint8_t leaf[LD_SEAL_HASH], const Ld__Seal *s,
             uint8_t root[LD_SEAL_HASH])
{
	if (s->count == 0 || s->count > LD_SEAL_COUNT_MAX ||
	    s->index >= s->count || s->n_path > LD_SEAL_PATH_MAX)
		return false;
	uint8_t h[LD_SEAL_HASH];
	memcpy(h, leaf, LD_SEAL_HASH);
	size_t idx = s->index, len = s->count, used = 0;
	while (len > 1) {
		bool left = idx & 1;            /* the sibling is on the left */
		bool lone = !left && idx + 1 == len; /* no sibling: goes up */
		if (!lone) {
			if (used == s->n_path ||
			    s->path[used].len != LD_SEAL_HASH)
				return false;
			const uint8_t *p = s->path[used++].data;
			if (left)
				node_hash(p, h, h);
			else
				node_hash(h, p, h);
		}
		idx >>= 1;
		len = (len + 1) / 2;
	}
	if (used != s->n_path)
		return false;
	memcpy(root, h, LD_SEAL_HASH);
	return true;
}

#define ROOT_MSG (sizeof(ROOT_PREFIX) + 4 + LD_SEAL_HASH)

static void
root_msg(uint8_t m[ROOT_MSG], const uint8_t root[LD_SEAL_HASH], uint32_t count)
{
	memcpy(m, ROOT_PREFIX, sizeof(ROOT_PREFIX));
	uint8_t *c = m + sizeof(ROOT_PREFIX);
	c[0] = (uint8_t)count;
	c[1] = (uint8_t)(count >> 8);
	c[2] = (uint8_t)(count >> 16);
	c[3] = (uint8_t)(count >> 24);
	memcpy(c + 4, root, LD_SEAL_HASH);
}

void
ld_seal_sign_root(const uint8_t root[LD_SEAL_HASH], uint32_t count,
                  const uint8_t sk[64], uint8_t sig[64])
{
	uint8_t m[ROOT_MSG];
	root_msg(m, root, count);
	crypto_sign_detached(sig, NULL, m, sizeof(m), sk);
}

bool
ld_seal_verify_root(const uint8_t root[LD_SEAL_HASH], uint32_t count,
                    const uint8_t *sig, size_t siglen, const uint8_t pk[32])
{
	if (siglen != crypto_sign_BYTES)
		return false;
	uint8_t m[ROOT_MSG];
	root_msg(m, root, count);
	return crypto_sign_verify_detached(sig, m, sizeof(m), pk) == 0;
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

uint8_t *
ld_seal_append(const uint8_t *rec, size_t len, const Ld__Seal *s,
               size_t *out_len)
{
	size_t sn = ld__seal__get_packed_size(s);
	uint8_t head[2 + 10];
	size_t hn = put_varint(head, (40u << 3) | 2u); /* field 40, bytes */
	hn += put_varint(head + hn, sn);
	uint8_t *out = malloc(len + hn + sn);
	if (out == NULL)
		return NULL;
	memcpy(out, rec, len);
	memcpy(out + len, head, hn);
	ld__seal__pack(s, out + len + hn);
	*out_len = len + hn + sn;
	return out;
}

int
ld_seal_batch(uint8_t **recs, size_t *lens, size_t n, const uint8_t sk[64])
{
	if (n == 0 || n > LD_SEAL_COUNT_MAX)
		return -EINVAL;
	uint8_t(*leaves)[LD_SEAL_HASH] = malloc(n * LD_SEAL_HASH);
	if (leaves == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		ld_seal_leaf(recs[i], lens[i], leaves[i]);
	struct ld_seal_tree tree;
	int rc = ld_seal_tree_build(&tree,
	                            (const uint8_t(*)[LD_SEAL_HASH])leaves, n);
	free(leaves);
	if (rc != 0)
		return rc;
	uint8_t sig[64], path[LD_SEAL_PATH_MAX][LD_SEAL_HASH];
	ld_seal_sign_root(ld_seal_tree_root(&tree), (uint32_t)n, sk, sig);
	ProtobufCBinaryData pv[LD_SEAL_PATH_MAX];
	for (size_t i = 0; i < n && rc == 0; i++) {
		Ld__Seal s = LD__SEAL__INIT;
		s.sig.data = sig;
		s.sig.len = sizeof(sig);
		s.index = (uint32_t)i;
		s.count = (uint32_t)n;
		s.n_path = ld_seal_tree_path(&tree, i, path);
		s.path = pv;
		for (size_t k = 0; k < s.n_path; k++) {
			pv[k].data = path[k];
			pv[k].len = LD_SEAL_HASH;
		}
		size_t len;
		uint8_t *sealed = ld_seal_append(recs[i], lens[i], &s, &len);
		if (sealed == NULL) {
			rc = -ENOMEM;
			break;
		}
		free(recs[i]);
		recs[i] = sealed;
		lens[i] = len;
	}
	ld_seal_tree_free(&tree);
	return rc;
}

static bool
get_varint(const uint8_t *p, size_t len, size_t *at, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*at >= len)
			return false;
		uint8_t b = p[(*at)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0)
			return true;
	}
	return false;
}

bool
ld_seal_body_len(const uint8_t *wire, size_t len, size_t *body)
{
	size_t at = 0;
	bool found = false;
	while (at < len) {
		size_t start = at;
		uint64_t tag, v;
		if (!get_varint(wire, len, &at, &tag))
			return false;
		switch (tag & 7) {
		case 0:
			if (!get_varint(wire, len, &at, &v))
				return false;
			break;
		case 1:
			at += 8;
			break;
		case 2:
			if (!get_varint(wire, len, &at, &v) || v > len - at)
				return false;
			at += (size_t)v;
			break;
		case 5:
			at += 4;
			break;
		default:
			return false;
		}
		if (at > len)
			return false;
		if ((tag >> 3) == 40) {
			if (found || (tag & 7) != 2 || at != len)
				return false;
			found = true;
			*body = start;
		}
	}
	return found;
}

/* ---- the cache ---- */

struct ld_seal_cache {
	size_t slots;
	uint8_t (*key)[LD_SEAL_HASH];
	bool *used;
	uint64_t hits, lookups;
};

static void
cache_key(const uint8_t pk[32], const uint8_t root[LD_SEAL_HASH],
          uint32_t count, const uint8_t sig[64], uint8_t out[LD_SEAL_HASH])
{
	uint8_t m[ROOT_MSG];
	root_msg(m, root, count);
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, LD_SEAL_HASH);
	crypto_generichash_update(&st, pk, 32);
	crypto_generichash_update(&st, m, sizeof(m));
	crypto_generichash_update(&st, sig, 64);
	crypto_generichash_final(&st, out, LD_SEAL_HASH);
}

static size_t
slot_of(const struct ld_seal_cache *c, const uint8_t key[LD_SEAL_HASH])
{
	uint64_t v;
	memcpy(&v, key, sizeof(v));
	return (size_t)(v % c->slots);
}

int
ld_seal_cache_new(size_t slots, struct ld_seal_cache **out)
{
	*out = NULL;
	if (slots == 0)
		return -EINVAL;
	struct ld_seal_cache *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->slots = slots;
	c->key = calloc(slots, LD_SEAL_HASH);
	c->used = calloc(slots, sizeof(*c->used));
	if (c->key == NULL || c->used == NULL) {
		ld_seal_cache_free(&c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}

void
ld_seal_cache_free(struct ld_seal_cache **c_p)
{
	if (c_p == NULL || *c_p == NULL)
		return;
	free((*c_p)->key);
	free((*c_p)->used);
	free(*c_p);
	*c_p = NULL;
}

bool
ld_seal_cache_has(struct ld_seal_cache *c, const uint8_t pk[32],
                  const uint8_t root[LD_SEAL_HASH], uint32_t count,
                  const uint8_t sig[64])
{
	uint8_t k[LD_SEAL_HASH];
	cache_key(pk, root, count, sig, k);
	size_t i = slot_of(c, k);
	c->lookups++;
	bool hit = c->used[i] && sodium_memcmp(c->key[i], k, LD_SEAL_HASH) == 0;
	c->hits += hit;
	return hit;
}

void
ld_seal_cache_add(struct ld_seal_cache *c, const uint8_t pk[32],
                  const uint8_t root[LD_SEAL_HASH], uint32_t count,
                  const uint8_t sig[64])
{
	uint8_t k[LD_SEAL_HASH];
	cache_key(pk, root, count, sig, k);
	size_t i = slot_of(c, k);
	memcpy(c->key[i], k, LD_SEAL_HASH);
	c->used[i] = true;
}

void
ld_seal_cache_counts(const struct ld_seal_cache *c, uint64_t *hits,
                     uint64_t *lookups)
{
	*hits = c != NULL ? c->hits : 0;
	*lookups = c != NULL ? c->lookups : 0;
}
