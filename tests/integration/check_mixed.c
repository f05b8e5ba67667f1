/* check_mixed.c — batch signatures next to records signed alone, with
 * real daemons: a tree whose city still signs each record alone
 * ([security] signatures = record) replicates both ways with offices that
 * seal theirs, every record checked at every hop; a store written before
 * (records signed alone) keeps being served after the office turns to
 * batch signatures, to a child that joins later; many records written in
 * one request are sealed in trees of at most LD_SEAL_LEAVES, each
 * verifying on its own at the parent. */
#include "harness.h"
#include "record.h"
#include "seal.h"
#include "sign.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"

static struct th_node P, C, X;

static void
setup(void)
{
	th_setup();
}

static void
teardown(void)
{
	th_teardown();
}

/* Record `id` as node `n` holds it: sealed (or signed alone), and it
 * verifies with its owner's key as `n` knows it. */
static void
held_as(struct th_node *n, const char *id, const char *owner, bool sealed)
{
	ck_assert_msg(th_wait_record(n, id, th_ms(10000)), "%s did not reach %s",
	              id, n->id);
	Ld__Record *r = th_record_at(n, id, 1);
	if (sealed)
		ck_assert_msg(r->seal != NULL && r->sig.len == 0,
		              "%s at %s is not sealed", id, n->id);
	else
		ck_assert_msg(r->seal == NULL && r->sig.len == 64,
		              "%s at %s is not signed alone", id, n->id);
	uint8_t pk[32];
	th_sign_key(n, owner, pk);
	ck_assert_msg(ld_sign_verify(r, pk), "%s at %s does not verify", id,
	              n->id);
	ld__record__free_unpacked(r, NULL);
}

START_TEST(test_mixed_tree)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P,
	             "[security]\nsignatures = record\n");
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
	char tp[LD_ID_MAX + 1], tc[LD_ID_MAX + 1], tx[LD_ID_MAX + 1];
	snprintf(tp, sizeof(tp), "%s", th_add_task(&P, X_ID, "省里的任务"));
	snprintf(tc, sizeof(tc), "%s", th_add_task(&C, X_ID, "市里的任务"));
	snprintf(tx, sizeof(tx), "%s", th_add_task(&X, X_ID, "县里的任务"));
	/* Down: the province's sealed record through the city that signs
	 * alone, and the city's. */
	held_as(&C, tp, P_ID, true);
	held_as(&X, tp, P_ID, true);
	held_as(&X, tc, C_ID, false);
	/* Up: the county's sealed record through the city, and the city's
	 * signed alone. */
	held_as(&C, tx, X_ID, true);
	held_as(&P, tx, X_ID, true);
	held_as(&P, tc, C_ID, false);
	/* Nothing was refused anywhere. */
	struct th_node *all[] = {&P, &C, &X};
	for (size_t k = 0; k < 3; k++) {
		Ld__Response *st = th_status(all[k]);
		for (size_t i = 0; i < st->status->n_peers; i++)
			ck_assert_uint_eq(st->status->peers[i]->refused, 0);
		ld__response__free_unpacked(st, NULL);
	}
}
END_TEST

/* Replace `from` by `to` in the node's liandong.conf. */
static void
conf_replace(const struct th_node *n, const char *from, const char *to)
{
	char cmd[1400];
	snprintf(cmd, sizeof(cmd), "sed -i 's|^%s$|%s|' '%s/liandong.conf'",
	         from, to, n->dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_store_from_before)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL,
	             "[security]\nsignatures = record\n");
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_start(&P);
	char old[3][LD_ID_MAX + 1];
	for (int i = 0; i < 3; i++)
		snprintf(old[i], sizeof(old[i]), "%s",
		         th_add_task(&P, C_ID, "升级前的任务"));
	ck_assert_int_eq(th_node_stop(&P), 0);
	conf_replace(&P, "signatures = record", "signatures = batch");
	th_node_start(&P);
	char now[LD_ID_MAX + 1];
	snprintf(now, sizeof(now), "%s", th_add_task(&P, C_ID, "升级后的任务"));
	/* The city joins only now: it gets both, each checked. */
	th_node_start(&C);
	for (int i = 0; i < 3; i++)
		held_as(&C, old[i], P_ID, false);
	held_as(&C, now, P_ID, true);
}
END_TEST

START_TEST(test_bulk_trees)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_start(&P);
	th_node_start(&C);
	/* 150 tasks pipelined: the city's turns take many at a time. */
	th_add_tasks(&C, C_ID, 150, NULL);
	struct th_idv *v;
	size_t n = 0;
	int64_t end = th_now_ms() + th_ms(20000);
	while (th_now_ms() < end) {
		n = th_list(&P, C_ID, 0, &v);
		if (n >= 151) /* and the city's NODE record */
			break;
		free(v);
		v = NULL;
		th_sleep_ms(100);
	}
	ck_assert_uint_ge(n, 151);
	uint8_t pk[32];
	th_sign_key(&P, C_ID, pk);
	size_t sealed = 0, biggest = 0;
	for (size_t i = 0; i < n; i++) {
		Ld__Record *r = th_record_at(&P, v[i].id, v[i].version);
		ck_assert_msg(ld_sign_verify(r, pk), "%s", v[i].id);
		if (r->seal != NULL) {
			sealed++;
			ck_assert_uint_le(r->seal->count, LD_SEAL_LEAVES);
			if (r->seal->count > biggest)
				biggest = r->seal->count;
		}
		ld__record__free_unpacked(r, NULL);
	}
	free(v);
	ck_assert_uint_eq(sealed, 150);
	/* Some turn took more than one. */
	ck_assert_uint_gt(biggest, 1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("mixed");
	TCase *tc = tcase_create("mixed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mixed_tree);
	tcase_add_test(tc, test_store_from_before);
	tcase_add_test(tc, test_bulk_trees);
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
	return failed == 0 ? 0 : 1;
}
