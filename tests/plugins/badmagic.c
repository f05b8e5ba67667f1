/* badmagic.c — a test plugin whose descriptor has the wrong magic and is
 * too small. */
#include <liandong/plugin.h>

static const struct ld_plugin plugin = {
    .magic = 0x12345678u, .size = 8, .abi_major = LD_PLUGIN_ABI_MAJOR,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
