/* ld_bench.c — the replication benchmark: three real daemons (province,
 * city, county) on loopback, records of ~200 bytes written at the province
 * and addressed to the county. Reports end-to-end and catch-up records/s,
 * province->county latency (p50/p99) and each daemon's peak RSS. Each
 * measurement runs on a fresh set of nodes.
 *
 *   ld_bench [--records N] [--latency N] [--dir DIR] [--window N]
 *            [--insecure] [--verify-threads N] [--bulk N] [--sign-each]
 *
 * --sign-each: every record signed alone ([security] signatures =
 * record), as before batch signatures, for comparison.
 *
 * With --bulk N, the end-to-end measurement runs twice, with one record a
 * request (AddRequest) and then with N a request (AddManyRequest), each
 * on fresh nodes; catch-up and latency are not measured.
 *
 * First, in the same run, the speed of the primitives every record costs
 * (docs/performance.md "What limits each figure"): an Ed25519 signature
 * and check, the leaf hash and a path fold of a batch signature, decoding
 * and checking a record, and an fsync'd write in the data directory.
 */
#define _GNU_SOURCE
#include "client.h"
#include "record.h"
#include "seal.h"
#include "sign.h"
#include "store.h"
#include "validate.h"

#include <sodium.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"

struct node {
	const char *id, *name, *sub;
	char dir[512];
	int port;
	pid_t pid;
	struct ld_client *cl;
	long hwm_kb;  /* peak RSS over this node's lifetimes */
	long anon_kb; /* largest anonymous RSS seen at a stop */
	long file_kb; /* largest file-backed RSS (the LMDB map) at a stop */
};

static char root[256];
static int window = 1000;
static size_t rec_bytes_total, rec_count;

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("ld_bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static int
free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		die("cannot find a free port");
	close(fd);
	return ntohs(a.sin_port);
}

static void
run(const char *cmd)
{
	if (system(cmd) != 0)
		die("failed: %s", cmd);
}

static bool insecure;
static bool sign_each; /* [security] signatures = record */
static int verify_threads = -1; /* -1: the default */

/* One line of a command's output (trailing newline removed). */
static void
capture(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	if (f == NULL || fgets(out, (int)len, f) == NULL)
		die("failed: %s", cmd);
	out[strcspn(out, "\n")] = '\0';
	if (pclose(f) != 0)
		die("failed: %s", cmd);
}

/* `liandong init` the node and, unless insecure, enrol it at its parent
 * the way an administrator would. */
static void
node_init(struct node *n, const struct node *parent, bool listen,
          int round)
{
	snprintf(n->dir, sizeof(n->dir), "%s/r%d-%s", root, round, n->sub);
	n->port = listen ? free_port() : 0;
	char cmd[2048], lst[64] = "", par[64] = "", keys[512] = "";
	if (listen)
		snprintf(lst, sizeof(lst), "--listen tcp://127.0.0.1:%d",
		         n->port);
	if (parent)
		snprintf(par, sizeof(par), "--parent tcp://127.0.0.1:%d",
		         parent->port);
	if (parent && !insecure) {
		char pk[256], rk[256];
		snprintf(cmd, sizeof(cmd),
		         "'%s/clients/liandong' --data '%s' key show | awk "
		         "'$1 == \"key\" {print $2}'",
		         LD_BIN_DIR, parent->dir);
		capture(cmd, pk, sizeof(pk));
		snprintf(cmd, sizeof(cmd),
		         "'%s/clients/liandong' --data '%s' key show | awk "
		         "'$1 == \"root\" {print $3}'",
		         LD_BIN_DIR, parent->dir);
		capture(cmd, rk, sizeof(rk));
		snprintf(keys, sizeof(keys), "--parent-key %s --root-key %s",
		         pk, rk);
	}
	snprintf(cmd, sizeof(cmd),
	         "'%s/clients/liandong' init --data '%s' --id %s --name %s %s "
	         "%s %s %s >/dev/null",
	         LD_BIN_DIR, n->dir, n->id, n->name, lst, par, keys,
	         insecure ? "--insecure" : "");
	run(cmd);
	if (verify_threads >= 0 || sign_each) {
		char conf[700];
		snprintf(conf, sizeof(conf), "%s/liandong.conf", n->dir);
		FILE *f = fopen(conf, "a");
		if (f == NULL)
			die("%s: cannot append", conf);
		fprintf(f, "[security]\n");
		if (verify_threads >= 0)
			fprintf(f, "verify_threads = %d\n", verify_threads);
		if (sign_each)
			fprintf(f, "signatures = record\n");
		fclose(f);
	}
	if (parent && !insecure) {
		char key[256];
		snprintf(cmd, sizeof(cmd),
		         "'%s/clients/liandong' --data '%s' key show | awk "
		         "'$1 == \"key\" {print $2}'",
		         LD_BIN_DIR, n->dir);
		capture(cmd, key, sizeof(key));
		snprintf(cmd, sizeof(cmd),
		         "'%s/clients/liandong' --data '%s' child add %s %s "
		         ">/dev/null",
		         LD_BIN_DIR, parent->dir, n->id, key);
		run(cmd);
	}
}

static void
node_start(struct node *n)
{
	char bin[600], logf[600];
	snprintf(bin, sizeof(bin), "%s/daemon/liandongd", LD_BIN_DIR);
	snprintf(logf, sizeof(logf), "%s.log", n->dir);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execl(bin, bin, "--data", n->dir, (char *)NULL);
		_exit(127);
	}
	n->pid = pid;
	char err[1024];
	double end = now_s() + 15;
	while (now_s() < end) {
		if (ld_client_open(n->dir, &n->cl, err, sizeof(err)) == 0) {
			Ld__StatusRequest s = LD__STATUS_REQUEST__INIT;
			Ld__Request req = LD__REQUEST__INIT;
			req.op_case = LD__REQUEST__OP_STATUS;
			req.status = &s;
			Ld__Response *resp;
			if (ld_client_call(n->cl, &req, &resp, 1000, err,
			                   sizeof(err)) == 0) {
				ld__response__free_unpacked(resp, NULL);
				return;
			}
			ld_client_close(&n->cl);
		}
		usleep(20000);
	}
	die("%s did not start: %s (see %s)", n->id, err, logf);
}

/* A "Name: N kB" line of /proc/PID/status. */
static long
status_kb(pid_t pid, const char *name)
{
	char f[64], line[256];
	snprintf(f, sizeof(f), "/proc/%d/status", (int)pid);
	size_t nl = strlen(name);
	FILE *fp = fopen(f, "r");
	long kb = 0;
	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, name, nl) == 0 && line[nl] == ':' &&
		    sscanf(line + nl + 1, "%ld", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

static void
node_stop(struct node *n)
{
	if (n->pid <= 0)
		return;
	long kb = status_kb(n->pid, "VmHWM");
	if (kb > n->hwm_kb)
		n->hwm_kb = kb;
	kb = status_kb(n->pid, "RssAnon");
	if (kb > n->anon_kb)
		n->anon_kb = kb;
	kb = status_kb(n->pid, "RssFile");
	if (kb > n->file_kb)
		n->file_kb = kb;
	ld_client_close(&n->cl);
	kill(n->pid, SIGTERM);
	int st;
	waitpid(n->pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("%s did not exit cleanly", n->id);
	n->pid = 0;
}

static Ld__Response *
call(struct node *n, Ld__Request *req, int timeout_ms)
{
	char err[1024];
	Ld__Response *resp;
	if (ld_client_call(n->cl, req, &resp, timeout_ms, err, sizeof(err)))
		die("%s: %s", n->id, err);
	return resp;
}

/* Fill a ~200-byte task for the county. */
static void
fill(Ld__Record *r, Ld__Task *t, char **scope, char *topic, size_t len,
     long i)
{
	snprintf(topic, len,
	         "第%ld项：优化营商环境三级联动民主监督，涉企收费专项检查，"
	         "县市场监管局整改跟踪",
	         i);
	ld__task__init(t);
	t->topic = topic;
	t->form = "监督性视察";
	t->due = "2026-12-31";
	ld__record__init(r);
	r->body_case = LD__RECORD__BODY_TASK;
	r->task = t;
	r->n_scope = 1;
	r->scope = scope;
}

/* Write n records at the province, `window` requests in flight. Returns
 * the id of the last one in last (LD_ID_MAX + 1). */
static void
write_many(struct node *p, long n, char *last)
{
	char err[1024], topic[256];
	char *scope[1] = {X_ID};
	long sent = 0, done = 0;
	uint64_t best = 0;
	while (done < n) {
		while (sent < n && sent - done < window) {
			Ld__Record r;
			Ld__Task t;
			fill(&r, &t, scope, topic, sizeof(topic), sent);
			Ld__AddRequest add = LD__ADD_REQUEST__INIT;
			add.record = &r;
			Ld__Request req = LD__REQUEST__INIT;
			req.op_case = LD__REQUEST__OP_ADD;
			req.add = &add;
			if (ld_client_send(p->cl, &req, err, sizeof(err)))
				die("%s", err);
			sent++;
		}
		Ld__Response *resp;
		if (ld_client_recv(p->cl, &resp, 60000, err, sizeof(err)))
			die("%s", err);
		if (resp->code != LD__CODE__CODE_OK)
			die("add refused: %s", resp->error);
		if (resp->req_id > best) {
			best = resp->req_id;
			snprintf(last, LD_ID_MAX + 1, "%s", resp->id);
		}
		ld__response__free_unpacked(resp, NULL);
		done++;
	}
}

/* The same with AddManyRequests of `bulk` records, window / bulk requests
 * (at least one) in flight. */
static void
write_bulk(struct node *p, long n, long bulk, char *last)
{
	char err[1024];
	char *scope[1] = {X_ID};
	Ld__Record *r = calloc((size_t)bulk, sizeof(*r));
	Ld__Record **rp = calloc((size_t)bulk, sizeof(*rp));
	Ld__Task *t = calloc((size_t)bulk, sizeof(*t));
	char (*topic)[256] = calloc((size_t)bulk, sizeof(*topic));
	if (r == NULL || rp == NULL || t == NULL || topic == NULL)
		die("out of memory");
	long inflight = window / bulk > 0 ? window / bulk : 1;
	long nreq = (n + bulk - 1) / bulk, rsent = 0, rdone = 0, sent = 0;
	uint64_t best = 0;
	while (rdone < nreq) {
		while (rsent < nreq && rsent - rdone < inflight) {
			long k = n - sent < bulk ? n - sent : bulk;
			for (long j = 0; j < k; j++) {
				fill(&r[j], &t[j], scope, topic[j],
				     sizeof(topic[j]), sent + j);
				rp[j] = &r[j];
			}
			Ld__AddManyRequest am = LD__ADD_MANY_REQUEST__INIT;
			am.records = rp;
			am.n_records = (size_t)k;
			am.all_or_nothing = true;
			Ld__Request req = LD__REQUEST__INIT;
			req.op_case = LD__REQUEST__OP_ADD_MANY;
			req.add_many = &am;
			if (ld_client_send(p->cl, &req, err, sizeof(err)))
				die("%s", err);
			sent += k;
			rsent++;
		}
		Ld__Response *resp;
		if (ld_client_recv(p->cl, &resp, 60000, err, sizeof(err)))
			die("%s", err);
		if (resp->code != LD__CODE__CODE_OK)
			die("add_many refused: %s", resp->error);
		if (resp->result_case != LD__RESPONSE__RESULT_ADD_MANY ||
		    resp->add_many->n_ids == 0)
			die("add_many: no ids in the answer");
		if (resp->req_id > best) {
			best = resp->req_id;
			snprintf(last, LD_ID_MAX + 1, "%s",
			         resp->add_many->ids[resp->add_many->n_ids - 1]);
		}
		ld__response__free_unpacked(resp, NULL);
		rdone++;
	}
	free(r);
	free(rp);
	free(t);
	free(topic);
}

static void
wait_for(struct node *n, const char *id, int timeout_ms)
{
	Ld__WaitRequest w = LD__WAIT_REQUEST__INIT;
	w.id = (char *)id;
	w.timeout_ms = (uint32_t)timeout_ms;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_WAIT;
	req.wait = &w;
	Ld__Response *resp = call(n, &req, timeout_ms + 5000);
	if (resp->code != LD__CODE__CODE_OK)
		die("%s never arrived at %s: %s", id, n->id, resp->error);
	ld__response__free_unpacked(resp, NULL);
}

/* The province's tasks the node holds (paging through them): the records
 * written, without the nodes' own (a HEALTH record may come at any time). */
static uint64_t
count_tasks(struct node *n)
{
	uint64_t c = 0;
	char after[LD_ID_MAX + 1] = "";
	for (;;) {
		Ld__ListRequest lr = LD__LIST_REQUEST__INIT;
		lr.owner = P_ID;
		lr.kind = LD__KIND__KIND_TASK;
		lr.after = after;
		lr.limit = 5000;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &lr;
		Ld__Response *resp = call(n, &req, 30000);
		if (resp->code != LD__CODE__CODE_OK)
			die("list at %s: %s", n->id, resp->error);
		c += resp->list->n_records;
		bool done = resp->list->next[0] == '\0';
		snprintf(after, sizeof(after), "%s", resp->list->next);
		ld__response__free_unpacked(resp, NULL);
		if (done)
			return c;
	}
}

/* Average encoded size of the province's tasks (a sample of them). */
static void
sample_size(struct node *n)
{
	Ld__ListRequest lr = LD__LIST_REQUEST__INIT;
	lr.owner = P_ID;
	lr.kind = LD__KIND__KIND_TASK;
	lr.limit = 1000;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_LIST;
	req.list = &lr;
	Ld__Response *resp = call(n, &req, 30000);
	for (size_t i = 0; i < resp->list->n_records; i++) {
		rec_bytes_total += resp->list->records[i].len;
		rec_count++;
	}
	ld__response__free_unpacked(resp, NULL);
}

static struct node P = {.id = P_ID, .name = "云南省政协", .sub = "p"};
static struct node C = {.id = C_ID, .name = "曲靖市政协", .sub = "c"};
static struct node X = {.id = X_ID, .name = "富源县政协", .sub = "x"};

static void wait_for(struct node *n, const char *id, int timeout_ms);

/* Three new nodes, started, their links up: the county holds the
 * province's and the city's node records. */
static void
fresh(int round)
{
	node_init(&P, NULL, true, round);
	node_init(&C, &P, true, round);
	node_init(&X, &C, false, round);
	node_start(&P);
	node_start(&C);
	node_start(&X);
	wait_for(&X, P_ID ":0", 10000);
	wait_for(&X, C_ID ":0", 10000);
}

static void
stop_all(void)
{
	node_stop(&X);
	node_stop(&C);
	node_stop(&P);
}

/* End to end on fresh nodes (`round`): written at the province, one
 * record a request (bulk 0) or `bulk` a request, until the county has
 * all. */
static void
end_to_end(long n, long bulk, int round)
{
	char last[LD_ID_MAX + 1];
	fresh(round);
	double t0 = now_s();
	if (bulk > 0)
		write_bulk(&P, n, bulk, last);
	else
		write_many(&P, n, last);
	double t_written = now_s();
	wait_for(&X, last, 600000);
	double t1 = now_s();
	uint64_t got = count_tasks(&X);
	if (got != (uint64_t)n)
		die("county holds %llu of the province's tasks, expected %ld",
		    (unsigned long long)got, n);
	if (rec_count == 0)
		sample_size(&P);
	char how[64] = "";
	if (bulk > 0)
		snprintf(how, sizeof(how), ", %ld records a request", bulk);
	else
		snprintf(how, sizeof(how), ", one record a request");
	printf("end to end: %ld records in %.3f s = %.0f records/s "
	       "(province accepted them at %.0f records/s%s)\n",
	       n, t1 - t0, n / (t1 - t0), n / (t_written - t0), how);
	stop_all();
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void
machine(void)
{
	char line[512], model[256] = "?";
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "model name : %255[^\n]", model) == 1)
			break;
	if (f)
		fclose(f);
	printf("machine: %ld cores, %s\n", sysconf(_SC_NPROCESSORS_ONLN),
	       model);
}

/* Seconds per call of `fn` over about 0.3 s (at least `min` calls). */
static double
per_call(void (*fn)(void *), void *arg, long min)
{
	long n = 0;
	double t0 = now_s(), t;
	do {
		for (int i = 0; i < 16; i++)
			fn(arg);
		n += 16;
		t = now_s() - t0;
	} while (t < 0.3 || n < min);
	return t / n;
}

struct prim {
	uint8_t pk[32], sk[64], sig[64];
	uint8_t *rec;
	size_t len;
	uint8_t leaf[32], root[32];
	Ld__Seal seal;
	ProtobufCBinaryData path[6];
	uint8_t hashes[6][32];
	int fd;
	char buf[65536];
};

static void
p_sign(void *a)
{
	struct prim *p = a;
	crypto_sign_detached(p->sig, NULL, p->rec, p->len, p->sk);
}

static void
p_verify(void *a)
{
	struct prim *p = a;
	if (crypto_sign_verify_detached(p->sig, p->rec, p->len, p->pk) != 0)
		die("primitives: the signature does not verify");
}

static void
p_leaf(void *a)
{
	struct prim *p = a;
	ld_seal_leaf(p->rec, p->len, p->leaf);
}

static void
p_fold(void *a)
{
	struct prim *p = a;
	if (!ld_seal_fold(p->leaf, &p->seal, p->root))
		die("primitives: the path does not fold");
}

static void
p_decode(void *a)
{
	struct prim *p = a;
	Ld__Record *r = ld_record_unpack(p->rec, p->len);
	char err[256];
	if (r == NULL || ld_record_check(r, p->len, err, sizeof(err)) != 0)
		die("primitives: the sample record does not check: %s", r ? err : "decode");
	ld__record__free_unpacked(r, NULL);
}

static void
p_fsync(void *a)
{
	struct prim *p = a;
	if (pwrite(p->fd, p->buf, sizeof(p->buf), 0) != sizeof(p->buf) ||
	    fdatasync(p->fd) != 0)
		die("primitives: write: %s", strerror(errno));
}

/* 1,000 received records applied in one write transaction (commit and
 * fsync included), as a receiver applies a batch. */
struct apply_run {
	uint8_t **rec;
	size_t *len;
	Ld__Record **r;
	size_t n;
};

static int
apply_all(struct ld_txn *t, void *arg)
{
	struct apply_run *a = arg;
	for (size_t i = 0; i < a->n; i++) {
		bool applied;
		int rc = ld_store_apply(t, a->rec[i], a->len[i], a->r[i],
		                        &applied);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static double
store_apply_us(void)
{
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/apply.probe", root);
	if (mkdir(dir, 0700) != 0)
		die("%s: %s", dir, strerror(errno));
	struct ld_store *st;
	if (ld_store_open(dir, X_ID, 256 << 20, &st) != 0)
		die("primitives: cannot open a store in %s", dir);
	enum { N = 1000, ROUNDS = 20 };
	struct apply_run a = {malloc(N * sizeof(uint8_t *)),
	                      malloc(N * sizeof(size_t)),
	                      malloc(N * sizeof(Ld__Record *)), N};
	char topic[256], id[LD_ID_MAX + 1];
	char *scope[1] = {X_ID};
	double total = 0;
	for (int round = 0; round < ROUNDS; round++) {
		for (size_t i = 0; i < N; i++) {
			Ld__Record r;
			Ld__Task t;
			fill(&r, &t, scope, topic, sizeof(topic), (long)i);
			snprintf(id, sizeof(id), P_ID ":%zu",
			         (size_t)round * N + i + 1);
			r.id = id;
			r.owner = P_ID;
			r.kind = LD__KIND__KIND_TASK;
			r.version = 1;
			a.rec[i] = ld_record_pack(&r, &a.len[i]);
			a.r[i] = ld_record_unpack(a.rec[i], a.len[i]);
		}
		double t0 = now_s();
		if (ld_store_write(st, apply_all, &a) != 0)
			die("primitives: the store write failed");
		total += now_s() - t0;
		for (size_t i = 0; i < N; i++) {
			free(a.rec[i]);
			ld__record__free_unpacked(a.r[i], NULL);
		}
	}
	free(a.rec);
	free(a.len);
	free(a.r);
	ld_store_close(&st);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run(cmd);
	return total / (ROUNDS * N) * 1e6;
}

/* The primitives, measured here and now. */
static void
primitives(void)
{
	struct prim p;
	memset(&p, 0, sizeof(p));
	if (sodium_init() < 0)
		die("libsodium");
	crypto_sign_keypair(p.pk, p.sk);
	char topic[256];
	char *scope[1] = {X_ID};
	Ld__Record r;
	Ld__Task t;
	fill(&r, &t, scope, topic, sizeof(topic), 12345);
	r.id = P_ID ":12345";
	r.owner = P_ID;
	r.kind = LD__KIND__KIND_TASK;
	r.version = 1;
	r.updated_at = 1764748800000;
	r.author = "张三";
	p.rec = ld_record_pack(&r, &p.len);
	ld__seal__init(&p.seal);
	p.seal.count = LD_SEAL_LEAVES;
	p.seal.index = 5;
	p.seal.n_path = 6;
	p.seal.path = p.path;
	for (int i = 0; i < 6; i++) {
		randombytes_buf(p.hashes[i], 32);
		p.path[i].data = p.hashes[i];
		p.path[i].len = 32;
	}
	char file[600];
	snprintf(file, sizeof(file), "%s/fsync.probe", root);
	p.fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (p.fd < 0)
		die("%s: %s", file, strerror(errno));
	p_sign(&p);
	printf("primitives: Ed25519 sign %.1f us, check %.1f us; BLAKE2b leaf "
	       "of a %zu-byte record %.2f us, path fold (6 hashes) %.2f us; "
	       "decode and check a record %.2f us; store a received record "
	       "(1,000 a transaction, commit included) %.2f us; 64 KiB "
	       "write + fdatasync %.2f ms\n",
	       per_call(p_sign, &p, 100) * 1e6, per_call(p_verify, &p, 100) * 1e6,
	       p.len, per_call(p_leaf, &p, 1000) * 1e6,
	       per_call(p_fold, &p, 1000) * 1e6,
	       per_call(p_decode, &p, 1000) * 1e6, store_apply_us(),
	       per_call(p_fsync, &p, 10) * 1e3);
	close(p.fd);
	unlink(file);
	free(p.rec);
}

int
main(int argc, char **argv)
{
	long n = 100000, nlat = 1000, bulk = 0;
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static const struct option opts[] = {
	    {"records", required_argument, NULL, 'n'},
	    {"latency", required_argument, NULL, 'l'},
	    {"dir", required_argument, NULL, 'd'},
	    {"window", required_argument, NULL, 'w'},
	    {"insecure", no_argument, NULL, 'i'},
	    {"verify-threads", required_argument, NULL, 'v'},
	    {"bulk", required_argument, NULL, 'b'},
	    {"sign-each", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int o;
	while ((o = getopt_long(argc, argv, "n:l:d:w:iv:b:sh", opts, NULL)) !=
	       -1) {
		switch (o) {
		case 'n':
			n = atol(optarg);
			break;
		case 'l':
			nlat = atol(optarg);
			break;
		case 'd':
			dir = optarg;
			break;
		case 'w':
			window = atoi(optarg);
			break;
		case 'i':
			insecure = true;
			break;
		case 'v':
			verify_threads = atoi(optarg);
			break;
		case 'b':
			bulk = atol(optarg);
			break;
		case 's':
			sign_each = true;
			break;
		case 'h':
			printf("usage: ld_bench [--records N] [--latency N] "
			       "[--dir DIR] [--window N] [--insecure] "
			       "[--verify-threads N] [--bulk N] [--sign-each]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (n < 1 || nlat < 1 || window < 1)
		die("--records, --latency and --window must be positive");
	if (bulk < 0 || bulk > LD_ADD_MANY_MAX)
		die("--bulk: 1 to %d records a request", LD_ADD_MANY_MAX);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(root, sizeof(root), "%s/ldbench.XXXXXX", dir);
	if (mkdtemp(root) == NULL)
		die("mkdtemp: %s", strerror(errno));
	machine();
	printf("data: %s\n", root);
	printf("mode: %s", insecure    ? "insecure (no CURVE, no signatures)"
	                   : sign_each ? "secure, each record signed alone "
	                                 "(CURVE links, signatures = record)"
	                               : "secure (CURVE links, records sealed "
	                                 "in batches and verified)");
	if (verify_threads >= 0)
		printf(", verify_threads = %d", verify_threads);
	printf("\n");
	primitives();
	printf("\n");

	/* 1. End to end: written at the province until the county has all,
	 * one record a request; with --bulk, then `bulk` a request, and
	 * nothing else. */
	end_to_end(n, 0, 1);
	if (bulk > 0) {
		end_to_end(n, bulk, 4);
		printf("record:     %.0f bytes encoded on average\n",
		       rec_count ? (double)rec_bytes_total / rec_count : 0.0);
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		run(cmd);
		return 0;
	}

	char last[LD_ID_MAX + 1];
	double t0, t1;

	/* 2. Catch-up: the county was offline for all of them. */
	fresh(2);
	node_stop(&X);
	write_many(&P, n, last);
	wait_for(&C, last, 600000);
	t0 = now_s();
	node_start(&X);
	wait_for(&X, last, 600000);
	t1 = now_s();
	printf("catch-up:   %ld records in %.3f s = %.0f records/s (from "
	       "county start)\n",
	       n, t1 - t0, n / (t1 - t0));
	stop_all();

	/* 3. Latency of one record, province -> county, one at a time. */
	fresh(3);
	double *lat = malloc((size_t)nlat * sizeof(double));
	char topic[256];
	char *scope[1] = {X_ID};
	for (long i = 0; i < nlat; i++) {
		Ld__Record r;
		Ld__Task t;
		fill(&r, &t, scope, topic, sizeof(topic), i);
		Ld__AddRequest add = LD__ADD_REQUEST__INIT;
		add.record = &r;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_ADD;
		req.add = &add;
		double a = now_s();
		Ld__Response *resp = call(&P, &req, 30000);
		if (resp->code != LD__CODE__CODE_OK)
			die("add refused: %s", resp->error);
		wait_for(&X, resp->id, 30000);
		lat[i] = (now_s() - a) * 1000;
		if (lat[i] > 20)
			printf("            record %ld took %.1f ms\n", i, lat[i]);
		ld__response__free_unpacked(resp, NULL);
	}
	qsort(lat, (size_t)nlat, sizeof(double), cmp_double);
	printf("latency:    province->county, %ld records one at a time: "
	       "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
	       nlat, lat[nlat / 2], lat[(nlat * 99) / 100], lat[nlat - 1]);
	free(lat);
	stop_all();

	printf("peak RSS:   province %.1f MiB, city %.1f MiB, county %.1f MiB "
	       "(VmHWM, largest over the three runs)\n",
	       P.hwm_kb / 1024.0, C.hwm_kb / 1024.0, X.hwm_kb / 1024.0);
	printf("            at the end of a run: anonymous (heap, buffers) "
	       "%.1f / %.1f / %.1f MiB, file-backed (LMDB map pages) %.1f / "
	       "%.1f / %.1f MiB\n",
	       P.anon_kb / 1024.0, C.anon_kb / 1024.0, X.anon_kb / 1024.0,
	       P.file_kb / 1024.0, C.file_kb / 1024.0, X.file_kb / 1024.0);
	printf("record:     %.0f bytes encoded on average\n",
	       rec_count ? (double)rec_bytes_total / rec_count : 0.0);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	run(cmd);
	return 0;
}
