/* store.c — LMDB store: records (id -> seq, version, encoding), the by-seq
 * log holding each live record exactly once, peer cursors, meta, the
 * refs index (what refers to a record) and the history of the versions
 * stored (who wrote each, when, its status). */
#include "store.h"
#include "attach.h"
#include "err.h"
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <time.h>

#define DEFAULT_MAP_SIZE ((size_t)1 << 30)

struct ld_store {
	MDB_env *env;
	MDB_dbi records, byseq, cursors, meta;
	MDB_dbi owners; /* owner path -> highest id counter held */
	MDB_dbi refs;   /* ref id -> ids of the records referring to it (dup) */
	MDB_dbi chunks; /* SHA-256 -> an attachment chunk */
	MDB_dbi wants;  /* SHA-256 -> id of a record whose attachment needs
	                   that chunk, while it is not held */
	MDB_dbi history; /* id NUL version (big-endian) -> what that version
	                    said (hist_encode) */
	bool has_history; /* false: a read-only store from before it */
	bool readonly;  /* ld_store_open_ro: no write transactions */
	uint64_t epoch;
	uint64_t head;
	uint64_t gen;   /* write transactions committed since open */
	bool created;
	char path[LD_PATH_MAX + 1];
	char dir[4096]; /* the store's directory (<data>/store) */
	MDB_txn *rtxn;  /* cached read transaction, reset between uses */
	bool rtxn_busy;
	int nreaders;   /* read transactions open now */
};

/* ---- big-endian helpers ---- */

static void
put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t
get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static void
put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* Names the codes store/ owns: LMDB's (MDB_KEYEXIST .. MDB_LAST_ERRCODE)
 * and LD_ESTORE_*; registered with core/err.h so ld_strerror knows them. */
static const char *
store_name(int rc)
{
	switch (rc) {
	case LD_ESTORE_PATH:
		return "the store belongs to another node path";
	case LD_ESTORE_SCHEMA:
		return "the store was written by a newer liandong";
	case LD_ESTORE_JUMP:
		return "version jumps too far ahead of the one held";
	case LD_ESTORE_CONFLICT:
		return "a record at the version held here with other bytes";
	case LD_ESTORE_FULL:
		return "the disk holding the store is full; free space there "
		       "(writes resume by themselves)";
	default:
		return mdb_strerror(rc);
	}
}

static void
register_codes(void)
{
	(void)ld_err_register(MDB_KEYEXIST, MDB_LAST_ERRCODE, store_name);
	(void)ld_err_register(LD_ESTORE_FULL, LD_ESTORE_PATH, store_name);
}

const char *
ld_store_strerror(int rc)
{
	register_codes();
	/* LMDB returns system errors as positive errno values. */
	return ld_strerror(rc > 0 ? -rc : rc);
}

/* ---- meta ---- */

static int
meta_get(MDB_txn *txn, MDB_dbi dbi, const char *key, MDB_val *v)
{
	MDB_val k = {strlen(key), (void *)key};
	return mdb_get(txn, dbi, &k, v);
}

static int
meta_put(MDB_txn *txn, MDB_dbi dbi, const char *key, const void *p, size_t n)
{
	MDB_val k = {strlen(key), (void *)key}, v = {n, (void *)p};
	return mdb_put(txn, dbi, &k, &v, 0);
}

static int
meta_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *out)
{
	MDB_val v;
	int rc = meta_get(txn, dbi, key, &v);
	if (rc == 0) {
		if (v.mv_size != 8)
			return MDB_CORRUPTED;
		*out = get_u64(v.mv_data);
	}
	return rc;
}

static int
meta_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t val)
{
	uint8_t b[8];
	put_u64(b, val);
	return meta_put(txn, dbi, key, b, 8);
}

/* A fresh random log epoch (never 0, which means "no cursor yet"). */
static uint64_t
new_epoch(void)
{
	uint64_t e = 0;
	while (e == 0)
		if (getrandom(&e, sizeof(e), 0) != (ssize_t)sizeof(e))
			e = 0;
	return e;
}

/* Ids a new store hands out start at the milliseconds since 2024-01-01.
 * A store made again for the same node (the old one lost, or restored
 * from a backup) then starts above every id the old one handed out, as
 * long as that averaged under one id a millisecond; the parent's Welcome
 * raises the counter further if it knows of higher ids. Reusing an id
 * would be silent: receivers keep the older record of that id. */
static uint64_t
first_counter(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	int64_t since = ms - INT64_C(1704067200000);
	return since > 0 ? (uint64_t)since : 0;
}

/* Index `r` under the id it refers to, if any. Entries are never removed
 * (a ref does not change; readers check the record itself). */
static int
refs_put(MDB_txn *txn, MDB_dbi refs, const Ld__Record *r)
{
	const char *ref = ld_record_ref(r);
	if (ref == NULL || strlen(ref) > LD_ID_MAX)
		return 0;
	MDB_val k = {strlen(ref) + 1, (void *)ref};
	MDB_val v = {strlen(r->id) + 1, r->id};
	int rc = mdb_put(txn, refs, &k, &v, MDB_NODUPDATA);
	return rc == MDB_KEYEXIST ? 0 : rc;
}

/* Note the chunks of `r`'s attachments this store lacks as wanted. A
 * malformed attachment (a hostile owner's) is not fetched at all. */
static int
wants_put(MDB_txn *txn, const struct ld_store *st, const Ld__Record *r)
{
	if (r->body_case != LD__RECORD__BODY_RESULT || r->deleted)
		return 0;
	char err[8];
	for (size_t i = 0; i < r->result->n_attachments; i++) {
		const Ld__Attachment *a = r->result->attachments[i];
		if (ld_attach_check(a, i, err, sizeof(err)) != 0)
			continue;
		for (size_t k = 0; k < a->n_chunks; k++) {
			MDB_val hk = {LD_HASH_LEN, a->chunks[k].data}, hv;
			int rc = mdb_get(txn, st->chunks, &hk, &hv);
			if (rc == MDB_NOTFOUND) {
				MDB_val iv = {strlen(r->id) + 1, r->id};
				rc = mdb_put(txn, st->wants, &hk, &iv, 0);
			}
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* Withdraw the wants that the stored encoding `buf` of record `id` made
 * (those still naming `id`). */
static int
wants_drop(MDB_txn *txn, const struct ld_store *st, const char *id,
           const uint8_t *buf, size_t len)
{
	Ld__Record *was = ld_record_unpack(buf, len);
	if (was == NULL)
		return 0;
	int rc = 0;
	if (was->body_case == LD__RECORD__BODY_RESULT)
		for (size_t i = 0; i < was->result->n_attachments && rc == 0;
		     i++) {
			const Ld__Attachment *a = was->result->attachments[i];
			for (size_t k = 0; k < a->n_chunks && rc == 0; k++) {
				if (a->chunks[k].len != LD_HASH_LEN)
					continue;
				MDB_val hk = {LD_HASH_LEN, a->chunks[k].data}, hv;
				rc = mdb_get(txn, st->wants, &hk, &hv);
				if (rc == 0 && hv.mv_size == strlen(id) + 1 &&
				    memcmp(hv.mv_data, id, hv.mv_size) == 0)
					rc = mdb_del(txn, st->wants, &hk, NULL);
				if (rc == MDB_NOTFOUND)
					rc = 0;
			}
		}
	ld__record__free_unpacked(was, NULL);
	return rc;
}

/* ---- history: one entry per version stored ----
 *
 * Key: the id with its NUL, then the version (8 bytes big-endian), so a
 * record's entries sit together in version order. Value: updated_at (8),
 * flags (1: deleted), then author and status, each a 2-byte length and
 * the bytes. ld_record_check bounds the author; a status is a short word,
 * cut at HIST_STR_MAX if a peer's is not. */
#define HIST_STR_MAX 256

static size_t
hist_key(uint8_t *buf, const char *id, uint64_t version)
{
	size_t n = strlen(id) + 1;
	memcpy(buf, id, n);
	put_u64(buf + n, version);
	return n + 8;
}

static int
history_put(MDB_txn *txn, const struct ld_store *st, const Ld__Record *r)
{
	if (!st->has_history || strlen(r->id) > LD_ID_MAX)
		return 0;
	/* A HEALTH record takes a version every few minutes when its links
	 * move, at every node above it: its past is no one's business, and
	 * history entries are never removed. */
	if (r->kind == LD__KIND__KIND_HEALTH)
		return 0;
	const char *author = r->author != NULL ? r->author : "";
	/* A node's level is no status. */
	const char *status =
	    r->kind == LD__KIND__KIND_NODE ? "" : ld_record_status(r);
	size_t an = strlen(author), sn = strlen(status);
	an = an > HIST_STR_MAX ? HIST_STR_MAX : an;
	sn = sn > HIST_STR_MAX ? HIST_STR_MAX : sn;
	uint8_t kb[LD_ID_MAX + 1 + 8], vb[8 + 1 + 2 + HIST_STR_MAX + 2 +
	                                  HIST_STR_MAX];
	MDB_val k = {hist_key(kb, r->id, r->version), kb};
	uint8_t *p = vb;
	put_u64(p, (uint64_t)r->updated_at);
	p[8] = r->deleted ? 1 : 0;
	p += 9;
	put_u16(p, (uint16_t)an);
	memcpy(p + 2, author, an);
	p += 2 + an;
	put_u16(p, (uint16_t)sn);
	memcpy(p + 2, status, sn);
	p += 2 + sn;
	MDB_val v = {(size_t)(p - vb), vb};
	return mdb_put(txn, st->history, &k, &v, 0);
}

static int
hist_decode(const MDB_val *k, const MDB_val *v, struct ld_histent *e)
{
	const uint8_t *p = v->mv_data, *end = p + v->mv_size;
	if (k->mv_size < 9 || v->mv_size < 13)
		return MDB_CORRUPTED;
	e->version = get_u64((const uint8_t *)k->mv_data + k->mv_size - 8);
	e->updated_at = (int64_t)get_u64(p);
	e->deleted = p[8] & 1;
	p += 9;
	struct ld_str *s[2] = {&e->author, &e->status};
	for (int i = 0; i < 2; i++) {
		if (end - p < 2)
			return MDB_CORRUPTED;
		size_t n = get_u16(p);
		if ((size_t)(end - p) < 2 + n)
			return MDB_CORRUPTED;
		s[i]->p = (const char *)p + 2;
		s[i]->n = n;
		p += 2 + n;
	}
	return 0;
}

/* What an upgrade does to each record a store holds. */
typedef int (*record_fn)(struct ld_store *st, MDB_txn *txn,
                         const Ld__Record *r);

/* Call `fn` on every record in `records`, in id order; one whose bytes
 * do not decode is passed over (the checks that stored it are gone). */
static int
each_record(struct ld_store *st, MDB_txn *txn, record_fn fn)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(txn, st->records, &cur);
	if (rc != 0)
		return rc;
	MDB_val k, v;
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		if (v.mv_size < 16)
			continue;
		Ld__Record *r = ld_record_unpack((const uint8_t *)v.mv_data +
		                                     16,
		                                 v.mv_size - 16);
		if (r == NULL)
			continue;
		rc = fn(st, txn, r);
		ld__record__free_unpacked(r, NULL);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static int
seed_one(struct ld_store *st, MDB_txn *txn, const Ld__Record *r)
{
	return history_put(txn, st, r);
}

/* A store from before the history: one entry for each record as held
 * (the versions before it were never kept). */
static int
seed_history(struct ld_store *st, MDB_txn *txn)
{
	return each_record(st, txn, seed_one);
}

static int
ref_one(struct ld_store *st, MDB_txn *txn, const Ld__Record *r)
{
	return refs_put(txn, st->refs, r);
}

/* Build the refs index of a schema-1 store, and mark it schema 2. */
static int
rebuild_refs(struct ld_store *st, MDB_txn *txn)
{
	int rc = each_record(st, txn, ref_one);
	if (rc != 0)
		return rc;
	uint8_t schema[4] = {0, 0, 0, LD_SCHEMA_VERSION};
	return meta_put(txn, st->meta, "schema", schema, 4);
}

/* Open the sub-databases and read or create meta. */
static int
open_dbs(struct ld_store *st, const char *path)
{
	MDB_txn *txn = NULL;
	int rc = mdb_txn_begin(st->env, NULL, 0, &txn);
	if (rc != 0)
		goto leave;
	if ((rc = mdb_dbi_open(txn, "records", MDB_CREATE, &st->records)) ||
	    (rc = mdb_dbi_open(txn, "byseq", MDB_CREATE, &st->byseq)) ||
	    (rc = mdb_dbi_open(txn, "cursors", MDB_CREATE, &st->cursors)) ||
	    (rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &st->meta)) ||
	    (rc = mdb_dbi_open(txn, "owners", MDB_CREATE, &st->owners)) ||
	    (rc = mdb_dbi_open(txn, "refs", MDB_CREATE | MDB_DUPSORT,
	                       &st->refs)) ||
	    (rc = mdb_dbi_open(txn, "chunks", MDB_CREATE, &st->chunks)) ||
	    (rc = mdb_dbi_open(txn, "wants", MDB_CREATE, &st->wants)))
		goto leave;
	/* The history came later: a store without it gets it, seeded with
	 * the versions held now (no schema change: an older daemon ignores
	 * it). */
	bool seed = false;
	rc = mdb_dbi_open(txn, "history", 0, &st->history);
	if (rc == MDB_NOTFOUND) {
		seed = true;
		rc = mdb_dbi_open(txn, "history", MDB_CREATE, &st->history);
	}
	if (rc != 0)
		goto leave;
	st->has_history = true;
	if (seed && (rc = seed_history(st, txn)) != 0)
		goto leave;

	MDB_val v;
	rc = meta_get(txn, st->meta, "path", &v);
	if (rc == MDB_NOTFOUND) {
		st->created = true;
		st->epoch = new_epoch();
		uint8_t schema[4] = {0, 0, 0, LD_SCHEMA_VERSION};
		if ((rc = meta_put(txn, st->meta, "path", path,
		                   strlen(path))) ||
		    (rc = meta_put_u64(txn, st->meta, "epoch", st->epoch)) ||
		    (rc = meta_put(txn, st->meta, "schema", schema, 4)) ||
		    (rc = meta_put_u64(txn, st->meta, "counter",
		                       first_counter())) ||
		    (rc = meta_put_u64(txn, st->meta, "welcomed", 0)) ||
		    (rc = meta_put_u64(txn, st->meta, "seq", 0)))
			goto leave;
	} else if (rc != 0) {
		goto leave;
	} else {
		if (v.mv_size != strlen(path) ||
		    memcmp(v.mv_data, path, v.mv_size) != 0) {
			rc = LD_ESTORE_PATH;
			goto leave;
		}
		if ((rc = meta_get(txn, st->meta, "schema", &v)) != 0)
			goto leave;
		if (v.mv_size != 4 ||
		    ((const uint8_t *)v.mv_data)[3] > LD_SCHEMA_VERSION) {
			rc = LD_ESTORE_SCHEMA;
			goto leave;
		}
		if (((const uint8_t *)v.mv_data)[3] < 2 &&
		    (rc = rebuild_refs(st, txn)) != 0)
			goto leave;
		if ((rc = meta_get_u64(txn, st->meta, "epoch", &st->epoch)))
			goto leave;
	}

	/* The head is the larger of the persisted one and the log's last key:
	 * a sequence must never be handed out twice. */
	uint64_t head = 0;
	rc = meta_get_u64(txn, st->meta, "seq", &head);
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto leave;
	MDB_cursor *cur;
	if ((rc = mdb_cursor_open(txn, st->byseq, &cur)) != 0)
		goto leave;
	MDB_val k;
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8 && get_u64(k.mv_data) > head)
		head = get_u64(k.mv_data);
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto leave;
	st->head = head;
	rc = mdb_txn_commit(txn);
	txn = NULL;
leave:
	if (txn != NULL)
		mdb_txn_abort(txn);
	return rc;
}

int
ld_store_open(const char *dir, const char *path, size_t map_size,
              struct ld_store **out)
{
	register_codes();
	*out = NULL;
	if (strlen(path) > LD_PATH_MAX)
		return -EINVAL;
	struct ld_store *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	snprintf(st->path, sizeof(st->path), "%s", path);
	int rc;
	char sdir[4096];
	if (snprintf(sdir, sizeof(sdir), "%s/store", dir) >= (int)sizeof(sdir)) {
		rc = -ENAMETOOLONG;
		goto fail;
	}
	snprintf(st->dir, sizeof(st->dir), "%s", sdir);
	if (mkdir(sdir, 0700) != 0 && errno != EEXIST) {
		rc = -errno;
		goto fail;
	}
	if ((rc = mdb_env_create(&st->env)) != 0)
		goto fail;
	if ((rc = mdb_env_set_maxdbs(st->env, 16)) != 0)
		goto fail;
	if ((rc = mdb_env_set_mapsize(st->env, map_size ? map_size
	                                                : DEFAULT_MAP_SIZE)))
		goto fail;
	/* NOTLS: read transactions are not tied to threads, so one thread may
	 * hold a read transaction while it writes. */
	if ((rc = mdb_env_open(st->env, sdir, MDB_NOTLS, 0600)) != 0)
		goto fail;
	int dead = 0;
	mdb_reader_check(st->env, &dead);
	if ((rc = open_dbs(st, path)) != 0)
		goto fail;
	*out = st;
	return 0;
fail:
	if (st->env != NULL)
		mdb_env_close(st->env);
	free(st);
	return rc;
}

int
ld_store_open_ro(const char *dir, struct ld_store **out)
{
	register_codes();
	*out = NULL;
	struct ld_store *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	int rc;
	char sdir[4096];
	struct stat sb;
	MDB_txn *txn = NULL;
	if (snprintf(sdir, sizeof(sdir), "%s/store", dir) >= (int)sizeof(sdir)) {
		rc = -ENAMETOOLONG;
		goto fail;
	}
	if (stat(sdir, &sb) != 0) {
		rc = -errno;
		goto fail;
	}
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, 16)) != 0 ||
	    (rc = mdb_env_open(st->env, sdir, MDB_RDONLY | MDB_NOTLS, 0600)) !=
	        0 ||
	    (rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0)
		goto fail;
	if ((rc = mdb_dbi_open(txn, "records", 0, &st->records)) ||
	    (rc = mdb_dbi_open(txn, "byseq", 0, &st->byseq)) ||
	    (rc = mdb_dbi_open(txn, "cursors", 0, &st->cursors)) ||
	    (rc = mdb_dbi_open(txn, "meta", 0, &st->meta)) ||
	    (rc = mdb_dbi_open(txn, "owners", 0, &st->owners)) ||
	    (rc = mdb_dbi_open(txn, "refs", MDB_DUPSORT, &st->refs)))
		goto fail;
	/* Made by the daemon on its first start with attachments; a reader
	 * of an older store has none to read. */
	if ((rc = mdb_dbi_open(txn, "chunks", 0, &st->chunks)) == 0)
		rc = mdb_dbi_open(txn, "wants", 0, &st->wants);
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto fail;
	rc = mdb_dbi_open(txn, "history", 0, &st->history);
	if (rc != 0 && rc != MDB_NOTFOUND)
		goto fail;
	st->has_history = rc == 0;
	MDB_val v;
	if ((rc = meta_get(txn, st->meta, "path", &v)) != 0)
		goto fail;
	snprintf(st->path, sizeof(st->path), "%.*s",
	         (int)(v.mv_size < LD_PATH_MAX ? v.mv_size : LD_PATH_MAX),
	         (const char *)v.mv_data);
	if ((rc = meta_get(txn, st->meta, "schema", &v)) != 0)
		goto fail;
	if (v.mv_size != 4 ||
	    ((const uint8_t *)v.mv_data)[3] != LD_SCHEMA_VERSION) {
		rc = LD_ESTORE_SCHEMA;
		goto fail;
	}
	if ((rc = meta_get_u64(txn, st->meta, "epoch", &st->epoch)) != 0)
		goto fail;
	rc = mdb_txn_commit(txn); /* keeps the handles */
	txn = NULL;
	if (rc != 0)
		goto fail;
	st->readonly = true;
	*out = st;
	return 0;
fail:
	if (txn != NULL)
		mdb_txn_abort(txn);
	if (st->env != NULL)
		mdb_env_close(st->env);
	free(st);
	return rc;
}

void
ld_store_close(struct ld_store **st_p)
{
	if (st_p == NULL || *st_p == NULL)
		return;
	struct ld_store *st = *st_p;
	if (st->rtxn != NULL)
		mdb_txn_abort(st->rtxn);
	mdb_env_close(st->env);
	free(st);
	*st_p = NULL;
}

bool
ld_store_created(const struct ld_store *st)
{
	return st->created;
}

uint64_t
ld_store_epoch(const struct ld_store *st)
{
	return st->epoch;
}

uint64_t
ld_store_head(const struct ld_store *st)
{
	return st->head;
}

const char *
ld_store_path(const struct ld_store *st)
{
	return st->path;
}

MDB_env *
ld_store_env(struct ld_store *st)
{
	return st->env;
}

/* ---- transactions ---- */

/* Room left for this process on the disk holding the store, in bytes, or
 * UINT64_MAX if it cannot be told. Root may use the blocks reserved for
 * it. */
static uint64_t
room(const struct ld_store *st)
{
	struct statvfs vfs;
	if (statvfs(st->dir, &vfs) != 0)
		return UINT64_MAX;
	uint64_t blocks = geteuid() == 0 ? vfs.f_bfree : vfs.f_bavail;
	return (uint64_t)blocks * vfs.f_frsize;
}

/* A failed write's code, with a full disk named as such. LMDB returns
 * errno values positive: ENOSPC when a write of its pages found no room
 * at all, EIO when one came back short (it ran out part way; then the
 * disk is left all but full, which tells it from a failing device). The
 * map file is sparse, so growing the map never fails for want of room. */
static int
commit_error(const struct ld_store *st, int rc)
{
	if (rc == ENOSPC || (rc == EIO && room(st) < ((uint64_t)1 << 20)))
		return LD_ESTORE_FULL;
	return rc;
}

const char *
ld_store_write_strerror(const struct ld_store *st, int rc, char *buf,
                        size_t len)
{
	if (rc == LD_ESTORE_FULL)
		snprintf(buf, len,
		         "the disk holding %s is full; free space there "
		         "(writes resume by themselves)",
		         st->dir);
	else
		snprintf(buf, len, "%s", ld_store_strerror(rc));
	return buf;
}

static int
grow(struct ld_store *st)
{
	/* LMDB may only resize the map while this process has no
	 * transaction open: with a reader open, the write fails instead. */
	if (st->nreaders > 0)
		return MDB_MAP_FULL;
	MDB_envinfo info;
	int rc = mdb_env_info(st->env, &info);
	if (rc != 0)
		return rc;
	if (st->rtxn != NULL) {
		mdb_txn_abort(st->rtxn);
		st->rtxn = NULL;
	}
	return mdb_env_set_mapsize(st->env, info.me_mapsize * 2);
}

int
ld_store_write(struct ld_store *st, ld_store_write_fn fn, void *arg)
{
	if (st->readonly)
		return -EACCES;
	for (;;) {
		struct ld_txn t = {.st = st, .write = true,
		                   .next_seq = st->head + 1};
		int rc = mdb_txn_begin(st->env, NULL, 0, &t.txn);
		if (rc == MDB_MAP_RESIZED) {
			if ((rc = mdb_env_set_mapsize(st->env, 0)) != 0)
				return rc;
			continue;
		}
		if (rc != 0)
			return rc;
		rc = meta_get_u64(t.txn, st->meta, "counter", &t.counter);
		if (rc == 0)
			rc = fn(&t, arg);
		if (rc == 0 && t.counter_dirty)
			rc = meta_put_u64(t.txn, st->meta, "counter", t.counter);
		if (rc == 0 && t.next_seq != st->head + 1)
			rc = meta_put_u64(t.txn, st->meta, "seq",
			                  t.next_seq - 1);
		if (rc == 0) {
			rc = mdb_txn_commit(t.txn);
			t.txn = NULL;
		}
		if (t.txn != NULL)
			mdb_txn_abort(t.txn);
		/* (A big transaction spills pages to disk before the commit:
		 * a put can meet the full disk too.) */
		rc = commit_error(st, rc);
		if (rc == MDB_MAP_FULL) {
			if ((rc = grow(st)) != 0)
				return rc;
			continue;
		}
		/* (grow() refuses while a reader is open: the caller gets
		 * MDB_MAP_FULL and nothing is written.) */
		if (rc == 0) {
			st->head = t.next_seq - 1;
			st->gen++;
		}
		return rc;
	}
}

uint64_t
ld_store_generation(const struct ld_store *st)
{
	return st->gen;
}

int
ld_store_nested_begin(struct ld_txn *parent, struct ld_txn *child)
{
	*child = *parent;
	return mdb_txn_begin(parent->st->env, parent->txn, 0, &child->txn);
}

int
ld_store_nested_end(struct ld_txn *parent, struct ld_txn *child, bool commit)
{
	if (!commit) {
		mdb_txn_abort(child->txn);
		child->txn = NULL;
		return 0;
	}
	int rc = mdb_txn_commit(child->txn);
	child->txn = NULL;
	if (rc == 0) {
		parent->next_seq = child->next_seq;
		parent->counter = child->counter;
		parent->counter_dirty |= child->counter_dirty;
	}
	return rc;
}

int
ld_store_read_begin(struct ld_store *st, struct ld_txn *t)
{
	memset(t, 0, sizeof(*t));
	t->st = st;
	int rc;
	if (st->rtxn != NULL && !st->rtxn_busy) {
		rc = mdb_txn_renew(st->rtxn);
		if (rc == 0) {
			st->rtxn_busy = true;
			st->nreaders++;
			t->txn = st->rtxn;
			return 0;
		}
		mdb_txn_abort(st->rtxn);
		st->rtxn = NULL;
	}
	rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &t->txn);
	if (rc == MDB_MAP_RESIZED) {
		if ((rc = mdb_env_set_mapsize(st->env, 0)) != 0)
			return rc;
		rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &t->txn);
	}
	if (rc != 0)
		return rc;
	st->nreaders++;
	if (st->rtxn == NULL) {
		st->rtxn = t->txn;
		st->rtxn_busy = true;
	}
	return 0;
}

void
ld_store_read_end(struct ld_txn *t)
{
	if (t->txn == NULL)
		return;
	t->st->nreaders--;
	if (t->txn == t->st->rtxn) {
		mdb_txn_reset(t->txn);
		t->st->rtxn_busy = false;
	} else {
		mdb_txn_abort(t->txn);
	}
	t->txn = NULL;
}

/* ---- writes ---- */

uint64_t
ld_store_next_counter(struct ld_txn *t)
{
	t->counter_dirty = true;
	return ++t->counter;
}

void
ld_store_raise_counter(struct ld_txn *t, uint64_t at_least)
{
	if (t->counter < at_least) {
		t->counter = at_least;
		t->counter_dirty = true;
	}
}

static int
id_key(const char *id, MDB_val *k)
{
	size_t n = strlen(id);
	if (n == 0 || n > LD_ID_MAX)
		return -EINVAL;
	k->mv_size = n + 1; /* stored with its NUL: readers get a C string */
	k->mv_data = (void *)id;
	return 0;
}

/* Encode the log entry: kind, flags, id, scope. */
static size_t
logent_encode(uint8_t *buf, size_t cap, const Ld__Record *r)
{
	size_t idn = strlen(r->id), need = 4 + idn + 1;
	for (size_t i = 0; i < r->n_scope; i++)
		need += 2 + strlen(r->scope[i]);
	if (need > cap || r->n_scope > LD_SCOPE_MAX || idn > 0xffff)
		return 0;
	uint8_t *p = buf;
	*p++ = (uint8_t)r->kind;
	*p++ = r->deleted ? 1 : 0;
	put_u16(p, (uint16_t)idn);
	p += 2;
	memcpy(p, r->id, idn);
	p += idn;
	*p++ = (uint8_t)r->n_scope;
	for (size_t i = 0; i < r->n_scope; i++) {
		size_t sn = strlen(r->scope[i]);
		put_u16(p, (uint16_t)sn);
		memcpy(p + 2, r->scope[i], sn);
		p += 2 + sn;
	}
	return (size_t)(p - buf);
}

static int
logent_decode(const uint8_t *p, size_t n, struct ld_logent *e)
{
	if (n < 5)
		return MDB_CORRUPTED;
	const uint8_t *end = p + n;
	e->kind = (Ld__Kind)p[0];
	e->deleted = p[1] & 1;
	size_t idn = get_u16(p + 2);
	p += 4;
	if ((size_t)(end - p) < idn + 1)
		return MDB_CORRUPTED;
	e->id.p = (const char *)p;
	e->id.n = idn;
	p += idn;
	size_t ns = *p++;
	if (ns > LD_SCOPE_MAX)
		return MDB_CORRUPTED;
	for (size_t i = 0; i < ns; i++) {
		if (end - p < 2)
			return MDB_CORRUPTED;
		size_t sn = get_u16(p);
		if ((size_t)(end - p) < 2 + sn)
			return MDB_CORRUPTED;
		e->scope[i].p = (const char *)p + 2;
		e->scope[i].n = sn;
		p += 2 + sn;
	}
	/* The owner is the id up to its last ':'. */
	size_t ol = idn;
	while (ol > 0 && e->id.p[ol - 1] != ':')
		ol--;
	if (ol == 0)
		return MDB_CORRUPTED;
	e->flow.owner.p = e->id.p;
	e->flow.owner.n = ol - 1;
	e->flow.scope = e->scope;
	e->flow.nscope = ns;
	return 0;
}

/* Store `buf` as the latest version of r->id at the next own-log sequence,
 * dropping its previous log entry. */
static int
write_entry(struct ld_txn *t, const Ld__Record *r, const uint8_t *buf,
            size_t len, const MDB_val *old)
{
	struct ld_store *st = t->st;
	MDB_val k;
	int rc = id_key(r->id, &k);
	if (rc != 0)
		return rc;
	/* Chunks the previous version wanted are not wanted for it any more
	 * (wants_put below notes again what this version still needs). */
	if (old != NULL && old->mv_size > 16 &&
	    r->body_case == LD__RECORD__BODY_RESULT &&
	    (rc = wants_drop(t->txn, st, r->id,
	                     (const uint8_t *)old->mv_data + 16,
	                     old->mv_size - 16)) != 0)
		return rc;
	if (old != NULL && old->mv_size >= 16) {
		uint8_t sk[8];
		memcpy(sk, old->mv_data, 8);
		MDB_val skv = {8, sk};
		rc = mdb_del(t->txn, st->byseq, &skv, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			return rc;
	}
	uint64_t seq = t->next_seq;
	MDB_val v = {16 + len, NULL};
	if ((rc = mdb_put(t->txn, st->records, &k, &v, MDB_RESERVE)) != 0)
		return rc;
	put_u64(v.mv_data, seq);
	put_u64((uint8_t *)v.mv_data + 8, r->version);
	memcpy((uint8_t *)v.mv_data + 16, buf, len);

	uint8_t ent[4 + LD_ID_MAX + 1 + LD_SCOPE_MAX * (2 + LD_PATH_MAX)];
	size_t en = logent_encode(ent, sizeof(ent), r);
	if (en == 0)
		return -EINVAL;
	uint8_t sk[8];
	put_u64(sk, seq);
	MDB_val skv = {8, sk}, ev = {en, ent};
	if ((rc = mdb_put(t->txn, st->byseq, &skv, &ev, MDB_APPEND)) != 0)
		return rc;
	t->next_seq++;
	if ((rc = refs_put(t->txn, st->refs, r)) != 0 ||
	    (rc = wants_put(t->txn, st, r)) != 0 ||
	    (rc = history_put(t->txn, st, r)) != 0)
		return rc;
	/* The highest counter held per owner, for the Welcome's id floor
	 * without a scan of the owner's records. */
	uint64_t counter = ld_id_counter(r->id);
	MDB_val ok = {strlen(r->owner), r->owner}, ov;
	rc = mdb_get(t->txn, st->owners, &ok, &ov);
	if (rc == MDB_NOTFOUND ||
	    (rc == 0 && ov.mv_size == 8 && get_u64(ov.mv_data) < counter)) {
		uint8_t cb[8];
		put_u64(cb, counter);
		MDB_val cv = {8, cb};
		rc = mdb_put(t->txn, st->owners, &ok, &cv, 0);
	}
	return rc;
}

int
ld_store_put(struct ld_txn *t, const Ld__Record *r)
{
	MDB_val k, old;
	int rc = id_key(r->id, &k);
	if (rc != 0)
		return rc;
	rc = mdb_get(t->txn, t->st->records, &k, &old);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	if (buf == NULL)
		return -ENOMEM;
	rc = write_entry(t, r, buf, len, rc == 0 ? &old : NULL);
	free(buf);
	return rc;
}

int
ld_store_reseal(struct ld_txn *t, const char *id, uint64_t version,
                const uint8_t *buf, size_t len)
{
	MDB_val k, old;
	int rc = id_key(id, &k);
	if (rc != 0)
		return rc;
	if ((rc = mdb_get(t->txn, t->st->records, &k, &old)) != 0)
		return rc;
	if (old.mv_size < 16)
		return MDB_CORRUPTED;
	if (get_u64((const uint8_t *)old.mv_data + 8) != version)
		return MDB_NOTFOUND;
	uint8_t head[16];
	memcpy(head, old.mv_data, 16);
	MDB_val v = {16 + len, NULL};
	if ((rc = mdb_put(t->txn, t->st->records, &k, &v, MDB_RESERVE)) != 0)
		return rc;
	memcpy(v.mv_data, head, 16);
	memcpy((uint8_t *)v.mv_data + 16, buf, len);
	return 0;
}

int
ld_store_apply(struct ld_txn *t, const uint8_t *buf, size_t len,
               const Ld__Record *r, bool *applied)
{
	*applied = false;
	MDB_val k, old;
	int rc = id_key(r->id, &k);
	if (rc != 0)
		return rc;
	rc = mdb_get(t->txn, t->st->records, &k, &old);
	uint64_t held = 0;
	if (rc == 0) {
		if (old.mv_size < 16)
			return MDB_CORRUPTED;
		held = get_u64((const uint8_t *)old.mv_data + 8);
		/* The same (id, version) must be the same bytes: anything
		 * else means it was issued twice (a store restored and
		 * written before it had its records back). Never keep
		 * either silently: the caller counts and reports it. */
		if (held == r->version &&
		    (old.mv_size - 16 != len ||
		     memcmp((const uint8_t *)old.mv_data + 16, buf, len) != 0))
			return LD_ESTORE_CONFLICT;
		if (held >= r->version)
			return 0;
	} else if (rc != MDB_NOTFOUND) {
		return rc;
	}
	if (r->version - held > LD_VERSION_JUMP)
		return LD_ESTORE_JUMP;
	rc = write_entry(t, r, buf, len, rc == 0 ? &old : NULL);
	if (rc == 0)
		*applied = true;
	return rc;
}

int
ld_store_chunk_put(struct ld_txn *t, const uint8_t hash[LD_HASH_LEN],
                   const void *data, size_t n)
{
	MDB_val k = {LD_HASH_LEN, (void *)hash}, v = {n, (void *)data};
	int rc = mdb_put(t->txn, t->st->chunks, &k, &v, 0);
	if (rc == 0) {
		rc = mdb_del(t->txn, t->st->wants, &k, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	}
	return rc;
}

int
ld_store_chunk_get(struct ld_txn *t, const uint8_t hash[LD_HASH_LEN],
                   struct ld_val *data)
{
	MDB_val k = {LD_HASH_LEN, (void *)hash}, v;
	int rc = mdb_get(t->txn, t->st->chunks, &k, &v);
	if (rc == 0) {
		data->p = v.mv_data;
		data->n = v.mv_size;
	}
	return rc;
}

int
ld_store_want_get(struct ld_txn *t, const uint8_t hash[LD_HASH_LEN],
                  const char **id)
{
	MDB_val k = {LD_HASH_LEN, (void *)hash}, v;
	int rc = mdb_get(t->txn, t->st->wants, &k, &v);
	if (rc != 0)
		return rc;
	if (v.mv_size == 0 || ((const char *)v.mv_data)[v.mv_size - 1] != 0)
		return MDB_CORRUPTED;
	*id = v.mv_data;
	return 0;
}

uint64_t
ld_store_wants_count(struct ld_txn *t)
{
	MDB_stat ms;
	return mdb_stat(t->txn, t->st->wants, &ms) == 0 ? ms.ms_entries : 0;
}

int
ld_store_wants_open(struct ld_txn *t, const uint8_t *after,
                    struct ld_wantiter *it)
{
	it->started = false;
	it->has_after = after != NULL;
	if (after != NULL)
		memcpy(it->after, after, LD_HASH_LEN);
	return mdb_cursor_open(t->txn, t->st->wants, &it->cur);
}

int
ld_store_wants_next(struct ld_wantiter *it, const uint8_t **hash,
                    const char **id)
{
	MDB_val k, v;
	int rc;
	if (!it->started) {
		it->started = true;
		if (it->has_after) {
			k.mv_size = LD_HASH_LEN;
			k.mv_data = it->after;
			rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
			if (rc == 0 && k.mv_size == LD_HASH_LEN &&
			    memcmp(k.mv_data, it->after, LD_HASH_LEN) == 0)
				rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
		} else {
			rc = mdb_cursor_get(it->cur, &k, &v, MDB_FIRST);
		}
	} else {
		rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
	}
	if (rc != 0)
		return rc;
	if (k.mv_size != LD_HASH_LEN || v.mv_size == 0 ||
	    ((const char *)v.mv_data)[v.mv_size - 1] != 0)
		return MDB_CORRUPTED;
	*hash = k.mv_data;
	*id = v.mv_data;
	return 0;
}

void
ld_store_wants_close(struct ld_wantiter *it)
{
	if (it->cur != NULL)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

int
ld_store_cursor_put(struct ld_txn *t, const char *peer, uint64_t epoch,
                    uint64_t seq)
{
	uint8_t b[16];
	put_u64(b, epoch);
	put_u64(b + 8, seq);
	MDB_val k = {strlen(peer), (void *)peer}, v = {16, b};
	return mdb_put(t->txn, t->st->cursors, &k, &v, 0);
}

/* ---- reads ---- */

int
ld_store_cursor_get(struct ld_txn *t, const char *peer, uint64_t *epoch,
                    uint64_t *seq)
{
	MDB_val k = {strlen(peer), (void *)peer}, v;
	int rc = mdb_get(t->txn, t->st->cursors, &k, &v);
	if (rc == MDB_NOTFOUND) {
		*epoch = 0;
		*seq = 0;
		return 0;
	}
	if (rc != 0)
		return rc;
	if (v.mv_size != 16)
		return MDB_CORRUPTED;
	*epoch = get_u64(v.mv_data);
	*seq = get_u64((const uint8_t *)v.mv_data + 8);
	return 0;
}

int
ld_store_cursor_each(struct ld_txn *t, ld_store_cursor_fn fn, void *arg)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(t->txn, t->st->cursors, &cur);
	if (rc != 0)
		return rc;
	MDB_val k, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (v.mv_size != 16)
			continue;
		fn(k.mv_data, k.mv_size, get_u64(v.mv_data),
		   get_u64((const uint8_t *)v.mv_data + 8), arg);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
ld_store_owners_each(struct ld_txn *t, ld_store_owner_fn fn, void *arg)
{
	MDB_cursor *cur;
	int rc = mdb_cursor_open(t->txn, t->st->owners, &cur);
	if (rc != 0)
		return rc;
	MDB_val k, v;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT))
		fn(k.mv_data, k.mv_size, arg);
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

int
ld_store_seq_of(struct ld_txn *t, const char *id, uint64_t *seq)
{
	MDB_val k, v;
	int rc = id_key(id, &k);
	if (rc != 0)
		return rc == -EINVAL ? MDB_NOTFOUND : rc;
	if ((rc = mdb_get(t->txn, t->st->records, &k, &v)) != 0)
		return rc;
	if (v.mv_size < 16)
		return MDB_CORRUPTED;
	*seq = get_u64(v.mv_data);
	return 0;
}

int
ld_store_get(struct ld_txn *t, const char *id, struct ld_val *rec,
             uint64_t *version)
{
	MDB_val k, v;
	int rc = id_key(id, &k);
	if (rc != 0)
		return rc == -EINVAL ? MDB_NOTFOUND : rc;
	if ((rc = mdb_get(t->txn, t->st->records, &k, &v)) != 0)
		return rc;
	if (v.mv_size < 16)
		return MDB_CORRUPTED;
	if (version != NULL)
		*version = get_u64((const uint8_t *)v.mv_data + 8);
	rec->p = (const uint8_t *)v.mv_data + 16;
	rec->n = v.mv_size - 16;
	return 0;
}

Ld__Record *
ld_store_load(struct ld_txn *t, const char *id)
{
	struct ld_val v;
	if (ld_store_get(t, id, &v, NULL) != 0)
		return NULL;
	return ld_record_unpack(v.p, v.n);
}

int
ld_store_max_counter(struct ld_txn *t, const char *owner, uint64_t *max)
{
	*max = 0;
	MDB_val k = {strlen(owner), (void *)owner}, v;
	int rc = mdb_get(t->txn, t->st->owners, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (v.mv_size != 8)
		return MDB_CORRUPTED;
	*max = get_u64(v.mv_data);
	return 0;
}

int
ld_store_flag_get(struct ld_txn *t, const char *name, uint64_t *v)
{
	int rc = meta_get_u64(t->txn, t->st->meta, name, v);
	if (rc == MDB_NOTFOUND) {
		*v = 0;
		rc = 0;
	}
	return rc;
}

struct restored_arg {
	uint64_t epoch;
	bool recovering;
};

static int
put_restored(struct ld_txn *t, void *arg)
{
	struct restored_arg *a = arg;
	int rc = meta_put_u64(t->txn, t->st->meta, "epoch", a->epoch);
	if (rc == 0)
		rc = meta_put_u64(t->txn, t->st->meta, "recovering",
		                  a->recovering ? 1 : 0);
	if (rc == 0)
		ld_store_raise_counter(t, first_counter());
	return rc;
}

int
ld_store_restored(struct ld_store *st, bool recovering)
{
	struct restored_arg a = {new_epoch(), recovering};
	int rc = ld_store_write(st, put_restored, &a);
	if (rc == 0)
		st->epoch = a.epoch;
	return rc;
}

int
ld_store_flag_put(struct ld_txn *t, const char *name, uint64_t v)
{
	return meta_put_u64(t->txn, t->st->meta, name, v);
}

uint64_t
ld_store_count(struct ld_txn *t)
{
	MDB_stat s;
	if (mdb_stat(t->txn, t->st->records, &s) != 0)
		return 0;
	return s.ms_entries;
}

int
ld_store_log_open(struct ld_txn *t, uint64_t after, struct ld_logiter *it)
{
	it->after = after;
	it->started = false;
	return mdb_cursor_open(t->txn, t->st->byseq, &it->cur);
}

int
ld_store_log_next(struct ld_logiter *it, struct ld_logent *e)
{
	MDB_val k, v;
	int rc;
	if (!it->started) {
		uint8_t sk[8];
		put_u64(sk, it->after + 1);
		k.mv_size = 8;
		k.mv_data = sk;
		it->started = true;
		rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
	} else {
		rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT);
	}
	if (rc != 0)
		return rc;
	if (k.mv_size != 8)
		return MDB_CORRUPTED;
	e->seq = get_u64(k.mv_data);
	return logent_decode(v.mv_data, v.mv_size, e);
}

void
ld_store_log_close(struct ld_logiter *it)
{
	if (it->cur != NULL)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

int
ld_store_rec_open(struct ld_txn *t, const char *from, struct ld_reciter *it)
{
	it->from = from;
	it->started = false;
	return mdb_cursor_open(t->txn, t->st->records, &it->cur);
}

int
ld_store_rec_next(struct ld_reciter *it, const char **id, struct ld_val *rec)
{
	MDB_val k, v;
	int rc;
	if (!it->started && it->from != NULL && it->from[0] != '\0') {
		k.mv_size = strlen(it->from);
		k.mv_data = (void *)it->from;
		rc = mdb_cursor_get(it->cur, &k, &v, MDB_SET_RANGE);
	} else {
		rc = mdb_cursor_get(it->cur, &k, &v,
		                    it->started ? MDB_NEXT : MDB_FIRST);
	}
	it->started = true;
	if (rc != 0)
		return rc;
	if (v.mv_size < 16 || k.mv_size == 0 ||
	    ((const char *)k.mv_data)[k.mv_size - 1] != '\0')
		return MDB_CORRUPTED;
	*id = k.mv_data;
	rec->p = (const uint8_t *)v.mv_data + 16;
	rec->n = v.mv_size - 16;
	return 0;
}

void
ld_store_rec_close(struct ld_reciter *it)
{
	if (it->cur != NULL)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

int
ld_store_refs_open(struct ld_txn *t, const char *ref, struct ld_refiter *it)
{
	it->ref = ref;
	it->started = false;
	return mdb_cursor_open(t->txn, t->st->refs, &it->cur);
}

int
ld_store_refs_next(struct ld_refiter *it, const char **id)
{
	MDB_val k = {strlen(it->ref) + 1, (void *)it->ref}, v;
	int rc = mdb_cursor_get(it->cur, &k, &v,
	                        it->started ? MDB_NEXT_DUP : MDB_SET_KEY);
	it->started = true;
	if (rc != 0)
		return rc;
	if (v.mv_size == 0 || ((const char *)v.mv_data)[v.mv_size - 1] != '\0')
		return MDB_CORRUPTED;
	*id = v.mv_data;
	return 0;
}

void
ld_store_refs_close(struct ld_refiter *it)
{
	if (it->cur != NULL)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

int
ld_store_history(struct ld_txn *t, const char *id, struct ld_histent *out,
                 size_t max, size_t *n, bool *more)
{
	*n = 0;
	*more = false;
	size_t idn = strlen(id);
	if (!t->st->has_history || idn == 0 || idn > LD_ID_MAX)
		return 0;
	MDB_cursor *cur;
	int rc = mdb_cursor_open(t->txn, t->st->history, &cur);
	if (rc != 0)
		return rc;
	/* Past the last possible version of `id`, then back over its
	 * entries, newest first. */
	uint8_t kb[LD_ID_MAX + 1 + 8];
	MDB_val k = {hist_key(kb, id, UINT64_MAX), kb}, v;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	else if (rc == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	while (rc == 0) {
		if (k.mv_size != idn + 1 + 8 ||
		    memcmp(k.mv_data, id, idn + 1) != 0)
			break;
		if (*n == max) {
			*more = true;
			break;
		}
		if ((rc = hist_decode(&k, &v, &out[*n])) != 0)
			break;
		(*n)++;
		rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	/* Oldest first. */
	for (size_t i = 0, j = *n; i + 1 < j; i++, j--) {
		struct ld_histent tmp = out[i];
		out[i] = out[j - 1];
		out[j - 1] = tmp;
	}
	return 0;
}
