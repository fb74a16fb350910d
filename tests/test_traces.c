/* test_traces.c: recorded traces (docs/traces.md): recorded from every
 * workload, replayed under every strategy with the live checksum and exact
 * leaks; the text form round trip; bad input exits 2 naming the offset. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/trace/trace.h"
#include "tests/helpers.h"

int run_cli(const char *args, char *out, size_t outsz);
void tmpdir(char *dir, size_t n);

/* A small n for each workload (binary-trees' n is a depth). */
static uint64_t small_n(const mb_workload_t *w) {
    uint64_t q = w->size_quick;
    return q < 1000 ? test_size(q, q > 6 ? 6 : q) : test_size(q / 4, q / 200 + 1);
}

static const mb_workload_t *record(const mb_workload_t *w, const char *dir, uint64_t n, bool interning) {
    char path[512], err[1024];
    snprintf(path, sizeof path, "%s/%s.mbtrace", dir, w->name);
    mb_wl_args_t a = {.n = n, .seed = 7, .interning = interning, .finalizers = true};
    cr_assert_eq(mb_trace_record(w, &a, path, err, sizeof err), 0, "record %s: %s", w->name, err);
    const mb_workload_t *t = mb_trace_workload(path, err, sizeof err);
    cr_assert_not_null(t, "load %s: %s", path, err);
    return t;
}

static mb_result_t run_one(const mb_workload_t *w, const mb_strategy_t *s, uint64_t n, bool on, mb_finalizer_mode_t fin) {
    mb_case_t c = {.workload = w, .strategy = s, .args = {.n = n, .seed = 7, .interning = on, .finalizers = true},
                   .opt = {.finalizers = fin}};
    return test_case_run(&c);
}

static void same(const mb_strategy_t *s, const char *what, const mb_result_t *live, const mb_result_t *rep) {
    cr_assert_eq(rep->checksum, live->checksum, "%s/%s: replay checksum %llu, live %llu", what, s->name,
                 (unsigned long long)rep->checksum, (unsigned long long)live->checksum);
    cr_assert(left_ok(s, rep->stats.leaked_objects, rep->expected_leaks), "%s/%s: replay leaked %llu, expected %llu",
              what, s->name, (unsigned long long)rep->stats.leaked_objects, (unsigned long long)rep->expected_leaks);
    cr_assert_eq(rep->expected_leaks, live->expected_leaks, "%s/%s: expected leaks differ", what, s->name);
    cr_assert_eq(rep->expected_uncollectable, live->expected_uncollectable, "%s/%s", what, s->name);
    if (!has(s, MB_ATTR_CONSERVATIVE))
        cr_assert_eq(rep->stats.uncollectable_objects, rep->expected_uncollectable, "%s/%s uncollectable", what, s->name);
    cr_assert_eq(rep->stats.objects_allocated, live->stats.objects_allocated, "%s/%s: objects allocated", what, s->name);
}

/* Every workload, recorded with interning off, replays under this strategy
 * with interning off and on: the live run's checksum and leak counts. */
STRATEGY_TEST(traces, replay_matches_live) {
    /* Stress builds collect at every allocation: replaying every workload there took more than ten
     * minutes and would crowd out the suite's time limit; release and debug builds check it. */
    if (getenv("MB_TEST_SMALL")) cr_skip_test("replay against the live run is checked in the release and debug builds");
    char dir[256];
    tmpdir(dir, sizeof dir);
    for (size_t i = 0; mb_workloads[i]; i++) {
        const mb_workload_t *w = mb_workloads[i];
        uint64_t n = small_n(w);
        const mb_workload_t *t = record(w, dir, n, false);
        for (int on = 0; on <= 1; on++) {
            mb_result_t live = run_one(w, s, n, on, MB_FIN_MODERN), rep = run_one(t, s, n, on, MB_FIN_MODERN);
            same(s, w->name, &live, &rep);
        }
    }
}

/* Legacy finalizers: the cycles they keep are the live workload's. */
STRATEGY_TEST(traces, legacy_finalizers) {
    char dir[256];
    tmpdir(dir, sizeof dir);
    const mb_workload_t *w = mb_find_workload("finalizer-cycles");
    uint64_t n = test_size(2000, 50);
    const mb_workload_t *t = record(w, dir, n, true);
    mb_result_t live = run_one(w, s, n, true, MB_FIN_LEGACY), rep = run_one(t, s, n, true, MB_FIN_LEGACY);
    same(s, "finalizer-cycles (legacy)", &live, &rep);
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static void spit(const char *path, const void *b, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "write %s", path);
    cr_assert_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Binary -> text -> binary gives the same bytes, and text -> binary -> text the same text. */
Test(traces, text_round_trip) {
    char dir[256], args[1200], out[8192];
    tmpdir(dir, sizeof dir);
    const char *wls[] = {"cycle-pairs", "finalizer-cycles", "interned-values", "binary-trees"};
    for (size_t i = 0; i < 4; i++) {
        const mb_workload_t *w = mb_find_workload(wls[i]);
        record(w, dir, small_n(w) / 8 + 4, false);
        snprintf(args, sizeof args, "trace-convert %s/%s.mbtrace %s/%s.txt", dir, wls[i], dir, wls[i]);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
        snprintf(args, sizeof args, "trace-convert %s/%s.txt %s/%s.again", dir, wls[i], dir, wls[i]);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
        snprintf(args, sizeof args, "trace-convert %s/%s.again %s/%s.txt2", dir, wls[i], dir, wls[i]);
        cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
        char p[600];
        size_t la, lb, ta, tb;
        snprintf(p, sizeof p, "%s/%s.mbtrace", dir, wls[i]);
        char *a = slurp(p, &la);
        snprintf(p, sizeof p, "%s/%s.again", dir, wls[i]);
        char *b = slurp(p, &lb);
        cr_assert(la == lb && !memcmp(a, b, la), "%s: binary round trip differs", wls[i]);
        snprintf(p, sizeof p, "%s/%s.txt", dir, wls[i]);
        char *x = slurp(p, &ta);
        snprintf(p, sizeof p, "%s/%s.txt2", dir, wls[i]);
        char *y = slurp(p, &tb);
        cr_assert(ta == tb && !memcmp(x, y, ta), "%s: text round trip differs", wls[i]);
        free(a), free(b), free(x), free(y);
    }
}

/* A trace written by hand in the text form replays under every strategy,
 * its finalizer body and string included. */
Test(traces, hand_written_text) {
    char dir[256], args[2600], out[16384];
    tmpdir(dir, sizeof dir);
    const char *text =
        "membench-trace 1\n# a pair in a cycle, one finalizer, a string\n"
        "workload hand\nn 1\nseed 0\ninterning 0\nfinalizers 1\nchecksum 77\n"
        "leaks-off 3\nleaks-on 2\nuncollectable 2\nops 1\n"
        "main\npush 3\nlist 0 2\nlist 1 2\nstore 0 0 1\nstore 1 0 0\nsetfin 0 0\n"
        "str 2 \"he said \\\"hi\\\"\"\nstore 1 1 2\nload 2 0 0\nis 2 1 1\nlen 2 2\n"
        "none 2\nnone 0\nnone 1\npop\nend\nfin 0\nlen 0 2\nend\n";
    char p[600], q[600];
    snprintf(p, sizeof p, "%s/hand.txt", dir);
    snprintf(q, sizeof q, "%s/hand.mbtrace", dir);
    spit(p, text, strlen(text));
    snprintf(args, sizeof args, "trace-convert %s %s", p, q);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    snprintf(args, sizeof args, "run -w trace:%s -s all -i both -r 1 -f csv", q);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s: %s", args, out);
    cr_assert_null(strstr(out, ",true,"), "an error row: %s", out);
}

/* Each bad trace: exit 2, the offset and the problem named, no case run. */
static void bad(const char *dir, const char *name, const void *b, size_t n, const char *want) {
    char p[600], args[1200], out[8192];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    spit(p, b, n);
    snprintf(args, sizeof args, "run -w trace:%s -s rc -i off -r 1 -f csv", p);
    int st = run_cli(args, out, sizeof out);
    cr_assert_eq(st, 2, "%s: exit %d: %s", name, st, out);
    cr_assert_not_null(strstr(out, want), "%s: wanted '%s' in: %s", name, want, out);
    cr_assert_not_null(strstr(out, "offset "), "%s: no offset in: %s", name, out);
    cr_assert_null(strstr(out, "real_time"), "%s: something ran: %s", name, out);
}

Test(traces, bad_input) {
    char dir[256], p[600];
    tmpdir(dir, sizeof dir);
    const mb_workload_t *w = mb_find_workload("cycle-pairs");
    record(w, dir, 100, false);
    snprintf(p, sizeof p, "%s/cycle-pairs.mbtrace", dir);
    size_t n;
    char *good = slurp(p, &n), *b = malloc(n + 16);
    bad(dir, "truncated", good, n / 2, "truncated");
    bad(dir, "empty", good, 0, "offset 0: not a membench trace");
    memcpy(b, good, n);
    b[4] = 2;
    bad(dir, "version", b, n, "offset 4: format version 2");
    memcpy(b, good, n);
    b[n - 9] ^= 1;                      /* the trailer's operation count (one varint byte here) */
    bad(dir, "trailer", b, n, "the trailer says");
    memcpy(b, good, n);
    b[n - 1] ^= 0x40;                   /* the trailer's checksum */
    bad(dir, "checksum", b, n, "checksum");
    memcpy(b, good, n);
    memcpy(b + n, "xx", 2);
    bad(dir, "trailing", b, n + 2, "bytes after the trailer");
    free(good);
    free(b);

    /* Operations the validator refuses, written as text then as bytes with a valid trailer. */
    static const char *const ops[][2] = {
        {"push 2\nnone 5\npop\n", "variable 5, which does not exist (the frame has 2)"},
        {"none 0\n", "with no frame pushed"},
        {"pop\n", "pop with no frame pushed"},
        {"push 1\ngset 99 0\npop\n", "global 99, which does not exist"},
        {"push 2\nint 0 5\nstore 0 0 1\npop\n", "not a list"},
        {"push 2\nlist 0 2\nstore 0 7 1\npop\n", "slot 7 of a list of 2 slots"},
        {"push 1\nsetfin 0 3\npop\n", "finalizer body 3, which does not exist"},
        {"push 1\n", "still pushed"},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        char text[1024], err[1024];
        snprintf(text, sizeof text,
                 "membench-trace 1\nworkload x\nn 1\nseed 0\ninterning 0\nfinalizers 0\nchecksum 0\n"
                 "leaks-off 0\nleaks-on 0\nuncollectable 0\nops 1\nmain\n%send\n", ops[i][0]);
        /* The converter refuses it, naming the problem. */
        char *buf;
        size_t len;
        FILE *m = open_memstream(&buf, &len);
        cr_assert_eq(mb_trace_text2bin(text, strlen(text), m, err, sizeof err), -1, "%s converted", ops[i][0]);
        fclose(m);
        free(buf);
        cr_assert_not_null(strstr(err, ops[i][1]), "text %s: wanted '%s', got '%s'", ops[i][0], ops[i][1], err);
        cr_assert_not_null(strstr(err, "offset "), "%s", err);
    }
}

/* A trace's workload name holds its path's slashes. Its results read back
 * like any others, with the trace file gone (reading results never loads a
 * workload): report's verdicts, the CSV columns and the Markdown report name
 * the workload trace:PATH. A path too long for a results entry's name exits 2. */
Test(traces, results_of_a_trace_in_a_directory) {
    static char out[1 << 17];
    char dir[64], sub[128], args[1024], cmd[1024], want[512];
    tmpdir(dir, sizeof dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    record(mb_find_workload("cycle-pairs"), sub, test_size(200, 20), false);
    snprintf(args, sizeof args, "run -w trace:%s/cycle-pairs.mbtrace -s rc,mark-sweep -i off -r 4 -f json -o %s/r.json",
             sub, dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "%s/cycle-pairs.mbtrace", sub);
    cr_assert_eq(remove(args), 0);
    snprintf(args, sizeof args, "report %s/r.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "report needs no trace file: %s", out);
    snprintf(want, sizeof want, "trace:%s/cycle-pairs.mbtrace: leaks: mark-sweep 0, rc ", sub);
    cr_assert(strstr(out, want), "verdicts per trace workload: %s", out);
    snprintf(args, sizeof args, "report -f csv %s/r.json", dir);
    cr_assert_eq(run_cli(args, out, sizeof out), 0, "%s", out);
    snprintf(want, sizeof want, "\ntrace:%s/cycle-pairs.mbtrace/rc/interning:off,trace:%s/cycle-pairs.mbtrace,rc,off,", sub, sub);
    cr_assert(strstr(out, want), "CSV columns from the name: %s", out);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/scripts/mb-plotdata report %s/r.json --pictures %s/pics --out %s/report.md 2>&1",
             MB_SOURCE_DIR, dir, dir, dir);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    cr_assert_eq(pclose(p), 0, "%s", out);
    cr_assert_null(strstr(out, "skipped entry"), "%s", out);
    snprintf(args, sizeof args, "%s/report.md", dir);
    size_t len;
    char *md = slurp(args, &len);
    snprintf(want, sizeof want, "| trace:%s/cycle-pairs.mbtrace | mark-sweep |", sub);
    cr_assert(strstr(md, want), "%s", md);
    free(md);
    /* a path that makes a name past 159 characters */
    char deep[512];
    snprintf(deep, sizeof deep, "%s/%0140d", dir, 0);
    cr_assert_eq(mkdir(deep, 0755), 0);
    record(mb_find_workload("cycle-pairs"), deep, 20, false);
    snprintf(args, sizeof args, "run -w trace:%s/cycle-pairs.mbtrace -s rc -i off -r 1", deep);
    cr_assert_eq(run_cli(args, out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "would pass 159 characters: give the trace a shorter path"), "%s", out);
}
