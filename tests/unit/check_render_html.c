/* check_render_html.c — the HTML report as a browser reads it: a page is
 * rendered, loaded in headless Chromium, and the DOM Chromium built is
 * checked for the figures and the bar chart (render).
 *
 * Run as "check_render_html glyphs" (ctest: check_render_glyphs) it checks
 * instead that the Chinese text is drawn with real glyphs: the report is
 * screenshotted twice, once with the machine's fonts and once with a
 * fontconfig that knows only DejaVu (no CJK: the text falls back to boxes),
 * and the pixels where the Chinese text stands must differ. Without
 * fonts-noto-cjk (deploy/setup.sh installs it) that run is skipped
 * (exit 77). */
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
#include <zlib.h>

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

/* ---- glyphs: the Chinese text drawn, not boxes ---- */

/* Runs Chromium on url with a screenshot to shot, and with --dump-dom
 * when out is not NULL (one run does both: the DOM after load); with
 * fontconfig set, FONTCONFIG_FILE names it. Fails the test if Chromium
 * fails or takes more than 60 s. */
static void
run_chromium(const char *chromium, const char *shot, const char *url,
             const char *out, const char *fontconfig, const char *profile)
{
	char err[600], prof[600], fcenv[700], mode[700];
	snprintf(err, sizeof(err), "%s/chromium.log", dir);
	snprintf(prof, sizeof(prof), "--user-data-dir=%s", profile);
	snprintf(mode, sizeof(mode), "--screenshot=%s", shot);
	char *argv[] = {"timeout", "60", (char *)chromium, "--headless=new",
	                "--no-sandbox", "--disable-gpu",
	                "--disable-dev-shm-usage", "--no-first-run",
	                "--hide-scrollbars", "--window-size=480,900", prof,
	                mode, (char *)url, NULL, NULL};
	if (out != NULL) {
		argv[13] = argv[12];
		argv[12] = "--dump-dom";
	}
	/* The environment as it is, FONTCONFIG_FILE replaced. */
	size_t n = 0;
	while (environ[n] != NULL)
		n++;
	char **envp = calloc(n + 2, sizeof(*envp));
	ck_assert_ptr_nonnull(envp);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "FONTCONFIG_FILE=", 16) != 0)
			envp[k++] = environ[i];
	if (fontconfig != NULL) {
		snprintf(fcenv, sizeof(fcenv), "FONTCONFIG_FILE=%s", fontconfig);
		envp[k++] = fcenv;
	}
	envp[k] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	int rc = posix_spawnp(&pid, "timeout", &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	free(envp);
	ck_assert_msg(rc == 0, "cannot start timeout(1): %s", strerror(rc));
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	char *log = read_file(err);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	              "chromium %s failed (status %d; 124: timed out):\n%s",
	              mode, status, log);
	free(log);
}

struct image {
	unsigned w, h, bpp; /* bpp: bytes a pixel, 3 (RGB) or 4 (RGBA) */
	unsigned char *px;  /* h rows of w * bpp bytes */
};

static unsigned
be32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 |
	       (unsigned)p[2] << 8 | p[3];
}

static int
paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Decodes the PNG Chromium writes: 8-bit RGB or RGBA, not interlaced. */
static void
png_read(const char *path, struct image *im)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "no screenshot %s", path);
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 1 << 18;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	ck_assert_msg(len > 8 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0,
	              "%s is not a PNG", path);
	unsigned char *z = malloc(len);
	ck_assert_ptr_nonnull(z);
	size_t zlen = 0;
	memset(im, 0, sizeof(*im));
	for (size_t at = 8; at + 12 <= len;) {
		unsigned clen = be32(buf + at);
		const unsigned char *type = buf + at + 4, *data = buf + at + 8;
		ck_assert(at + 12 + (size_t)clen <= len);
		if (memcmp(type, "IHDR", 4) == 0) {
			im->w = be32(data);
			im->h = be32(data + 4);
			ck_assert_msg(data[8] == 8 && (data[9] == 2 || data[9] == 6) &&
			                  data[12] == 0,
			              "%s: depth %d colour %d interlace %d", path,
			              data[8], data[9], data[12]);
			im->bpp = data[9] == 6 ? 4 : 3;
		} else if (memcmp(type, "IDAT", 4) == 0) {
			memcpy(z + zlen, data, clen);
			zlen += clen;
		} else if (memcmp(type, "IEND", 4) == 0) {
			break;
		}
		at += 12 + (size_t)clen;
	}
	ck_assert_uint_gt(im->w, 0);
	size_t stride = (size_t)im->w * im->bpp;
	uLongf rawlen = (uLongf)((stride + 1) * im->h);
	unsigned char *raw = malloc(rawlen);
	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(uncompress(raw, &rawlen, z, (uLong)zlen), Z_OK);
	ck_assert_uint_eq(rawlen, (stride + 1) * im->h);
	im->px = malloc(stride * im->h);
	ck_assert_ptr_nonnull(im->px);
	for (unsigned y = 0; y < im->h; y++) {
		const unsigned char *in = raw + y * (stride + 1) + 1;
		unsigned char *row = im->px + y * stride;
		const unsigned char *up = y > 0 ? row - stride : NULL;
		int ft = raw[y * (stride + 1)];
		/* Checked once a row: each ck_assert marks a point through a
		 * pipe, too slow for every byte. */
		ck_assert_msg(ft <= 4, "%s: filter %d", path, ft);
		for (size_t x = 0; x < stride; x++) {
			int a = x >= im->bpp ? row[x - im->bpp] : 0;
			int b = up ? up[x] : 0;
			int c = up && x >= im->bpp ? up[x - im->bpp] : 0;
			int p = ft == 0   ? 0
			        : ft == 1 ? a
			        : ft == 2 ? b
			        : ft == 3 ? (a + b) / 2
			                  : paeth(a, b, c);
			row[x] = (unsigned char)(in[x] + p);
		}
	}
	free(raw);
	free(z);
	free(buf);
}

/* The rectangle the probe noted as data-rect-NAME="x,y,w,h". */
static void
probed_rect(const char *dom, const char *name, unsigned r[4])
{
	char key[64];
	snprintf(key, sizeof(key), "data-rect-%s=\"", name);
	const char *p = strstr(dom, key);
	ck_assert_msg(p != NULL, "the probe noted no %s:\n%s", name, dom);
	ck_assert_int_eq(sscanf(p + strlen(key), "%u,%u,%u,%u", &r[0], &r[1],
	                        &r[2], &r[3]),
	                 4);
	ck_assert_msg(r[2] > 8 && r[3] > 8, "%s is %ux%u", name, r[2], r[3]);
}

/* In rectangle r: how many pixels differ between a and b, and how many
 * of a's are dark (ink). */
static void
compare_region(const struct image *a, const struct image *b,
               const unsigned r[4], size_t *differ, size_t *ink)
{
	*differ = *ink = 0;
	for (unsigned y = r[1]; y < r[1] + r[3] && y < a->h; y++)
		for (unsigned x = r[0]; x < r[0] + r[2] && x < a->w; x++) {
			const unsigned char *pa = a->px + ((size_t)y * a->w + x) * a->bpp;
			const unsigned char *pb = b->px + ((size_t)y * b->w + x) * b->bpp;
			if (memcmp(pa, pb, 3) != 0)
				(*differ)++;
			if (pa[0] + pa[1] + pa[2] < 3 * 128)
				(*ink)++;
		}
}

START_TEST(test_chinese_glyphs)
{
	const char *chromium = getenv("LD_CHROMIUM");
	if (chromium == NULL)
		chromium = "/usr/bin/chromium";
	ck_assert_msg(access(chromium, X_OK) == 0,
	              "%s is missing: run deploy/setup.sh", chromium);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* The report as a plugin makes it: a headline card, a table, a
	 * title of Chinese only. */
	struct ld_doc *d = ld_doc_new();
	static const char *const cols[] = {"单位", "调研", "满意率"};
	static const char *const r1[] = {"富源县政协", "6", "94.9%"};
	ck_assert_int_eq(ld_doc_title(d, "民主监督年度报表"), 0);
	ck_assert_int_eq(ld_doc_figure(d, "满意率", 0.9486), 0);
	ck_assert_int_eq(ld_doc_figure(d, "调研", 10), 0);
	ck_assert_int_eq(ld_doc_table(d, "表1 各单位", 3, cols), 0);
	ck_assert_int_eq(ld_doc_row(d, r1), 0);
	char *html = NULL;
	size_t len = 0;
	ck_assert_int_eq(ld_doc_render(d, "html", false, &html, &len), 0);
	ld_doc_free(&d);
	/* The probe notes where the text of the title, the first card's
	 * label and the first cell stand (it draws nothing). */
	static const char probe[] =
	    "<script>addEventListener('load',()=>{const b=document.body;"
	    "for(const [n,s] of [['title','h1'],['card','dt'],"
	    "['cell','tbody td']]){const e=document.querySelector(s);"
	    "const r=document.createRange();r.selectNodeContents(e);"
	    "const q=r.getBoundingClientRect();b.setAttribute('data-rect-'+n,"
	    "[Math.floor(q.left),Math.floor(q.top),Math.ceil(q.width),"
	    "Math.ceil(q.height)].join(','))}})</script>\n";
	char *tail = strstr(html, "</body>");
	ck_assert_ptr_nonnull(tail);
	size_t head_len = (size_t)(tail - html);
	char page[600], url[640], domf[600], fc[600], shot[2][600];
	char profile[600];
	snprintf(page, sizeof(page), "%s/glyphs.html", dir);
	snprintf(url, sizeof(url), "file://%s", page);
	snprintf(domf, sizeof(domf), "%s/glyphs-dom.html", dir);
	snprintf(fc, sizeof(fc), "%s/fonts.conf", dir);
	snprintf(profile, sizeof(profile), "%s/profile-glyphs", dir);
	FILE *f = fopen(page, "wb");
	ck_assert_ptr_nonnull(f);
	fwrite(html, 1, head_len, f);
	fputs(probe, f);
	fwrite(tail, 1, len - head_len, f);
	ck_assert_int_eq(fclose(f), 0);
	free(html);
	/* A fontconfig that knows DejaVu only: no font has the Chinese
	 * glyphs, so Chromium draws boxes (tofu) for them. */
	f = fopen(fc, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "<?xml version=\"1.0\"?>\n"
	           "<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
	           "<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>"
	           "<cachedir>%s/fc-cache</cachedir></fontconfig>\n",
	        dir);
	ck_assert_int_eq(fclose(f), 0);

	for (int i = 0; i < 2; i++)
		snprintf(shot[i], sizeof(shot[i]), "%s/glyphs-%s.png", dir,
		         i == 0 ? "fonts" : "tofu");
	/* With the machine's fonts (and the DOM the probe marked), then
	 * with DejaVu only. */
	run_chromium(chromium, shot[0], url, domf, NULL, profile);
	run_chromium(chromium, shot[1], url, NULL, fc, profile);
	char *dom = read_file(domf);
	/* The card shows its share as a percentage. */
	ck_assert_msg(strstr(dom, "<dd data-figure=\"满意率\">94.9%</dd>") !=
	                  NULL,
	              "满意率 card not a percentage:\n%s", dom);
	unsigned rects[3][4];
	static const char *const names[] = {"title", "card", "cell"};
	for (int i = 0; i < 3; i++)
		probed_rect(dom, names[i], rects[i]);
	free(dom);
	struct image real, tofu;
	png_read(shot[0], &real);
	png_read(shot[1], &tofu);
	ck_assert_uint_eq(real.w, 480);
	ck_assert_uint_eq(real.h, 900);
	ck_assert_uint_eq(tofu.w, real.w);
	ck_assert_uint_eq(tofu.h, real.h);
	for (int i = 0; i < 3; i++) {
		size_t differ, ink;
		compare_region(&real, &tofu, rects[i], &differ, &ink);
		size_t area = (size_t)rects[i][2] * rects[i][3];
		fprintf(stderr, "check_render_glyphs: %s %ux%u at %u,%u: %zu "
		        "pixels differ from the boxes, %zu inked\n",
		        names[i], rects[i][2], rects[i][3], rects[i][0],
		        rects[i][1], differ, ink);
		ck_assert_msg(ink * 50 >= area,
		              "the %s's Chinese text left almost no ink (%zu of "
		              "%zu pixels): see %s", names[i], ink, area, shot[0]);
		ck_assert_msg(differ * 10 >= area,
		              "the %s's Chinese text looks like the box glyphs "
		              "(%zu of %zu pixels differ): are the fonts of "
		              "fonts-noto-cjk seen by fontconfig (fc-list :lang=zh)?",
		              names[i], differ, area);
	}
	free(real.px);
	free(tofu.px);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "check_render_glyphs: %.1f s\n",
	        (double)(t1.tv_sec - t0.tv_sec) +
	            (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}
END_TEST

static Suite *
render_html_suite(bool glyphs)
{
	Suite *s = suite_create("render_html");
	TCase *tc = tcase_create("chromium");
	tcase_set_timeout(tc, 90);
	if (glyphs)
		tcase_add_test(tc, test_chinese_glyphs);
	else
		tcase_add_test(tc, test_chromium_dom);
	suite_add_tcase(s, tc);
	return s;
}

/* Where deploy/setup.sh's fonts-noto-cjk puts its fonts (Debian). */
#define LD_CJK_FONT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

int
main(int argc, char **argv)
{
	bool glyphs = argc > 1 && strcmp(argv[1], "glyphs") == 0;
	if (glyphs && access(LD_CJK_FONT, R_OK) != 0) {
		fprintf(stderr, "check_render_glyphs: SKIPPED: %s is missing; "
		        "install fonts-noto-cjk (deploy/setup.sh does) to check "
		        "that reports show Chinese text\n", LD_CJK_FONT);
		return 77;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/ld-render.XXXXXX",
	         tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return EXIT_FAILURE;
	}
	SRunner *sr = srunner_create(render_html_suite(glyphs));
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		perror(dir);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
