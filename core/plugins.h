/* plugins.h — the installed report plugins, for every program that runs
 * them on request (the CLI's `plugins` and `report`, the console's
 * reports page): each *.so of [report] plugin_dir probed by
 * liandong-report, and one run by liandong-report with its options and
 * the node's deadline. Plugins never load in the caller's process. */
#ifndef LD_PLUGINS_H
#define LD_PLUGINS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "subproc.h"

#define LD_PLUGINS_MAX 256
/* How long a probe may take. */
#define LD_PLUGIN_PROBE_MS 10000
/* At most this many --set KEY=VALUE for one run. */
#define LD_REPORT_SETS_MAX 256

/* One *.so found, as its probe described it. */
struct ld_plugin_info {
	char file[PATH_MAX];
	char name[64], version[64], abi[16], formats[128], desc[256];
	char refused[512]; /* why the runner refused it, or "" */
};

/* Probe every *.so in `dir` (by file name order) into a malloc'ed array
 * (*out, *n; free it). Returns 0, or -errno with "DIR: reason" in err
 * (the directory cannot be read) or -ENOMEM. */
int ld_plugins_find(const char *dir, struct ld_plugin_info **out, size_t *n,
                    char *err, size_t errlen);

/* The usable plugin called `name`, or NULL; then *refused (if not NULL)
 * is NAME.so when it is there but was refused, else NULL. */
const struct ld_plugin_info *
ld_plugins_pick(const struct ld_plugin_info *f, size_t n, const char *name,
                const struct ld_plugin_info **refused);

/* What to run: the plugin's file and the runner's options. */
struct ld_report_run {
	const char *data_dir;    /* the node's data directory */
	const char *plugin_file; /* ld_plugin_info.file */
	const char *format;      /* md, csv, json, html */
	uint32_t year;           /* 0 = none given */
	const char *scope;       /* NULL = the node's own office */
	const char *out;         /* NULL = the runner's standard output */
	bool bom;
	const char *const *set;  /* KEY=VALUE, nset of them */
	size_t nset;
	int timeout_ms;
	int out_fd;              /* with out NULL: where its standard output
	                            goes (-1: this process's) */
	const char *figures;     /* --figures FILE, NULL = none */
	const char *sources;     /* --sources FILE (the records behind the
	                            figures, SDK 1.2), NULL = none */
};

/* Is `f` a format a report is written in (md, csv, json, html)? */
bool ld_report_format_valid(const char *f);

/* Run liandong-report for `run`, waiting at most run->timeout_ms. Returns
 * 0 when it ran (r->how and r->code say how it ended) or -errno (it could
 * not start, or more than LD_REPORT_SETS_MAX settings: -E2BIG). */
int ld_report_run(const struct ld_report_run *run, struct ld_spawn_result *r);

/* The runner's reason for a failed run (it exited, not 0): the last line
 * it wrote, without its "liandong-report: " prefix; "" if none. Points
 * into r. */
const char *ld_report_reason(const struct ld_spawn_result *r);

#endif
