/* cmd_edit.c — commands that change or delete records this node owns. The
 * CLI reads the record, edits it and sends it back with the version it
 * read; the node checks the owner, the status machine and every field,
 * and refuses the edit if the record moved on meanwhile. */
#include "cli.h"
#include "record.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A record being edited: the connection, the record, the version read. */
struct edit {
	struct ld_client *cl;
	Ld__Record *r;
	uint64_t base;
};

/* Connect and read record `id`, which must have body `body`. */
static int
begin(const struct cmd *c, const char *id, Ld__Record__BodyCase body,
      struct edit *e)
{
	memset(e, 0, sizeof(*e));
	int rc = ld_cli_connect(c, &e->cl);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_get_record(e->cl, id, &e->r)) != 0) {
		ld_client_close(&e->cl);
		return rc;
	}
	if (e->r->body_case != body) {
		rc = ld_cli_fail("%s is a %s, not a %s", id,
		                 ld_kind_name(e->r->kind),
		                 ld_kind_name(ld_kind_of_body(body)));
		ld__record__free_unpacked(e->r, NULL);
		ld_client_close(&e->cl);
		return rc;
	}
	e->base = e->r->version;
	return 0;
}

/* Send the edit (unless rc says something failed) and clean up. */
static int
finish(struct edit *e, int rc, bool json)
{
	if (rc == 0)
		rc = ld_cli_update_record(e->cl, e->r, e->base, json);
	ld__record__free_unpacked(e->r, NULL);
	ld_client_close(&e->cl);
	return rc;
}

static int
oom(void)
{
	return ld_cli_fail("out of memory");
}

/* Set string field `f` to `v` if the option was given. */
static int
set(char **f, const char *v)
{
	return v == NULL || ld_set_str(f, v) == 0 ? 0 : oom();
}

/* Replace a repeated string field with the option's values, if any. */
static int
set_list(char ***arr, size_t *n, const struct strs *v)
{
	if (v->n == 0)
		return 0;
	char **copy = calloc(v->n, sizeof(char *));
	if (copy == NULL)
		return oom();
	for (size_t i = 0; i < v->n; i++) {
		if ((copy[i] = strdup(v->v[i])) == NULL) {
			while (i-- > 0)
				free(copy[i]);
			free(copy);
			return oom();
		}
	}
	for (size_t i = 0; i < *n; i++)
		free((*arr)[i]);
	free(*arr);
	*arr = copy;
	*n = v->n;
	return 0;
}

/* The options a `set` command was given, to refuse one that changes
 * nothing. */
static bool
changes(const struct args *a)
{
	const char *const one[] = {
	    a->status,  a->topic,     a->form,      a->due,
	    a->start,   a->end,       a->title,     a->year,
	    a->summary, a->verdict,   a->comment,   a->number,
	    a->submitter, a->handler, a->outcome,   a->face_to_face,
	    a->satisfaction, a->month, a->lead,     a->responsible,
	    a->assisting, a->key,     a->supervisor, a->filed_on,
	    a->deadline};
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (one[i] != NULL)
			return true;
	/* members and duty entries */
	const char *const two[] = {a->name,   a->sector,  a->committee,
	                           a->group,  a->term,    a->joined,
	                           a->new_member, a->activity, a->date,
	                           a->ref,    a->note};
	for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++)
		if (two[i] != NULL)
			return true;
	return a->member.n || a->scope.n || a->target.n || a->item.n ||
	       a->metric.n || a->finding.n || a->cosigner.n || a->assist.n ||
	       a->extend;
}

/* Parse a `set` command: options `ok`, one positional ID. */
static int
parse_set(const struct cmd *c, int argc, char **argv, const int *ok,
          struct args *a)
{
	int rc = ld_cli_args(c, argc, argv, ok, 1, a);
	if (rc != 0)
		return rc;
	if (!changes(a))
		return ld_cli_usage_error(
		    c, "nothing to change: give --status or a "
		       "field to set");
	return 0;
}

int
ld_cli_run_task_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_STATUS, O_TOPIC,  O_FORM, O_DUE,
	                         O_TARGET, O_SCOPE, O_JSON, 0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_TASK, &e)) != 0)
		return rc;
	Ld__Task *t = e.r->task;
	if (!(rc = set(&t->status, a.status)) && !(rc = set(&t->topic, a.topic)) &&
	    !(rc = set(&t->form, a.form)) && !(rc = set(&t->due, a.due)) &&
	    !(rc = set_list(&t->targets, &t->n_targets, &a.target)))
		rc = set_list(&e.r->scope, &e.r->n_scope, &a.scope);
	return finish(&e, rc, a.json);
}

int
ld_cli_run_survey_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_STATUS, O_TOPIC, O_FORM, O_START,
	                         O_END,    O_SCOPE, O_JSON, 0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_SURVEY, &e)) != 0)
		return rc;
	Ld__Survey *s = e.r->survey;
	/* The offices taking part are its scope. */
	if (!(rc = set(&s->status, a.status)) &&
	    !(rc = set(&s->topic, a.topic)) && !(rc = set(&s->form, a.form)) &&
	    !(rc = set(&s->start, a.start)) && !(rc = set(&s->end, a.end)) &&
	    !(rc = set_list(&s->participants, &s->n_participants, &a.scope)))
		rc = set_list(&e.r->scope, &e.r->n_scope, &a.scope);
	return finish(&e, rc, a.json);
}

/* New plan items (--item SPEC) appended to `p`. */
static int
append_items(const struct cmd *c, Ld__Plan *p, const struct args *a)
{
	if (a->item.n == 0)
		return 0;
	Ld__PlanItem **items =
	    realloc(p->items, (p->n_items + a->item.n) * sizeof(*items));
	if (items == NULL)
		return oom();
	p->items = items;
	for (size_t i = 0; i < a->item.n; i++) {
		Ld__PlanItem parsed, *it = malloc(sizeof(*it));
		if (it == NULL)
			return oom();
		int rc = ld_cli_parse_item(c, a->item.v[i], &parsed);
		if (rc != 0) {
			free(it);
			return rc;
		}
		ld__plan_item__init(it);
		it->month = parsed.month;
		const char *f[] = {parsed.form, parsed.topic, parsed.lead,
		                   parsed.responsible, parsed.assisting};
		char **to[] = {&it->form, &it->topic, &it->lead,
		               &it->responsible, &it->assisting};
		p->items[p->n_items++] = it;
		for (size_t k = 0; k < 5; k++)
			if (ld_set_str(to[k], f[k]) != 0)
				return oom();
	}
	return 0;
}

int
ld_cli_run_plan_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TITLE, O_YEAR,   O_ITEM, O_SCOPE,
	                         O_STATUS, O_JSON, 0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if (a.status != NULL)
		return ld_cli_usage_error(
		    c,
		    "a plan has no status of its own, its "
		    "items do: use 'liandong plan item set "
		    "%s N --status S'",
		    a.rest[0]);
	uint32_t year = 0;
	if (a.year != NULL && (rc = ld_cli_parse_year(c, a.year, &year)) != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_PLAN, &e)) != 0)
		return rc;
	if (year != 0)
		e.r->plan->year = year;
	if (!(rc = set(&e.r->plan->title, a.title)) &&
	    !(rc = append_items(c, e.r->plan, &a)))
		rc = set_list(&e.r->scope, &e.r->n_scope, &a.scope);
	return finish(&e, rc, a.json);
}

/* liandong plan item set PLAN_ID N [--status S] [fields] */
int
ld_cli_run_plan_item(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_STATUS, O_FORM,        O_MONTH,
	                         O_TOPIC,  O_LEAD,        O_RESPONSIBLE,
	                         O_ASSISTING, O_JSON,     0};
	struct args a;
	struct edit e;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if (a.nargs == 0 || strcmp(a.rest[0], "set") != 0)
		return ld_cli_usage_error(c, "expected 'set PLAN_ID N'");
	if (a.nargs != 3)
		return ld_cli_usage_error(
		    c, "expected 'set PLAN_ID N' (the plan and "
		       "the item's number, from 1)");
	char *end;
	long n = strtol(a.rest[2], &end, 10);
	if (*end != '\0' || end == a.rest[2] || n < 1 || n > 100000)
		return ld_cli_usage_error(
		    c, "item number '%s' is not 1, 2, ...", a.rest[2]);
	if (!changes(&a))
		return ld_cli_usage_error(
		    c, "nothing to change: give --status or a "
		       "field to set");
	uint32_t month = 0;
	if (a.month != NULL &&
	    (rc = ld_cli_parse_month(c, a.month, &month)) != 0)
		return rc;
	if ((rc = begin(c, a.rest[1], LD__RECORD__BODY_PLAN, &e)) != 0)
		return rc;
	if ((size_t)n > e.r->plan->n_items) {
		rc = ld_cli_fail("%s has %zu items, not %ld", a.rest[1],
		                 e.r->plan->n_items, n);
		ld__record__free_unpacked(e.r, NULL);
		ld_client_close(&e.cl);
		return rc;
	}
	Ld__PlanItem *it = e.r->plan->items[n - 1];
	if (a.month != NULL)
		it->month = month;
	if (!(rc = set(&it->status, a.status)) &&
	    !(rc = set(&it->form, a.form)) && !(rc = set(&it->topic, a.topic)) &&
	    !(rc = set(&it->lead, a.lead)) &&
	    !(rc = set(&it->responsible, a.responsible)))
		rc = set(&it->assisting, a.assisting);
	return finish(&e, rc, a.json);
}

int
ld_cli_run_result_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_STATUS,  O_SUMMARY, O_METRIC,
	                         O_FINDING, O_JSON,    0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	Ld__Metric ms[LIST_MAX_ARGS];
	for (size_t i = 0; i < a.metric.n; i++)
		if ((rc = ld_cli_parse_metric(c, a.metric.v[i], &ms[i])) != 0)
			return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_RESULT, &e)) != 0)
		return rc;
	Ld__Result *res = e.r->result;
	if (a.metric.n > 0) {
		/* The given metrics replace the old ones. */
		Ld__Metric **mp = calloc(a.metric.n, sizeof(*mp));
		for (size_t i = 0; mp != NULL && i < a.metric.n; i++) {
			if ((mp[i] = malloc(sizeof(**mp))) == NULL)
				break;
			ld__metric__init(mp[i]);
			mp[i]->value = ms[i].value;
			mp[i]->name = NULL;
			if (ld_set_str(&mp[i]->name, ms[i].name) != 0) {
				free(mp[i]);
				mp[i] = NULL;
				break;
			}
		}
		for (size_t i = 0; i < res->n_metrics; i++)
			ld__metric__free_unpacked(res->metrics[i], NULL);
		free(res->metrics);
		res->metrics = mp;
		res->n_metrics = 0;
		while (mp != NULL && res->n_metrics < a.metric.n &&
		       mp[res->n_metrics] != NULL)
			res->n_metrics++;
		if (res->n_metrics < a.metric.n)
			rc = oom();
	}
	if (!rc && !(rc = set(&res->status, a.status)) &&
	    !(rc = set(&res->summary, a.summary)))
		rc = set_list(&res->findings, &res->n_findings, &a.finding);
	return finish(&e, rc, a.json);
}

int
ld_cli_run_review_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_VERDICT, O_COMMENT, O_JSON, 0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_REVIEW, &e)) != 0)
		return rc;
	if (!(rc = set(&e.r->review->verdict, a.verdict)))
		rc = set(&e.r->review->comment, a.comment);
	return finish(&e, rc, a.json);
}

int
ld_cli_run_proposal_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_STATUS,  O_TITLE,   O_NUMBER,
	                         O_SUBMITTER, O_HANDLER, O_YEAR,
	                         O_OUTCOME, O_FACE_TO_FACE, O_SATISFACTION,
	                         O_COSIGNER, O_ASSIST, O_KEY, O_SUPERVISOR,
	                         O_FILED_ON, O_DEADLINE, O_EXTEND,
	                         O_JSON,    0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	uint32_t year = 0;
	bool f2f = false, key = false;
	if (a.key != NULL &&
	    (rc = ld_cli_parse_yes_no(c, "--key", a.key, &key)) != 0)
		return rc;
	if ((a.year != NULL &&
	     (rc = ld_cli_parse_year(c, a.year, &year)) != 0) ||
	    (a.face_to_face != NULL &&
	     (rc = ld_cli_parse_yes_no(c, "--face-to-face", a.face_to_face,
	                               &f2f))))
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_PROPOSAL, &e)) != 0)
		return rc;
	Ld__Proposal *p = e.r->proposal;
	if (year != 0)
		p->year = year;
	if (a.face_to_face != NULL)
		p->face_to_face = f2f;
	if (a.key != NULL)
		p->key = key;
	if (a.extend)
		p->extended = true;
	if (!(rc = set(&p->supervisor, a.supervisor)) &&
	    !(rc = set(&p->filed_on, a.filed_on)) &&
	    !(rc = set(&p->deadline, a.deadline)) &&
	    !(rc = set_list(&p->cosigners, &p->n_cosigners, &a.cosigner)))
		rc = set_list(&p->assisting, &p->n_assisting, &a.assist);
	if (!rc && !(rc = set(&p->status, a.status)) &&
	    !(rc = set(&p->title, a.title)) &&
	    !(rc = set(&p->number, a.number)) &&
	    !(rc = set(&p->submitter, a.submitter)) &&
	    !(rc = set(&p->handler, a.handler)) &&
	    !(rc = set(&p->outcome, a.outcome)))
		rc = set(&p->satisfaction, a.satisfaction);
	return finish(&e, rc, a.json);
}

int
ld_cli_run_opinion_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TITLE, O_CONTENT, O_MEMBER, O_YEAR,
	                         O_JSON,  0};
	struct args a;
	struct edit e;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	if (a.member.n > 1)
		return ld_cli_usage_error(c, "--member: one member writes a "
		                          "社情民意 (given %zu)", a.member.n);
	if (a.title == NULL && a.content == NULL && a.member.n == 0 &&
	    a.year == NULL)
		return ld_cli_usage_error(c, "nothing to change (give --title, "
		                          "--content, --member or --year)");
	uint32_t year = 0;
	if (a.year != NULL && (rc = ld_cli_parse_year(c, a.year, &year)) != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_OPINION, &e)) != 0)
		return rc;
	Ld__Opinion *o = e.r->opinion;
	if (year != 0)
		o->year = year;
	if (!(rc = set(&o->title, a.title)) &&
	    !(rc = set(&o->content, a.content)))
		rc = set(&o->member, ld_cli_one_member(c, &a));
	return finish(&e, rc, a.json);
}

int
ld_cli_run_delete(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	struct ld_client *cl = NULL;
	if ((rc = ld_cli_connect(c, &cl)) != 0)
		return rc;
	Ld__Record *r = NULL;
	if ((rc = ld_cli_get_record(cl, a.rest[0], &r)) == 0) {
		rc = ld_cli_delete_record(cl, a.rest[0], r->version, a.json);
		ld__record__free_unpacked(r, NULL);
	}
	ld_client_close(&cl);
	return rc;
}

int
ld_cli_run_member_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_STATUS, O_NAME,   O_SECTOR, O_COMMITTEE,
	                         O_GROUP,  O_TERM,   O_JOINED, O_NEW_MEMBER,
	                         O_JSON,   0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	bool nw = false;
	if (a.new_member != NULL &&
	    (rc = ld_cli_parse_yes_no(c, "--new", a.new_member, &nw)) != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_MEMBER, &e)) != 0)
		return rc;
	Ld__Member *m = e.r->member;
	if (a.new_member != NULL)
		m->new_member = nw;
	if (!(rc = set(&m->status, a.status)) && !(rc = set(&m->name, a.name)) &&
	    !(rc = set(&m->sector, a.sector)) &&
	    !(rc = set(&m->committee, a.committee)) &&
	    !(rc = set(&m->group, a.group)) && !(rc = set(&m->term, a.term)))
		rc = set(&m->joined, a.joined);
	return finish(&e, rc, a.json);
}

int
ld_cli_run_duty_set(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_ACTIVITY, O_DATE, O_REF, O_MEMBER,
	                         O_NOTE,     O_JSON, 0};
	struct args a;
	struct edit e;
	int rc = parse_set(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if ((rc = begin(c, a.rest[0], LD__RECORD__BODY_DUTY, &e)) != 0)
		return rc;
	Ld__Duty *d = e.r->duty;
	if (!(rc = set(&d->activity, a.activity)) &&
	    !(rc = set(&d->date, a.date)) && !(rc = set(&d->ref, a.ref)))
		rc = set(&d->note, a.note);
	/* --member replaces the list: who attended, as corrected. */
	for (size_t i = 0; rc == 0 && a.member.n > 0 && i < d->n_members; i++)
		free(d->members[i]);
	if (rc == 0 && a.member.n > 0) {
		free(d->members);
		d->members = calloc(a.member.n, sizeof(char *));
		d->n_members = 0;
		for (size_t i = 0; d->members != NULL && i < a.member.n; i++)
			if ((d->members[d->n_members] =
			         strdup(a.member.v[i])) != NULL)
				d->n_members++;
		if (d->members == NULL || d->n_members != a.member.n)
			rc = oom();
	}
	return finish(&e, rc, a.json);
}
