/* stream.c — our log, streamed to peers: batches of what the flow rules
 * let each peer see, with the NODE records that certify their owners sent
 * ahead, while the peer has credit; and how far behind a peer is. */
#include "flow.h"
#include "log.h"
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

/* Log entries examined for one batch: bounds the work for a child the
 * flow rules skip most entries for. */
#define SCAN_MAX 50000

/* Flow filter for streaming to `p`. */
static bool
wants(struct ld_node *n, const struct ld_peer *p, const struct ld_flow_rec *fr)
{
	return p->is_parent ? ld_flow_send_up(n->cfg.id, fr)
	                    : ld_flow_send_down(n->cfg.id, p->path, fr) ||
	                          ld_recover_wants(p, fr);
}

uint64_t
ld_stream_lag_out(struct ld_node *n, struct ld_txn *t, const struct ld_peer *p,
                  uint64_t *budget)
{
	uint64_t head = ld_store_head(n->st), lag = 0, last = p->out_acked;
	struct ld_logiter it;
	if (ld_store_log_open(t, p->out_acked, &it) != 0)
		return head - p->out_acked;
	struct ld_logent e;
	while (*budget > 0 && ld_store_log_next(&it, &e) == 0) {
		(*budget)--;
		last = e.seq;
		if (wants(n, p, &e.flow))
			lag++;
	}
	ld_store_log_close(&it);
	/* Past the budget, count every entry: an upper bound. */
	if (head > last)
		lag += head - last;
	return lag;
}

static bool
early_has(const struct ld_peer *p, uint64_t seq)
{
	size_t lo = 0, hi = p->nearly;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->early[mid] == seq)
			return true;
		if (p->early[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool
early_add(struct ld_peer *p, uint64_t seq)
{
	if (p->nearly == p->capearly) {
		size_t cap = p->capearly ? p->capearly * 2 : 16;
		uint64_t *e = realloc(p->early, cap * sizeof(*e));
		if (e == NULL)
			return false;
		p->early = e;
		p->capearly = cap;
	}
	size_t i = p->nearly;
	while (i > 0 && p->early[i - 1] > seq) {
		p->early[i] = p->early[i - 1];
		i--;
	}
	p->early[i] = seq;
	p->nearly++;
	return true;
}

/* Before a record owned by `owner` goes to `p`, the NODE records that
 * certify its owner's key (from just below the root down to the owner)
 * must have reached `p`. Those later in our log than `at` have not: add
 * them to the batch first. Returns false if one is missing here. */
static bool
send_chain(struct ld_node *n, struct ld_txn *t, struct ld_peer *p,
           struct ld_str owner, uint64_t at, ProtobufCBinaryData *recs,
           size_t *nrec, size_t *bytes)
{
	char path[LD_PATH_MAX + 1];
	if (owner.n > LD_PATH_MAX)
		return false;
	memcpy(path, owner.p, owner.n);
	path[owner.n] = '\0';
	/* Segment ends, root first; the root's key is pinned everywhere. */
	size_t ends[LD_PATH_MAX_DEPTH], ne = 0;
	for (size_t i = 0; i <= owner.n && ne < LD_PATH_MAX_DEPTH; i++)
		if (i == owner.n || path[i] == '/')
			ends[ne++] = i;
	for (size_t k = 1; k < ne; k++) {
		char x[LD_PATH_MAX + 1], id[LD_ID_MAX + 1];
		memcpy(x, path, ends[k]);
		x[ends[k]] = '\0';
		ld_id_format(id, sizeof(id), x, 0);
		struct ld_str sc = {x, ends[k]};
		struct ld_flow_rec fr = {{x, ends[k]}, &sc, 1};
		uint64_t seq;
		if (!wants(n, p, &fr))
			continue;
		if (ld_store_seq_of(t, id, &seq) != 0)
			return false;
		if (seq <= at || early_has(p, seq))
			continue;
		struct ld_val v;
		if (ld_store_get(t, id, &v, NULL) != 0 || !early_add(p, seq))
			return false;
		recs[*nrec].data = (uint8_t *)v.p;
		recs[*nrec].len = v.n;
		(*nrec)++;
		*bytes += v.n;
	}
	return true;
}

/* Is the stored record sealed in a batch (Record.seal)? */
static bool
sealed(struct ld_val v)
{
	Ld__Record *r = ld_record_unpack(v.p, v.n);
	bool yes = r == NULL || r->seal != NULL;
	if (r != NULL)
		ld__record__free_unpacked(r, NULL);
	return yes;
}

/* Owners whose key chain was found complete while building one batch. */
struct ready_set {
	char path[8][LD_PATH_MAX + 1];
	size_t n;
};

/* Can receivers verify records of `owner` yet? Every node record from just
 * below the root down to the owner must be here with its certificate. A
 * node whose parent has not certified it yet (never connected since its
 * store was made) holds its records back until it is: sent early they
 * would be refused, and a refused record is not sent again. */
static bool
chain_ready(struct ld_txn *t, struct ld_str owner, struct ready_set *rs)
{
	char path[LD_PATH_MAX + 1];
	if (owner.n > LD_PATH_MAX)
		return false;
	memcpy(path, owner.p, owner.n);
	path[owner.n] = '\0';
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->path[i], path) == 0)
			return true;
	for (size_t i = 0; i <= owner.n; i++) {
		if (i < owner.n && path[i] != '/')
			continue;
		if (i == strcspn(path, "/"))
			continue; /* the root: its key is pinned */
		char x[LD_PATH_MAX + 1], id[LD_ID_MAX + 1];
		memcpy(x, path, i);
		x[i] = '\0';
		ld_id_format(id, sizeof(id), x, 0);
		struct ld_val v;
		if (ld_store_get(t, id, &v, NULL) != 0)
			return false;
		Ld__Record *r = ld_record_unpack(v.p, v.n);
		bool ok = r != NULL && r->body_case == LD__RECORD__BODY_NODE &&
		          r->node->cert.len == 64;
		if (r != NULL)
			ld__record__free_unpacked(r, NULL);
		if (!ok)
			return false;
	}
	if (rs->n < sizeof(rs->path) / sizeof(rs->path[0]))
		snprintf(rs->path[rs->n++], sizeof(rs->path[0]), "%s", path);
	return true;
}

/* Build and send batches to `p` while it has credit. `t` is a read txn. */
static void
stream_to(struct ld_node *n, struct ld_txn *t, struct ld_peer *p)
{
	uint64_t head = ld_store_head(n->st);
	size_t cap = n->cfg.batch_records + LD_CHAIN_ROOM;
	ProtobufCBinaryData *recs = malloc(cap * sizeof(*recs));
	if (recs == NULL)
		return;
	ld_recover_stream_check(p);
	while (ld_link_can_send(p, head)) {
		/* The size this link moves in about a second, at most
		 * batch_bytes (link.c): a thin link gets small batches, so
		 * every frame crosses well within the liveness timeout. */
		size_t cap_bytes = ld_link_batch_cap(p, n->cfg.batch_bytes);
		struct ld_logiter it;
		if (ld_store_log_open(t, p->out_sent, &it) != 0)
			break;
		size_t nrec = 0, bytes = 0, scanned = 0;
		uint64_t last = p->out_sent;
		struct ld_logent e;
		struct ready_set rs = {.n = 0};
		int rc = 0;
		while (nrec < n->cfg.batch_records && bytes < cap_bytes &&
		       scanned < SCAN_MAX &&
		       (rc = ld_store_log_next(&it, &e)) == 0) {
			scanned++;
			/* Not for this peer, or sent ahead already. */
			if (!wants(n, p, &e.flow) || early_has(p, e.seq)) {
				last = e.seq;
				continue;
			}
			char id[LD_ID_MAX + 1];
			if (e.id.n > LD_ID_MAX) {
				last = e.seq;
				continue;
			}
			memcpy(id, e.id.p, e.id.n);
			id[e.id.n] = '\0';
			struct ld_val v;
			if (ld_store_get(t, id, &v, NULL) != 0) {
				last = e.seq;
				continue;
			}
			/* Keep the batch under the frame limit. */
			if (nrec > 0 && bytes + v.n > cap_bytes)
				break;
			/* A peer on protocol 1 cannot check a sealed record:
			 * hold the stream here (link.h). */
			if (p->protocol < 2 && n->kr != NULL && sealed(v)) {
				ld_warn_rl(&p->warn_rl,
				           "link: %s speaks protocol %u, from "
				           "before batch signatures: %s is "
				           "sealed, so it and what follows wait "
				           "until %s is upgraded (or until every "
				           "office writes with [security] "
				           "signatures = record)",
				           p->path, p->protocol, id, p->path);
				break;
			}
			/* Hold the stream here until the owner is certified. */
			if (n->kr != NULL && !chain_ready(t, e.flow.owner, &rs))
				break;
			if (n->kr != NULL &&
			    !send_chain(n, t, p, e.flow.owner, e.seq, recs,
			                &nrec, &bytes)) {
				ld_warn(
				    "link: cannot send %s to %s: a node record "
				    "it needs is missing here",
				    id, p->path);
			}
			last = e.seq;
			recs[nrec].data = (uint8_t *)v.p;
			recs[nrec].len = v.n;
			nrec++;
			bytes += v.n;
		}
		ld_store_log_close(&it);
		if (rc != 0 && rc != MDB_NOTFOUND) {
			ld_err("store: reading the log: %s",
			       ld_store_strerror(rc));
			break;
		}
		if (last == p->out_sent) {
			/* Nothing past out_sent in the log snapshot. */
			break;
		}
		Ld__Batch b = LD__BATCH__INIT;
		b.session = p->session;
		b.epoch = ld_store_epoch(n->st);
		b.from_seq = p->out_sent;
		b.to_seq = last;
		b.head = head;
		b.n_records = nrec;
		b.records = recs;
		b.recovered = ld_recover_mark(p, last, head);
		Ld__Frame f = LD__FRAME__INIT;
		f.msg_case = LD__FRAME__MSG_BATCH;
		f.batch = &b;
		if (ld_frame_send(n, p, &f) != 0)
			break; /* EAGAIN: later; unreachable: session is down */
		ld_link_sent(p, last, (uint32_t)bytes, ld_now_ms());
	}
	free(recs);
}

void
ld_stream_all(struct ld_node *n)
{
	uint64_t head = ld_store_head(n->st);
	bool any = n->has_parent && ld_link_can_send(&n->parent, head);
	for (size_t i = 0; i < n->nchildren && !any; i++)
		any = ld_link_can_send(n->children[i], head);
	if (!any)
		return;
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0) {
		ld_err("store: read transaction: %s", ld_store_strerror(rc));
		return;
	}
	if (n->has_parent)
		stream_to(n, &t, &n->parent);
	for (size_t i = 0; i < n->nchildren; i++)
		stream_to(n, &t, n->children[i]);
	ld_store_read_end(&t);
}
