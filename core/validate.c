/* validate.c — required fields, vocabularies, dates and scope of records
 * created locally. Pure. */
#include "validate.h"
#include "err.h"
#include "flow.h"
#include "lifecycle.h"
#include "path.h"
#include "record.h"
#include "rules.h"
#include "text.h"
#include "users.h"
#include "vocab.h"

#include <errno.h>
#include <protobuf-c/protobuf-c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ld_set_str(char **field, const char *v)
{
	char *copy = strdup(v);
	if (copy == NULL)
		return -ENOMEM;
	if (*field != NULL && *field != protobuf_c_empty_string)
		free(*field);
	*field = copy;
	return 0;
}

static bool
empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static int
oom(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* Set `*field` to the canonical term of vocabulary `v`. */
static int
canon(enum ld_vocab v, const char *name, char **field, char *err,
      size_t errlen)
{
	if (empty(*field)) {
		snprintf(err, errlen, "%s: required (one of: %s)", name,
		         ld_vocab_describe(v));
		return LD_EREFUSED;
	}
	const char *c = ld_vocab_lookup(v, *field);
	if (c == NULL) {
		snprintf(err, errlen, "%s: unknown '%.64s' (one of: %s)", name,
		         *field, ld_vocab_describe(v));
		return LD_EREFUSED;
	}
	if (strcmp(c, *field) != 0 && ld_set_str(field, c) != 0)
		return oom(err, errlen);
	return 0;
}

static int
required(const char *name, const char *s, char *err, size_t errlen)
{
	if (empty(s)) {
		snprintf(err, errlen, "%s: required", name);
		return LD_EREFUSED;
	}
	return 0;
}

static int
date_ok(const char *name, const char *s, char *err, size_t errlen)
{
	if (!empty(s) && !ld_text_date_valid(s)) {
		snprintf(err, errlen, "%s: '%.32s' is not a date (YYYY-MM-DD)",
		         name, s);
		return LD_EREFUSED;
	}
	return 0;
}

/* A status: at creation (`old` NULL) any status of the machine, its
 * default if empty; on a change, empty keeps `old` and anything else must
 * be a move the machine allows from `old`. Chinese labels become the
 * canonical name. */
static int
status_ok(enum ld_machine m, const char *what, char **status,
          const char *old, char *err, size_t errlen)
{
	if (empty(*status) &&
	    ld_set_str(status, old ? old : ld_status_default(m)) != 0)
		return oom(err, errlen);
	const char *c = ld_status_lookup(m, *status);
	if (c == NULL) {
		snprintf(err, errlen, "%s: unknown '%.32s' (one of: %s)", what,
		         *status, ld_status_describe(m));
		return LD_EREFUSED;
	}
	if (strcmp(c, *status) != 0 && ld_set_str(status, c) != 0)
		return oom(err, errlen);
	if (old == NULL || ld_status_can(m, old, c))
		return 0;
	if (strcmp(old, c) == 0) {
		snprintf(err, errlen, "%s: the %s is %s and can no longer "
		         "change", what, ld_machine_name(m), old);
	} else {
		char next[256];
		ld_status_next(m, old, next, sizeof(next));
		snprintf(err, errlen, "%s: a %s cannot go from %s to %s "
		         "(allowed: %s)", what, ld_machine_name(m), old, c,
		         next);
	}
	return LD_EREFUSED;
}

/* A field a record keeps for life. */
static int
unchanged(const char *name, const char *now, const char *was, char *err,
          size_t errlen)
{
	if (strcmp(now, was) == 0)
		return 0;
	snprintf(err, errlen, "%s: cannot change (it is '%.100s')", name,
	         was);
	return LD_EREFUSED;
}

static int
set_scope_self(Ld__Record *r, const char *self)
{
	char **s = malloc(sizeof(char *));
	if (s == NULL)
		return -ENOMEM;
	s[0] = strdup(self);
	if (s[0] == NULL) {
		free(s);
		return -ENOMEM;
	}
	r->scope = s;
	r->n_scope = 1;
	return 0;
}

static int
no_scope(const Ld__Record *r, char *err, size_t errlen)
{
	if (r->n_scope != 0) {
		snprintf(err, errlen, "scope: a %s flows up to every ancestor "
		         "and takes no scope", ld_kind_name(r->kind));
		return LD_EREFUSED;
	}
	return 0;
}

static int
check_task(Ld__Task *t, Ld__Record *r, const Ld__Task *old, char *err,
           size_t errlen)
{
	int rc;
	if ((rc = required("topic", t->topic, err, errlen)) != 0 ||
	    (rc = canon(LD_VOCAB_TASK_FORM, "form", &t->form, err, errlen)) != 0 ||
	    (rc = date_ok("due", t->due, err, errlen)) != 0 ||
	    (rc = status_ok(LD_SM_TASK, "status", &t->status,
	                    old ? old->status : NULL, err, errlen)) != 0)
		return rc;
	if (old != NULL && (rc = unchanged("parent", t->parent, old->parent,
	                                   err, errlen)) != 0)
		return rc;
	for (size_t i = 0; i < t->n_targets; i++)
		if ((rc = required("target", t->targets[i], err, errlen)) != 0)
			return rc;
	if (r->n_scope == 0) {
		snprintf(err, errlen, "scope: at least one --scope PATH is "
		         "required (the offices the task is addressed to)");
		return LD_EREFUSED;
	}
	return 0;
}

/* Is plan item `it` (its form already canonical) the same as `was`: every
 * field equal, its status too (named in any of its spellings, or left
 * empty for "as it was")? */
static bool
item_unchanged(const Ld__PlanItem *it, const Ld__PlanItem *was)
{
	const char *st = empty(it->status)
	                     ? was->status
	                     : ld_status_lookup(LD_SM_PLAN_ITEM, it->status);
	return st != NULL && strcmp(st, was->status) == 0 &&
	       strcmp(it->form, was->form) == 0 && it->month == was->month &&
	       strcmp(it->topic, was->topic) == 0 &&
	       strcmp(it->lead, was->lead) == 0 &&
	       strcmp(it->responsible, was->responsible) == 0 &&
	       strcmp(it->assisting, was->assisting) == 0;
}

static int
check_plan(Ld__Plan *p, Ld__Record *r, const char *self, const Ld__Plan *old,
           char *err, size_t errlen)
{
	if (p->year < 1949 || p->year > 2200) {
		snprintf(err, errlen, "year: %u is not a plausible year",
		         p->year);
		return LD_EREFUSED;
	}
	int rc = required("title", p->title, err, errlen);
	if (rc != 0)
		return rc;
	if (old != NULL && p->n_items < old->n_items) {
		snprintf(err, errlen, "items: a plan keeps its %zu items (set "
		         "one's status to cancelled instead of removing it)",
		         old->n_items);
		return LD_EREFUSED;
	}
	for (size_t i = 0; i < p->n_items; i++) {
		Ld__PlanItem *it = p->items[i];
		const char *was = old && i < old->n_items
		                      ? old->items[i]->status
		                      : NULL;
		char name[32];
		snprintf(name, sizeof(name), "item %zu form", i + 1);
		if ((rc = canon(LD_VOCAB_PLAN_FORM, name, &it->form, err,
		                errlen)) != 0)
			return rc;
		if (it->month > 12) {
			snprintf(err, errlen, "item %zu month: %u is not 1-12 "
			         "(0 = not fixed)", i + 1, it->month);
			return LD_EREFUSED;
		}
		snprintf(name, sizeof(name), "item %zu topic", i + 1);
		if ((rc = required(name, it->topic, err, errlen)) != 0)
			return rc;
		snprintf(name, sizeof(name), "item %zu status", i + 1);
		/* A plan's items move independently: an item this edit
		 * leaves as it was passes whatever its status, final or
		 * not; only an item that changes is held to its machine. */
		if (old != NULL && i < old->n_items &&
		    item_unchanged(it, old->items[i])) {
			if ((rc = ld_set_str(&it->status, was)) != 0)
				return oom(err, errlen);
			continue;
		}
		if ((rc = status_ok(LD_SM_PLAN_ITEM, name, &it->status, was,
		                    err, errlen)) != 0)
			return rc;
	}
	if (r->n_scope == 0 && set_scope_self(r, self) != 0)
		return oom(err, errlen);
	return 0;
}

static int
check_survey(Ld__Survey *s, Ld__Record *r, const char *self,
             const Ld__Survey *old, char *err, size_t errlen)
{
	const char *why;
	int rc;
	if ((rc = required("topic", s->topic, err, errlen)) != 0 ||
	    (rc = canon(LD_VOCAB_SURVEY_FORM, "form", &s->form, err,
	                errlen)) != 0 ||
	    (rc = date_ok("start", s->start, err, errlen)) != 0 ||
	    (rc = date_ok("end", s->end, err, errlen)) != 0 ||
	    (rc = status_ok(LD_SM_SURVEY, "status", &s->status,
	                    old ? old->status : NULL, err, errlen)) != 0)
		return rc;
	if (!empty(s->start) && !empty(s->end) &&
	    strcmp(s->end, s->start) < 0) {
		snprintf(err, errlen, "end: %s is before start %s", s->end,
		         s->start);
		return LD_EREFUSED;
	}
	if (r->n_scope == 0) {
		snprintf(err, errlen, "scope: at least one --scope PATH is "
		         "required (the offices taking part)");
		return LD_EREFUSED;
	}
	if (empty(s->host) && ld_set_str(&s->host, self) != 0)
		return oom(err, errlen);
	if (!ld_path_valid(s->host, &why)) {
		snprintf(err, errlen, "host: %s", why);
		return LD_EREFUSED;
	}
	for (size_t i = 0; i < s->n_participants; i++) {
		if (!ld_path_valid(s->participants[i], &why)) {
			snprintf(err, errlen, "participant: %s", why);
			return LD_EREFUSED;
		}
	}
	return 0;
}

static int
check_result(Ld__Result *res, Ld__Record *r, const Ld__Result *old,
             char *err, size_t errlen)
{
	int rc;
	if ((rc = required("ref", res->ref, err, errlen)) != 0 ||
	    (rc = required("summary", res->summary, err, errlen)) != 0 ||
	    (rc = status_ok(LD_SM_RESULT, "status", &res->status,
	                    old ? old->status : NULL, err, errlen)) != 0 ||
	    (rc = no_scope(r, err, errlen)) != 0)
		return rc;
	if (old != NULL) {
		if ((rc = unchanged("ref", res->ref, old->ref, err, errlen)) != 0)
			return rc;
		if (res->item != old->item) {
			snprintf(err, errlen, "item: cannot change (it is %u)",
			         old->item);
			return LD_EREFUSED;
		}
	}
	for (size_t i = 0; i < res->n_metrics; i++)
		if ((rc = required("metric name", res->metrics[i]->name, err,
		                   errlen)) != 0)
			return rc;
	/* Attachments: ld_record_check, for every record. */
	return 0;
}

static int
check_review(Ld__Review *rv, const Ld__Review *old, char *err, size_t errlen)
{
	int rc;
	if ((rc = required("ref", rv->ref, err, errlen)) != 0 ||
	    (old != NULL &&
	     (rc = unchanged("ref", rv->ref, old->ref, err, errlen)) != 0))
		return rc;
	return canon(LD_VOCAB_VERDICT, "verdict", &rv->verdict, err, errlen);
}

/* Is a proposal in `status` past being filed (立案)? */
static bool
filed_stage(const char *status)
{
	return strcmp(status, "filed") == 0 ||
	       strcmp(status, "assigned") == 0 ||
	       strcmp(status, "replied") == 0 ||
	       strcmp(status, "evaluated") == 0;
}

/* Each name of a list given, none twice. */
static int
names_ok(const char *what, char **v, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (empty(v[i])) {
			snprintf(err, errlen, "%s: an empty name", what);
			return LD_EREFUSED;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(v[i], v[k]) == 0) {
				snprintf(err, errlen, "%s: '%.64s' is named "
				         "twice", what, v[i]);
				return LD_EREFUSED;
			}
		}
	}
	return 0;
}

/* A proposal as offices handle it: 联名, 主办 (handler) and 协办, 重点
 * with its 督办 leader, and the reply deadline (rules.h: filed_on + 2
 * months, + 1 once when extended). */
static int
check_handling(Ld__Proposal *p, const Ld__Proposal *old, char *err,
               size_t errlen)
{
	int rc;
	if ((rc = names_ok("cosigner", p->cosigners, p->n_cosigners, err,
	                   errlen)) != 0 ||
	    (rc = names_ok("assisting", p->assisting, p->n_assisting, err,
	                   errlen)) != 0 ||
	    (rc = date_ok("filed_on", p->filed_on, err, errlen)) != 0 ||
	    (rc = date_ok("deadline", p->deadline, err, errlen)) != 0)
		return rc;
	for (size_t i = 0; i < p->n_cosigners; i++) {
		if (!empty(p->submitter) &&
		    strcmp(p->cosigners[i], p->submitter) == 0) {
			snprintf(err, errlen, "cosigner: '%.64s' is the "
			         "submitter (联名 names the others)",
			         p->cosigners[i]);
			return LD_EREFUSED;
		}
	}
	for (size_t i = 0; i < p->n_assisting; i++) {
		if (strcmp(p->assisting[i], p->handler) == 0) {
			snprintf(err, errlen, "assisting: '%.64s' is the lead "
			         "handler (主办); 协办 names the others",
			         p->assisting[i]);
			return LD_EREFUSED;
		}
	}
	if (p->n_assisting > 0 && empty(p->handler)) {
		snprintf(err, errlen, "handler: required when assisting units "
		         "(协办) are named (the lead unit, 主办)");
		return LD_EREFUSED;
	}
	if (p->key && empty(p->supervisor)) {
		snprintf(err, errlen, "supervisor: required for a 重点 (key) "
		         "proposal (the leader who supervises it, 督办)");
		return LD_EREFUSED;
	}
	if (!p->key && !empty(p->supervisor)) {
		snprintf(err, errlen, "supervisor: only a 重点 (key) proposal "
		         "has a supervising leader (督办)");
		return LD_EREFUSED;
	}
	if (old != NULL && old->extended && !p->extended) {
		snprintf(err, errlen, "extended: the reply deadline was "
		         "extended (it is %s) and stays so", old->deadline);
		return LD_EREFUSED;
	}
	char d[11];
	bool extending = p->extended && (old == NULL || !old->extended);
	if (empty(p->deadline) && !empty(p->filed_on)) {
		/* The default: filed_on + 2 months (+ 1 if extended). */
		int months = LD_RULE_REPLY_MONTHS +
		             (p->extended ? LD_RULE_EXTEND_MONTHS : 0);
		if (ld_rule_add_months(p->filed_on, months, d) != 0 ||
		    ld_set_str(&p->deadline, d) != 0)
			return oom(err, errlen);
	} else if (extending && old != NULL && !empty(old->deadline) &&
	           strcmp(p->deadline, old->deadline) == 0) {
		/* Extended now: one month more than it was. */
		if (ld_rule_add_months(old->deadline, LD_RULE_EXTEND_MONTHS,
		                       d) != 0 ||
		    ld_set_str(&p->deadline, d) != 0)
			return oom(err, errlen);
	}
	if (p->extended && empty(p->deadline)) {
		snprintf(err, errlen, "extended: the proposal has no reply "
		         "deadline to extend (give --filed-on or --deadline)");
		return LD_EREFUSED;
	}
	if (!empty(p->deadline) && !empty(p->filed_on) &&
	    strcmp(p->deadline, p->filed_on) < 0) {
		snprintf(err, errlen, "deadline: %s is before filed_on %s",
		         p->deadline, p->filed_on);
		return LD_EREFUSED;
	}
	return 0;
}

/* 社情民意信息: written by or for a member; flows up (no scope). */
static int
check_opinion(Ld__Opinion *o, Ld__Record *r, char *err, size_t errlen)
{
	int rc;
	if ((rc = required("title", o->title, err, errlen)) != 0 ||
	    (rc = no_scope(r, err, errlen)) != 0)
		return rc;
	if (empty(o->content)) {
		snprintf(err, errlen, "content: required (what the 社情民意 "
		         "reports)");
		return LD_EREFUSED;
	}
	if (empty(o->member)) {
		snprintf(err, errlen, "member: required (the member, 委员, "
		         "who wrote it or for whom it is written)");
		return LD_EREFUSED;
	}
	if (o->year != 0 && (o->year < 1949 || o->year > 2200)) {
		snprintf(err, errlen, "year: %u is not a plausible year",
		         o->year);
		return LD_EREFUSED;
	}
	return 0;
}

/* 采用 / 报送 / 批示 of an opinion: the caller checks the opinion against
 * its store and sets the scope to the opinion's owner. */
static int
check_opinion_action(Ld__OpinionAction *a, const Ld__OpinionAction *old,
                     char *err, size_t errlen)
{
	int rc;
	if ((rc = required("ref", a->ref, err, errlen)) != 0 ||
	    (old != NULL &&
	     (rc = unchanged("ref", a->ref, old->ref, err, errlen)) != 0) ||
	    (rc = canon(LD_VOCAB_OPINION_ACTION, "action", &a->action, err,
	                errlen)) != 0 ||
	    (old != NULL && (rc = unchanged("action", a->action, old->action,
	                                    err, errlen)) != 0))
		return rc;
	bool instructed = strcmp(a->action, "instructed") == 0;
	if (instructed && empty(a->leader)) {
		snprintf(err, errlen, "leader: required for a 批示 "
		         "(instructed): the leader who wrote it");
		return LD_EREFUSED;
	}
	if (!instructed && !empty(a->leader)) {
		snprintf(err, errlen, "leader: only a 批示 (instructed) names "
		         "a leader");
		return LD_EREFUSED;
	}
	return 0;
}

static int
check_proposal(Ld__Proposal *p, Ld__Record *r, const Ld__Proposal *old,
               char *err, size_t errlen)
{
	int rc;
	if ((rc = required("title", p->title, err, errlen)) != 0 ||
	    (rc = no_scope(r, err, errlen)) != 0 ||
	    (rc = status_ok(LD_SM_PROPOSAL, "status", &p->status,
	                    old ? old->status : NULL, err, errlen)) != 0)
		return rc;
	if (p->year != 0 && (p->year < 1949 || p->year > 2200)) {
		snprintf(err, errlen, "year: %u is not a plausible year",
		         p->year);
		return LD_EREFUSED;
	}
	if (!empty(p->outcome) &&
	    (rc = canon(LD_VOCAB_OUTCOME, "outcome", &p->outcome, err,
	                errlen)) != 0)
		return rc;
	if (!empty(p->satisfaction) &&
	    (rc = canon(LD_VOCAB_SATISFACTION, "satisfaction",
	                &p->satisfaction, err, errlen)) != 0)
		return rc;
	/* 立案 follows the status; a closed proposal keeps the way it went
	 * (filed unless it was closed after not_filed). */
	const char *filing = p->filing;
	if (strcmp(p->status, "submitted") == 0)
		filing = "";
	else if (strcmp(p->status, "not_filed") == 0)
		filing = "not_filed";
	else if (filed_stage(p->status))
		filing = "filed";
	else if (old != NULL && strcmp(old->status, "not_filed") == 0)
		filing = "not_filed";
	else if (strcmp(filing, "not_filed") != 0)
		filing = "filed";
	if (strcmp(filing, p->filing) != 0 &&
	    ld_set_str(&p->filing, filing) != 0)
		return oom(err, errlen);
	bool answered = strcmp(p->filing, "filed") == 0 &&
	                strcmp(p->status, "filed") != 0 &&
	                strcmp(p->status, "assigned") != 0;
	if (answered && empty(p->outcome)) {
		snprintf(err, errlen, "outcome: required once a proposal is "
		         "%s (one of: %s)", p->status,
		         ld_vocab_describe(LD_VOCAB_OUTCOME));
		return LD_EREFUSED;
	}
	bool evaluated = answered && strcmp(p->status, "replied") != 0;
	if (evaluated && empty(p->satisfaction)) {
		snprintf(err, errlen, "satisfaction: required once a proposal "
		         "is %s (one of: %s)", p->status,
		         ld_vocab_describe(LD_VOCAB_SATISFACTION));
		return LD_EREFUSED;
	}
	return check_handling(p, old, err, errlen);
}

static int
check_member(Ld__Member *m, Ld__Record *r, const Ld__Member *old, char *err,
             size_t errlen)
{
	int rc;
	if ((rc = required("name", m->name, err, errlen)) != 0 ||
	    (rc = no_scope(r, err, errlen)) != 0 ||
	    (rc = date_ok("joined", m->joined, err, errlen)) != 0 ||
	    (rc = status_ok(LD_SM_MEMBER, "status", &m->status,
	                    old ? old->status : NULL, err, errlen)) != 0)
		return rc;
	return 0;
}

/* A duty entry: an activity of the vocabulary on a date, for one or more
 * members named by id, each once. Whether each is a MEMBER held here
 * (and the ref a record held here) the node checks against its store. */
static int
check_duty(Ld__Duty *d, Ld__Record *r, char *err, size_t errlen)
{
	int rc;
	if ((rc = canon(LD_VOCAB_ACTIVITY, "activity", &d->activity, err,
	                errlen)) != 0 ||
	    (rc = required("date", d->date, err, errlen)) != 0 ||
	    (rc = date_ok("date", d->date, err, errlen)) != 0 ||
	    (rc = no_scope(r, err, errlen)) != 0)
		return rc;
	if (!empty(d->ref) && ld_id_owner_len(d->ref) == 0) {
		snprintf(err, errlen, "ref: '%.64s' is not a record id "
		         "(PATH:NUMBER)", d->ref);
		return LD_EREFUSED;
	}
	if (d->n_members == 0) {
		snprintf(err, errlen, "members: at least one member id is "
		         "required");
		return LD_EREFUSED;
	}
	for (size_t i = 0; i < d->n_members; i++) {
		if (ld_id_owner_len(d->members[i]) == 0) {
			snprintf(err, errlen, "members: '%.64s' is not a "
			         "member id (PATH:NUMBER)", d->members[i]);
			return LD_EREFUSED;
		}
		for (size_t k = 0; k < i; k++) {
			if (strcmp(d->members[k], d->members[i]) == 0) {
				snprintf(err, errlen, "members: %.64s is "
				         "listed twice", d->members[i]);
				return LD_EREFUSED;
			}
		}
	}
	return 0;
}

/* Fields this version does not know, kept by protobuf-c as raw bytes,
 * are dropped from a new record: a node stores only what it understands,
 * and raw unknown fields need not re-encode canonically. */
static void
strip_unknown(ProtobufCMessage *m)
{
	for (unsigned i = 0; i < m->n_unknown_fields; i++)
		free(m->unknown_fields[i].data);
	free(m->unknown_fields);
	m->unknown_fields = NULL;
	m->n_unknown_fields = 0;
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		char *base = (char *)m + f->offset;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which =
			    *(const uint32_t *)((const char *)m +
			                        f->quantifier_offset);
			if (which != f->id)
				continue;
		}
		size_t count = 1;
		ProtobufCMessage **items = (ProtobufCMessage **)base;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			count = *(const size_t *)((const char *)m +
			                          f->quantifier_offset);
			items = *(ProtobufCMessage ***)base;
		}
		for (size_t k = 0; k < count; k++)
			if (items[k] != NULL)
				strip_unknown(items[k]);
	}
}

int
ld_validate_author(const char *author, char *err, size_t errlen)
{
	if (author == NULL || author[0] == '\0')
		return 0;
	const char *why;
	if (ld_user_name_valid(author, &why))
		return 0;
	snprintf(err, errlen, "author: %s", why);
	return LD_EREFUSED;
}

/* A new record (`old` NULL) or the next version of `old`. */
static int
validate(const char *self, const Ld__Record *old, Ld__Record *r, char *err,
         size_t errlen)
{
	strip_unknown(&r->base);
	int rc = ld_validate_author(r->author, err, errlen);
	if (rc != 0)
		return rc;
	if (ld_kind_of_body(r->body_case) == LD__KIND__KIND_UNSPECIFIED) {
		snprintf(err, errlen, "record: has no body");
		return LD_EREFUSED;
	}
	if (old != NULL && r->body_case != old->body_case) {
		snprintf(err, errlen, "kind: %s is a %s and stays one", old->id,
		         ld_kind_name(old->kind));
		return LD_EREFUSED;
	}
	r->kind = ld_kind_of_body(r->body_case);
	if (r->n_scope > LD_SCOPE_MAX) {
		snprintf(err, errlen, "scope: more than %d entries",
		         LD_SCOPE_MAX);
		return LD_ELIMIT;
	}
	for (size_t i = 0; i < r->n_scope; i++) {
		const char *why;
		if (!ld_path_valid(r->scope[i], &why)) {
			snprintf(err, errlen, "scope: '%.64s': %s", r->scope[i],
			         why);
			return LD_EREFUSED;
		}
	}
	switch (r->body_case) {
	case LD__RECORD__BODY_TASK:
		rc = check_task(r->task, r, old ? old->task : NULL, err,
		                errlen);
		break;
	case LD__RECORD__BODY_PLAN:
		rc = check_plan(r->plan, r, self, old ? old->plan : NULL, err,
		                errlen);
		break;
	case LD__RECORD__BODY_SURVEY:
		rc = check_survey(r->survey, r, self, old ? old->survey : NULL,
		                  err, errlen);
		break;
	case LD__RECORD__BODY_RESULT:
		rc = check_result(r->result, r, old ? old->result : NULL, err,
		                  errlen);
		break;
	case LD__RECORD__BODY_REVIEW:
		/* The caller sets the scope to the reviewed result's owner. */
		rc = check_review(r->review, old ? old->review : NULL, err,
		                  errlen);
		break;
	case LD__RECORD__BODY_PROPOSAL:
		rc = check_proposal(r->proposal, r,
		                    old ? old->proposal : NULL, err, errlen);
		break;
	case LD__RECORD__BODY_OPINION:
		rc = check_opinion(r->opinion, r, err, errlen);
		break;
	case LD__RECORD__BODY_OPINION_ACTION:
		/* The caller sets the scope to the opinion's owner. */
		rc = check_opinion_action(r->opinion_action,
		                          old ? old->opinion_action : NULL, err,
		                          errlen);
		break;
	case LD__RECORD__BODY_MEMBER:
		rc = check_member(r->member, r, old ? old->member : NULL, err,
		                  errlen);
		break;
	case LD__RECORD__BODY_DUTY:
		rc = check_duty(r->duty, r, err, errlen);
		break;
	default:
		snprintf(err, errlen, "kind: a %s record cannot be created "
		         "this way", ld_kind_name(r->kind));
		rc = LD_EREFUSED;
	}
	if (rc != 0)
		return rc;

	struct ld_str sc[LD_SCOPE_MAX];
	struct ld_flow_rec fr;
	ld_record_flow(r, &fr, sc);
	int bad = ld_flow_scope_outside(self, &fr);
	if (bad >= 0) {
		snprintf(err, errlen, "scope: %s is outside this node's "
		         "subtree (%s)", r->scope[bad], self);
		return LD_EREFUSED;
	}
	return 0;
}

int
ld_validate_new(const char *self, Ld__Record *r, char *err, size_t errlen)
{
	return validate(self, NULL, r, err, errlen);
}

int
ld_validate_update(const char *self, const Ld__Record *old, Ld__Record *r,
                   char *err, size_t errlen)
{
	return validate(self, old, r, err, errlen);
}
