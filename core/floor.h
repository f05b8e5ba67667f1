/* floor.h — is an id floor or a NODE record version that a parent's
 * Welcome gives this node believable? (docs/protocol.md "Records and
 * ids"). Pure. */
#ifndef LD_FLOOR_H
#define LD_FLOOR_H

#include <stdbool.h>
#include <stdint.h>

/* Ids a parent may hold of ours beyond what we know: far more than an
 * office writes in its lifetime, a negligible part of the 2^53 ids. */
#define LD_FLOOR_ID_MARGIN UINT64_C(1000000000)
/* How far a NODE record's version may be ahead of ours (as for any
 * record a peer sends, docs/security.md). */
#define LD_FLOOR_VERSION_MARGIN (UINT64_C(1) << 20)

/* The id counter a store made at `unix_ms` starts from: milliseconds
 * since 2024-01-01 UTC (0 before). */
uint64_t ld_floor_clock_counter(int64_t unix_ms);

/* May `floor` be an id counter our parent holds, when our store's highest
 * id counter is `own` and the clock's counter is `clock`? Only up to
 * max(own, clock) + LD_FLOOR_ID_MARGIN. */
bool ld_floor_counter_ok(uint64_t floor, uint64_t own, uint64_t clock);

/* May `floor` be the version of our NODE record our parent holds, when
 * ours is `own`? Only up to own + LD_FLOOR_VERSION_MARGIN. */
bool ld_floor_version_ok(uint64_t floor, uint64_t own);

#endif
