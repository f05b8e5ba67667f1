/* recover.c — a node whose store was restored from a backup, or made
 * again, gets its own records back from its parent before it writes: the
 * mark `liandong restore` leaves, the checks on the parent's Welcome, the
 * refusal of writes until then, and the parent's side (its subtree's
 * records streamed back, and the batch that says they all went). See
 * docs/protocol.md "Restore and recovery". */
#include "log.h"
#include "node_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The file `liandong restore` leaves beside the store it wrote. */
#define RESTORED_MARK "store/restored"

int
ld_recover_open(struct ld_node *n, char *err, size_t errlen)
{
	char mark[4200];
	snprintf(mark, sizeof(mark), "%s/%s", n->cfg.dir, RESTORED_MARK);
	bool root = n->cfg.parent[0] == '\0';
	int rc;
	if (access(mark, F_OK) == 0) {
		/* A new epoch before any peer hears of this log: the old
		 * cursors on it are stale (the log may grow past them). */
		if ((rc = ld_store_restored(n->st, !root)) != 0) {
			snprintf(err, errlen, "store: marking it restored: %s",
			         ld_store_strerror(rc));
			return rc;
		}
		if (unlink(mark) != 0 && errno != ENOENT) {
			rc = -errno;
			snprintf(err, errlen, "%s: %s", mark, ld_strerror(rc));
			return rc;
		}
		ld_warn("store: restored from a backup; new log epoch %016llx%s",
		        (unsigned long long)ld_store_epoch(n->st),
		        root ? " (the root has no parent to get newer records "
		               "from)"
		             : "; writes wait until this office's records are "
		               "back from the parent");
	}
	struct ld_txn t;
	uint64_t v = 0;
	if ((rc = ld_store_read_begin(n->st, &t)) != 0) {
		snprintf(err, errlen, "store: %s", ld_store_strerror(rc));
		return rc;
	}
	rc = ld_store_flag_get(&t, "recovering", &v);
	ld_store_read_end(&t);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		snprintf(err, errlen, "store: %s", ld_store_strerror(rc));
		return rc;
	}
	n->recovering = v != 0 && !root;
	return 0;
}

/* What we hold of our own records: the highest id counter and our NODE
 * record's version; and whether a handshake ever completed. */
static int
own_held(struct ld_node *n, uint64_t *counter, uint64_t *node_version,
         uint64_t *welcomed)
{
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0)
		return rc;
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), n->cfg.id, 0);
	struct ld_val v;
	*welcomed = 1;
	if ((rc = ld_store_max_counter(&t, n->cfg.id, counter)) == 0 &&
	    (rc = ld_store_get(&t, id, &v, node_version)) == MDB_NOTFOUND) {
		*node_version = 0;
		rc = 0;
	}
	if (rc == 0)
		rc = ld_store_flag_get(&t, "welcomed", welcomed);
	ld_store_read_end(&t);
	return rc;
}

bool
ld_recover_on_welcome(struct ld_node *n, const Ld__Welcome *w,
                      uint64_t owned_counter, uint64_t node_version)
{
	struct ld_peer *p = &n->parent;
	n->recovery_session = false;
	if (!n->recovering) {
		uint64_t counter = 0, nv = 0, welcomed = 1;
		int rc = own_held(n, &counter, &nv, &welcomed);
		if (rc != 0) {
			ld_err("store: %s", ld_store_strerror(rc));
			return false;
		}
		/* The parent holds records of ours we do not (a store
		 * copied back, or a new one for an office that existed), or
		 * applied more of our log than it has. */
		const char *why = NULL;
		if (welcomed == 0 && owned_counter > 0)
			why = "this store is new, and the parent holds records "
			      "of this office";
		else if (owned_counter > counter || node_version > nv)
			why = "the parent holds newer records of this office "
			      "than this store";
		else if (w->resume_epoch == ld_store_epoch(n->st) &&
		         w->resume_seq > ld_store_head(n->st))
			why = "the parent applied more of this log than it "
			      "holds";
		if (why == NULL)
			return false;
		if ((rc = ld_store_restored(n->st, true)) != 0) {
			ld_err("store: marking it restored: %s",
			       ld_store_strerror(rc));
			return false;
		}
		n->recovering = true;
		ld_warn("store: %s: it was lost or copied back; new log epoch "
		        "%016llx, and writes wait until this office's records "
		        "are back from the parent",
		        why, (unsigned long long)ld_store_epoch(n->st));
		/* Children resume the new log from the start. */
		for (size_t i = 0; i < n->nchildren; i++)
			if (n->children[i]->state == LD_PEER_UP)
				ld_link_session_down(n->children[i],
				                     "our log epoch changed");
		return true;
	}
	if (!w->recovery) {
		ld_warn("link: parent %s does not send this office's records "
		        "back (an older liandong?); writes keep waiting",
		        p->path);
		return false;
	}
	/* The parent sends its log from the start: our cursor too. */
	n->recovery_session = true;
	p->in_seq = 0;
	p->in_dirty = true;
	return false;
}

void
ld_recover_text(const struct ld_node *n, char *buf, size_t len)
{
	if (!n->recovering) {
		snprintf(buf, len, "%s", "");
		return;
	}
	const struct ld_peer *p = &n->parent;
	char state[160];
	if (p->state != LD_PEER_UP)
		snprintf(state, sizeof(state), "not reached yet");
	else if (!n->recovery_session)
		snprintf(state, sizeof(state),
		         "it does not send them back: upgrade it");
	else
		snprintf(state, sizeof(state), "receiving, %llu of %llu",
		         (unsigned long long)p->in_seq,
		         (unsigned long long)p->in_head);
	snprintf(buf, len,
	         "this office's store was restored: writes wait until its "
	         "records are back from the parent (%s, %s)",
	         p->path, state);
}

int
ld_recover_batch(struct ld_node *n, struct ld_txn *t, const struct ld_peer *p,
                 const Ld__Batch *b)
{
	if (!p->is_parent || !n->recovering || !n->recovery_session ||
	    !b->recovered)
		return 0;
	uint64_t max = 0;
	int rc = ld_store_max_counter(t, n->cfg.id, &max);
	if (rc != 0)
		return rc;
	ld_store_raise_counter(t, max);
	if ((rc = ld_store_flag_put(t, "recovering", 0)) != 0)
		return rc;
	n->recover_pending = true;
	return 0;
}

void
ld_recover_batch_done(struct ld_node *n, int rc)
{
	if (!n->recover_pending)
		return;
	n->recover_pending = false;
	if (rc != 0)
		return;
	/* recovery_session stays: the parent may still send records of
	 * our subtree until it sees our acknowledgement. */
	n->recovering = false;
	ld_info("store: this office's records are back from the parent %s; "
	        "writes are open again",
	        n->parent.path);
}

uint64_t
ld_recover_hello(struct ld_peer *p, const Ld__Hello *h, uint64_t resume)
{
	p->recovering = h->recovering;
	p->recover_done = 0;
	if (!h->recovering)
		return resume;
	ld_info("link: child %s is recovering its store; sending it our log "
	        "from the start with its subtree's records",
	        p->path);
	return 0;
}

bool
ld_recover_wants(const struct ld_peer *p, const struct ld_flow_rec *fr)
{
	return !p->is_parent && p->recovering &&
	       ld_path_in_subtree_n(fr->owner.p, fr->owner.n, p->path,
	                            strlen(p->path));
}

void
ld_recover_stream_check(struct ld_peer *p)
{
	if (p->recovering && p->recover_done > 0 &&
	    p->out_acked >= p->recover_done) {
		p->recovering = false;
		ld_info("link: child %s has its records back", p->path);
	}
}

bool
ld_recover_mark(struct ld_peer *p, uint64_t last, uint64_t head)
{
	if (p->is_parent || !p->recovering || last < head)
		return false;
	p->recover_done = last;
	return true;
}
