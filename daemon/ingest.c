/* ingest.c — check and apply the records of a received batch. */
#include "ingest.h"
#include "err.h"
#include "flow.h"
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
refuse_record(struct ld_ingest_result *w, const char *why)
{
	if (w->refused++ == 0)
		snprintf(w->why, sizeof(w->why), "%s", why);
}

/* A record of this node's own subtree that its parent sends back in a
 * recovery session. */
static bool
own_returned(const struct ld_ingest *in, const Ld__Record *r)
{
	return in->from_parent && in->own_subtree != NULL &&
	       ld_path_in_subtree(r->owner, in->own_subtree);
}

/* A record of this node's very own that its parent sends back in a
 * recovery session: signed perhaps by a key this node had before it was
 * made again, which it cannot check any more, so taken on the parent's
 * word (the parent checked it on the way up). Records of the offices
 * below this one are checked as always. */
static bool
own_unchecked(const struct ld_ingest *in, const Ld__Record *r)
{
	return own_returned(in, r) && strcmp(r->owner, in->own_subtree) == 0;
}

/* Structure and flow rules: may this record come from the peer at all?
 * Returns 0, or the check's code (LD_EREFUSED for the flow rules) with
 * the reason in `why`. */
static int
admissible(const struct ld_ingest *in, const Ld__Record *r,
           const uint8_t *wire, size_t wire_len, char *why, size_t whylen)
{
	int rc = ld_record_check(r, wire_len, why, whylen);
	if (rc != 0)
		return rc;
	if (!ld_record_canonical(r, wire, wire_len)) {
		snprintf(why, whylen, "record %s: not canonically encoded", r->id);
		return LD_ESYNTAX;
	}
	struct ld_str owner = {r->owner, strlen(r->owner)};
	bool allowed = in->from_parent
	                   ? ld_flow_accept_from_parent(in->peer, &owner) ||
	                         own_returned(in, r)
	                   : ld_flow_accept_from_child(in->peer, &owner);
	if (!allowed)
		snprintf(why, whylen,
		         "record %s is owned by %s, which the flow rules do "
		         "not accept from %s %s",
		         r->id, r->owner, in->from_parent ? "parent" : "child",
		         in->peer);
	return allowed ? 0 : LD_EREFUSED;
}

/* A check failed: was it for want of something still to come? Then the
 * batch is held (w->hold) and this answers true. */
static bool
hold(const struct ld_ingest *in, struct ld_ingest_result *w, const char *why)
{
	if (!ld_keyring_later(in->kr))
		return false;
	w->hold = true;
	snprintf(w->why, sizeof(w->why), "%s", why);
	return true;
}

static int
apply_one(const struct ld_ingest *in, struct ld_txn *t,
          struct ld_ingest_result *w, const ProtobufCBinaryData *d,
          const Ld__Record *r)
{
	bool applied;
	int rc = ld_store_apply(t, d->data, d->len, r, &applied);
	if (rc == LD_ESTORE_CONFLICT) {
		if (w->conflicts++ == 0)
			snprintf(w->conflict_why, sizeof(w->conflict_why),
			         "record %.200s version %llu differs from the "
			         "copy held here; kept the held one",
			         r->id, (unsigned long long)r->version);
		return 0;
	}
	if (rc == LD_ESTORE_JUMP) {
		char why[LD_ID_MAX + 96];
		snprintf(why, sizeof(why), "record %s: version %llu jumps too "
		         "far ahead of the one held", r->id,
		         (unsigned long long)r->version);
		refuse_record(w, why);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (applied && in->kr != NULL && r->body_case == LD__RECORD__BODY_NODE)
		ld_keyring_forget_under(in->kr, r->owner);
	if (applied)
		w->applied++;
	else
		w->ignored++;
	return 0;
}

/* The records of one batch, in three steps: decode and check each one
 * (a NODE record is verified and applied at once: the keys of the records
 * after it may depend on it); check the other signatures on all cores;
 * apply those that hold, in order. */
int
ld_ingest_records(const struct ld_ingest *in, struct ld_txn *t,
                  const Ld__Batch *b, struct ld_ingest_result *w)
{
	memset(w, 0, sizeof(*w));
	size_t nr = b->n_records;
	Ld__Record **recs = calloc(nr ? nr : 1, sizeof(*recs));
	struct ld_vjob *jobs = calloc(nr ? nr : 1, sizeof(*jobs));
	size_t *job_of = calloc(nr ? nr : 1, sizeof(*job_of));
	int rc = 0;
	if (recs == NULL || jobs == NULL || job_of == NULL) {
		rc = -ENOMEM;
		goto leave;
	}
	size_t nj = 0;
	char why[256];
	for (size_t i = 0; i < nr; i++) {
		const ProtobufCBinaryData *d = &b->records[i];
		Ld__Record *r = ld_record_unpack(d->data, d->len);
		if (r == NULL) {
			refuse_record(w, "record does not decode");
			continue;
		}
		if (admissible(in, r, d->data, d->len, why, sizeof(why)) != 0) {
			refuse_record(w, why);
			ld__record__free_unpacked(r, NULL);
			continue;
		}
		if (in->kr == NULL || r->body_case == LD__RECORD__BODY_NODE ||
		    own_unchecked(in, r)) {
			if (in->kr != NULL &&
			    r->body_case == LD__RECORD__BODY_NODE &&
			    ld_keyring_verify(in->kr, t, r, why, sizeof(why)) != 0) {
				if (!own_returned(in, r) && hold(in, w, why)) {
					ld__record__free_unpacked(r, NULL);
					goto leave;
				}
				refuse_record(w, why);
			} else if ((rc = apply_one(in, t, w, d, r)) != 0) {
				ld__record__free_unpacked(r, NULL);
				goto leave;
			}
			ld__record__free_unpacked(r, NULL);
			continue;
		}
		/* The owner's key, chained to the root; the check itself
		 * comes later, on all cores. */
		if (ld_keyring_key(in->kr, t, r->owner, jobs[nj].pk, why,
		                    sizeof(why))) {
			bool later = hold(in, w, why);
			if (!later)
				refuse_record(w, why);
			ld__record__free_unpacked(r, NULL);
			if (later)
				goto leave;
			continue;
		}
		recs[i] = r;
		jobs[nj].r = r;
		jobs[nj].wire = d->data; /* canonical: admissible() */
		jobs[nj].wire_len = d->len;
		job_of[i] = nj++;
	}
	if (nj > 0)
		ld_vpool_run(in->vpool, jobs, nj);
	for (size_t i = 0; i < nr; i++) {
		Ld__Record *r = recs[i];
		if (r == NULL)
			continue;
		if (!jobs[job_of[i]].ok) {
			snprintf(why, sizeof(why),
			         "record %s: the signature is not %s's", r->id,
			         r->owner);
			refuse_record(w, why);
			continue;
		}
		if ((rc = apply_one(in, t, w, &b->records[i], r)) != 0)
			goto leave;
	}
leave:
	for (size_t i = 0; recs != NULL && i < nr; i++)
		if (recs[i] != NULL)
			ld__record__free_unpacked(recs[i], NULL);
	free(recs);
	free(jobs);
	free(job_of);
	return rc;
}

