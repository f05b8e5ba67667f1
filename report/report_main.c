/* report_main.c — liandong-report: open a node's store read-only, load one
 * report plugin, run it and write one report (or, with --probe, check a
 * plugin and describe it). Plugins run here and never in the daemon; the
 * daemon and the CLI spawn this with a deadline. The plugin runs in a
 * confined child (confine.h); this process opens the output files first
 * and puts them in place after (guard.h).
 *
 * Exit codes: 0 ok; 1 the plugin failed (its run, its output); 2 usage;
 * 3 the plugin was refused (not a plugin, wrong magic or ABI ...); 4 the
 * store or the output could not be opened. One line on stderr says why. */
#include "config.h"
#include "confine.h"
#include "guard.h"
#include "err.h"
#include "install.h"
#include "flow.h"
#include "json.h"
#include "plugin_host.h"
#include "record.h"
#include "render.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_PLUGIN 1
#define EXIT_USAGE 2
#define EXIT_REFUSED 3
#define EXIT_IO 4

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: liandong-report --data DIR --plugin FILE.so [options]\n"
	        "       liandong-report --probe FILE.so [--json]\n"
	        "\n"
	        "Run one report plugin over the records of a node (its store\n"
	        "opened read-only; the daemon may be running) and write the\n"
	        "report. --probe checks a plugin without running it: whether it\n"
	        "loads, and its descriptor (name, version, ABI, formats).\n"
	        "\n"
	        "  --data DIR        the node's data directory\n"
	        "  --plugin FILE.so  the plugin (a name without '/': the file in\n"
	        "                    the current directory, else in plugin_dir)\n"
	        "  --format F        md, csv, json or html (default md)\n"
	        "  --bom             CSV: start with a UTF-8 byte order mark\n"
	        "                    (for spreadsheets)\n"
	        "  --year Y          only year Y (default: all years)\n"
	        "  --scope PATH      the office reported on, with its subtree\n"
	        "                    (default: the node's own office)\n"
	        "  --set KEY=VALUE   a setting of the plugin (repeatable)\n"
	        "  --out FILE        write there (default: standard output)\n"
	        "  --figures FILE    also write the report's figures there, one\n"
	        "                    per line: NAME, a tab, the number\n"
	        "  --sources FILE    also write the records the plugin named\n"
	        "                    behind its figures (SDK 1.2): one per line,\n"
	        "                    FIGURE, ID, VERSION, tab-separated; a line\n"
	        "                    '#attributed' first if it named any\n"
	        "  --probe FILE.so   check a plugin and describe it (found as\n"
	        "                    --plugin is)\n"
	        "  --json            with --probe: one JSON object\n"
	        "\n"
	        "Exit codes: 0 ok; 1 the plugin failed; 2 usage; 3 the plugin\n"
	        "was refused; 4 the store or the output could not be opened.\n");
}

static int
fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("liandong-report: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

/* Before the plugin is loaded (its constructors run at dlopen): the
 * limits, Landlock and the load stage of the filter; after: the run
 * stage. */
static int
confine_load(const struct ld_confine_limits *lim, const char *plugin)
{
	char err[300];
	if (ld_confine_limits(lim, err, sizeof(err)) != 0 ||
	    ld_confine_landlock(plugin, err, sizeof(err)) != 0 ||
	    ld_confine_seccomp(LD_CONFINE_LOAD, err, sizeof(err)) != 0)
		return fail(EXIT_PLUGIN, "cannot confine the plugin: %s", err);
	return 0;
}

/* A plugin named without a directory ("summary.so", "summary"): the file
 * in the current directory if there is one, else in the plugin directory
 * (the node's plugin_dir with --data, else the installed one). dlopen
 * would otherwise search the library path, never these. */
static const char *
plugin_file(const char *name, const char *data, char *buf, size_t len)
{
	if (strchr(name, '/') != NULL)
		return name;
	size_t n = strlen(name);
	const char *ext = n > 3 && strcmp(name + n - 3, ".so") == 0 ? "" : ".so";
	snprintf(buf, len, "./%s%s", name, ext);
	if (access(buf, F_OK) == 0)
		return buf;
	struct ld_config cfg;
	char err[1024];
	if (data == NULL || ld_config_load(data, &cfg, err, sizeof(err)) != 0)
		ld_install_plugin_dir(cfg.plugin_dir, sizeof(cfg.plugin_dir));
	snprintf(buf, len, "%s/%s%s", cfg.plugin_dir, name, ext);
	return buf;
}

static int
confine_run(void)
{
	char err[300];
	ld_confine_prime();
	if (ld_confine_seccomp(LD_CONFINE_RUN, err, sizeof(err)) != 0)
		return fail(EXIT_PLUGIN, "cannot confine the plugin: %s", err);
	return 0;
}

static int
probe(const char *file, bool json)
{
	struct ld_loaded l;
	char err[600];
	const struct ld_confine_limits lim = {LD_CONFINE_CPU_S,
	                                      LD_CONFINE_MEMORY_MB};
	int rc = confine_load(&lim, file);
	if (rc != 0)
		return rc;
	if (ld_plugin_load(file, &l, err, sizeof(err)) != 0)
		return fail(EXIT_REFUSED, "%s", err);
	if ((rc = confine_run()) != 0) {
		ld_plugin_unload(&l);
		return rc;
	}
	const struct ld_plugin *p = l.p;
	const char *desc = p->description ? p->description : "";
	const char *ver = p->version ? p->version : "";
	if (json) {
		struct ld_buf b = {0};
		ld_buf_puts(&b, "{\"file\": ");
		ld_json_put_string(&b, file);
		ld_buf_puts(&b, ", \"name\": ");
		ld_json_put_string(&b, p->name);
		ld_buf_puts(&b, ", \"version\": ");
		ld_json_put_string(&b, ver);
		ld_buf_printf(&b, ", \"abi\": \"%u.%u\", \"formats\": ",
		              p->abi_major, p->abi_minor);
		ld_json_put_string(&b, p->formats);
		ld_buf_puts(&b, ", \"description\": ");
		ld_json_put_string(&b, desc);
		ld_buf_puts(&b, "}\n");
		char *out = ld_buf_take(&b, NULL);
		if (out == NULL) {
			ld_plugin_unload(&l);
			return fail(EXIT_PLUGIN, "out of memory");
		}
		fputs(out, stdout);
		free(out);
	} else {
		printf("%s: a liandong report plugin\n"
		       "name         %s\n"
		       "version      %s\n"
		       "abi          %u.%u (this host: %u.%u)\n"
		       "formats      %s\n"
		       "description  %s\n",
		       file, p->name, ver, p->abi_major, p->abi_minor,
		       LD_PLUGIN_ABI_MAJOR, LD_PLUGIN_ABI_MINOR, p->formats,
		       desc);
	}
	ld_plugin_unload(&l);
	return 0;
}

static int
write_figures(int fd, const struct ld_doc *doc)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return -errno;
	(void)cap;
	/* NAME<TAB>VALUE per line; tabs and line ends in names become
	 * spaces, figures that are not finite numbers are left out. */
	for (size_t i = 0; i < ld_doc_nfigures(doc); i++) {
		double v = ld_doc_figure_value(doc, i);
		if (v != v || v > 1e308 || v < -1e308)
			continue;
		for (const char *s = ld_doc_figure_name(doc, i); *s; s++)
			fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s,
			      f);
		fprintf(f, "\t%.17g\n", v);
	}
	if (fclose(f) != 0) {
		int rc = -errno;
		free(buf);
		return rc;
	}
	int rc = ld_guard_write(fd, buf, len);
	free(buf);
	return rc;
}

static int
write_sources(int fd, const struct ld_sources *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL)
		return -errno;
	if (s->attributed)
		fputs("#attributed\n", f);
	for (size_t i = 0; i < s->n; i++) {
		for (const char *p = s->figure[i]; *p; p++)
			fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p,
			      f);
		fprintf(f, "\t%s\t%llu\n", s->id[i] ? s->id[i] : "",
		        (unsigned long long)s->version[i]);
	}
	if (fclose(f) != 0) {
		int rc = -errno;
		free(buf);
		return rc;
	}
	int rc = ld_guard_write(fd, buf, len);
	free(buf);
	return rc;
}

/* What the confined child does: open the store, confine itself, load
 * the plugin, confine itself further, run it, write the report. */
struct job {
	const struct ld_config *cfg;
	struct ld_run *run;
	const char *plugin;
	bool bom;
	const char *out, *figures, *sources; /* their names, for messages */
	int out_fd, figures_fd, sources_fd; /* -1: standard output; none */
};

static int
run_job(void *arg)
{
	struct job *j = arg;
	struct ld_run *run = j->run;
	char err[1024];
	struct ld_store *st = NULL;
	int rc = ld_store_open_ro(j->cfg->dir, &st);
	if (rc != 0)
		return fail(EXIT_IO, "%s: %s", j->cfg->dir,
		            rc == -ENOENT ? "no store yet (has liandongd run?)"
		                          : ld_store_strerror(rc));
	struct ld_doc *doc = ld_doc_new();
	if (doc == NULL) {
		ld_store_close(&st);
		return fail(EXIT_PLUGIN, "out of memory");
	}
	const struct ld_confine_limits lim = {j->cfg->report_cpu_s,
	                                      j->cfg->report_memory_mb};
	struct ld_loaded l = {0};
	char *raw = NULL, *text = NULL;
	size_t rawlen = 0, len = 0;
	int code = confine_load(&lim, j->plugin);
	if (code != 0)
		goto leave;
	if (ld_plugin_load(j->plugin, &l, err, sizeof(err)) != 0) {
		code = fail(EXIT_REFUSED, "%s", err);
		goto leave;
	}
	if (!ld_plugin_supports(l.p, run->format)) {
		code = fail(EXIT_USAGE, "%s does not write %s (it writes %s)",
		            l.p->name, run->format, l.p->formats);
		goto leave;
	}
	if ((code = confine_run()) != 0)
		goto leave;
	if (ld_plugin_run(&l, run, st, doc, &raw, &rawlen, err,
	                  sizeof(err)) != 0) {
		code = ld_confine_out_of_memory()
		           ? fail(EXIT_PLUGIN, "the plugin ran out of memory "
		                  "(more than %u MiB; memory_mb in [report]); "
		                  "nothing was written",
		                  lim.memory_mb)
		           : fail(EXIT_PLUGIN, "%s: %s", l.p->name, err);
		goto leave;
	}
	if (raw == NULL &&
	    ld_doc_render(doc, run->format, j->bom, &text, &len) != 0) {
		code = fail(EXIT_PLUGIN, "%s: could not render %s", l.p->name,
		            run->format);
		goto leave;
	}
	const char *p = raw ? raw : text;
	size_t n = raw ? rawlen : len;
	if (j->out_fd >= 0) {
		if (ld_guard_write(j->out_fd, p, n) != 0) {
			code = fail(EXIT_IO, "%s: %s", j->out,
			            strerror(errno));
			goto leave;
		}
	} else if (fwrite(p, 1, n, stdout) != n || fflush(stdout) != 0) {
		code = fail(EXIT_IO, "standard output: %s", strerror(errno));
		goto leave;
	}
	if (j->figures_fd >= 0 && write_figures(j->figures_fd, doc) != 0)
		code = fail(EXIT_IO, "%s: %s", j->figures, strerror(errno));
	if (code == 0 && j->sources_fd >= 0 &&
	    write_sources(j->sources_fd, run->sources) != 0)
		code = fail(EXIT_IO, "%s: %s", j->sources, strerror(errno));
leave:
	if (run->sources != NULL)
		ld_sources_free(run->sources);
	free(raw);
	free(text);
	ld_doc_free(&doc);
	ld_store_close(&st);
	/* The plugin stays loaded: its exit handlers, if any, run at exit
	 * with its code still mapped. */
	return code;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"plugin", required_argument, NULL, 'p'},
	    {"format", required_argument, NULL, 'f'},
	    {"bom", no_argument, NULL, 'b'},
	    {"year", required_argument, NULL, 'y'},
	    {"scope", required_argument, NULL, 's'},
	    {"set", required_argument, NULL, 'S'},
	    {"out", required_argument, NULL, 'o'},
	    {"figures", required_argument, NULL, 'F'},
	    {"sources", required_argument, NULL, 'R'},
	    {"probe", required_argument, NULL, 'P'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *data = getenv("LIANDONG_DATA"), *plugin = NULL,
	           *out = NULL, *figures = NULL, *probe_file = NULL,
	           *sources = NULL;
	struct ld_sources src = {0};
	bool bom = false, json = false;
	struct ld_run run = {.format = "md"};
	char *end;
	int o;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			data = optarg;
			break;
		case 'p':
			plugin = optarg;
			break;
		case 'f':
			run.format = optarg;
			break;
		case 'b':
			bom = true;
			break;
		case 'y': {
			unsigned long y = strtoul(optarg, &end, 10);
			if (*end != '\0' || y < 1900 || y > 9999)
				return fail(EXIT_USAGE, "--year '%s' is not a "
				            "year", optarg);
			run.year = (uint32_t)y;
			break;
		}
		case 's':
			run.scope = optarg;
			break;
		case 'S': {
			char *eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg)
				return fail(EXIT_USAGE, "--set '%s': not KEY="
				            "VALUE", optarg);
			if (run.nset == LD_RUN_SET_MAX)
				return fail(EXIT_USAGE, "--set: at most %d",
				            LD_RUN_SET_MAX);
			*eq = '\0';
			run.set_key[run.nset] = optarg;
			run.set_val[run.nset++] = eq + 1;
			break;
		}
		case 'o':
			out = optarg;
			break;
		case 'F':
			figures = optarg;
			break;
		case 'R':
			sources = optarg;
			run.sources = &src;
			break;
		case 'P':
			probe_file = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("liandong-report %s (plugin ABI %u.%u)\n",
			       LD_VERSION, LD_PLUGIN_ABI_MAJOR,
			       LD_PLUGIN_ABI_MINOR);
			return 0;
		default:
			fprintf(stderr, "liandong-report: unknown option '%s' "
			        "(see --help)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "unexpected argument '%s' (see --help)",
		            argv[optind]);
	char pbuf[4200];
	if (probe_file != NULL)
		return probe(plugin_file(probe_file, data, pbuf, sizeof(pbuf)),
		             json);
	if (plugin != NULL)
		plugin = plugin_file(plugin, data, pbuf, sizeof(pbuf));
	if (data == NULL || plugin == NULL)
		return fail(EXIT_USAGE, "--data DIR and --plugin FILE.so are "
		            "required (see --help)");
	if (!ld_doc_format_known(run.format))
		return fail(EXIT_USAGE, "--format '%s': one of md, csv, json, "
		            "html", run.format);
	const char *why;
	if (run.scope != NULL && !ld_path_valid(run.scope, &why))
		return fail(EXIT_USAGE, "--scope '%s': %s", run.scope, why);

	struct ld_config cfg;
	char err[1024];
	if (ld_config_load(data, &cfg, err, sizeof(err)) != 0)
		return fail(EXIT_IO, "%s", err);
	run.self = cfg.id;
	if (run.scope == NULL)
		run.scope = cfg.id;
	if (!ld_flow_scope_inside(cfg.id, run.scope))
		return fail(EXIT_USAGE, "--scope %s: outside this node's subtree "
		            "(%s): a report covers this office and the offices "
		            "below it", run.scope, cfg.id);

	/* The output files are opened here, before the child is confined;
	 * this process renames them into place when it succeeds. */
	struct ld_guard_file files[3];
	size_t nfiles = 0;
	struct job job = {.cfg = &cfg, .run = &run, .plugin = plugin,
	                  .bom = bom, .out = out, .figures = figures,
	                  .sources = sources, .out_fd = -1, .figures_fd = -1,
	                  .sources_fd = -1};
	const char *paths[3] = {out, figures, sources};
	int *fds[3] = {&job.out_fd, &job.figures_fd, &job.sources_fd};
	for (size_t i = 0; i < 3; i++) {
		if (paths[i] == NULL)
			continue;
		if (ld_guard_open(&files[nfiles], paths[i]) != 0) {
			int e = errno;
			for (size_t k = 0; k < nfiles; k++) {
				close(files[k].fd);
				unlink(files[k].part);
			}
			return fail(EXIT_IO, "%s: %s", paths[i], strerror(e));
		}
		*fds[i] = files[nfiles++].fd;
	}
	return ld_guard_run(run_job, &job, files, nfiles);
}
