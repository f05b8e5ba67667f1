/* check_replication.c — real daemons on loopback: tasks go down two levels,
 * results come up two levels, siblings never see each other's records, a
 * parent refuses a child with a wrong path and records whose owner the flow
 * rules do not allow. */
#include "harness.h"
#include "link.h"
#include "record.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define P_ID "530000"
#define C_ID "530000/530300"
#define X_ID "530000/530300/530325"
#define Y_ID "530000/530300/530381"

static struct th_node P, C, X, Y;

/* Province, city and county, all running. */
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

static void
stop_all(void)
{
	struct th_node *all[] = {&X, &Y, &C, &P};
	for (size_t i = 0; i < 4; i++)
		if (all[i]->pid > 0)
			ck_assert_msg(th_node_stop(all[i]) == 0,
			              "%s did not exit cleanly on SIGTERM",
			              all[i]->id);
}

/* The same bytes at both nodes: relays forward records unchanged. */
static void
assert_same_record(struct th_node *a, struct th_node *b, const char *id)
{
	size_t la = 0, lb = 0;
	uint8_t *ra = th_get(a, id, &la), *rb = th_get(b, id, &lb);
	ck_assert_msg(ra != NULL, "%s missing at %s", id, a->id);
	ck_assert_msg(rb != NULL, "%s missing at %s", id, b->id);
	ck_assert_uint_eq(la, lb);
	ck_assert_msg(memcmp(ra, rb, la) == 0, "%s differs between %s and %s",
	              id, a->id, b->id);
	free(ra);
	free(rb);
}

START_TEST(test_task_down_two_levels)
{
	three_levels();
	const char *topic = "优化营商环境 三级联动民主监督 ✅ «引号» \"quoted\"";
	char id[LD_ID_MAX + 1];
	snprintf(id, sizeof(id), "%s", th_add_task(&P, X_ID, topic));
	ck_assert_msg(th_wait_record(&X, id, th_ms(10000)),
	              "task %s did not reach the county", id);
	ck_assert_msg(th_wait_record(&C, id, th_ms(1000)),
	              "task %s is not at the city", id);
	assert_same_record(&P, &X, id);
	size_t len;
	uint8_t *buf = th_get(&X, id, &len);
	Ld__Record *r = ld_record_unpack(buf, len);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->owner, P_ID);
	ck_assert_str_eq(r->task->topic, topic);
	ck_assert_str_eq(r->task->form, "监督性视察");
	ck_assert_uint_eq(r->version, 1);
	ld__record__free_unpacked(r, NULL);
	free(buf);
	stop_all();
}
END_TEST

START_TEST(test_result_up_two_levels)
{
	three_levels();
	char task[LD_ID_MAX + 1], res[LD_ID_MAX + 1], rev[LD_ID_MAX + 1];
	snprintf(task, sizeof(task), "%s", th_add_task(&P, X_ID, "脱贫攻坚"));
	ck_assert(th_wait_record(&X, task, th_ms(10000)));

	Ld__Metric m1 = LD__METRIC__INIT, m2 = LD__METRIC__INIT;
	m1.name = "调研";
	m1.value = 10;
	m2.name = "满意率";
	m2.value = 1.0;
	Ld__Metric *ms[] = {&m1, &m2};
	Ld__Result body = LD__RESULT__INIT;
	body.ref = task;
	body.summary = "走访企业42家，发现问题7个，已整改5个";
	body.n_metrics = 2;
	body.metrics = ms;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &body;
	snprintf(res, sizeof(res), "%s", th_add(&X, &r));
	ck_assert_msg(th_wait_record(&P, res, th_ms(10000)),
	              "result %s did not reach the province", res);
	assert_same_record(&X, &C, res);
	assert_same_record(&X, &P, res);

	/* The province's review goes back down to the county. */
	Ld__Review rv = LD__REVIEW__INIT;
	rv.ref = res;
	rv.verdict = "returned";
	rv.comment = "请补充整改佐证材料";
	Ld__Record r2 = LD__RECORD__INIT;
	r2.body_case = LD__RECORD__BODY_REVIEW;
	r2.review = &rv;
	snprintf(rev, sizeof(rev), "%s", th_add(&P, &r2));
	ck_assert_msg(th_wait_record(&X, rev, th_ms(10000)),
	              "review %s did not reach the county", rev);
	assert_same_record(&P, &X, rev);
	stop_all();
}
END_TEST

START_TEST(test_siblings_never_meet)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_init(&C, "c", C_ID, "曲靖市政协", true, &P, NULL);
	th_node_init(&X, "x", X_ID, "富源县政协", false, &C, NULL);
	th_node_init(&Y, "y", Y_ID, "宣威市政协", false, &C, NULL);
	th_node_start(&P);
	th_node_start(&C);
	th_node_start(&X);
	th_node_start(&Y);

	char tx[LD_ID_MAX + 1], ty[LD_ID_MAX + 1], rx[LD_ID_MAX + 1];
	char tc[LD_ID_MAX + 1];
	snprintf(tx, sizeof(tx), "%s", th_add_task(&P, X_ID, "富源县的任务"));
	snprintf(ty, sizeof(ty), "%s", th_add_task(&P, Y_ID, "宣威市的任务"));
	/* The city's own task for one county only. */
	snprintf(tc, sizeof(tc), "%s", th_add_task(&C, X_ID, "市里交办"));
	ck_assert(th_wait_record(&X, tx, th_ms(10000)));
	ck_assert(th_wait_record(&X, tc, th_ms(10000)));
	ck_assert(th_wait_record(&Y, ty, th_ms(10000)));

	Ld__Result body = LD__RESULT__INIT;
	body.ref = tx;
	body.summary = "富源县的成果";
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_RESULT;
	r.result = &body;
	snprintf(rx, sizeof(rx), "%s", th_add(&X, &r));
	ck_assert(th_wait_record(&P, rx, th_ms(10000)));
	/* Everything has flowed everywhere it may. */
	ck_assert(th_wait_quiet(&P, th_ms(10000)));
	ck_assert(th_wait_quiet(&C, th_ms(10000)));
	ck_assert(th_wait_quiet(&X, th_ms(10000)));
	ck_assert(th_wait_quiet(&Y, th_ms(10000)));

	size_t len;
	uint8_t *b;
	ck_assert_msg((b = th_get(&Y, tx, &len)) == NULL,
	              "the sibling county sees another county's task");
	ck_assert_msg((b = th_get(&Y, rx, &len)) == NULL,
	              "the sibling county sees another county's result");
	ck_assert_msg((b = th_get(&Y, tc, &len)) == NULL,
	              "the sibling county sees the city's task for X");
	ck_assert_msg((b = th_get(&X, ty, &len)) == NULL,
	              "a county sees its sibling's task");
	struct th_idv *v;
	size_t n = th_list(&Y, X_ID, 0, &v);
	ck_assert_msg(n == 0, "Y holds %zu records owned by X", n);
	free(v);
	n = th_list(&X, Y_ID, 0, &v);
	ck_assert_msg(n == 0, "X holds %zu records owned by Y", n);
	free(v);
	/* The city and province see both counties' node records. */
	n = th_list(&P, C_ID, LD__KIND__KIND_NODE, &v);
	ck_assert_uint_eq(n, 3);
	free(v);
	stop_all();
}
END_TEST

START_TEST(test_wrong_path_refused)
{
	/* The path rule itself, without keys (a secure parent would not let
	 * an unenrolled node connect at all: test_not_enrolled). */
	th_set_insecure(true);
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	/* Two segments below the province, connecting straight to it. */
	th_node_init(&X, "x", X_ID, "富源县政协", false, &P, NULL);
	th_node_start(&P);
	th_node_start(&X);
	char xt[LD_ID_MAX + 1];
	snprintf(xt, sizeof(xt), "%s", th_add_task(&X, X_ID, "县里自己的任务"));

	int64_t end = th_now_ms() + th_ms(10000);
	bool rejected = false;
	while (!rejected && th_now_ms() < end) {
		Ld__Response *r = th_status(&X);
		for (size_t i = 0; i < r->status->n_peers; i++) {
			Ld__PeerStatus *p = r->status->peers[i];
			if (strcmp(p->role, "parent") == 0 &&
			    strcmp(p->state, "rejected") == 0) {
				ck_assert_msg(strstr(p->last_error,
				                     "not one segment below") !=
				                  NULL,
				              "reason: %s", p->last_error);
				rejected = true;
			}
		}
		ld__response__free_unpacked(r, NULL);
		if (!rejected)
			th_sleep_ms(20);
	}
	ck_assert_msg(rejected, "the county was not told it was refused");
	ck_assert(th_log_contains(&P, "refused child " X_ID));
	/* Nothing of the county reached the province. */
	size_t len;
	ck_assert_ptr_null(th_get(&P, xt, &len));
	struct th_idv *v;
	size_t n = th_list(&P, X_ID, 0, &v);
	ck_assert_uint_eq(n, 0);
	free(v);
	stop_all();
}
END_TEST

/* A fake child that speaks the link protocol by hand. */
static void *
fake_child(void *ctx, const char *path, int port)
{
	void *s = zmq_socket(ctx, ZMQ_DEALER);
	ck_assert_ptr_nonnull(s);
	int linger = 0;
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
	zmq_setsockopt(s, ZMQ_ROUTING_ID, path, strlen(path));
	char ep[64];
	snprintf(ep, sizeof(ep), "tcp://127.0.0.1:%d", port);
	ck_assert_int_eq(zmq_connect(s, ep), 0);
	return s;
}

static void
send_frame(void *s, const Ld__Frame *f)
{
	size_t n = ld__frame__get_packed_size(f);
	uint8_t *buf = malloc(n);
	ld__frame__pack(f, buf);
	ck_assert_int_eq(zmq_send(s, buf, n, 0), (int)n);
	free(buf);
}

static Ld__Frame *
recv_frame(void *s, int timeout_ms)
{
	zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
	if (zmq_poll(&it, 1, timeout_ms) <= 0)
		return NULL;
	zmq_msg_t m;
	zmq_msg_init(&m);
	ck_assert(zmq_msg_recv(&m, s, 0) >= 0);
	Ld__Frame *f =
	    ld__frame__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
	zmq_msg_close(&m);
	return f;
}

/* Wait for a frame of the given kind, skipping others. */
static Ld__Frame *
expect(void *s, Ld__Frame__MsgCase want, int timeout_ms)
{
	int64_t end = th_now_ms() + timeout_ms;
	while (th_now_ms() < end) {
		Ld__Frame *f = recv_frame(s, 100);
		if (f == NULL)
			continue;
		if (f->msg_case == want)
			return f;
		ld__frame__free_unpacked(f, NULL);
	}
	return NULL;
}

static uint8_t *
encode_task(const char *owner, uint64_t counter, const char *scope,
            size_t *len)
{
	char id[LD_ID_MAX + 1];
	ld_id_format(id, sizeof(id), owner, counter);
	Ld__Task t = LD__TASK__INIT;
	t.topic = "伪造的任务";
	t.form = "监督性视察";
	t.status = "dispatched";
	char *sc[1] = {(char *)scope};
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.kind = LD__KIND__KIND_TASK;
	r.owner = (char *)owner;
	r.version = 1;
	r.n_scope = 1;
	r.scope = sc;
	r.body_case = LD__RECORD__BODY_TASK;
	r.task = &t;
	return ld_record_pack(&r, len);
}

START_TEST(test_refuses_disallowed_owner)
{
	/* A hand-driven child speaks the protocol without CURVE. */
	th_set_insecure(true);
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	void *ctx = zmq_ctx_new();
	void *s = fake_child(ctx, C_ID, P.port);

	Ld__Hello h = LD__HELLO__INIT;
	h.protocol = LD_PROTOCOL;
	h.path = C_ID;
	h.name = "假冒的市";
	h.session = 42;
	h.epoch = 7;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_HELLO;
	f.hello = &h;
	send_frame(s, &f);
	Ld__Frame *w = expect(s, LD__FRAME__MSG_WELCOME, th_ms(5000));
	ck_assert_msg(w != NULL, "no Welcome");
	ck_assert_uint_eq(w->welcome->session, 42);
	ld__frame__free_unpacked(w, NULL);

	/* One record the city may bring (its own) and two it may not: one
	 * owned by the province, one owned by a sibling city. */
	size_t l1, l2, l3;
	uint8_t *own = encode_task(C_ID, 1, C_ID, &l1);
	uint8_t *forged = encode_task(P_ID, 99, P_ID, &l2);
	uint8_t *sibling = encode_task("530000/530400", 1, "530000/530400", &l3);
	ProtobufCBinaryData recs[3] = {{l2, forged}, {l1, own}, {l3, sibling}};
	Ld__Batch b = LD__BATCH__INIT;
	b.session = 42;
	b.epoch = 7;
	b.from_seq = 0;
	b.to_seq = 3;
	b.head = 3;
	b.n_records = 3;
	b.records = recs;
	f.msg_case = LD__FRAME__MSG_BATCH;
	f.batch = &b;
	send_frame(s, &f);
	Ld__Frame *a = expect(s, LD__FRAME__MSG_ACK, th_ms(5000));
	ck_assert_msg(a != NULL, "the batch was not acknowledged");
	ck_assert_uint_eq(a->ack->seq, 3);
	ld__frame__free_unpacked(a, NULL);

	/* The allowed record is stored, the others are not; both counted. */
	size_t len;
	uint8_t *got = th_get(&P, C_ID ":1", &len);
	ck_assert_msg(got != NULL, "the city's own record was not stored");
	free(got);
	ck_assert_ptr_null(th_get(&P, P_ID ":99", &len));
	ck_assert_ptr_null(th_get(&P, "530000/530400:1", &len));
	Ld__Response *st = th_status(&P);
	ck_assert_uint_eq(st->status->refused, 2);
	bool up = false;
	for (size_t i = 0; i < st->status->n_peers; i++) {
		Ld__PeerStatus *p = st->status->peers[i];
		if (strcmp(p->path, C_ID) == 0) {
			up = p->connected;
			ck_assert_uint_eq(p->refused, 2);
		}
	}
	ld__response__free_unpacked(st, NULL);
	ck_assert_msg(up, "the link went down after a refused record");
	ck_assert(th_log_contains(&P, "refused 2 record(s) from child"));

	/* The link stays up: a ping is answered. */
	Ld__Ping pg = LD__PING__INIT;
	pg.session = 42;
	f.msg_case = LD__FRAME__MSG_PING;
	f.ping = &pg;
	send_frame(s, &f);
	Ld__Frame *po = expect(s, LD__FRAME__MSG_PONG, th_ms(5000));
	ck_assert_msg(po != NULL, "no Pong after the refusal");
	ld__frame__free_unpacked(po, NULL);

	free(own);
	free(forged);
	free(sibling);
	zmq_close(s);
	zmq_ctx_term(ctx);
	stop_all();
}
END_TEST

static void
send_hello(void *s, uint64_t session, uint64_t epoch, uint64_t head)
{
	Ld__Hello h = LD__HELLO__INIT;
	h.protocol = LD_PROTOCOL;
	h.path = C_ID;
	h.name = "假冒的市";
	h.session = session;
	h.epoch = epoch;
	h.head = head;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_HELLO;
	f.hello = &h;
	send_frame(s, &f);
}

static void
send_batch(void *s, uint64_t session, uint64_t epoch, uint64_t from,
           uint64_t to, const uint8_t *rec, size_t len)
{
	ProtobufCBinaryData recs[1] = {{len, (uint8_t *)rec}};
	Ld__Batch b = LD__BATCH__INIT;
	b.session = session;
	b.epoch = epoch;
	b.from_seq = from;
	b.to_seq = to;
	b.head = to;
	b.n_records = 1;
	b.records = recs;
	Ld__Frame f = LD__FRAME__INIT;
	f.msg_case = LD__FRAME__MSG_BATCH;
	f.batch = &b;
	send_frame(s, &f);
}

/* A child's store is replaced (new epoch) while its last batch of the old
 * one is still queued at the parent: the old batch must not move the
 * cursor of the new log, or the new log's first records are skipped. */
START_TEST(test_stale_epoch_batch)
{
	/* A hand-driven child speaks the protocol without CURVE. */
	th_set_insecure(true);
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL, NULL);
	th_node_start(&P);
	void *ctx = zmq_ctx_new();
	void *s = fake_child(ctx, C_ID, P.port);
	send_hello(s, 1, 1001, 1000);
	Ld__Frame *w = expect(s, LD__FRAME__MSG_WELCOME, th_ms(5000));
	ck_assert_ptr_nonnull(w);
	ld__frame__free_unpacked(w, NULL);

	size_t la, lb;
	uint8_t *a = encode_task(C_ID, 1, C_ID, &la);
	uint8_t *b = encode_task(C_ID, 2, C_ID, &lb);
	/* Back to back, so the parent most likely takes all three in one
	 * loop turn: old-epoch batch, new Hello, new-epoch batch. */
	send_batch(s, 1, 1001, 0, 1000, a, la);
	send_hello(s, 2, 2002, 5);
	send_batch(s, 2, 2002, 0, 5, b, lb);
	w = expect(s, LD__FRAME__MSG_WELCOME, th_ms(5000));
	ck_assert_ptr_nonnull(w);
	ck_assert_uint_eq(w->welcome->session, 2);
	ld__frame__free_unpacked(w, NULL);

	int64_t end = th_now_ms() + th_ms(5000);
	uint8_t *got = NULL;
	size_t len;
	while (got == NULL && th_now_ms() < end) {
		got = th_get(&P, C_ID ":2", &len);
		if (got == NULL)
			th_sleep_ms(10);
	}
	ck_assert_msg(got != NULL, "the new log's first record was skipped");
	free(got);
	Ld__Response *st = th_status(&P);
	for (size_t i = 0; i < st->status->n_peers; i++)
		if (strcmp(st->status->peers[i]->path, C_ID) == 0)
			ck_assert_uint_eq(st->status->peers[i]->in_seq, 5);
	ld__response__free_unpacked(st, NULL);
	free(a);
	free(b);
	zmq_close(s);
	zmq_ctx_term(ctx);
	stop_all();
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("replication");
	TCase *tc = tcase_create("three levels");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_task_down_two_levels);
	tcase_add_test(tc, test_result_up_two_levels);
	tcase_add_test(tc, test_siblings_never_meet);
	tcase_add_test(tc, test_wrong_path_refused);
	tcase_add_test(tc, test_refuses_disallowed_owner);
	tcase_add_test(tc, test_stale_epoch_batch);
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
