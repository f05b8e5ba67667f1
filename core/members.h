/* members.h — 委员履职: the counting rules of a member's year. Which
 * duty entries count for a member, who is active and who is new, who
 * took part (参与率), who was trained (培训覆盖率, also of new members),
 * and how far a member is short of the quota (五个一 by default). The
 * report host hands the result to plugins (the SDK's `members`), so the
 * `members` report and every other caller count alike. docs/workflows.md
 * ("Counting rules") says the same in words. Pure. */
#ifndef LD_MEMBERS_H
#define LD_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

/* The activities of a duty entry, in the order of LD_VOCAB_ACTIVITY. */
enum ld_activity {
	LD_ACTIVITY_SURVEY,       /* 调研 */
	LD_ACTIVITY_INSPECTION,   /* 视察 */
	LD_ACTIVITY_CONSULTATION, /* 协商 */
	LD_ACTIVITY_MEETING,      /* 会议 */
	LD_ACTIVITY_TRAINING,     /* 培训 */
	LD_ACTIVITY_PROPOSAL,     /* 提案 */
	LD_ACTIVITY_OPINION,      /* 社情民意 */
	LD_ACTIVITY_SUGGESTION,   /* 建议 */
	LD_ACTIVITY_DEED,         /* 实事 */
	LD_ACTIVITY_COUNT
};

/* 五个一: 每位委员每年撰写一份提案、反映一条社情民意、参加一次调研、
 * 提出一条建议、办好一件实事. */
#define LD_QUOTA_DEFAULT "提案=1,社情民意=1,调研=1,建议=1,实事=1"

/* How many entries of each activity a member owes a year. */
struct ld_quota {
	uint32_t want[LD_ACTIVITY_COUNT];
};

/* The canonical (Chinese) name of activity `a`, or NULL past the last. */
const char *ld_activity_name(unsigned a);

/* Parse "ACTIVITY=N,ACTIVITY=N ..." (activities in any spelling of the
 * vocabulary, N 0..100; NULL or "" is LD_QUOTA_DEFAULT). Returns 0, or
 * LD_EREFUSED with "quota: ..." in `err`. */
int ld_quota_parse(const char *spec, struct ld_quota *q, char *err,
                   size_t errlen);

/* One member's year. Strings are copies, owned by struct ld_members. */
struct ld_member_year {
	char *id, *office, *name, *sector, *committee, *group, *term, *status;
	bool active;   /* status active (在任): the denominators */
	bool is_new;   /* 新任委员: marked new, or joined in the year counted */
	uint32_t count[LD_ACTIVITY_COUNT];
	uint32_t entries;  /* duty entries naming the member in the year */
	bool took_part;    /* active with at least one entry: 参与 */
	bool trained;      /* active with a 培训 entry */
	uint32_t short_of; /* entries the quota still asks for (active only) */
};

struct ld_members {
	uint32_t year; /* 0 = every year */
	struct ld_quota quota;
	struct ld_member_year *v;
	size_t n, cap;
	bool sorted;
};

void ld_members_init(struct ld_members *m, uint32_t year,
                     const struct ld_quota *q);
void ld_members_free(struct ld_members *m);

/* Add MEMBER record `r` (a tombstone or another kind is ignored; all
 * members are added before the first duty). Returns 0 or -ENOMEM. */
int ld_members_add_member(struct ld_members *m, const Ld__Record *r);

/* Count DUTY record `r` for each member it names that was added, if it
 * is live and counts for m->year (ld_rule_year). */
void ld_members_add_duty(struct ld_members *m, const Ld__Record *r);

/* Decide took_part, trained and short_of, and order the members by
 * office, then by id counter. */
void ld_members_finish(struct ld_members *m);

/* What member `y` lacks of the quota, "建议 1, 实事 1", into buf ("" if
 * nothing). */
void ld_members_missing(const struct ld_members *m,
                        const struct ld_member_year *y, char *buf,
                        size_t len);

/* Sums over members: 参与率 = took_part ÷ active, 培训覆盖率 = trained ÷
 * active, 新任委员培训覆盖率 = new_trained ÷ new_active. */
struct ld_member_tally {
	uint64_t members, active, took_part, trained, new_active, new_trained,
	    short_;
};
void ld_member_tally_add(struct ld_member_tally *t,
                         const struct ld_member_year *y);

/* The tally of every live MEMBER record of `recs` with the duty entries
 * of `recs` that count for `year` (0 = every year), counted as the
 * `members` report counts them (init, add_member, add_duty, finish;
 * quota 五个一): 委员参与率 for `liandong figures`. Returns 0 or
 * -ENOMEM. */
int ld_members_tally_of(Ld__Record *const *recs, size_t n, uint32_t year,
                        struct ld_member_tally *out);

#endif
