/* server.c — liandong-web's HTTP side: the libmicrohttpd daemon, the
 * request and its body, the checks before a handler (session, role,
 * CSRF), the responses with their security headers, and the API clients
 * of the server threads. */
#include "server.h"
#include "accounts.h"
#include "apiv1.h"
#include "client.h"
#include "err.h"
#include "log.h"
#include "records.h"
#include "routes.h"
#include "users.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define SESSION_COOKIE "ld_session"
#define API_SLOTS 64

/* One API client per server thread: a ZeroMQ socket is not to be shared
 * between threads. The mutex only guards against a pool larger than the
 * slots (then two threads share one, taking turns). */
struct api_slot {
	pthread_mutex_t mu;
	struct ld_client *cl;
};

struct ld_web {
	struct ld_config cfg;
	struct MHD_Daemon *mhd;
	bool tls;
	struct ld_sessions *sessions;
	struct ld_accounts *accounts;
	struct api_slot api[API_SLOTS];
	atomic_uint next_slot;
};

static const char csp[] =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
static const char csp_frames[] =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";
/* A report's own HTML: nothing runs, nothing loads, nothing is sent; it
 * may be shown only in a frame of the console. */
static const char csp_sandbox[] =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "sandbox; frame-ancestors 'self'";

/* ---------------------------------------------------------- the request */

const char *
ld_web_arg(struct ld_web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
	                                   name);
}

const char *
ld_web_header_in(struct ld_web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const struct ld_buf *
ld_web_body(struct ld_web_req *rq)
{
	return &rq->raw;
}

const char *
ld_web_cookie(struct ld_web_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

const char *
ld_web_form(struct ld_web_req *rq, const char *name)
{
	for (size_t i = 0; i < rq->nfields; i++)
		if (rq->fields[i].filename == NULL &&
		    strcmp(rq->fields[i].name, name) == 0)
			return rq->fields[i].value.p != NULL
			           ? rq->fields[i].value.p
			           : "";
	return NULL;
}

const struct ld_web_field *
ld_web_upload(struct ld_web_req *rq, const char *name)
{
	for (size_t i = 0; i < rq->nfields; i++)
		if (rq->fields[i].filename != NULL &&
		    strcmp(rq->fields[i].name, name) == 0)
			return &rq->fields[i];
	return NULL;
}

const struct ld_config *
ld_web_config(struct ld_web_req *rq)
{
	return &rq->web->cfg;
}

struct ld_sessions *
ld_web_sessions(struct ld_web_req *rq)
{
	return rq->web->sessions;
}

struct ld_accounts *
ld_web_accounts(struct ld_web_req *rq)
{
	return rq->web->accounts;
}

bool
ld_web_tls(struct ld_web_req *rq)
{
	return rq->web->tls;
}

bool
ld_web_may(struct ld_web_req *rq, int action)
{
	return rq->logged_in && ld_role_may((enum ld_role)rq->role,
	                                    (enum ld_action)action);
}

void
ld_web_page(struct ld_web_req *rq, struct ld_page *p, const char *title,
            enum ld_nav nav)
{
	memset(p, 0, sizeof(*p));
	p->title = title;
	p->office = rq->web->cfg.name;
	p->nav = nav;
	if (rq->logged_in) {
		p->user = rq->sess.user;
		p->role = ld_role_label((enum ld_role)rq->role);
		p->csrf = rq->sess.csrf;
	}
}

/* --------------------------------------------------------- the response */

void
ld_web_html(struct ld_web_req *rq, unsigned status, struct ld_buf *page)
{
	ld_buf_free(&rq->body);
	rq->body = *page;
	memset(page, 0, sizeof(*page));
	rq->status = status;
	rq->ctype = "text/html; charset=utf-8";
}

void
ld_web_header(struct ld_web_req *rq, const char *name, const char *value)
{
	if (rq->nheaders == sizeof(rq->hname) / sizeof(rq->hname[0]))
		return;
	char *n = strdup(name), *v = strdup(value);
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		return;
	}
	rq->hname[rq->nheaders] = n;
	rq->hval[rq->nheaders++] = v;
}

void
ld_web_json(struct ld_web_req *rq, unsigned status, struct ld_buf *doc)
{
	ld_web_html(rq, status, doc);
	rq->ctype = "application/json; charset=utf-8";
}

void
ld_web_bytes(struct ld_web_req *rq, unsigned status, const char *ctype,
             struct ld_buf *bytes)
{
	ld_web_html(rq, status, bytes);
	snprintf(rq->ctype_own, sizeof(rq->ctype_own), "%s", ctype);
	rq->ctype = rq->ctype_own;
}

void
ld_web_api_error(struct ld_web_req *rq, int code, const char *message)
{
	struct ld_buf b = {0};
	ld_api_error_json(&b, (enum ld_api_code)code, message);
	ld_web_json(rq, ld_api_status((enum ld_api_code)code), &b);
}

void
ld_web_policy(struct ld_web_req *rq, enum ld_web_policy p)
{
	rq->policy = (int)p;
}

void
ld_web_redirect(struct ld_web_req *rq, const char *location)
{
	struct ld_buf b = {0};
	ld_html_f(&b, "<!doctype html><title>…</title><a href=\"%s\">%s</a>\n",
	          location, location);
	ld_web_html(rq, 303, &b);
	ld_web_header(rq, "Location", location);
}

void
ld_web_error(struct ld_web_req *rq, unsigned status, const char *message)
{
	rq->policy = LD_WEB_POLICY_CONSOLE;
	const char *title = status == 403   ? "无权访问"
	                    : status == 404 ? "页面不存在"
	                    : status == 413 ? "上传内容过大"
	                    : status >= 500 ? "服务出错"
	                                    : "请求有误";
	struct ld_page p;
	ld_web_page(rq, &p, title, LD_NAV_NONE);
	struct ld_buf b = {0};
	ld_page_begin(&b, &p);
	ld_html_f(&b, "<p class=\"error\">%s</p>\n<p><a href=\"/\">返回工作台</a>"
	          "</p>\n", message);
	ld_page_end(&b);
	ld_web_html(rq, status, &b);
}

void
ld_web_set_cookie(struct ld_web_req *rq, const char *name, const char *value,
                  long max_age)
{
	char c[512];
	int n = snprintf(c, sizeof(c), "%s=%s; Path=/; HttpOnly; "
	                 "SameSite=Strict%s", name, value,
	                 rq->web->tls ? "; Secure" : "");
	if (max_age >= 0 && n > 0 && (size_t)n < sizeof(c))
		snprintf(c + n, sizeof(c) - (size_t)n, "; Max-Age=%ld", max_age);
	ld_web_header(rq, "Set-Cookie", c);
}

/* ------------------------------------------------------------ the API */

int
ld_web_call(struct ld_web_req *rq, Ld__Request *req, Ld__Response **resp,
            char *err, size_t errlen)
{
	struct ld_web *w = rq->web;
	static _Thread_local int slot = -1;
	if (slot < 0)
		slot = (int)(atomic_fetch_add(&w->next_slot, 1) % API_SLOTS);
	struct api_slot *s = &w->api[slot];
	pthread_mutex_lock(&s->mu);
	int rc = 0;
	/* A socket that failed may hold a half-answered request: a new
	 * one starts clean, and the node may have restarted meanwhile. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if (s->cl == NULL &&
		    (rc = ld_client_open(w->cfg.dir, &s->cl, err, errlen)) != 0)
			break;
		rc = ld_client_call(s->cl, req, resp, LD_WEB_API_TIMEOUT_MS,
		                    err, errlen);
		if (rc == 0)
			break;
		ld_client_close(&s->cl);
		if (rc == -ETIMEDOUT)
			break; /* asking again would wait as long */
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int
ld_web_ask(struct ld_web_req *rq, Ld__Request *req, Ld__Response **resp)
{
	char err[512], msg[700];
	*resp = NULL;
	int rc = ld_web_call(rq, req, resp, err, sizeof(err));
	if (rc != 0) {
		snprintf(msg, sizeof(msg), "暂时无法连接本节点的服务（liandongd）："
		         "%s", err);
		ld_web_error(rq, 503, msg);
		return -1;
	}
	if ((*resp)->code == LD__CODE__CODE_OK)
		return 0;
	if ((*resp)->code == LD__CODE__CODE_NOT_FOUND) {
		ld_web_error(rq, 404, "本节点没有这条记录。");
	} else {
		snprintf(msg, sizeof(msg), "节点拒绝了请求：%s",
		         (*resp)->error != NULL ? (*resp)->error : "");
		ld_web_error(rq, 502, msg);
	}
	ld__response__free_unpacked(*resp, NULL);
	*resp = NULL;
	return -1;
}

static int
ask_for_list(void *ctx, Ld__Request *req, Ld__Response **resp)
{
	return ld_web_ask(ctx, req, resp);
}

int
ld_web_list_all(struct ld_web_req *rq, Ld__Kind kind, const char *owner,
                Ld__Record ***recs, size_t *n)
{
	int rc = ld_api_list_all(ask_for_list, rq, kind, owner, recs, n);
	if (rc == -ENOMEM)
		ld_web_error(rq, 500, "内存不足，请稍后重试。");
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------ the body */

static void
free_req(struct ld_web_req *rq)
{
	if (rq == NULL)
		return;
	if (rq->pp != NULL)
		MHD_destroy_post_processor(rq->pp);
	for (size_t i = 0; i < rq->nfields; i++) {
		free(rq->fields[i].name);
		free(rq->fields[i].filename);
		free(rq->fields[i].content_type);
		ld_buf_free(&rq->fields[i].value);
	}
	free(rq->fields);
	for (size_t i = 0; i < rq->nheaders; i++) {
		free(rq->hname[i]);
		free(rq->hval[i]);
	}
	ld_buf_free(&rq->body);
	ld_buf_free(&rq->raw);
	sodium_memzero(rq->token, sizeof(rq->token));
	free(rq);
}

static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key,
         const char *filename, const char *content_type,
         const char *transfer_encoding, const char *data, uint64_t off,
         size_t size)
{
	(void)kind;
	(void)transfer_encoding;
	struct ld_web_req *rq = cls;
	struct ld_web_field *f = NULL;
	if (off > 0 && rq->nfields > 0 &&
	    strcmp(rq->fields[rq->nfields - 1].name, key) == 0) {
		f = &rq->fields[rq->nfields - 1];
	} else {
		if (rq->nfields == LD_WEB_FIELDS_MAX)
			return MHD_NO;
		struct ld_web_field *nf =
		    realloc(rq->fields, (rq->nfields + 1) * sizeof(*nf));
		if (nf == NULL)
			return MHD_NO;
		rq->fields = nf;
		f = &nf[rq->nfields];
		memset(f, 0, sizeof(*f));
		f->name = strdup(key);
		f->filename = filename != NULL ? strdup(filename) : NULL;
		f->content_type =
		    content_type != NULL ? strdup(content_type) : NULL;
		rq->nfields++;
		if (f->name == NULL || (filename != NULL && f->filename == NULL))
			return MHD_NO;
		ld_buf_puts(&f->value, ""); /* "" rather than NULL */
	}
	if (f->filename == NULL && f->value.n + size > LD_WEB_FIELD_MAX) {
		rq->too_big = true;
		return MHD_NO;
	}
	ld_buf_put(&f->value, data, size);
	return f->value.oom ? MHD_NO : MHD_YES;
}

/* ------------------------------------------------------- dispatching */

static bool
is_post(const struct ld_web_req *rq)
{
	return strcmp(rq->method, "POST") == 0;
}

/* Who is asking: the session of the cookie, and the role the users file
 * gives that person now. */
static void
find_person(struct ld_web_req *rq)
{
	const char *tok = ld_web_cookie(rq, SESSION_COOKIE);
	if (tok == NULL || ld_session_find(rq->web->sessions, tok,
	                                   &rq->sess) != 0)
		return;
	struct ld_user u;
	if (ld_accounts_get(rq->web->accounts, rq->sess.user, &u) != 0) {
		/* Removed from the users file: every session of theirs ends. */
		ld_session_end_user(rq->web->sessions, rq->sess.user);
		memset(&rq->sess, 0, sizeof(rq->sess));
		return;
	}
	rq->role = (int)u.role;
	rq->logged_in = true;
	snprintf(rq->token, sizeof(rq->token), "%s", tok);
	sodium_memzero(&u, sizeof(u));
}

static void
sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The throttle key of wrong API tokens from this client's address. */
static void
token_key(struct ld_web_req *rq, char *key, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		          addr, sizeof(addr));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
		          sizeof(addr));
	snprintf(key, len, "%s%s", LD_API_TOKEN_KEY, addr);
}

/* The person of "Authorization: Bearer TOKEN". A wrong token counts
 * against the client's address (not against any account: it is no guess
 * at a person's password), with the logins' growing delay and lock. */
static bool
bearer_person(struct ld_web_req *rq, const char *authz)
{
	if (strncasecmp(authz, "Bearer ", 7) != 0) {
		ld_web_api_error(rq, LD_API_UNAUTHORIZED,
		                 "Authorization: only 'Bearer TOKEN' is "
		                 "accepted (a token from 'liandong user token')");
		return false;
	}
	const char *tok = authz + 7;
	while (*tok == ' ')
		tok++;
	char key[LD_SESSION_USER_MAX + 1];
	token_key(rq, key, sizeof(key));
	unsigned left = 0;
	if (ld_login_allowed(rq->web->sessions, key, &left) != 0) {
		char msg[200], after[16];
		snprintf(msg, sizeof(msg), "too many wrong API tokens from this "
		         "address: try again in %u s", left);
		snprintf(after, sizeof(after), "%u", left);
		ld_web_api_error(rq, LD_API_RATE_LIMITED, msg);
		ld_web_header(rq, "Retry-After", after);
		return false;
	}
	char hash[65];
	ld_token_hash(tok, hash);
	struct ld_user u;
	if (ld_accounts_by_token(rq->web->accounts, hash, &u) != 0) {
		bool locked = false;
		sleep_ms(ld_login_failed(rq->web->sessions, key, &locked));
		ld_warn("http api: a wrong API token from %s%s",
		        key + strlen(LD_API_TOKEN_KEY),
		        locked ? " (the address is locked out for a while)"
		               : "");
		ld_web_api_error(rq, LD_API_UNAUTHORIZED,
		                 "the API token is not known here (wrong, "
		                 "revoked or replaced)");
		return false;
	}
	ld_login_ok(rq->web->sessions, key);
	snprintf(rq->sess.user, sizeof(rq->sess.user), "%s", u.name);
	rq->role = (int)u.role;
	rq->logged_in = true;
	rq->bearer = true;
	sodium_memzero(&u, sizeof(u));
	return true;
}

/* Who asks the JSON API, and may they: false when the answer (a JSON
 * error) is set. */
static bool
api_checks(struct ld_web_req *rq, const struct ld_route *r)
{
	const char *authz = ld_web_header_in(rq, "Authorization");
	if (authz != NULL) {
		if (!bearer_person(rq, authz))
			return false;
	} else {
		find_person(rq);
		if (!rq->logged_in) {
			ld_web_api_error(rq, LD_API_UNAUTHORIZED,
			                 "not signed in: send 'Authorization: "
			                 "Bearer TOKEN' or a session cookie");
			ld_web_header(rq, "WWW-Authenticate", "Bearer");
			return false;
		}
		if (strcmp(rq->method, "GET") != 0 &&
		    !ld_csrf_equal(ld_web_header_in(rq, "X-CSRF-Token"),
		                   rq->sess.csrf)) {
			ld_web_api_error(rq, LD_API_FORBIDDEN,
			                 "X-CSRF-Token: missing or not this "
			                 "session's (a request with the session "
			                 "cookie must carry it)");
			return false;
		}
	}
	if (!ld_role_may((enum ld_role)rq->role, (enum ld_action)r->need)) {
		ld_web_api_error(rq, LD_API_FORBIDDEN,
		                 "your role may not do this");
		return false;
	}
	return true;
}

static void
dispatch(struct ld_web_req *rq)
{
	if (rq->too_big && rq->api) {
		char msg[120];
		snprintf(msg, sizeof(msg), "the body is larger than %u bytes",
		         LD_API_BODY_MAX);
		ld_web_api_error(rq, LD_API_TOO_LARGE, msg);
		return;
	}
	if (rq->too_big) {
		ld_web_error(rq, 413, "上传内容超过 17 MiB 的上限，请缩小文件后"
		             "重试。");
		return;
	}
	const struct ld_route *r = ld_route_find(rq->method, rq->path,
	                                         &rq->rest);
	if (r == NULL && rq->api) {
		ld_web_api_error(rq, LD_API_NOT_FOUND,
		                 "no such endpoint (see docs/http-api.md)");
		return;
	}
	if (r != NULL && (r->flags & LD_ROUTE_API)) {
		if (api_checks(rq, r))
			r->fn(rq);
		if (rq->status == 0)
			ld_web_api_error(rq, LD_API_INTERNAL,
			                 "the endpoint gave no answer");
		return;
	}
	if (r == NULL) {
		find_person(rq);
		ld_web_error(rq, 404, "没有这个页面。");
		return;
	}
	find_person(rq);
	if (!(r->flags & LD_ROUTE_PUBLIC)) {
		if (!rq->logged_in) {
			if (is_post(rq))
				ld_web_error(rq, 403, "登录已过期，请重新登录。");
			else
				ld_web_redirect(rq, "/login");
			return;
		}
		if (!ld_role_may((enum ld_role)rq->role,
		                 (enum ld_action)r->need)) {
			ld_web_error(rq, 403, "您的角色无权进行此操作。");
			return;
		}
		if (is_post(rq) &&
		    !ld_csrf_equal(ld_web_form(rq, "csrf"), rq->sess.csrf)) {
			ld_web_error(rq, 403, "表单已失效（缺少或不符的校验码），请"
			             "返回刷新页面后重试。");
			return;
		}
	}
	r->fn(rq);
	if (rq->status == 0)
		ld_web_error(rq, 500, "页面没有给出回应。");
}

static enum MHD_Result
send_response(struct MHD_Connection *c, struct ld_web_req *rq)
{
	size_t n = 0;
	char *body = ld_buf_take(&rq->body, &n);
	if (body == NULL) {
		body = strdup("");
		n = 0;
		rq->status = 500;
	}
	struct MHD_Response *resp = MHD_create_response_from_buffer(
	    n, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type",
	                        rq->ctype != NULL ? rq->ctype
	                                          : "text/plain; charset=utf-8");
	bool sandbox = rq->policy == LD_WEB_POLICY_SANDBOX;
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        sandbox ? csp_sandbox
	                        : rq->policy == LD_WEB_POLICY_FRAMES
	                            ? csp_frames
	                            : csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options",
	                        sandbox ? "SAMEORIGIN" : "DENY");
	MHD_add_response_header(resp, "Cache-Control",
	                        rq->cacheable ? "public, max-age=3600"
	                                      : "no-store");
	if (rq->web->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		                        "max-age=31536000");
	for (size_t i = 0; i < rq->nheaders; i++)
		MHD_add_response_header(resp, rq->hname[i], rq->hval[i]);
	enum MHD_Result ret = MHD_queue_response(c, rq->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *upload,
           size_t *upload_size, void **con_cls)
{
	(void)version;
	struct ld_web *w = cls;
	struct ld_web_req *rq = *con_cls;
	if (rq == NULL) {
		if ((rq = calloc(1, sizeof(*rq))) == NULL)
			return MHD_NO;
		rq->web = w;
		rq->conn = c;
		rq->method = method;
		rq->path = url;
		rq->api = strncmp(url, LD_API_PREFIX, strlen(LD_API_PREFIX)) == 0;
		*con_cls = rq;
		const char *cl = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > LD_WEB_BODY_MAX) {
			/* Refused before reading it; MHD closes the connection. */
			rq->too_big = true;
			dispatch(rq);
			return send_response(c, rq);
		}
		if (strcmp(method, "POST") == 0 && !rq->api)
			rq->pp = MHD_create_post_processor(c, 64 * 1024,
			                                   on_field, rq);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		rq->body_bytes += *upload_size;
		if (rq->body_bytes > LD_WEB_BODY_MAX ||
		    (rq->api && rq->body_bytes > LD_API_BODY_MAX))
			rq->too_big = true;
		if (rq->api && !rq->too_big) {
			ld_buf_put(&rq->raw, upload, *upload_size);
			if (rq->raw.oom)
				rq->too_big = true;
		}
		if (!rq->too_big && rq->pp != NULL &&
		    MHD_post_process(rq->pp, upload, *upload_size) != MHD_YES &&
		    !rq->too_big) {
			/* A body the post processor cannot take: ignore the rest;
			 * the CSRF check refuses a form that lost its token. */
			MHD_destroy_post_processor(rq->pp);
			rq->pp = NULL;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->status != 0) /* answered already (413 at the start) */
		return MHD_YES;
	dispatch(rq);
	return send_response(c, rq);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free_req(*con_cls);
	*con_cls = NULL;
}

/* libmicrohttpd's messages: its format, its arguments. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	size_t n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	ld_warn("http: %s", line);
}

/* ------------------------------------------------------ start and stop */

int
ld_web_start(const struct ld_web_opts *o, struct ld_web **out, char *err,
             size_t errlen)
{
	*out = NULL;
	struct ld_web *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->cfg = *o->cfg;
	w->tls = o->cert_pem != NULL;
	for (size_t i = 0; i < API_SLOTS; i++)
		pthread_mutex_init(&w->api[i].mu, NULL);
	int rc = 0;
	w->sessions = ld_sessions_new(w->cfg.web_session_idle_s, NULL, NULL);
	if (w->sessions == NULL ||
	    ld_accounts_new(w->cfg.dir, &w->accounts) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto leave;
	}

	/* HOST:PORT, the host a name or an address ([v6] in brackets). */
	char host[LD_ENDPOINT_MAX];
	snprintf(host, sizeof(host), "%s", o->listen);
	char *colon = strrchr(host, ':');
	if (colon == NULL) {
		snprintf(err, errlen, "listen %s: not HOST:PORT", o->listen);
		rc = -EINVAL;
		goto leave;
	}
	*colon = '\0';
	const char *port = colon + 1, *h = host;
	if (host[0] == '[' && colon[-1] == ']') {
		colon[-1] = '\0';
		h = host + 1;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_NUMERICSERV}, *ai = NULL;
	int gai = getaddrinfo(h, port, &hints, &ai);
	if (gai != 0 || ai == NULL) {
		snprintf(err, errlen, "listen %s: %s", o->listen,
		         gai_strerror(gai));
		rc = -EINVAL;
		goto leave;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (w->tls)
		flags |= MHD_USE_TLS;
	struct sockaddr_storage sa;
	memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	struct MHD_OptionItem tls_opts[] = {
	    {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->key_pem},
	    {MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->cert_pem},
	    {MHD_OPTION_END, 0, NULL},
	};
	w->mhd = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, w,
	    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)w->cfg.web_threads,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_ARRAY, w->tls ? tls_opts : &tls_opts[2],
	    MHD_OPTION_END);
	if (w->mhd == NULL) {
		snprintf(err, errlen, "cannot serve on %s (address in use, or "
		         "not this machine's%s)", o->listen,
		         w->tls ? "; or the certificate and key do not load"
		                : "");
		rc = -EADDRNOTAVAIL;
		goto leave;
	}
	*out = w;
	return 0;
leave:
	ld_web_stop(&w);
	return rc;
}

void
ld_web_stop(struct ld_web **w_p)
{
	if (w_p == NULL || *w_p == NULL)
		return;
	struct ld_web *w = *w_p;
	if (w->mhd != NULL)
		MHD_stop_daemon(w->mhd);
	for (size_t i = 0; i < API_SLOTS; i++) {
		ld_client_close(&w->api[i].cl);
		pthread_mutex_destroy(&w->api[i].mu);
	}
	ld_sessions_destroy(&w->sessions);
	ld_accounts_destroy(&w->accounts);
	free(w);
	*w_p = NULL;
}
