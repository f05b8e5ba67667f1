/* batch.h — the records an import file stands for, each with where in the
 * file it came from, and the check that runs on all of them before any is
 * sent: the node's own checks (validate.h, record.h), so that a file is
 * either written whole or not at all. Pure. */
#ifndef LD_BATCH_H
#define LD_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "liandong.pb-c.h"

#define LD_BATCH_LABELS 20
#define LD_BATCH_KINDS 10 /* Ld__Kind's values, 0 .. 9 */

struct ld_batch_rec {
	/* Built with malloc as protobuf-c unpacks, so that
	 * ld__record__free_unpacked frees it and ld_validate_new may
	 * replace its strings. */
	Ld__Record *r;
	/* CSV: the line of its (first) row; JSON: its place in the array,
	 * from 1. */
	size_t where;
	/* CSV plans: the line of each item. */
	size_t *item_lines;
	/* JSON: the id the record had where it was exported ("" if none).
	 * A task of the same file naming it as parent gets the new id. */
	char *old_id;
};

struct ld_batch {
	const char *file; /* as the user named it, for messages */
	bool csv;         /* `where` is a line (CSV) or a record number */
	struct ld_batch_rec *v;
	size_t n, cap;
	size_t skipped; /* tombstones in JSON input: not imported */
	/* JSON input: records of kinds import does not create (node,
	 * result, review, report, as a whole export holds them), counted
	 * by Ld__Kind and not imported. */
	size_t other[LD_BATCH_KINDS];
	/* CSV: the header a field was read from ("形式" for "form"), so a
	 * message names the column as the file does. */
	struct {
		const char *field; /* static: the English name */
		char header[64];
	} labels[LD_BATCH_LABELS];
	size_t nlabels;
};

/* Add `r` (taken over) read at `where`; returns its entry. */
struct ld_batch_rec *ld_batch_push(struct ld_batch *b, Ld__Record *r,
                                   size_t where);
void ld_batch_free(struct ld_batch *b);

/* Check every record as node `self` would when it is added, completing
 * each as the node does (canonical forms and statuses, a plan's default
 * scope). On the first refusal writes "FILE:LINE: field: reason" (CSV) or
 * "FILE: record N (id ID): field: reason" (JSON) to `err` and returns
 * the code of ld_validate_new or ld_record_check (LD_ELIMIT for a record
 * over 1 MiB); else 0. */
int ld_batch_check(struct ld_batch *b, const char *self, char *err,
                    size_t errlen);

/* Write where record `i` (item `item` from 1, or 0) came from, as the
 * prefix of a message: "FILE:LINE" or "FILE: record N (id ID)". */
void ld_batch_where(const struct ld_batch *b, size_t i, size_t item, char *buf,
                    size_t len);

/* Make a message one line: control characters (a line break quoted from
 * a file) become spaces. */
void ld_oneline(char *s);

/* Allocation for building records: exits with a message when memory runs
 * out, as the rest of the CLI does. */
void *ld_xcalloc(size_t n, size_t size);
char *ld_xstrndup(const char *s, size_t n);
char *ld_xstrdup(const char *s);

#endif
