/* downlink.c — the parent side of our links: children's messages on the
 * ROUTER, told apart by the identity ZAP authenticated; a Hello checked
 * and answered with Welcome or Reject; silent children dropped; the
 * allow-list reloaded. */
#include "log.h"
#include "node_int.h"
#include "sign.h"

#include <stdio.h>
#include <string.h>

/* Where warnings about what `who` sends are rate-limited: its peer
 * entry, or the node's for connections with none. */
static struct ld_ratelimit *
warn_rl(struct ld_node *n, const char *who)
{
	struct ld_peer *p = ld_peers_find(n, who);
	return p != NULL ? &p->warn_rl : &n->link_rl;
}

/* A Hello from connection `rid`, whose identity is `who`: the path ZAP
 * authenticated (secure) or the routing id the child chose (insecure). */
static void
on_hello(struct ld_node *n, const struct ld_rid *rid, const char *who,
         const Ld__Hello *h, const char *uid)
{
	char reason[512];
	if (h->protocol < LD_PROTOCOL_MIN || h->protocol > LD_PROTOCOL) {
		snprintf(reason, sizeof(reason),
		         "protocol %u not supported (this node speaks %d to %d)",
		         h->protocol, LD_PROTOCOL_MIN, LD_PROTOCOL);
		ld_warn_rl(warn_rl(n, who), "link: refused %s: %s", who,
		           reason);
		ld_frame_reject(n->router, rid,
		                LD__REJECT_CODE__REJECT_PROTOCOL, h->session,
		                reason);
		return;
	}
	if (strcmp(h->path, who) != 0 || !ld_path_valid(h->path, NULL)) {
		snprintf(reason, sizeof(reason),
		         n->auth != NULL
		             ? "Hello path '%.64s' is not the one enrolled for "
		               "this connection's key"
		             : "Hello path '%.64s' differs from the routing id",
		         h->path);
		ld_warn_rl(warn_rl(n, who), "link: refused %s: %s", who,
		           reason);
		ld_frame_reject(n->router, rid,
		                n->auth != NULL
		                    ? LD__REJECT_CODE__REJECT_KEY
		                    : LD__REJECT_CODE__REJECT_MALFORMED,
		                h->session, reason);
		return;
	}
	if (!ld_path_is_child(h->path, n->cfg.id)) {
		snprintf(reason, sizeof(reason),
		         "path %s is not one segment below %s", h->path,
		         n->cfg.id);
		ld_warn_rl(warn_rl(n, who), "link: refused child %s: %s",
		           h->path, reason);
		ld_frame_reject(n->router, rid, LD__REJECT_CODE__REJECT_PATH,
		                h->session, reason);
		return;
	}
	/* The key the connection authenticated with must be the one enrolled
	 * for the path the child claims. */
	if (n->auth != NULL && !ld_auth_allows(n->auth, h->path, uid)) {
		snprintf(
		    reason, sizeof(reason),
		    "the key of this connection is not the one enrolled for "
		    "%s",
		    h->path);
		ld_warn_rl(warn_rl(n, who), "link: refused child %s: %s",
		           h->path, reason);
		ld_frame_reject(n->router, rid, LD__REJECT_CODE__REJECT_KEY,
		                h->session, reason);
		return;
	}
	struct ld_peer *p = ld_peers_find(n, h->path);
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
		p = ld_peers_add(n, h->path);
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
	uint64_t resume = ld_link_resume_point(ld_store_epoch(n->st), head,
	                                       h->resume_epoch, h->resume_seq);
	if (resume != h->resume_seq)
		ld_info("link: child %s asked to resume our log after %llu on "
		        "another epoch or past our head %llu; sending it from "
		        "the start",
		        p->path, (unsigned long long)h->resume_seq,
		        (unsigned long long)head);
	resume = ld_recover_hello(p, h, resume);
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
	ld_peer_text(p->name, sizeof(p->name), h->name);

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
	p->protocol = h->protocol;
	wl.protocol = p->protocol;
	wl.path = n->cfg.id;
	wl.session = h->session;
	wl.epoch = ld_store_epoch(n->st);
	wl.resume_epoch = p->in_epoch;
	wl.resume_seq = p->in_seq;
	wl.head = head;
	wl.name = n->cfg.name;
	wl.recovery = h->recovering;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_WELCOME;
	f.welcome = &wl;
	if (ld_frame_send(n, p, &f) != 0) {
		ld_link_session_down(p, "could not answer Hello");
		return;
	}
	ld_info("link: child %s (%s) connected; resuming our log after %llu, "
	        "its log after %llu",
	        p->path, p->name, (unsigned long long)resume,
	        (unsigned long long)p->in_seq);
}

/* A message from a child on the ROUTER, on connection `rid`; `who` is
 * its identity (see on_hello) and `uid` what ZAP gave the connection
 * (NULL on an insecure node). */
static void
on_child_msg(struct ld_node *n, const struct ld_rid *rid, const char *who,
             const char *uid, const void *buf, size_t len)
{
	Ld__Frame *f = ld_frame_unpack(buf, len);
	if (f == NULL) {
		ld_warn_rl(warn_rl(n, who),
		           "link: undecodable frame (%zu bytes) from %s", len,
		           who);
		return;
	}
	if (f->msg_case == LD__FRAME__MSG_HELLO) {
		on_hello(n, rid, who, f->hello, uid);
		ld__frame__free_unpacked(f, NULL);
		return;
	}
	struct ld_peer *p = ld_peers_find(n, who);
	uint64_t s = ld_frame_session(f);
	if (p == NULL || p->state != LD_PEER_UP || s != p->session) {
		if (f->msg_case != LD__FRAME__MSG_REJECT && s != 0)
			ld_frame_reject(n->router, rid,
			                LD__REJECT_CODE__REJECT_SESSION, s,
			                "no such session; say Hello");
		ld__frame__free_unpacked(f, NULL);
		return;
	}
	ld_session_on_frame(n, p, f);
}

void
ld_downlink_on_msg(struct ld_node *n, const struct ld_rid *rid, zmq_msg_t *body)
{
	/* Who sent it: on a secure node the path ZAP authenticated
	 * (the routing id is only the connection); on an insecure
	 * one the routing id the child chose, its path. */
	char who[LD_PATH_MAX + 1] = "";
	const char *uid = NULL;
	if (n->auth != NULL) {
		uid = zmq_msg_gets(body, "User-Id");
		size_t wl = uid != NULL ? strcspn(uid, " ") : 0;
		if (wl > 0 && wl <= LD_PATH_MAX) {
			memcpy(who, uid, wl);
			who[wl] = '\0';
		}
	} else if (rid->len <= LD_PATH_MAX &&
	           memchr(rid->id, '\0', rid->len) == NULL) {
		memcpy(who, rid->id, rid->len);
		who[rid->len] = '\0';
	}
	/* Revoked or re-keyed since its Hello: refuse before even
	 * decoding what it sent, and keep refusing. */
	if (who[0] != '\0' && n->auth != NULL &&
	    !ld_auth_allows(n->auth, who, uid)) {
		struct ld_peer *p = ld_peers_find(n, who);
		if (p != NULL && p->state == LD_PEER_UP)
			ld_link_session_down(p, "key revoked");
		ld_frame_reject(n->router, rid, LD__REJECT_CODE__REJECT_KEY, 0,
		                "this node's key is not (or no longer) "
		                "enrolled");
	} else if (who[0] != '\0') {
		on_child_msg(n, rid, who, uid, zmq_msg_data(body),
		             zmq_msg_size(body));
	}
}

void
ld_downlink_on_multipart(struct ld_node *n, const struct ld_rid *rid,
                         zmq_msg_t *body)
{
	/* Every frame of the protocol is one part: more is an attack or a
	 * broken peer. libzmq has buffered the whole message by now (it
	 * has no limit on the parts of one); end the session. */
	const char *uid = n->auth != NULL ? zmq_msg_gets(body, "User-Id")
	                                  : NULL;
	char who[LD_PATH_MAX + 1] = "";
	size_t wl = uid != NULL ? strcspn(uid, " ")
	            : rid->len <= LD_PATH_MAX ? rid->len
	                                      : 0;
	if (wl > LD_PATH_MAX)
		wl = 0;
	memcpy(who, uid != NULL ? (const void *)uid : (const void *)rid->id,
	       wl);
	who[wl] = '\0';
	struct ld_peer *p = who[0] != '\0' ? ld_peers_find(n, who) : NULL;
	ld_warn_rl(p != NULL ? &p->warn_rl : &n->link_rl,
	           "link: a message of several parts from %s; every frame "
	           "is one part: %s",
	           who[0] != '\0' ? who : "an unknown connection",
	           p != NULL && p->state == LD_PEER_UP ? "its session ends"
	                                               : "ignored");
	if (p != NULL && p->state == LD_PEER_UP &&
	    p->rid_len == rid->len && memcmp(p->rid, rid->id, rid->len) == 0)
		ld_link_session_down(p, "sent a message of several parts");
}

void
ld_downlink_tick(struct ld_node *n, int64_t now)
{
	for (size_t i = 0; i < n->nchildren; i++) {
		struct ld_peer *p = n->children[i];
		if (p->state != LD_PEER_UP)
			continue;
		if (now - p->last_recv_ms > (int64_t)p->dead_ms) {
			ld_warn("link: child %s silent for %u ms; dropping its "
			        "session",
			        p->path, p->dead_ms);
			ld_link_session_down(p, "child went silent");
		} else {
			int64_t wait = ld_link_ack_wait(p, p->dead_ms);
			if (ld_link_ack_timeout(p, now, p->dead_ms))
				ld_warn("link: child %s did not acknowledge in "
				        "%lld ms; resending from %llu",
				        p->path, (long long)wait,
				        (unsigned long long)p->out_acked);
		}
	}
}

int
ld_downlink_reload(struct ld_node *n, char *err, size_t errlen)
{
	if (n->auth == NULL) {
		if (!n->cfg.insecure)
			return 0; /* it listens to no one: nothing to reload */
		snprintf(err, errlen,
		         "this node is insecure: it has no "
		         "allow-list");
		return -EINVAL;
	}
	int rc = ld_auth_reload(n->auth, err, errlen);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n->nchildren; i++) {
		struct ld_peer *p = n->children[i];
		if (p->state == LD_PEER_UP &&
		    !ld_auth_allows(n->auth, p->path, p->user_id)) {
			ld_warn("link: child %s revoked; its session ends now",
			        p->path);
			struct ld_rid r;
			r.len = p->rid_len;
			memcpy(r.id, p->rid, p->rid_len);
			ld_frame_reject(
			    n->router, &r, LD__REJECT_CODE__REJECT_KEY,
			    p->session,
			    "this node's key is no longer enrolled");
			ld_link_session_down(p, "key revoked");
		}
	}
	ld_info("auth: allow-list reloaded");
	return 0;
}
