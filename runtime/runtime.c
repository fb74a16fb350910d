/* runtime.c: a runtime's life cycle: creation (options, parameters, hooks), teardown and leak census, release. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"

#define MB_DEFAULT_GLOBALS 64

const mb_attr_info_t mb_attr_info[] = {
#define MB_ATTR_INFO(id, bit, name, doc) {MB_ATTR_##id, name, doc},
    MB_ATTR_LIST(MB_ATTR_INFO)
#undef MB_ATTR_INFO
    {0, NULL, NULL}
};

const mb_param_def_t *mb_param_find(const mb_strategy_t *S, const char *key) {
    for (const mb_param_def_t *d = S->params; d && d->name; d++)
        if (!strcmp(d->name, key)) return d;
    return NULL;
}

/* "KEY=VALUE,...": each key declared by S, once, its value an integer in
 * range. 0, or -1 and err names the first problem. */
int mb_params_check(const mb_strategy_t *S, const char *params, char *err, size_t errsz) {
    if (!params || !*params) return 0;
    char *copy = strdup(params), *save = NULL;
    if (!copy) mb_oom("params");
    const char *seen[64];
    size_t n = 0;
    int rc = 0;
    for (char *kv = strtok_r(copy, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        rc = -1;
        if (!eq || eq == kv) {
            snprintf(err, errsz, "--params must be KEY=VALUE,..., not '%s'", kv);
            break;
        }
        *eq = '\0';
        const char *v = eq + 1;
        const mb_param_def_t *d = mb_param_find(S, kv);
        if (!d) {
            char names[256] = "";
            size_t off = 0;
            for (const mb_param_def_t *p = S->params; p && p->name && off < sizeof names; p++)
                off += (size_t)snprintf(names + off, sizeof names - off, "%s%s", off ? ", " : "", p->name);
            if (off) snprintf(err, errsz, "bad --params '%s' for strategy %s: no parameter '%s' (it takes %s)", params,
                              S->name, kv, names);
            else snprintf(err, errsz, "bad --params '%s' for strategy %s: it takes no parameters", params, S->name);
            break;
        }
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (!*v || *v == '-' || *v == '+' || *end || errno || x < d->min || x > d->max) {
            snprintf(err, errsz, "--params %s must be an integer from %" PRIu64 " to %" PRIu64 " for %s, not '%s'",
                     kv, d->min, d->max, S->name, v);
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (!strcmp(seen[i], kv)) {
                snprintf(err, errsz, "--params gives %s twice: give each key once", kv);
                goto out;
            }
        if (n == sizeof seen / sizeof *seen) {
            snprintf(err, errsz, "--params has more than %zu keys", sizeof seen / sizeof *seen);
            break;
        }
        seen[n++] = kv;
        rc = 0;
    }
out:
    free(copy);
    return rc;
}

static int apply_params(mb_rt_t *rt, const char *params) {
    if (!params || !*params) return 0;
    char err[512];
    if (mb_params_check(rt->S, params, err, sizeof err) != 0) {
        fprintf(stderr, "membench: %s\n", err);
        return -1;
    }
    char *copy = strdup(params), *save = NULL;
    if (!copy) mb_oom("params");
    int rc = 0;
    for (char *kv = strtok_r(copy, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        *eq = '\0';
        rc = rt->S->param ? rt->S->param(rt, kv, strtoull(eq + 1, NULL, 10)) : -1;
    }
    free(copy);
    return rc;
}

static void rt_release(mb_rt_t *rt) {
    if (rt->own_heap) {
        mb_heap_destroy(rt->own_heap);
        free(rt->own_heap);
    }
    free(rt->mut.stack);
    free(rt->mut.frames);
    free(rt->state);
    free(rt);
}

mb_rt_t *mb_rt_new(const mb_strategy_t *S, const mb_options_t *opts) {
    mb_rt_t *rt = calloc(1, sizeof *rt);
    if (!rt) mb_oom("runtime");
    rt->S = S;
    rt->listener = &mb_basic_stats;
    if (opts) rt->opt = *opts;
    rt->opt.heap_multiplier = mb_heap_multiplier(rt->opt.heap_multiplier);
    if (!rt->opt.globals) rt->opt.globals = MB_DEFAULT_GLOBALS;
#if defined(MB_DEBUG) || defined(MB_SANITIZE)
    rt->opt.census = true;              /* verify needs it; sanitizer builds free leaked cycles at exit */
#endif
    rt->auto_collect = true;
    mb__test_hooks_install(rt);
    if (S->state_size) {
        rt->state = calloc(1, S->state_size);
        if (!rt->state) mb_oom("strategy state");
    }
    mb_mut_t *m = &rt->mut;
    m->barrier = (uint8_t)(mb_attr_barrier(S->attrs) | (S->remember ? MB_BAR_REMEMBER : 0) |
                            (S->log ? MB_BAR_LOG : 0));
#ifdef MB_BARRIER_FIXED
    if (m->barrier != (MB_BARRIER_FIXED)) {
        fprintf(stderr, "membench: this build compiles every store for barrier %u (MB_BARRIER_FIXED); %s needs %u\n",
                (unsigned)(MB_BARRIER_FIXED), S->name, (unsigned)m->barrier);
        rt_release(rt);
        return NULL;
    }
#endif
    bool counts = (m->barrier & MB_BAR_HEAP) != 0;
    m->dec_hook = counts && S->dec_nonzero != NULL;
#ifdef MB_STRESS
    m->dec_hook = counts;               /* stress: every falling count reaches the slow path */
#endif
    m->zeroed = (S->attrs & MB_ATTR_ZEROED) != 0;
    /* malloc inline only when it is where object memory comes from anyway:
     * no strategy heap; with jemalloc preloaded, malloc is jemalloc's. */
    bool heapless = !S->refill && !S->alloc && !S->free;
    /* --allocator own: a strategy without a heap of its own allocates from
     * the suite's size-class heap (ownheap.h), free lists inline. Sanitizer
     * builds keep libc, so that ASan sees every free. */
#ifndef MB_SANITIZE
    if (heapless && rt->opt.allocator == MB_ALLOC_OWN && !(rt->own_heap = calloc(1, sizeof *rt->own_heap)))
        mb_oom("own heap");
#endif
    m->malloc_direct = heapless && !rt->own_heap;
    /* on_alloc sees every object only where object memory is the runtime's
     * (malloc or the own heap); a strategy with a heap of its own (free
     * lists or a bump region) sees the slow path's objects only
     * (strategies/README.md). */
    m->alloc_hook = S->on_alloc != NULL && heapless;
#ifndef MB_DEBUG
    rt->free_plain = heapless && !S->on_free && !rt->opt.census && !S->side_bytes;
#endif
    m->interning = rt->opt.interning;
    m->side_bytes = S->side_bytes;
    m->header_aux = S->header_aux;
    m->nglobals = rt->opt.globals;
    /* The globals are the bottom of the root stack; no frame is pushed. */
    mb__frames_grow(rt, m->nglobals + 256);
    memset(m->stack, 0, m->nglobals * sizeof *m->stack);
    m->sp = m->frame_base = m->nglobals;
    m->fp = m->stack + m->frame_base;
    mb_policy_init(rt);
    if (S->init && S->init(rt) != 0) {
        rt_release(rt);
        return NULL;
    }
    if (apply_params(rt, rt->opt.params) != 0) {
        rt->opt.census = false;
        mb_rt_free(rt);
        return NULL;
    }
    mb__alloc_limit_update(rt);
    return rt;
}

const mb_strategy_t *mb_rt_strategy(const mb_rt_t *rt) { return rt->S; }

void mb_teardown(mb_rt_t *rt) {
    if (rt->torn_down) return;
    mb_mut_t *m = &rt->mut;
    if (rt->test_leak && !rt->test_leaked) {
        /* MB_TEST_LEAK: the runtime forgets one reference, as a C extension
         * that misses a decref: an int held by a root nobody drops, so every
         * strategy keeps it (a real leaked object, counted as any other). */
        mb_obj_t *o = mb__alloc(rt, MB_INT, 0);
        *mb_obj_intp(o) = 0x1ea4;
        if (m->barrier & MB_BAR_ROOTS) {
            o->rc++;                    /* a counted root reference */
            m->stats.rc_increments++;
        }
        rt->test_leaked = o;
    }
    while (m->nframes) mb_pop(rt);
    for (uint32_t g = 0; g < m->nglobals; g++) mb__write_root(rt, &m->stack[g], NULL);
    /* Finalizers run by the drops above may have pushed nothing lasting.
     * A deferred counting strategy (rc-deferred) frees its dead objects
     * here: with no root left, its full collection reconciles until its
     * zero-count table holds nothing it can free. */
    mb__collect_now(rt, true);
    mb_stats_t *s = &m->stats;
    uint64_t kept = s->live_objects - s->immortal_objects;
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
        unc_bytes += mb_obj_size((mb_kind_t)o->kind, o->len) + m->side_bytes;
        for (uint32_t i = 0; o->kind == MB_LIST && i < o->len; i++)
            if (mb_obj_slots(o)[i]) MB_VEC_PUSH(&todo, mb_obj_slots(o)[i]);
    }
    mb_ptrmap_free(&seen);
    MB_VEC_FREE(&todo);
    s->uncollectable_objects = unc;
    s->leaked_objects = kept - unc;
    s->leaked_bytes = s->live_bytes - mb__immortal_bytes(rt) - unc_bytes;
    rt->torn_down = true;
}

void mb_rt_free(mb_rt_t *rt) {
    if (!rt) return;
    mb_teardown(rt);
    mb__free_lists_flush(rt);
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
    mb_ptrmap_free(&rt->ids);
    MB_VEC_FREE(&rt->pauses);
    MB_VEC_FREE(&rt->pending);
    MB_VEC_FREE(&rt->garbage);
    rt_release(rt);
}
