/* node.h — a running node: its store, sockets, links and the single event
 * loop that owns them all (DESIGN §5-§6). Shared by node.c (the loop and
 * the links) and api.c (client requests). */
#ifndef LD_NODE_H
#define LD_NODE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "auth.h"
#include "config.h"
#include "keyring.h"
#include "keys.h"
#include "vpool.h"
#include "link.h"
#include "liandong.pb-c.h"
#include "record.h"
#include "store.h"

/* A client's routing id on the API socket, copied out of its message (a
 * zmq_msg_t must not be moved by memcpy, and these live in arrays that
 * grow). ZeroMQ routing ids are at most 255 bytes. */
struct ld_rid {
	size_t len;
	unsigned char id[255];
	bool remote; /* came on the remote API socket */
};

/* Work that needs the write transaction of this loop turn. */
enum work_type { WORK_CLIENT, WORK_BATCH, WORK_CHUNK, WORK_REPORT };

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
	/* WORK_BATCH: a peer's batch, acknowledged after the commit. */
	struct ld_peer *peer;
	Ld__Frame *frame; /* owned */
	uint64_t applied, ignored, refused;
	bool held; /* not taken: could not be checked yet */
	char refuse_why[256];
	/* WORK_CHUNK: an attachment chunk fetched from `peer` (frame), stored
	 * if still wanted; `id` is the record that wanted it. The chunk
	 * completed an attachment (`done`), which did not make up the signed
	 * file (`bad`). */
	bool stored, done, bad;
	/* WORK_REPORT: a scheduled report to publish (owned), from schedule
	 * `sched`. */
	Ld__Record *rec;
	size_t sched;
};

/* A client waiting for a record to arrive (WaitRequest). */
struct waiter {
	struct ld_rid rid;
	uint64_t req_id;
	char id[LD_ID_MAX + 1];
	uint64_t min_version;
	int64_t deadline_ms;
};

struct ld_node {
	struct ld_config cfg;
	struct ld_store *st;
	int lock_fd;
	void *zctx;
	void *api;    /* ROUTER, ipc://<data>/api.sock */
	void *api_remote; /* ROUTER, [api] listen, CURVE; NULL if none */
	void *router; /* ROUTER for children, NULL without `listen` */
	void *dealer; /* DEALER to the parent, NULL at the root */
	void *monitor; /* events of the DEALER (handshake failures) */
	struct ld_auth *auth; /* ZAP and allow-list; NULL if insecure */
	struct ld_keys keys;
	uint8_t root_cert[64]; /* the root's endorsement of our keys */
	bool have_root_cert;
	struct ld_keyring *kr; /* verifies records; NULL if insecure */
	struct ld_vpool *vpool; /* checks signatures on all cores */
	char api_endpoint[4200];

	bool has_parent;
	struct ld_peer parent;
	struct ld_peer **children;
	size_t nchildren, capchildren;

	struct work *work;
	size_t nwork, capwork;
	size_t work_bytes; /* batch bytes queued this turn */
	struct waiter *waiters;
	size_t nwaiters, capwaiters;

	uint64_t refused_total;
	struct ld_fetch *fetch; /* attachment chunks in flight (fetch.c) */
	uint64_t attach_bad;    /* attachments that failed the file check */
	struct ld_schedule *schedule; /* scheduled reports (schedule.c) */
	int64_t last_flush_ms;
};

/* Open the store and bind/connect the sockets. On failure writes a
 * one-line reason to err. */
int ld_node_open(const struct ld_config *cfg, struct ld_node **out, char *err,
                 size_t errlen);
/* Run until *stop becomes non-zero; then commit what is pending and
 * return 0. */
int ld_node_run(struct ld_node *n, volatile sig_atomic_t *stop);
void ld_node_close(struct ld_node **n);

/* Monotonic and wall-clock milliseconds. */
int64_t ld_now_ms(void);
int64_t ld_wall_ms(void);

/* ---- api.c ---- */

/* Handle one client request; writes are queued as WORK_CLIENT. */
void ld_api_on_request(struct ld_node *n, const struct ld_rid *rid,
                       const void *buf,
                       size_t len);
/* Inside the turn's write transaction: create, change or delete the
 * record of `w` (refusing `w` leaves the transaction untouched). */
int ld_api_write(struct ld_node *n, struct ld_txn *t, struct work *w);
/* Inside a write transaction: create record `r` (body and scope filled
 * in, unpacked with the default allocator) as this node's, signed; its id
 * goes to w->id, a refusal to w->code and w->err. */
int ld_api_create(struct ld_node *n, struct ld_txn *t, struct work *w,
                  Ld__Record *r);
/* After the commit: answer `w`. */
void ld_api_write_done(struct ld_node *n, struct work *w);
/* Answer waiters whose record arrived or whose time ran out. */
void ld_api_check_waiters(struct ld_node *n, int64_t now);
/* Answer every waiter that the node is stopping (shutdown). */
void ld_api_drop_waiters(struct ld_node *n);
/* Send a response to a client. */
void ld_api_reply(struct ld_node *n, const struct ld_rid *rid,
                  const Ld__Response *r);
/* Send an error response: `code` and a one-line reason. */
void ld_api_error(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
                  Ld__Code code, const char *err);

/* ---- query.c: roll-ups computed from the store (rollup.h) ---- */

void ld_query_progress(struct ld_node *n, const struct ld_rid *rid,
                       uint64_t req_id, const Ld__ProgressRequest *q);
void ld_query_inbox(struct ld_node *n, const struct ld_rid *rid,
                    uint64_t req_id, const Ld__InboxRequest *q);

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
/* Inside the turn's write transaction: store the chunk of `w`. */
int ld_fetch_write(struct ld_node *n, struct ld_txn *t, struct work *w);
/* After the commit (ok: it was stored): retire the request of `w`. */
void ld_fetch_done(struct ld_node *n, struct work *w, bool ok);
/* Queue work for this turn (node.c). NULL if out of memory. */
struct work *ld_node_new_work(struct ld_node *n);
/* Send a frame to peer `p` on its session; 0 or -1 (node.c). */
int ld_node_send(struct ld_node *n, struct ld_peer *p, const Ld__Frame *f);
/* The peer a record owned by `owner` came through: the child whose
 * subtree holds it, else the parent; NULL if neither is known. */
struct ld_peer *ld_node_peer_toward(struct ld_node *n, const char *owner);

/* ---- schedule.c: scheduled reports ([report NAME]) ---- */
struct ld_schedule *ld_schedule_new(struct ld_node *n);
void ld_schedule_free(struct ld_schedule **s); /* kills running reports */
/* Start reports that are due, collect finished ones. Never blocks. */
void ld_schedule_tick(struct ld_node *n, int64_t now);
/* Inside the turn's write transaction: publish the report of `w`. */
int ld_schedule_write(struct ld_node *n, struct ld_txn *t, struct work *w);
/* After the commit. */
void ld_schedule_done(struct ld_node *n, struct work *w, bool ok);

/* ---- files.c: attachments at the client API ---- */
/* Inside a write transaction: is every chunk of `r`'s attachments here,
 * and do they make up each file? Attachments `old` (the version edited,
 * or NULL) already had are not hashed again. 0 yes; 1 no (err says why);
 * else a store error. */
int ld_files_check(struct ld_txn *t, const Ld__Record *r,
                   const Ld__Record *old, char *err, size_t errlen);
/* Inside the turn's write transaction: store the chunk of a
 * ChunkPutRequest. */
int ld_files_put(struct ld_node *n, struct ld_txn *t, struct work *w);
/* Answer an AttachmentGetRequest. */
void ld_files_get(struct ld_node *n, const struct ld_rid *rid,
                  uint64_t req_id, const Ld__AttachmentGetRequest *q);

/* ---- node.c, for api.c ---- */

/* Apply and answer the work queued so far in this turn (so that a read
 * sees every write a client sent before it). */
void ld_node_commit(struct ld_node *n);

/* Re-read the allow-list; children no longer on it lose their session at
 * once. Returns 0, or -1 with err (the old list stays). */
int ld_node_reload(struct ld_node *n, char *err, size_t errlen);

/* Number of own-log records `p` still needs: exact while `*budget` log
 * entries last (it is decremented), beyond that every entry counts. */
uint64_t ld_node_lag_out(struct ld_node *n, struct ld_txn *t,
                         const struct ld_peer *p, uint64_t *budget);

#endif
