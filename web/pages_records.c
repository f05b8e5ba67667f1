/* pages_records.c — the lists of tasks, surveys, plans and proposals
 * (filtered here, over what the node lists, and paged with `after`) and
 * one record's page: every field of its body, its envelope, and what
 * answers it. */
#include "labels.h"
#include "lifecycle.h"
#include "members.h"
#include "opinion.h"
#include "pages.h"
#include "pb.h"
#include "records.h"
#include "record.h"
#include "rules.h"
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAGE_ROWS 50
/* Records asked for at a time, and how many asks one page may make
 * before it offers to go on (a filter that matches little). */
#define LIST_BATCH 200
#define LIST_ASKS 25

/* What the lists show of a record, whatever its kind. */
struct summary {
	const char *title, *form, *status, *due;
	unsigned year;
	int machine; /* enum ld_machine, or -1 */
};

static void
summarize(const Ld__Record *r, struct summary *s)
{
	memset(s, 0, sizeof(*s));
	s->machine = -1;
	s->title = s->form = s->status = s->due = "";
	switch (r->body_case) {
	case LD__RECORD__BODY_TASK:
		s->title = r->task->topic;
		s->form = r->task->form;
		s->status = r->task->status;
		s->due = r->task->due;
		s->year = (unsigned)atoi(s->due);
		s->machine = LD_SM_TASK;
		break;
	case LD__RECORD__BODY_SURVEY:
		s->title = r->survey->topic;
		s->form = r->survey->form;
		s->status = r->survey->status;
		s->due = r->survey->end;
		s->year = (unsigned)atoi(r->survey->start);
		s->machine = LD_SM_SURVEY;
		break;
	case LD__RECORD__BODY_PLAN:
		s->title = r->plan->title;
		s->year = r->plan->year;
		break;
	case LD__RECORD__BODY_PROPOSAL:
		s->title = r->proposal->title;
		s->form = r->proposal->number;
		s->status = r->proposal->status;
		s->year = r->proposal->year;
		s->machine = LD_SM_PROPOSAL;
		break;
	case LD__RECORD__BODY_RESULT:
		s->title = r->result->summary;
		s->status = r->result->status;
		s->machine = LD_SM_RESULT;
		break;
	case LD__RECORD__BODY_REVIEW:
		s->title = r->review->comment;
		s->form = r->review->verdict;
		break;
	case LD__RECORD__BODY_MEMBER:
		s->title = r->member->name;
		s->form = r->member->sector;
		s->status = r->member->status;
		s->due = r->member->committee;
		s->machine = LD_SM_MEMBER;
		break;
	case LD__RECORD__BODY_OPINION:
		s->title = r->opinion->title;
		s->form = r->opinion->member;
		s->year = r->opinion->year;
		break;
	case LD__RECORD__BODY_OPINION_ACTION:
		s->title = r->opinion_action->comment;
		s->form = ld_opinion_action_label(r->opinion_action->action);
		break;
	case LD__RECORD__BODY_DUTY:
		s->title = r->duty->activity;
		s->form = r->duty->activity;
		s->due = r->duty->date;
		s->year = (unsigned)atoi(r->duty->date);
		break;
	default:
		break;
	}
}

static const char *
status_label(const struct summary *s)
{
	if (s->status[0] == '\0')
		return "";
	return s->machine >= 0 ? ld_status_label(s->machine, s->status)
	                       : s->status;
}

/* The filters of a list, from its query. */
struct filters {
	const char *status, *owner, *q, *after;
	unsigned year;
};

static bool
matches(const Ld__Record *r, const struct summary *s, const struct filters *f)
{
	if (r->deleted)
		return false;
	if (f->status != NULL && f->status[0] != '\0') {
		const char *want =
		    s->machine >= 0 ? ld_status_lookup(s->machine, f->status)
		                    : f->status;
		if (want == NULL || strcmp(want, s->status) != 0)
			return false;
	}
	if (f->year != 0 && s->year != f->year)
		return false;
	if (f->q != NULL && f->q[0] != '\0' && strstr(s->title, f->q) == NULL &&
	    strstr(r->id, f->q) == NULL)
		return false;
	return true;
}

/* The link to the same list with other filters and `after`. */
static void
list_link(struct ld_buf *b, const char *base, const struct filters *f,
          const char *after)
{
	ld_html_f(b, "%r?status=%u&amp;year=", base,
	          f->status != NULL ? f->status : "");
	if (f->year)
		ld_html_f(b, "%d", (int)f->year);
	ld_html_f(b, "&amp;owner=%u&amp;q=%u&amp;after=%u",
	          f->owner != NULL ? f->owner : "", f->q != NULL ? f->q : "",
	          after);
}

struct list_kind {
	Ld__Kind kind;
	const char *title, *base;
	enum ld_nav nav;
	const char *form_head, *due_head;
	const char *new_label; /* the link to its add form (base + "/new") */
	const char *progress;  /* a progress page of the kind, or NULL */
};

static void
list_page(struct ld_web_req *rq, const struct list_kind *lk)
{
	struct filters f = {
	    .status = ld_web_arg(rq, "status"),
	    .owner = ld_web_arg(rq, "owner"),
	    .q = ld_web_arg(rq, "q"),
	    .after = ld_web_arg(rq, "after"),
	};
	const char *y = ld_web_arg(rq, "year");
	if (y != NULL && y[0] != '\0') {
		char *end;
		unsigned long v = strtoul(y, &end, 10);
		if (*end != '\0' || v < 1900 || v > 9999) {
			ld_web_error(rq, 400, "年度应为四位数字，如 2026。");
			return;
		}
		f.year = (unsigned)v;
	}

	struct ld_buf rows = {0};
	size_t shown = 0;
	char next[LD_ID_MAX + 1] = "";
	snprintf(next, sizeof(next), "%s", f.after != NULL ? f.after : "");
	bool more = true;
	for (int ask = 0; ask < LIST_ASKS && more && shown < PAGE_ROWS; ask++) {
		Ld__ListRequest q = LD__LIST_REQUEST__INIT;
		q.kind = lk->kind;
		q.owner = (char *)(f.owner != NULL ? f.owner : "");
		q.after = next;
		q.limit = LIST_BATCH;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &q;
		Ld__Response *resp;
		if (ld_web_ask(rq, &req, &resp) != 0) {
			ld_buf_free(&rows);
			return;
		}
		const Ld__ListResponse *l = resp->list;
		size_t i = 0;
		for (; l != NULL && i < l->n_records && shown < PAGE_ROWS; i++) {
			Ld__Record *r = ld_record_unpack(l->records[i].data,
			                                 l->records[i].len);
			if (r == NULL)
				continue;
			snprintf(next, sizeof(next), "%s", r->id);
			struct summary s;
			summarize(r, &s);
			if (matches(r, &s, &f)) {
				shown++;
				ld_html_f(&rows,
				          "<tr><td><a href=\"/r/%s\">%s</a></td>"
				          "<td data-label=\"%r\">%s</td>"
				          "<td data-label=\"状态\">%s</td>"
				          "<td data-label=\"发文单位\">%s</td>"
				          "<td data-label=\"%r\">",
				          r->id, s.title[0] ? s.title : "（无标题）",
				          lk->form_head, s.form, status_label(&s),
				          r->owner, lk->due_head);
				if (s.due[0] != '\0')
					ld_html_f(&rows, "%s", s.due);
				else if (s.year != 0)
					ld_html_f(&rows, "%d", (int)s.year);
				ld_buf_puts(&rows,
				            "</td><td data-label=\"更新时间\">");
				ld_html_time(&rows, (long long)r->updated_at);
				ld_buf_puts(&rows, "</td></tr>\n");
			}
			ld__record__free_unpacked(r, NULL);
		}
		/* Done when the node has nothing after this page and every
		 * record of it was looked at. */
		more = l != NULL && (i < l->n_records || l->next[0] != '\0');
		ld__response__free_unpacked(resp, NULL);
	}

	struct ld_page p;
	ld_web_page(rq, &p, lk->title, lk->nav);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	bool may_write = ld_web_may(rq, LD_ACT_WRITE);
	if (may_write || lk->progress != NULL) {
		ld_buf_puts(&b, "<p class=\"actions\">");
		if (may_write)
			ld_html_f(&b,
			          "<a class=\"button primary\" id=\"act-new\" "
			          "href=\"%r/new\">%r</a>",
			          lk->base, lk->new_label);
		if (lk->progress != NULL)
			ld_html_f(&b,
			          "%r<a class=\"button\" id=\"act-progress\" "
			          "href=\"%r\">办理进度</a>",
			          may_write ? " " : "", lk->progress);
		ld_buf_puts(&b, "</p>\n");
	}
	ld_html_f(&b,
	          "<form class=\"filters\" method=\"get\" action=\"%r\">\n"
	          "<label>状态<input name=\"status\" value=\"%s\" size=\"8\">"
	          "</label>\n"
	          "<label>年度<input name=\"year\" value=\"%s\" size=\"5\" "
	          "inputmode=\"numeric\"></label>\n"
	          "<label>发文单位<input name=\"owner\" value=\"%s\" size=\"14\">"
	          "</label>\n"
	          "<label>关键词<input name=\"q\" value=\"%s\" size=\"12\">"
	          "</label>\n<button type=\"submit\">筛选</button>\n</form>\n",
	          lk->base, f.status != NULL ? f.status : "",
	          y != NULL ? y : "", f.owner != NULL ? f.owner : "",
	          f.q != NULL ? f.q : "");
	if (shown == 0) {
		ld_buf_puts(&b, "<p>没有符合条件的记录。</p>\n");
	} else {
		ld_html_f(&b,
		          "<div class=\"scroll\"><table class=\"cards\">\n"
		          "<thead><tr><th>标题</th>"
		          "<th>%s</th><th>状态</th><th>发文单位</th><th>%s</th>"
		          "<th>更新时间</th></tr></thead>\n<tbody>\n",
		          lk->form_head, lk->due_head);
		ld_buf_put(&b, rows.p, rows.n);
		ld_buf_puts(&b, "</tbody></table></div>\n");
	}
	if (more) {
		ld_buf_puts(&b, "<p class=\"pager\"><a href=\"");
		list_link(&b, lk->base, &f, next);
		ld_buf_puts(&b, "\">下一页</a></p>\n");
	}
	ld_buf_free(&rows);
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}

void
ld_page_tasks(struct ld_web_req *rq)
{
	static const struct list_kind k = {LD__KIND__KIND_TASK, "督办任务",
	                                   "/tasks", LD_NAV_TASKS, "形式",
	                                   "截止日期", "新建督办任务"};
	list_page(rq, &k);
}

void
ld_page_surveys(struct ld_web_req *rq)
{
	static const struct list_kind k = {LD__KIND__KIND_SURVEY, "调研",
	                                   "/surveys", LD_NAV_SURVEYS, "形式",
	                                   "结束日期", "新建调研"};
	list_page(rq, &k);
}

void
ld_page_plans(struct ld_web_req *rq)
{
	static const struct list_kind k = {LD__KIND__KIND_PLAN, "协商计划",
	                                   "/plans", LD_NAV_PLANS, "形式",
	                                   "年度", "新建协商计划"};
	list_page(rq, &k);
}

void
ld_page_proposals(struct ld_web_req *rq)
{
	static const struct list_kind k = {LD__KIND__KIND_PROPOSAL,
	                                   "提案",
	                                   "/proposals",
	                                   LD_NAV_PROPOSALS,
	                                   "编号",
	                                   "年度",
	                                   "新建提案",
	                                   "/proposals/progress"};
	list_page(rq, &k);
}

void
ld_page_members(struct ld_web_req *rq)
{
	static const struct list_kind k = {LD__KIND__KIND_MEMBER, "委员",
	                                   "/members", LD_NAV_MEMBERS, "界别",
	                                   "专委会", "添加委员"};
	list_page(rq, &k);
}

void
ld_page_opinions(struct ld_web_req *rq)
{
	static const struct list_kind k = {LD__KIND__KIND_OPINION, "社情民意",
	                                   "/opinions", LD_NAV_OPINIONS, "委员",
	                                   "年度", "撰写社情民意"};
	list_page(rq, &k);
}

/* ------------------------------------------------------ one record */

static int
machine_of(const ProtobufCMessageDescriptor *d)
{
	if (d == &ld__task__descriptor)
		return LD_SM_TASK;
	if (d == &ld__survey__descriptor)
		return LD_SM_SURVEY;
	if (d == &ld__plan_item__descriptor)
		return LD_SM_PLAN_ITEM;
	if (d == &ld__result__descriptor)
		return LD_SM_RESULT;
	if (d == &ld__proposal__descriptor)
		return LD_SM_PROPOSAL;
	if (d == &ld__member__descriptor)
		return LD_SM_MEMBER;
	return -1;
}

static void render_value(struct ld_buf *b, const ProtobufCMessage *m,
                         const ProtobufCFieldDescriptor *fd, const void *v);

/* One value of a field (an element, for a repeated one). */
static void
render_one(struct ld_buf *b, const ProtobufCMessage *m,
           const ProtobufCFieldDescriptor *fd, const void *v)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)v;
		if (s == NULL || s[0] == '\0') {
			ld_buf_puts(b, "—");
		} else if (strcmp(fd->name, "status") == 0 &&
		           machine_of(m->descriptor) >= 0) {
			ld_html_f(b, "%s <span class=\"muted\">(%s)</span>",
			          ld_status_label(machine_of(m->descriptor), s), s);
		} else if ((strcmp(fd->name, "ref") == 0 ||
		            strcmp(fd->name, "parent") == 0) &&
		           ld_id_owner_len(s) > 0) {
			ld_html_f(b, "<a href=\"/r/%s\">%s</a>", s, s);
		} else {
			ld_html_f(b, "%s", s);
		}
		break;
	}
	case PROTOBUF_C_TYPE_BOOL:
		ld_buf_puts(b, *(const protobuf_c_boolean *)v ? "是" : "否");
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		ld_html_f(b, "%U", (unsigned long long)*(const uint32_t *)v);
		break;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		ld_html_f(b, "%d", *(const int32_t *)v);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		ld_html_f(b, "%U", (unsigned long long)*(const uint64_t *)v);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		ld_html_f(b, "%l", (long long)*(const int64_t *)v);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		ld_buf_printf(b, "%g", *(const double *)v);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		ld_buf_printf(b, "%g", (double)*(const float *)v);
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *d = v;
		ld_html_f(b, "<span class=\"muted\">（%z 字节）</span>", d->len);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(ProtobufCMessage *const *)v;
		if (sub == NULL) {
			ld_buf_puts(b, "—");
			break;
		}
		ld_buf_puts(b, "<table class=\"kv\">");
		for (unsigned i = 0; i < sub->descriptor->n_fields; i++) {
			const ProtobufCFieldDescriptor *sf =
			    &sub->descriptor->fields[i];
			ld_html_f(b, "<tr><th>%s</th><td>", ld_label_field(sf->name));
			render_value(b, sub, sf,
			             (const char *)sub + sf->offset);
			ld_buf_puts(b, "</td></tr>");
		}
		ld_buf_puts(b, "</table>");
		break;
	}
	}
}

/* A field at `v` (its place in the message), repeated or not. */
static void
render_value(struct ld_buf *b, const ProtobufCMessage *m,
             const ProtobufCFieldDescriptor *fd, const void *v)
{
	if (fd->label != PROTOBUF_C_LABEL_REPEATED) {
		render_one(b, m, fd, v);
		return;
	}
	size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
	const char *arr = *(char *const *)v;
	if (n == 0) {
		ld_buf_puts(b, "—");
		return;
	}
	if (fd->type == PROTOBUF_C_TYPE_BYTES) {
		ld_html_f(b, "<span class=\"muted\">（%z 项）</span>", n);
		return;
	}
	ld_buf_puts(b, "<ol>");
	for (size_t i = 0; i < n; i++) {
		ld_buf_puts(b, "<li>");
		render_one(b, m, fd, arr + i * ld_pb_elem_size(fd->type));
		ld_buf_puts(b, "</li>");
	}
	ld_buf_puts(b, "</ol>");
}

/* ld_web_call with a refusal counted as a failure, reporting nothing:
 * the sections below say so in a line (ld_api_call_fn's shape). *resp
 * is NULL after a failure: a failed call may leave it pointing at an
 * answer the client has already freed. */
static int
ask_quietly(void *ctx, Ld__Request *req, Ld__Response **resp)
{
	char err[256];
	if (ld_web_call(ctx, req, resp, err, sizeof(err)) != 0) {
		*resp = NULL;
		return -1;
	}
	if ((*resp)->code != LD__CODE__CODE_OK) {
		ld__response__free_unpacked(*resp, NULL);
		*resp = NULL;
		return -1;
	}
	return 0;
}

/* The line a section shows in place of what the node could not give. */
static const char unreadable[] =
    "<p class=\"error\">暂时无法从节点读取。</p>\n";

typedef void visit_fn(void *ctx, const Ld__Record *r);

/* Every record of `kind` that answers `ref` ("" for any), page after page
 * of the node's list, handed to `visit`: 0, or -1 when the node could not
 * be asked (what was visited before stays visited). A failure is the
 * caller's line, not an error page. */
static int
each_listed(struct ld_web_req *rq, Ld__Kind kind, const char *ref,
            visit_fn *visit, void *ctx)
{
	char next[LD_ID_MAX + 1] = "";
	for (int ask = 0; ask < LIST_ASKS * 4; ask++) {
		Ld__ListRequest q = LD__LIST_REQUEST__INIT;
		q.kind = kind;
		q.owner = "";
		q.after = next;
		q.limit = 500;
		q.ref = (char *)ref; /* the store's refs index, not a scan */
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &q;
		Ld__Response *resp;
		if (ask_quietly(rq, &req, &resp) != 0)
			return -1;
		const Ld__ListResponse *l = resp->list;
		if (l == NULL) {
			ld__response__free_unpacked(resp, NULL);
			return -1;
		}
		for (size_t i = 0; i < l->n_records; i++) {
			Ld__Record *r = ld_record_unpack(l->records[i].data,
			                                 l->records[i].len);
			if (r == NULL)
				continue;
			visit(ctx, r);
			ld__record__free_unpacked(r, NULL);
		}
		bool more = l->next[0] != '\0';
		if (more)
			snprintf(next, sizeof(next), "%s", l->next);
		ld__response__free_unpacked(resp, NULL);
		if (!more)
			break;
	}
	return 0;
}

/* What member_year gathers from the duty entries. */
struct member_duties {
	const Ld__Record *m;
	unsigned year;
	struct ld_members *ms;
	struct ld_buf *rows;
};

/* A duty entry of the year naming the member: counted and a row. */
static void
member_duty(void *ctx, const Ld__Record *d)
{
	struct member_duties *md = ctx;
	bool names = false;
	for (size_t k = 0;
	     d->body_case == LD__RECORD__BODY_DUTY && k < d->duty->n_members;
	     k++)
		names = names || strcmp(d->duty->members[k], md->m->id) == 0;
	if (!names || d->deleted || ld_rule_year(d) != md->year)
		return;
	ld_members_add_duty(md->ms, d);
	ld_html_f(md->rows, "<tr><td><a href=\"/r/%s\">%s</a>"
	          "</td><td>%s</td><td>%s</td><td>",
	          d->id, d->duty->date, d->duty->activity, d->owner);
	if (d->duty->ref[0] != '\0')
		ld_html_f(md->rows, "<a href=\"/r/%s\">%s</a>", d->duty->ref,
		          d->duty->ref);
	ld_html_f(md->rows, "</td><td>%s</td></tr>\n", d->duty->note);
}

/* A member's year (履职档案): the duty entries naming member `m` in the
 * year asked for (?year=, else this year), counted against 五个一 by
 * core/members.c as the members report counts them. */
static void
member_year(struct ld_web_req *rq, struct ld_buf *b, const Ld__Record *m)
{
	unsigned year = 0;
	const char *y = ld_web_arg(rq, "year");
	if (y != NULL && y[0] != '\0')
		year = (unsigned)strtoul(y, NULL, 10);
	if (year < 1949 || year > 2200) {
		time_t now = time(NULL);
		struct tm tm;
		year = localtime_r(&now, &tm) ? (unsigned)tm.tm_year + 1900 : 0;
	}
	struct ld_quota q;
	char err[256];
	ld_quota_parse(NULL, &q, err, sizeof(err));
	struct ld_members ms;
	ld_members_init(&ms, year, &q);
	bool failed = ld_members_add_member(&ms, m) != 0;
	struct ld_buf rows = {0};
	struct member_duties md = {m, year, &ms, &rows};
	if (!failed)
		failed = each_listed(rq, LD__KIND__KIND_DUTY, "", member_duty,
		                     &md) != 0;
	ld_members_finish(&ms);
	ld_html_f(b, "<h2>%d年履职</h2>\n", (int)year);
	if (failed) {
		ld_buf_puts(b, unreadable);
	} else if (ms.n == 1) {
		const struct ld_member_year *my = &ms.v[0];
		char miss[256];
		ld_members_missing(&ms, my, miss, sizeof(miss));
		ld_buf_puts(b, "<div class=\"scroll\"><table>\n<thead><tr>");
		for (unsigned a = 0; a < LD_ACTIVITY_COUNT; a++)
			ld_html_f(b, "<th>%s</th>", ld_activity_name(a));
		ld_buf_puts(b, "<th>合计</th><th>五个一尚缺</th></tr></thead>\n"
		               "<tbody><tr>");
		for (unsigned a = 0; a < LD_ACTIVITY_COUNT; a++)
			ld_html_f(b, "<td>%d</td>", (int)my->count[a]);
		ld_html_f(b, "<td>%d</td><td>%s</td></tr></tbody></table></div>\n",
		          (int)my->entries,
		          !my->active ? "" : miss[0] ? miss : "已完成");
		if (rows.n == 0)
			ld_buf_puts(b, "<p class=\"muted\">本年尚无履职记录。</p>\n");
		else {
			ld_buf_puts(b, "<div class=\"scroll\"><table>\n<thead><tr>"
			               "<th>日期</th><th>活动</th><th>记录单位</th>"
			               "<th>关于</th><th>备注</th></tr></thead>\n"
			               "<tbody>\n");
			ld_buf_put(b, rows.p, rows.n);
			ld_buf_puts(b, "</tbody></table></div>\n");
		}
	}
	ld_buf_free(&rows);
	ld_members_free(&ms);
}

/* What answers gathers: the rows of the records answering `id`. */
struct answer_rows {
	Ld__Kind kind;
	const char *id;
	struct ld_buf *b;
	size_t found;
};

static void
answer_row(void *ctx, const Ld__Record *r)
{
	struct answer_rows *ar = ctx;
	const char *ref = ld_record_ref(r);
	if (r->deleted || ref == NULL || strcmp(ref, ar->id) != 0)
		return;
	struct summary s;
	summarize(r, &s);
	ar->found++;
	ld_html_f(ar->b, "<tr><td><a href=\"/r/%s\">%s</a></td>"
	          "<td data-label=\"单位\">%s</td>"
	          "<td data-label=\"%r\">%s</td>"
	          "<td data-label=\"内容\">%s</td>"
	          "<td data-label=\"更新时间\">",
	          r->id, r->id, r->owner,
	          ar->kind == LD__KIND__KIND_REVIEW ? "意见" : "状态",
	          s.form[0] ? s.form : status_label(&s), s.title);
	ld_html_time(ar->b, (long long)r->updated_at);
	ld_buf_puts(ar->b, "</td></tr>\n");
}

/* The records of `kind` whose ref is `id` (results of a task, reviews of
 * a result), as table rows; how many. The node picks them from its refs
 * index (ListRequest.ref). */
static size_t
answers(struct ld_web_req *rq, struct ld_buf *b, Ld__Kind kind,
        const char *id, bool *failed)
{
	struct answer_rows ar = {kind, id, b, 0};
	if (each_listed(rq, kind, id, answer_row, &ar) != 0)
		*failed = true;
	return ar.found;
}

/* What each office above the writer did with opinion `r`, nearest the
 * writer first: the trail `liandong opinion trail` prints (core/opinion.c). */
static void
opinion_trail(struct ld_web_req *rq, struct ld_buf *b, const Ld__Record *r)
{
	Ld__Record **acts = NULL;
	size_t n = 0;
	ld_buf_puts(b, "<h2>各级处理</h2>\n");
	/* Every opinion action this node holds, as the CLI reads them; not
	 * ld_web_list_all: a failure here is a line, not the page. */
	if (ld_api_list_all(ask_quietly, rq, LD__KIND__KIND_OPINION_ACTION, "",
	                    &acts, &n) != 0) {
		ld_buf_puts(b, unreadable);
		return;
	}
	size_t k = ld_opinion_trail(acts, n, r->id);
	if (k == 0) {
		ld_buf_puts(b, "<p class=\"muted\" id=\"trail-none\">上级尚未"
		               "处理。</p>\n");
	} else {
		ld_buf_puts(b, "<div class=\"scroll\"><table class=\"cards\" "
		               "id=\"trail\">\n<thead><tr><th>单位</th>"
		               "<th>处理</th><th>编号</th><th>所据版本</th>"
		               "<th>批示领导</th><th>说明</th></tr></thead>\n"
		               "<tbody>\n");
		for (size_t i = 0; i < k; i++) {
			const Ld__OpinionAction *x = acts[i]->opinion_action;
			ld_html_f(b,
			          "<tr><td data-label=\"单位\">%s</td>"
			          "<td data-label=\"处理\">%s</td>"
			          "<td data-label=\"编号\"><a href=\"/r/%s\">%s"
			          "</a></td><td data-label=\"所据版本\">v%U</td>"
			          "<td data-label=\"批示领导\">%s</td>"
			          "<td data-label=\"说明\">%s</td></tr>\n",
			          acts[i]->owner,
			          ld_opinion_action_label(x->action),
			          acts[i]->id, acts[i]->id,
			          (unsigned long long)x->ref_version,
			          x->leader[0] ? x->leader : "—",
			          x->comment[0] ? x->comment : "—");
		}
		ld_buf_puts(b, "</tbody></table></div>\n");
	}
	ld_api_free_records(acts, n);
}

/* The versions of `id` this node has stored (HistoryRequest): version,
 * time, who, status, newest first. */
static void
history(struct ld_web_req *rq, struct ld_buf *b, const Ld__Record *r)
{
	const ProtobufCMessage *body = ld_record_body(r);
	int machine = body != NULL ? machine_of(body->descriptor) : -1;
	Ld__HistoryRequest q = LD__HISTORY_REQUEST__INIT;
	q.id = r->id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_HISTORY;
	req.history = &q;
	Ld__Response *resp = NULL;
	ld_buf_puts(b, "<h2>历史版本</h2>\n");
	if (ask_quietly(rq, &req, &resp) != 0 || resp->history == NULL) {
		if (resp != NULL)
			ld__response__free_unpacked(resp, NULL);
		ld_buf_puts(b, unreadable);
		return;
	}
	const Ld__HistoryResponse *h = resp->history;
	ld_buf_puts(b, "<div class=\"scroll\"><table class=\"history\">\n"
	               "<thead><tr><th>版本</th><th>时间</th><th>填报人</th>"
	               "<th>状态</th></tr></thead>\n<tbody>\n");
	for (size_t i = h->n_entries; i-- > 0;) {
		const Ld__HistoryEntry *e = h->entries[i];
		ld_html_f(b, "<tr><td data-label=\"版本\">v%U</td>"
		          "<td data-label=\"时间\">",
		          (unsigned long long)e->version);
		ld_html_time(b, (long long)e->updated_at);
		ld_html_f(b, "</td><td data-label=\"填报人\">%s</td>"
		          "<td data-label=\"状态\">%s</td></tr>\n",
		          e->author[0] ? e->author : "—",
		          e->deleted ? "已删除"
		          : e->status[0] == '\0' ? "—"
		          : machine >= 0
		              ? ld_status_label((enum ld_machine)machine, e->status)
		              : e->status);
	}
	ld_buf_puts(b, "</tbody></table></div>\n");
	if (h->more)
		ld_buf_puts(b, "<p class=\"muted\">更早的版本未列出。</p>\n");
	ld__response__free_unpacked(resp, NULL);
}

void
ld_page_record(struct ld_web_req *rq)
{
	const char *id = rq->rest;
	if (ld_id_owner_len(id) == 0) {
		ld_web_error(rq, 404, "记录编号不正确。");
		return;
	}
	Ld__GetRequest q = LD__GET_REQUEST__INIT;
	q.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return;
	Ld__Record *r = resp->result_case == LD__RESPONSE__RESULT_RECORD
	                    ? ld_record_unpack(resp->record.data,
	                                       resp->record.len)
	                    : NULL;
	ld__response__free_unpacked(resp, NULL);
	if (r == NULL) {
		ld_web_error(rq, 502, "节点给出的记录无法解读。");
		return;
	}
	struct summary s;
	summarize(r, &s);
	char title[400];
	snprintf(title, sizeof(title), "%s：%s", ld_kind_label(r->kind),
	         s.title[0] ? s.title : r->id);
	enum ld_nav nav = r->kind == LD__KIND__KIND_TASK       ? LD_NAV_TASKS
	                  : r->kind == LD__KIND__KIND_SURVEY   ? LD_NAV_SURVEYS
	                  : r->kind == LD__KIND__KIND_PLAN     ? LD_NAV_PLANS
	                  : r->kind == LD__KIND__KIND_PROPOSAL ? LD_NAV_PROPOSALS
	                  : r->kind == LD__KIND__KIND_MEMBER   ? LD_NAV_MEMBERS
	                  : r->kind == LD__KIND__KIND_OPINION ||
	                          r->kind == LD__KIND__KIND_OPINION_ACTION
	                      ? LD_NAV_OPINIONS
	                  : r->kind == LD__KIND__KIND_REPORT   ? LD_NAV_REPORTS
	                  : r->kind == LD__KIND__KIND_NODE     ? LD_NAV_NODES
	                                                       : LD_NAV_NONE;
	struct ld_page p;
	ld_web_page(rq, &p, title, nav);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	if (r->deleted)
		ld_buf_puts(&b, "<p class=\"error\">此记录已被发文单位删除。</p>\n");
	ld_html_f(&b,
	          "<div class=\"scroll\"><table class=\"kv\">\n"
	          "<tr><th>编号</th><td>%s</td></tr>\n"
	          "<tr><th>类别</th><td>%s</td></tr>\n"
	          "<tr><th>发文单位</th><td>%s</td></tr>\n"
	          "<tr><th>版本</th><td>%U</td></tr>\n"
	          "<tr><th>更新时间</th><td>",
	          r->id, ld_kind_label(r->kind), r->owner,
	          (unsigned long long)r->version);
	ld_html_time(&b, (long long)r->updated_at);
	ld_buf_puts(&b, "</td></tr>\n");
	ld_html_f(&b, "<tr><th>填报人</th><td>%s</td></tr>\n",
	          r->author[0] ? r->author : "—");
	ld_buf_puts(&b, "<tr><th>范围</th><td>");
	for (size_t i = 0; i < r->n_scope; i++)
		ld_html_f(&b, "%r%s", i ? "、" : "", r->scope[i]);
	if (r->n_scope == 0)
		ld_buf_puts(&b, "—");
	ld_buf_puts(&b, "</td></tr>\n");
	const ProtobufCMessage *body = ld_record_body(r);
	for (unsigned i = 0; body != NULL && i < body->descriptor->n_fields;
	     i++) {
		const ProtobufCFieldDescriptor *fd = &body->descriptor->fields[i];
		ld_html_f(&b, "<tr><th>%s</th><td>", ld_label_field(fd->name));
		render_value(&b, body, fd, (const char *)body + fd->offset);
		ld_buf_puts(&b, "</td></tr>\n");
	}
	ld_buf_puts(&b, "</table></div>\n");

	ld_page_record_actions(rq, &b, r);
	if (r->kind == LD__KIND__KIND_TASK)
		ld_html_f(&b, "<p><a href=\"/tasks/%s/progress\">各单位进度</a>"
		          "</p>\n", r->id);
	if (r->kind == LD__KIND__KIND_MEMBER && !r->deleted)
		member_year(rq, &b, r);
	if (r->kind == LD__KIND__KIND_OPINION)
		opinion_trail(rq, &b, r);
	Ld__Kind answer_kind = LD__KIND__KIND_UNSPECIFIED;
	const char *answer_title = NULL;
	if (r->kind == LD__KIND__KIND_TASK || r->kind == LD__KIND__KIND_SURVEY ||
	    r->kind == LD__KIND__KIND_PLAN) {
		answer_kind = LD__KIND__KIND_RESULT;
		answer_title = "成果与上报";
	} else if (r->kind == LD__KIND__KIND_RESULT) {
		answer_kind = LD__KIND__KIND_REVIEW;
		answer_title = "审核";
	}
	if (answer_title != NULL) {
		struct ld_buf rows = {0};
		bool failed = false;
		size_t n = answers(rq, &rows, answer_kind, r->id, &failed);
		ld_html_f(&b, "<h2>%s</h2>\n", answer_title);
		if (failed)
			ld_buf_puts(&b, unreadable);
		if (n == 0 && !failed) {
			ld_buf_puts(&b, "<p class=\"muted\">尚无。</p>\n");
		} else if (n > 0) {
			ld_html_f(&b, "<div class=\"scroll\"><table "
			          "class=\"cards\">\n<thead><tr>"
			          "<th>编号</th><th>单位</th><th>%r</th>"
			          "<th>内容</th><th>更新时间</th></tr></thead>"
			          "\n<tbody>\n",
			          answer_kind == LD__KIND__KIND_REVIEW ? "意见"
			                                               : "状态");
			ld_buf_put(&b, rows.p, rows.n);
			ld_buf_puts(&b, "</tbody></table></div>\n");
		}
		ld_buf_free(&rows);
	}
	history(rq, &b, r);
	ld__record__free_unpacked(r, NULL);
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}
