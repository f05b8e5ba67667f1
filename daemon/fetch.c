/* fetch.c — attachment chunks over the links (docs/protocol.md): a receiver
 * asks the peer a record came through for the chunks its store wants (a few
 * at a time, within a rate), checks each against the signed hash, stores it
 * in the turn's transaction and checks the whole file once complete; a
 * sender serves what it holds, at most LD_SERVE_WINDOW unconfirmed. The
 * wants are in the store, so a transfer cut by a crash resumes. */
#include "attach.h"
#include "log.h"
#include "node_int.h"
#include "path.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_INFLIGHT 4      /* chunk requests in flight per peer */
#define FETCH_PER_FRAME 8     /* chunks asked for in one Fetch */
#define FETCH_TIMEOUT_MS 30000
#define FETCH_RETRY_MS 2000   /* after the peer said it lacks a chunk */
#define FETCH_IDLE_MS 500     /* rescan the wants at least this often */
#define FETCH_GAP_MS 10       /* ... and at most this often */
#define FETCH_SCAN_MAX 4096   /* wants looked at per scan */
#define FETCH_BURST_MS 200    /* under a rate limit: ask this far ahead */
/* On a thin link chunks come in pieces that take about FETCH_PIECE_MS
 * each at the throughput measured (docs/protocol.md, "Thin links"), with
 * at most FETCH_INFLIGHT_THIN in flight: a batch waits behind about a
 * second of chunk data at most. */
#define FETCH_PIECE_MS 500
#define FETCH_PIECE_MIN 16384
#define FETCH_INFLIGHT_THIN 2

/* A chunk asked for: in flight, arrived and queued for the store, or
 * waiting to be asked for again. */
struct pending {
	uint8_t hash[LD_HASH_LEN];
	struct ld_peer *peer;
	uint64_t session;
	int64_t at_ms; /* asked (in flight) / may be asked again (retry) */
	enum { P_ASKED, P_QUEUED, P_RETRY } state;
	uint8_t *buf;        /* pieces so far (malloc'd), or NULL */
	uint32_t have, size; /* bytes in buf, and the chunk's size */
};

struct ld_fetch {
	struct pending *v;
	size_t n, cap;
	bool kick;          /* rescan the wants now */
	int64_t next_scan_ms;
	int64_t rate_ms;    /* rate limit: when the next chunk may be asked */
	int64_t last_scan_ms;
	uint8_t cursor[LD_HASH_LEN]; /* the last want a scan looked at */
	bool has_cursor;
};

struct ld_fetch *
ld_fetch_new(void)
{
	return calloc(1, sizeof(struct ld_fetch));
}

void
ld_fetch_free(struct ld_fetch **f)
{
	if (*f != NULL) {
		for (size_t i = 0; i < (*f)->n; i++)
			free((*f)->v[i].buf);
		free((*f)->v);
	}
	free(*f);
	*f = NULL;
}

void
ld_fetch_kick(struct ld_node *n)
{
	n->fetch->kick = true;
}

static struct pending *
find(struct ld_fetch *f, const uint8_t *hash)
{
	for (size_t i = 0; i < f->n; i++)
		if (memcmp(f->v[i].hash, hash, LD_HASH_LEN) == 0)
			return &f->v[i];
	return NULL;
}

static void
drop(struct ld_fetch *f, struct pending *p)
{
	if (p->state == P_ASKED && p->peer->session == p->session &&
	    p->peer->fetching > 0)
		p->peer->fetching--;
	free(p->buf);
	*p = f->v[--f->n];
}

/* The requests to one peer being put together in this tick; `off` is
 * where in each chunk the answer starts (0 but for a next piece). */
struct ask {
	struct ld_peer *peer;
	uint8_t hash[FETCH_PER_FRAME][LD_HASH_LEN];
	ProtobufCBinaryData h[FETCH_PER_FRAME];
	uint32_t off[FETCH_PER_FRAME];
	size_t nh;
};

/* The piece size to ask `p` for: what its link moves in FETCH_PIECE_MS;
 * a whole chunk on a fast link. */
static uint32_t
piece_for(const struct ld_peer *p)
{
	return ld_link_size_for(p->fetch_rate, FETCH_PIECE_MS, FETCH_PIECE_MIN,
	                        LD_CHUNK_SIZE);
}

/* Chunk requests (pieces) in flight to `p` at most. */
static unsigned
inflight_max(const struct ld_peer *p)
{
	return piece_for(p) < LD_CHUNK_SIZE ? FETCH_INFLIGHT_THIN
	                                    : FETCH_INFLIGHT;
}

static void
send_fetch(struct ld_node *n, struct ask *a)
{
	struct ld_peer *p = a->peer;
	Ld__Fetch fe = LD__FETCH__INIT;
	fe.session = p->session;
	fe.n_chunks = a->nh;
	fe.chunks = a->h;
	fe.n_got = p->ngot;
	fe.got = p->got_tok;
	uint32_t piece = piece_for(p);
	bool offsets = false;
	for (size_t i = 0; i < a->nh; i++)
		offsets = offsets || a->off[i] != 0;
	if (piece < LD_CHUNK_SIZE)
		fe.piece = piece;
	if (offsets) {
		fe.n_offsets = a->nh;
		fe.offsets = a->off;
	}
	Ld__Frame fr = LD__FRAME__INIT;
	fr.msg_case = LD__FRAME__MSG_FETCH;
	fr.fetch = &fe;
	if (ld_frame_send(n, p, &fr) == 0)
		p->ngot = 0;
}

/* One scan's requests, gathered per peer. */
struct scan {
	struct ask asks[8];
	size_t nasks;
	int64_t now, per_chunk;
};

/* Ask for wanted chunk `hash` (of record `id`) if it is not pending and
 * its peer has room. False if the scan must stop (rate limit, memory). */
static bool
consider(struct ld_node *n, struct scan *sc, const uint8_t *hash,
         const char *id)
{
	struct ld_fetch *f = n->fetch;
	if (sc->per_chunk && f->rate_ms > sc->now + FETCH_BURST_MS)
		return false;
	if (find(f, hash) != NULL)
		return true;
	const char *colon = strrchr(id, ':');
	char owner[LD_PATH_MAX + 1];
	if (colon == NULL || (size_t)(colon - id) > LD_PATH_MAX)
		return true;
	memcpy(owner, id, (size_t)(colon - id));
	owner[colon - id] = '\0';
	struct ld_peer *p = ld_peers_toward(n, owner);
	if (p == NULL || p->state != LD_PEER_UP ||
	    p->fetching >= inflight_max(p))
		return true;
	struct ask *a = NULL;
	for (size_t i = 0; i < sc->nasks && a == NULL; i++)
		if (sc->asks[i].peer == p)
			a = &sc->asks[i];
	if (a == NULL) {
		if (sc->nasks == sizeof(sc->asks) / sizeof(sc->asks[0]))
			return true;
		a = &sc->asks[sc->nasks++];
		a->peer = p;
		a->nh = 0;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct pending *v = realloc(f->v, cap * sizeof(*v));
		if (v == NULL)
			return false;
		f->v = v;
		f->cap = cap;
	}
	struct pending *q = &f->v[f->n++];
	memcpy(q->hash, hash, LD_HASH_LEN);
	q->peer = p;
	q->session = p->session;
	q->at_ms = sc->now;
	q->state = P_ASKED;
	q->buf = NULL;
	q->have = q->size = 0;
	p->fetching++;
	/* A copy: the map is gone after read_end. */
	memcpy(a->hash[a->nh], hash, LD_HASH_LEN);
	a->h[a->nh].data = a->hash[a->nh];
	a->h[a->nh].len = LD_HASH_LEN;
	a->off[a->nh] = 0;
	a->nh++;
	if (sc->per_chunk)
		f->rate_ms = (f->rate_ms > sc->now ? f->rate_ms : sc->now) +
		             sc->per_chunk;
	if (a->nh == FETCH_PER_FRAME) {
		send_fetch(n, a);
		a->nh = 0;
	}
	return true;
}

/* Walk the wants and ask for what is not pending yet. Each scan goes on
 * from where the last one stopped (wrapping at the end), so wants that
 * cannot be asked for now (their peer is down) never hide the others. */
static void
scan(struct ld_node *n, int64_t now)
{
	struct ld_fetch *f = n->fetch;
	struct ld_txn t;
	if (ld_store_read_begin(n->st, &t) != 0)
		return;
	struct scan sc = {.nasks = 0, .now = now};
	sc.per_chunk = n->cfg.fetch_kib_s
	                   ? (int64_t)(LD_CHUNK_SIZE / 1024) * 1000 /
	                         n->cfg.fetch_kib_s
	                   : 0;
	/* From just after the cursor to the end, then from the top up to
	 * the cursor. */
	uint8_t start[LD_HASH_LEN];
	bool from = f->has_cursor;
	memcpy(start, f->cursor, LD_HASH_LEN);
	size_t seen = 0;
	bool go = true;
	for (int pass = 0; pass < 2 && go; pass++) {
		if (pass == 1 && !from)
			break;
		struct ld_wantiter it;
		if (ld_store_wants_open(&t, pass == 0 && from ? start : NULL,
		                        &it) != 0)
			break;
		const uint8_t *hash;
		const char *id;
		while (go) {
			if (seen >= FETCH_SCAN_MAX ||
			    ld_store_wants_next(&it, &hash, &id) != 0) {
				if (seen < FETCH_SCAN_MAX)
					f->has_cursor = false; /* at the end */
				else
					go = false;
				break;
			}
			if (pass == 1 && memcmp(hash, start, LD_HASH_LEN) > 0) {
				go = false; /* all the way round */
				break;
			}
			seen++;
			memcpy(f->cursor, hash, LD_HASH_LEN);
			f->has_cursor = true;
			go = consider(n, &sc, hash, id);
		}
		ld_store_wants_close(&it);
	}
	ld_store_read_end(&t);
	if (sc.per_chunk && f->rate_ms > now + FETCH_BURST_MS)
		f->next_scan_ms = f->rate_ms - FETCH_BURST_MS;
	struct ask *asks = sc.asks;
	size_t nasks = sc.nasks;
	for (size_t i = 0; i < nasks; i++)
		if (asks[i].nh > 0)
			send_fetch(n, &asks[i]);
}

void
ld_fetch_tick(struct ld_node *n, int64_t now)
{
	struct ld_fetch *f = n->fetch;
	bool freed = false;
	for (size_t i = 0; i < f->n;) {
		struct pending *p = &f->v[i];
		bool gone = p->peer->state != LD_PEER_UP ||
		            p->peer->session != p->session;
		if ((p->state == P_ASKED &&
		     (gone || now - p->at_ms > FETCH_TIMEOUT_MS)) ||
		    (p->state == P_RETRY && now >= p->at_ms)) {
			drop(f, p);
			freed = true;
			continue;
		}
		i++;
	}
	if (freed)
		f->kick = true;
	if (!f->kick && now < f->next_scan_ms)
		return;
	/* However often chunks and batches kick it, a scan at most every
	 * FETCH_GAP_MS: a peer answering "missing" at once cannot keep the
	 * loop scanning. */
	if (now - f->last_scan_ms < FETCH_GAP_MS)
		return;
	f->kick = false;
	f->last_scan_ms = now;
	f->next_scan_ms = now + FETCH_IDLE_MS;
	scan(n, now);
}

/* Serve a Fetch: each chunk held, while the peer's window has room. */
static void
serve(struct ld_node *n, struct ld_peer *p, const Ld__Fetch *fe)
{
	ld_link_serve_confirm(p, fe->got, fe->n_got);
	size_t nc = fe->n_chunks < FETCH_PER_FRAME ? fe->n_chunks
	                                           : FETCH_PER_FRAME;
	struct ld_txn t;
	if (nc == 0 || ld_store_read_begin(n->st, &t) != 0)
		return;
	int64_t now = ld_now_ms();
	for (size_t i = 0; i < nc; i++) {
		const ProtobufCBinaryData *h = &fe->chunks[i];
		if (h->len != LD_HASH_LEN)
			continue;
		Ld__Chunk c = LD__CHUNK__INIT;
		c.session = p->session;
		c.sha256 = *h;
		struct ld_val v;
		uint64_t tok = 0;
		uint32_t off = i < fe->n_offsets ? fe->offsets[i] : 0;
		if (ld_store_chunk_get(&t, h->data, &v) == 0 && off <= v.n) {
			do
				randombytes_buf(&tok, sizeof(tok));
			while (tok == 0);
			/* A piece, if asked for (at least 1 KiB: no peer
			 * can make us send a frame per byte). */
			size_t len = v.n - off;
			uint32_t piece = fe->piece == 0      ? 0
			                 : fe->piece < 1024 ? 1024
			                                    : fe->piece;
			if (piece != 0 && len > piece)
				len = piece;
			if (ld_link_serve_take(p, tok, now)) {
				c.data.data = (uint8_t *)v.p + off;
				c.data.len = len;
				c.token = tok;
				if (off != 0 || len < v.n) {
					c.offset = off;
					c.size = (uint32_t)v.n;
				}
			} else {
				tok = 0; /* window full: "ask again later" */
			}
		}
		c.missing = tok == 0;
		Ld__Frame fr = LD__FRAME__INIT;
		fr.msg_case = LD__FRAME__MSG_CHUNK;
		fr.chunk = &c;
		if (ld_frame_send(n, p, &fr) != 0 && tok != 0)
			ld_link_serve_confirm(p, &tok, 1); /* never sent */
	}
	ld_store_read_end(&t);
}

/* A chunk or a piece of one arrived for `q`: measure the link, and put
 * pieces together. Returns 0 when `c` now holds the whole chunk, 1 when
 * the next piece was asked for, -1 if the piece does not fit. */
static int
take_piece(struct ld_node *n, struct ld_peer *p, struct pending *q,
           Ld__Chunk *c)
{
	int64_t now = ld_now_ms();
	int64_t since = q->at_ms > p->fetch_last_ms ? q->at_ms
	                                            : p->fetch_last_ms;
	if (c->data.len >= 1024)
		p->fetch_rate =
		    ld_link_rate_update(p->fetch_rate, c->data.len, now - since);
	p->fetch_last_ms = now;
	uint32_t size = c->size != 0 ? c->size : (uint32_t)c->data.len;
	if (c->offset == 0 && c->data.len == size && q->buf == NULL)
		return 0; /* the whole chunk in one frame */
	if (size > LD_CHUNK_SIZE || c->offset != q->have ||
	    c->data.len == 0 || c->data.len > size - c->offset ||
	    (q->buf != NULL && size != q->size))
		return -1;
	if (q->buf == NULL) {
		if ((q->buf = malloc(size)) == NULL)
			return -1;
		q->size = size;
	}
	memcpy(q->buf + q->have, c->data.data, c->data.len);
	q->have += (uint32_t)c->data.len;
	if (q->have < q->size) {
		struct ask a = {.peer = p, .nh = 1};
		memcpy(a.hash[0], q->hash, LD_HASH_LEN);
		a.h[0].data = a.hash[0];
		a.h[0].len = LD_HASH_LEN;
		a.off[0] = q->have;
		q->at_ms = now;
		p->fetching++;
		send_fetch(n, &a);
		return 1;
	}
	/* Complete: the frame carries the whole chunk from here on (its
	 * blocks are plain malloc blocks, see ld_unpack_budget). */
	free(c->data.data);
	c->data.data = q->buf;
	c->data.len = q->size;
	c->offset = c->size = 0;
	q->buf = NULL;
	q->have = q->size = 0;
	return 0;
}

/* A chunk arrived: check it and queue it for the turn's transaction.
 * Returns true if the work item took f. */
static bool
receive(struct ld_node *n, struct ld_peer *p, Ld__Frame *f)
{
	Ld__Chunk *c = f->chunk;
	ld_link_got(p, c->token);
	if (c->sha256.len != LD_HASH_LEN)
		return false;
	struct pending *q = find(n->fetch, c->sha256.data);
	if (q == NULL || q->peer != p || q->state != P_ASKED)
		return false; /* not asked for, or already here */
	if (p->fetching > 0)
		p->fetching--;
	n->fetch->kick = true;
	if (c->missing) {
		q->state = P_RETRY;
		q->at_ms = ld_now_ms() + FETCH_RETRY_MS;
		return false;
	}
	switch (take_piece(n, p, q, c)) {
	case 1:
		return false; /* the next piece is asked for */
	case -1:
		ld_warn("link: %s %s sent a piece of a chunk out of place; "
		        "asking again later",
		        p->is_parent ? "parent" : "child", p->path);
		q->state = P_RETRY;
		q->at_ms = ld_now_ms() + FETCH_RETRY_MS;
		return false;
	default:
		break;
	}
	if (c->data.len > LD_CHUNK_SIZE ||
	    !ld_attach_chunk_ok(c->sha256.data, c->data.data, c->data.len)) {
		ld_warn("link: %s %s sent a chunk that does not match its "
		        "hash; asking again later",
		        p->is_parent ? "parent" : "child", p->path);
		q->state = P_RETRY;
		q->at_ms = ld_now_ms() + FETCH_RETRY_MS;
		return false;
	}
	struct work *w = ld_commit_queue(n);
	if (w == NULL) {
		q->state = P_RETRY;
		q->at_ms = ld_now_ms();
		return false;
	}
	q->state = P_QUEUED;
	w->type = WORK_CHUNK;
	w->peer = p;
	w->frame = f;
	n->work_bytes += c->data.len;
	return true;
}

void
ld_fetch_on_frame(struct ld_node *n, struct ld_peer *p, Ld__Frame *f)
{
	if (f->msg_case == LD__FRAME__MSG_FETCH)
		serve(n, p, f->fetch);
	else if (f->msg_case == LD__FRAME__MSG_CHUNK && receive(n, p, f))
		return;
	ld__frame__free_unpacked(f, NULL);
}

/* Are all chunks of `a` held? Then check the whole file. */
static int
check_file(struct ld_txn *t, const Ld__Attachment *a, bool *done, bool *bad)
{
	struct ld_attach_sum sum;
	ld_attach_sum_init(&sum);
	for (size_t k = 0; k < a->n_chunks; k++) {
		struct ld_val v;
		int rc = ld_store_chunk_get(t, a->chunks[k].data, &v);
		if (rc == MDB_NOTFOUND)
			return 0;
		if (rc != 0)
			return rc;
		ld_attach_sum_add(&sum, v.p, v.n);
	}
	*done = true;
	*bad = !ld_attach_sum_ok(&sum, a);
	return 0;
}

int
ld_fetch_write(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	(void)n;
	const Ld__Chunk *c = w->frame->chunk;
	w->stored = w->done = w->bad = false;
	w->id[0] = w->err[0] = '\0';
	const char *id;
	int rc = ld_store_want_get(t, c->sha256.data, &id);
	if (rc == MDB_NOTFOUND || rc == MDB_CORRUPTED)
		return 0; /* no longer wanted (or a bad entry: not a reason to
		             fail the turn) */
	if (rc != 0)
		return rc;
	snprintf(w->id, sizeof(w->id), "%s", id);
	if ((rc = ld_store_chunk_put(t, c->sha256.data, c->data.data,
	                             c->data.len)) != 0)
		return rc;
	w->stored = true;
	Ld__Record *r = ld_store_load(t, w->id);
	if (r == NULL || r->body_case != LD__RECORD__BODY_RESULT) {
		if (r != NULL)
			ld__record__free_unpacked(r, NULL);
		return 0;
	}
	/* Each distinct file is checked once, however many attachments name
	 * it (at most LD_ATTACH_PER_RESULT, ld_record_check). */
	const uint8_t *checked[LD_ATTACH_PER_RESULT];
	size_t nchecked = 0;
	for (size_t i = 0; i < r->result->n_attachments && rc == 0 &&
	                   i < LD_ATTACH_PER_RESULT;
	     i++) {
		const Ld__Attachment *a = r->result->attachments[i];
		char err[8];
		bool has = false, seen = false;
		if (ld_attach_check(a, i, err, sizeof(err)) != 0)
			continue;
		for (size_t k = 0; k < nchecked && !seen; k++)
			seen = memcmp(checked[k], a->sha256.data, LD_HASH_LEN) == 0;
		if (seen)
			continue;
		for (size_t k = 0; k < a->n_chunks && !has; k++)
			has = memcmp(a->chunks[k].data, c->sha256.data,
			             LD_HASH_LEN) == 0;
		if (!has)
			continue;
		checked[nchecked++] = a->sha256.data;
		bool done = false, bad = false;
		rc = check_file(t, a, &done, &bad);
		if (done) {
			w->done = true;
			w->bad = w->bad || bad;
			snprintf(w->err, sizeof(w->err), "%.200s (%llu bytes)",
			         a->name, (unsigned long long)a->size);
		}
	}
	ld__record__free_unpacked(r, NULL);
	return rc;
}

void
ld_fetch_done(struct ld_node *n, struct work *w, int rc)
{
	bool ok = rc == 0;
	struct pending *q = find(n->fetch, w->frame->chunk->sha256.data);
	if (q != NULL) {
		if (ok) {
			drop(n->fetch, q); /* P_QUEUED: not counted in fetching */
		} else {
			q->state = P_RETRY;
			q->at_ms = ld_now_ms();
		}
	}
	n->fetch->kick = true;
	if (ok && w->stored)
		ld_recover_chunk_stored(n);
	if (ok && w->done && w->bad) {
		n->attach_bad++;
		ld_warn("attachment %s of %s: its chunks do not make up the "
		        "file its owner signed; it cannot be read here",
		        w->err, w->id);
	} else if (ok && w->done) {
		ld_info("attachment %s of %s is complete here", w->err, w->id);
	}
}
