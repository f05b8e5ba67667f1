/* gather.c — the records a roll-up needs, from one read transaction
 * (gather.h). */
#include "gather.h"
#include "path.h"
#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ld_bag_put(struct ld_bag *b, Ld__Record *r)
{
	if (r == NULL)
		return;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		Ld__Record **v = realloc(b->v, cap * sizeof(*v));
		if (v == NULL) {
			b->oom = true;
			ld__record__free_unpacked(r, NULL);
			return;
		}
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n++] = r;
}

void
ld_bag_free(struct ld_bag *b)
{
	for (size_t i = 0; i < b->n; i++)
		ld__record__free_unpacked(b->v[i], NULL);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

/* The refs index only grows: check each candidate's current ref. A
 * candidate of another kind (a task's results when its sub-tasks are
 * wanted) is skipped without decoding it. */
void
ld_bag_put_refs(struct ld_txn *t, struct ld_bag *b, const char *id,
                Ld__Record__BodyCase body)
{
	struct ld_refiter it;
	if (ld_store_refs_open(t, id, &it) != 0) {
		b->oom = true;
		return;
	}
	Ld__Kind want = ld_kind_of_body(body);
	const char *rid;
	while (ld_store_refs_next(&it, &rid) == 0) {
		struct ld_val v;
		if (ld_store_get(t, rid, &v, NULL) != 0)
			continue;
		Ld__Kind k = ld_record_peek_kind(v.p, v.n);
		if (k != LD__KIND__KIND_UNSPECIFIED && k != want)
			continue;
		Ld__Record *r = ld_record_unpack(v.p, v.n);
		const char *ref = r ? ld_record_ref(r) : NULL;
		if (r == NULL || r->deleted || r->body_case != body ||
		    ref == NULL || strcmp(ref, id) != 0) {
			if (r != NULL)
				ld__record__free_unpacked(r, NULL);
			continue;
		}
		ld_bag_put(b, r);
	}
	ld_store_refs_close(&it);
}

struct owners_arg {
	struct ld_txn *t;
	struct ld_bag *b;
};

/* The NODE record of every owner known here. */
static void
put_node(const char *owner, size_t n, void *arg)
{
	struct owners_arg *a = arg;
	char id[LD_ID_MAX + 1];
	if (n > LD_PATH_MAX)
		return;
	snprintf(id, sizeof(id), "%.*s:0", (int)n, owner);
	Ld__Record *r = ld_store_load(a->t, id);
	if (r != NULL && r->body_case != LD__RECORD__BODY_NODE) {
		ld__record__free_unpacked(r, NULL);
		r = NULL;
	}
	ld_bag_put(a->b, r);
}

/* Breadth first: each task found adds its sub-tasks and results, each
 * result its reviews. */
void
ld_store_gather_family(struct ld_txn *t, struct ld_bag *b)
{
	for (size_t i = 0; i < b->n && !b->oom; i++) {
		const Ld__Record *r = b->v[i];
		if (r->body_case == LD__RECORD__BODY_TASK) {
			/* Copy: ld_bag_put() may move the array. */
			char id[LD_ID_MAX + 1];
			snprintf(id, sizeof(id), "%s", r->id);
			ld_bag_put_refs(t, b, id, LD__RECORD__BODY_TASK);
			ld_bag_put_refs(t, b, id, LD__RECORD__BODY_RESULT);
		} else if (r->body_case == LD__RECORD__BODY_RESULT) {
			char id[LD_ID_MAX + 1];
			snprintf(id, sizeof(id), "%s", r->id);
			ld_bag_put_refs(t, b, id, LD__RECORD__BODY_REVIEW);
		}
	}
	struct owners_arg oa = {t, b};
	if (ld_store_owners_each(t, put_node, &oa) != 0)
		b->oom = true;
}

int
ld_store_gather_task(struct ld_txn *t, const char *id, struct ld_bag *b)
{
	Ld__Record *root = ld_store_load(t, id);
	if (root == NULL || root->deleted ||
	    root->body_case != LD__RECORD__BODY_TASK) {
		if (root != NULL)
			ld__record__free_unpacked(root, NULL);
		return -ENOENT;
	}
	ld_bag_put(b, root);
	ld_store_gather_family(t, b);
	return 0;
}

int
ld_store_gather_health(struct ld_txn *t, const char *top, struct ld_bag *b)
{
	struct ld_logiter it;
	int rc = ld_store_log_open(t, 0, &it);
	struct ld_logent e;
	size_t tl = strlen(top);
	while (rc == 0 && (rc = ld_store_log_next(&it, &e)) == 0) {
		if (e.deleted || (e.kind != LD__KIND__KIND_NODE &&
		                  e.kind != LD__KIND__KIND_HEALTH))
			continue;
		if (!ld_path_in_subtree_n(e.flow.owner.p, e.flow.owner.n, top,
		                          tl) ||
		    e.id.n > LD_ID_MAX)
			continue;
		char id[LD_ID_MAX + 1];
		memcpy(id, e.id.p, e.id.n);
		id[e.id.n] = '\0';
		ld_bag_put(b, ld_store_load(t, id));
	}
	ld_store_log_close(&it);
	if (rc != MDB_NOTFOUND)
		b->oom = true;
	return rc == MDB_NOTFOUND ? 0 : rc;
}
