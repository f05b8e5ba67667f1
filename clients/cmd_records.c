/* cmd_records.c — commands that create, list and show records and the
 * node's status, through the running liandongd. */
#include "cli.h"
#include "format.h"
#include "path.h"
#include "record.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The command line of a record addressed down the tree: --topic, --form
 * and at least one --scope are required, nothing else may stand free.
 * Returns 0, an exit code, or LD_CLI_HELP after --help. */
static int
parse_addressed(const struct cmd *c, int argc, char **argv, const int *ok,
                struct args *a)
{
	int rc = ld_cli_args(c, argc, argv, ok, 0, a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a->topic, "--topic")) ||
	    (rc = ld_cli_need(c, a->form, "--form")))
		return rc;
	if (a->scope.n == 0)
		return ld_cli_usage_error(
		    c, "at least one --scope PATH is required");
	return 0;
}

int
ld_cli_run_task_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TOPIC,  O_FORM,        O_SCOPE, O_DUE,
	                         O_TARGET, O_PARENT_TASK, O_JSON,  0};
	struct args a;
	int rc = parse_addressed(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	Ld__Task t = LD__TASK__INIT;
	t.topic = (char *)a.topic;
	t.form = (char *)a.form;
	t.due = ld_cli_str(a.due);
	t.parent = ld_cli_str(a.parent_task);
	t.n_targets = a.target.n;
	t.targets = a.target.v;
	return ld_cli_add_body(c, &t.base, &a);
}

int
ld_cli_parse_item(const struct cmd *c, char *spec, Ld__PlanItem *it)
{
	char *f[6] = {"", "", "", "", "", ""};
	int nf = 0;
	char *p = spec;
	for (;;) {
		char *bar = strchr(p, '|');
		if (nf == 6)
			return ld_cli_usage_error(c, "--item has more than 6 "
			                             "'|'-separated fields");
		f[nf++] = p;
		if (bar == NULL)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	if (nf < 3)
		return ld_cli_usage_error(c, "--item needs at least "
		                             "'FORM|MONTH|TOPIC'");
	ld__plan_item__init(it);
	it->form = f[0];
	it->topic = f[2];
	it->lead = f[3];
	it->responsible = f[4];
	it->assisting = f[5];
	return ld_cli_parse_month(c, f[1], &it->month);
}

int
ld_cli_run_plan_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_YEAR, O_TITLE, O_SCOPE, O_ITEM, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.year, "--year")) ||
	    (rc = ld_cli_need(c, a.title, "--title")))
		return rc;
	uint32_t year;
	if ((rc = ld_cli_parse_year(c, a.year, &year)) != 0)
		return rc;
	Ld__PlanItem items[LIST_MAX_ARGS];
	Ld__PlanItem *ip[LIST_MAX_ARGS];
	for (size_t i = 0; i < a.item.n; i++) {
		if ((rc = ld_cli_parse_item(c, a.item.v[i], &items[i])) != 0)
			return rc;
		ip[i] = &items[i];
	}
	Ld__Plan p = LD__PLAN__INIT;
	p.year = year;
	p.title = (char *)a.title;
	p.n_items = a.item.n;
	p.items = ip;
	return ld_cli_add_body(c, &p.base, &a);
}

int
ld_cli_run_survey_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TOPIC, O_FORM, O_SCOPE, O_START,
	                         O_END,   O_JSON, 0};
	struct args a;
	int rc = parse_addressed(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	Ld__Survey s = LD__SURVEY__INIT;
	s.topic = (char *)a.topic;
	s.form = (char *)a.form;
	s.start = ld_cli_str(a.start);
	s.end = ld_cli_str(a.end);
	s.n_participants = a.scope.n;
	s.participants = a.scope.v;
	return ld_cli_add_body(c, &s.base, &a);
}

int
ld_cli_run_result_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_REF,       O_SUMMARY, O_METRIC, O_FINDING,
	                         O_PLAN_ITEM, O_ATTACH,  O_JSON,   0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.ref, "--ref")) ||
	    (rc = ld_cli_need(c, a.summary, "--summary")))
		return rc;
	Ld__Metric ms[LIST_MAX_ARGS];
	Ld__Metric *mp[LIST_MAX_ARGS];
	for (size_t i = 0; i < a.metric.n; i++) {
		if ((rc = ld_cli_parse_metric(c, a.metric.v[i], &ms[i])) != 0)
			return rc;
		mp[i] = &ms[i];
	}
	Ld__Result res = LD__RESULT__INIT;
	res.ref = (char *)a.ref;
	res.summary = (char *)a.summary;
	res.n_metrics = a.metric.n;
	res.metrics = mp;
	res.n_findings = a.finding.n;
	res.findings = a.finding.v;
	if (a.plan_item != NULL) {
		char *end;
		long v = strtol(a.plan_item, &end, 10);
		if (*end != '\0' || v < 1 || v > 10000)
			return ld_cli_usage_error(
			    c,
			    "--plan-item '%s' is not an item "
			    "number",
			    a.plan_item);
		res.item = (uint32_t)v;
	}
	Ld__Attachment **att = NULL;
	if ((rc = ld_cli_upload_attachments(c, &a.attach, &att)) != 0)
		return rc;
	res.n_attachments = a.attach.n;
	res.attachments = att;
	rc = ld_cli_add_body(c, &res.base, &a);
	ld_cli_free_attachments(att, a.attach.n);
	return rc;
}

int
ld_cli_run_review_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_REF, O_VERDICT, O_COMMENT, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.ref, "--ref")) ||
	    (rc = ld_cli_need(c, a.verdict, "--verdict")))
		return rc;
	Ld__Review rv = LD__REVIEW__INIT;
	rv.ref = (char *)a.ref;
	rv.verdict = (char *)a.verdict;
	rv.comment = ld_cli_str(a.comment);
	return ld_cli_add_body(c, &rv.base, &a);
}

int
ld_cli_run_proposal_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TITLE,    O_NUMBER,       O_SUBMITTER,
	                         O_HANDLER,  O_YEAR,         O_STATUS,
	                         O_OUTCOME,  O_FACE_TO_FACE, O_SATISFACTION,
	                         O_COSIGNER, O_ASSIST,       O_KEY,
	                         O_SUPERVISOR, O_FILED_ON,   O_DEADLINE,
	                         O_EXTEND,   O_JSON,         0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.title, "--title")) != 0)
		return rc;
	Ld__Proposal p = LD__PROPOSAL__INIT;
	p.title = (char *)a.title;
	p.number = ld_cli_str(a.number);
	p.submitter = ld_cli_str(a.submitter);
	p.handler = ld_cli_str(a.handler);
	p.status = ld_cli_str(a.status);
	p.outcome = ld_cli_str(a.outcome);
	p.satisfaction = ld_cli_str(a.satisfaction);
	if (a.year != NULL && (rc = ld_cli_parse_year(c, a.year, &p.year)) != 0)
		return rc;
	bool f2f = false;
	if (a.face_to_face != NULL &&
	    (rc = ld_cli_parse_yes_no(c, "--face-to-face", a.face_to_face,
	                              &f2f)) != 0)
		return rc;
	p.face_to_face = f2f;
	bool key = false;
	if (a.key != NULL &&
	    (rc = ld_cli_parse_yes_no(c, "--key", a.key, &key)) != 0)
		return rc;
	p.key = key;
	p.supervisor = ld_cli_str(a.supervisor);
	p.filed_on = ld_cli_str(a.filed_on);
	p.deadline = ld_cli_str(a.deadline);
	p.extended = a.extend;
	p.n_cosigners = a.cosigner.n;
	p.cosigners = a.cosigner.v;
	p.n_assisting = a.assist.n;
	p.assisting = a.assist.v;
	return ld_cli_add_body(c, &p.base, &a);
}

/* Order records by owner, then by their counter as a number. */
int
ld_cli_run_list(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_KIND, O_OWNER, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	Ld__Kind kind = LD__KIND__KIND_UNSPECIFIED;
	if (a.kind != NULL &&
	    (kind = ld_kind_parse(a.kind)) == LD__KIND__KIND_UNSPECIFIED)
		return ld_cli_usage_error(
		    c,
		    "unknown kind '%s' (one of node, plan, "
		    "survey, task, result, review, proposal, "
		    "report, opinion, opinion-action, member, duty)",
		    a.kind);
	const char *why;
	if (a.owner != NULL && !ld_path_valid(a.owner, &why))
		return ld_cli_usage_error(c, "--owner '%s': %s", a.owner, why);
	Ld__Record **recs = NULL;
	size_t n = 0;
	rc = ld_cli_fetch(c, kind, a.owner ? a.owner : "", NULL, 0, &recs, &n);
	if (rc == 0) {
		if (a.json) {
			struct ld_buf b = {0};
			ld_buf_puts(&b, "[");
			for (size_t i = 0; i < n; i++) {
				ld_buf_puts(&b, i ? ",\n  " : "\n  ");
				ld_json_record(&b, recs[i]);
			}
			ld_buf_puts(&b, n ? "\n]\n" : "]\n");
			fputs(b.p, stdout);
			ld_buf_free(&b);
		} else {
			ld_print_list(stdout, recs, n);
		}
	}
	ld_cli_free_records(recs, n);
	return rc;
}

int
ld_cli_run_show(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = a.rest[0];
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	return ld_cli_request_print(c, &req, 0, a.json, NULL);
}

/* 'history': one line per version, oldest first:
 * "v3  2026-11-23 10:12  张三  submitted" (local time; "-" for a version
 * without an author). */
static void
print_history(const Ld__Response *resp, const Ld__Record *r)
{
	(void)r;
	const Ld__HistoryResponse *h = resp->history;
	if (h->more)
		printf("(older versions left out)\n");
	for (size_t i = 0; i < h->n_entries; i++) {
		const Ld__HistoryEntry *e = h->entries[i];
		char when[32] = "-";
		time_t sec = (time_t)(e->updated_at / 1000);
		struct tm tm;
		if (e->updated_at > 0 && localtime_r(&sec, &tm) != NULL)
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		printf("v%llu  %s  %s  %s%s\n", (unsigned long long)e->version,
		       when, e->author[0] ? e->author : "-", e->status,
		       e->deleted ? (e->status[0] ? " (deleted)" : "(deleted)")
		                  : "");
	}
}

int
ld_cli_run_history(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	Ld__HistoryRequest h = LD__HISTORY_REQUEST__INIT;
	h.id = a.rest[0];
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_HISTORY;
	req.history = &h;
	return ld_cli_request_print(c, &req, 0, a.json, print_history);
}

/* 'wait': the id and the version reached. */
static void
print_waited(const Ld__Response *resp, const Ld__Record *r)
{
	(void)resp;
	printf("%s v%llu\n", r->id, (unsigned long long)r->version);
}

int
ld_cli_run_wait(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_VERSION, O_TIMEOUT, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	unsigned long version = 1, secs = 30;
	char *end;
	if (a.version != NULL &&
	    ((version = strtoul(a.version, &end, 10)) < 1 || *end != '\0' ||
	     a.version[0] < '0' || a.version[0] > '9'))
		return ld_cli_usage_error(
		    c,
		    "--version '%s' is not a version (1, 2 "
		    "...)",
		    a.version);
	if (a.timeout != NULL &&
	    ((secs = strtoul(a.timeout, &end, 10)) < 1 || secs > 600 ||
	     *end != '\0' || a.timeout[0] < '0' || a.timeout[0] > '9'))
		return ld_cli_usage_error(
		    c, "--timeout '%s': seconds from 1 to 600", a.timeout);
	Ld__WaitRequest w = LD__WAIT_REQUEST__INIT;
	w.id = a.rest[0];
	w.min_version = version;
	w.timeout_ms = (uint32_t)(secs * 1000);
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_WAIT;
	req.wait = &w;
	return ld_cli_request_print(c, &req, (int)(secs * 1000) + 10000, false,
	                            print_waited);
}

static int64_t
wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
print_status(const Ld__Response *resp, const Ld__Record *r)
{
	(void)r;
	ld_print_status(stdout, resp->status);
	if (resp->status->n_tree > 0)
		ld_print_tree(stdout, resp->status, wall_ms());
}

int
ld_cli_run_status(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, O_TREE, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	Ld__StatusRequest s = LD__STATUS_REQUEST__INIT;
	s.tree = a.tree;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &s;
	return ld_cli_request_print(c, &req, 0, a.json, print_status);
}
