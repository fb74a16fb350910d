/* verify.c: the debug heap verifier: the shared invariants of object.h (I1-I3), then the strategy's own. */
#include "runtime/strategy.h"

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

static void check_root(mb_rt_t *rt, mb_obj_t *o, void *ctx) {
    (void)ctx;
    verify_ref(rt, o, "a root");
}

void mb_verify(mb_rt_t *rt) {
    mb__free_lists_flush(rt);           /* cells on free lists are not objects */
    mb_ptrmap_t incoming = {0};
    /* I3: the references a count includes. Every counting strategy counts
     * slot references and the `garbage` list's (a strategy-held reference);
     * root references only under MB_BAR_ROOTS (rc-deferred does not count
     * them). each_root reports the garbage list too. */
    if (rt->mut.barrier & MB_BAR_ROOTS) {
        mb__each_root(rt, count_root, &incoming);
    } else {
        mb__each_root(rt, check_root, NULL);
        for (size_t i = 0; i < rt->garbage.n; i++) count_root(rt, rt->garbage.v[i], &incoming);
    }
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
        if ((rt->mut.barrier & MB_BAR_HEAP) && !rt->releasing) {
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
