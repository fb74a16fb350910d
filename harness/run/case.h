/* case.h: one benchmark case (workload x strategy x interning), run in this process, and its result. */
#ifndef MB_CASE_H
#define MB_CASE_H

#include "harness/base/case_spec.h"
#include "harness/run/registry.h"

typedef struct mb_result {
    uint64_t real_ns;                   /* wall time of the measured region (monotonic clock) */
    uint64_t cpu_ns;                    /* process CPU time of the measured region */
    uint64_t ops;                       /* workload operations */
    uint64_t checksum;                  /* the workload's result */
    mb_stats_t stats;                   /* the runtime's counters after teardown */
    uint64_t expected_leaks;            /* what the workload says this strategy leaks */
    uint64_t expected_uncollectable;    /* what it says this strategy keeps in `garbage` */
    uint64_t pause_p50_ns, pause_p99_ns, pause_max_ns;   /* pause distribution */
    uint64_t pauses;                    /* pauses recorded */
    uint64_t peak_rss_bytes;            /* the case process's peak RSS (set by the runner; 0 in-process) */
    bool have_jemalloc;                 /* the two fields below come from jemalloc's statistics */
    uint64_t max_bytes_used;            /* jemalloc: peak bytes in use during the measured region */
    uint64_t total_allocated_bytes;     /* jemalloc: bytes allocated during the measured region */
} mb_result_t;

/* Expected leaked objects of a case, from the workload's formula and the
 * strategy's attributes; `allocated` is the non-immortal object count, which
 * is what `none` leaks. */
uint64_t mb_expected_leaks(const mb_case_t *c, uint64_t allocated);
/* Expected uncollectable objects: the workload's legacy formula for a
 * strategy that frees cycles under --finalizers legacy, else 0 (rc never
 * finds the cycles, none never looks). */
uint64_t mb_expected_uncollectable(const mb_case_t *c);

/* Run the case; returns 0, or -1 if the runtime could not be made. */
int mb_case_run(const mb_case_t *c, mb_result_t *r);

/* A case's benchmark name, <workload>/<strategy>/interning:<on|off> ("?" for
 * a missing workload or strategy), into buf; returns buf. */
char *mb_case_name(char *buf, size_t n, const mb_workload_t *w, const mb_strategy_t *s, bool interning);

/* A benchmark name's parts, read from the right (a trace workload's name,
 * trace:PATH, may hold slashes; a strategy's name and the interning part
 * never do): the workload into w, the strategy into s, interning into
 * *interning. False, and nothing written, when name is not of that form or
 * a part does not fit. */
bool mb_case_split(const char *name, char *w, size_t wn, char *s, size_t sn, bool *interning);

/* The measured region alone (the workload's run), out of line for callgrind. */
uint64_t mb_case_region(const mb_case_t *c, mb_rt_t *rt);

#endif
