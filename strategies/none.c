/* none.c: never frees; the baseline for the throughput ceiling and total allocation volume (Epsilon, NoGC). */
#include "strategy.h"

const mb_strategy_t mb_strategy_none = {
    .name = "none",
    .description = "never frees: throughput ceiling and total allocation volume",
    .attrs = 0,
    .side_bytes = 0,
};
