/* report_bench.c — how long a report takes over a large store: writes N
 * records (default 1,000,000: proposals, surveys, tasks and plans of one
 * province, 10 cities and 100 counties) straight into a new store, then
 * times `liandong-report --plugin summary.so` over all of them, a few
 * runs, and prints each time. A program, not a test.
 *
 *   build/tests/bench/report_bench [--records N] [--runs K] [--dir DIR]
 *                                  [--plugin FILE.so] [--format F] */
#include "bench_store.h"
#include "config.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"records", required_argument, NULL, 'n'},
	    {"runs", required_argument, NULL, 'r'},
	    {"dir", required_argument, NULL, 'd'},
	    {"plugin", required_argument, NULL, 'p'},
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	uint64_t n = 1000000;
	int runs = 3;
	const char *dir = NULL, *plugin = LD_BIN_DIR "/plugins/lib/summary.so",
	           *format = "md";
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'p':
			plugin = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		default:
			fprintf(stderr, "usage: report_bench [--records N] "
			        "[--runs K] [--dir DIR] [--plugin FILE.so] "
			        "[--format F]\n");
			return 2;
		}
	}
	char tmpl[] = "/tmp/ld-report-bench.XXXXXX";
	if (dir == NULL && (dir = mkdtemp(tmpl)) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	struct ld_config cfg;
	char err[512];
	if (ld_bench_config(dir, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "report_bench: %s\n", err);
		return 1;
	}
	struct ld_store *st;
	int rc = ld_store_open(dir, LD_BENCH_ROOT, (size_t)4 << 30, &st);
	if (rc != 0) {
		fprintf(stderr, "report_bench: %s\n", ld_store_strerror(rc));
		return 1;
	}
	double t0 = ld_bench_now();
	if ((rc = ld_bench_fill(st, n)) != 0) {
		fprintf(stderr, "report_bench: %s\n", ld_store_strerror(rc));
		return 1;
	}
	ld_store_close(&st);
	printf("store: %llu records written in %.1f s (%s)\n",
	       (unsigned long long)n, ld_bench_now() - t0, dir);
	for (int r = 0; r < runs; r++) {
		char cmd[4096];
		snprintf(cmd, sizeof(cmd),
		         "%s/clients/liandong-report --data %s --plugin %s "
		         "--format %s --out %s/report.out",
		         LD_BIN_DIR, dir, plugin, format, dir);
		double t = ld_bench_now();
		int st_ = system(cmd);
		double dt = ld_bench_now() - t;
		if (st_ != 0) {
			fprintf(stderr, "report_bench: the report failed\n");
			return 1;
		}
		printf("run %d: %s over %llu records, %s: %.3f s\n", r + 1,
		       strrchr(plugin, '/') ? strrchr(plugin, '/') + 1 : plugin,
		       (unsigned long long)n, format, dt);
	}
	return 0;
}
