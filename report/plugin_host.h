/* plugin_host.h — loading a report plugin (and checking its descriptor)
 * and running it against the host table: records from a read-only store,
 * output into a document (render.h) or raw bytes. Used by liandong-report
 * only: plugins never run in the daemon. */
#ifndef LD_PLUGIN_HOST_H
#define LD_PLUGIN_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong/plugin.h"
#include "render.h"
#include "store.h"

struct ld_loaded {
	void *dl;
	const struct ld_plugin *p;
	char file[4096];
};

/* dlopen `file` and check what ld_plugin_entry_v1 returns: magic, size,
 * ABI major, name, formats, run. On refusal writes one line naming what
 * is wrong and returns -errno (the file cannot be read), -EINVAL (not a
 * regular file) or LD_EREFUSED (not a plugin this host can run). */
int ld_plugin_load(const char *file, struct ld_loaded *out, char *err,
                   size_t errlen);
void ld_plugin_unload(struct ld_loaded *l);

/* Is `fmt` among the plugin's comma-separated formats? */
bool ld_plugin_supports(const struct ld_plugin *p, const char *fmt);

#define LD_RUN_SET_MAX 64

/* The records a plugin named behind its figures (figure_source, ABI
 * 1.2): `figure[i]` counts record `id[i]` at `version[i]`; `id[i]` NULL
 * only declares the figure attributed. `attributed`: the plugin called
 * figure_source at all. Free with ld_sources_free. */
struct ld_sources {
	char **figure, **id;
	uint64_t *version;
	size_t n, cap;
	bool attributed;
};
void ld_sources_free(struct ld_sources *s);

/* One run. */
struct ld_run {
	const char *format; /* md, csv, json, html */
	uint32_t year;      /* 0: all */
	const char *scope;  /* the office reported on */
	const char *self;   /* the node */
	const char *set_key[LD_RUN_SET_MAX], *set_val[LD_RUN_SET_MAX];
	size_t nset;
	struct ld_sources *sources; /* where figure_source goes; NULL: nowhere */
};

/* Run the plugin. Its structured output goes into `doc`; raw output (if
 * it used `write`) into *raw and *rawlen (malloc'd, NULL if none). Returns 0,
 * or with a one-line reason LD_EPLUGIN (the plugin's init or run failed,
 * or it mixed raw and structured output), -ENOMEM, or the store's code
 * (the store could not be read). */
int ld_plugin_run(const struct ld_loaded *l, const struct ld_run *run,
                  struct ld_store *st, struct ld_doc *doc, char **raw,
                  size_t *rawlen, char *err, size_t errlen);

#endif
