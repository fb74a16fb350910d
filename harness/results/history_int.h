/* history_int.h: what history.c and history_show.c share (harness/results/ only). */
#ifndef MB_HISTORY_INT_H
#define MB_HISTORY_INT_H

#include <sqlite3.h>
#include <stddef.h>

#include "harness/results/history.h"

struct mb_hist {
    sqlite3 *db;                        /* the connection */
    char path[4096];                    /* the file, for messages */
};

/* The message into err; returns rc. */
int hist_fail(char *err, size_t errsz, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The index of a counter with a column of its own in samples, or -1. */
int hist_col_index(const char *name);

#endif
