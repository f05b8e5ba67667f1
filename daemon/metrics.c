/* metrics.c — the node's figures in the Prometheus text format on
 * [metrics] listen (off by default): a tiny HTTP responder on a
 * non-blocking TCP socket that the loop polls beside its ZeroMQ sockets,
 * answering only GET /metrics, at most CONN_MAX connections at a time,
 * each closed after CONN_MS; and the histogram of group commit times.
 *
 * Why not libmicrohttpd in a thread (as web/ does): the figures live in
 * the loop's own state (the peer table, the store), which only the loop
 * thread may touch. A thread would need the loop to publish a snapshot
 * under a mutex every turn; answering from the loop itself reads them in
 * place, and a scrape costs the loop one read transaction. Every socket
 * call is non-blocking and bounded, so a slow or hostile client costs a
 * connection slot for at most CONN_MS, never a wait. */
#include "buf.h"
#include "gather.h"
#include "health.h"
#include "node_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CONN_MAX 4
#define CONN_MS 2000
#define REQ_MAX 2048

/* Upper bounds of the commit-time buckets, in seconds. */
static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

struct conn {
	int fd; /* -1: free */
	char in[REQ_MAX];
	size_t inlen;
	char *out; /* the whole answer, once the request is read */
	size_t outlen, outoff;
	int64_t deadline_ms;
};

struct ld_metrics {
	int lfd; /* the listening socket, -1 if [metrics] listen is off */
	struct conn c[CONN_MAX];
	uint64_t bucket[NBOUNDS]; /* commits at most bounds[i] (not summed) */
	uint64_t commits;
	double commit_s; /* their sum */
};

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Bind and listen on HOST:PORT: the fd, or -1 with err set. */
static int
listen_on(const char *hostport, char *err, size_t errlen)
{
	char host[LD_ENDPOINT_MAX];
	snprintf(host, sizeof(host), "%s", hostport);
	char *colon = strrchr(host, ':');
	if (colon == NULL) {
		snprintf(err, errlen, "[metrics] listen %s: not HOST:PORT",
		         hostport);
		return -1;
	}
	*colon = '\0';
	const char *h = host, *port = colon + 1;
	if (host[0] == '[' && colon > host && colon[-1] == ']') {
		colon[-1] = '\0';
		h = host + 1;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
	                *ai = NULL;
	int gai = getaddrinfo(h, port, &hints, &ai);
	if (gai != 0 || ai == NULL) {
		snprintf(err, errlen, "[metrics] listen %s: %s", hostport,
		         gai_strerror(gai));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 8) != 0 ||
	    nonblock(fd) != 0) {
		snprintf(err, errlen, "[metrics] listen %s: %s", hostport,
		         strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

int
ld_metrics_open(struct ld_node *n, char *err, size_t errlen)
{
	struct ld_metrics *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	m->lfd = -1;
	for (int i = 0; i < CONN_MAX; i++)
		m->c[i].fd = -1;
	n->metrics = m;
	if (n->cfg.metrics_listen[0] == '\0')
		return 0;
	if ((m->lfd = listen_on(n->cfg.metrics_listen, err, errlen)) < 0)
		return LD_EREFUSED;
	return 0;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
	c->inlen = c->outlen = c->outoff = 0;
}

void
ld_metrics_free(struct ld_node *n)
{
	struct ld_metrics *m = n->metrics;
	if (m == NULL)
		return;
	for (int i = 0; i < CONN_MAX; i++)
		conn_close(&m->c[i]);
	if (m->lfd >= 0)
		close(m->lfd);
	free(m);
	n->metrics = NULL;
}

void
ld_metrics_commit(struct ld_node *n, int64_t us)
{
	struct ld_metrics *m = n->metrics;
	if (m == NULL)
		return;
	double s = (double)us / 1e6;
	for (size_t i = 0; i < NBOUNDS; i++)
		if (s <= bounds[i]) {
			m->bucket[i]++;
			break;
		}
	m->commits++;
	m->commit_s += s;
}

size_t
ld_metrics_poll_items(struct ld_node *n, zmq_pollitem_t *items, size_t max)
{
	struct ld_metrics *m = n->metrics;
	size_t k = 0;
	if (m == NULL || m->lfd < 0)
		return 0;
	if (k < max)
		items[k++] = (zmq_pollitem_t){NULL, m->lfd, ZMQ_POLLIN, 0};
	for (int i = 0; i < CONN_MAX && k < max; i++)
		if (m->c[i].fd >= 0)
			items[k++] = (zmq_pollitem_t){
			    NULL, m->c[i].fd,
			    m->c[i].out ? ZMQ_POLLOUT : ZMQ_POLLIN, 0};
	return k;
}

/* ---------------------------------------------------------------- text */

static void
head(struct ld_buf *b, const char *name, const char *type, const char *help)
{
	ld_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	              type);
}

/* A label value: backslash, double quote and newline escaped. */
static void
label(struct ld_buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			ld_buf_printf(b, "\\%c", *v);
		else if (*v == '\n')
			ld_buf_puts(b, "\\n");
		else
			ld_buf_putc(b, *v);
	}
}

static void
link_line(struct ld_buf *b, const char *name, const struct ld_peer *p,
          uint64_t v)
{
	ld_buf_printf(b, "%s{peer=\"", name);
	label(b, p->path);
	ld_buf_printf(b, "\",role=\"%s\"} %" PRIu64 "\n",
	              p->is_parent ? "parent" : "child", v);
}

struct link_fig {
	const char *name, *type, *help;
};

static const struct link_fig link_figs[] = {
    {"liandong_link_connected", "gauge", "1 if the link is up."},
    {"liandong_link_lag_in", "gauge",
     "Entries of the peer's log not yet applied here."},
    {"liandong_link_lag_out", "gauge",
     "Records of this node's log the peer still needs."},
    {"liandong_link_last_heard_seconds", "gauge",
     "Unix time of the last frame from the peer (0: never)."},
    {"liandong_link_refused_total", "counter",
     "Records from the peer refused by the flow rules, since start."},
    {"liandong_link_conflicts_total", "counter",
     "Records from the peer at a version held here with other bytes, "
     "since start."},
};

/* The page, in `b`. */
static void
render(struct ld_node *n, struct ld_buf *b)
{
	struct ld_metrics *m = n->metrics;
	struct ld_txn t;
	if (ld_store_read_begin(n->st, &t) != 0) {
		b->oom = true;
		return;
	}
	head(b, "liandong_info", "gauge",
	     "This node: its path, level and daemon version (always 1).");
	ld_buf_puts(b, "liandong_info{path=\"");
	label(b, n->cfg.id);
	ld_buf_puts(b, "\",level=\"");
	label(b, n->cfg.level);
	ld_buf_printf(b, "\",version=\"%s\"} 1\n", LD_VERSION);
	head(b, "liandong_records", "gauge",
	     "Records held (tombstones included).");
	ld_buf_printf(b, "liandong_records %" PRIu64 "\n", ld_store_count(&t));
	head(b, "liandong_log_head", "gauge", "Last sequence of the own log.");
	ld_buf_printf(b, "liandong_log_head %" PRIu64 "\n",
	              ld_store_head(n->st));
	head(b, "liandong_refused_total", "counter",
	     "Records refused by the flow rules, since start.");
	ld_buf_printf(b, "liandong_refused_total %" PRIu64 "\n",
	              n->refused_total);
	head(b, "liandong_conflicts_total", "counter",
	     "Records offered at a version held here with other bytes, since "
	     "start.");
	ld_buf_printf(b, "liandong_conflicts_total %" PRIu64 "\n",
	              n->conflicts_total);
	head(b, "liandong_chunks_wanted", "gauge",
	     "Attachment chunks still to fetch.");
	ld_buf_printf(b, "liandong_chunks_wanted %" PRIu64 "\n",
	              ld_store_wants_count(&t));
	head(b, "liandong_recovering", "gauge",
	     "1 while writes wait for a restored store's records.");
	ld_buf_printf(b, "liandong_recovering %d\n",
	              ld_recover_refusing(n) ? 1 : 0);

	/* The links: each figure over every peer, as the format wants. */
	size_t np = n->nchildren + (n->has_parent ? 1 : 0);
	const struct ld_peer **pv = calloc(np ? np : 1, sizeof(*pv));
	uint64_t *lag_out = calloc(np ? np : 1, sizeof(*lag_out));
	if (pv == NULL || lag_out == NULL) {
		free(pv);
		free(lag_out);
		ld_store_read_end(&t);
		b->oom = true;
		return;
	}
	size_t k = 0;
	if (n->has_parent)
		pv[k++] = &n->parent;
	for (size_t i = 0; i < n->nchildren; i++)
		pv[k++] = n->children[i];
	uint64_t budget = 200000;
	for (size_t i = 0; i < k; i++)
		lag_out[i] = ld_stream_lag_out(n, &t, pv[i], &budget);
	int64_t now = ld_now_ms(), wall = ld_wall_ms();
	for (size_t f = 0; f < sizeof(link_figs) / sizeof(link_figs[0]); f++) {
		if (k == 0)
			break;
		head(b, link_figs[f].name, link_figs[f].type,
		     link_figs[f].help);
		for (size_t i = 0; i < k; i++) {
			const struct ld_peer *p = pv[i];
			uint64_t v = 0;
			switch (f) {
			case 0:
				v = p->state == LD_PEER_UP;
				break;
			case 1:
				v = p->in_head > p->in_seq
				        ? p->in_head - p->in_seq
				        : 0;
				break;
			case 2:
				v = lag_out[i];
				break;
			case 3:
				v = p->last_recv_ms
				        ? (uint64_t)(wall -
				                     (now - p->last_recv_ms)) /
				              1000
				        : 0;
				break;
			case 4:
				v = p->refused;
				break;
			default:
				v = p->conflicts;
				break;
			}
			link_line(b, link_figs[f].name, p, v);
		}
	}
	free(pv);
	free(lag_out);

	/* The offices below, as 'status --tree' sees them. */
	struct ld_bag bag = {0};
	struct ld_tree tree = {0};
	if (ld_store_gather_health(&t, n->cfg.id, &bag) == 0 &&
	    ld_tree_compute(n->cfg.id, (const Ld__Record *const *)bag.v, bag.n,
	                    wall, n->cfg.health_silent_after_s, &tree) == 0) {
		head(b, "liandong_tree_offices", "gauge",
		     "Offices in this node's subtree known here, itself "
		     "included.");
		ld_buf_printf(b, "liandong_tree_offices %zu\n", tree.n);
		head(b, "liandong_tree_silent", "gauge",
		     "Of those, offices with no HEALTH record for [health] "
		     "silent_after.");
		ld_buf_printf(b, "liandong_tree_silent %zu\n", tree.silent);
	}
	ld_tree_free(&tree);
	ld_bag_free(&bag);
	ld_store_read_end(&t);

	head(b, "liandong_commit_seconds", "histogram",
	     "Time of each group commit (one write transaction, synced).");
	uint64_t cum = 0;
	for (size_t i = 0; i < NBOUNDS; i++) {
		cum += m->bucket[i];
		ld_buf_printf(b,
		              "liandong_commit_seconds_bucket{le=\"%g\"} "
		              "%" PRIu64 "\n",
		              bounds[i], cum);
	}
	ld_buf_printf(b,
	              "liandong_commit_seconds_bucket{le=\"+Inf\"} %" PRIu64
	              "\nliandong_commit_seconds_sum %.6f\n"
	              "liandong_commit_seconds_count %" PRIu64 "\n",
	              m->commits, m->commit_s, m->commits);
	uint64_t checked, failed;
	ld_vpool_counts(n->vpool, &checked, &failed);
	head(b, "liandong_signature_checks_total", "counter",
	     "Received records whose signature was checked, since start.");
	ld_buf_printf(b, "liandong_signature_checks_total %" PRIu64 "\n",
	              checked);
	head(b, "liandong_signature_failures_total", "counter",
	     "Of those, signatures that did not hold.");
	ld_buf_printf(b, "liandong_signature_failures_total %" PRIu64 "\n",
	              failed);
	uint64_t ed25519, cached;
	ld_vpool_sig_counts(n->vpool, &ed25519, &cached);
	head(b, "liandong_ed25519_checks_total", "counter",
	     "Ed25519 checks those took: one per record signed alone, one "
	     "per batch root not already checked.");
	ld_buf_printf(b, "liandong_ed25519_checks_total %" PRIu64 "\n",
	              ed25519);
	head(b, "liandong_seal_roots_cached_total", "counter",
	     "Batch roots found among those already checked.");
	ld_buf_printf(b, "liandong_seal_roots_cached_total %" PRIu64 "\n",
	              cached);
}

/* The answer to the request in c->in. */
static void
answer(struct ld_node *n, struct conn *c)
{
	struct ld_buf body = {0}, out = {0};
	const char *status = "200 OK";
	const char *type = "text/plain; version=0.0.4; charset=utf-8";
	bool get = strncmp(c->in, "GET ", 4) == 0,
	     head_ = strncmp(c->in, "HEAD ", 5) == 0;
	const char *path = c->in + (get ? 4 : head_ ? 5 : 0);
	size_t pl = strcspn(path, " ?\r\n");
	if (!get && !head_) {
		status = "405 Method Not Allowed";
		ld_buf_puts(&body, "only GET /metrics\n");
	} else if (pl != 8 || strncmp(path, "/metrics", 8) != 0) {
		status = "404 Not Found";
		ld_buf_puts(&body, "only GET /metrics\n");
	} else {
		render(n, &body);
		if (body.oom) {
			ld_buf_free(&body);
			status = "500 Internal Server Error";
			ld_buf_puts(&body,
			            "out of memory or the store failed\n");
		}
	}
	if (status[0] != '2')
		type = "text/plain; charset=utf-8";
	ld_buf_printf(&out,
	              "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu"
	              "\r\nConnection: close\r\n\r\n",
	              status, type, body.n);
	if (!head_ && body.n > 0)
		ld_buf_put(&out, body.p, body.n);
	ld_buf_free(&body);
	if (out.oom) {
		ld_buf_free(&out);
		conn_close(c);
		return;
	}
	c->out = ld_buf_take(&out, &c->outlen);
	c->outoff = 0;
	shutdown(c->fd, SHUT_RD);
}

/* Read what came; answer once the request's head is whole. */
static void
on_read(struct ld_node *n, struct conn *c)
{
	for (;;) {
		if (c->inlen == REQ_MAX - 1) { /* too long: not a scrape */
			conn_close(c);
			return;
		}
		ssize_t r =
		    read(c->fd, c->in + c->inlen, REQ_MAX - 1 - c->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			conn_close(c);
			return;
		}
		c->inlen += (size_t)r;
		c->in[c->inlen] = '\0';
		if (strstr(c->in, "\r\n\r\n") != NULL ||
		    strstr(c->in, "\n\n") != NULL) {
			answer(n, c);
			return;
		}
	}
}

static void
on_write(struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t w =
		    send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w <= 0)
			break;
		c->outoff += (size_t)w;
	}
	conn_close(c);
}

void
ld_metrics_serve(struct ld_node *n, int64_t now)
{
	struct ld_metrics *m = n->metrics;
	if (m == NULL || m->lfd < 0)
		return;
	for (int tries = 0; tries < CONN_MAX * 2; tries++) {
		int fd = accept(m->lfd, NULL, NULL);
		if (fd < 0)
			break;
		if (nonblock(fd) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
			close(fd);
			continue;
		}
		struct conn *c = NULL;
		for (int i = 0; i < CONN_MAX && c == NULL; i++)
			if (m->c[i].fd < 0)
				c = &m->c[i];
		if (c == NULL) { /* all busy: this one is not waited for */
			close(fd);
			continue;
		}
		c->fd = fd;
		c->inlen = 0;
		c->deadline_ms = now + CONN_MS;
	}
	for (int i = 0; i < CONN_MAX; i++) {
		struct conn *c = &m->c[i];
		if (c->fd < 0)
			continue;
		if (now >= c->deadline_ms) {
			conn_close(c);
			continue;
		}
		if (c->out == NULL)
			on_read(n, c);
		if (c->fd >= 0 && c->out != NULL)
			on_write(c);
	}
}
