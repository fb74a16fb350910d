/* history_int.h: what history.c and history_show.c share (harness/results/ only). */
#ifndef MB_HISTORY_INT_H
#define MB_HISTORY_INT_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/base/gbench_read.h"
#include "harness/results/history.h"

struct mb_hist {
    sqlite3 *db;                        /* the connection */
    char path[4096];                    /* the file, for messages */
};

/* The message into err; returns rc. */
int hist_fail(char *err, size_t errsz, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The index of a counter with a column of its own in samples, or -1. */
int hist_col_index(const char *name);
/* The content hash of a results document: its JSON canonical (keys sorted, no whitespace), two FNV-1a lanes
 * as 32 hex digits. -1 when it cannot be written (doc NULL, out of memory). */
int hist_doc_hash(const json_t *doc, char hash[40]);
/* The rows of f (f->context its context; f->path unused) as one run with content hash `hash`, source `name`,
 * in one transaction: 0 (*dup when that hash was there already, nothing appended; *run_id the run), or -2
 * with err for a database error (nothing appended). mb_hist_import's rows are parsed from the file,
 * mb_hist_append_suite's are a run's own (history_suite.c). */
int hist_insert_file(mb_hist_t *h, const mb_gb_file_t *f, const char *hash, const char *name, bool *dup,
                     long long *run_id, char *err, size_t errsz);

#endif
