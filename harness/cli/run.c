/* run.c: `membench run`: the options checked, the plan (filter, twins, sizes, shards), the memory guard, the run, its report and history. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/base/filter.h"
#include "harness/cli/cli.h"
#include "harness/cli/suite_out.h"
#include "harness/results/history.h"
#include "harness/run/shard.h"
#include "harness/run/twins.h"
#include "runtime/mem.h"

/* A run being set up: its options, what it runs, where its results go. */
typedef struct run {
    const mb_optval_t *v;               /* the options as parsed */
    const char *scale;                  /* quick, default or large */
    int interning;                      /* 1 on, 0 off, -1 both */
    uint64_t n;                         /* --size, 0 for the scale's */
    uint64_t reps;                      /* repetitions per case */
    mb_options_t opt;                   /* the runtime options every case shares */
    mb_format_t fmt;                    /* --format */
    mb_filter_t filter;                 /* --filter */
    unsigned shard_i, shard_n;          /* --shard I/N; shard_n 0: the whole plan */
    json_t *shard_costs;                /* --shard-costs, read; NULL: the model */
    const mb_strategy_t **ss;           /* -s, resolved */
    size_t ns;                          /* how many */
    const mb_workload_t **ws;           /* -w, resolved */
    size_t nw;                          /* how many */
    mb_hist_t *hist;                    /* the history database, or NULL */
    mb_outfile_t of;                    /* --out */
    char *options_json;                 /* the options as a JSON object, for the context */
} run_t;

/* The options into r; bad usage exits 2, in the order the checks were always made. */
static void run_options(run_t *r) {
    const mb_optval_t *v = r->v;
    static const int interning_of[] = {1, 0, -1};
    r->scale = v[MB_O_SCALE].text;
    r->interning = interning_of[v[MB_O_INTERNING].choice];
    r->n = v[MB_O_SIZE].given ? v[MB_O_SIZE].u : 0;
    r->reps = v[MB_O_REPS].given ? v[MB_O_REPS].u : !strcmp(r->scale, "quick") ? 3 : !strcmp(r->scale, "large") ? 1 : 5;
    r->opt = (mb_options_t){.heap_multiplier = v[MB_O_HEAPMUL].d,
                            .allocator = (mb_allocator_t)v[MB_O_ALLOCATOR].choice,   /* the choices in enum order */
                            .finalizers = v[MB_O_FINALIZERS].choice ? MB_FIN_LEGACY : MB_FIN_MODERN,
                            .params = v[MB_O_PARAMS].given ? v[MB_O_PARAMS].text : NULL};
    r->fmt = mb_cli_format(v[MB_O_FORMAT].text);
    char err[1024];
    uint64_t nth;
    if (mb_filter_compile(&r->filter, v[MB_O_FILTER].given ? v[MB_O_FILTER].text : NULL, err, sizeof err) != 0 ||
        mb_test_fail_alloc(&nth, err, sizeof err) < 0)
        usage_error("%s", err);
    if (v[MB_O_SHARD].given && mb_shard_parse(v[MB_O_SHARD].text, &r->shard_i, &r->shard_n, err, sizeof err) != 0)
        usage_error("%s", err);
    if (v[MB_O_SHARDCOSTS].given && !r->shard_n) usage_error("--shard-costs goes with --shard I/N");
    r->ns = mb_cli_strategies(v[MB_O_STRATEGY].text, &r->ss);
    r->nw = mb_cli_workloads(v[MB_O_WORKLOAD].text, &r->ws);
    if (v[MB_O_SHARDCOSTS].given && !(r->shard_costs = mb_shard_costs_read(v[MB_O_SHARDCOSTS].text, err, sizeof err)))
        usage_error("%s", err);
    const char *merr = NULL;
    if (r->opt.allocator == MB_ALLOC_JEMALLOC) mb_cli_reexec_with_jemalloc();
    if (mb_mem_select(r->opt.allocator, &merr) != 0) usage_error("%s", merr);
}

/* The parameters, the history database, --record's directory and the
 * output file, checked before anything runs. */
static void run_destinations(run_t *r) {
    const mb_optval_t *v = r->v;
    for (size_t si = 0; r->opt.params && si < r->ns; si++) {
        char perr[512];
        if (mb_params_check(r->ss[si], r->opt.params, perr, sizeof perr) != 0) usage_error("%s", perr);
    }
    /* The history database (--history, else $MB_HISTORY; --no-history: none). */
    const char *histpath = v[MB_O_NOHISTORY].flag ? NULL : v[MB_O_HISTORY].given ? v[MB_O_HISTORY].text : getenv("MB_HISTORY");
    if (histpath && *histpath) {
        char herr[4200];
        if (!(r->hist = mb_hist_open(histpath, true, herr, sizeof herr))) exit(mb_cli_fail(herr));
    }
    /* --record DIR: the directory made (one level) and writable. */
    const char *record = v[MB_O_RECORD].given ? v[MB_O_RECORD].text : NULL;
    if (record && ((mkdir(record, 0777) != 0 && errno != EEXIST) || access(record, W_OK) != 0))
        usage_error("--record %s: cannot write there: %s", record, strerror(errno));
    mb_cli_open(&r->of, v[MB_O_OUT].text, NULL, NULL);
    size_t len = 0;
    FILE *oj = open_memstream(&r->options_json, &len);
    if (!oj) mb_harness_oom("the options");
    mb_opts_json(oj, MB_CMD_RUN, v);
    if (fclose(oj) != 0) mb_harness_oom("the options");
}

/* A case's benchmark name (case.h), in a buffer of its own. */
static const char *case_name(const mb_workload_t *w, const mb_strategy_t *s, int interning) {
    static char name[160];
    return mb_case_name(name, sizeof name, w, s, interning);
}

/* The cases of workload w the filter selects: strategies, interning on and
 * off, then its twins (one more row each, twins.h), added to the suite. A
 * workload with none is not sized (its maximum is not checked). */
static void plan_workload(run_t *r, mb_suite_t *suite, const mb_workload_t *w) {
    const mb_strategy_t *tw[8];
    size_t ntw = r->v[MB_O_TWINS].flag ? mb_twins_of(w, tw, 8) : 0, nsel = 0;
    struct sel { const mb_strategy_t *s; int on; } sel[2 * r->ns + 8];
    for (size_t si = 0; si < r->ns; si++)
        for (int on = 0; on <= 1; on++)
            if ((r->interning < 0 || on == r->interning) && mb_filter_match(&r->filter, case_name(w, r->ss[si], on)))
                sel[nsel++] = (struct sel){r->ss[si], on};
    for (size_t ti = 0; ti < ntw; ti++)
        if (mb_filter_match(&r->filter, case_name(w, tw[ti], false))) sel[nsel++] = (struct sel){tw[ti], false};
    if (!nsel) return;
    uint64_t size = r->n ? r->n : !strcmp(r->scale, "quick") ? w->size_quick
                                : !strcmp(r->scale, "large") ? w->size_large : w->size_default;
    if (w->size_max && size > w->size_max)
        usage_error("--size %" PRIu64 " is beyond %s's maximum of %" PRIu64 " (see membench list)", size, w->name,
                    w->size_max);
    char label[64];
    snprintf(label, sizeof label, "n=%" PRIu64, size);
    for (size_t k = 0; k < nsel; k++) {
        /* the whole name fits a results entry's, or the names of two cases could be one */
        char whole[sizeof suite->v->name + 1];
        if (strlen(mb_case_name(whole, sizeof whole, w, sel[k].s, false)) >= sizeof suite->v->name)
            usage_error("the benchmark names of %s would pass %zu characters: give the trace a shorter path",
                        w->name, sizeof suite->v->name - 1);
        mb_case_t cs = {.workload = w, .strategy = sel[k].s, .opt = r->opt,
                        .args = {.n = size, .seed = r->v[MB_O_SEED].u, .interning = sel[k].on, .finalizers = true}};
        mb_suite_add(suite, &cs, (unsigned)r->reps, label);
    }
}

/* The plan: every workload's cases, then this shard's share of them. */
static void run_plan(run_t *r, mb_suite_t *suite) {
    for (size_t wi = 0; wi < r->nw; wi++) plan_workload(r, suite, r->ws[wi]);
    if (!suite->n) {
        mb_outfile_abort(&r->of);
        usage_error("--filter '%s' matches no case (names are <workload>/<strategy>/interning:<on|off>)",
                    r->v[MB_O_FILTER].text);
    }
    mb_filter_free(&r->filter);
    if (r->shard_n) {
        suite->shard = mb_shard_plan(suite, r->shard_i, r->shard_n, r->shard_costs, r->v[MB_O_SHARDCOSTS].text);
        if (!suite->n)
            fprintf(stderr, "membench: shard %u/%u has no workload (more shards than workloads): "
                    "writing a results file with no benchmarks\n", r->shard_i, r->shard_n);
    }
    if (r->shard_costs) json_decref(r->shard_costs);
}

/* Bytes of physical memory, 0 if unknown. */
static double phys_bytes(void) {
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    return pages > 0 && psz > 0 ? (double)pages * (double)psz : 0;
}

/* Estimate the peak memory of a case at size n from two small runs in child
 * processes (peak live bytes at n1 and n2, extrapolated linearly); a size
 * whose estimate exceeds physical memory is bad usage. */
static void check_memory(const mb_case_t *base, uint64_t n, double timeout) {
    double phys = phys_bytes();
    /* A workload whose size is an exponent (a small size_max: binary-trees'
     * depth) grows geometrically: probe at 10 and 12, extrapolate the ratio
     * per step (-n 28 once skipped the guard). */
    bool exponent = base->workload->size_max && base->workload->size_max <= 64;
    if (!phys || n <= (exponent ? 14 : 4000)) return;
    mb_case_t c = *base;
    uint64_t n1 = exponent ? 10 : 2000, n2 = exponent ? 12 : 4000;
    mb_result_t r1, r2;
    char err[256];
    c.args.n = n1;
    double t = timeout < 60 ? timeout : 60;
    if (mb_run_isolated(&c, t, &r1, err, sizeof err) != 0) return;   /* the real run will report it */
    c.args.n = n2;
    if (mb_run_isolated(&c, t, &r2, err, sizeof err) != 0) return;
    double p1 = (double)r1.stats.peak_live_bytes, p2 = (double)r2.stats.peak_live_bytes;
    double est;
    if (exponent) {
        double ratio = p1 > 0 ? sqrt(p2 / p1) : 2;      /* per step of the exponent */
        if (!(ratio >= 1)) ratio = 1;
        est = p2 * pow(ratio, (double)(n - n2));
    } else {
        double slope = (p2 - p1) / (double)(n2 - n1);
        if (slope < 0) slope = 0;
        est = p2 + slope * (double)(n - n2);
    }
    if (est > phys) {
        char e[32], m[32];
        usage_error("--size %" PRIu64 " is beyond this machine's memory: %s/%s needs about %s, the machine has %s",
                    n, c.workload->name, c.strategy->name, mb_fmt_bytes(e, sizeof e, est), mb_fmt_bytes(m, sizeof m, phys));
    }
}

/* The memory estimate of each (workload, strategy) to run, before anything runs (twins are not estimated). */
static void run_memory_guard(const run_t *r, const mb_suite_t *suite) {
    for (size_t e = 0; e < suite->n; e++) {
        const mb_entry_t *x = &suite->v[e];
        bool twin = true;
        for (size_t si = 0; si < r->ns; si++) twin &= r->ss[si] != x->c.strategy;
        if (twin || (e && suite->v[e - 1].c.workload == x->c.workload && suite->v[e - 1].c.strategy == x->c.strategy))
            continue;
        mb_case_t probe = {.workload = x->c.workload, .strategy = x->c.strategy, .opt = r->opt,
                           .args = {.n = x->c.args.n, .seed = r->v[MB_O_SEED].u}};
        check_memory(&probe, x->c.args.n, r->v[MB_O_TIMEOUT].d);
    }
}

/* The run's results, every repetition (whatever --format and --aggregates-only
 * say), appended to the history from the suite itself, as importing its JSON
 * results file would: only once the results file is committed and the run
 * was not interrupted. */
static int history_append(mb_hist_t *h, mb_suite_t *suite, const mb_context_t *ctx, const char *outpath) {
    char name[4200], err[4200];
    snprintf(name, sizeof name, "run:%s", mb_cli_out_name(outpath));
    bool dup;
    long long run;
    size_t nrows;
    int rc = mb_hist_append_suite(h, suite, ctx, name, &dup, &run, &nrows, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "membench: history: %s\n", err);
        return -1;
    }
    if (!getenv("MB_QUIET"))
        fprintf(stderr, "membench: history: appended run %lld (%zu entries)\n", run, nrows);
    return 0;
}

/* Run the suite, write its report, commit it; then, unless interrupted, the history. */
static int run_finish(run_t *r, mb_suite_t *suite) {
    int status = mb_suite_run(suite);
    mb_context_t ctx;
    mb_context_read(&ctx);
    mb_report_suite(r->of.f, r->fmt, suite, &ctx);
    const char *outpath = r->v[MB_O_OUT].text;
    if (mb_cli_commit(&r->of, 0) != 0) return 2;
    if (suite->interrupted) {
        /* As a shell reports a command killed by the signal: 128 + its number. */
        const char *sig = sigabbrev_np(suite->interrupted);
        fprintf(stderr, "membench: interrupted by SIG%s: wrote the %zu of %zu runs that finished to %s, marked incomplete\n",
                sig ? sig : "?", suite->n, suite->planned, mb_cli_out_name(outpath));
        return 128 + suite->interrupted;
    }
    if (r->hist && history_append(r->hist, suite, &ctx, outpath) != 0) return 2;
    return status;
}

int mb_cmd_run(mb_cli_call_t *c) {
    run_t r = {.v = c->v};
    run_options(&r);
    run_destinations(&r);
    mb_suite_t suite = {.executable = c->argv[0], .scale = r.scale, .allocator = mb_mem_name(r.opt.allocator),
                        .heap_multiplier = r.opt.heap_multiplier, .aggregates_only = c->v[MB_O_AGGONLY].flag,
                        .options_json = r.options_json, .seed = (unsigned long long)c->v[MB_O_SEED].u,
                        .timeout_s = c->v[MB_O_TIMEOUT].d, .in_process = c->v[MB_O_INPROC].flag,
                        .record_dir = c->v[MB_O_RECORD].given ? c->v[MB_O_RECORD].text : NULL};
    run_plan(&r, &suite);
    run_memory_guard(&r, &suite);
    int status = run_finish(&r, &suite);
    mb_hist_close(r.hist);
    mb_suite_free(&suite);
    free(r.options_json);
    free(r.ss);
    free(r.ws);
    return status;
}
