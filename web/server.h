/* server.h — liandong-web's HTTP server: the libmicrohttpd daemon, the
 * request a page handler sees (method, path, query, cookies, form fields
 * and uploads), the response helpers (which always add the security
 * headers), the session and role checks made before a handler runs, and
 * one API client per server thread.
 *
 * Adding a page:
 *   1. write `void ld_page_xxx(struct ld_web_req *rq)` in a pages_*.c:
 *      read what it needs with ld_web_arg / ld_web_form / ld_web_upload,
 *      ask the node with ld_web_call, build HTML with html.h (ld_page_begin
 *      from ld_web_page, ld_html_f for everything from a record) and
 *      answer with ld_web_html, ld_web_redirect or ld_web_error;
 *   2. declare it in pages.h;
 *   3. add a line to the table in routes.c: method, path, whether it is
 *      a prefix, the action the person's role must allow (users.h
 *      ld_role_may), flags.
 * The server has already checked, before the handler runs, that the
 * person is logged in (else a redirect to /login), that the role may do
 * the route's action (else 403) and, for every POST, the form's CSRF
 * token against the session's (else 403). A handler only reads a
 * request and builds a response; it never holds state across requests
 * (the store is the daemon's, written through the API). */
#ifndef LD_SERVER_H
#define LD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "html.h"
#include "session.h"
#include "liandong.pb-c.h"

/* The largest request body (a 16 MiB attachment and its form): beyond
 * it the answer is 413. */
#define LD_WEB_BODY_MAX (17u << 20)
/* A form field that is not a file. */
#define LD_WEB_FIELD_MAX (1u << 20)
#define LD_WEB_FIELDS_MAX 256
/* How long a page waits for the node's answer. */
#define LD_WEB_API_TIMEOUT_MS 10000

struct ld_web;
struct ld_accounts;

/* A form field or an uploaded file (multipart/form-data). */
struct ld_web_field {
	char *name;
	char *filename;     /* NULL for a plain field */
	char *content_type; /* NULL if none was sent */
	struct ld_buf value;
};

struct ld_web_req {
	struct ld_web *web;
	void *conn;             /* the MHD connection (server.c only) */
	const char *method;     /* "GET", "POST", ... */
	const char *path;       /* decoded, without the query */
	const char *rest;       /* for a prefix route: what follows it */
	/* The person, once the server has checked the session. */
	bool logged_in;
	struct ld_session sess; /* user, csrf */
	int role;               /* enum ld_role */
	char token[LD_TOKEN_HEX];
	/* The body of a POST. */
	struct ld_web_field *fields;
	size_t nfields;
	uint64_t body_bytes;
	bool too_big;
	void *pp;               /* the MHD post processor */
	/* The response being built. */
	unsigned status;        /* 0 = none yet */
	const char *ctype;
	struct ld_buf body;
	bool cacheable;         /* static files: Cache-Control allows it */
	int policy;             /* enum ld_web_policy */
	char *hname[8], *hval[8];
	size_t nheaders;
};

/* The console's settings, from [web] of liandong.conf and main.c. */
struct ld_web_opts {
	const struct ld_config *cfg; /* copied */
	const char *listen;     /* HOST:PORT */
	const char *cert_pem, *key_pem; /* contents; NULL = plain HTTP */
};

/* Start serving. Returns 0, or with a one-line reason in err -errno
 * (the address cannot be resolved or bound) or -ENOMEM. */
int ld_web_start(const struct ld_web_opts *o, struct ld_web **out,
                 char *err, size_t errlen);
/* Stop serving (waits for the requests in flight), close everything. */
void ld_web_stop(struct ld_web **w);

/* The request, for handlers. Strings are valid during the request. */
const char *ld_web_arg(struct ld_web_req *rq, const char *name);
const char *ld_web_cookie(struct ld_web_req *rq, const char *name);
const char *ld_web_form(struct ld_web_req *rq, const char *name);
const struct ld_web_field *ld_web_upload(struct ld_web_req *rq,
                                         const char *name);
const struct ld_config *ld_web_config(struct ld_web_req *rq);
struct ld_sessions *ld_web_sessions(struct ld_web_req *rq);
struct ld_accounts *ld_web_accounts(struct ld_web_req *rq);
bool ld_web_tls(struct ld_web_req *rq);
/* May the person do `action` (enum ld_action of users.h)? */
bool ld_web_may(struct ld_web_req *rq, int action);

/* A page's layout for this person: fills p (strings borrowed from rq). */
void ld_web_page(struct ld_web_req *rq, struct ld_page *p, const char *title,
                 enum ld_nav nav);

/* Answers. The last one set wins. ld_web_html takes the buffer's
 * contents. */
void ld_web_html(struct ld_web_req *rq, unsigned status, struct ld_buf *page);
void ld_web_redirect(struct ld_web_req *rq, const char *location);
/* A whole page in Chinese with `message`: 403, 404, 413, 500 ... */
void ld_web_error(struct ld_web_req *rq, unsigned status, const char *message);
void ld_web_header(struct ld_web_req *rq, const char *name, const char *value);

/* The Content-Security-Policy a response goes out with. */
enum ld_web_policy {
	LD_WEB_POLICY_CONSOLE = 0, /* no scripts, no inline styles, no frames */
	LD_WEB_POLICY_FRAMES,      /* the same, and it may frame this origin's
	                              sandboxed documents (frame-src 'self') */
	LD_WEB_POLICY_SANDBOX,     /* a document the console did not write (a
	                              report's HTML): its inline styles and
	                              data: images only, in a sandbox, framed
	                              by this origin alone */
};
void ld_web_policy(struct ld_web_req *rq, enum ld_web_policy p);
/* A cookie: Path=/; HttpOnly; SameSite=Strict, Secure under HTTPS.
 * max_age < 0 leaves it to the browser session, 0 deletes it. */
void ld_web_set_cookie(struct ld_web_req *rq, const char *name,
                       const char *value, long max_age);

/* Ask the node through this thread's API client (opened on first use,
 * opened again after a failure). Returns 0 with *resp (free with
 * ld__response__free_unpacked; check its code), or -errno with a
 * one-line reason in err. */
int ld_web_call(struct ld_web_req *rq, Ld__Request *req, Ld__Response **resp,
                char *err, size_t errlen);

/* ld_web_call, and an error page if it fails or the node refuses: 0
 * only with an answer whose code is OK (free *resp); otherwise the page
 * is set (404 for NOT_FOUND, 503 if the node cannot be reached, 502 for
 * another refusal with the node's reason) and -1 returned. */
int ld_web_ask(struct ld_web_req *rq, Ld__Request *req, Ld__Response **resp);

/* Every record of `kind` (0 = any) in the subtree of `owner` ("" = any),
 * in owner and counter order (api/records.h, as the CLI reads them), with
 * ld_web_ask for each page of the list: 0 with *recs (free with
 * ld_api_free_records), or -1 with the error page set. */
int ld_web_list_all(struct ld_web_req *rq, Ld__Kind kind, const char *owner,
                    Ld__Record ***recs, size_t *n);

#endif
