/* main.c: the membench command line: list, run, report, compare, tour, fuzz (docs/design.md section 7);
 * every option is declared in options.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/mem.h"
#include "harness/run/case.h"
#include "harness/check/check.h"
#include "harness/results/compare.h"
#include "harness/run/context.h"
#include "harness/base/filter.h"
#include "harness/check/fuzz.h"
#include "harness/base/gbench_read.h"
#include "harness/run/twins.h"
#include "harness/results/suite_read.h"
#include "harness/results/history.h"
#include "harness/results/hyperfine.h"
#include "harness/cli/options.h"
#include "harness/base/outfile.h"
#include "harness/run/probe.h"
#include "harness/report/report.h"
#include "harness/run/runner.h"
#include "harness/run/shard.h"
#include "harness/run/tour.h"
#include "harness/results/merge.h"
#include "harness/trace/trace.h"
#include <sys/stat.h>

static char **main_argv;                /* for re-executing with jemalloc */
static char *main_cmd;                  /* argv[1] before the subcommand parsers reuse it */
static int cur_cmd = -1;                /* the command being parsed, for its synopsis after an error */

/* Out of memory in the harness itself: a message, exit status 2. */
static _Noreturn void harness_oom(const char *what) {
    fprintf(stderr, "membench: out of memory (%s)\n", what);
    exit(2);
}

#define usage_error(...) mb_usage_error(cur_cmd, __VA_ARGS__)

/* Split a comma list of names, resolving "all", into a new array (*out,
 * freed by the caller); unknown names and names given twice (an entry
 * named twice would be pooled by compare) are usage errors. No cap. */
static size_t parse_names(const char *what, const char *list, const void *const *all, const void *(*find)(const char *),
                          const char *(*name_of)(const void *), const void ***out) {
    size_t n = 0, cap = 16;
    const void **v = malloc(cap * sizeof *v);
    char *copy = strdup(list), *save = NULL, msg[512] = "";
    if (!v || !copy) harness_oom("the name list");
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
                if (!nv) harness_oom("the name list");
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

static size_t parse_strategies(const char *list, const mb_strategy_t ***out) {
    return parse_names("strategy", list, (const void *const *)mb_strategies, find_strategy, strategy_name,
                       (const void ***)out);
}

static size_t parse_workloads(const char *list, const mb_workload_t ***out) {
    return parse_names("workload", list, (const void *const *)mb_workloads, find_workload, workload_name,
                       (const void ***)out);
}

static int cmd_list(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_LIST, argc, argv, v, &args, &nargs);
    if (v[MB_O_FORMAT].choice == 1) mb_report_list_json(stdout);
    else mb_report_list_console(stdout);
    return 0;
}

static int cmd_tour(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_TOUR, argc, argv, v, &args, &nargs);
    static const int interning_of[] = {1, 0, -1}, fin_of[] = {MB_FIN_MODERN, MB_FIN_LEGACY, -1};
    int interning = interning_of[v[MB_O_INTERNING].choice], fin = fin_of[v[MB_O_FINALIZERS].choice];
    const mb_strategy_t **ss;
    size_t ns = parse_strategies(v[MB_O_STRATEGY].text, &ss);
    int rc = 0;
    for (size_t i = 0; i < ns; i++) {
        if (i) putchar('\n');
        if (mb_tour(ss[i], interning, fin) != 0) rc = 1;
    }
    free(ss);
    return rc;
}

/* jemalloc has to be loaded when the process starts: run this same command
 * again with it preloaded (once; MB_JEMALLOC_REEXEC guards the loop). */
static void reexec_with_jemalloc(char **argv) {
    if (mb_mem_jemalloc_loaded() || getenv("MB_JEMALLOC_REEXEC")) return;
    const char *old = getenv("LD_PRELOAD");
    char pre[4096];
    snprintf(pre, sizeof pre, "libjemalloc.so.2%s%s", old && *old ? ":" : "", old ? old : "");
    setenv("LD_PRELOAD", pre, 1);
    setenv("MB_JEMALLOC_REEXEC", "1", 1);
    fflush(NULL);
    main_argv[1] = main_cmd;
    execv("/proc/self/exe", main_argv);
    (void)argv;
}

/* membench fuzz: differential fuzzing (harness/check/fuzz.c) over seeds, for a
 * count of seeds or a time budget, whichever ends first. */
static int cmd_fuzz(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_FUZZ, argc, argv, v, &args, &nargs);
    const char *slist = v[MB_O_STRATEGY].text, *params = v[MB_O_PARAMS].given ? v[MB_O_PARAMS].text : NULL;
    uint64_t seed = v[MB_O_SEED].u, seeds = v[MB_O_SEEDS].given ? v[MB_O_SEEDS].u : UINT64_MAX, steps = v[MB_O_STEPS].u;
    double seconds = v[MB_O_SECONDS].given ? v[MB_O_SECONDS].d : 0;
    if (seeds == UINT64_MAX && seconds == 0) seconds = 10;
    const mb_strategy_t **ss;
    size_t ns = parse_strategies(slist, &ss);
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

/* membench check: the conformance suite (check.h) on each strategy; exit 1 if a check failed. */
static int cmd_check(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_CHECK, argc, argv, v, &args, &nargs);
    mb_check_opts_t o = {.only = v[MB_O_ONLY].given ? v[MB_O_ONLY].text : NULL, .seeds = v[MB_O_SEEDS].u,
                         .steps = v[MB_O_STEPS].u, .depth = v[MB_O_DEPTH].u, .timeout_s = v[MB_O_TIMEOUT].d};
    char bad[128];
    if (o.only && mb_check_only_valid(o.only, bad, sizeof bad) != 0)
        usage_error("check: unknown check '%s' (%s)", bad, mb_check_names());
    const mb_strategy_t **ss;
    size_t ns = parse_strategies(v[MB_O_STRATEGY].text, &ss);
    unsigned passed = 0, failed = 0, skipped = 0;
    int rc = 0;
    for (size_t i = 0; i < ns; i++) rc |= mb_check(ss[i], &o, stdout, &passed, &failed, &skipped);
    printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    free(ss);
    return rc;
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

/* A case's benchmark name (case.h), in a buffer of its own. */
static const char *case_name(const mb_workload_t *w, const mb_strategy_t *s, int interning) {
    static char name[160];
    return mb_case_name(name, sizeof name, w, s, interning);
}

/* --shard I/N: the suite's units (its workloads, in plan order) assigned to
 * N shards by estimated cost (shard.h); the entries of the other shards are
 * dropped, each kept entry keeping the family_index of the whole plan (merge
 * orders by it). Returns the context's "shard" object. */
static json_t *shard_plan(mb_suite_t *suite, unsigned index, unsigned count, const json_t *costs, const char *costs_path) {
    size_t nu = 0;
    const mb_workload_t **unit = malloc((suite->n + 1) * sizeof *unit);
    double *cost = calloc(suite->n + 1, sizeof *cost);
    unsigned *shard_of = malloc((suite->n + 1) * sizeof *shard_of);
    double *load = calloc(count, sizeof *load);
    if (!unit || !cost || !shard_of || !load) harness_oom("the shard plan");
    size_t from_file = 0;
    for (size_t e = 0; e < suite->n; e++) {
        const mb_entry_t *x = &suite->v[e];
        if (!nu || unit[nu - 1] != x->c.workload) unit[nu++] = x->c.workload;
        const json_t *c = costs ? json_object_get(costs, x->name) : NULL;
        if (c) from_file++;
        cost[nu - 1] += c ? json_real_value(c) + MB_SHARD_OVERHEAD_S : mb_shard_model_seconds(x->c.workload, x->c.args.n);
    }
    mb_shard_assign(cost, nu, count, shard_of, load);
    size_t kept = 0;
    for (size_t e = 0, u = 0; e < suite->n; e++) {
        if (e && suite->v[e - 1].c.workload != suite->v[e].c.workload) u++;
        if (shard_of[u] == index) suite->v[kept++] = suite->v[e];
    }
    double total = 0, max = 0;
    for (unsigned k = 0; k < count; k++) {
        total += load[k];
        if (load[k] > max) max = load[k];
    }
    json_t *o = json_object(), *mine = json_array(), *plan = json_array();
    if (!o || !mine || !plan) harness_oom("the shard plan");
    char names[2048] = "";
    size_t nmine = 0;
    for (size_t u = 0; u < nu; u++) {
        json_t *p = json_pack("{s:s, s:i, s:f}", "unit", unit[u]->name, "shard", (json_int_t)shard_of[u],
                              "estimated_seconds", round(cost[u] * 1000) / 1000);
        if (!p || json_array_append_new(plan, p) != 0) harness_oom("the shard plan");
        if (shard_of[u] != index) continue;
        if (json_array_append_new(mine, json_string(unit[u]->name)) != 0) harness_oom("the shard plan");
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, "%s%s", nmine++ ? "," : "", unit[u]->name);
    }
    json_object_set_new(o, "index", json_integer(index));
    json_object_set_new(o, "count", json_integer(count));
    json_object_set_new(o, "units", mine);
    json_object_set_new(o, "estimated_seconds", json_real(round(load[index] * 1000) / 1000));
    json_object_set_new(o, "largest_over_mean", json_real(total > 0 ? round(max / (total / count) * 1000) / 1000 : 1));
    json_object_set_new(o, "costs", json_string(costs ? costs_path : "model"));
    json_object_set_new(o, "plan", plan);
    fprintf(stderr, "membench: shard %u/%u: %zu of %zu workloads (%s), estimated %.1f s of %.1f s; "
            "largest shard %.2fx the mean%s\n", index, count, nmine, nu, nmine ? names : "none", load[index], total,
            total > 0 ? max / (total / count) : 1.0, costs && from_file < suite->n ? " (some cases not in the costs file: model)" : "");
    suite->n = kept;
    free(unit);
    free(cost);
    free(shard_of);
    free(load);
    return o;
}

/* The run's results, as the JSON results file with every repetition (whatever
 * --format and --aggregates-only say), appended to the history: only once
 * the results file is committed and the run was not interrupted. */
static int history_append(mb_hist_t *h, mb_suite_t *suite, const mb_context_t *ctx, const char *outpath) {
    char *buf = NULL, err[4200];
    size_t len = 0;
    FILE *ms = open_memstream(&buf, &len);
    if (!ms) harness_oom("the history");
    bool agg = suite->aggregates_only;
    suite->aggregates_only = false;
    mb_report_suite(ms, MB_FMT_JSON, suite, ctx);
    suite->aggregates_only = agg;
    if (fclose(ms) != 0) harness_oom("the history");
    char name[4200];
    snprintf(name, sizeof name, "run:%s", outpath && strcmp(outpath, "-") ? outpath : "stdout");
    bool dup;
    long long run;
    size_t nrows;
    int rc = mb_hist_import(h, buf, len, name, &dup, &run, &nrows, err, sizeof err);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "membench: history: %s\n", err);
        return -1;
    }
    if (!getenv("MB_QUIET"))
        fprintf(stderr, "membench: history: appended run %lld (%zu entries)\n", run, nrows);
    return 0;
}

/* trace-convert IN OUT: binary to text or text to binary (docs/traces.md). */
static int cmd_trace_convert(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_TRACECONV, argc, argv, v, &args, &nargs);
    return mb_trace_convert(args[0], args[1]);
}

static int cmd_run(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_RUN, argc, argv, v, &args, &nargs);
    const char *scale = v[MB_O_SCALE].text, *outpath = v[MB_O_OUT].text;
    static const int interning_of[] = {1, 0, -1};
    int interning = interning_of[v[MB_O_INTERNING].choice];
    uint64_t n = v[MB_O_SIZE].given ? v[MB_O_SIZE].u : 0, seed = v[MB_O_SEED].u;
    uint64_t reps = v[MB_O_REPS].given ? v[MB_O_REPS].u : !strcmp(scale, "quick") ? 3 : !strcmp(scale, "large") ? 1 : 5;
    double timeout = v[MB_O_TIMEOUT].d;
    mb_options_t opt = {.heap_multiplier = v[MB_O_HEAPMUL].d,
                        .allocator = (mb_allocator_t)v[MB_O_ALLOCATOR].choice,   /* the choices in enum order */
                        .finalizers = v[MB_O_FINALIZERS].choice ? MB_FIN_LEGACY : MB_FIN_MODERN,
                        .params = v[MB_O_PARAMS].given ? v[MB_O_PARAMS].text : NULL};
    bool in_process = v[MB_O_INPROC].flag, with_twins = v[MB_O_TWINS].flag;
    mb_format_t fmt;
    if (mb_format_parse(v[MB_O_FORMAT].text, &fmt) != 0) usage_error("--format '%s' is not built in", v[MB_O_FORMAT].text);
    mb_filter_t filter;
    char ferr[512], oerr_early[1024];
    if (mb_filter_compile(&filter, v[MB_O_FILTER].given ? v[MB_O_FILTER].text : NULL, ferr, sizeof ferr) != 0)
        usage_error("%s", ferr);
    {
        uint64_t nth;
        if (mb_test_fail_alloc(&nth, ferr, sizeof ferr) < 0) usage_error("%s", ferr);
    }

    unsigned shard_i = 0, shard_n = 0;  /* --shard I/N; shard_n 0: the whole plan */
    if (v[MB_O_SHARD].given && mb_shard_parse(v[MB_O_SHARD].text, &shard_i, &shard_n, ferr, sizeof ferr) != 0)
        usage_error("%s", ferr);
    if (v[MB_O_SHARDCOSTS].given && !shard_n) usage_error("--shard-costs goes with --shard I/N");

    const mb_strategy_t **ss;
    const mb_workload_t **ws;
    size_t ns = parse_strategies(v[MB_O_STRATEGY].text, &ss), nw = parse_workloads(v[MB_O_WORKLOAD].text, &ws);
    json_t *shard_costs = NULL;
    if (v[MB_O_SHARDCOSTS].given && !(shard_costs = mb_shard_costs_read(v[MB_O_SHARDCOSTS].text, oerr_early, sizeof oerr_early)))
        usage_error("%s", oerr_early);
    const char *err = NULL;
    if (opt.allocator == MB_ALLOC_JEMALLOC) reexec_with_jemalloc(argv);
    if (mb_mem_select(opt.allocator, &err) != 0) usage_error("%s", err);

    /* Check the parameters, the output file and the sizes before running anything. */
    for (size_t si = 0; opt.params && si < ns; si++) {
        char perr[512];
        if (mb_params_check(ss[si], opt.params, perr, sizeof perr) != 0) usage_error("%s", perr);
    }
    /* The history database (--history, else $MB_HISTORY; --no-history: none), checked before anything runs. */
    const char *histpath = v[MB_O_NOHISTORY].flag ? NULL : v[MB_O_HISTORY].given ? v[MB_O_HISTORY].text : getenv("MB_HISTORY");
    mb_hist_t *hist = NULL;
    if (histpath && *histpath) {
        char herr[4200];
        if (!(hist = mb_hist_open(histpath, true, herr, sizeof herr))) {
            fprintf(stderr, "membench: %s\n", herr);
            exit(2);
        }
    }
    /* --record DIR: the directory made (one level) and writable before anything runs. */
    const char *record = v[MB_O_RECORD].given ? v[MB_O_RECORD].text : NULL;
    if (record && ((mkdir(record, 0777) != 0 && errno != EEXIST) || access(record, W_OK) != 0))
        usage_error("--record %s: cannot write there: %s", record, strerror(errno));
    mb_outfile_t of;
    char oerr[512];
    if (mb_outfile_open(&of, outpath, oerr, sizeof oerr) != 0) usage_error("%s", oerr);
    mb_suite_t suite = {.executable = main_argv[0], .scale = scale, .allocator = mb_mem_name(opt.allocator),
                        .heap_multiplier = opt.heap_multiplier,
                        .aggregates_only = v[MB_O_AGGONLY].flag, .options = v,
                        .seed = (unsigned long long)seed, .timeout_s = timeout, .in_process = in_process,
                        .record_dir = record};
    for (size_t wi = 0; wi < nw; wi++) {
        const mb_workload_t *w = ws[wi];
        /* The cases of this workload the filter selects: strategies, interning
         * on and off, then its twins (one more row each, twins.h). A workload
         * with none is not sized (its maximum is not checked). */
        const mb_strategy_t *tw[8];
        size_t ntw = with_twins ? mb_twins_of(w, tw, 8) : 0, nsel = 0;
        struct sel { const mb_strategy_t *s; int on; } sel[2 * ns + 8];
        for (size_t si = 0; si < ns; si++)
            for (int on = 0; on <= 1; on++)
                if ((interning < 0 || on == interning) && mb_filter_match(&filter, case_name(w, ss[si], on)))
                    sel[nsel++] = (struct sel){ss[si], on};
        for (size_t ti = 0; ti < ntw; ti++)
            if (mb_filter_match(&filter, case_name(w, tw[ti], false))) sel[nsel++] = (struct sel){tw[ti], false};
        if (!nsel) continue;
        uint64_t size = n ? n : !strcmp(scale, "quick") ? w->size_quick
                              : !strcmp(scale, "large") ? w->size_large : w->size_default;
        if (w->size_max && size > w->size_max)
            usage_error("--size %" PRIu64 " is beyond %s's maximum of %" PRIu64 " (see membench list)", size, w->name,
                        w->size_max);
        char label[64];
        snprintf(label, sizeof label, "n=%" PRIu64, size);
        for (size_t k = 0; k < nsel; k++) {
            /* the whole name fits a results entry's, or the names of two cases could be one */
            char whole[sizeof suite.v->name + 1];
            if (strlen(mb_case_name(whole, sizeof whole, w, sel[k].s, false)) >= sizeof suite.v->name)
                usage_error("the benchmark names of %s would pass %zu characters: give the trace a shorter path",
                            w->name, sizeof suite.v->name - 1);
            mb_case_t cs = {.workload = w, .strategy = sel[k].s, .opt = opt,
                            .args = {.n = size, .seed = seed, .interning = sel[k].on, .finalizers = true}};
            mb_suite_add(&suite, &cs, (unsigned)reps, label);
        }
    }
    if (!suite.n) {
        mb_outfile_abort(&of);
        usage_error("--filter '%s' matches no case (names are <workload>/<strategy>/interning:<on|off>)",
                    v[MB_O_FILTER].text);
    }
    mb_filter_free(&filter);
    if (shard_n) {
        suite.shard = shard_plan(&suite, shard_i, shard_n, shard_costs, v[MB_O_SHARDCOSTS].text);
        if (!suite.n)
            fprintf(stderr, "membench: shard %u/%u has no workload (more shards than workloads): "
                    "writing a results file with no benchmarks\n", shard_i, shard_n);
    }
    if (shard_costs) json_decref(shard_costs);
    /* The memory estimate of each (workload, strategy) to run, before anything runs. */
    for (size_t e = 0; e < suite.n; e++) {
        const mb_entry_t *x = &suite.v[e];
        bool twin = true;
        for (size_t si = 0; si < ns; si++) twin &= ss[si] != x->c.strategy;
        if (twin || (e && suite.v[e - 1].c.workload == x->c.workload && suite.v[e - 1].c.strategy == x->c.strategy))
            continue;
        mb_case_t probe = {.workload = x->c.workload, .strategy = x->c.strategy, .opt = opt,
                           .args = {.n = x->c.args.n, .seed = seed}};
        check_memory(&probe, x->c.args.n, timeout);
    }
    int status = mb_suite_run(&suite);
    mb_context_t ctx;
    mb_context_read(&ctx);
    mb_report_suite(of.f, fmt, &suite, &ctx);
    if (mb_outfile_commit(&of, oerr, sizeof oerr) != 0) {
        fprintf(stderr, "membench: %s\n", oerr);
        status = 2;
    } else if (suite.interrupted) {
        /* As a shell reports a command killed by the signal: 128 + its number. */
        fprintf(stderr, "membench: interrupted by SIG%s: wrote the %zu of %zu runs that finished to %s, marked incomplete\n",
                sigabbrev_np(suite.interrupted) ? sigabbrev_np(suite.interrupted) : "?", suite.n, suite.planned,
                outpath && strcmp(outpath, "-") ? outpath : "stdout");
        status = 128 + suite.interrupted;
    } else if (hist && history_append(hist, &suite, &ctx, outpath) != 0) status = 2;
    mb_hist_close(hist);
    mb_suite_free(&suite);
    free(ss);
    free(ws);
    return status;
}

/* report FILE.json: a results file (Google Benchmark JSON from `run`) shown in another format. */
static int cmd_report(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_REPORT, argc, argv, v, &args, &nargs);
    const char *outpath = v[MB_O_OUT].text;
    mb_format_t fmt;
    if (mb_format_parse(v[MB_O_FORMAT].text, &fmt) != 0) usage_error("--format '%s' is not built in", v[MB_O_FORMAT].text);
    mb_filter_t filter;
    char ferr[512];
    if (mb_filter_compile(&filter, v[MB_O_FILTER].given ? v[MB_O_FILTER].text : NULL, ferr, sizeof ferr) != 0)
        usage_error("%s", ferr);
    mb_suite_t suite = {0};
    char err[1024];
    if (mb_gbjson_read(args[0], &suite, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        return 2;
    }
    suite.aggregates_only = v[MB_O_AGGONLY].flag;
    if (filter.active) {                /* keep the entries the filter selects, in order */
        size_t kept = 0;
        for (size_t e = 0; e < suite.n; e++) {
            if (mb_filter_match(&filter, suite.v[e].name)) suite.v[kept++] = suite.v[e];
            else if (suite.v[e].extra) json_decref(suite.v[e].extra);
        }
        suite.n = kept;
        if (!kept) {
            mb_suite_free(&suite);
            usage_error("--filter '%s' matches no entry of %s", v[MB_O_FILTER].text, args[0]);
        }
        mb_filter_free(&filter);
    }
    mb_outfile_t of;
    if (mb_outfile_open(&of, outpath, err, sizeof err) != 0) {
        mb_suite_free(&suite);
        usage_error("%s", err);
    }
    mb_context_t ctx;
    mb_context_read(&ctx);
    mb_report_suite(of.f, fmt, &suite, &ctx);
    int status = 0;
    for (size_t i = 0; i < suite.n; i++) status |= suite.v[i].error;
    if (mb_outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        status = 2;
    }
    mb_suite_free(&suite);
    return status;
}

/* import-hyperfine FILE.json: hyperfine's export as Google Benchmark JSON (hyperfine.h). */
static int cmd_import_hyperfine(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_IMPORT, argc, argv, v, &args, &nargs);
    const char *outpath = v[MB_O_OUT].text;
    mb_format_t fmt;
    if (mb_format_parse(v[MB_O_FORMAT].text, &fmt) != 0) usage_error("--format '%s' is not built in", v[MB_O_FORMAT].text);
    mb_suite_t suite = {.executable = "hyperfine"};
    char err[1024];
    if (mb_hyperfine_import(args[0], &suite, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        return 2;
    }
    mb_outfile_t of;
    if (mb_outfile_open(&of, outpath, err, sizeof err) != 0) {
        mb_suite_free(&suite);
        usage_error("%s", err);
    }
    mb_context_t ctx;
    mb_context_read(&ctx);
    mb_report_suite(of.f, fmt, &suite, &ctx);
    int status = 0;
    for (size_t i = 0; i < suite.n; i++) status |= suite.v[i].error;
    if (mb_outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        status = 2;
    }
    mb_suite_free(&suite);
    return status;
}

/* compare BASELINE CONTENDER: the regression gate (compare.h); exit 0 no regression, 1 a regression, 2 bad input. */
static int cmd_compare(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_COMPARE, argc, argv, v, &args, &nargs);
    mb_cmp_opts_t o;
    mb_cmp_opts_default(&o);
    const char *outpath = v[MB_O_OUT].text;
    o.alpha = v[MB_O_ALPHA].d;
    if (!(o.alpha > 0 && o.alpha < 1)) usage_error("--alpha must be between 0 and 1, not '%s'", v[MB_O_ALPHA].text);
    o.memory_threshold = v[MB_O_MEMTHRESH].d;
    o.memory_floor = v[MB_O_MEMFLOOR].d;
    static const mb_cmp_time_rule_t rules[] = {MB_CMP_EITHER, MB_CMP_BOTH, MB_CMP_CPU, MB_CMP_REAL};
    o.time_rule = rules[v[MB_O_TIMERULE].choice];
    o.format = v[MB_O_FORMAT].choice ? MB_CMP_MARKDOWN : MB_CMP_CONSOLE;
    o.metric = v[MB_O_METRIC].choice ? MB_CMP_INSTRUCTIONS : MB_CMP_TIME;
    o.threshold = v[MB_O_THRESH].given ? v[MB_O_THRESH].d : o.metric == MB_CMP_INSTRUCTIONS ? 1 : 5;
    /* the last of --times/--no-times (and --memory/--no-memory) given wins */
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--times")) o.times = true;
        else if (!strcmp(argv[k], "--no-times")) o.times = false;
        else if (!strcmp(argv[k], "--memory")) o.memory = true;
        else if (!strcmp(argv[k], "--no-memory")) o.memory = false;
    }
    if (v[MB_O_NOCOUNTERS].flag) o.counters = false;
    if (v[MB_O_STRICT].flag) o.strict_counters = true;
    if (v[MB_O_COUNTERS].given) {
        const char *cl = v[MB_O_COUNTERS].text;
        if (!*cl || strspn(cl, ",") == strlen(cl)) usage_error("--counters needs counter names");
        o.counter_list = cl;
    }
    /* Both files streamed into the comparison, row by row: never held whole. */
    mb_cmp_t *cmp = mb_cmp_new(&o);
    char err[1024];
    for (int side = 0; side < 2; side++)
        if (mb_cmp_read(cmp, side, args[side], err, sizeof err) != 0) {
            fprintf(stderr, "membench: %s\n", err);
            mb_cmp_free(cmp);
            return 2;
        }
    mb_outfile_t of;
    if (mb_outfile_open(&of, outpath, err, sizeof err) != 0) {
        mb_cmp_free(cmp);
        usage_error("%s", err);
    }
    mb_cmp_summary_t sum;
    size_t failed = mb_cmp_finish(cmp, of.f, args[0], args[1], &sum);
    int status = failed ? 1 : 0;
    if (mb_outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        status = 2;
    }
    mb_cmp_free(cmp);
    return status;
}

/* merge SHARD.json...: the shards of one `run --shard I/N` plan into one results file (merge.h). */
static int cmd_merge(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_MERGE, argc, argv, v, &args, &nargs);
    json_t *doc;
    unsigned missing;
    char err[2048];
    if (mb_merge(args, nargs, v[MB_O_PARTIAL].flag, &doc, &missing, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        return 2;
    }
    mb_outfile_t of;
    const char *outpath = v[MB_O_OUT].text;
    if (mb_outfile_open(&of, outpath, err, sizeof err) != 0) {
        json_decref(doc);
        usage_error("%s", err);
    }
    int status = 0;
    if (json_dumpf(doc, of.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0 || fputc('\n', of.f) == EOF) {
        mb_outfile_abort(&of);
        json_decref(doc);
        fprintf(stderr, "membench: cannot write the merged results\n");
        return 2;
    }
    if (mb_outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        status = 2;
    } else {
        const json_t *ctx = json_object_get(doc, "context");
        json_int_t count = json_integer_value(json_object_get(ctx, "shard_count"));
        fprintf(stderr, "membench: merged %d of %lld shards (%zu entries) into %s%s\n", nargs, (long long)count,
                json_array_size(json_object_get(doc, "benchmarks")), outpath && strcmp(outpath, "-") ? outpath : "stdout",
                missing ? ", marked incomplete: the missing shards are listed in its context (shards_missing)" : "");
    }
    json_decref(doc);
    return status;
}

/* history [show] | history import FILE.json...: the results history (history.h, docs/history.md). */
static int cmd_history(int argc, char **argv) {
    mb_optval_t v[MB_NOPTS];
    char **args;
    int nargs;
    mb_opts_parse(MB_CMD_HISTORY, argc, argv, v, &args, &nargs);
    const char *db = v[MB_O_DB].text, *action = nargs ? args[0] : "show";
    char err[8192];
    if (!strcmp(action, "import")) {
        if (nargs < 2) usage_error("history import: expected one or more results files");
        mb_hist_t *h = mb_hist_open(db, true, err, sizeof err);
        if (!h) {
            fprintf(stderr, "membench: %s\n", err);
            return 2;
        }
        int status = 0;
        for (int i = 1; i < nargs; i++) {
            FILE *f = fopen(args[i], "rb");
            char *buf = NULL;
            size_t len = 0, cap = 0;
            if (!f) {
                fprintf(stderr, "membench: %s: %s\n", args[i], strerror(errno));
                status = 2;
                continue;
            }
            for (;;) {
                if (len + 65536 > cap) {
                    char *n = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
                    if (!n) harness_oom(args[i]);
                    buf = n;
                }
                size_t got = fread(buf + len, 1, cap - len, f);
                len += got;
                if (!got) break;
            }
            bool rerr = ferror(f);
            fclose(f);
            if (rerr) {
                fprintf(stderr, "membench: %s: read error\n", args[i]);
                free(buf);
                status = 2;
                continue;
            }
            bool dup;
            long long run;
            size_t nrows;
            int rc = mb_hist_import(h, buf, len, args[i], &dup, &run, &nrows, err, sizeof err);
            free(buf);
            if (rc != 0) {
                fprintf(stderr, "membench: %s\n", err);
                status = 2;
                if (rc == -2) break;        /* the database itself: stop */
            } else if (dup)
                fprintf(stderr, "membench: %s: already in %s (run %lld, the same content hash): skipped\n", args[i], db, run);
            else
                fprintf(stderr, "membench: %s: appended to %s as run %lld (%zu entries)\n", args[i], db, run, nrows);
        }
        mb_hist_close(h);
        return status;
    }
    if (strcmp(action, "show")) usage_error("history: unknown action '%s' (show or import)", action);
    if (nargs > 1) usage_error("history show: unexpected argument '%s'", args[1]);
    static const mb_hist_format_t fmts[] = {MB_HIST_CONSOLE, MB_HIST_MARKDOWN, MB_HIST_JSON, MB_HIST_CSV};
    mb_hist_show_opts_t o = {.filter = v[MB_O_FILTER].given ? v[MB_O_FILTER].text : NULL, .metric = v[MB_O_METRIC].text,
                             .alpha = v[MB_O_ALPHA].d, .threshold = v[MB_O_THRESH].d, .window = (unsigned)v[MB_O_WINDOW].u,
                             .format = fmts[v[MB_O_FORMAT].choice]};
    if (!(o.alpha > 0 && o.alpha < 1)) usage_error("--alpha must be between 0 and 1, not '%s'", v[MB_O_ALPHA].text);
    mb_hist_t *h = mb_hist_open(db, false, err, sizeof err);
    if (!h) {
        fprintf(stderr, "membench: %s\n", err);
        return 2;
    }
    mb_outfile_t of;
    if (mb_outfile_open(&of, v[MB_O_OUT].text, err, sizeof err) != 0) {
        mb_hist_close(h);
        usage_error("%s", err);
    }
    int rc = mb_hist_show(h, &o, of.f, err, sizeof err);
    mb_hist_close(h);
    if (rc < 0) {
        mb_outfile_abort(&of);
        if (rc == -1) usage_error("%s", err);
        fprintf(stderr, "membench: %s\n", err);
        return 2;
    }
    if (mb_outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        return 2;
    }
    return rc;
}

/* probe PROBE -s STRATEGY|bdwgc-direct -n N [-r R]: hidden, for scripts/perf and scripts/calibrate (probe.h).
 * Prints one line per repetition: strategy probe n wall-ns cpu-ns. */
static int cmd_probe(int argc, char **argv) {
    const char *sname = "mark-sweep";
    uint64_t n = 100000, reps = 1;
    int c;
    while ((c = getopt(argc, argv, "s:n:r:")) != -1) {
        if (c == 's') sname = optarg;
        else if (c == 'n' || c == 'r') {
            char *end;
            errno = 0;
            unsigned long long x = strtoull(optarg, &end, 10);
            if (!*optarg || *optarg == '-' || *end || errno || !x) usage_error("probe: -%c must be a positive integer", c);
            if (c == 'n') n = x;
            else reps = x;
        }
        else usage_error("probe: bad option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1) usage_error("probe: expected one probe name (%s)", mb_probe_names);
    const mb_strategy_t *s = mb_find_strategy(sname);
    bool direct = !strcmp(sname, MB_PROBE_DIRECT);
    if (!s && !direct) usage_error("unknown strategy '%s' (see membench list, or %s)", sname, MB_PROBE_DIRECT);
    for (uint64_t r = 0; r < reps; r++) {
        uint64_t ns, cpu;
        char err[256];
        if ((direct ? mb_probe_direct(argv[optind], n, &ns, &cpu, err, sizeof err)
                    : mb_probe(argv[optind], s, n, &ns, &cpu, err, sizeof err)) != 0) {
            fprintf(stderr, "membench: %s\n", err);
            return 1;
        }
        printf("%s %s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", sname, argv[optind], n, ns, cpu);
    }
    return 0;
}

/* Standard streams closed when membench starts (`2>&-`) are reopened on
 * /dev/null first: otherwise the output file would take fd 1 or 2 and the
 * progress lines and messages would land inside the results. */
static void reopen_std_fds(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        int nfd = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
        if (nfd < 0) _exit(2);          /* nowhere safe to write, nothing written */
        if (nfd != fd) {
            dup2(nfd, fd);
            close(nfd);
        }
    }
}

int main(int argc, char **argv) {
    reopen_std_fds();
    main_argv = argv;
    main_cmd = argv[1];
    if (argc < 2) usage_error("missing command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        int c = argc > 2 ? mb_cmd_find(argv[2]) : -1;
        if (argc > 2 && c < 0) usage_error("help: unknown command '%s'", argv[2]);
        if (c >= 0) mb_opts_help(stdout, (mb_cmd_t)c);
        else mb_opts_usage(stdout, -1);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
    }
    if (!strcmp(cmd, "--version")) {
        printf("membench %s (%s)\n", mb_version, mb_git_commit);
        return 0;
    }
    if (!strcmp(cmd, "man")) {          /* hidden: writes docs/membench.1 */
        mb_opts_man(stdout);
        return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
    }
    argv[1] = argv[0];
    opterr = 0;
    cur_cmd = mb_cmd_find(cmd);
    switch (cur_cmd) {
    case MB_CMD_LIST: return cmd_list(argc - 1, argv + 1);
    case MB_CMD_RUN: return cmd_run(argc - 1, argv + 1);
    case MB_CMD_REPORT: return cmd_report(argc - 1, argv + 1);
    case MB_CMD_IMPORT: return cmd_import_hyperfine(argc - 1, argv + 1);
    case MB_CMD_COMPARE: return cmd_compare(argc - 1, argv + 1);
    case MB_CMD_TOUR: return cmd_tour(argc - 1, argv + 1);
    case MB_CMD_FUZZ: return cmd_fuzz(argc - 1, argv + 1);
    case MB_CMD_MERGE: return cmd_merge(argc - 1, argv + 1);
    case MB_CMD_CHECK: return cmd_check(argc - 1, argv + 1);
    case MB_CMD_HISTORY: return cmd_history(argc - 1, argv + 1);
    case MB_CMD_TRACECONV: return cmd_trace_convert(argc - 1, argv + 1);
    default: break;
    }
    if (!strcmp(cmd, "probe")) return cmd_probe(argc - 1, argv + 1);
    usage_error("unknown command '%s'", cmd);
}
