/* query.c — the roll-up requests: gather the records a task's progress or
 * an office's inbox needs from one read transaction (the refs index, the
 * owners table, the id ranges of the office and its ancestors;
 * store/gather.c), compute it (rollup.c) and answer; the same question
 * at an unchanged store is answered from answers.c. */
#include "gather.h"
#include "node_int.h"
#include "path.h"
#include "rollup.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* `q` if given and valid, else the node's local date. Returns 0, or
 * -EINVAL (the client answered) if `q` is not a date. */
static int
today_of(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
         const char *q, char out[11])
{
	if (q[0] != '\0') {
		if (!ld_text_date_valid(q)) {
			char err[96];
			snprintf(err, sizeof(err), "today: '%.32s' is not a "
			         "date (YYYY-MM-DD)", q);
			ld_reply_error(n, rid, req_id,
			             LD__CODE__CODE_BAD_REQUEST, err);
			return -EINVAL;
		}
		snprintf(out, 11, "%s", q);
		return 0;
	}
	ld_query_today(out);
	return 0;
}

void
ld_query_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		snprintf(out, 11, "1970-01-01");
}

/* A read transaction for a request. Returns 0, or the store's code (the
 * client answered). */
static int
begin(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
      struct ld_txn *t)
{
	int rc = ld_store_read_begin(n->st, t);
	if (rc != 0)
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		             ld_store_strerror(rc));
	return rc;
}

/* ---------------------------------------------------------------- progress */

/* Is the record at rec[0..n) one of the two kinds wanted? A kind the
 * bytes do not tell is decoded to see. */
static bool
may_be(const struct ld_val *rec, Ld__Kind a, Ld__Kind b)
{
	Ld__Kind k = ld_record_peek_kind(rec->p, rec->n);
	return k == LD__KIND__KIND_UNSPECIFIED || k == a || k == b;
}

/* The proposals of this office and the offices below it: the id range
 * "<self>" and every "<self>/...": a proposal flows up only, so none
 * other is held here. Only the proposals are decoded. */
static int
gather_proposals(struct ld_txn *t, const char *self, struct ld_bag *b)
{
	size_t sl = strlen(self);
	struct ld_reciter it;
	int rc = ld_store_rec_open(t, self, &it);
	const char *id;
	struct ld_val v;
	while (rc == 0 && (rc = ld_store_rec_next(&it, &id, &v)) == 0 &&
	       strncmp(id, self, sl) == 0) {
		if (id[sl] != ':' && id[sl] != '/')
			continue;
		if (!may_be(&v, LD__KIND__KIND_PROPOSAL,
		            LD__KIND__KIND_PROPOSAL))
			continue;
		Ld__Record *r = ld_record_unpack(v.p, v.n);
		if (r != NULL && !r->deleted &&
		    r->body_case == LD__RECORD__BODY_PROPOSAL &&
		    ld_path_in_subtree(r->owner, self))
			ld_bag_put(b, r);
		else if (r != NULL)
			ld__record__free_unpacked(r, NULL);
	}
	ld_store_rec_close(&it);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* ProgressRequest.proposals: the proposals awaiting a reply, overdue
 * ones first (rollup.c, ld_proposals_compute). */
static void
progress_proposals(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
                   const char *today)
{
	char key[32];
	snprintf(key, sizeof(key), "proposals %s", today);
	if (ld_answers_reply(n, rid, req_id, LD__RESPONSE__RESULT_PROGRESS,
	                     key))
		return;
	struct ld_txn t;
	if (begin(n, rid, req_id, &t) != 0)
		return;
	struct ld_bag b = {0};
	int rc = gather_proposals(&t, n->cfg.id, &b);
	ld_store_read_end(&t);
	struct ld_proposals p = {0};
	if (rc == 0 && b.oom)
		rc = -ENOMEM;
	if (rc == 0)
		rc = ld_proposals_compute(
		    n->cfg.id, (const Ld__Record *const *)b.v, b.n, today, &p);
	Ld__ProposalRow *rows = calloc(p.n ? p.n : 1, sizeof(*rows));
	Ld__ProposalRow **rp = calloc(p.n ? p.n : 1, sizeof(*rp));
	if (rc != 0 || rows == NULL || rp == NULL) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		               rc != 0 && rc != -ENOMEM ? ld_store_strerror(rc)
		                                        : "out of memory");
		goto leave;
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct ld_proposal_row *w = &p.rows[i];
		const Ld__Proposal *q = w->rec->proposal;
		Ld__ProposalRow *o = &rows[i];
		ld__proposal_row__init(o);
		o->id = w->rec->id;
		o->owner = w->rec->owner;
		o->number = q->number;
		o->title = q->title;
		o->submitter = q->submitter;
		o->status = q->status;
		o->handler = q->handler;
		o->n_assisting = q->n_assisting;
		o->assisting = q->assisting;
		o->key = q->key;
		o->supervisor = q->supervisor;
		o->filed_on = q->filed_on;
		o->deadline = q->deadline;
		o->extended = q->extended;
		o->days_left = w->has_days ? (int32_t)w->days_left : 0;
		o->overdue = w->overdue;
		rp[i] = o;
	}
	Ld__ProgressResponse pr = LD__PROGRESS_RESPONSE__INIT;
	pr.today = (char *)today;
	pr.n_proposals = p.n;
	pr.proposals = rp;
	pr.proposals_overdue = (uint32_t)p.overdue;
	ld_answers_put_reply(n, rid, req_id, LD__RESPONSE__RESULT_PROGRESS, key,
	                     &pr.base);
leave:
	free(rows);
	free(rp);
	ld_proposals_free(&p);
	ld_bag_free(&b);
}

void
ld_query_progress(struct ld_node *n, const struct ld_rid *rid,
                  uint64_t req_id, const Ld__ProgressRequest *q)
{
	char today[11], err[LD_ID_MAX + 100];
	if (today_of(n, rid, req_id, q->today, today) != 0)
		return;
	if (q->proposals) {
		if (q->id[0] != '\0')
			ld_reply_error(n, rid, req_id,
			               LD__CODE__CODE_BAD_REQUEST,
			               "progress: a task id or the proposals, "
			               "not both");
		else
			progress_proposals(n, rid, req_id, today);
		return;
	}
	char key[LD_ID_MAX + 32];
	snprintf(key, sizeof(key), "%.*s %s", LD_ID_MAX, q->id, today);
	if (ld_answers_reply(n, rid, req_id, LD__RESPONSE__RESULT_PROGRESS,
	                     key))
		return;
	struct ld_txn t;
	if (begin(n, rid, req_id, &t) != 0)
		return;
	struct ld_bag b = {0};
	Ld__Record *root = ld_store_load(&t, q->id);
	if (root == NULL || root->deleted ||
	    root->body_case != LD__RECORD__BODY_TASK) {
		if (root == NULL)
			snprintf(err, sizeof(err), "no record %.300s at this "
			         "node", q->id);
		else if (root->deleted)
			snprintf(err, sizeof(err), "%.300s was deleted", q->id);
		else
			snprintf(err, sizeof(err), "%.300s is a %s, not a task",
			         q->id, ld_kind_name(root->kind));
		ld_reply_error(n, rid, req_id,
		             root == NULL ? LD__CODE__CODE_NOT_FOUND
		                          : LD__CODE__CODE_REFUSED,
		             err);
		if (root != NULL)
			ld__record__free_unpacked(root, NULL);
		ld_store_read_end(&t);
		return;
	}
	ld_bag_put(&b, root);
	ld_store_gather_family(&t, &b);
	ld_store_read_end(&t);
	struct ld_progress p = {0};
	if (b.oom || ld_progress_compute((const Ld__Record *const *)b.v, b.n,
	                                 0, today, &p) != 0) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		             "out of memory");
		ld_bag_free(&b);
		return;
	}
	Ld__ProgressRow *rows = calloc(p.n ? p.n : 1, sizeof(*rows));
	Ld__ProgressRow **rp = calloc(p.n ? p.n : 1, sizeof(*rp));
	if (rows == NULL || rp == NULL) {
		free(rows);
		free(rp);
		ld_progress_free(&p);
		ld_bag_free(&b);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		             "out of memory");
		return;
	}
	for (size_t i = 0; i < p.n; i++) {
		const struct ld_progress_row *w = &p.rows[i];
		Ld__ProgressRow *o = &rows[i];
		ld__progress_row__init(o);
		o->path = (char *)w->path;
		o->name = (char *)w->name;
		o->group = (char *)w->group;
		o->group_name = (char *)w->group_name;
		o->state = (char *)ld_ps_name(w->state);
		o->task = w->task->id;
		o->due = (char *)w->due;
		if (w->result != NULL) {
			o->result = w->result->id;
			o->result_version = w->result->version;
		}
		if (w->review != NULL) {
			o->review = w->review->id;
			o->reviewer = w->review->owner;
		}
		o->draft = w->draft;
		rp[i] = o;
	}
	Ld__ProgressResponse pr = LD__PROGRESS_RESPONSE__INIT;
	pr.task = root->id;
	pr.topic = root->task->topic;
	pr.today = today;
	pr.n_rows = p.n;
	pr.rows = rp;
	pr.targets = (uint32_t)p.n;
	pr.reported = (uint32_t)p.reported;
	pr.reviewed = (uint32_t)p.count[LD_PS_REVIEWED];
	pr.returned = (uint32_t)(p.count[LD_PS_RETURNED] +
	                         p.count[LD_PS_RECTIFY]);
	pr.overdue = (uint32_t)p.count[LD_PS_OVERDUE];
	pr.pending = (uint32_t)p.count[LD_PS_PENDING];
	pr.relayed = (uint32_t)p.count[LD_PS_RELAYED];
	pr.resubmitted = (uint32_t)p.count[LD_PS_RESUBMITTED];
	ld_answers_put_reply(n, rid, req_id, LD__RESPONSE__RESULT_PROGRESS, key,
	                     &pr.base);
	free(rows);
	free(rp);
	ld_progress_free(&p);
	ld_bag_free(&b);
}

/* ---------------------------------------------------------------- inbox */

/* Tasks and surveys this node owns or that are addressed to it from
 * above. Only its own and its ancestors' can be: a scope lies inside its
 * owner's subtree, and a record owned below this office is never
 * addressed to it from above (rollup.c). So only the id ranges
 * "<self>:", "<parent>:" ... "<root>:" are read, never the whole store,
 * and of them only the tasks and surveys decoded. */
static int
gather_requests(struct ld_txn *t, const char *self, struct ld_bag *b)
{
	char prefix[LD_PATH_MAX + 2];
	size_t sl = strlen(self), len = sl;
	if (sl > LD_PATH_MAX)
		return 0;
	int rc = 0;
	while (len > 0 && rc == 0) {
		memcpy(prefix, self, len);
		prefix[len] = ':';
		prefix[len + 1] = '\0';
		bool own = len == sl;
		struct ld_reciter it;
		rc = ld_store_rec_open(t, prefix, &it);
		const char *id;
		struct ld_val v;
		while (rc == 0 && (rc = ld_store_rec_next(&it, &id, &v)) == 0 &&
		       strncmp(id, prefix, len + 1) == 0) {
			if (!may_be(&v, LD__KIND__KIND_TASK,
			            LD__KIND__KIND_SURVEY))
				continue;
			Ld__Record *r = ld_record_unpack(v.p, v.n);
			bool keep = r != NULL && !r->deleted &&
			            (r->body_case == LD__RECORD__BODY_TASK ||
			             r->body_case == LD__RECORD__BODY_SURVEY);
			if (keep && !own) {
				keep = false;
				for (size_t i = 0; !keep && i < r->n_scope; i++)
					keep = ld_path_in_subtree(self, r->scope[i]);
			}
			if (keep)
				ld_bag_put(b, r);
			else if (r != NULL)
				ld__record__free_unpacked(r, NULL);
		}
		ld_store_rec_close(&it);
		if (rc == MDB_NOTFOUND)
			rc = 0;
		/* The parent's path: this one up to its last '/'. */
		prefix[len] = '\0';
		len = ld_path_parent_len(prefix);
	}
	return rc;
}

/* Its own results, reviews and proposals (ids "<self>:N": a proposal's
 * reply deadline), the reviews of its results, and the results answering
 * its own tasks and surveys. */
static int
gather_answers(struct ld_txn *t, const char *self, struct ld_bag *b)
{
	size_t first = b->n;
	char prefix[LD_PATH_MAX + 2];
	snprintf(prefix, sizeof(prefix), "%s:", self);
	size_t pl = strlen(prefix);
	struct ld_reciter it;
	int rc = ld_store_rec_open(t, prefix, &it);
	const char *id;
	struct ld_val v;
	while (rc == 0 && (rc = ld_store_rec_next(&it, &id, &v)) == 0) {
		if (strncmp(id, prefix, pl) != 0)
			break;
		if (!may_be(&v, LD__KIND__KIND_RESULT, LD__KIND__KIND_REVIEW) &&
		    !may_be(&v, LD__KIND__KIND_PROPOSAL,
		            LD__KIND__KIND_PROPOSAL))
			continue;
		Ld__Record *r = ld_record_unpack(v.p, v.n);
		if (r != NULL && !r->deleted &&
		    (r->body_case == LD__RECORD__BODY_RESULT ||
		     r->body_case == LD__RECORD__BODY_REVIEW ||
		     r->body_case == LD__RECORD__BODY_PROPOSAL))
			ld_bag_put(b, r);
		else if (r != NULL)
			ld__record__free_unpacked(r, NULL);
	}
	ld_store_rec_close(&it);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	size_t end = b->n;
	for (size_t i = 0; i < end && !b->oom; i++) {
		const Ld__Record *r = b->v[i];
		char rid[LD_ID_MAX + 1];
		snprintf(rid, sizeof(rid), "%s", r->id);
		if (i >= first && r->body_case == LD__RECORD__BODY_RESULT)
			ld_bag_put_refs(t, b, rid, LD__RECORD__BODY_REVIEW);
		else if (i < first && strcmp(r->owner, self) == 0)
			ld_bag_put_refs(t, b, rid, LD__RECORD__BODY_RESULT);
	}
	return 0;
}

int
ld_query_inbox_of(struct ld_node *n, const char *today, int days,
                  struct ld_bag *b, struct ld_inbox *in)
{
	struct ld_txn t;
	int rc = ld_store_read_begin(n->st, &t);
	if (rc != 0)
		return rc;
	const char *self = n->cfg.id;
	rc = gather_requests(&t, self, b);
	if (rc == 0)
		rc = gather_answers(&t, self, b);
	if (rc == 0)
		rc = ld_store_gather_health(&t, self, b);
	ld_store_read_end(&t);
	if (rc == 0 && b->oom)
		rc = -ENOMEM;
	if (rc == 0)
		rc = ld_inbox_compute(self, (const Ld__Record *const *)b->v,
		                      b->n, today, days, in);
	if (rc == 0)
		rc = ld_inbox_add_silent(self, (const Ld__Record *const *)b->v,
		                         b->n, ld_wall_ms(),
		                         n->cfg.health_silent_after_s, in);
	if (rc != 0)
		ld_bag_free(b);
	return rc;
}

const char *
ld_query_item_topic(const struct ld_inbox_item *it)
{
	const Ld__Record *r = it->rec;
	return r->body_case == LD__RECORD__BODY_TASK     ? r->task->topic
	       : r->body_case == LD__RECORD__BODY_SURVEY ? r->survey->topic
	       : r->body_case == LD__RECORD__BODY_RESULT ? r->result->summary
	       : r->body_case == LD__RECORD__BODY_PROPOSAL
	           ? r->proposal->title
	       : r->body_case == LD__RECORD__BODY_NODE ? r->node->name
	                                               : "";
}

void
ld_query_inbox(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
               const Ld__InboxRequest *q)
{
	char today[11];
	if (today_of(n, rid, req_id, q->today, today) != 0)
		return;
	if (q->days > 366) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_BAD_REQUEST,
		             "days: at most 366");
		return;
	}
	const char *self = n->cfg.id;
	char key[64];
	/* An office below goes silent with time, not with a write: the
	 * answer is kept within the second it was computed in. */
	snprintf(key, sizeof(key), "%s %u %lld", today, q->days ? q->days : 7,
	         (long long)(ld_wall_ms() / 1000));
	if (ld_answers_reply(n, rid, req_id, LD__RESPONSE__RESULT_INBOX, key))
		return;
	struct ld_bag b = {0};
	struct ld_inbox in = {0};
	int rc = ld_query_inbox_of(n, today, q->days ? (int)q->days : 7, &b,
	                           &in);
	if (rc != 0) {
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		             ld_store_strerror(rc));
		return;
	}
	Ld__InboxItem *items = calloc(in.n ? in.n : 1, sizeof(*items));
	Ld__InboxItem **ip = calloc(in.n ? in.n : 1, sizeof(*ip));
	if (items == NULL || ip == NULL) {
		free(items);
		free(ip);
		ld_inbox_free(&in);
		ld_bag_free(&b);
		ld_reply_error(n, rid, req_id, LD__CODE__CODE_INTERNAL,
		             "out of memory");
		return;
	}
	for (size_t i = 0; i < in.n; i++) {
		const struct ld_inbox_item *w = &in.items[i];
		const Ld__Record *r = w->rec;
		Ld__InboxItem *o = &items[i];
		ld__inbox_item__init(o);
		o->action = (char *)ld_act_name(w->act);
		o->id = r->id;
		o->kind = (char *)ld_kind_name(r->kind);
		o->topic = (char *)ld_query_item_topic(w);
		o->from = r->owner;
		o->due = (char *)w->due;
		o->days_left = (int32_t)w->days_left;
		o->overdue = w->overdue;
		o->due_soon = w->due_soon;
		o->reported_ms = w->reported_ms;
		if (w->cause != NULL) {
			o->from = w->cause->owner;
			o->cause = w->cause->id;
			o->comment = w->cause->review->comment;
		}
		ip[i] = o;
	}
	Ld__InboxResponse ir = LD__INBOX_RESPONSE__INIT;
	ir.path = (char *)self;
	ir.today = today;
	ir.n_items = in.n;
	ir.items = ip;
	ld_answers_put_reply(n, rid, req_id, LD__RESPONSE__RESULT_INBOX, key,
	                     &ir.base);
	free(items);
	free(ip);
	ld_inbox_free(&in);
	ld_bag_free(&b);
}
