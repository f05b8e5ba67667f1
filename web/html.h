/* html.h — HTML out: escaping of text and attribute values, URL query
 * encoding, and the page layout every console page shares (header, nav,
 * logout form). Pure: builds into an ld_buf. */
#ifndef LD_HTML_H
#define LD_HTML_H

#include <stdarg.h>
#include <stddef.h>

#include "buf.h"

/* Text or an attribute value (quoted with "), escaped: & < > " ' become
 * entities, bytes that are not well-formed UTF-8 become U+FFFD, and
 * control characters other than tab and newline are dropped. */
void ld_html_text(struct ld_buf *b, const char *s);
void ld_html_textn(struct ld_buf *b, const char *s, size_t n);

/* A query-string value, percent-encoded (unreserved bytes kept). */
void ld_html_url(struct ld_buf *b, const char *s);

/* A small printf for HTML, so that nothing from a record reaches a page
 * unescaped by accident: %s is text (escaped, NULL prints nothing), %u a
 * URL query value (percent-encoded), %r raw trusted HTML (constants
 * only), %d int, %l long long, %z size_t, %U uint64_t (as unsigned long
 * long), %% a percent sign. Nothing else. */
void ld_html_f(struct ld_buf *b, const char *fmt, ...);
void ld_html_vf(struct ld_buf *b, const char *fmt, va_list ap);

/* Unix milliseconds as local time, "2026-05-01 14:03"; "—" for 0. */
void ld_html_time(struct ld_buf *b, long long ms);

/* The sections of the nav; LD_NAV_NONE highlights none. */
enum ld_nav {
	LD_NAV_NONE = -1,
	LD_NAV_HOME = 0, /* 工作台 */
	LD_NAV_TASKS,    /* 督办任务 */
	LD_NAV_SURVEYS,  /* 调研 */
	LD_NAV_PLANS,    /* 协商计划 */
	LD_NAV_PROPOSALS, /* 提案 */
	LD_NAV_MEMBERS,  /* 委员 */
	LD_NAV_OPINIONS, /* 社情民意 */
	LD_NAV_REPORTS,  /* 报表 */
	LD_NAV_STATS,    /* 年度统计 */
	LD_NAV_NODES,    /* 节点 */
	LD_NAV_COUNT
};

/* Who is looking at the page; user NULL = not logged in (no nav, no
 * logout form). */
struct ld_page {
	const char *title;   /* the page's own title (text) */
	const char *office;  /* the office's name */
	const char *user;
	const char *role;    /* its label, 经办 */
	const char *csrf;    /* for the logout form */
	enum ld_nav nav;
};

/* <!doctype html> up to the opening of <main>, and its close. */
void ld_page_begin(struct ld_buf *b, const struct ld_page *p);
void ld_page_end(struct ld_buf *b);

#endif
