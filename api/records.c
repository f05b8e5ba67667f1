/* records.c — list every record of a kind and subtree (records.h). */
#include "records.h"
#include "pb.h"
#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Order records by owner, then by their counter as a number. */
static int
by_owner_counter(const void *x, const void *y)
{
	const Ld__Record *a = *(Ld__Record *const *)x;
	const Ld__Record *b = *(Ld__Record *const *)y;
	int o = strcmp(a->owner, b->owner);
	if (o != 0)
		return o;
	uint64_t ca = ld_id_counter(a->id), cb = ld_id_counter(b->id);
	return ca < cb ? -1 : ca > cb;
}

void
ld_api_free_records(Ld__Record **recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ld__record__free_unpacked(recs[i], NULL);
	free(recs);
}

int
ld_api_list_all(ld_api_call_fn *call, void *ctx, Ld__Kind kind,
                const char *owner, Ld__Record ***out, size_t *count)
{
	Ld__Record **recs = NULL;
	size_t n = 0, cap = 0;
	char *after = strdup("");
	int rc = after == NULL ? -ENOMEM : 0;
	while (rc == 0 && after != NULL) {
		Ld__ListRequest lr = LD__LIST_REQUEST__INIT;
		lr.kind = kind;
		lr.owner = (char *)owner;
		lr.after = after;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &lr;
		Ld__Response *resp = NULL;
		if ((rc = call(ctx, &req, &resp)) != 0)
			break;
		const Ld__ListResponse *l = resp->list;
		for (size_t i = 0; l != NULL && i < l->n_records && rc == 0;
		     i++) {
			Ld__Record *r = ld_record_unpack(l->records[i].data,
			                                 l->records[i].len);
			if (r == NULL)
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				Ld__Record **nr = realloc(recs, nc * sizeof(*recs));
				if (nr == NULL) {
					ld__record__free_unpacked(r, NULL);
					rc = -ENOMEM;
					break;
				}
				recs = nr;
				cap = nc;
			}
			recs[n++] = r;
		}
		free(after);
		after = NULL;
		if (rc == 0 && l != NULL && l->next[0] != '\0' &&
		    (after = strdup(l->next)) == NULL)
			rc = -ENOMEM;
		ld__response__free_unpacked(resp, NULL);
	}
	free(after);
	if (rc != 0) {
		ld_api_free_records(recs, n);
		recs = NULL;
		n = 0;
	} else if (n > 1) {
		qsort(recs, n, sizeof(*recs), by_owner_counter);
	}
	*out = recs;
	*count = n;
	return rc;
}
