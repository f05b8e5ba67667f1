/* pages_node.c — 节点 (GET /node): this office's node as the daemon's
 * status answer describes it — the office, its store, recovery, its links
 * up to the parent and down to the children with their state, lag, when
 * each was last heard and what was refused — and, for administrators,
 * the way to the people and children pages; then 下级节点, the offices
 * below as their HEALTH records tell (nodetree.h). */
#include "nodetree.h"
#include "pages.h"
#include "present.h"
#include "users.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
kv(struct ld_buf *b, const char *label, const char *key, uint64_t v)
{
	ld_html_f(b, "<tr><th>%s</th><td data-st=\"%s\">%U</td></tr>\n", label,
	          key, (unsigned long long)v);
}

static void
peer_row(struct ld_buf *b, const Ld__PeerStatus *p, long long now)
{
	char ago[64];
	ld_present_ago(ago, sizeof(ago), (long long)p->last_seen_ms, now);
	const char *cls = strcmp(p->state, "up") == 0 ? "state-up"
	                  : strcmp(p->state, "rejected") == 0 ? "overdue"
	                                                      : "soon";
	ld_html_f(b,
	          "<tr data-peer=\"%s\"><td data-label=\"方向\">%s</td>"
	          "<td class=\"office\" data-label=\"单位\">%s "
	          "<span class=\"muted\">%s</span></td>"
	          "<td class=\"%r\" data-label=\"状态\">%s",
	          p->path, ld_present_link_role(p->role),
	          p->name[0] ? p->name : p->path, p->path, cls,
	          ld_present_link_state(p->state));
	if (p->last_error[0] != '\0')
		ld_html_f(b, "<br><span class=\"muted\">%s</span>", p->last_error);
	ld_html_f(b, "</td><td data-label=\"待收\">%U</td>"
	          "<td data-label=\"待发\">%U</td><td data-label=\"最后联系\">",
	          (unsigned long long)p->lag_in,
	          (unsigned long long)p->lag_out);
	ld_html_time(b, (long long)p->last_seen_ms);
	ld_html_f(b, "<br><span class=\"muted\">%s</span></td>"
	          "<td data-label=\"拒收\">%U</td><td data-label=\"冲突\">%U"
	          "</td><td data-label=\"重复\">%U</td></tr>\n",
	          ago, (unsigned long long)p->refused,
	          (unsigned long long)p->conflicts,
	          (unsigned long long)p->resent);
}

void
ld_page_node(struct ld_web_req *rq)
{
	Ld__StatusRequest q = LD__STATUS_REQUEST__INIT;
	q.tree = true; /* the offices below, as `liandong status --tree` */
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return;
	const Ld__StatusResponse *s = resp->status;
	if (s == NULL) {
		ld__response__free_unpacked(resp, NULL);
		ld_web_error(rq, 502, "节点没有给出状态。");
		return;
	}
	struct ld_page pg;
	ld_web_page(rq, &pg, "节点", LD_NAV_NODES);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	if (ld_web_may(rq, LD_ACT_ADMIN))
		ld_buf_puts(&b, "<p><a href=\"/node/users\">用户管理</a> · "
		            "<a href=\"/node/children\">下级节点准入</a></p>\n");
	if (s->recovering)
		ld_html_f(&b, "<p class=\"error\">正在恢复：%s（恢复完成前本节点"
		          "不接受写入）</p>\n", s->recovery);
	else if (s->recovery[0] != '\0')
		ld_html_f(&b, "<p class=\"error\">恢复未完全完成：%s</p>\n",
		          s->recovery);
	char epoch[24];
	snprintf(epoch, sizeof(epoch), "%016" PRIx64, (uint64_t)s->epoch);
	ld_html_f(&b,
	          "<h2>本单位</h2>\n<table class=\"kv\">\n"
	          "<tr><th>单位</th><td data-st=\"name\">%s</td></tr>\n"
	          "<tr><th>路径</th><td data-st=\"path\">%s</td></tr>\n"
	          "<tr><th>层级</th><td data-st=\"level\">%s</td></tr>\n"
	          "<tr><th>日志纪元</th><td data-st=\"epoch\">%s</td></tr>\n",
	          s->name, s->path, s->level, epoch);
	kv(&b, "日志序号", "head", s->head);
	kv(&b, "记录数", "records", s->records);
	ld_html_f(&b, "<tr><th>监听地址</th><td>%s</td></tr>\n"
	          "<tr><th>版本</th><td>%s</td></tr>\n",
	          s->listen[0] ? s->listen : "（不接受下级连接）", s->version);
	kv(&b, "拒收记录（流转规则）", "refused", s->refused);
	kv(&b, "冲突记录", "conflicts", s->conflicts);
	kv(&b, "待取附件块", "chunks_wanted", s->chunks_wanted);
	kv(&b, "校验失败的附件", "attachments_bad", s->attachments_bad);
	ld_buf_puts(&b, "</table>\n<h2>连接</h2>\n");
	bool parent = false;
	for (size_t i = 0; i < s->n_peers; i++)
		parent = parent || strcmp(s->peers[i]->role, "parent") == 0;
	if (!parent)
		ld_buf_puts(&b, "<p class=\"muted\">没有上级（本节点是根节点）。"
		            "</p>\n");
	if (s->n_peers > 0) {
		ld_buf_puts(&b, "<div class=\"scroll\"><table class=\"cards\">\n"
		            "<thead><tr><th>方向</th><th>单位</th><th>状态</th>"
		            "<th>待收</th><th>待发</th><th>最后联系</th>"
		            "<th>拒收</th><th>冲突</th><th>重复</th></tr></thead>\n"
		            "<tbody>\n");
		long long now = now_ms();
		for (size_t i = 0; i < s->n_peers; i++)
			peer_row(&b, s->peers[i], now);
		ld_buf_puts(&b, "</tbody></table></div>\n");
	}
	if (s->n_peers == 0 || (parent && s->n_peers == 1))
		ld_html_f(&b, "<p class=\"muted\">%r</p>\n",
		          s->listen[0] ? "尚无下级连接。" : "没有下级（不监听）。");
	ld_node_tree(&b, s, now_ms());
	ld__response__free_unpacked(resp, NULL);
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}
