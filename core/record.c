/* record.c — record ids, kinds and structural checks on the envelope and
 * every string inside a record. Pure. */
#include "record.h"
#include "attach.h"
#include "err.h"
#include "path.h"
#include "text.h"
#include "users.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Strings are short unless named here. */
#define SHORT_MAX 1024
#define LONG_MAX_ 65536
#define LIST_MAX 256

static const struct {
	Ld__Kind kind;
	const char *name, *label, *alt;
} kinds[] = {
	{LD__KIND__KIND_NODE, "node", "节点", NULL},
	{LD__KIND__KIND_PLAN, "plan", "协商计划", "计划"},
	{LD__KIND__KIND_SURVEY, "survey", "调研", "联合调研"},
	{LD__KIND__KIND_TASK, "task", "民主监督任务", "任务"},
	{LD__KIND__KIND_RESULT, "result", "成果", "上报"},
	{LD__KIND__KIND_REVIEW, "review", "审核", "反馈"},
	{LD__KIND__KIND_PROPOSAL, "proposal", "提案", NULL},
	{LD__KIND__KIND_REPORT, "report", "报表", NULL},
	{LD__KIND__KIND_OPINION, "opinion", "社情民意", "社情民意信息"},
	{LD__KIND__KIND_OPINION_ACTION, "opinion-action", "社情民意处理",
	 NULL},
	{LD__KIND__KIND_MEMBER, "member", "委员", NULL},
	{LD__KIND__KIND_DUTY, "duty", "履职记录", "履职"},
	{LD__KIND__KIND_HEALTH, "health", "运行状况", NULL},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *
ld_kind_name(Ld__Kind k)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return "?";
}

const char *
ld_kind_label(Ld__Kind k)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == k)
			return kinds[i].label;
	return "?";
}

Ld__Kind
ld_kind_parse(const char *s)
{
	if (s == NULL)
		return LD__KIND__KIND_UNSPECIFIED;
	for (size_t i = 0; i < NKINDS; i++) {
		if (strcasecmp(s, kinds[i].name) == 0 ||
		    strcmp(s, kinds[i].label) == 0 ||
		    (kinds[i].alt != NULL && strcmp(s, kinds[i].alt) == 0))
			return kinds[i].kind;
	}
	return LD__KIND__KIND_UNSPECIFIED;
}

Ld__Kind
ld_kind_of_body(Ld__Record__BodyCase c)
{
	switch (c) {
	case LD__RECORD__BODY_NODE:
		return LD__KIND__KIND_NODE;
	case LD__RECORD__BODY_PLAN:
		return LD__KIND__KIND_PLAN;
	case LD__RECORD__BODY_SURVEY:
		return LD__KIND__KIND_SURVEY;
	case LD__RECORD__BODY_TASK:
		return LD__KIND__KIND_TASK;
	case LD__RECORD__BODY_RESULT:
		return LD__KIND__KIND_RESULT;
	case LD__RECORD__BODY_REVIEW:
		return LD__KIND__KIND_REVIEW;
	case LD__RECORD__BODY_PROPOSAL:
		return LD__KIND__KIND_PROPOSAL;
	case LD__RECORD__BODY_REPORT:
		return LD__KIND__KIND_REPORT;
	case LD__RECORD__BODY_OPINION:
		return LD__KIND__KIND_OPINION;
	case LD__RECORD__BODY_OPINION_ACTION:
		return LD__KIND__KIND_OPINION_ACTION;
	case LD__RECORD__BODY_MEMBER:
		return LD__KIND__KIND_MEMBER;
	case LD__RECORD__BODY_DUTY:
		return LD__KIND__KIND_DUTY;
	case LD__RECORD__BODY_HEALTH:
		return LD__KIND__KIND_HEALTH;
	default:
		return LD__KIND__KIND_UNSPECIFIED;
	}
}

size_t
ld_id_owner_len(const char *id)
{
	if (id == NULL)
		return 0;
	const char *colon = strrchr(id, ':');
	if (colon == NULL || colon == id)
		return 0;
	const char *d = colon + 1;
	size_t nd = strlen(d);
	if (nd == 0 || nd > 20)
		return 0;
	for (size_t i = 0; i < nd; i++)
		if (d[i] < '0' || d[i] > '9')
			return 0;
	if (nd > 1 && d[0] == '0')
		return 0;
	/* 2^53 has 16 digits. */
	if (nd > 16 || strtoull(d, NULL, 10) > LD_NUM_MAX)
		return 0;
	size_t ol = (size_t)(colon - id);
	return ld_path_valid_n(id, ol, NULL) ? ol : 0;
}

uint64_t
ld_id_counter(const char *id)
{
	const char *colon = strrchr(id, ':');
	return colon == NULL ? 0 : strtoull(colon + 1, NULL, 10);
}

void
ld_id_format(char *buf, size_t len, const char *owner, uint64_t n)
{
	snprintf(buf, len, "%s:%" PRIu64, owner, n);
}

static size_t
string_limit(const char *field)
{
	static const char *const longs[] = {"summary", "comment", "findings",
	                                    "content", NULL};
	for (int i = 0; longs[i] != NULL; i++)
		if (strcmp(field, longs[i]) == 0)
			return LONG_MAX_;
	return SHORT_MAX;
}

/* Entries a repeated field may hold: a report's inputs name every record
 * behind its figures (bounded by LD_RECORD_MAX), the rest LIST_MAX. */
static size_t
list_limit(const char *field)
{
	return strcmp(field, "inputs") == 0 ? LD_RECORD_MAX / 8 : LIST_MAX;
}

/* Walk every field of `m` through its descriptor: strings must be UTF-8
 * within their limit, repeated fields within LIST_MAX. */
static int
check_message(const ProtobufCMessage *m, const char *path, char *err,
              size_t errlen)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m + f->offset;
		/* A oneof member that is not the chosen one holds nothing. */
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which =
			    *(const uint32_t *)((const char *)m +
			                        f->quantifier_offset);
			if (which != f->id)
				continue;
		}
		size_t count = 1;
		const void *items = base;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)((const char *)m +
			                          f->quantifier_offset);
			items = *(void *const *)base;
			if (count > list_limit(f->name)) {
				snprintf(err, errlen,
				         "%s%s: more than %zu entries", path,
				         f->name, list_limit(f->name));
				return LD_ELIMIT;
			}
		}
		for (size_t k = 0; k < count; k++) {
			if (f->type == PROTOBUF_C_TYPE_STRING) {
				const char *s = ((char *const *)items)[k];
				if (s == NULL)
					continue;
				size_t n = strlen(s);
				if (n > string_limit(f->name)) {
					snprintf(err, errlen,
					         "%s%s: longer than %zu bytes",
					         path, f->name,
					         string_limit(f->name));
					return LD_ELIMIT;
				}
				int bad = ld_text_check(s, n, NULL);
				if (bad != 0) {
					snprintf(err, errlen, "%s%s: %s", path,
					         f->name, ld_strerror(bad));
					return bad;
				}
			} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				const ProtobufCMessage *sub =
				    ((const ProtobufCMessage *const *)items)[k];
				if (sub == NULL)
					continue;
				char sub_path[128];
				snprintf(sub_path, sizeof(sub_path), "%s%s.", path,
				         f->name);
				int rc = check_message(sub, sub_path, err,
				                       errlen);
				if (rc != 0)
					return rc;
			}
		}
	}
	return 0;
}

const ProtobufCMessage *
ld_record_body(const Ld__Record *r)
{
	switch (r->body_case) {
	case LD__RECORD__BODY_NODE:
		return &r->node->base;
	case LD__RECORD__BODY_PLAN:
		return &r->plan->base;
	case LD__RECORD__BODY_SURVEY:
		return &r->survey->base;
	case LD__RECORD__BODY_TASK:
		return &r->task->base;
	case LD__RECORD__BODY_RESULT:
		return &r->result->base;
	case LD__RECORD__BODY_REVIEW:
		return &r->review->base;
	case LD__RECORD__BODY_PROPOSAL:
		return &r->proposal->base;
	case LD__RECORD__BODY_REPORT:
		return &r->report->base;
	case LD__RECORD__BODY_OPINION:
		return &r->opinion->base;
	case LD__RECORD__BODY_OPINION_ACTION:
		return &r->opinion_action->base;
	case LD__RECORD__BODY_MEMBER:
		return &r->member->base;
	case LD__RECORD__BODY_DUTY:
		return &r->duty->base;
	case LD__RECORD__BODY_HEALTH:
		return &r->health->base;
	default:
		return NULL;
	}
}

int
ld_record_check(const Ld__Record *r, size_t wire_len, char *err,
                size_t errlen)
{
	const char *why = NULL;
	size_t ol = ld_id_owner_len(r->id);
	if (ol == 0) {
		snprintf(err, errlen, "id: not of the form PATH:NUMBER");
		return LD_ESYNTAX;
	}
	if (!ld_path_valid(r->owner, &why)) {
		snprintf(err, errlen, "owner: %s", why);
		return LD_ESYNTAX;
	}
	if (strlen(r->owner) != ol || memcmp(r->owner, r->id, ol) != 0) {
		snprintf(err, errlen, "id: does not belong to owner %s",
		         r->owner);
		return LD_ESYNTAX;
	}
	if (r->kind == LD__KIND__KIND_UNSPECIFIED ||
	    ld_kind_of_body(r->body_case) != r->kind) {
		snprintf(err, errlen, "kind: does not match the record body");
		return LD_ESYNTAX;
	}
	if (r->version == 0 || r->version > LD_NUM_MAX) {
		snprintf(err, errlen, "version: must be 1 to 2^53");
		return LD_ESYNTAX;
	}
	/* Counter 0 is a node's own NODE record, and only that: anything else
	 * there would take the NODE record's place and break the key chain. */
	if ((ld_id_counter(r->id) == 0) != (r->kind == LD__KIND__KIND_NODE)) {
		snprintf(err, errlen, "id: counter 0 is for a node record "
		         "(and a node record's id is PATH:0)");
		return LD_ESYNTAX;
	}
	if (r->n_scope > LD_SCOPE_MAX) {
		snprintf(err, errlen, "scope: more than %d entries",
		         LD_SCOPE_MAX);
		return LD_ELIMIT;
	}
	for (size_t i = 0; i < r->n_scope; i++) {
		if (!ld_path_valid(r->scope[i], &why)) {
			snprintf(err, errlen, "scope: %s", why);
			return LD_ESYNTAX;
		}
	}
	/* Its full rule is ld_validate_author's, for what this node writes;
	 * the bound holds for every record, so a history entry stays small. */
	if (r->author != NULL && strlen(r->author) > LD_USER_NAME_MAX) {
		snprintf(err, errlen, "author: longer than %d bytes",
		         LD_USER_NAME_MAX);
		return LD_ELIMIT;
	}
	int rc = check_message(&r->base, "", err, errlen);
	if (rc != 0)
		return rc;
	if (r->body_case == LD__RECORD__BODY_RESULT) {
		const Ld__Result *res = r->result;
		if (res->n_attachments > LD_ATTACH_PER_RESULT) {
			snprintf(err, errlen, "attachments: %zu, at most %d "
			         "per result", res->n_attachments,
			         LD_ATTACH_PER_RESULT);
			return LD_ELIMIT;
		}
		for (size_t i = 0; i < res->n_attachments; i++)
			if ((rc = ld_attach_check(res->attachments[i], i, err,
			                          errlen)) != 0)
				return rc;
	}
	if (wire_len != 0 &&
	    protobuf_c_message_get_packed_size(&r->base) != wire_len) {
		snprintf(err, errlen, "record: not canonically encoded");
		return LD_ESYNTAX;
	}
	return 0;
}

/* The set of live blocks: open addressing on the pointer's bits. */
static size_t
slot_of(const struct ld_budget *b, const void *p)
{
	uintptr_t h = (uintptr_t)p;
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15u;
	return (size_t)(h >> 7) & (b->cap - 1);
}

static int
live_add(struct ld_budget *b, void *p)
{
	if (2 * (b->n + 1) > b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		void **old = b->live, **fresh = calloc(cap, sizeof(*fresh));
		if (fresh == NULL)
			return -ENOMEM;
		size_t oldcap = b->cap;
		b->live = fresh;
		b->cap = cap;
		for (size_t i = 0; i < oldcap; i++) {
			if (old[i] == NULL)
				continue;
			size_t k = slot_of(b, old[i]);
			while (b->live[k] != NULL)
				k = (k + 1) & (b->cap - 1);
			b->live[k] = old[i];
		}
		free(old);
	}
	size_t k = slot_of(b, p);
	while (b->live[k] != NULL)
		k = (k + 1) & (b->cap - 1);
	b->live[k] = p;
	b->n++;
	return 0;
}

static void
live_remove(struct ld_budget *b, void *p)
{
	if (b->cap == 0)
		return;
	size_t k = slot_of(b, p);
	while (b->live[k] != NULL && b->live[k] != p)
		k = (k + 1) & (b->cap - 1);
	if (b->live[k] == NULL)
		return;
	b->live[k] = NULL;
	b->n--;
	/* Put back the run after the hole, so lookups still find it. */
	for (size_t j = (k + 1) & (b->cap - 1); b->live[j] != NULL;
	     j = (j + 1) & (b->cap - 1)) {
		void *q = b->live[j];
		b->live[j] = NULL;
		size_t m = slot_of(b, q);
		while (b->live[m] != NULL)
			m = (m + 1) & (b->cap - 1);
		b->live[m] = q;
	}
}

static void *
budget_alloc(void *data, size_t size)
{
	struct ld_budget *b = data;
	if (size > b->limit - b->used)
		return NULL;
	void *p = malloc(size ? size : 1);
	if (p == NULL)
		return NULL;
	if (live_add(b, p) != 0) {
		free(p);
		return NULL;
	}
	b->used += size;
	return p;
}

static void
budget_free(void *data, void *p)
{
	if (p == NULL)
		return;
	live_remove(data, p);
	free(p);
}

bool
ld_record_canonical(const Ld__Record *r, const uint8_t *buf, size_t len)
{
	if (ld__record__get_packed_size(r) != len)
		return false;
	uint8_t *again = malloc(len ? len : 1);
	if (again == NULL)
		return false;
	ld__record__pack(r, again);
	bool same = memcmp(again, buf, len) == 0;
	free(again);
	return same;
}

ProtobufCAllocator *
ld_unpack_budget(struct ld_budget *b, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->a.alloc = budget_alloc;
	b->a.free = budget_free;
	b->a.allocator_data = b;
	/* Structs and strings of a message take a few times its encoding;
	 * the fixed part covers small messages' structs. */
	b->limit = 4 * len + 65536;
	return &b->a;
}

void
ld_budget_end(struct ld_budget *b, bool ok)
{
	for (size_t i = 0; !ok && i < b->cap; i++)
		free(b->live[i]);
	free(b->live);
	b->live = NULL;
	b->cap = b->n = 0;
}

Ld__Record *
ld_record_unpack(const void *buf, size_t len)
{
	if (len > LD_RECORD_MAX)
		return NULL;
	struct ld_budget b;
	Ld__Record *r = ld__record__unpack(ld_unpack_budget(&b, len), len, buf);
	ld_budget_end(&b, r != NULL);
	return r;
}

/* A base-128 varint at buf[*at], at most 10 bytes. */
static bool
peek_varint(const uint8_t *buf, size_t len, size_t *at, uint64_t *v)
{
	*v = 0;
	for (unsigned shift = 0; shift < 70 && *at < len; shift += 7) {
		uint8_t b = buf[(*at)++];
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
	}
	return false;
}

Ld__Kind
ld_record_peek_kind(const uint8_t *buf, size_t len)
{
	/* Field 1 (id), length-delimited: tag 0x0a; field 2 (kind), a
	 * varint: tag 0x10. */
	size_t at = 1;
	uint64_t v;
	if (len < 2 || buf[0] != 0x0a || !peek_varint(buf, len, &at, &v) ||
	    v >= len - at)
		return LD__KIND__KIND_UNSPECIFIED;
	at += (size_t)v;
	if (buf[at++] != 0x10 || !peek_varint(buf, len, &at, &v) ||
	    v > LD__KIND__KIND_REPORT)
		return LD__KIND__KIND_UNSPECIFIED;
	return (Ld__Kind)v;
}

uint8_t *
ld_record_pack(const Ld__Record *r, size_t *len)
{
	size_t n = ld__record__get_packed_size(r);
	uint8_t *buf = malloc(n == 0 ? 1 : n);
	if (buf == NULL)
		return NULL;
	*len = ld__record__pack(r, buf);
	return buf;
}

void
ld_record_flow(const Ld__Record *r, struct ld_flow_rec *fr,
               struct ld_str *scope)
{
	fr->owner.p = r->owner;
	fr->owner.n = strlen(r->owner);
	for (size_t i = 0; i < r->n_scope; i++) {
		scope[i].p = r->scope[i];
		scope[i].n = strlen(r->scope[i]);
	}
	fr->scope = scope;
	fr->nscope = r->n_scope;
}

const char *
ld_record_ref(const Ld__Record *r)
{
	const char *ref = NULL;
	switch (r->body_case) {
	case LD__RECORD__BODY_RESULT:
		ref = r->result->ref;
		break;
	case LD__RECORD__BODY_REVIEW:
		ref = r->review->ref;
		break;
	case LD__RECORD__BODY_TASK:
		ref = r->task->parent;
		break;
	case LD__RECORD__BODY_OPINION_ACTION:
		ref = r->opinion_action->ref;
		break;
	case LD__RECORD__BODY_DUTY:
		ref = r->duty->ref;
		break;
	default:
		break;
	}
	return ref != NULL && ref[0] != '\0' ? ref : NULL;
}

const char *
ld_record_status(const Ld__Record *r)
{
	switch (r->body_case) {
	case LD__RECORD__BODY_SURVEY:
		return r->survey->status;
	case LD__RECORD__BODY_TASK:
		return r->task->status;
	case LD__RECORD__BODY_RESULT:
		return r->result->status;
	case LD__RECORD__BODY_REVIEW:
		return r->review->verdict;
	case LD__RECORD__BODY_PROPOSAL:
		return r->proposal->status;
	case LD__RECORD__BODY_NODE:
		return r->node->level;
	case LD__RECORD__BODY_OPINION_ACTION:
		return r->opinion_action->action;
	case LD__RECORD__BODY_MEMBER:
		return r->member->status;
	default:
		return "";
	}
}
