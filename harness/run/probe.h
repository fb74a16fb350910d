/* probe.h: single collector measurements for `make perf` and `make calibrate` (the hidden `membench probe`): not tests, benchmarks. */
#ifndef MB_PROBE_H
#define MB_PROBE_H

#include "harness/run/registry.h"

/*
 * Each probe builds a heap in this process, then times one mb_collect()
 * (automatic collection off while building):
 *   cycles      n garbage two-object cycles (the seed's A <-> B, dropped):
 *               the time to collect them all;
 *   full        a chain of n live containers, each a cycle-collection
 *               candidate (its count fell to a non-zero value when it was
 *               linked): the cost of a full collection per live container;
 *   ring3, ring100, ring10000
 *               n garbage containers in rings of 3, 100 or 10,000 (n / k
 *               rings, at least one), dropped: the time to collect them;
 *   fin-cycles  n garbage A <-> B pairs whose two members have finalizers
 *               (the seed's __del__): the collection, finalizers included.
 * The shapes are those of scripts/calibrate.d/ in CPython, PHP and Lua
 * (docs/calibration.md).
 * Returns 0 and the collection's wall time in *ns and process CPU time in
 * *cpu_ns (what a loaded machine does not inflate), or -1 with a message in err
 * (unknown probe, or the collection did not leave the expected objects).
 */
int mb_probe(const char *probe, const mb_strategy_t *s, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err,
             size_t errsz);

/* The probe names, for messages: "cycles, full, ring3, ...". */
extern const char mb_probe_names[];

/* The name of the bdwgc-direct probes: the same shapes built with GC_MALLOC
 * and plain C pointers, timed around GC_gcollect (and GC_invoke_finalizers),
 * no mutator API at all: what the boehm strategy is measured against. */
#define MB_PROBE_DIRECT "bdwgc-direct"

/* mb_probe for the bdwgc-direct twin (-1 with a message when the build has
 * no bdwgc twin: the sanitizer build). */
int mb_probe_direct(const char *probe, uint64_t n, uint64_t *ns, uint64_t *cpu_ns, char *err, size_t errsz);

#endif
