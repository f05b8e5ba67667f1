/* labels.h — the Chinese names of record fields, one table for the
 * record page, the forms and the error messages. Pure. */
#ifndef LD_LABELS_H
#define LD_LABELS_H

/* The Chinese label of body field `name` ("due" → "截止日期"; the form
 * inputs' names too: "targets", "finding", "metric", "attach"), or
 * `name` itself if the table has none. */
const char *ld_label_field(const char *name);

#endif
