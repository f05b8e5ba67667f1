/* frame.c — link frames: decode one within a memory budget, send one to a
 * peer or to a connection, say which session it belongs to. */
#include "log.h"
#include "node_int.h"

#include <errno.h>
#include <string.h>

/* Decode a frame from a peer within a memory budget (free it with
 * ld__frame__free_unpacked(f, NULL)). */
Ld__Frame *
ld_frame_unpack(const void *buf, size_t len)
{
	struct ld_budget b;
	Ld__Frame *f = ld__frame__unpack(ld_unpack_budget(&b, len), len, buf);
	ld_budget_end(&b, f != NULL);
	return f;
}

/* Send a frame to the parent (rid == NULL) or to the child connection
 * `rid`. Returns 0, or -ENOMEM or the socket's -errno (-EAGAIN: try
 * later; -EHOSTUNREACH: child gone). */
int
ld_frame_send_to(void *sock, const struct ld_rid *rid, const Ld__Frame *f)
{
	size_t n = ld__frame__get_packed_size(f);
	zmq_msg_t m;
	if (zmq_msg_init_size(&m, n) != 0)
		return -ENOMEM;
	ld__frame__pack(f, zmq_msg_data(&m));
	if (rid != NULL &&
	    zmq_send(sock, rid->id, rid->len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
		int rc = ld_err_errno();
		zmq_msg_close(&m);
		return rc;
	}
	if (zmq_msg_send(&m, sock, ZMQ_DONTWAIT) < 0) {
		int rc = ld_err_errno();
		zmq_msg_close(&m);
		return rc;
	}
	return 0;
}

int
ld_frame_send(struct ld_node *n, struct ld_peer *p, const Ld__Frame *f)
{
	struct ld_rid rid;
	rid.len = p->rid_len;
	memcpy(rid.id, p->rid, p->rid_len);
	int rc = p->is_parent ? ld_frame_send_to(n->dealer, NULL, f)
	                      : ld_frame_send_to(n->router, &rid, f);
	if (rc == 0)
		p->last_send_ms = ld_now_ms();
	else if (rc == -EHOSTUNREACH && p->state == LD_PEER_UP) {
		ld_info("link: child %s disconnected", p->path);
		ld_link_session_down(p, "disconnected");
	}
	return rc;
}

void
ld_frame_ping(struct ld_node *n, struct ld_peer *p, bool pong)
{
	Ld__Ping pg = LD__PING__INIT;
	pg.session = p->session;
	pg.head = ld_store_head(n->st);
	Ld__Frame f = LD__FRAME__INIT;
	if (pong) {
		f.msg_case = LD__FRAME__MSG_PONG;
		f.pong = &pg;
	} else {
		f.msg_case = LD__FRAME__MSG_PING;
		f.ping = &pg;
	}
	ld_frame_send(n, p, &f);
}

void
ld_frame_reject(void *sock, const struct ld_rid *rid, Ld__RejectCode code,
                uint64_t session, const char *reason)
{
	Ld__Reject rj = LD__REJECT__INIT;
	rj.code = code;
	rj.reason = (char *)reason;
	rj.session = session;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_REJECT;
	f.reject = &rj;
	ld_frame_send_to(sock, rid, &f);
}

uint64_t
ld_frame_session(const Ld__Frame *f)
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
