/* rules.h — the business rules every count and roll-up uses, each in one
 * place: the year a record counts for, when a plan item is planned and
 * when it was held, and what a proposal's answer counts as (answered,
 * solved, rated, satisfied). core/figures.c (`liandong figures`), the
 * report host (report/plugin_host.c, and so every plugin through the
 * SDK) and the CLI all call these; nothing else decides them. Where one
 * office stands on a task (pending, relayed, overdue, reported ...) is
 * core/rollup.c's. docs/workflows.md ("Counting rules") says the same in
 * words. Pure. */
#ifndef LD_RULES_H
#define LD_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "liandong.pb-c.h"

/* The year of a date "YYYY-MM-DD" (the four digits before the first
 * '-'), or 0 if `date` is NULL, empty or does not start with a year. */
uint32_t ld_rule_date_year(const char *date);

/* The year record `r` counts for, 0 if it has none:
 *   PLAN, PROPOSAL   its own `year`;
 *   SURVEY           the year it starts, else the year it ends;
 *   TASK             the year it is due;
 *   DUTY             the year of its date;
 *   and otherwise (any kind without such a field or date, e.g. a task
 *   without a due date, a result, a review) the UTC year of
 *   `updated_at`, when it was last written.
 * A record counts for exactly one year: never for every year. */
uint32_t ld_rule_year(const Ld__Record *r);

/* Is a plan item with `status` planned: anything but cancelled (a
 * deferred item is still planned for its plan's year). */
bool ld_rule_item_planned(const char *status);

/* Was a plan item with `status` held (协商 held): held, outcome_submitted
 * or adopted. A held item is also planned. */
bool ld_rule_item_held(const char *status);

/* A proposal's answer. Answered (办复): it has an outcome (A, B or C).
 * Solved (解决): outcome A (solved or basically solved) or B (being
 * solved, or in the plan) — 解决率 is solved ÷ answered. Rated: it has a
 * satisfaction; satisfied: 满意 or 基本满意 — 满意率 is satisfied ÷
 * rated. 面商率 is face-to-face ÷ answered. */
bool ld_rule_proposal_answered(const Ld__Proposal *p);
bool ld_rule_proposal_solved(const Ld__Proposal *p);
bool ld_rule_proposal_rated(const Ld__Proposal *p);
bool ld_rule_proposal_satisfied(const Ld__Proposal *p);

/* A proposal's reply deadline (答复期限): two months after the day it
 * was filed, one more when extended (once). `date` + `months` calendar
 * months into `out` (11 bytes), the day clamped to the month's last
 * ("2026-12-31" + 2 = "2027-02-28"). Returns 0, or LD_ESYNTAX if `date`
 * is not YYYY-MM-DD. */
#define LD_RULE_REPLY_MONTHS 2
#define LD_RULE_EXTEND_MONTHS 1
int ld_rule_add_months(const char *date, int months, char out[11]);

/* Does proposal `p` await its handler's reply: filed (立案) and filed or
 * assigned, not yet replied. Only such a proposal can be overdue. */
bool ld_rule_proposal_awaits_reply(const Ld__Proposal *p);

/* Is `p` overdue on `today` (YYYY-MM-DD): it awaits a reply and its
 * deadline is before today. The inbox, the notify hook and the console
 * ask this. */
bool ld_rule_proposal_overdue(const Ld__Proposal *p, const char *today);

#endif
