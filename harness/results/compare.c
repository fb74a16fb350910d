/* compare.c: the regression gate: entries matched by name, times by U test and effect size, counters exactly, a table. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/compare.h"
#include "harness/base/json_read.h"
#include "harness/report/report.h"
#include "harness/stats/mannwhitney.h"

const char mb_cmp_default_counters[] =
    "objects_allocated,objects_freed,leaked_objects,uncollectable_objects,collections,checksum,peak_live_bytes";

enum { CMP_GOOD_REPS = 9, CMP_MIN_REPS = 2 };   /* compare.py's UTEST_OPTIMAL / UTEST_MIN_REPETITIONS */

void mb_cmp_opts_default(mb_cmp_opts_t *o) {
    *o = (mb_cmp_opts_t){.alpha = 0.05, .threshold = 5, .memory_threshold = 10, .memory_floor = 256 * 1024,
                         .times = true, .memory = true,
                         .counters = true, .metric = MB_CMP_TIME, .format = MB_CMP_CONSOLE};
}

static _Noreturn void cmp_oom(void) {
    fprintf(stderr, "membench: out of memory (compare)\n");
    exit(2);
}

/* ------------------------------------------------------------------------ */
/* The entries: every benchmark name of both files, with what the checks read
 * of its rows, gathered as the rows are read (the rows themselves are not
 * kept: memory grows with the names and their samples, not with the files). */

/* One side of an entry: what the rows of one file that carry one benchmark name hold. */
typedef struct cmp_side {
    size_t n;                           /* its iteration rows, error rows included */
    size_t aggregates;                  /* aggregate rows with this run_name */
    size_t errors;                      /* error rows */
    char *error_message;                /* the first error row's message */
    char *label;                        /* the first iteration row's label ("n=20000"), or NULL */
    unsigned char *log;                 /* its iteration rows in file order, packed (side_put) */
    size_t len, cap;
} cmp_side_t;

typedef struct cmp_entry {
    const char *key;                    /* the name (an aggregate row stands for its run_name) */
    uint64_t hash;
    cmp_side_t side[2];                 /* per file */
} cmp_entry_t;

typedef struct cmp_chunk {              /* the names' storage */
    struct cmp_chunk *next;
    size_t used, cap;
    char data[];
} cmp_chunk_t;

struct mb_cmp {
    mb_cmp_opts_t o;
    char *list_copy;                    /* the counter list, cut at its commas */
    const char **list;                  /* its names in order (repeats kept: each is a row) */
    size_t *list_idx;                   /* ... and their counter indexes */
    size_t nlist;
    const char **counters;              /* the counters read, each once: a counter's index is its place here */
    size_t ncounters;
    size_t instr_idx, rss_idx;          /* "instructions", "peak_rss_bytes" (SIZE_MAX: not read) */
    uint32_t *cslot;                    /* counter names hashed: index + 1, 0 empty */
    size_t cmask;
    cmp_entry_t *e;                     /* the entries in file order, the baseline's first */
    size_t n, cap;
    uint32_t *slot;                     /* entry names hashed: index + 1, 0 empty */
    size_t smask;
    size_t last;                        /* the entry of the last row */
    cmp_chunk_t *names;
    size_t most;                        /* the most iteration rows of one side */
    json_t *ctx[2];                     /* each file's "context" (a reference), or NULL */
    size_t *ridx;                       /* scratch: the counter index of each counter of a row */
    size_t ridx_cap;
};

static uint64_t hash_str(const char *s) {
    uint64_t h = mb_fnv1a(MB_FNV1A_BASIS, s, strlen(s));
    return h ^ (h >> 29);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) cmp_oom();
    return p;
}

static void *xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz);
    if (!p) cmp_oom();
    return p;
}

/* The index of counter name, or SIZE_MAX if compare does not read it. */
static size_t counter_index(const mb_cmp_t *c, const char *name) {
    for (size_t i = hash_str(name) & c->cmask;; i = (i + 1) & c->cmask) {
        uint32_t v = c->cslot[i];
        if (!v) return SIZE_MAX;
        if (!strcmp(c->counters[v - 1], name)) return v - 1;
    }
}

static size_t counter_add(mb_cmp_t *c, const char *name) {
    size_t k = counter_index(c, name);
    if (k != SIZE_MAX) return k;
    size_t i = hash_str(name) & c->cmask;
    while (c->cslot[i]) i = (i + 1) & c->cmask;
    c->counters[c->ncounters] = name;
    c->cslot[i] = (uint32_t)++c->ncounters;
    return c->ncounters - 1;
}

mb_cmp_t *mb_cmp_new(const mb_cmp_opts_t *o) {
    mb_cmp_t *c = xcalloc(1, sizeof *c);
    c->o = *o;
    c->list_copy = strdup(o->counter_list ? o->counter_list : mb_cmp_default_counters);
    if (!c->list_copy) cmp_oom();
    size_t most = 3;                    /* names at most: the list's, instructions, peak_rss_bytes */
    for (const char *p = c->list_copy; *p; p++) most += *p == ',';
    c->list = xcalloc(most, sizeof *c->list);
    c->list_idx = xcalloc(most, sizeof *c->list_idx);
    c->counters = xcalloc(most, sizeof *c->counters);
    size_t slots = 16;
    while (slots < 2 * most) slots *= 2;
    c->cslot = xcalloc(slots, sizeof *c->cslot);
    c->cmask = slots - 1;
    c->instr_idx = c->rss_idx = SIZE_MAX;
    if (o->times && o->metric == MB_CMP_INSTRUCTIONS) c->instr_idx = counter_add(c, "instructions");
    if (o->memory) c->rss_idx = counter_add(c, "peak_rss_bytes");
    if (o->counters) {
        char *save = NULL;
        for (char *name = strtok_r(c->list_copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
            c->list[c->nlist] = name;
            c->list_idx[c->nlist++] = counter_add(c, name);
        }
    }
    c->slot = xcalloc(1024, sizeof *c->slot);
    c->smask = 1023;
    return c;
}

void mb_cmp_free(mb_cmp_t *c) {
    if (!c) return;
    for (size_t i = 0; i < c->n; i++)
        for (int f = 0; f < 2; f++) {
            free(c->e[i].side[f].log);
            free(c->e[i].side[f].error_message);
            free(c->e[i].side[f].label);
        }
    for (cmp_chunk_t *k = c->names, *next; k; k = next) {
        next = k->next;
        free(k);
    }
    free(c->e);
    free(c->slot);
    free(c->cslot);
    free(c->counters);
    free(c->list);
    free(c->list_idx);
    free(c->list_copy);
    free(c->ridx);
    for (int f = 0; f < 2; f++)
        if (c->ctx[f]) json_decref(c->ctx[f]);
    free(c);
}

static const char *name_copy(mb_cmp_t *c, const char *s) {
    size_t n = strlen(s) + 1;
    cmp_chunk_t *k = c->names;
    if (!k || k->cap - k->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        k = xmalloc(sizeof *k + cap);
        k->next = c->names;
        k->used = 0;
        k->cap = cap;
        c->names = k;
    }
    char *p = k->data + k->used;
    memcpy(p, s, n);
    k->used += n;
    return p;
}

/* The entry of name key, made if new. */
static cmp_entry_t *entry_get(mb_cmp_t *c, const char *key) {
    if (c->n && !strcmp(c->e[c->last].key, key)) return &c->e[c->last];   /* a name's rows mostly come together */
    uint64_t h = hash_str(key);
    size_t i = h & c->smask;
    for (uint32_t v; (v = c->slot[i]); i = (i + 1) & c->smask)
        if (c->e[v - 1].hash == h && !strcmp(c->e[v - 1].key, key)) return &c->e[c->last = v - 1];
    if (2 * (c->n + 1) > c->smask + 1) {          /* keep the table at most half full */
        size_t ns = 2 * (c->smask + 1);
        uint32_t *nslot = xcalloc(ns, sizeof *nslot);
        for (size_t k = 0; k < c->n; k++) {
            size_t j = c->e[k].hash & (ns - 1);
            while (nslot[j]) j = (j + 1) & (ns - 1);
            nslot[j] = (uint32_t)(k + 1);
        }
        free(c->slot);
        c->slot = nslot;
        c->smask = ns - 1;
        for (i = h & c->smask; c->slot[i]; i = (i + 1) & c->smask) {}
    }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? 2 * c->cap : 256;
        cmp_entry_t *ne = realloc(c->e, ncap * sizeof *ne);
        if (!ne || ncap > UINT32_MAX) cmp_oom();
        c->e = ne;
        c->cap = ncap;
    }
    cmp_entry_t *e = &c->e[c->n];
    memset(e, 0, sizeof *e);
    e->key = name_copy(c, key);
    e->hash = h;
    c->slot[i] = (uint32_t)++c->n;
    c->last = c->n - 1;
    return e;
}

/*
 * A packed row of a side's log: a flags byte (1 error, 2 times follow), the
 * real and cpu times (error-free rows with both times only: no check reads an
 * error row's times), the number of counters that follow (uint32), and each:
 * its index (uint32, top bit: a JSON integer) and its value (int64 or double).
 */
enum { REC_ERROR = 1, REC_TIMES = 2, REC_INT = 0x80000000u };

typedef struct cmp_rec {
    bool error, times;
    double real, cpu;
    uint32_t nc;
    const unsigned char *c;             /* the counters */
} cmp_rec_t;

static const unsigned char *rec_read(const unsigned char *p, cmp_rec_t *r) {
    r->error = *p & REC_ERROR;
    r->times = *p & REC_TIMES;
    p++;
    if (r->times) {
        memcpy(&r->real, p, 8);
        memcpy(&r->cpu, p + 8, 8);
        p += 16;
    }
    memcpy(&r->nc, p, 4);
    r->c = p + 4;
    return r->c + (size_t)r->nc * 12;
}

/* Counter idx of a row: false if it has none; else whether it is an integer, and its value both ways. */
static bool rec_counter(const cmp_rec_t *r, size_t idx, bool *integer, long long *ival, double *v) {
    for (uint32_t i = 0; i < r->nc; i++) {
        uint32_t k;
        memcpy(&k, r->c + 12 * (size_t)i, 4);
        if ((k & ~REC_INT) != idx) continue;
        *integer = k & REC_INT;
        if (*integer) {
            int64_t x;
            memcpy(&x, r->c + 12 * (size_t)i + 4, 8);
            *ival = x;
            *v = (double)x;         /* as jansson's json_number_value */
        } else {
            memcpy(v, r->c + 12 * (size_t)i + 4, 8);
            *ival = 0;
        }
        return true;
    }
    return false;
}

int mb_cmp_add(mb_cmp_t *c, int side, const mb_gb_row_t *r) {
    cmp_entry_t *e = entry_get(c, r->aggregate ? r->run_name : r->name);
    cmp_side_t *s = &e->side[side];
    if (r->aggregate) {
        s->aggregates++;
        return 0;
    }
    s->n++;
    if (s->n > c->most) c->most = s->n;
    if (r->error && !s->errors++ && !(s->error_message = strdup(r->error_message))) cmp_oom();
    if (r->label && !s->label && !(s->label = strdup(r->label))) cmp_oom();
    bool times = !r->error && r->has_times;
    if (r->ncounters > c->ridx_cap) {
        free(c->ridx);
        c->ridx_cap = 2 * r->ncounters;
        c->ridx = xmalloc(c->ridx_cap * sizeof *c->ridx);
    }
    uint32_t nc = 0;
    for (size_t i = 0; i < r->ncounters; i++) nc += (c->ridx[i] = counter_index(c, r->counters[i].name)) != SIZE_MAX;
    size_t need = 1 + (times ? 16 : 0) + 4 + (size_t)nc * 12;
    if (s->cap - s->len < need) {       /* room for as many rows as the first says there are repetitions (up to 16) */
        size_t ncap = s->cap ? s->cap + s->cap / 2 : need * (size_t)(r->repetitions > 1 ? (r->repetitions < 16 ? r->repetitions : 16) : 1);
        if (ncap < s->len + need) ncap = s->len + need;
        unsigned char *nl = realloc(s->log, ncap);
        if (!nl) cmp_oom();
        s->log = nl;
        s->cap = ncap;
    }
    unsigned char *p = s->log + s->len;
    *p++ = (unsigned char)((r->error ? REC_ERROR : 0) | (times ? REC_TIMES : 0));
    if (times) {
        memcpy(p, &r->real_ns, 8);
        memcpy(p + 8, &r->cpu_ns, 8);
        p += 16;
    }
    memcpy(p, &nc, 4);
    p += 4;
    for (size_t i = 0; i < r->ncounters; i++) {
        const mb_gb_counter_t *k = &r->counters[i];
        size_t idx = c->ridx[i];
        if (idx == SIZE_MAX) continue;
        uint32_t tag = (uint32_t)idx | (k->integer ? REC_INT : 0);
        memcpy(p, &tag, 4);
        if (k->integer) {
            int64_t x = k->ival;
            memcpy(p + 4, &x, 8);
        } else {
            memcpy(p + 4, &k->value, 8);
        }
        p += 12;
    }
    s->len = (size_t)(p - s->log);
    return 0;
}

typedef struct cmp_reader {
    mb_cmp_t *c;
    int side;
} cmp_reader_t;

static int add_row(void *arg, const mb_gb_row_t *r) {
    cmp_reader_t *rd = arg;
    return mb_cmp_add(rd->c, rd->side, r);
}

int mb_cmp_read(mb_cmp_t *c, int side, const char *path, char *err, size_t errsz) {
    cmp_reader_t rd = {c, side};
    json_t *ctx = NULL;
    int st = mb_gb_read(path, add_row, &rd, &ctx, err, errsz);
    if (st == 0) mb_cmp_set_context(c, side, ctx);
    if (ctx) json_decref(ctx);
    return st;
}

void mb_cmp_set_context(mb_cmp_t *c, int side, const json_t *ctx) {
    if (c->ctx[side]) json_decref(c->ctx[side]);
    c->ctx[side] = json_is_object(ctx) ? json_incref((json_t *)ctx) : NULL;
}

static bool side_present(const cmp_side_t *s) { return s->n || s->aggregates; }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorted in place: a handful (an entry's repetitions) by insertion, more by
 * qsort; both keep equal values (0 and -0) in order, as glibc's qsort (a
 * merge sort at these sizes) does, so the median is the same either way. */
static double median(double *v, size_t n) {
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            double x = v[i];
            size_t j = i;
            for (; j && cmp_double(&v[j - 1], &x) > 0; j--) v[j] = v[j - 1];
            v[j] = x;
        }
    } else {
        qsort(v, n, sizeof *v, cmp_double);
    }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The error-free samples of a time (which 0 real, 1 cpu; idx SIZE_MAX) or of counter idx into v, in file order; their count. */
static size_t side_samples(const cmp_side_t *s, int which, size_t idx, bool errors_too, double *v) {
    size_t k = 0;
    cmp_rec_t r;
    for (const unsigned char *p = s->log, *e = p ? p + s->len : p; p < e;) {
        p = rec_read(p, &r);
        if (r.error && !errors_too) continue;
        if (idx != SIZE_MAX) {
            bool integer;
            long long iv;
            if (rec_counter(&r, idx, &integer, &iv, &v[k])) k++;
        } else if (r.times) {
            v[k++] = which ? r.cpu : r.real;
        }
    }
    return k;
}

/* Counter idx over a side's rows (error rows too) as exact integers: true
 * if every sample is a JSON integer (a double cannot tell 2^53 from 2^53+1),
 * with the first sample and whether any other differs from it. */
static bool side_ints(const cmp_side_t *s, size_t idx, long long *first, bool *varies) {
    bool any = false;
    *varies = false;
    cmp_rec_t r;
    for (const unsigned char *p = s->log, *e = p ? p + s->len : p; p < e;) {
        p = rec_read(p, &r);
        bool integer;
        long long iv;
        double dv;
        if (!rec_counter(&r, idx, &integer, &iv, &dv)) continue;
        if (!integer) return false;
        if (!any) *first = iv;
        else if (iv != *first) *varies = true;
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

/* The table: the rows of the entry being checked (v, n: indexes are the
 * entry's own), then, once it is done, packed into text (a fail byte and the
 * seven cells, each ending in NUL), with the widest cell of each column. */
typedef struct cmp_table {
    cmp_row_t *v;
    size_t n, cap;
    char *text;
    size_t len, tcap;
    int w[7];
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

/* The entry's rows into the text. */
static void table_flush(cmp_table_t *t) {
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
    cmp_row_t *r = table_add(x->t, key, which ? "cpu_time" : "real_time");
    size_t nb = side_samples(b, which, SIZE_MAX, false, x->va), nc = side_samples(c, which, SIZE_MAX, false, x->vb);
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
    if (slower) x->noisy = true;
    return fail || slower;
}

/* A counter compared by the median of each side against a threshold (peak_rss_bytes, instructions). */
static bool check_growth(cmp_ctx_t *x, const char *key, const cmp_side_t *b, const cmp_side_t *c, const char *name,
                         double thr, double floor_, const char *worse, bool required) {
    size_t idx = counter_index(x->c, name), nb = 0, nc = 0;     /* read whenever its check is on */
    if (idx != SIZE_MAX) nb = side_samples(b, 0, idx, false, x->va), nc = side_samples(c, 0, idx, false, x->vb);
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
        if (!strcmp(name, "peak_rss_bytes")) x->noisy = true;
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
    size_t equal = 0, before = x->t->n;
    bool fail = false;
    for (size_t li = 0; li < x->c->nlist; li++) {
        const char *name = x->c->list[li];
        size_t idx = x->c->list_idx[li];
        size_t nb = side_samples(b, 0, idx, true, x->va), nc = side_samples(c, 0, idx, true, x->vb);
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
            bool vb_, vc_, ints = side_ints(b, idx, &ib, &vb_) && side_ints(c, idx, &ic, &vc_);
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
    cmp_ctx_t x = {.c = c, .o = o, .t = &t, .sum = sum, .va = xmalloc((c->most + 1) * sizeof(double)),
                   .vb = xmalloc((c->most + 1) * sizeof(double))};
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
        table_flush(&t);
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
    table_print(out, &t, o->format);
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
