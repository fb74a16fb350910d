/* history.h: the results history, an embedded SQLite database (docs/history.md):
 * every run appended whole (its context and every entry's repetitions and
 * counters, exactly), and per benchmark the median of a metric per commit
 * with the change points between commits. */
#ifndef MB_HISTORY_H
#define MB_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The schema's version (PRAGMA user_version) and the file's application_id ("mbHS"). */
#define MB_HIST_VERSION 1
#define MB_HIST_APPID 0x6d624853

typedef struct mb_hist mb_hist_t;

/*
 * Open the history database at path. create: a missing (or empty) file
 * becomes a new database; otherwise a missing file is an error. A file
 * that is not SQLite, is corrupt, is some other program's SQLite database
 * or has a newer schema is an error naming it, and is never written. The
 * connection waits up to 60 s for another writer (busy timeout) and the
 * database is in WAL mode, so runs appending at once all land.
 * Returns NULL with err on failure.
 */
mb_hist_t *mb_hist_open(const char *path, bool create, char *err, size_t errsz);
void mb_hist_close(mb_hist_t *h);

/*
 * Append the results file held in buf (len bytes; name is what messages
 * call it) as one run, in one transaction: any Google Benchmark JSON that
 * `membench report` reads. The content hash of the file (its JSON,
 * canonical: keys sorted, no whitespace) is kept; a file whose hash is
 * already there is not appended again (*dup true, *run_id the run it is).
 * Returns 0 (*nrows entries stored), -1 with err for a file that is not
 * results (nothing stored), -2 with err for a database error.
 */
int mb_hist_import(mb_hist_t *h, const char *buf, size_t len, const char *name, bool *dup, long long *run_id,
                   size_t *nrows, char *err, size_t errsz);

struct mb_suite;
struct mb_context;

/*
 * Append a run's own results (the suite it holds, as `run` finished it) as
 * one run, as mb_hist_import would append its JSON results file with every
 * repetition (whatever aggregates_only says): the same content hash (the
 * file's text is written in memory for it, and the context is taken from
 * it), the same rows, but the rows taken from the suite's entries, not
 * parsed back. name is the run's source (run:<output>). Returns as
 * mb_hist_import.
 */
int mb_hist_append_suite(mb_hist_t *h, struct mb_suite *s, const struct mb_context *ctx, const char *name, bool *dup,
                         long long *run_id, size_t *nrows, char *err, size_t errsz);

/* Output formats of mb_hist_show. */
typedef enum { MB_HIST_CONSOLE, MB_HIST_MARKDOWN, MB_HIST_JSON, MB_HIST_CSV } mb_hist_format_t;

typedef struct mb_hist_show_opts {
    const char *filter;                 /* names (extended regex, -REGEX excludes); NULL: every name */
    const char *metric;                 /* real_time, cpu_time or a counter: peak_rss_bytes, leaked_objects, ... */
    double alpha;                       /* the U test's significance level (compare's: 0.05) */
    double threshold;                   /* the smallest change of the median, percent (compare's: 5) */
    unsigned window;                    /* commits on each side of a boundary tested against each other */
    mb_hist_format_t format;
} mb_hist_show_opts_t;

/*
 * Per benchmark name: the metric's median per commit (its samples pooled
 * over that commit's runs; commits in the order of their first run's date)
 * and the change points: a boundary between consecutive commits where the
 * `window` commits before and the `window` after differ by the U test
 * (p < alpha) and their medians by more than threshold percent; the change
 * point names the first commit after the shift. Returns 0, 1 when no name
 * matched, -1 with err for a bad filter, -2 for a database error.
 */
int mb_hist_show(mb_hist_t *h, const mb_hist_show_opts_t *o, FILE *out, char *err, size_t errsz);

#endif
