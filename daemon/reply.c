/* reply.c — answers to API clients, on the socket their request came
 * in on (through apiout.c, which holds them for a slow reader). */
#include "log.h"
#include "node_int.h"

#include <stdlib.h>

void
ld_reply(struct ld_node *n, const struct ld_rid *rid, const Ld__Response *r)
{
	size_t len = ld__response__get_packed_size(r);
	uint8_t stack[4096];
	uint8_t *buf = len <= sizeof(stack) ? stack : malloc(len);
	if (buf == NULL) {
		ld_err("api: out of memory answering a client");
		return;
	}
	ld__response__pack(r, buf);
	ld_apiout_send(n, rid, buf, len);
	if (buf != stack)
		free(buf);
}

void
ld_reply_error(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
               Ld__Code code, const char *err)
{
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	r.code = code;
	r.error = (char *)err;
	ld_reply(n, rid, &r);
}
