/* node_int.h — the parts of a running node: the state they share (one
 * struct, owned by the single loop thread) and what each part offers the
 * others. Only daemon/ includes it; main.c sees node.h.
 *
 * Who calls whom (an arrow means "calls"; nothing calls back up):
 *
 *   main ──> node (open, close), loop (run)
 *   node ──> peers, own, commit, fetch, schedule, notify, waiters,
 *            recover; it fills the work table with the handlers of api,
 *            batch, fetch, schedule
 *   loop ──> api, downlink, uplink, commit, fetch, schedule, notify,
 *            health, metrics, stream, waiters, recover, reload
 *   reload ──> downlink, schedule, notify (SIGHUP)
 *   api ───> own, files, query, waiters, reply, commit, downlink, stream,
 *            recover, backup, health
 *   downlink ──> session, frame, peers, recover
 *   uplink ────> session, frame, peers, own, recover
 *   session ───> batch, fetch, frame
 *   batch ─────> commit, fetch, recover
 *   schedule ──> own, commit
 *   health ────> own, commit, stream, peers
 *   metrics ───> stream, recover (reads the peer table and the store)
 *   notify ────> query (the inbox)
 *   fetch ─────> commit, frame, peers, recover
 *   own ───────> files, recover
 *   commit ────> own (seals), frame, waiters; the handlers only through
 *                n->work_ops
 *   stream ────> frame, recover
 *   recover ───> peers; backup: a leaf (store, link rules, log)
 *   query, files, waiters ──> reply ──> apiout
 *   frame, peers, reply, clock: leaves (clock is used everywhere)
 */
#ifndef LD_NODE_INT_H
#define LD_NODE_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "auth.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "keyring.h"
#include "keys.h"
#include "liandong.pb-c.h"
#include "link.h"
#include "log.h"
#include "node.h"
#include "path.h"
#include "record.h"
#include "store.h"
#include "vpool.h"

/* Room a batch keeps for NODE records sent ahead of one record
 * (stream.c), and so a receiver allows for them (batch.c). */
#define LD_CHAIN_ROOM LD_PATH_MAX_DEPTH

/* A client's routing id on the API socket, copied out of its message (a
 * zmq_msg_t must not be moved by memcpy, and these live in arrays that
 * grow). ZeroMQ routing ids are at most 255 bytes. */
struct ld_rid {
	size_t len;
	unsigned char id[255];
	bool remote; /* came on the remote API socket */
};

/* Work that needs the write transaction of this loop turn. */
enum work_type {
	WORK_CLIENT,
	WORK_BATCH,
	WORK_CHUNK,
	WORK_REPORT,
	WORK_HEALTH,
	WORK_NTYPES
};

struct work {
	enum work_type type;
	/* WORK_CLIENT: a client's add, update or delete, answered after the
	 * commit. */
	struct ld_rid rid;
	uint64_t req_id;
	Ld__Request *req; /* owned */
	Ld__Code code;
	char id[LD_ID_MAX + 1];
	char err[256];
	/* AddManyRequest: the ids given (owned), and the record refused. */
	char **ids;
	size_t nids;
	uint32_t index;
	/* WORK_BATCH: a peer's batch, acknowledged after the commit. */
	struct ld_peer *peer;
	Ld__Frame *frame; /* owned */
	uint64_t applied, ignored, refused;
	bool held; /* not taken: could not be checked yet */
	char refuse_why[256];
	uint64_t conflicts; /* at a held version with other bytes */
	char conflict_why[256];
	/* WORK_CHUNK: an attachment chunk fetched from `peer` (frame), stored
	 * if still wanted; `id` is the record that wanted it. The chunk
	 * completed an attachment (`done`), which did not make up the signed
	 * file (`bad`). */
	bool stored, done, bad;
	/* WORK_REPORT: a scheduled report to publish (owned), from schedule
	 * `sched`. WORK_HEALTH: our HEALTH record's body (owned). */
	Ld__Record *rec;
	size_t sched;
};

struct ld_node;

/* What one type of work does; commit.c runs them through the table,
 * indexed by work type, that node.c puts in n->work_ops. */
struct ld_work_ops {
	/* Inside the turn's write transaction (NULL when the turn needs
	 * none: see needs_txn). May run again if the map had to grow. */
	int (*write)(struct ld_node *n, struct ld_txn *t, struct work *w);
	/* After the commit; rc is 0 if it was stored, else the store error. */
	void (*done)(struct ld_node *n, struct work *w, int rc);
	/* Free what w owns: after done, or when the node closes with w
	 * still queued. */
	void (*drop)(struct work *w);
	/* Does w need a write transaction? NULL: always. */
	bool (*needs_txn)(const struct work *w);
};

/* A client waiting for a record to arrive (WaitRequest). */
struct waiter {
	struct ld_rid rid;
	uint64_t req_id;
	char id[LD_ID_MAX + 1];
	uint64_t min_version;
	int64_t deadline_ms;
};

/* Where a peer's cursor got to in this turn's transaction (commit.c and
 * batch.c): applied up to `seq`; acknowledge (`ack`), ask a resend
 * (`rewind`), store the cursor (`persist`). */
struct ld_turn_peer {
	struct ld_peer *p;
	uint64_t seq;
	bool ack, rewind, persist;
};

struct ld_turn;
struct ld_apiout;

/* Answers libzmq queues for one API client (ZMQ_SNDHWM), and the bytes
 * more that wait in apiout.c for it, and for all clients. */
#define LD_API_HWM 256
#define LD_API_QUEUE_MAX (16u << 20)
#define LD_API_QUEUE_TOTAL (64u << 20)

struct ld_node {
	struct ld_config cfg;
	struct ld_store *st;
	int lock_fd;
	void *zctx;
	void *api;            /* ROUTER, ipc://<data>/api.sock */
	void *api_remote;     /* ROUTER, [api] listen, CURVE; NULL if none */
	void *router;         /* ROUTER for children, NULL without `listen` */
	void *dealer;         /* DEALER to the parent, NULL at the root */
	void *monitor;        /* events of the DEALER (handshake failures) */
	struct ld_auth *auth; /* ZAP and allow-list; NULL if insecure */
	struct ld_keys keys;
	uint8_t root_cert[64]; /* the root's endorsement of our keys */
	bool have_root_cert;
	struct ld_keyring *kr;  /* verifies records; NULL if insecure */
	struct ld_vpool *vpool; /* checks signatures on all cores */
	char api_endpoint[4200];

	bool has_parent;
	struct ld_peer parent;
	struct ld_peer **children;
	size_t nchildren, capchildren;

	const struct ld_work_ops *work_ops; /* indexed by enum work_type */
	struct work *work;
	size_t nwork, capwork;
	size_t work_bytes;    /* batch bytes queued this turn */
	struct ld_turn *turn; /* while a turn's work runs (commit.c) */
	/* own.c: own records stored this turn, sealed at its end. */
	struct ld_seal_pending *sealq;
	size_t nsealq, capsealq;
	struct waiter *waiters;
	size_t nwaiters, capwaiters;

	uint64_t refused_total;
	struct ld_fetch *fetch; /* attachment chunks in flight (fetch.c) */
	uint64_t attach_bad;    /* attachments that failed the file check */
	struct ld_schedule *schedule; /* scheduled reports (schedule.c) */
	struct ld_notify *notify;     /* the [notify] hook (notify.c) */
	/* health.c: the HEALTH body last written (packed) and when (ours,
	 * monotonic); the next look at the links; a write is queued. */
	struct ld_metrics *metrics; /* [metrics] and commit times (metrics.c) */
	uint8_t *health_prev;
	size_t health_prev_len;
	int64_t health_prev_ms, health_next_ms;
	bool health_queued;
	int64_t last_flush_ms;
	/* reload.c: set by SIGHUP (main.c's flag, NULL: none); a reloaded
	 * configuration whose schedule or hook waits for a running report
	 * or hook to end (NULL: none waits). */
	volatile sig_atomic_t *hup;
	bool api_bound; /* api.sock is ours: removed at close */
	struct ld_config *reload_pending;

	/* recover.c: the store was restored or made again, and this node
	 * waits for its records from the parent before it writes its own
	 * (the meta flag "recovering", loaded at open). recovery_session:
	 * the parent's Welcome said it sends them on this session.
	 * recover_pending: this turn's transaction ends the recovery of
	 * the records (recover_pending_chunks of their attachment chunks
	 * still wanted). recover_chunks: the records are back, and writes
	 * wait for those chunks (meta flag "recovering" = 2): there are
	 * recover_nchunks (recover_bytes), the last counted at
	 * recover_count_ms, and one last came at recover_progress_ms;
	 * recover_recount: a chunk came since. recover_gave_up: writes
	 * reopened without them, at wall time recover_gave_up_wall. */
	bool recovering, recovery_session, recover_pending;
	bool recover_chunks, recover_recount, recover_gave_up;
	uint64_t recover_pending_chunks, recover_pending_bytes;
	uint64_t recover_nchunks, recover_bytes;
	int64_t recover_count_ms, recover_progress_ms, recover_gave_up_wall;
	uint64_t conflicts_total;
	struct ld_apiout *apiout; /* answers waiting for their client */
	struct ld_answers *answers; /* roll-up answers kept (answers.c) */
	/* Link warnings from a connection with no peer entry (a refused
	 * Hello), one line a second. */
	struct ld_ratelimit link_rl;
	/* commit.c: the last turn's write failed with store_rc (0: it did
	 * not); store_err holds its words for the clients' answers. While
	 * writes keep failing, the log says so again at most once a
	 * minute. */
	int store_rc;
	char store_err[300];
	uint64_t store_failed; /* turns failed since the log last said so */
	int64_t store_logged_ms;
};

/* ---- reply.c: answers to API clients ---- */

/* Send a response to a client. */
void ld_reply(struct ld_node *n, const struct ld_rid *rid,
              const Ld__Response *r);
/* Send an error response: `code` and a one-line reason. */
void ld_reply_error(struct ld_node *n, const struct ld_rid *rid,
                    uint64_t req_id, Ld__Code code, const char *err);

/* ---- answers.c: roll-up answers kept while the store is unchanged ---- */

struct ld_answers;
/* Answer request `req_id` from the answer kept for (`field`, `key`) at
 * the store's present generation: true if there was one (sent). `field`
 * is the Response field (LD__RESPONSE__RESULT_PROGRESS ...). */
bool ld_answers_reply(struct ld_node *n, const struct ld_rid *rid,
                      uint64_t req_id, int field, const char *key);
/* Send `m` as the answer's `field` and keep it for (`field`, `key`). */
void ld_answers_put_reply(struct ld_node *n, const struct ld_rid *rid,
                          uint64_t req_id, int field, const char *key,
                          const ProtobufCMessage *m);
void ld_answers_free(struct ld_answers **c);

/* ---- apiout.c: answers waiting for a client that reads slowly ---- */

struct ld_apiout *ld_apiout_new(void);
void ld_apiout_free(struct ld_apiout **q);
/* Send the packed answer `buf` to client `rid`, or queue it behind what
 * waits for that client (dropped, with a log line, past the limits). */
void ld_apiout_send(struct ld_node *n, const struct ld_rid *rid,
                    const void *buf, size_t len);
/* Send what waits, as far as the clients read. Returns 0 if nothing
 * waits any more, 1 if something does and some went out (the loop waits
 * for room: ZMQ_POLLOUT), 2 if nothing could go out (it comes back in a
 * moment, rather than spin while other clients have room). */
int ld_apiout_flush(struct ld_node *n);

/* ---- waiters.c: clients waiting for a record (WaitRequest) ---- */

void ld_waiters_add(struct ld_node *n, const struct ld_rid *rid,
                    uint64_t req_id, const Ld__WaitRequest *q);
/* Answer waiters whose record arrived or whose time ran out. */
void ld_waiters_check(struct ld_node *n, int64_t now);
/* Answer every waiter that the node is stopping (shutdown). */
void ld_waiters_drop(struct ld_node *n);

/* ---- api.c: client requests ---- */

/* A client's message on the local API socket or (rid->remote) the
 * remote one, whose administrator is checked first. Writes are queued
 * as WORK_CLIENT. */
void ld_api_on_msg(struct ld_node *n, const struct ld_rid *rid,
                   zmq_msg_t *body);
/* WORK_CLIENT handlers (the work table). */
int ld_api_write(struct ld_node *n, struct ld_txn *t, struct work *w);
void ld_api_write_done(struct ld_node *n, struct work *w, int rc);
void ld_api_work_drop(struct work *w);

/* ---- own.c: records this node owns ---- */

/* Refuse a write: w->code REFUSED, w->err the reason. Returns
 * LD_EREFUSED. The write handler itself still returns 0: a refused write
 * is an answer, not a failed transaction. */
int ld_own_refuse(struct work *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Inside a write transaction: create record `r` (body and scope filled
 * in, unpacked with the default allocator) as this node's: a new id,
 * version 1, its attachments checked, signed, stored. Its id goes to
 * w->id, a refusal to w->code and w->err. */
int ld_own_create(struct ld_node *n, struct ld_txn *t, struct work *w,
                  Ld__Record *r);
/* The stored record `id` if this node owns it and may change it, at
 * `base_version` if that is not 0; otherwise refuses `w`, NULL. */
Ld__Record *ld_own_load(struct ld_node *n, struct ld_txn *t, struct work *w,
                        const char *id, uint64_t base_version);
/* Give `r` (owned by this node) its envelope: id `id`, `version`, the
 * time; check, sign and store it (w->id is then `id`; a refusal goes to
 * w->code and w->err). With batch signatures the record is stored
 * unsigned and sealed by ld_own_seal at the end of the turn. */
int ld_own_put(struct ld_node *n, struct ld_txn *t, struct work *w,
               Ld__Record *r, const char *id, uint64_t version);
/* The turn's write transaction starts (again): nothing to seal yet. */
void ld_own_seal_reset(struct ld_node *n);
/* The turn's write transaction ends: seal the own records it stored, in
 * trees of up to LD_SEAL_LEAVES, one signature each (docs/protocol.md
 * "Batch signatures"). */
int ld_own_seal(struct ld_node *n, struct ld_txn *t);
void ld_own_seal_free(struct ld_node *n);
/* Make our NODE record say what the config says, at a version above
 * `floor_version` and with ids above `floor_counter` taken; `welcome`: on
 * a Welcome (not at start), `cert` the parent's certificate for our keys
 * (or NULL). Its own write transaction. */
int ld_own_node(struct ld_node *n, uint64_t floor_counter,
                uint64_t floor_version, bool welcome, const uint8_t *cert);

/* ---- recover.c: a restored or remade store gets its records back ---- */

/* At open: take the mark `liandong restore` left (a new epoch, the clock
 * floor, recovering unless this is the root) and load the flag. */
int ld_recover_open(struct ld_node *n, char *err, size_t errlen);
/* Child side, on the parent's Welcome (after its checks, with the id
 * floors it gives as far as they are believed: owned_counter and
 * node_version, 0 where not): is our store behind what the parent holds
 * of us? Then start recovering now (new epoch) and answer true: the
 * caller says Hello again. Otherwise note whether the parent will send
 * our records back on this session and answer false. */
bool ld_recover_on_welcome(struct ld_node *n, const Ld__Welcome *w,
                           uint64_t owned_counter, uint64_t node_version);
/* Are this office's writes refused (records or their attachment chunks
 * not back yet)? */
bool ld_recover_refusing(const struct ld_node *n);
/* Why writes wait, in one line; or that they reopened without some
 * chunks; "" when neither. */
void ld_recover_text(const struct ld_node *n, char *buf, size_t len);
/* Every loop turn: while writes wait for the chunks of the records that
 * came back, count what is still wanted (after a chunk came, else every
 * few seconds) and reopen writes when nothing is, or when nothing came
 * for [link] recover_wait_s. */
void ld_recover_tick(struct ld_node *n, int64_t now);
/* A fetched chunk was stored (count again). */
void ld_recover_chunk_stored(struct ld_node *n);
/* Inside the write transaction that applies parent batch `b`: if it is
 * the one that completes our recovery, raise the id counter above every
 * own id held, and clear the flag, or set it to wait for the attachment
 * chunks of those records that are still wanted (takes effect after the
 * commit). */
int ld_recover_batch(struct ld_node *n, struct ld_txn *t,
                     const struct ld_peer *p, const Ld__Batch *b);
/* After that transaction's commit (rc 0) or failure. */
void ld_recover_batch_done(struct ld_node *n, int rc);
/* Parent side, on a child's Hello: a recovering child gets our log from
 * 0 with its subtree's records (returns the resume point to use). */
uint64_t ld_recover_hello(struct ld_peer *p, const Ld__Hello *h,
                          uint64_t resume);
/* Stream filter addition: a record of a recovering child's subtree. */
bool ld_recover_wants(const struct ld_peer *p, const struct ld_flow_rec *fr);
/* Before streaming to `p`: end its recovery once the batch that reached
 * our head is acknowledged. After building a batch up to `last` of our
 * log at `head`: should it say `recovered`? */
void ld_recover_stream_check(struct ld_peer *p);
bool ld_recover_mark(struct ld_peer *p, uint64_t last, uint64_t head);

/* ---- health.c: our HEALTH record; the tree below us ---- */

/* Every loop turn: every [health] every, look at the links and queue
 * the HEALTH record's next version if it is due (core/health.c). */
void ld_health_tick(struct ld_node *n, int64_t now);
/* WORK_HEALTH handlers (the work table). */
int ld_health_write(struct ld_node *n, struct ld_txn *t, struct work *w);
void ld_health_done(struct ld_node *n, struct work *w, int rc);
void ld_health_drop(struct work *w);
void ld_health_free(struct ld_node *n);
/* Inside read transaction `t`: put the tree of offices below this node
 * (StatusRequest.tree) into `s`, which borrows from what is returned
 * until ld_health_tree_free; NULL if it could not be read. */
struct ld_health_tree;
struct ld_health_tree *ld_health_tree_fill(struct ld_node *n,
                                           struct ld_txn *t,
                                           Ld__StatusResponse *s);
void ld_health_tree_free(struct ld_health_tree **ht);

/* ---- metrics.c: Prometheus text on [metrics] listen ---- */

/* At open: the commit histogram, and the listening socket if [metrics]
 * listen is set (err says why it could not be bound: LD_EREFUSED). */
int ld_metrics_open(struct ld_node *n, char *err, size_t errlen);
void ld_metrics_free(struct ld_node *n);
/* A group commit took `us` microseconds. */
void ld_metrics_commit(struct ld_node *n, int64_t us);
/* The raw descriptors the loop polls for it, into items (at most max). */
size_t ld_metrics_poll_items(struct ld_node *n, zmq_pollitem_t *items,
                             size_t max);
/* Accept, read and answer what is ready, without waiting; close
 * connections older than their deadline. */
void ld_metrics_serve(struct ld_node *n, int64_t now);

/* ---- backup.c: a hot copy of the store for 'liandong backup' ---- */

void ld_backup_copy(struct ld_node *n, const struct ld_rid *rid,
                    uint64_t req_id, const Ld__BackupRequest *q);

/* ---- query.c: roll-ups computed from the store (rollup.h) ---- */

void ld_query_progress(struct ld_node *n, const struct ld_rid *rid,
                       uint64_t req_id, const Ld__ProgressRequest *q);
void ld_query_inbox(struct ld_node *n, const struct ld_rid *rid,
                    uint64_t req_id, const Ld__InboxRequest *q);
/* This node's inbox on `today`, items due within `days` marked: the
 * records gathered into `b` (the items borrow from them; free both with
 * ld_inbox_free and ld_bag_free). Returns 0, or a store code or -ENOMEM
 * (nothing to free). */
struct ld_bag;
struct ld_inbox;
int ld_query_inbox_of(struct ld_node *n, const char *today, int days,
                      struct ld_bag *b, struct ld_inbox *in);
/* What an inbox item is about, in one line: the topic of a task or
 * survey, the summary of a result. */
struct ld_inbox_item;
const char *ld_query_item_topic(const struct ld_inbox_item *it);
/* The node's local date, YYYY-MM-DD. */
void ld_query_today(char out[11]);

/* ---- files.c: attachments at the client API ---- */

/* Inside a write transaction: is every chunk of `r`'s attachments here,
 * and do they make up each file? Attachments `old` (the version edited,
 * or NULL) already had are not hashed again. 0 yes; LD_EREFUSED no (err
 * says why); else a store error. */
int ld_files_check(struct ld_txn *t, const Ld__Record *r, const Ld__Record *old,
                   char *err, size_t errlen);
/* Inside the turn's write transaction: store the chunk of a
 * ChunkPutRequest. */
int ld_files_put(struct ld_node *n, struct ld_txn *t, struct work *w);
/* Answer an AttachmentGetRequest. */
void ld_files_get(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
                  const Ld__AttachmentGetRequest *q);

/* ---- commit.c: group commit ---- */

/* Queue work for this turn (zeroed). NULL if out of memory. */
struct work *ld_commit_queue(struct ld_node *n);
/* Apply the work queued so far in one write transaction, then answer,
 * acknowledge and wake waiters (with `flush`, store moved cursors even
 * if nothing is queued). */
void ld_commit_turn(struct ld_node *n, bool flush);
/* Store cursors that moved only in memory, at most every second. */
void ld_commit_tick(struct ld_node *n, int64_t now);
/* Inside the turn's write transaction: where peer `p`'s cursor is in
 * this turn. NULL cannot happen (room for every peer). */
struct ld_turn_peer *ld_commit_peer(struct ld_node *n, struct ld_peer *p);
/* Free the work still queued (the node closes). */
void ld_commit_drop(struct ld_node *n);

/* ---- batch.c: a peer's batches, applied here ---- */

/* A Batch frame on `p`'s session, received at `now`: queue it, unless it
 * is too big or a flood. Returns true if it took f. */
bool ld_batch_take(struct ld_node *n, struct ld_peer *p, Ld__Frame *f,
                   int64_t now);
/* WORK_BATCH handlers (the work table). */
int ld_batch_write(struct ld_node *n, struct ld_txn *t, struct work *w);
void ld_batch_done(struct ld_node *n, struct work *w, int rc);
bool ld_batch_needs_txn(const struct work *w);

/* ---- stream.c: our log, streamed to peers ---- */

/* Send batches to every peer with credit. Called every loop turn. */
void ld_stream_all(struct ld_node *n);
/* Number of own-log records `p` still needs: exact while `*budget` log
 * entries last (it is decremented), beyond that every entry counts. */
uint64_t ld_stream_lag_out(struct ld_node *n, struct ld_txn *t,
                           const struct ld_peer *p, uint64_t *budget);

/* ---- frame.c: link frames ---- */

/* Decode a frame from a peer within a memory budget (free it with
 * ld__frame__free_unpacked(f, NULL)). */
Ld__Frame *ld_frame_unpack(const void *buf, size_t len);
/* Send a frame to the parent (rid == NULL) or to the child connection
 * `rid`. Returns 0, or -ENOMEM or the socket's -errno (-EAGAIN: try
 * later; -EHOSTUNREACH: child gone). */
int ld_frame_send_to(void *sock, const struct ld_rid *rid, const Ld__Frame *f);
/* Send a frame to peer `p` on its session; 0 or as ld_frame_send_to. */
int ld_frame_send(struct ld_node *n, struct ld_peer *p, const Ld__Frame *f);
/* Send peer `p` a Ping, or (pong) the Pong answering one: our session
 * and our log's head. */
void ld_frame_ping(struct ld_node *n, struct ld_peer *p, bool pong);
/* Send a Reject on `sock` to connection `rid`. */
void ld_frame_reject(void *sock, const struct ld_rid *rid, Ld__RejectCode code,
                     uint64_t session, const char *reason);
/* The session a session frame names (0 for others). */
uint64_t ld_frame_session(const Ld__Frame *f);

/* ---- peers.c: the peer table ---- */

/* Copy text a peer sent about itself, as one line of valid text. */
void ld_peer_text(char *dst, size_t len, const char *src);
struct ld_peer *ld_peers_find(struct ld_node *n, const char *path);
/* A link's state in one word: down / connecting / up / rejected. */
const char *ld_peer_state_name(enum ld_peer_state s);
/* A new child (its cursor not loaded); NULL if out of memory. */
struct ld_peer *ld_peers_add(struct ld_node *n, const char *path);
/* The peer to ask for the chunks of a record owned by `owner`: the child
 * whose subtree holds it, else the parent (also for a record of ours, or
 * of an office below with no link here: such a record wants chunks only
 * after a restore, and then only the ancestors hold them); NULL at the
 * root for those. */
struct ld_peer *ld_peers_toward(struct ld_node *n, const char *owner);
/* Load the stored cursors on the parent's and children's logs. */
int ld_peers_load(struct ld_node *n);
void ld_peers_free(struct ld_node *n);

/* ---- session.c: frames on an established session ---- */

/* A frame on `p`'s established session (either end). Takes f. */
void ld_session_on_frame(struct ld_node *n, struct ld_peer *p, Ld__Frame *f);

/* ---- downlink.c: the parent side, children on the ROUTER ---- */

/* A message from connection `rid` on the ROUTER. */
void ld_downlink_on_msg(struct ld_node *n, const struct ld_rid *rid,
                        zmq_msg_t *body);
/* A message of several parts (its last part in `body`) from connection
 * `rid`: no frame of ours is; the sender's session ends. */
void ld_downlink_on_multipart(struct ld_node *n, const struct ld_rid *rid,
                              zmq_msg_t *body);
/* Drop children gone silent; resend what they did not acknowledge. */
void ld_downlink_tick(struct ld_node *n, int64_t now);
/* Re-read the allow-list; children no longer on it lose their session at
 * once. Returns 0, or with err -EINVAL (an insecure node has no list) or
 * ld_auth_reload's code (the old list stays). */
int ld_downlink_reload(struct ld_node *n, char *err, size_t errlen);

/* ---- uplink.c: the child side, the DEALER to the parent ---- */

/* A message from the parent on the DEALER. */
void ld_uplink_on_msg(struct ld_node *n, const void *buf, size_t len);
/* An event of the DEALER's monitor (a failed secure handshake). */
void ld_uplink_on_event(struct ld_node *n, uint16_t event);
/* Say Hello when due, notice a silent parent, ping it. */
void ld_uplink_tick(struct ld_node *n, int64_t now);

/* ---- fetch.c: attachment chunks over the links ---- */

struct ld_fetch *ld_fetch_new(void);
void ld_fetch_free(struct ld_fetch **f);
/* Something to fetch may have arrived (a batch was applied). */
void ld_fetch_kick(struct ld_node *n);
/* Ask peers for wanted chunks, within the in-flight and rate limits;
 * retire requests that timed out. Called every loop turn. */
void ld_fetch_tick(struct ld_node *n, int64_t now);
/* A Fetch or Chunk frame from peer `p` on its session. Takes f. */
void ld_fetch_on_frame(struct ld_node *n, struct ld_peer *p, Ld__Frame *f);
/* WORK_CHUNK handlers (the work table). */
int ld_fetch_write(struct ld_node *n, struct ld_txn *t, struct work *w);
void ld_fetch_done(struct ld_node *n, struct work *w, int rc);

/* ---- schedule.c: scheduled reports ([report NAME]) ---- */

struct ld_schedule *ld_schedule_new(struct ld_node *n);
void ld_schedule_free(struct ld_schedule **s); /* kills running reports */
/* Start reports that are due, collect finished ones. Never blocks. */
void ld_schedule_tick(struct ld_node *n, int64_t now);
/* WORK_REPORT handlers (the work table). */
int ld_schedule_write(struct ld_node *n, struct ld_txn *t, struct work *w);
void ld_schedule_done(struct ld_node *n, struct work *w, int rc);
void ld_schedule_drop(struct work *w);
/* A reload's schedule: c's [report NAME] sections into n->cfg and the
 * jobs made again, a section that did not change keeping when it is due.
 * No report may be running. 0, or -ENOMEM (then no schedule runs). */
int ld_schedule_reload(struct ld_node *n, const struct ld_config *c);
/* Is a scheduled report running? (A reload waits for it.) */
bool ld_schedule_busy(const struct ld_node *n);

/* ---- notify.c: the [notify] hook, told of new and overdue inbox items ---- */

/* NULL if out of memory (a node without [notify] command gets one that
 * does nothing). */
struct ld_notify *ld_notify_new(struct ld_node *n);
void ld_notify_free(struct ld_notify **s); /* kills a running hook */
/* Check the inbox when due (every [notify] every, and a second after the
 * log moved), run the hook for what is new, collect its end. Never
 * blocks. */
void ld_notify_tick(struct ld_node *n, int64_t now);
/* At shutdown: give a running hook a moment (2 s) to finish, so what it
 * sent counts as notified. */
void ld_notify_stop(struct ld_node *n);
/* Is the hook running? (A reload waits for it.) */
bool ld_notify_busy(const struct ld_node *n);

/* ---- reload.c: SIGHUP ---- */

/* When SIGHUP came: read liandong.conf and the allow-lists again, take
 * what can change while running, log one line saying what changed and
 * what needs a restart; apply a waiting schedule once nothing runs.
 * Called by the loop between turns (no work queued). Never fails: a bad
 * file leaves the running configuration as it was. */
void ld_reload_tick(struct ld_node *n);
void ld_reload_free(struct ld_node *n);

#endif
