/* intern.c: interning of small ints (-5..256) and strings, as CPython; interned objects are immortal. */
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"

#define MB_SMALL_INT_MIN (-5)
#define MB_SMALL_INT_MAX 256
#define MB_SMALL_INTS (MB_SMALL_INT_MAX - MB_SMALL_INT_MIN + 1)

/* Interned objects are allocated through the one allocation function (so
 * they are accounted as allocated and live) but never handed to the
 * strategy: they are immortal (object.h I2), excluded from leak counts, and
 * freed when the runtime ends. Small ints are created on first use, so an
 * object count says what a workload really caused. */
static mb_obj_t *make_immortal(mb_rt_t *rt, mb_kind_t kind, uint32_t len) {
    return mb__alloc_immortal(rt, kind, len);
}

mb_obj_t *mb_intern_int(mb_rt_t *rt, int64_t v) {
    if (v < MB_SMALL_INT_MIN || v > MB_SMALL_INT_MAX) return NULL;
    if (!rt->small_ints) {
        rt->small_ints = calloc(MB_SMALL_INTS, sizeof *rt->small_ints);
        if (!rt->small_ints) mb_oom("small int cache");
    }
    mb_obj_t **slot = &rt->small_ints[v - MB_SMALL_INT_MIN];
    if (!*slot) {
        *slot = make_immortal(rt, MB_INT, 0);
        *mb_obj_intp(*slot) = v;
    }
    return *slot;
}

/* Strings: rt->strings maps a hash (used as the key) to an object; on a
 * collision of hashes with different text the next key of a fixed probe
 * sequence is tried, so equal strings always find the same object. */
static uint64_t str_hash(const char *s, size_t len) {
    return mb_fnv1a(MB_FNV1A_BASIS, s, len) | 2;   /* never NULL nor the tombstone */
}

mb_obj_t *mb_intern_str(mb_rt_t *rt, const char *s, size_t len) {
    uint64_t h = str_hash(s, len);
    void *key = (void *)(uintptr_t)h;
    for (;;) {
        uint64_t val;
        if (!mb_ptrmap_get(&rt->strings, key, &val)) break;
        mb_obj_t *o = (mb_obj_t *)(uintptr_t)val;
        if (o->len == len && memcmp(mb_obj_chars(o), s, len) == 0) return o;
        key = (void *)(uintptr_t)(((uintptr_t)key * 31u + 7u) | 2u);   /* probe the next key */
    }
    mb_obj_t *o = make_immortal(rt, MB_STR, (uint32_t)len);
    memcpy(mb_obj_chars(o), s, len);
    mb_obj_chars(o)[len] = '\0';
    mb_ptrmap_put(&rt->strings, key, (uint64_t)(uintptr_t)o);
    return o;
}

void mb_intern_free(mb_rt_t *rt) {
    if (rt->small_ints) {
        for (size_t i = 0; i < MB_SMALL_INTS; i++)
            if (rt->small_ints[i]) mb__free_obj(rt, rt->small_ints[i]);
        free(rt->small_ints);
        rt->small_ints = NULL;
    }
    for (size_t i = 0; i < rt->strings.cap; i++)
        if (mb_ptrmap_live(&rt->strings, i)) mb__free_obj(rt, (mb_obj_t *)(uintptr_t)rt->strings.vals[i]);
    mb_ptrmap_free(&rt->strings);
}
