/* attachget.c — one attachment from a node, chunk by chunk, checked
 * against its signed hashes (attach.h holds the rules). */
#include "attachget.h"
#include "attach.h"
#include "err.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

static int
ask_chunk(ld_api_call_fn call, void *call_arg, const char *id,
          uint32_t index, uint32_t chunk, Ld__Response **resp,
          Ld__Code *code, char *err, size_t errlen)
{
	Ld__AttachmentGetRequest g = LD__ATTACHMENT_GET_REQUEST__INIT;
	g.id = (char *)id;
	g.index = index;
	g.chunk = chunk;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ATTACHMENT_GET;
	req.attachment_get = &g;
	*resp = NULL;
	int rc = call(call_arg, &req, resp, err, errlen);
	if (rc != 0)
		return rc;
	if ((*resp)->code == LD__CODE__CODE_OK &&
	    (*resp)->result_case == LD__RESPONSE__RESULT_ATTACHMENT &&
	    (*resp)->attachment->meta != NULL)
		return 0;
	*code = (*resp)->code != LD__CODE__CODE_OK ? (*resp)->code
	                                           : LD__CODE__CODE_INTERNAL;
	snprintf(err, errlen, "%s",
	         (*resp)->error != NULL && (*resp)->error[0] != '\0'
	             ? (*resp)->error
	             : "the node's answer holds no attachment");
	ld__response__free_unpacked(*resp, NULL);
	*resp = NULL;
	return LD_EREFUSED;
}

static int
not_signed(const Ld__Attachment *a, const char *id, uint32_t index,
           char *err, size_t errlen)
{
	snprintf(err, errlen,
	         "attachment %u (%.200s) of %.300s: what the node holds is "
	         "not the file its owner signed",
	         index + 1, a->name, id);
	return -EBADMSG;
}

int
ld_attach_download(ld_api_call_fn call, void *call_arg, const char *id,
                   uint32_t index, ld_attach_sink_fn sink, void *sink_arg,
                   Ld__Code *code, char *err, size_t errlen)
{
	*code = LD__CODE__CODE_OK;
	if (errlen > 0)
		err[0] = '\0';
	Ld__Response *first = NULL;
	int rc = ask_chunk(call, call_arg, id, index, 0, &first, code, err,
	                   errlen);
	if (rc != 0)
		return rc;
	/* The first answer's description is the one every chunk is checked
	 * against (the node read it from the signed record). */
	const Ld__Attachment *a = first->attachment->meta;
	struct ld_attach_sum sum;
	ld_attach_sum_init(&sum);
	size_t n = a->n_chunks;
	for (uint32_t k = 0; rc == 0 && (k < n || (k == 0 && n == 0)); k++) {
		Ld__Response *resp = first;
		if (k > 0 && (rc = ask_chunk(call, call_arg, id, index, k, &resp,
		                             code, err, errlen)) != 0)
			break;
		const ProtobufCBinaryData *d = &resp->attachment->data;
		bool ok = n == 0 ? d->len == 0
		                 : a->chunks[k].len == LD_HASH_LEN &&
		                       ld_attach_chunk_ok(a->chunks[k].data,
		                                          d->data, d->len);
		if (!ok) {
			rc = not_signed(a, id, index, err, errlen);
		} else {
			ld_attach_sum_add(&sum, d->data, d->len);
			rc = sink(sink_arg, a, d->data, d->len);
			if (rc != 0 && err[0] == '\0')
				snprintf(err, errlen, "%s", ld_strerror(rc));
		}
		if (resp != first)
			ld__response__free_unpacked(resp, NULL);
	}
	if (rc == 0 && !ld_attach_sum_ok(&sum, a))
		rc = not_signed(a, id, index, err, errlen);
	ld__response__free_unpacked(first, NULL);
	return rc;
}
