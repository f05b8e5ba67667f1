/* attachio.h — attachments between a client and its node: storing a
 * file's chunks (ChunkPutRequest) before the result that names it, and
 * reading one back chunk by chunk (AttachmentGetRequest), each chunk and
 * the whole file checked against the signed metadata. The CLI and the
 * console both use these; how they reach the node is theirs (`call`). */
#ifndef LD_ATTACHIO_H
#define LD_ATTACHIO_H

#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

/* Ask the node: 0 with *resp (any code; free it), or -errno with a
 * one-line reason in err when no answer came. */
typedef int ld_attachio_call_fn(void *ctx, Ld__Request *req,
                                Ld__Response **resp, char *err, size_t errlen);
/* ld_client_call on a struct ld_client * (ctx), LD_CLIENT_TIMEOUT_MS. */
int ld_attachio_client_call(void *ctx, Ld__Request *req, Ld__Response **resp,
                            char *err, size_t errlen);

/* Describe file `data` (`len` bytes, named `name`) and store its chunks
 * at the node. Returns 0 with *out (free with ld_attach_free), or with a
 * reason in err: LD_ELIMIT/LD_ESYNTAX (the file: over 16 MiB, bad name;
 * nothing was sent), LD_EREFUSED (the node refused a chunk: its words),
 * -ENOMEM, or the call's -errno. Chunks stored before a failure stay at
 * the node unnamed (docs/protocol.md, known limits). */
int ld_attachio_put(ld_attachio_call_fn *call, void *ctx, const char *name,
                    const void *data, size_t len, Ld__Attachment **out,
                    char *err, size_t errlen);

/* Where a download goes: 0, or a negative code to stop. */
typedef int ld_attachio_sink_fn(void *ctx, const void *data, size_t n);

/* Read attachment `index` (0-based) of result `id`, whose signed
 * metadata (from the caller's copy of the record) is `meta`, into `sink`
 * in order. Every chunk must match its hash before it is passed on, and
 * the whole the file's size and hash (checked after the last chunk: a
 * caller that must not pass on a bad file holds the bytes until this
 * returns 0). Returns 0, or with a reason in err:
 *   -EAGAIN      not every chunk is at this node yet (nothing was passed
 *                on; the node is still fetching them);
 *   -ENOENT      the node has no such record;
 *   LD_EREFUSED  the node refused (deleted, not a result, no such
 *                attachment ...): its sentence;
 *   -EPROTO      the node failed, or its answer held no chunk;
 *   -EBADMSG     what the node holds is not the file its owner signed;
 *   the sink's code, or the call's -errno. */
int ld_attachio_get(ld_attachio_call_fn *call, void *ctx, const char *id,
                    uint32_t index, const Ld__Attachment *meta,
                    ld_attachio_sink_fn *sink, void *sctx, char *err,
                    size_t errlen);

#endif
