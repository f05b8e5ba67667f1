/* present.h — pure helpers the console's report, statistics and node
 * pages share: how long ago something was heard ("12 分钟前"), the width
 * of a bar, a horizontal bar chart as inline SVG (presentation
 * attributes only: the console's CSP forbids style attributes), the
 * Content-Disposition of a download with a UTF-8 file name, and the
 * KEY=VALUE settings of a report typed in a form. No I/O. */
#ifndef LD_PRESENT_H
#define LD_PRESENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* `then_ms` seen from `now_ms` (Unix ms): "从未" for 0, "刚刚" under a
 * minute, "N 分钟前" under an hour, "N 小时前" under a day, else
 * "N 天前"; a time in the future (clocks apart) is "刚刚". */
void ld_present_ago(char *out, size_t len, long long then_ms,
                    long long now_ms);

/* The length of a bar for `v` when `max` gets `full`: proportional,
 * rounded, at least 1 for any v > 0, 0 for 0, never over `full`. */
unsigned ld_present_bar(uint64_t v, uint64_t max, unsigned full);

/* One bar of a chart. */
struct ld_bar {
	const char *label; /* text (escaped) */
	uint64_t value;
};

/* A horizontal bar chart: <svg role="img" aria-label=title> with a row
 * per bar (label, bar, number). Empty (nothing written) for n == 0. */
void ld_present_bars(struct ld_buf *b, const char *title,
                     const struct ld_bar *bars, size_t n);

/* The value of a Content-Disposition header for an attachment called
 * `name` (UTF-8): an ASCII fallback (other bytes and quotes as '_') and
 * filename*=UTF-8''percent-encoded (RFC 6266). */
void ld_present_disposition(struct ld_buf *b, const char *name);

/* A link's state (PeerStatus.state: up, hello_sent, down, rejected) and
 * role (parent, child) in Chinese; an unknown word is returned as it is. */
const char *ld_present_link_state(const char *state);
const char *ld_present_link_role(const char *role);

/* At most this many settings in one form. */
#define LD_PRESENT_SETS_MAX 32

/* Settings typed one a line ("KEY=VALUE"; blank lines skipped, CR
 * dropped): splits `text` in place into set[], *n of them. Returns NULL,
 * or the reason in Chinese (a line that is not KEY=VALUE, too many). */
const char *ld_present_sets(char *text, const char **set, size_t *n);

#endif
