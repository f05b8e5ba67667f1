/* loop.c — the node's event loop: one thread owns the store and every
 * socket. Each turn drains what is ready on each socket (bounded, to keep
 * the turn's transaction small and the loop fair), commits the turn's
 * work, runs the timers, then streams new log entries to peers with
 * credit. */
#include "log.h"
#include "node_int.h"
#include "sdnotify.h"

#include <errno.h>
#include <string.h>

/* Messages taken from one socket per turn: bounds the transaction and
 * keeps the loop fair between clients and links. */
#define DRAIN_MAX 256
/* Batches queued in one turn, in bytes: bounds the turn's transaction. */
#define TURN_BYTES (64u << 20)

/* Receive one message from a ROUTER: [rid][body]. Returns 1 with both,
 * 2 for a body of several parts (its last part in body: none of ours
 * is), 0 when nothing is ready, or the socket's -errno. */
static int
recv_routed(void *sock, zmq_msg_t *rid, zmq_msg_t *body)
{
	zmq_msg_init(rid);
	if (zmq_msg_recv(rid, sock, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(rid);
		return errno == EAGAIN ? 0 : ld_err_errno();
	}
	zmq_msg_init(body);
	if (!zmq_msg_more(rid) || zmq_msg_recv(body, sock, 0) < 0) {
		zmq_msg_close(rid);
		zmq_msg_close(body);
		return 0;
	}
	int got = 1;
	while (zmq_msg_more(body)) {
		/* A multi-part body is not ours: drop every part as it is
		 * read, keeping the last for its properties (User-Id). */
		got = 2;
		zmq_msg_close(body);
		zmq_msg_init(body);
		if (zmq_msg_recv(body, sock, 0) < 0)
			break;
	}
	return got;
}

/* Client requests, from the local socket or (remote) the CURVE one. */
static void
drain_api(struct ld_node *n, bool remote)
{
	void *sock = remote ? n->api_remote : n->api;
	for (int i = 0; i < DRAIN_MAX; i++) {
		zmq_msg_t rid, body;
		int got = recv_routed(sock, &rid, &body);
		if (got <= 0)
			return;
		if (got == 2) { /* not a request */
			zmq_msg_close(&rid);
			zmq_msg_close(&body);
			continue;
		}
		struct ld_rid r;
		r.remote = remote;
		r.len = zmq_msg_size(&rid);
		if (r.len > sizeof(r.id))
			r.len = sizeof(r.id);
		memcpy(r.id, zmq_msg_data(&rid), r.len);
		zmq_msg_close(&rid);
		ld_api_on_msg(n, &r, &body);
		zmq_msg_close(&body);
	}
}

/* Children's messages on the ROUTER. */
static void
drain_router(struct ld_node *n)
{
	for (int i = 0; i < DRAIN_MAX && n->work_bytes < TURN_BYTES; i++) {
		zmq_msg_t rid, body;
		int got = recv_routed(n->router, &rid, &body);
		if (got <= 0)
			return;
		struct ld_rid r;
		r.len = zmq_msg_size(&rid);
		if (r.len == 0 || r.len > sizeof(r.id)) {
			zmq_msg_close(&rid);
			zmq_msg_close(&body);
			continue;
		}
		memcpy(r.id, zmq_msg_data(&rid), r.len);
		if (got == 2)
			ld_downlink_on_multipart(n, &r, &body);
		else
			ld_downlink_on_msg(n, &r, &body);
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
		ld_uplink_on_msg(n, zmq_msg_data(&m), zmq_msg_size(&m));
		zmq_msg_close(&m);
	}
}

/* Events of the DEALER's monitor: handshakes with the parent that failed
 * or succeeded. */
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
		ld_uplink_on_event(n, event);
	}
}

static void
timers(struct ld_node *n, int64_t now)
{
	if (n->has_parent)
		ld_uplink_tick(n, now);
	ld_downlink_tick(n, now);
	ld_commit_tick(n, now);
	ld_waiters_check(n, now);
}

/* The mailbox descriptor of a socket (ZMQ_FD), -1 if it has none. */
static int
api_fd(void *sock)
{
	int fd = -1;
	size_t len = sizeof(fd);
	if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) != 0)
		return -1;
	return fd;
}

int
ld_node_run(struct ld_node *n, volatile sig_atomic_t *stop)
{
	ld_info(
	    "node %s (%s, %s) up: api %s%s%s%s%s%s%s", n->cfg.id, n->cfg.name,
	    n->cfg.level, n->api_endpoint, n->api_remote ? ", remote api " : "",
	    n->api_remote ? n->cfg.api_listen : "",
	    n->router ? ", listening on " : "", n->router ? n->cfg.listen : "",
	    n->dealer ? ", parent at " : "", n->dealer ? n->cfg.parent : "");
	/* The store is open and the sockets bound (ld_node_open): ready. */
	ld_sd_ready("node %s (%s) up", n->cfg.id, n->cfg.name);
	zmq_pollitem_t items[16];
	while (!*stop) {
		/* Answers wait for a client that reads slowly. A ROUTER
		 * reports room to send always, never for one client; but
		 * its mailbox descriptor (ZMQ_FD) signals when a client has
		 * read enough to make room, so the raw descriptors join the
		 * poll while answers wait, and a short timeout covers a
		 * signal already taken by another call. */
		int out = ld_apiout_flush(n);
		int ni = 0;
		items[ni++] = (zmq_pollitem_t){n->api, 0, ZMQ_POLLIN, 0};
		if (n->api_remote)
			items[ni++] =
			    (zmq_pollitem_t){n->api_remote, 0, ZMQ_POLLIN, 0};
		if (out != 0) {
			items[ni++] = (zmq_pollitem_t){NULL, api_fd(n->api),
			                               ZMQ_POLLIN, 0};
			if (n->api_remote)
				items[ni++] = (zmq_pollitem_t){
				    NULL, api_fd(n->api_remote), ZMQ_POLLIN, 0};
		}
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
		ni += (int)ld_metrics_poll_items(n, items + ni,
		                                 sizeof(items) / sizeof(items[0]) -
		                                     (size_t)ni);
		int64_t now = ld_now_ms();
		long timeout = out == 1 ? 0 : out == 2 ? 2 : 100;
		if (n->has_parent && n->parent.state != LD_PEER_UP &&
		    n->parent.state != LD_PEER_HELLO_SENT) {
			int64_t d = n->parent.next_hello_ms - now;
			timeout = d < 0 ? 0 : d < timeout ? (long)d : timeout;
		}
		int rc = zmq_poll(items, ni, timeout);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			rc = ld_err_errno();
			ld_err("zmq_poll: %s", zmq_strerror(errno));
			return rc;
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
		ld_commit_turn(n, false);
		/* Between turns, with no work queued: SIGHUP's reload. */
		ld_reload_tick(n);
		ld_sd_watchdog(ld_now_ms());
		timers(n, ld_now_ms());
		ld_fetch_tick(n, ld_now_ms());
		ld_recover_tick(n, ld_now_ms());
		ld_schedule_tick(n, ld_now_ms());
		ld_notify_tick(n, ld_now_ms());
		ld_health_tick(n, ld_now_ms());
		ld_metrics_serve(n, ld_now_ms());
		ld_stream_all(n);
	}
	ld_sd_stopping();
	/* Whatever moved only in memory goes to disk before we exit. */
	ld_commit_turn(n, true);
	ld_waiters_drop(n);
	ld_notify_stop(n);
	ld_info("node %s stopping", n->cfg.id);
	return 0;
}
