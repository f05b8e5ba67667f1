/* json.h — JSON out: string literals through json-c, numbers exactly. The
 * one JSON escaper of the project; documents are laid out by their
 * writers (the CLI's ", "/": " style, the renderer's compact one). */
#ifndef LD_JSON_H
#define LD_JSON_H

#include "buf.h"

/* Append `s` (NULL: "") as a JSON string literal, escaped by json-c
 * (json_object_to_json_string_ext, JSON_C_TO_STRING_NOSLASHESCAPE): UTF-8
 * kept as is, '/' not escaped, controls as \b \f \n \r \t or \u00XX.
 * Besides what JSON requires, DEL and U+2028/U+2029 are escaped so the
 * text also survives being pasted into JavaScript. */
void ld_json_put_string(struct ld_buf *b, const char *s);

/* Append the shortest number that reads back as exactly `v`; null if `v`
 * is not finite. */
void ld_json_put_number(struct ld_buf *b, double v);

#endif
