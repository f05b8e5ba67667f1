/* pages_api.c — the JSON HTTP API under /api/v1 (docs/http-api.md,
 * docs/openapi.yaml): each endpoint asks the node what the matching page
 * or CLI command asks and answers with the CLI's JSON shapes (pbjson.h:
 * 'liandong show/list/export --json') or an error document carrying the
 * node's own sentence (apiv1.h). The server has checked the person and
 * the route's action before a handler runs (server.c). */
#include "apiv1.h"
#include "attachio.h"
#include "batch.h"
#include "err.h"
#include "jsonrec.h"
#include "json.h"
#include "pages.h"
#include "path.h"
#include "pbjson.h"
#include "present.h"
#include "record.h"
#include "users.h"
#include "validate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

static enum ld_api_code
code_of(Ld__Code c)
{
	switch (c) {
	case LD__CODE__CODE_NOT_FOUND:
		return LD_API_NOT_FOUND;
	case LD__CODE__CODE_BAD_REQUEST:
		return LD_API_BAD_REQUEST;
	case LD__CODE__CODE_REFUSED:
		return LD_API_REFUSED;
	default:
		return LD_API_INTERNAL;
	}
}

/* Ask the node. 0 with an OK answer in *resp (free it); otherwise the
 * error document is set (503 when the node cannot be reached, else the
 * node's code and sentence) and -1 returned. With `keep_refusal`, a
 * refusal is returned as 1 with *resp kept for the caller to judge. */
static int
ask(struct ld_web_req *rq, Ld__Request *req, Ld__Response **resp,
    bool keep_refusal)
{
	char err[512], msg[700];
	*resp = NULL;
	if (ld_web_call(rq, req, resp, err, sizeof(err)) != 0) {
		snprintf(msg, sizeof(msg), "the node (liandongd) cannot be "
		         "reached: %s", err);
		ld_web_api_error(rq, LD_API_UNAVAILABLE, msg);
		return -1;
	}
	if ((*resp)->code == LD__CODE__CODE_OK)
		return 0;
	if (keep_refusal && (*resp)->code == LD__CODE__CODE_REFUSED)
		return 1;
	ld_web_api_error(rq, code_of((*resp)->code),
	                 (*resp)->error != NULL && (*resp)->error[0] != '\0'
	                     ? (*resp)->error
	                     : "the node refused the request");
	ld__response__free_unpacked(*resp, NULL);
	*resp = NULL;
	return -1;
}

/* The stored record `id`, or NULL with the error document set. */
static Ld__Record *
get_record(struct ld_web_req *rq, const char *id)
{
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	Ld__Response *resp;
	if (ask(rq, &req, &resp, false) != 0)
		return NULL;
	Ld__Record *r = NULL;
	if (resp->result_case == LD__RESPONSE__RESULT_RECORD)
		r = ld__record__unpack(NULL, resp->record.len,
		                       resp->record.data);
	ld__response__free_unpacked(resp, NULL);
	if (r == NULL)
		ld_web_api_error(rq, LD_API_INTERNAL,
		                 "the node's answer holds no record");
	return r;
}

static void
answer_record(struct ld_web_req *rq, unsigned status, const Ld__Record *r)
{
	struct ld_buf b = {0};
	ld_json_record(&b, r);
	ld_buf_putc(&b, '\n');
	ld_web_json(rq, status, &b);
}

/* The record `id` as it is now, with `status` (after a write). */
static void
answer_stored(struct ld_web_req *rq, unsigned status, const char *id)
{
	Ld__Record *r = get_record(rq, id);
	if (r == NULL)
		return;
	answer_record(rq, status, r);
	ld__record__free_unpacked(r, NULL);
}

static void
answer_message(struct ld_web_req *rq, const ProtobufCMessage *m)
{
	struct ld_buf b = {0};
	ld_json_message(&b, m);
	ld_buf_putc(&b, '\n');
	ld_web_json(rq, 200, &b);
}

/* The message in a response's result, for the reads answered as the node
 * gives them; NULL for any other result. */
static const ProtobufCMessage *
result_message(const Ld__Response *resp)
{
	switch (resp->result_case) {
	case LD__RESPONSE__RESULT_HISTORY:
		return &resp->history->base;
	case LD__RESPONSE__RESULT_INBOX:
		return &resp->inbox->base;
	case LD__RESPONSE__RESULT_PROGRESS:
		return &resp->progress->base;
	case LD__RESPONSE__RESULT_STATUS:
		return &resp->status->base;
	default:
		return NULL;
	}
}

/* Ask the node and answer with the `expected` result in the CLI's JSON
 * shape; an answer holding anything else is an error naming `what`. */
static void
ask_and_answer(struct ld_web_req *rq, Ld__Request *req,
               Ld__Response__ResultCase expected, const char *what)
{
	Ld__Response *resp;
	if (ask(rq, req, &resp, false) != 0)
		return;
	const ProtobufCMessage *m =
	    resp->result_case == expected ? result_message(resp) : NULL;
	if (m != NULL) {
		answer_message(rq, m);
	} else {
		char msg[200];
		snprintf(msg, sizeof(msg), "the node's answer holds no %s", what);
		ld_web_api_error(rq, LD_API_INTERNAL, msg);
	}
	ld__response__free_unpacked(resp, NULL);
}

/* Query parameter `name`, "" when absent. */
static const char *
arg_or_empty(struct ld_web_req *rq, const char *name)
{
	const char *s = ld_web_arg(rq, name);
	return s != NULL ? s : "";
}

/* Query parameter `name` as a whole number 0..max: 0 and *v (left as it
 * is when absent), or -1 with the error document set. */
static int
arg_uint(struct ld_web_req *rq, const char *name, uint64_t max, uint64_t *v)
{
	const char *s = ld_web_arg(rq, name);
	if (s == NULL)
		return 0;
	char *end;
	unsigned long long x = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || x > max ||
	    strlen(s) > 20) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s: '%.100s' is not a whole number "
		         "from 0 to %" PRIu64, name, s, max);
		ld_web_api_error(rq, LD_API_BAD_REQUEST, msg);
		return -1;
	}
	*v = x;
	return 0;
}

/* ------------------------------------------------------------- reads */

static void
list_records(struct ld_web_req *rq)
{
	Ld__ListRequest l = LD__LIST_REQUEST__INIT;
	const char *kind = ld_web_arg(rq, "kind"), *owner = ld_web_arg(rq,
	                                                               "owner");
	char msg[400];
	const char *why;
	if (kind != NULL && kind[0] != '\0' &&
	    (l.kind = ld_kind_parse(kind)) == LD__KIND__KIND_UNSPECIFIED) {
		snprintf(msg, sizeof(msg), "kind: unknown kind '%.64s' (one of "
		         "node, plan, survey, task, result, review, proposal, "
		         "report)", kind);
		ld_web_api_error(rq, LD_API_BAD_REQUEST, msg);
		return;
	}
	if (owner != NULL && owner[0] != '\0' && !ld_path_valid(owner, &why)) {
		snprintf(msg, sizeof(msg), "owner: '%.64s': %s", owner, why);
		ld_web_api_error(rq, LD_API_BAD_REQUEST, msg);
		return;
	}
	uint64_t limit = 0;
	if (arg_uint(rq, "limit", UINT32_MAX, &limit) != 0)
		return;
	l.owner = (char *)(owner != NULL ? owner : "");
	l.after = (char *)arg_or_empty(rq, "after");
	l.limit = (uint32_t)limit;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_LIST;
	req.list = &l;
	Ld__Response *resp;
	if (ask(rq, &req, &resp, false) != 0)
		return;
	struct ld_buf b = {0};
	ld_buf_puts(&b, "{\"records\": [");
	const Ld__ListResponse *lr =
	    resp->result_case == LD__RESPONSE__RESULT_LIST ? resp->list : NULL;
	size_t shown = 0;
	for (size_t i = 0; lr != NULL && i < lr->n_records; i++) {
		Ld__Record *r = ld__record__unpack(NULL, lr->records[i].len,
		                                   lr->records[i].data);
		if (r == NULL)
			continue;
		ld_buf_puts(&b, shown++ ? ",\n " : "\n ");
		ld_json_record(&b, r);
		ld__record__free_unpacked(r, NULL);
	}
	ld_buf_puts(&b, shown ? "\n], \"next\": " : "], \"next\": ");
	ld_json_put_string(&b, lr != NULL ? lr->next : "");
	ld_buf_puts(&b, "}\n");
	ld__response__free_unpacked(resp, NULL);
	ld_web_json(rq, 200, &b);
}

static void
history(struct ld_web_req *rq, const char *id)
{
	Ld__HistoryRequest h = LD__HISTORY_REQUEST__INIT;
	h.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_HISTORY;
	req.history = &h;
	ask_and_answer(rq, &req, LD__RESPONSE__RESULT_HISTORY, "history");
}

static void
inbox(struct ld_web_req *rq)
{
	Ld__InboxRequest q = LD__INBOX_REQUEST__INIT;
	uint64_t days = 0;
	if (arg_uint(rq, "days", 3660, &days) != 0)
		return;
	q.today = (char *)arg_or_empty(rq, "today");
	q.days = (uint32_t)days;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_INBOX;
	req.inbox = &q;
	ask_and_answer(rq, &req, LD__RESPONSE__RESULT_INBOX, "inbox");
}

/* A task's progress, or with `id` NULL the proposals awaiting a reply. */
static void
progress(struct ld_web_req *rq, const char *id)
{
	Ld__ProgressRequest q = LD__PROGRESS_REQUEST__INIT;
	q.id = (char *)(id != NULL ? id : "");
	q.proposals = id == NULL;
	q.today = (char *)arg_or_empty(rq, "today");
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_PROGRESS;
	req.progress = &q;
	ask_and_answer(rq, &req, LD__RESPONSE__RESULT_PROGRESS, "progress");
}

static void
status(struct ld_web_req *rq)
{
	Ld__StatusRequest q = LD__STATUS_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &q;
	ask_and_answer(rq, &req, LD__RESPONSE__RESULT_STATUS, "status");
}

static void
me(struct ld_web_req *rq)
{
	const struct ld_config *cfg = ld_web_config(rq);
	struct ld_buf b = {0};
	ld_buf_puts(&b, "{\"name\": ");
	ld_json_put_string(&b, rq->sess.user);
	ld_buf_puts(&b, ", \"role\": ");
	ld_json_put_string(&b, ld_role_name((enum ld_role)rq->role));
	ld_buf_puts(&b, ", \"role_label\": ");
	ld_json_put_string(&b, ld_role_label((enum ld_role)rq->role));
	ld_buf_puts(&b, ", \"may\": [");
	static const char *const acts[LD_ACT_COUNT] = {
	    [LD_ACT_READ] = "read", [LD_ACT_REPORT] = "report",
	    [LD_ACT_WRITE] = "write", [LD_ACT_REVIEW] = "review",
	    [LD_ACT_ADMIN] = "admin"};
	bool first = true;
	for (int a = 0; a < LD_ACT_COUNT; a++) {
		if (!ld_web_may(rq, a))
			continue;
		ld_buf_puts(&b, first ? "" : ", ");
		first = false;
		ld_json_put_string(&b, acts[a]);
	}
	ld_buf_puts(&b, "], \"office\": {\"path\": ");
	ld_json_put_string(&b, cfg->id);
	ld_buf_puts(&b, ", \"name\": ");
	ld_json_put_string(&b, cfg->name);
	ld_buf_puts(&b, "}, \"auth\": ");
	ld_json_put_string(&b, rq->bearer ? "token" : "session");
	ld_buf_puts(&b, "}\n");
	ld_web_json(rq, 200, &b);
}

/* ------------------------------------------------------- attachments */

/* api/attachio.c asks the node through this thread's client. */
static int
call_node(void *ctx, Ld__Request *req, Ld__Response **resp, char *err,
          size_t errlen)
{
	return ld_web_call(ctx, req, resp, err, errlen);
}

/* The bytes are held until the whole file is checked: a download that
 * fails its check sends none of them. */
static int
hold(void *ctx, const void *data, size_t n)
{
	struct ld_buf *b = ctx;
	ld_buf_put(b, data, n);
	return b->oom ? -ENOMEM : 0;
}

static void
attachment(struct ld_web_req *rq, const char *id, unsigned n)
{
	Ld__Record *r = get_record(rq, id);
	if (r == NULL)
		return;
	char err[700];
	if (r->deleted || r->body_case != LD__RECORD__BODY_RESULT ||
	    n > r->result->n_attachments) {
		snprintf(err, sizeof(err), "%.300s has no attachment %u", id, n);
		ld_web_api_error(rq, LD_API_REFUSED, err);
		ld__record__free_unpacked(r, NULL);
		return;
	}
	const Ld__Attachment *meta = r->result->attachments[n - 1];
	struct ld_buf bytes = {0};
	int rc = ld_attachio_get(call_node, rq, id, n - 1, meta, hold, &bytes,
	                         err, sizeof(err));
	if (rc == 0) {
		struct ld_buf disp = {0};
		ld_present_disposition(&disp, meta->name);
		ld_web_bytes(rq, 200,
		             ld_api_safe_type(meta->content_type)
		                 ? meta->content_type
		                 : "application/octet-stream",
		             &bytes);
		ld_web_header(rq, "Content-Disposition",
		              disp.p != NULL ? disp.p : "attachment");
		ld_buf_free(&disp);
	} else {
		/* A file still being fetched is 404 with the node's "try
		 * again later" (docs/http-api.md). */
		enum ld_api_code c =
		    rc == -EAGAIN || rc == -ENOENT ? LD_API_NOT_FOUND
		    : rc == LD_EREFUSED            ? LD_API_REFUSED
		    : rc == -EBADMSG || rc == -EPROTO || rc == -ENOMEM
		        ? LD_API_INTERNAL
		        : LD_API_UNAVAILABLE;
		ld_web_api_error(rq, c, err);
	}
	ld_buf_free(&bytes);
	ld__record__free_unpacked(r, NULL);
}

void
ld_api_get(struct ld_web_req *rq)
{
	struct ld_api_path p;
	switch (ld_api_path_parse(rq->rest, &p)) {
	case LD_RES_RECORDS:
		list_records(rq);
		break;
	case LD_RES_RECORD: {
		Ld__Record *r = get_record(rq, p.id);
		if (r != NULL) {
			answer_record(rq, 200, r);
			ld__record__free_unpacked(r, NULL);
		}
		break;
	}
	case LD_RES_HISTORY:
		history(rq, p.id);
		break;
	case LD_RES_ATTACHMENT:
		attachment(rq, p.id, p.n);
		break;
	case LD_RES_INBOX:
		inbox(rq);
		break;
	case LD_RES_PROGRESS:
		progress(rq, p.id);
		break;
	case LD_RES_PROPOSALS:
		progress(rq, NULL);
		break;
	case LD_RES_STATUS:
		status(rq);
		break;
	case LD_RES_ME:
		me(rq);
		break;
	default:
		ld_web_api_error(rq, LD_API_NOT_FOUND,
		                 "no such endpoint (see docs/http-api.md)");
	}
}

/* ------------------------------------------------------------ writes */

/* May this person write anything at all (records or reviews)? A reader
 * is refused before the body is read. */
static bool
may_write_any(struct ld_web_req *rq)
{
	if (ld_web_may(rq, LD_ACT_WRITE) || ld_web_may(rq, LD_ACT_REVIEW))
		return true;
	ld_web_api_error(rq, LD_API_FORBIDDEN,
	                 "your role may not write records");
	return false;
}

static bool
may_write_kind(struct ld_web_req *rq, Ld__Kind kind)
{
	if (ld_web_may(rq, ld_write_action(kind)))
		return true;
	char msg[200];
	snprintf(msg, sizeof(msg), "your role (%s) may not write a %s record",
	         ld_role_name((enum ld_role)rq->role), ld_kind_name(kind));
	ld_web_api_error(rq, LD_API_FORBIDDEN, msg);
	return false;
}

/* The one record the body holds, as 'liandong import' reads it
 * (jsonrec.h), its author the person asking; NULL with the error set. */
static Ld__Record *
body_record(struct ld_web_req *rq)
{
	const struct ld_buf *body = ld_web_body(rq);
	if (body->n == 0) {
		ld_web_api_error(rq, LD_API_BAD_REQUEST,
		                 "the body is empty: send one record as a JSON "
		                 "object");
		return NULL;
	}
	static const char file[] = "body";
	struct ld_batch b = {.file = file, .answers = true};
	char err[800];
	int rc = ld_jsonrec_read(body->p, body->n, &b, err, sizeof(err));
	Ld__Record *r = NULL;
	if (rc != 0) {
		/* "body: record 1: due: ..." -> "due: ...": the field first, as
		 * the node words its refusals. */
		const char *m = err;
		if (strncmp(m, "body: record 1: ", 16) == 0)
			m += 16;
		ld_web_api_error(rq, rc == LD_ESYNTAX ? LD_API_BAD_REQUEST
		                                      : LD_API_INTERNAL, m);
	} else if (b.n != 1) {
		ld_web_api_error(rq, LD_API_BAD_REQUEST,
		                 b.n > 1 ? "the body holds more than one record: "
		                           "send one JSON object"
		                         : "kind: this record cannot be written "
		                           "here (plan, survey, task, result, "
		                           "review and proposal can; not a "
		                           "deleted one)");
	} else {
		r = b.v[0].r;
		b.v[0].r = NULL;
		if (ld_set_str(&r->author, rq->sess.user) != 0) {
			ld__record__free_unpacked(r, NULL);
			r = NULL;
			ld_web_api_error(rq, LD_API_INTERNAL, "out of memory");
		}
	}
	ld_batch_free(&b); /* a record taken is NULL there */
	return r;
}

void
ld_api_post(struct ld_web_req *rq)
{
	struct ld_api_path p;
	if (ld_api_path_parse(rq->rest, &p) != LD_RES_RECORDS) {
		ld_web_api_error(rq, LD_API_NOT_FOUND,
		                 "no such endpoint (see docs/http-api.md)");
		return;
	}
	if (!may_write_any(rq))
		return;
	Ld__Record *r = body_record(rq);
	if (r == NULL)
		return;
	if (!may_write_kind(rq, ld_kind_of_body(r->body_case))) {
		ld__record__free_unpacked(r, NULL);
		return;
	}
	Ld__AddRequest a = LD__ADD_REQUEST__INIT;
	a.record = r;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &a;
	Ld__Response *resp;
	int rc = ask(rq, &req, &resp, false);
	ld__record__free_unpacked(r, NULL);
	if (rc != 0)
		return;
	char id[LD_API_ID_MAX], loc[LD_API_ID_MAX + 32];
	snprintf(id, sizeof(id), "%s",
	         resp->result_case == LD__RESPONSE__RESULT_ID ? resp->id : "");
	ld__response__free_unpacked(resp, NULL);
	answer_stored(rq, 201, id);
	snprintf(loc, sizeof(loc), "%srecords/%s", LD_API_PREFIX, id);
	ld_web_header(rq, "Location", loc);
}

/* base_version from the query: required (0 = change whatever version is
 * there now). 0 with *v, or -1 with the error set. */
static int
base_version(struct ld_web_req *rq, uint64_t *v)
{
	if (ld_web_arg(rq, "base_version") == NULL) {
		ld_web_api_error(rq, LD_API_BAD_REQUEST,
		                 "base_version: required: the record's version "
		                 "the change started from, as read (0: no "
		                 "check)");
		return -1;
	}
	return arg_uint(rq, "base_version", INT64_MAX, v);
}

/* A write refused with a base_version: 409 if the record has moved on
 * since (the node's sentence says so), else the refusal as it is. */
static void
refused_write(struct ld_web_req *rq, Ld__Response *resp, const char *id,
              uint64_t base)
{
	enum ld_api_code c = LD_API_REFUSED;
	if (base != 0) {
		Ld__GetRequest g = LD__GET_REQUEST__INIT;
		g.id = (char *)id;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_GET;
		req.get = &g;
		Ld__Response *now = NULL;
		char err[300];
		/* Only an answer is freed: a failed call may leave `now`
		 * pointing at one the client has already freed. */
		if (ld_web_call(rq, &req, &now, err, sizeof(err)) == 0) {
			Ld__Record *r = NULL;
			if (now->code == LD__CODE__CODE_OK &&
			    now->result_case == LD__RESPONSE__RESULT_RECORD)
				r = ld__record__unpack(NULL, now->record.len,
				                       now->record.data);
			if (r != NULL && r->version != base)
				c = LD_API_CONFLICT;
			if (r != NULL)
				ld__record__free_unpacked(r, NULL);
			ld__response__free_unpacked(now, NULL);
		}
	}
	ld_web_api_error(rq, c, resp->error != NULL ? resp->error : "refused");
}

/* Ask the node to change or delete `id` and answer with the record as it
 * is then, or with the refusal (refused_write). */
static void
write_and_answer(struct ld_web_req *rq, Ld__Request *req, const char *id,
                 uint64_t base)
{
	Ld__Response *resp;
	int rc = ask(rq, req, &resp, true);
	if (rc < 0)
		return;
	if (rc > 0)
		refused_write(rq, resp, id, base);
	ld__response__free_unpacked(resp, NULL);
	if (rc == 0)
		answer_stored(rq, 200, id);
}

static bool
record_path(struct ld_web_req *rq, struct ld_api_path *p)
{
	if (ld_api_path_parse(rq->rest, p) == LD_RES_RECORD)
		return true;
	ld_web_api_error(rq, LD_API_NOT_FOUND,
	                 "no such endpoint (see docs/http-api.md)");
	return false;
}

void
ld_api_put(struct ld_web_req *rq)
{
	struct ld_api_path p;
	uint64_t base = 0;
	if (!record_path(rq, &p) || !may_write_any(rq) ||
	    base_version(rq, &base) != 0)
		return;
	Ld__Record *r = body_record(rq);
	if (r == NULL)
		return;
	if (!may_write_kind(rq, ld_kind_of_body(r->body_case)) ||
	    ld_set_str(&r->id, p.id) != 0) {
		if (rq->status == 0)
			ld_web_api_error(rq, LD_API_INTERNAL, "out of memory");
		ld__record__free_unpacked(r, NULL);
		return;
	}
	Ld__UpdateRequest u = LD__UPDATE_REQUEST__INIT;
	u.record = r;
	u.base_version = base;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_UPDATE;
	req.update = &u;
	write_and_answer(rq, &req, p.id, base);
	ld__record__free_unpacked(r, NULL);
}

void
ld_api_delete(struct ld_web_req *rq)
{
	struct ld_api_path p;
	uint64_t base = 0;
	if (!record_path(rq, &p) || !may_write_any(rq) ||
	    base_version(rq, &base) != 0)
		return;
	/* Its kind says which role may delete it. */
	Ld__Record *old = get_record(rq, p.id);
	if (old == NULL)
		return;
	bool may = may_write_kind(rq, old->kind);
	ld__record__free_unpacked(old, NULL);
	if (!may)
		return;
	Ld__DeleteRequest d = LD__DELETE_REQUEST__INIT;
	d.id = p.id;
	d.base_version = base;
	d.author = rq->sess.user;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_DELETE;
	req.delete_ = &d;
	write_and_answer(rq, &req, p.id, base);
}
