/* health.h — the health of the tree: when a node writes its HEALTH record
 * (a link changed, or it has said nothing for [health] refresh), when an
 * office counts as silent, and the tree of offices below a node with their
 * newest HEALTH (docs/monitoring.md). Pure: the caller gathers the NODE
 * and HEALTH records; rows borrow from them. */
#ifndef LD_HEALTH_H
#define LD_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "liandong.pb-c.h"

/* Does `cur` say something `prev` (NULL: none written yet) did not: a
 * link came or went, went up or down, refused or conflicted more, a lag
 * moved to another power of ten, the version or recovery changed? Head
 * and record counts move with every write and are not news. */
bool ld_health_changed(const Ld__Health *prev, const Ld__Health *cur);

/* Should a node write `cur` now, `now_ms`, having last written `prev` at
 * `prev_ms`? When it changed, or when `refresh_s` passed. */
bool ld_health_due(const Ld__Health *prev, int64_t prev_ms,
                   const Ld__Health *cur, int64_t now_ms, unsigned refresh_s);

/* Is an office silent at `now_ms`: its newest HEALTH written at
 * `reported_ms` more than `silent_after_s` ago? One that never reported
 * (`reported_ms` 0) is silent once `silent_after_s` has passed since its
 * NODE record was written (`known_ms`; 0 = no NODE record either: silent),
 * so an office that just joined is given the same time as any other
 * before it is called silent. */
bool ld_health_silent(int64_t reported_ms, int64_t known_ms, int64_t now_ms,
                      unsigned silent_after_s);

/* One office of the tree. */
struct ld_tree_row {
	const char *path, *name, *level; /* name and level "" if unknown */
	int depth;                       /* below the tree's top: 0, 1 ... */
	const Ld__Record *health;        /* its newest HEALTH, NULL if none */
	int64_t reported_ms;             /* health's updated_at, 0 = never */
	int64_t known_ms;                /* its NODE record's updated_at */
	bool silent;
};

struct ld_tree {
	struct ld_tree_row *rows; /* malloc'd: `top` first, then by path */
	size_t n;
	size_t silent;
};

/* `top` and every office in its subtree that `recs` names (by a NODE or a
 * HEALTH record; other kinds and tombstones are ignored), each with its
 * newest HEALTH, silent as ld_health_silent says. Returns 0 or -ENOMEM. */
int ld_tree_compute(const char *top, const Ld__Record *const *recs, size_t n,
                    int64_t now_ms, unsigned silent_after_s,
                    struct ld_tree *out);
void ld_tree_free(struct ld_tree *t);

#endif
