/* check_health.c — the health of the tree with real daemons: a province,
 * two cities and four counties with short [health] intervals; the
 * province's 'status --tree' lists all seven offices with their links up;
 * a county killed is shown SILENT at the province once the silent window
 * passes, and its city (only its city) has it in its inbox. */
#include "cli_assert.h"
#include "harness.h"

#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_ID "610000"
#define C2_ID "610000/610300"
#define X22_ID "610000/610300/610331"

static struct th_node P, C1, C2, X11, X12, X21, X22;
static char out[1 << 20], err[8192];

static const char *const extra = "\n[health]\nevery = 1s\nrefresh = 2s\n"
                                 "silent_after = 6s\n";

/* The province's tree as JSON (caller puts it), or NULL. */
static json_object *
tree_of(struct th_node *n)
{
	if (AT(n, "status", "--tree", "--json") != 0)
		return NULL;
	json_object *o = json_tokener_parse(out), *s, *t;
	if (o == NULL)
		return NULL;
	if (!json_object_object_get_ex(o, "status", &s))
		s = o;
	if (!json_object_object_get_ex(s, "tree", &t)) {
		json_object_put(o);
		return NULL;
	}
	json_object_get(t);
	json_object_put(o);
	return t;
}

static const char *
str_of(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v)
	                                           : "";
}

static bool
bool_of(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

/* Seven offices, none silent, each with a HEALTH whose links are all
 * connected (the counties: one link; the cities: three; the province:
 * two). */
static bool
all_up(json_object *t, char *why, size_t len)
{
	size_t n = t ? json_object_array_length(t) : 0;
	if (n != 7) {
		snprintf(why, len, "%zu offices", n);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(t, i), *h, *links;
		const char *path = str_of(o, "path");
		if (bool_of(o, "silent") || !json_object_object_get_ex(o, "health", &h) ||
		    !json_object_object_get_ex(h, "links", &links)) {
			snprintf(why, len, "%s silent or no health", path);
			return false;
		}
		size_t nl = json_object_array_length(links);
		size_t want = strcmp(path, P_ID) == 0 ? 2
		              : strlen(path) == strlen(C2_ID) ? 3 : 1;
		if (nl != want) {
			snprintf(why, len, "%s: %zu links", path, nl);
			return false;
		}
		for (size_t k = 0; k < nl; k++)
			if (!bool_of(json_object_array_get_idx(links, k),
			             "connected")) {
				snprintf(why, len, "%s: a link down", path);
				return false;
			}
	}
	return true;
}

static json_object *
office(json_object *t, const char *path)
{
	for (size_t i = 0; t && i < json_object_array_length(t); i++) {
		json_object *o = json_object_array_get_idx(t, i);
		if (strcmp(str_of(o, "path"), path) == 0)
			return o;
	}
	return NULL;
}

/* Does `n`'s inbox hold a "silent" item about `path`? */
static bool
inbox_silent(struct th_node *n, const char *path)
{
	if (AT(n, "inbox", "--json") != 0)
		return false;
	json_object *o = json_tokener_parse(out), *ib, *items;
	if (o == NULL)
		return false;
	bool found = false;
	if (!json_object_object_get_ex(o, "inbox", &ib))
		ib = o;
	if (json_object_object_get_ex(ib, "items", &items))
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			json_object *it = json_object_array_get_idx(items, i);
			found |= strcmp(str_of(it, "action"), "silent") == 0 &&
			         strcmp(str_of(it, "from"), path) == 0;
		}
	json_object_put(o);
	return found;
}

START_TEST(test_tree)
{
	th_node_init(&P, "p", P_ID, "陕西省政协", true, NULL, extra);
	th_node_init(&C1, "c1", "610000/610100", "西安市政协", true, &P, extra);
	th_node_init(&C2, "c2", C2_ID, "宝鸡市政协", true, &P, extra);
	th_node_init(&X11, "x11", "610000/610100/610115", "临潼区政协", false,
	             &C1, extra);
	th_node_init(&X12, "x12", "610000/610100/610124", "周至县政协", false,
	             &C1, extra);
	th_node_init(&X21, "x21", "610000/610300/610323", "岐山县政协", false,
	             &C2, extra);
	th_node_init(&X22, "x22", X22_ID, "太白县政协", false, &C2, extra);
	struct th_node *all[] = {&P, &C1, &C2, &X11, &X12, &X21, &X22};
	for (size_t i = 0; i < 7; i++)
		th_node_start(all[i]);

	/* All up: the province sees seven offices, every link connected. */
	char why[200] = "";
	bool up = false;
	int64_t end = th_now_ms() + th_ms(40000);
	while (!up && th_now_ms() < end) {
		json_object *t = tree_of(&P);
		up = all_up(t, why, sizeof(why));
		json_object_put(t);
		if (!up)
			th_sleep_ms(200);
	}
	ck_assert_msg(up, "the tree never came up whole: %s", why);
	OK(AT(&P, "status", "--tree"));
	ck_assert_msg(strstr(out, "7 offices, 0 SILENT") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "太白县政协") != NULL, "%s", out);
	ck_assert(!inbox_silent(&C2, X22_ID));
	/* One HEALTH record per office, however often each was written. */
	OK(AT(&P, "list", "--kind", "health"));
	size_t lines = 0;
	for (const char *q = out; *q; q++)
		lines += *q == '\n';
	ck_assert_msg(lines == 8, "%s", out);

	/* A county stops: after the silent window the province shows it
	 * SILENT, and its city's inbox lists it. */
	th_node_kill(&X22);
	bool silent = false;
	end = th_now_ms() + th_ms(40000);
	while (!silent && th_now_ms() < end) {
		json_object *t = tree_of(&P);
		silent = bool_of(office(t, X22_ID), "silent");
		json_object_put(t);
		if (!silent)
			th_sleep_ms(250);
	}
	ck_assert_msg(silent, "the stopped county is not SILENT at the province");
	json_object *t = tree_of(&P);
	for (size_t i = 0; i < json_object_array_length(t); i++) {
		json_object *o = json_object_array_get_idx(t, i);
		ck_assert_msg(strcmp(str_of(o, "path"), X22_ID) == 0 ||
		                  !bool_of(o, "silent"),
		              "%s is SILENT too", str_of(o, "path"));
	}
	/* Its city says the link is down. */
	json_object *c2 = office(t, C2_ID), *h, *links;
	ck_assert(json_object_object_get_ex(c2, "health", &h));
	ck_assert(json_object_object_get_ex(h, "links", &links));
	bool down = false;
	for (size_t k = 0; k < json_object_array_length(links); k++) {
		json_object *l = json_object_array_get_idx(links, k);
		if (strcmp(str_of(l, "path"), X22_ID) == 0)
			down = !bool_of(l, "connected");
	}
	ck_assert_msg(down, "the city still reports its link to the county up");
	json_object_put(t);
	OK(AT(&P, "status", "--tree"));
	ck_assert_msg(strstr(out, "7 offices, 1 SILENT") != NULL, "%s", out);
	ck_assert_msg(strstr(out, "SILENT") != NULL, "%s", out);

	end = th_now_ms() + th_ms(20000);
	while (!inbox_silent(&C2, X22_ID) && th_now_ms() < end)
		th_sleep_ms(250);
	ck_assert_msg(inbox_silent(&C2, X22_ID), "the city's inbox lacks it");
	OK(AT(&C2, "inbox"));
	ck_assert_msg(strstr(out, "下级节点失联") != NULL, "%s", out);
	/* Only the office directly above is told. */
	ck_assert(!inbox_silent(&P, X22_ID));
	/* Every other daemon stops cleanly (a sanitizer finding would not). */
	for (size_t i = 0; i < 6; i++)
		ck_assert_int_eq(th_node_stop(all[i]), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("health");
	TCase *tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, th_setup, th_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_tree);
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
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
