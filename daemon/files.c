/* files.c — attachments at the client API: chunks stored before the
 * result that names them, the check that a result's attachments are all
 * here and make up the files they claim, and reading a chunk back. */
#include "attach.h"
#include "node_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Does `old` (a result, or NULL) carry exactly attachment `a`? */
static bool
kept(const Ld__Record *old, const Ld__Attachment *a)
{
	if (old == NULL || old->body_case != LD__RECORD__BODY_RESULT)
		return false;
	for (size_t i = 0; i < old->result->n_attachments; i++) {
		const Ld__Attachment *o = old->result->attachments[i];
		if (o->size != a->size || o->n_chunks != a->n_chunks ||
		    o->sha256.len != a->sha256.len ||
		    memcmp(o->sha256.data, a->sha256.data, a->sha256.len) != 0)
			continue;
		bool same = true;
		for (size_t k = 0; k < a->n_chunks && same; k++)
			same = o->chunks[k].len == a->chunks[k].len &&
			       memcmp(o->chunks[k].data, a->chunks[k].data,
			              a->chunks[k].len) == 0;
		if (same)
			return true;
	}
	return false;
}

int
ld_files_check(struct ld_txn *t, const Ld__Record *r, const Ld__Record *old,
               char *err, size_t errlen)
{
	if (r->body_case != LD__RECORD__BODY_RESULT)
		return 0;
	for (size_t i = 0; i < r->result->n_attachments; i++) {
		const Ld__Attachment *a = r->result->attachments[i];
		if (kept(old, a))
			continue; /* checked when that version was written */
		struct ld_attach_sum sum;
		ld_attach_sum_init(&sum);
		for (size_t k = 0; k < a->n_chunks; k++) {
			struct ld_val v;
			int rc = ld_store_chunk_get(t, a->chunks[k].data, &v);
			if (rc == MDB_NOTFOUND) {
				snprintf(err, errlen, "attachment %zu (%.200s): "
				         "chunk %zu of %zu was not uploaded", i + 1,
				         a->name, k + 1, a->n_chunks);
				return LD_EREFUSED;
			}
			if (rc != 0)
				return rc;
			if (v.n != ld_attach_chunk_len(a->size, (uint32_t)k)) {
				snprintf(err, errlen, "attachment %zu (%.200s): "
				         "chunk %zu is %zu bytes, not %zu", i + 1,
				         a->name, k + 1, v.n,
				         ld_attach_chunk_len(a->size, (uint32_t)k));
				return LD_EREFUSED;
			}
			ld_attach_sum_add(&sum, v.p, v.n);
		}
		if (!ld_attach_sum_ok(&sum, a)) {
			snprintf(err, errlen, "attachment %zu (%.200s): sha256: "
			         "not the hash of its chunks", i + 1, a->name);
			return LD_EREFUSED;
		}
	}
	return 0;
}

int
ld_files_put(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	(void)n;
	const ProtobufCBinaryData *d = &w->req->chunk_put->data;
	uint8_t h[LD_HASH_LEN];
	crypto_hash_sha256(h, d->data, d->len);
	w->id[0] = '\0';
	return ld_store_chunk_put(t, h, d->data, d->len);
}

void
ld_files_get(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
             const Ld__AttachmentGetRequest *q)
{
	char err[512];
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		             ld_store_strerror(rc));
		return;
	}
	Ld__Record *r = ld_store_load(&t, q->id);
	Ld__Code code = LD__CODE__CODE_REFUSED;
	err[0] = '\0';
	if (r == NULL) {
		code = LD__CODE__CODE_NOT_FOUND;
		snprintf(err, sizeof(err), "no record %.300s at this node",
		         q->id);
	} else if (r->deleted) {
		snprintf(err, sizeof(err), "%.300s was deleted", q->id);
	} else if (r->body_case != LD__RECORD__BODY_RESULT) {
		snprintf(err, sizeof(err), "%.300s is a %s: only results have "
		         "attachments", q->id, ld_kind_name(r->kind));
	} else if (r->result->n_attachments == 0) {
		snprintf(err, sizeof(err), "%.300s has no attachments", q->id);
	} else if (q->index >= r->result->n_attachments) {
		snprintf(err, sizeof(err), "%.300s has %zu attachment%s, no "
		         "number %u", q->id, r->result->n_attachments,
		         r->result->n_attachments == 1 ? "" : "s",
		         q->index + 1);
	}
	if (err[0] != '\0') {
		ld_reply_error(n, rid, req_id, code, err);
		goto out;
	}
	const Ld__Attachment *a = r->result->attachments[q->index];
	if (ld_attach_check(a, q->index, err, sizeof(err)) != 0) {
		ld_reply_error(n, rid, req_id, code, err);
		goto out;
	}
	uint32_t have = 0;
	struct ld_val chunk = {NULL, 0};
	for (size_t k = 0; k < a->n_chunks; k++) {
		struct ld_val v;
		if (ld_store_chunk_get(&t, a->chunks[k].data, &v) != 0)
			continue;
		have++;
		if (k == q->chunk)
			chunk = v;
	}
	if (a->n_chunks > 0 && q->chunk >= a->n_chunks) {
		snprintf(err, sizeof(err), "attachment %u (%.200s) has %zu "
		         "chunks, no number %u", q->index + 1, a->name,
		         a->n_chunks, q->chunk + 1);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_BAD_REQUEST, err);
		goto out;
	}
	if (a->n_chunks > 0 && chunk.p == NULL) {
		snprintf(err, sizeof(err), "attachment %u (%.200s) is not all "
		         "here yet: %u of %zu chunks (it is still being "
		         "fetched; try again later)", q->index + 1, a->name,
		         have, a->n_chunks);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_NOT_FOUND, err);
		goto out;
	}
	Ld__AttachmentChunk ac = LD__ATTACHMENT_CHUNK__INIT;
	ac.meta = (Ld__Attachment *)a;
	ac.data.data = (uint8_t *)chunk.p;
	ac.data.len = chunk.n;
	ac.have = have;
	Ld__Response resp = LD__RESPONSE__INIT;
	resp.req_id = req_id;
	resp.result_case = LD__RESPONSE__RESULT_ATTACHMENT;
	resp.attachment = &ac;
	ld_reply(n, rid, &resp);
out:
	if (r != NULL)
		ld__record__free_unpacked(r, NULL);
	ld_store_read_end(&t);
}
