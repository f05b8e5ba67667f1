/* check_diskfull.c — a node whose data directory is on a full disk: client
 * writes are refused with words that say the disk is full and where,
 * nothing stored before is lost, the daemon stays up, and writes (its own
 * and the batches of a child, held meanwhile) go through again once there
 * is room, without a restart.
 *
 * The disk is a small tmpfs, mounted in a mount namespace of this test's
 * own (so it goes away with the test, however the test ends). That needs
 * root; without it the test says so and exits 77 (ctest: skipped). */
#define _GNU_SOURCE
#include "harness.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define P_ID "530000"
#define X_ID "530000/530325"
#define MAX_ACKED 2000

static struct th_node P, X;
static char out[65536], err[8192];
static char mnt[600];

#define CLI(...)                                                               \
	th_cli(out, sizeof(out), err, sizeof(err),                             \
	       (const char *const[]){__VA_ARGS__, NULL})

static void
setup(void)
{
	th_setup();
	mnt[0] = '\0';
}

static void
teardown(void)
{
	th_teardown(); /* stops the daemons first */
	if (mnt[0] != '\0')
		(void)umount2(mnt, MNT_DETACH);
}

/* Fill the disk holding `path` with the file `path`. */
static void
fill(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	static char block[65536];
	memset(block, 'f', sizeof(block));
	size_t chunk = sizeof(block);
	for (;;) {
		ssize_t w = write(fd, block, chunk);
		if (w > 0)
			continue;
		if (w < 0 && errno == ENOSPC && chunk > 1) {
			chunk /= 2; /* the last blocks, to the byte */
			continue;
		}
		ck_assert_msg(w < 0 && errno == ENOSPC, "filler: %s",
		              strerror(errno));
		break;
	}
	close(fd);
}

/* Add a task at P through the CLI: its id into `id` (0), or the CLI's
 * exit code. */
static int
add_task(const char *topic, char *id, size_t idlen)
{
	int rc = CLI("--data", P.dir, "task", "add", "--topic", topic, "--form",
	             "inspection", "--scope", P_ID);
	if (rc == 0) {
		snprintf(id, idlen, "%s", out);
		id[strcspn(id, "\n")] = '\0';
	}
	return rc;
}

START_TEST(test_disk_full_and_back)
{
	snprintf(mnt, sizeof(mnt), "%s/p", th_root());
	ck_assert_int_eq(mkdir(mnt, 0700), 0);
	ck_assert_msg(mount("tmpfs", mnt, "tmpfs", 0, "size=8m,mode=0700") == 0,
	              "mount tmpfs: %s", strerror(errno));
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &P, NULL);
	th_node_start(&X);
	ck_assert(th_wait_quiet(&P, th_ms(20000)));

	/* Records stored before the disk fills. */
	static char acked[MAX_ACKED][300];
	size_t nacked = 0;
	char topic[200];
	for (; nacked < 5; nacked++) {
		snprintf(topic, sizeof(topic), "before %zu", nacked);
		ck_assert_int_eq(add_task(topic, acked[nacked], 300), 0);
	}

	char filler[700];
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	fill(filler);

	/* Write until refused: the store reuses pages it freed for a while,
	 * then needs new ones and meets the full disk. */
	int rc = 0;
	for (int i = 0; i < MAX_ACKED - 10; i++) {
		snprintf(topic, sizeof(topic),
		         "while filling %d: a longer topic so that pages fill "
		         "up sooner, 民主监督 民主监督 民主监督 民主监督",
		         i);
		rc = add_task(topic, acked[nacked], 300);
		if (rc != 0)
			break;
		nacked++;
	}
	ck_assert_msg(rc == 1, "writes never refused (exit %d): %s", rc, err);
	char want[800];
	snprintf(want, sizeof(want),
	         "store write failed: the disk holding %s/store is full",
	         P.dir);
	ck_assert_msg(strstr(err, want) != NULL, "got: %s", err);
	ck_assert_ptr_nonnull(strstr(err, "free space there"));
	ck_assert_ptr_null(strstr(err, "Input/output error"));

	/* Still refused, nothing of it stored, and the daemon is up and
	 * answers reads. The write tried again is the one refused: a failed
	 * transaction leaves the store as it was, so the same write needs
	 * the same new page and meets the same full disk. (A smaller write
	 * may go through meanwhile, rightly: LMDB puts it in pages the file
	 * already has, e.g. in the room left on a leaf that the refused
	 * record would have split. Whether it fits depends only on the sizes
	 * of what is stored, so it proves nothing either way.) */
	uint64_t held = th_count(&P);
	for (int i = 0; i < 3; i++) {
		char id[300];
		ck_assert_int_eq(add_task(topic, id, sizeof(id)), 1);
		ck_assert_msg(strstr(err, want) != NULL, "got: %s", err);
	}
	ck_assert_uint_eq(th_count(&P), held);
	ck_assert_int_eq(CLI("--data", P.dir, "status"), 0);

	/* A child's record written meanwhile. (Whether its batch waits
	 * depends on its size: LMDB reuses pages it freed, so a small
	 * transaction may still fit in the file; it must arrive at the
	 * latest once there is room.) */
	char xid[300];
	snprintf(xid, sizeof(xid), "%s",
	         th_add_task(&X, X_ID, "from the county"));
	th_sleep_ms(th_ms(1000));

	/* Room again: writes go through without a restart, the refused one
	 * too (a small one might have fitted without the room). */
	ck_assert_int_eq(unlink(filler), 0);
	ck_assert_int_eq(add_task(topic, acked[nacked], 300), 0);
	nacked++;
	ck_assert_msg(th_wait_record(&P, xid, th_ms(30000)),
	              "the child's batch never arrived after space returned");
	ck_assert(th_log_contains(&P, "writes succeed again"));
	/* Said once in the log, not once a turn. */
	char cmd[1400];
	snprintf(cmd, sizeof(cmd),
	         "test $(grep -c 'store: write failed: the disk holding' "
	         "'%s/liandongd.log') -eq 1",
	         P.dir);
	ck_assert_int_eq(system(cmd), 0);

	/* Every record acknowledged is there. */
	for (size_t i = 0; i < nacked; i++) {
		size_t len;
		uint8_t *b = th_get(&P, acked[i], &len);
		ck_assert_msg(b != NULL, "acknowledged %s is gone", acked[i]);
		free(b);
	}
	uint64_t count = th_count(&P);
	ck_assert_int_eq(CLI("--data", P.dir, "list"), 0);
	for (size_t i = 0; i < nacked; i++)
		ck_assert_msg(strstr(out, acked[i]) != NULL, "list lacks %s",
		              acked[i]);

	/* The store is intact: LMDB's own reader walks it, and the daemon
	 * opens it again with the same records. */
	ck_assert_int_eq(th_node_stop(&P), 0);
	snprintf(cmd, sizeof(cmd), "mdb_stat -a '%s/store' >/dev/null", P.dir);
	ck_assert_int_eq(system(cmd), 0);
	th_node_start(&P);
	ck_assert_uint_eq(th_count(&P), count);
	ck_assert_int_eq(add_task("after a restart", want, 300), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
	ck_assert_int_eq(th_node_stop(&X), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("diskfull");
	TCase *tc = tcase_create("diskfull");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_disk_full_and_back);
	suite_add_tcase(s, tc);
	return s;
}

/* A mount namespace of our own, with mounts not shared back: the tmpfs
 * is seen only by this test and its daemons, and vanishes with them. */
static bool
own_mount_ns(void)
{
	return geteuid() == 0 && unshare(CLONE_NEWNS) == 0 &&
	       mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

int
main(void)
{
	if (!own_mount_ns()) {
		fprintf(stderr,
		        "check_diskfull: SKIPPED: needs root to mount a "
		        "small tmpfs in a mount namespace (CI runs it "
		        "as root)\n");
		return 77;
	}
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
