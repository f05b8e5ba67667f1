/* text.h — checks on user text: UTF-8 (the one scanner, and the policy on
 * controls and bidi overrides), dates, numbers. Pure. */
#ifndef LD_TEXT_H
#define LD_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The one UTF-8 scanner. The length (1..4) of the well-formed UTF-8
 * sequence at s[0..n), with its code point in *cp (if not NULL); 0 if
 * s[0] does not start one (overlong forms, surrogates, code points above
 * U+10FFFF and sequences cut by n are not well-formed), or if n is 0. */
size_t ld_utf8_next(const char *s, size_t n, uint32_t *cp);

/* The policy on a code point of user text: 0, LD_ECONTROL for NUL and
 * the other C0 controls except tab, newline and carriage return, DEL and
 * the C1 controls (U+0080-009F), or LD_EBIDI for the bidirectional
 * overrides and isolates (U+202A-202E, U+2066-2069) that make text read
 * differently from what it says. */
int ld_text_char(uint32_t cp);

/* Check s[0..n) against both: 0, LD_EUTF8, LD_ECONTROL or LD_EBIDI
 * (core/err.h; ld_strerror words them), the first problem found. *at (if
 * not NULL) gets the byte offset where it starts. */
int ld_text_check(const char *s, size_t n, size_t *at);

/* ld_text_check(s, n, NULL) == 0. */
bool ld_text_valid(const char *s, size_t n);

/* True if `s` is a calendar date written YYYY-MM-DD (years 1900..9999). */
bool ld_text_date_valid(const char *s);

/* Days since 1970-01-01 (negative before it) of a YYYY-MM-DD date, in
 * *days. Returns 0, or -EINVAL if `s` is not a date. */
int ld_text_date_days(const char *s, long *days);

/* Parse a finite decimal number; false if `s` is not exactly one. */
bool ld_text_parse_number(const char *s, double *out);

/* A year as people write it ("2026", "2026年"), 1..9999; false if not. */
bool ld_text_parse_year(const char *s, uint32_t *out);
/* A month ("3", "3月"), 1..12; "" is 0 (not fixed). False if not. */
bool ld_text_parse_month(const char *s, uint32_t *out);
/* "NAME=NUMBER" (the last '='): NAME's length and the number; false if
 * it is not that shape. */
bool ld_text_parse_metric(const char *s, size_t *name_len, double *value);

#endif
