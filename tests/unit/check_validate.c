/* check_validate.c — vocabularies and checks on local records: new ones,
 * and the owner's changes to them. */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "lifecycle.h"
#include "validate.h"
#include "vocab.h"

#define PROV "530000"
#define CITY "530000/530300"
#define COUNTY "530000/530300/530325"
#define OTHER_CITY "530000/530100"

static char err[512];

/* The daemon gets records from clients as bytes; ld_validate_new frees and
 * replaces strings of a record unpacked with the default allocator. So
 * every input is packed and unpacked first, and freed with
 * ld__record__free_unpacked afterwards. */
static Ld__Record *
unpacked(const Ld__Record *r)
{
	size_t n = ld__record__get_packed_size(r);
	uint8_t *buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(ld__record__pack(r, buf), n);
	Ld__Record *u = ld__record__unpack(NULL, n, buf);
	free(buf);
	ck_assert_ptr_nonnull(u);
	return u;
}

/* Validate a copy of `r` as node `self`; the copy is freed. */
static int
try_new(const char *self, const Ld__Record *r)
{
	Ld__Record *u = unpacked(r);
	err[0] = '\0';
	int rc = ld_validate_new(self, u, err, sizeof(err));
	ld__record__free_unpacked(u, NULL);
	return rc;
}

/* Assert `r` is refused for `self` with an error naming every word in the
 * NULL-terminated list. */
static void
refused_at(int line, const char *self, const Ld__Record *r, ...)
{
	int rc = try_new(self, r);
	ck_assert_msg(rc == LD_EREFUSED || rc == LD_ELIMIT,
	              "line %d: rc %d, not a refusal", line, rc);
	ck_assert_msg(err[0] != '\0', "line %d: refused without a reason",
	              line);
	ck_assert_msg(strchr(err, '\n') == NULL, "line %d: reason not one line",
	              line);
	va_list ap;
	va_start(ap, r);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
		ck_assert_msg(strstr(err, w) != NULL,
		              "line %d: reason '%s' does not mention '%s'",
		              line, err, w);
	va_end(ap);
}
#define REFUSED(self, r, ...)                                                  \
	refused_at(__LINE__, (self), (r), __VA_ARGS__, (const char *)NULL)

/* Validate and keep the result for inspection (caller frees). */
static Ld__Record *
accepted_at(int line, const char *self, const Ld__Record *r)
{
	Ld__Record *u = unpacked(r);
	err[0] = '\0';
	int rc = ld_validate_new(self, u, err, sizeof(err));
	if (rc != 0)
		ld__record__free_unpacked(u, NULL);
	ck_assert_msg(rc == 0, "line %d: refused: %s", line, err);
	return u;
}
#define ACCEPTED(self, r) accepted_at(__LINE__, (self), (r))

/* What a validated record needs to pass the structural check the store
 * and peers apply: the daemon fills id, owner and version. */
static void
assert_structurally_valid(Ld__Record *u, const char *owner)
{
	char id[LD_ID_MAX];
	ld_id_format(id, sizeof(id), owner, 1);
	ck_assert_int_eq(ld_set_str(&u->id, id), 0);
	ck_assert_int_eq(ld_set_str(&u->owner, owner), 0);
	u->version = 1;
	char e[256] = "";
	ck_assert_msg(ld_record_check(u, 0, e, sizeof(e)) == 0, "%s", e);
}

/* ---- fixtures: one valid record per kind, built by hand ---- */

struct fx {
	Ld__Record r;
	char *scope[LD_SCOPE_MAX + 2];
	union {
		struct {
			Ld__Task t;
			char *targets[3];
		} task;
		struct {
			Ld__Plan p;
			Ld__PlanItem it[2];
			Ld__PlanItem *itp[2];
		} plan;
		struct {
			Ld__Survey s;
			char *parts[3];
		} survey;
		struct {
			Ld__Result res;
			char *findings[2];
			Ld__Metric m[2];
			Ld__Metric *mp[2];
		} result;
		Ld__Review review;
		Ld__Proposal proposal;
		Ld__Node node;
		Ld__Report report;
	} u;
};

static void
fx_base(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	ld__record__init(&f->r);
	f->r.scope = f->scope;
}

static void
add_scope(struct fx *f, const char *p)
{
	f->scope[f->r.n_scope++] = (char *)p;
}

static Ld__Record *
fx_task(struct fx *f)
{
	fx_base(f);
	Ld__Task *t = &f->u.task.t;
	ld__task__init(t);
	t->form = "inspection";
	t->topic = "营商环境优化";
	t->due = "2025-06-30";
	f->u.task.targets[0] = "市发展改革委";
	f->u.task.targets[1] = "市市场监管局";
	t->targets = f->u.task.targets;
	t->n_targets = 2;
	add_scope(f, CITY);
	f->r.body_case = LD__RECORD__BODY_TASK;
	f->r.task = t;
	return &f->r;
}

static Ld__Record *
fx_plan(struct fx *f)
{
	fx_base(f);
	Ld__Plan *p = &f->u.plan.p;
	ld__plan__init(p);
	p->year = 2025;
	p->title = "2025年度协商计划";
	for (int i = 0; i < 2; i++) {
		ld__plan_item__init(&f->u.plan.it[i]);
		f->u.plan.itp[i] = &f->u.plan.it[i];
	}
	f->u.plan.it[0].form = "专题";
	f->u.plan.it[0].month = 4;
	f->u.plan.it[0].topic = "乡村振兴";
	f->u.plan.it[0].lead = "农业农村委";
	f->u.plan.it[1].form = "bimonthly";
	f->u.plan.it[1].month = 0;
	f->u.plan.it[1].topic = "高原特色农业";
	p->items = f->u.plan.itp;
	p->n_items = 2;
	f->r.body_case = LD__RECORD__BODY_PLAN;
	f->r.plan = p;
	return &f->r;
}

static Ld__Record *
fx_survey(struct fx *f)
{
	fx_base(f);
	Ld__Survey *s = &f->u.survey.s;
	ld__survey__init(s);
	s->form = "joint";
	s->topic = "河湖长制落实情况";
	s->start = "2025-05-10";
	s->end = "2025-05-12";
	f->u.survey.parts[0] = COUNTY;
	s->participants = f->u.survey.parts;
	s->n_participants = 1;
	add_scope(f, COUNTY);
	f->r.body_case = LD__RECORD__BODY_SURVEY;
	f->r.survey = s;
	return &f->r;
}

static Ld__Record *
fx_result(struct fx *f)
{
	fx_base(f);
	Ld__Result *res = &f->u.result.res;
	ld__result__init(res);
	res->ref = "530000:7";
	res->summary = "完成监督性视察，发现问题3个";
	f->u.result.findings[0] = "审批时限偏长";
	res->findings = f->u.result.findings;
	res->n_findings = 1;
	for (int i = 0; i < 2; i++) {
		ld__metric__init(&f->u.result.m[i]);
		f->u.result.mp[i] = &f->u.result.m[i];
	}
	f->u.result.m[0].name = "调研";
	f->u.result.m[0].value = 10;
	f->u.result.m[1].name = "满意率";
	f->u.result.m[1].value = 0.98;
	res->metrics = f->u.result.mp;
	res->n_metrics = 2;
	f->r.body_case = LD__RECORD__BODY_RESULT;
	f->r.result = res;
	return &f->r;
}

static Ld__Record *
fx_review(struct fx *f)
{
	fx_base(f);
	Ld__Review *rv = &f->u.review;
	ld__review__init(rv);
	rv->ref = "530000/530300/530325:3";
	rv->verdict = "通过";
	rv->comment = "材料翔实";
	add_scope(f, COUNTY);
	f->r.body_case = LD__RECORD__BODY_REVIEW;
	f->r.review = rv;
	return &f->r;
}

static Ld__Record *
fx_proposal(struct fx *f)
{
	fx_base(f);
	Ld__Proposal *p = &f->u.proposal;
	ld__proposal__init(p);
	p->number = "20250012";
	p->title = "关于加快农村物流体系建设的提案";
	p->submitter = "张三";
	f->r.body_case = LD__RECORD__BODY_PROPOSAL;
	f->r.proposal = p;
	return &f->r;
}

/* ---- vocabularies ---- */

START_TEST(test_vocab_lookup)
{
	/* Canonical names map to themselves. */
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "监督性视察"),
	                 "监督性视察");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "明查暗访"),
	                 "明查暗访");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_PLAN_FORM, "双月协商"),
	                 "双月协商");
	/* Chinese short aliases. */
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "视察"),
	                 "监督性视察");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "督办"),
	                 "提案督办");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_PLAN_FORM, "专题"),
	                 "专题协商");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_PLAN_FORM, "提案办理"),
	                 "提案办理协商");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_VERDICT, "通过"), "accepted");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_VERDICT, "整改"), "rectify");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_VERDICT, "退回"), "returned");
	/* English aliases. */
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "inspection"),
	                 "监督性视察");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "unannounced"),
	                 "明查暗访");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "questionnaire"),
	                 "问卷调查");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "appraisal"),
	                 "民主评议");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "follow-up"),
	                 "跟踪问效");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_SURVEY_FORM, "survey"),
	                 "调研");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_SURVEY_FORM, "joint"),
	                 "联合调研");
	/* The same word may mean different things in different lists. */
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_SURVEY_FORM, "inspection"),
	                 "视察");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_SURVEY_FORM, "视察"), "视察");
	ck_assert_str_eq(ld_vocab_lookup(LD_VOCAB_PLAN_FORM, "bimonthly"),
	                 "双月协商");
	ck_assert_str_eq(
	    ld_vocab_lookup(LD_VOCAB_PLAN_FORM, "counterpart-sector"),
	    "对口界别协商");
	/* Unknown words, words of another list, nothing. */
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "patrol"));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_TASK_FORM, ""));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "专题"));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_PLAN_FORM, "inspection"));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_VERDICT, "maybe"));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_VERDICT, NULL));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_COUNT, "accepted"));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "监督性"));
	ck_assert_ptr_null(ld_vocab_lookup(LD_VOCAB_TASK_FORM, "inspection "));
}
END_TEST

START_TEST(test_vocab_describe)
{
	const char *d = ld_vocab_describe(LD_VOCAB_TASK_FORM);
	ck_assert_ptr_nonnull(strstr(d, "监督性视察 (inspection)"));
	ck_assert_ptr_nonnull(strstr(d, "明查暗访 (unannounced)"));
	ck_assert_ptr_nonnull(strstr(d, "跟踪问效 (follow-up)"));
	d = ld_vocab_describe(LD_VOCAB_PLAN_FORM);
	ck_assert_ptr_nonnull(strstr(d, "专题协商 (topical)"));
	ck_assert_ptr_nonnull(strstr(d, "其他 (other)")); /* the last row */
	d = ld_vocab_describe(LD_VOCAB_VERDICT);
	ck_assert_ptr_nonnull(strstr(d, "accepted"));
	ck_assert_ptr_nonnull(strstr(d, "rectify"));
	/* Stable across calls. */
	ck_assert_str_eq(ld_vocab_describe(LD_VOCAB_VERDICT), d);
	ck_assert_str_eq(ld_vocab_describe(LD_VOCAB_COUNT), "");
}
END_TEST

START_TEST(test_level_for_depth)
{
	ck_assert_str_eq(ld_vocab_level_for_depth(1), "province");
	ck_assert_str_eq(ld_vocab_level_for_depth(2), "city");
	ck_assert_str_eq(ld_vocab_level_for_depth(3), "county");
	ck_assert_str_eq(ld_vocab_level_for_depth(4), "township");
	ck_assert_str_eq(ld_vocab_level_for_depth(5), "group");
	ck_assert_str_eq(ld_vocab_level_for_depth(8), "group");
}
END_TEST

/* ---- tasks ---- */

START_TEST(test_task_ok)
{
	struct fx f;
	fx_task(&f);
	f.r.kind = LD__KIND__KIND_PLAN; /* wrong: fixed from the body */
	Ld__Record *u = ACCEPTED(PROV, &f.r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_TASK);
	ck_assert_str_eq(u->task->form, "监督性视察");
	ck_assert_str_eq(u->task->status, "dispatched");
	ck_assert_str_eq(u->task->topic, "营商环境优化");
	ck_assert_str_eq(u->task->due, "2025-06-30");
	ck_assert_uint_eq(u->n_scope, 1);
	ck_assert_str_eq(u->scope[0], CITY);
	assert_structurally_valid(u, PROV);
	ld__record__free_unpacked(u, NULL);

	/* Canonical and Chinese alias forms, no due date, status draft. */
	fx_task(&f);
	f.u.task.t.form = "视察";
	f.u.task.t.due = "";
	f.u.task.t.status = "draft";
	u = ACCEPTED(PROV, &f.r);
	ck_assert_str_eq(u->task->form, "监督性视察");
	ck_assert_str_eq(u->task->status, "draft");
	ld__record__free_unpacked(u, NULL);

	fx_task(&f);
	f.u.task.t.form = "明查暗访";
	f.u.task.t.n_targets = 0;
	u = ACCEPTED(PROV, &f.r);
	ck_assert_str_eq(u->task->form, "明查暗访");
	ld__record__free_unpacked(u, NULL);

	/* A city may address itself and its counties. */
	fx_task(&f);
	f.r.n_scope = 0;
	add_scope(&f, COUNTY);
	add_scope(&f, CITY);
	u = ACCEPTED(CITY, &f.r);
	ck_assert_uint_eq(u->n_scope, 2);
	ld__record__free_unpacked(u, NULL);
}
END_TEST

START_TEST(test_task_required)
{
	struct fx f;
	fx_task(&f);
	f.u.task.t.topic = "";
	REFUSED(PROV, &f.r, "topic", "required");

	fx_task(&f);
	f.u.task.t.form = "";
	/* The reason lists what may be given. */
	REFUSED(PROV, &f.r, "form", "required", "监督性视察 (inspection)",
	        "民主评议");

	fx_task(&f);
	f.u.task.targets[1] = "";
	REFUSED(PROV, &f.r, "target");
}
END_TEST

START_TEST(test_task_unknown_form)
{
	struct fx f;
	fx_task(&f);
	f.u.task.t.form = "patrol";
	REFUSED(PROV, &f.r, "form", "patrol", "监督性视察 (inspection)",
	        "明查暗访 (unannounced)", "问卷调查", "提案督办", "跟踪问效");
	/* A survey or plan form is not a task form. */
	fx_task(&f);
	f.u.task.t.form = "联合调研";
	REFUSED(PROV, &f.r, "form", "联合调研");
	fx_task(&f);
	f.u.task.t.form = "专题协商";
	REFUSED(PROV, &f.r, "form");
}
END_TEST

START_TEST(test_task_bad_due)
{
	static const char *const bad[] = {"2023-02-29", "2025-13-01",
	                                  "2025-01-00", "tomorrow",
	                                  "2025/06/30", "30-06-2025"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fx f;
		fx_task(&f);
		f.u.task.t.due = (char *)bad[i];
		REFUSED(PROV, &f.r, "due", bad[i]);
	}
	struct fx f;
	fx_task(&f);
	f.u.task.t.due = "2024-02-29";
	ck_assert_msg(try_new(PROV, &f.r) == 0, "%s", err);
}
END_TEST

START_TEST(test_task_status)
{
	/* A new record may start in any status (work entered after the
	 * fact); the Chinese label names the canonical status. */
	struct fx f;
	fx_task(&f);
	f.u.task.t.status = "已办结";
	Ld__Record *u = ACCEPTED(PROV, &f.r);
	ck_assert_str_eq(u->task->status, "closed");
	ld__record__free_unpacked(u, NULL);
	fx_task(&f);
	f.u.task.t.status = "finished";
	REFUSED(PROV, &f.r, "status", "finished", "dispatched", "rectifying",
	        "已办结");
	fx_task(&f);
	f.u.task.t.status = "held"; /* a plan item's status */
	REFUSED(PROV, &f.r, "status", "held");
}
END_TEST

START_TEST(test_task_scope)
{
	struct fx f;
	fx_task(&f);
	f.r.n_scope = 0;
	REFUSED(PROV, &f.r, "scope", "required");

	/* Outside the creator's subtree: a sibling city, the parent, another
	 * province, a textual-prefix trap. */
	static const char *const outside[] = {OTHER_CITY, PROV, "520000",
	                                      "530000/5303001"};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		fx_task(&f);
		f.r.n_scope = 0;
		add_scope(&f, COUNTY);
		add_scope(&f, outside[i]);
		REFUSED(CITY, &f.r, "scope", outside[i], "outside");
	}

	/* Not a path at all. */
	fx_task(&f);
	f.r.n_scope = 0;
	add_scope(&f, "530000//530300");
	REFUSED(PROV, &f.r, "scope", "530000//530300");
	fx_task(&f);
	f.r.n_scope = 0;
	add_scope(&f, "富源县");
	REFUSED(PROV, &f.r, "scope");
}
END_TEST

START_TEST(test_too_many_scope)
{
	static char paths[LD_SCOPE_MAX + 1][32];
	struct fx f;
	fx_task(&f);
	f.r.n_scope = 0;
	for (int i = 0; i < LD_SCOPE_MAX; i++) {
		snprintf(paths[i], sizeof(paths[i]), "530000/53%04d", i);
		add_scope(&f, paths[i]);
	}
	Ld__Record *u = ACCEPTED(PROV, &f.r);
	ck_assert_uint_eq(u->n_scope, LD_SCOPE_MAX);
	ld__record__free_unpacked(u, NULL);
	snprintf(paths[LD_SCOPE_MAX], sizeof(paths[0]), "530000/539999");
	add_scope(&f, paths[LD_SCOPE_MAX]);
	REFUSED(PROV, &f.r, "scope", "64");
}
END_TEST

/* ---- plans ---- */

START_TEST(test_plan_ok)
{
	struct fx f;
	fx_plan(&f);
	Ld__Record *u = ACCEPTED(CITY, &f.r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_PLAN);
	ck_assert_uint_eq(u->plan->n_items, 2);
	ck_assert_str_eq(u->plan->items[0]->form, "专题协商");
	ck_assert_str_eq(u->plan->items[1]->form, "双月协商");
	ck_assert_str_eq(u->plan->items[0]->status, "planned");
	ck_assert_str_eq(u->plan->items[1]->status, "planned");
	ck_assert_str_eq(u->plan->items[0]->lead, "农业农村委");
	/* No scope given: the plan is for the creator and its subtree. */
	ck_assert_uint_eq(u->n_scope, 1);
	ck_assert_str_eq(u->scope[0], CITY);
	assert_structurally_valid(u, CITY);
	ld__record__free_unpacked(u, NULL);

	/* A given scope is kept; a plan without items is fine. */
	fx_plan(&f);
	add_scope(&f, COUNTY);
	f.u.plan.p.n_items = 0;
	u = ACCEPTED(CITY, &f.r);
	ck_assert_uint_eq(u->n_scope, 1);
	ck_assert_str_eq(u->scope[0], COUNTY);
	ld__record__free_unpacked(u, NULL);

	/* Explicit status "planned" and canonical forms are kept. */
	fx_plan(&f);
	f.u.plan.it[0].status = "planned";
	f.u.plan.it[0].form = "对口协商和界别协商";
	f.u.plan.it[1].month = 12;
	u = ACCEPTED(PROV, &f.r);
	ck_assert_str_eq(u->plan->items[0]->form, "对口界别协商");
	ck_assert_str_eq(u->scope[0], PROV);
	ld__record__free_unpacked(u, NULL);
}
END_TEST

START_TEST(test_plan_refusals)
{
	struct fx f;
	fx_plan(&f);
	f.u.plan.p.year = 1900;
	REFUSED(CITY, &f.r, "year", "1900");
	fx_plan(&f);
	f.u.plan.p.year = 0;
	REFUSED(CITY, &f.r, "year");
	fx_plan(&f);
	f.u.plan.p.year = 25;
	REFUSED(CITY, &f.r, "year");

	fx_plan(&f);
	f.u.plan.p.title = "";
	REFUSED(CITY, &f.r, "title", "required");

	fx_plan(&f);
	f.u.plan.it[1].topic = "";
	REFUSED(CITY, &f.r, "item 2 topic", "required");

	fx_plan(&f);
	f.u.plan.it[0].form = "座谈";
	REFUSED(CITY, &f.r, "item 1 form", "座谈", "专题协商 (topical)",
	        "双月协商");
	fx_plan(&f);
	f.u.plan.it[1].form = "";
	REFUSED(CITY, &f.r, "item 2 form", "required");

	fx_plan(&f);
	f.u.plan.it[0].month = 13;
	REFUSED(CITY, &f.r, "item 1 month", "13");

	fx_plan(&f);
	f.u.plan.it[1].status = "done";
	REFUSED(CITY, &f.r, "item 2 status", "done", "outcome_submitted");

	fx_plan(&f);
	add_scope(&f, OTHER_CITY);
	REFUSED(CITY, &f.r, "scope", OTHER_CITY);
}
END_TEST

/* ---- surveys ---- */

START_TEST(test_survey_ok)
{
	struct fx f;
	fx_survey(&f);
	Ld__Record *u = ACCEPTED(CITY, &f.r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_SURVEY);
	ck_assert_str_eq(u->survey->form, "联合调研");
	ck_assert_str_eq(u->survey->status, "planned");
	ck_assert_str_eq(u->survey->host, CITY); /* defaults to the creator */
	assert_structurally_valid(u, CITY);
	ld__record__free_unpacked(u, NULL);

	/* One-day survey; given host kept; "inspection" means 视察 here. */
	fx_survey(&f);
	f.u.survey.s.form = "inspection";
	f.u.survey.s.end = "2025-05-10";
	f.u.survey.s.host = COUNTY;
	u = ACCEPTED(CITY, &f.r);
	ck_assert_str_eq(u->survey->form, "视察");
	ck_assert_str_eq(u->survey->host, COUNTY);
	ld__record__free_unpacked(u, NULL);

	/* Dates are optional. */
	fx_survey(&f);
	f.u.survey.s.start = "";
	f.u.survey.s.end = "";
	u = ACCEPTED(CITY, &f.r);
	ld__record__free_unpacked(u, NULL);
}
END_TEST

START_TEST(test_survey_dates)
{
	struct fx f;
	fx_survey(&f);
	f.u.survey.s.start = "2025-05-12";
	f.u.survey.s.end = "2025-05-10";
	REFUSED(CITY, &f.r, "end", "2025-05-10", "2025-05-12", "before");
	/* Across a year boundary. */
	fx_survey(&f);
	f.u.survey.s.start = "2025-01-02";
	f.u.survey.s.end = "2024-12-31";
	REFUSED(CITY, &f.r, "end", "before");
	fx_survey(&f);
	f.u.survey.s.start = "2024-12-31";
	f.u.survey.s.end = "2025-01-02";
	ck_assert_msg(try_new(CITY, &f.r) == 0, "%s", err);

	fx_survey(&f);
	f.u.survey.s.start = "2025-13-01";
	REFUSED(CITY, &f.r, "start", "2025-13-01");
	fx_survey(&f);
	f.u.survey.s.end = "2025-02-29";
	REFUSED(CITY, &f.r, "end", "2025-02-29");
	fx_survey(&f);
	f.u.survey.s.start = "next week";
	REFUSED(CITY, &f.r, "start");
}
END_TEST

START_TEST(test_survey_refusals)
{
	struct fx f;
	fx_survey(&f);
	f.u.survey.s.topic = "";
	REFUSED(CITY, &f.r, "topic", "required");
	fx_survey(&f);
	f.u.survey.s.form = "";
	REFUSED(CITY, &f.r, "form", "调研 (survey)");
	fx_survey(&f);
	f.u.survey.s.form = "明查暗访";
	REFUSED(CITY, &f.r, "form", "明查暗访");
	fx_survey(&f);
	f.u.survey.s.status = "finished";
	REFUSED(CITY, &f.r, "status", "finished", "in_field");
	fx_survey(&f);
	f.r.n_scope = 0;
	REFUSED(CITY, &f.r, "scope", "required");
	fx_survey(&f);
	f.u.survey.s.host = "曲靖市政协";
	REFUSED(CITY, &f.r, "host");
	fx_survey(&f);
	f.u.survey.parts[1] = "530000/530300/";
	f.u.survey.s.n_participants = 2;
	REFUSED(CITY, &f.r, "participant");
	fx_survey(&f);
	f.r.n_scope = 0;
	add_scope(&f, OTHER_CITY);
	REFUSED(CITY, &f.r, "scope", OTHER_CITY, "outside");
}
END_TEST

/* ---- results, reviews, proposals ---- */

START_TEST(test_result_ok)
{
	struct fx f;
	fx_result(&f);
	Ld__Record *u = ACCEPTED(COUNTY, &f.r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_RESULT);
	ck_assert_str_eq(u->result->status, "submitted");
	ck_assert_uint_eq(u->n_scope, 0); /* flows up; no scope added */
	ck_assert_str_eq(u->result->metrics[1]->name, "满意率");
	assert_structurally_valid(u, COUNTY);
	ld__record__free_unpacked(u, NULL);

	fx_result(&f);
	f.u.result.res.status = "draft";
	u = ACCEPTED(COUNTY, &f.r);
	ck_assert_str_eq(u->result->status, "draft");
	ld__record__free_unpacked(u, NULL);
}
END_TEST

START_TEST(test_result_refusals)
{
	struct fx f;
	fx_result(&f);
	add_scope(&f, COUNTY);
	REFUSED(COUNTY, &f.r, "scope", "result");
	fx_result(&f);
	f.u.result.res.ref = "";
	REFUSED(COUNTY, &f.r, "ref", "required");
	fx_result(&f);
	f.u.result.res.summary = "";
	REFUSED(COUNTY, &f.r, "summary", "required");
	fx_result(&f);
	f.u.result.m[0].name = "";
	REFUSED(COUNTY, &f.r, "metric", "required");
	fx_result(&f);
	f.u.result.res.status = "accepted";
	REFUSED(COUNTY, &f.r, "status", "accepted", "submitted");
}
END_TEST

START_TEST(test_review)
{
	struct fx f;
	fx_review(&f);
	Ld__Record *u = ACCEPTED(CITY, &f.r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_REVIEW);
	ck_assert_str_eq(u->review->verdict, "accepted");
	ck_assert_str_eq(u->review->comment, "材料翔实");
	assert_structurally_valid(u, CITY);
	ld__record__free_unpacked(u, NULL);

	fx_review(&f);
	f.u.review.verdict = "整改";
	u = ACCEPTED(CITY, &f.r);
	ck_assert_str_eq(u->review->verdict, "rectify");
	ld__record__free_unpacked(u, NULL);

	fx_review(&f);
	f.u.review.verdict = "returned";
	u = ACCEPTED(CITY, &f.r);
	ck_assert_str_eq(u->review->verdict, "returned");
	ld__record__free_unpacked(u, NULL);

	fx_review(&f);
	f.u.review.verdict = "maybe";
	REFUSED(CITY, &f.r, "verdict", "maybe", "accepted", "returned",
	        "rectify");
	fx_review(&f);
	f.u.review.verdict = "";
	REFUSED(CITY, &f.r, "verdict", "required");
	fx_review(&f);
	f.u.review.ref = "";
	REFUSED(CITY, &f.r, "ref", "required");
	/* A review goes to a node below the reviewer, never sideways. */
	fx_review(&f);
	f.r.n_scope = 0;
	add_scope(&f, OTHER_CITY);
	REFUSED(CITY, &f.r, "scope", OTHER_CITY);
}
END_TEST

START_TEST(test_proposal)
{
	struct fx f;
	fx_proposal(&f);
	Ld__Record *u = ACCEPTED(COUNTY, &f.r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_PROPOSAL);
	ck_assert_uint_eq(u->n_scope, 0);
	assert_structurally_valid(u, COUNTY);
	ld__record__free_unpacked(u, NULL);

	fx_proposal(&f);
	f.u.proposal.title = "";
	REFUSED(COUNTY, &f.r, "title", "required");
	fx_proposal(&f);
	add_scope(&f, COUNTY);
	REFUSED(COUNTY, &f.r, "scope", "proposal");
	fx_proposal(&f);
	f.u.proposal.year = 1800;
	REFUSED(COUNTY, &f.r, "year", "1800");
	fx_proposal(&f);
	f.u.proposal.outcome = "D";
	REFUSED(COUNTY, &f.r, "outcome", "'D'", "A (solved)");
	fx_proposal(&f);
	f.u.proposal.satisfaction = "还行";
	REFUSED(COUNTY, &f.r, "satisfaction", "基本满意");
}
END_TEST

/* A proposal entered after the fact, already closed: 立案 follows the
 * status, and a closed filed proposal needs its outcome and satisfaction. */
START_TEST(test_proposal_filing)
{
	struct fx f;
	fx_proposal(&f);
	Ld__Record *u = ACCEPTED(COUNTY, &f.r);
	ck_assert_str_eq(u->proposal->status, "submitted");
	ck_assert_str_eq(u->proposal->filing, "");
	ld__record__free_unpacked(u, NULL);

	fx_proposal(&f);
	f.u.proposal.status = "closed";
	f.u.proposal.outcome = "a";
	f.u.proposal.satisfaction = "satisfied";
	f.u.proposal.face_to_face = true;
	u = ACCEPTED(COUNTY, &f.r);
	ck_assert_str_eq(u->proposal->filing, "filed");
	ck_assert_str_eq(u->proposal->outcome, "A");
	ck_assert_str_eq(u->proposal->satisfaction, "满意");
	ld__record__free_unpacked(u, NULL);

	fx_proposal(&f);
	f.u.proposal.status = "replied";
	REFUSED(COUNTY, &f.r, "outcome", "required", "replied");
	f.u.proposal.outcome = "B";
	f.u.proposal.status = "evaluated";
	REFUSED(COUNTY, &f.r, "satisfaction", "required", "evaluated");

	/* Closed without being filed: no outcome needed. */
	fx_proposal(&f);
	f.u.proposal.status = "closed";
	f.u.proposal.filing = "not_filed";
	u = ACCEPTED(COUNTY, &f.r);
	ck_assert_str_eq(u->proposal->filing, "not_filed");
	ld__record__free_unpacked(u, NULL);

	fx_proposal(&f);
	f.u.proposal.status = "不予立案";
	f.u.proposal.filing = "filed"; /* the status decides */
	u = ACCEPTED(COUNTY, &f.r);
	ck_assert_str_eq(u->proposal->status, "not_filed");
	ck_assert_str_eq(u->proposal->filing, "not_filed");
	ld__record__free_unpacked(u, NULL);
}
END_TEST

/* ---- who wrote it: the author ---- */

/* `author` on a task, validated as new: 0, or the refusal with its exact
 * words in err. */
static int
try_author(const char *author)
{
	struct fx f;
	Ld__Record *r = fx_task(&f);
	r->author = (char *)author;
	return try_new(CITY, r);
}

START_TEST(test_author)
{
	/* Good names, and none at all (a writer who did not say). */
	const char *good[] = {"张三", "zhangsan", "li.si-2", "欧阳_娜娜",
	                      "a", NULL};
	for (int i = 0; good[i] != NULL; i++)
		ck_assert_msg(try_author(good[i]) == 0, "%s: %s", good[i], err);
	ck_assert_int_eq(try_author(""), 0);
	char max[65];
	memset(max, 'x', 64);
	max[64] = '\0';
	ck_assert_msg(try_author(max) == 0, "64 bytes: %s", err);
	/* 21 three-byte characters are 63 bytes; one more is 66. */
	char cjk[80] = "";
	for (int i = 0; i < 22; i++)
		strcat(cjk, "张");
	ck_assert_int_eq(try_author(cjk), LD_EREFUSED);
	ck_assert_str_eq(err, "author: longer than 64 bytes");

	char long_[66];
	memset(long_, 'x', 65);
	long_[65] = '\0';
	ck_assert_int_eq(try_author(long_), LD_EREFUSED);
	ck_assert_str_eq(err, "author: longer than 64 bytes");
	ck_assert_int_eq(try_author("张\x01三"), LD_EREFUSED);
	ck_assert_str_eq(err, "author: contains a control character");
	ck_assert_int_eq(try_author("a\x7f"), LD_EREFUSED);
	ck_assert_str_eq(err, "author: contains a control character");
	const char *blanks[] = {"a b", " a", "a\t", "a\nb", "张\u3000三",
	                        "a\u00a0b", NULL};
	for (int i = 0; blanks[i] != NULL; i++) {
		ck_assert_int_eq(try_author(blanks[i]), LD_EREFUSED);
		ck_assert_str_eq(err, "author: contains a blank (a name is one "
		                      "word: 张三, zhangsan)");
	}
	ck_assert_int_eq(try_author("530000:1"), LD_EREFUSED);
	ck_assert_str_eq(err, "author: contains ':'");
	ck_assert_int_eq(try_author("bad\xe4\xb8"), LD_EREFUSED);
	ck_assert_str_eq(err, "author: not valid UTF-8 text");
	ck_assert_int_eq(try_author("a\u202eb"), LD_EREFUSED);
	ck_assert_str_eq(err, "author: contains a bidi override");

	/* The same rule alone (the daemon's delete, the CLI's --as). */
	ck_assert_int_eq(ld_validate_author("", err, sizeof(err)), 0);
	ck_assert_int_eq(ld_validate_author(NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(ld_validate_author("a b", err, sizeof(err)),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "author: contains a blank (a name is one word: "
	                      "张三, zhangsan)");

	/* A valid author is kept as given; the structure check agrees. */
	struct fx f;
	Ld__Record *r = fx_task(&f);
	r->author = "张三";
	Ld__Record *u = ACCEPTED(CITY, r);
	ck_assert_str_eq(u->author, "张三");
	assert_structurally_valid(u, CITY);
	ck_assert_int_eq(ld_set_str(&u->author, long_), 0);
	char e[256] = "";
	ck_assert_int_eq(ld_record_check(u, 0, e, sizeof(e)), LD_ELIMIT);
	ck_assert_str_eq(e, "author: longer than 64 bytes");
	ld__record__free_unpacked(u, NULL);
}
END_TEST

/* ---- changes by the owner (ld_validate_update) ---- */

/* `r` validated as new, with the envelope the daemon gives it: the stored
 * record an update starts from. Caller frees. */
static Ld__Record *
stored(const char *self, const Ld__Record *r)
{
	Ld__Record *u = ACCEPTED(self, r);
	assert_structurally_valid(u, self);
	return u;
}

/* Validate `r` as the next version of `old`. */
static int
try_update(const char *self, const Ld__Record *old, const Ld__Record *r)
{
	Ld__Record *u = unpacked(r);
	err[0] = '\0';
	int rc = ld_validate_update(self, old, u, err, sizeof(err));
	ld__record__free_unpacked(u, NULL);
	return rc;
}

#define UPDATE_OK(self, old, r)                                                \
	ck_assert_msg(try_update((self), (old), (r)) == 0,                     \
	              "line %d: refused: %s",                                  \
	              __LINE__, err)
#define UPDATE_REFUSED(self, old, r, ...)                                      \
	do {                                                                   \
		ck_assert_msg(try_update((self), (old), (r)) == LD_EREFUSED,  \
		              "line %d: not refused", __LINE__);               \
		const char *const w_[] = {__VA_ARGS__, NULL};                  \
		for (size_t i_ = 0; w_[i_] != NULL; i_++)                      \
			ck_assert_msg(strstr(err, w_[i_]) != NULL,             \
			              "line %d: '%s' does not mention '%s'",   \
			              __LINE__, err, w_[i_]);                  \
	} while (0)

START_TEST(test_update_task)
{
	struct fx f;
	fx_task(&f);
	f.u.task.t.status = "reported";
	Ld__Record *old = stored(PROV, &f.r);

	fx_task(&f);
	f.u.task.t.status = "reviewed";
	UPDATE_OK(PROV, old, &f.r);
	f.u.task.t.status = "cancelled";
	UPDATE_OK(PROV, old, &f.r);
	/* Same status, other fields changed: an edit. */
	f.u.task.t.status = "";
	f.u.task.t.topic = "营商环境优化（第二轮）";
	UPDATE_OK(PROV, old, &f.r);

	f.u.task.t.status = "closed";
	UPDATE_REFUSED(PROV, old, &f.r, "status", "from reported to closed",
	               "allowed: reviewed, cancelled");
	f.u.task.t.status = "draft";
	UPDATE_REFUSED(PROV, old, &f.r, "reported to draft");

	fx_task(&f);
	f.u.task.t.parent = "530000:99";
	UPDATE_REFUSED(PROV, old, &f.r, "parent", "cannot change");
	fx_task(&f);
	f.r.n_scope = 0;
	UPDATE_REFUSED(PROV, old, &f.r, "scope", "required");
	fx_task(&f);
	f.u.task.t.due = "2025-13-01";
	UPDATE_REFUSED(PROV, old, &f.r, "due");

	/* Another kind of body. */
	fx_survey(&f);
	UPDATE_REFUSED(PROV, old, &f.r, "kind", "task");
	ld__record__free_unpacked(old, NULL);

	/* A closed task no longer changes. */
	fx_task(&f);
	f.u.task.t.status = "closed";
	old = stored(PROV, &f.r);
	fx_task(&f);
	f.u.task.t.topic = "改了";
	UPDATE_REFUSED(PROV, old, &f.r, "closed", "no longer change");
	f.u.task.t.status = "dispatched";
	UPDATE_REFUSED(PROV, old, &f.r, "allowed: none (closed is final)");
	ld__record__free_unpacked(old, NULL);
}
END_TEST

/* A plan's items move independently: with one item in a final status
 * (adopted, cancelled), the other still makes every move its machine
 * allows, and the final one, left as it is, passes; changing the final
 * one is still refused. Every pair of (final item, other item's move). */
START_TEST(test_plan_items_independent)
{
	static const char *const finals[] = {"adopted", "cancelled"};
	static const char *const states[] = {"planned", "held",
	                                     "outcome_submitted", "adopted",
	                                     "deferred", "cancelled"};
	size_t moves = 0;
	for (size_t f = 0; f < 2; f++) {
		for (size_t a = 0; a < 6; a++) {
			for (size_t b = 0; b < 6; b++) {
				if (a == b || !ld_status_can(LD_SM_PLAN_ITEM,
				                             states[a], states[b]))
					continue;
				struct fx fx;
				fx_plan(&fx);
				fx.u.plan.it[0].status = (char *)finals[f];
				fx.u.plan.it[1].status = (char *)states[a];
				Ld__Record *old = stored(CITY, &fx.r);
				fx_plan(&fx);
				/* The final item as stored, or left empty. */
				fx.u.plan.it[0].status =
				    b % 2 ? (char *)finals[f] : "";
				fx.u.plan.it[1].status = (char *)states[b];
				Ld__Record *u = unpacked(&fx.r);
				int rc = ld_validate_update(CITY, old, u, err,
				                            sizeof(err));
				ck_assert_msg(rc == 0,
				              "item 1 %s, item 2 %s -> %s: %s",
				              finals[f], states[a], states[b],
				              err);
				ck_assert_str_eq(u->plan->items[0]->status,
				                 finals[f]);
				ck_assert_str_eq(u->plan->items[1]->status,
				                 states[b]);
				ld__record__free_unpacked(u, NULL);
				moves++;
				ld__record__free_unpacked(old, NULL);
			}
		}
		/* The final item itself does not change. */
		struct fx fx;
		fx_plan(&fx);
		fx.u.plan.it[0].status = (char *)finals[f];
		Ld__Record *old = stored(CITY, &fx.r);
		fx_plan(&fx);
		fx.u.plan.it[0].status = (char *)finals[f];
		fx.u.plan.it[0].topic = "乡村振兴（改）";
		UPDATE_REFUSED(CITY, old, &fx.r, "item 1 status",
		               "can no longer change");
		fx_plan(&fx);
		fx.u.plan.it[0].status = "planned";
		UPDATE_REFUSED(CITY, old, &fx.r, "item 1 status");
		ld__record__free_unpacked(old, NULL);
	}
	/* planned: held, deferred, cancelled; held: outcome_submitted;
	 * outcome_submitted: adopted; deferred: planned, held, cancelled. */
	ck_assert_uint_eq(moves, 2 * 8);
}
END_TEST

START_TEST(test_update_plan)
{
	struct fx f;
	fx_plan(&f);
	Ld__Record *old = stored(CITY, &f.r);
	fx_plan(&f);
	f.u.plan.it[0].status = "held";
	f.u.plan.it[1].status = "deferred";
	UPDATE_OK(CITY, old, &f.r);
	f.u.plan.it[0].status = "adopted";
	UPDATE_REFUSED(CITY, old, &f.r, "item 1 status", "planned to adopted",
	               "held, deferred, cancelled");
	/* Items are never removed. */
	fx_plan(&f);
	f.u.plan.p.n_items = 1;
	UPDATE_REFUSED(CITY, old, &f.r, "items", "2 items", "cancelled");
	ld__record__free_unpacked(old, NULL);

	/* A third item added later may start anywhere. */
	fx_plan(&f);
	f.u.plan.p.n_items = 1;
	old = stored(CITY, &f.r);
	fx_plan(&f);
	f.u.plan.it[1].status = "held";
	UPDATE_OK(CITY, old, &f.r);
	ld__record__free_unpacked(old, NULL);
}
END_TEST

START_TEST(test_update_survey)
{
	struct fx f;
	fx_survey(&f);
	Ld__Record *old = stored(CITY, &f.r);
	fx_survey(&f);
	f.u.survey.s.status = "in_field";
	UPDATE_OK(CITY, old, &f.r);
	f.u.survey.s.status = "reporting";
	UPDATE_REFUSED(CITY, old, &f.r, "planned to reporting",
	               "in_field, cancelled");
	ld__record__free_unpacked(old, NULL);
}
END_TEST

START_TEST(test_update_result)
{
	struct fx f;
	fx_result(&f);
	f.u.result.res.status = "draft";
	Ld__Record *old = stored(COUNTY, &f.r);
	fx_result(&f);
	f.u.result.res.status = "submitted";
	UPDATE_OK(COUNTY, old, &f.r);
	f.u.result.res.ref = "530000:8";
	UPDATE_REFUSED(COUNTY, old, &f.r, "ref", "cannot change", "530000:7");
	fx_result(&f);
	f.u.result.res.item = 2;
	UPDATE_REFUSED(COUNTY, old, &f.r, "item", "cannot change");
	ld__record__free_unpacked(old, NULL);

	fx_result(&f);
	old = stored(COUNTY, &f.r);
	fx_result(&f);
	f.u.result.res.status = "draft";
	UPDATE_REFUSED(COUNTY, old, &f.r, "submitted to draft");
	ld__record__free_unpacked(old, NULL);
}
END_TEST

START_TEST(test_update_review_and_proposal)
{
	struct fx f;
	fx_review(&f);
	Ld__Record *old = stored(CITY, &f.r);
	fx_review(&f);
	f.u.review.verdict = "退回";
	UPDATE_OK(CITY, old, &f.r);
	f.u.review.ref = "530000/530300/530325:4";
	UPDATE_REFUSED(CITY, old, &f.r, "ref", "cannot change");
	ld__record__free_unpacked(old, NULL);

	fx_proposal(&f);
	old = stored(COUNTY, &f.r);
	fx_proposal(&f);
	f.u.proposal.status = "filed";
	UPDATE_OK(COUNTY, old, &f.r);
	f.u.proposal.status = "assigned";
	UPDATE_REFUSED(COUNTY, old, &f.r, "submitted to assigned",
	               "filed, not_filed");
	ld__record__free_unpacked(old, NULL);

	/* After not_filed, closing keeps "not_filed". */
	fx_proposal(&f);
	f.u.proposal.status = "not_filed";
	old = stored(COUNTY, &f.r);
	fx_proposal(&f);
	f.u.proposal.status = "closed";
	Ld__Record *u = unpacked(&f.r);
	ck_assert_msg(ld_validate_update(COUNTY, old, u, err, sizeof(err)) == 0,
	              "%s", err);
	ck_assert_str_eq(u->proposal->filing, "not_filed");
	ld__record__free_unpacked(u, NULL);
	ld__record__free_unpacked(old, NULL);
}
END_TEST

START_TEST(test_kinds_not_created_here)
{
	struct fx f;
	fx_base(&f);
	ld__node__init(&f.u.node);
	f.u.node.path = COUNTY;
	f.u.node.name = "富源县政协";
	f.r.body_case = LD__RECORD__BODY_NODE;
	f.r.node = &f.u.node;
	add_scope(&f, COUNTY);
	REFUSED(COUNTY, &f.r, "node");

	fx_base(&f);
	ld__report__init(&f.u.report);
	f.u.report.plugin = "monthly";
	f.u.report.period = "2025-05";
	f.r.body_case = LD__RECORD__BODY_REPORT;
	f.r.report = &f.u.report;
	REFUSED(COUNTY, &f.r, "report");

	/* No body at all. */
	fx_base(&f);
	f.r.kind = LD__KIND__KIND_TASK;
	add_scope(&f, COUNTY);
	REFUSED(COUNTY, &f.r, "body");
}
END_TEST

START_TEST(test_set_str)
{
	/* ld_set_str replaces a string of an unpacked message, including
	 * one that still points at protobuf-c's shared empty string. */
	struct fx f;
	fx_task(&f);
	f.u.task.t.parent = "";
	Ld__Record *u = unpacked(&f.r);
	ck_assert_int_eq(ld_set_str(&u->task->parent, "530000:1"), 0);
	ck_assert_int_eq(ld_set_str(&u->task->topic, "新议题"), 0);
	ck_assert_int_eq(ld_set_str(&u->task->topic, "再改"), 0);
	ck_assert_str_eq(u->task->parent, "530000:1");
	ck_assert_str_eq(u->task->topic, "再改");
	ld__record__free_unpacked(u, NULL);
}
END_TEST

/* An edit names its own author, or none; a bad one is refused. */
START_TEST(test_update_author)
{
	struct fx f;
	Ld__Record *r = fx_task(&f);
	r->author = "张三";
	Ld__Record *old = stored(CITY, r);
	r->author = "李四";
	r->task->status = "in_progress";
	UPDATE_OK(CITY, old, r);
	r->author = "";
	UPDATE_OK(CITY, old, r);
	r->author = "李 四";
	UPDATE_REFUSED(CITY, old, r, "author: contains a blank");
	ld__record__free_unpacked(old, NULL);
}
END_TEST


/* 社情民意: title, content and member required; no scope. */
START_TEST(test_opinion)
{
	Ld__Opinion o = LD__OPINION__INIT;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_OPINION;
	r.opinion = &o;
	o.title = "关于加强农村饮用水源地保护的建议";
	REFUSED(COUNTY, &r, "content: required (what the 社情民意 reports)");
	o.content = "水源地周边养殖污染";
	REFUSED(COUNTY, &r, "member: required (the member, 委员, who wrote it "
	        "or for whom it is written)");
	o.member = "李明";
	o.year = 1800;
	REFUSED(COUNTY, &r, "year: 1800 is not a plausible year");
	o.year = 2026;
	Ld__Record *u = ACCEPTED(COUNTY, &r);
	ck_assert_int_eq(u->kind, LD__KIND__KIND_OPINION);
	assert_structurally_valid(u, COUNTY);
	ld__record__free_unpacked(u, NULL);
	char *sc[] = {COUNTY};
	r.scope = sc;
	r.n_scope = 1;
	REFUSED(COUNTY, &r, "scope: a opinion flows up to every ancestor and "
	        "takes no scope");
}
END_TEST

/* 采用 / 报送 / 批示: the action's vocabulary, a 批示's leader. */
START_TEST(test_opinion_action)
{
	Ld__OpinionAction a = LD__OPINION_ACTION__INIT;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_OPINION_ACTION;
	r.opinion_action = &a;
	REFUSED(CITY, &r, "ref: required");
	a.ref = COUNTY ":3";
	REFUSED(CITY, &r, "action: required (one of: adopted (采用), "
	        "forwarded (报送), instructed (批示))");
	a.action = "转发";
	REFUSED(CITY, &r, "action: unknown '转发'");
	a.action = "批示";
	REFUSED(CITY, &r, "leader: required for a 批示 (instructed): the "
	        "leader who wrote it");
	a.action = "采用";
	a.leader = "主席";
	REFUSED(CITY, &r, "leader: only a 批示 (instructed) names a leader");
	a.leader = "";
	Ld__Record *u = ACCEPTED(CITY, &r);
	ck_assert_str_eq(u->opinion_action->action, "adopted");
	ld__record__free_unpacked(u, NULL);
}
END_TEST

/* 联名, 协办, 重点 with 督办, and the reply deadline. */
START_TEST(test_proposal_handling)
{
	Ld__Proposal p = LD__PROPOSAL__INIT;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_PROPOSAL;
	r.proposal = &p;
	p.title = "关于加快城乡供水一体化的建议";
	p.key = true;
	REFUSED(COUNTY, &r, "supervisor: required for a 重点 (key) proposal "
	        "(the leader who supervises it, 督办)");
	p.supervisor = "县政协主席";
	char *co[] = {"李明", "李明"};
	p.cosigners = co;
	p.n_cosigners = 2;
	REFUSED(COUNTY, &r, "cosigner: '李明' is named twice");
	p.n_cosigners = 1;
	char *as[] = {"县财政局"};
	p.assisting = as;
	p.n_assisting = 1;
	REFUSED(COUNTY, &r, "handler: required when assisting units (协办) "
	        "are named (the lead unit, 主办)");
	p.handler = "县财政局";
	REFUSED(COUNTY, &r, "assisting: '县财政局' is the lead handler (主办)");
	p.handler = "县水务局";
	p.filed_on = "2026-01-10";
	p.extended = true;
	Ld__Record *u = ACCEPTED(COUNTY, &r);
	ck_assert_str_eq(u->proposal->deadline, "2026-04-10");
	ld__record__free_unpacked(u, NULL);
	p.extended = false;
	p.deadline = "2026-01-01";
	REFUSED(COUNTY, &r, "deadline: 2026-01-01 is before filed_on "
	        "2026-01-10");
	p.deadline = "";
	p.filed_on = "";
	p.extended = true;
	REFUSED(COUNTY, &r, "extended: the proposal has no reply deadline to "
	        "extend (give --filed-on or --deadline)");
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("vocab");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_vocab_lookup);
	tcase_add_test(tc, test_vocab_describe);
	tcase_add_test(tc, test_level_for_depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("new");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_task_ok);
	tcase_add_test(tc, test_task_required);
	tcase_add_test(tc, test_task_unknown_form);
	tcase_add_test(tc, test_task_bad_due);
	tcase_add_test(tc, test_task_status);
	tcase_add_test(tc, test_task_scope);
	tcase_add_test(tc, test_too_many_scope);
	tcase_add_test(tc, test_plan_ok);
	tcase_add_test(tc, test_plan_refusals);
	tcase_add_test(tc, test_survey_ok);
	tcase_add_test(tc, test_survey_dates);
	tcase_add_test(tc, test_survey_refusals);
	tcase_add_test(tc, test_result_ok);
	tcase_add_test(tc, test_result_refusals);
	tcase_add_test(tc, test_review);
	tcase_add_test(tc, test_proposal);
	tcase_add_test(tc, test_proposal_filing);
	tcase_add_test(tc, test_update_task);
	tcase_add_test(tc, test_update_plan);
	tcase_add_test(tc, test_plan_items_independent);
	tcase_add_test(tc, test_update_survey);
	tcase_add_test(tc, test_update_result);
	tcase_add_test(tc, test_update_review_and_proposal);
	tcase_add_test(tc, test_kinds_not_created_here);
	tcase_add_test(tc, test_set_str);
	tcase_add_test(tc, test_author);
	tcase_add_test(tc, test_update_author);
	tcase_add_test(tc, test_opinion);
	tcase_add_test(tc, test_opinion_action);
	tcase_add_test(tc, test_proposal_handling);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
