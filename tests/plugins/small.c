/* small.c — a test plugin whose descriptor is smaller than ABI 1.0's. */
#include <liandong/plugin.h>

static const struct ld_plugin plugin = {
    .magic = LD_PLUGIN_MAGIC, .size = 16, .abi_major = LD_PLUGIN_ABI_MAJOR,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
