/* check_keyring.c — verified signing keys derived from NODE records along
 * the tree, up to the pinned root key. */
#include <check.h>

#include "scratch.h"
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyring.h"
#include "keys.h"
#include "record.h"
#include "sign.h"
#include "store.h"

#define R "530000"
#define C "530000/530300"
#define X "530000/530300/530325"
#define Y "530000/530300/530326"
#define OTHER_ROOT "440000"

#define WHYLEN 512

/* ---- a fresh directory per test; the store is opened inside each test
 * and closed by the teardown even when the test fails ---- */

static char tmpdir[300];
static struct ld_store *st;
static struct ld_keyring *kr;
static char why[WHYLEN];

/* The scratch root of this test case (see scratch.h). */
static void
root_setup(void)
{
	ut_root_setup("ld-check-keyring");
}

static void
root_teardown(void)
{
	ut_root_teardown();
}

/* A node of the test tree and its keys. */
struct node {
	const char *path;
	uint8_t spk[32], ssk[64];
	uint8_t cpk[32], csk[32];
};

/* Root, city, county, the county's sibling, and spare keys for forgers
 * and rotations. */
static struct node nr, nc, nx, ny, nz, nx2, nc2, nq;

static void
new_node(struct node *n, const char *path)
{
	n->path = path;
	crypto_sign_keypair(n->spk, n->ssk);
	crypto_box_keypair(n->cpk, n->csk);
}

static void
setup(void)
{
	ck_assert_int_eq(ld_keys_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", ut_root());
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	st = NULL;
	kr = NULL;
	why[0] = '\0';
	new_node(&nr, R);
	new_node(&nc, C);
	new_node(&nx, X);
	new_node(&ny, Y);
	new_node(&nz, X);  /* a forger's keys, claiming X */
	new_node(&nx2, X); /* X's next keys */
	new_node(&nc2, C); /* C's next keys */
	new_node(&nq, OTHER_ROOT);
}

static void
teardown(void)
{
	ld_keyring_free(&kr);
	ld_store_close(&st);
	if (tmpdir[0] != '\0')
		ut_rm_rf(tmpdir);
	tmpdir[0] = '\0';
}

static void
open_store(const char *self)
{
	ck_assert_ptr_null(st);
	int rc = ld_store_open(tmpdir, self, 0, &st);
	ck_assert_msg(rc == 0, "open: %s", ld_store_strerror(rc));
}

/* A keyring for `self` (holding `self_sign`), the root key `root_sign`
 * pinned. */
static void
new_keyring(const char *self, const uint8_t self_sign[32],
            const uint8_t root_sign[32])
{
	ld_keyring_free(&kr);
	ck_assert_int_eq(ld_keyring_new(self, self_sign, root_sign, &kr), 0);
	ck_assert_ptr_nonnull(kr);
}

/* ---- records ---- */

struct nrec {
	Ld__Record r;
	Ld__Node n;
	char id[LD_ID_MAX];
	char *scope[1];
	uint8_t sign[32], curve[32], cert[64], sig[64];
};

/* The NODE record "<path>:0" at `version` carrying `keys`' public keys,
 * certified by `certifier` (none for NULL) and signed by `signer`. */
static Ld__Record *
mk_node(struct nrec *x, const char *path, const struct node *keys,
        const struct node *certifier, const struct node *signer,
        uint64_t version)
{
	memset(x, 0, sizeof(*x));
	ld__record__init(&x->r);
	ld__node__init(&x->n);
	ld_id_format(x->id, sizeof(x->id), path, 0);
	x->r.id = x->id;
	x->r.kind = LD__KIND__KIND_NODE;
	x->r.owner = (char *)path;
	x->r.version = version;
	x->scope[0] = (char *)path;
	x->r.scope = x->scope;
	x->r.n_scope = 1;
	x->r.updated_at = 1718000000000 + (int64_t)version;
	x->n.path = (char *)path;
	int depth = ld_path_depth(path);
	x->n.level = depth == 1 ? "province" : depth == 2 ? "city" : "county";
	x->n.name = depth == 1   ? "云南省政协"
	            : depth == 2 ? "曲靖市政协"
	                         : "富源县政协";
	memcpy(x->sign, keys->spk, 32);
	memcpy(x->curve, keys->cpk, 32);
	x->n.sign_key.data = x->sign;
	x->n.sign_key.len = 32;
	x->n.curve_key.data = x->curve;
	x->n.curve_key.len = 32;
	if (certifier != NULL) {
		ld_cert_make(certifier->ssk, path, x->sign, x->curve, x->cert);
		x->n.cert.data = x->cert;
		x->n.cert.len = 64;
	}
	x->r.body_case = LD__RECORD__BODY_NODE;
	x->r.node = &x->n;
	ck_assert_int_eq(ld_sign_record(&x->r, signer->ssk, false, x->sig), 0);
	return &x->r;
}

/* The well-formed NODE record of `n`, certified by `parent`. */
static Ld__Record *
node_rec(struct nrec *x, const struct node *n, const struct node *parent,
         uint64_t version)
{
	return mk_node(x, n->path, n, parent, n, version);
}

struct trec {
	Ld__Record r;
	Ld__Task t;
	char id[LD_ID_MAX];
	char *scope[1];
	uint8_t sig[64];
};

/* A task "<owner>:<n>" signed by `signer`. */
static Ld__Record *
mk_task(struct trec *x, const char *owner, uint64_t n,
        const struct node *signer)
{
	memset(x, 0, sizeof(*x));
	ld__record__init(&x->r);
	ld__task__init(&x->t);
	ld_id_format(x->id, sizeof(x->id), owner, n);
	x->r.id = x->id;
	x->r.kind = LD__KIND__KIND_TASK;
	x->r.owner = (char *)owner;
	x->r.version = 1;
	x->scope[0] = (char *)owner;
	x->r.scope = x->scope;
	x->r.n_scope = 1;
	x->t.form = "明查暗访";
	x->t.topic = "营商环境";
	x->t.status = "dispatched";
	x->r.body_case = LD__RECORD__BODY_TASK;
	x->r.task = &x->t;
	ck_assert_int_eq(ld_sign_record(&x->r, signer->ssk, false, x->sig), 0);
	return &x->r;
}

struct puts {
	Ld__Record *const *recs;
	size_t n;
};

/* May run twice if the map grows. */
static int
do_puts(struct ld_txn *t, void *arg)
{
	struct puts *a = arg;
	for (size_t i = 0; i < a->n; i++) {
		int rc = ld_store_put(t, a->recs[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
put1(Ld__Record *r)
{
	struct puts a = {&r, 1};
	int rc = ld_store_write(st, do_puts, &a);
	ck_assert_msg(rc == 0, "put %s: %s", r->id, ld_store_strerror(rc));
}

/* The NODE records of the whole tree: R (pinned key, no cert), C by R,
 * X and Y by C. */
static void
put_tree(void)
{
	struct nrec a, b, c, d;
	put1(node_rec(&a, &nr, NULL, 1));
	put1(node_rec(&b, &nc, &nr, 1));
	put1(node_rec(&c, &nx, &nc, 1));
	put1(node_rec(&d, &ny, &nc, 1));
}

/* ---- keyring calls, each in its own read transaction ---- */

static bool
key_of(const char *owner, uint8_t out[32])
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	why[0] = '\0';
	memset(out, 0, 32);
	bool ok = ld_keyring_key(kr, &t, owner, out, why, sizeof(why)) == 0;
	ld_store_read_end(&t);
	return ok;
}

static bool
verify(const Ld__Record *r)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	why[0] = '\0';
	bool ok = ld_keyring_verify(kr, &t, r, why, sizeof(why)) == 0;
	ld_store_read_end(&t);
	return ok;
}

static void
assert_key(const char *owner, const uint8_t want[32])
{
	uint8_t k[32];
	ck_assert_msg(key_of(owner, k), "key of %s: %s", owner, why);
	ck_assert_msg(memcmp(k, want, 32) == 0,
	              "key of %s is not the expected one", owner);
}

static void
assert_verifies(const Ld__Record *r)
{
	ck_assert_msg(verify(r), "%s (owner %s) refused: %s", r->id, r->owner,
	              why);
}

/* Refused, and the reason contains every `needle` (NULL-terminated) and
 * not `absent` (if not NULL). */
static void
assert_why(const char *what, const char *absent, const char *const *needles)
{
	ck_assert_msg(why[0] != '\0', "%s: refused without a reason", what);
	for (const char *const *n = needles; *n != NULL; n++)
		ck_assert_msg(strstr(why, *n) != NULL,
		              "%s: reason '%s' does not say '%s'", what, why,
		              *n);
	if (absent != NULL)
		ck_assert_msg(strstr(why, absent) == NULL,
		              "%s: reason '%s' names %s", what, why, absent);
}

#define REFUSED(r, absent, ...)                                                \
	do {                                                                   \
		const Ld__Record *r_ = (r);                                    \
		ck_assert_msg(!verify(r_), "%s (owner %s) accepted", r_->id,   \
		              r_->owner);                                      \
		const char *const needles_[] = {__VA_ARGS__, NULL};            \
		assert_why(r_->id, absent, needles_);                          \
	} while (0)

#define NO_KEY(owner, absent, ...)                                             \
	do {                                                                   \
		uint8_t k_[32];                                                \
		ck_assert_msg(!key_of(owner, k_), "a key for %s", owner);      \
		const char *const needles_[] = {__VA_ARGS__, NULL};            \
		assert_why(owner, absent, needles_);                           \
	} while (0)

/* ---- tests ---- */

START_TEST(test_root_key_is_pinned)
{
	open_store(X);
	new_keyring(X, nx.spk, nr.spk);
	/* No record at all: the root's key is the pinned one. */
	assert_key(R, nr.spk);
	struct trec t;
	assert_verifies(mk_task(&t, R, 5, &nr));
	REFUSED(mk_task(&t, R, 5, &nc), NULL, R ":5");

	/* The pinned key wins over any NODE record of the root. */
	struct nrec a;
	put1(node_rec(&a, &nr, NULL, 1));
	new_keyring(X, nx.spk, nq.spk);
	assert_key(R, nq.spk);
	REFUSED(mk_task(&t, R, 5, &nr), NULL, R ":5");
	assert_verifies(mk_task(&t, R, 5, &nq));
}
END_TEST

START_TEST(test_self_key_without_record)
{
	/* A node knows its own key, even before its NODE record exists. */
	open_store(X);
	new_keyring(X, nx.spk, nr.spk);
	assert_key(X, nx.spk);
	struct trec t;
	assert_verifies(mk_task(&t, X, 1, &nx));
	REFUSED(mk_task(&t, X, 1, &ny), NULL, X ":1");
}
END_TEST

START_TEST(test_keys_derived)
{
	open_store(X);
	put_tree();
	new_keyring(X, nx.spk, nr.spk);
	assert_key(R, nr.spk);
	assert_key(C, nc.spk);
	assert_key(X, nx.spk);
	assert_key(Y, ny.spk);
	/* Asked again (from the cache): the same. */
	assert_key(C, nc.spk);
	assert_key(Y, ny.spk);

	/* From the city's own keyring too. */
	new_keyring(C, nc.spk, nr.spk);
	assert_key(X, nx.spk);
	assert_key(Y, ny.spk);
	assert_key(R, nr.spk);

	/* A node with no NODE record has no key. */
	NO_KEY("530000/530300/530399", NULL,
	       "no node record of 530000/530300/530399");
	NO_KEY("530000/530400", NULL, "no node record of 530000/530400");
}
END_TEST

START_TEST(test_verify_records)
{
	open_store(X);
	put_tree();
	new_keyring(X, nx.spk, nr.spk);
	struct trec t;

	assert_verifies(mk_task(&t, X, 7, &nx));
	assert_verifies(mk_task(&t, C, 7, &nc));
	assert_verifies(mk_task(&t, Y, 7, &ny));
	assert_verifies(mk_task(&t, R, 7, &nr));

	/* Signed by the city, claiming the county as owner. */
	REFUSED(mk_task(&t, X, 7, &nc), NULL, X ":7", "not " X "'s");
	/* And the other ways round. */
	REFUSED(mk_task(&t, C, 7, &nx), NULL, C ":7", "not " C "'s");
	REFUSED(mk_task(&t, Y, 7, &nx), NULL, Y ":7");
	REFUSED(mk_task(&t, R, 7, &nc), NULL, R ":7");
	/* Signed by a key no node holds. */
	REFUSED(mk_task(&t, X, 7, &nz), NULL, X ":7");

	/* Changed after signing. */
	mk_task(&t, Y, 8, &ny);
	t.t.topic = "安全生产";
	REFUSED(&t.r, NULL, Y ":8");
	t.t.topic = "营商环境";
	assert_verifies(&t.r);

	/* Every NODE record of the tree, as received. */
	struct nrec a;
	assert_verifies(node_rec(&a, &nr, NULL, 1));
	assert_verifies(node_rec(&a, &nc, &nr, 1));
	assert_verifies(node_rec(&a, &nx, &nc, 1));
	assert_verifies(node_rec(&a, &ny, &nc, 1));
	/* A newer version of a NODE record, same keys. */
	assert_verifies(node_rec(&a, &ny, &nc, 2));
}
END_TEST

START_TEST(test_root_keyring)
{
	open_store(R);
	put_tree();
	new_keyring(R, nr.spk, nr.spk);
	assert_key(R, nr.spk);
	assert_key(C, nc.spk);
	assert_key(X, nx.spk);
	assert_key(Y, ny.spk);
	struct trec t;
	assert_verifies(mk_task(&t, R, 1, &nr));
	assert_verifies(mk_task(&t, C, 1, &nc));
	assert_verifies(mk_task(&t, X, 1, &nx));
	assert_verifies(mk_task(&t, Y, 1, &ny));
	REFUSED(mk_task(&t, X, 1, &ny), NULL, X ":1");
	REFUSED(mk_task(&t, C, 1, &nr), NULL, C ":1");
	struct nrec a;
	assert_verifies(node_rec(&a, &nr, NULL, 1));
	assert_verifies(node_rec(&a, &nc, &nr, 1));
	assert_verifies(node_rec(&a, &nx, &nc, 1));
	/* The root's own NODE record with another key is refused here too. */
	REFUSED(mk_node(&a, R, &nq, NULL, &nq, 1), NULL, R, "pinned");
}
END_TEST

START_TEST(test_node_cert_by_sibling_refused)
{
	open_store(R);
	put_tree();
	new_keyring(R, nr.spk, nr.spk);
	struct nrec a;

	/* A forger's keys for X, certified by X's sibling Y. */
	REFUSED(mk_node(&a, X, &nz, &ny, &nz, 2), NULL,
	        "node record of " X " is not certified by its parent " C);
	/* X's own keys, but certified by Y. */
	REFUSED(mk_node(&a, X, &nx, &ny, &nx, 2), NULL,
	        "not certified by its parent " C);
	/* Certified by the grandparent (the root) instead of the parent. */
	REFUSED(mk_node(&a, X, &nz, &nr, &nz, 2), NULL,
	        "not certified by its parent " C);
	/* Without a certificate. */
	REFUSED(mk_node(&a, X, &nz, NULL, &nz, 2), NULL,
	        "not certified by its parent " C);

	/* Stored anyway (say, written before the check existed): X no
	 * longer has a key, and the forger's records do not pass. */
	put1(mk_node(&a, X, &nz, &ny, &nz, 2));
	ld_keyring_forget(kr);
	NO_KEY(X, NULL, "node record of " X " is not certified");
	struct trec t;
	REFUSED(mk_task(&t, X, 3, &nz), NULL, X);
	REFUSED(mk_task(&t, X, 3, &nx), NULL, X);
	/* The rest of the tree is unaffected. */
	assert_key(Y, ny.spk);
	assert_verifies(mk_task(&t, Y, 3, &ny));
}
END_TEST

START_TEST(test_node_self_certified_refused)
{
	open_store(R);
	put_tree();
	new_keyring(X, nx.spk, nr.spk);
	struct nrec a;
	/* A forger's keys for the city, certified by themselves. */
	REFUSED(mk_node(&a, C, &nc2, &nc2, &nc2, 2), NULL,
	        "node record of " C " is not certified by its parent " R);
	/* The city's real keys, self-certified. */
	REFUSED(mk_node(&a, C, &nc, &nc, &nc, 2), NULL,
	        "not certified by its parent " R);
	/* A county certifying itself (another county than self). */
	REFUSED(mk_node(&a, Y, &ny, &ny, &ny, 2), NULL,
	        "not certified by its parent " C);

	/* Stored: the city's key, and so every key below it, is gone. */
	put1(mk_node(&a, C, &nc2, &nc2, &nc2, 2));
	ld_keyring_forget(kr);
	NO_KEY(C, NULL, "node record of " C " is not certified");
	/* Y's key hangs on C's: the reason names C, where the chain broke. */
	NO_KEY(Y, Y, "node record of " C " is not certified by its parent " R);
	struct trec t;
	REFUSED(mk_task(&t, Y, 4, &ny), Y ":", C);
}
END_TEST

START_TEST(test_node_record_checks)
{
	open_store(R);
	put_tree();
	new_keyring(R, nr.spk, nr.spk);
	struct nrec a;

	/* Certified by the parent, but the record signed by another key
	 * (here, the parent's). */
	REFUSED(mk_node(&a, X, &nx, &nc, &nc, 2), NULL, X ":0",
	        "signature does not verify");
	/* ...or changed after signing. */
	node_rec(&a, &nx, &nc, 2);
	a.n.name = "罗平县政协";
	REFUSED(&a.r, NULL, X ":0", "signature does not verify");

	/* A NODE record describing another path than its owner. */
	node_rec(&a, &nx, &nc, 2);
	a.n.path = Y;
	ck_assert_int_eq(ld_sign_record(&a.r, nx.ssk, false, a.sig), 0);
	REFUSED(&a.r, NULL, "describes " Y);

	/* A NODE record without keys. */
	node_rec(&a, &nx, &nc, 2);
	a.n.curve_key.len = 0;
	ck_assert_int_eq(ld_sign_record(&a.r, nx.ssk, false, a.sig), 0);
	REFUSED(&a.r, NULL, X, "no keys");
	node_rec(&a, &nx, &nc, 2);
	a.n.sign_key.len = 31;
	ck_assert_int_eq(ld_sign_record(&a.r, nx.ssk, false, a.sig), 0);
	REFUSED(&a.r, NULL, X, "no keys");

	/* The certificate binds the CURVE key too. */
	node_rec(&a, &nx, &nc, 2);
	memcpy(a.curve, nz.cpk, 32);
	ck_assert_int_eq(ld_sign_record(&a.r, nx.ssk, false, a.sig), 0);
	REFUSED(&a.r, NULL, "not certified by its parent " C);
}
END_TEST

START_TEST(test_root_node_other_key_refused)
{
	open_store(X);
	put_tree();
	new_keyring(X, nx.spk, nr.spk);
	struct nrec a;
	/* Another key, signed by that key. */
	REFUSED(mk_node(&a, R, &nq, NULL, &nq, 2), NULL,
	        "node record of the root " R, "pinned");
	/* Another key, even "certified" by the pinned key. */
	REFUSED(mk_node(&a, R, &nq, &nr, &nq, 2), NULL, R, "pinned");
	/* The pinned key, signed by another. */
	REFUSED(mk_node(&a, R, &nr, NULL, &nq, 2), NULL, R ":0",
	        "signature does not verify");
	/* The real one passes. */
	assert_verifies(node_rec(&a, &nr, NULL, 2));

	/* Such a record in the store changes nothing: the pinned key is
	 * used, and the chain below it holds. */
	put1(mk_node(&a, R, &nq, NULL, &nq, 2));
	ld_keyring_forget(kr);
	assert_key(R, nr.spk);
	assert_key(C, nc.spk);
	assert_key(Y, ny.spk);
	struct trec t;
	REFUSED(mk_task(&t, R, 9, &nq), NULL, R ":9");
	/* A city certified by the impostor root is refused. */
	REFUSED(mk_node(&a, C, &nc2, &nq, &nc2, 2), NULL,
	        "not certified by its parent " R);
}
END_TEST

START_TEST(test_missing_node_record)
{
	open_store(R);
	struct nrec a, b;
	/* The tree without the city's NODE record. */
	put1(node_rec(&a, &nr, NULL, 1));
	put1(node_rec(&b, &nx, &nc, 1));

	new_keyring(R, nr.spk, nr.spk);
	/* The reason names the city, whose record is missing. */
	NO_KEY(X, X, "no node record of " C " ");
	NO_KEY(C, NULL, "no node record of " C " ");
	struct trec t;
	REFUSED(mk_task(&t, X, 2, &nx), X ":", "no node record of " C " ");
	REFUSED(node_rec(&a, &nx, &nc, 2), X ":", "no node record of " C " ");

	/* From the county's keyring. */
	new_keyring(X, nx.spk, nr.spk);
	NO_KEY(C, NULL, "no node record of " C " ");
	REFUSED(mk_task(&t, C, 2, &nc), NULL, "no node record of " C " ");

	/* Once the city's record arrives, everything derives. */
	put1(node_rec(&a, &nc, &nr, 1));
	ld_keyring_forget(kr);
	assert_key(C, nc.spk);
	assert_verifies(mk_task(&t, C, 2, &nc));
	new_keyring(R, nr.spk, nr.spk);
	assert_key(X, nx.spk);
	assert_verifies(mk_task(&t, X, 2, &nx));
}
END_TEST

START_TEST(test_key_rotation)
{
	open_store(R);
	put_tree();
	new_keyring(R, nr.spk, nr.spk);
	struct trec old_t, new_t;
	mk_task(&old_t, X, 11, &nx);
	mk_task(&new_t, X, 11, &nx2);
	assert_verifies(&old_t.r);
	REFUSED(&new_t.r, NULL, X ":11");

	/* X gets new keys: a new version of its NODE record, certified by
	 * the city and signed with the new key. The city alone cannot
	 * change a key this node already knows (a city gone bad would sign
	 * in its counties' names): the root must endorse the new key. */
	struct nrec a;
	Ld__Record *rot = node_rec(&a, &nx2, &nc, 2);
	REFUSED(rot, NULL, "without the root's endorsement");
	uint8_t rc[64];
	ld_cert_make(nr.ssk, X, nx2.spk, nx2.cpk, rc);
	a.n.root_cert.data = rc;
	a.n.root_cert.len = 64;
	/* An endorsement by anyone but the root does not count... */
	uint8_t fake[64];
	ld_cert_make(nc.ssk, X, nx2.spk, nx2.cpk, fake);
	a.n.root_cert.data = fake;
	ck_assert_int_eq(ld_sign_record(rot, nx2.ssk, false, a.sig), 0);
	REFUSED(rot, NULL, "without the root's endorsement");
	/* ...the root's does. */
	a.n.root_cert.data = rc;
	ck_assert_int_eq(ld_sign_record(rot, nx2.ssk, false, a.sig), 0);
	assert_verifies(rot);
	put1(rot);
	ld_keyring_forget(kr);

	assert_key(X, nx2.spk);
	REFUSED(&old_t.r, NULL, X ":11");
	assert_verifies(&new_t.r);
	/* Nothing else moved. */
	assert_key(C, nc.spk);
	assert_key(Y, ny.spk);
}
END_TEST

START_TEST(test_parent_key_rotation)
{
	open_store(R);
	put_tree();
	new_keyring(R, nr.spk, nr.spk);
	struct trec t;
	assert_verifies(mk_task(&t, X, 12, &nx));

	/* The city gets new keys; X's certificate was made by the old key. */
	struct nrec a, b;
	put1(node_rec(&a, &nc2, &nr, 2));
	ld_keyring_forget(kr);
	assert_key(C, nc2.spk);
	/* X's record is now the one at fault, and the reason says so. */
	NO_KEY(X, NULL,
	       "node record of " X " is not certified by its parent " C);
	REFUSED(mk_task(&t, X, 12, &nx), NULL, X);

	/* The city certifies X again (same keys, new version). */
	put1(node_rec(&b, &nx, &nc2, 2));
	ld_keyring_forget(kr);
	assert_key(X, nx.spk);
	assert_verifies(mk_task(&t, X, 12, &nx));
}
END_TEST

START_TEST(test_forget_on_fresh_keyring)
{
	/* forget on an empty cache, twice, and free(NULL) are harmless. */
	open_store(X);
	new_keyring(X, nx.spk, nr.spk);
	ld_keyring_forget(kr);
	ld_keyring_forget(kr);
	assert_key(R, nr.spk);
	ld_keyring_free(&kr);
	ck_assert_ptr_null(kr);
	ld_keyring_free(&kr);
	ld_keyring_free(NULL);
}
END_TEST

START_TEST(test_many_nodes)
{
	/* Many counties, each key derived from its own record and cached
	 * under its own path: no entry is handed out for another. */
	open_store(R);
	struct nrec a;
	put1(node_rec(&a, &nr, NULL, 1));
	put1(node_rec(&a, &nc, &nr, 1));
	enum { N = 120 };
	static char paths[N][40];
	static struct node counties[N];
	static struct nrec recs[N];
	static Ld__Record *rp[N];
	for (int i = 0; i < N; i++) {
		snprintf(paths[i], sizeof(paths[i]), C "/%06d", i);
		new_node(&counties[i], paths[i]);
		rp[i] = node_rec(&recs[i], &counties[i], &nc, 1);
	}
	struct puts all = {rp, N};
	ck_assert_int_eq(ld_store_write(st, do_puts, &all), 0);
	new_keyring(R, nr.spk, nr.spk);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			assert_key(paths[i], counties[i].spk);
			struct trec t;
			assert_verifies(mk_task(&t, paths[i], 1, &counties[i]));
			REFUSED(
			    mk_task(&t, paths[i], 1, &counties[(i + 1) % N]),
			    NULL, paths[i]);
		}
	}
}
END_TEST

/* ---- once bugs, now fixed ---- */

/* verify_node returns false for a NODE record owned by a root path other
 * than the pinned root (ld_path_parent_len() == 0) without writing any
 * reason: the caller logs whatever its buffer held (in node.c an
 * uninitialised stack array). */
START_TEST(test_other_root_node_refused_with_reason)
{
	open_store(X);
	put_tree();
	new_keyring(X, nx.spk, nr.spk);
	struct nrec a;
	Ld__Record *q = node_rec(&a, &nq, NULL, 1);
	strcpy(why, "");
	{
		struct ld_txn t;
		ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
		bool ok = ld_keyring_verify(kr, &t, q, why, sizeof(why)) == 0;
		ld_store_read_end(&t);
		ck_assert_msg(!ok, "another tree's root accepted");
	}
	ck_assert_msg(strstr(why, OTHER_ROOT) != NULL,
	              "NODE record of " OTHER_ROOT " refused with reason '%s'",
	              why);

	/* The same through ld_keyring_key, once the record is stored. */
	put1(q);
	uint8_t k[32];
	ck_assert(!key_of(OTHER_ROOT, k));
	ck_assert_msg(strstr(why, OTHER_ROOT) != NULL,
	              "no key for " OTHER_ROOT ", reason '%s'", why);
}
END_TEST

static Suite *
keyring_suite(void)
{
	Suite *s = suite_create("keyring");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_root_key_is_pinned);
	tcase_add_test(tc, test_self_key_without_record);
	tcase_add_test(tc, test_keys_derived);
	tcase_add_test(tc, test_verify_records);
	tcase_add_test(tc, test_root_keyring);
	tcase_add_test(tc, test_node_cert_by_sibling_refused);
	tcase_add_test(tc, test_node_self_certified_refused);
	tcase_add_test(tc, test_node_record_checks);
	tcase_add_test(tc, test_root_node_other_key_refused);
	tcase_add_test(tc, test_missing_node_record);
	tcase_add_test(tc, test_key_rotation);
	tcase_add_test(tc, test_parent_key_rotation);
	tcase_add_test(tc, test_forget_on_fresh_keyring);
	tcase_add_test(tc, test_many_nodes);
	tcase_add_test(tc, test_other_root_node_refused_with_reason);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(keyring_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
