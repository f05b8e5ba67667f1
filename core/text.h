/* text.h — checks on user text: UTF-8, dates, numbers. Pure. */
#ifndef LD_TEXT_H
#define LD_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF) and holds no NUL or other C0 control except
 * tab, newline and carriage return, no DEL, no C1 control, and no
 * bidirectional override or isolate (U+202A-202E, U+2066-2069). */
bool ld_text_valid(const char *s, size_t n);

/* True if `s` is a calendar date written YYYY-MM-DD (years 1900..9999). */
bool ld_text_date_valid(const char *s);

/* Days since 1970-01-01 of a valid YYYY-MM-DD date. */
long ld_text_date_days(const char *s);

/* Parse a finite decimal number; false if `s` is not exactly one. */
bool ld_text_parse_number(const char *s, double *out);

#endif
