/* hang.c — a test plugin that never returns. */
#include <liandong/plugin.h>

#include <unistd.h>

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	(void)c;
	(void)h;
	for (;;)
		pause();
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT, .name = "hang", .version = "0.1",
    .description = "hangs (a test plugin)", .formats = "md", .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
