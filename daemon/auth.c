/* auth.c — the ZAP handler (RFC 27) for CURVE links, and allow-list
 * checks on every frame. */
#include "auth.h"
#include "err.h"
#include "keys.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

struct ld_auth {
	void *zap;
	char dir[4096];
	char self[LD_PATH_MAX + 1];
	struct ld_allow list;   /* children */
	struct ld_allow admins; /* remote API */
	struct ld_ratelimit refusals; /* logged at most once a second */
};

int
ld_auth_open(void *zctx, const struct ld_config *cfg, struct ld_auth **out,
             char *err, size_t errlen)
{
	*out = NULL;
	struct ld_auth *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(a->dir, sizeof(a->dir), "%s", cfg->dir);
	snprintf(a->self, sizeof(a->self), "%s", cfg->id);
	int rc;
	if ((rc = ld_allow_load(a->dir, a->self, &a->list, err, errlen)) != 0 ||
	    (rc = ld_admins_load(a->dir, &a->admins, err, errlen)) != 0)
		goto fail;
	int linger = 0;
	a->zap = zmq_socket(zctx, ZMQ_REP);
	if (a->zap == NULL ||
	    zmq_setsockopt(a->zap, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_bind(a->zap, "inproc://zeromq.zap.01") != 0) {
		rc = ld_err_errno();
		snprintf(err, errlen, "ZAP handler: %s", zmq_strerror(errno));
		goto fail;
	}
	*out = a;
	return 0;
fail:
	ld_auth_close(&a);
	return rc;
}

void
ld_auth_close(struct ld_auth **a_p)
{
	if (a_p == NULL || *a_p == NULL)
		return;
	struct ld_auth *a = *a_p;
	if (a->zap != NULL)
		zmq_close(a->zap);
	ld_allow_free(&a->list);
	ld_allow_free(&a->admins);
	free(a);
	*a_p = NULL;
}

void *
ld_auth_socket(struct ld_auth *a)
{
	return a->zap;
}

int
ld_auth_reload(struct ld_auth *a, char *err, size_t errlen)
{
	struct ld_allow fresh, admins;
	int rc = ld_allow_load(a->dir, a->self, &fresh, err, errlen);
	if (rc != 0)
		return rc;
	if ((rc = ld_admins_load(a->dir, &admins, err, errlen)) != 0) {
		ld_allow_free(&fresh);
		return rc;
	}
	ld_allow_free(&a->list);
	ld_allow_free(&a->admins);
	a->list = fresh;
	a->admins = admins;
	return 0;
}

void
ld_auth_counts(const struct ld_auth *a, size_t *children, size_t *admins)
{
	*children = a->list.n;
	*admins = a->admins.n;
}

const struct ld_child_key *
ld_auth_child(struct ld_auth *a, const char *path)
{
	return ld_allow_by_path(&a->list, path);
}

/* "<path> <curve key, base64url>" for a child; "admin:<name> <key>" for
 * an administrator. */
static void
user_id(const struct ld_child_key *c, bool admin, char *out, size_t len)
{
	char b[LD_B64_32];
	ld_b64_32(c->curve, b);
	snprintf(out, len, "%s%s %s", admin ? "admin:" : "", c->path, b);
}

bool
ld_auth_admin_allows(struct ld_auth *a, const char *uid)
{
	if (uid == NULL || strncmp(uid, "admin:", 6) != 0)
		return false;
	char name[LD_PATH_MAX + 1];
	size_t n = strcspn(uid + 6, " ");
	if (n == 0 || n > LD_PATH_MAX)
		return false;
	memcpy(name, uid + 6, n);
	name[n] = '\0';
	const struct ld_child_key *c = ld_allow_by_path(&a->admins, name);
	if (c == NULL)
		return false;
	char want[LD_PATH_MAX + LD_B64_32 + 8];
	user_id(c, true, want, sizeof(want));
	return strcmp(want, uid) == 0;
}

bool
ld_auth_allows(struct ld_auth *a, const char *path, const char *uid)
{
	const struct ld_child_key *c = ld_allow_by_path(&a->list, path);
	if (c == NULL || uid == NULL)
		return false;
	char want[LD_PATH_MAX + LD_B64_32 + 8];
	user_id(c, false, want, sizeof(want));
	return strcmp(want, uid) == 0;
}

/* Receive the frames of one ZAP request; returns how many (0 if none). */
static int
recv_request(void *s, zmq_msg_t *f, int max)
{
	int n = 0;
	for (;;) {
		zmq_msg_t m;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			zmq_msg_close(&m);
			return n;
		}
		int more = zmq_msg_more(&m);
		if (n < max)
			f[n++] = m;
		else
			zmq_msg_close(&m);
		if (!more)
			return n;
	}
}

static void
send_str(void *s, const char *v, size_t len, int more)
{
	zmq_send(s, v, len, more ? ZMQ_SNDMORE : 0);
}

static bool
is_domain(zmq_msg_t *m, const char *d)
{
	return zmq_msg_size(m) == strlen(d) &&
	       memcmp(zmq_msg_data(m), d, strlen(d)) == 0;
}

void
ld_auth_handle(struct ld_auth *a)
{
	for (;;) {
		zmq_msg_t f[8];
		int n = recv_request(a->zap, f, 8);
		if (n == 0)
			return;
		/* version, request id, domain, address, identity, mechanism,
		 * credentials (for CURVE: the client's 32-byte key). */
		const char *status = "400", *text = "unknown key";
		char uid[LD_PATH_MAX + LD_B64_32 + 8] = "";
		char addr[64] = "?";
		if (n >= 4) {
			size_t al = zmq_msg_size(&f[3]);
			al = al < sizeof(addr) - 1 ? al : sizeof(addr) - 1;
			memcpy(addr, zmq_msg_data(&f[3]), al);
			addr[al] = '\0';
		}
		if (n < 7 || zmq_msg_size(&f[0]) != 3 ||
		    memcmp(zmq_msg_data(&f[0]), "1.0", 3) != 0) {
			status = "500";
			text = "malformed ZAP request";
		} else if (zmq_msg_size(&f[5]) != 5 ||
		           memcmp(zmq_msg_data(&f[5]), "CURVE", 5) != 0) {
			text = "CURVE is required";
		} else if (zmq_msg_size(&f[6]) == 32 &&
		           (is_domain(&f[2], LD_ZAP_API) ||
		            is_domain(&f[2], LD_ZAP_LINKS))) {
			bool api = is_domain(&f[2], LD_ZAP_API);
			const struct ld_child_key *c = ld_allow_by_curve(
			    api ? &a->admins : &a->list, zmq_msg_data(&f[6]));
			if (c != NULL) {
				status = "200";
				text = "OK";
				user_id(c, api, uid, sizeof(uid));
			} else {
				/* Anyone who knows the node's public key
				 * can fail handshakes at will. */
				char k[LD_B64_32];
				ld_b64_32(zmq_msg_data(&f[6]), k);
				ld_warn_rl(&a->refusals,
				           "%s: refused a connection from %s: "
				           "key %s is not enrolled ('liandong %s "
				           "add %s KEY')",
				           api ? "api" : "link", addr, k,
				           api ? "admin" : "child",
				           api ? "NAME" : "PATH");
			}
		}
		/* The reply echoes the version and request id. */
		send_str(a->zap, "1.0", 3, 1);
		if (n >= 2)
			send_str(a->zap, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]),
			         1);
		else
			send_str(a->zap, "", 0, 1);
		send_str(a->zap, status, 3, 1);
		send_str(a->zap, text, strlen(text), 1);
		send_str(a->zap, uid, strlen(uid), 1);
		send_str(a->zap, "", 0, 0);
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
	}
}
