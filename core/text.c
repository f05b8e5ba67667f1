/* text.c — UTF-8, date and number checks for user input. Pure. */
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool
ld_text_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			if (c == 0x7f)
				return false;
			i++;
			continue;
		}
		size_t len;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		/* C1 controls, and the bidirectional overrides that make text
		 * read differently from what it says. */
		if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return false;
		i += len;
	}
	return true;
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
long
ld_text_date_days(const char *s)
{
	int y, m, d;
	if (!parse_date(s, &y, &m, &d))
		return -1;
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
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
