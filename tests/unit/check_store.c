/* check_store.c — the LMDB store: records, by-seq log, cursors, meta and
 * the refs index. */
#include <check.h>

#include "scratch.h"
#include <errno.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "store.h"

#include <sodium.h>

#define PROV "530000"
#define CITY "530000/530300"
#define COUNTY "530000/530300/530325"

/* ---- a fresh directory per test; the store is opened inside each test
 * and closed by the teardown even when the test fails ---- */

static char tmpdir[300];
static struct ld_store *st;

/* The scratch root of this test case (see scratch.h). */
static void
root_setup(void)
{
	ut_root_setup("ld-check-store");
}

static void
root_teardown(void)
{
	ut_root_teardown();
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", ut_root());
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	st = NULL;
}

static void
teardown(void)
{
	ld_store_close(&st);
	if (tmpdir[0] != '\0')
		ut_rm_rf(tmpdir);
	tmpdir[0] = '\0';
}

static void
open_store(const char *path, size_t map_size)
{
	ck_assert_ptr_null(st);
	int rc = ld_store_open(tmpdir, path, map_size, &st);
	ck_assert_msg(rc == 0, "open: %s", ld_store_strerror(rc));
	ck_assert_ptr_nonnull(st);
}

static void
reopen(const char *path)
{
	ld_store_close(&st);
	ck_assert_ptr_null(st);
	open_store(path, 0);
}

/* ---- records ---- */

struct trec {
	Ld__Record r;
	Ld__Task t;
	char id[LD_ID_MAX];
	char *scope[4];
};

/* A task `owner:n` at `version`, scoped to its owner. */
static Ld__Record *
mk(struct trec *x, const char *owner, uint64_t n, uint64_t version)
{
	memset(x, 0, sizeof(*x));
	ld__record__init(&x->r);
	ld__task__init(&x->t);
	ld_id_format(x->id, sizeof(x->id), owner, n);
	x->r.id = x->id;
	x->r.owner = (char *)owner;
	x->r.kind = LD__KIND__KIND_TASK;
	x->r.version = version;
	x->scope[0] = (char *)owner;
	x->r.scope = x->scope;
	x->r.n_scope = 1;
	x->t.form = "明查暗访";
	x->t.topic = "营商环境";
	x->t.status = "dispatched";
	x->r.body_case = LD__RECORD__BODY_TASK;
	x->r.task = &x->t;
	return &x->r;
}

/* ---- write callbacks (each may be run twice if the map grows) ---- */

struct puts {
	Ld__Record *const *recs;
	size_t n;
	int fail; /* returned after the puts */
};

static int
do_puts(struct ld_txn *t, void *arg)
{
	struct puts *a = arg;
	for (size_t i = 0; i < a->n; i++) {
		int rc = ld_store_put(t, a->recs[i]);
		if (rc != 0)
			return rc;
	}
	return a->fail;
}

static void
put1(Ld__Record *r)
{
	struct puts a = {&r, 1, 0};
	int rc = ld_store_write(st, do_puts, &a);
	ck_assert_msg(rc == 0, "put %s: %s", r->id, ld_store_strerror(rc));
}

struct applies {
	uint8_t *const *bufs;
	const size_t *lens;
	Ld__Record *const *recs;
	size_t n;
	bool applied[16];
	const char *peer; /* if set, store a cursor too */
	uint64_t epoch, seq;
	int fail;
};

static int
do_applies(struct ld_txn *t, void *arg)
{
	struct applies *a = arg;
	for (size_t i = 0; i < a->n; i++) {
		a->applied[i] = false;
		int rc = ld_store_apply(t, a->bufs[i], a->lens[i], a->recs[i],
		                        &a->applied[i]);
		if (rc != 0)
			return rc;
	}
	if (a->peer != NULL) {
		int rc = ld_store_cursor_put(t, a->peer, a->epoch, a->seq);
		if (rc != 0)
			return rc;
	}
	return a->fail;
}

/* Apply one encoded record; returns whether it was stored. */
static bool
apply1(uint8_t *buf, size_t len, Ld__Record *r)
{
	struct applies a = {.bufs = &buf, .lens = &len, .recs = &r, .n = 1};
	int rc = ld_store_write(st, do_applies, &a);
	ck_assert_msg(rc == 0, "apply %s: %s", r->id, ld_store_strerror(rc));
	return a.applied[0];
}

/* Apply one encoded record; returns the store's answer (nothing checked). */
static int
apply_rc(uint8_t *buf, size_t len, Ld__Record *r)
{
	struct applies a = {.bufs = &buf, .lens = &len, .recs = &r, .n = 1};
	return ld_store_write(st, do_applies, &a);
}

/* ---- reads ---- */

/* The stored version of `id` (0 if absent) and, if `out` is given, a copy
 * of its encoding. */
static uint64_t
stored_version(const char *id, uint8_t **out, size_t *outlen)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	struct ld_val v;
	uint64_t ver = 0;
	int rc = ld_store_get(&t, id, &v, &ver);
	if (rc == MDB_NOTFOUND) {
		ld_store_read_end(&t);
		return 0;
	}
	ck_assert_msg(rc == 0, "get %s: %s", id, ld_store_strerror(rc));
	if (out != NULL) {
		*out = malloc(v.n ? v.n : 1);
		ck_assert_ptr_nonnull(*out);
		memcpy(*out, v.p, v.n);
		*outlen = v.n;
	}
	ld_store_read_end(&t);
	return ver;
}

static uint64_t
count(void)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	uint64_t n = ld_store_count(&t);
	ld_store_read_end(&t);
	return n;
}

/* A copy of one log entry. */
struct ent {
	uint64_t seq;
	Ld__Kind kind;
	bool deleted;
	char id[LD_ID_MAX + 1];
	char owner[LD_PATH_MAX + 1];
	size_t nscope;
	char scope[4][LD_PATH_MAX + 1];
};

/* The first entries are copied here; log_from counts all of them. */
static struct ent ents[64];

static size_t
log_from(uint64_t after)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	struct ld_logiter it;
	ck_assert_int_eq(ld_store_log_open(&t, after, &it), 0);
	size_t n = 0;
	static struct ld_logent e;
	int rc;
	while ((rc = ld_store_log_next(&it, &e)) == 0) {
		if (n >= sizeof(ents) / sizeof(ents[0])) {
			n++;
			continue;
		}
		struct ent *x = &ents[n++];
		x->seq = e.seq;
		x->kind = e.kind;
		x->deleted = e.deleted;
		ck_assert_uint_le(e.id.n, LD_ID_MAX);
		memcpy(x->id, e.id.p, e.id.n);
		x->id[e.id.n] = '\0';
		ck_assert_uint_le(e.flow.owner.n, LD_PATH_MAX);
		memcpy(x->owner, e.flow.owner.p, e.flow.owner.n);
		x->owner[e.flow.owner.n] = '\0';
		x->nscope = e.flow.nscope;
		for (size_t i = 0; i < e.flow.nscope && i < 4; i++) {
			memcpy(x->scope[i], e.flow.scope[i].p,
			       e.flow.scope[i].n);
			x->scope[i][e.flow.scope[i].n] = '\0';
		}
	}
	ck_assert_int_eq(rc, MDB_NOTFOUND);
	ld_store_log_close(&it);
	ld_store_read_end(&t);
	return n;
}

/* The log entries for `id` (from 0); *seq gets the last one's sequence. */
static int
log_entries_for(const char *id, uint64_t *seq)
{
	size_t n = log_from(0);
	ck_assert_uint_le(n, sizeof(ents) / sizeof(ents[0]));
	int found = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ents[i].id, id) == 0) {
			found++;
			*seq = ents[i].seq;
		}
	return found;
}

/* ---- tests ---- */

START_TEST(test_open_creates)
{
	open_store(CITY, 0);
	ck_assert(ld_store_created(st));
	uint64_t epoch = ld_store_epoch(st);
	ck_assert_uint_ne(epoch, 0);
	ck_assert_uint_eq(ld_store_head(st), 0);
	ck_assert_str_eq(ld_store_path(st), CITY);
	ck_assert_ptr_nonnull(ld_store_env(st));
	ck_assert_uint_eq(count(), 0);
	ck_assert_uint_eq(log_from(0), 0);

	struct stat sb;
	char sdir[400];
	snprintf(sdir, sizeof(sdir), "%s/store", tmpdir);
	ck_assert_int_eq(stat(sdir, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));

	/* Reopening keeps the epoch and knows it did not create the store. */
	reopen(CITY);
	ck_assert(!ld_store_created(st));
	ck_assert_uint_eq(ld_store_epoch(st), epoch);
	reopen(CITY);
	ck_assert_uint_eq(ld_store_epoch(st), epoch);

	/* Another store gets another epoch. */
	ld_store_close(&st);
	char other[300];
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	ck_assert_int_eq(mkdir(other, 0700), 0);
	int rc = ld_store_open(other, CITY, 0, &st);
	ck_assert_msg(rc == 0, "%s", ld_store_strerror(rc));
	ck_assert(ld_store_created(st));
	ck_assert_uint_ne(ld_store_epoch(st), epoch);
}
END_TEST

START_TEST(test_open_other_path)
{
	open_store(CITY, 0);
	uint64_t epoch = ld_store_epoch(st);
	ld_store_close(&st);

	static const char *const others[] = {"530000/530400", PROV, COUNTY,
	                                     "530000/53030"};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct ld_store *s2 = (struct ld_store *)1;
		int rc = ld_store_open(tmpdir, others[i], 0, &s2);
		ck_assert_msg(rc == LD_ESTORE_PATH, "%s: rc %d (%s)", others[i],
		              rc, ld_store_strerror(rc));
		ck_assert_ptr_null(s2);
	}
	ck_assert_ptr_nonnull(
	    strstr(ld_store_strerror(LD_ESTORE_PATH), "another node path"));
	/* The store itself is untouched. */
	open_store(CITY, 0);
	ck_assert(!ld_store_created(st));
	ck_assert_uint_eq(ld_store_epoch(st), epoch);
}
END_TEST

START_TEST(test_open_errors)
{
	/* A directory that does not exist. */
	char gone[300];
	snprintf(gone, sizeof(gone), "%s/no/such/dir", tmpdir);
	struct ld_store *s2 = NULL;
	int rc = ld_store_open(gone, CITY, 0, &s2);
	ck_assert_int_ne(rc, 0);
	ck_assert_ptr_null(s2);
	ck_assert_int_eq(rc, -ENOENT);
	ck_assert_ptr_nonnull(ld_store_strerror(rc));
	ck_assert_str_ne(ld_store_strerror(rc), "");
	ck_assert_str_ne(ld_store_strerror(MDB_NOTFOUND), "");
}
END_TEST

START_TEST(test_put_get)
{
	open_store(PROV, 0);
	struct trec x;
	Ld__Record *r = mk(&x, PROV, 1, 1);
	x.t.topic = "省市县三级联动民主监督";
	put1(r);
	ck_assert_uint_eq(ld_store_head(st), 1);
	ck_assert_uint_eq(count(), 1);

	uint8_t *got;
	size_t n;
	ck_assert_uint_eq(stored_version(PROV ":1", &got, &n), 1);
	Ld__Record *u = ld_record_unpack(got, n);
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->id, PROV ":1");
	ck_assert_str_eq(u->task->topic, "省市县三级联动民主监督");
	ck_assert_uint_eq(u->version, 1);
	ld__record__free_unpacked(u, NULL);
	/* The stored bytes are the record's encoding. */
	size_t plen;
	uint8_t *packed = ld_record_pack(r, &plen);
	ck_assert_uint_eq(plen, n);
	ck_assert_int_eq(memcmp(packed, got, n), 0);
	free(packed);
	free(got);

	/* Absent ids. */
	ck_assert_uint_eq(stored_version(PROV ":2", NULL, NULL), 0);
	ck_assert_uint_eq(stored_version("530000", NULL, NULL), 0);
	ck_assert_uint_eq(stored_version("", NULL, NULL), 0);
	/* A prefix of a stored id is not that id. */
	ck_assert_uint_eq(stored_version("530000:", NULL, NULL), 0);

	/* A put of the owner's next version replaces it. */
	r = mk(&x, PROV, 1, 2);
	x.t.status = "draft";
	put1(r);
	ck_assert_uint_eq(count(), 1);
	ck_assert_uint_eq(stored_version(PROV ":1", &got, &n), 2);
	u = ld_record_unpack(got, n);
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->task->status, "draft");
	ld__record__free_unpacked(u, NULL);
	free(got);
	ck_assert_uint_eq(ld_store_head(st), 2);
}
END_TEST

START_TEST(test_apply_idempotent)
{
	open_store(CITY, 0);
	struct trec x;
	Ld__Record *r = mk(&x, PROV, 7, 1);
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert(apply1(buf, len, r));
	ck_assert_uint_eq(ld_store_head(st), 1);
	ck_assert_uint_eq(log_from(0), 1);
	uint64_t seq = 0;
	ck_assert_int_eq(log_entries_for(PROV ":7", &seq), 1);
	ck_assert_uint_eq(seq, 1);

	/* The same bytes again: not applied, nothing changes. */
	ck_assert(!apply1(buf, len, r));
	ck_assert_uint_eq(ld_store_head(st), 1);
	ck_assert_uint_eq(log_from(0), 1);
	ck_assert_uint_eq(ents[0].seq, 1);
	ck_assert_uint_eq(count(), 1);
	free(buf);
}
END_TEST

START_TEST(test_apply_keeps_bytes)
{
	/* A relay forwards what it received byte for byte: apply stores the
	 * given encoding, not a re-encoding of the decoded record. Here the
	 * bytes carry an extra (duplicate) field a re-encoding would drop. */
	open_store(CITY, 0);
	struct trec x;
	Ld__Record *r = mk(&x, PROV, 3, 1);
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	uint8_t *wire = malloc(len + 2);
	ck_assert_ptr_nonnull(wire);
	memcpy(wire, buf, len);
	wire[len] = 0x20; /* version = 1, again */
	wire[len + 1] = 0x01;
	Ld__Record *u = ld_record_unpack(wire, len + 2);
	ck_assert_ptr_nonnull(u);
	ck_assert(apply1(wire, len + 2, u));
	uint8_t *got;
	size_t n;
	ck_assert_uint_eq(stored_version(PROV ":3", &got, &n), 1);
	ck_assert_uint_eq(n, len + 2);
	ck_assert_int_eq(memcmp(got, wire, n), 0);
	free(got);
	ld__record__free_unpacked(u, NULL);
	free(wire);
	free(buf);
}
END_TEST

START_TEST(test_apply_conflict)
{
	/* One (id, version) with other bytes: refused, the held copy stays,
	 * nothing is logged; the same bytes again are simply ignored. */
	open_store(CITY, 0);
	struct trec x, y;
	Ld__Record *r = mk(&x, PROV, 5, 2);
	Ld__Record *o = mk(&y, PROV, 5, 2);
	y.t.topic = "另一个议题";
	size_t len, olen;
	uint8_t *buf = ld_record_pack(r, &len), *obuf = ld_record_pack(o, &olen);
	ck_assert(apply1(buf, len, r));
	ck_assert_int_eq(apply_rc(obuf, olen, o), LD_ESTORE_CONFLICT);
	ck_assert_str_eq(ld_store_strerror(LD_ESTORE_CONFLICT),
	                 "a record at the version held here with other bytes");
	uint8_t *got;
	size_t n;
	ck_assert_uint_eq(stored_version(PROV ":5", &got, &n), 2);
	ck_assert_uint_eq(n, len);
	ck_assert_int_eq(memcmp(got, buf, n), 0);
	ck_assert_uint_eq(ld_store_head(st), 1);
	ck_assert(!apply1(buf, len, r));
	/* An older version with other bytes is just older: ignored. */
	o->version = 1;
	free(obuf);
	obuf = ld_record_pack(o, &olen);
	ck_assert(!apply1(obuf, olen, o));
	free(got);
	free(buf);
	free(obuf);
}
END_TEST

START_TEST(test_apply_versions)
{
	open_store(CITY, 0);
	struct trec x;
	size_t len;
	uint8_t *buf;

	Ld__Record *r = mk(&x, PROV, 7, 2);
	x.t.topic = "second";
	buf = ld_record_pack(r, &len);
	ck_assert(apply1(buf, len, r));
	free(buf);

	/* An older version arriving late is ignored. */
	r = mk(&x, PROV, 7, 1);
	x.t.topic = "first";
	buf = ld_record_pack(r, &len);
	ck_assert(!apply1(buf, len, r));
	free(buf);
	uint8_t *got;
	size_t n;
	ck_assert_uint_eq(stored_version(PROV ":7", &got, &n), 2);
	Ld__Record *u = ld_record_unpack(got, n);
	ck_assert_str_eq(u->task->topic, "second");
	ld__record__free_unpacked(u, NULL);
	free(got);
	ck_assert_uint_eq(ld_store_head(st), 1);

	/* A newer one replaces it and moves to the end of the log. */
	struct trec y;
	Ld__Record *other = mk(&y, PROV, 8, 1);
	buf = ld_record_pack(other, &len);
	ck_assert(apply1(buf, len, other));
	free(buf);
	r = mk(&x, PROV, 7, 3);
	x.t.topic = "third";
	buf = ld_record_pack(r, &len);
	ck_assert(apply1(buf, len, r));
	ck_assert(!apply1(buf, len, r));
	free(buf);
	ck_assert_uint_eq(stored_version(PROV ":7", &got, &n), 3);
	u = ld_record_unpack(got, n);
	ck_assert_str_eq(u->task->topic, "third");
	ld__record__free_unpacked(u, NULL);
	free(got);
	uint64_t seq = 0;
	ck_assert_int_eq(log_entries_for(PROV ":7", &seq), 1);
	ck_assert_uint_eq(seq, 3);
	ck_assert_uint_eq(ld_store_head(st), 3);
	ck_assert_uint_eq(count(), 2);
}
END_TEST

START_TEST(test_log_each_record_once)
{
	open_store(PROV, 0);
	struct trec a, b, c;
	put1(mk(&a, PROV, 1, 1));              /* seq 1 */
	put1(mk(&b, CITY, 1, 1));              /* seq 2 */
	Ld__Record *rc = mk(&c, COUNTY, 4, 1); /* seq 3 */
	c.scope[1] = "530000/530300/530326";
	rc->n_scope = 2;
	put1(rc);
	put1(mk(&a, PROV, 1, 2)); /* seq 4 */
	put1(mk(&a, PROV, 1, 3)); /* seq 5 */
	Ld__Record *rb = mk(&b, CITY, 1, 2);
	rb->deleted = 1; /* a tombstone, seq 6 */
	put1(rb);
	ck_assert_uint_eq(ld_store_head(st), 6);
	ck_assert_uint_eq(count(), 3);

	size_t n = log_from(0);
	ck_assert_uint_eq(n, 3);
	/* In sequence order, each id once at its newest sequence. */
	ck_assert_uint_eq(ents[0].seq, 3);
	ck_assert_str_eq(ents[0].id, COUNTY ":4");
	ck_assert_uint_eq(ents[1].seq, 5);
	ck_assert_str_eq(ents[1].id, PROV ":1");
	ck_assert_uint_eq(ents[2].seq, 6);
	ck_assert_str_eq(ents[2].id, CITY ":1");
	/* Owner, scope, kind and tombstone flag match the records. */
	ck_assert_str_eq(ents[0].owner, COUNTY);
	ck_assert_uint_eq(ents[0].nscope, 2);
	ck_assert_str_eq(ents[0].scope[0], COUNTY);
	ck_assert_str_eq(ents[0].scope[1], "530000/530300/530326");
	ck_assert_str_eq(ents[1].owner, PROV);
	ck_assert_uint_eq(ents[1].nscope, 1);
	ck_assert_str_eq(ents[1].scope[0], PROV);
	ck_assert_str_eq(ents[2].owner, CITY);
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(ents[i].kind, LD__KIND__KIND_TASK);
	ck_assert(!ents[0].deleted);
	ck_assert(!ents[1].deleted);
	ck_assert(ents[2].deleted);

	/* Resuming after a sequence. */
	ck_assert_uint_eq(log_from(3), 2);
	ck_assert_uint_eq(ents[0].seq, 5);
	ck_assert_uint_eq(log_from(4), 2);
	ck_assert_uint_eq(ents[0].seq, 5);
	ck_assert_uint_eq(log_from(5), 1);
	ck_assert_uint_eq(ents[0].seq, 6);
	ck_assert_uint_eq(log_from(6), 0);
	ck_assert_uint_eq(log_from(1000), 0);

	/* Many updates of a few ids: still each once. */
	for (uint64_t v = 2; v < 40; v++) {
		struct trec x;
		put1(mk(&x, COUNTY, 4, v));
		put1(mk(&x, PROV, 1, v + 2));
	}
	n = log_from(0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ld_store_head(st), 6 + 38 * 2);
	ck_assert_uint_eq(ents[2].seq, ld_store_head(st));
	ck_assert_str_eq(ents[2].id, PROV ":1");
	ck_assert_str_eq(ents[0].id, CITY ":1");
	ck_assert_uint_eq(ents[0].seq, 6);
}
END_TEST

START_TEST(test_head_survives_reopen)
{
	open_store(PROV, 0);
	struct trec x;
	for (uint64_t i = 1; i <= 3; i++)
		put1(mk(&x, PROV, i, 1));
	put1(mk(&x, PROV, 3, 2)); /* the newest entry replaces seq 3 */
	ck_assert_uint_eq(ld_store_head(st), 4);
	uint64_t epoch = ld_store_epoch(st);

	reopen(PROV);
	ck_assert_uint_eq(ld_store_head(st), 4);
	ck_assert_uint_eq(ld_store_epoch(st), epoch);

	/* New writes continue after the head: no sequence is reused. */
	put1(mk(&x, PROV, 4, 1));
	ck_assert_uint_eq(ld_store_head(st), 5);
	put1(mk(&x, PROV, 1, 2));
	ck_assert_uint_eq(ld_store_head(st), 6);
	size_t n = log_from(0);
	ck_assert_uint_eq(n, 4);
	uint64_t want[] = {2, 4, 5, 6};
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(ents[i].seq, want[i]);

	/* The record written last is replaced, then the store reopened: the
	 * head is where it was, not one lower. */
	put1(mk(&x, PROV, 1, 3));
	ck_assert_uint_eq(ld_store_head(st), 7);
	reopen(PROV);
	ck_assert_uint_eq(ld_store_head(st), 7);
	put1(mk(&x, PROV, 9, 1));
	uint64_t seq = 0;
	ck_assert_int_eq(log_entries_for(PROV ":9", &seq), 1);
	ck_assert_uint_eq(seq, 8);
}
END_TEST

START_TEST(test_batch_and_cursor_atomic)
{
	open_store(CITY, 0);
	struct trec x[3];
	Ld__Record *recs[3];
	uint8_t *bufs[3];
	size_t lens[3];
	for (int i = 0; i < 3; i++) {
		recs[i] = mk(&x[i], PROV, (uint64_t)i + 1, 1);
		bufs[i] = ld_record_pack(recs[i], &lens[i]);
		ck_assert_ptr_nonnull(bufs[i]);
	}
	const uint64_t E = 0x5eed5eed5eed5eedULL;
	struct applies a = {.bufs = bufs,
	                    .lens = lens,
	                    .recs = recs,
	                    .n = 3,
	                    .peer = PROV,
	                    .epoch = E,
	                    .seq = 42,
	                    .fail = -7};

	/* The callback fails after applying and setting the cursor: none of
	 * it is stored. */
	ck_assert_int_eq(ld_store_write(st, do_applies, &a), -7);
	ck_assert(a.applied[0] && a.applied[1] && a.applied[2]);
	ck_assert_uint_eq(count(), 0);
	ck_assert_uint_eq(ld_store_head(st), 0);
	ck_assert_uint_eq(log_from(0), 0);
	struct ld_txn t;
	uint64_t e = 99, s = 99;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	ck_assert_int_eq(ld_store_cursor_get(&t, PROV, &e, &s), 0);
	ld_store_read_end(&t);
	ck_assert_uint_eq(e, 0);
	ck_assert_uint_eq(s, 0);
	/* Also after a restart. */
	reopen(CITY);
	ck_assert_uint_eq(count(), 0);
	ck_assert_uint_eq(ld_store_head(st), 0);

	/* Success: both. */
	a.fail = 0;
	ck_assert_int_eq(ld_store_write(st, do_applies, &a), 0);
	ck_assert_uint_eq(count(), 3);
	ck_assert_uint_eq(ld_store_head(st), 3);
	reopen(CITY);
	ck_assert_uint_eq(count(), 3);
	ck_assert_uint_eq(ld_store_head(st), 3);
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	ck_assert_int_eq(ld_store_cursor_get(&t, PROV, &e, &s), 0);
	ld_store_read_end(&t);
	ck_assert_uint_eq(e, E);
	ck_assert_uint_eq(s, 42);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(stored_version(recs[i]->id, NULL, NULL), 1);
		free(bufs[i]);
	}
}
END_TEST

START_TEST(test_map_grows)
{
	const size_t MiB = 1 << 20;
	open_store(PROV, MiB);
	static char topic[1001];
	memset(topic, 'm', 1000);

	/* Several transactions, ~2 MiB in all. */
	uint64_t id = 0;
	for (int txn = 0; txn < 20; txn++) {
		static struct trec x[100];
		static Ld__Record *recs[100];
		for (int i = 0; i < 100; i++) {
			recs[i] = mk(&x[i], PROV, ++id, 1);
			x[i].t.topic = topic;
		}
		struct puts a = {recs, 100, 0};
		int rc = ld_store_write(st, do_puts, &a);
		ck_assert_msg(rc == 0, "txn %d: %s", txn,
		              ld_store_strerror(rc));
	}
	ck_assert_uint_eq(count(), 2000);
	ck_assert_uint_eq(ld_store_head(st), 2000);

	/* One transaction of ~3 MiB. */
	static struct trec big[3000];
	static Ld__Record *brecs[3000];
	for (int i = 0; i < 3000; i++) {
		brecs[i] = mk(&big[i], PROV, ++id, 1);
		big[i].t.topic = topic;
	}
	struct puts a = {brecs, 3000, 0};
	int rc = ld_store_write(st, do_puts, &a);
	ck_assert_msg(rc == 0, "big txn: %s", ld_store_strerror(rc));

	ck_assert_uint_eq(count(), 5000);
	ck_assert_uint_eq(ld_store_head(st), 5000);
	ck_assert_uint_eq(log_from(0), 5000);
	MDB_envinfo info;
	ck_assert_int_eq(mdb_env_info(ld_store_env(st), &info), 0);
	ck_assert_uint_gt(info.me_mapsize, 4 * MiB);
	/* Spot checks, first and last. */
	uint8_t *got;
	size_t n;
	ck_assert_uint_eq(stored_version(PROV ":1", &got, &n), 1);
	Ld__Record *u = ld_record_unpack(got, n);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(strlen(u->task->topic), 1000);
	ld__record__free_unpacked(u, NULL);
	free(got);
	ck_assert_uint_eq(stored_version(PROV ":5000", NULL, NULL), 1);

	/* Everything is still there after a restart. */
	reopen(PROV);
	ck_assert_uint_eq(count(), 5000);
	ck_assert_uint_eq(ld_store_head(st), 5000);
}
END_TEST

struct counters {
	uint64_t got[3];
	int n;
	int fail;
};

static int
do_counter(struct ld_txn *t, void *arg)
{
	struct counters *c = arg;
	for (int i = 0; i < c->n; i++)
		c->got[i] = ld_store_next_counter(t);
	return c->fail;
}

/* Milliseconds since 2024-01-01, as a new store's first counter. */
static uint64_t
ms_since_2024(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 -
	       UINT64_C(1704067200000);
}

START_TEST(test_counter_persists)
{
	/* A new store starts its ids at the clock, so a store made again
	 * for the same node does not hand out the old store's ids. */
	uint64_t before = ms_since_2024();
	open_store(COUNTY, 0);
	uint64_t after = ms_since_2024();
	struct counters c = {.n = 2};
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), 0);
	uint64_t b = c.got[0];
	ck_assert_uint_ge(b, before + 1);
	ck_assert_uint_le(b, after + 1);
	ck_assert_uint_eq(c.got[1], b + 1);
	c.n = 1;
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), 0);
	ck_assert_uint_eq(c.got[0], b + 2);

	/* A failed transaction hands out nothing for good. */
	c.fail = -1;
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), -1);
	ck_assert_uint_eq(c.got[0], b + 3);
	c.fail = 0;
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), 0);
	ck_assert_uint_eq(c.got[0], b + 3);

	reopen(COUNTY);
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), 0);
	ck_assert_uint_eq(c.got[0], b + 4);
	/* Counters are not log entries. */
	ck_assert_uint_eq(ld_store_head(st), 0);
}
END_TEST

START_TEST(test_restored)
{
	/* A restored store takes a new epoch, its counter at least at the
	 * clock floor, and the flag that makes the node recover. */
	open_store(COUNTY, 0);
	uint64_t e = ld_store_epoch(st);
	struct counters c = {.n = 1};
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), 0);
	uint64_t first = c.got[0];
	uint64_t floor = ms_since_2024();
	ck_assert_int_eq(ld_store_restored(st, true), 0);
	ck_assert_uint_ne(ld_store_epoch(st), e);
	ck_assert_uint_ne(ld_store_epoch(st), 0);
	uint64_t e2 = ld_store_epoch(st);
	ck_assert_int_eq(ld_store_write(st, do_counter, &c), 0);
	ck_assert_uint_gt(c.got[0], first);
	ck_assert_uint_gt(c.got[0], floor);
	reopen(COUNTY);
	ck_assert_uint_eq(ld_store_epoch(st), e2);
	struct ld_txn t;
	uint64_t v = 0;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	ck_assert_int_eq(ld_store_flag_get(&t, "recovering", &v), 0);
	ld_store_read_end(&t);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(ld_store_restored(st, false), 0);
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	ck_assert_int_eq(ld_store_flag_get(&t, "recovering", &v), 0);
	ld_store_read_end(&t);
	ck_assert_uint_eq(v, 0);
}
END_TEST

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Collect ids from `from`, copying them. */
static size_t
ids_from(const char *from, char out[][LD_ID_MAX + 1], size_t max)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	struct ld_reciter it;
	ck_assert_int_eq(ld_store_rec_open(&t, from, &it), 0);
	size_t n = 0;
	const char *id;
	struct ld_val v;
	int rc;
	while ((rc = ld_store_rec_next(&it, &id, &v)) == 0) {
		ck_assert_uint_lt(n, max);
		ck_assert_uint_le(strlen(id), LD_ID_MAX);
		strcpy(out[n++], id);
		/* The value is that record's encoding. */
		Ld__Record *u = ld_record_unpack(v.p, v.n);
		ck_assert_ptr_nonnull(u);
		ck_assert_str_eq(u->id, id);
		ld__record__free_unpacked(u, NULL);
	}
	ck_assert_int_eq(rc, MDB_NOTFOUND);
	ld_store_rec_close(&it);
	ld_store_read_end(&t);
	return n;
}

START_TEST(test_rec_iteration)
{
	open_store(PROV, 0);
	static const char *const owners[] = {PROV, PROV, PROV,
	                                     CITY, CITY, COUNTY};
	static const uint64_t nums[] = {2, 10, 1, 5, 1, 3};
	const char *sorted[6];
	static char idbuf[6][LD_ID_MAX];
	for (int i = 0; i < 6; i++) {
		struct trec x;
		put1(mk(&x, owners[i], nums[i], 1));
		ld_id_format(idbuf[i], sizeof(idbuf[i]), owners[i], nums[i]);
		sorted[i] = idbuf[i];
	}
	qsort(sorted, 6, sizeof(sorted[0]), cmp_str);

	static char got[16][LD_ID_MAX + 1];
	/* From the start: byte order of the ids. */
	ck_assert_uint_eq(ids_from("", got, 16), 6);
	for (int i = 0; i < 6; i++)
		ck_assert_str_eq(got[i], sorted[i]);
	ck_assert_uint_eq(ids_from(NULL, got, 16), 6);
	ck_assert_str_eq(got[0], sorted[0]);

	/* From an existing id: that id first. */
	ck_assert_uint_eq(ids_from(PROV ":10", got, 16), 2);
	ck_assert_str_eq(got[0], PROV ":10");
	ck_assert_str_eq(got[1], PROV ":2");
	ck_assert_uint_eq(ids_from(CITY ":5", got, 16), 4);
	ck_assert_str_eq(got[0], CITY ":5");
	/* From a key between ids: the next one. */
	ck_assert_uint_eq(ids_from(PROV ":15", got, 16), 1);
	ck_assert_str_eq(got[0], PROV ":2");
	ck_assert_uint_eq(ids_from(CITY ":2", got, 16), 4);
	ck_assert_str_eq(got[0], CITY ":5");
	/* '/' sorts before ':', so a county's ids come before its city's. */
	ck_assert_uint_eq(ids_from(CITY "/", got, 16), 6);
	ck_assert_str_eq(got[0], COUNTY ":3");
	ck_assert_str_eq(got[1], CITY ":1");
	/* Past the end. */
	ck_assert_uint_eq(ids_from("9", got, 16), 0);
}
END_TEST

START_TEST(test_count)
{
	open_store(PROV, 0);
	ck_assert_uint_eq(count(), 0);
	struct trec x;
	put1(mk(&x, PROV, 1, 1));
	put1(mk(&x, PROV, 2, 1));
	ck_assert_uint_eq(count(), 2);
	put1(mk(&x, PROV, 1, 2)); /* an update */
	ck_assert_uint_eq(count(), 2);
	Ld__Record *r = mk(&x, PROV, 2, 2);
	r->deleted = 1; /* tombstones count */
	put1(r);
	ck_assert_uint_eq(count(), 2);
	size_t len;
	r = mk(&x, CITY, 1, 1);
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert(apply1(buf, len, r));
	free(buf);
	ck_assert_uint_eq(count(), 3);
}
END_TEST

struct seen {
	int n;
	char peer[4][LD_PATH_MAX + 1];
	uint64_t epoch[4], seq[4];
};

static void
on_cursor(const char *peer, size_t n, uint64_t epoch, uint64_t seq, void *arg)
{
	struct seen *s = arg;
	if (s->n < 4 && n <= LD_PATH_MAX) {
		memcpy(s->peer[s->n], peer, n);
		s->peer[s->n][n] = '\0';
		s->epoch[s->n] = epoch;
		s->seq[s->n] = seq;
	}
	s->n++;
}

struct cur_args {
	const char *peer;
	uint64_t epoch, seq;
};

static int
do_cursor(struct ld_txn *t, void *arg)
{
	const struct cur_args *c = arg;
	return ld_store_cursor_put(t, c->peer, c->epoch, c->seq);
}

START_TEST(test_cursor_each)
{
	open_store(CITY, 0);
	struct seen s = {0};
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	ck_assert_int_eq(ld_store_cursor_each(&t, on_cursor, &s), 0);
	ld_store_read_end(&t);
	ck_assert_int_eq(s.n, 0);

	struct cur_args c1 = {PROV, 11, 100};
	struct cur_args c2 = {COUNTY, 22, 5};
	struct cur_args c3 = {PROV, 33, 7}; /* a new epoch replaces */
	ck_assert_int_eq(ld_store_write(st, do_cursor, &c1), 0);
	ck_assert_int_eq(ld_store_write(st, do_cursor, &c2), 0);
	ck_assert_int_eq(ld_store_write(st, do_cursor, &c3), 0);
	reopen(CITY);

	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	ck_assert_int_eq(ld_store_cursor_each(&t, on_cursor, &s), 0);
	uint64_t e, q;
	ck_assert_int_eq(ld_store_cursor_get(&t, COUNTY, &e, &q), 0);
	ck_assert_uint_eq(e, 22);
	ck_assert_uint_eq(q, 5);
	ld_store_read_end(&t);
	ck_assert_int_eq(s.n, 2);
	/* Keys in byte order: PROV before COUNTY. */
	ck_assert_str_eq(s.peer[0], PROV);
	ck_assert_uint_eq(s.epoch[0], 33);
	ck_assert_uint_eq(s.seq[0], 7);
	ck_assert_str_eq(s.peer[1], COUNTY);
	ck_assert_uint_eq(s.epoch[1], 22);
	ck_assert_uint_eq(s.seq[1], 5);
	/* Cursors are not records. */
	ck_assert_uint_eq(count(), 0);
	ck_assert_uint_eq(ld_store_head(st), 0);
}
END_TEST

START_TEST(test_read_sees_commits_only)
{
	/* A read transaction begun before a write does not see it; one begun
	 * after does (the cached read transaction is renewed). */
	open_store(PROV, 0);
	struct trec x;
	put1(mk(&x, PROV, 1, 1));
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	put1(mk(&x, PROV, 2, 1));
	ck_assert_uint_eq(ld_store_count(&t), 1);
	ld_store_read_end(&t);
	ck_assert_uint_eq(count(), 2);
	ck_assert_uint_eq(count(), 2);
}
END_TEST


/* Was a bug: store.c says one thread may hold a read transaction while it
 * writes (MDB_NOTLS). But when that write fills the map, grow() aborts the
 * cached read transaction even while it is in use (rtxn_busy) and resizes
 * the map under it: the reader's txn is freed, and ld_store_read_end then
 * aborts it a second time (use after free / double free). Expected: the
 * open reader keeps its snapshot and ending it is safe (or the write is
 * refused without touching the reader). */
START_TEST(test_grow_with_open_reader)
{
	const size_t MiB = 1 << 20;
	open_store(PROV, MiB);
	struct trec one;
	put1(mk(&one, PROV, 1, 1));

	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);

	static char topic[1001];
	memset(topic, 'g', 1000);
	static struct trec big[3000];
	static Ld__Record *brecs[3000];
	for (int i = 0; i < 3000; i++) {
		brecs[i] = mk(&big[i], PROV, (uint64_t)i + 2, 1);
		big[i].t.topic = topic;
	}
	struct puts a = {brecs, 3000, 0};
	int rc = ld_store_write(st, do_puts, &a);

	/* The reader still sees its snapshot... */
	ck_assert_uint_eq(ld_store_count(&t), 1);
	struct ld_val v;
	uint64_t ver = 0;
	ck_assert_int_eq(ld_store_get(&t, PROV ":1", &v, &ver), 0);
	ck_assert_uint_eq(ver, 1);
	/* ...and can be ended once, safely. */
	ld_store_read_end(&t);
	ck_assert_uint_eq(count(), rc == 0 ? 3001 : 1);
}
END_TEST

/* A version far ahead of the one held (or, on first sight, of 1) would
 * lock the record: nothing could supersede it. */
START_TEST(test_version_jump_refused)
{
	open_store(COUNTY, 0);
	struct trec x;
	size_t len;
	uint8_t *buf = ld_record_pack(mk(&x, COUNTY, 1, 1), &len);
	ck_assert(apply1(buf, len, &x.r));
	free(buf);
	buf = ld_record_pack(mk(&x, COUNTY, 1, 2 + LD_VERSION_JUMP), &len);
	ck_assert_int_eq(apply_rc(buf, len, &x.r), LD_ESTORE_JUMP);
	free(buf);
	ck_assert_uint_eq(stored_version(COUNTY ":1", NULL, NULL), 1);
	buf = ld_record_pack(mk(&x, COUNTY, 1, 1 + LD_VERSION_JUMP), &len);
	ck_assert(apply1(buf, len, &x.r));
	free(buf);
	ck_assert_uint_eq(stored_version(COUNTY ":1", NULL, NULL),
	                  1 + LD_VERSION_JUMP);
	buf = ld_record_pack(mk(&x, COUNTY, 2, LD_VERSION_JUMP + 1), &len);
	ck_assert_int_eq(apply_rc(buf, len, &x.r), LD_ESTORE_JUMP);
	free(buf);
	ck_assert_uint_eq(stored_version(COUNTY ":2", NULL, NULL), 0);
}
END_TEST

/* The ids that refer to `ref`, joined by spaces. */
static const char *
refs_of(const char *ref)
{
	static char out[1024];
	out[0] = '\0';
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	struct ld_refiter it;
	ck_assert_int_eq(ld_store_refs_open(&t, ref, &it), 0);
	const char *id;
	int rc;
	while ((rc = ld_store_refs_next(&it, &id)) == 0) {
		strncat(out, out[0] ? " " : "", sizeof(out) - strlen(out) - 1);
		strncat(out, id, sizeof(out) - strlen(out) - 1);
	}
	ck_assert_int_eq(rc, MDB_NOTFOUND);
	ld_store_refs_close(&it);
	ld_store_read_end(&t);
	return out;
}

/* Sub-tasks (parent set) written locally and applied from a peer are
 * indexed under their parent, once each however often they are written. */
START_TEST(test_refs_index)
{
	open_store(CITY, 0);
	struct trec a, b, c;
	put1(mk(&a, PROV, 1, 1));
	mk(&b, CITY, 2, 1);
	b.t.parent = PROV ":1";
	put1(&b.r);
	b.r.version = 2;
	put1(&b.r);
	mk(&c, COUNTY, 3, 1);
	c.t.parent = PROV ":1";
	size_t len;
	uint8_t *buf = ld_record_pack(&c.r, &len);
	ck_assert(apply1(buf, len, &c.r));
	free(buf);
	/* In byte order: '/' sorts before ':'. */
	ck_assert_str_eq(refs_of(PROV ":1"), COUNTY ":3 " CITY ":2");
	ck_assert_str_eq(refs_of(CITY ":2"), "");
	ck_assert_str_eq(refs_of("nothing:1"), "");
	/* It survives a reopen. */
	reopen(CITY);
	ck_assert_str_eq(refs_of(PROV ":1"), COUNTY ":3 " CITY ":2");
}
END_TEST

/* A store written before the index existed (schema 1) gets it built when
 * it is opened, and is marked schema 2. */
START_TEST(test_refs_rebuilt_for_schema_1)
{
	open_store(CITY, 0);
	struct trec a, b;
	put1(mk(&a, PROV, 1, 1));
	mk(&b, CITY, 2, 1);
	b.t.parent = PROV ":1";
	put1(&b.r);
	ld_store_close(&st);

	/* Make it look like a schema-1 store: no refs, schema 1. */
	char sdir[400];
	snprintf(sdir, sizeof(sdir), "%s/store", tmpdir);
	MDB_env *env;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 8), 0);
	ck_assert_int_eq(mdb_env_open(env, sdir, 0, 0600), 0);
	MDB_txn *txn;
	MDB_dbi refs, meta;
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "refs", MDB_DUPSORT, &refs), 0);
	ck_assert_int_eq(mdb_drop(txn, refs, 0), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	uint8_t one[4] = {0, 0, 0, 1};
	MDB_val k = {6, "schema"}, v = {4, one};
	ck_assert_int_eq(mdb_put(txn, meta, &k, &v, 0), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	open_store(CITY, 0);
	ck_assert_str_eq(refs_of(PROV ":1"), CITY ":2");
	ld_store_close(&st);
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 8), 0);
	ck_assert_int_eq(mdb_env_open(env, sdir, MDB_RDONLY, 0600), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &meta), 0);
	ck_assert_int_eq(mdb_get(txn, meta, &k, &v), 0);
	ck_assert_uint_eq(v.mv_size, 4);
	ck_assert_uint_eq(((uint8_t *)v.mv_data)[3], LD_SCHEMA_VERSION);
	mdb_txn_abort(txn);
	mdb_env_close(env);
}
END_TEST


/* ---- history: who wrote each version ---- */

/* The history of `id` as "vN:author:status[:deleted]" joined by ',';
 * *more as the store says. */
static size_t
history_of(const char *id, char *buf, size_t len, bool *more)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	static struct ld_histent he[LD_HISTORY_MAX];
	size_t n = 0;
	ck_assert_int_eq(ld_store_history(&t, id, he, LD_HISTORY_MAX, &n, more),
	                 0);
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%sv%llu:%.*s:%.*s%s", i ? "," : "",
		         (unsigned long long)he[i].version, (int)he[i].author.n,
		         he[i].author.p, (int)he[i].status.n, he[i].status.p,
		         he[i].deleted ? ":deleted" : "");
		if (i > 0)
			ck_assert_uint_gt(he[i].version, he[i - 1].version);
	}
	ld_store_read_end(&t);
	return n;
}

START_TEST(test_history)
{
	open_store(CITY, 0);
	char h[4096];
	bool more;
	struct trec x, y;
	Ld__Record *r = mk(&x, CITY, 1, 1);
	r->author = "张三";
	r->updated_at = 1764000000000;
	put1(r);
	/* A record whose id starts like the first one's keeps its own. */
	Ld__Record *o = mk(&y, CITY, 10, 1);
	o->author = "赵六";
	put1(o);
	r = mk(&x, CITY, 1, 2);
	r->author = "李四";
	x.t.status = "in_progress";
	put1(r);
	ck_assert_uint_eq(history_of(CITY ":1", h, sizeof(h), &more), 2);
	ck_assert_str_eq(h, "v1:张三:dispatched,v2:李四:in_progress");
	ck_assert(!more);

	/* A peer's version is recorded as it is applied; one not newer
	 * than the one held is not. */
	r = mk(&x, CITY, 1, 3);
	r->author = "王五";
	r->deleted = true;
	x.t.status = "cancelled";
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert(apply1(buf, len, r));
	ck_assert(!apply1(buf, len, r));
	free(buf);
	r = mk(&x, CITY, 1, 2);
	r->author = "someone";
	buf = ld_record_pack(r, &len);
	ck_assert(!apply1(buf, len, r));
	free(buf);
	ck_assert_uint_eq(history_of(CITY ":1", h, sizeof(h), &more), 3);
	ck_assert_str_eq(h, "v1:张三:dispatched,v2:李四:in_progress,"
	                    "v3:王五:cancelled:deleted");
	ck_assert_uint_eq(history_of(CITY ":10", h, sizeof(h), &more), 1);
	ck_assert_str_eq(h, "v1:赵六:dispatched");
	ck_assert_uint_eq(history_of(CITY ":2", h, sizeof(h), &more), 0);
	ck_assert_uint_eq(history_of(CITY ":", h, sizeof(h), &more), 0);

	/* It survives a reopen, and the time is kept. */
	reopen(CITY);
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	struct ld_histent he[4];
	size_t n;
	ck_assert_int_eq(ld_store_history(&t, CITY ":1", he, 4, &n, &more), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(he[0].updated_at, 1764000000000);
	ck_assert(!he[0].deleted && he[2].deleted);
	/* Asked for fewer: the newest, oldest first, and `more`. */
	ck_assert_int_eq(ld_store_history(&t, CITY ":1", he, 2, &n, &more), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(more);
	ck_assert_uint_eq(he[0].version, 2);
	ck_assert_uint_eq(he[1].version, 3);
	ld_store_read_end(&t);
}
END_TEST

/* Many versions: an answer lists the newest LD_HISTORY_MAX. */
START_TEST(test_history_capped)
{
	open_store(CITY, 0);
	struct trec x;
	for (uint64_t v = 1; v <= LD_HISTORY_MAX + 5; v++) {
		Ld__Record *r = mk(&x, CITY, 3, v);
		r->author = v % 2 ? "张三" : "李四";
		put1(r);
	}
	char h[LD_HISTORY_MAX * 32];
	bool more;
	ck_assert_uint_eq(history_of(CITY ":3", h, sizeof(h), &more),
	                  LD_HISTORY_MAX);
	ck_assert(more);
	ck_assert_int_eq(strncmp(h, "v6:李四:dispatched,v7:张三:", 30), 0);
	ck_assert_ptr_nonnull(strstr(h, ",v205:张三:dispatched"));
}
END_TEST

/* A store from before the history gets one, with the versions it holds;
 * a read-only opener of such a store sees no history and no error. */
START_TEST(test_history_seeded)
{
	open_store(CITY, 0);
	struct trec x;
	Ld__Record *r = mk(&x, CITY, 1, 1);
	r->author = "张三";
	put1(r);
	r = mk(&x, CITY, 1, 2);
	r->author = "李四";
	put1(r);
	ld_store_close(&st);

	char sdir[400];
	snprintf(sdir, sizeof(sdir), "%s/store", tmpdir);
	MDB_env *env;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	ck_assert_int_eq(mdb_env_set_maxdbs(env, 16), 0);
	ck_assert_int_eq(mdb_env_open(env, sdir, 0, 0600), 0);
	MDB_txn *txn;
	MDB_dbi hist;
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "history", 0, &hist), 0);
	ck_assert_int_eq(mdb_drop(txn, hist, 1), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	struct ld_store *ro = NULL;
	ck_assert_int_eq(ld_store_open_ro(tmpdir, &ro), 0);
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(ro, &t), 0);
	struct ld_histent he[4];
	size_t n = 9;
	bool more;
	ck_assert_int_eq(ld_store_history(&t, CITY ":1", he, 4, &n, &more), 0);
	ck_assert_uint_eq(n, 0);
	ld_store_read_end(&t);
	ld_store_close(&ro);

	open_store(CITY, 0);
	char h[256];
	ck_assert_uint_eq(history_of(CITY ":1", h, sizeof(h), &more), 1);
	ck_assert_str_eq(h, "v2:李四:dispatched");
	r = mk(&x, CITY, 1, 3);
	r->author = "王五";
	put1(r);
	ck_assert_uint_eq(history_of(CITY ":1", h, sizeof(h), &more), 2);
	ck_assert_str_eq(h, "v2:李四:dispatched,v3:王五:dispatched");
}
END_TEST

/* ---- attachment chunks ---- */

static int
put_chunk(struct ld_txn *t, void *arg)
{
	const char *data = arg;
	uint8_t h[LD_HASH_LEN];
	crypto_hash_sha256(h, (const uint8_t *)data, strlen(data));
	return ld_store_chunk_put(t, h, data, strlen(data));
}

/* The wanted chunks as "id,id,..." in hash order, and their count. */
static uint64_t
wants_of(char *buf, size_t len)
{
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	struct ld_wantiter it;
	ck_assert_int_eq(ld_store_wants_open(&t, NULL, &it), 0);
	const uint8_t *h;
	const char *id;
	buf[0] = '\0';
	uint64_t n = 0;
	while (ld_store_wants_next(&it, &h, &id) == 0) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s%s", n ? "," : "", id);
		n++;
	}
	ld_store_wants_close(&it);
	ck_assert_uint_eq(ld_store_wants_count(&t), n);
	ld_store_read_end(&t);
	return n;
}

/* A received result wants the chunks of its attachments the store lacks;
 * storing a chunk ends its want; a malformed attachment is not wanted. */
START_TEST(test_chunks_and_wants)
{
	open_store(PROV, 0);
	ck_assert_int_eq(sodium_init() < 0, 0);
	const char *c1 = "第一块", *c2 = "second chunk", *held = "held";
	ck_assert_int_eq(ld_store_write(st, put_chunk, (void *)held), 0);
	uint8_t h[3][LD_HASH_LEN], whole[LD_HASH_LEN];
	crypto_hash_sha256(h[0], (const uint8_t *)c1, strlen(c1));
	crypto_hash_sha256(h[1], (const uint8_t *)c2, strlen(c2));
	crypto_hash_sha256(h[2], (const uint8_t *)held, strlen(held));
	memset(whole, 7, sizeof(whole));
	ProtobufCBinaryData ch[3] = {
	    {LD_HASH_LEN, h[0]}, {LD_HASH_LEN, h[1]}, {LD_HASH_LEN, h[2]}};
	Ld__Attachment a = LD__ATTACHMENT__INIT, bad = LD__ATTACHMENT__INIT;
	a.name = "报告.pdf";
	a.size = 2 * LD_CHUNK_SIZE + 1;
	a.sha256.len = LD_HASH_LEN;
	a.sha256.data = whole;
	a.chunk_size = LD_CHUNK_SIZE;
	a.n_chunks = 3;
	a.chunks = ch;
	bad = a;
	bad.chunk_size = 1000; /* not the rule: never fetched */
	Ld__Attachment *av[2] = {&a, &bad};
	Ld__Result res = LD__RESULT__INIT;
	res.ref = PROV ":1";
	res.summary = "s";
	res.n_attachments = 2;
	res.attachments = av;
	Ld__Record r = LD__RECORD__INIT;
	r.id = COUNTY ":5";
	r.owner = COUNTY;
	r.version = 1;
	r.kind = LD__KIND__KIND_RESULT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &res;
	size_t len;
	uint8_t *buf = ld_record_pack(&r, &len);
	ck_assert(apply1(buf, len, &r));
	free(buf);
	char got[256];
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 2);
	ck_assert_str_eq(got, COUNTY ":5," COUNTY ":5");

	ck_assert_int_eq(ld_store_write(st, put_chunk, (void *)c2), 0);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 1);
	struct ld_txn t;
	ck_assert_int_eq(ld_store_read_begin(st, &t), 0);
	const char *id;
	ck_assert_int_eq(ld_store_want_get(&t, h[0], &id), 0);
	ck_assert_str_eq(id, COUNTY ":5");
	ck_assert_int_eq(ld_store_want_get(&t, h[1], &id), MDB_NOTFOUND);
	struct ld_val v;
	ck_assert_int_eq(ld_store_chunk_get(&t, h[1], &v), 0);
	ck_assert_uint_eq(v.n, strlen(c2));
	ck_assert_int_eq(memcmp(v.p, c2, v.n), 0);
	ck_assert_int_eq(ld_store_chunk_get(&t, h[0], &v), MDB_NOTFOUND);
	ld_store_read_end(&t);

	/* Wants survive a restart (a transfer resumes), and end. */
	reopen(PROV);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 1);
	ck_assert_int_eq(ld_store_write(st, put_chunk, (void *)c1), 0);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 0);

	/* A new version names a chunk not held; the next version drops the
	 * attachment, and a tombstone drops everything: nothing stays
	 * wanted for them. */
	uint8_t h4[LD_HASH_LEN];
	memset(h4, 0x44, sizeof(h4));
	ch[0].data = h4;
	r.version = 2;
	buf = ld_record_pack(&r, &len);
	ck_assert(apply1(buf, len, &r));
	free(buf);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 1);
	res.n_attachments = 0;
	r.version = 3;
	buf = ld_record_pack(&r, &len);
	ck_assert(apply1(buf, len, &r));
	free(buf);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 0);
	res.n_attachments = 2;
	r.version = 4;
	buf = ld_record_pack(&r, &len);
	ck_assert(apply1(buf, len, &r));
	free(buf);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 1);
	r.version = 5;
	r.deleted = true;
	buf = ld_record_pack(&r, &len);
	ck_assert(apply1(buf, len, &r));
	free(buf);
	ck_assert_uint_eq(wants_of(got, sizeof(got)), 0);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_creates);
	tcase_add_test(tc, test_open_other_path);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_put_get);
	tcase_add_test(tc, test_apply_idempotent);
	tcase_add_test(tc, test_apply_keeps_bytes);
	tcase_add_test(tc, test_apply_versions);
	tcase_add_test(tc, test_log_each_record_once);
	tcase_add_test(tc, test_head_survives_reopen);
	tcase_add_test(tc, test_batch_and_cursor_atomic);
	tcase_add_test(tc, test_map_grows);
	tcase_add_test(tc, test_counter_persists);
	tcase_add_test(tc, test_rec_iteration);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_cursor_each);
	tcase_add_test(tc, test_read_sees_commits_only);
	tcase_add_test(tc, test_grow_with_open_reader);
	tcase_add_test(tc, test_version_jump_refused);
	tcase_add_test(tc, test_refs_index);
	tcase_add_test(tc, test_refs_rebuilt_for_schema_1);
	tcase_add_test(tc, test_chunks_and_wants);
	tcase_add_test(tc, test_history);
	tcase_add_test(tc, test_history_capped);
	tcase_add_test(tc, test_history_seeded);
	tcase_add_test(tc, test_apply_conflict);
	tcase_add_test(tc, test_restored);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
