/* opinion.h — the trail of a 社情民意: what each office above its writer
 * did with it (采用 / 报送 / 批示), nearest the writer first. The CLI's
 * `opinion trail` and the console's record page both show it from the
 * OPINION_ACTION records they read from the node. Pure. */
#ifndef LD_OPINION_H
#define LD_OPINION_H

#include <stddef.h>

#include "liandong.pb-c.h"

/* Of `acts` (n records, any kinds), move the live OPINION_ACTION records
 * on opinion `id` to the front, ordered nearest the writer first (deeper
 * offices act earlier on the way up; then by id), and return how many.
 * The array is only permuted: its owner frees every record as before. */
size_t ld_opinion_trail(Ld__Record **acts, size_t n, const char *id);

/* The Chinese word of an action ("adopted" → "采用", "forwarded" →
 * "报送", "instructed" → "批示"); the term itself if unknown. */
const char *ld_opinion_action_label(const char *action);

#endif
