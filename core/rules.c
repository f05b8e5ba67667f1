/* rules.c — the business rules counts and roll-ups share (rules.h). */
#include "rules.h"
#include "err.h"
#include "text.h"

#include <stdio.h>

#include <string.h>
#include <time.h>

uint32_t
ld_rule_date_year(const char *date)
{
	if (date == NULL)
		return 0;
	uint32_t y = 0;
	for (int i = 0; i < 4; i++) {
		if (date[i] < '0' || date[i] > '9')
			return 0;
		y = y * 10 + (uint32_t)(date[i] - '0');
	}
	return date[4] == '-' || date[4] == '\0' ? y : 0;
}

/* The UTC year of Unix milliseconds, 0 if unset. */
static uint32_t
ms_year(int64_t ms)
{
	if (ms <= 0)
		return 0;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return (uint32_t)tm.tm_year + 1900;
}

uint32_t
ld_rule_year(const Ld__Record *r)
{
	uint32_t y = 0;
	switch (r->body_case) {
	case LD__RECORD__BODY_PLAN:
		y = r->plan->year;
		break;
	case LD__RECORD__BODY_PROPOSAL:
		y = r->proposal->year;
		break;
	case LD__RECORD__BODY_SURVEY:
		y = ld_rule_date_year(r->survey->start);
		if (y == 0)
			y = ld_rule_date_year(r->survey->end);
		break;
	case LD__RECORD__BODY_TASK:
		y = ld_rule_date_year(r->task->due);
		break;
	case LD__RECORD__BODY_OPINION:
		y = r->opinion->year;
		break;
	case LD__RECORD__BODY_DUTY:
		y = ld_rule_date_year(r->duty->date);
		break;
	default:
		break;
	}
	return y != 0 ? y : ms_year(r->updated_at);
}

bool
ld_rule_item_planned(const char *status)
{
	return status != NULL && strcmp(status, "cancelled") != 0;
}

bool
ld_rule_item_held(const char *status)
{
	return status != NULL && (strcmp(status, "held") == 0 ||
	                          strcmp(status, "outcome_submitted") == 0 ||
	                          strcmp(status, "adopted") == 0);
}

bool
ld_rule_proposal_answered(const Ld__Proposal *p)
{
	return p->outcome != NULL && p->outcome[0] != '\0';
}

bool
ld_rule_proposal_solved(const Ld__Proposal *p)
{
	return ld_rule_proposal_answered(p) &&
	       (strcmp(p->outcome, "A") == 0 || strcmp(p->outcome, "B") == 0);
}

bool
ld_rule_proposal_rated(const Ld__Proposal *p)
{
	return p->satisfaction != NULL && p->satisfaction[0] != '\0';
}

bool
ld_rule_proposal_satisfied(const Ld__Proposal *p)
{
	return ld_rule_proposal_rated(p) &&
	       (strcmp(p->satisfaction, "满意") == 0 ||
	        strcmp(p->satisfaction, "基本满意") == 0);
}

int
ld_rule_add_months(const char *date, int months, char out[11])
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30,
	                              31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (date == NULL || !ld_text_date_valid(date) ||
	    sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return LD_ESYNTAX;
	int k = y * 12 + (m - 1) + months;
	y = k / 12;
	m = k % 12 + 1;
	int last = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		last = 29;
	if (d > last)
		d = last;
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m, d);
	return 0;
}

bool
ld_rule_proposal_awaits_reply(const Ld__Proposal *p)
{
	return p->status != NULL && (strcmp(p->status, "filed") == 0 ||
	                             strcmp(p->status, "assigned") == 0);
}

bool
ld_rule_proposal_overdue(const Ld__Proposal *p, const char *today)
{
	long d, t;
	return ld_rule_proposal_awaits_reply(p) && p->deadline != NULL &&
	       ld_text_date_days(p->deadline, &d) == 0 && today != NULL &&
	       ld_text_date_days(today, &t) == 0 && d < t;
}
