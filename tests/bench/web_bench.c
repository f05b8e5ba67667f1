/* web_bench.c — the console's speed (issue 11): writes a province's store
 * straight to disk (one province, 10 cities, 100 counties; a provincial
 * task relayed by every city to its counties with results, reviews,
 * returns, resubmissions, drafts and overdue offices; a few dozen results
 * awaiting the province's review; a background of closed records), starts
 * liandongd and liandong-web on it, logs N sessions in over HTTP and times
 * GET /tasks/ID/progress, then GET / (工作台), from N threads at once over
 * keep-alive HTTP/1.1. Prints p50/p90/p99/max, requests/s and page sizes,
 * the CPU each process used, and the API alone for comparison. A program,
 * not a test.
 *
 *   build/tests/bench/web_bench [--sessions N] [--requests N] [--dir DIR]
 *                               [--keep] [--background N] [--web-threads N]
 *                               [--api N]
 * --dir DIR makes DIR (it must not exist) and leaves it; without it a
 * directory under /tmp is made and removed unless --keep. */
#include "bench_store.h"
#include "client.h"
#include "config.h"
#include "err.h"
#include "record.h"
#include "store.h"
#include "users.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROOT LD_BENCH_ROOT
#define NCITY 10
#define NCOUNTY 10 /* per city */
#define PASSWORD "bench-password-2026"
#define TOPIC "优化营商环境专项民主监督"

/* ------------------------------------------------------------ the store */

static const char *const city_names[NCITY] = {
    "昆明市", "曲靖市", "玉溪市", "保山市", "昭通市",
    "丽江市", "普洱市", "临沧市", "楚雄州", "红河州"};

static void
city_path(int c, char *buf, size_t len)
{
	snprintf(buf, len, ROOT "/53%02d00", c + 1);
}

static void
county_path(int c, int k, char *buf, size_t len)
{
	snprintf(buf, len, ROOT "/53%02d00/53%02d%02d", c + 1, c + 1, k + 1);
}

/* A date `days` from today (local time, as the daemon reckons). */
static void
date_in(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The live work, written after the background. */
struct work {
	char task[96];        /* the provincial task whose progress is timed */
	int inbox_items;      /* what the province's inbox must list */
	int rows;             /* rows of the progress page */
	uint64_t counter;     /* the next id counter */
	char err[256];
};

static int
put(struct ld_txn *t, struct work *w, Ld__Record *r, const char *owner,
    char *id_out)
{
	char id[96];
	snprintf(id, sizeof(id), "%s:%llu", owner,
	         (unsigned long long)w->counter++);
	r->id = id;
	r->owner = (char *)owner;
	if (r->version == 0)
		r->version = 1;
	r->updated_at = (int64_t)time(NULL) * 1000;
	r->author = r->kind == LD__KIND__KIND_NODE ? "" : "bench";
	if (ld_record_check(r, 0, w->err, sizeof(w->err)) != 0)
		return LD_ESYNTAX;
	if (id_out != NULL)
		snprintf(id_out, 96, "%s", id);
	return ld_store_put(t, r);
}

static int
put_node(struct ld_txn *t, const char *path, const char *level,
         const char *name)
{
	char id[96];
	snprintf(id, sizeof(id), "%s:0", path);
	Ld__Node nd = LD__NODE__INIT;
	nd.path = (char *)path;
	nd.level = (char *)level;
	nd.name = (char *)name;
	nd.region = (char *)(strrchr(path, '/') + 1);
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.owner = (char *)path;
	r.version = 1;
	r.kind = LD__KIND__KIND_NODE;
	r.body_case = LD__RECORD__BODY_NODE;
	r.node = &nd;
	char *scope[1] = {(char *)path};
	r.scope = scope;
	r.n_scope = 1;
	r.updated_at = (int64_t)time(NULL) * 1000;
	return ld_store_put(t, &r);
}

static int
put_task(struct ld_txn *t, struct work *w, const char *owner,
         const char *parent, const char *topic, char **scope, size_t nscope,
         const char *due, char *id_out)
{
	Ld__Task tk = LD__TASK__INIT;
	char *targets[3] = {"省发展改革委", "省市场监管局", "省政务服务局"};
	tk.form = "监督性视察";
	tk.topic = (char *)topic;
	tk.targets = targets;
	tk.n_targets = 3;
	tk.due = (char *)due;
	tk.parent = (char *)(parent != NULL ? parent : "");
	tk.status = "in_progress";
	Ld__Record r = LD__RECORD__INIT;
	r.kind = LD__KIND__KIND_TASK;
	r.body_case = LD__RECORD__BODY_TASK;
	r.task = &tk;
	r.scope = scope;
	r.n_scope = nscope;
	return put(t, w, &r, owner, id_out);
}

static int
put_survey(struct ld_txn *t, struct work *w, const char *topic, char **scope,
           size_t nscope, const char *start, const char *end, char *id_out)
{
	Ld__Survey s = LD__SURVEY__INIT;
	s.form = "联合调研";
	s.topic = (char *)topic;
	s.host = ROOT;
	s.start = (char *)start;
	s.end = (char *)end;
	s.status = "reporting";
	Ld__Record r = LD__RECORD__INIT;
	r.kind = LD__KIND__KIND_SURVEY;
	r.body_case = LD__RECORD__BODY_SURVEY;
	r.survey = &s;
	r.scope = scope;
	r.n_scope = nscope;
	return put(t, w, &r, ROOT, id_out);
}

static int
put_result(struct ld_txn *t, struct work *w, const char *owner,
           const char *ref, uint64_t version, bool draft, char *id_out)
{
	Ld__Result rs = LD__RESULT__INIT;
	char *findings[3] = {
	    "审批事项平均办理时限由12个工作日压缩至5个工作日。",
	    "部分乡镇便民服务中心窗口设置不合理，群众反映排队时间长。",
	    "涉企检查仍有多头检查、重复检查现象，建议推行综合查一次。"};
	Ld__Metric m1 = LD__METRIC__INIT, m2 = LD__METRIC__INIT;
	m1.name = "走访企业";
	m1.value = 36;
	m2.name = "收集意见建议";
	m2.value = 58;
	Ld__Metric *metrics[2] = {&m1, &m2};
	rs.ref = (char *)ref;
	rs.summary = version > 1 ? "按审核意见补充整改措施后重新报送的视察报告"
	                         : "关于优化营商环境专项民主监督视察情况的报告";
	rs.findings = findings;
	rs.n_findings = 3;
	rs.metrics = metrics;
	rs.n_metrics = 2;
	rs.status = draft ? "draft" : "submitted";
	Ld__Record r = LD__RECORD__INIT;
	r.kind = LD__KIND__KIND_RESULT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &rs;
	r.version = version;
	char *scope[1] = {(char *)owner};
	r.scope = scope;
	r.n_scope = 1;
	return put(t, w, &r, owner, id_out);
}

static int
put_review(struct ld_txn *t, struct work *w, const char *owner,
           const char *ref, uint64_t ref_version, const char *verdict)
{
	Ld__Review rv = LD__REVIEW__INIT;
	rv.ref = (char *)ref;
	rv.verdict = (char *)verdict;
	rv.comment = strcmp(verdict, "accepted") == 0
	                 ? "同意，报告内容详实。"
	                 : "请补充问题整改的责任单位和完成时限。";
	rv.ref_version = ref_version;
	Ld__Record r = LD__RECORD__INIT;
	r.kind = LD__KIND__KIND_REVIEW;
	r.body_case = LD__RECORD__BODY_REVIEW;
	r.review = &rv;
	char *scope[1] = {(char *)owner};
	r.scope = scope;
	r.n_scope = 1;
	return put(t, w, &r, owner, NULL);
}

/* Everything the two timed pages show. */
static int
fill_work(struct ld_txn *t, void *arg)
{
	struct work *w = arg;
	char cities[NCITY][32], *cscope[NCITY];
	char past[11], soon[11], later[11], start[11];
	date_in(-7, past);
	date_in(5, soon);
	date_in(30, later);
	date_in(-40, start);
	int rc = 0;
	for (int c = 0; c < NCITY && rc == 0; c++) {
		city_path(c, cities[c], sizeof(cities[c]));
		cscope[c] = cities[c];
		char name[64];
		snprintf(name, sizeof(name), "%s政协", city_names[c]);
		rc = put_node(t, cities[c], "city", name);
		for (int k = 0; k < NCOUNTY && rc == 0; k++) {
			char path[48];
			county_path(c, k, path, sizeof(path));
			snprintf(name, sizeof(name), "%s第%d县政协", city_names[c],
			         k + 1);
			rc = put_node(t, path, "county", name);
		}
	}
	if (rc != 0)
		return rc;
	/* The provincial task, relayed by every city to its counties. */
	if ((rc = put_task(t, w, ROOT, NULL, TOPIC, cscope, NCITY, later,
	                   w->task)) != 0)
		return rc;
	w->rows = NCITY * (NCOUNTY + 1);
	for (int c = 0; c < NCITY && rc == 0; c++) {
		char counties[NCOUNTY][48], *kscope[NCOUNTY], sub[96];
		for (int k = 0; k < NCOUNTY; k++) {
			county_path(c, k, counties[k], sizeof(counties[k]));
			kscope[k] = counties[k];
		}
		/* Three cities set a due date that has passed: their silent
		 * counties are overdue. */
		rc = put_task(t, w, cities[c], w->task, TOPIC "（" "市级转办）",
		              kscope, NCOUNTY, c < 3 ? past : soon, sub);
		for (int k = 0; k < NCOUNTY && rc == 0; k++) {
			char res[96];
			const char *cp = counties[k];
			switch (k) {
			case 0: case 1: case 2: case 3: /* accepted */
				rc = put_result(t, w, cp, sub, 1, false, res);
				if (rc == 0)
					rc = put_review(t, w, cities[c], res, 1,
					                "accepted");
				break;
			case 4: /* reported, not reviewed yet */
				rc = put_result(t, w, cp, sub, 1, false, res);
				break;
			case 5: /* returned */
				rc = put_result(t, w, cp, sub, 1, false, res);
				if (rc == 0)
					rc = put_review(t, w, cities[c], res, 1,
					                "returned");
				break;
			case 6: /* returned, then resubmitted as v2 */
				rc = put_result(t, w, cp, sub, 2, false, res);
				if (rc == 0)
					rc = put_review(t, w, cities[c], res, 1,
					                "returned");
				break;
			case 7: /* to rectify */
				rc = put_result(t, w, cp, sub, 1, false, res);
				if (rc == 0)
					rc = put_review(t, w, cities[c], res, 1,
					                "rectify");
				break;
			case 8: /* a draft only */
				rc = put_result(t, w, cp, sub, 1, true, res);
				break;
			default: /* nothing yet */
				break;
			}
		}
	}
	/* Six cities answer the provincial task themselves: two accepted,
	 * one returned and resubmitted (to review again), three waiting. */
	for (int c = 0; c < 6 && rc == 0; c++) {
		char res[96];
		rc = put_result(t, w, cities[c], w->task, c == 2 ? 2 : 1, false,
		                res);
		if (rc == 0 && c < 2)
			rc = put_review(t, w, ROOT, res, 1, "accepted");
		else if (rc == 0 && c == 2)
			rc = put_review(t, w, ROOT, res, 1, "returned");
		if (c >= 2)
			w->inbox_items++;
	}
	/* More open provincial tasks and surveys, each with results from
	 * three cities awaiting the province's review. */
	static const char *const topics[] = {
	    "乡村振兴重点项目推进情况", "城乡居民医保政策落实情况",
	    "九大高原湖泊保护治理", "义务教育“双减”政策落实",
	    "营商环境“放管服”改革", "高标准农田建设质量",
	    "老旧小区改造民生实事", "中小企业融资难问题",
	    "农村人居环境整治", "跨境电商综合试验区建设"};
	for (int i = 0; i < 10 && rc == 0; i++) {
		char id[96];
		if (i < 8)
			rc = put_task(t, w, ROOT, NULL, topics[i], cscope, NCITY,
			              i % 3 ? later : soon, id);
		else
			rc = put_survey(t, w, topics[i], cscope, NCITY, start,
			                later, id);
		for (int c = 0; c < 3 && rc == 0; c++) {
			rc = put_result(t, w, cities[(i + c) % NCITY], id, 1,
			                false, NULL);
			w->inbox_items++;
		}
	}
	return rc;
}

/* --------------------------------------------------------- processes */

static pid_t
spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void
stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
}

/* User and system CPU seconds of a process so far. */
static double
cpu_of(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
	                        "%*u %*u %llu %llu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
cpu_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t l = sizeof(a);
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &l) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* ------------------------------------------------------- a tiny client */

static int port;

struct conn {
	int fd;
	char *b;
	size_t n, cap, pos;
};

struct http_resp {
	int status;
	char *body; /* NUL-terminated */
	size_t blen;
	char cookie[160]; /* the last Set-Cookie's NAME=VALUE, not empty */
};

static int
conn_open(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	if (c->fd < 0 ||
	    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    connect(c->fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	c->cap = 1 << 16;
	c->b = malloc(c->cap);
	return c->b != NULL ? 0 : -1;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->b);
	c->fd = -1;
	c->b = NULL;
}

static int
fill(struct conn *c)
{
	if (c->n == c->cap) {
		char *nb = realloc(c->b, c->cap * 2);
		if (nb == NULL)
			return -1;
		c->b = nb;
		c->cap *= 2;
	}
	ssize_t k = recv(c->fd, c->b + c->n, c->cap - c->n, 0);
	if (k <= 0)
		return -1;
	c->n += (size_t)k;
	return 0;
}

static int
need(struct conn *c, size_t k)
{
	while (c->n - c->pos < k)
		if (fill(c) != 0)
			return -1;
	return 0;
}

/* The next line (without CRLF) at c->pos: its offset and length. */
static int
line(struct conn *c, size_t *off, size_t *len)
{
	for (size_t scan = c->pos;;) {
		for (; scan + 1 < c->n; scan++)
			if (c->b[scan] == '\r' && c->b[scan + 1] == '\n') {
				*off = c->pos;
				*len = scan - c->pos;
				c->pos = scan + 2;
				return 0;
			}
		if (fill(c) != 0)
			return -1;
	}
}

static int
body_put(struct http_resp *r, const char *p, size_t n)
{
	char *nb = realloc(r->body, r->blen + n + 1);
	if (nb == NULL)
		return -1;
	memcpy(nb + r->blen, p, n);
	r->blen += n;
	nb[r->blen] = '\0';
	r->body = nb;
	return 0;
}

static int
http(struct conn *c, const char *req, size_t reqlen, struct http_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
	for (size_t off = 0; off < reqlen;) {
		ssize_t k = send(c->fd, req + off, reqlen - off, MSG_NOSIGNAL);
		if (k <= 0)
			return -1;
		off += (size_t)k;
	}
	size_t off, len;
	if (line(c, &off, &len) != 0 || len < 12)
		return -1;
	r->status = atoi(c->b + off + 9);
	long long clen = -1;
	bool chunked = false;
	for (;;) {
		if (line(c, &off, &len) != 0)
			return -1;
		if (len == 0)
			break;
		char *h = c->b + off;
		if (len > 15 && strncasecmp(h, "Content-Length:", 15) == 0)
			clen = atoll(h + 15);
		else if (len > 18 &&
		         strncasecmp(h, "Transfer-Encoding:", 18) == 0 &&
		         strncasecmp(h + len - 7, "chunked", 7) == 0)
			chunked = true;
		else if (len > 11 && strncasecmp(h, "Set-Cookie:", 11) == 0) {
			const char *v = h + 11;
			while (*v == ' ')
				v++;
			const char *e = memchr(v, ';', len - (size_t)(v - h));
			size_t vl = e != NULL ? (size_t)(e - v)
			                      : len - (size_t)(v - h);
			const char *eq = memchr(v, '=', vl);
			/* Keep the cookie set, not one deleted (NAME=). */
			if (vl < sizeof(r->cookie) && eq != NULL &&
			    (size_t)(eq - v) + 1 < vl) {
				memcpy(r->cookie, v, vl);
				r->cookie[vl] = '\0';
			}
		}
	}
	if (chunked) {
		for (;;) {
			if (line(c, &off, &len) != 0)
				return -1;
			size_t k = strtoul(c->b + off, NULL, 16);
			if (k == 0) {
				if (line(c, &off, &len) != 0) /* trailer end */
					return -1;
				break;
			}
			if (need(c, k + 2) != 0 ||
			    body_put(r, c->b + c->pos, k) != 0)
				return -1;
			c->pos += k + 2;
		}
	} else if (clen > 0) {
		if (need(c, (size_t)clen) != 0 ||
		    body_put(r, c->b + c->pos, (size_t)clen) != 0)
			return -1;
		c->pos += (size_t)clen;
	}
	if (r->body == NULL && body_put(r, "", 0) != 0)
		return -1;
	/* Keep what belongs to the next answer (none: one at a time). */
	memmove(c->b, c->b + c->pos, c->n - c->pos);
	c->n -= c->pos;
	c->pos = 0;
	return 0;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0, l = strlen(needle);
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += l)
		n++;
	return n;
}

/* --------------------------------------------------------- the load */

struct shared {
	int requests;
	char progress_url[256];
	char marker_rows[64], marker_inbox[64];
	int rows, inbox_items;
	pthread_barrier_t bar;
};

struct sess {
	struct shared *sh;
	int no;
	double *lat[2];
	size_t bytes[2];
	int errors;
	char why[300];
};

static void
fail(struct sess *s, const char *why, const char *detail)
{
	s->errors++;
	if (s->why[0] == '\0')
		snprintf(s->why, sizeof(s->why), "%s%s", why, detail);
}

/* Is this a real page of the kind asked for? */
static bool
page_ok(struct sess *s, int page, const struct http_resp *r)
{
	struct shared *sh = s->sh;
	if (r->status != 200) {
		char st[16];
		snprintf(st, sizeof(st), "%d", r->status);
		fail(s, "status ", st);
		return false;
	}
	if (page == 0) {
		if (strstr(r->body, TOPIC) == NULL ||
		    strstr(r->body, sh->marker_rows) == NULL ||
		    count(r->body, "<td class=\"office\">") !=
		        (size_t)sh->rows) {
			fail(s, "progress page without the expected rows", "");
			return false;
		}
	} else {
		if (strstr(r->body, "工作台") == NULL ||
		    strstr(r->body, sh->marker_inbox) == NULL ||
		    count(r->body, "</td></tr>") != (size_t)sh->inbox_items) {
			fail(s, "inbox without the expected items", "");
			return false;
		}
	}
	return true;
}

static void *
session(void *arg)
{
	struct sess *s = arg;
	struct shared *sh = s->sh;
	struct conn c = {.fd = -1};
	struct http_resp r = {0};
	char req[2048], cookie[200] = "";
	bool ok = conn_open(&c) == 0;
	if (!ok)
		fail(s, "cannot connect", "");
	/* Log in: the form's token and its cookie, then the POST. */
	int n = snprintf(req, sizeof(req), "GET /login HTTP/1.1\r\nHost: "
	                 "127.0.0.1\r\nUser-Agent: web_bench\r\n\r\n");
	if (ok && (http(&c, req, (size_t)n, &r) != 0 || r.status != 200))
		ok = false, fail(s, "GET /login failed", "");
	char csrf[128] = "";
	const char *p = ok ? strstr(r.body, "name=\"csrf\" value=\"") : NULL;
	if (p != NULL)
		sscanf(p + 19, "%127[0-9a-f]", csrf);
	if (ok) {
		char form[400];
		int fl = snprintf(form, sizeof(form),
		                  "csrf=%s&user=bench%02d&password=%s", csrf,
		                  s->no + 1, PASSWORD);
		n = snprintf(req, sizeof(req),
		             "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		             "Cookie: %s\r\nContent-Type: "
		             "application/x-www-form-urlencoded\r\n"
		             "Content-Length: %d\r\n\r\n%s",
		             r.cookie, fl, form);
		if (http(&c, req, (size_t)n, &r) != 0 || r.status != 303 ||
		    strncmp(r.cookie, "ld_session=", 11) != 0)
			ok = false, fail(s, "POST /login did not log in", "");
		else
			snprintf(cookie, sizeof(cookie), "%s", r.cookie);
	}
	char get[2][600];
	int gl[2];
	gl[0] = snprintf(get[0], sizeof(get[0]),
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                 "Cookie: %s\r\n\r\n", sh->progress_url, cookie);
	gl[1] = snprintf(get[1], sizeof(get[1]),
	                 "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                 "Cookie: %s\r\n\r\n", cookie);
	/* One of each, untimed: the server thread's first request opens
	 * its API socket. */
	for (int pg = 0; ok && pg < 2; pg++)
		if (http(&c, get[pg], (size_t)gl[pg], &r) != 0 ||
		    !page_ok(s, pg, &r))
			ok = false;
	pthread_barrier_wait(&sh->bar);
	for (int pg = 0; pg < 2; pg++) {
		for (int i = 0; ok && i < sh->requests; i++) {
			double t0 = ld_bench_now();
			if (http(&c, get[pg], (size_t)gl[pg], &r) != 0) {
				fail(s, "connection lost", "");
				ok = false;
				break;
			}
			s->lat[pg][i] = ld_bench_now() - t0;
			s->bytes[pg] = r.blen;
			page_ok(s, pg, &r);
		}
		pthread_barrier_wait(&sh->bar);
	}
	free(r.body);
	conn_close(&c);
	return NULL;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void
stats(const char *what, double *v, size_t n, double wall, size_t bytes)
{
	qsort(v, n, sizeof(*v), cmp_d);
	if (n == 0) {
		printf("%-24s no requests\n", what);
		return;
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	printf("%-24s n=%zu  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean "
	       "%.2f ms  %.0f req/s",
	       what, n, v[n / 2] * 1e3, v[(size_t)(n * 0.90)] * 1e3,
	       v[(size_t)(n * 0.99)] * 1e3, v[n - 1] * 1e3, sum / n * 1e3,
	       wall > 0 ? n / wall : 0);
	if (bytes)
		printf("  page %zu bytes", bytes);
	printf("\n");
}

/* The API alone, one client, one request at a time. */
static int
api_alone(const char *dir, const char *task, int runs)
{
	struct ld_client *cl;
	char err[512];
	if (ld_client_open(dir, &cl, err, sizeof(err)) != 0) {
		fprintf(stderr, "web_bench: %s\n", err);
		return -1;
	}
	double *lat[2] = {calloc((size_t)runs, sizeof(double)),
	                  calloc((size_t)runs, sizeof(double))};
	size_t sz[2] = {0, 0};
	int rc = 0;
	for (int pg = 0; pg < 2 && rc == 0 && lat[0] && lat[1]; pg++) {
		double w0 = ld_bench_now();
		for (int i = 0; i < runs; i++) {
			Ld__ProgressRequest pq = LD__PROGRESS_REQUEST__INIT;
			Ld__InboxRequest iq = LD__INBOX_REQUEST__INIT;
			pq.id = (char *)task;
			pq.today = "";
			iq.today = "";
			Ld__Request req = LD__REQUEST__INIT;
			if (pg == 0) {
				req.op_case = LD__REQUEST__OP_PROGRESS;
				req.progress = &pq;
			} else {
				req.op_case = LD__REQUEST__OP_INBOX;
				req.inbox = &iq;
			}
			Ld__Response *resp;
			double t0 = ld_bench_now();
			if (ld_client_call(cl, &req, &resp, 10000, err,
			                   sizeof(err)) != 0 ||
			    resp->code != LD__CODE__CODE_OK) {
				fprintf(stderr, "web_bench: API: %s\n", err);
				rc = -1;
				break;
			}
			lat[pg][i] = ld_bench_now() - t0;
			sz[pg] = ld__response__get_packed_size(resp);
			ld__response__free_unpacked(resp, NULL);
		}
		if (rc == 0)
			stats(pg == 0 ? "API progress (1 client)"
			              : "API inbox (1 client)",
			      lat[pg], (size_t)runs, ld_bench_now() - w0, 0);
		if (rc == 0)
			printf("%-24s answer %zu bytes (protobuf)\n", "", sz[pg]);
	}
	free(lat[0]);
	free(lat[1]);
	ld_client_close(&cl);
	return rc;
}

/* ------------------------------------------------------------ main */

static int
write_users(const char *dir, int n, char *err, size_t errlen)
{
	struct ld_user *u = calloc((size_t)n, sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	/* One hash for all: the password is the same and hashing is slow. */
	int rc = ld_password_hash(PASSWORD, u[0].hash, err, errlen);
	for (int i = 0; rc == 0 && i < n; i++) {
		snprintf(u[i].name, sizeof(u[i].name), "bench%02d", i + 1);
		u[i].role = i == 0 ? LD_ROLE_ADMIN
		            : i % 3 ? LD_ROLE_READER : LD_ROLE_REVIEWER;
		memcpy(u[i].hash, u[0].hash, sizeof(u[i].hash));
	}
	if (rc == 0)
		rc = ld_users_save(dir, u, (size_t)n, err, errlen);
	free(u);
	return rc;
}

static bool
wait_for(const char *path, double secs)
{
	for (double t = ld_bench_now() + secs; ld_bench_now() < t; usleep(20000))
		if (access(path, F_OK) == 0)
			return true;
	return false;
}

static bool
wait_port(double secs)
{
	for (double t = ld_bench_now() + secs; ld_bench_now() < t; usleep(20000)) {
		struct conn c;
		if (conn_open(&c) == 0) {
			conn_close(&c);
			return true;
		}
		conn_close(&c);
	}
	return false;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"sessions", required_argument, NULL, 's'},
	    {"requests", required_argument, NULL, 'n'},
	    {"dir", required_argument, NULL, 'd'},
	    {"keep", no_argument, NULL, 'k'},
	    {"background", required_argument, NULL, 'b'},
	    {"web-threads", required_argument, NULL, 't'},
	    {"api", required_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	setvbuf(stdout, NULL, _IOLBF, 0);
	int nsess = 20, requests = 200, web_threads = 0, api_runs = 200;
	uint64_t background = 100000;
	bool keep = false;
	const char *dir = NULL;
	bool made = false; /* only a directory of our own is removed */
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': nsess = atoi(optarg); break;
		case 'n': requests = atoi(optarg); break;
		case 'd': dir = optarg; break;
		case 'k': keep = true; break;
		case 'b': background = strtoull(optarg, NULL, 10); break;
		case 't': web_threads = atoi(optarg); break;
		case 'a': api_runs = atoi(optarg); break;
		default:
			fprintf(stderr,
			        "usage: web_bench [--sessions N] [--requests N] "
			        "[--dir DIR] [--keep] [--background N] "
			        "[--web-threads N] [--api N]\n");
			return 2;
		}
	}
	if (nsess < 1 || nsess > 60 || requests < 1 || api_runs < 0) {
		fprintf(stderr, "web_bench: --sessions 1..60, --requests >= 1\n");
		return 2;
	}
	char tmpl[] = "/tmp/ld-web-bench.XXXXXX";
	if (dir == NULL) {
		if ((dir = mkdtemp(tmpl)) == NULL) {
			perror("mkdtemp");
			return 1;
		}
		made = true;
	} else if (mkdir(dir, 0700) != 0) {
		fprintf(stderr, "web_bench: --dir %s: %s (it must be new)\n",
		        dir, strerror(errno));
		return 1;
	}
	char absdir[4096];
	if (realpath(dir, absdir) == NULL) {
		perror(dir);
		return 1;
	}
	dir = absdir;
	if ((port = free_port()) < 0) {
		fprintf(stderr, "web_bench: no free port\n");
		return 1;
	}

	/* The configuration, the store, the accounts. */
	struct ld_config cfg;
	char err[512];
	if (ld_bench_config(dir, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "web_bench: %s\n", err);
		return 1;
	}
	char path[4200];
	snprintf(path, sizeof(path), "%s/liandong.conf", dir);
	FILE *f = fopen(path, "a");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f, "\n[web]\nlisten = 127.0.0.1:%d\n", port);
	if (web_threads > 0)
		fprintf(f, "threads = %d\n", web_threads);
	fclose(f);

	struct ld_store *st;
	int rc = ld_store_open(dir, ROOT, (size_t)cfg.map_size_mb << 20, &st);
	if (rc != 0) {
		fprintf(stderr, "web_bench: %s\n", ld_store_strerror(rc));
		return 1;
	}
	double t0 = ld_bench_now();
	if ((rc = ld_bench_fill(st, background)) != 0) {
		fprintf(stderr, "web_bench: %s\n", ld_store_strerror(rc));
		return 1;
	}
	static struct work w = {.counter = 2000000000000ull};
	if ((rc = ld_store_write(st, fill_work, &w)) != 0) {
		fprintf(stderr, "web_bench: %s%s%s\n", ld_store_strerror(rc),
		        w.err[0] ? ": " : "", w.err);
		return 1;
	}
	struct ld_txn t;
	uint64_t total = 0;
	if (ld_store_read_begin(st, &t) == 0) {
		total = ld_store_count(&t);
		ld_store_read_end(&t);
	}
	ld_store_close(&st);
	snprintf(path, sizeof(path), "%s/store/data.mdb", dir);
	struct stat sb;
	double mib = stat(path, &sb) == 0 ? (double)sb.st_size / 1048576 : 0;
	printf("store: %llu records (%llu background), %.1f MiB, written in "
	       "%.1f s (%s)\n",
	       (unsigned long long)total, (unsigned long long)background, mib,
	       ld_bench_now() - t0, dir);
	if (write_users(dir, nsess, err, sizeof(err)) != 0) {
		fprintf(stderr, "web_bench: users: %s\n", err);
		return 1;
	}

	/* The node and the console. */
	char dlog[4200], wlog[4200], sock[4200];
	snprintf(dlog, sizeof(dlog), "%s/liandongd.log", dir);
	snprintf(wlog, sizeof(wlog), "%s/liandong-web.log", dir);
	snprintf(sock, sizeof(sock), "%s/api.sock", dir);
	char *dargv[] = {LD_BIN_DIR "/daemon/liandongd", "--data", (char *)dir,
	                 NULL};
	char *wargv[] = {LD_BIN_DIR "/web/liandong-web", "--data", (char *)dir,
	                 NULL};
	pid_t dpid = spawn(dargv, dlog), wpid = -1;
	int ret = 1;
	if (dpid < 0 || !wait_for(sock, 20)) {
		fprintf(stderr, "web_bench: liandongd did not start (%s)\n", dlog);
		goto out;
	}
	if ((wpid = spawn(wargv, wlog)) < 0 || !wait_port(20)) {
		fprintf(stderr, "web_bench: liandong-web did not start (%s)\n",
		            wlog);
		goto out;
	}
	printf("liandongd pid %d, liandong-web pid %d on 127.0.0.1:%d, "
	       "%d sessions x %d requests per page\n",
	       (int)dpid, (int)wpid, port, nsess, requests);

	if (api_runs > 0 && api_alone(dir, w.task, api_runs) != 0)
		goto out;

	static struct shared sh;
	sh.requests = requests;
	sh.rows = w.rows;
	sh.inbox_items = w.inbox_items;
	/* The id's '/' and ':' are fine in a path as they are. */
	snprintf(sh.progress_url, sizeof(sh.progress_url), "/tasks/%s/progress",
	         w.task);
	snprintf(sh.marker_rows, sizeof(sh.marker_rows), "应报<b>%d</b>", w.rows);
	snprintf(sh.marker_inbox, sizeof(sh.marker_inbox), "待审核<b>%d</b>",
	         w.inbox_items);
	pthread_barrier_init(&sh.bar, NULL, (unsigned)nsess + 1);
	struct sess *ss = calloc((size_t)nsess, sizeof(*ss));
	pthread_t *th = calloc((size_t)nsess, sizeof(*th));
	if (ss == NULL || th == NULL)
		goto out;
	for (int i = 0; i < nsess; i++) {
		ss[i].sh = &sh;
		ss[i].no = i;
		for (int pg = 0; pg < 2; pg++)
			ss[i].lat[pg] = calloc((size_t)requests, sizeof(double));
		pthread_create(&th[i], NULL, session, &ss[i]);
	}
	double login0 = ld_bench_now();
	pthread_barrier_wait(&sh.bar); /* logged in */
	printf("login of %d sessions (Argon2id) and one untimed request of "
	       "each page: %.2f s\n", nsess, ld_bench_now() - login0);
	static const char *const names[2] = {"GET progress", "GET / (inbox)"};
	double *all = calloc((size_t)nsess * (size_t)requests, sizeof(double));
	for (int pg = 0; pg < 2; pg++) {
		double c0[3] = {cpu_of(dpid), cpu_of(wpid), cpu_self()};
		double p0 = ld_bench_now();
		pthread_barrier_wait(&sh.bar);
		double wall = ld_bench_now() - p0;
		double c1[3] = {cpu_of(dpid), cpu_of(wpid), cpu_self()};
		size_t n = 0, bytes = 0;
		for (int i = 0; i < nsess; i++) {
			for (int k = 0; k < requests && all; k++)
				if (ss[i].lat[pg][k] > 0)
					all[n++] = ss[i].lat[pg][k];
			if (ss[i].bytes[pg])
				bytes = ss[i].bytes[pg];
		}
		if (all)
			stats(names[pg], all, n, wall, bytes);
		printf("%-24s wall %.2f s; CPU liandongd %.2f s, liandong-web "
		       "%.2f s, web_bench %.2f s\n", "", wall, c1[0] - c0[0],
		       c1[1] - c0[1], c1[2] - c0[2]);
	}
	int errors = 0;
	for (int i = 0; i < nsess; i++) {
		pthread_join(th[i], NULL);
		errors += ss[i].errors;
		if (ss[i].errors)
			fprintf(stderr, "web_bench: session %d: %d errors, first: "
			        "%s\n", i + 1, ss[i].errors, ss[i].why);
		free(ss[i].lat[0]);
		free(ss[i].lat[1]);
	}
	free(all);
	free(ss);
	free(th);
	printf("progress page: %d rows; inbox: %d items; errors: %d\n", sh.rows,
	       sh.inbox_items, errors);
	ret = errors ? 1 : 0;
out:
	stop(wpid);
	stop(dpid);
	if (made && !keep) {
		char cmd[4300];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "web_bench: could not remove %s\n", dir);
	}
	return ret;
}
