/* gbench_row.c: one element of "benchmarks" read and checked: a strict fast scanner for flat rows, jansson's
 * fields for the rest, and the rules of gbench_read.h into an mb_gb_row_t. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/base/gbench_int.h"
#include "harness/base/json_read.h"

/* ------------------------------------------------------------------------ */
/* A row's fields, from the fast scanner or from jansson, and their checks. */

/* Google Benchmark's own fields (the numeric ones are bookkeeping, never counters) by key. */
static int key_slot(const char *k, size_t n) {
#define IS(s) (!memcmp(k, s, n))
    switch (n) {
    case 4: if (IS("name")) return K_NAME; break;
    case 5:
        if (IS("label")) return K_LABEL;
        if (IS("shard")) return K_SHARD;        /* membench merge: the shard an entry ran in */
        break;
    case 7: if (IS("threads")) return K_THREADS; break;
    case 8:
        if (IS("run_name")) return K_RUN_NAME;
        if (IS("run_type")) return K_RUN_TYPE;
        if (IS("cpu_time")) return K_CPU_TIME;
        break;
    case 9:
        if (IS("time_unit")) return K_TIME_UNIT;
        if (IS("real_time")) return K_REAL_TIME;
        break;
    case 10: if (IS("iterations")) return K_ITERATIONS; break;
    case 11: if (IS("repetitions")) return K_REPETITIONS; break;
    case 12: if (IS("family_index")) return K_FAMILY_INDEX; break;
    case 13: if (IS("error_message")) return K_ERROR_MESSAGE; break;
    case 14: if (IS("error_occurred")) return K_ERROR_OCCURRED; break;
    case 16: if (IS("repetition_index")) return K_REPETITION_INDEX; break;
    case 25: if (IS("per_family_instance_index")) return K_PER_FAMILY_INSTANCE_INDEX; break;
    }
    return K_OTHER;
#undef IS
}

void gb_rowbuf_free(rowbuf_t *rb) {
    free(rb->f);
    free(rb->str);
    free(rb->c);
}

static field_t *rb_push(rowbuf_t *rb) {
    if (rb->nf == rb->fcap) {
        size_t ncap = rb->fcap ? 2 * rb->fcap : 32;
        field_t *nf = realloc(rb->f, ncap * sizeof *nf);
        if (!nf) return NULL;
        rb->f = nf;
        rb->fcap = ncap;
    }
    field_t *f = &rb->f[rb->nf++];
    memset(f, 0, sizeof *f);
    return f;
}

static void rb_reset(rowbuf_t *rb) {
    rb->nf = 0;
    for (int k = 0; k < K_OTHER; k++) rb->slot[k] = -1;
}

/* The end of a run of plain characters from p (at most e): eight bytes at a
 * time while none of them is '"', '\\', below 0x20 or above 0x7f. */
static inline const char *plain_run(const char *p, const char *e) {
    static const bool tab[256] = {[0x20 ... 0x21] = true, [0x23 ... 0x5b] = true, [0x5d ... 0x7f] = true};
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (e - p >= 8) {
        uint64_t x, q, b;
        memcpy(&x, p, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x) | x) & highs) break;
        p += 8;
    }
    while (p < e && tab[(unsigned char)*p]) p++;
    return p;
}

static int bitlen128(unsigned __int128 n) {
    uint64_t hi = (uint64_t)(n >> 64), lo = (uint64_t)n;
    return hi ? 128 - __builtin_clzll(hi) : lo ? 64 - __builtin_clzll(lo) : 0;
}

/* m * 10^ex (m > 0, -22 <= ex <= 27) correctly rounded to a double, half to
 * even, as strtod rounds: exact integer arithmetic. 10^ex = 5^ex 2^ex; the
 * power of 5 is below 2^64, so m 5^ex, or m 2^s / 5^-ex with a remainder,
 * is exact in 128 bits; then 53 bits are kept. */
static double scale10(uint64_t m, int ex) {
    static const uint64_t p5[28] = {
        1ULL, 5ULL, 25ULL, 125ULL, 625ULL, 3125ULL, 15625ULL, 78125ULL, 390625ULL, 1953125ULL, 9765625ULL,
        48828125ULL, 244140625ULL, 1220703125ULL, 6103515625ULL, 30517578125ULL, 152587890625ULL,
        762939453125ULL, 3814697265625ULL, 19073486328125ULL, 95367431640625ULL, 476837158203125ULL,
        2384185791015625ULL, 11920928955078125ULL, 59604644775390625ULL, 298023223876953125ULL,
        1490116119384765625ULL, 7450580596923828125ULL};
    unsigned __int128 n;
    int e2;
    bool sticky = false;                /* bits below n that are not 0 */
    if (ex >= 0) {
        n = (unsigned __int128)m * p5[ex];
        e2 = ex;
    } else {
        int s = 127 - (64 - __builtin_clzll(m));        /* m 2^s just below 2^127: the quotient keeps 75+ bits */
        unsigned __int128 num = (unsigned __int128)m << s;
        n = num / p5[-ex];
        sticky = num % p5[-ex] != 0;
        e2 = ex - s;
    }
    int bl = bitlen128(n);
    if (bl > 53) {
        int sh = bl - 53;
        unsigned __int128 one = 1, rem = n & ((one << sh) - 1), half = one << (sh - 1);
        n >>= sh;
        e2 += sh;
        if (rem > half || (rem == half && (sticky || (n & 1)))) n++;   /* 2^53 is still exact */
    }
    return ldexp((double)(uint64_t)n, e2);
}

/*
 * The number token at s ('-' or a digit; the data ends at e) by JSON's
 * grammar, read as jansson reads it: strtoll for an integer, strtod for a
 * real. Its end, with *integer and its value; e if the data ends inside it
 * (read more); NULL if it is not JSON's grammar or it overflows (jansson's
 * "too big integer", "real number overflow"): jansson reads it then. The
 * digits are gathered as they are checked, and most numbers take a short
 * cut to strtoll's and strtod's result: an integer of at most 18 digits
 * cannot overflow, and a real of at most 19 significant digits and a
 * decimal exponent from -22 to 27 is scale10 of them (exact).
 */
static const char *number_token(const char *s, const char *e, bool *integer, long long *i, double *d) {
    const char *p = s;
    bool neg = *p == '-';
    uint64_t m = 0;
    int nd = 0, ex = 0;
#define DIGIT() do { if (m || *p != '0') nd++; if (nd <= 19) m = m * 10 + (uint64_t)(*p - '0'); } while (0)
    *integer = true;
    if (neg && ++p == e) return e;
    if (*p == '0') p++;
    else if (digit(*p)) do { DIGIT(); p++; } while (p < e && digit(*p));
    else return NULL;
    if (p == e) return e;
    if (*p == '.') {
        *integer = false;
        if (++p == e) return e;
        if (!digit(*p)) return NULL;
        do { DIGIT(); ex--; p++; } while (p < e && digit(*p));
        if (p == e) return e;
    }
    if (*p == 'e' || *p == 'E') {
        *integer = false;
        if (++p == e) return e;
        bool eneg = *p == '-';
        if ((*p == '-' || *p == '+') && ++p == e) return e;
        if (!digit(*p)) return NULL;
        int x = 0;
        do {
            if (x < 100000) x = x * 10 + (*p - '0');
            p++;
        } while (p < e && digit(*p));
        if (p == e) return e;
        ex += eneg ? -x : x;
    }
#undef DIGIT
    if (*integer) {
        if (nd <= 18) {
            *i = neg ? -(long long)m : (long long)m;
            return p;
        }
        errno = 0;
        *i = strtoll(s, NULL, 10);
        return errno == ERANGE ? NULL : p;
    }
    if (nd <= 19 && (m == 0 || (ex >= -22 && ex <= 27))) {
        double v = m ? scale10(m, ex) : 0;
        *d = neg ? -v : v;
        return p;
    }
    errno = 0;
    *d = strtod(s, NULL);
    return errno == ERANGE && isinf(*d) ? NULL : p;
}


/*
 * The element at p0 ('{', e the end of the data) if it is a flat object of
 * plain strings, numbers, true, false and null, keys not repeated, exactly as
 * jansson reads it (its number grammar, strtoll and strtod): FAST_OK with
 * *used its length and the fields in rb (offsets only). FAST_SLOW: something
 * else, jansson reads it; FAST_MORE: the data ends first (not the file).
 */
int gb_fast_row(rowbuf_t *rb, const char *p0, const char *e, bool eof, size_t *used) {
    const char *p = p0 + 1;
#define END() do { if (p >= e) return eof ? FAST_SLOW : FAST_MORE; } while (0)
#define WS() do { while (p < e && is_ws((unsigned char)*p)) p++; END(); } while (0)
    rb_reset(rb);
    WS();
    if (*p == '}') {
        *used = (size_t)(p + 1 - p0);
        return FAST_OK;
    }
    for (;;) {
        if (*p != '"') return FAST_SLOW;
        const char *k = ++p;
        p = plain_run(p, e);
        END();
        if (*p != '"') return FAST_SLOW;
        size_t klen = (size_t)(p - k);
        p++;
        WS();
        if (*p != ':') return FAST_SLOW;
        p++;
        WS();
        field_t *f = rb_push(rb);
        if (!f) return FAST_OOM;
        f->koff = (size_t)(k - p0);
        f->klen = klen;
        const char *v = p;
        if (*p == '"') {
            v = ++p;
            p = plain_run(p, e);
            END();
            if (*p != '"') return FAST_SLOW;
            f->kind = F_STRING;
            f->soff = (size_t)(v - p0);
            f->slen = (size_t)(p - v);
            p++;
        } else if (*p == '-' || digit(*p)) {
            bool integer;
            if (!(p = number_token(v, e, &integer, &f->i, &f->d))) return FAST_SLOW;
            END();
            if (!is_ws((unsigned char)*p) && *p != ',' && *p != '}') return FAST_SLOW;
            f->kind = integer ? F_INTEGER : F_REAL;
        } else {
            static const char *const lit[3] = {"true", "false", "null"};
            static const fkind_t lk[3] = {F_TRUE, F_FALSE, F_NULL};
            int w = *p == 't' ? 0 : *p == 'f' ? 1 : *p == 'n' ? 2 : -1;
            if (w < 0) return FAST_SLOW;                        /* nested, or not JSON */
            size_t n = strlen(lit[w]);
            if ((size_t)(e - p) <= n) return eof ? FAST_SLOW : FAST_MORE;
            if (memcmp(p, lit[w], n) || (!is_ws((unsigned char)p[n]) && p[n] != ',' && p[n] != '}')) return FAST_SLOW;
            f->kind = lk[w];
            p += n;
        }
        f->slot = key_slot(k, klen);
        if (f->slot != K_OTHER) {
            if (rb->slot[f->slot] >= 0) return FAST_SLOW;        /* a duplicate key: jansson says so */
            rb->slot[f->slot] = (int)(rb->nf - 1);
        } else {
            for (size_t i = 0; i + 1 < rb->nf; i++)
                if (rb->f[i].slot == K_OTHER && rb->f[i].klen == klen && !memcmp(p0 + rb->f[i].koff, k, klen))
                    return FAST_SLOW;
        }
        WS();
        if (*p == ',') {
            p++;
            WS();
            continue;
        }
        if (*p != '}') return FAST_SLOW;
        *used = (size_t)(p + 1 - p0);
        return FAST_OK;
    }
#undef WS
#undef END
}

/* The fast scanner's strings copied out of the data at p0 (used bytes), NUL-terminated. -1: out of memory. */
int gb_fast_strings(rowbuf_t *rb, const char *p0, size_t used) {
    if (rb->scap < used + 1) {
        size_t ncap = rb->scap ? rb->scap : 4096;
        while (ncap < used + 1) ncap *= 2;
        char *ns = realloc(rb->str, ncap);
        if (!ns) return -1;
        rb->str = ns;
        rb->scap = ncap;
    }
    char *o = rb->str;                  /* each string and its quotes fit: room for the NUL */
    for (size_t i = 0; i < rb->nf; i++) {
        field_t *f = &rb->f[i];
        memcpy(o, p0 + f->koff, f->klen);
        o[f->klen] = '\0';
        f->key = o;
        o += f->klen + 1;
        if (f->kind == F_STRING) {
            memcpy(o, p0 + f->soff, f->slen);
            o[f->slen] = '\0';
            f->s = o;
            o += f->slen + 1;
        }
    }
    return 0;
}

static fkind_t json_kind(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: return F_OBJECT;
    case JSON_ARRAY: return F_ARRAY;
    case JSON_STRING: return F_STRING;
    case JSON_INTEGER: return F_INTEGER;
    case JSON_REAL: return F_REAL;
    case JSON_TRUE: return F_TRUE;
    case JSON_FALSE: return F_FALSE;
    default: return F_NULL;
    }
}

static const char *kind_name(fkind_t k) {
    switch (k) {
    case F_OBJECT: return "an object";
    case F_ARRAY: return "an array";
    case F_STRING: return "a string";
    case F_INTEGER: case F_REAL: return "a number";
    case F_TRUE: case F_FALSE: return "a boolean";
    default: return "null";
    }
}

const char *gb_type_name(const json_t *v) { return kind_name(json_kind(v)); }

/* A jansson object's members as fields. -1: out of memory. */
int gb_json_fields(rowbuf_t *rb, json_t *b) {
    rb_reset(rb);
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        field_t *f = rb_push(rb);
        if (!f) return -1;
        f->key = key;
        f->kind = json_kind(v);
        f->slot = key_slot(key, strlen(key));
        if (f->slot != K_OTHER) rb->slot[f->slot] = (int)(rb->nf - 1);
        if (f->kind == F_STRING) f->s = json_string_value(v);
        else if (f->kind == F_INTEGER) f->i = (long long)json_integer_value(v);
        else if (f->kind == F_REAL) f->d = json_real_value(v);
    }
    return 0;
}

const field_t *gb_slot_field(const rowbuf_t *rb, int k) { return rb->slot[k] >= 0 ? &rb->f[rb->slot[k]] : NULL; }
static bool is_number(const field_t *f) { return f->kind == F_INTEGER || f->kind == F_REAL; }
static double number(const field_t *f) { return f->kind == F_INTEGER ? (double)f->i : f->d; }

/* Multiplier from time_unit to ns; 0 if the unit is unknown. */
static double unit_ns(const char *u) {
    if (!strcmp(u, "ns")) return 1;
    if (!strcmp(u, "us")) return 1e3;
    if (!strcmp(u, "ms")) return 1e6;
    if (!strcmp(u, "s")) return 1e9;
    return 0;
}

/* An optional string field: absent is fine (*out = dflt); present must be a string. */
static int opt_str(const rowbuf_t *rb, int k, const char *key, const char *dflt, const char **out, char *why,
                   size_t wsz) {
    const field_t *v = gb_slot_field(rb, k);
    if (!v) { *out = dflt; return 0; }
    if (v->kind != F_STRING) { snprintf(why, wsz, "\"%s\" is %s, not a string", key, kind_name(v->kind)); return -1; }
    *out = v->s;
    return 0;
}

/* One element's fields into r; -1 with why (the caller adds where). */
int gb_read_row(rowbuf_t *rb, mb_gb_row_t *r, char *why, size_t wsz) {
    memset(r, 0, sizeof *r);
    const char *rt, *unit;
    if (opt_str(rb, K_NAME, "name", NULL, &r->name, why, wsz) != 0) return -1;
    if (!r->name || !*r->name) { snprintf(why, wsz, "has no \"name\""); return -1; }
    if (opt_str(rb, K_RUN_NAME, "run_name", r->name, &r->run_name, why, wsz) != 0) return -1;
    if (opt_str(rb, K_RUN_TYPE, "run_type", "iteration", &rt, why, wsz) != 0) return -1;
    if (strcmp(rt, "iteration") && strcmp(rt, "aggregate")) {
        snprintf(why, wsz, "has run_type \"%.40s\", not \"iteration\" or \"aggregate\"", rt);
        return -1;
    }
    r->aggregate = !strcmp(rt, "aggregate");
    const field_t *eo = gb_slot_field(rb, K_ERROR_OCCURRED);
    if (eo && eo->kind != F_TRUE && eo->kind != F_FALSE) {
        snprintf(why, wsz, "\"error_occurred\" is %s, not a boolean", kind_name(eo->kind));
        return -1;
    }
    r->error = eo && eo->kind == F_TRUE;
    if (opt_str(rb, K_ERROR_MESSAGE, "error_message", "", &r->error_message, why, wsz) != 0) return -1;
    if (opt_str(rb, K_LABEL, "label", NULL, &r->label, why, wsz) != 0) return -1;
    if (opt_str(rb, K_TIME_UNIT, "time_unit", "ns", &unit, why, wsz) != 0) return -1;
    double mul = unit_ns(unit);
    if (mul == 0) { snprintf(why, wsz, "has time_unit \"%.20s\", not ns, us, ms or s", unit); return -1; }
    const field_t *rtv = gb_slot_field(rb, K_REAL_TIME), *ctv = gb_slot_field(rb, K_CPU_TIME);
    for (int k = 0; k < 2; k++) {
        const field_t *v = k ? ctv : rtv;
        const char *key = k ? "cpu_time" : "real_time";
        if (!v) {
            if (r->error) continue;
            snprintf(why, wsz, "has no \"%s\"", key);
            return -1;
        }
        if (!is_number(v)) { snprintf(why, wsz, "\"%s\" is %s, not a number", key, kind_name(v->kind)); return -1; }
        double ns = number(v) * mul;
        if (!isfinite(ns) || ns < 0 || ns > 1e18) {
            snprintf(why, wsz, "\"%s\" is %g %s, not a time from 0 to 1e18 ns", key, number(v), unit);
            return -1;
        }
        if (k) r->cpu_ns = ns;
        else r->real_ns = ns;
    }
    r->has_times = rtv && ctv;
    static const char *const int_keys[4] = {"iterations", "family_index", "repetition_index", "repetitions"};
    static const int int_slots[4] = {K_ITERATIONS, K_FAMILY_INDEX, K_REPETITION_INDEX, K_REPETITIONS};
    long long *int_out[4] = {&r->iterations, &r->family_index, &r->repetition_index, &r->repetitions};
    for (int k = 0; k < 4; k++) {
        const field_t *v = gb_slot_field(rb, int_slots[k]);
        *int_out[k] = -1;
        if (!v) continue;
        long long lo = k == 3 ? 1 : 0;
        if (v->kind != F_INTEGER || v->i < lo || v->i > 1000000000000000000LL) {
            if (v->kind == F_INTEGER) snprintf(why, wsz, "\"%s\" is %lld, not an integer from %lld to 1e18", int_keys[k],
                                               v->i, lo);
            else snprintf(why, wsz, "\"%s\" is %s, not an integer from %lld to 1e18", int_keys[k],
                          v->kind == F_REAL ? "a real number" : kind_name(v->kind), lo);
            return -1;
        }
        *int_out[k] = v->i;
    }
    if (rb->ccap < rb->nf) {
        size_t ncap = rb->ccap ? rb->ccap : 32;
        while (ncap < rb->nf) ncap *= 2;
        mb_gb_counter_t *nc = realloc(rb->c, ncap * sizeof *nc);
        if (!nc) { snprintf(why, wsz, "out of memory reading it"); return -1; }
        rb->c = nc;
        rb->ccap = ncap;
    }
    r->counters = rb->c;
    for (size_t i = 0; i < rb->nf; i++) {
        const field_t *f = &rb->f[i];
        if (f->slot != K_OTHER || !is_number(f)) continue;
        rb->c[r->ncounters++] = (mb_gb_counter_t){f->key, number(f), f->kind == F_INTEGER,
                                                  f->kind == F_INTEGER ? f->i : 0};
    }
    return 0;
}

