/* progress.h: progress of a suite on stderr: a live line on a terminal, one plain line per case otherwise,
 * each with the time so far and an estimate of the time left. */
#ifndef MB_PROGRESS_H
#define MB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mb_entry;
struct mb_suite;

typedef struct mb_progress {
    size_t total;                       /* cases in the suite */
    uint64_t t0;                        /* when the suite started, monotonic ns */
    bool tty;                           /* stderr is a terminal: rewrite one line */
    bool quiet;                         /* MB_QUIET set: print nothing */
    const struct mb_suite *suite;       /* the suite, for the estimate of the time left (NULL: none) */
    double left_ns;                     /* that estimate after the last finished run; < 0 before any */
} mb_progress_t;

void mb_progress_begin(mb_progress_t *p, size_t total);
void mb_progress_case(mb_progress_t *p, size_t i, const char *name, unsigned rep, unsigned reps);
void mb_progress_done(mb_progress_t *p, size_t i, const struct mb_entry *e);
void mb_progress_end(mb_progress_t *p);

#endif
