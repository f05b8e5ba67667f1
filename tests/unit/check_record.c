/* check_record.c — record codec, ids, kinds and structural checks. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"

#define PROV "530000"
#define CITY "530000/530300"
#define COUNTY "530000/530300/530325"

/* ---- one valid record of every kind, with Chinese text ---- */

struct full {
	Ld__Record r;
	char *scope[LD_SCOPE_MAX + 2];
	Ld__Node node;
	Ld__Plan plan;
	Ld__PlanItem it[2];
	Ld__PlanItem *itp[2];
	Ld__Survey survey;
	char *parts[2];
	Ld__Task task;
	char *targets[2];
	Ld__Result result;
	char *findings[2];
	Ld__Metric m[2];
	Ld__Metric *mp[2];
	Ld__Attachment att;
	Ld__Attachment *attp[20];
	ProtobufCBinaryData chunk;
	Ld__Review review;
	Ld__Proposal proposal;
	Ld__Report report;
	uint8_t key[32];
	uint8_t sha[32];
};

static Ld__Record *
build(struct full *f, Ld__Kind k)
{
	memset(f, 0, sizeof(*f));
	Ld__Record *r = &f->r;
	ld__record__init(r);
	r->kind = k;
	r->version = 3;
	r->updated_at = 1735689600123LL;
	r->scope = f->scope;
	switch (k) {
	case LD__KIND__KIND_NODE:
		r->id = COUNTY ":0"; /* a node record's id is PATH:0 */
		r->owner = COUNTY;
		f->scope[r->n_scope++] = COUNTY;
		ld__node__init(&f->node);
		f->node.path = COUNTY;
		f->node.level = "county";
		f->node.name = "富源县政协";
		f->node.region = "530325";
		for (int i = 0; i < 32; i++)
			f->key[i] = (uint8_t)(i * 7 + 1);
		f->node.sign_key.data = f->key;
		f->node.sign_key.len = 32;
		r->body_case = LD__RECORD__BODY_NODE;
		r->node = &f->node;
		break;
	case LD__KIND__KIND_PLAN:
		r->id = PROV ":12";
		r->owner = PROV;
		f->scope[r->n_scope++] = CITY;
		f->scope[r->n_scope++] = "530000/530100";
		ld__plan__init(&f->plan);
		f->plan.year = 2025;
		f->plan.title = "云南省政协2025年度协商计划";
		for (int i = 0; i < 2; i++) {
			ld__plan_item__init(&f->it[i]);
			f->itp[i] = &f->it[i];
		}
		f->it[0].form = "专题协商";
		f->it[0].month = 6;
		f->it[0].topic = "推进高原特色现代农业";
		f->it[0].lead = "农业和农村委员会";
		f->it[0].responsible = "省农业农村厅";
		f->it[0].assisting = "省林草局、省水利厅";
		f->it[0].status = "planned";
		f->it[1].form = "双月协商";
		f->it[1].topic = "营商环境";
		f->it[1].status = "planned";
		f->plan.items = f->itp;
		f->plan.n_items = 2;
		r->body_case = LD__RECORD__BODY_PLAN;
		r->plan = &f->plan;
		break;
	case LD__KIND__KIND_SURVEY:
		r->id = CITY ":5";
		r->owner = CITY;
		f->scope[r->n_scope++] = COUNTY;
		ld__survey__init(&f->survey);
		f->survey.form = "联合调研";
		f->survey.topic = "河湖长制落实情况";
		f->survey.host = CITY;
		f->parts[0] = COUNTY;
		f->survey.participants = f->parts;
		f->survey.n_participants = 1;
		f->survey.start = "2025-05-10";
		f->survey.end = "2025-05-12";
		f->survey.status = "planned";
		r->body_case = LD__RECORD__BODY_SURVEY;
		r->survey = &f->survey;
		break;
	case LD__KIND__KIND_TASK:
		r->id = PROV ":7";
		r->owner = PROV;
		f->scope[r->n_scope++] = CITY;
		ld__task__init(&f->task);
		f->task.form = "监督性视察";
		f->task.topic = "省市县三级联动民主监督：营商环境";
		f->targets[0] = "市发展改革委";
		f->targets[1] = "市市场监管局";
		f->task.targets = f->targets;
		f->task.n_targets = 2;
		f->task.due = "2025-06-30";
		f->task.parent = PROV ":3";
		f->task.status = "dispatched";
		r->body_case = LD__RECORD__BODY_TASK;
		r->task = &f->task;
		break;
	case LD__KIND__KIND_RESULT:
		r->id = COUNTY ":9";
		r->owner = COUNTY;
		ld__result__init(&f->result);
		f->result.ref = PROV ":7";
		f->result.summary = "事事有回音、件件有着落。完成视察3次。";
		f->findings[0] = "审批时限偏长";
		f->findings[1] = "窗口服务不规范";
		f->result.findings = f->findings;
		f->result.n_findings = 2;
		for (int i = 0; i < 2; i++) {
			ld__metric__init(&f->m[i]);
			f->mp[i] = &f->m[i];
		}
		f->m[0].name = "视察次数";
		f->m[0].value = 3;
		f->m[1].name = "满意率";
		f->m[1].value = 0.975;
		f->result.metrics = f->mp;
		f->result.n_metrics = 2;
		ld__attachment__init(&f->att);
		f->att.name = "视察报告.pdf";
		f->att.size = 123456;
		memset(f->sha, 0xab, sizeof(f->sha));
		f->att.sha256.data = f->sha;
		f->att.sha256.len = 32;
		f->att.content_type = "application/pdf";
		f->att.chunk_size = 256 * 1024;
		f->chunk.data = f->sha;
		f->chunk.len = 32;
		f->att.chunks = &f->chunk;
		f->att.n_chunks = 1;
		f->attp[0] = &f->att;
		f->result.attachments = f->attp;
		f->result.n_attachments = 1;
		f->result.status = "submitted";
		f->result.item = 2;
		r->body_case = LD__RECORD__BODY_RESULT;
		r->result = &f->result;
		break;
	case LD__KIND__KIND_REVIEW:
		r->id = CITY ":11";
		r->owner = CITY;
		f->scope[r->n_scope++] = COUNTY;
		ld__review__init(&f->review);
		f->review.ref = COUNTY ":9";
		f->review.verdict = "rectify";
		f->review.comment = "请于一个月内完成整改并报送情况。";
		r->body_case = LD__RECORD__BODY_REVIEW;
		r->review = &f->review;
		break;
	case LD__KIND__KIND_PROPOSAL:
		r->id = COUNTY ":20";
		r->owner = COUNTY;
		ld__proposal__init(&f->proposal);
		f->proposal.number = "20250012";
		f->proposal.title = "关于加快农村物流体系建设的提案";
		f->proposal.submitter = "民盟富源县委";
		f->proposal.filing = "filed";
		f->proposal.handler = "县交通运输局";
		f->proposal.outcome = "A";
		f->proposal.face_to_face = 1;
		f->proposal.satisfaction = "满意";
		f->proposal.status = "closed";
		f->proposal.year = 2025;
		r->body_case = LD__RECORD__BODY_PROPOSAL;
		r->proposal = &f->proposal;
		break;
	case LD__KIND__KIND_REPORT:
		r->id = CITY ":30";
		r->owner = CITY;
		ld__report__init(&f->report);
		f->report.plugin = "monthly";
		f->report.period = "2025-05";
		f->report.format = "csv";
		f->report.content.data = (uint8_t *)"单位,件数\n富源县,12\n";
		f->report.content.len = strlen("单位,件数\n富源县,12\n");
		f->mp[0] = &f->m[0];
		ld__metric__init(&f->m[0]);
		f->m[0].name = "提案办结率";
		f->m[0].value = 1.0;
		f->report.figures = f->mp;
		f->report.n_figures = 1;
		r->body_case = LD__RECORD__BODY_REPORT;
		r->report = &f->report;
		break;
	default:
		ck_abort_msg("no fixture for kind %d", (int)k);
	}
	return r;
}

static const Ld__Kind all_kinds[] = {
    LD__KIND__KIND_NODE,     LD__KIND__KIND_PLAN,   LD__KIND__KIND_SURVEY,
    LD__KIND__KIND_TASK,     LD__KIND__KIND_RESULT, LD__KIND__KIND_REVIEW,
    LD__KIND__KIND_PROPOSAL, LD__KIND__KIND_REPORT,
};
#define NKINDS (sizeof(all_kinds) / sizeof(all_kinds[0]))

static char err[512];

/* ld_record_check on `r` (not from the wire). */
static int
check(const Ld__Record *r)
{
	err[0] = '\0';
	return ld_record_check(r, 0, err, sizeof(err));
}

#define CHECK_OK(r) ck_assert_msg(check(r) == 0, "refused: %s", err)
#define CHECK_BAD(r, word)                                                     \
	do {                                                                   \
		int rc_ = check(r);                                            \
		ck_assert_msg(rc_ == LD_ESYNTAX || rc_ == LD_ELIMIT ||         \
		                  rc_ == LD_EUTF8 || rc_ == LD_ECONTROL ||     \
		                  rc_ == LD_EBIDI,                             \
		              "rc %d", rc_);                                   \
		ck_assert_msg(strstr(err, (word)) != NULL,                     \
		              "reason '%s' does not mention '%s'", err,        \
		              (word));                                         \
	} while (0)

static void
assert_same_str(const char *a, const char *b)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(strlen(a), strlen(b));
	ck_assert_int_eq(memcmp(a, b, strlen(a)), 0);
}

/* ---- codec ---- */

START_TEST(test_round_trip_every_kind)
{
	for (size_t i = 0; i < NKINDS; i++) {
		struct full f;
		Ld__Record *r = build(&f, all_kinds[i]);
		CHECK_OK(r);
		size_t len = 0;
		uint8_t *buf = ld_record_pack(r, &len);
		ck_assert_ptr_nonnull(buf);
		ck_assert_uint_eq(len, ld__record__get_packed_size(r));
		ck_assert_uint_gt(len, 20);

		Ld__Record *u = ld_record_unpack(buf, len);
		ck_assert_ptr_nonnull(u);
		ck_assert_msg(ld_record_check(u, len, err, sizeof(err)) == 0,
		              "%s: %s", ld_kind_name(all_kinds[i]), err);
		ck_assert_int_eq(u->kind, all_kinds[i]);
		ck_assert_int_eq(u->body_case, r->body_case);
		assert_same_str(u->id, r->id);
		assert_same_str(u->owner, r->owner);
		ck_assert_uint_eq(u->version, 3);
		ck_assert_int_eq(u->updated_at, 1735689600123LL);
		ck_assert_uint_eq(u->n_scope, r->n_scope);
		for (size_t k = 0; k < r->n_scope; k++)
			assert_same_str(u->scope[k], r->scope[k]);

		/* Re-encoding gives the same bytes. */
		size_t len2 = 0;
		uint8_t *buf2 = ld_record_pack(u, &len2);
		ck_assert_uint_eq(len2, len);
		ck_assert_int_eq(memcmp(buf, buf2, len), 0);
		free(buf2);

		/* The Chinese text survives byte for byte. */
		switch (all_kinds[i]) {
		case LD__KIND__KIND_NODE:
			assert_same_str(u->node->name, "富源县政协");
			ck_assert_uint_eq(u->node->sign_key.len, 32);
			ck_assert_int_eq(
			    memcmp(u->node->sign_key.data, f.key, 32), 0);
			break;
		case LD__KIND__KIND_PLAN:
			assert_same_str(u->plan->title, f.plan.title);
			ck_assert_uint_eq(u->plan->n_items, 2);
			assert_same_str(u->plan->items[0]->assisting,
			                "省林草局、省水利厅");
			ck_assert_uint_eq(u->plan->items[0]->month, 6);
			assert_same_str(u->plan->items[1]->form, "双月协商");
			break;
		case LD__KIND__KIND_SURVEY:
			assert_same_str(u->survey->topic, "河湖长制落实情况");
			ck_assert_uint_eq(u->survey->n_participants, 1);
			assert_same_str(u->survey->participants[0], COUNTY);
			break;
		case LD__KIND__KIND_TASK:
			assert_same_str(u->task->topic, f.task.topic);
			assert_same_str(u->task->targets[1], "市市场监管局");
			assert_same_str(u->task->parent, PROV ":3");
			break;
		case LD__KIND__KIND_RESULT:
			assert_same_str(u->result->summary, f.result.summary);
			ck_assert_uint_eq(u->result->n_findings, 2);
			assert_same_str(u->result->findings[1],
			                "窗口服务不规范");
			ck_assert_uint_eq(u->result->n_metrics, 2);
			assert_same_str(u->result->metrics[1]->name, "满意率");
			ck_assert(u->result->metrics[1]->value == 0.975);
			ck_assert_uint_eq(u->result->n_attachments, 1);
			assert_same_str(u->result->attachments[0]->name,
			                "视察报告.pdf");
			ck_assert_uint_eq(u->result->attachments[0]->size,
			                  123456);
			ck_assert_uint_eq(u->result->item, 2);
			break;
		case LD__KIND__KIND_REVIEW:
			assert_same_str(u->review->comment, f.review.comment);
			assert_same_str(u->review->verdict, "rectify");
			break;
		case LD__KIND__KIND_PROPOSAL:
			assert_same_str(u->proposal->title, f.proposal.title);
			assert_same_str(u->proposal->satisfaction, "满意");
			ck_assert(u->proposal->face_to_face);
			ck_assert_uint_eq(u->proposal->year, 2025);
			break;
		case LD__KIND__KIND_REPORT:
			ck_assert_uint_eq(u->report->content.len,
			                  f.report.content.len);
			ck_assert_int_eq(memcmp(u->report->content.data,
			                        f.report.content.data,
			                        f.report.content.len),
			                 0);
			assert_same_str(u->report->figures[0]->name,
			                "提案办结率");
			break;
		default:
			break;
		}
		ld__record__free_unpacked(u, NULL);
		free(buf);
	}
}
END_TEST

/* The kind read from the bytes is the decoded one; bytes laid out
 * otherwise, cut short or naming no known kind say "unspecified". */
START_TEST(test_peek_kind)
{
	for (size_t i = 0; i < NKINDS; i++) {
		struct full f;
		Ld__Record *r = build(&f, all_kinds[i]);
		size_t len = 0;
		uint8_t *buf = ld_record_pack(r, &len);
		ck_assert_ptr_nonnull(buf);
		ck_assert_int_eq(ld_record_peek_kind(buf, len), all_kinds[i]);
		for (size_t cut = 0; cut < 6 + strlen(r->id); cut++) {
			Ld__Kind k = ld_record_peek_kind(buf, cut);
			ck_assert(k == LD__KIND__KIND_UNSPECIFIED ||
			          k == all_kinds[i]);
		}
		ck_assert_int_eq(ld_record_peek_kind(buf, strlen(r->id) + 2),
		                 LD__KIND__KIND_UNSPECIFIED);
		free(buf);
	}
	/* kind before id; an unknown kind number; no id. */
	static const uint8_t swapped[] = {0x10, 0x04, 0x0a, 0x03, 'a', ':', '1'};
	static const uint8_t unknown[] = {0x0a, 0x03, 'a', ':', '1', 0x10, 0x7f};
	static const uint8_t noid[] = {0x10, 0x04};
	static const uint8_t longid[] = {0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f,
	                                 0x10, 0x04};
	ck_assert_int_eq(ld_record_peek_kind(swapped, sizeof(swapped)),
	                 LD__KIND__KIND_UNSPECIFIED);
	ck_assert_int_eq(ld_record_peek_kind(unknown, sizeof(unknown)),
	                 LD__KIND__KIND_UNSPECIFIED);
	ck_assert_int_eq(ld_record_peek_kind(noid, sizeof(noid)),
	                 LD__KIND__KIND_UNSPECIFIED);
	ck_assert_int_eq(ld_record_peek_kind(longid, sizeof(longid)),
	                 LD__KIND__KIND_UNSPECIFIED);
}
END_TEST

START_TEST(test_unpack_refuses)
{
	/* Not protobuf. */
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
	ck_assert_ptr_null(ld_record_unpack(junk, sizeof(junk)));
	/* Truncated. */
	struct full f;
	size_t len;
	uint8_t *buf = ld_record_pack(build(&f, LD__KIND__KIND_TASK), &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_null(ld_record_unpack(buf, len - 3));
	free(buf);

	/* Larger than LD_RECORD_MAX, even if well formed. */
	build(&f, LD__KIND__KIND_RESULT);
	size_t big = LD_RECORD_MAX + 10;
	char *summary = malloc(big + 1);
	ck_assert_ptr_nonnull(summary);
	memset(summary, 'a', big);
	summary[big] = '\0';
	f.result.summary = summary;
	buf = ld_record_pack(&f.r, &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_gt(len, LD_RECORD_MAX);
	Ld__Record *u = ld__record__unpack(NULL, len, buf);
	ck_assert_ptr_nonnull(u); /* protobuf-c would take it... */
	ld__record__free_unpacked(u, NULL);
	ck_assert_ptr_null(ld_record_unpack(buf, len)); /* ...we don't */
	free(buf);
	free(summary);
}
END_TEST

/* ---- ids ---- */

START_TEST(test_id_owner_len)
{
	ck_assert_uint_eq(ld_id_owner_len("530000:1"), 6);
	ck_assert_uint_eq(ld_id_owner_len("530000/530300/530325:42"), 20);
	ck_assert_uint_eq(ld_id_owner_len("a:0"), 1);
	ck_assert_uint_eq(ld_id_owner_len("530000:10"), 6);
	/* Counters go up to 2^53, no further. */
	ck_assert_uint_eq(ld_id_owner_len("530000:9007199254740992"), 6);
	ck_assert_uint_eq(ld_id_owner_len("530000:9007199254740993"), 0);
	ck_assert_uint_eq(ld_id_owner_len("530000:18446744073709551615"), 0);

	static const char *const bad[] = {
	    "530000",    /* no colon */
	    "530000:",   /* empty counter */
	    "530000:01", /* leading zero */
	    "530000:007",
	    "530000:1a", /* non-digits */
	    "530000:a1",
	    "530000:-1",
	    "530000:+1",
	    "530000: 1",
	    "530000:1 ",
	    "530000:1.0",
	    ":1",        /* no path */
	    "530000/:1", /* bad path part */
	    "/530000:1",
	    "5300 00:1",
	    "a:b:1",
	    "富源:1",
	    "1/2/3/4/5/6/7/8/9:1",
	    "530000:123456789012345678901", /* 21 digits */
	    "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ld_id_owner_len(bad[i]) == 0, "'%s' gives %zu",
		              bad[i], ld_id_owner_len(bad[i]));
	ck_assert_uint_eq(ld_id_owner_len(NULL), 0);
}
END_TEST

START_TEST(test_id_format)
{
	char buf[LD_ID_MAX];
	ld_id_format(buf, sizeof(buf), CITY, 42);
	ck_assert_str_eq(buf, CITY ":42");
	ck_assert_uint_eq(ld_id_owner_len(buf), strlen(CITY));
	ld_id_format(buf, sizeof(buf), PROV, LD_NUM_MAX);
	ck_assert_str_eq(buf, PROV ":9007199254740992");
	ck_assert_uint_eq(ld_id_owner_len(buf), 6);
	ck_assert_uint_eq(ld_id_counter(buf), LD_NUM_MAX);
}
END_TEST

/* ---- kinds ---- */

START_TEST(test_kinds)
{
	ck_assert_int_eq(ld_kind_parse("task"), LD__KIND__KIND_TASK);
	ck_assert_int_eq(ld_kind_parse("TASK"), LD__KIND__KIND_TASK);
	ck_assert_int_eq(ld_kind_parse("Task"), LD__KIND__KIND_TASK);
	ck_assert_int_eq(ld_kind_parse("任务"), LD__KIND__KIND_TASK);
	ck_assert_int_eq(ld_kind_parse("民主监督任务"), LD__KIND__KIND_TASK);
	ck_assert_int_eq(ld_kind_parse("协商计划"), LD__KIND__KIND_PLAN);
	ck_assert_int_eq(ld_kind_parse("计划"), LD__KIND__KIND_PLAN);
	ck_assert_int_eq(ld_kind_parse("上报"), LD__KIND__KIND_RESULT);
	ck_assert_int_eq(ld_kind_parse("反馈"), LD__KIND__KIND_REVIEW);
	ck_assert_int_eq(ld_kind_parse("提案"), LD__KIND__KIND_PROPOSAL);
	ck_assert_int_eq(ld_kind_parse("报表"), LD__KIND__KIND_REPORT);
	ck_assert_int_eq(ld_kind_parse(""), LD__KIND__KIND_UNSPECIFIED);
	ck_assert_int_eq(ld_kind_parse("tasks"), LD__KIND__KIND_UNSPECIFIED);
	ck_assert_int_eq(ld_kind_parse("bogus"), LD__KIND__KIND_UNSPECIFIED);
	ck_assert_int_eq(ld_kind_parse(NULL), LD__KIND__KIND_UNSPECIFIED);

	ck_assert_str_eq(ld_kind_name(LD__KIND__KIND_TASK), "task");
	ck_assert_str_eq(ld_kind_name(LD__KIND__KIND_REVIEW), "review");
	ck_assert_str_eq(ld_kind_name(LD__KIND__KIND_UNSPECIFIED), "?");
	ck_assert_str_eq(ld_kind_name((Ld__Kind)99), "?");
	ck_assert_str_eq(ld_kind_label(LD__KIND__KIND_TASK), "民主监督任务");
	ck_assert_str_eq(ld_kind_label((Ld__Kind)99), "?");

	/* Every kind's name and label parse back to it, and the names are
	 * distinct. */
	for (size_t i = 0; i < NKINDS; i++) {
		Ld__Kind k = all_kinds[i];
		ck_assert_int_eq(ld_kind_parse(ld_kind_name(k)), k);
		ck_assert_int_eq(ld_kind_parse(ld_kind_label(k)), k);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(ld_kind_name(k),
			                 ld_kind_name(all_kinds[j]));
	}
	/* Body case to kind. */
	ck_assert_int_eq(ld_kind_of_body(LD__RECORD__BODY_TASK),
	                 LD__KIND__KIND_TASK);
	ck_assert_int_eq(ld_kind_of_body(LD__RECORD__BODY_REPORT),
	                 LD__KIND__KIND_REPORT);
	ck_assert_int_eq(ld_kind_of_body(LD__RECORD__BODY__NOT_SET),
	                 LD__KIND__KIND_UNSPECIFIED);
}
END_TEST

/* ---- structural check ---- */

START_TEST(test_check_id_owner)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_TASK);
	CHECK_OK(r);

	r->id = "530100:7"; /* another node's counter */
	CHECK_BAD(r, "id");
	r->id = CITY ":7"; /* a child's id, owner the province */
	CHECK_BAD(r, "id");
	r->id = "5300:7"; /* textual prefix of the owner */
	CHECK_BAD(r, "id");
	r->id = PROV; /* no counter */
	CHECK_BAD(r, "id");
	r->id = PROV ":07";
	CHECK_BAD(r, "id");
	r->id = "";
	CHECK_BAD(r, "id");

	build(&f, LD__KIND__KIND_TASK);
	r->owner = "530000/";
	CHECK_BAD(r, "owner");
	build(&f, LD__KIND__KIND_TASK);
	r->owner = "";
	CHECK_BAD(r, "owner");
}
END_TEST

START_TEST(test_check_kind_version)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_TASK);
	r->kind = LD__KIND__KIND_PLAN;
	CHECK_BAD(r, "kind");
	r->kind = LD__KIND__KIND_UNSPECIFIED;
	CHECK_BAD(r, "kind");
	/* No body at all. */
	r->kind = LD__KIND__KIND_TASK;
	r->body_case = LD__RECORD__BODY__NOT_SET;
	CHECK_BAD(r, "kind");
	/* Neither kind nor body: still not a record. */
	r->kind = LD__KIND__KIND_UNSPECIFIED;
	CHECK_BAD(r, "kind");

	r = build(&f, LD__KIND__KIND_TASK);
	r->version = 0;
	CHECK_BAD(r, "version");
	r->version = 1;
	CHECK_OK(r);
	r->version = LD_NUM_MAX;
	CHECK_OK(r);
	/* Nothing may reach where a bump would wrap around. */
	r->version = LD_NUM_MAX + 1;
	CHECK_BAD(r, "version");
	r->version = UINT64_MAX;
	CHECK_BAD(r, "version");
	r->version = 1;
	/* Counter 0 is the node record's, and only its. */
	r->id = PROV ":0";
	CHECK_BAD(r, "counter 0");
	r = build(&f, LD__KIND__KIND_NODE);
	CHECK_OK(r);
	r->id = COUNTY ":3";
	CHECK_BAD(r, "counter 0");
}
END_TEST

START_TEST(test_check_scope)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_TASK);
	static const char *const bad[] = {"530000//530300", "", "530000/",
	                                  "富源县", "530000/530 300"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f.scope[0] = (char *)bad[i];
		CHECK_BAD(r, "scope");
	}
	f.scope[0] = CITY;
	CHECK_OK(r);

	/* 64 entries are fine, 65 are not. */
	static char paths[LD_SCOPE_MAX + 1][32];
	r->n_scope = 0;
	for (int i = 0; i <= LD_SCOPE_MAX; i++)
		snprintf(paths[i], sizeof(paths[i]), "530000/53%04d", i);
	for (int i = 0; i < LD_SCOPE_MAX; i++)
		f.scope[r->n_scope++] = paths[i];
	CHECK_OK(r);
	f.scope[r->n_scope++] = paths[LD_SCOPE_MAX];
	CHECK_BAD(r, "scope");
	ck_assert_ptr_nonnull(strstr(err, "64"));
}
END_TEST

START_TEST(test_check_utf8_nested)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_PLAN);
	CHECK_OK(r);
	static const char *const bad[] = {
	    "议题\xe5\xaf", /* truncated */
	    "\xc0\x80",     /* overlong NUL */
	    "\xed\xa0\x80", /* surrogate */
	    "a\x1b[2Jb",    /* ESC */
	    "\xf4\x90\x80\x80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(&f, LD__KIND__KIND_PLAN);
		f.it[1].topic = (char *)bad[i];
		CHECK_BAD(r, "topic");
		/* ESC is well-formed UTF-8 and said to be a control. */
		ck_assert_ptr_nonnull(
		    strstr(err, bad[i][0] == 'a' ? "control character" : "UTF-8"));
		/* The reason says where the field is. */
		ck_assert_ptr_nonnull(strstr(err, "items"));

		/* The same record from the wire is refused too (if protobuf-c
		 * does not refuse it already). */
		size_t len;
		uint8_t *buf = ld_record_pack(r, &len);
		ck_assert_ptr_nonnull(buf);
		Ld__Record *u = ld_record_unpack(buf, len);
		if (u != NULL) {
			ck_assert_int_eq(ld_record_check(u, len, err, sizeof(err)),
			                 bad[i][0] == 'a' ? LD_ECONTROL : LD_EUTF8);
			ck_assert_ptr_nonnull(strstr(err, "topic"));
			ld__record__free_unpacked(u, NULL);
		}
		free(buf);
	}
	/* Elsewhere: a result's metric name, a finding, the envelope. */
	build(&f, LD__KIND__KIND_RESULT);
	f.m[1].name = "满意\xff";
	CHECK_BAD(r, "name");
	build(&f, LD__KIND__KIND_RESULT);
	f.findings[1] = "\x80";
	CHECK_BAD(r, "findings");
	build(&f, LD__KIND__KIND_RESULT);
	f.att.content_type = "text/\xc3";
	CHECK_BAD(r, "content_type");
	/* Tabs and newlines are text. */
	build(&f, LD__KIND__KIND_RESULT);
	f.result.summary = "第一段\n\t第二段\r\n";
	CHECK_OK(r);
}
END_TEST

/* A NUL hidden inside a string on the wire is cut off by protobuf-c's C
 * strings: the record would mean something else than its bytes. The
 * canonical-encoding check must catch it. */
START_TEST(test_check_hidden_nul)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_TASK);
	f.task.topic = "visible#hidden";
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert_ptr_nonnull(buf);
	uint8_t *hash = memchr(buf, '#', len);
	ck_assert_ptr_nonnull(hash);
	*hash = '\0';
	Ld__Record *u = ld_record_unpack(buf, len);
	if (u != NULL) {
		ck_assert_int_eq(ld_record_check(u, len, err, sizeof(err)),
		                 LD_ESYNTAX);
		ld__record__free_unpacked(u, NULL);
	}
	free(buf);
}
END_TEST

START_TEST(test_check_lengths)
{
	static char text[70 * 1024];
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_TASK);

	memset(text, 'x', 1024);
	text[1024] = '\0';
	f.task.topic = text;
	CHECK_OK(r);
	text[1024] = 'x';
	text[1025] = '\0';
	CHECK_BAD(r, "topic");
	ck_assert_ptr_nonnull(strstr(err, "1024"));

	/* The limit is in bytes, not characters: 342 Chinese characters
	 * are 1026 bytes. */
	text[0] = '\0';
	for (int i = 0; i < 342; i++)
		strcat(text, "政");
	ck_assert_uint_eq(strlen(text), 1026);
	CHECK_BAD(r, "topic");

	/* Long fields: a 60 KiB summary is fine, 64 KiB + 1 is not. */
	r = build(&f, LD__KIND__KIND_RESULT);
	memset(text, 'y', 60 * 1024);
	text[60 * 1024] = '\0';
	f.result.summary = text;
	CHECK_OK(r);
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	Ld__Record *u = ld_record_unpack(buf, len);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(strlen(u->result->summary), 60 * 1024);
	ck_assert_msg(ld_record_check(u, len, err, sizeof(err)) == 0, "%s", err);
	ld__record__free_unpacked(u, NULL);
	free(buf);

	memset(text, 'y', 65537);
	text[65537] = '\0';
	CHECK_BAD(r, "summary");
	/* ...and a long title is still a short field. */
	r = build(&f, LD__KIND__KIND_PLAN);
	memset(text, 't', 2000);
	text[2000] = '\0';
	f.plan.title = text;
	CHECK_BAD(r, "title");
}
END_TEST

START_TEST(test_check_list_limits)
{
	static char *many[300];
	static Ld__PlanItem items[300];
	static Ld__PlanItem *itp[300];
	for (int i = 0; i < 300; i++)
		many[i] = "发现";

	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_RESULT);
	f.result.findings = many;
	f.result.n_findings = 256;
	CHECK_OK(r);
	f.result.n_findings = 257;
	CHECK_BAD(r, "findings");
	ck_assert_ptr_nonnull(strstr(err, "256"));

	r = build(&f, LD__KIND__KIND_PLAN);
	for (int i = 0; i < 300; i++) {
		ld__plan_item__init(&items[i]);
		items[i].form = "其他";
		items[i].topic = "议题";
		itp[i] = &items[i];
	}
	f.plan.items = itp;
	f.plan.n_items = 256;
	CHECK_OK(r);
	f.plan.n_items = 257;
	CHECK_BAD(r, "items");

	r = build(&f, LD__KIND__KIND_TASK);
	f.task.targets = many;
	f.task.n_targets = 300;
	CHECK_BAD(r, "targets");
}
END_TEST

/* Attachments are checked on every record, received ones too: at most 16
 * per result, and each well formed (a hostile owner's record cannot make
 * its receivers fetch or hash more than that). */
START_TEST(test_check_attachments)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_RESULT);
	CHECK_OK(r);
	for (int i = 0; i < 20; i++)
		f.attp[i] = &f.att;
	f.result.n_attachments = 16;
	CHECK_OK(r);
	f.result.n_attachments = 17;
	CHECK_BAD(r, "attachments: 17, at most 16");
	f.result.n_attachments = 1;
	f.att.chunk_size = 1000;
	CHECK_BAD(r, "chunk_size");
	f.att.chunk_size = 256 * 1024;
	f.att.size = 300000; /* two chunks, one hash */
	CHECK_BAD(r, "attachment 1 (视察报告.pdf): chunks");
	f.att.size = (16u << 20) + 1;
	CHECK_BAD(r, "more than 16 MiB");
}
END_TEST

START_TEST(test_check_canonical)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_REVIEW);
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert_ptr_nonnull(buf);

	Ld__Record *u = ld_record_unpack(buf, len);
	ck_assert_ptr_nonnull(u);
	ck_assert_msg(ld_record_check(u, len, err, sizeof(err)) == 0, "%s", err);
	/* A length other than the one it was decoded from. */
	ck_assert_int_eq(ld_record_check(u, len + 1, err, sizeof(err)),
	                 LD_ESYNTAX);
	ck_assert_ptr_nonnull(strstr(err, "canonical"));
	ck_assert_int_eq(ld_record_check(u, len - 1, err, sizeof(err)),
	                 LD_ESYNTAX);
	ld__record__free_unpacked(u, NULL);

	/* The id field repeated at the end: protobuf keeps the last value,
	 * which is the same, so the decoding is identical but the bytes are
	 * not the canonical encoding. */
	size_t idn = strlen(r->id);
	ck_assert_uint_lt(idn, 128);
	uint8_t *dup = malloc(len + 2 + idn);
	ck_assert_ptr_nonnull(dup);
	memcpy(dup, buf, len);
	dup[len] = 0x0a; /* field 1, length-delimited */
	dup[len + 1] = (uint8_t)idn;
	memcpy(dup + len + 2, r->id, idn);
	u = ld_record_unpack(dup, len + 2 + idn);
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->id, r->id);
	ck_assert_int_eq(ld_record_check(u, len + 2 + idn, err, sizeof(err)),
	                 LD_ESYNTAX);
	ck_assert_ptr_nonnull(strstr(err, "canonical"));
	/* Without a wire length, the decoded record itself is fine. */
	ck_assert_msg(ld_record_check(u, 0, err, sizeof(err)) == 0, "%s", err);
	ld__record__free_unpacked(u, NULL);

	/* A version written as a non-minimal varint (field 4: 0x20, then
	 * 0x83 0x80 0x00 = 3), appended after the canonical one. */
	uint8_t *nm = malloc(len + 4);
	ck_assert_ptr_nonnull(nm);
	memcpy(nm, buf, len);
	nm[len] = 0x20;
	nm[len + 1] = 0x83;
	nm[len + 2] = 0x80;
	nm[len + 3] = 0x00;
	u = ld_record_unpack(nm, len + 4);
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->version, 3);
	ck_assert_int_eq(ld_record_check(u, len + 4, err, sizeof(err)),
	                 LD_ESYNTAX);
	ld__record__free_unpacked(u, NULL);

	free(nm);
	free(dup);
	free(buf);
}
END_TEST

START_TEST(test_record_flow)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_PLAN);
	struct ld_str sc[LD_SCOPE_MAX];
	struct ld_flow_rec fr;
	ld_record_flow(r, &fr, sc);
	ck_assert_uint_eq(fr.owner.n, strlen(PROV));
	ck_assert_int_eq(memcmp(fr.owner.p, PROV, fr.owner.n), 0);
	ck_assert_uint_eq(fr.nscope, 2);
	ck_assert_ptr_eq(fr.scope, sc);
	ck_assert_uint_eq(sc[1].n, strlen("530000/530100"));
	ck_assert_int_eq(memcmp(sc[1].p, "530000/530100", sc[1].n), 0);
	/* The view drives the flow rules. */
	ck_assert(ld_flow_send_down(PROV, CITY, &fr));
	ck_assert(!ld_flow_send_down(PROV, "530000/530400", &fr));
}
END_TEST

/* Fields in another order decode to the same record with the same length:
 * only the bytes tell that it is not the canonical encoding. */
START_TEST(test_canonical_bytes)
{
	struct full f;
	Ld__Record *r = build(&f, LD__KIND__KIND_TASK);
	size_t len;
	uint8_t *buf = ld_record_pack(r, &len);
	ck_assert(ld_record_canonical(r, buf, len));
	/* id (field 1, bytes) comes first, then kind (field 2, varint):
	 * put kind first. */
	ck_assert_uint_eq(buf[0], 0x0a);
	size_t idl = 2 + buf[1];
	ck_assert_uint_eq(buf[idl], 0x10);
	uint8_t *swapped = malloc(len);
	memcpy(swapped, buf + idl, 2);
	memcpy(swapped + 2, buf, idl);
	memcpy(swapped + 2 + idl, buf + idl + 2, len - idl - 2);
	Ld__Record *back = ld_record_unpack(swapped, len);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(back->id, r->id);
	ck_assert_int_eq(ld_record_check(back, len, err, sizeof(err)), 0);
	ck_assert(!ld_record_canonical(back, swapped, len));
	ck_assert(ld_record_canonical(back, buf, len));
	ld__record__free_unpacked(back, NULL);
	free(swapped);
	free(buf);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("codec");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_round_trip_every_kind);
	tcase_add_test(tc, test_canonical_bytes);
	tcase_add_test(tc, test_unpack_refuses);
	tcase_add_test(tc, test_peek_kind);
	tcase_add_test(tc, test_id_owner_len);
	tcase_add_test(tc, test_id_format);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_record_flow);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_check_id_owner);
	tcase_add_test(tc, test_check_kind_version);
	tcase_add_test(tc, test_check_scope);
	tcase_add_test(tc, test_check_utf8_nested);
	tcase_add_test(tc, test_check_hidden_nul);
	tcase_add_test(tc, test_check_lengths);
	tcase_add_test(tc, test_check_list_limits);
	tcase_add_test(tc, test_check_canonical);
	tcase_add_test(tc, test_check_attachments);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(record_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
