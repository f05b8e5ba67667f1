/* plugins.c — find, probe and run report plugins through liandong-report
 * (plugins.h). */
#include "plugins.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Probe `file` with liandong-report --probe --json, its answer caught in
 * a temporary file. */
static void
probe(const char *runner, const char *file, struct ld_plugin_info *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->file, sizeof(f->file), "%s", file);
	char outfile[] = "/tmp/ld-probe.XXXXXX";
	int fd = mkstemp(outfile);
	if (fd < 0) {
		snprintf(f->refused, sizeof(f->refused), "%s", strerror(errno));
		return;
	}
	unlink(outfile);
	char *argv[] = {(char *)runner, "--probe", (char *)file, "--json",
	                NULL};
	struct ld_spawn_result r;
	int rc = ld_spawn_to(argv, LD_PLUGIN_PROBE_MS, fd, &r);
	char how[256];
	if (rc != 0 || r.how != LD_SPAWN_EXITED || r.code != 0) {
		const char *why = strstr(r.err, ": ");
		snprintf(f->refused, sizeof(f->refused), "%s",
		         r.how == LD_SPAWN_EXITED && why != NULL
		             ? why + 2
		             : ld_spawn_describe(&r, LD_PLUGIN_PROBE_MS, how,
		                                 sizeof(how)));
		/* "FILE: why" from the runner: keep the why. */
		size_t fl = strlen(file);
		if (strncmp(f->refused, file, fl) == 0 &&
		    f->refused[fl] == ':' && f->refused[fl + 1] == ' ')
			memmove(f->refused, f->refused + fl + 2,
			        strlen(f->refused + fl + 2) + 1);
		close(fd);
		return;
	}
	char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	json_object *o = json_tokener_parse(buf);
	if (o == NULL) {
		snprintf(f->refused, sizeof(f->refused),
		         "its probe did not answer in JSON");
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

int
ld_plugins_find(const char *dir, struct ld_plugin_info **out, size_t *n,
                char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL) {
		int e = errno;
		snprintf(err, errlen, "plugin directory %s: %s", dir,
		         strerror(e));
		return -e;
	}
	char *names[LD_PLUGINS_MAX];
	size_t k = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && k < LD_PLUGINS_MAX) {
		size_t l = strlen(e->d_name);
		if (l > 3 && strcmp(e->d_name + l - 3, ".so") == 0 &&
		    (names[k] = strdup(e->d_name)) != NULL)
			k++;
	}
	closedir(d);
	qsort(names, k, sizeof(names[0]), by_name);
	struct ld_plugin_info *f = calloc(k ? k : 1, sizeof(*f));
	if (f == NULL) {
		for (size_t i = 0; i < k; i++)
			free(names[i]);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	char runner[PATH_MAX];
	ld_report_runner(runner, sizeof(runner));
	for (size_t i = 0; i < k; i++) {
		char file[PATH_MAX];
		snprintf(file, sizeof(file), "%s/%s", dir, names[i]);
		probe(runner, file, &f[i]);
		free(names[i]);
	}
	*out = f;
	*n = k;
	return 0;
}

const struct ld_plugin_info *
ld_plugins_pick(const struct ld_plugin_info *f, size_t n, const char *name,
                const struct ld_plugin_info **refused)
{
	if (refused != NULL)
		*refused = NULL;
	for (size_t i = 0; i < n; i++)
		if (f[i].refused[0] == '\0' && strcmp(f[i].name, name) == 0)
			return &f[i];
	size_t nl = strlen(name);
	for (size_t i = 0; i < n && refused != NULL; i++) {
		const char *base = strrchr(f[i].file, '/');
		base = base ? base + 1 : f[i].file;
		if (f[i].refused[0] != '\0' && strncmp(base, name, nl) == 0 &&
		    strcmp(base + nl, ".so") == 0) {
			*refused = &f[i];
			break;
		}
	}
	return NULL;
}

bool
ld_report_format_valid(const char *f)
{
	return f != NULL &&
	       (strcmp(f, "md") == 0 || strcmp(f, "csv") == 0 ||
	        strcmp(f, "json") == 0 || strcmp(f, "html") == 0);
}

int
ld_report_run(const struct ld_report_run *run, struct ld_spawn_result *r)
{
	memset(r, 0, sizeof(*r));
	if (run->nset > LD_REPORT_SETS_MAX) {
		r->how = LD_SPAWN_FAILED;
		r->code = E2BIG;
		return -E2BIG;
	}
	char runner[PATH_MAX], yearbuf[16];
	ld_report_runner(runner, sizeof(runner));
	char *args[20 + 2 * LD_REPORT_SETS_MAX];
	size_t k = 0;
	args[k++] = runner;
	args[k++] = "--data";
	args[k++] = (char *)run->data_dir;
	args[k++] = "--plugin";
	args[k++] = (char *)run->plugin_file;
	args[k++] = "--format";
	args[k++] = (char *)run->format;
	if (run->year != 0) {
		snprintf(yearbuf, sizeof(yearbuf), "%u", run->year);
		args[k++] = "--year";
		args[k++] = yearbuf;
	}
	if (run->scope != NULL) {
		args[k++] = "--scope";
		args[k++] = (char *)run->scope;
	}
	if (run->out != NULL) {
		args[k++] = "--out";
		args[k++] = (char *)run->out;
	}
	if (run->bom)
		args[k++] = "--bom";
	if (run->figures != NULL) {
		args[k++] = "--figures";
		args[k++] = (char *)run->figures;
	}
	if (run->sources != NULL) {
		args[k++] = "--sources";
		args[k++] = (char *)run->sources;
	}
	for (size_t i = 0; i < run->nset; i++) {
		args[k++] = "--set";
		args[k++] = (char *)run->set[i];
	}
	args[k] = NULL;
	fflush(stdout);
	return ld_spawn_to(args, run->timeout_ms,
	                   run->out == NULL ? run->out_fd : -1, r);
}

const char *
ld_report_reason(const struct ld_spawn_result *r)
{
	const char *last = strrchr(r->err, '\n');
	last = last ? last + 1 : r->err;
	if (strncmp(last, "liandong-report: ", 17) == 0)
		last += 17;
	return last;
}
