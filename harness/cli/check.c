/* check.c: `membench check`: the conformance suite (harness/check/check.h) on each strategy; exit 1 if a check failed. */
#include <stdlib.h>

#include "harness/check/check.h"
#include "harness/cli/cli.h"

int mb_cmd_check(mb_cli_call_t *c) {
    const mb_optval_t *v = c->v;
    mb_check_opts_t o = {.only = v[MB_O_ONLY].given ? v[MB_O_ONLY].text : NULL, .seeds = v[MB_O_SEEDS].u,
                         .steps = v[MB_O_STEPS].u, .depth = v[MB_O_DEPTH].u, .timeout_s = v[MB_O_TIMEOUT].d};
    char bad[128];
    if (o.only && mb_check_only_valid(o.only, bad, sizeof bad) != 0)
        usage_error("check: unknown check '%s' (%s)", bad, mb_check_names());
    const mb_strategy_t **ss;
    size_t ns = mb_cli_strategies(v[MB_O_STRATEGY].text, &ss);
    unsigned passed = 0, failed = 0, skipped = 0;
    int rc = 0;
    for (size_t i = 0; i < ns; i++) rc |= mb_check(ss[i], &o, stdout, &passed, &failed, &skipped);
    printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    free(ss);
    return rc;
}
