/* fuzz.c: `membench fuzz`: differential fuzzing (harness/check/fuzz.h) over seeds, for a count of seeds or a time budget, whichever ends first. */
#include <inttypes.h>
#include <stdlib.h>

#include "harness/check/fuzz.h"
#include "harness/cli/cli.h"

int mb_cmd_fuzz(mb_cli_call_t *c) {
    const mb_optval_t *v = c->v;
    const char *params = v[MB_O_PARAMS].given ? v[MB_O_PARAMS].text : NULL;
    uint64_t seed = v[MB_O_SEED].u, seeds = v[MB_O_SEEDS].given ? v[MB_O_SEEDS].u : UINT64_MAX, steps = v[MB_O_STEPS].u;
    double seconds = v[MB_O_SECONDS].given ? v[MB_O_SECONDS].d : 0;
    if (seeds == UINT64_MAX && seconds == 0) seconds = 10;
    const mb_strategy_t **ss;
    size_t ns = mb_cli_strategies(v[MB_O_STRATEGY].text, &ss);
    for (size_t i = 0; params && i < ns; i++) {
        char perr[512];
        if (mb_params_check(ss[i], params, perr, sizeof perr) != 0) usage_error("fuzz: %s", perr);
    }
    uint64_t t0 = mb_now_ns(), ran = 0;
    char err[1024];
    for (uint64_t k = 0; k < seeds; k++) {
        if (seconds > 0 && (double)(mb_now_ns() - t0) / 1e9 >= seconds) break;
        for (size_t i = 0; i < ns; i++) {
            if (mb_fuzz_run_params(ss[i], params, seed + k, steps, err, sizeof err) != 0) {
                fprintf(stderr, "membench: %s\n", err);
                printf("fuzz: FAILED after %" PRIu64 " seeds\n", ran);
                free(ss);
                return 1;
            }
        }
        ran++;
    }
    printf("fuzz: %" PRIu64 " seeds (%" PRIu64 "..%" PRIu64 ") x %zu strategies x %" PRIu64 " steps: no discrepancy\n",
           ran, seed, seed + (ran ? ran - 1 : 0), ns, steps);
    free(ss);
    return 0;
}
