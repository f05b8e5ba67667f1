/* check_fielderr.c — the node's refusals read for a person (web/fielderr.c):
 * each shape validate.c, lifecycle.c and the daemon write, produced here
 * by the real validate.c where it can be, lands on its form field with
 * its Chinese sentence; an unknown shape stays English at the top; and
 * the form helpers put it beside the field with the CLI's words. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fielderr.h"
#include "form.h"
#include "validate.h"

#define SELF "530000/530300"

/* The refusal validate.c gives for `r` created at SELF (or as an update
 * of `old`). */
static const char *
refusal(Ld__Record *r, const Ld__Record *old)
{
	static char err[512];
	err[0] = '\0';
	int rc = old ? ld_validate_update(SELF, old, r, err, sizeof(err))
	             : ld_validate_new(SELF, r, err, sizeof(err));
	ck_assert_int_ne(rc, 0);
	return err;
}

static void
expect(const char *line, const char *field, const char *text)
{
	struct ld_fielderr fe;
	ld_fielderr_parse(line, &fe);
	ck_assert_msg(strcmp(fe.field, field) == 0,
	              "'%s': field '%s', not '%s'", line, fe.field, field);
	ck_assert_msg(strcmp(fe.text, text) == 0, "'%s':\n got  %s\n want %s",
	              line, fe.text, text);
	ck_assert_ptr_eq(fe.cli, line);
}

/* A field of a record built on the stack that started as the empty
 * string: validate.c may have put a copy of its canonical value there
 * (ld_set_str), which is the test's to free. */
static void
release(char **field)
{
	if (*field != protobuf_c_empty_string)
		free(*field);
	*field = (char *)protobuf_c_empty_string;
}

/* Replace a malloc'd string field of a test record. */
static void
retext(char **field, const char *v)
{
	free(*field);
	*field = strdup(v);
}

/* A task record with its strings, for validate.c to refuse. */
struct task {
	Ld__Task t;
	Ld__Record r;
	char *scope[2];
};

static void
task_init(struct task *k, const char *topic, const char *form, const char *due)
{
	ld__task__init(&k->t);
	ld__record__init(&k->r);
	k->t.topic = strdup(topic);
	k->t.form = strdup(form);
	k->t.due = strdup(due);
	k->t.status = strdup("");
	k->t.parent = strdup("");
	k->scope[0] = strdup(SELF "/530325");
	k->r.scope = k->scope;
	k->r.n_scope = 1;
	k->r.body_case = LD__RECORD__BODY_TASK;
	k->r.task = &k->t;
}

static void
task_free(struct task *k)
{
	free(k->t.topic);
	free(k->t.form);
	free(k->t.due);
	free(k->t.status);
	free(k->t.parent);
	free(k->scope[0]);
}

START_TEST(test_required_unknown_date)
{
	struct task k;
	task_init(&k, "", "视察", "2026-06-30");
	expect(refusal(&k.r, NULL), "topic", "议题：必填");
	task_free(&k);

	task_init(&k, "河道", "", "");
	const char *e = refusal(&k.r, NULL);
	ck_assert_ptr_nonnull(strstr(e, "form: required (one of: "));
	struct ld_fielderr fe;
	ld_fielderr_parse(e, &fe);
	ck_assert_str_eq(fe.field, "form");
	ck_assert_ptr_nonnull(strstr(fe.text, "形式：必填（可选：监督性视察"));
	task_free(&k);

	task_init(&k, "河道", "散步", "");
	ld_fielderr_parse(refusal(&k.r, NULL), &fe);
	ck_assert_str_eq(fe.field, "form");
	ck_assert_ptr_nonnull(
	    strstr(fe.text, "形式：没有“散步”这一项（可选："));
	task_free(&k);

	task_init(&k, "河道", "视察", "2026-13-01");
	expect(refusal(&k.r, NULL), "due",
	       "截止日期：'2026-13-01' 不是日期（YYYY-MM-DD）");
	task_free(&k);
}
END_TEST

START_TEST(test_scope)
{
	struct task k;
	task_init(&k, "河道", "视察", "");
	k.r.n_scope = 0;
	expect(refusal(&k.r, NULL), "scope", "范围：至少选择一个单位");
	k.r.n_scope = 1;
	retext(&k.scope[0], "530000/530400");
	expect(refusal(&k.r, NULL), "scope",
	       "范围：530000/530400 不在本单位（530000/530300）之下");
	retext(&k.scope[0], "530000/53 03");
	expect(refusal(&k.r, NULL), "scope",
	       "范围：“530000/53 03”：路径只能含 A-Z a-z 0-9 _ -");
	task_free(&k);

	Ld__Proposal p = LD__PROPOSAL__INIT;
	p.title = "提案";
	Ld__Record r = LD__RECORD__INIT;
	char *sc[] = {SELF};
	r.scope = sc;
	r.n_scope = 1;
	r.body_case = LD__RECORD__BODY_PROPOSAL;
	r.proposal = &p;
	expect(refusal(&r, NULL), "scope",
	       "范围：提案逐级报送给每一级上级，不设范围");
}
END_TEST

START_TEST(test_status_moves)
{
	struct task was, now;
	task_init(&was, "河道", "视察", "");
	task_init(&now, "河道", "视察", "");
	retext(&was.t.status, "dispatched");
	retext(&now.t.status, "closed");
	expect(refusal(&now.r, &was.r), "status",
	       "状态：民主监督任务不能从“已下发”变为“已办结”"
	       "（可变为：办理中、已取消）");
	retext(&was.t.status, "closed");
	retext(&now.t.status, "closed");
	expect(refusal(&now.r, &was.r), "status",
	       "状态：该民主监督任务已是“已办结”，不能再变更");
	retext(&now.t.status, "in_progress");
	expect(refusal(&now.r, &was.r), "status",
	       "状态：民主监督任务不能从“已办结”变为“办理中”"
	       "（可变为：无（“已办结”已是最终状态））");
	/* cannot change */
	retext(&was.t.status, "dispatched");
	retext(&now.t.status, "");
	retext(&was.t.parent, "530000:7");
	expect(refusal(&now.r, &was.r), "parent",
	       "上级任务：不能修改（原为“530000:7”）");
	task_free(&was);
	task_free(&now);
}
END_TEST

START_TEST(test_survey_plan_proposal)
{
	Ld__Survey s = LD__SURVEY__INIT;
	s.topic = "调研";
	s.form = "调研";
	s.start = "2026-05-02";
	s.end = "2026-05-01";
	s.status = (char *)protobuf_c_empty_string;
	Ld__Record r = LD__RECORD__INIT;
	char *sc[] = {SELF};
	r.scope = sc;
	r.n_scope = 1;
	r.body_case = LD__RECORD__BODY_SURVEY;
	r.survey = &s;
	expect(refusal(&r, NULL), "end",
	       "结束日期：2026-05-01 早于开始日期 2026-05-02");
	release(&s.status);

	Ld__PlanItem it = LD__PLAN_ITEM__INIT, *items[] = {&it};
	it.form = "专题协商";
	it.month = 13;
	it.topic = "议题";
	it.status = (char *)protobuf_c_empty_string;
	Ld__Plan p = LD__PLAN__INIT;
	p.year = 2026;
	p.title = "计划";
	p.items = items;
	p.n_items = 1;
	Ld__Record pr = LD__RECORD__INIT;
	pr.body_case = LD__RECORD__BODY_PLAN;
	pr.plan = &p;
	expect(refusal(&pr, NULL), "item-1-month",
	       "第 1 项月份：13 不在 1 到 12 之间（0 表示未定）");
	it.month = 3;
	it.topic = "";
	expect(refusal(&pr, NULL), "item-1-topic", "第 1 项议题：必填");
	p.year = 1200;
	expect(refusal(&pr, NULL), "year", "年度：1200 不是合理的年份");
	release(&it.status);

	Ld__Proposal q = LD__PROPOSAL__INIT;
	q.title = "提案";
	q.status = "replied";
	Ld__Record qr = LD__RECORD__INIT;
	qr.body_case = LD__RECORD__BODY_PROPOSAL;
	qr.proposal = &q;
	struct ld_fielderr fe;
	ld_fielderr_parse(refusal(&qr, NULL), &fe);
	ck_assert_str_eq(fe.field, "outcome");
	ck_assert_ptr_nonnull(strstr(fe.text, "办理结果：提案“已答复”后必填"));
	release(&q.filing);
}
END_TEST

START_TEST(test_result_and_author)
{
	Ld__Metric m = LD__METRIC__INIT, *ms[] = {&m};
	m.name = "";
	Ld__Result res = LD__RESULT__INIT;
	res.ref = "530000:3";
	res.summary = "已完成";
	res.status = (char *)protobuf_c_empty_string;
	res.metrics = ms;
	res.n_metrics = 1;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &res;
	expect(refusal(&r, NULL), "metric", "指标名称：必填");
	res.n_metrics = 0;
	res.summary = "";
	expect(refusal(&r, NULL), "summary", "摘要：必填");
	r.author = "张 三";
	struct ld_fielderr fe;
	ld_fielderr_parse(refusal(&r, NULL), &fe);
	ck_assert_str_eq(fe.field, "author");
	ck_assert_str_eq(fe.text,
	                 "填报人：含有空白（姓名是一个词：张三、zhangsan）");
	release(&res.status);
}
END_TEST

/* What the daemon (api.c, own.c, files.c) says, word for word. */
START_TEST(test_daemon_shapes)
{
	expect("530000/530300:12 changed since it was read (version 3 now, not "
	       "2): read it again and redo the change",
	       "",
	       "此记录在您打开之后已被修改（现为第 3 版，您打开的是第 2 版）："
	       "请重新打开，再做修改。");
	expect("530000:4 is owned by 530000: only its owner changes it (answer "
	       "it with a record of this node's own: a result, a review or a "
	       "sub-task)",
	       "",
	       "530000:4 属于 530000：只有发文单位能修改它（本单位可以用成果、"
	       "审核或转办回应它）。");
	expect("530000/530300:9 was submitted: it can be revised only after a "
	       "review returns it (returned/退回 or rectify/整改)",
	       "", "530000/530300:9 已提交：审核退回或要求整改后才能修改。");
	expect("530000:4 was deleted", "", "530000:4 已被删除。");
	expect(
	    "parent: task 530000:4 is not addressed to this node; a sub-task "
	    "derives from a task this node received or owns",
	    "parent",
	    "上级任务：任务 530000:4 不是下发给本单位的：转办只能基于"
	    "本单位收到或发出的任务");
	expect("parent: no record 530000:99 at this node", "parent",
	       "上级任务：本节点没有记录 530000:99");
	expect("ref: 530000:1 is a node, not a task, survey or plan", "ref",
	       "回应记录：530000:1 是节点，不是任务、调研或计划");
	expect("ref: result 530000:5 is owned by 530000, which is not below "
	       "this node",
	       "ref", "回应记录：成果 530000:5 属于 530000，不是本单位的下级");
	expect("attachment 1 (a.pdf): chunk 2 of 3 was not uploaded", "attach",
	       "附件 1（a.pdf）：第 2 块（共 3 块）未上传");
	expect("targets: longer than 4096 bytes", "targets",
	       "被监督单位：超过 4096 字节");
	expect("items.topic: contains a control character", "items",
	       "计划事项·议题：含有控制字符");
}
END_TEST

/* 社情民意 and what an office above does with one (daemon/api.c,
 * validate.c), as the console's action form shows them. */
START_TEST(test_opinion_shapes)
{
	expect("ref: opinion 530000/530300:3 is owned by 530000/530300, which "
	       "is not below this node",
	       "ref",
	       "回应记录：社情民意 530000/530300:3 属于 530000/530300，不是本"
	       "单位的下级：本单位不能处理自己的或不在下级的社情民意");
	expect("ref: opinion 530000/530300/530321:2 has not reached this node: "
	       "530000/530300 has not forwarded it (报送)",
	       "ref",
	       "回应记录：社情民意 530000/530300/530321:2 尚未到达本单位："
	       "530000/530300 还没有报送");
	expect("leader: required for a 批示 (instructed): the leader who "
	       "wrote it",
	       "leader", "批示领导：批示须填写作出批示的领导");
	expect("leader: only a 批示 (instructed) names a leader", "leader",
	       "批示领导：只有批示才填写批示领导");
	expect("content: required (what the 社情民意 reports)", "content",
	       "内容：必填（社情民意反映的内容）");
	expect("member: required (the member, 委员, who wrote it or for whom "
	       "it is written)",
	       "member", "委员：必填（撰写或反映社情民意的委员）");
}
END_TEST

/* A proposal as offices handle it (validate.c check_handling), members
 * and duty entries (validate.c, daemon/api.c), as the console's forms
 * show them. */
START_TEST(test_handling_shapes)
{
	expect("supervisor: required for a 重点 (key) proposal (the leader "
	       "who supervises it, 督办)",
	       "supervisor", "督办领导：重点提案必填（负责督办的领导）");
	expect("supervisor: only a 重点 (key) proposal has a supervising "
	       "leader (督办)",
	       "supervisor", "督办领导：只有重点提案才填写督办领导");
	expect("cosigner: '张三' is the submitter (联名 names the others)",
	       "cosigner", "联名委员：“张三”是提案人（联名委员填提案人以外的委员）");
	expect("cosigner: '李四' is named twice", "cosigner",
	       "联名委员：“李四”重复填写");
	expect("assisting: '市财政局' is the lead handler (主办); 协办 names "
	       "the others",
	       "assisting", "协助落实：“市财政局”是主办单位（协办单位填其他单位）");
	expect("handler: required when assisting units (协办) are named (the "
	       "lead unit, 主办)",
	       "handler", "承办单位：填了协办单位时必填（主办单位）");
	expect("extended: the reply deadline was extended (it is 2026-05-01) "
	       "and stays so",
	       "extended", "已延期：答复期限已延期（现为 2026-05-01），不能撤销");
	expect("extended: the proposal has no reply deadline to extend (give "
	       "--filed-on or --deadline)",
	       "extended",
	       "已延期：提案没有答复期限，无法延期（请填写立案日期或答复期限）");
	expect("deadline: 2026-01-01 is before filed_on 2026-02-01", "deadline",
	       "答复期限：2026-01-01 早于立案日期 2026-02-01");
	expect("filed_on: '2026-13-01' is not a date (YYYY-MM-DD)", "filed_on",
	       "立案日期：'2026-13-01' 不是日期（YYYY-MM-DD）");
	expect("members: at least one member id is required", "members",
	       "委员：至少选择一位委员");
	expect("members: no member 530000:9 at this node", "members",
	       "委员：本节点没有委员 530000:9");
	expect("members: 530000:9 is listed twice", "members",
	       "委员：530000:9 重复选择");
	expect("ref: 'x' is not a record id (PATH:NUMBER)", "ref",
	       "回应记录：'x' 不是记录编号（路径:序号）");
}
END_TEST

START_TEST(test_fallback)
{
	/* An unknown shape: the English line, at the top. */
	expect("store write failed: MDB_MAP_FULL", "",
	       "store write failed: MDB_MAP_FULL");
	expect("something new happened", "", "something new happened");
	/* A known field, an unknown reason: beside it, the reason English. */
	expect("due: a brand new reason", "due",
	       "截止日期：a brand new reason");
	expect(NULL, "", "");
}
END_TEST

/* The CLI's usage refusals, which the console words alike. */
START_TEST(test_cli_shapes)
{
	expect("year 'abc' is not a year", "year", "年度：'abc' 不是年份");
	expect("month '13' is not 1-12", "month",
	       "月份：'13' 不在 1 到 12 之间");
	expect("--metric 'x' is not NAME=NUMBER", "metric",
	       "指标：'x' 不是“名称=数值”");
	expect("--metric 调研: 'many' is not a number", "metric",
	       "指标 调研：'many' 不是数字");
	/* An empty required field: the CLI's words and the node's are the
	 * same Chinese line. */
	expect("--topic is required", "topic", "议题：必填");
	expect("--summary is required", "summary", "摘要：必填");
	expect("--nonsense is required", "", "--nonsense is required");
}
END_TEST

/* The form puts the refusal beside its field, once, with the CLI's
 * words, and keeps the value; a refusal for no field goes on top. */
START_TEST(test_form_beside_field)
{
	struct ld_fielderr fe;
	const char *line = "due: '2026-13-01' is not a date (YYYY-MM-DD)";
	ld_fielderr_parse(line, &fe);
	struct ld_form f;
	ld_form_init(&f, &fe);
	ld_form_input(&f, "text", "topic", NULL, "<b>河道</b>",
	              LD_FORM_REQUIRED);
	ld_form_input(&f, "date", "due", NULL, "2026-13-01", 0);
	ld_form_select_vocab(&f, "form", NULL, LD_VOCAB_TASK_FORM, NULL, "视察",
	                     0);
	struct ld_buf b = {0};
	ld_form_finish(&f, &b, "/tasks/new", "tok", false, "下发");
	const char *h = b.p;
	ck_assert_ptr_nonnull(strstr(h, "value=\"&lt;b&gt;河道&lt;/b&gt;\""));
	const char *due = strstr(h, "id=\"f-due\"");
	const char *err = strstr(h, "<p class=\"err\" id=\"err-due\"");
	ck_assert_ptr_nonnull(due);
	ck_assert_ptr_nonnull(err);
	ck_assert(err > due);
	ck_assert_ptr_nonnull(
	    strstr(err, "截止日期：&#39;2026-13-01&#39; 不是日期"));
	ck_assert_ptr_nonnull(
	    strstr(err, "due: &#39;2026-13-01&#39; is not a date"));
	ck_assert_ptr_null(strstr(h, "err-form"));
	ck_assert_ptr_nonnull(
	    strstr(h, "<option value=\"监督性视察\" selected>"));
	ck_assert_ptr_nonnull(strstr(h, "name=\"csrf\" value=\"tok\""));
	ck_assert_ptr_nonnull(strstr(h, "id=\"submit\""));
	ld_buf_free(&b);

	ld_fielderr_parse("record: larger than 1 MiB", &fe);
	ld_form_init(&f, &fe);
	ld_form_input(&f, "text", "topic", NULL, "", 0);
	ld_form_finish(&f, &b, "/tasks/new", "tok", false, "下发");
	ck_assert_ptr_nonnull(strstr(b.p, "id=\"err-form\""));
	ck_assert_ptr_nonnull(strstr(b.p, "记录：超过 1 MiB"));
	ck_assert(strstr(b.p, "err-form") < strstr(b.p, "f-topic"));
	ld_buf_free(&b);

	/* An empty required field: 议题：必填 beside it, the node's line
	 * under it in small type. */
	ld_fielderr_parse("topic: required", &fe);
	ld_form_init(&f, &fe);
	ld_form_input(&f, "text", "topic", NULL, "", LD_FORM_REQUIRED);
	ld_form_finish(&f, &b, "/tasks/new", "tok", false, "下发");
	err = strstr(b.p, "<p class=\"err\" id=\"err-topic\"");
	ck_assert_ptr_nonnull(err);
	ck_assert(err > strstr(b.p, "id=\"f-topic\""));
	ck_assert_ptr_nonnull(strstr(err, "议题：必填<br><small class=\"cli\" "
	                                  "lang=\"en\">topic: required</small>"));
	ld_buf_free(&b);

	/* Only the moves lifecycle.c allows. */
	ld_form_init(&f, NULL);
	size_t n = ld_form_select_status(&f, "status", NULL, LD_SM_PLAN_ITEM,
	                                 "planned", NULL);
	ck_assert_uint_eq(n, 3);
	ld_form_finish(&f, &b, "/x", "t", false, "ok");
	ck_assert_ptr_nonnull(strstr(b.p, ">延期</option>"));
	ck_assert_ptr_null(strstr(b.p, ">已采纳</option>"));
	ld_buf_free(&b);
}
END_TEST

/* The field as the message names it, for the JSON API's "field": the
 * words before the first colon when they name a field, else "". */
START_TEST(test_name)
{
	static const struct {
		const char *line, *field;
	} cases[] = {
	    {"due: '2026-02-30' is not a date", "due"},
	    {"items[2].month: 13 is not 1-12", "items[2].month"},
	    {"colour: unknown field", "colour"},
	    {"item 2 month: 13 is not 1-12", "item 2 month"},
	    {"metric name: required", "metric name"},
	    {"store write failed: disk full", ""},
	    {"530000:12 is owned by 530000/530300", ""},
	    {"attachment 2 (a.jpg): too big", ""},
	    {"no colon", ""},
	    {": no name", ""},
	};
	char f[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ld_fielderr_name(cases[i].line, f, sizeof(f));
		ck_assert_msg(strcmp(f, cases[i].field) == 0,
		              "'%s': field '%s', not '%s'", cases[i].line, f,
		              cases[i].field);
	}
	/* A name that does not fit in `len` is no name. */
	ld_fielderr_name("due: x", f, 3);
	ck_assert_str_eq(f, "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fielderr");
	TCase *tc = tcase_create("shapes");
	tcase_add_test(tc, test_required_unknown_date);
	tcase_add_test(tc, test_scope);
	tcase_add_test(tc, test_status_moves);
	tcase_add_test(tc, test_survey_plan_proposal);
	tcase_add_test(tc, test_result_and_author);
	tcase_add_test(tc, test_daemon_shapes);
	tcase_add_test(tc, test_opinion_shapes);
	tcase_add_test(tc, test_handling_shapes);
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_cli_shapes);
	tcase_add_test(tc, test_form_beside_field);
	tcase_add_test(tc, test_name);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
