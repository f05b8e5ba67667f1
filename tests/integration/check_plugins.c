/* check_plugins.c — the shipped supervision, plan-execution and grassroots
 * report plugins with real daemons: supervision over check_linked's
 * three-level linked supervision (a province, two cities, four counties),
 * whose figures must be `liandong progress`'s at every step and whose
 * ranking follows completeness; plan-execution over a city's and its two
 * counties' plans, with a minimum rule and the offices short of it;
 * grassroots over results carrying 协商在基层 metrics, some reviewed. Each
 * plugin also meets one bad setting and fails, naming it. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGINS LD_BIN_DIR "/plugins/lib"
#define CONF "[report]\nplugin_dir = " PLUGINS "\n"
#define TODAY "2026-11-23"

static char out[262144], err[8192];

#define HAS(text)                                                              \
	ck_assert_msg(strstr(out, (text)) != NULL, "line %d: no '%s' in:\n%s", \
	              __LINE__, (text), out)
#define LACKS(text)                                                            \
	ck_assert_msg(strstr(out, (text)) == NULL, "line %d: '%s' in:\n%s",    \
	              __LINE__, (text), out)
/* `a` comes before `b` in out. */
#define BEFORE(a, b)                                                           \
	do {                                                                   \
		HAS(a);                                                        \
		HAS(b);                                                        \
		ck_assert_msg(strstr(out, (a)) < strstr(out, (b)),             \
		              "line %d: '%s' is not before '%s' in:\n%s",      \
		              __LINE__, (a), (b), out);                        \
	} while (0)

/* Run liandong-report itself on node `n` with plugin `name` and one
 * --set: its stdout and stderr go to `out`; returns its exit code. */
static int
runner(const struct th_node *n, const char *name, const char *set)
{
	char cmd[2400];
	snprintf(cmd, sizeof(cmd),
	         "%s/clients/liandong-report --data '%s' --plugin "
	         "'%s/%s.so' --set '%s' 2>&1",
	         LD_BIN_DIR, n->dir, PLUGINS, name, set);
	FILE *f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	size_t len = fread(out, 1, sizeof(out) - 1, f);
	out[len] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A bad setting: the plugin says what is wrong (liandong-report shows
 * its log), and `liandong report` fails with one line naming the
 * plugin. */
static void
bad_setting(struct th_node *n, const char *name, const char *set,
            const char *says)
{
	ck_assert_int_eq(runner(n, name, set), 1);
	HAS(says);
	char what[80], key[80];
	snprintf(what, sizeof(what), "report %s: %s: ", name, name);
	/* The one line names the setting (the plugin's last error). */
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(set, "="), set);
	REFUSED(1, AT(n, "report", name, "--set", set), what, key);
}

/* ---------------------------------------------------------------- supervision
 */

#define P_ID "610000"
#define C1_ID "610000/610100"
#define C2_ID "610000/610300"
#define X11_ID "610000/610100/610115"
#define X12_ID "610000/610100/610122"
#define X21_ID "610000/610300/610323"
#define X22_ID "610000/610300/610330"

/* The number after "key": in progress's JSON (0 if absent). */
static unsigned
field(const char *key)
{
	char k[64];
	snprintf(k, sizeof(k), "\"%s\": ", key);
	const char *p = strstr(out, k);
	return p ? (unsigned)strtoul(p + strlen(k), NULL, 10) : 0;
}

/* supervision's figures at the province are those of `progress TASK`. */
static void
agree(struct th_node *p, const char *task)
{
	OK(AT(p, "progress", task, "--today", TODAY, "--json"));
	unsigned v[5] = {field("targets"), field("reported"), field("reviewed"),
	                 field("returned"), field("overdue")};
	static const char *const names[5] = {"目标单位", "已报送", "已审核",
	                                     "已退回", "逾期"};
	OK(AT(p, "report", "supervision", "--set", "today=" TODAY, "--format",
	      "json"));
	HAS("\"任务\":1,");
	for (int i = 0; i < 5; i++) {
		char want[64];
		snprintf(want, sizeof(want), "\"%s\":%u", names[i], v[i]);
		HAS(want);
	}
}

START_TEST(test_supervision)
{
	static struct th_node P, C1, C2, X11, X12, X21, X22;
	th_node_init(&P, "p", P_ID, "陕西省政协", true, NULL, CONF);
	th_node_init(&C1, "c1", C1_ID, "西安市政协", true, &P, NULL);
	th_node_init(&C2, "c2", C2_ID, "宝鸡市政协", true, &P, NULL);
	th_node_init(&X11, "x11", X11_ID, "临潼区政协", false, &C1, NULL);
	th_node_init(&X12, "x12", X12_ID, "周至县政协", false, &C1, NULL);
	th_node_init(&X21, "x21", X21_ID, "凤翔区政协", false, &C2, NULL);
	th_node_init(&X22, "x22", X22_ID, "太白县政协", false, &C2, NULL);
	struct th_node *all[] = {&P, &C1, &C2, &X11, &X12, &X21, &X22};
	for (size_t i = 0; i < 7; i++)
		th_node_start(all[i]);

	/* No task yet: nothing to report on. */
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--format",
	      "json"));
	HAS("\"任务\":0,\"目标单位\":0");

	/* The province's linked task; each city derives a sub-task for its
	 * counties, 宝鸡's due before today. */
	char t[LD_ID_MAX + 1], s1[LD_ID_MAX + 1], s2[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "秦岭生态环境保护三级联动民主监督",
	      "--form", "监督性视察", "--scope", C1_ID, "--scope", C2_ID,
	      "--due", "2026-12-31"));
	take_id(t);
	ck_assert(th_wait_record(&C1, t, th_ms(10000)));
	ck_assert(th_wait_record(&C2, t, th_ms(10000)));
	OK(AT(&C1, "task", "add", "--parent-task", t, "--topic",
	      "秦岭北麓违建整治监督", "--form", "监督性视察", "--scope", X11_ID,
	      "--scope", X12_ID, "--due", "2026-12-15"));
	take_id(s1);
	OK(AT(&C2, "task", "add", "--parent-task", t, "--topic",
	      "秦岭西段水源保护监督", "--form", "监督性视察", "--scope", X21_ID,
	      "--scope", X22_ID, "--due", "2026-11-01"));
	take_id(s2);
	ck_assert(th_wait_record(&P, s1, th_ms(10000)));
	ck_assert(th_wait_record(&P, s2, th_ms(10000)));
	/* Every office is known at the province. */
	for (size_t i = 1; i < 7; i++) {
		char node[LD_ID_MAX + 1];
		snprintf(node, sizeof(node), "%s:0", all[i]->id);
		ck_assert(th_wait_record(&P, node, th_ms(10000)));
	}

	/* Nobody has reported: the cities relayed, 宝鸡's counties are
	 * overdue. */
	agree(&P, t);
	HAS("\"目标单位\":6,\"已报送\":0,\"已审核\":0,\"已退回\":0,"
	    "\"逾期\":2");

	/* 凤翔 reports first: 宝鸡 (1 of 2) ranks above 西安 (0 of 2). */
	char r11[LD_ID_MAX + 1], r12[LD_ID_MAX + 1], r21[LD_ID_MAX + 1];
	ck_assert(th_wait_record(&X21, s2, th_ms(10000)));
	OK(AT(&X21, "result", "add", "--ref", s2, "--summary",
	      "水源地3处全部整改"));
	take_id(r21);
	ck_assert(th_wait_record(&P, r21, th_ms(10000)));
	agree(&P, t);
	HAS("\"已报送\":1");
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY));
	HAS("| 1 | 宝鸡市政协 610000/610300 | 3 | 1 | 1 | 0 | 0 | 1 | 0 | "
	    "50.0% |");
	HAS("| 2 | 西安市政协 610000/610100 | 3 | 1 | 0 | 0 | 0 | 0 | 2 | "
	    "0.0% |");
	HAS("| 1 | 凤翔区政协 610000/610300/610323 | 1 | 0 | 1 | 0 | 0 | 0 | "
	    "0 | 100.0% |");
	/* Among the counties at 0 %, the overdue one comes last. */
	HAS("| 4 | 太白县政协 610000/610300/610330 | 1 | 0 | 0 | 0 | 0 | 1 | "
	    "0 | 0.0% |");

	/* 临潼 and 周至 report; 西安 accepts one and returns the other. */
	ck_assert(th_wait_record(&X11, s1, th_ms(10000)));
	OK(AT(&X11, "result", "add", "--ref", s1, "--summary",
	      "排查违建12处，已拆除9处", "--metric", "违建=12"));
	take_id(r11);
	ck_assert(th_wait_record(&X12, s1, th_ms(10000)));
	OK(AT(&X12, "result", "add", "--ref", s1, "--summary", "排查完成"));
	take_id(r12);
	ck_assert(th_wait_record(&C1, r11, th_ms(10000)));
	ck_assert(th_wait_record(&C1, r12, th_ms(10000)));
	char rv11[LD_ID_MAX + 1], rv12[LD_ID_MAX + 1];
	OK(AT(&C1, "review", "add", "--ref", r11, "--verdict", "accepted"));
	take_id(rv11);
	OK(AT(&C1, "review", "add", "--ref", r12, "--verdict", "returned",
	      "--comment", "缺少违建清单"));
	take_id(rv12);
	ck_assert(th_wait_record(&P, r11, th_ms(10000)));
	ck_assert(th_wait_record(&P, r12, th_ms(10000)));
	ck_assert(th_wait_record(&P, rv11, th_ms(10000)));
	ck_assert(th_wait_record(&P, rv12, th_ms(10000)));
	agree(&P, t);
	HAS("\"目标单位\":6,\"已报送\":3,\"已审核\":1,\"已退回\":1,"
	    "\"逾期\":1");

	/* 周至 resubmits: no longer returned. */
	ck_assert(th_wait_record(&X12, rv12, th_ms(10000)));
	OK(AT(&X12, "result", "set", r12, "--summary",
	      "排查完成，附违建清单（7处）"));
	Ld__Record *v2 = th_record_at(&P, r12, 2);
	ld__record__free_unpacked(v2, NULL);
	agree(&P, t);
	HAS("\"figures\":{\"任务\":1,\"目标单位\":6,\"已报送\":3,\"已审核\":1,"
	    "\"已退回\":0,\"逾期\":1}");

	/* The ranking: 西安 (2 of 2) above 宝鸡 (1 of 2); 太白 last. */
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY));
	HAS("# 陕西省政协 督办进度（三级联动汇总）");
	HAS("| 1 | 西安市政协 610000/610100 | 3 | 1 | 2 | 1 | 0 | 0 | 0 | "
	    "100.0% |");
	HAS("| 2 | 宝鸡市政协 610000/610300 | 3 | 1 | 1 | 0 | 0 | 1 | 0 | "
	    "50.0% |");
	BEFORE("| 1 | 临潼区政协 610000/610100/610115 |",
	       "| 4 | 太白县政协 610000/610300/610330 | 1 | 0 | 0 | 0 | 0 | 1 "
	       "| 0 | 0.0% |");
	HAS("| 2 | 周至县政协 610000/610100/610122 | 1 | 0 | 1 | 0 | 0 | 0 | "
	    "0 | 100.0% |");
	HAS("| 已重报 |");
	HAS("| 逾期 | 2026-11-01 |");
	/* Every office's state, as progress has it. */
	HAS("| 已转办 | 2026-12-31 |");

	/* The same in CSV and HTML. */
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--format",
	      "csv"));
	HAS("1,西安市政协 610000/610100,3,1,2,1,0,0,0,100.0%\r\n");
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--format",
	      "html"));
	HAS("<dd data-figure=\"已报送\">3</dd>");

	/* year=: only root tasks due that year. */
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--set",
	      "year=2026", "--format", "json"));
	HAS("\"任务\":1,\"目标单位\":6");
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--set",
	      "year=2025", "--format", "json"));
	HAS("\"任务\":0,");

	/* --year says the same as year=: progress reads every record of
	 * a family whatever the run's year (the host's progress), so --year
	 * no longer splits a task from its offices, results and reviews. */
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--year",
	      "2026", "--format", "json"));
	HAS("\"figures\":{\"任务\":1,\"目标单位\":6,\"已报送\":3,\"已审核\":1,"
	    "\"已退回\":0,\"逾期\":1}");
	OK(AT(&P, "report", "supervision", "--set", "today=" TODAY, "--year",
	      "2025", "--format", "json"));
	HAS("\"任务\":0,");

	/* Bad settings. */
	bad_setting(&P, "supervision", "today=2026-13-01",
	            "supervision: ERROR: today = '2026-13-01': not a date");
	bad_setting(&P, "supervision", "year=26", "year = '26': not a year");

	for (size_t i = 7; i-- > 0;)
		ck_assert_int_eq(th_node_stop(all[i]), 0);
}
END_TEST

/* ----------------------------------------------------------------
 * plan-execution */

#define Q_ID "530000/530300"
#define F_ID "530000/530300/530325"
#define XW_ID "530000/530300/530381"

/* Set plan `pl`'s item `n` to each status in turn. */
static void
item_status(struct th_node *nd, const char *pl, const char *n,
            const char *const *st)
{
	for (; *st != NULL; st++)
		OK(AT(nd, "plan", "item", "set", pl, n, "--status", *st));
}

START_TEST(test_plan_execution)
{
	/* A city and two counties, a tree of their own. */
	static struct th_node Q, F, XW;
	th_set_insecure(true);
	th_node_init(&Q, "q", Q_ID, "曲靖市政协", true, NULL, CONF);
	th_node_init(&F, "f", F_ID, "富源县政协", false, &Q, NULL);
	th_node_init(&XW, "xw", XW_ID, "宣威市政协", false, &Q, NULL);
	th_node_start(&Q);
	th_node_start(&F);
	th_node_start(&XW);
	static const char *const held[] = {"held", NULL};
	static const char *const submitted[] = {"held", "outcome_submitted",
	                                        NULL};
	static const char *const cancelled[] = {"cancelled", NULL};

	/* 曲靖: 3 planned (and one cancelled), 专题协商 held once. */
	char pq[LD_ID_MAX + 1], pf[LD_ID_MAX + 1], pf25[LD_ID_MAX + 1],
	    px[LD_ID_MAX + 1];
	OK(AT(&Q, "plan", "add", "--year", "2026", "--title", "2026年协商计划",
	      "--item", "专题协商|3|营商环境", "--item", "专题协商|9|乡村振兴",
	      "--item", "对口协商|5|城乡教育", "--item",
	      "界别协商|6|民营经济"));
	take_id(pq);
	item_status(&Q, pq, "1", held);
	item_status(&Q, pq, "3", submitted);
	item_status(&Q, pq, "4", cancelled);
	/* 富源: 专题协商 held twice; and a plan of 2025. */
	OK(AT(&F, "plan", "add", "--year", "2026", "--title", "2026年协商计划",
	      "--item", "专题协商|4|煤矿安全", "--item",
	      "专题协商|7|高原特色农业", "--item", "对口协商|8|提案办理"));
	take_id(pf);
	item_status(&F, pf, "1", held);
	item_status(&F, pf, "2", held);
	OK(AT(&F, "plan", "add", "--year", "2025", "--title", "2025年协商计划",
	      "--item", "专题协商|3|旧议题"));
	take_id(pf25);
	item_status(&F, pf25, "1", held);
	/* 宣威: 专题协商 held once; a month not fixed yet. */
	OK(AT(&XW, "plan", "add", "--year", "2026", "--title", "2026年协商计划",
	      "--item", "专题协商|5|火腿产业", "--item",
	      "提案办理协商||重点提案"));
	take_id(px);
	item_status(&XW, px, "1", held);
	Ld__Record *r = th_record_at(&Q, pf, 3);
	ld__record__free_unpacked(r, NULL);
	r = th_record_at(&Q, pf25, 2);
	ld__record__free_unpacked(r, NULL);
	r = th_record_at(&Q, px, 2);
	ld__record__free_unpacked(r, NULL);

	/* 2026 (the latest): 8 planned, 5 held; 专题协商 at least 2 each:
	 * 曲靖 and 宣威 held one. */
	OK(AT(&Q, "report", "plan-execution", "--set", "min.专题协商=2",
	      "--format", "json"));
	HAS("\"figures\":{\"计划\":8,\"已举行\":5,\"执行率\":0.625,"
	    "\"未达标单位\":2}");
	OK(AT(&Q, "report", "plan-execution", "--set", "min.专题协商=2"));
	HAS("# 曲靖市政协 2026年协商计划执行情况");
	HAS("| 曲靖市政协 530000/530300 | 3 | 2 | 66.7% | 1/2 | 1/1 |");
	HAS("| 富源县政协 530000/530300/530325 | 3 | 2 | 66.7% | 2/2 | 0/1 |");
	HAS("| 专题协商 | 5 | 4 | 80.0% | 2 |");
	HAS("| 对口协商 | 2 | 1 | 50.0% | — |");
	HAS("| 3月 | 1 | 1 |");
	HAS("| 未定 | 1 | 0 |");
	HAS("**未达标单位**");
	HAS("| 曲靖市政协 530000/530300 | 专题协商 | 2 | 1 | 1 |");
	HAS("| 宣威市政协 530000/530300/530381 | 专题协商 | 2 | 1 | 1 |");
	LACKS("| 富源县政协 530000/530300/530325 | 专题协商 |");
	/* --year 2026 reads the same plans. */
	OK(AT(&Q, "report", "plan-execution", "--year", "2026", "--set",
	      "min.专题协商=2", "--format", "json"));
	HAS("\"计划\":8,\"已举行\":5");
	/* min.forms: a form nobody planned must be held too. */
	OK(AT(&Q, "report", "plan-execution", "--set", "min.专题协商=1",
	      "--set", "min.forms=专题协商，双月协商", "--set",
	      "min.双月协商=1", "--format", "json"));
	HAS("\"未达标单位\":3}");
	OK(AT(&Q, "report", "plan-execution", "--set", "min.专题协商=1"));
	HAS("各市、县均已达到最低要求");
	/* Without a rule, nobody falls short. */
	OK(AT(&Q, "report", "plan-execution", "--format", "json"));
	HAS("\"未达标单位\":0}");
	/* year=2025: 富源's one plan; the others planned nothing. */
	OK(AT(&Q, "report", "plan-execution", "--set", "year=2025", "--set",
	      "min.专题协商=2"));
	HAS("# 曲靖市政协 2025年协商计划执行情况");
	HAS("| 富源县政协 530000/530300/530325 | 1 | 1 | 100.0% | 1/1 |");
	HAS("| 曲靖市政协 530000/530300 | 0 | 0 | — | 0/0 |");
	HAS("| 宣威市政协 530000/530300/530381 | 专题协商 | 2 | 0 | 2 |");
	/* A county over its own plans. */
	OK(AT(&Q, "report", "plan-execution", "--scope", F_ID, "--format",
	      "json"));
	HAS("\"计划\":3,\"已举行\":2");

	bad_setting(&Q, "plan-execution", "min.专题协商=abc",
	            "plan-execution: ERROR: min.专题协商 = 'abc': not a whole "
	            "number");
	bad_setting(&Q, "plan-execution", "min.forms=双月协商",
	            "min.forms lists 双月协商, but min.双月协商 is not set");
	ck_assert_int_eq(th_node_stop(&XW), 0);
	ck_assert_int_eq(th_node_stop(&F), 0);
	ck_assert_int_eq(th_node_stop(&Q), 0);
}
END_TEST

/* ---------------------------------------------------------------- grassroots
 */

#define LC_ID "530000/530900"
#define ZK_ID "530000/530900/530924"
#define CY_ID "530000/530900/530927"

START_TEST(test_grassroots)
{
	/* Lincang and two border counties. */
	static struct th_node L, ZK, CY;
	th_set_insecure(true);
	th_node_init(&L, "l", LC_ID, "临沧市政协", true, NULL, CONF);
	th_node_init(&ZK, "zk", ZK_ID, "镇康县政协", false, &L, CONF);
	th_node_init(&CY, "cy", CY_ID, "沧源佤族自治县政协", false, &L, NULL);
	th_node_start(&L);
	th_node_start(&ZK);
	th_node_start(&CY);
	char t[LD_ID_MAX + 1];
	OK(AT(&L, "task", "add", "--topic", "协商在基层试点", "--form",
	      "跟踪问效", "--scope", ZK_ID, "--scope", CY_ID, "--due",
	      "2026-12-31"));
	take_id(t);
	ck_assert(th_wait_record(&ZK, t, th_ms(10000)));
	ck_assert(th_wait_record(&CY, t, th_ms(10000)));

	/* 镇康: two results of the brand (one under the aliases), one
	 * not; 沧源: one. */
	char r1[LD_ID_MAX + 1], r2[LD_ID_MAX + 1], r3[LD_ID_MAX + 1],
	    r4[LD_ID_MAX + 1];
	OK(AT(&ZK, "result", "add", "--ref", t, "--summary", "边境村协商议事",
	      "--metric", "议事场所=3", "--metric", "协商活动=5", "--metric",
	      "解决问题=12"));
	take_id(r1);
	OK(AT(&ZK, "result", "add", "--ref", t, "--summary", "通讯信号盲区",
	      "--metric", "协商议事活动=2", "--metric", "解决民生难题=1"));
	take_id(r2);
	OK(AT(&ZK, "result", "add", "--ref", t, "--summary", "违建排查",
	      "--metric", "违建=4"));
	take_id(r3);
	OK(AT(&CY, "result", "add", "--ref", t, "--summary", "边民互市管理",
	      "--metric", "议事场所=4", "--metric", "协商活动=1", "--metric",
	      "解决问题=3"));
	take_id(r4);

	/* Lincang answers 镇康's first and 沧源's (any verdict counts). */
	ck_assert(th_wait_record(&L, r1, th_ms(10000)));
	ck_assert(th_wait_record(&L, r2, th_ms(10000)));
	ck_assert(th_wait_record(&L, r3, th_ms(10000)));
	ck_assert(th_wait_record(&L, r4, th_ms(10000)));
	char v1[LD_ID_MAX + 1], v4[LD_ID_MAX + 1];
	OK(AT(&L, "review", "add", "--ref", r1, "--verdict", "accepted"));
	take_id(v1);
	OK(AT(&L, "review", "add", "--ref", r4, "--verdict", "returned",
	      "--comment", "请补充问卷验证"));
	take_id(v4);

	OK(AT(&L, "report", "grassroots", "--format", "json"));
	HAS("\"figures\":{\"成果\":3,\"议事场所\":7,\"协商活动\":8,"
	    "\"解决问题\":16,\"双反馈一验证完成率\":0.6666666666666666}");
	OK(AT(&L, "report", "grassroots", "--set", "min_sessions=2"));
	HAS("# 临沧市政协 协商在基层");
	HAS("| 镇康县政协 530000/530900/530924 | 2 | 3 | 7 | 13 | 1 | 50.0% | "
	    "达标 |");
	HAS("| 沧源佤族自治县政协 530000/530900/530927 | 1 | 4 | 1 | 3 | 1 | "
	    "100.0% | 未达标 |");
	HAS("| 合计 | 3 | 7 | 8 | 16 | 2 | 66.7% | — |");
	OK(AT(&L, "report", "grassroots", "--year", "2026", "--format",
	      "json"));
	HAS("\"成果\":3,");

	/* At 镇康: its own results, and Lincang's review of them. */
	ck_assert(th_wait_record(&ZK, v1, th_ms(10000)));
	OK(AT(&ZK, "report", "grassroots", "--format", "json"));
	HAS("\"figures\":{\"成果\":2,\"议事场所\":3,\"协商活动\":7,"
	    "\"解决问题\":13,\"双反馈一验证完成率\":0.5}");

	bad_setting(&L, "grassroots", "min_sessions=abc",
	            "grassroots: ERROR: min_sessions = 'abc': not a whole "
	            "number");
	ck_assert_int_eq(th_node_stop(&CY), 0);
	ck_assert_int_eq(th_node_stop(&ZK), 0);
	ck_assert_int_eq(th_node_stop(&L), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("plugins");
	TCase *tc = tcase_create("plugins");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_supervision);
	tcase_add_test(tc, test_plan_execution);
	tcase_add_test(tc, test_grassroots);
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
