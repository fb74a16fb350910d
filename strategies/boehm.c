/* boehm.c: the Boehm-Demers-Weiser collector (bdwgc) behind the mutator API: the industrial reference for tracing. */
#define GC_THREADS                      /* Debian's libgc is threaded: the real allocation lock */
#include <gc/gc.h>
#include <gc/gc_mark.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/strategy.h"

#define BW_SCRUB_BYTES 65536            /* stack zeroed below a collection (bw_scrub_stack) */

/*
 * Object memory comes from GC_MALLOC, so bdwgc marks and sweeps it (lazily,
 * by size-class blocks, as it always does); this file only connects it to
 * the runtime:
 *
 *  roots      bdwgc does not scan malloc'd memory, and the runtime's root
 *             frames (rt->mut.stack) and legacy `garbage` live there: a
 *             push-other-roots procedure pushes both ranges for every live
 *             runtime at every collection. The C stack is not a root (see
 *             bw_gcollect). Static data, registers and object contents
 *             bdwgc scans conservatively, as always: a word that looks like
 *             a pointer keeps an object alive, so this strategy may leak
 *             more than the expectation says, never fewer
 *             (MB_ATTR_CONSERVATIVE: the harness accepts leaked >= expected).
 *  when       collections are the shared policy's (MB_ATTR_POLICY), as for
 *             mark-sweep, so the two are compared at the same heap
 *             multiplier: bdwgc's own trigger is disabled (GC_disable) and a
 *             collection is GC_enable + bdwgc's own full collection
 *             (bw_collect_as_bdwgc) + GC_disable.
 *  unmapping  off (GC_UNMAP_THRESHOLD=0 for GC_INIT, unless the user set
 *             it): bdwgc returns a free block to the OS once it has stayed
 *             free for 6 collections, and merges it with free neighbours,
 *             which are then unmapped too. The policy collects long before
 *             bdwgc's heap is full (after the first tree, binary-trees
 *             leaves a heap of twice what later collections need), so
 *             blocks aged out and came back as fresh pages, each a page
 *             fault again: 3,600 of boehm's 12,300 faults at n = 16,
 *             multiplier 3. bdwgc-direct, which collects only when its heap
 *             is full, unmaps nothing either way. Peak RSS is unchanged
 *             (unmapping happens after the peak).
 *  interior   GC_set_all_interior_pointers(0): every reference the runtime
 *             holds points at an object's first byte, so bdwgc need not pad
 *             objects by a byte to keep one-past-the-end pointers valid
 *             (without it a 32-byte node takes 48 bytes).
 *  finalizers an object given a finalizer (on_finalizer) is registered with
 *             GC_register_finalizer_no_order (no topological order, as
 *             Python's cycles have none); bdwgc keeps it and what it reaches
 *             alive until its finalizer has run. Finalizers run on demand
 *             (GC_set_finalize_on_demand), never inside GC_MALLOC: a
 *             collection runs GC_invoke_finalizers, which calls mb__finalize
 *             (modern: run once, resurrection allowed) or
 *             mb__make_uncollectable (legacy: kept in `garbage`), and then
 *             collects again so finalized garbage is freed in the same
 *             collection, as mark-sweep does.
 *  accounting after a collection the objects bdwgc left marked are the live
 *             ones. With the census (tests, debug builds) every census entry
 *             that is not marked is freed through mb__free_obj (exact
 *             accounting and ids); without it the marked objects are counted
 *             (GC_enumerate_reachable_objects_inner) and the difference is
 *             reported as a reclaimed event. `free` returns nothing: bdwgc
 *             reuses the memory when it sweeps.
 *
 * side_bytes 0: bdwgc's metadata is a mark byte per 16-byte granule and a
 * block header per 4 KiB block (under 2 bytes an object of 32 bytes), not a
 * whole byte count per object; the header is the 16 bytes every strategy has.
 * Not available under AddressSanitizer (bdwgc scans memory ASan poisons):
 * the registry leaves it out of sanitizer builds.
 */
typedef struct bw_state {
    mb_rt_t *rt;                        /* the runtime this state belongs to */
    struct bw_state *next;              /* the next live runtime (bw_live) */
    uintptr_t serial;                   /* identifies the runtime to finalizer callbacks */
} bw_state_t;

static bw_state_t *bw_live;             /* every runtime with boehm objects, for the roots */
static bool bw_unpadded = true;         /* every byte bdwgc handed out is an object's accounted byte (bw_sized) */
static uint64_t bw_dropped;             /* bytes of free-list cells dropped at collections (bw_unreserve) */
static uint64_t bw_done_bytes;          /* bytes allocated by the runtimes already finished */
static uintptr_t bw_serial;             /* last serial handed out */
static GC_push_other_roots_proc bw_prev_push;

/* bdwgc's push-other-roots: the root frames and `garbage` of every runtime. */
static void GC_CALLBACK bw_push_roots(void) {
    for (bw_state_t *s = bw_live; s; s = s->next) {
        mb_rt_t *rt = s->rt;
        if (rt->mut.sp) GC_push_all(rt->mut.stack, rt->mut.stack + rt->mut.sp);
        if (rt->garbage.n) GC_push_all(rt->garbage.v, rt->garbage.v + rt->garbage.n);
    }
    if (bw_prev_push) bw_prev_push();
}

static int bw_init(mb_rt_t *rt) {
    static bool gc_ready;
    if (!gc_ready) {
        GC_set_all_interior_pointers(0);
        GC_set_finalize_on_demand(1);
        GC_set_handle_fork(1);          /* the runner forks a child per case */
        GC_set_no_dls(1);               /* no static data of shared libraries as roots */
        bool unmap_set = !getenv("GC_UNMAP_THRESHOLD");
        if (unmap_set) setenv("GC_UNMAP_THRESHOLD", "0", 1);   /* no unmapping: see above */
        GC_INIT();
        if (unmap_set) unsetenv("GC_UNMAP_THRESHOLD");   /* read once; not passed on to children */
        /* someone allocated before us; or parallel marking, which counts some allocations late */
        if (GC_get_total_bytes() != 0 || GC_get_parallel()) bw_unpadded = false;
        GC_clear_roots();               /* nor the program's: no global refers to an object */
        GC_disable();                   /* collections are the policy's */
        bw_prev_push = GC_get_push_other_roots();
        GC_set_push_other_roots(bw_push_roots);
        gc_ready = true;
    }
    bw_state_t *st = rt->state;
    st->rt = rt;
    st->serial = ++bw_serial;
    st->next = bw_live;
    bw_live = st;
    return 0;
}

static void *bw_alloc(mb_rt_t *rt, size_t bytes) {
    (void)rt;
    return GC_MALLOC(bytes);
}

/* The mutator's free lists (mutator.h) are filled by bdwgc's own batch
 * allocator, GC_malloc_many: a chain of cleared objects of one size linked
 * through their first word, as bdwgc's inline allocator (gc_inline.h) uses
 * it. Cells left on a list at a collection are simply dropped: nothing
 * bdwgc scans refers to them, so it reclaims them. */
static void *bw_refill(mb_rt_t *rt, uint32_t cls) {
    (void)rt;
    return GC_malloc_many((size_t)cls * MB_FL_GRANULE);
}

/* A cell left on a free list at a collection: dropped (bdwgc reclaims it),
 * and its bytes noted for bw_sized. */
static void bw_unreserve(mb_rt_t *rt, void *cell) {
    (void)rt;
    bw_dropped += GC_size(cell);
    *(void **)cell = NULL;              /* so a stale word that reaches one cell does not reach the rest */
}

/* aux = BW_LIVE (every header's aux, strategy.h header_aux) marks an
 * allocated object: bdwgc clears memory it puts on a free list, and it
 * marks the entries of thread-local free lists, so a marked block without
 * the tag is free memory, not a live object. */
#define BW_LIVE 0xb0e4b0e4u

static void bw_free(mb_rt_t *rt, void *p, size_t bytes) {
    (void)rt; (void)p; (void)bytes;     /* bdwgc reclaims it when it sweeps */
}

/* A finalizer bdwgc found due: the object is unreachable (and kept, with
 * what it reaches, until this returns). cd is the runtime's serial, not a
 * pointer: an object may outlive its runtime (its finalizer then does
 * nothing). */
static void GC_CALLBACK bw_finalizer(void *obj, void *cd) {
    mb_rt_t *rt = NULL;
    for (bw_state_t *s = bw_live; s; s = s->next)
        if (s->serial == (uintptr_t)cd) rt = s->rt;
    mb_obj_t *o = obj;
    if (!rt) return;
    if (!mb__needs_finalize(o)) return;
    if (rt->opt.finalizers == MB_FIN_LEGACY) mb__make_uncollectable(rt, o);
    else mb__finalize(rt, o);
}

static void bw_on_finalizer(mb_rt_t *rt, mb_obj_t *o) {
    bw_state_t *st = rt->state;
    GC_register_finalizer_no_order(o, bw_finalizer, (void *)st->serial, NULL, NULL);
    bw_unpadded = false;                /* bdwgc's finalizer records are objects it marks */
}

static void *GC_CALLBACK bw_set_stackbottom(void *cd) {
    GC_set_stackbottom(NULL, cd);
    return NULL;
}

/* Zero the stack below the caller's frame, where bdwgc's own frames will
 * be: words left there by earlier calls (a finalizer's frame, the
 * mutator's slow paths) would otherwise be scanned as roots inside
 * bdwgc's uninitialised locals. */
__attribute__((noinline)) static void bw_scrub_stack(void) {
    volatile char buf[BW_SCRUB_BYTES];
    memset((char *)buf, 0, sizeof buf);
    __asm__ volatile("" ::"r"(buf) : "memory");
}

/* A full collection by the path bdwgc's own trigger takes
 * (GC_collect_a_little, non-incremental: GC_maybe_gc), made due for the
 * call. GC_gcollect, a collection that may be stopped, first finishes the
 * lazy sweep of every block (GC_reclaim_all), which bdwgc-direct's
 * collections skip: the policy collects long before the heap is used up,
 * so many blocks are still unswept. Should bdwgc not collect (it always
 * does here), GC_gcollect does. */
static void bw_collect_as_bdwgc(void) {
    GC_word gc0 = GC_get_gc_no(), div = GC_get_free_space_divisor();
    size_t min = GC_get_min_bytes_allocd();
    GC_set_free_space_divisor((GC_word)1 << 40);   /* due after any allocation */
    GC_set_min_bytes_allocd(1);
    (void)GC_collect_a_little();
    GC_set_free_space_divisor(div);
    GC_set_min_bytes_allocd(min);
    if (GC_get_gc_no() == gc0) GC_gcollect();
}

/* The collection proper, called by bw_gcollect on stack just zeroed: for
 * the call the thread's stack bottom is moved to this frame's `here`, so
 * bdwgc scans only its own frames and the words of this one below `here`,
 * all written since the scrub. (When `here` was in bw_gcollect's own frame,
 * its unwritten slots below `here` still held words from calls made at that
 * depth before, such as a finalizer's frame: a dead object they pointed to
 * was kept, depending on how the compiler laid the frame out.) */
__attribute__((noinline)) static void bw_gcollect_here(void) {
    struct GC_stack_base saved, here = {.mem_base = (void *)&here};
    (void)GC_get_my_stackbottom(&saved);
    GC_call_with_alloc_lock(bw_set_stackbottom, &here);
    GC_enable();
#if defined(__x86_64__) && !defined(MB_SANITIZE)
    /* and the argument registers, which bdwgc's getcontext saves too */
    __asm__ volatile("xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\txor %%edx, %%edx\n\txor %%esi, %%esi\n\t"
                     "xor %%edi, %%edi\n\txor %%r8d, %%r8d\n\txor %%r9d, %%r9d\n\txor %%r10d, %%r10d\n\t"
                     "xor %%r11d, %%r11d" ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
#endif
    bw_collect_as_bdwgc();
    GC_disable();
    GC_call_with_alloc_lock(bw_set_stackbottom, &saved);
}

/* One bdwgc collection. Every collection starts here, at a safe point where
 * every reference is in a root frame or a slot (R1-R3): so the C stack
 * below this frame holds none the mutator needs, only stale words that
 * would keep garbage alive. The stack below is zeroed and the collection
 * runs in a frame there (bw_gcollect_here), so bdwgc scans only its own
 * frames; the roots are then the precise root frames, and only object
 * contents are conservative. */
__attribute__((noinline)) static void bw_gcollect(void) {
#if defined(__x86_64__) && !defined(MB_SANITIZE)
    /* bdwgc scans the callee-saved registers too: clear them (the compiler
     * saves their values in this frame's prologue, above the stack bottom
     * bdwgc is given), so a stale object pointer left in one by the
     * mutator does not keep garbage alive. (rbp too: the release and debug
     * builds omit the frame pointer; sanitizer builds have no boehm.) */
    __asm__ volatile("xor %%ebx, %%ebx\n\txor %%ebp, %%ebp\n\txor %%r12d, %%r12d\n\t"
                     "xor %%r13d, %%r13d\n\txor %%r14d, %%r14d\n\txor %%r15d, %%r15d"
                     ::: "rbx", "rbp", "r12", "r13", "r14", "r15");
#endif
    bw_scrub_stack();
    bw_gcollect_here();
    __asm__ volatile("");               /* no tail call: it would restore the registers first */
}

/* Counting the marked objects of this runtime (no census): the policy needs
 * the live bytes after every collection, and bdwgc does not count them in
 * our units, so each marked object's header is read. bdwgc hands them over
 * in address order; each is prefetched on arrival and read BW_AHEAD
 * callbacks later, so the cache misses overlap (as mark-sweep's mark loop
 * does). The cost is stated in docs/performance.md. */
#define BW_AHEAD 8u
typedef struct bw_count {
    uint64_t objects, bytes;            /* marked objects and their accounted bytes */
    mb_obj_t *ring[BW_AHEAD];           /* prefetched, not yet read */
    unsigned head, n;                   /* oldest entry; entries */
    bool sized;                         /* bw_sized held: count bdwgc's sizes, read no object */
} bw_count_t;

static inline void bw_count_one(bw_count_t *c, const mb_obj_t *o) {
    if (o->aux != BW_LIVE) return;      /* a free-list entry, or bdwgc's own */
    c->objects++;
    c->bytes += mb_obj_size((mb_kind_t)o->kind, o->len);
}

static void GC_CALLBACK bw_count_marked(void *obj, size_t bytes, void *cd) {
    (void)bytes;
    bw_count_t *c = cd;
    __builtin_prefetch(obj);
    if (c->n == BW_AHEAD) {
        bw_count_one(c, c->ring[c->head]);
        c->ring[c->head] = obj;
        c->head = (c->head + 1) % BW_AHEAD;
    } else {
        c->ring[(c->head + c->n++) % BW_AHEAD] = obj;
    }
}

/* The same count without reading any object, when bw_unpadded holds: then
 * every object bdwgc ever handed out went to a boehm object whose
 * accounted size is its bdwgc size (no padding: lists of an even length,
 * as every binary-trees node) or was dropped from a free list, and bdwgc
 * allocated nothing else (no finalizer records, no thread-local free list,
 * no other user). So a marked object is a boehm object of `bytes` bytes, or
 * a free cell a stale word reached (bdwgc's own frames hold a block's
 * address while they mark: one 32-byte cell in about a third of the
 * collections of binary-trees), which then counts as a retained object, as
 * conservative scanning retains garbage: never fewer than the program
 * holds. bdwgc passes the size; the objects stay untouched, which saves
 * re-reading the whole live heap after every collection. */
static void GC_CALLBACK bw_count_sized(void *obj, size_t bytes, void *cd) {
    (void)obj;
    bw_count_t *c = cd;
    c->objects++;
    c->bytes += bytes;
}

/* bw_unpadded, checked: the bytes bdwgc counts as allocated in this process
 * (GC_get_total_bytes: each object's size in granules, for every object it
 * hands out, to us or anyone) less those of the cells we dropped, against
 * the bytes accounted to every boehm object allocated (accounted <= bdwgc's
 * size, equal only without padding). Once not equal, never again: padded
 * or foreign objects may stay in the heap. */
static bool bw_sized(const mb_rt_t *rt) {
    uint64_t acct = bw_done_bytes + rt->mut.stats.bytes_allocated - mb__immortal_bytes(rt);
    if (bw_unpadded && GC_get_total_bytes() - bw_dropped != acct) bw_unpadded = false;
    return bw_unpadded;
}

static void *GC_CALLBACK bw_enumerate(void *cd) {
    bw_count_t *c = cd;
    GC_enumerate_reachable_objects_inner(c->sized ? bw_count_sized : bw_count_marked, c);
    for (; c->n; c->n--, c->head = (c->head + 1) % BW_AHEAD) bw_count_one(c, c->ring[c->head]);
    return NULL;
}

/* Census entries of this strategy that bdwgc did not mark. */
typedef struct bw_dead {
    mb_rt_t *rt;                        /* whose census */
    mb_ptrvec_t v;                      /* the unmarked objects */
} bw_dead_t;

static void *GC_CALLBACK bw_find_dead(void *cd) {
    bw_dead_t *d = cd;
    mb_ptrmap_t *m = &d->rt->census;
    for (size_t i = 0; i < m->cap; i++) {
        if (!mb_ptrmap_live(m, i)) continue;
        mb_obj_t *o = m->keys[i];
        /* A block with no marked object is returned whole during the
         * collection (GC_base then says it is not an object any more). */
        if (!mb_obj_immortal(o) && (GC_base(o) != o || !GC_is_marked(o))) MB_VEC_PUSH(&d->v, (void *)o);
    }
    return NULL;
}

/* After: bdwgc has collected (twice if finalizers ran: finalized garbage
 * is freed too); the accounting holds only the objects bdwgc kept. */
static void bw_collect(mb_rt_t *rt, bool full) {
    (void)full;                         /* every bdwgc collection here is full */
    bw_gcollect();
    if (GC_should_invoke_finalizers()) {
        GC_invoke_finalizers();         /* calls bw_finalizer at this safe point */
        bw_gcollect();
    }
    if (rt->opt.census) {
        bw_dead_t d = {.rt = rt};
        GC_call_with_alloc_lock(bw_find_dead, &d);
        for (size_t i = 0; i < d.v.n; i++) mb__free_obj(rt, d.v.v[i]);
        MB_VEC_FREE(&d.v);
    } else {
        /* Without the census only one runtime can hold boehm objects (the
         * case's); the marked objects are all its own. */
        bw_count_t c = {.sized = bw_sized(rt)};
        GC_call_with_alloc_lock(bw_enumerate, &c);
        uint64_t owned = rt->mut.stats.live_objects - rt->mut.stats.immortal_objects;
        if (c.objects < owned) {
            uint64_t bytes_owned = rt->mut.stats.live_bytes - mb__immortal_bytes(rt);
            mb_ev_reclaimed(rt, owned - c.objects, bytes_owned - c.bytes);
        }
    }
}

static void bw_finish(mb_rt_t *rt) {
    bw_state_t *st = rt->state;
    /* the interned objects are freed by now: their bytes are no longer known */
    if (rt->mut.stats.immortal_objects) bw_unpadded = false;
    bw_done_bytes += rt->mut.stats.bytes_allocated;
    for (bw_state_t **p = &bw_live; *p; p = &(*p)->next)
        if (*p == st) {
            *p = st->next;
            break;
        }
}

const mb_strategy_t mb_strategy_boehm = {
    .name = "boehm",
    .description = "bdwgc (Boehm-Demers-Weiser) 8.2, conservative mark-sweep: the industrial reference",
    .attrs = MB_ATTR_FREES | MB_ATTR_CYCLES | MB_ATTR_TRACES | MB_ATTR_POLICY | MB_ATTR_CONSERVATIVE | MB_ATTR_ZEROED |
             MB_ATTR_OWN_HEAP,
    .side_bytes = 0,
    .state_size = sizeof(bw_state_t),
    .init = bw_init,
    .alloc = bw_alloc,
    .refill = bw_refill,
    .unreserve = bw_unreserve,
    .header_aux = BW_LIVE,
    .free = bw_free,
    .on_finalizer = bw_on_finalizer,
    .collect = bw_collect,
    .finish = bw_finish,
};
