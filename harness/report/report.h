/* report.h: the reporters of a suite (console, JSON, CSV, Markdown), their shared summary rows, and `list`. */
#ifndef MB_REPORT_H
#define MB_REPORT_H

#include <stdio.h>

#include "harness/base/json_write.h"
#include "harness/base/mdtext.h"
#include "harness/base/oom.h"
#include "harness/base/units.h"
#include "harness/stats/aggregate.h"
#include "harness/run/case.h"
#include "harness/run/context.h"
#include "harness/run/metrics.h"
#include "harness/run/runner.h"

typedef enum mb_format {
    MB_FMT_CONSOLE, MB_FMT_JSON, MB_FMT_CSV, MB_FMT_MARKDOWN, MB_FMT_BMF
} mb_format_t;

/* "console", "json", "csv", "markdown", "bmf" -> *f; -1 if unknown. */
int mb_format_parse(const char *s, mb_format_t *f);

/* Write the suite in a format (JSON needs the context; others ignore it). */
void mb_report_suite(FILE *out, mb_format_t f, const mb_suite_t *s, const mb_context_t *ctx);
void mb_report_json(FILE *out, const mb_suite_t *s, const mb_context_t *ctx);   /* json.c */
void mb_report_csv(FILE *out, const mb_suite_t *s);                             /* csv.c */
/* A number as the JSON reporter writes it (json.c): an integral value below
 * 2^53 as an integer, anything else with 17 significant digits, NaN and
 * Infinity as 0. What a reader gets back is what this text parses to. */
#define MB_JSON_NUM_LEN 32
void mb_json_num_text(char buf[MB_JSON_NUM_LEN], double v);
/* Console and Markdown: a header naming the machine and the build (the file's
 * own context when s was read back, else ctx), the table, then verdicts. */
void mb_report_console(FILE *out, const mb_suite_t *s, const mb_context_t *ctx); /* console.c */
void mb_report_markdown(FILE *out, const mb_suite_t *s, const mb_context_t *ctx); /* markdown.c */

/* The header: "machine: host vm, 2 CPUs, <model>, 2596 MHz, load average ...",
 * "build: <compiler>, kernel ..., bdwgc ..., jemalloc ...", then a warning if
 * the 1-minute load average exceeds the CPUs or a case's wall-time cv
 * exceeds 5%. From s->context when set (a file read back), else ctx. */
void mb_report_header(FILE *out, const mb_suite_t *s, const mb_context_t *ctx, bool markdown);
/* Why a suite is incomplete, in words: "interrupted by SIGINT after 3 of 9
 * runs", or for a merge of some shards "shards 1/4, 3/4 missing (...)". */
void mb_incomplete_words(const mb_suite_t *s, char *buf, size_t n);
/* Per workload, hyperfine-style verdicts: the fastest candidate against each
 * other one on wall and CPU time ("W: X ran 2.75 ± 0.10 times faster than Y
 * (wall time, p = 0.008)", or "not significant (p = 0.31)" when the U test
 * over the repetitions says so), leaked objects ranked, and the smallest
 * peak memory against each other one. Nothing for names not of the form
 * workload/strategy/interning:on|off or a workload with one candidate. */
void mb_report_verdicts(FILE *out, const mb_suite_t *s, bool markdown);
/* Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/):
 * one object keyed by case name, each a map of measure slug -> {value,
 * lower_value, upper_value}: latency (ns), throughput (items/s),
 * peak-rss-bytes, peak-live-bytes, max-bytes-used (jemalloc, when it
 * applies), leaked-objects; the median of the error-free repetitions, their
 * minimum and maximum as the bounds. */
void mb_report_bmf(FILE *out, const mb_suite_t *s);                             /* bmf.c */

/* One aggregate of a family's error-free repetitions, as Google Benchmark
 * computes it (aggregate.h); counters are meaningful only if e->counters. */
typedef struct mb_agg_row {
    double real_ns, cpu_ns;             /* the aggregate of real and CPU time */
    double m[MB_NMETRICS];              /* the aggregate of each counter */
    size_t runs;                        /* error-free repetitions aggregated */
    bool je;                            /* every one carries jemalloc's counters (mb_entry_je): */
    double max_bytes_used, total_allocated_bytes;   /* their aggregates */
} mb_agg_row_t;

/* Errors of the family [first, end), one line each, after prefix. */
void mb_report_family_errors(FILE *out, const mb_suite_t *s, size_t first, size_t end, const char *prefix);

/* With --allocator jemalloc, a note naming the strategies of the suite whose
 * memory jemalloc does not see (own-heap): max_bytes_used and
 * total_allocated_bytes are not applicable to them. Nothing otherwise. Each
 * line starts with prefix. */
void mb_report_jemalloc_note(FILE *out, const mb_suite_t *s, const char *prefix);

/* The family [first, end) was read from an aggregates-only file: its
 * aggregates are entries (mb_entry_t.aggregate), its only runs failed ones. */
bool mb_family_read_as_aggregates(const mb_suite_t *s, size_t first, size_t end);
/* The entry that names the family's aggregates: its first aggregate entry if
 * read as aggregates, else its first entry. */
const mb_entry_t *mb_family_head(const mb_suite_t *s, size_t first, size_t end);

/* Index one past the last entry of the family starting at first. */
size_t mb_family_end(const mb_suite_t *s, size_t first);
/* Aggregate entries [first, end) that are measured and not errors. Returns
 * false when Google Benchmark writes no aggregates: fewer than 2 such runs
 * or a family of 1 repetition. A family read from an aggregates-only file
 * (mb_entry_t.aggregate) gives its aggregate `which` as it was read, if the
 * file had it. */
bool mb_family_agg(const mb_suite_t *s, size_t first, size_t end, mb_agg_t which, mb_agg_row_t *out);

/* The summary of a family for the console and Markdown tables: the median
 * of its error-free repetitions (or the one run), every counter of
 * docs/design.md section 6 in human units. */
enum { MB_SUM_COLS = 4 + MB_NMETRICS };
extern const char *const mb_summary_header[MB_SUM_COLS];
/* Fill cells[MB_SUM_COLS][64]; false if no repetition of the family succeeded. */
bool mb_summary_cells(const mb_suite_t *s, size_t first, size_t end, char cells[][64]);

void mb_report_list_console(FILE *out);
void mb_report_list_json(FILE *out);

#endif
