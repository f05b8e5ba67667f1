/* cmd_rollup.c — the roll-up commands: progress (where every office
 * reached by a task stands) and inbox (what this office must act on). */
#include "cli.h"
#include "format.h"
#include "rollup.h"
#include "text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --today, checked here so a typo is a usage error, not a refusal. */
static int
parse_today(const struct cmd *c, const char *s)
{
	if (s != NULL && !ld_text_date_valid(s))
		return usage_error(c, "--today '%s' is not a date (YYYY-MM-DD)",
		                   s);
	return 0;
}

static const char *
ps_label(const char *state)
{
	return ld_ps_label(ld_ps_lookup(state));
}

static void
print_progress(FILE *f, const Ld__ProgressResponse *p)
{
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
		fprintf(f, "  %-28s %-11s %-9s  due %-10s%s  %s\n", w->path,
		        w->state, ps_label(w->state), w->due[0] ? w->due : "-",
		        result, w->name);
	}
	fprintf(f, "\n%u targets: %u reported (%u reviewed, %u resubmitted), "
	           "%u returned, %u overdue, %u pending, %u relayed\n",
	        p->targets, p->reported, p->reviewed, p->resubmitted,
	        p->returned, p->overdue, p->pending, p->relayed);
}

int
run_progress(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TODAY, O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 1)) != 0 ||
	    (rc = parse_today(c, a.today)) != 0)
		return rc;
	struct ld_client *cl = NULL;
	if ((rc = connect_node(c, &cl)) != 0)
		return rc;
	Ld__ProgressRequest q = LD__PROGRESS_REQUEST__INIT;
	q.id = a.rest[0];
	q.today = (char *)(a.today ? a.today : "");
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_PROGRESS;
	req.progress = &q;
	Ld__Response *resp = NULL;
	rc = call(cl, &req, &resp);
	ld_client_close(&cl);
	if (rc != 0)
		return rc;
	if (a.json) {
		struct ld_buf b = {0};
		ld_json_message(&b, &resp->progress->base);
		printf("%s\n", b.p);
		ld_buf_free(&b);
	} else {
		print_progress(stdout, resp->progress);
	}
	ld__response__free_unpacked(resp, NULL);
	return 0;
}

static void
print_inbox(FILE *f, const Ld__InboxResponse *b)
{
	fprintf(f, "inbox of %s, as of %s: %zu item%s\n", b->path, b->today,
	        b->n_items, b->n_items == 1 ? "" : "s");
	for (size_t i = 0; i < b->n_items; i++) {
		const Ld__InboxItem *it = b->items[i];
		char when[48] = "no due date";
		if (it->due[0] != '\0') {
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
		fprintf(f, "  %s\n", it->topic);
		if (it->cause[0] != '\0')
			fprintf(f, "  review %s: %s\n", it->cause,
			        it->comment[0] ? it->comment : "(no comment)");
	}
}

int
run_inbox(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TODAY, O_DAYS, O_JSON, 0};
	struct args a;
	int rc = parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = no_extra(c, &a, 0)) != 0 ||
	    (rc = parse_today(c, a.today)) != 0)
		return rc;
	unsigned long days = 7;
	if (a.days != NULL) {
		char *end;
		days = strtoul(a.days, &end, 10);
		if (a.days[0] < '0' || a.days[0] > '9' || *end != '\0' ||
		    days < 1 || days > 366)
			return usage_error(c, "--days '%s': a number of days "
			                      "from 1 to 366",
			                   a.days);
	}
	struct ld_client *cl = NULL;
	if ((rc = connect_node(c, &cl)) != 0)
		return rc;
	Ld__InboxRequest q = LD__INBOX_REQUEST__INIT;
	q.today = (char *)(a.today ? a.today : "");
	q.days = (uint32_t)days;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_INBOX;
	req.inbox = &q;
	Ld__Response *resp = NULL;
	rc = call(cl, &req, &resp);
	ld_client_close(&cl);
	if (rc != 0)
		return rc;
	if (a.json) {
		struct ld_buf b = {0};
		ld_json_message(&b, &resp->inbox->base);
		printf("%s\n", b.p);
		ld_buf_free(&b);
	} else {
		print_inbox(stdout, resp->inbox);
	}
	ld__response__free_unpacked(resp, NULL);
	return 0;
}
