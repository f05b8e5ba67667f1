/* pbjson.c — protobuf messages and records as JSON, driven by the
 * descriptors so new fields show up without code here: the CLI's --json and
 * export, and liandong-web's HTTP API, write the same shapes. */
#include "pbjson.h"
#include "json.h"
#include "pb.h"
#include "record.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void
hex(struct ld_buf *b, const uint8_t *p, size_t n)
{
	ld_buf_put(b, "\"", 1);
	for (size_t i = 0; i < n; i++)
		ld_buf_printf(b, "%02x", p[i]);
	ld_buf_put(b, "\"", 1);
}

/* Enum values read better without their prefix: KIND_TASK -> "task". */
void
ld_json_enum_name(struct ld_buf *b, const ProtobufCEnumDescriptor *d, int v)
{
	const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(d, v);
	if (ev == NULL) {
		ld_buf_printf(b, "%d", v);
		return;
	}
	const char *n = ev->name, *u = strchr(n, '_');
	if (u != NULL)
		n = u + 1;
	char tmp[64];
	size_t i = 0;
	for (; n[i] && i < sizeof(tmp) - 1; i++)
		tmp[i] = (char)tolower((unsigned char)n[i]);
	tmp[i] = '\0';
	ld_json_put_string(b, tmp);
}

void
ld_json_field_value(struct ld_buf *b, const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		ld_json_put_string(b, *(char *const *)p ? *(char *const *)p : "");
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *d = p;
		hex(b, d->data, d->len);
		break;
	}
	case PROTOBUF_C_TYPE_BOOL:
		ld_buf_puts(b, *(const protobuf_c_boolean *)p ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		ld_buf_printf(b, "%" PRId32, *(const int32_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		ld_buf_printf(b, "%" PRIu32, *(const uint32_t *)p);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		ld_buf_printf(b, "%" PRId64, *(const int64_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT64:
		ld_buf_printf(b, "%" PRIu64, *(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FIXED64:
		/* Epochs and sessions: random 64-bit, beyond JSON's exact
		 * integers, so written as hex. */
		ld_buf_printf(b, "\"%016" PRIx64 "\"", *(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		ld_json_put_number(b, *(const float *)p);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		ld_json_put_number(b, *(const double *)p);
		break;
	case PROTOBUF_C_TYPE_ENUM:
		ld_json_enum_name(b, f->descriptor, *(const int *)p);
		break;
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;
		if (m == NULL)
			ld_buf_puts(b, "null");
		else
			ld_json_message(b, m);
		break;
	}
	}
}

/* Write the fields of m as `"name": value` pairs (no braces). `first`
 * tracks the comma. Oneof members not chosen are skipped. */
static void
json_fields(struct ld_buf *b, const ProtobufCMessage *m, bool *first)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m + f->offset;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which = *(const uint32_t *)((const char *)m +
			                                     f->quantifier_offset);
			if (which != f->id)
				continue;
		}
		ld_buf_puts(b, *first ? "" : ", ");
		*first = false;
		ld_json_put_string(b, f->name);
		ld_buf_puts(b, ": ");
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t cnt = *(const size_t *)((const char *)m +
			                               f->quantifier_offset);
			const char *arr = *(const char *const *)base;
			ld_buf_puts(b, "[");
			for (size_t k = 0; k < cnt; k++) {
				if (k)
					ld_buf_puts(b, ", ");
				ld_json_field_value(b, f, arr + k * ld_pb_elem_size(f->type));
			}
			ld_buf_puts(b, "]");
		} else {
			ld_json_field_value(b, f, base);
		}
	}
}

void
ld_json_message(struct ld_buf *b, const ProtobufCMessage *m)
{
	bool first = true;
	ld_buf_puts(b, "{");
	json_fields(b, m, &first);
	ld_buf_puts(b, "}");
}

void
ld_format_time(char *buf, size_t len, int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}


void
ld_json_record(struct ld_buf *b, const Ld__Record *r)
{
	char when[40];
	ld_format_time(when, sizeof(when), r->updated_at);
	ld_buf_puts(b, "{\"id\": ");
	ld_json_put_string(b, r->id);
	ld_buf_printf(b, ", \"kind\": \"%s\", \"owner\": ",
	              ld_kind_name(r->kind));
	ld_json_put_string(b, r->owner);
	ld_buf_printf(b, ", \"version\": %" PRIu64 ", \"scope\": [", r->version);
	for (size_t i = 0; i < r->n_scope; i++) {
		if (i)
			ld_buf_puts(b, ", ");
		ld_json_put_string(b, r->scope[i]);
	}
	ld_buf_printf(b, "], \"updated_at\": \"%s\", \"author\": ", when);
	ld_json_put_string(b, r->author != NULL ? r->author : "");
	ld_buf_printf(b, ", \"deleted\": %s", r->deleted ? "true" : "false");
	const ProtobufCMessage *m = ld_record_body(r);
	if (m != NULL) {
		bool first = false;
		json_fields(b, m, &first);
	}
	ld_buf_puts(b, "}");
}
