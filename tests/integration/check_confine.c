/* check_confine.c — report plugins run confined, against a real node: a
 * plugin that tries to read the node's key, use its API socket, connect
 * over TCP, start a shell, fork, signal the daemon and raise its CPU
 * limit is refused each time (and a listener on 127.0.0.1 sees no
 * connection); one that takes memory without end, and one that spins on
 * the CPU, end with one clear line; the node is unharmed throughout. The
 * plugin's constructor tries the key and the socket as it is loaded. */
#include "cli_assert.h"
#include "harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define P_ID "530000"
#define TEST_PLUGINS LD_BIN_DIR "/tests/plugins/lib"

static struct th_node P;
static char out[262144], err[8192];

#define HAS(text)                                                              \
	ck_assert_msg(strstr(out, (text)) != NULL,                             \
	              "line %d: no '%s' in:\n%s", __LINE__, (text), out)

/* The node still answers and writes. */
static void
node_fine(void)
{
	OK(AT(&P, "task", "add", "--topic", "营商环境", "--form", "监督性视察",
	      "--scope", P_ID));
}

static void
start(void)
{
	th_node_init(&P, "p", P_ID, "云南省政协", false, NULL,
	             "[report]\nplugin_dir = " TEST_PLUGINS "\n"
	             "cpu_s = 2\nmemory_mb = 128\n");
	th_node_start(&P);
}

START_TEST(test_sneaky)
{
	start();
	/* A listener the plugin is told to connect to. */
	int l = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(l, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	socklen_t alen = sizeof(a);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	char data[600], port[40], pid[40];
	snprintf(data, sizeof(data), "data=%s", P.dir);
	snprintf(port, sizeof(port), "port=%d", ntohs(a.sin_port));
	snprintf(pid, sizeof(pid), "pid=%d", (int)P.pid);

	/* Its constructor tries too, while the plugin is loaded. */
	ck_assert_int_eq(setenv("LD_SNEAKY_DATA", P.dir, 1), 0);
	OK(AT(&P, "report", "sneaky", "--set", data, "--set", port, "--set",
	      pid));
	unsetenv("LD_SNEAKY_DATA");
	HAS("load: api socket: Permission denied");
	/* Files during loading: Landlock's (Linux 5.13 and later). */
	if (syscall(SYS_landlock_create_ruleset, NULL, 0,
	            LANDLOCK_CREATE_RULESET_VERSION) >= 1)
		HAS("load: open keys: Permission denied");
	else
		fprintf(stderr, "check_confine: no Landlock in this kernel: "
		        "reading files at load time is not checked\n");
	HAS("open keys: Permission denied");
	HAS("api socket: Permission denied");
	HAS("tcp socket: Permission denied");
	HAS("exec: Permission denied");
	HAS("fork: Permission denied");
	HAS("kill node: Operation not permitted");
	HAS("raise cpu limit: Permission denied");
	ck_assert_msg(strstr(out, ": done") == NULL, "a hole:\n%s", out);

	/* Nothing reached the listener. */
	struct pollfd pf = {l, POLLIN, 0};
	ck_assert_int_eq(poll(&pf, 1, 200), 0);
	close(l);
	node_fine();
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_memory)
{
	if (SANITIZED) {
		/* AddressSanitizer reserves terabytes of address space, so
		 * a sanitized liandong-report sets no memory limit. */
		fprintf(stderr, "check_confine: the memory limit is not "
		        "checked under AddressSanitizer\n");
		return;
	}
	start();
	char file[700];
	snprintf(file, sizeof(file), "%s/hog.md", th_root());
	REFUSED(1, AT(&P, "report", "hog", "--out", file), "report hog",
	        "ran out of memory (more than 128 MiB; memory_mb in "
	        "[report])", "nothing was written");
	/* Writing through the NULL malloc gave it: the same line. */
	REFUSED(1, AT(&P, "report", "hog", "--set", "crash=1"), "report hog",
	        "ran out of memory", "nothing was written");
	struct stat sb;
	ck_assert_int_ne(stat(file, &sb), 0);
	char part[800];
	snprintf(part, sizeof(part), "%s.part", file);
	ck_assert_int_ne(stat(part, &sb), 0);
	node_fine();
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_cpu)
{
	start();
	char file[700], part[800];
	snprintf(file, sizeof(file), "%s/spin.md", th_root());
	snprintf(part, sizeof(part), "%s.part", file);
	int64_t t0 = th_now_ms();
	REFUSED(1, AT(&P, "report", "spin", "--out", file), "report spin",
	        "used more than 2 s of CPU (cpu_s in [report])",
	        "nothing was written");
	/* Stopped by its CPU limit, well before the 30 s deadline. */
	ck_assert_int_lt(th_now_ms() - t0, th_ms(15000));
	struct stat sb;
	ck_assert_int_ne(stat(file, &sb), 0);
	ck_assert_int_ne(stat(part, &sb), 0);
	/* A report that succeeds is put in place whole, through --out. */
	OK(AT(&P, "report", "good", "--out", file));
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_gt(sb.st_size, 0);
	ck_assert_int_ne(stat(part, &sb), 0);
	node_fine();
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("confine");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_sneaky);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_cpu);
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
