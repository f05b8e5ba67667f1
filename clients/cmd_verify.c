/* cmd_verify.c — 'verify REPORT_ID': run a published report's plugin
 * again, as the office that published it and with its settings, over
 * the signed records this node holds, and compare each figure and the
 * records behind it (id, version) with what the REPORT record carries
 * (docs/protocol.md "Verifying a report"). The plugin runs in
 * liandong-report, never here. */
#include "cli.h"
#include "config.h"
#include "plugins.h"
#include "record.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One record behind a figure. */
struct input {
	const char *figure, *id;
	uint64_t version;
};

struct inputs {
	struct input *v;
	size_t n;
	bool attributed;
};

/* A whole small file, malloc'd and NUL-terminated; NULL if unreadable. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	char *b = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&b, &n);
	char buf[8192];
	size_t got;
	while (m != NULL && (got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, m);
	fclose(f);
	if (m == NULL || fclose(m) != 0) {
		free(b);
		return NULL;
	}
	return b;
}

/* The runner's --sources file, parsed in place in `text`. */
static int
parse_sources(char *text, struct inputs *out)
{
	size_t lines = 1;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	out->v = calloc(lines, sizeof(*out->v));
	if (out->v == NULL)
		return -ENOMEM;
	for (char *line = text, *next; line != NULL && *line; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strcmp(line, "#attributed") == 0) {
			out->attributed = true;
			continue;
		}
		char *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t2 == NULL || t2 == t1 + 1)
			continue;
		*t1 = *t2 = '\0';
		out->v[out->n++] = (struct input){line, t1 + 1,
		                                  strtoull(t2 + 1, NULL, 10)};
	}
	return 0;
}

/* The version of `id` behind `figure` in `in`, 0 if it is not there. */
static uint64_t
version_in(const struct inputs *in, const char *figure, const char *id)
{
	for (size_t i = 0; i < in->n; i++)
		if (strcmp(in->v[i].figure, figure) == 0 &&
		    strcmp(in->v[i].id, id) == 0)
			return in->v[i].version;
	return 0;
}

/* The figure's value in the runner's --figures text, or false. */
static bool
value_in(const char *figs, const char *name, double *v)
{
	size_t nl = strlen(name);
	for (const char *line = figs; line != NULL && *line;) {
		const char *next = strchr(line, '\n');
		if (strncmp(line, name, nl) == 0 && line[nl] == '\t') {
			*v = strtod(line + nl + 1, NULL);
			return true;
		}
		line = next ? next + 1 : NULL;
	}
	return false;
}

static bool
same(double a, double b)
{
	double d = a > b ? a - b : b - a;
	return d <= 1e-9 * (a > 0 ? a : -a) + 1e-12;
}

struct verdict {
	int match, stale, differs;
};

/* Compare figure `name`: print it (or add it to `arr`) and count it. */
static void
compare(const char *name, bool pub_has, double pub, bool now_has, double now,
        const struct inputs *was, const struct inputs *is, bool attributed,
        json_object *arr, struct verdict *vd)
{
	/* Records that changed, went or came since publication. */
	char changes[4096] = "";
	size_t off = 0;
	json_object *jch = json_object_new_array(), *jin = json_object_new_array();
	for (int pass = 0; attributed && pass < 2; pass++) {
		const struct inputs *a = pass == 0 ? was : is;
		for (size_t i = 0; i < a->n; i++) {
			if (strcmp(a->v[i].figure, name) != 0)
				continue;
			uint64_t pv = pass == 0 ? a->v[i].version
			                        : version_in(was, name, a->v[i].id);
			uint64_t cv = pass == 1 ? a->v[i].version
			                        : version_in(is, name, a->v[i].id);
			if (pass == 1) {
				json_object *o = json_object_new_object();
				json_object_object_add(
				    o, "id", json_object_new_string(a->v[i].id));
				json_object_object_add(
				    o, "version", json_object_new_int64((int64_t)cv));
				json_object_array_add(jin, o);
			}
			if (pv == cv || (pass == 1 && pv != 0))
				continue;
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id",
			                       json_object_new_string(a->v[i].id));
			json_object_object_add(
			    o, "published_version",
			    json_object_new_int64((int64_t)pv));
			json_object_object_add(o, "version",
			                       json_object_new_int64((int64_t)cv));
			json_object_array_add(jch, o);
			int w;
			if (pv != 0 && cv != 0)
				w = snprintf(changes + off, sizeof(changes) - off,
				             "%s%s v%llu -> v%llu", off ? ", " : "",
				             a->v[i].id, (unsigned long long)pv,
				             (unsigned long long)cv);
			else if (pv != 0)
				w = snprintf(changes + off, sizeof(changes) - off,
				             "%s%s v%llu: no longer counted",
				             off ? ", " : "", a->v[i].id,
				             (unsigned long long)pv);
			else
				w = snprintf(changes + off, sizeof(changes) - off,
				             "%s%s v%llu: new", off ? ", " : "",
				             a->v[i].id, (unsigned long long)cv);
			if (w > 0 && (size_t)w < sizeof(changes) - off)
				off += (size_t)w;
		}
	}
	bool stale = json_object_array_length(jch) > 0;
	bool equal = pub_has && now_has && same(pub, now);
	const char *st = stale ? "stale" : equal ? "match" : "differs";
	if (stale)
		vd->stale++;
	else if (equal)
		vd->match++;
	else
		vd->differs++;
	if (arr != NULL) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "published",
		                       pub_has ? json_object_new_double(pub)
		                               : NULL);
		json_object_object_add(o, "now",
		                       now_has ? json_object_new_double(now)
		                               : NULL);
		json_object_object_add(o, "status", json_object_new_string(st));
		json_object_object_add(o, "inputs", jin);
		json_object_object_add(o, "changed", jch);
		json_object_array_add(arr, o);
		return;
	}
	char p[32] = "-", n[32] = "-";
	if (pub_has)
		snprintf(p, sizeof(p), "%g", pub);
	if (now_has)
		snprintf(n, sizeof(n), "%g", now);
	printf("  %-14s published %-8s now %-8s %s\n", name, p, n, st);
	if (stale)
		printf("      changed: %s\n", changes);
	size_t k = json_object_array_length(jin);
	if (k > 0) {
		printf("      records:");
		for (size_t i = 0; i < k; i++) {
			json_object *o = json_object_array_get_idx(jin, i);
			printf("%s %s v%lld", i ? "," : "",
			       json_object_get_string(
			           json_object_object_get(o, "id")),
			       (long long)json_object_get_int64(
			           json_object_object_get(o, "version")));
		}
		printf("\n");
	}
	json_object_put(jin);
	json_object_put(jch);
}

int
ld_cli_run_verify(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(c, "verify runs the report's plugin "
		                          "on the node's own machine: use --data "
		                          "DIR, not --remote");
	if (ld_cli_data_dir == NULL || ld_cli_data_dir[0] == '\0')
		return ld_cli_usage_error(c, "no data directory: pass --data DIR "
		                          "or set LIANDONG_DATA");
	struct ld_config cfg;
	char err[PATH_MAX + 256];
	if (ld_config_load(ld_cli_data_dir, &cfg, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	Ld__Record *r = NULL;
	if ((rc = ld_cli_get(c, a.rest[0], &r)) != 0)
		return rc;
	struct ld_plugin_info *f = NULL;
	size_t nf = 0;
	char dir[] = "/tmp/liandong-verify.XXXXXX";
	char figs_p[64], srcs_p[64], out_p[64];
	char *figs = NULL, *srcs = NULL;
	struct inputs was = {0}, is = {0};
	bool made = false;
	if (r->body_case != LD__RECORD__BODY_REPORT || r->deleted) {
		rc = r->deleted ? ld_cli_fail("%s was deleted", r->id)
		                : ld_cli_fail("%s is a %s, not a published report",
		                              r->id, ld_kind_name(r->kind));
		goto leave;
	}
	const Ld__Report *rp = r->report;
	if (ld_plugins_find(cfg.plugin_dir, &f, &nf, err, sizeof(err)) != 0) {
		rc = ld_cli_fail("%s ([report] plugin_dir)", err);
		goto leave;
	}
	const struct ld_plugin_info *p = ld_plugins_pick(f, nf, rp->plugin, NULL);
	if (p == NULL) {
		rc = ld_cli_fail("%s: no usable report plugin named '%s' in %s",
		                 r->id, rp->plugin, cfg.plugin_dir);
		goto leave;
	}
	if (mkdtemp(dir) == NULL) {
		rc = ld_cli_fail("%s: %s", dir, strerror(errno));
		goto leave;
	}
	made = true;
	snprintf(figs_p, sizeof(figs_p), "%s/figures", dir);
	snprintf(srcs_p, sizeof(srcs_p), "%s/sources", dir);
	snprintf(out_p, sizeof(out_p), "%s/out", dir);
	const char *fmt = ld_report_format_valid(rp->format) ? rp->format
	                                                     : "md";
	const char *scope = rp->scope[0] ? rp->scope : r->owner;
	const struct ld_report_run run = {
	    .data_dir = cfg.dir,
	    .plugin_file = p->file,
	    .format = fmt,
	    .year = rp->year,
	    .scope = scope,
	    .out = out_p,
	    .set = (const char *const *)rp->settings,
	    .nset = rp->n_settings,
	    .timeout_ms = (int)cfg.report_timeout_s * 1000,
	    .out_fd = -1,
	    .figures = figs_p,
	    .sources = srcs_p,
	};
	struct ld_spawn_result sr;
	ld_report_run(&run, &sr);
	if (sr.how != LD_SPAWN_EXITED || sr.code != 0) {
		char how[256];
		const char *last = ld_report_reason(&sr);
		rc = ld_cli_fail("%s: the %s plugin did not run again: %s", r->id,
		                 rp->plugin,
		                 sr.how == LD_SPAWN_EXITED && last[0]
		                     ? last
		                     : ld_spawn_describe(&sr, run.timeout_ms, how,
		                                         sizeof(how)));
		goto leave;
	}
	figs = slurp(figs_p);
	srcs = slurp(srcs_p);
	if (figs == NULL || srcs == NULL || parse_sources(srcs, &is) != 0) {
		rc = ld_cli_fail("%s: the runner's output is missing", r->id);
		goto leave;
	}
	was.v = calloc(rp->n_inputs ? rp->n_inputs : 1, sizeof(*was.v));
	if (was.v == NULL) {
		rc = ld_cli_fail("out of memory");
		goto leave;
	}
	for (size_t i = 0; i < rp->n_inputs; i++)
		was.v[was.n++] = (struct input){rp->inputs[i]->figure,
		                                rp->inputs[i]->id,
		                                rp->inputs[i]->version};
	was.attributed = rp->attributed;
	bool attributed = was.attributed && is.attributed;
	json_object *arr = a.json ? json_object_new_array() : NULL;
	if (!a.json) {
		printf("report %s: %s of %s (%s), published by %s; recomputed "
		       "here from the signed records this node holds\n",
		       r->id, rp->plugin, scope, rp->period, r->owner);
		if (!attributed)
			printf("  the plugin does not name the records behind its "
			       "figures (SDK before 1.2): figures compared only\n");
	}
	struct verdict vd = {0};
	for (size_t i = 0; i < rp->n_figures; i++) {
		double now = 0;
		bool has = value_in(figs, rp->figures[i]->name, &now);
		compare(rp->figures[i]->name, true, rp->figures[i]->value, has,
		        now, &was, &is, attributed, arr, &vd);
	}
	/* Figures there now that were not published. */
	for (const char *line = figs; line != NULL && *line;) {
		const char *tab = strchr(line, '\t'), *next = strchr(line, '\n');
		char name[256];
		if (tab != NULL && (size_t)(tab - line) < sizeof(name)) {
			snprintf(name, sizeof(name), "%.*s", (int)(tab - line),
			         line);
			bool published = false;
			for (size_t i = 0; i < rp->n_figures && !published; i++)
				published = strcmp(rp->figures[i]->name, name) == 0;
			if (!published)
				compare(name, false, 0, true, strtod(tab + 1, NULL),
				        &was, &is, attributed, arr, &vd);
		}
		line = next ? next + 1 : NULL;
	}
	bool all = vd.stale == 0 && vd.differs == 0;
	if (a.json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "report", json_object_new_string(r->id));
		json_object_object_add(o, "plugin",
		                       json_object_new_string(rp->plugin));
		json_object_object_add(o, "scope", json_object_new_string(scope));
		json_object_object_add(o, "attributed",
		                       json_object_new_boolean(attributed));
		json_object_object_add(o, "match", json_object_new_boolean(all));
		json_object_object_add(o, "figures", arr);
		printf("%s\n", json_object_to_json_string_ext(
		                   o, JSON_C_TO_STRING_SPACED |
		                          JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("%d figures: %d match, %d stale, %d differ\n",
		       vd.match + vd.stale + vd.differs, vd.match, vd.stale,
		       vd.differs);
	}
	rc = all ? 0 : 1;
leave:
	if (made) {
		unlink(figs_p);
		unlink(srcs_p);
		unlink(out_p);
		rmdir(dir);
	}
	free(figs);
	free(srcs);
	free(was.v);
	free(is.v);
	free(f);
	ld__record__free_unpacked(r, NULL);
	return rc;
}
