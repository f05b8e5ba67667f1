/* pages_reports.c — 报表: the installed report plugins, each with a form
 * of its options; a run shown inline (the report's own HTML at its own
 * URL, under a sandbox policy, in an <iframe sandbox>) and downloadable as
 * md / csv / json; and the reports published here and below (REPORT
 * records), shown and downloaded the same way. Plugins run through
 * core/plugins.h, as `liandong report` runs them: liandong-report with
 * the node's deadline, never in this process. */
#include "pages.h"
#include "path.h"
#include "plugins.h"
#include "present.h"
#include "record.h"
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest report output read back (a report is a few hundred KiB). */
#define REPORT_MAX (32u << 20)

/* ----------------------------------------------------------- the options */

/* A run's options, as the form and the report's URLs carry them. */
struct opts {
	const char *plugin, *year, *scope, *set;
	uint32_t y;
	char *setbuf; /* the settings split in place (malloc'ed) */
	const char *sets[LD_PRESENT_SETS_MAX];
	size_t nset;
	/* What is wrong, beside each field (NULL: nothing). */
	const char *year_err, *scope_err, *set_err;
	char scope_why[200];
};

static void
opts_free(struct opts *o)
{
	free(o->setbuf);
	o->setbuf = NULL;
}

/* Read and check the options of the query. True if they are all good. */
static bool
opts_read(struct ld_web_req *rq, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->plugin = ld_web_arg(rq, "plugin");
	o->year = ld_web_arg(rq, "year");
	o->scope = ld_web_arg(rq, "scope");
	o->set = ld_web_arg(rq, "set");
	if (o->year != NULL && o->year[0] != '\0') {
		char *end;
		unsigned long v = strtoul(o->year, &end, 10);
		if (*end != '\0' || o->year[0] < '0' || o->year[0] > '9' ||
		    v < 1900 || v > 9999)
			o->year_err = "年度应为四位数字，如 2026。";
		else
			o->y = (uint32_t)v;
	}
	const char *why;
	if (o->scope != NULL && o->scope[0] != '\0' &&
	    !ld_path_valid(o->scope, &why)) {
		snprintf(o->scope_why, sizeof(o->scope_why),
		         "范围应为单位路径，如 530000/530300（%s）。", why);
		o->scope_err = o->scope_why;
	}
	if (o->set != NULL && (o->setbuf = strdup(o->set)) != NULL)
		o->set_err = ld_present_sets(o->setbuf, o->sets, &o->nset);
	return o->year_err == NULL && o->scope_err == NULL &&
	       o->set_err == NULL;
}

/* The query of a run's URL: year, scope and settings. */
static void
opts_query(struct ld_buf *b, const struct opts *o)
{
	ld_html_f(b, "year=%u&amp;scope=%u&amp;set=%u",
	          o->year != NULL ? o->year : "",
	          o->scope != NULL ? o->scope : "",
	          o->set != NULL ? o->set : "");
}

static void
field_error(struct ld_buf *b, const char *msg)
{
	if (msg != NULL)
		ld_html_f(b, "<p class=\"field-error\">%s</p>", msg);
}

/* The form of one plugin, filled with `o` (NULL: empty). */
static void
plugin_form(struct ld_buf *b, const struct ld_plugin_info *p,
            const struct opts *o)
{
	ld_html_f(b,
	          "<form class=\"report\" method=\"get\" action=\"/reports/view\">"
	          "<input type=\"hidden\" name=\"plugin\" value=\"%s\">\n"
	          "<label>年度<input name=\"year\" inputmode=\"numeric\" "
	          "placeholder=\"如 2026\" value=\"%s\"></label>",
	          p->name, o != NULL && o->year != NULL ? o->year : "");
	field_error(b, o != NULL ? o->year_err : NULL);
	ld_html_f(b,
	          "<label>范围（单位路径，空为本单位）<input name=\"scope\" "
	          "value=\"%s\"></label>",
	          o != NULL && o->scope != NULL ? o->scope : "");
	field_error(b, o != NULL ? o->scope_err : NULL);
	ld_html_f(b,
	          "<label>设置（每行一项 键=值，可空）<textarea name=\"set\" "
	          "rows=\"2\">%s</textarea></label>",
	          o != NULL && o->set != NULL ? o->set : "");
	field_error(b, o != NULL ? o->set_err : NULL);
	ld_buf_puts(b, "<button type=\"submit\">运行</button></form>\n");
}

/* ------------------------------------------------------------ running */

static void
ms_to_text(char *buf, size_t len, int ms)
{
	snprintf(buf, len, "%d", (ms + 999) / 1000);
}

/* Run `p` in `format` with `o`: 0 with its output in *out, or -1 with
 * the reason, one line in Chinese, in msg. */
static int
run_plugin(struct ld_web_req *rq, const struct ld_plugin_info *p,
           const char *format, const struct opts *o, struct ld_buf *out,
           char *msg, size_t len)
{
	const struct ld_config *cfg = ld_web_config(rq);
	char dir[] = "/tmp/ld-web-report.XXXXXX", file[64];
	if (mkdtemp(dir) == NULL) {
		snprintf(msg, len, "无法创建临时目录：%s", strerror(errno));
		return -1;
	}
	snprintf(file, sizeof(file), "%s/report.%s", dir, format);
	const struct ld_report_run run = {
	    .data_dir = cfg->dir,
	    .plugin_file = p->file,
	    .format = format,
	    .year = o->y,
	    .scope = o->scope != NULL && o->scope[0] ? o->scope : NULL,
	    .out = file,
	    .set = o->sets,
	    .nset = o->nset,
	    .timeout_ms = (int)cfg->report_timeout_s * 1000,
	    .out_fd = -1,
	};
	struct ld_spawn_result r;
	ld_report_run(&run, &r);
	int rc = -1;
	char secs[16];
	ms_to_text(secs, sizeof(secs), run.timeout_ms);
	if (r.how == LD_SPAWN_EXITED && r.code == 0) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0 ||
		    (uint64_t)st.st_size > REPORT_MAX) {
			snprintf(msg, len, "报表 %s 没有写出结果。", p->name);
		} else {
			char chunk[65536];
			ssize_t k;
			while ((k = read(fd, chunk, sizeof(chunk))) > 0)
				ld_buf_put(out, chunk, (size_t)k);
			rc = out->oom ? -1 : 0;
			if (rc != 0)
				snprintf(msg, len, "内存不足。");
		}
		if (fd >= 0)
			close(fd);
	} else if (r.how == LD_SPAWN_EXITED) {
		const char *why = ld_report_reason(&r);
		snprintf(msg, len, "报表 %s 运行失败：%s", p->name,
		         why[0] ? why : "未说明原因");
	} else if (r.how == LD_SPAWN_TIMEOUT) {
		snprintf(msg, len,
		         "报表 %s 超时：%s 秒内未完成，已被终止（节点配置 "
		         "[report] timeout_s）。",
		         p->name, secs);
	} else if (r.how == LD_SPAWN_SIGNALED) {
		snprintf(msg, len, "报表 %s 运行中崩溃（信号 %d）。", p->name,
		         r.sig);
	} else {
		snprintf(msg, len, "无法启动 liandong-report：%s",
		         strerror(r.code));
	}
	unlink(file);
	rmdir(dir);
	return rc;
}

/* The installed plugins; -1 with the error page set. */
static int
find_plugins(struct ld_web_req *rq, struct ld_plugin_info **f, size_t *n)
{
	char err[PATH_MAX + 256], msg[PATH_MAX + 400];
	if (ld_plugins_find(ld_web_config(rq)->plugin_dir, f, n, err,
	                    sizeof(err)) != 0) {
		snprintf(msg, sizeof(msg), "无法读取报表插件目录（节点配置 "
		         "[report] plugin_dir）：%s", err);
		ld_web_error(rq, 500, msg);
		return -1;
	}
	return 0;
}

static const char *
ctype_of(const char *format)
{
	return strcmp(format, "md") == 0    ? "text/markdown; charset=utf-8"
	       : strcmp(format, "csv") == 0 ? "text/csv; charset=utf-8"
	       : strcmp(format, "json") == 0
	           ? "application/json; charset=utf-8"
	           : "text/html; charset=utf-8";
}

/* Answer with a report's bytes: HTML inline under the sandbox policy (for
 * the frame), anything else as a download called `name`. */
static void
send_report(struct ld_web_req *rq, const char *format, struct ld_buf *body,
            const char *name)
{
	ld_web_html(rq, 200, body);
	rq->ctype = ctype_of(format);
	if (strcmp(format, "html") == 0) {
		ld_web_policy(rq, LD_WEB_POLICY_SANDBOX);
		return;
	}
	struct ld_buf cd = {0};
	ld_present_disposition(&cd, name);
	if (cd.p != NULL)
		ld_web_header(rq, "Content-Disposition", cd.p);
	ld_buf_free(&cd);
}

/* A failure shown inside the report's frame: a document of its own under
 * the sandbox policy, one line. */
static void
frame_error(struct ld_web_req *rq, unsigned status, const char *msg)
{
	struct ld_buf b = {0};
	ld_html_f(&b,
	          "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\">"
	          "<title>报表未生成</title><p style=\"color:#a4161a;"
	          "font:16px sans-serif\">%s</p></html>\n",
	          msg);
	ld_web_html(rq, status, &b);
	ld_web_policy(rq, LD_WEB_POLICY_SANDBOX);
}

/* ---------------------------------------------------------- the pages */

/* The published reports here and below: a table. */
static int
published(struct ld_web_req *rq, struct ld_buf *b)
{
	Ld__Record **recs;
	size_t n;
	if (ld_web_list_all(rq, LD__KIND__KIND_REPORT, "", &recs, &n) != 0)
		return -1;
	ld_buf_puts(b, "<h2>已发布的报表</h2>\n");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		if (r->deleted || r->body_case != LD__RECORD__BODY_REPORT)
			continue;
		if (shown++ == 0)
			ld_buf_puts(b, "<div class=\"scroll\"><table>\n<thead><tr>"
			            "<th>单位</th><th>报表</th><th>期间</th>"
			            "<th>格式</th><th>发布时间</th></tr></thead>\n"
			            "<tbody>\n");
		const Ld__Report *p = r->report;
		ld_html_f(b,
		          "<tr><td>%s</td><td><a href=\"/reports/p/%s\">%s</a>"
		          "</td><td>%s</td><td>%s</td><td>",
		          r->owner, r->id, p->plugin, p->period, p->format);
		ld_html_time(b, (long long)r->updated_at);
		ld_buf_puts(b, "</td></tr>\n");
	}
	if (shown == 0)
		ld_buf_puts(b, "<p class=\"muted\">本单位及下级尚未发布报表。"
		            "</p>\n");
	else
		ld_buf_puts(b, "</tbody></table></div>\n");
	ld_api_free_records(recs, n);
	return 0;
}

void
ld_page_reports(struct ld_web_req *rq)
{
	struct ld_plugin_info *f;
	size_t n;
	if (find_plugins(rq, &f, &n) != 0)
		return;
	struct ld_page pg;
	ld_web_page(rq, &pg, "报表", LD_NAV_REPORTS);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	ld_buf_puts(&b, "<h2>运行报表</h2>\n");
	if (n == 0)
		ld_html_f(&b, "<p class=\"muted\">插件目录 %s 中没有报表插件。"
		          "</p>\n", ld_web_config(rq)->plugin_dir);
	for (size_t i = 0; i < n; i++) {
		const struct ld_plugin_info *p = &f[i];
		const char *base = strrchr(p->file, '/');
		base = base != NULL ? base + 1 : p->file;
		if (p->refused[0] != '\0') {
			ld_html_f(&b, "<section class=\"plugin\"><h3>%s</h3>"
			          "<p class=\"error\">此插件不可用：%s</p>"
			          "</section>\n", base, p->refused);
			continue;
		}
		ld_html_f(&b, "<section class=\"plugin\"><h3>%s "
		          "<span class=\"muted\">%s</span></h3><p>%s</p>\n",
		          p->name, p->version, p->desc);
		plugin_form(&b, p, NULL);
		ld_buf_puts(&b, "</section>\n");
	}
	free(f);
	if (published(rq, &b) != 0) {
		ld_buf_free(&b);
		return;
	}
	ld_page_end(&b);
	ld_web_html(rq, 200, &b);
}

/* GET /reports/view?plugin=&year=&scope=&set= */
void
ld_page_report_view(struct ld_web_req *rq)
{
	struct opts o;
	bool good = opts_read(rq, &o);
	struct ld_plugin_info *f;
	size_t n;
	if (find_plugins(rq, &f, &n) != 0) {
		opts_free(&o);
		return;
	}
	const struct ld_plugin_info *p =
	    o.plugin != NULL ? ld_plugins_pick(f, n, o.plugin, NULL) : NULL;
	if (p == NULL) {
		free(f);
		opts_free(&o);
		ld_web_error(rq, 404, "没有这个报表插件（或它不可用），请从报表"
		             "页选择。");
		return;
	}
	char title[128];
	snprintf(title, sizeof(title), "报表：%s", p->name);
	struct ld_page pg;
	ld_web_page(rq, &pg, title, LD_NAV_REPORTS);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	ld_html_f(&b, "<p>%s · <a href=\"/reports\">全部报表</a></p>\n",
	          p->desc);
	plugin_form(&b, p, &o);
	if (good) {
		ld_html_f(&b, "<p class=\"downloads\">下载：");
		static const char *const fmts[] = {"md", "csv", "json"};
		for (size_t i = 0; i < 3; i++) {
			if (strstr(p->formats, fmts[i]) == NULL)
				continue;
			ld_html_f(&b, "<a href=\"/reports/run/%u.%r?", p->name,
			          fmts[i]);
			opts_query(&b, &o);
			ld_html_f(&b, "\" download>%r</a> ",
			          strcmp(fmts[i], "md") == 0    ? "Markdown"
			          : strcmp(fmts[i], "csv") == 0 ? "CSV"
			                                        : "JSON");
		}
		ld_buf_puts(&b, "</p>\n");
		if (strstr(p->formats, "html") != NULL) {
			ld_html_f(&b, "<iframe class=\"report\" sandbox "
			          "title=\"%s\" src=\"/reports/run/%u.html?",
			          p->name, p->name);
			opts_query(&b, &o);
			ld_buf_puts(&b, "\"></iframe>\n");
		} else {
			ld_html_f(&b, "<p class=\"muted\">此插件不输出 HTML"
			          "（它输出 %s），请下载查看。</p>\n",
			          p->formats);
		}
	}
	ld_page_end(&b);
	free(f);
	opts_free(&o);
	ld_web_html(rq, good ? 200 : 400, &b);
	ld_web_policy(rq, LD_WEB_POLICY_FRAMES);
}

/* GET /reports/run/NAME.FMT?year=&scope=&set= */
void
ld_page_report_run(struct ld_web_req *rq)
{
	char name[64], format[8];
	const char *dot = strrchr(rq->rest, '.');
	if (dot == NULL || (size_t)(dot - rq->rest) >= sizeof(name) ||
	    strlen(dot + 1) >= sizeof(format)) {
		ld_web_error(rq, 404, "没有这个页面。");
		return;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(dot - rq->rest), rq->rest);
	snprintf(format, sizeof(format), "%s", dot + 1);
	bool html = strcmp(format, "html") == 0;
	if (!ld_report_format_valid(format)) {
		ld_web_error(rq, 404, "报表格式应为 html、md、csv 或 json。");
		return;
	}
	struct opts o;
	if (!opts_read(rq, &o)) {
		const char *m = o.year_err    ? o.year_err
		                : o.scope_err ? o.scope_err
		                              : o.set_err;
		if (html)
			frame_error(rq, 400, m);
		else
			ld_web_error(rq, 400, m);
		opts_free(&o);
		return;
	}
	struct ld_plugin_info *f;
	size_t n;
	if (find_plugins(rq, &f, &n) != 0) {
		opts_free(&o);
		return;
	}
	const struct ld_plugin_info *p = ld_plugins_pick(f, n, name, NULL);
	struct ld_buf out = {0};
	char msg[2400];
	if (p == NULL) {
		snprintf(msg, sizeof(msg), "没有名为 %s 的可用报表插件。", name);
		html ? frame_error(rq, 404, msg) : ld_web_error(rq, 404, msg);
	} else if (run_plugin(rq, p, format, &o, &out, msg, sizeof(msg)) !=
	           0) {
		html ? frame_error(rq, 502, msg) : ld_web_error(rq, 502, msg);
	} else {
		char file[128];
		if (o.y != 0)
			snprintf(file, sizeof(file), "%s-%u.%s", name, o.y,
			         format);
		else
			snprintf(file, sizeof(file), "%s.%s", name, format);
		send_report(rq, format, &out, file);
	}
	ld_buf_free(&out);
	free(f);
	opts_free(&o);
}

/* ------------------------------------------------------ published ones */

/* The REPORT record `id`; NULL with the error page set. */
static Ld__Record *
get_report(struct ld_web_req *rq, const char *id)
{
	if (ld_id_owner_len(id) == 0) {
		ld_web_error(rq, 404, "报表编号不正确。");
		return NULL;
	}
	Ld__GetRequest q = LD__GET_REQUEST__INIT;
	q.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return NULL;
	Ld__Record *r = NULL;
	if (resp->record.len > 0)
		r = ld_record_unpack(resp->record.data, resp->record.len);
	ld__response__free_unpacked(resp, NULL);
	if (r == NULL || r->deleted || r->body_case != LD__RECORD__BODY_REPORT) {
		if (r != NULL)
			ld__record__free_unpacked(r, NULL);
		ld_web_error(rq, 404, "本节点没有这份报表。");
		return NULL;
	}
	return r;
}

static const char content_suffix[] = "/content";

/* GET /reports/p/ID and /reports/p/ID/content */
void
ld_page_report_published(struct ld_web_req *rq)
{
	char id[LD_ID_MAX + 1];
	size_t n = strlen(rq->rest), sn = sizeof(content_suffix) - 1;
	bool content = n > sn && strcmp(rq->rest + n - sn, content_suffix) == 0;
	if (content)
		n -= sn;
	if (n > LD_ID_MAX) {
		ld_web_error(rq, 404, "报表编号不正确。");
		return;
	}
	memcpy(id, rq->rest, n);
	id[n] = '\0';
	Ld__Record *r = get_report(rq, id);
	if (r == NULL)
		return;
	const Ld__Report *p = r->report;
	const char *fmt = ld_report_format_valid(p->format) ? p->format : "md";
	if (content) {
		struct ld_buf body = {0};
		ld_buf_put(&body, p->content.data, p->content.len);
		char file[256];
		snprintf(file, sizeof(file), "%s-%s.%s", p->plugin, p->period,
		         fmt);
		send_report(rq, fmt, &body, file);
		ld_buf_free(&body);
		ld__record__free_unpacked(r, NULL);
		return;
	}
	char title[200];
	snprintf(title, sizeof(title), "已发布的报表：%s %s", p->plugin,
	         p->period);
	struct ld_page pg;
	ld_web_page(rq, &pg, title, LD_NAV_REPORTS);
	struct ld_buf b = {0};
	ld_page_begin(&b, &pg);
	ld_html_f(&b,
	          "<table class=\"kv\"><tr><th>单位</th><td>%s</td></tr>"
	          "<tr><th>报表</th><td>%s</td></tr><tr><th>期间</th>"
	          "<td>%s</td></tr><tr><th>格式</th><td>%s</td></tr>"
	          "<tr><th>发布时间</th><td>",
	          r->owner, p->plugin, p->period, p->format);
	ld_html_time(&b, (long long)r->updated_at);
	ld_html_f(&b, "</td></tr></table>\n<p class=\"downloads\"><a "
	          "href=\"/reports/p/%s/content\"%r>%r</a> · "
	          "<a href=\"/reports\">全部报表</a></p>\n",
	          r->id, strcmp(fmt, "html") == 0 ? "" : " download",
	          strcmp(fmt, "html") == 0 ? "单独打开" : "下载");
	if (p->n_figures > 0) {
		ld_buf_puts(&b, "<h2>数字</h2>\n<table class=\"kv\">\n");
		for (size_t i = 0; i < p->n_figures; i++) {
			char v[64];
			snprintf(v, sizeof(v), "%g", p->figures[i]->value);
			ld_html_f(&b, "<tr><th>%s</th><td>%s</td></tr>\n",
			          p->figures[i]->name, v);
		}
		ld_buf_puts(&b, "</table>\n");
	}
	if (strcmp(fmt, "html") == 0) {
		ld_html_f(&b, "<iframe class=\"report\" sandbox title=\"%s\" "
		          "src=\"/reports/p/%s/content\"></iframe>\n",
		          p->plugin, r->id);
	} else {
		ld_buf_puts(&b, "<pre class=\"report\">");
		ld_html_textn(&b, (const char *)p->content.data,
		              p->content.len);
		ld_buf_puts(&b, "</pre>\n");
	}
	ld_page_end(&b);
	ld__record__free_unpacked(r, NULL);
	ld_web_html(rq, 200, &b);
	ld_web_policy(rq, LD_WEB_POLICY_FRAMES);
}
