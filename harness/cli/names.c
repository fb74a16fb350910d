/* names.c: the comma lists of strategy and workload names of -s and -w ("all" for every one). */
#include <stdlib.h>
#include <string.h>

#include "harness/base/oom.h"
#include "harness/cli/cli.h"

/* Split a comma list of names, resolving "all", into a new array (*out,
 * freed by the caller); unknown names and names given twice (an entry
 * named twice would be pooled by compare) are usage errors. No cap. */
static size_t parse_names(const char *what, const char *list, const void *const *all, const void *(*find)(const char *),
                          const char *(*name_of)(const void *), const void ***out) {
    size_t n = 0, cap = 16;
    const void **v = malloc(cap * sizeof *v);
    char *copy = strdup(list), *save = NULL, msg[512] = "";
    if (!v || !copy) mb_harness_oom("the name list");
    for (char *t = strtok_r(copy, ",", &save); t && !*msg; t = strtok_r(NULL, ",", &save)) {
        bool every = !strcmp(t, "all");
        const void *one = every ? NULL : find(t);
        if (!every && !one) {
            snprintf(msg, sizeof msg, "unknown %s '%s' (see membench list)", what, t);
            break;
        }
        for (size_t i = 0; every ? all[i] != NULL : i == 0; i++) {
            const void *x = every ? all[i] : one;
            for (size_t k = 0; k < n && !*msg; k++)
                if (v[k] == x) snprintf(msg, sizeof msg, "%s '%s' is given twice in '%s': name each once", what, name_of(x), list);
            if (*msg) break;
            if (n == cap) {
                const void **nv = realloc(v, (cap *= 2) * sizeof *nv);
                if (!nv) mb_harness_oom("the name list");
                v = nv;
            }
            v[n++] = x;
        }
    }
    free(copy);
    if (!*msg && !n) snprintf(msg, sizeof msg, "no %s given", what);
    if (*msg) {                         /* freed first: LeakSanitizer builds exit 1 on a leak, not 2 */
        free(v);
        usage_error("%s", msg);
    }
    *out = v;
    return n;
}

static const void *find_strategy(const char *n) { return mb_find_strategy(n); }
static const void *find_workload(const char *n) { return mb_open_workload(n); }
static const char *strategy_name(const void *x) { return ((const mb_strategy_t *)x)->name; }
static const char *workload_name(const void *x) { return ((const mb_workload_t *)x)->name; }

size_t mb_cli_strategies(const char *list, const mb_strategy_t ***out) {
    return parse_names("strategy", list, (const void *const *)mb_strategies, find_strategy, strategy_name,
                       (const void ***)out);
}

size_t mb_cli_workloads(const char *list, const mb_workload_t ***out) {
    return parse_names("workload", list, (const void *const *)mb_workloads, find_workload, workload_name,
                       (const void ***)out);
}
