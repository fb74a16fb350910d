/* test_history.c: the results history (SQLite, docs/history.md): two commits make a two-point history,
 * a deliberate slowdown is a change point at the right commit, concurrent appends all land, a corrupt
 * or foreign database is refused and left untouched, an interrupted run appends nothing, and the
 * dashboard renders in headless Chromium without errors or broken pictures. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/helpers.h"

static char out[1 << 18];

static const char *bin(void) {
    const char *b = getenv("MEMBENCH");
    return b ? b : "build/membench";
}

/* A shell command's status; stdout and stderr into buf (if not NULL). */
static int sh(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int sh(char *buf, size_t n, const char *fmt, ...) {
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[8300];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p, "popen %s", cmd);
    char sink[4096];
    size_t k = 0, got;
    while ((got = fread(buf ? buf + k : sink, 1, buf ? n - 1 - k : sizeof sink, p)) > 0)
        if (buf) k += got;
    if (buf) buf[k] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A copy of results file src as dst, its context saying commit and date (as CI artifacts of two commits would). */
static void as_commit(const char *src, const char *dst, const char *commit, const char *date) {
    json_error_t je;
    json_t *doc = json_load_file(src, 0, &je);
    cr_assert_not_null(doc, "%s: %s", src, je.text);
    json_t *ctx = json_object_get(doc, "context");
    json_object_set_new(ctx, "git_commit", json_string(commit));
    json_object_set_new(ctx, "date", json_string(date));
    cr_assert_eq(json_dump_file(doc, dst, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)), 0, "%s", dst);
    json_decref(doc);
}

/* A quick run into path (extra: environment and options). */
static void quick_run(const char *path, const char *env, const char *args) {
    int st = sh(out, sizeof out, "%s %s run -w cycle-pairs -i off --scale quick %s -f json -o %s", env, bin(), args, path);
    cr_assert_eq(st, 0, "run %s: %s", args, out);
}

static json_t *history_json(const char *db, const char *more) {
    int st = sh(out, sizeof out, "%s history --db %s -f json %s 2>/dev/null", bin(), db, more);
    cr_assert(st == 0 || st == 1, "history exits %d: %s", st, out);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    cr_assert_not_null(doc, "history -f json is JSON: %s: %s", je.text, out);
    return doc;
}

static size_t file_bytes(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    size_t k = fread(buf, 1, n, f);
    fclose(f);
    return k;
}

/* Two results files of two commits: a two-point history per benchmark, shown by every format; importing the
 * same file again is detected by its content hash and skipped. */
Test(history, two_commits_two_points) {
    char dir[256], a[300], b[300], db[300];
    test_tmpdir_ab(dir, sizeof dir, a, sizeof a, b, sizeof b);
    snprintf(db, sizeof db, "%s/h.sqlite", dir);
    quick_run(a, "", "-s rc,mark-sweep -r 3");
    as_commit(a, b, "c2c2c2c", "2031-01-01T00:00:00+00:00");
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s %s", bin(), db, a, b), 0, "%s", out);
    cr_assert(strstr(out, "as run 1") && strstr(out, "as run 2"), "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), db, b), 0, "%s", out);
    cr_assert(strstr(out, "already in") && strstr(out, "skipped"), "the same file twice is skipped: %s", out);

    json_t *doc = history_json(db, "");
    json_t *commits = json_object_get(doc, "commits"), *bs = json_object_get(doc, "benchmarks");
    cr_assert_eq(json_array_size(commits), 2, "two commits (the duplicate is not a run)");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(commits, 1), "commit")), "c2c2c2c");
    cr_assert_eq(json_array_size(bs), 2, "two names");
    for (size_t i = 0; i < 2; i++) {
        json_t *pts = json_object_get(json_array_get(bs, i), "points");
        cr_assert_eq(json_array_size(pts), 2, "a point per commit");
        cr_assert_eq(json_integer_value(json_object_get(json_array_get(pts, 1), "samples")), 3);
        /* the same file under another commit: the same median, exactly */
        cr_assert(json_equal(json_object_get(json_array_get(pts, 0), "median"),
                             json_object_get(json_array_get(pts, 1), "median")));
    }
    json_decref(doc);
    /* counters exactly: the checksum's median is the file's checksum, an integer */
    doc = history_json(db, "--metric checksum --filter rc/");
    json_t *m = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(doc, "benchmarks"), 0),
                                                               "points"), 0), "median");
    cr_assert(json_is_integer(m), "an integer counter stays an integer");
    json_t *file = json_load_file(a, 0, NULL);
    json_t *row = json_array_get(json_object_get(file, "benchmarks"), 0);
    cr_assert_eq(json_integer_value(m), json_integer_value(json_object_get(row, "checksum")));
    json_decref(file);
    json_decref(doc);

    cr_assert_eq(sh(out, sizeof out, "%s history --db %s", bin(), db), 0, "%s", out);
    cr_assert(strstr(out, "cycle-pairs/rc/interning:off") && strstr(out, "c2c2c2c"), "console: %s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history show --db %s -f markdown", bin(), db), 0, "%s", out);
    cr_assert(strstr(out, "| commit |") && strstr(out, "| c2c2c2c |"), "markdown: %s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history --db %s -f csv --metric leaked_objects", bin(), db), 0, "%s", out);
    cr_assert(strstr(out, "name,commit,date,runs,samples,median,") && strstr(out, "cycle-pairs/rc/interning:off,c2c2c2c,"),
              "csv: %s", out);
    cr_assert(strstr(out, ",3,40000,0,"), "rc leaks 40000 objects at quick scale, as an integer: %s", out);
    /* a run that writes JSON and appends it: importing its file after is the same content (the store never
     * changes what the results say) */
    char c[300];
    snprintf(c, sizeof c, "%s/c.json", dir);
    cr_assert_eq(sh(out, sizeof out, "%s run -w cycle-pairs -i off --scale quick -s rc -r 3 -f json -o %s --history %s",
                    bin(), c, db), 0, "%s", out);
    cr_assert(strstr(out, "history: appended run 3"), "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), db, c), 0, "%s", out);
    cr_assert(strstr(out, "already in"), "the run's file is what it appended: %s", out);
    cr_assert_eq(sh(out, sizeof out, "%s run -w cycle-pairs -i off --scale quick -s rc -r 3 -f json -o %s --history %s "
                    "--no-history", bin(), c, db), 0, "%s", out);
    cr_assert(!strstr(out, "history: appended"), "--no-history: %s", out);
}

/* The rows of query sql in databases a and b, in lockstep: the same number of rows, and each value of the same
 * type and exactly equal (a REAL to the bit). Returns how many rows. */
static size_t same_rows(sqlite3 *a, sqlite3 *b, const char *sql) {
    sqlite3_stmt *sa, *sb;
    cr_assert_eq(sqlite3_prepare_v2(a, sql, -1, &sa, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(a));
    cr_assert_eq(sqlite3_prepare_v2(b, sql, -1, &sb, NULL), SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(b));
    size_t n = 0;
    for (;; n++) {
        int ra = sqlite3_step(sa), rb = sqlite3_step(sb);
        cr_assert_eq(ra, rb, "%s: row %zu is in one database only (run: %d, import: %d)", sql, n, ra, rb);
        if (ra != SQLITE_ROW) break;
        for (int c = 0; c < sqlite3_column_count(sa); c++) {
            const char *col = sqlite3_column_name(sa, c);
            int ta = sqlite3_column_type(sa, c), tb = sqlite3_column_type(sb, c);
            cr_assert_eq(ta, tb, "%s: row %zu %s: type %d from the run, %d from the import", sql, n, col, ta, tb);
            if (ta == SQLITE_INTEGER) {
                cr_assert_eq(sqlite3_column_int64(sa, c), sqlite3_column_int64(sb, c), "%s: row %zu %s: %lld vs %lld",
                             sql, n, col, sqlite3_column_int64(sa, c), sqlite3_column_int64(sb, c));
            } else if (ta == SQLITE_FLOAT) {
                double x = sqlite3_column_double(sa, c), y = sqlite3_column_double(sb, c);
                cr_assert(!memcmp(&x, &y, sizeof x), "%s: row %zu %s: %.17g vs %.17g", sql, n, col, x, y);
            } else if (ta != SQLITE_NULL) {
                int la = sqlite3_column_bytes(sa, c), lb = sqlite3_column_bytes(sb, c);
                cr_assert(la == lb && !memcmp(sqlite3_column_blob(sa, c), sqlite3_column_blob(sb, c), (size_t)la),
                          "%s: row %zu %s: %s vs %s", sql, n, col, sqlite3_column_text(sa, c), sqlite3_column_text(sb, c));
            }
        }
    }
    sqlite3_finalize(sa);
    sqlite3_finalize(sb);
    return n;
}

/* run --history stores its rows from the suite in memory, not from its file read back: what it stores is exactly
 * what importing its -o file into a new database stores, every table and value (ids, types, bits of every REAL),
 * but for the run's imported_at (the clock) and its source (run:FILE against FILE). The run covers repetitions
 * and aggregates, leak and crash errors, labels and counters in the extra table (jemalloc's, rc's). */
Test(history, run_stores_what_its_file_imports) {
    char dir[256], da[300], db[300], c[300];
    tmpdir(dir, sizeof dir);
    snprintf(da, sizeof da, "%s/run.sqlite", dir);
    snprintf(db, sizeof db, "%s/import.sqlite", dir);
    snprintf(c, sizeof c, "%s/c.json", dir);
    /* jemalloc's counters join the extra table, but not in the sanitizer build: ASan must be the only malloc */
    const char *alloc = getenv("MB_TEST_NO_JEMALLOC") ? "libc" : "jemalloc";
    int st = sh(out, sizeof out, "MB_TEST_LEAK=rc MB_TEST_CRASH=cycle-pairs/mark-sweep %s run -w cycle-pairs -i off "
                "--scale quick -s rc,mark-sweep,none -r 3 --allocator %s -f json -o %s --history %s", bin(), alloc, c,
                da);
    cr_assert_eq(st, 1, "the run fails its checks (leak, crash) and still appends: %s", out);
    cr_assert(strstr(out, "history: appended run 1 (13 entries)"), "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), db, c), 0, "%s", out);
    sqlite3 *a, *b;
    cr_assert_eq(sqlite3_open_v2(da, &a, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", da);
    cr_assert_eq(sqlite3_open_v2(db, &b, SQLITE_OPEN_READONLY, NULL), SQLITE_OK, "%s", db);
    /* every table is compared: a new one must join the list below */
    cr_assert_eq(same_rows(a, b, "SELECT name, sql FROM sqlite_master ORDER BY name"), 8, "the schema");
    cr_assert_eq(same_rows(a, b, "SELECT group_concat(name) FROM (SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "ORDER BY name) HAVING group_concat(name) = 'extra,names,runs,samples'"), 1,
                 "the tables are extra, names, runs and samples");
    cr_assert_eq(same_rows(a, b, "SELECT id, hash, git_commit, date, epoch, host, options, incomplete, context FROM runs "
                                 "ORDER BY id"), 1);
    cr_assert_eq(same_rows(a, b, "SELECT * FROM names ORDER BY id"), 3);
    cr_assert_eq(same_rows(a, b, "SELECT * FROM samples ORDER BY id"), 13);
    cr_assert_gt(same_rows(a, b, "SELECT * FROM extra ORDER BY sample, key"), 0);
    for (int k = 0; k < 2; k++) {       /* the source: run:FILE from the run, FILE from the import */
        char q[400];
        snprintf(q, sizeof q, "SELECT 1 FROM runs WHERE source = '%s%s'", k ? "" : "run:", c);
        sqlite3_stmt *s;
        cr_assert_eq(sqlite3_prepare_v2(k ? b : a, q, -1, &s, NULL), SQLITE_OK, "%s", q);
        cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s", q);
        sqlite3_finalize(s);
    }
    sqlite3_close(a);
    sqlite3_close(b);
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), da, c), 0, "%s", out);
    cr_assert(strstr(out, "already in"), "the same content hash: %s", out);
}

/* MB_TEST_SLOW=rc between two commits, 3 runs of -r 5 a commit: the change point is at the slow commit and
 * only there; mark-sweep has none. */
Test(history, slowdown_is_a_change_point_at_its_commit, .timeout = 600) {
#ifdef MB_SANITIZE
    cr_skip_test("sanitizer builds time the instrumentation, not the strategy: the added work is lost in it");
#endif
    if (getenv("MB_TEST_SMALL")) cr_skip_test("stress builds collect at every allocation: the added work is lost in it");
    /* (the commits' runs interleaved would be fairer to noise; sequential is what CI artifacts give) */
    char dir[256], db[300], f[300], g[300];
    tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/h.sqlite", dir);
    static const char *commits[3] = {"aaaa111", "bbbb222", "cccc333"};
    for (int c = 0; c < 3; c++)
        for (int r = 0; r < 3; r++) {
            snprintf(f, sizeof f, "%s/raw-%d-%d.json", dir, c, r);
            snprintf(g, sizeof g, "%s/%s-%d.json", dir, commits[c], r);
            quick_run(f, c == 2 ? "MB_TEST_SLOW=rc" : "", "-s rc,mark-sweep -r 5");
            char date[64];
            snprintf(date, sizeof date, "2031-01-0%dT0%d:00:00+00:00", c + 1, r);
            as_commit(f, g, commits[c], date);
            cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), db, g), 0, "%s", out);
        }
    /* CPU time and a 25% threshold: the slowdown is several times that, and other processes on a shared
     * machine stretch wall time far more than CPU time */
    json_t *doc = history_json(db, "--metric cpu_time --threshold 25");
    json_t *bs = json_object_get(doc, "benchmarks");
    cr_assert_eq(json_array_size(bs), 2);
    /* rc's shift at cccc333, and mark-sweep's there (0 if none): the slowed strategy's must be found,
     * and be larger than the other's (load on a shared machine moves both, the slowdown only rc) */
    double rc_shift = -1, ms_shift = 0;
    for (size_t i = 0; i < 2; i++) {
        json_t *b = json_array_get(bs, i);
        const char *name = json_string_value(json_object_get(b, "name"));
        json_t *cps = json_object_get(b, "change_points");
        cr_assert_eq(json_array_size(json_object_get(b, "points")), 3, "%s: three commits", name);
        cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(b, "points"), 2), "runs")), 3);
        for (size_t k = 0; k < json_array_size(cps); k++) {
            json_t *cp = json_array_get(cps, k);
            if (strcmp(json_string_value(json_object_get(cp, "commit")), "cccc333")) continue;
            double pct = json_real_value(json_object_get(cp, "change_percent"));
            if (strstr(name, "/rc/")) {
                cr_assert_str_eq(json_string_value(json_object_get(cp, "previous_commit")), "bbbb222");
                cr_assert_lt(json_real_value(json_object_get(cp, "p")), 0.05);
                rc_shift = pct;
            } else ms_shift = pct;
        }
    }
    cr_assert_gt(rc_shift, 25, "rc's slowdown is a change point at cccc333: %s", json_dumps(doc, 0));
    cr_assert_gt(rc_shift, ms_shift, "the slowed strategy shifts more than the other: %s", json_dumps(doc, 0));
    json_decref(doc);
    cr_assert_eq(sh(out, sizeof out, "%s history --db %s --filter /rc/ --metric cpu_time --threshold 25", bin(), db), 0, "%s", out);
    const char *line = strstr(out, "cccc333");
    cr_assert(line && strstr(line, "<< +"), "the console marks the change point: %s", out);
}

/* Eight imports and two runs appending at once, into a database none of them found: every one lands. */
Test(history, concurrent_appends_all_land, .timeout = 300) {
    char dir[256], db[300], a[300], f[300];
    tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/h.sqlite", dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    quick_run(a, "", "-s rc -r 3");
    char cmd[8192] = "";
    size_t k = 0;
    for (int i = 0; i < 8; i++) {
        char commit[32];
        snprintf(commit, sizeof commit, "par%04d", i);
        snprintf(f, sizeof f, "%s/%s.json", dir, commit);
        as_commit(a, f, commit, "2031-02-01T00:00:00+00:00");
        k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s history import --db %s %s & pids=\"$pids $!\"; ", bin(), db, f);
    }
    for (int i = 0; i < 2; i++)
        k += (size_t)snprintf(cmd + k, sizeof cmd - k, "%s run -w cycle-pairs -s mark-sweep -i off --scale quick -r 3 "
                              "--history %s >/dev/null & pids=\"$pids $!\"; ", bin(), db);
    snprintf(cmd + k, sizeof cmd - k, "fail=0; for j in $pids; do wait $j || fail=1; done; exit $fail");
    cr_assert_eq(sh(out, sizeof out, "%s", cmd), 0, "every append succeeds: %s", out);
    json_t *doc = history_json(db, "");
    json_t *commits = json_object_get(doc, "commits");
    size_t runs = 0;
    for (size_t i = 0; i < json_array_size(commits); i++)
        runs += (size_t)json_integer_value(json_object_get(json_array_get(commits, i), "runs"));
    cr_assert_eq(runs, 10, "8 imports and 2 runs: %s", out);
    json_decref(doc);
}

/* A database that is not one (text, a garbled history, another program's SQLite file): exit 2 naming it, and
 * the file is byte for byte what it was, whatever the command. */
Test(history, corrupt_or_foreign_database_refused_untouched) {
    char dir[256], a[300], paths[3][300];
    tmpdir(dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    quick_run(a, "", "-s rc -r 3");
    for (int i = 0; i < 3; i++) snprintf(paths[i], sizeof paths[i], "%s/db%d.sqlite", dir, i);
    FILE *t = fopen(paths[0], "w");
    fputs("these are not the results you are looking for\n", t);
    fclose(t);
    /* a real history, its pages after the first overwritten */
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), paths[1], a), 0, "%s", out);
    struct stat sb;
    cr_assert_eq(stat(paths[1], &sb), 0);
    cr_assert_gt(sb.st_size, 8192, "a database of several pages");
    t = fopen(paths[1], "r+b");
    fseek(t, 4096, SEEK_SET);
    for (off_t i = 4096; i < sb.st_size; i++) fputc(0xa5, t);
    fclose(t);
    sqlite3 *s;
    cr_assert_eq(sqlite3_open(paths[2], &s), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(s, "CREATE TABLE accounts (id INTEGER, balance REAL); INSERT INTO accounts VALUES (1, 2.5)",
                              NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);
    static char before[1 << 20], after[1 << 20];
    for (int i = 0; i < 3; i++) {
        size_t nb = file_bytes(paths[i], before, sizeof before);
        const char *cmds[3] = {"history --db %s", "history import --db %s %s",
                               "run -w cycle-pairs -s rc -i off --scale quick -r 1 --history %s -o /dev/null %s"};
        for (int c = 0; c < 3; c++) {
            char args[1024];
            snprintf(args, sizeof args, cmds[c], paths[i], c ? (c == 2 ? "" : a) : "");
            int st = run_cli(args, out, sizeof out);
            cr_assert_eq(st, 2, "'%s' exits 2: %s", args, out);
            cr_assert(strstr(out, paths[i]), "'%s' names the file: %s", args, out);
            cr_assert(strstr(out, "untouched") || strstr(out, "malformed") || strstr(out, "not a database"),
                      "'%s' says what is wrong: %s", args, out);
            size_t na = file_bytes(paths[i], after, sizeof after);
            cr_assert(na == nb && !memcmp(before, after, nb), "'%s' leaves %s as it was", args, paths[i]);
        }
    }
}

/* history import of a file that is not results: exit 2 naming it, nothing appended; an unknown action and a
 * missing database are errors too. */
Test(history, import_of_non_results_refused) {
    char dir[256], db[300], a[300], txt[300];
    tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/h.sqlite", dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(txt, sizeof txt, "%s/notes.txt", dir);
    FILE *t = fopen(txt, "w");
    fputs("hello\n", t);
    fclose(t);
    const char *bad[3] = {txt, "tests/data/malformed-no-benchmarks.json", "tests/data/hyperfine-sample.json"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s", bin(), db, bad[i]), 2, "%s: %s", bad[i], out);
        cr_assert(strstr(out, bad[i]), "names %s: %s", bad[i], out);
    }
    json_t *doc = history_json(db, "");
    cr_assert_eq(json_array_size(json_object_get(doc, "commits")), 0, "nothing appended");
    json_decref(doc);
    /* Google Benchmark's own output and an imported hyperfine file are results */
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s tests/data/gbench-real.json", bin(), db), 0, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s import-hyperfine tests/data/hyperfine-sample.json -o %s && %s history import "
                    "--db %s %s", bin(), a, bin(), db, a), 0, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history frobnicate --db %s", bin(), db), 2, "%s", out);
    cr_assert(strstr(out, "unknown action 'frobnicate'"), "%s", out);
    cr_assert_eq(sh(out, sizeof out, "%s history --db %s/none.sqlite", bin(), dir), 2, "%s", out);
    cr_assert(strstr(out, "no such history database"), "%s", out);
}

/* A run interrupted by SIGINT writes its partial results but appends nothing. */
Test(history, interrupted_run_appends_nothing) {
    char dir[256], db[300], a[300];
    tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/h.sqlite", dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    int st = sh(out, sizeof out, "timeout --preserve-status -s INT 1.5 %s run -w cycle-pairs -s rc -i off --scale default -r 1000 "
                "-f json -o %s --history %s", bin(), a, db);
    cr_assert_eq(st, 130, "interrupted: %s", out);
    cr_assert(access(a, F_OK) == 0, "the partial results are written");
    cr_assert(!strstr(out, "history: appended"), "%s", out);
    json_t *doc = history_json(db, "");
    cr_assert_eq(json_array_size(json_object_get(doc, "commits")), 0, "nothing appended");
    json_decref(doc);
}

/* The first bytes of a PNG: its width and height from IHDR, or 0. */
static void png_size(const char *path, unsigned *w, unsigned *h) {
    unsigned char b[24] = {0};
    FILE *f = fopen(path, "rb");
    *w = *h = 0;
    if (!f) return;
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n < 24 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) || memcmp(b + 12, "IHDR", 4)) return;
    *w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
    *h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
}

/* The dashboard in headless Chromium at 1400x1000: the charting library is beside the page (vendored, nothing
 * from the network), the change points come before the trends and the trends before the results table, every
 * workload's chart was drawn and no element is wider than the window (the page's own checks, data-charts and
 * data-overflow, read from the DOM Chromium dumps), the console has no message at all (Chromium logs console
 * messages and uncaught exceptions on stderr as CONSOLE), and the screenshot is not blank (many colours,
 * decoded with python3's zlib). */
Test(history, dashboard_renders_in_chromium, .timeout = 300) {
    if (sh(NULL, 0, "command -v chromium") != 0) cr_skip("chromium is not installed (make dashboard installs it)");
    char dir[256], db[300], a[300], b[300], dash[300];
    tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/h.sqlite", dir);
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.json", dir);
    snprintf(dash, sizeof dash, "%s/dashboard", dir);
    quick_run(a, "", "-s rc,mark-sweep -r 3");
    as_commit(a, b, "d2d2d2d", "2031-03-01T00:00:00+00:00");
    cr_assert_eq(sh(out, sizeof out, "%s history import --db %s %s %s", bin(), db, a, b), 0, "%s", out);
    cr_assert_eq(sh(out, sizeof out, "/usr/bin/python3 %s/scripts/mb-dashboard --membench %s --db %s --results %s --out %s",
                    MB_SOURCE_DIR, bin(), db, b, dash), 0, "%s", out);
    char index[400], lib[400];
    snprintf(index, sizeof index, "%s/index.html", dash);
    snprintf(lib, sizeof lib, "%s/vendor/uPlot.iife.min.js", dash);
    cr_assert_eq(access(lib, R_OK), 0, "the charting library is copied beside the page");
    static char page[1 << 18];
    size_t n = file_bytes(index, page, sizeof page - 1);
    page[n] = '\0';
    cr_assert(!strstr(page, "http://") && !strstr(page, "https://"), "nothing from the network");
    const char *cps = strstr(page, "<h2>Change points"), *trends = strstr(page, "<h2>Trends"), *table = strstr(page, "<details>");
    cr_assert(cps && trends && table && cps < trends && trends < table, "change points, trends, then the results");
    cr_assert(strstr(table, "<table class=\"sortable") && strstr(table, "cycle-pairs/rc/interning:off"), "the latest results");
    char log[400], shot[400];
    snprintf(log, sizeof log, "%s/chromium.log", dir);
    snprintf(shot, sizeof shot, "%s/shot.png", dir);
    const char *flags = "--headless --disable-gpu --no-sandbox --enable-logging=stderr --v=0 --virtual-time-budget=5000 "
                        "--window-size=1400,1000 --user-data-dir";
    int st = sh(out, sizeof out, "cd %s && timeout 120 chromium %s=%s/profile --dump-dom file://%s 2>%s", dir, flags, dir,
                index, log);
    cr_assert_eq(st, 0, "chromium --dump-dom: %s", out);
    cr_assert(strstr(out, "data-charts=\"ok 1\""), "the chart of cycle-pairs was drawn: %.3000s", out);
    cr_assert(strstr(out, "data-overflow=\"none\""), "nothing wider than 1400 px: %.3000s", strstr(out, "<body"));
    static char logtext[1 << 18];
    n = file_bytes(log, logtext, sizeof logtext - 1);
    logtext[n] = '\0';
    cr_assert(!strstr(logtext, ":CONSOLE"), "no console message: %s", logtext);
    st = sh(out, sizeof out, "cd %s && timeout 120 chromium %s=%s/profile2 --screenshot=%s file://%s 2>/dev/null", dir,
            flags, dir, shot, index);
    cr_assert_eq(st, 0, "chromium --screenshot: %s", out);
    unsigned w, h;
    png_size(shot, &w, &h);
    cr_assert(w == 1400 && h == 1000, "the screenshot is 1400x1000, not %ux%u", w, h);
    st = sh(out, sizeof out, "/usr/bin/python3 %s/tests/png_colours.py %s", MB_SOURCE_DIR, shot);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_gt(atoi(out), 16, "the screenshot is not blank: %s distinct colours", out);
}
