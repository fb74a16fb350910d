/* compare.c: `membench compare BASELINE CONTENDER`: the regression gate (harness/results/compare.h); exit 0 no regression, 1 a regression, 2 bad input. */
#include <string.h>

#include "harness/cli/cli.h"
#include "harness/results/compare.h"

/* The options of the table into the comparison's; bad values are usage errors. */
static void compare_opts(const mb_cli_call_t *c, mb_cmp_opts_t *o) {
    const mb_optval_t *v = c->v;
    mb_cmp_opts_default(o);
    o->alpha = v[MB_O_ALPHA].d;
    if (!(o->alpha > 0 && o->alpha < 1)) usage_error("--alpha must be between 0 and 1, not '%s'", v[MB_O_ALPHA].text);
    o->memory_threshold = v[MB_O_MEMTHRESH].d;
    o->memory_floor = v[MB_O_MEMFLOOR].d;
    static const mb_cmp_time_rule_t rules[] = {MB_CMP_EITHER, MB_CMP_BOTH, MB_CMP_CPU, MB_CMP_REAL};
    o->time_rule = rules[v[MB_O_TIMERULE].choice];
    o->format = v[MB_O_FORMAT].choice ? MB_CMP_MARKDOWN : MB_CMP_CONSOLE;
    o->metric = v[MB_O_METRIC].choice ? MB_CMP_INSTRUCTIONS : MB_CMP_TIME;
    o->threshold = v[MB_O_THRESH].given ? v[MB_O_THRESH].d : o->metric == MB_CMP_INSTRUCTIONS ? 1 : 5;
    /* the last of --times/--no-times (and --memory/--no-memory) given wins */
    for (int k = 1; k < c->argc; k++) {
        if (!strcmp(c->argv[k], "--times")) o->times = true;
        else if (!strcmp(c->argv[k], "--no-times")) o->times = false;
        else if (!strcmp(c->argv[k], "--memory")) o->memory = true;
        else if (!strcmp(c->argv[k], "--no-memory")) o->memory = false;
    }
    if (v[MB_O_NOCOUNTERS].flag) o->counters = false;
    if (v[MB_O_STRICT].flag) o->strict_counters = true;
    if (v[MB_O_COUNTERS].given) {
        const char *cl = v[MB_O_COUNTERS].text;
        if (!*cl || strspn(cl, ",") == strlen(cl)) usage_error("--counters needs counter names");
        o->counter_list = cl;
    }
}

/* What the writer needs. */
typedef struct cmp_out {
    mb_cmp_t *cmp;                      /* both files, read */
    char **args;                        /* their paths */
} cmp_out_t;

static int write_cmp(FILE *out, void *arg) {
    cmp_out_t *o = arg;
    mb_cmp_summary_t sum;
    return mb_cmp_finish(o->cmp, out, o->args[0], o->args[1], &sum) ? 1 : 0;
}

static void release_cmp(void *arg) { mb_cmp_free(((cmp_out_t *)arg)->cmp); }

int mb_cmd_compare(mb_cli_call_t *c) {
    mb_cmp_opts_t o;
    compare_opts(c, &o);
    /* Both files streamed into the comparison, row by row: never held whole. */
    cmp_out_t w = {.cmp = mb_cmp_new(&o), .args = c->args};
    char err[1024];
    for (int side = 0; side < 2; side++)
        if (mb_cmp_read(w.cmp, side, c->args[side], err, sizeof err) != 0) {
            mb_cmp_free(w.cmp);
            return mb_cli_fail(err);
        }
    int status = mb_cli_write(c->v[MB_O_OUT].text, write_cmp, release_cmp, &w);
    mb_cmp_free(w.cmp);
    return status;
}
