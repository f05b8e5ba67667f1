/* submit.h — what the console's write pages share: reading a form's
 * repeated values and lines, fetching the record a page acts on, the
 * offices a record can be addressed to, and sending an add or an update
 * with the person as its author, a refusal read for the form
 * (fielderr.h). */
#ifndef LD_SUBMIT_H
#define LD_SUBMIT_H

#include "fielderr.h"
#include "form.h"
#include "server.h"

/* Strings that live until the pool is freed (the parts of a request a
 * record being built points into). */
struct ld_pool {
	char **v;
	size_t n;
	bool oom;
};
char *ld_pool_dup(struct ld_pool *p, const char *s, size_t n);
void ld_pool_free(struct ld_pool *p);

/* Every value of plain field `name` (checkboxes), at most `max`. */
size_t ld_submit_values(struct ld_web_req *rq, const char *name,
                        const char **out, size_t max);
/* Field `name`, or "" if absent. */
const char *ld_submit_field(struct ld_web_req *rq, const char *name);
/* The non-blank lines of `text` (trimmed), copied into `pool`, at most
 * `max`. */
size_t ld_submit_lines(struct ld_pool *pool, const char *text, char **out,
                       size_t max);

/* Record `id` from the node, or NULL with the error page set (404 ...). */
Ld__Record *ld_submit_get(struct ld_web_req *rq, const char *id);

/* The record a page "PREFIX" + ID + `suffix` is about (rq->rest holds
 * ID + suffix), as the node has it now, its id in `id`; NULL with the
 * error page set (404 if ID is not there or not a record id, else as
 * ld_submit_get). */
Ld__Record *ld_submit_target(struct ld_web_req *rq, const char *suffix,
                             char *id, size_t len);

/* What a record can be addressed to: this office's own path first (it
 * and every office below it), then the offices this node knows below it
 * (their NODE records), as choices "名称（路径）"; strings in pool.
 * Returns how many. */
size_t ld_submit_offices(struct ld_web_req *rq, struct ld_pool *pool,
                         struct ld_choice *out, size_t max);

/* A record of kind `bc` with an empty body, allocated as an unpacked one
 * (free with ld__record__free_unpacked), so that a new record and one
 * read for an edit are filled the same way; NULL if out of memory. */
Ld__Record *ld_submit_blank(Ld__Record__BodyCase bc);

/* Add `r` (author set to the person): 0 with its id in `id`; 1 refused,
 * `fe` says why (its cli line in `line`, which must outlive fe); -1 the
 * node could not be asked (error page set). */
int ld_submit_add(struct ld_web_req *rq, Ld__Record *r, char *id, size_t len,
                  struct ld_fielderr *fe, char *line, size_t linelen);
/* The same for an update from `base` (the version the form showed). */
int ld_submit_update(struct ld_web_req *rq, Ld__Record *r, uint64_t base,
                     struct ld_fielderr *fe, char *line, size_t linelen);

/* The page of a form: layout, heading, `intro` (trusted HTML or NULL),
 * the form, answered 200 (or 422 after a refusal). */
void ld_submit_page(struct ld_web_req *rq, const char *title, enum ld_nav nav,
                    struct ld_buf *form, bool refused);

/* Does this node own `r` (only the owner changes a record)? */
bool ld_submit_owned(struct ld_web_req *rq, const Ld__Record *r);

#endif
