/* format.c: the binary trace format (docs/traces.md): the operand table, its writer, and its reader, which
 * validates a trace whole and compiles it for the replay. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"
#include "harness/trace/trace_fmt.h"

const mbt_op_t mbt_ops[MB_T_NOPS] = {
    [MB_T_END] = {"end", ""},           [MB_T_PUSH] = {"push", "n"},
    [MB_T_POP] = {"pop", ""},           [MB_T_NONE] = {"none", "v"},
    [MB_T_ASSIGN] = {"assign", "vv"},   [MB_T_GSET] = {"gset", "gv"},
    [MB_T_GGET] = {"gget", "vg"},       [MB_T_LIST] = {"list", "vn"},
    [MB_T_INT] = {"int", "vi"},         [MB_T_STR] = {"str", "vS"},
    [MB_T_STORE] = {"store", "vkv"},    [MB_T_STORE_NONE] = {"storenone", "vk"},
    [MB_T_LOAD] = {"load", "vvk"},      [MB_T_COLLECT] = {"collect", ""},
    [MB_T_AUTO_COLLECT] = {"autocollect", "b"}, [MB_T_FREEZE] = {"freeze", ""},
    [MB_T_SETFIN] = {"setfin", "vf"},   [MB_T_IS] = {"is", "vvb"},
    [MB_T_IS_NONE] = {"isnone", "vb"},  [MB_T_IS_INT] = {"isint", "vb"},
    [MB_T_IS_STR] = {"isstr", "vb"},    [MB_T_IS_LIST] = {"islist", "vb"},
    [MB_T_INT_VALUE] = {"intvalue", "vi"}, [MB_T_STR_VALUE] = {"strvalue", "vq"},
    [MB_T_LEN] = {"len", "vr"},
};


void mbt_wb_put(wbuf_t *w, const void *p, size_t n) {
    if (w->n + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->n + n) cap *= 2;
        unsigned char *nb = realloc(w->b, cap);
        if (!nb) mb_panic("trace: out of memory");
        w->b = nb;
        w->cap = cap;
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}
void mbt_wb_varint(wbuf_t *w, uint64_t v) {
    unsigned char t[10];
    size_t k = 0;
    do {
        t[k] = (unsigned char)(v & 0x7f);
        v >>= 7;
        if (v) t[k] |= 0x80;
        k++;
    } while (v);
    mbt_wb_put(w, t, k);
}

void mbt_put_header(wbuf_t *w, const mb_trace_header_t *h) {
    mbt_wb_put(w, MB_TRACE_MAGIC, 4);
    unsigned char ver[2] = {MB_TRACE_VERSION & 0xff, MB_TRACE_VERSION >> 8};
    mbt_wb_put(w, ver, 2);
    size_t nl = strlen(h->workload);
    mbt_wb_varint(w, nl);
    mbt_wb_put(w, h->workload, nl);
    mbt_wb_varint(w, h->n);
    mbt_wb_varint(w, h->seed);
    mbt_wb_varint(w, (h->interning ? 1u : 0u) | (h->finalizers ? 2u : 0u));
    mbt_wb_varint(w, h->checksum);
    mbt_wb_varint(w, h->leaks_acyclic[0]);
    mbt_wb_varint(w, h->leaks_acyclic[1]);
    mbt_wb_varint(w, h->uncollectable_legacy);
    mbt_wb_varint(w, h->ops);
    mbt_wb_varint(w, h->nfin);
}
void mbt_put_trailer(wbuf_t *w, uint64_t nops, uint64_t sum) {
    mbt_wb_varint(w, nops);
    unsigned char s[8];
    for (int i = 0; i < 8; i++) s[i] = (unsigned char)(sum >> (8 * i));
    mbt_wb_put(w, s, 8);
}


static int fail(rd_t *r, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(rd_t *r, size_t at, const char *fmt, ...) {
    char m[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    snprintf(r->err, r->errsz, "offset %zu: %s", at, m);
    return -1;
}

int mbt_rd_varint(rd_t *r, uint64_t *v, const char *what) {
    size_t at = r->pos;
    char named[64];
    if (!what && r->pos + 10 <= r->len) {       /* the common case: no message can be needed before the end */
        uint64_t x = 0;
        for (unsigned shift = 0; shift < 63; shift += 7) {
            unsigned char c = r->b[r->pos++];
            x |= (uint64_t)(c & 0x7f) << shift;
            if (!(c & 0x80)) {
                *v = x;
                return 0;
            }
        }
        r->pos = at;                    /* a 10th byte: the careful path says what is wrong */
    }
    if (!what) {
        snprintf(named, sizeof named, "operand %u of %s", r->operand + 1, mbt_ops[r->op].name);
        what = named;
    }
    uint64_t x = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (r->pos >= r->len) return fail(r, at, "truncated: the file ends inside %s", what);
        unsigned char c = r->b[r->pos++];
        if (shift == 63 && (c & 0x7e)) return fail(r, at, "%s: varint overflows 64 bits", what);
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) break;
        if (shift >= 63) return fail(r, at, "%s: varint longer than 10 bytes", what);
    }
    *v = x;
    return 0;
}

static void emit(trace_t *t, uint32_t w) {
    if (!t) return;
    if (t->ncode == t->capcode) {
        t->capcode = t->capcode ? 2 * t->capcode : 1024;
        if (!(t->code = realloc(t->code, t->capcode * sizeof *t->code))) mb_panic("trace: out of memory");
    }
    t->code[t->ncode++] = w;
}

/* The frames' shadow for validation: per variable what is known of it. */
enum { K_UNKNOWN = -1, K_SCALAR = -2, K_NONE = -3 };   /* >= 0: a list of that length */
typedef struct shadow {
    int64_t *k;                         /* per variable of every frame: K_ or a list's length */
    size_t n, cap;                      /* variables, allocated */
    size_t *base;                       /* each frame's first variable */
    size_t depth, capd;                 /* frames, allocated */
} shadow_t;

static void sh_push(shadow_t *s, uint64_t nv, int64_t init) {
    if (s->depth == s->capd) {
        s->capd = s->capd ? 2 * s->capd : 64;
        if (!(s->base = realloc(s->base, s->capd * sizeof *s->base))) mb_panic("trace: out of memory");
    }
    s->base[s->depth++] = s->n;
    if (s->n + nv > s->cap) {
        while (s->cap < s->n + nv) s->cap = s->cap ? 2 * s->cap : 256;
        if (!(s->k = realloc(s->k, s->cap * sizeof *s->k))) mb_panic("trace: out of memory");
    }
    for (uint64_t i = 0; i < nv; i++) s->k[s->n + i] = init;
    s->n += nv;
}

/* The string operand of the operation at `at`: its length, then its bytes, copied into the arena. */
static int rd_string(rd_t *r, size_t at) {
    uint64_t n;
    if (mbt_rd_varint(r, &n, NULL) != 0) return -1;
    if (n > MB_MAX_SLOTS || n > r->len - r->pos)
        return fail(r, at, n > MB_MAX_SLOTS ? "string of %" PRIu64 " bytes is too long"
                                            : "truncated: string of %" PRIu64 " bytes past the end", n);
    if (memchr(r->b + r->pos, 0, n)) return fail(r, at, "string holds a NUL byte");
    if (r->t) {
        trace_t *t = r->t;
        if (t->narena + n + 1 > t->caparena) {
            while (t->caparena < t->narena + n + 1) t->caparena = t->caparena ? 2 * t->caparena : 4096;
            if (!(t->arena = realloc(t->arena, t->caparena))) mb_panic("trace: out of memory");
        }
        memcpy(t->arena + t->narena, r->b + r->pos, n);
        t->arena[t->narena + n] = 0;
        emit(t, (uint32_t)t->narena);
        t->narena += n + 1;
        if (t->narena > UINT32_MAX) return fail(r, at, "strings beyond 4 GiB");
    }
    r->pos += n;
    return 0;
}

/* Operand x of kind `kind` (a letter of mbt_ops[op].args but S) in range, and emitted. */
static int rd_operand(rd_t *r, size_t at, uint64_t op, char kind, uint64_t x, size_t nvars, bool framed,
                      uint64_t nfin) {
    const char *name = mbt_ops[op].name;
    switch (kind) {
    case 'i': case 'q':
        emit(r->t, (uint32_t)x);
        emit(r->t, (uint32_t)(x >> 32));
        return 0;
    case 'v':
        if (!framed) return fail(r, at, "%s names variable %" PRIu64 " with no frame pushed", name, x);
        if (x >= nvars)
            return fail(r, at, "%s names variable %" PRIu64 ", which does not exist (the frame has %zu)", name, x,
                        nvars);
        break;
    case 'g':
        if (x >= MB_TRACE_GLOBALS)
            return fail(r, at, "%s names global %" PRIu64 ", which does not exist (%u globals)", name, x,
                        MB_TRACE_GLOBALS);
        break;
    case 'n':
        if (x > (op == MB_T_PUSH ? MAX_FRAME : MB_MAX_SLOTS)) return fail(r, at, "%s of %" PRIu64 " is too large", name, x);
        break;
    case 'b':
        if (x > 1) return fail(r, at, "%s: %" PRIu64 " is not 0 or 1", name, x);
        break;
    case 'f':
        if (x >= nfin)
            return fail(r, at, "setfin names finalizer body %" PRIu64 ", which does not exist (%" PRIu64 " bodies)", x,
                        nfin);
        break;
    default:                            /* k, r */
        if (x > UINT32_MAX) return fail(r, at, "%s: %" PRIu64 " is beyond 32 bits", name, x);
    }
    emit(r->t, (uint32_t)x);
    return 0;
}

/* One stream being read: the frames' shadow and where the stream's own frames begin. */
typedef struct stream {
    shadow_t s;                         /* per variable what is known of it */
    size_t floor;                       /* frames not the stream's: 0 main, 1 a finalizer body (its own frame) */
    bool main;                          /* the main stream */
} stream_t;

/* The shadow after operation op (operands v) at `at`, compiled at code index code_at: what it makes of its
 * variables, and whether a store or load names a list that may not be one (CHECKED). */
static int shadow_step(rd_t *r, stream_t *st, size_t at, uint64_t op, const uint64_t v[3], size_t code_at) {
    shadow_t *s = &st->s;
    int64_t *fk = s->depth ? s->k + s->base[s->depth - 1] : NULL;
    int64_t lst = K_UNKNOWN;
    uint64_t ov = 0, slot = 0;
    switch (op) {
    case MB_T_PUSH: sh_push(s, v[0], K_NONE); return 0;
    case MB_T_POP:
        if (s->depth <= st->floor)
            return fail(r, at, st->main ? "pop with no frame pushed" : "pop of the finalizer's own frame");
        s->n = s->base[--s->depth];
        return 0;
    case MB_T_NONE: fk[v[0]] = K_NONE; return 0;
    case MB_T_ASSIGN: fk[v[0]] = fk[v[1]]; return 0;
    case MB_T_GGET: fk[v[0]] = K_UNKNOWN; return 0;
    case MB_T_LIST: fk[v[0]] = (int64_t)v[1]; return 0;
    case MB_T_INT: case MB_T_STR: fk[v[0]] = K_SCALAR; return 0;
    case MB_T_STORE: case MB_T_STORE_NONE: ov = v[0]; slot = v[1]; lst = fk[ov]; break;
    case MB_T_LOAD: ov = v[1]; slot = v[2]; lst = fk[ov]; break;
    default: return 0;
    }
    if (lst == K_NONE || lst == K_SCALAR)
        return fail(r, at, "%s: variable %" PRIu64 " holds %s, not a list", mbt_ops[op].name, ov,
                    lst == K_NONE ? "None" : "an int or a string");
    if (lst >= 0 && slot >= (uint64_t)lst)
        return fail(r, at, "%s: slot %" PRIu64 " of a list of %" PRId64 " slots", mbt_ops[op].name, slot, lst);
    if (lst == K_UNKNOWN && r->t) r->t->code[code_at] |= CHECKED;
    if (op == MB_T_LOAD) fk[v[0]] = K_UNKNOWN;
    return 0;
}

/* The operation at `at` (opcode op, not END): its operands read, checked and compiled, the shadow updated. */
static int rd_op(rd_t *r, stream_t *st, size_t at, uint64_t op, uint64_t nfin) {
    shadow_t *s = &st->s;
    const char *args = mbt_ops[op].args;
    uint64_t v[3] = {0};
    size_t code_at = r->t ? r->t->ncode : 0;
    emit(r->t, (uint32_t)op);
    size_t nvars = s->depth ? s->n - s->base[s->depth - 1] : 0;
    for (int i = 0; args[i]; i++) {
        r->op = (unsigned)op;
        r->operand = (unsigned)i;
        if (args[i] == 'S') {
            if (rd_string(r, at) != 0) return -1;
            continue;
        }
        if (mbt_rd_varint(r, &v[i], NULL) != 0 || rd_operand(r, at, op, args[i], v[i], nvars, s->depth, nfin) != 0)
            return -1;
    }
    return shadow_step(r, st, at, op, v, code_at);
}

/* One stream (the main one, or a finalizer body) up to its END. */
static int rd_stream(rd_t *r, bool main, uint64_t nfin, uint64_t *nops) {
    stream_t st = {.floor = main ? 0 : 1, .main = main};
    if (!main) sh_push(&st.s, 1, K_UNKNOWN);
    int rc = -1;
    for (;;) {
        size_t at = r->pos;
        uint64_t op;
        if (mbt_rd_varint(r, &op, "an opcode") != 0) break;
        if (op >= MB_T_NOPS) {
            fail(r, at, "unknown opcode %" PRIu64, op);
            break;
        }
        if (op == MB_T_END) {
            if (st.s.depth != st.floor) {
                fail(r, at, "the %s ends with %zu frame(s) still pushed", main ? "main stream" : "finalizer body",
                     st.s.depth - st.floor);
                break;
            }
            emit(r->t, MB_T_END);
            rc = 0;
            break;
        }
        (*nops)++;
        if (rd_op(r, &st, at, op, nfin) != 0) break;
    }
    free(st.s.k);
    free(st.s.base);
    return rc;
}

int mbt_rd_all(rd_t *r, mb_trace_header_t *h) {
    memset(h, 0, sizeof *h);
    if (r->len < 4 || memcmp(r->b, MB_TRACE_MAGIC, 4) != 0) return fail(r, 0, "not a membench trace (no MBTR magic)");
    if (r->len < 6) return fail(r, 4, "truncated: the file ends inside the format version");
    unsigned ver = r->b[4] | (unsigned)r->b[5] << 8;
    if (ver != MB_TRACE_VERSION)
        return fail(r, 4, "format version %u; this membench reads version %u", ver, MB_TRACE_VERSION);
    r->pos = 6;
    uint64_t nl, flags;
    if (mbt_rd_varint(r, &nl, "the workload name's length") != 0) return -1;
    if (nl >= sizeof h->workload || nl > r->len - r->pos)
        return fail(r, 6, nl >= sizeof h->workload ? "workload name of %" PRIu64 " bytes is too long"
                                                   : "truncated: workload name of %" PRIu64 " bytes", nl);
    memcpy(h->workload, r->b + r->pos, nl);
    if (memchr(h->workload, 0, nl)) return fail(r, r->pos, "workload name holds a NUL byte");
    r->pos += nl;
    size_t at = r->pos;
    if (mbt_rd_varint(r, &h->n, "n") || mbt_rd_varint(r, &h->seed, "the seed") || mbt_rd_varint(r, &flags, "the flags")) return -1;
    if (flags > 3) return fail(r, at, "unknown flags 0x%" PRIx64, flags);
    h->interning = flags & 1;
    h->finalizers = (flags & 2) != 0;
    if (mbt_rd_varint(r, &h->checksum, "the checksum") || mbt_rd_varint(r, &h->leaks_acyclic[0], "leaks (interning off)") ||
        mbt_rd_varint(r, &h->leaks_acyclic[1], "leaks (interning on)") ||
        mbt_rd_varint(r, &h->uncollectable_legacy, "uncollectable") || mbt_rd_varint(r, &h->ops, "the operation count"))
        return -1;
    at = r->pos;
    if (mbt_rd_varint(r, &h->nfin, "the finalizer body count") != 0) return -1;
    if (h->nfin > 1000000) return fail(r, at, "%" PRIu64 " finalizer bodies is too many", h->nfin);
    size_t body = r->pos;
    if (r->t) {
        r->t->body = body;
        if (!(r->t->fin = calloc(h->nfin + 1, sizeof *r->t->fin))) mb_panic("trace: out of memory");
    }
    uint64_t nops = 0;
    if (rd_stream(r, true, h->nfin, &nops) != 0) return -1;
    for (uint64_t i = 0; i < h->nfin; i++) {
        if (r->t) r->t->fin[i] = r->t->ncode;
        if (rd_stream(r, false, h->nfin, &nops) != 0) return -1;
    }
    size_t end = r->pos;
    uint64_t want;
    if (mbt_rd_varint(r, &want, "the trailer's operation count") != 0) return -1;
    if (want != nops)
        return fail(r, end, "the trailer says %" PRIu64 " operations, the body has %" PRIu64, want, nops);
    if (r->len - r->pos < 8) return fail(r, r->pos, "truncated: the file ends inside the trailer's checksum");
    uint64_t sum = 0, got = mb_fnv1a(MB_FNV1A_BASIS, r->b + body, end - body);
    for (int i = 0; i < 8; i++) sum |= (uint64_t)r->b[r->pos + i] << (8 * i);
    if (sum != got)
        return fail(r, r->pos, "the body's checksum is 0x%016" PRIx64 ", the trailer says 0x%016" PRIx64, got, sum);
    r->pos += 8;
    if (r->pos != r->len) return fail(r, r->pos, "%zu bytes after the trailer", r->len - r->pos);
    return 0;
}

int mb_trace_validate(const unsigned char *buf, size_t len, mb_trace_header_t *h, char *err, size_t errsz) {
    rd_t r = {.b = buf, .len = len, .err = err, .errsz = errsz};
    return mbt_rd_all(&r, h);
}

int mbt_read_file(const char *path, unsigned char **buf, size_t *len, char *err, size_t errsz) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    wbuf_t w = {0};
    char b[65536];
    size_t k;
    while ((k = fread(b, 1, sizeof b, f)) > 0) mbt_wb_put(&w, b, k);
    bool bad = ferror(f);
    if (f != stdin) fclose(f);
    if (bad) {
        free(w.b);
        snprintf(err, errsz, "cannot read %s", path);
        return -1;
    }
    mbt_wb_put(&w, "", 1);                  /* a NUL after the data, for the text reader */
    *buf = w.b;
    *len = w.n - 1;
    return 0;
}

