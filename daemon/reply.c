/* reply.c — answers to API clients, on the socket their request came
 * in on. */
#include "log.h"
#include "node_int.h"

#include <errno.h>

void
ld_reply(struct ld_node *n, const struct ld_rid *rid, const Ld__Response *r)
{
	size_t len = ld__response__get_packed_size(r);
	zmq_msg_t m;
	if (zmq_msg_init_size(&m, len) != 0)
		return;
	ld__response__pack(r, zmq_msg_data(&m));
	void *sock = rid->remote ? n->api_remote : n->api;
	if (zmq_send(sock, rid->id, rid->len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_msg_send(&m, sock, ZMQ_DONTWAIT) < 0) {
		/* EHOSTUNREACH: the client went away; nobody is waiting. */
		if (errno == EHOSTUNREACH)
			ld_debug("api: client gone before its answer");
		else
			ld_warn("api: could not answer a client: %s",
			        zmq_strerror(errno));
	}
	zmq_msg_close(&m);
}

void
ld_reply_error(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
               Ld__Code code, const char *err)
{
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.code = code;
	r.error = (char *)err;
	ld_reply(n, rid, &r);
}
