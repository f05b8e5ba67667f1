/* record.h — the record envelope: ids, kinds, structural checks, packing.
 * Pure: no store, no sockets. */
#ifndef LD_RECORD_H
#define LD_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "path.h"
#include "liandong.pb-c.h"

/* Largest encoded record accepted anywhere (attachments travel apart). */
#define LD_RECORD_MAX (1u << 20)
/* Largest request on the client API (ZMQ_MAXMSGSIZE of api.sock): the
 * socket drops a larger one, unanswered. */
#define LD_API_MSG_MAX (2 * LD_RECORD_MAX)
/* Records in one AddManyRequest (and the request within LD_API_MSG_MAX). */
#define LD_ADD_MANY_MAX 10000
/* Scope entries per record. */
#define LD_SCOPE_MAX 64
/* Longest record id: a path, ':' and a 20-digit counter. */
#define LD_ID_MAX (LD_PATH_MAX + 22)
/* Id counters and versions stay at or below 2^53: nothing wraps around
 * (a bumped counter or version is always larger), and every one is an
 * exact number in JSON. A clock-seeded counter reaches this in 285,000
 * years. */
#define LD_NUM_MAX ((uint64_t)1 << 53)
/* How far one received version may jump ahead of the one held: owners
 * bump versions by one per write, so a large jump is an attack meant to
 * lock the record (nothing could supersede it). */
#define LD_VERSION_JUMP ((uint64_t)1 << 20)

/* The counter of a valid id (its digits after the last ':'). */
uint64_t ld_id_counter(const char *id);

/* Lower-case name of a kind ("task"), or "?" for an unknown one. */
const char *ld_kind_name(Ld__Kind k);
/* Chinese name of a kind ("民主监督任务"). */
const char *ld_kind_label(Ld__Kind k);
/* Parse "task" / "TASK" / "任务" ...; KIND_UNSPECIFIED if unknown. */
Ld__Kind ld_kind_parse(const char *s);

/* The kind a body case stands for. */
Ld__Kind ld_kind_of_body(Ld__Record__BodyCase c);
/* The body message of `r` (NULL if it has none). */
const ProtobufCMessage *ld_record_body(const Ld__Record *r);

/* If `id` is "<valid path>:<decimal counter>" with the counter at most
 * LD_NUM_MAX, the length of its owner part; otherwise 0. */
size_t ld_id_owner_len(const char *id);

/* Write "<owner>:<n>" into buf (LD_ID_MAX bytes). */
void ld_id_format(char *buf, size_t len, const char *owner, uint64_t n);

/* Structural check of a record from anywhere: the id names the owner, the
 * kind matches the body, version >= 1, scope entries are valid paths, every
 * string is valid UTF-8 within its length limit, counts within limits.
 * `wire_len`, if not 0, is the length it was decoded from: the encoding must
 * be canonical (re-encoding gives the same length). Returns 0; on failure
 * writes a one-line reason naming the field to `err` and returns
 * LD_ESYNTAX, LD_ELIMIT (a length or count over its limit) or the
 * ld_text_check code of a bad string. */
int ld_record_check(const Ld__Record *r, size_t wire_len, char *err,
                     size_t errlen);

/* Does `r` re-encode to exactly buf[0..len)? (What another node sent
 * must be the one canonical encoding of what it means.) */
bool ld_record_canonical(const Ld__Record *r, const uint8_t *buf, size_t len);

/* Decode; NULL if the bytes are not a record. Free with
 * ld__record__free_unpacked(r, NULL). Decoding may use at most a few
 * times `len` in memory (see ld_unpack_budget). */
Ld__Record *ld_record_unpack(const void *buf, size_t len);

/* The kind of an encoded record, read without decoding it from its first
 * two fields (id, then kind: the order of the one canonical encoding).
 * KIND_UNSPECIFIED if the bytes do not begin that way or name no known
 * kind: then only decoding tells. For skipping records of other kinds
 * cheaply; what is kept is decoded and its body checked as usual. */
Ld__Kind ld_record_peek_kind(const uint8_t *buf, size_t len);

/* An allocator for protobuf-c that refuses to hand out more than `limit`
 * bytes in all: decoding what another node or a client sent can cost no
 * more than a few times its size (many empty list entries in a small
 * message would otherwise cost far more). Its blocks are plain malloc
 * blocks: free the message with a NULL allocator. Call ld_budget_end. */
struct ld_budget {
	ProtobufCAllocator a;
	size_t used, limit;
	void **live; /* blocks handed out and not freed (open addressing) */
	size_t cap, n;
};
ProtobufCAllocator *ld_unpack_budget(struct ld_budget *b, size_t len);
/* After the unpack: if it failed (`ok` false), free every block it left
 * behind (protobuf-c does not always, when an allocation fails); either
 * way, release the bookkeeping. */
void ld_budget_end(struct ld_budget *b, bool ok);

/* The id another record this one refers to: a result's or review's ref,
 * a task's parent; NULL if none. */
const char *ld_record_ref(const Ld__Record *r);

/* The record's status field (a review: its verdict; a node: its level),
 * or "" if its kind has none. Points into `r`. */
const char *ld_record_status(const Ld__Record *r);

/* Encode into a new malloc'd buffer; *len gets its length. NULL on OOM. */
uint8_t *ld_record_pack(const Ld__Record *r, size_t *len);

/* Fill a flow view of `r`; `scope` must have room for r->n_scope entries. */
void ld_record_flow(const Ld__Record *r, struct ld_flow_rec *fr,
                    struct ld_str *scope);

#endif
