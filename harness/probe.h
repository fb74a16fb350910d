/* probe.h: single collector measurements for `make perf` (the hidden `membench probe`): not tests, benchmarks. */
#ifndef MB_PROBE_H
#define MB_PROBE_H

#include "registry.h"

/*
 * Each probe builds a heap in this process, then times one mb_collect()
 * (automatic collection off while building):
 *   cycles  n garbage two-object cycles (the seed's A <-> B, dropped): the
 *           time to collect them all;
 *   full    a chain of n live containers, each a cycle-collection candidate
 *           (its count fell to a non-zero value when it was linked): the
 *           cost of a full collection per live container.
 * Returns 0 and the collection's wall time in *ns and process CPU time in
 * *cpu_ns (what a loaded machine does not inflate), or -1 with a message in err
 * (unknown probe, or the collection did not leave the expected objects).
 */
int mb_probe(const char *probe, const mb_strategy_t *s, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err,
             size_t errsz);

#endif
