/* oldabi.c — a test plugin built for another ABI major (0). */
#include <liandong/plugin.h>

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	(void)c;
	(void)h;
	return 0;
}

static const struct ld_plugin plugin = {
    .magic = LD_PLUGIN_MAGIC, .size = sizeof(struct ld_plugin),
    .abi_major = 0, .abi_minor = 9, .name = "oldabi", .version = "0.1",
    .description = "an old ABI (a test plugin)", .formats = "md",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
