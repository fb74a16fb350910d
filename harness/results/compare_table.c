/* compare_table.c: the table of `membench compare`: rows of text, printed aligned or as Markdown. */
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
/* The table: rows of text, printed aligned or as Markdown. */

cmp_row_t *cmp_table_add(cmp_table_t *t, const char *bench, const char *metric) {
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

/* The entry's rows into the text. */
void cmp_table_flush(cmp_table_t *t) {
    for (size_t i = 0; i < t->n; i++) {
        const cmp_row_t *r = &t->v[i];
        const char *cols[7] = {r->bench, r->metric, r->old, r->new_, r->change, r->p, r->verdict};
        size_t lens[7], need = 1;
        for (int c = 0; c < 7; c++) {
            lens[c] = strlen(cols[c]);
            if ((int)lens[c] > t->w[c]) t->w[c] = (int)lens[c];
            need += lens[c] + 1;
        }
        if (t->tcap - t->len < need) {
            size_t ncap = t->tcap ? 2 * t->tcap : 65536;
            while (ncap - t->len < need) ncap *= 2;
            char *nt = realloc(t->text, ncap);
            if (!nt) { fprintf(stderr, "membench: out of memory\n"); exit(2); }
            t->text = nt;
            t->tcap = ncap;
        }
        t->text[t->len++] = r->fail;
        for (int c = 0; c < 7; c++) {
            memcpy(t->text + t->len, cols[c], lens[c] + 1);
            t->len += lens[c] + 1;
        }
    }
    t->n = 0;
}

/* The next packed row at *at: its cells and whether it failed; false after the last. */
static bool table_next(const cmp_table_t *t, size_t *at, const char *cols[7], bool *fail) {
    if (*at >= t->len) return false;
    *fail = t->text[(*at)++];
    for (int c = 0; c < 7; c++) {
        cols[c] = t->text + *at;
        *at += strlen(cols[c]) + 1;
    }
    return true;
}

void cmp_fmt_time(char *b, size_t n, double ns) {
    if (ns < 1e3) snprintf(b, n, "%.0f ns", ns);
    else if (ns < 1e6) snprintf(b, n, "%.3g us", ns / 1e3);
    else if (ns < 1e9) snprintf(b, n, "%.3g ms", ns / 1e6);
    else snprintf(b, n, "%.4g s", ns / 1e9);
}

void cmp_fmt_bytes(char *b, size_t n, double v) {
    if (v < 1024) snprintf(b, n, "%.0f B", v);
    else if (v < 1048576) snprintf(b, n, "%.3g KiB", v / 1024);
    else if (v < 1073741824.0) snprintf(b, n, "%.3g MiB", v / 1048576);
    else snprintf(b, n, "%.4g GiB", v / 1073741824.0);
}

void cmp_fmt_count(char *b, size_t n, double v) {
    if (v == floor(v) && fabs(v) < 1e17) snprintf(b, n, "%.0f", v);
    else snprintf(b, n, "%.6g", v);
}

/* (new - old) / old in percent into b; returns it (inf for growth from 0). */
double cmp_fmt_change(char *b, size_t n, double old, double nw) {
    double c;
    if (old == nw) c = 0;
    else if (old == 0) c = nw > 0 ? INFINITY : -INFINITY;
    else c = (nw - old) / fabs(old) * 100;
    if (isinf(c)) snprintf(b, n, "%s", c > 0 ? "+inf" : "-inf");
    else snprintf(b, n, "%+.1f%%", c);
    return c;
}

void cmp_table_print(FILE *out, const cmp_table_t *t, mb_cmp_format_t fmt) {
    static const char *const head[] = {"benchmark", "metric", "old", "new", "change", "p-value", "verdict"};
    const char *r[7];
    bool fail;
    size_t at = 0;
    if (fmt == MB_CMP_MARKDOWN) {
        fputs("| benchmark | metric | old | new | change | p-value | verdict |\n", out);
        fputs("| --- | --- | ---: | ---: | ---: | ---: | --- |\n", out);
        while (table_next(t, &at, r, &fail)) {
            const char *b = fail ? "**" : "";
            fputs("| ", out);
            mb_md_code(out, r[0]);
            fputs(" | ", out);
            mb_md_text(out, r[1]);
            fprintf(out, " | %s | %s | %s | %s | %s", r[2], r[3], r[4], r[5], b);
            mb_md_text(out, r[6]);
            fprintf(out, "%s |\n", b);
        }
        return;
    }
    int w[7];
    for (int c = 0; c < 7; c++) w[c] = t->w[c] > (int)strlen(head[c]) ? t->w[c] : (int)strlen(head[c]);
    fprintf(out, "%-*s  %-*s  %*s  %*s  %*s  %*s  %s\n", w[0], head[0], w[1], head[1], w[2], head[2], w[3], head[3],
            w[4], head[4], w[5], head[5], head[6]);
    while (table_next(t, &at, r, &fail))
        fprintf(out, "%-*s  %-*s  %*s  %*s  %*s  %*s  %s\n", w[0], r[0], w[1], r[1], w[2], r[2], w[3], r[3], w[4], r[4],
                w[5], r[5], r[6]);
}

