/* tour.c: `membench tour`: the Python memory tutorial replayed on each strategy (harness/run/tour.h). */
#include <stdlib.h>

#include "harness/cli/cli.h"
#include "harness/run/tour.h"

int mb_cmd_tour(mb_cli_call_t *c) {
    static const int interning_of[] = {1, 0, -1}, fin_of[] = {MB_FIN_MODERN, MB_FIN_LEGACY, -1};
    int interning = interning_of[c->v[MB_O_INTERNING].choice], fin = fin_of[c->v[MB_O_FINALIZERS].choice];
    const mb_strategy_t **ss;
    size_t ns = mb_cli_strategies(c->v[MB_O_STRATEGY].text, &ss);
    int rc = 0;
    for (size_t i = 0; i < ns; i++) {
        if (i) putchar('\n');
        if (mb_tour(ss[i], interning, fin) != 0) rc = 1;
    }
    free(ss);
    return rc;
}
