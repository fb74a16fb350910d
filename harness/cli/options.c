/* options.c: the table of every subcommand's options (declared once, as
 * whippet's gc-options.c declares its options), and what is made from it:
 * the parser's validation, the synopsis, `membench COMMAND --help` and the
 * man page docs/membench.1. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/mb.h"
#include "harness/cli/options.h"
#include "harness/run/registry.h"
#include "harness/report/report.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const mb_cmddef_t mb_cmddefs[MB_NCMDS] = {
    [MB_CMD_LIST] = {"list", "", 0, "list the strategies and workloads, with their attributes and sizes"},
    [MB_CMD_RUN] = {"run", "", 0, "run workloads under strategies, each repetition in a child process, and report"},
    [MB_CMD_REPORT] = {"report", "FILE.json", 1, "show a results file (Google Benchmark JSON) in another format"},
    [MB_CMD_IMPORT] = {"import-hyperfine", "FILE.json", 1, "turn hyperfine's JSON export into Google Benchmark JSON"},
    [MB_CMD_COMPARE] = {"compare", "BASELINE.json CONTENDER.json", 2,
                        "the regression gate: exit 0 no regression, 1 a regression, 2 bad input"},
    [MB_CMD_TOUR] = {"tour", "", 0, "replay the seed tutorial's examples, printing each observable value"},
    [MB_CMD_FUZZ] = {"fuzz", "", 0, "differential fuzzing of strategies against a reachability oracle"},
    [MB_CMD_MERGE] = {"merge", "SHARD.json...", -1,
                      "merge the results files of `run --shard I/N` into one, checking they are one plan's shards"},
    [MB_CMD_CHECK] = {"check", "", 0,
                      "the conformance suite of a strategy (a built-in or plugin:PATH.so): exit 1 if a check fails"},
    [MB_CMD_HISTORY] = {"history", "[show | import FILE.json...]", -2,
                        "the results history (SQLite): import results files, or show each benchmark's median per "
                        "commit and its change points"},
    [MB_CMD_TRACECONV] = {"trace-convert", "IN OUT", 2,
                          "convert a recorded trace between its binary and text forms (the direction from IN; "
                          "docs/traces.md)"},
};

#define INF INFINITY
#define U64MAX 18446744073709551615.0L
#define I64MAX 9223372036854775807.0L

/* One row: {cmd, id, short, long, kind, meta, choices, default, default in words, min, max, doc}. */
#define R(cmd, id, sh, name, kind, meta, choices, def, defdoc, min, max, doc) \
    {MB_CMD_##cmd, MB_O_##id, sh, name, MB_OK_##kind, meta, choices, def, defdoc, min, max, doc}
#define STRATEGY_DOC "strategies, comma-separated, or all (membench list)"
#define FORMATS "console|json|csv|markdown|bmf"
#define FORMAT_DOC "output format (bmf: Bencher Metric Format)"

const mb_optdef_t mb_optdefs[] = {
    R(LIST, FORMAT, 'f', "format", CHOICE, "FORMAT", "console|json", "console", NULL, 0, 0, "output format"),

    R(RUN, STRATEGY, 's', "strategy", TEXT, "LIST", NULL, "all", NULL, 0, 0, STRATEGY_DOC),
    R(RUN, WORKLOAD, 'w', "workload", TEXT, "LIST", NULL, "all", NULL, 0, 0,
      "workloads, comma-separated, or all (membench list)"),
    R(RUN, INTERNING, 'i', "interning", CHOICE, "MODE", "on|off|both", "both", NULL, 0, 0,
      "small ints and strings interned, not, or each case both ways"),
    R(RUN, FILTER, 0, "filter", TEXT, "REGEX", NULL, NULL, "every case", 0, 0,
      "only cases whose name <workload>/<strategy>/interning:<on|off> matches (extended regex; -REGEX excludes)"),
    R(RUN, SIZE, 'n', "size", UINT, "N", NULL, NULL, "the scale's size of each workload", 1, U64MAX,
      "the workload size (membench list shows each workload's sizes and maximum)"),
    R(RUN, SCALE, 0, "scale", CHOICE, "SCALE", "quick|default|large", "default", NULL, 0, 0,
      "sizes and repetitions: quick for a look, large for a long run"),
    R(RUN, REPS, 'r', "repetitions", UINT, "N", NULL, NULL, "3 quick, 5 default, 1 large", 1, 10000,
      "repetitions of each case, each in a new child process"),
    R(RUN, SEED, 0, "seed", UINT, "N", NULL, "42", NULL, 0, I64MAX, "the workloads' random seed"),
    R(RUN, FORMAT, 'f', "format", CHOICE, "FORMAT", FORMATS, "console", NULL, 0, 0, FORMAT_DOC),
    R(RUN, OUT, 'o', "out", TEXT, "FILE", NULL, "-", NULL, 0, 0,
      "write the results here (- for stdout), atomically: complete or not at all"),
    R(RUN, AGGONLY, 0, "aggregates-only", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "JSON and CSV: only the mean, median, stddev and cv of each case, not every repetition"),
    R(RUN, TIMEOUT, 0, "timeout", NUM, "SECONDS", NULL, "3600", NULL, 0.001, 1e7,
      "a repetition running longer is killed and reported as an error"),
    R(RUN, ALLOCATOR, 0, "allocator", CHOICE, "NAME", "libc|jemalloc|own", "own", NULL, 0, 0,
      "object memory of the strategies without a heap of their own: malloc, or own (the suite's size-class heap)"),
    R(RUN, HEAPMUL, 0, "heap-multiplier", NUM, "X", NULL, STR(MB_DEFAULT_HEAP_MULTIPLIER), NULL, MB_HEAP_MULTIPLIER_MIN, MB_HEAP_MULTIPLIER_MAX,
      "collect when the heap reaches X times the bytes live after the last collection"),
    R(RUN, FINALIZERS, 0, "finalizers", CHOICE, "MODE", "modern|legacy", "modern", NULL, 0, 0,
      "finalizers in cycles: run them (PEP 442) or leave the cycle in garbage (before Python 3.4)"),
    R(RUN, PARAMS, 0, "params", TEXT, "KEY=VALUE,...", NULL, NULL, "each strategy's defaults", 0, 0,
      "strategy parameters (see STRATEGY PARAMETERS)"),
    R(RUN, TWINS, 0, "twins", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "also run each workload's direct twins: the same work without the mutator API"),
    R(RUN, TWINS, 0, "floor", FLAG, NULL, NULL, NULL, NULL, 0, 0, "the old name of --twins"),
    R(RUN, SHARD, 0, "shard", TEXT, "I/N", NULL, NULL, "the whole plan", 0, 0,
      "run only shard I (0-based) of N: whole workloads, balanced by estimated time (docs/sharding.md)"),
    R(RUN, SHARDCOSTS, 0, "shard-costs", TEXT, "FILE", NULL, NULL, "the built-in cost model", 0, 0,
      "with --shard: estimate each case's time from the real_time of its name in this results file"),
    R(RUN, RECORD, 0, "record", TEXT, "DIR", NULL, NULL, "no recording", 0, 0,
      "also record each case's mutator operations into DIR, once, in a separate untimed pass (docs/traces.md)"),
    R(RUN, INPROC, 0, "in-process", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "run the cases in this process, without isolation (for tests)"),
    R(RUN, HISTORY, 0, "history", TEXT, "FILE", NULL, NULL, "$MB_HISTORY if set, else none", 0, 0,
      "also append the results to this history database (SQLite; docs/history.md), unless interrupted"),
    R(RUN, NOHISTORY, 0, "no-history", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "append to no history database, whatever --history and MB_HISTORY say"),

    R(REPORT, FILTER, 0, "filter", TEXT, "REGEX", NULL, NULL, "every entry", 0, 0,
      "only entries whose name matches (extended regex; -REGEX excludes)"),
    R(REPORT, FORMAT, 'f', "format", CHOICE, "FORMAT", FORMATS, "console", NULL, 0, 0, FORMAT_DOC),
    R(REPORT, OUT, 'o', "out", TEXT, "FILE", NULL, "-", NULL, 0, 0, "write here (- for stdout)"),
    R(REPORT, AGGONLY, 0, "aggregates-only", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "JSON and CSV: only the aggregates of each case, not every repetition"),

    R(IMPORT, FORMAT, 'f', "format", CHOICE, "FORMAT", "json|console|csv|markdown|bmf", "json", NULL, 0, 0, FORMAT_DOC),
    R(IMPORT, OUT, 'o', "out", TEXT, "FILE", NULL, "-", NULL, 0, 0, "write here (- for stdout)"),

    R(COMPARE, ALPHA, 0, "alpha", NUM, "A", NULL, "0.05", NULL, 0, 1,
      "significance level of the Mann-Whitney U test, between 0 and 1"),
    R(COMPARE, THRESH, 0, "threshold", NUM, "PCT", NULL, NULL, "5 (1 with --metric instructions)", 0, 1e6,
      "the smallest slowdown of the median, percent, that fails"),
    R(COMPARE, MEMTHRESH, 0, "memory-threshold", NUM, "PCT", NULL, "10", NULL, 0, 1e6,
      "the smallest growth of the median peak RSS, percent, that fails"),
    R(COMPARE, MEMFLOOR, 0, "memory-floor", UINT, "BYTES", NULL, "262144", NULL, 0, U64MAX,
      "... and bytes: a smaller growth is page noise"),
    R(COMPARE, TIMERULE, 0, "time-rule", CHOICE, "RULE", "either|both|cpu|real", "either", NULL, 0, 0,
      "which times must be slower to fail"),
    R(COMPARE, TIMES, 0, "times", FLAG, NULL, NULL, NULL, NULL, 0, 0, "compare times (the default)"),
    R(COMPARE, NOTIMES, 0, "no-times", FLAG, NULL, NULL, NULL, NULL, 0, 0, "do not compare times"),
    R(COMPARE, MEMORY, 0, "memory", FLAG, NULL, NULL, NULL, NULL, 0, 0, "compare peak RSS (the default)"),
    R(COMPARE, NOMEMORY, 0, "no-memory", FLAG, NULL, NULL, NULL, NULL, 0, 0, "do not compare peak RSS"),
    R(COMPARE, NOCOUNTERS, 0, "no-counters", FLAG, NULL, NULL, NULL, NULL, 0, 0, "do not compare the exact counters"),
    R(COMPARE, COUNTERS, 0, "counters", TEXT, "LIST", NULL, NULL, "leaks, checksum and the deterministic counters", 0, 0,
      "the exact counters to compare, comma-separated"),
    R(COMPARE, STRICT, 0, "strict-counters", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "any change of an exact counter fails, not only leaks and checksum"),
    R(COMPARE, METRIC, 0, "metric", CHOICE, "METRIC", "time|instructions", "time", NULL, 0, 0,
      "what is tested for a slowdown: times, or the instructions counter"),
    R(COMPARE, FORMAT, 'f', "format", CHOICE, "FORMAT", "console|markdown", "console", NULL, 0, 0,
      "output format (markdown: a pull-request comment)"),
    R(COMPARE, OUT, 'o', "out", TEXT, "FILE", NULL, "-", NULL, 0, 0, "write here (- for stdout)"),

    R(TOUR, STRATEGY, 's', "strategy", TEXT, "LIST", NULL, "rc", NULL, 0, 0, STRATEGY_DOC),
    R(TOUR, INTERNING, 'i', "interning", CHOICE, "MODE", "on|off|both", "both", NULL, 0, 0,
      "the examples with interning on, off, or both"),
    R(TOUR, FINALIZERS, 0, "finalizers", CHOICE, "MODE", "modern|legacy|both", "both", NULL, 0, 0,
      "the finalizer scenario in modern mode, legacy mode, or both"),

    R(FUZZ, STRATEGY, 's', "strategy", TEXT, "LIST", NULL, "all", NULL, 0, 0, STRATEGY_DOC),
    R(FUZZ, SEED, 0, "seed", UINT, "N", NULL, "1", NULL, 0, U64MAX, "the first seed"),
    R(FUZZ, SEEDS, 0, "seeds", UINT, "N", NULL, NULL, "as many as --seconds allows", 1, U64MAX,
      "seeds to run"),
    R(FUZZ, SECONDS, 0, "seconds", NUM, "S", NULL, NULL, "10 when --seeds is not given", 0.001, 1e7,
      "stop starting seeds after this long"),
    R(FUZZ, STEPS, 0, "steps", UINT, "N", NULL, "5000", NULL, 1, U64MAX, "mutator operations per seed"),
    R(FUZZ, PARAMS, 0, "params", TEXT, "KEY=VALUE,...", NULL, NULL, "each strategy's defaults", 0, 0,
      "strategy parameters (see STRATEGY PARAMETERS)"),

    R(MERGE, OUT, 'o', "out", TEXT, "FILE", NULL, "-", NULL, 0, 0,
      "write the merged results here (- for stdout), atomically"),
    R(MERGE, PARTIAL, 0, "allow-partial", FLAG, NULL, NULL, NULL, NULL, 0, 0,
      "merge the shards given even if some are missing, marked incomplete"),

    R(CHECK, STRATEGY, 's', "strategy", TEXT, "LIST", NULL, "all", NULL, 0, 0,
      "strategies, comma-separated, all, or plugin:PATH.so (docs/plugins.md)"),
    R(CHECK, ONLY, 0, "only", TEXT, "LIST", NULL, NULL, "every check", 0, 0,
      "the checks to run, comma-separated (seed-scenarios, finalizers-modern, finalizers-legacy, fuzz, workloads, "
      "heap-verify, deep-structures, fault-injection)"),
    R(CHECK, SEEDS, 0, "seeds", UINT, "N", NULL, "8", NULL, 1, 1000000, "fuzz: seeds 1 to N"),
    R(CHECK, STEPS, 0, "steps", UINT, "N", NULL, "5000", NULL, 1, 100000000, "fuzz: mutator operations per seed"),
    R(CHECK, DEPTH, 0, "depth", UINT, "N", NULL, "1000000", NULL, 2, 100000000,
      "deep-structures: the length of the chain"),
    R(CHECK, TIMEOUT, 0, "timeout", NUM, "SECONDS", NULL, "300", NULL, 0.001, 1e7,
      "a check running longer is killed and fails"),
    R(HISTORY, DB, 0, "db", TEXT, "FILE", NULL, MB_HISTORY_DB_DEFAULT, NULL, 0, 0, "the history database"),
    R(HISTORY, FILTER, 0, "filter", TEXT, "REGEX", NULL, NULL, "every name", 0, 0,
      "show: only names that match (extended regex; -REGEX excludes)"),
    R(HISTORY, METRIC, 0, "metric", TEXT, "METRIC", NULL, "real_time", NULL, 0, 0,
      "show: real_time, cpu_time or a counter (peak_rss_bytes, leaked_objects, ...)"),
    R(HISTORY, FORMAT, 'f', "format", CHOICE, "FORMAT", "console|markdown|json|csv", "console", NULL, 0, 0,
      "show: output format"),
    R(HISTORY, OUT, 'o', "out", TEXT, "FILE", NULL, "-", NULL, 0, 0, "show: write here (- for stdout)"),
    R(HISTORY, ALPHA, 0, "alpha", NUM, "A", NULL, "0.05", NULL, 0, 1,
      "show: significance level of the U test of a change point (compare's)"),
    R(HISTORY, THRESH, 0, "threshold", NUM, "PCT", NULL, "5", NULL, 0, 1e6,
      "show: the smallest change of the median, percent, that is a change point (compare's)"),
    R(HISTORY, WINDOW, 0, "window", UINT, "N", NULL, "1", NULL, 1, 1000,
      "show: commits on each side of a boundary whose samples are tested against each other"),
};
const size_t mb_noptdefs = sizeof mb_optdefs / sizeof *mb_optdefs;

int mb_cmd_find(const char *s) {
    for (int c = 0; c < MB_NCMDS; c++)
        if (!strcmp(s, mb_cmddefs[c].name)) return c;
    return -1;
}

const mb_optdef_t *mb_opt_find(mb_cmd_t cmd, mb_opt_id_t id) {
    for (size_t i = 0; i < mb_noptdefs; i++)
        if (mb_optdefs[i].cmd == cmd && mb_optdefs[i].id == id) return &mb_optdefs[i];
    return NULL;
}

/* "-s, --strategy LIST" into buf. */
static const char *opt_spelling(const mb_optdef_t *d, char *buf, size_t n) {
    if (d->shortopt) snprintf(buf, n, "-%c, --%s%s%s", d->shortopt, d->name, d->meta ? " " : "", d->meta ? d->meta : "");
    else snprintf(buf, n, "--%s%s%s", d->name, d->meta ? " " : "", d->meta ? d->meta : "");
    return buf;
}

/* The synopsis of one command, wrapped at 100 columns. */
static void usage_one(FILE *out, int cmd, bool first) {
    char line[4096];
    int ind = snprintf(line, sizeof line, "%s membench %s", first ? "usage:" : "      ", mb_cmddefs[cmd].name);
    size_t len = (size_t)ind;
    const char *args = mb_cmddefs[cmd].args;
    if (*args) len += (size_t)snprintf(line + len, sizeof line - len, " %s", args);
    int col = (int)len;
    fputs(line, out);
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        if ((int)d->cmd != cmd) continue;
        char item[256];
        const char *meta = d->kind == MB_OK_CHOICE ? d->choices : d->meta;
        if (d->shortopt)
            snprintf(item, sizeof item, " [-%c|--%s%s%s]", d->shortopt, d->name, meta ? " " : "", meta ? meta : "");
        else snprintf(item, sizeof item, " [--%s%s%s]", d->name, meta ? " " : "", meta ? meta : "");
        if (col + (int)strlen(item) > 100) {
            fprintf(out, "\n%*s", ind, "");
            col = ind;
        }
        fputs(item, out);
        col += (int)strlen(item);
    }
    fputc('\n', out);
}

void mb_opts_usage(FILE *out, int cmd) {
    if (cmd >= 0) {
        usage_one(out, cmd, true);
        fprintf(out, "       (membench %s --help for every option)\n", mb_cmddefs[cmd].name);
        return;
    }
    for (int c = 0; c < MB_NCMDS; c++) usage_one(out, c, c == 0);
    fputs("       membench COMMAND --help       (every option of a command, its default and range)\n", out);
}

_Noreturn void mb_usage_error(int cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    mb_vmessage(fmt, ap);
    va_end(ap);
    mb_opts_usage(stderr, cmd);
    exit(2);
}

/* "a, b or c" from "a|b|c". */
static const char *choices_words(const char *choices, char *buf, size_t n) {
    size_t k = 0, count = 1;
    for (const char *p = choices; *p; p++) count += *p == '|';
    size_t idx = 0;
    buf[0] = '\0';
    for (const char *p = choices; k < n;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        const char *sep = idx == 0 ? "" : idx == count - 1 ? " or " : ", ";
        k += (size_t)snprintf(buf + k, n - k, "%s%.*s", sep, (int)l, p);
        idx++;
        if (!bar) break;
        p = bar + 1;
    }
    return buf;
}

/* Index of s in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *s) {
    int i = 0;
    for (const char *p = choices;; i++) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (strlen(s) == l && !strncmp(p, s, l)) return i;
        if (!bar) return -1;
        p = bar + 1;
    }
}

/* Validate text for d into *v; exits 2 on bad input. */
static void set_value(int cmd, const mb_optdef_t *d, const char *text, mb_optval_t *v) {
    v->text = text;
    v->set = true;
    char words[256];
    switch (d->kind) {
    case MB_OK_FLAG: v->flag = true; break;
    case MB_OK_TEXT: break;
    case MB_OK_CHOICE:
        v->choice = choice_index(d->choices, text);
        if (v->choice < 0)
            mb_usage_error(cmd, "--%s must be %s, not '%s'", d->name, choices_words(d->choices, words, sizeof words), text);
        break;
    case MB_OK_UINT: {
        char *end;
        errno = 0;
        if (!*text || *text == '-' || *text == '+' || *text == ' ')
            mb_usage_error(cmd, "--%s must be a non-negative integer, not '%s'", d->name, text);
        unsigned long long x = strtoull(text, &end, 10);
        if (*end) mb_usage_error(cmd, "--%s must be a non-negative integer, not '%s'", d->name, text);
        if (errno || (long double)x > d->max)
            mb_usage_error(cmd, "--%s must be from %.0Lf to %.0Lf, not '%s'", d->name, d->min, d->max, text);
        if ((long double)x < d->min) mb_usage_error(cmd, "--%s must be at least %.0Lf, not '%s'", d->name, d->min, text);
        v->u = x;
        v->d = (double)x;
        break;
    }
    case MB_OK_NUM: {
        char *end;
        errno = 0;
        double x = strtod(text, &end);
        if (errno || *end || !*text || !isfinite(x) || !(x >= d->min) || x > d->max)
            mb_usage_error(cmd, "--%s must be a number from %Lg to %Lg, not '%s'", d->name, d->min, d->max, text);
        v->d = x;
        break;
    }
    }
}

void mb_opts_parse(mb_cmd_t cmd, int argc, char **argv, mb_optval_t v[MB_NOPTS], char ***args, int *nargs) {
    memset(v, 0, MB_NOPTS * sizeof *v);
    struct option longs[64];
    char shorts[64];
    size_t nl = 0, ns = 0;
    const mb_optdef_t *byval[128 + 64] = {0};   /* getopt's value -> row: short letter, or 128 + row index */
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        if (d->cmd != cmd) continue;
        int val = d->shortopt ? d->shortopt : 128 + (int)nl;
        longs[nl++] = (struct option){d->name, d->kind == MB_OK_FLAG ? no_argument : required_argument, NULL, val};
        byval[val] = d;
        if (d->shortopt) {
            shorts[ns++] = d->shortopt;
            if (d->kind != MB_OK_FLAG) shorts[ns++] = ':';
        }
        if (d->def && d->kind != MB_OK_FLAG) set_value(cmd, d, d->def, &v[d->id]);
    }
    longs[nl++] = (struct option){"help", no_argument, NULL, 'h'};
    longs[nl] = (struct option){0, 0, 0, 0};
    shorts[ns++] = 'h';
    shorts[ns] = '\0';
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == 'h') {
            mb_opts_help(stdout, cmd);
            exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2);
        }
        if (c == '?' && optopt > 0 && optopt < (int)(sizeof byval / sizeof *byval) && byval[optopt])
            mb_usage_error(cmd, "--%s needs a value (%s)", byval[optopt]->name, byval[optopt]->meta);
        if (c == '?' || c == ':' || c < 0 || c >= (int)(sizeof byval / sizeof *byval) || !byval[c]) {
            const char *bad = argv[optind - 1];
            if (optopt && c == '?' && bad && bad[0] == '-' && bad[1] != '-')
                mb_usage_error(cmd, "%s: bad option '-%c'", mb_cmddefs[cmd].name, optopt);
            mb_usage_error(cmd, "%s: bad option '%s'", mb_cmddefs[cmd].name, bad);
        }
        const mb_optdef_t *d = byval[c];
        set_value(cmd, d, optarg ? optarg : "", &v[d->id]);
        v[d->id].given = true;
    }
    int n = argc - optind;
    int want = mb_cmddefs[cmd].nargs;
    if (want == -1 && n < 1)
        mb_usage_error(cmd, "%s: expected one or more results files (%s)", mb_cmddefs[cmd].name, mb_cmddefs[cmd].args);
    if (want >= 0 && n != want) {
        if (!want) mb_usage_error(cmd, "%s: unexpected argument '%s'", mb_cmddefs[cmd].name, argv[optind]);
        if (want == 1) mb_usage_error(cmd, "%s: expected one %s file", mb_cmddefs[cmd].name,
                                      cmd == MB_CMD_REPORT ? "results JSON" : "hyperfine JSON");
        mb_usage_error(cmd, "%s: expected %s", mb_cmddefs[cmd].name, "BASELINE.json and CONTENDER.json");
    }
    *args = argv + optind;
    *nargs = n;
}

const char *mb_opt_text(const mb_optdef_t *d, const mb_optval_t *v, char *buf, size_t n) {
    (void)buf;
    (void)n;
    if (d->kind == MB_OK_FLAG) return v->flag ? "true" : NULL;
    return v->set ? v->text : NULL;
}

/* The default and range of a row, in words: "(default: all)". */
static void default_words(const mb_optdef_t *d, char *buf, size_t n) {
    size_t k = 0;
    buf[0] = '\0';
    if (d->def) k += (size_t)snprintf(buf, n, "default: %s", d->def);
    else if (d->def_doc) k += (size_t)snprintf(buf, n, "default: %s", d->def_doc);
    if (d->kind == MB_OK_CHOICE && k < n) {
        char w[256];
        k += (size_t)snprintf(buf + k, n - k, "%s%s", k ? "; " : "", choices_words(d->choices, w, sizeof w));
    } else if ((d->kind == MB_OK_UINT || d->kind == MB_OK_NUM) && k < n) {
        const char *f = d->kind == MB_OK_UINT ? (d->max >= U64MAX ? "%sat least %.0Lf" : "%s%.0Lf to %.0Lf")
                                              : "%s%Lg to %Lg";
        k += (size_t)snprintf(buf + k, n - k, f, k ? "; " : "", d->min, d->max);
    }
}

static bool takes_params(mb_cmd_t cmd) { return mb_opt_find(cmd, MB_O_PARAMS) != NULL; }

void mb_opts_help(FILE *out, mb_cmd_t cmd) {
    usage_one(out, cmd, true);
    fprintf(out, "\n%s.\n\nOptions:\n", mb_cmddefs[cmd].doc);
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        if (d->cmd != cmd) continue;
        char sp[128], dw[256];
        opt_spelling(d, sp, sizeof sp);
        default_words(d, dw, sizeof dw);
        fprintf(out, "  %-28s %s%s%s%s\n", sp, d->doc, *dw ? " (" : "", dw, *dw ? ")" : "");
    }
    fprintf(out, "  %-28s %s\n", "-h, --help", "this help");
    if (takes_params(cmd)) {
        fputs("\nStrategy parameters (--params KEY=VALUE,..., integers):\n", out);
        for (size_t i = 0; mb_strategies[i]; i++)
            for (const mb_param_def_t *p = mb_strategies[i]->params; p && p->name; p++)
                fprintf(out, "  %-12s %-12s %s (default %" PRIu64 "; %" PRIu64 " to %" PRIu64 ")\n", mb_strategies[i]->name,
                        p->name, p->doc, p->def, p->min, p->max);
    }
    fputs("\nThe manual: man -l docs/membench.1; the docs: docs/cli.md.\n", out);
}

/* troff text: a leading '.' or '\'' escaped, backslashes and '-' escaped. */
static void troff(FILE *out, const char *s) {
    if (*s == '.' || *s == '\'') fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\') fputs("\\e", out);
        else if (*s == '-') fputs("\\-", out);
        else fputc(*s, out);
    }
}

void mb_opts_man(FILE *out) {
    fputs(".\\\" docs/membench.1: generated by `membench man` from harness/cli/options.c; do not edit.\n"
          ".TH MEMBENCH 1 \"\" \"membench\" \"User Commands\"\n"
          ".SH NAME\nmembench \\- benchmark and stress-test memory-management strategies\n"
          ".SH SYNOPSIS\n", out);
    for (int c = 0; c < MB_NCMDS; c++) {
        fprintf(out, ".B membench %s\n", mb_cmddefs[c].name);
        if (*mb_cmddefs[c].args) fprintf(out, ".I %s\n", mb_cmddefs[c].args);
        fputs("[\\fIOPTIONS\\fR]\n.br\n", out);
    }
    fputs(".SH DESCRIPTION\n"
          "membench runs identical workloads of shared and circular references under interchangeable\n"
          "memory strategies (reference counting, cycle collectors, tracing, copying, generational,\n"
          "bdwgc) and records throughput, peak memory, leak counts and pauses, as Google Benchmark JSON.\n"
          "Bad input exits 2 with one line naming the problem.\n", out);
    fputs(".SH COMMANDS\n", out);
    for (int c = 0; c < MB_NCMDS; c++) {
        fprintf(out, ".SS membench %s", mb_cmddefs[c].name);
        if (*mb_cmddefs[c].args) fprintf(out, " %s", mb_cmddefs[c].args);
        fputs("\n", out);
        troff(out, mb_cmddefs[c].doc);
        fputs(".\n", out);
        for (size_t i = 0; i < mb_noptdefs; i++) {
            const mb_optdef_t *d = &mb_optdefs[i];
            if ((int)d->cmd != c) continue;
            char sp[128], dw[256];
            opt_spelling(d, sp, sizeof sp);
            default_words(d, dw, sizeof dw);
            fputs(".TP\n.B ", out);
            troff(out, sp);
            fputs("\n", out);
            troff(out, d->doc);
            if (*dw) {
                fputs(" (", out);
                troff(out, dw);
                fputs(")", out);
            }
            fputs(".\n", out);
        }
    }
    fputs(".SH STRATEGY PARAMETERS\nGiven with \\fB\\-\\-params\\fR \\fIKEY\\fR=\\fIVALUE\\fR,...; every value is an integer.\n", out);
    for (size_t i = 0; mb_strategies[i]; i++)
        for (const mb_param_def_t *p = mb_strategies[i]->params; p && p->name; p++) {
            fprintf(out, ".TP\n.B %s ", mb_strategies[i]->name);
            troff(out, p->name);
            fputs("\n", out);
            troff(out, p->doc);
            fprintf(out, " (default %" PRIu64 "; %" PRIu64 " to %" PRIu64 ").\n", p->def, p->min, p->max);
        }
    fputs(".SH EXIT STATUS\n0 success; 1 a failed case, check or regression; 2 bad input;\n"
          "128 + N interrupted by signal N (the runs that finished are written, marked incomplete).\n"
          ".SH ENVIRONMENT\n.TP\n.B MB_QUIET\nno progress lines on stderr.\n"
          ".TP\n.B MB_FAIL_ALLOC\nfault injection: the Nth allocation of each case fails.\n"
          ".SH SEE ALSO\nREADME.md and docs/ in the source tree: cli.md, formats.md, design.md.\n", out);
}

void mb_opts_json(FILE *out, mb_cmd_t cmd, const mb_optval_t v[MB_NOPTS]) {
    fputc('{', out);
    bool first = true;
    for (size_t i = 0; i < mb_noptdefs; i++) {
        const mb_optdef_t *d = &mb_optdefs[i];
        if (d->cmd != cmd) continue;
        if (mb_opt_find(cmd, d->id) != d) continue;     /* an alias (--floor): the first row's name */
        if (d->id == MB_O_HISTORY || d->id == MB_O_NOHISTORY) continue;   /* where results are kept: not what ran */
        const mb_optval_t *x = &v[d->id];
        if (d->kind != MB_OK_FLAG && !x->set) continue;
        fprintf(out, "%s\n      ", first ? "" : ",");
        first = false;
        mb_json_write_str(out, d->name);
        fputs(": ", out);
        switch (d->kind) {
        case MB_OK_FLAG: fputs(x->flag ? "true" : "false", out); break;
        case MB_OK_UINT: fprintf(out, "%" PRIu64, x->u); break;
        case MB_OK_NUM: fprintf(out, "%.17g", x->d); break;
        default: mb_json_write_str(out, x->text); break;
        }
    }
    fputs(first ? "}" : "\n    }", out);
}
