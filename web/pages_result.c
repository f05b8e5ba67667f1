/* pages_result.c — submitting a result that answers a task, survey or
 * plan item (summary, findings, metrics, attachments up to 16 MiB each),
 * revising an own result, downloading an attachment checked against its
 * signed hashes, and reviewing a result (通过 / 退回 / 整改). */
#include "attach.h"
#include "attachio.h"
#include "pages.h"
#include "path.h"
#include "present.h"
#include "record.h"
#include "submit.h"
#include "text.h"
#include "validate.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINES_MAX 200

/* api/attachio.c asks the node through the console's client. */
static int
web_call(void *ctx, Ld__Request *req, Ld__Response **resp, char *err,
         size_t errlen)
{
	return ld_web_call(ctx, req, resp, err, errlen);
}

/* validate.c's messages list vocabularies and statuses from buffers
 * vocab.c and lifecycle.c fill on first use, written for one thread:
 * filled here once, before any server thread validates. */
static pthread_once_t described = PTHREAD_ONCE_INIT;

static void
describe_all(void)
{
	for (int v = 0; v < LD_VOCAB_COUNT; v++)
		(void)ld_vocab_describe((enum ld_vocab)v);
	for (int m = 0; m < LD_SM_COUNT; m++)
		(void)ld_status_describe((enum ld_machine)m);
}

static bool
posted(struct ld_web_req *rq)
{
	return strcmp(rq->method, "POST") == 0;
}

/* The files chosen in input "attach" (an empty part, no file chosen,
 * left out). */
static size_t
uploads(struct ld_web_req *rq, const struct ld_web_field **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < rq->nfields && n < max; i++) {
		const struct ld_web_field *f = &rq->fields[i];
		if (f->filename != NULL && strcmp(f->name, "attach") == 0 &&
		    (f->filename[0] != '\0' || f->value.n > 0))
			out[n++] = f;
	}
	return n;
}

static void
free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* findings and metrics from the form into result `res` (unpacked). */
static bool
fill_result(struct ld_web_req *rq, struct ld_pool *pool, Ld__Result *res,
            struct ld_fielderr *fe, char *line, size_t len)
{
	char *l[LINES_MAX];
	size_t n =
	    ld_submit_lines(pool, ld_submit_field(rq, "metric"), l, LINES_MAX);
	Ld__Metric **ms = n ? calloc(n, sizeof(*ms)) : NULL;
	if (n && ms == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t nl;
		double v;
		if (!ld_text_parse_metric(l[i], &nl, &v)) {
			const char *eq = strrchr(l[i], '=');
			if (eq == NULL || eq == l[i])
				snprintf(line, len,
				         "--metric '%s' is not "
				         "NAME=NUMBER",
				         l[i]);
			else
				snprintf(line, len,
				         "--metric %.*s: '%s' is not "
				         "a number",
				         (int)(eq - l[i]), l[i], eq + 1);
			ld_fielderr_parse(line, fe);
			for (size_t k = 0; k < i; k++)
				ld__metric__free_unpacked(ms[k], NULL);
			free(ms);
			return false;
		}
		ms[i] = malloc(sizeof(*ms[i]));
		if (ms[i] == NULL)
			goto oom;
		ld__metric__init(ms[i]);
		ms[i]->name = strndup(l[i], nl);
		ms[i]->value = v;
		if (ms[i]->name == NULL)
			goto oom;
		continue;
	oom:
		for (size_t k = 0; k <= i; k++)
			if (ms[k] != NULL)
				ld__metric__free_unpacked(ms[k], NULL);
		free(ms);
		ld_fielderr_set(fe, "", "");
		return false;
	}
	for (size_t i = 0; i < res->n_metrics; i++)
		ld__metric__free_unpacked(res->metrics[i], NULL);
	free(res->metrics);
	res->metrics = ms;
	res->n_metrics = n;
	size_t nf =
	    ld_submit_lines(pool, ld_submit_field(rq, "finding"), l, LINES_MAX);
	char **fs = nf ? calloc(nf, sizeof(char *)) : NULL;
	for (size_t i = 0; fs != NULL && i < nf; i++)
		if ((fs[i] = strdup(l[i])) == NULL) {
			free_strs(fs, i);
			fs = NULL;
		}
	if (nf && fs == NULL) {
		ld_fielderr_set(fe, "", "");
		return false;
	}
	free_strs(res->findings, res->n_findings);
	res->findings = fs;
	res->n_findings = nf;
	return ld_set_str(&res->summary, ld_submit_field(rq, "summary")) == 0 &&
	       ld_set_str(&res->status, ld_submit_field(rq, "status")) == 0;
}

/* Show a field of the result as the form does. */
static const char *
lines_of(struct ld_pool *pool, char **v, size_t n)
{
	struct ld_buf b = {0};
	for (size_t i = 0; i < n; i++)
		ld_buf_printf(&b, "%s\n", v[i]);
	const char *s = b.n ? ld_pool_dup(pool, b.p, b.n) : "";
	ld_buf_free(&b);
	return s;
}

static const char *
metrics_of(struct ld_pool *pool, const Ld__Result *res)
{
	struct ld_buf b = {0};
	for (size_t i = 0; i < res->n_metrics; i++)
		ld_buf_printf(&b, "%s=%g\n", res->metrics[i]->name,
		              res->metrics[i]->value);
	const char *s = b.n ? ld_pool_dup(pool, b.p, b.n) : "";
	ld_buf_free(&b);
	return s;
}

static void
result_form(struct ld_web_req *rq, struct ld_buf *b, const Ld__Record *target,
            const Ld__Record *own, struct ld_pool *pool,
            const struct ld_fielderr *fe)
{
	bool p = posted(rq);
	const Ld__Result *res = own ? own->result : NULL;
	struct ld_form f;
	ld_form_init(&f, fe);
	if (own != NULL) {
		char bv[24];
		snprintf(bv, sizeof(bv), "%llu",
		         (unsigned long long)(p ? strtoull(ld_submit_field(
		                                               rq, "base"),
		                                           NULL, 10)
		                                : own->version));
		ld_form_hidden(&f, "base", bv);
	}
	if (target != NULL && target->body_case == LD__RECORD__BODY_PLAN) {
		const Ld__Plan *pl = target->plan;
		struct ld_choice *c = calloc(pl->n_items + 1, sizeof(*c));
		for (size_t i = 0; c != NULL && i < pl->n_items; i++) {
			char v[16], l[400];
			snprintf(v, sizeof(v), "%zu", i + 1);
			snprintf(l, sizeof(l), "第 %zu 项：%s", i + 1,
			         pl->items[i]->topic);
			c[i].value = ld_pool_dup(pool, v, strlen(v));
			c[i].label = ld_pool_dup(pool, l, strlen(l));
		}
		if (c != NULL)
			ld_form_select(&f, "item", "回应的计划事项", c,
			               pl->n_items, "（整个计划）",
			               ld_submit_field(rq, "item"), 0);
		free(c);
	}
	ld_form_textarea(&f, "summary", NULL, NULL,
	                 p     ? ld_submit_field(rq, "summary")
	                 : res ? res->summary
	                       : "",
	                 LD_FORM_REQUIRED);
	ld_form_textarea(&f, "finding", NULL, "每行一条",
	                 p     ? ld_submit_field(rq, "finding")
	                 : res ? lines_of(pool, res->findings, res->n_findings)
	                       : "",
	                 0);
	ld_form_textarea(&f, "metric", NULL, "每行一项：名称=数值，如 调研=3",
	                 p     ? ld_submit_field(rq, "metric")
	                 : res ? metrics_of(pool, res)
	                       : "",
	                 0);
	ld_form_select_status(&f, "status", "报送状态", LD_SM_RESULT,
	                      res ? res->status : NULL,
	                      p     ? ld_submit_field(rq, "status")
	                      : res ? res->status
	                            : "submitted");
	if (res != NULL && res->n_attachments > 0) {
		ld_form_raw(&f, "<p>已有附件（保留）：</p>\n<ul>\n");
		for (size_t i = 0; i < res->n_attachments; i++) {
			struct ld_buf li = {0};
			ld_html_f(&li, "<li>%s</li>\n",
			          res->attachments[i]->name);
			ld_form_raw(&f, li.p ? li.p : "");
			ld_buf_free(&li);
		}
		ld_form_raw(&f, "</ul>\n");
	}
	ld_form_file(&f, "attach", res ? "添加附件" : "附件",
	             "可选多个文件，每个不超过 16 MiB", LD_FORM_MULTIPLE);
	char action[LD_ID_MAX + 16];
	snprintf(action, sizeof(action), "/r/%s/result",
	         own ? own->id : target->id);
	ld_form_finish(&f, b, action, rq->sess.csrf, true,
	               own ? "保存并重新报送" : "报送");
}

/* Append the uploaded files to `res` (their chunks stored first). 0,
 * 1 refused (fe), -1 page set. Every file is checked before any is
 * sent, so a refused form stores nothing. */
static int
attach_files(struct ld_web_req *rq, Ld__Result *res, struct ld_fielderr *fe,
             char *line, size_t len)
{
	const struct ld_web_field *up[LD_ATTACH_PER_RESULT + 1];
	size_t n = uploads(rq, up, LD_ATTACH_PER_RESULT + 1);
	if (n == 0)
		return 0;
	if (res->n_attachments + n > LD_ATTACH_PER_RESULT) {
		snprintf(line, len, "--attach: at most %d files per result",
		         LD_ATTACH_PER_RESULT);
		ld_fielderr_set(fe, "attach",
		                "附件太多：每份成果最多 16 个文件");
		fe->cli = line;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (up[i]->value.n > LD_ATTACH_MAX) {
			snprintf(line, len,
			         "--attach %s: %.1f MiB, more than the "
			         "16 MiB an attachment may have",
			         up[i]->filename,
			         (double)up[i]->value.n / (1 << 20));
			char zh[600];
			snprintf(zh, sizeof(zh), "附件超过 16 MiB：%s",
			         up[i]->filename);
			ld_fielderr_set(fe, "attach", zh);
			fe->cli = line;
			return 1;
		}
	}
	Ld__Attachment **v =
	    realloc(res->attachments, (res->n_attachments + n) * sizeof(*v));
	if (v == NULL) {
		ld_web_error(rq, 500, "内存不足。");
		return -1;
	}
	res->attachments = v;
	for (size_t i = 0; i < n; i++) {
		char err[600];
		Ld__Attachment *a = NULL;
		int rc = ld_attachio_put(web_call, rq, up[i]->filename,
		                         up[i]->value.p ? up[i]->value.p : "",
		                         up[i]->value.n, &a, err, sizeof(err));
		if (rc == LD_ELIMIT || rc == LD_ESYNTAX || rc == LD_EREFUSED) {
			snprintf(line, len, "--attach %s: %s", up[i]->filename,
			         err);
			char zh[700];
			snprintf(zh, sizeof(zh), "附件 %s 无法保存",
			         up[i]->filename);
			ld_fielderr_set(fe, "attach", zh);
			fe->cli = line;
			return 1;
		}
		if (rc != 0) {
			char msg[800];
			snprintf(msg, sizeof(msg),
			         "附件没有传到本节点，成果没有保存："
			         "%s",
			         err);
			ld_web_error(rq, 503, msg);
			return -1;
		}
		res->attachments[res->n_attachments++] = a;
	}
	return 0;
}

/* What the attachments built here hold is ld_attach_build's; protobuf-c
 * frees it the same way (every field malloc'd). */

void
ld_page_result(struct ld_web_req *rq)
{
	char id[LD_ID_MAX + 1];
	Ld__Record *t = ld_submit_target(rq, "/result", id, sizeof(id));
	if (t == NULL)
		return;
	const char *self = ld_web_config(rq)->id;
	Ld__Record *own = NULL, *target = NULL;
	if (t->body_case == LD__RECORD__BODY_RESULT) {
		if (strcmp(t->owner, self) != 0 || t->deleted) {
			ld__record__free_unpacked(t, NULL);
			ld_web_error(rq, 403, "只有报送单位可以修改这份成果。");
			return;
		}
		own = t;
	} else if (t->body_case == LD__RECORD__BODY_TASK ||
	           t->body_case == LD__RECORD__BODY_SURVEY ||
	           t->body_case == LD__RECORD__BODY_PLAN) {
		target = t;
	} else {
		ld__record__free_unpacked(t, NULL);
		ld_web_error(rq, 404, "成果只能回应督办任务、调研或协商计划。");
		return;
	}
	struct ld_pool pool = {0};
	struct ld_fielderr fe;
	char line[1200];
	ld_fielderr_set(&fe, "", "");
	bool refused = false;
	if (posted(rq)) {
		Ld__Record *r = own ? ld_submit_get(rq, own->id)
		                    : ld_submit_blank(LD__RECORD__BODY_RESULT);
		if (r == NULL) {
			if (own == NULL)
				ld_web_error(rq, 500, "内存不足。");
			goto out;
		}
		int rc = 1;
		if (target != NULL) {
			ld_set_str(&r->result->ref, target->id);
			r->result->item = (uint32_t)strtoul(
			    ld_submit_field(rq, "item"), NULL, 10);
		}
		if (fill_result(rq, &pool, r->result, &fe, line,
		                sizeof(line))) {
			/* The fields checked as the node will, before any
			 * file is sent: a refused form stores nothing. */
			char err[512];
			pthread_once(&described, describe_all);
			int v =
			    own ? ld_validate_update(self, own, r, err,
			                             sizeof(err))
			        : ld_validate_new(self, r, err, sizeof(err));
			if (v != 0) {
				snprintf(line, sizeof(line), "%s", err);
				ld_fielderr_parse(line, &fe);
			} else if ((rc = attach_files(rq, r->result, &fe, line,
			                              sizeof(line))) == 0) {
				char nid[LD_ID_MAX + 1];
				uint64_t base = strtoull(
				    ld_submit_field(rq, "base"), NULL, 10);
				rc = own ? ld_submit_update(rq, r, base, &fe,
				                            line, sizeof(line))
				         : ld_submit_add(rq, r, nid,
				                         sizeof(nid), &fe, line,
				                         sizeof(line));
				if (rc == 0) {
					char loc[LD_ID_MAX + 8];
					snprintf(loc, sizeof(loc), "/r/%s",
					         own ? own->id : nid);
					ld__record__free_unpacked(r, NULL);
					ld_web_redirect(rq, loc);
					goto out;
				}
			}
		} else if (fe.text[0] == '\0') {
			ld_fielderr_set(&fe, "", "内存不足，没有保存。");
		}
		ld__record__free_unpacked(r, NULL);
		if (rc < 0)
			goto out;
		refused = true;
	}
	struct ld_buf b = {0};
	if (target != NULL)
		ld_html_f(&b, "<p>回应%s <a href=\"/r/%s\">%s</a></p>\n",
		          ld_kind_label(target->kind), target->id, target->id);
	else
		ld_html_f(&b,
		          "<p>修改成果 <a href=\"/r/%s\">%s</a>（审核退回或要求"
		          "整改后可以修改并重新报送）</p>\n",
		          own->id, own->id);
	result_form(rq, &b, target, own, &pool, refused ? &fe : NULL);
	ld_submit_page(rq, own ? "修改成果" : "报送成果", LD_NAV_NONE, &b,
	               refused);
out:
	ld__record__free_unpacked(t, NULL);
	ld_pool_free(&pool);
}

/* ------------------------------------------------------ download */

struct sink {
	struct ld_buf b;
};

static int
to_buf(void *ctx, const void *data, size_t n)
{
	struct sink *s = ctx;
	ld_buf_put(&s->b, data, n);
	return s->b.oom ? -ENOMEM : 0;
}

void
ld_page_download(struct ld_web_req *rq)
{
	/* rest is "ID/a/N". */
	const char *slash = strrchr(rq->rest, '/');
	size_t idlen = (size_t)(slash - rq->rest);
	char id[LD_ID_MAX + 1];
	if (idlen < 3 || idlen - 2 > LD_ID_MAX ||
	    strncmp(slash - 2, "/a", 2) != 0) {
		ld_web_error(rq, 404, "没有这个页面。");
		return;
	}
	memcpy(id, rq->rest, idlen - 2);
	id[idlen - 2] = '\0';
	unsigned long n = strtoul(slash + 1, NULL, 10);
	Ld__Record *r = ld_submit_get(rq, id);
	if (r == NULL)
		return;
	if (r->body_case != LD__RECORD__BODY_RESULT || n < 1 ||
	    n > r->result->n_attachments) {
		ld__record__free_unpacked(r, NULL);
		ld_web_error(rq, 404, "没有这个附件。");
		return;
	}
	const Ld__Attachment *meta = r->result->attachments[n - 1];
	struct sink s = {{0}};
	char err[600];
	int rc = ld_attachio_get(web_call, rq, id, (uint32_t)(n - 1), meta,
	                         to_buf, &s, err, sizeof(err));
	if (rc != 0) {
		ld_buf_free(&s.b);
		char msg[900];
		if (rc == -EAGAIN)
			snprintf(msg, sizeof(msg),
			         "附件“%s”还没有全部传到本节点，"
			         "请稍后再试。（%s）",
			         meta->name, err);
		else if (rc == -EBADMSG)
			snprintf(msg, sizeof(msg),
			         "附件“%s”与报送单位签名的文件不符，"
			         "不能下载。（%s）",
			         meta->name, err);
		else
			snprintf(msg, sizeof(msg), "附件“%s”无法读取：%s",
			         meta->name, err);
		ld__record__free_unpacked(r, NULL);
		ld_web_error(rq,
		             rc == -EAGAIN                     ? 503
		             : rc == -EBADMSG || rc == -EPROTO ? 502
		                                               : 404,
		             msg);
		return;
	}
	struct ld_buf h = {0};
	ld_present_disposition(&h, meta->name);
	ld__record__free_unpacked(r, NULL);
	ld_web_html(rq, 200, &s.b);
	/* Never rendered here: uploaded HTML stays a file. */
	rq->ctype = "application/octet-stream";
	ld_web_header(rq, "Content-Disposition", h.p ? h.p : "attachment");
	/* X-Content-Type-Options: nosniff is on every answer (server.c). */
	ld_buf_free(&h);
}

/* ------------------------------------------------------ review */

void
ld_page_review(struct ld_web_req *rq)
{
	char id[LD_ID_MAX + 1];
	Ld__Record *t = ld_submit_target(rq, "/review", id, sizeof(id));
	if (t == NULL)
		return;
	const char *self = ld_web_config(rq)->id;
	Ld__Record *own = NULL, *result = NULL;
	if (t->body_case == LD__RECORD__BODY_REVIEW && !t->deleted &&
	    strcmp(t->owner, self) == 0) {
		own = t;
	} else if (t->body_case == LD__RECORD__BODY_RESULT && !t->deleted &&
	           strcmp(t->owner, self) != 0 &&
	           ld_path_in_subtree(t->owner, self)) {
		result = t;
	} else {
		ld__record__free_unpacked(t, NULL);
		ld_web_error(rq, 403, "只能审核下级单位报送的成果。");
		return;
	}
	struct ld_fielderr fe;
	char line[1024];
	ld_fielderr_set(&fe, "", "");
	bool refused = false;
	const char *ref = own ? own->review->ref : result->id;
	if (posted(rq)) {
		Ld__Record *r = own ? ld_submit_get(rq, own->id)
		                    : ld_submit_blank(LD__RECORD__BODY_REVIEW);
		if (r == NULL) {
			if (own == NULL)
				ld_web_error(rq, 500, "内存不足。");
			ld__record__free_unpacked(t, NULL);
			return;
		}
		int rc = 1;
		if (ld_set_str(&r->review->ref, ref) != 0 ||
		    ld_set_str(&r->review->verdict,
		               ld_submit_field(rq, "verdict")) != 0 ||
		    ld_set_str(&r->review->comment,
		               ld_submit_field(rq, "comment")) != 0) {
			ld_fielderr_set(&fe, "", "内存不足，没有保存。");
		} else {
			char nid[LD_ID_MAX + 1];
			rc = own ? ld_submit_update(
			               rq, r,
			               strtoull(ld_submit_field(rq, "base"),
			                        NULL, 10),
			               &fe, line, sizeof(line))
			         : ld_submit_add(rq, r, nid, sizeof(nid), &fe,
			                         line, sizeof(line));
		}
		ld__record__free_unpacked(r, NULL);
		if (rc == 0) {
			char loc[LD_ID_MAX + 8];
			snprintf(loc, sizeof(loc), "/r/%s", ref);
			ld__record__free_unpacked(t, NULL);
			ld_web_redirect(rq, loc);
			return;
		}
		if (rc < 0) {
			ld__record__free_unpacked(t, NULL);
			return;
		}
		refused = true;
	}
	bool p = posted(rq);
	struct ld_form f;
	ld_form_init(&f, refused ? &fe : NULL);
	if (own != NULL) {
		char bv[24];
		snprintf(bv, sizeof(bv), "%llu",
		         (unsigned long long)(p ? strtoull(ld_submit_field(
		                                               rq, "base"),
		                                           NULL, 10)
		                                : own->version));
		ld_form_hidden(&f, "base", bv);
	}
	ld_form_select_vocab(&f, "verdict", NULL, LD_VOCAB_VERDICT, "请选择",
	                     p     ? ld_submit_field(rq, "verdict")
	                     : own ? own->review->verdict
	                           : "",
	                     LD_FORM_REQUIRED);
	ld_form_textarea(&f, "comment", NULL, "退回或整改时请写明原因",
	                 p     ? ld_submit_field(rq, "comment")
	                 : own ? own->review->comment
	                       : "",
	                 0);
	struct ld_buf b = {0};
	if (result != NULL)
		ld_html_f(&b,
		          "<p>审核 %s 报送的成果 <a href=\"/r/%s\">%s</a>：%s"
		          "</p>\n",
		          result->owner, result->id, result->id,
		          result->result->summary);
	char action[LD_ID_MAX + 16];
	snprintf(action, sizeof(action), "/r/%s/review", id);
	ld_form_finish(&f, &b, action, rq->sess.csrf, false,
	               own ? "保存修改" : "提交审核");
	ld_submit_page(rq, own ? "修改审核意见" : "审核成果", LD_NAV_NONE, &b,
	               refused);
	ld__record__free_unpacked(t, NULL);
}
