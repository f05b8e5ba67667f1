/* text.c — the UTF-8 scanner and the policy on user text; date and
 * number checks. Pure. */
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t
ld_utf8_next(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		if (cp != NULL)
			*cp = c;
		return 1;
	}
	size_t len;
	uint32_t v, min;
	if ((c & 0xe0) == 0xc0)
		len = 2, v = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		len = 3, v = c & 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		len = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = v;
	return len;
}

int
ld_text_char(uint32_t cp)
{
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    (cp >= 0x7f && cp <= 0x9f))
		return LD_ECONTROL;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return LD_EBIDI;
	return 0;
}

int
ld_text_check(const char *s, size_t n, size_t *at)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	int rc = 0;
	while (i < n) {
		/* The common cases inline (every record at every node goes
		 * through here): printable ASCII, and a well-formed 3-byte
		 * sequence (CJK) that is no surrogate; the same rules as
		 * ld_utf8_next and ld_text_char, which take the rest. */
		unsigned c = u[i];
		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if ((c & 0xf0) == 0xe0 && n - i >= 3 && (u[i + 1] & 0xc0) == 0x80 &&
		    (u[i + 2] & 0xc0) == 0x80) {
			uint32_t v = ((c & 0x0fu) << 12) |
			             ((u[i + 1] & 0x3fu) << 6) | (u[i + 2] & 0x3fu);
			if (v >= 0x800 && (v < 0xd800 || v > 0xdfff) &&
			    (v < 0x202a || v > 0x2069)) {
				i += 3;
				continue;
			}
		}
		uint32_t cp;
		size_t len = ld_utf8_next(s + i, n - i, &cp);
		if (len == 0) {
			rc = LD_EUTF8;
			break;
		}
		if ((rc = ld_text_char(cp)) != 0)
			break;
		i += len;
	}
	if (at != NULL)
		*at = i;
	return rc;
}

bool
ld_text_valid(const char *s, size_t n)
{
	return ld_text_check(s, n, NULL) == 0;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

static bool
parse_date(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return *y >= 1900 && *m >= 1 && *m <= 12 && *d >= 1 &&
	       *d <= month_days(*y, *m);
}

bool
ld_text_date_valid(const char *s)
{
	int y, m, d;
	return parse_date(s, &y, &m, &d);
}

/* Howard Hinnant's days_from_civil. */
int
ld_text_date_days(const char *s, long *days)
{
	int y, m, d;
	if (!parse_date(s, &y, &m, &d))
		return -EINVAL;
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 719468;
	return 0;
}

bool
ld_text_parse_number(const char *s, double *out)
{
	if (s == NULL || *s == '\0')
		return false;
	/* Plain decimal only: no leading blanks, hex, inf or nan. */
	for (const char *c = s; *c != '\0'; c++)
		if (strchr("0123456789+-.eE", *c) == NULL)
			return false;
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	/* ERANGE on underflow (1e-310) still gives a usable number. */
	if ((errno != 0 && fabs(v) >= 1.0) || end == s || *end != '\0' ||
	    !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* A whole number from 1 to `max`, optionally followed by `unit`. */
static bool
parse_unit(const char *s, const char *unit, long max, uint32_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (strcmp(end, unit) == 0)
		end += strlen(unit);
	if (end == s || *end != '\0' || errno || v < 1 || v > max ||
	    s[0] < '0' || s[0] > '9')
		return false;
	*out = (uint32_t)v;
	return true;
}

bool
ld_text_parse_year(const char *s, uint32_t *out)
{
	return parse_unit(s, "年", 9999, out);
}

bool
ld_text_parse_month(const char *s, uint32_t *out)
{
	*out = 0;
	return s[0] == '\0' || parse_unit(s, "月", 12, out);
}

bool
ld_text_parse_metric(const char *s, size_t *name_len, double *value)
{
	const char *eq = strrchr(s, '=');
	if (eq == NULL || eq == s)
		return false;
	*name_len = (size_t)(eq - s);
	return ld_text_parse_number(eq + 1, value);
}
