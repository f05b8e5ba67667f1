/* pages_edit.c — the forms that add a task (or derive a sub-task, 转办),
 * a survey, a plan or a proposal, edit a record this office owns, and
 * move one (or a plan item) along its statuses; and the actions a
 * record's page offers. Each is POST/redirect/GET: a refusal shows the
 * form again with what was typed and the node's reason beside its field
 * (fielderr.h); nothing is written then. */
#include "labels.h"
#include "records.h"
#include "opinion.h"
#include "pages.h"
#include "path.h"
#include "record.h"
#include "submit.h"
#include "text.h"
#include "users.h"
#include "validate.h"
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFICES_MAX 400
#define LINES_MAX 200
#define PLAN_ROWS_NEW 5  /* blank item rows of a new plan */
#define PLAN_ROWS_MORE 2 /* blank rows after an edited plan's items */
#define PLAN_ROWS_MAX 120
#define LD_DUTY_MEMBERS_MAX 256 /* validate.c: at most 256 a duty entry */

/* Where a form's values come from: what was posted (after a refusal) or
 * the record being edited (or nothing: a new form). */
struct src {
	struct ld_web_req *rq;
	bool posted;
	const Ld__Record *r;
	bool derive; /* r is the parent of a sub-task: not its scope */
	struct ld_pool *pool;
};

/* The body field a form input shows. */
static const char *
body_field(const char *input)
{
	if (strcmp(input, "finding") == 0)
		return "findings";
	if (strcmp(input, "metric") == 0)
		return "metrics";
	if (strcmp(input, "cosigner") == 0)
		return "cosigners";
	return input;
}

/* A field of message `m` as a form shows it: strings as they are,
 * numbers in decimal (0 as ""), lists one per line, metrics NAME=VALUE. */
static const char *
show(struct ld_pool *pool, const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *fd =
	    protobuf_c_message_descriptor_get_field_by_name(m->descriptor,
	                                                    name);
	if (fd == NULL)
		return "";
	const char *at = (const char *)m + fd->offset;
	struct ld_buf b = {0};
	if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t n =
		    *(const size_t *)((const char *)m + fd->quantifier_offset);
		for (size_t i = 0; i < n; i++) {
			if (fd->type == PROTOBUF_C_TYPE_STRING) {
				ld_buf_printf(
				    &b, "%s\n",
				    (*(char *const *)at == NULL)
				        ? ""
				        : (*(char *const *const *)at)[i]);
			} else if (fd->descriptor == &ld__metric__descriptor) {
				const Ld__Metric *mt =
				    (*(Ld__Metric *const *const *)at)[i];
				ld_buf_printf(&b, "%s=%g\n", mt->name,
				              mt->value);
			}
		}
	} else if (fd->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(char *const *)at;
		return s ? s : "";
	} else if (fd->type == PROTOBUF_C_TYPE_UINT32) {
		uint32_t v = *(const uint32_t *)at;
		if (v != 0)
			ld_buf_printf(&b, "%u", v);
	} else if (fd->type == PROTOBUF_C_TYPE_BOOL) {
		if (*(const protobuf_c_boolean *)at)
			ld_buf_puts(&b, "1");
	}
	const char *s = b.n ? ld_pool_dup(pool, b.p, b.n) : "";
	ld_buf_free(&b);
	return s;
}

static const char *
val(struct src *s, const char *name)
{
	if (s->posted)
		return ld_submit_field(s->rq, name);
	if (s->r == NULL)
		return "";
	const ProtobufCMessage *body = ld_record_body(s->r);
	return body ? show(s->pool, body, body_field(name)) : "";
}

/* The `n` choices of `c` (room for `max`) and, after them, each of the
 * `nc` checked values not among them (kept: a value the record names
 * that this node does not know, labelled as it is); how many now. */
static size_t
keep_checked(struct ld_choice *c, size_t n, size_t max,
             const char *const *checked, size_t nc)
{
	for (size_t k = 0; k < nc && n < max; k++) {
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(c[i].value, checked[k]) == 0;
		if (!known) {
			c[n].value = checked[k];
			c[n].label = checked[k];
			n++;
		}
	}
	return n;
}

/* The scope checkboxes: the offices below this node, and any the record
 * names already. */
static void
scope_checks(struct ld_form *f, struct src *s, const char *label)
{
	struct ld_choice *c = calloc(OFFICES_MAX, sizeof(*c));
	if (c == NULL)
		return;
	size_t n = ld_submit_offices(s->rq, s->pool, c, OFFICES_MAX);
	const char *checked[LD_SCOPE_MAX];
	size_t nc = 0;
	if (s->posted)
		nc = ld_submit_values(s->rq, "scope", checked, LD_SCOPE_MAX);
	else if (s->r != NULL && !s->derive)
		for (size_t i = 0; i < s->r->n_scope && nc < LD_SCOPE_MAX; i++)
			checked[nc++] = s->r->scope[i];
	n = keep_checked(c, n, OFFICES_MAX, checked, nc);
	ld_form_checks(f, "scope", label, c, n, checked, nc, LD_FORM_REQUIRED);
	free(c);
}

/* One checkbox `name` under `legend`, the box labelled `label`: ticked
 * as posted, or as the record has it. */
static void
tick_box(struct ld_form *f, struct src *s, const char *name, const char *legend,
         const char *label)
{
	struct ld_choice c[] = {{"1", label}};
	const char *on[] = {"1"};
	bool ticked = s->posted ? ld_web_form(s->rq, name) != NULL
	                        : val(s, name)[0] != '\0';
	ld_form_checks(f, name, legend, c, 1, on, ticked ? 1 : 0, 0);
}

/* The status select of machine `m`: on an edit, the moves from the
 * record's status; on a new record, every one. */
static void
status_select(struct ld_form *f, struct src *s, enum ld_machine m, bool editing)
{
	const ProtobufCMessage *body =
	    editing && s->r != NULL ? ld_record_body(s->r) : NULL;
	const char *from = body != NULL ? show(s->pool, body, "status") : NULL;
	ld_form_select_status(f, "status", NULL, m, from, val(s, "status"));
}

/* ------------------------------------------------------ the forms */

static void
task_controls(struct ld_form *f, struct src *s, const char *parent)
{
	if (parent != NULL && parent[0] != '\0') {
		ld_form_input(f, "text", "parent", "上级任务（转办自）", parent,
		              LD_FORM_READONLY);
	}
	ld_form_input(f, "text", "topic", NULL, val(s, "topic"),
	              LD_FORM_REQUIRED);
	ld_form_select_vocab(f, "form", NULL, LD_VOCAB_TASK_FORM, "请选择",
	                     val(s, "form"), LD_FORM_REQUIRED);
	scope_checks(f, s, "下发范围");
	ld_form_input(f, "date", "due", NULL, val(s, "due"), 0);
	ld_form_textarea(f, "targets", NULL, "每行一个单位", val(s, "targets"),
	                 0);
}

static void
survey_controls(struct ld_form *f, struct src *s)
{
	ld_form_input(f, "text", "topic", NULL, val(s, "topic"),
	              LD_FORM_REQUIRED);
	ld_form_select_vocab(f, "form", NULL, LD_VOCAB_SURVEY_FORM, "请选择",
	                     val(s, "form"), LD_FORM_REQUIRED);
	scope_checks(f, s, "参加单位");
	ld_form_input(f, "date", "start", NULL, val(s, "start"), 0);
	ld_form_input(f, "date", "end", NULL, val(s, "end"), 0);
}

static void
proposal_controls(struct ld_form *f, struct src *s, bool editing)
{
	ld_form_input(f, "text", "title", NULL, val(s, "title"),
	              LD_FORM_REQUIRED);
	ld_form_input(f, "text", "number", NULL, val(s, "number"), 0);
	ld_form_input(f, "text", "submitter", NULL, val(s, "submitter"), 0);
	ld_form_input(f, "text", "handler", NULL, val(s, "handler"), 0);
	ld_form_input(f, "number", "year", NULL, val(s, "year"), 0);
	status_select(f, s, LD_SM_PROPOSAL, editing);
	ld_form_select_vocab(f, "outcome", NULL, LD_VOCAB_OUTCOME, "（未答复）",
	                     val(s, "outcome"), 0);
	ld_form_select_vocab(f, "satisfaction", NULL, LD_VOCAB_SATISFACTION,
	                     "（未测评）", val(s, "satisfaction"), 0);
	tick_box(f, s, "face_to_face", "面商", "面商");
	/* As offices handle it (联名, 协办, 重点 and 督办, the deadline). */
	ld_form_textarea(f, "cosigner", "联名委员",
	                 "每行一位委员（提案人以外）", val(s, "cosigner"), 0);
	ld_form_textarea(f, "assisting", "协办单位",
	                 "每行一个单位；主办单位填在“承办单位”",
	                 val(s, "assisting"), 0);
	tick_box(f, s, "key", "重点提案", "重点提案");
	ld_form_input(f, "text", "supervisor", "督办领导（重点提案必填）",
	              val(s, "supervisor"), 0);
	ld_form_input(f, "date", "filed_on", NULL, val(s, "filed_on"), 0);
	ld_form_input(f, "date", "deadline",
	              "答复期限（不填：立案日期后两个月）", val(s, "deadline"),
	              0);
	/* 延期: once, on an edit of one not yet extended. */
	if (editing && s->r != NULL && !s->r->proposal->extended) {
		tick_box(f, s, "extended", "延期", "延期一个月");
	} else if (editing && s->r != NULL) {
		ld_form_raw(f, "<p class=\"hint\">"
		               "答复期限已延期（只能延期一次）。</p>\n");
		ld_form_err(f, "extended");
	}
}

/* A 社情民意: its title, what it reports, the member who wrote it. */
static void
opinion_controls(struct ld_form *f, struct src *s)
{
	ld_form_input(f, "text", "title", NULL, val(s, "title"),
	              LD_FORM_REQUIRED);
	ld_form_textarea(f, "content", "内容", NULL, val(s, "content"),
	                 LD_FORM_REQUIRED);
	ld_form_input(f, "text", "member", "反映人（委员）", val(s, "member"),
	              LD_FORM_REQUIRED);
}

/* A member (委员): the record every office above sees. Personal details
 * are not here: the CLI keeps them in DIR/members.private. */
static void
member_controls(struct ld_form *f, struct src *s, bool editing)
{
	ld_form_raw(f, "<p class=\"hint\" id=\"private-hint\">"
	               "身份证号、电话、住址等个人信息不在网页控制台中填写："
	               "它们只由本单位电脑上的命令行（liandong member add/set）"
	               "写入数据目录的 members.private，不报送上级。</p>\n");
	ld_form_input(f, "text", "name", "姓名", val(s, "name"),
	              LD_FORM_REQUIRED);
	ld_form_input(f, "text", "sector", NULL, val(s, "sector"), 0);
	ld_form_input(f, "text", "committee", NULL, val(s, "committee"), 0);
	ld_form_input(f, "text", "group", NULL, val(s, "group"), 0);
	ld_form_input(f, "text", "term", "届次（如 十二届）", val(s, "term"),
	              0);
	status_select(f, s, LD_SM_MEMBER, editing);
	ld_form_input(f, "date", "joined", NULL, val(s, "joined"), 0);
	tick_box(f, s, "new_member", "新任委员", "新任委员（本届首次任委员）");
}

/* A duty entry (履职记录): an activity on a date, for members held here
 * (checkboxes: this office's own first, then those of the offices below,
 * whose activities it may record too: docs/workflows.md), about a record
 * (optional). */
static void
duty_controls(struct ld_form *f, struct src *s)
{
	ld_form_select_vocab(f, "activity", NULL, LD_VOCAB_ACTIVITY, "请选择",
	                     val(s, "activity"), LD_FORM_REQUIRED);
	ld_form_input(f, "date", "date", NULL, val(s, "date"),
	              LD_FORM_REQUIRED);
	Ld__Record **recs = NULL;
	size_t nr = 0;
	const char *self = ld_web_config(s->rq)->id;
	/* If the node cannot be asked, the form (which replaces the error
	 * page ld_web_list_all set) says so and offers no members. */
	bool listed = ld_web_list_all(s->rq, LD__KIND__KIND_MEMBER, self, &recs,
	                              &nr) == 0;
	if (!listed) {
		recs = NULL;
		nr = 0;
		ld_form_raw(f, "<p class=\"err\">未能从本节点读取委员名单，"
		               "请稍后重试。</p>\n");
	}
	struct ld_choice *c = calloc(nr + LD_DUTY_MEMBERS_MAX + 1, sizeof(*c));
	const char *checked[LD_DUTY_MEMBERS_MAX];
	size_t nc = 0, n = 0;
	if (c != NULL) {
		for (size_t k = 0; k < 2 * nr; k++) {
			/* Pass one: its own; pass two: those from below. */
			const Ld__Record *r = recs[k % nr];
			bool own = strcmp(r->owner, self) == 0;
			if (r->deleted || own != (k < nr) ||
			    r->body_case != LD__RECORD__BODY_MEMBER)
				continue;
			char lab[400];
			snprintf(lab, sizeof(lab), "%s（%s%s）",
			         r->member->name, r->id,
			         own ? "" : "，下级单位委员");
			c[n].value = ld_pool_dup(s->pool, r->id, strlen(r->id));
			c[n].label = ld_pool_dup(s->pool, lab, strlen(lab));
			if (c[n].value && c[n].label)
				n++;
		}
		if (s->posted)
			nc = ld_submit_values(s->rq, "members", checked,
			                      LD_DUTY_MEMBERS_MAX);
		else if (s->r != NULL)
			for (size_t i = 0; i < s->r->duty->n_members &&
			                   nc < LD_DUTY_MEMBERS_MAX;
			     i++)
				checked[nc++] = s->r->duty->members[i];
		const char *pre = ld_web_arg(s->rq, "member");
		if (!s->posted && s->r == NULL && pre != NULL && pre[0])
			checked[nc++] = pre; /* from a member's page */
		n = keep_checked(c, n, nr + LD_DUTY_MEMBERS_MAX + 1, checked,
		                 nc);
		if (n == 0 && listed)
			ld_form_raw(f, "<p class=\"hint\">本单位还没有委员："
			               "请先<a href=\"/members/new\">添加委员"
			               "</a>。</p>\n");
		ld_form_checks(f, "members", "参加委员", c, n, checked, nc,
		               LD_FORM_REQUIRED);
		free(c);
	}
	ld_api_free_records(recs, nr);
	ld_form_input(f, "text", "ref", "相关记录编号（可不填，如 530000:12）",
	              val(s, "ref"), 0);
	ld_form_textarea(f, "note", NULL, NULL, val(s, "note"), 0);
}

/* Plan item row `i` (1-based): a posted value, the item's, or "". */
static const char *
item_val(struct src *s, size_t i, const char *field)
{
	char name[48];
	snprintf(name, sizeof(name), "item-%zu-%s", i, field);
	if (s->posted)
		return ld_submit_field(s->rq, name);
	if (s->r == NULL || i > s->r->plan->n_items)
		return "";
	return show(s->pool, &s->r->plan->items[i - 1]->base, field);
}

static void
plan_controls(struct ld_form *f, struct src *s, size_t rows)
{
	ld_form_input(f, "number", "year", NULL, val(s, "year"),
	              LD_FORM_REQUIRED);
	ld_form_input(f, "text", "title", NULL, val(s, "title"),
	              LD_FORM_REQUIRED);
	ld_form_raw(f, "<h2>计划事项</h2>\n");
	ld_form_err(f, "items");
	size_t kept = s->r ? s->r->plan->n_items : 0;
	for (size_t i = 1; i <= rows; i++) {
		char n[7][48], lab[64];
		const char *fields[] = {"form",  "month",       "topic",
		                        "lead",  "responsible", "assisting",
		                        "status"};
		for (int k = 0; k < 7; k++)
			snprintf(n[k], sizeof(n[k]), "item-%zu-%s", i,
			         fields[k]);
		snprintf(lab, sizeof(lab),
		         "<fieldset class=\"item\">"
		         "<legend>第 %zu 项</legend>\n",
		         i);
		ld_form_raw(f, lab);
		ld_form_select_vocab(f, n[0], "形式", LD_VOCAB_PLAN_FORM,
		                     i <= kept ? NULL : "（不填）",
		                     item_val(s, i, "form"), 0);
		ld_form_input(f, "number", n[1], "月份（不定可空）",
		              item_val(s, i, "month"), 0);
		ld_form_input(f, "text", n[2], "议题", item_val(s, i, "topic"),
		              0);
		ld_form_input(f, "text", n[3], "牵头", item_val(s, i, "lead"),
		              0);
		ld_form_input(f, "text", n[4], "负责",
		              item_val(s, i, "responsible"), 0);
		ld_form_input(f, "text", n[5], "协助落实",
		              item_val(s, i, "assisting"), 0);
		const char *from =
		    i <= kept ? s->r->plan->items[i - 1]->status : NULL;
		ld_form_select_status(f, n[6], "状态", LD_SM_PLAN_ITEM, from,
		                      item_val(s, i, "status"));
		ld_form_raw(f, "</fieldset>\n");
	}
}

/* ------------------------------------------- from the form to a record */

/* Set string field `f` of an unpacked record. */
static bool
set(char **f, const char *v)
{
	return ld_set_str(f, v ? v : "") == 0;
}

static void
free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Replace a repeated string field with `n` copies of `v`. */
static bool
set_list(char ***arr, size_t *an, const char *const *v, size_t n)
{
	char **copy = n ? calloc(n, sizeof(char *)) : NULL;
	if (n && copy == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((copy[i] = strdup(v[i])) == NULL) {
			free_list(copy, i);
			return false;
		}
	free_list(*arr, *an);
	*arr = copy;
	*an = n;
	return true;
}

/* A repeated string field from a textarea's lines. */
static bool
set_lines(struct ld_pool *pool, char ***arr, size_t *an, const char *text)
{
	char *l[LINES_MAX];
	size_t n = ld_submit_lines(pool, text, l, LINES_MAX);
	return set_list(arr, an, (const char *const *)l, n);
}

static bool
set_scope(struct ld_web_req *rq, Ld__Record *r)
{
	const char *v[LD_SCOPE_MAX + 1];
	size_t n = ld_submit_values(rq, "scope", v, LD_SCOPE_MAX + 1);
	return set_list(&r->scope, &r->n_scope, v, n);
}

/* A refusal the console words as the CLI does. */
static void
refuse(struct ld_fielderr *fe, const char *line, const char *field)
{
	ld_fielderr_parse(line, fe);
	if (field != NULL)
		snprintf(fe->field, sizeof(fe->field), "%s", field);
}

/* The form's year `yr` ("" is 0 unless `required`): false with the
 * refusal (fe, line) when it is not one. */
static bool
form_year(const char *yr, bool required, uint32_t *year, struct ld_fielderr *fe,
          char *line, size_t len)
{
	*year = 0;
	if (yr[0] == '\0' && !required)
		return true;
	if (yr[0] == '\0')
		snprintf(line, len, "year: required");
	else if (ld_text_parse_year(yr, year))
		return true;
	else
		snprintf(line, len, "year '%s' is not a year", yr);
	refuse(fe, line, NULL);
	return false;
}

/* Row numbers of the plan items sent, to put "item K" refusals on row
 * K's controls. */
struct rowmap {
	size_t row[PLAN_ROWS_MAX];
	size_t n;
};

/* Fill the body of `r` (new or read) from the form. false: refused
 * before sending (fe, line) or out of memory (fe empty). */
static bool
from_form(struct ld_web_req *rq, struct ld_pool *pool, Ld__Record *r,
          struct rowmap *rm, struct ld_fielderr *fe, char *line, size_t len)
{
	bool ok = true;
	const char *yr = ld_submit_field(rq, "year");
	uint32_t year = 0;
	switch (r->body_case) {
	case LD__RECORD__BODY_TASK: {
		Ld__Task *t = r->task;
		ok = set(&t->topic, ld_submit_field(rq, "topic")) &&
		     set(&t->form, ld_submit_field(rq, "form")) &&
		     set(&t->due, ld_submit_field(rq, "due")) &&
		     set_lines(pool, &t->targets, &t->n_targets,
		               ld_submit_field(rq, "targets")) &&
		     set_scope(rq, r);
		if (ok && ld_web_form(rq, "status") != NULL)
			ok = set(&t->status, ld_web_form(rq, "status"));
		if (ok && r->version == 0)
			ok = set(&t->parent, ld_submit_field(rq, "parent"));
		break;
	}
	case LD__RECORD__BODY_SURVEY: {
		Ld__Survey *s = r->survey;
		const char *v[LD_SCOPE_MAX + 1];
		size_t n = ld_submit_values(rq, "scope", v, LD_SCOPE_MAX + 1);
		/* The offices taking part are its scope, as the CLI has it. */
		ok = set(&s->topic, ld_submit_field(rq, "topic")) &&
		     set(&s->form, ld_submit_field(rq, "form")) &&
		     set(&s->start, ld_submit_field(rq, "start")) &&
		     set(&s->end, ld_submit_field(rq, "end")) &&
		     set_list(&s->participants, &s->n_participants, v, n) &&
		     set_scope(rq, r);
		if (ok && ld_web_form(rq, "status") != NULL)
			ok = set(&s->status, ld_web_form(rq, "status"));
		break;
	}
	case LD__RECORD__BODY_PROPOSAL: {
		Ld__Proposal *p = r->proposal;
		if (!form_year(yr, false, &year, fe, line, len))
			return false;
		p->year = year;
		p->face_to_face = ld_web_form(rq, "face_to_face") != NULL;
		ok = set(&p->title, ld_submit_field(rq, "title")) &&
		     set(&p->number, ld_submit_field(rq, "number")) &&
		     set(&p->submitter, ld_submit_field(rq, "submitter")) &&
		     set(&p->handler, ld_submit_field(rq, "handler")) &&
		     set(&p->status, ld_submit_field(rq, "status")) &&
		     set(&p->outcome, ld_submit_field(rq, "outcome")) &&
		     set(&p->satisfaction,
		         ld_submit_field(rq, "satisfaction")) &&
		     set_lines(pool, &p->cosigners, &p->n_cosigners,
		               ld_submit_field(rq, "cosigner")) &&
		     set_lines(pool, &p->assisting, &p->n_assisting,
		               ld_submit_field(rq, "assisting")) &&
		     set(&p->supervisor, ld_submit_field(rq, "supervisor")) &&
		     set(&p->filed_on, ld_submit_field(rq, "filed_on")) &&
		     set(&p->deadline, ld_submit_field(rq, "deadline"));
		p->key = ld_web_form(rq, "key") != NULL;
		/* Extended stays so (the node refuses an undo); ticked on an
		 * edit, the node moves the deadline one month on. */
		if (ld_web_form(rq, "extended") != NULL && r->version != 0)
			p->extended = true;
		break;
	}
	case LD__RECORD__BODY_MEMBER: {
		Ld__Member *m = r->member;
		m->new_member = ld_web_form(rq, "new_member") != NULL;
		ok = set(&m->name, ld_submit_field(rq, "name")) &&
		     set(&m->sector, ld_submit_field(rq, "sector")) &&
		     set(&m->committee, ld_submit_field(rq, "committee")) &&
		     set(&m->group, ld_submit_field(rq, "group")) &&
		     set(&m->term, ld_submit_field(rq, "term")) &&
		     set(&m->status, ld_submit_field(rq, "status")) &&
		     set(&m->joined, ld_submit_field(rq, "joined"));
		break;
	}
	case LD__RECORD__BODY_DUTY: {
		Ld__Duty *d = r->duty;
		const char *v[LD_DUTY_MEMBERS_MAX + 1];
		size_t n =
		    ld_submit_values(rq, "members", v, LD_DUTY_MEMBERS_MAX + 1);
		ok = set(&d->activity, ld_submit_field(rq, "activity")) &&
		     set(&d->date, ld_submit_field(rq, "date")) &&
		     set(&d->ref, ld_submit_field(rq, "ref")) &&
		     set(&d->note, ld_submit_field(rq, "note")) &&
		     set_list(&d->members, &d->n_members, v, n);
		break;
	}
	case LD__RECORD__BODY_OPINION: {
		Ld__Opinion *o = r->opinion;
		ok = set(&o->title, ld_submit_field(rq, "title")) &&
		     set(&o->content, ld_submit_field(rq, "content")) &&
		     set(&o->member, ld_submit_field(rq, "member"));
		break;
	}
	case LD__RECORD__BODY_PLAN: {
		Ld__Plan *p = r->plan;
		if (!form_year(yr, true, &year, fe, line, len))
			return false;
		p->year = year;
		ok = set(&p->title, ld_submit_field(rq, "title"));
		size_t rows = strtoul(ld_submit_field(rq, "rows"), NULL, 10);
		if (rows > PLAN_ROWS_MAX)
			rows = PLAN_ROWS_MAX;
		size_t kept = p->n_items;
		rm->n = 0;
		for (size_t i = 1; ok && i <= rows; i++) {
			const char *fields[] = {
			    "form",        "month",     "topic", "lead",
			    "responsible", "assisting", "status"};
			const char *v[7];
			bool any = false;
			for (int k = 0; k < 7; k++) {
				char name[48];
				snprintf(name, sizeof(name), "item-%zu-%s", i,
				         fields[k]);
				v[k] = ld_submit_field(rq, name);
				any |= k != 6 && v[k][0] != '\0';
			}
			if (i > kept && !any)
				continue; /* a blank row */
			uint32_t month;
			if (!ld_text_parse_month(v[1], &month)) {
				char field[48];
				snprintf(field, sizeof(field), "item-%zu-month",
				         i);
				snprintf(line, len, "month '%s' is not 1-12",
				         v[1]);
				refuse(fe, line, field);
				return false;
			}
			Ld__PlanItem *it;
			if (i <= kept) {
				it = p->items[i - 1];
			} else {
				Ld__PlanItem **items =
				    realloc(p->items,
				            (p->n_items + 1) * sizeof(*items));
				it = malloc(sizeof(*it));
				if (items == NULL || it == NULL) {
					if (items != NULL)
						p->items = items;
					free(it);
					return false;
				}
				p->items = items;
				ld__plan_item__init(it);
				p->items[p->n_items++] = it;
			}
			it->month = month;
			ok = set(&it->form, v[0]) && set(&it->topic, v[2]) &&
			     set(&it->lead, v[3]) &&
			     set(&it->responsible, v[4]) &&
			     set(&it->assisting, v[5]) &&
			     set(&it->status, v[6]);
			rm->row[rm->n++] = i;
		}
		break;
	}
	default:
		return false;
	}
	if (!ok)
		ld_fielderr_set(fe, "", "");
	return ok;
}

/* "item-K-x" (K the item's number in the record) → "item-ROW-x". */
static void
to_row(struct ld_fielderr *fe, const struct rowmap *rm)
{
	unsigned k;
	char rest[32];
	if (sscanf(fe->field, "item-%u-%31s", &k, rest) != 2 || k < 1 ||
	    k > rm->n)
		return;
	snprintf(fe->field, sizeof(fe->field), "item-%zu-%s", rm->row[k - 1],
	         rest);
	/* The sentence names the row too ("第 K 项…", fielderr.c). */
	char was[32], now[32], text[sizeof(fe->text)];
	snprintf(was, sizeof(was), "第 %u 项", k);
	snprintf(now, sizeof(now), "第 %zu 项", rm->row[k - 1]);
	if (strncmp(fe->text, was, strlen(was)) == 0) {
		snprintf(text, sizeof(text), "%s%s", now,
		         fe->text + strlen(was));
		memcpy(fe->text, text, sizeof(text));
	}
}

/* A refusal to show beside its control: "item K" on the form's row,
 * and out of memory said when nothing else was. */
static void
refusal_on_row(struct ld_fielderr *fe, const struct rowmap *rm)
{
	to_row(fe, rm);
	if (fe->text[0] == '\0')
		ld_fielderr_set(fe, "", "内存不足，没有保存。");
}

/* After a write: the record's page (POST/redirect/GET). */
static void
to_record(struct ld_web_req *rq, const char *id)
{
	char loc[LD_ID_MAX + 8];
	snprintf(loc, sizeof(loc), "/r/%s", id);
	ld_web_redirect(rq, loc);
}

/* ------------------------------------------------------ the pages */

struct kind_page {
	Ld__Record__BodyCase body;
	const char *path, *title, *submit;
	enum ld_nav nav;
};

static const struct kind_page kinds[] = {
    {LD__RECORD__BODY_TASK, "/tasks/new", "新建督办任务", "下发", LD_NAV_TASKS},
    {LD__RECORD__BODY_SURVEY, "/surveys/new", "新建调研", "保存",
     LD_NAV_SURVEYS},
    {LD__RECORD__BODY_PLAN, "/plans/new", "新建协商计划", "保存", LD_NAV_PLANS},
    {LD__RECORD__BODY_PROPOSAL, "/proposals/new", "登记提案", "保存",
     LD_NAV_PROPOSALS},
    {LD__RECORD__BODY_OPINION, "/opinions/new", "撰写社情民意", "保存",
     LD_NAV_OPINIONS},
    {LD__RECORD__BODY_MEMBER, "/members/new", "添加委员", "保存",
     LD_NAV_MEMBERS},
    {LD__RECORD__BODY_DUTY, "/duties/new", "登记履职", "保存", LD_NAV_MEMBERS},
};

static const struct kind_page *
kind_of(Ld__Record__BodyCase bc)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].body == bc)
			return &kinds[i];
	return NULL;
}

/* The controls of a record of kind `bc` into `f`. */
static void
controls(struct ld_form *f, struct src *s, Ld__Record__BodyCase bc,
         const char *parent, bool editing)
{
	switch (bc) {
	case LD__RECORD__BODY_TASK:
		task_controls(f, s, parent);
		if (editing)
			status_select(f, s, LD_SM_TASK, true);
		break;
	case LD__RECORD__BODY_SURVEY:
		survey_controls(f, s);
		if (editing)
			status_select(f, s, LD_SM_SURVEY, true);
		break;
	case LD__RECORD__BODY_PROPOSAL:
		proposal_controls(f, s, editing);
		break;
	case LD__RECORD__BODY_OPINION:
		opinion_controls(f, s);
		break;
	case LD__RECORD__BODY_MEMBER:
		member_controls(f, s, editing);
		break;
	case LD__RECORD__BODY_DUTY:
		duty_controls(f, s);
		break;
	case LD__RECORD__BODY_PLAN: {
		size_t kept = s->r ? s->r->plan->n_items : 0;
		size_t rows = kept + (kept ? PLAN_ROWS_MORE : PLAN_ROWS_NEW);
		if (s->posted) {
			size_t p =
			    strtoul(ld_submit_field(s->rq, "rows"), NULL, 10);
			if (p >= kept && p <= PLAN_ROWS_MAX)
				rows = p;
		}
		char nr[24];
		snprintf(nr, sizeof(nr), "%zu", rows);
		ld_form_hidden(f, "rows", nr);
		plan_controls(f, s, rows);
		break;
	}
	default:
		break;
	}
}

/* GET shows the empty form, POST adds the record. */
static void
new_page(struct ld_web_req *rq, Ld__Record__BodyCase bc)
{
	const struct kind_page *k = kind_of(bc);
	struct ld_pool pool = {0};
	struct ld_fielderr fe;
	char line[1024];
	bool posted = strcmp(rq->method, "POST") == 0;
	bool refused = false;
	ld_fielderr_set(&fe, "", "");
	const char *parent =
	    posted ? ld_submit_field(rq, "parent") : ld_web_arg(rq, "parent");
	Ld__Record *from = NULL; /* the task a sub-task derives from */
	if (bc == LD__RECORD__BODY_TASK && parent != NULL && parent[0] &&
	    !posted) {
		if ((from = ld_submit_get(rq, parent)) == NULL)
			return;
		if (from->body_case != LD__RECORD__BODY_TASK) {
			ld__record__free_unpacked(from, NULL);
			ld_web_error(rq, 404, "转办只能基于督办任务。");
			return;
		}
	}
	if (posted) {
		Ld__Record *r = ld_submit_blank(bc);
		struct rowmap rm = {0};
		char id[LD_ID_MAX + 1];
		if (r == NULL) {
			ld_web_error(rq, 500, "内存不足。");
			return;
		}
		int rc = 1;
		if (from_form(rq, &pool, r, &rm, &fe, line, sizeof(line)))
			rc = ld_submit_add(rq, r, id, sizeof(id), &fe, line,
			                   sizeof(line));
		ld__record__free_unpacked(r, NULL);
		if (rc < 0) {
			ld_pool_free(&pool);
			return;
		}
		if (rc == 0) {
			ld_pool_free(&pool);
			to_record(rq, id);
			return;
		}
		refusal_on_row(&fe, &rm);
		refused = true;
	}
	struct src s = {rq, posted, NULL, false, &pool};
	struct ld_form f;
	ld_form_init(&f, refused ? &fe : NULL);
	struct ld_buf b = {0};
	if (from != NULL) {
		ld_html_f(
		    &b, "<p>转办自督办任务 <a href=\"/r/%s\">%s</a>：%s</p>\n",
		    from->id, from->id, from->task->topic);
		/* The sub-task starts as its parent: topic, form, due. */
		s.r = from;
		s.derive = true;
	}
	if (bc == LD__RECORD__BODY_TASK && parent != NULL && parent[0])
		ld_form_hidden(&f, "parent", parent);
	controls(&f, &s, bc, NULL, false);
	ld_form_finish(&f, &b, k->path, rq->sess.csrf, false, k->submit);
	if (from != NULL)
		ld__record__free_unpacked(from, NULL);
	ld_submit_page(rq, from ? "转办：派生子任务" : k->title, k->nav, &b,
	               refused);
	ld_pool_free(&pool);
}

void
ld_page_task_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_TASK);
}

void
ld_page_survey_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_SURVEY);
}

void
ld_page_plan_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_PLAN);
}

void
ld_page_proposal_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_PROPOSAL);
}

void
ld_page_opinion_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_OPINION);
}

void
ld_page_member_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_MEMBER);
}

void
ld_page_duty_new(struct ld_web_req *rq)
{
	new_page(rq, LD__RECORD__BODY_DUTY);
}

/* The version the form was opened at (hidden "base"); 0 if none. */
static uint64_t
base_of(struct ld_web_req *rq)
{
	return strtoull(ld_submit_field(rq, "base"), NULL, 10);
}

void
ld_page_edit(struct ld_web_req *rq)
{
	char id[LD_ID_MAX + 1];
	Ld__Record *r = ld_submit_target(rq, "/edit", id, sizeof(id));
	if (r == NULL)
		return;
	/* Results and reviews have their own forms. */
	if (r->body_case == LD__RECORD__BODY_RESULT ||
	    r->body_case == LD__RECORD__BODY_REVIEW) {
		char loc[LD_ID_MAX + 16];
		snprintf(loc, sizeof(loc), "/r/%s/%s", id,
		         r->body_case == LD__RECORD__BODY_RESULT ? "result"
		                                                 : "review");
		ld__record__free_unpacked(r, NULL);
		ld_web_redirect(rq, loc);
		return;
	}
	const struct kind_page *k = kind_of(r->body_case);
	if (k == NULL || r->deleted || !ld_submit_owned(rq, r)) {
		ld__record__free_unpacked(r, NULL);
		ld_web_error(rq, 403, "只有发文单位可以修改这条记录。");
		return;
	}
	bool posted = strcmp(rq->method, "POST") == 0, refused = false;
	struct ld_pool pool = {0};
	struct ld_fielderr fe;
	char line[1024];
	ld_fielderr_set(&fe, "", "");
	uint64_t base = posted ? base_of(rq) : r->version;
	if (posted) {
		/* The form's values over the record as it is now; the node
		 * refuses if it moved on since `base`. */
		Ld__Record *w = ld_submit_get(rq, id);
		if (w == NULL) {
			ld__record__free_unpacked(r, NULL);
			return;
		}
		struct rowmap rm = {0};
		int rc = 1;
		if (from_form(rq, &pool, w, &rm, &fe, line, sizeof(line)))
			rc = ld_submit_update(rq, w, base, &fe, line,
			                      sizeof(line));
		ld__record__free_unpacked(w, NULL);
		if (rc < 0) {
			ld__record__free_unpacked(r, NULL);
			ld_pool_free(&pool);
			return;
		}
		if (rc == 0) {
			ld__record__free_unpacked(r, NULL);
			ld_pool_free(&pool);
			to_record(rq, id);
			return;
		}
		refusal_on_row(&fe, &rm);
		refused = true;
	}
	struct src s = {rq, posted, r, false, &pool};
	struct ld_form f;
	ld_form_init(&f, refused ? &fe : NULL);
	char bv[24], action[LD_ID_MAX + 16], title[300];
	snprintf(bv, sizeof(bv), "%llu", (unsigned long long)base);
	ld_form_hidden(&f, "base", bv);
	controls(&f, &s, r->body_case, NULL, true);
	snprintf(action, sizeof(action), "/r/%s/edit", id);
	struct ld_buf b = {0};
	ld_html_f(&b, "<p>修改 <a href=\"/r/%s\">%s</a>（第 %U 版）</p>\n", id,
	          id, (unsigned long long)base);
	ld_form_finish(&f, &b, action, rq->sess.csrf, false, "保存修改");
	snprintf(title, sizeof(title), "修改%s", ld_kind_label(r->kind));
	ld_submit_page(rq, title, k->nav, &b, refused);
	ld__record__free_unpacked(r, NULL);
	ld_pool_free(&pool);
}

/* The status field of `r` a move changes (plan item `item`, 1-based),
 * its machine, or NULL. */
static char **
status_field(Ld__Record *r, unsigned item, int *m)
{
	switch (r->body_case) {
	case LD__RECORD__BODY_TASK:
		*m = LD_SM_TASK;
		return &r->task->status;
	case LD__RECORD__BODY_SURVEY:
		*m = LD_SM_SURVEY;
		return &r->survey->status;
	case LD__RECORD__BODY_PROPOSAL:
		*m = LD_SM_PROPOSAL;
		return &r->proposal->status;
	case LD__RECORD__BODY_PLAN:
		*m = LD_SM_PLAN_ITEM;
		if (item < 1 || item > r->plan->n_items)
			return NULL;
		return &r->plan->items[item - 1]->status;
	default:
		return NULL;
	}
}

/* One move's form: the statuses `from` may become. */
static void
status_form(struct ld_web_req *rq, struct ld_buf *b, const Ld__Record *r, int m,
            const char *from, unsigned item, const struct ld_fielderr *fe)
{
	if (ld_status_next_at(m, from, 0) == NULL)
		return;
	struct ld_form f;
	ld_form_init(&f, fe);
	char bv[24], it[16], action[LD_ID_MAX + 16];
	snprintf(bv, sizeof(bv), "%llu", (unsigned long long)r->version);
	ld_form_hidden(&f, "base", bv);
	if (item > 0) {
		snprintf(it, sizeof(it), "%u", item);
		ld_form_hidden(&f, "item", it);
	}
	struct ld_choice c[8];
	size_t n = 0;
	const char *s;
	while (n < 8 && (s = ld_status_next_at(m, from, n)) != NULL) {
		c[n].value = s;
		c[n].label = ld_status_label(m, s);
		n++;
	}
	char label[96];
	if (item > 0)
		snprintf(label, sizeof(label), "第 %u 项：%s → ", item,
		         ld_status_label(m, from));
	else
		snprintf(label, sizeof(label), "%s → ",
		         ld_status_label(m, from));
	char name[48];
	if (item > 0)
		snprintf(name, sizeof(name), "item-%u-status", item);
	else
		snprintf(name, sizeof(name), "status");
	ld_form_select(&f, name, label, c, n, NULL, NULL, 0);
	snprintf(action, sizeof(action), "/r/%s/status", r->id);
	ld_form_finish(&f, b, action, rq->sess.csrf, false, "变更状态");
}

void
ld_page_status(struct ld_web_req *rq)
{
	char id[LD_ID_MAX + 1];
	Ld__Record *r = ld_submit_target(rq, "/status", id, sizeof(id));
	if (r == NULL)
		return;
	unsigned item =
	    (unsigned)strtoul(ld_submit_field(rq, "item"), NULL, 10);
	int m = -1;
	char **st = status_field(r, item, &m);
	if (st == NULL || r->deleted || !ld_submit_owned(rq, r)) {
		ld__record__free_unpacked(r, NULL);
		ld_web_error(rq, 403, "只有发文单位可以变更这条记录的状态。");
		return;
	}
	char was[64];
	snprintf(was, sizeof(was), "%s", *st);
	struct ld_fielderr fe;
	char line[1024];
	int rc = 1;
	char sname[48] = "status";
	if (item > 0)
		snprintf(sname, sizeof(sname), "item-%u-status", item);
	if (!set(st, ld_submit_field(rq, sname)))
		ld_fielderr_set(&fe, "", "内存不足，没有保存。");
	else
		rc = ld_submit_update(rq, r, base_of(rq), &fe, line,
		                      sizeof(line));
	if (rc == 0) {
		to_record(rq, id);
	} else if (rc > 0) {
		/* Shown again with the refusal, from the record as read. */
		set(st, was);
		struct ld_buf b = {0};
		ld_html_f(&b,
		          "<p><a href=\"/r/%s\">%s</a> 的状态没有改变。</p>\n",
		          id, id);
		bool beside = strcmp(fe.field, "status") == 0 ||
		              strncmp(fe.field, "item-", 5) == 0;
		if (!beside) {
			ld_form_refusal(&b, &fe, "err-form");
			ld_html_f(&b,
			          "<p><a href=\"/r/%s/edit\">打开修改表单</a>"
			          "</p>\n",
			          id);
		} else {
			snprintf(fe.field, sizeof(fe.field), "%s", sname);
		}
		status_form(rq, &b, r, m, was, item, beside ? &fe : NULL);
		ld_submit_page(rq, "变更状态", LD_NAV_NONE, &b, true);
	}
	ld__record__free_unpacked(r, NULL);
}

/* ------------------------------------------------ on a record's page */

/* May this office act on opinion `r` (采用 / 报送 / 批示)? It is below
 * this office; whether it has reached it yet (the relay rule,
 * core/flow.c) the node decides. */
static bool
may_act_on_opinion(struct ld_web_req *rq, const Ld__Record *r)
{
	const char *self = ld_web_config(rq)->id;
	return r->body_case == LD__RECORD__BODY_OPINION && !r->deleted &&
	       ld_web_may(rq, LD_ACT_WRITE) && strcmp(r->owner, self) != 0 &&
	       ld_path_in_subtree(r->owner, self);
}

/* The form that acts on opinion `r`: what (采用 / 报送 / 批示), the
 * leader of a 批示, a comment; what was posted and its refusal `fe`
 * after a refusal. */
static void
opinion_form(struct ld_web_req *rq, struct ld_buf *b, const Ld__Record *r,
             const struct ld_fielderr *fe)
{
	bool posted = strcmp(rq->method, "POST") == 0;
	struct ld_form f;
	ld_form_init(&f, fe);
	struct ld_choice c[3];
	size_t n = 0;
	const char *t;
	while (n < 3 &&
	       (t = ld_vocab_term(LD_VOCAB_OPINION_ACTION, n)) != NULL) {
		c[n].value = t;
		c[n].label = ld_opinion_action_label(t);
		n++;
	}
	ld_form_select(&f, "action", "处理", c, n, NULL,
	               posted ? ld_submit_field(rq, "action") : NULL,
	               LD_FORM_REQUIRED);
	ld_form_input(&f, "text", "leader", "批示领导（仅批示时填写）",
	              posted ? ld_submit_field(rq, "leader") : "", 0);
	ld_form_textarea(&f, "comment", "说明", NULL,
	                 posted ? ld_submit_field(rq, "comment") : "", 0);
	char action[LD_ID_MAX + 16];
	snprintf(action, sizeof(action), "/r/%s/opinion", r->id);
	ld_form_finish(&f, b, action, rq->sess.csrf, false, "提交");
}

void
ld_page_opinion_act(struct ld_web_req *rq)
{
	char id[LD_ID_MAX + 1];
	Ld__Record *op = ld_submit_target(rq, "/opinion", id, sizeof(id));
	if (op == NULL)
		return;
	if (op->body_case != LD__RECORD__BODY_OPINION || op->deleted) {
		ld__record__free_unpacked(op, NULL);
		ld_web_error(rq, 404, "这条记录不是社情民意。");
		return;
	}
	Ld__Record *r = ld_submit_blank(LD__RECORD__BODY_OPINION_ACTION);
	if (r == NULL) {
		ld__record__free_unpacked(op, NULL);
		ld_web_error(rq, 500, "内存不足。");
		return;
	}
	struct ld_fielderr fe;
	char line[1024], aid[LD_ID_MAX + 1];
	ld_fielderr_set(&fe, "", "");
	int rc = 1;
	/* The node checks the rest: the action's name, the leader of a
	 * 批示, and that the opinion is below and has reached this office
	 * (check_opinion_ref, daemon/api.c). */
	Ld__OpinionAction *a = r->opinion_action;
	if (!set(&a->ref, id) ||
	    !set(&a->action, ld_submit_field(rq, "action")) ||
	    !set(&a->leader, ld_submit_field(rq, "leader")) ||
	    !set(&a->comment, ld_submit_field(rq, "comment")))
		ld_fielderr_set(&fe, "", "内存不足，没有保存。");
	else
		rc = ld_submit_add(rq, r, aid, sizeof(aid), &fe, line,
		                   sizeof(line));
	ld__record__free_unpacked(r, NULL);
	if (rc == 0) {
		to_record(rq, id);
	} else if (rc > 0) {
		struct ld_buf b = {0};
		ld_html_f(&b,
		          "<p>社情民意 <a href=\"/r/%s\">%s</a>：%s</p>\n"
		          "<p>没有保存。</p>\n",
		          id, id, op->opinion->title);
		opinion_form(rq, &b, op, &fe);
		ld_submit_page(rq, "处理社情民意", LD_NAV_OPINIONS, &b, true);
	}
	ld__record__free_unpacked(op, NULL);
}

/* Is task/survey/plan `r` one this office answers: its own, or
 * addressed to it? */
static bool
reaches(const Ld__Record *r, const char *self)
{
	if (strcmp(r->owner, self) == 0)
		return true;
	for (size_t i = 0; i < r->n_scope; i++)
		if (ld_path_in_subtree(self, r->scope[i]))
			return true;
	return false;
}

void
ld_page_record_actions(struct ld_web_req *rq, struct ld_buf *b,
                       const Ld__Record *r)
{
	if (r->deleted)
		return;
	const char *self = ld_web_config(rq)->id;
	bool write = ld_web_may(rq, LD_ACT_WRITE);
	bool own = strcmp(r->owner, self) == 0;
	struct ld_buf a = {0};
	if (r->body_case == LD__RECORD__BODY_RESULT) {
		const Ld__Result *res = r->result;
		if (res->n_attachments > 0) {
			ld_buf_puts(b, "<h2>附件</h2>\n<ul class=\"files\">\n");
			for (size_t i = 0; i < res->n_attachments; i++)
				ld_html_f(
				    b,
				    "<li><a id=\"att-%z\" href=\"/r/%s/a/%z\">"
				    "%s</a>（%U 字节）</li>\n",
				    i + 1, r->id, i + 1,
				    res->attachments[i]->name,
				    (unsigned long long)res->attachments[i]
				        ->size);
			ld_buf_puts(b, "</ul>\n");
		}
		if (write && own)
			ld_html_f(&a,
			          "<a class=\"button\" id=\"act-edit\" "
			          "href=\"/r/%s/result\">修改或重新报送</a>\n",
			          r->id);
		if (ld_web_may(rq, LD_ACT_REVIEW) && !own &&
		    ld_path_in_subtree(r->owner, self))
			ld_html_f(&a,
			          "<a class=\"button\" id=\"act-review\" "
			          "href=\"/r/%s/review\">审核</a>\n",
			          r->id);
	} else if (r->body_case == LD__RECORD__BODY_REVIEW) {
		if (ld_web_may(rq, LD_ACT_REVIEW) && own)
			ld_html_f(&a,
			          "<a class=\"button\" id=\"act-edit\" "
			          "href=\"/r/%s/review\">修改审核意见</a>\n",
			          r->id);
	} else if (write) {
		bool answerable = r->body_case == LD__RECORD__BODY_TASK ||
		                  r->body_case == LD__RECORD__BODY_SURVEY ||
		                  r->body_case == LD__RECORD__BODY_PLAN;
		if (own && kind_of(r->body_case) != NULL)
			ld_html_f(&a,
			          "<a class=\"button\" id=\"act-edit\" "
			          "href=\"/r/%s/edit\">修改</a>\n",
			          r->id);
		if (own && r->body_case == LD__RECORD__BODY_MEMBER)
			ld_html_f(
			    &a,
			    "<a class=\"button\" id=\"act-duty\" "
			    "href=\"/duties/new?member=%s\">登记履职</a>\n",
			    r->id);
		if (r->body_case == LD__RECORD__BODY_TASK && reaches(r, self))
			ld_html_f(
			    &a,
			    "<a class=\"button\" id=\"act-derive\" "
			    "href=\"/tasks/new?parent=%u\">转办（派生子任务）"
			    "</a>\n",
			    r->id);
		if (answerable && reaches(r, self))
			ld_html_f(&a,
			          "<a class=\"button\" id=\"act-result\" "
			          "href=\"/r/%s/result\">报送成果</a>\n",
			          r->id);
	}
	if (a.n > 0) {
		ld_buf_puts(b, "<h2>操作</h2>\n<p class=\"actions\">\n");
		ld_buf_put(b, a.p, a.n);
		ld_buf_puts(b, "</p>\n");
	}
	ld_buf_free(&a);
	if (may_act_on_opinion(rq, r)) {
		ld_buf_puts(b, "<h2>处理（采用 / 报送 / 批示）</h2>\n");
		opinion_form(rq, b, r, NULL);
	}
	if (!write || !own)
		return;
	/* Moves along the statuses, only those lifecycle.c allows. */
	Ld__Record *rw = (Ld__Record *)r;
	int m = -1;
	if (r->body_case == LD__RECORD__BODY_PLAN) {
		bool any = false;
		for (size_t i = 0; i < r->plan->n_items; i++)
			any |= ld_status_next_at(LD_SM_PLAN_ITEM,
			                         r->plan->items[i]->status,
			                         0) != NULL;
		if (any)
			ld_buf_puts(b, "<h2>事项状态</h2>\n");
		for (size_t i = 0; i < r->plan->n_items; i++)
			status_form(rq, b, r, LD_SM_PLAN_ITEM,
			            r->plan->items[i]->status, (unsigned)i + 1,
			            NULL);
		return;
	}
	char **st = status_field(rw, 0, &m);
	if (st != NULL && ld_status_next_at(m, *st, 0) != NULL) {
		ld_buf_puts(b, "<h2>状态</h2>\n");
		status_form(rq, b, r, m, *st, 0, NULL);
	}
}
