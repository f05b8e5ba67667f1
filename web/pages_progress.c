/* pages_progress.c — a task's progress (GET /tasks/ID/progress): every
 * office it reaches, grouped under the office one level below the task's
 * owner (province → cities → counties), with its state, due date, result
 * and review, overdue ones marked, and the totals; and the proposals
 * awaiting a reply (GET /proposals/progress), overdue ones first. */
#include "pages.h"
#include "path.h"
#include "record.h"
#include "rollup.h"

#include <stdio.h>
#include <string.h>

static const char suffix[] = "/progress";

/* The name of office `path` as the page knows it: this office's own, or
 * a row's or a group's (the reviewer is one of these: this office or an
 * office between it and the row); NULL if none names it. */
static const char *
office_name(struct ld_web_req *rq, const Ld__ProgressResponse *pr,
            const char *path)
{
	const struct ld_config *cfg = ld_web_config(rq);
	if (strcmp(path, cfg->id) == 0 && cfg->name[0] != '\0')
		return cfg->name;
	for (size_t i = 0; i < pr->n_rows; i++) {
		const Ld__ProgressRow *w = pr->rows[i];
		if (w->name[0] != '\0' && strcmp(w->path, path) == 0)
			return w->name;
		if (w->group_name[0] != '\0' && strcmp(w->group, path) == 0)
			return w->group_name;
	}
	return NULL;
}

void
ld_page_task_sub(struct ld_web_req *rq)
{
	/* rest is "ID/progress"; an id holds '/' itself. */
	size_t n = strlen(rq->rest), sn = sizeof(suffix) - 1;
	char id[LD_ID_MAX + 1];
	if (n <= sn || n - sn > LD_ID_MAX ||
	    strcmp(rq->rest + n - sn, suffix) != 0) {
		ld_web_error(rq, 404, "没有这个页面。");
		return;
	}
	memcpy(id, rq->rest, n - sn);
	id[n - sn] = '\0';
	if (ld_id_owner_len(id) == 0) {
		ld_web_error(rq, 404, "任务编号不正确。");
		return;
	}
	Ld__ProgressRequest q = LD__PROGRESS_REQUEST__INIT;
	q.id = id;
	q.today = "";
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_PROGRESS;
	req.progress = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return;
	const Ld__ProgressResponse *pr = resp->progress;
	if (pr == NULL) {
		ld__response__free_unpacked(resp, NULL);
		ld_web_error(rq, 502, "节点没有给出进度。");
		return;
	}
	char title[400];
	snprintf(title, sizeof(title), "进度：%s", pr->topic);
	struct ld_page p;
	ld_web_page(rq, &p, title, LD_NAV_TASKS);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	ld_html_f(&b, "<p>任务 <a href=\"/r/%s\">%s</a> · 截至 %s</p>\n",
	          pr->task, pr->task, pr->today);
	ld_html_f(&b,
	          "<ul class=\"counts\">\n<li>应报<b>%d</b></li>\n"
	          "<li>已报送<b>%d</b></li>\n<li>%s<b>%d</b></li>\n"
	          "<li>%s<b>%d</b></li>\n<li>退回或整改<b>%d</b></li>\n"
	          "<li class=\"%r\">%s<b>%d</b></li>\n<li>%s<b>%d</b></li>\n"
	          "<li>%s<b>%d</b></li>\n</ul>\n",
	          (int)pr->targets, (int)pr->reported,
	          ld_ps_label(LD_PS_REVIEWED), (int)pr->reviewed,
	          ld_ps_label(LD_PS_RESUBMITTED), (int)pr->resubmitted,
	          (int)pr->returned, pr->overdue ? "overdue" : "",
	          ld_ps_label(LD_PS_OVERDUE), (int)pr->overdue,
	          ld_ps_label(LD_PS_PENDING), (int)pr->pending,
	          ld_ps_label(LD_PS_RELAYED), (int)pr->relayed);
	if (pr->n_rows == 0) {
		ld_buf_puts(&b, "<p>此任务尚未到达任何单位。</p>\n");
	} else {
		ld_buf_puts(&b, "<div class=\"scroll\"><table class=\"progress "
		            "cards\">\n"
		            "<thead><tr><th>单位</th><th>状态</th><th>截止日期</th>"
		            "<th>成果</th><th>审核</th></tr></thead>\n<tbody>\n");
		const char *group = NULL;
		for (size_t i = 0; i < pr->n_rows; i++) {
			const Ld__ProgressRow *w = pr->rows[i];
			if (group == NULL || strcmp(group, w->group) != 0) {
				group = w->group;
				ld_html_f(&b, "<tr class=\"group\"><td colspan=\"5\">"
				          "%s <span class=\"muted\">%s</span></td>"
				          "</tr>\n",
				          w->group_name[0] ? w->group_name : w->group,
				          w->group);
			}
			enum ld_ps st = ld_ps_lookup(w->state);
			bool overdue = st == LD_PS_OVERDUE;
			ld_html_f(&b,
			          "<tr class=\"state-%s%r\"><td class=\"office\">"
			          "%s <span class=\"muted\">%s</span></td>"
			          "<td data-label=\"状态\">%s</td>"
			          "<td data-label=\"截止日期\">%s</td>"
			          "<td data-label=\"成果\">",
			          w->state, overdue ? " overdue" : "",
			          w->name[0] ? w->name : w->path, w->path,
			          st < LD_PS_COUNT ? ld_ps_label(st) : w->state,
			          w->due[0] ? w->due : "—");
			if (w->result[0] != '\0')
				ld_html_f(&b, "<a href=\"/r/%s\">%s</a> v%U%r",
				          w->result, w->result,
				          (unsigned long long)w->result_version,
				          w->draft ? "（草稿）" : "");
			else
				ld_buf_puts(&b, w->draft ? "仅有草稿" : "—");
			ld_buf_puts(&b, "</td><td data-label=\"审核\">");
			if (w->review[0] != '\0') {
				/* The reviewing office by its name; its path in
				 * small type, as the 单位 column shows it. */
				const char *who = w->reviewer[0] ? w->reviewer : "";
				const char *name =
				    who[0] ? office_name(rq, pr, who) : NULL;
				ld_html_f(&b, "<a href=\"/r/%s\" title=\"%s\">%s</a>",
				          w->review, w->review,
				          name ? name : who[0] ? who : w->review);
				if (name != NULL)
					ld_html_f(&b, " <span class=\"muted\">%s"
					          "</span>", who);
			} else
				ld_buf_puts(&b, "—");
			ld_buf_puts(&b, "</td></tr>\n");
		}
		ld_buf_puts(&b, "</tbody></table></div>\n");
	}
	ld__response__free_unpacked(resp, NULL);
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}

/* The proposals of this office and the offices below that await their
 * handler's reply: 主办, 协办, 督办, the deadline (延期) and 逾期 as the
 * node computes them (core/rollup.c, ld_proposals_compute). */
void
ld_page_proposals_progress(struct ld_web_req *rq)
{
	Ld__ProgressRequest q = LD__PROGRESS_REQUEST__INIT;
	q.proposals = true;
	q.today = "";
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_PROGRESS;
	req.progress = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return;
	const Ld__ProgressResponse *pr = resp->progress;
	if (pr == NULL) {
		ld__response__free_unpacked(resp, NULL);
		ld_web_error(rq, 502, "节点没有给出进度。");
		return;
	}
	struct ld_page p;
	ld_web_page(rq, &p, "提案办理进度", LD_NAV_PROPOSALS);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	ld_html_f(&b,
	          "<p>本单位及下级单位已立案、待答复的提案 · 截至 %s</p>\n"
	          "<ul class=\"counts\">\n<li>待答复<b>%d</b></li>\n"
	          "<li class=\"%r\">逾期<b>%d</b></li>\n</ul>\n",
	          pr->today, (int)pr->n_proposals,
	          pr->proposals_overdue ? "overdue" : "",
	          (int)pr->proposals_overdue);
	if (pr->n_proposals == 0) {
		ld_buf_puts(&b, "<p>没有待答复的提案。</p>\n");
	} else {
		ld_buf_puts(&b,
		            "<div class=\"scroll\"><table class=\"progress "
		            "cards\" id=\"proposals\">\n"
		            "<thead><tr><th>提案</th><th>单位</th><th>主办</th>"
		            "<th>协办</th><th>督办</th><th>答复期限</th>"
		            "<th>状态</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < pr->n_proposals; i++) {
			const Ld__ProposalRow *w = pr->proposals[i];
			ld_html_f(&b,
			          "<tr class=\"%r\"><td class=\"office\">"
			          "<a href=\"/r/%s\">%s</a>",
			          w->overdue ? "overdue" : "", w->id,
			          w->title[0] ? w->title : w->id);
			if (w->number[0] != '\0')
				ld_html_f(&b,
				          " <span class=\"muted\">%s</span>",
				          w->number);
			if (w->key)
				ld_buf_puts(&b, " <b>重点</b>");
			ld_html_f(&b,
			          "</td><td data-label=\"单位\">%s</td>"
			          "<td data-label=\"主办\">%s</td>"
			          "<td data-label=\"协办\">",
			          w->owner, w->handler[0] ? w->handler : "—");
			for (size_t k = 0; k < w->n_assisting; k++)
				ld_html_f(&b, "%r%s", k ? "、" : "",
				          w->assisting[k]);
			if (w->n_assisting == 0)
				ld_buf_puts(&b, "—");
			ld_html_f(&b,
			          "</td><td data-label=\"督办\">%s</td>"
			          "<td data-label=\"答复期限\">%s%r</td>"
			          "<td data-label=\"状态\">",
			          w->supervisor[0] ? w->supervisor : "—",
			          w->deadline[0] ? w->deadline : "—",
			          w->extended ? "（已延期）" : "");
			if (w->overdue)
				ld_html_f(&b, "逾期 %d 天", (int)-w->days_left);
			else if (w->deadline[0] != '\0')
				ld_html_f(&b, "还有 %d 天", (int)w->days_left);
			else
				ld_buf_puts(&b, "待答复");
			ld_buf_puts(&b, "</td></tr>\n");
		}
		ld_buf_puts(&b, "</tbody></table></div>\n");
	}
	ld__response__free_unpacked(resp, NULL);
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}
