/* check_render_html.c — the HTML report as a browser reads it: a page is
 * rendered, loaded in headless Chromium, and the DOM Chromium built is
 * checked for the figures and the bar chart (render). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "render.h"

extern char **environ;

/* The scratch directory, made and removed by main() so that a failed
 * check (which ends the forked test at once) leaves nothing behind. */
static char dir[512];

static void
write_file(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t cap = 1 << 16, len = 0;
	char *p = malloc(cap);
	ck_assert_ptr_nonnull(p);
	size_t n;
	while ((n = fread(p + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			p = realloc(p, cap);
			ck_assert_ptr_nonnull(p);
		}
	}
	fclose(f);
	p[len] = '\0';
	return p;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static size_t
count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

START_TEST(test_chromium_dom)
{
	const char *chromium = getenv("LD_CHROMIUM");
	if (chromium == NULL)
		chromium = "/usr/bin/chromium";
	ck_assert_msg(access(chromium, X_OK) == 0,
	              "%s is missing: run deploy/setup.sh (it installs "
	              "Debian's chromium), then run this test again",
	              chromium);

	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"单位", "调研", "视察"};
	static const char *const r1[] = {"富源县政协", "6", "3"};
	static const char *const r2[] = {"曲靖市政协", "4", "1"};
	static const char *const labels[] = {"调研", "视察", "联合调研"};
	static const double values[] = {10, 4, 0};
	ck_assert_int_eq(ld_doc_title(d, "2024年度民主监督报表"), 0);
	ck_assert_int_eq(ld_doc_figure(d, "调研", 10), 0);
	ck_assert_int_eq(ld_doc_figure(d, "视察", 4), 0);
	ck_assert_int_eq(ld_doc_figure(d, "满意率", 1), 0);
	ck_assert_int_eq(ld_doc_heading(d, "一、总体情况"), 0);
	ck_assert_int_eq(ld_doc_para(d, "A&B <不是标签> \"引号\""), 0);
	ck_assert_int_eq(ld_doc_table(d, "表1 各单位", 3, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, r1), 0);
	ck_assert_int_eq(ld_doc_row(d, r2), 0);
	ck_assert_int_eq(ld_doc_chart(d, "各类活动", 3, labels, values), 0);
	char *html = NULL;
	size_t len = 0;
	ck_assert_int_eq(ld_doc_render(d, "html", false, &html, &len), 0);
	ld_doc_free(&d);

	char page[600], dom[600], err[600], profile[600], url[640];
	snprintf(page, sizeof(page), "%s/report.html", dir);
	snprintf(dom, sizeof(dom), "%s/dom.html", dir);
	snprintf(err, sizeof(err), "%s/chromium.log", dir);
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", dir);
	snprintf(url, sizeof(url), "file://%s", page);
	write_file(page, html, len);
	free(html);

	/* Bounded: a browser that hangs fails the test, not the suite. */
	char *argv[] = {"timeout",
	                "60",
	                (char *)chromium,
	                "--headless=new",
	                "--no-sandbox",
	                "--disable-gpu",
	                "--disable-dev-shm-usage",
	                "--no-first-run",
	                profile,
	                "--dump-dom",
	                url,
	                NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, dom,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid;
	int rc = posix_spawnp(&pid, "timeout", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	ck_assert_msg(rc == 0, "cannot start timeout(1): %s", strerror(rc));
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "check_render_html: chromium took %.1f s\n",
	        (double)(t1.tv_sec - t0.tv_sec) +
	            (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	char *log = read_file(err);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "chromium failed (status %d; 124: timed out):\n%s",
	              status, log);
	free(log);
	char *got = read_file(dom);

	/* The figures, found where a reader (or a scraper) looks. */
	ck_assert_msg(strstr(got, "<dd data-figure=\"调研\">10</dd>") != NULL,
	              "no 调研 figure in:\n%s", got);
	ck_assert_ptr_nonnull(strstr(got, "<dd data-figure=\"视察\">4</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<dd data-figure=\"满意率\">1</dd>"));
	ck_assert_ptr_nonnull(strstr(got, "<h1>2024年度民主监督报表</h1>"));
	/* Escaped text came back as text, not markup. */
	ck_assert_ptr_nonnull(
	    strstr(got, "<p>A&amp;B &lt;不是标签&gt; \"引号\"</p>"));
	ck_assert_ptr_nonnull(strstr(got, "<caption>表1 各单位</caption>"));
	ck_assert_ptr_nonnull(strstr(got, "<td>富源县政协</td>"
	                                  "<td class=\"num\">6</td>"));
	/* The chart: one SVG inside the figure, a group per bar, a rect for
	 * each non-zero value (0 draws a rect of no width). */
	const char *svg =
	    strstr(got, "<figure class=\"chart\" data-chart=\"1\">");
	ck_assert_ptr_nonnull(svg);
	svg = strstr(svg, "<svg");
	ck_assert_ptr_nonnull(svg);
	ck_assert_uint_eq(count(got, "<svg"), 1);
	ck_assert_uint_eq(count(svg, "<g class=\"bar\""), 3);
	ck_assert_uint_eq(count(svg, "<rect"), 3);
	ck_assert_ptr_nonnull(strstr(svg, "data-label=\"调研\" "
	                                  "data-value=\"10\""));
	ck_assert_ptr_nonnull(strstr(svg, "data-label=\"视察\" "
	                                  "data-value=\"4\""));
	ck_assert_ptr_nonnull(strstr(svg, "text-anchor=\"end\">调研</text>"));
	ck_assert_ptr_nonnull(strstr(svg, "width=\"532.0\""));
	ck_assert_ptr_nonnull(strstr(svg, "width=\"212.8\""));
	ck_assert_ptr_nonnull(strstr(got, "</svg>\n</figure>"));
	free(got);
}
END_TEST

static Suite *
render_html_suite(void)
{
	Suite *s = suite_create("render_html");
	TCase *tc = tcase_create("chromium");
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_chromium_dom);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/ld-render.XXXXXX",
	         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return EXIT_FAILURE;
	}
	SRunner *sr = srunner_create(render_html_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		perror(dir);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
