/* main.c — liandong-web: the office console, a separate process beside a
 * node that talks to it through its API like the CLI. Reads [web] of
 * liandong.conf, refuses plain HTTP off loopback unless told in so many
 * words, serves until SIGTERM or SIGINT; SIGHUP takes the log level and
 * says what needs a restart. */
#include "config.h"
#include "err.h"
#include "log.h"
#include "sdnotify.h"
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sodium.h>

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGHUP: the users file is read again whenever it changes (accounts.c),
 * so nothing is needed for it; the log level is taken; the rest of [web]
 * (listen, cert, key, threads ...) is bound into the running server and
 * needs a restart, which the line says. */
static void
reload_web(struct ld_config *cfg)
{
	struct ld_config *c = malloc(sizeof(*c));
	char err[1024];
	if (c == NULL || ld_config_load(cfg->dir, c, err, sizeof(err)) != 0) {
		ld_err("reload: could not reload: %s (the running "
		       "configuration stays)",
		       c == NULL ? "out of memory" : err);
		free(c);
		return;
	}
	char lvl[64] = "";
	if (c->log_level != cfg->log_level) {
		snprintf(lvl, sizeof(lvl), ", log level %s (was %s)",
		         ld_log_level_name(c->log_level),
		         ld_log_level_name(cfg->log_level));
		cfg->log_level = c->log_level;
		ld_log_set_level((enum ld_log_level)c->log_level);
	}
	bool web = strcmp(c->web_listen, cfg->web_listen) != 0 ||
	           strcmp(c->web_cert, cfg->web_cert) != 0 ||
	           strcmp(c->web_key, cfg->web_key) != 0 ||
	           c->web_plain_http != cfg->web_plain_http ||
	           c->web_session_idle_s != cfg->web_session_idle_s ||
	           c->web_threads != cfg->web_threads;
	ld_info("reloaded: users are read again when DIR/users changes%s; "
	        "%s",
	        lvl,
	        web ? "[web] changed: restart liandong-web to take it"
	            : "[web] unchanged (a renewed certificate file also needs "
	              "a restart)");
	free(c);
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: liandong-web --data DIR [--listen HOST:PORT] [--help]\n"
	        "\n"
	        "The office console: server-rendered pages in Chinese for the\n"
	        "people of this office (accounts in DIR/users, made with\n"
	        "'liandong user add'). It reads and writes through the node's\n"
	        "API (ipc://DIR/api.sock), so liandongd must run on DIR.\n"
	        "\n"
	        "  --data DIR          the node's data directory (or LIANDONG_DATA)\n"
	        "  --listen HOST:PORT  where to serve; default [web] listen of\n"
	        "                      DIR/liandong.conf, else 127.0.0.1:8480\n"
	        "  --help              this text\n"
	        "\n"
	        "With [web] cert and key (PEM files) it serves HTTPS. Plain HTTP\n"
	        "is served only on a loopback address unless [web] plain_http =\n"
	        "yes. Stops cleanly on SIGTERM or SIGINT; SIGHUP logs what it\n"
	        "reloaded and what needs a restart. See liandong-web(8).\n");
}

/* The file's contents, NUL-terminated, or NULL with err. */
static char *
slurp(const char *dir, const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX * 2];
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *p = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n + 4097 > cap) {
			if (cap > (1u << 20)) {
				snprintf(err, errlen, "%s: larger than 1 MiB, not "
				         "a PEM file", path);
				goto fail;
			}
			char *q = realloc(p, cap = cap * 2 + 8192);
			if (q == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			p = q;
		}
		size_t got = fread(p + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read", path);
		goto fail;
	}
	fclose(f);
	p[n] = '\0';
	return p;
fail:
	fclose(f);
	free(p);
	return NULL;
}

int
main(int argc, char **argv)
{
	const char *data = getenv("LIANDONG_DATA"), *listen = NULL;
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': data = optarg; break;
		case 'l': listen = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || data == NULL || data[0] == '\0') {
		fprintf(stderr, "liandong-web: %s\n",
		        optind != argc ? "unexpected argument"
		                       : "--data DIR is required");
		usage(stderr);
		return 2;
	}
	const char *why;
	if (listen != NULL && !ld_hostport_valid(listen, &why)) {
		fprintf(stderr, "liandong-web: --listen %s: %s\n", listen, why);
		return 2;
	}

	static struct ld_config cfg;
	char err[1024];
	if (ld_config_load(data, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "liandong-web: %s\n", err);
		return 1;
	}
	ld_log_init("liandong-web", cfg.log_level);
	if (listen == NULL)
		listen = cfg.web_listen;
	bool tls = cfg.web_cert[0] != '\0';
	if (!tls && !cfg.web_plain_http && !ld_hostport_loopback(listen)) {
		fprintf(stderr, "liandong-web: refusing plain HTTP on %s, which "
		        "is not a loopback address: set [web] cert and key for "
		        "HTTPS, or plain_http = yes in %s/liandong.conf\n",
		        listen, cfg.dir);
		return 1;
	}
	char *cert = NULL, *key = NULL;
	if (tls && ((cert = slurp(cfg.dir, cfg.web_cert, err, sizeof(err))) ==
	                NULL ||
	            (key = slurp(cfg.dir, cfg.web_key, err, sizeof(err))) ==
	                NULL)) {
		fprintf(stderr, "liandong-web: [web] %s\n", err);
		free(cert);
		return 1;
	}

	/* The server's threads inherit this mask; only sigwait below sees
	 * SIGTERM and SIGINT. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct ld_web_opts o = {.cfg = &cfg, .listen = listen,
	                        .cert_pem = cert, .key_pem = key};
	struct ld_web *w = NULL;
	int rc = ld_web_start(&o, &w, err, sizeof(err));
	if (key != NULL)
		sodium_memzero(key, strlen(key));
	free(key);
	free(cert);
	if (rc != 0) {
		fprintf(stderr, "liandong-web: %s\n", err);
		return 1;
	}
	printf("liandong-web: serving %s://%s/ for %s (%s)\n",
	       tls ? "https" : "http", listen, cfg.name, cfg.dir);
	fflush(stdout);
	ld_sd_ready("serving %s://%s/ for %s", tls ? "https" : "http", listen,
	            cfg.name);
	/* Wake at least every quarter of the watchdog interval to feed it. */
	long wd = ld_sd_watchdog_ms();
	struct timespec tick = {wd < 0 ? 3600 : wd / 1000,
	                        wd < 0 ? 0 : (wd % 1000) * 1000000L};
	int sig;
	for (;;) {
		sig = sigtimedwait(&stop, NULL, &tick);
		ld_sd_watchdog(mono_ms());
		if (sig == SIGHUP) {
			reload_web(&cfg);
			continue;
		}
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	ld_sd_stopping();
	ld_info("stopping on signal %d", sig);
	ld_web_stop(&w);
	return 0;
}
