/* render.h — a report's structured content (what a plugin produced) and
 * its rendering as Markdown, CSV, JSON or one HTML page. Pure. */
#ifndef LD_RENDER_H
#define LD_RENDER_H

#include <stdbool.h>
#include <stddef.h>

/* Limits. Passing one makes the call fail with a reason and leaves the
 * document as it was; the host logs the reason and decides what to do. */
#define LD_DOC_MAX_BLOCKS 10000  /* headings, paragraphs, tables, charts */
#define LD_DOC_MAX_COLS 64       /* columns of one table */
#define LD_DOC_MAX_ROWS 1000000  /* table rows, in all */
#define LD_DOC_MAX_CELLS 4000000 /* header cells, cells and bars, in all */
#define LD_DOC_MAX_BARS 256      /* bars of one chart */
#define LD_DOC_MAX_FIGURES 1000  /* distinct figure names */
/* Bytes of one text as given: a title, heading, paragraph, caption, cell,
 * label or figure name. */
#define LD_DOC_MAX_TEXT 65536
#define LD_DOC_MAX_TOTAL (32u << 20) /* bytes of all text, as stored */

/* What the plugin produced, in order. A failed call changes nothing. */
struct ld_doc;

/* An empty document, or NULL if out of memory. */
struct ld_doc *ld_doc_new(void);
/* Free the document and set *d to NULL. */
void ld_doc_free(struct ld_doc **d);

/* Each returns 0, or a negative code with a one-line reason in
 * ld_doc_error: -ENOMEM, LD_ELIMIT (a limit passed), or -EINVAL (a call
 * out of place: a row that does not directly follow its table or its
 * table's rows, a table of no columns, a chart without values, a figure
 * without a name). Text is copied. A NULL text is "" (no caption,
 * an empty cell). Text that is not valid UTF-8 is stored with each bad
 * byte replaced by U+FFFD.
 *
 * The title is the document's, not a block: a second call replaces it. */
int ld_doc_title(struct ld_doc *d, const char *text);
int ld_doc_heading(struct ld_doc *d, const char *text);
int ld_doc_para(struct ld_doc *d, const char *text);
/* A table of `ncols` (1..LD_DOC_MAX_COLS) columns named by cols[0..ncols). */
int ld_doc_table(struct ld_doc *d, const char *caption, size_t ncols,
                 const char *const *cols);
/* A row of the last table: `ncols` cells. */
int ld_doc_row(struct ld_doc *d, const char *const *cells);
/* A bar chart of `n` (0..LD_DOC_MAX_BARS) labelled values. A value that is
 * not finite draws no bar and shows no number. */
int ld_doc_chart(struct ld_doc *d, const char *caption, size_t n,
                 const char *const *labels, const double *values);
/* A headline figure. A name given again keeps its first place and takes
 * the new value. */
int ld_doc_figure(struct ld_doc *d, const char *name, double value);

/* Why the last failed call failed ("" if none did). Valid until the next
 * call on `d`. */
const char *ld_doc_error(const struct ld_doc *d);

/* The figures, in order. A name is valid until ld_doc_free. */
size_t ld_doc_nfigures(const struct ld_doc *d);
const char *ld_doc_figure_name(const struct ld_doc *d, size_t i);
double ld_doc_figure_value(const struct ld_doc *d, size_t i);

/* Is `format` one of md, csv, json, html? */
bool ld_doc_format_known(const char *format);

/* Render `d` into a malloc'd, NUL-terminated buffer (*out, *len without
 * the NUL); the caller frees *out. `bom`: start CSV with a UTF-8 byte order
 * mark, for spreadsheets that otherwise guess a legacy code page (ignored
 * for the other formats). Returns 0, or -ENOMEM or -EINVAL (an unknown
 * format) with *out NULL.
 *
 * Numbers (chart values, figures) show as integers without decimals
 * ("10"), else with at most 4 decimals, trailing zeros dropped ("0.949"),
 * a tiny non-zero one in exponent form ("1.5e-05"); not finite: nothing.
 * JSON instead carries the exact value (shortest text that reads back to
 * the same double; not finite: null). A headline figure that is a share
 * (its name ends in 率: 解决率 = 0.9486) shows as a percentage with one
 * decimal, "94.9%", as the tables show shares (core/figures.c,
 * ld_figures_pct_text); JSON still carries 0.9486.
 *
 * md    `# title`; then, if there are figures, `## 主要数据` and a bullet
 *       list "- 名称: 10"; then the blocks: `## heading`, paragraphs, a
 *       table as a bold caption line and a GFM pipe table, a chart as a
 *       bold caption line and a table 项目 | 数值 (Markdown has no
 *       charts). Markdown punctuation in text is backslash-escaped so it
 *       reads as written; in cells, line breaks become <br>. Leading
 *       blanks of a paragraph's lines are dropped (they would make code).
 * csv   RFC 4180 with CRLF. Each table: its caption as a one-cell line
 *       (if any), the header, the rows; a chart likewise with the header
 *       项目,数值; the figures last, as 主要数据 / 名称,数值. An empty line
 *       between tables. Title, headings and paragraphs are left out: CSV
 *       carries the data. A field holding , " CR or LF is quoted. Against
 *       formula injection, a field starting with = + - @ TAB or CR that is
 *       not a plain number ("-3", "+1.5e3", "-5%") gets a leading '.
 * json  {"title":"…","blocks":[{"type":"heading","text":…},
 *       {"type":"para","text":…},{"type":"table","caption":…,
 *       "columns":[…],"rows":[[…],…]},{"type":"chart","caption":…,
 *       "bars":[{"label":…,"value":…},…]}],"figures":{"名称":10,…}}
 *       on one line; "title" is "" if none was given.
 * html  One self-contained page (no scripts, no external resources):
 *       <h1> title; figures as <dl class="figures"> of
 *       <div class="figure"><dt>名称</dt><dd data-figure="名称">10</dd>;
 *       <h2> headings; <p> paragraphs; <table class="data" data-table="N">
 *       with <caption>, cells that look numeric get class="num"; charts
 *       as <figure class="chart" data-chart="N"> holding an inline <svg>
 *       horizontal bar chart, one <g class="bar" data-label="…"
 *       data-value="…"> per bar. N counts tables (charts) from 1. */
int ld_doc_render(const struct ld_doc *d, const char *format, bool bom,
                  char **out, size_t *len);

#endif
