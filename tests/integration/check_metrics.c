/* check_metrics.c — [metrics] with real daemons: a city and a county, the
 * city serving Prometheus text on a loopback port. Every line of a scrape
 * parses by the text format's rules (# HELP / # TYPE, then
 * name{label="value",...} value, each sample of a declared family), and
 * the figures match what 'status' says; only GET /metrics is answered;
 * a node told to serve it off loopback refuses to start. */
#include "cli_assert.h"
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct th_node C, X;
static char out[1 << 16], err[8192];
static char page[1 << 20];
static int mport;

/* Send `req` to 127.0.0.1:port and read the whole answer into page;
 * returns its length, or -1. Every wait is bounded. */
static int
http(int port, const char *req)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	size_t n = 0;
	int64_t end = th_now_ms() + th_ms(5000);
	while (n < sizeof(page) - 1 && th_now_ms() < end) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 200) <= 0)
			continue;
		ssize_t r = read(fd, page + n, sizeof(page) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	page[n] = '\0';
	return (int)n;
}

/* ---- a small parser of the Prometheus text format (0.0.4) ---- */

#define FAM_MAX 64
#define SAMPLE_MAX 512

struct sample {
	char key[256]; /* name{labels} as written */
	double v;
};
static struct sample samples[SAMPLE_MAX];
static size_t nsamples;
static char fam[FAM_MAX][128], famtype[FAM_MAX][16];
static size_t nfam;

static bool
name_ok(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' ||
	                s[0] == ':'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
			return false;
	return true;
}

/* The family a sample `name` belongs to (histograms: _bucket, _sum,
 * _count), or -1. */
static int
family_of(const char *name, size_t n)
{
	for (size_t i = 0; i < nfam; i++) {
		size_t fl = strlen(fam[i]);
		if (n == fl && memcmp(name, fam[i], n) == 0)
			return (int)i;
		if (strcmp(famtype[i], "histogram") != 0 || n <= fl ||
		    memcmp(name, fam[i], fl) != 0)
			continue;
		const char *suf = name + fl;
		size_t sl = n - fl;
		if ((sl == 7 && memcmp(suf, "_bucket", 7) == 0) ||
		    (sl == 4 && memcmp(suf, "_sum", 4) == 0) ||
		    (sl == 6 && memcmp(suf, "_count", 6) == 0))
			return (int)i;
	}
	return -1;
}

/* Parse one line; false (with why) if it breaks the format. */
static bool
parse_line(const char *l, char *why, size_t wl)
{
	if (l[0] == '\0')
		return true;
	if (l[0] == '#') {
		char kw[8], name[128], rest[512] = "";
		if (sscanf(l, "# %7s %127s %511[^\n]", kw, name, rest) < 2) {
			snprintf(why, wl, "bad comment: %s", l);
			return false;
		}
		if (!name_ok(name, strlen(name))) {
			snprintf(why, wl, "bad name: %s", l);
			return false;
		}
		if (strcmp(kw, "TYPE") == 0) {
			const char *types[] = {"counter", "gauge", "histogram",
			                       "summary", "untyped"};
			bool ok = false;
			for (size_t i = 0; i < 5; i++)
				ok |= strcmp(rest, types[i]) == 0;
			if (!ok || family_of(name, strlen(name)) >= 0 ||
			    nfam == FAM_MAX) {
				snprintf(why, wl, "bad or second TYPE: %s", l);
				return false;
			}
			snprintf(fam[nfam], sizeof(fam[0]), "%s", name);
			snprintf(famtype[nfam++], sizeof(famtype[0]), "%s",
			         rest);
		} else if (strcmp(kw, "HELP") != 0) {
			snprintf(why, wl, "comment neither HELP nor TYPE: %s", l);
			return false;
		}
		return true;
	}
	const char *p = l;
	size_t nl = strcspn(p, "{ ");
	if (!name_ok(p, nl) || family_of(p, nl) < 0) {
		snprintf(why, wl, "sample of no declared family: %s", l);
		return false;
	}
	p += nl;
	if (*p == '{') {
		p++;
		while (*p != '}') {
			size_t ln = strcspn(p, "=");
			if (!name_ok(p, ln) || p[ln] != '=' || p[ln + 1] != '"') {
				snprintf(why, wl, "bad label: %s", l);
				return false;
			}
			p += ln + 2;
			while (*p != '"') {
				if (*p == '\0' || *p == '\n') {
					snprintf(why, wl, "open label: %s", l);
					return false;
				}
				if (*p == '\\') {
					if (p[1] != '\\' && p[1] != '"' &&
					    p[1] != 'n') {
						snprintf(why, wl, "bad escape: %s",
						         l);
						return false;
					}
					p++;
				}
				p++;
			}
			p++;
			if (*p == ',')
				p++;
			else if (*p != '}') {
				snprintf(why, wl, "bad label list: %s", l);
				return false;
			}
		}
		p++;
	}
	if (*p != ' ') {
		snprintf(why, wl, "no value: %s", l);
		return false;
	}
	size_t kl = (size_t)(p - l);
	char *end;
	double v = strtod(p + 1, &end);
	if (end == p + 1 || (*end != '\0' && *end != ' ')) {
		snprintf(why, wl, "bad value: %s", l);
		return false;
	}
	if (nsamples < SAMPLE_MAX && kl < sizeof(samples[0].key)) {
		memcpy(samples[nsamples].key, l, kl);
		samples[nsamples].key[kl] = '\0';
		samples[nsamples++].v = v;
	}
	return true;
}

/* Scrape the city and parse every line: the body, or fails the test. */
static void
scrape(void)
{
	nsamples = nfam = 0;
	int n = http(mport, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
	ck_assert_msg(n > 0, "no answer");
	ck_assert_msg(strncmp(page, "HTTP/1.0 200 OK\r\n", 17) == 0, "%s", page);
	ck_assert(strstr(page, "Content-Type: text/plain; version=0.0.4") != NULL);
	char *body = strstr(page, "\r\n\r\n");
	ck_assert_ptr_nonnull(body);
	body += 4;
	ck_assert_msg(body[0] != '\0' && body[strlen(body) - 1] == '\n',
	              "the text does not end in a newline");
	char why[600];
	for (char *l = body, *next; *l != '\0'; l = next) {
		next = strchr(l, '\n');
		*next++ = '\0';
		ck_assert_msg(parse_line(l, why, sizeof(why)), "%s", why);
	}
}

static double
value(const char *key)
{
	for (size_t i = 0; i < nsamples; i++)
		if (strcmp(samples[i].key, key) == 0)
			return samples[i].v;
	ck_abort_msg("no sample %s", key);
	return NAN;
}

START_TEST(test_scrape)
{
	/* The city's metrics on a free loopback port of their own. */
	mport = th_free_port();
	char extra[300];
	snprintf(extra, sizeof(extra),
	         "\n[metrics]\nlisten = 127.0.0.1:%d\n[health]\nevery = 5m\n",
	         mport);
	th_node_init(&C, "c", "530300", "曲靖市政协", true, NULL, extra);
	th_node_init(&X, "x", "530300/530325", "富源县政协", false, &C,
	             "\n[health]\nevery = 5m\n");
	th_node_start(&C);
	th_node_start(&X);
	ck_assert(th_wait_quiet(&C, th_ms(15000)));
	/* Some traffic: tasks down, results up. */
	char t[LD_ID_MAX + 1], last[LD_ID_MAX + 1];
	snprintf(t, sizeof(t), "%s", th_add_task(&C, "530300/530325", "营商环境"));
	ck_assert(th_wait_record(&X, t, th_ms(10000)));
	th_add_results(&X, t, 20, last);
	ck_assert(th_wait_record(&C, last, th_ms(10000)));
	/* Each node writes its first HEALTH record 5 s after start; then
	 * nothing moves for [health] every (5 min). */
	int64_t end = th_now_ms() + th_ms(20000);
	bool both = false;
	while (!both && th_now_ms() < end) {
		th_sleep_ms(200);
		if (AT(&C, "status", "--tree") == 0)
			both = strstr(out, "2 offices, 0 SILENT") != NULL &&
			       strstr(out, "last report never") == NULL;
	}
	ck_assert_msg(both, "no HEALTH from both: %s", out);
	ck_assert(th_wait_quiet(&C, th_ms(15000)));

	scrape();
	Ld__Response *r = th_status(&C);
	const Ld__StatusResponse *s = r->status;
	ck_assert_uint_eq(value("liandong_records"), s->records);
	ck_assert_uint_eq(value("liandong_log_head"), s->head);
	ck_assert_uint_eq(value("liandong_refused_total"), s->refused);
	ck_assert_uint_eq(value("liandong_conflicts_total"), s->conflicts);
	ck_assert_uint_eq(value("liandong_tree_offices"), 2);
	ck_assert_uint_eq(value("liandong_tree_silent"), 0);
	ck_assert_uint_eq(s->n_peers, 1);
	const Ld__PeerStatus *p = s->peers[0];
	char key[256];
	const char *figs[] = {"connected", "lag_in", "lag_out", "refused_total",
	                      "conflicts_total", "last_heard_seconds"};
	uint64_t want[] = {p->connected, p->lag_in, p->lag_out, p->refused,
	                   p->conflicts, (uint64_t)(p->last_seen_ms / 1000)};
	for (size_t i = 0; i < 6; i++) {
		snprintf(key, sizeof(key),
		         "liandong_link_%s{peer=\"530300/530325\",role=\"child\"}",
		         figs[i]);
		double v = value(key);
		if (i == 5) /* heard again between the two reads */
			ck_assert_msg(fabs(v - (double)want[i]) <= 2, "%s %f", key, v);
		else
			ck_assert_msg(v == (double)want[i], "%s %f != %llu", key,
			              v, (unsigned long long)want[i]);
	}
	ck_assert_uint_eq(value("liandong_link_connected{peer=\"530300/530325\","
	                        "role=\"child\"}"), 1);
	/* 20 results and the county's NODE and HEALTH records were checked;
	 * none failed. */
	ck_assert_msg(value("liandong_signature_checks_total") >= 20, "%f",
	              value("liandong_signature_checks_total"));
	ck_assert_uint_eq(value("liandong_signature_failures_total"), 0);
	/* Sealed in batches: at most one Ed25519 check a record. */
	double ed = value("liandong_ed25519_checks_total");
	ck_assert_msg(ed >= 1 && ed <= value("liandong_signature_checks_total"),
	              "%f", ed);
	ck_assert(value("liandong_seal_roots_cached_total") >= 0);
	/* Group commits: the histogram is whole and counts some. */
	double count = value("liandong_commit_seconds_count");
	ck_assert(count > 0);
	ck_assert(value("liandong_commit_seconds_bucket{le=\"+Inf\"}") == count);
	ck_assert(value("liandong_commit_seconds_sum") >= 0);
	ld__response__free_unpacked(r, NULL);

	/* Only GET /metrics. */
	ck_assert(http(mport, "GET / HTTP/1.0\r\n\r\n") > 0);
	ck_assert_msg(strncmp(page, "HTTP/1.0 404", 12) == 0, "%s", page);
	ck_assert(http(mport, "POST /metrics HTTP/1.0\r\n\r\n") > 0);
	ck_assert_msg(strncmp(page, "HTTP/1.0 405", 12) == 0, "%s", page);
	/* A client that connects and says nothing is dropped in time, and
	 * the node answers the next one meanwhile. */
	int idle = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)(mport))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(idle, (struct sockaddr *)&a, sizeof(a)), 0);
	scrape();
	struct pollfd pf = {idle, POLLIN, 0};
	ck_assert_int_eq(poll(&pf, 1, th_ms(5000)), 1);
	char c;
	ck_assert_int_eq(read(idle, &c, 1), 0);
	close(idle);
	OK(AT(&C, "status"));
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&X), 0);
}
END_TEST

/* Off loopback only when asked for. */
START_TEST(test_loopback_only)
{
	th_set_insecure(true);
	th_node_init(&C, "c", "530300", "曲靖市政协", false, NULL,
	             "\n[metrics]\nlisten = 0.0.0.0:9187\n");
	char cmd[1200];
	snprintf(cmd, sizeof(cmd),
	         "timeout 10 %s/daemon/liandongd --data %s 2>%s/err.txt",
	         LD_BIN_DIR, C.dir, C.dir);
	int rc = system(cmd);
	ck_assert_msg(rc != 0, "liandongd started with metrics on 0.0.0.0");
	char path[700];
	snprintf(path, sizeof(path), "%s/err.txt", C.dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(err, 1, sizeof(err) - 1, f);
	err[n] = '\0';
	fclose(f);
	ck_assert_msg(strstr(err, "not a loopback address") != NULL, "%s", err);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_scrape);
	tcase_add_test(tc, test_loopback_only);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
