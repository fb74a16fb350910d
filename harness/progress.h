/* progress.h: progress of a suite on stderr: a live line on a terminal, one plain line per case otherwise. */
#ifndef MB_PROGRESS_H
#define MB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mb_entry;

typedef struct mb_progress {
    size_t total;                       /* cases in the suite */
    uint64_t t0;                        /* when the suite started, monotonic ns */
    bool tty;                           /* stderr is a terminal: rewrite one line */
    bool quiet;                         /* MB_QUIET set: print nothing */
} mb_progress_t;

void mb_progress_begin(mb_progress_t *p, size_t total);
void mb_progress_case(mb_progress_t *p, size_t i, const char *name, unsigned rep, unsigned reps);
void mb_progress_done(mb_progress_t *p, size_t i, const struct mb_entry *e);
void mb_progress_end(mb_progress_t *p);

#endif
