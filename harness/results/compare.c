/* compare.c: the regression gate (compare.h): the entries of both files matched by name, as their rows are read;
 * the table in compare_table.c, the checks in compare_judge.c. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/compare_int.h"
#include "harness/base/json_read.h"
#include "harness/report/report.h"
#include "harness/stats/mannwhitney.h"

const char mb_cmp_default_counters[] =
    "objects_allocated,objects_freed,leaked_objects,uncollectable_objects,collections,checksum,peak_live_bytes";

void mb_cmp_opts_default(mb_cmp_opts_t *o) {
    *o = (mb_cmp_opts_t){.alpha = 0.05, .threshold = 5, .memory_threshold = 10, .memory_floor = 256 * 1024,
                         .times = true, .memory = true,
                         .counters = true, .metric = MB_CMP_TIME, .format = MB_CMP_CONSOLE};
}

_Noreturn void cmp_oom(void) {
    fprintf(stderr, "membench: out of memory (compare)\n");
    exit(2);
}

/* ------------------------------------------------------------------------ */
/* The entries: every benchmark name of both files, with what the checks read
 * of its rows, gathered as the rows are read (the rows themselves are not
 * kept: memory grows with the names and their samples, not with the files). */

static uint64_t hash_str(const char *s) {
    uint64_t h = mb_fnv1a(MB_FNV1A_BASIS, s, strlen(s));
    return h ^ (h >> 29);
}

void *cmp_xmalloc(size_t n) {
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
size_t cmp_counter_index(const mb_cmp_t *c, const char *name) {
    for (size_t i = hash_str(name) & c->cmask;; i = (i + 1) & c->cmask) {
        uint32_t v = c->cslot[i];
        if (!v) return SIZE_MAX;
        if (!strcmp(c->counters[v - 1], name)) return v - 1;
    }
}

static size_t counter_add(mb_cmp_t *c, const char *name) {
    size_t k = cmp_counter_index(c, name);
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
        k = cmp_xmalloc(sizeof *k + cap);
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
        c->ridx = cmp_xmalloc(c->ridx_cap * sizeof *c->ridx);
    }
    uint32_t nc = 0;
    for (size_t i = 0; i < r->ncounters; i++) nc += (c->ridx[i] = cmp_counter_index(c, r->counters[i].name)) != SIZE_MAX;
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

bool cmp_side_present(const cmp_side_t *s) { return s->n || s->aggregates; }

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorted in place: a handful (an entry's repetitions) by insertion, more by
 * qsort; both keep equal values (0 and -0) in order, as glibc's qsort (a
 * merge sort at these sizes) does, so the median is the same either way. */
double cmp_median(double *v, size_t n) {
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
size_t cmp_side_samples(const cmp_side_t *s, int which, size_t idx, bool errors_too, double *v) {
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
bool cmp_side_ints(const cmp_side_t *s, size_t idx, long long *first, bool *varies) {
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

