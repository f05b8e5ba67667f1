/* answers.c — the roll-up answers (progress, inbox) kept while the store
 * has not changed: the same question at the same store generation
 * (ld_store_generation) gets the same bytes without gathering and
 * computing again. Any committed write, own or a peer's, moves the
 * generation and so retires every kept answer; nothing else is needed to
 * keep them true. */
#include "log.h"
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

/* How many answers are kept, and the largest one kept. */
#define ANSWERS 16
#define ANSWER_MAX (256u << 10)

struct answer {
	uint64_t gen;
	int field;             /* the Response field: 14 progress, 15 inbox */
	char key[LD_ID_MAX + 32];
	uint8_t *body;         /* the packed sub-message */
	size_t len;
};

struct ld_answers {
	struct answer a[ANSWERS];
	unsigned next;         /* the slot to reuse next */
};

void
ld_answers_free(struct ld_answers **p)
{
	struct ld_answers *c = *p;
	if (c == NULL)
		return;
	for (size_t i = 0; i < ANSWERS; i++)
		free(c->a[i].body);
	free(c);
	*p = NULL;
}

static struct answer *
lookup(struct ld_node *n, int field, const char *key)
{
	struct ld_answers *c = n->answers;
	if (c == NULL)
		return NULL;
	uint64_t gen = ld_store_generation(n->st);
	for (size_t i = 0; i < ANSWERS; i++) {
		struct answer *e = &c->a[i];
		if (e->body != NULL && e->gen == gen && e->field == field &&
		    strcmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

/* Send Response{req_id, <field> = body}: a packed message is the
 * concatenation of its fields, so the kept sub-message is appended to
 * the packed envelope as it is. */
static void
send_with(struct ld_node *n, const struct ld_rid *rid, uint64_t req_id,
          int field, const uint8_t *body, size_t len)
{
	Ld__Response r = LD__RESPONSE__INIT;
	r.req_id = req_id;
	size_t hl = ld__response__get_packed_size(&r);
	uint8_t *buf = malloc(hl + 11 + len);
	if (buf == NULL) {
		ld_err("api: out of memory answering a client");
		return;
	}
	size_t k = ld__response__pack(&r, buf);
	buf[k++] = (uint8_t)((unsigned)field << 3 | 2); /* length-delimited */
	for (uint64_t v = len;; v >>= 7) {
		buf[k++] = (uint8_t)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
		if (v < 0x80)
			break;
	}
	memcpy(buf + k, body, len);
	ld_apiout_send(n, rid, buf, k + len);
	free(buf);
}

bool
ld_answers_reply(struct ld_node *n, const struct ld_rid *rid,
                 uint64_t req_id, int field, const char *key)
{
	const struct answer *e = lookup(n, field, key);
	if (e == NULL)
		return false;
	send_with(n, rid, req_id, field, e->body, e->len);
	return true;
}

void
ld_answers_put_reply(struct ld_node *n, const struct ld_rid *rid,
                     uint64_t req_id, int field, const char *key,
                     const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *body = malloc(len ? len : 1);
	if (body == NULL) {
		ld_err("api: out of memory answering a client");
		return;
	}
	protobuf_c_message_pack(m, body);
	send_with(n, rid, req_id, field, body, len);
	if (n->answers == NULL)
		n->answers = calloc(1, sizeof(*n->answers));
	struct ld_answers *c = n->answers;
	if (c == NULL || len > ANSWER_MAX ||
	    strlen(key) >= sizeof(c->a[0].key)) {
		free(body);
		return;
	}
	struct answer *e = &c->a[c->next];
	c->next = (c->next + 1) % ANSWERS;
	free(e->body);
	e->gen = ld_store_generation(n->st);
	e->field = field;
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->body = body;
	e->len = len;
}
