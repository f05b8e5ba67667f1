/* apiv1.h — the pure parts of liandong-web's JSON HTTP API under /api/v1
 * (docs/http-api.md): which resource a path names, the error document and
 * the status and code for each kind of failure. No sockets: the handlers
 * (pages_api.c) and the server (server.c) use these, the unit test checks
 * them alone. */
#ifndef LD_APIV1_H
#define LD_APIV1_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define LD_API_PREFIX "/api/v1/"
/* The largest JSON body a request may carry: beyond it, 413. */
#define LD_API_BODY_MAX (1u << 20)
/* The throttle key of wrong API tokens from one client address (session.h
 * counts them as it counts wrong passwords, in its own key space: a
 * person's name never holds ':'). */
#define LD_API_TOKEN_KEY "token:"

/* What went wrong, as the "code" of the error document; each has its
 * HTTP status (ld_api_status). */
enum ld_api_code {
	LD_API_BAD_REQUEST = 0, /* 400 malformed: not JSON, no such field */
	LD_API_REFUSED,         /* 400 the node's rules refused it */
	LD_API_UNAUTHORIZED,    /* 401 no token or session, or a wrong one */
	LD_API_FORBIDDEN,       /* 403 the role may not; no CSRF header */
	LD_API_NOT_FOUND,       /* 404 no such record or endpoint */
	LD_API_CONFLICT,        /* 409 base_version is not the version now */
	LD_API_TOO_LARGE,       /* 413 body over LD_API_BODY_MAX */
	LD_API_RATE_LIMITED,    /* 429 too many wrong tokens from here */
	LD_API_INTERNAL,        /* 502 the node failed */
	LD_API_UNAVAILABLE,     /* 503 the node cannot be reached */
	LD_API_CODE_COUNT
};

unsigned ld_api_status(enum ld_api_code c);
const char *ld_api_code_name(enum ld_api_code c); /* "refused" */

/* The error document {"error": msg, "field": F, "code": C}; "field" only
 * when the message names one (ld_fielderr_name, fielderr.h). */
void ld_api_error_json(struct ld_buf *b, enum ld_api_code c, const char *msg);

/* What a path under /api/v1/ names. */
enum ld_api_res {
	LD_RES_NONE = 0,   /* no such endpoint */
	LD_RES_RECORDS,    /* records */
	LD_RES_RECORD,     /* records/{id} */
	LD_RES_HISTORY,    /* records/{id}/history */
	LD_RES_ATTACHMENT, /* records/{id}/attachments/{n} (n from 1) */
	LD_RES_INBOX,      /* inbox */
	LD_RES_PROGRESS,   /* tasks/{id}/progress */
	LD_RES_PROPOSALS,  /* proposals/progress */
	LD_RES_STATUS,     /* status */
	LD_RES_ME,         /* me */
};

#define LD_API_ID_MAX 512

struct ld_api_path {
	enum ld_api_res res;
	char id[LD_API_ID_MAX]; /* a record's id, as written (may hold '/') */
	unsigned n;             /* the attachment's number, from 1 */
};

/* Parse `rest`, the path after "/api/v1/" (decoded: a record id's '/' and
 * ':' as they are). An id is everything between "records/" (or "tasks/")
 * and the suffix, so it may hold '/'; it may not be empty or longer than
 * LD_API_ID_MAX - 1. Returns the resource, LD_RES_NONE if none. */
enum ld_api_res ld_api_path_parse(const char *rest, struct ld_api_path *p);

/* Is `ct` a media type safe to send back for an attachment from this
 * origin? Types a browser would run (HTML, XML, SVG, script) and anything
 * malformed are not: the caller sends application/octet-stream. */
bool ld_api_safe_type(const char *ct);

#endif
