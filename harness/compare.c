/* compare.c: the regression gate: entries matched by name, times by U test and effect size, counters exactly, a table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "report.h"
#include "utest.h"

const char mb_cmp_default_counters[] =
    "objects_allocated,objects_freed,leaked_objects,uncollectable_objects,collections,checksum,peak_live_bytes";

enum { CMP_GOOD_REPS = 9, CMP_MIN_REPS = 2 };   /* compare.py's UTEST_OPTIMAL / UTEST_MIN_REPETITIONS */

void mb_cmp_opts_default(mb_cmp_opts_t *o) {
    *o = (mb_cmp_opts_t){.alpha = 0.05, .threshold = 5, .memory_threshold = 10, .memory_floor = 256 * 1024,
                         .times = true, .memory = true,
                         .counters = true, .metric = MB_CMP_TIME, .format = MB_CMP_CONSOLE};
}

/* ------------------------------------------------------------------------ */
/* One side of an entry: the rows of one file that carry one benchmark name. */

typedef struct cmp_side {
    const mb_gb_row_t **rows;           /* its iteration rows, error rows included */
    size_t n;                           /* how many */
    size_t aggregates;                  /* aggregate rows with this run_name */
    size_t errors;                      /* error rows */
    const char *error_message;          /* the first error row's message */
} cmp_side_t;

static _Noreturn void cmp_oom(void) {
    fprintf(stderr, "membench: out of memory (compare)\n");
    exit(2);
}

/* Every entry name of both files, in file order (the baseline's first),
 * each with its rows of each file: one pass over each file through a hash
 * table of names (jansson's object), so compare is linear in rows, not
 * quadratic in entries. An aggregate row stands for its run_name. */
typedef struct cmp_index {
    const char **keys;                  /* the distinct names */
    size_t nkeys;
    cmp_side_t *sides[2];               /* per key, per file: the rows (pointing into rows[f]) */
    const mb_gb_row_t **rows[2];        /* per file: its iteration rows grouped by key */
} cmp_index_t;

static const char *row_key(const mb_gb_row_t *r) { return r->aggregate ? r->run_name : r->name; }

static void index_build(cmp_index_t *ix, const mb_gb_file_t *files[2]) {
    memset(ix, 0, sizeof *ix);
    json_t *map = json_object();
    size_t total = files[0]->n + files[1]->n, cap = total ? total : 1;
    size_t *slot[2];
    ix->keys = malloc(cap * sizeof *ix->keys);
    slot[0] = malloc((files[0]->n + 1) * sizeof *slot[0]);
    slot[1] = malloc((files[1]->n + 1) * sizeof *slot[1]);
    if (!map || !ix->keys || !slot[0] || !slot[1]) cmp_oom();
    for (int f = 0; f < 2; f++)
        for (size_t i = 0; i < files[f]->n; i++) {
            const char *k = row_key(&files[f]->rows[i]);
            json_t *v = json_object_get(map, k);
            size_t id;
            if (v) id = (size_t)json_integer_value(v);
            else {
                id = ix->nkeys++;
                ix->keys[id] = k;
                if (json_object_set_new(map, k, json_integer((json_int_t)id)) != 0) cmp_oom();
            }
            slot[f][i] = id;
        }
    json_decref(map);
    for (int f = 0; f < 2; f++) {
        const mb_gb_file_t *fl = files[f];
        cmp_side_t *sd = calloc(ix->nkeys ? ix->nkeys : 1, sizeof *sd);
        const mb_gb_row_t **rows = malloc((fl->n ? fl->n : 1) * sizeof *rows);
        if (!sd || !rows) cmp_oom();
        for (size_t i = 0; i < fl->n; i++)             /* count, then place (counting sort by key) */
            if (!fl->rows[i].aggregate) sd[slot[f][i]].n++;
        size_t at = 0;
        for (size_t k = 0; k < ix->nkeys; k++) {
            sd[k].rows = rows + at;
            at += sd[k].n;
            sd[k].n = 0;
        }
        for (size_t i = 0; i < fl->n; i++) {
            const mb_gb_row_t *r = &fl->rows[i];
            cmp_side_t *s = &sd[slot[f][i]];
            if (r->aggregate) { s->aggregates++; continue; }
            s->rows[s->n++] = r;
            if (r->error && !s->errors++) s->error_message = r->error_message;
        }
        ix->sides[f] = sd;
        ix->rows[f] = rows;
        free(slot[f]);
    }
}

static void index_free(cmp_index_t *ix) {
    free(ix->keys);
    for (int f = 0; f < 2; f++) {
        free(ix->sides[f]);
        free(ix->rows[f]);
    }
}

static bool side_present(const cmp_side_t *s) { return s->n || s->aggregates; }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The error-free samples of a time (which 0 real, 1 cpu) or of a counter (name) into v; their count. */
static size_t side_samples(const cmp_side_t *s, int which, const char *name, bool errors_too, double *v) {
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        const mb_gb_row_t *r = s->rows[i];
        if (r->error && !errors_too) continue;
        if (name) {
            if (mb_gb_counter(r, name, &v[k])) k++;
        } else if (r->has_times) {
            v[k++] = which ? r->cpu_ns : r->real_ns;
        }
    }
    return k;
}

/* Counter name over a side's rows (error rows too) as exact integers: true
 * if every sample is a JSON integer (a double cannot tell 2^53 from 2^53+1),
 * with the first sample and whether any other differs from it. */
static bool side_ints(const cmp_side_t *s, const char *name, long long *first, bool *varies) {
    bool any = false;
    *varies = false;
    for (size_t i = 0; i < s->n; i++) {
        const mb_gb_counter_t *c = mb_gb_counter_get(s->rows[i], name);
        if (!c) continue;
        if (!c->integer) return false;
        if (!any) *first = c->ival;
        else if (c->ival != *first) *varies = true;
        any = true;
    }
    return any;
}

/* ------------------------------------------------------------------------ */
/* The table: rows of text, printed aligned or as Markdown. */

typedef struct cmp_row {
    char bench[160], metric[40], old[48], new_[48], change[24], p[16], verdict[200];
    bool fail;                          /* shown in bold in Markdown */
} cmp_row_t;

typedef struct cmp_table {
    cmp_row_t *v;
    size_t n, cap;
} cmp_table_t;

static cmp_row_t *table_add(cmp_table_t *t, const char *bench, const char *metric) {
    if (t->n == t->cap) {
        size_t ncap = t->cap ? 2 * t->cap : 64;
        cmp_row_t *nv = realloc(t->v, ncap * sizeof *nv);
        if (!nv) { fprintf(stderr, "membench: out of memory\n"); exit(2); }
        t->v = nv;
        t->cap = ncap;
    }
    cmp_row_t *r = &t->v[t->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->bench, sizeof r->bench, "%s", bench);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->p, sizeof r->p, "-");
    return r;
}

static void fmt_time(char *b, size_t n, double ns) {
    if (ns < 1e3) snprintf(b, n, "%.0f ns", ns);
    else if (ns < 1e6) snprintf(b, n, "%.3g us", ns / 1e3);
    else if (ns < 1e9) snprintf(b, n, "%.3g ms", ns / 1e6);
    else snprintf(b, n, "%.4g s", ns / 1e9);
}

static void fmt_bytes(char *b, size_t n, double v) {
    if (v < 1024) snprintf(b, n, "%.0f B", v);
    else if (v < 1048576) snprintf(b, n, "%.3g KiB", v / 1024);
    else if (v < 1073741824.0) snprintf(b, n, "%.3g MiB", v / 1048576);
    else snprintf(b, n, "%.4g GiB", v / 1073741824.0);
}

static void fmt_count(char *b, size_t n, double v) {
    if (v == floor(v) && fabs(v) < 1e17) snprintf(b, n, "%.0f", v);
    else snprintf(b, n, "%.6g", v);
}

/* (new - old) / old in percent into b; returns it (inf for growth from 0). */
static double fmt_change(char *b, size_t n, double old, double nw) {
    double c;
    if (old == nw) c = 0;
    else if (old == 0) c = nw > 0 ? INFINITY : -INFINITY;
    else c = (nw - old) / fabs(old) * 100;
    if (isinf(c)) snprintf(b, n, "%s", c > 0 ? "+inf" : "-inf");
    else snprintf(b, n, "%+.1f%%", c);
    return c;
}

static void table_print(FILE *out, const cmp_table_t *t, mb_cmp_format_t fmt) {
    static const char *const head[] = {"benchmark", "metric", "old", "new", "change", "p-value", "verdict"};
    if (fmt == MB_CMP_MARKDOWN) {
        fputs("| benchmark | metric | old | new | change | p-value | verdict |\n", out);
        fputs("| --- | --- | ---: | ---: | ---: | ---: | --- |\n", out);
        for (size_t i = 0; i < t->n; i++) {
            const cmp_row_t *r = &t->v[i];
            const char *b = r->fail ? "**" : "";
            fputs("| ", out);
            mb_md_code(out, r->bench);
            fputs(" | ", out);
            mb_md_text(out, r->metric);
            fprintf(out, " | %s | %s | %s | %s | %s", r->old, r->new_, r->change, r->p, b);
            mb_md_text(out, r->verdict);
            fprintf(out, "%s |\n", b);
        }
        return;
    }
    int w[7];
    for (int c = 0; c < 7; c++) w[c] = (int)strlen(head[c]);
    for (size_t i = 0; i < t->n; i++) {
        const cmp_row_t *r = &t->v[i];
        const char *cols[7] = {r->bench, r->metric, r->old, r->new_, r->change, r->p, r->verdict};
        for (int c = 0; c < 7; c++)
            if ((int)strlen(cols[c]) > w[c]) w[c] = (int)strlen(cols[c]);
    }
    fprintf(out, "%-*s  %-*s  %*s  %*s  %*s  %*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3], head[3],
            w[4], head[4], w[5], head[5], head[6]);
    for (size_t i = 0; i < t->n; i++) {
        const cmp_row_t *r = &t->v[i];
        fprintf(out, "%-*s  %-*s  %*s  %*s  %*s  %*s  %s\n", w[0], r->bench, w[1], r->metric, w[2], r->old, w[3],
                r->new_, w[4], r->change, w[5], r->p, r->verdict);
    }
}

/* ------------------------------------------------------------------------ */
/* The checks of one entry; each returns true if the entry fails by it. */

typedef struct cmp_ctx {
    const mb_cmp_opts_t *o;
    cmp_table_t *t;
    mb_cmp_summary_t *sum;
    double *va, *vb;                    /* scratch: samples of each side */
} cmp_ctx_t;

/* real_time or cpu_time: U test plus the minimum effect on the median. The
 * row's verdict is provisional: compare_entry applies the time rule. */
enum { TIME_OK, TIME_SLOWER, TIME_ERROR };
static int check_time(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c, int which, size_t *row) {
    *row = x->t->n;
    cmp_row_t *r = table_add(x->t, key, which ? "cpu_time" : "real_time");
    size_t nb = side_samples(b, which, NULL, false, x->va), nc = side_samples(c, which, NULL, false, x->vb);
    if (nb < CMP_MIN_REPS || nc < CMP_MIN_REPS) {
        snprintf(r->verdict, sizeof r->verdict, "FAIL: %zu and %zu repetitions, the U test needs %d a side%s", nb, nc,
                 CMP_MIN_REPS, b->aggregates + c->aggregates && (!nb || !nc) ? " (aggregates are not samples)" : "");
        r->fail = true;
        return TIME_ERROR;
    }
    size_t least = nb < nc ? nb : nc;
    if (least < CMP_GOOD_REPS && which == 0) x->sum->few_reps++;   /* once per entry */
    if (!x->sum->min_reps || least < x->sum->min_reps) x->sum->min_reps = least;
    double p = mb_utest_p(x->va, nb, x->vb, nc, NULL, NULL);
    double mo = median(x->va, nb), mn = median(x->vb, nc);
    fmt_time(r->old, sizeof r->old, mo);
    fmt_time(r->new_, sizeof r->new_, mn);
    double ch = fmt_change(r->change, sizeof r->change, mo, mn);
    snprintf(r->p, sizeof r->p, "%.4f", p);
    bool sig = p < x->o->alpha;
    if (sig && ch > x->o->threshold) {
        snprintf(r->verdict, sizeof r->verdict, "FAIL: slower");
        return TIME_SLOWER;
    }
    if (sig && ch < -x->o->threshold) snprintf(r->verdict, sizeof r->verdict, "faster");
    else snprintf(r->verdict, sizeof r->verdict, "ok%s", least < CMP_GOOD_REPS ? " (few repetitions)" : "");
    return TIME_OK;
}

/* Both times of an entry under the time rule: either (default, as compare.py
 * shows them): a slowdown of real_time or of cpu_time fails; both: only one
 * seen in both (load from other processes stretches wall time, not the CPU
 * time the benchmark uses; a slower program costs both); cpu or real: only
 * that one. The other time is still tested and shown. */
static const char *const time_rule_names[] = {"either", "both", "cpu", "real"};
static bool check_times(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c) {
    size_t rows[2];
    int st[2] = {check_time(x, key, b, c, 0, &rows[0]), check_time(x, key, b, c, 1, &rows[1])};
    bool fail = st[0] == TIME_ERROR || st[1] == TIME_ERROR;
    bool rs = st[0] == TIME_SLOWER, cs = st[1] == TIME_SLOWER, slower;
    switch (x->o->time_rule) {
    case MB_CMP_BOTH: slower = rs && cs; break;
    case MB_CMP_CPU: slower = cs; break;
    case MB_CMP_REAL: slower = rs; break;
    default: slower = rs || cs; break;
    }
    for (int k = 0; k < 2; k++) {
        cmp_row_t *r = &x->t->v[rows[k]];
        if (st[k] != TIME_SLOWER) continue;
        bool counts = slower && (x->o->time_rule == MB_CMP_EITHER || x->o->time_rule == MB_CMP_BOTH ||
                                 (x->o->time_rule == MB_CMP_CPU) == (k == 1));
        if (counts) r->fail = true;
        else snprintf(r->verdict, sizeof r->verdict, "slower, not gating (--time-rule %s)",
                      time_rule_names[x->o->time_rule]);
    }
    return fail || slower;
}

/* A counter compared by the median of each side against a threshold (peak_rss_bytes, instructions). */
static bool check_growth(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c, const char *name,
                         double thr, double floor_, const char *worse, bool required) {
    size_t nb = side_samples(b, 0, name, false, x->va), nc = side_samples(c, 0, name, false, x->vb);
    if (!nb && !nc && !required) return false;
    cmp_row_t *r = table_add(x->t, key, name);
    if (!nb || !nc) {
        snprintf(r->verdict, sizeof r->verdict, "%s: no %s in the %s", required ? "FAIL" : "note", name,
                 nb ? "contender" : nc ? "baseline" : "baseline or the contender");
        r->fail = required;
        return required;
    }
    double mo = median(x->va, nb), mn = median(x->vb, nc);
    bool bytes = strstr(name, "bytes") != NULL;
    (bytes ? fmt_bytes : fmt_count)(r->old, sizeof r->old, mo);
    (bytes ? fmt_bytes : fmt_count)(r->new_, sizeof r->new_, mn);
    double ch = fmt_change(r->change, sizeof r->change, mo, mn);
    if (ch > thr && mn - mo > floor_) {
        snprintf(r->verdict, sizeof r->verdict, "FAIL: %s (> +%g%%)", worse, thr);
        r->fail = true;
    } else if (ch > thr) {
        char fb[32];
        fmt_bytes(fb, sizeof fb, floor_);
        snprintf(r->verdict, sizeof r->verdict, "ok: grew less than %s", fb);
    } else {
        snprintf(r->verdict, sizeof r->verdict, "ok");
    }
    return r->fail;
}

/* The exact counters: any change is a row; leaks that grow and a changed checksum fail. */
static bool check_counters(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c) {
    const char *list = x->o->counter_list ? x->o->counter_list : mb_cmp_default_counters;
    char *copy = strdup(list), *save = NULL;
    if (!copy) { fprintf(stderr, "membench: out of memory (compare)\n"); exit(2); }
    size_t equal = 0, before = x->t->n;
    bool fail = false;
    for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        size_t nb = side_samples(b, 0, name, true, x->va), nc = side_samples(c, 0, name, true, x->vb);
        if (!nb && !nc) continue;
        bool leak = !strcmp(name, "leaked_objects") || !strcmp(name, "uncollectable_objects");
        bool sum_ = !strcmp(name, "checksum");
        if (nb && nc) {
            double lo_b = x->va[0], hi_b = x->va[0], lo_c = x->vb[0], hi_c = x->vb[0];
            for (size_t i = 1; i < nb; i++) { lo_b = fmin(lo_b, x->va[i]); hi_b = fmax(hi_b, x->va[i]); }
            for (size_t i = 1; i < nc; i++) { lo_c = fmin(lo_c, x->vb[i]); hi_c = fmax(hi_c, x->vb[i]); }
            double mo = median(x->va, nb), mn = median(x->vb, nc);
            bool varies = lo_b != hi_b || lo_c != hi_c;
            bool differ = mo != mn;
            /* Integers are compared as integers: exact at any size. */
            long long ib, ic;
            bool vb_, vc_, ints = side_ints(b, name, &ib, &vb_) && side_ints(c, name, &ic, &vc_);
            if (ints) {
                varies = vb_ || vc_;
                if (!varies) differ = ib != ic;
            }
            if (!differ && !varies) { equal++; continue; }
            cmp_row_t *r = table_add(x->t, key, name);
            bool bytes = strstr(name, "bytes") != NULL;
            if (ints && !varies && !bytes) {
                snprintf(r->old, sizeof r->old, "%lld", ib);
                snprintf(r->new_, sizeof r->new_, "%lld", ic);
            } else {
                (bytes ? fmt_bytes : fmt_count)(r->old, sizeof r->old, mo);
                (bytes ? fmt_bytes : fmt_count)(r->new_, sizeof r->new_, mn);
            }
            fmt_change(r->change, sizeof r->change, mo, mn);
            const char *why = NULL;
            if (sum_ && (differ || varies)) why = "checksum changed";
            else if (leak && (mn > mo || hi_c > hi_b || (ints && !varies && ic > ib))) why = "more leaked";
            else if (x->o->strict_counters && (differ || varies)) why = "changed (strict)";
            if (why) {
                snprintf(r->verdict, sizeof r->verdict, "FAIL: %s%s", why, varies ? " (varies between repetitions)" : "");
                r->fail = fail = true;
            } else {
                snprintf(r->verdict, sizeof r->verdict, "%s%s", !differ ? "same median" : "changed",
                         varies ? " (varies between repetitions)" : "");
            }
        } else {
            cmp_row_t *r = table_add(x->t, key, name);
            if (nb) fmt_count(r->old, sizeof r->old, median(x->va, nb));
            else snprintf(r->old, sizeof r->old, "-");
            if (nc) fmt_count(r->new_, sizeof r->new_, median(x->vb, nc));
            else snprintf(r->new_, sizeof r->new_, "-");
            bool f = !nc && (leak || sum_ || x->o->strict_counters);
            snprintf(r->verdict, sizeof r->verdict, "%s: only in the %s", f ? "FAIL" : "changed", nb ? "baseline" : "contender");
            r->fail = f;
            fail |= f;
        }
    }
    free(copy);
    if (equal && x->t->n == before) {   /* no counter changed: one row says so */
        cmp_row_t *r = table_add(x->t, key, "counters");
        snprintf(r->old, sizeof r->old, "%zu exact", equal);
        snprintf(r->new_, sizeof r->new_, "equal");
        snprintf(r->change, sizeof r->change, "0");
        snprintf(r->verdict, sizeof r->verdict, "ok");
    }
    return fail;
}

/* Every check of one entry (key present in at least one file); true if it fails. */
static bool compare_entry(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c) {
    if (!side_present(c)) {
        cmp_row_t *r = table_add(x->t, key, "-");
        snprintf(r->verdict, sizeof r->verdict, "FAIL: missing from the contender");
        r->fail = true;
        return true;
    }
    if (!side_present(b)) {
        cmp_row_t *r = table_add(x->t, key, "-");
        snprintf(r->verdict, sizeof r->verdict, "new: not in the baseline");
        return false;
    }
    bool fail = false;
    if (c->errors) {
        cmp_row_t *r = table_add(x->t, key, "error");
        snprintf(r->old, sizeof r->old, "%s", b->errors ? "error" : "ok");
        snprintf(r->new_, sizeof r->new_, "error");
        if (b->errors) {
            snprintf(r->verdict, sizeof r->verdict, "note: fails in both: %.150s", c->error_message);
        } else {
            snprintf(r->verdict, sizeof r->verdict, "FAIL: %zu error rows: %.150s", c->errors, c->error_message);
            r->fail = fail = true;
        }
    } else if (b->errors) {
        cmp_row_t *r = table_add(x->t, key, "error");
        snprintf(r->old, sizeof r->old, "error");
        snprintf(r->new_, sizeof r->new_, "ok");
        snprintf(r->verdict, sizeof r->verdict, "fixed: the baseline had errors");
    }
    bool both_fail = b->errors && c->errors && b->errors == b->n && c->errors == c->n;
    if (x->o->times && !both_fail) {
        if (x->o->metric == MB_CMP_INSTRUCTIONS) {
            fail |= check_growth(x, key, b, c, "instructions", x->o->threshold, 0, "more instructions", true);
        } else {
            fail |= check_times(x, key, b, c);
        }
    }
    if (x->o->memory && !both_fail)
        fail |= check_growth(x, key, b, c, "peak_rss_bytes", x->o->memory_threshold, x->o->memory_floor,
                             "more memory", false);
    if (x->o->counters) fail |= check_counters(x, key, b, c);
    return fail;
}

size_t mb_compare(FILE *out, const mb_gb_file_t *base, const mb_gb_file_t *cont, const mb_cmp_opts_t *o,
                  mb_cmp_summary_t *sum) {
    memset(sum, 0, sizeof *sum);
    cmp_index_t ix;
    const mb_gb_file_t *files[2] = {base, cont};
    index_build(&ix, files);
    size_t most = (base->n > cont->n ? base->n : cont->n) + 1;
    cmp_table_t t = {0};
    cmp_ctx_t x = {.o = o, .t = &t, .sum = sum, .va = malloc(most * sizeof(double)), .vb = malloc(most * sizeof(double))};
    if (!x.va || !x.vb) { fprintf(stderr, "membench: out of memory\n"); exit(2); }
    for (size_t i = 0; i < ix.nkeys; i++) {
        if (compare_entry(&x, ix.keys[i], &ix.sides[0][i], &ix.sides[1][i])) sum->failed++;
        else sum->passed++;
    }
    /* what was compared, the table, the warnings, the summary */
    bool md = o->format == MB_CMP_MARKDOWN;
    if (md) fputs("### membench compare\n\n", out);
    fprintf(out, "%s%s%s vs %s%s%s: ", md ? "`" : "", base->path, md ? "`" : "", md ? "`" : "", cont->path, md ? "`" : "");
    if (o->times && o->metric == MB_CMP_TIME)
        fprintf(out, "times by U test (alpha %g) and median +%g%% (time rule %s); ", o->alpha, o->threshold,
                time_rule_names[o->time_rule]);
    else if (o->times)
        fprintf(out, "instructions (callgrind) median +%g%%; ", o->threshold);
    else
        fputs("times not compared; ", out);
    if (o->memory) fprintf(out, "peak_rss_bytes median +%g%% and +%.0f KiB; ", o->memory_threshold, o->memory_floor / 1024);
    fprintf(out, "%s\n%s", o->counters ? (o->strict_counters ? "exact counters: any change fails" : "exact counters: leaks and checksum fail")
                                       : "counters not compared", md ? "\n" : "");
    table_print(out, &t, o->format);
    if (sum->few_reps)
        fprintf(out, "%swarning: %zu entries had fewer than %d repetitions on a side (fewest %zu): the U test has little power; "
                "use -r 9 or more\n", md ? "\n" : "", sum->few_reps, CMP_GOOD_REPS, sum->min_reps);
    fprintf(out, "%s%zu passed, %zu failed%s\n", md ? "\n**" : "", sum->passed, sum->failed, md ? "**" : "");
    free(t.v);
    index_free(&ix);
    free(x.va);
    free(x.vb);
    return sum->failed;
}
