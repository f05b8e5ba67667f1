/* ingest.h — what a node does with the records of a batch it received:
 * decode each one, check its structure and that the flow rules let it
 * come from this peer, check its owner's signature (on all cores), and
 * apply the ones that pass. Everything goes through one write transaction
 * of the caller's; nothing touches sockets, so fuzzers call it directly. */
#ifndef LD_INGEST_H
#define LD_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "keyring.h"
#include "liandong.pb-c.h"
#include "store.h"
#include "vpool.h"

struct ld_ingest {
	const char *peer;        /* the peer's path */
	bool from_parent;        /* the peer is our parent (else a child) */
	struct ld_keyring *kr;   /* NULL on an insecure node: no signatures */
	struct ld_vpool *vpool;  /* with kr */
	/* A recovery session from the parent (docs/protocol.md "Restore"):
	 * records owned in this subtree (this node's path) are taken from
	 * the parent too: those of the offices below checked as always,
	 * this node's very own on the parent's word (the parent checked
	 * them on their way up; a node made again has a new key that did
	 * not sign them). NULL otherwise. */
	const char *own_subtree;
};

struct ld_ingest_result {
	uint64_t applied;  /* stored (newer than what was held) */
	uint64_t ignored;  /* already held at this version or newer */
	uint64_t refused;  /* failed a check; not stored */
	char why[256];     /* the first refusal's (or the hold's) reason */
	/* At a version held here with other bytes: not stored (the held
	 * one stays), counted apart from refusals. */
	uint64_t conflicts;
	char conflict_why[256]; /* the first one */
	/* A record could not be checked *yet* (its owner's node record has
	 * not arrived, or a new key awaits the root's endorsement): the
	 * batch must not be taken at all, so that it comes again later. */
	bool hold;
};

/* Take the records of `b` (a batch the caller has already accepted as the
 * next one in the peer's log) in write transaction `t`. Returns 0, or a
 * store error: then the transaction must be dropped. On res->hold, what
 * was written to `t` must be dropped too (the caller runs this in a nested
 * transaction). */
int ld_ingest_records(const struct ld_ingest *in, struct ld_txn *t,
                      const Ld__Batch *b, struct ld_ingest_result *res);

#endif
