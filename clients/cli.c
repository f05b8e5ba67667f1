/* cli.c — the CLI's option parsing and its helpers for errors and for
 * requests to the node. */
#include "cli.h"
#include "records.h"
#include "config.h"
#include "format.h"
#include "keys.h"
#include "path.h"
#include "record.h"
#include "text.h"
#include "validate.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *ld_cli_data_dir;
const char *ld_cli_remote, *ld_cli_server_key, *ld_cli_key_file;
const char *ld_cli_as;

int
ld_cli_check_as(const char *name)
{
	char err[256];
	if (name[0] == '\0')
		snprintf(err, sizeof(err), "author: empty");
	else if (ld_validate_author(name, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "liandong: --as '%s': %s\n", name, err);
	return 2;
}

const char *
ld_cli_author(void)
{
	if (ld_cli_as != NULL)
		return ld_cli_as;
	char err[8];
	const struct passwd *pw = getpwuid(geteuid());
	if (pw == NULL || pw->pw_name == NULL ||
	    ld_validate_author(pw->pw_name, err, sizeof(err)) != 0)
		return "";
	return pw->pw_name;
}

static void
cmd_name(const struct cmd *c, char *buf, size_t len)
{
	snprintf(buf, len, "liandong %s%s%s", c->name, c->sub ? " " : "",
	         c->sub ? c->sub : "");
}

/* A usage error: one line naming the command, exit code 2. */
int
ld_cli_usage_error(const struct cmd *c, const char *fmt, ...)
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

int
ld_cli_print_help(const struct cmd *c)
{
	char name[64];
	cmd_name(c, name, sizeof(name));
	printf("usage: %s %s\n\n%s", name, c->args, c->help);
	printf("\nCommon options:\n"
	       "  -d, --data DIR   the node's data directory (default: "
	       "$LIANDONG_DATA)\n"
	       "  --as NAME        the person a write is recorded as (default:\n"
	       "                   the local account's name)\n"
	       "  -h, --help       this text\n");
	return 0;
}

int
ld_cli_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* A refusal or failure: one line, exit code 1. */
int
ld_cli_fail(const char *fmt, ...)
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

/* Where ld_cli_parse() puts each option's value (LD_OPTIONS in cli.h). */
enum opt_type { OPT_STR, OPT_LIST, OPT_FLAG };

struct opt {
	const char *name;
	int code;
	enum opt_type type;
	size_t off; /* in struct args */
};

static const struct opt opts[] = {
#define X(name, field, code, type)                                             \
	{name, O_##code, OPT_##type, offsetof(struct args, field)},
    LD_OPTIONS(X)
#undef X
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* Options a command accepts, as a NUL-terminated list of codes. */
static bool
accepts(const int *allowed, int code)
{
	for (; *allowed; allowed++)
		if (*allowed == code)
			return true;
	return false;
}

static bool
push(struct strs *s, char *v)
{
	if (s->n == LIST_MAX_ARGS)
		return false;
	s->v[s->n++] = v;
	return true;
}

int
ld_cli_parse(const struct cmd *c, int argc, char **argv, const int *allowed,
             struct args *a)
{
	static struct option longs[NOPTS + 4];
	if (longs[0].name == NULL) {
		longs[0] = (struct option){"data", required_argument, NULL,
		                           O_DATA};
		longs[1] = (struct option){"help", no_argument, NULL, O_HELP};
		longs[2] = (struct option){"as", required_argument, NULL,
		                           O_AS};
		for (size_t i = 0; i < NOPTS; i++)
			longs[i + 3] = (struct option){
			    opts[i].name,
			    opts[i].type == OPT_FLAG ? no_argument
			                             : required_argument,
			    NULL, opts[i].code};
	}
	memset(a, 0, sizeof(*a));
	optind = 0;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, ":d:h", longs, NULL)) != -1) {
		if (o == '?')
			return ld_cli_usage_error(c, "unknown option '%s'",
			                          argv[optind - 1]);
		if (o == ':')
			return ld_cli_usage_error(
			    c, "option '%s' needs a value", argv[optind - 1]);
		if (o == O_DATA) {
			ld_cli_data_dir = optarg;
			continue;
		}
		if (o == O_AS) {
			if (ld_cli_check_as(optarg) != 0)
				return 2;
			ld_cli_as = optarg;
			continue;
		}
		if (o == O_HELP) {
			ld_cli_print_help(c);
			return LD_CLI_HELP;
		}
		const struct opt *op = NULL;
		for (size_t i = 0; i < NOPTS && op == NULL; i++)
			if (opts[i].code == o)
				op = &opts[i];
		/* Named from the table: argv[optind - 1] is the value when
		 * one was given as the next argument. */
		if (!accepts(allowed, o))
			return ld_cli_usage_error(
			    c, "option '--%s' does not apply here",
			    op != NULL ? op->name : "?");
		if (op == NULL)
			return ld_cli_usage_error(c, "unknown option '%s'",
			                          argv[optind - 1]);
		char *field = (char *)a + op->off;
		switch (op->type) {
		case OPT_STR:
			*(const char **)field = optarg;
			break;
		case OPT_FLAG:
			*(bool *)field = true;
			break;
		case OPT_LIST:
			if (!push((struct strs *)field, optarg))
				return ld_cli_usage_error(
				    c, "too many '%s' options",
				    argv[optind - 1]);
			break;
		}
	}
	a->nargs = argc - optind;
	a->rest = argv + optind;
	/* Every date on the command line is checked here, so a bad one is
	 * the same usage error (exit 2) in every command, never a refusal
	 * from the node (exit 1) in some. "" clears a due date or a
	 * survey's dates; --today must be a date. */
	static const struct {
		const char *name;
		size_t off;
		bool empty_ok;
	} dates[] = {
	    {"--due", offsetof(struct args, due), true},
	    {"--start", offsetof(struct args, start), true},
	    {"--end", offsetof(struct args, end), true},
	    {"--today", offsetof(struct args, today), false},
	};
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		const char *v = *(const char *const *)((const char *)a +
		                                       dates[i].off);
		int rc = ld_cli_check_date(c, dates[i].name, v,
		                           dates[i].empty_ok);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
ld_cli_check_date(const struct cmd *c, const char *opt, const char *s,
                  bool empty_ok)
{
	if (s == NULL || (empty_ok && s[0] == '\0') || ld_text_date_valid(s))
		return 0;
	/* Worded as the node and validate.c word it ("due: '...' is not a
	 * date"), so the CLI, the console and the API say one sentence. */
	if (strncmp(opt, "--", 2) == 0)
		opt += 2;
	return ld_cli_usage_error(c, "%s: '%s' is not a date (YYYY-MM-DD)", opt,
	                          s);
}

int
ld_cli_no_extra(const struct cmd *c, const struct args *a, int want)
{
	if (a->nargs > want)
		return ld_cli_usage_error(c, "unexpected argument '%s'",
		                          a->rest[want]);
	if (a->nargs < want)
		return ld_cli_usage_error(c, "missing argument");
	return 0;
}

int
ld_cli_args(const struct cmd *c, int argc, char **argv, const int *allowed,
            int want, struct args *a)
{
	int rc = ld_cli_parse(c, argc, argv, allowed, a);
	return rc != 0 ? rc : ld_cli_no_extra(c, a, want);
}

char *
ld_cli_str(const char *v)
{
	return (char *)(v != NULL ? v : "");
}

const char *
ld_cli_one_member(const struct cmd *c, const struct args *a)
{
	(void)c;
	return a->member.n > 0 ? a->member.v[0] : NULL;
}

int
ld_cli_need(const struct cmd *c, const char *v, const char *opt)
{
	if (v == NULL || v[0] == '\0')
		return ld_cli_usage_error(c, "%s is required", opt);
	return 0;
}

/* ---------------------------------------------------------------- client */

/* --data DIR (or LIANDONG_DATA) was given: 0, or a usage error. */
static int
need_data_dir(const struct cmd *c)
{
	if (ld_cli_data_dir == NULL || ld_cli_data_dir[0] == '\0')
		return ld_cli_usage_error(
		    c, "no data directory: pass --data DIR or "
		       "set LIANDONG_DATA");
	return 0;
}

int
ld_cli_office_dir(const struct cmd *c, const char *remote_refusal,
                  char *dir, size_t len)
{
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(c, "%s", remote_refusal);
	int rc = need_data_dir(c);
	if (rc != 0)
		return rc;
	static struct ld_config cfg; /* large: not on the stack */
	char err[1024];
	if (ld_config_load(ld_cli_data_dir, &cfg, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	snprintf(dir, len, "%s", cfg.dir);
	return 0;
}

int
ld_cli_connect(const struct cmd *c, struct ld_client **cl)
{
	char err[1024];
	if (ld_cli_remote != NULL) {
		uint8_t curve[32], sign[32];
		const char *why;
		if (ld_cli_server_key == NULL ||
		    !ld_keys_parse_public(ld_cli_server_key, curve, sign, false,
		                          &why))
			return ld_cli_usage_error(
			    c, "--remote needs --server-key KEY "
			       "(the node's key, from 'liandong key "
			       "show' there)");
		if (ld_cli_key_file == NULL)
			return ld_cli_usage_error(
			    c, "--remote needs --key-file FILE "
			       "(made by 'liandong admin keygen')");
		struct ld_keys mine;
		if (ld_keys_init() != 0 ||
		    ld_keys_load_file(ld_cli_key_file, &mine, err,
		                      sizeof(err)) != 0)
			return ld_cli_fail("%s", err);
		int rc = ld_client_open_remote(ld_cli_remote, curve, &mine,
		                               10000, cl, err, sizeof(err));
		sodium_memzero(&mine, sizeof(mine));
		return rc != 0 ? ld_cli_fail("%s", err) : 0;
	}
	int rc = need_data_dir(c);
	if (rc != 0)
		return rc;
	if (ld_client_open(ld_cli_data_dir, cl, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	return 0;
}

/* One request, one answer, waiting up to `timeout_ms`. On a refusal
 * prints its reason and returns 1. */
static int
call_within(struct ld_client *cl, Ld__Request *req, int timeout_ms,
            Ld__Response **resp)
{
	char err[1024];
	*resp = NULL;
	if (ld_client_call(cl, req, resp, timeout_ms, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	if ((*resp)->code != LD__CODE__CODE_OK) {
		int rc = ld_cli_fail("%s", (*resp)->error[0] ? (*resp)->error
		                                             : "refused");
		ld__response__free_unpacked(*resp, NULL);
		*resp = NULL;
		return rc;
	}
	return 0;
}

int
ld_cli_call(struct ld_client *cl, Ld__Request *req, Ld__Response **resp)
{
	return call_within(cl, req, LD_CLIENT_TIMEOUT_MS, resp);
}

int
ld_cli_request(const struct cmd *c, Ld__Request *req, int timeout_ms,
               Ld__Response **resp)
{
	struct ld_client *cl = NULL;
	*resp = NULL;
	int rc = ld_cli_connect(c, &cl);
	if (rc != 0)
		return rc;
	rc = call_within(cl, req,
	                 timeout_ms > 0 ? timeout_ms : LD_CLIENT_TIMEOUT_MS, resp);
	ld_client_close(&cl);
	return rc;
}

/* The message an answer carries in its oneof (status, progress ...), or
 * NULL if it carries an id, a record or nothing. */
static const ProtobufCMessage *
result_message(const Ld__Response *resp)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field(&ld__response__descriptor,
	                                            resp->result_case);
	if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)resp +
	                                          f->offset);
}

/* The id a request names, for a message about its answer. */
static const char *
request_id(const Ld__Request *req)
{
	if (req->op_case == LD__REQUEST__OP_GET)
		return req->get->id;
	if (req->op_case == LD__REQUEST__OP_WAIT)
		return req->wait->id;
	return "";
}

/* Print an answer: with --json the record, the message or {"id": ...} it
 * carries as JSON; else through `print`, or by default the record as
 * 'show' prints it or the bare id. Frees the answer. */
static int
print_answer(const Ld__Request *req, Ld__Response *resp, bool json,
             ld_cli_print_fn *print)
{
	int rc = 0;
	Ld__Record *r = NULL;
	if (resp->result_case == LD__RESPONSE__RESULT_RECORD) {
		r = ld_record_unpack(resp->record.data, resp->record.len);
		if (r == NULL) {
			rc = ld_cli_fail("record %s does not decode",
			                 request_id(req));
			goto leave;
		}
	}
	const ProtobufCMessage *m = result_message(resp);
	if (json) {
		struct ld_buf b = {0};
		if (r != NULL) {
			ld_json_record(&b, r);
		} else if (m != NULL) {
			ld_json_message(&b, m);
		} else {
			ld_buf_puts(&b, "{\"id\": ");
			ld_json_put_string(&b, resp->id);
			ld_buf_puts(&b, "}");
		}
		ld_buf_puts(&b, "\n");
		char *out = ld_buf_take(&b, NULL);
		if (out == NULL) {
			rc = ld_cli_fail("out of memory");
			goto leave;
		}
		fputs(out, stdout);
		free(out);
	} else if (print != NULL) {
		print(resp, r);
	} else if (r != NULL) {
		ld_print_record(stdout, r);
	} else {
		printf("%s\n", resp->id);
	}
leave:
	if (r != NULL)
		ld__record__free_unpacked(r, NULL);
	ld__response__free_unpacked(resp, NULL);
	return rc;
}

int
ld_cli_call_print(struct ld_client *cl, Ld__Request *req, bool json,
                  ld_cli_print_fn *print)
{
	Ld__Response *resp = NULL;
	int rc = ld_cli_call(cl, req, &resp);
	return rc != 0 ? rc : print_answer(req, resp, json, print);
}

int
ld_cli_request_print(const struct cmd *c, Ld__Request *req, int timeout_ms,
                     bool json, ld_cli_print_fn *print)
{
	Ld__Response *resp = NULL;
	int rc = ld_cli_request(c, req, timeout_ms, &resp);
	return rc != 0 ? rc : print_answer(req, resp, json, print);
}

/* The request that adds `r`, as this run's author writes it; `add` and
 * `req` are filled, `r` borrowed. */
static void
add_request(Ld__Record *r, Ld__AddRequest *add, Ld__Request *req)
{
	r->author = (char *)ld_cli_author();
	ld__add_request__init(add);
	add->record = r;
	ld__request__init(req);
	req->op_case = LD__REQUEST__OP_ADD;
	req->add = add;
}

int
ld_cli_add_record(const struct cmd *c, Ld__Record *r, const struct args *a)
{
	r->n_scope = a->scope.n;
	r->scope = (char **)a->scope.v;
	Ld__AddRequest add;
	Ld__Request req;
	add_request(r, &add, &req);
	return ld_cli_request_print(c, &req, 0, a->json, NULL);
}

int
ld_cli_add_call(struct ld_client *cl, Ld__Record *r, char *id, size_t len)
{
	Ld__AddRequest add;
	Ld__Request req;
	add_request(r, &add, &req);
	Ld__Response *resp = NULL;
	int rc = ld_cli_call(cl, &req, &resp);
	if (rc != 0)
		return rc;
	snprintf(id, len, "%s", resp->id);
	ld__response__free_unpacked(resp, NULL);
	return 0;
}

/* The body goes in the field of the record's oneof whose message type
 * is body's, found in the descriptor (as result_message finds an
 * answer's): a command names its body once, never a case and a field
 * that must agree. */
int
ld_cli_record_init(Ld__Record *r, ProtobufCMessage *body)
{
	const ProtobufCMessageDescriptor *d = &ld__record__descriptor;
	ld__record__init(r);
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) == 0 ||
		    f->type != PROTOBUF_C_TYPE_MESSAGE ||
		    f->descriptor != body->descriptor)
			continue;
		r->body_case = (Ld__Record__BodyCase)f->id;
		*(ProtobufCMessage **)((char *)r + f->offset) = body;
		return 0;
	}
	return ld_cli_fail("a %s is not a record's body",
	                   body->descriptor->short_name);
}

int
ld_cli_add_body(const struct cmd *c, ProtobufCMessage *body,
                const struct args *a)
{
	Ld__Record r;
	int rc = ld_cli_record_init(&r, body);
	return rc != 0 ? rc : ld_cli_add_record(c, &r, a);
}

int
ld_cli_get_record(struct ld_client *cl, const char *id, Ld__Record **out)
{
	*out = NULL;
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	Ld__Response *resp = NULL;
	int rc = ld_cli_call(cl, &req, &resp);
	if (rc != 0)
		return rc;
	*out = ld_record_unpack(resp->record.data, resp->record.len);
	ld__response__free_unpacked(resp, NULL);
	if (*out == NULL)
		return ld_cli_fail("record %s does not decode", id);
	return 0;
}

int
ld_cli_get(const struct cmd *c, const char *id, Ld__Record **out)
{
	struct ld_client *cl = NULL;
	*out = NULL;
	int rc = ld_cli_connect(c, &cl);
	if (rc == 0)
		rc = ld_cli_get_record(cl, id, out);
	ld_client_close(&cl);
	return rc;
}

int
ld_cli_update_record(struct ld_client *cl, Ld__Record *r, uint64_t base,
                     bool json)
{
	/* The record as read names the last version's author; this version
	 * is ours. */
	if (ld_set_str(&r->author, ld_cli_author()) != 0)
		return ld_cli_fail("out of memory");
	Ld__UpdateRequest u = LD__UPDATE_REQUEST__INIT;
	u.record = r;
	u.base_version = base;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_UPDATE;
	req.update = &u;
	return ld_cli_call_print(cl, &req, json, NULL);
}

int
ld_cli_delete_record(struct ld_client *cl, const char *id, uint64_t base,
                     bool json)
{
	Ld__DeleteRequest d = LD__DELETE_REQUEST__INIT;
	d.id = (char *)id;
	d.base_version = base;
	d.author = (char *)ld_cli_author();
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_DELETE;
	req.delete_ = &d;
	return ld_cli_call_print(cl, &req, json, NULL);
}

static int
cli_call(void *ctx, Ld__Request *req, Ld__Response **resp)
{
	return ld_cli_call(ctx, req, resp);
}

int
ld_cli_fetch_records(struct ld_client *cl, Ld__Kind kind, const char *owner,
                     Ld__Record ***out, size_t *count)
{
	int rc = ld_api_list_all(cli_call, cl, kind, owner, out, count);
	if (rc == -ENOMEM) {
		fprintf(stderr, "liandong: out of memory\n");
		exit(1);
	}
	return rc;
}

int
ld_cli_node_path(struct ld_client *cl, char *self, size_t len)
{
	Ld__StatusRequest s = LD__STATUS_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &s;
	Ld__Response *resp = NULL;
	int rc = ld_cli_call(cl, &req, &resp);
	if (rc != 0)
		return rc;
	snprintf(self, len, "%s", resp->status->path);
	ld__response__free_unpacked(resp, NULL);
	return 0;
}

int
ld_cli_fetch(const struct cmd *c, Ld__Kind kind, const char *owner,
             char *whose, size_t wlen, Ld__Record ***out, size_t *n)
{
	struct ld_client *cl = NULL;
	char self[LD_PATH_MAX + 1] = "";
	*out = NULL;
	*n = 0;
	int rc = ld_cli_connect(c, &cl);
	if (rc == 0 && owner == NULL &&
	    (rc = ld_cli_node_path(cl, self, sizeof(self))) == 0)
		owner = self;
	if (rc == 0)
		rc = ld_cli_fetch_records(cl, kind, owner, out, n);
	ld_client_close(&cl);
	if (rc == 0 && whose != NULL)
		snprintf(whose, wlen, "%s", owner);
	return rc;
}

void
ld_cli_free_records(Ld__Record **recs, size_t n)
{
	ld_api_free_records(recs, n);
}

/* ---------------------------------------------------------------- values */

int
ld_cli_parse_year(const struct cmd *c, const char *s, uint32_t *out)
{
	if (!ld_text_parse_year(s, out))
		return ld_cli_usage_error(c, "year '%s' is not a year", s);
	return 0;
}

int
ld_cli_parse_month(const struct cmd *c, const char *s, uint32_t *out)
{
	if (!ld_text_parse_month(s, out))
		return ld_cli_usage_error(c, "month '%s' is not 1-12", s);
	return 0;
}

int
ld_cli_parse_metric(const struct cmd *c, char *spec, Ld__Metric *m)
{
	size_t n;
	double v;
	char *eq = strrchr(spec, '=');
	if (eq == NULL || eq == spec)
		return ld_cli_usage_error(c, "--metric '%s' is not NAME=NUMBER",
		                          spec);
	if (!ld_text_parse_metric(spec, &n, &v)) {
		*eq = '\0';
		int rc = ld_cli_usage_error(
		    c, "--metric %s: '%s' is not a number", spec, eq + 1);
		*eq = '=';
		return rc;
	}
	ld__metric__init(m);
	spec[n] = '\0';
	m->name = spec;
	m->value = v;
	return 0;
}

int
ld_cli_parse_yes_no(const struct cmd *c, const char *opt, const char *s,
                    bool *out)
{
	static const char *const yes[] = {"yes", "y", "true", "1", "是", NULL};
	static const char *const no[] = {"no", "n", "false", "0", "否", NULL};
	for (int i = 0; yes[i] != NULL; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = true, 0;
	for (int i = 0; no[i] != NULL; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = false, 0;
	return ld_cli_usage_error(c, "%s '%s' is not yes or no", opt, s);
}
