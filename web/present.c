/* present.c — how long ago, bar widths and bars, download names and
 * report settings for the console's pages (present.h). */
#include "present.h"
#include "html.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void
ld_present_ago(char *out, size_t len, long long then_ms, long long now_ms)
{
	if (then_ms <= 0) {
		snprintf(out, len, "从未");
		return;
	}
	long long m = (now_ms - then_ms) / 60000;
	if (m < 1)
		snprintf(out, len, "刚刚");
	else if (m < 60)
		snprintf(out, len, "%lld 分钟前", m);
	else if (m < 24 * 60)
		snprintf(out, len, "%lld 小时前", m / 60);
	else
		snprintf(out, len, "%lld 天前", m / (24 * 60));
}

unsigned
ld_present_bar(uint64_t v, uint64_t max, unsigned full)
{
	if (v == 0 || max == 0)
		return 0;
	if (v >= max)
		return full;
	unsigned w = (unsigned)(((double)v * full) / (double)max + 0.5);
	return w < 1 ? 1 : w;
}

/* A bar's length in SVG user units; the svg scales it to the cell. */
#define BAR_W 200
#define BAR_H 12

void
ld_present_bar_svg(struct ld_buf *b, uint64_t v, uint64_t max)
{
	ld_html_f(b,
	          "<svg class=\"bar\" aria-hidden=\"true\" focusable=\"false\" "
	          "viewBox=\"0 0 %d %d\" width=\"100%%\" height=\"%d\" "
	          "preserveAspectRatio=\"none\" "
	          "xmlns=\"http://www.w3.org/2000/svg\">"
	          "<rect width=\"%d\" height=\"%d\" fill=\"#eef1f5\"/>"
	          "<rect width=\"%d\" height=\"%d\" fill=\"#a4161a\"/></svg>",
	          BAR_W, BAR_H, BAR_H, BAR_W, BAR_H,
	          (int)ld_present_bar(v, max, BAR_W), BAR_H);
}

void
ld_present_disposition(struct ld_buf *b, const char *name)
{
	ld_buf_puts(b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		ld_buf_putc(b, *p >= 0x20 && *p < 0x7f && *p != '"' &&
		                       *p != '\\' && *p != '%'
		                   ? (char)*p
		                   : '_');
	ld_buf_puts(b, "\"; filename*=UTF-8''");
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		unsigned char c = *p;
		bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		             (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		             c == '_' || c == '~';
		if (plain) {
			ld_buf_putc(b, (char)c);
		} else {
			ld_buf_putc(b, '%');
			ld_buf_putc(b, hex[c >> 4]);
			ld_buf_putc(b, hex[c & 15]);
		}
	}
}

const char *
ld_present_link_state(const char *state)
{
	static const struct {
		const char *word, *label;
	} states[] = {
	    {"up", "已连接"},
	    {"hello_sent", "连接中"},
	    {"connecting", "连接中"}, /* a HEALTH record's word */
	    {"down", "断开"},
	    {"rejected", "被拒绝"},
	};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i].word) == 0)
			return states[i].label;
	return state;
}

const char *
ld_present_link_role(const char *role)
{
	return strcmp(role, "parent") == 0  ? "上级"
	       : strcmp(role, "child") == 0 ? "下级"
	                                    : role;
}

const char *
ld_present_sets(char *text, const char **set, size_t *n)
{
	*n = 0;
	for (char *line = text; line != NULL && *line != '\0';) {
		char *nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		size_t l = strlen(line);
		while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == ' '))
			line[--l] = '\0';
		while (*line == ' ')
			line++;
		if (*line != '\0') {
			if (strchr(line, '=') == NULL || line[0] == '=')
				return "设置应为每行一项 键=值，如 today=2026-11-23";
			if (*n == LD_PRESENT_SETS_MAX)
				return "设置最多 32 项";
			set[(*n)++] = line;
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
	return NULL;
}
