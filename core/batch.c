/* batch.c — records read from an import file, and the check of all of
 * them, with the node's own rules, before the first one is sent. */
#include "batch.h"
#include "err.h"
#include "record.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
check_mem(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "liandong: out of memory\n");
		exit(1);
	}
	return p;
}

void *
ld_xcalloc(size_t n, size_t size)
{
	return check_mem(calloc(n ? n : 1, size ? size : 1));
}

char *
ld_xstrndup(const char *s, size_t n)
{
	return check_mem(strndup(s, n));
}

char *
ld_xstrdup(const char *s)
{
	return check_mem(strdup(s));
}

void
ld_oneline(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

struct ld_batch_rec *
ld_batch_add(struct ld_batch *b, Ld__Record *r, size_t where)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct ld_batch_rec *v = realloc(b->v, cap * sizeof(*b->v));
		if (v == NULL)
			return NULL;
		b->v = v;
		b->cap = cap;
	}
	struct ld_batch_rec *e = &b->v[b->n++];
	*e = (struct ld_batch_rec){.r = r, .where = where};
	return e;
}

struct ld_batch_rec *
ld_batch_push(struct ld_batch *b, Ld__Record *r, size_t where)
{
	return check_mem(ld_batch_add(b, r, where));
}

void
ld_batch_free(struct ld_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		ld__record__free_unpacked(b->v[i].r, NULL);
		free(b->v[i].item_lines);
		free(b->v[i].old_id);
	}
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
}

void
ld_batch_where(const struct ld_batch *b, size_t i, size_t item, char *buf,
               size_t len)
{
	const struct ld_batch_rec *e = &b->v[i];
	if (b->csv) {
		size_t line = e->where;
		if (item >= 1 && e->item_lines != NULL &&
		    e->r->body_case == LD__RECORD__BODY_PLAN &&
		    item <= e->r->plan->n_items)
			line = e->item_lines[item - 1];
		snprintf(buf, len, "%s:%zu", b->file, line);
	} else if (e->old_id != NULL && e->old_id[0] != '\0') {
		snprintf(buf, len, "%s: record %zu (id %s)", b->file, e->where,
		         e->old_id);
	} else {
		snprintf(buf, len, "%s: record %zu", b->file, e->where);
	}
}

/* The node names a plan item's field "item 3 form" (validate.c) or
 * "items.topic" (record.c). In a CSV file the line already says which
 * item, so the message names the field as the file's header does:
 * "FILE:7: 形式 (form): unknown ...". */
static void
describe(const struct ld_batch *b, size_t i, const char *why, char *err,
         size_t errlen)
{
	size_t item = 0;
	const char *msg = why;
	int skip = 0;
	if (sscanf(why, "item %zu %n", &item, &skip) == 1 && skip > 0)
		msg = why + skip;
	else if (strncmp(why, "items.", 6) == 0)
		msg = why + 6;
	char where[1024];
	ld_batch_where(b, i, item, where, sizeof(where));
	if (!b->csv) {
		snprintf(err, errlen, "%s: %s", where, why);
		return;
	}
	size_t flen = strcspn(msg, ":");
	for (size_t k = 0; k < b->nlabels; k++) {
		const char *f = b->labels[k].field, *h = b->labels[k].header;
		if (strlen(f) == flen && strncmp(msg, f, flen) == 0 &&
		    strcmp(f, h) != 0) {
			snprintf(err, errlen, "%s: %s (%s)%s", where, h, f,
			         msg + flen);
			return;
		}
	}
	snprintf(err, errlen, "%s: %s", where, msg);
}

int
ld_batch_check(struct ld_batch *b, const char *self, char *err, size_t errlen)
{
	char why[512], id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), self, 1);
	for (size_t i = 0; i < b->n; i++) {
		Ld__Record *r = b->v[i].r;
		int rc = ld_validate_new(self, r, why, sizeof(why));
		if (rc != 0) {
			describe(b, i, why, err, errlen);
			ld_oneline(err);
			return rc;
		}
		/* The structural check wants an envelope: lend it the one
		 * the node will give (the counter does not matter). */
		r->id = id;
		r->owner = (char *)self;
		r->version = 1;
		rc = ld_record_check(r, 0, why, sizeof(why));
		size_t size = ld__record__get_packed_size(r);
		r->id = r->owner = (char *)protobuf_c_empty_string;
		r->version = 0;
		if (rc == 0 && size > LD_RECORD_MAX) {
			snprintf(why, sizeof(why), "record: larger than 1 MiB");
			rc = LD_ELIMIT;
		}
		if (rc != 0) {
			describe(b, i, why, err, errlen);
			ld_oneline(err);
			return rc;
		}
	}
	return 0;
}
