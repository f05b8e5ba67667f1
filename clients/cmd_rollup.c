/* cmd_rollup.c — the roll-up commands: progress (where every office
 * reached by a task stands), inbox (what this office must act on) and
 * figures (年度履职统计). */
#include "cli.h"
#include "figures.h"
#include "format.h"
#include "members.h"
#include "path.h"
#include "rollup.h"
#include "text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print `s` padded with spaces to `cols` columns (a CJK character takes
 * two). */
static void
pad(FILE *f, const char *s, int cols)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			w += *p >= 0xe0 ? 2 : 1;
	fputs(s, f);
	for (; w < cols; w++)
		fputc(' ', f);
}


static const char *
ps_label(const char *state)
{
	return ld_ps_label(ld_ps_lookup(state));
}

static void
print_progress(const Ld__Response *resp, const Ld__Record *r)
{
	(void)r;
	FILE *f = stdout;
	const Ld__ProgressResponse *p = resp->progress;
	fprintf(f, "task %s  %s\n", p->task, p->topic);
	fprintf(f, "as of %s\n", p->today);
	const char *group = NULL;
	for (size_t i = 0; i < p->n_rows; i++) {
		const Ld__ProgressRow *w = p->rows[i];
		if (group == NULL || strcmp(group, w->group) != 0) {
			group = w->group;
			fprintf(f, "\n%s%s%s\n", w->group,
			        w->group_name[0] ? "  " : "", w->group_name);
		}
		char result[160] = "";
		if (w->result[0] != '\0')
			snprintf(result, sizeof(result), "  result %s v%" PRIu64
			         "%s", w->result, w->result_version,
			         w->draft ? " (draft)" : "");
		else if (w->draft)
			snprintf(result, sizeof(result), "  draft only");
		fprintf(f, "  %-28s %-11s ", w->path, w->state);
		pad(f, ps_label(w->state), 6);
		fprintf(f, "  due %-10s%s  %s\n", w->due[0] ? w->due : "-",
		        result, w->name);
	}
	fprintf(f, "\n%u targets: %u reported (%u reviewed, %u resubmitted), "
	           "%u returned, %u overdue, %u pending, %u relayed\n",
	        p->targets, p->reported, p->reviewed, p->resubmitted,
	        p->returned, p->overdue, p->pending, p->relayed);
}

/* progress --proposals: the proposals awaiting a reply, overdue first. */
static void
print_proposals(const Ld__Response *resp, const Ld__Record *r)
{
	(void)r;
	FILE *f = stdout;
	const Ld__ProgressResponse *p = resp->progress;
	fprintf(f,
	        "proposals awaiting a reply (待答复), as of %s: %zu, "
	        "%u overdue (逾期)\n",
	        p->today, p->n_proposals, p->proposals_overdue);
	for (size_t i = 0; i < p->n_proposals; i++) {
		const Ld__ProposalRow *w = p->proposals[i];
		char when[64] = "no deadline";
		if (w->deadline[0] != '\0' && w->overdue)
			snprintf(when, sizeof(when),
			         "due %s%s, %d day%s overdue", w->deadline,
			         w->extended ? " (延期)" : "", -w->days_left,
			         w->days_left == -1 ? "" : "s");
		else if (w->deadline[0] != '\0')
			snprintf(when, sizeof(when), "due %s%s, in %d day%s",
			         w->deadline, w->extended ? " (延期)" : "",
			         w->days_left, w->days_left == 1 ? "" : "s");
		fprintf(f, "\n%s  %s%s%s  %s\n  ", w->id,
		        w->number[0] ? w->number : "", w->number[0] ? "  " : "",
		        w->key ? "重点" : "", w->status);
		ld_fput_line(f, w->title);
		fprintf(f, "\n  主办 %s", w->handler[0] ? w->handler : "-");
		if (w->n_assisting > 0) {
			fputs("  协办 ", f);
			for (size_t k = 0; k < w->n_assisting; k++)
				fprintf(f, "%s%s", k ? "、" : "",
				        w->assisting[k]);
		}
		if (w->supervisor[0] != '\0')
			fprintf(f, "  督办 %s", w->supervisor);
		fprintf(f, "\n  %s%s\n", when, w->overdue ? "  ! 逾期" : "");
	}
}

int
ld_cli_run_progress(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TODAY, O_JSON, O_PROPOSALS, 0};
	struct args a;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if (a.proposals && a.nargs > 0)
		return ld_cli_usage_error(c, "a TASK_ID or --proposals, not "
		                             "both");
	if ((rc = ld_cli_no_extra(c, &a, a.proposals ? 0 : 1)) != 0)
		return rc;
	Ld__ProgressRequest q = LD__PROGRESS_REQUEST__INIT;
	q.id = a.proposals ? "" : a.rest[0];
	q.proposals = a.proposals;
	q.today = ld_cli_str(a.today);
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_PROGRESS;
	req.progress = &q;
	return ld_cli_request_print(
	    c, &req, 0, a.json, a.proposals ? print_proposals : print_progress);
}

static void
print_inbox(const Ld__Response *resp, const Ld__Record *r)
{
	(void)r;
	FILE *f = stdout;
	const Ld__InboxResponse *b = resp->inbox;
	fprintf(f, "inbox of %s, as of %s: %zu item%s\n", b->path, b->today,
	        b->n_items, b->n_items == 1 ? "" : "s");
	for (size_t i = 0; i < b->n_items; i++) {
		const Ld__InboxItem *it = b->items[i];
		char when[48] = "no due date";
		if (ld_act_lookup(it->action) == LD_INBOX_SILENT) {
			char t[40];
			ld_format_time(t, sizeof(t), it->reported_ms);
			snprintf(when, sizeof(when), "%s%s",
			         it->reported_ms ? "last report " : "",
			         it->reported_ms ? t : "never reported");
		} else if (it->due[0] != '\0') {
			if (it->overdue)
				snprintf(when, sizeof(when), "due %s, %d day%s "
				         "overdue", it->due, -it->days_left,
				         it->days_left == -1 ? "" : "s");
			else
				snprintf(when, sizeof(when), "due %s, in %d day%s",
				         it->due, it->days_left,
				         it->days_left == 1 ? "" : "s");
		}
		fprintf(f, "\n%-7s %s  %s %s  from %s\n  %s%s\n", it->action,
		        ld_act_label(ld_act_lookup(it->action)), it->kind, it->id,
		        it->from, when,
		        it->overdue    ? "  ! 逾期"
		        : it->due_soon ? "  ! 即将到期"
		                       : "");
		fputs("  ", f);
		ld_fput_line(f, it->topic);
		fputc('\n', f);
		if (it->cause[0] != '\0')
			fprintf(f, "  review %s: %s\n", it->cause,
			        it->comment[0] ? it->comment : "(no comment)");
	}
}

int
ld_cli_run_inbox(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TODAY, O_DAYS, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	unsigned long days = 7;
	if (a.days != NULL) {
		char *end;
		days = strtoul(a.days, &end, 10);
		if (a.days[0] < '0' || a.days[0] > '9' || *end != '\0' ||
		    days < 1 || days > 366)
			return ld_cli_usage_error(
			    c,
			    "--days '%s': a number of days "
			    "from 1 to 366",
			    a.days);
	}
	Ld__InboxRequest q = LD__INBOX_REQUEST__INIT;
	q.today = ld_cli_str(a.today);
	q.days = (uint32_t)days;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_INBOX;
	req.inbox = &q;
	return ld_cli_request_print(c, &req, 0, a.json, print_inbox);
}

static void
print_forms(FILE *f, const struct ld_fig_forms *v, bool units)
{
	for (size_t i = 0; i < v->n; i++) {
		fputs("  ", f);
		pad(f, v->form[i], 14);
		fprintf(f, " %6" PRIu64, v->count[i]);
		if (units)
			fprintf(f, "   units %" PRIu64, v->units[i]);
		fputc('\n', f);
	}
	if (v->other)
		fprintf(f, "  %-14s %6" PRIu64 "\n", "(other forms)", v->other);
}

/* "203 of 214 = 94.9%", or "none" when the whole is 0. */
static const char *
share(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	if (whole == 0)
		snprintf(buf, len, "none yet");
	else {
		char pct[32];
		ld_figures_pct_text(pct, sizeof(pct),
		                    (double)part / (double)whole);
		snprintf(buf, len, "%" PRIu64 " of %" PRIu64 " = %s", part,
		         whole, pct);
	}
	return buf;
}

static void
print_figures(FILE *f, const struct ld_figures *g,
              const struct ld_member_tally *m, const char *owner)
{
	char y[16] = "all years", s1[64];
	if (g->year)
		snprintf(y, sizeof(y), "%u", g->year);
	fprintf(f, "年度履职统计  %s  %s and below\n\n", y, owner);
	fprintf(f, "surveys and inspections (调研/视察): %" PRIu64 "\n",
	        g->surveys.total);
	print_forms(f, &g->surveys, false);
	fprintf(f, "consultations held (协商): %" PRIu64 " of %" PRIu64
	           " planned\n",
	        g->held.total, g->planned);
	print_forms(f, &g->held, false);
	fprintf(f, "supervision tasks (民主监督): %" PRIu64 "\n",
	        g->tasks.total);
	print_forms(f, &g->tasks, true);
	const __typeof__(g->proposals) *p = &g->proposals;
	fprintf(f, "proposals (提案): %" PRIu64 ", filed %" PRIu64
	           ", answered %" PRIu64 " (A %" PRIu64 ", B %" PRIu64
	           ", C %" PRIu64 ")\n",
	        p->total, p->filed, p->replied, p->a, p->b, p->c);
	const char *const what[3] = {"solved or being solved (A+B)", "面商率",
	                             "满意率 (满意+基本满意)"};
	share(s1, sizeof(s1), p->solved, p->replied);
	for (int i = 0; i < 3; i++) {
		fputs("  ", f);
		pad(f, what[i], 30);
		fprintf(f, "%s\n", s1);
		if (i == 0)
			share(s1, sizeof(s1), p->face_to_face, p->replied);
		else
			share(s1, sizeof(s1), p->satisfied, p->rated);
	}
	if (m->members == 0)
		return;
	fprintf(f,
	        "members (委员): %" PRIu64 " in office, %" PRIu64
	        " took part\n  ",
	        m->active, m->took_part);
	pad(f, "委员参与率", 30);
	fprintf(f, "%s\n", share(s1, sizeof(s1), m->took_part, m->active));
}

static void
json_forms(struct ld_buf *b, const char *key, const struct ld_fig_forms *v,
           bool units)
{
	ld_buf_printf(b, ", \"%s\": {\"total\": %" PRIu64 ", \"by_form\": {",
	              key, v->total);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			ld_buf_puts(b, ", ");
		ld_json_put_string(b, v->form[i]);
		if (units)
			ld_buf_printf(b, ": {\"count\": %" PRIu64
			                 ", \"units\": %" PRIu64 "}",
			              v->count[i], v->units[i]);
		else
			ld_buf_printf(b, ": %" PRIu64, v->count[i]);
	}
	ld_buf_puts(b, "}}");
}

static void
json_pct(struct ld_buf *b, const char *key, uint64_t part, uint64_t whole)
{
	if (whole == 0)
		ld_buf_printf(b, ", \"%s\": null", key);
	else
		ld_buf_printf(b, ", \"%s\": %.4f", key,
		              (double)part / (double)whole);
}

/* "headline": the figures of 年度履职统计 under the names the summary
 * report gives them (its figures are these, for the same records). */
static void
json_headline(struct ld_buf *b, const struct ld_figures *g,
              const struct ld_member_tally *m)
{
	const __typeof__(g->proposals) *p = &g->proposals;
	ld_buf_printf(b, ", \"headline\": {\"调研\": %" PRIu64
	                 ", \"视察\": %" PRIu64 ", \"协商\": %" PRIu64
	                 ", \"跟踪问效\": %" PRIu64 ", \"民主评议\": %" PRIu64
	                 ", \"提案\": %" PRIu64,
	              g->research, g->inspections, g->held.total,
	              g->follow_ups, g->appraised, p->total);
	const char *const name[3] = {"解决率", "面商率", "满意率"};
	const uint64_t part[3] = {p->solved, p->face_to_face, p->satisfied};
	const uint64_t whole[3] = {p->replied, p->replied, p->rated};
	for (int i = 0; i < 3; i++)
		if (whole[i] > 0) /* as the report: no share of nothing */
			ld_buf_printf(b, ", \"%s\": %.10g", name[i],
			              (double)part[i] / (double)whole[i]);
	if (m->active > 0)
		ld_buf_printf(b, ", \"委员参与率\": %.10g",
		              (double)m->took_part / (double)m->active);
	ld_buf_puts(b, "}");
}

int
ld_cli_run_figures(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_YEAR, O_OWNER, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	uint32_t year = 0;
	if (a.year != NULL && (rc = ld_cli_parse_year(c, a.year, &year)) != 0)
		return rc;
	const char *why;
	if (a.owner != NULL && !ld_path_valid(a.owner, &why))
		return ld_cli_usage_error(c, "--owner '%s': %s", a.owner, why);
	char owner[LD_PATH_MAX + 1];
	Ld__Record **recs = NULL;
	size_t n = 0;
	if ((rc = ld_cli_fetch(c, LD__KIND__KIND_UNSPECIFIED, a.owner, owner,
	                       sizeof(owner), &recs, &n)) != 0)
		return rc;
	struct ld_figures g;
	ld_figures_compute(recs, n, year, &g);
	/* 委员参与率 as the members report counts it (members.c). */
	struct ld_member_tally m;
	if (ld_members_tally_of(recs, n, year, &m) != 0) {
		ld_cli_free_records(recs, n);
		return ld_cli_fail("figures: out of memory");
	}
	if (a.json) {
		struct ld_buf b = {0};
		ld_buf_puts(&b, "{\"owner\": ");
		ld_json_put_string(&b, owner);
		if (year)
			ld_buf_printf(&b, ", \"year\": %u", year);
		else
			ld_buf_puts(&b, ", \"year\": null");
		json_forms(&b, "surveys", &g.surveys, false);
		json_forms(&b, "consultations_held", &g.held, false);
		ld_buf_printf(&b, ", \"planned\": %" PRIu64, g.planned);
		json_forms(&b, "tasks", &g.tasks, true);
		const __typeof__(g.proposals) *p = &g.proposals;
		ld_buf_printf(&b, ", \"proposals\": {\"total\": %" PRIu64
		                  ", \"filed\": %" PRIu64 ", \"answered\": %" PRIu64
		                  ", \"A\": %" PRIu64 ", \"B\": %" PRIu64
		                  ", \"C\": %" PRIu64 ", \"face_to_face\": %" PRIu64
		                  ", \"rated\": %" PRIu64 ", \"satisfied\": %" PRIu64,
		              p->total, p->filed, p->replied, p->a, p->b, p->c,
		              p->face_to_face, p->rated, p->satisfied);
		json_pct(&b, "solved_share", p->solved, p->replied);
		json_pct(&b, "face_to_face_rate", p->face_to_face, p->replied);
		json_pct(&b, "satisfaction_rate", p->satisfied, p->rated);
		ld_buf_puts(&b, "}");
		ld_buf_printf(&b,
		              ", \"members\": {\"active\": %" PRIu64
		              ", \"took_part\": %" PRIu64,
		              m.active, m.took_part);
		json_pct(&b, "participation_rate", m.took_part, m.active);
		ld_buf_puts(&b, "}");
		json_headline(&b, &g, &m);
		ld_buf_puts(&b, "}\n");
		fputs(b.p, stdout);
		ld_buf_free(&b);
	} else {
		print_figures(stdout, &g, &m, owner);
	}
	ld_cli_free_records(recs, n);
	return 0;
}
