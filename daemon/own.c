/* own.c — writing a record this node owns: give it its id and version,
 * check it (envelope, size, attachments), sign it and store it, whence
 * the log streams it to peers; refuse what may not change; and keep our
 * NODE record saying what the config and the parent say. */
#include "node_int.h"
#include "seal.h"
#include "sign.h"
#include "validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An own record stored this turn, to seal at its end. */
struct ld_seal_pending {
	char id[LD_ID_MAX + 1];
	uint64_t version;
};

/* Are this node's records sealed in batches (not signed one by one)? */
static bool
sealing(const struct ld_node *n)
{
	return !n->cfg.insecure && !n->cfg.sign_each;
}

static int
seal_later(struct ld_node *n, const char *id, uint64_t version)
{
	if (n->nsealq == n->capsealq) {
		size_t cap = n->capsealq ? 2 * n->capsealq : 64;
		struct ld_seal_pending *q =
		    realloc(n->sealq, cap * sizeof(*q));
		if (q == NULL)
			return -ENOMEM;
		n->sealq = q;
		n->capsealq = cap;
	}
	struct ld_seal_pending *e = &n->sealq[n->nsealq++];
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->version = version;
	return 0;
}

int
ld_own_refuse(struct work *w, const char *fmt, ...)
{
	w->code = LD__CODE__CODE_REFUSED;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->err, sizeof(w->err), fmt, ap);
	va_end(ap);
	return LD_EREFUSED;
}

/* Give `r` (owned by this node) its envelope at `version`, sign and store
 * it; its id is `id`. */
int
ld_own_put(struct ld_node *n, struct ld_txn *t, struct work *w, Ld__Record *r,
           const char *id, uint64_t version)
{
	if (ld_recover_refusing(n)) {
		char why[sizeof(w->err)];
		ld_recover_text(n, why, sizeof(why));
		ld_own_refuse(w, "%s", why);
		return 0;
	}
	if (ld_set_str(&r->id, id) != 0 ||
	    ld_set_str(&r->owner, n->cfg.id) != 0) {
		ld_own_refuse(w, "out of memory");
		return 0;
	}
	r->version = version;
	r->updated_at = ld_wall_ms();
	char err[256];
	if (ld_record_check(r, 0, err, sizeof(err)) != 0) {
		ld_own_refuse(w, "%s", err);
		return 0;
	}
	if (ld__record__get_packed_size(r) > LD_RECORD_MAX) {
		ld_own_refuse(w, "record: larger than 1 MiB");
		return 0;
	}
	if (sealing(n)) {
		/* Stored unsigned (a copy, as `r` may own a signature from
		 * its last version); sealed at the end of the turn. */
		Ld__Record bare = *r;
		bare.sig.data = NULL;
		bare.sig.len = 0;
		bare.seal = NULL;
		int rc = ld_store_put(t, &bare);
		if (rc == 0)
			rc = seal_later(n, id, version);
		if (rc == 0)
			snprintf(w->id, sizeof(w->id), "%s", id);
		return rc;
	}
	if (!n->cfg.insecure &&
	    ld_sign_record(r, n->keys.sign_sec, true, NULL) != 0) {
		ld_own_refuse(w, "out of memory");
		return 0;
	}
	if (r->seal != NULL) { /* the last version's, sealed */
		ld__seal__free_unpacked(r->seal, NULL);
		r->seal = NULL;
	}
	int rc = ld_store_put(t, r);
	if (rc == 0)
		snprintf(w->id, sizeof(w->id), "%s", id);
	return rc;
}

void
ld_own_seal_reset(struct ld_node *n)
{
	n->nsealq = 0;
}

void
ld_own_seal_free(struct ld_node *n)
{
	free(n->sealq);
	n->sealq = NULL;
	n->nsealq = n->capsealq = 0;
}

static int
pending_cmp(const void *a, const void *b)
{
	const struct ld_seal_pending *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c != 0 ? c : (x->version > y->version) - (x->version < y->version);
}

/* One tree: the records q[0..count), their stored bytes in bytes[i]
 * (replaced by the sealed ones). */
static int
seal_tree(struct ld_node *n, struct ld_txn *t,
          const struct ld_seal_pending *q, uint8_t **bytes, size_t *lens,
          size_t count)
{
	int rc = ld_seal_batch(bytes, lens, count, n->keys.sign_sec);
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = ld_store_reseal(t, q[i].id, q[i].version, bytes[i],
		                     lens[i]);
	return rc;
}

int
ld_own_seal(struct ld_node *n, struct ld_txn *t)
{
	if (n->nsealq == 0)
		return 0;
	/* A record stored twice in one turn is sealed once, at its last
	 * version; one stored in a nested transaction that was undone is
	 * not there to seal (or is there again, at the same version). */
	qsort(n->sealq, n->nsealq, sizeof(*n->sealq), pending_cmp);
	size_t m = 0;
	for (size_t i = 0; i < n->nsealq; i++)
		if (m == 0 || pending_cmp(&n->sealq[m - 1], &n->sealq[i]) != 0)
			n->sealq[m++] = n->sealq[i];
	uint8_t **bytes = calloc(m, sizeof(*bytes));
	size_t *lens = calloc(m, sizeof(*lens));
	int rc = bytes == NULL || lens == NULL ? -ENOMEM : 0;
	size_t k = 0; /* records still there, at the version stored */
	for (size_t i = 0; i < m && rc == 0; i++) {
		struct ld_val v;
		uint64_t version = 0;
		int g = ld_store_get(t, n->sealq[i].id, &v, &version);
		if (g == MDB_NOTFOUND || (g == 0 && version != n->sealq[i].version))
			continue;
		if (g != 0) {
			rc = g;
			break;
		}
		if ((bytes[k] = malloc(v.n ? v.n : 1)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		memcpy(bytes[k], v.p, v.n);
		lens[k] = v.n;
		n->sealq[k++] = n->sealq[i];
	}
	/* Trees of even size, none over LD_SEAL_LEAVES. */
	size_t ntrees = (k + LD_SEAL_LEAVES - 1) / LD_SEAL_LEAVES;
	for (size_t tr = 0, at = 0; rc == 0 && tr < ntrees; tr++) {
		size_t size = (k - at) / (ntrees - tr);
		rc = seal_tree(n, t, n->sealq + at, bytes + at, lens + at, size);
		at += size;
	}
	for (size_t i = 0; bytes != NULL && i < m; i++)
		free(bytes[i]);
	free(bytes);
	free(lens);
	n->nsealq = 0;
	return rc;
}

int
ld_own_create(struct ld_node *n, struct ld_txn *t, struct work *w,
              Ld__Record *r)
{
	char id[LD_ID_MAX + 1];
	uint64_t counter = ld_store_next_counter(t);
	if (counter > LD_NUM_MAX) {
		ld_own_refuse(w, "this node has used up its record ids");
		return 0;
	}
	ld_id_format(id, sizeof(id), n->cfg.id, counter);
	r->deleted = false;
	char err[512];
	int rc = ld_files_check(t, r, NULL, err, sizeof(err));
	if (rc == LD_EREFUSED) {
		ld_own_refuse(w, "%s", err);
		return 0;
	}
	if (rc != 0)
		return rc;
	return ld_own_put(n, t, w, r, id, 1);
}

/* The stored record `id` if this node owns it and it is live, at
 * `base_version` if that is not 0; otherwise refuses `w` and returns
 * NULL. */
Ld__Record *
ld_own_load(struct ld_node *n, struct ld_txn *t, struct work *w, const char *id,
            uint64_t base_version)
{
	Ld__Record *old = ld_store_load(t, id);
	if (old == NULL) {
		ld_own_refuse(w, "no record %.300s at this node", id);
		return NULL;
	}
	const char *why = NULL;
	char msg[sizeof(w->err)];
	if (strcmp(old->owner, n->cfg.id) != 0) {
		snprintf(msg, sizeof(msg),
		         "%.300s is owned by %s: only its owner changes it "
		         "(answer it with a record of this node's own: a "
		         "result, a review or a sub-task)",
		         id, old->owner);
		why = msg;
	} else if (old->kind == LD__KIND__KIND_NODE ||
	           old->kind == LD__KIND__KIND_REPORT ||
	           old->kind == LD__KIND__KIND_HEALTH) {
		snprintf(msg, sizeof(msg),
		         "%.300s is this node's %s record, "
		         "which the node keeps itself",
		         id, ld_kind_name(old->kind));
		why = msg;
	} else if (old->deleted) {
		snprintf(msg, sizeof(msg), "%.300s was deleted", id);
		why = msg;
	} else if (base_version != 0 && base_version != old->version) {
		snprintf(msg, sizeof(msg),
		         "%.300s changed since it was read (version %llu now, "
		         "not %llu): read it again and redo the change",
		         id, (unsigned long long)old->version,
		         (unsigned long long)base_version);
		why = msg;
	} else if (old->version >= LD_NUM_MAX) {
		snprintf(msg, sizeof(msg),
		         "%.300s cannot change any more "
		         "(its version is at the limit)",
		         id);
		why = msg;
	}
	if (why != NULL) {
		ld_own_refuse(w, "%s", why);
		ld__record__free_unpacked(old, NULL);
		return NULL;
	}
	return old;
}

/* What the parent knows of records this node owns (Welcome). */
struct self_floor {
	struct ld_node *n;
	uint64_t counter;      /* ids up to this are taken */
	uint64_t node_version; /* our NODE record is at least this */
	bool welcome;          /* called for a Welcome (not at start) */
	const uint8_t *cert;   /* the parent's certificate for our keys */
};

/* Make sure the node's own NODE record says what the config says, at a
 * version above any the parent holds, and that the id counter is above
 * any id the parent holds. */
static int
put_self(struct ld_txn *t, void *arg)
{
	struct self_floor *fl = arg;
	struct ld_node *n = fl->n;
	ld_store_raise_counter(t, fl->counter);
	/* Has this store ever completed a handshake? (Kept in the store, so
	 * a crash before the first Welcome does not forget it.) */
	uint64_t welcomed = 1;
	int rc = ld_store_flag_get(t, "welcomed", &welcomed);
	if (rc != 0)
		return rc;
	bool fresh = fl->welcome && welcomed == 0;
	if (fresh && (rc = ld_store_flag_put(t, "welcomed", 1)) != 0)
		return rc;
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), n->cfg.id, 0);
	struct ld_val v;
	uint64_t version = 0;
	/* Keep the certificate we have unless a new one came. */
	uint8_t cert[64];
	bool have_cert = fl->cert != NULL;
	if (have_cert)
		memcpy(cert, fl->cert, 64);
	bool secure = !n->cfg.insecure;
	rc = ld_store_get(t, id, &v, &version);
	if (rc == 0) {
		Ld__Record *old = ld_record_unpack(v.p, v.n);
		const Ld__Node *on =
		    old != NULL && old->body_case == LD__RECORD__BODY_NODE
		        ? old->node
		        : NULL;
		bool keys_same =
		    on != NULL &&
		    (!secure ||
		     (on->sign_key.len == 32 &&
		      memcmp(on->sign_key.data, n->keys.sign_pub, 32) == 0 &&
		      on->curve_key.len == 32 &&
		      memcmp(on->curve_key.data, n->keys.curve_pub, 32) == 0));
		if (!have_cert && keys_same && on->cert.len == 64) {
			memcpy(cert, on->cert.data, 64);
			have_cert = true;
		}
		bool same =
		    on != NULL && keys_same &&
		    strcmp(on->name, n->cfg.name) == 0 &&
		    strcmp(on->level, n->cfg.level) == 0 &&
		    (!have_cert || (on->cert.len == 64 &&
		                    memcmp(on->cert.data, cert, 64) == 0)) &&
		    (!n->have_root_cert ||
		     (on->root_cert.len == 64 &&
		      memcmp(on->root_cert.data, n->root_cert, 64) == 0));
		if (old != NULL)
			ld__record__free_unpacked(old, NULL);
		/* Equal versions are the record we sent, unless our store is
		 * new and this is its first handshake: then the parent's is
		 * from an older life of this node, maybe with another name. */
		if (same && (version > fl->node_version ||
		             (version == fl->node_version && !fresh)))
			return 0;
	} else if (rc != MDB_NOTFOUND) {
		return rc;
	}
	if (version < fl->node_version)
		version = fl->node_version;
	Ld__Node body = LD__NODE__INIT;
	body.path = n->cfg.id;
	body.level = n->cfg.level;
	body.name = n->cfg.name;
	body.region = (char *)ld_path_last(n->cfg.id);
	if (secure) {
		body.sign_key.data = n->keys.sign_pub;
		body.sign_key.len = 32;
		body.curve_key.data = n->keys.curve_pub;
		body.curve_key.len = 32;
		if (have_cert) {
			body.cert.data = cert;
			body.cert.len = 64;
		}
		if (n->have_root_cert) {
			body.root_cert.data = n->root_cert;
			body.root_cert.len = 64;
		}
	}
	char *scope[1] = {n->cfg.id};
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.kind = LD__KIND__KIND_NODE;
	r.owner = n->cfg.id;
	r.version = version + 1;
	r.n_scope = 1;
	r.scope = scope;
	r.updated_at = ld_wall_ms();
	r.body_case = LD__RECORD__BODY_NODE;
	r.node = &body;
	uint8_t sig[64];
	if (secure && ld_sign_record(&r, n->keys.sign_sec, false, sig) != 0)
		return -ENOMEM;
	if (n->kr != NULL)
		ld_keyring_forget_under(n->kr, n->cfg.id);
	return ld_store_put(t, &r);
}

int
ld_own_node(struct ld_node *n, uint64_t floor_counter, uint64_t floor_version,
            bool welcome, const uint8_t *cert)
{
	struct self_floor fl = {n, floor_counter, floor_version, welcome, cert};
	return ld_store_write(n->st, put_self, &fl);
}
