/* keyring.c — derive and cache verified signing keys along the tree. */
#include "keyring.h"
#include "err.h"
#include "path.h"
#include "record.h"
#include "sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_MAX 4096

struct entry {
	char path[LD_PATH_MAX + 1];
	uint8_t key[32];
};

struct ld_keyring {
	char self[LD_PATH_MAX + 1];
	char root[LD_PATH_MAX + 1];
	uint8_t self_sign[32], root_sign[32];
	struct entry *cache;
	size_t n;
	bool later; /* the last failure may resolve itself later */
};

int
ld_keyring_new(const char *self, const uint8_t self_sign[32],
               const uint8_t root_sign[32], struct ld_keyring **out)
{
	struct ld_keyring *kr = calloc(1, sizeof(*kr));
	if (kr == NULL)
		return -ENOMEM;
	kr->cache = calloc(CACHE_MAX, sizeof(*kr->cache));
	if (kr->cache == NULL) {
		free(kr);
		return -ENOMEM;
	}
	snprintf(kr->self, sizeof(kr->self), "%s", self);
	size_t rl = strcspn(self, "/");
	memcpy(kr->root, self, rl);
	kr->root[rl] = '\0';
	memcpy(kr->self_sign, self_sign, 32);
	memcpy(kr->root_sign, root_sign, 32);
	*out = kr;
	return 0;
}

void
ld_keyring_free(struct ld_keyring **kr_p)
{
	if (kr_p == NULL || *kr_p == NULL)
		return;
	free((*kr_p)->cache);
	free(*kr_p);
	*kr_p = NULL;
}

void
ld_keyring_forget(struct ld_keyring *kr)
{
	kr->n = 0;
}

void
ld_keyring_forget_under(struct ld_keyring *kr, const char *path)
{
	for (size_t i = 0; i < kr->n;) {
		if (ld_path_in_subtree(kr->cache[i].path, path))
			kr->cache[i] = kr->cache[--kr->n];
		else
			i++;
	}
}

static void
remember(struct ld_keyring *kr, const char *path, const uint8_t key[32])
{
	if (kr->n == CACHE_MAX)
		kr->n = 0; /* start over; keys are derived again on demand */
	struct entry *e = &kr->cache[kr->n++];
	snprintf(e->path, sizeof(e->path), "%s", path);
	memcpy(e->key, key, 32);
}

/* Check a NODE record: its path is its owner, its certificate is signed
 * by the parent's key (the root's key is pinned instead), and the record
 * is signed by the key it carries. */
static int
verify_node(struct ld_keyring *kr, struct ld_txn *t, const Ld__Record *r,
            int depth, char *why, size_t whylen);

/* Key continuity. Once a node's key is known here, the key may change
 * only with the root's consent (a certificate by the pinned root key in
 * the new NODE record): otherwise a parent gone bad could give its child
 * a key of its own making and sign in the child's name. Below the root's
 * children only; theirs are certified by the root anyway. */
static int
key_continues(struct ld_keyring *kr, struct ld_txn *t, const Ld__Record *r,
              const char *parent, char *why, size_t whylen)
{
	if (strcmp(parent, kr->root) == 0)
		return 0;
	const Ld__Node *nd = r->node;
	struct ld_val v;
	if (ld_store_get(t, r->id, &v, NULL) != 0)
		return 0; /* first sight: the parent's word */
	Ld__Record *held = ld_record_unpack(v.p, v.n);
	bool same = held != NULL && held->body_case == LD__RECORD__BODY_NODE &&
	            held->node->sign_key.len == 32 &&
	            memcmp(held->node->sign_key.data, nd->sign_key.data, 32) ==
	                0;
	if (held != NULL)
		ld__record__free_unpacked(held, NULL);
	if (same)
		return 0;
	if (nd->root_cert.len == 64 &&
	    ld_cert_verify(kr->root_sign, r->owner, nd->sign_key.data,
	                   nd->curve_key.data, nd->root_cert.data))
		return 0;
	snprintf(why, whylen, "the key of %s changed without the root's "
	         "endorsement ('liandong key endorse' at the root)",
	         r->owner);
	kr->later = true;
	return LD_EREFUSED;
}

static int
key_at(struct ld_keyring *kr, struct ld_txn *t, const char *owner,
       uint8_t out[32], int depth, char *why, size_t whylen)
{
	if (strcmp(owner, kr->self) == 0) {
		memcpy(out, kr->self_sign, 32);
		return 0;
	}
	if (strcmp(owner, kr->root) == 0) {
		memcpy(out, kr->root_sign, 32);
		return 0;
	}
	for (size_t i = 0; i < kr->n; i++) {
		if (strcmp(kr->cache[i].path, owner) == 0) {
			memcpy(out, kr->cache[i].key, 32);
			return 0;
		}
	}
	if (depth > LD_PATH_MAX_DEPTH) {
		snprintf(why, whylen, "key chain of %s too long", owner);
		return LD_EREFUSED;
	}
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), owner, 0);
	struct ld_val v;
	if (ld_store_get(t, id, &v, NULL) != 0) {
		snprintf(why, whylen, "no node record of %s here to verify its "
		         "signature with", owner);
		kr->later = true;
		return LD_EREFUSED;
	}
	Ld__Record *node = ld_record_unpack(v.p, v.n);
	if (node == NULL || node->body_case != LD__RECORD__BODY_NODE) {
		if (node != NULL)
			ld__record__free_unpacked(node, NULL);
		snprintf(why, whylen, "the node record of %s does not decode",
		         owner);
		return LD_EREFUSED;
	}
	int ok = verify_node(kr, t, node, depth + 1, why, whylen);
	if (ok == 0) {
		memcpy(out, node->node->sign_key.data, 32);
		remember(kr, owner, out);
	}
	ld__record__free_unpacked(node, NULL);
	return ok;
}

static int
verify_node(struct ld_keyring *kr, struct ld_txn *t, const Ld__Record *r,
            int depth, char *why, size_t whylen)
{
	const Ld__Node *nd = r->node;
	if (strcmp(nd->path, r->owner) != 0) {
		snprintf(why, whylen, "node record %s describes %s, not its "
		         "owner", r->id, nd->path);
		return LD_EREFUSED;
	}
	if (nd->sign_key.len != 32 || nd->curve_key.len != 32) {
		snprintf(why, whylen, "node record of %s has no keys", r->owner);
		return LD_EREFUSED;
	}
	if (strcmp(r->owner, kr->root) == 0) {
		if (memcmp(nd->sign_key.data, kr->root_sign, 32) != 0) {
			snprintf(why, whylen, "node record of the root %s "
			         "carries another key than the pinned one",
			         r->owner);
			return LD_EREFUSED;
		}
	} else {
		size_t pl = ld_path_parent_len(r->owner);
		char parent[LD_PATH_MAX + 1];
		memcpy(parent, r->owner, pl);
		parent[pl] = '\0';
		uint8_t pk[32];
		if (pl == 0) {
			snprintf(why, whylen, "node record of %s: not in this "
			         "tree (its root is %s)", r->owner, kr->root);
			return LD_EREFUSED;
		}
		if (key_at(kr, t, parent, pk, depth, why, whylen) != 0)
			return LD_EREFUSED;
		if (nd->cert.len != 64 ||
		    !ld_cert_verify(pk, r->owner, nd->sign_key.data,
		                    nd->curve_key.data, nd->cert.data)) {
			snprintf(why, whylen, "the key in the node record of %s "
			         "is not certified by its parent %s",
			         r->owner, parent);
			return LD_EREFUSED;
		}
		if (key_continues(kr, t, r, parent, why, whylen) != 0)
			return LD_EREFUSED;
	}
	if (!ld_sign_verify(r, nd->sign_key.data)) {
		snprintf(why, whylen, "node record %s: signature does not "
		         "verify", r->id);
		return LD_EREFUSED;
	}
	return 0;
}

bool
ld_keyring_later(const struct ld_keyring *kr)
{
	return kr->later;
}

int
ld_keyring_key(struct ld_keyring *kr, struct ld_txn *t, const char *owner,
               uint8_t out[32], char *why, size_t whylen)
{
	kr->later = false;
	return key_at(kr, t, owner, out, 0, why, whylen);
}

int
ld_keyring_verify(struct ld_keyring *kr, struct ld_txn *t,
                  const Ld__Record *r, char *why, size_t whylen)
{
	kr->later = false;
	if (r->body_case == LD__RECORD__BODY_NODE)
		return verify_node(kr, t, r, 0, why, whylen);
	uint8_t pk[32];
	if (ld_keyring_key(kr, t, r->owner, pk, why, whylen) != 0)
		return LD_EREFUSED;
	if (!ld_sign_verify(r, pk)) {
		snprintf(why, whylen, "record %s: the signature is not %s's",
		         r->id, r->owner);
		return LD_EREFUSED;
	}
	return 0;
}
