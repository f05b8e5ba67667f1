/* hog.c — a test plugin that takes memory without end, touching every
 * page: when malloc fails it gives up (returns 1), or with --set crash=1
 * writes through the NULL it got, as careless code would. */
#include <liandong/plugin.h>

#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

static int
run(struct ld_ctx *c, const struct ld_host *h)
{
	const char *crash = h->config(c, "crash");
	h->title(c, "never shown");
	for (;;) {
		char *p = malloc(CHUNK);
		if (p == NULL && crash == NULL) {
			h->log(c, LD_PL_ERROR, "out of memory");
			return 1;
		}
		/* Every page, so it is really used. */
		for (size_t i = 0; i < CHUNK; i += 4096)
			((volatile char *)p)[i] = 1;
	}
}

static const struct ld_plugin plugin = {
    LD_PLUGIN_INIT, .name = "hog", .version = "0.1",
    .description = "takes all the memory it can (a test plugin)",
    .formats = "md", .run = run,
};

LD_PLUGIN_EXPORT const struct ld_plugin *
ld_plugin_entry_v1(void)
{
	return &plugin;
}
