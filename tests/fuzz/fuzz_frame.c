/* fuzz_frame.c — fuzz target: a link frame from a peer, decoded and taken
 * the way a node takes it. The first byte says whether it comes from the
 * parent or from the child; a Batch goes through the batch checks and the
 * real ingestion code (decode, structure, flow rules, signatures, store)
 * in a write transaction that is then dropped, so every input meets the
 * same store. */
#include "fuzz_tree.h"
#include "ingest.h"
#include "keyring.h"
#include "link.h"
#include "path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_tree tree;
static struct ld_store *st;
static struct ld_keyring *kr;
static struct ld_vpool *vp;

static void
init(void)
{
	if (st != NULL)
		return;
	fz_tree_keys(&tree);
	char dir[] = "/tmp/ld-fuzz-frame.XXXXXX";
	if (mkdtemp(dir) == NULL || fz_store(&tree, dir, &st) != 0 ||
	    ld_keyring_new(FZ_SELF, tree.self.sign_pub, tree.root.sign_pub,
	                   &kr) != 0 ||
	    ld_vpool_new(1, &vp) != 0)
		abort();
}

struct ctx {
	struct ld_ingest in;
	const Ld__Batch *b;
};

/* Ingest, then drop the transaction (return non-zero). */
static int
take(struct ld_txn *t, void *arg)
{
	struct ctx *c = arg;
	struct ld_ingest_result res;
	int rc = ld_ingest_records(&c->in, t, c->b, &res);
	if (res.applied + res.ignored + res.refused > c->b->n_records)
		abort();
	return rc != 0 ? rc : 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	init();
	if (size < 1)
		return 0;
	bool from_parent = data[0] & 1;
	Ld__Frame *f = ld__frame__unpack(NULL, size - 1, data + 1);
	if (f == NULL)
		return 0;
	struct ld_peer p;
	memset(&p, 0, sizeof(p));
	snprintf(p.path, sizeof(p.path), "%s", from_parent ? FZ_ROOT : FZ_CHILD);
	p.is_parent = from_parent;
	ld_link_session_up(&p, 1, 0, 8, 0);
	switch (f->msg_case) {
	case LD__FRAME__MSG_HELLO: {
		const Ld__Hello *h = f->hello;
		if (ld_path_valid(h->path, NULL))
			(void)ld_path_is_child(h->path, FZ_SELF);
		(void)ld_link_resume_point(7, 100, h->resume_epoch,
		                           h->resume_seq);
		break;
	}
	case LD__FRAME__MSG_ACK:
		ld_link_sent(&p, 10, 0, 1);
		ld_link_sent(&p, 20, 0, 2);
		ld_link_on_ack(&p, f->ack->seq, f->ack->credit, f->ack->rewind,
		               3);
		if (p.out_acked > p.out_sent || p.ninflight > LD_CREDIT_MAX)
			abort();
		break;
	case LD__FRAME__MSG_BATCH: {
		const Ld__Batch *b = f->batch;
		if (b->to_seq > b->head)
			break; /* refused before ingestion */
		if (ld_link_batch_verdict(0, b->from_seq, b->to_seq) !=
		    LD_BATCH_APPLY)
			break;
		struct ctx c = {{p.path, from_parent, kr, vp}, b};
		int rc = ld_store_write(st, take, &c);
		ld_keyring_forget(kr); /* the transaction was dropped */
		if (rc != 1 && rc != MDB_MAP_FULL)
			abort(); /* a store error on a valid store */
		break;
	}
	default:
		break;
	}
	ld__frame__free_unpacked(f, NULL);
	return 0;
}
