/* filter.h: --filter REGEX over benchmark names <workload>/<strategy>/interning:<on|off>,
 * as Google Benchmark's --benchmark_filter: an extended regular expression
 * that selects names it matches anywhere; a leading '-' selects those it does not. */
#ifndef MB_FILTER_H
#define MB_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct mb_filter {
    bool active;                        /* a filter was given */
    bool negate;                        /* "-REGEX": the names it does not match */
    regex_t re;
} mb_filter_t;

/* Compile expr (NULL: no filter, everything matches). 0, or -1 and err. */
int mb_filter_compile(mb_filter_t *f, const char *expr, char *err, size_t errsz);
bool mb_filter_match(const mb_filter_t *f, const char *name);
void mb_filter_free(mb_filter_t *f);

#endif
