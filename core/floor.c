/* floor.c — the margins within which a parent's id floor and NODE
 * version are believed. Pure. */
#include "floor.h"

uint64_t
ld_floor_clock_counter(int64_t unix_ms)
{
	int64_t since = unix_ms - INT64_C(1704067200000);
	return since > 0 ? (uint64_t)since : 0;
}

bool
ld_floor_counter_ok(uint64_t floor, uint64_t own, uint64_t clock)
{
	uint64_t known = own > clock ? own : clock;
	return floor <= known || floor - known <= LD_FLOOR_ID_MARGIN;
}

bool
ld_floor_version_ok(uint64_t floor, uint64_t own)
{
	return floor <= own || floor - own <= LD_FLOOR_VERSION_MARGIN;
}
