/* plan-execution.c — the "plan-execution" report plugin: 协商计划执行.
 * For one year's consultation plans (协商计划) of the office reported on
 * and the offices below it: items planned and held — by liandong's rules,
 * which the host applies (the SDK's `is`, ABI 1.1: held, outcome
 * submitted or adopted; cancelled items are not planned) — per office,
 * by form and by month; and a minimum rule — min.FORM=N, the
 * number of that form each city and county must hold a year — with the
 * offices that fall short. Settings:
 *   year=YYYY          the plans' year (default: --year, else the latest)
 *   min.FORM=N         e.g. min.专题协商=4, for each form the plans carry
 *   min.forms=A,B      forms to check even if no plan has them (each
 *                      needs its min.FORM)
 * Uses only the SDK. */
#include <liandong/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMS_MAX 32 /* distinct forms; more are counted as 其他 */
#define MONTHS 13    /* 1..12, and 0: not fixed yet */
#define NO_RULE (-1)

struct office {
	char path[300]; /* up to 8 segments of 32 bytes */
	char level[16]; /* its NODE record's, "" if not seen */
	double planned, held;
	double fplanned[FORMS_MAX], fheld[FORMS_MAX];
	double mplanned[MONTHS], mheld[MONTHS];
};

struct state {
	struct ld_ctx *c;
	const struct ld_host *h;
	unsigned year; /* the plans' year; 0 while looking for the latest */
	struct office *o;
	size_t n, cap;
	char forms[FORMS_MAX][128];
	int min[FORMS_MAX]; /* NO_RULE, or how many a year */
	size_t nforms;
	size_t order[FORMS_MAX]; /* the forms in the vocabulary's order */
	int oom;
};

/* ---------------------------------------------------------------- tallies */

static struct office *
office(struct state *s, const char *path)
{
	for (size_t i = s->n; i-- > 0;)
		if (strcmp(s->o[i].path, path) == 0)
			return &s->o[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct office *o = realloc(s->o, cap * sizeof(*o));
		if (o == NULL) {
			s->oom = 1;
			return NULL;
		}
		s->o = o;
		s->cap = cap;
	}
	struct office *o = &s->o[s->n++];
	memset(o, 0, sizeof(*o));
	snprintf(o->path, sizeof(o->path), "%s", path);
	return o;
}

/* The index of `form` among those seen, added if new; the last place is
 * kept for 其他, where forms past FORMS_MAX go. */
static size_t
form_index(struct state *s, const char *form)
{
	if (form[0] == '\0')
		form = "其他";
	for (;;) {
		for (size_t i = 0; i < s->nforms; i++)
			if (strcmp(s->forms[i], form) == 0)
				return i;
		if (s->nforms < FORMS_MAX - 1 || strcmp(form, "其他") == 0)
			break;
		form = "其他";
	}
	snprintf(s->forms[s->nforms], sizeof(s->forms[0]), "%s", form);
	s->min[s->nforms] = NO_RULE;
	return s->nforms++;
}

/* Pass 1 (no year given): the latest plan year. */
static int
latest(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	unsigned y = s->h->year_of(r);
	if (y > s->year)
		s->year = y;
	return 0;
}

/* Pass 2: the items of the year's plans. */
static int
count_plan(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;
	if (h->year_of(r) != s->year)
		return 0;
	struct office *o = office(s, h->owner(r));
	if (o == NULL)
		return 1;
	for (size_t i = 0; i < h->count(r, "items"); i++) {
		const struct ld_rec *it = h->msg_at(r, "items", i);
		/* Planned and held by liandong's rules (the host's). */
		if (h->is(it, LD_RULE_PLANNED) != 1)
			continue;
		size_t f = form_index(s, h->str(it, "form"));
		double m = h->num(it, "month");
		size_t month = m >= 1 && m <= 12 ? (size_t)m : 0;
		int held = h->is(it, LD_RULE_HELD) == 1;
		o->planned++;
		o->fplanned[f]++;
		o->mplanned[month]++;
		o->held += held;
		o->fheld[f] += held;
		o->mheld[month] += held;
	}
	return 0;
}

/* ... and every office known here (its NODE record), so that one
 * without a plan shows too. */
static int
count_node(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	struct office *o = office(s, s->h->str(r, "path"));
	if (o == NULL)
		return 1;
	snprintf(o->level, sizeof(o->level), "%s", s->h->str(r, "level"));
	return 0;
}

static int
count(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	switch (s->h->kind(r)) {
	case LD_PK_PLAN:
		return count_plan(r, arg);
	case LD_PK_NODE:
		return count_node(r, arg);
	default:
		return 0;
	}
}

/* Must it meet the minimum: a city or a county (by its NODE record's
 * level, else by depth: 2 or 3 segments)? */
static int
bound(const struct office *o)
{
	if (o->level[0] != '\0')
		return strcmp(o->level, "city") == 0 ||
		       strcmp(o->level, "county") == 0;
	int d = 1;
	for (const char *p = o->path; *p; p++)
		d += *p == '/';
	return d == 2 || d == 3;
}

/* The plan forms in the order liandong lists them; others after. */
static size_t
form_rank(const char *form)
{
	static const char *const vocab[] = {
	    "专题协商",     "对口协商", "界别协商", "对口界别协商",
	    "提案办理协商", "双月协商", "重点协商", "其他"};
	size_t n = sizeof(vocab) / sizeof(vocab[0]);
	for (size_t i = 0; i < n; i++)
		if (strcmp(vocab[i], form) == 0)
			return i;
	return n;
}

/* s->order: the forms by rank, then in the order they were seen. */
static void
order_forms(struct state *s)
{
	for (size_t i = 0; i < s->nforms; i++) {
		size_t k = i, r = form_rank(s->forms[i]);
		for (; k > 0 && form_rank(s->forms[s->order[k - 1]]) > r; k--)
			s->order[k] = s->order[k - 1];
		s->order[k] = i;
	}
}

/* ---------------------------------------------------------------- settings */

static int
fail(struct ld_ctx *c, const struct ld_host *h, const char *msg)
{
	h->log(c, LD_PL_ERROR, msg);
	return -1;
}

/* A count: 0 to 9999. */
static int
parse_count(const char *v)
{
	size_t n = strlen(v);
	if (n < 1 || n > 4)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return -1;
	return atoi(v);
}

/* min.FORM for form i, if set. */
static int
read_min(struct state *s, size_t i)
{
	char key[160], msg[600];
	snprintf(key, sizeof(key), "min.%s", s->forms[i]);
	const char *v = s->h->config(s->c, key);
	if (v == NULL)
		return 0;
	if ((s->min[i] = parse_count(v)) < 0) {
		snprintf(msg, sizeof(msg),
		         "%s = '%.40s': not a whole number from 0 to 9999 (how "
		         "many %s each city and county must hold a year)",
		         key, v, s->forms[i]);
		return fail(s->c, s->h, msg);
	}
	return 0;
}

/* min.forms=A,B (also ，or 、between them): forms to check even if no
 * plan has them; each must have its min.FORM. */
static int
read_forms(struct state *s)
{
	const char *list = s->h->config(s->c, "min.forms");
	char msg[400];
	while (list != NULL && *list != '\0') {
		size_t n = 0;
		while (list[n] != '\0' && list[n] != ',' &&
		       strncmp(list + n, "，", 3) != 0 &&
		       strncmp(list + n, "、", 3) != 0)
			n++;
		const char *form = list;
		size_t len = n;
		while (len > 0 && form[0] == ' ')
			form++, len--;
		while (len > 0 && form[len - 1] == ' ')
			len--;
		list += n + (list[n] == ',' ? 1 : list[n] != '\0' ? 3 : 0);
		if (len == 0)
			continue;
		if (len >= sizeof(s->forms[0]) - 1) {
			snprintf(msg, sizeof(msg),
			         "min.forms: '%.*s' is too long for a form",
			         (int)(len > 60 ? 60 : len), form);
			return fail(s->c, s->h, msg);
		}
		char name[128], key[160];
		snprintf(name, sizeof(name), "%.*s", (int)len, form);
		snprintf(key, sizeof(key), "min.%s", name);
		if (s->h->config(s->c, key) == NULL) {
			snprintf(msg, sizeof(msg),
			         "min.forms lists %s, but %s is not set", name,
			         key);
			return fail(s->c, s->h, msg);
		}
		form_index(s, name);
	}
	return 0;
}

/* The year: --year, else year=YYYY, else 0 (the latest, found later). */
static int
read_year(struct state *s)
{
	s->year = s->h->year(s->c);
	const char *v = s->h->config(s->c, "year");
	if (s->year != 0 || v == NULL)
		return 0;
	int y = parse_count(v);
	if (y < 1000) {
		char msg[200];
		snprintf(msg, sizeof(msg), "year = '%.40s': not a year (YYYY)",
		         v);
		return fail(s->c, s->h, msg);
	}
	s->year = (unsigned)y;
	return 0;
}

/* ---------------------------------------------------------------- output */

static void
pct(char *buf, size_t len, double part, double whole)
{
	if (whole > 0)
		snprintf(buf, len, "%.1f%%", 100.0 * part / whole);
	else
		snprintf(buf, len, "—");
}

static void
label(struct ld_ctx *c, const struct ld_host *h, const char *path, char *buf,
      size_t size)
{
	const char *name = h->office_name(c, path);
	snprintf(buf, size, "%s%s%s", name, name[0] ? " " : "", path);
}

static int
by_path(const void *x, const void *y)
{
	return strcmp(((const struct office *)x)->path,
	              ((const struct office *)y)->path);
}

static void
office_table(struct state *s)
{
	const struct ld_host *h = s->h;
	const char *cols[4 + FORMS_MAX] = {"单位", "计划", "已举行", "执行率"};
	for (size_t f = 0; f < s->nforms; f++)
		cols[4 + f] = s->forms[s->order[f]];
	h->table(s->c, "各单位执行情况（各形式：已举行/计划）", 4 + s->nforms,
	         cols);
	for (size_t i = 0; i < s->n; i++) {
		const struct office *o = &s->o[i];
		char name[600], b[3][32], fb[FORMS_MAX][48];
		const char *cells[4 + FORMS_MAX] = {name, b[0], b[1], b[2]};
		label(s->c, h, o->path, name, sizeof(name));
		snprintf(b[0], 32, "%.0f", o->planned);
		snprintf(b[1], 32, "%.0f", o->held);
		pct(b[2], 32, o->held, o->planned);
		for (size_t k = 0; k < s->nforms; k++) {
			size_t f = s->order[k];
			snprintf(fb[k], 48, "%.0f/%.0f", o->fheld[f],
			         o->fplanned[f]);
			cells[4 + k] = fb[k];
		}
		h->row(s->c, cells);
	}
}

static void
form_table(struct state *s, const struct office *t)
{
	const struct ld_host *h = s->h;
	static const char *const cols[] = {"形式", "计划", "已举行", "执行率",
	                                   "每个市、县最低举行"};
	h->table(s->c, "按形式", 5, cols);
	for (size_t k = 0; k < s->nforms; k++) {
		size_t f = s->order[k];
		char b[4][32];
		snprintf(b[0], 32, "%.0f", t->fplanned[f]);
		snprintf(b[1], 32, "%.0f", t->fheld[f]);
		pct(b[2], 32, t->fheld[f], t->fplanned[f]);
		if (s->min[f] == NO_RULE)
			snprintf(b[3], 32, "—");
		else
			snprintf(b[3], 32, "%d", s->min[f]);
		const char *cells[] = {s->forms[f], b[0], b[1], b[2], b[3]};
		h->row(s->c, cells);
	}
}

static void
month_table(struct state *s, const struct office *t)
{
	const struct ld_host *h = s->h;
	static const char *const cols[] = {"月份", "计划", "已举行"};
	char names[MONTHS][16];
	const char *labels[MONTHS];
	double values[MONTHS];
	h->table(s->c, "按月份", 3, cols);
	for (size_t k = 0; k < MONTHS; k++) {
		size_t m = (k + 1) % MONTHS; /* 1..12, then 0 */
		char b[2][32];
		if (m == 0)
			snprintf(names[k], sizeof(names[k]), "未定");
		else
			snprintf(names[k], sizeof(names[k]), "%zu月", m);
		snprintf(b[0], 32, "%.0f", t->mplanned[m]);
		snprintf(b[1], 32, "%.0f", t->mheld[m]);
		labels[k] = names[k];
		values[k] = t->mheld[m];
		const char *cells[] = {names[k], b[0], b[1]};
		h->row(s->c, cells);
	}
	h->chart(s->c, "各月举行", MONTHS, labels, values);
}

/* The offices short of a minimum, one row per office and form; returns
 * how many offices. */
static double
shortfall_table(struct state *s)
{
	const struct ld_host *h = s->h;
	static const char *const cols[] = {"单位", "形式", "最低举行", "已举行",
	                                   "差"};
	int any = 0;
	double offices = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct office *o = &s->o[i];
		int short_here = 0;
		for (size_t k = 0; k < s->nforms && bound(o); k++) {
			size_t f = s->order[k];
			if (s->min[f] == NO_RULE || o->fheld[f] >= s->min[f])
				continue;
			if (!any)
				h->table(s->c, "未达标单位", 5, cols);
			any = short_here = 1;
			char name[600], b[3][32];
			label(s->c, h, o->path, name, sizeof(name));
			snprintf(b[0], 32, "%d", s->min[f]);
			snprintf(b[1], 32, "%.0f", o->fheld[f]);
			snprintf(b[2], 32, "%.0f", s->min[f] - o->fheld[f]);
			const char *cells[] = {name, s->forms[f], b[0], b[1],
			                       b[2]};
			h->row(s->c, cells);
		}
		offices += short_here;
	}
	return offices;
}

static void
output(struct state *s)
{
	struct ld_ctx *c = s->c;
	const struct ld_host *h = s->h;
	struct office t; /* the total */
	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < s->n; i++) {
		const struct office *o = &s->o[i];
		t.planned += o->planned;
		t.held += o->held;
		for (size_t f = 0; f < s->nforms; f++) {
			t.fplanned[f] += o->fplanned[f];
			t.fheld[f] += o->fheld[f];
		}
		for (size_t m = 0; m < MONTHS; m++) {
			t.mplanned[m] += o->mplanned[m];
			t.mheld[m] += o->mheld[m];
		}
	}
	const char *scope = h->scope(c);
	const char *name = h->office_name(c, scope);
	char title[400];
	if (s->year != 0)
		snprintf(title, sizeof(title), "%s %u年协商计划执行情况",
		         name[0] ? name : scope, s->year);
	else
		snprintf(title, sizeof(title), "%s 协商计划执行情况",
		         name[0] ? name : scope);
	h->title(c, title);
	if (t.planned == 0)
		h->para(c, "没有计入计划的协商活动。");

	/* The rules, in words. */
	char rules[2000] = "";
	size_t len = 0;
	for (size_t k = 0; k < s->nforms; k++) {
		size_t f = s->order[k];
		if (s->min[f] != NO_RULE && len < sizeof(rules) - 200)
			len += (size_t)snprintf(
			    rules + len, sizeof(rules) - len, "%s%s %d 次",
			    len ? "，" : "", s->forms[f], s->min[f]);
	}
	char text[2400];
	if (len > 0)
		snprintf(
		    text, sizeof(text),
		    "已举行：状态为已举行、成果已报送或已采纳；已取消的不计入"
		    "计划。最低要求（每个市、县每年举行）：%s。",
		    rules);
	else
		snprintf(
		    text, sizeof(text),
		    "已举行：状态为已举行、成果已报送或已采纳；已取消的不计入"
		    "计划。未设定最低要求（例如 --set min.专题协商=4）。");
	h->para(c, text);

	office_table(s);
	form_table(s, &t);
	month_table(s, &t);
	double short_offices = shortfall_table(s);
	if (len > 0 && short_offices == 0)
		h->para(c, "各市、县均已达到最低要求。");

	h->figure(c, "计划", t.planned);
	h->figure(c, "已举行", t.held);
	if (t.planned > 0)
		h->figure(c, "执行率", t.held / t.planned);
	h->figure(c, "未达标单位", short_offices);
}

/* ---------------------------------------------------------------- run */

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	if (h->abi_minor < 1) {
		h->log(c, LD_PL_ERROR, "needs a host of ABI 1.1 or later (is)");
		return 1;
	}
	struct state s = {.c = c, .h = h};
	if (read_year(&s) != 0 || read_forms(&s) != 0) {
		free(s.o);
		return 1;
	}
	struct ld_query q = {
	    .size = sizeof(q), .kind = LD_PK_PLAN, .live_only = 1};
	int rc = 0;
	if (s.year == 0)
		rc = h->each(c, &q, latest, &s);
	q.kind = LD_PK_ANY; /* plans and NODE records, in one walk */
	if (rc == 0)
		rc = h->each(c, &q, count, &s);
	if (rc != 0 || s.oom) {
		if (s.oom)
			h->log(c, LD_PL_ERROR, "out of memory");
		free(s.o);
		return 2;
	}
	/* Only now are all the forms known: read their rules. */
	for (size_t f = 0; f < s.nforms; f++) {
		if (read_min(&s, f) != 0) {
			free(s.o);
			return 1;
		}
	}
	/* Rows: the offices with a plan, and every city and county. */
	size_t k = 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.o[i].planned > 0 || bound(&s.o[i]))
			s.o[k++] = s.o[i];
	s.n = k;
	order_forms(&s);
	if (s.n > 1)
		qsort(s.o, s.n, sizeof(*s.o), by_path);
	output(&s);
	free(s.o);
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "plan-execution",
    .version = "1.0.0",
    .description = "协商计划执行: plan items planned and held by office, "
                   "form and month; offices short of min.FORM",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
