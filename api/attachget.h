/* attachget.h — read one attachment of a result from a node, chunk by
 * chunk, each chunk checked against the SHA-256 its owner signed and the
 * whole file against the signed size and hash, before the caller may
 * trust it. Written for liandong-web's download (HTTP API and pages) and
 * meant for the CLI's 'attachment get' too: one home for the check. */
#ifndef LD_ATTACHGET_H
#define LD_ATTACHGET_H

#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

/* How the caller asks its node: one request, one answer (free *resp with
 * ld__response__free_unpacked); 0, or -errno with a one-line reason.
 * ld_client_call with a timeout fits, and so does liandong-web's
 * ld_web_call. */
typedef int (*ld_api_call_fn)(void *arg, Ld__Request *req,
                              Ld__Response **resp, char *err, size_t errlen);

/* Takes the next `n` bytes of the file (`meta` is the attachment as the
 * record describes it). Returns 0, or a negative code that stops the
 * download and is passed up. */
typedef int (*ld_attach_sink_fn)(void *arg, const Ld__Attachment *meta,
                                 const void *data, size_t n);

/* Read attachment `index` (0-based) of result `id` in order into `sink`.
 * The bytes given to `sink` are each checked chunk; only a return of 0
 * says the whole file is the one the owner signed, so a caller that must
 * not pass on a bad file holds the bytes until then.
 * Returns 0, or with a one-line reason in err:
 *   LD_EREFUSED  the node refused: *code is its Code (NOT_FOUND: no such
 *                record, or the attachment's chunks are not all here
 *                yet; REFUSED: not a result, no such attachment ...)
 *                and err its sentence;
 *   -EBADMSG     what the node holds is not the file its owner signed;
 *   the call's or the sink's negative code. */
int ld_attach_download(ld_api_call_fn call, void *call_arg, const char *id,
                       uint32_t index, ld_attach_sink_fn sink,
                       void *sink_arg, Ld__Code *code, char *err,
                       size_t errlen);

#endif
