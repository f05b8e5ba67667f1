/* cmd_import.c — 'liandong import' (plans and proposals from CSV; plans,
 * surveys, tasks, proposals, members, duty entries, opinions and their
 * actions from JSON, other kinds skipped) and
 * 'liandong export' (every kind an office writes, or one kind). A file is
 * checked whole, with the node's own rules, before the first record is sent: it
 * is imported entirely or not at all. */
#include "batch.h"
#include "cli.h"
#include "csv.h"
#include "format.h"
#include "jsonrec.h"
#include "path.h"
#include "record.h"
#include "sheet.h"
#include "validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Largest file read: far above a county's year (a few thousand rows). */
#define IMPORT_FILE_MAX (64u << 20)

/* Read all of `path` ("-" is standard input) into a NUL-terminated
 * buffer. 0, or the exit code (reason printed). */
static int
read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return ld_cli_fail("%s: %s", path, strerror(errno));
	size_t n = 0, cap = 1 << 16;
	char *p = malloc(cap);
	int rc = 0;
	while (p != NULL) {
		if (n + 1 == cap) {
			if (cap >= IMPORT_FILE_MAX) {
				rc = ld_cli_fail("%s: larger than %u MiB", path,
				                 IMPORT_FILE_MAX >> 20);
				break;
			}
			char *np = realloc(p, cap * 2);
			if (np == NULL)
				free(p);
			p = np;
			if (p == NULL)
				break;
			cap *= 2;
		}
		size_t got = fread(p + n, 1, cap - 1 - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f))
				rc = ld_cli_fail("%s: %s", path,
				                 strerror(errno));
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (p == NULL) {
		fprintf(stderr, "liandong: out of memory\n");
		exit(1);
	}
	if (rc != 0) {
		free(p);
		return rc;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

/* JSON if the first thing after a byte order mark and blanks opens an
 * array or an object; no CSV header starts so. */
static bool
looks_json(const char *buf, size_t len)
{
	size_t i = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (i < len && strchr(" \t\r\n", buf[i]) != NULL && buf[i] != '\0')
		i++;
	return i < len && (buf[i] == '[' || buf[i] == '{');
}

/* The entry of the batch that had id `id` in the file, or -1. */
static long
find_old(const struct ld_batch *b, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].old_id != NULL && strcmp(b->v[i].old_id, id) == 0)
			return (long)i;
	return -1;
}

/* The references of record `r` to other records, as pointers to its
 * strings (so a reference to a record of the same file can be given that
 * record's new id): a task's parent, a duty entry's members and ref, an
 * opinion action's ref. Up to `max` into `out` with their field names;
 * how many. */
static size_t
refs_of(Ld__Record *r, char ***out, const char **field, size_t max)
{
	size_t n = 0;
	switch (r->body_case) {
	case LD__RECORD__BODY_TASK:
		if (r->task->parent[0] != '\0' && n < max)
			field[n] = "parent", out[n++] = &r->task->parent;
		break;
	case LD__RECORD__BODY_DUTY:
		for (size_t i = 0; i < r->duty->n_members && n < max; i++)
			field[n] = "members", out[n++] = &r->duty->members[i];
		if (r->duty->ref[0] != '\0' && n < max)
			field[n] = "ref", out[n++] = &r->duty->ref;
		break;
	case LD__RECORD__BODY_OPINION_ACTION:
		if (r->opinion_action->ref[0] != '\0' && n < max)
			field[n] = "ref", out[n++] = &r->opinion_action->ref;
		break;
	default:
		break;
	}
	return n;
}

#define REFS_MAX 300 /* a duty entry names at most 256 members */

/* Record `id` as this node holds it (NULL if it holds none or it was
 * deleted). 0, or the exit code (reason printed). */
static int
held(struct ld_client *cl, const char *id, Ld__Record **out)
{
	*out = NULL;
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	Ld__Response *resp = NULL;
	char err[1024];
	if (ld_client_call(cl, &req, &resp, LD_CLIENT_TIMEOUT_MS, err,
	                   sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	if (resp->code == LD__CODE__CODE_OK)
		*out = ld_record_unpack(resp->record.data, resp->record.len);
	ld__response__free_unpacked(resp, NULL);
	if (*out != NULL && (*out)->deleted) {
		ld__record__free_unpacked(*out, NULL);
		*out = NULL;
	}
	return 0;
}

/* A duty entry's members and ref, and an opinion action's ref: a record
 * earlier in the same file (it will get that record's new id; a member
 * must be a member, an opinion an opinion) or one this node holds, as the
 * node requires. Checked before anything is sent. */
static int
check_refs(struct ld_client *cl, const struct ld_batch *b)
{
	char where[1024];
	for (size_t i = 0; i < b->n; i++) {
		Ld__Record *r = b->v[i].r;
		if (r->body_case != LD__RECORD__BODY_DUTY &&
		    r->body_case != LD__RECORD__BODY_OPINION_ACTION)
			continue;
		char **ref[REFS_MAX];
		const char *field[REFS_MAX];
		size_t nref = refs_of(r, ref, field, REFS_MAX);
		for (size_t k = 0; k < nref; k++) {
			const char *id = *ref[k];
			Ld__Kind want =
			    strcmp(field[k], "members") == 0
			        ? LD__KIND__KIND_MEMBER
			    : r->body_case == LD__RECORD__BODY_OPINION_ACTION
			        ? LD__KIND__KIND_OPINION
			        : LD__KIND__KIND_UNSPECIFIED;
			ld_batch_where(b, i, 0, where, sizeof(where));
			long j = find_old(b, id);
			if (j >= (long)i)
				return ld_cli_fail(
				    "%s: %s: %s comes later in the file; a "
				    "record must come before those naming it",
				    where, field[k], id);
			Ld__Kind got;
			if (j >= 0 && want == LD__KIND__KIND_OPINION &&
			    b->v[j].r->kind == want)
				return ld_cli_fail(
				    "%s: %s: opinion %s is in this file, so "
				    "this office would own it; an office acts "
				    "only on opinions from below",
				    where, field[k], id);
			if (j >= 0) {
				got = b->v[j].r->kind;
			} else {
				Ld__Record *t;
				int rc = held(cl, id, &t);
				if (rc != 0)
					return rc;
				if (t == NULL)
					return ld_cli_fail(
					    "%s: %s: no record %s at this node "
					    "(nor earlier in the file)",
					    where, field[k], id);
				got = t->kind;
				ld__record__free_unpacked(t, NULL);
			}
			if (want != LD__KIND__KIND_UNSPECIFIED && got != want)
				return ld_cli_fail(
				    "%s: %s: %s is a %s, not a%s %s", where,
				    field[k], id, ld_kind_name(got),
				    want == LD__KIND__KIND_OPINION ? "n" : "",
				    ld_kind_name(want));
		}
	}
	return 0;
}

/* A task's parent is either a task earlier in the same file (it will get
 * that task's new id) or a task this node holds and is addressed to, as
 * the node requires. Checked before anything is sent. */
static int
check_parents(struct ld_client *cl, const struct ld_batch *b, const char *self)
{
	char where[1024];
	for (size_t i = 0; i < b->n; i++) {
		const Ld__Record *r = b->v[i].r;
		if (r->body_case != LD__RECORD__BODY_TASK ||
		    r->task->parent[0] == '\0')
			continue;
		const char *parent = r->task->parent;
		ld_batch_where(b, i, 0, where, sizeof(where));
		long j = find_old(b, parent);
		if (j >= 0 && b->v[j].r->body_case != LD__RECORD__BODY_TASK)
			return ld_cli_fail(
			    "%s: parent: %s is a %s in this file, not a "
			    "task",
			    where, parent, ld_kind_name(b->v[j].r->kind));
		if (j >= (long)i)
			return ld_cli_fail(
			    "%s: parent: task %s comes later in the "
			    "file; a parent must come before its "
			    "sub-tasks",
			    where, parent);
		if (j >= 0)
			continue;
		Ld__Record *t = NULL;
		int rc = held(cl, parent, &t);
		if (rc != 0)
			return rc;
		bool ok = t != NULL && t->body_case == LD__RECORD__BODY_TASK;
		bool addressed = ok && strcmp(t->owner, self) == 0;
		for (size_t s = 0; ok && !addressed && s < t->n_scope; s++)
			addressed = ld_path_in_subtree(self, t->scope[s]);
		if (t != NULL)
			ld__record__free_unpacked(t, NULL);
		if (!ok)
			return ld_cli_fail(
			    "%s: parent: no task %s at this node (nor "
			    "earlier in the file)",
			    where, parent);
		if (!addressed)
			return ld_cli_fail(
			    "%s: parent: task %s is not addressed to "
			    "this node",
			    where, parent);
	}
	return 0;
}

/* "; skipped 30 results, 4 reviews (import creates plans, surveys, tasks
 * and proposals)": the records of a whole export that import leaves out. */
static void
skipped_kinds(const struct ld_batch *b, struct ld_buf *out)
{
	bool any = false;
	for (int k = 0; k < LD_BATCH_KINDS; k++) {
		if (b->other[k] == 0)
			continue;
		const char *name = k == LD__KIND__KIND_NODE
		                       ? "node record"
		                       : ld_kind_name((Ld__Kind)k);
		const char *plural = b->other[k] == 1 ? "" : "s";
		if (k == LD__KIND__KIND_DUTY) {
			name = "duty";
			plural = b->other[k] == 1 ? " entry" : " entries";
		}
		ld_buf_printf(out, "%s%zu %s%s", any ? ", " : "; skipped ",
		              b->other[k], name, plural);
		any = true;
	}
	if (any)
		ld_buf_puts(out, " (import creates plans, surveys, tasks, "
		                 "proposals, members, duty entries, opinions "
		                 "and their actions)");
}

/* "1 plan (9 items), 214 proposals" */
static void
tally(const struct ld_batch *b, struct ld_buf *out, bool json)
{
	size_t n[8] = {0}, items = 0;
	/* One, many: "1 duty entry", "2 duty entries". */
	static const char *const words[8][2] = {
	    {"plan", "plans"},       {"survey", "surveys"},
	    {"task", "tasks"},       {"proposal", "proposals"},
	    {"member", "members"},   {"duty entry", "duty entries"},
	    {"opinion", "opinions"}, {"opinion action", "opinion actions"}};
	for (size_t i = 0; i < b->n; i++) {
		switch (b->v[i].r->body_case) {
		case LD__RECORD__BODY_PLAN:
			n[0]++;
			items += b->v[i].r->plan->n_items;
			break;
		case LD__RECORD__BODY_SURVEY:
			n[1]++;
			break;
		case LD__RECORD__BODY_TASK:
			n[2]++;
			break;
		case LD__RECORD__BODY_MEMBER:
			n[4]++;
			break;
		case LD__RECORD__BODY_DUTY:
			n[5]++;
			break;
		case LD__RECORD__BODY_OPINION:
			n[6]++;
			break;
		case LD__RECORD__BODY_OPINION_ACTION:
			n[7]++;
			break;
		default:
			n[3]++;
		}
	}
	if (json) {
		ld_buf_printf(out,
		              "\"plans\": %zu, \"items\": %zu, "
		              "\"surveys\": %zu, \"tasks\": %zu, "
		              "\"proposals\": %zu, \"members\": %zu, "
		              "\"duty_entries\": %zu, \"opinions\": %zu, "
		              "\"opinion_actions\": %zu, \"skipped\": %zu, "
		              "\"skipped_kinds\": {",
		              n[0], items, n[1], n[2], n[3], n[4], n[5], n[6],
		              n[7], b->skipped);
		bool first = true;
		for (int k = 0; k < LD_BATCH_KINDS; k++)
			if (b->other[k] > 0) {
				ld_buf_printf(out, "%s\"%s\": %zu",
				              first ? "" : ", ",
				              ld_kind_name((Ld__Kind)k),
				              b->other[k]);
				first = false;
			}
		ld_buf_puts(out, "}");
		return;
	}
	bool first = true;
	for (int k = 0; k < 8; k++) {
		if (n[k] == 0)
			continue;
		ld_buf_printf(out, "%s%zu %s", first ? "" : ", ", n[k],
		              words[k][n[k] == 1 ? 0 : 1]);
		if (k == 0)
			ld_buf_printf(out, " (%zu item%s)", items,
			              items == 1 ? "" : "s");
		first = false;
	}
	if (b->skipped > 0)
		ld_buf_printf(out, "; %zu deleted record%s skipped", b->skipped,
		              b->skipped == 1 ? "" : "s");
	skipped_kinds(b, out);
}

static void
report(const struct ld_batch *b, char **ids, bool dry, bool json)
{
	struct ld_buf out = {0};
	if (json) {
		ld_buf_puts(&out, "{\"file\": ");
		ld_json_put_string(&out, b->file);
		ld_buf_printf(&out, ", \"%s\": %zu, ",
		              dry ? "checked" : "imported", b->n);
		tally(b, &out, true);
		ld_buf_puts(&out, ", \"ids\": [");
		for (size_t i = 0; !dry && i < b->n; i++) {
			ld_buf_puts(&out, i ? ", " : "");
			ld_json_put_string(&out, ids[i]);
		}
		ld_buf_puts(&out, "]}\n");
	} else {
		ld_buf_printf(&out, "%s %zu record%s from %s: ",
		              dry ? "checked" : "imported", b->n,
		              b->n == 1 ? "" : "s", b->file);
		tally(b, &out, false);
		if (dry)
			ld_buf_puts(&out, " (nothing written)");
		else if (b->n > 0)
			ld_buf_printf(&out, "\nids %s .. %s", ids[0],
			              ids[b->n - 1]);
		ld_buf_puts(&out, "\n");
	}
	fputs(out.p, stdout);
	ld_buf_free(&out);
}

/* Replace the scope of every plan, survey and task with `scope`. */
static void
set_scope(struct ld_batch *b, const struct strs *scope)
{
	for (size_t i = 0; i < b->n; i++) {
		Ld__Record *r = b->v[i].r;
		if (r->body_case == LD__RECORD__BODY_PROPOSAL)
			continue;
		for (size_t k = 0; k < r->n_scope; k++)
			free(r->scope[k]);
		free(r->scope);
		r->scope = ld_xcalloc(scope->n, sizeof(char *));
		for (size_t k = 0; k < scope->n; k++)
			r->scope[k] = ld_xstrdup(scope->v[k]);
		r->n_scope = scope->n;
	}
}

/* Records in one AddManyRequest of an import; a request also stops short
 * of the API's message size limit. */
#define IMPORT_CHUNK 1000
#define IMPORT_CHUNK_BYTES (LD_API_MSG_MAX - (64u << 10))

/* Send records [from, to) in one AddManyRequest: all are written or none.
 * 0 with ids[from..to) set, or LD_EREFUSED with the record refused in
 * *bad and the reason in err. */
static int
send_chunk(struct ld_client *cl, struct ld_batch *b, size_t from, size_t to,
           char **ids, size_t *bad, char *err, size_t errlen)
{
	Ld__Record **rp = ld_xcalloc(to - from, sizeof(*rp));
	for (size_t i = from; i < to; i++)
		rp[i - from] = b->v[i].r;
	Ld__AddManyRequest am = LD__ADD_MANY_REQUEST__INIT;
	am.records = rp;
	am.n_records = to - from;
	am.all_or_nothing = true;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD_MANY;
	req.add_many = &am;
	Ld__Response *resp = NULL;
	*bad = from;
	int rc = ld_client_call(cl, &req, &resp, LD_CLIENT_TIMEOUT_MS, err,
	                        errlen);
	free(rp);
	if (rc != 0)
		return LD_EREFUSED;
	const Ld__AddManyResponse *r =
	    resp->result_case == LD__RESPONSE__RESULT_ADD_MANY ? resp->add_many
	                                                       : NULL;
	if (resp->code != LD__CODE__CODE_OK) {
		const char *why = resp->error[0] ? resp->error : "refused";
		/* The node says "record N: why" of the request's N-th. */
		if (r != NULL && r->index < to - from) {
			char pre[32];
			int k = snprintf(pre, sizeof(pre), "record %u: ",
			                 (unsigned)r->index);
			*bad = from + r->index;
			if (strncmp(why, pre, (size_t)k) == 0)
				why += k;
		}
		snprintf(err, errlen, "%s", why);
		rc = LD_EREFUSED;
	} else if (r == NULL || r->n_ids != to - from) {
		snprintf(err, errlen, "the node answered %zu ids for %zu "
		         "records", r != NULL ? r->n_ids : 0, to - from);
		rc = LD_EREFUSED;
	} else {
		for (size_t i = from; i < to; i++)
			ids[i] = ld_xstrdup(r->ids[i - from]);
	}
	ld__response__free_unpacked(resp, NULL);
	return rc;
}

/* Send the checked records in file order, IMPORT_CHUNK to a request, each
 * request written whole or not at all: a task's parent from the same file
 * is in an earlier request, so it has its new id by then. A refusal here
 * would mean the node's state changed since the check; say where, and how
 * far it got. */
static int
send_all(struct ld_client *cl, struct ld_batch *b, char **ids)
{
	size_t from = 0;
	while (from < b->n) {
		size_t to = from, bytes = 0;
		for (; to < b->n && to - from < IMPORT_CHUNK; to++) {
			Ld__Record *r = b->v[to].r;
			/* A reference to a record of this file: its new id,
			 * which an earlier request answered. */
			char **ref[REFS_MAX];
			const char *field[REFS_MAX];
			size_t nref = refs_of(r, ref, field, REFS_MAX);
			bool later = false;
			for (size_t k = 0; k < nref && !later; k++) {
				long j = find_old(b, *ref[k]);
				later = j >= (long)from && j < (long)to;
			}
			if (later)
				break; /* what it names gets its id first */
			for (size_t k = 0; k < nref; k++) {
				long j = find_old(b, *ref[k]);
				if (j >= 0 && j < (long)from) {
					free(*ref[k]);
					*ref[k] = ld_xstrdup(ids[j]);
				}
			}
			/* Who imports is the author of every record the file
			 * makes. */
			if (ld_set_str(&r->author, ld_cli_author()) != 0)
				return ld_cli_fail("out of memory");
			size_t sz = ld__record__get_packed_size(r) + 8;
			if (to > from && bytes + sz > IMPORT_CHUNK_BYTES)
				break;
			bytes += sz;
		}
		char err[1024], where[1024];
		size_t bad;
		if (send_chunk(cl, b, from, to, ids, &bad, err, sizeof(err)) ==
		    0) {
			from = to;
			continue;
		}
		ld_batch_where(b, bad, 0, where, sizeof(where));
		if (from == 0)
			return ld_cli_fail(
			    "%s: not imported: %s (nothing was "
			    "written)",
			    where, err);
		return ld_cli_fail(
		    "%s: not imported: %s (the %zu record%s "
		    "before its request were written, %s .. %s; nothing "
		    "from its request on was)",
		    where, err, from, from == 1 ? "" : "s", ids[0],
		    ids[from - 1]);
	}
	return 0;
}

int
ld_cli_run_import(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_KIND, O_SCOPE, O_DRY_RUN, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	const char *file = a.rest[0];
	Ld__Kind kind = LD__KIND__KIND_UNSPECIFIED;
	if (a.kind != NULL) {
		kind = ld_kind_parse(a.kind);
		if (kind != LD__KIND__KIND_PLAN &&
		    kind != LD__KIND__KIND_PROPOSAL)
			return ld_cli_usage_error(
			    c,
			    "--kind '%s': a CSV file holds "
			    "plan items (plan) or proposals "
			    "(proposal)",
			    a.kind);
	}
	for (size_t i = 0; i < a.scope.n; i++) {
		const char *why;
		if (!ld_path_valid(a.scope.v[i], &why))
			return ld_cli_usage_error(c, "--scope '%s': %s",
			                          a.scope.v[i], why);
	}
	char *buf = NULL;
	size_t len = 0;
	if ((rc = read_file(file, &buf, &len)) != 0)
		return rc;

	struct ld_batch b = {.file = strcmp(file, "-") == 0 ? "stdin" : file};
	char err[2048];
	if (looks_json(buf, len)) {
		if (kind != LD__KIND__KIND_UNSPECIFIED)
			rc = ld_cli_usage_error(c,
			                        "--kind is for CSV files; each "
			                        "record of %s names its kind",
			                        b.file);
		else if (ld_jsonrec_read(buf, len, &b, err, sizeof(err)) != 0)
			rc = ld_cli_fail("%s", err);
	} else {
		struct ld_csv csv;
		struct ld_csv_error ce;
		if (ld_csv_parse(buf, len, &csv, &ce) != 0)
			rc = ld_cli_fail("%s:%zu:%zu: %s", b.file, ce.line,
			                 ce.col, ce.msg);
		else if (ld_sheet_read(&csv, kind, &b, err, sizeof(err)) != 0)
			rc = ld_cli_fail("%s", err);
		ld_csv_free(&csv);
	}
	free(buf);
	if (rc == 0 && b.n == 0) {
		struct ld_buf why = {0};
		if (b.skipped > 0)
			ld_buf_printf(&why, "; %zu deleted record%s skipped",
			              b.skipped, b.skipped == 1 ? "" : "s");
		skipped_kinds(&b, &why);
		rc = ld_cli_fail("%s: no records to import%s", b.file,
		                 why.p != NULL ? why.p : "");
		ld_buf_free(&why);
	}
	if (rc != 0) {
		ld_batch_free(&b);
		return rc;
	}
	if (a.scope.n > 0)
		set_scope(&b, &a.scope);

	struct ld_client *cl = NULL;
	char self[LD_PATH_MAX + 1];
	char **ids = ld_xcalloc(b.n, sizeof(char *));
	if ((rc = ld_cli_connect(c, &cl)) == 0 &&
	    (rc = ld_cli_node_path(cl, self, sizeof(self))) == 0) {
		if (ld_batch_check(&b, self, err, sizeof(err)) != 0)
			rc = ld_cli_fail("%s", err);
		else if ((rc = check_parents(cl, &b, self)) == 0 &&
		         (rc = check_refs(cl, &b)) == 0 &&
		         (a.dry_run || (rc = send_all(cl, &b, ids)) == 0))
			report(&b, ids, a.dry_run, a.json);
	}
	ld_client_close(&cl);
	for (size_t i = 0; i < b.n; i++)
		free(ids[i]);
	free(ids);
	ld_batch_free(&b);
	return rc;
}

/* ---------------------------------------------------------------- export */

/* Write `data` to `path` through a temporary file renamed over it, so a
 * failed export leaves no half file. 0, or the exit code. */
static int
write_out(const char *path, const char *data, size_t n)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return ld_cli_fail("%s: path too long", path);
	FILE *f = fopen(tmp, "wb");
	if (f == NULL)
		return ld_cli_fail("%s: %s", path, strerror(errno));
	bool ok = fwrite(data, 1, n, f) == n;
	ok = fflush(f) == 0 && ok;
	int saved = errno;
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, path) != 0)
		ok = false, saved = errno;
	if (!ok) {
		unlink(tmp);
		return ld_cli_fail("%s: %s", path,
		                   strerror(saved ? saved : EIO));
	}
	return 0;
}

/* The kinds export writes when none is asked for: every kind an office
 * writes, results and reviews too (a county's work is mostly those), but
 * not its node record. Import creates the plans, surveys, tasks and
 * proposals of such a file and skips the rest, saying how many. */
static bool
exported(Ld__Kind k)
{
	return k != LD__KIND__KIND_NODE;
}

int
ld_cli_run_export(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_KIND, O_OWNER, O_JSON, O_CSV, O_OUT, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	if (a.json && a.csv)
		return ld_cli_usage_error(c, "--json or --csv, not both");
	Ld__Kind kind = LD__KIND__KIND_UNSPECIFIED;
	if (a.kind != NULL &&
	    (kind = ld_kind_parse(a.kind)) == LD__KIND__KIND_UNSPECIFIED)
		return ld_cli_usage_error(
		    c,
		    "unknown kind '%s' (plan, survey, task, "
		    "proposal; or node, result, review, "
		    "report for JSON)",
		    a.kind);
	if (a.csv && kind != LD__KIND__KIND_PLAN &&
	    kind != LD__KIND__KIND_PROPOSAL)
		return ld_cli_usage_error(
		    c, "--csv needs --kind plan or --kind "
		       "proposal (a CSV file holds one or the "
		       "other)");
	const char *why;
	if (a.owner != NULL && !ld_path_valid(a.owner, &why))
		return ld_cli_usage_error(c, "--owner '%s': %s", a.owner, why);
	if (a.out != NULL && a.out[0] == '\0')
		return ld_cli_usage_error(c, "--out needs a file name");

	char self[LD_PATH_MAX + 1];
	Ld__Record **recs = NULL;
	size_t n = 0;
	if ((rc = ld_cli_fetch(c, kind, a.owner, self, sizeof(self), &recs,
	                       &n)) != 0)
		return rc;

	/* Live records of the kinds asked for; without --owner, only this
	 * node's own. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		Ld__Record *r = recs[i];
		bool keep = !r->deleted &&
		            (kind ? r->kind == kind : exported(r->kind)) &&
		            (a.owner != NULL || strcmp(r->owner, self) == 0);
		if (keep)
			recs[k++] = r;
		else
			ld__record__free_unpacked(r, NULL);
	}
	n = k;

	struct ld_buf out = {0};
	if (a.csv) {
		/* The byte order mark tells spreadsheets the file is UTF-8. */
		ld_buf_puts(&out, "\xef\xbb\xbf");
		ld_sheet_write(&out, kind, recs, n);
	} else {
		ld_buf_puts(&out, "[");
		for (size_t i = 0; i < n; i++) {
			ld_buf_puts(&out, i ? ",\n  " : "\n  ");
			ld_json_record(&out, recs[i]);
		}
		ld_buf_puts(&out, n ? "\n]\n" : "]\n");
	}
	if (a.out != NULL) {
		rc = write_out(a.out, out.p, out.n);
		if (rc == 0)
			printf("exported %zu record%s to %s\n", n,
			       n == 1 ? "" : "s", a.out);
	} else if (fwrite(out.p, 1, out.n, stdout) != out.n) {
		rc = ld_cli_fail("writing the export: %s", strerror(errno));
	}
	ld_buf_free(&out);
	ld_cli_free_records(recs, n);
	return rc;
}
