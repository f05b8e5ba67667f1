/* render.c — a report's structured content and its rendering as Markdown,
 * CSV, JSON or one HTML page. Pure: no I/O. */
#include "render.h"
#include "buf.h"
#include "csv.h"
#include "err.h"
#include "figures.h"
#include "json.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum blk_type { BLK_HEADING, BLK_PARA, BLK_TABLE, BLK_CHART };

/* One block. Strings are offsets into the document's text; a table's
 * header and then its rows are consecutive entries of `cells` from
 * `first`; a chart's labels are too, and its values are `vals` from
 * `firstval`. */
struct block {
	enum blk_type type;
	uint32_t text;  /* heading or paragraph text, or caption */
	uint32_t ncols; /* table: columns; chart: bars */
	size_t nrows;   /* table: rows */
	size_t first;
	size_t firstval;
};

struct figure {
	char *name;
	double value;
};

struct ld_doc {
	/* All text, NUL-terminated strings end to end; offset 0 is "". */
	char *text;
	size_t tlen, tcap;
	uint32_t *cells;
	size_t ncells, ccap;
	double *vals;
	size_t nvals, vcap;
	struct block *blocks;
	size_t nblocks, bcap;
	struct figure *figs;
	size_t nfigs, fcap;
	size_t figbytes; /* bytes of figure names, counted in the total */
	size_t nrows;    /* table rows, in all */
	uint32_t title;
	char err[160];
	int rc; /* the code of the failure `err` describes */
};

/* ---- the document ---- */

/* Say why the call fails; returns `rc`. */
static int
fail(struct ld_doc *d, int rc, const char *why)
{
	snprintf(d->err, sizeof(d->err), "%s", why);
	return d->rc = rc;
}

/* Make room for `need` elements of `size` bytes in *p (capacity *cap). */
static int
reserve(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap != 0 ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return -ENOMEM;
	void *np = realloc(*p, ncap * size);
	if (np == NULL)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Copy s[0..n) to `out` (if not NULL) with each byte that does not belong
 * to a well-formed UTF-8 sequence replaced by U+FFFD; returns the length
 * of the result. */
static size_t
utf8_fix(const char *str, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0;
	while (i < n) {
		size_t k = ld_utf8_next(str + i, n - i, NULL);
		if (k == 0) {
			if (out != NULL)
				memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		if (out != NULL)
			memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	return o;
}

/* Check one text against the per-text limit; its length in *n. */
static int
text_len(struct ld_doc *d, const char *s, size_t *n)
{
	*n = s != NULL ? strnlen(s, LD_DOC_MAX_TEXT + 1) : 0;
	if (*n > LD_DOC_MAX_TEXT) {
		char why[96];
		snprintf(why, sizeof(why), "a text longer than %d bytes",
		         LD_DOC_MAX_TEXT);
		return fail(d, LD_ELIMIT, why);
	}
	return 0;
}

static int
total_full(struct ld_doc *d)
{
	char why[96];
	snprintf(why, sizeof(why), "more than %u MiB of text in all",
	         LD_DOC_MAX_TOTAL >> 20);
	return fail(d, LD_ELIMIT, why);
}

/* Store a copy of `s` (NULL: "") in the text; its offset in *off. */
static int
add_text(struct ld_doc *d, const char *s, uint32_t *off)
{
	size_t n;
	int rc = text_len(d, s, &n);
	if (rc != 0)
		return rc;
	if (n == 0) {
		*off = 0;
		return 0;
	}
	size_t m = utf8_fix(s, n, NULL);
	if (d->tlen + d->figbytes + m + 1 > LD_DOC_MAX_TOTAL)
		return total_full(d);
	if (reserve((void **)&d->text, &d->tcap, d->tlen + m + 1, 1) != 0)
		return fail(d, -ENOMEM, "out of memory");
	utf8_fix(s, n, d->text + d->tlen);
	d->text[d->tlen + m] = '\0';
	*off = (uint32_t)d->tlen;
	d->tlen += m + 1;
	return 0;
}

/* Append the strings ss[0..n) to `cells`. */
static int
add_cells(struct ld_doc *d, size_t n, const char *const *ss)
{
	if (d->ncells + n > LD_DOC_MAX_CELLS) {
		char why[96];
		snprintf(why, sizeof(why), "more than %d cells in all",
		         LD_DOC_MAX_CELLS);
		return fail(d, LD_ELIMIT, why);
	}
	if (reserve((void **)&d->cells, &d->ccap, d->ncells + n,
	            sizeof(*d->cells)) != 0)
		return fail(d, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		uint32_t off;
		int rc = add_text(d, ss != NULL ? ss[i] : NULL, &off);
		if (rc != 0)
			return rc;
		d->cells[d->ncells++] = off;
	}
	return 0;
}

/* Where a call that adds several things started, to undo a failed one. */
struct mark {
	size_t tlen, ncells, nvals;
};

static struct mark
mark(const struct ld_doc *d)
{
	return (struct mark){d->tlen, d->ncells, d->nvals};
}

/* Back to `m` after a failure; returns the failure's code. */
static int
undo(struct ld_doc *d, struct mark m)
{
	d->tlen = m.tlen;
	d->ncells = m.ncells;
	d->nvals = m.nvals;
	return d->rc;
}

static struct block *
new_block(struct ld_doc *d, enum blk_type type)
{
	if (d->nblocks >= LD_DOC_MAX_BLOCKS) {
		char why[96];
		snprintf(why, sizeof(why), "more than %d blocks",
		         LD_DOC_MAX_BLOCKS);
		fail(d, LD_ELIMIT, why);
		return NULL;
	}
	if (reserve((void **)&d->blocks, &d->bcap, d->nblocks + 1,
	            sizeof(*d->blocks)) != 0) {
		fail(d, -ENOMEM, "out of memory");
		return NULL;
	}
	struct block *b = &d->blocks[d->nblocks];
	memset(b, 0, sizeof(*b));
	b->type = type;
	return b;
}

struct ld_doc *
ld_doc_new(void)
{
	struct ld_doc *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->text = malloc(256);
	if (d->text == NULL) {
		free(d);
		return NULL;
	}
	d->tcap = 256;
	d->text[0] = '\0';
	d->tlen = 1;
	return d;
}

void
ld_doc_free(struct ld_doc **dp)
{
	if (dp == NULL || *dp == NULL)
		return;
	struct ld_doc *d = *dp;
	for (size_t i = 0; i < d->nfigs; i++)
		free(d->figs[i].name);
	free(d->figs);
	free(d->blocks);
	free(d->vals);
	free(d->cells);
	free(d->text);
	free(d);
	*dp = NULL;
}

int
ld_doc_title(struct ld_doc *d, const char *text)
{
	return add_text(d, text, &d->title);
}

static int
text_block(struct ld_doc *d, enum blk_type type, const char *text)
{
	struct mark m = mark(d);
	struct block *b = new_block(d, type);
	if (b == NULL || add_text(d, text, &b->text) != 0)
		return undo(d, m);
	d->nblocks++;
	return 0;
}

int
ld_doc_heading(struct ld_doc *d, const char *text)
{
	return text_block(d, BLK_HEADING, text);
}

int
ld_doc_para(struct ld_doc *d, const char *text)
{
	return text_block(d, BLK_PARA, text);
}

int
ld_doc_table(struct ld_doc *d, const char *caption, size_t ncols,
             const char *const *cols)
{
	if (ncols == 0)
		return fail(d, -EINVAL, "a table of no columns");
	if (ncols > LD_DOC_MAX_COLS) {
		char why[96];
		snprintf(why, sizeof(why),
		         "a table of %zu columns (at most %d)", ncols,
		         LD_DOC_MAX_COLS);
		return fail(d, LD_ELIMIT, why);
	}
	struct mark m = mark(d);
	struct block *b = new_block(d, BLK_TABLE);
	if (b == NULL || add_text(d, caption, &b->text) != 0)
		return undo(d, m);
	b->ncols = (uint32_t)ncols;
	b->first = d->ncells;
	if (add_cells(d, ncols, cols) != 0)
		return undo(d, m);
	d->nblocks++;
	return 0;
}

int
ld_doc_row(struct ld_doc *d, const char *const *cells)
{
	if (d->nblocks == 0 || d->blocks[d->nblocks - 1].type != BLK_TABLE)
		return fail(d, -EINVAL, "a row not right after its table");
	if (d->nrows >= LD_DOC_MAX_ROWS) {
		char why[96];
		snprintf(why, sizeof(why), "more than %d rows in all",
		         LD_DOC_MAX_ROWS);
		return fail(d, LD_ELIMIT, why);
	}
	struct block *b = &d->blocks[d->nblocks - 1];
	struct mark m = mark(d);
	if (add_cells(d, b->ncols, cells) != 0)
		return undo(d, m);
	b->nrows++;
	d->nrows++;
	return 0;
}

int
ld_doc_chart(struct ld_doc *d, const char *caption, size_t n,
             const char *const *labels, const double *values)
{
	if (n > LD_DOC_MAX_BARS) {
		char why[96];
		snprintf(why, sizeof(why), "a chart of %zu bars (at most %d)",
		         n, LD_DOC_MAX_BARS);
		return fail(d, LD_ELIMIT, why);
	}
	if (n > 0 && values == NULL)
		return fail(d, -EINVAL, "a chart without values");
	struct mark m = mark(d);
	struct block *b = new_block(d, BLK_CHART);
	if (b == NULL || add_text(d, caption, &b->text) != 0)
		return undo(d, m);
	b->ncols = (uint32_t)n;
	b->first = d->ncells;
	b->firstval = d->nvals;
	if (add_cells(d, n, labels) != 0)
		return undo(d, m);
	if (reserve((void **)&d->vals, &d->vcap, d->nvals + n,
	            sizeof(*d->vals)) != 0) {
		fail(d, -ENOMEM, "out of memory");
		return undo(d, m);
	}
	if (n > 0)
		memcpy(d->vals + d->nvals, values, n * sizeof(*values));
	d->nvals += n;
	d->nblocks++;
	return 0;
}

int
ld_doc_figure(struct ld_doc *d, const char *name, double value)
{
	size_t n;
	int rc = text_len(d, name, &n);
	if (rc != 0)
		return rc;
	if (n == 0)
		return fail(d, -EINVAL, "a figure without a name");
	size_t m = utf8_fix(name, n, NULL);
	char *fixed = malloc(m + 1);
	if (fixed == NULL)
		return fail(d, -ENOMEM, "out of memory");
	utf8_fix(name, n, fixed);
	fixed[m] = '\0';
	for (size_t i = 0; i < d->nfigs; i++) {
		if (strcmp(d->figs[i].name, fixed) == 0) {
			d->figs[i].value = value;
			free(fixed);
			return 0;
		}
	}
	rc = 0;
	if (d->nfigs >= LD_DOC_MAX_FIGURES) {
		char why[96];
		snprintf(why, sizeof(why), "more than %d figures",
		         LD_DOC_MAX_FIGURES);
		rc = fail(d, LD_ELIMIT, why);
	} else if (d->tlen + d->figbytes + m + 1 > LD_DOC_MAX_TOTAL) {
		rc = total_full(d);
	} else if (reserve((void **)&d->figs, &d->fcap, d->nfigs + 1,
	                   sizeof(*d->figs)) != 0) {
		rc = fail(d, -ENOMEM, "out of memory");
	} else {
		d->figs[d->nfigs++] = (struct figure){fixed, value};
		d->figbytes += m + 1;
		fixed = NULL;
	}
	free(fixed);
	return rc;
}

const char *
ld_doc_error(const struct ld_doc *d)
{
	return d->err;
}

size_t
ld_doc_nfigures(const struct ld_doc *d)
{
	return d->nfigs;
}

const char *
ld_doc_figure_name(const struct ld_doc *d, size_t i)
{
	return i < d->nfigs ? d->figs[i].name : NULL;
}

double
ld_doc_figure_value(const struct ld_doc *d, size_t i)
{
	return i < d->nfigs ? d->figs[i].value : NAN;
}

bool
ld_doc_format_known(const char *format)
{
	return format != NULL &&
	       (strcmp(format, "md") == 0 || strcmp(format, "csv") == 0 ||
	        strcmp(format, "json") == 0 || strcmp(format, "html") == 0);
}

/* ---- shared helpers ---- */

static const char *
str(const struct ld_doc *d, uint32_t off)
{
	return d->text + off;
}

static const char *
cell(const struct ld_doc *d, size_t i)
{
	return d->text + d->cells[i];
}

/* A number as people read it in every format but JSON: see render.h. */
static void
fmt_num(double v, char out[48])
{
	if (!isfinite(v)) {
		out[0] = '\0';
		return;
	}
	if (v == 0) {
		strcpy(out, "0"); /* and not "-0" */
		return;
	}
	if (fabs(v) >= 1e15) {
		snprintf(out, 48, "%.15g", v);
		return;
	}
	if (v == trunc(v)) {
		snprintf(out, 48, "%.0f", v);
		return;
	}
	snprintf(out, 48, "%.4f", v);
	char *e = out + strlen(out);
	while (e[-1] == '0')
		*--e = '\0';
	if (e[-1] == '.')
		*--e = '\0';
	if (strcmp(out, "0") == 0 || strcmp(out, "-0") == 0)
		snprintf(out, 48, "%.4g", v);
}

/* A headline figure as people read it: a share (a name ending in 率)
 * as a percentage, like the tables; any other number by fmt_num. */
static void
fmt_figure(const char *name, double v, char out[48])
{
	if (ld_figures_is_rate(name))
		ld_figures_pct_text(out, 48, v);
	else
		fmt_num(v, out);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- Markdown ---- */

enum md_mode {
	MD_LINE,  /* heading, caption, list item: one line */
	MD_BLOCK, /* paragraph: line breaks kept */
	MD_CELL,  /* table cell: line breaks as <br> */
};

/* Write `s` so that Markdown shows it as written: punctuation that could
 * start emphasis, code, links, HTML, entities or table cells is
 * backslash-escaped, and so is what would start a list, a heading or a
 * rule at the start of a line. */
static void
md_text(struct ld_buf *b, const char *s, enum md_mode mode)
{
	size_t n = strlen(s);
	if (mode == MD_LINE) {
		/* Blanks around a caption would unbold it; around a list
		 * item they would make code. */
		while (n > 0 && strchr(" \t\r\n", s[0]) != NULL)
			s++, n--;
		while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
			n--;
	}
	bool bol = mode != MD_CELL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r' || c == '\n') {
			if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			if (mode == MD_CELL) {
				ld_buf_puts(b, "<br>");
			} else if (mode == MD_LINE) {
				ld_buf_putc(b, ' ');
			} else {
				ld_buf_putc(b, '\n');
				bol = true;
			}
			continue;
		}
		if (bol) {
			if (c == ' ' || c == '\t')
				continue;
			bol = false;
			if (c == '-' || c == '+' || c == '=') {
				ld_buf_putc(b, '\\');
				ld_buf_putc(b, c);
				continue;
			}
			if (is_digit(c)) {
				size_t j = i;
				while (j < n && is_digit(s[j]))
					j++;
				ld_buf_put(b, s + i, j - i);
				if (j < n && (s[j] == '.' || s[j] == ')')) {
					ld_buf_putc(b, '\\');
					ld_buf_putc(b, s[j]);
					j++;
				}
				i = j - 1;
				continue;
			}
		}
		if (strchr("\\`*_[]<>&|~#!", c) != NULL)
			ld_buf_putc(b, '\\');
		ld_buf_putc(b, c);
	}
}

static void
md_table_row(struct ld_buf *b, const struct ld_doc *d, size_t first, size_t n)
{
	ld_buf_putc(b, '|');
	for (size_t i = 0; i < n; i++) {
		ld_buf_putc(b, ' ');
		md_text(b, cell(d, first + i), MD_CELL);
		ld_buf_puts(b, " |");
	}
	ld_buf_putc(b, '\n');
}

static void
md_caption(struct ld_buf *b, const char *caption)
{
	if (caption[0] == '\0')
		return;
	ld_buf_puts(b, "**");
	md_text(b, caption, MD_LINE);
	ld_buf_puts(b, "**\n\n");
}

/* A blank line between blocks, none before the first. */
static void
md_sep(struct ld_buf *b, bool *first)
{
	if (!*first)
		ld_buf_putc(b, '\n');
	*first = false;
}

static void
render_md(const struct ld_doc *d, struct ld_buf *b)
{
	bool first = true;
	if (d->title != 0) {
		md_sep(b, &first);
		ld_buf_puts(b, "# ");
		md_text(b, str(d, d->title), MD_LINE);
		ld_buf_putc(b, '\n');
	}
	if (d->nfigs > 0) {
		md_sep(b, &first);
		ld_buf_puts(b, "## 主要数据\n\n");
		for (size_t i = 0; i < d->nfigs; i++) {
			char num[48];
			fmt_figure(d->figs[i].name, d->figs[i].value, num);
			ld_buf_puts(b, "- ");
			md_text(b, d->figs[i].name, MD_LINE);
			ld_buf_puts(b, ": ");
			ld_buf_puts(b, num);
			ld_buf_putc(b, '\n');
		}
	}
	for (size_t k = 0; k < d->nblocks; k++) {
		const struct block *bl = &d->blocks[k];
		md_sep(b, &first);
		switch (bl->type) {
		case BLK_HEADING:
			ld_buf_puts(b, "## ");
			md_text(b, str(d, bl->text), MD_LINE);
			ld_buf_putc(b, '\n');
			break;
		case BLK_PARA:
			md_text(b, str(d, bl->text), MD_BLOCK);
			ld_buf_putc(b, '\n');
			break;
		case BLK_TABLE:
			md_caption(b, str(d, bl->text));
			md_table_row(b, d, bl->first, bl->ncols);
			ld_buf_putc(b, '|');
			for (size_t i = 0; i < bl->ncols; i++)
				ld_buf_puts(b, " --- |");
			ld_buf_putc(b, '\n');
			for (size_t r = 0; r < bl->nrows; r++)
				md_table_row(b, d,
				             bl->first + (r + 1) * bl->ncols,
				             bl->ncols);
			break;
		case BLK_CHART:
			md_caption(b, str(d, bl->text));
			ld_buf_puts(b, "| 项目 | 数值 |\n| --- | ---: |\n");
			for (size_t i = 0; i < bl->ncols; i++) {
				char num[48];
				fmt_num(d->vals[bl->firstval + i], num);
				ld_buf_puts(b, "| ");
				md_text(b, cell(d, bl->first + i), MD_CELL);
				ld_buf_puts(b, " | ");
				ld_buf_puts(b, num);
				ld_buf_puts(b, " |\n");
			}
			break;
		}
	}
}

/* ---- CSV ---- */

/* Rows go through core/csv.c's writer, in its spreadsheet-safe form: a
 * field a spreadsheet would run as a formula gets a leading apostrophe
 * unless it is a plain number (a negative count is data, not an attack). */
static void
csv_pair(struct ld_buf *b, const char *name, double v)
{
	char num[48];
	fmt_num(v, num);
	const char *f[2] = {name, num};
	ld_csv_put_row_safe(b, f, 2);
}

static void
render_csv(const struct ld_doc *d, bool bom, struct ld_buf *b)
{
	bool first = true;
	const char *f[LD_DOC_MAX_COLS];
	if (bom)
		ld_buf_puts(b, "\xef\xbb\xbf");
	for (size_t k = 0; k < d->nblocks; k++) {
		const struct block *bl = &d->blocks[k];
		if (bl->type != BLK_TABLE && bl->type != BLK_CHART)
			continue;
		if (!first)
			ld_buf_puts(b, "\r\n");
		first = false;
		if (bl->text != 0) {
			f[0] = str(d, bl->text);
			ld_csv_put_row_safe(b, f, 1);
		}
		if (bl->type == BLK_CHART) {
			ld_buf_puts(b, "项目,数值\r\n");
			for (size_t i = 0; i < bl->ncols; i++)
				csv_pair(b, cell(d, bl->first + i),
				         d->vals[bl->firstval + i]);
			continue;
		}
		for (size_t r = 0; r <= bl->nrows; r++) {
			for (size_t i = 0; i < bl->ncols; i++)
				f[i] = cell(d, bl->first + r * bl->ncols + i);
			ld_csv_put_row_safe(b, f, bl->ncols);
		}
	}
	if (d->nfigs > 0) {
		if (!first)
			ld_buf_puts(b, "\r\n");
		ld_buf_puts(b, "主要数据\r\n名称,数值\r\n");
		for (size_t i = 0; i < d->nfigs; i++) {
			char num[48];
			fmt_figure(d->figs[i].name, d->figs[i].value, num);
			f[0] = d->figs[i].name;
			f[1] = num;
			ld_csv_put_row_safe(b, f, 2);
		}
	}
}

/* ---- JSON ---- */

/* Strings and numbers through core/json.c (json-c). */

static void
render_json(const struct ld_doc *d, struct ld_buf *b)
{
	ld_buf_puts(b, "{\"title\":");
	ld_json_put_string(b, str(d, d->title));
	ld_buf_puts(b, ",\"blocks\":[");
	for (size_t k = 0; k < d->nblocks; k++) {
		const struct block *bl = &d->blocks[k];
		if (k > 0)
			ld_buf_putc(b, ',');
		switch (bl->type) {
		case BLK_HEADING:
		case BLK_PARA:
			ld_buf_puts(b, bl->type == BLK_HEADING
			             ? "{\"type\":\"heading\",\"text\":"
			             : "{\"type\":\"para\",\"text\":");
			ld_json_put_string(b, str(d, bl->text));
			ld_buf_putc(b, '}');
			break;
		case BLK_TABLE:
			ld_buf_puts(b, "{\"type\":\"table\",\"caption\":");
			ld_json_put_string(b, str(d, bl->text));
			ld_buf_puts(b, ",\"columns\":[");
			for (size_t i = 0; i < bl->ncols; i++) {
				if (i > 0)
					ld_buf_putc(b, ',');
				ld_json_put_string(b, cell(d, bl->first + i));
			}
			ld_buf_puts(b, "],\"rows\":[");
			for (size_t r = 0; r < bl->nrows; r++) {
				size_t at = bl->first + (r + 1) * bl->ncols;
				ld_buf_puts(b, r > 0 ? ",[" : "[");
				for (size_t i = 0; i < bl->ncols; i++) {
					if (i > 0)
						ld_buf_putc(b, ',');
					ld_json_put_string(b, cell(d, at + i));
				}
				ld_buf_putc(b, ']');
			}
			ld_buf_puts(b, "]}");
			break;
		case BLK_CHART:
			ld_buf_puts(b, "{\"type\":\"chart\",\"caption\":");
			ld_json_put_string(b, str(d, bl->text));
			ld_buf_puts(b, ",\"bars\":[");
			for (size_t i = 0; i < bl->ncols; i++) {
				ld_buf_puts(b,
				      i > 0 ? ",{\"label\":" : "{\"label\":");
				ld_json_put_string(b, cell(d, bl->first + i));
				ld_buf_puts(b, ",\"value\":");
				ld_json_put_number(b, d->vals[bl->firstval + i]);
				ld_buf_putc(b, '}');
			}
			ld_buf_puts(b, "]}");
			break;
		}
	}
	ld_buf_puts(b, "],\"figures\":{");
	for (size_t i = 0; i < d->nfigs; i++) {
		if (i > 0)
			ld_buf_putc(b, ',');
		ld_json_put_string(b, d->figs[i].name);
		ld_buf_putc(b, ':');
		ld_json_put_number(b, d->figs[i].value);
	}
	ld_buf_puts(b, "}}\n");
}

/* ---- HTML ---- */

/* Text for an element or a quoted attribute. Controls that HTML calls
 * parse errors (C0 but tab, newline and return; DEL; C1: the control
 * half of the policy on user text, core/text.h) show as U+FFFD. */
static void
html_textn(struct ld_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = ld_utf8_next(s + i, n - i, &cp);
		if (k == 0) { /* never: the text was made UTF-8 when stored */
			ld_buf_puts(b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		switch (cp) {
		case '&':
			ld_buf_puts(b, "&amp;");
			break;
		case '<':
			ld_buf_puts(b, "&lt;");
			break;
		case '>':
			ld_buf_puts(b, "&gt;");
			break;
		case '"':
			ld_buf_puts(b, "&quot;");
			break;
		case '\'':
			ld_buf_puts(b, "&#39;");
			break;
		default:
			if (ld_text_char(cp) == LD_ECONTROL)
				ld_buf_puts(b, "\xef\xbf\xbd");
			else
				ld_buf_put(b, s + i, k);
		}
		i += k;
	}
}

static void
html_text(struct ld_buf *b, const char *s)
{
	html_textn(b, s, strlen(s));
}

static const char html_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"zh-CN\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<title>";

static const char html_style[] =
    "</title>\n"
    "<style>\n"
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\","
    "\"WenQuanYi Micro Hei\",\"Heiti SC\",SimHei,sans-serif;"
    "line-height:1.6;color:#1a1a1a;background:#fff;max-width:960px;"
    "margin:2em auto;padding:0 1em}\n"
    "h1{font-size:1.6em;margin:0 0 .6em;padding-bottom:.3em;"
    "border-bottom:2px solid #2f5597}\n"
    "h2{font-size:1.25em;margin:1.4em 0 .5em;color:#2f5597}\n"
    "p{margin:.5em 0;white-space:pre-line}\n"
    "table.data{border-collapse:collapse;margin:1em 0;max-width:100%}\n"
    "caption{caption-side:top;text-align:left;font-weight:bold;"
    "padding:.3em 0}\n"
    "th,td{border:1px solid #b7c3d7;padding:.25em .6em;text-align:left;"
    "vertical-align:top;white-space:pre-line}\n"
    "th{background:#e8eef7}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.num,td.w,th.w{white-space:nowrap}\n"
    "tbody tr:nth-child(even){background:#f6f8fb}\n"
    "dl.figures{display:flex;flex-wrap:wrap;gap:.75em;margin:1em 0}\n"
    "div.figure{border:1px solid #b7c3d7;border-radius:4px;"
    "padding:.4em 1em;min-width:7em}\n"
    "div.figure dt{color:#555;font-size:.9em}\n"
    "div.figure dd{margin:0;font-size:1.6em;font-weight:bold;"
    "font-variant-numeric:tabular-nums}\n"
    "figure.chart{margin:1em 0}\n"
    "figure.chart figcaption{font-weight:bold;margin-bottom:.3em}\n"
    "svg{max-width:100%;height:auto}\n"
    "svg text{font-size:13px;fill:#1a1a1a}\n"
    "@media print{\n"
    "@page{size:A4;margin:15mm}\n"
    "body{max-width:none;margin:0;padding:0;font-size:10.5pt}\n"
    "h1,h2{break-after:avoid}\n"
    "dl.figures,figure.chart,tr{break-inside:avoid}\n"
    "thead{display:table-header-group}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n"
    "</style>\n"
    "</head>\n"
    "<body>\n";

/* Geometry of a chart, in SVG user units (px at scale 1). */
#define SVG_W 640.0
#define SVG_ROW 24.0
#define SVG_BAR 16.0
#define SVG_PAD 8.0
#define SVG_LABEL_MAX 200.0
#define SVG_VALUE_MAX 120.0
#define SVG_WIDE 13.0  /* a CJK character at 13px */
#define SVG_NARROW 7.5 /* anything else, roughly */

/* The width `s` takes in a chart, roughly; with `cut` (not NULL), also
 * where to cut it (a byte count) so that it fits SVG_LABEL_MAX with an
 * ellipsis after it. */
static double
svg_width(const char *str, size_t *cut)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;
	double w = 0;
	if (cut != NULL)
		*cut = n;
	while (i < n) {
		size_t k = ld_utf8_next(str + i, n - i, NULL);
		if (k == 0)
			k = 1;
		/* Code points from U+1100 on are mostly wide: Hangul, CJK,
		 * full-width forms. */
		bool wide =
		    k == 4 || (k == 3 && (s[i] > 0xe1 ||
		                          (s[i] == 0xe1 && s[i + 1] >= 0x84)));
		double cw = wide ? SVG_WIDE : SVG_NARROW;
		if (cut != NULL && *cut == n &&
		    w + cw > SVG_LABEL_MAX - SVG_WIDE)
			*cut = i;
		w += cw;
		i += k;
	}
	if (cut != NULL && w <= SVG_LABEL_MAX)
		*cut = n;
	return w;
}

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Where value `x` falls on a plot from `left`, `width` wide, showing
 * lo..hi. Computed on halves so that hi - lo cannot overflow. */
static double
xpos(double x, double lo, double hi, double left, double width)
{
	double span = hi / 2 - lo / 2;
	return span > 0 ? left + width * ((x / 2 - lo / 2) / span) : left;
}

/* A horizontal bar chart: labels in a column on the left, the bars from
 * a zero line (so negative values go left), the values in a column on the
 * right. Bars are scaled to the largest magnitude; all zero gives no
 * bars; a value that is not finite gives no bar and no number. */
static void
html_chart(const struct ld_doc *d, const struct block *bl, struct ld_buf *b)
{
	size_t n = bl->ncols;
	const double *v = d->vals + bl->firstval;
	double lo = 0, hi = 0, labw = 24, valw = 24;
	for (size_t i = 0; i < n; i++) {
		char num[48];
		fmt_num(v[i], num);
		labw = fmax(labw, svg_width(cell(d, bl->first + i), NULL));
		valw = fmax(valw, svg_width(num, NULL));
		if (isfinite(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	}
	labw = clamp(labw, 24, SVG_LABEL_MAX);
	valw = clamp(valw, 24, SVG_VALUE_MAX);
	double plot_l = SVG_PAD + labw + SVG_PAD;
	double plot_w = SVG_W - SVG_PAD - valw - SVG_PAD - plot_l;
	double h = n > 0 ? 2 * SVG_PAD + (double)n * SVG_ROW : 32;
	double zero = xpos(0, lo, hi, plot_l, plot_w);

	ld_buf_printf(b,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
	        "role=\"img\" aria-label=\"",
	        SVG_W, h, SVG_W, h);
	html_text(b, str(d, bl->text));
	ld_buf_puts(b, "\">\n");
	if (n == 0) {
		ld_buf_printf(b,
		        "<text x=\"%.1f\" y=\"20.5\" text-anchor=\"middle\">"
		        "（无数据）</text>\n",
		        SVG_W / 2);
	} else {
		ld_buf_printf(b,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		        "y2=\"%.1f\" stroke=\"#888\" stroke-width=\"1\"/>\n",
		        zero, SVG_PAD / 2, zero, h - SVG_PAD / 2);
	}
	for (size_t i = 0; i < n; i++) {
		const char *label = cell(d, bl->first + i);
		char num[48];
		fmt_num(v[i], num);
		double top = SVG_PAD + (double)i * SVG_ROW;
		double base = top + SVG_ROW / 2 + 4.5;
		ld_buf_puts(b, v[i] < 0 ? "<g class=\"bar neg\" data-label=\""
		                  : "<g class=\"bar\" data-label=\"");
		html_text(b, label);
		ld_buf_puts(b, "\" data-value=\"");
		ld_buf_puts(b, num);
		ld_buf_puts(b, "\"><title>");
		html_text(b, label);
		if (num[0] != '\0') {
			ld_buf_puts(b, ": ");
			ld_buf_puts(b, num);
		}
		ld_buf_printf(b,
		        "</title><text x=\"%.1f\" y=\"%.1f\" "
		        "text-anchor=\"end\">",
		        SVG_PAD + labw, base);
		size_t cut;
		svg_width(label, &cut);
		html_textn(b, label, cut);
		if (label[cut] != '\0')
			ld_buf_puts(b, "…");
		ld_buf_puts(b, "</text>");
		if (isfinite(v[i])) {
			double x = xpos(v[i], lo, hi, plot_l, plot_w);
			ld_buf_printf(b,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			        "height=\"%.0f\" fill=\"%s\"/>",
			        fmin(x, zero), top + (SVG_ROW - SVG_BAR) / 2,
			        fabs(x - zero), SVG_BAR,
			        v[i] < 0 ? "#c0504d" : "#4472c4");
		}
		ld_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
		        SVG_W - SVG_PAD, base);
		ld_buf_puts(b, num);
		ld_buf_puts(b, "</text></g>\n");
	}
	ld_buf_puts(b, "</svg>\n");
}

/* A cell that is one short word (a state such as 已转办, a date, a code:
 * at most WORD_MAX characters, no blank) is kept on one line: a browser
 * squeezing a wide table would otherwise break it after every Chinese
 * character, one to a line. Longer text wraps as usual. */
#define WORD_MAX 12

static bool
one_word(const char *s)
{
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			return false;
		/* U+3000, the ideographic space: E3 80 80. */
		if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
			return false;
		if ((*p & 0xc0) != 0x80 && ++chars > WORD_MAX)
			return false;
	}
	return chars > 0;
}

static void
html_row(const struct ld_doc *d, struct ld_buf *b, size_t first, size_t n)
{
	ld_buf_puts(b, "<tr>");
	for (size_t i = 0; i < n; i++) {
		const char *s = cell(d, first + i);
		ld_buf_puts(b, ld_csv_numeric(s) ? "<td class=\"num\">"
		               : one_word(s)     ? "<td class=\"w\">"
		                                 : "<td>");
		html_text(b, s);
		ld_buf_puts(b, "</td>");
	}
	ld_buf_puts(b, "</tr>\n");
}

static void
render_html(const struct ld_doc *d, struct ld_buf *b)
{
	size_t ntables = 0, ncharts = 0;
	ld_buf_puts(b, html_head);
	html_text(b, d->title != 0 ? str(d, d->title) : "报表");
	ld_buf_puts(b, html_style);
	if (d->title != 0) {
		ld_buf_puts(b, "<h1>");
		html_text(b, str(d, d->title));
		ld_buf_puts(b, "</h1>\n");
	}
	if (d->nfigs > 0) {
		ld_buf_puts(b, "<h2>主要数据</h2>\n<dl class=\"figures\">\n");
		for (size_t i = 0; i < d->nfigs; i++) {
			char num[48];
			fmt_figure(d->figs[i].name, d->figs[i].value, num);
			ld_buf_puts(b, "<div class=\"figure\"><dt>");
			html_text(b, d->figs[i].name);
			ld_buf_puts(b, "</dt><dd data-figure=\"");
			html_text(b, d->figs[i].name);
			ld_buf_puts(b, "\">");
			ld_buf_puts(b, num);
			ld_buf_puts(b, "</dd></div>\n");
		}
		ld_buf_puts(b, "</dl>\n");
	}
	for (size_t k = 0; k < d->nblocks; k++) {
		const struct block *bl = &d->blocks[k];
		switch (bl->type) {
		case BLK_HEADING:
			ld_buf_puts(b, "<h2>");
			html_text(b, str(d, bl->text));
			ld_buf_puts(b, "</h2>\n");
			break;
		case BLK_PARA:
			ld_buf_puts(b, "<p>");
			html_text(b, str(d, bl->text));
			ld_buf_puts(b, "</p>\n");
			break;
		case BLK_TABLE:
			ld_buf_printf(b,
			        "<table class=\"data\" data-table=\"%zu\">\n",
			        ++ntables);
			if (bl->text != 0) {
				ld_buf_puts(b, "<caption>");
				html_text(b, str(d, bl->text));
				ld_buf_puts(b, "</caption>\n");
			}
			ld_buf_puts(b, "<thead><tr>");
			for (size_t i = 0; i < bl->ncols; i++) {
				ld_buf_puts(b, one_word(cell(d, bl->first + i))
				                   ? "<th scope=\"col\" class=\"w\">"
				                   : "<th scope=\"col\">");
				html_text(b, cell(d, bl->first + i));
				ld_buf_puts(b, "</th>");
			}
			ld_buf_puts(b, "</tr></thead>\n<tbody>\n");
			for (size_t r = 0; r < bl->nrows; r++)
				html_row(d, b, bl->first + (r + 1) * bl->ncols,
				         bl->ncols);
			ld_buf_puts(b, "</tbody>\n</table>\n");
			break;
		case BLK_CHART:
			ld_buf_printf(b,
			        "<figure class=\"chart\" data-chart=\"%zu\">\n",
			        ++ncharts);
			if (bl->text != 0) {
				ld_buf_puts(b, "<figcaption>");
				html_text(b, str(d, bl->text));
				ld_buf_puts(b, "</figcaption>\n");
			}
			html_chart(d, bl, b);
			ld_buf_puts(b, "</figure>\n");
			break;
		}
	}
	ld_buf_puts(b, "</body>\n</html>\n");
}

int
ld_doc_render(const struct ld_doc *d, const char *format, bool bom, char **out,
              size_t *len)
{
	struct ld_buf b = {0};
	*out = NULL;
	*len = 0;
	if (!ld_doc_format_known(format))
		return -EINVAL;
	ld_buf_put(&b, "", 0); /* an empty rendering is still a string */
	if (strcmp(format, "md") == 0)
		render_md(d, &b);
	else if (strcmp(format, "csv") == 0)
		render_csv(d, bom, &b);
	else if (strcmp(format, "json") == 0)
		render_json(d, &b);
	else
		render_html(d, &b);
	*out = ld_buf_take(&b, len);
	return *out != NULL ? 0 : -ENOMEM;
}
