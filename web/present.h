/* present.h — pure helpers the console's report, statistics and node
 * pages share: how long ago something was heard ("12 分钟前"), the width
 * of a bar, a bar as inline SVG for a table cell (presentation
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

/* One bar, for a table cell beside the number it draws: an inline
 * <svg class="bar"> (aria-hidden, the number is the text) whose bar is
 * `v`'s share of `max` over a pale track, by presentation attributes
 * only. It stretches to the cell's width (the stylesheet sizes it). */
void ld_present_bar_svg(struct ld_buf *b, uint64_t v, uint64_t max);

/* The value of a Content-Disposition header for an attachment called
 * `name` (UTF-8): an ASCII fallback (other bytes and quotes as '_') and
 * filename*=UTF-8''percent-encoded (RFC 6266). */
void ld_present_disposition(struct ld_buf *b, const char *name);

/* A link's state (PeerStatus.state: up, hello_sent, down, rejected;
 * LinkHealth.state also connecting) and
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
