/* gbench_read.h: the one reader of Google Benchmark JSON (ours or Google Benchmark's own), streamed and validated:
 * compare, report (results/suite_read.c), history, merge and the shard costs all read results files through it. */
#ifndef MB_GBENCH_READ_H
#define MB_GBENCH_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A numeric field of a row that is not one of Google Benchmark's own
 * bookkeeping fields: our section 6 counters, or a user counter. */
typedef struct mb_gb_counter {
    const char *name;                   /* the field's key */
    double value;                       /* its value */
    bool integer;                       /* written as a JSON integer: ival is exact */
    long long ival;                     /* its value when integer */
} mb_gb_counter_t;

/* One element of "benchmarks". Its strings and counters live as long as the
 * row: until the row callback returns (mb_gb_read), or until mb_gb_free
 * (mb_gb_load, mb_gb_parse). */
typedef struct mb_gb_row {
    const char *name;                   /* "name" (an aggregate's ends in _mean, _median, ...) */
    const char *run_name;               /* "run_name", or name when absent (files before GB 1.5) */
    bool aggregate;                     /* run_type "aggregate": never a sample */
    bool error;                         /* error_occurred */
    const char *error_message;          /* error_message, or "" */
    bool has_times;                     /* real_time and cpu_time present */
    double real_ns, cpu_ns;             /* times converted from time_unit to ns */
    const char *label;                  /* label, or NULL */
    long long iterations;               /* "iterations", or -1 when absent */
    long long family_index;             /* "family_index", or -1 when absent */
    long long repetition_index;         /* "repetition_index", or -1 when absent */
    long long repetitions;              /* "repetitions", or -1 when absent */
    mb_gb_counter_t *counters;          /* every other numeric field, in file order */
    size_t ncounters;                   /* how many */
} mb_gb_row_t;

/* A whole file: the rows of "benchmarks" in file order. */
typedef struct mb_gb_file {
    char path[512];                     /* the name messages use */
    json_t *context;                    /* the file's "context" object, or NULL */
    mb_gb_row_t *rows;                  /* the rows */
    size_t n;                           /* how many */
    struct mb_gb_arena *arena;          /* owns the rows' strings and counters */
} mb_gb_file_t;

/*
 * The rules every reader applies: the top level must be an object with a
 * "benchmarks" array (and "context", if present, an object); every element
 * an object with a non-empty string "name"; run_type, if present, "iteration"
 * or "aggregate"; error_occurred a boolean; real_time and cpu_time numbers
 * (required unless the row is an error row), time_unit ns, us, ms or s, the
 * times in ns from 0 to 1e18 (about 31 years); label and error_message
 * strings; iterations, family_index, repetition_index and repetitions, if
 * present, integers from 0 to 1e18 (repetitions from 1). Any JSON syntax
 * error anywhere in the file, and duplicate keys at any level, reject it
 * too. `compare` and `report` read files through this one reader: one set
 * of rules. On failure: -1 with err = "FILE: what is wrong, where".
 */

/* Called with each row in file order; returns 0 to go on, -1 to stop (out of memory). */
typedef int (*mb_gb_row_fn)(void *arg, const mb_gb_row_t *r);

/*
 * Read a file as a stream, one element of "benchmarks" at a time: fn sees
 * each valid row as it is read, and the row is gone when fn returns, so
 * memory does not grow with the file. Rows come before the whole file is
 * known to be good: on -1, throw away what fn gathered. *context (if not
 * NULL) gets the file's "context" object (a new reference) or NULL.
 * mb_gb_read_buffer reads len bytes of buf instead (name is what messages
 * call it).
 */
int mb_gb_read(const char *path, mb_gb_row_fn fn, void *arg, json_t **context, char *err, size_t errsz);
int mb_gb_read_buffer(const char *buf, size_t len, const char *name, mb_gb_row_fn fn, void *arg, json_t **context,
                      char *err, size_t errsz);

/* Read a whole file (mb_gb_load) or buffer (mb_gb_parse) into f: every row
 * kept. Returns 0, or -1 with err (f is then empty). */
int mb_gb_load(const char *path, mb_gb_file_t *f, char *err, size_t errsz);
int mb_gb_parse(const char *buf, size_t len, const char *name, mb_gb_file_t *f, char *err, size_t errsz);
void mb_gb_free(mb_gb_file_t *f);

/* Row r's counter NAME into *v; false if it has none. */
bool mb_gb_counter(const mb_gb_row_t *r, const char *name, double *v);
/* Row r's counter NAME, or NULL if it has none. */
const mb_gb_counter_t *mb_gb_counter_get(const mb_gb_row_t *r, const char *name);

#endif
