/* sheet.c — the columns of plan and proposal files, and the mapping
 * between their rows and records. What a value means (a form, a status,
 * an outcome) is left to the node's checks, which ld_batch_check runs on
 * every record before anything is sent; here only the shape of the table
 * and the values records keep as numbers (years, months, yes/no). */
#include "sheet.h"
#include "err.h"
#include "lifecycle.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col {
	C_YEAR,
	C_TITLE,
	C_FORM,
	C_MONTH,
	C_TOPIC,
	C_LEAD,
	C_RESPONSIBLE,
	C_ASSISTING,
	C_STATUS,
	C_SCOPE,
	C_NUMBER,
	C_SUBMITTER,
	C_HANDLER,
	C_OUTCOME,
	C_FACE,
	C_SATISFACTION,
	NCOLS
};

#define K_PLAN 1u
#define K_PROP 2u

/* names[0] is the field's English name (the one the node's messages
 * use), names[1] the Chinese name export writes; the rest are accepted
 * too. English names match in any case, with '-' or ' ' for '_'. */
struct column {
	enum col col;
	unsigned kinds;
	const char *names[7];
};

static const struct column columns[] = {
    {C_YEAR, K_PLAN | K_PROP, {"year", "年度", "年份", "年"}},
    {C_TITLE, K_PLAN, {"title", "计划名称", "计划", "计划标题"}},
    {C_TITLE, K_PROP, {"title", "案由", "标题", "提案标题", "题目"}},
    {C_FORM, K_PLAN, {"form", "形式", "协商形式"}},
    {C_MONTH, K_PLAN, {"month", "月份", "月", "时间"}},
    {C_TOPIC, K_PLAN, {"topic", "议题", "协商议题", "主题"}},
    {C_LEAD, K_PLAN, {"lead", "牵头", "牵头领导", "牵头人"}},
    {C_RESPONSIBLE, K_PLAN, {"responsible", "负责", "负责单位", "责任单位"}},
    {C_ASSISTING, K_PLAN, {"assisting", "协助", "协助单位", "协助落实"}},
    {C_STATUS, K_PLAN | K_PROP, {"status", "状态"}},
    {C_SCOPE, K_PLAN, {"scope", "范围", "下发范围"}},
    {C_NUMBER, K_PROP, {"number", "编号", "案号", "提案号"}},
    {C_SUBMITTER, K_PROP, {"submitter", "提案人", "提案者"}},
    {C_HANDLER, K_PROP, {"handler", "承办单位", "承办"}},
    {C_OUTCOME, K_PROP, {"outcome", "办理结果", "结果", "办理类别"}},
    {C_FACE, K_PROP, {"face_to_face", "面商", "是否面商"}},
    {C_SATISFACTION, K_PROP, {"satisfaction", "满意度", "满意程度", "测评"}},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* The order export writes. */
static const enum col plan_cols[] = {
    C_YEAR, C_TITLE,       C_FORM,      C_MONTH,  C_TOPIC,
    C_LEAD, C_RESPONSIBLE, C_ASSISTING, C_STATUS, C_SCOPE};
static const enum col prop_cols[] = {C_NUMBER,  C_TITLE, C_SUBMITTER,
                                     C_HANDLER, C_YEAR,  C_STATUS,
                                     C_OUTCOME, C_FACE,  C_SATISFACTION};

static const struct column *
column_of(unsigned kind, enum col c)
{
	for (size_t i = 0; i < NCOLUMNS; i++)
		if (columns[i].col == c && (columns[i].kinds & kind))
			return &columns[i];
	return NULL;
}

/* A header cell as compared: no surrounding blanks, ASCII lower case,
 * '-' and ' ' as '_'. */
static void
normalize(const char *in, char *out, size_t len)
{
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '-' || c == ' ')
			c = '_';
		out[i] = c;
	}
	out[n] = '\0';
}

static const struct column *
find(unsigned kinds, const char *cell)
{
	char h[128];
	normalize(cell, h, sizeof(h));
	for (size_t i = 0; i < NCOLUMNS; i++) {
		if (!(columns[i].kinds & kinds))
			continue;
		for (size_t k = 0; k < 7 && columns[i].names[k] != NULL; k++)
			if (strcmp(columns[i].names[k], h) == 0)
				return &columns[i];
	}
	return NULL;
}

/* "year/年度, title/计划名称, ..." for messages. */
static const char *
describe(unsigned kind)
{
	static char buf[2][512];
	char *b = buf[kind == K_PLAN ? 0 : 1];
	const enum col *cols = kind == K_PLAN ? plan_cols : prop_cols;
	size_t ncols = kind == K_PLAN ? sizeof(plan_cols) / sizeof(*cols)
	                              : sizeof(prop_cols) / sizeof(*cols);
	size_t off = 0;
	b[0] = '\0';
	for (size_t i = 0; i < ncols && off < sizeof(buf[0]); i++) {
		const struct column *c = column_of(kind, cols[i]);
		off +=
		    (size_t)snprintf(b + off, sizeof(buf[0]) - off, "%s%s/%s",
		                     i ? ", " : "", c->names[0], c->names[1]);
	}
	return b;
}

static const char *
kind_word(unsigned kind)
{
	return kind == K_PLAN ? "plan" : "proposal";
}

/* ---------------------------------------------------------------- read */

struct reader {
	const struct ld_csv *csv;
	struct ld_batch *b;
	char *err;
	size_t errlen;
	unsigned kind;
	int at[NCOLS]; /* field index of each column, -1 if absent */
	char hdr[NCOLS][64];
	size_t width;
	bool nameless[LD_CSV_MAX_FIELDS];
};

static int fail_at(struct reader *rd, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct reader *rd, size_t line, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(rd->err, rd->errlen, "%s:%zu: %s", rd->b->file, line, msg);
	ld_oneline(rd->err);
	return LD_ESYNTAX;
}

/* The column as the file names it: "月份 (month)", or "month". */
static const char *
label(const struct reader *rd, enum col c)
{
	static char buf[160];
	const char *en = column_of(rd->kind, c)->names[0];
	if (rd->at[c] < 0 || strcmp(rd->hdr[c], en) == 0)
		return en;
	snprintf(buf, sizeof(buf), "%s (%s)", rd->hdr[c], en);
	return buf;
}

/* The value of column `c` in `row` without surrounding blanks: start and
 * length; "" if the file has no such column. */
static const char *
value(const struct reader *rd, const struct ld_csv_row *row, enum col c,
      size_t *len)
{
	*len = 0;
	if (rd->at[c] < 0)
		return "";
	const char *s = row->f[rd->at[c]];
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

static char *
take(const struct reader *rd, const struct ld_csv_row *row, enum col c)
{
	size_t n;
	const char *s = value(rd, row, c, &n);
	return ld_xstrndup(s, n);
}

/* Digits, then `suffix` if any ("2017年", "10月"); within [lo, hi]. */
static bool
number(const char *s, size_t n, const char *suffix, unsigned lo, unsigned hi,
       uint32_t *out)
{
	size_t sl = strlen(suffix);
	if (n > sl && memcmp(s + n - sl, suffix, sl) == 0)
		n -= sl;
	if (n == 0 || n > 4)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int
header(struct reader *rd, Ld__Kind want)
{
	const struct ld_csv_row *h = &rd->csv->rows[0];
	unsigned kind = want == LD__KIND__KIND_PLAN       ? K_PLAN
	                : want == LD__KIND__KIND_PROPOSAL ? K_PROP
	                                                  : 0;
	if (kind == 0) {
		bool plan_ok = true, prop_ok = true;
		const char *plan_only = NULL, *prop_only = NULL;
		for (size_t i = 0; i < h->n; i++) {
			char cell[128];
			normalize(h->f[i], cell, sizeof(cell));
			if (cell[0] == '\0')
				continue;
			const struct column *p = find(K_PLAN, cell),
			                    *q = find(K_PROP, cell);
			if (p == NULL && q == NULL)
				return fail_at(
				    rd, h->line,
				    "unknown column '%s' (plan columns: "
				    "%s; proposal columns: %s)",
				    h->f[i], describe(K_PLAN),
				    describe(K_PROP));
			if (p == NULL) {
				plan_ok = false;
				prop_only = prop_only ? prop_only : h->f[i];
			}
			if (q == NULL) {
				prop_ok = false;
				plan_only = plan_only ? plan_only : h->f[i];
			}
		}
		if (plan_ok && prop_ok)
			return fail_at(rd, h->line,
			               "these columns fit both plan items and "
			               "proposals: pass --kind plan or --kind "
			               "proposal");
		if (!plan_ok && !prop_ok)
			return fail_at(
			    rd, h->line,
			    "column '%s' is for plans and '%s' for "
			    "proposals: a file holds one or the other",
			    plan_only, prop_only);
		kind = plan_ok ? K_PLAN : K_PROP;
	}
	rd->kind = kind;
	rd->width = h->n;
	for (size_t c = 0; c < NCOLS; c++)
		rd->at[c] = -1;
	for (size_t i = 0; i < h->n; i++) {
		char cell[128];
		normalize(h->f[i], cell, sizeof(cell));
		if (cell[0] == '\0') {
			rd->nameless[i] = true;
			continue;
		}
		const struct column *c = find(kind, cell);
		if (c == NULL)
			return fail_at(rd, h->line,
			               "unknown column '%s' for %ss (columns: "
			               "%s)",
			               h->f[i], kind_word(kind),
			               describe(kind));
		if (rd->at[c->col] >= 0)
			return fail_at(rd, h->line,
			               "column '%s' twice (columns %d and %zu)",
			               c->names[0], rd->at[c->col] + 1, i + 1);
		rd->at[c->col] = (int)i;
		/* Header text as written, trimmed, for messages. */
		size_t n;
		const char *s = value(rd, h, c->col, &n);
		snprintf(rd->hdr[c->col], sizeof(rd->hdr[0]), "%.*s", (int)n,
		         s);
	}
	static const enum col plan_need[] = {C_YEAR, C_TITLE, C_FORM, C_TOPIC};
	static const enum col prop_need[] = {C_TITLE};
	const enum col *need = kind == K_PLAN ? plan_need : prop_need;
	size_t nneed = kind == K_PLAN ? 4 : 1;
	for (size_t i = 0; i < nneed; i++) {
		const struct column *c = column_of(kind, need[i]);
		if (rd->at[need[i]] < 0)
			return fail_at(rd, h->line,
			               "no '%s' (%s) column: %s files need %s",
			               c->names[0], c->names[1],
			               kind_word(kind),
			               kind == K_PLAN ? "year, title, form and "
			                                "topic"
			                              : "title");
	}
	struct ld_batch *b = rd->b;
	b->nlabels = 0;
	for (size_t c = 0; c < NCOLS && b->nlabels < LD_BATCH_LABELS; c++) {
		if (rd->at[c] < 0)
			continue;
		b->labels[b->nlabels].field = column_of(kind, c)->names[0];
		snprintf(b->labels[b->nlabels].header,
		         sizeof(b->labels[0].header), "%s", rd->hdr[c]);
		b->nlabels++;
	}
	return 0;
}

/* Paths separated by blanks or ';'. */
static void
split_scope(const char *s, size_t n, Ld__Record *r)
{
	size_t cnt = 0;
	char **v = ld_xcalloc(n / 2 + 1, sizeof(char *));
	size_t i = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == ';'))
			i++;
		size_t j = i;
		while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != ';')
			j++;
		if (j > i)
			v[cnt++] = ld_xstrndup(s + i, j - i);
		i = j;
	}
	/* No array for no paths: the node's checks give an empty scope a
	 * new one without freeing the old. */
	if (cnt == 0) {
		free(v);
		v = NULL;
	}
	r->scope = v;
	r->n_scope = cnt;
}

static bool
same_scope(const Ld__Record *a, const Ld__Record *b)
{
	if (a->n_scope != b->n_scope)
		return false;
	for (size_t i = 0; i < a->n_scope; i++)
		if (strcmp(a->scope[i], b->scope[i]) != 0)
			return false;
	return true;
}

static int
year_of(struct reader *rd, const struct ld_csv_row *row, bool required,
        uint32_t *year)
{
	size_t n;
	const char *s = value(rd, row, C_YEAR, &n);
	*year = 0;
	if (n == 0 && !required)
		return 0;
	if (n == 0)
		return fail_at(rd, row->line, "%s: required",
		               label(rd, C_YEAR));
	if (!number(s, n, "年", 1, 9999, year))
		return fail_at(rd, row->line,
		               "%s: '%.*s' is not a year (2017 or 2017年)",
		               label(rd, C_YEAR), (int)n, s);
	return 0;
}

static int
plan_row(struct reader *rd, const struct ld_csv_row *row, size_t first)
{
	uint32_t year;
	int rc = year_of(rd, row, true, &year);
	if (rc != 0)
		return rc;
	size_t tn;
	const char *title = value(rd, row, C_TITLE, &tn);
	if (tn == 0)
		return fail_at(rd, row->line, "%s: required",
		               label(rd, C_TITLE));
	size_t sn;
	const char *scope = value(rd, row, C_SCOPE, &sn);
	Ld__Record probe = LD__RECORD__INIT;
	split_scope(scope, sn, &probe);

	/* The plan this row belongs to: same year and title. */
	struct ld_batch *b = rd->b;
	struct ld_batch_rec *e = NULL;
	bool created = false;
	for (size_t i = first; i < b->n && e == NULL; i++) {
		Ld__Plan *p = b->v[i].r->plan;
		if (p->year == year && strlen(p->title) == tn &&
		    memcmp(p->title, title, tn) == 0)
			e = &b->v[i];
	}
	if (e == NULL) {
		Ld__Record *r = ld_xcalloc(1, sizeof(*r));
		ld__record__init(r);
		Ld__Plan *p = ld_xcalloc(1, sizeof(*p));
		ld__plan__init(p);
		r->body_case = LD__RECORD__BODY_PLAN;
		r->plan = p;
		p->year = year;
		p->title = ld_xstrndup(title, tn);
		r->scope = probe.scope;
		r->n_scope = probe.n_scope;
		probe.scope = NULL;
		probe.n_scope = 0;
		e = ld_batch_push(b, r, row->line);
		created = true;
	}
	bool differs = !created && !same_scope(e->r, &probe);
	for (size_t i = 0; i < probe.n_scope; i++)
		free(probe.scope[i]);
	free(probe.scope);
	if (differs)
		return fail_at(rd, row->line,
		               "%s: differs from line %zu, where this plan "
		               "starts",
		               label(rd, C_SCOPE), e->where);

	/* A row with no item fields only names the plan. */
	static const enum col item_cols[] = {
	    C_FORM,        C_MONTH,     C_TOPIC, C_LEAD,
	    C_RESPONSIBLE, C_ASSISTING, C_STATUS};
	bool any = false;
	for (size_t i = 0; i < sizeof(item_cols) / sizeof(*item_cols); i++) {
		size_t n;
		value(rd, row, item_cols[i], &n);
		any = any || n > 0;
	}
	if (!any)
		return 0;
	size_t mn;
	const char *m = value(rd, row, C_MONTH, &mn);
	uint32_t month = 0;
	if (mn > 0 && !number(m, mn, "月", 1, 12, &month))
		return fail_at(
		    rd, row->line,
		    "%s: '%.*s' is not a month (1-12, 10 or 10月, or "
		    "empty when not fixed)",
		    label(rd, C_MONTH), (int)mn, m);
	Ld__PlanItem *it = ld_xcalloc(1, sizeof(*it));
	ld__plan_item__init(it);
	it->month = month;
	it->form = take(rd, row, C_FORM);
	it->topic = take(rd, row, C_TOPIC);
	it->lead = take(rd, row, C_LEAD);
	it->responsible = take(rd, row, C_RESPONSIBLE);
	it->assisting = take(rd, row, C_ASSISTING);
	it->status = take(rd, row, C_STATUS);
	Ld__Plan *p = e->r->plan;
	size_t k = p->n_items;
	Ld__PlanItem **items = realloc(p->items, (k + 1) * sizeof(*items));
	size_t *lines = realloc(e->item_lines, (k + 1) * sizeof(*lines));
	if (items != NULL)
		p->items = items;
	if (lines != NULL)
		e->item_lines = lines;
	if (items == NULL || lines == NULL) {
		ld__plan_item__free_unpacked(it, NULL);
		fprintf(stderr, "liandong: out of memory\n");
		exit(1);
	}
	p->items[k] = it;
	e->item_lines[k] = row->line;
	p->n_items = k + 1;
	return 0;
}

static bool
yes_no(const char *s, size_t n, bool *out)
{
	static const char *const yes[] = {"yes", "y", "true", "1", "是", NULL};
	static const char *const no[] = {"no", "n", "false", "0", "否", NULL};
	char v[16];
	*out = false;
	if (n >= sizeof(v))
		return false;
	memcpy(v, s, n);
	v[n] = '\0';
	normalize(v, v, sizeof(v));
	if (n == 0)
		return true;
	for (int i = 0; yes[i] != NULL; i++)
		if (strcmp(v, yes[i]) == 0)
			return *out = true, true;
	for (int i = 0; no[i] != NULL; i++)
		if (strcmp(v, no[i]) == 0)
			return true;
	return false;
}

static int
proposal_row(struct reader *rd, const struct ld_csv_row *row)
{
	uint32_t year;
	int rc = year_of(rd, row, false, &year);
	if (rc != 0)
		return rc;
	size_t fn;
	const char *f = value(rd, row, C_FACE, &fn);
	bool face;
	if (!yes_no(f, fn, &face))
		return fail_at(rd, row->line,
		               "%s: '%.*s' is not yes or no (是/否)",
		               label(rd, C_FACE), (int)fn, f);
	Ld__Record *r = ld_xcalloc(1, sizeof(*r));
	ld__record__init(r);
	Ld__Proposal *p = ld_xcalloc(1, sizeof(*p));
	ld__proposal__init(p);
	r->body_case = LD__RECORD__BODY_PROPOSAL;
	r->proposal = p;
	ld_batch_push(rd->b, r, row->line);
	p->year = year;
	p->face_to_face = face;
	p->number = take(rd, row, C_NUMBER);
	p->title = take(rd, row, C_TITLE);
	p->submitter = take(rd, row, C_SUBMITTER);
	p->handler = take(rd, row, C_HANDLER);
	p->status = take(rd, row, C_STATUS);
	p->outcome = take(rd, row, C_OUTCOME);
	p->satisfaction = take(rd, row, C_SATISFACTION);
	return 0;
}

int
ld_sheet_read(const struct ld_csv *csv, Ld__Kind kind, struct ld_batch *b,
              char *err, size_t errlen)
{
	struct reader rd = {.csv = csv, .b = b, .err = err, .errlen = errlen};
	b->csv = true;
	if (csv->n == 0) {
		snprintf(err, errlen, "%s:1: no header row (the file is empty)",
		         b->file);
		return LD_ESYNTAX;
	}
	int rc = header(&rd, kind);
	if (rc != 0)
		return rc;
	size_t first = b->n;
	for (size_t i = 1; i < csv->n; i++) {
		const struct ld_csv_row *row = &csv->rows[i];
		if (row->n != rd.width)
			return fail_at(
			    &rd, row->line,
			    "%zu fields, but the header has %zu (a "
			    "value holding a comma must be in quotes)",
			    row->n, rd.width);
		bool blank = true;
		for (size_t k = 0; k < row->n; k++) {
			const char *s = row->f[k];
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s == '\0')
				continue;
			blank = false;
			if (rd.nameless[k])
				return fail_at(
				    &rd, row->line,
				    "a value in column %zu, which has no "
				    "name in the header",
				    k + 1);
		}
		if (blank)
			continue;
		rc = rd.kind == K_PLAN ? plan_row(&rd, row, first)
		                       : proposal_row(&rd, row);
		if (rc != 0)
			return rc;
	}
	if (b->n == first) {
		snprintf(err, errlen, "%s:%zu: no %ss after the header row",
		         b->file, csv->rows[csv->n - 1].line,
		         kind_word(rd.kind));
		return LD_ESYNTAX;
	}
	return 0;
}

/* ---------------------------------------------------------------- write */

void
ld_sheet_write(struct ld_buf *out, Ld__Kind kind, Ld__Record *const *recs,
               size_t n)
{
	bool plan = kind == LD__KIND__KIND_PLAN;
	unsigned k = plan ? K_PLAN : K_PROP;
	const enum col *cols = plan ? plan_cols : prop_cols;
	size_t ncols = plan ? sizeof(plan_cols) / sizeof(*cols)
	                    : sizeof(prop_cols) / sizeof(*cols);
	const char *f[NCOLS];
	for (size_t i = 0; i < ncols; i++)
		f[i] = column_of(k, cols[i])->names[1];
	ld_csv_put_row(out, f, ncols);
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		char year[16] = "", month[16] = "";
		struct ld_buf scope = {0};
		ld_buf_puts(&scope, "");
		if (plan && r->body_case == LD__RECORD__BODY_PLAN) {
			const Ld__Plan *p = r->plan;
			for (size_t s = 0; s < r->n_scope; s++) {
				if (s)
					ld_buf_puts(&scope, " ");
				ld_buf_puts(&scope, r->scope[s]);
			}
			snprintf(year, sizeof(year), "%u", p->year);
			for (size_t t = 0; t < p->n_items || t == 0; t++) {
				const Ld__PlanItem *it =
				    p->n_items ? p->items[t] : NULL;
				month[0] = '\0';
				if (it != NULL && it->month != 0)
					snprintf(month, sizeof(month), "%u",
					         it->month);
				const char *v[] = {
				    year,
				    p->title,
				    it ? it->form : "",
				    month,
				    it ? it->topic : "",
				    it ? it->lead : "",
				    it ? it->responsible : "",
				    it ? it->assisting : "",
				    it ? ld_status_label(LD_SM_PLAN_ITEM,
				                         it->status)
				       : "",
				    scope.p,
				};
				ld_csv_put_row(out, v, ncols);
			}
		} else if (!plan && r->body_case == LD__RECORD__BODY_PROPOSAL) {
			const Ld__Proposal *p = r->proposal;
			if (p->year != 0)
				snprintf(year, sizeof(year), "%u", p->year);
			const char *v[] = {
			    p->number,
			    p->title,
			    p->submitter,
			    p->handler,
			    year,
			    ld_status_label(LD_SM_PROPOSAL, p->status),
			    p->outcome,
			    p->face_to_face ? "是" : "否",
			    p->satisfaction,
			};
			ld_csv_put_row(out, v, ncols);
		}
		ld_buf_free(&scope);
	}
}
