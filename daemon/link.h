/* link.h — one end of a parent-child link (docs/protocol.md): session state,
 * cursors, credit-based flow control and retry timing. Pure: the node loop
 * does the I/O and calls these to decide. */
#ifndef LD_LINK_H
#define LD_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "log.h"
#include "path.h"

/* The link protocol (docs/protocol.md "Versions"). 2: records may be
 * sealed in batches (Record.seal); 1: each record is signed alone. A
 * session runs at the lower of its two ends' versions, and a sealed
 * record never goes over a session at 1 (stream.c). */
#define LD_PROTOCOL 2
#define LD_PROTOCOL_MIN 1
/* Largest frame a link accepts (ZMQ_MAXMSGSIZE). A batch stops growing at
 * batch_bytes (<= 8 MiB) and one record is at most 1 MiB. */
#define LD_FRAME_MAX (16 << 20)
/* Attachment chunks a node sends a peer before the peer confirms it got
 * them (Fetch.got): what a peer that never reads can make it queue. */
#define LD_SERVE_WINDOW 8

/* Adaptive batch size (docs/protocol.md, "Thin links"): a session starts
 * with batches of LD_BATCH_START bytes (or batch_bytes if smaller); the
 * size doubles while a batch of it would cross the link in under half of
 * LD_BATCH_TIME_MS at the throughput acks show, halves when it would take
 * longer than LD_BATCH_TIME_MS or an ack times out, and stays within
 * [LD_BATCH_MIN, batch_bytes]. */
#define LD_BATCH_MIN 4096
#define LD_BATCH_START 16384
#define LD_BATCH_TIME_MS 1000
/* The ack timeout: at least dead_ms, and at least LD_ACK_SLACK times what
 * the bytes in flight take at the measured throughput; it doubles with
 * each timeout in a row, up to LD_ACK_TIMEOUT_MAX_MS. */
#define LD_ACK_SLACK 3
#define LD_ACK_TIMEOUT_MAX_MS 120000

enum ld_peer_state {
	LD_PEER_DOWN,       /* no session */
	LD_PEER_HELLO_SENT, /* child side: waiting for Welcome */
	LD_PEER_UP,         /* session established, streaming both ways */
	LD_PEER_REJECTED,   /* child side: the parent refused us */
};

struct ld_peer {
	char path[LD_PATH_MAX + 1];
	char name[LD_NAME_MAX + 1];
	bool is_parent;
	enum ld_peer_state state;
	uint64_t session;
	/* The session's protocol version; and (the parent) the one our
	 * next Hello offers: LD_PROTOCOL, or one less after a parent
	 * refused it, until the session next ends. */
	unsigned protocol, hello_protocol;

	/* Inbound: the peer's log, applied here. in_seq is what this node has
	 * applied; it is persisted with the records it covers, or later
	 * (in_dirty) when a batch carried no records. */
	uint64_t in_epoch, in_seq, in_head;
	bool in_dirty;
	uint64_t rewind_asked; /* cursor + 1 we last asked a resend from */

	/* Outbound: our log, streamed to the peer. */
	uint64_t out_acked, out_sent;
	uint64_t inflight[LD_CREDIT_MAX]; /* to_seq of batches in flight */
	uint32_t inflight_bytes[LD_CREDIT_MAX]; /* ... and their sizes */
	int64_t inflight_ms[LD_CREDIT_MAX];     /* ... and when they left */
	unsigned ninflight;
	unsigned credit;
	/* What the link moves: acked batch bytes per second (EWMA; 0 = not
	 * measured yet), the batch size that follows from it, and ack
	 * timeouts in a row (the timeout backs off). */
	uint64_t rate;
	uint32_t batch_cap;
	unsigned ack_timeouts;

	int64_t last_recv_ms, last_send_ms, last_ack_ms;
	unsigned dead_ms; /* silence that ends the session (parent side) */
	/* Flood control: batches taken from the peer this turn, and when we
	 * last answered a ping or complained. */
	unsigned turn_batches;
	int64_t last_pong_ms, last_flood_ms, last_hello_ms, last_hold_ms;
	unsigned hellos; /* Hellos in the second since last_hello_ms */
	uint64_t flooded;
	/* Rewinds: the last one honoured (one per ack timeout). */
	int64_t last_rewind_ms;
	/* Warnings about what this peer sends: one line a second. */
	struct ld_ratelimit warn_rl;
	char user_id[LD_PATH_MAX + 48]; /* authenticated identity (parent side) */
	/* Parent side: the ROUTER's id of the connection whose Hello opened
	 * the session; everything for this child goes there. */
	unsigned char rid[255];
	size_t rid_len;
	/* Own-log sequences of NODE records sent ahead of their turn in this
	 * session (so the peer could verify a record), sorted: not sent again
	 * when the stream reaches them. */
	uint64_t *early;
	size_t nearly, capearly;
	bool shake_failed; /* child side: the secure handshake failed */
	uint64_t refused; /* records refused by the flow rules */
	uint64_t resent;  /* records received that were already held */
	char last_error[256];

	/* Attachment chunks (fetch.c): tokens of chunks sent to the peer
	 * that it has not confirmed yet; tokens of chunks it sent us, to
	 * confirm in our next Fetch; our chunk requests in flight to it. */
	uint64_t serve_tok[LD_SERVE_WINDOW];
	int64_t serve_ms[LD_SERVE_WINDOW]; /* when each was sent */
	unsigned nserve;
	uint64_t got_tok[LD_SERVE_WINDOW];
	unsigned ngot;
	unsigned fetching;
	/* Fetching: chunk bytes per second arriving from this peer (EWMA;
	 * 0 = not measured yet) and when the last piece arrived. */
	uint64_t fetch_rate;
	int64_t fetch_last_ms;

	/* Child side: when to say Hello next, and the current back-off. */
	int64_t next_hello_ms, hello_sent_ms;
	unsigned backoff_ms;

	/* Parent side (recover.c): the child said in Hello that it is
	 * recovering; records of its subtree go to it too until it has
	 * acknowledged the batch that reached our head (recover_done). */
	bool recovering;
	uint64_t recover_done;
	uint64_t conflicts; /* records at a held version with other bytes */
};

enum ld_batch_verdict {
	LD_BATCH_APPLY, /* from <= cursor < to: apply, cursor = to */
	LD_BATCH_DUP,   /* to <= cursor: already applied, ack again */
	LD_BATCH_GAP,   /* from > cursor: something was lost, ask a resend */
	LD_BATCH_BAD,   /* to < from */
};

enum ld_batch_verdict ld_link_batch_verdict(uint64_t cursor, uint64_t from,
                                            uint64_t to);

/* A new session: reset flow control; the peer resumes our log after
 * `resume` (already validated against our epoch and head). */
void ld_link_session_up(struct ld_peer *p, uint64_t session, uint64_t resume,
                        unsigned credit, int64_t now);

/* The session ended (peer dead, unreachable, or replaced). */
void ld_link_session_down(struct ld_peer *p, const char *why);

/* The peer acknowledged our log up to `seq`; `rewind` asks us to resend
 * from there. */
void ld_link_on_ack(struct ld_peer *p, uint64_t seq, uint32_t credit,
                    bool rewind, int64_t now);

/* May another batch go out? (Up, credit left, something past out_sent.) */
bool ld_link_can_send(const struct ld_peer *p, uint64_t head);

/* A batch (out_sent, to] of `bytes` went out. */
void ld_link_sent(struct ld_peer *p, uint64_t to, uint32_t bytes, int64_t now);

/* How many bytes the next batch to `p` may hold: the adaptive size,
 * never more than `batch_bytes` (the configured bound). */
uint32_t ld_link_batch_cap(const struct ld_peer *p, uint32_t batch_bytes);

/* How long to wait for an acknowledgement before resending: `dead_ms` at
 * least, more when the bytes in flight take longer at the measured
 * throughput, doubled for each timeout in a row (see LD_ACK_SLACK). */
int64_t ld_link_ack_wait(const struct ld_peer *p, int64_t dead_ms);

/* Nothing acknowledged for ld_link_ack_wait(p, dead_ms) while batches
 * are in flight: assume they were lost and resend from the last
 * acknowledged sequence, in smaller batches. Returns true if it
 * rewound. */
bool ld_link_ack_timeout(struct ld_peer *p, int64_t now, int64_t dead_ms);

/* A throughput estimate (bytes per second, 0 = none yet) updated with
 * `bytes` that took `ms` to arrive: an average that gives the newest
 * sample a quarter of the weight. */
uint64_t ld_link_rate_update(uint64_t rate, uint64_t bytes, int64_t ms);

/* The size, within [lo, hi], of what crosses a link of `rate` bytes per
 * second in `ms` (lo when the rate is not known). */
uint32_t ld_link_size_for(uint64_t rate, uint32_t ms, uint32_t lo,
                          uint32_t hi);

/* The resume point a peer asks for in our log: its cursor if it is on our
 * epoch and not beyond our head, else 0 (full resync). */
uint64_t ld_link_resume_point(uint64_t our_epoch, uint64_t our_head,
                              uint64_t their_epoch, uint64_t their_seq);

/* A handshake told us the peer's log epoch and head. If the epoch is new,
 * or the log is shorter than what we applied of it (a store copied back
 * from a backup), our cursor on it starts again from 0: returns true (and
 * marks the cursor to be stored) when it did. */
bool ld_link_peer_log(struct ld_peer *p, uint64_t epoch, uint64_t head);

/* Serving chunks: the peer confirmed the chunks of tokens `got` (or a
 * chunk could not be sent); may one more go to it at `now` (then `token`
 * counts against the window)? A token unconfirmed for
 * LD_SERVE_EXPIRE_MS is forgotten (its Chunk or Fetch was lost). */
#define LD_SERVE_EXPIRE_MS 30000
void ld_link_serve_confirm(struct ld_peer *p, const uint64_t *got, size_t n);
bool ld_link_serve_take(struct ld_peer *p, uint64_t token, int64_t now);
/* Fetching: a chunk with `token` arrived from the peer; confirm it in the
 * next Fetch (the oldest is forgotten if more arrive unconfirmed). */
void ld_link_got(struct ld_peer *p, uint64_t token);

/* Child side: schedule the next Hello after a failure (capped exponential
 * back-off from 100 ms). */
void ld_link_backoff(struct ld_peer *p, int64_t now, unsigned max_ms);

#endif
