/* good.c — a test plugin: counts the records of each kind in scope, with
 * a table, a chart and figures, and logs one line. */
#include <liandong/plugin.h>

#include <stdio.h>
#include <string.h>

static int
visit(const struct ld_rec *r, void *arg)
{
	double *n = arg;
	(void)r;
	n[0]++;
	return 0;
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	static const char *const kinds[] = {"node", "plan", "survey", "task",
	                                    "result", "review", "proposal"};
	double n[8];
	h->title(c, "记录统计");
	h->para(c, h->config(c, "greeting") ? h->config(c, "greeting")
	                                    : "各类记录数");
	static const char *const cols[] = {"类别", "数量"};
	h->table(c, "记录", 2, cols);
	double values[7];
	for (uint32_t k = 1; k <= 7; k++) {
		struct ld_query q = {.size = sizeof(q), .kind = k,
		                     .live_only = 1};
		n[0] = 0;
		if (h->each(c, &q, visit, n) != 0)
			return 1;
		char num[32];
		snprintf(num, sizeof(num), "%.0f", n[0]);
		const char *cells[] = {kinds[k - 1], num};
		h->row(c, cells);
		values[k - 1] = n[0];
		h->figure(c, kinds[k - 1], n[0]);
	}
	h->chart(c, "记录", 7, kinds, values);
	h->log(c, LD_PL_INFO, "counted");
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT,
    .name = "good",
    .version = "0.1",
    .description = "counts records by kind (a test plugin)",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
