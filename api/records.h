/* records.h — every record a node holds of a kind and subtree, paged
 * through list requests and put in one order (owner, then id counter),
 * for every client that computes over them (the CLI's figures and
 * exports, the console's 年度统计): the same records in the same order
 * give the same numbers. The caller supplies how one request is asked,
 * so each keeps its own connection and its own way of reporting a
 * failure. */
#ifndef LD_RECORDS_H
#define LD_RECORDS_H

#include <stddef.h>

#include "liandong.pb-c.h"

/* Ask one request: 0 with *resp whose code is OK (the caller of
 * ld_api_list_all frees it), or nonzero (already reported), which
 * ld_api_list_all returns as it is. */
typedef int ld_api_call_fn(void *ctx, Ld__Request *req, Ld__Response **resp);

/* Every record of `kind` (0 = any) whose owner is in the subtree of
 * `owner` ("" = any), sorted by owner and then by id counter, into a
 * malloc'ed array (free with ld_api_free_records). Returns 0, what
 * `call` returned, or -ENOMEM. Records that do not decode are skipped. */
int ld_api_list_all(ld_api_call_fn *call, void *ctx, Ld__Kind kind,
                    const char *owner, Ld__Record ***out, size_t *n);
void ld_api_free_records(Ld__Record **recs, size_t n);

#endif
