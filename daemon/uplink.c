/* uplink.c — the child side of our link: the DEALER to the parent; say
 * Hello (with back-off), take its Welcome (the id floor and certificate it
 * gives) or Reject, notice why a secure handshake fails, ping it and
 * notice when it goes silent. */
#include "floor.h"
#include "log.h"
#include "node_int.h"
#include "sign.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static uint64_t
random_u64(void)
{
	uint64_t v = 0;
	while (v == 0)
		if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
			v = 0;
	return v;
}

static void
say_hello(struct ld_node *n, int64_t now)
{
	struct ld_peer *p = &n->parent;
	p->session = random_u64();
	Ld__Hello h = LD__HELLO__INIT;
	if (p->hello_protocol < LD_PROTOCOL_MIN ||
	    p->hello_protocol > LD_PROTOCOL)
		p->hello_protocol = LD_PROTOCOL;
	h.protocol = p->hello_protocol;
	h.path = n->cfg.id;
	h.level = n->cfg.level;
	h.name = n->cfg.name;
	h.session = p->session;
	h.epoch = ld_store_epoch(n->st);
	h.resume_epoch = p->in_epoch;
	h.resume_seq = p->in_seq;
	h.head = ld_store_head(n->st);
	h.ping_ms = n->cfg.ping_ms;
	h.recovering = n->recovering;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_HELLO;
	f.hello = &h;
	if (ld_frame_send_to(n->dealer, NULL, &f) != 0) {
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
	p->protocol = w->protocol < p->hello_protocol ? w->protocol
	                                              : p->hello_protocol;
	if (p->protocol < LD_PROTOCOL_MIN)
		p->protocol = LD_PROTOCOL_MIN;
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
			snprintf(
			    p->last_error, sizeof(p->last_error),
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
	/* A floor far beyond what we know would only stop us (a parent gone
	 * wrong, or an impostor with its keys): believed within a margin. */
	uint64_t floor_c = w->owned_counter, floor_v = w->node_version;
	uint64_t own_c = 0, own_v = 0;
	struct ld_txn t;
	if (ld_store_read_begin(n->st, &t) == 0) {
		char nid[LD_ID_MAX + 1];
		struct ld_val v;
		ld_id_format(nid, sizeof(nid), n->cfg.id, 0);
		if (ld_store_max_counter(&t, n->cfg.id, &own_c) != 0)
			own_c = 0;
		if (ld_store_get(&t, nid, &v, &own_v) != 0)
			own_v = 0;
		ld_store_read_end(&t);
	}
	uint64_t clock_c = ld_floor_clock_counter(ld_wall_ms());
	if (!ld_floor_counter_ok(floor_c, own_c, clock_c)) {
		ld_warn("link: parent %s says it holds our ids up to %llu, far "
		        "beyond ours (%llu) and the clock's (%llu); ignored",
		        p->path, (unsigned long long)floor_c,
		        (unsigned long long)own_c, (unsigned long long)clock_c);
		floor_c = 0;
	}
	if (!ld_floor_version_ok(floor_v, own_v)) {
		ld_warn("link: parent %s says it holds our node record at "
		        "version %llu, far beyond ours (%llu); ignored",
		        p->path, (unsigned long long)floor_v,
		        (unsigned long long)own_v);
		floor_v = 0;
	}
	/* Our store behind what the parent holds of us: recover (a new
	 * epoch), and say Hello again with it. Only floors believed above
	 * count: an impossible one must not start a recovery either. */
	if (ld_recover_on_welcome(n, w, floor_c, floor_v)) {
		p->state = LD_PEER_DOWN;
		p->next_hello_ms = now;
		return;
	}
	int rc = ld_own_node(n, floor_c, floor_v, true, cert);
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
	uint64_t resume = ld_link_resume_point(ld_store_epoch(n->st), head,
	                                       w->resume_epoch, w->resume_seq);
	ld_link_session_up(p, w->session, resume, n->cfg.credit, now);
	p->in_head = w->head;
	ld_peer_text(p->name, sizeof(p->name), w->name);
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
	/* A parent from before batch signatures: offer the older protocol
	 * at once; our sealed records wait for it (stream.c). */
	if (r->code == LD__REJECT_CODE__REJECT_PROTOCOL &&
	    p->hello_protocol > LD_PROTOCOL_MIN) {
		p->hello_protocol--;
		ld_warn("link: parent at %s does not speak protocol %u; "
		        "offering %u (records sealed in batches wait until "
		        "it is upgraded)",
		        n->cfg.parent, p->hello_protocol + 1,
		        p->hello_protocol);
		p->state = LD_PEER_DOWN;
		p->session = 0;
		p->next_hello_ms = now;
		return;
	}
	char reason[200];
	ld_peer_text(reason, sizeof(reason), r->reason);
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
/* A message from the parent on the DEALER. */
void
ld_uplink_on_msg(struct ld_node *n, const void *buf, size_t len)
{
	Ld__Frame *f = ld_frame_unpack(buf, len);
	if (f == NULL) {
		ld_warn_rl(&n->parent.warn_rl,
		           "link: undecodable frame (%zu bytes) from parent",
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
		if (p->state == LD_PEER_UP &&
		    ld_frame_session(f) == p->session) {
			ld_session_on_frame(n, p, f);
			return;
		}
		break;
	}
	ld__frame__free_unpacked(f, NULL);
}

void
ld_uplink_on_event(struct ld_node *n, uint16_t event)
{
	struct ld_peer *p = &n->parent;
	const char *why = NULL;
	if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
		why = "the parent refused this node's key: has it run "
		      "'liandong child add' for it?";
	else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
	         event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
		why = "the secure handshake with the parent failed: is "
		      "parent_key right?";
	/* A connection to the parent is ready (after a partition, say):
	 * Hello now rather than at the next back-off tick. */
	if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
		if (p->state == LD_PEER_DOWN) {
			p->next_hello_ms = ld_now_ms();
			p->backoff_ms = 0; /* not ready after all: 100 ms */
		}
		return;
	}
	if (why != NULL)
		p->shake_failed = true;
	if (why != NULL && strcmp(p->last_error, why) != 0) {
		snprintf(p->last_error, sizeof(p->last_error), "%s", why);
		ld_warn("link: %s (%s)", why, n->cfg.parent);
	}
}

void
ld_uplink_tick(struct ld_node *n, int64_t now)
{
	const struct ld_config *c = &n->cfg;
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
			ld_frame_ping(n, p, false);
		}
		int64_t wait = ld_link_ack_wait(p, c->dead_ms);
		if (ld_link_ack_timeout(p, now, c->dead_ms))
			ld_warn("link: parent %s did not acknowledge "
			        "in %lld ms; resending from %llu",
			        p->path, (long long)wait,
			        (unsigned long long)p->out_acked);
		break;
	}
}
