/* test_layers.c: the folder layers (docs/design.md section 1) and the size limits, checked on the sources. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/helpers.h"

/* The layers, lowest first; a file may include its own folder's headers or a
 * lower layer's. Folders of one rank are peers: neither includes the other. */
static const struct { const char *dir; int rank; } layers[] = {
    {"include/membench", 0}, {"runtime", 1}, {"strategies", 2}, {"workloads", 2}, {"harness/base", 3},
    {"harness/stats", 4}, {"harness/plugin", 5}, {"harness/trace", 6}, {"harness/run", 7},
    {"harness/report", 8}, {"harness/results", 9}, {"harness/check", 10}, {"harness/cli", 11},
};
enum { NLAYERS = sizeof layers / sizeof *layers };

/* The rank of the folder of path (relative to the root), or -1 for a folder not in the order. */
static int rank_of(const char *path) {
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;
    for (size_t i = 0; i < NLAYERS; i++)
        if (strlen(layers[i].dir) == len && !strncmp(layers[i].dir, path, len)) return layers[i].rank;
    return -1;
}

static bool same_dir(const char *a, const char *b) {
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    return sa && sb && sa - a == sb - b && !strncmp(a, b, (size_t)(sa - a));
}

/* Every .c and .h of the layered folders under root, relative paths, into a NULL-terminated array. */
static char **source_files(const char *root, size_t *count) {
    size_t n = 0, cap = 256;
    char **v = malloc(cap * sizeof *v);
    cr_assert_not_null(v);
    for (size_t i = 0; i < NLAYERS; i++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/%s", root, layers[i].dir);
        DIR *d = opendir(dir);
        if (!d) continue;
        for (struct dirent *e; (e = readdir(d));) {
            size_t l = strlen(e->d_name);
            if (l < 3 || e->d_name[l - 2] != '.' || (e->d_name[l - 1] != 'c' && e->d_name[l - 1] != 'h')) continue;
            if (n + 1 >= cap) cr_assert_not_null(v = realloc(v, (cap *= 2) * sizeof *v));
            cr_assert(asprintf(&v[n++], "%s/%s", layers[i].dir, e->d_name) > 0);
        }
        closedir(d);
    }
    v[n] = NULL;
    *count = n;
    return v;
}

static void free_files(char **v) {
    for (size_t i = 0; v[i]; i++) free(v[i]);
    free(v);
}

static FILE *open_source(const char *root, const char *rel) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    return f;
}

/* The header a line includes with quotes, as a path from the root (a bare
 * name is in the including file's folder), into hdr; false for other lines. */
static bool quoted_include(const char *line, const char *file, char *hdr, size_t n) {
    const char *p = line + strspn(line, " \t");
    if (*p != '#') return false;
    p += 1 + strspn(p + 1, " \t");
    if (strncmp(p, "include", 7)) return false;
    p += 7 + strspn(p + 7, " \t");
    if (*p != '"') return false;
    const char *end = strchr(p + 1, '"');
    if (!end) return false;
    int len = (int)(end - p - 1);
    const char *slash = strrchr(file, '/');
    if (memchr(p + 1, '/', (size_t)len)) snprintf(hdr, n, "%.*s", len, p + 1);
    else snprintf(hdr, n, "%.*s/%.*s", (int)(slash - file), file, len, p + 1);
    return true;
}

/* Every include of a file in root that goes up the order or across peers,
 * one line each ("file:line -> header"), into out; returns their count. */
static size_t layer_violations(const char *root, FILE *out) {
    size_t nfiles, bad = 0;
    char **files = source_files(root, &nfiles);
    for (size_t i = 0; i < nfiles; i++) {
        FILE *f = open_source(root, files[i]);
        char line[4096], hdr[1024];
        int own = rank_of(files[i]);
        for (unsigned ln = 1; fgets(line, sizeof line, f); ln++) {
            if (!quoted_include(line, files[i], hdr, sizeof hdr)) continue;
            int r = rank_of(hdr);
            if (r >= 0 && (r < own || (r == own && same_dir(hdr, files[i])))) continue;
            fprintf(out, "%s:%u -> %s%s\n", files[i], ln, hdr, r < 0 ? " (a folder outside the order)" : "");
            bad++;
        }
        fclose(f);
    }
    free_files(files);
    return bad;
}

/* Include cycles among the headers of root: a depth-first walk of the
 * include graph; each cycle found is written as "a.h -> b.h -> a.h". */
typedef struct graph {
    char **files;                       /* the sources, relative paths */
    size_t n;                           /* how many */
    int *color;                         /* 0 unvisited, 1 on the walk's path, 2 done */
    size_t *path;                       /* the walk's path, as file indexes */
    const char *root;                   /* where the sources are */
} graph_t;

static size_t file_index(const graph_t *g, const char *rel) {
    for (size_t i = 0; i < g->n; i++)
        if (!strcmp(g->files[i], rel)) return i;
    return SIZE_MAX;
}

static size_t walk(graph_t *g, size_t at, size_t depth, FILE *out) {
    size_t cycles = 0;
    g->color[at] = 1;
    g->path[depth] = at;
    FILE *f = open_source(g->root, g->files[at]);
    char line[4096], hdr[1024];
    while (fgets(line, sizeof line, f)) {
        size_t to = quoted_include(line, g->files[at], hdr, sizeof hdr) ? file_index(g, hdr) : SIZE_MAX;
        if (to == SIZE_MAX) continue;
        if (g->color[to] == 1) {
            size_t from = 0;
            while (g->path[from] != to) from++;
            for (size_t k = from; k <= depth; k++) fprintf(out, "%s -> ", g->files[g->path[k]]);
            fprintf(out, "%s\n", g->files[to]);
            cycles++;
        } else if (!g->color[to])
            cycles += walk(g, to, depth + 1, out);
    }
    fclose(f);
    g->color[at] = 2;
    return cycles;
}

static size_t include_cycles(const char *root, FILE *out) {
    graph_t g = {.root = root};
    g.files = source_files(root, &g.n);
    g.color = calloc(g.n + 1, sizeof *g.color);
    g.path = calloc(g.n + 1, sizeof *g.path);
    cr_assert(g.color && g.path);
    size_t cycles = 0;
    for (size_t i = 0; i < g.n; i++)
        if (!g.color[i]) cycles += walk(&g, i, 0, out);
    free(g.color);
    free(g.path);
    free_files(g.files);
    return cycles;
}

/* A function's first line: at column 0, a name and '(' with no '=' before it
 * (a table's initialiser is exempt), not a declaration or a directive. */
static bool function_head(const char *l) {
    if (!(l[0] == '_' || (l[0] >= 'a' && l[0] <= 'z') || (l[0] >= 'A' && l[0] <= 'Z'))) return false;
    const char *paren = strchr(l, '(');
    if (!paren || !strncmp(l, "typedef", 7)) return false;
    const char *eq = strchr(l, '=');
    return !eq || eq > paren;
}

static bool ends_with(const char *l, const char *tail) {
    size_t n = strlen(l), t = strlen(tail);
    while (n && (l[n - 1] == '\n' || l[n - 1] == ' ' || l[n - 1] == '\t')) n--;
    return n >= t && !strncmp(l + n - t, tail, t);
}

enum { MAX_FUNCTION_LINES = 80, MAX_FILE_LINES = 600 };

/* Lines of a file and of each function in it (signature to closing brace);
 * offenders over the limits, one line each, into out; returns their count. */
static size_t size_offenders_in(const char *root, const char *rel, FILE *out) {
    FILE *f = open_source(root, rel);
    char **line = NULL;
    size_t n = 0, cap = 0, bad = 0;
    for (char buf[4096]; fgets(buf, sizeof buf, f);) {
        if (n == cap) cr_assert_not_null(line = realloc(line, (cap = cap ? 2 * cap : 1024) * sizeof *line));
        cr_assert_not_null(line[n++] = strdup(buf));
    }
    fclose(f);
    if (n > MAX_FILE_LINES) fprintf(out, "%s: %zu lines (at most %d)\n", rel, n, MAX_FILE_LINES), bad++;
    for (size_t i = 0; i < n; i++) {
        if (!function_head(line[i]) || ends_with(line[i], ";")) continue;
        size_t open = i;
        while (open < n && open < i + 6 && !ends_with(line[open], "{") && !ends_with(line[open], ";")) open++;
        if (open == n || !ends_with(line[open], "{") || ends_with(line[open], "= {")) continue;
        size_t close = open + 1;
        while (close < n && strcmp(line[close], "}\n") && strcmp(line[close], "}")) close++;
        size_t len = close - i + 1;
        if (len > MAX_FUNCTION_LINES)
            fprintf(out, "%s:%zu: %.*s: %zu lines (at most %d)\n", rel, i + 1, (int)strcspn(line[i], "("), line[i],
                    len, MAX_FUNCTION_LINES), bad++;
        i = close;
    }
    for (size_t i = 0; i < n; i++) free(line[i]);
    free(line);
    return bad;
}

/* Size offenders among the files of root under harness/, runtime/, strategies/. */
static size_t size_offenders(const char *root, FILE *out) {
    size_t nfiles, bad = 0;
    char **files = source_files(root, &nfiles);
    for (size_t i = 0; i < nfiles; i++)
        if (!strncmp(files[i], "harness/", 8) || !strncmp(files[i], "runtime/", 8) || !strncmp(files[i], "strategies/", 11))
            bad += size_offenders_in(root, files[i], out);
    free_files(files);
    return bad;
}

/* A checker's findings in the real tree: none, or every one named. */
static void assert_none(size_t (*check)(const char *, FILE *), const char *what) {
    char *text = NULL;
    size_t len = 0;
    FILE *ms = open_memstream(&text, &len);
    cr_assert_not_null(ms);
    size_t bad = check(MB_SOURCE_DIR, ms);
    fclose(ms);
    cr_expect_eq(bad, 0, "%zu %s:\n%s", bad, what, text);
    free(text);
}

Test(layers, no_include_goes_up_the_order) {
    assert_none(layer_violations, "includes of a higher layer or a peer (docs/design.md section 1)");
}

Test(layers, no_include_cycle) {
    assert_none(include_cycles, "include cycles");
}

Test(layers, no_function_over_80_lines_no_file_over_600) {
    assert_none(size_offenders, "functions over 80 lines or files over 600 lines");
}

/* A scratch tree for the checkers' own tests: files written under a temporary root. */
static char scratch[] = "/tmp/mb-layers-XXXXXX";

static void put(const char *rel, const char *text) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", scratch, rel);
    for (char *p = path + strlen(scratch) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(path, 0777);
        *p = '/';
    }
    test_write_file(path, text);
}

/* A function of `lines` lines (signature to closing brace). */
static char *function_text(const char *name, size_t lines) {
    char *t = NULL;
    size_t len = 0;
    FILE *ms = open_memstream(&t, &len);
    fprintf(ms, "static int %s(int x) {\n", name);
    for (size_t k = 0; k + 2 < lines; k++) fprintf(ms, "    x += %zu;\n", k);
    fprintf(ms, "}\n");
    fclose(ms);
    return t;
}

static char *checked(size_t (*check)(const char *, FILE *), size_t *bad) {
    char *text = NULL;
    size_t len = 0;
    FILE *ms = open_memstream(&text, &len);
    *bad = check(scratch, ms);
    fclose(ms);
    return text;
}

/* Seeded violations are caught and named; what is allowed is not reported. */
Test(layers, the_checkers_catch_seeded_violations) {
    cr_assert_not_null(mkdtemp(scratch));
    put("harness/stats/up.c", "/* up.c */\n#include \"harness/stats/up.h\"\n#include \"harness/report/report.h\"\n");
    put("harness/stats/up.h", "#include \"runtime/mb.h\"\n#include \"harness/base/ok.h\"\n");
    put("harness/base/ok.h", "#include <stdio.h>\n");
    put("workloads/w.c", "#include \"workloads/workload.h\"\n#include \"strategies/s.h\"\n");
    put("harness/run/a.h", "#include \"b.h\"\n");
    put("harness/run/b.h", "#include \"harness/run/a.h\"\n");
    size_t bad;
    char *text = checked(layer_violations, &bad);
    cr_expect_eq(bad, 2, "%s", text);
    cr_expect(strstr(text, "harness/stats/up.c:3 -> harness/report/report.h\n"), "%s", text);
    cr_expect(strstr(text, "workloads/w.c:2 -> strategies/s.h\n"), "%s", text);
    free(text);
    text = checked(include_cycles, &bad);
    cr_expect_eq(bad, 1, "%s", text);
    cr_expect(strstr(text, "harness/run/a.h -> harness/run/b.h -> harness/run/a.h\n") ||   /* either is where */
              strstr(text, "harness/run/b.h -> harness/run/a.h -> harness/run/b.h\n"), "%s", text);   /* the walk begins */
    free(text);

    char *long_fn = function_text("too_long", MAX_FUNCTION_LINES + 1), *ok_fn = function_text("just_fits", MAX_FUNCTION_LINES);
    char *body = NULL, rows[5 * 2 * MAX_FUNCTION_LINES + 1] = "";
    for (size_t k = 0; k < 2 * MAX_FUNCTION_LINES; k++) strcat(rows, "  1,\n");   /* a table: exempt */
    cr_assert(asprintf(&body, "/* f.c */\n%s%sstatic const int table[] = {\n%s};\n", long_fn, ok_fn, rows) > 0);
    put("harness/run/f.c", body);
    char *big = malloc((MAX_FILE_LINES + 1) * 3 + 1);
    for (size_t k = 0; k <= MAX_FILE_LINES; k++) memcpy(big + 3 * k, "//\n", 3);
    big[(MAX_FILE_LINES + 1) * 3] = '\0';
    put("runtime/big.c", big);
    text = checked(size_offenders, &bad);
    cr_expect_eq(bad, 2, "%s", text);
    cr_expect(strstr(text, "harness/run/f.c:2: static int too_long: 81 lines (at most 80)\n"), "%s", text);
    cr_expect(strstr(text, "runtime/big.c: 601 lines (at most 600)\n"), "%s", text);
    free(text);
    free(long_fn);
    free(ok_fn);
    free(body);
    free(big);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", scratch);
    cr_assert_eq(system(cmd), 0);
}
