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

/* The line a person would call a record by (topic, title, summary ...). */
const char *ld_record_title(const Ld__Record *r);

/* `show`: the record as "field  value" lines. */
void ld_print_record(FILE *f, const Ld__Record *r);
/* `list`: one line per record under a header. */
void ld_print_list(FILE *f, Ld__Record *const *recs, size_t n);
/* `status`: this node, its parent and its children. */
void ld_print_status(FILE *f, const Ld__StatusResponse *s);

#endif
