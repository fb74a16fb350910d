/* runner.h: a suite of cases, each run in its own child process, with error entries for crashes and timeouts. */
#ifndef MB_RUNNER_H
#define MB_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/stats/aggregate.h"
#include "harness/run/case.h"
#include "harness/run/metrics.h"

/*
 * One entry of a suite: one repetition of one case, as it will be reported.
 * Invariant: `measured` implies res holds the child's measurements; `error`
 * implies message says why (a crash, a timeout, a leak or checksum outside
 * expectation). An error entry may still be measured (a leak mismatch is a
 * measured run that failed its check); a crash or timeout is not.
 */
typedef struct mb_entry {
    mb_case_t c;                        /* the case: workload, strategy, args, options */
    char name[160];                     /* <workload>/<strategy>/interning:<on|off> */
    unsigned family;                    /* family_index: one per (workload, strategy, interning) */
    unsigned repetition;                /* repetition_index, 0-based */
    unsigned repetitions;               /* repetitions of this family */
    bool measured;                      /* res holds measurements */
    bool counters;                      /* res carries the section 6 counters (false: hyperfine import) */
    bool error;                         /* error_occurred */
    char message[256];                  /* error_message when error */
    char label[128];                    /* Google Benchmark's label, e.g. "n=20000" */
    mb_result_t res;                    /* measurements when measured */
    double harness_ns;                  /* parent's wall time for the case: fork to reaped child */
    /* Read from a file (membench report): what Google Benchmark's own files carry. */
    uint64_t iterations;                /* the file's iteration count (0: 1, as a run of ours) */
    bool ftimes;                        /* real_f and cpu_f hold the times, fractions kept */
    double real_f, cpu_f;               /* ns */
    struct json_t *extra;               /* user counters (numeric fields not in metrics.h), owned; or NULL */
    /* Read from an aggregates-only file (`run --aggregates-only`): a case
     * known only by its aggregate rows is a family of such entries, one per
     * aggregate, not runs; mb_family_agg returns them as they were. */
    bool aggregate;                     /* this entry is the aggregate agg of its family */
    mb_agg_t agg;                       /* which one */
    double agg_m[MB_NMETRICS];          /* its counters, as written (res holds them rounded) */
    double agg_je[2];                   /* its max_bytes_used, total_allocated_bytes when res.have_jemalloc */
} mb_entry_t;

/* The entry carries jemalloc's max_bytes_used and total_allocated_bytes, and
 * they apply: not for a strategy whose objects come from its own heap
 * (attribute own-heap), which jemalloc does not see. */
static inline bool mb_entry_je(const mb_entry_t *e) {
    return e->measured && e->res.have_jemalloc && !(e->c.strategy && (e->c.strategy->attrs & MB_ATTR_OWN_HEAP));
}

/* An entry's times in ns, fractions included (mb_entry_t.ftimes). */
static inline double mb_entry_real_ns(const mb_entry_t *e) { return e->ftimes ? e->real_f : (double)e->res.real_ns; }
static inline double mb_entry_cpu_ns(const mb_entry_t *e) { return e->ftimes ? e->cpu_f : (double)e->res.cpu_ns; }

/* A suite: its entries in report order and the context the reports carry. */
typedef struct mb_suite {
    mb_entry_t *v;                      /* entries */
    size_t n, cap;                      /* used, allocated */
    const char *executable;             /* argv[0] */
    const char *scale;                  /* quick, default, large or "custom" */
    const char *allocator;              /* libc or jemalloc */
    double heap_multiplier;             /* the policy's multiplier (MB_DEFAULT_HEAP_MULTIPLIER when not given) */
    unsigned long long seed;            /* --seed */
    double timeout_s;                   /* per-case timeout, seconds */
    bool in_process;                    /* run cases in this process (no isolation): tests only */
    const char *record_dir;             /* run --record DIR: each case's trace is written there (trace.h), or NULL */
    int interrupted;                    /* the signal (SIGINT, SIGTERM, SIGHUP) that stopped the run, or 0 */
    size_t planned;                     /* entries planned; n < planned after an interruption */
    bool aggregates_only;               /* JSON and CSV: of a family with aggregates, only the aggregates
                                           (mean, median, stddev, cv) and its error entries, not its
                                           repetitions (Google Benchmark's --benchmark_report_aggregates_only) */
    const char *options_json;           /* a run's options as a JSON object (options.h's mb_opts_json),
                                           written into the context as it is; NULL for a file read back */
    struct json_t *context;             /* a read or imported file's own context, written back as it is
                                           (NULL: this machine's, for a run); owned (a reference) */
    struct json_t *shard;               /* run --shard I/N: the context's "shard" object (index, count,
                                           units, the plan); NULL otherwise; owned */
} mb_suite_t;

/* Append one entry per repetition of the case (family = next family index).
 * An imported case may lack a workload or strategy (NULL): the caller names it. */
void mb_suite_add(mb_suite_t *s, const mb_case_t *c, unsigned repetitions, const char *label);
void mb_suite_free(mb_suite_t *s);

/* Run one case in a child process: fork, the child runs mb_case_run and
 * sends its result over a pipe, the parent waits (wait4) and takes the
 * child's peak RSS from its rusage. After it: 0 and *r filled (peak_rss_bytes
 * included), or -1 and err says why (killed by a signal, nonzero exit,
 * timed out after timeout_s and killed, no result). */
int mb_run_isolated(const mb_case_t *c, double timeout_s, mb_result_t *r, char *err, size_t errsz);

/* Run every entry (progress on stderr), then check each measured entry: leaks
 * equal the workload's expectation, checksum equal to the first measured
 * entry of the same workload. Returns 0 if no entry is an error, else 1.
 * SIGINT, SIGTERM or SIGHUP during the run stops it: the running case's
 * child is killed, the entries not finished are dropped (s->n shrinks, and
 * s->planned keeps the count planned), s->interrupted names the signal,
 * and the caller writes what finished, marked incomplete. */
int mb_suite_run(mb_suite_t *s);

#endif
