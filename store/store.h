/* store.h — the node's LMDB store (docs/protocol.md, "Store"): records,
 * the by-seq log, peer cursors, meta, the refs index and the history of
 * versions, in one
 * environment: one writer (the daemon), any number of readers.
 *
 * Values handed out by the store (struct ld_val, struct ld_logent) point
 * into the LMDB map and are valid until the transaction they came from ends.
 * Copy them before that. */
#ifndef LD_STORE_H
#define LD_STORE_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "flow.h"
#include "liandong.pb-c.h"

/* 2: the refs index. A store of schema 1 gets it built on open. */
#define LD_SCHEMA_VERSION 2

/* Error codes beyond LMDB's and -errno (named through core/err.h). */
#define LD_ESTORE_PATH (-30001)   /* store belongs to another node path */
#define LD_ESTORE_SCHEMA (-30002) /* store written by a newer schema */
#define LD_ESTORE_JUMP (-30003)   /* a version too far ahead of the held one */
#define LD_ESTORE_CONFLICT (-30004) /* the held version has other bytes */
#define LD_ESTORE_FULL (-30005)     /* the disk holding the store is full */

struct ld_store;

/* A transaction: one write transaction at a time, any number of reads. */
struct ld_txn {
	struct ld_store *st;
	MDB_txn *txn;
	bool write;
	uint64_t next_seq; /* write: next own-log sequence to hand out */
	uint64_t counter;  /* write: last id counter handed out */
	bool counter_dirty;
};

/* A borrowed byte string inside the map. */
struct ld_val {
	const uint8_t *p;
	size_t n;
};

/* One entry of the by-seq log, decoded without touching the record body.
 * Everything points into the map. */
struct ld_logent {
	uint64_t seq;
	Ld__Kind kind;
	bool deleted;
	struct ld_str id;
	struct ld_flow_rec flow; /* owner (a prefix of id) and scope */
	struct ld_str scope[64];
};

/* Open (creating on first use) the store in `dir` for the node `path`.
 * A new store gets a fresh random epoch. Refuses (LD_ESTORE_PATH) a store
 * that belongs to another path. `map_size` is the initial map size in
 * bytes (0 = default); the map grows by itself when full. */
int ld_store_open(const char *dir, const char *path, size_t map_size,
                  struct ld_store **out);
void ld_store_close(struct ld_store **st);

/* Open the store in `dir` read-only, for another process than the
 * daemon (liandong-report) while the daemon runs: read transactions
 * only. The store must exist at this schema; -ENOENT if there is none
 * yet. */
int ld_store_open_ro(const char *dir, struct ld_store **out);

/* True if ld_store_open created the store (first start). */
bool ld_store_created(const struct ld_store *st);
uint64_t ld_store_epoch(const struct ld_store *st);
/* Last own-log sequence committed (0 = empty log). */
uint64_t ld_store_head(const struct ld_store *st);
const char *ld_store_path(const struct ld_store *st);
MDB_env *ld_store_env(struct ld_store *st);

/* Run fn(txn, arg) in one write transaction and commit it. If the map is
 * full, the transaction is aborted, the map grown and fn run again from the
 * start, so fn must touch nothing outside the transaction that it cannot
 * redo. The map cannot grow while a read transaction of this store is
 * open: then a write that needs more room fails with MDB_MAP_FULL and
 * nothing is written. Returns fn's error, or the commit's. */
typedef int (*ld_store_write_fn)(struct ld_txn *t, void *arg);
int ld_store_write(struct ld_store *st, ld_store_write_fn fn, void *arg);

/* A full disk fails the commit with LD_ESTORE_FULL (LMDB says ENOSPC, or
 * EIO when its write came back short, and then the disk has no room).
 * The commit is not made and what was stored before stays intact; the
 * next write succeeds once there is room again. */

/* The words for a failed ld_store_write: ld_store_strerror(rc), except
 * that a full disk names the store's directory and says what to do. Writes
 * into buf (NUL-terminated) and returns it. */
const char *ld_store_write_strerror(const struct ld_store *st, int rc,
                                    char *buf, size_t len);

/* Grows by one with every write transaction committed through this
 * handle: an answer computed at one generation holds until it moves. */
uint64_t ld_store_generation(const struct ld_store *st);

/* A transaction inside the write transaction `parent`: what it writes
 * becomes part of `parent` if it is committed, and is dropped if not.
 * End it with ld_store_nested_end before using `parent` again. */
int ld_store_nested_begin(struct ld_txn *parent, struct ld_txn *child);
int ld_store_nested_end(struct ld_txn *parent, struct ld_txn *child,
                        bool commit);

/* A read transaction. End it with ld_store_read_end. */
int ld_store_read_begin(struct ld_store *st, struct ld_txn *t);
void ld_store_read_end(struct ld_txn *t);

/* ---- inside a write transaction ---- */

/* Hand out the next id counter for a record this node creates. */
uint64_t ld_store_next_counter(struct ld_txn *t);
/* Make sure the next counter handed out is above `at_least`. */
void ld_store_raise_counter(struct ld_txn *t, uint64_t at_least);

/* Write a record this node owns (any version): it gets the next own-log
 * sequence and replaces its previous log entry. */
int ld_store_put(struct ld_txn *t, const Ld__Record *r);
/* Replace the bytes of own record `id`, stored at `version` in this same
 * transaction, with the same record sealed (daemon/own.c): its log entry,
 * indexes and history stay as they are. MDB_NOTFOUND if `id` is not held
 * at `version`. */
int ld_store_reseal(struct ld_txn *t, const char *id, uint64_t version,
                    const uint8_t *buf, size_t len);

/* Apply a record received from a peer, keeping its encoding byte for byte.
 * `r` is its decoding. Returns 0 and sets *applied to true if it was stored,
 * false if the store already holds this version (the same bytes) or a
 * newer one; LD_ESTORE_CONFLICT (nothing stored) if it holds this version
 * with other bytes: an (id, version) was issued twice, and the one held
 * stays; LD_ESTORE_JUMP (nothing stored) if its version is more than
 * LD_VERSION_JUMP past the one held, or past it on a first sight. */
int ld_store_apply(struct ld_txn *t, const uint8_t *buf, size_t len,
                   const Ld__Record *r, bool *applied);

/* The cursor on a peer's log: the peer's epoch and the last sequence of it
 * applied here. */
int ld_store_cursor_put(struct ld_txn *t, const char *peer, uint64_t epoch,
                        uint64_t seq);

/* ---- in any transaction ---- */

int ld_store_cursor_get(struct ld_txn *t, const char *peer, uint64_t *epoch,
                        uint64_t *seq);

/* Call fn for every stored cursor (peer path, not NUL-terminated). */
typedef void (*ld_store_cursor_fn)(const char *peer, size_t n, uint64_t epoch,
                                   uint64_t seq, void *arg);
int ld_store_cursor_each(struct ld_txn *t, ld_store_cursor_fn fn, void *arg);

/* Call fn for every owner this store holds records of (a path, not
 * NUL-terminated): every node known here, since each owns its NODE record
 * once it is heard of. */
typedef void (*ld_store_owner_fn)(const char *owner, size_t n, void *arg);
int ld_store_owners_each(struct ld_txn *t, ld_store_owner_fn fn, void *arg);

/* The own-log sequence a record is at; MDB_NOTFOUND if absent. */
int ld_store_seq_of(struct ld_txn *t, const char *id, uint64_t *seq);

/* The stored encoding of a record and its version; MDB_NOTFOUND if absent. */
int ld_store_get(struct ld_txn *t, const char *id, struct ld_val *rec,
                 uint64_t *version);

/* Record `id` decoded (free with ld__record__free_unpacked), or NULL if
 * it is absent or does not decode. */
Ld__Record *ld_store_load(struct ld_txn *t, const char *id);

/* The highest id counter among records owned by exactly `owner` (0 if
 * none), kept up to date as records are written. */
int ld_store_max_counter(struct ld_txn *t, const char *owner, uint64_t *max);

/* The store was restored from a backup (or found behind what its parent
 * holds of it): in one write transaction, take a new random log epoch (so
 * no peer resumes the old log after a stale cursor), raise the id counter
 * to at least the clock floor a new store starts at, and set the meta
 * flag "recovering" to `recovering` (the node then waits for its records
 * from its parent). The epoch ld_store_epoch returns changes on commit. */
int ld_store_restored(struct ld_store *st, bool recovering);

/* A number kept in meta under `name` (0 if never set). */
int ld_store_flag_get(struct ld_txn *t, const char *name, uint64_t *v);
/* Inside a write transaction. */
int ld_store_flag_put(struct ld_txn *t, const char *name, uint64_t v);

/* Number of records held (tombstones included). */
uint64_t ld_store_count(struct ld_txn *t);

/* Iterate the own log from `after` (exclusive). Open, then call next until
 * it returns MDB_NOTFOUND. */
struct ld_logiter {
	MDB_cursor *cur;
	uint64_t after;
	bool started;
};
int ld_store_log_open(struct ld_txn *t, uint64_t after, struct ld_logiter *it);
int ld_store_log_next(struct ld_logiter *it, struct ld_logent *e);
void ld_store_log_close(struct ld_logiter *it);

/* Iterate records in id order from the first id >= `from` ("" = start). */
struct ld_reciter {
	MDB_cursor *cur;
	const char *from;
	bool started;
};
int ld_store_rec_open(struct ld_txn *t, const char *from, struct ld_reciter *it);
/* id is NUL-terminated inside the map (ids are stored with their NUL). */
int ld_store_rec_next(struct ld_reciter *it, const char **id,
                      struct ld_val *rec);
void ld_store_rec_close(struct ld_reciter *it);

/* Ids of the records that refer to `ref` (ld_record_ref), in byte order.
 * The index only grows: an entry is a candidate, so check the record's
 * current ref (and whether it is deleted) before trusting it. */
struct ld_refiter {
	MDB_cursor *cur;
	const char *ref;
	bool started;
};
int ld_store_refs_open(struct ld_txn *t, const char *ref,
                       struct ld_refiter *it);
/* id is NUL-terminated inside the map. MDB_NOTFOUND at the end. */
int ld_store_refs_next(struct ld_refiter *it, const char **id);
void ld_store_refs_close(struct ld_refiter *it);

/* One version of a record as it was stored here (the history): written
 * with every version this store takes, its own or a peer's. Versions a
 * peer superseded before sending never reach this store and are not
 * listed. Author and status point into the map. */
struct ld_histent {
	uint64_t version;
	int64_t updated_at;
	bool deleted;
	struct ld_str author;
	struct ld_str status; /* ld_record_status; "" for a node */
};

/* The most versions of one record a history answer lists. */
#define LD_HISTORY_MAX 200

/* The newest (at most `max`) stored versions of `id`, oldest first, in
 * out[0..*n); *more is set if older ones were left out. An id never held
 * gives *n = 0. Returns 0 or an LMDB error. */
int ld_store_history(struct ld_txn *t, const char *id, struct ld_histent *out,
                     size_t max, size_t *n, bool *more);

/* ---- attachment chunks (attach.h), by SHA-256 ----
 *
 * Writing a record notes the chunks of its attachments this store lacks
 * as wanted (with the record's id); storing a chunk ends its want. */

/* Inside a write transaction; the caller has checked the hash. */
int ld_store_chunk_put(struct ld_txn *t, const uint8_t hash[LD_HASH_LEN],
                       const void *data, size_t n);
/* MDB_NOTFOUND if not held. */
int ld_store_chunk_get(struct ld_txn *t, const uint8_t hash[LD_HASH_LEN],
                       struct ld_val *data);
/* The record that wants chunk `hash`; MDB_NOTFOUND if it is not wanted. */
int ld_store_want_get(struct ld_txn *t, const uint8_t hash[LD_HASH_LEN],
                      const char **id);
uint64_t ld_store_wants_count(struct ld_txn *t);
/* Iterate the wanted chunks in hash order, after `after` (NULL = from the
 * first). Hash and id point into the map. */
struct ld_wantiter {
	MDB_cursor *cur;
	uint8_t after[LD_HASH_LEN];
	bool has_after, started;
};
int ld_store_wants_open(struct ld_txn *t, const uint8_t *after,
                        struct ld_wantiter *it);
int ld_store_wants_next(struct ld_wantiter *it, const uint8_t **hash,
                        const char **id);
void ld_store_wants_close(struct ld_wantiter *it);

/* A short text for an error from this module (LMDB's, -errno or LD_E*).
 * The same as core/err.h's ld_strerror, which knows store/'s codes once a
 * store was opened (or this was called). */
const char *ld_store_strerror(int rc);

#endif
