/* compare_int.h: what the files of `membench compare` share (harness/results/compare*.c only): the entries
 * gathered from both files (compare.c), the table (compare_table.c), the checks (compare_judge.c). */
#ifndef MB_COMPARE_INT_H
#define MB_COMPARE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/results/compare.h"

enum { CMP_GOOD_REPS = 9, CMP_MIN_REPS = 2 };   /* compare.py's UTEST_OPTIMAL / UTEST_MIN_REPETITIONS */

/* --- the entries (compare.c) ----------------------------------------------- */

/* One side of an entry: what the rows of one file that carry one benchmark name hold. */
typedef struct cmp_side {
    size_t n;                           /* its iteration rows, error rows included */
    size_t aggregates;                  /* aggregate rows with this run_name */
    size_t errors;                      /* error rows */
    char *error_message;                /* the first error row's message */
    char *label;                        /* the first iteration row's label ("n=20000"), or NULL */
    unsigned char *log;                 /* its iteration rows in file order, packed (side_put) */
    size_t len, cap;                    /* log bytes used, allocated */
} cmp_side_t;

typedef struct cmp_entry {
    const char *key;                    /* the name (an aggregate row stands for its run_name) */
    uint64_t hash;                      /* the key's hash */
    cmp_side_t side[2];                 /* per file */
} cmp_entry_t;

typedef struct cmp_chunk {              /* the names' storage */
    struct cmp_chunk *next;             /* the chunk before */
    size_t used, cap;                   /* bytes used, allocated */
    char data[];                        /* the names, NUL-terminated */
} cmp_chunk_t;

struct mb_cmp {
    mb_cmp_opts_t o;                    /* the options */
    char *list_copy;                    /* the counter list, cut at its commas */
    const char **list;                  /* its names in order (repeats kept: each is a row) */
    size_t *list_idx;                   /* ... and their counter indexes */
    size_t nlist;                       /* how many */
    const char **counters;              /* the counters read, each once: a counter's index is its place here */
    size_t ncounters;                   /* how many */
    size_t instr_idx, rss_idx;          /* "instructions", "peak_rss_bytes" (SIZE_MAX: not read) */
    uint32_t *cslot;                    /* counter names hashed: index + 1, 0 empty */
    size_t cmask;                       /* its size - 1 */
    cmp_entry_t *e;                     /* the entries in file order, the baseline's first */
    size_t n, cap;                      /* entries used, allocated */
    uint32_t *slot;                     /* entry names hashed: index + 1, 0 empty */
    size_t smask;                       /* its size - 1 */
    size_t last;                        /* the entry of the last row */
    cmp_chunk_t *names;                 /* the names' storage, newest chunk first */
    size_t most;                        /* the most iteration rows of one side */
    json_t *ctx[2];                     /* each file's "context" (a reference), or NULL */
    size_t *ridx;                       /* scratch: the counter index of each counter of a row */
    size_t ridx_cap;                    /* its size */
};

/* "out of memory", exit 2. */
_Noreturn void cmp_oom(void);
/* malloc, or cmp_oom. */
void *cmp_xmalloc(size_t n);
/* The index of counter name, or SIZE_MAX if compare does not read it. */
size_t cmp_counter_index(const mb_cmp_t *c, const char *name);
/* The side has rows. */
bool cmp_side_present(const cmp_side_t *s);
/* The median of v[0..n), sorted in place (the order of equal values kept, as glibc's qsort). */
double cmp_median(double *v, size_t n);
/* The error-free samples (errors_too: all) of a time (which 0 real, 1 cpu; idx SIZE_MAX) or of counter idx
 * into v, in file order; their count. */
size_t cmp_side_samples(const cmp_side_t *s, int which, size_t idx, bool errors_too, double *v);
/* Counter idx over a side's rows as exact integers: true if every sample is a JSON integer, with the first
 * sample and whether any other differs from it. */
bool cmp_side_ints(const cmp_side_t *s, size_t idx, long long *first, bool *varies);

/* --- the table (compare_table.c) ------------------------------------------ */

typedef struct cmp_row {
    char bench[160], metric[40], old[48], new_[48], change[24], p[16], verdict[200];   /* the cells */
    bool fail;                          /* shown in bold in Markdown */
} cmp_row_t;

/* The table: the rows of the entry being checked (v, n: indexes are the
 * entry's own), then, once it is done, packed into text (a fail byte and the
 * seven cells, each ending in NUL), with the widest cell of each column. */
typedef struct cmp_table {
    cmp_row_t *v;                       /* the rows of the entry being checked */
    size_t n, cap;                      /* rows used, allocated */
    char *text;                         /* the rows of the entries done, packed */
    size_t len, tcap;                   /* text bytes used, allocated */
    int w[7];                           /* the widest cell of each column */
} cmp_table_t;

/* A row for bench and metric, its other cells empty. */
cmp_row_t *cmp_table_add(cmp_table_t *t, const char *bench, const char *metric);
/* The entry's rows into the text. */
void cmp_table_flush(cmp_table_t *t);
/* The table, aligned (console) or Markdown. */
void cmp_table_print(FILE *out, const cmp_table_t *t, mb_cmp_format_t fmt);
/* A time in ns, bytes, a count: short, with a unit. */
void cmp_fmt_time(char *b, size_t n, double ns);
void cmp_fmt_bytes(char *b, size_t n, double v);
void cmp_fmt_count(char *b, size_t n, double v);
/* (new - old) / old in percent into b; returns it (inf for growth from 0). */
double cmp_fmt_change(char *b, size_t n, double old, double nw);

#endif
