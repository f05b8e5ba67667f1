/* bench_store.h — what the benchmarks that write a store directly share:
 * the clock, a province's configuration, and its background of closed
 * records of past years. */
#ifndef LD_BENCH_STORE_H
#define LD_BENCH_STORE_H

#include "config.h"
#include "store.h"

#include <stddef.h>
#include <stdint.h>

/* The province every such benchmark writes (云南省政协). */
#define LD_BENCH_ROOT "530000"

/* Seconds on the monotonic clock. */
double ld_bench_now(void);

/* Write DIR/liandong.conf of the province (insecure: no keys), `cfg`
 * left as written for the caller's map size and additions. 0, or -1
 * with the reason in `err`. */
int ld_bench_config(const char *dir, struct ld_config *cfg, char *err,
                    size_t errlen);

/* Put records 0 .. n-1 of the background in `st`, 20,000 a transaction:
 * 40 % proposals, 30 % surveys, 20 % tasks, 10 % plans, all closed in
 * 2018, owned round-robin by the province, its 10 cities and their 100
 * counties, with ids from counter 1,000,000,000,000 up. 0, or the store's
 * error code. */
int ld_bench_fill(struct ld_store *st, uint64_t n);

#endif
