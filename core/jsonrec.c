/* jsonrec.c — JSON records to protobuf, driven by the message descriptors
 * as format.c's writer is, so a body field the schema gains is read back
 * without code here. json-c does the parsing (strict, UTF-8 checked). */
#include "jsonrec.h"
#include "err.h"
#include "pb.h"
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_DEPTH 16
#define JSON_LIST_MAX 4096

struct ctx {
	struct ld_batch *b;
	char *err;
	size_t errlen;
	size_t num;         /* the record's place in the file, from 1 */
	const char *old_id; /* its id there, or "" */
};

static int bad(struct ctx *cx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
bad(struct ctx *cx, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cx->old_id[0] != '\0')
		snprintf(cx->err, cx->errlen, "%s: record %zu (id %.300s): %s",
		         cx->b->file, cx->num, cx->old_id, msg);
	else
		snprintf(cx->err, cx->errlen, "%s: record %zu: %s", cx->b->file,
		         cx->num, msg);
	ld_oneline(cx->err);
	return LD_ESYNTAX;
}

/* Memory ran out: the one answer, as ld_jsonrec_read promises (the
 * console reads request bodies with this and must not exit). */
static int
oom(struct ctx *cx)
{
	snprintf(cx->err, cx->errlen, "out of memory");
	return -ENOMEM;
}

static const char *
type_name(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

static int fill(struct ctx *cx, ProtobufCMessage *m, json_object *obj,
                const char *path);

/* An integer within [lo, hi]. */
static int
integer(struct ctx *cx, json_object *v, const char *name, int64_t lo,
        int64_t hi, int64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return bad(cx, "%s: expected a whole number, not %s", name,
		           type_name(v));
	int64_t x = json_object_get_int64(v);
	if (x < lo || x > hi)
		return bad(cx, "%s: %" PRId64 " is out of range", name, x);
	*out = x;
	return 0;
}

static int
hex_bytes(struct ctx *cx, const char *s, size_t n, const char *name,
          ProtobufCBinaryData *out)
{
	if (n % 2 != 0)
		return bad(cx, "%s: expected hex digits", name);
	uint8_t *p = calloc(n / 2 + 1, 1);
	if (p == NULL)
		return oom(cx);
	for (size_t i = 0; i < n; i += 2) {
		unsigned v;
		char two[3] = {s[i], s[i + 1], '\0'};
		if (strspn(two, "0123456789abcdefABCDEF") != 2 ||
		    sscanf(two, "%x", &v) != 1) {
			free(p);
			return bad(cx, "%s: expected hex digits", name);
		}
		p[i / 2] = (uint8_t)v;
	}
	out->data = p;
	out->len = n / 2;
	return 0;
}

/* Store JSON value `v` for field `f` at `dst`. `cnt`, for a list, is
 * raised as soon as the slot holds something the message's free
 * function can free, so a failure part-way leaks nothing. */
static int
set_value(struct ctx *cx, const ProtobufCFieldDescriptor *f, void *dst,
          json_object *v, const char *name, size_t *cnt)
{
	int64_t x = 0;
	int rc = 0;
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		if (!json_object_is_type(v, json_type_string))
			return bad(cx, "%s: expected a string, not %s", name,
			           type_name(v));
		const char *s = json_object_get_string(v);
		size_t n = (size_t)json_object_get_string_len(v);
		if (memchr(s, '\0', n) != NULL)
			return bad(cx, "%s: holds a NUL character", name);
		if ((*(char **)dst = strndup(s, n)) == NULL)
			return oom(cx);
		break;
	}
	case PROTOBUF_C_TYPE_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return bad(cx, "%s: expected true or false, not %s",
			           name, type_name(v));
		*(protobuf_c_boolean *)dst = json_object_get_boolean(v);
		break;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if ((rc = integer(cx, v, name, INT32_MIN, INT32_MAX, &x)) == 0)
			*(int32_t *)dst = (int32_t)x;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if ((rc = integer(cx, v, name, 0, UINT32_MAX, &x)) == 0)
			*(uint32_t *)dst = (uint32_t)x;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		if ((rc = integer(cx, v, name, INT64_MIN, INT64_MAX, &x)) == 0)
			*(int64_t *)dst = x;
		break;
	case PROTOBUF_C_TYPE_UINT64:
		if ((rc = integer(cx, v, name, 0, INT64_MAX, &x)) == 0)
			*(uint64_t *)dst = (uint64_t)x;
		break;
	case PROTOBUF_C_TYPE_FIXED64: {
		/* format.c writes these as 16 hex digits. */
		const char *s = json_object_is_type(v, json_type_string)
		                    ? json_object_get_string(v)
		                    : "";
		if (strlen(s) != 16 ||
		    strspn(s, "0123456789abcdefABCDEF") != 16)
			return bad(cx, "%s: expected 16 hex digits", name);
		*(uint64_t *)dst = strtoull(s, NULL, 16);
		break;
	}
	case PROTOBUF_C_TYPE_FLOAT:
	case PROTOBUF_C_TYPE_DOUBLE: {
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return bad(cx, "%s: expected a number, not %s", name,
			           type_name(v));
		double d = json_object_get_double(v);
		if (f->type == PROTOBUF_C_TYPE_FLOAT)
			*(float *)dst = (float)d;
		else
			*(double *)dst = d;
		break;
	}
	case PROTOBUF_C_TYPE_BYTES:
		if (!json_object_is_type(v, json_type_string))
			return bad(cx, "%s: expected hex digits, not %s", name,
			           type_name(v));
		rc =
		    hex_bytes(cx, json_object_get_string(v),
		              (size_t)json_object_get_string_len(v), name, dst);
		break;
	case PROTOBUF_C_TYPE_MESSAGE: {
		if (!json_object_is_type(v, json_type_object))
			return bad(cx, "%s: expected an object, not %s", name,
			           type_name(v));
		const ProtobufCMessageDescriptor *d = f->descriptor;
		ProtobufCMessage *sub = calloc(1, d->sizeof_message);
		if (sub == NULL)
			return oom(cx);
		d->message_init(sub);
		*(ProtobufCMessage **)dst = sub;
		if (cnt != NULL)
			(*cnt)++;
		return fill(cx, sub, v, name);
	}
	default:
		return bad(cx, "%s: cannot be imported", name);
	}
	if (rc == 0 && cnt != NULL)
		(*cnt)++;
	return rc;
}

static int
set_field(struct ctx *cx, ProtobufCMessage *m,
          const ProtobufCFieldDescriptor *f, json_object *v, const char *name)
{
	char *base = (char *)m + f->offset;
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return bad(cx, "%s: cannot be imported", name);
	if (json_object_is_type(v, json_type_null))
		return 0;
	if (f->label != PROTOBUF_C_LABEL_REPEATED) {
		if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
		    f->quantifier_offset != 0)
			*(protobuf_c_boolean *)((char *)m +
			                        f->quantifier_offset) = 1;
		return set_value(cx, f, base, v, name, NULL);
	}
	if (!json_object_is_type(v, json_type_array))
		return bad(cx, "%s: expected a list, not %s", name,
		           type_name(v));
	size_t n = json_object_array_length(v);
	if (n > JSON_LIST_MAX)
		return bad(cx, "%s: more than %d entries", name, JSON_LIST_MAX);
	if (n == 0)
		return 0; /* no array: validate.c gives an empty scope a new one
		           */
	size_t esz = ld_pb_elem_size(f->type);
	char *arr = calloc(n, esz);
	if (arr == NULL)
		return oom(cx);
	size_t *cnt = (size_t *)((char *)m + f->quantifier_offset);
	*(char **)base = arr;
	*cnt = 0;
	for (size_t k = 0; k < n; k++) {
		char item[160];
		snprintf(item, sizeof(item), "%s[%zu]", name, k + 1);
		int rc = set_value(cx, f, arr + k * esz,
		                   json_object_array_get_idx(v, k), item, cnt);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The fields of a nested message (a plan's items). */
static int
fill(struct ctx *cx, ProtobufCMessage *m, json_object *obj, const char *path)
{
	json_object_object_foreach(obj, key, val)
	{
		char name[200];
		snprintf(name, sizeof(name), "%s.%s", path, key);
		const ProtobufCFieldDescriptor *f =
		    protobuf_c_message_descriptor_get_field_by_name(
		        m->descriptor, key);
		if (f == NULL)
			return bad(cx, "%s: no such field", name);
		int rc = set_field(cx, m, f, val, name);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The kinds a node creates from a file, and where their bodies go; results
 * and reviews only when the batch asks for them (ld_batch.answers: the
 * HTTP API creates one record as a person writes it, not a whole export). */
static const struct {
	Ld__Kind kind;
	Ld__Record__BodyCase body;
	const ProtobufCMessageDescriptor *desc;
	size_t off;
	bool answer;
} bodies[] = {
    {LD__KIND__KIND_PLAN, LD__RECORD__BODY_PLAN, &ld__plan__descriptor,
     offsetof(Ld__Record, plan)},
    {LD__KIND__KIND_SURVEY, LD__RECORD__BODY_SURVEY, &ld__survey__descriptor,
     offsetof(Ld__Record, survey)},
    {LD__KIND__KIND_TASK, LD__RECORD__BODY_TASK, &ld__task__descriptor,
     offsetof(Ld__Record, task)},
    {LD__KIND__KIND_PROPOSAL, LD__RECORD__BODY_PROPOSAL,
     &ld__proposal__descriptor, offsetof(Ld__Record, proposal)},
    {LD__KIND__KIND_MEMBER, LD__RECORD__BODY_MEMBER, &ld__member__descriptor,
     offsetof(Ld__Record, member)},
    {LD__KIND__KIND_DUTY, LD__RECORD__BODY_DUTY, &ld__duty__descriptor,
     offsetof(Ld__Record, duty)},
    {LD__KIND__KIND_OPINION, LD__RECORD__BODY_OPINION, &ld__opinion__descriptor,
     offsetof(Ld__Record, opinion)},
    {LD__KIND__KIND_OPINION_ACTION, LD__RECORD__BODY_OPINION_ACTION,
     &ld__opinion_action__descriptor, offsetof(Ld__Record, opinion_action)},
    {LD__KIND__KIND_RESULT, LD__RECORD__BODY_RESULT, &ld__result__descriptor,
     offsetof(Ld__Record, result), true},
    {LD__KIND__KIND_REVIEW, LD__RECORD__BODY_REVIEW, &ld__review__descriptor,
     offsetof(Ld__Record, review), true},
};

static bool
envelope_key(const char *k)
{
	static const char *const keys[] = {
	    "id",      "kind", "owner",  "version", "updated_at",
	    "deleted", "sig",  "seal",   "author",  NULL};
	for (size_t i = 0; keys[i] != NULL; i++)
		if (strcmp(k, keys[i]) == 0)
			return true;
	return false;
}

static int
read_record(struct ctx *cx, json_object *o)
{
	cx->old_id = "";
	if (!json_object_is_type(o, json_type_object))
		return bad(cx, "expected an object, not %s", type_name(o));
	json_object *v;
	if (json_object_object_get_ex(o, "id", &v) &&
	    json_object_is_type(v, json_type_string))
		cx->old_id = json_object_get_string(v);
	if (json_object_object_get_ex(o, "deleted", &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v)) {
		cx->b->skipped++;
		return 0;
	}
	if (!json_object_object_get_ex(o, "kind", &v) ||
	    !json_object_is_type(v, json_type_string))
		return bad(cx, "kind: required (plan, survey, task, proposal, "
		               "member, duty, opinion or opinion-action)");
	Ld__Kind k = ld_kind_parse(json_object_get_string(v));
	size_t bi = 0;
	while (bi < sizeof(bodies) / sizeof(bodies[0]) &&
	       (bodies[bi].kind != k || (bodies[bi].answer && !cx->b->answers)))
		bi++;
	/* A kind the node makes for itself (results, reviews, reports: a
	 * whole export holds them) is skipped and counted; the summary
	 * says so. A kind unheard of is an error. */
	if (bi == sizeof(bodies) / sizeof(bodies[0]) &&
	    k != LD__KIND__KIND_UNSPECIFIED && (size_t)k < LD_BATCH_KINDS) {
		cx->b->other[k]++;
		return 0;
	}
	if (bi == sizeof(bodies) / sizeof(bodies[0]))
		return bad(cx,
		           "kind: a '%.32s' record cannot be %s "
		           "(plan, survey, task, proposal, member, duty, "
		           "opinion%s can)",
		           json_object_get_string(v),
		           cx->b->answers ? "created" : "imported",
		           cx->b->answers
		               ? ", opinion-action, result and review"
		               : " and opinion-action");
	Ld__Record *r = calloc(1, sizeof(*r));
	ProtobufCMessage *body = calloc(1, bodies[bi].desc->sizeof_message);
	struct ld_batch_rec *e = NULL;
	if (r == NULL || body == NULL) {
		free(r);
		free(body);
		return oom(cx);
	}
	ld__record__init(r);
	bodies[bi].desc->message_init(body);
	r->body_case = bodies[bi].body;
	*(ProtobufCMessage **)((char *)r + bodies[bi].off) = body;
	if ((e = ld_batch_add(cx->b, r, cx->num)) == NULL) {
		ld__record__free_unpacked(r, NULL);
		return oom(cx);
	}
	if ((e->old_id = strdup(cx->old_id)) == NULL)
		return oom(cx);
	json_object_object_foreach(o, key, val)
	{
		if (envelope_key(key))
			continue;
		const ProtobufCFieldDescriptor *f;
		if (strcmp(key, "scope") == 0) {
			f = protobuf_c_message_descriptor_get_field_by_name(
			    &ld__record__descriptor, "scope");
			int rc = set_field(cx, &r->base, f, val, key);
			if (rc != 0)
				return rc;
			continue;
		}
		f = protobuf_c_message_descriptor_get_field_by_name(
		    bodies[bi].desc, key);
		if (f == NULL)
			return bad(cx, "%s: not a field of a %s record", key,
			           ld_kind_name(k));
		int rc = set_field(cx, body, f, val, key);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Line and column (in characters, from 1) of byte `off` of buf. */
static void
position(const char *buf, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
ld_jsonrec_read(const char *buf, size_t len, struct ld_batch *b, char *err,
                size_t errlen)
{
	b->csv = false;
	size_t start = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		start = 3;
	size_t first = start;
	while (first < len && blank(buf[first]))
		first++;
	if (first == len) {
		snprintf(err, errlen,
		         "%s:1: the file is empty (expected a "
		         "JSON array of records)",
		         b->file);
		return LD_ESYNTAX;
	}
	if (len - start > INT_MAX) {
		snprintf(err, errlen, "%s: too large", b->file);
		return LD_ELIMIT;
	}
	json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	if (tok == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	                                JSON_TOKENER_VALIDATE_UTF8);
	json_object *root =
	    json_tokener_parse_ex(tok, buf + start, (int)(len - start));
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t end = start + json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	size_t line, col;
	if (root == NULL) {
		if (je == json_tokener_continue)
			end = len;
		position(buf, end, &line, &col);
		snprintf(
		    err, errlen, "%s:%zu:%zu: not JSON: %s", b->file, line, col,
		    je == json_tokener_continue ? "it ends too early"
		                                : json_tokener_error_desc(je));
		return LD_ESYNTAX;
	}
	while (end < len && blank(buf[end]))
		end++;
	int rc = 0;
	if (end < len) {
		position(buf, end, &line, &col);
		snprintf(err, errlen,
		         "%s:%zu:%zu: not JSON: text after the "
		         "end",
		         b->file, line, col);
		rc = LD_ESYNTAX;
	} else if (json_object_is_type(root, json_type_array) ||
	           json_object_is_type(root, json_type_object)) {
		bool one = json_object_is_type(root, json_type_object);
		size_t n = one ? 1 : json_object_array_length(root);
		struct ctx cx = {.b = b, .err = err, .errlen = errlen};
		for (size_t i = 0; i < n && rc == 0; i++) {
			cx.num = i + 1;
			rc = read_record(
			    &cx,
			    one ? root : json_object_array_get_idx(root, i));
		}
	} else {
		snprintf(err, errlen,
		         "%s: expected an array of records (as "
		         "'liandong export --json' writes), not %s",
		         b->file, type_name(root));
		rc = LD_ESYNTAX;
	}
	json_object_put(root);
	return rc;
}
