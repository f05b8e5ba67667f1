/* jsonrec.h — records from JSON as 'liandong export --json' (and 'list
 * --json') writes them: an array of objects, each a record's envelope and
 * its body's fields side by side; one such object alone is read as an
 * array of one. "kind" picks the body (plan, survey, task, proposal,
 * member, duty, opinion or opinion-action);
 * the envelope's id, owner, version, updated_at, author and sig are not
 * taken (the node importing them makes them anew and owns the records;
 * their author is the person importing, 'liandong --as'), scope is; deleted
 * records are skipped, and so are records of the kinds a node does not create
 * from a file (node, result, review, report), each counted in b->other by kind.
 * Parsed with json-c. No I/O. */
#ifndef LD_JSONREC_H
#define LD_JSONREC_H

#include <stddef.h>

#include "batch.h"

/* Read buf[0..len) into new records in `b` (b->file names the file).
 * Returns 0, or LD_ESYNTAX with a one-line message: "FILE:LINE:COL: ..."
 * for JSON syntax, "FILE: record N (id ID): field: ..." for content
 * (LD_ELIMIT for a file over 2 GiB, -ENOMEM). */
int ld_jsonrec_read(const char *buf, size_t len, struct ld_batch *b, char *err,
                    size_t errlen);

#endif
