/* check_transfer.c — attachments with real daemons: a 16 MiB file attached
 * by a county crosses a city to the province intact, while other records
 * keep flowing; the province killed in the middle of its transfer resumes
 * it after a restart; and bad input gives one line naming what is wrong. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"
#define BIG (16u << 20)

static struct th_node P, C, X;
static char out[65536], err[8192];

/* Write `n` pseudo-random bytes to `path`; return them (malloc'd). */
static uint8_t *
make_file(const char *path, size_t n, unsigned seed)
{
	uint8_t *b = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(b);
	uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	return b;
}

/* Is the file at `path` exactly b[0..n)? */
static bool
same_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	uint8_t *got = malloc(n + 1);
	size_t k = fread(got, 1, n + 1, f);
	fclose(f);
	bool same = k == n && memcmp(got, b, n) == 0;
	free(got);
	return same;
}

static uint64_t
wanted(struct th_node *n)
{
	Ld__Response *r = th_status(n);
	uint64_t w = r->status->chunks_wanted;
	ld__response__free_unpacked(r, NULL);
	return w;
}

/* Wait until `n` wants no chunks (up to `ms`, scaled). */
static void
wait_fetched(struct th_node *n, int ms)
{
	int64_t end = th_now_ms() + th_ms(ms);
	while (wanted(n) != 0) {
		ck_assert_msg(th_now_ms() < end, "%s still wants %llu chunks",
		              n->id, (unsigned long long)wanted(n));
		th_sleep_ms(50);
	}
}

START_TEST(test_two_levels_and_resume)
{
	/* Fetching at 4 MiB/s: a 16 MiB file takes seconds per hop, so the
	 * province can be killed in the middle of it. */
	const char *slow = "[link]\nfetch_kib_s = 4096\n";
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, slow);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, slow);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);

	char t[LD_ID_MAX + 1], r[LD_ID_MAX + 1], r2[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "河长制落实情况联合调研", "--form",
	      "监督性视察", "--scope", X_ID));
	take_id(t);
	ck_assert(th_wait_record(&X, t, th_ms(10000)));

	char big[4200], photo[4200], got[4200];
	snprintf(big, sizeof(big), "%s/调研报告.pdf", th_root());
	snprintf(photo, sizeof(photo), "%s/现场照片.jpg", th_root());
	uint8_t *bb = make_file(big, BIG, 1);
	uint8_t *pb = make_file(photo, 300000, 2);
	int64_t t0 = th_now_ms();
	OK(AT(&X, "result", "add", "--ref", t, "--summary", "河长制调研报告",
	      "--attach", big, "--attach", photo));
	take_id(r);

	/* The record itself is not held back by its attachments. */
	ck_assert(th_wait_record(&P, r, th_ms(10000)));
	ck_assert_int_lt(th_now_ms() - t0, th_ms(5000));
	REFUSED(1, AT(&P, "attachment", "get", r, "--name", "调研报告.pdf",
	              "--out", "/dev/null"),
	        "not all here yet", "of 64 chunks");
	/* Nor are records written during the transfer. */
	OK(AT(&X, "result", "add", "--ref", t, "--summary", "补充说明"));
	take_id(r2);
	int64_t t1 = th_now_ms();
	ck_assert(th_wait_record(&P, r2, th_ms(10000)));
	fprintf(stderr, "check_transfer: a record written during the "
	        "transfer reached the province in %lld ms\n",
	        (long long)(th_now_ms() - t1));
	ck_assert_msg(th_now_ms() - t1 < th_ms(3000),
	              "a record took %lld ms behind an attachment",
	              (long long)(th_now_ms() - t1));

	/* Kill the province when part of the file is there. */
	int64_t end = th_now_ms() + th_ms(60000);
	for (;;) {
		uint64_t w = wanted(&P);
		if (w > 0 && w < 60)
			break;
		ck_assert_msg(th_now_ms() < end, "province never got part "
		              "of the file (wants %llu)",
		              (unsigned long long)w);
		th_sleep_ms(20);
	}
	th_node_kill(&P);
	th_node_start(&P);
	uint64_t left = wanted(&P);
	ck_assert_uint_gt(left, 0);
	ck_assert_uint_lt(left, 60);
	/* --timeout waits for the rest of the transfer. */
	snprintf(got, sizeof(got), "%s/got.pdf", th_root());
	OK(AT(&P, "attachment", "get", r, "--name", "调研报告.pdf", "--out",
	      got, "--timeout", "120"));
	ck_assert(same_file(got, bb, BIG));
	wait_fetched(&P, 60000);
	wait_fetched(&C, 10000);
	OK(AT(&P, "attachment", "get", r, "--index", "2", "--out", got));
	ck_assert(same_file(got, pb, 300000));
	OK(AT(&C, "attachment", "get", r, "--name", "调研报告.pdf", "--out",
	      got));
	ck_assert(same_file(got, bb, BIG));
	ck_assert(th_log_contains(&P, "调研报告.pdf (16777216 bytes) of "));
	Ld__Response *st = th_status(&P);
	ck_assert_uint_eq(st->status->attachments_bad, 0);
	ld__response__free_unpacked(st, NULL);

	OK(AT(&P, "show", r));
	ck_assert_ptr_nonnull(strstr(out, "调研报告.pdf"));
	free(bb);
	free(pb);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_bad_input)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	char t[LD_ID_MAX + 1], r[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "营商环境", "--form",
	      "监督性视察", "--scope", P_ID));
	take_id(t);
	char path[4200], huge[4200], empty[4200], got[4200];
	snprintf(path, sizeof(path), "%s/nope.pdf", th_root());
	REFUSED(2, AT(&P, "result", "add", "--ref", t, "--summary", "s",
	              "--attach", path),
	        "--attach", "nope.pdf", "No such file");
	REFUSED(2, AT(&P, "result", "add", "--ref", t, "--summary", "s",
	              "--attach", th_root()),
	        "not a regular file");
	snprintf(huge, sizeof(huge), "%s/huge.bin", th_root());
	int fd = open(huge, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, BIG + 1), 0);
	close(fd);
	REFUSED(2, AT(&P, "result", "add", "--ref", t, "--summary", "s",
	              "--attach", huge),
	        "more than the 16 MiB");
	uint64_t before = th_count(&P);

	/* An empty file is a file. */
	snprintf(empty, sizeof(empty), "%s/空.txt", th_root());
	free(make_file(empty, 0, 3));
	OK(AT(&P, "result", "add", "--ref", t, "--summary", "s", "--attach",
	      empty));
	take_id(r);
	ck_assert_uint_eq(th_count(&P), before + 1);
	snprintf(got, sizeof(got), "%s/got.txt", th_root());
	OK(AT(&P, "attachment", "get", r, "--out", got));
	struct stat sb;
	ck_assert_int_eq(stat(got, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);

	REFUSED(2, AT(&P, "attachment", "get", r), "--out");
	REFUSED(2, AT(&P, "attachment", "get", r, "--index", "2", "--out", got),
	        "--index", "1 attachment");
	REFUSED(1, AT(&P, "attachment", "get", r, "--name", "x.pdf", "--out",
	              got),
	        "no attachment named 'x.pdf'");
	REFUSED(1, AT(&P, "attachment", "get", t, "--out", got),
	        "is not a result");
	REFUSED(1, AT(&P, "attachment", "get", P_ID ":1", "--out", got),
	        "no record");

	/* A result naming chunks the node never received is refused, and
	 * nothing is written. */
	Ld__Record *rec = th_record_at(&P, r, 1);
	Ld__Attachment *a = rec->result->attachments[0];
	static uint8_t fake[32] = {1, 2, 3};
	ProtobufCBinaryData fh = {32, fake};
	a->size = 10;
	a->n_chunks = 1;
	a->chunks = &fh;
	Ld__AddRequest add = LD__ADD_REQUEST__INIT;
	add.record = rec;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &add;
	Ld__Response *resp = NULL;
	char cerr[256];
	ck_assert_int_eq(ld_client_call(th_client(&P), &req, &resp, 10000,
	                                cerr, sizeof(cerr)),
	                 0);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_REFUSED);
	ck_assert_msg(strstr(resp->error, "chunk 1 of 1 was not uploaded"),
	              "%s", resp->error);
	ld__response__free_unpacked(resp, NULL);
	a->n_chunks = 0;
	a->chunks = NULL;
	ld__record__free_unpacked(rec, NULL);
	ck_assert_uint_eq(th_count(&P), before + 1);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("transfer");
	TCase *tc = tcase_create("attach");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_two_levels_and_resume);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
