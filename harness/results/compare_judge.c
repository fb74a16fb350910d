/* compare_judge.c: the checks of `membench compare`: each entry's times by U test and effect size, peak RSS,
 * counters exactly; the runs' contexts; the summary. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/compare_int.h"
#include "harness/base/json_read.h"
#include "harness/report/report.h"
#include "harness/stats/mannwhitney.h"

/* ------------------------------------------------------------------------ */
/* The checks of one entry; each returns true if the entry fails by it. */

typedef struct cmp_ctx {
    const mb_cmp_t *c;
    const mb_cmp_opts_t *o;
    cmp_table_t *t;
    mb_cmp_summary_t *sum;
    double *va, *vb;                    /* scratch: samples of each side */
    bool noisy;                         /* the entry failed on times or peak RSS */
} cmp_ctx_t;

/* real_time or cpu_time: U test plus the minimum effect on the median. The
 * row's verdict is provisional: compare_entry applies the time rule. */
enum { TIME_OK, TIME_SLOWER, TIME_ERROR };
static int check_time(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c, int which, size_t *row) {
    *row = x->t->n;
    cmp_row_t *r = cmp_table_add(x->t, key, which ? "cpu_time" : "real_time");
    size_t nb = cmp_side_samples(b, which, SIZE_MAX, false, x->va), nc = cmp_side_samples(c, which, SIZE_MAX, false, x->vb);
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
    double mo = cmp_median(x->va, nb), mn = cmp_median(x->vb, nc);
    cmp_fmt_time(r->old, sizeof r->old, mo);
    cmp_fmt_time(r->new_, sizeof r->new_, mn);
    double ch = cmp_fmt_change(r->change, sizeof r->change, mo, mn);
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
    if (slower) x->noisy = true;
    return fail || slower;
}

/* A counter compared by the median of each side against a threshold (peak_rss_bytes, instructions). */
static bool check_growth(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c, const char *name,
                         double thr, double floor_, const char *worse, bool required) {
    size_t idx = cmp_counter_index(x->c, name), nb = 0, nc = 0;     /* read whenever its check is on */
    if (idx != SIZE_MAX) nb = cmp_side_samples(b, 0, idx, false, x->va), nc = cmp_side_samples(c, 0, idx, false, x->vb);
    if (!nb && !nc && !required) return false;
    cmp_row_t *r = cmp_table_add(x->t, key, name);
    if (!nb || !nc) {
        snprintf(r->verdict, sizeof r->verdict, "%s: no %s in the %s", required ? "FAIL" : "note", name,
                 nb ? "contender" : nc ? "baseline" : "baseline or the contender");
        r->fail = required;
        return required;
    }
    double mo = cmp_median(x->va, nb), mn = cmp_median(x->vb, nc);
    bool bytes = strstr(name, "bytes") != NULL;
    (bytes ? cmp_fmt_bytes : cmp_fmt_count)(r->old, sizeof r->old, mo);
    (bytes ? cmp_fmt_bytes : cmp_fmt_count)(r->new_, sizeof r->new_, mn);
    double ch = cmp_fmt_change(r->change, sizeof r->change, mo, mn);
    if (ch > thr && mn - mo > floor_) {
        snprintf(r->verdict, sizeof r->verdict, "FAIL: %s (> +%g%%)", worse, thr);
        r->fail = true;
        if (!strcmp(name, "peak_rss_bytes")) x->noisy = true;
    } else if (ch > thr) {
        char fb[32];
        cmp_fmt_bytes(fb, sizeof fb, floor_);
        snprintf(r->verdict, sizeof r->verdict, "ok: grew less than %s", fb);
    } else {
        snprintf(r->verdict, sizeof r->verdict, "ok");
    }
    return r->fail;
}

/* The exact counters: any change is a row; leaks that grow and a changed checksum fail. */
static bool check_counters(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c) {
    size_t equal = 0, before = x->t->n;
    bool fail = false;
    for (size_t li = 0; li < x->c->nlist; li++) {
        const char *name = x->c->list[li];
        size_t idx = x->c->list_idx[li];
        size_t nb = cmp_side_samples(b, 0, idx, true, x->va), nc = cmp_side_samples(c, 0, idx, true, x->vb);
        if (!nb && !nc) continue;
        bool leak = !strcmp(name, "leaked_objects") || !strcmp(name, "uncollectable_objects");
        bool sum_ = !strcmp(name, "checksum");
        if (nb && nc) {
            double lo_b = x->va[0], hi_b = x->va[0], lo_c = x->vb[0], hi_c = x->vb[0];
            for (size_t i = 1; i < nb; i++) { lo_b = fmin(lo_b, x->va[i]); hi_b = fmax(hi_b, x->va[i]); }
            for (size_t i = 1; i < nc; i++) { lo_c = fmin(lo_c, x->vb[i]); hi_c = fmax(hi_c, x->vb[i]); }
            double mo = cmp_median(x->va, nb), mn = cmp_median(x->vb, nc);
            bool varies = lo_b != hi_b || lo_c != hi_c;
            bool differ = mo != mn;
            /* Integers are compared as integers: exact at any size. */
            long long ib, ic;
            bool vb_, vc_, ints = cmp_side_ints(b, idx, &ib, &vb_) && cmp_side_ints(c, idx, &ic, &vc_);
            if (ints) {
                varies = vb_ || vc_;
                if (!varies) differ = ib != ic;
            }
            if (!differ && !varies) { equal++; continue; }
            cmp_row_t *r = cmp_table_add(x->t, key, name);
            bool bytes = strstr(name, "bytes") != NULL;
            if (ints && !varies && !bytes) {
                snprintf(r->old, sizeof r->old, "%lld", ib);
                snprintf(r->new_, sizeof r->new_, "%lld", ic);
            } else {
                (bytes ? cmp_fmt_bytes : cmp_fmt_count)(r->old, sizeof r->old, mo);
                (bytes ? cmp_fmt_bytes : cmp_fmt_count)(r->new_, sizeof r->new_, mn);
            }
            cmp_fmt_change(r->change, sizeof r->change, mo, mn);
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
            cmp_row_t *r = cmp_table_add(x->t, key, name);
            if (nb) cmp_fmt_count(r->old, sizeof r->old, cmp_median(x->va, nb));
            else snprintf(r->old, sizeof r->old, "-");
            if (nc) cmp_fmt_count(r->new_, sizeof r->new_, cmp_median(x->vb, nc));
            else snprintf(r->new_, sizeof r->new_, "-");
            bool f = !nc && (leak || sum_ || x->o->strict_counters);
            snprintf(r->verdict, sizeof r->verdict, "%s: only in the %s", f ? "FAIL" : "changed", nb ? "baseline" : "contender");
            r->fail = f;
            fail |= f;
        }
    }
    if (equal && x->t->n == before) {   /* no counter changed: one row says so */
        cmp_row_t *r = cmp_table_add(x->t, key, "counters");
        snprintf(r->old, sizeof r->old, "%zu exact", equal);
        snprintf(r->new_, sizeof r->new_, "equal");
        snprintf(r->change, sizeof r->change, "0");
        snprintf(r->verdict, sizeof r->verdict, "ok");
    }
    return fail;
}

/* Every check of one entry (key present in at least one file); true if it fails. */
static bool compare_entry(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c) {
    if (!cmp_side_present(c)) {
        cmp_row_t *r = cmp_table_add(x->t, key, "-");
        snprintf(r->verdict, sizeof r->verdict, "FAIL: missing from the contender");
        r->fail = true;
        return true;
    }
    if (!cmp_side_present(b)) {
        cmp_row_t *r = cmp_table_add(x->t, key, "-");
        snprintf(r->verdict, sizeof r->verdict, "new: not in the baseline");
        return false;
    }
    bool fail = false;
    if (c->errors) {
        cmp_row_t *r = cmp_table_add(x->t, key, "error");
        snprintf(r->old, sizeof r->old, "%s", b->errors ? "error" : "ok");
        snprintf(r->new_, sizeof r->new_, "error");
        if (b->errors) {
            snprintf(r->verdict, sizeof r->verdict, "note: fails in both: %.150s", c->error_message);
        } else {
            snprintf(r->verdict, sizeof r->verdict, "FAIL: %zu error rows: %.150s", c->errors, c->error_message);
            r->fail = fail = true;
        }
    } else if (b->errors) {
        cmp_row_t *r = cmp_table_add(x->t, key, "error");
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

/* A context value as text: "quick", "42", "2.5". */
static void ctx_text(const json_t *v, char *b, size_t n) {
    if (json_is_string(v)) snprintf(b, n, "%s", json_string_value(v));
    else if (json_is_integer(v)) snprintf(b, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) snprintf(b, n, "%g", json_real_value(v));
    else {
        char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        snprintf(b, n, "%s", t ? t : "?");
        free(t);
    }
    if (!*b) snprintf(b, n, "(none)");
}

/*
 * Runs made differently differ by construction: another scale or size
 * changes every counter and the checksum, another allocator or heap
 * multiplier the times and memory. Said first, before a table that would
 * otherwise read as a flood of regressions; the comparison still runs
 * (some users compare allocators on purpose) and the exit status is the
 * table's. Options a file does not record (Google Benchmark's own files,
 * membench files written before "finalizers" and "params") are not judged.
 */
static bool mismatch(const mb_cmp_t *c, FILE *out, bool md) {
    static const char *const keys[] = {"scale", "allocator", "heap_multiplier", "finalizers", "seed", "params"};
    const char *lead = md ? "> **NOT COMPARABLE:** " : "NOT COMPARABLE: ";
    bool any = false;
    char line[2048];
    size_t l = 0;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const json_t *a = json_object_get(c->ctx[0], keys[k]), *b = json_object_get(c->ctx[1], keys[k]);
        if (!a || !b || json_equal((json_t *)a, (json_t *)b)) continue;
        if (json_is_number(a) && json_is_number(b) && json_number_value(a) == json_number_value(b)) continue;
        char ta[256], tb[256];
        ctx_text(a, ta, sizeof ta);
        ctx_text(b, tb, sizeof tb);
        if (l < sizeof line)
            l += (size_t)snprintf(line + l, sizeof line - l, "%sbaseline %s %s, contender %s %s", l ? "; " : "", keys[k],
                                  ta, keys[k], tb);
    }
    if (l) {
        fprintf(out, "%s%s\n", lead, line);
        any = true;
    }
    /* Sizes: the label of each entry ("n=20000"), by workload (the name's first part). */
    l = 0;
    size_t shown = 0, more = 0, differ = 0;
    bool sizes = true;
    const char *seen[4];
    for (size_t i = 0; i < c->n; i++) {
        const char *la = c->e[i].side[0].label, *lb = c->e[i].side[1].label;
        if (!la || !lb || !strcmp(la, lb)) continue;
        differ++;
        sizes &= !strncmp(la, "n=", 2) && !strncmp(lb, "n=", 2);
        const char *key = c->e[i].key;
        size_t wl = strcspn(key, "/");
        bool dup = false;
        for (size_t k = 0; k < shown; k++) dup |= strlen(seen[k]) >= wl && !strncmp(seen[k], key, wl) &&
                                                 (seen[k][wl] == '/' || !seen[k][wl]);
        if (dup) continue;
        if (shown == 4) { more++; continue; }
        seen[shown++] = key;
        if (l < sizeof line)
            l += (size_t)snprintf(line + l, sizeof line - l, "%s%.*s %.100s in the baseline, %.100s in the contender",
                                  l ? "; " : "", (int)(wl > 100 ? 100 : wl), key, la, lb);
    }
    if (differ) {
        fprintf(out, "%s%s differ in %zu entries: %s%s\n", lead, sizes ? "sizes" : "labels", differ, line,
                more ? "; and other workloads" : "");
        any = true;
    }
    if (any)
        fprintf(out, "%sthe two files were not run alike: counters, checksums, times and memory differ for that reason; "
                "the comparison below goes on as usual, but read it knowing this\n%s", md ? "> " : "", md ? "\n" : "");
    return any;
}

size_t mb_cmp_finish(mb_cmp_t *c, FILE *out, const char *base_name, const char *cont_name, mb_cmp_summary_t *sum) {
    const mb_cmp_opts_t *o = &c->o;
    char bname[512], cname[512];        /* names cut as a read file's path */
    snprintf(bname, sizeof bname, "%s", base_name);
    snprintf(cname, sizeof cname, "%s", cont_name);
    memset(sum, 0, sizeof *sum);
    cmp_table_t t = {0};
    cmp_ctx_t x = {.c = c, .o = o, .t = &t, .sum = sum, .va = cmp_xmalloc((c->most + 1) * sizeof(double)),
                   .vb = cmp_xmalloc((c->most + 1) * sizeof(double))};
    bool md = o->format == MB_CMP_MARKDOWN;
    sum->mismatch = mismatch(c, out, md);
    for (size_t i = 0; i < c->n; i++) {
        x.noisy = false;
        if (compare_entry(&x, c->e[i].key, &c->e[i].side[0], &c->e[i].side[1])) {
            sum->failed++;
            sum->noisy_failed += x.noisy;
        } else {
            sum->passed++;
        }
        cmp_table_flush(&t);
    }
    /* what was compared, the table, the warnings, the summary */
    if (md) fputs("### membench compare\n\n", out);
    fprintf(out, "%s%s%s vs %s%s%s: ", md ? "`" : "", bname, md ? "`" : "", md ? "`" : "", cname, md ? "`" : "");
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
    cmp_table_print(out, &t, o->format);
    if (sum->few_reps)
        fprintf(out, "%swarning: %zu entries had fewer than %d repetitions on a side (fewest %zu): the U test has little power; "
                "use -r 9 or more\n", md ? "\n" : "", sum->few_reps, CMP_GOOD_REPS, sum->min_reps);
    fprintf(out, "%s%zu passed, %zu failed%s\n", md ? "\n**" : "", sum->passed, sum->failed, md ? "**" : "");
    const char *hb = mb_json_str(c->ctx[0], "host_name"), *hc = mb_json_str(c->ctx[1], "host_name");
    if (sum->noisy_failed && hb && hc && *hb && !strcmp(hb, hc) && !json_object_get(c->ctx[0], "interleaved_runs") &&
        !json_object_get(c->ctx[1], "interleaved_runs"))
        fprintf(out, "%shint: both files come from host %s, run one after the other: a change in the machine's load "
                "between the two runs can look like a regression of times or memory; scripts/mb-gate runs the base "
                "and the head interleaved (A B, B A, ...) and counts only entries flagged again in a second "
                "interleaved run\n", md ? "\n" : "", hc);
    free(t.v);
    free(t.text);
    free(x.va);
    free(x.vb);
    return sum->failed;
}

size_t mb_compare(FILE *out, const mb_gb_file_t *base, const mb_gb_file_t *cont, const mb_cmp_opts_t *o,
                  mb_cmp_summary_t *sum) {
    mb_cmp_t *c = mb_cmp_new(o);
    for (size_t i = 0; i < base->n; i++) mb_cmp_add(c, 0, &base->rows[i]);
    for (size_t i = 0; i < cont->n; i++) mb_cmp_add(c, 1, &cont->rows[i]);
    mb_cmp_set_context(c, 0, base->context);
    mb_cmp_set_context(c, 1, cont->context);
    size_t failed = mb_cmp_finish(c, out, base->path, cont->path, sum);
    mb_cmp_free(c);
    return failed;
}
