/* harness.c — start, stop and query real liandong nodes for integration
 * tests. Every wait is bounded; only processes started here are killed. */
#define _GNU_SOURCE
#include "harness.h"
#include "record.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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

#define MAX_NODES 32

static char root[256];
static bool insecure;

void
th_set_insecure(bool v)
{
	insecure = v;
}
static struct th_node *started[MAX_NODES];
static size_t nstarted;

int64_t
th_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
th_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
th_ms(int ms)
{
	const char *s = getenv("LD_TEST_TIMEOUT_SCALE");
	int k = s ? atoi(s) : 1;
	return ms * (k > 0 ? k : 1);
}

const char *
th_root(void)
{
	return root;
}

/* Kill what this process started, e.g. when a failed assertion exits. */
static void
kill_started(void)
{
	for (size_t i = 0; i < nstarted; i++) {
		struct th_node *n = started[i];
		if (n->pid > 0) {
			kill(n->pid, SIGKILL);
			waitpid(n->pid, NULL, 0);
			n->pid = 0;
		}
	}
	nstarted = 0;
}

void
th_setup(void)
{
	static bool registered;
	if (!registered) {
		atexit(kill_started);
		registered = true;
	}
	signal(SIGPIPE, SIG_IGN);
	const char *tmp = getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/ldtest.XXXXXX", tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(root) != NULL, "mkdtemp: %s", strerror(errno));
	nstarted = 0;
	insecure = false;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
th_teardown(void)
{
	for (size_t i = 0; i < nstarted; i++)
		ld_client_close(&started[i]->cl);
	kill_started();
	if (root[0] != '\0')
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
}

int
th_free_port(void)
{
	/* Below the kernel's ephemeral range (32768-60999 here): a port
	 * bind(0) handed out can be taken again as the source port of any
	 * outgoing connection before the daemon binds it, and tests running
	 * side by side make many. Each process starts at its own place in
	 * 20000-31999 and never hands out a port twice. */
	static unsigned next;
	if (next == 0)
		next = (unsigned)getpid() * 7919u;
	for (int tries = 0; tries < 12000; tries++) {
		int port = 20000 + (int)(next++ % 12000);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert(fd >= 0);
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_port = htons((uint16_t)port),
		                        .sin_addr.s_addr =
		                            htonl(INADDR_LOOPBACK)};
		int ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		close(fd);
		if (ok)
			return port;
	}
	ck_abort_msg("no free loopback port in 20000-31999");
	return 0;
}

/* Read a whole small file into buf (NUL-terminated). */
static void
slurp(const char *file, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	int fd = open(file, O_RDONLY);
	if (fd < 0)
		return;
	ssize_t r = read(fd, buf, len - 1);
	buf[r > 0 ? r : 0] = '\0';
	close(fd);
}

/* Wait for pid up to `ms`; returns the exit code (128+signal if killed),
 * or -1 on timeout (the process is left running). */
static int
wait_pid(pid_t pid, int ms)
{
	int64_t end = th_now_ms() + ms;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st)
			                     : 128 + WTERMSIG(st);
		if (r < 0)
			return -1;
		if (th_now_ms() > end)
			return -1;
		th_sleep_ms(5);
	}
}

int
th_cli(char *out, size_t outlen, char *err, size_t errlen,
       const char *const *args)
{
	return th_cli_env(NULL, out, outlen, err, errlen, args);
}

int
th_cli_env(const char *data, char *out, size_t outlen, char *err,
           size_t errlen, const char *const *args)
{
	char ofile[600], efile[600], bin[600];
	static int seq;
	seq++;
	snprintf(ofile, sizeof(ofile), "%s/cli.%d.out", root, seq);
	snprintf(efile, sizeof(efile), "%s/cli.%d.err", root, seq);
	snprintf(bin, sizeof(bin), "%s/clients/liandong", LD_BIN_DIR);
	const char *argv[64] = {bin};
	size_t n = 1;
	for (; args[n - 1] != NULL && n < 63; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (data != NULL)
			setenv("LIANDONG_DATA", data, 1);
		else
			unsetenv("LIANDONG_DATA");
		int o = open(ofile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(efile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (o < 0 || e < 0)
			_exit(126);
		dup2(o, 1);
		dup2(e, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	int rc = wait_pid(pid, th_ms(30000));
	if (rc < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (out != NULL)
		slurp(ofile, out, outlen);
	if (err != NULL)
		slurp(efile, err, errlen);
	unlink(ofile);
	unlink(efile);
	return rc;
}

/* The value of "name": "..." in a one-line JSON object. */
static void
json_field(const char *json, const char *name, char *out, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": \"", name);
	const char *p = strstr(json, pat);
	ck_assert_msg(p != NULL, "no %s in %s", name, json);
	p += strlen(pat);
	size_t n = strcspn(p, "\"");
	ck_assert(n < len);
	memcpy(out, p, n);
	out[n] = '\0';
}

void
th_node_init(struct th_node *n, const char *sub, const char *id,
             const char *name, bool listen, const struct th_node *parent,
             const char *extra)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->dir, sizeof(n->dir), "%s/%s", root, sub);
	snprintf(n->id, sizeof(n->id), "%s", id);
	snprintf(n->name, sizeof(n->name), "%s", name);
	char lst[64], par[64], pkey[128] = "", rkey[128] = "";
	char out[1024], err[1024];
	const char *args[20] = {"init", "--data", n->dir, "--id", id,
	                        "--name", name};
	int k = 7;
	if (insecure)
		args[k++] = "--insecure";
	if (parent != NULL && !insecure) {
		/* What an administrator copies from the parent. */
		int rc = th_cli(out, sizeof(out), err, sizeof(err),
		                (const char *const[]){"--data", parent->dir,
		                                      "key", "show", "--json",
		                                      NULL});
		ck_assert_msg(rc == 0, "key show at %s: %s", parent->id, err);
		json_field(out, "key", pkey, sizeof(pkey));
		json_field(out, "root_key", rkey, sizeof(rkey));
		args[k++] = "--parent-key";
		args[k++] = pkey;
		args[k++] = "--root-key";
		args[k++] = rkey;
	}
	if (listen) {
		n->port = th_free_port();
		snprintf(lst, sizeof(lst), "tcp://127.0.0.1:%d", n->port);
		args[k++] = "--listen";
		args[k++] = lst;
	}
	if (parent != NULL) {
		snprintf(par, sizeof(par), "tcp://127.0.0.1:%d", parent->port);
		args[k++] = "--parent";
		args[k++] = par;
	}
	args[k] = NULL;
	int rc = th_cli(out, sizeof(out), err, sizeof(err), args);
	ck_assert_msg(rc == 0, "liandong init %s: exit %d: %s", id, rc, err);
	const char *kl = strstr(out, "key: ");
	ck_assert_msg(kl != NULL, "init printed no key: %s", out);
	size_t kn = strcspn(kl + 5, "\n");
	ck_assert(kn < sizeof(n->key));
	memcpy(n->key, kl + 5, kn);
	n->key[kn] = '\0';
	if (parent != NULL && !insecure) {
		/* Enrol it at the parent, as the administrator there would. */
		rc = th_cli(out, sizeof(out), err, sizeof(err),
		            (const char *const[]){"--data", parent->dir, "child",
		                                  "add", id, n->key, NULL});
		ck_assert_msg(rc == 0, "child add %s at %s: %s", id,
		              parent->id, err);
	}
	/* Short timers so that restarts are noticed quickly in tests. */
	char conf[600];
	snprintf(conf, sizeof(conf), "%s/liandong.conf", n->dir);
	FILE *f = fopen(conf, "a");
	ck_assert(f != NULL);
	/* A HEALTH record written a few seconds after start would change the
	 * record counts and sets the tests compare: off, unless the test is
	 * about it. ([link] stays the last section: tests append to it.) */
	if (extra == NULL || strstr(extra, "[health]") == NULL)
		fputs("[health]\nevery = off\n", f);
	fprintf(f, "[link]\nping_ms = 200\ndead_ms = 3000\n"
	           "reconnect_max_ms = 500\n%s",
	        extra ? extra : "");
	fclose(f);
}

void
th_reenroll(struct th_node *child, struct th_node *parent)
{
	char out[1024], err[1024], pkey[128];
	int rc = th_cli(out, sizeof(out), err, sizeof(err),
	                (const char *const[]){"--data", parent->dir, "key",
	                                      "show", "--json", NULL});
	ck_assert_msg(rc == 0, "key show: %s", err);
	json_field(out, "key", pkey, sizeof(pkey));
	char cmd[1400];
	snprintf(cmd, sizeof(cmd),
	         "sed -i 's|^parent_key = .*|parent_key = %s|' "
	         "'%s/liandong.conf'",
	         pkey, child->dir);
	ck_assert_int_eq(system(cmd), 0);
	rc = th_cli(out, sizeof(out), err, sizeof(err),
	            (const char *const[]){"--data", parent->dir, "child", "add",
	                                  child->id, child->key, NULL});
	ck_assert_msg(rc == 0, "child add: %s", err);
}

void
th_endorse(struct th_node *top, struct th_node *node)
{
	char out[2048], err[1024], token[128];
	int rc = th_cli(out, sizeof(out), err, sizeof(err),
	                (const char *const[]){"--data", top->dir, "key",
	                                      "endorse", node->id, node->key,
	                                      NULL});
	ck_assert_msg(rc == 0, "key endorse: %s", err);
	ck_assert_int_eq(sscanf(out, "%127s", token), 1);
	rc = th_cli(out, sizeof(out), err, sizeof(err),
	            (const char *const[]){"--data", node->dir, "key",
	                                  "endorsement", token, NULL});
	ck_assert_msg(rc == 0, "key endorsement: %s", err);
}

/* Split $LD_TEST_WRAPPER (e.g. "valgrind -q --error-exitcode=99") into
 * argv words in front of the daemon. */
static size_t
wrapper(char *buf, size_t len, const char **argv, size_t max)
{
	const char *w = getenv("LD_TEST_WRAPPER");
	if (w == NULL || w[0] == '\0')
		return 0;
	snprintf(buf, len, "%s", w);
	size_t n = 0;
	for (char *t = strtok(buf, " "); t != NULL && n < max;
	     t = strtok(NULL, " "))
		argv[n++] = t;
	return n;
}

void
th_node_start(struct th_node *n)
{
	char bin[600], logf[600], wbuf[512];
	snprintf(bin, sizeof(bin), "%s/daemon/liandongd", LD_BIN_DIR);
	snprintf(logf, sizeof(logf), "%s/liandongd.log", n->dir);
	const char *argv[32];
	size_t k = wrapper(wbuf, sizeof(wbuf), argv, 24);
	argv[k++] = bin;
	argv[k++] = "--data";
	argv[k++] = n->dir;
	argv[k] = NULL;
	pid_t parent = getpid();
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		/* Dies with the test process, whatever happens to it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(125);
		int fd = open(logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0)
			_exit(126);
		dup2(fd, 2);
		dup2(fd, 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	n->pid = pid;
	bool known = false;
	for (size_t i = 0; i < nstarted; i++)
		known = known || started[i] == n;
	if (!known && nstarted < MAX_NODES)
		started[nstarted++] = n;

	int64_t end = th_now_ms() + th_ms(15000);
	char err[1024] = "";
	while (th_now_ms() < end) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			n->pid = 0;
			char logtxt[4096];
			slurp(logf, logtxt, sizeof(logtxt));
			ck_abort_msg("liandongd %s exited at start:\n%s", n->id,
			             logtxt);
		}
		if (n->cl == NULL &&
		    ld_client_open(n->dir, &n->cl, err, sizeof(err)) != 0) {
			th_sleep_ms(20);
			continue;
		}
		Ld__StatusRequest s = LD__STATUS_REQUEST__INIT;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_STATUS;
		req.status = &s;
		Ld__Response *resp = NULL;
		if (ld_client_call(n->cl, &req, &resp, 500, err, sizeof(err)) ==
		    0) {
			ld__response__free_unpacked(resp, NULL);
			return;
		}
		/* No answer yet: start over with a fresh connection. */
		ld_client_close(&n->cl);
	}
	ck_abort_msg("liandongd %s did not answer: %s", n->id, err);
}

int
th_node_stop(struct th_node *n)
{
	ld_client_close(&n->cl);
	if (n->pid <= 0)
		return -1;
	kill(n->pid, SIGTERM);
	int rc = wait_pid(n->pid, th_ms(15000));
	if (rc < 0) {
		kill(n->pid, SIGKILL);
		waitpid(n->pid, NULL, 0);
	}
	n->pid = 0;
	return rc;
}

void
th_node_kill(struct th_node *n)
{
	ld_client_close(&n->cl);
	if (n->pid <= 0)
		return;
	kill(n->pid, SIGKILL);
	waitpid(n->pid, NULL, 0);
	n->pid = 0;
}

bool
th_log_contains(const struct th_node *n, const char *text)
{
	char logf[600];
	snprintf(logf, sizeof(logf), "%s/liandongd.log", n->dir);
	FILE *f = fopen(logf, "r");
	if (f == NULL)
		return false;
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

struct ld_client *
th_client(struct th_node *n)
{
	char err[1024];
	if (n->cl == NULL)
		ck_assert_msg(ld_client_open(n->dir, &n->cl, err, sizeof(err)) ==
		                  0,
		              "%s", err);
	return n->cl;
}

/* A call that must succeed. */
static Ld__Response *
must_call(struct th_node *n, Ld__Request *req, int timeout_ms)
{
	char err[1024];
	Ld__Response *resp = NULL;
	ck_assert_msg(ld_client_call(th_client(n), req, &resp, timeout_ms, err,
	                             sizeof(err)) == 0,
	              "%s: %s", n->id, err);
	return resp;
}

const char *
th_add(struct th_node *n, Ld__Record *r)
{
	static char id[LD_ID_MAX + 1];
	Ld__AddRequest add = LD__ADD_REQUEST__INIT;
	add.record = r;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &add;
	Ld__Response *resp = must_call(n, &req, th_ms(30000));
	ck_assert_msg(resp->code == LD__CODE__CODE_OK, "add at %s: %s", n->id,
	              resp->error);
	snprintf(id, sizeof(id), "%s", resp->id);
	ld__response__free_unpacked(resp, NULL);
	return id;
}

static void
fill_task(Ld__Record *r, Ld__Task *t, char **scope, const char *topic)
{
	ld__task__init(t);
	t->topic = (char *)topic;
	t->form = "监督性视察";
	ld__record__init(r);
	r->body_case = LD__RECORD__BODY_TASK;
	r->task = t;
	r->n_scope = 1;
	r->scope = scope;
}

const char *
th_add_task(struct th_node *n, const char *scope, const char *topic)
{
	Ld__Record r;
	Ld__Task t;
	char *sc[1] = {(char *)scope};
	fill_task(&r, &t, sc, topic);
	return th_add(n, &r);
}

/* Send `count` records made by fill(i, &r), `window` requests in flight;
 * every answer must be OK. */
typedef void (*fill_fn)(int i, Ld__Record *r, void *arg);

static void
add_many(struct th_node *n, int count, char *last_id, fill_fn fill,
         void *arg)
{
	struct ld_client *cl = th_client(n);
	char err[1024];
	int sent = 0, done = 0, window = 256;
	uint64_t best = 0;
	while (done < count) {
		while (sent < count && sent - done < window) {
			Ld__Record r;
			fill(sent, &r, arg);
			Ld__AddRequest add = LD__ADD_REQUEST__INIT;
			add.record = &r;
			Ld__Request req = LD__REQUEST__INIT;
			req.op_case = LD__REQUEST__OP_ADD;
			req.add = &add;
			ck_assert_msg(ld_client_send(cl, &req, err,
			                             sizeof(err)) == 0,
			              "%s", err);
			sent++;
		}
		Ld__Response *resp = NULL;
		ck_assert_msg(ld_client_recv(cl, &resp, th_ms(30000), err,
		                             sizeof(err)) == 0,
		              "%s", err);
		ck_assert_msg(resp->code == LD__CODE__CODE_OK, "add: %s",
		              resp->error);
		if (resp->req_id > best && last_id != NULL) {
			best = resp->req_id;
			snprintf(last_id, LD_ID_MAX + 1, "%s", resp->id);
		}
		ld__response__free_unpacked(resp, NULL);
		done++;
	}
}

struct many_task {
	char *scope[1];
	Ld__Task t;
	char topic[160];
};

static void
fill_many_task(int i, Ld__Record *r, void *arg)
{
	struct many_task *m = arg;
	/* ~200 bytes a record, as in the benchmark. */
	snprintf(m->topic, sizeof(m->topic),
	         "第%d项 营商环境三级联动民主监督 县市场监管局和县税务局整改"
	         "情况跟踪问效",
	         i);
	fill_task(r, &m->t, m->scope, m->topic);
}

void
th_add_tasks(struct th_node *n, const char *scope, int count, char *last_id)
{
	struct many_task m = {.scope = {(char *)scope}};
	add_many(n, count, last_id, fill_many_task, &m);
}

struct many_result {
	const char *ref;
	Ld__Result res;
	Ld__Metric metric;
	Ld__Metric *mp[1];
	char summary[160];
};

static void
fill_many_result(int i, Ld__Record *r, void *arg)
{
	struct many_result *m = arg;
	snprintf(m->summary, sizeof(m->summary),
	         "第%d次上报：走访企业42家，发现问题7个，已整改5个", i);
	ld__result__init(&m->res);
	m->res.ref = (char *)m->ref;
	m->res.summary = m->summary;
	ld__metric__init(&m->metric);
	m->metric.name = "走访企业";
	m->metric.value = 42;
	m->mp[0] = &m->metric;
	m->res.n_metrics = 1;
	m->res.metrics = m->mp;
	ld__record__init(r);
	r->body_case = LD__RECORD__BODY_RESULT;
	r->result = &m->res;
}

void
th_add_results(struct th_node *n, const char *ref, int count, char *last_id)
{
	struct many_result m = {.ref = ref};
	add_many(n, count, last_id, fill_many_result, &m);
}

Ld__Response *
th_status(struct th_node *n)
{
	Ld__StatusRequest s = LD__STATUS_REQUEST__INIT;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_STATUS;
	req.status = &s;
	Ld__Response *resp = must_call(n, &req, th_ms(10000));
	ck_assert_msg(resp->code == LD__CODE__CODE_OK, "status: %s",
	              resp->error);
	return resp;
}

uint64_t
th_count(struct th_node *n)
{
	Ld__Response *r = th_status(n);
	uint64_t c = r->status->records;
	ld__response__free_unpacked(r, NULL);
	return c;
}

bool
th_wait_record(struct th_node *n, const char *id, int timeout_ms)
{
	Ld__WaitRequest w = LD__WAIT_REQUEST__INIT;
	w.id = (char *)id;
	w.timeout_ms = (uint32_t)timeout_ms;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_WAIT;
	req.wait = &w;
	Ld__Response *resp = must_call(n, &req, timeout_ms + th_ms(10000));
	bool ok = resp->code == LD__CODE__CODE_OK;
	ld__response__free_unpacked(resp, NULL);
	return ok;
}

Ld__Record *
th_record_at(struct th_node *n, const char *id, uint64_t version)
{
	int64_t end = th_now_ms() + th_ms(10000);
	for (;;) {
		size_t len = 0;
		uint8_t *buf = th_get(n, id, &len);
		Ld__Record *r = buf ? ld_record_unpack(buf, len) : NULL;
		free(buf);
		if (r != NULL && r->version >= version)
			return r;
		if (r != NULL)
			ld__record__free_unpacked(r, NULL);
		ck_assert_msg(th_now_ms() < end, "%s v%llu never reached %s",
		              id, (unsigned long long)version, n->id);
		th_sleep_ms(20);
	}
}

bool
th_wait_quiet(struct th_node *n, int timeout_ms)
{
	int64_t end = th_now_ms() + timeout_ms;
	while (th_now_ms() < end) {
		Ld__Response *r = th_status(n);
		bool quiet = true;
		for (size_t i = 0; i < r->status->n_peers; i++) {
			Ld__PeerStatus *p = r->status->peers[i];
			quiet = quiet && p->connected && p->lag_in == 0 &&
			        p->lag_out == 0;
		}
		ld__response__free_unpacked(r, NULL);
		if (quiet)
			return true;
		th_sleep_ms(20);
	}
	return false;
}

uint8_t *
th_get(struct th_node *n, const char *id, size_t *len)
{
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = (char *)id;
	Ld__Request req = LD__REQUEST__INIT;
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	Ld__Response *resp = must_call(n, &req, th_ms(10000));
	uint8_t *buf = NULL;
	if (resp->code == LD__CODE__CODE_OK) {
		buf = malloc(resp->record.len + 1);
		ck_assert(buf != NULL);
		memcpy(buf, resp->record.data, resp->record.len);
		*len = resp->record.len;
	}
	ld__response__free_unpacked(resp, NULL);
	return buf;
}

static int
cmp_idv(const void *a, const void *b)
{
	return strcmp(((const struct th_idv *)a)->id,
	              ((const struct th_idv *)b)->id);
}

size_t
th_list(struct th_node *n, const char *owner, Ld__Kind kind,
        struct th_idv **out)
{
	size_t cnt = 0, cap = 1024;
	struct th_idv *v = malloc(cap * sizeof(*v));
	ck_assert(v != NULL);
	char after[LD_ID_MAX + 1] = "";
	for (;;) {
		Ld__ListRequest lr = LD__LIST_REQUEST__INIT;
		lr.owner = (char *)owner;
		lr.kind = kind;
		lr.after = after;
		lr.limit = 5000;
		Ld__Request req = LD__REQUEST__INIT;
		req.op_case = LD__REQUEST__OP_LIST;
		req.list = &lr;
		Ld__Response *resp = must_call(n, &req, th_ms(30000));
		ck_assert_msg(resp->code == LD__CODE__CODE_OK, "list: %s",
		              resp->error);
		for (size_t i = 0; i < resp->list->n_records; i++) {
			Ld__Record *r =
			    ld_record_unpack(resp->list->records[i].data,
			                     resp->list->records[i].len);
			ck_assert(r != NULL);
			if (cnt == cap) {
				cap *= 2;
				v = realloc(v, cap * sizeof(*v));
				ck_assert(v != NULL);
			}
			snprintf(v[cnt].id, sizeof(v[cnt].id), "%s", r->id);
			v[cnt].version = r->version;
			cnt++;
			ld__record__free_unpacked(r, NULL);
		}
		snprintf(after, sizeof(after), "%s", resp->list->next);
		ld__response__free_unpacked(resp, NULL);
		if (after[0] == '\0')
			break;
	}
	qsort(v, cnt, sizeof(*v), cmp_idv);
	*out = v;
	return cnt;
}

/* `b` holds exactly the records of `owner` that `a` holds, same versions. */
void
th_assert_same_set(struct th_node *a, struct th_node *b, const char *owner)
{
	struct th_idv *va, *vb;
	size_t na = th_list(a, owner, 0, &va);
	size_t nb = th_list(b, owner, 0, &vb);
	ck_assert_msg(na == nb, "%s holds %zu records of %s, %s holds %zu",
	              a->id, na, owner, b->id, nb);
	for (size_t i = 0; i < na; i++) {
		ck_assert_msg(strcmp(va[i].id, vb[i].id) == 0,
		              "record %zu: %s at %s, %s at %s", i, va[i].id,
		              a->id, vb[i].id, b->id);
		ck_assert_msg(va[i].version == vb[i].version,
		              "%s: version %llu at %s, %llu at %s", va[i].id,
		              (unsigned long long)va[i].version, a->id,
		              (unsigned long long)vb[i].version, b->id);
	}
	free(va);
	free(vb);
}

/* No record crossed a link twice (cursors are stored with the records they
 * cover), and every log entry but the superseded versions of node records
 * (each is certified once by its parent, after its first start) is a
 * record held: nothing was applied twice. */
void
th_assert_log_once(struct th_node *n)
{
	struct th_idv *v;
	size_t nodes = th_list(n, "", LD__KIND__KIND_NODE, &v);
	free(v);
	Ld__Response *r = th_status(n);
	for (size_t i = 0; i < r->status->n_peers; i++)
		ck_assert_msg(r->status->peers[i]->resent == 0,
		              "%s received %llu records again from %s", n->id,
		              (unsigned long long)r->status->peers[i]->resent,
		              r->status->peers[i]->path);
	ck_assert_msg(r->status->head >= r->status->records &&
	                  r->status->head - r->status->records <= nodes,
	              "%s: log head %llu but %llu records: something was "
	              "applied twice",
	              n->id, (unsigned long long)r->status->head,
	              (unsigned long long)r->status->records);
	ld__response__free_unpacked(r, NULL);
}

void
th_sign_key(struct th_node *n, const char *owner, uint8_t pk[32])
{
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), owner, 0);
	Ld__Record *node = th_record_at(n, id, 1);
	ck_assert_int_eq(node->body_case, LD__RECORD__BODY_NODE);
	ck_assert_uint_eq(node->node->sign_key.len, 32);
	memcpy(pk, node->node->sign_key.data, 32);
	ld__record__free_unpacked(node, NULL);
}
