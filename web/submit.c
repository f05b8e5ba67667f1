/* submit.c — the write pages' shared steps (submit.h). */
#include "submit.h"
#include "path.h"
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
ld_pool_dup(struct ld_pool *p, const char *s, size_t n)
{
	char **v = realloc(p->v, (p->n + 1) * sizeof(*v));
	char *c = malloc(n + 1);
	if (v == NULL || c == NULL) {
		if (v != NULL)
			p->v = v;
		free(c);
		p->oom = true;
		return (char *)"";
	}
	memcpy(c, s, n);
	c[n] = '\0';
	p->v = v;
	p->v[p->n++] = c;
	return c;
}

void
ld_pool_free(struct ld_pool *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

size_t
ld_submit_values(struct ld_web_req *rq, const char *name, const char **out,
                 size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < rq->nfields && n < max; i++)
		if (rq->fields[i].filename == NULL &&
		    strcmp(rq->fields[i].name, name) == 0)
			out[n++] =
			    rq->fields[i].value.p ? rq->fields[i].value.p : "";
	return n;
}

const char *
ld_submit_field(struct ld_web_req *rq, const char *name)
{
	const char *v = ld_web_form(rq, name);
	return v ? v : "";
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t
ld_submit_lines(struct ld_pool *pool, const char *text, char **out, size_t max)
{
	size_t n = 0;
	const char *p = text;
	while (*p != '\0' && n < max) {
		const char *nl = strchr(p, '\n');
		const char *e = nl ? nl : p + strlen(p);
		const char *a = p;
		while (a < e && blank(*a))
			a++;
		const char *z = e;
		while (z > a && blank(z[-1]))
			z--;
		if (z > a)
			out[n++] = ld_pool_dup(pool, a, (size_t)(z - a));
		p = nl ? nl + 1 : e;
	}
	return n;
}

Ld__Record *
ld_submit_get(struct ld_web_req *rq, const char *id)
{
	Ld__GetRequest q = LD__GET_REQUEST__INIT;
	q.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &q;
	Ld__Response *resp;
	if (ld_web_ask(rq, &req, &resp) != 0)
		return NULL;
	Ld__Record *r =
	    resp->result_case == LD__RESPONSE__RESULT_RECORD
	        ? ld_record_unpack(resp->record.data, resp->record.len)
	        : NULL;
	ld__response__free_unpacked(resp, NULL);
	if (r == NULL)
		ld_web_error(rq, 502, "节点给出的记录无法解读。");
	return r;
}

/* The id in rq->rest before `suffix`: false with a 404 page if it is
 * not there or not a record id. */
static bool
target_id(struct ld_web_req *rq, const char *suffix, char *id, size_t len)
{
	size_t n = strlen(rq->rest), sn = strlen(suffix);
	if (n <= sn || n - sn >= len ||
	    strcmp(rq->rest + n - sn, suffix) != 0) {
		ld_web_error(rq, 404, "没有这个页面。");
		return false;
	}
	memcpy(id, rq->rest, n - sn);
	id[n - sn] = '\0';
	if (ld_id_owner_len(id) == 0) {
		ld_web_error(rq, 404, "记录编号不正确。");
		return false;
	}
	return true;
}

Ld__Record *
ld_submit_target(struct ld_web_req *rq, const char *suffix, char *id,
                 size_t len)
{
	if (!target_id(rq, suffix, id, len))
		return NULL;
	return ld_submit_get(rq, id);
}

size_t
ld_submit_offices(struct ld_web_req *rq, struct ld_pool *pool,
                  struct ld_choice *out, size_t max)
{
	const char *self = ld_web_config(rq)->id;
	size_t n = 0;
	if (max > 0) {
		/* This office's own path: itself and every office below. */
		char label[300];
		snprintf(label, sizeof(label), "本单位及全部下级（%s）", self);
		out[n].value = ld_pool_dup(pool, self, strlen(self));
		out[n].label = ld_pool_dup(pool, label, strlen(label));
		n++;
	}
	char next[LD_ID_MAX + 1] = "";
	for (int ask = 0; ask < 50 && n < max; ask++) {
		Ld__ListRequest q = LD__LIST_REQUEST__INIT;
		q.kind = LD__KIND__KIND_NODE;
		q.owner = (char *)self;
		q.after = next;
		q.limit = 500;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &q;
		Ld__Response *resp = NULL;
		char err[256];
		if (ld_web_call(rq, &req, &resp, err, sizeof(err)) != 0)
			break;
		if (resp->code != LD__CODE__CODE_OK || resp->list == NULL) {
			ld__response__free_unpacked(resp, NULL);
			break;
		}
		const Ld__ListResponse *l = resp->list;
		for (size_t i = 0; i < l->n_records && n < max; i++) {
			Ld__Record *r = ld_record_unpack(l->records[i].data,
			                                 l->records[i].len);
			if (r == NULL)
				continue;
			if (!r->deleted &&
			    r->body_case == LD__RECORD__BODY_NODE &&
			    strcmp(r->node->path, self) != 0 &&
			    ld_path_in_subtree(r->node->path, self)) {
				char label[400];
				snprintf(label, sizeof(label), "%s（%s）",
				         r->node->name[0] ? r->node->name
				                          : r->node->path,
				         r->node->path);
				out[n].value = ld_pool_dup(
				    pool, r->node->path, strlen(r->node->path));
				out[n].label =
				    ld_pool_dup(pool, label, strlen(label));
				n++;
			}
			ld__record__free_unpacked(r, NULL);
		}
		bool more = l->next[0] != '\0';
		if (more)
			snprintf(next, sizeof(next), "%s", l->next);
		ld__response__free_unpacked(resp, NULL);
		if (!more)
			break;
	}
	return n;
}

/* A record of one kind with an empty body, allocated as an unpacked one
 * so that a new record and an edited one are filled the same way. */
Ld__Record *
ld_submit_blank(Ld__Record__BodyCase bc)
{
	Ld__Record r = LD__RECORD__INIT;
	Ld__Task t = LD__TASK__INIT;
	Ld__Survey s = LD__SURVEY__INIT;
	Ld__Plan p = LD__PLAN__INIT;
	Ld__Proposal q = LD__PROPOSAL__INIT;
	Ld__Result res = LD__RESULT__INIT;
	Ld__Review rv = LD__REVIEW__INIT;
	Ld__Opinion o = LD__OPINION__INIT;
	Ld__OpinionAction oa = LD__OPINION_ACTION__INIT;
	Ld__Member m = LD__MEMBER__INIT;
	Ld__Duty d = LD__DUTY__INIT;
	r.body_case = bc;
	switch (bc) {
	case LD__RECORD__BODY_TASK:
		r.task = &t;
		break;
	case LD__RECORD__BODY_SURVEY:
		r.survey = &s;
		break;
	case LD__RECORD__BODY_PLAN:
		r.plan = &p;
		break;
	case LD__RECORD__BODY_PROPOSAL:
		r.proposal = &q;
		break;
	case LD__RECORD__BODY_RESULT:
		r.result = &res;
		break;
	case LD__RECORD__BODY_REVIEW:
		r.review = &rv;
		break;
	case LD__RECORD__BODY_OPINION:
		r.opinion = &o;
		break;
	case LD__RECORD__BODY_OPINION_ACTION:
		r.opinion_action = &oa;
		break;
	case LD__RECORD__BODY_MEMBER:
		r.member = &m;
		break;
	case LD__RECORD__BODY_DUTY:
		r.duty = &d;
		break;
	default:
		return NULL;
	}
	uint8_t buf[32];
	size_t n = ld__record__pack(&r, buf);
	return ld__record__unpack(NULL, n, buf);
}

/* Send a write; 0 with the id, 1 refused (fe), -1 page set. */
static int
send_write(struct ld_web_req *rq, Ld__Request *req, char *id, size_t len,
           struct ld_fielderr *fe, char *line, size_t linelen)
{
	Ld__Response *resp = NULL;
	char err[512];
	if (ld_web_call(rq, req, &resp, err, sizeof(err)) != 0) {
		char msg[700];
		snprintf(msg, sizeof(msg),
		         "暂时无法连接本节点的服务（liandongd），"
		         "没有保存：%s",
		         err);
		ld_web_error(rq, 503, msg);
		return -1;
	}
	int rc = 0;
	if (resp->code == LD__CODE__CODE_OK) {
		if (id != NULL)
			snprintf(id, len, "%s",
			         resp->result_case == LD__RESPONSE__RESULT_ID
			             ? resp->id
			             : "");
	} else {
		snprintf(line, linelen, "%s", resp->error);
		ld_fielderr_parse(line, fe);
		rc = 1;
	}
	ld__response__free_unpacked(resp, NULL);
	return rc;
}

int
ld_submit_add(struct ld_web_req *rq, Ld__Record *r, char *id, size_t len,
              struct ld_fielderr *fe, char *line, size_t linelen)
{
	/* Borrowed for the request; the record's own string put back. */
	char *was = r->author;
	r->author = rq->sess.user;
	Ld__AddRequest a = LD__ADD_REQUEST__INIT;
	a.record = r;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &a;
	int rc = send_write(rq, &req, id, len, fe, line, linelen);
	r->author = was;
	return rc;
}

int
ld_submit_update(struct ld_web_req *rq, Ld__Record *r, uint64_t base,
                 struct ld_fielderr *fe, char *line, size_t linelen)
{
	/* The version read names its own author; this one is the
	 * person's. The caller's record came from ld_record_unpack, so
	 * the string it held is freed here and the person's set. */
	char *who = strdup(rq->sess.user);
	if (who == NULL) {
		ld_web_error(rq, 500, "内存不足。");
		return -1;
	}
	if (r->author != NULL && r->author != protobuf_c_empty_string)
		free(r->author);
	r->author = who;
	Ld__UpdateRequest u = LD__UPDATE_REQUEST__INIT;
	u.record = r;
	u.base_version = base;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_UPDATE;
	req.update = &u;
	return send_write(rq, &req, NULL, 0, fe, line, linelen);
}

void
ld_submit_page(struct ld_web_req *rq, const char *title, enum ld_nav nav,
               struct ld_buf *form, bool refused)
{
	struct ld_page p;
	ld_web_page(rq, &p, title, nav);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	if (form->n > 0)
		ld_buf_put(&b, form->p, form->n);
	ld_buf_free(form);
	ld_page_end(&b);
	ld_web_html(rq, refused ? 422 : 200, &b);
}

bool
ld_submit_owned(struct ld_web_req *rq, const Ld__Record *r)
{
	return strcmp(r->owner, ld_web_config(rq)->id) == 0;
}
