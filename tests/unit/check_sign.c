/* check_sign.c — record signatures and key certificates. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keys.h"
#include "record.h"
#include "sign.h"

#define PROV "530000"
#define CITY "530000/530300"
#define COUNTY "530000/530300/530325"
#define COUNTY2 "530000/530300/530326"

static void
setup(void)
{
	ck_assert_int_eq(ld_keys_init(), 0);
}

/* ---- sample records, one of each kind, with Chinese text ---- */

struct sample {
	Ld__Record r;
	char id[LD_ID_MAX];
	char *scope[3];
	Ld__Node node;
	Ld__Plan plan;
	Ld__PlanItem items[2];
	Ld__PlanItem *pitems[2];
	Ld__Survey survey;
	char *participants[2];
	Ld__Task task;
	char *targets[2];
	Ld__Result result;
	char *findings[2];
	Ld__Metric metrics[2];
	Ld__Metric *pmetrics[2];
	Ld__Review review;
	Ld__Proposal proposal;
	Ld__Report report;
	uint8_t keybytes[64];
	uint8_t content[16];
};

#define N_KINDS 8
static const Ld__Kind kinds[N_KINDS] = {
    LD__KIND__KIND_NODE,     LD__KIND__KIND_PLAN,   LD__KIND__KIND_SURVEY,
    LD__KIND__KIND_TASK,     LD__KIND__KIND_RESULT, LD__KIND__KIND_REVIEW,
    LD__KIND__KIND_PROPOSAL, LD__KIND__KIND_REPORT};

/* A record of `kind` owned by `owner`, version 3, scoped to its owner and
 * a child, not yet signed. */
static Ld__Record *
mk(struct sample *x, Ld__Kind kind, const char *owner)
{
	memset(x, 0, sizeof(*x));
	ld__record__init(&x->r);
	ld_id_format(x->id, sizeof(x->id), owner,
	             kind == LD__KIND__KIND_NODE ? 0 : 42);
	x->r.id = x->id;
	x->r.owner = (char *)owner;
	x->r.kind = kind;
	x->r.version = 3;
	x->r.updated_at = 1718000000123;
	x->scope[0] = (char *)owner;
	x->scope[1] = COUNTY;
	x->r.scope = x->scope;
	x->r.n_scope = 2;
	for (int i = 0; i < 64; i++)
		x->keybytes[i] = (uint8_t)(i * 7 + 1);
	switch (kind) {
	case LD__KIND__KIND_NODE:
		ld__node__init(&x->node);
		x->node.path = (char *)owner;
		x->node.level = "city";
		x->node.name = "曲靖市政协";
		x->node.region = "530300";
		x->node.sign_key.data = x->keybytes;
		x->node.sign_key.len = 32;
		x->node.curve_key.data = x->keybytes + 32;
		x->node.curve_key.len = 32;
		x->r.body_case = LD__RECORD__BODY_NODE;
		x->r.node = &x->node;
		break;
	case LD__KIND__KIND_PLAN:
		ld__plan__init(&x->plan);
		x->plan.year = 2024;
		x->plan.title = "2024年度协商计划";
		for (int i = 0; i < 2; i++) {
			ld__plan_item__init(&x->items[i]);
			x->pitems[i] = &x->items[i];
		}
		x->items[0].form = "专题协商";
		x->items[0].month = 5;
		x->items[0].topic = "优化营商环境";
		x->items[0].lead = "经济委员会";
		x->items[0].status = "planned";
		x->items[1].form = "双月协商";
		x->items[1].topic = "乡村振兴";
		x->items[1].status = "held";
		x->plan.items = x->pitems;
		x->plan.n_items = 2;
		x->r.body_case = LD__RECORD__BODY_PLAN;
		x->r.plan = &x->plan;
		break;
	case LD__KIND__KIND_SURVEY:
		ld__survey__init(&x->survey);
		x->survey.form = "联合调研";
		x->survey.topic = "高原特色农业";
		x->survey.host = (char *)owner;
		x->participants[0] = COUNTY;
		x->participants[1] = COUNTY2;
		x->survey.participants = x->participants;
		x->survey.n_participants = 2;
		x->survey.start = "2024-06-01";
		x->survey.end = "2024-06-15";
		x->survey.status = "in_field";
		x->r.body_case = LD__RECORD__BODY_SURVEY;
		x->r.survey = &x->survey;
		break;
	case LD__KIND__KIND_TASK:
		ld__task__init(&x->task);
		x->task.form = "明查暗访";
		x->task.topic = "营商环境";
		x->targets[0] = "县市场监管局";
		x->targets[1] = "县政务服务中心";
		x->task.targets = x->targets;
		x->task.n_targets = 2;
		x->task.due = "2024-09-30";
		x->task.status = "dispatched";
		x->r.body_case = LD__RECORD__BODY_TASK;
		x->r.task = &x->task;
		break;
	case LD__KIND__KIND_RESULT:
		ld__result__init(&x->result);
		x->result.ref = PROV ":7";
		x->result.summary = "调研发现审批时限普遍缩短。";
		x->findings[0] = "窗口服务态度好";
		x->findings[1] = "线上办理率偏低";
		x->result.findings = x->findings;
		x->result.n_findings = 2;
		for (int i = 0; i < 2; i++) {
			ld__metric__init(&x->metrics[i]);
			x->pmetrics[i] = &x->metrics[i];
		}
		x->metrics[0].name = "调研";
		x->metrics[0].value = 10;
		x->metrics[1].name = "满意率";
		x->metrics[1].value = 0.93;
		x->result.metrics = x->pmetrics;
		x->result.n_metrics = 2;
		x->result.status = "submitted";
		x->r.body_case = LD__RECORD__BODY_RESULT;
		x->r.result = &x->result;
		break;
	case LD__KIND__KIND_REVIEW:
		ld__review__init(&x->review);
		x->review.ref = COUNTY ":9";
		x->review.verdict = "rectify";
		x->review.comment = "请于十月底前完成整改并报送。";
		x->r.body_case = LD__RECORD__BODY_REVIEW;
		x->r.review = &x->review;
		break;
	case LD__KIND__KIND_PROPOSAL:
		ld__proposal__init(&x->proposal);
		x->proposal.number = "2024-017";
		x->proposal.title = "关于加强农村饮水安全的提案";
		x->proposal.submitter = "张委员";
		x->proposal.filing = "filed";
		x->proposal.handler = "县水务局";
		x->proposal.outcome = "A";
		x->proposal.face_to_face = 1;
		x->proposal.satisfaction = "满意";
		x->proposal.year = 2024;
		x->r.body_case = LD__RECORD__BODY_PROPOSAL;
		x->r.proposal = &x->proposal;
		break;
	case LD__KIND__KIND_REPORT:
		ld__report__init(&x->report);
		x->report.plugin = "季度报表";
		x->report.period = "2024Q2";
		x->report.format = "csv";
		memcpy(x->content, "单位,件数\n", sizeof("单位,件数\n") - 1);
		x->report.content.data = x->content;
		x->report.content.len = sizeof("单位,件数\n") - 1;
		x->r.body_case = LD__RECORD__BODY_REPORT;
		x->r.report = &x->report;
		break;
	default:
		ck_abort_msg("kind %d", (int)kind);
	}
	return &x->r;
}

struct kp {
	uint8_t pk[32], sk[64];
};

static void
new_kp(struct kp *k)
{
	crypto_sign_keypair(k->pk, k->sk);
}

/* ---- signatures ---- */

START_TEST(test_sign_verify_all_kinds)
{
	struct kp k, other;
	new_kp(&k);
	new_kp(&other);
	for (int i = 0; i < N_KINDS; i++) {
		struct sample x;
		uint8_t sig[64];
		Ld__Record *r = mk(&x, kinds[i], CITY);
		ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);
		ck_assert_ptr_eq(r->sig.data, sig);
		ck_assert_uint_eq(r->sig.len, 64);
		ck_assert_msg(ld_sign_verify(r, k.pk), "kind %d",
		              (int)kinds[i]);
		ck_assert_msg(!ld_sign_verify(r, other.pk),
		              "kind %d verifies with another key",
		              (int)kinds[i]);

		/* The signature travels with the record: pack, unpack,
		 * verify. */
		size_t len;
		uint8_t *buf = ld_record_pack(r, &len);
		ck_assert_ptr_nonnull(buf);
		Ld__Record *u = ld_record_unpack(buf, len);
		ck_assert_ptr_nonnull(u);
		ck_assert(ld_sign_verify(u, k.pk));
		ck_assert(!ld_sign_verify(u, other.pk));
		ld__record__free_unpacked(u, NULL);
		free(buf);
	}
}
END_TEST

START_TEST(test_signed_bytes_format)
{
	/* What is signed is "ldsig1\0" and the record encoded without sig:
	 * another implementation must be able to check it. */
	struct kp k;
	new_kp(&k);
	struct sample x;
	uint8_t sig[64];
	Ld__Record *r = mk(&x, LD__KIND__KIND_TASK, COUNTY);
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);

	size_t n = ld__record__get_packed_size(&x.r) - (2 + 64);
	Ld__Record copy = x.r;
	copy.sig.data = NULL;
	copy.sig.len = 0;
	ck_assert_uint_eq(ld__record__get_packed_size(&copy), n);
	uint8_t *m = malloc(7 + n);
	ck_assert_ptr_nonnull(m);
	memcpy(m, "ldsig1", 7);
	ck_assert_uint_eq(ld__record__pack(&copy, m + 7), n);
	ck_assert_int_eq(crypto_sign_verify_detached(sig, m, 7 + n, k.pk), 0);
	/* Without the prefix it is not a valid signature. */
	ck_assert_int_ne(crypto_sign_verify_detached(sig, m + 7, n, k.pk), 0);
	free(m);
}
END_TEST

static void
must_break(const Ld__Record *r, const uint8_t pk[32], const char *what)
{
	ck_assert_msg(!ld_sign_verify(r, pk),
	              "still verifies after changing %s", what);
}

START_TEST(test_any_change_breaks)
{
	struct kp k;
	new_kp(&k);
	for (int i = 0; i < N_KINDS; i++) {
		struct sample x;
		uint8_t sig[64];
		Ld__Record *r = mk(&x, kinds[i], CITY);
		ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);
		ck_assert(ld_sign_verify(r, k.pk));

		char *s = r->id;
		r->id = CITY ":43";
		must_break(r, k.pk, "id");
		r->id = s;

		Ld__Kind kd = r->kind;
		r->kind = kd == LD__KIND__KIND_TASK ? LD__KIND__KIND_PLAN
		                                    : LD__KIND__KIND_TASK;
		must_break(r, k.pk, "kind");
		r->kind = kd;

		s = r->owner;
		r->owner = COUNTY;
		must_break(r, k.pk, "owner");
		r->owner = PROV;
		must_break(r, k.pk, "owner (to the parent)");
		r->owner = s;

		r->version++;
		must_break(r, k.pk, "version");
		r->version = 0;
		must_break(r, k.pk, "version (to 0)");
		r->version = 3;

		s = r->scope[1];
		r->scope[1] = COUNTY2;
		must_break(r, k.pk, "scope entry");
		r->scope[1] = s;
		r->n_scope = 1;
		must_break(r, k.pk, "scope (one entry dropped)");
		r->n_scope = 0;
		must_break(r, k.pk, "scope (emptied)");
		r->n_scope = 3;
		r->scope[2] = PROV;
		must_break(r, k.pk, "scope (widened to the province)");
		r->n_scope = 2;

		r->updated_at++;
		must_break(r, k.pk, "updated_at");
		r->updated_at = 0;
		must_break(r, k.pk, "updated_at (to 0)");
		r->updated_at = 1718000000123;

		r->deleted = 1;
		must_break(r, k.pk, "deleted");
		r->deleted = 0;

		/* Who wrote it is signed with it: naming someone, naming
		 * someone else, or dropping the name all break it. */
		char *au = r->author;
		r->author = "张三";
		must_break(r, k.pk, "author (added)");
		r->author = au;
		ck_assert(ld_sign_verify(r, k.pk));

		/* The body: a text field, changed by one byte, and a list. */
		switch (r->body_case) {
		case LD__RECORD__BODY_NODE:
			x.keybytes[5] ^= 1;
			must_break(r, k.pk, "node sign_key");
			x.keybytes[5] ^= 1;
			x.keybytes[40] ^= 1;
			must_break(r, k.pk, "node curve_key");
			x.keybytes[40] ^= 1;
			x.node.name = "曲靖市政协 ";
			must_break(r, k.pk, "node name");
			x.node.name = "曲靖市政协";
			break;
		case LD__RECORD__BODY_PLAN:
			x.items[1].topic = "乡村振兴战略";
			must_break(r, k.pk, "plan item topic");
			x.items[1].topic = "乡村振兴";
			x.plan.n_items = 1;
			must_break(r, k.pk, "plan items");
			x.plan.n_items = 2;
			break;
		case LD__RECORD__BODY_SURVEY:
			x.survey.topic = "高原特色农业 ";
			must_break(r, k.pk, "survey topic");
			x.survey.topic = "高原特色农业";
			x.survey.n_participants = 1;
			must_break(r, k.pk, "survey participants");
			x.survey.n_participants = 2;
			break;
		case LD__RECORD__BODY_TASK:
			x.task.topic = "营商环境 ";
			must_break(r, k.pk, "task topic");
			x.task.topic = "营商环";
			must_break(r, k.pk, "task topic (shortened)");
			x.task.topic = "营商环境";
			x.targets[1] = "县政务服务中";
			must_break(r, k.pk, "task target");
			x.targets[1] = "县政务服务中心";
			x.task.status = "closed";
			must_break(r, k.pk, "task status");
			x.task.status = "dispatched";
			break;
		case LD__RECORD__BODY_RESULT:
			x.metrics[1].value = 0.99;
			must_break(r, k.pk, "result metric");
			x.metrics[1].value = 0.93;
			x.findings[0] = "窗口服务态度差";
			must_break(r, k.pk, "result finding");
			x.findings[0] = "窗口服务态度好";
			break;
		case LD__RECORD__BODY_REVIEW:
			x.review.verdict = "accepted";
			must_break(r, k.pk, "review verdict");
			x.review.verdict = "rectify";
			break;
		case LD__RECORD__BODY_PROPOSAL:
			x.proposal.face_to_face = 0;
			must_break(r, k.pk, "proposal face_to_face");
			x.proposal.face_to_face = 1;
			x.proposal.outcome = "B";
			must_break(r, k.pk, "proposal outcome");
			x.proposal.outcome = "A";
			break;
		case LD__RECORD__BODY_REPORT:
			x.content[3] ^= 0x20;
			must_break(r, k.pk, "report content");
			x.content[3] ^= 0x20;
			break;
		default:
			ck_abort();
		}

		/* Everything put back: it verifies again. */
		ck_assert_msg(ld_sign_verify(r, k.pk), "kind %d restored",
		              (int)kinds[i]);
	}
}
END_TEST

/* A record signed with its author verifies as written, and no longer
 * once the author is changed or removed. */
START_TEST(test_author_signed)
{
	struct kp k;
	new_kp(&k);
	for (int i = 0; i < N_KINDS; i++) {
		struct sample x;
		uint8_t sig[64];
		Ld__Record *r = mk(&x, kinds[i], CITY);
		r->author = "张三";
		ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);
		ck_assert(ld_sign_verify(r, k.pk));
		r->author = "李四";
		must_break(r, k.pk, "author (changed)");
		r->author = "张三 ";
		must_break(r, k.pk, "author (a byte added)");
		r->author = "";
		must_break(r, k.pk, "author (removed)");
		r->author = "张三";
		ck_assert(ld_sign_verify(r, k.pk));
		/* Through the wire and back, as a peer checks it. */
		size_t n = ld__record__get_packed_size(r);
		uint8_t *buf = malloc(n);
		ck_assert_ptr_nonnull(buf);
		ld__record__pack(r, buf);
		Ld__Record *u = ld__record__unpack(NULL, n, buf);
		ck_assert_ptr_nonnull(u);
		ck_assert_str_eq(u->author, "张三");
		ck_assert(ld_sign_verify(u, k.pk));
		ld__record__free_unpacked(u, NULL);
		free(buf);
	}
}
END_TEST

START_TEST(test_body_swapped_breaks)
{
	/* Another body of the same kind under the same envelope. */
	struct kp k;
	new_kp(&k);
	struct sample x, y;
	uint8_t sig[64];
	Ld__Record *r = mk(&x, LD__KIND__KIND_TASK, COUNTY);
	mk(&y, LD__KIND__KIND_TASK, COUNTY);
	y.task.topic = "安全生产";
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);
	r->task = &y.task;
	must_break(r, k.pk, "the task body");
	r->task = &x.task;
	ck_assert(ld_sign_verify(r, k.pk));
}
END_TEST

START_TEST(test_bad_signatures)
{
	struct kp k;
	new_kp(&k);
	struct sample x;
	uint8_t sig[64], junk[65];
	Ld__Record *r = mk(&x, LD__KIND__KIND_RESULT, COUNTY);
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);
	ck_assert(ld_sign_verify(r, k.pk));

	/* truncated */
	r->sig.len = 63;
	must_break(r, k.pk, "sig (63 bytes)");
	r->sig.len = 32;
	must_break(r, k.pk, "sig (32 bytes)");
	/* empty */
	r->sig.len = 0;
	must_break(r, k.pk, "sig (0 bytes)");
	r->sig.data = NULL;
	must_break(r, k.pk, "sig (none)");
	/* one byte too many */
	memcpy(junk, sig, 64);
	junk[64] = 0;
	r->sig.data = junk;
	r->sig.len = 65;
	must_break(r, k.pk, "sig (65 bytes)");
	/* 64 bytes of garbage, all zero, and one bit flipped */
	randombytes_buf(junk, 64);
	r->sig.len = 64;
	must_break(r, k.pk, "sig (random)");
	memset(junk, 0, 64);
	must_break(r, k.pk, "sig (zero)");
	for (int bit = 0; bit < 512; bit += 37) {
		memcpy(junk, sig, 64);
		junk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		must_break(r, k.pk, "sig (one bit flipped)");
	}
	/* The real signature, in another buffer, still verifies. */
	memcpy(junk, sig, 64);
	ck_assert(ld_sign_verify(r, k.pk));
}
END_TEST

START_TEST(test_signature_ignores_old_sig)
{
	struct kp k;
	new_kp(&k);
	struct sample x;
	uint8_t a[64], b[64], c[64], garbage[64], kept[64], shorter[10];
	Ld__Record *r = mk(&x, LD__KIND__KIND_PLAN, PROV);
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, a), 0);

	/* Signing again over a garbage signature gives the same one
	 * (Ed25519 is deterministic, and sig is not part of what is
	 * signed). */
	randombytes_buf(garbage, sizeof(garbage));
	memcpy(kept, garbage, sizeof(kept));
	r->sig.data = garbage;
	r->sig.len = sizeof(garbage);
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, b), 0);
	ck_assert_ptr_eq(r->sig.data, b);
	ck_assert_mem_eq(a, b, 64);

	randombytes_buf(shorter, sizeof(shorter));
	r->sig.data = shorter;
	r->sig.len = sizeof(shorter);
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, c), 0);
	ck_assert_mem_eq(a, c, 64);
	ck_assert(ld_sign_verify(r, k.pk));
	/* The old signature's buffer was not written to. */
	ck_assert_mem_eq(garbage, kept, 64);
}
END_TEST

START_TEST(test_own_signature_on_unpacked)
{
	struct kp k, k2;
	new_kp(&k);
	new_kp(&k2);
	struct sample x;
	Ld__Record *r = mk(&x, LD__KIND__KIND_SURVEY, CITY);
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert_ptr_nonnull(buf);

	/* An unpacked record without a signature gets a malloc'd one, freed
	 * with the record (ASan and valgrind see a leak or a bad free). */
	Ld__Record *u = ld_record_unpack(buf, len);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->sig.len, 0);
	ck_assert_int_eq(ld_sign_record(u, k.sk, true, NULL), 0);
	ck_assert_ptr_nonnull(u->sig.data);
	ck_assert_uint_eq(u->sig.len, 64);
	ck_assert(ld_sign_verify(u, k.pk));
	free(buf);
	buf = ld_record_pack(u, &len);
	ck_assert_ptr_nonnull(buf);
	ld__record__free_unpacked(u, NULL);

	/* An unpacked record that carries a signature: signing again
	 * replaces (and frees) the old one. */
	u = ld_record_unpack(buf, len);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->sig.len, 64);
	ck_assert(ld_sign_verify(u, k.pk));
	uint8_t first[64];
	memcpy(first, u->sig.data, 64);
	ck_assert_int_eq(ld_sign_record(u, k2.sk, true, NULL), 0);
	ck_assert_uint_eq(u->sig.len, 64);
	ck_assert_mem_ne(u->sig.data, first, 64);
	ck_assert(ld_sign_verify(u, k2.pk));
	ck_assert(!ld_sign_verify(u, k.pk));
	/* And again, with the first key: the same bytes as the first time. */
	ck_assert_int_eq(ld_sign_record(u, k.sk, true, NULL), 0);
	ck_assert_mem_eq(u->sig.data, first, 64);
	ld__record__free_unpacked(u, NULL);
	free(buf);
}
END_TEST

START_TEST(test_own_false_uses_caller_buffer)
{
	struct kp k;
	new_kp(&k);
	struct sample x;
	uint8_t buf[64 + 8];
	memset(buf, 0xee, sizeof(buf));
	Ld__Record *r = mk(&x, LD__KIND__KIND_REVIEW, CITY);
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, buf), 0);
	ck_assert_ptr_eq(r->sig.data, buf);
	ck_assert_uint_eq(r->sig.len, 64);
	/* Exactly 64 bytes written. */
	for (int i = 64; i < 72; i++)
		ck_assert_uint_eq(buf[i], 0xee);
	ck_assert(ld_sign_verify(r, k.pk));
}
END_TEST

/* ---- certificates ---- */

START_TEST(test_cert_verify)
{
	struct kp parent, child, other;
	new_kp(&parent);
	new_kp(&child);
	new_kp(&other);
	uint8_t curve[32], curve_sec[32], other_curve[32], cert[64];
	crypto_box_keypair(curve, curve_sec);
	crypto_box_keypair(other_curve, curve_sec);

	ld_cert_make(parent.sk, COUNTY, child.pk, curve, cert);
	ck_assert(ld_cert_verify(parent.pk, COUNTY, child.pk, curve, cert));

	/* The documented bytes: "ldcert1\0" path '\0' sign_pub curve_pub. */
	uint8_t m[8 + sizeof(COUNTY) + 64];
	memcpy(m, "ldcert1", 8);
	memcpy(m + 8, COUNTY, sizeof(COUNTY));
	memcpy(m + 8 + sizeof(COUNTY), child.pk, 32);
	memcpy(m + 8 + sizeof(COUNTY) + 32, curve, 32);
	ck_assert_int_eq(
	    crypto_sign_verify_detached(cert, m, sizeof(m), parent.pk), 0);

	/* another path: a sibling, the parent, a longer or shorter one */
	ck_assert(!ld_cert_verify(parent.pk, COUNTY2, child.pk, curve, cert));
	ck_assert(!ld_cert_verify(parent.pk, CITY, child.pk, curve, cert));
	ck_assert(
	    !ld_cert_verify(parent.pk, COUNTY "/1", child.pk, curve, cert));
	ck_assert(!ld_cert_verify(parent.pk, "530000/530300/53032", child.pk,
	                          curve, cert));
	ck_assert(!ld_cert_verify(parent.pk, "", child.pk, curve, cert));
	/* another signing key */
	ck_assert(!ld_cert_verify(parent.pk, COUNTY, other.pk, curve, cert));
	/* another CURVE key */
	ck_assert(
	    !ld_cert_verify(parent.pk, COUNTY, child.pk, other_curve, cert));
	/* the two keys swapped */
	ck_assert(!ld_cert_verify(parent.pk, COUNTY, curve, child.pk, cert));
	/* another parent key, or the child's own */
	ck_assert(!ld_cert_verify(other.pk, COUNTY, child.pk, curve, cert));
	ck_assert(!ld_cert_verify(child.pk, COUNTY, child.pk, curve, cert));
	/* a damaged certificate */
	for (int bit = 0; bit < 512; bit += 61) {
		uint8_t bad[64];
		memcpy(bad, cert, 64);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert(
		    !ld_cert_verify(parent.pk, COUNTY, child.pk, curve, bad));
	}
	/* A self-made certificate is not the parent's. */
	uint8_t self[64];
	ld_cert_make(child.sk, COUNTY, child.pk, curve, self);
	ck_assert(!ld_cert_verify(parent.pk, COUNTY, child.pk, curve, self));

	/* Untouched, it still verifies. */
	ck_assert(ld_cert_verify(parent.pk, COUNTY, child.pk, curve, cert));
}
END_TEST

START_TEST(test_cert_not_a_record_signature)
{
	/* With one key, a certificate does not pass as the signature of the
	 * NODE record carrying the certified keys, nor the other way round. */
	struct kp k;
	new_kp(&k);
	uint8_t cert[64], sig[64];
	struct sample x;
	Ld__Record *r = mk(&x, LD__KIND__KIND_NODE, COUNTY);
	ld_cert_make(k.sk, COUNTY, x.keybytes, x.keybytes + 32, cert);
	r->sig.data = cert;
	r->sig.len = 64;
	must_break(r, k.pk, "sig (a certificate)");
	ck_assert_int_eq(ld_sign_record(r, k.sk, false, sig), 0);
	ck_assert(
	    !ld_cert_verify(k.pk, COUNTY, x.keybytes, x.keybytes + 32, sig));
}
END_TEST

START_TEST(test_cert_long_path)
{
	/* Paths longer than any valid one are refused, not overflowed. */
	struct kp k;
	new_kp(&k);
	uint8_t curve[32], cert[64];
	randombytes_buf(curve, sizeof(curve));
	char longpath[1000];
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	memset(cert, 0, sizeof(cert));
	ck_assert(!ld_cert_verify(k.pk, longpath, k.pk, curve, cert));

	/* The longest valid path (8 segments of 32) works. */
	char maxpath[LD_PATH_MAX + 1];
	size_t o = 0;
	for (int s = 0; s < LD_PATH_MAX_DEPTH; s++) {
		if (s > 0)
			maxpath[o++] = '/';
		memset(maxpath + o, 'A' + s, LD_PATH_SEG_MAX);
		o += LD_PATH_SEG_MAX;
	}
	maxpath[o] = '\0';
	ck_assert(ld_path_valid(maxpath, NULL));
	ld_cert_make(k.sk, maxpath, k.pk, curve, cert);
	ck_assert(ld_cert_verify(k.pk, maxpath, k.pk, curve, cert));
	maxpath[o - 1] = 'z';
	ck_assert(!ld_cert_verify(k.pk, maxpath, k.pk, curve, cert));
}
END_TEST

static Suite *
sign_suite(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_sign_verify_all_kinds);
	tcase_add_test(tc, test_signed_bytes_format);
	tcase_add_test(tc, test_any_change_breaks);
	tcase_add_test(tc, test_author_signed);
	tcase_add_test(tc, test_body_swapped_breaks);
	tcase_add_test(tc, test_bad_signatures);
	tcase_add_test(tc, test_signature_ignores_old_sig);
	tcase_add_test(tc, test_own_signature_on_unpacked);
	tcase_add_test(tc, test_own_false_uses_caller_buffer);
	tcase_add_test(tc, test_cert_verify);
	tcase_add_test(tc, test_cert_not_a_record_signature);
	tcase_add_test(tc, test_cert_long_path);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sign_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
