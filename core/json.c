/* json.c — JSON string literals through json-c, and exact numbers. */
#include "json.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ld_json_put_string(struct ld_buf *b, const char *s)
{
	json_object *o = json_object_new_string(s != NULL ? s : "");
	const char *j =
	    o != NULL ? json_object_to_json_string_ext(
	                    o, JSON_C_TO_STRING_PLAIN |
	                           JSON_C_TO_STRING_NOSLASHESCAPE)
	              : NULL;
	if (j == NULL) {
		b->oom = true;
		json_object_put(o);
		return;
	}
	/* json-c passes DEL and U+2028/U+2029 through; none of their bytes
	 * can be part of an escape it wrote. */
	for (const char *p = j;;) {
		size_t n = strcspn(p, "\x7f\xe2");
		ld_buf_put(b, p, n);
		p += n;
		if (*p == '\0')
			break;
		if (*p == '\x7f') {
			ld_buf_puts(b, "\\u007f");
			p++;
		} else if (p[1] == '\x80' && (p[2] == '\xa8' || p[2] == '\xa9')) {
			ld_buf_puts(b, p[2] == '\xa8' ? "\\u2028" : "\\u2029");
			p += 3;
		} else {
			ld_buf_putc(b, *p++);
		}
	}
	json_object_put(o);
}

void
ld_json_put_number(struct ld_buf *b, double v)
{
	if (!isfinite(v)) {
		ld_buf_puts(b, "null");
		return;
	}
	char num[48];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(num, sizeof(num), "%.*g", prec, v);
		if (strtod(num, NULL) == v)
			break;
	}
	ld_buf_puts(b, num);
}
