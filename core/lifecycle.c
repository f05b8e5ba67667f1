/* lifecycle.c — the tables of statuses and allowed transitions. */
#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

#define NEXT_MAX 4

struct state {
	const char *name, *label;
	bool open;
	const char *next[NEXT_MAX]; /* NULL-terminated when shorter */
};

/* 民主监督任务 */
static const struct state task[] = {
	{"draft", "草稿", true, {"dispatched", "cancelled"}},
	{"dispatched", "已下发", true, {"in_progress", "cancelled"}},
	{"in_progress", "办理中", true, {"reported", "cancelled"}},
	{"reported", "已上报", true, {"reviewed", "cancelled"}},
	{"reviewed", "已审核", true, {"rectifying", "closed", "cancelled"}},
	{"rectifying", "整改中", true, {"closed", "cancelled"}},
	{"closed", "已办结", false, {NULL}},
	{"cancelled", "已取消", false, {NULL}},
	{NULL, NULL, false, {NULL}},
};

/* 调研 / 视察 / 联合调研 */
static const struct state survey[] = {
	{"planned", "计划中", true, {"in_field", "cancelled"}},
	{"in_field", "实地开展", true, {"reporting", "cancelled"}},
	{"reporting", "撰写报告", true, {"closed", "cancelled"}},
	{"closed", "已结束", false, {NULL}},
	{"cancelled", "已取消", false, {NULL}},
	{NULL, NULL, false, {NULL}},
};

/* 协商计划 items */
static const struct state plan_item[] = {
	{"planned", "计划中", true, {"held", "deferred", "cancelled"}},
	{"held", "已举行", true, {"outcome_submitted"}},
	{"outcome_submitted", "成果已报送", true, {"adopted"}},
	{"adopted", "已采纳", false, {NULL}},
	{"deferred", "延期", true, {"planned", "held", "cancelled"}},
	{"cancelled", "已取消", false, {NULL}},
	{NULL, NULL, false, {NULL}},
};

/* 成果: a submitted result is revised only when a review reopens it (the
 * owner node checks that against its store). */
static const struct state result[] = {
	{"draft", "草稿", true, {"submitted"}},
	{"submitted", "已提交", true, {NULL}},
	{NULL, NULL, false, {NULL}},
};

/* 提案 */
static const struct state proposal[] = {
	{"submitted", "已提交", true, {"filed", "not_filed"}},
	{"filed", "已立案", true, {"assigned"}},
	{"not_filed", "不予立案", true, {"closed"}},
	{"assigned", "已交办", true, {"replied"}},
	{"replied", "已答复", true, {"evaluated"}},
	{"evaluated", "已测评", true, {"closed"}},
	{"closed", "已办结", false, {NULL}},
	{NULL, NULL, false, {NULL}},
};

/* 委员: a member serves (在任) until leaving the committee (离任) or
 * being adjusted out of it (已调整: 无正当理由经常不参加政协活动的委员
 * 按程序进行调整). Either end is final: a member who comes back is a new
 * MEMBER record. */
static const struct state member[] = {
	{"active", "在任", true, {"left", "adjusted"}},
	{"left", "离任", false, {NULL}},
	{"adjusted", "已调整", false, {NULL}},
	{NULL, NULL, false, {NULL}},
};

static const struct state *const machines[LD_SM_COUNT] = {
	[LD_SM_TASK] = task,           [LD_SM_SURVEY] = survey,
	[LD_SM_PLAN_ITEM] = plan_item, [LD_SM_RESULT] = result,
	[LD_SM_PROPOSAL] = proposal,
	[LD_SM_MEMBER] = member,
};

static const char *const names[LD_SM_COUNT] = {
	[LD_SM_TASK] = "task",           [LD_SM_SURVEY] = "survey",
	[LD_SM_PLAN_ITEM] = "plan item", [LD_SM_RESULT] = "result",
	[LD_SM_PROPOSAL] = "proposal",
	[LD_SM_MEMBER] = "member",
};

static const struct state *
find(enum ld_machine m, const char *s)
{
	if ((unsigned)m >= LD_SM_COUNT || s == NULL)
		return NULL;
	for (const struct state *st = machines[m]; st->name != NULL; st++)
		if (strcmp(st->name, s) == 0 || strcmp(st->label, s) == 0)
			return st;
	return NULL;
}

const char *
ld_status_lookup(enum ld_machine m, const char *in)
{
	const struct state *st = find(m, in);
	return st ? st->name : NULL;
}

const char *
ld_status_label(enum ld_machine m, const char *s)
{
	const struct state *st = find(m, s);
	return st ? st->label : s;
}

const char *
ld_status_default(enum ld_machine m)
{
	switch (m) {
	case LD_SM_TASK:
		return "dispatched";
	case LD_SM_RESULT:
	case LD_SM_PROPOSAL:
		return "submitted";
	case LD_SM_MEMBER:
		return "active";
	default:
		return "planned";
	}
}

bool
ld_status_open(enum ld_machine m, const char *s)
{
	const struct state *st = find(m, s);
	return st != NULL && st->open;
}

bool
ld_status_can(enum ld_machine m, const char *from, const char *to)
{
	const struct state *f = find(m, from), *t = find(m, to);
	if (f == NULL || t == NULL)
		return false;
	if (f == t)
		return f->open;
	for (int i = 0; i < NEXT_MAX && f->next[i] != NULL; i++)
		if (strcmp(f->next[i], t->name) == 0)
			return true;
	return false;
}

const char *
ld_status_at(enum ld_machine m, size_t i)
{
	if ((unsigned)m >= LD_SM_COUNT)
		return NULL;
	for (const struct state *st = machines[m]; st->name != NULL; st++, i--)
		if (i == 0)
			return st->name;
	return NULL;
}

const char *
ld_status_next_at(enum ld_machine m, const char *from, size_t i)
{
	const struct state *f = find(m, from);
	if (f == NULL || i >= NEXT_MAX)
		return NULL;
	return f->next[i];
}

int
ld_machine_by_name(const char *name)
{
	for (int m = 0; m < LD_SM_COUNT; m++)
		if (name != NULL && strcmp(names[m], name) == 0)
			return m;
	return -1;
}

void
ld_status_next(enum ld_machine m, const char *from, char *buf, size_t len)
{
	const struct state *f = find(m, from);
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; f != NULL && i < NEXT_MAX && f->next[i] != NULL;
	     i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
		                 f->next[i]);
		if (w < 0 || (size_t)w >= len - off)
			return;
		off += (size_t)w;
	}
	if (off == 0)
		snprintf(buf, len, "none (%s is final)", from);
}

const char *
ld_status_describe(enum ld_machine m)
{
	/* Built once per machine; the daemon and the CLI are
	 * single-threaded. */
	static char buf[LD_SM_COUNT][512];
	if ((unsigned)m >= LD_SM_COUNT)
		return "";
	char *b = buf[m];
	if (b[0] != '\0')
		return b;
	size_t off = 0;
	for (const struct state *st = machines[m]; st->name != NULL; st++) {
		int w = snprintf(b + off, sizeof(buf[m]) - off, "%s%s (%s)",
		                 off ? ", " : "", st->name, st->label);
		if (w < 0 || (size_t)w >= sizeof(buf[m]) - off)
			break;
		off += (size_t)w;
	}
	return b;
}

const char *
ld_machine_name(enum ld_machine m)
{
	return (unsigned)m < LD_SM_COUNT ? names[m] : "?";
}
