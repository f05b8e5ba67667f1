/* cmd_report.c — report plugins from the CLI: 'plugins' lists what is
 * installed (each probed by liandong-report), 'report NAME' runs one.
 * Plugins never run in this process: liandong-report does, spawned with
 * the node's deadline. */
#include "cli.h"
#include "config.h"
#include "flow.h"
#include "path.h"
#include "plugins.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The node's configuration (plugin_dir, timeout_s). 0, or the exit code. */
static int
load_config(const struct cmd *c, struct ld_config *cfg)
{
	if (ld_cli_remote != NULL)
		return ld_cli_usage_error(
		    c, "reports run on the node's own machine: "
		       "use --data DIR there, not --remote");
	if (ld_cli_data_dir == NULL || ld_cli_data_dir[0] == '\0')
		return ld_cli_usage_error(
		    c, "no data directory: pass --data DIR or "
		       "set LIANDONG_DATA");
	char err[1024];
	if (ld_config_load(ld_cli_data_dir, cfg, err, sizeof(err)) != 0)
		return ld_cli_fail("%s", err);
	return 0;
}

/* Probe every *.so in the plugin directory. *out is malloc'd. 0, or the
 * exit code (said). */
static int
find_all(const struct ld_config *cfg, struct ld_plugin_info **out, size_t *n)
{
	char err[PATH_MAX + 256];
	if (ld_plugins_find(cfg->plugin_dir, out, n, err, sizeof(err)) != 0)
		return ld_cli_fail("%s ([report] plugin_dir in the node's "
		                   "liandong.conf)",
		                   err);
	return 0;
}

int
ld_cli_run_plugins(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	struct ld_config cfg;
	if ((rc = load_config(c, &cfg)) != 0)
		return rc;
	struct ld_plugin_info *f;
	size_t n;
	if ((rc = find_all(&cfg, &f, &n)) != 0)
		return rc;
	if (a.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "file",
			                       json_object_new_string(f[i].file));
			if (f[i].refused[0] != '\0') {
				json_object_object_add(
				    o, "refused",
				    json_object_new_string(f[i].refused));
			} else {
#define ADD(k) json_object_object_add(o, #k, json_object_new_string(f[i].k))
				ADD(name);
				ADD(version);
				ADD(abi);
				ADD(formats);
				json_object_object_add(
				    o, "description",
				    json_object_new_string(f[i].desc));
#undef ADD
			}
			json_object_array_add(arr, o);
		}
		printf("%s\n", json_object_to_json_string_ext(
		                   arr, JSON_C_TO_STRING_SPACED |
		                            JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	} else {
		printf("plugins in %s:\n", cfg.plugin_dir);
		if (n == 0)
			printf("  none\n");
		for (size_t i = 0; i < n; i++) {
			if (f[i].refused[0] != '\0')
				printf("  %-16s refused: %s\n",
				       strrchr(f[i].file, '/') + 1,
				       f[i].refused);
			else
				printf("  %-16s %-8s ABI %-5s %-18s %s\n  %16s "
				       "%s\n",
				       f[i].name, f[i].version, f[i].abi,
				       f[i].formats, f[i].file, "", f[i].desc);
		}
	}
	free(f);
	return 0;
}

int
ld_cli_run_report(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_FORMAT, O_YEAR,    O_SCOPE, O_OUT, O_BOM,
	                         O_SET,    O_TIMEOUT, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	struct ld_config cfg;
	if ((rc = load_config(c, &cfg)) != 0)
		return rc;
	const char *name = a.rest[0];
	const char *fmt = a.format ? a.format : "md";
	if (!ld_report_format_valid(fmt))
		return ld_cli_usage_error(
		    c, "--format '%s': one of md, csv, json, html", fmt);
	uint32_t year = 0;
	if (a.year != NULL && (rc = ld_cli_parse_year(c, a.year, &year)) != 0)
		return rc;
	const char *why;
	if (a.scope.n > 1)
		return ld_cli_usage_error(c, "--scope: one office");
	if (a.scope.n == 1 && !ld_path_valid(a.scope.v[0], &why))
		return ld_cli_usage_error(c, "--scope '%s': %s", a.scope.v[0],
		                          why);
	if (a.scope.n == 1 && !ld_flow_scope_inside(cfg.id, a.scope.v[0]))
		return ld_cli_usage_error(c, "--scope %s: outside this node's "
		                          "subtree (%s): a report covers this "
		                          "office and the offices below it",
		                          a.scope.v[0], cfg.id);
	unsigned long timeout = cfg.report_timeout_s;
	char *end;
	if (a.timeout != NULL &&
	    ((timeout = strtoul(a.timeout, &end, 10)) < 1 || timeout > 3600 ||
	     *end != '\0' || a.timeout[0] < '0' || a.timeout[0] > '9'))
		return ld_cli_usage_error(
		    c, "--timeout '%s': seconds from 1 to 3600", a.timeout);
	for (size_t i = 0; i < a.set.n; i++)
		if (strchr(a.set.v[i], '=') == NULL || a.set.v[i][0] == '=')
			return ld_cli_usage_error(
			    c, "--set '%s': not KEY=VALUE", a.set.v[i]);

	if (a.set.n > LD_REPORT_SETS_MAX)
		return ld_cli_usage_error(c, "--set: at most %d",
		                          LD_REPORT_SETS_MAX);
	struct ld_plugin_info *f;
	size_t n;
	if ((rc = find_all(&cfg, &f, &n)) != 0)
		return rc;
	const struct ld_plugin_info *refused;
	const struct ld_plugin_info *p = ld_plugins_pick(f, n, name, &refused);
	if (p == NULL && refused != NULL) {
		rc = ld_cli_fail("report %s: %s was refused: %s", name,
		                 refused->file, refused->refused);
		free(f);
		return rc;
	}
	if (p == NULL) {
		rc = ld_cli_fail("no report plugin named '%s' in %s ('liandong "
		                 "plugins' lists them)",
		                 name, cfg.plugin_dir);
		free(f);
		return rc;
	}
	const struct ld_report_run run = {
	    .data_dir = cfg.dir,
	    .plugin_file = p->file,
	    .format = fmt,
	    .year = year,
	    .scope = a.scope.n == 1 ? a.scope.v[0] : NULL,
	    .out = a.out,
	    .bom = a.bom,
	    .set = (const char *const *)a.set.v,
	    .nset = a.set.n,
	    .timeout_ms = (int)timeout * 1000,
	    .out_fd = -1,
	};
	struct ld_spawn_result r;
	int ms = run.timeout_ms;
	ld_report_run(&run, &r);
	char how[256];
	if (r.how == LD_SPAWN_EXITED && r.code == 0) {
		/* What the plugin logged. */
		if (r.err[0] != '\0')
			fprintf(stderr, "%s\n", r.err);
		rc = 0;
	} else if (r.how == LD_SPAWN_EXITED) {
		/* The runner said why, on its last line: pass it on. */
		const char *last = ld_report_reason(&r);
		rc = ld_cli_fail("report %s: %s", name,
		                 last[0] ? last : "failed");
	} else if (r.how == LD_SPAWN_TIMEOUT) {
		rc = ld_cli_fail(
		    "report %s: the plugin was %s (timeout_s in [report], "
		    "or --timeout); nothing was written",
		    name, ld_spawn_describe(&r, ms, how, sizeof(how)));
	} else {
		rc = ld_cli_fail(
		    "report %s: the plugin %s; nothing was written", name,
		    ld_spawn_describe(&r, ms, how, sizeof(how)));
	}
	free(f);
	return rc;
}

/* ---------------------------------------------------------------- published */

int
ld_cli_run_report_list(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_OWNER, O_JSON, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 0, &a);
	if (rc != 0)
		return rc;
	const char *why;
	if (a.owner != NULL && !ld_path_valid(a.owner, &why))
		return ld_cli_usage_error(c, "--owner '%s': %s", a.owner, why);
	Ld__Record **recs = NULL;
	size_t n = 0;
	if ((rc = ld_cli_fetch(c, LD__KIND__KIND_REPORT, a.owner ? a.owner : "",
	                       NULL, 0, &recs, &n)) != 0)
		return rc;
	if (a.json) {
		json_object *arr = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			const Ld__Record *r = recs[i];
			if (r->deleted || r->body_case != LD__RECORD__BODY_REPORT)
				continue;
			const Ld__Report *p = r->report;
			json_object *o = json_object_new_object();
			json_object_object_add(o, "id",
			                       json_object_new_string(r->id));
			json_object_object_add(o, "owner",
			                       json_object_new_string(r->owner));
			json_object_object_add(o, "plugin",
			                       json_object_new_string(p->plugin));
			json_object_object_add(o, "period",
			                       json_object_new_string(p->period));
			json_object_object_add(o, "format",
			                       json_object_new_string(p->format));
			json_object_object_add(
			    o, "bytes", json_object_new_int64((int64_t)p->content.len));
			json_object *fg = json_object_new_object();
			for (size_t k = 0; k < p->n_figures; k++)
				json_object_object_add(
				    fg, p->figures[k]->name,
				    json_object_new_double(p->figures[k]->value));
			json_object_object_add(o, "figures", fg);
			json_object_array_add(arr, o);
		}
		printf("%s\n", json_object_to_json_string_ext(
		                   arr, JSON_C_TO_STRING_SPACED |
		                            JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(arr);
	} else {
		printf("%-40s %-10s %-12s %-6s %8s  %s\n", "ID", "PLUGIN",
		       "PERIOD", "FORMAT", "BYTES", "FIGURES");
		for (size_t i = 0; i < n; i++) {
			const Ld__Record *r = recs[i];
			if (r->deleted || r->body_case != LD__RECORD__BODY_REPORT)
				continue;
			const Ld__Report *p = r->report;
			printf("%-40s %-10s %-12s %-6s %8zu ", r->id, p->plugin,
			       p->period, p->format, p->content.len);
			for (size_t k = 0; k < p->n_figures && k < 6; k++)
				printf(" %s=%g", p->figures[k]->name,
				       p->figures[k]->value);
			printf("%s\n", p->n_figures > 6 ? " ..." : "");
		}
	}
	ld_cli_free_records(recs, n);
	return 0;
}

int
ld_cli_run_report_get(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_OUT, 0};
	struct args a;
	int rc = ld_cli_args(c, argc, argv, ok, 1, &a);
	if (rc != 0)
		return rc;
	if ((rc = ld_cli_need(c, a.out, "--out")) != 0)
		return rc;
	Ld__Record *r = NULL;
	if ((rc = ld_cli_get(c, a.rest[0], &r)) != 0)
		return rc;
	if (r->body_case != LD__RECORD__BODY_REPORT || r->deleted) {
		rc = ld_cli_fail("%s is not a report%s", a.rest[0],
		                 r->deleted ? " (it was deleted)" : "");
		ld__record__free_unpacked(r, NULL);
		return rc;
	}
	const ProtobufCBinaryData *d = &r->report->content;
	if (strcmp(a.out, "-") == 0) {
		if (fwrite(d->data, 1, d->len, stdout) != d->len)
			rc =
			    ld_cli_fail("standard output: %s", strerror(errno));
	} else {
		char tmp[PATH_MAX + 8];
		snprintf(tmp, sizeof(tmp), "%s.part", a.out);
		FILE *f = fopen(tmp, "wbx");
		if (f == NULL) {
			unlink(tmp);
			f = fopen(tmp, "wbx");
		}
		if (f == NULL ||
		    (d->len > 0 && fwrite(d->data, 1, d->len, f) != d->len) ||
		    fclose(f) != 0 || rename(tmp, a.out) != 0) {
			rc = ld_cli_fail("%s: %s", a.out, strerror(errno));
			unlink(tmp);
		} else {
			fprintf(stderr, "%s: %s report of %s for %s, %zu bytes\n",
			        a.out, r->report->plugin, r->owner,
			        r->report->period, d->len);
		}
	}
	ld__record__free_unpacked(r, NULL);
	return rc;
}
