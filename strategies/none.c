/* none.c: never frees (as OpenJDK's Epsilon): the total allocation volume with
 * no reclamation cost. Not a throughput ceiling: every allocation takes fresh
 * memory, so its first touch costs a page fault that a strategy reusing freed
 * cells avoids (docs/strategies.md has the figures). */
#include "runtime/strategy.h"

const mb_strategy_t mb_strategy_none = {
    .name = "none",
    .description = "never frees: total allocation volume, no reclamation (not a ceiling: fresh pages fault)",
    .attrs = 0,
    .side_bytes = 0,
};
