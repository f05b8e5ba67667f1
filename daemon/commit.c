/* commit.c — group commit: the work queued in one loop turn (client
 * writes, peers' batches, fetched chunks, reports) goes into one write
 * transaction with every cursor it moved and the seals of the own
 * records it wrote; after the commit, batches are acknowledged and each
 * piece of work answered through its handlers. */
#include "log.h"
#include "node_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cursors moved only in memory are stored at least this often. */
#define FLUSH_MS 1000

/* The state of one turn: a cursor entry per peer with a batch in it. */
struct ld_turn {
	struct ld_node *n;
	unsigned attempts; /* of the write transaction */
	struct ld_turn_peer *tp;
	size_t ntp, cap;
};

struct ld_turn_peer *
ld_commit_peer(struct ld_node *n, struct ld_peer *p)
{
	struct ld_turn *tu = n->turn;
	for (size_t i = 0; i < tu->ntp; i++)
		if (tu->tp[i].p == p)
			return &tu->tp[i];
	if (tu->ntp == tu->cap)
		return NULL; /* cannot happen: cap is every peer */
	struct ld_turn_peer *x = &tu->tp[tu->ntp++];
	memset(x, 0, sizeof(*x));
	x->p = p;
	x->seq = p->in_seq;
	return x;
}

static void
send_ack(struct ld_node *n, struct ld_peer *p, bool rewind)
{
	Ld__Ack a = LD__ACK__INIT;
	a.session = p->session;
	a.seq = p->in_seq;
	a.credit = n->cfg.credit;
	a.rewind = rewind;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_ACK;
	f.ack = &a;
	ld_frame_send(n, p, &f);
}

/* The write transaction of a turn: every queued piece of work, and every
 * cursor that moved. Rerun from the start if the map had to grow. */
static int
write_turn(struct ld_txn *t, void *arg)
{
	struct ld_turn *tu = arg;
	struct ld_node *n = tu->n;
	tu->ntp = 0;
	/* A rerun (the map grew) must not trust keys derived from node
	 * records of the aborted attempt. The first attempt starts from what
	 * is committed: the keys derived in earlier turns hold (a failed
	 * turn and a held batch forget theirs), and deriving them again
	 * costs each owner's chain of certificates every turn. */
	if (n->kr != NULL && t != NULL && tu->attempts++ > 0)
		ld_keyring_forget(n->kr);
	ld_own_seal_reset(n);
	for (size_t i = 0; i < n->nwork; i++) {
		struct work *w = &n->work[i];
		int rc = n->work_ops[w->type].write(n, t, w);
		if (rc != 0)
			return rc;
	}
	if (t == NULL)
		return 0;
	/* The own records of the turn, one signature per tree of them. */
	int src = ld_own_seal(n, t);
	if (src != 0)
		return src;
	/* Cursors: those moved by this turn's batches, and any left dirty by
	 * earlier batches that carried no records. */
	for (size_t i = 0; i < tu->ntp; i++) {
		struct ld_turn_peer *x = &tu->tp[i];
		if (x->persist || x->p->in_dirty) {
			int rc = ld_store_cursor_put(t, x->p->path,
			                             x->p->in_epoch, x->seq);
			if (rc != 0)
				return rc;
			x->persist = true;
		}
	}
	for (size_t i = 0; i <= n->nchildren; i++) {
		struct ld_peer *p = i < n->nchildren ? n->children[i]
		                    : n->has_parent  ? &n->parent
		                                     : NULL;
		if (p == NULL || !p->in_dirty)
			continue;
		bool seen = false;
		for (size_t k = 0; k < tu->ntp && !seen; k++)
			seen = tu->tp[k].p == p;
		if (!seen) {
			int rc = ld_store_cursor_put(t, p->path, p->in_epoch,
			                             p->in_seq);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* How often the log repeats that writes still fail. */
#define STORE_NAG_MS 60000

/* Say in the log that the store write failed, once when it starts (or its
 * cause changes) and then at most once a minute while it lasts: a full
 * disk fails every turn with a write in it, and the log may sit on the
 * same disk. Say when writes succeed again. */
static void
note_store(struct ld_node *n, int rc)
{
	int64_t now = ld_now_ms();
	if (rc == 0) {
		if (n->store_rc != 0)
			ld_info("store: writes succeed again (%llu turn(s) "
			        "failed since the last line)",
			        (unsigned long long)n->store_failed);
		n->store_rc = 0;
		n->store_failed = 0;
		return;
	}
	ld_store_write_strerror(n->st, rc, n->store_err, sizeof(n->store_err));
	if (rc != n->store_rc) {
		ld_err("store: write failed: %s (nothing from this turn was "
		       "stored; client writes are refused and peers' batches "
		       "not acknowledged, so they are sent again)",
		       n->store_err);
		n->store_rc = rc;
		n->store_failed = 0;
		n->store_logged_ms = now;
	} else if (now - n->store_logged_ms >= STORE_NAG_MS) {
		ld_err("store: writes still fail: %s (%llu turn(s) failed "
		       "since the last line)",
		       n->store_err, (unsigned long long)n->store_failed + 1);
		n->store_failed = 0;
		n->store_logged_ms = now;
	} else {
		n->store_failed++;
	}
}

void
ld_commit_turn(struct ld_node *n, bool flush)
{
	if (n->nwork == 0 && !flush)
		return;
	bool need_txn = flush;
	for (size_t i = 0; i < n->nwork && !need_txn; i++) {
		struct work *w = &n->work[i];
		const struct ld_work_ops *ops = &n->work_ops[w->type];
		need_txn = ops->needs_txn == NULL || ops->needs_txn(w);
	}
	struct ld_turn *tu = calloc(1, sizeof(*tu));
	size_t cap = n->nchildren + 1;
	if (tu == NULL || (tu->tp = calloc(cap, sizeof(*tu->tp))) == NULL) {
		ld_err("out of memory");
		free(tu);
		return;
	}
	tu->cap = cap;
	tu->n = n;
	n->turn = tu;
	int64_t t0 = ld_now_us();
	int rc = need_txn ? ld_store_write(n->st, write_turn, tu)
	                  : write_turn(NULL, tu);
	if (need_txn && rc == 0)
		ld_metrics_commit(n, ld_now_us() - t0);
	n->turn = NULL;
	if (need_txn)
		note_store(n, rc);
	if (rc != 0) {
		if (n->kr != NULL)
			ld_keyring_forget(n->kr);
		tu->ntp = 0;
	}
	if (rc == 0 && need_txn) {
		/* Every cursor is on disk now. */
		if (n->has_parent)
			n->parent.in_dirty = false;
		for (size_t i = 0; i < n->nchildren; i++)
			n->children[i]->in_dirty = false;
	}
	for (size_t i = 0; i < tu->ntp; i++) {
		struct ld_turn_peer *x = &tu->tp[i];
		struct ld_peer *p = x->p;
		if (x->seq > p->in_seq) {
			p->in_seq = x->seq;
			if (!need_txn)
				p->in_dirty = true;
		}
		if (p->state != LD_PEER_UP)
			continue;
		if (x->rewind && p->rewind_asked != p->in_seq + 1) {
			p->rewind_asked = p->in_seq + 1;
			send_ack(n, p, true);
		} else if (x->ack) {
			send_ack(n, p, false);
		}
	}
	for (size_t i = 0; i < n->nwork; i++) {
		struct work *w = &n->work[i];
		n->work_ops[w->type].done(n, w, rc);
		n->work_ops[w->type].drop(w);
	}
	n->nwork = 0;
	n->work_bytes = 0;
	free(tu->tp);
	free(tu);
	if (rc == 0 && need_txn) {
		n->last_flush_ms = ld_now_ms();
		ld_waiters_check(n, ld_now_ms());
	}
}

void
ld_commit_tick(struct ld_node *n, int64_t now)
{
	bool dirty = n->has_parent && n->parent.in_dirty;
	for (size_t i = 0; i < n->nchildren && !dirty; i++)
		dirty = n->children[i]->in_dirty;
	if (dirty && now - n->last_flush_ms >= FLUSH_MS)
		ld_commit_turn(n, true);
}

struct work *
ld_commit_queue(struct ld_node *n)
{
	if (n->nwork == n->capwork) {
		size_t cap = n->capwork ? n->capwork * 2 : 64;
		struct work *w = realloc(n->work, cap * sizeof(*w));
		if (w == NULL)
			return NULL;
		n->work = w;
		n->capwork = cap;
	}
	struct work *w = &n->work[n->nwork++];
	memset(w, 0, sizeof(*w));
	return w;
}

void
ld_commit_drop(struct ld_node *n)
{
	for (size_t i = 0; i < n->nwork; i++)
		n->work_ops[n->work[i].type].drop(&n->work[i]);
	n->nwork = 0;
	free(n->work);
	n->work = NULL;
	n->capwork = 0;
}
