/* apiv1.c — /api/v1 paths, error documents and status codes (pure). */
#include "apiv1.h"
#include "fielderr.h"
#include "json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	unsigned status;
	const char *name;
} codes[LD_API_CODE_COUNT] = {
    [LD_API_BAD_REQUEST] = {400, "bad_request"},
    [LD_API_REFUSED] = {400, "refused"},
    [LD_API_UNAUTHORIZED] = {401, "unauthorized"},
    [LD_API_FORBIDDEN] = {403, "forbidden"},
    [LD_API_NOT_FOUND] = {404, "not_found"},
    [LD_API_CONFLICT] = {409, "conflict"},
    [LD_API_TOO_LARGE] = {413, "too_large"},
    [LD_API_RATE_LIMITED] = {429, "rate_limited"},
    [LD_API_INTERNAL] = {502, "internal"},
    [LD_API_UNAVAILABLE] = {503, "unavailable"},
};

unsigned
ld_api_status(enum ld_api_code c)
{
	return (unsigned)c < LD_API_CODE_COUNT ? codes[c].status : 500;
}

const char *
ld_api_code_name(enum ld_api_code c)
{
	return (unsigned)c < LD_API_CODE_COUNT ? codes[c].name : "internal";
}

void
ld_api_error_json(struct ld_buf *b, enum ld_api_code c, const char *msg)
{
	char field[128];
	ld_fielderr_name(msg, field, sizeof(field));
	ld_buf_puts(b, "{\"error\": ");
	ld_json_put_string(b, msg);
	if (field[0] != '\0') {
		ld_buf_puts(b, ", \"field\": ");
		ld_json_put_string(b, field);
	}
	ld_buf_puts(b, ", \"code\": ");
	ld_json_put_string(b, ld_api_code_name(c));
	ld_buf_puts(b, "}\n");
}

/* Does `s` end with `suffix`? Then its length without it in *n. */
static bool
ends_with(const char *s, const char *suffix, size_t *n)
{
	size_t a = strlen(s), b = strlen(suffix);
	if (a < b || strcmp(s + a - b, suffix) != 0)
		return false;
	*n = a - b;
	return true;
}

static bool
take_id(struct ld_api_path *p, const char *s, size_t n)
{
	if (n == 0 || n >= sizeof(p->id))
		return false;
	memcpy(p->id, s, n);
	p->id[n] = '\0';
	return true;
}

enum ld_api_res
ld_api_path_parse(const char *rest, struct ld_api_path *p)
{
	memset(p, 0, sizeof(*p));
	size_t n;
	if (strcmp(rest, "records") == 0)
		return p->res = LD_RES_RECORDS;
	if (strcmp(rest, "inbox") == 0)
		return p->res = LD_RES_INBOX;
	if (strcmp(rest, "status") == 0)
		return p->res = LD_RES_STATUS;
	if (strcmp(rest, "me") == 0)
		return p->res = LD_RES_ME;
	if (strcmp(rest, "proposals/progress") == 0)
		return p->res = LD_RES_PROPOSALS;
	if (strncmp(rest, "tasks/", 6) == 0) {
		const char *s = rest + 6;
		if (ends_with(s, "/progress", &n) && take_id(p, s, n))
			return p->res = LD_RES_PROGRESS;
		return LD_RES_NONE;
	}
	if (strncmp(rest, "records/", 8) != 0)
		return LD_RES_NONE;
	const char *s = rest + 8;
	if (ends_with(s, "/history", &n))
		return take_id(p, s, n) ? (p->res = LD_RES_HISTORY)
		                        : LD_RES_NONE;
	/* .../attachments/N: N a number from 1 without leading zeros. */
	const char *att = NULL;
	for (const char *q = strstr(s, "/attachments/"); q != NULL;
	     q = strstr(q + 1, "/attachments/"))
		att = q;
	if (att != NULL) {
		const char *num = att + strlen("/attachments/");
		if (num[0] >= '1' && num[0] <= '9' &&
		    strspn(num, "0123456789") == strlen(num) &&
		    strlen(num) <= 3) {
			p->n = (unsigned)strtoul(num, NULL, 10);
			return take_id(p, s, (size_t)(att - s))
			           ? (p->res = LD_RES_ATTACHMENT)
			           : LD_RES_NONE;
		}
	}
	return take_id(p, s, strlen(s)) ? (p->res = LD_RES_RECORD)
	                                : LD_RES_NONE;
}

bool
ld_api_safe_type(const char *ct)
{
	if (ct == NULL || ct[0] == '\0' || strlen(ct) > 100)
		return false;
	/* type/subtype[; parameters], printable ASCII, no line breaks. */
	for (const char *c = ct; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			return false;
	const char *slash = strchr(ct, '/');
	if (slash == NULL || slash == ct)
		return false;
	static const char *const unsafe[] = {"html", "xml", "svg", "script",
	                                     "xsl", NULL};
	char low[101];
	size_t i = 0;
	for (; ct[i] != '\0'; i++)
		low[i] = (char)tolower((unsigned char)ct[i]);
	low[i] = '\0';
	for (size_t k = 0; unsafe[k] != NULL; k++)
		if (strstr(low, unsafe[k]) != NULL)
			return false;
	return strncmp(low, "multipart/", 10) != 0;
}
