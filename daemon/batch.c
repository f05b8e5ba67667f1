/* batch.c — a peer's batches of its log, applied here: taken off its
 * session (too big or too many are refused), checked against our cursor
 * and ingested in the turn's transaction, and what was held or refused
 * reported after the commit. */
#include "ingest.h"
#include "log.h"
#include "node_int.h"

#include <stdio.h>

bool
ld_batch_take(struct ld_node *n, struct ld_peer *p, Ld__Frame *f, int64_t now)
{
	Ld__Batch *b = f->batch;
	if (b->epoch != p->in_epoch)
		return false; /* from before an epoch change */
	/* No honest batch is bigger: batch_records is at most LD_BATCH_MAX
	 * and a sender adds a few node records ahead of one. */
	if (b->n_records > LD_BATCH_MAX + LD_CHAIN_ROOM) {
		ld_warn_rl(&p->warn_rl,
		           "link: %s %s sent a batch of %zu records; refused",
		           p->is_parent ? "parent" : "child", p->path,
		           b->n_records);
		return false;
	}
	/* A sender keeps at most our credit in flight (twice that
	 * around a resend). More is a flood: drop it unacknowledged;
	 * an honest sender resends after its ack timeout. */
	if (++p->turn_batches > 2 * n->cfg.credit + 4) {
		p->flooded++;
		if (now - p->last_flood_ms > 10000) {
			p->last_flood_ms = now;
			ld_warn("link: %s %s sends more batches than its "
			        "credit allows; dropping the excess (%llu "
			        "so far)",
			        p->is_parent ? "parent" : "child", p->path,
			        (unsigned long long)p->flooded);
		}
		return false;
	}
	p->in_head = b->head;
	struct work *w = ld_commit_queue(n);
	if (w == NULL)
		return false;
	w->type = WORK_BATCH;
	w->peer = p;
	w->frame = f;
	n->work_bytes += ld__batch__get_packed_size(b);
	return true;
}

bool
ld_batch_needs_txn(const struct work *w)
{
	return w->frame->batch->n_records > 0 || w->frame->batch->recovered;
}

/* Apply one batch inside the write transaction `t` (or, with t == NULL, a
 * batch without records, in memory only). The cursor moves in the turn's
 * state, so that a rerun after the map grows starts from the same
 * place. */
int
ld_batch_write(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	struct ld_peer *p = w->peer;
	const Ld__Batch *b = w->frame->batch;
	w->applied = w->ignored = w->refused = 0;
	w->held = false;
	w->refuse_why[0] = '\0';
	w->conflicts = 0;
	w->conflict_why[0] = '\0';
	/* Queued before a new Hello in the same turn changed the session or
	 * the epoch: it belongs to the old log; drop it unacknowledged. */
	if (b->session != p->session || b->epoch != p->in_epoch)
		return 0;
	struct ld_turn_peer *x = ld_commit_peer(n, p);
	if (x == NULL)
		return 0; /* not acknowledged: the sender will resend */
	if (b->to_seq > b->head) {
		snprintf(w->refuse_why, sizeof(w->refuse_why),
		         "batch: to_seq %llu beyond the sender's head %llu",
		         (unsigned long long)b->to_seq,
		         (unsigned long long)b->head);
		w->refused = b->n_records;
		return 0;
	}
	switch (ld_link_batch_verdict(x->seq, b->from_seq, b->to_seq)) {
	case LD_BATCH_DUP:
		x->ack = true;
		return 0;
	case LD_BATCH_GAP:
		x->rewind = true;
		return 0;
	case LD_BATCH_BAD:
		snprintf(w->refuse_why, sizeof(w->refuse_why),
		         "batch: to_seq %llu before from_seq %llu",
		         (unsigned long long)b->to_seq,
		         (unsigned long long)b->from_seq);
		w->refused = b->n_records;
		return 0;
	case LD_BATCH_APPLY:
		break;
	}
	if (b->n_records > 0) {
		/* In a nested transaction: a batch that cannot be checked yet
		 * is not taken at all (its sender resends it). */
		struct ld_ingest in = {.peer = p->path,
		                       .from_parent = p->is_parent,
		                       .kr = n->kr,
		                       .vpool = n->vpool,
		                       .own_subtree = p->is_parent &&
		                                              n->recovery_session
		                                          ? n->cfg.id
		                                          : NULL};
		struct ld_ingest_result res;
		struct ld_txn nt;
		int rc = ld_store_nested_begin(t, &nt);
		if (rc != 0)
			return rc;
		rc = ld_ingest_records(&in, &nt, b, &res);
		if (rc != 0 || res.hold) {
			ld_store_nested_end(t, &nt, false);
			if (n->kr != NULL)
				ld_keyring_forget(n->kr);
			if (rc != 0)
				return rc;
			w->held = true;
			snprintf(w->refuse_why, sizeof(w->refuse_why), "%s",
			         res.why);
			return 0;
		}
		if ((rc = ld_store_nested_end(t, &nt, true)) != 0)
			return rc;
		w->applied = res.applied;
		w->ignored = res.ignored;
		w->refused = res.refused;
		snprintf(w->refuse_why, sizeof(w->refuse_why), "%s", res.why);
		w->conflicts = res.conflicts;
		snprintf(w->conflict_why, sizeof(w->conflict_why), "%s",
		         res.conflict_why);
	}
	int rc = ld_recover_batch(n, t, p, b);
	if (rc != 0)
		return rc;
	x->seq = b->to_seq;
	x->ack = true;
	x->persist = true;
	return 0;
}

void
ld_batch_done(struct ld_node *n, struct work *w, int rc)
{
	struct ld_peer *p = w->peer;
	if (rc == 0 && w->applied > 0)
		ld_fetch_kick(n);
	if (rc == 0)
		p->resent += w->ignored;
	int64_t now_h = ld_now_ms();
	if (rc == 0 && w->held && now_h - p->last_hold_ms > 10000) {
		p->last_hold_ms = now_h;
		ld_warn("link: holding a batch from %s %s until it can be "
		        "checked: %s",
		        p->is_parent ? "parent" : "child", p->path,
		        w->refuse_why);
	}
	ld_recover_batch_done(n, rc);
	if (rc == 0 && w->conflicts > 0) {
		p->conflicts += w->conflicts;
		n->conflicts_total += w->conflicts;
		ld_err("link: CONFLICT: %llu record(s) from %s %s at a version "
		       "held here with other bytes, refused: %s",
		       (unsigned long long)w->conflicts,
		       p->is_parent ? "parent" : "child", p->path,
		       w->conflict_why);
	}
	if (rc == 0 && w->refused > 0) {
		p->refused += w->refused;
		n->refused_total += w->refused;
		ld_warn_rl(&p->warn_rl,
		           "link: refused %llu record(s) from %s %s: %s",
		           (unsigned long long)w->refused,
		           p->is_parent ? "parent" : "child", p->path,
		           w->refuse_why);
	}
}
