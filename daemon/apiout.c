/* apiout.c — answers on their way to API clients. libzmq's pipe to each
 * client holds at most LD_API_HWM answers (ZMQ_SNDHWM, with
 * ROUTER_MANDATORY a full pipe refuses a send instead of dropping it);
 * what does not fit waits here, in order, up to LD_API_QUEUE_MAX bytes a
 * client, and goes out as the client reads. A client that lets more pile
 * up is not reading its answers: the rest of them are dropped (logged)
 * until it catches up. So a client that never reads costs at most
 * LD_API_HWM answers in libzmq and LD_API_QUEUE_MAX here. */
#include "log.h"
#include "node_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct qmsg {
	struct qmsg *next;
	size_t len;
	unsigned char data[];
};

struct qclient {
	struct ld_rid rid;
	struct qmsg *head, *tail;
	size_t bytes;
};

struct ld_apiout {
	struct qclient *c;
	size_t n, cap;
	size_t bytes; /* queued, all clients */
	struct ld_ratelimit rl;
};

struct ld_apiout *
ld_apiout_new(void)
{
	return calloc(1, sizeof(struct ld_apiout));
}

static void
client_clear(struct ld_apiout *q, struct qclient *c)
{
	while (c->head != NULL) {
		struct qmsg *m = c->head;
		c->head = m->next;
		free(m);
	}
	c->tail = NULL;
	q->bytes -= c->bytes;
	c->bytes = 0;
}

void
ld_apiout_free(struct ld_apiout **q_p)
{
	if (q_p == NULL || *q_p == NULL)
		return;
	struct ld_apiout *q = *q_p;
	for (size_t i = 0; i < q->n; i++)
		client_clear(q, &q->c[i]);
	free(q->c);
	free(q);
	*q_p = NULL;
}

static bool
same_rid(const struct ld_rid *a, const struct ld_rid *b)
{
	return a->remote == b->remote && a->len == b->len &&
	       memcmp(a->id, b->id, a->len) == 0;
}

static struct qclient *
find(struct ld_apiout *q, const struct ld_rid *rid)
{
	for (size_t i = 0; i < q->n; i++)
		if (same_rid(&q->c[i].rid, rid))
			return &q->c[i];
	return NULL;
}

/* One send of [rid][body] without waiting: 0, or -EAGAIN (the pipe is at
 * its HWM) or another -errno (-EHOSTUNREACH: the client is gone). A full
 * pipe is asked once more after libzmq has taken in the reader's
 * progress (ZMQ_EVENTS processes the socket's pending commands). */
static int
try_send(struct ld_node *n, const struct ld_rid *rid, const void *buf,
         size_t len)
{
	void *sock = rid->remote ? n->api_remote : n->api;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (zmq_send(sock, rid->id, rid->len,
		             ZMQ_SNDMORE | ZMQ_DONTWAIT) >= 0) {
			if (zmq_send(sock, buf, len, ZMQ_DONTWAIT) >= 0)
				return 0;
			return ld_err_errno();
		}
		int rc = ld_err_errno();
		if (rc != -EAGAIN)
			return rc;
		int ev;
		size_t evl = sizeof(ev);
		zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &evl);
	}
	return -EAGAIN;
}

static void
gone(int rc)
{
	/* EHOSTUNREACH: the client went away; nobody is waiting. */
	if (rc == -EHOSTUNREACH)
		ld_debug("api: client gone before its answer");
	else
		ld_warn("api: could not answer a client: %s", zmq_strerror(-rc));
}

void
ld_apiout_send(struct ld_node *n, const struct ld_rid *rid, const void *buf,
               size_t len)
{
	struct ld_apiout *q = n->apiout;
	if (q == NULL)
		return; /* the node is being set up or taken down */
	struct qclient *c = find(q, rid);
	if (c == NULL || c->head == NULL) {
		int rc = try_send(n, rid, buf, len);
		if (rc == 0)
			return;
		if (rc != -EAGAIN) {
			gone(rc);
			return;
		}
	}
	if ((c != NULL && c->bytes + len > LD_API_QUEUE_MAX) ||
	    q->bytes + len > LD_API_QUEUE_TOTAL) {
		ld_warn_rl(&q->rl,
		           "api: a client is not reading its answers (%zu "
		           "bytes wait for it); dropping the answer",
		           c != NULL ? c->bytes : (size_t)0);
		return;
	}
	struct qmsg *m = malloc(sizeof(*m) + len);
	if (m == NULL) {
		ld_err("api: out of memory queuing an answer");
		return;
	}
	if (c == NULL) {
		if (q->n == q->cap) {
			size_t cap = q->cap ? q->cap * 2 : 8;
			struct qclient *nc = realloc(q->c, cap * sizeof(*nc));
			if (nc == NULL) {
				free(m);
				ld_err("api: out of memory queuing an answer");
				return;
			}
			q->c = nc;
			q->cap = cap;
		}
		c = &q->c[q->n++];
		memset(c, 0, sizeof(*c));
		c->rid = *rid;
	}
	m->next = NULL;
	m->len = len;
	memcpy(m->data, buf, len);
	if (c->tail != NULL)
		c->tail->next = m;
	else
		c->head = m;
	c->tail = m;
	c->bytes += len;
	q->bytes += len;
}

int
ld_apiout_flush(struct ld_node *n)
{
	struct ld_apiout *q = n->apiout;
	if (q == NULL)
		return 0;
	bool moved = false;
	for (size_t i = 0; i < q->n;) {
		struct qclient *c = &q->c[i];
		int rc = 0;
		while (c->head != NULL &&
		       (rc = try_send(n, &c->rid, c->head->data,
		                      c->head->len)) == 0) {
			moved = true;
			struct qmsg *m = c->head;
			c->head = m->next;
			c->bytes -= m->len;
			q->bytes -= m->len;
			free(m);
		}
		if (c->head == NULL)
			c->tail = NULL;
		if (rc != 0 && rc != -EAGAIN) {
			gone(rc);
			client_clear(q, c);
		}
		if (c->head == NULL) {
			q->c[i] = q->c[--q->n];
			continue;
		}
		i++;
	}
	return q->n == 0 ? 0 : moved ? 1 : 2;
}
