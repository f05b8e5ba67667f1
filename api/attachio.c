/* attachio.c — storing and reading attachment chunks at a node
 * (attachio.h). */
#include "attachio.h"
#include "attach.h"
#include "client.h"
#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
ld_attachio_client_call(void *ctx, Ld__Request *req, Ld__Response **resp,
                        char *err, size_t errlen)
{
	return ld_client_call(ctx, req, resp, LD_CLIENT_TIMEOUT_MS, err,
	                      errlen);
}

int
ld_attachio_put(ld_attachio_call_fn *call, void *ctx, const char *name,
                const void *data, size_t len, Ld__Attachment **out, char *err,
                size_t errlen)
{
	Ld__Attachment *a = NULL;
	int rc = ld_attach_build(name, data, len, &a, err, errlen);
	if (rc != 0)
		return rc;
	for (uint32_t k = 0; k < a->n_chunks && rc == 0; k++) {
		Ld__ChunkPutRequest cp = LD__CHUNK_PUT_REQUEST__INIT;
		cp.data.data = (uint8_t *)data + (size_t)k * LD_CHUNK_SIZE;
		cp.data.len = ld_attach_chunk_len(len, k);
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_CHUNK_PUT;
		req.chunk_put = &cp;
		Ld__Response *resp = NULL;
		if ((rc = call(ctx, &req, &resp, err, errlen)) != 0)
			break;
		if (resp->code != LD__CODE__CODE_OK) {
			snprintf(err, errlen, "%s", resp->error);
			rc = LD_EREFUSED;
		}
		ld__response__free_unpacked(resp, NULL);
	}
	if (rc != 0) {
		ld_attach_free(&a);
		return rc;
	}
	*out = a;
	return 0;
}

/* Chunk `chunk` of attachment `index` of `id`: 0 with *resp (code OK),
 * else the code (attachio.h) with err. */
static int
get_chunk(ld_attachio_call_fn *call, void *ctx, const char *id, uint32_t index,
          uint32_t chunk, Ld__Response **resp, char *err, size_t errlen)
{
	Ld__AttachmentGetRequest g = LD__ATTACHMENT_GET_REQUEST__INIT;
	g.id = (char *)id;
	g.index = index;
	g.chunk = chunk;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ATTACHMENT_GET;
	req.attachment_get = &g;
	*resp = NULL;
	int rc = call(ctx, &req, resp, err, errlen);
	if (rc != 0)
		return rc;
	Ld__Code code = (*resp)->code;
	if (code == LD__CODE__CODE_OK && (*resp)->attachment != NULL)
		return 0;
	const char *why = (*resp)->error != NULL ? (*resp)->error : "";
	snprintf(err, errlen, "%s",
	         why[0] != '\0' ? why : "the node's answer holds no chunk");
	/* The node answers NOT_FOUND both for a record it lacks and for a
	 * chunk it is still fetching; only its words tell them apart
	 * (daemon/files.c). */
	rc = code == LD__CODE__CODE_NOT_FOUND
	         ? (strstr(why, "not all here yet") != NULL ? -EAGAIN : -ENOENT)
	     : code == LD__CODE__CODE_REFUSED ||
	             code == LD__CODE__CODE_BAD_REQUEST
	         ? LD_EREFUSED
	         : -EPROTO;
	ld__response__free_unpacked(*resp, NULL);
	*resp = NULL;
	return rc;
}

int
ld_attachio_get(ld_attachio_call_fn *call, void *ctx, const char *id,
                uint32_t index, const Ld__Attachment *meta,
                ld_attachio_sink_fn *sink, void *sctx, char *err, size_t errlen)
{
	size_t n = meta->n_chunks;
	struct ld_attach_sum sum;
	ld_attach_sum_init(&sum);
	for (uint32_t k = 0; k < n || (k == 0 && n == 0); k++) {
		Ld__Response *resp = NULL;
		int rc = get_chunk(call, ctx, id, index, k, &resp, err, errlen);
		if (rc != 0)
			return rc;
		const Ld__AttachmentChunk *ac = resp->attachment;
		if (k == 0 && n > 0 && ac->have < n) {
			snprintf(err, errlen,
			         "attachment %u (%.200s) is not all "
			         "here yet: %u of %zu chunks (it is still "
			         "being fetched; try again later)",
			         index + 1, meta->name, ac->have, n);
			ld__response__free_unpacked(resp, NULL);
			return -EAGAIN;
		}
		const ProtobufCBinaryData *d = &ac->data;
		if (n > 0 && (meta->chunks[k].len != LD_HASH_LEN ||
		              !ld_attach_chunk_ok(meta->chunks[k].data, d->data,
		                                  d->len))) {
			snprintf(err, errlen,
			         "attachment %u (%.200s): chunk %u "
			         "is not the one its owner signed",
			         index + 1, meta->name, k + 1);
			ld__response__free_unpacked(resp, NULL);
			return -EBADMSG;
		}
		ld_attach_sum_add(&sum, d->data, d->len);
		rc = d->len > 0 ? sink(sctx, d->data, d->len) : 0;
		ld__response__free_unpacked(resp, NULL);
		if (rc != 0) {
			snprintf(err, errlen, "%s", ld_strerror(rc));
			return rc;
		}
		if (n == 0)
			break;
	}
	if (!ld_attach_sum_ok(&sum, meta)) {
		snprintf(err, errlen,
		         "attachment %u (%.200s): what the node "
		         "holds is not the file its owner signed",
		         index + 1, meta->name);
		return -EBADMSG;
	}
	return 0;
}
