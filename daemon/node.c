/* node.c — setting a node up and taking it down: the lock on its data
 * directory, its keys, store and sockets, its parent in the peer table,
 * and the table of work handlers its parts plug into; freeing it all. */
#include "log.h"
#include "node_int.h"
#include "sign.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Batches and chunks own the frame they came in. */
static void
drop_frame(struct work *w)
{
	ld__frame__free_unpacked(w->frame, NULL);
	w->frame = NULL;
}

/* What each type of queued work does in the turn's transaction and after
 * the commit, and how what it owns is freed (commit.c runs them). */
static const struct ld_work_ops work_ops[WORK_NTYPES] = {
    [WORK_CLIENT] = {ld_api_write, ld_api_write_done, ld_api_work_drop,
                     NULL},
    [WORK_BATCH] = {ld_batch_write, ld_batch_done, drop_frame,
                    ld_batch_needs_txn},
    [WORK_CHUNK] = {ld_fetch_write, ld_fetch_done, drop_frame, NULL},
    [WORK_REPORT] = {ld_schedule_write, ld_schedule_done, ld_schedule_drop,
                     NULL},
    [WORK_HEALTH] = {ld_health_write, ld_health_done, ld_health_drop, NULL},
};

static int
set_int(void *s, int opt, int v)
{
	return zmq_setsockopt(s, opt, &v, sizeof(v));
}

/* How long one TCP connection attempt to the parent may take: long
 * enough for a handshake over a slow, lossy link (a lost SYN is sent
 * again after 1 s, then 3 s), short enough that an attempt begun in a
 * partition is abandoned soon after it heals. */
static int
connect_timeout_ms(const struct ld_config *c)
{
	unsigned t = c->reconnect_max_ms / 2;
	t = t < 2000 ? 2000 : t > 4000 ? 4000 : t;
	return (int)t;
}

/* What libzmq may queue for one connection of a link, either way, in
 * frames: the credit's batches twice over (around a resend), the chunks
 * of the serve window, and room for acks, pings and fetches. Past it a
 * send fails with EAGAIN (ROUTER_MANDATORY; a DEALER does the same
 * without waiting) and the stream resumes once the peer reads, and
 * libzmq stops reading from a peer whose frames we have not taken. So a
 * peer that never reads, or rewinds at will, holds at most this many of
 * our frames in memory. */
static int
link_hwm(const struct ld_config *c)
{
	return 2 * (int)c->credit + LD_SERVE_WINDOW + 8;
}

static int
link_opts(void *s, const struct ld_config *c)
{
	int64_t max = LD_FRAME_MAX;
	int hb = (int)c->ping_ms, hbt = (int)c->dead_ms;
	if (zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max, sizeof(max)) != 0 ||
	    set_int(s, ZMQ_LINGER, 0) || set_int(s, ZMQ_SNDHWM, link_hwm(c)) ||
	    set_int(s, ZMQ_RCVHWM, link_hwm(c)) ||
	    set_int(s, ZMQ_HEARTBEAT_IVL, hb) ||
	    set_int(s, ZMQ_HEARTBEAT_TIMEOUT, hbt) ||
	    set_int(s, ZMQ_HEARTBEAT_TTL, hbt))
		return ld_err_errno();
	return 0;
}

/* The root's endorsement of our keys (keys/endorsement), if installed
 * with 'liandong key endorsement': it goes into our NODE record, so that
 * nodes that knew our earlier key accept the new one. */
static int
load_endorsement(struct ld_node *n, char *err, size_t errlen)
{
	char file[4300], text[128];
	snprintf(file, sizeof(file), "%s/%s", n->cfg.dir, LD_ENDORSEMENT_FILE);
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		return rc;
	}
	bool ok = fgets(text, sizeof(text), f) != NULL;
	fclose(f);
	if (ok) {
		text[strcspn(text, "\r\n")] = '\0';
		ok = ld_unb64_64(text, strlen(text), n->root_cert) &&
		     ld_cert_verify(n->cfg.root_sign, n->cfg.id, n->keys.sign_pub,
		                    n->keys.curve_pub, n->root_cert);
	}
	if (!ok) {
		snprintf(err, errlen, "%s: not the root's endorsement of this "
		         "node's keys", file);
		return LD_EREFUSED;
	}
	n->have_root_cert = true;
	return 0;
}

/* One liandongd per data directory. */
static int
take_lock(struct ld_node *n, char *err, size_t errlen)
{
	char file[4300];
	snprintf(file, sizeof(file), "%s/liandongd.pid", n->cfg.dir);
	int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int rc = -errno;
		snprintf(err, errlen, "%s: %s", file, ld_strerror(rc));
		return rc;
	}
	/* A client probing whether a daemon runs here (api/client.c) holds
	 * a shared lock for a moment: give it a second to let go before
	 * deciding another daemon has the directory. */
	bool locked = false;
	for (int tries = 0; tries < 20; tries++) {
		locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
		if (locked || errno != EWOULDBLOCK)
			break;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (!locked) {
		char pid[32] = "";
		ssize_t r = read(fd, pid, sizeof(pid) - 1);
		pid[r > 0 ? r : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		snprintf(err, errlen, "another liandongd (pid %s) is running "
		         "on %s", pid[0] ? pid : "?", n->cfg.dir);
		close(fd);
		return -EBUSY;
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)len) != len) {
		snprintf(err, errlen, "%s: cannot write pid", file);
		close(fd);
		return -EIO;
	}
	n->lock_fd = fd;
	return 0;
}

int
ld_node_open(const struct ld_config *cfg, struct ld_node **out, char *err,
             size_t errlen)
{
	*out = NULL;
	struct ld_node *n = calloc(1, sizeof(*n));
	if (n == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n->cfg = *cfg;
	n->lock_fd = -1;
	n->work_ops = work_ops;
	int rc = 0;
	if ((n->fetch = ld_fetch_new()) == NULL ||
	    (n->apiout = ld_apiout_new()) == NULL) {
		ld_fetch_free(&n->fetch);
		snprintf(err, errlen, "out of memory");
		free(n);
		return -ENOMEM;
	}
	if ((rc = take_lock(n, err, errlen)) != 0)
		goto fail;
	if ((rc = ld_keys_init()) != 0) {
		snprintf(err, errlen, "libsodium cannot start");
		goto fail;
	}
	if (!cfg->insecure) {
		if ((rc = ld_keys_load(cfg->dir, &n->keys, err, errlen)) != 0)
			goto fail;
		if (ld_path_depth(cfg->id) == 1 &&
		    memcmp(cfg->root_sign, n->keys.sign_pub, 32) != 0) {
			rc = LD_EREFUSED;
			snprintf(err, errlen, "%s/liandong.conf: root_key is not "
			         "this root node's own key", cfg->dir);
			goto fail;
		}
		if ((rc = load_endorsement(n, err, errlen)) != 0)
			goto fail;
		/* Every file an administrator edits is checked before
		 * anything is created. */
		struct ld_allow al;
		if (cfg->listen[0] != '\0') {
			if ((rc = ld_allow_load(cfg->dir, cfg->id, &al, err, errlen)) != 0)
				goto fail;
			ld_allow_free(&al);
		}
		if (ld_keyring_new(cfg->id, n->keys.sign_pub, cfg->root_sign,
		                   &n->kr) != 0 ||
		    ld_vpool_new(cfg->verify_threads ? cfg->verify_threads
		                                     : ld_vpool_cpus(),
		                 &n->vpool) != 0) {
			rc = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	rc = ld_store_open(cfg->dir, cfg->id,
	                   (size_t)cfg->map_size_mb << 20, &n->st);
	if (rc != 0) {
		snprintf(err, errlen, "store %s/store: %s", cfg->dir,
		         ld_store_strerror(rc));
		goto fail;
	}
	if (ld_store_created(n->st))
		ld_info("store: created %s/store for %s, log epoch %016llx",
		        cfg->dir, cfg->id,
		        (unsigned long long)ld_store_epoch(n->st));
	if ((rc = ld_recover_open(n, err, errlen)) != 0)
		goto fail;
	if ((rc = ld_own_node(n, 0, 0, false, NULL)) != 0) {
		snprintf(err, errlen, "store: writing own node record: %s",
		         ld_store_strerror(rc));
		goto fail;
	}

	n->has_parent = cfg->parent[0] != '\0';
	if (n->has_parent) {
		struct ld_peer *p = &n->parent;
		p->is_parent = true;
		size_t pl = ld_path_parent_len(cfg->id);
		memcpy(p->path, cfg->id, pl);
		p->path[pl] = '\0';
	}
	if ((rc = ld_peers_load(n)) != 0) {
		snprintf(err, errlen, "store: reading cursors: %s",
		         ld_store_strerror(rc));
		goto fail;
	}

	n->zctx = zmq_ctx_new();
	if (n->zctx == NULL) {
		rc = ld_err_errno();
		snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
		goto fail;
	}
	/* ZAP must answer before any CURVE server socket binds. */
	if (!cfg->insecure &&
	    (cfg->listen[0] != '\0' || cfg->api_listen[0] != '\0') &&
	    (rc = ld_auth_open(n->zctx, cfg, &n->auth, err, errlen)) != 0)
		goto fail;
	n->api = zmq_socket(n->zctx, ZMQ_ROUTER);
	int64_t api_max = LD_API_MSG_MAX;
	/* A small send HWM, so that a client that does not read its
	 * answers holds few of them in libzmq; MANDATORY makes a full pipe
	 * refuse a send (apiout.c keeps the answer) instead of dropping it. */
	if (n->api == NULL ||
	    zmq_setsockopt(n->api, ZMQ_MAXMSGSIZE, &api_max,
	                   sizeof(api_max)) != 0 ||
	    set_int(n->api, ZMQ_SNDHWM, LD_API_HWM) != 0 ||
	    set_int(n->api, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
	    set_int(n->api, ZMQ_LINGER, 0) != 0) {
		rc = ld_err_errno();
		snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
		goto fail;
	}
	int len = snprintf(n->api_endpoint, sizeof(n->api_endpoint),
	                   "ipc://%s/api.sock", cfg->dir);
	/* sun_path holds 107 bytes. */
	if (len - 6 > 107) {
		rc = -ENAMETOOLONG;
		snprintf(err, errlen, "data directory path %s is too long for "
		         "the API socket (at most 98 bytes)", cfg->dir);
		goto fail;
	}
	/* Only this node's account may use its API: the socket is created
	 * owner-only (umask) and then made exactly 0600. */
	mode_t old = umask(077);
	rc = zmq_bind(n->api, n->api_endpoint);
	umask(old);
	if (rc != 0 || chmod(n->api_endpoint + 6, 0600) != 0) {
		const char *why = rc != 0 ? zmq_strerror(errno) : strerror(errno);
		rc = ld_err_errno();
		snprintf(err, errlen, "API socket %s: %s", n->api_endpoint, why);
		goto fail;
	}
	n->api_bound = true;
	if (cfg->api_listen[0] != '\0') {
		/* The remote API: CURVE, administrators from the admins
		 * list (ZAP domain liandong-api). */
		n->api_remote = zmq_socket(n->zctx, ZMQ_ROUTER);
		if (n->api_remote == NULL ||
		    zmq_setsockopt(n->api_remote, ZMQ_MAXMSGSIZE, &api_max,
		                   sizeof(api_max)) != 0 ||
		    set_int(n->api_remote, ZMQ_SNDHWM, LD_API_HWM) != 0 ||
		    set_int(n->api_remote, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
		    set_int(n->api_remote, ZMQ_LINGER, 0) != 0 ||
		    set_int(n->api_remote, ZMQ_CURVE_SERVER, 1) != 0 ||
		    zmq_setsockopt(n->api_remote, ZMQ_CURVE_SECRETKEY,
		                   n->keys.curve_sec, 32) != 0 ||
		    zmq_setsockopt(n->api_remote, ZMQ_ZAP_DOMAIN, LD_ZAP_API,
		                   strlen(LD_ZAP_API)) != 0) {
			rc = ld_err_errno();
			snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
			goto fail;
		}
		if (zmq_bind(n->api_remote, cfg->api_listen) != 0) {
			rc = ld_err_errno();
			snprintf(err, errlen, "[api] listen %s: %s",
			         cfg->api_listen, zmq_strerror(errno));
			goto fail;
		}
	}
	if (cfg->listen[0] != '\0') {
		n->router = zmq_socket(n->zctx, ZMQ_ROUTER);
		/* Insecure children name their connection by their path: a
		 * reconnecting one takes the name over (HANDOVER). Secure
		 * ones are told apart by their keys, and the ROUTER names
		 * connections itself, so nobody can take another's name. */
		if (n->router == NULL || link_opts(n->router, cfg) != 0 ||
		    set_int(n->router, ZMQ_ROUTER_MANDATORY, 1) != 0 ||
		    set_int(n->router, ZMQ_ROUTER_HANDOVER,
		            cfg->insecure ? 1 : 0) != 0) {
			rc = ld_err_errno();
			snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
			goto fail;
		}
		if (!cfg->insecure &&
		    (set_int(n->router, ZMQ_CURVE_SERVER, 1) != 0 ||
		     zmq_setsockopt(n->router, ZMQ_CURVE_SECRETKEY,
		                    n->keys.curve_sec, 32) != 0 ||
		     zmq_setsockopt(n->router, ZMQ_ZAP_DOMAIN, LD_ZAP_LINKS,
		                    strlen(LD_ZAP_LINKS)) != 0)) {
			rc = ld_err_errno();
			snprintf(err, errlen, "zmq CURVE: %s",
			         zmq_strerror(errno));
			goto fail;
		}
		if (zmq_bind(n->router, cfg->listen) != 0) {
			rc = ld_err_errno();
			snprintf(err, errlen, "listen %s: %s", cfg->listen,
			         zmq_strerror(errno));
			goto fail;
		}
	}
	if (n->has_parent) {
		n->dealer = zmq_socket(n->zctx, ZMQ_DEALER);
		if (n->dealer == NULL || link_opts(n->dealer, cfg) != 0 ||
		    (cfg->insecure &&
		     zmq_setsockopt(n->dealer, ZMQ_ROUTING_ID, cfg->id,
		                    strlen(cfg->id)) != 0) ||
		    set_int(n->dealer, ZMQ_IMMEDIATE, 1) != 0 ||
		    set_int(n->dealer, ZMQ_RECONNECT_IVL, 100) != 0 ||
		    set_int(n->dealer, ZMQ_RECONNECT_IVL_MAX,
		            (int)cfg->reconnect_max_ms) != 0 ||
		    /* A SYN lost in a partition would otherwise wait on the
		     * kernel's back-off (up to about a minute): give up on a
		     * connection attempt after this and try again within
		     * reconnect_max_ms. */
		    set_int(n->dealer, ZMQ_CONNECT_TIMEOUT,
		            connect_timeout_ms(cfg)) != 0) {
			rc = ld_err_errno();
			snprintf(err, errlen, "zmq: %s", zmq_strerror(errno));
			goto fail;
		}
		if (!cfg->insecure &&
		    (zmq_setsockopt(n->dealer, ZMQ_CURVE_SERVERKEY,
		                    cfg->parent_curve, 32) != 0 ||
		     zmq_setsockopt(n->dealer, ZMQ_CURVE_PUBLICKEY,
		                    n->keys.curve_pub, 32) != 0 ||
		     zmq_setsockopt(n->dealer, ZMQ_CURVE_SECRETKEY,
		                    n->keys.curve_sec, 32) != 0)) {
			rc = ld_err_errno();
			snprintf(err, errlen, "zmq CURVE: %s",
			         zmq_strerror(errno));
			goto fail;
		}
		/* The monitor tells why a secure handshake fails, and when a
		 * connection to the parent is ready, so Hello goes at once
		 * rather than at the next back-off tick. */
		{
			char mep[64];
			snprintf(mep, sizeof(mep), "inproc://ld-monitor-%p",
			         (void *)n);
			int events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
			             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
			             ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
			             ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
			if (zmq_socket_monitor(n->dealer, mep, events) != 0 ||
			    (n->monitor = zmq_socket(n->zctx, ZMQ_PAIR)) ==
			        NULL ||
			    set_int(n->monitor, ZMQ_LINGER, 0) != 0 ||
			    zmq_connect(n->monitor, mep) != 0) {
				rc = ld_err_errno();
				snprintf(err, errlen, "zmq monitor: %s",
				         zmq_strerror(errno));
				goto fail;
			}
		}
		if (zmq_connect(n->dealer, cfg->parent) != 0) {
			rc = ld_err_errno();
			snprintf(err, errlen, "parent %s: %s", cfg->parent,
			         zmq_strerror(errno));
			goto fail;
		}
	}
	if ((n->schedule = ld_schedule_new(n)) == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((n->notify = ld_notify_new(n)) == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((rc = ld_metrics_open(n, err, errlen)) != 0)
		goto fail;
	n->last_flush_ms = ld_now_ms();
	*out = n;
	return 0;
fail:
	ld_node_close(&n);
	return rc;
}

void
ld_node_close(struct ld_node **n_p)
{
	if (n_p == NULL || *n_p == NULL)
		return;
	struct ld_node *n = *n_p;
	ld_waiters_drop(n);
	if (n->api != NULL)
		zmq_close(n->api);
	/* Still under the lock: no other daemon bound it since. */
	if (n->api_bound)
		unlink(n->api_endpoint + 6);
	if (n->api_remote != NULL)
		zmq_close(n->api_remote);
	if (n->router != NULL)
		zmq_close(n->router);
	if (n->dealer != NULL)
		zmq_close(n->dealer);
	if (n->monitor != NULL)
		zmq_close(n->monitor);
	ld_auth_close(&n->auth);
	sodium_memzero(&n->keys, sizeof(n->keys));
	if (n->zctx != NULL)
		zmq_ctx_term(n->zctx);
	ld_commit_drop(n);
	ld_apiout_free(&n->apiout);
	ld_answers_free(&n->answers);
	free(n->waiters);
	ld_fetch_free(&n->fetch);
	ld_schedule_free(&n->schedule);
	ld_notify_free(&n->notify);
	ld_reload_free(n);
	ld_health_free(n);
	ld_metrics_free(n);
	ld_peers_free(n);
	ld_keyring_free(&n->kr);
	ld_vpool_free(&n->vpool);
	ld_own_seal_free(n);
	ld_store_close(&n->st);
	if (n->lock_fd >= 0)
		close(n->lock_fd);
	free(n);
	*n_p = NULL;
}
