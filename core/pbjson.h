/* pbjson.h — protobuf messages and records as JSON, the one writer of the
 * shapes scripts read: 'liandong show/list/export --json' and the HTTP API
 * of liandong-web (docs/http-api.md). Pure: appends to a buffer. */
#ifndef LD_PBJSON_H
#define LD_PBJSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "liandong.pb-c.h"

/* A record as one JSON object: the envelope (id, kind, owner, version,
 * scope, updated_at, author, deleted) and its body's fields side by side
 * (the shape ld_jsonrec_read reads back). */
void ld_json_record(struct ld_buf *b, const Ld__Record *r);
/* Any message as a JSON object, field by field. */
void ld_json_message(struct ld_buf *b, const ProtobufCMessage *m);

/* One field's value at `p` (bytes as hex, fixed64 as 16 hex digits in a
 * string, enums by name without their prefix, messages as objects). */
void ld_json_field_value(struct ld_buf *b, const ProtobufCFieldDescriptor *f,
                         const void *p);
/* An enum value's name without its prefix, lower case: KIND_TASK ->
 * "task" (quoted); a value the enum lacks as a bare number. */
void ld_json_enum_name(struct ld_buf *b, const ProtobufCEnumDescriptor *d,
                       int v);

/* "2026-11-23T07:12:01.123Z" for Unix milliseconds. */
void ld_format_time(char *buf, size_t len, int64_t ms);

#endif
