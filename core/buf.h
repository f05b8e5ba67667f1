/* buf.h — a growing byte string, NUL-terminated, for building output
 * (JSON, CSV, reports, messages). An append that cannot get memory sets
 * `oom` and drops itself and everything after it, so a caller checks once,
 * at the end, instead of after every append. */
#ifndef LD_BUF_H
#define LD_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct ld_buf {
	char *p;   /* NUL-terminated once anything was appended */
	size_t n;  /* bytes, without the NUL */
	size_t cap;
	bool oom;  /* an append failed: the contents are incomplete */
};

void ld_buf_put(struct ld_buf *b, const void *s, size_t n);
void ld_buf_puts(struct ld_buf *b, const char *s);
void ld_buf_putc(struct ld_buf *b, char c);
void ld_buf_printf(struct ld_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Frees the contents and leaves an empty buffer. */
void ld_buf_free(struct ld_buf *b);
/* The contents for the caller to free (never NULL unless out of memory),
 * and an empty buffer behind. */
char *ld_buf_take(struct ld_buf *b, size_t *n);

#endif
