/* opinions.c — the "opinions" report plugin: 社情民意信息 per level. Of
 * the opinions written in the office reported on and below it (in the
 * run's year): how many were written (撰写) at each level, and how many
 * were forwarded (报送), adopted (采用) and instructed on (批示) by the
 * offices of each level, those above the office reported on included
 * (their actions come down to the writers). Each opinion counts once per
 * level and action. Figures: 社情民意 (written), 报送, 采用, 批示, and the
 * same per level ("采用·省级"); each names the records behind it
 * (figure_source, ABI 1.2) for `liandong verify`. Uses only the SDK
 * (liandong/plugin.h). */
#include <liandong/plugin.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS 8
#define ACTS 4 /* written, forwarded, adopted, instructed */

static const char *const act_names[ACTS] = {"社情民意", "报送", "采用",
                                            "批示"};

struct seen {
	char *key; /* "<act><level>|<opinion id>" */
};

struct state {
	struct ld_ctx *c;
	const struct ld_host *h;
	char **ops; /* ids of the opinions counted, sorted */
	size_t nops, capops;
	char **keys; /* (act, level, opinion) counted once */
	size_t nkeys, capkeys;
	double n[LEVELS][ACTS];
	int fail;
};

/* 1 province, 2 city, 3 county, 4 township: the depth of a path. */
static int
depth(const char *path)
{
	int d = 1;
	for (const char *p = path; *p; p++)
		d += *p == '/';
	return d < LEVELS ? d : LEVELS - 1;
}

static const char *
level_label(int d)
{
	static const char *const l[] = {"", "省级", "市级", "县级", "乡镇级",
	                                "第5级", "第6级", "第7级"};
	return d > 0 && d < LEVELS ? l[d] : "?";
}

static int
push(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		char **nv = realloc(*v, nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = nc;
	}
	if (((*v)[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has(char **v, size_t n, const char *s)
{
	return n > 0 && bsearch(&s, v, n, sizeof(*v), cmp) != NULL;
}

/* Figure "ACT" and "ACT·LEVEL": record `r` is behind both. */
static void
credit(struct state *s, int act, int lv, const struct ld_rec *r)
{
	char name[64];
	snprintf(name, sizeof(name), "%s·%s", act_names[act], level_label(lv));
	s->h->figure_source(s->c, act_names[act], r);
	s->h->figure_source(s->c, name, r);
}

static int
opinion(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;
	if (push(&s->ops, &s->nops, &s->capops, h->id(r)) != 0)
		return s->fail = 1;
	int lv = depth(h->owner(r));
	s->n[lv][0]++;
	if (h->abi_minor >= 2)
		credit(s, 0, lv, r);
	return 0;
}

static int
action(const struct ld_rec *r, void *arg)
{
	struct state *s = arg;
	const struct ld_host *h = s->h;
	const char *ref = h->str(r, "ref"), *a = h->str(r, "action");
	if (!has(s->ops, s->nops, ref))
		return 0;
	int act = strcmp(a, "forwarded") == 0    ? 1
	          : strcmp(a, "adopted") == 0    ? 2
	          : strcmp(a, "instructed") == 0 ? 3
	                                         : -1;
	if (act < 0)
		return 0;
	int lv = depth(h->owner(r));
	char key[600];
	snprintf(key, sizeof(key), "%d%d|%s", act, lv, ref);
	/* Linear, as actions come in id order (not by key): fine for the
	 * few thousand a year an office sees. */
	for (size_t i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i], key) == 0)
			return 0;
	if (push(&s->keys, &s->nkeys, &s->capkeys, key) != 0)
		return s->fail = 1;
	s->n[lv][act]++;
	if (h->abi_minor >= 2)
		credit(s, act, lv, r);
	return 0;
}

static void
freev(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	if (h->abi_minor < 2) {
		h->log(c, LD_PL_ERROR, "needs a host of ABI 1.2 or later "
		                       "(the opinion kinds)");
		return 1;
	}
	struct state s = {.c = c, .h = h};
	const char *scope = h->scope(c);
	char title[300];
	const char *name = h->office_name(c, scope);
	uint32_t y = h->year(c);
	if (y != 0)
		snprintf(title, sizeof(title), "%s %u年度社情民意信息",
		         name[0] ? name : scope, y);
	else
		snprintf(title, sizeof(title), "%s 社情民意信息",
		         name[0] ? name : scope);
	h->title(c, title);
	struct ld_query q = {.size = sizeof(q), .kind = LD_PK_OPINION,
	                     .live_only = 1};
	int rc = h->each(c, &q, opinion, &s);
	if (rc == 0 && !s.fail) {
		qsort(s.ops, s.nops, sizeof(*s.ops), cmp);
		/* Actions of every office held here, those above the scope
		 * too: from the root of its path. */
		char root[64];
		size_t rl = strcspn(scope, "/");
		snprintf(root, sizeof(root), "%.*s", (int)rl, scope);
		struct ld_query qa = {.size = sizeof(qa),
		                      .kind = LD_PK_OPINION_ACTION,
		                      .owner = root,
		                      .year = LD_YEAR_ALL,
		                      .live_only = 1};
		rc = h->each(c, &qa, action, &s);
	}
	if (rc != 0 || s.fail) {
		freev(s.ops, s.nops);
		freev(s.keys, s.nkeys);
		h->log(c, LD_PL_ERROR, "out of memory, or the store could not "
		                       "be read");
		return 2;
	}
	static const char *const cols[] = {"层级", "撰写", "报送", "采用",
	                                   "批示"};
	h->table(c, "各级社情民意信息", 5, cols);
	double tot[ACTS] = {0};
	for (int lv = 1; lv < LEVELS; lv++) {
		double any = 0;
		for (int a = 0; a < ACTS; a++)
			any += s.n[lv][a];
		if (any == 0)
			continue;
		char b[ACTS][32];
		for (int a = 0; a < ACTS; a++) {
			snprintf(b[a], sizeof(b[a]), "%.0f", s.n[lv][a]);
			tot[a] += s.n[lv][a];
			if (s.n[lv][a] > 0) {
				char fig[64];
				snprintf(fig, sizeof(fig), "%s·%s",
				         act_names[a], level_label(lv));
				h->figure(c, fig, s.n[lv][a]);
			}
		}
		const char *cells[] = {level_label(lv), b[0], b[1], b[2], b[3]};
		h->row(c, cells);
	}
	char t[ACTS][32];
	for (int a = 0; a < ACTS; a++) {
		snprintf(t[a], sizeof(t[a]), "%.0f", tot[a]);
		h->figure(c, act_names[a], tot[a]);
		h->figure_source(c, act_names[a], NULL);
	}
	const char *cells[] = {"合计", t[0], t[1], t[2], t[3]};
	h->row(c, cells);
	const char *labels[] = {"撰写", "报送", "采用", "批示"};
	h->chart(c, "社情民意信息", ACTS, labels, tot);
	freev(s.ops, s.nops);
	freev(s.keys, s.nkeys);
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "opinions",
    .version = "1.0.0",
    .description = "社情民意信息: written, forwarded, adopted and "
                   "instructed on, per level",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
