/* check_restore.c — restore loses nothing and issues no (id, version)
 * twice: a county and a city restored from a backup taken while they
 * wrote, or made again with no backup at all, refuse writes until their
 * parent has sent their records back, and end with every record the same,
 * byte for byte, at every node; two stores that issued one (id, version)
 * twice show a conflict and keep their own copy; a damaged backup or a
 * wrong passphrase is refused; a city whose machine died is restored
 * into an empty directory (its configuration, children and accounts come
 * from the backup) and links to its parent and children as before; a
 * format-1 backup (no configuration) still restores into an office's
 * directory. */
#include "attach.h"
#include "harness.h"
#include "record.h"

#include <check.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"

static struct th_node P, C, X, R;

static void
three_levels(void)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	char cmd[2000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

/* 'liandong backup' of `n` into `file`, started in the background. */
static pid_t
backup_start(struct th_node *n, const char *file, const char *pass_file)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char bin[1024];
		snprintf(bin, sizeof(bin), "%s/clients/liandong", LD_BIN_DIR);
		if (pass_file != NULL)
			execl(bin, bin, "--data", n->dir, "backup", "--out",
			      file, "--with-key", "--passphrase-file",
			      pass_file, (char *)NULL);
		else
			execl(bin, bin, "--data", n->dir, "backup", "--out",
			      file, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
backup_wait(pid_t pid)
{
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "backup failed");
}

/* Lose the node's store (stopped) and restore `file` into its directory. */
static void
lose_and_restore(struct th_node *n, const char *file)
{
	sh("rm -rf '%s/store'%s", n->dir, "");
	char out[2048], err[2048];
	int rc = th_cli(out, sizeof(out), err, sizeof(err),
	                (const char *const[]){"restore", file, "--data", n->dir,
	                                      NULL});
	ck_assert_msg(rc == 0, "restore: %s", err);
	ck_assert_ptr_nonnull(strstr(out, "restored the store of"));
}

static bool
recovering(struct th_node *n)
{
	Ld__Response *r = th_status(n);
	bool rec = r->status->recovering;
	ld__response__free_unpacked(r, NULL);
	return rec;
}

static uint64_t
conflicts(struct th_node *n)
{
	Ld__Response *r = th_status(n);
	uint64_t c = r->status->conflicts;
	ld__response__free_unpacked(r, NULL);
	return c;
}

static bool
wait_recovered(struct th_node *n, int timeout_ms)
{
	int64_t end = th_now_ms() + timeout_ms;
	while (th_now_ms() < end) {
		if (!recovering(n))
			return true;
		th_sleep_ms(20);
	}
	return false;
}

/* A result answering `task` at `n`: its id (copy it), or NULL with the
 * refusal in err. */
static const char *
try_result(struct th_node *n, const char *task, const char *summary,
           char *err, size_t errlen)
{
	static char id[LD_ID_MAX + 1];
	Ld__Result body = LD__RESULT__INIT;
	body.ref = (char *)task;
	body.summary = (char *)summary;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &body;
	Ld__AddRequest add = LD__ADD_REQUEST__INIT;
	add.record = &r;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &add;
	Ld__Response *resp = NULL;
	char cerr[512];
	ck_assert_int_eq(ld_client_call(th_client(n), &req, &resp, 10000, cerr,
	                                sizeof(cerr)),
	                 0);
	const char *ret = NULL;
	if (resp->code == LD__CODE__CODE_OK) {
		snprintf(id, sizeof(id), "%s", resp->id);
		ret = id;
	} else {
		snprintf(err, errlen, "%s", resp->error);
	}
	ld__response__free_unpacked(resp, NULL);
	return ret;
}

/* Every record of `owner`'s subtree that P holds is at `a` (and at `b`
 * if `b_all`, else only those that flow down to it) with the same bytes;
 * and they hold no other. */
static void
assert_same_bytes(struct th_node *a, struct th_node *b, const char *owner,
                  bool b_all)
{
	th_assert_same_set(&P, a, owner);
	if (b_all)
		th_assert_same_set(&P, b, owner);
	struct th_idv *v;
	size_t n = th_list(&P, owner, 0, &v);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		size_t lp, la, lb;
		uint8_t *bp = th_get(&P, v[i].id, &lp);
		uint8_t *ba = th_get(a, v[i].id, &la);
		uint8_t *bb = th_get(b, v[i].id, &lb);
		if (bb == NULL && !b_all) {
			bb = th_get(a, v[i].id, &lb);
		}
		ck_assert_msg(bp && ba && bb, "%s missing", v[i].id);
		ck_assert_msg(lp == la && lp == lb && memcmp(bp, ba, lp) == 0 &&
		                  memcmp(bp, bb, lp) == 0,
		              "%s differs between nodes: issued twice?",
		              v[i].id);
		free(bp);
		free(ba);
		free(bb);
	}
	free(v);
	ck_assert_uint_eq(conflicts(&P), 0);
	ck_assert_uint_eq(conflicts(a), 0);
	ck_assert_uint_eq(conflicts(b), 0);
}

static void
quiet_all(void)
{
	ck_assert(th_wait_quiet(&X, th_ms(30000)));
	ck_assert(th_wait_quiet(&C, th_ms(30000)));
	ck_assert(th_wait_quiet(&P, th_ms(30000)));
}

/* Writes refused while recovering, with the reason. */
static void
assert_refused(struct th_node *n, const char *task)
{
	char err[512] = "";
	ck_assert_ptr_null(try_result(n, task, "恢复前", err, sizeof(err)));
	ck_assert_msg(strstr(err, "this office's store was restored: writes "
	                          "wait until its records are back from the "
	                          "parent") != NULL,
	              "refusal says: %s", err);
}

/* (a): a county restored while its city is down, from a backup taken
 * while it wrote; it writes when its records are back. */
START_TEST(test_county_restored)
{
	three_levels();
	char task[LD_ID_MAX + 1], last[LD_ID_MAX + 1], file[700];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	th_add_results(&X, task, 20, NULL);
	snprintf(file, sizeof(file), "%s/x.backup", th_root());
	pid_t b = backup_start(&X, file, NULL);
	th_add_results(&X, task, 50, NULL);
	backup_wait(b);
	/* After the backup: these exist only at the city and above. */
	th_add_results(&X, task, 30, last);
	ck_assert(th_wait_record(&P, last, th_ms(15000)));
	quiet_all();

	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&X), 0);
	lose_and_restore(&X, file);
	th_node_start(&X);
	assert_refused(&X, task);
	char out[4096], err[1024];
	ck_assert_int_eq(th_cli(out, sizeof(out), err, sizeof(err),
	                        (const char *const[]){"--data", X.dir,
	                                              "status", NULL}),
	                 0);
	ck_assert_msg(strstr(out, "RECOVERING: this office's store was "
	                          "restored") != NULL,
	              "%s", out);
	th_node_start(&C);
	ck_assert_msg(wait_recovered(&X, th_ms(30000)), "never recovered");
	ck_assert(th_wait_record(&X, last, th_ms(1000)));
	th_add_results(&X, task, 30, last);
	ck_assert(th_wait_record(&P, last, th_ms(15000)));
	quiet_all();
	assert_same_bytes(&C, &X, X_ID, true);
	struct th_idv *v;
	/* 20 + 50 + 30 + 30 results: none lost. */
	ck_assert_uint_eq(th_list(&P, X_ID, LD__KIND__KIND_RESULT, &v), 130);
	free(v);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* (b): a city restored while its county is away passes tasks on to it;
 * the county gets every one. */
START_TEST(test_city_restored)
{
	three_levels();
	char task[LD_ID_MAX + 1], last[LD_ID_MAX + 1], file[700];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, C_ID, "任务"));
	ck_assert(th_wait_record(&C, task, th_ms(10000)));
	th_add_tasks(&C, X_ID, 10, NULL);
	snprintf(file, sizeof(file), "%s/c.backup", th_root());
	pid_t b = backup_start(&C, file, NULL);
	th_add_tasks(&C, X_ID, 40, NULL);
	th_add_results(&C, task, 5, NULL);
	backup_wait(b);
	th_add_tasks(&C, X_ID, 30, last);
	ck_assert(th_wait_record(&X, last, th_ms(15000)));
	quiet_all();

	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	lose_and_restore(&C, file);
	th_node_start(&C);
	ck_assert_msg(wait_recovered(&C, th_ms(30000)), "never recovered");
	/* Ten tasks for the county while it is away. */
	th_add_tasks(&C, X_ID, 10, last);
	ck_assert(th_wait_record(&P, last, th_ms(15000)));
	th_node_start(&X);
	ck_assert_msg(th_wait_record(&X, last, th_ms(15000)),
	              "the county never got the tasks passed on");
	quiet_all();
	assert_same_bytes(&C, &X, C_ID, false);
	struct th_idv *v;
	ck_assert_uint_eq(th_list(&X, C_ID, LD__KIND__KIND_TASK, &v), 90);
	free(v);
	ck_assert_uint_eq(th_list(&C, C_ID, LD__KIND__KIND_RESULT, &v), 5);
	free(v);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* No backup at all: the county made again with 'liandong init' (new
 * keys, endorsed) gets its own results back from its parent. */
START_TEST(test_county_remade)
{
	three_levels();
	char task[LD_ID_MAX + 1], last[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	th_add_results(&X, task, 40, last);
	ck_assert(th_wait_record(&P, last, th_ms(15000)));
	quiet_all();
	ck_assert_int_eq(th_node_stop(&X), 0);
	sh("rm -rf '%s'%s", X.dir, "");
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_endorse(&P, &X);
	th_node_start(&X);
	ck_assert_msg(wait_recovered(&X, th_ms(30000)), "never recovered");
	ck_assert(th_wait_record(&X, last, th_ms(1000)));
	th_add_results(&X, task, 20, last);
	ck_assert(th_wait_record(&P, last, th_ms(15000)));
	quiet_all();
	assert_same_bytes(&C, &X, X_ID, true);
	struct th_idv *v;
	ck_assert_uint_eq(th_list(&X, X_ID, LD__KIND__KIND_RESULT, &v), 60);
	free(v);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* Two stores of the county issue one (id, version) with other bytes: each
 * node keeps its own copy, refuses the other and shows the conflict. */
START_TEST(test_conflict)
{
	three_levels();
	char task[LD_ID_MAX + 1], ka[LD_ID_MAX + 1], kb[LD_ID_MAX + 1];
	char err[512], base[700];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	quiet_all();
	ck_assert_int_eq(th_node_stop(&X), 0);
	snprintf(base, sizeof(base), "%s/x-store-copy", th_root());
	sh("cp -a '%s/store' '%s'", X.dir, base);
	th_node_start(&X);
	const char *id = try_result(&X, task, "甲", err, sizeof(err));
	ck_assert_ptr_nonnull(id);
	snprintf(ka, sizeof(ka), "%s", id);
	ck_assert(th_wait_record(&C, ka, th_ms(10000)));
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
	/* Copied back by hand while the city is down: nothing tells it. */
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&X), 0);
	sh("rm -rf '%s/store'%s", X.dir, "");
	sh("mv '%s' '%s/store'", base, X.dir);
	th_node_start(&X);
	id = try_result(&X, task, "乙", err, sizeof(err));
	ck_assert_ptr_nonnull(id);
	snprintf(kb, sizeof(kb), "%s", id);
	ck_assert_str_eq(ka, kb); /* the same id, version 1, other bytes */
	size_t lx, lc;
	uint8_t *bx = th_get(&X, kb, &lx);
	ck_assert_int_eq(th_node_stop(&X), 0);
	/* Then restored as if from a backup of this store. */
	sh("touch '%s/store/restored'%s", X.dir, "");
	th_node_start(&X);
	th_node_start(&C);
	ck_assert_msg(wait_recovered(&X, th_ms(30000)), "never recovered");
	int64_t end = th_now_ms() + th_ms(15000);
	while (th_now_ms() < end && (conflicts(&X) == 0 || conflicts(&C) == 0))
		th_sleep_ms(20);
	ck_assert_uint_ge(conflicts(&X), 1);
	ck_assert_uint_ge(conflicts(&C), 1);
	uint8_t *bx2 = th_get(&X, kb, &lx);
	uint8_t *bc = th_get(&C, ka, &lc);
	ck_assert(bx2 != NULL && memcmp(bx, bx2, lx) == 0);
	ck_assert(bc != NULL && (lc != lx || memcmp(bc, bx, lc) != 0));
	char out[4096];
	ck_assert_int_eq(th_cli(out, sizeof(out), err, sizeof(err),
	                        (const char *const[]){"--data", X.dir,
	                                              "status", NULL}),
	                 0);
	ck_assert_msg(strstr(out, "CONFLICTS") != NULL, "%s", out);
	ck_assert(th_log_contains(&X, "CONFLICT"));
	free(bx);
	free(bx2);
	free(bc);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* Write `n` pseudo-random bytes to `path`; return them (malloc'd). */
static uint8_t *
make_file(const char *path, size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);
	ck_assert_ptr_nonnull(b);
	uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (uint8_t)x;
	}
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
	return b;
}

static uint64_t
chunks_wanted(struct th_node *n)
{
	Ld__Response *r = th_status(n);
	uint64_t w = r->status->chunks_wanted;
	ld__response__free_unpacked(r, NULL);
	return w;
}

/* Wait (up to `ms`, scaled) until `n`'s recovery line contains `text`. */
static void
wait_recovery_says(struct th_node *n, const char *text, int ms)
{
	int64_t end = th_now_ms() + th_ms(ms);
	for (;;) {
		Ld__Response *r = th_status(n);
		bool says = strstr(r->status->recovery, text) != NULL;
		char line[600];
		snprintf(line, sizeof(line), "%s", r->status->recovery);
		ld__response__free_unpacked(r, NULL);
		if (says)
			return;
		ck_assert_msg(th_now_ms() < end,
		              "%s: recovery never said '%s' (says '%s')", n->id,
		              text, line);
		th_sleep_ms(20);
	}
}

/* The county `X` adds a result answering `task` with `file` attached;
 * its id goes to `id`. */
static void
add_with_file(const char *task, const char *file, char *id)
{
	char out[4096], err[2048];
	int rc = th_cli(out, sizeof(out), err, sizeof(err),
	                (const char *const[]){"--data", X.dir, "result", "add",
	                                      "--ref", task, "--summary",
	                                      "调研报告", "--attach", file,
	                                      NULL});
	ck_assert_msg(rc == 0, "result add: %s", err);
	size_t n = strcspn(out, "\n");
	ck_assert(n > 0 && n <= LD_ID_MAX);
	memcpy(id, out, n);
	id[n] = '\0';
}

/* (d): a county restored from a backup older than its result with an
 * attachment gets the record back from the city, then the file's chunks;
 * its writes wait for both, saying why; the file it serves then is the
 * one it attached. */
START_TEST(test_county_attachment_back)
{
	/* 128 KiB/s: a 256 KiB chunk every 2 s, so the wait for the chunks
	 * can be seen. */
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C,
	             "[link]\nfetch_kib_s = 128\n");
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
	char task[LD_ID_MAX + 1], r[LD_ID_MAX + 1], file[700], path[700];
	char got[700], err[1024], out[4096];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	snprintf(file, sizeof(file), "%s/x.backup", th_root());
	backup_wait(backup_start(&X, file, NULL));
	/* 900000 bytes: four chunks, the last 113568 bytes. */
	const size_t size = 900000;
	snprintf(path, sizeof(path), "%s/调研报告.pdf", th_root());
	uint8_t *bytes = make_file(path, size, 7);
	add_with_file(task, path, r);
	ck_assert(th_wait_record(&C, r, th_ms(10000)));
	int64_t end = th_now_ms() + th_ms(30000);
	while (chunks_wanted(&C) != 0 || chunks_wanted(&P) != 0) {
		ck_assert_msg(th_now_ms() < end, "the file never got up");
		th_sleep_ms(50);
	}
	quiet_all();

	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&X), 0);
	lose_and_restore(&X, file);
	th_node_start(&X);
	assert_refused(&X, task);
	ck_assert_ptr_null(th_get(&X, r, &(size_t){0}));
	th_node_start(&C);
	/* The record is back, its file is not yet: still refused, and the
	 * refusal says what writes wait for. */
	wait_recovery_says(&X, "attachment chunks of them", 30000);
	ck_assert(th_wait_record(&X, r, th_ms(1000)));
	ck_assert_uint_gt(chunks_wanted(&X), 0);
	ck_assert_ptr_null(try_result(&X, task, "文件未回", err, sizeof(err)));
	ck_assert_msg(strstr(err, "this office's store was restored: its "
	                          "records are back from the parent "
	                          "(" C_ID "); writes wait for ") != NULL &&
	                  strstr(err, " attachment chunks of them (") !=
	                      NULL &&
	                  strstr(err, " KiB), or until 10 min pass with none "
	                              "arriving (") != NULL,
	              "refusal says: %s", err);
	ck_assert_int_eq(th_cli(out, sizeof(out), err, sizeof(err),
	                        (const char *const[]){"--data", X.dir,
	                                              "status", NULL}),
	                 0);
	ck_assert_msg(strstr(out, "RECOVERING: this office's store was "
	                          "restored: its records are back") != NULL,
	              "%s", out);
	ck_assert(th_log_contains(&X, "writes wait for 4 attachment chunks "
	                              "of them (879 KiB)"));

	ck_assert_msg(wait_recovered(&X, th_ms(60000)), "never recovered");
	ck_assert_uint_eq(chunks_wanted(&X), 0);
	ck_assert(th_log_contains(&X, "attachment chunks of this office's "
	                              "records are back"));
	/* The file at the county is the one it attached. */
	snprintf(got, sizeof(got), "%s/got.pdf", th_root());
	ck_assert_int_eq(th_cli(out, sizeof(out), err, sizeof(err),
	                        (const char *const[]){"--data", X.dir,
	                                              "attachment", "get", r,
	                                              "--out", got, NULL}),
	                 0);
	FILE *f = fopen(got, "rb");
	ck_assert_ptr_nonnull(f);
	uint8_t *back = malloc(size + 1);
	ck_assert_uint_eq(fread(back, 1, size + 1, f), size);
	fclose(f);
	ck_assert(memcmp(back, bytes, size) == 0);
	Ld__Record *rec = th_record_at(&X, r, 1);
	struct ld_attach_sum sum;
	ld_attach_sum_init(&sum);
	ld_attach_sum_add(&sum, back, size);
	ck_assert(ld_attach_sum_ok(&sum, rec->result->attachments[0]));
	ld__record__free_unpacked(rec, NULL);
	free(back);
	free(bytes);
	/* Writes are open. */
	ck_assert_ptr_nonnull(try_result(&X, task, "恢复后", err, sizeof(err)));
	Ld__Response *st = th_status(&X);
	ck_assert_str_eq(st->status->recovery, "");
	ld__response__free_unpacked(st, NULL);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* (e): the city lacks part of the county's file (it fetched one chunk of
 * three when the county's store was lost): the county's writes wait for
 * the chunks no longer than [link] recover_wait_s with none arriving, then
 * reopen with a warning, which status shows. */
START_TEST(test_county_attachment_lost)
{
	/* 1 KiB/s: the city takes one chunk now and the next in minutes. */
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P,
	             "[link]\nfetch_kib_s = 1\n");
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C,
	             "[link]\nrecover_wait_s = 3\n");
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
	char task[LD_ID_MAX + 1], r[LD_ID_MAX + 1], file[700], path[700];
	char err[1024], out[4096];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "任务"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));
	snprintf(file, sizeof(file), "%s/x.backup", th_root());
	backup_wait(backup_start(&X, file, NULL));
	snprintf(path, sizeof(path), "%s/现场照片.jpg", th_root());
	free(make_file(path, 700000, 8)); /* three chunks */
	add_with_file(task, path, r);
	ck_assert(th_wait_record(&C, r, th_ms(10000)));
	int64_t end = th_now_ms() + th_ms(30000);
	while (chunks_wanted(&C) != 2) {
		ck_assert_msg(th_now_ms() < end, "the city wants %llu chunks",
		              (unsigned long long)chunks_wanted(&C));
		th_sleep_ms(50);
	}

	ck_assert_int_eq(th_node_stop(&X), 0);
	lose_and_restore(&X, file);
	th_node_start(&X);
	ck_assert_msg(wait_recovered(&X, th_ms(30000)), "never recovered");
	ck_assert(th_wait_record(&X, r, th_ms(1000)));
	ck_assert_uint_eq(chunks_wanted(&X), 2);
	ck_assert(th_log_contains(&X, "writes wait for 3 attachment chunks"));
	ck_assert(th_log_contains(&X, "writes reopened without 2 attachment "
	                              "chunks ("));
	Ld__Response *st = th_status(&X);
	ck_assert_msg(strstr(st->status->recovery,
	                     "writes reopened without 2 attachment chunks") !=
	                  NULL &&
	                  strstr(st->status->recovery, "in 3 s") != NULL,
	              "%s", st->status->recovery);
	ld__response__free_unpacked(st, NULL);
	ck_assert_int_eq(th_cli(out, sizeof(out), err, sizeof(err),
	                        (const char *const[]){"--data", X.dir,
	                                              "status", NULL}),
	                 0);
	ck_assert_msg(strstr(out, "RECOVERY INCOMPLETE: ") != NULL, "%s", out);
	ck_assert_ptr_nonnull(try_result(&X, task, "恢复后", err, sizeof(err)));
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

/* The whole of `path`, malloc'd; its size in *n. */
static uint8_t *
read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(fread(b, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*n = (size_t)size;
	return b;
}

static uint32_t
be(const uint8_t *p, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Where the config part of format-2 backup bytes `b` starts, and (in
 * *end) where it ends. */
static size_t
conf_part(const uint8_t *b, size_t n, size_t *end)
{
	ck_assert_uint_ge(n, 20);
	ck_assert_int_eq(be(b + 8, 4), 2);
	size_t at = 18 + be(b + 16, 2), p = at + 2;
	for (uint32_t k = be(b + at, 2); k > 0; k--) {
		p += 2 + be(b + p, 2);
		p += 4 + be(b + p, 4);
	}
	ck_assert_uint_le(p, n);
	*end = p;
	return at;
}

/* Write `from` (format 2) as `to` in format 1, as a liandong from before
 * the config part wrote it: the header with format 1, the key part and
 * the store, and the checksum of those. */
static void
write_format1(const char *from, const char *to)
{
	size_t n, end;
	uint8_t *b = read_all(from, &n);
	size_t at = conf_part(b, n, &end);
	b[11] = 1;
	crypto_generichash_state h;
	uint8_t sum[32];
	crypto_generichash_init(&h, NULL, 0, sizeof(sum));
	crypto_generichash_update(&h, b, at);
	crypto_generichash_update(&h, b + end, n - 32 - end);
	crypto_generichash_final(&h, sum, sizeof(sum));
	FILE *f = fopen(to, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, at, f), at);
	ck_assert_uint_eq(fwrite(b + end, 1, n - 32 - end, f), n - 32 - end);
	ck_assert_uint_eq(fwrite(sum, 1, sizeof(sum), f), sizeof(sum));
	ck_assert_int_eq(fclose(f), 0);
	free(b);
}

/* Flip one bit of the byte at `off` in `path`. */
static void
flip(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	ck_assert_ptr_nonnull(f);
	fseek(f, off, SEEK_SET);
	int ch = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(ch ^ 0x10, f);
	fclose(f);
}

static void
assert_one_line(const char *err)
{
	ck_assert_msg(err[0] != '\0' && strchr(err, '\n') == err + strlen(err) - 1,
	              "not one line: %s", err);
}

/* restore FILE --data DIR [--passphrase-file PASS]: the exit code. */
static int
restore(const char *file, const char *dir, const char *pass, char *out,
        char *err)
{
	if (pass != NULL)
		return th_cli(out, 4096, err, 2048,
		              (const char *const[]){"restore", file, "--data",
		                                    dir, "--passphrase-file",
		                                    pass, NULL});
	return th_cli(out, 4096, err, 2048,
	              (const char *const[]){"restore", file, "--data", dir,
	                                    NULL});
}

/* A damaged backup (the store or the config part) and a wrong passphrase
 * are refused with one line, and nothing is made; a format-2 backup makes
 * the office's directory when there is none, and keeps the configuration
 * of one there is; a format-1 backup needs the office's liandong.conf;
 * the root's backup without its key is refused into a directory with no
 * key. */
START_TEST(test_backup_file_checks)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	th_add_task(&P, P_ID, "任务");
	char file[700], nokey[700], old[700], pass[700], wrong[700], dir[700];
	char dir3[700], out[4096], err[2048];
	snprintf(file, sizeof(file), "%s/p.backup", th_root());
	snprintf(nokey, sizeof(nokey), "%s/p-nokey.backup", th_root());
	snprintf(old, sizeof(old), "%s/p-format1.backup", th_root());
	snprintf(pass, sizeof(pass), "%s/pass", th_root());
	snprintf(wrong, sizeof(wrong), "%s/wrong", th_root());
	snprintf(dir, sizeof(dir), "%s/new/p2", th_root());
	snprintf(dir3, sizeof(dir3), "%s/p3", th_root());
	sh("echo 'correct horse' > '%s'; echo 'wrong horse' > '%s'", pass,
	   wrong);
	backup_wait(backup_start(&P, file, pass));
	backup_wait(backup_start(&P, nokey, NULL));
	ck_assert_int_eq(th_node_stop(&P), 0);

	/* The root without its key, into no office's directory: refused
	 * before anything is made. */
	int rc = restore(nokey, dir, NULL, out, err);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, "cannot take a new key") != NULL, "%s", err);
	assert_one_line(err);
	sh("test ! -e '%s'", dir);
	/* A wrong passphrase: one line, nothing made. */
	rc = restore(file, dir, wrong, out, err);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, "wrong passphrase") != NULL, "%s", err);
	assert_one_line(err);
	sh("test ! -e '%s'", dir);
	/* One flipped byte in the config part: the checksum refuses it. */
	char bad[700];
	snprintf(bad, sizeof(bad), "%s/p-bad.backup", th_root());
	sh("cp '%s' '%s'", file, bad);
	size_t n, end;
	uint8_t *b = read_all(bad, &n);
	size_t at = conf_part(b, n, &end);
	free(b);
	flip(bad, (long)(at + end) / 2);
	rc = restore(bad, dir, pass, out, err);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, "damaged") != NULL, "%s", err);
	assert_one_line(err);
	sh("test ! -e '%s'", dir);

	/* Into no office's directory: the backup makes it. */
	rc = restore(file, dir, pass, out, err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_msg(strstr(out, "restored liandong.conf") != NULL, "%s", out);
	sh("cmp '%s/liandong.conf' '%s/liandong.conf'", P.dir, dir);
	sh("cmp '%s/keys/node.key' '%s/keys/node.key'", P.dir, dir);
	sh("test \"$(stat -c %%a '%s')\" = 700 && "
	   "test \"$(stat -c %%a '%s/liandong.conf')\" = 600",
	   dir, dir);
	/* Again, into the office's directory it now is: its own kept. */
	sh("echo '; edited here' >> '%s/liandong.conf'", dir);
	rc = restore(file, dir, pass, out, err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_msg(strstr(out, "kept the existing liandong.conf") != NULL,
	              "%s", out);
	sh("grep -q 'edited here' '%s/liandong.conf'", dir);

	/* A format-1 backup holds no configuration: refused into no
	 * office's directory, restored into one. */
	write_format1(file, old);
	rc = restore(old, dir3, pass, out, err);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, "has no liandong.conf") != NULL &&
	                  strstr(err, "format-1") != NULL &&
	                  strstr(err, "liandong init") != NULL,
	              "%s", err);
	assert_one_line(err);
	sh("test ! -e '%s/store'", dir3);
	sh("mkdir -p '%s' && cp '%s/liandong.conf' '%s/'", dir3, P.dir, dir3);
	rc = restore(old, dir3, pass, out, err);
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_msg(strstr(out, "format 1") != NULL, "%s", out);
	sh("cmp '%s/keys/node.key' '%s/keys/node.key'", P.dir, dir3);
	sh("test -s '%s/store/data.mdb' && test -e '%s/store/restored'", dir3,
	   dir3);
	/* It starts, from the format-1 backup's store. */
	R = P;
	snprintf(R.dir, sizeof(R.dir), "%s", dir3);
	R.pid = 0;
	R.cl = NULL;
	th_node_start(&R);
	ck_assert_uint_gt(th_count(&R), 0);
	ck_assert_int_eq(th_node_stop(&R), 0);

	/* One flipped byte in the middle. */
	b = read_all(file, &n);
	free(b);
	flip(file, (long)n / 2);
	rc = restore(file, dir, pass, out, err);
	ck_assert_int_eq(rc, 1);
	ck_assert_msg(strstr(err, "damaged") != NULL, "%s", err);
	assert_one_line(err);
}
END_TEST

/* A users file as 'liandong user' writes it: three accounts. */
static void
write_users(const char *dir)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/users", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "# liandong: this office's accounts, written by "
	           "'liandong user' (docs/users.md).\n"
	           "# NAME ROLE ARGON2ID-HASH TOKEN-SHA256\n"
	           "张三 administrator $argon2id$v=19$m=65536,t=2,p=1$"
	           "c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo"
	           "aGFzaGhhc2g -\n"
	           "李四 clerk - "
	           "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15"
	           "b0f00a08\n"
	           "王五 reader - -\n");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* Members' personal details as 'liandong member' keeps them: CSV,
 * mode 0600, with a quoted field and a comma inside it. */
static void
write_contacts(const char *dir)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/members.private", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "member,phone,address,id_number,email\n"
	           "530300-1-1,13800000000,\"曲靖市麒麟区, 南宁北路 1 号\","
	           "530302198001010011,zhang@example.cn\n"
	           "530300-1-2,,,,\n");
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* (f): the city's machine died: its backup, restored into an empty new
 * directory, brings its configuration, its children and its accounts;
 * the city starts there, gets its records back from the province and
 * links to its county as before. */
START_TEST(test_city_new_machine)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P,
	             "[report]\nplugin_dir = /nonexistent/liandong-plugins\n");
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
	write_users(C.dir);
	write_contacts(C.dir);
	char task[LD_ID_MAX + 1], last[LD_ID_MAX + 1], file[700], pass[700];
	char users[700], contacts[700], dir[700], out[4096], err[2048];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, C_ID, "任务"));
	ck_assert(th_wait_record(&C, task, th_ms(10000)));
	th_add_tasks(&C, X_ID, 10, last);
	ck_assert(th_wait_record(&X, last, th_ms(10000)));
	snprintf(file, sizeof(file), "%s/c.backup", th_root());
	snprintf(pass, sizeof(pass), "%s/pass", th_root());
	snprintf(users, sizeof(users), "%s/users.before", th_root());
	snprintf(contacts, sizeof(contacts), "%s/members.private.before",
	         th_root());
	snprintf(dir, sizeof(dir), "%s/new-machine/c", th_root());
	sh("echo 'correct horse' > '%s'", pass);
	pid_t bp = backup_start(&C, file, pass);
	backup_wait(bp);
	/* After the backup: back only from the province. */
	th_add_results(&C, task, 5, last);
	ck_assert(th_wait_record(&P, last, th_ms(15000)));
	quiet_all();

	/* The machine dies with everything on it. */
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	sh("cp '%s/users' '%s' && cp '%s/members.private' '%s' && "
	   "rm -rf '%s'", C.dir, users, C.dir, contacts, C.dir);
	int rc = restore(file, dir, pass, out, err);
	ck_assert_msg(rc == 0, "restore: %s", err);
	ck_assert_msg(strstr(out, "restored the store of " C_ID) != NULL &&
	                  strstr(out, "and the node key") != NULL &&
	                  strstr(out, "restored liandong.conf, children (1 "
	                              "child), users (3 accounts), "
	                              "members.private (members' personal "
	                              "details, mode 0600)") != NULL,
	              "%s", out);
	/* The plugin directory of the old machine is not on this one. */
	ck_assert_msg(strstr(err, "warning: ") != NULL &&
	                  strstr(err, "plugin_dir = "
	                              "/nonexistent/liandong-plugins: does "
	                              "not exist on this machine") != NULL,
	              "%s", err);
	assert_one_line(err);
	sh("cmp '%s' '%s/users'", users, dir);
	sh("cmp '%s' '%s/members.private'", contacts, dir);
	sh("test \"$(stat -c %%a '%s')\" = 700 && "
	   "test \"$(stat -c %%a '%s/users')\" = 600 && "
	   "test \"$(stat -c %%a '%s/members.private')\" = 600 && "
	   "test \"$(stat -c %%a '%s/children')\" = 600",
	   dir, dir, dir, dir);

	snprintf(C.dir, sizeof(C.dir), "%s", dir);
	th_node_start(&C);
	ck_assert_msg(wait_recovered(&C, th_ms(30000)), "never recovered");
	ck_assert(th_wait_record(&C, last, th_ms(1000)));
	th_node_start(&X);
	th_add_tasks(&C, X_ID, 10, last);
	ck_assert_msg(th_wait_record(&X, last, th_ms(15000)),
	              "the county never got the new city's tasks");
	char res[LD_ID_MAX + 1];
	th_add_results(&X, last, 3, res);
	ck_assert_msg(th_wait_record(&P, res, th_ms(15000)),
	              "the county's result never reached the province");
	quiet_all();
	assert_same_bytes(&C, &X, C_ID, false);
	struct th_idv *v;
	/* The city's 5 (written after the backup) and the county's 3. */
	ck_assert_uint_eq(th_list(&C, C_ID, LD__KIND__KIND_RESULT, &v), 8);
	free(v);
	sh("cmp '%s' '%s/users'", users, dir);
	ck_assert_int_eq(th_node_stop(&X), 0);
	ck_assert_int_eq(th_node_stop(&C), 0);
	ck_assert_int_eq(th_node_stop(&P), 0);
}
END_TEST

static void
setup(void)
{
	th_setup();
	memset(&P, 0, sizeof(P));
	memset(&C, 0, sizeof(C));
	memset(&X, 0, sizeof(X));
	memset(&R, 0, sizeof(R));
}

static Suite *
suite(void)
{
	Suite *s = suite_create("restore");
	TCase *tc = tcase_create("restore and recovery");
	tcase_add_checked_fixture(tc, setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_county_restored);
	tcase_add_test(tc, test_city_restored);
	tcase_add_test(tc, test_county_remade);
	tcase_add_test(tc, test_conflict);
	tcase_add_test(tc, test_county_attachment_back);
	tcase_add_test(tc, test_county_attachment_lost);
	tcase_add_test(tc, test_backup_file_checks);
	tcase_add_test(tc, test_city_new_machine);
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
