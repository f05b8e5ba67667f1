/* spin.c — a test plugin that spins on the CPU and never returns. */
#include <liandong/plugin.h>

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	(void)c;
	(void)h;
	for (volatile unsigned long n = 0;; n++)
		;
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT, .name = "spin", .version = "0.1",
    .description = "spins on the CPU (a test plugin)", .formats = "md",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
