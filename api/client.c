/* client.c — the client side of the API socket (a DEALER). */
#include "client.h"
#include "err.h"
#include "keys.h"
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <zmq.h>

struct ld_client {
	void *ctx, *sock;
	uint64_t next_id;
	char dir[PATH_MAX];
};

/* The daemon holds an exclusive lock on <dir>/liandongd.pid. */
static int
daemon_running(const char *dir)
{
	char file[PATH_MAX + 32];
	snprintf(file, sizeof(file), "%s/liandongd.pid", dir);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int running = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);
	return running;
}

int
ld_client_open(const char *dir, struct ld_client **out, char *err,
               size_t errlen)
{
	*out = NULL;
	int rc;
	struct ld_client *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (realpath(dir, c->dir) == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", dir, ld_strerror(rc));
		goto fail;
	}
	char file[PATH_MAX + 32];
	snprintf(file, sizeof(file), "%s/liandong.conf", c->dir);
	if (access(file, F_OK) != 0) {
		rc = -ENOENT;
		snprintf(err, errlen, "%s is not a liandong data directory "
		         "(make one with 'liandong init')", dir);
		goto fail;
	}
	if (!daemon_running(c->dir)) {
		rc = -ECONNREFUSED;
		snprintf(err, errlen, "liandongd is not running on %s (start "
		         "it with: liandongd --data %s)", dir, dir);
		goto fail;
	}
	char ep[PATH_MAX + 32];
	snprintf(ep, sizeof(ep), "ipc://%s/api.sock", c->dir);
	int linger = 0;
	c->ctx = zmq_ctx_new();
	if (c->ctx == NULL || (c->sock = zmq_socket(c->ctx, ZMQ_DEALER)) ==
	                          NULL ||
	    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof(linger)) ||
	    zmq_connect(c->sock, ep) != 0) {
		rc = ld_err_errno();
		snprintf(err, errlen, "connecting to %s: %s", ep,
		         zmq_strerror(errno));
		goto fail;
	}
	c->next_id = 1;
	*out = c;
	return 0;
fail:
	ld_client_close(&c);
	return rc;
}

int
ld_client_open_remote(const char *endpoint, const uint8_t server[32],
                      const struct ld_keys *mine, int timeout_ms,
                      struct ld_client **out, char *err, size_t errlen)
{
	*out = NULL;
	int rc;
	struct ld_client *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(c->dir, sizeof(c->dir), "%s", endpoint);
	int linger = 0;
	void *mon = NULL;
	char mep[64];
	snprintf(mep, sizeof(mep), "inproc://ld-client-monitor-%p", (void *)c);
	c->ctx = zmq_ctx_new();
	if (c->ctx == NULL ||
	    (c->sock = zmq_socket(c->ctx, ZMQ_DEALER)) == NULL ||
	    zmq_setsockopt(c->sock, ZMQ_LINGER, &linger, sizeof(linger)) ||
	    zmq_setsockopt(c->sock, ZMQ_CURVE_SERVERKEY, server, 32) ||
	    zmq_setsockopt(c->sock, ZMQ_CURVE_PUBLICKEY, mine->curve_pub, 32) ||
	    zmq_setsockopt(c->sock, ZMQ_CURVE_SECRETKEY, mine->curve_sec, 32) ||
	    zmq_socket_monitor(c->sock, mep,
	                       ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
	                           ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
	                           ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
	                           ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) ||
	    (mon = zmq_socket(c->ctx, ZMQ_PAIR)) == NULL ||
	    zmq_setsockopt(mon, ZMQ_LINGER, &linger, sizeof(linger)) ||
	    zmq_connect(mon, mep) != 0 || zmq_connect(c->sock, endpoint) != 0) {
		rc = ld_err_errno();
		snprintf(err, errlen, "connecting to %s: %s", endpoint,
		         zmq_strerror(errno));
		goto fail;
	}
	/* Wait for the handshake's outcome. */
	zmq_pollitem_t it = {mon, 0, ZMQ_POLLIN, 0};
	uint16_t event = 0;
	if (zmq_poll(&it, 1, timeout_ms) == 1) {
		zmq_msg_t ev;
		zmq_msg_init(&ev);
		if (zmq_msg_recv(&ev, mon, 0) >= 0 && zmq_msg_size(&ev) >= 2)
			memcpy(&event, zmq_msg_data(&ev), 2);
		zmq_msg_close(&ev);
	}
	if (event != ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
		if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
			rc = -EACCES;
			snprintf(err, errlen, "the node at %s refused this key "
			         "(is it on its admin list? 'liandong admin "
			         "add NAME KEY' there)", endpoint);
		} else if (event != 0) {
			rc = -EPROTO;
			snprintf(err, errlen, "the secure handshake with %s "
			         "failed: is --server-key right?", endpoint);
		} else {
			rc = -ETIMEDOUT;
			snprintf(err, errlen, "no answer from %s within %d ms",
			         endpoint, timeout_ms);
		}
		goto fail;
	}
	zmq_socket_monitor(c->sock, NULL, 0);
	zmq_close(mon);
	c->next_id = 1;
	*out = c;
	return 0;
fail:
	if (mon != NULL)
		zmq_close(mon);
	ld_client_close(&c);
	return rc;
}

void
ld_client_close(struct ld_client **c_p)
{
	if (c_p == NULL || *c_p == NULL)
		return;
	struct ld_client *c = *c_p;
	if (c->sock != NULL)
		zmq_close(c->sock);
	if (c->ctx != NULL)
		zmq_ctx_term(c->ctx);
	free(c);
	*c_p = NULL;
}

const char *
ld_client_dir(const struct ld_client *c)
{
	return c->dir;
}

int
ld_client_send(struct ld_client *c, Ld__Request *req, char *err,
               size_t errlen)
{
	if (req->req_id == 0)
		req->req_id = c->next_id++;
	size_t len = ld__request__get_packed_size(req);
	if (len > LD_API_MSG_MAX) {
		/* The node's socket would drop it, and the connection,
		 * unanswered. */
		snprintf(err, errlen, "request of %zu bytes, more than the "
		         "API's limit of %u (2 MiB): send fewer records in "
		         "one request", len, (unsigned)LD_API_MSG_MAX);
		return -EMSGSIZE;
	}
	zmq_msg_t m;
	if (zmq_msg_init_size(&m, len) != 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ld__request__pack(req, zmq_msg_data(&m));
	if (zmq_msg_send(&m, c->sock, 0) < 0) {
		int rc = ld_err_errno();
		snprintf(err, errlen, "sending to liandongd: %s",
		         zmq_strerror(errno));
		zmq_msg_close(&m);
		return rc;
	}
	return 0;
}

int
ld_client_recv(struct ld_client *c, Ld__Response **resp, int timeout_ms,
               char *err, size_t errlen)
{
	*resp = NULL; /* on every failure too: nothing to free */
	zmq_pollitem_t it = {c->sock, 0, ZMQ_POLLIN, 0};
	int rc;
	do
		rc = zmq_poll(&it, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc <= 0) {
		rc = rc < 0 ? ld_err_errno() : -ETIMEDOUT;
		snprintf(err, errlen, "no answer from liandongd on %s within "
		         "%d ms", c->dir, timeout_ms);
		return rc;
	}
	zmq_msg_t m;
	zmq_msg_init(&m);
	if (zmq_msg_recv(&m, c->sock, 0) < 0) {
		rc = ld_err_errno();
		snprintf(err, errlen, "receiving from liandongd: %s",
		         zmq_strerror(errno));
		zmq_msg_close(&m);
		return rc;
	}
	*resp = ld__response__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	zmq_msg_close(&m);
	if (*resp == NULL) {
		snprintf(err, errlen, "liandongd sent an answer that does not "
		         "decode");
		return LD_ESYNTAX;
	}
	return 0;
}

int
ld_client_call(struct ld_client *c, Ld__Request *req, Ld__Response **resp,
               int timeout_ms, char *err, size_t errlen)
{
	req->req_id = 0;
	int rc = ld_client_send(c, req, err, errlen);
	if (rc != 0)
		return rc;
	for (;;) {
		if ((rc = ld_client_recv(c, resp, timeout_ms, err, errlen)) != 0)
			return rc;
		if ((*resp)->req_id == req->req_id)
			return 0;
		/* An answer to an earlier request nobody waits for. */
		ld__response__free_unpacked(*resp, NULL);
		*resp = NULL;
	}
}
