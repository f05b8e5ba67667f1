/* check_web_api.c — the pure parts of liandong-web's JSON API (apiv1.c):
 * paths with record ids holding '/' and ':', the field a message names,
 * the error document (escaped by JSON only), statuses, safe media types. */
#include <check.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "apiv1.h"

START_TEST(paths)
{
	struct ld_api_path p;
	ck_assert_int_eq(ld_api_path_parse("records", &p), LD_RES_RECORDS);
	ck_assert_int_eq(ld_api_path_parse("me", &p), LD_RES_ME);
	ck_assert_int_eq(ld_api_path_parse("records/530000/530300:12", &p),
	                 LD_RES_RECORD);
	ck_assert_str_eq(p.id, "530000/530300:12");
	ck_assert_int_eq(
	    ld_api_path_parse("records/530000/530300:12/history", &p),
	    LD_RES_HISTORY);
	ck_assert_str_eq(p.id, "530000/530300:12");
	ck_assert_int_eq(
	    ld_api_path_parse("records/530000:7/attachments/2", &p),
	    LD_RES_ATTACHMENT);
	ck_assert_str_eq(p.id, "530000:7");
	ck_assert_uint_eq(p.n, 2);
	ck_assert_int_eq(ld_api_path_parse("tasks/530000:3/progress", &p),
	                 LD_RES_PROGRESS);
	ck_assert_str_eq(p.id, "530000:3");
	ck_assert_int_eq(ld_api_path_parse("proposals/progress", &p),
	                 LD_RES_PROPOSALS);
	ck_assert_int_eq(ld_api_path_parse("proposals/progress/x", &p),
	                 LD_RES_NONE);
	ck_assert_int_eq(ld_api_path_parse("records/", &p), LD_RES_NONE);
	ck_assert_int_eq(ld_api_path_parse("records//history", &p),
	                 LD_RES_NONE);
	ck_assert_int_eq(ld_api_path_parse("tasks/530000:3", &p), LD_RES_NONE);
	ck_assert_int_eq(ld_api_path_parse("nothing", &p), LD_RES_NONE);
	/* attachments/0 and /01 are not numbers here: the id takes them. */
	ck_assert_int_eq(ld_api_path_parse("records/530000:7/attachments/0",
	                                   &p),
	                 LD_RES_RECORD);
}
END_TEST

START_TEST(error_document)
{
	struct ld_buf b = {0};
	ld_api_error_json(&b, LD_API_REFUSED, "topic: <script>\"x\"</script>");
	json_object *o = json_tokener_parse(b.p);
	ck_assert_ptr_nonnull(o);
	json_object *v;
	ck_assert(json_object_object_get_ex(o, "error", &v));
	ck_assert_str_eq(json_object_get_string(v),
	                 "topic: <script>\"x\"</script>");
	ck_assert(json_object_object_get_ex(o, "field", &v));
	ck_assert_str_eq(json_object_get_string(v), "topic");
	ck_assert(json_object_object_get_ex(o, "code", &v));
	ck_assert_str_eq(json_object_get_string(v), "refused");
	json_object_put(o);
	ld_buf_free(&b);
	ld_api_error_json(&b, LD_API_UNAUTHORIZED, "not signed in");
	ck_assert_ptr_null(strstr(b.p, "field"));
	ld_buf_free(&b);
	ld_api_error_json(&b, LD_API_INTERNAL, "store write failed: disk full");
	ck_assert_ptr_null(strstr(b.p, "field"));
	ld_buf_free(&b);
	ck_assert_uint_eq(ld_api_status(LD_API_CONFLICT), 409);
	ck_assert_uint_eq(ld_api_status(LD_API_TOO_LARGE), 413);
	ck_assert_uint_eq(ld_api_status(LD_API_UNAVAILABLE), 503);
	ck_assert_str_eq(ld_api_code_name(LD_API_FORBIDDEN), "forbidden");
}
END_TEST

START_TEST(media_types)
{
	ck_assert(ld_api_safe_type("image/jpeg"));
	ck_assert(ld_api_safe_type("application/pdf"));
	ck_assert(ld_api_safe_type("text/plain; charset=utf-8"));
	ck_assert(!ld_api_safe_type("text/html"));
	ck_assert(!ld_api_safe_type("image/svg+xml"));
	ck_assert(!ld_api_safe_type("application/javascript"));
	ck_assert(!ld_api_safe_type("text/plain\r\nSet-Cookie: x=1"));
	ck_assert(!ld_api_safe_type(""));
	ck_assert(!ld_api_safe_type("nonsense"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("web_api");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, paths);
	tcase_add_test(tc, error_document);
	tcase_add_test(tc, media_types);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
