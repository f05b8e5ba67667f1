/* liandong.c — the command-line client: init a node's data directory, and
 * add, list, show and watch records through the local liandongd.
 *
 * Exit codes: 0 ok; 1 refused or failed (one line on stderr); 2 usage. The
 * CLI checks the shape of the command line; the node checks the content. */
#include "client.h"
#include "config.h"
#include "allow.h"
#include "format.h"
#include "keys.h"
#include "path.h"
#include "record.h"
#include "sign.h"
#include "text.h"
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIST_MAX_ARGS 256

static const char *data_dir;
/* The remote API, when given: endpoint, the node's key, our key file. */
static const char *remote, *server_key, *key_file;

struct cmd {
	const char *name, *sub;
	int (*run)(const struct cmd *c, int argc, char **argv);
	const char *args;  /* one-line synopsis after the command name */
	const char *help;  /* the rest of --help */
};

static void
cmd_name(const struct cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, "liandong %s%s%s", c->name, c->sub ? " " : "",
	         c->sub ? c->sub : "");
}

static int usage_error(const struct cmd *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A usage error: one line naming the command, exit code 2. */
static int
usage_error(const struct cmd *c, const char *fmt, ...)
{
	char name[64], msg[1024];
	cmd_name(c, name, sizeof(name));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s (see '%s --help')\n", name, msg, name);
	return 2;
}

static int
print_help(const struct cmd *c)
{
	char name[64];
	cmd_name(c, name, sizeof(name));
	printf("usage: %s %s\n\n%s", name, c->args, c->help);
	printf("\nCommon options:\n"
	       "  -d, --data DIR   the node's data directory (default: "
	       "$LIANDONG_DATA)\n"
	       "  -h, --help       this text\n");
	return 0;
}

static int
fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A refusal or failure: one line, exit code 1. */
static int
fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("liandong: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

/* ---------------------------------------------------------------- options */

enum {
	O_DATA = 'd',
	O_HELP = 'h',
	O_JSON = 1000,
	O_TOPIC,
	O_FORM,
	O_SCOPE,
	O_DUE,
	O_TARGET,
	O_PARENT_TASK,
	O_YEAR,
	O_TITLE,
	O_ITEM,
	O_START,
	O_END,
	O_REF,
	O_SUMMARY,
	O_METRIC,
	O_FINDING,
	O_PLAN_ITEM,
	O_VERDICT,
	O_COMMENT,
	O_KIND,
	O_OWNER,
	O_ID,
	O_NAME,
	O_LEVEL,
	O_LISTEN,
	O_PARENT,
	O_PARENT_KEY,
	O_ROOT_KEY,
	O_INSECURE,
	O_OUT,
};

static const struct option all_opts[] = {
    {"data", required_argument, NULL, O_DATA},
    {"help", no_argument, NULL, O_HELP},
    {"json", no_argument, NULL, O_JSON},
    {"topic", required_argument, NULL, O_TOPIC},
    {"form", required_argument, NULL, O_FORM},
    {"scope", required_argument, NULL, O_SCOPE},
    {"due", required_argument, NULL, O_DUE},
    {"target", required_argument, NULL, O_TARGET},
    {"parent-task", required_argument, NULL, O_PARENT_TASK},
    {"year", required_argument, NULL, O_YEAR},
    {"title", required_argument, NULL, O_TITLE},
    {"item", required_argument, NULL, O_ITEM},
    {"start", required_argument, NULL, O_START},
    {"end", required_argument, NULL, O_END},
    {"ref", required_argument, NULL, O_REF},
    {"summary", required_argument, NULL, O_SUMMARY},
    {"metric", required_argument, NULL, O_METRIC},
    {"finding", required_argument, NULL, O_FINDING},
    {"plan-item", required_argument, NULL, O_PLAN_ITEM},
    {"verdict", required_argument, NULL, O_VERDICT},
    {"comment", required_argument, NULL, O_COMMENT},
    {"kind", required_argument, NULL, O_KIND},
    {"owner", required_argument, NULL, O_OWNER},
    {"id", required_argument, NULL, O_ID},
    {"name", required_argument, NULL, O_NAME},
    {"level", required_argument, NULL, O_LEVEL},
    {"listen", required_argument, NULL, O_LISTEN},
    {"parent", required_argument, NULL, O_PARENT},
    {"parent-key", required_argument, NULL, O_PARENT_KEY},
    {"root-key", required_argument, NULL, O_ROOT_KEY},
    {"insecure", no_argument, NULL, O_INSECURE},
    {"out", required_argument, NULL, O_OUT},
    {NULL, 0, NULL, 0},
};

/* Options a command accepts, as a NUL-terminated list of codes. */
static bool
accepts(const int *allowed, int code)
{
	for (; *allowed; allowed++)
		if (*allowed == code)
			return true;
	return false;
}

struct strs {
	char *v[LIST_MAX_ARGS];
	size_t n;
};

static bool
push(struct strs *s, char *v)
{
	if (s->n == LIST_MAX_ARGS)
		return false;
	s->v[s->n++] = v;
	return true;
}

/* Parsed values of every option; each command reads what it accepts. */
struct args {
	bool json;
	const char *topic, *form, *due, *parent_task, *title, *start, *end,
	    *ref, *summary, *verdict, *comment, *kind, *owner, *id, *name,
	    *level, *listen, *parent, *year, *plan_item, *parent_key,
	    *root_key, *out;
	bool insecure;
	struct strs scope, target, item, metric, finding;
	int nargs;
	char **rest;
};

/* Parse argv (argv[0] is the command word). Returns 0, -1 for --help
 * (printed), or 2 for a usage error (printed). */
static int
parse(const struct cmd *c, int argc, char **argv, const int *allowed,
      struct args *a)
{
	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":d:h", all_opts, NULL)) != -1) {
		if (o == '?')
			return usage_error(c, "unknown option '%s'",
			                   argv[optind - 1]);
		if (o == ':')
			return usage_error(c, "option '%s' needs a value",
			                   argv[optind - 1]);
		if (o != O_DATA && o != O_HELP && !accepts(allowed, o))
			return usage_error(c, "option '%s' does not apply here",
			                   argv[optind - 1]);
		bool ok = true;
		switch (o) {
		case O_DATA:
			data_dir = optarg;
			break;
		case O_HELP:
			print_help(c);
			return -1;
		case O_JSON:
			a->json = true;
			break;
		case O_TOPIC:
			a->topic = optarg;
			break;
		case O_FORM:
			a->form = optarg;
			break;
		case O_SCOPE:
			ok = push(&a->scope, optarg);
			break;
		case O_DUE:
			a->due = optarg;
			break;
		case O_TARGET:
			ok = push(&a->target, optarg);
			break;
		case O_PARENT_TASK:
			a->parent_task = optarg;
			break;
		case O_YEAR:
			a->year = optarg;
			break;
		case O_TITLE:
			a->title = optarg;
			break;
		case O_ITEM:
			ok = push(&a->item, optarg);
			break;
		case O_START:
			a->start = optarg;
			break;
		case O_END:
			a->end = optarg;
			break;
		case O_REF:
			a->ref = optarg;
			break;
		case O_SUMMARY:
			a->summary = optarg;
			break;
		case O_METRIC:
			ok = push(&a->metric, optarg);
			break;
		case O_FINDING:
			ok = push(&a->finding, optarg);
			break;
		case O_PLAN_ITEM:
			a->plan_item = optarg;
			break;
		case O_VERDICT:
			a->verdict = optarg;
			break;
		case O_COMMENT:
			a->comment = optarg;
			break;
		case O_KIND:
			a->kind = optarg;
			break;
		case O_OWNER:
			a->owner = optarg;
			break;
		case O_ID:
			a->id = optarg;
			break;
		case O_NAME:
			a->name = optarg;
			break;
		case O_LEVEL:
			a->level = optarg;
			break;
		case O_LISTEN:
			a->listen = optarg;
			break;
		case O_PARENT:
			a->parent = optarg;
			break;
		case O_PARENT_KEY:
			a->parent_key = optarg;
			break;
		case O_ROOT_KEY:
			a->root_key = optarg;
			break;
		case O_INSECURE:
			a->insecure = true;
			break;
		case O_OUT:
			a->out = optarg;
			break;
		}
		if (!ok)
			return usage_error(c, "too many '%s' options",
			                   argv[optind - 1]);
	}
	a->nargs = argc - optind;
	a->rest = argv + optind;
	return 0;
}

static int
no_extra(const struct cmd *c, const struct args *a, int want)
{
	if (a->nargs > want)
		return usage_error(c, "unexpected argument '%s'",
		                   a->rest[want]);
	if (a->nargs < want)
		return usage_error(c, "missing argument");
	return 0;
}

static int
need(const struct cmd *c, const char *v, const char *opt)
{
	if (v == NULL || v[0] == '\0')
		return usage_error(c, "%s is required", opt);
	return 0;
}

/* ---------------------------------------------------------------- client */

static int
connect_node(const struct cmd *c, struct ld_client **cl)
{
	char err[1024];
	if (remote != NULL) {
		uint8_t curve[32], sign[32];
		const char *why;
		if (server_key == NULL ||
		    !ld_keys_parse_public(server_key, curve, sign, false, &why))
			return usage_error(c, "--remote needs --server-key KEY "
			                      "(the node's key, from 'liandong key "
			                      "show' there)");
		if (key_file == NULL)
			return usage_error(c, "--remote needs --key-file FILE "
			                      "(made by 'liandong admin keygen')");
		struct ld_keys mine;
		if (ld_keys_init() != 0 ||
		    ld_keys_load_file(key_file, &mine, err, sizeof(err)) != 0)
			return fail("%s", err);
		int rc = ld_client_open_remote(remote, curve, &mine, 10000, cl,
		                               err, sizeof(err));
		sodium_memzero(&mine, sizeof(mine));
		return rc != 0 ? fail("%s", err) : 0;
	}
	if (data_dir == NULL || data_dir[0] == '\0')
		return usage_error(c, "no data directory: pass --data DIR or "
		                      "set LIANDONG_DATA");
	if (ld_client_open(data_dir, cl, err, sizeof(err)) != 0)
		return fail("%s", err);
	return 0;
}

/* One request, one answer. On a refusal prints its reason and returns 1. */
static int
call(struct ld_client *cl, Ld__Request *req, Ld__Response **resp)
{
	char err[1024];
	if (ld_client_call(cl, req, resp, LD_CLIENT_TIMEOUT_MS, err,
	                   sizeof(err)) != 0)
		return fail("%s", err);
	if ((*resp)->code != LD__CODE__CODE_OK) {
		int rc = fail("%s", (*resp)->error[0] ? (*resp)->error
		                                      : "refused");
		ld__response__free_unpacked(*resp, NULL);
		*resp = NULL;
		return rc;
	}
	return 0;
}

/* Send a new record; print its id. */
static int
add_record(const struct cmd *c, Ld__Record *r, const struct args *a)
{
	r->n_scope = a->scope.n;
	r->scope = (char **)a->scope.v;
	struct ld_client *cl = NULL;
	int rc = connect_node(c, &cl);
	if (rc != 0)
		return rc;
	Ld__AddRequest add = LD__ADD_REQUEST__INIT;
	add.record = r;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &add;
	Ld__Response *resp = NULL;
	rc = call(cl, &req, &resp);
	if (rc == 0) {
		if (a->json) {
			struct ld_buf b = {0};
			ld_buf_puts(&b, "{\"id\": ");
			ld_json_string(&b, resp->id);
			ld_buf_puts(&b, "}\n");
			fputs(b.p, stdout);
			ld_buf_free(&b);
		} else {
			printf("%s\n", resp->id);
		}
		ld__response__free_unpacked(resp, NULL);
	}
	ld_client_close(&cl);
	return rc;
}

/* ---------------------------------------------------------------- commands */

static int
run_task_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TOPIC,  O_FORM,        O_SCOPE, O_DUE,
	                         O_TARGET, O_PARENT_TASK, O_JSON,  0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, a.topic, "--topic")) ||
	    (rc = need(c, a.form, "--form")))
		return rc;
	if (a.scope.n == 0)
		return usage_error(c, "at least one --scope PATH is required");
	Ld__Task t = LD__TASK__INIT;
	t.topic = (char *)a.topic;
	t.form = (char *)a.form;
	t.due = (char *)(a.due ? a.due : "");
	t.parent = (char *)(a.parent_task ? a.parent_task : "");
	t.n_targets = a.target.n;
	t.targets = a.target.v;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_TASK;
	r.task = &t;
	return add_record(c, &r, &a);
}

/* "FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|ASSISTING"; trailing fields may be
 * left out. Cuts `spec` in place. */
static int
parse_item(const struct cmd *c, char *spec, Ld__PlanItem *it)
{
	char *f[6] = {"", "", "", "", "", ""};
	int nf = 0;
	char *p = spec;
	for (;;) {
		char *bar = strchr(p, '|');
		if (nf == 6)
			return usage_error(c, "--item has more than 6 "
			                      "'|'-separated fields");
		f[nf++] = p;
		if (bar == NULL)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	if (nf < 3)
		return usage_error(c, "--item needs at least "
		                      "'FORM|MONTH|TOPIC'");
	ld__plan_item__init(it);
	it->form = f[0];
	it->topic = f[2];
	it->lead = f[3];
	it->responsible = f[4];
	it->assisting = f[5];
	char *m = f[1], *end;
	if (m[0] != '\0') {
		errno = 0;
		long v = strtol(m, &end, 10);
		if (strcmp(end, "月") == 0)
			end += strlen("月");
		if (end == m || *end != '\0' || errno || v < 1 || v > 12)
			return usage_error(c, "--item month '%s' is not 1-12", m);
		it->month = (uint32_t)v;
	}
	return 0;
}

static int
run_plan_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_YEAR, O_TITLE, O_SCOPE, O_ITEM, O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, a.year, "--year")) ||
	    (rc = need(c, a.title, "--title")))
		return rc;
	char *end;
	errno = 0;
	long year = strtol(a.year, &end, 10);
	if (*end != '\0' || errno || year < 1 || year > 9999)
		return usage_error(c, "--year '%s' is not a year", a.year);
	Ld__PlanItem items[LIST_MAX_ARGS];
	Ld__PlanItem *ip[LIST_MAX_ARGS];
	for (size_t i = 0; i < a.item.n; i++) {
		if ((rc = parse_item(c, a.item.v[i], &items[i])) != 0)
			return rc;
		ip[i] = &items[i];
	}
	Ld__Plan p = LD__PLAN__INIT;
	p.year = (uint32_t)year;
	p.title = (char *)a.title;
	p.n_items = a.item.n;
	p.items = ip;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_PLAN;
	r.plan = &p;
	return add_record(c, &r, &a);
}

static int
run_survey_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TOPIC, O_FORM, O_SCOPE, O_START,
	                         O_END,   O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, a.topic, "--topic")) ||
	    (rc = need(c, a.form, "--form")))
		return rc;
	if (a.scope.n == 0)
		return usage_error(c, "at least one --scope PATH is required");
	Ld__Survey s = LD__SURVEY__INIT;
	s.topic = (char *)a.topic;
	s.form = (char *)a.form;
	s.start = (char *)(a.start ? a.start : "");
	s.end = (char *)(a.end ? a.end : "");
	s.n_participants = a.scope.n;
	s.participants = a.scope.v;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_SURVEY;
	r.survey = &s;
	return add_record(c, &r, &a);
}

static int
run_result_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_REF,       O_SUMMARY, O_METRIC, O_FINDING,
	                         O_PLAN_ITEM, O_JSON,    0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, a.ref, "--ref")) ||
	    (rc = need(c, a.summary, "--summary")))
		return rc;
	Ld__Metric ms[LIST_MAX_ARGS];
	Ld__Metric *mp[LIST_MAX_ARGS];
	for (size_t i = 0; i < a.metric.n; i++) {
		char *spec = a.metric.v[i], *eq = strrchr(spec, '=');
		if (eq == NULL || eq == spec)
			return usage_error(c, "--metric '%s' is not NAME=NUMBER",
			                   spec);
		ld__metric__init(&ms[i]);
		*eq = '\0';
		if (!ld_text_parse_number(eq + 1, &ms[i].value))
			return usage_error(c, "--metric %s: '%s' is not a "
			                      "number",
			                   spec, eq + 1);
		ms[i].name = spec;
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
			return usage_error(c, "--plan-item '%s' is not an item "
			                      "number",
			                   a.plan_item);
		res.item = (uint32_t)v;
	}
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &res;
	return add_record(c, &r, &a);
}

static int
run_review_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_REF, O_VERDICT, O_COMMENT, O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, a.ref, "--ref")) ||
	    (rc = need(c, a.verdict, "--verdict")))
		return rc;
	Ld__Review rv = LD__REVIEW__INIT;
	rv.ref = (char *)a.ref;
	rv.verdict = (char *)a.verdict;
	rv.comment = (char *)(a.comment ? a.comment : "");
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_REVIEW;
	r.review = &rv;
	return add_record(c, &r, &a);
}

/* Order records by owner, then by their counter as a number. */
static int
by_id(const void *x, const void *y)
{
	const Ld__Record *a = *(Ld__Record *const *)x;
	const Ld__Record *b = *(Ld__Record *const *)y;
	int o = strcmp(a->owner, b->owner);
	if (o != 0)
		return o;
	uint64_t ca = strtoull(strrchr(a->id, ':') + 1, NULL, 10);
	uint64_t cb = strtoull(strrchr(b->id, ':') + 1, NULL, 10);
	return ca < cb ? -1 : ca > cb;
}

static int
run_list(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_KIND, O_OWNER, O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) != 0)
		return rc;
	Ld__Kind kind = LD__KIND__KIND_UNSPECIFIED;
	if (a.kind != NULL &&
	    (kind = ld_kind_parse(a.kind)) == LD__KIND__KIND_UNSPECIFIED)
		return usage_error(c, "unknown kind '%s' (one of node, plan, "
		                      "survey, task, result, review, proposal, "
		                      "report)",
		                   a.kind);
	const char *why;
	if (a.owner != NULL && !ld_path_valid(a.owner, &why))
		return usage_error(c, "--owner '%s': %s", a.owner, why);
	struct ld_client *cl = NULL;
	if ((rc = connect_node(c, &cl)) != 0)
		return rc;

	Ld__Record **recs = NULL;
	size_t n = 0, cap = 0;
	char *after = strdup("");
	rc = 0;
	for (;;) {
		Ld__ListRequest lr = LD__LIST_REQUEST__INIT;
		lr.kind = kind;
		lr.owner = (char *)(a.owner ? a.owner : "");
		lr.after = after;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &lr;
		Ld__Response *resp = NULL;
		if ((rc = call(cl, &req, &resp)) != 0)
			break;
		for (size_t i = 0; i < resp->list->n_records; i++) {
			Ld__Record *r =
			    ld_record_unpack(resp->list->records[i].data,
			                     resp->list->records[i].len);
			if (r == NULL)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				recs = realloc(recs, cap * sizeof(*recs));
				if (recs == NULL) {
					fprintf(stderr, "out of memory\n");
					exit(1);
				}
			}
			recs[n++] = r;
		}
		free(after);
		after = strdup(resp->list->next);
		ld__response__free_unpacked(resp, NULL);
		if (after == NULL || after[0] == '\0')
			break;
	}
	free(after);
	ld_client_close(&cl);
	if (rc == 0) {
		if (n > 0)
			qsort(recs, n, sizeof(*recs), by_id);
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
	for (size_t i = 0; i < n; i++)
		ld__record__free_unpacked(recs[i], NULL);
	free(recs);
	return rc;
}

static int
run_show(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 1)) != 0)
		return rc;
	struct ld_client *cl = NULL;
	if ((rc = connect_node(c, &cl)) != 0)
		return rc;
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = a.rest[0];
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	Ld__Response *resp = NULL;
	rc = call(cl, &req, &resp);
	ld_client_close(&cl);
	if (rc != 0)
		return rc;
	Ld__Record *r = ld_record_unpack(resp->record.data, resp->record.len);
	ld__response__free_unpacked(resp, NULL);
	if (r == NULL)
		return fail("record %s does not decode", a.rest[0]);
	if (a.json) {
		struct ld_buf b = {0};
		ld_json_record(&b, r);
		printf("%s\n", b.p);
		ld_buf_free(&b);
	} else {
		ld_print_record(stdout, r);
	}
	ld__record__free_unpacked(r, NULL);
	return 0;
}

static int
run_status(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) != 0)
		return rc;
	struct ld_client *cl = NULL;
	if ((rc = connect_node(c, &cl)) != 0)
		return rc;
	Ld__StatusRequest s = LD__STATUS_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &s;
	Ld__Response *resp = NULL;
	rc = call(cl, &req, &resp);
	ld_client_close(&cl);
	if (rc != 0)
		return rc;
	if (a.json) {
		struct ld_buf b = {0};
		ld_json_message(&b, &resp->status->base);
		printf("%s\n", b.p);
		ld_buf_free(&b);
	} else {
		ld_print_status(stdout, resp->status);
	}
	ld__response__free_unpacked(resp, NULL);
	return 0;
}

/* mkdir -p with mode 0700 for what it creates. */
static int
mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
run_init(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_ID,     O_NAME,       O_LEVEL,
	                         O_LISTEN, O_PARENT,     O_PARENT_KEY,
	                         O_ROOT_KEY, O_INSECURE, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, data_dir, "--data")) ||
	    (rc = need(c, a.id, "--id")) || (rc = need(c, a.name, "--name")))
		return rc;
	if (remote != NULL)
		return usage_error(c, "makes a data directory here; not over "
		                      "--remote");
	const char *why;
	if (!ld_path_valid(a.id, &why))
		return usage_error(c, "--id '%s': %s", a.id, why);
	if (!ld_name_valid(a.name, &why))
		return usage_error(c, "--name: %s", why);
	if (a.level != NULL) {
		size_t ll = strlen(a.level);
		if (ll == 0 || ll > 32 || strspn(a.level,
		                                 "abcdefghijklmnopqrstuvwxyz_-") !=
		                              ll)
			return usage_error(c, "--level must be a word of a-z, "
			                      "_ or - (e.g. province, city, "
			                      "county)");
	}
	if (a.listen != NULL && !ld_endpoint_valid(a.listen, &why))
		return usage_error(c, "--listen '%s': %s", a.listen, why);
	if (a.parent != NULL && !ld_endpoint_valid(a.parent, &why))
		return usage_error(c, "--parent '%s': %s", a.parent, why);
	int depth = ld_path_depth(a.id);
	if (a.parent != NULL && depth < 2)
		return usage_error(c, "--parent given, but --id %s is a root "
		                      "path (a child's id is its parent's id "
		                      "plus one segment)",
		                   a.id);

	/* Keys: the parent's (for its links) and the root's (every record
	 * signature chains to it). */
	struct ld_config cfg;
	ld_config_defaults(&cfg);
	cfg.insecure = a.insecure;
	uint8_t curve[32];
	if (a.parent_key != NULL &&
	    !ld_keys_parse_public(a.parent_key, cfg.parent_curve,
	                          cfg.parent_sign, false, &why))
		return usage_error(c, "--parent-key: %s", why);
	if (a.root_key != NULL &&
	    !ld_keys_parse_public(a.root_key, curve, cfg.root_sign, true, &why))
		return usage_error(c, "--root-key: %s", why);
	if (!a.insecure) {
		if (a.parent != NULL && a.parent_key == NULL)
			return usage_error(c, "--parent-key KEY is required "
			                      "with --parent (run 'liandong key "
			                      "show' at the parent)");
		if (depth == 1 && a.root_key != NULL)
			return usage_error(c, "--root-key is for nodes below the "
			                      "root; the root's own key is its "
			                      "root key");
		if (depth == 2 && a.root_key == NULL && a.parent_key != NULL)
			memcpy(cfg.root_sign, cfg.parent_sign, 32);
		else if (depth == 2 && a.root_key != NULL &&
		         a.parent_key != NULL &&
		         memcmp(cfg.root_sign, cfg.parent_sign, 32) != 0)
			return usage_error(c, "--root-key differs from the "
			                      "parent's key, but the parent of "
			                      "%s is the root",
			                   a.id);
		else if (depth >= 2 && a.root_key == NULL)
			return usage_error(c, "--root-key KEY is required (the "
			                      "root office's key, from 'liandong "
			                      "key show' there)");
	}

	if (mkdirs(data_dir) != 0)
		return fail("%s: %s", data_dir, strerror(errno));
	if (realpath(data_dir, cfg.dir) == NULL)
		return fail("%s: %s", data_dir, strerror(errno));
	char file[PATH_MAX + 32];
	snprintf(file, sizeof(file), "%s/%s", cfg.dir, LD_CONFIG_FILE);
	if (access(file, F_OK) == 0)
		return fail("%s is already initialized (%s exists)", data_dir,
		            file);
	if (strlen(cfg.dir) > 98)
		return fail("data directory path %s is too long for the API "
		            "socket (at most 98 bytes)",
		            cfg.dir);
	snprintf(cfg.id, sizeof(cfg.id), "%s", a.id);
	snprintf(cfg.name, sizeof(cfg.name), "%s", a.name);
	snprintf(cfg.level, sizeof(cfg.level), "%s",
	         a.level ? a.level : ld_vocab_level_for_depth(depth));
	snprintf(cfg.listen, sizeof(cfg.listen), "%s",
	         a.listen ? a.listen : "");
	snprintf(cfg.parent, sizeof(cfg.parent), "%s",
	         a.parent ? a.parent : "");
	char err[1024];
	struct ld_keys k;
	if (ld_keys_init() != 0)
		return fail("libsodium cannot start");
	if (ld_keys_create(cfg.dir, &k, err, sizeof(err)) != 0)
		return fail("%s", err);
	if (depth == 1)
		memcpy(cfg.root_sign, k.sign_pub, 32);
	if (a.parent_key != NULL)
		snprintf(cfg.parent_key, sizeof(cfg.parent_key), "%s",
		         a.parent_key);
	if (!a.insecure || a.root_key != NULL || depth == 1) {
		char b[LD_B64_32];
		ld_b64_32(cfg.root_sign, b);
		snprintf(cfg.root_key, sizeof(cfg.root_key), "%s", b);
	}
	if (ld_config_write(&cfg, err, sizeof(err)) != 0)
		return fail("%s", err);
	char key[LD_KEY_TEXT_MAX];
	ld_keys_public_text(&k, key);
	sodium_memzero(&k, sizeof(k));
	printf("initialized %s for %s (%s, %s)\n", cfg.dir, cfg.id, cfg.name,
	       cfg.level);
	printf("key: %s\n", key);
	if (a.parent != NULL && !a.insecure)
		printf("enroll it at the parent: liandong child add %s %s\n",
		       cfg.id, key);
	printf("start it with: liandongd --data %s\n", data_dir);
	return 0;
}

/* Load this node's config and keys (no daemon needed). */
static int
load_local(const struct cmd *c, struct ld_config *cfg, struct ld_keys *k)
{
	if (remote != NULL)
		return usage_error(c, "works on the node's own data directory, "
		                      "not over --remote");
	if (data_dir == NULL || data_dir[0] == '\0')
		return usage_error(c, "no data directory: pass --data DIR or "
		                      "set LIANDONG_DATA");
	char err[1024];
	if (ld_config_load(data_dir, cfg, err, sizeof(err)) != 0)
		return fail("%s", err);
	if (k != NULL && (ld_keys_init() != 0 ||
	                  ld_keys_load(cfg->dir, k, err, sizeof(err)) != 0))
		return fail("%s", err);
	return 0;
}

static int
run_key_show(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) != 0)
		return rc;
	struct ld_config cfg;
	struct ld_keys k;
	if ((rc = load_local(c, &cfg, &k)) != 0)
		return rc;
	char key[LD_KEY_TEXT_MAX], root[LD_B64_32] = "";
	ld_keys_public_text(&k, key);
	if (cfg.root_key[0] != '\0')
		ld_b64_32(cfg.root_sign, root);
	if (a.json) {
		struct ld_buf b = {0};
		ld_buf_puts(&b, "{\"path\": ");
		ld_json_string(&b, cfg.id);
		ld_buf_puts(&b, ", \"key\": ");
		ld_json_string(&b, key);
		ld_buf_puts(&b, ", \"root_key\": ");
		ld_json_string(&b, root);
		ld_buf_puts(&b, "}\n");
		fputs(b.p, stdout);
		ld_buf_free(&b);
	} else {
		printf("node      %s (%s)\n", cfg.id, cfg.name);
		printf("key       %s\n", key);
		printf("root key  %s%s\n", root[0] ? root : "(none)",
		       cfg.insecure ? " (insecure node: not used)" : "");
	}
	sodium_memzero(&k, sizeof(k));
	return 0;
}

static int
run_key_endorse(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 2)) != 0)
		return rc;
	const char *path = a.rest[0], *why;
	uint8_t curve[32], sign[32];
	if (!ld_path_valid(path, &why))
		return usage_error(c, "PATH '%s': %s", path, why);
	if (!ld_keys_parse_public(a.rest[1], curve, sign, false, &why))
		return usage_error(c, "KEY: %s", why);
	struct ld_config cfg;
	struct ld_keys k;
	if ((rc = load_local(c, &cfg, &k)) != 0)
		return rc;
	if (ld_path_depth(cfg.id) != 1 || !ld_path_in_subtree(path, cfg.id) ||
	    strcmp(path, cfg.id) == 0) {
		sodium_memzero(&k, sizeof(k));
		return fail("only the root endorses keys, of nodes below it");
	}
	uint8_t cert[64];
	ld_cert_make(k.sign_sec, path, sign, curve, cert);
	sodium_memzero(&k, sizeof(k));
	char text[LD_B64_64];
	ld_b64_64(cert, text);
	printf("%s\ninstall it at %s: liandong key endorsement %s\n", text, path,
	       text);
	return 0;
}

static int
run_key_endorsement(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 1)) != 0)
		return rc;
	uint8_t cert[64];
	if (!ld_unb64_64(a.rest[0], strlen(a.rest[0]), cert))
		return usage_error(c, "not an endorsement (86 characters from "
		                      "'liandong key endorse' at the root)");
	struct ld_config cfg;
	struct ld_keys k;
	if ((rc = load_local(c, &cfg, &k)) != 0)
		return rc;
	bool good = ld_cert_verify(cfg.root_sign, cfg.id, k.sign_pub,
	                           k.curve_pub, cert);
	sodium_memzero(&k, sizeof(k));
	if (!good)
		return fail("this is not the root's endorsement of this node's "
		            "keys (is it for %s and its current key?)",
		            cfg.id);
	char file[PATH_MAX + 32], tmp[PATH_MAX + 40];
	snprintf(file, sizeof(file), "%s/%s", cfg.dir, LD_ENDORSEMENT_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	unlink(tmp);
	FILE *f = NULL;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		f = fdopen(fd, "w");
	if (f == NULL || fprintf(f, "%s\n", a.rest[0]) < 0 || fclose(f) != 0 ||
	    rename(tmp, file) != 0)
		return fail("%s: %s", file, strerror(errno));
	printf("installed; restart liandongd to publish it\n");
	return 0;
}

/* Ask a running daemon to re-read its allow-list; fine if none runs. */
static int
reload_daemon(void)
{
	struct ld_client *cl = NULL;
	char err[1024];
	if (ld_client_open(data_dir, &cl, err, sizeof(err)) != 0)
		return 0; /* not running: it reads the list when it starts */
	Ld__ReloadRequest rl = LD__RELOAD_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_RELOAD;
	req.reload = &rl;
	Ld__Response *resp = NULL;
	int rc = call(cl, &req, &resp);
	if (resp != NULL)
		ld__response__free_unpacked(resp, NULL);
	ld_client_close(&cl);
	return rc;
}

/* The two key lists a node keeps: its children (PATH KEY) and the
 * administrators of its remote API (NAME KEY). */
enum keylist { CHILDREN, ADMINS };

static int
load_list(enum keylist which, const struct ld_config *cfg, struct ld_allow *al,
          char *err, size_t errlen)
{
	return which == CHILDREN
	           ? ld_allow_load(cfg->dir, cfg->id, al, err, errlen)
	           : ld_admins_load(cfg->dir, al, err, errlen);
}

/* Add `name` with `key` to a list (key == NULL: remove it), save it and
 * make a running daemon reload it. */
static int
edit_list(const struct cmd *c, enum keylist which, const char *name,
          const char *key)
{
	uint8_t curve[32], sign[32];
	const char *why;
	if (which == CHILDREN && !ld_path_valid(name, &why))
		return usage_error(c, "PATH '%s': %s", name, why);
	if (which == ADMINS && !ld_admin_name_valid(name))
		return usage_error(c, "NAME is 1-64 of A-Z a-z 0-9 _ . -");
	if (key != NULL && !ld_keys_parse_public(key, curve, sign, false, &why))
		return usage_error(c, "KEY: %s", why);
	struct ld_config cfg;
	int rc = load_local(c, &cfg, NULL);
	if (rc != 0)
		return rc;
	if (cfg.insecure)
		return fail("%s", which == CHILDREN
		                      ? "this node is insecure: children are not "
		                        "enrolled (any child with the right path "
		                        "may connect)"
		                      : "this node is insecure: it has no remote "
		                        "API");
	if (which == CHILDREN && key != NULL && !ld_path_is_child(name, cfg.id))
		return fail("%s is not one segment below this node (%s)", name,
		            cfg.id);
	char err[1024];
	struct ld_allow al;
	if (load_list(which, &cfg, &al, err, sizeof(err)) != 0)
		return fail("%s", err);
	bool had = ld_allow_by_path(&al, name) != NULL;
	bool ok = key != NULL ? ld_allow_put(&al, name, curve, sign, &why)
	                      : ld_allow_remove(&al, name);
	if (!ok) {
		ld_allow_free(&al);
		if (key != NULL)
			return fail("%s", why);
		return fail("%s is not %s here", name,
		            which == CHILDREN ? "enrolled" : "an administrator");
	}
	rc = which == CHILDREN ? ld_allow_save(cfg.dir, &al, err, sizeof(err))
	                       : ld_admins_save(cfg.dir, &al, err, sizeof(err));
	ld_allow_free(&al);
	if (rc != 0)
		return fail("%s", err);
	if ((rc = reload_daemon()) != 0)
		return rc;
	const char *done = key == NULL ? "removed"
	                   : had       ? "re-keyed"
	                   : which == CHILDREN ? "enrolled"
	                                       : "added";
	printf("%s %s\n", done, name);
	return 0;
}

static int
print_list(const struct cmd *c, enum keylist which)
{
	struct ld_config cfg;
	int rc = load_local(c, &cfg, NULL);
	if (rc != 0)
		return rc;
	char err[1024];
	struct ld_allow al;
	if (load_list(which, &cfg, &al, err, sizeof(err)) != 0)
		return fail("%s", err);
	for (size_t i = 0; i < al.n; i++) {
		struct ld_keys k;
		memcpy(k.curve_pub, al.v[i].curve, 32);
		memcpy(k.sign_pub, al.v[i].sign, 32);
		char text[LD_KEY_TEXT_MAX];
		ld_keys_public_text(&k, text);
		printf("%s %s\n", al.v[i].path, text);
	}
	ld_allow_free(&al);
	return 0;
}

/* child|admin add NAME KEY, remove NAME, list: `nargs` positional words. */
static int
run_list_cmd(const struct cmd *c, int argc, char **argv, enum keylist which,
             int nargs)
{
	static const int ok[] = {0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, nargs)) != 0)
		return rc;
	if (nargs == 0)
		return print_list(c, which);
	return edit_list(c, which, a.rest[0], nargs == 2 ? a.rest[1] : NULL);
}

static int
run_child_add(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, CHILDREN, 2);
}

static int
run_child_remove(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, CHILDREN, 1);
}

static int
run_child_list(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, CHILDREN, 0);
}

static int
run_admin_add(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, ADMINS, 2);
}

static int
run_admin_remove(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, ADMINS, 1);
}

static int
run_admin_list(const struct cmd *c, int argc, char **argv)
{
	return run_list_cmd(c, argc, argv, ADMINS, 0);
}

static int
run_admin_keygen(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_OUT, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) || (rc = need(c, a.out, "--out")))
		return rc;
	char err[1024];
	struct ld_keys k;
	if (ld_keys_init() != 0 ||
	    ld_keys_create_file(a.out, &k, err, sizeof(err)) != 0)
		return fail("%s", err);
	char key[LD_KEY_TEXT_MAX];
	ld_keys_public_text(&k, key);
	sodium_memzero(&k, sizeof(k));
	printf("key: %s\nenroll it at the node: liandong admin add NAME %s\n",
	       key, key);
	return 0;
}

/* ---------------------------------------------------------------- table */

static const struct cmd cmds[] = {
    {"init", NULL, run_init,
     "--data DIR --id PATH --name NAME [--level LEVEL] [--listen ENDPOINT] "
     "[--parent ENDPOINT --parent-key KEY] [--root-key KEY] [--insecure]",
     "Create a node's data directory and its configuration\n"
     "(DIR/liandong.conf). The store is created when liandongd first\n"
     "starts.\n\n"
     "  --id PATH          the node's path from the root, e.g.\n"
     "                     530000/530300/530325 (segments of A-Z a-z 0-9 "
     "_ -)\n"
     "  --name NAME        display name, e.g. 富源县政协\n"
     "  --level LEVEL      province, city, county ... (default from the "
     "depth)\n"
     "  --listen ENDPOINT  where children connect, e.g. "
     "tcp://0.0.0.0:7100\n"
     "  --parent ENDPOINT  the parent's listen endpoint, e.g.\n"
     "                     tcp://192.0.2.10:7100 (not for the root)\n"
     "  --parent-key KEY   the parent's key ('liandong key show' there);\n"
     "                     required with --parent\n"
     "  --root-key KEY     the root office's key, pinned here: every\n"
     "                     record's signature chains to it (required\n"
     "                     below the root's children)\n"
     "  --insecure         no CURVE, no signatures: for local experiments\n"
     "                     only; all nodes of a tree must agree\n\n"
     "Makes the node's keys (DIR/keys/node.key, mode 0600) and prints its\n"
     "public key for 'liandong child add' at the parent.\n"},
    {"key", "show", run_key_show, "[--json]",
     "Print this node's public key (ldk1.CURVE.SIGN) -- for 'liandong\n"
     "child add' at the parent, and for --parent-key at its children --\n"
     "and the root key it pinned. Needs no running daemon.\n"},
    {"key", "endorse", run_key_endorse, "PATH KEY",
     "At the root: endorse KEY as the key of PATH (below the root). A\n"
     "node whose key changes (rebuilt, or its key stolen) needs this: nodes\n"
     "that knew its earlier key accept a new one only with the root's\n"
     "endorsement. Prints the endorsement for 'liandong key endorsement'.\n"},
    {"key", "endorsement", run_key_endorsement, "ENDORSEMENT",
     "Install the root's endorsement of this node's keys (from 'liandong\n"
     "key endorse' at the root), after checking it. Restart liandongd to\n"
     "publish it in the node's record.\n"},
    {"child", "add", run_child_add, "PATH KEY",
     "Let the child PATH (one segment below this node) connect with KEY\n"
     "(printed by 'liandong key show' there). Adding a PATH again\n"
     "replaces its key (rotation). Takes effect at once if liandongd runs.\n"},
    {"child", "remove", run_child_remove, "PATH",
     "Revoke the child PATH: it is disconnected at once and refused from\n"
     "then on.\n"},
    {"child", "list", run_child_list, "",
     "Print the children allowed to connect, with their keys.\n"},
    {"admin", "keygen", run_admin_keygen, "--out FILE",
     "Make an administrator's key pair in FILE (mode 0600) for the remote\n"
     "API, and print its public key for 'liandong admin add' at a node.\n"},
    {"admin", "add", run_admin_add, "NAME KEY",
     "Let the administrator NAME use this node's remote API ([api] listen\n"
     "in its config) with KEY. Takes effect at once.\n"},
    {"admin", "remove", run_admin_remove, "NAME",
     "Revoke the administrator NAME: refused from the next request on.\n"},
    {"admin", "list", run_admin_list, "",
     "Print the administrators of the remote API, with their keys.\n"},
    {"task", "add", run_task_add,
     "--topic TEXT --form FORM --scope PATH [--scope PATH]... "
     "[--due YYYY-MM-DD] [--target UNIT]... [--parent-task ID] [--json]",
     "Publish a supervision task (民主监督任务) to the offices in scope.\n"
     "Prints the new record's id.\n\n"
     "  --topic TEXT       what is supervised, e.g. 优化营商环境\n"
     "  --form FORM        监督性视察 (inspection), 明查暗访 "
     "(unannounced),\n"
     "                     问卷调查 (questionnaire), 民主评议 "
     "(appraisal),\n"
     "                     提案督办 (proposal-followup), 跟踪问效 "
     "(follow-up)\n"
     "  --scope PATH       an office the task goes to, with everything "
     "below it\n"
     "  --due DATE         YYYY-MM-DD\n"
     "  --target UNIT      a unit under supervision (被监督单位)\n"
     "  --parent-task ID   the task this one was derived from\n"
     "  --json             print {\"id\": ...} instead of the bare id\n"},
    {"plan", "add", run_plan_add,
     "--year N --title TEXT [--scope PATH]... [--item "
     "'FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|ASSISTING']... [--json]",
     "Publish an annual consultation plan (协商计划). Without --scope it\n"
     "goes to this node's whole subtree. Prints the new record's id.\n\n"
     "  --year N           the plan's year\n"
     "  --title TEXT       e.g. 2017年协商计划\n"
     "  --item SPEC        one activity: FORM|MONTH|TOPIC|LEAD|RESPONSIBLE|"
     "ASSISTING\n"
     "                     FORM: 专题协商 对口协商 界别协商 对口界别协商\n"
     "                     提案办理协商 双月协商 重点协商 其他; MONTH 1-12 "
     "or\n"
     "                     empty; trailing fields may be left out\n"},
    {"survey", "add", run_survey_add,
     "--topic TEXT --form FORM --scope PATH [--scope PATH]... "
     "[--start DATE] [--end DATE] [--json]",
     "Announce a survey or inspection (调研/视察/联合调研) to the offices\n"
     "taking part. Prints the new record's id.\n\n"
     "  --form FORM        调研 (survey), 视察 (inspection), 联合调研 "
     "(joint)\n"
     "  --start, --end     YYYY-MM-DD\n"},
    {"result", "add", run_result_add,
     "--ref ID --summary TEXT [--metric NAME=NUMBER]... [--finding TEXT]... "
     "[--plan-item N] [--json]",
     "Report a result (成果) for a task, survey or plan this node holds.\n"
     "It goes up to every ancestor. Prints the new record's id.\n\n"
     "  --ref ID           the task, survey or plan answered\n"
     "  --metric N=V       a figure, e.g. 调研=10 or 满意率=1.0\n"
     "  --finding TEXT     one finding (问题/建议)\n"
     "  --plan-item N      the plan item answered (1-based)\n"},
    {"review", "add", run_review_add,
     "--ref RESULT_ID --verdict accepted|returned|rectify [--comment TEXT] "
     "[--json]",
     "Review a result from this node's subtree (审核/反馈). The review\n"
     "goes down to the result's owner. Prints the new record's id.\n"},
    {"list", NULL, run_list, "[--kind KIND] [--owner PATH] [--json]",
     "List the records this node holds, by owner and id.\n\n"
     "  --kind KIND        node, plan, survey, task, result, review, "
     "proposal, report\n"
     "  --owner PATH       only records owned by PATH or below it\n"
     "  --json             one JSON array of records\n"},
    {"show", NULL, run_show, "ID [--json]",
     "Show one record with all its fields.\n\n"
     "  --json             one JSON object\n"},
    {"status", NULL, run_status, "[--json]",
     "Show this node, its parent and its children: connected or not,\n"
     "the cursors on each other's logs, and how far behind each is.\n\n"
     "  --json             one JSON object\n"},
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(FILE *f)
{
	fprintf(f, "usage: liandong [--data DIR] <command> [options]\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < NCMDS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s%s%s", cmds[i].name,
		         cmds[i].sub ? " " : "", cmds[i].sub ? cmds[i].sub : "");
		const char *h = cmds[i].help;
		int len = (int)strcspn(h, "\n");
		fprintf(f, "  %-12s %.*s\n", name, len, h);
	}
	fprintf(f, "\nOptions: -d, --data DIR (default $LIANDONG_DATA); -h, "
	           "--help; -V, --version.\nRemote API: --remote ENDPOINT "
	           "--server-key KEY --key-file FILE (default\n"
	           "$LIANDONG_KEY_FILE) instead of --data, for the commands "
	           "that talk to a node.\n'liandong <command> --help' "
	           "explains a command. add commands take --json.\nExit "
	           "codes: 0 ok, 1 refused (reason on stderr), 2 usage.\n");
}

int
main(int argc, char **argv)
{
	data_dir = getenv("LIANDONG_DATA");
	static const struct option gopts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"remote", required_argument, NULL, 'r'},
	    {"server-key", required_argument, NULL, 's'},
	    {"key-file", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	key_file = getenv("LIANDONG_KEY_FILE");
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "+:d:hV", gopts, NULL)) != -1) {
		switch (o) {
		case 'd':
			data_dir = optarg;
			break;
		case 'r':
			remote = optarg;
			break;
		case 's':
			server_key = optarg;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("liandong %s\n", LD_VERSION);
			return 0;
		default:
			fprintf(stderr, "liandong: unknown option '%s' (see "
			                "'liandong --help')\n",
			        argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind];
	const char *sub = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	bool known = false;
	for (size_t i = 0; i < NCMDS; i++) {
		const struct cmd *c = &cmds[i];
		if (strcmp(c->name, name) != 0)
			continue;
		/* "liandong task --help": the help of "task add". */
		if (c->sub != NULL && sub != NULL &&
		    (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0))
			return print_help(c);
		known = true;
		if (c->sub == NULL)
			return c->run(c, argc - optind, argv + optind);
		if (sub != NULL && strcmp(c->sub, sub) == 0)
			return c->run(c, argc - optind - 1, argv + optind + 1);
	}
	if (known)
		fprintf(stderr, "liandong %s: unknown or missing subcommand%s%s "
		                "(try 'liandong %s add --help')\n",
		        name, sub ? " " : "", sub ? sub : "", name);
	else
		fprintf(stderr, "liandong: unknown command '%s' (see "
		                "'liandong --help')\n",
		        name);
	return 2;
}
