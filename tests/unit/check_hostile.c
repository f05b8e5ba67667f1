/* check_hostile.c — the pure rules that keep a hostile peer in check:
 * the rate limit on warnings (core/log.c) and the margins within which a
 * parent's id floor and NODE version are believed (core/floor.c). */
#include "floor.h"
#include "log.h"

#include <check.h>
#include <stdlib.h>

START_TEST(test_ratelimit)
{
	struct ld_ratelimit rl = {0, 0};
	uint64_t skipped = 99;
	ck_assert(ld_ratelimit_take(&rl, 5000, &skipped));
	ck_assert_uint_eq(skipped, 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(!ld_ratelimit_take(&rl, 5000 + i % 999, &skipped));
	ck_assert(ld_ratelimit_take(&rl, 6000, &skipped));
	ck_assert_uint_eq(skipped, 1000);
	ck_assert(!ld_ratelimit_take(&rl, 6999, &skipped));
	ck_assert(ld_ratelimit_take(&rl, 7000, &skipped));
	ck_assert_uint_eq(skipped, 1);
	/* A clock at 0 still counts as a line logged. */
	struct ld_ratelimit z = {0, 0};
	ck_assert(ld_ratelimit_take(&z, 0, &skipped));
	ck_assert(!ld_ratelimit_take(&z, 500, &skipped));
}
END_TEST

START_TEST(test_floor_margin)
{
	uint64_t clock = ld_floor_clock_counter(INT64_C(1704067200000) + 5000);
	ck_assert_uint_eq(clock, 5000);
	ck_assert_uint_eq(ld_floor_clock_counter(0), 0);
	/* Below what we know, or within the margin of the larger. */
	ck_assert(ld_floor_counter_ok(10, 100, 50));
	ck_assert(ld_floor_counter_ok(100 + LD_FLOOR_ID_MARGIN, 100, 50));
	ck_assert(!ld_floor_counter_ok(101 + LD_FLOOR_ID_MARGIN, 100, 50));
	ck_assert(ld_floor_counter_ok(7000 + LD_FLOOR_ID_MARGIN, 0, 7000));
	ck_assert(!ld_floor_counter_ok((UINT64_C(1) << 53) - 3, 0,
	                               UINT64_C(60000000000)));
	ck_assert(ld_floor_version_ok(5, 1));
	ck_assert(ld_floor_version_ok(1 + LD_FLOOR_VERSION_MARGIN, 1));
	ck_assert(!ld_floor_version_ok(2 + LD_FLOOR_VERSION_MARGIN, 1));
	ck_assert(!ld_floor_version_ok((UINT64_C(1) << 53) - 3, 3));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, test_ratelimit);
	tcase_add_test(tc, test_floor_margin);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
