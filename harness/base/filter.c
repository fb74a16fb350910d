/* filter.c: --filter REGEX (filter.h). */
#include <stdio.h>

#include "harness/base/filter.h"

int mb_filter_compile(mb_filter_t *f, const char *expr, char *err, size_t errsz) {
    f->active = expr != NULL;
    f->negate = false;
    if (!expr) return 0;
    f->negate = expr[0] == '-';
    const char *re = expr + f->negate;
    if (!*re) {
        snprintf(err, errsz, "--filter '%s' has no regular expression", expr);
        f->active = false;
        return -1;
    }
    int rc = regcomp(&f->re, re, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char why[128];
        regerror(rc, &f->re, why, sizeof why);
        snprintf(err, errsz, "--filter '%s' is not a regular expression: %s", expr, why);
        f->active = false;
        return -1;
    }
    return 0;
}

bool mb_filter_match(const mb_filter_t *f, const char *name) {
    if (!f->active) return true;
    bool m = regexec(&f->re, name, 0, NULL, 0) == 0;
    return m != f->negate;
}

void mb_filter_free(mb_filter_t *f) {
    if (f->active) regfree(&f->re);
    f->active = false;
}
