/* roster.c — the columns of a member roster and its rows as MEMBER
 * records and local contact details. Values are checked by the node's
 * rules (ld_batch_check runs ld_validate_new on every record before any
 * is sent); here only the table's shape and yes/no. */
#include "roster.h"
#include "err.h"
#include "validate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum col {
	C_NAME,
	C_SECTOR,
	C_COMMITTEE,
	C_GROUP,
	C_TERM,
	C_STATUS,
	C_JOINED,
	C_NEW,
	C_PHONE,
	C_ADDRESS,
	C_ID_NUMBER,
	C_EMAIL,
	C_SKIP, /* 序号: a row number, ignored */
	NCOLS
};

/* names[0] is the field's English name, names[1] the usual Chinese one. */
static const struct {
	enum col col;
	const char *names[6];
} columns[] = {
    {C_NAME, {"name", "姓名", "委员", "委员姓名"}},
    {C_SECTOR, {"sector", "界别"}},
    {C_COMMITTEE, {"committee", "专委会", "专门委员会", "所属专委会"}},
    {C_GROUP, {"group", "委员小组", "小组", "所属小组"}},
    {C_TERM, {"term", "届次", "届别"}},
    {C_STATUS, {"status", "状态", "委员状态"}},
    {C_JOINED, {"joined", "加入日期", "任职日期", "任职时间"}},
    {C_NEW, {"new", "新任委员", "新委员", "是否新任"}},
    {C_PHONE, {"phone", "电话", "手机", "联系电话", "手机号码"}},
    {C_ADDRESS, {"address", "地址", "住址", "通讯地址", "联系地址"}},
    {C_ID_NUMBER, {"id_number", "身份证号", "身份证", "身份证号码"}},
    {C_EMAIL, {"email", "邮箱", "电子邮箱", "e-mail"}},
    {C_SKIP, {"no", "序号", "编号"}},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static bool
is(const char *cell, const char *name)
{
	while (*cell == ' ')
		cell++;
	size_t n = strlen(cell);
	while (n > 0 && cell[n - 1] == ' ')
		n--;
	if (n != strlen(name))
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = cell[i], b = name[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a == ' ' || a == '-')
			a = '_';
		if (b == '-')
			b = '_';
		if (a != b)
			return false;
	}
	return true;
}

static int
find(const char *cell)
{
	for (size_t i = 0; i < NCOLUMNS; i++)
		for (size_t k = 0; k < 6 && columns[i].names[k]; k++)
			if (is(cell, columns[i].names[k]))
				return (int)columns[i].col;
	return -1;
}

static void
describe(char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i + 1 < NCOLUMNS && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s/%s",
		                        i ? ", " : "", columns[i].names[1],
		                        columns[i].names[0]);
}

static char *
take(const struct ld_csv_row *row, const int *at, enum col c)
{
	if (at[c] < 0 || (size_t)at[c] >= row->n)
		return ld_xstrdup("");
	const char *s = row->f[at[c]];
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	return ld_xstrndup(s, n);
}

/* 是/否, yes/no, true/false, 1/0, "" (no). */
static int
yes_no(const char *s)
{
	static const char *const yes[] = {"是", "yes", "y", "true", "1", "新任"};
	static const char *const no[] = {"否", "no", "n", "false", "0", ""};
	for (size_t i = 0; i < 6; i++) {
		if (is(s, yes[i]))
			return 1;
		if (is(s, no[i]))
			return 0;
	}
	return -1;
}

int
ld_roster_read(const struct ld_csv *csv, struct ld_batch *b,
               struct ld_contact *c, char *err, size_t errlen)
{
	if (csv->n == 0) {
		snprintf(err, errlen, "%s: empty file (expected a header row: "
		         "姓名/name ...)", b->file);
		return LD_ESYNTAX;
	}
	int at[NCOLS];
	for (int i = 0; i < NCOLS; i++)
		at[i] = -1;
	const struct ld_csv_row *h = &csv->rows[0];
	for (size_t i = 0; i < h->n; i++) {
		int col = find(h->f[i]);
		char cols[600];
		if (col < 0) {
			describe(cols, sizeof(cols));
			snprintf(err, errlen, "%s:%zu: unknown column '%.64s' "
			         "(columns: %s)", b->file, h->line, h->f[i],
			         cols);
			ld_oneline(err);
			return LD_ESYNTAX;
		}
		if (col != C_SKIP && at[col] >= 0) {
			snprintf(err, errlen, "%s:%zu: column '%.64s' twice",
			         b->file, h->line, h->f[i]);
			return LD_ESYNTAX;
		}
		at[col] = (int)i;
	}
	if (at[C_NAME] < 0) {
		snprintf(err, errlen, "%s:%zu: no 姓名 (name) column", b->file,
		         h->line);
		return LD_ESYNTAX;
	}
	for (size_t r = 1; r < csv->n; r++) {
		const struct ld_csv_row *row = &csv->rows[r];
		if (row->n > h->n) {
			snprintf(err, errlen, "%s:%zu: %zu fields, the header "
			         "has %zu", b->file, row->line, row->n, h->n);
			return LD_ESYNTAX;
		}
		Ld__Record *rec = ld_xcalloc(1, sizeof(*rec));
		ld__record__init(rec);
		Ld__Member *m = ld_xcalloc(1, sizeof(*m));
		ld__member__init(m);
		rec->body_case = LD__RECORD__BODY_MEMBER;
		rec->member = m;
		rec->author = ld_xstrdup("");
		m->name = take(row, at, C_NAME);
		m->sector = take(row, at, C_SECTOR);
		m->committee = take(row, at, C_COMMITTEE);
		m->group = take(row, at, C_GROUP);
		m->term = take(row, at, C_TERM);
		m->status = take(row, at, C_STATUS);
		m->joined = take(row, at, C_JOINED);
		char *nw = take(row, at, C_NEW);
		int y = yes_no(nw);
		ld_batch_push(b, rec, row->line);
		if (y < 0) {
			snprintf(err, errlen, "%s:%zu: new: '%.32s' is not "
			         "是/否 (yes/no)", b->file, row->line, nw);
			free(nw);
			return LD_ESYNTAX;
		}
		free(nw);
		m->new_member = y == 1;
		struct ld_contact *one = &c[b->n - 1];
		memset(one, 0, sizeof(*one));
		if (at[C_PHONE] >= 0)
			one->phone = take(row, at, C_PHONE);
		if (at[C_ADDRESS] >= 0)
			one->address = take(row, at, C_ADDRESS);
		if (at[C_ID_NUMBER] >= 0)
			one->id_number = take(row, at, C_ID_NUMBER);
		if (at[C_EMAIL] >= 0)
			one->email = take(row, at, C_EMAIL);
	}
	return 0;
}

int
ld_roster_personal(const struct ld_contact *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((c[i].phone && c[i].phone[0]) ||
		    (c[i].address && c[i].address[0]) ||
		    (c[i].id_number && c[i].id_number[0]) ||
		    (c[i].email && c[i].email[0]))
			return 1;
	return 0;
}

void
ld_roster_free_contacts(struct ld_contact *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].member);
		free(c[i].phone);
		free(c[i].address);
		free(c[i].id_number);
		free(c[i].email);
	}
}
