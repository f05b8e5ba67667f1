/* abi10.c — a test plugin of ABI 1.0, as one built against the 1.0 SDK
 * declares itself: it knows only the 1.0 part of the host table (up to
 * `log`) and must still load and run on a host of a later minor. */
#include <liandong/plugin.h>

#include <stddef.h>

static int
visit(const struct ld_rec *r, void *arg)
{
	(void)r;
	++*(double *)arg;
	return 0;
}

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	/* The 1.0 table ends with `log`: a later host's is larger. */
	if (h->size < offsetof(struct ld_host, log) + sizeof(h->log))
		return 1;
	double n = 0;
	struct ld_query q = {.size = offsetof(struct ld_query, live_only) +
	                             sizeof(q.live_only),
	                     .kind = LD_PK_TASK,
	                     .live_only = 1};
	if (h->each(c, &q, visit, &n) != 0)
		return 1;
	h->title(c, "ABI 1.0");
	h->figure(c, "task", n);
	return 0;
}

static const struct ld_plugin plugin = {
    .magic = LD_PLUGIN_MAGIC,
    .size = sizeof(struct ld_plugin),
    .abi_major = 1,
    .abi_minor = 0,
    .name = "abi10",
    .version = "0.1",
    .description = "an ABI 1.0 plugin (a test plugin)",
    .formats = "md,csv,json,html",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
