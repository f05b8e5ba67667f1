/* report_main.c — liandong-report: open a node's store read-only, load one
 * report plugin, run it and write one report (or, with --probe, check a
 * plugin and describe it). Plugins run here and never in the daemon; the
 * daemon and the CLI spawn this with a deadline.
 *
 * Exit codes: 0 ok; 1 the plugin failed (its run, its output); 2 usage;
 * 3 the plugin was refused (not a plugin, wrong magic or ABI ...); 4 the
 * store or the output could not be opened. One line on stderr says why. */
#include "config.h"
#include "err.h"
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
	        "  --plugin FILE.so  the plugin\n"
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
	        "  --probe FILE.so   check a plugin and describe it\n"
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

static int
probe(const char *file, bool json)
{
	struct ld_loaded l;
	char err[600];
	if (ld_plugin_load(file, &l, err, sizeof(err)) != 0)
		return fail(EXIT_REFUSED, "%s", err);
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

/* Write `n` bytes to `path` whole: a temporary file renamed into place.
 * Returns 0 or -errno. */
static int
write_file(const char *path, const char *p, size_t n)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.part", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	              0644);
	if (fd < 0)
		return -errno;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int rc = w < 0 ? -errno : -EIO;
			close(fd);
			unlink(tmp);
			return rc;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
		int rc = -errno;
		unlink(tmp);
		return rc;
	}
	return 0;
}

static int
write_figures(const char *path, const struct ld_doc *doc)
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
	int rc = write_file(path, buf, len);
	free(buf);
	return rc;
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
	    {"probe", required_argument, NULL, 'P'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *data = getenv("LIANDONG_DATA"), *plugin = NULL,
	           *out = NULL, *figures = NULL, *probe_file = NULL;
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
	if (probe_file != NULL)
		return probe(probe_file, json);
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

	struct ld_loaded l;
	if (ld_plugin_load(plugin, &l, err, sizeof(err)) != 0)
		return fail(EXIT_REFUSED, "%s", err);
	if (!ld_plugin_supports(l.p, run.format)) {
		int rc = fail(EXIT_USAGE, "%s does not write %s (it writes %s)",
		              l.p->name, run.format, l.p->formats);
		ld_plugin_unload(&l);
		return rc;
	}
	struct ld_store *st = NULL;
	int rc = ld_store_open_ro(cfg.dir, &st);
	if (rc != 0) {
		ld_plugin_unload(&l);
		return fail(EXIT_IO, "%s: %s", cfg.dir,
		            rc == -ENOENT ? "no store yet (has liandongd run?)"
		                          : ld_store_strerror(rc));
	}
	struct ld_doc *doc = ld_doc_new();
	char *raw = NULL, *text = NULL;
	size_t rawlen = 0, len = 0;
	int code = 0;
	if (doc == NULL) {
		code = fail(EXIT_PLUGIN, "out of memory");
	} else if (ld_plugin_run(&l, &run, st, doc, &raw, &rawlen, err,
	                         sizeof(err)) != 0) {
		code = fail(EXIT_PLUGIN, "%s: %s", l.p->name, err);
	} else if (raw == NULL &&
	           ld_doc_render(doc, run.format, bom, &text, &len) != 0) {
		code = fail(EXIT_PLUGIN, "%s: could not render %s", l.p->name,
		            run.format);
	}
	if (code == 0) {
		const char *p = raw ? raw : text;
		size_t n = raw ? rawlen : len;
		int wrc;
		if (out != NULL) {
			if ((wrc = write_file(out, p, n)) != 0)
				code = fail(EXIT_IO, "%s: %s", out,
				            ld_strerror(wrc));
		} else if (fwrite(p, 1, n, stdout) != n ||
		           fflush(stdout) != 0) {
			code = fail(EXIT_IO, "standard output: %s",
			            strerror(errno));
		}
	}
	int frc;
	if (code == 0 && figures != NULL &&
	    (frc = write_figures(figures, doc)) != 0)
		code = fail(EXIT_IO, "%s: %s", figures, ld_strerror(frc));
	free(raw);
	free(text);
	ld_doc_free(&doc);
	ld_store_close(&st);
	/* The plugin stays loaded: its exit handlers, if any, run at exit
	 * with its code still mapped. */
	return code;
}
