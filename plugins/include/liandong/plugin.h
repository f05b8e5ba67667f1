/* liandong/plugin.h — the report plugin SDK, ABI 1.2: the one header a report
 * plugin needs. A plugin is a shared object exporting one function,
 * ld_plugin_entry_v1, and linking against nothing of liandong's. It runs
 * in `liandong-report`, never in the daemon, and reaches the node's
 * records only through the host table it is handed.
 *
 * Build one out of tree:
 *   cc -shared -fPIC -o myreport.so myreport.c \
 *       $(pkg-config --cflags liandong-plugin)
 * Check it before installing it:
 *   liandong-report --probe myreport.so
 *
 * The ABI promise. Within ABI major 1, struct ld_host, struct ld_plugin,
 * struct ld_query and (from 1.1) struct ld_figs and struct ld_target only
 * grow at the end, and enums only gain values: a plugin built against
 * minor N runs on a host of any minor >= N, and a host runs a plugin of
 * an older minor (it reads `size` to know which fields the plugin has).
 * A plugin that needs a
 * newer host function checks `host->size` (or `host->abi_minor`) before
 * calling it. Field names of records (ld_str, ld_num ...) are those of
 * liandong.proto and are only ever added to. Anything else changes the
 * major, and the host refuses a plugin of another major. */
#ifndef LIANDONG_PLUGIN_H
#define LIANDONG_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LD_PLUGIN_MAGIC 0x4c44504cu /* "LDPL" */
#define LD_PLUGIN_ABI_MAJOR 1
#define LD_PLUGIN_ABI_MINOR 2 /* 1.1: is, figures, progress, state_name,
                                 state_label; LD_YEAR_ALL.
                                 1.2: figure_source, record_figures;
                                 the OPINION kinds; members,
                                 activity_name; LD_PK_MEMBER, LD_PK_DUTY */

/* Kinds of record (the numbers of liandong.proto's Kind). */
enum ld_plugin_kind {
	LD_PK_ANY = 0,
	LD_PK_NODE = 1,     /* 节点: an office */
	LD_PK_PLAN = 2,     /* 协商计划 */
	LD_PK_SURVEY = 3,   /* 调研 / 视察 / 联合调研 */
	LD_PK_TASK = 4,     /* 民主监督任务 */
	LD_PK_RESULT = 5,   /* 成果 / 上报 */
	LD_PK_REVIEW = 6,   /* 审核 / 反馈 */
	LD_PK_PROPOSAL = 7, /* 提案 */
	LD_PK_REPORT = 8,   /* 报表 */
	LD_PK_MEMBER = 10,  /* 委员 (ABI 1.2) */
	LD_PK_DUTY = 11,    /* 履职记录 (ABI 1.2) */
	LD_PK_OPINION = 12, /* 社情民意信息 (ABI 1.2) */
	LD_PK_OPINION_ACTION = 13, /* 采用 / 报送 / 批示 of one (ABI 1.2) */
};

enum ld_plugin_log { LD_PL_ERROR = 0, LD_PL_WARN = 1, LD_PL_INFO = 2 };

/* ld_query.year: every year, whatever the run's year (ABI 1.1; a 1.0
 * host would read it as a year and find nothing). */
#define LD_YEAR_ALL 0xffffffffu

/* The rules `is` tests (ABI 1.1). liandong decides them in one place
 * (core/rules.c), for `liandong figures` and every report alike. */
enum ld_plugin_rule {
	LD_RULE_PLANNED = 1,   /* a plan item counts as planned: any status
	                          but cancelled */
	LD_RULE_HELD = 2,      /* a plan item was held (协商 held): held,
	                          outcome_submitted or adopted */
	LD_RULE_ANSWERED = 3,  /* a proposal was answered (办复): it has an
	                          outcome */
	LD_RULE_SOLVED = 4,    /* a proposal is solved or being solved:
	                          outcome A or B (解决率 = solved ÷ answered) */
	LD_RULE_RATED = 5,     /* a proposal has a satisfaction */
	LD_RULE_SATISFIED = 6, /* 满意 or 基本满意 (满意率 = satisfied ÷ rated) */
};

/* Where one target office stands on a supervision task (ABI 1.1): the
 * states of `liandong progress` (core/rollup.c; docs/workflows.md). New
 * states may be added after LD_ST_RECTIFY in a later minor. */
enum ld_plugin_state {
	LD_ST_PENDING = 0,     /* 待报送: nothing submitted, not overdue */
	LD_ST_RELAYED = 1,     /* 已转办: it derived a sub-task */
	LD_ST_OVERDUE = 2,     /* 逾期: due date passed, nothing submitted */
	LD_ST_REPORTED = 3,    /* 已报送: submitted, not reviewed yet */
	LD_ST_RESUBMITTED = 4, /* 已重报: revised after a return */
	LD_ST_REVIEWED = 5,    /* 已审核: accepted */
	LD_ST_RETURNED = 6,    /* 已退回: returned for revision */
	LD_ST_RECTIFY = 7,     /* 整改中: to rectify */
	LD_ST_COUNT = 8        /* the states of this minor */
};

/* The context of one run: opaque, handed back to every host call. */
struct ld_ctx;

/* A record, or a message inside one (a plan item, a metric), read-only
 * and borrowed: valid until the callback that received it returns. */
struct ld_rec;

/* Which records `each` visits. Fields only grow at the end. */
struct ld_query {
	uint32_t size;   /* sizeof(struct ld_query) as the plugin built it */
	uint32_t kind;   /* enum ld_plugin_kind; LD_PK_ANY for all */
	const char *owner; /* only records owned by this office or below;
	                      NULL: the run's scope (--scope, default the
	                      node's own office) */
	uint32_t year;   /* only this year (see ld_host.year_of); 0: the
	                    run's year (--year), which may be 0: all;
	                    LD_YEAR_ALL (ABI 1.1): every year */
	uint32_t live_only; /* non-zero: skip deleted records (tombstones) */
};

/* Called for each record; return non-zero to stop the walk (`each` then
 * returns that value). */
typedef int (*ld_rec_fn)(const struct ld_rec *r, void *arg);

/* 年度履职统计 (ABI 1.1): the figures `liandong figures` counts
 * (core/figures.c), for the records of a query. Counts, as doubles. The
 * host fills it; fields only grow at the end, so read `size` before a
 * field added in a later minor. */
struct ld_figs {
	uint32_t size; /* sizeof(struct ld_figs) as the host built it */
	uint32_t year; /* the year counted; 0: every year */
	double surveys;     /* 调研: surveys of any form but 视察 */
	double inspections; /* 视察 */
	double planned;     /* plan items planned (LD_RULE_PLANNED) */
	double held;        /* 协商: plan items held (LD_RULE_HELD) */
	double tasks;       /* supervision tasks (民主监督) */
	double follow_ups;  /* 跟踪问效: tasks of that form */
	double appraised;   /* 民主评议: the units tasks of that form cover */
	double proposals;   /* 提案 */
	double filed;       /* 立案 */
	double answered;    /* LD_RULE_ANSWERED */
	double a, b, c;     /* by outcome */
	double solved;      /* LD_RULE_SOLVED */
	double face_to_face; /* 面商, of those answered */
	double rated;       /* LD_RULE_RATED */
	double satisfied;   /* LD_RULE_SATISFIED */
};

/* Called with the figures of one office (its own records only), and
 * last with office NULL and the figures of all of them; non-zero stops
 * (`figures` then returns that value). Borrowed: valid until it
 * returns. */
typedef int (*ld_figs_fn)(const char *office, const struct ld_figs *f,
                          void *arg);

/* One target office of a task's progress (ABI 1.1), as `liandong
 * progress TASK` lists it. Borrowed: valid until the callback returns.
 * Fields only grow at the end. */
struct ld_target {
	uint32_t size;  /* sizeof(struct ld_target) as the host built it */
	uint32_t state; /* enum ld_plugin_state */
	const char *path;  /* the office */
	const char *group; /* its ancestor one level below the task's owner
	                      (a city, for a provincial task) */
	const char *task;  /* the task of the family governing it (the most
	                      specific one reaching it) */
	const char *due;   /* its due date, inherited from the parent task
	                      if that one has none; "" if none */
	const char *result; /* its latest submitted result (else its latest
	                       draft), "" if none */
	uint64_t result_version;
	const char *review; /* the review deciding its state, "" if none */
	uint32_t draft;     /* non-zero: only a draft result so far */
};

typedef int (*ld_target_fn)(const struct ld_target *t, void *arg);

/* One member's year (ABI 1.2), counted by liandong's rules
 * (core/members.c; docs/workflows.md "Counting rules"): 参与率 is
 * took_part ÷ active, 培训覆盖率 trained ÷ active, and that of new
 * members the same over members with is_new. Borrowed: valid until the
 * callback returns. Fields only grow at the end. */
struct ld_member {
	uint32_t size;      /* sizeof(struct ld_member) as the host built it */
	uint32_t active;    /* 在任: status active; the others count nowhere */
	uint32_t is_new;    /* 新任委员: marked new, or joined in the year */
	uint32_t took_part; /* active, with at least one duty entry */
	uint32_t trained;   /* active, with a 培训 entry */
	uint32_t entries;   /* duty entries naming the member in the year */
	uint32_t short_of;  /* entries the quota still asks for (0: met) */
	uint32_t nact;      /* entries in `counts` */
	const uint32_t *counts; /* entries by activity (activity_name(i)) */
	const char *id, *office, *name, *sector, *committee, *group, *term,
	    *status;
	const char *missing; /* what the quota still asks, "建议 1, 实事 1" */
	const char *status_label; /* 在任 / 离任 / 已调整 */
};

typedef int (*ld_member_fn)(const struct ld_member *m, void *arg);

/* What the host offers a plugin. Fields only grow at the end. */
struct ld_host {
	uint32_t size;      /* sizeof(struct ld_host) as the host built it */
	uint32_t abi_major; /* LD_PLUGIN_ABI_MAJOR of the host */
	uint32_t abi_minor;

	/* ---- the run ---- */
	const char *(*format)(struct ld_ctx *c); /* "md", "csv", "json",
	                                            "html" */
	uint32_t (*year)(struct ld_ctx *c);      /* 0: all years */
	const char *(*scope)(struct ld_ctx *c);  /* the office reported on */
	const char *(*self)(struct ld_ctx *c);   /* the node running it */
	/* A key of this plugin's own configuration ([report NAME] keys, and
	 * --set KEY=VALUE), or NULL if not set. */
	const char *(*config)(struct ld_ctx *c, const char *key);

	/* ---- records ---- */
	/* Visit the records of `q` in id order. Returns 0, the callback's
	 * non-zero value, or -1 if the store could not be read. */
	int (*each)(struct ld_ctx *c, const struct ld_query *q, ld_rec_fn fn,
	            void *arg);
	/* The envelope. */
	uint32_t (*kind)(const struct ld_rec *r);
	const char *(*id)(const struct ld_rec *r);
	const char *(*owner)(const struct ld_rec *r);
	uint64_t (*version)(const struct ld_rec *r);
	int (*deleted)(const struct ld_rec *r);
	/* The year a record counts for (core/rules.c, ld_rule_year): a
	 * plan's or proposal's `year`, the year a survey starts (else ends),
	 * the year a task is due, else the (UTC) year it was last written.
	 * One year only, 0 if none. */
	uint32_t (*year_of)(const struct ld_rec *r);
	/* Fields of the body (or of a nested message) by their name in
	 * liandong.proto: a string ("" if absent or not a string); a number
	 * (integers, booleans 0/1; 0 if absent); the count of a repeated
	 * field; element `i` of a repeated string or message field (NULL if
	 * out of range). Scope entries: field "scope" of the record. */
	const char *(*str)(const struct ld_rec *r, const char *field);
	double (*num)(const struct ld_rec *r, const char *field);
	size_t (*count)(const struct ld_rec *r, const char *field);
	const char *(*str_at)(const struct ld_rec *r, const char *field,
	                      size_t i);
	const struct ld_rec *(*msg_at)(const struct ld_rec *r,
	                               const char *field, size_t i);
	/* The display name of an office known here (its NODE record), or
	 * "" if unknown. */
	const char *(*office_name)(struct ld_ctx *c, const char *path);

	/* ---- structured output: the host renders it in the run's format
	 * (Markdown, CSV, JSON, or one HTML page with tables and SVG bar
	 * charts) ---- */
	void (*title)(struct ld_ctx *c, const char *text);
	void (*heading)(struct ld_ctx *c, const char *text);
	void (*para)(struct ld_ctx *c, const char *text);
	/* A table of `ncols` columns, then its rows (each `ncols` cells). */
	void (*table)(struct ld_ctx *c, const char *caption, size_t ncols,
	              const char *const *cols);
	void (*row)(struct ld_ctx *c, const char *const *cells);
	/* A bar chart of `n` labelled values. */
	void (*chart)(struct ld_ctx *c, const char *caption, size_t n,
	              const char *const *labels, const double *values);
	/* A headline figure (调研 = 10, 满意率 = 0.949): shown in the report,
	 * and carried as a number when the report is published upward. */
	void (*figure)(struct ld_ctx *c, const char *name, double value);

	/* ---- raw output, for a plugin that renders a format itself (use
	 * either this or the structured calls in one run, not both) ---- */
	int (*write)(struct ld_ctx *c, const void *p, size_t n);

	/* ---- log (to the runner's stderr, with the plugin's name) ---- */
	void (*log)(struct ld_ctx *c, int level, const char *msg);

	/* ---- ABI 1.1: liandong's business rules, computed by the host
	 * exactly as `liandong figures` and `liandong progress` compute
	 * them (check host->abi_minor >= 1, or host->size, first) ---- */
	/* Does record (or plan item) `r` meet `rule` (enum ld_plugin_rule):
	 * 1 or 0; -1 if the rule is unknown or is not about this kind of
	 * record (LD_RULE_HELD of a proposal). */
	int (*is)(const struct ld_rec *r, uint32_t rule);
	/* The figures of the live records of `q` (its owner, kind and year;
	 * live_only is implied): `fn` is called once per office owning any
	 * of them, in id order, then once with office NULL for the total.
	 * Returns 0, the callback's non-zero value, or -1 if the store
	 * could not be read. */
	int (*figures)(struct ld_ctx *c, const struct ld_query *q,
	               ld_figs_fn fn, void *arg);
	/* The progress of task `task` (an id) on `today` (YYYY-MM-DD; NULL:
	 * the local date): `fn` is called for each target office, grouped
	 * by `group` and in path order, from every record this node holds
	 * (whatever the run's year and scope). Returns 0, the callback's
	 * non-zero value, or -1 if `task` is not a live task here, `today`
	 * is not a date, or the store could not be read. */
	int (*progress)(struct ld_ctx *c, const char *task, const char *today,
	                ld_target_fn fn, void *arg);
	/* A state's name ("overdue") and label ("逾期"); "?" if unknown. */
	const char *(*state_name)(uint32_t state);
	const char *(*state_label)(uint32_t state);

	/* ---- ABI 1.2 (check host->abi_minor >= 2, or host->size) ---- */
	/* Record `r` (at its version now) counts toward figure `name`:
	 * what `liandong verify` lists behind each figure of a published
	 * report, and how it finds the records that changed since. Call it
	 * once per record and figure, from the callback that received `r`.
	 * With `r` NULL it only says that figure `name` is attributed (a
	 * figure of 0 has no records). A plugin that never calls it gets
	 * its figures compared only. */
	void (*figure_source)(struct ld_ctx *c, const char *name,
	                      const struct ld_rec *r);
	/* The figures record `r` alone adds to `figures` (whatever its
	 * year): to name the records behind each figure with the host's
	 * rules. 0, or -1 if `r` or `out` is NULL. */
	int (*record_figures)(const struct ld_rec *r, struct ld_figs *out);
	/* ---- ABI 1.2: members (委员) and their duty entries (履职) ---- */
	/* Every member (MEMBER record, live) owned by q->owner or below,
	 * with the duty entries of q's year (q->kind is ignored) counted
	 * against `quota` ("提案=1,调研=2": ACTIVITY=N, comma-separated;
	 * NULL or "": 五个一, one each of 提案 社情民意 调研 建议 实事):
	 * `fn` is called once per member, by office and then in id order.
	 * Returns 0, the callback's non-zero value, or -1 if the quota is
	 * malformed (the reason is logged) or the store could not be
	 * read. */
	int (*members)(struct ld_ctx *c, const struct ld_query *q,
	               const char *quota, ld_member_fn fn, void *arg);
	/* The name of activity `i` (0 调研, 1 视察 ...), NULL past the
	 * last. */
	const char *(*activity_name)(uint32_t i);
};

/* What a plugin is. Fields only grow at the end. */
struct ld_plugin {
	uint32_t magic;     /* LD_PLUGIN_MAGIC */
	uint32_t size;      /* sizeof(struct ld_plugin) as the plugin built it */
	uint16_t abi_major; /* LD_PLUGIN_ABI_MAJOR */
	uint16_t abi_minor; /* LD_PLUGIN_ABI_MINOR */
	const char *name;   /* [a-z0-9_-]{1,32}: what `liandong report NAME`
	                       calls it */
	const char *version;
	const char *description; /* one line */
	const char *formats;     /* those it supports, comma-separated:
	                            "md,csv,json,html" if it uses only the
	                            structured output */
	/* Optional (NULL): before and after run. Non-zero from init or run
	 * fails the report. */
	int (*init)(struct ld_ctx *c, const struct ld_host *h);
	int (*run)(struct ld_ctx *c, const struct ld_host *h);
	void (*fini)(struct ld_ctx *c, const struct ld_host *h);
};

/* The one symbol a plugin exports. */
const struct ld_plugin *ld_plugin_entry_v1(void);

/* Fill in the descriptor's first fields. */
#define LD_PLUGIN_INIT                                                         \
	.magic = LD_PLUGIN_MAGIC, .size = sizeof(struct ld_plugin),            \
	.abi_major = LD_PLUGIN_ABI_MAJOR, .abi_minor = LD_PLUGIN_ABI_MINOR

/* Export the entry point and nothing else: build with
 * -fvisibility=hidden (or mark your other functions static). */
#if defined(__GNUC__)
#define LD_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define LD_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
}
#endif

#endif
