/* move.c: the runtime's address-keyed tables follow objects a moving collector moved. */
#include <stdlib.h>

#include "runtime/strategy.h"

/*
 * The census (object -> id), the finalizer table (object -> record) and the
 * ids handed out by mb_id for a moving strategy are keyed by address. After
 * a moving collection an entry of a moved object is keyed by its new
 * address, an entry of a dead one dropped. With the list of the objects
 * that moved (their old addresses), the census and the finalizer table are
 * updated entry by entry: the cost is the moved objects, not the table (a
 * minor collection moves a nursery's survivors while the census holds the
 * whole heap); without it, every table is rebuilt in one pass. The ids
 * table is small (only the objects whose id was asked for) and is always
 * rebuilt, which also drops the ids of objects that died unvisited.
 */
static void rekey(mb_rt_t *rt, mb_ptrmap_t *map, mb_where_fn where, bool free_records) {
    if (map->n == 0) return;
    mb_ptrmap_t next = {0};
    for (size_t i = 0; i < map->cap; i++) {
        if (!mb_ptrmap_live(map, i)) continue;
        mb_obj_t *o = map->keys[i];
        mb_obj_t *now = mb_obj_immortal(o) ? o : where(rt, o);
        if (now) mb_ptrmap_put(&next, now, map->vals[i]);
        else if (free_records) free((void *)(uintptr_t)map->vals[i]);
    }
    mb_ptrmap_free(map);
    *map = next;
}

/* The entries of the objects in `moved` (old addresses), re-keyed. All are
 * deleted first, so an object that moved to where another one was is not
 * confused with it. */
static void rekey_moved(mb_rt_t *rt, mb_ptrmap_t *map, mb_where_fn where, mb_obj_t *const *moved, size_t n) {
    if (map->n == 0) return;
    mb_ptrvec_t keep = {0};
    mb_u64vec_t vals = {0};
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        if (mb_ptrmap_del(map, moved[i], &v)) {
            MB_VEC_PUSH(&keep, (void *)where(rt, moved[i]));
            MB_VEC_PUSH(&vals, v);
        }
    }
    for (size_t i = 0; i < keep.n; i++) {
        MB_CHECK(keep.v[i] != NULL, "a moved object has no new address");
        mb_ptrmap_put(map, keep.v[i], vals.v[i]);
    }
    MB_VEC_FREE(&keep);
    MB_VEC_FREE(&vals);
}

void mb__objects_moved(mb_rt_t *rt, mb_where_fn where, mb_obj_t *const *moved, size_t n) {
    if (moved) {
        rekey_moved(rt, &rt->census, where, moved, n);
        rekey_moved(rt, &rt->finalizers, where, moved, n);
    } else {
        rekey(rt, &rt->census, where, false);
        rekey(rt, &rt->finalizers, where, true);
    }
    rekey(rt, &rt->ids, where, false);
}
