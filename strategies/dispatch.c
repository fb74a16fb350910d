/* dispatch.c: the mutator API, the one generic dispatch layer that checks the contract and does the accounting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "strategy.h"

#define MB_DEFAULT_GLOBALS 64

/* ------------------------------------------------------------------------ */
/* Reference operations. Immortal objects are filtered here (I2), so no
 * strategy ever sees one in inc/dec. The fast path is inline; the slow path
 * (a count that falls) is out of line. */

static void collect_now(mb_rt_t *rt, bool full);

static void rc_dec_slow(mb_rt_t *rt, mb_obj_t *o) {
    if (o->rc == 0) {
        if (rt->S->release) rt->S->release(rt, o);
        else mb_rc_release(rt, o);
    } else if (rt->S->dec_nonzero) {
        rt->S->dec_nonzero(rt, o);
#ifdef MB_STRESS
        /* Stress builds honour a strategy's request right at the decrement
         * that made it (a safe point: the store is complete and every
         * reference is in a root or a slot), unless a cascade is running. */
        if (rt->collect_requested && rt->auto_collect && !rt->releasing && !rt->in_collect)
            collect_now(rt, false);
#endif
    }
}

static inline void ref_inc(mb_rt_t *rt, mb_obj_t *o) {
    if (o && !mb_obj_immortal(o) && (rt->S->attrs & MB_ATTR_COUNTS)) o->rc++;
}

static inline void ref_dec(mb_rt_t *rt, mb_obj_t *o) {
    if (o && !mb_obj_immortal(o) && (rt->S->attrs & MB_ATTR_COUNTS)) {
        MB_CHECK(o->rc > 0, "reference count underflow on object %p (kind %d)", (void *)o, o->kind);
        o->rc--;
        rc_dec_slow(rt, o);
    }
}

/* *slot = v, keeping counts: increment first, so that storing an object
 * over itself never frees it. */
static inline void ref_write(mb_rt_t *rt, mb_obj_t **slot, mb_obj_t *v) {
    mb_obj_t *old = *slot;
    ref_inc(rt, v);
    *slot = v;
    ref_dec(rt, old);
}

/* ------------------------------------------------------------------------ */
/* Variables. */

static inline mb_obj_t **var_slot(mb_rt_t *rt, mb_var_t v) {
    size_t i = rt->frame_base + v;
    MB_CHECK(rt->frames.n > 0, "variable %u used with no frame pushed", v);
    MB_CHECK(i < rt->sp, "variable %u out of range (frame has %zu)", v, rt->sp - rt->frame_base);
    return &rt->stack[i];
}

static inline mb_obj_t *var_get(mb_rt_t *rt, mb_var_t v) { return *var_slot(rt, v); }

static inline mb_obj_t *var_list(mb_rt_t *rt, mb_var_t v, uint32_t slot) {
    mb_obj_t *o = var_get(rt, v);
    MB_CHECK(o != NULL, "variable %u is None, not a list", v);
    MB_CHECK(o->kind == MB_LIST, "variable %u is not a list (kind %d)", v, o->kind);
    MB_CHECK(slot < o->len, "slot %u out of range (list of %u)", slot, o->len);
    return o;
}

static void stack_reserve(mb_rt_t *rt, size_t need) {
    if (need <= rt->stack_cap) return;
    size_t ncap = rt->stack_cap ? rt->stack_cap : 256;
    while (ncap < need) ncap *= 2;
    mb_obj_t **s = realloc(rt->stack, ncap * sizeof *s);
    if (!s) mb_oom("root frames");
    rt->stack = s;
    rt->stack_cap = ncap;
}

void mb_push(mb_rt_t *rt, uint32_t nvars) {
    stack_reserve(rt, rt->sp + nvars);
    MB_VEC_PUSH(&rt->frames, rt->frame_base);
    rt->frame_base = rt->sp;
    memset(rt->stack + rt->sp, 0, nvars * sizeof *rt->stack);
    rt->sp += nvars;
}

void mb_pop(mb_rt_t *rt) {
    MB_CHECK(rt->frames.n > 0, "mb_pop with no frame pushed");
    /* Drop references from the top down; a finalizer run by a drop may push
     * and pop frames of its own above, which leaves sp where it was. */
    while (rt->sp > rt->frame_base) {
        mb_obj_t *o = rt->stack[rt->sp - 1];
        rt->stack[rt->sp - 1] = NULL;
        ref_dec(rt, o);
        rt->sp--;
    }
    rt->frame_base = rt->frames.v[--rt->frames.n];
}

void mb_none(mb_rt_t *rt, mb_var_t dst) { ref_write(rt, var_slot(rt, dst), NULL); }

void mb_assign(mb_rt_t *rt, mb_var_t dst, mb_var_t src) {
    ref_write(rt, var_slot(rt, dst), var_get(rt, src));
}

void mb_gset(mb_rt_t *rt, uint32_t g, mb_var_t src) {
    MB_CHECK(g < rt->nglobals, "global %u out of range (%u globals)", g, rt->nglobals);
    ref_write(rt, &rt->stack[g], var_get(rt, src));
}

void mb_gget(mb_rt_t *rt, mb_var_t dst, uint32_t g) {
    MB_CHECK(g < rt->nglobals, "global %u out of range (%u globals)", g, rt->nglobals);
    ref_write(rt, var_slot(rt, dst), rt->stack[g]);
}

/* ------------------------------------------------------------------------ */
/* Allocation and freeing: the one place object memory is taken and returned. */

static void collect_now(mb_rt_t *rt, bool full) {
    if (!rt->S->collect || rt->in_collect) return;
    rt->in_collect = true;
    rt->collect_requested = false;
    uint64_t t0 = mb_now_ns();
    rt->S->collect(rt, full);
    uint64_t dt = mb_now_ns() - t0;
    rt->stats.collections++;
    rt->stats.gc_time_ns += dt;
    mb__record_pause(rt, dt);
    mb_policy_after_collect(rt);
    rt->in_collect = false;
#ifdef MB_DEBUG
    mb_verify(rt);
#endif
}

static inline void maybe_collect(mb_rt_t *rt) {
    if (!rt->auto_collect || rt->in_collect || rt->releasing) return;
    if (rt->collect_requested || ((rt->S->attrs & MB_ATTR_POLICY) && mb_policy_due(rt)))
        collect_now(rt, false);
}

/* Object memory: the strategy's own heap if it has one, else the selected
 * allocator. Immortal objects are never the strategy's: always the allocator. */
static inline void *obj_mem_alloc(mb_rt_t *rt, size_t bytes, bool immortal) {
    return rt->S->alloc && !immortal ? rt->S->alloc(rt, bytes) : mb_mem_alloc(bytes);
}

static _Noreturn void object_oom(mb_rt_t *rt, size_t bytes) {
    (void)rt;
    fprintf(stderr, "membench: out of memory: could not allocate an object of %zu bytes\n", bytes);
    fflush(NULL);
    _exit(MB_EXIT_OOM);
}

/* MB_TEST_SLOW: real work on the allocation path (a few hundred ns), so the
 * regression gate's tests measure a real slowdown of one strategy, not a
 * number edited into a file. Never set outside tests. */
static __attribute__((noinline)) void test_slow_work(void) {
    static volatile uint64_t sink;
    uint64_t x = sink + 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 64; i++) {
        x ^= x >> 31;
        x *= 0xbf58476d1ce4e5b9u;
    }
    sink = x;
}

mb_obj_t *mb__alloc_obj(mb_rt_t *rt, mb_kind_t kind, uint32_t len, bool immortal) {
    if (rt->test_slow) test_slow_work();
    maybe_collect(rt);
    size_t bytes = mb_obj_size(kind, len);
    mb_obj_t *o = obj_mem_alloc(rt, bytes, immortal);
    if (!o) {
        collect_now(rt, true);          /* as runtimes do: collect, then retry once */
        o = obj_mem_alloc(rt, bytes, immortal);
        if (!o) object_oom(rt, bytes);
    }
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)kind;
    o->len = len;
    size_t acct = bytes;
    if (immortal) {                     /* interned: no strategy metadata (I2) */
        o->flags = MB_F_IMMORTAL;
        rt->stats.immortal_objects++;
    } else {
        acct += rt->S->side_bytes;
    }
    rt->stats.objects_allocated++;
    rt->stats.live_objects++;
    rt->stats.bytes_allocated += acct;
    rt->stats.live_bytes += acct;
    if (rt->stats.live_bytes > rt->stats.peak_live_bytes) rt->stats.peak_live_bytes = rt->stats.live_bytes;
    if (rt->opt.census) mb_ptrmap_put(&rt->census, o, ++rt->next_id);
    return o;
}

void mb__free_obj(mb_rt_t *rt, mb_obj_t *o) {
    MB_CHECK(o->kind != MB_FREED, "double free of object %p", (void *)o);
    bool immortal = mb_obj_immortal(o);    /* read before the debug poison overwrites the flags */
    MB_CHECK(!immortal || rt->torn_down, "free of immortal object %p", (void *)o);
    if (rt->S->on_free && !immortal) rt->S->on_free(rt, o);
    size_t bytes = mb_obj_size((mb_kind_t)o->kind, o->len);
    size_t acct = bytes + (immortal ? 0 : rt->S->side_bytes);
    if (o->flags & MB_F_FINALIZER) {
        uint64_t rec;
        if (mb_ptrmap_del(&rt->finalizers, o, &rec)) free((void *)(uintptr_t)rec);
    }
    if (rt->opt.census) mb_ptrmap_del(&rt->census, o, NULL);
    rt->stats.objects_freed++;
    rt->stats.live_objects--;
    rt->stats.live_bytes -= acct;
#ifdef MB_DEBUG
    memset(o, 0xdb, bytes);             /* poison: a stale reference reads kind 0xdb, not a valid kind */
#endif
    o->kind = MB_FREED;
    if (rt->S->free && !immortal) rt->S->free(rt, o, bytes);
    else mb_mem_free(o, bytes);
}

static void obj_born(mb_rt_t *rt, mb_obj_t *o) {
    if (rt->S->on_alloc) rt->S->on_alloc(rt, o);
}

void mb_new_list(mb_rt_t *rt, mb_var_t dst, uint32_t nslots) {
    (void)var_slot(rt, dst);            /* check dst before allocating */
    MB_CHECK(nslots <= MB_MAX_SLOTS, "list of %u slots is too large", nslots);
    mb_obj_t *o = mb__alloc_obj(rt, MB_LIST, nslots, false);
    memset(mb_obj_slots(o), 0, (size_t)nslots * sizeof(mb_obj_t *));
    obj_born(rt, o);
    ref_write(rt, var_slot(rt, dst), o);
}

void mb_new_int(mb_rt_t *rt, mb_var_t dst, int64_t value) {
    (void)var_slot(rt, dst);
    mb_obj_t *o = rt->opt.interning ? mb_intern_int(rt, value) : NULL;
    if (!o) {
        o = mb__alloc_obj(rt, MB_INT, 0, false);
        *mb_obj_intp(o) = value;
        obj_born(rt, o);
    }
    ref_write(rt, var_slot(rt, dst), o);
}

void mb_new_str(mb_rt_t *rt, mb_var_t dst, const char *s) {
    (void)var_slot(rt, dst);
    size_t len = strlen(s);
    MB_CHECK(len <= MB_MAX_SLOTS, "string of %zu bytes is too long", len);
    mb_obj_t *o = rt->opt.interning ? mb_intern_str(rt, s, len) : NULL;
    if (!o) {
        o = mb__alloc_obj(rt, MB_STR, (uint32_t)len, false);
        memcpy(mb_obj_chars(o), s, len + 1);
        obj_born(rt, o);
    }
    ref_write(rt, var_slot(rt, dst), o);
}

/* ------------------------------------------------------------------------ */
/* Slots and inspection. */

void mb_store(mb_rt_t *rt, mb_var_t obj, uint32_t slot, mb_var_t src) {
    mb_obj_t *o = var_list(rt, obj, slot);
    ref_write(rt, &mb_obj_slots(o)[slot], var_get(rt, src));
}

void mb_store_none(mb_rt_t *rt, mb_var_t obj, uint32_t slot) {
    mb_obj_t *o = var_list(rt, obj, slot);
    ref_write(rt, &mb_obj_slots(o)[slot], NULL);
}

void mb_load(mb_rt_t *rt, mb_var_t dst, mb_var_t obj, uint32_t slot) {
    mb_obj_t *o = var_list(rt, obj, slot);
    ref_write(rt, var_slot(rt, dst), mb_obj_slots(o)[slot]);
}

bool mb_is(mb_rt_t *rt, mb_var_t a, mb_var_t b) { return var_get(rt, a) == var_get(rt, b); }
bool mb_is_none(mb_rt_t *rt, mb_var_t v) { return var_get(rt, v) == NULL; }
static bool is_kind(mb_rt_t *rt, mb_var_t v, mb_kind_t k) {
    mb_obj_t *o = var_get(rt, v);
    return o && o->kind == k;
}
bool mb_is_int(mb_rt_t *rt, mb_var_t v) { return is_kind(rt, v, MB_INT); }
bool mb_is_str(mb_rt_t *rt, mb_var_t v) { return is_kind(rt, v, MB_STR); }
bool mb_is_list(mb_rt_t *rt, mb_var_t v) { return is_kind(rt, v, MB_LIST); }

int64_t mb_int_value(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = var_get(rt, v);
    MB_CHECK(o && o->kind == MB_INT, "variable %u is not an int", v);
    return *mb_obj_intp(o);
}

const char *mb_str_value(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = var_get(rt, v);
    MB_CHECK(o && o->kind == MB_STR, "variable %u is not a string", v);
    return mb_obj_chars(o);
}

uint32_t mb_len(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = var_get(rt, v);
    MB_CHECK(o != NULL, "len() of None (variable %u)", v);
    return o->len;
}

long mb_refcount(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = var_get(rt, v);
    MB_CHECK(o != NULL, "refcount of None (variable %u)", v);
    if (mb_obj_immortal(o)) return MB_RC_IMMORTAL;
    if (!(rt->S->attrs & MB_ATTR_COUNTS)) return MB_RC_NONE;
    return (long)o->rc;
}

uint64_t mb_id(mb_rt_t *rt, mb_var_t v) {
    mb_obj_t *o = var_get(rt, v);
    if (!o) return 0;
    uint64_t id;
    if (rt->opt.census && mb_ptrmap_get(&rt->census, o, &id)) return id;
    return (uint64_t)(uintptr_t)o;
}

/* ------------------------------------------------------------------------ */
/* Collection, finalizers, census. */

void mb_collect(mb_rt_t *rt) { collect_now(rt, true); }
void mb_auto_collect(mb_rt_t *rt, bool on) { rt->auto_collect = on; }

void mb_freeze(mb_rt_t *rt) {
    if (rt->S->freeze) rt->S->freeze(rt);
}

void mb_set_finalizer(mb_rt_t *rt, mb_var_t v, mb_finalizer_fn fn, void *ctx) {
    mb_obj_t *o = var_get(rt, v);
    MB_CHECK(o != NULL, "finalizer on None (variable %u)", v);
    MB_CHECK(!mb_obj_immortal(o), "finalizer on an immortal object (variable %u)", v);
    uint64_t old;
    if (mb_ptrmap_get(&rt->finalizers, o, &old)) free((void *)(uintptr_t)old);
    mb_fin_t *f = malloc(sizeof *f);
    if (!f) mb_oom("finalizer");
    f->fn = fn;
    f->ctx = ctx;
    mb_ptrmap_put(&rt->finalizers, o, (uint64_t)(uintptr_t)f);
    o->flags |= MB_F_FINALIZER;
    o->flags &= (uint8_t)~MB_F_FINALIZED;
    if (rt->S->on_finalizer) rt->S->on_finalizer(rt, o);
}

bool mb__finalize(mb_rt_t *rt, mb_obj_t *o) {
    if (!mb__needs_finalize(o)) return false;
    uint64_t rec;
    o->flags |= MB_F_FINALIZED;
    if (!mb_ptrmap_get(&rt->finalizers, o, &rec)) return false;
    mb_fin_t *f = (mb_fin_t *)(uintptr_t)rec;
    /* Hold o in a temporary frame without counting that reference: the
     * frame is torn down by hand below, so no release can start from it. */
    /* The count is raised by one for the duration of the call, so that a
     * finalizer that copies o and drops the copy cannot start a second
     * release of an object whose release is under way. */
    bool counts = (rt->S->attrs & MB_ATTR_COUNTS) != 0;
    mb_push(rt, 1);
    rt->stack[rt->frame_base] = o;
    if (counts) o->rc++;
    rt->stats.finalizers_run++;
    f->fn(rt, f->ctx);
    MB_CHECK(rt->stack[rt->frame_base] == o, "a finalizer overwrote its own variable 0");
    if (counts) o->rc--;
    rt->stack[rt->frame_base] = NULL;
    mb_pop(rt);
    return true;
}

void mb__make_uncollectable(mb_rt_t *rt, mb_obj_t *o) {
    if (o->flags & MB_F_UNCOLLECTABLE) return;
    o->flags |= MB_F_UNCOLLECTABLE;
    ref_inc(rt, o);
    MB_VEC_PUSH(&rt->garbage, o);
    rt->stats.uncollectable_objects++;
}

void mb__reclaimed(mb_rt_t *rt, uint64_t objects, uint64_t bytes) {
    MB_CHECK(objects <= rt->stats.live_objects && bytes <= rt->stats.live_bytes,
             "reclaimed %llu objects of %llu live", (unsigned long long)objects,
             (unsigned long long)rt->stats.live_objects);
    rt->stats.objects_freed += objects;
    rt->stats.live_objects -= objects;
    rt->stats.live_bytes -= bytes;
}

uint64_t mb__immortal_bytes(const mb_rt_t *rt) {
    uint64_t b = 0;
    for (size_t i = 0; rt->small_ints && i < 262; i++)
        if (rt->small_ints[i]) b += mb_obj_size(MB_INT, 0);
    for (size_t i = 0; i < rt->strings.cap; i++)
        if (mb_ptrmap_live(&rt->strings, i)) {
            mb_obj_t *s = (mb_obj_t *)(uintptr_t)rt->strings.vals[i];
            b += mb_obj_size(MB_STR, s->len);
        }
    return b;
}

void mb__record_pause(mb_rt_t *rt, uint64_t ns) { MB_VEC_PUSH(&rt->pauses, ns); }

void mb__each_root(mb_rt_t *rt, mb_root_fn fn, void *ctx) {
    for (size_t i = 0; i < rt->sp; i++)
        if (rt->stack[i]) fn(rt, rt->stack[i], ctx);
    for (size_t i = 0; i < rt->garbage.n; i++) fn(rt, rt->garbage.v[i], ctx);
    if (rt->test_leaked) fn(rt, rt->test_leaked, ctx);
}

bool mb_exists(mb_rt_t *rt, uint64_t id) {
    MB_CHECK(rt->opt.census, "mb_exists needs the census option");
    for (size_t i = 0; i < rt->census.cap; i++)
        if (mb_ptrmap_live(&rt->census, i) && rt->census.vals[i] == id) return true;
    return false;
}

long mb_refcount_id(mb_rt_t *rt, uint64_t id) {
    MB_CHECK(rt->opt.census, "mb_refcount_id needs the census option");
    for (size_t i = 0; i < rt->census.cap; i++) {
        if (!mb_ptrmap_live(&rt->census, i) || rt->census.vals[i] != id) continue;
        mb_obj_t *o = rt->census.keys[i];
        if (mb_obj_immortal(o)) return MB_RC_IMMORTAL;
        if (!(rt->S->attrs & MB_ATTR_COUNTS)) return MB_RC_NONE;
        return (long)o->rc;
    }
    return MB_RC_FREED;
}

size_t mb_census(mb_rt_t *rt) {
    MB_CHECK(rt->opt.census, "mb_census needs the census option");
    size_t n = 0;
    for (size_t i = 0; i < rt->census.cap; i++)
        if (mb_ptrmap_live(&rt->census, i) && !mb_obj_immortal(rt->census.keys[i])) n++;
    return n;
}

/* ------------------------------------------------------------------------ */
/* Debug verification of the shared invariants (object.h I1-I3). */

static void verify_ref(mb_rt_t *rt, mb_obj_t *o, const char *where) {
    MB_CHECK(o->kind == MB_LIST || o->kind == MB_INT || o->kind == MB_STR,
             "verify: %s refers to a freed or corrupt object %p (kind %d)", where, (void *)o, o->kind);
    if (rt->opt.census)
        MB_CHECK(mb_ptrmap_get(&rt->census, o, NULL), "verify: %s refers to %p, not allocated", where, (void *)o);
}

static void count_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    mb_ptrmap_t *in = ctx;
    verify_ref(rt, o, "a root");
    uint64_t c = 0;
    mb_ptrmap_get(in, o, &c);
    mb_ptrmap_put(in, o, c + 1);
}

void mb_verify(mb_rt_t *rt) {
    mb_ptrmap_t incoming = {0};
    mb__each_root(rt, count_root, &incoming);
    /* the garbage list holds a counted reference, but each_root already saw it */
    if (rt->opt.census) {
        for (size_t i = 0; i < rt->census.cap; i++) {
            if (!mb_ptrmap_live(&rt->census, i)) continue;
            mb_obj_t *o = rt->census.keys[i];
            verify_ref(rt, o, "the census");
            if (o->kind != MB_LIST) continue;
            for (uint32_t s = 0; s < o->len; s++) {
                mb_obj_t *t = mb_obj_slots(o)[s];
                if (!t) continue;
                verify_ref(rt, t, "a slot");
                uint64_t c = 0;
                mb_ptrmap_get(&incoming, t, &c);
                mb_ptrmap_put(&incoming, t, c + 1);
            }
        }
        if ((rt->S->attrs & MB_ATTR_COUNTS) && !rt->releasing) {
            for (size_t i = 0; i < rt->census.cap; i++) {
                if (!mb_ptrmap_live(&rt->census, i)) continue;
                mb_obj_t *o = rt->census.keys[i];
                if (mb_obj_immortal(o)) continue;
                uint64_t c = 0;
                mb_ptrmap_get(&incoming, o, &c);
                MB_CHECK(o->rc == c, "verify: object %p (kind %d) has count %u but %llu references",
                         (void *)o, o->kind, o->rc, (unsigned long long)c);
            }
        }
    }
    mb_ptrmap_free(&incoming);
    if (rt->S->verify) rt->S->verify(rt);
}

/* ------------------------------------------------------------------------ */
/* Runtime life cycle. */

static int apply_params(mb_rt_t *rt, const char *params) {
    if (!params || !*params) return 0;
    char *copy = strdup(params), *save = NULL;
    if (!copy) mb_oom("params");
    int rc = 0;
    for (char *kv = strtok_r(copy, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || !rt->S->param) { rc = -1; break; }
        *eq = '\0';
        rc = rt->S->param(rt, kv, eq + 1);
    }
    free(copy);
    return rc;
}

mb_rt_t *mb_rt_new(const mb_strategy_t *S, const mb_options_t *opts) {
    mb_rt_t *rt = calloc(1, sizeof *rt);
    if (!rt) mb_oom("runtime");
    rt->S = S;
    if (opts) rt->opt = *opts;
    if (rt->opt.heap_multiplier <= 0) rt->opt.heap_multiplier = 2.0;
    if (!rt->opt.globals) rt->opt.globals = MB_DEFAULT_GLOBALS;
#if defined(MB_DEBUG) || defined(MB_SANITIZE)
    rt->opt.census = true;              /* verify needs it; sanitizer builds free leaked cycles at exit */
#endif
    rt->auto_collect = true;
    const char *t = getenv("MB_TEST_SLOW");
    rt->test_slow = t && !strcmp(t, S->name);
    t = getenv("MB_TEST_LEAK");
    rt->test_leak = t && !strcmp(t, S->name);
    if (S->state_size) {
        rt->state = calloc(1, S->state_size);
        if (!rt->state) mb_oom("strategy state");
    }
    rt->nglobals = rt->opt.globals;
    stack_reserve(rt, rt->nglobals + 256);
    memset(rt->stack, 0, rt->nglobals * sizeof *rt->stack);
    rt->sp = rt->frame_base = rt->nglobals;
    mb_policy_init(rt);
    if (S->init && S->init(rt) != 0) {
        free(rt->state);
        free(rt->stack);
        free(rt);
        return NULL;
    }
    if (apply_params(rt, rt->opt.params) != 0) {
        fprintf(stderr, "membench: bad parameters for %s: %s\n", S->name, rt->opt.params);
        rt->opt.census = false;
        mb_rt_free(rt);
        return NULL;
    }
    return rt;
}

const mb_strategy_t *mb_rt_strategy(const mb_rt_t *rt) { return rt->S; }

void mb_teardown(mb_rt_t *rt) {
    if (rt->torn_down) return;
    if (rt->test_leak && !rt->test_leaked) {
        /* MB_TEST_LEAK: the runtime forgets one reference, as a C extension
         * that misses a decref: an int held by a root nobody drops, so every
         * strategy keeps it (a real leaked object, counted as any other). */
        mb_obj_t *o = mb__alloc_obj(rt, MB_INT, 0, false);
        *mb_obj_intp(o) = 0x1ea4;
        obj_born(rt, o);
        ref_inc(rt, o);
        rt->test_leaked = o;
    }
    while (rt->frames.n) mb_pop(rt);
    for (uint32_t g = 0; g < rt->nglobals; g++) ref_write(rt, &rt->stack[g], NULL);
    /* Finalizers run by the drops above may have pushed nothing lasting. */
    collect_now(rt, true);
    uint64_t kept = rt->stats.live_objects - rt->stats.immortal_objects;
    /* Uncollectable: the objects in `garbage` and everything they reach
     * (legacy finalizers keep a whole cycle alive through its members with
     * finalizers, as Python 2's gc.garbage did). They are not leaks. */
    uint64_t unc = 0, unc_bytes = 0;
    mb_ptrmap_t seen = {0};
    mb_ptrvec_t todo = {0};
    for (size_t i = 0; i < rt->garbage.n; i++) MB_VEC_PUSH(&todo, rt->garbage.v[i]);
    while (todo.n) {
        mb_obj_t *o = todo.v[--todo.n];
        if (mb_obj_immortal(o) || mb_ptrmap_get(&seen, o, NULL)) continue;
        mb_ptrmap_put(&seen, o, 1);
        unc++;
        unc_bytes += mb_obj_size((mb_kind_t)o->kind, o->len) + rt->S->side_bytes;
        for (uint32_t s = 0; o->kind == MB_LIST && s < o->len; s++)
            if (mb_obj_slots(o)[s]) MB_VEC_PUSH(&todo, mb_obj_slots(o)[s]);
    }
    mb_ptrmap_free(&seen);
    MB_VEC_FREE(&todo);
    rt->stats.uncollectable_objects = unc;
    rt->stats.leaked_objects = kept - unc;
    rt->stats.leaked_bytes = rt->stats.live_bytes - mb__immortal_bytes(rt) - unc_bytes;
    rt->torn_down = true;
}

void mb_rt_free(mb_rt_t *rt) {
    if (!rt) return;
    mb_teardown(rt);
    /* Return what is still allocated: with the census we can find leaked
     * objects (sanitizer and debug builds); without it they stay leaked, as
     * the process that ran the case is about to end. */
    if (rt->opt.census) {
        mb_ptrvec_t all = {0};
        for (size_t i = 0; i < rt->census.cap; i++)
            if (mb_ptrmap_live(&rt->census, i) && !mb_obj_immortal(rt->census.keys[i]))
                MB_VEC_PUSH(&all, rt->census.keys[i]);
        for (size_t i = 0; i < all.n; i++) mb__free_obj(rt, all.v[i]);
        MB_VEC_FREE(&all);
    }
    mb_intern_free(rt);
    if (rt->S->finish) rt->S->finish(rt);
    for (size_t i = 0; i < rt->finalizers.cap; i++)
        if (mb_ptrmap_live(&rt->finalizers, i)) free((void *)(uintptr_t)rt->finalizers.vals[i]);
    mb_ptrmap_free(&rt->finalizers);
    mb_ptrmap_free(&rt->census);
    MB_VEC_FREE(&rt->frames);
    MB_VEC_FREE(&rt->pauses);
    MB_VEC_FREE(&rt->pending);
    MB_VEC_FREE(&rt->garbage);
    free(rt->stack);
    free(rt->state);
    free(rt);
}
