/* pages_home.c — 工作台: what this office must act on (the node's inbox),
 * overdue first, with the count of each kind of work. */
#include "pages.h"
#include "record.h"
#include "rollup.h"
#include "users.h"

#include <string.h>

void
ld_page_home(struct ld_web_req *rq)
{
	Ld__InboxRequest q = LD__INBOX_REQUEST__INIT;
	q.today = "";
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_INBOX;
	req.inbox = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return;
	const Ld__InboxResponse *in = resp->inbox;
	size_t count[LD_INBOX_COUNT] = {0}, overdue = 0;
	for (size_t i = 0; in != NULL && i < in->n_items; i++) {
		enum ld_act a = ld_act_lookup(in->items[i]->action);
		if (a < LD_INBOX_COUNT)
			count[a]++;
		overdue += in->items[i]->overdue;
	}

	struct ld_page p;
	ld_web_page(rq, &p, "工作台", LD_NAV_HOME);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	ld_html_f(&b, "<p class=\"muted\">截至 %s</p>\n<ul class=\"counts\">\n",
	          in != NULL ? in->today : "");
	for (int a = 0; a < LD_INBOX_COUNT; a++)
		ld_html_f(&b, "<li>%s<b>%z</b></li>\n", ld_act_label(a), count[a]);
	ld_html_f(&b, "<li class=\"%r\">逾期<b>%z</b></li>\n</ul>\n",
	          overdue ? "overdue" : "", overdue);
	if (in == NULL || in->n_items == 0) {
		ld_buf_puts(&b, "<p>目前没有待办事项。</p>\n");
	} else {
		ld_buf_puts(&b, "<div class=\"scroll\"><table class=\"cards\">\n"
		            "<thead><tr>"
		            "<th>事项</th><th>类别</th><th>内容</th><th>来自</th>"
		            "<th>截止日期</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < in->n_items; i++) {
			const Ld__InboxItem *it = in->items[i];
			Ld__Kind k = ld_kind_parse(it->kind);
			ld_html_f(&b,
			          "<tr%r><td data-label=\"事项\">%s</td>"
			          "<td data-label=\"类别\">%s</td>"
			          "<td data-label=\"内容\"><a href=\"/r/%s\">%s</a>",
			          it->overdue ? " class=\"overdue\"" : "",
			          ld_act_label(ld_act_lookup(it->action)),
			          k != LD__KIND__KIND_UNSPECIFIED ? ld_kind_label(k)
			                                          : it->kind,
			          it->id, it->topic[0] ? it->topic : it->id);
			if (it->cause[0] != '\0')
				ld_html_f(&b, "<br><span class=\"muted\">退回意见："
				          "<a href=\"/r/%s\">%s</a></span>",
				          it->cause,
				          it->comment[0] ? it->comment : "（无说明）");
			ld_html_f(&b,
			          "</td><td data-label=\"来自\">%s</td>"
			          "<td data-label=\"截止日期\">",
			          it->from);
			if (it->due[0] == '\0')
				ld_buf_puts(&b, "—");
			else if (it->overdue)
				ld_html_f(&b, "%s <span class=\"overdue\">逾期 %d 天"
				          "</span>", it->due, -it->days_left);
			else
				ld_html_f(&b, "%s <span class=\"%r\">剩 %d 天</span>",
				          it->due, it->due_soon ? "soon" : "muted",
				          it->days_left);
			ld_buf_puts(&b, "</td></tr>\n");
		}
		ld_buf_puts(&b, "</tbody></table></div>\n");
	}
	if (ld_web_may(rq, LD_ACT_WRITE))
		ld_buf_puts(&b,
		            "<h2>新建</h2>\n<p class=\"actions\">\n"
		            "<a class=\"button\" id=\"new-task\" "
		            "href=\"/tasks/new\">督办任务</a>\n"
		            "<a class=\"button\" id=\"new-survey\" "
		            "href=\"/surveys/new\">调研</a>\n"
		            "<a class=\"button\" id=\"new-plan\" "
		            "href=\"/plans/new\">协商计划</a>\n"
		            "<a class=\"button\" id=\"new-proposal\" "
		            "href=\"/proposals/new\">提案</a>\n</p>\n");
	ld_page_end(&b);
	ld__response__free_unpacked(resp, NULL);
	ld_web_html(rq, 200, &b);
}
