/* vocab.h — the fixed vocabularies users type: forms of tasks, surveys and
 * plan items, verdicts, levels. Each term has a canonical (Chinese) name
 * that is stored, and aliases (short Chinese, English) that are accepted.
 * Pure. */
#ifndef LD_VOCAB_H
#define LD_VOCAB_H

#include <stddef.h>

enum ld_vocab {
	LD_VOCAB_TASK_FORM,   /* 监督性视察 明查暗访 问卷调查 民主评议 ... */
	LD_VOCAB_SURVEY_FORM, /* 调研 视察 联合调研 */
	LD_VOCAB_PLAN_FORM,   /* 专题协商 对口协商 界别协商 ... */
	LD_VOCAB_VERDICT,     /* accepted returned rectify */
	LD_VOCAB_OUTCOME,     /* A B C: how a proposal was answered */
	LD_VOCAB_SATISFACTION, /* 满意 基本满意 不满意 */
	LD_VOCAB_OPINION_ACTION, /* adopted forwarded instructed: what an
	                            office above does with a 社情民意 */
	LD_VOCAB_ACTIVITY,    /* what a duty entry records: 调研 视察 协商 会议
	                         培训 提案 社情民意 建议 实事, in the order of
	                         enum ld_activity (members.h) */
	LD_VOCAB_COUNT
};

/* The canonical term for `in` (canonical name or alias), or NULL. */
const char *ld_vocab_lookup(enum ld_vocab v, const char *in);

/* The position of `in`'s term in its vocabulary (0 for the first
 * canonical term ...), or -1 if it is none of them. */
int ld_vocab_index(enum ld_vocab v, const char *in);

/* All canonical terms with their first English alias, for error messages:
 * "监督性视察 (inspection), 明查暗访 (unannounced), ...". */
const char *ld_vocab_describe(enum ld_vocab v);

/* The i-th canonical term of `v` (0-based), or NULL past the last: for
 * a form's choices. */
const char *ld_vocab_term(enum ld_vocab v, size_t i);

/* How a person reads canonical term `term` of `v`: the term itself when
 * it is Chinese (监督性视察), else its first Chinese alias (accepted:
 * 通过, A: A类); `term` itself if it has none or is unknown. */
const char *ld_vocab_label(enum ld_vocab v, const char *term);

/* Default level label for a path depth: 1 province, 2 city, 3 county,
 * 4 township, deeper "group". */
const char *ld_vocab_level_for_depth(int depth);

#endif
