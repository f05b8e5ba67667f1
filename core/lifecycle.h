/* lifecycle.h — the status machines of tasks, surveys, plan items, results
 * and proposals: which statuses exist and which may follow which. A new
 * record may start in any status (offices enter work already done, such as
 * a year's closed surveys); every later change follows the machine, and
 * the owner node enforces it on every write. Pure. */
#ifndef LD_LIFECYCLE_H
#define LD_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>

enum ld_machine {
	LD_SM_TASK,      /* draft dispatched in_progress reported reviewed
	                    rectifying closed cancelled */
	LD_SM_SURVEY,    /* planned in_field reporting closed cancelled */
	LD_SM_PLAN_ITEM, /* planned held outcome_submitted adopted deferred
	                    cancelled */
	LD_SM_RESULT,    /* draft submitted */
	LD_SM_PROPOSAL,  /* submitted filed not_filed assigned replied evaluated
	                    closed */
	LD_SM_MEMBER,    /* active left adjusted */
	LD_SM_COUNT
};

/* The canonical status for `in` (its name, or its Chinese label such as
 * 已上报), or NULL if `m` has no such status. */
const char *ld_status_lookup(enum ld_machine m, const char *in);

/* The Chinese label of a status of `m` ("已上报"), or `s` itself. */
const char *ld_status_label(enum ld_machine m, const char *s);

/* The status a new record gets when none is given. */
const char *ld_status_default(enum ld_machine m);

/* May status `from` become `to` (both canonical)? Staying in the same
 * status (an edit of other fields) is allowed while the status is open. */
bool ld_status_can(enum ld_machine m, const char *from, const char *to);

/* Is `s` an open status: not closed, cancelled, adopted ...? */
bool ld_status_open(enum ld_machine m, const char *s);

/* Write the statuses `from` may become, "a, b, c", or "none (closed)"
 * when it is final, into buf. */
void ld_status_next(enum ld_machine m, const char *from, char *buf,
                    size_t len);

/* The i-th status of `m` (0-based, in the table's order), or NULL past
 * the last: for a form's choices at creation. */
const char *ld_status_at(enum ld_machine m, size_t i);

/* The i-th status `from` may become (0-based), or NULL past the last:
 * the choices a form offers for a move. */
const char *ld_status_next_at(enum ld_machine m, const char *from, size_t i);

/* The machine named `name` ("task", "plan item" ...: ld_machine_name),
 * or -1. */
int ld_machine_by_name(const char *name);

/* Every status of `m`, "a (标签), b (标签), ...", for error messages. */
const char *ld_status_describe(enum ld_machine m);

/* Name of the machine's records in messages: "task", "plan item" ... */
const char *ld_machine_name(enum ld_machine m);

#endif
