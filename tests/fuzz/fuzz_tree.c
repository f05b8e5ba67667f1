/* fuzz_tree.c — keys, NODE records and signed records of the fuzz tree. */
#include "fuzz_tree.h"
#include "record.h"
#include "seal.h"
#include "sign.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
keys_from(uint8_t seed_byte, struct ld_keys *k)
{
	uint8_t seed[32];
	memset(seed, seed_byte, sizeof(seed));
	crypto_sign_seed_keypair(k->sign_pub, k->sign_sec, seed);
	seed[0] ^= 0x55;
	crypto_box_seed_keypair(k->curve_pub, k->curve_sec, seed);
}

void
fz_tree_keys(struct fz_tree *t)
{
	if (sodium_init() < 0)
		return;
	keys_from(1, &t->root);
	keys_from(2, &t->self);
	keys_from(3, &t->child);
	ld_cert_make(t->root.sign_sec, FZ_SELF, t->self.sign_pub,
	             t->self.curve_pub, t->self_cert);
	ld_cert_make(t->self.sign_sec, FZ_CHILD, t->child.sign_pub,
	             t->child.curve_pub, t->child_cert);
}

uint8_t *
fz_node_record(const struct fz_tree *t, const char *path, size_t *len)
{
	const struct ld_keys *k = strcmp(path, FZ_ROOT) == 0   ? &t->root
	                          : strcmp(path, FZ_SELF) == 0 ? &t->self
	                                                       : &t->child;
	const uint8_t *cert = strcmp(path, FZ_SELF) == 0    ? t->self_cert
	                      : strcmp(path, FZ_CHILD) == 0 ? t->child_cert
	                                                    : NULL;
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), path, 0);
	Ld__Node nd = LD__NODE__INIT;
	nd.path = (char *)path;
	nd.level = "county";
	nd.name = "富源县政协";
	nd.sign_key.data = (uint8_t *)k->sign_pub;
	nd.sign_key.len = 32;
	nd.curve_key.data = (uint8_t *)k->curve_pub;
	nd.curve_key.len = 32;
	if (cert != NULL) {
		nd.cert.data = (uint8_t *)cert;
		nd.cert.len = 64;
	}
	char *sc[1] = {(char *)path};
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.kind = LD__KIND__KIND_NODE;
	r.owner = (char *)path;
	r.version = 1;
	r.n_scope = 1;
	r.scope = sc;
	r.body_case = LD__RECORD__BODY_NODE;
	r.node = &nd;
	uint8_t sig[64];
	ld_sign_record(&r, k->sign_sec, false, sig);
	return ld_record_pack(&r, len);
}

uint8_t *
fz_record(const struct fz_tree *t, const char *owner, uint64_t counter,
          uint64_t version, const char *scope, int result,
          const struct ld_keys *signer, size_t *len)
{
	const struct ld_keys *k = strcmp(owner, FZ_ROOT) == 0   ? &t->root
	                          : strcmp(owner, FZ_SELF) == 0 ? &t->self
	                                                        : &t->child;
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), owner, counter);
	Ld__Record r = LD__RECORD__INIT;
	Ld__Task task = LD__TASK__INIT;
	Ld__Result res = LD__RESULT__INIT;
	Ld__Metric m = LD__METRIC__INIT;
	Ld__Metric *mp[1] = {&m};
	char *sc[1] = {(char *)scope};
	r.id = id;
	r.owner = (char *)owner;
	r.version = version;
	if (result) {
		res.ref = FZ_ROOT ":1";
		res.summary = "走访企业42家，发现问题7个";
		m.name = "满意率";
		m.value = 0.949;
		res.n_metrics = 1;
		res.metrics = mp;
		res.status = "submitted";
		r.kind = LD__KIND__KIND_RESULT;
		r.body_case = LD__RECORD__BODY_RESULT;
		r.result = &res;
	} else {
		task.topic = "优化营商环境三级联动民主监督";
		task.form = "监督性视察";
		task.status = "dispatched";
		task.due = "2026-12-31";
		r.kind = LD__KIND__KIND_TASK;
		r.n_scope = 1;
		r.scope = sc;
		r.body_case = LD__RECORD__BODY_TASK;
		r.task = &task;
	}
	uint8_t sig[64];
	ld_sign_record(&r, (signer ? signer : k)->sign_sec, false, sig);
	return ld_record_pack(&r, len);
}

void
fz_seal(const struct fz_tree *t, const char *owner, uint8_t **recs,
        size_t *lens, size_t n)
{
	const struct ld_keys *k = strcmp(owner, FZ_ROOT) == 0   ? &t->root
	                          : strcmp(owner, FZ_SELF) == 0 ? &t->self
	                                                        : &t->child;
	for (size_t i = 0; i < n; i++) {
		Ld__Record *r = ld_record_unpack(recs[i], lens[i]);
		r->sig.len = 0; /* its data is freed with r */
		free(recs[i]);
		recs[i] = ld_record_pack(r, &lens[i]);
		ld__record__free_unpacked(r, NULL);
	}
	ld_seal_batch(recs, lens, n, k->sign_sec);
}

struct put_nodes {
	const struct fz_tree *t;
};

static int
put_nodes(struct ld_txn *txn, void *arg)
{
	const struct fz_tree *t = ((struct put_nodes *)arg)->t;
	const char *paths[] = {FZ_ROOT, FZ_SELF, FZ_CHILD};
	for (int i = 0; i < 3; i++) {
		size_t len;
		uint8_t *buf = fz_node_record(t, paths[i], &len);
		Ld__Record *r = ld_record_unpack(buf, len);
		bool applied;
		int rc = r ? ld_store_apply(txn, buf, len, r, &applied) : -1;
		if (r)
			ld__record__free_unpacked(r, NULL);
		free(buf);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
fz_store(const struct fz_tree *t, const char *dir, struct ld_store **st)
{
	int rc = ld_store_open(dir, FZ_SELF, 64u << 20, st);
	if (rc != 0)
		return rc;
	struct put_nodes pn = {t};
	return ld_store_write(*st, put_nodes, &pn);
}
