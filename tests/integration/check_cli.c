/* check_cli.c — the liandong CLI as a user meets it: exit codes (0 ok,
 * 1 refused, 2 usage), one-line errors that name what is wrong, --help,
 * UTF-8 that round-trips byte for byte, and liandongd's start-up errors. */
#include "harness.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define P_ID "530000"
#define X_ID "530000/530325"

static struct th_node P, X;
static char out[65536], err[8192];

#define CLI(...)                                                              \
	th_cli(out, sizeof(out), err, sizeof(err),                            \
	       (const char *const[]){__VA_ARGS__, NULL})

/* One line on stderr that mentions `what`. */
static void
assert_err_line(const char *what)
{
	ck_assert_msg(strstr(err, what) != NULL, "stderr lacks '%s': %s", what,
	              err);
	char *nl = strchr(err, '\n');
	ck_assert_msg(nl != NULL && nl[1] == '\0',
	              "stderr is not exactly one line: %s", err);
}

static void
province(void)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
}

START_TEST(test_help_and_usage)
{
	ck_assert_int_eq(CLI("--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "task add"));
	ck_assert_ptr_nonnull(strstr(out, "status"));
	ck_assert_int_eq(CLI("task", "add", "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--scope PATH"));
	ck_assert_ptr_nonnull(strstr(out, "监督性视察"));
	ck_assert_int_eq(CLI("status", "--help"), 0);
	ck_assert_int_eq(CLI("init", "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--parent ENDPOINT"));

	ck_assert_int_eq(CLI("frobnicate"), 2);
	assert_err_line("unknown command 'frobnicate'");
	ck_assert_int_eq(CLI("task"), 2);
	ck_assert_int_eq(CLI("task", "remove"), 2);
	ck_assert_int_eq(CLI("list", "--bogus"), 2);
	assert_err_line("unknown option '--bogus'");
	ck_assert_int_eq(CLI("list", "--kind"), 2);
	assert_err_line("needs a value");
	ck_assert_int_eq(CLI("show"), 2);
	ck_assert_int_eq(CLI("list", "--topic", "x"), 2);
	assert_err_line("does not apply");
	/* No data directory at all. */
	ck_assert_int_eq(CLI("status"), 2);
	assert_err_line("LIANDONG_DATA");
}
END_TEST

START_TEST(test_init_errors)
{
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/n", th_root());
	ck_assert_int_eq(CLI("init", "--data", dir, "--name", "x"), 2);
	assert_err_line("--id is required");
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "53/../x",
	                     "--name", "x"),
	                 2);
	assert_err_line("--id");
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "530000/",
	                     "--name", "x"),
	                 2);
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "530000", "--name",
	                     "x", "--listen", "tcp://127.0.0.1"),
	                 2);
	assert_err_line("--listen");
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "530000", "--name",
	                     "x", "--parent", "tcp://127.0.0.1:7000"),
	                 2);
	assert_err_line("root path");
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "530000", "--name",
	                     "bad\xff"),
	                 2);
	assert_err_line("--name");
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "530000", "--name",
	                     "省"),
	                 0);
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", "530000", "--name",
	                     "省"),
	                 1);
	assert_err_line("already initialized");
}
END_TEST

START_TEST(test_not_running)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	ck_assert_int_eq(CLI("--data", P.dir, "status"), 1);
	assert_err_line("liandongd is not running");
	char nodir[600];
	snprintf(nodir, sizeof(nodir), "%s/nothing", th_root());
	ck_assert_int_eq(CLI("--data", nodir, "status"), 1);
	assert_err_line("nothing");
}
END_TEST

START_TEST(test_refusals_name_the_field)
{
	province();
	const char *d = P.dir;
	ck_assert_int_eq(CLI("--data", d, "task", "add", "--topic", "t",
	                     "--form", "瞎看看", "--scope", P_ID),
	                 1);
	assert_err_line("form: unknown '瞎看看'");
	ck_assert_ptr_nonnull(strstr(err, "监督性视察"));
	ck_assert_int_eq(CLI("--data", d, "task", "add", "--topic", "t",
	                     "--form", "inspection"),
	                 2);
	assert_err_line("--scope");
	ck_assert_int_eq(CLI("--data", d, "task", "add", "--topic", "t",
	                     "--form", "inspection", "--scope", "610000"),
	                 1);
	assert_err_line("scope: 610000 is outside this node's subtree");
	ck_assert_int_eq(CLI("--data", d, "task", "add", "--topic", "t",
	                     "--form", "inspection", "--scope", "530000/a b"),
	                 1);
	assert_err_line("scope");
	ck_assert_int_eq(CLI("--data", d, "task", "add", "--topic", "t",
	                     "--form", "inspection", "--scope", P_ID, "--due",
	                     "2026-02-30"),
	                 2);
	assert_err_line("due: '2026-02-30' is not a date");
	ck_assert_int_eq(CLI("--data", d, "task", "add", "--topic",
	                     "bad \xe4\xb8 utf8", "--form", "inspection",
	                     "--scope", P_ID),
	                 1);
	assert_err_line("topic: not valid UTF-8");
	ck_assert_int_eq(CLI("--data", d, "result", "add", "--ref",
	                     "530000:999", "--summary", "s"),
	                 1);
	assert_err_line("ref: no record 530000:999");
	ck_assert_int_eq(CLI("--data", d, "result", "add", "--ref", "530000:0",
	                     "--summary", "s"),
	                 1);
	assert_err_line("ref: 530000:0 is a node");
	ck_assert_int_eq(CLI("--data", d, "result", "add", "--ref", "530000:0",
	                     "--summary", "s", "--metric", "调研"),
	                 2);
	assert_err_line("NAME=NUMBER");
	ck_assert_int_eq(CLI("--data", d, "result", "add", "--ref", "530000:0",
	                     "--summary", "s", "--metric", "调研=十"),
	                 2);
	assert_err_line("not a number");
	ck_assert_int_eq(CLI("--data", d, "plan", "add", "--year", "2017",
	                     "--title", "计划", "--item", "专题协商|13|议题"),
	                 2);
	assert_err_line("month '13'");
	ck_assert_int_eq(CLI("--data", d, "plan", "add", "--year", "2017",
	                     "--title", "计划", "--item", "座谈|10|议题"),
	                 1);
	assert_err_line("item 1 form: unknown '座谈'");
	ck_assert_int_eq(CLI("--data", d, "review", "add", "--ref", "530000:0",
	                     "--verdict", "maybe"),
	                 1);
	assert_err_line("verdict: unknown 'maybe'");
	ck_assert_int_eq(CLI("--data", d, "show", "530000:12345"), 1);
	assert_err_line("no record 530000:12345");
	ck_assert_int_eq(CLI("--data", d, "list", "--kind", "memo"), 2);
	assert_err_line("unknown kind 'memo'");
	ck_assert_int_eq(CLI("--data", d, "list", "--owner", "53 00"), 2);
	/* Nothing was written by any of the refused commands. */
	ck_assert_int_eq(CLI("--data", d, "list", "--json"), 0);
	ck_assert_ptr_null(strstr(out, "\"kind\": \"task\""));
	ck_assert_ptr_null(strstr(out, "\"kind\": \"plan\""));
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_utf8_round_trip_and_json)
{
	province();
	th_node_init(&X, "x", X_ID, "富源县政协", false, &P, NULL);
	th_node_start(&X);
	const char *topic = "营商环境“三级联动”民主监督 — 第1批 🏛 \"引号\" \\ 反斜杠";
	ck_assert_int_eq(CLI("--data", P.dir, "task", "add", "--topic", topic,
	                     "--form", "明查暗访", "--scope", X_ID, "--due",
	                     "2026-12-31", "--target", "县市场监管局",
	                     "--target", "县税务局"),
	                 0);
	char id[300];
	ck_assert_int_eq(sscanf(out, "%299s", id), 1);
	ck_assert_msg(strncmp(id, "530000:", 7) == 0 &&
	                  strspn(id + 7, "0123456789") == strlen(id + 7),
	              "id %s", id);
	ck_assert(th_wait_record(&X, id, th_ms(10000)));

	/* The county's CLI prints the topic byte for byte, JSON-escaped. */
	ck_assert_int_eq(CLI("--data", X.dir, "show", id, "--json"), 0);
	ck_assert_msg(strstr(out, "\"topic\": \"营商环境“三级联动”民主监督 — "
	                          "第1批 🏛 \\\"引号\\\" \\\\ 反斜杠\"") != NULL,
	              "%s", out);
	char idjson[400];
	snprintf(idjson, sizeof(idjson), "\"id\": \"%s\"", id);
	ck_assert_ptr_nonnull(strstr(out, idjson));
	ck_assert_ptr_nonnull(strstr(out, "\"kind\": \"task\""));
	ck_assert_ptr_nonnull(strstr(out, "\"owner\": \"530000\""));
	ck_assert_ptr_nonnull(strstr(out, "\"version\": 1"));
	ck_assert_ptr_nonnull(strstr(out, "\"scope\": [\"530000/530325\"]"));
	ck_assert_ptr_nonnull(strstr(out, "\"updated_at\": \"20"));
	ck_assert_ptr_nonnull(
	    strstr(out, "\"targets\": [\"县市场监管局\", \"县税务局\"]"));
	ck_assert_ptr_nonnull(strstr(out, "\"due\": \"2026-12-31\""));
	ck_assert_ptr_nonnull(strstr(out, "\"status\": \"dispatched\""));
	/* Human output carries the raw text. */
	ck_assert_int_eq(CLI("--data", X.dir, "show", id), 0);
	ck_assert_ptr_nonnull(strstr(out, topic));
	ck_assert_int_eq(CLI("--data", X.dir, "list", "--kind", "task"), 0);
	ck_assert_ptr_nonnull(strstr(out, topic));

	/* The county answers; --json list at the province has it. */
	ck_assert_int_eq(CLI("--data", X.dir, "result", "add", "--ref", id,
	                     "--summary", "暗访12家，问题3个",
	                     "--metric", "暗访=12", "--metric", "满意率=0.949"),
	                 0);
	char rid[300];
	ck_assert_int_eq(sscanf(out, "%299s", rid), 1);
	ck_assert(th_wait_record(&P, rid, th_ms(10000)));
	ck_assert_int_eq(CLI("--data", P.dir, "list", "--kind", "result",
	                     "--json"),
	                 0);
	ck_assert_msg(out[0] == '[' && strstr(out, "]\n") != NULL, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\"summary\": \"暗访12家，问题3个\""));
	ck_assert_ptr_nonnull(strstr(out, "{\"name\": \"满意率\", \"value\": "
	                                  "0.949}"));
	ck_assert_int_eq(CLI("--data", P.dir, "list", "--owner", X_ID), 0);
	ck_assert_ptr_nonnull(strstr(out, rid));
	ck_assert_ptr_null(strstr(out, id));

	/* LIANDONG_DATA stands in for --data; --data wins over it. */
	ck_assert_int_eq(th_cli_env(X.dir, out, sizeof(out), err, sizeof(err),
	                            (const char *const[]){"show", id, NULL}),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, topic));
	ck_assert_int_eq(th_cli_env(X.dir, out, sizeof(out), err, sizeof(err),
	                            (const char *const[]){"--data", P.dir,
	                                                  "status", NULL}),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "node     530000 (云南省政协"));

	/* status --json shows the link. */
	ck_assert(th_wait_quiet(&P, th_ms(10000)));
	ck_assert_int_eq(CLI("--data", P.dir, "status", "--json"), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"path\": \"530000/530325\""));
	ck_assert_ptr_nonnull(strstr(out, "\"connected\": true"));
	ck_assert_ptr_nonnull(strstr(out, "\"lag_out\": 0"));
	ck_assert_int_eq(CLI("--data", P.dir, "status"), 0);
	ck_assert_ptr_nonnull(strstr(out, "child    530000/530325 (富源县政协): up"));
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* Run liandongd on a broken config; it must exit 1 naming file and line. */
static void
daemon_refuses(const char *conf_line, const char *expect)
{
	th_node_init(&P, "bad", P_ID, "省", true, NULL, NULL);
	char conf[700];
	snprintf(conf, sizeof(conf), "%s/liandong.conf", P.dir);
	FILE *f = fopen(conf, "a");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", conf_line);
	fclose(f);
	char bin[600], logf[700];
	snprintf(bin, sizeof(bin), "%s/daemon/liandongd", LD_BIN_DIR);
	snprintf(logf, sizeof(logf), "%s/start.log", th_root());
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen(logf, "w", stderr) == NULL)
			_exit(126);
		execl(bin, bin, "--data", P.dir, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	int64_t end = th_now_ms() + th_ms(10000);
	while (waitpid(pid, &st, WNOHANG) == 0 && th_now_ms() < end)
		th_sleep_ms(10);
	if (th_now_ms() >= end) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		ck_abort_msg("liandongd kept running on a bad config");
	}
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
	FILE *l = fopen(logf, "r");
	ck_assert_ptr_nonnull(l);
	char line[2048] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), l));
	fclose(l);
	ck_assert_msg(strstr(line, expect) != NULL, "got: %s", line);
	ck_assert_msg(strstr(line, "liandong.conf:") != NULL, "got: %s", line);
	char cmd[800];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", P.dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_daemon_config_errors)
{
	daemon_refuses("colour = blue", "unknown key 'colour' in section [link]");
	daemon_refuses("credit = 0", "credit: must be a whole number");
	daemon_refuses("[node]\nparent = udp://1.2.3.4:5",
	               "parent: endpoint must be tcp://HOST:PORT");
	daemon_refuses("[nodes]\nid = 1", "unknown key 'id' in section [nodes]");
	daemon_refuses("this is not ini", "not a 'key = value' line");
	/* No config at all. */
	char bin[600];
	snprintf(bin, sizeof(bin), "%s/daemon/liandongd", LD_BIN_DIR);
	ck_assert_int_eq(CLI("--help"), 0); /* keeps th_cli's dir in use */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "'%s' --data '%s' 2>/dev/null", bin,
	         th_root());
	int st = system(cmd);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	snprintf(cmd, sizeof(cmd), "'%s' 2>/dev/null", bin);
	st = system(cmd);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}
END_TEST

START_TEST(test_one_daemon_per_dir)
{
	province();
	char bin[600], cmd[1400];
	snprintf(bin, sizeof(bin), "%s/daemon/liandongd", LD_BIN_DIR);
	snprintf(cmd, sizeof(cmd), "timeout 10 '%s' --data '%s' 2>'%s/second.log'",
	         bin, P.dir, th_root());
	int st = system(cmd);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	snprintf(cmd, sizeof(cmd), "grep -q 'another liandongd' '%s/second.log'",
	         th_root());
	ck_assert_int_eq(system(cmd), 0);
	/* The first one is unharmed. */
	ck_assert_int_eq(CLI("--data", P.dir, "status"), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* Issue 12: a report's scope outside the node's subtree, and a bad date
 * in any command, are usage errors (exit 2, one line); a line break or
 * tab in a topic does not break list's one-record rows. */
START_TEST(test_scope_dates_rows)
{
	province();
	th_node_init(&X, "x", X_ID, "富源县政协", false, &P, NULL);
	th_node_start(&X);
	ck_assert(th_wait_quiet(&X, th_ms(10000)));

	/* A scope in another province, or above the county. */
	ck_assert_int_eq(CLI("--data", X.dir, "report", "summary", "--scope",
	                     "610000"),
	                 2);
	assert_err_line("outside this node's subtree (530000/530325)");
	ck_assert_int_eq(CLI("--data", X.dir, "report", "summary", "--scope",
	                     P_ID),
	                 2);
	assert_err_line("--scope 530000: outside");
	char cmd[1500], errfile[600];
	snprintf(errfile, sizeof(errfile), "%s/report.err", th_root());
	snprintf(cmd, sizeof(cmd),
	         "timeout 20 %s/clients/liandong-report --data %s --plugin "
	         "/nonexistent.so --scope 610000 2>%s",
	         LD_BIN_DIR, X.dir, errfile);
	int st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %d", st);
	FILE *ef = fopen(errfile, "r");
	ck_assert_ptr_nonnull(ef);
	size_t en = fread(err, 1, sizeof(err) - 1, ef);
	err[en] = '\0';
	fclose(ef);
	ck_assert_msg(strstr(err, "outside this node's subtree") != NULL, "%s",
	              err);

	/* A bad date: exit 2 everywhere. */
	ck_assert_int_eq(CLI("--data", P.dir, "task", "add", "--topic", "t",
	                     "--form", "监督性视察", "--scope", X_ID, "--due",
	                     "2026-02-30"),
	                 2);
	assert_err_line("due: '2026-02-30' is not a date");
	ck_assert_int_eq(CLI("--data", P.dir, "survey", "add", "--topic", "t",
	                     "--form", "调研", "--scope", X_ID, "--start",
	                     "2026/01/01"),
	                 2);
	assert_err_line("start: '2026/01/01' is not a date");
	ck_assert_int_eq(CLI("--data", P.dir, "task", "set", P_ID ":1",
	                     "--due", "tomorrow"),
	                 2);
	assert_err_line("due: 'tomorrow' is not a date");
	ck_assert_int_eq(CLI("--data", P.dir, "inbox", "--today", "2026-13-01"),
	                 2);
	assert_err_line("today: '2026-13-01' is not a date");
	ck_assert_int_eq(CLI("--data", P.dir, "progress", P_ID ":1", "--today",
	                     "x"),
	                 2);
	assert_err_line("today: 'x' is not a date");

	/* A topic with a line break and a tab: one row, escaped. */
	ck_assert_int_eq(CLI("--data", P.dir, "task", "add", "--topic",
	                     "第一行\n第二行\t尾", "--form", "监督性视察",
	                     "--scope", X_ID),
	                 0);
	ck_assert_int_eq(CLI("--data", P.dir, "list", "--kind", "task"), 0);
	ck_assert_msg(strstr(out, "第一行\\n第二行\\t尾") != NULL, "%s", out);
	size_t lines = 0;
	for (const char *q = out; *q; q++)
		lines += *q == '\n';
	ck_assert_msg(lines == 2, "%zu lines:\n%s", lines, out);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_help_and_usage);
	tcase_add_test(tc, test_init_errors);
	tcase_add_test(tc, test_not_running);
	tcase_add_test(tc, test_refusals_name_the_field);
	tcase_add_test(tc, test_utf8_round_trip_and_json);
	tcase_add_test(tc, test_daemon_config_errors);
	tcase_add_test(tc, test_one_daemon_per_dir);
	tcase_add_test(tc, test_scope_dates_rows);
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
	return failed == 0 ? 0 : 1;
}
