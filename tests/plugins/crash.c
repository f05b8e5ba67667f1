/* crash.c — a test plugin that dies of SIGSEGV in the middle of a run. */
#include <liandong/plugin.h>

#include <signal.h>

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	h->title(c, "never shown");
	/* A real SIGSEGV death even where a sanitizer catches segfaults. */
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	return 0;
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT, .name = "crash", .version = "0.1",
    .description = "segfaults (a test plugin)", .formats = "md",
    .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
