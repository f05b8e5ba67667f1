/* waiters.c — clients waiting for a record to arrive (WaitRequest):
 * answered when it is here at the version they want, after each commit,
 * or told it did not come in time. */
#include "node_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAITERS_MAX 1024
#define WAIT_MAX_MS (10 * 60 * 1000)

/* If the waiter's record is here at the wanted version, answer it. */
static bool
try_answer(struct ld_node *n, struct ld_txn *t, struct waiter *wt)
{
	struct ld_val v;
	uint64_t version;
	if (ld_store_get(t, wt->id, &v, &version) != 0 ||
	    version < wt->min_version)
		return false;
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = wt->req_id;
	r.result_case = LD__RESPONSE__RESULT_RECORD;
	r.record.data = (uint8_t *)v.p;
	r.record.len = v.n;
	ld_reply(n, &wt->rid, &r);
	return true;
}

void
ld_waiters_add(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
               const Ld__WaitRequest *q)
{
	if (n->nwaiters == WAITERS_MAX) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_REFUSED,
		               "too many clients waiting");
		return;
	}
	if (strlen(q->id) > LD_ID_MAX) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_BAD_REQUEST,
		               "id: too long");
		return;
	}
	if (n->nwaiters == n->capwaiters) {
		size_t cap = n->capwaiters ? n->capwaiters * 2 : 16;
		struct waiter *w = realloc(n->waiters, cap * sizeof(*w));
		if (w == NULL) {
			ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
			               "out of memory");
			return;
		}
		n->waiters = w;
		n->capwaiters = cap;
	}
	struct waiter *wt = &n->waiters[n->nwaiters];
	memset(wt, 0, sizeof(*wt));
	wt->rid = *rid;
	wt->req_id = req_id;
	snprintf(wt->id, sizeof(wt->id), "%s", q->id);
	wt->min_version = q->min_version ? q->min_version : 1;
	/* Waiters hold a slot each: none waits longer than WAIT_MAX_MS. */
	wt->deadline_ms =
	    ld_now_ms() +
	    (q->timeout_ms > WAIT_MAX_MS ? WAIT_MAX_MS : q->timeout_ms);
	n->nwaiters++;
	ld_waiters_check(n, ld_now_ms());
}

void
ld_waiters_check(struct ld_node *n, int64_t now)
{
	if (n->nwaiters == 0)
		return;
	struct ld_txn t;
	if (ld_store_read_begin(n->st, &t) != 0)
		return;
	for (size_t i = 0; i < n->nwaiters;) {
		struct waiter *wt = &n->waiters[i];
		bool done = try_answer(n, &t, wt);
		if (!done && now >= wt->deadline_ms) {
			char err[LD_ID_MAX + 64];
			snprintf(err, sizeof(err), "%s did not arrive in time",
			         wt->id);
			ld_reply_error(n, &wt->rid, wt->req_id,
			               LD__CODE__CODE_NOT_FOUND, err);
			done = true;
		}
		if (done)
			n->waiters[i] = n->waiters[--n->nwaiters];
		else
			i++;
	}
	ld_store_read_end(&t);
}

void
ld_waiters_drop(struct ld_node *n)
{
	for (size_t i = 0; i < n->nwaiters; i++)
		ld_reply_error(n, &n->waiters[i].rid, n->waiters[i].req_id,
		               LD__CODE__CODE_REFUSED, "the node is stopping");
	n->nwaiters = 0;
}
