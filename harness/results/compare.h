/* compare.h: `membench compare`: two Google Benchmark files matched by name, each entry judged (the regression gate). */
#ifndef MB_COMPARE_H
#define MB_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "harness/base/gbench_read.h"

typedef enum { MB_CMP_CONSOLE, MB_CMP_MARKDOWN } mb_cmp_format_t;
typedef enum { MB_CMP_TIME, MB_CMP_INSTRUCTIONS } mb_cmp_metric_t;
/* Which time's slowdown fails an entry (both are always tested and shown). */
typedef enum { MB_CMP_EITHER, MB_CMP_BOTH, MB_CMP_CPU, MB_CMP_REAL } mb_cmp_time_rule_t;

/* What to compare and how strictly (docs/gate.md). */
typedef struct mb_cmp_opts {
    double alpha;                       /* U test significance level (0.05, as compare.py) */
    double threshold;                   /* minimum slowdown of the median, percent (5; 1 for instructions) */
    double memory_threshold;            /* peak_rss_bytes growth of the median that fails, percent (10) */
    double memory_floor;                /* ... and bytes: smaller growth is page noise (256 KiB) */
    mb_cmp_time_rule_t time_rule;       /* either (default): real_time or cpu_time slower fails; both; cpu; real */
    bool times;                         /* compare real_time and cpu_time (or instructions) */
    bool memory;                        /* compare peak_rss_bytes */
    bool counters;                      /* compare the exact counters */
    bool strict_counters;               /* any change of an exact counter fails, not only leaks and checksum */
    const char *counter_list;           /* comma list of exact counters; NULL: mb_cmp_default_counters */
    mb_cmp_metric_t metric;             /* time: U test on times; instructions: the "instructions" counter */
    mb_cmp_format_t format;             /* console table or Markdown (a pull-request comment) */
} mb_cmp_opts_t;

/* The deterministic counters compared exactly by default (docs/design.md section 6). */
extern const char mb_cmp_default_counters[];

/* The defaults above. */
void mb_cmp_opts_default(mb_cmp_opts_t *o);

/* The outcome: entries (benchmark names) that passed and failed, and warnings. */
typedef struct mb_cmp_summary {
    size_t passed, failed;              /* entries */
    size_t few_reps;                    /* entries whose U test had fewer than 9 repetitions on a side */
    size_t min_reps;                    /* the fewest repetitions seen in a U test */
    size_t noisy_failed;                /* failed entries that failed on times or peak RSS (noise can do that) */
    bool mismatch;                      /* the files' runs differ in scale, sizes or options (said first) */
} mb_cmp_summary_t;

/*
 * Compare CONT against BASE, entry by entry (iteration rows matched by name;
 * aggregate rows are never samples), print the table and the summary line
 * "N passed, N failed" to out, and fill *sum. An entry fails if: its times
 * regress (U test p < alpha and median change > +threshold, on real_time or
 * cpu_time, or as time_rule says), it has fewer than 2 error-free
 * repetitions on a side while times are compared, its peak_rss_bytes median
 * grows more than memory_threshold and memory_floor bytes,
 * leaked_objects or uncollectable_objects grows, its checksum changes (or,
 * strict, any exact counter changes), the contender has an error row the
 * baseline did not, or it is missing from the contender. Returns sum->failed.
 *
 * In steps, without keeping the files' rows: mb_cmp_new, then each row of
 * the baseline (side 0) and then of the contender (side 1) through
 * mb_cmp_add, or a whole file at once through mb_cmp_read (streamed: memory
 * grows with the benchmark names and their samples, not with the files), then
 * mb_cmp_finish. An entry's rows may come in any order and interleaved with
 * others'; the entries are listed in the order their names first appear,
 * the baseline's first. Out of memory: a message and exit 2.
 */
typedef struct mb_cmp mb_cmp_t;
mb_cmp_t *mb_cmp_new(const mb_cmp_opts_t *o);
int mb_cmp_add(mb_cmp_t *c, int side, const mb_gb_row_t *r);
/* Every row of file path into side (mb_gb_read): 0, or -1 with err (then only mb_cmp_free is of use). */
int mb_cmp_read(mb_cmp_t *c, int side, const char *path, char *err, size_t errsz);
/* The file's "context" object for side (mb_cmp_read sets it; NULL: none).
 * A reference is kept. */
void mb_cmp_set_context(mb_cmp_t *c, int side, const json_t *ctx);
/*
 * The table and summary, the files called base_name and cont_name. First,
 * if the two runs were not made alike (the contexts' scale, allocator,
 * heap_multiplier, finalizers, seed or params differ, or an entry's label,
 * its size "n=...", differs), lines starting "NOT COMPARABLE:" say how; the
 * comparison goes on as usual (the exit status does not change). Last, if
 * an entry failed on times or peak RSS and both contexts name the same host
 * and neither is an interleaved run (scripts/mb-interleave's
 * "interleaved_runs"), a "hint:" line points to scripts/mb-gate.
 */
size_t mb_cmp_finish(mb_cmp_t *c, FILE *out, const char *base_name, const char *cont_name, mb_cmp_summary_t *sum);
void mb_cmp_free(mb_cmp_t *c);

/* All the steps, on two files already read whole. */
size_t mb_compare(FILE *out, const mb_gb_file_t *base, const mb_gb_file_t *cont, const mb_cmp_opts_t *o,
                  mb_cmp_summary_t *sum);

#endif
