/* node.c — the node's event loop: one thread owns the store and every
 * socket. Each turn drains what is ready, applies all writes in one
 * transaction (group commit), answers and acknowledges after the commit,
 * then streams new log entries to peers that have credit. */
#include "node.h"
#include "flow.h"
#include "ingest.h"
#include "log.h"
#include "path.h"
#include "sign.h"
#include "text.h"
#include "validate.h"

#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Messages taken from one socket per turn: bounds the transaction and
 * keeps the loop fair between clients and links. */
#define DRAIN_MAX 256
/* Log entries examined for one batch: bounds the work for a child the
 * flow rules skip most entries for. */
#define SCAN_MAX 50000
#define FLUSH_MS 1000
/* Batches queued in one turn, in bytes: bounds the turn's transaction. */
#define TURN_BYTES (64u << 20)

int64_t
ld_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
ld_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
random_u64(void)
{
	uint64_t v = 0;
	while (v == 0)
		if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
			v = 0;
	return v;
}

/* ---------------------------------------------------------------- frames */

/* Decode a frame from a peer within a memory budget (free it with
 * ld__frame__free_unpacked(f, NULL)). */
static Ld__Frame *
frame_unpack(const void *buf, size_t len)
{
	struct ld_budget b;
	Ld__Frame *f = ld__frame__unpack(ld_unpack_budget(&b, len), len, buf);
	ld_budget_end(&b, f != NULL);
	return f;
}

/* Send a frame to the parent (rid == NULL) or to the child connection
 * `rid`. Returns 0, or -1 with errno (EAGAIN: try later; EHOSTUNREACH:
 * child gone). */
static int
send_frame(void *sock, const struct ld_rid *rid, const Ld__Frame *f)
{
	size_t n = ld__frame__get_packed_size(f);
	zmq_msg_t m;
	if (zmq_msg_init_size(&m, n) != 0)
		return -1;
	ld__frame__pack(f, zmq_msg_data(&m));
	if (rid != NULL &&
	    zmq_send(sock, rid->id, rid->len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
		int e = errno;
		zmq_msg_close(&m);
		errno = e;
		return -1;
	}
	if (zmq_msg_send(&m, sock, ZMQ_DONTWAIT) < 0) {
		int e = errno;
		zmq_msg_close(&m);
		errno = e;
		return -1;
	}
	return 0;
}

int
ld_node_send(struct ld_node *n, struct ld_peer *p, const Ld__Frame *f)
{
	struct ld_rid rid;
	rid.len = p->rid_len;
	memcpy(rid.id, p->rid, p->rid_len);
	int rc = p->is_parent ? send_frame(n->dealer, NULL, f)
	                      : send_frame(n->router, &rid, f);
	if (rc == 0)
		p->last_send_ms = ld_now_ms();
	else if (errno == EHOSTUNREACH && p->state == LD_PEER_UP) {
		ld_info("link: child %s disconnected", p->path);
		ld_link_session_down(p, "disconnected");
	}
	return rc;
}

static void
send_reject(void *sock, const struct ld_rid *rid, Ld__RejectCode code,
            uint64_t session, const char *reason)
{
	Ld__Reject rj = LD__REJECT__INIT;
	rj.code = code;
	rj.reason = (char *)reason;
	rj.session = session;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_REJECT;
	f.reject = &rj;
	send_frame(sock, rid, &f);
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
	ld_node_send(n, p, &f);
}

/* ---------------------------------------------------------------- peers */

/* Text a peer sends about itself (its name, a refusal's reason) ends up
 * in logs and in 'liandong status': keep one line of valid text, at most
 * `len` - 1 bytes, with anything else replaced by '?'. */
static void
copy_peer_text(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src), k = 0;
	if (n >= len)
		n = len - 1;
	/* Cut back to a whole character. */
	while (n > 0 && !ld_text_valid(src, n))
		n--;
	for (; k < n; k++)
		dst[k] = src[k] == '\n' || src[k] == '\r' || src[k] == '\t'
		             ? ' '
		             : src[k];
	dst[k] = '\0';
	if (n == 0 && src[0] != '\0')
		snprintf(dst, len, "?");
}

static struct ld_peer *
find_child(struct ld_node *n, const char *path)
{
	for (size_t i = 0; i < n->nchildren; i++)
		if (strcmp(n->children[i]->path, path) == 0)
			return n->children[i];
	return NULL;
}

struct ld_peer *
ld_node_peer_toward(struct ld_node *n, const char *owner)
{
	for (size_t i = 0; i < n->nchildren; i++)
		if (ld_path_in_subtree(owner, n->children[i]->path))
			return n->children[i];
	if (n->has_parent && !ld_path_in_subtree(owner, n->cfg.id))
		return &n->parent;
	return NULL;
}

static struct ld_peer *
add_child(struct ld_node *n, const char *path)
{
	if (n->nchildren == n->capchildren) {
		size_t cap = n->capchildren ? n->capchildren * 2 : 8;
		struct ld_peer **c =
		    realloc(n->children, cap * sizeof(*n->children));
		if (c == NULL)
			return NULL;
		n->children = c;
		n->capchildren = cap;
	}
	struct ld_peer *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	snprintf(p->path, sizeof(p->path), "%s", path);
	n->children[n->nchildren++] = p;
	return p;
}

static void
cursor_seen(const char *peer, size_t len, uint64_t epoch, uint64_t seq,
            void *arg)
{
	struct ld_node *n = arg;
	char path[LD_PATH_MAX + 1];
	if (len > LD_PATH_MAX)
		return;
	memcpy(path, peer, len);
	path[len] = '\0';
	struct ld_peer *p = NULL;
	if (n->has_parent && strcmp(path, n->parent.path) == 0)
		p = &n->parent;
	else if (ld_path_is_child(path, n->cfg.id))
		p = find_child(n, path) ? find_child(n, path)
		                        : add_child(n, path);
	if (p != NULL) {
		p->in_epoch = epoch;
		p->in_seq = seq;
	}
}

/* Load the cursors this node holds on its parent's and children's logs.
 * Children known from earlier runs show up in status before they
 * reconnect. */
static int
load_cursors(struct ld_node *n)
{
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0)
		return rc;
	rc = ld_store_cursor_each(&t, cursor_seen, n);
	ld_store_read_end(&t);
	return rc;
}

/* ---------------------------------------------------------------- store */

/* Flow filter for streaming to `p`. */
static bool
wants(struct ld_node *n, const struct ld_peer *p, const struct ld_flow_rec *fr)
{
	return p->is_parent ? ld_flow_send_up(n->cfg.id, fr)
	                    : ld_flow_send_down(n->cfg.id, p->path, fr);
}

uint64_t
ld_node_lag_out(struct ld_node *n, struct ld_txn *t, const struct ld_peer *p,
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

/* ---------------------------------------------------------------- apply */

/* Apply one batch inside the write transaction `t` (or, with t == NULL, a
 * batch without records, in memory only). Uses p->... tx fields so that a
 * rerun after the map grows starts from the same state. */
struct tx_peer {
	struct ld_peer *p;
	uint64_t seq;
	bool ack, rewind, persist;
};

struct turn {
	struct ld_node *n;
	struct tx_peer *tp; /* one per peer with a batch this turn */
	size_t ntp, cap;
	int64_t wall;
};

static struct tx_peer *
turn_peer(struct turn *tu, struct ld_peer *p)
{
	for (size_t i = 0; i < tu->ntp; i++)
		if (tu->tp[i].p == p)
			return &tu->tp[i];
	if (tu->ntp == tu->cap)
		return NULL; /* cannot happen: cap is every peer */
	struct tx_peer *x = &tu->tp[tu->ntp++];
	memset(x, 0, sizeof(*x));
	x->p = p;
	x->seq = p->in_seq;
	return x;
}

static int
apply_batch(struct turn *tu, struct ld_txn *t, struct work *w)
{
	struct ld_node *n = tu->n;
	struct ld_peer *p = w->peer;
	const Ld__Batch *b = w->frame->batch;
	w->applied = w->ignored = w->refused = 0;
	w->held = false;
	w->refuse_why[0] = '\0';
	/* Queued before a new Hello in the same turn changed the session or
	 * the epoch: it belongs to the old log; drop it unacknowledged. */
	if (b->session != p->session || b->epoch != p->in_epoch)
		return 0;
	struct tx_peer *x = turn_peer(tu, p);
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
		struct ld_ingest in = {
		    .peer = p->path, .from_parent = p->is_parent, .kr = n->kr,
		    .vpool = n->vpool};
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
	}
	x->seq = b->to_seq;
	x->ack = true;
	x->persist = true;
	return 0;
}

/* The write transaction of a turn: every queued add and batch, and every
 * cursor that moved. Rerun from the start if the map had to grow. */
static int
write_turn(struct ld_txn *t, void *arg)
{
	struct turn *tu = arg;
	struct ld_node *n = tu->n;
	tu->ntp = 0;
	/* A rerun (the map grew) must not trust keys derived from node
	 * records of the aborted attempt. */
	if (n->kr != NULL && t != NULL)
		ld_keyring_forget(n->kr);
	for (size_t i = 0; i < n->nwork; i++) {
		struct work *w = &n->work[i];
		int rc = w->type == WORK_CLIENT   ? ld_api_write(n, t, w)
		         : w->type == WORK_CHUNK  ? ld_fetch_write(n, t, w)
		         : w->type == WORK_REPORT ? ld_schedule_write(n, t, w)
		                                  : apply_batch(tu, t, w);
		if (rc != 0)
			return rc;
	}
	if (t == NULL)
		return 0;
	/* Cursors: those moved by this turn's batches, and any left dirty by
	 * earlier batches that carried no records. */
	for (size_t i = 0; i < tu->ntp; i++) {
		struct tx_peer *x = &tu->tp[i];
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

/* Run the queued work: one transaction if anything must be stored, then
 * answers, acks and waiters. */
static void
process_work(struct ld_node *n, bool flush)
{
	if (n->nwork == 0 && !flush)
		return;
	bool need_txn = flush;
	for (size_t i = 0; i < n->nwork && !need_txn; i++) {
		struct work *w = &n->work[i];
		need_txn = w->type != WORK_BATCH ||
		           w->frame->batch->n_records > 0;
	}
	struct turn *tu = calloc(1, sizeof(*tu));
	size_t cap = n->nchildren + 1;
	if (tu == NULL || (tu->tp = calloc(cap, sizeof(*tu->tp))) == NULL) {
		ld_err("out of memory");
		free(tu);
		return;
	}
	tu->cap = cap;
	tu->n = n;
	tu->wall = ld_wall_ms();
	int rc = need_txn ? ld_store_write(n->st, write_turn, tu)
	                  : write_turn(NULL, tu);
	if (rc != 0) {
		ld_err("store: write failed: %s (nothing from this turn was "
		       "stored; peers will resend)",
		       ld_store_strerror(rc));
		if (n->kr != NULL)
			ld_keyring_forget(n->kr);
		tu->ntp = 0;
		for (size_t i = 0; i < n->nwork; i++) {
			struct work *w = &n->work[i];
			if (w->type == WORK_CLIENT && w->code == LD__CODE__CODE_OK) {
				w->code = LD__CODE__CODE_INTERNAL;
				snprintf(w->err, sizeof(w->err),
				         "store write failed: %s",
				         ld_store_strerror(rc));
			}
		}
	}
	if (rc == 0 && need_txn) {
		/* Every cursor is on disk now. */
		if (n->has_parent)
			n->parent.in_dirty = false;
		for (size_t i = 0; i < n->nchildren; i++)
			n->children[i]->in_dirty = false;
	}
	for (size_t i = 0; i < tu->ntp; i++) {
		struct tx_peer *x = &tu->tp[i];
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
		if (w->type == WORK_CLIENT) {
			ld_api_write_done(n, w);
			continue;
		}
		if (w->type == WORK_CHUNK) {
			ld_fetch_done(n, w, rc == 0);
			ld__frame__free_unpacked(w->frame, NULL);
			continue;
		}
		if (w->type == WORK_REPORT) {
			ld_schedule_done(n, w, rc == 0);
			continue;
		}
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
		if (rc == 0 && w->refused > 0) {
			p->refused += w->refused;
			n->refused_total += w->refused;
			ld_warn("link: refused %llu record(s) from %s %s: %s",
			        (unsigned long long)w->refused,
			        p->is_parent ? "parent" : "child", p->path,
			        w->refuse_why);
		}
		ld__frame__free_unpacked(w->frame, NULL);
	}
	n->nwork = 0;
	n->work_bytes = 0;
	free(tu->tp);
	free(tu);
	if (rc == 0 && need_txn) {
		n->last_flush_ms = ld_now_ms();
		ld_api_check_waiters(n, ld_now_ms());
	}
}

struct work *
ld_node_new_work(struct ld_node *n)
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
ld_node_commit(struct ld_node *n)
{
	process_work(n, false);
}

/* ---------------------------------------------------------------- streaming */

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

/* Room a batch keeps for NODE records sent ahead of one record. */
#define CHAIN_ROOM LD_PATH_MAX_DEPTH

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
	size_t cap = n->cfg.batch_records + CHAIN_ROOM;
	ProtobufCBinaryData *recs = malloc(cap * sizeof(*recs));
	if (recs == NULL)
		return;
	while (ld_link_can_send(p, head)) {
		struct ld_logiter it;
		if (ld_store_log_open(t, p->out_sent, &it) != 0)
			break;
		size_t nrec = 0, bytes = 0, scanned = 0;
		uint64_t last = p->out_sent;
		struct ld_logent e;
		struct ready_set rs = {.n = 0};
		int rc = 0;
		while (nrec < n->cfg.batch_records &&
		       bytes < n->cfg.batch_bytes && scanned < SCAN_MAX &&
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
			if (nrec > 0 && bytes + v.n > n->cfg.batch_bytes)
				break;
			/* Hold the stream here until the owner is certified. */
			if (n->kr != NULL && !chain_ready(t, e.flow.owner, &rs))
				break;
			if (n->kr != NULL &&
			    !send_chain(n, t, p, e.flow.owner, e.seq, recs, &nrec,
			                &bytes)) {
				ld_warn("link: cannot send %s to %s: a node record "
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
		Ld__Frame f = LD__FRAME__INIT;
		f.msg_case = LD__FRAME__MSG_BATCH;
		f.batch = &b;
		if (ld_node_send(n, p, &f) != 0)
			break; /* EAGAIN: later; unreachable: session is down */
		ld_link_sent(p, last, ld_now_ms());
	}
	free(recs);
}

static void
stream_all(struct ld_node *n)
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

/* What the parent knows of records this node owns (Welcome). */
struct self_floor {
	struct ld_node *n;
	uint64_t counter;      /* ids up to this are taken */
	uint64_t node_version; /* our NODE record is at least this */
	bool welcome;          /* called for a Welcome (not at start) */
	const uint8_t *cert;   /* the parent's certificate for our keys */
};

/* Make sure the node's own NODE record says what the config says, at a
 * version above any the parent holds, and that the id counter is above
 * any id the parent holds. */
static int
put_self(struct ld_txn *t, void *arg)
{
	struct self_floor *fl = arg;
	struct ld_node *n = fl->n;
	ld_store_raise_counter(t, fl->counter);
	/* Has this store ever completed a handshake? (Kept in the store, so
	 * a crash before the first Welcome does not forget it.) */
	uint64_t welcomed = 1;
	int rc = ld_store_flag_get(t, "welcomed", &welcomed);
	if (rc != 0)
		return rc;
	bool fresh = fl->welcome && welcomed == 0;
	if (fresh && (rc = ld_store_flag_put(t, "welcomed", 1)) != 0)
		return rc;
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), n->cfg.id, 0);
	struct ld_val v;
	uint64_t version = 0;
	/* Keep the certificate we have unless a new one came. */
	uint8_t cert[64];
	bool have_cert = fl->cert != NULL;
	if (have_cert)
		memcpy(cert, fl->cert, 64);
	bool secure = !n->cfg.insecure;
	rc = ld_store_get(t, id, &v, &version);
	if (rc == 0) {
		Ld__Record *old = ld_record_unpack(v.p, v.n);
		const Ld__Node *on = old != NULL && old->body_case ==
		                                        LD__RECORD__BODY_NODE
		                         ? old->node
		                         : NULL;
		bool keys_same =
		    on != NULL &&
		    (!secure ||
		     (on->sign_key.len == 32 &&
		      memcmp(on->sign_key.data, n->keys.sign_pub, 32) == 0 &&
		      on->curve_key.len == 32 &&
		      memcmp(on->curve_key.data, n->keys.curve_pub, 32) == 0));
		if (!have_cert && keys_same && on->cert.len == 64) {
			memcpy(cert, on->cert.data, 64);
			have_cert = true;
		}
		bool same = on != NULL && keys_same &&
		            strcmp(on->name, n->cfg.name) == 0 &&
		            strcmp(on->level, n->cfg.level) == 0 &&
		            (!have_cert ||
		             (on->cert.len == 64 &&
		              memcmp(on->cert.data, cert, 64) == 0)) &&
		            (!n->have_root_cert ||
		             (on->root_cert.len == 64 &&
		              memcmp(on->root_cert.data, n->root_cert, 64) == 0));
		if (old != NULL)
			ld__record__free_unpacked(old, NULL);
		/* Equal versions are the record we sent, unless our store is
		 * new and this is its first handshake: then the parent's is
		 * from an older life of this node, maybe with another name. */
		if (same && (version > fl->node_version ||
		             (version == fl->node_version && !fresh)))
			return 0;
	} else if (rc != MDB_NOTFOUND) {
		return rc;
	}
	if (version < fl->node_version)
		version = fl->node_version;
	Ld__Node body = LD__NODE__INIT;
	body.path = n->cfg.id;
	body.level = n->cfg.level;
	body.name = n->cfg.name;
	body.region = (char *)ld_path_last(n->cfg.id);
	if (secure) {
		body.sign_key.data = n->keys.sign_pub;
		body.sign_key.len = 32;
		body.curve_key.data = n->keys.curve_pub;
		body.curve_key.len = 32;
		if (have_cert) {
			body.cert.data = cert;
			body.cert.len = 64;
		}
		if (n->have_root_cert) {
			body.root_cert.data = n->root_cert;
			body.root_cert.len = 64;
		}
	}
	char *scope[1] = {n->cfg.id};
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.kind = LD__KIND__KIND_NODE;
	r.owner = n->cfg.id;
	r.version = version + 1;
	r.n_scope = 1;
	r.scope = scope;
	r.updated_at = ld_wall_ms();
	r.body_case = LD__RECORD__BODY_NODE;
	r.node = &body;
	uint8_t sig[64];
	if (secure && ld_sign_record(&r, n->keys.sign_sec, false, sig) != 0)
		return -ENOMEM;
	if (n->kr != NULL)
		ld_keyring_forget_under(n->kr, n->cfg.id);
	return ld_store_put(t, &r);
}

/* ---------------------------------------------------------------- link frames */

/* A Hello from connection `rid`, whose identity is `who`: the path ZAP
 * authenticated (secure) or the routing id the child chose (insecure). */
static void
on_hello(struct ld_node *n, const struct ld_rid *rid, const char *who,
         const Ld__Hello *h, const char *uid)
{
	char reason[512];
	if (h->protocol != LD_PROTOCOL) {
		snprintf(reason, sizeof(reason),
		         "protocol %u not supported (this node speaks %d)",
		         h->protocol, LD_PROTOCOL);
		ld_warn("link: refused %s: %s", who, reason);
		send_reject(n->router, rid, LD__REJECT_CODE__REJECT_PROTOCOL,
		            h->session, reason);
		return;
	}
	if (strcmp(h->path, who) != 0 || !ld_path_valid(h->path, NULL)) {
		snprintf(reason, sizeof(reason),
		         n->auth != NULL
		             ? "Hello path '%.64s' is not the one enrolled for "
		               "this connection's key"
		             : "Hello path '%.64s' differs from the routing id",
		         h->path);
		ld_warn("link: refused %s: %s", who, reason);
		send_reject(n->router, rid,
		            n->auth != NULL ? LD__REJECT_CODE__REJECT_KEY
		                            : LD__REJECT_CODE__REJECT_MALFORMED,
		            h->session, reason);
		return;
	}
	if (!ld_path_is_child(h->path, n->cfg.id)) {
		snprintf(reason, sizeof(reason),
		         "path %s is not one segment below %s", h->path,
		         n->cfg.id);
		ld_warn("link: refused child %s: %s", h->path, reason);
		send_reject(n->router, rid, LD__REJECT_CODE__REJECT_PATH,
		            h->session, reason);
		return;
	}
	/* The key the connection authenticated with must be the one enrolled
	 * for the path the child claims. */
	if (n->auth != NULL && !ld_auth_allows(n->auth, h->path, uid)) {
		snprintf(reason, sizeof(reason),
		         "the key of this connection is not the one enrolled for "
		         "%s",
		         h->path);
		ld_warn("link: refused child %s: %s", h->path, reason);
		send_reject(n->router, rid, LD__REJECT_CODE__REJECT_KEY,
		            h->session, reason);
		return;
	}
	struct ld_peer *p = find_child(n, h->path);
	int64_t t_hello = ld_now_ms();
	/* A child says Hello once per connection attempt; more than ten a
	 * second is a flood: ignore the rest of that second. */
	if (p != NULL) {
		if (t_hello - p->last_hello_ms >= 1000) {
			p->last_hello_ms = t_hello;
			p->hellos = 0;
		}
		if (++p->hellos > 10)
			return;
	}
	if (p == NULL) {
		p = add_child(n, h->path);
		if (p == NULL) {
			ld_err("out of memory");
			return;
		}
		struct ld_txn t;
		if (ld_store_read_begin(n->st, &t) == 0) {
			ld_store_cursor_get(&t, p->path, &p->in_epoch,
			                    &p->in_seq);
			ld_store_read_end(&t);
		}
	}
	if (p->hellos == 0) {
		p->last_hello_ms = t_hello;
		p->hellos = 1;
	}
	int64_t now = t_hello;
	uint64_t was = p->in_epoch;
	if (ld_link_peer_log(p, h->epoch, h->head) && was != 0)
		ld_info("link: child %s has a new log epoch or a shorter log; "
		        "reading it from the start",
		        p->path);
	uint64_t head = ld_store_head(n->st);
	uint64_t resume = ld_link_resume_point(
	    ld_store_epoch(n->st), head, h->resume_epoch, h->resume_seq);
	if (resume != h->resume_seq)
		ld_info("link: child %s asked to resume our log after %llu on "
		        "another epoch or past our head %llu; sending it from "
		        "the start",
		        p->path, (unsigned long long)h->resume_seq,
		        (unsigned long long)head);
	ld_link_session_up(p, h->session, resume, n->cfg.credit, now);
	p->in_head = h->head;
	snprintf(p->user_id, sizeof(p->user_id), "%s", uid ? uid : "");
	p->rid_len = rid->len;
	memcpy(p->rid, rid->id, rid->len);
	/* Never drop a child for silence shorter than three of its pings. */
	p->dead_ms = n->cfg.dead_ms;
	uint32_t ping = h->ping_ms > 600000 ? 600000 : h->ping_ms;
	if (ping > 0 && ping * 3 > p->dead_ms)
		p->dead_ms = ping * 3;
	copy_peer_text(p->name, sizeof(p->name), h->name);

	Ld__Welcome wl = LD__WELCOME__INIT;
	struct ld_txn t;
	if (ld_store_read_begin(n->st, &t) == 0) {
		char nid[LD_ID_MAX + 1];
		ld_id_format(nid, sizeof(nid), p->path, 0);
		struct ld_val v;
		if (ld_store_get(&t, nid, &v, &wl.node_version) != 0)
			wl.node_version = 0;
		if (ld_store_max_counter(&t, p->path, &wl.owned_counter) != 0)
			wl.owned_counter = 0;
		ld_store_read_end(&t);
	}
	uint8_t cert[64];
	const struct ld_child_key *ck =
	    n->auth != NULL ? ld_auth_child(n->auth, p->path) : NULL;
	if (ck != NULL) {
		ld_cert_make(n->keys.sign_sec, p->path, ck->sign, ck->curve,
		             cert);
		wl.cert.data = cert;
		wl.cert.len = 64;
	}
	wl.protocol = LD_PROTOCOL;
	wl.path = n->cfg.id;
	wl.session = h->session;
	wl.epoch = ld_store_epoch(n->st);
	wl.resume_epoch = p->in_epoch;
	wl.resume_seq = p->in_seq;
	wl.head = head;
	wl.name = n->cfg.name;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_WELCOME;
	f.welcome = &wl;
	if (ld_node_send(n, p, &f) != 0) {
		ld_link_session_down(p, "could not answer Hello");
		return;
	}
	ld_info("link: child %s (%s) connected; resuming our log after %llu, "
	        "its log after %llu",
	        p->path, p->name, (unsigned long long)resume,
	        (unsigned long long)p->in_seq);
}

static void
say_hello(struct ld_node *n, int64_t now)
{
	struct ld_peer *p = &n->parent;
	p->session = random_u64();
	Ld__Hello h = LD__HELLO__INIT;
	h.protocol = LD_PROTOCOL;
	h.path = n->cfg.id;
	h.level = n->cfg.level;
	h.name = n->cfg.name;
	h.session = p->session;
	h.epoch = ld_store_epoch(n->st);
	h.resume_epoch = p->in_epoch;
	h.resume_seq = p->in_seq;
	h.head = ld_store_head(n->st);
	h.ping_ms = n->cfg.ping_ms;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_HELLO;
	f.hello = &h;
	if (send_frame(n->dealer, NULL, &f) != 0) {
		/* Not connected yet (ZMQ_IMMEDIATE): try again later. */
		ld_link_backoff(p, now, n->cfg.reconnect_max_ms);
		/* Keep the more telling reason of a failed handshake. */
		if (p->state != LD_PEER_REJECTED && !p->shake_failed)
			snprintf(p->last_error, sizeof(p->last_error),
			         "cannot reach %s (retrying every %u ms at "
			         "most)",
			         n->cfg.parent, n->cfg.reconnect_max_ms);
		return;
	}
	p->state = LD_PEER_HELLO_SENT;
	p->hello_sent_ms = now;
	p->last_send_ms = now;
}

static void
on_welcome(struct ld_node *n, const Ld__Welcome *w)
{
	struct ld_peer *p = &n->parent;
	if (p->state != LD_PEER_HELLO_SENT || w->session != p->session)
		return; /* an answer to an older Hello */
	int64_t now = ld_now_ms();
	if (strcmp(w->path, p->path) != 0) {
		snprintf(p->last_error, sizeof(p->last_error),
		         "the node at %s is not our parent %s", n->cfg.parent,
		         p->path);
		ld_err("link: %s", p->last_error);
		p->state = LD_PEER_REJECTED;
		ld_link_backoff(p, now, n->cfg.reconnect_max_ms);
		return;
	}
	uint64_t was = p->in_epoch;
	if (ld_link_peer_log(p, w->epoch, w->head) && was != 0)
		ld_info("link: parent %s has a new log epoch or a shorter log; "
		        "reading it from the start",
		        p->path);
	/* Never reuse an id the parent already holds (our store may be new
	 * or restored from a backup). */
	const uint8_t *cert = NULL;
	if (!n->cfg.insecure) {
		if (w->cert.len != 64 ||
		    !ld_cert_verify(n->cfg.parent_sign, n->cfg.id,
		                    n->keys.sign_pub, n->keys.curve_pub,
		                    w->cert.data)) {
			snprintf(p->last_error, sizeof(p->last_error),
			         "the parent sent no valid certificate for this "
			         "node's key (is the SIGN part of parent_key "
			         "right?)");
			ld_err("link: %s", p->last_error);
			p->state = LD_PEER_REJECTED;
			ld_link_backoff(p, now, n->cfg.reconnect_max_ms);
			return;
		}
		cert = w->cert.data;
	}
	/* Floors past the cap would only stop us (a parent gone wrong). */
	uint64_t floor_c = w->owned_counter, floor_v = w->node_version;
	if (floor_c >= LD_NUM_MAX || floor_v >= LD_NUM_MAX) {
		ld_warn("link: parent %s sent an impossible id floor; ignored",
		        p->path);
		floor_c = floor_c >= LD_NUM_MAX ? 0 : floor_c;
		floor_v = floor_v >= LD_NUM_MAX ? 0 : floor_v;
	}
	struct self_floor fl = {n, floor_c, floor_v, true, cert};
	int rc = ld_store_write(n->st, put_self, &fl);
	if (rc != 0) {
		ld_err("store: raising our id counter: %s; will say Hello "
		       "again",
		       ld_store_strerror(rc));
		ld_link_session_down(p, "could not store the parent's id "
		                        "floor");
		ld_link_backoff(p, now, n->cfg.reconnect_max_ms);
		return;
	}
	uint64_t head = ld_store_head(n->st);
	uint64_t resume = ld_link_resume_point(
	    ld_store_epoch(n->st), head, w->resume_epoch, w->resume_seq);
	ld_link_session_up(p, w->session, resume, n->cfg.credit, now);
	p->in_head = w->head;
	copy_peer_text(p->name, sizeof(p->name), w->name);
	ld_info("link: connected to parent %s (%s) at %s; resuming our log "
	        "after %llu, its log after %llu",
	        p->path, p->name, n->cfg.parent, (unsigned long long)resume,
	        (unsigned long long)p->in_seq);
}

static void
on_reject(struct ld_node *n, const Ld__Reject *r)
{
	struct ld_peer *p = &n->parent;
	int64_t now = ld_now_ms();
	if (r->code == LD__REJECT_CODE__REJECT_SESSION) {
		if (r->session != p->session || p->state == LD_PEER_DOWN)
			return;
		ld_info("link: parent %s lost our session; saying Hello again",
		        p->path);
		ld_link_session_down(p, "parent lost the session");
		p->next_hello_ms = now;
		return;
	}
	if (r->session != p->session && r->code != LD__REJECT_CODE__REJECT_KEY)
		return;
	char reason[200];
	copy_peer_text(reason, sizeof(reason), r->reason);
	char was[sizeof(p->last_error)];
	snprintf(was, sizeof(was), "%s", p->last_error);
	snprintf(p->last_error, sizeof(p->last_error), "rejected: %s", reason);
	if (strcmp(was, p->last_error) != 0 || p->state != LD_PEER_REJECTED)
		ld_err("link: parent at %s refused us: %s", n->cfg.parent,
		       reason);
	p->state = LD_PEER_REJECTED;
	p->session = 0;
	ld_link_backoff(p, now, n->cfg.reconnect_max_ms);
}

static void
on_ping(struct ld_node *n, struct ld_peer *p, const Ld__Ping *pg)
{
	p->in_head = pg->head;
	Ld__Ping po = LD__PING__INIT;
	po.session = p->session;
	po.head = ld_store_head(n->st);
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_PONG;
	f.pong = &po;
	ld_node_send(n, p, &f);
}

/* A frame on an established session (batch, ack, ping, pong). Takes f. */
static void
on_session_frame(struct ld_node *n, struct ld_peer *p, Ld__Frame *f)
{
	int64_t now = ld_now_ms();
	p->last_recv_ms = now;
	switch (f->msg_case) {
	case LD__FRAME__MSG_BATCH: {
		Ld__Batch *b = f->batch;
		if (b->epoch != p->in_epoch)
			break; /* from before an epoch change */
		/* No honest batch is bigger: batch_records is at most LD_BATCH_MAX
		 * and a sender adds a few node records ahead of one. */
		if (b->n_records > LD_BATCH_MAX + CHAIN_ROOM) {
			ld_warn("link: %s %s sent a batch of %zu records; "
			        "refused",
			        p->is_parent ? "parent" : "child", p->path,
			        b->n_records);
			break;
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
			break;
		}
		p->in_head = b->head;
		struct work *w = ld_node_new_work(n);
		if (w == NULL)
			break;
		w->type = WORK_BATCH;
		w->peer = p;
		w->frame = f;
		n->work_bytes += ld__batch__get_packed_size(b);
		return; /* the work item owns f now */
	}
	case LD__FRAME__MSG_ACK:
		ld_link_on_ack(p, f->ack->seq, f->ack->credit, f->ack->rewind,
		               now);
		break;
	case LD__FRAME__MSG_PING:
		/* Pings come every ping_ms (50 ms at least): answer no faster. */
		if (now - p->last_pong_ms >= 50) {
			p->last_pong_ms = now;
			on_ping(n, p, f->ping);
		}
		break;
	case LD__FRAME__MSG_PONG:
		p->in_head = f->pong->head;
		break;
	case LD__FRAME__MSG_FETCH:
	case LD__FRAME__MSG_CHUNK:
		ld_fetch_on_frame(n, p, f);
		return; /* it took f */
	default:
		break;
	}
	ld__frame__free_unpacked(f, NULL);
}

static uint64_t
frame_session(const Ld__Frame *f)
{
	switch (f->msg_case) {
	case LD__FRAME__MSG_BATCH:
		return f->batch->session;
	case LD__FRAME__MSG_ACK:
		return f->ack->session;
	case LD__FRAME__MSG_PING:
		return f->ping->session;
	case LD__FRAME__MSG_PONG:
		return f->pong->session;
	case LD__FRAME__MSG_FETCH:
		return f->fetch->session;
	case LD__FRAME__MSG_CHUNK:
		return f->chunk->session;
	default:
		return 0;
	}
}

/* A message from a child on the ROUTER, on connection `rid`; `who` is
 * its identity (see on_hello) and `uid` what ZAP gave the connection
 * (NULL on an insecure node). */
static void
on_child_msg(struct ld_node *n, const struct ld_rid *rid, const char *who,
             const char *uid, const void *buf, size_t len)
{
	Ld__Frame *f = frame_unpack(buf, len);
	if (f == NULL) {
		ld_warn("link: undecodable frame (%zu bytes) from %s", len,
		        who);
		return;
	}
	if (f->msg_case == LD__FRAME__MSG_HELLO) {
		on_hello(n, rid, who, f->hello, uid);
		ld__frame__free_unpacked(f, NULL);
		return;
	}
	struct ld_peer *p = find_child(n, who);
	uint64_t s = frame_session(f);
	if (p == NULL || p->state != LD_PEER_UP || s != p->session) {
		if (f->msg_case != LD__FRAME__MSG_REJECT && s != 0)
			send_reject(n->router, rid,
			            LD__REJECT_CODE__REJECT_SESSION, s,
			            "no such session; say Hello");
		ld__frame__free_unpacked(f, NULL);
		return;
	}
	on_session_frame(n, p, f);
}

/* A message from the parent on the DEALER. */
static void
on_parent_msg(struct ld_node *n, const void *buf, size_t len)
{
	Ld__Frame *f = frame_unpack(buf, len);
	if (f == NULL) {
		ld_warn("link: undecodable frame (%zu bytes) from parent",
		        len);
		return;
	}
	struct ld_peer *p = &n->parent;
	switch (f->msg_case) {
	case LD__FRAME__MSG_WELCOME:
		on_welcome(n, f->welcome);
		break;
	case LD__FRAME__MSG_REJECT:
		on_reject(n, f->reject);
		break;
	default:
		if (p->state == LD_PEER_UP && frame_session(f) == p->session) {
			on_session_frame(n, p, f);
			return;
		}
		break;
	}
	ld__frame__free_unpacked(f, NULL);
}

/* ---------------------------------------------------------------- sockets */

/* Receive one message from a ROUTER: [rid][body]. Returns 1 with both,
 * 0 when nothing is ready, -1 on error. Extra frames are dropped. */
static int
recv_routed(void *sock, zmq_msg_t *rid, zmq_msg_t *body)
{
	zmq_msg_init(rid);
	if (zmq_msg_recv(rid, sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(rid);
		return errno == EAGAIN ? 0 : -1;
	}
	zmq_msg_init(body);
	if (!zmq_msg_more(rid) || zmq_msg_recv(body, sock, 0) < 0) {
		zmq_msg_close(rid);
		zmq_msg_close(body);
		return 0;
	}
	while (zmq_msg_more(body)) {
		zmq_msg_t extra;
		zmq_msg_init(&extra);
		int rc = zmq_msg_recv(&extra, sock, 0);
		zmq_msg_close(&extra);
		if (rc < 0)
			break;
		/* A multi-part body is not ours: ignore the whole thing. */
		zmq_msg_close(body);
		zmq_msg_init(body);
	}
	return 1;
}

/* Client requests, from the local socket or (remote) the CURVE one,
 * where every request's administrator is checked against the list as it
 * is now. */
static void
drain_api(struct ld_node *n, bool remote)
{
	void *sock = remote ? n->api_remote : n->api;
	for (int i = 0; i < DRAIN_MAX; i++) {
		zmq_msg_t rid, body;
		if (recv_routed(sock, &rid, &body) <= 0)
			return;
		struct ld_rid r;
		r.remote = remote;
		r.len = zmq_msg_size(&rid);
		if (r.len > sizeof(r.id))
			r.len = sizeof(r.id);
		memcpy(r.id, zmq_msg_data(&rid), r.len);
		zmq_msg_close(&rid);
		if (remote && !ld_auth_admin_allows(
		                  n->auth, zmq_msg_gets(&body, "User-Id"))) {
			/* Answer the request it sent, so its client sees why. */
			Ld__Request *req = ld__request__unpack(
			    NULL, zmq_msg_size(&body), zmq_msg_data(&body));
			Ld__Response resp = LD__RESPONSE__INIT;
			if (req != NULL) {
				resp.req_id = req->req_id;
				ld__request__free_unpacked(req, NULL);
			}
			resp.code = LD__CODE__CODE_REFUSED;
			resp.error = "this key is not (or no longer) an "
			             "administrator here";
			ld_api_reply(n, &r, &resp);
			zmq_msg_close(&body);
			continue;
		}
		ld_api_on_request(n, &r, zmq_msg_data(&body),
		                  zmq_msg_size(&body));
		zmq_msg_close(&body);
	}
}

static void
drain_router(struct ld_node *n)
{
	for (int i = 0; i < DRAIN_MAX && n->work_bytes < TURN_BYTES; i++) {
		zmq_msg_t rid, body;
		if (recv_routed(n->router, &rid, &body) <= 0)
			return;
		struct ld_rid r;
		r.len = zmq_msg_size(&rid);
		if (r.len == 0 || r.len > sizeof(r.id)) {
			zmq_msg_close(&rid);
			zmq_msg_close(&body);
			continue;
		}
		memcpy(r.id, zmq_msg_data(&rid), r.len);
		/* Who sent it: on a secure node the path ZAP authenticated
		 * (the routing id is only the connection); on an insecure
		 * one the routing id the child chose, its path. */
		char who[LD_PATH_MAX + 1] = "";
		const char *uid = NULL;
		if (n->auth != NULL) {
			uid = zmq_msg_gets(&body, "User-Id");
			size_t wl = uid != NULL ? strcspn(uid, " ") : 0;
			if (wl > 0 && wl <= LD_PATH_MAX) {
				memcpy(who, uid, wl);
				who[wl] = '\0';
			}
		} else if (r.len <= LD_PATH_MAX &&
		           memchr(r.id, '\0', r.len) == NULL) {
			memcpy(who, r.id, r.len);
			who[r.len] = '\0';
		}
		/* Revoked or re-keyed since its Hello: refuse before even
		 * decoding what it sent, and keep refusing. */
		if (who[0] != '\0' && n->auth != NULL &&
		    !ld_auth_allows(n->auth, who, uid)) {
			struct ld_peer *p = find_child(n, who);
			if (p != NULL && p->state == LD_PEER_UP)
				ld_link_session_down(p, "key revoked");
			send_reject(n->router, &r, LD__REJECT_CODE__REJECT_KEY, 0,
			            "this node's key is not (or no longer) "
			            "enrolled");
		} else if (who[0] != '\0') {
			on_child_msg(n, &r, who, uid, zmq_msg_data(&body),
			             zmq_msg_size(&body));
		}
		zmq_msg_close(&rid);
		zmq_msg_close(&body);
	}
}

static void
drain_dealer(struct ld_node *n)
{
	for (int i = 0; i < DRAIN_MAX && n->work_bytes < TURN_BYTES; i++) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, n->dealer, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&m);
			return;
		}
		on_parent_msg(n, zmq_msg_data(&m), zmq_msg_size(&m));
		zmq_msg_close(&m);
	}
}

/* Handshake failures with the parent (CURVE): a wrong parent_key, or this
 * node not enrolled there. ZeroMQ retries; status says why it fails. */
static void
drain_monitor(struct ld_node *n)
{
	for (;;) {
		zmq_msg_t ev, ep;
		zmq_msg_init(&ev);
		if (zmq_msg_recv(&ev, n->monitor, ZMQ_DONTWAIT) < 0) {
			zmq_msg_close(&ev);
			return;
		}
		zmq_msg_init(&ep);
		if (zmq_msg_more(&ev))
			zmq_msg_recv(&ep, n->monitor, 0);
		uint16_t event = 0;
		if (zmq_msg_size(&ev) >= 6)
			memcpy(&event, zmq_msg_data(&ev), 2);
		zmq_msg_close(&ev);
		zmq_msg_close(&ep);
		struct ld_peer *p = &n->parent;
		const char *why = NULL;
		if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
			why = "the parent refused this node's key: has it run "
			      "'liandong child add' for it?";
		else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
		         event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
			why = "the secure handshake with the parent failed: is "
			      "parent_key right?";
		if (why != NULL)
			p->shake_failed = true;
		if (why != NULL && strcmp(p->last_error, why) != 0) {
			snprintf(p->last_error, sizeof(p->last_error), "%s", why);
			ld_warn("link: %s (%s)", why, n->cfg.parent);
		}
	}
}

int
ld_node_reload(struct ld_node *n, char *err, size_t errlen)
{
	if (n->auth == NULL) {
		if (!n->cfg.insecure)
			return 0; /* it listens to no one: nothing to reload */
		snprintf(err, errlen, "this node is insecure: it has no "
		                      "allow-list");
		return -1;
	}
	if (ld_auth_reload(n->auth, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n->nchildren; i++) {
		struct ld_peer *p = n->children[i];
		if (p->state == LD_PEER_UP &&
		    !ld_auth_allows(n->auth, p->path, p->user_id)) {
			ld_warn("link: child %s revoked; its session ends now",
			        p->path);
			struct ld_rid r;
			r.len = p->rid_len;
			memcpy(r.id, p->rid, p->rid_len);
			send_reject(n->router, &r, LD__REJECT_CODE__REJECT_KEY,
			            p->session,
			            "this node's key is no longer enrolled");
			ld_link_session_down(p, "key revoked");
		}
	}
	ld_info("auth: allow-list reloaded");
	return 0;
}

/* ---------------------------------------------------------------- timers */

static void
timers(struct ld_node *n, int64_t now)
{
	const struct ld_config *c = &n->cfg;
	if (n->has_parent) {
		struct ld_peer *p = &n->parent;
		switch (p->state) {
		case LD_PEER_DOWN:
		case LD_PEER_REJECTED:
			if (now >= p->next_hello_ms)
				say_hello(n, now);
			break;
		case LD_PEER_HELLO_SENT:
			/* A busy parent may take a while to answer. */
			if (now - p->hello_sent_ms > (int64_t)c->dead_ms) {
				p->state = LD_PEER_DOWN;
				ld_link_backoff(p, now, c->reconnect_max_ms);
			}
			break;
		case LD_PEER_UP:
			if (now - p->last_recv_ms > (int64_t)c->dead_ms) {
				ld_warn("link: parent %s silent for %u ms; "
				        "reconnecting",
				        p->path, c->dead_ms);
				ld_link_session_down(p, "parent went silent");
				ld_link_backoff(p, now, c->reconnect_max_ms);
			} else if (now - p->last_send_ms >= (int64_t)c->ping_ms) {
				Ld__Ping pg = LD__PING__INIT;
				pg.session = p->session;
				pg.head = ld_store_head(n->st);
				Ld__Frame f = LD__FRAME__INIT;
				f.msg_case = LD__FRAME__MSG_PING;
				f.ping = &pg;
				ld_node_send(n, p, &f);
			}
			if (ld_link_ack_timeout(p, now, c->dead_ms))
				ld_warn("link: parent %s did not acknowledge "
				        "in %u ms; resending from %llu",
				        p->path, c->dead_ms,
				        (unsigned long long)p->out_acked);
			break;
		}
	}
	for (size_t i = 0; i < n->nchildren; i++) {
		struct ld_peer *p = n->children[i];
		if (p->state != LD_PEER_UP)
			continue;
		if (now - p->last_recv_ms > (int64_t)p->dead_ms) {
			ld_warn("link: child %s silent for %u ms; dropping its "
			        "session",
			        p->path, p->dead_ms);
			ld_link_session_down(p, "child went silent");
		} else if (ld_link_ack_timeout(p, now, p->dead_ms)) {
			ld_warn("link: child %s did not acknowledge in %u ms; "
			        "resending from %llu",
			        p->path, p->dead_ms,
			        (unsigned long long)p->out_acked);
		}
	}
	bool dirty = n->has_parent && n->parent.in_dirty;
	for (size_t i = 0; i < n->nchildren && !dirty; i++)
		dirty = n->children[i]->in_dirty;
	if (dirty && now - n->last_flush_ms >= FLUSH_MS)
		process_work(n, true);
	ld_api_check_waiters(n, now);
}

/* ---------------------------------------------------------------- setup */

static int
set_int(void *s, int opt, int v)
{
	return zmq_setsockopt(s, opt, &v, sizeof(v));
}

static int
link_opts(void *s, const struct ld_config *c)
{
	int64_t max = LD_FRAME_MAX;
	int hb = (int)c->ping_ms, hbt = (int)c->dead_ms;
	if (zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof(max)) != 0 ||
	    set_int(s, ZMQ_LINGER, 0) || set_int(s, ZMQ_SNDHWM, 10000) ||
	    set_int(s, ZMQ_RCVHWM, 10000) ||
	    set_int(s, ZMQ_HEARTBEAT_IVL, hb) ||
	    set_int(s, ZMQ_HEARTBEAT_TIMEOUT, hbt) ||
	    set_int(s, ZMQ_HEARTBEAT_TTL, hbt))
		return -1;
	return 0;
}

/* The root's endorsement of our keys (keys/endorsement), if installed
 * with 'liandong key endorsement': it goes into our NODE record, so that
 * nodes that knew our earlier key accept the new one. */
static int
load_endorsement(struct ld_node *n, char *err, size_t errlen)
{
	char file[4300], text[128];
	snprintf(file, sizeof(file), "%s/%s", n->cfg.dir, LD_ENDORSEMENT_FILE);
	FILE *f = fopen(file, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s",
		                                       file, strerror(errno)),
		                              -1);
	bool ok = fgets(text, sizeof(text), f) != NULL;
	fclose(f);
	if (ok) {
		text[strcspn(text, "\r\n")] = '\0';
		ok = ld_unb64_64(text, strlen(text), n->root_cert) &&
		     ld_cert_verify(n->cfg.root_sign, n->cfg.id, n->keys.sign_pub,
		                    n->keys.curve_pub, n->root_cert);
	}
	if (!ok) {
		snprintf(err, errlen, "%s: not the root's endorsement of this "
		         "node's keys", file);
		return -1;
	}
	n->have_root_cert = true;
	return 0;
}

/* One liandongd per data directory. */
static int
take_lock(struct ld_node *n, char *err, size_t errlen)
{
	char file[4300];
	snprintf(file, sizeof(file), "%s/liandongd.pid", n->cfg.dir);
	int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char pid[32] = "";
		ssize_t r = read(fd, pid, sizeof(pid) - 1);
		pid[r > 0 ? r : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen, "another liandongd (pid %s) is running "
		         "on %s", pid[0] ? pid : "?", n->cfg.dir);
		close(fd);
		return -1;
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)len) != len) {
		snprintf(err, errlen, "%s: cannot write pid", file);
		close(fd);
		return -1;
	}
	n->lock_fd = fd;
	return 0;
}

int
ld_node_open(const struct ld_config *cfg, struct ld_node **out, char *err,
             size_t errlen)
{
	*out = NULL;
	struct ld_node *n = calloc(1, sizeof(*n));
	if (n == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n->cfg = *cfg;
	n->lock_fd = -1;
	int rc;
	if ((n->fetch = ld_fetch_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(n);
		return -1;
	}
	if (take_lock(n, err, errlen) != 0)
		goto fail;
	if (ld_keys_init() != 0) {
		snprintf(err, errlen, "libsodium cannot start");
		goto fail;
	}
	if (!cfg->insecure) {
		if (ld_keys_load(cfg->dir, &n->keys, err, errlen) != 0)
			goto fail;
		if (ld_path_depth(cfg->id) == 1 &&
		    memcmp(cfg->root_sign, n->keys.sign_pub, 32) != 0) {
			snprintf(err, errlen, "%s/liandong.conf: root_key is not "
			         "this root node's own key", cfg->dir);
			goto fail;
		}
		if (load_endorsement(n, err, errlen) != 0)
			goto fail;
		/* Every file an administrator edits is checked before
		 * anything is created. */
		struct ld_allow al;
		if (cfg->listen[0] != '\0') {
			if (ld_allow_load(cfg->dir, cfg->id, &al, err, errlen) !=
			    0)
				goto fail;
			ld_allow_free(&al);
		}
		if (ld_keyring_new(cfg->id, n->keys.sign_pub, cfg->root_sign,
		                   &n->kr) != 0 ||
		    ld_vpool_new(cfg->verify_threads ? cfg->verify_threads
		                                     : ld_vpool_cpus(),
		                 &n->vpool) != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	rc = ld_store_open(cfg->dir, cfg->id,
	                   (size_t)cfg->map_size_mb << 20, &n->st);
	if (rc != 0) {
		snprintf(err, errlen, "store %s/store: %s", cfg->dir,
		         ld_store_strerror(rc));
		goto fail;
	}
	if (ld_store_created(n->st))
		ld_info("store: created %s/store for %s, log epoch %016llx",
		        cfg->dir, cfg->id,
		        (unsigned long long)ld_store_epoch(n->st));
	struct self_floor fl = {n, 0, 0, false, NULL};
	if ((rc = ld_store_write(n->st, put_self, &fl)) != 0) {
		snprintf(err, errlen, "store: writing own node record: %s",
		         ld_store_strerror(rc));
		goto fail;
	}

	n->has_parent = cfg->parent[0] != '\0';
	if (n->has_parent) {
		struct ld_peer *p = &n->parent;
		p->is_parent = true;
		size_t pl = ld_path_parent_len(cfg->id);
		memcpy(p->path, cfg->id, pl);
		p->path[pl] = '\0';
	}
	if ((rc = load_cursors(n)) != 0) {
		snprintf(err, errlen, "store: reading cursors: %s",
		         ld_store_strerror(rc));
		goto fail;
	}

	n->zctx = zmq_ctx_new();
	if (n->zctx == NULL) {
		snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
		goto fail;
	}
	/* ZAP must answer before any CURVE server socket binds. */
	if (!cfg->insecure &&
	    (cfg->listen[0] != '\0' || cfg->api_listen[0] != '\0') &&
	    ld_auth_open(n->zctx, cfg, &n->auth, err, errlen) != 0)
		goto fail;
	n->api = zmq_socket(n->zctx, ZMQ_ROUTER);
	int64_t api_max = 2 * LD_RECORD_MAX;
	/* A ROUTER silently drops what does not fit under its send HWM, and
	 * it sees the reader's progress only every HWM/2 messages, so a
	 * client with many requests in flight would lose answers. Every
	 * answer is for a request the client sent, so the client bounds
	 * them: no send HWM here. MANDATORY makes a failed send visible. */
	if (n->api == NULL ||
	    zmq_setsockopt(n->api, ZMQ_MAXMSGSIZE, &api_max,
	                   sizeof(api_max)) != 0 ||
	    set_int(n->api, ZMQ_SNDHWM, 0) != 0 ||
	    set_int(n->api, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
	    set_int(n->api, ZMQ_LINGER, 0) != 0) {
		snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
		goto fail;
	}
	int len = snprintf(n->api_endpoint, sizeof(n->api_endpoint),
	                   "ipc://%s/api.sock", cfg->dir);
	/* sun_path holds 107 bytes. */
	if (len - 6 > 107) {
		snprintf(err, errlen, "data directory path %s is too long for "
		         "the API socket (at most 98 bytes)", cfg->dir);
		goto fail;
	}
	/* Only this node's account may use its API: the socket is created
	 * owner-only (umask) and then made exactly 0600. */
	mode_t old = umask(077);
	rc = zmq_bind(n->api, n->api_endpoint);
	umask(old);
	if (rc != 0 || chmod(n->api_endpoint + 6, 0600) != 0) {
		snprintf(err, errlen, "API socket %s: %s", n->api_endpoint,
		         rc != 0 ? zmq_strerror(errno) : strerror(errno));
		goto fail;
	}
	if (cfg->api_listen[0] != '\0') {
		/* The remote API: CURVE, administrators from the admins
		 * list (ZAP domain liandong-api). */
		n->api_remote = zmq_socket(n->zctx, ZMQ_ROUTER);
		if (n->api_remote == NULL ||
		    zmq_setsockopt(n->api_remote, ZMQ_MAXMSGSIZE, &api_max,
		                   sizeof(api_max)) != 0 ||
		    /* Unlike the local socket, bounded: a remote client
		     * that pipelines without reading loses answers. */
		    set_int(n->api_remote, ZMQ_SNDHWM, 10000) != 0 ||
		    set_int(n->api_remote, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
		    set_int(n->api_remote, ZMQ_LINGER, 0) != 0 ||
		    set_int(n->api_remote, ZMQ_CURVE_SERVER, 1) != 0 ||
		    zmq_setsockopt(n->api_remote, ZMQ_CURVE_SECRETKEY,
		                   n->keys.curve_sec, 32) != 0 ||
		    zmq_setsockopt(n->api_remote, ZMQ_ZAP_DOMAIN, LD_ZAP_API,
		                   strlen(LD_ZAP_API)) != 0) {
			snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
			goto fail;
		}
		if (zmq_bind(n->api_remote, cfg->api_listen) != 0) {
			snprintf(err, errlen, "[api] listen %s: %s",
			         cfg->api_listen, zmq_strerror(errno));
			goto fail;
		}
	}
	if (cfg->listen[0] != '\0') {
		n->router = zmq_socket(n->zctx, ZMQ_ROUTER);
		/* Insecure children name their connection by their path: a
		 * reconnecting one takes the name over (HANDOVER). Secure
		 * ones are told apart by their keys, and the ROUTER names
		 * connections itself, so nobody can take another's name. */
		if (n->router == NULL || link_opts(n->router, cfg) != 0 ||
		    set_int(n->router, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
		    set_int(n->router, ZMQ_ROUTER_HANDOVER,
		            cfg->insecure ? 1 : 0) != 0) {
			snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
			goto fail;
		}
		if (!cfg->insecure &&
		    (set_int(n->router, ZMQ_CURVE_SERVER, 1) != 0 ||
		     zmq_setsockopt(n->router, ZMQ_CURVE_SECRETKEY,
		                    n->keys.curve_sec, 32) != 0 ||
		     zmq_setsockopt(n->router, ZMQ_ZAP_DOMAIN, LD_ZAP_LINKS,
		                    strlen(LD_ZAP_LINKS)) != 0)) {
			snprintf(err, errlen, "zmq CURVE: %s",
			         zmq_strerror(errno));
			goto fail;
		}
		if (zmq_bind(n->router, cfg->listen) != 0) {
			snprintf(err, errlen, "listen %s: %s", cfg->listen,
			         zmq_strerror(errno));
			goto fail;
		}
	}
	if (n->has_parent) {
		n->dealer = zmq_socket(n->zctx, ZMQ_DEALER);
		if (n->dealer == NULL || link_opts(n->dealer, cfg) != 0 ||
		    (cfg->insecure &&
		     zmq_setsockopt(n->dealer, ZMQ_ROUTING_ID, cfg->id,
		                    strlen(cfg->id)) != 0) ||
		    set_int(n->dealer, ZMQ_IMMEDIATE, 1) != 0 ||
		    set_int(n->dealer, ZMQ_RECONNECT_IVL, 100) != 0 ||
		    set_int(n->dealer, ZMQ_RECONNECT_IVL_MAX,
		            (int)cfg->reconnect_max_ms) != 0) {
			snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
			goto fail;
		}
		if (!cfg->insecure &&
		    (zmq_setsockopt(n->dealer, ZMQ_CURVE_SERVERKEY,
		                    cfg->parent_curve, 32) != 0 ||
		     zmq_setsockopt(n->dealer, ZMQ_CURVE_PUBLICKEY,
		                    n->keys.curve_pub, 32) != 0 ||
		     zmq_setsockopt(n->dealer, ZMQ_CURVE_SECRETKEY,
		                    n->keys.curve_sec, 32) != 0)) {
			snprintf(err, errlen, "zmq CURVE: %s",
			         zmq_strerror(errno));
			goto fail;
		}
		if (!cfg->insecure) {
			char mep[64];
			snprintf(mep, sizeof(mep), "inproc://ld-monitor-%p",
			         (void *)n);
			int events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
			             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
			             ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
			if (zmq_socket_monitor(n->dealer, mep, events) != 0 ||
			    (n->monitor = zmq_socket(n->zctx, ZMQ_PAIR)) ==
			        NULL ||
			    set_int(n->monitor, ZMQ_LINGER, 0) != 0 ||
			    zmq_connect(n->monitor, mep) != 0) {
				snprintf(err, errlen, "zmq monitor: %s",
				         zmq_strerror(errno));
				goto fail;
			}
		}
		if (zmq_connect(n->dealer, cfg->parent) != 0) {
			snprintf(err, errlen, "parent %s: %s", cfg->parent,
			         zmq_strerror(errno));
			goto fail;
		}
	}
	if ((n->schedule = ld_schedule_new(n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	n->last_flush_ms = ld_now_ms();
	*out = n;
	return 0;
fail:
	ld_node_close(&n);
	return -1;
}

void
ld_node_close(struct ld_node **n_p)
{
	if (n_p == NULL || *n_p == NULL)
		return;
	struct ld_node *n = *n_p;
	ld_api_drop_waiters(n);
	if (n->api != NULL)
		zmq_close(n->api);
	if (n->api_remote != NULL)
		zmq_close(n->api_remote);
	if (n->router != NULL)
		zmq_close(n->router);
	if (n->dealer != NULL)
		zmq_close(n->dealer);
	if (n->monitor != NULL)
		zmq_close(n->monitor);
	ld_auth_close(&n->auth);
	sodium_memzero(&n->keys, sizeof(n->keys));
	if (n->zctx != NULL)
		zmq_ctx_term(n->zctx);
	for (size_t i = 0; i < n->nwork; i++) {
		struct work *w = &n->work[i];
		if (w->type == WORK_CLIENT)
			ld__request__free_unpacked(w->req, NULL);
		else if (w->type == WORK_REPORT)
			ld__record__free_unpacked(w->rec, NULL);
		else
			ld__frame__free_unpacked(w->frame, NULL);
	}
	free(n->work);
	free(n->waiters);
	ld_fetch_free(&n->fetch);
	ld_schedule_free(&n->schedule);
	for (size_t i = 0; i < n->nchildren; i++) {
		free(n->children[i]->early);
		free(n->children[i]);
	}
	free(n->children);
	free(n->parent.early);
	ld_keyring_free(&n->kr);
	ld_vpool_free(&n->vpool);
	ld_store_close(&n->st);
	if (n->lock_fd >= 0)
		close(n->lock_fd);
	free(n);
	*n_p = NULL;
}

int
ld_node_run(struct ld_node *n, volatile sig_atomic_t *stop)
{
	ld_info("node %s (%s, %s) up: api %s%s%s%s%s%s%s", n->cfg.id,
	        n->cfg.name, n->cfg.level, n->api_endpoint,
	        n->api_remote ? ", remote api " : "",
	        n->api_remote ? n->cfg.api_listen : "",
	        n->router ? ", listening on " : "",
	        n->router ? n->cfg.listen : "",
	        n->dealer ? ", parent at " : "",
	        n->dealer ? n->cfg.parent : "");
	zmq_pollitem_t items[6];
	while (!*stop) {
		int ni = 0;
		items[ni++] = (zmq_pollitem_t){n->api, 0, ZMQ_POLLIN, 0};
		if (n->api_remote)
			items[ni++] =
			    (zmq_pollitem_t){n->api_remote, 0, ZMQ_POLLIN, 0};
		if (n->auth)
			items[ni++] = (zmq_pollitem_t){ld_auth_socket(n->auth),
			                               0, ZMQ_POLLIN, 0};
		if (n->monitor)
			items[ni++] =
			    (zmq_pollitem_t){n->monitor, 0, ZMQ_POLLIN, 0};
		if (n->router)
			items[ni++] =
			    (zmq_pollitem_t){n->router, 0, ZMQ_POLLIN, 0};
		if (n->dealer)
			items[ni++] =
			    (zmq_pollitem_t){n->dealer, 0, ZMQ_POLLIN, 0};
		int64_t now = ld_now_ms();
		long timeout = 100;
		if (n->has_parent && n->parent.state != LD_PEER_UP &&
		    n->parent.state != LD_PEER_HELLO_SENT) {
			int64_t d = n->parent.next_hello_ms - now;
			timeout = d < 0 ? 0 : d < timeout ? (long)d : timeout;
		}
		int rc = zmq_poll(items, ni, timeout);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			ld_err("zmq_poll: %s", zmq_strerror(errno));
			return -1;
		}
		if (n->auth)
			ld_auth_handle(n->auth);
		if (n->monitor)
			drain_monitor(n);
		if (n->has_parent)
			n->parent.turn_batches = 0;
		for (size_t i = 0; i < n->nchildren; i++)
			n->children[i]->turn_batches = 0;
		drain_api(n, false);
		if (n->api_remote)
			drain_api(n, true);
		if (n->router)
			drain_router(n);
		if (n->dealer)
			drain_dealer(n);
		process_work(n, false);
		timers(n, ld_now_ms());
		ld_fetch_tick(n, ld_now_ms());
		ld_schedule_tick(n, ld_now_ms());
		stream_all(n);
	}
	/* Whatever moved only in memory goes to disk before we exit. */
	process_work(n, true);
	ld_api_drop_waiters(n);
	ld_info("node %s stopping", n->cfg.id);
	return 0;
}
