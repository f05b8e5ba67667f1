/* csv.h — CSV as RFC 4180 has it, in UTF-8: parse a buffer into rows of
 * fields, and write fields back quoted where they need it. Pure: no I/O.
 *
 * Parsing: fields are separated by commas and rows by CRLF, LF or a lone
 * CR; a field that starts with a double quote runs to the matching quote
 * and may hold commas, line breaks and "" (one quote). A UTF-8 byte order
 * mark at the start is skipped; empty lines are skipped. Text must be
 * UTF-8 without control characters other than tab (and line breaks inside
 * quotes). Spaces belong to the field, as RFC 4180 says. */
#ifndef LD_CSV_H
#define LD_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Limits, so a hostile file costs bounded memory. */
#define LD_CSV_MAX_FIELDS 64         /* per row */
#define LD_CSV_MAX_FIELD (64 * 1024) /* bytes in one field */
#define LD_CSV_MAX_ROWS 200000

struct ld_csv_row {
	size_t line; /* the line it starts on, from 1 */
	size_t n;    /* fields */
	char **f;    /* NUL-terminated UTF-8 each */
};

struct ld_csv {
	struct ld_csv_row *rows;
	size_t n, cap;
};

/* Where parsing stopped: line and column (in characters) from 1, and a
 * sentence saying what is wrong there. */
struct ld_csv_error {
	size_t line, col;
	char msg[200];
};

/* Parse buf[0..len) into `out` (zeroed first). Returns 0, or with `e`
 * filled and `out` empty LD_ESYNTAX (the text breaks a rule: RFC 4180,
 * UTF-8, the policy on user text), LD_ELIMIT (a limit above) or -ENOMEM.
 * Free with ld_csv_free either way. */
int ld_csv_parse(const char *buf, size_t len, struct ld_csv *out,
                 struct ld_csv_error *e);
void ld_csv_free(struct ld_csv *c);

/* Append one field, quoted if it holds a comma, a quote or a line break
 * or starts with U+FEFF (its quotes doubled). */
void ld_csv_put_field(struct ld_buf *b, const char *s);
/* Append a row of `n` fields and a CRLF. A row of one empty field is
 * written "" so that it is not read back as an empty line. */
void ld_csv_put_row(struct ld_buf *b, const char *const *f, size_t n);

/* The same for a file people open in a spreadsheet, against formula
 * injection: a field starting with = + - @ TAB or CR that is not a plain
 * number (ld_csv_numeric) gets a leading apostrophe. */
void ld_csv_put_row_safe(struct ld_buf *b, const char *const *f, size_t n);

/* A plain decimal number, optionally signed, with an exponent or a
 * trailing percent sign ("-3", "+1.5e3", "-5%"): what a spreadsheet reads
 * as a number, never as a formula. */
bool ld_csv_numeric(const char *s);

#endif
