/* health.c — when a node writes its HEALTH record, when an office is
 * silent, and the tree of offices with their newest HEALTH. Pure. */
#include "health.h"
#include "path.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Lags that differ only within a power of ten are the same news. */
static int
magnitude(uint64_t v)
{
	int m = 0;
	while (v > 0) {
		m++;
		v /= 10;
	}
	return m;
}

static bool
same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool
link_changed(const Ld__LinkHealth *a, const Ld__LinkHealth *b)
{
	return !same_str(a->path, b->path) || !same_str(a->role, b->role) ||
	       a->connected != b->connected || !same_str(a->state, b->state) ||
	       a->refused != b->refused || a->conflicts != b->conflicts ||
	       magnitude(a->lag_in) != magnitude(b->lag_in) ||
	       magnitude(a->lag_out) != magnitude(b->lag_out);
}

bool
ld_health_changed(const Ld__Health *prev, const Ld__Health *cur)
{
	if (prev == NULL)
		return true;
	if (prev->n_links != cur->n_links ||
	    prev->recovering != cur->recovering ||
	    prev->every_s != cur->every_s ||
	    !same_str(prev->version, cur->version))
		return true;
	for (size_t i = 0; i < cur->n_links; i++)
		if (link_changed(prev->links[i], cur->links[i]))
			return true;
	return false;
}

bool
ld_health_due(const Ld__Health *prev, int64_t prev_ms, const Ld__Health *cur,
              int64_t now_ms, unsigned refresh_s)
{
	return ld_health_changed(prev, cur) ||
	       now_ms - prev_ms >= (int64_t)refresh_s * 1000;
}

bool
ld_health_silent(int64_t reported_ms, int64_t known_ms, int64_t now_ms,
                 unsigned silent_after_s)
{
	int64_t since = reported_ms > 0 ? reported_ms : known_ms;
	return since <= 0 || now_ms - since > (int64_t)silent_after_s * 1000;
}

static int
by_path(const void *x, const void *y)
{
	const struct ld_tree_row *a = x, *b = y;
	if (a->depth == 0 || b->depth == 0)
		return a->depth - b->depth;
	return strcmp(a->path, b->path);
}

/* The row of `path`, added if new; NULL if there is no room. */
static struct ld_tree_row *
row_of(struct ld_tree *t, size_t cap, const char *path, const char *top)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->rows[i].path, path) == 0)
			return &t->rows[i];
	if (t->n == cap)
		return NULL;
	struct ld_tree_row *r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->name = "";
	r->level = "";
	r->depth = ld_path_depth(path) - ld_path_depth(top);
	return r;
}

int
ld_tree_compute(const char *top, const Ld__Record *const *recs, size_t n,
                int64_t now_ms, unsigned silent_after_s, struct ld_tree *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = n + 1;
	out->rows = calloc(cap, sizeof(*out->rows));
	if (out->rows == NULL)
		return -ENOMEM;
	row_of(out, cap, top, top);
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		if (r == NULL || r->deleted ||
		    !ld_path_in_subtree(r->owner, top))
			continue;
		if (r->body_case == LD__RECORD__BODY_NODE) {
			struct ld_tree_row *w = row_of(out, cap, r->owner, top);
			if (w != NULL) {
				w->name = r->node->name;
				w->level = r->node->level;
				w->known_ms = r->updated_at;
			}
		} else if (r->body_case == LD__RECORD__BODY_HEALTH) {
			struct ld_tree_row *w = row_of(out, cap, r->owner, top);
			/* One HEALTH record a node; should a store hold two
			 * (a store made again), the newest speaks. */
			if (w != NULL && (w->health == NULL ||
			                  r->updated_at > w->reported_ms)) {
				w->health = r;
				w->reported_ms = r->updated_at;
			}
		}
	}
	for (size_t i = 0; i < out->n; i++) {
		struct ld_tree_row *w = &out->rows[i];
		w->silent = ld_health_silent(w->reported_ms, w->known_ms,
		                             now_ms, silent_after_s);
		out->silent += w->silent;
	}
	qsort(out->rows, out->n, sizeof(*out->rows), by_path);
	return 0;
}

void
ld_tree_free(struct ld_tree *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
