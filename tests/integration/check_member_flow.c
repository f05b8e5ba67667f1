/* check_member_flow.c — members (委员) and duty entries (履职记录) across
 * three levels (province, city, two counties): a county's roster imported
 * (its personal columns kept in the county's members.private, and found
 * in no store: not the parent's, not the county's own), duty entries for
 * all participants in one step, flowing up and never to the sibling
 * county; a city's entry for a county member going up, not down; the
 * exact one-line refusals; and the members report reproducing the seeds:
 * 富源县 委员参与率 98%, a city's 70% of members and 95% of new members
 * trained. */
#define _GNU_SOURCE /* memmem */
#include "buf.h"
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define P_ID "530000"
#define Q_ID "530000/530300"
#define F_ID "530000/530300/530325"
#define S_ID "530000/530300/530381"
#define PLUGINS LD_BIN_DIR "/plugins/lib"

static struct th_node P, Q, F, S;
static char out[262144], err[8192];

#define HAS(text)                                                              \
	ck_assert_msg(strstr(out, (text)) != NULL,                             \
	              "line %d: no '%s' in:\n%s", __LINE__, (text), out)

/* Exit code `code` and exactly the line `line` on stderr. */
#define REFUSED_EXACTLY(code, call, line)                                      \
	do {                                                                   \
		int rc_ = (call);                                              \
		ck_assert_msg(rc_ == (code), "line %d: exit %d, not %d: %s",   \
		              __LINE__, rc_, (code), err);                     \
		ck_assert_str_eq(err, line);                                   \
	} while (0)

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

/* Does file `path` hold `needle` anywhere in its bytes? */
static bool
file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	size_t cap = 64u << 20, n;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, cap, f);
	fclose(f);
	bool yes = memmem(buf, n, needle, strlen(needle)) != NULL;
	free(buf);
	return yes;
}

static bool
store_has(const struct th_node *n, const char *needle)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/store/data.mdb", n->dir);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	return file_has(path, needle);
}

/* The ids of an import's --json answer, in order. */
static size_t
ids_of(const char *json, const char *owner, char ids[][LD_ID_MAX + 1],
       size_t max)
{
	size_t n = 0;
	char pat[LD_ID_MAX + 4];
	snprintf(pat, sizeof(pat), "\"%s:", owner);
	for (const char *p = strstr(json, pat); p != NULL && n < max;
	     p = strstr(p + 1, pat)) {
		size_t len = strcspn(p + 1, "\"");
		ck_assert_uint_le(len, LD_ID_MAX);
		memcpy(ids[n], p + 1, len);
		ids[n][len] = '\0';
		n++;
	}
	return n;
}

/* A duty entry for members ids[from .. to) through the API (more than
 * the CLI's argument list in the harness takes). */
static const char *
add_duty(struct th_node *n, const char *activity, const char *date,
         char ids[][LD_ID_MAX + 1], size_t from, size_t to)
{
	char *m[256];
	for (size_t i = from; i < to; i++)
		m[i - from] = ids[i];
	Ld__Duty d = LD__DUTY__INIT;
	d.activity = (char *)activity;
	d.date = (char *)date;
	d.members = m;
	d.n_members = to - from;
	Ld__Record r = LD__RECORD__INIT;
	r.body_case = LD__RECORD__BODY_DUTY;
	r.duty = &d;
	return th_add(n, &r);
}

START_TEST(test_members_three_levels)
{
	th_node_init(&P, "p", P_ID, "云南省政协", true, NULL,
	             "[report]\nplugin_dir = " PLUGINS "\n");
	th_node_init(&Q, "q", Q_ID, "曲靖市政协", true, &P,
	             "[report]\nplugin_dir = " PLUGINS "\n");
	th_node_init(&F, "f", F_ID, "富源县政协", false, &Q,
	             "[report]\nplugin_dir = " PLUGINS "\n");
	th_node_init(&S, "s", S_ID, "宣威市政协", false, &Q, NULL);
	th_node_start(&P);
	th_node_start(&Q);
	th_node_start(&F);
	th_node_start(&S);

	/* 富源县's roster: 52 members, 2 of whom have left; phones and ID
	 * numbers in the spreadsheet. */
	char path[700], line[256];
	snprintf(path, sizeof(path), "%s/roster.csv", th_root());
	struct ld_buf csv = {0};
	ld_buf_puts(&csv, "序号,姓名,界别,专委会,委员小组,届次,状态,新任委员,"
	                  "手机,身份证号\n");
	for (int i = 1; i <= 52; i++) {
		snprintf(line, sizeof(line),
		         "%d,委员%02d,%s,%s,第%d组,十二届,%s,%s,1380000%04d,"
		         "53032519800101%04d\n",
		         i, i, i % 2 ? "经济界" : "农业界",
		         i % 3 ? "提案委员会" : "经济委员会", 1 + i % 5,
		         i > 50 ? "离任" : "在任", i <= 10 ? "是" : "否", i, i);
		ld_buf_puts(&csv, line);
	}
	write_file(path, csv.p);
	ld_buf_free(&csv);
	OK(AT(&F, "member", "import", path, "--json"));
	HAS("\"imported\": 52");
	static char fm[52][LD_ID_MAX + 1];
	ck_assert_uint_eq(ids_of(out, F_ID, fm, 52), 52);

	/* The personal columns are at the county, in members.private. */
	snprintf(path, sizeof(path), "%s/%s", F.dir, "members.private");
	ck_assert(file_has(path, "13800000007"));
	ck_assert(file_has(path, "530325198001010007"));
	OK(AT(&F, "member", "contact", fm[6]));
	HAS("phone      13800000007\n");

	/* 宣威 (the sibling) has a member of its own. */
	OK(AT(&S, "member", "add", "--name", "邻县委员", "--sector", "教育界"));
	char sm[LD_ID_MAX + 1];
	take_id(sm);

	/* Attendance in one step: a survey of 40 (API), a consultation of
	 * 9 through the CLI for three of them and the API for six, a
	 * meeting in 2017 of member 50 and one in 2018 of member 51 (left). */
	char survey[LD_ID_MAX + 1], d1[LD_ID_MAX + 1];
	snprintf(survey, sizeof(survey), "%s",
	         add_duty(&F, "调研", "2018-05-03", fm, 0, 40));
	OK(AT(&F, "duty", "add", "--activity", "consultation", "--date",
	      "2018-09-20", "--member", fm[40], "--member", fm[41], "--member",
	      fm[42], "--ref", survey, "--note", "双月协商"));
	take_id(d1);
	add_duty(&F, "协商", "2018-09-20", fm, 43, 49);
	add_duty(&F, "会议", "2017-12-01", fm, 49, 50);
	add_duty(&F, "会议", "2018-02-01", fm, 50, 51);

	/* The city records its own entry for a county member. */
	OK(AT(&Q, "duty", "add", "--activity", "视察", "--date", "2018-10-10",
	      "--member", fm[0]));
	char qd[LD_ID_MAX + 1];
	take_id(qd);

	/* Refusals, each one exact line. */
	char want[1024];
	snprintf(want, sizeof(want),
	         "liandong: members: no member %s at this node\n", sm);
	REFUSED_EXACTLY(1,
	                AT(&F, "duty", "add", "--activity", "调研", "--date",
	                   "2018-05-03", "--member", sm),
	                want);
	REFUSED_EXACTLY(1,
	                AT(&F, "duty", "add", "--activity", "聚餐", "--date",
	                   "2018-05-03", "--member", fm[0]),
	                "liandong: activity: unknown '聚餐' (one of: 调研 "
	                "(survey), 视察 (inspection), 协商 (consultation), 会议 "
	                "(meeting), 培训 (training), 提案 (proposal), 社情民意 "
	                "(opinion), 建议 (suggestion), 实事 (deed))\n");
	REFUSED_EXACTLY(1,
	                AT(&F, "duty", "add", "--activity", "调研", "--date",
	                   "2018-5-3", "--member", fm[0]),
	                "liandong: date: '2018-5-3' is not a date "
	                "(YYYY-MM-DD)\n");
	snprintf(want, sizeof(want),
	         "liandong: members: %s is listed twice\n", fm[0]);
	REFUSED_EXACTLY(1,
	                AT(&F, "duty", "add", "--activity", "调研", "--date",
	                   "2018-05-03", "--member", fm[0], "--member", fm[0]),
	                want);
	REFUSED_EXACTLY(1,
	                AT(&F, "duty", "add", "--activity", "调研", "--date",
	                   "2018-05-03", "--member", fm[0], "--ref",
	                   F_ID ":7"),
	                "liandong: ref: no record " F_ID ":7 at this node\n");
	snprintf(want, sizeof(want),
	         "liandong: members: %s is a duty, not a member\n", d1);
	REFUSED_EXACTLY(1,
	                AT(&F, "duty", "add", "--activity", "调研", "--date",
	                   "2018-05-03", "--member", d1),
	                want);
	REFUSED_EXACTLY(2,
	                AT(&F, "duty", "add", "--activity", "调研", "--date",
	                   "2018-05-03"),
	                "liandong duty add: --member ID is required (once for "
	                "each member who took part) (see 'liandong duty add "
	                "--help')\n");
	REFUSED_EXACTLY(1,
	                AT(&F, "member", "add", "--name", "赵六", "--status",
	                   "retired"),
	                "liandong: status: unknown 'retired' (one of: active "
	                "(在任), left (离任), adjusted (已调整))\n");
	REFUSED_EXACTLY(2, AT(&F, "member", "add", "--sector", "经济界"),
	                "liandong member add: --name is required (see "
	                "'liandong member add --help')\n");
	/* 委员52 left (离任 in the roster): final. */
	REFUSED_EXACTLY(1, AT(&F, "member", "set", fm[51], "--group", "第1组"),
	                "liandong: status: the member is left and can no "
	                "longer change\n");
	REFUSED_EXACTLY(1, AT(&F, "member", "set", fm[51], "--status", "在任"),
	                "liandong: status: a member cannot go from left to "
	                "active (allowed: none (left is final))\n");
	snprintf(want, sizeof(want),
	         "liandong: %s is a member of " F_ID ": personal details are "
	         "kept only there\n",
	         fm[0]);
	REFUSED_EXACTLY(1, AT(&Q, "member", "contact", fm[0]), want);

	/* A roster saved as GBK: refused with its line, and how to
	 * convert it; nothing written. */
	snprintf(path, sizeof(path), "%s/gbk.csv", th_root());
	write_file(path, "姓名,界别\n委员甲,经济界\n\xd5\xc5\xc8\xfd,农业界\n");
	snprintf(want, sizeof(want),
	         "liandong: %s:3:1: not UTF-8 (byte 0xd5); save the file as "
	         "UTF-8 (\"CSV UTF-8\"), not GBK\n",
	         path);
	REFUSED_EXACTLY(1, AT(&F, "member", "import", path), want);
	snprintf(path, sizeof(path), "%s/bad.csv", th_root());
	write_file(path, "姓名,状态\n委员甲,在任\n委员乙,出国\n");
	snprintf(want, sizeof(want),
	         "liandong: %s:3: status: unknown '出国' (one of: active "
	         "(在任), left (离任), adjusted (已调整))\n",
	         path);
	REFUSED_EXACTLY(1, AT(&F, "member", "import", path), want);

	/* A whole export holds them; import creates both (a duty entry
	 * names the new ids of the members of the same file). */
	snprintf(path, sizeof(path), "%s/fuyuan.json", th_root());
	OK(AT(&F, "export", "--json", "--out", path));
	OK(AT(&F, "import", path, "--dry-run"));
	ck_assert_msg(strstr(out, "52 members, 5 duty entries") != NULL, "%s",
	              out);

	/* Everything has flowed. */
	ck_assert(th_wait_quiet(&F, th_ms(20000)));
	ck_assert(th_wait_quiet(&S, th_ms(20000)));
	ck_assert(th_wait_quiet(&Q, th_ms(20000)));
	ck_assert(th_wait_record(&P, qd, th_ms(10000)));
	ck_assert(th_wait_record(&P, d1, th_ms(10000)));
	ck_assert(th_wait_record(&P, fm[51], th_ms(10000)));
	ck_assert(th_wait_quiet(&P, th_ms(20000)));

	/* Up: the city and the province hold the county's members and
	 * entries; the sibling holds none, nor the county the sibling's. */
	struct th_idv *v = NULL;
	ck_assert_uint_eq(th_list(&Q, F_ID, LD__KIND__KIND_MEMBER, &v), 52);
	free(v);
	ck_assert_uint_eq(th_list(&P, F_ID, LD__KIND__KIND_MEMBER, &v), 52);
	free(v);
	ck_assert_uint_eq(th_list(&P, F_ID, LD__KIND__KIND_DUTY, &v), 5);
	free(v);
	ck_assert_uint_eq(th_list(&S, F_ID, 0, &v), 0);
	free(v);
	ck_assert_uint_eq(th_list(&S, Q_ID, LD__KIND__KIND_DUTY, &v), 0);
	free(v);
	ck_assert_uint_eq(th_list(&F, S_ID, 0, &v), 0);
	free(v);
	ck_assert_ptr_null(th_get(&F, qd, &(size_t){0}));
	ck_assert_ptr_null(th_get(&S, fm[0], &(size_t){0}));
	void *held = th_get(&Q, sm, &(size_t){0});
	ck_assert_ptr_nonnull(held);
	free(held);

	/* The member as the province holds it: what the figures need. */
	Ld__Record *r = th_record_at(&P, fm[6], 1);
	ck_assert_int_eq(r->kind, LD__KIND__KIND_MEMBER);
	ck_assert_str_eq(r->member->name, "委员07");
	ck_assert_str_eq(r->member->sector, "经济界");
	ck_assert_str_eq(r->member->group, "第3组");
	ck_assert(r->member->new_member);
	ck_assert_uint_eq(r->n_scope, 0);
	ld__record__free_unpacked(r, NULL);

	/* Personal details are in no store: not the parent's, not the
	 * province's, not even the owner's. */
	ck_assert(!store_has(&Q, "13800000007"));
	ck_assert(!store_has(&P, "13800000007"));
	ck_assert(!store_has(&F, "13800000007"));
	ck_assert(!store_has(&Q, "530325198001010007"));
	ck_assert(store_has(&Q, "委员07"));
	snprintf(path, sizeof(path), "%s/members.private", Q.dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/members.private", P.dir);
	ck_assert_int_ne(access(path, F_OK), 0);

	/* 富源县 2018: 49 of its 50 members in office took part: 98%. */
	OK(AT(&F, "report", "members", "--year", "2018", "--format", "csv"));
	HAS("富源县政协,50,49,98.0%,");
	HAS("参与率,98.0%\r\n"); /* a share as the tables show it (figures.c) */
	HAS("委员01,富源县政协,经济界,提案委员会,第2组,在任,1,1,");
	HAS("委员52,富源县政协,农业界,提案委员会,第3组,离任,0,");
	/* `figures` counts 委员参与率 by the same rule (members.c). */
	OK(AT(&F, "figures", "--year", "2018"));
	HAS("members (委员): 50 in office, 49 took part\n");
	HAS("委员参与率                    49 of 50 = 98.0%\n");
	OK(AT(&F, "figures", "--year", "2018", "--json"));
	HAS("\"members\": {\"active\": 50, \"took_part\": 49, "
	    "\"participation_rate\": 0.9800}");
	HAS("\"委员参与率\": 0.98}");
	/* And the summary report, from the host's members (the SDK's). */
	OK(AT(&F, "report", "summary", "--year", "2018", "--format", "json"));
	HAS("\"委员参与率\":0.98");
	/* The province counts the county's the same from what flowed up. */
	OK(AT(&P, "figures", "--year", "2018", "--owner", F_ID));
	HAS("委员参与率                    49 of 50 = 98.0%\n");
	/* At the city its own entry counts too (委员01's 视察). */
	OK(AT(&Q, "report", "members", "--year", "2018", "--format", "csv"));
	HAS("富源县政协,50,49,98.0%,");
	HAS("委员01,富源县政协,经济界,提案委员会,第2组,在任,2,1,1,");
	/* A quota of its own: two 调研 each. */
	OK(AT(&F, "report", "members", "--year", "2018", "--format", "csv",
	      "--set", "quota=调研=2"));
	HAS("委员01,富源县政协,经济界,提案委员会,第2组,在任,1,1,0,0,0,0,0,0,0,"
	    "0,调研 1\r\n");
	REFUSED(1, AT(&F, "report", "members", "--set", "quota=飞=1"),
	        "quota: unknown activity '飞'");

	/* 曲靖市政协 since the new term: 40 members, 20 of them new; 28
	 * trained, 19 of them new: 70% and 95%. */
	snprintf(path, sizeof(path), "%s/city.csv", th_root());
	struct ld_buf cc = {0};
	ld_buf_puts(&cc, "name,sector,new\n");
	for (int i = 1; i <= 40; i++) {
		snprintf(line, sizeof(line), "市委员%02d,%s,%s\n", i,
		         i % 2 ? "经济界" : "教育界", i <= 20 ? "yes" : "no");
		ld_buf_puts(&cc, line);
	}
	write_file(path, cc.p);
	ld_buf_free(&cc);
	OK(AT(&Q, "member", "import", path, "--json"));
	static char qm[40][LD_ID_MAX + 1];
	ck_assert_uint_eq(ids_of(out, Q_ID, qm, 40), 40);
	/* 19 new and 9 others, in two sessions. */
	add_duty(&Q, "培训", "2017-03-01", qm, 0, 19);
	add_duty(&Q, "training", "2018-03-01", qm, 20, 29);
	OK(AT(&Q, "report", "members", "--format", "csv"));
	HAS("曲靖市政协,40,28,70.0%,28,70.0%,20,19,95.0%,40\r\n");
	ck_assert(th_wait_quiet(&Q, th_ms(20000)));
	OK(AT(&P, "report", "members", "--format", "csv"));
	HAS("曲靖市政协,40,28,70.0%,28,70.0%,20,19,95.0%,40\r\n");
	HAS("富源县政协,50,");
}
END_TEST

static Suite *
members_suite(void)
{
	Suite *s = suite_create("members");
	TCase *tc = tcase_create("three_levels");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_members_three_levels);
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
