/* check_import.c — 'liandong import' and 'liandong export' against real
 * daemons: the Sanming 2017 plan from its CSV (the seed's months, forms and
 * committees), Fuyuan's 2018 from its fixtures (the seed's figures,
 * counted from the records the node holds), bad files refused in one line
 * naming file, line and field with nothing written, and export -> import
 * -> export round trips in JSON and CSV (a whole export holds results and
 * reviews too; import skips them and says how many), members, duty
 * entries and opinions from a county's export into a fresh node (the
 * duty entries naming the new members' ids: 委员参与率 the same), an
 * opinion action imported at the city, and their bad input.
 *
 * The nodes are insecure roots with county paths: nothing here crosses a
 * link, and a secure node below the root needs a tree to be made. */
#include "cli_assert.h"
#include "format.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SANYUAN "350000/350400/350403"
#define FUYUAN "530000/530300/530325"
#define EXAMPLES LD_SOURCE_DIR "/docs/examples/"

static struct th_node S, F, G, Q;
static char out[65536], err[8192];

static void
setup(void)
{
	th_setup();
	th_set_insecure(true);
}

/* Write `text` to <scratch>/<name>; its path goes to `path`. */
static void
put(const char *name, const char *text, char *path, size_t len)
{
	snprintf(path, len, "%s/%s", th_root(), name);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	return p;
}

/* Every live record of `kind` node `n` owns, decoded. */
static size_t
records(struct th_node *n, Ld__Kind kind, Ld__Record ***recs)
{
	struct th_idv *v = NULL;
	size_t cnt = th_list(n, n->id, kind, &v);
	*recs = calloc(cnt + 1, sizeof(**recs));
	ck_assert_ptr_nonnull(*recs);
	for (size_t i = 0; i < cnt; i++)
		(*recs)[i] = th_record_at(n, v[i].id, v[i].version);
	free(v);
	return cnt;
}

static void
free_recs(Ld__Record **recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ld__record__free_unpacked(recs[i], NULL);
	free(recs);
}

/* ---------------------------------------------------------------- Sanming */

START_TEST(test_sanming_plan)
{
	th_node_init(&S, "s", SANYUAN, "三元区政协", false, NULL, NULL);
	th_node_start(&S);
	uint64_t before = th_count(&S);
	/* A dry run checks against the node and writes nothing. */
	OK(AT(&S, "import", EXAMPLES "sanming-2017-plan.csv", "--dry-run"));
	ck_assert(strstr(out, "checked 1 record") != NULL);
	ck_assert(strstr(out, "1 plan (9 items)") != NULL);
	ck_assert_uint_eq(th_count(&S), before);
	OK(AT(&S, "import", EXAMPLES "sanming-2017-plan.csv"));
	ck_assert_msg(strstr(out, "imported 1 record") != NULL, "%s", out);
	ck_assert_uint_eq(th_count(&S), before + 1);

	Ld__Record **recs;
	ck_assert_uint_eq(records(&S, LD__KIND__KIND_PLAN, &recs), 1);
	const Ld__Plan *p = recs[0]->plan;
	ck_assert_uint_eq(p->year, 2017);
	ck_assert_str_eq(p->title, "深化“两学一做”打造“四型政协”活动实施计划");
	ck_assert_uint_eq(recs[0]->n_scope, 1);
	ck_assert_str_eq(recs[0]->scope[0], SANYUAN);
	/* The seed: ⑴ one 专题协商 in October, ⑵ eight 对口协商和界别协商,
	 * each with its vice-chair (牵头), committee (负责) and the committee
	 * that assists (协助落实). */
	static const struct {
		unsigned month;
		const char *form, *topic, *lead, *resp, *assist;
	} want[9] = {
	    {10, "专题协商", "三明南部新城核心区建设", "罗裕明副主席",
	     "各专委会", ""},
	    {3, "对口界别协商", "三元区城乡饮用水源地保护", "罗裕明副主席",
	     "人口资源环境委", "社会事业委"},
	    {4, "对口界别协商", "培育壮大三元区级财税实力", "王树勇副主席",
	     "经济委", "经济和港澳台侨委"},
	    {5, "对口界别协商", "三元区教育发展面临的问题", "罗裕明副主席",
	     "教科文卫体委", "社会事业委"},
	    {6, "对口界别协商", "三元区村级集体股份制改革", "邓享华副主席",
	     "文史资料和学习委", "文史学习和民族宗教委"},
	    {6, "对口界别协商", "三元区林业改革", "黄忠灶副主席", "提案委",
	     "提案和法制委"},
	    {7, "对口界别协商", "培育壮大三元区第三产业", "王树勇副主席",
	     "港澳台侨和外事委", "经济和港澳台侨委"},
	    {8, "对口界别协商", "三元区基层医疗卫生体制改革", "黄忠灶副主席",
	     "法制委", "提案和法制委"},
	    {11, "对口界别协商", "三元区城市与农村建设管理", "邓享华副主席",
	     "民族和宗教委", "文史学习和民族宗教委"},
	};
	ck_assert_uint_eq(p->n_items, 9);
	for (size_t i = 0; i < 9; i++) {
		const Ld__PlanItem *it = p->items[i];
		ck_assert_uint_eq(it->month, want[i].month);
		ck_assert_str_eq(it->form, want[i].form);
		ck_assert_str_eq(it->topic, want[i].topic);
		ck_assert_str_eq(it->lead, want[i].lead);
		ck_assert_str_eq(it->responsible, want[i].resp);
		ck_assert_str_eq(it->assisting, want[i].assist);
		ck_assert_str_eq(it->status, "planned");
	}
	/* show --json says the same to a script. */
	OK(AT(&S, "show", recs[0]->id, "--json"));
	free_recs(recs, 1);
	ck_assert(strstr(out, "\"month\": 11, \"topic\": "
	                      "\"三元区城市与农村建设管理\"") != NULL);
	ck_assert_int_eq(th_node_stop(&S), 0);
}
END_TEST

/* ---------------------------------------------------------------- Fuyuan */

/* The figures of Fuyuan's 2018 summary, counted from records. */
struct figures {
	unsigned surveys_research, surveys_inspection, consultations,
	    follow_ups, appraised_units, rated_units, proposals, ab, face,
	    satisfied;
};

static void
count(struct th_node *n, struct figures *fg)
{
	memset(fg, 0, sizeof(*fg));
	Ld__Record **recs;
	size_t cnt = records(n, 0, &recs);
	for (size_t i = 0; i < cnt; i++) {
		const Ld__Record *r = recs[i];
		if (r->body_case == LD__RECORD__BODY_SURVEY) {
			fg->surveys_research +=
			    strcmp(r->survey->form, "调研") == 0;
			fg->surveys_inspection +=
			    strcmp(r->survey->form, "视察") == 0;
		} else if (r->body_case == LD__RECORD__BODY_PLAN) {
			fg->consultations += (unsigned)r->plan->n_items;
		} else if (r->body_case == LD__RECORD__BODY_TASK) {
			const Ld__Task *t = r->task;
			fg->follow_ups += strcmp(t->form, "跟踪问效") == 0;
			if (strcmp(t->form, "民主评议") == 0)
				fg->appraised_units += (unsigned)t->n_targets;
			if (strcmp(t->form, "提案督办") == 0)
				fg->rated_units += (unsigned)t->n_targets;
		} else if (r->body_case == LD__RECORD__BODY_PROPOSAL) {
			const Ld__Proposal *p = r->proposal;
			fg->proposals++;
			fg->ab += strcmp(p->outcome, "A") == 0 ||
			          strcmp(p->outcome, "B") == 0;
			fg->face += p->face_to_face;
			fg->satisfied +=
			    strcmp(p->satisfaction, "满意") == 0 ||
			    strcmp(p->satisfaction, "基本满意") == 0;
			ck_assert_str_eq(p->status, "closed");
			ck_assert_uint_eq(p->year, 2018);
		}
	}
	free_recs(recs, cnt);
}

/* 203 of 214 solved or being solved: 94.9 %, in tenths of a percent. */
static unsigned
permille(unsigned part, unsigned whole)
{
	return (part * 1000 + whole / 2) / whole;
}

START_TEST(test_fuyuan_figures)
{
	th_node_init(&F, "f", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&F);
	OK(AT(&F, "import", EXAMPLES "fuyuan-2018.json", "--json"));
	ck_assert_msg(strstr(out, "\"imported\": 235") != NULL, "%s", out);
	struct figures fg;
	count(&F, &fg);
	ck_assert_uint_eq(fg.surveys_research, 10);
	ck_assert_uint_eq(fg.surveys_inspection, 4);
	ck_assert_uint_eq(fg.consultations, 6);
	ck_assert_uint_eq(fg.follow_ups, 3);
	ck_assert_uint_eq(fg.appraised_units, 2);
	ck_assert_uint_eq(fg.rated_units, 7);
	ck_assert_uint_eq(fg.proposals, 214);
	ck_assert_uint_eq(fg.ab, 203);
	ck_assert_uint_eq(permille(fg.ab, fg.proposals), 949);
	ck_assert_uint_eq(permille(fg.face, fg.proposals), 1000);
	ck_assert_uint_eq(permille(fg.satisfied, fg.proposals), 1000);

	/* 'liandong figures' prints the seed's year-end figures. */
	OK(AT(&F, "figures", "--year", "2018"));
	const char *const want[] = {
	    "surveys and inspections (调研/视察): 14\n",
	    "  调研               10\n",
	    "  视察                4\n",
	    "consultations held (协商): 6 of 6 planned\n",
	    "  跟踪问效            3   units 3\n",
	    "  民主评议            2   units 2\n",
	    "  提案督办            1   units 7\n",
	    "proposals (提案): 214, filed 214, answered 214",
	    "(A+B)  203 of 214 = 94.9%\n",
	    "面商率                        214 "
	    "of 214 = 100.0%\n",
	    "满意率 (满意+基本满意)        214 of 214 = 100.0%\n",
	    NULL};
	for (size_t i = 0; want[i] != NULL; i++)
		ck_assert_msg(strstr(out, want[i]) != NULL, "no '%s' in:\n%s",
		              want[i], out);
	OK(AT(&F, "figures", "--year", "2018年", "--json"));
	ck_assert_ptr_nonnull(strstr(out, "\"solved_share\": 0.9486"));
	ck_assert_ptr_nonnull(strstr(out, "\"satisfaction_rate\": 1.0000"));
	OK(AT(&F, "figures", "--year", "2017"));
	ck_assert_ptr_nonnull(strstr(out, "proposals (提案): 0,"));
	ck_assert_ptr_nonnull(strstr(out, "A+B)  none yet\n"));
	REFUSED(2, AT(&F, "figures", "--year", "十八"), "year '十八'");
	REFUSED(2, AT(&F, "figures", "--owner", "a//b"), "--owner");

	/* The proposals as a table, into another Fuyuan node: the same. */
	th_node_init(&G, "g", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&G);
	OK(AT(&G, "import", EXAMPLES "fuyuan-2018-proposals.csv"));
	ck_assert(strstr(out, "imported 214 records") != NULL);
	count(&G, &fg);
	ck_assert_uint_eq(fg.proposals, 214);
	ck_assert_uint_eq(fg.ab, 203);
	ck_assert_uint_eq(permille(fg.ab, fg.proposals), 949);
	ck_assert_uint_eq(fg.face, 214);
	ck_assert_uint_eq(fg.satisfied, 214);
	ck_assert_uint_eq(
	    fg.surveys_research + fg.consultations + fg.follow_ups, 0);
	ck_assert_int_eq(th_node_stop(&G), 0);
	ck_assert_int_eq(th_node_stop(&F), 0);
}
END_TEST

/* ---------------------------------------------------------------- bad input */

/* Import `text` as file `name`: refused with exit code `code` and one
 * line holding every word given; the node holds nothing new. */
#define BAD(code, name, text, ...)                                             \
	do {                                                                   \
		char path_[1024];                                              \
		put((name), (text), path_, sizeof(path_));                     \
		uint64_t n_ = th_count(&S);                                    \
		REFUSED((code), AT(&S, "import", path_), __VA_ARGS__);         \
		ck_assert_uint_eq(th_count(&S), n_);                           \
	} while (0)

#define PLAN_HEAD "年度,计划名称,形式,月份,议题,牵头,负责,协助\n"
#define PLAN_ROW "2017,协商计划,专题协商,10月,南部新城,罗裕明,各专委会,\n"

START_TEST(test_bad_input)
{
	th_node_init(&S, "s", SANYUAN, "三元区政协", false, NULL, NULL);
	th_node_start(&S);
	uint64_t before = th_count(&S);

	BAD(1, "unknown-column.csv", "年度,计划名称,形式,月份,议题,备注\n",
	    "unknown-column.csv:1: ", "unknown column '备注'");
	BAD(1, "bad-month.csv",
	    PLAN_HEAD PLAN_ROW "2017,协商计划,对口协商,13月,林业改革,,,\n",
	    "bad-month.csv:3: ", "月份 (month)", "'13月'");
	/* Saved as GBK: 林业 is not UTF-8. */
	BAD(1, "gbk.csv",
	    PLAN_HEAD "2017,协商计划,专题协商,6,\xc1\xd6\xd2\xb5,,,\n",
	    "gbk.csv:2:18: ", "not UTF-8");
	/* Good rows before the bad one are not written either. */
	BAD(1, "bad-form.csv",
	    PLAN_HEAD PLAN_ROW PLAN_ROW "2017,协商计划,座谈会,5,教育,,,\n",
	    "bad-form.csv:4: ", "形式 (form)", "unknown '座谈会'");
	BAD(1, "open-quote.csv",
	    PLAN_HEAD PLAN_ROW "2017,协商计划,专题协商,5,\"教育,,,\n",
	    "open-quote.csv:3:18: ", "never ends");
	BAD(1, "empty.csv", "", "empty.csv:1: ", "empty");
	BAD(1, "width.csv", PLAN_HEAD "2017,计划,专题协商,5,教育,甲,乙,丙,丁\n",
	    "width.csv:2: ", "9 fields", "header has 8");
	BAD(1, "no-topic.csv", "year,title,form\n2017,x,专题\n",
	    "no-topic.csv:1: ", "'topic'");
	/* 150 good proposals, then a closed one with no satisfaction. */
	struct ld_buf big = {0};
	ld_buf_puts(&big, "编号,案由,状态,办理结果,面商,满意度\n");
	for (int i = 1; i <= 150; i++)
		ld_buf_printf(&big, "%d,关于第%d件事的建议,已办结,A,是,满意\n",
		              i, i);
	ld_buf_puts(&big, "151,关于最后一件事的建议,已办结,B,是,\n");
	BAD(1, "proposals.csv", big.p, "proposals.csv:152: ",
	    "满意度 "
	    "(satisfaction)",
	    "required");
	ld_buf_free(&big);

	/* JSON: syntax with line and column, content with the record. */
	BAD(1, "broken.json", "[\n  {\"kind\": \"plan\",}\n]\n",
	    "broken.json:2:", "not JSON");
	BAD(1, "field.json",
	    "[{\"kind\": \"proposal\", \"title\": \"a\"},\n"
	    " {\"id\": \"350000:9\", \"kind\": \"plan\", \"year\": 2017, "
	    "\"tpoic\": \"x\"}]\n",
	    "field.json: record 2 (id 350000:9): ", "tpoic");
	/* Kinds import does not create are skipped; a file of nothing
	 * else imports nothing. A kind unheard of is an error. */
	BAD(1, "kind.json", "[{\"kind\": \"result\", \"ref\": \"x:1\"}]",
	    "kind.json: no records to import; skipped 1 result",
	    "import creates plans, surveys, tasks, proposals, members, duty "
	    "entries, opinions and their actions");
	BAD(1, "memo.json", "[{\"kind\": \"memo\", \"text\": \"x\"}]",
	    "memo.json: record 1: ", "'memo' record cannot be imported");
	BAD(1, "type.json",
	    "{\"kind\": \"plan\", \"year\": \"2017\", \"title\": \"t\"}",
	    "type.json: record 1: ", "year", "whole number");
	BAD(1, "scope.json",
	    "[{\"kind\": \"task\", \"topic\": \"t\", \"form\": \"跟踪问效\", "
	    "\"scope\": [\"530000\"]}]",
	    "scope.json: record 1: ", "scope", "outside");
	BAD(1, "parent.json",
	    "[{\"kind\": \"task\", \"topic\": \"t\", \"form\": \"跟踪问效\", "
	    "\"parent\": \"350000:7\", \"scope\": [\"" SANYUAN "\"]}]",
	    "parent.json: record 1: ", "parent", "350000:7");

	/* Usage. */
	REFUSED(2, AT(&S, "import"), "missing argument");
	REFUSED(2,
	        AT(&S, "import", EXAMPLES "sanming-2017-plan.csv", "--kind",
	           "task"),
	        "--kind");
	REFUSED(1, AT(&S, "import", "/nonexistent/plan.csv"),
	        "/nonexistent/plan.csv", "No such file");
	REFUSED(2, AT(&S, "export", "--csv"), "--kind plan");
	REFUSED(2, AT(&S, "export", "--csv", "--json", "--kind", "plan"),
	        "not both");
	ck_assert_uint_eq(th_count(&S), before);
	ck_assert_int_eq(th_node_stop(&S), 0);
}
END_TEST

/* ---------------------------------------------------------------- members */

START_TEST(test_member_kinds)
{
	char a_json[1024], path[1024], text[2048];
	char m1[LD_ID_MAX + 1], m2[LD_ID_MAX + 1], m3[LD_ID_MAX + 1];
	char p[LD_ID_MAX + 1], o[LD_ID_MAX + 1];
	snprintf(a_json, sizeof(a_json), "%s/members.json", th_root());
	th_node_init(&Q, "q", "530000/530300", "曲靖市政协", true, NULL, NULL);
	th_node_init(&F, "f", FUYUAN, "富源县政协", false, &Q, NULL);
	th_node_start(&Q);
	th_node_start(&F);
	OK(AT(&F, "member", "add", "--name", "委员甲", "--sector", "经济界"));
	take_id(m1);
	OK(AT(&F, "member", "add", "--name", "委员乙", "--new", "yes"));
	take_id(m2);
	OK(AT(&F, "member", "add", "--name", "委员丙", "--status", "left"));
	take_id(m3);
	OK(AT(&F, "proposal", "add", "--title", "关于加快城乡供水一体化的建议",
	      "--year", "2018"));
	take_id(p);
	OK(AT(&F, "duty", "add", "--activity", "提案", "--date", "2018-05-03",
	      "--member", m1, "--member", m3, "--ref", p));
	OK(AT(&F, "duty", "add", "--activity", "培训", "--date", "2017-03-10",
	      "--member", m2));
	OK(AT(&F, "opinion", "add", "--title", "关于农村饮用水源地保护的建议",
	      "--content", "划定保护范围", "--member", "委员甲", "--year",
	      "2018"));
	take_id(o);
	OK(AT(&F, "figures", "--year", "2018"));
	ck_assert_ptr_nonnull(strstr(out, "1 of 2 = 50.0%"));
	OK(AT(&F, "export", "--out", a_json));

	/* Into a fresh node of the same office: every record, the duty
	 * entries naming the new members. */
	th_node_init(&G, "g", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&G);
	OK(AT(&G, "import", a_json, "--dry-run"));
	OK(AT(&G, "import", a_json));
	ck_assert_msg(strstr(out, "imported 7 records") != NULL &&
	                  strstr(out, "1 proposal, 3 members, 2 duty entries, "
	                              "1 opinion") != NULL,
	              "%s", out);
	OK(AT(&G, "figures", "--year", "2018"));
	ck_assert_msg(strstr(out, "members (委员): 2 in office, 1 took part\n"
	                          "  委员参与率                    1 of 2 = "
	                          "50.0%") != NULL,
	              "%s", out);
	OK(AT(&G, "export", "--kind", "duty"));
	ck_assert_msg(strstr(out, "\"activity\": \"提案\"") != NULL, "%s", out);
	OK(AT(&G, "export", "--kind", "opinion"));
	ck_assert_ptr_nonnull(strstr(out, "关于农村饮用水源地保护的建议"));
	ck_assert_int_eq(th_node_stop(&G), 0);

	/* The city adopts the county's opinion from a file. */
	ck_assert(th_wait_record(&Q, o, th_ms(10000)));
	snprintf(text, sizeof(text),
	         "[{\"kind\": \"opinion-action\", \"ref\": \"%s\", "
	         "\"action\": \"adopted\", \"comment\": \"市政协采用\"}]",
	         o);
	put("adopt.json", text, path, sizeof(path));
	OK(AT(&Q, "import", path));
	ck_assert_msg(strstr(out, "imported 1 record") != NULL, "%s", out);
	OK(AT(&Q, "opinion", "trail", o));
	ck_assert_msg(strstr(out, "采用 adopted") != NULL, "%s", out);
	ck_assert_int_eq(th_node_stop(&F), 0);
	ck_assert_int_eq(th_node_stop(&Q), 0);
}
END_TEST

/* Bad members, duty entries and opinion actions: one line naming the
 * record and the field, nothing written. */
START_TEST(test_member_kinds_bad)
{
	char m1[LD_ID_MAX + 1], text[2048];
	th_node_init(&S, "s", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&S);
	OK(AT(&S, "member", "add", "--name", "委员甲"));
	take_id(m1);
#define DUTY                                                                   \
	"\"kind\": \"duty\", \"activity\": \"调研\", "                       \
	"\"date\": \"2018-05-03\", "
	BAD(1, "d1.json", "[{" DUTY "\"members\": [\"" FUYUAN ":999999\"]}]",
	    "d1.json: record 1: members: no record " FUYUAN
	    ":999999 at this node (nor earlier in the file)");
	BAD(1, "d2.json",
	    "[{" DUTY "\"members\": [\"x:1\"]},\n"
	    " {\"id\": \"x:1\", \"kind\": \"member\", \"name\": \"乙\"}]",
	    "d2.json: record 1: members: x:1 comes later in the file");
	BAD(1, "d3.json",
	    "[{\"id\": \"x:2\", \"kind\": \"proposal\", \"title\": \"t\"},\n"
	    " {" DUTY "\"members\": [\"x:2\"]}]",
	    "d3.json: record 2: members: x:2 is a proposal, not a member");
	snprintf(text, sizeof(text),
	         "[{" DUTY "\"members\": [\"%s\", \"%s\"]}]", m1, m1);
	BAD(1, "d4.json", text, "d4.json: record 1: ", "members");
	BAD(1, "d5.json", "[{" DUTY "\"members\": []}]",
	    "d5.json: record 1: ", "members");
	BAD(1, "m1.json",
	    "[{\"kind\": \"member\", \"name\": \"甲\", \"status\": \"出国\"}]",
	    "m1.json: record 1: status: unknown '出国'");
	/* Personal details are never in a record. */
	BAD(1, "m2.json",
	    "[{\"kind\": \"member\", \"name\": \"甲\", \"phone\": \"138\"}]",
	    "m2.json: record 1: phone: not a field of a member record");
	BAD(1, "m3.json", "[{\"kind\": \"member\", \"sector\": \"经济界\"}]",
	    "m3.json: record 1: ", "name");
	BAD(1, "o1.json",
	    "[{\"id\": \"x:3\", \"kind\": \"opinion\", \"title\": \"t\", "
	    "\"content\": \"c\", \"member\": \"甲\"},\n"
	    " {\"kind\": \"opinion-action\", \"ref\": \"x:3\", "
	    "\"action\": \"adopted\"}]",
	    "o1.json: record 2: ref: opinion x:3 is in this file",
	    "acts only on opinions from below");
	snprintf(text, sizeof(text),
	         "[{\"kind\": \"opinion-action\", \"ref\": \"%s\", "
	         "\"action\": \"adopted\"}]",
	         m1);
	BAD(1, "o2.json", text,
	    "o2.json: record 1: ref: ", "is a member, not an opinion");
	BAD(1, "o3.json",
	    "[{\"kind\": \"opinion\", \"title\": \"t\", \"content\": \"c\"}]",
	    "o3.json: record 1: ", "member");
	BAD(1, "o4.json", "[\n{\"kind\": \"opinion\", \"title\": \"t\",,}]",
	    "o4.json:2:", "not JSON");
#undef DUTY
	ck_assert_int_eq(th_node_stop(&S), 0);
}
END_TEST

/* ---------------------------------------------------------------- round trips
 */

/* The records of an export without what a node gives each record (id,
 * owner, version, time): kind, scope and body, one per line. */
static char *
bodies(const char *path, bool created_only)
{
	char *text = slurp(path);
	struct ld_buf b = {0};
	ld_buf_puts(&b, "");
	for (char *line = strtok(text, "\n"); line != NULL;
	     line = strtok(NULL, "\n")) {
		char *kind = strstr(line, "\"kind\": ");
		char *owner = strstr(line, ", \"owner\": ");
		char *scope = strstr(line, "\"scope\": ");
		char *upd = strstr(line, ", \"updated_at\": ");
		char *del = strstr(line, "\"deleted\": ");
		if (kind == NULL) {
			ld_buf_printf(&b, "%s\n", line);
			continue;
		}
		ck_assert(owner && scope && upd && del);
		if (created_only &&
		    (strncmp(kind, "\"kind\": \"result\"", 16) == 0 ||
		     strncmp(kind, "\"kind\": \"review\"", 16) == 0))
			continue;
		/* (Without the comma between records: which is last
		 * depends on what was left out.) */
		size_t dl = strlen(del);
		if (dl > 0 && del[dl - 1] == ',')
			dl--;
		ld_buf_printf(&b, "%.*s %.*s %.*s\n", (int)(owner - kind), kind,
		              (int)(upd - scope), scope, (int)dl, del);
	}
	free(text);
	return b.p;
}

START_TEST(test_round_trips)
{
	char a_json[1024], b_json[1024], a_plan[1024], a_prop[1024];
	char c_plan[1024], c_prop[1024];
	snprintf(a_json, sizeof(a_json), "%s/a.json", th_root());
	snprintf(b_json, sizeof(b_json), "%s/b.json", th_root());
	snprintf(a_plan, sizeof(a_plan), "%s/a-plan.csv", th_root());
	snprintf(a_prop, sizeof(a_prop), "%s/a-proposals.csv", th_root());
	snprintf(c_plan, sizeof(c_plan), "%s/c-plan.csv", th_root());
	snprintf(c_prop, sizeof(c_prop), "%s/c-proposals.csv", th_root());

	/* One Fuyuan node with all of 2018 and the Sanming plan too (its
	 * scope becomes this node). */
	th_node_init(&F, "f", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&F);
	OK(AT(&F, "import", EXAMPLES "fuyuan-2018.json"));
	OK(AT(&F, "import", EXAMPLES "sanming-2017-plan.csv"));
	/* A county's own work is mostly results (and reviews of its
	 * townships'): a whole export holds them. */
	struct th_idv *tasks = NULL;
	ck_assert_uint_gt(th_list(&F, F.id, LD__KIND__KIND_TASK, &tasks), 0);
	char last_result[LD_ID_MAX + 1];
	th_add_results(&F, tasks[0].id, 3, last_result);
	free(tasks);
	OK(AT(&F, "export", "--out", a_json));
	ck_assert_msg(strstr(out, "exported 239 records") != NULL, "%s", out);
	char *whole = slurp(a_json);
	ck_assert_ptr_nonnull(strstr(whole, "\"kind\": \"result\""));
	ck_assert_ptr_null(strstr(whole, "\"kind\": \"node\""));
	free(whole);
	OK(AT(&F, "export", "--kind", "result"));
	ck_assert_ptr_nonnull(strstr(out, last_result));
	OK(AT(&F, "export", "--csv", "--kind", "plan", "--out", a_plan));
	OK(AT(&F, "export", "--csv", "--kind", "proposal", "--out", a_prop));

	/* JSON into a fresh node of the same office, and out again. */
	th_node_init(&G, "g", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&G);
	OK(AT(&G, "import", a_json));
	ck_assert_msg(strstr(out, "imported 236 records") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "; skipped 3 results (import "
	                          "creates plans, surveys, tasks, "
	                          "proposals, members, duty entries, "
	                          "opinions and their actions)") != NULL,
	              "%s", out);
	OK(AT(&G, "import", a_json, "--dry-run", "--json"));
	ck_assert_msg(strstr(out, "\"skipped_kinds\": {\"result\": 3}") != NULL,
	              "%s", out);
	OK(AT(&G, "export", "--out", b_json));
	char *x = bodies(a_json, true), *y = bodies(b_json, false);
	ck_assert_uint_gt(strlen(x), 50000);
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	ck_assert_int_eq(th_node_stop(&G), 0);

	/* CSV: plans and proposals into a third node, and out again. */
	th_node_init(&S, "c", FUYUAN, "富源县政协", false, NULL, NULL);
	th_node_start(&S);
	OK(AT(&S, "import", a_plan));
	ck_assert_msg(strstr(out, "2 plans (15 items)") != NULL, "%s", out);
	OK(AT(&S, "import", a_prop));
	OK(AT(&S, "export", "--csv", "--kind", "plan", "--out", c_plan));
	OK(AT(&S, "export", "--csv", "--kind", "proposal", "--out", c_prop));
	x = slurp(a_plan);
	y = slurp(c_plan);
	const char *head = "\xef\xbb\xbf年度,计划名称,形式,月份,议题,牵头,负责,"
	                   "协助,状态,范围\r\n";
	ck_assert(strncmp(x, head, strlen(head)) == 0);
	ck_assert_str_eq(x, y);
	free(x);
	free(y);
	x = slurp(a_prop);
	y = slurp(c_prop);
	ck_assert_str_eq(x, y);
	ck_assert(strstr(x, "\r\n214,") != NULL);
	free(x);
	free(y);

	/* What export writes to stdout is what --out writes. */
	OK(AT(&S, "export", "--kind", "plan", "--csv"));
	x = slurp(c_plan);
	ck_assert_str_eq(out, x);
	free(x);
	ck_assert_int_eq(th_node_stop(&S), 0);
	ck_assert_int_eq(th_node_stop(&F), 0);
}
END_TEST

/* ------------------------------------------------------------ in requests */

/* 2,500 proposals go in three AddManyRequests; 1,200 tasks, each a
 * sub-task of the file's first, in two after that first one's (a record
 * whose parent is in the request being made starts the next); the output
 * is as it was with one request a record. */
START_TEST(test_many_in_requests)
{
	th_node_init(&S, "s", SANYUAN, "三元区政协", false, NULL, NULL);
	th_node_start(&S);
	uint64_t before = th_count(&S);
	size_t cap = 2600 * 200;
	char *text = malloc(cap), path[4096];
	ck_assert_ptr_nonnull(text);
	size_t k = (size_t)snprintf(text, cap, "编号,案由,提案人,承办单位,年度,"
	                            "状态,办理结果,面商,满意度\n");
	for (int i = 1; i <= 2500; i++)
		k += (size_t)snprintf(text + k, cap - k,
		                      "%d,关于第%d项工作的建议,民革三元区支部,"
		                      "区发展和改革局,2017,已办结,A,是,满意\n",
		                      i, i);
	put("many.csv", text, path, sizeof(path));
	OK(AT(&S, "import", path));
	ck_assert_msg(strstr(out, "imported 2500 records") != NULL, "%s", out);
	ck_assert_uint_eq(th_count(&S), before + 2500);

	k = (size_t)snprintf(text, cap, "[\n");
	for (int i = 1; i <= 1200; i++) {
		char parent[64] = "";
		if (i > 1)
			snprintf(parent, sizeof(parent), SANYUAN ":1");
		k += (size_t)snprintf(
		    text + k, cap - k,
		    "%s{\"id\": \"" SANYUAN ":%d\", \"kind\": \"task\", "
		    "\"scope\": [\"" SANYUAN "\"], \"form\": \"跟踪问效\", "
		    "\"topic\": \"第%d项跟踪问效\", \"parent\": \"%s\"}\n",
		    i > 1 ? "," : "", i, i, parent);
	}
	snprintf(text + k, cap - k, "]\n");
	put("many.json", text, path, sizeof(path));
	free(text);
	OK(AT(&S, "import", path));
	ck_assert_msg(strstr(out, "imported 1200 records") != NULL, "%s", out);
	Ld__Record **recs;
	size_t n = records(&S, LD__KIND__KIND_TASK, &recs);
	ck_assert_uint_eq(n, 1200);
	size_t subs = 0;
	const char *root = NULL;
	for (size_t i = 0; i < n; i++)
		if (recs[i]->task->parent[0] == '\0')
			root = recs[i]->id;
	ck_assert_ptr_nonnull(root);
	for (size_t i = 0; i < n; i++)
		subs += strcmp(recs[i]->task->parent, root) == 0;
	ck_assert_uint_eq(subs, 1199);
	free_recs(recs, n);
	ck_assert_int_eq(th_node_stop(&S), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	tcase_add_checked_fixture(tc, setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_sanming_plan);
	tcase_add_test(tc, test_fuyuan_figures);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_round_trips);
	tcase_add_test(tc, test_member_kinds);
	tcase_add_test(tc, test_member_kinds_bad);
	tcase_add_test(tc, test_many_in_requests);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
