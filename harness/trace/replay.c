/* replay.c: a binary trace replayed as a workload (-w trace:FILE), compiled once, interpreted per run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"
#include "harness/trace/trace_fmt.h"

/* The file offset of the operation at code index pc: the code and the file
 * hold the same operations in the same order. */
static size_t code_len(const uint32_t *c) {
    const char *a = mbt_ops[*c & ~CHECKED].args;
    size_t n = 1;
    for (; *a; a++) n += (*a == 'i' || *a == 'q') ? 2 : 1;
    return n;
}
static size_t op_offset(const trace_t *t, size_t pc) {
    size_t k = 0;
    for (size_t i = 0; i < pc; i += code_len(t->code + i)) k++;
    rd_t r = {.b = t->file, .len = t->len, .pos = t->body};
    char e[8];
    r.err = e;
    r.errsz = sizeof e;
    for (; k; k--) {
        uint64_t op, x;
        mbt_rd_varint(&r, &op, "");
        for (const char *a = mbt_ops[op].args; *a; a++) {
            mbt_rd_varint(&r, &x, "");
            if (*a == 'S') r.pos += x;
        }
    }
    return r.pos;
}

static _Noreturn void replay_fail(const trace_t *t, size_t pc, const char *what, uint32_t v) {
    fprintf(stderr, "membench: trace %s: offset %zu: %s: variable %u %s\n", t->path, op_offset(t, pc),
            mbt_ops[t->code[pc] & ~CHECKED].name, v, what);
    exit(2);
}

static void mismatch(trace_t *t, size_t pc, uint64_t got) {
    if (!t->mismatches++) {
        t->first_mismatch = pc;
        t->got = got;
    }
}

#define I64(p) ((uint64_t)(p)[0] | (uint64_t)(p)[1] << 32)

static void interp(mb_rt_t *rt, trace_t *t, size_t pc, bool main);

static void replay_fin(mb_rt_t *rt, void *ctx) {
    const struct finctx *f = ctx;
    interp(rt, f->t, f->t->fin[f->id], false);
}

static void interp(mb_rt_t *rt, trace_t *t, size_t pc, bool main) {
    const uint32_t *code = t->code;
    for (;;) {
        const uint32_t *c = code + pc;
        switch (c[0]) {
        case MB_T_END: return;
        case MB_T_PUSH: mb_push(rt, c[1]); pc += 2; break;
        case MB_T_POP: mb_pop(rt); pc += 1; break;
        case MB_T_NONE: mb_none(rt, c[1]); pc += 2; break;
        case MB_T_ASSIGN: mb_assign(rt, c[1], c[2]); pc += 3; break;
        case MB_T_GSET: mb_gset(rt, c[1], c[2]); pc += 3; break;
        case MB_T_GGET: mb_gget(rt, c[1], c[2]); pc += 3; break;
        case MB_T_LIST: mb_new_list(rt, c[1], c[2]); pc += 3; break;
        case MB_T_INT: mb_new_int(rt, c[1], unzz(I64(c + 2))); pc += 4; break;
        case MB_T_STR: mb_new_str(rt, c[1], t->arena + c[2]); pc += 3; break;
        case MB_T_STORE | CHECKED:
            if (!mb_is_list(rt, c[1]) || c[2] >= mb_len(rt, c[1])) replay_fail(t, pc, "is no list of that many slots", c[1]);
            /* fall through */
        case MB_T_STORE: mb_store(rt, c[1], c[2], c[3]); pc += 4; break;
        case MB_T_STORE_NONE | CHECKED:
            if (!mb_is_list(rt, c[1]) || c[2] >= mb_len(rt, c[1])) replay_fail(t, pc, "is no list of that many slots", c[1]);
            /* fall through */
        case MB_T_STORE_NONE: mb_store_none(rt, c[1], c[2]); pc += 3; break;
        case MB_T_LOAD | CHECKED:
            if (!mb_is_list(rt, c[2]) || c[3] >= mb_len(rt, c[2])) replay_fail(t, pc, "is no list of that many slots", c[2]);
            /* fall through */
        case MB_T_LOAD: mb_load(rt, c[1], c[2], c[3]); pc += 4; break;
        case MB_T_COLLECT: mb_collect(rt); pc += 1; break;
        case MB_T_AUTO_COLLECT: mb_auto_collect(rt, c[1] != 0); pc += 2; break;
        case MB_T_FREEZE: mb_freeze(rt); pc += 1; break;
        case MB_T_SETFIN:
            if (mb_is_none(rt, c[1])) replay_fail(t, pc, "is None", c[1]);
            mb_set_finalizer(rt, c[1], replay_fin, &t->fctx[c[2]]);
            pc += 3;
            break;
        case MB_T_IS: {
            uint32_t r = mb_is(rt, c[1], c[2]);
            if (main && r != c[3]) mismatch(t, pc, r);
            pc += 4;
            break;
        }
        case MB_T_IS_NONE: case MB_T_IS_INT: case MB_T_IS_STR: case MB_T_IS_LIST: {
            uint32_t r = c[0] == MB_T_IS_NONE ? mb_is_none(rt, c[1]) : c[0] == MB_T_IS_INT ? mb_is_int(rt, c[1])
                         : c[0] == MB_T_IS_STR ? mb_is_str(rt, c[1]) : mb_is_list(rt, c[1]);
            if (main && r != c[2]) mismatch(t, pc, r);
            pc += 3;
            break;
        }
        case MB_T_INT_VALUE: {
            if (!mb_is_int(rt, c[1])) replay_fail(t, pc, "is not an int", c[1]);
            uint64_t r = zz(mb_int_value(rt, c[1]));
            if (main && r != I64(c + 2)) mismatch(t, pc, r);
            pc += 4;
            break;
        }
        case MB_T_STR_VALUE: {
            if (!mb_is_str(rt, c[1])) replay_fail(t, pc, "is not a string", c[1]);
            const char *s = mb_str_value(rt, c[1]);
            uint64_t r = mb_fnv1a(MB_FNV1A_BASIS, s, strlen(s));
            if (main && r != I64(c + 2)) mismatch(t, pc, r);
            pc += 4;
            break;
        }
        case MB_T_LEN: {
            if (mb_is_none(rt, c[1])) replay_fail(t, pc, "is None", c[1]);
            uint32_t r = mb_len(rt, c[1]);
            if (main && r != c[2]) mismatch(t, pc, r);
            pc += 3;
            break;
        }
        default: mb_panic("trace: bad compiled operation %u", c[0]);
        }
    }
}

/* The replay returns the recorded checksum when every query the workload
 * made (is, isnone, intvalue, len...) gave the recorded result: those are
 * all the workload read to compute it. Otherwise another value, so the
 * runner's checksum check fails, and the first difference on stderr. */
static uint64_t replay(trace_t *t, mb_rt_t *rt) {
    t->mismatches = 0;
    interp(rt, t, 0, true);
    if (!t->mismatches) return t->h.checksum;
    fprintf(stderr, "membench: trace %s: offset %zu: %s gave %" PRIu64 ", recorded otherwise (%" PRIu64
            " queries differ)\n", t->path, op_offset(t, t->first_mismatch), mbt_ops[t->code[t->first_mismatch]].name,
            t->got, t->mismatches);
    return (t->h.checksum ^ (0x5bd1e995u + t->mismatches)) & MB_CHECKSUM_MASK;
}

/* A workload's methods see only their arguments: one set of functions per
 * loaded trace (a fixed number of them). */
#define SLOTS 32                        /* a test replays every workload in one process */
static trace_t *slots[SLOTS];
#define SLOT(k)                                                                                     \
    static uint64_t run_##k(mb_rt_t *rt, const mb_wl_args_t *a) { (void)a; return replay(slots[k], rt); } \
    static uint64_t ops_##k(const mb_wl_args_t *a) { (void)a; return slots[k]->h.ops; }            \
    static uint64_t leaks_##k(const mb_wl_args_t *a) { return slots[k]->h.leaks_acyclic[a->interning ? 1 : 0]; } \
    static uint64_t unc_##k(const mb_wl_args_t *a) { (void)a; return slots[k]->h.uncollectable_legacy; }
SLOT(0) SLOT(1) SLOT(2) SLOT(3) SLOT(4) SLOT(5) SLOT(6) SLOT(7)
SLOT(8) SLOT(9) SLOT(10) SLOT(11) SLOT(12) SLOT(13) SLOT(14) SLOT(15)
SLOT(16) SLOT(17) SLOT(18) SLOT(19) SLOT(20) SLOT(21) SLOT(22) SLOT(23)
SLOT(24) SLOT(25) SLOT(26) SLOT(27) SLOT(28) SLOT(29) SLOT(30) SLOT(31)
#define FNS(k) {run_##k, ops_##k, leaks_##k, unc_##k}
static const struct {
    uint64_t (*run)(mb_rt_t *, const mb_wl_args_t *);
    uint64_t (*ops)(const mb_wl_args_t *), (*leaks)(const mb_wl_args_t *), (*unc)(const mb_wl_args_t *);
} slot_fns[SLOTS] = {FNS(0), FNS(1), FNS(2), FNS(3), FNS(4), FNS(5), FNS(6), FNS(7),
                     FNS(8), FNS(9), FNS(10), FNS(11), FNS(12), FNS(13), FNS(14), FNS(15),
                     FNS(16), FNS(17), FNS(18), FNS(19), FNS(20), FNS(21), FNS(22), FNS(23),
                     FNS(24), FNS(25), FNS(26), FNS(27), FNS(28), FNS(29), FNS(30), FNS(31)};

const mb_workload_t *mb_trace_opened(const char *path) {
    for (int k = 0; k < SLOTS && slots[k]; k++)
        if (!strcmp(slots[k]->path, path)) return &slots[k]->w;
    return NULL;
}

const mb_workload_t *mb_trace_workload(const char *path, char *err, size_t errsz) {
    const mb_workload_t *w = mb_trace_opened(path);
    if (w) return w;
    int k = 0;
    while (k < SLOTS && slots[k]) k++;
    if (k == SLOTS) {
        snprintf(err, errsz, "%s: more than %d traces in one run", path, SLOTS);
        return NULL;
    }
    trace_t *t = calloc(1, sizeof *t);
    if (!t || !(t->path = strdup(path))) mb_panic("trace: out of memory");
    char e[512];
    if (mbt_read_file(path, &t->file, &t->len, e, sizeof e) != 0) {
        snprintf(err, errsz, "%s", e);
        free(t->path);
        free(t);
        return NULL;
    }
    rd_t r = {.b = t->file, .len = t->len, .err = e, .errsz = sizeof e, .t = t};
    if (mbt_rd_all(&r, &t->h) != 0) {
        snprintf(err, errsz, "trace %s: %s", path, e);
        free(t->file);
        free(t->code);
        free(t->arena);
        free(t->fin);
        free(t->path);
        free(t);
        return NULL;
    }
    if (!(t->fctx = calloc(t->h.nfin + 1, sizeof *t->fctx))) mb_panic("trace: out of memory");
    for (uint64_t i = 0; i < t->h.nfin; i++) t->fctx[i] = (struct finctx){t, i};
    snprintf(t->name, sizeof t->name, "trace:%s", path);
    t->w = (mb_workload_t){.name = t->name, .description = "a recorded trace, replayed (docs/traces.md)",
                           .unit = "operations", .size_quick = t->h.n, .size_default = t->h.n, .size_large = t->h.n,
                           .ops = slot_fns[k].ops, .leaks_acyclic = slot_fns[k].leaks,
                           .uncollectable_legacy = slot_fns[k].unc, .run = slot_fns[k].run};
    slots[k] = t;
    return &t->w;
}

