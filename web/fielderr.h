/* fielderr.h — a node's refusal, read for a person: from the one-line
 * English reason validate.c, lifecycle.c and the daemon give ("due:
 * '2026-13-01' is not a date (YYYY-MM-DD)") the form field it belongs to
 * and a Chinese sentence ("截止日期：'2026-13-01' 不是日期（YYYY-MM-DD）").
 * The English line stays beside it: it is what the CLI prints. Pure. */
#ifndef LD_FIELDERR_H
#define LD_FIELDERR_H

#include <stddef.h>

#define LD_FIELDERR_FIELD 32
#define LD_FIELDERR_TEXT 1024

struct ld_fielderr {
	/* The form input it belongs to, as the forms name them ("due",
	 * "targets", "scope", "item-2-topic", "attach"); "" = the form as a
	 * whole (shown at its top). */
	char field[LD_FIELDERR_FIELD];
	/* The Chinese sentence, "截止日期：…"; when the shape is not one
	 * this module knows, the English line itself. */
	char text[LD_FIELDERR_TEXT];
	/* The line as given (the CLI's words), borrowed from the caller. */
	const char *cli;
};

/* The field a refusal names, as it names it (the node's, the CLI's and
 * core/jsonrec.c's convention "FIELD: reason"): the text before the
 * first ": " when that is one word (a letter, then letters, digits, '_',
 * '.', '[' or ']': "due", "base_version", "items[2].month") or a field
 * the messages name in several words ("item 2 month", "metric name");
 * else "" (also when it would not fit in `len`). The JSON API reports it
 * as is; ld_fielderr_parse maps it to a form input. */
void ld_fielderr_name(const char *line, char *name, size_t len);

/* Read `line` (NULL or "" gives an empty text). Never fails: an unknown
 * shape is the English line, at the top of the form. */
void ld_fielderr_parse(const char *line, struct ld_fielderr *fe);

/* A refusal the console words itself, beside `field`: "附件超过 16 MiB"
 * (cli NULL). */
void ld_fielderr_set(struct ld_fielderr *fe, const char *field,
                     const char *text);

#endif
