/* check_security.c — who may join: a node that is not enrolled, one with
 * a wrong parent key, one whose key is enrolled for another path, and a
 * child revoked (and enrolled again) while it is connected. */
#include "harness.h"
#include "keys.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define D_ID "530000/530400"

static struct th_node P, C, D;
static char out[8192], err[4096];

#define CLI(...)                                                              \
	th_cli(out, sizeof(out), err, sizeof(err),                            \
	       (const char *const[]){__VA_ARGS__, NULL})

/* The parent link's state and last error at `n`, waiting up to `ms` for
 * `state` (NULL: any). Returns true if it was seen. */
static bool
parent_state(struct th_node *n, const char *state, const char *error_part,
             int ms)
{
	int64_t end = th_now_ms() + ms;
	do {
		Ld__Response *r = th_status(n);
		bool ok = false;
		for (size_t i = 0; i < r->status->n_peers; i++) {
			Ld__PeerStatus *p = r->status->peers[i];
			if (strcmp(p->role, "parent") != 0)
				continue;
			ok = (state == NULL || strcmp(p->state, state) == 0) &&
			     (error_part == NULL ||
			      strstr(p->last_error, error_part) != NULL);
		}
		ld__response__free_unpacked(r, NULL);
		if (ok)
			return true;
		th_sleep_ms(20);
	} while (th_now_ms() < end);
	return false;
}

/* The child `path` as the parent sees it: "up", "down", ... */
static bool
child_state(struct th_node *n, const char *path, const char *state, int ms)
{
	int64_t end = th_now_ms() + ms;
	do {
		Ld__Response *r = th_status(n);
		bool ok = false;
		for (size_t i = 0; i < r->status->n_peers; i++) {
			Ld__PeerStatus *p = r->status->peers[i];
			if (strcmp(p->path, path) == 0)
				ok = strcmp(p->state, state) == 0;
		}
		ld__response__free_unpacked(r, NULL);
		if (ok)
			return true;
		th_sleep_ms(20);
	} while (th_now_ms() < end);
	return false;
}

START_TEST(test_not_enrolled)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	ck_assert_int_eq(CLI("--data", P.dir, "child", "remove", C_ID), 0);
	th_node_start(&P);
	th_node_start(&C);
	char t[300];
	snprintf(t, sizeof(t), "%s", th_add_task(&C, C_ID, "未登记的市"));
	ck_assert_msg(parent_state(&C, NULL, "refused this node's key",
	                           th_ms(10000)),
	              "the city was not told the parent refused its key");
	ck_assert(th_log_contains(&P, "is not enrolled"));
	size_t len;
	ck_assert_ptr_null(th_get(&P, t, &len));
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_wrong_parent_key)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&D, "d", "610000", "陕西省政协", false, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	/* The city was given another province's key by mistake. */
	char cmd[1200];
	snprintf(cmd, sizeof(cmd),
	         "sed -i 's|^parent_key = .*|parent_key = %s|' "
	         "'%s/liandong.conf'",
	         D.key, C.dir);
	ck_assert_int_eq(system(cmd), 0);
	th_node_start(&P);
	th_node_start(&C);
	ck_assert_msg(parent_state(&C, NULL, "parent_key", th_ms(15000)),
	              "status does not point at parent_key");
	ck_assert(!child_state(&P, C_ID, "up", 500));
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_key_of_another_path)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_init(&D, "d", D_ID, "假冒的市", false, &P, NULL);
	/* D's key is enrolled, but for the city's path. */
	ck_assert_int_eq(CLI("--data", P.dir, "child", "remove", D_ID), 0);
	ck_assert_int_eq(CLI("--data", P.dir, "child", "add", C_ID, D.key), 0);
	th_node_start(&P);
	th_node_start(&D);
	ck_assert_msg(parent_state(&D, "rejected", "not the one enrolled",
	                           th_ms(10000)),
	              "a key enrolled for another path was let in");
	ck_assert(th_log_contains(&P, "Hello path '" D_ID "' is not the one "
	                              "enrolled"));
	ck_assert_int_eq(th_node_stop(&D), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_revoked_while_connected)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_start(&P);
	th_node_start(&C);
	char t1[300], t2[300];
	snprintf(t1, sizeof(t1), "%s", th_add_task(&P, C_ID, "撤销前"));
	ck_assert(th_wait_record(&C, t1, th_ms(10000)));

	/* Revoked at the parent, which keeps running. */
	ck_assert_int_eq(CLI("--data", P.dir, "child", "remove", C_ID), 0);
	ck_assert_msg(child_state(&P, C_ID, "down", th_ms(2000)),
	              "the revoked city still has a session");
	ck_assert_msg(parent_state(&C, "rejected", "enrolled", th_ms(5000)),
	              "the revoked city was not told");
	snprintf(t2, sizeof(t2), "%s", th_add_task(&P, C_ID, "撤销后"));
	ck_assert_msg(!th_wait_record(&C, t2, th_ms(2000)),
	              "a revoked child still receives records");
	ck_assert(th_log_contains(&P, "child " C_ID " revoked"));

	/* Enrolled again: it comes back by itself. */
	ck_assert_int_eq(CLI("--data", P.dir, "child", "add", C_ID, C.key), 0);
	ck_assert_msg(th_wait_record(&C, t2, th_ms(15000)),
	              "the city did not come back after enrollment");
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

START_TEST(test_child_commands)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	ck_assert_int_eq(CLI("--data", P.dir, "child", "list"), 0);
	ck_assert_ptr_nonnull(strstr(out, C_ID " ldk1."));
	ck_assert_int_eq(CLI("--data", P.dir, "child", "add",
	                     "530000/530300/530325", C.key),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "not one segment below"));
	ck_assert_int_eq(CLI("--data", P.dir, "child", "add", D_ID, "garbage"),
	                 2);
	ck_assert_ptr_nonnull(strstr(err, "not a liandong key"));
	/* One key, one child. */
	ck_assert_int_eq(CLI("--data", P.dir, "child", "add", D_ID, C.key), 1);
	ck_assert_ptr_nonnull(strstr(err, "already given to another child"));
	ck_assert_int_eq(CLI("--data", P.dir, "child", "remove", D_ID), 1);
	ck_assert_ptr_nonnull(strstr(err, "not enrolled"));
	ck_assert_int_eq(CLI("--data", P.dir, "key", "show"), 0);
	ck_assert_ptr_nonnull(strstr(out, "key       ldk1."));
	/* Keys are secret files. */
	char f[700];
	snprintf(f, sizeof(f), "stat -c %%a '%s/keys/node.key' | grep -qx 600",
	         P.dir);
	ck_assert_int_eq(system(f), 0);
	snprintf(f, sizeof(f), "stat -c %%a '%s/children' | grep -qx 600",
	         P.dir);
	ck_assert_int_eq(system(f), 0);
	/* A child needs its parent's key, and below the root's children
	 * the root key. */
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/x", th_root());
	ck_assert_int_eq(CLI("init", "--data", dir, "--id", C_ID, "--name",
	                     "市", "--parent", "tcp://127.0.0.1:9"),
	                 2);
	ck_assert_ptr_nonnull(strstr(err, "--parent-key"));
	ck_assert_int_eq(CLI("init", "--data", dir, "--id",
	                     "530000/530300/530325", "--name", "县", "--parent",
	                     "tcp://127.0.0.1:9", "--parent-key", C.key),
	                 2);
	ck_assert_ptr_nonnull(strstr(err, "--root-key"));
}
END_TEST

/* Run liandongd once; it must exit 1 with `expect` in its first line. */
static void
start_fails(struct th_node *n, const char *expect)
{
	char cmd[1400], log[700];
	snprintf(log, sizeof(log), "%s/start.log", th_root());
	snprintf(cmd, sizeof(cmd), "timeout 10 '%s/daemon/liandongd' --data '%s' "
	         "2>'%s'", LD_BIN_DIR, n->dir, log);
	int st = system(cmd);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
	FILE *f = fopen(log, "r");
	ck_assert_ptr_nonnull(f);
	char line[2048] = "";
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_msg(strstr(line, expect) != NULL, "got: %s", line);
}

START_TEST(test_secrets_on_disk)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	/* Only the node's own account may use its API socket. */
	char f[900];
	snprintf(f, sizeof(f), "stat -c %%a '%s/api.sock' | grep -qx 600",
	         P.dir);
	ck_assert_int_eq(system(f), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
	/* A key file others can read, or none, stops the start. */
	snprintf(f, sizeof(f), "chmod 644 '%s/keys/node.key'", P.dir);
	ck_assert_int_eq(system(f), 0);
	start_fails(&P, "node.key: readable by others (mode 644)");
	snprintf(f, sizeof(f), "chmod 600 '%s/keys/node.key' && sed -i "
	         "'s/^sign_seed = ./sign_seed = !/' '%s/keys/node.key'",
	         P.dir, P.dir);
	ck_assert_int_eq(system(f), 0);
	start_fails(&P, "node.key:5: sign_seed is not a 32-byte base64url");
	snprintf(f, sizeof(f), "rm '%s/keys/node.key'", P.dir);
	ck_assert_int_eq(system(f), 0);
	start_fails(&P, "node.key: No such file or directory");
	/* A root whose pinned key is not its own. */
	th_node_init(&D, "d", "610000", "陕西省政协", false, NULL, NULL);
	snprintf(f, sizeof(f),
	         "sed -i 's|^root_key = .*|root_key = "
	         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|' "
	         "'%s/liandong.conf'",
	         D.dir);
	ck_assert_int_eq(system(f), 0);
	start_fails(&D, "root_key is not this root node's own key");
	/* A broken allow-list names its line. */
	th_node_init(&P, "p2", P_ID, "云南省政协", true, NULL, NULL);
	snprintf(f, sizeof(f), "printf '# x\n530000/530300 nonsense\n' > "
	         "'%s/children'", P.dir);
	ck_assert_int_eq(system(f), 0);
	start_fails(&P, "children:2: not a liandong key");
}
END_TEST

START_TEST(test_remote_api)
{
	int port = th_free_port();
	char extra[128], ep[64];
	snprintf(ep, sizeof(ep), "tcp://127.0.0.1:%d", port);
	snprintf(extra, sizeof(extra), "[api]\nlisten = %s\n", ep);
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, extra);
	char alice[600], bob[600], akey[128], bkey[128];
	snprintf(alice, sizeof(alice), "%s/alice.key", th_root());
	snprintf(bob, sizeof(bob), "%s/bob.key", th_root());
	ck_assert_int_eq(CLI("admin", "keygen", "--out", alice), 0);
	ck_assert_int_eq(sscanf(out, "key: %127s", akey), 1);
	ck_assert_int_eq(CLI("admin", "keygen", "--out", bob), 0);
	ck_assert_int_eq(sscanf(out, "key: %127s", bkey), 1);
	ck_assert_int_eq(CLI("--data", P.dir, "admin", "add", "alice", akey),
	                 0);
	th_node_start(&P);

	/* Alice works from afar, over CURVE. */
	ck_assert_int_eq(CLI("--remote", ep, "--server-key", P.key,
	                     "--key-file", alice, "status"),
	                 0);
	ck_assert_ptr_nonnull(strstr(out, "node     530000 (云南省政协"));
	ck_assert_int_eq(CLI("--remote", ep, "--server-key", P.key,
	                     "--key-file", alice, "task", "add", "--topic",
	                     "远程发布的任务", "--form", "视察", "--scope", P_ID),
	                 0);
	char id[300];
	ck_assert_int_eq(sscanf(out, "%299s", id), 1);
	ck_assert_int_eq(CLI("--data", P.dir, "show", id), 0);
	ck_assert_ptr_nonnull(strstr(out, "远程发布的任务"));

	/* Bob is not enrolled; a wrong server key does not get through. */
	ck_assert_int_eq(CLI("--remote", ep, "--server-key", P.key,
	                     "--key-file", bob, "status"),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "refused this key"));
	ck_assert_int_eq(CLI("--remote", ep, "--server-key", bkey,
	                     "--key-file", alice, "status"),
	                 1);
	/* Node-only commands are not for remote use. */
	ck_assert_int_eq(CLI("--remote", ep, "--server-key", P.key,
	                     "--key-file", alice, "child", "list"),
	                 2);
	ck_assert_ptr_nonnull(strstr(err, "not over --remote"));
	ck_assert_int_eq(CLI("--remote", ep, "status"), 2);
	ck_assert_ptr_nonnull(strstr(err, "--server-key"));

	/* Alice is removed: refused from then on, without a restart, even
	 * on a connection she already has open. */
	struct ld_keys ak;
	char kerr[512];
	uint8_t pc[32], ps[32];
	ck_assert_int_eq(ld_keys_init(), 0);
	ck_assert_msg(ld_keys_load_file(alice, &ak, kerr, sizeof(kerr)) == 0,
	              "%s", kerr);
	ck_assert(ld_keys_parse_public(P.key, pc, ps, false, NULL));
	struct ld_client *open_cl = NULL;
	ck_assert_msg(ld_client_open_remote(ep, pc, &ak, 5000, &open_cl, kerr,
	                                    sizeof(kerr)) == 0,
	              "%s", kerr);
	ck_assert_int_eq(CLI("--data", P.dir, "admin", "list"), 0);
	ck_assert_ptr_nonnull(strstr(out, "alice ldk1."));
	ck_assert_int_eq(CLI("--data", P.dir, "admin", "remove", "alice"), 0);
	ck_assert_int_eq(CLI("--remote", ep, "--server-key", P.key,
	                     "--key-file", alice, "status"),
	                 1);
	ck_assert_ptr_nonnull(strstr(err, "refused this key"));
	Ld__StatusRequest sr = LD__STATUS_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &sr;
	Ld__Response *resp = NULL;
	ck_assert_int_eq(ld_client_call(open_cl, &req, &resp, 5000, kerr,
	                                sizeof(kerr)),
	                 0);
	ck_assert_int_eq(resp->code, LD__CODE__CODE_REFUSED);
	ck_assert_ptr_nonnull(strstr(resp->error, "not (or no longer) an "
	                                          "administrator"));
	ld__response__free_unpacked(resp, NULL);
	ld_client_close(&open_cl);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("security");
	TCase *tc = tcase_create("transport");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_not_enrolled);
	tcase_add_test(tc, test_wrong_parent_key);
	tcase_add_test(tc, test_key_of_another_path);
	tcase_add_test(tc, test_revoked_while_connected);
	tcase_add_test(tc, test_child_commands);
	tcase_add_test(tc, test_secrets_on_disk);
	tcase_add_test(tc, test_remote_api);
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
