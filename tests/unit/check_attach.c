/* check_attach.c — attachment rules (attach.c): chunking, the checks on
 * signed metadata with the field named, and the whole-file sum. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "err.h"

START_TEST(test_chunking)
{
	ck_assert_uint_eq(ld_attach_nchunks(0), 0);
	ck_assert_uint_eq(ld_attach_nchunks(1), 1);
	ck_assert_uint_eq(ld_attach_nchunks(LD_CHUNK_SIZE), 1);
	ck_assert_uint_eq(ld_attach_nchunks(LD_CHUNK_SIZE + 1), 2);
	ck_assert_uint_eq(ld_attach_nchunks(LD_ATTACH_MAX), 64);
	ck_assert_uint_eq(ld_attach_chunk_len(LD_CHUNK_SIZE + 5, 0),
	                  LD_CHUNK_SIZE);
	ck_assert_uint_eq(ld_attach_chunk_len(LD_CHUNK_SIZE + 5, 1), 5);
	ck_assert_uint_eq(ld_attach_chunk_len(LD_CHUNK_SIZE + 5, 2), 0);
}
END_TEST

static uint8_t hashes[64][LD_HASH_LEN];
static ProtobufCBinaryData chunks[65];
static uint8_t whole[LD_HASH_LEN];

static void
good(Ld__Attachment *a, uint64_t size)
{
	ld__attachment__init(a);
	a->name = "调研报告.pdf";
	a->size = size;
	a->chunk_size = LD_CHUNK_SIZE;
	a->n_chunks = ld_attach_nchunks(size);
	for (size_t k = 0; k < 65; k++) {
		chunks[k].len = LD_HASH_LEN;
		chunks[k].data = hashes[k % 64];
	}
	a->chunks = chunks;
	a->sha256.len = LD_HASH_LEN;
	a->sha256.data = whole;
}

#define REFUSED(a, i, ...)                                                     \
	do {                                                                   \
		char e_[300];                                                  \
		int rc_ = ld_attach_check((a), (i), e_, sizeof(e_));           \
		ck_assert_msg(rc_ == LD_ESYNTAX || rc_ == LD_ELIMIT, "rc %d",  \
		              rc_);                                            \
		const char *w_[] = {__VA_ARGS__, NULL};                        \
		for (size_t k_ = 0; w_[k_]; k_++)                              \
			ck_assert_msg(strstr(e_, w_[k_]), "'%s' lacks '%s'",  \
			              e_, w_[k_]);                            \
	} while (0)

START_TEST(test_check)
{
	Ld__Attachment a;
	char err[300];
	good(&a, LD_ATTACH_MAX);
	ck_assert_int_eq(ld_attach_check(&a, 0, err, sizeof(err)), 0);
	good(&a, 0);
	ck_assert_int_eq(ld_attach_check(&a, 0, err, sizeof(err)), 0);

	good(&a, LD_ATTACH_MAX + 1);
	a.n_chunks = 65;
	REFUSED(&a, 1, "attachment 2 (调研报告.pdf)", "size", "16 MiB");
	good(&a, 10);
	a.name = "";
	REFUSED(&a, 0, "attachment 1", "name: required");
	a.name = "../etc/passwd";
	REFUSED(&a, 0, "name", "without '/'");
	a.name = "a\nb";
	REFUSED(&a, 0, "name");
	a.name = "\xe8\xb0";
	REFUSED(&a, 0, "attachment 1: name");
	good(&a, 10);
	a.chunk_size = 1024;
	REFUSED(&a, 0, "chunk_size");
	good(&a, 10);
	a.n_chunks = 2;
	REFUSED(&a, 0, "chunks", "2 hashes for 1 chunks");
	good(&a, 10);
	chunks[0].len = 31;
	REFUSED(&a, 0, "chunks", "hash 1");
	good(&a, 10);
	a.sha256.len = 0;
	REFUSED(&a, 0, "sha256");
	good(&a, 10);
	a.content_type = "\x01";
	REFUSED(&a, 0, "content_type");
}
END_TEST

START_TEST(test_sums)
{
	ck_assert_int_ge(sodium_init(), 0);
	const char *x = "河长制", *y = "调研";
	uint8_t h[LD_HASH_LEN];
	crypto_hash_sha256(h, (const uint8_t *)x, strlen(x));
	ck_assert(ld_attach_chunk_ok(h, x, strlen(x)));
	ck_assert(!ld_attach_chunk_ok(h, y, strlen(y)));

	char both[64];
	strcpy(both, x);
	strcat(both, y);
	Ld__Attachment a;
	good(&a, strlen(both));
	crypto_hash_sha256(whole, (const uint8_t *)both, strlen(both));
	struct ld_attach_sum s;
	ld_attach_sum_init(&s);
	ld_attach_sum_add(&s, x, strlen(x));
	ld_attach_sum_add(&s, y, strlen(y));
	ck_assert(ld_attach_sum_ok(&s, &a));
	/* Out of order, or short: not the file. */
	ld_attach_sum_init(&s);
	ld_attach_sum_add(&s, y, strlen(y));
	ld_attach_sum_add(&s, x, strlen(x));
	ck_assert(!ld_attach_sum_ok(&s, &a));
	ld_attach_sum_init(&s);
	ld_attach_sum_add(&s, x, strlen(x));
	ck_assert(!ld_attach_sum_ok(&s, &a));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("attach");
	TCase *tc = tcase_create("rules");
	tcase_add_test(tc, test_chunking);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_sums);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
