/* rollup.h — who has done what, computed from replicated records: the
 * progress of a task (and the sub-tasks derived from it) over every office
 * it reaches, and an office's inbox of what it must act on. Pure: the
 * caller gathers the records from its store; rows borrow from them. */
#ifndef LD_ROLLUP_H
#define LD_ROLLUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"
#include "path.h"

/* Where one office stands on a task. */
enum ld_ps {
	LD_PS_PENDING,     /* nothing submitted yet, not overdue */
	LD_PS_RELAYED,     /* passed on: it derived a sub-task (转办) */
	LD_PS_OVERDUE,     /* due date passed, nothing submitted */
	LD_PS_REPORTED,    /* submitted, not reviewed yet */
	LD_PS_RESUBMITTED, /* revised after a return, not reviewed again */
	LD_PS_REVIEWED,    /* accepted */
	LD_PS_RETURNED,    /* returned for revision (退回) */
	LD_PS_RECTIFY,     /* to rectify (整改) */
	LD_PS_COUNT
};

/* "pending", "overdue" ... and the Chinese label ("待报送", "逾期" ...). */
const char *ld_ps_name(enum ld_ps s);
const char *ld_ps_label(enum ld_ps s);
/* The state named `name` ("overdue"), or LD_PS_COUNT if none is. */
enum ld_ps ld_ps_lookup(const char *name);

struct ld_progress_row {
	const char *path, *name;    /* the office */
	char group[LD_PATH_MAX + 1]; /* its ancestor one level below the
	                               task's owner (a city, for a provincial
	                               task) */
	const char *group_name;     /* "" if unknown */
	const Ld__Record *task;     /* the task of the family reaching it */
	const char *due;            /* "" if none (inherited from the parent
	                               task when the sub-task has none) */
	const Ld__Record *result;   /* its latest result, NULL if none */
	const Ld__Record *review;   /* the review deciding its state, or NULL */
	enum ld_ps state;
	bool draft;                 /* only a draft result so far */
};

struct ld_progress {
	struct ld_progress_row *rows; /* malloc'd, sorted by group, path */
	size_t n;
	size_t count[LD_PS_COUNT];
	size_t reported; /* every state with a submitted result */
};

/* The progress of task `recs[root]` on `today` (YYYY-MM-DD). `recs` holds
 * whatever the caller gathered: the tasks derived from it (at any depth,
 * found by their parent), the results answering any of them, the reviews
 * of those results and the NODE records of the offices known here;
 * anything else is ignored, and so are tombstones. An office is a target
 * if a scope entry of a task of the family covers it, unless it owns that
 * task or is above its owner. Returns 0, or -ENOMEM. */
int ld_progress_compute(const Ld__Record *const *recs, size_t n, size_t root,
                        const char *today, struct ld_progress *out);
void ld_progress_free(struct ld_progress *p);

/* A proposal awaiting its handler's reply, as a clerk follows it. */
struct ld_proposal_row {
	const Ld__Record *rec; /* a PROPOSAL */
	long days_left;        /* deadline - today, if has_days */
	bool has_days;         /* it has a deadline and `today` is a date */
	bool overdue;          /* rules.h, ld_rule_proposal_overdue */
};

struct ld_proposals {
	struct ld_proposal_row *rows; /* malloc'd: overdue first, then by
	                                 deadline (none last), then id */
	size_t n, overdue;
};

/* The live proposals in `recs` owned by `self` or an office below it that
 * await their handler's reply (rules.h, ld_rule_proposal_awaits_reply),
 * each marked overdue on `today` by ld_rule_proposal_overdue: the one
 * rule the inbox uses too. Rows borrow from `recs`. Returns 0, or
 * -ENOMEM. */
int ld_proposals_compute(const char *self, const Ld__Record *const *recs,
                         size_t n, const char *today, struct ld_proposals *out);
void ld_proposals_free(struct ld_proposals *p);

/* What an office must act on. */
enum ld_act {
	LD_INBOX_REPORT, /* a task or survey addressed to it, not answered */
	LD_INBOX_REVISE, /* its result was returned (or must be rectified) */
	LD_INBOX_REVIEW, /* a result answering its own task awaits its review */
	LD_INBOX_REPLY,  /* its own proposal awaits the handler's reply (答复),
	                    due by its deadline (rules.h) */
	LD_INBOX_SILENT, /* an office directly below has gone silent */
	LD_INBOX_COUNT
};

const char *ld_act_name(enum ld_act a);
const char *ld_act_label(enum ld_act a);
/* The action named `name` ("revise"), or LD_INBOX_COUNT if none is. */
enum ld_act ld_act_lookup(const char *name);

struct ld_inbox_item {
	enum ld_act act;
	const Ld__Record *rec;   /* the task/survey, own result, or result */
	const Ld__Record *cause; /* REVISE: the review; else NULL */
	const char *due;         /* "" if none */
	long days_left;          /* due - today, if `due` is set */
	bool overdue, due_soon;  /* past due / due within the window */
	int64_t reported_ms;     /* SILENT: its newest HEALTH, 0 = never */
};

struct ld_inbox {
	struct ld_inbox_item *items; /* malloc'd: overdue first, then by due */
	size_t n;
};

/* The inbox of office `self` on `today`, from the tasks, surveys, results,
 * reviews and its own proposals in `recs` (others are ignored). Items due within `window`
 * days are marked due_soon. Returns 0, or -ENOMEM. */
int ld_inbox_compute(const char *self, const Ld__Record *const *recs,
                     size_t n, const char *today, int window,
                     struct ld_inbox *out);
void ld_inbox_free(struct ld_inbox *b);

/* Add to `in` an item SILENT for each office directly below `self` that
 * `recs` names by its NODE record and whose newest HEALTH record in
 * `recs` is older than `silent_after_s` at `now_ms` (or missing: then
 * counted from its NODE record, health.h, ld_health_silent); its `rec` is
 * that NODE record. Only the
 * office directly above is told: the one that can call. Returns 0 or
 * -ENOMEM. */
int ld_inbox_add_silent(const char *self, const Ld__Record *const *recs,
                        size_t n, int64_t now_ms, unsigned silent_after_s,
                        struct ld_inbox *in);

#endif
