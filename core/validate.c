/* validate.c — required fields, vocabularies, dates and scope of records
 * created locally. Pure. */
#include "validate.h"
#include "flow.h"
#include "lifecycle.h"
#include "path.h"
#include "record.h"
#include "text.h"
#include "vocab.h"

#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
ld_set_str(char **field, const char *v)
{
	char *copy = strdup(v);
	if (copy == NULL)
		return false;
	if (*field != NULL && *field != protobuf_c_empty_string)
		free(*field);
	*field = copy;
	return true;
}

static bool
empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* Set `*field` to the canonical term of vocabulary `v`. */
static bool
canon(enum ld_vocab v, const char *name, char **field, char *err,
      size_t errlen)
{
	if (empty(*field)) {
		snprintf(err, errlen, "%s: required (one of: %s)", name,
		         ld_vocab_describe(v));
		return false;
	}
	const char *c = ld_vocab_lookup(v, *field);
	if (c == NULL) {
		snprintf(err, errlen, "%s: unknown '%.64s' (one of: %s)", name,
		         *field, ld_vocab_describe(v));
		return false;
	}
	if (strcmp(c, *field) != 0 && !ld_set_str(field, c)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static bool
required(const char *name, const char *s, char *err, size_t errlen)
{
	if (empty(s)) {
		snprintf(err, errlen, "%s: required", name);
		return false;
	}
	return true;
}

static bool
date_ok(const char *name, const char *s, char *err, size_t errlen)
{
	if (!empty(s) && !ld_text_date_valid(s)) {
		snprintf(err, errlen, "%s: '%.32s' is not a date (YYYY-MM-DD)",
		         name, s);
		return false;
	}
	return true;
}

static bool
oom(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return false;
}

/* A status: at creation (`old` NULL) any status of the machine, its
 * default if empty; on a change, empty keeps `old` and anything else must
 * be a move the machine allows from `old`. Chinese labels become the
 * canonical name. */
static bool
status_ok(enum ld_machine m, const char *what, char **status,
          const char *old, char *err, size_t errlen)
{
	if (empty(*status) &&
	    !ld_set_str(status, old ? old : ld_status_default(m)))
		return oom(err, errlen);
	const char *c = ld_status_lookup(m, *status);
	if (c == NULL) {
		snprintf(err, errlen, "%s: unknown '%.32s' (one of: %s)", what,
		         *status, ld_status_describe(m));
		return false;
	}
	if (strcmp(c, *status) != 0 && !ld_set_str(status, c))
		return oom(err, errlen);
	if (old == NULL || ld_status_can(m, old, c))
		return true;
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
	return false;
}

/* A field a record keeps for life. */
static bool
unchanged(const char *name, const char *now, const char *was, char *err,
          size_t errlen)
{
	if (strcmp(now, was) == 0)
		return true;
	snprintf(err, errlen, "%s: cannot change (it is '%.100s')", name,
	         was);
	return false;
}

static bool
set_scope_self(Ld__Record *r, const char *self)
{
	char **s = malloc(sizeof(char *));
	if (s == NULL)
		return false;
	s[0] = strdup(self);
	if (s[0] == NULL) {
		free(s);
		return false;
	}
	r->scope = s;
	r->n_scope = 1;
	return true;
}

static bool
no_scope(const Ld__Record *r, char *err, size_t errlen)
{
	if (r->n_scope != 0) {
		snprintf(err, errlen, "scope: a %s flows up to every ancestor "
		         "and takes no scope", ld_kind_name(r->kind));
		return false;
	}
	return true;
}

static bool
check_task(Ld__Task *t, Ld__Record *r, const Ld__Task *old, char *err,
           size_t errlen)
{
	if (!required("topic", t->topic, err, errlen) ||
	    !canon(LD_VOCAB_TASK_FORM, "form", &t->form, err, errlen) ||
	    !date_ok("due", t->due, err, errlen) ||
	    !status_ok(LD_SM_TASK, "status", &t->status,
	               old ? old->status : NULL, err, errlen))
		return false;
	if (old != NULL && !unchanged("parent", t->parent, old->parent, err,
	                              errlen))
		return false;
	for (size_t i = 0; i < t->n_targets; i++)
		if (!required("target", t->targets[i], err, errlen))
			return false;
	if (r->n_scope == 0) {
		snprintf(err, errlen, "scope: at least one --scope PATH is "
		         "required (the offices the task is addressed to)");
		return false;
	}
	return true;
}

static bool
check_plan(Ld__Plan *p, Ld__Record *r, const char *self, const Ld__Plan *old,
           char *err, size_t errlen)
{
	if (p->year < 1949 || p->year > 2200) {
		snprintf(err, errlen, "year: %u is not a plausible year",
		         p->year);
		return false;
	}
	if (!required("title", p->title, err, errlen))
		return false;
	if (old != NULL && p->n_items < old->n_items) {
		snprintf(err, errlen, "items: a plan keeps its %zu items (set "
		         "one's status to cancelled instead of removing it)",
		         old->n_items);
		return false;
	}
	for (size_t i = 0; i < p->n_items; i++) {
		Ld__PlanItem *it = p->items[i];
		const char *was = old && i < old->n_items
		                      ? old->items[i]->status
		                      : NULL;
		char name[32];
		snprintf(name, sizeof(name), "item %zu form", i + 1);
		if (!canon(LD_VOCAB_PLAN_FORM, name, &it->form, err, errlen))
			return false;
		if (it->month > 12) {
			snprintf(err, errlen, "item %zu month: %u is not 1-12 "
			         "(0 = not fixed)", i + 1, it->month);
			return false;
		}
		snprintf(name, sizeof(name), "item %zu topic", i + 1);
		if (!required(name, it->topic, err, errlen))
			return false;
		snprintf(name, sizeof(name), "item %zu status", i + 1);
		if (!status_ok(LD_SM_PLAN_ITEM, name, &it->status, was, err,
		               errlen))
			return false;
	}
	if (r->n_scope == 0 && !set_scope_self(r, self))
		return oom(err, errlen);
	return true;
}

static bool
check_survey(Ld__Survey *s, Ld__Record *r, const char *self,
             const Ld__Survey *old, char *err, size_t errlen)
{
	const char *why;
	if (!required("topic", s->topic, err, errlen) ||
	    !canon(LD_VOCAB_SURVEY_FORM, "form", &s->form, err, errlen) ||
	    !date_ok("start", s->start, err, errlen) ||
	    !date_ok("end", s->end, err, errlen) ||
	    !status_ok(LD_SM_SURVEY, "status", &s->status,
	               old ? old->status : NULL, err, errlen))
		return false;
	if (!empty(s->start) && !empty(s->end) &&
	    strcmp(s->end, s->start) < 0) {
		snprintf(err, errlen, "end: %s is before start %s", s->end,
		         s->start);
		return false;
	}
	if (r->n_scope == 0) {
		snprintf(err, errlen, "scope: at least one --scope PATH is "
		         "required (the offices taking part)");
		return false;
	}
	if (empty(s->host) && !ld_set_str(&s->host, self))
		return oom(err, errlen);
	if (!ld_path_valid(s->host, &why)) {
		snprintf(err, errlen, "host: %s", why);
		return false;
	}
	for (size_t i = 0; i < s->n_participants; i++) {
		if (!ld_path_valid(s->participants[i], &why)) {
			snprintf(err, errlen, "participant: %s", why);
			return false;
		}
	}
	return true;
}

static bool
check_result(Ld__Result *res, Ld__Record *r, const Ld__Result *old,
             char *err, size_t errlen)
{
	if (!required("ref", res->ref, err, errlen) ||
	    !required("summary", res->summary, err, errlen) ||
	    !status_ok(LD_SM_RESULT, "status", &res->status,
	               old ? old->status : NULL, err, errlen) ||
	    !no_scope(r, err, errlen))
		return false;
	if (old != NULL) {
		if (!unchanged("ref", res->ref, old->ref, err, errlen))
			return false;
		if (res->item != old->item) {
			snprintf(err, errlen, "item: cannot change (it is %u)",
			         old->item);
			return false;
		}
	}
	for (size_t i = 0; i < res->n_metrics; i++)
		if (!required("metric name", res->metrics[i]->name, err,
		              errlen))
			return false;
	/* Attachments: ld_record_check, for every record. */
	return true;
}

static bool
check_review(Ld__Review *rv, const Ld__Review *old, char *err, size_t errlen)
{
	return required("ref", rv->ref, err, errlen) &&
	       (old == NULL ||
	        unchanged("ref", rv->ref, old->ref, err, errlen)) &&
	       canon(LD_VOCAB_VERDICT, "verdict", &rv->verdict, err, errlen);
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

static bool
check_proposal(Ld__Proposal *p, Ld__Record *r, const Ld__Proposal *old,
               char *err, size_t errlen)
{
	if (!required("title", p->title, err, errlen) ||
	    !no_scope(r, err, errlen) ||
	    !status_ok(LD_SM_PROPOSAL, "status", &p->status,
	               old ? old->status : NULL, err, errlen))
		return false;
	if (p->year != 0 && (p->year < 1949 || p->year > 2200)) {
		snprintf(err, errlen, "year: %u is not a plausible year",
		         p->year);
		return false;
	}
	if (!empty(p->outcome) &&
	    !canon(LD_VOCAB_OUTCOME, "outcome", &p->outcome, err, errlen))
		return false;
	if (!empty(p->satisfaction) &&
	    !canon(LD_VOCAB_SATISFACTION, "satisfaction", &p->satisfaction,
	           err, errlen))
		return false;
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
	if (strcmp(filing, p->filing) != 0 && !ld_set_str(&p->filing, filing))
		return oom(err, errlen);
	bool answered = strcmp(p->filing, "filed") == 0 &&
	                strcmp(p->status, "filed") != 0 &&
	                strcmp(p->status, "assigned") != 0;
	if (answered && empty(p->outcome)) {
		snprintf(err, errlen, "outcome: required once a proposal is "
		         "%s (one of: %s)", p->status,
		         ld_vocab_describe(LD_VOCAB_OUTCOME));
		return false;
	}
	bool evaluated = answered && strcmp(p->status, "replied") != 0;
	if (evaluated && empty(p->satisfaction)) {
		snprintf(err, errlen, "satisfaction: required once a proposal "
		         "is %s (one of: %s)", p->status,
		         ld_vocab_describe(LD_VOCAB_SATISFACTION));
		return false;
	}
	return true;
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

/* A new record (`old` NULL) or the next version of `old`. */
static bool
validate(const char *self, const Ld__Record *old, Ld__Record *r, char *err,
         size_t errlen)
{
	strip_unknown(&r->base);
	if (ld_kind_of_body(r->body_case) == LD__KIND__KIND_UNSPECIFIED) {
		snprintf(err, errlen, "record: has no body");
		return false;
	}
	if (old != NULL && r->body_case != old->body_case) {
		snprintf(err, errlen, "kind: %s is a %s and stays one", old->id,
		         ld_kind_name(old->kind));
		return false;
	}
	r->kind = ld_kind_of_body(r->body_case);
	if (r->n_scope > LD_SCOPE_MAX) {
		snprintf(err, errlen, "scope: more than %d entries",
		         LD_SCOPE_MAX);
		return false;
	}
	for (size_t i = 0; i < r->n_scope; i++) {
		const char *why;
		if (!ld_path_valid(r->scope[i], &why)) {
			snprintf(err, errlen, "scope: '%.64s': %s", r->scope[i],
			         why);
			return false;
		}
	}
	bool ok;
	switch (r->body_case) {
	case LD__RECORD__BODY_TASK:
		ok = check_task(r->task, r, old ? old->task : NULL, err,
		                errlen);
		break;
	case LD__RECORD__BODY_PLAN:
		ok = check_plan(r->plan, r, self, old ? old->plan : NULL, err,
		                errlen);
		break;
	case LD__RECORD__BODY_SURVEY:
		ok = check_survey(r->survey, r, self, old ? old->survey : NULL,
		                  err, errlen);
		break;
	case LD__RECORD__BODY_RESULT:
		ok = check_result(r->result, r, old ? old->result : NULL, err,
		                  errlen);
		break;
	case LD__RECORD__BODY_REVIEW:
		/* The caller sets the scope to the reviewed result's owner. */
		ok = check_review(r->review, old ? old->review : NULL, err,
		                  errlen);
		break;
	case LD__RECORD__BODY_PROPOSAL:
		ok = check_proposal(r->proposal, r,
		                    old ? old->proposal : NULL, err, errlen);
		break;
	default:
		snprintf(err, errlen, "kind: a %s record cannot be created "
		         "this way", ld_kind_name(r->kind));
		ok = false;
	}
	if (!ok)
		return false;

	struct ld_str sc[LD_SCOPE_MAX];
	struct ld_flow_rec fr;
	ld_record_flow(r, &fr, sc);
	int bad = ld_flow_scope_outside(self, &fr);
	if (bad >= 0) {
		snprintf(err, errlen, "scope: %s is outside this node's "
		         "subtree (%s)", r->scope[bad], self);
		return false;
	}
	return true;
}

bool
ld_validate_new(const char *self, Ld__Record *r, char *err, size_t errlen)
{
	return validate(self, NULL, r, err, errlen);
}

bool
ld_validate_update(const char *self, const Ld__Record *old, Ld__Record *r,
                   char *err, size_t errlen)
{
	return validate(self, old, r, err, errlen);
}
