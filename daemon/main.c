/* main.c — liandongd: load the config of a data directory and run the
 * node until SIGTERM or SIGINT; SIGHUP reloads what can be reloaded. */
#include "config.h"
#include "log.h"
#include "node.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop, hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else
		stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: liandongd --data DIR\n"
	        "\n"
	        "Run the liandong node whose data directory is DIR (made by\n"
	        "'liandong init'). LIANDONG_DATA is the default for --data.\n"
	        "Logs go to stderr (to the journal, with priorities, under\n"
	        "systemd). SIGTERM or SIGINT: finish the current transaction,\n"
	        "close cleanly and exit 0. SIGHUP: read liandong.conf, the\n"
	        "children and admins files again and log what changed ([node],\n"
	        "[link], [store], [security] and [api] need a restart).\n"
	        "Under systemd (Type=notify) it reports READY=1 once the store\n"
	        "is open and the sockets bound, and keeps WatchdogSec= fed.\n"
	        "\n"
	        "  -d, --data DIR   the node's data directory\n"
	        "  -h, --help       this text\n"
	        "  -V, --version    print the version\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = getenv("LIANDONG_DATA");
	int c;
	while ((c = getopt_long(argc, argv, "d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("liandongd %s\n", LD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "liandongd: unexpected argument '%s'\n",
		        argv[optind]);
		usage(stderr);
		return 2;
	}
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "liandongd: --data DIR is required (or set "
		                "LIANDONG_DATA)\n");
		return 2;
	}
	ld_log_init("liandongd", LD_LOG_INFO);
	struct ld_config cfg;
	char err[1024];
	if (ld_config_load(dir, &cfg, err, sizeof(err)) != 0) {
		ld_err("config: %s", err);
		return 1;
	}
	ld_log_init("liandongd", (enum ld_log_level)cfg.log_level);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: zmq_poll returns EINTR and the loop sees `stop`. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* A logrotate HUP reloads; it never stops the node. */
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct ld_node *n;
	if (ld_node_open(&cfg, &n, err, sizeof(err)) != 0) {
		ld_err("%s", err);
		return 1;
	}
	ld_node_on_reload(n, &hup);
	int rc = ld_node_run(n, &stop);
	ld_node_close(&n);
	return rc == 0 ? 0 : 1;
}
