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
enum work_type { WORK_CLIENT, WORK_BATCH };

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
