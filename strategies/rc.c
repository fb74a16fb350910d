/* rc.c: pure reference counting; frees at zero, leaks every cycle (what it is there to show). */
#include "runtime/strategy.h"

const mb_strategy_t mb_strategy_rc = {
    .name = "rc",
    .description = "pure reference counting: frees at zero, never reclaims cycles",
    .attrs = MB_ATTR_COUNTS | MB_ATTR_FREES,
    .side_bytes = 0,                    /* the count lives in the shared header */
    /* every method takes its default: the shared refcount.c mechanism */
};
