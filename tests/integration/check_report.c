/* check_report.c — the report plugin host with real daemons: a good
 * plugin in every format; one of ABI 1.0 on this 1.2 host; one that
 * segfaults, one that hangs, one of an
 * old ABI, one without the entry point, a text file named .so, a wrong
 * magic and a too-small descriptor — each handled and named, while the
 * node keeps replicating; and the shipped summary plugin over the Fuyuan
 * fixture, whose figures are the seed's. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define P_ID "530000"
#define X_ID "530000/530300"
#define FUYUAN "530000/530300/530325"
#define TEST_PLUGINS LD_BIN_DIR "/tests/plugins/lib"
#define PLUGINS LD_BIN_DIR "/plugins/lib"
#define EXAMPLES LD_SOURCE_DIR "/docs/examples/"

static struct th_node P, X, F;
static char out[262144], err[8192];

#define HAS(text)                                                              \
	ck_assert_msg(strstr(out, (text)) != NULL,                             \
	              "line %d: no '%s' in:\n%s", __LINE__, (text), out)

/* A result from the city reaches the province within 10 s: the node
 * keeps replicating while reports fail around it. */
static void
still_replicating(const char *t)
{
	char r[LD_ID_MAX + 1];
	OK(AT(&X, "result", "add", "--ref", t, "--summary", "照常上报"));
	take_id(r);
	ck_assert_msg(th_wait_record(&P, r, th_ms(10000)),
	              "replication stopped");
}

START_TEST(test_host)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL,
	             "[report]\nplugin_dir = " TEST_PLUGINS "\n");
	th_node_init(&X, "x", X_ID, "曲靖市政协", false, &P, NULL);
	th_node_start(&P);
	th_node_start(&X);
	char t[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "营商环境", "--form", "监督性视察",
	      "--scope", X_ID));
	take_id(t);
	ck_assert(th_wait_record(&X, t, th_ms(10000)));

	/* plugins: the good ones described, the others refused, named. */
	OK(AT(&P, "plugins"));
	HAS("  good             0.1      ABI 1.2   md,csv,json,html");
	HAS("  abi10            0.1      ABI 1.0   md,csv,json,html");
	HAS("  crash            0.1");
	HAS("  oldabi.so        refused: ABI 0.9; this host runs ABI 1 "
	    "plugins");
	HAS("  noentry.so       refused: no ld_plugin_entry_v1");
	HAS("  notaplugin.so    refused: not a loadable shared object");
	HAS("  badmagic.so      refused: wrong magic 0x12345678");
	HAS("  small.so         refused: descriptor of 16 bytes, smaller");
	OK(AT(&P, "plugins", "--json"));
	HAS("\"name\": \"good\"");

	/* A good plugin, in each format. */
	OK(AT(&P, "report", "good"));
	HAS("# 记录统计\n");
	HAS("| task | 1 |");
	OK(AT(&P, "report", "good", "--format", "csv", "--set",
	      "greeting=你好"));
	HAS("task,1\r\n");
	OK(AT(&P, "report", "good", "--format", "json"));
	HAS("\"task\":1");
	OK(AT(&P, "report", "good", "--format", "html"));
	HAS("<!DOCTYPE html>");
	HAS("<svg");
	OK(AT(&P, "report", "good", "--format", "html", "--set",
	      "greeting=<b>你好</b>"));
	HAS("&lt;b&gt;你好&lt;/b&gt;");
	/* A plugin of ABI 1.0 (the smaller host table) runs unchanged. */
	OK(AT(&P, "report", "abi10", "--format", "json"));
	HAS("\"task\":1");

	/* Crash, hang, refusals: one line each, the node unharmed. */
	REFUSED(1, AT(&P, "report", "crash"), "report crash",
	        "crashed (signal 11", "nothing was written");
	still_replicating(t);
	int64_t t0 = th_now_ms();
	REFUSED(1, AT(&P, "report", "hang", "--timeout", "2"), "report hang",
	        "killed after 2 s");
	ck_assert_int_lt(th_now_ms() - t0, th_ms(10000));
	still_replicating(t);
	REFUSED(1, AT(&P, "report", "oldabi"), "oldabi.so was refused",
	        "ABI 0.9");
	REFUSED(1, AT(&P, "report", "notaplugin"), "notaplugin.so was refused",
	        "not a loadable shared object");
	REFUSED(1, AT(&P, "report", "nosuch"), "no report plugin named "
	        "'nosuch'");
	REFUSED(1, AT(&P, "report", "crash", "--format", "html"),
	        "crash does not write html (it writes md)");
	REFUSED(2, AT(&P, "report", "good", "--format", "pdf"), "--format");
	REFUSED(2, AT(&P, "report", "good", "--set", "novalue"), "--set");
	REFUSED(2, AT(&P, "report", "good", "--scope", "a//b"), "--scope");
	still_replicating(t);

	/* liandong-report --probe: exit 3 and the reason for each refusal. */
	const char *const bad[][2] = {
	    {"oldabi.so", "ABI 0.9"},
	    {"noentry.so", "no ld_plugin_entry_v1"},
	    {"notaplugin.so", "not a loadable shared object"},
	    {"badmagic.so", "wrong magic"},
	    {"small.so", "smaller than ABI 1.0's"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char file[600], cmd[1400];
		snprintf(file, sizeof(file), "%s/%s", TEST_PLUGINS, bad[i][0]);
		snprintf(cmd, sizeof(cmd),
		         "%s/clients/liandong-report --probe %s 2>&1; echo rc=$?",
		         LD_BIN_DIR, file);
		FILE *f = popen(cmd, "r");
		ck_assert_ptr_nonnull(f);
		size_t n = fread(out, 1, sizeof(out) - 1, f);
		out[n] = '\0';
		pclose(f);
		HAS(bad[i][1]);
		HAS("rc=3\n");
	}
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* The shipped summary and proposals plugins over the Fuyuan fixture: the
 * seed's figures. */
START_TEST(test_summary_fuyuan)
{
	th_set_insecure(true); /* an office on its own, like the README's */
	th_node_init(&F, "f", FUYUAN, "富源县政协", false, NULL,
	             "[report]\nplugin_dir = " PLUGINS "\n");
	th_node_start(&F);
	OK(AT(&F, "import", EXAMPLES "fuyuan-2018.json"));
	OK(AT(&F, "report", "summary", "--year", "2018", "--format", "json"));
	HAS("\"调研\":10");
	HAS("\"视察\":4");
	HAS("\"协商\":6");
	HAS("\"跟踪问效\":3");
	HAS("\"民主评议\":2");
	HAS("\"提案\":214");
	HAS("\"面商率\":1");
	HAS("\"满意率\":1");
	HAS("\"解决率\":0.9485981");
	OK(AT(&F, "report", "summary", "--year", "2018"));
	HAS("# 富源县政协 2018年度履职统计");
	HAS("| 合计 | 10 | 4 | 6 | 3 | 2 | 214 | 94.9% | 100.0% | 100.0% |");
	/* proposals: by handling unit, the same totals. */
	OK(AT(&F, "report", "proposals", "--year", "2018"));
	HAS("# 富源县政协 2018年提案办理情况");
	HAS("| 合计 | 214 | 214 | 122 | 81 | 11 | 100.0% | 94.9% | 100.0% | "
	    "100.0% |");
	HAS("| 县住房和城乡建设局 |");
	OK(AT(&F, "report", "summary", "--year", "2017", "--format", "json"));
	HAS("\"调研\":0");
	ck_assert_int_eq(th_node_stop(&F), 0);
}
END_TEST

/* A county's scheduled report arrives at the province as a REPORT
 * record; a scheduled plugin that crashes is logged and costs nothing
 * else. */
START_TEST(test_scheduled)
{
	char dir[600], link[700], conf[2400];
	snprintf(dir, sizeof(dir), "%s/plugins", th_root());
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(link, sizeof(link), "%s/summary.so", dir);
	ck_assert_int_eq(symlink(PLUGINS "/summary.so", link), 0);
	snprintf(link, sizeof(link), "%s/crash.so", dir);
	ck_assert_int_eq(symlink(TEST_PLUGINS "/crash.so", link), 0);
	snprintf(conf, sizeof(conf),
	         "[report]\nplugin_dir = %s\n"
	         "[report weekly]\nplugin = summary\nformat = json\n"
	         "every = 7d\npublish = up\n"
	         "[report broken]\nplugin = crash\nevery = 1h\n",
	         dir);
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&X, "x", X_ID, "曲靖市政协", false, &P, conf);
	th_node_start(&P);
	th_node_start(&X);

	/* It runs about a second after the start, and comes up. */
	int64_t end = th_now_ms() + th_ms(20000);
	for (;;) {
		OK(AT(&P, "report", "list", "--json"));
		if (strstr(out, "\"plugin\": \"summary\"") != NULL)
			break;
		ck_assert_msg(th_now_ms() < end, "no report arrived: %s", out);
		th_sleep_ms(100);
	}
	HAS("\"owner\": \"" X_ID "\"");
	HAS("\"format\": \"json\"");
	HAS("\"调研\": 0");
	OK(AT(&P, "report", "list"));
	HAS("summary");
	char id[LD_ID_MAX + 1];
	const char *p = strstr(out, X_ID ":");
	ck_assert_ptr_nonnull(p);
	size_t n = strcspn(p, " ");
	snprintf(id, sizeof(id), "%.*s", (int)n, p);
	char file[700];
	snprintf(file, sizeof(file), "%s/weekly.json", th_root());
	OK(AT(&P, "report", "get", id, "--out", file));
	FILE *f = fopen(file, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	HAS("\"figures\":{\"调研\":0");
	REFUSED(1, AT(&P, "report", "get", P_ID ":0", "--out", file),
	        "is not a report");
	REFUSED(2, AT(&P, "report", "get", id), "--out");

	/* The crashing one: logged, retried later, the node fine. */
	end = th_now_ms() + th_ms(10000);
	while (!th_log_contains(&X, "report broken: crashed (signal 11")) {
		ck_assert_msg(th_now_ms() < end, "the crash was not logged");
		th_sleep_ms(100);
	}
	char t[LD_ID_MAX + 1];
	OK(AT(&P, "task", "add", "--topic", "营商环境", "--form", "监督性视察",
	      "--scope", X_ID));
	take_id(t);
	ck_assert(th_wait_record(&X, t, th_ms(10000)));
	still_replicating(t);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_summary_fuyuan);
	tcase_add_test(tc, test_scheduled);
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
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
