/* check_config.c — liandong.conf writing, loading, errors, endpoints. */
#include <check.h>

#include "scratch.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "log.h"

/* ---- a fresh directory per test, removed afterwards ---- */

static char tmpdir[300];
static char conf[512];
static char err[2048];

/* The scratch root of this test case (see scratch.h). */
static void
root_setup(void)
{
	ut_root_setup("ld-check-config");
}

static void
root_teardown(void)
{
	ut_root_teardown();
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/t-XXXXXX", ut_root());
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(conf, sizeof(conf), "%s/%s", tmpdir, LD_CONFIG_FILE);
}

static void
teardown(void)
{
	if (tmpdir[0] != '\0')
		ut_rm_rf(tmpdir);
	tmpdir[0] = '\0';
}

static void
write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

static int
load(struct ld_config *c)
{
	err[0] = '\0';
	return ld_config_load(tmpdir, c, err, sizeof(err));
}

/* Load `text` and assert it is refused with "<file>:<line>: " followed by
 * a reason holding every word in the NULL-terminated list. line 0 means
 * "<file>: " (no line). */
static void
refused_at(int at, const char *text, int line, ...)
{
	struct ld_config c;
	write_conf(text);
	ck_assert_msg(load(&c) == LD_ESYNTAX, "line %d: accepted:\n%s", at, text);
	char want[700];
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: ", conf, line);
	else
		snprintf(want, sizeof(want), "%s: ", conf);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	              "line %d: error '%s' does not start with '%s'", at, err,
	              want);
	va_list ap;
	va_start(ap, line);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
		ck_assert_msg(strstr(err + strlen(want), w) != NULL,
		              "line %d: reason '%s' does not mention '%s'", at,
		              err, w);
	va_end(ap);
}
#define REFUSED(text, line, ...)                                               \
	refused_at(__LINE__, (text), (line), __VA_ARGS__, (const char *)NULL)

/* A valid key: 32 zero bytes, base64url. */
#define K43 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define NODE_OK \
	"[node]\nid = 530000/530300\nname = 曲靖市政协\nroot_key = " K43 "\n"

/* ---- writing and loading ---- */

START_TEST(test_round_trip)
{
	struct ld_config c, d;
	ld_config_defaults(&c);
	snprintf(c.dir, sizeof(c.dir), "%s", tmpdir);
	strcpy(c.id, "530000/530300/530325");
	strcpy(c.name, "富源县政协");
	strcpy(c.level, "county");
	strcpy(c.listen, "tcp://*:7003");
	strcpy(c.parent, "tcp://127.0.0.1:7002");
	strcpy(c.parent_key, "ldk1." K43 "." K43);
	strcpy(c.root_key, K43);
	ck_assert_msg(ld_config_write(&c, err, sizeof(err)) == 0, "%s", err);

	struct stat sb;
	ck_assert_int_eq(stat(conf, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	/* Written atomically: no temporary file left behind. */
	char tmp[600];
	snprintf(tmp, sizeof(tmp), "%s.tmp", conf);
	ck_assert_int_ne(access(tmp, F_OK), 0);

	ck_assert_msg(load(&d) == 0, "%s", err);
	ck_assert_str_eq(d.id, c.id);
	ck_assert_str_eq(d.name, "富源县政协");
	ck_assert_uint_eq(strlen(d.name), strlen("富源县政协"));
	ck_assert_str_eq(d.level, "county");
	ck_assert_str_eq(d.listen, c.listen);
	ck_assert_str_eq(d.parent, c.parent);
	ck_assert_str_eq(d.parent_key, c.parent_key);
	ck_assert_str_eq(d.root_key, c.root_key);
	ck_assert(!d.insecure);
	/* The directory comes back absolute and resolved. */
	char *abs = realpath(tmpdir, NULL);
	ck_assert_ptr_nonnull(abs);
	ck_assert_str_eq(d.dir, abs);
	free(abs);
	/* Everything not written keeps its default. */
	struct ld_config def;
	ld_config_defaults(&def);
	ck_assert_uint_eq(d.credit, def.credit);
	ck_assert_uint_eq(d.batch_records, def.batch_records);
	ck_assert_uint_eq(d.map_size_mb, def.map_size_mb);

	/* Writing again replaces the file. */
	strcpy(c.name, "富源县政协办公室");
	c.parent[0] = '\0';
	c.parent_key[0] = '\0';
	strcpy(c.id, "530325");
	ck_assert_msg(ld_config_write(&c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(load(&d) == 0, "%s", err);
	ck_assert_str_eq(d.name, "富源县政协办公室");
	ck_assert_str_eq(d.parent, "");
	ck_assert_str_eq(d.id, "530325");
}
END_TEST

START_TEST(test_defaults)
{
	struct ld_config c;
	ld_config_defaults(&c);
	ck_assert_uint_ge(c.credit, 1);
	ck_assert_uint_le(c.credit, 64);
	ck_assert_uint_gt(c.batch_records, 0);
	ck_assert_uint_ge(c.batch_bytes, 4096);
	ck_assert_uint_lt(c.ping_ms, c.dead_ms);
	ck_assert_uint_eq(c.recover_wait_s, 600);
	ck_assert_str_eq(c.id, "");
	ck_assert_str_eq(c.parent, "");
}
END_TEST

START_TEST(test_load_all_keys)
{
	struct ld_config c;
	write_conf("# a hand-written file\n"
	           "; another comment\n"
	           "[node]\n"
	           "id = 530000/530300/530325\n"
	           "name = 富源县政协\n"
	           "parent = ipc:///run/liandong/city.sock\n"
	           "parent_key = " "ldk1." K43 "." K43 "\n"
	           "root_key = " K43 "\n"
	           "\n"
	           "[link]\n"
	           "batch_records = 500\n"
	           "batch_bytes = 65536\n"
	           "credit = 16\n"
	           "ping_ms = 2000\n"
	           "dead_ms = 20000\n"
	           "reconnect_max_ms = 30000\n"
	           "recover_wait_s = 3600\n"
	           "[store]\n"
	           "map_size_mb = 4096\n"
	           "[log]\n"
	           "level = debug\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_str_eq(c.id, "530000/530300/530325");
	ck_assert_str_eq(c.parent, "ipc:///run/liandong/city.sock");
	ck_assert_str_eq(c.listen, "");
	/* No level given: from the depth. */
	ck_assert_str_eq(c.level, "county");
	ck_assert_uint_eq(c.batch_records, 500);
	ck_assert_uint_eq(c.batch_bytes, 65536);
	ck_assert_uint_eq(c.credit, 16);
	ck_assert_uint_eq(c.ping_ms, 2000);
	ck_assert_uint_eq(c.dead_ms, 20000);
	ck_assert_uint_eq(c.reconnect_max_ms, 30000);
	ck_assert_uint_eq(c.recover_wait_s, 3600);
	ck_assert_uint_eq(c.map_size_mb, 4096);
	ck_assert_int_eq(c.log_level, LD_LOG_DEBUG);

	/* Limits are inclusive. */
	write_conf(NODE_OK "[link]\ncredit = 64\nbatch_bytes = 4096\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_uint_eq(c.credit, 64);
	write_conf(NODE_OK "[link]\ncredit = 1\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_uint_eq(c.credit, 1);
	ck_assert_str_eq(c.level, "city");
}
END_TEST

START_TEST(test_unknown_key_section)
{
	REFUSED("[node]\nid = 530000\nname = x\ncolour = red\n", 4, "colour",
	        "[node]", "unknown");
	REFUSED("[nodes]\nid = 530000\nname = x\n", 2, "unknown", "id",
	        "[nodes]");
	REFUSED(NODE_OK "[link]\ncredits = 8\n", 6, "credits", "[link]");
	/* A key in the wrong section. */
	REFUSED(NODE_OK "[link]\nlisten = tcp://*:7000\n", 6, "listen",
	        "[link]");
	/* Keys outside any section. */
	REFUSED("id = 530000\n[node]\nname = x\n", 1, "id");
}
END_TEST

START_TEST(test_bad_endpoint)
{
	REFUSED(NODE_OK "parent = tcp://province.example\n", 5, "parent",
	        "HOST:PORT");
	REFUSED(NODE_OK "parent = tcp://10.0.0.1:0\n", 5, "parent", "port",
	        "65535");
	REFUSED(NODE_OK "parent = tcp://10.0.0.1:70000\n", 5, "parent", "port");
	REFUSED(NODE_OK "parent = tcp://10.0.0.1:\n", 5, "parent", "port");
	REFUSED(NODE_OK "parent = tcp://10.0.0.1:70a\n", 5, "parent", "port");
	REFUSED(NODE_OK "parent = udp://10.0.0.1:7000\n", 5, "parent",
	        "tcp://");
	REFUSED(NODE_OK "listen = udp://*:7000\n", 5, "listen", "tcp://");
	REFUSED(NODE_OK "listen = ipc://\n", 5, "listen", "ipc");
	REFUSED(NODE_OK "listen = 7000\n", 5, "listen");
	/* An empty value means none. */
	struct ld_config c;
	write_conf(NODE_OK "listen =\nparent =\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_str_eq(c.listen, "");
	ck_assert_str_eq(c.parent, "");
}
END_TEST

START_TEST(test_bad_numbers)
{
	REFUSED(NODE_OK "[link]\ncredit = 0\n", 6, "credit", "1 to 64");
	REFUSED(NODE_OK "[link]\nrecover_wait_s = 0\n", 6, "recover_wait_s",
	        "1 to 604800");
	REFUSED(NODE_OK "[link]\ncredit = abc\n", 6, "credit", "whole number");
	REFUSED(NODE_OK "[link]\ncredit = 65\n", 6, "credit");
	REFUSED(NODE_OK "[link]\ncredit = -1\n", 6, "credit");
	REFUSED(NODE_OK "[link]\ncredit = 8x\n", 6, "credit");
	REFUSED(NODE_OK "[link]\ncredit = 1.5\n", 6, "credit");
	REFUSED(NODE_OK "[link]\ncredit =\n", 6, "credit");
	REFUSED(NODE_OK "[link]\ncredit = 99999999999999999999999\n", 6,
	        "credit");
	REFUSED(NODE_OK "[link]\nbatch_bytes = 100\n", 6, "batch_bytes",
	        "4096");
	REFUSED(NODE_OK "[link]\nping_ms = 10\n", 6, "ping_ms");
	REFUSED(NODE_OK "[store]\nmap_size_mb = 0\n", 6, "map_size_mb");
	REFUSED(NODE_OK "[log]\nlevel = loud\n", 6, "level", "debug");
}
END_TEST

START_TEST(test_notify)
{
	struct ld_config c;
	write_conf(NODE_OK);
	ck_assert_int_eq(load(&c), 0);
	ck_assert_str_eq(c.notify_command, "");
	ck_assert_uint_eq(c.notify_every_s, 60);
	ck_assert_uint_eq(c.notify_timeout_s, 30);
	write_conf(NODE_OK "[notify]\ncommand = /usr/local/bin/sms 'a b'\n"
	                   "every = 5m\ntimeout_s = 10\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_str_eq(c.notify_command, "/usr/local/bin/sms 'a b'");
	ck_assert_uint_eq(c.notify_every_s, 300);
	ck_assert_uint_eq(c.notify_timeout_s, 10);
	REFUSED(NODE_OK "[notify]\ncommand =\n", 6, "command",
	        "a program to run");
	REFUSED(NODE_OK "[notify]\nevery = 0s\n", 6, "every",
	        "1s to 1d");
	REFUSED(NODE_OK "[notify]\nevery = 2d\n", 6, "every", "1s to 1d");
	REFUSED(NODE_OK "[notify]\nevery = often\n", 6, "every");
	REFUSED(NODE_OK "[notify]\ntimeout_s = 0\n", 6, "timeout_s",
	        "1 to 3600");
	REFUSED(NODE_OK "[notify]\nurl = http://x\n", 6, "unknown key 'url'",
	        "[notify]");
	REFUSED(NODE_OK "[notify]\ncommand = a\ncommand = b\n", 7,
	        "given twice");
}
END_TEST

/* [health] and [metrics] (docs/monitoring.md). */
START_TEST(test_health_metrics)
{
	struct ld_config c;
	write_conf(NODE_OK);
	ck_assert_int_eq(load(&c), 0);
	ck_assert_uint_eq(c.health_every_s, 300);
	ck_assert_uint_eq(c.health_refresh_s, 3600);
	ck_assert_uint_eq(c.health_silent_after_s, 6 * 3600);
	ck_assert_str_eq(c.metrics_listen, "");
	write_conf(NODE_OK "[health]\nevery = 1m\nrefresh = 30m\n"
	                   "silent_after = 2h\n[metrics]\n"
	                   "listen = 127.0.0.1:9187\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_uint_eq(c.health_every_s, 60);
	ck_assert_uint_eq(c.health_refresh_s, 1800);
	ck_assert_uint_eq(c.health_silent_after_s, 7200);
	ck_assert_str_eq(c.metrics_listen, "127.0.0.1:9187");
	write_conf(NODE_OK "[metrics]\nlisten = [::1]:9187\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	write_conf(NODE_OK "[metrics]\nlisten = 0.0.0.0:9187\nremote = yes\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert(c.metrics_remote);
	REFUSED(NODE_OK "[metrics]\nlisten = 0.0.0.0:9187\n", 0,
	        "not a loopback address", "remote = yes");
	REFUSED(NODE_OK "[metrics]\nlisten = 9187\n", 6, "listen");
	REFUSED(NODE_OK "[metrics]\nremote = maybe\n", 6, "yes or no");
	REFUSED(NODE_OK "[health]\nevery = 0s\n", 6, "every", "1s to 30d");
	REFUSED(NODE_OK "[health]\nsilent_after = soon\n", 6, "silent_after");
	REFUSED(NODE_OK "[health]\nevery = 2h\n", 0, "refresh", "every");
	write_conf(NODE_OK "[health]\nevery = off\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert_uint_eq(c.health_every_s, 0);
	REFUSED(NODE_OK "[health]\nrefresh = off\n", 6, "refresh");
	ck_assert(ld_hostport_loopback("127.0.0.1:1"));
	ck_assert(ld_hostport_loopback("localhost:1"));
	ck_assert(!ld_hostport_loopback("0.0.0.0:1"));
	ck_assert(!ld_hostport_loopback("192.0.2.1:1"));
}
END_TEST

START_TEST(test_bad_node)
{
	REFUSED("[node]\nname = x\n", 0, "id", "missing");
	REFUSED("[node]\nid = 530000\n", 0, "name", "missing");
	REFUSED("[node]\nid = 530000\nname =\n", 3, "name", "empty");
	REFUSED("", 0, "id", "missing");
	REFUSED("[node]\nid = 530000/\nname = x\n", 2, "id", "empty");
	REFUSED("[node]\nid = 富源县\nname = x\n", 2, "id");
	REFUSED("[node]\nid = 530000\nname = \xff\xfe\n", 3, "name", "UTF-8");
	REFUSED("[node]\nid = 530000\nname = x\n"
	        "parent = tcp://10.0.0.1:7000\n[security]\ninsecure = true\n",
	        0, "parent", "root");
	/* A line that is not "key = value". */
	REFUSED("[node]\nid = 530000\nname = x\njust some words\n", 4,
	        "key = value");
}
END_TEST

START_TEST(test_missing_file)
{
	struct ld_config c;
	/* The directory exists, the file does not. */
	ck_assert_int_eq(load(&c), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, conf));
	ck_assert_ptr_nonnull(strstr(err, "liandong init"));
	/* The directory does not exist either. */
	char gone[600];
	snprintf(gone, sizeof(gone), "%s/nope", tmpdir);
	err[0] = '\0';
	ck_assert_int_eq(ld_config_load(gone, &c, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, gone));
}
END_TEST

START_TEST(test_write_refuses)
{
	struct ld_config c;
	ld_config_defaults(&c);
	snprintf(c.dir, sizeof(c.dir), "%s", tmpdir);
	strcpy(c.id, "530000");
	strcpy(c.name, "line one\n[node]\nid = 999");
	strcpy(c.level, "province");
	ck_assert_int_eq(ld_config_write(&c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "one line"));
	ck_assert_int_ne(access(conf, F_OK), 0);
	strcpy(c.name, "x");
	strcpy(c.level, "a\rb");
	ck_assert_int_eq(ld_config_write(&c, err, sizeof(err)), -EINVAL);

	/* A directory that does not exist. */
	strcpy(c.level, "province");
	snprintf(c.dir, sizeof(c.dir), "%s/missing/dir", tmpdir);
	err[0] = '\0';
	ck_assert_int_eq(ld_config_write(&c, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "missing/dir"));
}
END_TEST

START_TEST(test_endpoint_valid)
{
	static const char *const good[] = {
	    "tcp://127.0.0.1:7000",    "tcp://*:7000",     "tcp://province:1",
	    "tcp://a.b.example:65535", "tcp://[::1]:7000", "ipc:///tmp/x.sock",
	    "ipc://@abstract",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const char *why = "";
		ck_assert_msg(ld_endpoint_valid(good[i], &why), "%s: %s",
		              good[i], why);
	}
	static const char *const bad[] = {
	    "tcp://host",
	    "tcp://host:",
	    "tcp://:7000",
	    "tcp://host:0",
	    "tcp://host:65536",
	    "tcp://host:70000",
	    "tcp://host:-1",
	    "tcp://host:7000x",
	    "tcp://ho st:7000",
	    "tcp://a/b:7000",
	    "udp://host:7000",
	    "ipc://",
	    "host:7000",
	    "",
	    "TCP://host:7000",
	    "tcp://主机:7000",
	    "tcp://host:99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;
		ck_assert_msg(!ld_endpoint_valid(bad[i], &why), "'%s' accepted",
		              bad[i]);
		ck_assert_msg(why != NULL && why[0] != '\0',
		              "'%s' refused without a reason", bad[i]);
	}
	/* Too long. */
	char lng[LD_ENDPOINT_MAX + 20];
	snprintf(lng, sizeof(lng), "ipc:///%0*d", LD_ENDPOINT_MAX, 0);
	const char *why = NULL;
	ck_assert(!ld_endpoint_valid(lng, &why));
	ck_assert_ptr_nonnull(strstr(why, "long"));
	ck_assert(!ld_endpoint_valid("udp://x:1", NULL));
}
END_TEST

/* ---- Once known bugs, now fixed; each
 * states the expected behaviour. See the report that came with them. ---- */

/* Was a bug: ld_config_write wrote the name verbatim; inih (inline comments on)
 * reads "政协 ; 联络组" back as "政协". What is written must load back
 * unchanged, or be refused when written. */
START_TEST(test_name_with_semicolon_round_trip)
{
	struct ld_config c, d;
	ld_config_defaults(&c);
	snprintf(c.dir, sizeof(c.dir), "%s", tmpdir);
	strcpy(c.id, "530000");
	strcpy(c.name, "政协 ; 联络组");
	strcpy(c.level, "province");
	strcpy(c.root_key, K43);
	if (ld_config_write(&c, err, sizeof(err)) != 0)
		return; /* refusing is an acceptable fix */
	ck_assert_msg(load(&d) == 0, "%s", err);
	ck_assert_str_eq(d.name, c.name);
}
END_TEST

/* Names are limited so that a config line fits inih's 200-byte buffer: the
 * longest allowed name round-trips, a longer one is refused at write. */
START_TEST(test_long_name_round_trip)
{
	struct ld_config c, d;
	ld_config_defaults(&c);
	snprintf(c.dir, sizeof(c.dir), "%s", tmpdir);
	strcpy(c.id, "530000");
	/* 50 Chinese characters: 150 bytes, the limit. */
	c.name[0] = '\0';
	for (int i = 0; i < 50; i++)
		strcat(c.name, "政");
	strcpy(c.level, "province");
	strcpy(c.root_key, K43);
	ck_assert_msg(ld_config_write(&c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(load(&d) == 0, "%s", err);
	ck_assert_str_eq(d.name, c.name);
	char longer[200] = "";
	for (int i = 0; i < 51; i++)
		strcat(longer, "政");
	const char *why = NULL;
	ck_assert(!ld_name_valid(longer, &why));
	ck_assert_ptr_nonnull(strstr(why, "150"));
}
END_TEST

/* Was a bug: inih reports the first bad line, but on_key keeps the reason of the
 * first bad *key*; a syntax error before a bad key is reported with the
 * line of one and the reason of the other:
 * "...:3: unknown key 'foo' in section [node]" (foo is on line 4). */
START_TEST(test_error_line_matches_reason)
{
	struct ld_config c;
	write_conf("[node]\nid = 530000\ngarbage line\nfoo = 1\nname = x\n");
	ck_assert_int_eq(load(&c), LD_ESYNTAX);
	char l3[600], l4[600];
	snprintf(l3, sizeof(l3), "%s:3: ", conf);
	snprintf(l4, sizeof(l4), "%s:4: ", conf);
	bool line3 = strncmp(err, l3, strlen(l3)) == 0 &&
	             strstr(err, "key = value") != NULL;
	bool line4 =
	    strncmp(err, l4, strlen(l4)) == 0 && strstr(err, "foo") != NULL;
	ck_assert_msg(line3 || line4, "line and reason disagree: %s", err);

	/* The everyday form of it: a section header missing its ']' is
	 * reported as "...:1: unknown key 'id' in section []". */
	write_conf("[node\nid = 530000\nname = x\n");
	ck_assert_int_eq(load(&c), LD_ESYNTAX);
	char l1[600];
	snprintf(l1, sizeof(l1), "%s:1: ", conf);
	ck_assert_msg(strncmp(err, l1, strlen(l1)) == 0 &&
	                  strstr(err, "unknown key") == NULL,
	              "line and reason disagree: %s", err);
}
END_TEST

/* Was a bug: ld_endpoint_valid parsed the port with strtol, which skips blanks
 * and takes a sign: "tcp://127.0.0.1: 7000" and "...:+7000" pass the check
 * but zmq_connect refuses them (EINVAL), far from the config line. */
START_TEST(test_endpoint_port_sign_space)
{
	ck_assert(!ld_endpoint_valid("tcp://127.0.0.1: 7000", NULL));
	ck_assert(!ld_endpoint_valid("tcp://127.0.0.1:+7000", NULL));
}
END_TEST

START_TEST(test_keys_in_config)
{
	struct ld_config c;
	/* Without keys a secure node does not start. */
	REFUSED("[node]\nid = 530000\nname = x\n", 0, "root_key",
	        "missing");
	REFUSED("[node]\nid = 530000/1\nname = x\nroot_key = " K43
	        "\nparent = tcp://10.0.0.1:7000\n",
	        0, "parent_key", "missing");
	REFUSED(NODE_OK "parent_key = nonsense\n", 5, "parent_key",
	        "key show");
	REFUSED(NODE_OK "parent_key = " K43 "\n", 5, "parent_key");
	REFUSED("[node]\nid = 530000\nname = x\nroot_key = AAAA\n", 4,
	        "root_key");
	REFUSED(NODE_OK "[security]\ninsecure = maybe\n", 6, "insecure",
	        "true or false");
	REFUSED(NODE_OK "[security]\nsignatures = each\n", 6, "signatures",
	        "batch or record");
	/* Batch signatures unless told otherwise. */
	write_conf(NODE_OK);
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert(!c.sign_each);
	write_conf(NODE_OK "[security]\nsignatures = record\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert(c.sign_each);
	/* An insecure node needs neither. */
	write_conf("[node]\nid = 530000/1\nname = x\n"
	           "parent = tcp://10.0.0.1:7000\n[security]\ninsecure = "
	           "true\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert(c.insecure);
	/* A full key and a bare signing key both pin the root. */
	write_conf(NODE_OK "parent_key = " "ldk1." K43 "." K43 "\n"
	           "parent = tcp://10.0.0.1:7000\n");
	ck_assert_msg(load(&c) == 0, "%s", err);
	ck_assert(!c.insecure);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_unchecked_fixture(tc, root_setup, root_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_load_all_keys);
	tcase_add_test(tc, test_unknown_key_section);
	tcase_add_test(tc, test_bad_endpoint);
	tcase_add_test(tc, test_bad_numbers);
	tcase_add_test(tc, test_bad_node);
	tcase_add_test(tc, test_health_metrics);
	tcase_add_test(tc, test_notify);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_write_refuses);
	tcase_add_test(tc, test_endpoint_valid);
	tcase_add_test(tc, test_name_with_semicolon_round_trip);
	tcase_add_test(tc, test_long_name_round_trip);
	tcase_add_test(tc, test_error_line_matches_reason);
	tcase_add_test(tc, test_endpoint_port_sign_space);
	tcase_add_test(tc, test_keys_in_config);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
