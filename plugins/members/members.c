/* members.c — the "members" report plugin: 委员履职. Each member's year
 * against a quota (五个一 by default; [report members] quota = ... or
 * --set quota=提案=1,调研=2), 参与率, 培训覆盖率 (of all members and of
 * new members) and the members short of their quota, by office and by
 * 界别. Who counts (active, new, took part, trained, short) is liandong's
 * rule, the host's (the SDK's `members`, ABI 1.2); this file only sums
 * and lays out. Uses only the SDK. */
#include <liandong/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUPS_MAX 1024
#define SHORT_MAX 20000
#define NAME_LEN 256

struct group {
	char name[NAME_LEN];
	double members, active, took_part, trained, new_active, new_trained,
	    short_;
};

struct shortfall {
	char name[128], office[NAME_LEN], id[320], missing[256];
};

struct state {
	struct ld_ctx *c;
	const struct ld_host *h;
	struct group *office, *sector; /* [0] is the total */
	size_t noffice, nsector;
	struct shortfall *sh;
	size_t nsh;
	int pass; /* 0: sum; 1: the members' rows */
};

static struct group *
group(struct group *v, size_t *n, const char *name)
{
	if (name[0] == '\0')
		name = "（未填）";
	for (size_t i = 1; i < *n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	if (*n == GROUPS_MAX)
		return NULL;
	struct group *g = &v[(*n)++];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	return g;
}

static void
add(struct group *g, const struct ld_member *m)
{
	if (g == NULL)
		return;
	g->members++;
	if (!m->active)
		return;
	g->active++;
	g->took_part += m->took_part != 0;
	g->trained += m->trained != 0;
	g->short_ += m->short_of != 0;
	if (m->is_new) {
		g->new_active++;
		g->new_trained += m->trained != 0;
	}
}

static int
sum(const struct ld_member *m, void *arg)
{
	struct state *s = arg;
	add(&s->office[0], m);
	add(group(s->office, &s->noffice, m->office), m);
	add(group(s->sector, &s->nsector, m->sector), m);
	if (m->active && m->short_of != 0 && s->nsh < SHORT_MAX) {
		struct shortfall *f = &s->sh[s->nsh++];
		snprintf(f->name, sizeof(f->name), "%s", m->name);
		snprintf(f->office, sizeof(f->office), "%s", m->office);
		snprintf(f->id, sizeof(f->id), "%s", m->id);
		snprintf(f->missing, sizeof(f->missing), "%s", m->missing);
	}
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

static const char *const group_cols[] = {
    "", "在任委员", "参与", "参与率", "培训", "培训覆盖率",
    "新任委员", "新任培训", "新任培训覆盖率", "未完成定额"};
#define NGROUP_COLS (sizeof(group_cols) / sizeof(group_cols[0]))

static void
group_row(struct state *s, const struct group *g, const char *label)
{
	char b[9][32];
	snprintf(b[0], 32, "%.0f", g->active);
	snprintf(b[1], 32, "%.0f", g->took_part);
	pct(b[2], 32, g->took_part, g->active);
	snprintf(b[3], 32, "%.0f", g->trained);
	pct(b[4], 32, g->trained, g->active);
	snprintf(b[5], 32, "%.0f", g->new_active);
	snprintf(b[6], 32, "%.0f", g->new_trained);
	pct(b[7], 32, g->new_trained, g->new_active);
	snprintf(b[8], 32, "%.0f", g->short_);
	const char *cells[NGROUP_COLS] = {label, b[0], b[1], b[2], b[3],
	                                  b[4],  b[5], b[6], b[7], b[8]};
	s->h->row(s->c, cells);
}

static void
group_table(struct state *s, const char *caption, const char *first,
            const struct group *v, size_t n, int offices)
{
	const char *cols[NGROUP_COLS];
	memcpy(cols, group_cols, sizeof(cols));
	cols[0] = first;
	s->h->table(s->c, caption, NGROUP_COLS, cols);
	for (size_t i = 1; i < n; i++) {
		const char *label = v[i].name;
		if (v[i].active == 0)
			continue; /* only members who left */
		if (offices) {
			const char *nm = s->h->office_name(s->c, v[i].name);
			if (nm[0] != '\0')
				label = nm;
		}
		group_row(s, &v[i], label);
	}
	group_row(s, &v[0], "合计");
}

/* The quota's activities, in activity order: the members' columns. */
struct member_rows {
	struct state *s;
	uint32_t acts[32];
	size_t nacts;
};

static int
member_row(const struct ld_member *m, void *arg)
{
	struct member_rows *mr = arg;
	struct state *s = mr->s;
	char num[34][16];
	const char *cells[48];
	size_t k = 0;
	const char *office = s->h->office_name(s->c, m->office);
	cells[k++] = m->name;
	cells[k++] = office[0] ? office : m->office;
	cells[k++] = m->sector;
	cells[k++] = m->committee;
	cells[k++] = m->group;
	cells[k++] = m->status_label;
	snprintf(num[0], 16, "%u", m->entries);
	cells[k++] = num[0];
	for (size_t i = 0; i < mr->nacts; i++) {
		uint32_t a = mr->acts[i];
		snprintf(num[1 + i], 16, "%u", a < m->nact ? m->counts[a] : 0);
		cells[k++] = num[1 + i];
	}
	cells[k++] = m->active ? (m->missing[0] ? m->missing : "—") : "";
	s->h->row(s->c, cells);
	return 0;
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	if (h->abi_minor < 2) {
		h->log(c, LD_PL_ERROR, "needs a host of ABI 1.2 or later "
		                       "(members)");
		return 1;
	}
	struct state s = {c, h, calloc(GROUPS_MAX, sizeof(struct group)),
	                  calloc(GROUPS_MAX, sizeof(struct group)), 1, 1,
	                  calloc(SHORT_MAX, sizeof(struct shortfall)), 0, 0};
	int rc = 0;
	if (s.office == NULL || s.sector == NULL || s.sh == NULL) {
		rc = 1;
		goto leave;
	}
	snprintf(s.office[0].name, NAME_LEN, "合计");
	const char *quota = h->config(c, "quota");
	struct ld_query q = {.size = sizeof(q), .live_only = 1};
	if (h->members(c, &q, quota, sum, &s) != 0) {
		rc = 2;
		goto leave;
	}
	char title[300];
	const char *name = h->office_name(c, h->scope(c));
	uint32_t y = h->year(c);
	if (y)
		snprintf(title, sizeof(title), "%s %u年委员履职情况",
		         name[0] ? name : h->scope(c), y);
	else
		snprintf(title, sizeof(title), "%s委员履职情况",
		         name[0] ? name : h->scope(c));
	h->title(c, title);
	char quota_text[600];
	snprintf(quota_text, sizeof(quota_text), "定额: %s",
	         quota && quota[0] ? quota
	                           : "五个一 (提案、社情民意、调研、建议、"
	                             "实事 各一)");
	h->para(c, quota_text);
	const struct group *t = &s.office[0];
	h->figure(c, "在任委员", t->active);
	if (t->active > 0) {
		h->figure(c, "参与率", t->took_part / t->active);
		h->figure(c, "培训覆盖率", t->trained / t->active);
	}
	if (t->new_active > 0)
		h->figure(c, "新任委员培训覆盖率", t->new_trained / t->new_active);
	h->figure(c, "未完成定额", t->short_);
	memcpy(&s.sector[0], &s.office[0], sizeof(s.sector[0]));
	group_table(&s, "按单位", "单位", s.office, s.noffice, 1);
	group_table(&s, "按界别", "界别", s.sector, s.nsector, 0);

	/* The quota's activities are the members' columns. */
	struct member_rows mr = {.s = &s};
	for (uint32_t a = 0; h->activity_name(a) != NULL && a < 32; a++)
		mr.acts[mr.nacts++] = a;
	const char *cols[48];
	size_t k = 0;
	static const char *const head[] = {"委员", "单位", "界别", "专委会",
	                                   "小组", "状态", "履职次数"};
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		cols[k++] = head[i];
	for (size_t i = 0; i < mr.nacts; i++)
		cols[k++] = h->activity_name(mr.acts[i]);
	cols[k++] = "尚缺";
	h->table(c, "委员履职档案", k, cols);
	if (h->members(c, &q, quota, member_row, &mr) != 0) {
		rc = 2;
		goto leave;
	}
	static const char *const short_cols[] = {"委员", "单位", "尚缺"};
	h->table(c, "未完成定额的委员", 3, short_cols);
	for (size_t i = 0; i < s.nsh; i++) {
		const char *nm = h->office_name(c, s.sh[i].office);
		const char *cells[] = {s.sh[i].name,
		                       nm[0] ? nm : s.sh[i].office,
		                       s.sh[i].missing};
		h->row(c, cells);
	}
leave:
	free(s.office);
	free(s.sector);
	free(s.sh);
	return rc;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "members",
    .version = "1.0.0",
    .description = "委员履职: each member's year against a quota (五个一), "
                   "参与率, 培训覆盖率, by office and by 界别",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
