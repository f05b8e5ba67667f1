/* format.h — how the CLI prints records and status: JSON for scripts (one
 * document, UTF-8 as is) and aligned text for people. */
#ifndef LD_FORMAT_H
#define LD_FORMAT_H

#include <stdio.h>

#include "buf.h"
#include "json.h"
#include "liandong.pb-c.h"
#include "pbjson.h" /* ld_json_record, ld_json_message, ld_format_time */
#include "record.h" /* ld_record_status */


/* How long ago `then_ms` was at `now_ms`: "12 s", "5 min", "3 h", "2 d". */
void ld_format_ago(char *buf, size_t len, int64_t then_ms, int64_t now_ms);
/* The tree of StatusResponse.tree: each office indented by its depth,
 * when it last reported (at `now_ms`), SILENT, and its links. */
void ld_print_tree(FILE *f, const Ld__StatusResponse *s, int64_t now_ms);

/* The line a person would call a record by (topic, title, summary ...). */
const char *ld_record_title(const Ld__Record *r);

/* `show`: the record as "field  value" lines. */
void ld_print_record(FILE *f, const Ld__Record *r);
/* `list`: one line per record under a header. */
void ld_print_list(FILE *f, Ld__Record *const *recs, size_t n);
/* Write `s` on the current line: newline, carriage return and tab as
 * \n, \r and \t, so a row of a one-line-per-record listing never
 * breaks. */
void ld_fput_line(FILE *f, const char *s);
/* `status`: this node, its parent and its children. */
void ld_print_status(FILE *f, const Ld__StatusResponse *s);

#endif
