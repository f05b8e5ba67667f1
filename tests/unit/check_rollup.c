/* check_rollup.c — progress of a task family over its target offices and
 * an office's inbox (rollup), and the health of the tree (health: when a
 * HEALTH record is written, who is silent, the tree), on hand-built
 * records of a province, two cities and four counties. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "record.h"
#include "rollup.h"

#define P "530000"
#define C1 "530000/530300"
#define C2 "530000/530900"
#define X11 "530000/530300/530325"
#define X12 "530000/530300/530381"
#define X21 "530000/530900/530921"
#define X22 "530000/530900/530922"
#define TODAY "2026-11-23"

/* ---- records built by hand, from a pool freed after each test ---- */

struct rec {
	Ld__Record r;
	union {
		Ld__Node node;
		Ld__Task task;
		Ld__Survey survey;
		Ld__Result result;
		Ld__Review review;
		Ld__Health health;
		Ld__Proposal proposal;
	} b;
	char id[LD_ID_MAX + 1];
	char *scope[4];
};

static struct rec pool[64];
static const Ld__Record *recs[64];
static size_t nrec;

static void
reset(void)
{
	memset(pool, 0, sizeof(pool));
	nrec = 0;
}

static Ld__Record *
base(const char *owner, unsigned counter, Ld__Record__BodyCase body,
     Ld__Kind kind)
{
	ck_assert_uint_lt(nrec, 64);
	struct rec *x = &pool[nrec];
	ld__record__init(&x->r);
	snprintf(x->id, sizeof(x->id), "%s:%u", owner, counter);
	x->r.id = x->id;
	x->r.owner = (char *)owner;
	x->r.version = 1;
	x->r.kind = kind;
	x->r.body_case = body;
	x->r.scope = x->scope;
	recs[nrec++] = &x->r;
	return &x->r;
}

static void
scope(Ld__Record *r, const char *s)
{
	r->scope[r->n_scope++] = (char *)s;
}

static void
node(const char *path, const char *name)
{
	Ld__Record *r = base(path, 0, LD__RECORD__BODY_NODE,
	                     LD__KIND__KIND_NODE);
	Ld__Node *nd = &((struct rec *)r)->b.node;
	ld__node__init(nd);
	nd->path = (char *)path;
	nd->name = (char *)name;
	r->node = nd;
	scope(r, path);
}

static Ld__Record *
task(const char *owner, unsigned c, const char *parent, const char *due,
     const char *s1, const char *s2)
{
	Ld__Record *r = base(owner, c, LD__RECORD__BODY_TASK,
	                     LD__KIND__KIND_TASK);
	Ld__Task *t = &((struct rec *)r)->b.task;
	ld__task__init(t);
	t->form = "监督性视察";
	t->topic = "营商环境";
	t->parent = (char *)parent;
	t->due = (char *)due;
	t->status = "dispatched";
	r->task = t;
	scope(r, s1);
	if (s2 != NULL)
		scope(r, s2);
	return r;
}

static Ld__Record *
survey(const char *owner, unsigned c, const char *end, const char *s1)
{
	Ld__Record *r = base(owner, c, LD__RECORD__BODY_SURVEY,
	                     LD__KIND__KIND_SURVEY);
	Ld__Survey *s = &((struct rec *)r)->b.survey;
	ld__survey__init(s);
	s->form = "联合调研";
	s->topic = "河长制";
	s->end = (char *)end;
	s->status = "planned";
	r->survey = s;
	scope(r, s1);
	return r;
}

static Ld__Record *
result(const char *owner, unsigned c, const char *ref, const char *status,
       uint64_t version)
{
	Ld__Record *r = base(owner, c, LD__RECORD__BODY_RESULT,
	                     LD__KIND__KIND_RESULT);
	Ld__Result *res = &((struct rec *)r)->b.result;
	ld__result__init(res);
	res->ref = (char *)ref;
	res->summary = "完成";
	res->status = (char *)status;
	r->result = res;
	r->version = version;
	return r;
}

static Ld__Record *
review(const char *owner, unsigned c, const char *ref, const char *verdict,
       uint64_t ref_version)
{
	Ld__Record *r = base(owner, c, LD__RECORD__BODY_REVIEW,
	                     LD__KIND__KIND_REVIEW);
	Ld__Review *rv = &((struct rec *)r)->b.review;
	ld__review__init(rv);
	rv->ref = (char *)ref;
	rv->verdict = (char *)verdict;
	rv->ref_version = ref_version;
	r->review = rv;
	return r;
}

static Ld__Record *
proposal(const char *owner, unsigned c, const char *status,
         const char *deadline)
{
	Ld__Record *r =
	    base(owner, c, LD__RECORD__BODY_PROPOSAL, LD__KIND__KIND_PROPOSAL);
	Ld__Proposal *q = &((struct rec *)r)->b.proposal;
	ld__proposal__init(q);
	q->title = "供水";
	q->status = (char *)status;
	q->deadline = (char *)deadline;
	r->proposal = q;
	return r;
}

static void
tree(void)
{
	node(P, "云南省政协");
	node(C1, "曲靖市政协");
	node(C2, "临沧市政协");
	node(X11, "富源县政协");
	node(X12, "宣威市政协");
	node(X21, "凤庆县政协");
	node(X22, "云县政协");
}

/* The three-level linked task of the integration test: the province's
 * task to both cities, each city's sub-task to its counties (the second
 * city's already past due), and the counties' answers. */
static size_t
linked(void)
{
	tree();
	size_t root = nrec;
	task(P, 1, "", "2099-12-31", C1, C2);
	task(C1, 2, P ":1", "", X11, X12);
	task(C2, 3, P ":1", "2020-01-01", X21, X22);
	result(X11, 4, C1 ":2", "submitted", 1);
	review(C1, 5, X11 ":4", "accepted", 1);
	result(X12, 6, C1 ":2", "submitted", 2);
	review(P, 7, X12 ":6", "returned", 1);
	result(X21, 8, C2 ":3", "submitted", 1);
	return root;
}

static const struct ld_progress_row *
row(const struct ld_progress *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rows[i].path, path) == 0)
			return &p->rows[i];
	return NULL;
}

#define STATE(p, path, st)                                                     \
	do {                                                                   \
		const struct ld_progress_row *w_ = row((p), (path));           \
		ck_assert_msg(w_ != NULL, "%s is not a target", (path));       \
		ck_assert_msg(w_->state == (st), "%s is %s, not %s", (path),   \
		              ld_ps_name(w_->state), ld_ps_name(st));          \
	} while (0)

START_TEST(test_progress_linked)
{
	reset();
	size_t root = linked();
	struct ld_progress p;
	ck_assert_int_eq(ld_progress_compute(recs, nrec, root, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 6); /* 2 cities, 4 counties; not the province */
	ck_assert_ptr_null(row(&p, P));
	STATE(&p, C1, LD_PS_RELAYED);
	STATE(&p, C2, LD_PS_RELAYED);
	STATE(&p, X11, LD_PS_REVIEWED);
	STATE(&p, X12, LD_PS_RESUBMITTED);
	STATE(&p, X21, LD_PS_REPORTED);
	STATE(&p, X22, LD_PS_OVERDUE);
	ck_assert_uint_eq(p.count[LD_PS_RELAYED], 2);
	ck_assert_uint_eq(p.count[LD_PS_OVERDUE], 1);
	ck_assert_uint_eq(p.reported, 3);

	/* Grouped by city, in path order within a group. */
	ck_assert_str_eq(p.rows[0].path, C1);
	ck_assert_str_eq(p.rows[1].path, X11);
	ck_assert_str_eq(p.rows[2].path, X12);
	ck_assert_str_eq(p.rows[3].path, C2);
	ck_assert_str_eq(p.rows[5].path, X22);
	ck_assert_str_eq(row(&p, X12)->group, C1);
	ck_assert_str_eq(row(&p, X12)->group_name, "曲靖市政协");
	ck_assert_str_eq(row(&p, C2)->group, C2);

	/* Each county is reached by its city's sub-task, with the due date
	 * it inherits or has. */
	ck_assert_str_eq(row(&p, X11)->task->id, C1 ":2");
	ck_assert_str_eq(row(&p, X11)->due, "2099-12-31");
	ck_assert_str_eq(row(&p, X22)->due, "2020-01-01");
	ck_assert_str_eq(row(&p, C1)->task->id, P ":1");
	ck_assert_str_eq(row(&p, X11)->review->owner, C1);
	ck_assert_str_eq(row(&p, X12)->result->id, X12 ":6");
	ck_assert_ptr_null(row(&p, X22)->result);
	ld_progress_free(&p);
}
END_TEST

/* A city sees its own subtree: the other city and its counties are not
 * in its store, so not in its progress. */
START_TEST(test_progress_at_a_city)
{
	reset();
	node(C1, "曲靖市政协");
	node(X11, "富源县政协");
	node(X12, "宣威市政协");
	node(P, "云南省政协");
	size_t root = nrec;
	task(P, 1, "", "2099-12-31", C1, C2);
	task(C1, 2, P ":1", "", X11, X12);
	result(X11, 4, C1 ":2", "submitted", 1);
	struct ld_progress p;
	ck_assert_int_eq(ld_progress_compute(recs, nrec, root, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 3);
	STATE(&p, C1, LD_PS_RELAYED);
	STATE(&p, X11, LD_PS_REPORTED);
	STATE(&p, X12, LD_PS_PENDING);
	ld_progress_free(&p);

	/* Progress of the city's own sub-task: its counties only. */
	ck_assert_int_eq(ld_progress_compute(recs, nrec, root + 1, TODAY, &p),
	                 0);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_ptr_null(row(&p, C1));
	ck_assert_str_eq(row(&p, X12)->group, X12);
	ld_progress_free(&p);
}
END_TEST

START_TEST(test_progress_states)
{
	reset();
	tree();
	size_t root = nrec;
	/* Directly to four counties, due yesterday. */
	Ld__Record *t = task(P, 1, "", "2026-11-22", X11, X12);
	scope(t, X21);
	scope(t, X22);
	/* X11: returned, this version. X12: rectify. X21: draft only.
	 * X22: accepted by one reviewer, returned by another: returned. */
	result(X11, 2, P ":1", "submitted", 1);
	review(P, 3, X11 ":2", "returned", 1);
	result(X12, 4, P ":1", "submitted", 1);
	review(C1, 5, X12 ":4", "rectify", 1);
	result(X21, 6, P ":1", "draft", 1);
	result(X22, 7, P ":1", "submitted", 3);
	review(C2, 8, X22 ":7", "accepted", 3);
	review(P, 9, X22 ":7", "returned", 3);
	/* Noise: a deleted result, another task's result, a tombstoned
	 * review, a review of an older version that accepted. */
	Ld__Record *dead = result(X21, 10, P ":1", "submitted", 2);
	dead->deleted = true;
	task(P, 11, "", "", X21, NULL);
	result(X21, 12, P ":11", "submitted", 1);
	Ld__Record *gone = review(P, 13, X12 ":4", "accepted", 1);
	gone->deleted = true;
	struct ld_progress p;
	ck_assert_int_eq(ld_progress_compute(recs, nrec, root, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 4);
	STATE(&p, X11, LD_PS_RETURNED);
	STATE(&p, X12, LD_PS_RECTIFY);
	STATE(&p, X21, LD_PS_OVERDUE);
	ck_assert(row(&p, X21)->draft);
	ck_assert_str_eq(row(&p, X21)->result->id, X21 ":6");
	STATE(&p, X22, LD_PS_RETURNED);
	ck_assert_str_eq(row(&p, X22)->review->owner, P);
	ck_assert_uint_eq(p.reported, 3);
	ld_progress_free(&p);

	/* Due today is not overdue yet. */
	ck_assert_int_eq(
	    ld_progress_compute(recs, nrec, root, "2026-11-22", &p), 0);
	STATE(&p, X21, LD_PS_PENDING);
	ld_progress_free(&p);

	/* Not a task, or out of range: nothing. */
	ck_assert_int_eq(ld_progress_compute(recs, nrec, 0, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 0);
	ld_progress_free(&p);
	ck_assert_int_eq(ld_progress_compute(recs, nrec, nrec, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 0);
	ld_progress_free(&p);
}
END_TEST

/* A deleted sub-task no longer routes its counties: they fall back to
 * the parent task's scope, if it covers them. */
START_TEST(test_progress_deleted_subtask)
{
	reset();
	tree();
	size_t root = nrec;
	task(P, 1, "", "2099-12-31", C1, NULL);
	Ld__Record *sub = task(C1, 2, P ":1", "2020-01-01", X11, NULL);
	sub->deleted = true;
	struct ld_progress p;
	ck_assert_int_eq(ld_progress_compute(recs, nrec, root, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 3); /* C1, X11, X12 by the province's scope */
	STATE(&p, C1, LD_PS_PENDING);
	STATE(&p, X11, LD_PS_PENDING);
	ck_assert_str_eq(row(&p, X11)->task->id, P ":1");
	ld_progress_free(&p);
}
END_TEST

/* ---- health ---- */

#define NOW 1800000000000LL /* ms */
#define HOUR 3600000LL

/* A HEALTH record of `owner` written at `at`. */
static void
health(const char *owner, unsigned c, int64_t at)
{
	Ld__Record *r = base(owner, c, LD__RECORD__BODY_HEALTH,
	                     LD__KIND__KIND_HEALTH);
	Ld__Health *h = &((struct rec *)r)->b.health;
	ld__health__init(h);
	h->version = "0.1.0";
	r->health = h;
	r->updated_at = at;
}

/* The NODE records were written 10 h ago; every office but X22 (last
 * heard 7 h ago) and X12 (never) reported a minute ago. */
static void
healthy_but_two(void)
{
	tree();
	for (size_t i = 0; i < nrec; i++)
		pool[i].r.updated_at = NOW - 10 * HOUR;
	health(P, 10, NOW - 60000);
	health(C1, 11, NOW - 60000);
	health(C2, 12, NOW - 60000);
	health(X11, 13, NOW - 60000);
	health(X21, 14, NOW - 60000);
	health(X22, 15, NOW - 7 * HOUR);
}

START_TEST(test_tree)
{
	reset();
	healthy_but_two();
	struct ld_tree t;
	ck_assert_int_eq(ld_tree_compute(P, recs, nrec, NOW, 6 * 3600, &t), 0);
	ck_assert_uint_eq(t.n, 7);
	ck_assert_uint_eq(t.silent, 2);
	ck_assert_str_eq(t.rows[0].path, P);
	ck_assert_int_eq(t.rows[0].depth, 0);
	ck_assert_str_eq(t.rows[1].path, C1);
	ck_assert_str_eq(t.rows[1].name, "曲靖市政协");
	ck_assert_int_eq(t.rows[2].depth, 2);
	for (size_t i = 0; i < t.n; i++) {
		bool want = strcmp(t.rows[i].path, X12) == 0 ||
		            strcmp(t.rows[i].path, X22) == 0;
		ck_assert_msg(t.rows[i].silent == want, "%s", t.rows[i].path);
	}
	ld_tree_free(&t);
	/* At a city: itself and its counties only. */
	ck_assert_int_eq(ld_tree_compute(C2, recs, nrec, NOW, 6 * 3600, &t), 0);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_str_eq(t.rows[0].path, C2);
	ck_assert_uint_eq(t.silent, 1);
	ld_tree_free(&t);
	/* An office that just joined is not silent yet. */
	ck_assert(!ld_health_silent(0, NOW - HOUR, NOW, 6 * 3600));
	ck_assert(ld_health_silent(0, 0, NOW, 6 * 3600));
	ck_assert(!ld_health_silent(NOW - 6 * HOUR, 0, NOW, 6 * 3600));
	ck_assert(ld_health_silent(NOW - 6 * HOUR - 1, 0, NOW, 6 * 3600));
}
END_TEST

START_TEST(test_health_due)
{
	Ld__LinkHealth la = LD__LINK_HEALTH__INIT, lb = LD__LINK_HEALTH__INIT;
	Ld__LinkHealth *pa[] = {&la}, *pb[] = {&lb};
	Ld__Health a = LD__HEALTH__INIT, b = LD__HEALTH__INIT;
	la.path = lb.path = X11;
	la.role = lb.role = "child";
	la.state = lb.state = "up";
	la.connected = lb.connected = true;
	a.links = pa;
	b.links = pb;
	a.n_links = b.n_links = 1;
	a.version = b.version = "0.1.0";
	ck_assert(ld_health_changed(NULL, &a));
	ck_assert(!ld_health_changed(&a, &b));
	/* Head, records and a lag within its power of ten are not news. */
	b.head = 99;
	b.records = 1000;
	la.lag_in = 3;
	lb.lag_in = 7;
	ck_assert(!ld_health_changed(&a, &b));
	lb.lag_in = 12;
	ck_assert(ld_health_changed(&a, &b));
	lb.lag_in = 7;
	lb.connected = false;
	lb.state = "down";
	ck_assert(ld_health_changed(&a, &b));
	lb.connected = true;
	lb.state = "up";
	lb.refused = 1;
	ck_assert(ld_health_changed(&a, &b));
	lb.refused = 0;
	/* Unchanged: written again only after refresh. */
	ck_assert(!ld_health_due(&a, NOW, &b, NOW + HOUR - 1, 3600));
	ck_assert(ld_health_due(&a, NOW, &b, NOW + HOUR, 3600));
}
END_TEST

/* ---- inbox ---- */

static const struct ld_inbox_item *
item(const struct ld_inbox *b, enum ld_act act, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].act == act && strcmp(b->items[i].rec->id, id) == 0)
			return &b->items[i];
	return NULL;
}

START_TEST(test_inbox_counties)
{
	reset();
	linked();
	struct ld_inbox b;
	/* X22: the city's overdue sub-task; the province's task is covered
	 * by it, so listed once. */
	ck_assert_int_eq(ld_inbox_compute(X22, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 1);
	const struct ld_inbox_item *it = item(&b, LD_INBOX_REPORT, C2 ":3");
	ck_assert_ptr_nonnull(it);
	ck_assert(it->overdue);
	/* 2020-01-01 to 2026-11-23: 6 years with two leap days, then
	 * 326 days into 2026. */
	ck_assert_int_eq(it->days_left, -(6 * 365 + 2 + 326));
	ld_inbox_free(&b);

	/* X21 answered; X11 answered and accepted: nothing to do. */
	ck_assert_int_eq(ld_inbox_compute(X21, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 0);
	ld_inbox_free(&b);
	ck_assert_int_eq(ld_inbox_compute(X11, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 0);
	ld_inbox_free(&b);
}
END_TEST

/* A due date before 1970 is still a date (days before the epoch are
 * negative, not "no date"). */
START_TEST(test_inbox_due_before_1970)
{
	reset();
	tree();
	task(P, 1, "", "1969-12-01", X11, NULL);
	struct ld_inbox b;
	ck_assert_int_eq(ld_inbox_compute(X11, recs, nrec, "1970-01-05", 7, &b),
	                 0);
	ck_assert_uint_eq(b.n, 1);
	const struct ld_inbox_item *it = item(&b, LD_INBOX_REPORT, P ":1");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->due, "1969-12-01");
	ck_assert(it->overdue);
	ck_assert_int_eq(it->days_left, -35);
	ld_inbox_free(&b);
}
END_TEST

START_TEST(test_inbox_returned_and_review)
{
	reset();
	tree();
	task(P, 1, "", "2099-12-31", C1, NULL);
	task(C1, 2, P ":1", "", X11, X12);
	result(X12, 3, C1 ":2", "submitted", 1);
	review(P, 4, X12 ":3", "returned", 1);
	result(X11, 5, C1 ":2", "submitted", 1);
	struct ld_inbox b;
	/* X12 must revise; the task itself counts as answered. */
	ck_assert_int_eq(ld_inbox_compute(X12, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 1);
	const struct ld_inbox_item *it = item(&b, LD_INBOX_REVISE, X12 ":3");
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(it->cause->id, P ":4");
	ld_inbox_free(&b);

	/* C1 relayed the province's task (not listed), and must review
	 * both county results answering its sub-task. */
	ck_assert_int_eq(ld_inbox_compute(C1, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_ptr_nonnull(item(&b, LD_INBOX_REVIEW, X11 ":5"));
	ck_assert_ptr_nonnull(item(&b, LD_INBOX_REVIEW, X12 ":3"));
	ld_inbox_free(&b);

	/* Once C1 reviews X11's version, only X12's remains. */
	review(C1, 6, X11 ":5", "accepted", 1);
	ck_assert_int_eq(ld_inbox_compute(C1, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_ptr_nonnull(item(&b, LD_INBOX_REVIEW, X12 ":3"));
	ld_inbox_free(&b);

	/* The province does not review results answering the city's
	 * sub-task: that is the city's to do. */
	ck_assert_int_eq(ld_inbox_compute(P, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 0);
	ld_inbox_free(&b);
}
END_TEST

START_TEST(test_inbox_due_window)
{
	reset();
	tree();
	task(P, 1, "", "2026-11-26", X11, NULL);  /* in 3 days */
	task(P, 2, "", "2026-12-20", X11, NULL);  /* in 27 days */
	task(P, 3, "", "", X11, NULL);            /* no due date */
	task(P, 4, "", "2026-11-01", X11, NULL);  /* 22 days late */
	survey(P, 5, "2026-11-30", X11);          /* ends in 7 days */
	Ld__Record *closed = task(P, 6, "", "2026-11-24", X11, NULL);
	closed->task->status = "closed";
	Ld__Record *draft = task(P, 7, "", "2026-11-24", X11, NULL);
	draft->task->status = "draft";
	task(P, 8, "", "2026-11-24", X12, NULL);  /* someone else's */
	struct ld_inbox b;
	ck_assert_int_eq(ld_inbox_compute(X11, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 5);
	/* Overdue first, then by due date, then those without one. */
	ck_assert_str_eq(b.items[0].rec->id, P ":4");
	ck_assert(b.items[0].overdue);
	ck_assert_int_eq(b.items[0].days_left, -22);
	ck_assert_str_eq(b.items[1].rec->id, P ":1");
	ck_assert(b.items[1].due_soon && !b.items[1].overdue);
	ck_assert_int_eq(b.items[1].days_left, 3);
	ck_assert_str_eq(b.items[2].rec->id, P ":5");
	ck_assert(b.items[2].due_soon);
	ck_assert_str_eq(b.items[3].rec->id, P ":2");
	ck_assert(!b.items[3].due_soon);
	ck_assert_str_eq(b.items[4].rec->id, P ":3");
	ck_assert_str_eq(b.items[4].due, "");
	ld_inbox_free(&b);

	/* A narrower window. */
	ck_assert_int_eq(ld_inbox_compute(X11, recs, nrec, TODAY, 2, &b), 0);
	ck_assert(!item(&b, LD_INBOX_REPORT, P ":1")->due_soon);
	ld_inbox_free(&b);

	/* Answering the survey takes it off. */
	result(X11, 9, P ":5", "submitted", 1);
	ck_assert_int_eq(ld_inbox_compute(X11, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 4);
	ck_assert_ptr_null(item(&b, LD_INBOX_REPORT, P ":5"));
	ld_inbox_free(&b);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(ld_ps_name(LD_PS_RESUBMITTED), "resubmitted");
	ck_assert_str_eq(ld_ps_label(LD_PS_OVERDUE), "逾期");
	ck_assert_str_eq(ld_ps_name(LD_PS_COUNT), "?");
	ck_assert_str_eq(ld_act_name(LD_INBOX_REVISE), "revise");
	ck_assert_str_eq(ld_act_label(LD_INBOX_REVIEW), "待审核");
	ck_assert_str_eq(ld_act_name(LD_INBOX_COUNT), "?");
	for (int i = 0; i < LD_PS_COUNT; i++)
		ck_assert_int_eq(ld_ps_lookup(ld_ps_name((enum ld_ps)i)), i);
	for (int i = 0; i < LD_INBOX_COUNT; i++)
		ck_assert_int_eq(ld_act_lookup(ld_act_name((enum ld_act)i)), i);
	ck_assert_int_eq(ld_ps_lookup("逾期"), LD_PS_COUNT);
	ck_assert_int_eq(ld_act_lookup(""), LD_INBOX_COUNT);
}
END_TEST

/* The office directly above a silent office is told; no one else. */
START_TEST(test_inbox_silent)
{
	reset();
	healthy_but_two();
	struct ld_inbox b;
	ck_assert_int_eq(ld_inbox_compute(C2, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_int_eq(ld_inbox_add_silent(C2, recs, nrec, NOW, 6 * 3600, &b),
	                 0);
	ck_assert_uint_eq(b.n, 1);
	const struct ld_inbox_item *it = item(&b, LD_INBOX_SILENT, X22 ":0");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->reported_ms, NOW - 7 * HOUR);
	ck_assert_str_eq(ld_act_name(LD_INBOX_SILENT), "silent");
	ck_assert_str_eq(ld_act_label(LD_INBOX_SILENT), "下级节点失联");
	ld_inbox_free(&b);
	ck_assert_int_eq(ld_inbox_compute(C1, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_int_eq(ld_inbox_add_silent(C1, recs, nrec, NOW, 6 * 3600, &b),
	                 0);
	ck_assert_uint_eq(b.n, 1);
	it = item(&b, LD_INBOX_SILENT, X12 ":0");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(it->reported_ms, 0);
	ld_inbox_free(&b);
	/* The province hears from both cities: nothing. */
	ck_assert_int_eq(ld_inbox_compute(P, recs, nrec, TODAY, 7, &b), 0);
	ck_assert_int_eq(ld_inbox_add_silent(P, recs, nrec, NOW, 6 * 3600, &b),
	                 0);
	ck_assert_uint_eq(b.n, 0);
	ld_inbox_free(&b);
}
END_TEST

/* The proposals awaiting a reply in an office's subtree, overdue by the
 * inbox's rule (the day after the deadline, not on it), overdue first,
 * then by deadline, none last; replied, deleted and others' are not. */
START_TEST(test_proposals_awaiting)
{
	reset();
	proposal(C1, 1, "assigned", "2026-11-30"); /* due in 7 days */
	proposal(X11, 2, "filed", "2026-11-22");   /* overdue by one */
	proposal(C1, 3, "filed", "2026-11-23");    /* due today: not yet */
	proposal(X12, 4, "assigned", "");          /* no deadline */
	proposal(C1, 5, "replied", "2026-01-01");  /* answered */
	proposal(C1, 6, "submitted", "");          /* not filed yet */
	proposal(C2, 7, "assigned", "2026-01-01"); /* another city's */
	proposal(C1, 8, "assigned", "2026-01-01")->deleted = true;
	struct ld_proposals p;
	ck_assert_int_eq(ld_proposals_compute(C1, recs, nrec, TODAY, &p), 0);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_uint_eq(p.overdue, 1);
	ck_assert_str_eq(p.rows[0].rec->id, X11 ":2");
	ck_assert(p.rows[0].overdue && p.rows[0].has_days);
	ck_assert_int_eq(p.rows[0].days_left, -1);
	ck_assert_str_eq(p.rows[1].rec->id, C1 ":3");
	ck_assert(!p.rows[1].overdue);
	ck_assert_int_eq(p.rows[1].days_left, 0);
	ck_assert_str_eq(p.rows[2].rec->id, C1 ":1");
	ck_assert_int_eq(p.rows[2].days_left, 7);
	ck_assert_str_eq(p.rows[3].rec->id, X12 ":4");
	ck_assert(!p.rows[3].has_days && !p.rows[3].overdue);
	ld_proposals_free(&p);
	/* The inbox of the county marks the same proposal overdue. */
	struct ld_inbox in;
	ck_assert_int_eq(ld_inbox_compute(X11, recs, nrec, TODAY, 7, &in), 0);
	ck_assert_uint_eq(in.n, 1);
	ck_assert(in.items[0].act == LD_INBOX_REPLY && in.items[0].overdue);
	ld_inbox_free(&in);
	/* Not a date: nothing is overdue, nothing counted in days. */
	ck_assert_int_eq(ld_proposals_compute(P, recs, nrec, "soon", &p), 0);
	ck_assert_uint_eq(p.n, 5);
	ck_assert_uint_eq(p.overdue, 0);
	for (size_t i = 0; i < p.n; i++)
		ck_assert(!p.rows[i].has_days);
	ld_proposals_free(&p);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("rollup");
	TCase *tc = tcase_create("progress and inbox");
	tcase_add_test(tc, test_progress_linked);
	tcase_add_test(tc, test_progress_at_a_city);
	tcase_add_test(tc, test_progress_states);
	tcase_add_test(tc, test_progress_deleted_subtask);
	tcase_add_test(tc, test_inbox_counties);
	tcase_add_test(tc, test_inbox_due_before_1970);
	tcase_add_test(tc, test_inbox_returned_and_review);
	tcase_add_test(tc, test_inbox_due_window);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_tree);
	tcase_add_test(tc, test_health_due);
	tcase_add_test(tc, test_inbox_silent);
	tcase_add_test(tc, test_proposals_awaiting);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
