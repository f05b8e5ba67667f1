/* roster.h — a member roster exported from a spreadsheet (CSV, UTF-8;
 * GBK converted with iconv first): its columns, English or Chinese, and
 * its rows as MEMBER records plus the personal details that stay at this
 * office (contacts.h). Pure. */
#ifndef LD_ROSTER_H
#define LD_ROSTER_H

#include <stddef.h>

#include "batch.h"
#include "contacts.h"
#include "csv.h"

/* The rows of `csv` (a header row, then one member a row) into `b` (a
 * MEMBER record each, `where` its line) and `c` (c[i] the personal
 * details of b->v[i]: fields NULL where the file has no such column;
 * `member` left NULL until the record has its id). `c` must have room
 * for csv->n entries. Returns 0, or LD_ESYNTAX with "FILE:LINE: ..." in
 * `err`. */
int ld_roster_read(const struct ld_csv *csv, struct ld_batch *b,
                   struct ld_contact *c, char *err, size_t errlen);

/* Does any row carry a personal detail? */
int ld_roster_personal(const struct ld_contact *c, size_t n);

void ld_roster_free_contacts(struct ld_contact *c, size_t n);

#endif
