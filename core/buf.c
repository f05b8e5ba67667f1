/* buf.c — the growing byte string every output is built in. */
#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
reserve(struct ld_buf *b, size_t more)
{
	if (b->oom)
		return false;
	if (more >= SIZE_MAX / 2 - b->n) {
		b->oom = true;
		return false;
	}
	if (b->n + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
ld_buf_put(struct ld_buf *b, const void *s, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n > 0)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void
ld_buf_puts(struct ld_buf *b, const char *s)
{
	ld_buf_put(b, s, strlen(s));
}

void
ld_buf_putc(struct ld_buf *b, char c)
{
	ld_buf_put(b, &c, 1);
}

void
ld_buf_printf(struct ld_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void
ld_buf_free(struct ld_buf *b)
{
	free(b->p);
	*b = (struct ld_buf){0};
}

char *
ld_buf_take(struct ld_buf *b, size_t *n)
{
	ld_buf_put(b, "", 0);
	char *p = b->oom ? NULL : b->p;
	if (n != NULL)
		*n = b->oom ? 0 : b->n;
	if (b->oom)
		free(b->p);
	*b = (struct ld_buf){0};
	return p;
}
