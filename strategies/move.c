/* move.c: the runtime's address-keyed tables follow objects a moving collector moved. */
#include <stdlib.h>

#include "strategy.h"

/*
 * The census (object -> id), the finalizer table (object -> record) and the
 * ids handed out by mb_id for a moving strategy are keyed by address. After
 * a moving collection each is rebuilt: an entry of a moved object is keyed
 * by its new address, an entry of a dead one dropped. The cost is one pass
 * over each table, and the tables are empty in benchmark runs (no census,
 * no finalizers, no ids asked for).
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

void mb__objects_moved(mb_rt_t *rt, mb_where_fn where) {
    rekey(rt, &rt->census, where, false);
    rekey(rt, &rt->finalizers, where, true);
    rekey(rt, &rt->ids, where, false);
}
