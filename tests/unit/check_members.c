/* check_members.c — members (委员) and duty entries (履职记录): their
 * validation with the exact one-line refusals, the member status machine,
 * the quota, the counting rules of a member's year on the seeds' figures
 * (富源县 委员参与率 98%; a city's 70% of members and 95% of new members
 * trained), the local contact file and the roster reader. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "contacts.h"
#include "csv.h"
#include "err.h"
#include "lifecycle.h"
#include "members.h"
#include "record.h"
#include "roster.h"
#include "rules.h"
#include "validate.h"
#include "vocab.h"

#define COUNTY "530000/530300/530325"
#define CITY "530000/530300"

static char err[512];

static Ld__Record *
unpacked(const Ld__Record *r)
{
	size_t n = ld__record__get_packed_size(r);
	uint8_t *buf = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(buf);
	ld__record__pack(r, buf);
	Ld__Record *u = ld__record__unpack(NULL, n, buf);
	free(buf);
	ck_assert_ptr_nonnull(u);
	return u;
}

/* Validate a copy of `r` as the county; the error, or "" if accepted. */
static const char *
check_new(const Ld__Record *r)
{
	Ld__Record *u = unpacked(r);
	err[0] = '\0';
	int rc = ld_validate_new(COUNTY, u, err, sizeof(err));
	ck_assert(rc == 0 || rc == LD_EREFUSED);
	ck_assert((rc == 0) == (err[0] == '\0'));
	ld__record__free_unpacked(u, NULL);
	return err;
}

static Ld__Member
member(const char *name)
{
	Ld__Member m = LD__MEMBER__INIT;
	m.name = (char *)name;
	return m;
}

START_TEST(test_member_validation)
{
	Ld__Member m = member("张三");
	m.sector = "经济界";
	m.status = "在任";
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_MEMBER;
	r.member = &m;
	ck_assert_str_eq(check_new(&r), "");

	/* The Chinese label becomes the status; empty is active. */
	Ld__Record *u = unpacked(&r);
	ck_assert_int_eq(ld_validate_new(COUNTY, u, err, sizeof(err)), 0);
	ck_assert_str_eq(u->member->status, "active");
	ck_assert_int_eq(u->kind, LD__KIND__KIND_MEMBER);
	ld__record__free_unpacked(u, NULL);

	m.name = "";
	ck_assert_str_eq(check_new(&r), "name: required");
	m.name = "张三";
	m.status = "gone";
	ck_assert_str_eq(check_new(&r),
	                 "status: unknown 'gone' (one of: active (在任), left "
	                 "(离任), adjusted (已调整))");
	m.status = "";
	m.joined = "2018-02-30";
	ck_assert_str_eq(check_new(&r),
	                 "joined: '2018-02-30' is not a date (YYYY-MM-DD)");
	m.joined = "2017-01-08";
	char *scope[] = {COUNTY};
	r.scope = scope;
	r.n_scope = 1;
	ck_assert_str_eq(check_new(&r), "scope: a member flows up to every "
	                                "ancestor and takes no scope");
}
END_TEST

START_TEST(test_member_status_machine)
{
	Ld__Member was = member("李四");
	was.status = "active";
	Ld__Record old = LD__RECORD__INIT;
	old.id = COUNTY ":7";
	old.kind = LD__KIND__KIND_MEMBER;
	old.body_case = LD__RECORD__BODY_MEMBER;
	old.member = &was;
	Ld__Member now = member("李四");
	now.status = "adjusted";
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_MEMBER;
	r.member = &now;
	Ld__Record *u = unpacked(&r);
	ck_assert_int_eq(ld_validate_update(COUNTY, &old, u, err, sizeof(err)),
	                 0);
	ld__record__free_unpacked(u, NULL);

	was.status = "left";
	now.status = "active";
	u = unpacked(&r);
	ck_assert_int_eq(ld_validate_update(COUNTY, &old, u, err, sizeof(err)),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "status: a member cannot go from left to active "
	                      "(allowed: none (left is final))");
	ld__record__free_unpacked(u, NULL);
	ck_assert_str_eq(ld_status_label(LD_SM_MEMBER, "adjusted"), "已调整");
}
END_TEST

START_TEST(test_duty_validation)
{
	char *ids[] = {COUNTY ":1", COUNTY ":2"};
	Ld__Duty d = LD__DUTY__INIT;
	d.activity = "survey";
	d.date = "2018-05-03";
	d.members = ids;
	d.n_members = 2;
	d.ref = COUNTY ":9";
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_DUTY;
	r.duty = &d;
	ck_assert_str_eq(check_new(&r), "");
	Ld__Record *u = unpacked(&r);
	ck_assert_int_eq(ld_validate_new(COUNTY, u, err, sizeof(err)), 0);
	ck_assert_str_eq(u->duty->activity, "调研");
	ck_assert_uint_eq(ld_rule_year(u), 2018);
	ck_assert_str_eq(ld_record_ref(u), COUNTY ":9");
	ld__record__free_unpacked(u, NULL);

	d.activity = "";
	ck_assert_str_eq(check_new(&r),
	                 "activity: required (one of: 调研 (survey), 视察 "
	                 "(inspection), 协商 (consultation), 会议 (meeting), "
	                 "培训 (training), 提案 (proposal), 社情民意 (opinion), "
	                 "建议 (suggestion), 实事 (deed))");
	d.activity = "party";
	ck_assert(strncmp(check_new(&r), "activity: unknown 'party' (one of: ",
	                  35) == 0);
	d.activity = "培训";
	d.date = "";
	ck_assert_str_eq(check_new(&r), "date: required");
	d.date = "2018/05/03";
	ck_assert_str_eq(check_new(&r),
	                 "date: '2018/05/03' is not a date (YYYY-MM-DD)");
	d.date = "2018-05-03";
	d.ref = "survey 3";
	ck_assert_str_eq(check_new(&r),
	                 "ref: 'survey 3' is not a record id (PATH:NUMBER)");
	d.ref = "";
	d.n_members = 0;
	ck_assert_str_eq(check_new(&r),
	                 "members: at least one member id is required");
	ids[1] = "张三";
	d.n_members = 2;
	ck_assert_str_eq(check_new(&r), "members: '张三' is not a member id "
	                                "(PATH:NUMBER)");
	ids[1] = COUNTY ":1";
	ck_assert_str_eq(check_new(&r),
	                 "members: " COUNTY ":1 is listed twice");
}
END_TEST

START_TEST(test_quota)
{
	struct ld_quota q;
	ck_assert_int_eq(ld_quota_parse(NULL, &q, err, sizeof(err)), 0);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_PROPOSAL], 1);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_OPINION], 1);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_SURVEY], 1);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_SUGGESTION], 1);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_DEED], 1);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_TRAINING], 0);
	ck_assert_int_eq(ld_quota_parse("提案=2, training=1，调研=0", &q, err,
	                                sizeof(err)),
	                 0);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_PROPOSAL], 2);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_TRAINING], 1);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_SURVEY], 0);
	ck_assert_uint_eq(q.want[LD_ACTIVITY_DEED], 0);
	ck_assert_int_eq(ld_quota_parse("提案", &q, err, sizeof(err)),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "quota: '提案' is not ACTIVITY=N");
	ck_assert_int_eq(ld_quota_parse("提案=-1", &q, err, sizeof(err)),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "quota: 提案=-1: the number must be 0 to 100");
	ck_assert_int_eq(ld_quota_parse("飞=1", &q, err, sizeof(err)),
	                 LD_EREFUSED);
	const char *want = "quota: unknown activity '飞' (one of: 调研";
	ck_assert(strncmp(err, want, strlen(want)) == 0);
	ck_assert_int_eq(ld_vocab_index(LD_VOCAB_ACTIVITY, "deed"), LD_ACTIVITY_DEED);
	ck_assert_str_eq(ld_activity_name(LD_ACTIVITY_OPINION), "社情民意");
	ck_assert_ptr_null(ld_activity_name(LD_ACTIVITY_COUNT));
}
END_TEST

/* ---------------------------------------------------------------- counts */

static Ld__Record *
mk_member(const char *owner, int n, const char *sector, const char *status,
          bool is_new)
{
	char id[64];
	snprintf(id, sizeof(id), "%s:%d", owner, n);
	char name[32];
	snprintf(name, sizeof(name), "委员%d", n);
	Ld__Member m = member(name);
	m.sector = (char *)sector;
	m.status = (char *)status;
	m.new_member = is_new;
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.owner = (char *)owner;
	r.kind = LD__KIND__KIND_MEMBER;
	r.version = 1;
	r.body_case = LD__RECORD__BODY_MEMBER;
	r.member = &m;
	return unpacked(&r);
}

static Ld__Record *
mk_duty(const char *owner, int n, const char *activity, const char *date,
        char **members, size_t nm)
{
	char id[64];
	snprintf(id, sizeof(id), "%s:%d", owner, n);
	Ld__Duty d = LD__DUTY__INIT;
	d.activity = (char *)activity;
	d.date = (char *)date;
	d.members = members;
	d.n_members = nm;
	Ld__Record r = LD__RECORD__INIT;
	r.id = id;
	r.owner = (char *)owner;
	r.kind = LD__KIND__KIND_DUTY;
	r.version = 1;
	r.body_case = LD__RECORD__BODY_DUTY;
	r.duty = &d;
	return unpacked(&r);
}

/* 富源县政协 2018: 50 members in office, 49 took part in something that
 * year (委员参与率达98%); one took part only in 2017; two who left do not
 * count at all. The members first, then the duty entries, into `v` (at
 * least 56); their number. */
static size_t
fuyuan(Ld__Record **v)
{
	size_t n = 0;
	for (int i = 1; i <= 52; i++)
		v[n++] = mk_member(COUNTY, i, i % 2 ? "经济界" : "农业界",
		                   i > 50 ? "left" : "active", false);
	/* One survey attended by 40 in one step; 9 more by a consultation;
	 * member 50 only in 2017; a member who left in 2018. */
	char *ids[64];
	char buf[64][64];
	for (int i = 0; i < 40; i++) {
		snprintf(buf[i], 64, "%s:%d", COUNTY, i + 1);
		ids[i] = buf[i];
	}
	v[n++] = mk_duty(COUNTY, 100, "调研", "2018-05-03", ids, 40);
	for (int i = 0; i < 9; i++) {
		snprintf(buf[i], 64, "%s:%d", COUNTY, 41 + i);
		ids[i] = buf[i];
	}
	v[n++] = mk_duty(COUNTY, 101, "协商", "2018-09-20", ids, 9);
	snprintf(buf[0], 64, "%s:50", COUNTY);
	snprintf(buf[1], 64, "%s:51", COUNTY);
	v[n++] = mk_duty(COUNTY, 102, "会议", "2017-12-01", ids, 2);
	snprintf(buf[0], 64, "%s:51", COUNTY);
	v[n++] = mk_duty(COUNTY, 103, "会议", "2018-02-01", ids, 1);
	return n;
}

START_TEST(test_fuyuan_participation)
{
	struct ld_quota q;
	ck_assert_int_eq(ld_quota_parse(NULL, &q, err, sizeof(err)), 0);
	struct ld_members m;
	ld_members_init(&m, 2018, &q);
	Ld__Record *v[64];
	size_t n = fuyuan(v);
	for (size_t i = 0; i < n; i++)
		if (v[i]->body_case == LD__RECORD__BODY_MEMBER)
			ck_assert_int_eq(ld_members_add_member(&m, v[i]), 0);
		else
			ld_members_add_duty(&m, v[i]);
	ld_members_finish(&m);
	for (size_t i = 0; i < n; i++)
		ld__record__free_unpacked(v[i], NULL);

	struct ld_member_tally t = {0};
	for (size_t i = 0; i < m.n; i++)
		ld_member_tally_add(&t, &m.v[i]);
	ck_assert_uint_eq(t.members, 52);
	ck_assert_uint_eq(t.active, 50);
	ck_assert_uint_eq(t.took_part, 49);
	ck_assert_uint_eq(100 * t.took_part / t.active, 98);
	/* Ordered by office, then counter: 委员1 first. */
	ck_assert_str_eq(m.v[0].name, "委员1");
	ck_assert_str_eq(m.v[9].name, "委员10");
	/* 委员1: one 调研 of the five; short of four. */
	ck_assert_uint_eq(m.v[0].count[LD_ACTIVITY_SURVEY], 1);
	ck_assert_uint_eq(m.v[0].short_of, 4);
	char miss[256];
	ld_members_missing(&m, &m.v[0], miss, sizeof(miss));
	ck_assert_str_eq(miss, "提案 1, 社情民意 1, 建议 1, 实事 1");
	/* Member 51 left: an entry, but no share and no shortfall. */
	ck_assert(!m.v[50].active);
	ck_assert_uint_eq(m.v[50].entries, 1);
	ck_assert(!m.v[50].took_part);
	ck_assert_uint_eq(m.v[50].short_of, 0);
	ld_members_free(&m);
}
END_TEST

/* `liandong figures`' 委员参与率 from the same records, in any order (a
 * duty entry before the members it names): 49 of 50, as the report. */
START_TEST(test_fuyuan_tally_of)
{
	Ld__Record *v[64];
	size_t n = fuyuan(v);
	Ld__Record *w[64];
	for (size_t i = 0; i < n; i++)
		w[i] = v[n - 1 - i];
	struct ld_member_tally t;
	ck_assert_int_eq(ld_members_tally_of(w, n, 2018, &t), 0);
	ck_assert_uint_eq(t.members, 52);
	ck_assert_uint_eq(t.active, 50);
	ck_assert_uint_eq(t.took_part, 49);
	/* Every year: member 50's 2017 meeting counts too. */
	ck_assert_int_eq(ld_members_tally_of(w, n, 0, &t), 0);
	ck_assert_uint_eq(t.took_part, 50);
	/* 2019: nobody took part; nothing at all: no members. */
	ck_assert_int_eq(ld_members_tally_of(w, n, 2019, &t), 0);
	ck_assert_uint_eq(t.active, 50);
	ck_assert_uint_eq(t.took_part, 0);
	ck_assert_int_eq(ld_members_tally_of(w, 0, 2018, &t), 0);
	ck_assert_uint_eq(t.members, 0);
	for (size_t i = 0; i < n; i++)
		ld__record__free_unpacked(v[i], NULL);
}
END_TEST

/* A city since its new term (every year): 40 members, 20 of them new;
 * 19 new and 9 other members trained: 70% of the members, 95% of the new
 * members (市政协换届以来, 70%的委员、95%的新任委员接受了培训). */
START_TEST(test_city_training)
{
	struct ld_quota q;
	ck_assert_int_eq(ld_quota_parse(NULL, &q, err, sizeof(err)), 0);
	struct ld_members m;
	ld_members_init(&m, 0, &q);
	for (int i = 1; i <= 40; i++) {
		Ld__Record *r = mk_member(CITY, i, "", "active", i <= 20);
		ck_assert_int_eq(ld_members_add_member(&m, r), 0);
		ld__record__free_unpacked(r, NULL);
	}
	char *ids[40];
	char buf[40][64];
	size_t n = 0;
	for (int i = 1; i <= 19; i++) {
		snprintf(buf[n], 64, "%s:%d", CITY, i);
		ids[n] = buf[n];
		n++;
	}
	for (int i = 21; i <= 29; i++) {
		snprintf(buf[n], 64, "%s:%d", CITY, i);
		ids[n] = buf[n];
		n++;
	}
	/* Two sessions in different years: every year counts here. */
	Ld__Record *d = mk_duty(CITY, 100, "training", "2017-03-01", ids, 14);
	ld_members_add_duty(&m, d);
	ld__record__free_unpacked(d, NULL);
	d = mk_duty(CITY, 101, "培训", "2018-03-01", ids + 14, n - 14);
	ld_members_add_duty(&m, d);
	ld__record__free_unpacked(d, NULL);
	ld_members_finish(&m);
	struct ld_member_tally t = {0};
	for (size_t i = 0; i < m.n; i++)
		ld_member_tally_add(&t, &m.v[i]);
	ck_assert_uint_eq(t.active, 40);
	ck_assert_uint_eq(t.trained, 28);
	ck_assert_uint_eq(100 * t.trained / t.active, 70);
	ck_assert_uint_eq(t.new_active, 20);
	ck_assert_uint_eq(t.new_trained, 19);
	ck_assert_uint_eq(100 * t.new_trained / t.new_active, 95);
	ld_members_free(&m);
}
END_TEST

/* A member who did all five of 五个一 is not short; deleted entries and
 * tombstoned members count nowhere; joined in the year makes a member new. */
START_TEST(test_quota_met)
{
	struct ld_quota q;
	ck_assert_int_eq(ld_quota_parse(NULL, &q, err, sizeof(err)), 0);
	struct ld_members m;
	ld_members_init(&m, 2018, &q);
	Ld__Record *r = mk_member(COUNTY, 1, "", "active", false);
	ck_assert_int_eq(ld_set_str(&r->member->joined, "2018-01-10"), 0);
	ck_assert_int_eq(ld_members_add_member(&m, r), 0);
	ld__record__free_unpacked(r, NULL);
	r = mk_member(COUNTY, 2, "", "active", false);
	r->deleted = true;
	ck_assert_int_eq(ld_members_add_member(&m, r), 0);
	ld__record__free_unpacked(r, NULL);
	char one[] = COUNTY ":1";
	char *ids[] = {one};
	const char *acts[] = {"proposal", "opinion", "survey", "suggestion",
	                      "deed", "deed"};
	for (int i = 0; i < 6; i++) {
		Ld__Record *d = mk_duty(COUNTY, 10 + i, acts[i], "2018-06-01",
		                        ids, 1);
		ck_assert_int_eq(ld_validate_new(COUNTY, d, err, sizeof(err)),
		                 0);
		if (i == 5)
			d->deleted = true;
		ld_members_add_duty(&m, d);
		ld__record__free_unpacked(d, NULL);
	}
	ld_members_finish(&m);
	ck_assert_uint_eq(m.n, 1);
	ck_assert(m.v[0].is_new);
	ck_assert_uint_eq(m.v[0].entries, 5);
	ck_assert_uint_eq(m.v[0].short_of, 0);
	ck_assert(!m.v[0].trained);
	char miss[64];
	ld_members_missing(&m, &m.v[0], miss, sizeof(miss));
	ck_assert_str_eq(miss, "");
	ld_members_free(&m);
}
END_TEST

/* ---------------------------------------------------------------- files */

START_TEST(test_contacts_file)
{
	char dir[] = "/tmp/check_members.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char file[128];
	snprintf(file, sizeof(file), "%s/%s", dir, LD_CONTACTS_FILE);
	struct ld_contact v[2] = {
	    {COUNTY ":1", "13800000000", "富源县中安街道, 1号", NULL, NULL},
	    {COUNTY ":2", NULL, NULL, "530325198001010011", NULL}};
	ck_assert_int_eq(ld_contacts_update(file, v, 2, err, sizeof(err)), 0);
	struct ld_contact again = {COUNTY ":1", NULL, NULL, NULL, "a@b.cn"};
	ck_assert_int_eq(ld_contacts_update(file, &again, 1, err, sizeof(err)),
	                 0);
	struct stat st;
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	struct ld_contacts c;
	ck_assert_int_eq(ld_contacts_load(file, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n, 2);
	const struct ld_contact *one = ld_contacts_find(&c, COUNTY ":1");
	ck_assert_ptr_nonnull(one);
	ck_assert_str_eq(one->phone, "13800000000");
	ck_assert_str_eq(one->address, "富源县中安街道, 1号");
	ck_assert_str_eq(one->email, "a@b.cn");
	ck_assert_str_eq(ld_contacts_find(&c, COUNTY ":2")->id_number,
	                 "530325198001010011");
	ck_assert_ptr_null(ld_contacts_find(&c, COUNTY ":3"));
	ld_contacts_free(&c);
	char lock[160];
	snprintf(lock, sizeof(lock), "%s.lock", file);
	unlink(lock);
	unlink(file);
	rmdir(dir);
}
END_TEST

static int
roster(const char *text, struct ld_batch *b, struct ld_contact *c)
{
	struct ld_csv csv;
	struct ld_csv_error ce;
	ck_assert_int_eq(ld_csv_parse(text, strlen(text), &csv, &ce), 0);
	int rc = ld_roster_read(&csv, b, c, err, sizeof(err));
	ld_csv_free(&csv);
	return rc;
}

START_TEST(test_roster)
{
	struct ld_batch b = {.file = "roster.csv", .csv = true};
	struct ld_contact c[4];
	memset(c, 0, sizeof(c));
	ck_assert_int_eq(roster("序号,姓名,界别,专委会,委员小组,届次,新任委员,"
	                        "手机\n"
	                        "1,张三,经济界,提案委员会,第一组,十二届,是,"
	                        "13800000000\n"
	                        "2,李四,农业界,,,十二届,否,\n",
	                        &b, c),
	                 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_str_eq(b.v[0].r->member->name, "张三");
	ck_assert_str_eq(b.v[0].r->member->committee, "提案委员会");
	ck_assert(b.v[0].r->member->new_member);
	ck_assert(!b.v[1].r->member->new_member);
	ck_assert_uint_eq(b.v[1].where, 3);
	ck_assert_str_eq(c[0].phone, "13800000000");
	ck_assert_ptr_null(c[0].address);
	ck_assert(ld_roster_personal(c, 2));
	/* The node's checks, with the line. */
	ck_assert_int_eq(ld_batch_check(&b, COUNTY, err, sizeof(err)), 0);
	ld_roster_free_contacts(c, b.n);
	ld_batch_free(&b);

	memset(c, 0, sizeof(c));
	ck_assert_int_eq(roster("姓名,籍贯\n张三,云南\n", &b, c), LD_ESYNTAX);
	ck_assert(strncmp(err, "roster.csv:1: unknown column '籍贯' (columns: "
	                       "姓名/name, 界别/sector",
	                  strlen("roster.csv:1: unknown column '籍贯' (columns: "
	                         "姓名/name, 界别/sector")) == 0);
	ld_batch_free(&b);
	ck_assert_int_eq(roster("界别\n经济界\n", &b, c), LD_ESYNTAX);
	ck_assert_str_eq(err, "roster.csv:1: no 姓名 (name) column");
	ld_batch_free(&b);
	ck_assert_int_eq(roster("姓名,新任委员\n张三,也许\n", &b, c),
	                 LD_ESYNTAX);
	ck_assert_str_eq(err, "roster.csv:2: new: '也许' is not 是/否 (yes/no)");
	ld_roster_free_contacts(c, b.n);
	ld_batch_free(&b);
	ck_assert_int_eq(roster("姓名,状态\n张三,在任\n李四,出国\n", &b, c), 0);
	ck_assert_int_eq(ld_batch_check(&b, COUNTY, err, sizeof(err)),
	                 LD_EREFUSED);
	ck_assert_str_eq(err, "roster.csv:3: status: unknown '出国' (one of: "
	                      "active (在任), left (离任), adjusted (已调整))");
	ld_roster_free_contacts(c, b.n);
	ld_batch_free(&b);
}
END_TEST

static Suite *
members_suite(void)
{
	Suite *s = suite_create("members");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_member_validation);
	tcase_add_test(tc, test_member_status_machine);
	tcase_add_test(tc, test_duty_validation);
	tcase_add_test(tc, test_quota);
	tcase_add_test(tc, test_fuyuan_participation);
	tcase_add_test(tc, test_fuyuan_tally_of);
	tcase_add_test(tc, test_city_training);
	tcase_add_test(tc, test_quota_met);
	tcase_add_test(tc, test_contacts_file);
	tcase_add_test(tc, test_roster);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(members_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
