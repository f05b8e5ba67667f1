/* html.c — HTML escaping, URL encoding and the shared page layout. */
#include "html.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* The length of the well-formed UTF-8 sequence at s[0..n), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
ld_html_textn(struct ld_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		switch (c) {
		case '&': ld_buf_puts(b, "&amp;"); i++; continue;
		case '<': ld_buf_puts(b, "&lt;"); i++; continue;
		case '>': ld_buf_puts(b, "&gt;"); i++; continue;
		case '"': ld_buf_puts(b, "&quot;"); i++; continue;
		case '\'': ld_buf_puts(b, "&#39;"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			if (c == '\t' || c == '\n')
				ld_buf_putc(b, (char)c);
			i++;
			continue;
		}
		size_t len = utf8_len(p + i, n - i);
		if (len == 0) {
			ld_buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
			continue;
		}
		ld_buf_put(b, p + i, len);
		i += len;
	}
}

void
ld_html_text(struct ld_buf *b, const char *s)
{
	if (s != NULL)
		ld_html_textn(b, s, strlen(s));
}

void
ld_html_url(struct ld_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (s == NULL)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			ld_buf_putc(b, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			ld_buf_put(b, e, 3);
		}
	}
}

void
ld_html_vf(struct ld_buf *b, const char *fmt, va_list ap)
{
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		ld_buf_put(b, run, (size_t)(p - run));
		switch (*++p) {
		case 's': ld_html_text(b, va_arg(ap, const char *)); break;
		case 'u': ld_html_url(b, va_arg(ap, const char *)); break;
		case 'r': {
			const char *r = va_arg(ap, const char *);
			if (r != NULL)
				ld_buf_puts(b, r);
			break;
		}
		case 'd': ld_buf_printf(b, "%d", va_arg(ap, int)); break;
		case 'l': ld_buf_printf(b, "%lld", va_arg(ap, long long)); break;
		case 'z': ld_buf_printf(b, "%zu", va_arg(ap, size_t)); break;
		case 'U':
			ld_buf_printf(b, "%llu", va_arg(ap, unsigned long long));
			break;
		case '%': ld_buf_putc(b, '%'); break;
		default: /* a mistake in a constant format: show it */
			ld_buf_puts(b, "%?");
			if (*p == '\0')
				return;
			break;
		}
		run = p + 1;
	}
	ld_buf_puts(b, run);
}

void
ld_html_f(struct ld_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ld_html_vf(b, fmt, ap);
	va_end(ap);
}

void
ld_html_time(struct ld_buf *b, long long ms)
{
	if (ms <= 0) {
		ld_buf_puts(b, "—");
		return;
	}
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];
	if (localtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%d %H:%M", &tm) == 0) {
		ld_buf_puts(b, "—");
		return;
	}
	ld_buf_puts(b, s);
}

static const struct {
	const char *href, *label;
} nav[LD_NAV_COUNT] = {
    [LD_NAV_HOME] = {"/", "工作台"},
    [LD_NAV_TASKS] = {"/tasks", "督办任务"},
    [LD_NAV_SURVEYS] = {"/surveys", "调研"},
    [LD_NAV_PLANS] = {"/plans", "协商计划"},
    [LD_NAV_PROPOSALS] = {"/proposals", "提案"},
    [LD_NAV_MEMBERS] = {"/members", "委员"},
    [LD_NAV_OPINIONS] = {"/opinions", "社情民意"},
    [LD_NAV_REPORTS] = {"/reports", "报表"},
    [LD_NAV_STATS] = {"/stats", "年度统计"},
    [LD_NAV_NODES] = {"/node", "节点"},
};

void
ld_page_begin(struct ld_buf *b, const struct ld_page *p)
{
	ld_html_f(b,
	          "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n"
	          "<meta charset=\"utf-8\">\n"
	          "<meta name=\"viewport\" content=\"width=device-width, "
	          "initial-scale=1\">\n"
	          "<title>%s · %s</title>\n"
	          "<link rel=\"stylesheet\" href=\"/static/app.css\">\n"
	          "</head>\n<body>\n<header class=\"top\">\n"
	          "<div class=\"office\">%s</div>\n",
	          p->title, p->office, p->office);
	if (p->user != NULL) {
		ld_html_f(b,
		          "<div class=\"who\"><span class=\"user\">%s</span> "
		          "<span class=\"role\">%s</span>\n"
		          "<form method=\"post\" action=\"/logout\" "
		          "class=\"logout\">"
		          "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		          "<button type=\"submit\">退出</button></form></div>\n"
		          "</header>\n<nav>\n",
		          p->user, p->role, p->csrf);
		for (int i = 0; i < LD_NAV_COUNT; i++)
			ld_html_f(b, "<a href=\"%r\"%r>%r</a>\n", nav[i].href,
			          (int)p->nav == i ? " class=\"here\" "
			                             "aria-current=\"page\""
			                           : "",
			          nav[i].label);
		ld_buf_puts(b, "</nav>\n");
	} else {
		ld_buf_puts(b, "</header>\n");
	}
	ld_html_f(b, "<main>\n<h1>%s</h1>\n", p->title);
}

void
ld_page_end(struct ld_buf *b)
{
	ld_buf_puts(b, "</main>\n</body>\n</html>\n");
}
