/* vocab.c — tables of the forms, verdicts, outcomes and satisfaction terms
 * users type, with aliases. */
#include "vocab.h"

#include <stdio.h>
#include <string.h>

/* Each row: canonical name first, then aliases, NULL-terminated. */
#define ROW(...) {__VA_ARGS__, NULL}
typedef const char *row_t[6];

static const row_t task_forms[] = {
	ROW("监督性视察", "inspection", "视察"),
	ROW("明查暗访", "unannounced"),
	ROW("问卷调查", "questionnaire"),
	ROW("民主评议", "appraisal"),
	ROW("提案督办", "proposal-followup", "督办"),
	ROW("跟踪问效", "follow-up"),
	{NULL},
};

static const row_t survey_forms[] = {
	ROW("调研", "survey", "research"),
	ROW("视察", "inspection"),
	ROW("联合调研", "joint-survey", "joint"),
	{NULL},
};

static const row_t plan_forms[] = {
	ROW("专题协商", "topical", "专题"),
	ROW("对口协商", "counterpart", "对口"),
	ROW("界别协商", "sector", "界别"),
	ROW("对口界别协商", "counterpart-sector", "对口/界别协商",
	    "对口协商和界别协商"),
	ROW("提案办理协商", "proposal", "提案办理"),
	ROW("双月协商", "bimonthly", "双月"),
	ROW("重点协商", "key", "重点"),
	ROW("其他", "other"),
	{NULL},
};

static const row_t verdicts[] = {
	ROW("accepted", "通过", "采纳"),
	ROW("returned", "退回"),
	ROW("rectify", "整改"),
	{NULL},
};

/* 办理结果: A 所提问题已经解决或基本解决, B 正在解决或已列入计划逐步解决,
 * C 因条件限制或其他原因暂时不能解决. */
static const row_t outcomes[] = {
	ROW("A", "solved", "a", "A类"),
	ROW("B", "in-progress", "b", "B类"),
	ROW("C", "not-now", "c", "C类"),
	{NULL},
};

static const row_t satisfaction[] = {
	ROW("满意", "satisfied"),
	ROW("基本满意", "fair", "basically-satisfied"),
	ROW("不满意", "dissatisfied"),
	{NULL},
};

/* What an office above its writer does with a 社情民意信息. */
static const row_t opinion_actions[] = {
	ROW("adopted", "采用", "adopt"),
	ROW("forwarded", "报送", "forward", "上报"),
	ROW("instructed", "批示", "instruct"),
	{NULL},
};

/* 履职: the activities a member's duty entry records. 五个一 asks each
 * member for a 提案, a 社情民意, a 调研, a 建议 and a 实事 a year. */
static const row_t activities[] = {
	ROW("调研", "survey", "research"),
	ROW("视察", "inspection"),
	ROW("协商", "consultation"),
	ROW("会议", "meeting"),
	ROW("培训", "training", "学习培训"),
	ROW("提案", "proposal"),
	ROW("社情民意", "opinion", "社情民意信息"),
	ROW("建议", "suggestion"),
	ROW("实事", "deed", "好事实事"),
	{NULL},
};

static const row_t *const tables[LD_VOCAB_COUNT] = {
	[LD_VOCAB_TASK_FORM] = task_forms,
	[LD_VOCAB_SURVEY_FORM] = survey_forms,
	[LD_VOCAB_PLAN_FORM] = plan_forms,
	[LD_VOCAB_VERDICT] = verdicts,
	[LD_VOCAB_OUTCOME] = outcomes,
	[LD_VOCAB_SATISFACTION] = satisfaction,
	[LD_VOCAB_OPINION_ACTION] = opinion_actions,
	[LD_VOCAB_ACTIVITY] = activities,
};

const char *
ld_vocab_lookup(enum ld_vocab v, const char *in)
{
	if ((unsigned)v >= LD_VOCAB_COUNT || in == NULL)
		return NULL;
	for (const row_t *r = tables[v]; (*r)[0] != NULL; r++)
		for (int i = 0; i < 6 && (*r)[i] != NULL; i++)
			if (strcmp((*r)[i], in) == 0)
				return (*r)[0];
	return NULL;
}

int
ld_vocab_index(enum ld_vocab v, const char *in)
{
	const char *c = ld_vocab_lookup(v, in);
	if (c == NULL)
		return -1;
	int i = 0;
	for (const row_t *r = tables[v]; (*r)[0] != c; r++)
		i++;
	return i;
}

const char *
ld_vocab_term(enum ld_vocab v, size_t i)
{
	if ((unsigned)v >= LD_VOCAB_COUNT)
		return NULL;
	for (const row_t *r = tables[v]; (*r)[0] != NULL; r++, i--)
		if (i == 0)
			return (*r)[0];
	return NULL;
}

/* Has `s` a byte outside ASCII (a Chinese word)? */
static int
non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

const char *
ld_vocab_label(enum ld_vocab v, const char *term)
{
	if ((unsigned)v >= LD_VOCAB_COUNT || term == NULL)
		return term;
	for (const row_t *r = tables[v]; (*r)[0] != NULL; r++) {
		if (strcmp((*r)[0], term) != 0)
			continue;
		for (int i = 0; i < 6 && (*r)[i] != NULL; i++)
			if (non_ascii((*r)[i]))
				return (*r)[i];
		return term;
	}
	return term;
}

const char *
ld_vocab_describe(enum ld_vocab v)
{
	/* Built once per table; the daemon and the CLI are single-threaded. */
	static char buf[LD_VOCAB_COUNT][512];
	if ((unsigned)v >= LD_VOCAB_COUNT)
		return "";
	char *b = buf[v];
	if (b[0] != '\0')
		return b;
	size_t off = 0;
	for (const row_t *r = tables[v]; (*r)[0] != NULL; r++) {
		const char *name = (*r)[0], *alias = (*r)[1];
		int w = snprintf(b + off, sizeof(buf[v]) - off, "%s%s%s%s%s",
		                 off == 0 ? "" : ", ", name,
		                 alias ? " (" : "", alias ? alias : "",
		                 alias ? ")" : "");
		if (w < 0 || (size_t)w >= sizeof(buf[v]) - off)
			break;
		off += (size_t)w;
	}
	return b;
}

const char *
ld_vocab_level_for_depth(int depth)
{
	switch (depth) {
	case 1:
		return "province";
	case 2:
		return "city";
	case 3:
		return "county";
	case 4:
		return "township";
	default:
		return "group";
	}
}
