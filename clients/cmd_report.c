/* cmd_report.c — report plugins from the CLI: 'plugins' lists what is
 * installed (each probed by liandong-report), 'report NAME' runs one.
 * Plugins never run in this process: liandong-report does, spawned with
 * the node's deadline. */
#include "cli.h"
#include "config.h"
#include "flow.h"
#include "path.h"
#include "subproc.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_TIMEOUT_MS 10000
#define PLUGINS_MAX 256

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

struct found {
	char file[PATH_MAX];
	char name[64], version[64], abi[16], formats[128], desc[256];
	char refused[512]; /* why it was refused, or "" */
};

static void
copy_field(json_object *o, const char *key, char *dst, size_t len)
{
	json_object *v;
	const char *s = json_object_object_get_ex(o, key, &v) &&
	                        json_object_is_type(v, json_type_string)
	                    ? json_object_get_string(v)
	                    : "";
	snprintf(dst, len, "%s", s);
}

/* Probe `file` with liandong-report --probe --json. */
static void
probe(const char *runner, const char *file, struct found *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->file, sizeof(f->file), "%s", file);
	char outfile[] = "/tmp/ld-probe.XXXXXX";
	int fd = mkstemp(outfile);
	if (fd < 0) {
		snprintf(f->refused, sizeof(f->refused), "%s", strerror(errno));
		return;
	}
	/* The runner's stdout goes to the temporary file. */
	int saved = dup(1);
	fflush(stdout);
	dup2(fd, 1);
	char *argv[] = {(char *)runner, "--probe", (char *)file, "--json",
	                NULL};
	struct ld_spawn_result r;
	int rc = ld_spawn(argv, PROBE_TIMEOUT_MS, &r);
	dup2(saved, 1);
	close(saved);
	char how[256];
	if (rc != 0 || r.how != LD_SPAWN_EXITED || r.code != 0) {
		const char *why = strstr(r.err, ": ");
		snprintf(f->refused, sizeof(f->refused), "%s",
		         r.how == LD_SPAWN_EXITED && why != NULL
		             ? why + 2
		             : ld_spawn_describe(&r, PROBE_TIMEOUT_MS, how,
		                                 sizeof(how)));
		/* "FILE: why" from the runner: keep the why. */
		const char *fw = strstr(f->refused, file);
		if (fw == f->refused && f->refused[strlen(file)] == ':')
			memmove(f->refused, f->refused + strlen(file) + 2,
			        strlen(f->refused + strlen(file) + 2) + 1);
		close(fd);
		unlink(outfile);
		return;
	}
	char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	unlink(outfile);
	buf[n > 0 ? n : 0] = '\0';
	json_object *o = json_tokener_parse(buf);
	if (o == NULL) {
		snprintf(f->refused, sizeof(f->refused), "its probe did not "
		         "answer in JSON");
		return;
	}
	copy_field(o, "name", f->name, sizeof(f->name));
	copy_field(o, "version", f->version, sizeof(f->version));
	copy_field(o, "abi", f->abi, sizeof(f->abi));
	copy_field(o, "formats", f->formats, sizeof(f->formats));
	copy_field(o, "description", f->desc, sizeof(f->desc));
	json_object_put(o);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Probe every *.so in the plugin directory. *out is malloc'd. */
static int
find_all(const struct cmd *c, const struct ld_config *cfg,
         struct found **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(cfg->plugin_dir);
	if (d == NULL)
		return ld_cli_fail(
		    "plugin directory %s: %s ([report] plugin_dir in "
		    "the node's liandong.conf)",
		    cfg->plugin_dir, strerror(errno));
	char *names[PLUGINS_MAX];
	size_t k = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && k < PLUGINS_MAX) {
		size_t l = strlen(e->d_name);
		if (l > 3 && strcmp(e->d_name + l - 3, ".so") == 0)
			names[k++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, k, sizeof(names[0]), by_name);
	struct found *f = calloc(k ? k : 1, sizeof(*f));
	if (f == NULL)
		return ld_cli_fail("out of memory");
	char runner[PATH_MAX];
	ld_report_runner(runner, sizeof(runner));
	for (size_t i = 0; i < k; i++) {
		char file[PATH_MAX];
		snprintf(file, sizeof(file), "%s/%s", cfg->plugin_dir,
		         names[i] ? names[i] : "");
		probe(runner, file, &f[i]);
		free(names[i]);
	}
	(void)c;
	*out = f;
	*n = k;
	return 0;
}

int
ld_cli_run_plugins(const struct cmd *c, int argc, char **argv)
{
	static const int ok[] = {O_JSON, 0};
	struct args a;
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	struct ld_config cfg;
	if ((rc = ld_cli_no_extra(c, &a, 0)) != 0 ||
	    (rc = load_config(c, &cfg)) != 0)
		return rc;
	struct found *f;
	size_t n;
	if ((rc = find_all(c, &cfg, &f, &n)) != 0)
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
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	struct ld_config cfg;
	if ((rc = ld_cli_no_extra(c, &a, 1)) != 0 ||
	    (rc = load_config(c, &cfg)) != 0)
		return rc;
	const char *name = a.rest[0];
	const char *fmt = a.format ? a.format : "md";
	if (strcmp(fmt, "md") != 0 && strcmp(fmt, "csv") != 0 &&
	    strcmp(fmt, "json") != 0 && strcmp(fmt, "html") != 0)
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

	struct found *f;
	size_t n;
	if ((rc = find_all(c, &cfg, &f, &n)) != 0)
		return rc;
	const struct found *p = NULL;
	for (size_t i = 0; i < n && p == NULL; i++)
		if (f[i].refused[0] == '\0' && strcmp(f[i].name, name) == 0)
			p = &f[i];
	/* NAME.so there, but refused: say why. */
	const struct found *refused = NULL;
	for (size_t i = 0; i < n && p == NULL && refused == NULL; i++) {
		const char *base = strrchr(f[i].file, '/');
		base = base ? base + 1 : f[i].file;
		if (f[i].refused[0] != '\0' &&
		    strncmp(base, name, strlen(name)) == 0 &&
		    strcmp(base + strlen(name), ".so") == 0)
			refused = &f[i];
	}
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
	char runner[PATH_MAX], yearbuf[16], dir[PATH_MAX];
	ld_report_runner(runner, sizeof(runner));
	snprintf(dir, sizeof(dir), "%s", cfg.dir);
	char *args[32 + 2 * LIST_MAX_ARGS];
	size_t k = 0;
	args[k++] = runner;
	args[k++] = "--data";
	args[k++] = dir;
	args[k++] = "--plugin";
	args[k++] = (char *)p->file;
	args[k++] = "--format";
	args[k++] = (char *)fmt;
	if (year != 0) {
		snprintf(yearbuf, sizeof(yearbuf), "%u", year);
		args[k++] = "--year";
		args[k++] = yearbuf;
	}
	if (a.scope.n == 1) {
		args[k++] = "--scope";
		args[k++] = a.scope.v[0];
	}
	if (a.out != NULL) {
		args[k++] = "--out";
		args[k++] = (char *)a.out;
	}
	if (a.bom)
		args[k++] = "--bom";
	for (size_t i = 0; i < a.set.n; i++) {
		args[k++] = "--set";
		args[k++] = a.set.v[i];
	}
	args[k] = NULL;
	fflush(stdout);
	struct ld_spawn_result r;
	int ms = (int)timeout * 1000;
	ld_spawn(args, ms, &r);
	char how[256];
	if (r.how == LD_SPAWN_EXITED && r.code == 0) {
		/* What the plugin logged. */
		if (r.err[0] != '\0')
			fprintf(stderr, "%s\n", r.err);
		rc = 0;
	} else if (r.how == LD_SPAWN_EXITED) {
		/* The runner said why, on its last line: pass it on. */
		const char *last = strrchr(r.err, '\n');
		last = last ? last + 1 : r.err;
		if (strncmp(last, "liandong-report: ", 17) == 0)
			last += 17;
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
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = ld_cli_no_extra(c, &a, 0)) != 0)
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
	int rc = ld_cli_parse(c, argc, argv, ok, &a);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = ld_cli_no_extra(c, &a, 1)) != 0 ||
	    (rc = ld_cli_need(c, a.out, "--out")))
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
