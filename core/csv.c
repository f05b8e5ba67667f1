/* csv.c — an RFC 4180 reader that checks UTF-8 as it goes (so an error
 * can say line and column), and the matching writer. */
#include "csv.h"
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const unsigned char *p, *end, *line_start;
	size_t line, row_line;
	struct ld_csv *out;
	struct ld_csv_error *e;
	char *fb; /* the field being read */
	size_t fn, fcap;
	char *row[LD_CSV_MAX_FIELDS]; /* the row being read */
	size_t nf;
	int rc; /* the code of the error in `e` */
};

/* Column, in characters from 1, of `at` on the current line. */
static size_t
column(const struct parser *ps, const unsigned char *at)
{
	size_t col = 1;
	for (const unsigned char *q = ps->line_start; q < at; q++)
		if ((*q & 0xc0) != 0x80)
			col++;
	return col;
}

static int error_at(struct parser *ps, size_t line, size_t col, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

static int
error_at(struct parser *ps, size_t line, size_t col, const char *fmt, ...)
{
	ps->e->line = line;
	ps->e->col = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->e->msg, sizeof(ps->e->msg), fmt, ap);
	va_end(ap);
	return ps->rc = LD_ESYNTAX;
}

#define ERROR(ps, ...)                                                         \
	error_at((ps), (ps)->line, column((ps), (ps)->p), __VA_ARGS__)
/* The same with a code other than LD_ESYNTAX. */
#define ERROR_CODE(ps, code, ...) (ERROR(ps, __VA_ARGS__), (ps)->rc = (code))

static int
append(struct parser *ps, const unsigned char *s, size_t n)
{
	if (ps->fn + n > LD_CSV_MAX_FIELD)
		return ERROR_CODE(ps, LD_ELIMIT, "a field longer than %d bytes",
		             LD_CSV_MAX_FIELD);
	if (ps->fn + n + 1 > ps->fcap) {
		size_t cap = ps->fcap ? ps->fcap : 64;
		while (cap < ps->fn + n + 1)
			cap *= 2;
		char *nb = realloc(ps->fb, cap);
		if (nb == NULL)
			return ERROR_CODE(ps, -ENOMEM, "out of memory");
		ps->fb = nb;
		ps->fcap = cap;
	}
	memcpy(ps->fb + ps->fn, s, n);
	ps->fn += n;
	return 0;
}

/* Take one character of field text at ps->p, checking it against the
 * policy on user text (core/text.h). */
static int
take_char(struct parser *ps)
{
	unsigned char c = *ps->p;
	if (c == 0)
		return ERROR(ps, "a NUL byte");
	uint32_t cp;
	size_t n = ld_utf8_next((const char *)ps->p, (size_t)(ps->end - ps->p),
	                        &cp);
	if (n == 0)
		return ERROR(ps,
		             "not UTF-8 (byte 0x%02x); save the file as "
		             "UTF-8 (\"CSV UTF-8\"), not GBK",
		             c);
	switch (ld_text_char(cp)) {
	case 0:
		break;
	case LD_EBIDI:
		return ERROR(ps, "a bidi override (U+%04X)", (unsigned)cp);
	default:
		if (cp < 0x80)
			return ERROR(ps, "a control character (0x%02x)", c);
		return ERROR(ps, "a control character (U+%04X)", (unsigned)cp);
	}
	if (append(ps, ps->p, n) != 0)
		return ps->rc;
	ps->p += n;
	return 0;
}

static int
end_field(struct parser *ps)
{
	if (ps->nf == LD_CSV_MAX_FIELDS)
		return ERROR_CODE(ps, LD_ELIMIT, "more than %d fields in a row",
		             LD_CSV_MAX_FIELDS);
	char *f = malloc(ps->fn + 1);
	if (f == NULL)
		return ERROR_CODE(ps, -ENOMEM, "out of memory");
	if (ps->fn > 0)
		memcpy(f, ps->fb, ps->fn);
	f[ps->fn] = '\0';
	ps->row[ps->nf++] = f;
	ps->fn = 0;
	return 0;
}

static int
end_row(struct parser *ps)
{
	struct ld_csv *c = ps->out;
	if (c->n == LD_CSV_MAX_ROWS)
		return ERROR_CODE(ps, LD_ELIMIT, "more than %d rows", LD_CSV_MAX_ROWS);
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct ld_csv_row *r = realloc(c->rows, cap * sizeof(*r));
		if (r == NULL)
			return ERROR_CODE(ps, -ENOMEM, "out of memory");
		c->rows = r;
		c->cap = cap;
	}
	char **f = malloc(ps->nf * sizeof(*f));
	if (f == NULL)
		return ERROR_CODE(ps, -ENOMEM, "out of memory");
	memcpy(f, ps->row, ps->nf * sizeof(*f));
	c->rows[c->n++] = (struct ld_csv_row){ps->row_line, ps->nf, f};
	ps->nf = 0;
	return 0;
}

/* Step over a line break (CRLF, LF or CR) at ps->p. */
static void
newline(struct parser *ps)
{
	if (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n')
		ps->p++;
	ps->p++;
	ps->line++;
	ps->line_start = ps->p;
}

enum state { START, UNQUOTED, QUOTED, AFTER_QUOTE };

static int
run(struct parser *ps)
{
	enum state st = START;
	size_t qline = 0, qcol = 0;
	while (ps->p < ps->end) {
		unsigned char c = *ps->p;
		if (st == QUOTED) {
			if (c == '"' && ps->p + 1 < ps->end &&
			    ps->p[1] == '"') {
				if (append(ps, ps->p, 1) != 0)
					return ps->rc;
				ps->p += 2;
			} else if (c == '"') {
				st = AFTER_QUOTE;
				ps->p++;
			} else if (c == '\r' || c == '\n') {
				/* Line breaks in a field are kept as LF. */
				if (append(ps, (const unsigned char *)"\n",
				           1) != 0)
					return ps->rc;
				newline(ps);
			} else if (take_char(ps) != 0) {
				return ps->rc;
			}
			continue;
		}
		if (c == ',') {
			if (end_field(ps) != 0)
				return ps->rc;
			st = START;
			ps->p++;
		} else if (c == '\r' || c == '\n') {
			/* An empty line is no row. */
			if (st != START || ps->nf > 0) {
				if (end_field(ps) != 0 || end_row(ps) != 0)
					return ps->rc;
			}
			newline(ps);
			ps->row_line = ps->line;
			st = START;
		} else if (st == AFTER_QUOTE) {
			return ERROR(ps, "text after the closing quote of a "
			                 "field (a quote inside a quoted field "
			                 "is written \"\")");
		} else if (c == '"' && st == START) {
			st = QUOTED;
			qline = ps->line;
			qcol = column(ps, ps->p);
			ps->p++;
		} else if (c == '"') {
			return ERROR(ps, "a quote inside an unquoted field "
			                 "(quote the whole field and write the "
			                 "quote as \"\")");
		} else {
			st = UNQUOTED;
			if (take_char(ps) != 0)
				return ps->rc;
		}
	}
	if (st == QUOTED)
		return error_at(ps, qline, qcol,
		                "a quoted field that never "
		                "ends (no closing \")");
	if (st != START || ps->nf > 0)
		return end_field(ps) != 0 || end_row(ps) != 0 ? ps->rc : 0;
	return 0;
}

int
ld_csv_parse(const char *buf, size_t len, struct ld_csv *out,
             struct ld_csv_error *e)
{
	memset(out, 0, sizeof(*out));
	memset(e, 0, sizeof(*e));
	struct parser ps = {
	    .p = (const unsigned char *)buf,
	    .end = (const unsigned char *)buf + len,
	    .line = 1,
	    .row_line = 1,
	    .out = out,
	    .e = e,
	};
	ps.line_start = ps.p;
	int rc;
	if (len >= 2 && ((ps.p[0] == 0xff && ps.p[1] == 0xfe) ||
	                 (ps.p[0] == 0xfe && ps.p[1] == 0xff))) {
		rc = error_at(&ps, 1, 1,
		              "the file is UTF-16; save it as "
		              "UTF-8 (\"CSV UTF-8\")");
	} else {
		if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			ps.p = ps.line_start = ps.p + 3;
		rc = run(&ps);
	}
	for (size_t i = 0; i < ps.nf; i++)
		free(ps.row[i]);
	free(ps.fb);
	if (rc != 0) {
		ld_csv_free(out);
		rc = ps.rc;
	}
	return rc;
}

void
ld_csv_free(struct ld_csv *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->rows[i].n; k++)
			free(c->rows[i].f[k]);
		free(c->rows[i].f);
	}
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
ld_csv_numeric(const char *s)
{
	const char *p = s;
	size_t digits = 0;
	if (*p == '+' || *p == '-')
		p++;
	for (; is_digit(*p); p++)
		digits++;
	if (*p == '.')
		for (p++; is_digit(*p); p++)
			digits++;
	if (digits == 0)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
	}
	if (*p == '%')
		p++;
	return *p == '\0';
}

/* One field; with `safe`, a would-be formula gets a leading apostrophe
 * (inside the quotes, if the field needs them). */
static void
put_field(struct ld_buf *b, const char *s, bool safe)
{
	bool formula = safe && s[0] != '\0' &&
	               strchr("=+-@\t\r", s[0]) != NULL && !ld_csv_numeric(s);
	/* A field that starts with U+FEFF is quoted too: at the start of a
	 * file it would read back as a byte order mark. */
	if (strpbrk(s, ",\"\r\n") == NULL &&
	    strncmp(s, "\xef\xbb\xbf", 3) != 0) {
		if (formula)
			ld_buf_putc(b, '\'');
		ld_buf_puts(b, s);
		return;
	}
	ld_buf_putc(b, '"');
	if (formula)
		ld_buf_putc(b, '\'');
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		ld_buf_put(b, s, (size_t)(q - s));
		ld_buf_puts(b, "\"\"");
	}
	ld_buf_puts(b, s);
	ld_buf_putc(b, '"');
}

static void
put_row(struct ld_buf *b, const char *const *f, size_t n, bool safe)
{
	if (n == 1 && f[0][0] == '\0') {
		ld_buf_puts(b, "\"\"\r\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			ld_buf_putc(b, ',');
		put_field(b, f[i], safe);
	}
	ld_buf_puts(b, "\r\n");
}

void
ld_csv_put_field(struct ld_buf *b, const char *s)
{
	put_field(b, s, false);
}

void
ld_csv_put_row(struct ld_buf *b, const char *const *f, size_t n)
{
	put_row(b, f, n, false);
}

void
ld_csv_put_row_safe(struct ld_buf *b, const char *const *f, size_t n)
{
	put_row(b, f, n, true);
}
