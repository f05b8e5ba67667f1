/* sheet.h — plans and proposals as CSV tables: the columns import reads
 * (English or Chinese names) and export writes, rows to records and
 * records to rows. A plan is one row per item; rows with the same year and
 * title are one plan. Pure. */
#ifndef LD_SHEET_H
#define LD_SHEET_H

#include <stddef.h>

#include "batch.h"
#include "csv.h"
#include "format.h"
#include "liandong.pb-c.h"

/* Turn the rows of `csv` (a header row, then data) into new records in
 * `b` (b->file names the file in messages). `kind` is KIND_PLAN or
 * KIND_PROPOSAL, or 0 to tell by the columns. Returns 0, or LD_ESYNTAX
 * with a one-line message "FILE:LINE: ..." naming the column. */
int ld_sheet_read(const struct ld_csv *csv, Ld__Kind kind, struct ld_batch *b,
                  char *err, size_t errlen);

/* Write plans or proposals (`kind`) as a table with Chinese column names,
 * readable by ld_sheet_read: a header row, then a plan's items one per row
 * (a plan without items as one row without item fields) or one row per
 * proposal. Statuses are written as their Chinese labels, yes/no as 是/否. */
void ld_sheet_write(struct ld_buf *out, Ld__Kind kind, Ld__Record *const *recs,
                    size_t n);

#endif
