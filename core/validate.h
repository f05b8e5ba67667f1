/* validate.h — checks a record this node is about to create or change and
 * completes it: canonical forms and statuses, required fields, defaults,
 * scope inside the node's own subtree. Pure: references to other records
 * are checked by the caller against the store. */
#ifndef LD_VALIDATE_H
#define LD_VALIDATE_H

#include <stddef.h>

#include "liandong.pb-c.h"

/* `r` must have been unpacked with the default allocator: strings and
 * arrays it replaces are freed and reallocated with malloc, so
 * ld__record__free_unpacked still frees everything. Returns 0; on refusal
 * writes a one-line reason naming the field to `err` and returns
 * LD_EREFUSED (LD_ELIMIT for too many scope entries, -ENOMEM). */
int ld_validate_new(const char *self, Ld__Record *r, char *err,
                     size_t errlen);

/* The same for `r`, an edit of the stored record `old` by its owner: the
 * kind and the fields a record keeps for life (a task's parent, a result's
 * ref and item, a review's ref) stay, every status moves as its machine
 * allows (lifecycle.h), and a plan keeps its items. The caller has checked
 * that this node owns `old` and fills in the envelope. Returns as
 * ld_validate_new. */
int ld_validate_update(const char *self, const Ld__Record *old,
                        Ld__Record *r, char *err, size_t errlen);

/* A record's author: "" (not said) or a person's name, 1..64 bytes of
 * UTF-8 with no blanks, control characters or ':' (users.h). Returns 0,
 * or LD_EREFUSED with "author: <what is wrong>" in `err`. Every record
 * this node writes for a person passes through it (ld_validate_new,
 * ld_validate_update; the daemon's delete); the CLI checks --as with it. */
int ld_validate_author(const char *author, char *err, size_t errlen);

/* Replace a string field of an unpacked message with a copy of `v`.
 * Returns 0 or -ENOMEM. */
int ld_set_str(char **field, const char *v);

#endif
