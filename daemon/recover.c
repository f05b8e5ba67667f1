/* recover.c — a node whose store was restored from a backup, or made
 * again, gets its own records back from its parent before it writes: the
 * mark `liandong restore` leaves, the checks on the parent's Welcome, the
 * refusal of writes until then and until the attachment chunks of those
 * records are held (or none came for [link] recover_wait_s), and the
 * parent's side (its subtree's
 * records streamed back, and the batch that says they all went). See
 * docs/protocol.md "Restore and recovery". */
#include "attach.h"
#include "log.h"
#include "node_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The file `liandong restore` leaves beside the store it wrote. */
#define RESTORED_MARK "store/restored"

/* The meta flag "recovering": waiting for the records, or for their
 * attachment chunks (0: neither). */
#define FLAG_RECORDS 1
#define FLAG_CHUNKS 2

/* While writes wait for chunks: count what is still wanted this soon
 * after a chunk came, and at least this often; after they reopened
 * without some, this often (to say when they came after all). */
#define RECOUNT_GAP_MS 250
#define RECOUNT_IDLE_MS 1000
#define RECOUNT_LATE_MS 10000

/* Does the chunk a record `id` wants hold our writes back: a record of
 * our subtree whose chunks we ask the parent for (ours, or of an office
 * below with no link here; a child's files come from the child, which
 * still holds them)? */
static bool
waits_for(struct ld_node *n, const char *id)
{
	const char *colon = strrchr(id, ':');
	char owner[LD_PATH_MAX + 1];
	if (colon == NULL || (size_t)(colon - id) > LD_PATH_MAX)
		return false;
	memcpy(owner, id, (size_t)(colon - id));
	owner[colon - id] = '\0';
	return ld_path_in_subtree(owner, n->cfg.id) &&
	       ld_peers_toward(n, owner) == &n->parent;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Add to *bytes the size of each chunk result `id` is the one to want. */
static int
record_bytes(struct ld_txn *t, const char *id, uint64_t *bytes)
{
	Ld__Record *r = ld_store_load(t, id);
	if (r == NULL)
		return 0; /* not held, or not readable: counted, no size */
	int rc = 0;
	if (r->body_case != LD__RECORD__BODY_RESULT)
		goto out;
	size_t na = r->result->n_attachments < LD_ATTACH_PER_RESULT
	                ? r->result->n_attachments
	                : LD_ATTACH_PER_RESULT;
	for (size_t i = 0; i < na && rc == 0; i++) {
		const Ld__Attachment *a = r->result->attachments[i];
		char err[8];
		if (ld_attach_check(a, i, err, sizeof(err)) != 0)
			continue;
		for (size_t k = 0; k < a->n_chunks; k++) {
			const uint8_t *h = a->chunks[k].data;
			/* Once per chunk, however often the record names it. */
			bool seen = false;
			for (size_t j = 0; j <= i && !seen; j++) {
				const Ld__Attachment *b = r->result->attachments[j];
				size_t nk = j < i ? b->n_chunks : k;
				if (j < i && ld_attach_check(b, j, err,
				                             sizeof(err)) != 0)
					continue;
				for (size_t q = 0; q < nk && !seen; q++)
					seen = memcmp(b->chunks[q].data, h,
					              LD_HASH_LEN) == 0;
			}
			const char *wid;
			if (seen)
				continue;
			rc = ld_store_want_get(t, h, &wid);
			if (rc == MDB_NOTFOUND || rc == MDB_CORRUPTED) {
				rc = 0;
				continue;
			}
			if (rc != 0)
				break;
			if (strcmp(wid, id) != 0)
				continue;
			*bytes += ld_attach_chunk_len(a->size, (uint32_t)k);
		}
	}
out:
	ld__record__free_unpacked(r, NULL);
	return rc;
}

/* The chunks our writes wait for (waits_for), and their bytes. */
static int
wanted_back(struct ld_node *n, struct ld_txn *t, uint64_t *chunks,
            uint64_t *bytes)
{
	*chunks = *bytes = 0;
	char(*ids)[LD_ID_MAX + 1] = NULL;
	size_t nids = 0, cap = 0;
	struct ld_wantiter it;
	int rc = ld_store_wants_open(t, NULL, &it);
	if (rc != 0)
		return rc;
	const uint8_t *hash;
	const char *id;
	while ((rc = ld_store_wants_next(&it, &hash, &id)) == 0) {
		if (!waits_for(n, id))
			continue;
		(*chunks)++;
		if (nids > 0 && strcmp(ids[nids - 1], id) == 0)
			continue;
		if (strlen(id) > LD_ID_MAX)
			continue;
		if (nids == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *v = realloc(ids, nc * sizeof(*ids));
			if (v == NULL) {
				rc = -ENOMEM;
				break;
			}
			ids = v;
			cap = nc;
		}
		memcpy(ids[nids++], id, strlen(id) + 1);
	}
	ld_store_wants_close(&it);
	if (rc == MDB_NOTFOUND)
		rc = 0;
	if (rc == 0 && nids > 1)
		qsort(ids, nids, sizeof(*ids), cmp_id);
	for (size_t i = 0; i < nids && rc == 0; i++)
		if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0)
			rc = record_bytes(t, ids[i], bytes);
	free(ids);
	return rc;
}

/* "768 KiB", "12.5 MiB". */
static void
say_bytes(char *buf, size_t len, uint64_t b)
{
	if (b < (10u << 20))
		snprintf(buf, len, "%llu KiB",
		         (unsigned long long)((b + 1023) / 1024));
	else
		snprintf(buf, len, "%.1f MiB", (double)b / (1u << 20));
}

/* "10 min", "2 min 5 s", "45 s". */
static void
say_secs(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s % 60 == 0)
		snprintf(buf, len, "%lld min", (long long)(s / 60));
	else
		snprintf(buf, len, "%lld min %lld s", (long long)(s / 60),
		         (long long)(s % 60));
}

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
	n->recovering = v != 0 && v != FLAG_CHUNKS && !root;
	if (v == FLAG_CHUNKS && !root) {
		/* The records came back before a restart; the chunks count
		 * at the first tick, and the wait starts again now. */
		n->recover_chunks = true;
		n->recover_recount = true;
		n->recover_nchunks = UINT64_MAX;
		n->recover_progress_ms = ld_now_ms();
	}
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
		n->recover_chunks = n->recover_gave_up = false;
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

bool
ld_recover_refusing(const struct ld_node *n)
{
	return n->recovering || n->recover_chunks;
}

void
ld_recover_text(const struct ld_node *n, char *buf, size_t len)
{
	const struct ld_peer *p = &n->parent;
	char size[32], wait[32], left[32];
	say_bytes(size, sizeof(size), n->recover_bytes);
	say_secs(wait, sizeof(wait), n->cfg.recover_wait_s);
	if (!n->recovering && n->recover_chunks &&
	    n->recover_nchunks == UINT64_MAX) {
		snprintf(buf, len,
		         "this office's store was restored: its records are "
		         "back from the parent (%s); writes wait for their "
		         "attachment chunks (counting them)",
		         p->path);
		return;
	}
	if (!n->recovering && n->recover_chunks) {
		int64_t gone = (ld_now_ms() - n->recover_progress_ms) / 1000;
		say_secs(left, sizeof(left),
		         (int64_t)n->cfg.recover_wait_s - gone);
		snprintf(buf, len,
		         "this office's store was restored: its records are "
		         "back from the parent (%s); writes wait for %llu "
		         "attachment chunk%s of them (%s), or until %s pass "
		         "with none arriving (%s left)",
		         p->path, (unsigned long long)n->recover_nchunks,
		         n->recover_nchunks == 1 ? "" : "s", size, wait, left);
		return;
	}
	if (!n->recovering && n->recover_gave_up) {
		snprintf(buf, len,
		         "this office's store was restored: writes reopened "
		         "without %llu attachment chunk%s (%s) of its records "
		         "that the parent (%s) did not send in %s; they are "
		         "still asked for",
		         (unsigned long long)n->recover_nchunks,
		         n->recover_nchunks == 1 ? "" : "s", size, p->path,
		         wait);
		return;
	}
	if (!n->recovering) {
		snprintf(buf, len, "%s", "");
		return;
	}
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
	/* The records are here; their chunks are wanted from now on. */
	uint64_t chunks = 0, bytes = 0;
	if ((rc = wanted_back(n, t, &chunks, &bytes)) != 0)
		return rc;
	if ((rc = ld_store_flag_put(t, "recovering",
	                            chunks > 0 ? FLAG_CHUNKS : 0)) != 0)
		return rc;
	n->recover_pending = true;
	n->recover_pending_chunks = chunks;
	n->recover_pending_bytes = bytes;
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
	if (n->recover_pending_chunks == 0) {
		ld_info("store: this office's records are back from the "
		        "parent %s; writes are open again",
		        n->parent.path);
		return;
	}
	n->recover_chunks = true;
	n->recover_gave_up = false;
	n->recover_nchunks = n->recover_pending_chunks;
	n->recover_bytes = n->recover_pending_bytes;
	n->recover_count_ms = n->recover_progress_ms = ld_now_ms();
	char size[32];
	say_bytes(size, sizeof(size), n->recover_bytes);
	ld_info("store: this office's records are back from the parent %s; "
	        "writes wait for %llu attachment chunks of them (%s)",
	        n->parent.path, (unsigned long long)n->recover_nchunks, size);
}

static int
put_done(struct ld_txn *t, void *arg)
{
	(void)arg;
	return ld_store_flag_put(t, "recovering", 0);
}

void
ld_recover_chunk_stored(struct ld_node *n)
{
	if (n->recover_chunks || n->recover_gave_up)
		n->recover_recount = true;
}

void
ld_recover_tick(struct ld_node *n, int64_t now)
{
	if (!n->recover_chunks && !n->recover_gave_up)
		return;
	int64_t every = n->recover_recount  ? RECOUNT_GAP_MS
	                : n->recover_gave_up ? RECOUNT_LATE_MS
	                                     : RECOUNT_IDLE_MS;
	if (now - n->recover_count_ms < every)
		return;
	n->recover_count_ms = now;
	n->recover_recount = false;
	uint64_t chunks = 0, bytes = 0;
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc == 0) {
		rc = wanted_back(n, &t, &chunks, &bytes);
		ld_store_read_end(&t);
	}
	if (rc != 0) {
		ld_err("store: counting the attachment chunks still wanted: "
		       "%s",
		       ld_store_strerror(rc));
		return;
	}
	if (chunks < n->recover_nchunks)
		n->recover_progress_ms = now;
	/* A piece of a chunk from the parent is progress too (a thin
	 * link may take long over one chunk). */
	if (n->parent.fetch_last_ms > n->recover_progress_ms)
		n->recover_progress_ms = n->parent.fetch_last_ms;
	n->recover_nchunks = chunks;
	n->recover_bytes = bytes;
	if (n->recover_gave_up) {
		if (chunks == 0) {
			n->recover_gave_up = false;
			ld_info("store: the attachment chunks of this office's "
			        "records came back after all");
		}
		return;
	}
	bool late = now - n->recover_progress_ms >=
	            (int64_t)n->cfg.recover_wait_s * 1000;
	if (chunks > 0 && !late)
		return;
	if ((rc = ld_store_write(n->st, put_done, NULL)) != 0) {
		char why[300];
		ld_err("store: reopening writes: %s",
		       ld_store_write_strerror(n->st, rc, why, sizeof(why)));
		return;
	}
	n->recover_chunks = false;
	if (chunks == 0) {
		ld_info("store: the attachment chunks of this office's records "
		        "are back from the parent %s; writes are open again",
		        n->parent.path);
		return;
	}
	n->recover_gave_up = true;
	char size[32], wait[32];
	say_bytes(size, sizeof(size), bytes);
	say_secs(wait, sizeof(wait), n->cfg.recover_wait_s);
	ld_warn("store: writes reopened without %llu attachment chunks (%s) "
	        "of this office's records: none came from the parent %s in "
	        "%s (it may not hold them); they are still asked for",
	        (unsigned long long)chunks, size, n->parent.path, wait);
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
