/* rollup.c — progress of a task family over its target offices, and an
 * office's inbox, from decoded records. */
#include "rollup.h"
#include "health.h"
#include "record.h"
#include "rules.h"
#include "text.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const ps_names[LD_PS_COUNT][2] = {
	[LD_PS_PENDING] = {"pending", "待报送"},
	[LD_PS_RELAYED] = {"relayed", "已转办"},
	[LD_PS_OVERDUE] = {"overdue", "逾期"},
	[LD_PS_REPORTED] = {"reported", "已报送"},
	[LD_PS_RESUBMITTED] = {"resubmitted", "已重报"},
	[LD_PS_REVIEWED] = {"reviewed", "已审核"},
	[LD_PS_RETURNED] = {"returned", "已退回"},
	[LD_PS_RECTIFY] = {"rectify", "整改中"},
};

static const char *const act_names[LD_INBOX_COUNT][2] = {
	[LD_INBOX_REPORT] = {"report", "待报送"},
	[LD_INBOX_REVISE] = {"revise", "退回修改"},
	[LD_INBOX_REVIEW] = {"review", "待审核"},
	[LD_INBOX_REPLY] = {"reply", "待答复"},
	[LD_INBOX_SILENT] = {"silent", "下级节点失联"},
};

const char *
ld_ps_name(enum ld_ps s)
{
	return (unsigned)s < LD_PS_COUNT ? ps_names[s][0] : "?";
}

const char *
ld_ps_label(enum ld_ps s)
{
	return (unsigned)s < LD_PS_COUNT ? ps_names[s][1] : "?";
}

enum ld_ps
ld_ps_lookup(const char *name)
{
	int s = 0;
	while (s < LD_PS_COUNT && strcmp(ps_names[s][0], name) != 0)
		s++;
	return (enum ld_ps)s;
}

enum ld_act
ld_act_lookup(const char *name)
{
	int a = 0;
	while (a < LD_INBOX_COUNT && strcmp(act_names[a][0], name) != 0)
		a++;
	return (enum ld_act)a;
}

const char *
ld_act_name(enum ld_act a)
{
	return (unsigned)a < LD_INBOX_COUNT ? act_names[a][0] : "?";
}

const char *
ld_act_label(enum ld_act a)
{
	return (unsigned)a < LD_INBOX_COUNT ? act_names[a][1] : "?";
}

/* ---------------------------------------------------------------- helpers */

static bool
is(const Ld__Record *r, Ld__Record__BodyCase body)
{
	return r != NULL && !r->deleted && r->body_case == body;
}

static bool
covers(const Ld__Record *r, const char *path)
{
	for (size_t i = 0; i < r->n_scope; i++)
		if (ld_path_in_subtree(path, r->scope[i]))
			return true;
	return false;
}

/* Is `r` submitted (a result)? */
static bool
submitted(const Ld__Record *r)
{
	return strcmp(r->result->status, "submitted") == 0;
}

/* Later of two records by id counter (the same owner's). */
static bool
newer(const Ld__Record *a, const Ld__Record *b)
{
	return b == NULL || ld_id_counter(a->id) > ld_id_counter(b->id);
}

/* The review deciding the state of submitted result `res`, and that
 * state: a return or rectification of this version wins over an
 * acceptance; with no review of this version, RESUBMITTED if an earlier
 * version was sent back, else REPORTED. */
static enum ld_ps
review_state(const Ld__Record *const *recs, size_t n, const Ld__Record *res,
             const Ld__Record **by)
{
	const Ld__Record *accepted = NULL, *back = NULL;
	bool earlier_back = false;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		if (!is(r, LD__RECORD__BODY_REVIEW) ||
		    strcmp(r->review->ref, res->id) != 0)
			continue;
		bool sent_back = strcmp(r->review->verdict, "accepted") != 0;
		if (r->review->ref_version != res->version) {
			earlier_back |= sent_back &&
			                r->review->ref_version < res->version;
			continue;
		}
		if (sent_back && newer(r, back))
			back = r;
		else if (!sent_back && newer(r, accepted))
			accepted = r;
	}
	if (back != NULL) {
		*by = back;
		return strcmp(back->review->verdict, "rectify") == 0
		           ? LD_PS_RECTIFY
		           : LD_PS_RETURNED;
	}
	*by = accepted;
	if (accepted != NULL)
		return LD_PS_REVIEWED;
	return earlier_back ? LD_PS_RESUBMITTED : LD_PS_REPORTED;
}

/* ---------------------------------------------------------------- progress */

/* The family: the root task and every live task whose parent is in it. */
static bool *
family(const Ld__Record *const *recs, size_t n, size_t root)
{
	bool *in = calloc(n ? n : 1, sizeof(bool));
	if (in == NULL)
		return NULL;
	in[root] = true;
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < n; i++) {
			const Ld__Record *r = recs[i];
			if (in[i] || !is(r, LD__RECORD__BODY_TASK) ||
			    r->task->parent[0] == '\0')
				continue;
			for (size_t k = 0; k < n; k++) {
				if (in[k] &&
				    strcmp(recs[k]->id, r->task->parent) == 0) {
					in[i] = grew = true;
					break;
				}
			}
		}
	}
	return in;
}

/* What the rows of a progress are computed from, indexed once: the
 * family's tasks, the records by owner, the reviews, the NODE records by
 * path. A row then reads only what concerns its office. */
struct fam_ix {
	const Ld__Record *const *recs;
	size_t n, root;
	const bool *fam;
	size_t *tasks;   /* indexes of the family's tasks */
	int *depth;      /* of each, parents up to the root */
	size_t ntasks;
	size_t *by_owner; /* every index, sorted by owner */
	const Ld__Record **reviews;
	size_t nreviews;
	const Ld__Record **nodes; /* live NODE records, sorted by path */
	size_t nnodes;
};

/* Index of the task `id` in the family, or SIZE_MAX. */
static size_t
find_task(const struct fam_ix *x, const char *id)
{
	for (size_t k = 0; k < x->ntasks; k++)
		if (strcmp(x->recs[x->tasks[k]]->id, id) == 0)
			return x->tasks[k];
	return SIZE_MAX;
}

/* How many parents up to the root. */
static int
task_depth(const struct fam_ix *x, size_t i)
{
	int d = 0;
	while (i != x->root && i != SIZE_MAX && d < 64) {
		i = find_task(x, x->recs[i]->task->parent);
		d++;
	}
	return d;
}

/* Its own due date, else the nearest ancestor's. */
static const char *
due_of(const struct fam_ix *x, size_t i)
{
	for (int hops = 0; i != SIZE_MAX && hops < 64; hops++) {
		if (x->recs[i]->task->due[0] != '\0')
			return x->recs[i]->task->due;
		i = find_task(x, x->recs[i]->task->parent);
	}
	return "";
}

static int
cmp_node_path(const void *a, const void *b)
{
	const Ld__Record *x = *(const Ld__Record *const *)a;
	const Ld__Record *y = *(const Ld__Record *const *)b;
	return strcmp(x->node->path, y->node->path);
}

/* The name of the first NODE record of `path` in the bag, "" if none. */
static const char *
node_name(const struct fam_ix *x, const char *path)
{
	size_t lo = 0, hi = x->nnodes;
	while (lo < hi) { /* the first path >= `path` */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->nodes[mid]->node->path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nnodes && strcmp(x->nodes[lo]->node->path, path) == 0
	           ? x->nodes[lo]->node->name
	           : "";
}

/* qsort's comparison has no argument: the records, for the one thread
 * that sorts (set and used within ix_build). */
static _Thread_local const Ld__Record *const *sort_recs;

static int
cmp_owner(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, k = *(const size_t *)b;
	int c = strcmp(sort_recs[i]->owner, sort_recs[k]->owner);
	return c != 0 ? c : (i > k) - (i < k);
}

static void
ix_free(struct fam_ix *x)
{
	free(x->tasks);
	free(x->depth);
	free(x->by_owner);
	free(x->reviews);
	free(x->nodes);
}

static int
ix_build(struct fam_ix *x, const Ld__Record *const *recs, size_t n,
         size_t root, const bool *fam)
{
	memset(x, 0, sizeof(*x));
	x->recs = recs;
	x->n = n;
	x->root = root;
	x->fam = fam;
	size_t m = n ? n : 1;
	x->tasks = malloc(m * sizeof(*x->tasks));
	x->depth = malloc(m * sizeof(*x->depth));
	x->by_owner = malloc(m * sizeof(*x->by_owner));
	x->reviews = malloc(m * sizeof(*x->reviews));
	x->nodes = malloc(m * sizeof(*x->nodes));
	if (x->tasks == NULL || x->depth == NULL || x->by_owner == NULL ||
	    x->reviews == NULL || x->nodes == NULL) {
		ix_free(x);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		x->by_owner[i] = i;
		if (fam[i])
			x->tasks[x->ntasks++] = i;
		if (is(r, LD__RECORD__BODY_REVIEW))
			x->reviews[x->nreviews++] = r;
		if (is(r, LD__RECORD__BODY_NODE))
			x->nodes[x->nnodes++] = r;
	}
	for (size_t k = 0; k < x->ntasks; k++)
		x->depth[k] = task_depth(x, x->tasks[k]);
	sort_recs = recs;
	qsort(x->by_owner, n, sizeof(*x->by_owner), cmp_owner);
	/* Stable for equal paths: the first record of a path names it. */
	for (size_t i = 1; i < x->nnodes; i++)
		for (size_t k = i; k > 0 && cmp_node_path(&x->nodes[k - 1],
		                                          &x->nodes[k]) > 0;
		     k--) {
			const Ld__Record *t = x->nodes[k];
			x->nodes[k] = x->nodes[k - 1];
			x->nodes[k - 1] = t;
		}
	return 0;
}

static int
by_group_path(const void *x, const void *y)
{
	const struct ld_progress_row *a = x, *b = y;
	int c = strcmp(a->group, b->group);
	return c != 0 ? c : strcmp(a->path, b->path);
}

/* Fill row `w` for office `node` reached by family task `gov`. */
static void
fill_row(const struct fam_ix *x, size_t gov, const Ld__Record *node,
         const char *today, struct ld_progress_row *w)
{
	const Ld__Record *const *recs = x->recs;
	const char *path = node->node->path;
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->name = node->node->name;
	w->task = recs[gov];
	w->due = due_of(x, gov);
	/* Group: the ancestor one level below the root task's owner. */
	int gd = ld_path_depth(recs[x->root]->owner) + 1;
	size_t len = 0;
	for (int seg = 0; path[len] != '\0'; len++)
		if (path[len] == '/' && ++seg == gd)
			break;
	memcpy(w->group, path, len);
	w->group[len] = '\0';
	w->group_name = node_name(x, w->group);

	/* Its latest submitted result for any task of the family, else its
	 * latest draft; and whether it passed the task on. Its records are
	 * a run of by_owner. */
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(recs[x->by_owner[mid]]->owner, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const Ld__Record *sub = NULL, *draft = NULL;
	bool relayed = false;
	for (size_t j = lo; j < x->n; j++) {
		size_t i = x->by_owner[j];
		const Ld__Record *r = recs[i];
		if (strcmp(r->owner, path) != 0)
			break;
		if (x->fam[i] && i != x->root && !r->deleted)
			relayed = true;
		if (!is(r, LD__RECORD__BODY_RESULT) ||
		    find_task(x, r->result->ref) == SIZE_MAX)
			continue;
		if (submitted(r) ? newer(r, sub) : newer(r, draft)) {
			if (submitted(r))
				sub = r;
			else
				draft = r;
		}
	}
	if (sub != NULL) {
		w->result = sub;
		w->state = review_state(x->reviews, x->nreviews, sub,
		                        &w->review);
		return;
	}
	w->result = draft;
	w->draft = draft != NULL;
	if (relayed)
		w->state = LD_PS_RELAYED;
	else if (w->due[0] != '\0' && strcmp(w->due, today) < 0)
		w->state = LD_PS_OVERDUE;
	else
		w->state = LD_PS_PENDING;
}

int
ld_progress_compute(const Ld__Record *const *recs, size_t n, size_t root,
                    const char *today, struct ld_progress *out)
{
	memset(out, 0, sizeof(*out));
	if (root >= n || !is(recs[root], LD__RECORD__BODY_TASK))
		return 0;
	bool *fam = family(recs, n, root);
	struct fam_ix x;
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (fam == NULL || out->rows == NULL ||
	    ix_build(&x, recs, n, root, fam) != 0) {
		free(fam);
		free(out->rows);
		out->rows = NULL;
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		const Ld__Record *node = recs[k];
		if (!is(node, LD__RECORD__BODY_NODE))
			continue;
		const char *path = node->node->path;
		/* The most specific task of the family reaching it (the
		 * first of the deepest, in the bag's order). */
		size_t gov = SIZE_MAX;
		int best = -1;
		for (size_t j = 0; j < x.ntasks; j++) {
			const Ld__Record *t = recs[x.tasks[j]];
			if (t->deleted || !covers(t, path) ||
			    ld_path_in_subtree(t->owner, path))
				continue;
			if (x.depth[j] > best) {
				best = x.depth[j];
				gov = x.tasks[j];
			}
		}
		if (gov == SIZE_MAX)
			continue;
		struct ld_progress_row *w = &out->rows[out->n++];
		fill_row(&x, gov, node, today, w);
		out->count[w->state]++;
		if (w->state >= LD_PS_REPORTED)
			out->reported++;
	}
	ix_free(&x);
	free(fam);
	qsort(out->rows, out->n, sizeof(*out->rows), by_group_path);
	return 0;
}

void
ld_progress_free(struct ld_progress *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- inbox */

/* Records by id, for lookups in O(log n). */
struct byid {
	const Ld__Record **v;
	size_t n;
};

static int
cmp_id(const void *x, const void *y)
{
	const Ld__Record *a = *(const Ld__Record *const *)x;
	const Ld__Record *b = *(const Ld__Record *const *)y;
	return strcmp(a->id, b->id);
}

static const Ld__Record *
lookup(const struct byid *ix, const char *id)
{
	size_t lo = 0, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->v[mid]->id, id);
		if (c == 0)
			return ix->v[mid]->deleted ? NULL : ix->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const Ld__Record *
parent_task(const struct byid *ix, const Ld__Record *t)
{
	const Ld__Record *p = t->task->parent[0] ? lookup(ix, t->task->parent)
	                                         : NULL;
	return is(p, LD__RECORD__BODY_TASK) ? p : NULL;
}

/* Is task `anc` on the parent chain of task `t` (or `t` itself)? */
static bool
descends(const struct byid *ix, const Ld__Record *t, const Ld__Record *anc)
{
	for (int hops = 0; t != NULL && hops < 64; hops++) {
		if (t == anc)
			return true;
		t = parent_task(ix, t);
	}
	return false;
}

/* Has `self` answered task/survey `t`: a submitted result of its own for
 * it or, for a task, for any task above or below it in its family? */
static bool
answered(const struct byid *ix, const Ld__Record *const *own, size_t nown,
         const Ld__Record *t)
{
	for (size_t i = 0; i < nown; i++) {
		const char *ref = own[i]->result->ref;
		if (strcmp(ref, t->id) == 0)
			return true;
		const Ld__Record *x = lookup(ix, ref);
		if (t->body_case == LD__RECORD__BODY_TASK &&
		    is(x, LD__RECORD__BODY_TASK) &&
		    (descends(ix, x, t) || descends(ix, t, x)))
			return true;
	}
	return false;
}

/* Does `self` hold a more specific task for `t`: one derived from it (at
 * any depth) that is addressed to self or that self derived itself? */
static bool
superseded(const char *self, const struct byid *ix, const Ld__Record *t)
{
	for (size_t i = 0; i < ix->n; i++) {
		const Ld__Record *s = ix->v[i];
		if (s == t || !is(s, LD__RECORD__BODY_TASK) ||
		    s->task->parent[0] == '\0' || !descends(ix, s, t))
			continue;
		if (strcmp(s->owner, self) == 0 ||
		    (covers(s, self) && !ld_path_in_subtree(s->owner, self)))
			return true;
	}
	return false;
}

static bool
open_request(const Ld__Record *r)
{
	if (is(r, LD__RECORD__BODY_TASK)) {
		const char *s = r->task->status;
		return strcmp(s, "draft") != 0 && strcmp(s, "closed") != 0 &&
		       strcmp(s, "cancelled") != 0;
	}
	if (is(r, LD__RECORD__BODY_SURVEY)) {
		const char *s = r->survey->status;
		return strcmp(s, "closed") != 0 && strcmp(s, "cancelled") != 0;
	}
	return false;
}

static int
by_urgency(const void *x, const void *y)
{
	const struct ld_inbox_item *a = x, *b = y;
	if (a->overdue != b->overdue)
		return a->overdue ? -1 : 1;
	bool ad = a->due[0] != '\0', bd = b->due[0] != '\0';
	if (ad != bd)
		return ad ? -1 : 1;
	if (ad && a->days_left != b->days_left)
		return a->days_left < b->days_left ? -1 : 1;
	if (a->act != b->act)
		return a->act == LD_INBOX_REVISE ? -1 : b->act == LD_INBOX_REVISE;
	return strcmp(a->rec->id, b->rec->id);
}

static void
set_due(struct ld_inbox_item *it, const char *due, long today,
        bool has_today, int window)
{
	it->due = due;
	long d;
	bool has_due = due[0] != '\0' && ld_text_date_days(due, &d) == 0;
	if (!has_due || !has_today) {
		it->due = has_due ? due : "";
		return;
	}
	it->days_left = d - today;
	it->overdue = it->days_left < 0;
	it->due_soon = !it->overdue && it->days_left <= window;
}

int
ld_inbox_compute(const char *self, const Ld__Record *const *recs, size_t n,
                 const char *today, int window, struct ld_inbox *out)
{
	memset(out, 0, sizeof(*out));
	struct byid ix = {calloc(n ? n : 1, sizeof(*ix.v)), n};
	/* Its own submitted results, and the reviews it wrote. */
	const Ld__Record **own = calloc(n ? n : 1, sizeof(*own));
	const Ld__Record **rev = calloc(n ? n : 1, sizeof(*rev));
	out->items = calloc(n ? n : 1, sizeof(*out->items));
	if (ix.v == NULL || own == NULL || rev == NULL || out->items == NULL) {
		free(ix.v);
		free(own);
		free(rev);
		ld_inbox_free(out);
		return -ENOMEM;
	}
	size_t nown = 0, nrev = 0;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		ix.v[i] = r;
		if (is(r, LD__RECORD__BODY_RESULT) && submitted(r) &&
		    strcmp(r->owner, self) == 0)
			own[nown++] = r;
		if (is(r, LD__RECORD__BODY_REVIEW) &&
		    strcmp(r->owner, self) == 0)
			rev[nrev++] = r;
	}
	qsort(ix.v, n, sizeof(*ix.v), cmp_id);
	long now = 0;
	bool has_now = ld_text_date_days(today, &now) == 0;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		struct ld_inbox_item it = {0};
		it.rec = r;
		it.due = "";
		if (open_request(r) && !ld_path_in_subtree(r->owner, self) &&
		    covers(r, self) && !answered(&ix, own, nown, r) &&
		    (r->body_case != LD__RECORD__BODY_TASK ||
		     !superseded(self, &ix, r))) {
			/* A task or survey addressed to it from above. */
			it.act = LD_INBOX_REPORT;
			set_due(&it,
			        r->body_case == LD__RECORD__BODY_TASK
			            ? r->task->due
			            : r->survey->end,
			        now, has_now, window);
		} else if (is(r, LD__RECORD__BODY_RESULT) && submitted(r) &&
		           strcmp(r->owner, self) == 0) {
			/* Its own result, sent back? */
			enum ld_ps st = review_state(recs, n, r, &it.cause);
			if (st != LD_PS_RETURNED && st != LD_PS_RECTIFY)
				continue;
			it.act = LD_INBOX_REVISE;
		} else if (is(r, LD__RECORD__BODY_RESULT) && submitted(r) &&
		           strcmp(r->owner, self) != 0 &&
		           ld_path_in_subtree(r->owner, self)) {
			/* A result from below answering its own task or
			 * survey, with no review of this version by it. */
			const Ld__Record *q = lookup(&ix, r->result->ref);
			if (q == NULL || strcmp(q->owner, self) != 0)
				continue;
			bool reviewed = false;
			for (size_t k = 0; k < nrev && !reviewed; k++)
				reviewed = strcmp(rev[k]->review->ref, r->id) == 0 &&
				           rev[k]->review->ref_version == r->version;
			if (reviewed)
				continue;
			it.act = LD_INBOX_REVIEW;
		} else if (is(r, LD__RECORD__BODY_PROPOSAL) &&
		           strcmp(r->owner, self) == 0 &&
		           ld_rule_proposal_awaits_reply(r->proposal) &&
		           r->proposal->deadline[0] != '\0') {
			/* Its own proposal, awaiting the handler's reply by
			 * its deadline: overdue is rules.h's. */
			it.act = LD_INBOX_REPLY;
			set_due(&it, r->proposal->deadline, now, has_now,
			        window);
			it.overdue = has_now &&
			             ld_rule_proposal_overdue(r->proposal, today);
			if (it.overdue)
				it.due_soon = false;
		} else {
			continue;
		}
		out->items[out->n++] = it;
	}
	free(ix.v);
	free(own);
	free(rev);
	qsort(out->items, out->n, sizeof(*out->items), by_urgency);
	return 0;
}

static int
by_deadline(const void *x, const void *y)
{
	const struct ld_proposal_row *a = x, *b = y;
	if (a->overdue != b->overdue)
		return a->overdue ? -1 : 1;
	const char *da = a->rec->proposal->deadline,
	           *db = b->rec->proposal->deadline;
	bool ha = da[0] != '\0', hb = db[0] != '\0';
	if (ha != hb)
		return ha ? -1 : 1;
	int c = strcmp(da, db);
	return c != 0 ? c : strcmp(a->rec->id, b->rec->id);
}

int
ld_proposals_compute(const char *self, const Ld__Record *const *recs, size_t n,
                     const char *today, struct ld_proposals *out)
{
	memset(out, 0, sizeof(*out));
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (out->rows == NULL)
		return -ENOMEM;
	long now = 0;
	bool has_now = today != NULL && ld_text_date_days(today, &now) == 0;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		if (!is(r, LD__RECORD__BODY_PROPOSAL) ||
		    !ld_path_in_subtree(r->owner, self) ||
		    !ld_rule_proposal_awaits_reply(r->proposal))
			continue;
		struct ld_proposal_row *w = &out->rows[out->n++];
		w->rec = r;
		long d;
		if (has_now && r->proposal->deadline[0] != '\0' &&
		    ld_text_date_days(r->proposal->deadline, &d) == 0) {
			w->has_days = true;
			w->days_left = d - now;
		}
		w->overdue = ld_rule_proposal_overdue(r->proposal, today);
		out->overdue += w->overdue;
	}
	qsort(out->rows, out->n, sizeof(*out->rows), by_deadline);
	return 0;
}

void
ld_proposals_free(struct ld_proposals *p)
{
	free(p->rows);
	memset(p, 0, sizeof(*p));
}

void
ld_inbox_free(struct ld_inbox *b)
{
	free(b->items);
	memset(b, 0, sizeof(*b));
}

int
ld_inbox_add_silent(const char *self, const Ld__Record *const *recs, size_t n,
                    int64_t now_ms, unsigned silent_after_s,
                    struct ld_inbox *in)
{
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *c = recs[i];
		if (!is(c, LD__RECORD__BODY_NODE) ||
		    !ld_path_is_child(c->owner, self))
			continue;
		int64_t last = 0;
		for (size_t k = 0; k < n; k++) {
			const Ld__Record *h = recs[k];
			if (is(h, LD__RECORD__BODY_HEALTH) &&
			    strcmp(h->owner, c->owner) == 0 &&
			    h->updated_at > last)
				last = h->updated_at;
		}
		if (!ld_health_silent(last, c->updated_at, now_ms,
		                      silent_after_s))
			continue;
		struct ld_inbox_item *v =
		    realloc(in->items, (in->n + 1) * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		in->items = v;
		struct ld_inbox_item *it = &v[in->n++];
		memset(it, 0, sizeof(*it));
		it->act = LD_INBOX_SILENT;
		it->rec = c;
		it->due = "";
		it->reported_ms = last;
	}
	return 0;
}
