/* clock.h — monotonic and wall-clock milliseconds for the node's parts. */
#ifndef LD_CLOCK_H
#define LD_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC: for timeouts and intervals. */
int64_t ld_now_ms(void);
/* Microseconds on CLOCK_MONOTONIC: for timing what is quick. */
int64_t ld_now_us(void);
/* Milliseconds since the epoch: for what is stored or shown. */
int64_t ld_wall_ms(void);

#endif
