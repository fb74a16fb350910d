/* main.c: the membench command line: list, run, report, compare, tour (DESIGN.md section 7). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../strategies/mem.h"
#include "case.h"
#include "compare.h"
#include "context.h"
#include "fuzz.h"
#include "gbench_read.h"
#include "twins.h"
#include "gbjson.h"
#include "hyperfine.h"
#include "outfile.h"
#include "probe.h"
#include "report.h"
#include "runner.h"
#include "tour.h"

static char **main_argv;                /* for re-executing with jemalloc */
static char *main_cmd;                  /* argv[1] before the subcommand parsers reuse it */

static const char usage_text[] =
    "usage: membench list [--format console|json]\n"
    "       membench run  [-s|--strategy LIST|all] [-w|--workload LIST|all] [-i|--interning on|off|both]\n"
    "                     [-n|--size N] [--scale quick|default|large] [-r|--repetitions N] [--seed N]\n"
    "                     [-f|--format console|json|csv|markdown] [-o|--out FILE] [--timeout SECONDS]\n"
    "                     [--allocator libc|jemalloc] [--heap-multiplier X] [--finalizers modern|legacy]\n"
    "                     [--params KEY=VALUE,...] [--in-process] [--twins|--floor]\n"
    "       membench report FILE.json [-f|--format console|json|csv|markdown] [-o|--out FILE]\n"
    "       membench import-hyperfine FILE.json [-f|--format json|console|csv|markdown] [-o|--out FILE]\n"
    "       membench compare BASELINE.json CONTENDER.json [--alpha A] [--threshold PCT] [--format console|markdown]\n"
    "                     [--memory-threshold PCT] [--memory-floor BYTES] [--time-rule either|both|cpu|real]\n"
    "                     [--times|--no-times] [--memory|--no-memory] [--no-counters] [--counters LIST]\n"
    "                     [--strict-counters] [--metric time|instructions] [-o|--out FILE]\n"
    "       membench tour [-s LIST|all] [-i on|off|both] [--finalizers modern|legacy|both]\n"
    "       membench fuzz [-s LIST|all] [--seed N] [--seeds N] [--seconds S] [--steps N] [--params K=V,...]\n";

/* Out of memory in the harness itself: a message, exit status 2. */
static _Noreturn void harness_oom(const char *what) {
    fprintf(stderr, "membench: out of memory (%s)\n", what);
    exit(2);
}

/* Bad usage: one line naming the problem, then the usage, exit status 2. */
static _Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static _Noreturn void usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("membench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs(usage_text, stderr);
    exit(2);
}

static uint64_t parse_u64(const char *what, const char *s, uint64_t min) {
    char *end;
    errno = 0;
    if (!*s || *s == '-') usage_error("%s must be a non-negative integer, not '%s'", what, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) usage_error("%s must be a non-negative integer, not '%s'", what, s);
    if (v < min) usage_error("%s must be at least %" PRIu64 ", not '%s'", what, min, s);
    return v;
}

/* The largest value an option takes (a deadline in ns must fit in 64 bits;
 * the heap multiplier is converted to integers); infinity if unbounded. */
static double max_for(const char *what) {
    if (!strcmp(what, "--timeout")) return 1e7;
    if (!strcmp(what, "--heap-multiplier")) return 1000;
    return INFINITY;
}

static double parse_double(const char *what, const char *s, double min) {
    char *end;
    errno = 0;
    double v = strtod(s, &end), max = max_for(what);
    if (errno || *end || !*s || !isfinite(v) || !(v >= min) || v > max) {
        if (isfinite(max)) usage_error("%s must be a number from %g to %g, not '%s'", what, min, max, s);
        usage_error("%s must be a finite number >= %g, not '%s'", what, min, s);
    }
    return v;
}

/* --params: key=value pairs, each key once, each value an integer from 0 to
 * 10^12 (the strategies' thresholds; a larger one used to be clamped). */
static void check_params(const char *params) {
    char *copy = strdup(params), *save = NULL;
    if (!copy) harness_oom("--params");
    char *seen[64];
    size_t n = 0;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq == kv) usage_error("--params must be KEY=VALUE,..., not '%s'", kv);
        *eq = '\0';
        const char *v = eq + 1;
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (!*v || *v == '-' || *v == '+' || *end || errno || x > 1000000000000ULL)
            usage_error("--params %s must be an integer from 0 to 1000000000000, not '%s'", kv, v);
        for (size_t i = 0; i < n; i++)
            if (!strcmp(seen[i], kv)) usage_error("--params gives %s twice: give each key once", kv);
        if (n == sizeof seen / sizeof *seen) usage_error("--params has more than %zu keys", sizeof seen / sizeof *seen);
        seen[n++] = kv;
    }
    free(copy);
}

/* interning: "on" 1, "off" 0, "both" -1 */
static int parse_interning(const char *s) {
    if (!strcmp(s, "on")) return 1;
    if (!strcmp(s, "off")) return 0;
    if (!strcmp(s, "both")) return -1;
    usage_error("--interning must be on, off or both, not '%s'", s);
}

/* Split a comma list of names, resolving "all", into a new array (*out,
 * freed by the caller); unknown names and names given twice (an entry
 * named twice would be pooled by compare) are usage errors. No cap. */
static size_t parse_names(const char *what, const char *list, const void *const *all, const void *(*find)(const char *),
                          const char *(*name_of)(const void *), const void ***out) {
    size_t n = 0, cap = 16;
    const void **v = malloc(cap * sizeof *v);
    char *copy = strdup(list), *save = NULL;
    if (!v || !copy) harness_oom("the name list");
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        bool every = !strcmp(t, "all");
        const void *one = every ? NULL : find(t);
        if (!every && !one) usage_error("unknown %s '%s' (see membench list)", what, t);
        for (size_t i = 0; every ? all[i] != NULL : i == 0; i++) {
            const void *x = every ? all[i] : one;
            for (size_t k = 0; k < n; k++)
                if (v[k] == x) usage_error("%s '%s' is given twice in '%s': name each once", what, name_of(x), list);
            if (n == cap) {
                const void **nv = realloc(v, (cap *= 2) * sizeof *nv);
                if (!nv) harness_oom("the name list");
                v = nv;
            }
            v[n++] = x;
        }
    }
    free(copy);
    if (!n) usage_error("no %s given", what);
    *out = v;
    return n;
}

static const void *find_strategy(const char *n) { return mb_find_strategy(n); }
static const void *find_workload(const char *n) { return mb_find_workload(n); }
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
    const char *format = "console";
    static const struct option longs[] = {{"format", required_argument, 0, 'f'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "f:", longs, NULL)) != -1) {
        if (c == 'f') format = optarg;
        else usage_error("list: bad option '%s'", argv[optind - 1]);
    }
    if (optind < argc) usage_error("list: unexpected argument '%s'", argv[optind]);
    if (!strcmp(format, "json")) mb_report_list_json(stdout);
    else if (!strcmp(format, "console")) mb_report_list_console(stdout);
    else usage_error("list: --format must be console or json, not '%s'", format);
    return 0;
}

static int cmd_tour(int argc, char **argv) {
    const char *sname = "rc";
    int interning = -1, fin = -1;
    static const struct option longs[] = {
        {"strategy", required_argument, 0, 's'}, {"interning", required_argument, 0, 'i'},
        {"finalizers", required_argument, 0, 'F'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "s:i:", longs, NULL)) != -1) {
        if (c == 's') sname = optarg;
        else if (c == 'i') interning = parse_interning(optarg);
        else if (c == 'F') {
            if (!strcmp(optarg, "modern")) fin = MB_FIN_MODERN;
            else if (!strcmp(optarg, "legacy")) fin = MB_FIN_LEGACY;
            else if (!strcmp(optarg, "both")) fin = -1;
            else usage_error("--finalizers must be modern, legacy or both, not '%s'", optarg);
        }
        else usage_error("tour: bad option '%s'", argv[optind - 1]);
    }
    if (optind < argc) usage_error("tour: unexpected argument '%s'", argv[optind]);
    const mb_strategy_t **ss;
    size_t ns = parse_strategies(sname, &ss);
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

/* membench fuzz: differential fuzzing (harness/fuzz.c) over seeds, for a
 * count of seeds or a time budget, whichever ends first. */
static int cmd_fuzz(int argc, char **argv) {
    const char *slist = "all", *params = NULL;
    uint64_t seed = 1, seeds = UINT64_MAX, steps = 5000;
    double seconds = 0;
    static const struct option longs[] = {
        {"strategy", required_argument, 0, 's'}, {"seed", required_argument, 0, 'S'},
        {"seeds", required_argument, 0, 'N'},    {"seconds", required_argument, 0, 'T'},
        {"steps", required_argument, 0, 'K'},    {"params", required_argument, 0, 'P'},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "s:", longs, NULL)) != -1) {
        switch (c) {
        case 's': slist = optarg; break;
        case 'S': seed = parse_u64("--seed", optarg, 0); break;
        case 'N': seeds = parse_u64("--seeds", optarg, 1); break;
        case 'T': seconds = parse_double("--seconds", optarg, 0.001); break;
        case 'K': steps = parse_u64("--steps", optarg, 1); break;
        case 'P': params = optarg; break;
        default: usage_error("fuzz: bad option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) usage_error("fuzz: unexpected argument '%s'", argv[optind]);
    if (seeds == UINT64_MAX && seconds == 0) seconds = 10;
    const mb_strategy_t **ss;
    size_t ns = parse_strategies(slist, &ss);
    for (size_t i = 0; params && i < ns; i++) {   /* the strategy says what is bad (on stderr) */
        mb_options_t opt = {.params = params};
        mb_rt_t *rt = mb_rt_new(ss[i], &opt);
        if (!rt) usage_error("fuzz: --params %s does not apply to %s", params, ss[i]->name);
        mb_rt_free(rt);
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

enum { OPT_SCALE = 256, OPT_SEED, OPT_ALLOCATOR, OPT_HEAPMUL, OPT_FINALIZERS, OPT_PARAMS, OPT_TIMEOUT, OPT_INPROC, OPT_TWINS };

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

static int cmd_run(int argc, char **argv) {
    const char *slist = "all", *wlist = "all", *scale = "default", *format = "console", *outpath = NULL;
    int interning = -1;
    uint64_t n = 0, reps = 0, seed = 42;
    double timeout = 3600;
    mb_options_t opt = {0};
    static const struct option longs[] = {
        {"strategy", required_argument, 0, 's'},   {"workload", required_argument, 0, 'w'},
        {"interning", required_argument, 0, 'i'},  {"size", required_argument, 0, 'n'},
        {"scale", required_argument, 0, OPT_SCALE}, {"repetitions", required_argument, 0, 'r'},
        {"seed", required_argument, 0, OPT_SEED},  {"format", required_argument, 0, 'f'},
        {"out", required_argument, 0, 'o'},        {"timeout", required_argument, 0, OPT_TIMEOUT},
        {"allocator", required_argument, 0, OPT_ALLOCATOR},
        {"heap-multiplier", required_argument, 0, OPT_HEAPMUL},
        {"finalizers", required_argument, 0, OPT_FINALIZERS},
        {"params", required_argument, 0, OPT_PARAMS},
        {"in-process", no_argument, 0, OPT_INPROC},
        {"twins", no_argument, 0, OPT_TWINS},
        {"floor", no_argument, 0, OPT_TWINS},      /* the old name of --twins */
        {0, 0, 0, 0}};
    int c;
    bool in_process = false, with_twins = false;
    while ((c = getopt_long(argc, argv, "s:w:i:n:r:f:o:", longs, NULL)) != -1) {
        switch (c) {
        case 's': slist = optarg; break;
        case 'w': wlist = optarg; break;
        case 'i': interning = parse_interning(optarg); break;
        case 'n': n = parse_u64("--size", optarg, 1); break;
        case 'r': reps = parse_u64("--repetitions", optarg, 1); break;
        case 'f': format = optarg; break;
        case 'o': outpath = optarg; break;
        case OPT_SCALE: scale = optarg; break;
        case OPT_SEED: seed = parse_u64("--seed", optarg, 0); break;
        case OPT_TIMEOUT: timeout = parse_double("--timeout", optarg, 0.001); break;
        case OPT_HEAPMUL: opt.heap_multiplier = parse_double("--heap-multiplier", optarg, 1.0); break;
        case OPT_PARAMS: opt.params = optarg; break;
        case OPT_INPROC: in_process = true; break;
        case OPT_TWINS: with_twins = true; break;
        case OPT_ALLOCATOR:
            if (!strcmp(optarg, "libc")) opt.allocator = MB_ALLOC_LIBC;
            else if (!strcmp(optarg, "jemalloc")) opt.allocator = MB_ALLOC_JEMALLOC;
            else usage_error("--allocator must be libc or jemalloc, not '%s'", optarg);
            break;
        case OPT_FINALIZERS:
            if (!strcmp(optarg, "modern")) opt.finalizers = MB_FIN_MODERN;
            else if (!strcmp(optarg, "legacy")) opt.finalizers = MB_FIN_LEGACY;
            else usage_error("--finalizers must be modern or legacy, not '%s'", optarg);
            break;
        default: usage_error("run: bad option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) usage_error("run: unexpected argument '%s'", argv[optind]);
    if (strcmp(scale, "quick") && strcmp(scale, "default") && strcmp(scale, "large"))
        usage_error("--scale must be quick, default or large, not '%s'", scale);
    mb_format_t fmt;
    if (mb_format_parse(format, &fmt) != 0)
        usage_error("--format must be console, json, csv or markdown, not '%s'", format);
    if (!reps) reps = !strcmp(scale, "quick") ? 3 : !strcmp(scale, "large") ? 1 : 5;
    if (reps > 10000) usage_error("--repetitions must be at most 10000, not '%" PRIu64 "'", reps);
    /* Ranges: the seed is written as a JSON integer. */
    if (seed > (uint64_t)INT64_MAX) usage_error("--seed must be from 0 to %" PRId64 ", not '%" PRIu64 "'", INT64_MAX, seed);
    if (opt.params) check_params(opt.params);
    {
        uint64_t nth;
        char ferr[256];
        if (mb_test_fail_alloc(&nth, ferr, sizeof ferr) < 0) usage_error("%s", ferr);
    }

    const mb_strategy_t **ss;
    const mb_workload_t **ws;
    size_t ns = parse_strategies(slist, &ss), nw = parse_workloads(wlist, &ws);
    const char *err = NULL;
    if (opt.allocator == MB_ALLOC_JEMALLOC) reexec_with_jemalloc(argv);
    if (mb_mem_select(opt.allocator, &err) != 0) usage_error("%s", err);

    /* Check the parameters, the output file and the sizes before running anything. */
    if (opt.params)
        for (size_t si = 0; si < ns; si++) {
            fflush(stderr);             /* mb_rt_new's own message would be a second line */
            int saved = dup(2), null = open("/dev/null", O_WRONLY);
            if (null >= 0) dup2(null, 2);
            mb_rt_t *rt = mb_rt_new(ss[si], &opt);
            if (saved >= 0) dup2(saved, 2);
            if (saved >= 0) close(saved);
            if (null >= 0) close(null);
            if (!rt) usage_error("bad --params '%s' for strategy %s (rc-cycle: threshold; rc-gen: threshold0, "
                                 "threshold1, threshold2; rc-deferred: zct, at least 1)", opt.params, ss[si]->name);
            mb_rt_free(rt);
        }
    mb_outfile_t of;
    char oerr[512];
    if (mb_outfile_open(&of, outpath, oerr, sizeof oerr) != 0) usage_error("%s", oerr);
    mb_suite_t suite = {.executable = main_argv[0], .scale = scale, .allocator = mb_mem_name(opt.allocator),
                        .heap_multiplier = opt.heap_multiplier > 0 ? opt.heap_multiplier : 2.0,
                        .seed = (unsigned long long)seed, .timeout_s = timeout, .in_process = in_process};
    for (size_t wi = 0; wi < nw; wi++) {
        const mb_workload_t *w = ws[wi];
        uint64_t size = n ? n : !strcmp(scale, "quick") ? w->size_quick
                              : !strcmp(scale, "large") ? w->size_large : w->size_default;
        if (w->size_max && size > w->size_max)
            usage_error("--size %" PRIu64 " is beyond %s's maximum of %" PRIu64 " (see membench list)", size, w->name,
                        w->size_max);
        char label[64];
        snprintf(label, sizeof label, "n=%" PRIu64, size);
        for (size_t si = 0; si < ns; si++) {
            mb_case_t probe = {.workload = w, .strategy = ss[si], .opt = opt, .args = {.n = size, .seed = seed}};
            check_memory(&probe, size, timeout);
            for (int on = 0; on <= 1; on++) {
                if (interning >= 0 && on != interning) continue;
                mb_case_t cs = {.workload = w, .strategy = ss[si], .opt = opt,
                                .args = {.n = size, .seed = seed, .interning = on, .finalizers = true}};
                mb_suite_add(&suite, &cs, (unsigned)reps, label);
            }
        }
        const mb_strategy_t *tw[8];             /* the workload's twins: one more row each (twins.h) */
        size_t ntw = with_twins ? mb_twins_of(w, tw, 8) : 0;
        for (size_t ti = 0; ti < ntw; ti++) {
            mb_case_t cs = {.workload = w, .strategy = tw[ti], .opt = opt,
                            .args = {.n = size, .seed = seed, .interning = false, .finalizers = true}};
            mb_suite_add(&suite, &cs, (unsigned)reps, label);
        }
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
    }
    mb_suite_free(&suite);
    free(ss);
    free(ws);
    return status;
}

/* report FILE.json: a results file (Google Benchmark JSON from `run`) shown in another format. */
static int cmd_report(int argc, char **argv) {
    const char *format = "console", *outpath = NULL;
    static const struct option longs[] = {
        {"format", required_argument, 0, 'f'}, {"out", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "f:o:", longs, NULL)) != -1) {
        if (c == 'f') format = optarg;
        else if (c == 'o') outpath = optarg;
        else usage_error("report: bad option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1) usage_error("report: expected one results JSON file");
    mb_format_t fmt;
    if (mb_format_parse(format, &fmt) != 0)
        usage_error("--format must be console, json, csv or markdown, not '%s'", format);
    mb_suite_t suite = {0};
    char err[1024];
    if (mb_gbjson_read(argv[optind], &suite, err, sizeof err) != 0) {
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

/* import-hyperfine FILE.json: hyperfine's export as Google Benchmark JSON (hyperfine.h). */
static int cmd_import_hyperfine(int argc, char **argv) {
    const char *format = "json", *outpath = NULL;
    static const struct option longs[] = {
        {"format", required_argument, 0, 'f'}, {"out", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "f:o:", longs, NULL)) != -1) {
        if (c == 'f') format = optarg;
        else if (c == 'o') outpath = optarg;
        else usage_error("import-hyperfine: bad option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1) usage_error("import-hyperfine: expected one hyperfine JSON file");
    mb_format_t fmt;
    if (mb_format_parse(format, &fmt) != 0)
        usage_error("--format must be console, json, csv or markdown, not '%s'", format);
    mb_suite_t suite = {.executable = "hyperfine"};
    char err[1024];
    if (mb_hyperfine_import(argv[optind], &suite, err, sizeof err) != 0) {
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
enum { OPT_ALPHA = 300, OPT_THRESH, OPT_MEMTHRESH, OPT_TIMES, OPT_NOTIMES, OPT_MEMORY, OPT_NOMEMORY, OPT_NOCOUNTERS,
       OPT_COUNTERS, OPT_STRICT, OPT_METRIC, OPT_TIMERULE, OPT_MEMFLOOR };
static int cmd_compare(int argc, char **argv) {
    mb_cmp_opts_t o;
    mb_cmp_opts_default(&o);
    const char *outpath = NULL;
    bool thresh_given = false;
    static const struct option longs[] = {
        {"alpha", required_argument, 0, OPT_ALPHA},         {"threshold", required_argument, 0, OPT_THRESH},
        {"memory-threshold", required_argument, 0, OPT_MEMTHRESH},
        {"format", required_argument, 0, 'f'},              {"out", required_argument, 0, 'o'},
        {"times", no_argument, 0, OPT_TIMES},               {"no-times", no_argument, 0, OPT_NOTIMES},
        {"memory", no_argument, 0, OPT_MEMORY},             {"no-memory", no_argument, 0, OPT_NOMEMORY},
        {"no-counters", no_argument, 0, OPT_NOCOUNTERS},    {"counters", required_argument, 0, OPT_COUNTERS},
        {"strict-counters", no_argument, 0, OPT_STRICT},    {"metric", required_argument, 0, OPT_METRIC},
        {"time-rule", required_argument, 0, OPT_TIMERULE},  {"memory-floor", required_argument, 0, OPT_MEMFLOOR},
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "f:o:", longs, NULL)) != -1) {
        switch (c) {
        case OPT_ALPHA:
            o.alpha = parse_double("--alpha", optarg, 0);
            if (!(o.alpha > 0 && o.alpha < 1)) usage_error("--alpha must be between 0 and 1, not '%s'", optarg);
            break;
        case OPT_THRESH: o.threshold = parse_double("--threshold", optarg, 0); thresh_given = true; break;
        case OPT_MEMTHRESH: o.memory_threshold = parse_double("--memory-threshold", optarg, 0); break;
        case OPT_MEMFLOOR: o.memory_floor = (double)parse_u64("--memory-floor", optarg, 0); break;
        case OPT_TIMERULE:
            if (!strcmp(optarg, "either")) o.time_rule = MB_CMP_EITHER;
            else if (!strcmp(optarg, "both")) o.time_rule = MB_CMP_BOTH;
            else if (!strcmp(optarg, "cpu")) o.time_rule = MB_CMP_CPU;
            else if (!strcmp(optarg, "real")) o.time_rule = MB_CMP_REAL;
            else usage_error("--time-rule must be either, both, cpu or real, not '%s'", optarg);
            break;
        case 'f':
            if (!strcmp(optarg, "console")) o.format = MB_CMP_CONSOLE;
            else if (!strcmp(optarg, "markdown")) o.format = MB_CMP_MARKDOWN;
            else usage_error("compare: --format must be console or markdown, not '%s'", optarg);
            break;
        case 'o': outpath = optarg; break;
        case OPT_TIMES: o.times = true; break;
        case OPT_NOTIMES: o.times = false; break;
        case OPT_MEMORY: o.memory = true; break;
        case OPT_NOMEMORY: o.memory = false; break;
        case OPT_NOCOUNTERS: o.counters = false; break;
        case OPT_COUNTERS:
            if (!*optarg || strspn(optarg, ",") == strlen(optarg)) usage_error("--counters needs counter names");
            o.counter_list = optarg;
            break;
        case OPT_STRICT: o.strict_counters = true; break;
        case OPT_METRIC:
            if (!strcmp(optarg, "time")) o.metric = MB_CMP_TIME;
            else if (!strcmp(optarg, "instructions")) o.metric = MB_CMP_INSTRUCTIONS;
            else usage_error("--metric must be time or instructions, not '%s'", optarg);
            break;
        default: usage_error("compare: bad option '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 2) usage_error("compare: expected BASELINE.json and CONTENDER.json");
    if (o.metric == MB_CMP_INSTRUCTIONS && !thresh_given) o.threshold = 1;
    /* Both files streamed into the comparison, row by row: never held whole. */
    mb_cmp_t *cmp = mb_cmp_new(&o);
    char err[1024];
    for (int side = 0; side < 2; side++)
        if (mb_cmp_read(cmp, side, argv[optind + side], err, sizeof err) != 0) {
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
    size_t failed = mb_cmp_finish(cmp, of.f, argv[optind], argv[optind + 1], &sum);
    int status = failed ? 1 : 0;
    if (mb_outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        status = 2;
    }
    mb_cmp_free(cmp);
    return status;
}

/* probe PROBE -s STRATEGY -n N [-r R]: hidden, for scripts/perf (probe.h).
 * Prints one line per repetition: strategy probe n wall-ns cpu-ns. */
static int cmd_probe(int argc, char **argv) {
    const char *sname = "mark-sweep";
    uint64_t n = 100000, reps = 1;
    int c;
    while ((c = getopt(argc, argv, "s:n:r:")) != -1) {
        if (c == 's') sname = optarg;
        else if (c == 'n') n = parse_u64("-n", optarg, 1);
        else if (c == 'r') reps = parse_u64("-r", optarg, 1);
        else usage_error("probe: bad option '%s'", argv[optind - 1]);
    }
    if (optind != argc - 1) usage_error("probe: expected one probe name (cycles or full)");
    const mb_strategy_t *s = mb_find_strategy(sname);
    if (!s) usage_error("unknown strategy '%s' (see membench list)", sname);
    for (uint64_t r = 0; r < reps; r++) {
        uint64_t ns, cpu;
        char err[256];
        if (mb_probe(argv[optind], s, n, &ns, &cpu, err, sizeof err) != 0) {
            fprintf(stderr, "membench: %s\n", err);
            return 1;
        }
        printf("%s %s %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", s->name, argv[optind], n, ns, cpu);
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
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("membench %s (%s)\n", mb_version, mb_git_commit);
        return 0;
    }
    argv[1] = argv[0];
    opterr = 0;
    if (!strcmp(cmd, "list")) return cmd_list(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "tour")) return cmd_tour(argc - 1, argv + 1);
    if (!strcmp(cmd, "probe")) return cmd_probe(argc - 1, argv + 1);
    if (!strcmp(cmd, "fuzz")) return cmd_fuzz(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "import-hyperfine")) return cmd_import_hyperfine(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare")) return cmd_compare(argc - 1, argv + 1);
    usage_error("unknown command '%s'", cmd);
}
