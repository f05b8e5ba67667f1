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
	ck_assert_int_eq(ld_doc_figure(d, "解决率", 0.9486), 0);
	ck_assert_int_eq(ld_doc_heading(d, "一、总体情况"), 0);
	ck_assert_int_eq(ld_doc_para(d, "A&B <不是标签> \"引号\""), 0);
	ck_assert_int_eq(ld_doc_table(d, "表1 各单位", 3, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, r1), 0);
	ck_assert_int_eq(ld_doc_row(d, r2), 0);
	ck_assert_int_eq(ld_doc_chart(d, "各类活动", 3, labels, values), 0);
	/* A wide table like the supervision report's: long topics squeeze
	 * the state column. */
	static const char *const wcols[] = {"任务", "单位", "状态", "说明",
	                                    "督办意见", "整改情况"};
	static const char *const wrow[] = {
	    "秦岭北麓违建整治三级联动民主监督专项行动第一阶段",
	    "西安市鄠邑区人民政府及其所属各部门和各街道办事处",
	    "已转办",
	    "已将任务转交下级政协组织各县区开展实地调研和明查暗访工作",
	    "请于十二月底前报送整改清单并附现场照片和相关佐证材料说明",
	    "违建十二处中九处已拆除其余三处正在办理拆除的法律程序"};
	ck_assert_int_eq(ld_doc_table(d, "表2 督办任务", 6, wcols), 0);
	ck_assert_int_eq(ld_doc_row(d, wrow), 0);
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
	/* The test's own copy gets a script (a report has none) that notes
	 * on every one-word cell how many lines its text took, for the dumped
	 * DOM to show. */
	static const char probe[] =
	    "<script>addEventListener('load',()=>{for(const c of "
	    "document.querySelectorAll('td')){const r=document.createRange();"
	    "r.selectNodeContents(c);const tops=new Set();for(const x of "
	    "r.getClientRects())tops.add(Math.round(x.top));"
	    "c.setAttribute('data-lines',tops.size)}"
	    "document.body.setAttribute('data-probed','1')})</script>\n";
	char *tail = strstr(html, "</body>");
	ck_assert_ptr_nonnull(tail);
	size_t head_len = (size_t)(tail - html);
	char *withprobe = malloc(len + sizeof(probe));
	ck_assert_ptr_nonnull(withprobe);
	memcpy(withprobe, html, head_len);
	memcpy(withprobe + head_len, probe, sizeof(probe) - 1);
	memcpy(withprobe + head_len + sizeof(probe) - 1, tail,
	       len - head_len);
	write_file(page, withprobe, len + sizeof(probe) - 1);
	free(withprobe);
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
	                "--window-size=480,900",
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
	/* Shares show as percentages, as the tables show them. */
	ck_assert_msg(strstr(got, "<dd data-figure=\"满意率\">100.0%</dd>") !=
	                  NULL,
	              "满意率 card not a percentage:\n%s", got);
	ck_assert_ptr_nonnull(
	    strstr(got, "<dd data-figure=\"解决率\">94.9%</dd>"));
	/* A short state in a squeezed table stays on one line; the long
	 * text beside it wraps. */
	ck_assert_msg(strstr(got, "data-probed=\"1\"") != NULL,
	              "the probe did not run:\n%s", got);
	ck_assert_msg(strstr(got, "<td class=\"w\" data-lines=\"1\">已转办</td>") !=
	                  NULL,
	              "已转办 wraps:\n%s", strstr(got, "表2"));
	ck_assert_ptr_null(strstr(got, "data-lines=\"1\">秦岭北麓"));
	ck_assert_ptr_nonnull(strstr(got, "<h1>2024年度民主监督报表</h1>"));
	/* Escaped text came back as text, not markup. */
	ck_assert_ptr_nonnull(
	    strstr(got, "<p>A&amp;B &lt;不是标签&gt; \"引号\"</p>"));
	ck_assert_ptr_nonnull(strstr(got, "<caption>表1 各单位</caption>"));
	ck_assert_ptr_nonnull(strstr(got, ">富源县政协</td>"
	                                  "<td class=\"num\" data-lines=\"1\">6</td>"));
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
