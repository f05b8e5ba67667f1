/* make_corpus.c — writes the seed inputs of the fuzz targets (valid frames
 * with real signatures from the fuzz tree's keys, API requests, config
 * files) to DIR/{frame,api,config}/. Run when the schema changes:
 *   build/tests/fuzz/fuzz_seeds tests/fuzz/corpus */
#include "fuzz_tree.h"
#include "link.h"
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *out;

static void
save(const char *sub, const char *name, uint8_t prefix, bool with_prefix,
     const uint8_t *buf, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/%s", out, sub, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	if (with_prefix)
		fputc(prefix, f);
	fwrite(buf, 1, len, f);
	fclose(f);
}

static void
frame(const char *name, uint8_t from_parent, const Ld__Frame *f)
{
	size_t n = ld__frame__get_packed_size(f);
	uint8_t *buf = malloc(n + 1);
	ld__frame__pack(f, buf);
	save("frame", name, from_parent, true, buf, n);
	free(buf);
}

static void
request(const char *name, const Ld__Request *r)
{
	size_t n = ld__request__get_packed_size(r);
	uint8_t *buf = malloc(n + 1);
	ld__request__pack(r, buf);
	save("api", name, 0, false, buf, n);
	free(buf);
}

static void
text(const char *name, uint8_t which, const char *s)
{
	save("config", name, which, true, (const uint8_t *)s, strlen(s));
}

static void
batch(const char *name, uint8_t from_parent, ProtobufCBinaryData *recs,
      size_t n)
{
	Ld__Batch b = LD__BATCH__INIT;
	b.session = 1;
	b.epoch = 7;
	b.from_seq = 0;
	b.to_seq = n + 1;
	b.head = n + 1;
	b.n_records = n;
	b.records = recs;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_BATCH;
	f.batch = &b;
	frame(name, from_parent, &f);
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds CORPUS_DIR\n");
		return 2;
	}
	out = argv[1];
	struct fz_tree t;
	fz_tree_keys(&t);

	/* frames */
	Ld__Hello h = LD__HELLO__INIT;
	h.protocol = LD_PROTOCOL;
	h.path = FZ_CHILD;
	h.name = "富源县政协";
	h.session = 1;
	h.epoch = 7;
	h.ping_ms = 1000;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_HELLO;
	f.hello = &h;
	frame("hello", 0, &f);
	Ld__Ack a = LD__ACK__INIT;
	a.session = 1;
	a.seq = 15;
	a.credit = 8;
	f.msg_case = LD__FRAME__MSG_ACK;
	f.ack = &a;
	frame("ack", 0, &f);
	Ld__Ping pg = LD__PING__INIT;
	pg.session = 1;
	f.msg_case = LD__FRAME__MSG_PING;
	f.ping = &pg;
	frame("ping", 0, &f);

	size_t l[4];
	uint8_t *r[4];
	r[0] = fz_node_record(&t, FZ_CHILD, &l[0]);
	r[1] = fz_record(&t, FZ_CHILD, 1, 1, FZ_CHILD, 1, NULL, &l[1]);
	r[2] = fz_record(&t, FZ_CHILD, 2, 3, FZ_CHILD, 0, NULL, &l[2]);
	ProtobufCBinaryData up[3] = {{l[0], r[0]}, {l[1], r[1]}, {l[2], r[2]}};
	batch("batch-child", 0, up, 3);
	uint8_t *rt = fz_record(&t, FZ_ROOT, 1, 1, FZ_CHILD, 0, NULL, &l[3]);
	ProtobufCBinaryData down[1] = {{l[3], rt}};
	batch("batch-parent", 1, down, 1);
	/* Forged: a province task signed by the city (a compromised one). */
	uint8_t *forged =
	    fz_record(&t, FZ_ROOT, 2, 1, FZ_CHILD, 0, &t.self, &l[3]);
	ProtobufCBinaryData fg[1] = {{l[3], forged}};
	batch("batch-forged", 1, fg, 1);
	batch("batch-empty", 1, NULL, 0);
	/* Sealed in batches (Record.seal): five of the county's records in
	 * one tree, three of the province's in another. */
	uint8_t *sc[5], *sealp[3];
	size_t lc[5], lp[3];
	for (int i = 0; i < 5; i++)
		sc[i] = fz_record(&t, FZ_CHILD, 10 + (uint64_t)i, 1, FZ_CHILD,
		                  i % 2, NULL, &lc[i]);
	fz_seal(&t, FZ_CHILD, sc, lc, 5);
	ProtobufCBinaryData sup[5];
	for (int i = 0; i < 5; i++)
		sup[i] = (ProtobufCBinaryData){lc[i], sc[i]};
	batch("batch-child-sealed", 0, sup, 5);
	for (int i = 0; i < 3; i++)
		sealp[i] = fz_record(&t, FZ_ROOT, 10 + (uint64_t)i, 1, FZ_CHILD, 0,
		                  NULL, &lp[i]);
	fz_seal(&t, FZ_ROOT, sealp, lp, 3);
	ProtobufCBinaryData sdown[3];
	for (int i = 0; i < 3; i++)
		sdown[i] = (ProtobufCBinaryData){lp[i], sealp[i]};
	batch("batch-parent-sealed", 1, sdown, 3);
	for (int i = 0; i < 5; i++)
		free(sc[i]);
	for (int i = 0; i < 3; i++)
		free(sealp[i]);
	for (int i = 0; i < 3; i++)
		free(r[i]);
	free(rt);
	free(forged);

	/* requests */
	Ld__Task task = LD__TASK__INIT;
	task.topic = "优化营商环境三级联动民主监督";
	task.form = "inspection";
	task.due = "2026-12-31";
	char *targets[2] = {"县市场监管局", "县税务局"};
	task.n_targets = 2;
	task.targets = targets;
	char *scope[1] = {FZ_CHILD};
	Ld__Record rec = LD__RECORD__INIT;
	rec.body_case = LD__RECORD__BODY_TASK;
	rec.task = &task;
	rec.n_scope = 1;
	rec.scope = scope;
	Ld__AddRequest add = LD__ADD_REQUEST__INIT;
	add.record = &rec;
	Ld__Request req = LD__REQUEST__INIT;
	req.req_id = 1;
	req.op_case = LD__REQUEST__OP_ADD;
	req.add = &add;
	request("add-task", &req);

	Ld__PlanItem it1 = LD__PLAN_ITEM__INIT, it2 = LD__PLAN_ITEM__INIT;
	it1.form = "专题";
	it1.month = 10;
	it1.topic = "三明南部新城核心区建设";
	it1.lead = "罗裕明副主席";
	it2.form = "对口界别协商";
	it2.month = 3;
	it2.topic = "三元区城乡饮用水源地保护";
	it2.lead = "罗裕明副主席";
	it2.responsible = "人口资源环境委";
	it2.assisting = "社会事业委";
	Ld__PlanItem *items[2] = {&it1, &it2};
	Ld__Plan plan = LD__PLAN__INIT;
	plan.year = 2017;
	plan.title = "2017年协商计划";
	plan.n_items = 2;
	plan.items = items;
	Ld__Record prec = LD__RECORD__INIT;
	prec.body_case = LD__RECORD__BODY_PLAN;
	prec.plan = &plan;
	add.record = &prec;
	request("add-plan", &req);

	Ld__Metric m = LD__METRIC__INIT;
	m.name = "调研";
	m.value = 10;
	Ld__Metric *mp[1] = {&m};
	Ld__Result res = LD__RESULT__INIT;
	res.ref = FZ_ROOT ":1";
	res.summary = "调研10次，视察4次，协商6次";
	res.n_metrics = 1;
	res.metrics = mp;
	Ld__Record rrec = LD__RECORD__INIT;
	rrec.body_case = LD__RECORD__BODY_RESULT;
	rrec.result = &res;
	add.record = &rrec;
	request("add-result", &req);

	/* Many: the task, the plan and the result in one request; and with
	 * a bad date in the middle one. */
	Ld__Record *many[3] = {&rec, &prec, &rrec};
	Ld__AddManyRequest am = LD__ADD_MANY_REQUEST__INIT;
	am.records = many;
	am.n_records = 3;
	am.all_or_nothing = true;
	req.op_case = LD__REQUEST__OP_ADD_MANY;
	req.add_many = &am;
	request("add-many", &req);
	Ld__Task bad = task;
	bad.due = "2026-02-30";
	Ld__Record brec = rec;
	brec.task = &bad;
	many[1] = &brec;
	request("add-many-bad-date", &req);

	Ld__ListRequest lr = LD__LIST_REQUEST__INIT;
	lr.owner = FZ_CHILD;
	lr.kind = LD__KIND__KIND_TASK;
	req.op_case = LD__REQUEST__OP_LIST;
	req.list = &lr;
	request("list", &req);
	Ld__GetRequest g = LD__GET_REQUEST__INIT;
	g.id = FZ_ROOT ":1";
	req.op_case = LD__REQUEST__OP_GET;
	req.get = &g;
	request("get", &req);
	/* A task's progress; the proposals awaiting a reply; both at once
	 * (refused). */
	Ld__ProgressRequest pq = LD__PROGRESS_REQUEST__INIT;
	pq.id = FZ_ROOT ":1";
	pq.today = "2026-03-20";
	req.op_case = LD__REQUEST__OP_PROGRESS;
	req.progress = &pq;
	request("progress", &req);
	pq.id = "";
	pq.proposals = true;
	request("progress-proposals", &req);
	pq.id = FZ_ROOT ":1";
	request("progress-both", &req);

	/* config files (first byte: 0 config, 1 children, 2 key file) */
	char key[LD_KEY_TEXT_MAX], rk[LD_B64_32];
	ld_keys_public_text(&t.root, key);
	ld_b64_32(t.root.sign_pub, rk);
	char conf[2048];
	snprintf(conf, sizeof(conf),
	         "# liandong node configuration\n[node]\nid = %s\n"
	         "name = 曲靖市政协\nlevel = city\n"
	         "listen = tcp://0.0.0.0:7101\nparent = tcp://10.0.0.1:7100\n"
	         "parent_key = %s\nroot_key = %s\n\n[link]\n"
	         "batch_records = 500\ncredit = 8\nping_ms = 1000\n"
	         "dead_ms = 10000\n[store]\nmap_size_mb = 1024\n"
	         "[log]\nlevel = info\n[security]\nverify_threads = 2\n",
	         FZ_SELF, key, rk);
	text("conf", 0, conf);
	text("conf-insecure", 0,
	     "[node]\nid = 530000/1\nname = x\n[security]\ninsecure = true\n");
	ld_keys_public_text(&t.child, key);
	snprintf(conf, sizeof(conf), "# children\n%s %s\n", FZ_CHILD, key);
	text("children", 1, conf);
	char cp[LD_B64_32], cs[LD_B64_32], sp[LD_B64_32], ss[LD_B64_32];
	ld_b64_32(t.self.curve_pub, cp);
	ld_b64_32(t.self.curve_sec, cs);
	ld_b64_32(t.self.sign_pub, sp);
	ld_b64_32(t.self.sign_sec, ss);
	snprintf(conf, sizeof(conf),
	         "# keys\ncurve_public = %s\ncurve_secret = %s\n"
	         "sign_public = %s\nsign_seed = %s\n",
	         cp, cs, sp, ss);
	text("keyfile", 2, conf);
	return 0;
}
