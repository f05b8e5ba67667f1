/* cmd_opinion.c — 社情民意信息: write one (opinion add), act on one from
 * below (adopt, forward, instruct), and show what became of one at every
 * level (opinion trail), through the running liandongd. */
#include "cli.h"
#include "format.h"
#include "opinion.h"
#include "path.h"
#include "record.h"
#include "text.h"
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ld_cli_run_opinion_add(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_TITLE, O_CONTENT, O_MEMBER, O_YEAR,
	                         O_JSON,  0};
	struct args a;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc;
	if (a.member.n > 1)
		return ld_cli_usage_error(c, "--member: one member writes a "
		                          "社情民意 (given %zu)", a.member.n);
	if ((rc = ld_cli_no_extra(c, &a, 0)) ||
	    (rc = ld_cli_need(c, a.title, "--title")) ||
	    (rc = ld_cli_need(c, a.content, "--content")) ||
	    (rc = ld_cli_need(c, ld_cli_one_member(c, &a), "--member")))
		return rc;
	Ld__Opinion o = LD__OPINION__INIT;
	o.title = (char *)a.title;
	o.content = (char *)a.content;
	o.member = a.member.v[0];
	if (a.year != NULL && (rc = ld_cli_parse_year(c, a.year, &o.year)) != 0)
		return rc;
	return ld_cli_add_body(c, &o.base, &a);
}

/* `opinion adopt|forward|instruct ID`: the sub-command is the action. */
int
ld_cli_run_opinion_act(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_COMMENT, O_LEADER, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	Ld__OpinionAction oa = LD__OPINION_ACTION__INIT;
	oa.ref = a.rest[0];
	oa.action = (char *)c->sub;
	oa.comment = ld_cli_str(a.comment);
	oa.leader = ld_cli_str(a.leader);
	return ld_cli_add_body(c, &oa.base, &a);
}

int
ld_cli_run_opinion_trail(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	struct ld_client *cl = NULL;
	if ((rc = ld_cli_connect(c, &cl)) != 0)
		return rc;
	Ld__Record *op = NULL, **acts = NULL;
	size_t n = 0, k = 0;
	if ((rc = ld_cli_get_record(cl, a.rest[0], &op)) != 0)
		goto leave;
	if (op->body_case != LD__RECORD__BODY_OPINION) {
		rc = ld_cli_fail("%s is a %s, not an opinion", op->id,
		                 ld_kind_name(op->kind));
		goto leave;
	}
	if ((rc = ld_cli_fetch_records(cl, LD__KIND__KIND_OPINION_ACTION, "",
	                               &acts, &n)) != 0)
		goto leave;
	/* The live actions on this opinion, at the front, nearest first
	 * (core/opinion.c, as the console's record page shows them). */
	k = ld_opinion_trail(acts, n, op->id);
	if (a.json) {
		struct ld_buf b = {0};
		ld_buf_puts(&b, "{\"opinion\": ");
		ld_json_record(&b, op);
		ld_buf_puts(&b, ", \"actions\": [");
		for (size_t i = 0; i < k; i++) {
			ld_buf_puts(&b, i ? ",\n  " : "\n  ");
			ld_json_record(&b, acts[i]);
		}
		ld_buf_puts(&b, k ? "\n]}\n" : "]}\n");
		fputs(b.p, stdout);
		ld_buf_free(&b);
		goto leave;
	}
	printf("%s  社情民意  %s  (%s, written at %s)\n", op->id,
	       op->opinion->title, op->opinion->member, op->owner);
	for (size_t i = 0; i < k; i++) {
		const Ld__OpinionAction *x = acts[i]->opinion_action;
		const char *label = ld_opinion_action_label(x->action);
		printf("  %s  %s %s  %s (v%llu)%s%s%s%s\n", acts[i]->owner,
		       label, x->action, acts[i]->id,
		       (unsigned long long)x->ref_version,
		       x->leader[0] ? "  " : "", x->leader,
		       x->comment[0] ? "  " : "", x->comment);
	}
	if (k == 0)
		printf("  (no office above has acted on it yet)\n");
leave:
	if (op != NULL)
		ld__record__free_unpacked(op, NULL);
	ld_cli_free_records(acts, n);
	ld_client_close(&cl);
	return rc;
}
