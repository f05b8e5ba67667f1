/* fielderr.c — the node's English refusals, read for a person: which form
 * field each belongs to and a Chinese sentence (fielderr.h). The shapes
 * are those validate.c, lifecycle.c, record.c, attach.c, path.c, text.c
 * and the daemon (api.c, own.c) write; anything else stays English. */
#include "fielderr.h"
#include "labels.h"
#include "lifecycle.h"
#include "record.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NCAP 4
#define CAP 400

typedef char caps_t[NCAP][CAP];

/* Does `s` match `pat`, each '*' standing for some text, captured in
 * order into cap? A '*' before more pattern takes the shortest span up
 * to the literal text that follows it; a '*' before the pattern's last
 * literal takes everything up to that literal at the very end. */
static bool
match(const char *s, const char *pat, caps_t cap)
{
	int k = 0;
	while (*pat != '\0') {
		if (*pat != '*') {
			if (*s != *pat)
				return false;
			s++, pat++;
			continue;
		}
		pat++;
		const char *star = strchr(pat, '*');
		size_t lit = star ? (size_t)(star - pat) : strlen(pat);
		const char *end;
		if (lit == 0) {
			end = s + strlen(s);
		} else if (star == NULL) {
			size_t n = strlen(s);
			if (n < lit || strcmp(s + n - lit, pat) != 0)
				return false;
			end = s + n - lit;
		} else {
			char want[128];
			if (lit >= sizeof(want))
				return false;
			memcpy(want, pat, lit);
			want[lit] = '\0';
			end = strstr(s, want);
			if (end == NULL)
				return false;
		}
		if (end == s || k >= NCAP)
			return false; /* a '*' stands for something */
		snprintf(cap[k++], CAP, "%.*s", (int)(end - s), s);
		s = end;
	}
	return *s == '\0';
}

/* The Chinese name of a status machine's records ("task" → 民主监督任务). */
static const char *
machine_label(const char *name)
{
	Ld__Kind k = ld_kind_parse(name);
	if (k != LD__KIND__KIND_UNSPECIFIED)
		return ld_kind_label(k);
	return strcmp(name, "plan item") == 0 ? ld_label_field("items") : name;
}

/* "a, b, c" (statuses of machine m) as "标签、标签、标签"; "none (x is
 * final)" as "无（“标签”已是最终状态）". */
static void
status_list(int m, const char *list, char *out, size_t len)
{
	caps_t c;
	if (match(list, "none (* is final)", c)) {
		snprintf(out, len, "无（“%s”已是最终状态）",
		         ld_status_label(m, c[0]));
		return;
	}
	size_t off = 0;
	out[0] = '\0';
	const char *p = list;
	while (*p != '\0' && off < len) {
		const char *comma = strstr(p, ", ");
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char one[64];
		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		int w = snprintf(out + off, len - off, "%s%s", off ? "、" : "",
		                 ld_status_label(m, one));
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
		p += n + (comma ? 2 : 0);
	}
}

/* Words of core/ that come inside a reason (path.c, err.c, users.c). */
static const char *const words[][2] = {
    {"empty path", "路径为空"},
    {"empty path segment", "路径中有空的一段"},
    {"path deeper than 8 levels", "路径超过 8 级"},
    {"path segments may only hold A-Z a-z 0-9 _ -",
     "路径只能含 A-Z a-z 0-9 _ -"},
    {"path segment longer than 32 characters", "路径的一段超过 32 个字符"},
    {"not valid UTF-8 text", "不是有效的 UTF-8 文本"},
    {"contains a control character", "含有控制字符"},
    {"contains a bidi override", "含有双向文本控制符"},
    {"empty", "为空"},
    {"contains ':'", "含有“:”"},
    {"contains a blank (a name is one word: 张三, zhangsan)",
     "含有空白（姓名是一个词：张三、zhangsan）"},
    {"not a file name (UTF-8 text without '/')",
     "不是文件名（不含“/”的 UTF-8 文本）"},
    {"larger than 1 MiB", "超过 1 MiB"},
};

static const char *
word(const char *en)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i][0], en) == 0)
			return words[i][1];
	return NULL;
}

/* The reason after "FIELD: " in Chinese, or false if its shape is not
 * known. */
static bool
reason_zh(const char *r, char *out, size_t len)
{
	caps_t c;
	const char *w = word(r);
	int m;
	if (w != NULL)
		snprintf(out, len, "%s", w);
	else if (strcmp(r, "required") == 0)
		snprintf(out, len, "必填");
	else if (match(r, "required (one of: *)", c))
		snprintf(out, len, "必填（可选：%s）", c[0]);
	else if (match(r, "unknown '*' (one of: *)", c))
		snprintf(out, len, "没有“%s”这一项（可选：%s）", c[0], c[1]);
	else if (match(r, "'*' is not a date (YYYY-MM-DD)", c))
		snprintf(out, len, "'%s' 不是日期（YYYY-MM-DD）", c[0]);
	else if (match(r, "the * is * and can no longer change", c) &&
	         (m = ld_machine_by_name(c[0])) >= 0)
		snprintf(out, len, "该%s已是“%s”，不能再变更",
		         machine_label(c[0]), ld_status_label(m, c[1]));
	else if (match(r, "a * cannot go from * to * (allowed: *)", c) &&
	         (m = ld_machine_by_name(c[0])) >= 0) {
		char next[400];
		status_list(m, c[3], next, sizeof(next));
		snprintf(out, len, "%s不能从“%s”变为“%s”（可变为：%s）",
		         machine_label(c[0]), ld_status_label(m, c[1]),
		         ld_status_label(m, c[2]), next);
	} else if (match(r, "cannot change (it is '*')", c) ||
	           match(r, "cannot change (it is *)", c))
		snprintf(out, len, "不能修改（原为“%s”）", c[0]);
	else if (match(r, "a * flows up to every ancestor and takes no scope",
	               c))
		snprintf(out, len, "%s逐级报送给每一级上级，不设范围",
		         machine_label(c[0]));
	else if (match(r, "at least one --scope PATH is required (*)", c))
		snprintf(out, len, "至少选择一个单位");
	else if (match(r, "* is not a plausible year", c))
		snprintf(out, len, "%s 不是合理的年份", c[0]);
	else if (match(r,
	               "a plan keeps its * items (set one's status to "
	               "cancelled instead of removing it)",
	               c))
		snprintf(out, len,
		         "计划须保留原有的 %s 项（不再办的事项请把状态"
		         "改为“已取消”，不要删去）",
		         c[0]);
	else if (match(r, "* is not 1-12 (0 = not fixed)", c))
		snprintf(out, len, "%s 不在 1 到 12 之间（0 表示未定）", c[0]);
	else if (match(r, "* is before start *", c))
		snprintf(out, len, "%s 早于开始日期 %s", c[0], c[1]);
	else if (match(r, "required once a proposal is * (one of: *)", c))
		snprintf(out, len, "提案“%s”后必填（可选：%s）",
		         ld_status_label(LD_SM_PROPOSAL, c[0]), c[1]);
	else if (match(r, "more than * entries", c))
		snprintf(out, len, "超过 %s 项", c[0]);
	else if (match(r, "longer than * bytes", c))
		snprintf(out, len, "超过 %s 字节", c[0]);
	else if (match(r, "* is outside this node's subtree (*)", c))
		snprintf(out, len, "%s 不在本单位（%s）之下", c[0], c[1]);
	else if (match(r, "'*': *", c) && word(c[1]) != NULL)
		snprintf(out, len, "“%s”：%s", c[0], word(c[1]));
	else if (match(r, "no record * at this node", c))
		snprintf(out, len, "本节点没有记录 %s", c[0]);
	else if (match(r, "* was deleted", c))
		snprintf(out, len, "%s 已被删除", c[0]);
	else if (match(r, "* is a *, not a task, survey or plan", c))
		snprintf(out, len, "%s 是%s，不是任务、调研或计划", c[0],
		         machine_label(c[1]));
	else if (match(r, "* is a *, not a task", c))
		snprintf(out, len, "%s 是%s，不是任务", c[0],
		         machine_label(c[1]));
	else if (match(r, "* is a *, not a result", c))
		snprintf(out, len, "%s 是%s，不是成果", c[0],
		         machine_label(c[1]));
	else if (match(r,
	               "task * is not addressed to this node; a sub-task "
	               "derives from a task this node received or owns",
	               c))
		snprintf(out, len,
		         "任务 %s 不是下发给本单位的：转办只能基于本"
		         "单位收到或发出的任务",
		         c[0]);
	else if (match(r,
	               "result * is owned by *, which is not below this "
	               "node",
	               c))
		snprintf(out, len, "成果 %s 属于 %s，不是本单位的下级", c[0],
		         c[1]);
	else if (match(r,
	               "opinion * is owned by *, which is not below this "
	               "node",
	               c))
		snprintf(out, len,
		         "社情民意 %s 属于 %s，不是本单位的下级：本单位"
		         "不能处理自己的或不在下级的社情民意",
		         c[0], c[1]);
	else if (match(r,
	               "opinion * has not reached this node: * has not "
	               "forwarded it (报送)",
	               c))
		snprintf(out, len,
		         "社情民意 %s 尚未到达本单位：%s 还没有报送", c[0],
		         c[1]);
	else if (match(r, "* is a *, not an opinion", c))
		snprintf(out, len, "%s 是%s，不是社情民意", c[0],
		         machine_label(c[1]));
	else if (match(r,
	               "required for a 批示 (instructed): the leader who "
	               "wrote it",
	               c))
		snprintf(out, len, "批示须填写作出批示的领导");
	else if (strcmp(r, "only a 批示 (instructed) names a leader") == 0)
		snprintf(out, len, "只有批示才填写批示领导");
	else if (match(r, "'*' is named twice", c))
		snprintf(out, len, "“%s”重复填写", c[0]);
	else if (strcmp(r, "an empty name") == 0)
		snprintf(out, len, "有一项为空");
	else if (match(r, "'*' is the submitter (联名 names the others)", c))
		snprintf(out, len, "“%s”是提案人（联名委员填提案人以外的委员）",
		         c[0]);
	else if (match(r, "'*' is the lead handler (主办); 协办 names the others",
	               c))
		snprintf(out, len, "“%s”是主办单位（协办单位填其他单位）", c[0]);
	else if (strcmp(r, "required when assisting units (协办) are named (the "
	                   "lead unit, 主办)") == 0)
		snprintf(out, len, "填了协办单位时必填（主办单位）");
	else if (strcmp(r, "required for a 重点 (key) proposal (the leader who "
	                   "supervises it, 督办)") == 0)
		snprintf(out, len, "重点提案必填（负责督办的领导）");
	else if (strcmp(r, "only a 重点 (key) proposal has a supervising leader "
	                   "(督办)") == 0)
		snprintf(out, len, "只有重点提案才填写督办领导");
	else if (match(r, "the reply deadline was extended (it is *) and stays so",
	               c))
		snprintf(out, len, "答复期限已延期（现为 %s），不能撤销", c[0]);
	else if (strcmp(r, "the proposal has no reply deadline to extend (give "
	                   "--filed-on or --deadline)") == 0)
		snprintf(out, len, "提案没有答复期限，无法延期（请填写立案日期或答复期限）");
	else if (match(r, "* is before filed_on *", c))
		snprintf(out, len, "%s 早于立案日期 %s", c[0], c[1]);
	else if (strcmp(r, "at least one member id is required") == 0)
		snprintf(out, len, "至少选择一位委员");
	else if (match(r, "'*' is not a member id (PATH:NUMBER)", c))
		snprintf(out, len, "'%s' 不是委员编号（路径:序号）", c[0]);
	else if (match(r, "'*' is not a record id (PATH:NUMBER)", c))
		snprintf(out, len, "'%s' 不是记录编号（路径:序号）", c[0]);
	else if (match(r, "no member * at this node", c))
		snprintf(out, len, "本节点没有委员 %s", c[0]);
	else if (match(r, "* is a *, not a member", c))
		snprintf(out, len, "%s 是%s，不是委员", c[0],
		         machine_label(c[1]));
	else if (match(r, "* is listed twice", c))
		snprintf(out, len, "%s 重复选择", c[0]);
	else if (match(r, "required (what the 社情民意 reports)", c))
		snprintf(out, len, "必填（社情民意反映的内容）");
	else if (match(r,
	               "required (the member, 委员, who wrote it or for "
	               "whom it is written)",
	               c))
		snprintf(out, len, "必填（撰写或反映社情民意的委员）");
	else if (match(r, "*, at most * per result", c))
		snprintf(out, len, "%s 个，每份成果最多 %s 个", c[0], c[1]);
	else if (match(r, "chunk * of * was not uploaded", c))
		snprintf(out, len, "第 %s 块（共 %s 块）未上传", c[0], c[1]);
	else if (match(r, "size: * bytes, more than 16 MiB", c))
		snprintf(out, len, "%s 字节，超过 16 MiB", c[0]);
	else if (match(r, "name: *", c) && word(c[0]) != NULL)
		snprintf(out, len, "文件名%s", word(c[0]));
	else
		return false;
	return true;
}

/* Refusals about the record as a whole (no field before them). */
static bool
whole_zh(const char *r, char *out, size_t len)
{
	caps_t c;
	if (match(r,
	          "* changed since it was read (version * now, not *): "
	          "read it again and redo the change",
	          c))
		snprintf(out, len,
		         "此记录在您打开之后已被修改（现为第 %s 版，"
		         "您打开的是第 %s 版）：请重新打开，再做修改。",
		         c[1], c[2]);
	else if (match(r,
	               "* is owned by *: only its owner changes it (answer "
	               "it with a record of this node's own: a result, a "
	               "review or a sub-task)",
	               c))
		snprintf(out, len,
		         "%s 属于 %s：只有发文单位能修改它（本单位可"
		         "以用成果、审核或转办回应它）。",
		         c[0], c[1]);
	else if (match(r,
	               "* was submitted: it can be revised only after a "
	               "review returns it (returned/退回 or "
	               "rectify/整改)",
	               c))
		snprintf(out, len, "%s 已提交：审核退回或要求整改后才能修改。",
		         c[0]);
	else if (match(r,
	               "* is this node's * record, which the node keeps "
	               "itself",
	               c))
		snprintf(out, len,
		         "%s 是本节点自己维护的%s记录，不能在此修改。", c[0],
		         machine_label(c[1]));
	else if (match(r,
	               "* cannot change any more (its version is at the "
	               "limit)",
	               c))
		snprintf(out, len, "%s 的版本已到上限，不能再修改。", c[0]);
	else if (strcmp(r, "this node has used up its record ids") == 0)
		snprintf(out, len, "本节点的记录编号已用完。");
	else if (match(r, "no record * at this node", c))
		snprintf(out, len, "本节点没有记录 %s。", c[0]);
	else if (match(r, "* was deleted", c) && strchr(c[0], ' ') == NULL)
		snprintf(out, len, "%s 已被删除。", c[0]);
	else
		return false;
	return true;
}

/* The CLI's own usage refusals (clients/cli.c), which the console
 * words the same way for the same input. */
static bool
cli_zh(const char *r, struct ld_fielderr *fe)
{
	caps_t c;
	const char *field;
	if (match(r, "year '*' is not a year", c)) {
		field = "year";
		snprintf(fe->text, sizeof(fe->text), "年度：'%s' 不是年份",
		         c[0]);
	} else if (match(r, "month '*' is not 1-12", c)) {
		field = "month";
		snprintf(fe->text, sizeof(fe->text),
		         "月份：'%s' 不在 1 到 12 之间", c[0]);
	} else if (match(r, "--metric '*' is not NAME=NUMBER", c)) {
		field = "metric";
		snprintf(fe->text, sizeof(fe->text),
		         "指标：'%s' 不是“名称=数值”", c[0]);
	} else if (match(r, "--metric *: '*' is not a number", c)) {
		field = "metric";
		snprintf(fe->text, sizeof(fe->text), "指标 %s：'%s' 不是数字",
		         c[0], c[1]);
	} else {
		return false;
	}
	snprintf(fe->field, sizeof(fe->field), "%s", field);
	return true;
}

/* Is `name` a field that messages name: one the label table knows
 * ("due", "metric name"), "item N FIELD" or "LIST.FIELD" of such? */
static bool
known_field(const char *name)
{
	caps_t c;
	if (match(name, "item * *", c))
		return strspn(c[0], "0123456789") == strlen(c[0]) &&
		       known_field(c[1]);
	const char *dot = strchr(name, '.');
	if (dot != NULL) {
		char top[64];
		snprintf(top, sizeof(top), "%.*s", (int)(dot - name), name);
		return known_field(top) && known_field(dot + 1);
	}
	return ld_label_field(name) != name;
}

void
ld_fielderr_name(const char *line, char *name, size_t len)
{
	name[0] = '\0';
	const char *sep = line != NULL ? strstr(line, ": ") : NULL;
	if (sep == NULL || sep == line || (size_t)(sep - line) >= len)
		return;
	size_t n = (size_t)(sep - line);
	bool word =
	    isalpha((unsigned char)line[0]) &&
	    strspn(line, "abcdefghijklmnopqrstuvwxyz"
	                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.[]") == n;
	memcpy(name, line, n);
	name[n] = '\0';
	if (!word && !known_field(name))
		name[0] = '\0';
}

/* The message's field name → the form input and its Chinese label. */
static void
field_of(const char *name, char *input, size_t ilen, char *label, size_t llen)
{
	static const char *const inputs[][2] = {
	    {"target", "targets"},     {"findings", "finding"},
	    {"metric name", "metric"}, {"metrics", "metric"},
	    {"participant", "scope"},  {"participants", "scope"},
	    {"attachments", "attach"},
	};
	caps_t c;
	if (match(name, "item * *", c) &&
	    strspn(c[0], "0123456789") == strlen(c[0])) {
		snprintf(input, ilen, "item-%s-%s", c[0], c[1]);
		snprintf(label, llen, "第 %s 项%s", c[0], ld_label_field(c[1]));
		return;
	}
	char top[64];
	snprintf(top, sizeof(top), "%s", name);
	char *dot = strchr(top, '.');
	if (dot != NULL)
		*dot = '\0';
	const char *in = top;
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		if (strcmp(inputs[i][0], top) == 0)
			in = inputs[i][1];
	snprintf(input, ilen, "%s", in);
	if (dot != NULL)
		snprintf(label, llen, "%s·%s", ld_label_field(top),
		         ld_label_field(dot + 1));
	else
		snprintf(label, llen, "%s", ld_label_field(name));
}

void
ld_fielderr_set(struct ld_fielderr *fe, const char *field, const char *text)
{
	snprintf(fe->field, sizeof(fe->field), "%s", field ? field : "");
	snprintf(fe->text, sizeof(fe->text), "%s", text ? text : "");
	fe->cli = NULL;
}

void
ld_fielderr_parse(const char *line, struct ld_fielderr *fe)
{
	ld_fielderr_set(fe, "", "");
	fe->cli = line;
	if (line == NULL || line[0] == '\0')
		return;
	char zh[LD_FIELDERR_TEXT - 100];
	if (cli_zh(line, fe))
		return;
	if (whole_zh(line, zh, sizeof(zh))) {
		snprintf(fe->text, sizeof(fe->text), "%s", zh);
		return;
	}
	caps_t c;
	char name[64], label[128];
	/* The CLI's "--topic is required" (clients/cli.c), said as the
	 * node's "topic: required" is. */
	if (match(line, "--* is required", c) && strlen(c[0]) < sizeof(name) &&
	    known_field(c[0])) {
		field_of(c[0], fe->field, sizeof(fe->field), label,
		         sizeof(label));
		snprintf(fe->text, sizeof(fe->text), "%s：必填", label);
		return;
	}
	/* attach.c: "attachment 2 (photo.jpg): REASON". */
	if (match(line, "attachment * (*): *", c) &&
	    strspn(c[0], "0123456789") == strlen(c[0])) {
		snprintf(fe->field, sizeof(fe->field), "attach");
		if (reason_zh(c[2], zh, sizeof(zh)))
			snprintf(fe->text, sizeof(fe->text),
			         "附件 %s（%s）：%s", c[0], c[1], zh);
		else
			snprintf(fe->text, sizeof(fe->text),
			         "附件 %s（%s）：%s", c[0], c[1], c[2]);
		return;
	}
	ld_fielderr_name(line, name, sizeof(name));
	if (name[0] == '\0' || !known_field(name)) {
		snprintf(fe->text, sizeof(fe->text), "%s", line);
		return;
	}
	field_of(name, fe->field, sizeof(fe->field), label, sizeof(label));
	const char *reason = line + strlen(name) + 2;
	if (reason_zh(reason, zh, sizeof(zh)))
		snprintf(fe->text, sizeof(fe->text), "%s：%s", label, zh);
	else
		snprintf(fe->text, sizeof(fe->text), "%s：%s", label, reason);
}
