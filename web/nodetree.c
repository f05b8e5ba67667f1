/* nodetree.c — the 下级节点 section of /node (nodetree.h). */
#include "nodetree.h"
#include "html.h"
#include "path.h"
#include "present.h"

#include <stdio.h>
#include <string.h>

/* [health] silent_after in words: "2 小时", "30 分钟", "45 秒". */
static void
span(char *out, size_t len, unsigned s)
{
	if (s >= 3600 && s % 3600 == 0)
		snprintf(out, len, "%u 小时", s / 3600);
	else if (s >= 60 && s % 60 == 0)
		snprintf(out, len, "%u 分钟", s / 60);
	else
		snprintf(out, len, "%u 秒", s);
}

static void
links(struct ld_buf *b, const Ld__Health *h)
{
	if (h == NULL) {
		ld_buf_puts(b, "<span class=\"muted\">未报告</span>");
		return;
	}
	if (h->n_links == 0)
		ld_buf_puts(b, "<span class=\"muted\">无连接</span>");
	for (size_t k = 0; k < h->n_links; k++) {
		const Ld__LinkHealth *l = h->links[k];
		ld_html_f(b,
		          "%r<span data-link=\"%s\">%s %s：%s，待收 %U，待发 %U",
		          k > 0 ? "<br>" : "", l->path,
		          ld_present_link_role(l->role), l->path,
		          ld_present_link_state(l->state),
		          (unsigned long long)l->lag_in,
		          (unsigned long long)l->lag_out);
		if (l->refused > 0)
			ld_html_f(b, "，拒收 %U", (unsigned long long)l->refused);
		if (l->conflicts > 0)
			ld_html_f(b, "，<span class=\"overdue\">冲突 %U</span>",
			          (unsigned long long)l->conflicts);
		ld_buf_puts(b, "</span>");
	}
}

void
ld_node_tree(struct ld_buf *b, const Ld__StatusResponse *s, long long now_ms)
{
	int self = ld_path_depth(s->path);
	size_t below = 0, silent = 0;
	for (size_t i = 0; i < s->n_tree; i++)
		if (strcmp(s->tree[i]->path, s->path) != 0) {
			below++;
			silent += s->tree[i]->silent;
		}
	ld_buf_puts(b, "<h2>下级节点</h2>\n");
	if (below == 0) {
		ld_buf_puts(b, "<p class=\"muted\" data-tree=\"0\">无下级节点。"
		            "</p>\n");
		return;
	}
	char after[32];
	span(after, sizeof(after), s->silent_after_s);
	ld_html_f(b,
	          "<p data-tree=\"%z\">共 %z 个下级节点，<span%r>%z 个失联"
	          "</span>（超过 %s没有运行报告）。</p>\n"
	          "<div class=\"scroll\"><table class=\"cards tree\">\n"
	          "<thead><tr><th>单位</th><th>最后报告</th><th>状态</th>"
	          "<th>连接（上级/下级）与积压</th></tr></thead>\n<tbody>\n",
	          below, below, silent > 0 ? " class=\"overdue\"" : "", silent,
	          after);
	for (size_t i = 0; i < s->n_tree; i++) {
		const Ld__TreeOffice *o = s->tree[i];
		if (strcmp(o->path, s->path) == 0)
			continue;
		int depth = ld_path_depth(o->path) - self;
		if (depth < 1)
			depth = 1;
		ld_html_f(b, "<tr data-office=\"%s\" data-depth=\"%d\"%r>"
		          "<td class=\"office\" data-label=\"单位\">",
		          o->path, depth, o->silent ? " data-silent=\"1\"" : "");
		/* No style attributes (CSP): the indent is full-width spaces. */
		for (int d = 1; d < depth && d < 16; d++)
			ld_buf_puts(b, "　");
		if (depth > 1)
			ld_buf_puts(b, "└ ");
		ld_html_f(b, "%s <span class=\"muted\">%s</span></td>",
		          o->name[0] ? o->name : o->path, o->path);
		char ago[64];
		ld_present_ago(ago, sizeof(ago), (long long)o->reported_ms, now_ms);
		ld_html_f(b, "<td data-label=\"最后报告\">%s", ago);
		if (o->reported_ms > 0) {
			ld_buf_puts(b, "<br><span class=\"muted\">");
			ld_html_time(b, (long long)o->reported_ms);
			ld_buf_puts(b, "</span>");
		}
		const Ld__Health *h = o->health;
		ld_html_f(b, "</td><td class=\"%r\" data-label=\"状态\">%r",
		          o->silent ? "overdue" : "state-up",
		          o->silent ? "失联" : "正常");
		if (h != NULL && h->recovering)
			ld_buf_puts(b, "<br><span class=\"soon\">恢复中</span>");
		if (h != NULL && h->version[0] != '\0')
			ld_html_f(b, "<br><span class=\"muted\">liandongd %s · "
			          "%U 条记录</span>",
			          h->version, (unsigned long long)h->records);
		ld_buf_puts(b, "</td><td data-label=\"连接\">");
		links(b, h);
		ld_buf_puts(b, "</td></tr>\n");
	}
	ld_buf_puts(b, "</tbody></table></div>\n");
}
