/* check.h: `membench check`, the conformance suite of a strategy (built-in or plug-in; docs/plugins.md). */
#ifndef MB_CHECK_H
#define MB_CHECK_H

#include <stdio.h>

#include "harness/run/registry.h"

typedef struct mb_check_opts {
    const char *only;                   /* comma list of check names, or NULL for all */
    uint64_t seeds;                     /* fuzz: seeds 1..seeds */
    uint64_t steps;                     /* fuzz: steps per seed */
    uint64_t depth;                     /* deep-structures: the chain's length */
    double timeout_s;                   /* per check */
} mb_check_opts_t;

/* Every check on s, each in a child process: one line per check on out
 * ("PASS name", "FAIL name: why" and the command that reproduces it,
 * "SKIP name: why"), counts added to *passed, *failed, *skipped. Returns
 * 0, or 1 if a check failed. */
int mb_check(const mb_strategy_t *s, const mb_check_opts_t *o, FILE *out, unsigned *passed, unsigned *failed,
             unsigned *skipped);
/* The checks' names, comma-separated. */
const char *mb_check_names(void);
/* 0 if every name of the comma list is a check's, else -1 with the first unknown one in bad. */
int mb_check_only_valid(const char *list, char *bad, size_t badsz);

#endif
