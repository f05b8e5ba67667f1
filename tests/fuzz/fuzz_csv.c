/* fuzz_csv.c — fuzz target: a CSV file handed to 'liandong import'. The
 * reader must refuse cleanly (line, column, one-line reason) or give rows
 * that the writer writes and the reader reads back unchanged; the plan and
 * proposal tables read from them must either be refused in one line or
 * pass the node's checks and survive export and import again. */
#include "batch.h"
#include "csv.h"
#include "sheet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SELF "530000/530300/530325"

static void
same_rows(const struct ld_csv *a, const struct ld_csv *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		if (a->rows[i].n != b->rows[i].n)
			abort();
		for (size_t k = 0; k < a->rows[i].n; k++)
			if (strcmp(a->rows[i].f[k], b->rows[i].f[k]) != 0)
				abort();
	}
}

static void
one_line(const char *s)
{
	if (s[0] == '\0' || strchr(s, '\n') != NULL)
		abort();
}

/* Read the table as `kind`; if it passes the checks, write it and read
 * it again: the same table must come out. */
static void
sheet(const struct ld_csv *csv, Ld__Kind kind)
{
	struct ld_batch b = {.file = "fuzz.csv"};
	char err[2048];
	if (ld_sheet_read(csv, kind, &b, err, sizeof(err)) != 0) {
		one_line(err);
		ld_batch_free(&b);
		return;
	}
	if (ld_batch_check(&b, SELF, err, sizeof(err)) != 0) {
		one_line(err);
		ld_batch_free(&b);
		return;
	}
	Ld__Kind k = b.v[0].r->body_case == LD__RECORD__BODY_PLAN
	                 ? LD__KIND__KIND_PLAN
	                 : LD__KIND__KIND_PROPOSAL;
	Ld__Record **recs = ld_xcalloc(b.n, sizeof(*recs));
	for (size_t i = 0; i < b.n; i++)
		recs[i] = b.v[i].r;
	struct ld_buf out = {0}, again = {0};
	ld_sheet_write(&out, k, recs, b.n);
	struct ld_csv c2;
	struct ld_csv_error e2;
	struct ld_batch b2 = {.file = "again.csv"};
	if (ld_csv_parse(out.p, out.n, &c2, &e2) != 0 ||
	    ld_sheet_read(&c2, k, &b2, err, sizeof(err)) != 0 ||
	    ld_batch_check(&b2, SELF, err, sizeof(err)) != 0 || b2.n != b.n)
		abort();
	for (size_t i = 0; i < b2.n; i++)
		recs[i] = b2.v[i].r;
	ld_sheet_write(&again, k, recs, b2.n);
	if (strcmp(out.p, again.p) != 0)
		abort();
	ld_buf_free(&out);
	ld_buf_free(&again);
	ld_csv_free(&c2);
	ld_batch_free(&b2);
	free(recs);
	ld_batch_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ld_csv csv;
	struct ld_csv_error e;
	if (ld_csv_parse((const char *)data, size, &csv, &e) != 0) {
		if (e.line < 1 || e.col < 1 || csv.n != 0)
			abort();
		one_line(e.msg);
		return 0;
	}
	size_t last = 0;
	struct ld_buf out = {0};
	for (size_t i = 0; i < csv.n; i++) {
		if (csv.rows[i].line <= last || csv.rows[i].n == 0 ||
		    csv.rows[i].n > LD_CSV_MAX_FIELDS)
			abort();
		last = csv.rows[i].line;
		ld_csv_put_row(&out, (const char *const *)csv.rows[i].f,
		               csv.rows[i].n);
	}
	struct ld_csv back;
	if (ld_csv_parse(out.p ? out.p : "", out.n, &back, &e) != 0)
		abort();
	same_rows(&csv, &back);
	ld_csv_free(&back);
	ld_buf_free(&out);

	sheet(&csv, LD__KIND__KIND_UNSPECIFIED);
	sheet(&csv, LD__KIND__KIND_PLAN);
	sheet(&csv, LD__KIND__KIND_PROPOSAL);
	ld_csv_free(&csv);
	return 0;
}
