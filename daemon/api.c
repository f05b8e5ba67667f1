/* api.c — client requests on the API sockets: decode one, answer reads
 * at once from a read transaction, and check a write against the rules
 * for a client's add (or add_many), update or delete before own.c stores
 * it in the turn's group commit. */
#include "flow.h"
#include "node_int.h"
#include "path.h"
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_DEFAULT 1000
#define LIST_MAX 5000
#define LIST_BYTES (256u << 10)
/* Records looked at for one page of a filtered list. */
#define LIST_SCAN_MAX 50000

/* ---------------------------------------------------------------- writes */

/* Is task `t` this node's own, or addressed to it (a scope entry that
 * covers it)? */
static bool
addressed_to(const Ld__Record *t, const char *self)
{
	if (strcmp(t->owner, self) == 0)
		return true;
	for (size_t i = 0; i < t->n_scope; i++)
		if (ld_path_in_subtree(self, t->scope[i]))
			return true;
	return false;
}

/* Set r's scope to the one path `to`. Returns 0 or -ENOMEM. */
static int
scope_to(Ld__Record *r, const char *to)
{
	char **scope = malloc(sizeof(char *));
	char *s = strdup(to);
	if (scope == NULL || s == NULL) {
		free(scope);
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n_scope; i++)
		free(r->scope[i]);
	free(r->scope);
	scope[0] = s;
	r->scope = scope;
	r->n_scope = 1;
	return 0;
}

/* Has office `by` forwarded (报送) opinion `id`? */
static bool
forwarded_by(struct ld_txn *t, const char *id, const char *by)
{
	struct ld_refiter it;
	if (ld_store_refs_open(t, id, &it) != 0)
		return false;
	bool yes = false;
	const char *aid;
	while (!yes && ld_store_refs_next(&it, &aid) == 0) {
		Ld__Record *a = ld_store_load(t, aid);
		if (a == NULL)
			continue;
		yes = a->body_case == LD__RECORD__BODY_OPINION_ACTION &&
		      !a->deleted && strcmp(a->owner, by) == 0 &&
		      strcmp(a->opinion_action->action, "forwarded") == 0;
		ld__record__free_unpacked(a, NULL);
	}
	ld_store_refs_close(&it);
	return yes;
}

/* An opinion action (采用 / 报送 / 批示): the opinion must have reached
 * this node level by level (core/flow.c); the action then goes down to
 * the opinion's owner and records the version acted on. */
static int
check_opinion_ref(struct ld_node *n, struct ld_txn *t, struct work *w,
                  Ld__Record *r, const Ld__Record *op)
{
	const char *self = n->cfg.id, *ref = r->opinion_action->ref;
	if (op->kind != LD__KIND__KIND_OPINION)
		return ld_own_refuse(w, "ref: %.300s is a %s, not an opinion",
		                     ref, ld_kind_name(op->kind));
	if (!ld_path_in_subtree(op->owner, self) ||
	    strcmp(op->owner, self) == 0)
		return ld_own_refuse(w, "ref: opinion %.300s is owned by %s, "
		                     "which is not below this node",
		                     ref, op->owner);
	char relay[LD_PATH_MAX + 1];
	if (ld_flow_opinion_relay(self, op->owner, relay, sizeof(relay)) &&
	    !forwarded_by(t, op->id, relay))
		return ld_own_refuse(w, "ref: opinion %.300s has not reached "
		                     "this node: %s has not forwarded it (报送)",
		                     ref, relay);
	if (scope_to(r, op->owner) != 0)
		return ld_own_refuse(w, "out of memory");
	r->opinion_action->ref_version = op->version;
	return 0;
}

/* References from the new record to records this node must hold.
 * Returns 0, or LD_EREFUSED with `w` refused. */
static int
check_refs(struct ld_node *n, struct ld_txn *t, struct work *w, Ld__Record *r)
{
	const char *ref = NULL;
	switch (r->body_case) {
	case LD__RECORD__BODY_RESULT:
		ref = r->result->ref;
		break;
	case LD__RECORD__BODY_REVIEW:
		ref = r->review->ref;
		break;
	case LD__RECORD__BODY_TASK:
		ref = r->task->parent[0] ? r->task->parent : NULL;
		break;
	case LD__RECORD__BODY_OPINION_ACTION:
		/* None: validation says it is required. */
		ref = r->opinion_action->ref[0] ? r->opinion_action->ref
		                                : NULL;
		break;
	default:
		return 0;
	}
	if (ref == NULL)
		return 0;
	const char *field = r->body_case == LD__RECORD__BODY_TASK ? "parent"
	                                                          : "ref";
	Ld__Record *target = ld_store_load(t, ref);
	if (target == NULL)
		return ld_own_refuse(w, "%s: no record %.300s at this node", field,
		              ref);
	int ok = 0;
	char kind[32];
	snprintf(kind, sizeof(kind), "%s", ld_kind_name(target->kind));
	if (target->deleted) {
		ok = ld_own_refuse(w, "%s: %.300s was deleted", field, ref);
	} else if (r->body_case == LD__RECORD__BODY_OPINION_ACTION) {
		ok = check_opinion_ref(n, t, w, r, target);
	} else if (r->body_case == LD__RECORD__BODY_RESULT) {
		if (target->kind != LD__KIND__KIND_TASK &&
		    target->kind != LD__KIND__KIND_SURVEY &&
		    target->kind != LD__KIND__KIND_PLAN)
			ok = ld_own_refuse(w, "ref: %.300s is a %s, not a task, survey "
			               "or plan",
			            ref, kind);
	} else if (r->body_case == LD__RECORD__BODY_TASK) {
		if (target->kind != LD__KIND__KIND_TASK)
			ok = ld_own_refuse(w, "parent: %.300s is a %s, not a task", ref,
			            kind);
		else if (!addressed_to(target, n->cfg.id))
			ok = ld_own_refuse(w, "parent: task %.300s is not addressed to "
			               "this node; a sub-task derives from a task "
			               "this node received or owns",
			            ref);
	} else if (target->kind != LD__KIND__KIND_RESULT) {
		ok = ld_own_refuse(w, "ref: %.300s is a %s, not a result", ref, kind);
	} else if (!ld_path_in_subtree(target->owner, n->cfg.id) ||
	           strcmp(target->owner, n->cfg.id) == 0) {
		ok = ld_own_refuse(w, "ref: result %.300s is owned by %s, which is not "
		               "below this node",
		            ref, target->owner);
	} else {
		/* A review goes down to the result's owner. */
		char **scope = malloc(sizeof(char *));
		char *s = strdup(target->owner);
		if (scope == NULL || s == NULL) {
			free(scope);
			free(s);
			ok = ld_own_refuse(w, "out of memory");
		} else {
			for (size_t i = 0; i < r->n_scope; i++)
				free(r->scope[i]);
			free(r->scope);
			scope[0] = s;
			r->scope = scope;
			r->n_scope = 1;
			/* What was reviewed: this version of the result. */
			r->review->ref_version = target->version;
		}
	}
	ld__record__free_unpacked(target, NULL);
	return ok;
}

/* A duty entry names members this node holds (live MEMBER records: of
 * this office or of an office below it, since members flow up only) and,
 * if it has a ref, a record this node holds. Returns 0, or LD_EREFUSED
 * with `w` refused. */
static int
check_duty(struct ld_txn *t, struct work *w, const Ld__Record *r)
{
	if (r->body_case != LD__RECORD__BODY_DUTY)
		return 0;
	const Ld__Duty *d = r->duty;
	int rc = 0;
	if (d->ref[0] != '\0') {
		Ld__Record *x = ld_store_load(t, d->ref);
		if (x == NULL || x->deleted)
			rc = ld_own_refuse(w, "ref: no record %.300s at this node",
			                   d->ref);
		if (x != NULL)
			ld__record__free_unpacked(x, NULL);
	}
	for (size_t i = 0; rc == 0 && i < d->n_members; i++) {
		Ld__Record *m = ld_store_load(t, d->members[i]);
		if (m == NULL || m->deleted)
			rc = ld_own_refuse(w, "members: no member %.300s at this "
			                   "node", d->members[i]);
		else if (m->kind != LD__KIND__KIND_MEMBER)
			rc = ld_own_refuse(w, "members: %.300s is a %s, not a "
			                   "member", d->members[i],
			                   ld_kind_name(m->kind));
		if (m != NULL)
			ld__record__free_unpacked(m, NULL);
	}
	return rc;
}

/* The current year, for a proposal entered without one. */
static uint32_t
this_year(void)
{
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL)
		return 0;
	return (uint32_t)tm.tm_year + 1900;
}

/* Create record `r`, checked by on_write already: an AddRequest's record,
 * or one of an AddManyRequest's. Refusing it refuses `w`, and returns 0. */
static int
add_record(struct ld_node *n, struct ld_txn *t, struct work *w, Ld__Record *r)
{
	if (check_refs(n, t, w, r) != 0 || check_duty(t, w, r) != 0)
		return 0; /* refused: an answer, not a failed transaction */
	if (r->body_case == LD__RECORD__BODY_PROPOSAL &&
	    r->proposal->year == 0)
		r->proposal->year = this_year();
	if (r->body_case == LD__RECORD__BODY_OPINION &&
	    r->opinion->year == 0)
		r->opinion->year = this_year();
	return ld_own_create(n, t, w, r);
}

static int
write_add(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	return add_record(n, t, w, w->req->add->record);
}

static void
free_ids(struct work *w)
{
	for (size_t i = 0; i < w->nids; i++)
		free(w->ids[i]);
	free(w->ids);
	w->ids = NULL;
	w->nids = 0;
}

/* Every record of an AddManyRequest, each as write_add makes one, in a
 * transaction of its own inside the turn's: the first refused drops them
 * all (and the ids they took), and refuses the request naming it. */
static int
write_add_many(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	Ld__AddManyRequest *m = w->req->add_many;
	free_ids(w); /* a rerun of the turn's transaction starts again */
	if ((w->ids = calloc(m->n_records, sizeof(char *))) == NULL)
		return -ENOMEM;
	struct ld_txn nt;
	int rc = ld_store_nested_begin(t, &nt);
	if (rc != 0)
		return rc;
	size_t i;
	for (i = 0; i < m->n_records; i++) {
		rc = add_record(n, &nt, w, m->records[i]);
		if (rc != 0 || w->code != LD__CODE__CODE_OK)
			break;
		if ((w->ids[i] = strdup(w->id)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		w->nids++;
	}
	if (rc == 0 && w->code == LD__CODE__CODE_OK)
		return ld_store_nested_end(t, &nt, true);
	ld_store_nested_end(t, &nt, false);
	free_ids(w);
	if (rc == 0) {
		char why[sizeof(w->err)];
		snprintf(why, sizeof(why), "%s", w->err);
		w->index = (uint32_t)i;
		snprintf(w->err, sizeof(w->err), "record %zu: %s", i, why);
	}
	return rc;
}

/* Has a review returned (退回) or asked to rectify (整改) exactly this
 * version of result `res`? Then its owner may revise it. */
static bool
reopened(struct ld_txn *t, const Ld__Record *res)
{
	struct ld_refiter it;
	if (ld_store_refs_open(t, res->id, &it) != 0)
		return false;
	bool yes = false;
	const char *id;
	while (!yes && ld_store_refs_next(&it, &id) == 0) {
		Ld__Record *rv = ld_store_load(t, id);
		if (rv == NULL)
			continue;
		yes = rv->kind == LD__KIND__KIND_REVIEW && !rv->deleted &&
		      strcmp(rv->review->ref, res->id) == 0 &&
		      rv->review->ref_version == res->version &&
		      (strcmp(rv->review->verdict, "returned") == 0 ||
		       strcmp(rv->review->verdict, "rectify") == 0);
		ld__record__free_unpacked(rv, NULL);
	}
	ld_store_refs_close(&it);
	return yes;
}

/* Replace r's scope with a copy of old's. Returns 0 or -ENOMEM. */
static int
keep_scope(Ld__Record *r, const Ld__Record *old)
{
	char **sc = old->n_scope ? calloc(old->n_scope, sizeof(char *)) : NULL;
	if (old->n_scope && sc == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < old->n_scope; i++) {
		if ((sc[i] = strdup(old->scope[i])) == NULL) {
			while (i-- > 0)
				free(sc[i]);
			free(sc);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < r->n_scope; i++)
		free(r->scope[i]);
	free(r->scope);
	r->scope = sc;
	r->n_scope = old->n_scope;
	return 0;
}

static int
write_update(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	Ld__UpdateRequest *u = w->req->update;
	Ld__Record *r = u->record;
	Ld__Record *old = ld_own_load(n, t, w, r->id, u->base_version);
	if (old == NULL)
		return 0;
	int rc = 0;
	char err[256];
	if (ld_validate_update(n->cfg.id, old, r, err, sizeof(err)) != 0) {
		ld_own_refuse(w, "%s", err);
		goto done;
	}
	if (check_duty(t, w, r) != 0)
		goto done;
	if (r->body_case == LD__RECORD__BODY_RESULT &&
	    strcmp(old->result->status, "submitted") == 0 &&
	    !reopened(t, old)) {
		ld_own_refuse(w, "%s was submitted: it can be revised only after a "
		          "review returns it (returned/退回 or rectify/整改)",
		       old->id);
		goto done;
	}
	if (r->body_case == LD__RECORD__BODY_REVIEW) {
		/* A review keeps its scope (the result's owner) and now
		 * reviews the result as it is. */
		Ld__Record *res = ld_store_load(t, old->review->ref);
		if (res == NULL) {
			ld_own_refuse(w, "ref: no record %.300s at this node",
			       old->review->ref);
			goto done;
		}
		r->review->ref_version = res->version;
		ld__record__free_unpacked(res, NULL);
		if (keep_scope(r, old) != 0) {
			ld_own_refuse(w, "out of memory");
			goto done;
		}
	}
	if (r->body_case == LD__RECORD__BODY_OPINION_ACTION &&
	    keep_scope(r, old) != 0) {
		/* An action stays addressed to the opinion's owner. */
		ld_own_refuse(w, "out of memory");
		goto done;
	}
	if (r->body_case == LD__RECORD__BODY_PROPOSAL &&
	    r->proposal->year == 0)
		r->proposal->year = old->proposal->year;
	if (r->body_case == LD__RECORD__BODY_OPINION &&
	    r->opinion->year == 0)
		r->opinion->year = old->opinion->year;
	r->deleted = false;
	if ((rc = ld_files_check(t, r, old, err, sizeof(err))) != 0) {
		if (rc == LD_EREFUSED) {
			ld_own_refuse(w, "%s", err);
			rc = 0;
		}
		goto done;
	}
	rc = ld_own_put(n, t, w, r, old->id, old->version + 1);
done:
	ld__record__free_unpacked(old, NULL);
	return rc;
}

static int
write_delete(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	Ld__DeleteRequest *d = w->req->delete_;
	Ld__Record *old = ld_own_load(n, t, w, d->id, d->base_version);
	if (old == NULL)
		return 0;
	old->deleted = true;
	/* The tombstone says who deleted it (checked in on_write). */
	if (ld_set_str(&old->author, d->author) != 0) {
		ld__record__free_unpacked(old, NULL);
		return -ENOMEM;
	}
	int rc = ld_own_put(n, t, w, old, d->id, old->version + 1);
	ld__record__free_unpacked(old, NULL);
	return rc;
}

int
ld_api_write(struct ld_node *n, struct ld_txn *t, struct work *w)
{
	if (w->code != LD__CODE__CODE_OK)
		return 0; /* refused before the transaction */
	switch (w->req->op_case) {
	case LD__REQUEST__OP_ADD:
		return write_add(n, t, w);
	case LD__REQUEST__OP_ADD_MANY:
		return write_add_many(n, t, w);
	case LD__REQUEST__OP_UPDATE:
		return write_update(n, t, w);
	case LD__REQUEST__OP_DELETE:
		return write_delete(n, t, w);
	case LD__REQUEST__OP_CHUNK_PUT:
		return ld_files_put(n, t, w);
	default:
		ld_own_refuse(w, "not a write");
		return 0;
	}
}

void
ld_api_write_done(struct ld_node *n, struct work *w, int rc)
{
	if (rc != 0 && w->code == LD__CODE__CODE_OK) {
		w->code = LD__CODE__CODE_INTERNAL;
		/* The words commit.c made for this turn's failure. */
		snprintf(w->err, sizeof(w->err), "store write failed: %.230s",
		         n->store_rc == rc ? n->store_err
		                           : ld_store_strerror(rc));
	}
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = w->req_id;
	r.code = w->code;
	Ld__AddManyResponse am = LD__ADD_MANY_RESPONSE__INIT;
	if (w->req->op_case == LD__REQUEST__OP_ADD_MANY) {
		r.result_case = LD__RESPONSE__RESULT_ADD_MANY;
		r.add_many = &am;
		if (w->code == LD__CODE__CODE_OK) {
			am.ids = w->ids;
			am.n_ids = w->nids;
		} else {
			am.index = w->index;
		}
	} else if (w->code == LD__CODE__CODE_OK) {
		r.result_case = LD__RESPONSE__RESULT_ID;
		r.id = w->id;
	}
	if (w->code != LD__CODE__CODE_OK)
		r.error = w->err;
	ld_reply(n, &w->rid, &r);
}

void
ld_api_work_drop(struct work *w)
{
	ld__request__free_unpacked(w->req, NULL);
	w->req = NULL;
	free_ids(w);
}

/* Refuse an AddManyRequest before the transaction: the answer names the
 * record (`index`) as a refusal in the store's turn would. */
static void
refuse_many(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
            Ld__Code code, const char *err, uint32_t index)
{
	Ld__AddManyResponse am = LD__ADD_MANY_RESPONSE__INIT;
	am.index = index;
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.code = code;
	r.error = (char *)err;
	r.result_case = LD__RESPONSE__RESULT_ADD_MANY;
	r.add_many = &am;
	ld_reply(n, rid, &r);
}

/* Check what needs no store now; queue the rest for the commit. */
static void
on_write(struct ld_node *n, const struct ld_rid *rid, Ld__Request *req)
{
	char err[300] = "";
	Ld__Code code = LD__CODE__CODE_REFUSED;
	switch (req->op_case) {
	case LD__REQUEST__OP_ADD:
		if (req->add->record == NULL) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err), "add: no record");
		} else {
			ld_validate_new(n->cfg.id, req->add->record, err,
			                sizeof(err));
		}
		break;
	case LD__REQUEST__OP_ADD_MANY: {
		/* Each record as an AddRequest's, in the same words, after
		 * the number of the first refused. */
		Ld__AddManyRequest *m = req->add_many;
		size_t i = 0;
		if (m->n_records == 0) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err), "add_many: no records");
		} else if (m->n_records > LD_ADD_MANY_MAX) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err),
			         "add_many: %zu records, more than %u in one "
			         "request (send them in several)",
			         m->n_records, LD_ADD_MANY_MAX);
		} else {
			for (; i < m->n_records && err[0] == '\0'; i++) {
				char why[256] = "";
				ld_validate_new(n->cfg.id, m->records[i], why,
				                sizeof(why));
				if (why[0] != '\0')
					snprintf(err, sizeof(err),
					         "record %zu: %s", i, why);
			}
			if (err[0] != '\0')
				i--;
		}
		if (err[0] != '\0') {
			refuse_many(n, rid, req->req_id, code, err,
			            (uint32_t)i);
			ld__request__free_unpacked(req, NULL);
			return;
		}
		break;
	}
	case LD__REQUEST__OP_UPDATE: {
		Ld__Record *r = req->update->record;
		if (r == NULL) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err), "update: no record");
		} else if (ld_id_owner_len(r->id) == 0) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err), "id: '%.300s' is not a "
			         "record id (OWNER:NUMBER)", r->id);
		}
		break;
	}
	case LD__REQUEST__OP_CHUNK_PUT:
		if (req->chunk_put->data.len > LD_CHUNK_SIZE) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err), "chunk: %zu bytes, more than "
			         "%u", req->chunk_put->data.len, LD_CHUNK_SIZE);
		}
		break;
	case LD__REQUEST__OP_DELETE:
		if (ld_id_owner_len(req->delete_->id) == 0) {
			code = LD__CODE__CODE_BAD_REQUEST;
			snprintf(err, sizeof(err), "id: '%.300s' is not a "
			         "record id (OWNER:NUMBER)", req->delete_->id);
		} else {
			ld_validate_author(req->delete_->author, err,
			                   sizeof(err));
		}
		break;
	default:
		break;
	}
	if (err[0] != '\0') {
		ld_reply_error(n, rid, req->req_id, code, err);
		ld__request__free_unpacked(req, NULL);
		return;
	}
	struct work *w = ld_commit_queue(n);
	if (w == NULL) {
		ld_reply_error(n, rid, req->req_id, LD__CODE__CODE_INTERNAL,
		               "out of memory");
		ld__request__free_unpacked(req, NULL);
		return;
	}
	w->type = WORK_CLIENT;
	w->req = req;
	w->req_id = req->req_id;
	w->code = LD__CODE__CODE_OK;
	w->rid = *rid;
}

/* ---------------------------------------------------------------- reads */

static void
on_get(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id, const char *id)
{
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		            ld_store_strerror(rc));
		return;
	}
	struct ld_val v;
	rc = ld_store_get(&t, id, &v, NULL);
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	char err[LD_ID_MAX + 64];
	if (rc == 0) {
		r.result_case = LD__RESPONSE__RESULT_RECORD;
		r.record.data = (uint8_t *)v.p;
		r.record.len = v.n;
	} else {
		r.code = LD__CODE__CODE_NOT_FOUND;
		snprintf(err, sizeof(err), "no record %.300s at this node", id);
		r.error = err;
	}
	ld_reply(n, rid, &r);
	ld_store_read_end(&t);
}

/* The versions of a record this node stored (store.h, the history). */
static void
on_history(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
           const char *id)
{
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		               ld_store_strerror(rc));
		return;
	}
	struct ld_histent *he = calloc(LD_HISTORY_MAX, sizeof(*he));
	Ld__HistoryEntry *es = calloc(LD_HISTORY_MAX, sizeof(*es));
	Ld__HistoryEntry **ep = calloc(LD_HISTORY_MAX, sizeof(*ep));
	/* author and status of each, NUL-terminated */
	char *strs = malloc((size_t)LD_HISTORY_MAX * 2 * 257);
	size_t k = 0;
	bool more = false;
	if (he == NULL || es == NULL || ep == NULL || strs == NULL) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		               "out of memory");
		goto leave;
	}
	rc = ld_store_history(&t, id, he, LD_HISTORY_MAX, &k, &more);
	if (rc != 0) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		               ld_store_strerror(rc));
		goto leave;
	}
	if (k == 0) {
		char err[LD_ID_MAX + 96];
		Ld__Record *held = ld_store_load(&t, id);
		/* store.c keeps no history of HEALTH records. */
		if (held != NULL && held->kind == LD__KIND__KIND_HEALTH)
			snprintf(err, sizeof(err), "%.300s is a health record: "
			         "only its newest version is kept, with no "
			         "history ('show' it)", id);
		else
			snprintf(err, sizeof(err), "no record %.300s at this "
			         "node", id);
		if (held != NULL)
			ld__record__free_unpacked(held, NULL);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_NOT_FOUND, err);
		goto leave;
	}
	for (size_t i = 0; i < k; i++) {
		char *a = strs + i * 2 * 257, *st = a + 257;
		snprintf(a, 257, "%.*s", (int)(he[i].author.n < 256
		                                   ? he[i].author.n : 256),
		         he[i].author.p);
		snprintf(st, 257, "%.*s", (int)(he[i].status.n < 256
		                                    ? he[i].status.n : 256),
		         he[i].status.p);
		ld__history_entry__init(&es[i]);
		es[i].version = he[i].version;
		es[i].author = a;
		es[i].updated_at = he[i].updated_at;
		es[i].deleted = he[i].deleted;
		es[i].status = st;
		ep[i] = &es[i];
	}
	Ld__HistoryResponse h = LD__HISTORY_RESPONSE__INIT;
	h.id = (char *)id;
	h.n_entries = k;
	h.entries = ep;
	h.more = more;
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.result_case = LD__RESPONSE__RESULT_HISTORY;
	r.history = &h;
	ld_reply(n, rid, &r);
leave:
	ld_store_read_end(&t);
	free(he);
	free(es);
	free(ep);
	free(strs);
}

/* A page of a list answer as it fills: the records (borrowed from the
 * read transaction), their count and bytes, whether more remain, and the
 * last id dealt with (sent or filtered out), after which the next page
 * may start. */
struct list_page {
	ProtobufCBinaryData *recs;
	size_t limit, n, bytes;
	bool truncated;
	const char *last;
};

/* Take record `id` into the page; false, with the page marked truncated,
 * when it is full (by count, or by bytes once it holds one). */
static bool
page_take(struct list_page *pg, const char *id, const struct ld_val *v)
{
	if (pg->n == pg->limit ||
	    (pg->n > 0 && pg->bytes + v->n > LIST_BYTES)) {
		pg->truncated = true;
		return false;
	}
	pg->recs[pg->n].data = (uint8_t *)v->p;
	pg->recs[pg->n].len = v->n;
	pg->n++;
	pg->bytes += v->n;
	pg->last = id;
	return true;
}

/* Whether stored record `v` answers list request `q`: of q->kind (if
 * given) and, for a list by ref, live with ref q->ref. A list by owner
 * alone sends what it finds without decoding it. */
static bool
list_match(const Ld__ListRequest *q, const struct ld_val *v)
{
	bool by_ref = q->ref[0] != '\0';
	if (!by_ref && q->kind == LD__KIND__KIND_UNSPECIFIED)
		return true;
	Ld__Record *r = ld_record_unpack(v->p, v->n);
	const char *ref = r != NULL && by_ref ? ld_record_ref(r) : NULL;
	bool match = r != NULL &&
	             (q->kind == LD__KIND__KIND_UNSPECIFIED ||
	              r->kind == q->kind) &&
	             (!by_ref || (!r->deleted && ref != NULL &&
	                          strcmp(ref, q->ref) == 0));
	if (r != NULL)
		ld__record__free_unpacked(r, NULL);
	return match;
}

/* The records whose ref is q->ref (of q->kind, if given; not deleted),
 * by id after q->after: the refs index names the candidates, each checked
 * against the record as stored now. Returns what ended the walk
 * (MDB_NOTFOUND: the end of the index). */
static int
list_refs(struct ld_txn *t, const Ld__ListRequest *q, struct list_page *pg)
{
	const char *id;
	struct ld_refiter it;
	int rc = ld_store_refs_open(t, q->ref, &it);
	while (rc == 0 && (rc = ld_store_refs_next(&it, &id)) == 0) {
		if (q->after[0] && strcmp(id, q->after) <= 0)
			continue;
		struct ld_val v;
		uint64_t ver;
		if (ld_store_get(t, id, &v, &ver) != 0 || !list_match(q, &v))
			continue;
		if (!page_take(pg, id, &v))
			break;
	}
	ld_store_refs_close(&it);
	return rc;
}

/* The records of q->owner's subtree (all, if ""; of q->kind, if given),
 * by id after q->after. Returns what ended the walk (MDB_NOTFOUND: past
 * the subtree or the end of the store). */
static int
list_owned(struct ld_txn *t, const Ld__ListRequest *q, struct list_page *pg)
{
	size_t ol = strlen(q->owner), scanned = 0;
	const char *start = q->after[0] ? q->after : q->owner;
	struct ld_reciter it;
	const char *id = NULL;
	struct ld_val v;
	int rc = ld_store_rec_open(t, start, &it);
	/* `pg->last` is always an id already dealt with (sent or filtered out),
	 * so the next page may start after it. */
	while (rc == 0 && (rc = ld_store_rec_next(&it, &id, &v)) == 0) {
		if (q->after[0] && strcmp(id, q->after) == 0)
			continue;
		/* Bound the time in the loop: a page may come back short,
		 * with `next` set, when few records match. */
		if (++scanned > LIST_SCAN_MAX) {
			pg->truncated = pg->last[0] != '\0';
			break;
		}
		if (ol > 0) {
			/* Ids start with their owner: past the prefix, done. */
			if (strncmp(id, q->owner, ol) != 0) {
				rc = MDB_NOTFOUND;
				break;
			}
			size_t idol = ld_id_owner_len(id);
			if (!ld_path_in_subtree_n(id, idol, q->owner, ol)) {
				pg->last = id;
				continue;
			}
		}
		if (!list_match(q, &v)) {
			pg->last = id;
			continue;
		}
		if (!page_take(pg, id, &v))
			break;
	}
	ld_store_rec_close(&it);
	return rc;
}

/* A page of records: by ref (q->ref) or by owner, `limit` of them at
 * most, LIST_BYTES at most past the first. */
static void
on_list(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
        const Ld__ListRequest *q)
{
	const char *why;
	if (q->owner[0] != '\0' && !ld_path_valid(q->owner, &why)) {
		char err[300];
		snprintf(err, sizeof(err), "owner: %s", why);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_BAD_REQUEST, err);
		return;
	}
	struct list_page pg = {.last = ""};
	pg.limit = q->limit == 0 ? LIST_DEFAULT
	           : q->limit > LIST_MAX ? LIST_MAX
	                                 : q->limit;
	pg.recs = malloc(pg.limit * sizeof(*pg.recs));
	if (pg.recs == NULL) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		            "out of memory");
		return;
	}
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0) {
		free(pg.recs);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		            ld_store_strerror(rc));
		return;
	}
	rc = q->ref[0] != '\0' ? list_refs(&t, q, &pg) : list_owned(&t, q, &pg);
	/* A walk that stopped short of a full page on anything but the end
	 * is the store's failure. */
	if (!pg.truncated && rc != MDB_NOTFOUND) {
		ld_store_read_end(&t);
		free(pg.recs);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		            ld_store_strerror(rc));
		return;
	}
	Ld__ListResponse lr = LD__LIST_RESPONSE__INIT;
	lr.n_records = pg.n;
	lr.records = pg.recs;
	/* Resume after the last id dealt with; "" when the listing is
	 * complete. */
	lr.next = (char *)(pg.truncated ? pg.last : "");
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.result_case = LD__RESPONSE__RESULT_LIST;
	r.list = &lr;
	ld_reply(n, rid, &r);
	ld_store_read_end(&t);
	free(pg.recs);
}

/* Log entries one status call may look at for the lag figures. */
#define STATUS_SCAN_MAX 200000

static void
fill_peer(struct ld_node *n, struct ld_txn *t, const struct ld_peer *p,
          Ld__PeerStatus *ps, int64_t now, int64_t wall, uint64_t *budget)
{
	ld__peer_status__init(ps);
	ps->path = (char *)p->path;
	ps->name = (char *)p->name;
	ps->role = p->is_parent ? "parent" : "child";
	ps->endpoint = p->is_parent ? n->cfg.parent : "";
	ps->connected = p->state == LD_PEER_UP;
	ps->state = (char *)ld_peer_state_name(p->state);
	ps->last_error = (char *)p->last_error;
	ps->in_epoch = p->in_epoch;
	ps->in_seq = p->in_seq;
	ps->in_head = p->in_head;
	ps->lag_in = p->in_head > p->in_seq ? p->in_head - p->in_seq : 0;
	ps->out_acked = p->out_acked;
	ps->lag_out = ld_stream_lag_out(n, t, p, budget);
	ps->refused = p->refused;
	ps->resent = p->resent;
	ps->conflicts = p->conflicts;
	ps->last_seen_ms = p->last_recv_ms ? wall - (now - p->last_recv_ms) : 0;
}

static void
on_status(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
          const Ld__StatusRequest *q)
{
	size_t np = n->nchildren + (n->has_parent ? 1 : 0);
	Ld__PeerStatus *ps = calloc(np + 1, sizeof(*ps));
	Ld__PeerStatus **pp = calloc(np + 1, sizeof(*pp));
	struct ld_txn t;
	int rc = ps && pp ? ld_store_read_begin(n->st, &t) : -ENOMEM;
	if (rc != 0) {
		free(ps);
		free(pp);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		            ld_store_strerror(rc));
		return;
	}
	int64_t now = ld_now_ms(), wall = ld_wall_ms();
	uint64_t budget = STATUS_SCAN_MAX;
	size_t k = 0;
	if (n->has_parent)
		fill_peer(n, &t, &n->parent, &ps[k++], now, wall, &budget);
	for (size_t i = 0; i < n->nchildren; i++)
		fill_peer(n, &t, n->children[i], &ps[k++], now, wall, &budget);
	for (size_t i = 0; i < k; i++)
		pp[i] = &ps[i];
	Ld__StatusResponse s = LD__STATUS_RESPONSE__INIT;
	s.path = n->cfg.id;
	s.name = n->cfg.name;
	s.level = n->cfg.level;
	s.epoch = ld_store_epoch(n->st);
	s.head = ld_store_head(n->st);
	s.records = ld_store_count(&t);
	s.n_peers = k;
	s.peers = pp;
	s.listen = n->cfg.listen;
	s.version = LD_VERSION;
	s.refused = n->refused_total;
	s.chunks_wanted = ld_store_wants_count(&t);
	s.attachments_bad = n->attach_bad;
	char recovery[512];
	ld_recover_text(n, recovery, sizeof(recovery));
	s.recovering = ld_recover_refusing(n);
	s.recovery = recovery;
	s.conflicts = n->conflicts_total;
	s.silent_after_s = n->cfg.health_silent_after_s;
	struct ld_health_tree *ht = NULL;
	if (q != NULL && q->tree && (ht = ld_health_tree_fill(n, &t, &s)) == NULL) {
		ld_store_read_end(&t);
		free(ps);
		free(pp);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		               "the tree could not be read (out of memory?)");
		return;
	}
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.result_case = LD__RESPONSE__RESULT_STATUS;
	r.status = &s;
	ld_reply(n, rid, &r);
	ld_health_tree_free(&ht);
	ld_store_read_end(&t);
	free(ps);
	free(pp);
}

/* ---------------------------------------------------------------- dispatch */

static void
on_request(struct ld_node *n, const struct ld_rid *rid, const void *buf,
           size_t len)
{
	struct ld_budget bud;
	ProtobufCAllocator *al = ld_unpack_budget(&bud, len);
	/* The structs of an AddManyRequest's small records take more than
	 * four times their encoding (a record and its body, ~300 bytes, for
	 * a task of 60): room for LD_ADD_MANY_MAX of them. */
	bud.limit += (size_t)LD_ADD_MANY_MAX * 512;
	Ld__Request *req = ld__request__unpack(al, len, buf);
	ld_budget_end(&bud, req != NULL);
	if (req == NULL) {
		ld_reply_error(n, rid, 0, LD__CODE__CODE_BAD_REQUEST,
		            "request does not decode");
		return;
	}
	bool write = req->op_case == LD__REQUEST__OP_ADD ||
	             req->op_case == LD__REQUEST__OP_ADD_MANY ||
	             req->op_case == LD__REQUEST__OP_UPDATE ||
	             req->op_case == LD__REQUEST__OP_DELETE ||
	             req->op_case == LD__REQUEST__OP_CHUNK_PUT;
	/* A read answers after the writes that came before it. */
	if (!write && n->nwork > 0)
		ld_commit_turn(n, false);
	switch (req->op_case) {
	case LD__REQUEST__OP_ADD:
	case LD__REQUEST__OP_ADD_MANY:
	case LD__REQUEST__OP_UPDATE:
	case LD__REQUEST__OP_DELETE:
	case LD__REQUEST__OP_CHUNK_PUT:
		on_write(n, rid, req);
		return; /* on_write took req */
	case LD__REQUEST__OP_ATTACHMENT_GET:
		ld_files_get(n, rid, req->req_id, req->attachment_get);
		break;
	case LD__REQUEST__OP_GET:
		on_get(n, rid, req->req_id, req->get->id);
		break;
	case LD__REQUEST__OP_LIST:
		on_list(n, rid, req->req_id, req->list);
		break;
	case LD__REQUEST__OP_HISTORY:
		on_history(n, rid, req->req_id, req->history->id);
		break;
	case LD__REQUEST__OP_STATUS:
		on_status(n, rid, req->req_id, req->status);
		break;
	case LD__REQUEST__OP_WAIT:
		ld_waiters_add(n, rid, req->req_id, req->wait);
		break;
	case LD__REQUEST__OP_PROGRESS:
		ld_query_progress(n, rid, req->req_id, req->progress);
		break;
	case LD__REQUEST__OP_INBOX:
		ld_query_inbox(n, rid, req->req_id, req->inbox);
		break;
	case LD__REQUEST__OP_BACKUP:
		ld_backup_copy(n, rid, req->req_id, req->backup);
		break;
	case LD__REQUEST__OP_RELOAD: {
		char err[512];
		if (ld_downlink_reload(n, err, sizeof(err)) != 0) {
			ld_reply_error(n, rid, req->req_id, LD__CODE__CODE_REFUSED,
			            err);
		} else {
			Ld__Response r = LD__RESPONSE__INIT;
			r.req_id = req->req_id;
			ld_reply(n, rid, &r);
		}
		break;
	}
	default:
		ld_reply_error(n, rid, req->req_id, LD__CODE__CODE_BAD_REQUEST,
		            "unknown request");
		break;
	}
	ld__request__free_unpacked(req, NULL);
}

void
ld_api_on_msg(struct ld_node *n, const struct ld_rid *rid, zmq_msg_t *body)
{
	/* On the remote socket, every request's administrator is checked
	 * against the list as it is now. */
	if (rid->remote && !ld_auth_admin_allows(
	                       n->auth, zmq_msg_gets(body, "User-Id"))) {
		/* Answer the request it sent, so its client sees why. */
		Ld__Request *req = ld__request__unpack(
		    NULL, zmq_msg_size(body), zmq_msg_data(body));
		Ld__Response resp = LD__RESPONSE__INIT;
		if (req != NULL) {
			resp.req_id = req->req_id;
			ld__request__free_unpacked(req, NULL);
		}
		resp.code = LD__CODE__CODE_REFUSED;
		resp.error = "this key is not (or no longer) an "
		             "administrator here";
		ld_reply(n, rid, &resp);
		return;
	}
	on_request(n, rid, zmq_msg_data(body), zmq_msg_size(body));
}
