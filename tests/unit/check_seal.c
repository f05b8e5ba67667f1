/* check_seal.c — batch signatures: the Merkle tree against RFC 9162's
 * definition, paths, forged and misplaced paths, the signed root, sealed
 * records, the cache and the verifying pool. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keys.h"
#include "record.h"
#include "seal.h"
#include "sign.h"
#include "vpool.h"

#define OWNER "530000/530300/530325"

static void
setup(void)
{
	ck_assert_int_eq(ld_keys_init(), 0);
}

static int
ld_keys_generate(struct ld_keys *k)
{
	memset(k, 0, sizeof(*k));
	return crypto_sign_keypair(k->sign_pub, k->sign_sec);
}

/* ---- RFC 9162 2.1.1, written from the definition ---- */

static void
mth(const uint8_t (*leaf)[32], size_t n, uint8_t out[32])
{
	if (n == 1) {
		memcpy(out, leaf[0], 32);
		return;
	}
	size_t k = 1;
	while (k * 2 < n)
		k *= 2;
	uint8_t in[65];
	in[0] = 1;
	mth(leaf, k, in + 1);
	mth(leaf + k, n - k, in + 33);
	crypto_generichash(out, 32, in, sizeof(in), NULL, 0);
}

static uint8_t (*random_leaves(size_t n))[32]
{
	uint8_t(*l)[32] = malloc(n * 32);
	ck_assert_ptr_nonnull(l);
	for (size_t i = 0; i < n; i++) {
		uint8_t d[40];
		randombytes_buf(d, sizeof(d));
		ld_seal_leaf(d, sizeof(d), l[i]);
	}
	return l;
}

/* s for leaf i of t, its path in pv/pb. */
static void
seal_of(const struct ld_seal_tree *t, size_t i, Ld__Seal *s,
        ProtobufCBinaryData *pv, uint8_t pb[][32])
{
	ld__seal__init(s);
	s->index = (uint32_t)i;
	s->count = (uint32_t)t->count;
	s->n_path = ld_seal_tree_path(t, i, pb);
	s->path = pv;
	for (size_t k = 0; k < s->n_path; k++) {
		pv[k].data = pb[k];
		pv[k].len = 32;
	}
}

START_TEST(test_tree_is_rfc9162)
{
	static const size_t sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 33,
	                               63, 64, 65, 100, 1000};
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		size_t n = sizes[z];
		uint8_t(*l)[32] = random_leaves(n);
		struct ld_seal_tree t;
		ck_assert_int_eq(
		    ld_seal_tree_build(&t, (const uint8_t(*)[32])l, n), 0);
		uint8_t want[32];
		mth((const uint8_t(*)[32])l, n, want);
		ck_assert_msg(memcmp(ld_seal_tree_root(&t), want, 32) == 0,
		              "root of %zu leaves", n);
		/* Every leaf's path folds to the root, and no longer than
		 * ceil(log2 n). */
		size_t depth = 0;
		while (((size_t)1 << depth) < n)
			depth++;
		for (size_t i = 0; i < n; i++) {
			Ld__Seal s;
			ProtobufCBinaryData pv[LD_SEAL_PATH_MAX];
			uint8_t pb[LD_SEAL_PATH_MAX][32], root[32];
			seal_of(&t, i, &s, pv, pb);
			ck_assert_uint_le(s.n_path, depth);
			ck_assert_msg(ld_seal_fold(l[i], &s, root) &&
			                  memcmp(root, want, 32) == 0,
			              "leaf %zu of %zu", i, n);
			/* Not at another index. */
			if (n > 1) {
				s.index = (uint32_t)((i + 1) % n);
				ck_assert(!ld_seal_fold(l[i], &s, root) ||
				          memcmp(root, want, 32) != 0);
			}
		}
		ld_seal_tree_free(&t);
		free(l);
	}
	struct ld_seal_tree t;
	uint8_t one[1][32] = {{0}};
	ck_assert_int_eq(ld_seal_tree_build(&t, (const uint8_t(*)[32])one, 0),
	                 -EINVAL);
	ck_assert_int_eq(ld_seal_tree_build(&t, (const uint8_t(*)[32])one,
	                                    LD_SEAL_COUNT_MAX + 1),
	                 -EINVAL);
}
END_TEST

START_TEST(test_bad_paths)
{
	size_t n = 13;
	uint8_t(*l)[32] = random_leaves(n);
	struct ld_seal_tree t;
	ck_assert_int_eq(ld_seal_tree_build(&t, (const uint8_t(*)[32])l, n), 0);
	uint8_t root[32];
	const uint8_t *want = ld_seal_tree_root(&t);
	Ld__Seal s;
	ProtobufCBinaryData pv[LD_SEAL_PATH_MAX + 1];
	uint8_t pb[LD_SEAL_PATH_MAX + 1][32];
	seal_of(&t, 5, &s, pv, pb);
	ck_assert(ld_seal_fold(l[5], &s, root));
	ck_assert_mem_eq(root, want, 32);

	/* A forged path: one bit off anywhere gives another root. */
	for (size_t k = 0; k < s.n_path; k++) {
		pb[k][7] ^= 0x10;
		ck_assert(ld_seal_fold(l[5], &s, root));
		ck_assert(memcmp(root, want, 32) != 0);
		pb[k][7] ^= 0x10;
	}
	/* Too short, too long, a hash of the wrong size. */
	s.n_path--;
	ck_assert(!ld_seal_fold(l[5], &s, root));
	s.n_path++;
	memcpy(pb[s.n_path], pb[0], 32);
	pv[s.n_path].data = pb[s.n_path];
	pv[s.n_path].len = 32;
	s.n_path++;
	ck_assert(!ld_seal_fold(l[5], &s, root));
	s.n_path--;
	pv[1].len = 31;
	ck_assert(!ld_seal_fold(l[5], &s, root));
	pv[1].len = 32;
	/* Index out of the tree, no tree, a tree too big. */
	s.index = 13;
	ck_assert(!ld_seal_fold(l[5], &s, root));
	s.index = 5;
	s.count = 0;
	ck_assert(!ld_seal_fold(l[5], &s, root));
	s.count = LD_SEAL_COUNT_MAX + 1;
	ck_assert(!ld_seal_fold(l[5], &s, root));
	/* The same path told as another tree's size may fold to the same
	 * root (leaf 5's branch has one shape in 13 and 14 leaves): the
	 * count is in the signed message, so it does not verify. */
	uint8_t pk[32], sk[64], sig[64];
	crypto_sign_keypair(pk, sk);
	ld_seal_sign_root(want, 13, sk, sig);
	s.count = 14;
	ck_assert(ld_seal_fold(l[5], &s, root));
	ck_assert_mem_eq(root, want, 32);
	ck_assert(!ld_seal_verify_root(root, 14, sig, 64, pk));
	ck_assert(ld_seal_verify_root(root, 13, sig, 64, pk));
	s.count = 13;
	ck_assert(ld_seal_fold(l[5], &s, root));
	ck_assert_mem_eq(root, want, 32);
	ld_seal_tree_free(&t);
	free(l);
}
END_TEST

START_TEST(test_root_signature)
{
	struct ld_keys k, other;
	ck_assert_int_eq(ld_keys_generate(&k), 0);
	ck_assert_int_eq(ld_keys_generate(&other), 0);
	uint8_t root[32], sig[64];
	randombytes_buf(root, sizeof(root));
	ld_seal_sign_root(root, 9, k.sign_sec, sig);
	ck_assert(ld_seal_verify_root(root, 9, sig, 64, k.sign_pub));
	/* The wrong key, another count, another root, a bad signature. */
	ck_assert(!ld_seal_verify_root(root, 9, sig, 64, other.sign_pub));
	ck_assert(!ld_seal_verify_root(root, 10, sig, 64, k.sign_pub));
	root[0] ^= 1;
	ck_assert(!ld_seal_verify_root(root, 9, sig, 64, k.sign_pub));
	root[0] ^= 1;
	ck_assert(!ld_seal_verify_root(root, 9, sig, 63, k.sign_pub));
	sig[10] ^= 4;
	ck_assert(!ld_seal_verify_root(root, 9, sig, 64, k.sign_pub));
}
END_TEST

/* ---- sealed records ---- */

struct batch {
	size_t n;
	Ld__Record **r; /* unpacked from the sealed bytes */
};

/* `n` task records of OWNER, sealed in one tree by `k`; topic `tag`. */
static struct batch
seal_batch(const struct ld_keys *k, size_t n, const char *tag)
{
	struct batch b = {n, calloc(n, sizeof(Ld__Record *))};
	uint8_t **bytes = calloc(n, sizeof(*bytes));
	size_t *lens = calloc(n, sizeof(*lens)), *bare = calloc(n, sizeof(*bare));
	for (size_t i = 0; i < n; i++) {
		char id[LD_ID_MAX + 1], topic[64];
		snprintf(id, sizeof(id), "%s:%zu", OWNER, i + 1);
		snprintf(topic, sizeof(topic), "%s 第%zu项", tag, i);
		char *scope[1] = {OWNER};
		Ld__Task task = LD__TASK__INIT;
		task.topic = topic;
		task.form = "inspection";
		Ld__Record r = LD__RECORD__INIT;
		r.id = id;
		r.kind = LD__KIND__KIND_TASK;
		r.owner = OWNER;
		r.version = 1;
		r.n_scope = 1;
		r.scope = scope;
		r.author = "张三";
		r.body_case = LD__RECORD__BODY_TASK;
		r.task = &task;
		bytes[i] = ld_record_pack(&r, &lens[i]);
		bare[i] = lens[i];
	}
	ck_assert_int_eq(ld_seal_batch(bytes, lens, n, k->sign_sec), 0);
	for (size_t i = 0; i < n; i++) {
		b.r[i] = ld_record_unpack(bytes[i], lens[i]);
		ck_assert_ptr_nonnull(b.r[i]);
		ck_assert_ptr_nonnull(b.r[i]->seal);
		ck_assert_uint_eq(b.r[i]->seal->index, i);
		ck_assert_uint_eq(b.r[i]->seal->count, n);
		/* Appending field 40 is the canonical encoding, and the
		 * bytes before it are the leaf's. */
		ck_assert(ld_record_canonical(b.r[i], bytes[i], lens[i]));
		size_t body = 0;
		ck_assert(ld_seal_body_len(bytes[i], lens[i], &body));
		ck_assert_uint_eq(body, bare[i]);
		ck_assert(!ld_seal_body_len(bytes[i], bare[i], &body));
		ck_assert(!ld_seal_body_len(bytes[i], lens[i] - 1, &body));
		free(bytes[i]);
	}
	free(bytes);
	free(lens);
	free(bare);
	return b;
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		ld__record__free_unpacked(b->r[i], NULL);
	free(b->r);
}

START_TEST(test_sealed_records)
{
	struct ld_keys k, other;
	ck_assert_int_eq(ld_keys_generate(&k), 0);
	ck_assert_int_eq(ld_keys_generate(&other), 0);
	struct batch a = seal_batch(&k, 7, "甲"), b = seal_batch(&k, 7, "乙");
	for (size_t i = 0; i < a.n; i++) {
		ck_assert(ld_sign_verify(a.r[i], k.sign_pub));
		ck_assert(!ld_sign_verify(a.r[i], other.sign_pub));
	}
	Ld__Record *r = a.r[3];
	/* Any change to the record breaks it. */
	char *au = r->author;
	r->author = "李四";
	ck_assert(!ld_sign_verify(r, k.sign_pub));
	r->author = au;
	r->version++;
	ck_assert(!ld_sign_verify(r, k.sign_pub));
	r->version--;
	ck_assert(ld_sign_verify(r, k.sign_pub));
	/* Moved between batches: a's record with b's seal at the same place
	 * (another root), or with a's seal told another index. */
	Ld__Seal *mine = r->seal;
	r->seal = b.r[3]->seal;
	ck_assert(!ld_sign_verify(r, k.sign_pub));
	r->seal = mine;
	mine->index = 4;
	ck_assert(!ld_sign_verify(r, k.sign_pub));
	mine->index = 3;
	/* A seal and a signature of its own: neither is trusted. */
	uint8_t sig[64] = {0};
	r->sig.data = sig;
	r->sig.len = 64;
	ck_assert(!ld_sign_verify(r, k.sign_pub));
	r->sig.data = NULL;
	r->sig.len = 0;
	ck_assert(ld_sign_verify(r, k.sign_pub));
	/* A record signed alone still verifies (stores and links from
	 * before batch signatures). */
	Ld__Seal *keep = r->seal;
	r->seal = NULL;
	uint8_t own[64];
	ck_assert_int_eq(ld_sign_record(r, k.sign_sec, false, own), 0);
	ck_assert(ld_sign_verify(r, k.sign_pub));
	r->sig.data = NULL;
	r->sig.len = 0;
	r->seal = keep;
	batch_free(&a);
	batch_free(&b);
}
END_TEST

START_TEST(test_batch_bounds)
{
	uint8_t sk[64], pk[32];
	crypto_sign_keypair(pk, sk);
	uint8_t *one[1] = {NULL};
	size_t len[1] = {0};
	ck_assert_int_eq(ld_seal_batch(one, len, 0, sk), -EINVAL);
	ck_assert_int_eq(ld_seal_batch(one, len, LD_SEAL_COUNT_MAX + 1, sk),
	                 -EINVAL);
}
END_TEST

START_TEST(test_body_len)
{
	/* Field 1 (a string), field 40 (bytes), as an owner writes them. */
	static const uint8_t ok[] = {0x0a, 0x01, 'x', 0xc2, 0x02, 0x01, 0x00};
	size_t body = 0;
	ck_assert(ld_seal_body_len(ok, sizeof(ok), &body));
	ck_assert_uint_eq(body, 3);
	/* The seal not last, twice, of another wire type, cut short, or
	 * none at all. */
	static const uint8_t notlast[] = {0xc2, 0x02, 0x00, 0x0a, 0x01, 'x'};
	static const uint8_t twice[] = {0xc2, 0x02, 0x00, 0xc2, 0x02, 0x00};
	static const uint8_t varint[] = {0x0a, 0x01, 'x', 0xc0, 0x02, 0x01};
	static const uint8_t cut[] = {0x0a, 0x05, 'x'};
	ck_assert(!ld_seal_body_len(notlast, sizeof(notlast), &body));
	ck_assert(!ld_seal_body_len(twice, sizeof(twice), &body));
	ck_assert(!ld_seal_body_len(varint, sizeof(varint), &body));
	ck_assert(!ld_seal_body_len(cut, sizeof(cut), &body));
	ck_assert(!ld_seal_body_len(ok, 3, &body));
}
END_TEST

START_TEST(test_cache)
{
	struct ld_seal_cache *c;
	ck_assert_int_eq(ld_seal_cache_new(0, &c), -EINVAL);
	ck_assert_int_eq(ld_seal_cache_new(8, &c), 0);
	uint8_t pk[32], root[32], sig[64];
	randombytes_buf(pk, 32);
	randombytes_buf(root, 32);
	randombytes_buf(sig, 64);
	ck_assert(!ld_seal_cache_has(c, pk, root, 5, sig));
	ld_seal_cache_add(c, pk, root, 5, sig);
	ck_assert(ld_seal_cache_has(c, pk, root, 5, sig));
	/* Each part of the key counts. */
	ck_assert(!ld_seal_cache_has(c, pk, root, 6, sig));
	sig[0] ^= 1;
	ck_assert(!ld_seal_cache_has(c, pk, root, 5, sig));
	sig[0] ^= 1;
	pk[0] ^= 1;
	ck_assert(!ld_seal_cache_has(c, pk, root, 5, sig));
	pk[0] ^= 1;
	root[31] ^= 1;
	ck_assert(!ld_seal_cache_has(c, pk, root, 5, sig));
	root[31] ^= 1;
	uint64_t hits, lookups;
	ld_seal_cache_counts(c, &hits, &lookups);
	ck_assert_uint_eq(hits, 1);
	ck_assert_uint_eq(lookups, 6);
	/* Full: an old root may be forgotten (then checked again), never
	 * confused with another. */
	for (int i = 0; i < 100; i++) {
		uint8_t r2[32];
		randombytes_buf(r2, 32);
		ck_assert(!ld_seal_cache_has(c, pk, r2, 5, sig));
		ld_seal_cache_add(c, pk, r2, 5, sig);
		ck_assert(ld_seal_cache_has(c, pk, r2, 5, sig));
	}
	ld_seal_cache_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

/* The pool: records signed alone and sealed ones of two trees, one
 * forged; each distinct root checked once; then from the cache. */
static void
pool_case(unsigned threads)
{
	struct ld_keys k, other;
	ck_assert_int_eq(ld_keys_generate(&k), 0);
	ck_assert_int_eq(ld_keys_generate(&other), 0);
	struct batch a = seal_batch(&k, 20, "甲"), b = seal_batch(&k, 9, "乙");
	struct batch c = seal_batch(&other, 3, "丙");
	/* Two of `c` sealed by another key than the owner's. */
	size_t n = a.n + b.n + 2 + 1;
	struct ld_vjob *j = calloc(n, sizeof(*j));
	size_t at = 0;
	for (size_t i = 0; i < a.n; i++)
		j[at++].r = a.r[i];
	for (size_t i = 0; i < b.n; i++)
		j[at++].r = b.r[i];
	j[at++].r = c.r[0];
	j[at++].r = c.r[1];
	/* One of b's with a forged path. */
	Ld__Record *forged = b.r[4];
	forged->seal->path[0].data[0] ^= 0x80;
	/* And one signed alone. */
	Ld__Record *alone = c.r[2];
	Ld__Seal *keep = alone->seal;
	alone->seal = NULL;
	uint8_t own[64];
	ck_assert_int_eq(ld_sign_record(alone, k.sign_sec, false, own), 0);
	j[at++].r = alone;
	ck_assert_uint_eq(at, n);
	for (size_t i = 0; i < n; i++)
		memcpy(j[i].pk, k.sign_pub, 32);
	/* Half of a's leaves hashed from their encoding, as ingest does. */
	uint8_t *wires[20] = {NULL};
	for (size_t i = 0; i < a.n; i += 2) {
		wires[i] = ld_record_pack(a.r[i], &j[i].wire_len);
		j[i].wire = wires[i];
	}
	struct ld_vpool *p;
	ck_assert_int_eq(ld_vpool_new(threads, &p), 0);
	ld_vpool_run(p, j, n);
	for (size_t i = 0; i < n; i++) {
		bool want = !(j[i].r == forged || j[i].r == c.r[0] ||
		              j[i].r == c.r[1]);
		ck_assert_msg(j[i].ok == want, "job %zu (%u threads)", i,
		              threads);
	}
	uint64_t sigs, cached, checked, failed;
	ld_vpool_sig_counts(p, &sigs, &cached);
	/* a and b are whole trees, in order: each hashed once. b's forged
	 * path is unlike the tree's, so b is then folded record by record
	 * and the forged path folds to a third root. c is not whole (two of
	 * three): folded, its root checked under the wrong key. And the one
	 * signed alone: 5 checks. */
	ck_assert_uint_eq(sigs, 5);
	/* b's root held when taken whole; folded, its records before and
	 * after the forged one find it in the cache. */
	ck_assert_uint_eq(cached, 2);
	ld_vpool_counts(p, &checked, &failed);
	ck_assert_uint_eq(checked, n);
	ck_assert_uint_eq(failed, 3);
	/* Again: the roots that held come from the cache. */
	for (size_t i = 0; i < n; i++)
		j[i].ok = false;
	ld_vpool_run(p, j, n);
	ld_vpool_sig_counts(p, &sigs, &cached);
	/* Again: the forged root, c's and the one alone are checked; a's,
	 * b's taken whole and b's twice when folded come from the cache. */
	ck_assert_uint_eq(sigs, 5 + 3);
	ck_assert_uint_eq(cached, 2 + 4);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(j[i].ok, !(j[i].r == forged ||
		                            j[i].r == c.r[0] ||
		                            j[i].r == c.r[1]));
	ld_vpool_free(&p);
	for (size_t i = 0; i < a.n; i++)
		free(wires[i]);
	forged->seal->path[0].data[0] ^= 0x80;
	alone->sig.data = NULL;
	alone->sig.len = 0;
	alone->seal = keep;
	free(j);
	batch_free(&a);
	batch_free(&b);
	batch_free(&c);
}

/* A whole tree out of order, and one with a record twice: folded one by
 * one, and still each root checked once. */
START_TEST(test_pool_out_of_order)
{
	struct ld_keys k;
	ck_assert_int_eq(ld_keys_generate(&k), 0);
	struct batch a = seal_batch(&k, 8, "甲");
	struct ld_vjob j[9];
	memset(j, 0, sizeof(j));
	static const size_t order[9] = {1, 0, 2, 3, 4, 5, 6, 7, 7};
	for (size_t i = 0; i < 9; i++) {
		j[i].r = a.r[order[i]];
		memcpy(j[i].pk, k.sign_pub, 32);
	}
	struct ld_vpool *p;
	ck_assert_int_eq(ld_vpool_new(1, &p), 0);
	ld_vpool_run(p, j, 9);
	for (size_t i = 0; i < 9; i++)
		ck_assert_msg(j[i].ok, "job %zu", i);
	uint64_t sigs, cached;
	ld_vpool_sig_counts(p, &sigs, &cached);
	ck_assert_uint_eq(sigs, 1);
	/* In order now, but record 3 altered: hashed whole, the tree's
	 * root does not hold; then each record is folded on its own, and
	 * only the altered one fails (a relay that spoils one record does
	 * not get the other 7 refused). */
	for (size_t i = 0; i < 8; i++) {
		j[i].r = a.r[i];
		j[i].ok = false;
	}
	char *topic = a.r[3]->task->topic;
	a.r[3]->task->topic = "改过的";
	ld_vpool_run(p, j, 8);
	a.r[3]->task->topic = topic;
	for (size_t i = 0; i < 8; i++)
		ck_assert_msg(j[i].ok == (i != 3), "job %zu", i);
	ld_vpool_free(&p);
	batch_free(&a);
}
END_TEST

START_TEST(test_pool_inline)
{
	pool_case(1);
}
END_TEST

START_TEST(test_pool_threads)
{
	pool_case(3);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("seal");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_tree_is_rfc9162);
	tcase_add_test(tc, test_bad_paths);
	tcase_add_test(tc, test_root_signature);
	tcase_add_test(tc, test_sealed_records);
	tcase_add_test(tc, test_batch_bounds);
	tcase_add_test(tc, test_body_len);
	tcase_add_test(tc, test_cache);
	tcase_add_test(tc, test_pool_out_of_order);
	tcase_add_test(tc, test_pool_inline);
	tcase_add_test(tc, test_pool_threads);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
