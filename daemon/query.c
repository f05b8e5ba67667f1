/* query.c — the roll-up requests: gather the records a task's progress or
 * an office's inbox needs from one read transaction (the refs index, the
 * owners table, the log; store/gather.c), compute it (rollup.c) and
 * answer. */
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

void
ld_query_progress(struct ld_node *n, const struct ld_rid *rid,
                  uint64_t req_id, const Ld__ProgressRequest *q)
{
	char today[11], err[LD_ID_MAX + 100];
	if (today_of(n, rid, req_id, q->today, today) != 0)
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
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.result_case = LD__RESPONSE__RESULT_PROGRESS;
	r.progress = &pr;
	ld_reply(n, rid, &r);
	free(rows);
	free(rp);
	ld_progress_free(&p);
	ld_bag_free(&b);
}

/* ---------------------------------------------------------------- inbox */

/* Tasks and surveys this node owns or that are addressed to it from
 * above, found in the log without decoding the others. */
static int
gather_requests(struct ld_txn *t, const char *self, struct ld_bag *b)
{
	struct ld_logiter it;
	int rc = ld_store_log_open(t, 0, &it);
	struct ld_logent e;
	size_t sl = strlen(self);
	while (rc == 0 && (rc = ld_store_log_next(&it, &e)) == 0) {
		if (e.deleted || (e.kind != LD__KIND__KIND_TASK &&
		                  e.kind != LD__KIND__KIND_SURVEY))
			continue;
		const struct ld_flow_rec *f = &e.flow;
		bool own = f->owner.n == sl &&
		           memcmp(f->owner.p, self, sl) == 0;
		bool to_me = false;
		for (size_t i = 0; !own && !to_me && i < f->nscope; i++)
			to_me = ld_path_in_subtree_n(self, sl, f->scope[i].p,
			                             f->scope[i].n);
		if (!own && !to_me)
			continue;
		char id[LD_ID_MAX + 1];
		if (e.id.n > LD_ID_MAX)
			continue;
		memcpy(id, e.id.p, e.id.n);
		id[e.id.n] = '\0';
		ld_bag_put(b, ld_store_load(t, id));
	}
	ld_store_log_close(&it);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Its own results and reviews (ids "<self>:N"), the reviews of its
 * results, and the results answering its own tasks and surveys. */
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
		Ld__Record *r = ld_record_unpack(v.p, v.n);
		if (r != NULL && !r->deleted &&
		    (r->body_case == LD__RECORD__BODY_RESULT ||
		     r->body_case == LD__RECORD__BODY_REVIEW))
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
	       : r->body_case == LD__RECORD__BODY_NODE   ? r->node->name
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
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.result_case = LD__RESPONSE__RESULT_INBOX;
	r.inbox = &ir;
	ld_reply(n, rid, &r);
	free(items);
	free(ip);
	ld_inbox_free(&in);
	ld_bag_free(&b);
}
