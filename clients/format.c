/* format.c — JSON and text renderings of records and status, driven by the
 * protobuf descriptors so new fields show up without code here. */
#include "format.h"
#include "json.h"
#include "path.h"
#include "pb.h"
#include "record.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- text */

const char *
ld_record_title(const Ld__Record *r)
{
	switch (r->body_case) {
	case LD__RECORD__BODY_NODE:
		return r->node->name;
	case LD__RECORD__BODY_PLAN:
		return r->plan->title;
	case LD__RECORD__BODY_SURVEY:
		return r->survey->topic;
	case LD__RECORD__BODY_TASK:
		return r->task->topic;
	case LD__RECORD__BODY_RESULT:
		return r->result->summary;
	case LD__RECORD__BODY_REVIEW:
		return r->review->comment;
	case LD__RECORD__BODY_PROPOSAL:
		return r->proposal->title;
	case LD__RECORD__BODY_REPORT:
		return r->report->plugin;
	case LD__RECORD__BODY_OPINION:
		return r->opinion->title;
	case LD__RECORD__BODY_OPINION_ACTION:
		return r->opinion_action->comment;
	case LD__RECORD__BODY_MEMBER:
		return r->member->name;
	case LD__RECORD__BODY_DUTY:
		return r->duty->activity;
	case LD__RECORD__BODY_HEALTH:
		return r->health->version;
	default:
		return "";
	}
}

/* A field's value as text: lists joined with ", ", messages as
 * "field=value" pairs. */
static void
text_value(struct ld_buf *b, const ProtobufCFieldDescriptor *f, const void *p)
{
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		ld_buf_puts(b, *(char *const *)p ? *(char *const *)p : "");
		return;
	}
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;
		const ProtobufCMessageDescriptor *d = m->descriptor;
		if (d == &ld__metric__descriptor) {
			const Ld__Metric *mt = (const Ld__Metric *)m;
			ld_buf_printf(b, "%s = ", mt->name);
			ld_json_put_number(b, mt->value);
			return;
		}
		for (unsigned i = 0; i < d->n_fields; i++) {
			const ProtobufCFieldDescriptor *g = &d->fields[i];
			if (g->label == PROTOBUF_C_LABEL_REPEATED)
				continue;
			ld_buf_printf(b, "%s%s=", i ? "  " : "", g->name);
			text_value(b, g, (const char *)m + g->offset);
		}
		return;
	}
	if (f->type == PROTOBUF_C_TYPE_ENUM) {
		struct ld_buf t = {0};
		ld_json_enum_name(&t, f->descriptor, *(const int *)p);
		/* drop the quotes */
		if (t.n >= 2)
			ld_buf_put(b, t.p + 1, t.n - 2);
		ld_buf_free(&t);
		return;
	}
	ld_json_field_value(b, f, p);
}

static void
print_fields(FILE *out, const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)m + f->offset;
		struct ld_buf b = {0};
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t cnt = *(const size_t *)((const char *)m +
			                               f->quantifier_offset);
			const char *arr = *(const char *const *)base;
			if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (cnt == 0)
					continue;
				fprintf(out, "%-12s %zu\n", f->name, cnt);
				for (size_t k = 0; k < cnt; k++) {
					struct ld_buf e = {0};
					text_value(&e, f, arr + k * sizeof(void *));
					fprintf(out, "  %2zu. %s\n", k + 1,
					        e.p ? e.p : "");
					ld_buf_free(&e);
				}
				continue;
			}
			for (size_t k = 0; k < cnt; k++) {
				if (k)
					ld_buf_puts(&b, ", ");
				text_value(&b, f, arr + k * ld_pb_elem_size(f->type));
			}
		} else {
			text_value(&b, f, base);
		}
		/* Empty fields are noise for a reader; --json has them all. */
		if (b.p != NULL && b.p[0] != '\0')
			fprintf(out, "%-12s %s\n", f->name, b.p);
		ld_buf_free(&b);
	}
}

void
ld_print_record(FILE *f, const Ld__Record *r)
{
	char when[40];
	ld_format_time(when, sizeof(when), r->updated_at);
	fprintf(f, "%-12s %s\n", "id", r->id);
	fprintf(f, "%-12s %s (%s)\n", "kind", ld_kind_name(r->kind),
	        ld_kind_label(r->kind));
	fprintf(f, "%-12s %s\n", "owner", r->owner);
	fprintf(f, "%-12s %" PRIu64 "\n", "version", r->version);
	fprintf(f, "%-12s ", "scope");
	for (size_t i = 0; i < r->n_scope; i++)
		fprintf(f, "%s%s", i ? ", " : "", r->scope[i]);
	fprintf(f, "\n%-12s %s\n", "updated_at", when);
	if (r->author != NULL && r->author[0] != '\0')
		fprintf(f, "%-12s %s\n", "author", r->author);
	if (r->deleted)
		fprintf(f, "%-12s yes\n", "deleted");
	const ProtobufCMessage *m = ld_record_body(r);
	if (m != NULL)
		print_fields(f, m);
}

void
ld_fput_line(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else
			fputc(*s, f);
	}
}

void
ld_print_list(FILE *f, Ld__Record *const *recs, size_t n)
{
	int wid = 2, wown = 5;
	for (size_t i = 0; i < n; i++) {
		int a = (int)strlen(recs[i]->id), o = (int)strlen(recs[i]->owner);
		wid = a > wid ? a : wid;
		wown = o > wown ? o : wown;
	}
	fprintf(f, "%-*s  %-8s  %-*s  %3s  %-12s  %s\n", wid, "ID", "KIND", wown,
	        "OWNER", "V", "STATUS", "TITLE");
	for (size_t i = 0; i < n; i++) {
		const Ld__Record *r = recs[i];
		bool by = r->author != NULL && r->author[0] != '\0';
		fprintf(f, "%-*s  %-8s  %-*s  %3" PRIu64 "  %-12s  ", wid, r->id,
		        ld_kind_name(r->kind), wown, r->owner, r->version,
		        ld_record_status(r));
		/* One record, one row: a line break in a title shows as \n. */
		ld_fput_line(f, ld_record_title(r));
		fprintf(f, "%s%s%s\n", r->deleted ? " (deleted)" : "",
		        by ? "  by " : "", by ? r->author : "");
	}
}

static void
print_peer(FILE *f, const Ld__PeerStatus *p)
{
	fprintf(f, "%-8s %s%s%s%s: %s\n", p->role, p->path,
	        p->name[0] ? " (" : "", p->name, p->name[0] ? ")" : "",
	        p->state);
	if (p->endpoint[0])
		fprintf(f, "         endpoint %s\n", p->endpoint);
	fprintf(f, "         its log: applied here to %" PRIu64 " of %" PRIu64
	           " (lag %" PRIu64 ")\n",
	        p->in_seq, p->in_head, p->lag_in);
	fprintf(f, "         our log: it acknowledged %" PRIu64
	           ", records it still needs %" PRIu64 "\n",
	        p->out_acked, p->lag_out);
	if (p->refused)
		fprintf(f, "         records refused from it: %" PRIu64 "\n",
		        p->refused);
	if (p->resent)
		fprintf(f, "         records received again (already held): "
		           "%" PRIu64 "\n",
		        p->resent);
	if (p->conflicts)
		fprintf(f, "         CONFLICTS (same id and version, other "
		           "bytes; refused, ours kept): %" PRIu64 "\n",
		        p->conflicts);
	if (p->last_seen_ms) {
		char when[40];
		ld_format_time(when, sizeof(when), p->last_seen_ms);
		fprintf(f, "         last heard %s\n", when);
	}
	if (p->last_error[0])
		fprintf(f, "         last error: %s\n", p->last_error);
}

void
ld_print_status(FILE *f, const Ld__StatusResponse *s)
{
	fprintf(f, "node     %s (%s, %s)\n", s->path, s->name, s->level);
	fprintf(f, "         %" PRIu64 " records, log head %" PRIu64
	           ", epoch %016" PRIx64 ", liandongd %s\n",
	        s->records, s->head, s->epoch, s->version);
	if (s->listen[0])
		fprintf(f, "         listening on %s\n", s->listen);
	if (s->recovering)
		fprintf(f, "         RECOVERING: %s\n", s->recovery);
	else if (s->recovery[0])
		fprintf(f, "         RECOVERY INCOMPLETE: %s\n", s->recovery);
	if (s->conflicts)
		fprintf(f, "         CONFLICTS: %" PRIu64 " record(s) offered "
		           "at a version held here with other bytes (refused; "
		           "see the log)\n",
		        s->conflicts);
	if (s->refused)
		fprintf(f, "         records refused by the flow rules: %" PRIu64
		           "\n",
		        s->refused);
	if (s->chunks_wanted)
		fprintf(f, "         attachment chunks still to fetch: %" PRIu64
		           "\n",
		        s->chunks_wanted);
	if (s->attachments_bad)
		fprintf(f, "         attachments that failed their check: %" PRIu64
		           "\n",
		        s->attachments_bad);
	bool parent = false;
	for (size_t i = 0; i < s->n_peers; i++)
		parent = parent || strcmp(s->peers[i]->role, "parent") == 0;
	if (!parent)
		fprintf(f, "parent   none (this node is a root)\n");
	for (size_t i = 0; i < s->n_peers; i++)
		print_peer(f, s->peers[i]);
	if (s->n_peers == 0 || (parent && s->n_peers == 1))
		fprintf(f, "children %s\n", s->listen[0] ? "none connected yet"
		                                          : "none (not listening)");
}

void
ld_format_ago(char *buf, size_t len, int64_t then_ms, int64_t now_ms)
{
	int64_t s = (now_ms - then_ms) / 1000;
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(buf, len, "%" PRId64 " s", s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%" PRId64 " min", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, len, "%" PRId64 " h", s / 3600);
	else
		snprintf(buf, len, "%" PRId64 " d", s / 86400);
}

void
ld_print_tree(FILE *f, const Ld__StatusResponse *s, int64_t now_ms)
{
	size_t silent = 0;
	int wpath = 6;
	for (size_t i = 0; i < s->n_tree; i++) {
		const Ld__TreeOffice *o = s->tree[i];
		silent += o->silent;
		int depth = ld_path_depth(o->path) - ld_path_depth(s->path);
		int w = 2 * depth + (int)strlen(o->path);
		wpath = w > wpath ? w : wpath;
	}
	char after[40];
	ld_format_ago(after, sizeof(after), 0, (int64_t)s->silent_after_s * 1000);
	fprintf(f, "\ntree     %zu offices, %zu SILENT (no report for %s)\n",
	        s->n_tree, silent, after);
	for (size_t i = 0; i < s->n_tree; i++) {
		const Ld__TreeOffice *o = s->tree[i];
		int depth = ld_path_depth(o->path) - ld_path_depth(s->path);
		char ago[40] = "never";
		if (o->reported_ms > 0) {
			ld_format_ago(ago, sizeof(ago), o->reported_ms, now_ms);
			snprintf(ago + strlen(ago), sizeof(ago) - strlen(ago),
			         " ago");
		}
		fprintf(f, "%*s%-*s  %-6s  last report %-12s  %s\n", 2 * depth,
		        "", wpath - 2 * depth, o->path,
		        o->silent ? "SILENT" : "ok", ago,
		        o->name[0] ? o->name : "?");
		const Ld__Health *h = o->health;
		if (h == NULL)
			continue;
		fprintf(f, "%*s  liandongd %s, %" PRIu64 " records, log head "
		           "%" PRIu64 "%s\n",
		        2 * depth, "", h->version, h->records, h->head,
		        h->recovering ? ", RECOVERING" : "");
		for (size_t k = 0; k < h->n_links; k++) {
			const Ld__LinkHealth *l = h->links[k];
			char heard[48] = "never heard";
			if (l->last_heard_ms > 0) {
				char a[32];
				ld_format_ago(a, sizeof(a), l->last_heard_ms,
				              o->reported_ms);
				snprintf(heard, sizeof(heard), "heard %s before its report",
				         a);
			}
			fprintf(f, "%*s  %-6s %s  %s  lag in %" PRIu64
			           " out %" PRIu64 "  %s",
			        2 * depth, "", l->role, l->path, l->state,
			        l->lag_in, l->lag_out, heard);
			if (l->refused)
				fprintf(f, "  refused %" PRIu64, l->refused);
			if (l->conflicts)
				fprintf(f, "  CONFLICTS %" PRIu64, l->conflicts);
			fputc('\n', f);
		}
	}
}
