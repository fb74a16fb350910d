/* tour.h: `membench tour`, the seed tutorial's examples replayed on a strategy. */
#ifndef MB_TOUR_H
#define MB_TOUR_H

#include "harness/run/registry.h"

/* interning: 0 off, 1 on, -1 both; finalizers (scenario 3): MB_FIN_MODERN,
 * MB_FIN_LEGACY, or -1 both. Returns 0, or -1 if the runtime failed. */
int mb_tour(const mb_strategy_t *s, int interning, int finalizers);

#endif
