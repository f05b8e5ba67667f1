/* rollup.c — progress of a task family over its target offices, and an
 * office's inbox, from decoded records. */
#include "rollup.h"
#include "health.h"
#include "record.h"
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

/* Index of the task `id` in the family, or SIZE_MAX. */
static size_t
find_task(const Ld__Record *const *recs, size_t n, const bool *fam,
          const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (fam[i] && strcmp(recs[i]->id, id) == 0)
			return i;
	return SIZE_MAX;
}

/* How many parents up to the root. */
static int
task_depth(const Ld__Record *const *recs, size_t n, const bool *fam,
           size_t i, size_t root)
{
	int d = 0;
	while (i != root && i != SIZE_MAX && d < 64) {
		i = find_task(recs, n, fam, recs[i]->task->parent);
		d++;
	}
	return d;
}

/* Its own due date, else the nearest ancestor's. */
static const char *
due_of(const Ld__Record *const *recs, size_t n, const bool *fam, size_t i)
{
	for (int hops = 0; i != SIZE_MAX && hops < 64; hops++) {
		if (recs[i]->task->due[0] != '\0')
			return recs[i]->task->due;
		i = find_task(recs, n, fam, recs[i]->task->parent);
	}
	return "";
}

static const char *
node_name(const Ld__Record *const *recs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (is(recs[i], LD__RECORD__BODY_NODE) &&
		    strcmp(recs[i]->node->path, path) == 0)
			return recs[i]->node->name;
	return "";
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
fill_row(const Ld__Record *const *recs, size_t n, const bool *fam,
         size_t root, size_t gov, const Ld__Record *node, const char *today,
         struct ld_progress_row *w)
{
	const char *path = node->node->path;
	memset(w, 0, sizeof(*w));
	w->path = path;
	w->name = node->node->name;
	w->task = recs[gov];
	w->due = due_of(recs, n, fam, gov);
	/* Group: the ancestor one level below the root task's owner. */
	int gd = ld_path_depth(recs[root]->owner) + 1;
	size_t len = 0;
	for (int seg = 0; path[len] != '\0'; len++)
		if (path[len] == '/' && ++seg == gd)
			break;
	memcpy(w->group, path, len);
	w->group[len] = '\0';
	w->group_name = node_name(recs, n, w->group);

	/* Its latest submitted result for any task of the family, else its
	 * latest draft; and whether it passed the task on. */
	const Ld__Record *sub = NULL, *draft = NULL;
	bool relayed = false;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		if (strcmp(r->owner, path) != 0)
			continue;
		if (fam[i] && i != root && !r->deleted)
			relayed = true;
		if (!is(r, LD__RECORD__BODY_RESULT) ||
		    find_task(recs, n, fam, r->result->ref) == SIZE_MAX)
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
		w->state = review_state(recs, n, sub, &w->review);
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
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (fam == NULL || out->rows == NULL) {
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
		/* The most specific task of the family reaching it. */
		size_t gov = SIZE_MAX;
		int best = -1;
		for (size_t i = 0; i < n; i++) {
			const Ld__Record *t = recs[i];
			if (!fam[i] || t->deleted || !covers(t, path) ||
			    ld_path_in_subtree(t->owner, path))
				continue;
			int d = task_depth(recs, n, fam, i, root);
			if (d > best) {
				best = d;
				gov = i;
			}
		}
		if (gov == SIZE_MAX)
			continue;
		struct ld_progress_row *w = &out->rows[out->n++];
		fill_row(recs, n, fam, root, gov, node, today, w);
		out->count[w->state]++;
		if (w->state >= LD_PS_REPORTED)
			out->reported++;
	}
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
