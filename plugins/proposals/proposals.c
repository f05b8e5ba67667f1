/* proposals.c — the "proposals" report plugin: 提案办理. Per handling
 * unit (承办单位): proposals assigned, answered (办复), outcomes A/B/C,
 * 办复率, the share solved or being solved (A+B), 面商率 and 满意率; then
 * the total, whose figures are the report's. Uses only the SDK. */
#include <liandong/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNITS_MAX 2048

struct unit {
	char name[256];
	double total, answered, a, b, c, solved, f2f, rated, satisfied;
};

struct state {
	const struct ld_host *h;
	struct unit *u; /* [0] is the total */
	size_t n;
};

static struct unit *
unit(struct state *s, const char *name)
{
	if (name[0] == '\0')
		name = "（未交办）";
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(s->u[i].name, name) == 0)
			return &s->u[i];
	if (s->n == UNITS_MAX)
		return NULL;
	struct unit *u = &s->u[s->n++];
	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", name);
	return u;
}

static void
tally(struct unit *u, const struct ld_host *h, const struct ld_rec *r)
{
	/* Answered, solved, rated, satisfied: liandong's rules, the
	 * host's (the SDK's `is`, ABI 1.1). */
	u->total++;
	if (h->is(r, LD_RULE_ANSWERED) == 1) {
		const char *out = h->str(r, "outcome");
		u->answered++;
		u->a += strcmp(out, "A") == 0;
		u->b += strcmp(out, "B") == 0;
		u->c += strcmp(out, "C") == 0;
		u->solved += h->is(r, LD_RULE_SOLVED) == 1;
		u->f2f += h->num(r, "face_to_face") != 0;
	}
	u->rated += h->is(r, LD_RULE_RATED) == 1;
	u->satisfied += h->is(r, LD_RULE_SATISFIED) == 1;
}

static int
visit(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	struct unit *u = unit(s, s->h->str(r, "handler"));
	if (u != NULL)
		tally(u, s->h, r);
	tally(&s->u[0], s->h, r);
	return 0;
}

static void
pct(char *buf, size_t len, double part, double whole)
{
	if (whole > 0)
		snprintf(buf, len, "%.1f%%", 100.0 * part / whole);
	else
		snprintf(buf, len, "—");
}

static void
row(struct ld_ctx *c, const struct ld_host *h, const struct unit *u)
{
	char b[10][32];
	snprintf(b[0], 32, "%.0f", u->total);
	snprintf(b[1], 32, "%.0f", u->answered);
	snprintf(b[2], 32, "%.0f", u->a);
	snprintf(b[3], 32, "%.0f", u->b);
	snprintf(b[4], 32, "%.0f", u->c);
	pct(b[5], 32, u->answered, u->total);
	pct(b[6], 32, u->solved, u->answered);
	pct(b[7], 32, u->f2f, u->answered);
	pct(b[8], 32, u->satisfied, u->rated);
	const char *cells[] = {u->name, b[0], b[1], b[2], b[3],
	                       b[4],    b[5], b[6], b[7], b[8]};
	h->row(c, cells);
}

static int
by_total(const void *x, const void *y)
{
	const struct unit *a = x, *b = y;
	if (a->total != b->total)
		return a->total < b->total ? 1 : -1;
	return strcmp(a->name, b->name);
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	if (h->abi_minor < 1) {
		h->log(c, LD_PL_ERROR, "needs a host of ABI 1.1 or later (is)");
		return 1;
	}
	struct state s = {h, calloc(UNITS_MAX, sizeof(struct unit)), 1};
	if (s.u == NULL)
		return 1;
	snprintf(s.u[0].name, sizeof(s.u[0].name), "合计");
	struct ld_query q = {.size = sizeof(q), .kind = LD_PK_PROPOSAL,
	                     .live_only = 1};
	if (h->each(c, &q, visit, &s) != 0) {
		free(s.u);
		return 2;
	}
	qsort(s.u + 1, s.n - 1, sizeof(s.u[0]), by_total);
	char title[300];
	const char *name = h->office_name(c, h->scope(c));
	uint32_t y = h->year(c);
	snprintf(title, sizeof(title), "%s%s提案办理情况",
	         name[0] ? name : h->scope(c), y ? " " : "");
	if (y)
		snprintf(title, sizeof(title), "%s %u年提案办理情况",
		         name[0] ? name : h->scope(c), y);
	h->title(c, title);
	const struct unit *t = &s.u[0];
	h->figure(c, "提案", t->total);
	h->figure(c, "办复", t->answered);
	if (t->total > 0)
		h->figure(c, "办复率", t->answered / t->total);
	if (t->answered > 0) {
		h->figure(c, "解决率", t->solved / t->answered);
		h->figure(c, "面商率", t->f2f / t->answered);
	}
	if (t->rated > 0)
		h->figure(c, "满意率", t->satisfied / t->rated);
	static const char *const cols[] = {"承办单位", "件数", "办复", "A",
	                                   "B",        "C",    "办复率",
	                                   "解决率",   "面商率", "满意率"};
	h->table(c, "按承办单位", 10, cols);
	for (size_t i = 1; i < s.n; i++)
		row(c, h, &s.u[i]);
	row(c, h, t);
	const char *labels[] = {"A 已解决或基本解决", "B 正在解决或列入计划",
	                        "C 因条件限制暂不能解决"};
	double values[] = {t->a, t->b, t->c};
	h->chart(c, "办理结果", 3, labels, values);
	free(s.u);
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "proposals",
    .version = "1.0.0",
    .description = "提案办理: by handling unit, A/B/C, 办复率, 解决率, "
                   "面商率, 满意率",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
